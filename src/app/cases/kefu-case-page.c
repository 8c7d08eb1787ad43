/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "kefu-case-page"

#include "config.h"

#include <glib/gi18n.h>

#include "kefu-application.h"
#include "kefu-attachments.h"
#include "kefu-case-common.h"
#include "kefu-case-page.h"
#include "kefu-claims.h"
#include "kefu-follow-ups.h"
#include "kefu-kb-suggestions.h"
#include "kefu-org.h"
#include "kefu-sla.h"
#include "kefu-text.h"
#include "kefu-window.h"

/* One case (工单): who and what, its time limits, the actions its status
 * allows, the compensation claim, follow-up calls and the timeline. Every
 * write goes through the cases core; the page then reads the case again
 * and tells the view ("changed") so that the queues follow. */

#define MAX_TIMELINE_ROWS 300

struct _KefuCasePage
{
  GtkWidget     parent_instance;

  /* template children */
  GtkWidget    *actions_box;
  GtkButton    *assign_button;
  GtkWidget    *close_button;
  GtkWidget    *kind_badge;
  AdwEntryRow  *note_row;
  GtkLabel     *number_label;
  GtkWidget    *priority_badge;
  GtkDropDown  *priority_dropdown;
  GtkWidget    *reopen_button;
  GtkWidget    *resolve_button;
  GtkWidget    *scroller;
  GtkBox       *sections;
  GtkWidget    *sla_badge;
  GtkButton    *start_button;
  GtkWidget    *status_badge;
  GtkLabel     *subject_label;
  GtkLabel     *subtitle_label;
  GtkWidget    *take_button;
  GtkBox       *timeline_box;
  GtkWidget    *wait_button;

  KefuDb       *db;
  KefuCase     *kase;
  KefuStaff    *me;
  gboolean      updating;

  /* The time-left labels of the running deadlines, relabelled every
   * minute; rebuilt with the page. */
  GtkWidget    *left_labels[2];
  gint64        left_due[2];

  /* The claim forms, rebuilt with the page (owned by it). */
  AdwComboRow  *decision_row;
  AdwEntryRow  *amount_row;
  AdwEntryRow  *decision_note_row;
  AdwEntryRow  *payment_date_row;
  AdwEntryRow  *payment_ref_row;
};

enum { CHANGED, CUSTOMER_ACTIVATED, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (KefuCasePage, kefu_case_page, GTK_TYPE_WIDGET)

/* --- helpers --------------------------------------------------------- */

static gboolean
is_status (KefuCasePage *self,
           const char   *status)
{
  return self->kase != NULL && g_strcmp0 (self->kase->status, status) == 0;
}

static gboolean
is_claim (KefuCasePage *self)
{
  return self->kase != NULL && g_strcmp0 (self->kase->kind, "claim") == 0;
}

static const char *
my_id (KefuCasePage *self)
{
  return self->me ? self->me->id : NULL;
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
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
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

static GtkWidget *
add_suffix_label (GtkWidget    *row,
                  const char   *text,
                  KefuTimeLeft  state)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 1);
  gtk_widget_add_css_class (label, "heading");
  _kefu_time_left_style (label, state);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
  return label;
}

static GtkWidget *
add_action_button (GtkWidget  *row,
                   const char *label,
                   const char *action,
                   GVariant   *target,
                   const char *css_class)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (label);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  if (target)
    gtk_actionable_set_action_target_value (GTK_ACTIONABLE (button), target);
  if (css_class)
    gtk_widget_add_css_class (button, css_class);
  if (ADW_IS_ACTION_ROW (row))
    adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
  else
    adw_preferences_group_set_header_suffix (ADW_PREFERENCES_GROUP (row), button);
  return button;
}

static GtkWindow *
parent_window (KefuCasePage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

static guint
follow_up_days (KefuCasePage *self)
{
  GtkWindow *window = parent_window (self);
  GtkApplication *app = window ? gtk_window_get_application (window) : NULL;

  if (KEFU_IS_APPLICATION (app))
    return (guint) MAX (0, g_settings_get_int (kefu_application_get_settings (KEFU_APPLICATION (app)),
                                               "follow-up-days"));
  return 3;
}

static const char *
follow_up_status_label (const char *status)
{
  if (g_strcmp0 (status, "open") == 0)
    return _("To do");
  if (g_strcmp0 (status, "done") == 0)
    return _("Done");
  if (g_strcmp0 (status, "cancelled") == 0)
    return C_("follow-up call", "Cancelled");
  return status;
}

static const char *
event_icon (const char *kind)
{
  static const struct { const char *kind; const char *icon; } icons[] = {
    { "created", "document-new-symbolic" },
    { "status", "emblem-ok-symbolic" },
    { "assigned", "go-next-symbolic" },
    { "transferred", "go-next-symbolic" },
    { "priority", "emblem-important-symbolic" },
    { "note", "document-edit-symbolic" },
    { "contact", "call-start-symbolic" },
    { "deadline", "alarm-symbolic" },
    { "warned", "dialog-warning-symbolic" },
    { "escalated", "dialog-error-symbolic" },
    { "claim", "emblem-documents-symbolic" },
    { "approval", "emblem-default-symbolic" },
    { "follow_up", "call-outgoing-symbolic" },
    { "attachment", "mail-attachment-symbolic" },
    { "edited", "document-edit-symbolic" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (icons); i++)
    if (g_strcmp0 (icons[i].kind, kind) == 0)
      return icons[i].icon;
  return "emblem-system-symbolic";
}

/* The signed-in user may approve or reject the pending decision. */
static gboolean
can_approve (KefuCasePage *self)
{
  KefuCase *c = self->kase;

  return c != NULL && self->me != NULL &&
         g_strcmp0 (c->approval_status, "pending") == 0 &&
         (g_strcmp0 (self->me->role, "supervisor") == 0 || g_strcmp0 (self->me->role, "admin") == 0) &&
         g_strcmp0 (self->me->id, c->decided_by) != 0 &&
         self->me->auth_limit_cents >= c->approved_amount_cents;
}

/* A decision can be recorded: none yet, the last one was refused, or the
 * decider changes their own pending one. */
static gboolean
can_decide (KefuCasePage *self)
{
  KefuCase *c = self->kase;

  if (!is_claim (self) || !kefu_case_status_is_open (c->status) || c->payment_date != NULL)
    return FALSE;
  if (c->decision == NULL || g_strcmp0 (c->approval_status, "rejected") == 0)
    return TRUE;
  return g_strcmp0 (c->approval_status, "pending") == 0 && g_strcmp0 (c->decided_by, my_id (self)) == 0;
}

static gboolean
can_pay (KefuCasePage *self)
{
  KefuCase *c = self->kase;

  return is_claim (self) && c->payment_date == NULL &&
         g_strcmp0 (c->approval_status, "approved") == 0 && c->approved_amount_cents > 0;
}

/* The warning flag belongs to the running deadline: the first response
 * (slot 0) until it is given, then the resolution (slot 1). */
static gboolean
warned_on (KefuCasePage *self,
           guint         slot)
{
  KefuCase *c = self->kase;

  if (c == NULL || !c->warned)
    return FALSE;
  return slot == (c->first_response_at == 0 && c->first_response_due != 0 ? 0u : 1u);
}

/* --- filling the page ------------------------------------------------ */

static void
fill_header (KefuCasePage *self)
{
  KefuCase *c = self->kase;
  g_autofree char *received = _kefu_case_format_time (c->created_at, TRUE);
  g_autofree char *subtitle = NULL;
  const char **keys = kefu_case_priority_keys ();

  gtk_label_set_label (self->number_label, c->number);
  gtk_label_set_label (self->subject_label, c->subject);
  /* Translators: case kind · channel · when it was received */
  subtitle = g_strdup_printf (_("%s · %s · received %s"), kefu_case_kind_label (c->kind),
                              kefu_case_channel_label (c->channel), received);
  gtk_label_set_label (self->subtitle_label, subtitle);

  _kefu_case_badge_set (self->status_badge, "status", c->status, kefu_case_status_label (c->status));
  _kefu_case_badge_set (self->kind_badge, "kind", c->kind, kefu_case_kind_label (c->kind));
  /* The dropdown shows the priority; the badge only flags the unusual. */
  _kefu_case_badge_set (self->priority_badge, "priority", c->priority,
                        g_strcmp0 (c->priority, "normal") != 0 ? kefu_case_priority_label (c->priority) : NULL);
  if (c->escalated && kefu_case_status_is_open (c->status))
    _kefu_case_badge_set (self->sla_badge, "sla", "escalated", _("Escalated"));
  else if (c->warned && kefu_case_status_is_open (c->status))
    _kefu_case_badge_set (self->sla_badge, "sla", "warned", _("Running out of time"));
  else
    _kefu_case_badge_set (self->sla_badge, "sla", NULL, NULL);

  self->updating = TRUE;
  for (guint i = 0; keys[i]; i++)
    if (g_strcmp0 (keys[i], c->priority) == 0)
      gtk_drop_down_set_selected (self->priority_dropdown, i);
  self->updating = FALSE;
}

static void
fill_details (KefuCasePage *self)
{
  KefuCase *c = self->kase;
  GtkWidget *group = add_group (self->sections, _("Customer and Handling"));
  GtkWidget *row;
  g_autofree char *customer = NULL;

  if (c->customer_segment)
    customer = g_strdup_printf ("%s · %s", c->customer_name ? c->customer_name : "—",
                                kefu_segment_label (c->customer_segment));
  else
    customer = g_strdup (c->customer_name);
  row = add_row (group, _("Customer"), customer, FALSE);
  {
    GtkWidget *button = add_action_button (row, _("Open _File"), "case.show-customer", NULL, "flat");

    gtk_widget_set_tooltip_text (button, _("Show the customer file"));
  }
  add_row (group, _("Tracking number"), c->tracking_number, TRUE);
  if (c->category_name)
    add_row (group, _("Category"), c->category_name, FALSE);
  row = add_row (group, _("First contact"), c->owner_name, FALSE);
  gtk_widget_set_tooltip_text (row, _("First-contact responsibility: whoever took the case stays accountable for it, even after a transfer."));
  add_row (group, _("Assignee"), c->assignee_name ? c->assignee_name : _("Nobody yet"), FALSE);
  add_row (group, _("Department"), c->department_name, FALSE);

  group = add_group (self->sections, _("What Happened"));
  add_row (group, _("Description"), c->description, FALSE);
  if (c->resolution)
    add_row (group, _("Resolution"), c->resolution, FALSE);

  /* Knowledge articles that fit the case, with "This answered it". */
  row = kefu_kb_suggestions_new (self->db);
  kefu_kb_suggestions_set_case (KEFU_KB_SUGGESTIONS (row), c->id);
  kefu_kb_suggestions_set_text (KEFU_KB_SUGGESTIONS (row), c->subject, c->description, c->kind, FALSE);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
}

static void
add_deadline_row (KefuCasePage *self,
                  GtkWidget    *group,
                  guint         slot,
                  const char   *title,
                  gint64        due,
                  gint64        done_at,
                  const char   *done_text,
                  gint64        now)
{
  KefuCase *c = self->kase;
  g_autofree char *due_text = _kefu_case_format_time (due, TRUE);
  g_autofree char *subtitle = NULL;
  GtkWidget *row;

  if (due == 0 && done_at == 0)
    return;
  if (done_at != 0)
    {
      g_autofree char *done = _kefu_case_format_time (done_at, TRUE);

      if (due != 0 && done_at > due)
        /* Translators: "Responded 2025-06-01 10:00 — due 2025-05-31 18:00, late" */
        subtitle = g_strdup_printf (_("%s %s — due %s, late"), done_text, done, due_text);
      else
        subtitle = g_strdup_printf ("%s %s", done_text, done);
      row = add_row (group, title, subtitle, FALSE);
      add_suffix_label (row, due != 0 && done_at > due ? _("Late") : _("In time"),
                        due != 0 && done_at > due ? KEFU_TIME_LEFT_OVERDUE : KEFU_TIME_LEFT_OK);
      return;
    }

  subtitle = g_strdup_printf (_("Due %s"), due_text);
  row = add_row (group, title, subtitle, FALSE);
  if (kefu_case_status_is_open (c->status))
    {
      KefuTimeLeft state;
      g_autofree char *left = _kefu_case_time_left (self->db, due, c->paused_at != 0 || is_status (self, "waiting"),
                                                    warned_on (self, slot), now, &state);

      if (left)
        {
          self->left_labels[slot] = add_suffix_label (row, left, state);
          self->left_due[slot] = due;
        }
    }
}

/* Ageing: how long the case has been open, and since anything happened
 * on it. Old open cases stand out. */
static void
add_ageing_row (KefuCasePage *self,
                GtkWidget    *group,
                gint64        now)
{
  int open = kefu_case_days_open (self->kase, now);
  int idle = kefu_case_days_idle (self->kase, now);
  g_autofree char *open_text = NULL;
  g_autofree char *idle_text = NULL;
  g_autofree char *text = NULL;
  GtkWidget *row;

  if (self->kase->closed_at)
    open_text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Closed after %d day", "Closed after %d days", open), open);
  else
    open_text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Open for %d day", "Open for %d days", open), open);
  if (idle == 0)
    idle_text = g_strdup (_("last action today"));
  else
    idle_text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "last action %d day ago", "last action %d days ago", idle), idle);
  /* Translators: "Open for 12 days · last action 3 days ago" */
  text = g_strdup_printf (C_("ageing", "%s · %s"), open_text, idle_text);
  row = add_row (group, _("Ageing"), text, FALSE);
  if (kefu_case_status_is_open (self->kase->status) && (open >= 30 || idle >= 7))
    add_suffix_label (row, open >= 30 ? _("Old case") : _("Idle"), KEFU_TIME_LEFT_WARNING);
}

static void
fill_deadlines (KefuCasePage *self,
                gint64        now)
{
  KefuCase *c = self->kase;
  GtkWidget *group = add_group (self->sections, _("Time Limits"));
  g_autofree char *description = NULL;

  if (c->sla_policy_id == NULL && c->first_response_due == 0 && c->resolution_due == 0)
    adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                           _("No service standard applies to this case."));
  else if (is_status (self, "waiting"))
    adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                           _("The clock stands still while the case waits on the customer; the deadlines move when work resumes."));
  else
    adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                           _("Counted in business hours: weekends and public holidays do not count."));

  add_deadline_row (self, group, 0, _("First response"), c->first_response_due, c->first_response_at,
                    _("Responded"), now);
  add_deadline_row (self, group, 1, C_("deadline", "Resolution"), c->resolution_due, c->resolved_at,
                    _("Resolved"), now);

  if (c->escalated)
    {
      GtkWidget *row = add_row (group, _("Escalated"),
                                _("A deadline was missed: the owner and the branch supervisors were notified."), FALSE);

      gtk_widget_add_css_class (row, "sla-escalated");
    }
  else if (c->warned)
    add_row (group, _("Warning"), _("Most of the time for this case has been used."), FALSE);

  if (!is_claim (self))
    add_ageing_row (self, group, now);
}

static void
on_decision_selected_cb (AdwComboRow  *row,
                         GParamSpec   *pspec,
                         KefuCasePage *self)
{
  const char **keys = kefu_claim_decision_keys ();
  guint selected = adw_combo_row_get_selected (row);
  const char *key = selected < g_strv_length ((char **) keys) ? keys[selected] : NULL;

  if (self->amount_row == NULL || self->kase == NULL)
    return;
  if (g_strcmp0 (key, "accept") == 0)
    {
      g_autofree char *money = kefu_format_money (self->kase->claim_amount_cents);

      gtk_editable_set_text (GTK_EDITABLE (self->amount_row), money);
      gtk_widget_set_sensitive (GTK_WIDGET (self->amount_row), FALSE);
    }
  else if (g_strcmp0 (key, "reject") == 0)
    {
      gtk_editable_set_text (GTK_EDITABLE (self->amount_row), "0");
      gtk_widget_set_sensitive (GTK_WIDGET (self->amount_row), FALSE);
    }
  else
    {
      gtk_editable_set_text (GTK_EDITABLE (self->amount_row), "");
      gtk_widget_set_sensitive (GTK_WIDGET (self->amount_row), TRUE);
    }
}

static void
fill_claim_forms (KefuCasePage *self)
{
  KefuCase *c = self->kase;
  GtkWidget *group;

  self->decision_row = NULL;
  self->amount_row = NULL;
  self->decision_note_row = NULL;
  self->payment_date_row = NULL;
  self->payment_ref_row = NULL;

  if (can_decide (self))
    {
      g_autoptr(GtkStringList) model = gtk_string_list_new (NULL);
      const char **keys = kefu_claim_decision_keys ();
      g_autofree char *limit = self->me ? kefu_format_amount (self->me->auth_limit_cents) : NULL;
      g_autofree char *description = NULL;

      group = add_group (self->sections, _("Decide on the Claim"));
      if (limit)
        {
          description = g_strdup_printf (_("Your authorization limit is %s; a compensation above it goes to a supervisor for approval."), limit);
          adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group), description);
        }
      add_action_button (group, _("Record _Decision"), "case.decide", NULL, "suggested-action");

      for (guint i = 0; keys[i]; i++)
        gtk_string_list_append (model, kefu_claim_decision_label (keys[i]));
      self->decision_row = ADW_COMBO_ROW (adw_combo_row_new ());
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->decision_row), _("Decision"));
      adw_combo_row_set_model (self->decision_row, G_LIST_MODEL (model));
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->decision_row));

      self->amount_row = ADW_ENTRY_ROW (adw_entry_row_new ());
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->amount_row), _("Compensation (yuan)"));
      gtk_editable_set_max_width_chars (GTK_EDITABLE (self->amount_row), 12);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->amount_row));

      self->decision_note_row = ADW_ENTRY_ROW (adw_entry_row_new ());
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->decision_note_row),
                                     _("Note (required for a rejection)"));
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->decision_note_row));

      g_signal_connect_object (self->decision_row, "notify::selected", G_CALLBACK (on_decision_selected_cb), self, 0);
      on_decision_selected_cb (self->decision_row, NULL, self);
    }

  if (can_pay (self))
    {
      g_autofree char *today = kefu_local_date_string (kefu_cases_get_now (self->db));
      g_autofree char *amount = kefu_format_amount (c->approved_amount_cents);
      g_autofree char *description = g_strdup_printf (_("The approved compensation of %s is to be paid before the case can be closed."), amount);

      group = add_group (self->sections, _("Payment"));
      adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group), description);
      add_action_button (group, _("Record _Payment"), "case.record-payment", NULL, "suggested-action");

      self->payment_date_row = ADW_ENTRY_ROW (adw_entry_row_new ());
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->payment_date_row), _("Payment date (YYYY-MM-DD)"));
      gtk_editable_set_text (GTK_EDITABLE (self->payment_date_row), today);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->payment_date_row));

      self->payment_ref_row = ADW_ENTRY_ROW (adw_entry_row_new ());
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->payment_ref_row), _("Transfer or voucher number"));
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->payment_ref_row));
    }
}

static void
fill_claim (KefuCasePage *self,
            gint64        now)
{
  KefuCase *c = self->kase;
  GtkWidget *group;
  GtkWidget *row;
  g_autofree char *claimed = kefu_format_amount (c->claim_amount_cents);
  g_autofree char *declared = c->declared_value_cents > 0 ? kefu_format_amount (c->declared_value_cents) : NULL;
  g_autoptr(GPtrArray) files = NULL;

  group = add_group (self->sections, _("Compensation Claim"));
  add_row (group, _("Amount claimed"), claimed, FALSE);
  add_row (group, _("Declared value"), declared ? declared : _("None declared"), FALSE);
  add_row (group, _("Insured"), c->insured ? _("Yes") : _("No"), FALSE);

  if (c->decision == NULL)
    add_row (group, _("Decision"), _("Not decided yet"), FALSE);
  else
    {
      g_autofree char *amount = kefu_format_amount (c->approved_amount_cents);
      g_autofree char *when = _kefu_case_format_time (c->decided_at, TRUE);
      g_autoptr(GString) text = g_string_new (NULL);

      if (g_strcmp0 (c->decision, "reject") == 0)
        g_string_append (text, kefu_claim_decision_label (c->decision));
      else
        /* Translators: claim decision — compensation */
        g_string_append_printf (text, _("%s — compensation %s"), kefu_claim_decision_label (c->decision), amount);
      g_string_append_printf (text, "\n%s · %s", c->decided_by_name ? c->decided_by_name : "—", when);
      if (c->decision_note && *c->decision_note)
        g_string_append_printf (text, "\n%s", c->decision_note);
      add_row (group, _("Decision"), text->str, FALSE);
    }

  if (c->approval_status != NULL)
    {
      g_autoptr(GString) text = g_string_new (kefu_claim_approval_label (c->approval_status));

      if (g_strcmp0 (c->approval_status, "pending") == 0)
        {
          g_autofree char *amount = kefu_format_amount (c->approved_amount_cents);

          g_string_append_c (text, '\n');
          g_string_append_printf (text, _("A supervisor with an authorization limit of at least %s approves or rejects the decision."),
                                  amount);
        }
      else if (c->approver_name)
        {
          g_autofree char *when = _kefu_case_format_time (c->approved_at, TRUE);

          g_string_append_printf (text, "\n%s · %s", c->approver_name, when);
        }
      if (c->approval_note && *c->approval_note)
        g_string_append_printf (text, "\n%s", c->approval_note);
      row = add_row (group, _("Approval"), text->str, FALSE);
      if (can_approve (self))
        {
          add_action_button (row, _("_Reject…"), "case.reject-decision", NULL, "destructive-action");
          add_action_button (row, _("_Approve"), "case.approve", NULL, "suggested-action");
        }
    }

  if (c->payment_date)
    {
      g_autofree char *text = g_strdup_printf (_("%s · reference %s"), c->payment_date, c->payment_ref ? c->payment_ref : "—");

      add_row (group, _("Paid"), text, TRUE);
    }
  else if (can_pay (self))
    add_row (group, _("Paid"), _("Not yet"), FALSE);

  add_ageing_row (self, group, now);

  /* Evidence: photos and files, stored content-addressed. */
  group = add_group (self->sections, _("Evidence"));
  add_action_button (group, _("Add _Evidence…"), "case.add-evidence", NULL, NULL);
  files = kefu_attachments_list (self->db, c->id, NULL);
  if (files == NULL || files->len == 0)
    add_row (group, _("No evidence yet"), _("Add photos of the parcel and its packing, the waybill and receipts."), FALSE);
  for (guint i = 0; files && i < files->len; i++)
    {
      KefuAttachment *a = g_ptr_array_index (files, i);
      g_autofree char *size = g_format_size ((guint64) a->size);
      g_autofree char *when = _kefu_case_format_time (a->created_at, TRUE);
      g_autofree char *sub = g_strdup_printf ("%s · %s", size, when);
      GtkWidget *button;

      row = add_row (group, a->filename, sub, FALSE);
      button = add_action_button (row, NULL, "case.open-attachment", g_variant_new_string (a->id), "flat");
      gtk_button_set_icon_name (GTK_BUTTON (button), "document-open-symbolic");
      gtk_widget_set_tooltip_text (button, _("Open"));
    }

  fill_claim_forms (self);
}

static void
fill_follow_ups (KefuCasePage *self)
{
  g_autoptr(GPtrArray) list = kefu_follow_ups_list_for_case (self->db, self->kase->id, NULL);
  GtkWidget *group;

  if (list == NULL || list->len == 0)
    return;
  group = add_group (self->sections, _("Follow-up Calls"));
  for (guint i = 0; i < list->len; i++)
    {
      KefuFollowUp *f = g_ptr_array_index (list, i);
      g_autofree char *due = _kefu_case_format_time (f->due_at, FALSE);
      g_autofree char *title = g_strdup_printf ("%s — %s", kefu_follow_up_kind_label (f->kind),
                                                follow_up_status_label (f->status));
      g_autoptr(GString) sub = g_string_new (NULL);
      GtkWidget *row;

      g_string_append_printf (sub, _("Due %s"), due);
      if (f->assignee_name)
        g_string_append_printf (sub, " · %s", f->assignee_name);
      if (f->result && *f->result)
        g_string_append_printf (sub, "\n%s", f->result);
      row = add_row (group, title, sub->str, FALSE);
      if (g_strcmp0 (f->status, "open") == 0)
        /* No mnemonic: a case may have several open follow-ups. */
        add_action_button (row, _("Record Result…"), "case.record-follow-up", g_variant_new_string (f->id), NULL);
    }
}

static void
fill_timeline (KefuCasePage *self)
{
  g_autoptr(GPtrArray) events = kefu_cases_timeline (self->db, self->kase->id, NULL);
  GtkWidget *group;

  clear_box (self->timeline_box);
  group = add_group (self->timeline_box, _("Timeline"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group), _("Newest first. Nothing is ever removed."));
  for (guint i = 0; events && i < events->len && i < MAX_TIMELINE_ROWS; i++)
    {
      KefuCaseEvent *e = g_ptr_array_index (events, i);
      g_autofree char *title = kefu_case_event_describe (e);
      g_autofree char *when = _kefu_case_format_time (e->at, TRUE);
      g_autoptr(GString) sub = g_string_new (when);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *icon = gtk_image_new_from_icon_name (event_icon (e->kind));

      g_string_append_printf (sub, " · %s", e->actor_name ? e->actor_name : _("System"));
      /* The created event's body is the subject, shown in the header. */
      if (e->body && *e->body && g_strcmp0 (e->kind, "created") != 0 && g_strcmp0 (e->kind, "attachment") != 0)
        g_string_append_printf (sub, "\n%s", e->body);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), sub->str);
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
      gtk_widget_add_css_class (row, g_strcmp0 (e->kind, "note") == 0 ? "timeline-note" : "timeline-event");
      if (g_strcmp0 (e->kind, "escalated") == 0)
        gtk_widget_add_css_class (icon, "error");
      else if (g_strcmp0 (e->kind, "warned") == 0)
        gtk_widget_add_css_class (icon, "warning");
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
    }
  if (events && events->len > MAX_TIMELINE_ROWS)
    {
      g_autofree char *more = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u older entry is not shown",
                                                            "%u older entries are not shown",
                                                            events->len - MAX_TIMELINE_ROWS),
                                               events->len - MAX_TIMELINE_ROWS);

      add_row (group, more, NULL, FALSE);
    }
}

/* Only the actions that the status allows are shown (the lifecycle in
 * kefu_case_check_transition() decides); a shown action that something
 * else blocks (the assignee, a claim's decision) is insensitive, its
 * tooltip saying why. */
static void
set_action (KefuCasePage *self,
            const char   *action,
            GtkWidget    *button,
            gboolean      shown,
            gboolean      enabled,
            const char   *why_not,
            const char   *what)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), action, shown && enabled);
  if (button)
    {
      gtk_widget_set_visible (button, shown);
      gtk_widget_set_tooltip_text (button, enabled ? what : why_not);
    }
}

static gboolean
allows (KefuCase   *c,
        const char *to)
{
  return kefu_case_check_transition (c->status, to, NULL);
}

static char *
transition_error (KefuCase   *c,
                  const char *to)
{
  g_autoptr(GError) error = NULL;

  if (kefu_case_check_transition (c->status, to, &error))
    return NULL;
  return g_strdup (error->message);
}

static char *
claim_blocks_resolve (KefuCase *c)
{
  if (g_strcmp0 (c->kind, "claim") != 0)
    return NULL;
  if (c->decision == NULL)
    return g_strdup (_("Record the claim decision before resolving the claim."));
  if (g_strcmp0 (c->approval_status, "pending") == 0)
    return g_strdup (_("The claim decision is waiting for a supervisor’s approval."));
  if (g_strcmp0 (c->approval_status, "rejected") == 0)
    return g_strdup (_("The supervisor rejected the claim decision: record a new decision first."));
  return NULL;
}

static void
update_actions (KefuCasePage *self)
{
  KefuCase *c = self->kase;
  gboolean have = c != NULL;
  gboolean open = have && kefu_case_status_is_open (c->status);
  const char *me = my_id (self);
  g_autofree char *why = NULL;

  if (!have)
    {
      const char *actions[] = { "case.take", "case.assign", "case.start", "case.wait", "case.resolve",
                                "case.close", "case.reopen", "case.log-contact", "case.add-evidence",
                                "case.decide", "case.approve", "case.reject-decision", "case.record-payment",
                                "case.show-customer", "case.copy-number" };

      for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
        gtk_widget_action_set_enabled (GTK_WIDGET (self), actions[i], FALSE);
      return;
    }

  /* Take */
  if (!is_status (self, "new") && !is_status (self, "assigned"))
    why = g_strdup_printf (_("Only a new or assigned case can be taken; this one is “%s”."),
                           kefu_case_status_label (c->status));
  else if (c->assignee_id != NULL && g_strcmp0 (c->assignee_id, me) != 0)
    why = g_strdup_printf (_("This case is assigned to %s. Ask them or a supervisor to transfer it to you."),
                           c->assignee_name ? c->assignee_name : "?");
  else if (me == NULL)
    why = g_strdup (_("Sign in to take a case."));
  set_action (self, "case.take", self->take_button, is_status (self, "new") || is_status (self, "assigned"), why == NULL, why,
              _("Take the case: it is assigned to you and work starts"));
  g_clear_pointer (&why, g_free);

  /* Assign / Transfer */
  gtk_button_set_label (self->assign_button, is_status (self, "new") ? _("_Assign…") : _("Tra_nsfer…"));
  if (!open)
    why = g_strdup_printf (_("Reopen the case before handing it on: it is “%s”."), kefu_case_status_label (c->status));
  set_action (self, "case.assign", GTK_WIDGET (self->assign_button), open, why == NULL, why,
              is_status (self, "new") ? _("Route the case to a department or a person")
                                      : _("Hand the case on to a department or a person, with a note"));
  g_clear_pointer (&why, g_free);

  /* Start / Resume */
  gtk_button_set_label (self->start_button, is_status (self, "waiting") ? _("Re_sume") : _("_Start"));
  if (is_status (self, "new"))
    why = g_strdup (_("Take the case or assign it before working on it."));
  else if (is_status (self, "assigned") && c->assignee_id != NULL && g_strcmp0 (c->assignee_id, me) != 0)
    why = g_strdup_printf (_("This case is assigned to %s. Ask them or a supervisor to transfer it to you."),
                           c->assignee_name ? c->assignee_name : "?");
  else if (is_status (self, "in_progress"))
    why = g_strdup (_("Work on this case has already started."));
  else if (!open)
    why = g_strdup (_("Reopen the case to work on it again."));
  set_action (self, "case.start", GTK_WIDGET (self->start_button), open && !is_status (self, "new") && allows (c, "in_progress"), why == NULL, why,
              is_status (self, "waiting") ? _("The customer answered: the clock runs again")
                                          : _("Start working on the case"));
  g_clear_pointer (&why, g_free);

  /* Wait on the customer */
  why = transition_error (c, "waiting");
  if (why == NULL && !is_status (self, "in_progress") && !is_status (self, "assigned"))
    why = g_strdup (_("Only a case being worked on can wait on the customer."));
  set_action (self, "case.wait", self->wait_button, allows (c, "waiting"), why == NULL, why,
              _("Wait for the customer’s answer; the clock stops meanwhile"));
  g_clear_pointer (&why, g_free);

  /* Resolve */
  why = transition_error (c, "resolved");
  if (why == NULL)
    why = claim_blocks_resolve (c);
  set_action (self, "case.resolve", self->resolve_button, allows (c, "resolved"), why == NULL, why,
              _("Record what was done for the customer"));
  g_clear_pointer (&why, g_free);

  /* Close */
  why = transition_error (c, "closed");
  if (why == NULL && is_claim (self) && c->decision != NULL && c->approved_amount_cents > 0 && c->payment_date == NULL)
    why = g_strdup (_("Record the payment of the approved compensation before closing the claim."));
  set_action (self, "case.close", self->close_button, allows (c, "closed"), why == NULL, why,
              _("Close the case; a follow-up call is planned"));
  g_clear_pointer (&why, g_free);

  /* Reopen */
  if (open)
    why = g_strdup (_("Only a resolved or closed case can be reopened."));
  set_action (self, "case.reopen", self->reopen_button, !open && allows (c, "in_progress"), why == NULL, why,
              _("Open the case again, saying why"));
  g_clear_pointer (&why, g_free);

  /* The next step of the lifecycle stands out. */
  {
    GtkWidget *steps[] = { self->take_button, GTK_WIDGET (self->start_button), self->resolve_button, self->close_button };
    GtkWidget *next = NULL;

    for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
      gtk_widget_remove_css_class (steps[i], "suggested-action");
    if (is_status (self, "new"))
      next = self->take_button;
    else if (is_status (self, "assigned"))
      next = c->assignee_id == NULL || g_strcmp0 (c->assignee_id, me) == 0 ? GTK_WIDGET (self->start_button) : NULL;
    else if (is_status (self, "waiting"))
      next = GTK_WIDGET (self->start_button);
    else if (is_status (self, "in_progress"))
      next = self->resolve_button;
    else if (is_status (self, "resolved"))
      next = self->close_button;
    if (next && gtk_widget_is_sensitive (next))
      gtk_widget_add_css_class (next, "suggested-action");
  }

  gtk_widget_set_sensitive (GTK_WIDGET (self->priority_dropdown), open);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->priority_dropdown),
                               open ? _("A new priority recomputes the deadlines from the service standard")
                                    : _("Reopen the case before changing its priority."));

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "case.log-contact", TRUE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "case.show-customer", c->customer_id != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "case.copy-number", TRUE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "case.add-evidence", is_claim (self));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "case.decide", can_decide (self));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "case.approve", can_approve (self));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "case.reject-decision", can_approve (self));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "case.record-payment", can_pay (self));
}

static void
fill (KefuCasePage *self)
{
  gint64 now = kefu_cases_get_now (self->db);

  g_clear_pointer (&self->me, kefu_staff_free);
  self->me = kefu_org_get_current_user (self->db);

  fill_header (self);
  self->left_labels[0] = self->left_labels[1] = NULL;
  clear_box (self->sections);
  fill_details (self);
  fill_deadlines (self, now);
  if (is_claim (self))
    fill_claim (self, now);
  fill_follow_ups (self);
  fill_timeline (self);
  update_actions (self);
}

/* After a successful write: read the case again, let the view follow and
 * say what happened. */
static void
written (KefuCasePage *self,
         const char   *message)
{
  kefu_case_page_reload (self);
  g_signal_emit (self, signals[CHANGED], 0);
  if (message)
    kefu_toast (GTK_WIDGET (self), message);
}

static gboolean
check_write (KefuCasePage *self,
             gboolean      ok,
             GError       *error,
             const char   *message)
{
  if (!ok)
    {
      kefu_toast_error (GTK_WIDGET (self), error);
      /* A refusal of what was typed keeps the forms as they are; a case
       * changed or removed elsewhere meanwhile is read again. */
      if (!g_error_matches (error, KEFU_ERROR, KEFU_ERROR_INVALID) &&
          !g_error_matches (error, KEFU_ERROR, KEFU_ERROR_PERMISSION))
        {
          kefu_case_page_reload (self);
          g_signal_emit (self, signals[CHANGED], 0);
        }
      return FALSE;
    }
  written (self, message);
  return TRUE;
}

/* --- dialogs --------------------------------------------------------- */

static GtkWidget *
text_input_new (GtkTextBuffer **buffer_out,
                int             min_height)
{
  GtkWidget *frame = gtk_frame_new (NULL);
  GtkWidget *scroller = gtk_scrolled_window_new ();
  GtkWidget *view = gtk_text_view_new ();

  gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (view), GTK_WRAP_WORD_CHAR);
  gtk_text_view_set_accepts_tab (GTK_TEXT_VIEW (view), FALSE);
  gtk_text_view_set_top_margin (GTK_TEXT_VIEW (view), 6);
  gtk_text_view_set_bottom_margin (GTK_TEXT_VIEW (view), 6);
  gtk_text_view_set_left_margin (GTK_TEXT_VIEW (view), 6);
  gtk_text_view_set_right_margin (GTK_TEXT_VIEW (view), 6);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_min_content_height (GTK_SCROLLED_WINDOW (scroller), min_height);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), view);
  gtk_frame_set_child (GTK_FRAME (frame), scroller);
  *buffer_out = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
  return frame;
}

static char *
buffer_text (GtkTextBuffer *buffer)
{
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static GtkWidget *
field_label (const char *text,
             GtkWidget  *mnemonic_widget)
{
  GtkWidget *label = gtk_label_new_with_mnemonic (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "heading");
  if (mnemonic_widget)
    gtk_label_set_mnemonic_widget (GTK_LABEL (label), mnemonic_widget);
  return label;
}

static AdwMessageDialog *
new_dialog (KefuCasePage *self,
            const char   *heading,
            const char   *body,
            const char   *response_label,
            gboolean      destructive)
{
  GtkWidget *dialog = adw_message_dialog_new (parent_window (self), heading, body);

  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "ok", response_label,
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "ok",
                                              destructive ? ADW_RESPONSE_DESTRUCTIVE : ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "ok");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  return ADW_MESSAGE_DIALOG (dialog);
}

/* A write that takes the case and one text (note, reason, resolution). */
typedef gboolean (*TextWrite) (KefuDb      *db,
                               const char  *case_id,
                               const char  *text,
                               GError     **error);

typedef struct
{
  KefuCasePage  *self;
  char          *case_id;
  TextWrite      write;
  GtkTextBuffer *buffer;
  gboolean       required;
  char          *done_message;
} TextPrompt;

static void
text_prompt_free (gpointer data)
{
  TextPrompt *p = data;

  g_object_unref (p->self);
  g_free (p->case_id);
  g_free (p->done_message);
  g_free (p);
}

static void
text_prompt_changed_cb (GtkTextBuffer    *buffer,
                        AdwMessageDialog *dialog)
{
  TextPrompt *p = g_object_get_data (G_OBJECT (dialog), "prompt");
  g_autofree char *text = buffer_text (buffer);

  adw_message_dialog_set_response_enabled (dialog, "ok", !p->required || !kefu_text_is_blank (text));
}

static void
text_prompt_response_cb (AdwMessageDialog *dialog,
                         const char       *response,
                         gpointer          user_data)
{
  TextPrompt *p = g_object_get_data (G_OBJECT (dialog), "prompt");
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  gboolean ok;

  if (g_strcmp0 (response, "ok") != 0)
    return;
  text = g_strstrip (buffer_text (p->buffer));
  ok = p->write (p->self->db, p->case_id, *text ? text : NULL, &error);
  check_write (p->self, ok, error, p->done_message);
}

static void
ask_text (KefuCasePage *self,
          const char   *heading,
          const char   *body,
          const char   *field,
          const char   *response_label,
          gboolean      required,
          gboolean      destructive,
          TextWrite     write,
          const char   *done_message)
{
  AdwMessageDialog *dialog = new_dialog (self, heading, body, response_label, destructive);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  TextPrompt *p = g_new0 (TextPrompt, 1);
  GtkWidget *input;

  p->self = g_object_ref (self);
  p->case_id = g_strdup (self->kase->id);
  p->write = write;
  p->required = required;
  p->done_message = g_strdup (done_message);
  input = text_input_new (&p->buffer, 100);
  gtk_box_append (GTK_BOX (box), field_label (field, gtk_frame_get_child (GTK_FRAME (input))));
  gtk_box_append (GTK_BOX (box), input);
  adw_message_dialog_set_extra_child (dialog, box);
  g_object_set_data_full (G_OBJECT (dialog), "prompt", p, text_prompt_free);
  adw_message_dialog_set_response_enabled (dialog, "ok", !required);

  g_signal_connect_object (p->buffer, "changed", G_CALLBACK (text_prompt_changed_cb), dialog, 0);
  g_signal_connect (dialog, "response", G_CALLBACK (text_prompt_response_cb), NULL);
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (gtk_frame_get_child (GTK_FRAME (input)))));
}

/* Routing: a department and/or a person, and a note. */
typedef struct
{
  KefuCasePage  *self;
  char          *case_id;
  gboolean       first;
  GtkDropDown   *department;
  GtkDropDown   *person;
  GtkTextBuffer *buffer;
  GPtrArray     *departments;   /* KefuNamedId, items 1.. of the dropdown */
  GPtrArray     *people;        /* KefuNamedId, items 1.. of the dropdown */
} AssignPrompt;

static void
assign_prompt_free (gpointer data)
{
  AssignPrompt *p = data;

  g_object_unref (p->self);
  g_free (p->case_id);
  g_clear_pointer (&p->departments, g_ptr_array_unref);
  g_clear_pointer (&p->people, g_ptr_array_unref);
  g_free (p);
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

static void
assign_prompt_validate (AdwMessageDialog *dialog)
{
  AssignPrompt *p = g_object_get_data (G_OBJECT (dialog), "prompt");
  g_autofree char *note = buffer_text (p->buffer);
  gboolean someone = chosen_id (p->department, p->departments) || chosen_id (p->person, p->people);

  adw_message_dialog_set_response_enabled (dialog, "ok", someone && (p->first || !kefu_text_is_blank (note)));
}

static void
fill_people (AssignPrompt *p)
{
  g_autoptr(GtkStringList) model = gtk_string_list_new (NULL);
  const char *department = chosen_id (p->department, p->departments);

  g_clear_pointer (&p->people, g_ptr_array_unref);
  p->people = _kefu_list_office_staff (p->self->db, department);
  gtk_string_list_append (model, department ? _("Anyone in the department") : _("Nobody in particular"));
  for (guint i = 0; i < p->people->len; i++)
    gtk_string_list_append (model, ((KefuNamedId *) g_ptr_array_index (p->people, i))->name);
  gtk_drop_down_set_model (p->person, G_LIST_MODEL (model));
  gtk_drop_down_set_selected (p->person, 0);
}

static void
assign_department_changed_cb (GtkDropDown      *dropdown,
                              GParamSpec       *pspec,
                              AdwMessageDialog *dialog)
{
  AssignPrompt *p = g_object_get_data (G_OBJECT (dialog), "prompt");

  fill_people (p);
  assign_prompt_validate (dialog);
}

static void
assign_changed_cb (GObject          *object,
                   GParamSpec       *pspec,
                   AdwMessageDialog *dialog)
{
  assign_prompt_validate (dialog);
}

static void
assign_note_changed_cb (GtkTextBuffer    *buffer,
                        AdwMessageDialog *dialog)
{
  assign_prompt_validate (dialog);
}

static void
assign_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    gpointer          user_data)
{
  AssignPrompt *p = g_object_get_data (G_OBJECT (dialog), "prompt");
  g_autoptr(GError) error = NULL;
  g_autofree char *note = NULL;
  gboolean ok;

  if (g_strcmp0 (response, "ok") != 0)
    return;
  note = g_strstrip (buffer_text (p->buffer));
  ok = kefu_cases_assign (p->self->db, p->case_id, chosen_id (p->department, p->departments),
                          chosen_id (p->person, p->people), *note ? note : NULL, &error);
  check_write (p->self, ok, error, p->first ? _("Case assigned") : _("Case transferred"));
}

static void
ask_assign (KefuCasePage *self)
{
  KefuCase *c = self->kase;
  gboolean first = is_status (self, "new");
  g_autofree char *body = NULL;
  AdwMessageDialog *dialog;
  AssignPrompt *p = g_new0 (AssignPrompt, 1);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  g_autoptr(GtkStringList) departments = gtk_string_list_new (NULL);
  GtkWidget *input;

  if (first)
    body = g_strdup (_("Route the case to a department, a person, or both."));
  else
    body = g_strdup_printf (_("%s stays accountable for the case as its first contact. Say why it is handed on, so that the next person knows the story."),
                            c->owner_name ? c->owner_name : _("The first contact"));
  dialog = new_dialog (self, first ? _("Assign Case") : _("Transfer Case"), body,
                       first ? _("_Assign") : _("_Transfer"), FALSE);

  p->self = g_object_ref (self);
  p->case_id = g_strdup (c->id);
  p->first = first;
  p->departments = _kefu_list_departments (self->db);
  gtk_string_list_append (departments, _("Keep the department"));
  for (guint i = 0; i < p->departments->len; i++)
    gtk_string_list_append (departments, ((KefuNamedId *) g_ptr_array_index (p->departments, i))->name);
  p->department = GTK_DROP_DOWN (gtk_drop_down_new (G_LIST_MODEL (g_steal_pointer (&departments)), NULL));
  p->person = GTK_DROP_DOWN (gtk_drop_down_new (NULL, NULL));
  gtk_drop_down_set_enable_search (p->person, TRUE);
  input = text_input_new (&p->buffer, 80);

  gtk_box_append (GTK_BOX (box), field_label (_("_Department"), GTK_WIDGET (p->department)));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (p->department));
  gtk_box_append (GTK_BOX (box), field_label (_("_Person"), GTK_WIDGET (p->person)));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (p->person));
  gtk_box_append (GTK_BOX (box), field_label (first ? _("_Note (optional)") : _("_Note"),
                                              gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (gtk_frame_get_child (GTK_FRAME (input))))));
  gtk_box_append (GTK_BOX (box), input);
  adw_message_dialog_set_extra_child (dialog, box);
  g_object_set_data_full (G_OBJECT (dialog), "prompt", p, assign_prompt_free);

  fill_people (p);
  assign_prompt_validate (dialog);
  g_signal_connect_object (p->department, "notify::selected", G_CALLBACK (assign_department_changed_cb), dialog, 0);
  g_signal_connect_object (p->person, "notify::selected", G_CALLBACK (assign_changed_cb), dialog, 0);
  g_signal_connect_object (p->buffer, "changed", G_CALLBACK (assign_note_changed_cb), dialog, 0);
  g_signal_connect (dialog, "response", G_CALLBACK (assign_response_cb), NULL);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* A contact with the customer: medium, direction, what was said. */
typedef struct
{
  KefuCasePage  *self;
  char          *case_id;
  GtkDropDown   *medium;
  GtkDropDown   *direction;
  GtkTextBuffer *buffer;
} ContactPrompt;

static void
contact_prompt_free (gpointer data)
{
  ContactPrompt *p = data;

  g_object_unref (p->self);
  g_free (p->case_id);
  g_free (p);
}

static void
contact_changed_cb (GtkTextBuffer    *buffer,
                    AdwMessageDialog *dialog)
{
  g_autofree char *text = buffer_text (buffer);

  adw_message_dialog_set_response_enabled (dialog, "ok", !kefu_text_is_blank (text));
}

static void
contact_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     gpointer          user_data)
{
  ContactPrompt *p = g_object_get_data (G_OBJECT (dialog), "prompt");
  const char **media = kefu_contact_medium_keys ();
  guint medium = gtk_drop_down_get_selected (p->medium);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  gboolean ok;

  if (g_strcmp0 (response, "ok") != 0)
    return;
  text = g_strstrip (buffer_text (p->buffer));
  ok = kefu_cases_add_contact (p->self->db, p->case_id,
                               medium < g_strv_length ((char **) media) ? media[medium] : NULL,
                               gtk_drop_down_get_selected (p->direction) == 0 ? "in" : "out",
                               text, &error);
  check_write (p->self, ok, error, _("Contact recorded"));
}

static void
ask_contact (KefuCasePage *self)
{
  AdwMessageDialog *dialog = new_dialog (self, _("Log Contact"),
                                         _("A call, message or visit with the customer, on the case’s timeline."),
                                         _("_Log"), FALSE);
  ContactPrompt *p = g_new0 (ContactPrompt, 1);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  g_autoptr(GtkStringList) media = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) directions = gtk_string_list_new (NULL);
  const char **keys = kefu_contact_medium_keys ();
  GtkWidget *input;

  for (guint i = 0; keys[i]; i++)
    gtk_string_list_append (media, kefu_contact_medium_label (keys[i]));
  gtk_string_list_append (directions, _("The customer contacted us"));
  gtk_string_list_append (directions, _("We contacted the customer"));

  p->self = g_object_ref (self);
  p->case_id = g_strdup (self->kase->id);
  p->medium = GTK_DROP_DOWN (gtk_drop_down_new (G_LIST_MODEL (g_steal_pointer (&media)), NULL));
  p->direction = GTK_DROP_DOWN (gtk_drop_down_new (G_LIST_MODEL (g_steal_pointer (&directions)), NULL));
  gtk_drop_down_set_selected (p->direction, 1);
  input = text_input_new (&p->buffer, 100);

  gtk_box_append (GTK_BOX (box), field_label (_("_How"), GTK_WIDGET (p->medium)));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (p->medium));
  gtk_box_append (GTK_BOX (box), field_label (_("_Who called whom"), GTK_WIDGET (p->direction)));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (p->direction));
  gtk_box_append (GTK_BOX (box), field_label (_("_What was said"),
                                              gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (gtk_frame_get_child (GTK_FRAME (input))))));
  gtk_box_append (GTK_BOX (box), input);
  adw_message_dialog_set_extra_child (dialog, box);
  adw_message_dialog_set_response_enabled (dialog, "ok", FALSE);
  g_object_set_data_full (G_OBJECT (dialog), "prompt", p, contact_prompt_free);

  g_signal_connect_object (p->buffer, "changed", G_CALLBACK (contact_changed_cb), dialog, 0);
  g_signal_connect (dialog, "response", G_CALLBACK (contact_response_cb), NULL);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* The result of a follow-up call: satisfaction, likelihood to recommend
 * and a comment. */
typedef struct
{
  KefuCasePage  *self;
  char          *follow_up_id;
  GtkDropDown   *satisfaction;
  GtkDropDown   *nps;
  GtkTextBuffer *buffer;
} FollowUpPrompt;

static void
follow_up_prompt_free (gpointer data)
{
  FollowUpPrompt *p = data;

  g_object_unref (p->self);
  g_free (p->follow_up_id);
  g_free (p);
}

static void
follow_up_changed_cb (GObject          *object,
                      GParamSpec       *pspec,
                      AdwMessageDialog *dialog)
{
  FollowUpPrompt *p = g_object_get_data (G_OBJECT (dialog), "prompt");

  adw_message_dialog_set_response_enabled (dialog, "ok",
                                           gtk_drop_down_get_selected (p->satisfaction) > 0 &&
                                           gtk_drop_down_get_selected (p->nps) > 0);
}

static void
follow_up_response_cb (AdwMessageDialog *dialog,
                       const char       *response,
                       gpointer          user_data)
{
  FollowUpPrompt *p = g_object_get_data (G_OBJECT (dialog), "prompt");
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  gboolean ok;

  if (g_strcmp0 (response, "ok") != 0)
    return;
  text = g_strstrip (buffer_text (p->buffer));
  /* Item 0 is "choose"; satisfaction items 1–5, NPS items 1–11 = 0–10. */
  ok = kefu_follow_ups_record (p->self->db, p->follow_up_id,
                               (gint) gtk_drop_down_get_selected (p->satisfaction),
                               (gint) gtk_drop_down_get_selected (p->nps) - 1,
                               *text ? text : NULL, &error);
  check_write (p->self, ok, error, _("Follow-up call recorded"));
}

static void
ask_follow_up (KefuCasePage *self,
               const char   *follow_up_id)
{
  AdwMessageDialog *dialog = new_dialog (self, _("Follow-up Call"),
                                         _("Ask the customer how satisfied they are with how the case was handled."),
                                         _("_Record"), FALSE);
  FollowUpPrompt *p = g_new0 (FollowUpPrompt, 1);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  g_autoptr(GtkStringList) scores = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) nps = gtk_string_list_new (NULL);
  const char *satisfaction[] = {
    N_("1 — Very dissatisfied"), N_("2 — Dissatisfied"), N_("3 — Neutral"),
    N_("4 — Satisfied"), N_("5 — Very satisfied"),
  };
  GtkWidget *input;

  gtk_string_list_append (scores, _("Choose…"));
  for (guint i = 0; i < G_N_ELEMENTS (satisfaction); i++)
    gtk_string_list_append (scores, _(satisfaction[i]));
  gtk_string_list_append (nps, _("Choose…"));
  for (guint i = 0; i <= 10; i++)
    {
      g_autofree char *item = NULL;

      if (i == 0)
        item = g_strdup (_("0 — Not at all likely"));
      else if (i == 10)
        item = g_strdup (_("10 — Extremely likely"));
      else
        item = g_strdup_printf ("%u", i);
      gtk_string_list_append (nps, item);
    }

  p->self = g_object_ref (self);
  p->follow_up_id = g_strdup (follow_up_id);
  p->satisfaction = GTK_DROP_DOWN (gtk_drop_down_new (G_LIST_MODEL (g_steal_pointer (&scores)), NULL));
  p->nps = GTK_DROP_DOWN (gtk_drop_down_new (G_LIST_MODEL (g_steal_pointer (&nps)), NULL));
  input = text_input_new (&p->buffer, 80);

  gtk_box_append (GTK_BOX (box), field_label (_("_Satisfaction"), GTK_WIDGET (p->satisfaction)));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (p->satisfaction));
  gtk_box_append (GTK_BOX (box), field_label (_("_Likelihood to recommend us"), GTK_WIDGET (p->nps)));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (p->nps));
  gtk_box_append (GTK_BOX (box), field_label (_("_Comment (optional)"),
                                              gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (gtk_frame_get_child (GTK_FRAME (input))))));
  gtk_box_append (GTK_BOX (box), input);
  adw_message_dialog_set_extra_child (dialog, box);
  adw_message_dialog_set_response_enabled (dialog, "ok", FALSE);
  g_object_set_data_full (G_OBJECT (dialog), "prompt", p, follow_up_prompt_free);

  g_signal_connect_object (p->satisfaction, "notify::selected", G_CALLBACK (follow_up_changed_cb), dialog, 0);
  g_signal_connect_object (p->nps, "notify::selected", G_CALLBACK (follow_up_changed_cb), dialog, 0);
  g_signal_connect (dialog, "response", G_CALLBACK (follow_up_response_cb), NULL);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* --- signal callbacks ------------------------------------------------ */

static void
on_note_apply_cb (KefuCasePage *self)
{
  g_autoptr(GError) error = NULL;
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->note_row));
  gboolean ok;

  if (self->kase == NULL || kefu_text_is_blank (text))
    return;
  ok = kefu_cases_add_note (self->db, self->kase->id, text, &error);
  if (ok)
    gtk_editable_set_text (GTK_EDITABLE (self->note_row), "");
  check_write (self, ok, error, NULL);
}

static void
on_priority_selected_cb (KefuCasePage *self)
{
  const char **keys = kefu_case_priority_keys ();
  guint selected = gtk_drop_down_get_selected (self->priority_dropdown);
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (self->updating || self->kase == NULL || selected >= g_strv_length ((char **) keys) ||
      g_strcmp0 (keys[selected], self->kase->priority) == 0)
    return;
  ok = kefu_cases_set_priority (self->db, self->kase->id, keys[selected], NULL, &error);
  check_write (self, ok, error, _("Priority changed; the deadlines follow the service standard"));
}

static void
evidence_chosen_cb (GtkNativeDialog *chooser,
                    int              response,
                    KefuCasePage    *self)
{
  g_autoptr(GListModel) files = NULL;
  guint n_added = 0;

  if (response != GTK_RESPONSE_ACCEPT || self->kase == NULL)
    {
      g_object_unref (chooser);
      return;
    }
  files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (chooser));
  for (guint i = 0; i < g_list_model_get_n_items (files); i++)
    {
      g_autoptr(GFile) file = g_list_model_get_item (files, i);
      g_autofree char *path = g_file_get_path (file);
      g_autoptr(KefuAttachment) a = NULL;
      g_autoptr(GError) error = NULL;

      if (path == NULL)
        continue;
      a = kefu_attachments_add (self->db, self->kase->id, path, &error);
      if (a == NULL)
        {
          kefu_toast_error (GTK_WIDGET (self), error);
          continue;
        }
      n_added++;
    }
  g_object_unref (chooser);
  if (n_added > 0)
    {
      g_autofree char *message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u file added as evidence",
                                                               "%u files added as evidence", n_added),
                                                  n_added);

      written (self, message);
    }
}

/* --- actions --------------------------------------------------------- */

static void
take_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  KefuCasePage *self = KEFU_CASE_PAGE (widget);
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (self->kase == NULL)
    return;
  ok = kefu_cases_take (self->db, self->kase->id, &error);
  check_write (self, ok, error, _("You took the case"));
}

static void
assign_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  KefuCasePage *self = KEFU_CASE_PAGE (widget);

  if (self->kase)
    ask_assign (self);
}

static void
start_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *param)
{
  KefuCasePage *self = KEFU_CASE_PAGE (widget);
  gboolean resuming = is_status (self, "waiting");
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (self->kase == NULL)
    return;
  ok = kefu_cases_start (self->db, self->kase->id, &error);
  check_write (self, ok, error, resuming ? _("Work resumed; the deadlines moved by the time spent waiting")
                                         : _("Work started"));
}

static void
wait_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  KefuCasePage *self = KEFU_CASE_PAGE (widget);

  if (self->kase)
    ask_text (self, _("Wait on the Customer"),
              _("The clock of the time limits stops until work resumes."),
              _("_What are we waiting for?"), _("_Wait"), TRUE, FALSE,
              kefu_cases_wait, _("Waiting on the customer; the clock stopped"));
}

static void
resolve_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  KefuCasePage *self = KEFU_CASE_PAGE (widget);

  if (self->kase)
    ask_text (self, _("Resolve Case"),
              _("Nothing can be closed without a resolution. Describe what was done for the customer."),
              _("_Resolution"), _("_Resolve"), TRUE, FALSE,
              kefu_cases_resolve, _("Case resolved"));
}

static void
close_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *param)
{
  KefuCasePage *self = KEFU_CASE_PAGE (widget);
  guint days = follow_up_days (self);
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  gboolean ok;

  if (self->kase == NULL)
    return;
  if (days == 0)
    message = g_strdup (_("Case closed; the follow-up call is due today"));
  else
    message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                            "Case closed; the follow-up call is due in %u day",
                                            "Case closed; the follow-up call is due in %u days", days),
                               days);
  ok = kefu_cases_close (self->db, self->kase->id, days, &error);
  check_write (self, ok, error, message);
}

static void
reopen_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  KefuCasePage *self = KEFU_CASE_PAGE (widget);

  if (self->kase)
    ask_text (self, _("Reopen Case"),
              _("The case goes back to work; an open follow-up call is cancelled."),
              _("_Why is it reopened?"), _("Re_open"), TRUE, FALSE,
              kefu_cases_reopen, _("Case reopened"));
}

static void
log_contact_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  KefuCasePage *self = KEFU_CASE_PAGE (widget);

  if (self->kase)
    ask_contact (self);
}

static void
add_evidence_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *param)
{
  KefuCasePage *self = KEFU_CASE_PAGE (widget);
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) images = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) all = gtk_file_filter_new ();

  if (self->kase == NULL)
    return;
  chooser = gtk_file_chooser_native_new (_("Add Evidence"), parent_window (self),
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Add"), _("_Cancel"));
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (chooser), TRUE);
  gtk_file_filter_set_name (images, _("Photos and documents"));
  gtk_file_filter_add_mime_type (images, "image/*");
  gtk_file_filter_add_mime_type (images, "application/pdf");
  gtk_file_filter_set_name (all, _("All files"));
  gtk_file_filter_add_pattern (all, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), images);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), all);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect_object (chooser, "response", G_CALLBACK (evidence_chosen_cb), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
open_attachment_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *param)
{
  KefuCasePage *self = KEFU_CASE_PAGE (widget);
  const char *id = g_variant_get_string (param, NULL);
  g_autoptr(GPtrArray) files = NULL;

  if (self->kase == NULL)
    return;
  files = kefu_attachments_list (self->db, self->kase->id, NULL);
  for (guint i = 0; files && i < files->len; i++)
    {
      KefuAttachment *a = g_ptr_array_index (files, i);

      if (g_strcmp0 (a->id, id) == 0)
        {
          g_autofree char *path = kefu_attachments_get_path (self->db, a->sha256);
          g_autofree char *uri = g_filename_to_uri (path, NULL, NULL);

          if (uri == NULL || !g_file_test (path, G_FILE_TEST_EXISTS))
            {
              g_autoptr(GError) error = g_error_new (KEFU_ERROR, KEFU_ERROR_IO,
                                                     _("The file “%s” is missing from the attachment store."),
                                                     a->filename);

              kefu_toast_error (widget, error);
              return;
            }
          gtk_show_uri (parent_window (self), uri, GDK_CURRENT_TIME);
          return;
        }
    }
}

static void
decide_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  KefuCasePage *self = KEFU_CASE_PAGE (widget);
  const char **keys = kefu_claim_decision_keys ();
  g_autoptr(GError) error = NULL;
  const char *decision;
  const char *amount_text;
  const char *note;
  gint64 cents = 0;
  guint selected;
  gboolean ok;

  if (self->kase == NULL || self->decision_row == NULL)
    return;
  selected = adw_combo_row_get_selected (self->decision_row);
  decision = selected < g_strv_length ((char **) keys) ? keys[selected] : NULL;
  amount_text = gtk_editable_get_text (GTK_EDITABLE (self->amount_row));
  note = gtk_editable_get_text (GTK_EDITABLE (self->decision_note_row));
  if (g_strcmp0 (decision, "reject") != 0 && !kefu_parse_money (amount_text, &cents))
    {
      g_set_error (&error, KEFU_ERROR, KEFU_ERROR_INVALID,
                   _("Enter the compensation in yuan, such as 120.50."));
      kefu_toast_error (widget, error);
      gtk_widget_grab_focus (GTK_WIDGET (self->amount_row));
      return;
    }
  ok = kefu_claims_decide (self->db, self->kase->id, decision, cents, kefu_text_is_blank (note) ? NULL : note, &error);
  if (ok)
    {
      g_autoptr(KefuCase) after = kefu_cases_get (self->db, self->kase->id, NULL);

      check_write (self, TRUE, NULL,
                   after && g_strcmp0 (after->approval_status, "pending") == 0
                   ? _("Above your authorization limit: the decision goes to a supervisor for approval")
                   : _("Claim decision recorded"));
      return;
    }
  check_write (self, FALSE, error, NULL);
}

static void
approve_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  KefuCasePage *self = KEFU_CASE_PAGE (widget);
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (self->kase == NULL)
    return;
  ok = kefu_claims_approve (self->db, self->kase->id, NULL, &error);
  check_write (self, ok, error, _("Claim decision approved"));
}

static void
reject_decision_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *param)
{
  KefuCasePage *self = KEFU_CASE_PAGE (widget);

  if (self->kase)
    ask_text (self, _("Reject Claim Decision"),
              _("The handler records a new decision. Say why this one is rejected."),
              _("_Reason"), _("_Reject"), TRUE, TRUE,
              kefu_claims_reject, _("Claim decision rejected"));
}

static void
record_payment_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *param)
{
  KefuCasePage *self = KEFU_CASE_PAGE (widget);
  g_autoptr(GError) error = NULL;
  g_autofree char *date = NULL;
  gboolean ok;

  if (self->kase == NULL || self->payment_date_row == NULL)
    return;
  date = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->payment_date_row))));
  ok = kefu_claims_record_payment (self->db, self->kase->id, date,
                                   gtk_editable_get_text (GTK_EDITABLE (self->payment_ref_row)), &error);
  check_write (self, ok, error, _("Payment recorded"));
}

static void
record_follow_up_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *param)
{
  KefuCasePage *self = KEFU_CASE_PAGE (widget);

  if (self->kase)
    ask_follow_up (self, g_variant_get_string (param, NULL));
}

static void
show_customer_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *param)
{
  KefuCasePage *self = KEFU_CASE_PAGE (widget);

  if (self->kase && self->kase->customer_id)
    g_signal_emit (self, signals[CUSTOMER_ACTIVATED], 0, self->kase->customer_id);
}

static void
copy_number_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  KefuCasePage *self = KEFU_CASE_PAGE (widget);

  if (self->kase == NULL)
    return;
  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), self->kase->number);
  kefu_toast (widget, _("Case number copied"));
}

/* --- GObject --------------------------------------------------------- */

static void
kefu_case_page_dispose (GObject *object)
{
  KefuCasePage *self = (KefuCasePage *) object;

  gtk_widget_dispose_template (GTK_WIDGET (self), KEFU_TYPE_CASE_PAGE);
  /* The template's top widget is not a bound child: unparent it here. */
  {
    GtkWidget *child;

    while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))))
      gtk_widget_unparent (child);
  }
  self->decision_row = NULL;
  self->amount_row = NULL;
  self->decision_note_row = NULL;
  self->payment_date_row = NULL;
  self->payment_ref_row = NULL;
  self->left_labels[0] = self->left_labels[1] = NULL;
  g_clear_pointer (&self->kase, kefu_case_free);
  g_clear_pointer (&self->me, kefu_staff_free);
  g_clear_object (&self->db);
  G_OBJECT_CLASS (kefu_case_page_parent_class)->dispose (object);
}

static void
kefu_case_page_class_init (KefuCasePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kefu_case_page_dispose;

  /**
   * KefuCasePage::changed:
   *
   * The case was written: queues and counts may have changed.
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /**
   * KefuCasePage::customer-activated:
   * @id: the customer's id
   *
   * The user asked for the customer file.
   */
  signals[CUSTOMER_ACTIVATED] = g_signal_new ("customer-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                              0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/kefu/Kefu/cases/kefu-case-page.ui");
  gtk_widget_class_bind_template_child (widget_class, KefuCasePage, actions_box);
  gtk_widget_class_bind_template_child (widget_class, KefuCasePage, assign_button);
  gtk_widget_class_bind_template_child (widget_class, KefuCasePage, close_button);
  gtk_widget_class_bind_template_child (widget_class, KefuCasePage, kind_badge);
  gtk_widget_class_bind_template_child (widget_class, KefuCasePage, note_row);
  gtk_widget_class_bind_template_child (widget_class, KefuCasePage, number_label);
  gtk_widget_class_bind_template_child (widget_class, KefuCasePage, priority_badge);
  gtk_widget_class_bind_template_child (widget_class, KefuCasePage, priority_dropdown);
  gtk_widget_class_bind_template_child (widget_class, KefuCasePage, reopen_button);
  gtk_widget_class_bind_template_child (widget_class, KefuCasePage, resolve_button);
  gtk_widget_class_bind_template_child (widget_class, KefuCasePage, scroller);
  gtk_widget_class_bind_template_child (widget_class, KefuCasePage, sections);
  gtk_widget_class_bind_template_child (widget_class, KefuCasePage, sla_badge);
  gtk_widget_class_bind_template_child (widget_class, KefuCasePage, start_button);
  gtk_widget_class_bind_template_child (widget_class, KefuCasePage, status_badge);
  gtk_widget_class_bind_template_child (widget_class, KefuCasePage, subject_label);
  gtk_widget_class_bind_template_child (widget_class, KefuCasePage, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, KefuCasePage, take_button);
  gtk_widget_class_bind_template_child (widget_class, KefuCasePage, timeline_box);
  gtk_widget_class_bind_template_child (widget_class, KefuCasePage, wait_button);
  gtk_widget_class_bind_template_callback (widget_class, on_note_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_priority_selected_cb);

  gtk_widget_class_install_action (widget_class, "case.take", NULL, take_action);
  gtk_widget_class_install_action (widget_class, "case.assign", NULL, assign_action);
  gtk_widget_class_install_action (widget_class, "case.start", NULL, start_action);
  gtk_widget_class_install_action (widget_class, "case.wait", NULL, wait_action);
  gtk_widget_class_install_action (widget_class, "case.resolve", NULL, resolve_action);
  gtk_widget_class_install_action (widget_class, "case.close", NULL, close_action);
  gtk_widget_class_install_action (widget_class, "case.reopen", NULL, reopen_action);
  gtk_widget_class_install_action (widget_class, "case.log-contact", NULL, log_contact_action);
  gtk_widget_class_install_action (widget_class, "case.add-evidence", NULL, add_evidence_action);
  gtk_widget_class_install_action (widget_class, "case.open-attachment", "s", open_attachment_action);
  gtk_widget_class_install_action (widget_class, "case.decide", NULL, decide_action);
  gtk_widget_class_install_action (widget_class, "case.approve", NULL, approve_action);
  gtk_widget_class_install_action (widget_class, "case.reject-decision", NULL, reject_decision_action);
  gtk_widget_class_install_action (widget_class, "case.record-payment", NULL, record_payment_action);
  gtk_widget_class_install_action (widget_class, "case.record-follow-up", "s", record_follow_up_action);
  gtk_widget_class_install_action (widget_class, "case.show-customer", NULL, show_customer_action);
  gtk_widget_class_install_action (widget_class, "case.copy-number", NULL, copy_number_action);
}

static void
kefu_case_page_init (KefuCasePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/* --- public API ------------------------------------------------------ */

void
kefu_case_page_set_db (KefuCasePage *self,
                       KefuDb       *db)
{
  g_autoptr(GtkStringList) priorities = gtk_string_list_new (NULL);
  const char **keys = kefu_case_priority_keys ();

  g_return_if_fail (KEFU_IS_CASE_PAGE (self));

  g_set_object (&self->db, db);
  self->updating = TRUE;
  for (guint i = 0; keys[i]; i++)
    gtk_string_list_append (priorities, kefu_case_priority_label (keys[i]));
  gtk_drop_down_set_model (self->priority_dropdown, G_LIST_MODEL (priorities));
  self->updating = FALSE;
  update_actions (self);
}

/**
 * kefu_case_page_show:
 *
 * Returns: whether the case exists and is shown
 */
gboolean
kefu_case_page_show (KefuCasePage *self,
                     const char   *id)
{
  KefuCase *c;
  gboolean same;

  g_return_val_if_fail (KEFU_IS_CASE_PAGE (self), FALSE);

  c = id ? kefu_cases_get (self->db, id, NULL) : NULL;
  if (c == NULL)
    return FALSE;
  same = self->kase != NULL && g_strcmp0 (self->kase->id, id) == 0;
  g_clear_pointer (&self->kase, kefu_case_free);
  self->kase = c;
  fill (self);
  if (!same)
    {
      gtk_editable_set_text (GTK_EDITABLE (self->note_row), "");
      gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (self->scroller)), 0);
    }
  return TRUE;
}

void
kefu_case_page_reload (KefuCasePage *self)
{
  g_autofree char *id = NULL;

  g_return_if_fail (KEFU_IS_CASE_PAGE (self));

  if (self->kase == NULL)
    return;
  id = g_strdup (self->kase->id);
  kefu_case_page_show (self, id);
}

/* Relabels the time left of the running deadlines (the view calls it
 * every minute) without rebuilding the page, so that nothing typed into
 * its forms is lost. */
void
kefu_case_page_update_times (KefuCasePage *self)
{
  gint64 now;

  g_return_if_fail (KEFU_IS_CASE_PAGE (self));

  if (self->kase == NULL)
    return;
  now = kefu_cases_get_now (self->db);
  for (guint i = 0; i < G_N_ELEMENTS (self->left_labels); i++)
    {
      KefuTimeLeft state;
      g_autofree char *left = NULL;

      if (self->left_labels[i] == NULL)
        continue;
      left = _kefu_case_time_left (self->db, self->left_due[i],
                                   self->kase->paused_at != 0 || is_status (self, "waiting"),
                                   warned_on (self, i), now, &state);
      gtk_label_set_label (GTK_LABEL (self->left_labels[i]), left ? left : "");
      _kefu_time_left_style (self->left_labels[i], state);
    }
}

const char *
kefu_case_page_get_id (KefuCasePage *self)
{
  g_return_val_if_fail (KEFU_IS_CASE_PAGE (self), NULL);
  return self->kase ? self->kase->id : NULL;
}

const KefuCase *
kefu_case_page_get_case (KefuCasePage *self)
{
  g_return_val_if_fail (KEFU_IS_CASE_PAGE (self), NULL);
  return self->kase;
}
