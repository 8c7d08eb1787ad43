/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* A real kefu-server on 127.0.0.1, port 0, running in its own thread and
 * main context, and a SoupSession that talks to it over real HTTP. The
 * store backend comes from KEFU_TEST_STORE ("sqlite" by default, "postgres"
 * for a fresh schema per folder under tests/kefu-test-pg.sh, or
 * "postgres:CONNINFO"); a sqlite store lives in a fresh temporary folder. */

#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <string.h>

#include "kefu-server.h"
#include "kefu-sync-protocol.h"
#include "kefu-test-pg.h"

#define KEFU_TEST_ADMIN "root"
#define KEFU_TEST_PASSWORD "correct horse"

typedef struct
{
  char            *dir;
  char            *store_spec;
  GThread         *thread;
  GMainContext    *context;
  GMainLoop       *loop;
  KefuServer      *server;
  KefuServerConfig config;
  GTlsCertificate *tls;
  guint            port;
  GMutex           mutex;
  GCond            cond;
  gboolean         ready;
  GError          *error;
  SoupSession     *session;
  char            *epoch;
} KefuTestServer;

static inline void
kefu_test_server_rm_rf (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d && (name = g_dir_read_name (d)))
    {
      g_autofree char *p = g_build_filename (dir, name, NULL);

      if (g_file_test (p, G_FILE_TEST_IS_DIR))
        kefu_test_server_rm_rf (p);
      else
        g_unlink (p);
    }
  g_rmdir (dir);
}

static gboolean
kefu_test_accept_certificate_cb (SoupMessage          *msg,
                                 GTlsCertificate      *certificate,
                                 GTlsCertificateFlags  errors,
                                 gpointer              user_data)
{
  return TRUE;   /* the test's own self-signed certificate */
}

static inline KefuStore *
kefu_test_store_open (const char *dir)
{
  const char *backend = g_getenv ("KEFU_TEST_STORE");
  g_autofree char *spec = NULL;
  g_autoptr(GError) error = NULL;
  KefuStore *store;

  if (backend == NULL || *backend == '\0' || g_str_equal (backend, "sqlite"))
    spec = g_strconcat ("sqlite:", dir, NULL);
  else if (g_str_equal (backend, "postgres"))
    spec = kefu_test_pg_spec (dir);
  else
    spec = g_strdup (backend);
  store = kefu_store_open (spec, &error);
  g_assert_no_error (error);
  return store;
}

static gpointer
kefu_test_server_thread (gpointer data)
{
  KefuTestServer *t = data;
  KefuStore *store;

  g_main_context_push_thread_default (t->context);
  store = kefu_test_store_open (t->dir);
  t->server = kefu_server_new (store, &t->config, &t->error);
  if (t->server != NULL && kefu_server_listen (t->server, "127.0.0.1", 0, t->tls, &t->error))
    t->port = kefu_server_get_port (t->server);

  g_mutex_lock (&t->mutex);
  t->ready = TRUE;
  g_cond_signal (&t->cond);
  g_mutex_unlock (&t->mutex);

  if (t->error == NULL)
    g_main_loop_run (t->loop);
  g_clear_pointer (&t->server, kefu_server_free);
  /* Let closed connections finish on this context. */
  while (g_main_context_iteration (t->context, FALSE))
    ;
  g_main_context_pop_thread_default (t->context);
  return NULL;
}

/* Starts (or restarts) the server thread on t->dir. */
static inline void
kefu_test_server_start (KefuTestServer *t)
{
  t->ready = FALSE;
  t->context = g_main_context_new ();
  t->loop = g_main_loop_new (t->context, FALSE);
  t->thread = g_thread_new ("kefu-server", kefu_test_server_thread, t);
  g_mutex_lock (&t->mutex);
  while (!t->ready)
    g_cond_wait (&t->cond, &t->mutex);
  g_mutex_unlock (&t->mutex);
  g_assert_no_error (t->error);
  g_free (t->epoch);
  t->epoch = g_strdup (kefu_server_get_epoch (t->server));
}

static gboolean
kefu_test_server_quit_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

static inline void
kefu_test_server_stop (KefuTestServer *t)
{
  /* Close kept-alive connections first, so the server frees its side. */
  soup_session_abort (t->session);
  g_main_context_invoke (t->context, kefu_test_server_quit_cb, t->loop);
  g_thread_join (t->thread);
  t->thread = NULL;
  g_clear_pointer (&t->loop, g_main_loop_unref);
  g_clear_pointer (&t->context, g_main_context_unref);
}

/* A fresh store initialised with the test admin at headquarters "HQ";
 * over HTTPS with the test certificate (tests/data) when @https. */
static inline KefuTestServer *
kefu_test_server_new_full (gboolean https)
{
  KefuTestServer *t = g_new0 (KefuTestServer, 1);
  g_autoptr(GError) error = NULL;
  KefuStore *store;

  g_setenv ("KEFU_SERVER_PWHASH_FAST", "1", TRUE);
  t->dir = g_dir_make_tmp ("kefu-server-test-XXXXXX", &error);
  g_assert_no_error (error);
  store = kefu_test_store_open (t->dir);
  kefu_server_init_store (store, KEFU_TEST_ADMIN, KEFU_TEST_PASSWORD, "HQ", "总部", &error);
  g_assert_no_error (error);
  kefu_store_close (store);

  kefu_server_config_init (&t->config);
  if (https)
    {
      g_autofree char *cert = g_test_build_filename (G_TEST_DIST, "data", "test-server-cert.pem", NULL);
      g_autofree char *key = g_test_build_filename (G_TEST_DIST, "data", "test-server-key.pem", NULL);

      t->tls = g_tls_certificate_new_from_files (cert, key, &error);
      g_assert_no_error (error);
    }
  g_mutex_init (&t->mutex);
  g_cond_init (&t->cond);
  t->session = soup_session_new_with_options ("timeout", 60, NULL);
  kefu_test_server_start (t);
  return t;
}

static inline KefuTestServer *
kefu_test_server_new (void)
{
  return kefu_test_server_new_full (FALSE);
}

static inline void
kefu_test_server_free (KefuTestServer *t)
{
  kefu_test_server_stop (t);
  g_clear_object (&t->session);
  g_clear_object (&t->tls);
  g_mutex_clear (&t->mutex);
  g_cond_clear (&t->cond);
  kefu_test_server_rm_rf (t->dir);
  g_free (t->dir);
  g_free (t->epoch);
  g_free (t);
}

/* One HTTP request; returns the response body (NUL-terminated) and sets
 * *status. @body may be NULL; @token NULL sends no Authorization. */
static inline char *
kefu_test_request_full (KefuTestServer *t,
                        const char     *method,
                        const char     *path,
                        const char     *token,
                        GBytes         *body,
                        const char     *content_encoding,
                        guint          *status)
{
  g_autofree char *url = g_strdup_printf ("%s://127.0.0.1:%u/api/v1/%s",
                                          t->tls != NULL ? "https" : "http", t->port, path);
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(GError) error = NULL;
  gsize len;
  const char *data;

  g_assert_nonnull (msg);
  if (token != NULL)
    {
      g_autofree char *auth = g_strconcat ("Bearer ", token, NULL);
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
    }
  if (content_encoding != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (msg), "Content-Encoding", content_encoding);
  if (body != NULL)
    soup_message_set_request_body_from_bytes (msg, "application/json", body);
  if (t->tls != NULL)
    g_signal_connect (msg, "accept-certificate", G_CALLBACK (kefu_test_accept_certificate_cb), NULL);
  reply = soup_session_send_and_read (t->session, msg, NULL, &error);
  g_assert_no_error (error);
  *status = soup_message_get_status (msg);
  data = g_bytes_get_data (reply, &len);
  return g_strndup (data != NULL ? data : "", len);
}

static inline char *
kefu_test_request (KefuTestServer *t,
                   const char     *method,
                   const char     *path,
                   const char     *token,
                   const char     *json,
                   guint          *status)
{
  g_autoptr(GBytes) body = json != NULL ? g_bytes_new (json, strlen (json)) : NULL;

  return kefu_test_request_full (t, method, path, token, body, NULL, status);
}

/* Parses a JSON object reply (asserting it is one). */
static inline JsonObject *
kefu_test_json (const char *text)
{
  g_autoptr(GError) error = NULL;
  JsonObject *object = kefu_sync_parse_object (text, strlen (text), &error);

  g_assert_no_error (error);
  return object;
}

/* Signs in and returns the token (asserting success). */
static inline char *
kefu_test_login (KefuTestServer *t,
                 const char     *username,
                 const char     *password)
{
  g_autofree char *body = g_strdup_printf ("{\"username\":\"%s\",\"password\":\"%s\"}", username, password);
  g_autofree char *reply = NULL;
  g_autoptr(JsonObject) object = NULL;
  guint status;

  reply = kefu_test_request (t, "POST", "login", NULL, body, &status);
  if (status != 200)
    g_error ("login %s: %u %s", username, status, reply);
  object = kefu_test_json (reply);
  return g_strdup (json_object_get_string_member (object, "token"));
}
