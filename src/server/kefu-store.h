/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* The server's storage interface. The server keeps a generic data model:
 * every synced row is stored as one JSON object per (entity, row_id), with
 * its scope, server version, per-scope sequence number, tombstone flag and
 * per-field versions (for the per-field merge); beside it users, bearer
 * tokens, devices with their last applied push seq, the stored per-op push
 * results (for identical replays), per-scope sequence counters and
 * horizons, meta values (the epoch) and the audit trail.
 *
 * All logic (auth, scopes, merge, conflicts) lives in the server; a backend
 * only stores and reads. A backend implements KefuStoreVTable: the
 * embedded SQLite store (kefu-store-sqlite.c) is the default, and a
 * PostgreSQL store implements the same table. Every SQL statement must be
 * parameterised. Strings passed in are borrowed; strings and structs
 * returned are owned by the caller (transfer full) unless noted.
 *
 * Transactions: kefu_store_begin() starts the one write transaction of a
 * request (a push batch, a user change); every write between it and
 * kefu_store_commit() commits or rolls back together. A backend that allows
 * concurrent writers must serialise writers of the same scope so that
 * sequence numbers commit in order (e.g. the scope counter row lock). */

#include <glib.h>

G_BEGIN_DECLS

typedef struct _KefuStore KefuStore;

typedef struct
{
  char     *id;              /* UUID */
  char     *username;
  char     *password_hash;   /* crypto_pwhash_str() output */
  char     *role;            /* agent, supervisor, trainer, admin */
  char     *org_unit_id;     /* UUID of the org unit the user is bound to */
  char     *staff_id;        /* nullable */
  gboolean  active;
  gint64    created_at;      /* Unix ms */
  gint64    updated_at;
} KefuStoreUser;

typedef struct
{
  char     *entity;
  char     *row_id;
  char     *scope;           /* "org", "kb" or "branch:<org unit id>" */
  gint64    version;         /* server version, 1 on insert, +1 per applied write */
  gint64    seq;             /* set by row_put: next number in the scope */
  gboolean  deleted;
  gint64    updated_at;      /* Unix ms, server clock */
  char     *data;            /* JSON object: every field of the row */
  char     *field_versions;  /* JSON object: {"field":[version,"device id"]} */
  gint64    key;             /* read only: the backend's stable row key, for snapshot paging */
} KefuStoreRow;

/* Row callbacks get a borrowed row; return FALSE to stop. */
typedef gboolean (*KefuStoreRowFunc) (const KefuStoreRow *row,
                                      gpointer            user_data);

typedef struct
{
  void           (*close)             (KefuStore           *self);

  gboolean       (*begin)             (KefuStore           *self,
                                       GError             **error);
  gboolean       (*commit)            (KefuStore           *self,
                                       GError             **error);
  void           (*rollback)          (KefuStore           *self);

  /* NULL without error when unset. */
  char          *(*meta_get)          (KefuStore           *self,
                                       const char          *key,
                                       GError             **error);
  gboolean       (*meta_set)          (KefuStore           *self,
                                       const char          *key,
                                       const char          *value,
                                       GError             **error);

  gboolean       (*user_insert)       (KefuStore           *self,
                                       const KefuStoreUser *user,
                                       GError             **error);
  /* Replaces every column of the user with @user->id. */
  gboolean       (*user_update)       (KefuStore           *self,
                                       const KefuStoreUser *user,
                                       GError             **error);
  /* By id when @id is set, else by username; NULL without error when
   * there is none. */
  KefuStoreUser *(*user_get)          (KefuStore           *self,
                                       const char          *id,
                                       const char          *username,
                                       GError             **error);
  /* (element-type KefuStoreUser), ordered by username. */
  GPtrArray     *(*user_list)         (KefuStore           *self,
                                       GError             **error);

  gboolean       (*token_insert)      (KefuStore           *self,
                                       const char          *token_hash,
                                       const char          *user_id,
                                       gint64               expires_at,
                                       GError             **error);
  /* The user id of an unexpired token, or NULL without error. */
  char          *(*token_lookup)      (KefuStore           *self,
                                       const char          *token_hash,
                                       gint64               now,
                                       GError             **error);
  gboolean       (*token_delete)      (KefuStore           *self,
                                       const char          *token_hash,
                                       GError             **error);
  /* Deletes expired tokens, and every token of @user_id when set. */
  gboolean       (*token_purge)       (KefuStore           *self,
                                       gint64               now,
                                       const char          *user_id,
                                       GError             **error);

  /* *found is FALSE when the device never pushed. */
  gboolean       (*device_get)        (KefuStore           *self,
                                       const char          *device_id,
                                       gboolean            *found,
                                       char               **org_unit_id,
                                       gint64              *last_seq,
                                       GError             **error);
  gboolean       (*device_set)        (KefuStore           *self,
                                       const char          *device_id,
                                       const char          *org_unit_id,
                                       gint64               last_seq,
                                       GError             **error);
  gboolean       (*push_result_put)   (KefuStore           *self,
                                       const char          *device_id,
                                       gint64               seq,
                                       const char          *result_json,
                                       GError             **error);
  /* NULL without error when not stored. */
  char          *(*push_result_get)   (KefuStore           *self,
                                       const char          *device_id,
                                       gint64               seq,
                                       GError             **error);

  /* NULL without error when there is no such row (deleted rows are
   * returned, with deleted set). */
  KefuStoreRow  *(*row_get)           (KefuStore           *self,
                                       const char          *entity,
                                       const char          *row_id,
                                       GError             **error);
  /* Inserts or replaces the row (entity, row_id), assigning row->seq the
   * next sequence number of row->scope inside the current transaction. */
  gboolean       (*row_put)           (KefuStore           *self,
                                       KefuStoreRow        *row,
                                       GError             **error);
  /* The scope's last assigned seq and its horizon (the highest seq of a
   * purged tombstone); both 0 for a scope never written. */
  gboolean       (*scope_get)         (KefuStore           *self,
                                       const char          *scope,
                                       gint64              *last_seq,
                                       gint64              *horizon,
                                       GError             **error);
  /* Rows of @scope with seq > @after, ascending seq, at most @limit. */
  gboolean       (*rows_changed)      (KefuStore           *self,
                                       const char          *scope,
                                       gint64               after,
                                       guint                limit,
                                       KefuStoreRowFunc     func,
                                       gpointer             user_data,
                                       GError             **error);
  /* Rows of the given scopes (NULL = every scope) with key > @after,
   * ascending key, at most @limit. */
  gboolean       (*rows_scan)         (KefuStore           *self,
                                       const char * const  *scopes,
                                       gint64               after,
                                       guint                limit,
                                       KefuStoreRowFunc     func,
                                       gpointer             user_data,
                                       GError             **error);
  /* Every row of @entity, in any order. */
  gboolean       (*rows_of_entity)    (KefuStore           *self,
                                       const char          *entity,
                                       KefuStoreRowFunc     func,
                                       gpointer             user_data,
                                       GError             **error);
  /* Deletes tombstones last written before @before (Unix ms) and raises
   * the horizon of each scope they were in to their highest seq. */
  gboolean       (*purge_tombstones)  (KefuStore           *self,
                                       gint64               before,
                                       guint               *n_purged,
                                       GError             **error);

  /* Appends one audit entry: @action e.g. "push", "user.create". */
  gboolean       (*audit_append)      (KefuStore           *self,
                                       gint64               at,
                                       const char          *user_id,
                                       const char          *device_id,
                                       const char          *action,
                                       const char          *entity,
                                       const char          *row_id,
                                       const char          *detail_json,
                                       GError             **error);
  /* Number of audit entries (tests and maintenance). */
  gint64         (*audit_count)       (KefuStore           *self,
                                       GError             **error);

  /* Added after v1 (the server uses these for push results; a backend
   * keeps them in the same place as push_result_put/get):
   * stores the results of a run of consecutive seqs that starts at
   * @first_seq, as one opaque text. */
  gboolean       (*push_results_put)  (KefuStore           *self,
                                       const char          *device_id,
                                       gint64               first_seq,
                                       const char          *results,
                                       GError             **error);
  /* The stored run with the greatest first seq ≤ @seq (and that first seq
   * in @first_seq), or NULL without error when there is none. */
  char          *(*push_results_get)  (KefuStore           *self,
                                       const char          *device_id,
                                       gint64               seq,
                                       gint64              *first_seq,
                                       GError             **error);
} KefuStoreVTable;

struct _KefuStore
{
  const KefuStoreVTable *vtable;
};

#define KEFU_STORE_ERROR (kefu_store_error_quark ())

typedef enum
{
  KEFU_STORE_ERROR_FAILED,      /* the database failed */
  KEFU_STORE_ERROR_EXISTS,      /* a unique key is taken (username) */
  KEFU_STORE_ERROR_OPEN,        /* cannot open or create the store */
} KefuStoreError;

GQuark         kefu_store_error_quark      (void);

void           kefu_store_user_free        (KefuStoreUser *user);
void           kefu_store_row_free         (KefuStoreRow  *row);
KefuStoreRow  *kefu_store_row_copy         (const KefuStoreRow *row);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KefuStoreUser, kefu_store_user_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KefuStoreRow, kefu_store_row_free)

/* The embedded SQLite store in @dir (created 0700 when missing). */
KefuStore     *kefu_store_sqlite_open      (const char  *dir,
                                            GError     **error);

/* Opens the backend named by @spec: "sqlite:DIR" or "postgres:CONNINFO".
 * Unknown or unavailable backends fail with KEFU_STORE_ERROR_OPEN. */
KefuStore     *kefu_store_open             (const char  *spec,
                                            GError     **error);

void           kefu_store_close            (KefuStore   *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KefuStore, kefu_store_close)

/* Calls through the vtable. */
#define kefu_store_begin(s, e)                 ((s)->vtable->begin ((s), (e)))
#define kefu_store_commit(s, e)                ((s)->vtable->commit ((s), (e)))
#define kefu_store_rollback(s)                 ((s)->vtable->rollback ((s)))

G_END_DECLS
