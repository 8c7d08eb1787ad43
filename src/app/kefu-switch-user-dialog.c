/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "kefu-switch-user"

#include "config.h"

#include <glib/gi18n.h>

#include "kefu-org.h"
#include "kefu-switch-user-dialog.h"

/* Who works at this computer: every write is recorded under the signed-in
 * staff member. Choosing a row signs them in. */

#define KEFU_TYPE_SWITCH_USER_DIALOG (kefu_switch_user_dialog_get_type ())
G_DECLARE_FINAL_TYPE (KefuSwitchUserDialog, kefu_switch_user_dialog, KEFU, SWITCH_USER_DIALOG, AdwWindow)

struct _KefuSwitchUserDialog
{
  AdwWindow   parent_instance;

  /* template children */
  GtkLabel   *error_label;
  GtkListBox *list_box;
  GtkStack   *stack;

  KefuDb     *db;
};

G_DEFINE_FINAL_TYPE (KefuSwitchUserDialog, kefu_switch_user_dialog, ADW_TYPE_WINDOW)

enum { SWITCHED, N_SIGNALS };
static guint signals[N_SIGNALS];

/* --- helpers --------------------------------------------------------- */

static void
show_error (KefuSwitchUserDialog *self,
            const char           *message)
{
  gtk_label_set_label (self->error_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

static GtkWidget *
create_row (const KefuStaff *staff,
            gboolean         current)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *avatar = adw_avatar_new (32, staff->name, TRUE);
  g_autofree char *subtitle = NULL;

  /* Translators: under a staff member's name: role · user name */
  subtitle = g_strdup_printf (_("%s · %s"), kefu_role_label (staff->role),
                              staff->username ? staff->username : "");
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), staff->name);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), avatar);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);

  if (current)
    {
      GtkWidget *check = gtk_image_new_from_icon_name ("object-select-symbolic");

      gtk_widget_set_tooltip_text (check, _("Signed in"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (check),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, _("Signed in"),
                                      -1);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), check);
    }

  g_object_set_data_full (G_OBJECT (row), "staff-id", g_strdup (staff->id), g_free);
  return row;
}

static void
load_staff (KefuSwitchUserDialog *self)
{
  g_autoptr(GPtrArray) staff = NULL;
  g_autoptr(KefuStaff) current = NULL;
  g_autoptr(GError) error = NULL;
  GtkListBoxRow *focus = NULL;

  staff = kefu_org_list_staff (self->db, NULL, &error);
  if (staff == NULL)
    {
      show_error (self, error->message);
      return;
    }
  if (staff->len == 0)
    {
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }

  current = kefu_org_get_current_user (self->db);
  for (guint i = 0; i < staff->len; i++)
    {
      KefuStaff *s = g_ptr_array_index (staff, i);
      gboolean is_current = current != NULL && g_strcmp0 (current->id, s->id) == 0;
      GtkWidget *row = create_row (s, is_current);

      gtk_list_box_append (self->list_box, row);
      if (is_current)
        focus = GTK_LIST_BOX_ROW (row);
    }

  gtk_stack_set_visible_child_name (self->stack, "list");
  if (focus == NULL)
    focus = gtk_list_box_get_row_at_index (self->list_box, 0);
  gtk_window_set_focus (GTK_WINDOW (self), GTK_WIDGET (focus));
}

/* --- signal callbacks ------------------------------------------------ */

static void
on_row_activated_cb (KefuSwitchUserDialog *self,
                     GtkListBoxRow        *row)
{
  const char *id = g_object_get_data (G_OBJECT (row), "staff-id");
  g_autoptr(GError) error = NULL;

  if (id == NULL)
    return;
  if (!kefu_org_set_current_user (self->db, id, &error))
    {
      show_error (self, error->message);
      return;
    }
  g_signal_emit (self, signals[SWITCHED], 0);
  gtk_window_close (GTK_WINDOW (self));
}

/* --- GObject --------------------------------------------------------- */

static void
kefu_switch_user_dialog_dispose (GObject *object)
{
  KefuSwitchUserDialog *self = (KefuSwitchUserDialog *) object;

  gtk_widget_dispose_template (GTK_WIDGET (self), KEFU_TYPE_SWITCH_USER_DIALOG);
  g_clear_object (&self->db);
  G_OBJECT_CLASS (kefu_switch_user_dialog_parent_class)->dispose (object);
}

static void
kefu_switch_user_dialog_class_init (KefuSwitchUserDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kefu_switch_user_dialog_dispose;

  signals[SWITCHED] = g_signal_new ("switched", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/kefu/Kefu/kefu-switch-user-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, KefuSwitchUserDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, KefuSwitchUserDialog, list_box);
  gtk_widget_class_bind_template_child (widget_class, KefuSwitchUserDialog, stack);
  gtk_widget_class_bind_template_callback (widget_class, on_row_activated_cb);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
kefu_switch_user_dialog_init (KefuSwitchUserDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/* --- public API ------------------------------------------------------ */

/**
 * kefu_switch_user_dialog_new:
 *
 * Returns: (transfer none): a new modal window; present it. It emits
 *   "switched" after another staff member was signed in.
 */
GtkWindow *
kefu_switch_user_dialog_new (GtkWindow *parent,
                             KefuDb    *db)
{
  KefuSwitchUserDialog *self;

  g_return_val_if_fail (KEFU_IS_DB (db), NULL);

  self = g_object_new (KEFU_TYPE_SWITCH_USER_DIALOG,
                       "transient-for", parent,
                       "modal", TRUE,
                       NULL);
  self->db = g_object_ref (db);
  load_staff (self);
  return GTK_WINDOW (self);
}
