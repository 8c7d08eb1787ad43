/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* The Kefu sync wire protocol (docs/SYNC.md): strict JSON encode/decode of
 * every request and reply body, shared by the client engine and the server.
 * GLib and json-glib only, so that the decoders can be fuzzed.
 *
 * Decoders never trust their input: a wrong type, a missing member, an
 * unknown entity, an oversized string or a bad UUID fails with
 * KEFU_SYNC_ERROR_INVALID and a message naming the offending member (the
 * server answers 400 with that message). Unknown top-level members are
 * ignored, so either side can add members later. */

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define KEFU_SYNC_ERROR (kefu_sync_error_quark ())

typedef enum
{
  KEFU_SYNC_ERROR_INVALID,    /* malformed or unacceptable body (400) */
  KEFU_SYNC_ERROR_TOO_LARGE,  /* body or batch over the limits (413) */
} KefuSyncError;

GQuark kefu_sync_error_quark (void);

/* Limits (docs/SYNC.md, "Limits"). */
#define KEFU_SYNC_MAX_OPS            500
#define KEFU_SYNC_MAX_BODY           (4 * 1024 * 1024)  /* after gunzip */
#define KEFU_SYNC_MAX_STRING         (64 * 1024)        /* bytes, one field value */
#define KEFU_SYNC_MAX_LONG_STRING    (1024 * 1024)      /* body, description, ... */
#define KEFU_SYNC_MAX_FIELDS         128
#define KEFU_SYNC_MAX_NAME           64                 /* field names, usernames */
#define KEFU_SYNC_MAX_DEPTH          32                 /* JSON nesting */
#define KEFU_SYNC_MAX_PAGE           5000               /* pull/snapshot limit */
#define KEFU_SYNC_DEFAULT_PAGE       1000

/* Scopes. A branch scope is "branch:" followed by the branch's org_unit id. */
#define KEFU_SYNC_SCOPE_ORG          "org"
#define KEFU_SYNC_SCOPE_KB           "kb"
#define KEFU_SYNC_SCOPE_BRANCH_PREFIX "branch:"

typedef enum
{
  KEFU_SYNC_SCOPE_CLASS_ORG,     /* organisation data and service standards */
  KEFU_SYNC_SCOPE_CLASS_KB,      /* knowledge base and training content */
  KEFU_SYNC_SCOPE_CLASS_BRANCH,  /* one branch's customers and cases */
} KefuSyncScopeClass;

/* How the server reconciles concurrent writes of an entity. */
typedef enum
{
  KEFU_SYNC_MERGE_LAST_ARRIVAL,  /* fields written in server arrival order */
  KEFU_SYNC_MERGE_INSERT_ONLY,   /* never updated; never conflicts */
  KEFU_SYNC_MERGE_PER_FIELD,     /* a field conflicts only if changed on the server since base */
  KEFU_SYNC_MERGE_CASE,          /* status/assignee_id checked like PER_FIELD, the rest by arrival */
  KEFU_SYNC_MERGE_VERSION_CHECK, /* stale base_version: the op is rejected "stale" */
} KefuSyncMerge;

typedef struct
{
  const char         *name;         /* entity = local table name, e.g. "kcase" */
  KefuSyncScopeClass  scope_class;
  KefuSyncMerge       merge;
  /* Branch entities: the field naming the branch itself ("branch_id"), or
   * the parent whose branch the row inherits ("customer_id", "case_id",
   * "staff_id"), resolved on the server; when the parent field is null,
   * the alternative parent (an attachment of a customer rather than of a
   * case). A staff parent places the row in the scope of the staff
   * member's org unit. NULL elsewhere. */
  const char         *branch_field;
  const char         *parent_field;
  const char         *parent_entity;
  const char         *alt_parent_field;
  const char         *alt_parent_entity;
} KefuSyncEntity;

const KefuSyncEntity *kefu_sync_entity_lookup   (const char *name);
const KefuSyncEntity *kefu_sync_entities        (guint      *n_entities);

typedef enum
{
  KEFU_SYNC_OP_INSERT,
  KEFU_SYNC_OP_UPDATE,
  KEFU_SYNC_OP_DELETE,
  KEFU_SYNC_OP_RESTORE,
} KefuSyncOpKind;

const char *kefu_sync_op_kind_to_string (KefuSyncOpKind kind);

typedef enum
{
  KEFU_SYNC_RESULT_APPLIED,
  KEFU_SYNC_RESULT_CONFLICT,
  KEFU_SYNC_RESULT_REJECTED,
} KefuSyncResultStatus;

const char *kefu_sync_result_status_to_string (KefuSyncResultStatus status);

/* --- login ---------------------------------------------------------------- */

typedef struct
{
  char *username;
  char *password;
  char *device_id;
} KefuSyncLogin;

typedef struct
{
  char   *token;
  gint64  expires_at;      /* Unix ms */
  char   *epoch;
  char   *user_id;
  char   *username;
  char   *role;            /* agent, supervisor, trainer, admin */
  char   *org_unit_id;
  char   *staff_id;        /* may be NULL */
} KefuSyncLoginReply;

/* --- push ----------------------------------------------------------------- */

typedef struct
{
  gint64          seq;           /* per device, 1, 2, 3, ... */
  char           *op_id;         /* UUID */
  char           *entity;
  char           *row_id;        /* UUID */
  KefuSyncOpKind  op;
  gint64          base_version;  /* server version the change was based on; 0 = new */
  char           *hlc;
  JsonObject     *fields;        /* field -> string | integer | boolean | null */
} KefuSyncOp;

typedef struct
{
  char      *device_id;
  char      *epoch;
  GPtrArray *ops;                /* KefuSyncOp, ascending seq */
} KefuSyncPush;

typedef struct
{
  gint64                seq;
  char                 *op_id;
  KefuSyncResultStatus  status;
  gint64                server_version;  /* the row's version after the op; 0 if none */
  char                 *reason;          /* NULL when applied */
} KefuSyncOpResult;

typedef struct
{
  char      *epoch;
  gint64     last_seq;           /* the device's last applied seq */
  GPtrArray *results;            /* KefuSyncOpResult, one per op answered */
} KefuSyncPushReply;

/* --- pull, snapshot, verify ---------------------------------------------- */

typedef struct
{
  char   *scope;
  gint64  seq;
} KefuSyncCursor;

typedef struct
{
  char       *scope;
  gint64      server_seq;
  char       *entity;
  char       *row_id;
  gint64      version;
  gboolean    deleted;
  JsonObject *fields;            /* every field of the row */
  char       *fields_json;       /* encoder only: the fields as trusted JSON text,
                                  * used instead of @fields when set */
} KefuSyncChange;

typedef struct
{
  char      *epoch;
  GPtrArray *cursors;            /* KefuSyncCursor; scopes not named start at 0 */
  gint64     limit;
} KefuSyncPull;

typedef struct
{
  char      *epoch;
  GPtrArray *cursors;            /* KefuSyncCursor: every scope the user reads */
  gboolean   more;
  GPtrArray *changes;            /* KefuSyncChange */
} KefuSyncPullReply;

typedef struct
{
  gint64  after;                 /* 0 for the first page, then the reply's next */
  gint64  limit;
} KefuSyncSnapshot;

typedef struct
{
  char      *epoch;
  GPtrArray *cursors;            /* first page: pull from here once done */
  gint64     next;
  gboolean   more;
  GPtrArray *changes;            /* KefuSyncChange (deleted rows included) */
} KefuSyncSnapshotReply;

typedef struct
{
  char   *scope;
  gint64  count;
  char   *checksum;              /* 64 hex digits */
} KefuSyncScopeSum;

typedef struct
{
  char      *epoch;
  GPtrArray *cursors;
  GPtrArray *scopes;             /* KefuSyncScopeSum */
} KefuSyncVerifyReply;

/* --- constructors and destructors ---------------------------------------- */

KefuSyncOp       *kefu_sync_op_new               (void);
void              kefu_sync_op_free              (KefuSyncOp            *op);
KefuSyncOpResult *kefu_sync_op_result_new        (gint64                 seq,
                                                  const char            *op_id,
                                                  KefuSyncResultStatus   status,
                                                  gint64                 server_version,
                                                  const char            *reason);
void              kefu_sync_op_result_free       (KefuSyncOpResult      *result);
KefuSyncCursor   *kefu_sync_cursor_new           (const char            *scope,
                                                  gint64                 seq);
void              kefu_sync_cursor_free          (KefuSyncCursor        *cursor);
KefuSyncChange   *kefu_sync_change_new           (void);
void              kefu_sync_change_free          (KefuSyncChange        *change);
KefuSyncScopeSum *kefu_sync_scope_sum_new        (const char            *scope,
                                                  gint64                 count,
                                                  const char            *checksum);
void              kefu_sync_scope_sum_free       (KefuSyncScopeSum      *sum);

KefuSyncPush     *kefu_sync_push_new             (void);
void              kefu_sync_push_free            (KefuSyncPush          *push);
KefuSyncPushReply *kefu_sync_push_reply_new      (void);
void              kefu_sync_push_reply_free      (KefuSyncPushReply     *reply);
KefuSyncPull     *kefu_sync_pull_new             (void);
void              kefu_sync_pull_free            (KefuSyncPull          *pull);
KefuSyncPullReply *kefu_sync_pull_reply_new      (void);
void              kefu_sync_pull_reply_free      (KefuSyncPullReply     *reply);
KefuSyncSnapshotReply *kefu_sync_snapshot_reply_new  (void);
void              kefu_sync_snapshot_reply_free  (KefuSyncSnapshotReply *reply);
KefuSyncVerifyReply *kefu_sync_verify_reply_new  (void);
void              kefu_sync_verify_reply_free    (KefuSyncVerifyReply   *reply);
void              kefu_sync_login_free           (KefuSyncLogin         *login);
void              kefu_sync_login_reply_free     (KefuSyncLoginReply    *reply);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KefuSyncOp, kefu_sync_op_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KefuSyncOpResult, kefu_sync_op_result_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KefuSyncChange, kefu_sync_change_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KefuSyncCursor, kefu_sync_cursor_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KefuSyncScopeSum, kefu_sync_scope_sum_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KefuSyncPush, kefu_sync_push_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KefuSyncPushReply, kefu_sync_push_reply_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KefuSyncPull, kefu_sync_pull_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KefuSyncSnapshot, g_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KefuSyncPullReply, kefu_sync_pull_reply_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KefuSyncSnapshotReply, kefu_sync_snapshot_reply_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KefuSyncVerifyReply, kefu_sync_verify_reply_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KefuSyncLogin, kefu_sync_login_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KefuSyncLoginReply, kefu_sync_login_reply_free)

/* --- decoding (transfer full; NULL and @error set when invalid) ---------- */

/* Parses @data (not NUL-terminated, @length bytes) into an object node,
 * refusing nesting deeper than KEFU_SYNC_MAX_DEPTH. */
JsonObject            *kefu_sync_parse_object        (const char  *data,
                                                      gsize        length,
                                                      GError     **error);

KefuSyncLogin         *kefu_sync_login_decode        (const char  *data,
                                                      gsize        length,
                                                      GError     **error);
KefuSyncLoginReply    *kefu_sync_login_reply_decode  (const char  *data,
                                                      gsize        length,
                                                      GError     **error);
KefuSyncPush          *kefu_sync_push_decode         (const char  *data,
                                                      gsize        length,
                                                      GError     **error);
KefuSyncPushReply     *kefu_sync_push_reply_decode   (const char  *data,
                                                      gsize        length,
                                                      GError     **error);
KefuSyncPull          *kefu_sync_pull_decode         (const char  *data,
                                                      gsize        length,
                                                      GError     **error);
KefuSyncPullReply     *kefu_sync_pull_reply_decode   (const char  *data,
                                                      gsize        length,
                                                      GError     **error);
KefuSyncSnapshot      *kefu_sync_snapshot_decode     (const char  *data,
                                                      gsize        length,
                                                      GError     **error);
KefuSyncSnapshotReply *kefu_sync_snapshot_reply_decode (const char  *data,
                                                        gsize        length,
                                                        GError     **error);
KefuSyncVerifyReply   *kefu_sync_verify_reply_decode (const char  *data,
                                                      gsize        length,
                                                      GError     **error);

/* Validates one op's fields object (names, value types, sizes); also used
 * by the server for the users endpoints' bodies. */
gboolean               kefu_sync_fields_validate     (JsonObject  *fields,
                                                      const char  *what,
                                                      GError     **error);
gboolean               kefu_sync_is_uuid             (const char  *text);
gboolean               kefu_sync_scope_is_valid      (const char  *scope);

/* --- encoding (compact JSON, transfer full) ------------------------------ */

char *kefu_sync_login_encode            (const KefuSyncLogin         *login);
char *kefu_sync_login_reply_encode      (const KefuSyncLoginReply    *reply);
char *kefu_sync_push_encode             (const KefuSyncPush          *push);
char *kefu_sync_push_reply_encode       (const KefuSyncPushReply     *reply);
char *kefu_sync_pull_encode             (const KefuSyncPull          *pull);
char *kefu_sync_pull_reply_encode       (const KefuSyncPullReply     *reply);
char *kefu_sync_snapshot_encode         (const KefuSyncSnapshot      *snapshot);
char *kefu_sync_snapshot_reply_encode   (const KefuSyncSnapshotReply *reply);
char *kefu_sync_verify_reply_encode     (const KefuSyncVerifyReply   *reply);
char *kefu_sync_error_encode            (const char                  *code,
                                         const char                  *message);
/* A fields object (scalar members) as compact JSON. */
char *kefu_sync_fields_encode           (JsonObject                  *fields);
/* One JSON string literal, quotes included, appended to @out. */
void  kefu_sync_append_json_string      (GString                     *out,
                                         const char                  *text);

/* --- verify checksum ------------------------------------------------------ */

/* The per-scope checksum is the XOR of SHA-256 ("<entity>\n<row_id>\n<version>")
 * over the scope's live (not deleted) rows, as 64 lower-case hex digits;
 * order does not matter, so both sides can fold rows in any order. */
typedef struct
{
  guint8 sum[32];
  gint64 count;
} KefuSyncChecksum;

void  kefu_sync_checksum_init   (KefuSyncChecksum *checksum);
void  kefu_sync_checksum_add    (KefuSyncChecksum *checksum,
                                 const char       *entity,
                                 const char       *row_id,
                                 gint64            version);
char *kefu_sync_checksum_hex    (const KefuSyncChecksum *checksum);

G_END_DECLS
