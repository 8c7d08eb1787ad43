/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "kefu-sla-dialog"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <stdlib.h>

#include "kefu-cases.h"
#include "kefu-customers.h"
#include "kefu-sla-dialog.h"
#include "kefu-sla-policy-editor.h"
#include "kefu-sla.h"

/* The administrator's service standards (服务标准): a table of time limits
 * and the business calendar they are counted on. Each change is written
 * when it is made (a policy saved from its editor, a day added or
 * removed, the working hours applied), one transaction each, so there is
 * no "Save" for the whole window. */

enum { COL_KIND, COL_SEGMENT, COL_PRIORITY, COL_FIRST, COL_RESOLUTION, N_COLUMNS };

struct _KefuSlaDialog
{
  AdwWindow         parent_instance;

  /* template children */
  GtkCalendar      *calendar;
  GtkMenuButton    *date_button;
  GtkListBox       *days_list;
  GtkSpinButton    *end_spin;
  AdwComboRow      *new_kind_row;
  AdwEntryRow      *new_date_row;
  AdwEntryRow      *new_name_row;
  GtkBox           *policies_header;
  GtkListBox       *policies_list;
  GtkSpinButton    *start_spin;
  AdwToastOverlay  *toast_overlay;
  AdwViewStack     *view_stack;
  GtkBox           *weekend_box;
  GtkDropDown      *year_dropdown;

  KefuDb           *db;
  GtkSizeGroup     *columns[N_COLUMNS];
  GtkToggleButton  *weekday_toggles[7];
  GtkStringList    *year_model;
  GArray           *years;           /* int, in the order of year_model */
  int               work_start;      /* as saved */
  int               work_end;
  guint             weekend_mask;
  gboolean          loading;
};

G_DEFINE_FINAL_TYPE (KefuSlaDialog, kefu_sla_dialog, ADW_TYPE_WINDOW)

/* A deleted policy or day, for Undo. */
typedef struct
{
  KefuSlaDialog *self;
  KefuSlaPolicy *policy;
  char          *day;
  char          *kind;
  char          *name;
} UndoData;

/* --- helpers --------------------------------------------------------- */

static void
undo_data_free (UndoData *u)
{
  g_clear_object (&u->self);
  g_clear_pointer (&u->policy, kefu_sla_policy_free);
  g_free (u->day);
  g_free (u->kind);
  g_free (u->name);
  g_free (u);
}

static void
toast (KefuSlaDialog *self,
       const char    *message)
{
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (message));
}

static void
toast_error (KefuSlaDialog *self,
             const GError  *error)
{
  AdwToast *t = adw_toast_new (error->message);

  adw_toast_set_timeout (t, 8);
  adw_toast_overlay_add_toast (self->toast_overlay, t);
}

static void
clear_list (GtkListBox *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))))
    gtk_list_box_remove (list, child);
}

static GtkWidget *
create_cell (KefuSlaDialog *self,
             GtkBox        *box,
             guint          column,
             const char    *text,
             gboolean       dim)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_width_chars (GTK_LABEL (label), column >= COL_FIRST ? 14 : 12);
  if (dim)
    gtk_widget_add_css_class (label, "dim-label");
  if (column >= COL_FIRST)
    gtk_widget_add_css_class (label, "numeric");
  gtk_size_group_add_widget (self->columns[column], label);
  gtk_box_append (box, label);
  return label;
}

static GtkWidget *
create_icon_button (const char *icon_name,
                    const char *tooltip)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon_name);

  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  return button;
}

static gboolean
is_general (const KefuSlaPolicy *p)
{
  return g_str_equal (p->case_kind, "*") && g_str_equal (p->segment, "*") && g_str_equal (p->priority, "*");
}

/* "Complaint · Key account · Any priority" */
static char *
describe_policy (const KefuSlaPolicy *p)
{
  return g_strdup_printf ("%s · %s · %s",
                          g_str_equal (p->case_kind, "*") ? _("Any kind") : kefu_case_kind_label (p->case_kind),
                          g_str_equal (p->segment, "*") ? _("Any segment") : kefu_segment_label (p->segment),
                          g_str_equal (p->priority, "*") ? _("Any priority") : kefu_case_priority_label (p->priority));
}

static int
current_year (void)
{
  GDate date;

  kefu_local_date (g_get_real_time () / 1000, &date);
  return g_date_get_year (&date);
}

static int
selected_year (KefuSlaDialog *self)
{
  guint i = gtk_drop_down_get_selected (self->year_dropdown);

  if (self->years == NULL || i >= self->years->len)
    return current_year ();
  return g_array_index (self->years, int, i);
}

/* Short weekday names, Monday first, as in the weekend mask. */
static const char *
weekday_short_name (guint i)
{
  static const char *names[] = {
    NC_("weekday", "Mon"), NC_("weekday", "Tue"), NC_("weekday", "Wed"), NC_("weekday", "Thu"),
    NC_("weekday", "Fri"), NC_("weekday", "Sat"), NC_("weekday", "Sun"),
  };

  return g_dpgettext2 (GETTEXT_PACKAGE, "weekday", names[i]);
}

static char *
format_day (const char *iso)
{
  int y, m, d;
  g_autoptr(GDateTime) dt = NULL;

  if (sscanf (iso, "%d-%d-%d", &y, &m, &d) != 3 || (dt = g_date_time_new_utc (y, m, d, 0, 0, 0)) == NULL)
    return g_strdup (iso);
  /* Translators: a holiday's date, see g_date_time_format(); the year is
   * shown elsewhere */
  return g_date_time_format (dt, _("%A, %B %-d"));
}

/* --- service standards ----------------------------------------------- */

static void delete_policy_clicked_cb (GtkButton *button, KefuSlaDialog *self);

static GtkWidget *
create_policy_row (KefuSlaDialog       *self,
                   const KefuSlaPolicy *p)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *spacer = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  GtkWidget *delete_button;
  g_autofree char *first = _kefu_sla_format_minutes (p->first_response_minutes);
  g_autofree char *resolution = _kefu_sla_format_minutes (p->resolution_minutes);
  g_autofree char *what = describe_policy (p);

  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 6);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);

  create_cell (self, GTK_BOX (box), COL_KIND,
               g_str_equal (p->case_kind, "*") ? _("Any kind") : kefu_case_kind_label (p->case_kind),
               g_str_equal (p->case_kind, "*"));
  create_cell (self, GTK_BOX (box), COL_SEGMENT,
               g_str_equal (p->segment, "*") ? _("Any segment") : kefu_segment_label (p->segment),
               g_str_equal (p->segment, "*"));
  create_cell (self, GTK_BOX (box), COL_PRIORITY,
               g_str_equal (p->priority, "*") ? _("Any priority") : kefu_case_priority_label (p->priority),
               g_str_equal (p->priority, "*"));
  create_cell (self, GTK_BOX (box), COL_FIRST, first, FALSE);
  create_cell (self, GTK_BOX (box), COL_RESOLUTION, resolution, FALSE);
  gtk_widget_set_hexpand (spacer, TRUE);
  gtk_box_append (GTK_BOX (box), spacer);

  gtk_box_append (GTK_BOX (box), create_icon_button ("document-edit-symbolic", _("Change the Times")));
  gtk_widget_set_can_target (gtk_widget_get_last_child (box), FALSE);
  delete_button = create_icon_button ("user-trash-symbolic", _("Delete Standard"));
  if (is_general (p))
    {
      gtk_widget_set_sensitive (delete_button, FALSE);
      gtk_widget_set_tooltip_text (delete_button, _("The general standard applies when no other does; it cannot be deleted"));
    }
  g_signal_connect_object (delete_button, "clicked", G_CALLBACK (delete_policy_clicked_cb), self, 0);
  gtk_box_append (GTK_BOX (box), delete_button);

  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_widget_set_tooltip_text (row, what);
  g_object_set_data_full (G_OBJECT (row), "policy-id", g_strdup (p->id), g_free);
  g_object_set_data_full (G_OBJECT (delete_button), "policy-id", g_strdup (p->id), g_free);
  return row;
}

static void
load_policies (KefuSlaDialog *self)
{
  g_autoptr(GPtrArray) policies = NULL;
  g_autoptr(GError) error = NULL;

  clear_list (self->policies_list);
  policies = kefu_sla_policies_list (self->db, &error);
  if (policies == NULL)
    {
      toast_error (self, error);
      return;
    }
  for (guint i = 0; i < policies->len; i++)
    gtk_list_box_append (self->policies_list, create_policy_row (self, policies->pdata[i]));
}

static void
policy_saved_cb (KefuSlaDialog *self,
                 const char    *id)
{
  load_policies (self);
  toast (self, _("Service standard saved"));
}

static KefuSlaPolicy *
find_policy (KefuSlaDialog *self,
             const char    *id)
{
  g_autoptr(GPtrArray) policies = kefu_sla_policies_list (self->db, NULL);

  for (guint i = 0; policies && i < policies->len; i++)
    if (g_strcmp0 (((KefuSlaPolicy *) policies->pdata[i])->id, id) == 0)
      return g_ptr_array_steal_index (policies, i);
  return NULL;
}

static void
undo_delete_policy_cb (AdwToast *t,
                       UndoData *u)
{
  g_autoptr(GError) error = NULL;
  KefuSlaPolicy *p = u->policy;

  g_clear_pointer (&p->id, g_free);
  p->version = 0;
  if (!kefu_sla_policy_save (u->self->db, p, &error))
    toast_error (u->self, error);
  load_policies (u->self);
}

static void
delete_policy_clicked_cb (GtkButton     *button,
                          KefuSlaDialog *self)
{
  const char *id = g_object_get_data (G_OBJECT (button), "policy-id");
  g_autoptr(KefuSlaPolicy) p = find_policy (self, id);
  g_autoptr(GError) error = NULL;
  g_autofree char *what = NULL;
  g_autofree char *message = NULL;
  UndoData *u;
  AdwToast *t;

  if (p == NULL)
    return;
  if (!kefu_sla_policy_delete (self->db, id, &error))
    {
      toast_error (self, error);
      return;
    }
  load_policies (self);

  what = describe_policy (p);
  /* Translators: %s says what the standard applied to */
  message = g_strdup_printf (_("Deleted the standard for %s"), what);
  t = adw_toast_new (message);
  adw_toast_set_button_label (t, _("_Undo"));
  u = g_new0 (UndoData, 1);
  u->self = g_object_ref (self);
  u->policy = g_steal_pointer (&p);
  g_signal_connect_data (t, "button-clicked", G_CALLBACK (undo_delete_policy_cb), u,
                         (GClosureNotify) undo_data_free, 0);
  adw_toast_overlay_add_toast (self->toast_overlay, t);
}

static void
on_policy_activated_cb (KefuSlaDialog *self,
                        GtkListBoxRow *row)
{
  const char *id = g_object_get_data (G_OBJECT (row), "policy-id");

  gtk_window_present (_kefu_sla_dialog_edit_policy (self, id));
}

static void
add_policy_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  KefuSlaDialog *self = KEFU_SLA_DIALOG (widget);

  gtk_window_present (_kefu_sla_dialog_edit_policy (self, NULL));
}

/* --- working hours --------------------------------------------------- */

static guint
current_weekend_mask (KefuSlaDialog *self)
{
  guint mask = 0;

  for (guint i = 0; i < 7; i++)
    if (gtk_toggle_button_get_active (self->weekday_toggles[i]))
      mask |= 1u << i;
  return mask;
}

static gboolean
hours_changed (KefuSlaDialog *self)
{
  return (int) gtk_spin_button_get_value (self->start_spin) != self->work_start ||
         (int) gtk_spin_button_get_value (self->end_spin) != self->work_end ||
         current_weekend_mask (self) != self->weekend_mask;
}

static void
update_hours_action (KefuSlaDialog *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "sla.save-hours", hours_changed (self));
}

static void
load_hours (KefuSlaDialog *self)
{
  g_autoptr(GError) error = NULL;
  KefuCalendar *cal = kefu_calendar_get_for_db (self->db, &error);

  if (cal == NULL)
    {
      toast_error (self, error);
      return;
    }
  self->work_start = kefu_calendar_get_work_start (cal);
  self->work_end = kefu_calendar_get_work_end (cal);
  self->weekend_mask = kefu_calendar_get_weekend_mask (cal) & 0x7f;

  self->loading = TRUE;
  gtk_spin_button_set_value (self->start_spin, self->work_start);
  gtk_spin_button_set_value (self->end_spin, self->work_end);
  for (guint i = 0; i < 7; i++)
    gtk_toggle_button_set_active (self->weekday_toggles[i], (self->weekend_mask & (1u << i)) != 0);
  self->loading = FALSE;
  update_hours_action (self);
}

static void
hours_changed_cb (KefuSlaDialog *self)
{
  if (!self->loading)
    update_hours_action (self);
}

static gboolean
time_output_cb (GtkSpinButton *spin,
                gpointer       user_data)
{
  int minutes = (int) gtk_spin_button_get_value (spin);
  g_autofree char *text = g_strdup_printf ("%02d:%02d", minutes / 60, minutes % 60);

  if (g_strcmp0 (text, gtk_editable_get_text (GTK_EDITABLE (spin))) != 0)
    gtk_editable_set_text (GTK_EDITABLE (spin), text);
  return TRUE;
}

/* "9:30", "09:30", "9" */
static int
time_input_cb (GtkSpinButton *spin,
               double        *new_value,
               gpointer       user_data)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (spin));
  int h = 0, m = 0;
  char extra;
  int n = sscanf (text, "%d:%d%c", &h, &m, &extra);

  if (n != 2 && !(n == 1 && sscanf (text, "%d%c", &h, &extra) == 1))
    return GTK_INPUT_ERROR;
  if (h < 0 || h > 24 || m < 0 || m > 59 || (h == 24 && m > 0))
    return GTK_INPUT_ERROR;
  *new_value = h * 60 + m;
  return TRUE;
}

static void
save_hours_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  KefuSlaDialog *self = KEFU_SLA_DIALOG (widget);
  g_autoptr(GError) error = NULL;

  gtk_spin_button_update (self->start_spin);
  gtk_spin_button_update (self->end_spin);
  if (!kefu_calendar_save_hours (self->db,
                                 (int) gtk_spin_button_get_value (self->start_spin),
                                 (int) gtk_spin_button_get_value (self->end_spin),
                                 current_weekend_mask (self), &error))
    {
      toast_error (self, error);
      return;
    }
  load_hours (self);
  toast (self, _("Working hours saved"));
}

/* --- holidays and make-up working days ------------------------------- */

static void remove_day_clicked_cb (GtkButton *button, KefuSlaDialog *self);

static GtkWidget *
create_day_row (KefuSlaDialog         *self,
                const KefuCalendarDay *d)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *badge;
  GtkWidget *remove_button;
  g_autofree char *date = format_day (d->day);
  gboolean workday = g_strcmp0 (d->kind, "workday") == 0;

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), date);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), d->name ? d->name : "");

  badge = gtk_label_new (workday ? _("Working day") : _("Day off"));
  gtk_widget_set_valign (badge, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (badge, "day-badge");
  gtk_widget_add_css_class (badge, workday ? "day-workday" : "day-holiday");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), badge);

  remove_button = create_icon_button ("user-trash-symbolic", _("Remove Day"));
  g_object_set_data_full (G_OBJECT (remove_button), "day", g_strdup (d->day), g_free);
  g_object_set_data_full (G_OBJECT (remove_button), "kind", g_strdup (d->kind), g_free);
  g_object_set_data_full (G_OBJECT (remove_button), "name", g_strdup (d->name), g_free);
  g_signal_connect_object (remove_button, "clicked", G_CALLBACK (remove_day_clicked_cb), self, 0);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), remove_button);
  return row;
}

static void
load_days (KefuSlaDialog *self)
{
  g_autoptr(GPtrArray) days = NULL;
  g_autoptr(GError) error = NULL;

  clear_list (self->days_list);
  days = kefu_calendar_list_days (self->db, selected_year (self), &error);
  if (days == NULL)
    {
      toast_error (self, error);
      return;
    }
  for (guint i = 0; i < days->len; i++)
    gtk_list_box_append (self->days_list, create_day_row (self, days->pdata[i]));
}

static int
compare_int (gconstpointer a,
             gconstpointer b)
{
  return *(const int *) a - *(const int *) b;
}

/* The shipped years, the years with days of their own, this year and
 * the next; @select (0: this year) is chosen. */
static void
load_years (KefuSlaDialog *self,
            int            select)
{
  g_autoptr(GPtrArray) days = kefu_calendar_list_days (self->db, 0, NULL);
  g_autoptr(GArray) years = g_array_new (FALSE, FALSE, sizeof (int));
  int now = current_year ();
  int wanted[] = { 2025, 2026, 2027, now, now + 1, select };
  guint selected = 0;

  for (guint i = 0; i < G_N_ELEMENTS (wanted); i++)
    if (wanted[i] > 0)
      g_array_append_val (years, wanted[i]);
  for (guint i = 0; days && i < days->len; i++)
    {
      int y = atoi (((KefuCalendarDay *) days->pdata[i])->day);

      if (y > 0)
        g_array_append_val (years, y);
    }
  g_array_sort (years, compare_int);

  self->loading = TRUE;
  g_clear_pointer (&self->years, g_array_unref);
  self->years = g_array_new (FALSE, FALSE, sizeof (int));
  gtk_string_list_splice (self->year_model, 0, g_list_model_get_n_items (G_LIST_MODEL (self->year_model)), NULL);
  for (guint i = 0; i < years->len; i++)
    {
      int y = g_array_index (years, int, i);
      g_autofree char *label = NULL;

      if (self->years->len > 0 && g_array_index (self->years, int, self->years->len - 1) == y)
        continue;
      if (y == (select > 0 ? select : now))
        selected = self->years->len;
      g_array_append_val (self->years, y);
      label = g_strdup_printf ("%d", y);
      gtk_string_list_append (self->year_model, label);
    }
  gtk_drop_down_set_selected (self->year_dropdown, selected);
  self->loading = FALSE;
  load_days (self);
}

static void
year_changed_cb (KefuSlaDialog *self)
{
  if (!self->loading)
    load_days (self);
}

static void
undo_remove_day_cb (AdwToast *t,
                    UndoData *u)
{
  g_autoptr(GError) error = NULL;

  if (!kefu_calendar_save_day (u->self->db, u->day, u->kind, u->name, &error))
    toast_error (u->self, error);
  load_days (u->self);
}

static void
remove_day_clicked_cb (GtkButton     *button,
                       KefuSlaDialog *self)
{
  const char *day = g_object_get_data (G_OBJECT (button), "day");
  g_autoptr(GError) error = NULL;
  g_autofree char *date = NULL;
  g_autofree char *message = NULL;
  UndoData *u;
  AdwToast *t;

  u = g_new0 (UndoData, 1);
  u->self = g_object_ref (self);
  u->day = g_strdup (day);
  u->kind = g_strdup (g_object_get_data (G_OBJECT (button), "kind"));
  u->name = g_strdup (g_object_get_data (G_OBJECT (button), "name"));
  if (!kefu_calendar_save_day (self->db, day, NULL, NULL, &error))
    {
      undo_data_free (u);
      toast_error (self, error);
      return;
    }
  date = format_day (u->day);
  /* Translators: %s is a date such as "Thursday, October 1" */
  message = g_strdup_printf (_("%s follows the weekly pattern again"), date);
  /* The button goes with its row. */
  load_days (self);

  t = adw_toast_new (message);
  adw_toast_set_button_label (t, _("_Undo"));
  g_signal_connect_data (t, "button-clicked", G_CALLBACK (undo_remove_day_cb), u,
                         (GClosureNotify) undo_data_free, 0);
  adw_toast_overlay_add_toast (self->toast_overlay, t);
}

static void
on_calendar_day_selected_cb (KefuSlaDialog *self)
{
  g_autoptr(GDateTime) dt = gtk_calendar_get_date (self->calendar);
  g_autofree char *iso = g_date_time_format (dt, "%Y-%m-%d");

  gtk_editable_set_text (GTK_EDITABLE (self->new_date_row), iso);
  gtk_menu_button_popdown (self->date_button);
}

static void
add_day_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  KefuSlaDialog *self = KEFU_SLA_DIALOG (widget);
  g_autoptr(GError) error = NULL;
  g_autofree char *iso = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->new_date_row))));
  const char *name = gtk_editable_get_text (GTK_EDITABLE (self->new_name_row));
  const char *kind = adw_combo_row_get_selected (self->new_kind_row) == 1 ? "workday" : "holiday";
  g_autofree char *date = NULL;
  g_autofree char *message = NULL;
  int y = 0, m = 0, d = 0;

  if (*iso == '\0')
    {
      g_autoptr(GError) empty = g_error_new_literal (KEFU_ERROR, KEFU_ERROR_INVALID,
                                                     _("Enter the date, such as 2026-10-01, or choose it from the calendar."));

      toast_error (self, empty);
      gtk_widget_grab_focus (GTK_WIDGET (self->new_date_row));
      return;
    }
  /* "2026/10/1" and "2026-10-1" are what people type. */
  if (sscanf (iso, "%d%*[-/.]%d%*[-/.]%d", &y, &m, &d) == 3 && y > 1900 && y < 2200)
    {
      g_free (iso);
      iso = g_strdup_printf ("%04d-%02d-%02d", y, m, d);
    }
  if (!kefu_calendar_save_day (self->db, iso, kind, name, &error))
    {
      toast_error (self, error);
      gtk_widget_grab_focus (GTK_WIDGET (*iso && g_date_valid_dmy (d, m, y) ? self->new_name_row : self->new_date_row));
      return;
    }

  gtk_editable_set_text (GTK_EDITABLE (self->new_date_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->new_name_row), "");
  gtk_widget_grab_focus (GTK_WIDGET (self->new_date_row));
  load_years (self, y);
  date = format_day (iso);
  /* Translators: %s is a date such as "Thursday, October 1" */
  message = g_strdup_printf (g_str_equal (kind, "workday") ? _("%s is now a working day") : _("%s is now a day off"), date);
  toast (self, message);
}

static void
on_new_name_activated_cb (KefuSlaDialog *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "sla.add-day", NULL);
}

/* --- GtkWindow ------------------------------------------------------- */

static gboolean
close_idle_cb (gpointer user_data)
{
  gtk_window_close (GTK_WINDOW (user_data));
  return G_SOURCE_REMOVE;
}

static void
discard_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     KefuSlaDialog    *self)
{
  if (g_strcmp0 (response, "apply") == 0)
    {
      /* When the hours are refused, the toast says why; stay open. */
      gtk_widget_activate_action (GTK_WIDGET (self), "sla.save-hours", NULL);
      if (hours_changed (self))
        return;
    }
  else if (g_strcmp0 (response, "discard") == 0)
    load_hours (self);
  else
    return;
  /* Not from inside the response: the message dialog still holds a
   * reference to itself, and it must not outlive its transient parent. */
  g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, close_idle_cb, g_object_ref (self), g_object_unref);
}

static gboolean
kefu_sla_dialog_close_request (GtkWindow *window)
{
  KefuSlaDialog *self = KEFU_SLA_DIALOG (window);
  GtkWidget *dialog;

  gtk_spin_button_update (self->start_spin);
  gtk_spin_button_update (self->end_spin);
  if (!hours_changed (self))
    return GTK_WINDOW_CLASS (kefu_sla_dialog_parent_class)->close_request (window);

  dialog = adw_message_dialog_new (window, _("Apply the Working Hours?"),
                                   _("The working hours were changed but not applied."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "discard", _("_Discard"),
                                    "apply", _("_Apply"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "discard", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "apply", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "apply");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (discard_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  return TRUE;
}

/* --- GObject --------------------------------------------------------- */

static void
kefu_sla_dialog_dispose (GObject *object)
{
  KefuSlaDialog *self = (KefuSlaDialog *) object;

  self->loading = TRUE;
  gtk_widget_dispose_template (GTK_WIDGET (self), KEFU_TYPE_SLA_DIALOG);
  for (guint i = 0; i < N_COLUMNS; i++)
    g_clear_object (&self->columns[i]);
  g_clear_object (&self->year_model);
  g_clear_pointer (&self->years, g_array_unref);
  g_clear_object (&self->db);
  G_OBJECT_CLASS (kefu_sla_dialog_parent_class)->dispose (object);
}

static void
kefu_sla_dialog_class_init (KefuSlaDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = kefu_sla_dialog_dispose;
  window_class->close_request = kefu_sla_dialog_close_request;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/kefu/Kefu/dialogs/kefu-sla-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, KefuSlaDialog, calendar);
  gtk_widget_class_bind_template_child (widget_class, KefuSlaDialog, date_button);
  gtk_widget_class_bind_template_child (widget_class, KefuSlaDialog, days_list);
  gtk_widget_class_bind_template_child (widget_class, KefuSlaDialog, end_spin);
  gtk_widget_class_bind_template_child (widget_class, KefuSlaDialog, new_date_row);
  gtk_widget_class_bind_template_child (widget_class, KefuSlaDialog, new_kind_row);
  gtk_widget_class_bind_template_child (widget_class, KefuSlaDialog, new_name_row);
  gtk_widget_class_bind_template_child (widget_class, KefuSlaDialog, policies_header);
  gtk_widget_class_bind_template_child (widget_class, KefuSlaDialog, policies_list);
  gtk_widget_class_bind_template_child (widget_class, KefuSlaDialog, start_spin);
  gtk_widget_class_bind_template_child (widget_class, KefuSlaDialog, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, KefuSlaDialog, view_stack);
  gtk_widget_class_bind_template_child (widget_class, KefuSlaDialog, weekend_box);
  gtk_widget_class_bind_template_child (widget_class, KefuSlaDialog, year_dropdown);
  gtk_widget_class_bind_template_callback (widget_class, on_calendar_day_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_new_name_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_policy_activated_cb);

  gtk_widget_class_install_action (widget_class, "sla.add-policy", NULL, add_policy_action);
  gtk_widget_class_install_action (widget_class, "sla.save-hours", NULL, save_hours_action);
  gtk_widget_class_install_action (widget_class, "sla.add-day", NULL, add_day_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK, "sla.add-policy", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
kefu_sla_dialog_init (KefuSlaDialog *self)
{
  const char *headers[N_COLUMNS] = {
    _("Kind"), _("Segment"), _("Priority"),
    /* Translators: column titles: the time limits of a service standard */
    C_("time limit", "First response"), C_("time limit", "Resolution"),
  };

  gtk_widget_init_template (GTK_WIDGET (self));

  for (guint i = 0; i < N_COLUMNS; i++)
    {
      GtkWidget *label;

      self->columns[i] = gtk_size_group_new (GTK_SIZE_GROUP_HORIZONTAL);
      label = create_cell (self, self->policies_header, i, headers[i], FALSE);
      gtk_widget_add_css_class (label, "caption-heading");
      gtk_widget_add_css_class (label, "dim-label");
    }

  for (guint i = 0; i < 7; i++)
    {
      GtkWidget *toggle = gtk_toggle_button_new_with_label (weekday_short_name (i));

      gtk_widget_set_tooltip_text (toggle, _("Pressed: a day off every week"));
      self->weekday_toggles[i] = GTK_TOGGLE_BUTTON (toggle);
      g_signal_connect_object (toggle, "toggled", G_CALLBACK (hours_changed_cb), self, G_CONNECT_SWAPPED);
      gtk_box_append (self->weekend_box, toggle);
    }
  g_signal_connect (self->start_spin, "output", G_CALLBACK (time_output_cb), NULL);
  g_signal_connect (self->start_spin, "input", G_CALLBACK (time_input_cb), NULL);
  g_signal_connect (self->end_spin, "output", G_CALLBACK (time_output_cb), NULL);
  g_signal_connect (self->end_spin, "input", G_CALLBACK (time_input_cb), NULL);
  g_signal_connect_object (self->start_spin, "value-changed", G_CALLBACK (hours_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->end_spin, "value-changed", G_CALLBACK (hours_changed_cb), self, G_CONNECT_SWAPPED);

  self->year_model = gtk_string_list_new (NULL);
  gtk_drop_down_set_model (self->year_dropdown, G_LIST_MODEL (self->year_model));
  g_signal_connect_object (self->year_dropdown, "notify::selected", G_CALLBACK (year_changed_cb), self, G_CONNECT_SWAPPED);
}

/* --- public API ------------------------------------------------------ */

/**
 * kefu_sla_dialog_new:
 *
 * Returns: (transfer none): a new modal window; present it
 */
GtkWindow *
kefu_sla_dialog_new (GtkWindow *parent,
                     KefuDb    *db)
{
  KefuSlaDialog *self;

  g_return_val_if_fail (KEFU_IS_DB (db), NULL);

  self = g_object_new (KEFU_TYPE_SLA_DIALOG,
                       "transient-for", parent,
                       "modal", TRUE,
                       NULL);
  self->db = g_object_ref (db);
  load_policies (self);
  load_hours (self);
  load_years (self, 0);
  return GTK_WINDOW (self);
}

/**
 * _kefu_sla_dialog_edit_policy:
 * @policy_id: (nullable): the policy, or %NULL for a new one
 *
 * Returns: (transfer none): the editor, not yet presented
 */
GtkWindow *
_kefu_sla_dialog_edit_policy (KefuSlaDialog *self,
                              const char    *policy_id)
{
  g_autoptr(KefuSlaPolicy) p = policy_id ? find_policy (self, policy_id) : NULL;
  GtkWindow *editor = kefu_sla_policy_editor_new (GTK_WINDOW (self), self->db, p);

  g_signal_connect_object (editor, "saved", G_CALLBACK (policy_saved_cb), self, G_CONNECT_SWAPPED);
  return editor;
}

guint
_kefu_sla_dialog_get_n_policies (KefuSlaDialog *self)
{
  guint n = 0;

  while (gtk_list_box_get_row_at_index (self->policies_list, (int) n))
    n++;
  return n;
}

void
_kefu_sla_dialog_show_page (KefuSlaDialog *self,
                            const char    *name)
{
  adw_view_stack_set_visible_child_name (self->view_stack, name);
}

void
_kefu_sla_dialog_show_year (KefuSlaDialog *self,
                            int            year)
{
  load_years (self, year);
}

guint
_kefu_sla_dialog_get_n_days (KefuSlaDialog *self)
{
  guint n = 0;

  while (gtk_list_box_get_row_at_index (self->days_list, (int) n))
    n++;
  return n;
}

void
_kefu_sla_dialog_set_new_day (KefuSlaDialog *self,
                              const char    *iso_date,
                              gboolean       workday,
                              const char    *name)
{
  gtk_editable_set_text (GTK_EDITABLE (self->new_date_row), iso_date);
  adw_combo_row_set_selected (self->new_kind_row, workday ? 1 : 0);
  gtk_editable_set_text (GTK_EDITABLE (self->new_name_row), name);
}
