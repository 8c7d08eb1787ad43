/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "kefu-cases-view"

#include "config.h"

#include <glib/gi18n.h>

#include "kefu-case-common.h"
#include "kefu-case-list.h"
#include "kefu-case-page.h"
#include "kefu-cases-view.h"
#include "kefu-claims.h"
#include "kefu-list-proxy.h"
#include "kefu-sla.h"
#include "kefu-window.h"

/* The Cases view: queues on the left with their counts, the paged list of
 * the chosen queue with search and filters, the case on the right. The
 * list never holds more than a few pages of rows (KefuCaseList), and
 * counts stop at KEFU_CASE_COUNT_CAP, so it stays quick at a million
 * cases. */

#define TICK_SECONDS 60
#define DAY_MS       G_GINT64_CONSTANT (86400000)

typedef struct
{
  KefuCaseQueue  queue;
  const char    *icon;
  const char    *label;
  const char    *empty_title;
  const char    *empty_description;
} QueueInfo;

static const QueueInfo queues[] = {
  { KEFU_CASE_QUEUE_MINE, "avatar-default-symbolic", N_("My cases"),
    N_("Nothing on Your Desk"), N_("Open cases you handle or took first appear here.") },
  { KEFU_CASE_QUEUE_BRANCH, "go-home-symbolic", N_("My branch"),
    N_("No Open Cases"), N_("The branch has no open case.") },
  { KEFU_CASE_QUEUE_UNASSIGNED, "mail-unread-symbolic", N_("Unassigned"),
    N_("Everything Has an Owner"), N_("Every open case is assigned to someone.") },
  { KEFU_CASE_QUEUE_OVERDUE, "alarm-symbolic", N_("Overdue"),
    N_("Nothing Is Overdue"), N_("Every running case is within its time limit.") },
  { KEFU_CASE_QUEUE_DUE_TODAY, "appointment-soon-symbolic", N_("Due today"),
    N_("Nothing Due Today"), N_("No deadline falls later today.") },
  { KEFU_CASE_QUEUE_AWAITING_APPROVAL, "security-high-symbolic", N_("Awaiting approval"),
    N_("No Approvals Waiting"), N_("Claim decisions above the decider’s authorization limit wait here for a supervisor.") },
  { KEFU_CASE_QUEUE_FOLLOW_UPS_DUE, "call-outgoing-symbolic", N_("Follow-ups due"),
    N_("No Follow-up Calls Due"), N_("Closed cases get a follow-up call; the ones due by today appear here.") },
  { KEFU_CASE_QUEUE_ALL, "view-list-symbolic", N_("All cases"),
    N_("No Cases Yet"), N_("New cases are taken at intake.") },
};

typedef enum
{
  PERIOD_ALL,
  PERIOD_TODAY,
  PERIOD_WEEK,
  PERIOD_MONTH,
} Period;

struct _KefuCasesView
{
  GtkWidget           parent_instance;

  /* template children */
  GtkDropDown        *assignee_dropdown;
  KefuCasePage       *case_page;
  GtkDropDown        *category_dropdown;
  GtkDropDown        *channel_dropdown;
  GtkLabel           *count_label;
  GtkStack           *detail_stack;
  AdwStatusPage      *empty_page;
  GtkMenuButton      *filter_button;
  GtkDropDown        *kind_dropdown;
  GtkStack           *list_stack;
  GtkListView        *list_view;
  GtkWidget          *paned;
  GtkDropDown        *period_dropdown;
  GtkListBox         *queue_list;
  GtkSearchEntry     *search_entry;
  GtkDropDown        *status_dropdown;

  KefuDb             *db;
  KefuCaseList       *list;
  KefuListProxy      *proxy;      /* the list as the list view sees it */
  GtkSingleSelection *selection;
  KefuCaseQueue       queue;
  GtkWidget          *queue_rows[G_N_ELEMENTS (queues)];
  GtkWidget          *queue_counts[G_N_ELEMENTS (queues)];
  guint               counts[G_N_ELEMENTS (queues)];
  GPtrArray          *staff;        /* KefuNamedId, assignee_dropdown items 1.. */
  GPtrArray          *categories;   /* KefuNamedId, category_dropdown items 1.. */
  GHashTable         *bound;        /* GtkListItem* currently bound */
  guint               tick_id;
  gboolean            updating;
  GArray             *drill;        /* only these cases (a dashboard figure's rowids) */
  char               *drill_title;
};

enum { CUSTOMER_ACTIVATED, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (KefuCasesView, kefu_cases_view, GTK_TYPE_WIDGET)

/* --- helpers --------------------------------------------------------- */

static guint
queue_index (KefuCaseQueue queue)
{
  for (guint i = 0; i < G_N_ELEMENTS (queues); i++)
    if (queues[i].queue == queue)
      return i;
  return G_N_ELEMENTS (queues) - 1;
}

static char *
format_count (guint n)
{
  if (n >= KEFU_CASE_COUNT_CAP)
    /* Translators: a count that stopped at its cap, "10,000+" */
    return g_strdup_printf (_("%'u+"), (guint) KEFU_CASE_COUNT_CAP);
  return g_strdup_printf ("%'u", n);
}

static const char *
chosen_key (GtkDropDown  *dropdown,
            const char  **keys)
{
  guint selected = gtk_drop_down_get_selected (dropdown);

  if (selected == GTK_INVALID_LIST_POSITION || selected == 0 || selected - 1 >= g_strv_length ((char **) keys))
    return NULL;
  return keys[selected - 1];
}

static const char *
chosen_id (GtkDropDown *dropdown,
           GPtrArray   *items)
{
  guint selected = gtk_drop_down_get_selected (dropdown);

  if (selected == GTK_INVALID_LIST_POSITION || selected == 0 || items == NULL || selected - 1 >= items->len)
    return NULL;
  return ((KefuNamedId *) g_ptr_array_index (items, selected - 1))->id;
}

static gboolean
has_filters (KefuCasesView *self)
{
  return gtk_drop_down_get_selected (self->kind_dropdown) > 0 ||
         gtk_drop_down_get_selected (self->status_dropdown) > 0 ||
         gtk_drop_down_get_selected (self->channel_dropdown) > 0 ||
         gtk_drop_down_get_selected (self->period_dropdown) > 0 ||
         gtk_drop_down_get_selected (self->assignee_dropdown) > 0 ||
         gtk_drop_down_get_selected (self->category_dropdown) > 0;
}

static void
update_count (KefuCasesView *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->list));
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  const QueueInfo *info = &queues[queue_index (self->queue)];
  g_autofree char *label = NULL;

  if (n >= KEFU_CASE_COUNT_CAP)
    {
      g_autofree char *number = format_count (n);

      label = g_strdup_printf (_("%s cases — search or add a filter to narrow them down"), number);
    }
  else
    {
      g_autofree char *number = g_strdup_printf ("%'u", n);

      label = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s case", "%s cases", n), number);
    }
  if (self->drill_title)
    {
      char *with_title = g_strdup_printf ("%s — %s", self->drill_title, label);

      g_free (label);
      label = with_title;
    }
  gtk_label_set_label (self->count_label, label);

  if (n > 0)
    {
      gtk_stack_set_visible_child_name (self->list_stack, "list");
      return;
    }
  adw_status_page_set_icon_name (self->empty_page, "edit-find-symbolic");
  if (text && *text)
    {
      g_autofree char *desc = g_strdup_printf (_("No case in “%s” matches “%s”. Try other words, the case number or the tracking number, or look in All cases."),
                                               _(info->label), text);

      adw_status_page_set_title (self->empty_page, _("No Cases Found"));
      adw_status_page_set_description (self->empty_page, desc);
    }
  else if (has_filters (self))
    {
      adw_status_page_set_title (self->empty_page, _("No Cases Found"));
      adw_status_page_set_description (self->empty_page, _("No case in this queue matches these filters."));
    }
  else
    {
      adw_status_page_set_icon_name (self->empty_page, info->icon);
      adw_status_page_set_title (self->empty_page, _(info->empty_title));
      adw_status_page_set_description (self->empty_page, _(info->empty_description));
    }
  gtk_stack_set_visible_child_name (self->list_stack, "empty");
}

static void
refresh_counts (KefuCasesView *self)
{
  gint64 start = g_get_monotonic_time ();

  for (guint i = 0; i < G_N_ELEMENTS (queues); i++)
    {
      KefuCaseQuery q = { 0 };
      g_autoptr(GError) error = NULL;
      g_autofree char *text = NULL;
      guint n = 0;

      q.queue = queues[i].queue;
      if (!kefu_cases_count (self->db, &q, &n, &error))
        g_warning ("Could not count a queue: %s", error->message);
      self->counts[i] = n;
      text = n > 0 ? format_count (n) : g_strdup ("");
      gtk_label_set_label (GTK_LABEL (self->queue_counts[i]), text);
      if (n > 0 && (q.queue == KEFU_CASE_QUEUE_OVERDUE || q.queue == KEFU_CASE_QUEUE_AWAITING_APPROVAL))
        gtk_widget_add_css_class (self->queue_counts[i], "queue-count-alert");
      else
        gtk_widget_remove_css_class (self->queue_counts[i], "queue-count-alert");
    }
  g_debug ("Queues counted in %.1f ms", (g_get_monotonic_time () - start) / 1000.0);
}

static void
apply_query (KefuCasesView *self)
{
  KefuCaseQuery q = { 0 };
  gint64 now = kefu_cases_get_now (self->db);
  gint64 today = kefu_local_day_start (now);
  gint64 start;

  q.queue = self->queue;
  q.text = (char *) gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  q.kind = (char *) chosen_key (self->kind_dropdown, kefu_case_kind_keys ());
  q.status = (char *) chosen_key (self->status_dropdown, kefu_case_status_keys ());
  q.channel = (char *) chosen_key (self->channel_dropdown, kefu_case_channel_keys ());
  q.assignee_id = (char *) chosen_id (self->assignee_dropdown, self->staff);
  q.category_id = (char *) chosen_id (self->category_dropdown, self->categories);
  q.rowids = self->drill;
  switch ((Period) gtk_drop_down_get_selected (self->period_dropdown))
    {
    case PERIOD_TODAY: q.created_from = today; break;
    case PERIOD_WEEK: q.created_from = today - 6 * DAY_MS; break;
    case PERIOD_MONTH: q.created_from = today - 29 * DAY_MS; break;
    case PERIOD_ALL:
    default: break;
    }

  if (gtk_drop_down_get_selected (self->period_dropdown) > 0 ||
      gtk_drop_down_get_selected (self->assignee_dropdown) > 0 ||
      gtk_drop_down_get_selected (self->category_dropdown) > 0)
    gtk_widget_add_css_class (GTK_WIDGET (self->filter_button), "accent");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->filter_button), "accent");

  start = g_get_monotonic_time ();
  self->updating = TRUE;
  /* Unselect first: GtkSingleSelection looks for a selected item that
   * the change removes among all the new items, which would read every
   * page of the list. */
  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
  kefu_case_list_set_query (self->list, &q);
  self->updating = FALSE;
  update_count (self);
  g_debug ("Queue %d, text “%s”: %u cases counted in %.1f ms", q.queue, q.text,
           g_list_model_get_n_items (G_LIST_MODEL (self->list)), (g_get_monotonic_time () - start) / 1000.0);
}

/* Reloads the list after a write, keeping the open case selected when
 * it is still in the queue. */
static void
reload_list (KefuCasesView *self)
{
  const char *id = kefu_case_page_get_id (self->case_page);
  guint pos = gtk_single_selection_get_selected (self->selection);
  guint found = GTK_INVALID_LIST_POSITION;

  self->updating = TRUE;
  /* Unselected while the list changes (see apply_query()). */
  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
  kefu_case_list_reload (self->list);
  if (id != NULL && pos != GTK_INVALID_LIST_POSITION &&
      pos < g_list_model_get_n_items (G_LIST_MODEL (self->list)))
    {
      g_autoptr(KefuCaseItem) item = g_list_model_get_item (G_LIST_MODEL (self->list), pos);

      if (item && g_strcmp0 (kefu_case_item_get_id (item), id) == 0)
        found = pos;
    }
  if (found == GTK_INVALID_LIST_POSITION && id != NULL)
    {
      guint at = kefu_case_list_find (self->list, id);

      if (at != G_MAXUINT)
        found = at;
    }
  gtk_single_selection_set_selected (self->selection, found);
  self->updating = FALSE;
  update_count (self);
}

static void
fill_staff (KefuCasesView *self)
{
  g_autoptr(GtkStringList) model = gtk_string_list_new (NULL);

  g_clear_pointer (&self->staff, g_ptr_array_unref);
  self->staff = _kefu_list_office_staff (self->db, NULL);
  gtk_string_list_append (model, _("Anyone"));
  for (guint i = 0; i < self->staff->len; i++)
    gtk_string_list_append (model, ((KefuNamedId *) g_ptr_array_index (self->staff, i))->name);
  gtk_drop_down_set_model (self->assignee_dropdown, G_LIST_MODEL (model));
  gtk_drop_down_set_selected (self->assignee_dropdown, 0);
}

static void
fill_categories (KefuCasesView *self)
{
  g_autoptr(GtkStringList) model = gtk_string_list_new (NULL);

  g_clear_pointer (&self->categories, g_ptr_array_unref);
  self->categories = _kefu_list_case_categories (self->db);
  gtk_string_list_append (model, _("All categories"));
  for (guint i = 0; i < self->categories->len; i++)
    gtk_string_list_append (model, ((KefuNamedId *) g_ptr_array_index (self->categories, i))->name);
  gtk_drop_down_set_model (self->category_dropdown, G_LIST_MODEL (model));
  gtk_drop_down_set_selected (self->category_dropdown, 0);
}

static void
fill_key_dropdown (GtkDropDown  *dropdown,
                   const char   *all,
                   const char  **keys,
                   const char *(*label) (const char *))
{
  g_autoptr(GtkStringList) model = gtk_string_list_new (NULL);

  gtk_string_list_append (model, all);
  for (guint i = 0; keys[i]; i++)
    gtk_string_list_append (model, label (keys[i]));
  gtk_drop_down_set_model (dropdown, G_LIST_MODEL (model));
  gtk_drop_down_set_selected (dropdown, 0);
}

static void
build_queue_rows (KefuCasesView *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (queues); i++)
    {
      GtkWidget *row = gtk_list_box_row_new ();
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 10);
      GtkWidget *icon = gtk_image_new_from_icon_name (queues[i].icon);
      GtkWidget *label = gtk_label_new (_(queues[i].label));
      GtkWidget *count = gtk_label_new (NULL);

      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
      gtk_widget_set_hexpand (label, TRUE);
      gtk_widget_add_css_class (count, "queue-count");
      gtk_widget_add_css_class (count, "numeric");
      gtk_box_append (GTK_BOX (box), icon);
      gtk_box_append (GTK_BOX (box), label);
      gtk_box_append (GTK_BOX (box), count);
      gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
      g_object_set_data (G_OBJECT (row), "queue", GUINT_TO_POINTER (i));
      gtk_list_box_append (self->queue_list, row);
      self->queue_rows[i] = row;
      self->queue_counts[i] = count;
    }
}

/* --- list rows ------------------------------------------------------- */

typedef struct
{
  GtkWidget *kind;
  GtkWidget *subject;
  GtkWidget *time;
  GtkWidget *info;
  GtkWidget *status;
} RowWidgets;

static void
update_row_time (KefuCasesView         *self,
                 GtkWidget             *label,
                 const KefuCaseSummary *s,
                 gint64                 now)
{
  g_autofree char *text = NULL;
  KefuTimeLeft state = KEFU_TIME_LEFT_NONE;

  if (s->follow_up_id != NULL)
    {
      g_autofree char *due = _kefu_case_format_time (s->follow_up_due, FALSE);

      text = g_strdup_printf (_("Call due %s"), due);
      state = s->follow_up_due < kefu_local_day_start (now) ? KEFU_TIME_LEFT_OVERDUE : KEFU_TIME_LEFT_OK;
    }
  else if (g_strcmp0 (s->approval_status, "pending") == 0)
    {
      text = g_strdup (kefu_claim_approval_label ("pending"));
      state = KEFU_TIME_LEFT_WARNING;
    }
  else if (g_strcmp0 (s->status, "waiting") == 0)
    {
      text = g_strdup (_("Paused"));
      state = KEFU_TIME_LEFT_PAUSED;
    }
  else if (kefu_case_status_is_open (s->status))
    text = _kefu_case_time_left (self->db, s->next_due, FALSE, s->warned, now, &state);

  gtk_label_set_label (GTK_LABEL (label), text ? text : "");
  _kefu_time_left_style (label, state);
}

static void
setup_row_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              KefuCasesView            *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 3);
  GtkWidget *top = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *bottom = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  RowWidgets *w = g_new0 (RowWidgets, 1);

  w->kind = _kefu_case_badge_new ();
  w->subject = gtk_label_new (NULL);
  w->time = gtk_label_new (NULL);
  w->info = gtk_label_new (NULL);
  w->status = _kefu_case_badge_new ();

  gtk_widget_set_margin_top (box, 4);
  gtk_widget_set_margin_bottom (box, 4);
  gtk_label_set_xalign (GTK_LABEL (w->subject), 0);
  gtk_label_set_ellipsize (GTK_LABEL (w->subject), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (w->subject, TRUE);
  gtk_widget_add_css_class (w->subject, "heading");
  gtk_widget_add_css_class (w->time, "caption");
  gtk_widget_add_css_class (w->time, "numeric");
  gtk_label_set_xalign (GTK_LABEL (w->info), 0);
  gtk_label_set_ellipsize (GTK_LABEL (w->info), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (w->info, TRUE);
  gtk_widget_add_css_class (w->info, "dim-label");
  gtk_widget_add_css_class (w->info, "caption");

  /* The time left goes under the subject, beside the status: "Overdue by
   * 18 business days" beside a kind badge left no room for the subject. */
  gtk_box_append (GTK_BOX (top), w->kind);
  gtk_box_append (GTK_BOX (top), w->subject);
  gtk_box_append (GTK_BOX (top), w->status);
  gtk_box_append (GTK_BOX (bottom), w->info);
  gtk_box_append (GTK_BOX (bottom), w->time);
  gtk_box_append (GTK_BOX (box), top);
  gtk_box_append (GTK_BOX (box), bottom);
  g_object_set_data_full (G_OBJECT (box), "row-widgets", w, g_free);
  gtk_list_item_set_child (item, box);
}

static void
bind_row_cb (GtkSignalListItemFactory *factory,
             GtkListItem              *item,
             KefuCasesView            *self)
{
  KefuCaseItem *ci = gtk_list_item_get_item (item);
  RowWidgets *w = g_object_get_data (G_OBJECT (gtk_list_item_get_child (item)), "row-widgets");
  const KefuCaseSummary *s;
  g_autoptr(GString) info = g_string_new (NULL);

  if (ci == NULL)
    return;
  s = kefu_case_item_get_summary (ci);
  _kefu_case_badge_set (w->kind, "kind", s->kind, kefu_case_kind_label (s->kind));
  gtk_label_set_label (GTK_LABEL (w->subject), s->subject);
  _kefu_case_badge_set (w->status, "status", s->status, kefu_case_status_label (s->status));

  g_string_append (info, s->number);
  g_string_append_printf (info, " · %s", s->customer_name ? s->customer_name : "—");
  g_string_append_printf (info, " · %s", s->assignee_name ? s->assignee_name
                                        : s->department_name ? s->department_name : _("Unassigned"));
  gtk_label_set_label (GTK_LABEL (w->info), info->str);
  update_row_time (self, w->time, s, kefu_cases_get_now (self->db));
  g_hash_table_add (self->bound, item);
}

static void
unbind_row_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               KefuCasesView            *self)
{
  g_hash_table_remove (self->bound, item);
}

static void
teardown_row_cb (GtkSignalListItemFactory *factory,
                 GtkListItem              *item,
                 KefuCasesView            *self)
{
  g_hash_table_remove (self->bound, item);
}

/* Time left moves every minute: relabel the rows on screen only. */
static void
update_bound_rows (KefuCasesView *self)
{
  GHashTableIter iter;
  gpointer key;
  gint64 now = kefu_cases_get_now (self->db);

  g_hash_table_iter_init (&iter, self->bound);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      GtkListItem *item = key;
      KefuCaseItem *ci = gtk_list_item_get_item (item);
      GtkWidget *child = gtk_list_item_get_child (item);
      RowWidgets *w = child ? g_object_get_data (G_OBJECT (child), "row-widgets") : NULL;

      if (ci && w)
        update_row_time (self, w->time, kefu_case_item_get_summary (ci), now);
    }
}

/* --- signal callbacks ------------------------------------------------ */

static gboolean
tick_cb (gpointer user_data)
{
  KefuCasesView *self = user_data;
  guint before = self->counts[queue_index (self->queue)];

  refresh_counts (self);
  update_bound_rows (self);
  kefu_case_page_update_times (self->case_page);
  /* The time-bound queues change by themselves. */
  if (self->counts[queue_index (self->queue)] != before &&
      (self->queue == KEFU_CASE_QUEUE_OVERDUE || self->queue == KEFU_CASE_QUEUE_DUE_TODAY ||
       self->queue == KEFU_CASE_QUEUE_FOLLOW_UPS_DUE))
    reload_list (self);
  return G_SOURCE_CONTINUE;
}

static void
on_queue_selected_cb (KefuCasesView *self,
                      GtkListBoxRow *row)
{
  guint i;

  if (row == NULL)
    return;
  i = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (row), "queue"));
  if (self->drill && !self->updating)
    {
      /* Choosing a queue leaves a dashboard's drill-down. */
      g_clear_pointer (&self->drill, g_array_unref);
      g_clear_pointer (&self->drill_title, g_free);
      self->queue = queues[i].queue;
      if (self->list)
        apply_query (self);
      return;
    }
  if (queues[i].queue == self->queue && self->list != NULL &&
      kefu_case_list_get_query (self->list)->queue == self->queue)
    return;
  self->queue = queues[i].queue;
  if (self->list)
    apply_query (self);
}

static void
on_search_changed_cb (KefuCasesView *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));

  /* set_search() applies the text at once; the entry's delayed signal
   * then has nothing new. */
  if (self->list && g_strcmp0 (text, kefu_case_list_get_query (self->list)->text ? kefu_case_list_get_query (self->list)->text : "") != 0)
    apply_query (self);
}

static void
on_search_activate_cb (KefuCasesView *self)
{
  /* Enter opens the first match. */
  if (g_list_model_get_n_items (G_LIST_MODEL (self->list)) > 0)
    {
      gtk_single_selection_set_selected (self->selection, 0);
      gtk_widget_grab_focus (GTK_WIDGET (self->list_view));
    }
}

static void
on_filter_changed_cb (KefuCasesView *self)
{
  if (!self->updating && self->list)
    apply_query (self);
}

static void
selection_changed_cb (KefuCasesView *self)
{
  KefuCaseItem *item;

  if (self->updating)
    return;
  item = gtk_single_selection_get_selected_item (self->selection);
  if (item == NULL)
    return;
  if (kefu_case_page_show (self->case_page, kefu_case_item_get_id (item)))
    gtk_stack_set_visible_child_name (self->detail_stack, "case");
}

static void
on_case_changed_cb (KefuCasesView *self)
{
  refresh_counts (self);
  reload_list (self);
}

static void
on_customer_activated_cb (KefuCasesView *self,
                          const char    *id)
{
  g_signal_emit (self, signals[CUSTOMER_ACTIVATED], 0, id);
}

/* --- actions --------------------------------------------------------- */

static void
clear_filters_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *param)
{
  KefuCasesView *self = KEFU_CASES_VIEW (widget);

  self->updating = TRUE;
  gtk_drop_down_set_selected (self->kind_dropdown, 0);
  gtk_drop_down_set_selected (self->status_dropdown, 0);
  gtk_drop_down_set_selected (self->channel_dropdown, 0);
  gtk_drop_down_set_selected (self->period_dropdown, 0);
  gtk_drop_down_set_selected (self->assignee_dropdown, 0);
  gtk_drop_down_set_selected (self->category_dropdown, 0);
  g_clear_pointer (&self->drill, g_array_unref);
  g_clear_pointer (&self->drill_title, g_free);
  self->updating = FALSE;
  gtk_menu_button_popdown (self->filter_button);
  apply_query (self);
}

static void
focus_search_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *param)
{
  kefu_cases_view_focus_search (KEFU_CASES_VIEW (widget));
}

/* --- GObject --------------------------------------------------------- */

static void
kefu_cases_view_dispose (GObject *object)
{
  KefuCasesView *self = (KefuCasesView *) object;

  g_clear_handle_id (&self->tick_id, g_source_remove);
  if (self->list_view)
    gtk_list_view_set_model (self->list_view, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), KEFU_TYPE_CASES_VIEW);
  /* The template's top widget is not a bound child: unparent it here. */
  {
    GtkWidget *child;

    while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))))
      gtk_widget_unparent (child);
  }
  g_clear_object (&self->selection);
  g_clear_object (&self->proxy);
  g_clear_object (&self->list);
  g_clear_object (&self->db);
  g_clear_pointer (&self->staff, g_ptr_array_unref);
  g_clear_pointer (&self->categories, g_ptr_array_unref);
  g_clear_pointer (&self->bound, g_hash_table_unref);
  g_clear_pointer (&self->drill, g_array_unref);
  g_clear_pointer (&self->drill_title, g_free);
  G_OBJECT_CLASS (kefu_cases_view_parent_class)->dispose (object);
}

static void
kefu_cases_view_class_init (KefuCasesViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kefu_cases_view_dispose;

  /**
   * KefuCasesView::customer-activated:
   * @id: the customer's id
   *
   * The user asked for the customer file of a case.
   */
  signals[CUSTOMER_ACTIVATED] = g_signal_new ("customer-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                              0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  g_type_ensure (KEFU_TYPE_CASE_PAGE);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/kefu/Kefu/cases/kefu-cases-view.ui");
  gtk_widget_class_bind_template_child (widget_class, KefuCasesView, assignee_dropdown);
  gtk_widget_class_bind_template_child (widget_class, KefuCasesView, case_page);
  gtk_widget_class_bind_template_child (widget_class, KefuCasesView, category_dropdown);
  gtk_widget_class_bind_template_child (widget_class, KefuCasesView, channel_dropdown);
  gtk_widget_class_bind_template_child (widget_class, KefuCasesView, count_label);
  gtk_widget_class_bind_template_child (widget_class, KefuCasesView, detail_stack);
  gtk_widget_class_bind_template_child (widget_class, KefuCasesView, empty_page);
  gtk_widget_class_bind_template_child (widget_class, KefuCasesView, filter_button);
  gtk_widget_class_bind_template_child (widget_class, KefuCasesView, kind_dropdown);
  gtk_widget_class_bind_template_child (widget_class, KefuCasesView, list_stack);
  gtk_widget_class_bind_template_child (widget_class, KefuCasesView, list_view);
  gtk_widget_class_bind_template_child (widget_class, KefuCasesView, paned);
  gtk_widget_class_bind_template_child (widget_class, KefuCasesView, period_dropdown);
  gtk_widget_class_bind_template_child (widget_class, KefuCasesView, queue_list);
  gtk_widget_class_bind_template_child (widget_class, KefuCasesView, search_entry);
  gtk_widget_class_bind_template_child (widget_class, KefuCasesView, status_dropdown);
  gtk_widget_class_bind_template_callback (widget_class, on_case_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_customer_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_filter_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_queue_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_search_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed_cb);

  gtk_widget_class_install_action (widget_class, "cases.clear-filters", NULL, clear_filters_action);
  gtk_widget_class_install_action (widget_class, "cases.focus-search", NULL, focus_search_action);
}

static void
kefu_cases_view_init (KefuCasesView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/* --- public API ------------------------------------------------------ */

/**
 * kefu_cases_view_new:
 *
 * Returns: (transfer floating): the view, showing "My cases"
 */
KefuCasesView *
kefu_cases_view_new (KefuDb *db)
{
  KefuCasesView *self;
  GtkListItemFactory *factory;
  g_autoptr(GtkStringList) periods = gtk_string_list_new (NULL);

  g_return_val_if_fail (KEFU_IS_DB (db), NULL);

  self = g_object_new (KEFU_TYPE_CASES_VIEW, NULL);
  self->db = g_object_ref (db);
  self->bound = g_hash_table_new (NULL, NULL);
  self->queue = KEFU_CASE_QUEUE_MINE;

  self->updating = TRUE;
  fill_key_dropdown (self->kind_dropdown, _("All kinds"), kefu_case_kind_keys (), kefu_case_kind_label);
  fill_key_dropdown (self->status_dropdown, _("Any status"), kefu_case_status_keys (), kefu_case_status_label);
  fill_key_dropdown (self->channel_dropdown, _("All channels"), kefu_case_channel_keys (), kefu_case_channel_label);
  gtk_string_list_append (periods, _("All"));
  gtk_string_list_append (periods, _("Today"));
  gtk_string_list_append (periods, _("Last 7 days"));
  gtk_string_list_append (periods, _("Last 30 days"));
  gtk_drop_down_set_model (self->period_dropdown, G_LIST_MODEL (periods));
  _kefu_drop_down_set_compact (self->kind_dropdown);
  _kefu_drop_down_set_compact (self->status_dropdown);
  _kefu_drop_down_set_compact (self->channel_dropdown);
  _kefu_drop_down_set_compact (self->assignee_dropdown);
  _kefu_drop_down_set_compact (self->category_dropdown);
  fill_staff (self);
  fill_categories (self);
  build_queue_rows (self);
  self->updating = FALSE;

  self->list = kefu_case_list_new (db);
  self->proxy = kefu_list_proxy_new (G_LIST_MODEL (self->list));
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->proxy)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
  g_signal_connect_object (self->selection, "selection-changed", G_CALLBACK (selection_changed_cb), self, G_CONNECT_SWAPPED);

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_row_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row_cb), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_row_cb), self);
  g_signal_connect (factory, "teardown", G_CALLBACK (teardown_row_cb), self);
  gtk_list_view_set_factory (self->list_view, factory);
  g_object_unref (factory);
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (self->selection));

  kefu_case_page_set_db (self->case_page, db);
  gtk_search_entry_set_key_capture_widget (self->search_entry, GTK_WIDGET (self->list_view));

  gtk_list_box_select_row (self->queue_list, GTK_LIST_BOX_ROW (self->queue_rows[queue_index (self->queue)]));
  refresh_counts (self);
  apply_query (self);
  self->tick_id = g_timeout_add_seconds (TICK_SECONDS, tick_cb, self);
  return self;
}

void
kefu_cases_view_reload (KefuCasesView *self)
{
  g_return_if_fail (KEFU_IS_CASES_VIEW (self));

  self->updating = TRUE;
  fill_staff (self);
  fill_categories (self);
  self->updating = FALSE;
  refresh_counts (self);
  apply_query (self);
  kefu_case_page_reload (self->case_page);
}

void
kefu_cases_view_show_case (KefuCasesView *self,
                           const char    *id)
{
  guint pos;

  g_return_if_fail (KEFU_IS_CASES_VIEW (self));

  if (!kefu_case_page_show (self->case_page, id))
    {
      gtk_stack_set_visible_child_name (self->detail_stack, "empty");
      return;
    }
  gtk_stack_set_visible_child_name (self->detail_stack, "case");

  /* The case may be new (intake) or changed elsewhere: count and list
   * again, then select it when it is on the first page or on a page the
   * list holds (GTK 4.8 cannot scroll a list view to a row). */
  refresh_counts (self);
  self->updating = TRUE;
  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
  kefu_case_list_reload (self->list);
  if (g_list_model_get_n_items (G_LIST_MODEL (self->list)) > 0)
    {
      /* Reading an item loads its page. */
      g_autoptr(GObject) first = g_list_model_get_item (G_LIST_MODEL (self->list), 0);
    }
  pos = kefu_case_list_find (self->list, id);
  gtk_single_selection_set_selected (self->selection, pos == G_MAXUINT ? GTK_INVALID_LIST_POSITION : pos);
  self->updating = FALSE;
  update_count (self);
}

void
kefu_cases_view_set_queue (KefuCasesView *self,
                           KefuCaseQueue  queue)
{
  g_return_if_fail (KEFU_IS_CASES_VIEW (self));

  gtk_list_box_select_row (self->queue_list, GTK_LIST_BOX_ROW (self->queue_rows[queue_index (queue)]));
  if (self->queue != queue)
    {
      self->queue = queue;
      apply_query (self);
    }
}

void
kefu_cases_view_set_search (KefuCasesView *self,
                            const char    *text)
{
  g_return_if_fail (KEFU_IS_CASES_VIEW (self));

  self->updating = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), text ? text : "");
  self->updating = FALSE;
  /* Do not wait for the entry's typing delay. */
  apply_query (self);
}

void
kefu_cases_view_focus_search (KefuCasesView *self)
{
  g_return_if_fail (KEFU_IS_CASES_VIEW (self));
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

guint
kefu_cases_view_get_n_shown (KefuCasesView *self)
{
  g_return_val_if_fail (KEFU_IS_CASES_VIEW (self), 0);
  return g_list_model_get_n_items (G_LIST_MODEL (self->list));
}

guint
kefu_cases_view_get_queue_count (KefuCasesView *self,
                                 KefuCaseQueue  queue)
{
  g_return_val_if_fail (KEFU_IS_CASES_VIEW (self), 0);
  return self->counts[queue_index (queue)];
}

GtkWidget *
kefu_cases_view_get_case_page (KefuCasesView *self)
{
  g_return_val_if_fail (KEFU_IS_CASES_VIEW (self), NULL);
  return GTK_WIDGET (self->case_page);
}

/**
 * kefu_cases_view_show_cases:
 * @title: what the cases are (shown before the count)
 * @rowids: (element-type gint64): the cases, e.g. a dashboard figure's
 *
 * Shows exactly these cases in All cases, with the search and filters
 * cleared; choosing a queue or clearing the filters leaves them.
 */
void
kefu_cases_view_show_cases (KefuCasesView *self,
                            const char    *title,
                            GArray        *rowids)
{
  g_return_if_fail (KEFU_IS_CASES_VIEW (self));
  g_return_if_fail (rowids != NULL);

  clear_filters_action (GTK_WIDGET (self), NULL, NULL);
  self->updating = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  gtk_list_box_select_row (self->queue_list, GTK_LIST_BOX_ROW (self->queue_rows[queue_index (KEFU_CASE_QUEUE_ALL)]));
  self->updating = FALSE;
  self->queue = KEFU_CASE_QUEUE_ALL;
  self->drill = g_array_ref (rowids);
  self->drill_title = g_strdup (title);
  apply_query (self);
}
