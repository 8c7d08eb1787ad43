/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench-sync: sync throughput over loopback against a real kefu-server
 * process with the embedded store, beside a raw SQLite yardstick measured
 * in the same run (DESIGN.md budgets: push >= 20,000 and pull >= 50,000
 * changes/s). Not a test: run it by hand, see docs/benchmarks.md. */
#define G_LOG_DOMAIN "bench-sync"

#include "config.h"

#include <glib/gstdio.h>
#include <libpq-fe.h>
#include <libsoup/soup.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "kefu-server.h"
#include "kefu-sync-protocol.h"

#define BUDGET_PUSH_S 20000.0
#define BUDGET_PULL_S 50000.0

static int opt_changes = 100000;
static int opt_batch = KEFU_SYNC_MAX_OPS;
static int opt_page = KEFU_SYNC_MAX_PAGE;
static char *opt_server = NULL;
static char *opt_postgres = NULL;

static GOptionEntry entries[] = {
  { "changes", 'n', 0, G_OPTION_ARG_INT, &opt_changes, "Changes to push and pull (default 100000)", "N" },
  { "batch", 0, 0, G_OPTION_ARG_INT, &opt_batch, "Ops per push (default 500)", "N" },
  { "page", 0, 0, G_OPTION_ARG_INT, &opt_page, "Rows per pull page (default 5000)", "N" },
  { "server", 0, 0, G_OPTION_ARG_FILENAME, &opt_server, "The kefu-server executable", "PATH" },
  { "postgres", 0, 0, G_OPTION_ARG_STRING, &opt_postgres, "Run the server on this PostgreSQL database (libpq conninfo); the yardstick is then raw libpq", "CONNINFO" },
  { NULL }
};

static double
now_s (void)
{
  return g_get_monotonic_time () / 1e6;
}

/* The fields of one customer, like the app's outbox entry of an insert. */
static char *
customer_fields (const char *branch,
                 int         i)
{
  return g_strdup_printf ("{\"number\":\"C%08d\",\"kind\":\"person\",\"name\":\"客户%d\",\"branch_id\":\"%s\","
                          "\"segment\":\"regular\",\"preferences\":\"\",\"tags\":\"\",\"monthly_volume\":%d,"
                          "\"monthly_spend_cents\":%d,\"complaints_12m\":0,\"created_at\":1764740000000,"
                          "\"industry\":\"电商\",\"company\":null}",
                          i, i, branch, i % 500, i * 7 % 100000);
}

/* Raw SQLite: the same rows, as JSON text, into one table in one
 * transaction; the machine's limit for storing them. */
static double
raw_sqlite_rows_per_s (const char *dir,
                       const char *branch,
                       GPtrArray  *ids)
{
  g_autofree char *path = g_build_filename (dir, "raw.db", NULL);
  sqlite3 *db;
  sqlite3_stmt *stmt;
  double t0, t1;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  sqlite3_exec (db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
                    "CREATE TABLE row (key INTEGER PRIMARY KEY, entity TEXT, row_id TEXT, data TEXT,"
                    " UNIQUE (entity, row_id))", NULL, NULL, NULL);
  sqlite3_prepare_v2 (db, "INSERT INTO row (entity, row_id, data) VALUES ('customer', ?, ?)", -1, &stmt, NULL);
  t0 = now_s ();
  sqlite3_exec (db, "BEGIN", NULL, NULL, NULL);
  for (guint i = 0; i < ids->len; i++)
    {
      g_autofree char *fields = customer_fields (branch, (int) i);

      sqlite3_bind_text (stmt, 1, g_ptr_array_index (ids, i), -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, fields, -1, SQLITE_STATIC);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
      sqlite3_reset (stmt);
    }
  sqlite3_exec (db, "COMMIT", NULL, NULL, NULL);
  t1 = now_s ();
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return ids->len / (t1 - t0);
}

static GBytes *
post (SoupSession *session,
      const char  *url,
      const char  *token,
      const char  *body,
      guint       *status)
{
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
  g_autoptr(GBytes) request = g_bytes_new (body, strlen (body));
  g_autoptr(GError) error = NULL;
  GBytes *reply;

  if (token != NULL)
    {
      g_autofree char *auth = g_strconcat ("Bearer ", token, NULL);
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
    }
  soup_message_set_request_body_from_bytes (msg, "application/json", request);
  {
    double t0 = now_s ();
    reply = soup_session_send_and_read (session, msg, NULL, &error);
    if (g_getenv ("BENCH_VERBOSE") != NULL)
      g_printerr ("%s %.1f ms %zu bytes\n", url, (now_s () - t0) * 1000, g_bytes_get_size (reply));
  }
  g_assert_no_error (error);
  *status = soup_message_get_status (msg);
  return reply;
}

/* The process's CPU time (user + system), in seconds. */
/* Raw libpq: the same rows into one table of the server's database, in
 * one transaction, with a prepared statement. */
static void
pg_ok (PGconn   *conn,
       PGresult *result)
{
  if (PQresultStatus (result) != PGRES_COMMAND_OK && PQresultStatus (result) != PGRES_TUPLES_OK)
    g_error ("raw libpq: %s", PQerrorMessage (conn));
  PQclear (result);
}

static double
raw_pg_rows_per_s (const char *conninfo,
                   const char *branch,
                   GPtrArray  *ids)
{
  PGconn *conn = PQconnectdb (conninfo);
  double t0, t1;

  if (PQstatus (conn) != CONNECTION_OK)
    g_error ("raw libpq: %s", PQerrorMessage (conn));
  pg_ok (conn, PQexec (conn, "CREATE TABLE bench_raw_row (key bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
                             " entity text, row_id text, data text, UNIQUE (entity, row_id))"));
  pg_ok (conn, PQprepare (conn, "ins", "INSERT INTO bench_raw_row (entity, row_id, data) VALUES ('customer', $1, $2)",
                          2, NULL));
  t0 = now_s ();
  pg_ok (conn, PQexec (conn, "BEGIN"));
  for (guint i = 0; i < ids->len; i++)
    {
      g_autofree char *fields = customer_fields (branch, (int) i);
      const char *params[] = { g_ptr_array_index (ids, i), fields };

      pg_ok (conn, PQexecPrepared (conn, "ins", 2, params, NULL, NULL, 0));
    }
  pg_ok (conn, PQexec (conn, "COMMIT"));
  t1 = now_s ();
  pg_ok (conn, PQexec (conn, "DROP TABLE bench_raw_row"));
  PQfinish (conn);
  return ids->len / (t1 - t0);
}

static double
cpu_s (GPid pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", (int) pid);
  g_autofree char *text = NULL;
  g_auto(GStrv) fields = NULL;
  const char *after_comm;

  if (!g_file_get_contents (path, &text, NULL, NULL) || (after_comm = strrchr (text, ')')) == NULL)
    return 0;
  fields = g_strsplit (after_comm + 2, " ", -1);
  /* utime and stime are fields 14 and 15 of stat, 12 and 13 after comm. */
  return (g_ascii_strtod (fields[11], NULL) + g_ascii_strtod (fields[12], NULL)) / sysconf (_SC_CLK_TCK);
}

static long
rss_kb (GPid pid,
        const char *field)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/status", (int) pid);
  g_autofree char *text = NULL;
  const char *line;

  if (!g_file_get_contents (path, &text, NULL, NULL) || (line = strstr (text, field)) == NULL)
    return -1;
  return strtol (line + strlen (field) + 1, NULL, 10);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = g_option_context_new ("- sync throughput over loopback");
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *server_path = NULL;
  g_autofree char *base = NULL;
  g_autofree char *token = NULL;
  g_autofree char *epoch = NULL;
  g_autofree char *branch = NULL;
  g_autofree char *device = NULL;
  g_autofree char *cursors = g_strdup ("{}");
  g_autoptr(GSubprocess) init = NULL;
  g_autoptr(GSubprocess) server = NULL;
  g_autoptr(GDataInputStream) server_err = NULL;
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 600, NULL);
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *password_file = NULL;
  double raw_rate, push_rate, pull_rate, snapshot_rate, t0, t1;
  double push_cpu, pull_cpu, snapshot_cpu, pull_wire = 0, decode = 0, c0;
  long rss_idle, rss_after, hwm;
  guint status, port = 0;
  gint64 pulled = 0, snapshotted = 0;
  GPid pid;
  const char *store_flag, *store_value;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  server_path = opt_server != NULL ? g_strdup (opt_server)
                                   : g_build_filename (BUILDDIR, "src", "server", "kefu-server", NULL);
  dir = g_dir_make_tmp ("kefu-bench-sync-XXXXXX", &error);
  g_assert_no_error (error);

  /* A real server process: init, then serve on a free port. */
  store_flag = opt_postgres != NULL ? "--postgres" : "--data";
  store_value = opt_postgres != NULL ? opt_postgres : dir;
  password_file = g_build_filename (dir, "pw", NULL);
  g_file_set_contents (password_file, "bench-password\n", -1, NULL);
  init = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error, server_path, "init",
                           store_flag, store_value, "--admin", "bench", "--password-file", password_file, NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_wait_check (init, NULL, &error));
  server = g_subprocess_new (G_SUBPROCESS_FLAGS_STDERR_PIPE, &error, server_path, "serve",
                             store_flag, store_value, "--port", "0", NULL);
  g_assert_no_error (error);
  server_err = g_data_input_stream_new (g_subprocess_get_stderr_pipe (server));
  while (port == 0)
    {
      g_autofree char *line = g_data_input_stream_read_line_utf8 (server_err, NULL, NULL, &error);
      const char *at;

      g_assert_nonnull (line);
      if ((at = strstr (line, "127.0.0.1:")) != NULL)
        port = (guint) strtoul (at + strlen ("127.0.0.1:"), NULL, 10);
    }
  pid = (GPid) g_ascii_strtoll (g_subprocess_get_identifier (server), NULL, 10);
  base = g_strdup_printf ("http://127.0.0.1:%u/api/v1/", port);

  {
    g_autofree char *url = g_strconcat (base, "login", NULL);
    g_autoptr(GBytes) reply = post (session, url, NULL, "{\"username\":\"bench\",\"password\":\"bench-password\"}", &status);
    g_autoptr(JsonObject) object = kefu_sync_parse_object (g_bytes_get_data (reply, NULL), g_bytes_get_size (reply), &error);

    g_assert_cmpuint (status, ==, 200);
    token = g_strdup (json_object_get_string_member (object, "token"));
    epoch = g_strdup (json_object_get_string_member (object, "epoch"));
    branch = g_strdup (json_object_get_string_member (json_object_get_object_member (object, "user"), "org_unit_id"));
  }
  rss_idle = rss_kb (pid, "VmRSS:");

  for (int i = 0; i < opt_changes; i++)
    g_ptr_array_add (ids, kefu_server_uuid7 ());
  raw_rate = opt_postgres != NULL ? raw_pg_rows_per_s (opt_postgres, branch, ids)
                                  : raw_sqlite_rows_per_s (dir, branch, ids);

  /* Push: batches of opt_batch inserts from one device, bodies built
   * before the clock starts. */
  {
    g_autofree char *url = g_strconcat (base, "push", NULL);
    g_autoptr(GPtrArray) bodies = g_ptr_array_new_with_free_func (g_free);
    GString *body = NULL;

    device = kefu_server_uuid7 ();
    for (int i = 0; i < opt_changes; i++)
      {
        g_autofree char *fields = customer_fields (branch, i);
        g_autofree char *op_id = kefu_server_uuid7 ();

        if (body == NULL)
          {
            body = g_string_new (NULL);
            g_string_printf (body, "{\"device_id\":\"%s\",\"epoch\":\"%s\",\"ops\":[", device, epoch);
          }
        else
          g_string_append_c (body, ',');
        g_string_append_printf (body, "{\"seq\":%d,\"op_id\":\"%s\",\"entity\":\"customer\",\"row_id\":\"%s\","
                                "\"op\":\"insert\",\"base_version\":0,\"hlc\":\"1764740000000:%05d:%s\",\"fields\":%s}",
                                i + 1, op_id, (char *) g_ptr_array_index (ids, i), i % 100000, device, fields);
        if ((i + 1) % opt_batch == 0 || i + 1 == opt_changes)
          {
            g_string_append (body, "]}");
            g_ptr_array_add (bodies, g_string_free (body, FALSE));
            body = NULL;
          }
      }
    c0 = cpu_s (pid);
    t0 = now_s ();
    for (guint b = 0; b < bodies->len; b++)
      {
        g_autoptr(GBytes) reply = post (session, url, token, g_ptr_array_index (bodies, b), &status);
        g_autoptr(KefuSyncPushReply) decoded = NULL;

        g_assert_cmpuint (status, ==, 200);
        decoded = kefu_sync_push_reply_decode (g_bytes_get_data (reply, NULL), g_bytes_get_size (reply), &error);
        g_assert_no_error (error);
        for (guint r = 0; r < decoded->results->len; r++)
          g_assert_cmpint (((KefuSyncOpResult *) g_ptr_array_index (decoded->results, r))->status, ==, KEFU_SYNC_RESULT_APPLIED);
      }
    t1 = now_s ();
    push_cpu = cpu_s (pid) - c0;
    push_rate = opt_changes / (t1 - t0);
  }

  /* Pull everything from empty cursors, decoding each page as the client
   * engine does. */
  {
    g_autofree char *url = g_strconcat (base, "pull", NULL);
    gboolean more = TRUE;

    c0 = cpu_s (pid);
    t0 = now_s ();
    while (more)
      {
        g_autofree char *body = g_strdup_printf ("{\"epoch\":\"%s\",\"cursors\":%s,\"limit\":%d}", epoch, cursors, opt_page);
        double w0 = now_s ();
        g_autoptr(GBytes) reply = post (session, url, token, body, &status);
        g_autoptr(KefuSyncPullReply) page = NULL;
        GString *next = g_string_new ("{");
        double w1 = now_s ();

        pull_wire += w1 - w0;
        g_assert_cmpuint (status, ==, 200);
        page = kefu_sync_pull_reply_decode (g_bytes_get_data (reply, NULL), g_bytes_get_size (reply), &error);
        decode += now_s () - w1;
        g_assert_no_error (error);
        pulled += page->changes->len;
        more = page->more;
        for (guint c = 0; c < page->cursors->len; c++)
          {
            KefuSyncCursor *cursor = g_ptr_array_index (page->cursors, c);
            g_string_append_printf (next, "%s\"%s\":%" G_GINT64_FORMAT, c > 0 ? "," : "", cursor->scope, cursor->seq);
          }
        g_string_append_c (next, '}');
        g_free (cursors);
        cursors = g_string_free (next, FALSE);
      }
    t1 = now_s ();
    pull_cpu = cpu_s (pid) - c0;
    pull_rate = pulled / (t1 - t0);
  }

  /* Snapshot (a first sync) of the same rows. */
  {
    g_autofree char *url = g_strconcat (base, "snapshot", NULL);
    gint64 after = 0;
    gboolean more = TRUE;

    c0 = cpu_s (pid);
    t0 = now_s ();
    while (more)
      {
        g_autofree char *body = g_strdup_printf ("{\"after\":%" G_GINT64_FORMAT ",\"limit\":%d}", after, opt_page);
        g_autoptr(GBytes) reply = post (session, url, token, body, &status);
        g_autoptr(KefuSyncSnapshotReply) page = NULL;

        g_assert_cmpuint (status, ==, 200);
        page = kefu_sync_snapshot_reply_decode (g_bytes_get_data (reply, NULL), g_bytes_get_size (reply), &error);
        g_assert_no_error (error);
        snapshotted += page->changes->len;
        after = page->next;
        more = page->more;
      }
    t1 = now_s ();
    snapshot_cpu = cpu_s (pid) - c0;
    snapshot_rate = snapshotted / (t1 - t0);
  }

  rss_after = rss_kb (pid, "VmRSS:");
  hwm = rss_kb (pid, "VmHWM:");
  g_subprocess_send_signal (server, SIGTERM);
  g_subprocess_wait (server, NULL, NULL);

  g_print ("bench-sync: %d changes, push batches of %d, pull pages of %d, server %s\n",
           opt_changes, opt_batch, opt_page, server_path);
  g_print ("  raw %-6s insert of the same rows  %9.0f rows/s (yardstick)\n",
           opt_postgres != NULL ? "libpq" : "SQLite", raw_rate);
  g_print ("  push over loopback                  %9.0f changes/s  budget >= %.0f  %s  (%.2fx of raw);"
           " server CPU %.1f us/change = %.0f changes per CPU-second\n",
           push_rate, BUDGET_PUSH_S, push_rate >= BUDGET_PUSH_S ? "OK" : "OVER", push_rate / raw_rate,
           push_cpu * 1e6 / opt_changes, opt_changes / push_cpu);
  g_print ("  pull over loopback, with decode     %9.0f changes/s  budget >= %.0f  %s;"
           " HTTP alone %.0f changes/s, client decode %.0f changes/s; server CPU %.1f us/change\n",
           pull_rate, BUDGET_PULL_S, pull_rate >= BUDGET_PULL_S ? "OK" : "OVER",
           pulled / pull_wire, pulled / decode, pull_cpu * 1e6 / pulled);
  g_print ("  snapshot (first sync), with decode  %9.0f rows/s; server CPU %.1f us/row\n",
           snapshot_rate, snapshot_cpu * 1e6 / snapshotted);
  g_print ("  server RSS: %ld KiB idle after login, %ld KiB at the end, peak %ld KiB\n", rss_idle, rss_after, hwm);

  {
    g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
    const char *name;

    while (d != NULL && (name = g_dir_read_name (d)) != NULL)
      {
        g_autofree char *p = g_build_filename (dir, name, NULL);
        g_unlink (p);
      }
    g_rmdir (dir);
  }
  return 0;
}
