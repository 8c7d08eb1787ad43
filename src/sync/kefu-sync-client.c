/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "kefu-sync-client"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "kefu-sync-client.h"
#include "kefu-sync-local.h"
#include "kefu-sync-protocol.h"

/* How the engine works (docs/ARCHITECTURE.md, "Sync"):
 *
 * The object lives on the main thread. Every exchange with the server runs
 * in a GTask thread ("the worker") on the worker's own KefuDb connection
 * and SoupSession, one exchange at a time. The worker reports progress to
 * the main thread with g_main_context_invoke(); the object turns it into
 * property notifications. */

#define PULL_PAGE 1000
#define PRUNE_AFTER_MS (24 * 60 * 60 * 1000)

typedef struct
{
  /* Set on the main thread before a run, read by the worker. */
  char      *db_path;
  char      *url;
  char      *username;
  char      *password;
  /* Owned by the worker (one run at a time). */
  KefuDb      *db;
  SoupSession *session;
  char        *token;
  char        *epoch;
  gint64       snapshot_total;
  gint64       snapshot_done;
  guint        pulled;          /* rows applied in the current run */
  guint        refused;         /* entries the server rejected in the current run */
  char        *refused_sentence; /* why the last one was refused, for the user */
  char        *detail;          /* the server's own words for the last refusal */
  gboolean     unlinked;        /* the account has no staff record on the server */
  GMainContext *main_context;
  GWeakRef     owner;
} Worker;

struct _KefuSyncClient
{
  GObject        parent_instance;

  Worker        *worker;
  GMutex         lock;            /* worker->url, username, password */
  KefuDb        *watched;

  KefuSyncState  state;
  gint64         pending;
  gint64         open_conflicts;
  double         progress;
  char          *last_error;
  char          *last_error_detail;
  char          *url;
  char          *username;

  gboolean       running;
  gboolean       rerun;
  guint          interval;
  guint          tick_id;
  guint          soon_id;
  guint          count_id;
  GCancellable  *cancellable;
};

G_DEFINE_FINAL_TYPE (KefuSyncClient, kefu_sync_client, G_TYPE_OBJECT)
G_DEFINE_QUARK (kefu-sync-client-error-quark, kefu_sync_client_error)

enum {
  PROP_0,
  PROP_STATE,
  PROP_PENDING,
  PROP_PROGRESS,
  PROP_LAST_ERROR,
  PROP_OPEN_CONFLICTS,
  PROP_USERNAME,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

enum {
  PULLED,
  N_SIGNALS
};

static guint signals [N_SIGNALS];

static void start_run (KefuSyncClient *self);

/* --- reports from the worker ----------------------------------------- */

typedef struct
{
  GWeakRef  owner;
  double    progress;
  gint64    pending;
  gint64    conflicts;
  gboolean  has_counts;
} Report;

static void
set_progress (KefuSyncClient *self,
              double          progress)
{
  if (self->progress != progress)
    {
      self->progress = progress;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS]);
    }
}

static void
set_counts (KefuSyncClient *self,
            gint64          pending,
            gint64          conflicts)
{
  if (self->pending != pending)
    {
      self->pending = pending;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PENDING]);
    }
  if (self->open_conflicts != conflicts)
    {
      self->open_conflicts = conflicts;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OPEN_CONFLICTS]);
    }
}

static gboolean
deliver_report (gpointer data)
{
  Report *r = data;
  g_autoptr(KefuSyncClient) self = g_weak_ref_get (&r->owner);

  if (self != NULL)
    {
      if (r->has_counts)
        set_counts (self, r->pending, r->conflicts);
      else
        set_progress (self, r->progress);
    }
  return G_SOURCE_REMOVE;
}

static void
report_free (gpointer data)
{
  Report *r = data;

  g_weak_ref_clear (&r->owner);
  g_free (r);
}

static void
worker_report (Worker   *w,
               double    progress,
               gboolean  has_counts)
{
  Report *r = g_new0 (Report, 1);
  g_autoptr(GObject) owner = g_weak_ref_get (&w->owner);

  if (owner == NULL)
    {
      g_free (r);
      return;
    }
  g_weak_ref_init (&r->owner, owner);
  r->progress = progress;
  r->has_counts = has_counts;
  if (has_counts && w->db)
    {
      r->pending = kefu_sync_local_pending_count (w->db);
      r->conflicts = kefu_sync_local_open_conflicts (w->db);
    }
  g_main_context_invoke_full (w->main_context, G_PRIORITY_DEFAULT, deliver_report, r, report_free);
}

/* --- HTTP ------------------------------------------------------------ */

static gboolean
is_offline_error (const GError *error)
{
  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_HOST_UNREACHABLE) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_HOST_NOT_FOUND) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_FAILED) ||
         error->domain == G_RESOLVER_ERROR ||
         error->domain == SOUP_SESSION_ERROR;
}

static GBytes *
gzip_bytes (const char *data,
            gsize       length)
{
  g_autoptr(GZlibCompressor) compressor = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, 6);
  g_autoptr(GByteArray) out = g_byte_array_new ();
  gsize in_done = 0;
  guint8 buf[16384];

  for (;;)
    {
      gsize read = 0, written = 0;
      GConverterResult res;

      res = g_converter_convert (G_CONVERTER (compressor), data + in_done, length - in_done,
                                 buf, sizeof buf, G_CONVERTER_INPUT_AT_END, &read, &written, NULL);
      in_done += read;
      g_byte_array_append (out, buf, written);
      if (res == G_CONVERTER_FINISHED || res == G_CONVERTER_ERROR)
        break;
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

typedef struct
{
  const char *key;
  const char *sentence;
} Sentence;

/* Returns: (transfer none): the translated sentence of the first entry
 * of @table whose key starts @key, or NULL. */
static const char *
find_sentence (const Sentence *table,
               gsize           n,
               const char     *key)
{
  for (gsize i = 0; key != NULL && i < n; i++)
    if (g_str_has_prefix (key, table[i].key))
      return _(table[i].sentence);
  return NULL;
}

/* Returns: (transfer none): a sentence the user understands for one of
 * the server's refusal codes (docs/SYNC.md, "Transport"), or NULL for a
 * code this version does not know (5xx answers have a sentence of their
 * own in set_http_error()). The server's own message is English
 * and technical: it is kept as the detail, never shown as the sentence. */
static const char *
refusal_sentence (const char *code)
{
  static const Sentence sentences[] = {
    { "invalid", N_("The server could not accept what this computer sent.") },
    { "unauthorized", N_("The server did not accept the user name or password. Sign in again in Preferences.") },
    { "forbidden", N_("The server refused: this account may not sync this office’s data.") },
    { "not_found", N_("The server does not know this address or record. Check the server address in Preferences.") },
    { "method", N_("The server does not take this request; it may run another version of Kefu.") },
    { "exists", N_("The server already has this.") },
    { "epoch", N_("The server was restored; this office downloads its data again.") },
    { "horizon", N_("This computer was away from the server for too long; it downloads the office’s data again.") },
    { "too_large", N_("A change is too large for the server to accept.") },
    { "encoding", N_("The server could not read the compressed data this computer sent.") },
    { "rate_limited", N_("Too many failed sign-ins. Wait a few minutes and try again.") },
  };

  return find_sentence (sentences, G_N_ELEMENTS (sentences), code);
}

/* Returns: (transfer none): why the server rejected one pushed change, in
 * the user's words (docs/SYNC.md, "Push"), for a known reason. */
static const char *
reason_sentence (const char *reason)
{
  static const Sentence sentences[] = {
    { "forbidden scope", N_("It belongs to an office this account may not change.") },
    { "forbidden role", N_("This account’s role may not make this change.") },
    { "stale", N_("Someone changed the record on the server first; open it again and repeat the change.") },
    { "not found", N_("The server does not have the record it changes.") },
    { "insert-only", N_("Records of this kind cannot be changed once written.") },
    { "parent not found", N_("It names a record the server does not have or this account may not see.") },
    { "branch_id cannot change", N_("A record cannot move to another office.") },
    { "exists", N_("The server already has it.") },
  };

  const char *sentence = find_sentence (sentences, G_N_ELEMENTS (sentences), reason);

  return sentence ? sentence : _("The server gave a reason this version of Kefu does not know.");
}

/* The sentence for an HTTP refusal; the status, code and the server's
 * message go to @w->detail. */
static void
set_http_error (Worker      *w,
                GError     **error,
                guint        status,
                const char  *code,
                const char  *message)
{
  static const struct { guint status; KefuSyncClientError error; } errors[] = {
    { 401, KEFU_SYNC_CLIENT_ERROR_AUTH },
    { 403, KEFU_SYNC_CLIENT_ERROR_FORBIDDEN },
    { 410, KEFU_SYNC_CLIENT_ERROR_RESYNC },
    { 429, KEFU_SYNC_CLIENT_ERROR_RATE_LIMITED },
  };
  KefuSyncClientError kind = status >= 500 ? KEFU_SYNC_CLIENT_ERROR_SERVER : KEFU_SYNC_CLIENT_ERROR_PROTOCOL;
  const char *sentence = refusal_sentence (code);

  g_free (w->detail);
  w->detail = g_strdup_printf ("HTTP %u %s: %s", status, code ? code : "", message ? message : "");
  g_debug ("The server refused: %s", w->detail);
  for (guint i = 0; i < G_N_ELEMENTS (errors); i++)
    if (errors[i].status == status)
      kind = errors[i].error;
  if (status == 401)
    sentence = refusal_sentence ("unauthorized");
  else if (status == 429)
    sentence = refusal_sentence ("rate_limited");
  else if (status == 410 && sentence == NULL)
    sentence = refusal_sentence ("epoch");

  if (sentence != NULL && status < 500)
    g_set_error_literal (error, KEFU_SYNC_CLIENT_ERROR, kind, sentence);
  else if (status >= 500)
    g_set_error (error, KEFU_SYNC_CLIENT_ERROR, kind,
                 _("The server had a problem (error %u). Kefu will try again."), status);
  else
    g_set_error (error, KEFU_SYNC_CLIENT_ERROR, kind,
                 _("The server refused a request (error %u)."), status);
}

/* Sends one request; returns the body of a 2xx answer. On 410 the new
 * epoch is stored in @w->epoch. */
static GBytes *
http (Worker        *w,
      const char    *method,
      const char    *path,
      const char    *body,
      gboolean       auth,
      GCancellable  *cancellable,
      GError       **error)
{
  g_autofree char *base = g_strdup (w->url);
  g_autofree char *uri = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(GError) local_error = NULL;
  guint status;

  if (base == NULL || !(g_str_has_prefix (base, "http://") || g_str_has_prefix (base, "https://")))
    {
      g_set_error (error, KEFU_SYNC_CLIENT_ERROR, KEFU_SYNC_CLIENT_ERROR_PROTOCOL,
                   _("The server address must start with http:// or https://."));
      return NULL;
    }
  while (g_str_has_suffix (base, "/"))
    base[strlen (base) - 1] = '\0';
  uri = g_strconcat (base, "/api/v1/", path, NULL);
  msg = soup_message_new (method, uri);
  if (msg == NULL)
    {
      g_set_error (error, KEFU_SYNC_CLIENT_ERROR, KEFU_SYNC_CLIENT_ERROR_PROTOCOL,
                   _("“%s” is not a valid server address."), w->url);
      return NULL;
    }
  if (auth && w->token)
    {
      g_autofree char *bearer = g_strconcat ("Bearer ", w->token, NULL);

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", bearer);
    }
  if (body != NULL)
    {
      gsize len = strlen (body);
      g_autoptr(GBytes) bytes = NULL;

      if (len > 4096)
        {
          bytes = gzip_bytes (body, len);
          soup_message_headers_replace (soup_message_get_request_headers (msg), "Content-Encoding", "gzip");
        }
      else
        bytes = g_bytes_new (body, len);
      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }

  reply = soup_session_send_and_read (w->session, msg, cancellable, &local_error);
  if (reply == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&local_error));
      else if (local_error->domain == G_TLS_ERROR)
        g_set_error (error, KEFU_SYNC_CLIENT_ERROR, KEFU_SYNC_CLIENT_ERROR_TLS,
                     _("The server’s certificate is not trusted (%s)."), local_error->message);
      else if (is_offline_error (local_error))
        g_set_error (error, KEFU_SYNC_CLIENT_ERROR, KEFU_SYNC_CLIENT_ERROR_OFFLINE,
                     _("The server cannot be reached. Changes are kept and sent when it is back."));
      else
        g_set_error (error, KEFU_SYNC_CLIENT_ERROR, KEFU_SYNC_CLIENT_ERROR_OFFLINE,
                     _("The server cannot be reached (%s). Changes are kept and sent when it is back."),
                     local_error->message);
      return NULL;
    }

  status = soup_message_get_status (msg);
  if (status < 200 || status >= 300)
    {
      gsize len = 0;
      const char *data = g_bytes_get_data (reply, &len);
      g_autoptr(JsonObject) o = data ? kefu_sync_parse_object (data, len, NULL) : NULL;
      const char *code = o ? json_object_get_string_member_with_default (o, "error", NULL) : NULL;
      const char *message = o ? json_object_get_string_member_with_default (o, "message", NULL) : NULL;

      if (status == 410 && o)
        {
          const char *epoch = json_object_get_string_member_with_default (o, "epoch", NULL);

          if (epoch && kefu_sync_is_uuid (epoch))
            kefu_set_str (&w->epoch, epoch);
        }
      if (status == 401)
        g_clear_pointer (&w->token, g_free);
      set_http_error (w, error, status, code, message);
      return NULL;
    }
  return g_steal_pointer (&reply);
}

#define DATA(b) ((const char *) g_bytes_get_data ((b), NULL))
#define SIZE(b) (g_bytes_get_size (b))

static gboolean
local_error (GError **error,
             GError  *cause)
{
  g_set_error (error, KEFU_SYNC_CLIENT_ERROR, KEFU_SYNC_CLIENT_ERROR_LOCAL,
               _("The local database could not store what the server sent: %s"),
               cause ? cause->message : "?");
  g_clear_error (&cause);
  return FALSE;
}

static gboolean
protocol_error (GError **error,
                GError  *cause)
{
  g_set_error (error, KEFU_SYNC_CLIENT_ERROR, KEFU_SYNC_CLIENT_ERROR_PROTOCOL,
               _("The server sent an answer this version of Kefu does not understand: %s"),
               cause ? cause->message : "?");
  g_clear_error (&cause);
  return FALSE;
}

/* --- the worker ------------------------------------------------------ */

static gboolean
worker_open (Worker  *w,
             GError **error)
{
  GError *cause = NULL;

  if (w->db == NULL)
    {
      w->db = kefu_db_open (w->db_path, &cause);
      if (w->db == NULL)
        return local_error (error, cause);
      /* Pulled rows may name rows of other scopes; see kefu_sync_local_apply(). */
      kefu_db_exec (w->db, "PRAGMA foreign_keys = OFF", NULL);
    }
  if (w->session == NULL)
    w->session = soup_session_new_with_options ("timeout", 60, "idle-timeout", 30,
                                                "user-agent", "Kefu/" PACKAGE_VERSION, NULL);
  if (w->epoch == NULL)
    w->epoch = kefu_sync_local_get (w->db, "epoch");
  return TRUE;
}

/* A new epoch (410 or a login that names another): start over from a
 * snapshot, keeping the outbox. */
static gboolean
worker_resync (Worker  *w,
               GError **error)
{
  GError *cause = NULL;

  g_message ("Server epoch changed to %s: full resync", w->epoch);
  if (!kefu_sync_local_reset (w->db, w->epoch, &cause))
    return local_error (error, cause);
  return TRUE;
}

/* The level of the server's org unit @id ("branch", "city"…; NULL when
 * the row has none), read through the rows endpoint. */
static gboolean
unit_level (Worker        *w,
            const char    *id,
            char         **level,
            GCancellable  *cancellable,
            GError       **error)
{
  g_autofree char *path = g_strconcat ("rows/org_unit/", id, NULL);
  g_autoptr(GBytes) body = http (w, "GET", path, NULL, TRUE, cancellable, error);
  g_autoptr(JsonObject) row = NULL;
  JsonNode *fields;
  GError *cause = NULL;

  if (body == NULL)
    return FALSE;
  row = kefu_sync_parse_object (DATA (body), SIZE (body), &cause);
  if (row == NULL)
    return protocol_error (error, cause);
  fields = json_object_get_member (row, "fields");
  *level = fields != NULL && JSON_NODE_HOLDS_OBJECT (fields)
           ? g_strdup (json_object_get_string_member_with_default (json_node_get_object (fields), "level", NULL))
           : NULL;
  return TRUE;
}

/* The first sign-in of this database: the office and the first-run
 * administrator become the server's branch and staff record (docs/SYNC.md,
 * "First sign-in of an office set up offline"), the device registers, and
 * the sign-in is stored. */
static gboolean
settle_first_sign_in (Worker              *w,
                      KefuSyncLoginReply  *reply,
                      GCancellable        *cancellable,
                      GError             **error)
{
  GError *cause = NULL;
  g_autofree char *device = kefu_sync_local_push_device (w->db);
  g_autofree char *office = kefu_db_get_meta (w->db, "office_id");
  g_autofree char *level = NULL;
  gboolean office_known = FALSE;
  gboolean may_write_org;

  /* The office set up on this device becomes the user's unit on the
   * server (a branch's computer its branch, one at headquarters
   * headquarters), unless it already is a server row. */
  if (office != NULL)
    {
      sqlite3_stmt *stmt = kefu_db_prepare (w->db, "SELECT 1 FROM sync_row WHERE entity = 'org_unit' AND row_id = ?", NULL);

      if (stmt)
        {
          sqlite3_bind_text (stmt, 1, office, -1, SQLITE_STATIC);
          office_known = sqlite3_step (stmt) == SQLITE_ROW;
          sqlite3_reset (stmt);
        }
    }
  if (reply->org_unit_id != NULL && !unit_level (w, reply->org_unit_id, &level, cancellable, error))
    return FALSE;
  /* Only headquarters' admins write organisation data (docs/SYNC.md). */
  may_write_org = g_strcmp0 (reply->role, "admin") == 0 && g_strcmp0 (level, "headquarters") == 0;
  if (!kefu_db_begin (w->db, &cause))
    return local_error (error, cause);
  if ((!office_known && reply->org_unit_id != NULL &&
       !kefu_sync_local_adopt_office (w->db, reply->org_unit_id, &cause)) ||
      !kefu_sync_local_adopt_identity (w->db, reply->staff_id, may_write_org, &cause) ||
      !kefu_db_commit (w->db, &cause))
    {
      kefu_db_rollback (w->db);
      return local_error (error, cause);
    }
  if (!kefu_sync_local_set_device_code (w->db, device, &cause) ||
      !kefu_sync_local_register_device (w->db, device, &cause) ||
      !kefu_sync_local_set (w->db, "server_url", w->url, &cause) ||
      !kefu_sync_local_set (w->db, "username", w->username, &cause) ||
      !kefu_sync_local_set (w->db, "user_id", reply->user_id, &cause) ||
      !kefu_sync_local_set (w->db, "role", reply->role, &cause))
    return local_error (error, cause);
  return TRUE;
}

static gboolean
worker_login (Worker        *w,
              gboolean       first,
              GCancellable  *cancellable,
              GError       **error)
{
  g_autoptr(KefuSyncLogin) login = g_new0 (KefuSyncLogin, 1);
  g_autoptr(KefuSyncLoginReply) reply = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autofree char *json = NULL;
  g_autofree char *stored_epoch = NULL;
  GError *cause = NULL;

  if (w->password == NULL)
    {
      g_set_error (error, KEFU_SYNC_CLIENT_ERROR, KEFU_SYNC_CLIENT_ERROR_NOT_SIGNED_IN,
                   _("Sign in to the server in Preferences to sync."));
      return FALSE;
    }
  login->username = g_strdup (w->username);
  login->password = g_strdup (w->password);
  login->device_id = kefu_sync_local_push_device (w->db);
  json = kefu_sync_login_encode (login);
  body = http (w, "POST", "login", json, FALSE, cancellable, error);
  if (body == NULL)
    return FALSE;
  reply = kefu_sync_login_reply_decode (DATA (body), SIZE (body), &cause);
  if (reply == NULL)
    return protocol_error (error, cause);

  kefu_set_str (&w->token, reply->token);
  w->unlinked = reply->staff_id == NULL;
  stored_epoch = kefu_sync_local_get (w->db, "epoch");
  kefu_set_str (&w->epoch, reply->epoch);
  if (stored_epoch != NULL && g_strcmp0 (stored_epoch, reply->epoch) != 0 &&
      !worker_resync (w, error))
    return FALSE;
  if (stored_epoch == NULL && !kefu_sync_local_set (w->db, "epoch", reply->epoch, &cause))
    return local_error (error, cause);

  /* Not signed in until the first sign-in is settled: the next run
   * does it again from the login. */
  if (first && !settle_first_sign_in (w, reply, cancellable, error))
    {
      g_clear_pointer (&w->token, g_free);
      return FALSE;
    }
  return TRUE;
}

/* Counts an entry the server refused in this run; the last one's
 * sentence (translated) and the server's words (the detail) are shown. */
static void
refused (Worker      *w,
         const char  *sentence,
         const char  *detail)
{
  w->refused++;
  kefu_set_str (&w->refused_sentence, sentence);
  if (detail != w->detail)
    kefu_set_str (&w->detail, detail);
}

static gboolean
is_synced_entity (const char *entity)
{
  return kefu_sync_entity_lookup (entity) != NULL;
}

static KefuSyncOp *
op_from_outbox (KefuOutboxOp  *o,
                GError       **error)
{
  g_autoptr(KefuSyncOp) op = kefu_sync_op_new ();
  g_autoptr(JsonObject) fields = kefu_sync_parse_object (o->fields, strlen (o->fields), error);

  if (fields == NULL)
    return NULL;
  /* id, version and deleted are not fields on the wire: they are row_id,
   * base_version and op. */
  json_object_remove_member (fields, "id");
  json_object_remove_member (fields, "version");
  json_object_remove_member (fields, "deleted");
  op->seq = o->push_seq;
  op->op_id = g_strdup (o->op_id);
  op->entity = g_strdup (o->entity);
  op->row_id = g_strdup (o->row_id);
  if (g_str_equal (o->op, "insert"))
    op->op = KEFU_SYNC_OP_INSERT;
  else if (g_str_equal (o->op, "delete"))
    op->op = KEFU_SYNC_OP_DELETE;
  else if (g_str_equal (o->op, "restore"))
    op->op = KEFU_SYNC_OP_RESTORE;
  else
    op->op = KEFU_SYNC_OP_UPDATE;
  op->base_version = op->op == KEFU_SYNC_OP_INSERT ? 0 : o->base_server_version;
  op->hlc = g_strdup (o->hlc);
  op->fields = g_steal_pointer (&fields);
  return g_steal_pointer (&op);
}

/* Pushes the outbox until it is empty (or the server stops answering
 * entries). */
static gboolean
worker_push (Worker        *w,
             GCancellable  *cancellable,
             GError       **error)
{
  guint rounds = 0;

  for (;;)
    {
      g_autoptr(GPtrArray) batch = NULL;
      g_autoptr(KefuSyncPush) push = kefu_sync_push_new ();
      g_autoptr(KefuSyncPushReply) reply = NULL;
      g_autoptr(GBytes) body = NULL;
      g_autofree char *json = NULL;
      GError *cause = NULL;
      GError *http_error = NULL;
      guint answered = 0;

      batch = kefu_sync_local_next_batch (w->db, is_synced_entity, KEFU_SYNC_BATCH_MAX_OPS,
                                          KEFU_SYNC_BATCH_MAX_BYTES, &cause);
      if (batch == NULL)
        return local_error (error, cause);
      if (batch->len == 0)
        return TRUE;
      if (++rounds > 1000)
        return TRUE;

      push->device_id = kefu_sync_local_push_device (w->db);
      push->epoch = g_strdup (w->epoch);
      for (guint i = 0; i < batch->len; i++)
        {
          KefuOutboxOp *o = batch->pdata[i];
          KefuSyncOp *op = op_from_outbox (o, NULL);

          if (op == NULL)
            {
              /* A local entry that cannot be sent (damaged fields). */
              refused (w, refusal_sentence ("invalid"), "unreadable local change");
              if (!kefu_sync_local_drop (w->db, o->op_id, "unreadable local change", &cause))
                return local_error (error, cause);
              break;
            }
          g_ptr_array_add (push->ops, op);
        }
      if (push->ops->len == 0)
        continue;

      json = kefu_sync_push_encode (push);
      body = http (w, "POST", "push", json, TRUE, cancellable, &http_error);
      if (body == NULL)
        {
          /* A 400 names what the server cannot take. One entry at a time
           * finds it; a lone refused entry is dropped (shown to the user
           * as rejected) so that it never blocks the rest. */
          if (g_error_matches (http_error, KEFU_SYNC_CLIENT_ERROR, KEFU_SYNC_CLIENT_ERROR_PROTOCOL) &&
              push->ops->len == 1)
            {
              KefuSyncOp *op = push->ops->pdata[0];

              g_warning ("The server refused entry %s (%s %s): %s", op->op_id, op->entity,
                         op->row_id, http_error->message);
              refused (w, http_error->message, w->detail);
              if (!kefu_sync_local_drop (w->db, op->op_id, w->detail, &cause))
                return local_error (error, cause);
              g_clear_error (&http_error);
              continue;
            }
          if (g_error_matches (http_error, KEFU_SYNC_CLIENT_ERROR, KEFU_SYNC_CLIENT_ERROR_PROTOCOL))
            {
              /* Retry the first entry alone. */
              g_autoptr(KefuSyncPush) one = kefu_sync_push_new ();
              g_autofree char *one_json = NULL;
              g_autoptr(GBytes) one_body = NULL;

              g_clear_error (&http_error);
              one->device_id = g_strdup (push->device_id);
              one->epoch = g_strdup (push->epoch);
              g_ptr_array_add (one->ops, g_ptr_array_steal_index (push->ops, 0));
              one_json = kefu_sync_push_encode (one);
              one_body = http (w, "POST", "push", one_json, TRUE, cancellable, &http_error);
              if (one_body == NULL)
                {
                  KefuSyncOp *op = one->ops->pdata[0];

                  if (!g_error_matches (http_error, KEFU_SYNC_CLIENT_ERROR, KEFU_SYNC_CLIENT_ERROR_PROTOCOL))
                    {
                      g_propagate_error (error, http_error);
                      return FALSE;
                    }
                  refused (w, http_error->message, w->detail);
              if (!kefu_sync_local_drop (w->db, op->op_id, w->detail, &cause))
                    return local_error (error, cause);
                  g_clear_error (&http_error);
                  continue;
                }
              g_clear_pointer (&body, g_bytes_unref);
              body = g_steal_pointer (&one_body);
            }
          else
            {
              g_propagate_error (error, http_error);
              return FALSE;
            }
        }

      reply = kefu_sync_push_reply_decode (DATA (body), SIZE (body), &cause);
      if (reply == NULL)
        return protocol_error (error, cause);
      if (!kefu_db_begin (w->db, &cause))
        return local_error (error, cause);
      for (guint i = 0; i < reply->results->len; i++)
        {
          KefuSyncOpResult *r = reply->results->pdata[i];
          KefuOutboxResult result = r->status == KEFU_SYNC_RESULT_APPLIED ? KEFU_OUTBOX_APPLIED
                                  : r->status == KEFU_SYNC_RESULT_CONFLICT ? KEFU_OUTBOX_CONFLICT
                                  : KEFU_OUTBOX_REJECTED;

          if (result == KEFU_OUTBOX_REJECTED)
            refused (w, reason_sentence (r->reason), r->reason);
          if (!kefu_sync_local_ack (w->db, r->op_id, result, r->reason, &cause))
            {
              kefu_db_rollback (w->db);
              return local_error (error, cause);
            }
          answered++;
        }
      /* A gap: the server's sequence is behind ours (it lost entries it
       * had answered, e.g. restored within one epoch); send them again. */
      if (answered == 0 && reply->last_seq < ((KefuOutboxOp *) batch->pdata[0])->push_seq - 1 &&
          !kefu_sync_local_rewind (w->db, reply->last_seq + 1, &cause))
        {
          kefu_db_rollback (w->db);
          return local_error (error, cause);
        }
      if (!kefu_db_commit (w->db, &cause))
        return local_error (error, cause);
      worker_report (w, -1, TRUE);
      if (answered == 0 && reply->last_seq >= ((KefuOutboxOp *) batch->pdata[0])->push_seq - 1)
        return TRUE;   /* nothing moves: try again next round */
    }
}

static GPtrArray *
rows_from_changes (GPtrArray *changes)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) kefu_pulled_row_free);

  for (guint i = 0; i < changes->len; i++)
    {
      KefuSyncChange *c = changes->pdata[i];

      KefuPulledRow *row = kefu_pulled_row_new (c->scope, c->entity, c->row_id, c->version,
                                                c->deleted, c->fields);

      row->server_seq = c->server_seq;
      g_ptr_array_add (rows, row);
    }
  return rows;
}

static gboolean
apply_page (Worker     *w,
            GPtrArray  *changes,
            GPtrArray  *cursors,
            GError    **error)
{
  g_autoptr(GPtrArray) rows = changes ? rows_from_changes (changes) : NULL;
  g_autofree const char **scopes = g_new0 (const char *, (cursors ? cursors->len : 0) + 1);
  g_autofree gint64 *seqs = g_new0 (gint64, (cursors ? cursors->len : 0) + 1);
  KefuSyncApplyStats stats = { 0 };
  GError *cause = NULL;

  for (guint i = 0; cursors && i < cursors->len; i++)
    {
      KefuSyncCursor *c = cursors->pdata[i];

      scopes[i] = c->scope;
      seqs[i] = c->seq;
    }

  if (!kefu_sync_local_apply (w->db, rows, scopes, seqs, &stats, &cause))
    return local_error (error, cause);
  w->pulled += stats.n_applied;
  return TRUE;
}

static char *
cursors_to_json (GPtrArray *cursors)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (b);
  for (guint i = 0; i < cursors->len; i++)
    {
      KefuSyncCursor *c = cursors->pdata[i];

      json_builder_set_member_name (b, c->scope);
      json_builder_add_int_value (b, c->seq);
    }
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  return json_generator_to_data (gen, NULL);
}

static GPtrArray *
cursors_from_json (const char *text)
{
  GPtrArray *cursors = g_ptr_array_new_with_free_func ((GDestroyNotify) kefu_sync_cursor_free);
  g_autoptr(JsonObject) o = text ? kefu_sync_parse_object (text, strlen (text), NULL) : NULL;
  g_autoptr(GList) names = o ? json_object_get_members (o) : NULL;

  for (GList *l = names; l; l = l->next)
    g_ptr_array_add (cursors, kefu_sync_cursor_new (l->data, json_object_get_int_member (o, l->data)));
  return cursors;
}

/* The first sync: every row the user reads, page by page; the cursors of
 * the first page are where pulling starts afterwards. Progress survives an
 * interruption (sync_state snapshot_next / snapshot_cursors). */
static gboolean
worker_snapshot (Worker        *w,
                 GCancellable  *cancellable,
                 GError       **error)
{
  g_autofree char *next_text = kefu_sync_local_get (w->db, "snapshot_next");
  g_autofree char *first_cursors = kefu_sync_local_get (w->db, "snapshot_cursors");
  gint64 after = next_text ? g_ascii_strtoll (next_text, NULL, 10) : 0;

  for (;;)
    {
      g_autoptr(KefuSyncSnapshot) request = g_new0 (KefuSyncSnapshot, 1);
      g_autoptr(KefuSyncSnapshotReply) reply = NULL;
      g_autoptr(GBytes) body = NULL;
      g_autofree char *json = NULL;
      char buf[32];
      GError *cause = NULL;

      request->after = after;
      request->limit = PULL_PAGE;
      json = kefu_sync_snapshot_encode (request);
      body = http (w, "POST", "snapshot", json, TRUE, cancellable, error);
      if (body == NULL)
        return FALSE;
      reply = kefu_sync_snapshot_reply_decode (DATA (body), SIZE (body), &cause);
      if (reply == NULL)
        return protocol_error (error, cause);
      if (g_strcmp0 (reply->epoch, w->epoch) != 0)
        {
          kefu_set_str (&w->epoch, reply->epoch);
          if (!worker_resync (w, error))
            return FALSE;
          g_set_error (error, KEFU_SYNC_CLIENT_ERROR, KEFU_SYNC_CLIENT_ERROR_RESYNC, "epoch changed");
          return FALSE;
        }

      if (!kefu_db_begin (w->db, &cause))
        return local_error (error, cause);
      if (first_cursors == NULL)
        {
          first_cursors = cursors_to_json (reply->cursors);
          if (!kefu_sync_local_set (w->db, "snapshot_cursors", first_cursors, &cause))
            goto fail;
        }
      g_snprintf (buf, sizeof buf, "%" G_GINT64_FORMAT, reply->next);
      if (!apply_page (w, reply->changes, NULL, error) ||
          !kefu_sync_local_set (w->db, "snapshot_next", buf, &cause))
        goto fail;
      if (!reply->more)
        {
          g_autoptr(GPtrArray) cursors = cursors_from_json (first_cursors);

          if (!apply_page (w, NULL, cursors, error) ||
              !kefu_sync_local_sweep_unseen (w->db, &cause) ||
              !kefu_sync_local_set (w->db, "snapshot_done", "1", &cause) ||
              !kefu_sync_local_set (w->db, "snapshot_next", NULL, &cause) ||
              !kefu_sync_local_set (w->db, "snapshot_cursors", NULL, &cause))
            goto fail;
        }
      if (!kefu_db_commit (w->db, &cause))
        return local_error (error, cause);

      w->snapshot_done += reply->changes->len;
      if (w->snapshot_total > 0)
        worker_report (w, MIN (1.0, (double) w->snapshot_done / (double) w->snapshot_total), FALSE);
      if (!reply->more)
        return TRUE;
      after = reply->next;
      continue;

    fail:
      kefu_db_rollback (w->db);
      if (cause)
        return local_error (error, cause);
      return FALSE;
    }
}

static GPtrArray *
local_cursors (KefuDb *db)
{
  GPtrArray *cursors = g_ptr_array_new_with_free_func ((GDestroyNotify) kefu_sync_cursor_free);
  sqlite3_stmt *stmt = kefu_db_prepare (db, "SELECT scope, cursor FROM sync_scope ORDER BY scope", NULL);

  while (stmt && sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (cursors, kefu_sync_cursor_new (kefu_stmt_text (stmt, 0), sqlite3_column_int64 (stmt, 1)));
  if (stmt)
    sqlite3_reset (stmt);
  return cursors;
}

static gboolean
worker_pull (Worker        *w,
             GCancellable  *cancellable,
             GError       **error)
{
  for (guint pages = 0; pages < 100000; pages++)
    {
      g_autoptr(KefuSyncPull) pull = kefu_sync_pull_new ();
      g_autoptr(KefuSyncPullReply) reply = NULL;
      g_autoptr(GBytes) body = NULL;
      g_autofree char *json = NULL;
      GError *cause = NULL;

      pull->epoch = g_strdup (w->epoch);
      g_ptr_array_unref (pull->cursors);
      pull->cursors = local_cursors (w->db);
      pull->limit = PULL_PAGE;
      json = kefu_sync_pull_encode (pull);
      body = http (w, "POST", "pull", json, TRUE, cancellable, error);
      if (body == NULL)
        return FALSE;
      reply = kefu_sync_pull_reply_decode (DATA (body), SIZE (body), &cause);
      if (reply == NULL)
        return protocol_error (error, cause);
      if (!apply_page (w, reply->changes, reply->cursors, error))
        return FALSE;
      if (reply->changes->len > 0)
        worker_report (w, -1, TRUE);
      if (!reply->more)
        return TRUE;
    }
  return TRUE;
}

static void
add_to_checksum (const char *entity,
                 const char *row_id,
                 gint64      version,
                 gpointer    user_data)
{
  kefu_sync_checksum_add (user_data, entity, row_id, version);
}

/* The server's count and checksum of each scope beside this computer's.
 * A scope compares only when this computer's cursor is where the server's
 * is (nothing written in between). */
static GPtrArray *
worker_verify (Worker        *w,
               GCancellable  *cancellable,
               GError       **error)
{
  g_autoptr(GPtrArray) checks = g_ptr_array_new_with_free_func ((GDestroyNotify) kefu_sync_scope_check_free);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(KefuSyncVerifyReply) reply = NULL;
  GError *cause = NULL;

  body = http (w, "GET", "verify", NULL, TRUE, cancellable, error);
  if (body == NULL)
    return NULL;
  reply = kefu_sync_verify_reply_decode (DATA (body), SIZE (body), &cause);
  if (reply == NULL)
    {
      protocol_error (error, cause);
      return NULL;
    }
  for (guint i = 0; i < reply->scopes->len; i++)
    {
      KefuSyncScopeSum *sum = reply->scopes->pdata[i];
      KefuSyncScopeCheck *check = g_new0 (KefuSyncScopeCheck, 1);
      KefuSyncChecksum local;

      kefu_sync_checksum_init (&local);
      if (!kefu_sync_local_verify (w->db, sum->scope, add_to_checksum, &local, &cause))
        {
          kefu_sync_scope_check_free (check);
          local_error (error, cause);
          return NULL;
        }
      check->scope = g_strdup (sum->scope);
      check->server_count = sum->count;
      check->server_checksum = g_strdup (sum->checksum);
      check->local_count = local.count;
      check->local_checksum = kefu_sync_checksum_hex (&local);
      check->comparable = FALSE;
      for (guint k = 0; k < reply->cursors->len; k++)
        {
          KefuSyncCursor *c = reply->cursors->pdata[k];

          if (g_strcmp0 (c->scope, sum->scope) == 0)
            check->comparable = c->seq == kefu_sync_local_get_cursor (w->db, c->scope);
        }
      g_ptr_array_add (checks, check);
    }
  return g_steal_pointer (&checks);
}

static gboolean
worker_run_once (Worker        *w,
                 GCancellable  *cancellable,
                 GError       **error)
{
  g_autofree char *done = NULL;
  GError *cause = NULL;

  if (w->token == NULL)
    {
      /* A sign-in that never reached the server finishes now. */
      g_autofree char *user_id = kefu_sync_local_get (w->db, "user_id");

      if (!worker_login (w, user_id == NULL, cancellable, error))
        return FALSE;
    }
  if (!worker_push (w, cancellable, error))
    return FALSE;

  done = kefu_sync_local_get (w->db, "snapshot_done");
  if (done == NULL)
    {
      /* The total for the progress bar: the server's live row counts. */
      g_autoptr(GBytes) body = http (w, "GET", "verify", NULL, TRUE, cancellable, NULL);
      g_autoptr(KefuSyncVerifyReply) reply = body ? kefu_sync_verify_reply_decode (DATA (body), SIZE (body), NULL) : NULL;

      w->snapshot_total = 0;
      w->snapshot_done = 0;
      for (guint i = 0; reply && i < reply->scopes->len; i++)
        w->snapshot_total += ((KefuSyncScopeSum *) reply->scopes->pdata[i])->count;
      worker_report (w, 0.0, FALSE);
      if (!worker_snapshot (w, cancellable, error))
        return FALSE;
      worker_report (w, -1, FALSE);
    }
  if (!worker_pull (w, cancellable, error))
    return FALSE;
  if (done == NULL)
    {
      /* After a first sync, the whole copy is checked once. */
      g_autoptr(GPtrArray) checks = worker_verify (w, cancellable, error);

      if (checks == NULL)
        return FALSE;
      for (guint i = 0; i < checks->len; i++)
        {
          KefuSyncScopeCheck *c = checks->pdata[i];

          if (c->comparable && (c->local_count != c->server_count ||
                                g_strcmp0 (c->local_checksum, c->server_checksum) != 0))
            {
              g_warning ("Scope %s differs from the server after the first sync (%" G_GINT64_FORMAT
                         " rows here, %" G_GINT64_FORMAT " there): downloading it again",
                         c->scope, c->local_count, c->server_count);
              if (!kefu_sync_local_restart_pull (w->db, &cause))
                return local_error (error, cause);
              g_set_error (error, KEFU_SYNC_CLIENT_ERROR, KEFU_SYNC_CLIENT_ERROR_PROTOCOL,
                           _("The data on this computer did not match the server’s; it is downloaded again."));
              return FALSE;
            }
        }
    }
  if (kefu_sync_local_prune (w->db, g_get_real_time () / 1000 - PRUNE_AFTER_MS, &cause) < 0)
    return local_error (error, cause);
  worker_report (w, -1, TRUE);
  return TRUE;
}

/* One run: retried once after a 401 (token expired: sign in again) and
 * after a 410 (new epoch or stale cursor: start over from a snapshot). */
static gboolean
worker_run (Worker        *w,
            GCancellable  *cancellable,
            GError       **error)
{
  if (!worker_open (w, error))
    return FALSE;
  w->pulled = 0;
  w->refused = 0;
  g_clear_pointer (&w->refused_sentence, g_free);
  g_clear_pointer (&w->detail, g_free);
  for (int attempt = 0; attempt < 3; attempt++)
    {
      GError *e = NULL;

      if (worker_run_once (w, cancellable, &e))
        return TRUE;
      if (g_error_matches (e, KEFU_SYNC_CLIENT_ERROR, KEFU_SYNC_CLIENT_ERROR_RESYNC))
        {
          g_autofree char *stored = kefu_sync_local_get (w->db, "epoch");
          GError *cause = NULL;

          g_clear_error (&e);
          /* A new epoch starts everything over (SYNC.md, "Epoch"); a
           * stale cursor in the same epoch (410 "horizon") only the
           * pull: the push numbering the server knows stays. */
          if (g_strcmp0 (stored, w->epoch) != 0)
            {
              if (!worker_resync (w, error))
                return FALSE;
            }
          else if (!kefu_sync_local_restart_pull (w->db, &cause))
            return local_error (error, cause);
          continue;
        }
      if (g_error_matches (e, KEFU_SYNC_CLIENT_ERROR, KEFU_SYNC_CLIENT_ERROR_AUTH) && attempt == 0 &&
          w->password != NULL)
        {
          g_clear_error (&e);
          continue;   /* the token was refused: sign in again */
        }
      g_propagate_error (error, e);
      return FALSE;
    }
  return TRUE;
}

static void
worker_free (Worker *w)
{
  g_clear_object (&w->db);
  g_clear_object (&w->session);
  g_free (w->db_path);
  g_free (w->url);
  g_free (w->username);
  if (w->password)
    memset (w->password, 0, strlen (w->password));
  g_free (w->password);
  g_free (w->token);
  g_free (w->epoch);
  g_free (w->refused_sentence);
  g_free (w->detail);
  g_main_context_unref (w->main_context);
  g_weak_ref_clear (&w->owner);
  g_free (w);
}

/* --- tasks ----------------------------------------------------------- */

typedef struct
{
  char *url;
  char *username;
  char *password;
} SignIn;

static void
sign_in_free (SignIn *s)
{
  g_free (s->url);
  g_free (s->username);
  if (s->password)
    memset (s->password, 0, strlen (s->password));
  g_free (s->password);
  g_free (s);
}

static gboolean
do_sign_in (KefuSyncClient  *self,
            SignIn          *s,
            GCancellable    *cancellable,
            GError         **error)
{
  Worker *w = self->worker;

  g_mutex_lock (&self->lock);
  kefu_set_str (&w->url, s->url);
  kefu_set_str (&w->username, s->username);
  kefu_set_str (&w->password, s->password);
  g_clear_pointer (&w->token, g_free);
  g_mutex_unlock (&self->lock);
  return worker_open (w, error) && worker_login (w, TRUE, cancellable, error);
}

static void
sign_in_thread (GTask        *task,
                gpointer      source,
                gpointer      task_data,
                GCancellable *cancellable)
{
  GError *error = NULL;

  if (do_sign_in (source, task_data, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
run_thread (GTask        *task,
            gpointer      source,
            gpointer      task_data,
            GCancellable *cancellable)
{
  KefuSyncClient *self = source;
  GError *error = NULL;

  if (worker_run (self->worker, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/* --- state ----------------------------------------------------------- */

static void
set_state (KefuSyncClient *self,
           KefuSyncState   state,
           const char     *message)
{
  if (self->state != state)
    {
      self->state = state;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
    }
  if (kefu_set_str (&self->last_error, message))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_ERROR]);
}

static void refresh_counts (KefuSyncClient *self);

static void
finish_run (KefuSyncClient *self,
            GError         *error)
{
  self->running = FALSE;
  refresh_counts (self);
  set_progress (self, -1);
  if (self->worker->pulled > 0)
    {
      guint n = self->worker->pulled;

      self->worker->pulled = 0;
      g_signal_emit (self, signals[PULLED], 0, n);
    }
  kefu_set_str (&self->last_error_detail, error != NULL || self->worker->refused > 0 ? self->worker->detail : NULL);
  if (self->url == NULL)
    set_state (self, KEFU_SYNC_STATE_SIGNED_OUT, NULL);
  else if (error == NULL && self->worker->refused > 0)
    {
      guint n = self->worker->refused;
      g_autofree char *message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                               "The server refused %u change. %s",
                                                               "The server refused %u changes. The last: %s", n),
                                                  n, self->worker->refused_sentence);

      set_state (self, KEFU_SYNC_STATE_SYNCED, message);
    }
  else if (error == NULL && self->worker->unlinked)
    set_state (self, KEFU_SYNC_STATE_SYNCED,
               _("This server account is not linked to a staff record, so other offices do not see who did the work "
                 "here. Ask an administrator to link it."));
  else if (error == NULL)
    set_state (self, KEFU_SYNC_STATE_SYNCED, NULL);
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    set_state (self, KEFU_SYNC_STATE_OFFLINE, NULL);
  else if (g_error_matches (error, KEFU_SYNC_CLIENT_ERROR, KEFU_SYNC_CLIENT_ERROR_OFFLINE) ||
           g_error_matches (error, KEFU_SYNC_CLIENT_ERROR, KEFU_SYNC_CLIENT_ERROR_SERVER))
    set_state (self, KEFU_SYNC_STATE_OFFLINE, error->message);
  else
    set_state (self, KEFU_SYNC_STATE_ERROR, error->message);

  if (self->rerun && self->url != NULL)
    {
      self->rerun = FALSE;
      start_run (self);
    }
}

static void
run_done_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  KefuSyncClient *self = KEFU_SYNC_CLIENT (object);
  g_autoptr(GError) error = NULL;

  g_task_propagate_boolean (G_TASK (result), &error);
  if (error && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_debug ("Sync failed: %s", error->message);
  finish_run (self, error);
}

static void
start_run (KefuSyncClient *self)
{
  g_autoptr(GTask) task = NULL;

  if (self->url == NULL)
    return;
  if (self->running)
    {
      self->rerun = TRUE;
      return;
    }
  self->running = TRUE;
  set_state (self, KEFU_SYNC_STATE_SYNCING, self->last_error);
  task = g_task_new (self, self->cancellable, run_done_cb, NULL);
  g_task_set_source_tag (task, start_run);
  g_task_run_in_thread (task, run_thread);
}

static gboolean
tick_cb (gpointer data)
{
  start_run (KEFU_SYNC_CLIENT (data));
  return G_SOURCE_CONTINUE;
}

static gboolean
soon_cb (gpointer data)
{
  KefuSyncClient *self = data;

  self->soon_id = 0;
  start_run (self);
  return G_SOURCE_REMOVE;
}

static void
restart_timer (KefuSyncClient *self)
{
  g_clear_handle_id (&self->tick_id, g_source_remove);
  if (self->url != NULL && self->interval > 0)
    self->tick_id = g_timeout_add_seconds (self->interval, tick_cb, self);
}

static gint64
count_pending (KefuSyncClient *self)
{
  return self->watched ? kefu_sync_local_pending_count (self->watched) : self->pending;
}

static void
refresh_counts (KefuSyncClient *self)
{
  if (self->watched != NULL)
    set_counts (self, count_pending (self), kefu_sync_local_open_conflicts (self->watched));
}

static gboolean
count_cb (gpointer data)
{
  KefuSyncClient *self = data;

  self->count_id = 0;
  refresh_counts (self);
  return G_SOURCE_REMOVE;
}

static int
commit_hook (void *data)
{
  KefuSyncClient *self = data;

  /* Runs inside the commit on the window's thread; schedule only. */
  if (self->url != NULL && self->soon_id == 0)
    self->soon_id = g_timeout_add_seconds (3, soon_cb, self);
  if (self->count_id == 0)
    self->count_id = g_idle_add (count_cb, self);
  return 0;
}

/* --- GObject --------------------------------------------------------- */

static void
kefu_sync_client_dispose (GObject *object)
{
  KefuSyncClient *self = (KefuSyncClient *) object;

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->tick_id, g_source_remove);
  g_clear_handle_id (&self->soon_id, g_source_remove);
  g_clear_handle_id (&self->count_id, g_source_remove);
  if (self->watched)
    {
      sqlite3_commit_hook (kefu_db_get_handle (self->watched), NULL, NULL);
      g_clear_object (&self->watched);
    }

  G_OBJECT_CLASS (kefu_sync_client_parent_class)->dispose (object);
}

static void
kefu_sync_client_finalize (GObject *object)
{
  KefuSyncClient *self = (KefuSyncClient *) object;

  worker_free (self->worker);
  g_clear_object (&self->cancellable);
  g_mutex_clear (&self->lock);
  g_free (self->last_error);
  g_free (self->last_error_detail);
  g_free (self->url);
  g_free (self->username);

  G_OBJECT_CLASS (kefu_sync_client_parent_class)->finalize (object);
}

static void
kefu_sync_client_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  KefuSyncClient *self = KEFU_SYNC_CLIENT (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_int (value, self->state);
      break;
    case PROP_PENDING:
      g_value_set_int64 (value, self->pending);
      break;
    case PROP_PROGRESS:
      g_value_set_double (value, self->progress);
      break;
    case PROP_LAST_ERROR:
      g_value_set_string (value, self->last_error);
      break;
    case PROP_OPEN_CONFLICTS:
      g_value_set_int64 (value, self->open_conflicts);
      break;
    case PROP_USERNAME:
      g_value_set_string (value, self->username);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kefu_sync_client_class_init (KefuSyncClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = kefu_sync_client_dispose;
  object_class->finalize = kefu_sync_client_finalize;
  object_class->get_property = kefu_sync_client_get_property;

  properties[PROP_STATE] =
    g_param_spec_int ("state", NULL, NULL, KEFU_SYNC_STATE_SIGNED_OUT, KEFU_SYNC_STATE_ERROR,
                      KEFU_SYNC_STATE_SIGNED_OUT, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_PENDING] =
    g_param_spec_int64 ("pending", NULL, NULL, 0, G_MAXINT64, 0, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_PROGRESS] =
    g_param_spec_double ("progress", NULL, NULL, -1, 1, -1, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_LAST_ERROR] =
    g_param_spec_string ("last-error", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_OPEN_CONFLICTS] =
    g_param_spec_int64 ("open-conflicts", NULL, NULL, 0, G_MAXINT64, 0, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_USERNAME] =
    g_param_spec_string ("username", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* Rows from the server were written to the database: open lists reload. */
  signals[PULLED] = g_signal_new ("pulled", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
}

static void
kefu_sync_client_init (KefuSyncClient *self)
{
  g_mutex_init (&self->lock);
  self->cancellable = g_cancellable_new ();
  self->progress = -1;
  self->interval = 60;
}

/* --- public API ------------------------------------------------------ */

void
kefu_sync_scope_check_free (KefuSyncScopeCheck *check)
{
  if (check == NULL)
    return;
  g_free (check->scope);
  g_free (check->server_checksum);
  g_free (check->local_checksum);
  g_free (check);
}

/**
 * kefu_sync_client_new:
 * @db_path: the database file the window uses; the engine opens its own
 *   connection to it
 *
 * Reads the stored sign-in (server address and user name); the engine
 * stays idle until kefu_sync_client_resume() gives it the password.
 *
 * Returns: (transfer full): the engine
 */
KefuSyncClient *
kefu_sync_client_new (const char *db_path)
{
  KefuSyncClient *self;
  g_autoptr(KefuDb) db = NULL;

  g_return_val_if_fail (db_path != NULL, NULL);

  self = g_object_new (KEFU_TYPE_SYNC_CLIENT, NULL);
  self->worker = g_new0 (Worker, 1);
  self->worker->db_path = g_strdup (db_path);
  self->worker->main_context = g_main_context_ref_thread_default ();
  g_weak_ref_init (&self->worker->owner, self);

  db = kefu_db_open (db_path, NULL);
  if (db != NULL)
    {
      self->url = kefu_sync_local_get (db, "server_url");
      self->username = kefu_sync_local_get (db, "username");
      self->pending = kefu_sync_local_pending_count (db);
      self->open_conflicts = kefu_sync_local_open_conflicts (db);
    }
  if (self->url != NULL)
    {
      self->worker->url = g_strdup (self->url);
      self->worker->username = g_strdup (self->username);
      self->state = KEFU_SYNC_STATE_OFFLINE;
    }
  return self;
}

KefuSyncState
kefu_sync_client_get_state (KefuSyncClient *self)
{
  g_return_val_if_fail (KEFU_IS_SYNC_CLIENT (self), KEFU_SYNC_STATE_SIGNED_OUT);
  return self->state;
}

gint64
kefu_sync_client_get_pending (KefuSyncClient *self)
{
  g_return_val_if_fail (KEFU_IS_SYNC_CLIENT (self), 0);
  return self->pending;
}

double
kefu_sync_client_get_progress (KefuSyncClient *self)
{
  g_return_val_if_fail (KEFU_IS_SYNC_CLIENT (self), -1);
  return self->progress;
}

const char *
kefu_sync_client_get_last_error (KefuSyncClient *self)
{
  g_return_val_if_fail (KEFU_IS_SYNC_CLIENT (self), NULL);
  return self->last_error;
}

/* The server's own words (English, technical) behind the last error or
 * refusal, or NULL. Transfer none. */
const char *
kefu_sync_client_get_last_error_detail (KefuSyncClient *self)
{
  g_return_val_if_fail (KEFU_IS_SYNC_CLIENT (self), NULL);

  return self->last_error_detail;
}

gint64
kefu_sync_client_get_open_conflicts (KefuSyncClient *self)
{
  g_return_val_if_fail (KEFU_IS_SYNC_CLIENT (self), 0);
  return self->open_conflicts;
}

const char *
kefu_sync_client_get_url (KefuSyncClient *self)
{
  g_return_val_if_fail (KEFU_IS_SYNC_CLIENT (self), NULL);
  return self->url;
}

const char *
kefu_sync_client_get_username (KefuSyncClient *self)
{
  g_return_val_if_fail (KEFU_IS_SYNC_CLIENT (self), NULL);
  return self->username;
}

gboolean
kefu_sync_client_is_signed_in (KefuSyncClient *self)
{
  g_return_val_if_fail (KEFU_IS_SYNC_CLIENT (self), FALSE);
  return self->url != NULL;
}

static void
sign_in_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  KefuSyncClient *self = KEFU_SYNC_CLIENT (object);
  g_autoptr(GTask) outer = user_data;
  SignIn *s = g_task_get_task_data (outer);
  GError *error = NULL;

  self->running = FALSE;
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (self->url == NULL)
        set_state (self, KEFU_SYNC_STATE_SIGNED_OUT, NULL);
      g_task_return_error (outer, error);
      return;
    }
  kefu_set_str (&self->url, s->url);
  if (kefu_set_str (&self->username, s->username))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_USERNAME]);
  restart_timer (self);
  set_state (self, KEFU_SYNC_STATE_SYNCING, NULL);
  start_run (self);
  g_task_return_boolean (outer, TRUE);
}

void
kefu_sync_client_sign_in_async (KefuSyncClient      *self,
                                const char          *url,
                                const char          *username,
                                const char          *password,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  GTask *outer;
  g_autoptr(GTask) inner = NULL;
  SignIn *s = g_new0 (SignIn, 1);

  g_return_if_fail (KEFU_IS_SYNC_CLIENT (self));

  s->url = g_strstrip (g_strdup (url ? url : ""));
  s->username = g_strstrip (g_strdup (username ? username : ""));
  s->password = g_strdup (password ? password : "");
  outer = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (outer, kefu_sync_client_sign_in_async);
  g_task_set_task_data (outer, s, (GDestroyNotify) sign_in_free);

  if (self->running)
    {
      g_task_return_new_error (outer, KEFU_SYNC_CLIENT_ERROR, KEFU_SYNC_CLIENT_ERROR_PROTOCOL,
                               _("A sync is running. Try again in a moment."));
      g_object_unref (outer);
      return;
    }
  self->running = TRUE;
  inner = g_task_new (self, cancellable, sign_in_done_cb, outer);
  g_task_set_task_data (inner, s, NULL);
  g_task_run_in_thread (inner, sign_in_thread);
}

gboolean
kefu_sync_client_sign_in_finish (KefuSyncClient  *self,
                                 GAsyncResult    *result,
                                 GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * kefu_sync_client_resume:
 * @password: the password of the stored user name (from the Secret
 *   Service)
 *
 * Starts syncing with the stored sign-in: now, and every interval.
 */
void
kefu_sync_client_resume (KefuSyncClient *self,
                         const char     *password)
{
  g_return_if_fail (KEFU_IS_SYNC_CLIENT (self));

  if (self->url == NULL)
    return;
  g_mutex_lock (&self->lock);
  kefu_set_str (&self->worker->password, password);
  g_mutex_unlock (&self->lock);
  restart_timer (self);
  start_run (self);
}

void
kefu_sync_client_sign_out (KefuSyncClient *self)
{
  g_autoptr(KefuDb) db = NULL;

  g_return_if_fail (KEFU_IS_SYNC_CLIENT (self));

  g_clear_pointer (&self->url, g_free);
  if (self->username != NULL)
    {
      g_clear_pointer (&self->username, g_free);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_USERNAME]);
    }
  g_clear_handle_id (&self->tick_id, g_source_remove);
  g_clear_handle_id (&self->soon_id, g_source_remove);
  self->rerun = FALSE;
  /* The token lapses on the server by itself (12 hours); the worker
   * forgets it and the password now. */
  g_mutex_lock (&self->lock);
  if (!self->running)
    {
      g_clear_pointer (&self->worker->token, g_free);
      g_clear_pointer (&self->worker->password, g_free);
    }
  g_mutex_unlock (&self->lock);
  db = kefu_db_open (self->worker->db_path, NULL);
  if (db != NULL)
    {
      kefu_sync_local_set (db, "server_url", NULL, NULL);
      kefu_sync_local_set (db, "username", NULL, NULL);
    }
  set_state (self, KEFU_SYNC_STATE_SIGNED_OUT, NULL);
}

void
kefu_sync_client_sync_now (KefuSyncClient *self)
{
  g_return_if_fail (KEFU_IS_SYNC_CLIENT (self));

  g_clear_handle_id (&self->soon_id, g_source_remove);
  start_run (self);
}

void
kefu_sync_client_sync_soon (KefuSyncClient *self)
{
  g_return_if_fail (KEFU_IS_SYNC_CLIENT (self));

  if (self->url != NULL && self->soon_id == 0)
    self->soon_id = g_timeout_add_seconds (3, soon_cb, self);
}

void
kefu_sync_client_set_interval (KefuSyncClient *self,
                               guint           seconds)
{
  g_return_if_fail (KEFU_IS_SYNC_CLIENT (self));

  self->interval = seconds;
  restart_timer (self);
}

void
kefu_sync_client_watch (KefuSyncClient *self,
                        KefuDb         *db)
{
  g_return_if_fail (KEFU_IS_SYNC_CLIENT (self));
  g_return_if_fail (KEFU_IS_DB (db));

  g_set_object (&self->watched, db);
  sqlite3_commit_hook (kefu_db_get_handle (db), commit_hook, self);
  refresh_counts (self);
}

static void
sync_task_done_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  KefuSyncClient *self = KEFU_SYNC_CLIENT (object);
  g_autoptr(GTask) outer = user_data;
  GError *error = NULL;

  if (g_task_propagate_boolean (G_TASK (result), &error))
    {
      finish_run (self, NULL);
      g_task_return_boolean (outer, TRUE);
    }
  else
    {
      finish_run (self, error);
      g_task_return_error (outer, error);
    }
}

void
kefu_sync_client_sync_async (KefuSyncClient      *self,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  GTask *outer;
  g_autoptr(GTask) inner = NULL;

  g_return_if_fail (KEFU_IS_SYNC_CLIENT (self));

  outer = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (outer, kefu_sync_client_sync_async);
  if (self->running || self->url == NULL)
    {
      g_task_return_new_error (outer, KEFU_SYNC_CLIENT_ERROR,
                               self->url ? KEFU_SYNC_CLIENT_ERROR_PROTOCOL : KEFU_SYNC_CLIENT_ERROR_NOT_SIGNED_IN,
                               self->url ? _("A sync is running. Try again in a moment.")
                                         : _("Sign in to the server in Preferences to sync."));
      g_object_unref (outer);
      return;
    }
  self->running = TRUE;
  set_state (self, KEFU_SYNC_STATE_SYNCING, self->last_error);
  inner = g_task_new (self, cancellable, sync_task_done_cb, outer);
  g_task_run_in_thread (inner, run_thread);
}

gboolean
kefu_sync_client_sync_finish (KefuSyncClient  *self,
                              GAsyncResult    *result,
                              GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
kefu_sync_client_sign_in_sync (KefuSyncClient  *self,
                               const char      *url,
                               const char      *username,
                               const char      *password,
                               GError         **error)
{
  SignIn s = { (char *) url, (char *) username, (char *) password };

  g_return_val_if_fail (KEFU_IS_SYNC_CLIENT (self), FALSE);

  if (!do_sign_in (self, &s, NULL, error))
    return FALSE;
  kefu_set_str (&self->url, url);
  kefu_set_str (&self->username, username);
  return TRUE;
}

gboolean
kefu_sync_client_sync_sync (KefuSyncClient  *self,
                            GError         **error)
{
  g_return_val_if_fail (KEFU_IS_SYNC_CLIENT (self), FALSE);

  return worker_run (self->worker, NULL, error);
}

/* Sends the outbox only (no pull): for measuring case creation through
 * the server. */
gboolean
kefu_sync_client_push_sync (KefuSyncClient  *self,
                            GError         **error)
{
  Worker *w;

  g_return_val_if_fail (KEFU_IS_SYNC_CLIENT (self), FALSE);

  w = self->worker;
  if (!worker_open (w, error))
    return FALSE;
  if (w->token == NULL && !worker_login (w, FALSE, NULL, error))
    return FALSE;
  return worker_push (w, NULL, error);
}

GPtrArray *
kefu_sync_client_verify_sync (KefuSyncClient  *self,
                              GError         **error)
{
  Worker *w;

  g_return_val_if_fail (KEFU_IS_SYNC_CLIENT (self), NULL);

  w = self->worker;
  if (!worker_open (w, error))
    return NULL;
  if (w->token == NULL && !worker_login (w, FALSE, NULL, error))
    return NULL;
  return worker_verify (w, NULL, error);
}
