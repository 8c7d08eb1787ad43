/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The server password in the Secret Service (libsecret), keyed by server
 * address and user name. Never in GSettings or the database. */

void      kefu_secret_store_async   (const char          *url,
                                     const char          *username,
                                     const char          *password,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data);
gboolean  kefu_secret_store_finish  (GAsyncResult        *result,
                                     GError             **error);
void      kefu_secret_lookup_async  (const char          *url,
                                     const char          *username,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data);
/* Returns: (transfer full) (nullable): the password; free with
 * kefu_secret_free() */
char     *kefu_secret_lookup_finish (GAsyncResult        *result,
                                     GError             **error);
void      kefu_secret_clear_async   (const char          *url,
                                     const char          *username,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data);
gboolean  kefu_secret_clear_finish  (GAsyncResult        *result,
                                     GError             **error);
void      kefu_secret_free          (char                *password);

G_END_DECLS
