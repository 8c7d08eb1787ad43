/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "kefu-server.h"
#include "kefu-sync-protocol.h"

G_BEGIN_DECLS

/* Who is asking: the authenticated user and the org units below its own
 * (scope always comes from here, never from a body). */
typedef struct
{
  KefuStoreUser *user;
  GHashTable    *units;       /* org unit ids at or below the user's unit (set) */
  gboolean       at_hq;       /* the user's unit is the headquarters */
  char          *token_hash;
  char          *peer;
} KefuIdentity;

struct _KefuServer
{
  KefuStore        *store;
  KefuServerConfig  config;
  SoupServer       *soup;
  char             *epoch;
  gint64            clock_offset;
  GHashTable       *login_failures;  /* "username\npeer" -> LoginFailures */
  char             *dummy_hash;      /* verified against for unknown users */

  /* The org tree, read from the org_unit rows; reloaded after a push
   * writes one. */
  GHashTable       *org_children;    /* unit id -> GPtrArray of child ids */
  GHashTable       *org_level;       /* unit id -> level */
  gboolean          org_dirty;
};

/* An endpoint's answer: HTTP status and JSON body (transfer full). */
typedef struct
{
  guint  status;
  char  *body;
} KefuReply;

gint64        _kefu_server_now             (KefuServer    *self);
gboolean      _kefu_server_load_org        (KefuServer    *self,
                                            GError       **error);
KefuIdentity *_kefu_identity_new           (KefuServer    *self,
                                            KefuStoreUser *user);
void          _kefu_identity_free          (KefuIdentity  *identity);
gboolean      _kefu_identity_has_scope     (KefuIdentity  *identity,
                                            const char    *scope);
GPtrArray    *_kefu_identity_scopes        (KefuIdentity  *identity);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KefuIdentity, _kefu_identity_free)

void          _kefu_reply_error            (KefuReply     *reply,
                                            guint          status,
                                            const char    *code,
                                            const char    *message);
void          _kefu_reply_from_error       (KefuReply     *reply,
                                            const GError  *error);

/* Endpoints (kefu-server-sync.c, kefu-server-users.c). @body is the
 * request body after gunzip. */
void          _kefu_server_push            (KefuServer    *self,
                                            KefuIdentity  *identity,
                                            GBytes        *body,
                                            KefuReply     *reply);
void          _kefu_server_pull            (KefuServer    *self,
                                            KefuIdentity  *identity,
                                            GBytes        *body,
                                            KefuReply     *reply);
void          _kefu_server_snapshot        (KefuServer    *self,
                                            KefuIdentity  *identity,
                                            GBytes        *body,
                                            KefuReply     *reply);
void          _kefu_server_verify          (KefuServer    *self,
                                            KefuIdentity  *identity,
                                            KefuReply     *reply);
void          _kefu_server_get_row         (KefuServer    *self,
                                            KefuIdentity  *identity,
                                            const char    *entity,
                                            const char    *row_id,
                                            KefuReply     *reply);
void          _kefu_server_users           (KefuServer    *self,
                                            KefuIdentity  *identity,
                                            const char    *method,
                                            const char    *user_id,
                                            GBytes        *body,
                                            KefuReply     *reply);

/* The users endpoints' body parser (fuzzed): a user object with the
 * members allowed for @creating. */
JsonObject   *_kefu_server_parse_user_body (const char    *data,
                                            gsize          length,
                                            gboolean       creating,
                                            GError       **error);

G_END_DECLS
