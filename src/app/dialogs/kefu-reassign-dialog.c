/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "kefu-reassign-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "kefu-customers.h"
#include "kefu-dialogs.h"
#include "kefu-org.h"

/* Moves every customer file of one account manager to another, for
 * example when someone leaves the branch. */

#define KEFU_TYPE_REASSIGN_DIALOG (kefu_reassign_dialog_get_type ())
G_DECLARE_FINAL_TYPE (KefuReassignDialog, kefu_reassign_dialog, KEFU, REASSIGN_DIALOG, AdwWindow)

struct _KefuReassignDialog
{
  AdwWindow    parent_instance;

  /* template children */
  GtkLabel    *count_label;
  GtkLabel    *error_label;
  AdwComboRow *from_row;
  GtkWidget   *reassign_button;
  GtkLabel    *result_label;
  AdwComboRow *to_row;

  KefuDb      *db;
  GPtrArray   *staff;      /* KefuStaff, in the rows' order */
  guint        n_from;     /* customers of the "From" manager */
};

G_DEFINE_FINAL_TYPE (KefuReassignDialog, kefu_reassign_dialog, ADW_TYPE_WINDOW)

enum { CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

/* --- helpers --------------------------------------------------------- */

static KefuStaff *
get_selected_staff (KefuReassignDialog *self,
                    AdwComboRow        *row)
{
  guint pos = adw_combo_row_get_selected (row);

  if (self->staff == NULL || pos == GTK_INVALID_LIST_POSITION || pos >= self->staff->len)
    return NULL;
  return g_ptr_array_index (self->staff, pos);
}

static void
show_error (KefuReassignDialog *self,
            const char         *message)
{
  gtk_label_set_label (self->error_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

static void
update_state (KefuReassignDialog *self)
{
  KefuStaff *from = get_selected_staff (self, self->from_row);
  KefuStaff *to = get_selected_staff (self, self->to_row);
  gboolean same = from != NULL && to != NULL && g_strcmp0 (from->id, to->id) == 0;

  if (same)
    show_error (self, _("Choose a different account manager to take over the customers."));
  else
    show_error (self, NULL);

  gtk_widget_set_sensitive (self->reassign_button,
                            from != NULL && to != NULL && !same && self->n_from > 0);
}

static void
update_count (KefuReassignDialog *self)
{
  KefuStaff *from = get_selected_staff (self, self->from_row);
  KefuCustomerQuery query = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  self->n_from = 0;
  if (from == NULL)
    {
      gtk_label_set_label (self->count_label, "");
      update_state (self);
      return;
    }

  query.manager_id = from->id;
  if (!kefu_customers_count (self->db, &query, &self->n_from, &error))
    {
      gtk_label_set_label (self->count_label, "");
      update_state (self);
      show_error (self, error->message);
      return;
    }

  if (self->n_from == 0)
    /* Translators: %s is a person's name */
    text = g_strdup_printf (_("%s has no customers."), from->name);
  else
    /* Translators: %1$s is a person's name, %2$u a number of customers */
    text = g_strdup_printf (ngettext ("%1$s has %2$u customer.", "%1$s has %2$u customers.",
                                      self->n_from),
                            from->name, self->n_from);
  gtk_label_set_label (self->count_label, text);
  update_state (self);
}

static void
load_staff (KefuReassignDialog *self)
{
  g_autoptr(GtkStringList) model = gtk_string_list_new (NULL);
  g_autoptr(GError) error = NULL;

  g_clear_pointer (&self->staff, g_ptr_array_unref);
  self->staff = kefu_org_list_staff (self->db, NULL, &error);
  if (self->staff == NULL)
    {
      show_error (self, error->message);
      return;
    }

  for (guint i = 0; i < self->staff->len; i++)
    {
      KefuStaff *s = g_ptr_array_index (self->staff, i);
      /* Translators: a staff member in a list: name (role) */
      g_autofree char *label = g_strdup_printf (_("%s (%s)"), s->name, kefu_role_label (s->role));

      gtk_string_list_append (model, label);
    }

  adw_combo_row_set_model (self->from_row, G_LIST_MODEL (model));
  adw_combo_row_set_model (self->to_row, G_LIST_MODEL (model));
  adw_combo_row_set_selected (self->from_row, 0);
  adw_combo_row_set_selected (self->to_row, self->staff->len > 1 ? 1 : 0);
  update_count (self);
}

/* --- signal callbacks ------------------------------------------------ */

static void
on_from_selected_cb (KefuReassignDialog *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self->result_label), FALSE);
  update_count (self);
}

static void
on_to_selected_cb (KefuReassignDialog *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self->result_label), FALSE);
  update_state (self);
}

static void
confirm_response_cb (AdwMessageDialog   *dialog,
                     const char         *response,
                     KefuReassignDialog *self)
{
  KefuStaff *from = get_selected_staff (self, self->from_row);
  KefuStaff *to = get_selected_staff (self, self->to_row);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  guint n_moved = 0;

  if (g_strcmp0 (response, "reassign") != 0 || from == NULL || to == NULL)
    return;

  if (!kefu_customers_reassign (self->db, from->id, to->id, &n_moved, &error))
    {
      show_error (self, error->message);
      return;
    }

  /* Translators: %1$u is a number of customers, %2$s and %3$s are names */
  text = g_strdup_printf (ngettext ("Moved %1$u customer from %2$s to %3$s.",
                                    "Moved %1$u customers from %2$s to %3$s.", n_moved),
                          n_moved, from->name, to->name);
  gtk_label_set_label (self->result_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->result_label), TRUE);
  update_count (self);
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
on_reassign_clicked_cb (KefuReassignDialog *self)
{
  KefuStaff *from = get_selected_staff (self, self->from_row);
  KefuStaff *to = get_selected_staff (self, self->to_row);
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;
  GtkWidget *dialog;

  if (from == NULL || to == NULL)
    return;

  heading = g_strdup_printf (ngettext ("Reassign %u Customer?", "Reassign %u Customers?", self->n_from),
                             self->n_from);
  /* Translators: %1$s and %2$s are names of account managers */
  body = g_strdup_printf (_("All customer files of %1$s move to %2$s, who becomes their account manager. Each file’s history records the change."),
                          from->name, to->name);

  dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "reassign", _("_Reassign"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "reassign",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "reassign");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (confirm_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* --- GObject --------------------------------------------------------- */

static void
kefu_reassign_dialog_dispose (GObject *object)
{
  KefuReassignDialog *self = (KefuReassignDialog *) object;

  /* The rows may notify "selected" while they are taken apart. */
  if (self->from_row)
    g_signal_handlers_disconnect_by_data (self->from_row, self);
  if (self->to_row)
    g_signal_handlers_disconnect_by_data (self->to_row, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), KEFU_TYPE_REASSIGN_DIALOG);
  g_clear_pointer (&self->staff, g_ptr_array_unref);
  g_clear_object (&self->db);
  G_OBJECT_CLASS (kefu_reassign_dialog_parent_class)->dispose (object);
}

static void
kefu_reassign_dialog_class_init (KefuReassignDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kefu_reassign_dialog_dispose;

  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/kefu/Kefu/dialogs/kefu-reassign-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, KefuReassignDialog, count_label);
  gtk_widget_class_bind_template_child (widget_class, KefuReassignDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, KefuReassignDialog, from_row);
  gtk_widget_class_bind_template_child (widget_class, KefuReassignDialog, reassign_button);
  gtk_widget_class_bind_template_child (widget_class, KefuReassignDialog, result_label);
  gtk_widget_class_bind_template_child (widget_class, KefuReassignDialog, to_row);
  gtk_widget_class_bind_template_callback (widget_class, on_from_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_reassign_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_to_selected_cb);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
kefu_reassign_dialog_init (KefuReassignDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/* --- public API ------------------------------------------------------ */

/**
 * kefu_reassign_dialog_new:
 *
 * Returns: (transfer none): a new modal window; present it
 */
GtkWindow *
kefu_reassign_dialog_new (GtkWindow *parent,
                          KefuDb    *db)
{
  KefuReassignDialog *self;

  g_return_val_if_fail (KEFU_IS_DB (db), NULL);

  self = g_object_new (KEFU_TYPE_REASSIGN_DIALOG,
                       "transient-for", parent,
                       "modal", TRUE,
                       NULL);
  self->db = g_object_ref (db);
  load_staff (self);
  return GTK_WINDOW (self);
}
