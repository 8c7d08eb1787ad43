/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

/* Fault injection (issue 6, "Proof"): three office computers as real
 * processes (kefu-sync-worker) edit the same cases and customers of one
 * branch offline and sync through a proxy that, round by round, drops
 * requests before they reach the server, drops answers after the server
 * committed, sends batches twice, keeps batches and replays them later out
 * of order, and kills (SIGKILL) the server or the client in the middle of
 * a request; each computer's clock is skewed by up to ±3 days. At the end
 * every replica's verify checksum must equal the server's, with no change
 * lost or doubled and every conflict recorded. */

#include <signal.h>

#include "kefu-sync-client.h"
#include "kefu-sync-local.h"
#include "kefu-uuid.h"
#include "kefu-test-sync.h"

#define N_CLIENTS 3
#define DEFAULT_ROUNDS 1000

typedef enum
{
  FAULT_NONE,
  FAULT_DROP_REQUEST,       /* never reaches the server */
  FAULT_DROP_RESPONSE,      /* the server committed; the answer is lost */
  FAULT_REPLAY,             /* the server gets the request twice */
  FAULT_STASH,              /* delivered, and kept for a later replay */
  FAULT_STALE_REPLAY,       /* an old batch arrives again, out of order */
  FAULT_KILL_CLIENT_BEFORE, /* kill -9 of the client while its request waits */
  FAULT_KILL_CLIENT_AFTER,  /* … after the server committed it */
  FAULT_KILL_SERVER,        /* kill -9 of the server while it works */
  N_FAULTS
} Fault;

static const char *fault_names[] = {
  "none", "dropped request", "dropped response", "replayed request", "kept for replay",
  "stale replay, reordered", "client kill -9 before commit", "client kill -9 after commit",
  "server kill -9",
};

typedef struct
{
  char             *dir;
  char             *db_path;
  char             *user;
  gint64            skew_ms;
  GSubprocess      *proc;
  GOutputStream    *in;
  GDataInputStream *out;
} Worker;

typedef struct
{
  KefuTestServer *server;
  SoupServer     *proxy;
  char           *proxy_url;
  SoupSession    *session;
  GRand          *rand;
  Fault           fault;
  gboolean        fault_used;
  Worker         *active;
  GPtrArray      *stash;          /* Stashed (GBytes body + headers) */
  guint           counts[N_FAULTS];
  guint           requests;
  Worker          workers[N_CLIENTS];
} Faults;

typedef struct
{
  char   *path;
  char   *auth;
  char   *encoding;
  GBytes *body;
} Stashed;

static void
stashed_free (Stashed *s)
{
  g_free (s->path);
  g_free (s->auth);
  g_free (s->encoding);
  g_bytes_unref (s->body);
  g_free (s);
}

/* --- the server's stderr is drained so that it never blocks ---------- */

static void drain (GInputStream *stream);

static void
drained_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GBytes) bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (object), result, NULL);

  if (bytes != NULL && g_bytes_get_size (bytes) > 0)
    drain (G_INPUT_STREAM (object));
}

static void
drain (GInputStream *stream)
{
  g_input_stream_read_bytes_async (stream, 65536, G_PRIORITY_LOW, NULL, drained_cb, NULL);
}

static void
server_up (Faults *f)
{
  if (f->server->proc != NULL)
    return;
  kefu_test_server_serve (f->server, f->server->port);
  drain (g_subprocess_get_stderr_pipe (f->server->proc));
}

static void
kill_worker (Worker *w)
{
  if (w->proc == NULL)
    return;
  g_subprocess_send_signal (w->proc, SIGKILL);
  g_subprocess_wait (w->proc, NULL, NULL);
  g_clear_object (&w->proc);
  g_clear_object (&w->in);
  g_clear_object (&w->out);
}

/* --- the proxy ------------------------------------------------------- */

typedef struct
{
  Faults            *f;
  SoupServerMessage *msg;
  SoupMessage       *out;
  Fault              fault;
  gboolean           second;
} Forward;

static void
respond_error (SoupServerMessage *msg)
{
  soup_server_message_set_status (msg, 502, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC,
                                    "{\"error\":\"proxy\",\"message\":\"injected fault\"}", 45);
}

static SoupMessage *
forward_message (Faults            *f,
                 const char        *method,
                 const char        *path,
                 const char        *auth,
                 const char        *encoding,
                 GBytes            *body)
{
  g_autofree char *uri = g_strconcat (f->server->url, path, NULL);
  SoupMessage *out = soup_message_new (method, uri);

  if (auth)
    soup_message_headers_replace (soup_message_get_request_headers (out), "Authorization", auth);
  if (encoding)
    soup_message_headers_replace (soup_message_get_request_headers (out), "Content-Encoding", encoding);
  if (body && g_bytes_get_size (body) > 0)
    soup_message_set_request_body_from_bytes (out, "application/json", body);
  return out;
}

static gboolean
kill_server_cb (gpointer data)
{
  Faults *f = data;

  kefu_test_server_kill (f->server);
  return G_SOURCE_REMOVE;
}

static void forwarded_cb (GObject *object, GAsyncResult *result, gpointer user_data);

static void
forwarded_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Forward *fw = user_data;
  g_autoptr(GBytes) bytes = soup_session_send_and_read_finish (SOUP_SESSION (object), result, NULL);

  if (bytes != NULL && fw->fault == FAULT_REPLAY && !fw->second)
    {
      /* The same request once more; the client gets the second answer. */
      SoupMessage *again = forward_message (fw->f, soup_message_get_method (fw->out),
                                            g_uri_get_path (soup_message_get_uri (fw->out)),
                                            soup_message_headers_get_one (soup_message_get_request_headers (fw->out), "Authorization"),
                                            soup_message_headers_get_one (soup_message_get_request_headers (fw->out), "Content-Encoding"),
                                            g_object_get_data (G_OBJECT (fw->out), "body"));

      g_object_set_data_full (G_OBJECT (again), "body",
                              g_bytes_ref (g_object_get_data (G_OBJECT (fw->out), "body")),
                              (GDestroyNotify) g_bytes_unref);
      g_object_unref (fw->out);
      fw->out = again;
      fw->second = TRUE;
      soup_session_send_and_read_async (fw->f->session, again, G_PRIORITY_DEFAULT, NULL, forwarded_cb, fw);
      return;
    }

  if (bytes == NULL || fw->fault == FAULT_DROP_RESPONSE)
    respond_error (fw->msg);
  else if (fw->fault == FAULT_KILL_CLIENT_AFTER)
    {
      kill_worker (fw->f->active);
      respond_error (fw->msg);
    }
  else
    {
      const char *type = soup_message_headers_get_content_type (soup_message_get_response_headers (fw->out), NULL);

      soup_server_message_set_status (fw->msg, soup_message_get_status (fw->out), NULL);
      soup_server_message_set_response (fw->msg, type ? type : "application/json", SOUP_MEMORY_COPY,
                                        g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
    }
  soup_server_message_unpause (fw->msg);
  g_object_unref (fw->msg);
  g_object_unref (fw->out);
  g_free (fw);
}

static void
proxy_cb (SoupServer        *server,
          SoupServerMessage *msg,
          const char        *path,
          GHashTable        *query,
          gpointer           user_data)
{
  Faults *f = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  g_autoptr(GBytes) body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  gboolean is_push = g_str_has_suffix (path, "/push");
  Fault fault = FAULT_NONE;
  Forward *fw;

  f->requests++;
  /* The round's fault hits one request: a push for the faults about
   * batches, any request (half the time) for the others. */
  if (!f->fault_used && f->fault != FAULT_NONE && f->fault != FAULT_STALE_REPLAY &&
      ((f->fault == FAULT_REPLAY || f->fault == FAULT_STASH) ? is_push : g_rand_boolean (f->rand)))
    {
      fault = f->fault;
      f->fault_used = TRUE;
      f->counts[fault]++;
    }

  if (fault == FAULT_DROP_REQUEST)
    {
      respond_error (msg);
      return;
    }
  if (fault == FAULT_KILL_CLIENT_BEFORE)
    {
      kill_worker (f->active);
      respond_error (msg);
      return;
    }
  if (fault == FAULT_STASH)
    {
      Stashed *s = g_new0 (Stashed, 1);

      s->path = g_strdup (path);
      s->auth = g_strdup (soup_message_headers_get_one (headers, "Authorization"));
      s->encoding = g_strdup (soup_message_headers_get_one (headers, "Content-Encoding"));
      s->body = g_bytes_ref (body);
      g_ptr_array_add (f->stash, s);
    }

  fw = g_new0 (Forward, 1);
  fw->f = f;
  fw->msg = g_object_ref (msg);
  fw->fault = fault;
  fw->out = forward_message (f, soup_server_message_get_method (msg), path,
                             soup_message_headers_get_one (headers, "Authorization"),
                             soup_message_headers_get_one (headers, "Content-Encoding"), body);
  g_object_set_data_full (G_OBJECT (fw->out), "body", g_bytes_ref (body), (GDestroyNotify) g_bytes_unref);
  soup_server_message_pause (msg);
  soup_session_send_and_read_async (f->session, fw->out, G_PRIORITY_DEFAULT, NULL, forwarded_cb, fw);
  if (fault == FAULT_KILL_SERVER)
    g_timeout_add ((guint) g_rand_int_range (f->rand, 0, 4), kill_server_cb, f);
}

/* An old batch, sent again straight to the server, answered from what
 * it stored: it must change nothing. */
static void
stale_replay (Faults *f)
{
  Stashed *s;
  g_autoptr(SoupMessage) out = NULL;
  g_autoptr(GBytes) reply = NULL;

  if (f->stash->len == 0)
    return;
  s = f->stash->pdata[g_rand_int_range (f->rand, 0, (gint32) f->stash->len)];
  out = forward_message (f, "POST", s->path, s->auth, s->encoding, s->body);
  reply = soup_session_send_and_read (f->session, out, NULL, NULL);
  f->counts[FAULT_STALE_REPLAY]++;
  g_assert_true (reply == NULL || soup_message_get_status (out) == 200 || soup_message_get_status (out) == 401 ||
                 soup_message_get_status (out) == 403 || soup_message_get_status (out) == 410);
}

/* --- workers --------------------------------------------------------- */

typedef struct
{
  gboolean  done;
  char     *line;
} LineRead;

static void
line_read_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  LineRead *r = user_data;

  r->line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (object), result, NULL, NULL);
  r->done = TRUE;
}

/* The worker's next answer (NULL when it died), with the proxy running
 * meanwhile. */
static char *
read_answer (Worker *w)
{
  LineRead r = { 0 };

  if (w->out == NULL)
    return NULL;
  g_data_input_stream_read_line_async (w->out, G_PRIORITY_DEFAULT, NULL, line_read_cb, &r);
  while (!r.done)
    g_main_context_iteration (NULL, TRUE);
  return r.line;
}

static gboolean
send_command (Worker     *w,
              const char *command)
{
  g_autofree char *line = g_strconcat (command, "\n", NULL);

  if (w->in == NULL)
    return FALSE;
  return g_output_stream_write_all (w->in, line, strlen (line), NULL, NULL, NULL);
}

static void
worker_start (Faults *f,
              Worker *w)
{
  g_autofree char *exe = g_build_filename (BUILDDIR, "tests", "kefu-sync-worker", NULL);
  g_autofree char *password = g_strdup_printf ("password-%s", w->user);
  g_autofree char *skew = g_strdup_printf ("%" G_GINT64_FORMAT, w->skew_ms);
  g_autoptr(GError) error = NULL;
  g_autofree char *first = NULL;
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                                                       G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                                       G_SUBPROCESS_FLAGS_STDERR_SILENCE);

  f->active = w;
  g_subprocess_launcher_set_child_setup (launcher, kefu_test_die_with_parent, NULL, NULL);
  w->proc = g_subprocess_launcher_spawn (launcher, &error, exe, w->db_path, f->proxy_url, w->user,
                                         password, skew, NULL);
  g_assert_no_error (error);
  w->in = g_object_ref (g_subprocess_get_stdin_pipe (w->proc));
  w->out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (w->proc));
  first = read_answer (w);   /* "ready", "signin-err …", or NULL if killed */
  if (g_getenv ("KEFU_FAULT_DEBUG"))
    g_printerr ("start %s: %s\n", w->user, first);
  if (first != NULL && g_str_has_prefix (first, "err "))
    g_error ("The worker could not start: %s", first);
  if (first == NULL)
    kill_worker (w);
}

/* Sends @command and waits for its answer; FALSE when the worker died. */
static gboolean
worker_do (Faults     *f,
           Worker     *w,
           const char *command,
           gboolean   *ok)
{
  g_autofree char *answer = NULL;

  f->active = w;
  if (!send_command (w, command))
    {
      kill_worker (w);
      return FALSE;
    }
  answer = read_answer (w);
  if (g_getenv ("KEFU_FAULT_DEBUG"))
    g_printerr ("%s %s: %s (fault %s)\n", w->user, command, answer, fault_names[f->fault]);
  if (answer == NULL)
    {
      kill_worker (w);
      return FALSE;
    }
  if (ok)
    *ok = g_str_equal (answer, "ok");
  return TRUE;
}

/* --- checks ---------------------------------------------------------- */

static void
count_unique (KefuDb     *db,
              const char *sql,
              guint      *doubled)
{
  /* @sql yields (key, count) of rows sharing a key that must be unique. */
  sqlite3_stmt *stmt = kefu_db_prepare (db, sql, NULL);

  while (sqlite3_step (stmt) == SQLITE_ROW)
    if (sqlite3_column_int (stmt, 1) > 1)
      *doubled += (guint) sqlite3_column_int (stmt, 1) - 1;
  sqlite3_reset (stmt);
}

static GHashTable *
created_here (KefuDb *db)
{
  GHashTable *ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  sqlite3_stmt *stmt = kefu_db_prepare (db,
                                        "SELECT entity || ' ' || row_id FROM audit_log WHERE op = 'insert'"
                                        " AND entity IN ('customer', 'customer_contact', 'kcase', 'case_event')",
                                        NULL);

  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_hash_table_add (ids, kefu_stmt_dup (stmt, 0));
  sqlite3_reset (stmt);
  return ids;
}

static gboolean
row_present (KefuDb     *db,
             const char *key)
{
  g_auto(GStrv) parts = g_strsplit (key, " ", 2);
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM %s WHERE id = ?", parts[0]);
  sqlite3_stmt *stmt = kefu_db_prepare (db, sql, NULL);
  int n = 0;

  sqlite3_bind_text (stmt, 1, parts[1], -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int (stmt, 0);
  sqlite3_reset (stmt);
  return n == 1;
}

static void
test_faults (void)
{
  Faults f = { 0 };
  g_autofree char *branch = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) expected = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  const char *rounds_env = g_getenv ("KEFU_FAULT_ROUNDS");
  guint rounds = rounds_env ? (guint) g_ascii_strtoull (rounds_env, NULL, 10) : DEFAULT_ROUNDS;
  guint32 seed = g_test_rand_int ();
  guint syncs_ok = 0, syncs_failed = 0, kills = 0, offline_rounds = 0;
  guint lost = 0, doubled = 0, conflicts_answered = 0, conflicts_recorded = 0, unrecorded = 0;
  guint mismatches = 0, scopes_checked = 0;
  gint64 started = g_get_monotonic_time ();

  g_test_message ("seed %u, %u rounds", seed, rounds);
  f.rand = g_rand_new_with_seed (seed);
  f.stash = g_ptr_array_new_with_free_func ((GDestroyNotify) stashed_free);
  f.session = soup_session_new_with_options ("timeout", 30, NULL);
  f.server = kefu_test_server_start ();
  drain (g_subprocess_get_stderr_pipe (f.server->proc));
  branch = kefu_test_server_add_branch (f.server, "F1", "故障测试营业部");

  f.proxy = soup_server_new (NULL, NULL);
  soup_server_add_handler (f.proxy, NULL, proxy_cb, &f, NULL);
  g_assert_true (soup_server_listen_local (f.proxy, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  g_assert_no_error (error);
  {
    GSList *uris = soup_server_get_uris (f.proxy);

    f.proxy_url = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));
    g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  }

  for (guint i = 0; i < N_CLIENTS; i++)
    {
      Worker *w = &f.workers[i];

      w->user = g_strdup_printf ("f1-user%u", i);
      kefu_test_server_add_user (f.server, w->user, i == 0 ? "supervisor" : "agent", branch);
      w->dir = g_dir_make_tmp ("kefu-fault-XXXXXX", NULL);
      w->db_path = g_build_filename (w->dir, "kefu.db", NULL);
      /* ±3 days */
      w->skew_ms = (gint64) g_rand_int_range (f.rand, -3 * 24 * 3600, 3 * 24 * 3600 + 1) * 1000;
    }

  for (guint round = 0; round < rounds; round++)
    {
      Worker *w = &f.workers[g_rand_int_range (f.rand, 0, N_CLIENTS)];
      g_autofree char *edit = g_strdup_printf ("edit %u", g_rand_int (f.rand));
      gboolean ok = FALSE;
      int dice = g_rand_int_range (f.rand, 0, 100);

      server_up (&f);
      f.fault = dice < 45 ? FAULT_NONE
              : dice < 53 ? FAULT_DROP_REQUEST
              : dice < 61 ? FAULT_DROP_RESPONSE
              : dice < 69 ? FAULT_REPLAY
              : dice < 75 ? FAULT_STASH
              : dice < 81 ? FAULT_STALE_REPLAY
              : dice < 87 ? FAULT_KILL_CLIENT_BEFORE
              : dice < 93 ? FAULT_KILL_CLIENT_AFTER
              : FAULT_KILL_SERVER;
      f.fault_used = FALSE;
      if (f.fault == FAULT_STALE_REPLAY)
        stale_replay (&f);

      if (w->proc == NULL)
        worker_start (&f, w);
      /* A third of the rounds are offline: edits pile up unsent. */
      if (g_rand_int_range (f.rand, 0, 3) == 0 && f.fault != FAULT_STALE_REPLAY)
        {
          offline_rounds++;
          if (w->proc == NULL || !worker_do (&f, w, edit, NULL))
            kills++;
          continue;
        }
      if (w->proc == NULL || !worker_do (&f, w, edit, NULL) || !worker_do (&f, w, "sync", &ok))
        kills++;
      else if (ok)
        syncs_ok++;
      else
        syncs_failed++;
    }

  /* The network heals: everyone syncs until nothing waits. */
  f.fault = FAULT_NONE;
  server_up (&f);
  for (guint pass = 0; pass < 3; pass++)
    for (guint i = 0; i < N_CLIENTS; i++)
      {
        Worker *w = &f.workers[i];
        gboolean ok = FALSE;

        if (w->proc == NULL)
          worker_start (&f, w);
        for (guint attempt = 0; attempt < 5 && !ok; attempt++)
          g_assert_true (worker_do (&f, w, "sync", &ok));
        g_assert_true (ok);
      }
  for (guint i = 0; i < N_CLIENTS; i++)
    {
      worker_do (&f, &f.workers[i], "quit", NULL);
      kill_worker (&f.workers[i]);
    }

  /* What each computer made, from its own audit log. */
  for (guint i = 0; i < N_CLIENTS; i++)
    {
      g_autoptr(KefuDb) db = kefu_db_open (f.workers[i].db_path, &error);
      g_autoptr(GHashTable) mine = NULL;
      GHashTableIter iter;
      gpointer key;

      g_assert_no_error (error);
      mine = created_here (db);
      g_hash_table_iter_init (&iter, mine);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        g_hash_table_add (expected, g_strdup (key));
    }

  for (guint i = 0; i < N_CLIENTS; i++)
    {
      Worker *w = &f.workers[i];
      g_autoptr(KefuDb) db = kefu_db_open (w->db_path, &error);
      g_autoptr(KefuSyncClient) client = kefu_sync_client_new (w->db_path);
      g_autofree char *password = g_strdup_printf ("password-%s", w->user);
      g_autoptr(GPtrArray) checks = NULL;
      GHashTableIter iter;
      gpointer key;
      sqlite3_stmt *stmt;

      g_assert_no_error (error);
      g_assert_cmpint (kefu_sync_local_pending_count (db), ==, 0);
      g_assert_true (kefu_sync_client_sign_in_sync (client, f.server->url, w->user, password, &error));
      g_assert_no_error (error);
      checks = kefu_sync_client_verify_sync (client, &error);
      g_assert_no_error (error);
      for (guint k = 0; k < checks->len; k++)
        {
          KefuSyncScopeCheck *c = checks->pdata[k];

          g_test_message ("replica %u, scope %s: %" G_GINT64_FORMAT " rows, checksum %s; server %" G_GINT64_FORMAT " rows, %s",
                          i, c->scope, c->local_count, c->local_checksum, c->server_count, c->server_checksum);
          scopes_checked++;
          if (c->local_count != c->server_count || g_strcmp0 (c->local_checksum, c->server_checksum) != 0)
            mismatches++;
        }

      g_hash_table_iter_init (&iter, expected);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        if (!row_present (db, key))
          {
            lost++;
            if (g_getenv ("KEFU_FAULT_DEBUG_LOST"))
              g_printerr ("lost on %u: %s\n", i, (const char *) key);
          }
      count_unique (db, "SELECT body, count(*) FROM case_event WHERE kind = 'note' GROUP BY body", &doubled);
      count_unique (db, "SELECT subject, count(*) FROM kcase GROUP BY subject", &doubled);
      count_unique (db, "SELECT name, count(*) FROM customer GROUP BY name", &doubled);
      count_unique (db, "SELECT number, count(*) FROM kcase GROUP BY number", &doubled);

      /* Every push answered "conflict" left a conflict record that this
       * replica holds. */
      stmt = kefu_db_prepare (db, "SELECT count(*), sum (EXISTS (SELECT 1 FROM conflict c WHERE c.op_id = o.op_id))"
                                  " FROM outbox o WHERE o.result = 'conflict'", NULL);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
      conflicts_answered += (guint) sqlite3_column_int (stmt, 0);
      unrecorded += (guint) (sqlite3_column_int (stmt, 0) - sqlite3_column_int (stmt, 1));
      sqlite3_reset (stmt);
      conflicts_recorded = (guint) kefu_test_count (db, "SELECT count(*) FROM conflict");
    }

  g_test_message ("%u rounds among %u clients in %.1f s: %u offline, %u syncs completed, %u failed by injected"
                  " faults, %u client processes killed, %u requests through the proxy",
                  rounds, N_CLIENTS, (g_get_monotonic_time () - started) / 1e6, offline_rounds, syncs_ok,
                  syncs_failed, kills, f.requests);
  for (guint k = 1; k < N_FAULTS; k++)
    g_test_message ("  %-32s %u", fault_names[k], f.counts[k]);
  g_test_message ("rows made: %u; lost: %u; doubled: %u; conflicts answered: %u, recorded: %u (unrecorded: %u)",
                  g_hash_table_size (expected), lost, doubled, conflicts_answered, conflicts_recorded, unrecorded);
  g_print ("# fault injection: %u rounds, %u clients, %u rows made; verify: %u of %u replica scopes differ"
           " from the server; %u lost, %u doubled; %u conflicts recorded, %u unrecorded\n",
           rounds, N_CLIENTS, g_hash_table_size (expected), mismatches, scopes_checked, lost, doubled,
           conflicts_recorded, unrecorded);
  g_assert_cmpuint (mismatches, ==, 0);
  g_assert_cmpuint (lost, ==, 0);
  g_assert_cmpuint (doubled, ==, 0);
  g_assert_cmpuint (unrecorded, ==, 0);
  g_assert_cmpuint (g_hash_table_size (expected), >, 0);

  for (guint i = 0; i < N_CLIENTS; i++)
    {
      kefu_test_rm_rf (f.workers[i].dir);
      g_free (f.workers[i].dir);
      g_free (f.workers[i].db_path);
      g_free (f.workers[i].user);
    }
  soup_server_disconnect (f.proxy);
  g_clear_object (&f.proxy);
  g_clear_object (&f.session);
  g_ptr_array_unref (f.stash);
  g_rand_free (f.rand);
  g_free (f.proxy_url);
  kefu_test_server_free (f.server);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sync/faults/randomized-rounds", test_faults);

  return g_test_run ();
}
