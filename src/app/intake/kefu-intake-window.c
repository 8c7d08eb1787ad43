/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "kefu-intake"

#include "config.h"

#include <glib/gi18n.h>

#include "kefu-cases.h"
#include "kefu-categories.h"
#include "kefu-customer-page.h"
#include "kefu-intake-window.h"
#include "kefu-kb-suggestions.h"
#include "kefu-text.h"
#include "kefu-tracking.h"

/* Intake (受理), keyboard first: the caller search on the left finds the
 * file as the agent types (phone in any form, name, tracking number or
 * case number) and shows it with its open cases and last contacts, so the
 * customer never has to repeat the story; the case form on the right; an
 * unknown caller gets a new file inline, saved with the case in one
 * transaction. Ctrl+Enter saves, Escape closes. */

typedef enum
{
  CALLER_NONE,    /* nothing typed yet */
  CALLER_MATCH,   /* an existing file is chosen */
  CALLER_NEW,     /* a new file is filled in */
} CallerState;

struct _KefuIntakeWindow
{
  AdwWindow         parent_instance;

  /* template children */
  GtkSearchEntry   *caller_entry;
  GtkScrolledWindow *caller_scroller;
  GtkStack         *caller_stack;
  AdwComboRow      *category_row;
  AdwComboRow      *channel_row;
  AdwEntryRow      *claim_amount_row;
  GtkWidget        *claim_group;
  GtkWidget        *create_anyway_button;
  AdwEntryRow      *declared_value_row;
  GtkTextView      *description_view;
  GtkLabel         *done_label;
  AdwStatusPage    *done_page;
  GtkLabel         *duplicate_label;
  GtkRevealer      *duplicate_revealer;
  GtkWidget        *existing_box;
  GtkLabel         *existing_label;
  GtkBox           *file_box;
  GtkScrolledWindow *form_scroller;
  GtkSwitch        *insured_switch;
  AdwComboRow      *kind_row;
  GtkLabel         *matched_label;
  GtkLabel         *message_label;
  GtkRevealer      *message_revealer;
  GtkLabel         *name_label;
  AdwEntryRow      *new_company_row;
  GtkWidget        *new_intake_button;
  AdwComboRow      *new_kind_row;
  AdwEntryRow      *new_name_row;
  AdwEntryRow      *new_phone_row;
  GtkLabel         *number_label;
  GtkWidget        *open_duplicate_button;
  GtkStack         *page_stack;
  AdwComboRow      *priority_row;
  GtkWidget        *save_button;
  GtkWidget        *segment_badge;
  AdwEntryRow      *subject_row;
  GtkLabel         *subtitle_label;
  AdwToastOverlay  *toast_overlay;
  GtkLabel         *tracking_error;
  GtkWidget        *tracking_ok_icon;
  AdwEntryRow      *tracking_row;

  KefuDb           *db;
  CallerState       state;
  char             *lookup_text;     /* what the shown matches were found for */
  GPtrArray        *matches;         /* KefuCallerMatch */
  KefuCallerMatch  *match;           /* the chosen one, in matches */
  char             *prefill_name;    /* what the search put in the new-file rows */
  char             *prefill_phone;
  KefuCustomer     *existing;        /* the file the new customer's phone is in */
  GPtrArray        *category_ids;    /* by combo position; NULL for "none" */
  KefuCase         *duplicate;       /* an open case for the same customer and parcel */
  char             *duplicate_ok;    /* customer and parcel the agent said to create anyway */
  KefuCase         *saved;
  GtkWidget        *error_row;       /* the row the shown message is about */
  guint             scroll_idle;
  guint             select_idle;
  gboolean          discard_confirmed;
};

enum { OPEN_CASE, CASE_CREATED, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (KefuIntakeWindow, kefu_intake_window, ADW_TYPE_WINDOW)

/* --- helpers --------------------------------------------------------- */

static char *
strip_dup (const char *text)
{
  char *s = g_strstrip (g_strdup (text ? text : ""));

  if (*s == '\0')
    g_clear_pointer (&s, g_free);
  return s;
}

static char *
row_text (gpointer editable)
{
  return strip_dup (gtk_editable_get_text (GTK_EDITABLE (editable)));
}

static gboolean
row_is_blank (gpointer editable)
{
  g_autofree char *text = row_text (editable);

  return text == NULL;
}

static char *
description_text (KefuIntakeWindow *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->description_view);
  GtkTextIter start, end;
  g_autofree char *text = NULL;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  return strip_dup (text);
}

static const char *
selected_key (AdwComboRow  *row,
              const char  **keys)
{
  guint i = adw_combo_row_get_selected (row);

  for (guint n = 0; keys[n]; n++)
    if (n == i)
      return keys[n];
  return NULL;
}

static void
select_key (AdwComboRow  *row,
            const char  **keys,
            const char   *key)
{
  for (guint i = 0; keys[i]; i++)
    if (g_strcmp0 (keys[i], key) == 0)
      {
        adw_combo_row_set_selected (row, i);
        return;
      }
}

static void
fill_combo (AdwComboRow   *row,
            const char   **keys,
            const char  *(*label) (const char *))
{
  g_autoptr(GtkStringList) model = gtk_string_list_new (NULL);

  for (guint i = 0; keys[i]; i++)
    gtk_string_list_append (model, label (keys[i]));
  adw_combo_row_set_model (row, G_LIST_MODEL (model));
}

static void
fill_categories (KefuIntakeWindow *self)
{
  g_autoptr(GtkStringList) model = gtk_string_list_new (NULL);
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) labels = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);

  g_ptr_array_set_size (self->category_ids, 0);
  gtk_string_list_append (model, _("None"));
  g_ptr_array_add (self->category_ids, NULL);

  list = kefu_categories_list (self->db, "case", &error);
  if (list == NULL)
    g_warning ("Cannot read the case categories: %s", error->message);
  for (guint i = 0; list && i < list->len; i++)
    {
      KefuCategory *c = g_ptr_array_index (list, i);
      const char *parent = c->parent_id ? g_hash_table_lookup (labels, c->parent_id) : NULL;
      char *label;

      /* Translators: a category inside another one, "Damaged parcel › Contents" */
      label = parent ? g_strdup_printf (_("%s › %s"), parent, kefu_category_label (c))
                     : g_strdup (kefu_category_label (c));
      gtk_string_list_append (model, label);
      g_ptr_array_add (self->category_ids, g_strdup (c->id));
      g_hash_table_insert (labels, c->id, label);
    }
  adw_combo_row_set_model (self->category_row, G_LIST_MODEL (model));
}

static void
set_form_defaults (KefuIntakeWindow *self)
{
  adw_combo_row_set_selected (self->kind_row, 0);
  adw_combo_row_set_selected (self->category_row, 0);
  select_key (self->channel_row, kefu_case_channel_keys (), "phone");
  select_key (self->priority_row, kefu_case_priority_keys (), "normal");
}

/* Hidden revealers would still take the box's spacing. */
static void
reveal (GtkRevealer *revealer,
        gboolean     shown)
{
  if (shown)
    gtk_widget_set_visible (GTK_WIDGET (revealer), TRUE);
  gtk_revealer_set_reveal_child (revealer, shown);
  if (!shown)
    gtk_widget_set_visible (GTK_WIDGET (revealer), FALSE);
}

static void
show_message (KefuIntakeWindow *self,
              const char       *message)
{
  if (message == NULL)
    self->error_row = NULL;
  gtk_label_set_label (self->message_label, message ? message : "");
  reveal (self->message_revealer, message != NULL);
  if (message != NULL)
    gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->form_scroller), 0);
}

static void
mark_invalid (gpointer  widget,
              gboolean  invalid)
{
  if (invalid)
    gtk_widget_add_css_class (GTK_WIDGET (widget), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (widget), "error");
}

static void
clear_box (GtkBox *box)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (box))))
    gtk_box_remove (box, child);
}

static GtkWidget *
add_group (KefuIntakeWindow *self,
           const char       *title,
           const char       *description)
{
  GtkWidget *group = adw_preferences_group_new ();

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), title);
  if (description)
    adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group), description);
  gtk_box_append (self->file_box, group);
  return group;
}

static GtkWidget *
add_row (GtkWidget  *group,
         const char *title,
         const char *subtitle,
         gboolean    property)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle && *subtitle)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  if (property)
    gtk_widget_add_css_class (row, "property");
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  return row;
}

/* Case times are business times, counted by the business calendar in
 * China Standard Time whatever the machine's zone (see kefu-sla.h). */
static char *
format_case_time (gint64 unix_ms)
{
  g_autoptr(GTimeZone) tz = g_time_zone_new_offset (8 * 3600);
  g_autoptr(GDateTime) utc = NULL;
  g_autoptr(GDateTime) local = NULL;

  if (unix_ms <= 0 || (utc = g_date_time_new_from_unix_utc (unix_ms / 1000)) == NULL)
    return g_strdup ("—");
  local = g_date_time_to_timezone (utc, tz);
  /* Translators: date format, see g_date_time_format() */
  return g_date_time_format (local, _("%Y-%m-%d %H:%M"));
}

static const char *
matched_by_label (const char *matched_by)
{
  if (g_strcmp0 (matched_by, "phone") == 0)
    return _("Found by phone number");
  if (g_strcmp0 (matched_by, "tracking") == 0)
    return _("Found by tracking number");
  if (g_strcmp0 (matched_by, "case") == 0)
    return _("Found by case number");
  return _("Found by name or part of a number");
}

static char *
format_age (gint64 since,
            gint64 now)
{
  gint64 minutes = MAX (0, (now - since) / 60000);
  int n;

  /* Calendar time since the case was received ("3 days ago"), not the
   * business days the Cases view counts deadlines in. */
  if (minutes < 1)
    return g_strdup (_("just now"));
  if (minutes < 60)
    {
      n = (int) minutes;
      return g_strdup_printf (ngettext ("%d minute ago", "%d minutes ago", n), n);
    }
  if (minutes < 24 * 60)
    {
      n = (int) (minutes / 60);
      return g_strdup_printf (ngettext ("%d hour ago", "%d hours ago", n), n);
    }
  n = (int) MIN (minutes / (24 * 60), G_MAXINT);
  return g_strdup_printf (ngettext ("%d day ago", "%d days ago", n), n);
}

static void
open_case_row_activated_cb (AdwActionRow     *row,
                            KefuIntakeWindow *self)
{
  const char *id = g_object_get_data (G_OBJECT (row), "case-id");

  g_signal_emit (self, signals[OPEN_CASE], 0, id);
}

static gboolean
scroll_caller_to_top_cb (gpointer data)
{
  KefuIntakeWindow *self = data;

  self->scroll_idle = 0;
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->caller_scroller), 0);
  return G_SOURCE_REMOVE;
}

/* Again once the new file is laid out: before, the old position wins. */
static void
scroll_caller_to_top (KefuIntakeWindow *self)
{
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->caller_scroller), 0);
  if (self->scroll_idle == 0)
    self->scroll_idle = g_idle_add_full (G_PRIORITY_LOW, scroll_caller_to_top_cb, self, NULL);
}

static void select_match (KefuIntakeWindow *self,
                          guint             index);

typedef struct
{
  KefuIntakeWindow *self;
  char             *lookup_text;
  guint             index;
} PendingMatch;

static void
pending_match_free (PendingMatch *p)
{
  g_free (p->lookup_text);
  g_free (p);
}

static gboolean
select_match_idle_cb (gpointer data)
{
  PendingMatch *p = data;
  KefuIntakeWindow *self = p->self;

  self->select_idle = 0;

  /* Unless the agent has typed something else meanwhile. */
  if (self->matches != NULL && p->index < self->matches->len &&
      g_strcmp0 (p->lookup_text, self->lookup_text) == 0)
    {
      select_match (self, p->index);
      gtk_widget_grab_focus (GTK_WIDGET (self->kind_row));
    }
  return G_SOURCE_REMOVE;
}

static void
match_row_activated_cb (AdwActionRow     *row,
                        KefuIntakeWindow *self)
{
  PendingMatch *p = g_new0 (PendingMatch, 1);

  /* The file is rebuilt, this row with it: not while it is activated. */
  p->self = self;
  p->lookup_text = g_strdup (self->lookup_text);
  p->index = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (row), "index"));
  g_clear_handle_id (&self->select_idle, g_source_remove);
  self->select_idle = g_idle_add_full (G_PRIORITY_DEFAULT, select_match_idle_cb, p,
                                       (GDestroyNotify) pending_match_free);
}

/* The chosen caller's file: who, phones, account manager, open cases,
 * last contacts, and the other matches to choose from. */
static void
fill_file (KefuIntakeWindow *self)
{
  KefuCallerMatch *m = self->match;
  KefuCustomer *c = m->customer;
  gint64 now = kefu_cases_get_now (self->db);
  g_autoptr(GString) subtitle = g_string_new (c->number);
  g_autofree char *cases_text = NULL;
  g_autofree char *complaints = g_strdup_printf ("%" G_GINT64_FORMAT, c->complaints_12m);
  g_autofree char *last = _kefu_format_date (c->last_contact_at, FALSE);
  GtkWidget *group;
  GtkWidget *button;
  guint n_phones = 0;

  gtk_label_set_label (self->name_label, c->name);
  _kefu_segment_badge_set (self->segment_badge, c->segment);
  g_string_append_printf (subtitle, " · %s",
                          g_strcmp0 (c->kind, "enterprise") == 0 ? _("Enterprise") : _("Person"));
  if (c->company && *c->company && g_strcmp0 (c->company, c->name) != 0)
    g_string_append_printf (subtitle, " · %s", c->company);
  gtk_label_set_label (self->subtitle_label, subtitle->str);
  gtk_label_set_label (self->matched_label, matched_by_label (m->matched_by));

  clear_box (self->file_box);

  /* The file */
  group = add_group (self, _("Customer File"), NULL);
  for (guint i = 0; i < c->contacts->len; i++)
    {
      KefuContact *contact = g_ptr_array_index (c->contacts, i);
      g_autofree char *title = NULL;
      g_autofree char *number = NULL;

      if (g_strcmp0 (contact->kind, "phone") != 0)
        continue;
      title = _kefu_contact_title (contact->kind, contact->label);
      number = kefu_format_phone (contact->value);
      add_row (group, title, number, TRUE);
      n_phones++;
    }
  if (n_phones == 0)
    add_row (group, _("Phone"), _("None on file"), TRUE);
  add_row (group, _("Account manager"), c->manager_name ? c->manager_name : _("None"), TRUE);
  add_row (group, _("Complaints in 12 months"), complaints, TRUE);
  add_row (group, _("Last contact"), last, TRUE);

  /* Open cases */
  if (m->n_cases > 0)
    cases_text = g_strdup_printf (ngettext ("%u case in all", "%u cases in all", m->n_cases), m->n_cases);
  group = add_group (self, _("Open Cases"), cases_text);
  if (m->open_cases->len == 0)
    add_row (group, _("No open cases"), NULL, FALSE);
  for (guint i = 0; i < m->open_cases->len; i++)
    {
      KefuCaseSummary *s = g_ptr_array_index (m->open_cases, i);
      g_autofree char *age = format_age (s->created_at, now);
      /* Translators: an open case: number · kind · status · age */
      g_autofree char *sub = g_strdup_printf (_("%s · %s · %s · %s"), s->number,
                                              kefu_case_kind_label (s->kind),
                                              kefu_case_status_label (s->status), age);
      GtkWidget *row = add_row (group, s->subject, sub, FALSE);

      adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 2);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      gtk_widget_set_tooltip_text (row, _("Show this case"));
      g_object_set_data_full (G_OBJECT (row), "case-id", g_strdup (s->id), g_free);
      g_signal_connect (row, "activated", G_CALLBACK (open_case_row_activated_cb), self);
    }

  /* Last contacts */
  if (m->last_contacts->len > 0)
    {
      group = add_group (self, _("Last Contacts"), NULL);
      for (guint i = 0; i < m->last_contacts->len; i++)
        {
          KefuCaseEvent *e = g_ptr_array_index (m->last_contacts, i);
          g_autofree char *title = kefu_case_event_describe (e);
          g_autofree char *when = format_case_time (e->at);
          g_autoptr(GString) sub = g_string_new (when);
          GtkWidget *row;

          if (e->actor_name)
            g_string_append_printf (sub, " · %s", e->actor_name);
          if (e->body && *e->body)
            g_string_append_printf (sub, "\n%s", e->body);
          row = add_row (group, title, sub->str, FALSE);
          adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 3);
        }
    }

  /* The other files that match */
  if (self->matches->len > 1)
    {
      g_autofree char *title = g_strdup_printf (ngettext ("%u Match", "%u Matches", self->matches->len),
                                                self->matches->len);

      group = add_group (self, title, _("Choose the caller if it is someone else."));
      for (guint i = 0; i < self->matches->len; i++)
        {
          KefuCallerMatch *other = g_ptr_array_index (self->matches, i);
          const char *phone = kefu_customer_first_contact (other->customer, "phone");
          g_autoptr(GString) sub = g_string_new (other->customer->number);
          GtkWidget *row;

          if (phone)
            {
              g_autofree char *number = kefu_format_phone (phone);

              g_string_append_printf (sub, " · %s", number);
            }
          g_string_append_printf (sub, " · %s", kefu_segment_label (other->customer->segment));
          row = add_row (group, other->customer->name, sub->str, FALSE);
          if (other == m)
            adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("object-select-symbolic"));
          else
            {
              gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
              g_object_set_data (G_OBJECT (row), "index", GUINT_TO_POINTER (i));
              g_signal_connect (row, "activated", G_CALLBACK (match_row_activated_cb), self);
            }
        }
    }

  button = gtk_button_new_with_mnemonic (_("Not the Caller? New Customer _File"));
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_halign (button, GTK_ALIGN_START);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "intake.new-customer");
  gtk_box_append (self->file_box, button);
}

static const char *
caller_customer_id (KefuIntakeWindow *self)
{
  if (self->state == CALLER_MATCH && self->match != NULL)
    return self->match->customer->id;
  if (self->state == CALLER_NEW && self->existing != NULL)
    return self->existing->id;
  return NULL;
}

static char *
duplicate_key (const char *customer_id,
               const char *tracking)
{
  return g_strconcat (customer_id, "\n", tracking, NULL);
}

/* Offers the open case for the same customer and parcel, if there is one,
 * as soon as both are known. */
static void
update_duplicate (KefuIntakeWindow *self)
{
  const char *customer_id = caller_customer_id (self);
  g_autofree char *text = row_text (self->tracking_row);
  g_autofree char *tracking = kefu_tracking_normalize (text);
  g_autofree char *key = NULL;
  g_autofree char *label = NULL;
  g_autoptr(GError) error = NULL;

  gboolean was_offered = self->duplicate != NULL;

  g_clear_pointer (&self->duplicate, kefu_case_free);
  if (customer_id != NULL && tracking != NULL && kefu_tracking_validate (tracking, NULL))
    {
      key = duplicate_key (customer_id, tracking);
      if (g_strcmp0 (key, self->duplicate_ok) != 0)
        self->duplicate = kefu_cases_find_open_duplicate (self->db, customer_id, tracking, &error);
      if (error != NULL)
        g_warning ("Cannot look for an open case of this parcel: %s", error->message);
    }
  if (self->duplicate != NULL)
    {
      /* Translators: case number, its subject and status */
      label = g_strdup_printf (_("An open case for this parcel already exists: %s, “%s” (%s)."),
                               self->duplicate->number, self->duplicate->subject,
                               kefu_case_status_label (self->duplicate->status));
      gtk_label_set_label (self->duplicate_label, label);
      /* Newly offered: make sure it is seen. */
      if (!was_offered)
        gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->form_scroller), 0);
    }
  reveal (self->duplicate_revealer, self->duplicate != NULL);
}

static void
update_existing (KefuIntakeWindow *self)
{
  g_autofree char *phone = row_text (self->new_phone_row);
  g_autofree char *label = NULL;

  g_clear_pointer (&self->existing, kefu_customer_free);
  if (self->state == CALLER_NEW && phone != NULL && kefu_text_looks_like_phone (phone))
    self->existing = kefu_customers_find_by_phone (self->db, phone, NULL);
  if (self->existing != NULL)
    {
      /* Translators: phone number, customer name, customer number */
      label = g_strdup_printf (_("The number %s is already in the file of %s (%s). The case will be filed there, not in a new file."),
                               phone, self->existing->name, self->existing->number);
      gtk_label_set_label (self->existing_label, label);
    }
  gtk_widget_set_visible (self->existing_box, self->existing != NULL);
}

static void
select_match (KefuIntakeWindow *self,
              guint             index)
{
  g_return_if_fail (self->matches != NULL && index < self->matches->len);

  self->match = g_ptr_array_index (self->matches, index);
  self->state = CALLER_MATCH;
  fill_file (self);
  gtk_stack_set_visible_child_name (self->caller_stack, "match");
  scroll_caller_to_top (self);
  update_existing (self);
  update_duplicate (self);
}

/* Puts what the search holds into the new file's rows, unless the agent
 * has typed something else there. */
static void
prefill (AdwEntryRow  *row,
         char        **last_prefill,
         const char   *value)
{
  const char *current = gtk_editable_get_text (GTK_EDITABLE (row));

  if (*current == '\0' || g_strcmp0 (current, *last_prefill) == 0)
    {
      gtk_editable_set_text (GTK_EDITABLE (row), value ? value : "");
      kefu_set_str (last_prefill, value);
    }
}

static gboolean
has_digits (const char *text)
{
  for (const char *p = text; p && *p; p++)
    if (g_ascii_isdigit (*p))
      return TRUE;
  return FALSE;
}

static void
show_new_customer (KefuIntakeWindow *self,
                   const char       *text)
{
  self->state = CALLER_NEW;
  self->match = NULL;
  if (text != NULL && kefu_text_looks_like_phone (text))
    prefill (self->new_phone_row, &self->prefill_phone, text);
  else if (text != NULL && !has_digits (text))
    prefill (self->new_name_row, &self->prefill_name, text);
  gtk_stack_set_visible_child_name (self->caller_stack, "new");
  update_existing (self);
  update_duplicate (self);
}

static void
show_no_caller (KefuIntakeWindow *self)
{
  self->state = CALLER_NONE;
  self->match = NULL;
  gtk_stack_set_visible_child_name (self->caller_stack, "empty");
  update_existing (self);
  update_duplicate (self);
}

static void
run_lookup (KefuIntakeWindow *self)
{
  g_autofree char *text = row_text (self->caller_entry);
  g_autoptr(GError) error = NULL;
  GPtrArray *matches;

  if (g_strcmp0 (text ? text : "", self->lookup_text) == 0)
    return;
  kefu_set_str (&self->lookup_text, text ? text : "");
  self->match = NULL;
  g_clear_pointer (&self->matches, g_ptr_array_unref);

  if (text == NULL)
    {
      /* A file being filled in stays; only a shown match goes. */
      if (self->state != CALLER_NEW)
        show_no_caller (self);
      return;
    }

  matches = kefu_cases_lookup_caller (self->db, text, &error);
  if (matches == NULL)
    {
      show_message (self, error->message);
      matches = g_ptr_array_new_with_free_func ((GDestroyNotify) kefu_caller_match_free);
    }
  self->matches = matches;
  if (matches->len > 0)
    select_match (self, 0);
  else
    show_new_customer (self, text);
}

static void
update_tracking (KefuIntakeWindow *self)
{
  g_autofree char *text = row_text (self->tracking_row);
  g_autofree char *tracking = kefu_tracking_normalize (text);
  g_autoptr(GError) error = NULL;
  gboolean bad_chars = FALSE;
  gboolean show = FALSE;

  for (const char *p = tracking; p && *p; p++)
    if (!g_ascii_isalnum (*p))
      bad_chars = TRUE;

  /* A wrong S10 check digit or a stray character shows at once; a number
   * still too short to judge waits for the save. */
  if (tracking != NULL && (bad_chars || kefu_tracking_looks_like_s10 (tracking)))
    show = !kefu_tracking_validate (tracking, &error);
  gtk_label_set_label (self->tracking_error, show ? error->message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->tracking_error), show);
  mark_invalid (self->tracking_row, show);
  gtk_widget_set_visible (self->tracking_ok_icon, tracking != NULL && kefu_tracking_is_s10 (tracking));
}

static void
update_actions (KefuIntakeWindow *self)
{
  gboolean done = self->saved != NULL &&
                  g_strcmp0 (gtk_stack_get_visible_child_name (self->page_stack), "done") == 0;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "intake.save", !done);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "intake.new", done);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "intake.open-case", self->saved != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "intake.copy-number", self->saved != NULL);
  gtk_widget_set_visible (self->save_button, !done);
}

static void
reset (KefuIntakeWindow *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->description_view);

  g_clear_pointer (&self->saved, kefu_case_free);
  g_clear_pointer (&self->duplicate_ok, g_free);
  g_clear_pointer (&self->prefill_name, g_free);
  g_clear_pointer (&self->prefill_phone, g_free);
  self->discard_confirmed = FALSE;

  kefu_set_str (&self->lookup_text, "");
  gtk_editable_set_text (GTK_EDITABLE (self->caller_entry), "");
  g_clear_pointer (&self->matches, g_ptr_array_unref);
  self->state = CALLER_NONE;

  gtk_editable_set_text (GTK_EDITABLE (self->new_name_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->new_phone_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->new_company_row), "");
  adw_combo_row_set_selected (self->new_kind_row, 0);

  set_form_defaults (self);
  gtk_editable_set_text (GTK_EDITABLE (self->tracking_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->claim_amount_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->declared_value_row), "");
  gtk_switch_set_active (self->insured_switch, FALSE);
  gtk_editable_set_text (GTK_EDITABLE (self->subject_row), "");
  gtk_text_buffer_set_text (buffer, "", 0);
  mark_invalid (self->subject_row, FALSE);
  mark_invalid (self->new_name_row, FALSE);
  mark_invalid (self->claim_amount_row, FALSE);
  mark_invalid (self->declared_value_row, FALSE);

  show_message (self, NULL);
  show_no_caller (self);
  gtk_stack_set_visible_child_name (self->page_stack, "form");
  update_actions (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->caller_entry));
}

static gboolean
parse_amount (KefuIntakeWindow  *self,
              AdwEntryRow       *row,
              const char        *what,
              gint64            *cents,
              GError           **error)
{
  g_autofree char *text = row_text (row);

  *cents = 0;
  mark_invalid (row, FALSE);
  if (text == NULL)
    return TRUE;
  if (!kefu_parse_money (text, cents))
    {
      mark_invalid (row, TRUE);
      gtk_widget_grab_focus (GTK_WIDGET (row));
      self->error_row = GTK_WIDGET (row);
      /* Translators: the field (“Amount claimed”) and what was typed */
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID,
                   _("%s: “%s” is not an amount in yuan (for example 1280.50)."), what, text);
      return FALSE;
    }
  return TRUE;
}

static void
show_done (KefuIntakeWindow *self,
           const char       *filed_note)
{
  KefuCase *c = self->saved;
  g_autofree char *first = format_case_time (c->first_response_due);
  g_autofree char *resolve = format_case_time (c->resolution_due);
  g_autoptr(GString) text = g_string_new (NULL);

  gtk_label_set_label (self->number_label, c->number);
  /* Translators: kind of case, customer name, staff name */
  g_string_append_printf (text, _("%s for %s, taken by %s."), kefu_case_kind_label (c->kind),
                          c->customer_name, c->owner_name ? c->owner_name : "—");
  g_string_append_c (text, '\n');
  /* Translators: two dates and times */
  g_string_append_printf (text, _("First response due %s · resolution due %s"), first, resolve);
  if (filed_note)
    g_string_append_printf (text, "\n\n%s", filed_note);
  gtk_label_set_label (self->done_label, text->str);

  gtk_stack_set_visible_child_name (self->page_stack, "done");
  update_actions (self);
  gtk_widget_grab_focus (self->new_intake_button);
}

/* Reads the form and saves the case (and the new customer file with it,
 * in one transaction). Returns FALSE with @error set when something is
 * wrong, and FALSE without an error when an open case for the same
 * parcel is offered first. Nothing in the form is lost either way. */
static gboolean
save (KefuIntakeWindow  *self,
      GError           **error)
{
  g_autoptr(KefuCase) c = kefu_case_new ();
  g_autoptr(KefuCustomer) customer = NULL;
  g_autofree char *tracking_text = row_text (self->tracking_row);
  g_autofree char *tracking = kefu_tracking_normalize (tracking_text);
  g_autofree char *subject = row_text (self->subject_row);
  g_autofree char *filed_note = NULL;
  const char *kind = selected_key (self->kind_row, kefu_case_kind_keys ());
  const char *customer_id = NULL;
  guint category = adw_combo_row_get_selected (self->category_row);
  gboolean ok;

  show_message (self, NULL);
  mark_invalid (self->subject_row, FALSE);
  mark_invalid (self->new_name_row, FALSE);

  /* Who */
  if (self->state == CALLER_NONE)
    {
      gtk_widget_grab_focus (GTK_WIDGET (self->caller_entry));
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID,
                   _("Find the caller first: type their phone number, name, a tracking number or a case number."));
      return FALSE;
    }
  if (self->state == CALLER_MATCH)
    customer_id = self->match->customer->id;
  else
    {
      g_autofree char *phone = row_text (self->new_phone_row);

      /* Never a silent duplicate: a number already on file files the case
       * there. */
      g_clear_pointer (&self->existing, kefu_customer_free);
      if (phone != NULL)
        self->existing = kefu_customers_find_by_phone (self->db, phone, NULL);
      if (self->existing != NULL)
        {
          customer_id = self->existing->id;
          /* Translators: customer name and number */
          filed_note = g_strdup_printf (_("The phone number is in the file of %s (%s), so the case was filed there."),
                                        self->existing->name, self->existing->number);
        }
      else
        {
          customer = kefu_customer_new ();
          customer->name = row_text (self->new_name_row);
          customer->company = row_text (self->new_company_row);
          customer->kind = g_strdup (adw_combo_row_get_selected (self->new_kind_row) == 1 ? "enterprise" : "person");
          if (phone != NULL)
            kefu_customer_add_contact (customer, "phone", NULL, phone);
          if (customer->name == NULL)
            {
              mark_invalid (self->new_name_row, TRUE);
              gtk_widget_grab_focus (GTK_WIDGET (self->new_name_row));
              g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID,
                           _("Enter the new customer’s name, so that a file can be made for them."));
              self->error_row = GTK_WIDGET (self->new_name_row);
              return FALSE;
            }
        }
    }

  /* What */
  if (tracking != NULL && !kefu_tracking_validate (tracking, error))
    {
      gtk_label_set_label (self->tracking_error, (*error)->message);
      gtk_widget_set_visible (GTK_WIDGET (self->tracking_error), TRUE);
      mark_invalid (self->tracking_row, TRUE);
      gtk_widget_grab_focus (GTK_WIDGET (self->tracking_row));
      return FALSE;
    }
  c->kind = g_strdup (kind);
  c->channel = g_strdup (selected_key (self->channel_row, kefu_case_channel_keys ()));
  c->priority = g_strdup (selected_key (self->priority_row, kefu_case_priority_keys ()));
  c->category_id = category < self->category_ids->len ? g_strdup (g_ptr_array_index (self->category_ids, category)) : NULL;
  c->tracking_number = g_strdup (tracking);
  c->subject = g_strdup (subject);
  c->description = description_text (self);
  if (g_strcmp0 (kind, "claim") == 0)
    {
      if (!parse_amount (self, self->claim_amount_row, _("Amount claimed"), &c->claim_amount_cents, error) ||
          !parse_amount (self, self->declared_value_row, _("Declared value"), &c->declared_value_cents, error))
        return FALSE;
      c->insured = gtk_switch_get_active (self->insured_switch);
    }
  if (subject == NULL)
    {
      mark_invalid (self->subject_row, TRUE);
      gtk_widget_grab_focus (GTK_WIDGET (self->subject_row));
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID, _("Enter a subject: what is the case about?"));
      self->error_row = GTK_WIDGET (self->subject_row);
      return FALSE;
    }

  /* An open case for the same customer and parcel comes first. */
  if (customer_id != NULL && tracking != NULL)
    {
      update_duplicate (self);
      if (self->duplicate != NULL)
        {
          gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->form_scroller), 0);
          gtk_widget_grab_focus (self->open_duplicate_button);
          return FALSE;
        }
    }

  /* The new file and the case: one transaction, all or nothing. */
  if (!kefu_db_begin (self->db, error))
    return FALSE;
  ok = TRUE;
  if (customer != NULL)
    {
      ok = kefu_customers_create (self->db, customer, error);
      customer_id = customer->id;
    }
  if (ok)
    {
      c->customer_id = g_strdup (customer_id);
      ok = kefu_cases_create (self->db, c, error);
    }
  if (ok)
    ok = kefu_db_commit (self->db, error);
  else
    kefu_db_rollback (self->db);
  if (!ok)
    return FALSE;

  g_clear_pointer (&self->saved, kefu_case_free);
  self->saved = g_steal_pointer (&c);
  show_done (self, filed_note);
  g_signal_emit (self, signals[CASE_CREATED], 0, self->saved->id);
  return TRUE;
}

static void
try_save (KefuIntakeWindow *self)
{
  g_autoptr(GError) error = NULL;

  if (!save (self, &error) && error != NULL)
    show_message (self, error->message);
}

/* --- signal callbacks ------------------------------------------------ */

static void
on_caller_search_changed_cb (KefuIntakeWindow *self)
{
  run_lookup (self);
}

static void
on_caller_activated_cb (KefuIntakeWindow *self)
{
  /* Enter: look up now and go on to the case (or the new file). */
  run_lookup (self);
  if (self->state == CALLER_NEW)
    gtk_widget_grab_focus (GTK_WIDGET (self->new_name_row));
  else if (self->state == CALLER_MATCH)
    gtk_widget_grab_focus (GTK_WIDGET (self->kind_row));
}

static void
on_caller_stop_search_cb (KefuIntakeWindow *self)
{
  gtk_window_close (GTK_WINDOW (self));
}

static void
on_form_changed_cb (KefuIntakeWindow *self)
{
  /* The agent is fixing what the message was about: it goes (the next
   * save says again if something is still wrong). A message about one
   * row waits until that row is filled in. */
  if (self->error_row != NULL && row_is_blank (self->error_row))
    return;
  if (self->error_row != NULL)
    mark_invalid (self->error_row, FALSE);
  if (gtk_widget_get_visible (GTK_WIDGET (self->message_revealer)))
    show_message (self, NULL);
}

static void
on_new_phone_changed_cb (KefuIntakeWindow *self)
{
  update_existing (self);
  update_duplicate (self);
}

static void
on_tracking_changed_cb (KefuIntakeWindow *self)
{
  update_tracking (self);
  update_duplicate (self);
}

static void
on_kind_selected_cb (KefuIntakeWindow *self)
{
  const char *kind = selected_key (self->kind_row, kefu_case_kind_keys ());

  gtk_widget_set_visible (self->claim_group, g_strcmp0 (kind, "claim") == 0);
}

static void
discard_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     KefuIntakeWindow *self)
{
  if (g_strcmp0 (response, "discard") != 0)
    return;
  self->discard_confirmed = TRUE;
  gtk_window_close (GTK_WINDOW (self));
}

/* --- actions --------------------------------------------------------- */

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  try_save (KEFU_INTAKE_WINDOW (widget));
}

static void
new_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *param)
{
  reset (KEFU_INTAKE_WINDOW (widget));
}

static void
open_case_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  KefuIntakeWindow *self = KEFU_INTAKE_WINDOW (widget);

  if (self->saved != NULL)
    g_signal_emit (self, signals[OPEN_CASE], 0, self->saved->id);
}

static void
copy_number_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  KefuIntakeWindow *self = KEFU_INTAKE_WINDOW (widget);
  AdwToast *toast;

  if (self->saved == NULL)
    return;
  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), self->saved->number);
  toast = adw_toast_new (_("Case number copied"));
  adw_toast_set_timeout (toast, 2);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
open_duplicate_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *param)
{
  KefuIntakeWindow *self = KEFU_INTAKE_WINDOW (widget);

  if (self->duplicate != NULL)
    g_signal_emit (self, signals[OPEN_CASE], 0, self->duplicate->id);
}

static void
create_anyway_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *param)
{
  KefuIntakeWindow *self = KEFU_INTAKE_WINDOW (widget);
  g_autofree char *text = row_text (self->tracking_row);
  g_autofree char *tracking = kefu_tracking_normalize (text);
  const char *customer_id = caller_customer_id (self);

  if (customer_id == NULL || tracking == NULL)
    return;
  g_free (self->duplicate_ok);
  self->duplicate_ok = duplicate_key (customer_id, tracking);
  update_duplicate (self);
  try_save (self);
}

static void
new_customer_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *param)
{
  KefuIntakeWindow *self = KEFU_INTAKE_WINDOW (widget);
  g_autofree char *text = row_text (self->caller_entry);

  show_new_customer (self, text);
  gtk_widget_grab_focus (GTK_WIDGET (self->new_name_row));
}

static void
use_existing_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *param)
{
  KefuIntakeWindow *self = KEFU_INTAKE_WINDOW (widget);
  g_autofree char *phone = row_text (self->new_phone_row);

  if (phone != NULL)
    kefu_intake_window_set_caller (self, phone);
}

/* Ctrl+I, the shortcut that opens intake, pressed again here: the next
 * caller. */
static void
intake_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  KefuIntakeWindow *self = KEFU_INTAKE_WINDOW (widget);

  if (self->saved != NULL && g_strcmp0 (gtk_stack_get_visible_child_name (self->page_stack), "done") == 0)
    reset (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->caller_entry));
  gtk_editable_select_region (GTK_EDITABLE (self->caller_entry), 0, -1);
}

/* --- GtkWindow ------------------------------------------------------- */

static gboolean
kefu_intake_window_close_request (GtkWindow *window)
{
  KefuIntakeWindow *self = KEFU_INTAKE_WINDOW (window);
  GtkWidget *dialog;

  if (!self->discard_confirmed && kefu_intake_window_has_unsaved (self))
    {
      dialog = adw_message_dialog_new (window, _("Discard This Intake?"),
                                       _("The case has not been saved. What you typed will be lost."));
      adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                        "cancel", _("_Keep Editing"),
                                        "discard", _("_Discard"),
                                        NULL);
      adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "discard",
                                                  ADW_RESPONSE_DESTRUCTIVE);
      adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
      adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
      g_signal_connect_object (dialog, "response", G_CALLBACK (discard_response_cb), self, 0);
      gtk_window_present (GTK_WINDOW (dialog));
      return TRUE;
    }
  if (GTK_WINDOW_CLASS (kefu_intake_window_parent_class)->close_request)
    return GTK_WINDOW_CLASS (kefu_intake_window_parent_class)->close_request (window);
  return FALSE;
}

/* --- GObject --------------------------------------------------------- */

static void
kefu_intake_window_dispose (GObject *object)
{
  KefuIntakeWindow *self = (KefuIntakeWindow *) object;

  g_clear_handle_id (&self->scroll_idle, g_source_remove);
  g_clear_handle_id (&self->select_idle, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), KEFU_TYPE_INTAKE_WINDOW);
  G_OBJECT_CLASS (kefu_intake_window_parent_class)->dispose (object);
}

static void
kefu_intake_window_finalize (GObject *object)
{
  KefuIntakeWindow *self = (KefuIntakeWindow *) object;

  self->match = NULL;
  g_clear_pointer (&self->matches, g_ptr_array_unref);
  g_clear_pointer (&self->category_ids, g_ptr_array_unref);
  g_clear_pointer (&self->existing, kefu_customer_free);
  g_clear_pointer (&self->duplicate, kefu_case_free);
  g_clear_pointer (&self->saved, kefu_case_free);
  g_free (self->lookup_text);
  g_free (self->prefill_name);
  g_free (self->prefill_phone);
  g_free (self->duplicate_ok);
  g_clear_object (&self->db);
  G_OBJECT_CLASS (kefu_intake_window_parent_class)->finalize (object);
}

static void
kefu_intake_window_class_init (KefuIntakeWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = kefu_intake_window_dispose;
  object_class->finalize = kefu_intake_window_finalize;
  window_class->close_request = kefu_intake_window_close_request;

  signals[OPEN_CASE] = g_signal_new ("open-case", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                     0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[CASE_CREATED] = g_signal_new ("case-created", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                        0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/kefu/Kefu/intake/kefu-intake-window.ui");
  gtk_widget_class_bind_template_child (widget_class, KefuIntakeWindow, caller_entry);
  gtk_widget_class_bind_template_child (widget_class, KefuIntakeWindow, caller_scroller);
  gtk_widget_class_bind_template_child (widget_class, KefuIntakeWindow, caller_stack);
  gtk_widget_class_bind_template_child (widget_class, KefuIntakeWindow, category_row);
  gtk_widget_class_bind_template_child (widget_class, KefuIntakeWindow, channel_row);
  gtk_widget_class_bind_template_child (widget_class, KefuIntakeWindow, claim_amount_row);
  gtk_widget_class_bind_template_child (widget_class, KefuIntakeWindow, claim_group);
  gtk_widget_class_bind_template_child (widget_class, KefuIntakeWindow, create_anyway_button);
  gtk_widget_class_bind_template_child (widget_class, KefuIntakeWindow, declared_value_row);
  gtk_widget_class_bind_template_child (widget_class, KefuIntakeWindow, description_view);
  gtk_widget_class_bind_template_child (widget_class, KefuIntakeWindow, done_label);
  gtk_widget_class_bind_template_child (widget_class, KefuIntakeWindow, done_page);
  gtk_widget_class_bind_template_child (widget_class, KefuIntakeWindow, duplicate_label);
  gtk_widget_class_bind_template_child (widget_class, KefuIntakeWindow, duplicate_revealer);
  gtk_widget_class_bind_template_child (widget_class, KefuIntakeWindow, existing_box);
  gtk_widget_class_bind_template_child (widget_class, KefuIntakeWindow, existing_label);
  gtk_widget_class_bind_template_child (widget_class, KefuIntakeWindow, file_box);
  gtk_widget_class_bind_template_child (widget_class, KefuIntakeWindow, form_scroller);
  gtk_widget_class_bind_template_child (widget_class, KefuIntakeWindow, insured_switch);
  gtk_widget_class_bind_template_child (widget_class, KefuIntakeWindow, kind_row);
  gtk_widget_class_bind_template_child (widget_class, KefuIntakeWindow, matched_label);
  gtk_widget_class_bind_template_child (widget_class, KefuIntakeWindow, message_label);
  gtk_widget_class_bind_template_child (widget_class, KefuIntakeWindow, message_revealer);
  gtk_widget_class_bind_template_child (widget_class, KefuIntakeWindow, name_label);
  gtk_widget_class_bind_template_child (widget_class, KefuIntakeWindow, new_company_row);
  gtk_widget_class_bind_template_child (widget_class, KefuIntakeWindow, new_intake_button);
  gtk_widget_class_bind_template_child (widget_class, KefuIntakeWindow, new_kind_row);
  gtk_widget_class_bind_template_child (widget_class, KefuIntakeWindow, new_name_row);
  gtk_widget_class_bind_template_child (widget_class, KefuIntakeWindow, new_phone_row);
  gtk_widget_class_bind_template_child (widget_class, KefuIntakeWindow, number_label);
  gtk_widget_class_bind_template_child (widget_class, KefuIntakeWindow, open_duplicate_button);
  gtk_widget_class_bind_template_child (widget_class, KefuIntakeWindow, page_stack);
  gtk_widget_class_bind_template_child (widget_class, KefuIntakeWindow, priority_row);
  gtk_widget_class_bind_template_child (widget_class, KefuIntakeWindow, save_button);
  gtk_widget_class_bind_template_child (widget_class, KefuIntakeWindow, segment_badge);
  gtk_widget_class_bind_template_child (widget_class, KefuIntakeWindow, subject_row);
  gtk_widget_class_bind_template_child (widget_class, KefuIntakeWindow, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, KefuIntakeWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, KefuIntakeWindow, tracking_error);
  gtk_widget_class_bind_template_child (widget_class, KefuIntakeWindow, tracking_ok_icon);
  gtk_widget_class_bind_template_child (widget_class, KefuIntakeWindow, tracking_row);
  gtk_widget_class_bind_template_callback (widget_class, on_caller_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_caller_search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_caller_stop_search_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_form_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_kind_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_new_phone_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_tracking_changed_cb);

  gtk_widget_class_install_action (widget_class, "intake.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "intake.new", NULL, new_action);
  gtk_widget_class_install_action (widget_class, "intake.open-case", NULL, open_case_action);
  gtk_widget_class_install_action (widget_class, "intake.copy-number", NULL, copy_number_action);
  gtk_widget_class_install_action (widget_class, "intake.open-duplicate", NULL, open_duplicate_action);
  gtk_widget_class_install_action (widget_class, "intake.create-anyway", NULL, create_anyway_action);
  gtk_widget_class_install_action (widget_class, "intake.new-customer", NULL, new_customer_action);
  gtk_widget_class_install_action (widget_class, "intake.use-existing", NULL, use_existing_action);
  gtk_widget_class_install_action (widget_class, "win.intake", NULL, intake_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK, "intake.new", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
kefu_intake_window_init (KefuIntakeWindow *self)
{
  GtkEventController *shortcuts;
  GtkShortcutTrigger *trigger;

  gtk_widget_init_template (GTK_WIDGET (self));

  /* Ctrl+Enter saves from any field. In the capture phase, because the
   * description's text view would otherwise take it as a new line. */
  shortcuts = gtk_shortcut_controller_new ();
  gtk_event_controller_set_propagation_phase (shortcuts, GTK_PHASE_CAPTURE);
  trigger = gtk_alternative_trigger_new (gtk_keyval_trigger_new (GDK_KEY_Return, GDK_CONTROL_MASK),
                                         gtk_keyval_trigger_new (GDK_KEY_KP_Enter, GDK_CONTROL_MASK));
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts),
                                        gtk_shortcut_new (trigger, gtk_named_action_new ("intake.save")));
  gtk_widget_add_controller (GTK_WIDGET (self), shortcuts);

  self->category_ids = g_ptr_array_new_with_free_func (g_free);
  self->lookup_text = g_strdup ("");
  gtk_search_entry_set_search_delay (self->caller_entry, 150);

  fill_combo (self->kind_row, kefu_case_kind_keys (), kefu_case_kind_label);
  fill_combo (self->channel_row, kefu_case_channel_keys (), kefu_case_channel_label);
  fill_combo (self->priority_row, kefu_case_priority_keys (), kefu_case_priority_label);
  update_actions (self);
}

/* --- public API ------------------------------------------------------ */

/**
 * kefu_intake_window_new:
 * @parent: the main window: intake stays above it, and closes with it
 *
 * Returns: (transfer none): a new intake window, not yet shown
 */
GtkWindow *
kefu_intake_window_new (GtkWindow *parent,
                        KefuDb    *db)
{
  KefuIntakeWindow *self;

  g_return_val_if_fail (KEFU_IS_DB (db), NULL);

  self = g_object_new (KEFU_TYPE_INTAKE_WINDOW,
                       "transient-for", parent,
                       "destroy-with-parent", TRUE,
                       "application", parent ? gtk_window_get_application (parent) : NULL,
                       NULL);
  self->db = g_object_ref (db);
  {
    /* Knowledge articles that fit what the agent types. */
    GtkWidget *suggestions = kefu_kb_suggestions_new (db);
    GtkWidget *group = gtk_widget_get_ancestor (GTK_WIDGET (self->subject_row), ADW_TYPE_PREFERENCES_GROUP);

    kefu_kb_suggestions_watch (KEFU_KB_SUGGESTIONS (suggestions), GTK_EDITABLE (self->subject_row),
                               gtk_text_view_get_buffer (self->description_view));
    adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), suggestions);
    g_signal_connect_object (self, "case-created", G_CALLBACK (kefu_kb_suggestions_case_saved), suggestions,
                             G_CONNECT_SWAPPED);
  }
  fill_categories (self);
  set_form_defaults (self);
  show_no_caller (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->caller_entry));
  return GTK_WINDOW (self);
}

void
kefu_intake_window_set_caller (KefuIntakeWindow *self,
                               const char       *text)
{
  g_return_if_fail (KEFU_IS_INTAKE_WINDOW (self));

  if (self->saved != NULL && g_strcmp0 (gtk_stack_get_visible_child_name (self->page_stack), "done") == 0)
    reset (self);
  gtk_editable_set_text (GTK_EDITABLE (self->caller_entry), text ? text : "");
  run_lookup (self);
  if (self->state == CALLER_MATCH)
    gtk_widget_grab_focus (GTK_WIDGET (self->kind_row));
  else if (self->state == CALLER_NEW)
    gtk_widget_grab_focus (GTK_WIDGET (self->new_name_row));
}

const char *
kefu_intake_window_get_customer_id (KefuIntakeWindow *self)
{
  g_return_val_if_fail (KEFU_IS_INTAKE_WINDOW (self), NULL);

  if (self->state == CALLER_MATCH && self->match != NULL)
    return self->match->customer->id;
  return NULL;
}

const char *
kefu_intake_window_get_case_id (KefuIntakeWindow *self)
{
  g_return_val_if_fail (KEFU_IS_INTAKE_WINDOW (self), NULL);

  return self->saved ? self->saved->id : NULL;
}

gboolean
kefu_intake_window_has_unsaved (KefuIntakeWindow *self)
{
  g_autofree char *description = NULL;

  g_return_val_if_fail (KEFU_IS_INTAKE_WINDOW (self), FALSE);

  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->page_stack), "done") == 0)
    return FALSE;
  description = description_text (self);
  if (description != NULL ||
      !row_is_blank (self->subject_row) ||
      !row_is_blank (self->tracking_row) ||
      !row_is_blank (self->claim_amount_row) ||
      !row_is_blank (self->declared_value_row))
    return TRUE;
  /* A new file the agent typed (not just what the search put there). */
  return self->state == CALLER_NEW &&
         ((!row_is_blank (self->new_name_row) &&
           g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (self->new_name_row)), self->prefill_name) != 0) ||
          !row_is_blank (self->new_company_row));
}
