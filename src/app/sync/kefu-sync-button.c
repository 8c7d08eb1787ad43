/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "kefu-sync-button"

#include "config.h"

#include <glib/gi18n.h>

#include "kefu-conflicts-dialog.h"
#include "kefu-sync-button.h"

struct _KefuSyncButton
{
  GtkWidget        parent_instance;

  /* template children */
  GtkButton       *conflicts_button;
  GtkLabel        *detail;
  GtkImage        *icon;
  GtkLabel        *label;
  GtkMenuButton   *menu_button;
  GtkPopover      *popover;
  GtkProgressBar  *progress;
  GtkLabel        *title;

  KefuSyncClient  *client;
  KefuDb          *db;
};

G_DEFINE_FINAL_TYPE (KefuSyncButton, kefu_sync_button, GTK_TYPE_WIDGET)

/* --- helpers --------------------------------------------------------- */

static void
update (KefuSyncButton *self)
{
  KefuSyncState state = self->client ? kefu_sync_client_get_state (self->client) : KEFU_SYNC_STATE_SIGNED_OUT;
  gint64 pending = self->client ? kefu_sync_client_get_pending (self->client) : 0;
  gint64 conflicts = self->client ? kefu_sync_client_get_open_conflicts (self->client) : 0;
  double progress = self->client ? kefu_sync_client_get_progress (self->client) : -1;
  const char *error = self->client ? kefu_sync_client_get_last_error (self->client) : NULL;
  g_autofree char *text = NULL;
  g_autofree char *detail = NULL;
  g_autofree char *short_text = NULL;
  const char *icon = "emblem-synchronizing-symbolic";
  GtkWidget *button = GTK_WIDGET (self->menu_button);

  gtk_widget_set_visible (GTK_WIDGET (self), state != KEFU_SYNC_STATE_SIGNED_OUT);
  gtk_widget_remove_css_class (button, "error");
  gtk_widget_remove_css_class (button, "warning");

  switch (state)
    {
    case KEFU_SYNC_STATE_SYNCING:
      if (progress >= 0)
        /* Translators: first sync of this computer, with percent done */
        text = g_strdup_printf (_("Downloading %d%%"), (int) (progress * 100 + 0.5));
      else
        text = g_strdup (_("Syncing…"));
      detail = g_strdup (progress >= 0
                         ? _("This computer is downloading the office’s data for the first time. You can keep working.")
                         : _("Sending and receiving changes."));
      break;
    case KEFU_SYNC_STATE_SYNCED:
      if (pending > 0)
        text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d change to send",
                                             "%d changes to send", pending), (int) pending);
      else
        text = g_strdup (_("Synced"));
      if (error != NULL)
        {
          /* Synced, but the server refused some changes. */
          detail = g_strdup (error);
          gtk_widget_add_css_class (button, "warning");
        }
      else
        {
          detail = g_strdup (_("This computer and the server agree."));
          icon = "emblem-ok-symbolic";
        }
      break;
    case KEFU_SYNC_STATE_OFFLINE:
      text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Offline · %d change waiting",
                                           "Offline · %d changes waiting", pending), (int) pending);
      detail = g_strdup (error ? error : _("The server cannot be reached. Changes are kept and sent when it is back."));
      icon = "network-offline-symbolic";
      gtk_widget_add_css_class (button, "warning");
      break;
    case KEFU_SYNC_STATE_ERROR:
      text = g_strdup (_("Sync Error"));
      detail = g_strdup (error ? error : _("Sync failed."));
      icon = "dialog-warning-symbolic";
      gtk_widget_add_css_class (button, "error");
      break;
    case KEFU_SYNC_STATE_SIGNED_OUT:
    default:
      text = g_strdup (_("Not Syncing"));
      detail = g_strdup (_("Sign in to a server in Preferences to sync."));
      break;
    }

  /* The server's own words (English) are for whoever looks into a
   * problem, below the sentence. */
  if (error != NULL && kefu_sync_client_get_last_error_detail (self->client) != NULL)
    {
      char *sentence = g_steal_pointer (&detail);

      detail = g_strdup_printf ("%s\n\n%s %s", sentence,
                                /* Translators: the server's own (English) message follows */
                                _("Technical detail:"), kefu_sync_client_get_last_error_detail (self->client));
      g_free (sentence);
    }

  /* The header bar is shared with the view switcher: the button says the
   * state with its icon and at most a short number (changes waiting, or
   * the share downloaded); the sentence is its tooltip and the popover's
   * title. */
  if (state == KEFU_SYNC_STATE_SYNCING && progress >= 0)
    short_text = g_strdup_printf ("%d%%", (int) (progress * 100 + 0.5));
  else if ((state == KEFU_SYNC_STATE_OFFLINE || state == KEFU_SYNC_STATE_SYNCED) && pending > 0)
    short_text = g_strdup_printf ("%d", (int) pending);
  gtk_label_set_text (self->label, short_text ? short_text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->label), short_text != NULL);
  gtk_widget_set_tooltip_text (button, text);
  gtk_image_set_from_icon_name (self->icon, icon);
  gtk_label_set_text (self->title, text);
  gtk_label_set_text (self->detail, detail);
  gtk_widget_set_visible (GTK_WIDGET (self->progress), state == KEFU_SYNC_STATE_SYNCING && progress >= 0);
  if (progress >= 0)
    gtk_progress_bar_set_fraction (self->progress, progress);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "sync.now", state != KEFU_SYNC_STATE_SYNCING);
  if (conflicts > 0)
    {
      g_autofree char *label = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d _Conflict…",
                                                             "%d _Conflicts…", conflicts), (int) conflicts);

      gtk_button_set_label (self->conflicts_button, label);
    }
  else
    gtk_button_set_label (self->conflicts_button, _("_Conflicts…"));
}

/* --- signal callbacks ------------------------------------------------ */

static void
on_client_notify_cb (KefuSyncButton *self)
{
  update (self);
}

static void
sync_now_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *param)
{
  KefuSyncButton *self = KEFU_SYNC_BUTTON (widget);

  if (self->client)
    kefu_sync_client_sync_now (self->client);
}

static void
conflicts_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  KefuSyncButton *self = KEFU_SYNC_BUTTON (widget);
  GtkWindow *parent = GTK_WINDOW (gtk_widget_get_root (widget));

  gtk_popover_popdown (self->popover);
  if (self->db)
    gtk_window_present (kefu_conflicts_dialog_new (parent, self->db, self->client));
}

/* --- GObject --------------------------------------------------------- */

static void
kefu_sync_button_dispose (GObject *object)
{
  KefuSyncButton *self = (KefuSyncButton *) object;

  gtk_widget_dispose_template (GTK_WIDGET (self), KEFU_TYPE_SYNC_BUTTON);
  g_clear_object (&self->client);
  g_clear_object (&self->db);
  G_OBJECT_CLASS (kefu_sync_button_parent_class)->dispose (object);
}

static void
kefu_sync_button_class_init (KefuSyncButtonClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kefu_sync_button_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/kefu/Kefu/sync/kefu-sync-button.ui");
  gtk_widget_class_bind_template_child (widget_class, KefuSyncButton, conflicts_button);
  gtk_widget_class_bind_template_child (widget_class, KefuSyncButton, detail);
  gtk_widget_class_bind_template_child (widget_class, KefuSyncButton, icon);
  gtk_widget_class_bind_template_child (widget_class, KefuSyncButton, label);
  gtk_widget_class_bind_template_child (widget_class, KefuSyncButton, menu_button);
  gtk_widget_class_bind_template_child (widget_class, KefuSyncButton, popover);
  gtk_widget_class_bind_template_child (widget_class, KefuSyncButton, progress);
  gtk_widget_class_bind_template_child (widget_class, KefuSyncButton, title);

  gtk_widget_class_install_action (widget_class, "sync.now", NULL, sync_now_action);
  gtk_widget_class_install_action (widget_class, "sync.conflicts", NULL, conflicts_action);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
kefu_sync_button_init (KefuSyncButton *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  update (self);
}

/* --- public API ------------------------------------------------------ */

void
kefu_sync_button_set_client (KefuSyncButton *self,
                             KefuSyncClient *client,
                             KefuDb         *db)
{
  g_return_if_fail (KEFU_IS_SYNC_BUTTON (self));

  if (self->client)
    g_signal_handlers_disconnect_by_data (self->client, self);
  g_set_object (&self->client, client);
  g_set_object (&self->db, db);
  if (client)
    g_signal_connect_object (client, "notify", G_CALLBACK (on_client_notify_cb), self, G_CONNECT_SWAPPED);
  update (self);
}

const char *
_kefu_sync_button_get_text (KefuSyncButton *self)
{
  return gtk_label_get_text (self->title);
}

void
kefu_sync_button_popup (KefuSyncButton *self)
{
  g_return_if_fail (KEFU_IS_SYNC_BUTTON (self));
  gtk_menu_button_popup (self->menu_button);
}
