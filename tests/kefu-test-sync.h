/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* A real kefu-server for sync tests: `kefu-server init` and `serve` as a
 * subprocess on 127.0.0.1 (port 0 the first time), its data in a temporary
 * folder, or with KEFU_TEST_STORE=postgres (under tests/kefu-test-pg.sh) in
 * a fresh schema of the test cluster; the test talks to it as its admin to
 * create branches and users. */

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>

#include "kefu-sync-client.h"
#include "kefu-test-util.h"
#include "kefu-uuid.h"

/* In the child: die with the test, even when an assertion aborts it
 * before it could stop its servers. */
static inline void
kefu_test_die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

typedef struct
{
  char        *dir;
  char        *data;
  char        *store[2];      /* "--data" DIR or "--postgres" CONNINFO */
  GSubprocess *proc;
  guint        port;
  char        *url;
  SoupSession *session;
  char        *admin_token;
  char        *hq_id;
  char        *epoch;
  gint64       admin_seq;
  char        *admin_device;
} KefuTestServer;

static inline JsonObject *
kefu_test_server_call (KefuTestServer *s,
                       const char     *method,
                       const char     *path,
                       const char     *body,
                       guint          *status)
{
  g_autofree char *uri = g_strdup_printf ("%s/api/v1/%s", s->url, path);
  g_autoptr(SoupMessage) msg = soup_message_new (method, uri);
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();

  if (s->admin_token)
    {
      g_autofree char *bearer = g_strconcat ("Bearer ", s->admin_token, NULL);

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", bearer);
    }
  if (body)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));

      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }
  reply = soup_session_send_and_read (s->session, msg, NULL, &error);
  g_assert_no_error (error);
  if (status)
    *status = soup_message_get_status (msg);
  if (g_bytes_get_size (reply) == 0 ||
      !json_parser_load_from_data (parser, g_bytes_get_data (reply, NULL), g_bytes_get_size (reply), NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return NULL;
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

/* Starts `kefu-server serve` on @port (0: any) and waits for its
 * "listening" line. */
static inline void
kefu_test_server_serve (KefuTestServer *s,
                        guint           port)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_PIPE |
                                                                       G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  g_autofree char *exe = g_build_filename (BUILDDIR, "src", "server", "kefu-server", NULL);
  g_autofree char *port_text = g_strdup_printf ("%u", port);
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) in = NULL;
  char *line;

  g_subprocess_launcher_setenv (launcher, "KEFU_SERVER_PWHASH_FAST", "1", TRUE);
  g_subprocess_launcher_set_child_setup (launcher, kefu_test_die_with_parent, NULL, NULL);
  s->proc = g_subprocess_launcher_spawn (launcher, &error, exe, "serve", s->store[0], s->store[1],
                                         "--port", port_text, NULL);
  g_assert_no_error (error);
  in = g_data_input_stream_new (g_subprocess_get_stderr_pipe (s->proc));
  while ((line = g_data_input_stream_read_line_utf8 (in, NULL, NULL, &error)) != NULL)
    {
      const char *at = strstr (line, "http://127.0.0.1:");

      if (at != NULL)
        {
          s->port = (guint) g_ascii_strtoull (at + strlen ("http://127.0.0.1:"), NULL, 10);
          g_free (line);
          break;
        }
      g_free (line);
    }
  g_assert_no_error (error);
  g_assert_cmpuint (s->port, >, 0);
  g_free (s->url);
  s->url = g_strdup_printf ("http://127.0.0.1:%u", s->port);
}

/* kill -9 of the server process. */
static inline void
kefu_test_server_kill (KefuTestServer *s)
{
  if (s->proc == NULL)
    return;
  g_subprocess_send_signal (s->proc, SIGKILL);
  g_subprocess_wait (s->proc, NULL, NULL);
  g_clear_object (&s->proc);
}

/* Stops the server, runs `kefu-server COMMAND [ARG…]` on its store (up to
 * two extra arguments) and starts it again on the same port. */
static inline void
kefu_test_server_run_stopped (KefuTestServer *s,
                              const char     *command,
                              const char     *arg1,
                              const char     *arg2)
{
  g_autofree char *exe = g_build_filename (BUILDDIR, "src", "server", "kefu-server", NULL);
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;

  kefu_test_server_kill (s);
  proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error, exe, command, s->store[0], s->store[1],
                           arg1, arg2, NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_wait_check (proc, NULL, &error));
  g_assert_no_error (error);
  kefu_test_server_serve (s, s->port);
}

/* A new epoch (`kefu-server reset-epoch`, as after a restore). */
static inline void
kefu_test_server_reset_epoch (KefuTestServer *s)
{
  kefu_test_server_run_stopped (s, "reset-epoch", NULL, NULL);
}

/* Every tombstone dropped (`kefu-server purge --tombstone-days 0`): the
 * scopes' horizons rise past them. */
static inline void
kefu_test_server_purge_all (KefuTestServer *s)
{
  kefu_test_server_run_stopped (s, "purge", "--tombstone-days", "0");
}

static inline void
kefu_test_server_admin_login (KefuTestServer *s)
{
  g_autoptr(JsonObject) reply = NULL;
  guint status = 0;

  g_clear_pointer (&s->admin_token, g_free);
  reply = kefu_test_server_call (s, "POST", "login", "{\"username\":\"admin\",\"password\":\"admin-password\"}", &status);
  g_assert_cmpuint (status, ==, 200);
  s->admin_token = g_strdup (json_object_get_string_member (reply, "token"));
  g_free (s->epoch);
  s->epoch = g_strdup (json_object_get_string_member (reply, "epoch"));
  g_free (s->hq_id);
  s->hq_id = g_strdup (json_object_get_string_member (json_object_get_object_member (reply, "user"), "org_unit_id"));
}

static inline KefuTestServer *
kefu_test_server_start (void)
{
  KefuTestServer *s = g_new0 (KefuTestServer, 1);
  g_autofree char *exe = g_build_filename (BUILDDIR, "src", "server", "kefu-server", NULL);
  g_autofree char *pw = NULL;
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  g_autoptr(GSubprocess) init = NULL;
  g_autoptr(GError) error = NULL;

  s->dir = g_dir_make_tmp ("kefu-server-XXXXXX", &error);
  g_assert_no_error (error);
  s->data = g_build_filename (s->dir, "data", NULL);
  pw = g_build_filename (s->dir, "pw", NULL);
  g_assert_true (g_file_set_contents (pw, "admin-password\n", -1, NULL));
  g_subprocess_launcher_setenv (launcher, "KEFU_SERVER_PWHASH_FAST", "1", TRUE);
  s->store[0] = g_strdup ("--data");
  s->store[1] = g_strdup (s->data);
  if (g_strcmp0 (g_getenv ("KEFU_TEST_STORE"), "postgres") == 0)
    {
      /* A schema of its own in the test cluster, made with psql. */
      g_autofree char *digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256, s->dir, -1);
      g_autofree char *schema = g_strdup_printf ("kefu_test_%.24s", digest);
      g_autofree char *create = g_strdup_printf ("CREATE SCHEMA %s", schema);
      g_autofree char *psql = g_build_filename (g_getenv ("KEFU_PG_BINDIR"), "psql", NULL);
      g_autoptr(GSubprocess) made = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error, psql, "-X", "-q",
                                                      g_getenv ("KEFU_TEST_PG"), "-c", create, NULL);

      g_assert_no_error (error);
      g_assert_true (g_subprocess_wait_check (made, NULL, &error));
      g_free (s->store[0]);
      g_free (s->store[1]);
      s->store[0] = g_strdup ("--postgres");
      s->store[1] = g_strdup_printf ("%s options='-c search_path=%s'", g_getenv ("KEFU_TEST_PG"), schema);
    }
  init = g_subprocess_launcher_spawn (launcher, &error, exe, "init", s->store[0], s->store[1], "--admin", "admin",
                                      "--password-file", pw, "--hq-code", "HQ", "--hq-name", "Headquarters", NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_wait_check (init, NULL, &error));
  g_assert_no_error (error);
  s->session = soup_session_new ();
  kefu_test_server_serve (s, 0);
  kefu_test_server_admin_login (s);
  s->admin_device = g_strdup ("01900000-0000-7000-8000-0000000ad111");
  return s;
}

static inline void
kefu_test_server_free (KefuTestServer *s)
{
  kefu_test_server_kill (s);
  g_clear_object (&s->session);
  kefu_test_rm_rf (s->dir);
  g_free (s->dir);
  g_free (s->data);
  g_free (s->store[0]);
  g_free (s->store[1]);
  g_free (s->url);
  g_free (s->admin_token);
  g_free (s->hq_id);
  g_free (s->epoch);
  g_free (s->admin_device);
  g_free (s);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KefuTestServer, kefu_test_server_free)

/* Inserts one row (an org_unit, a staff member…) as the server's admin.
 * Returns: (transfer full) its id */
static inline char *
kefu_test_server_admin_insert (KefuTestServer *s,
                               const char     *entity,
                               const char     *fields)
{
  g_autofree char *id = kefu_uuid7_new ();
  g_autofree char *op_id = kefu_uuid7_new ();
  g_autofree char *body = NULL;
  g_autoptr(JsonObject) reply = NULL;
  guint status = 0;

  body = g_strdup_printf ("{\"device_id\":\"%s\",\"epoch\":\"%s\",\"ops\":[{\"seq\":%" G_GINT64_FORMAT ",\"op_id\":\"%s\","
                          "\"entity\":\"%s\",\"row_id\":\"%s\",\"op\":\"insert\",\"base_version\":0,"
                          "\"hlc\":\"1700000000000:00000:admin\",\"fields\":%s}]}",
                          s->admin_device, s->epoch, ++s->admin_seq, op_id, entity, id, fields);
  reply = kefu_test_server_call (s, "POST", "push", body, &status);
  if (status != 200 && reply)
    g_test_message ("push: %s", json_object_get_string_member_with_default (reply, "message", ""));
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (json_object_get_array_member (reply, "results"), 0), "status"), ==, "applied");
  return g_steal_pointer (&id);
}

/* Creates a branch under headquarters (an org_unit pushed by the admin).
 * Returns: (transfer full) its id */
static inline char *
kefu_test_server_add_branch (KefuTestServer *s,
                             const char     *code,
                             const char     *name)
{
  g_autofree char *fields = g_strdup_printf ("{\"code\":\"%s\",\"name\":\"%s\",\"level\":\"branch\",\"parent_id\":\"%s\"}",
                                             code, name, s->hq_id);

  return kefu_test_server_admin_insert (s, "org_unit", fields);
}

static inline void
kefu_test_server_add_user (KefuTestServer *s,
                           const char     *username,
                           const char     *role,
                           const char     *org_unit_id)
{
  g_autofree char *body = g_strdup_printf ("{\"username\":\"%s\",\"password\":\"password-%s\",\"role\":\"%s\","
                                           "\"org_unit_id\":\"%s\"}", username, username, role, org_unit_id);
  g_autoptr(JsonObject) reply = NULL;
  guint status = 0;

  reply = kefu_test_server_call (s, "POST", "users", body, &status);
  g_assert_cmpuint (status, ==, 201);
}

/* A staff member of @org_unit_id on the server (a staff row pushed by the
 * admin) and a user account linked to it, as a real network has them.
 * Returns: (transfer full) the staff row's id */
static inline char *
kefu_test_server_add_staff_user (KefuTestServer *s,
                                 const char     *username,
                                 const char     *name,
                                 const char     *role,
                                 const char     *org_unit_id)
{
  g_autofree char *fields = g_strdup_printf ("{\"name\":\"%s\",\"username\":\"%s\",\"role\":\"%s\","
                                             "\"org_unit_id\":\"%s\",\"active\":1,\"is_courier\":0,"
                                             "\"auth_limit_cents\":500000}", name, username, role, org_unit_id);
  g_autofree char *staff_id = kefu_test_server_admin_insert (s, "staff", fields);
  g_autofree char *body = g_strdup_printf ("{\"username\":\"%s\",\"password\":\"password-%s\",\"role\":\"%s\","
                                           "\"org_unit_id\":\"%s\",\"staff_id\":\"%s\"}",
                                           username, username, role, org_unit_id, staff_id);
  g_autoptr(JsonObject) reply = NULL;
  guint status = 0;

  reply = kefu_test_server_call (s, "POST", "users", body, &status);
  g_assert_cmpuint (status, ==, 201);
  return g_steal_pointer (&staff_id);
}

/* One sync round of @client that must succeed. */
static inline void
kefu_test_sync_ok (KefuSyncClient *client)
{
  g_autoptr(GError) error = NULL;

  kefu_sync_client_sync_sync (client, &error);
  g_assert_no_error (error);
}

/* Every scope @client reads verifies: the same count and checksum as the
 * server's. */
static inline void
kefu_test_sync_assert_verified (KefuSyncClient *client)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) checks = kefu_sync_client_verify_sync (client, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (checks->len, >, 0);
  for (guint k = 0; k < checks->len; k++)
    {
      KefuSyncScopeCheck *c = checks->pdata[k];

      g_test_message ("scope %s: server %" G_GINT64_FORMAT " %s, local %" G_GINT64_FORMAT " %s",
                      c->scope, c->server_count, c->server_checksum, c->local_count, c->local_checksum);
      g_assert_cmpint (c->local_count, ==, c->server_count);
      g_assert_cmpstr (c->local_checksum, ==, c->server_checksum);
    }
}
