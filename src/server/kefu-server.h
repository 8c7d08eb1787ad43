/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* kefu-server: the central sync server (docs/SYNC.md). No GTK. */

#include <gio/gio.h>
#include <libsoup/soup.h>

#include "kefu-store.h"

G_BEGIN_DECLS

#define KEFU_SERVER_ERROR (kefu_server_error_quark ())

typedef enum
{
  KEFU_SERVER_ERROR_INVALID,   /* bad argument or input (message says why) */
  KEFU_SERVER_ERROR_EXISTS,    /* already initialised / name taken */
  KEFU_SERVER_ERROR_NOT_READY, /* the store was never initialised */
} KefuServerError;

GQuark kefu_server_error_quark (void);

typedef struct
{
  gint64  token_ttl_ms;         /* bearer token lifetime (default 12 h) */
  gint64  tombstone_ms;         /* tombstone retention (default 90 days) */
  guint   login_max_failures;   /* per user name + peer, within the window (5) */
  gint64  login_window_ms;      /* (5 minutes) */
  gsize   max_body;             /* request body limit, before and after gunzip */
} KefuServerConfig;

typedef struct _KefuServer KefuServer;

void         kefu_server_config_init      (KefuServerConfig  *config);

/* Takes ownership of @store. Fails with KEFU_SERVER_ERROR_NOT_READY when
 * `kefu-server init` never ran on it. */
KefuServer  *kefu_server_new              (KefuStore         *store,
                                           const KefuServerConfig *config,
                                           GError           **error);
void         kefu_server_free             (KefuServer        *self);

/* Listens on @address:@port (port 0 = any), over HTTPS when @tls is set. */
gboolean     kefu_server_listen           (KefuServer        *self,
                                           const char        *address,
                                           guint              port,
                                           GTlsCertificate   *tls,
                                           GError           **error);
/* The port listened on (after kefu_server_listen). */
guint        kefu_server_get_port         (KefuServer        *self);
KefuStore   *kefu_server_get_store        (KefuServer        *self);
const char  *kefu_server_get_epoch        (KefuServer        *self);

/* Tests only: shifts the server's clock by @offset_ms (token expiry,
 * tombstone age). */
void         kefu_server_set_clock_offset (KefuServer        *self,
                                           gint64             offset_ms);

/* Deletes tombstones older than the retention; returns how many. */
guint        kefu_server_purge            (KefuServer        *self,
                                           GError           **error);

/* --- maintenance on a store (the command line) ---------------------------- */

/* Creates the headquarters org unit (@hq_code, @hq_name), its admin staff
 * member and the admin user, and the first epoch, in one transaction.
 * Fails with KEFU_SERVER_ERROR_EXISTS when already initialised. */
gboolean     kefu_server_init_store       (KefuStore         *store,
                                           const char        *admin_username,
                                           const char        *admin_password,
                                           const char        *hq_code,
                                           const char        *hq_name,
                                           GError           **error);
/* Replaces the epoch, so every client resyncs; returns the new one. */
char        *kefu_server_reset_epoch      (KefuStore         *store,
                                           GError           **error);

/* Argon2id (libsodium crypto_pwhash_str, interactive limits). With
 * KEFU_SERVER_PWHASH_FAST=1 in the environment (tests only) the minimum
 * Argon2id cost is used instead; the algorithm stays Argon2id. */
char        *kefu_server_hash_password    (const char        *password,
                                           GError           **error);
gboolean     kefu_server_check_password   (const char        *hash,
                                           const char        *password);

/* A UUIDv7 (time-ordered) for rows the server creates. */
char        *kefu_server_uuid7            (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KefuServer, kefu_server_free)

G_END_DECLS
