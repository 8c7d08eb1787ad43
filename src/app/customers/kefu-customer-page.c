/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "kefu-customer-page"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "kefu-application.h"
#include "kefu-case-common.h"
#include "kefu-cases.h"
#include "kefu-customer-editor.h"
#include "kefu-customer-page.h"
#include "kefu-customers.h"
#include "kefu-follow-ups.h"
#include "kefu-text.h"
#include "kefu-window.h"

/* The customer file (客户档案): identity, contacts, account and segment,
 * the customer's cases and survey answers, preferences, notes and the
 * change history from the audit log. */

/* Cases listed in the file; the rest are counted. */
#define MAX_CASES 50

struct _KefuCustomerPage
{
  GtkWidget        parent_instance;

  /* template children */
  GtkWidget       *delete_button;
  GtkWidget       *edit_button;
  GtkBox          *history_box;
  GtkLabel        *name_label;
  AdwEntryRow     *note_row;
  GtkBox          *notes_box;
  GtkWidget       *scroller;
  GtkBox          *sections;
  GtkWidget       *segment_badge;
  GtkLabel        *subtitle_label;

  KefuDb          *db;
  KefuCustomer    *customer;
};

enum { CHANGED, DELETED, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (KefuCustomerPage, kefu_customer_page, GTK_TYPE_WIDGET)

/* --- helpers --------------------------------------------------------- */

char *
_kefu_format_date (gint64   unix_ms,
                   gboolean with_time)
{
  g_autoptr(GDateTime) utc = NULL;
  g_autoptr(GDateTime) local = NULL;

  if (unix_ms <= 0)
    return g_strdup (_("Never"));
  utc = g_date_time_new_from_unix_utc (unix_ms / 1000);
  local = g_date_time_to_local (utc);
  /* Translators: date format, see g_date_time_format() */
  return g_date_time_format (local, with_time ? _("%Y-%m-%d %H:%M") : _("%Y-%m-%d"));
}

static void
clear_box (GtkBox *box)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (box))))
    gtk_box_remove (box, child);
}

static GtkWidget *
add_group (GtkBox     *box,
           const char *title)
{
  GtkWidget *group = adw_preferences_group_new ();

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), title);
  gtk_box_append (box, group);
  return group;
}

static void
copy_clicked_cb (GtkButton *button,
                 gpointer   user_data)
{
  const char *text = g_object_get_data (G_OBJECT (button), "copy-text");

  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (button)), text);
  kefu_toast (GTK_WIDGET (button), _("Copied"));
}

static GtkWidget *
add_row (GtkWidget  *group,
         const char *title,
         const char *value,
         gboolean    copyable)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), value && *value ? value : "—");
  gtk_widget_add_css_class (row, "property");
  if (copyable && value && *value)
    {
      GtkWidget *button = gtk_button_new_from_icon_name ("edit-copy-symbolic");

      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (button, "flat");
      gtk_widget_set_tooltip_text (button, _("Copy"));
      g_object_set_data_full (G_OBJECT (button), "copy-text", g_strdup (value), g_free);
      g_signal_connect (button, "clicked", G_CALLBACK (copy_clicked_cb), NULL);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
    }
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  return row;
}

static const char *
contact_kind_label (const char *kind)
{
  if (g_strcmp0 (kind, "phone") == 0)
    return _("Phone");
  if (g_strcmp0 (kind, "address") == 0)
    return _("Address");
  if (g_strcmp0 (kind, "email") == 0)
    return _("E-mail");
  return kind;
}

/* Contact labels are free text; the usual ones are stored as English keys
 * (by the sample data and the editor's suggestions) and shown translated. */
const char *
_kefu_contact_label_text (const char *label)
{
  static const struct { const char *key; const char *text; } labels[] = {
    { "mobile", N_("mobile") },
    { "office", N_("office") },
    { "home", N_("home") },
    { "work", N_("work") },
    { "personal", N_("personal") },
    { "warehouse", N_("warehouse") },
    { "shop", N_("shop") },
    { "fax", N_("fax") },
    { "billing", N_("billing") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    if (g_strcmp0 (labels[i].key, label) == 0)
      return _(labels[i].text);
  return label;
}

/* "Phone (mobile)": the kind, with the label when there is one. */
char *
_kefu_contact_title (const char *kind,
                     const char *label)
{
  if (label && *label)
    /* Translators: contact kind and its label, e.g. "Phone (mobile)" */
    return g_strdup_printf (_("%s (%s)"), contact_kind_label (kind), _kefu_contact_label_text (label));
  return g_strdup (contact_kind_label (kind));
}

static char *
list_labels (const char  *csv,
             const char *(*label) (const char *))
{
  g_auto(GStrv) parts = g_strsplit (csv ? csv : "", ",", -1);
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; parts[i]; i++)
    {
      const char *p = g_strstrip (parts[i]);

      if (*p == '\0')
        continue;
      if (out->len)
        g_string_append (out, _(", "));
      g_string_append (out, label ? label (p) : p);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static const char *
kind_label (const char *kind)
{
  return g_strcmp0 (kind, "enterprise") == 0 ? _("Enterprise") : _("Person");
}

static const char *
field_label (const char *field)
{
  static const struct { const char *key; const char *label; } labels[] = {
    { "name", N_("Name") },
    { "company", N_("Company") },
    { "kind", N_("Kind") },
    { "industry", N_("Industry") },
    { "manager_id", N_("Account manager") },
    { "segment", N_("Segment") },
    { "segment_reason", N_("Segment reason") },
    { "segment_manual", N_("Segment set by hand") },
    { "preferences", N_("What matters to them") },
    { "tags", N_("Tags") },
    { "monthly_volume", N_("Parcels a month") },
    { "monthly_spend_cents", N_("Spending a month") },
    { "complaints_12m", N_("Complaints in 12 months") },
    { "last_contact_at", N_("Last contact") },
    { "value", N_("Value") },
    { "label", N_("Label") },
    { "customer_id", N_("Customer") },
    { "deleted", N_("Deleted") },
    { "body", N_("Text") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    if (g_strcmp0 (labels[i].key, field) == 0)
      return _(labels[i].label);
  return NULL;
}

static char *
describe_op (const char *op)
{
  static const struct { const char *key; const char *label; } ops[] = {
    { "insert", N_("File created") },
    { "import", N_("File created by an import") },
    { "update", N_("File edited") },
    { "delete", N_("File deleted") },
    { "restore", N_("File restored") },
    { "contact.insert", N_("Contact added") },
    { "contact.update", N_("Contact changed") },
    { "contact.delete", N_("Contact removed") },
    { "note.insert", N_("Note added") },
    { "note.update", N_("Note moved") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (ops); i++)
    if (g_strcmp0 (ops[i].key, op) == 0)
      return g_strdup (_(ops[i].label));
  return g_strdup (op);
}

/* "Segment: New → VIP; Tags" — readable old and new values for the fields
 * that have them, names only for the rest. */
static char *
describe_changes (const char *json,
                  const char *op)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GString) out = g_string_new (NULL);
  JsonObject *obj;
  GList *members;

  if (json == NULL || !json_parser_load_from_data (parser, json, -1, NULL))
    return g_strdup ("");
  if (!JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return g_strdup ("");
  obj = json_node_get_object (json_parser_get_root (parser));
  members = json_object_get_members (obj);
  for (GList *l = members; l; l = l->next)
    {
      const char *field = l->data;
      const char *label = field_label (field);
      JsonNode *node = json_object_get_member (obj, field);
      /* An import's summary holds counts, not field changes. */
      JsonObject *change = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      const char *new_text = NULL, *old_text = NULL;

      /* Ids and long texts say nothing to the reader. */
      if (label == NULL || g_strcmp0 (field, "manager_id") == 0 ||
          g_strcmp0 (field, "customer_id") == 0 || g_strcmp0 (field, "body") == 0 ||
          (g_strcmp0 (field, "kind") == 0 && g_str_has_prefix (op ? op : "", "contact")))
        continue;
      if (out->len)
        g_string_append (out, _("; "));
      g_string_append (out, label);

      if (change && json_object_has_member (change, "new") &&
          JSON_NODE_TYPE (json_object_get_member (change, "new")) == JSON_NODE_VALUE &&
          json_node_get_value_type (json_object_get_member (change, "new")) == G_TYPE_STRING)
        new_text = json_object_get_string_member (change, "new");
      if (change && json_object_has_member (change, "old") &&
          JSON_NODE_TYPE (json_object_get_member (change, "old")) == JSON_NODE_VALUE &&
          json_node_get_value_type (json_object_get_member (change, "old")) == G_TYPE_STRING)
        old_text = json_object_get_string_member (change, "old");

      if (g_strcmp0 (field, "kind") == 0)
        {
          new_text = new_text ? kind_label (new_text) : NULL;
          old_text = old_text ? kind_label (old_text) : NULL;
        }
      if (g_strcmp0 (field, "segment_reason") == 0)
        {
          new_text = new_text ? _(new_text) : NULL;
          old_text = old_text ? _(old_text) : NULL;
        }
      if (g_strcmp0 (field, "preferences") == 0)
        {
          g_autofree char *n = list_labels (new_text, kefu_preference_label);
          g_autofree char *o = list_labels (old_text, kefu_preference_label);

          if (new_text && old_text)
            g_string_append_printf (out, _(": %s → %s"), o, n);
          else if (new_text)
            g_string_append_printf (out, _(": %s"), n);
          continue;
        }
      if (g_strcmp0 (field, "segment") == 0)
        {
          new_text = new_text ? kefu_segment_label (new_text) : NULL;
          old_text = old_text ? kefu_segment_label (old_text) : NULL;
        }
      if (new_text && old_text && g_utf8_strlen (new_text, -1) < 40)
        g_string_append_printf (out, _(": %s → %s"), old_text, new_text);
      else if (new_text && g_strcmp0 (op, "update") != 0 && g_utf8_strlen (new_text, -1) < 40)
        g_string_append_printf (out, _(": %s"), new_text);
    }
  g_list_free (members);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static void
fill_notes (KefuCustomerPage *self)
{
  g_autoptr(GPtrArray) notes = kefu_customers_list_notes (self->db, self->customer->id, NULL);
  GtkWidget *list;

  clear_box (self->notes_box);
  if (notes == NULL || notes->len == 0)
    return;
  list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  for (guint i = 0; i < notes->len; i++)
    {
      KefuNote *note = g_ptr_array_index (notes, i);
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *when = _kefu_format_date (note->created_at, TRUE);
      g_autofree char *sub = g_strdup_printf ("%s · %s", when, note->author_name ? note->author_name : _("Unknown"));

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), note->body);
      adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 0);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), sub);
      gtk_list_box_append (GTK_LIST_BOX (list), row);
    }
  gtk_box_append (self->notes_box, list);
}

static void
fill_history (KefuCustomerPage *self)
{
  g_autoptr(GPtrArray) history = kefu_customers_history (self->db, self->customer->id, NULL);
  GtkWidget *group;

  clear_box (self->history_box);
  group = add_group (self->history_box, _("History"));
  if (history == NULL)
    return;
  for (guint i = 0; i < history->len && i < 200; i++)
    {
      KefuHistoryEntry *e = g_ptr_array_index (history, i);
      g_autofree char *title = describe_op (e->op);
      g_autofree char *what = describe_changes (e->changes, e->op);
      g_autofree char *when = _kefu_format_date (e->at, TRUE);
      g_autoptr(GString) sub = g_string_new (when);
      GtkWidget *row = adw_action_row_new ();

      g_string_append_printf (sub, " · %s", e->actor_name ? e->actor_name : _("System"));
      if (what && *what)
        g_string_append_printf (sub, "\n%s", what);
      if (e->note && *e->note)
        g_string_append_printf (sub, "\n%s", e->note);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), sub->str);
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
    }
}

static void
case_row_activated_cb (AdwActionRow *row,
                       gpointer      user_data)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (row));
  const char *case_id = g_object_get_data (G_OBJECT (row), "case-id");

  if (KEFU_IS_WINDOW (root) && case_id != NULL)
    kefu_window_show_case (KEFU_WINDOW (root), case_id);
}

static GtkWidget *
add_placeholder_row (GtkWidget  *group,
                     const char *text)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), text);
  gtk_widget_add_css_class (row, "dim-label");
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  return row;
}

/* The customer's cases, newest first: number, kind, status, subject and
 * date; activating one opens it. */
static void
add_cases (KefuCustomerPage *self)
{
  g_autoptr(GArray) rows = g_array_new (FALSE, TRUE, sizeof (KefuCaseSummary));
  g_autoptr(GError) error = NULL;
  g_autofree char *description = NULL;
  KefuCaseQuery q = { 0 };
  GtkWidget *group;
  guint n = 0;

  g_array_set_clear_func (rows, (GDestroyNotify) kefu_case_summary_clear);
  q.queue = KEFU_CASE_QUEUE_ALL;
  q.customer_id = self->customer->id;

  group = add_group (self->sections, _("Cases"));
  if (!kefu_cases_count (self->db, &q, &n, &error) ||
      !kefu_cases_page (self->db, &q, 0, MAX_CASES, rows, &error))
    {
      add_placeholder_row (group, error->message);
      return;
    }
  if (n == 0)
    {
      add_placeholder_row (group, _("No cases yet"));
      return;
    }
  description = g_strdup_printf (ngettext ("%u case in all", "%u cases in all", n), n);
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group), description);

  for (guint i = 0; i < rows->len; i++)
    {
      KefuCaseSummary *c = &g_array_index (rows, KefuCaseSummary, i);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *status = _kefu_case_badge_new ();
      g_autofree char *date = _kefu_format_date (c->created_at, FALSE);
      /* Translators: under a case's subject: number · kind · date received */
      g_autofree char *sub = g_strdup_printf (_("%s · %s · %s"), c->number, kefu_case_kind_label (c->kind), date);

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), c->subject);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), sub);
      adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 1);
      gtk_widget_set_valign (status, GTK_ALIGN_CENTER);
      _kefu_case_badge_set (status, "status", c->status, kefu_case_status_label (c->status));
      if (c->escalated && kefu_case_status_is_open (c->status))
        {
          GtkWidget *overdue = _kefu_case_badge_new ();

          gtk_widget_set_valign (overdue, GTK_ALIGN_CENTER);
          _kefu_case_badge_set (overdue, "sla", "escalated", _("Overdue"));
          gtk_widget_set_tooltip_text (overdue, _("Past its time limit and escalated"));
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), overdue);
        }
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), status);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      g_object_set_data_full (G_OBJECT (row), "case-id", g_strdup (c->id), g_free);
      g_signal_connect (row, "activated", G_CALLBACK (case_row_activated_cb), NULL);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
    }
  if (n > rows->len)
    {
      g_autofree char *more = g_strdup_printf (ngettext ("%u earlier case is not listed", "%u earlier cases are not listed",
                                                         n - rows->len), n - rows->len);

      add_placeholder_row (group, more);
    }
}

static char *
stars (gint satisfaction)
{
  g_autoptr(GString) out = g_string_new (NULL);

  for (gint i = 1; i <= 5; i++)
    g_string_append (out, i <= satisfaction ? "★" : "☆");
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* Survey answers from follow-up calls: satisfaction 1–5, likelihood to
 * recommend 0–10, the comment; and their averages. */
static void
add_satisfaction (KefuCustomerPage *self)
{
  g_autoptr(GPtrArray) answers = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *group = add_group (self->sections, _("Satisfaction"));
  double sum_satisfaction = 0, sum_nps = 0;
  guint n_satisfaction = 0, n_nps = 0;

  answers = kefu_surveys_list_for_customer (self->db, self->customer->id, &error);
  if (answers == NULL)
    {
      add_placeholder_row (group, error->message);
      return;
    }
  if (answers->len == 0)
    {
      add_placeholder_row (group, _("No survey answers yet: follow-up calls record them"));
      return;
    }

  for (guint i = 0; i < answers->len; i++)
    {
      KefuSurveyAnswer *a = answers->pdata[i];

      if (a->satisfaction >= 1 && a->satisfaction <= 5)
        {
          sum_satisfaction += a->satisfaction;
          n_satisfaction++;
        }
      if (a->nps >= 0 && a->nps <= 10)
        {
          sum_nps += a->nps;
          n_nps++;
        }
    }
  {
    g_autofree char *sat = NULL;
    g_autofree char *nps = NULL;
    g_autofree char *description = g_strdup_printf (ngettext ("From %u follow-up call", "From %u follow-up calls", answers->len),
                                                    answers->len);

    adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group), description);
    /* Translators: an average score, such as "4.3 of 5" */
    sat = n_satisfaction ? g_strdup_printf (_("%.1f of 5"), sum_satisfaction / n_satisfaction) : NULL;
    nps = n_nps ? g_strdup_printf (_("%.1f of 10"), sum_nps / n_nps) : NULL;
    add_row (group, _("Average satisfaction"), sat, FALSE);
    add_row (group, _("Average likelihood to recommend"), nps, FALSE);
  }

  for (guint i = 0; i < answers->len && i < MAX_CASES; i++)
    {
      KefuSurveyAnswer *a = answers->pdata[i];
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *star_text = stars (a->satisfaction);
      g_autofree char *date = _kefu_format_date (a->at, FALSE);
      /* Translators: a survey answer: stars, satisfaction of 5, likelihood
       * to recommend of 10 */
      g_autofree char *title = g_strdup_printf (_("%s  %d/5 · recommend %d/10"), star_text, a->satisfaction, a->nps);
      g_autoptr(GString) sub = g_string_new (NULL);

      if (a->comment && *a->comment)
        g_string_append_printf (sub, "“%s”\n", a->comment);
      g_string_append (sub, date);
      if (a->case_number)
        g_string_append_printf (sub, " · %s", a->case_number);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), sub->str);
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
      gtk_widget_add_css_class (row, "survey-answer");
      if (a->satisfaction <= KEFU_SURVEY_LOW_SATISFACTION || a->nps <= KEFU_SURVEY_LOW_NPS)
        gtk_widget_add_css_class (row, "survey-low");
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
    }
}

static void
fill (KefuCustomerPage *self)
{
  KefuCustomer *c = self->customer;
  GtkWidget *group;
  g_autofree char *subtitle = NULL;
  g_autofree char *created = _kefu_format_date (c->created_at, FALSE);
  g_autofree char *last = _kefu_format_date (c->last_contact_at, FALSE);
  g_autofree char *spend_text = kefu_format_amount (c->monthly_spend_cents);
  g_autofree char *volume = g_strdup_printf ("%'" G_GINT64_FORMAT, c->monthly_volume);
  g_autofree char *complaints = g_strdup_printf ("%" G_GINT64_FORMAT, c->complaints_12m);
  g_autofree char *prefs = list_labels (c->preferences, kefu_preference_label);
  g_autofree char *tags = list_labels (c->tags, NULL);
  g_autofree char *segment_text = NULL;
  const char *kind = g_strcmp0 (c->kind, "enterprise") == 0 ? _("Enterprise") : _("Person");

  gtk_label_set_label (self->name_label, c->name);
  _kefu_segment_badge_set (self->segment_badge, c->segment);
  /* Translators: customer number · person or enterprise · customer since */
  subtitle = g_strdup_printf (_("%s · %s · customer since %s"), c->number, kind, created);
  gtk_label_set_label (self->subtitle_label, subtitle);

  clear_box (self->sections);

  group = add_group (self->sections, _("Identity"));
  add_row (group, _("Customer number"), c->number, TRUE);
  add_row (group, _("Kind"), kind, FALSE);
  if (g_strcmp0 (c->kind, "enterprise") == 0 || (c->company && *c->company))
    add_row (group, _("Company"), c->company, TRUE);
  add_row (group, _("Industry"), c->industry, FALSE);
  add_row (group, _("Last contact"), last, FALSE);

  group = add_group (self->sections, _("Contacts"));
  if (c->contacts->len == 0)
    add_row (group, _("No contacts"), _("Edit the file to add phone numbers and addresses."), FALSE);
  for (guint i = 0; i < c->contacts->len; i++)
    {
      KefuContact *contact = g_ptr_array_index (c->contacts, i);
      g_autofree char *title = _kefu_contact_title (contact->kind, contact->label);
      g_autofree char *value = g_strcmp0 (contact->kind, "phone") == 0 ? kefu_format_phone (contact->value)
                                                                       : g_strdup (contact->value);

      add_row (group, title, value, TRUE);
    }

  /* What happened with them comes before what we know about them. */
  add_cases (self);
  add_satisfaction (self);

  group = add_group (self->sections, _("Account"));
  add_row (group, _("Account manager"), c->manager_name ? c->manager_name : _("None"), FALSE);
  if (c->segment_manual)
    segment_text = g_strdup_printf (_("%s — set by hand: %s"), kefu_segment_label (c->segment),
                                    c->segment_reason ? c->segment_reason : "");
  else
    /* The default rules' descriptions are stored in English and translated
     * here; an admin's own descriptions pass through unchanged. */
    segment_text = g_strdup_printf (_("%s — by rule: %s"), kefu_segment_label (c->segment),
                                    c->segment_reason ? _(c->segment_reason) : "");
  add_row (group, _("Segment"), segment_text, FALSE);
  add_row (group, _("Parcels a month"), volume, FALSE);
  add_row (group, _("Spending a month"), spend_text, FALSE);
  add_row (group, _("Complaints in 12 months"), complaints, FALSE);

  group = add_group (self->sections, _("Preferences and Tags"));
  add_row (group, _("What matters to them"), prefs, FALSE);
  add_row (group, _("Tags"), tags, FALSE);

  fill_notes (self);
  fill_history (self);
  kefu_customer_page_update_actions (self);
}

/* --- signal callbacks ------------------------------------------------ */

static void
on_note_apply_cb (KefuCustomerPage *self)
{
  g_autoptr(GError) error = NULL;
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->note_row));

  if (self->customer == NULL || text == NULL || *text == '\0')
    return;
  if (!kefu_customers_add_note (self->db, self->customer->id, text, &error))
    {
      kefu_toast_error (GTK_WIDGET (self), error);
      return;
    }
  gtk_editable_set_text (GTK_EDITABLE (self->note_row), "");
  fill_notes (self);
  fill_history (self);
}

static void
editor_saved_cb (KefuCustomerPage *self,
                 const char       *id)
{
  kefu_customer_page_reload (self);
  g_signal_emit (self, signals[CHANGED], 0);
}

/* --- actions --------------------------------------------------------- */

static void
edit_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  KefuCustomerPage *self = KEFU_CUSTOMER_PAGE (widget);
  GtkWindow *editor;

  if (self->customer == NULL)
    return;
  editor = kefu_customer_editor_new (GTK_WINDOW (gtk_widget_get_root (widget)), self->db, self->customer);
  g_signal_connect_object (editor, "saved", G_CALLBACK (editor_saved_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (editor);
}

static void
delete_customer (KefuCustomerPage *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  g_autofree char *name = NULL;

  if (self->customer == NULL)
    return;
  id = g_strdup (self->customer->id);
  name = g_strdup (self->customer->name);
  if (!kefu_customers_delete (self->db, id, &error))
    {
      kefu_toast_error (GTK_WIDGET (self), error);
      return;
    }
  g_clear_pointer (&self->customer, kefu_customer_free);
  g_signal_emit (self, signals[DELETED], 0, id, name);
}

static void
delete_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    KefuCustomerPage *self)
{
  if (g_strcmp0 (response, "delete") == 0)
    delete_customer (self);
}

static void
delete_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  KefuCustomerPage *self = KEFU_CUSTOMER_PAGE (widget);
  GtkWindow *window = GTK_WINDOW (gtk_widget_get_root (widget));
  GtkApplication *app = window ? gtk_window_get_application (window) : NULL;
  g_autofree char *heading = NULL;
  GtkWidget *dialog;

  if (self->customer == NULL)
    return;
  if (!KEFU_IS_APPLICATION (app) ||
      !g_settings_get_boolean (kefu_application_get_settings (KEFU_APPLICATION (app)), "confirm-delete"))
    {
      delete_customer (self);
      return;
    }

  heading = g_strdup_printf (_("Delete “%s”?"), self->customer->name);
  dialog = adw_message_dialog_new (window, heading,
                                   _("The file leaves the customer list. Its history is kept, and you can undo right after."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "delete", _("_Delete"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "delete", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (delete_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* --- GObject --------------------------------------------------------- */

static void
kefu_customer_page_dispose (GObject *object)
{
  KefuCustomerPage *self = (KefuCustomerPage *) object;

  gtk_widget_dispose_template (GTK_WIDGET (self), KEFU_TYPE_CUSTOMER_PAGE);
  /* The template's top widget is not a bound child: unparent it here. */
  {
    GtkWidget *child;

    while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))))
      gtk_widget_unparent (child);
  }
  g_clear_pointer (&self->customer, kefu_customer_free);
  g_clear_object (&self->db);
  G_OBJECT_CLASS (kefu_customer_page_parent_class)->dispose (object);
}

static void
kefu_customer_page_class_init (KefuCustomerPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kefu_customer_page_dispose;

  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[DELETED] = g_signal_new ("deleted", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/kefu/Kefu/customers/kefu-customer-page.ui");
  gtk_widget_class_bind_template_child (widget_class, KefuCustomerPage, delete_button);
  gtk_widget_class_bind_template_child (widget_class, KefuCustomerPage, edit_button);
  gtk_widget_class_bind_template_child (widget_class, KefuCustomerPage, history_box);
  gtk_widget_class_bind_template_child (widget_class, KefuCustomerPage, name_label);
  gtk_widget_class_bind_template_child (widget_class, KefuCustomerPage, note_row);
  gtk_widget_class_bind_template_child (widget_class, KefuCustomerPage, notes_box);
  gtk_widget_class_bind_template_child (widget_class, KefuCustomerPage, scroller);
  gtk_widget_class_bind_template_child (widget_class, KefuCustomerPage, sections);
  gtk_widget_class_bind_template_child (widget_class, KefuCustomerPage, segment_badge);
  gtk_widget_class_bind_template_child (widget_class, KefuCustomerPage, subtitle_label);
  gtk_widget_class_bind_template_callback (widget_class, on_note_apply_cb);

  gtk_widget_class_install_action (widget_class, "customer.edit", NULL, edit_action);
  gtk_widget_class_install_action (widget_class, "customer.delete", NULL, delete_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK, "customer.edit", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, GDK_CONTROL_MASK, "customer.delete", NULL);
}

static void
kefu_customer_page_init (KefuCustomerPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/* --- public API ------------------------------------------------------ */

void
kefu_customer_page_set_db (KefuCustomerPage *self,
                           KefuDb           *db)
{
  g_set_object (&self->db, db);
}

/* Returns: whether the file exists and is shown */
gboolean
kefu_customer_page_show (KefuCustomerPage *self,
                         const char       *id)
{
  KefuCustomer *c;

  g_return_val_if_fail (KEFU_IS_CUSTOMER_PAGE (self), FALSE);

  c = kefu_customers_get (self->db, id, NULL);
  if (c == NULL)
    return FALSE;
  g_clear_pointer (&self->customer, kefu_customer_free);
  self->customer = c;
  fill (self);
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (self->scroller)), 0);
  return TRUE;
}

void
kefu_customer_page_reload (KefuCustomerPage *self)
{
  g_autofree char *id = NULL;

  if (self->customer == NULL)
    return;
  id = g_strdup (self->customer->id);
  kefu_customer_page_show (self, id);
}

void
kefu_customer_page_update_actions (KefuCustomerPage *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "customer.edit",
                                 self->customer != NULL && kefu_window_may (GTK_WIDGET (self), "edit"));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "customer.delete",
                                 self->customer != NULL && kefu_window_may (GTK_WIDGET (self), "delete"));
}

const char *
kefu_customer_page_get_id (KefuCustomerPage *self)
{
  return self->customer ? self->customer->id : NULL;
}
