/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "kefu-db.h"

G_BEGIN_DECLS

/* The client sync engine: signs in to kefu-server, pushes the outbox,
 * pulls every scope the server offers (a snapshot first), and verifies.
 * Every exchange runs in a GTask thread on its own database connection;
 * the object itself lives on the main thread and reports its state through
 * properties. Credentials are held in memory only: the app keeps the
 * password in the Secret Service. */

#define KEFU_SYNC_CLIENT_ERROR (kefu_sync_client_error_quark ())

typedef enum
{
  KEFU_SYNC_CLIENT_ERROR_OFFLINE,       /* the server cannot be reached */
  KEFU_SYNC_CLIENT_ERROR_AUTH,          /* user name or password refused */
  KEFU_SYNC_CLIENT_ERROR_RATE_LIMITED,
  KEFU_SYNC_CLIENT_ERROR_FORBIDDEN,
  KEFU_SYNC_CLIENT_ERROR_SERVER,        /* the server failed (5xx) */
  KEFU_SYNC_CLIENT_ERROR_PROTOCOL,      /* an answer we do not understand */
  KEFU_SYNC_CLIENT_ERROR_TLS,
  KEFU_SYNC_CLIENT_ERROR_RESYNC,        /* 410: the next pull starts over */
  KEFU_SYNC_CLIENT_ERROR_NOT_SIGNED_IN,
  KEFU_SYNC_CLIENT_ERROR_LOCAL,         /* the local database failed */
} KefuSyncClientError;

GQuark kefu_sync_client_error_quark (void);

typedef enum
{
  KEFU_SYNC_STATE_SIGNED_OUT,
  KEFU_SYNC_STATE_OFFLINE,
  KEFU_SYNC_STATE_SYNCING,
  KEFU_SYNC_STATE_SYNCED,
  KEFU_SYNC_STATE_ERROR,
} KefuSyncState;

/* One scope of a verify run. */
typedef struct
{
  char   *scope;
  gint64  server_count;
  char   *server_checksum;
  gint64  local_count;
  char   *local_checksum;
  gboolean comparable;   /* this computer's cursor is at the server's */
} KefuSyncScopeCheck;

void kefu_sync_scope_check_free (KefuSyncScopeCheck *check);

#define KEFU_TYPE_SYNC_CLIENT (kefu_sync_client_get_type ())
G_DECLARE_FINAL_TYPE (KefuSyncClient, kefu_sync_client, KEFU, SYNC_CLIENT, GObject)

KefuSyncClient *kefu_sync_client_new              (const char          *db_path);

KefuSyncState   kefu_sync_client_get_state        (KefuSyncClient      *self);
/* Local changes the server has not answered yet. */
gint64          kefu_sync_client_get_pending      (KefuSyncClient      *self);
/* 0…1 during a first sync (snapshot), -1 otherwise. */
double          kefu_sync_client_get_progress     (KefuSyncClient      *self);
/* A sentence for the user, or NULL. */
const char     *kefu_sync_client_get_last_error   (KefuSyncClient      *self);
/* The server's own words behind it (technical, English), or NULL. */
const char     *kefu_sync_client_get_last_error_detail (KefuSyncClient *self);
gint64          kefu_sync_client_get_open_conflicts (KefuSyncClient    *self);
/* The server and user name last signed in with (stored in the database),
 * NULL when signed out. Transfer none. */
const char     *kefu_sync_client_get_url          (KefuSyncClient      *self);
const char     *kefu_sync_client_get_username     (KefuSyncClient      *self);
gboolean        kefu_sync_client_is_signed_in     (KefuSyncClient      *self);

/* Signs in (a GTask thread): on success the server address and user name
 * are stored, the office adopts the server's id, and a sync starts. */
void            kefu_sync_client_sign_in_async    (KefuSyncClient      *self,
                                                   const char          *url,
                                                   const char          *username,
                                                   const char          *password,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
gboolean        kefu_sync_client_sign_in_finish   (KefuSyncClient      *self,
                                                   GAsyncResult        *result,
                                                   GError             **error);
/* Resumes a stored sign-in with the password from the Secret Service. */
void            kefu_sync_client_resume           (KefuSyncClient      *self,
                                                   const char          *password);
/* Forgets the server and the token; local data and unsent changes stay. */
void            kefu_sync_client_sign_out         (KefuSyncClient      *self);

/* Runs one sync (push, pull, prune) now, or right after the running one. */
void            kefu_sync_client_sync_now         (KefuSyncClient      *self);
/* Runs a sync soon (a few seconds from now, coalescing bursts of local
 * changes). */
void            kefu_sync_client_sync_soon        (KefuSyncClient      *self);
void            kefu_sync_client_set_interval     (KefuSyncClient      *self,
                                                   guint                seconds);
/* Watches @db (the window's connection): every commit schedules a sync
 * soon and refreshes the pending count. */
void            kefu_sync_client_watch            (KefuSyncClient      *self,
                                                   KefuDb              *db);

/* One sync as an async call (tests, the Sync Now button's feedback). */
void            kefu_sync_client_sync_async       (KefuSyncClient      *self,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
gboolean        kefu_sync_client_sync_finish      (KefuSyncClient      *self,
                                                   GAsyncResult        *result,
                                                   GError             **error);

/* Blocking versions for worker processes and tests (never on the UI
 * thread). */
gboolean        kefu_sync_client_sign_in_sync     (KefuSyncClient      *self,
                                                   const char          *url,
                                                   const char          *username,
                                                   const char          *password,
                                                   GError             **error);
gboolean        kefu_sync_client_sync_sync        (KefuSyncClient      *self,
                                                   GError             **error);
gboolean        kefu_sync_client_push_sync        (KefuSyncClient      *self,
                                                   GError             **error);
/* Compares each scope's count and checksum with the server's.
 * Returns: (transfer full) (element-type KefuSyncScopeCheck) */
GPtrArray      *kefu_sync_client_verify_sync      (KefuSyncClient      *self,
                                                   GError             **error);

G_END_DECLS
