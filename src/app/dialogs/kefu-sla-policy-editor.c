/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "kefu-sla-policy-editor"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "kefu-cases.h"
#include "kefu-customers.h"
#include "kefu-sla-policy-editor.h"

/* One service standard: what it applies to (kind × segment × priority,
 * each may be "any") and its two time limits, typed in working hours or
 * business days and stored in business minutes. What it applies to is
 * fixed once saved: the combination is the standard's identity. */

struct _KefuSlaPolicyEditor
{
  AdwWindow         parent_instance;

  /* template children */
  AdwPreferencesGroup *applies_group;
  GtkLabel         *error_label;
  GtkSpinButton    *first_spin;
  GtkDropDown      *first_unit;
  AdwComboRow      *kind_row;
  AdwComboRow      *priority_row;
  GtkSpinButton    *resolution_spin;
  GtkDropDown      *resolution_unit;
  AdwComboRow      *segment_row;

  KefuDb           *db;
  KefuSlaPolicy    *policy;       /* the one edited; id NULL when new */
};

G_DEFINE_FINAL_TYPE (KefuSlaPolicyEditor, kefu_sla_policy_editor, ADW_TYPE_WINDOW)

enum { SAVED, N_SIGNALS };
static guint signals[N_SIGNALS];

/* Keys in the order of the combo rows; "*" is "any". */
static const char *kinds[] = { "*", "inquiry", "tracking", "complaint", "claim", "suggestion", "service", NULL };
static const char *segments[] = { "*", "key", "vip", "regular", "new", "at_risk", NULL };
static const char *priorities[] = { "*", "low", "normal", "high", "urgent", NULL };

/* --- helpers --------------------------------------------------------- */

static guint
index_of (const char * const *strv,
          const char         *value)
{
  for (guint i = 0; strv[i]; i++)
    if (g_strcmp0 (strv[i], value) == 0)
      return i;
  return 0;
}

static const char *
key_at (const char * const *strv,
        guint               i)
{
  return i < g_strv_length ((char **) strv) ? strv[i] : "*";
}

static GListModel *
labels_model (const char * const *keys,
              const char         *any_label,
              const char       *(*label) (const char *))
{
  GtkStringList *list = gtk_string_list_new (NULL);

  for (guint i = 0; keys[i]; i++)
    gtk_string_list_append (list, g_str_equal (keys[i], "*") ? any_label : label (keys[i]));
  return G_LIST_MODEL (list);
}

static double
unit_minutes (KefuSlaUnit unit)
{
  return unit == KEFU_SLA_UNIT_DAYS ? KEFU_BUSINESS_DAY_MINUTES : 60;
}

static void
set_range (GtkSpinButton *spin,
           KefuSlaUnit    unit)
{
  /* Up to sixty business days, as the core allows, by halves. */
  gtk_spin_button_set_range (spin, 0.5, 60.0 * KEFU_BUSINESS_DAY_MINUTES / unit_minutes (unit));
}

static void
set_time (GtkSpinButton *spin,
          GtkDropDown   *unit_dropdown,
          gint           minutes)
{
  KefuSlaUnit unit = minutes > 0 && minutes % KEFU_BUSINESS_DAY_MINUTES == 0 ? KEFU_SLA_UNIT_DAYS : KEFU_SLA_UNIT_HOURS;

  g_object_set_data (G_OBJECT (unit_dropdown), "kefu-loading", GINT_TO_POINTER (TRUE));
  gtk_drop_down_set_selected (unit_dropdown, unit);
  g_object_set_data (G_OBJECT (unit_dropdown), "kefu-loading", NULL);
  set_range (spin, unit);
  gtk_spin_button_set_value (spin, minutes / unit_minutes (unit));
}

static gint
get_minutes (GtkSpinButton *spin,
             GtkDropDown   *unit_dropdown)
{
  gtk_spin_button_update (spin);
  return (gint) lround (gtk_spin_button_get_value (spin) * unit_minutes (gtk_drop_down_get_selected (unit_dropdown)));
}

static void
show_error (KefuSlaPolicyEditor *self,
            const char          *message)
{
  gtk_label_set_label (self->error_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

/* --- signal callbacks ------------------------------------------------ */

/* "2" rather than "2.0"; halves keep their decimal. */
static gboolean
spin_output_cb (GtkSpinButton *spin,
                gpointer       user_data)
{
  double value = gtk_spin_button_get_value (spin);
  g_autofree char *text = NULL;

  if (fabs (value - round (value)) < 0.01)
    text = g_strdup_printf ("%.0f", value);
  else
    text = g_strdup_printf ("%.1f", value);
  if (g_strcmp0 (text, gtk_editable_get_text (GTK_EDITABLE (spin))) != 0)
    gtk_editable_set_text (GTK_EDITABLE (spin), text);
  return TRUE;
}

/* Switching the unit keeps the time and shows it in the new unit. */
static void
unit_changed_cb (GtkDropDown   *dropdown,
                 GParamSpec    *pspec,
                 GtkSpinButton *spin)
{
  KefuSlaUnit unit = gtk_drop_down_get_selected (dropdown);
  KefuSlaUnit old_unit = unit == KEFU_SLA_UNIT_DAYS ? KEFU_SLA_UNIT_HOURS : KEFU_SLA_UNIT_DAYS;
  double minutes;

  if (g_object_get_data (G_OBJECT (dropdown), "kefu-loading"))
    return;
  gtk_spin_button_update (spin);
  minutes = gtk_spin_button_get_value (spin) * unit_minutes (old_unit);
  set_range (spin, unit);
  /* Rounded to the spin's halves. */
  gtk_spin_button_set_value (spin, MAX (0.5, round (minutes / unit_minutes (unit) * 2) / 2));
}

/* --- actions --------------------------------------------------------- */

static gboolean
close_idle_cb (gpointer user_data)
{
  gtk_window_close (GTK_WINDOW (user_data));
  return G_SOURCE_REMOVE;
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  KefuSlaPolicyEditor *self = KEFU_SLA_POLICY_EDITOR (widget);
  g_autoptr(GError) error = NULL;

  if (!kefu_sla_policy_editor_save (self, &error))
    {
      show_error (self, error->message);
      return;
    }
  g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, close_idle_cb, g_object_ref (self), g_object_unref);
}

/* --- GObject --------------------------------------------------------- */

static void
kefu_sla_policy_editor_dispose (GObject *object)
{
  KefuSlaPolicyEditor *self = (KefuSlaPolicyEditor *) object;

  gtk_widget_dispose_template (GTK_WIDGET (self), KEFU_TYPE_SLA_POLICY_EDITOR);
  g_clear_pointer (&self->policy, kefu_sla_policy_free);
  g_clear_object (&self->db);
  G_OBJECT_CLASS (kefu_sla_policy_editor_parent_class)->dispose (object);
}

static void
kefu_sla_policy_editor_class_init (KefuSlaPolicyEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kefu_sla_policy_editor_dispose;

  signals[SAVED] = g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                 0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/kefu/Kefu/dialogs/kefu-sla-policy-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, KefuSlaPolicyEditor, applies_group);
  gtk_widget_class_bind_template_child (widget_class, KefuSlaPolicyEditor, error_label);
  gtk_widget_class_bind_template_child (widget_class, KefuSlaPolicyEditor, first_spin);
  gtk_widget_class_bind_template_child (widget_class, KefuSlaPolicyEditor, first_unit);
  gtk_widget_class_bind_template_child (widget_class, KefuSlaPolicyEditor, kind_row);
  gtk_widget_class_bind_template_child (widget_class, KefuSlaPolicyEditor, priority_row);
  gtk_widget_class_bind_template_child (widget_class, KefuSlaPolicyEditor, resolution_spin);
  gtk_widget_class_bind_template_child (widget_class, KefuSlaPolicyEditor, resolution_unit);
  gtk_widget_class_bind_template_child (widget_class, KefuSlaPolicyEditor, segment_row);

  gtk_widget_class_install_action (widget_class, "editor.save", NULL, save_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "editor.save", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK, "editor.save", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
kefu_sla_policy_editor_init (KefuSlaPolicyEditor *self)
{
  const char *units[] = { _("working hours"), _("business days"), NULL };
  g_autoptr(GListModel) kind_model = NULL;
  g_autoptr(GListModel) segment_model = NULL;
  g_autoptr(GListModel) priority_model = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));

  kind_model = labels_model (kinds, _("Any kind"), kefu_case_kind_label);
  segment_model = labels_model (segments, _("Any segment"), kefu_segment_label);
  priority_model = labels_model (priorities, _("Any priority"), kefu_case_priority_label);
  adw_combo_row_set_model (self->kind_row, kind_model);
  adw_combo_row_set_model (self->segment_row, segment_model);
  adw_combo_row_set_model (self->priority_row, priority_model);

  gtk_drop_down_set_model (self->first_unit, G_LIST_MODEL (gtk_string_list_new (units)));
  gtk_drop_down_set_model (self->resolution_unit, G_LIST_MODEL (gtk_string_list_new (units)));
  g_object_unref (gtk_drop_down_get_model (self->first_unit));
  g_object_unref (gtk_drop_down_get_model (self->resolution_unit));

  g_signal_connect (self->first_spin, "output", G_CALLBACK (spin_output_cb), NULL);
  g_signal_connect (self->resolution_spin, "output", G_CALLBACK (spin_output_cb), NULL);
  g_signal_connect_object (self->first_unit, "notify::selected", G_CALLBACK (unit_changed_cb), self->first_spin, 0);
  g_signal_connect_object (self->resolution_unit, "notify::selected", G_CALLBACK (unit_changed_cb), self->resolution_spin, 0);
}

/* --- public API ------------------------------------------------------ */

/**
 * kefu_sla_policy_editor_new:
 *
 * Returns: (transfer none): a new modal window; present it
 */
GtkWindow *
kefu_sla_policy_editor_new (GtkWindow           *parent,
                            KefuDb              *db,
                            const KefuSlaPolicy *policy)
{
  KefuSlaPolicyEditor *self;

  g_return_val_if_fail (KEFU_IS_DB (db), NULL);

  self = g_object_new (KEFU_TYPE_SLA_POLICY_EDITOR,
                       "transient-for", parent,
                       "modal", TRUE,
                       NULL);
  self->db = g_object_ref (db);
  if (policy != NULL)
    {
      self->policy = kefu_sla_policy_new (policy->case_kind, policy->segment, policy->priority,
                                          policy->first_response_minutes, policy->resolution_minutes);
      self->policy->id = g_strdup (policy->id);
      self->policy->version = policy->version;
    }
  else
    self->policy = kefu_sla_policy_new ("complaint", "*", "*", 2 * 60, 3 * KEFU_BUSINESS_DAY_MINUTES);

  adw_combo_row_set_selected (self->kind_row, index_of (kinds, self->policy->case_kind));
  adw_combo_row_set_selected (self->segment_row, index_of (segments, self->policy->segment));
  adw_combo_row_set_selected (self->priority_row, index_of (priorities, self->policy->priority));
  set_time (self->first_spin, self->first_unit, self->policy->first_response_minutes);
  set_time (self->resolution_spin, self->resolution_unit, self->policy->resolution_minutes);

  if (self->policy->id != NULL)
    {
      gtk_window_set_title (GTK_WINDOW (self), _("Edit Service Standard"));
      gtk_widget_set_sensitive (GTK_WIDGET (self->kind_row), FALSE);
      gtk_widget_set_sensitive (GTK_WIDGET (self->segment_row), FALSE);
      gtk_widget_set_sensitive (GTK_WIDGET (self->priority_row), FALSE);
      adw_preferences_group_set_description (self->applies_group,
                                             _("To set times for something else, add a new standard."));
      gtk_widget_grab_focus (GTK_WIDGET (self->first_spin));
    }
  else
    {
      gtk_window_set_title (GTK_WINDOW (self), _("New Service Standard"));
      gtk_widget_grab_focus (GTK_WIDGET (self->kind_row));
    }
  return GTK_WINDOW (self);
}

gboolean
kefu_sla_policy_editor_save (KefuSlaPolicyEditor  *self,
                             GError              **error)
{
  g_autoptr(KefuSlaPolicy) p = NULL;

  g_return_val_if_fail (KEFU_IS_SLA_POLICY_EDITOR (self), FALSE);

  p = kefu_sla_policy_new (key_at (kinds, adw_combo_row_get_selected (self->kind_row)),
                           key_at (segments, adw_combo_row_get_selected (self->segment_row)),
                           key_at (priorities, adw_combo_row_get_selected (self->priority_row)),
                           get_minutes (self->first_spin, self->first_unit),
                           get_minutes (self->resolution_spin, self->resolution_unit));
  p->id = g_strdup (self->policy->id);
  p->version = self->policy->version;
  if (!kefu_sla_policy_save (self->db, p, error))
    return FALSE;

  kefu_sla_policy_free (self->policy);
  self->policy = g_steal_pointer (&p);
  show_error (self, NULL);
  g_signal_emit (self, signals[SAVED], 0, self->policy->id);
  return TRUE;
}

void
_kefu_sla_policy_editor_set_times (KefuSlaPolicyEditor *self,
                                   double               first_response,
                                   KefuSlaUnit          first_unit,
                                   double               resolution,
                                   KefuSlaUnit          resolution_unit)
{
  gtk_drop_down_set_selected (self->first_unit, first_unit);
  gtk_spin_button_set_value (self->first_spin, first_response);
  gtk_drop_down_set_selected (self->resolution_unit, resolution_unit);
  gtk_spin_button_set_value (self->resolution_spin, resolution);
}

char *
_kefu_sla_format_minutes (gint minutes)
{
  if (minutes > 0 && minutes % KEFU_BUSINESS_DAY_MINUTES == 0)
    {
      gint days = minutes / KEFU_BUSINESS_DAY_MINUTES;

      return g_strdup_printf (ngettext ("%d business day", "%d business days", days), days);
    }
  if (minutes < 60)
    /* Translators: a time limit in working minutes */
    return g_strdup_printf (_("%d min"), minutes);
  if (minutes % 60 == 0)
    /* Translators: a time limit in working hours */
    return g_strdup_printf (_("%d h"), minutes / 60);
  /* Translators: a time limit in working hours and minutes */
  return g_strdup_printf (_("%d h %d min"), minutes / 60, minutes % 60);
}
