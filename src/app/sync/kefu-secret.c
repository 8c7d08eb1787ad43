/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "kefu-secret"

#include "config.h"

#include <glib/gi18n.h>
#include <libsecret/secret.h>

#include "kefu-secret.h"

static const SecretSchema *
schema (void)
{
  static const SecretSchema s = {
    "io.kefu.Kefu.Server", SECRET_SCHEMA_NONE,
    {
      { "url", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "username", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    }
  };

  return &s;
}

void
kefu_secret_store_async (const char          *url,
                         const char          *username,
                         const char          *password,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  /* Translators: the keyring entry of the server password: user @ server */
  g_autofree char *label = g_strdup_printf (_("Kefu server password for %s at %s"), username, url);

  secret_password_store (schema (), SECRET_COLLECTION_DEFAULT, label, password, cancellable,
                         callback, user_data, "url", url, "username", username, NULL);
}

gboolean
kefu_secret_store_finish (GAsyncResult  *result,
                          GError       **error)
{
  return secret_password_store_finish (result, error);
}

void
kefu_secret_lookup_async (const char          *url,
                          const char          *username,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  secret_password_lookup (schema (), cancellable, callback, user_data,
                          "url", url, "username", username, NULL);
}

char *
kefu_secret_lookup_finish (GAsyncResult  *result,
                           GError       **error)
{
  return secret_password_lookup_finish (result, error);
}

void
kefu_secret_clear_async (const char          *url,
                         const char          *username,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  secret_password_clear (schema (), cancellable, callback, user_data,
                         "url", url, "username", username, NULL);
}

gboolean
kefu_secret_clear_finish (GAsyncResult  *result,
                          GError       **error)
{
  return secret_password_clear_finish (result, error);
}

void
kefu_secret_free (char *password)
{
  secret_password_free (password);
}
