/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "kefu-notifications-button"

#include "config.h"

#include <glib/gi18n.h>

#include "kefu-customer-page.h"
#include "kefu-notifications-button.h"
#include "kefu-notifications.h"

/* Escalations reach people in the app: the bell counts what the signed-in
 * user has not read; the popover lists it, newest first. Counting uses the
 * partial index on unread notifications, so the window may refresh it as
 * often as it likes. */

struct _KefuNotificationsButton
{
  GtkWidget      parent_instance;

  /* template children */
  GtkLabel      *badge;
  GtkListBox    *list;
  GtkMenuButton *menu_button;
  GtkPopover    *popover;

  KefuDb        *db;
  guint          n_unread;
};

G_DEFINE_FINAL_TYPE (KefuNotificationsButton, kefu_notifications_button, GTK_TYPE_WIDGET)

enum { CASE_ACTIVATED, N_SIGNALS };
static guint signals[N_SIGNALS];

/* --- helpers --------------------------------------------------------- */

static const char *
kind_label (const char *kind)
{
  static const struct { const char *key; const char *label; } kinds[] = {
    { "escalation", N_("Escalated") },
    { "warning", N_("Time running out") },
    { "approval", N_("Approval needed") },
    { "decision", N_("Claim decided") },
    { "follow_up", N_("Follow-up call") },
    { "recovery", N_("Recovery call") },
    { "assigned", N_("Assigned to you") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    if (g_strcmp0 (kinds[i].key, kind) == 0)
      return _(kinds[i].label);
  return kind;
}

static GtkWidget *
create_row (KefuNotification *n)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 3);
  GtkWidget *line = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *kind = gtk_label_new (kind_label (n->kind));
  GtkWidget *text = gtk_label_new (n->text);
  GtkWidget *meta;
  g_autofree char *when = _kefu_format_date (n->created_at, TRUE);
  g_autofree char *meta_text = NULL;

  gtk_widget_set_margin_start (box, 8);
  gtk_widget_set_margin_end (box, 8);
  gtk_widget_set_margin_top (box, 8);
  gtk_widget_set_margin_bottom (box, 8);

  gtk_label_set_xalign (GTK_LABEL (kind), 0);
  gtk_widget_add_css_class (kind, "caption-heading");
  gtk_widget_add_css_class (kind, "notification-kind");
  gtk_widget_add_css_class (kind, n->kind);

  if (n->case_number)
    /* Translators: under a notification: case number · date and time */
    meta_text = g_strdup_printf (_("%s · %s"), n->case_number, when);
  else
    meta_text = g_strdup (when);
  meta = gtk_label_new (meta_text);
  gtk_label_set_xalign (GTK_LABEL (meta), 1);
  gtk_widget_set_hexpand (meta, TRUE);
  gtk_widget_add_css_class (meta, "caption");
  gtk_widget_add_css_class (meta, "dim-label");
  gtk_widget_add_css_class (meta, "numeric");

  gtk_label_set_xalign (GTK_LABEL (text), 0);
  gtk_label_set_wrap (GTK_LABEL (text), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (text), PANGO_WRAP_WORD_CHAR);
  /* As wide as it may get, so that the popover's height is measured for
   * the width the text really has. */
  gtk_label_set_width_chars (GTK_LABEL (text), 44);
  gtk_label_set_max_width_chars (GTK_LABEL (text), 44);
  gtk_label_set_lines (GTK_LABEL (text), 3);
  gtk_label_set_ellipsize (GTK_LABEL (text), PANGO_ELLIPSIZE_END);

  gtk_box_append (GTK_BOX (line), kind);
  gtk_box_append (GTK_BOX (line), meta);
  gtk_box_append (GTK_BOX (box), line);
  gtk_box_append (GTK_BOX (box), text);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_widget_set_tooltip_text (row, n->text);

  g_object_set_data_full (G_OBJECT (row), "notification-id", g_strdup (n->id), g_free);
  g_object_set_data_full (G_OBJECT (row), "case-id", g_strdup (n->case_id), g_free);
  return row;
}

static void
load_list (KefuNotificationsButton *self)
{
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list))))
    gtk_list_box_remove (self->list, child);
  if (self->db == NULL)
    return;
  items = kefu_notifications_list_unread (self->db, NULL, &error);
  if (items == NULL)
    {
      g_message ("Cannot list notifications: %s", error->message);
      return;
    }
  for (guint i = 0; i < items->len; i++)
    gtk_list_box_append (self->list, create_row (items->pdata[i]));
}

static void
update_badge (KefuNotificationsButton *self)
{
  g_autofree char *count = NULL;
  g_autofree char *tooltip = NULL;

  if (self->n_unread > 99)
    count = g_strdup ("99+");
  else
    count = g_strdup_printf ("%u", self->n_unread);
  gtk_label_set_label (self->badge, count);
  gtk_widget_set_visible (GTK_WIDGET (self->badge), self->n_unread > 0);

  if (self->n_unread > 0)
    tooltip = g_strdup_printf (ngettext ("Notifications: %u unread", "Notifications: %u unread", self->n_unread),
                               self->n_unread);
  else
    tooltip = g_strdup (_("Notifications"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->menu_button), tooltip);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "notifications.mark-all-read", self->n_unread > 0);
}

static void
count_unread (KefuNotificationsButton *self)
{
  self->n_unread = self->db && kefu_db_get_actor (self->db) ? kefu_notifications_count_unread (self->db, NULL) : 0;
  update_badge (self);
}

/* --- signal callbacks ------------------------------------------------ */

static void
on_popover_show_cb (KefuNotificationsButton *self)
{
  count_unread (self);
  load_list (self);
}

static void
on_row_activated_cb (KefuNotificationsButton *self,
                     GtkListBoxRow           *row)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *case_id = g_strdup (g_object_get_data (G_OBJECT (row), "case-id"));
  const char *id = g_object_get_data (G_OBJECT (row), "notification-id");

  if (!kefu_notifications_mark_read (self->db, id, &error))
    g_message ("Cannot mark a notification read: %s", error->message);
  gtk_popover_popdown (self->popover);
  kefu_notifications_button_refresh (self);
  if (case_id != NULL)
    g_signal_emit (self, signals[CASE_ACTIVATED], 0, case_id);
}

/* --- actions --------------------------------------------------------- */

static void
mark_all_read_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *param)
{
  KefuNotificationsButton *self = KEFU_NOTIFICATIONS_BUTTON (widget);
  g_autoptr(GError) error = NULL;

  if (self->db == NULL)
    return;
  if (!kefu_notifications_mark_all_read (self->db, NULL, &error))
    g_message ("Cannot mark notifications read: %s", error->message);
  kefu_notifications_button_refresh (self);
  gtk_popover_popdown (self->popover);
}

/* --- GObject --------------------------------------------------------- */

static void
kefu_notifications_button_dispose (GObject *object)
{
  KefuNotificationsButton *self = (KefuNotificationsButton *) object;

  gtk_widget_dispose_template (GTK_WIDGET (self), KEFU_TYPE_NOTIFICATIONS_BUTTON);
  g_clear_object (&self->db);
  G_OBJECT_CLASS (kefu_notifications_button_parent_class)->dispose (object);
}

static void
kefu_notifications_button_class_init (KefuNotificationsButtonClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kefu_notifications_button_dispose;

  signals[CASE_ACTIVATED] = g_signal_new ("case-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/kefu/Kefu/kefu-notifications-button.ui");
  gtk_widget_class_bind_template_child (widget_class, KefuNotificationsButton, badge);
  gtk_widget_class_bind_template_child (widget_class, KefuNotificationsButton, list);
  gtk_widget_class_bind_template_child (widget_class, KefuNotificationsButton, menu_button);
  gtk_widget_class_bind_template_child (widget_class, KefuNotificationsButton, popover);
  gtk_widget_class_bind_template_callback (widget_class, on_popover_show_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_row_activated_cb);

  gtk_widget_class_install_action (widget_class, "notifications.mark-all-read", NULL, mark_all_read_action);
}

static void
kefu_notifications_button_init (KefuNotificationsButton *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  update_badge (self);
}

/* --- public API ------------------------------------------------------ */

void
kefu_notifications_button_set_db (KefuNotificationsButton *self,
                                  KefuDb                  *db)
{
  g_return_if_fail (KEFU_IS_NOTIFICATIONS_BUTTON (self));

  g_set_object (&self->db, db);
  kefu_notifications_button_refresh (self);
}

void
kefu_notifications_button_refresh (KefuNotificationsButton *self)
{
  g_return_if_fail (KEFU_IS_NOTIFICATIONS_BUTTON (self));

  count_unread (self);
  if (gtk_widget_get_visible (GTK_WIDGET (self->popover)))
    load_list (self);
}

guint
kefu_notifications_button_get_n_unread (KefuNotificationsButton *self)
{
  g_return_val_if_fail (KEFU_IS_NOTIFICATIONS_BUTTON (self), 0);

  return self->n_unread;
}

void
kefu_notifications_button_popup (KefuNotificationsButton *self)
{
  g_return_if_fail (KEFU_IS_NOTIFICATIONS_BUTTON (self));

  gtk_menu_button_popup (self->menu_button);
}

guint
_kefu_notifications_button_get_n_rows (KefuNotificationsButton *self)
{
  guint n = 0;

  while (gtk_list_box_get_row_at_index (self->list, (int) n))
    n++;
  return n;
}

void
_kefu_notifications_button_activate_row (KefuNotificationsButton *self,
                                         guint                    index)
{
  GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->list, (int) index);

  g_return_if_fail (row != NULL);
  on_row_activated_cb (self, row);
}
