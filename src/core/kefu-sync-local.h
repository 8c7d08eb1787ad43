/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "kefu-db.h"

G_BEGIN_DECLS

/* The local side of sync: what the engine (src/sync) reads from and writes
 * to the database. No HTTP here. */

/* Limits of one push batch (DESIGN.md). */
#define KEFU_SYNC_BATCH_MAX_OPS    500
#define KEFU_SYNC_BATCH_MAX_BYTES  (1024 * 1024)

/* One outbox entry on its way to the server. */
typedef struct
{
  gint64  push_seq;              /* per-device, contiguous, from 1 */
  char   *op_id;
  char   *entity;
  char   *row_id;
  char   *op;                    /* insert / update / delete / restore */
  char   *fields;                /* JSON object text: {"field":new,…} */
  gint64  base_version;          /* local version the change was made on */
  gint64  base_server_version;   /* server version the user saw (0: none) */
  char   *hlc;
  gint64  created_at;
} KefuOutboxOp;

/* One row pulled from the server: the whole row as the server has it. */
typedef struct
{
  char       *scope;
  char       *entity;
  char       *row_id;
  gint64      server_version;
  gint64      server_seq;        /* the scope's sequence number of the change */
  gboolean    deleted;
  char       *hlc;
  JsonObject *fields;            /* column → value; id and version ignored */
} KefuPulledRow;

/* The server's answer to one pushed entry. */
typedef enum
{
  KEFU_OUTBOX_APPLIED,
  KEFU_OUTBOX_CONFLICT,
  KEFU_OUTBOX_REJECTED,
} KefuOutboxResult;

typedef struct
{
  guint n_applied;               /* rows written */
  guint n_skipped;               /* not newer than what we have */
  guint n_kept_local;            /* rows where pending local fields were kept */
  guint n_unknown;               /* entities this version does not store */
} KefuSyncApplyStats;

void            kefu_outbox_op_free           (KefuOutboxOp    *op);
KefuPulledRow *kefu_pulled_row_new          (const char      *scope,
                                               const char      *entity,
                                               const char      *row_id,
                                               gint64           server_version,
                                               gboolean         deleted,
                                               JsonObject      *fields);
void            kefu_pulled_row_free         (KefuPulledRow  *change);

/* sync_state: small values (epoch, device code, last push sequence…).
 * Returns: (transfer full) (nullable) */
char           *kefu_sync_local_get           (KefuDb          *db,
                                               const char      *key);
gboolean        kefu_sync_local_set           (KefuDb          *db,
                                               const char      *key,
                                               const char      *value,
                                               GError         **error);

/* The pull cursor of @scope (0 when never pulled). */
gint64          kefu_sync_local_get_cursor    (KefuDb          *db,
                                               const char      *scope);
/* Outbox entries the server has not answered yet. */
gint64          kefu_sync_local_pending_count (KefuDb          *db);
char           *kefu_sync_local_push_device   (KefuDb          *db);
/* The last push sequence handed out (0: none yet). */
gint64          kefu_sync_local_last_push_seq (KefuDb          *db);

/* Numbers the entries not yet numbered (one transaction) and returns the
 * oldest unanswered ones in push-sequence order (entries whose entity
 * @filter refuses are answered "local" and never numbered), at most @max_ops and
 * about @max_bytes of fields (at least one entry).
 * Returns: (transfer full) (element-type KefuOutboxOp) */
typedef gboolean (*KefuSyncEntityFilter) (const char *entity);

GPtrArray      *kefu_sync_local_next_batch    (KefuDb          *db,
                                               KefuSyncEntityFilter filter,
                                               guint            max_ops,
                                               gsize            max_bytes,
                                               GError         **error);
/* Records the server's answer to entry @op_id (inside or outside a
 * transaction). Answered entries are no longer pending. */
gboolean        kefu_sync_local_ack           (KefuDb          *db,
                                               const char      *op_id,
                                               KefuOutboxResult   result,
                                               const char      *message,
                                               GError         **error);
gboolean        kefu_sync_local_drop          (KefuDb          *db,
                                               const char      *op_id,
                                               const char      *message,
                                               GError         **error);
/* Makes the entries from @push_seq on unanswered again (the server lost
 * them, e.g. after a restore). */
gboolean        kefu_sync_local_rewind        (KefuDb          *db,
                                               gint64           push_seq,
                                               GError         **error);
/* Deletes answered entries answered before @before_ms. Their numbers are
 * never handed out again. Returns the number deleted, -1 on error. */
gint64          kefu_sync_local_prune         (KefuDb          *db,
                                               gint64           before_ms,
                                               GError         **error);

/* Applies one page of pulled rows and moves the cursors of @scopes
 * (NULL-terminated) to @cursors, in one transaction. Rows whose server version is not newer than
 * the stored one are skipped; fields with local changes the server has
 * not answered yet keep their local values. Writes no audit or outbox
 * entries, and keeps the search indexes and counts right. */
gboolean        kefu_sync_local_apply         (KefuDb              *db,
                                               GPtrArray           *changes,
                                               const char * const  *scopes,
                                               const gint64        *cursors,
                                               KefuSyncApplyStats  *stats,
                                               GError             **error);
/* Forgets every cursor and server version, so the next pull starts from a
 * snapshot; the outbox is kept, its unanswered entries are numbered again
 * from 1 under a new push device id. @epoch (nullable) is stored. */
gboolean        kefu_sync_local_reset         (KefuDb          *db,
                                               const char      *epoch,
                                               GError         **error);

typedef void (*KefuSyncVerifyFunc) (const char *entity,
                                    const char *row_id,
                                    gint64      server_version,
                                    gpointer    user_data);

gboolean        kefu_sync_local_verify        (KefuDb              *db,
                                               const char          *scope,
                                               KefuSyncVerifyFunc   add,
                                               gpointer             user_data,
                                               GError             **error);

gboolean        kefu_sync_local_adopt_office  (KefuDb              *db,
                                               const char          *org_unit_id,
                                               GError             **error);
gboolean        kefu_sync_local_adopt_identity (KefuDb             *db,
                                               const char          *staff_id,
                                               gboolean             may_write_org,
                                               GError             **error);
gboolean        kefu_sync_local_set_device_code (KefuDb            *db,
                                               const char          *device_id,
                                               GError             **error);
gboolean        kefu_sync_local_register_device (KefuDb            *db,
                                               const char          *device_id,
                                               GError             **error);

gboolean        kefu_sync_local_restart_pull  (KefuDb              *db,
                                               GError             **error);

gboolean        kefu_sync_local_sweep_unseen  (KefuDb              *db,
                                               GError             **error);
/* Conflicts the server recorded that nobody has resolved yet. */
gint64          kefu_sync_local_open_conflicts (KefuDb         *db);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KefuOutboxOp, kefu_outbox_op_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KefuPulledRow, kefu_pulled_row_free)

G_END_DECLS
