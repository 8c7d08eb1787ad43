/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "kefu-server"

#include "config.h"

#include <sodium.h>
#include <string.h>

#include "kefu-server-private.h"

/* The HTTP side of kefu-server: routing, bodies (size limit, gzip),
 * authentication (Argon2id passwords, hashed bearer tokens, login rate
 * limit), and the maintenance operations of the command line. */

#define API_PREFIX "/api/v1/"
#define BODY_KEY "kefu-body"

G_DEFINE_QUARK (kefu-server-error-quark, kefu_server_error)

typedef struct
{
  guint  count;
  gint64 first;
} LoginFailures;

typedef struct
{
  GByteArray *data;
  gboolean    too_large;
  gsize       max;
} BodyBuffer;

/* --- small helpers --------------------------------------------------------- */

gint64
_kefu_server_now (KefuServer *self)
{
  return g_get_real_time () / 1000 + self->clock_offset;
}

void
kefu_server_config_init (KefuServerConfig *config)
{
  config->token_ttl_ms = 12 * G_GINT64_CONSTANT (3600000);
  config->tombstone_ms = 90 * 24 * G_GINT64_CONSTANT (3600000);
  config->login_max_failures = 5;
  config->login_window_ms = 5 * 60 * 1000;
  config->max_body = KEFU_SYNC_MAX_BODY;
}

static gboolean
ensure_sodium (GError **error)
{
  if (sodium_init () < 0)
    {
      g_set_error_literal (error, KEFU_SERVER_ERROR, KEFU_SERVER_ERROR_NOT_READY,
                           "libsodium could not be initialised");
      return FALSE;
    }
  return TRUE;
}

/**
 * kefu_server_uuid7:
 * Returns: (transfer full): a new UUIDv7 (48-bit Unix ms, then random).
 */
char *
kefu_server_uuid7 (void)
{
  guint8 b[16];
  guint64 ms = (guint64) (g_get_real_time () / 1000);

  randombytes_buf (b, sizeof b);
  for (int i = 0; i < 6; i++)
    b[i] = (guint8) (ms >> (40 - 8 * i));
  b[6] = (guint8) (0x70 | (b[6] & 0x0f));
  b[8] = (guint8) (0x80 | (b[8] & 0x3f));
  return g_strdup_printf ("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
                          b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7],
                          b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
}

char *
kefu_server_hash_password (const char  *password,
                           GError     **error)
{
  char hash[crypto_pwhash_STRBYTES];
  gboolean fast = g_strcmp0 (g_getenv ("KEFU_SERVER_PWHASH_FAST"), "1") == 0;
  int rc;

  if (!ensure_sodium (error))
    return NULL;
  if (fast)
    rc = crypto_pwhash_str_alg (hash, password, strlen (password),
                                crypto_pwhash_argon2id_OPSLIMIT_MIN, crypto_pwhash_argon2id_MEMLIMIT_MIN,
                                crypto_pwhash_ALG_ARGON2ID13);
  else
    rc = crypto_pwhash_str_alg (hash, password, strlen (password),
                                crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE,
                                crypto_pwhash_ALG_ARGON2ID13);
  if (rc != 0)
    {
      g_set_error_literal (error, KEFU_SERVER_ERROR, KEFU_SERVER_ERROR_NOT_READY,
                           "Not enough memory to hash the password");
      return NULL;
    }
  return g_strdup (hash);
}

gboolean
kefu_server_check_password (const char *hash,
                            const char *password)
{
  if (hash == NULL || password == NULL || sodium_init () < 0)
    return FALSE;
  return crypto_pwhash_str_verify (hash, password, strlen (password)) == 0;
}

static char *
sha256_hex (const char *text)
{
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, text, -1);
}

static char *
new_token (void)
{
  guint8 raw[32];
  GString *hex = g_string_sized_new (64);

  randombytes_buf (raw, sizeof raw);
  for (guint i = 0; i < sizeof raw; i++)
    g_string_append_printf (hex, "%02x", raw[i]);
  sodium_memzero (raw, sizeof raw);
  return g_string_free (hex, FALSE);
}

/* --- store setup ----------------------------------------------------------- */

static gboolean
put_new_row (KefuStore   *store,
             const char  *entity,
             const char  *row_id,
             const char  *scope,
             JsonObject  *data,
             gint64       now,
             GError     **error)
{
  g_autofree char *json = kefu_sync_fields_encode (data);
  g_autoptr(GString) fv = g_string_new ("{");
  KefuStoreRow row = { 0 };
  JsonObjectIter iter;
  const char *name;

  json_object_iter_init_ordered (&iter, data);
  while (json_object_iter_next_ordered (&iter, &name, NULL))
    {
      if (fv->len > 1)
        g_string_append_c (fv, ',');
      kefu_sync_append_json_string (fv, name);
      g_string_append (fv, ":[1,\"server\"]");
    }
  g_string_append_c (fv, '}');
  row.entity = (char *) entity;
  row.row_id = (char *) row_id;
  row.scope = (char *) scope;
  row.version = 1;
  row.updated_at = now;
  row.data = json;
  row.field_versions = fv->str;
  if (!store->vtable->row_put (store, &row, error))
    return FALSE;
  return store->vtable->audit_append (store, now, NULL, NULL, "init", entity, row_id, json, error);
}

gboolean
kefu_server_init_store (KefuStore   *store,
                        const char  *admin_username,
                        const char  *admin_password,
                        const char  *hq_code,
                        const char  *hq_name,
                        GError     **error)
{
  g_autofree char *epoch = NULL;
  g_autofree char *hq_id = kefu_server_uuid7 ();
  g_autofree char *staff_id = kefu_server_uuid7 ();
  g_autoptr(KefuStoreUser) user = g_new0 (KefuStoreUser, 1);
  g_autoptr(JsonObject) hq = json_object_new ();
  g_autoptr(JsonObject) staff = json_object_new ();
  g_autoptr(GError) local_error = NULL;
  gint64 now = g_get_real_time () / 1000;

  if (admin_username == NULL || *admin_username == '\0' || strlen (admin_username) > KEFU_SYNC_MAX_NAME)
    {
      g_set_error_literal (error, KEFU_SERVER_ERROR, KEFU_SERVER_ERROR_INVALID,
                           "The admin user name must be 1 to 64 characters");
      return FALSE;
    }
  if (admin_password == NULL || strlen (admin_password) < 8)
    {
      g_set_error_literal (error, KEFU_SERVER_ERROR, KEFU_SERVER_ERROR_INVALID,
                           "The admin password must have at least 8 characters");
      return FALSE;
    }
  epoch = store->vtable->meta_get (store, "epoch", &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (epoch != NULL)
    {
      g_set_error_literal (error, KEFU_SERVER_ERROR, KEFU_SERVER_ERROR_EXISTS,
                           "This data folder is already initialised");
      return FALSE;
    }

  user->password_hash = kefu_server_hash_password (admin_password, error);
  if (user->password_hash == NULL)
    return FALSE;
  user->id = kefu_server_uuid7 ();
  user->username = g_strdup (admin_username);
  user->role = g_strdup ("admin");
  user->org_unit_id = g_strdup (hq_id);
  user->staff_id = g_strdup (staff_id);
  user->active = TRUE;
  user->created_at = user->updated_at = now;

  json_object_set_string_member (hq, "code", hq_code);
  json_object_set_string_member (hq, "name", hq_name);
  json_object_set_string_member (hq, "level", "hq");
  json_object_set_null_member (hq, "parent_id");
  json_object_set_string_member (staff, "org_unit_id", hq_id);
  json_object_set_string_member (staff, "username", admin_username);
  json_object_set_string_member (staff, "name", admin_username);
  json_object_set_string_member (staff, "role", "admin");
  json_object_set_int_member (staff, "auth_limit_cents", 0);
  json_object_set_int_member (staff, "active", 1);

  g_free (epoch);
  epoch = g_uuid_string_random ();
  if (!kefu_store_begin (store, error))
    return FALSE;
  if (!put_new_row (store, "org_unit", hq_id, KEFU_SYNC_SCOPE_ORG, hq, now, error)
      || !put_new_row (store, "staff", staff_id, KEFU_SYNC_SCOPE_ORG, staff, now, error)
      || !store->vtable->user_insert (store, user, error)
      || !store->vtable->meta_set (store, "epoch", epoch, error)
      || !store->vtable->audit_append (store, now, NULL, NULL, "init", "user", user->id, admin_username, error)
      || !kefu_store_commit (store, error))
    {
      kefu_store_rollback (store);
      return FALSE;
    }
  return TRUE;
}

char *
kefu_server_reset_epoch (KefuStore  *store,
                         GError    **error)
{
  g_autofree char *epoch = g_uuid_string_random ();

  if (!kefu_store_begin (store, error))
    return NULL;
  if (!store->vtable->meta_set (store, "epoch", epoch, error)
      || !store->vtable->audit_append (store, g_get_real_time () / 1000, NULL, NULL,
                                       "epoch.reset", NULL, NULL, epoch, error)
      || !kefu_store_commit (store, error))
    {
      kefu_store_rollback (store);
      return NULL;
    }
  return g_steal_pointer (&epoch);
}

guint
kefu_server_purge (KefuServer  *self,
                   GError     **error)
{
  guint n = 0;

  if (!kefu_store_begin (self->store, error))
    return 0;
  if (!self->store->vtable->purge_tombstones (self->store, _kefu_server_now (self) - self->config.tombstone_ms,
                                              &n, error)
      || !self->store->vtable->token_purge (self->store, _kefu_server_now (self), NULL, error)
      || !kefu_store_commit (self->store, error))
    {
      kefu_store_rollback (self->store);
      return 0;
    }
  return n;
}

/* --- bodies ---------------------------------------------------------------- */

static void
set_reply (SoupServerMessage *msg,
           KefuReply         *reply)
{
  soup_server_message_set_status (msg, reply->status, NULL);
  if (reply->body != NULL)
    {
      gsize len = strlen (reply->body);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE,
                                        g_steal_pointer (&reply->body), len);
    }
}

static void
send_error (SoupServerMessage *msg,
            guint              status,
            const char        *code,
            const char        *message)
{
  KefuReply reply = { 0 };

  _kefu_reply_error (&reply, status, code, message);
  set_reply (msg, &reply);
}

static void
body_buffer_free (BodyBuffer *buffer)
{
  g_byte_array_unref (buffer->data);
  g_free (buffer);
}

static void
got_chunk_cb (SoupServerMessage *msg,
              GBytes            *chunk,
              gpointer           user_data)
{
  BodyBuffer *buffer = g_object_get_data (G_OBJECT (msg), BODY_KEY);
  gsize size;
  const guint8 *data = g_bytes_get_data (chunk, &size);

  if (buffer == NULL || buffer->too_large)
    return;
  if (buffer->data->len + size > buffer->max)
    {
      buffer->too_large = TRUE;
      g_byte_array_set_size (buffer->data, 0);
      return;
    }
  g_byte_array_append (buffer->data, data, (guint) size);
}

/* Before the body is read: refuse a declared length over the limit, and
 * collect the body ourselves so that an undeclared (chunked) one stops
 * growing at the limit too. */
static void
early_handler_cb (SoupServer        *server,
                  SoupServerMessage *msg,
                  const char        *path,
                  GHashTable        *query,
                  gpointer           user_data)
{
  KefuServer *self = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  BodyBuffer *buffer;

  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH
      && soup_message_headers_get_content_length (headers) > (goffset) self->config.max_body)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection", "close");
      send_error (msg, 413, "too_large", "The request body is too large");
      return;
    }
  buffer = g_new0 (BodyBuffer, 1);
  buffer->data = g_byte_array_new ();
  buffer->max = self->config.max_body;
  g_object_set_data_full (G_OBJECT (msg), BODY_KEY, buffer, (GDestroyNotify) body_buffer_free);
  soup_message_body_set_accumulate (soup_server_message_get_request_body (msg), FALSE);
  g_signal_connect (msg, "got-chunk", G_CALLBACK (got_chunk_cb), NULL);
}

static GBytes *
gunzip (GBytes  *compressed,
        gsize    max,
        GError **error)
{
  g_autoptr(GZlibDecompressor) decompressor = g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP);
  g_autoptr(GInputStream) memory = g_memory_input_stream_new_from_bytes (compressed);
  g_autoptr(GInputStream) stream = g_converter_input_stream_new (memory, G_CONVERTER (decompressor));
  g_autoptr(GByteArray) out = g_byte_array_new ();
  guint8 chunk[16384];

  for (;;)
    {
      gssize n = g_input_stream_read (stream, chunk, sizeof chunk, NULL, error);

      if (n < 0)
        return NULL;
      if (n == 0)
        break;
      if (out->len + (gsize) n > max)
        {
          g_set_error (error, KEFU_SYNC_ERROR, KEFU_SYNC_ERROR_TOO_LARGE,
                       "The request body is larger than %" G_GSIZE_FORMAT " bytes once decompressed", max);
          return NULL;
        }
      g_byte_array_append (out, chunk, (guint) n);
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

/* The request body, decompressed; NULL after answering the message. */
static GBytes *
read_body (KefuServer        *self,
           SoupServerMessage *msg)
{
  BodyBuffer *buffer = g_object_get_data (G_OBJECT (msg), BODY_KEY);
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *encoding = soup_message_headers_get_one (headers, "Content-Encoding");
  g_autoptr(GBytes) raw = NULL;
  g_autoptr(GError) error = NULL;
  GBytes *body;

  if (buffer == NULL || buffer->too_large)
    {
      send_error (msg, 413, "too_large", "The request body is too large");
      return NULL;
    }
  raw = g_bytes_new (buffer->data->data, buffer->data->len);
  if (encoding == NULL || g_ascii_strcasecmp (encoding, "identity") == 0)
    return g_steal_pointer (&raw);
  if (g_ascii_strcasecmp (encoding, "gzip") != 0)
    {
      send_error (msg, 415, "encoding", "Only gzip request bodies are accepted");
      return NULL;
    }
  body = gunzip (raw, self->config.max_body, &error);
  if (body == NULL)
    {
      if (g_error_matches (error, KEFU_SYNC_ERROR, KEFU_SYNC_ERROR_TOO_LARGE))
        send_error (msg, 413, "too_large", error->message);
      else
        send_error (msg, 415, "encoding", "The gzip request body is corrupt");
    }
  return body;
}

/* --- authentication -------------------------------------------------------- */

static KefuIdentity *
authenticate (KefuServer        *self,
              SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *header = soup_message_headers_get_one (headers, "Authorization");
  g_autoptr(GError) error = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *user_id = NULL;
  KefuStoreUser *user;
  KefuIdentity *identity;

  if (header == NULL || g_ascii_strncasecmp (header, "Bearer ", 7) != 0 || strlen (header + 7) != 64)
    {
      send_error (msg, 401, "unauthorized", "Sign in first");
      return NULL;
    }
  hash = sha256_hex (header + 7);
  user_id = self->store->vtable->token_lookup (self->store, hash, _kefu_server_now (self), &error);
  user = user_id != NULL ? self->store->vtable->user_get (self->store, user_id, NULL, &error) : NULL;
  if (error != NULL)
    {
      KefuReply reply = { 0 };
      _kefu_reply_from_error (&reply, error);
      set_reply (msg, &reply);
      return NULL;
    }
  if (user == NULL || !user->active)
    {
      kefu_store_user_free (user);
      send_error (msg, 401, "unauthorized", "The session has expired or ended; sign in again");
      return NULL;
    }
  identity = _kefu_identity_new (self, user);
  identity->token_hash = g_steal_pointer (&hash);
  identity->peer = g_strdup (soup_server_message_get_remote_host (msg));
  return identity;
}

static void
handle_login (KefuServer        *self,
              SoupServerMessage *msg,
              GBytes            *body)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KefuSyncLogin) login = NULL;
  g_autoptr(KefuStoreUser) user = NULL;
  g_autoptr(KefuSyncLoginReply) out = NULL;
  g_autofree char *key = NULL;
  g_autofree char *token = NULL;
  g_autofree char *hash = NULL;
  LoginFailures *failures;
  KefuReply reply = { 0 };
  gint64 now = _kefu_server_now (self);
  gboolean ok;
  gsize length;
  const char *data = g_bytes_get_data (body, &length);

  login = kefu_sync_login_decode (data, length, &error);
  if (login == NULL)
    {
      _kefu_reply_from_error (&reply, error);
      set_reply (msg, &reply);
      return;
    }

  key = g_strconcat (login->username, "\n", soup_server_message_get_remote_host (msg), NULL);
  failures = g_hash_table_lookup (self->login_failures, key);
  if (failures != NULL && now - failures->first > self->config.login_window_ms)
    {
      g_hash_table_remove (self->login_failures, key);
      failures = NULL;
    }
  if (failures != NULL && failures->count >= self->config.login_max_failures)
    {
      send_error (msg, 429, "rate_limited", "Too many failed sign-ins; wait a few minutes and try again");
      return;
    }

  user = self->store->vtable->user_get (self->store, NULL, login->username, &error);
  if (error != NULL)
    {
      _kefu_reply_from_error (&reply, error);
      set_reply (msg, &reply);
      return;
    }
  if (user != NULL && user->active)
    ok = kefu_server_check_password (user->password_hash, login->password);
  else
    {
      /* Spend the same time as for a real user, then fail. */
      kefu_server_check_password (self->dummy_hash, login->password);
      ok = FALSE;
    }

  if (!ok)
    {
      if (failures == NULL)
        {
          /* Forget stale entries now and then, so the table stays small. */
          if (g_hash_table_size (self->login_failures) > 10000)
            g_hash_table_remove_all (self->login_failures);
          failures = g_new0 (LoginFailures, 1);
          failures->first = now;
          g_hash_table_insert (self->login_failures, g_steal_pointer (&key), failures);
        }
      failures->count++;
      self->store->vtable->audit_append (self->store, now, user != NULL ? user->id : NULL, login->device_id,
                                         "login.failed", "user", NULL, login->username, NULL);
      send_error (msg, 401, "unauthorized", "Wrong user name or password");
      return;
    }
  g_hash_table_remove (self->login_failures, key);

  token = new_token ();
  hash = sha256_hex (token);
  if (!self->store->vtable->token_insert (self->store, hash, user->id, now + self->config.token_ttl_ms, &error)
      || !self->store->vtable->audit_append (self->store, now, user->id, login->device_id,
                                             "login", "user", user->id, NULL, &error))
    {
      _kefu_reply_from_error (&reply, error);
      set_reply (msg, &reply);
      return;
    }

  out = g_new0 (KefuSyncLoginReply, 1);
  out->token = g_steal_pointer (&token);
  out->expires_at = now + self->config.token_ttl_ms;
  out->epoch = g_strdup (self->epoch);
  out->user_id = g_strdup (user->id);
  out->username = g_strdup (user->username);
  out->role = g_strdup (user->role);
  out->org_unit_id = g_strdup (user->org_unit_id);
  out->staff_id = g_strdup (user->staff_id);
  reply.status = 200;
  reply.body = kefu_sync_login_reply_encode (out);
  set_reply (msg, &reply);
}

static void
handle_logout (KefuServer        *self,
               SoupServerMessage *msg,
               KefuIdentity      *identity)
{
  g_autoptr(GError) error = NULL;

  if (!self->store->vtable->token_delete (self->store, identity->token_hash, &error)
      || !self->store->vtable->audit_append (self->store, _kefu_server_now (self), identity->user->id,
                                             NULL, "logout", "user", identity->user->id, NULL, &error))
    {
      KefuReply reply = { 0 };
      _kefu_reply_from_error (&reply, error);
      set_reply (msg, &reply);
      return;
    }
  soup_server_message_set_status (msg, 204, NULL);
}

static void
handle_me (KefuServer        *self,
           SoupServerMessage *msg,
           KefuIdentity      *identity)
{
  g_autoptr(GPtrArray) scopes = _kefu_identity_scopes (identity);
  KefuStoreUser *user = identity->user;
  GString *out = g_string_new ("{\"id\":");
  KefuReply reply = { 0 };

  kefu_sync_append_json_string (out, user->id);
  g_string_append (out, ",\"username\":");
  kefu_sync_append_json_string (out, user->username);
  g_string_append (out, ",\"role\":");
  kefu_sync_append_json_string (out, user->role);
  g_string_append (out, ",\"org_unit_id\":");
  kefu_sync_append_json_string (out, user->org_unit_id);
  g_string_append (out, ",\"staff_id\":");
  kefu_sync_append_json_string (out, user->staff_id);
  g_string_append (out, ",\"epoch\":");
  kefu_sync_append_json_string (out, self->epoch);
  g_string_append (out, ",\"scopes\":[");
  for (guint i = 0; i < scopes->len; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      kefu_sync_append_json_string (out, g_ptr_array_index (scopes, i));
    }
  g_string_append (out, "]}");
  reply.status = 200;
  reply.body = g_string_free (out, FALSE);
  set_reply (msg, &reply);
}

/* --- routing --------------------------------------------------------------- */

static gboolean
require_method (SoupServerMessage *msg,
                const char        *method)
{
  if (g_strcmp0 (soup_server_message_get_method (msg), method) == 0)
    return TRUE;
  send_error (msg, 405, "method", "Method not allowed here");
  return FALSE;
}

static void
handler_cb (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  KefuServer *self = user_data;
  const char *method = soup_server_message_get_method (msg);
  const char *route;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(KefuIdentity) identity = NULL;
  g_auto(GStrv) parts = NULL;
  KefuReply reply = { 0 };

  if (!g_str_has_prefix (path, API_PREFIX))
    {
      send_error (msg, 404, "not_found", "No such endpoint");
      return;
    }
  route = path + strlen (API_PREFIX);

  body = read_body (self, msg);
  if (body == NULL)
    return;

  if (g_str_equal (route, "login"))
    {
      if (require_method (msg, "POST"))
        handle_login (self, msg, body);
      return;
    }

  parts = g_strsplit (route, "/", 4);
  if (!g_str_equal (parts[0], "logout") && !g_str_equal (parts[0], "me") && !g_str_equal (parts[0], "push")
      && !g_str_equal (parts[0], "pull") && !g_str_equal (parts[0], "snapshot")
      && !g_str_equal (parts[0], "verify") && !g_str_equal (parts[0], "rows")
      && !g_str_equal (parts[0], "users"))
    {
      send_error (msg, 404, "not_found", "No such endpoint");
      return;
    }

  identity = authenticate (self, msg);
  if (identity == NULL)
    return;

  if (g_str_equal (route, "logout"))
    {
      if (require_method (msg, "POST"))
        handle_logout (self, msg, identity);
      return;
    }
  if (g_str_equal (route, "me"))
    {
      if (require_method (msg, "GET"))
        handle_me (self, msg, identity);
      return;
    }
  if (g_str_equal (route, "push"))
    {
      if (!require_method (msg, "POST"))
        return;
      _kefu_server_push (self, identity, body, &reply);
    }
  else if (g_str_equal (route, "pull"))
    {
      if (!require_method (msg, "POST"))
        return;
      _kefu_server_pull (self, identity, body, &reply);
    }
  else if (g_str_equal (route, "snapshot"))
    {
      if (!require_method (msg, "POST"))
        return;
      _kefu_server_snapshot (self, identity, body, &reply);
    }
  else if (g_str_equal (route, "verify"))
    {
      if (!require_method (msg, "GET"))
        return;
      _kefu_server_verify (self, identity, &reply);
    }
  else if (g_str_equal (parts[0], "rows") && g_strv_length (parts) == 3)
    {
      if (!require_method (msg, "GET"))
        return;
      _kefu_server_get_row (self, identity, parts[1], parts[2], &reply);
    }
  else if (g_str_equal (parts[0], "users") && g_strv_length (parts) <= 2)
    _kefu_server_users (self, identity, method, parts[1], body, &reply);
  else
    _kefu_reply_error (&reply, 404, "not_found", "No such endpoint");

  set_reply (msg, &reply);
}

/* --- public API ------------------------------------------------------------ */

KefuServer *
kefu_server_new (KefuStore               *store,
                 const KefuServerConfig  *config,
                 GError                 **error)
{
  g_autoptr(KefuServer) self = g_new0 (KefuServer, 1);
  g_autoptr(GError) local_error = NULL;

  self->store = store;
  if (config != NULL)
    self->config = *config;
  else
    kefu_server_config_init (&self->config);
  self->login_failures = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  if (!ensure_sodium (error))
    return NULL;
  self->epoch = store->vtable->meta_get (store, "epoch", &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (self->epoch == NULL)
    {
      g_set_error_literal (error, KEFU_SERVER_ERROR, KEFU_SERVER_ERROR_NOT_READY,
                           "The data folder is not initialised; run kefu-server init first");
      return NULL;
    }
  self->dummy_hash = kefu_server_hash_password ("kefu-server unknown user", error);
  if (self->dummy_hash == NULL || !_kefu_server_load_org (self, error))
    return NULL;

  self->soup = soup_server_new ("server-header", "kefu-server ", NULL);
  soup_server_add_early_handler (self->soup, "/", early_handler_cb, self, NULL);
  soup_server_add_handler (self->soup, "/", handler_cb, self, NULL);
  return g_steal_pointer (&self);
}

void
kefu_server_free (KefuServer *self)
{
  if (self == NULL)
    return;
  if (self->soup != NULL)
    {
      soup_server_disconnect (self->soup);
      g_object_unref (self->soup);
    }
  kefu_store_close (self->store);
  g_free (self->epoch);
  g_free (self->dummy_hash);
  g_clear_pointer (&self->login_failures, g_hash_table_unref);
  g_clear_pointer (&self->org_children, g_hash_table_unref);
  g_clear_pointer (&self->org_level, g_hash_table_unref);
  g_free (self);
}

gboolean
kefu_server_listen (KefuServer       *self,
                    const char       *address,
                    guint             port,
                    GTlsCertificate  *tls,
                    GError          **error)
{
  g_autoptr(GInetAddress) inet = g_inet_address_new_from_string (address);
  g_autoptr(GSocketAddress) socket_address = NULL;

  if (inet == NULL)
    {
      g_set_error (error, KEFU_SERVER_ERROR, KEFU_SERVER_ERROR_INVALID,
                   "\"%s\" is not an IP address", address);
      return FALSE;
    }
  if (tls != NULL)
    g_object_set (self->soup, "tls-certificate", tls, NULL);
  socket_address = g_inet_socket_address_new (inet, (guint16) port);
  return soup_server_listen (self->soup, socket_address, tls != NULL ? SOUP_SERVER_LISTEN_HTTPS : 0, error);
}

guint
kefu_server_get_port (KefuServer *self)
{
  GSList *uris = soup_server_get_uris (self->soup);
  guint port = 0;

  if (uris != NULL)
    port = (guint) g_uri_get_port (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  return port;
}

KefuStore *
kefu_server_get_store (KefuServer *self)
{
  return self->store;
}

const char *
kefu_server_get_epoch (KefuServer *self)
{
  return self->epoch;
}

void
kefu_server_set_clock_offset (KefuServer *self,
                              gint64      offset_ms)
{
  self->clock_offset = offset_ms;
}
