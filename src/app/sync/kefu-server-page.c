/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "kefu-server-page"

#include "config.h"

#include <glib/gi18n.h>

#include "kefu-secret.h"
#include "kefu-server-page.h"

struct _KefuServerPage
{
  AdwPreferencesPage  parent_instance;

  /* template children */
  AdwPasswordEntryRow *password_row;
  GtkButton          *sign_in_button;
  GtkButton          *sign_out_button;
  GtkSpinner         *spinner;
  AdwActionRow       *status_row;
  GtkButton          *sync_now_button;
  AdwEntryRow        *url_row;
  AdwEntryRow        *user_row;

  KefuSyncClient     *client;
  GCancellable       *cancellable;
  gboolean            busy;
};

G_DEFINE_FINAL_TYPE (KefuServerPage, kefu_server_page, ADW_TYPE_PREFERENCES_PAGE)

/* --- helpers --------------------------------------------------------- */

static void
toast (KefuServerPage *self,
       const char     *text)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (ADW_IS_PREFERENCES_WINDOW (root))
    adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (root), adw_toast_new (text));
}

static void
update (KefuServerPage *self)
{
  gboolean signed_in = kefu_sync_client_is_signed_in (self->client);
  KefuSyncState state = kefu_sync_client_get_state (self->client);
  const char *error = kefu_sync_client_get_last_error (self->client);
  gint64 pending = kefu_sync_client_get_pending (self->client);
  g_autofree char *status = NULL;

  switch (state)
    {
    case KEFU_SYNC_STATE_SYNCED:
      status = g_strdup_printf (_("Signed in as %s. Synced."), kefu_sync_client_get_username (self->client));
      break;
    case KEFU_SYNC_STATE_SYNCING:
      status = g_strdup_printf (_("Signed in as %s. Syncing…"), kefu_sync_client_get_username (self->client));
      break;
    case KEFU_SYNC_STATE_OFFLINE:
      status = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                             "Offline: %d change waiting. %s",
                                             "Offline: %d changes waiting. %s", pending),
                                (int) pending, error ? error : "");
      break;
    case KEFU_SYNC_STATE_ERROR:
      status = g_strdup (error ? error : _("Sync failed."));
      break;
    case KEFU_SYNC_STATE_SIGNED_OUT:
    default:
      status = g_strdup (_("Not signed in. This office works on its own."));
      break;
    }
  adw_action_row_set_subtitle (self->status_row, status);

  gtk_widget_set_sensitive (GTK_WIDGET (self->url_row), !signed_in && !self->busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->user_row), !signed_in && !self->busy);
  gtk_widget_set_visible (GTK_WIDGET (self->password_row), !signed_in);
  gtk_widget_set_visible (GTK_WIDGET (self->sign_in_button), !signed_in);
  gtk_widget_set_sensitive (GTK_WIDGET (self->sign_in_button), !self->busy);
  gtk_widget_set_visible (GTK_WIDGET (self->sign_out_button), signed_in);
  gtk_widget_set_visible (GTK_WIDGET (self->sync_now_button), signed_in);
  gtk_widget_set_sensitive (GTK_WIDGET (self->sync_now_button), state != KEFU_SYNC_STATE_SYNCING);
  gtk_spinner_set_spinning (self->spinner, self->busy || state == KEFU_SYNC_STATE_SYNCING);
}

/* --- signal callbacks ------------------------------------------------ */

static void
secret_stored_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(KefuServerPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!kefu_secret_store_finish (result, &error))
    {
      g_autofree char *text = g_strdup_printf (_("Signed in, but the password could not be saved in the keyring: %s"),
                                               error->message);

      g_warning ("%s", text);
      toast (self, text);
    }
}

static void
signed_in_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(KefuServerPage) self = user_data;
  g_autoptr(GError) error = NULL;

  self->busy = FALSE;
  if (!kefu_sync_client_sign_in_finish (KEFU_SYNC_CLIENT (object), result, &error))
    {
      adw_action_row_set_subtitle (self->status_row, error->message);
      toast (self, error->message);
      gtk_widget_set_sensitive (GTK_WIDGET (self->url_row), TRUE);
      gtk_widget_set_sensitive (GTK_WIDGET (self->user_row), TRUE);
      gtk_widget_set_sensitive (GTK_WIDGET (self->sign_in_button), TRUE);
      gtk_spinner_set_spinning (self->spinner, FALSE);
      return;
    }
  kefu_secret_store_async (kefu_sync_client_get_url (self->client),
                           kefu_sync_client_get_username (self->client),
                           gtk_editable_get_text (GTK_EDITABLE (self->password_row)),
                           self->cancellable, secret_stored_cb, g_object_ref (self));
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
  toast (self, _("Signed in. This office now syncs with the server."));
  update (self);
}

static void
on_sign_in_clicked_cb (KefuServerPage *self)
{
  const char *url = gtk_editable_get_text (GTK_EDITABLE (self->url_row));
  const char *user = gtk_editable_get_text (GTK_EDITABLE (self->user_row));
  const char *password = gtk_editable_get_text (GTK_EDITABLE (self->password_row));

  if (self->busy)
    return;
  if (*url == '\0' || *user == '\0' || *password == '\0')
    {
      toast (self, _("Enter the server address, your user name and your password."));
      return;
    }
  self->busy = TRUE;
  update (self);
  adw_action_row_set_subtitle (self->status_row, _("Signing in…"));
  kefu_sync_client_sign_in_async (self->client, url, user, password, self->cancellable,
                                  signed_in_cb, g_object_ref (self));
}

static void
secret_cleared_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!kefu_secret_clear_finish (result, &error))
    g_warning ("Could not remove the server password from the keyring: %s", error->message);
}

static void
on_sign_out_clicked_cb (KefuServerPage *self)
{
  g_autofree char *url = g_strdup (kefu_sync_client_get_url (self->client));
  g_autofree char *user = g_strdup (kefu_sync_client_get_username (self->client));

  if (url && user)
    kefu_secret_clear_async (url, user, NULL, secret_cleared_cb, NULL);
  kefu_sync_client_sign_out (self->client);
  toast (self, _("Signed out. Changes made from now on wait until you sign in again."));
  update (self);
}

static void
on_sync_now_clicked_cb (KefuServerPage *self)
{
  kefu_sync_client_sync_now (self->client);
}

static void
on_client_notify_cb (KefuServerPage *self)
{
  update (self);
}

/* --- GObject --------------------------------------------------------- */

static void
kefu_server_page_dispose (GObject *object)
{
  KefuServerPage *self = (KefuServerPage *) object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->client);
  gtk_widget_dispose_template (GTK_WIDGET (self), KEFU_TYPE_SERVER_PAGE);
  G_OBJECT_CLASS (kefu_server_page_parent_class)->dispose (object);
}

static void
kefu_server_page_class_init (KefuServerPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kefu_server_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/kefu/Kefu/sync/kefu-server-page.ui");
  gtk_widget_class_bind_template_child (widget_class, KefuServerPage, password_row);
  gtk_widget_class_bind_template_child (widget_class, KefuServerPage, sign_in_button);
  gtk_widget_class_bind_template_child (widget_class, KefuServerPage, sign_out_button);
  gtk_widget_class_bind_template_child (widget_class, KefuServerPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, KefuServerPage, status_row);
  gtk_widget_class_bind_template_child (widget_class, KefuServerPage, sync_now_button);
  gtk_widget_class_bind_template_child (widget_class, KefuServerPage, url_row);
  gtk_widget_class_bind_template_child (widget_class, KefuServerPage, user_row);
  gtk_widget_class_bind_template_callback (widget_class, on_sign_in_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_sign_out_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_sync_now_clicked_cb);
}

static void
kefu_server_page_init (KefuServerPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}

/* --- public API ------------------------------------------------------ */

GtkWidget *
kefu_server_page_new (KefuSyncClient *client)
{
  KefuServerPage *self;

  g_return_val_if_fail (KEFU_IS_SYNC_CLIENT (client), NULL);

  self = g_object_new (KEFU_TYPE_SERVER_PAGE, NULL);
  self->client = g_object_ref (client);
  if (kefu_sync_client_get_url (client))
    gtk_editable_set_text (GTK_EDITABLE (self->url_row), kefu_sync_client_get_url (client));
  if (kefu_sync_client_get_username (client))
    gtk_editable_set_text (GTK_EDITABLE (self->user_row), kefu_sync_client_get_username (client));
  g_signal_connect_object (client, "notify", G_CALLBACK (on_client_notify_cb), self, G_CONNECT_SWAPPED);
  update (self);
  return GTK_WIDGET (self);
}

void
_kefu_server_page_sign_in (KefuServerPage *self,
                           const char     *url,
                           const char     *username,
                           const char     *password)
{
  gtk_editable_set_text (GTK_EDITABLE (self->url_row), url);
  gtk_editable_set_text (GTK_EDITABLE (self->user_row), username);
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), password);
  on_sign_in_clicked_cb (self);
}

const char *
_kefu_server_page_get_status (KefuServerPage *self)
{
  return adw_action_row_get_subtitle (self->status_row);
}
