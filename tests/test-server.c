/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-server"

#include "config.h"

#include "kefu-test-server.h"

/* kefu-server end to end: a real SoupServer on 127.0.0.1 port 0 and real
 * HTTP through SoupSession (tests/kefu-test-server.h). */

/* --- helpers --------------------------------------------------------------- */

typedef struct
{
  char      *id;
  gint64     next_seq;
  char      *token;
  GPtrArray *ops;   /* op JSON strings */
} Device;

static Device *
device_new (const char *token)
{
  Device *d = g_new0 (Device, 1);

  d->id = kefu_server_uuid7 ();
  d->next_seq = 1;
  d->token = g_strdup (token);
  d->ops = g_ptr_array_new_with_free_func (g_free);
  return d;
}

static void
device_free (Device *d)
{
  g_free (d->id);
  g_free (d->token);
  g_ptr_array_unref (d->ops);
  g_free (d);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Device, device_free)

/* Queues one op with the device's next seq. */
static void
device_op (Device     *d,
           const char *entity,
           const char *row_id,
           const char *kind,
           gint64      base,
           const char *fields)
{
  g_autofree char *op_id = kefu_server_uuid7 ();

  g_ptr_array_add (d->ops, g_strdup_printf ("{\"seq\":%" G_GINT64_FORMAT ",\"op_id\":\"%s\",\"entity\":\"%s\","
                                            "\"row_id\":\"%s\",\"op\":\"%s\",\"base_version\":%" G_GINT64_FORMAT ","
                                            "\"hlc\":\"1764740000000:00001:%s\",\"fields\":%s}",
                                            d->next_seq++, op_id, entity, row_id, kind, base, d->id,
                                            fields != NULL ? fields : "{}"));
}

static char *
device_batch (KefuTestServer *t,
              Device         *d)
{
  g_autofree char *ops = NULL;

  g_ptr_array_add (d->ops, NULL);
  ops = g_strjoinv (",", (char **) d->ops->pdata);
  g_ptr_array_set_size (d->ops, 0);
  return g_strdup_printf ("{\"device_id\":\"%s\",\"epoch\":\"%s\",\"ops\":[%s]}", d->id, t->epoch, ops);
}

/* Sends the queued ops; returns the reply object (asserting 200). */
static JsonObject *
device_push (KefuTestServer *t,
             Device         *d)
{
  g_autofree char *body = device_batch (t, d);
  g_autofree char *reply = NULL;
  guint status;

  reply = kefu_test_request (t, "POST", "push", d->token, body, &status);
  if (status != 200)
    g_error ("push: %u %s", status, reply);
  return kefu_test_json (reply);
}

static JsonObject *
result_at (JsonObject *reply,
           guint       i)
{
  JsonArray *results = json_object_get_array_member (reply, "results");

  g_assert_cmpuint (i, <, json_array_get_length (results));
  return json_array_get_object_element (results, i);
}

static const char *
status_at (JsonObject *reply,
           guint       i)
{
  return json_object_get_string_member (result_at (reply, i), "status");
}

/* Pushes one op and returns its result status (static string). */
static const char *
push_one (KefuTestServer *t,
          Device         *d,
          const char     *entity,
          const char     *row_id,
          const char     *kind,
          gint64          base,
          const char     *fields,
          gint64         *version)
{
  g_autoptr(JsonObject) reply = NULL;
  JsonObject *result;
  const char *status;

  device_op (d, entity, row_id, kind, base, fields);
  reply = device_push (t, d);
  result = result_at (reply, 0);
  if (version != NULL)
    *version = json_object_get_int_member (result, "server_version");
  status = json_object_get_string_member (result, "status");
  return g_intern_string (status);
}

static char *
new_id (void)
{
  return kefu_server_uuid7 ();
}

/* Reads a row through the API; NULL (and *status) when not 200. */
static JsonObject *
get_row (KefuTestServer *t,
         const char     *token,
         const char     *entity,
         const char     *row_id,
         guint          *status)
{
  g_autofree char *path = g_strdup_printf ("rows/%s/%s", entity, row_id);
  g_autofree char *reply = kefu_test_request (t, "GET", path, token, NULL, status);

  return *status == 200 ? kefu_test_json (reply) : NULL;
}

static char *
admin_login (KefuTestServer *t,
             char          **hq_id)
{
  g_autofree char *body = g_strdup_printf ("{\"username\":\"%s\",\"password\":\"%s\"}",
                                           KEFU_TEST_ADMIN, KEFU_TEST_PASSWORD);
  g_autofree char *reply = NULL;
  g_autoptr(JsonObject) object = NULL;
  guint status;

  reply = kefu_test_request (t, "POST", "login", NULL, body, &status);
  g_assert_cmpuint (status, ==, 200);
  object = kefu_test_json (reply);
  if (hq_id != NULL)
    *hq_id = g_strdup (json_object_get_string_member (json_object_get_object_member (object, "user"),
                                                      "org_unit_id"));
  return g_strdup (json_object_get_string_member (object, "token"));
}

static void
add_unit (KefuTestServer *t,
          Device         *admin,
          const char     *id,
          const char     *code,
          const char     *level,
          const char     *parent)
{
  g_autofree char *fields = g_strdup_printf ("{\"code\":\"%s\",\"name\":\"%s\",\"level\":\"%s\",\"parent_id\":\"%s\"}",
                                             code, code, level, parent);

  g_assert_cmpstr (push_one (t, admin, "org_unit", id, "insert", 0, fields, NULL), ==, "applied");
}

static void
add_user (KefuTestServer *t,
          const char     *admin_token,
          const char     *username,
          const char     *role,
          const char     *unit)
{
  g_autofree char *body = g_strdup_printf ("{\"username\":\"%s\",\"password\":\"pw-%s-123\",\"role\":\"%s\",\"org_unit_id\":\"%s\"}",
                                           username, username, role, unit);
  g_autofree char *reply = NULL;
  guint status;

  reply = kefu_test_request (t, "POST", "users", admin_token, body, &status);
  if (status != 201)
    g_error ("add user %s: %u %s", username, status, reply);
}

static char *
user_login (KefuTestServer *t,
            const char     *username)
{
  g_autofree char *password = g_strdup_printf ("pw-%s-123", username);

  return kefu_test_login (t, username, password);
}

static char *
customer_fields (const char *branch,
                 const char *name)
{
  return g_strdup_printf ("{\"number\":\"C-%s\",\"kind\":\"person\",\"name\":\"%s\",\"branch_id\":\"%s\","
                          "\"segment\":\"regular\",\"created_at\":1764740000000}", name, name, branch);
}

static char *
case_fields (const char *branch,
             const char *customer,
             const char *subject)
{
  return g_strdup_printf ("{\"number\":\"K-%s\",\"kind\":\"complaint\",\"channel\":\"phone\",\"status\":\"new\","
                          "\"customer_id\":\"%s\",\"subject\":\"%s\",\"branch_id\":\"%s\",\"created_at\":1764740000000}",
                          subject, customer, subject, branch);
}

/* Pulls every page from empty cursors with @limit; returns the changes
 * (element-type JsonObject, each a copy) and the number of requests. */
static GPtrArray *
pull_all (KefuTestServer *t,
          const char     *token,
          guint           limit,
          guint          *n_pages,
          JsonObject    **last_cursors)
{
  GPtrArray *changes = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  g_autofree char *cursors = g_strdup ("{}");
  gboolean more = TRUE;

  *n_pages = 0;
  while (more)
    {
      g_autofree char *body = g_strdup_printf ("{\"epoch\":\"%s\",\"cursors\":%s,\"limit\":%u}", t->epoch, cursors, limit);
      g_autofree char *reply = NULL;
      g_autoptr(JsonObject) object = NULL;
      g_autoptr(JsonNode) cursor_node = NULL;
      JsonArray *array;
      guint status;

      reply = kefu_test_request (t, "POST", "pull", token, body, &status);
      g_assert_cmpuint (status, ==, 200);
      object = kefu_test_json (reply);
      array = json_object_get_array_member (object, "changes");
      g_assert_cmpuint (json_array_get_length (array), <=, limit);
      for (guint i = 0; i < json_array_get_length (array); i++)
        g_ptr_array_add (changes, json_object_ref (json_array_get_object_element (array, i)));
      more = json_object_get_boolean_member (object, "more");
      cursor_node = json_node_init_object (json_node_alloc (), json_object_get_object_member (object, "cursors"));
      g_free (cursors);
      cursors = json_to_string (cursor_node, FALSE);
      if (last_cursors != NULL)
        {
          g_clear_pointer (last_cursors, json_object_unref);
          *last_cursors = json_object_ref (json_object_get_object_member (object, "cursors"));
        }
      (*n_pages)++;
      g_assert_cmpuint (*n_pages, <, 1000);
    }
  return changes;
}

static gboolean
changes_have_row (GPtrArray  *changes,
                  const char *row_id)
{
  for (guint i = 0; i < changes->len; i++)
    if (g_strcmp0 (json_object_get_string_member (g_ptr_array_index (changes, i), "row_id"), row_id) == 0)
      return TRUE;
  return FALSE;
}

/* --- login, sessions, limits ------------------------------------------------ */

static void
test_login_logout_expiry (void)
{
  KefuTestServer *t = kefu_test_server_new ();
  g_autofree char *token = admin_login (t, NULL);
  g_autofree char *reply = NULL;
  g_autoptr(JsonObject) me = NULL;
  guint status;

  reply = kefu_test_request (t, "GET", "me", token, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  me = kefu_test_json (reply);
  g_assert_cmpstr (json_object_get_string_member (me, "role"), ==, "admin");
  g_clear_pointer (&reply, g_free);

  /* No token, a made-up token, a wrong password, an unknown user. */
  reply = kefu_test_request (t, "GET", "me", NULL, NULL, &status);
  g_assert_cmpuint (status, ==, 401);
  g_clear_pointer (&reply, g_free);
  reply = kefu_test_request (t, "GET", "me", "0000000000000000000000000000000000000000000000000000000000000000", NULL, &status);
  g_assert_cmpuint (status, ==, 401);
  g_clear_pointer (&reply, g_free);
  reply = kefu_test_request (t, "POST", "login", NULL, "{\"username\":\"root\",\"password\":\"wrong one\"}", &status);
  g_assert_cmpuint (status, ==, 401);
  g_assert_nonnull (strstr (reply, "Wrong user name or password"));
  g_clear_pointer (&reply, g_free);
  reply = kefu_test_request (t, "POST", "login", NULL, "{\"username\":\"nobody\",\"password\":\"wrong one\"}", &status);
  g_assert_cmpuint (status, ==, 401);
  g_clear_pointer (&reply, g_free);

  /* Logout ends the session. */
  reply = kefu_test_request (t, "POST", "logout", token, NULL, &status);
  g_assert_cmpuint (status, ==, 204);
  g_clear_pointer (&reply, g_free);
  reply = kefu_test_request (t, "GET", "me", token, NULL, &status);
  g_assert_cmpuint (status, ==, 401);
  g_clear_pointer (&reply, g_free);

  /* A token expires after its lifetime (the server's clock moved on). */
  g_free (token);
  token = admin_login (t, NULL);
  kefu_server_set_clock_offset (t->server, t->config.token_ttl_ms - 60000);
  reply = kefu_test_request (t, "GET", "me", token, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  g_clear_pointer (&reply, g_free);
  kefu_server_set_clock_offset (t->server, t->config.token_ttl_ms + 1);
  reply = kefu_test_request (t, "GET", "me", token, NULL, &status);
  g_assert_cmpuint (status, ==, 401);
  g_assert_nonnull (strstr (reply, "expired"));

  kefu_test_server_free (t);
}

static void
test_https (void)
{
  KefuTestServer *t = kefu_test_server_new_full (TRUE);
  g_autofree char *token = admin_login (t, NULL);
  g_autofree char *reply = NULL;
  guint status;

  reply = kefu_test_request (t, "GET", "me", token, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_nonnull (strstr (reply, "\"role\":\"admin\""));

  kefu_test_server_free (t);
}

static void
test_login_rate_limit (void)
{
  KefuTestServer *t = kefu_test_server_new ();
  g_autofree char *reply = NULL;
  g_autofree char *good = g_strdup_printf ("{\"username\":\"%s\",\"password\":\"%s\"}", KEFU_TEST_ADMIN, KEFU_TEST_PASSWORD);
  guint status;

  for (guint i = 0; i < t->config.login_max_failures; i++)
    {
      g_clear_pointer (&reply, g_free);
      reply = kefu_test_request (t, "POST", "login", NULL, "{\"username\":\"root\",\"password\":\"guess guess\"}", &status);
      g_assert_cmpuint (status, ==, 401);
    }
  /* Now even the right password is refused for this name from here... */
  g_clear_pointer (&reply, g_free);
  reply = kefu_test_request (t, "POST", "login", NULL, good, &status);
  g_assert_cmpuint (status, ==, 429);
  /* ...until the window has passed. */
  kefu_server_set_clock_offset (t->server, t->config.login_window_ms + 1);
  g_clear_pointer (&reply, g_free);
  reply = kefu_test_request (t, "POST", "login", NULL, good, &status);
  g_assert_cmpuint (status, ==, 200);

  kefu_test_server_free (t);
}

static void
test_bad_bodies (void)
{
  KefuTestServer *t = kefu_test_server_new ();
  g_autofree char *token = admin_login (t, NULL);
  g_autofree char *big = g_strnfill (t->config.max_body + 10, ' ');
  g_autofree char *reply = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(Device) d = device_new (token);
  guint status;

  /* Over the size limit: 413 before the body is parsed. */
  reply = kefu_test_request (t, "POST", "push", token, big, &status);
  g_assert_cmpuint (status, ==, 413);
  g_clear_pointer (&reply, g_free);

  /* Bad JSON and wrong types: 400 with a message naming the problem. */
  reply = kefu_test_request (t, "POST", "push", token, "{\"device_id\": [", &status);
  g_assert_cmpuint (status, ==, 400);
  g_assert_nonnull (strstr (reply, "not valid JSON"));
  g_clear_pointer (&reply, g_free);
  reply = kefu_test_request (t, "POST", "push", token, "{\"device_id\":\"x\",\"epoch\":\"e\",\"ops\":[]}", &status);
  g_assert_cmpuint (status, ==, 400);
  g_assert_nonnull (strstr (reply, "device_id is not a UUID"));
  g_clear_pointer (&reply, g_free);
  reply = kefu_test_request (t, "POST", "pull", token, "{\"epoch\":7}", &status);
  g_assert_cmpuint (status, ==, 400);
  g_assert_nonnull (strstr (reply, "epoch must be a string"));
  g_clear_pointer (&reply, g_free);

  /* A gzip body is accepted; a corrupt one is 415. */
  {
    g_autofree char *json = NULL;
    g_autoptr(GZlibCompressor) gz = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, -1);
    g_autoptr(GBytes) plain = NULL;
    g_autoptr(GInputStream) in = NULL;
    g_autoptr(GInputStream) zin = NULL;
    g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
    g_autoptr(GError) error = NULL;
    g_autofree char *id = new_id ();
    g_autofree char *fields = g_strdup ("{\"code\":\"GZ\",\"name\":\"gz\",\"level\":\"province\"}");

    device_op (d, "org_unit", id, "insert", 0, fields);
    json = device_batch (t, d);
    plain = g_bytes_new (json, strlen (json));
    in = g_memory_input_stream_new_from_bytes (plain);
    zin = g_converter_input_stream_new (in, G_CONVERTER (gz));
    g_output_stream_splice (out, zin, G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET, NULL, &error);
    g_assert_no_error (error);
    body = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (out));
    g_clear_pointer (&reply, g_free);
    reply = kefu_test_request_full (t, "POST", "push", token, body, "gzip", &status);
    g_assert_cmpuint (status, ==, 200);
    g_assert_nonnull (strstr (reply, "\"applied\""));
    g_clear_pointer (&reply, g_free);
    reply = kefu_test_request (t, "GET", "me", token, NULL, &status);
    g_clear_pointer (&reply, g_free);
    {
      g_autoptr(GBytes) junk = g_bytes_new_static ("not gzip at all", 15);
      reply = kefu_test_request_full (t, "POST", "push", token, junk, "gzip", &status);
      g_assert_cmpuint (status, ==, 415);
    }
  }

  /* Unknown endpoint and wrong method. */
  g_clear_pointer (&reply, g_free);
  reply = kefu_test_request (t, "GET", "push", token, NULL, &status);
  g_assert_cmpuint (status, ==, 405);
  g_clear_pointer (&reply, g_free);
  reply = kefu_test_request (t, "GET", "secrets", token, NULL, &status);
  g_assert_cmpuint (status, ==, 404);

  kefu_test_server_free (t);
}

/* --- push ------------------------------------------------------------------- */

static void
test_push_replay_and_gap (void)
{
  KefuTestServer *t = kefu_test_server_new ();
  g_autofree char *hq = NULL;
  g_autofree char *token = admin_login (t, &hq);
  g_autoptr(Device) d = device_new (token);
  g_autofree char *c1 = new_id ();
  g_autofree char *c2 = new_id ();
  g_autofree char *f1 = customer_fields (hq, "甲");
  g_autofree char *f2 = customer_fields (hq, "乙");
  g_autofree char *batch = NULL;
  g_autofree char *first = NULL;
  g_autofree char *again = NULL;
  g_autofree char *verify1 = NULL;
  g_autofree char *verify2 = NULL;
  g_autofree char *gap_body = NULL;
  g_autoptr(JsonObject) gap = NULL;
  g_autoptr(JsonObject) filled = NULL;
  gint64 audits_before, audits_after;
  guint status;

  device_op (d, "customer", c1, "insert", 0, f1);
  device_op (d, "customer", c2, "insert", 0, f2);
  device_op (d, "customer", c1, "update", 1, "{\"name\":\"甲二\"}");
  batch = device_batch (t, d);
  first = kefu_test_request (t, "POST", "push", token, batch, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_nonnull (strstr (first, "\"last_seq\":3"));
  verify1 = kefu_test_request (t, "GET", "verify", token, NULL, &status);
  audits_before = kefu_server_get_store (t->server)->vtable->audit_count (kefu_server_get_store (t->server), NULL);

  /* The same batch again: the identical answer, and nothing changes. */
  again = kefu_test_request (t, "POST", "push", token, batch, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (again, ==, first);
  verify2 = kefu_test_request (t, "GET", "verify", token, NULL, &status);
  g_assert_cmpstr (verify2, ==, verify1);
  audits_after = kefu_server_get_store (t->server)->vtable->audit_count (kefu_server_get_store (t->server), NULL);
  g_assert_cmpint (audits_after, ==, audits_before);

  /* A gap (seq 5 after 3) stops the batch before it. */
  d->next_seq = 5;
  device_op (d, "customer", c2, "update", 1, "{\"name\":\"乙二\"}");
  gap_body = device_batch (t, d);
  {
    g_autofree char *reply = kefu_test_request (t, "POST", "push", token, gap_body, &status);
    g_assert_cmpuint (status, ==, 200);
    gap = kefu_test_json (reply);
  }
  g_assert_cmpint (json_object_get_int_member (gap, "last_seq"), ==, 3);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (gap, "results")), ==, 0);

  /* Filling the gap applies both. */
  d->next_seq = 4;
  device_op (d, "customer", c1, "update", 2, "{\"tags\":\"vip\"}");
  device_op (d, "customer", c2, "update", 1, "{\"name\":\"乙二\"}");
  filled = device_push (t, d);
  g_assert_cmpint (json_object_get_int_member (filled, "last_seq"), ==, 5);
  g_assert_cmpstr (status_at (filled, 0), ==, "applied");
  g_assert_cmpstr (status_at (filled, 1), ==, "applied");

  kefu_test_server_free (t);
}

static void
test_case_conflict (void)
{
  KefuTestServer *t = kefu_test_server_new ();
  g_autofree char *hq = NULL;
  g_autofree char *token = admin_login (t, &hq);
  g_autoptr(Device) a = device_new (token);
  g_autoptr(Device) b = device_new (token);
  g_autofree char *customer = new_id ();
  g_autofree char *kcase = new_id ();
  g_autofree char *cf = customer_fields (hq, "王");
  g_autofree char *kf = case_fields (hq, customer, "延误");
  g_autoptr(JsonObject) row = NULL;
  g_autoptr(GPtrArray) changes = NULL;
  guint n_pages, status, n_conflicts = 0;
  gint64 version;

  g_assert_cmpstr (push_one (t, a, "customer", customer, "insert", 0, cf, NULL), ==, "applied");
  g_assert_cmpstr (push_one (t, a, "kcase", kcase, "insert", 0, kf, &version), ==, "applied");
  g_assert_cmpint (version, ==, 1);

  /* Both edited version 1 offline; A arrives first and wins the status,
   * whatever B's clock says. B's other field still applies. */
  g_assert_cmpstr (push_one (t, a, "kcase", kcase, "update", 1, "{\"status\":\"resolved\"}", &version), ==, "applied");
  g_assert_cmpint (version, ==, 2);
  g_assert_cmpstr (push_one (t, b, "kcase", kcase, "update", 1,
                             "{\"status\":\"waiting\",\"priority\":\"high\"}", &version), ==, "conflict");
  g_assert_cmpint (version, ==, 3);

  row = get_row (t, token, "kcase", kcase, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (row, "fields"), "status"), ==, "resolved");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (row, "fields"), "priority"), ==, "high");

  /* The conflict record is pulled with the branch's data. */
  changes = pull_all (t, token, 100, &n_pages, NULL);
  for (guint i = 0; i < changes->len; i++)
    {
      JsonObject *change = g_ptr_array_index (changes, i);
      JsonObject *fields = json_object_get_object_member (change, "fields");

      if (!g_str_equal (json_object_get_string_member (change, "entity"), "conflict"))
        continue;
      n_conflicts++;
      g_assert_cmpstr (json_object_get_string_member (fields, "row_id"), ==, kcase);
      g_assert_cmpstr (json_object_get_string_member (fields, "field"), ==, "status");
      g_assert_cmpstr (json_object_get_string_member (fields, "server_value"), ==, "\"resolved\"");
      g_assert_cmpstr (json_object_get_string_member (fields, "client_value"), ==, "\"waiting\"");
      g_assert_cmpstr (json_object_get_string_member (fields, "device_id"), ==, b->id);
    }
  g_assert_cmpuint (n_conflicts, ==, 1);

  /* A change based on the current version is no conflict. */
  g_assert_cmpstr (push_one (t, b, "kcase", kcase, "update", 3, "{\"status\":\"closed\"}", NULL), ==, "applied");
  /* B's next edit on its old base (3) does not conflict with B's own
   * change at version 4. */
  g_assert_cmpstr (push_one (t, b, "kcase", kcase, "update", 3, "{\"assignee_id\":null,\"status\":\"closed\"}", NULL), ==, "applied");

  /* Insert-only rows never conflict; updating them is refused. */
  {
    g_autofree char *event = new_id ();
    g_autofree char *ef = g_strdup_printf ("{\"case_id\":\"%s\",\"kind\":\"note\",\"at\":1,\"body\":\"x\"}", kcase);

    g_assert_cmpstr (push_one (t, a, "case_event", event, "insert", 0, ef, NULL), ==, "applied");
    g_assert_cmpstr (push_one (t, b, "case_event", event, "insert", 0, ef, &version), ==, "applied");
    g_assert_cmpint (version, ==, 1);
    g_assert_cmpstr (push_one (t, b, "case_event", event, "update", 1, "{\"body\":\"y\"}", NULL), ==, "rejected");
  }

  kefu_test_server_free (t);
}

static void
test_customer_merge (void)
{
  KefuTestServer *t = kefu_test_server_new ();
  g_autofree char *hq = NULL;
  g_autofree char *token = admin_login (t, &hq);
  g_autoptr(Device) a = device_new (token);
  g_autoptr(Device) b = device_new (token);
  g_autofree char *customer = new_id ();
  g_autofree char *cf = customer_fields (hq, "李");
  g_autoptr(JsonObject) row = NULL;
  JsonObject *fields;
  guint status;
  gint64 version;

  g_assert_cmpstr (push_one (t, a, "customer", customer, "insert", 0, cf, NULL), ==, "applied");
  /* A changes the tags, B (also from version 1) the preferences: both
   * apply, no conflict. */
  g_assert_cmpstr (push_one (t, a, "customer", customer, "update", 1, "{\"tags\":\"大客户\"}", NULL), ==, "applied");
  g_assert_cmpstr (push_one (t, b, "customer", customer, "update", 1, "{\"preferences\":\"上午送\"}", &version), ==, "applied");
  g_assert_cmpint (version, ==, 3);
  /* B also changed the tags from version 1: only that field conflicts. */
  g_assert_cmpstr (push_one (t, b, "customer", customer, "update", 1,
                             "{\"tags\":\"普通\",\"industry\":\"电商\"}", &version), ==, "conflict");
  row = get_row (t, token, "customer", customer, &status);
  fields = json_object_get_object_member (row, "fields");
  g_assert_cmpstr (json_object_get_string_member (fields, "tags"), ==, "大客户");
  g_assert_cmpstr (json_object_get_string_member (fields, "preferences"), ==, "上午送");
  g_assert_cmpstr (json_object_get_string_member (fields, "industry"), ==, "电商");
  g_assert_cmpstr (json_object_get_string_member (fields, "name"), ==, "李");

  kefu_test_server_free (t);
}

static void
test_kb_versions (void)
{
  KefuTestServer *t = kefu_test_server_new ();
  g_autofree char *hq = NULL;
  g_autofree char *token = admin_login (t, &hq);
  g_autoptr(Device) a = device_new (token);
  g_autoptr(Device) b = device_new (token);
  g_autofree char *article = new_id ();
  g_autofree char *agent_token = NULL;
  g_autoptr(Device) agent = NULL;

  g_assert_cmpstr (push_one (t, a, "kb_article", article, "insert", 0, "{\"title\":\"退款\",\"body\":\"v1\"}", NULL), ==, "applied");
  g_assert_cmpstr (push_one (t, a, "kb_article", article, "update", 1, "{\"body\":\"v2\"}", NULL), ==, "applied");
  /* B edited version 1: stale, rejected, nothing applied. */
  g_assert_cmpstr (push_one (t, b, "kb_article", article, "update", 1, "{\"title\":\"t\"}", NULL), ==, "rejected");

  /* Agents (and anyone outside headquarters) do not write the knowledge
   * base or the organisation. */
  add_user (t, token, "agent1", "agent", hq);
  agent_token = user_login (t, "agent1");
  agent = device_new (agent_token);
  g_assert_cmpstr (push_one (t, agent, "kb_article", article, "update", 2, "{\"body\":\"x\"}", NULL), ==, "rejected");
  g_assert_cmpstr (push_one (t, agent, "org_unit", article, "insert", 0, "{\"code\":\"X\"}", NULL), ==, "rejected");

  kefu_test_server_free (t);
}

static void
test_new_branch_same_batch (void)
{
  KefuTestServer *t = kefu_test_server_new ();
  g_autofree char *hq = NULL;
  g_autofree char *token = admin_login (t, &hq);
  g_autoptr(Device) d = device_new (token);
  g_autofree char *branch = new_id ();
  g_autofree char *customer = new_id ();
  g_autofree char *unit = g_strdup_printf ("{\"code\":\"NB\",\"name\":\"新网点\",\"level\":\"branch\",\"parent_id\":\"%s\"}", hq);
  g_autofree char *cf = customer_fields (branch, "新");
  g_autoptr(JsonObject) reply = NULL;

  /* The admin opens a branch and files its first customer in one batch. */
  device_op (d, "org_unit", branch, "insert", 0, unit);
  device_op (d, "customer", customer, "insert", 0, cf);
  reply = device_push (t, d);
  g_assert_cmpstr (status_at (reply, 0), ==, "applied");
  g_assert_cmpstr (status_at (reply, 1), ==, "applied");

  kefu_test_server_free (t);
}

/* --- pull, horizon, epoch, snapshot, verify --------------------------------- */

static void
test_pull_paging (void)
{
  KefuTestServer *t = kefu_test_server_new ();
  g_autofree char *hq = NULL;
  g_autofree char *token = admin_login (t, &hq);
  g_autoptr(Device) d = device_new (token);
  g_autoptr(GPtrArray) changes = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(JsonObject) cursors = NULL;
  g_autoptr(GPtrArray) again = NULL;
  g_autofree char *body = NULL;
  g_autofree char *reply = NULL;
  guint n_pages, status;
  gint64 last = 0;

  for (int i = 0; i < 25; i++)
    {
      g_autofree char *id = new_id ();
      g_autofree char *name = g_strdup_printf ("客户%d", i);
      g_autofree char *fields = customer_fields (hq, name);

      device_op (d, "customer", id, "insert", 0, fields);
    }
  json_object_unref (device_push (t, d));

  /* 2 org rows + 25 customers, 10 a page: 3 pages, each row once, in
   * server_seq order per scope. */
  changes = pull_all (t, token, 10, &n_pages, &cursors);
  g_assert_cmpuint (changes->len, ==, 27);
  g_assert_cmpuint (n_pages, ==, 3);
  for (guint i = 0; i < changes->len; i++)
    {
      JsonObject *change = g_ptr_array_index (changes, i);
      const char *scope = json_object_get_string_member (change, "scope");
      gint64 seq = json_object_get_int_member (change, "server_seq");

      g_assert_true (g_hash_table_add (seen, (gpointer) json_object_get_string_member (change, "row_id")));
      if (g_str_has_prefix (scope, "branch:"))
        {
          g_assert_cmpint (seq, >, last);
          last = seq;
        }
    }

  /* From the final cursors there is nothing more. */
  {
    g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), cursors);
    g_autofree char *text = json_to_string (node, FALSE);
    g_autoptr(JsonObject) object = NULL;

    body = g_strdup_printf ("{\"epoch\":\"%s\",\"cursors\":%s}", t->epoch, text);
    reply = kefu_test_request (t, "POST", "pull", token, body, &status);
    g_assert_cmpuint (status, ==, 200);
    object = kefu_test_json (reply);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "changes")), ==, 0);
    g_assert_false (json_object_get_boolean_member (object, "more"));
  }

  /* A page size of one gives the same rows. */
  again = pull_all (t, token, 1, &n_pages, NULL);
  g_assert_cmpuint (again->len, ==, 27);

  kefu_test_server_free (t);
}

static void
test_horizon_gone (void)
{
  KefuTestServer *t = kefu_test_server_new ();
  g_autofree char *hq = NULL;
  g_autofree char *token = admin_login (t, &hq);
  g_autoptr(Device) d = device_new (token);
  g_autofree char *c1 = new_id ();
  g_autofree char *c2 = new_id ();
  g_autofree char *f1 = customer_fields (hq, "一");
  g_autofree char *f2 = customer_fields (hq, "二");
  g_autofree char *body = NULL;
  g_autofree char *reply = NULL;
  g_autoptr(GError) error = NULL;
  guint status;

  g_assert_cmpstr (push_one (t, d, "customer", c1, "insert", 0, f1, NULL), ==, "applied");   /* seq 1 */
  g_assert_cmpstr (push_one (t, d, "customer", c2, "insert", 0, f2, NULL), ==, "applied");   /* seq 2 */
  g_assert_cmpstr (push_one (t, d, "customer", c1, "delete", 1, NULL, NULL), ==, "applied"); /* seq 3 */

  /* 91 days later the tombstone is purged; a client at cursor 1 never saw
   * the deletion and must resync. */
  kefu_server_set_clock_offset (t->server, t->config.tombstone_ms + 24 * 3600 * 1000);
  g_assert_cmpuint (kefu_server_purge (t->server, &error), ==, 1);
  g_assert_no_error (error);
  {
    g_autofree char *new_token = admin_login (t, NULL);

    body = g_strdup_printf ("{\"epoch\":\"%s\",\"cursors\":{\"branch:%s\":1}}", t->epoch, hq);
    reply = kefu_test_request (t, "POST", "pull", new_token, body, &status);
    g_assert_cmpuint (status, ==, 410);
    g_assert_nonnull (strstr (reply, "\"horizon\""));
    g_clear_pointer (&reply, g_free);
    g_clear_pointer (&body, g_free);
    /* Past the horizon (and from scratch) pulling works. */
    body = g_strdup_printf ("{\"epoch\":\"%s\",\"cursors\":{\"branch:%s\":3}}", t->epoch, hq);
    reply = kefu_test_request (t, "POST", "pull", new_token, body, &status);
    g_assert_cmpuint (status, ==, 200);
  }

  kefu_test_server_free (t);
}

static void
test_epoch_change (void)
{
  KefuTestServer *t = kefu_test_server_new ();
  g_autofree char *token = admin_login (t, NULL);
  g_autofree char *old_epoch = g_strdup (t->epoch);
  g_autofree char *new_epoch = NULL;
  g_autofree char *body = NULL;
  g_autofree char *reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(Device) d = device_new (token);
  KefuStore *store;
  guint status;

  kefu_test_server_stop (t);
  store = kefu_test_store_open (t->dir);
  new_epoch = kefu_server_reset_epoch (store, &error);
  g_assert_no_error (error);
  kefu_store_close (store);
  kefu_test_server_start (t);
  g_assert_cmpstr (t->epoch, ==, new_epoch);
  g_assert_cmpstr (t->epoch, !=, old_epoch);

  /* A client still on the old epoch is told to resync, push and pull. */
  body = g_strdup_printf ("{\"epoch\":\"%s\",\"cursors\":{}}", old_epoch);
  reply = kefu_test_request (t, "POST", "pull", token, body, &status);
  g_assert_cmpuint (status, ==, 410);
  g_assert_nonnull (strstr (reply, new_epoch));
  g_clear_pointer (&reply, g_free);
  g_clear_pointer (&body, g_free);
  body = g_strdup_printf ("{\"device_id\":\"%s\",\"epoch\":\"%s\",\"ops\":[]}", d->id, old_epoch);
  reply = kefu_test_request (t, "POST", "push", token, body, &status);
  g_assert_cmpuint (status, ==, 410);

  kefu_test_server_free (t);
}

static void
test_snapshot_verify (void)
{
  KefuTestServer *t = kefu_test_server_new ();
  g_autofree char *hq = NULL;
  g_autofree char *token = admin_login (t, &hq);
  g_autoptr(Device) d = device_new (token);
  g_autoptr(GHashTable) sums = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(JsonObject) verify = NULL;
  g_autofree char *reply = NULL;
  g_autofree char *deleted = new_id ();
  JsonArray *scopes;
  gint64 after = 0;
  gboolean more = TRUE;
  guint status, pages = 0, rows = 0;

  for (int i = 0; i < 7; i++)
    {
      g_autofree char *id = new_id ();
      g_autofree char *fields = customer_fields (hq, "snap");
      device_op (d, "customer", id, "insert", 0, fields);
    }
  {
    g_autofree char *fields = customer_fields (hq, "gone");
    device_op (d, "customer", deleted, "insert", 0, fields);
    device_op (d, "customer", deleted, "delete", 1, NULL);
    device_op (d, "kb_article", hq, "insert", 0, "{\"title\":\"t\"}");
  }
  json_object_unref (device_push (t, d));

  /* Snapshot in pages of 3; fold the live rows into a checksum per scope
   * as a client would. */
  while (more)
    {
      g_autofree char *body = g_strdup_printf ("{\"after\":%" G_GINT64_FORMAT ",\"limit\":3}", after);
      g_autofree char *page = kefu_test_request (t, "POST", "snapshot", token, body, &status);
      g_autoptr(JsonObject) object = NULL;
      JsonArray *changes;

      g_assert_cmpuint (status, ==, 200);
      object = kefu_test_json (page);
      changes = json_object_get_array_member (object, "changes");
      for (guint i = 0; i < json_array_get_length (changes); i++)
        {
          JsonObject *change = json_array_get_object_element (changes, i);
          const char *scope = json_object_get_string_member (change, "scope");
          KefuSyncChecksum *sum = g_hash_table_lookup (sums, scope);

          rows++;
          if (sum == NULL)
            {
              sum = g_new0 (KefuSyncChecksum, 1);
              g_hash_table_insert (sums, g_strdup (scope), sum);
            }
          if (!json_object_get_boolean_member (change, "deleted"))
            kefu_sync_checksum_add (sum, json_object_get_string_member (change, "entity"),
                                    json_object_get_string_member (change, "row_id"),
                                    json_object_get_int_member (change, "version"));
        }
      after = json_object_get_int_member (object, "next");
      more = json_object_get_boolean_member (object, "more");
      pages++;
    }
  g_assert_cmpuint (rows, ==, 2 + 8 + 1);
  g_assert_cmpuint (pages, ==, 4);

  reply = kefu_test_request (t, "GET", "verify", token, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  verify = kefu_test_json (reply);
  scopes = json_object_get_array_member (verify, "scopes");
  for (guint i = 0; i < json_array_get_length (scopes); i++)
    {
      JsonObject *scope = json_array_get_object_element (scopes, i);
      KefuSyncChecksum *sum = g_hash_table_lookup (sums, json_object_get_string_member (scope, "scope"));
      KefuSyncChecksum empty;
      g_autofree char *hex = NULL;

      if (sum == NULL)
        {
          kefu_sync_checksum_init (&empty);
          sum = &empty;
        }
      hex = kefu_sync_checksum_hex (sum);
      g_assert_cmpstr (json_object_get_string_member (scope, "checksum"), ==, hex);
      g_assert_cmpint (json_object_get_int_member (scope, "count"), ==, sum->count);
    }
  g_assert_cmpuint (json_array_get_length (scopes), ==, 3);

  kefu_test_server_free (t);
}

/* --- users ------------------------------------------------------------------ */

static void
test_users (void)
{
  KefuTestServer *t = kefu_test_server_new ();
  g_autofree char *hq = NULL;
  g_autofree char *token = admin_login (t, &hq);
  g_autofree char *agent = NULL;
  g_autofree char *reply = NULL;
  g_autofree char *body = NULL;
  g_autofree char *path = NULL;
  g_autoptr(JsonObject) object = NULL;
  guint status;

  add_user (t, token, "zhang.wei", "agent", hq);
  agent = user_login (t, "zhang.wei");

  /* Taken names, bad roles, short passwords, unknown members. */
  body = g_strdup_printf ("{\"username\":\"zhang.wei\",\"password\":\"longenough\",\"role\":\"agent\",\"org_unit_id\":\"%s\"}", hq);
  reply = kefu_test_request (t, "POST", "users", token, body, &status);
  g_assert_cmpuint (status, ==, 409);
  g_clear_pointer (&reply, g_free);
  g_clear_pointer (&body, g_free);
  body = g_strdup_printf ("{\"username\":\"x\",\"password\":\"longenough\",\"role\":\"king\",\"org_unit_id\":\"%s\"}", hq);
  reply = kefu_test_request (t, "POST", "users", token, body, &status);
  g_assert_cmpuint (status, ==, 400);
  g_assert_nonnull (strstr (reply, "role must be"));
  g_clear_pointer (&reply, g_free);
  g_clear_pointer (&body, g_free);
  body = g_strdup_printf ("{\"username\":\"x\",\"password\":\"short\",\"role\":\"agent\",\"org_unit_id\":\"%s\"}", hq);
  reply = kefu_test_request (t, "POST", "users", token, body, &status);
  g_assert_cmpuint (status, ==, 400);
  g_clear_pointer (&reply, g_free);
  reply = kefu_test_request (t, "POST", "users", token, "{\"is_root\":true}", &status);
  g_assert_cmpuint (status, ==, 400);
  g_assert_nonnull (strstr (reply, "unknown member"));
  g_clear_pointer (&reply, g_free);

  /* Agents do not manage users. */
  reply = kefu_test_request (t, "GET", "users", agent, NULL, &status);
  g_assert_cmpuint (status, ==, 403);
  g_clear_pointer (&reply, g_free);

  /* Deactivating a user ends their session and refuses new ones. */
  reply = kefu_test_request (t, "GET", "users", token, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  object = kefu_test_json (reply);
  {
    JsonArray *users = json_object_get_array_member (object, "users");
    const char *id = NULL;

    for (guint i = 0; i < json_array_get_length (users); i++)
      if (g_str_equal (json_object_get_string_member (json_array_get_object_element (users, i), "username"), "zhang.wei"))
        id = json_object_get_string_member (json_array_get_object_element (users, i), "id");
    g_assert_nonnull (id);
    path = g_strdup_printf ("users/%s", id);
  }
  g_clear_pointer (&reply, g_free);
  reply = kefu_test_request (t, "PATCH", path, token, "{\"active\":false}", &status);
  g_assert_cmpuint (status, ==, 200);
  g_clear_pointer (&reply, g_free);
  reply = kefu_test_request (t, "GET", "me", agent, NULL, &status);
  g_assert_cmpuint (status, ==, 401);
  g_clear_pointer (&reply, g_free);
  reply = kefu_test_request (t, "POST", "login", NULL, "{\"username\":\"zhang.wei\",\"password\":\"pw-zhang.wei-123\"}", &status);
  g_assert_cmpuint (status, ==, 401);

  kefu_test_server_free (t);
}

/* --- the scope matrix -------------------------------------------------------- */

enum { P1, C1, B1, B2, P2, C2, B3, N_UNITS };

static const char *unit_codes[N_UNITS] = { "P1", "C1", "B1", "B2", "P2", "C2", "B3" };
static const char *unit_levels[N_UNITS] = { "province", "city", "branch", "branch", "province", "city", "branch" };
static const int unit_parents[N_UNITS] = { -1, P1, C1, C1, -1, P2, C2 };
static const gboolean is_branch[N_UNITS] = { FALSE, FALSE, TRUE, TRUE, FALSE, FALSE, TRUE };

/* Is unit @u at or below @top? */
static gboolean
under (int u,
       int top)
{
  for (; u >= 0; u = unit_parents[u])
    if (u == top)
      return TRUE;
  return FALSE;
}

typedef struct
{
  char *unit[N_UNITS];
  char *customer[N_UNITS];
  char *kcase[N_UNITS];
  char *event[N_UNITS];
  char *contact[N_UNITS];
} World;

static void
test_scope_matrix (void)
{
  static const char *roles[] = { "agent", "supervisor", "trainer", "admin" };
  static const int levels[] = { B1, C1, P1 };
  KefuTestServer *t = kefu_test_server_new ();
  g_autofree char *hq = NULL;
  g_autofree char *token = admin_login (t, &hq);
  g_autoptr(Device) admin = device_new (token);
  World w = { { 0 } };
  guint refusals = 0, leaks = 0, allowed_reads = 0;

  /* HQ → P1 → C1 → {B1, B2}; HQ → P2 → C2 → B3; in each branch a
   * customer with a contact, and a case with an event. */
  for (int u = 0; u < N_UNITS; u++)
    {
      w.unit[u] = new_id ();
      add_unit (t, admin, w.unit[u], unit_codes[u], unit_levels[u], unit_parents[u] < 0 ? hq : w.unit[unit_parents[u]]);
    }
  for (int u = 0; u < N_UNITS; u++)
    {
      g_autofree char *cf = NULL;
      g_autofree char *kf = NULL;
      g_autofree char *ef = NULL;
      g_autofree char *tf = NULL;

      if (!is_branch[u])
        continue;
      w.customer[u] = new_id ();
      w.kcase[u] = new_id ();
      w.event[u] = new_id ();
      w.contact[u] = new_id ();
      cf = customer_fields (w.unit[u], unit_codes[u]);
      kf = case_fields (w.unit[u], w.customer[u], unit_codes[u]);
      ef = g_strdup_printf ("{\"case_id\":\"%s\",\"kind\":\"note\",\"at\":1,\"body\":\"secret %s\"}", w.kcase[u], unit_codes[u]);
      tf = g_strdup_printf ("{\"customer_id\":\"%s\",\"kind\":\"phone\",\"value\":\"1380000%s\"}", w.customer[u], unit_codes[u]);
      device_op (admin, "customer", w.customer[u], "insert", 0, cf);
      device_op (admin, "kcase", w.kcase[u], "insert", 0, kf);
      device_op (admin, "case_event", w.event[u], "insert", 0, ef);
      device_op (admin, "customer_contact", w.contact[u], "insert", 0, tf);
    }
  {
    g_autoptr(JsonObject) reply = device_push (t, admin);
    for (guint i = 0; i < 12; i++)
      g_assert_cmpstr (status_at (reply, i), ==, "applied");
  }
  add_user (t, token, "b3.agent", "agent", w.unit[B3]);

  for (guint r = 0; r < G_N_ELEMENTS (roles); r++)
    for (guint l = 0; l < G_N_ELEMENTS (levels); l++)
      {
        int home = levels[l];
        g_autofree char *username = g_strdup_printf ("%s.%s", roles[r], unit_codes[home]);
        g_autofree char *user_token = NULL;
        g_autoptr(Device) d = NULL;
        g_autoptr(GPtrArray) pulled = NULL;
        g_autoptr(JsonObject) cursors = NULL;
        guint n_pages;

        add_user (t, token, username, roles[r], w.unit[home]);
        user_token = user_login (t, username);
        d = device_new (user_token);
        pulled = pull_all (t, user_token, 7, &n_pages, &cursors);

        /* Only the units at or below home appear as scopes. */
        for (int u = 0; u < N_UNITS; u++)
          {
            g_autofree char *scope = g_strconcat ("branch:", w.unit[u], NULL);
            if (json_object_has_member (cursors, scope) != under (u, home))
              leaks++;
          }

        for (int b = 0; b < N_UNITS; b++)
          {
            const char *foreign_rows[4];
            g_autofree char *new_row = new_id ();
            g_autofree char *forged_customer = NULL;
            g_autofree char *forged_case = NULL;
            g_autofree char *child_event = NULL;
            g_autofree char *child_contact = NULL;
            g_autofree char *home_case = NULL;

            if (!is_branch[b])
              continue;
            if (under (b, home))
              {
                /* A positive control: the user does read its own branches. */
                g_autoptr(JsonObject) row = NULL;
                guint status;

                row = get_row (t, user_token, "kcase", w.kcase[b], &status);
                if (status != 200 || !changes_have_row (pulled, w.customer[b]))
                  leaks++;   /* counted as a failure of the matrix */
                allowed_reads++;
                continue;
              }

            /* Reads: direct, pull, snapshot. */
            foreign_rows[0] = w.customer[b];
            foreign_rows[1] = w.kcase[b];
            foreign_rows[2] = w.event[b];
            foreign_rows[3] = w.contact[b];
            for (guint i = 0; i < 4; i++)
              {
                static const char *entities[] = { "customer", "kcase", "case_event", "customer_contact" };
                g_autoptr(JsonObject) row = NULL;
                guint status;

                row = get_row (t, user_token, entities[i], foreign_rows[i], &status);
                if (status == 403 || status == 404)
                  refusals++;
                else
                  leaks++;
                if (changes_have_row (pulled, foreign_rows[i]))
                  leaks++;
              }
            {
              /* A forged cursor for the foreign scope is ignored. */
              g_autofree char *body = g_strdup_printf ("{\"epoch\":\"%s\",\"cursors\":{\"branch:%s\":0}}", t->epoch, w.unit[b]);
              g_autofree char *reply = NULL;
              g_autofree char *secret = NULL;
              g_autofree char *foreign_scope = NULL;
              guint status;

              reply = kefu_test_request (t, "POST", "pull", user_token, body, &status);
              secret = g_strdup_printf ("secret %s", unit_codes[b]);

              foreign_scope = g_strconcat ("branch:", w.unit[b], NULL);
              /* (Organisation rows, the branch's own org_unit included, are public.) */
              if (status != 200 || strstr (reply, foreign_scope) != NULL || strstr (reply, secret) != NULL)
                leaks++;
              g_clear_pointer (&reply, g_free);
              reply = kefu_test_request (t, "POST", "snapshot", user_token, "{\"limit\":5000}", &status);
              if (status != 200 || strstr (reply, w.customer[b]) != NULL || strstr (reply, w.kcase[b]) != NULL)
                leaks++;
              g_clear_pointer (&reply, g_free);
              reply = kefu_test_request (t, "GET", "verify", user_token, NULL, &status);
              if (status != 200 || strstr (reply, foreign_scope) != NULL)
                leaks++;
            }

            /* Writes: forged ids, forged branch_id, children of foreign rows. */
            forged_customer = customer_fields (w.unit[b], "forged");
            forged_case = case_fields (w.unit[home], w.customer[b], "forged");
            child_event = g_strdup_printf ("{\"case_id\":\"%s\",\"kind\":\"note\",\"at\":1}", w.kcase[b]);
            child_contact = g_strdup_printf ("{\"customer_id\":\"%s\",\"kind\":\"phone\",\"value\":\"1\"}", w.customer[b]);
            home_case = case_fields (w.unit[home], w.customer[b], "own");
            device_op (d, "customer", w.customer[b], "update", 1, "{\"name\":\"hacked\"}");
            device_op (d, "customer", w.customer[b], "update", 1, "{\"branch_id\":null,\"name\":\"hacked\"}");
            device_op (d, "kcase", w.kcase[b], "update", 1, "{\"status\":\"closed\"}");
            device_op (d, "kcase", w.kcase[b], "delete", 1, NULL);
            device_op (d, "customer", new_row, "insert", 0, forged_customer);
            device_op (d, "kcase", w.kcase[b], "insert", 0, home_case);
            device_op (d, "kcase", new_row, "insert", 0, forged_case);
            device_op (d, "case_event", new_row, "insert", 0, child_event);
            device_op (d, "customer_contact", new_row, "insert", 0, child_contact);
            device_op (d, "customer_contact", w.contact[b], "update", 1, "{\"value\":\"0\"}");
            device_op (d, "org_unit", w.unit[b], "update", 1, "{\"parent_id\":null}");
            {
              g_autoptr(JsonObject) reply = device_push (t, d);
              JsonArray *results = json_object_get_array_member (reply, "results");

              g_assert_cmpuint (json_array_get_length (results), ==, 11);
              for (guint i = 0; i < json_array_get_length (results); i++)
                {
                  const char *status = json_object_get_string_member (json_array_get_object_element (results, i), "status");
                  if (g_str_equal (status, "rejected"))
                    refusals++;
                  else
                    {
                      g_test_message ("%s: op %u on branch %s was %s", username, i, unit_codes[b], status);
                      leaks++;
                    }
                }
            }

            /* Users of another office: not listed, not editable. */
            if (g_str_equal (roles[r], "admin"))
              {
                g_autofree char *body = g_strdup_printf ("{\"username\":\"x%s%s\",\"password\":\"longenough\",\"role\":\"agent\",\"org_unit_id\":\"%s\"}",
                                                         unit_codes[home], unit_codes[b], w.unit[b]);
                g_autofree char *reply = NULL;
                guint status;

                reply = kefu_test_request (t, "POST", "users", user_token, body, &status);
                if (status == 403 || status == 404)
                  refusals++;
                else
                  leaks++;
                g_clear_pointer (&reply, g_free);
                reply = kefu_test_request (t, "GET", "users", user_token, NULL, &status);
                if (status != 200 || strstr (reply, "b3.agent") != NULL)
                  leaks++;
              }
          }
      }

  /* Foreign rows are untouched: still version 1, original values. */
  for (int b = 0; b < N_UNITS; b++)
    {
      g_autoptr(JsonObject) customer = NULL;
      g_autoptr(JsonObject) kcase = NULL;
      guint status;

      if (!is_branch[b])
        continue;
      customer = get_row (t, token, "customer", w.customer[b], &status);
      kcase = get_row (t, token, "kcase", w.kcase[b], &status);
      g_assert_cmpint (json_object_get_int_member (customer, "version"), ==, 1);
      g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (customer, "fields"), "name"), ==, unit_codes[b]);
      g_assert_cmpint (json_object_get_int_member (kcase, "version"), ==, 1);
      g_assert_false (json_object_get_boolean_member (kcase, "deleted"));
    }

  g_test_message ("scope matrix: %u refusals, %u allowed reads, %u leaks", refusals, allowed_reads, leaks);
  g_assert_cmpuint (leaks, ==, 0);
  /* Per role: four (user, foreign branch) pairs of 4 reads and 11 writes,
   * and the admins' user-account attempt. */
  g_assert_cmpuint (refusals, ==, 4 * 4 * (4 + 11) + 4);
  g_assert_cmpuint (allowed_reads, ==, 4 * (1 + 2 + 2));

  for (int u = 0; u < N_UNITS; u++)
    {
      g_free (w.unit[u]);
      g_free (w.customer[u]);
      g_free (w.kcase[u]);
      g_free (w.event[u]);
      g_free (w.contact[u]);
    }
  kefu_test_server_free (t);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/server/login/logout-expiry", test_login_logout_expiry);
  g_test_add_func ("/server/login/rate-limit", test_login_rate_limit);
  g_test_add_func ("/server/login/https", test_https);
  g_test_add_func ("/server/http/bad-bodies", test_bad_bodies);
  g_test_add_func ("/server/push/replay-and-gap", test_push_replay_and_gap);
  g_test_add_func ("/server/push/case-conflict", test_case_conflict);
  g_test_add_func ("/server/push/customer-merge", test_customer_merge);
  g_test_add_func ("/server/push/kb-versions", test_kb_versions);
  g_test_add_func ("/server/push/new-branch-same-batch", test_new_branch_same_batch);
  g_test_add_func ("/server/pull/paging", test_pull_paging);
  g_test_add_func ("/server/pull/horizon-gone", test_horizon_gone);
  g_test_add_func ("/server/epoch/change", test_epoch_change);
  g_test_add_func ("/server/snapshot-verify", test_snapshot_verify);
  g_test_add_func ("/server/users", test_users);
  g_test_add_func ("/server/scope-matrix", test_scope_matrix);
  return g_test_run ();
}
