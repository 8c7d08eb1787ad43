/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "kefu-segment-rules-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "kefu-dialogs.h"
#include "kefu-segments.h"
#include "kefu-text.h"

/* The administrator's editor for the segmentation rules. The rows hold
 * the state; Save reads them back, and kefu_segment_rules_save() replaces
 * the whole set and re-applies it to every customer, in a thread on its
 * own connection because that touches every file. */

#define KEFU_TYPE_SEGMENT_RULES_DIALOG (kefu_segment_rules_dialog_get_type ())
G_DECLARE_FINAL_TYPE (KefuSegmentRulesDialog, kefu_segment_rules_dialog, KEFU, SEGMENT_RULES_DIALOG, AdwWindow)

struct _KefuSegmentRulesDialog
{
  AdwWindow        parent_instance;

  /* template children */
  GtkWidget       *content_box;
  GtkLabel        *error_label;
  GtkListBox      *rules_list;
  GtkSpinner      *spinner;
  AdwToastOverlay *toast_overlay;

  KefuDb          *db;
  GtkStringList   *segment_model;
  GtkStringList   *field_model;
  GtkStringList   *op_model;
  gboolean         dirty;
  gboolean         saving;
  gboolean         loading;     /* filling or disposing: no dirty marks */
};

G_DEFINE_FINAL_TYPE (KefuSegmentRulesDialog, kefu_segment_rules_dialog, ADW_TYPE_WINDOW)

enum { CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

/* Stored operators and how they are shown, in the same order. */
static const char *ops[] = { ">=", "<=", "=", "!=" };
static const char *op_symbols[] = { "≥", "≤", "=", "≠", NULL };

/* The widgets of one rule, attached to its GtkListBoxRow. */
typedef struct
{
  char        *id;          /* NULL for a rule not saved yet */
  GtkLabel    *number;
  GtkSwitch   *enabled;
  GtkDropDown *segment;
  GtkDropDown *field;
  GtkDropDown *op;
  GtkEntry    *value;
  GtkLabel    *unit;
  GtkEntry    *description;
  GtkWidget   *up;
  GtkWidget   *down;
} RuleRow;

/* --- helpers --------------------------------------------------------- */

static void
rule_row_free (RuleRow *rr)
{
  g_free (rr->id);
  g_free (rr);
}

static RuleRow *
rule_row_get (GtkWidget *row)
{
  return g_object_get_data (G_OBJECT (row), "rule-row");
}

static guint
index_of (const char * const *strv,
          const char         *value)
{
  for (guint i = 0; strv[i]; i++)
    if (g_strcmp0 (strv[i], value) == 0)
      return i;
  return 0;
}

static guint
op_index (const char *op)
{
  for (guint i = 0; i < G_N_ELEMENTS (ops); i++)
    if (g_strcmp0 (ops[i], op) == 0)
      return i;
  return 0;
}

static const char *
selected_field (RuleRow *rr)
{
  const char **fields = kefu_segment_rule_fields ();
  guint pos = gtk_drop_down_get_selected (rr->field);

  if (pos >= g_strv_length ((char **) fields))
    return NULL;
  return fields[pos];
}

static const char *
unit_for_field (const char *field)
{
  if (g_strcmp0 (field, "monthly_spend") == 0)
    return _("yuan");
  if (g_strcmp0 (field, "monthly_volume") == 0)
    return _("parcels");
  if (g_strcmp0 (field, "age_days") == 0 || g_strcmp0 (field, "days_since_contact") == 0)
    return _("days");
  return "";
}

static void
show_error (KefuSegmentRulesDialog *self,
            const char             *message)
{
  gtk_label_set_label (self->error_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

static void
set_dirty (KefuSegmentRulesDialog *self,
           gboolean                dirty)
{
  if (self->loading)
    return;
  self->dirty = dirty;
}

static void
set_saving (KefuSegmentRulesDialog *self,
            gboolean                saving)
{
  self->saving = saving;
  gtk_widget_set_sensitive (self->content_box, !saving);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "rules.save", !saving);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "rules.add", !saving);
  gtk_spinner_set_spinning (self->spinner, saving);
}

/* Numbers the rows and enables the move buttons at the ends. */
static void
renumber (KefuSegmentRulesDialog *self)
{
  guint n = 0;
  GtkListBoxRow *row;

  while (gtk_list_box_get_row_at_index (self->rules_list, (int) n))
    n++;
  for (guint i = 0; (row = gtk_list_box_get_row_at_index (self->rules_list, (int) i)); i++)
    {
      RuleRow *rr = rule_row_get (GTK_WIDGET (row));
      g_autofree char *text = g_strdup_printf ("%u", i + 1);

      gtk_label_set_label (rr->number, text);
      gtk_widget_set_sensitive (rr->up, i > 0);
      gtk_widget_set_sensitive (rr->down, i + 1 < n);
    }
}

static void
update_unit (RuleRow *rr)
{
  gtk_label_set_label (rr->unit, unit_for_field (selected_field (rr)));
}

/* --- row signal callbacks -------------------------------------------- */

static void
row_changed_cb (KefuSegmentRulesDialog *self)
{
  set_dirty (self, TRUE);
}

static void
field_changed_cb (GtkDropDown            *dropdown,
                  GParamSpec             *pspec,
                  KefuSegmentRulesDialog *self)
{
  RuleRow *rr = g_object_get_data (G_OBJECT (dropdown), "rule-row");

  if (self->loading)
    return;
  update_unit (rr);
  set_dirty (self, TRUE);
}

static void
move_row (KefuSegmentRulesDialog *self,
          GtkWidget              *button,
          int                     delta)
{
  GtkWidget *row = gtk_widget_get_ancestor (button, GTK_TYPE_LIST_BOX_ROW);
  int index;

  if (row == NULL)
    return;
  index = gtk_list_box_row_get_index (GTK_LIST_BOX_ROW (row)) + delta;
  if (index < 0 || gtk_list_box_get_row_at_index (self->rules_list, index) == NULL)
    return;

  g_object_ref (row);
  gtk_list_box_remove (self->rules_list, row);
  gtk_list_box_insert (self->rules_list, row, index);
  g_object_unref (row);

  renumber (self);
  set_dirty (self, TRUE);
  gtk_widget_grab_focus (button);
  if (!gtk_widget_get_sensitive (button))
    gtk_widget_grab_focus (GTK_WIDGET (rule_row_get (row)->enabled));
}

static void
up_clicked_cb (GtkWidget              *button,
               KefuSegmentRulesDialog *self)
{
  move_row (self, button, -1);
}

static void
down_clicked_cb (GtkWidget              *button,
                 KefuSegmentRulesDialog *self)
{
  move_row (self, button, +1);
}

static void
delete_clicked_cb (GtkWidget              *button,
                   KefuSegmentRulesDialog *self)
{
  GtkWidget *row = gtk_widget_get_ancestor (button, GTK_TYPE_LIST_BOX_ROW);

  if (row == NULL)
    return;
  gtk_list_box_remove (self->rules_list, row);
  renumber (self);
  set_dirty (self, TRUE);
}

/* --- building rows --------------------------------------------------- */

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

static GtkWidget *
create_row (KefuSegmentRulesDialog *self,
            const KefuSegmentRule  *rule)
{
  RuleRow *rr = g_new0 (RuleRow, 1);
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *vbox = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *line = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *when;
  GtkWidget *spacer;
  GtkWidget *delete_button;
  g_autofree char *value_text = NULL;

  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_widget_set_margin_start (vbox, 12);
  gtk_widget_set_margin_end (vbox, 6);
  gtk_widget_set_margin_top (vbox, 8);
  gtk_widget_set_margin_bottom (vbox, 8);

  rr->id = g_strdup (rule->id);

  rr->number = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_width_chars (rr->number, 2);
  gtk_label_set_xalign (rr->number, 1);
  gtk_widget_add_css_class (GTK_WIDGET (rr->number), "dim-label");
  gtk_widget_add_css_class (GTK_WIDGET (rr->number), "numeric");

  rr->enabled = GTK_SWITCH (gtk_switch_new ());
  gtk_switch_set_active (rr->enabled, rule->enabled);
  gtk_widget_set_valign (GTK_WIDGET (rr->enabled), GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (GTK_WIDGET (rr->enabled), _("Use this rule"));

  rr->segment = GTK_DROP_DOWN (gtk_drop_down_new (g_object_ref (G_LIST_MODEL (self->segment_model)), NULL));
  gtk_drop_down_set_selected (rr->segment, index_of (kefu_segment_keys (), rule->segment));
  gtk_widget_set_tooltip_text (GTK_WIDGET (rr->segment), _("The segment the rule gives"));

  /* Translators: between the segment and the condition of a rule:
   * "Key account  if  Spending a month ≥ 5000 yuan" */
  when = gtk_label_new (_("if"));

  rr->field = GTK_DROP_DOWN (gtk_drop_down_new (g_object_ref (G_LIST_MODEL (self->field_model)), NULL));
  gtk_drop_down_set_selected (rr->field, index_of (kefu_segment_rule_fields (), rule->field));
  gtk_widget_set_tooltip_text (GTK_WIDGET (rr->field), _("What the rule looks at"));

  rr->op = GTK_DROP_DOWN (gtk_drop_down_new (g_object_ref (G_LIST_MODEL (self->op_model)), NULL));
  gtk_drop_down_set_selected (rr->op, op_index (rule->op));
  gtk_widget_set_tooltip_text (GTK_WIDGET (rr->op), _("How the rule compares"));

  if (g_strcmp0 (rule->field, "monthly_spend") == 0 && rule->value)
    {
      gint64 cents = g_ascii_strtoll (rule->value, NULL, 10);

      value_text = kefu_format_money (cents);
    }
  else
    value_text = g_strdup (rule->value ? rule->value : "");
  rr->value = GTK_ENTRY (gtk_entry_new ());
  gtk_editable_set_text (GTK_EDITABLE (rr->value), value_text);
  gtk_editable_set_width_chars (GTK_EDITABLE (rr->value), 10);
  gtk_widget_set_tooltip_text (GTK_WIDGET (rr->value), _("The value to compare with"));

  rr->unit = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (rr->unit, 0);
  gtk_label_set_width_chars (rr->unit, 6);
  gtk_widget_add_css_class (GTK_WIDGET (rr->unit), "dim-label");

  spacer = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  gtk_widget_set_hexpand (spacer, TRUE);

  rr->up = create_icon_button ("go-up-symbolic", _("Move Up"));
  rr->down = create_icon_button ("go-down-symbolic", _("Move Down"));
  delete_button = create_icon_button ("user-trash-symbolic", _("Remove Rule"));

  rr->description = GTK_ENTRY (gtk_entry_new ());
  gtk_editable_set_text (GTK_EDITABLE (rr->description), rule->description ? rule->description : "");
  gtk_entry_set_placeholder_text (rr->description,
                                  _("Description, shown as the reason for the segment (optional)"));
  gtk_widget_set_margin_start (GTK_WIDGET (rr->description), 28);
  gtk_widget_set_margin_end (GTK_WIDGET (rr->description), 6);

  gtk_box_append (GTK_BOX (line), GTK_WIDGET (rr->number));
  gtk_box_append (GTK_BOX (line), GTK_WIDGET (rr->enabled));
  gtk_box_append (GTK_BOX (line), GTK_WIDGET (rr->segment));
  gtk_box_append (GTK_BOX (line), when);
  gtk_box_append (GTK_BOX (line), GTK_WIDGET (rr->field));
  gtk_box_append (GTK_BOX (line), GTK_WIDGET (rr->op));
  gtk_box_append (GTK_BOX (line), GTK_WIDGET (rr->value));
  gtk_box_append (GTK_BOX (line), GTK_WIDGET (rr->unit));
  gtk_box_append (GTK_BOX (line), spacer);
  gtk_box_append (GTK_BOX (line), rr->up);
  gtk_box_append (GTK_BOX (line), rr->down);
  gtk_box_append (GTK_BOX (line), delete_button);
  gtk_box_append (GTK_BOX (vbox), line);
  gtk_box_append (GTK_BOX (vbox), GTK_WIDGET (rr->description));
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), vbox);

  g_object_set_data_full (G_OBJECT (row), "rule-row", rr, (GDestroyNotify) rule_row_free);
  g_object_set_data (G_OBJECT (rr->field), "rule-row", rr);
  update_unit (rr);

  g_signal_connect_object (rr->enabled, "notify::active", G_CALLBACK (row_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (rr->segment, "notify::selected", G_CALLBACK (row_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (rr->field, "notify::selected", G_CALLBACK (field_changed_cb), self, 0);
  g_signal_connect_object (rr->op, "notify::selected", G_CALLBACK (row_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (rr->value, "changed", G_CALLBACK (row_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (rr->description, "changed", G_CALLBACK (row_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (rr->up, "clicked", G_CALLBACK (up_clicked_cb), self, 0);
  g_signal_connect_object (rr->down, "clicked", G_CALLBACK (down_clicked_cb), self, 0);
  g_signal_connect_object (delete_button, "clicked", G_CALLBACK (delete_clicked_cb), self, 0);

  return row;
}

static void
load_rules (KefuSegmentRulesDialog *self)
{
  g_autoptr(GPtrArray) rules = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *child;

  self->loading = TRUE;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->rules_list))))
    gtk_list_box_remove (self->rules_list, child);

  rules = kefu_segment_rules_list (self->db, &error);
  if (rules == NULL)
    show_error (self, error->message);
  for (guint i = 0; rules && i < rules->len; i++)
    gtk_list_box_append (self->rules_list, create_row (self, g_ptr_array_index (rules, i)));
  renumber (self);
  self->loading = FALSE;
  self->dirty = FALSE;
}

/* Reads the rows back into rules; money is entered in yuan and stored in
 * cents. */
static GPtrArray *
collect_rules (KefuSegmentRulesDialog  *self,
               GError                 **error)
{
  g_autoptr(GPtrArray) rules = g_ptr_array_new_with_free_func ((GDestroyNotify) kefu_segment_rule_free);
  const char **segments = kefu_segment_keys ();
  GtkListBoxRow *row;

  for (guint i = 0; (row = gtk_list_box_get_row_at_index (self->rules_list, (int) i)); i++)
    {
      RuleRow *rr = rule_row_get (GTK_WIDGET (row));
      const char *field = selected_field (rr);
      guint seg = gtk_drop_down_get_selected (rr->segment);
      guint op = gtk_drop_down_get_selected (rr->op);
      g_autofree char *value = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (rr->value))));
      g_autofree char *description = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (rr->description))));
      KefuSegmentRule *rule;

      if (*value == '\0')
        {
          g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID,
                       /* Translators: %u is the rule's number */
                       _("Rule %u: enter the value to compare with."), i + 1);
          gtk_widget_grab_focus (GTK_WIDGET (rr->value));
          return NULL;
        }
      if (g_strcmp0 (field, "monthly_spend") == 0)
        {
          gint64 cents;

          if (!kefu_parse_money (value, &cents))
            {
              g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID,
                           /* Translators: %1$u is the rule's number, %2$s what was typed */
                           _("Rule %1$u: “%2$s” is not an amount of money in yuan."), i + 1, value);
              gtk_widget_grab_focus (GTK_WIDGET (rr->value));
              return NULL;
            }
          g_free (value);
          value = g_strdup_printf ("%" G_GINT64_FORMAT, cents);
        }

      rule = kefu_segment_rule_new (seg < g_strv_length ((char **) segments) ? segments[seg] : NULL,
                                    field,
                                    op < G_N_ELEMENTS (ops) ? ops[op] : NULL,
                                    value);
      rule->id = g_strdup (rr->id);
      rule->enabled = gtk_switch_get_active (rr->enabled);
      rule->description = *description ? g_steal_pointer (&description) : NULL;
      g_ptr_array_add (rules, rule);
    }

  return g_steal_pointer (&rules);
}

/* --- saving, in a thread --------------------------------------------- */

typedef struct
{
  char      *path;
  char      *actor;
  GPtrArray *rules;
  guint      n_changed;
} SaveData;

static void
save_data_free (SaveData *data)
{
  g_free (data->path);
  g_free (data->actor);
  g_clear_pointer (&data->rules, g_ptr_array_unref);
  g_free (data);
}

static void
save_thread (GTask        *task,
             gpointer      source,
             gpointer      task_data,
             GCancellable *cancellable)
{
  SaveData *data = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(KefuDb) db = NULL;

  /* KefuDb is not thread-safe: this thread has its own connection, and
   * writes as the signed-in user. */
  if ((db = kefu_db_open (data->path, &error)) == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  kefu_db_set_actor (db, data->actor);
  if (!kefu_segment_rules_save (db, data->rules, &data->n_changed, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
save_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  KefuSegmentRulesDialog *self = KEFU_SEGMENT_RULES_DIALOG (source);
  SaveData *data = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  set_saving (self, FALSE);
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      show_error (self, error->message);
      return;
    }

  if (data->n_changed == 0)
    message = g_strdup (_("Saved; no customer changed segment"));
  else
    message = g_strdup_printf (ngettext ("Saved; %u customer changed segment",
                                         "Saved; %u customers changed segment",
                                         data->n_changed),
                               data->n_changed);
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (message));

  /* New rules got their ids from the save. */
  load_rules (self);
  g_signal_emit (self, signals[CHANGED], 0);
}

/* --- actions --------------------------------------------------------- */

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  KefuSegmentRulesDialog *self = KEFU_SEGMENT_RULES_DIALOG (widget);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rules = NULL;
  g_autoptr(GTask) task = NULL;
  SaveData *data;

  if (self->saving)
    return;

  /* Check here first, so the message comes at once and names the rule. */
  if ((rules = collect_rules (self, &error)) == NULL)
    {
      show_error (self, error->message);
      return;
    }
  for (guint i = 0; i < rules->len; i++)
    if (!kefu_segment_rule_validate (g_ptr_array_index (rules, i), &error))
      {
        GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->rules_list, (int) i);

        g_prefix_error (&error, _("Rule %u: "), i + 1);
        show_error (self, error->message);
        if (row)
          gtk_widget_grab_focus (GTK_WIDGET (rule_row_get (GTK_WIDGET (row))->value));
        return;
      }
  show_error (self, NULL);

  data = g_new0 (SaveData, 1);
  data->path = g_strdup (kefu_db_get_path (self->db));
  data->actor = g_strdup (kefu_db_get_actor (self->db));
  data->rules = g_steal_pointer (&rules);

  set_saving (self, TRUE);
  task = g_task_new (self, NULL, save_done_cb, NULL);
  g_task_set_source_tag (task, save_action);
  g_task_set_task_data (task, data, (GDestroyNotify) save_data_free);
  g_task_run_in_thread (task, save_thread);
}

static void
add_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *param)
{
  KefuSegmentRulesDialog *self = KEFU_SEGMENT_RULES_DIALOG (widget);
  KefuSegmentRule *rule = kefu_segment_rule_new (KEFU_SEGMENT_VIP, "monthly_volume", ">=", "");
  GtkWidget *row = create_row (self, rule);

  kefu_segment_rule_free (rule);
  gtk_list_box_append (self->rules_list, row);
  renumber (self);
  set_dirty (self, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (rule_row_get (row)->segment));
}

/* --- GtkWindow ------------------------------------------------------- */

static gboolean
close_idle_cb (gpointer user_data)
{
  gtk_window_close (GTK_WINDOW (user_data));
  return G_SOURCE_REMOVE;
}

static void
discard_response_cb (AdwMessageDialog       *dialog,
                     const char             *response,
                     KefuSegmentRulesDialog *self)
{
  if (g_strcmp0 (response, "discard") != 0)
    return;
  self->dirty = FALSE;
  /* Not from inside the response: the message dialog still holds a
   * reference to itself, and it must not outlive its transient parent. */
  g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, close_idle_cb, g_object_ref (self), g_object_unref);
}

static gboolean
kefu_segment_rules_dialog_close_request (GtkWindow *window)
{
  KefuSegmentRulesDialog *self = KEFU_SEGMENT_RULES_DIALOG (window);
  GtkWidget *dialog;

  /* The save runs in one transaction; let it finish and report. */
  if (self->saving)
    return TRUE;

  if (self->dirty)
    {
      dialog = adw_message_dialog_new (window, _("Discard Changes?"),
                                       _("The rules were changed but not saved."));
      adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                        "cancel", _("_Cancel"),
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

  return GTK_WINDOW_CLASS (kefu_segment_rules_dialog_parent_class)->close_request (window);
}

/* --- GObject --------------------------------------------------------- */

static void
kefu_segment_rules_dialog_dispose (GObject *object)
{
  KefuSegmentRulesDialog *self = (KefuSegmentRulesDialog *) object;

  /* The rows' widgets may notify while they are taken apart. */
  self->loading = TRUE;
  gtk_widget_dispose_template (GTK_WIDGET (self), KEFU_TYPE_SEGMENT_RULES_DIALOG);
  g_clear_object (&self->segment_model);
  g_clear_object (&self->field_model);
  g_clear_object (&self->op_model);
  g_clear_object (&self->db);
  G_OBJECT_CLASS (kefu_segment_rules_dialog_parent_class)->dispose (object);
}

static void
kefu_segment_rules_dialog_class_init (KefuSegmentRulesDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = kefu_segment_rules_dialog_dispose;
  window_class->close_request = kefu_segment_rules_dialog_close_request;

  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/kefu/Kefu/dialogs/kefu-segment-rules-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, KefuSegmentRulesDialog, content_box);
  gtk_widget_class_bind_template_child (widget_class, KefuSegmentRulesDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, KefuSegmentRulesDialog, rules_list);
  gtk_widget_class_bind_template_child (widget_class, KefuSegmentRulesDialog, spinner);
  gtk_widget_class_bind_template_child (widget_class, KefuSegmentRulesDialog, toast_overlay);

  gtk_widget_class_install_action (widget_class, "rules.add", NULL, add_action);
  gtk_widget_class_install_action (widget_class, "rules.save", NULL, save_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "rules.save", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
kefu_segment_rules_dialog_init (KefuSegmentRulesDialog *self)
{
  const char **segments = kefu_segment_keys ();
  const char **fields = kefu_segment_rule_fields ();

  gtk_widget_init_template (GTK_WIDGET (self));

  self->segment_model = gtk_string_list_new (NULL);
  for (guint i = 0; segments[i]; i++)
    gtk_string_list_append (self->segment_model, kefu_segment_label (segments[i]));
  self->field_model = gtk_string_list_new (NULL);
  for (guint i = 0; fields[i]; i++)
    gtk_string_list_append (self->field_model, kefu_segment_rule_field_label (fields[i]));
  self->op_model = gtk_string_list_new (op_symbols);
}

/* --- public API ------------------------------------------------------ */

/**
 * kefu_segment_rules_dialog_new:
 *
 * Returns: (transfer none): a new modal window; present it
 */
GtkWindow *
kefu_segment_rules_dialog_new (GtkWindow *parent,
                               KefuDb    *db)
{
  KefuSegmentRulesDialog *self;

  g_return_val_if_fail (KEFU_IS_DB (db), NULL);

  self = g_object_new (KEFU_TYPE_SEGMENT_RULES_DIALOG,
                       "transient-for", parent,
                       "modal", TRUE,
                       NULL);
  self->db = g_object_ref (db);
  load_rules (self);
  return GTK_WINDOW (self);
}
