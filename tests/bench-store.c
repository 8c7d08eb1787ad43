/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "kefu-bench"

#include "config.h"

#include <glib/gstdio.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <string.h>

#include "kefu-store.h"
#include "kefu-test-pg.h"

/* The server's storage path, without HTTP: what one push op and one pulled
 * row cost in a store backend, beside a raw insert yardstick on the same
 * database engine in the same run. Not a test; see docs/benchmarks.md.
 *
 *   bench-store [--rows N]                      the embedded SQLite store
 *   tests/kefu-test-pg.sh bench-store [--rows N]  PostgreSQL (KEFU_TEST_STORE=postgres)
 *
 * Push: batches of 500 ops in one transaction each, as the server does
 * it: per op row_get and row_put, per batch one run of push results, one
 * audit entry and the device's last seq. Inserts first, then an update of every row. Pull: pages of
 * 1,000 rows through rows_changed. Yardstick: prepared INSERTs of the same
 * rows into a bare table, 500 per transaction. */

#define BATCH 500

static char *
row_data (guint i)
{
  return g_strdup_printf ("{\"branch_id\":\"0190a000-0000-7000-8000-000000000001\","
                          "\"number\":\"BJ01-20261203-%06u\",\"status\":\"open\","
                          "\"title\":\"包裹延误 parcel delayed %u\",\"priority\":2,"
                          "\"customer_id\":\"0190a000-0000-7000-8000-%012u\","
                          "\"description\":\"客户来电询问包裹为何三天未到，单号 SF%010u。\"}",
                          i, i, i, i);
}

static double
push (KefuStore *store,
      guint      n,
      gint64     version)
{
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();
  gint64 device_seq = (version - 1) * n;

  for (guint i = 0; i < n; i += BATCH)
    {
      g_autofree char *unit = NULL;
      g_autoptr(GString) results = g_string_new (NULL);
      g_autoptr(GString) audit = g_string_new (NULL);
      gboolean found;
      gint64 last_seq;

      if (!kefu_store_begin (store, &error)
          || !store->vtable->device_get (store, "0190a000-0000-7000-8000-0000000000de", &found, &unit,
                                         &last_seq, &error))
        g_error ("%s", error->message);
      for (guint j = i; j < MIN (n, i + BATCH); j++)
        {
          g_autofree char *id = g_strdup_printf ("0190a000-0000-7000-8000-%012u", j);
          g_autofree char *data = row_data (j);
          g_autoptr(KefuStoreRow) old = store->vtable->row_get (store, "kcase", id, &error);
          KefuStoreRow row = {
            .entity = (char *) "kcase", .row_id = id,
            .scope = (char *) "branch:0190a000-0000-7000-8000-000000000001",
            .version = version, .updated_at = g_get_real_time () / 1000, .data = data,
            .field_versions = (char *) "{\"status\":[1,\"0190a000-0000-7000-8000-0000000000de\"]}",
          };

          if (error != NULL
              || (version > 1) != (old != NULL)
              || !store->vtable->row_put (store, &row, &error))
            g_error ("op %u: %s", j, error != NULL ? error->message : "wrong version");
          g_string_append_printf (results, "applied\t%" G_GINT64_FORMAT "\t", version);
          g_string_append_printf (audit, "%s\"%s\"", j > i ? "," : "[", id);
        }
      g_string_append_c (audit, ']');
      if (!store->vtable->push_results_put (store, "0190a000-0000-7000-8000-0000000000de", device_seq + 1,
                                            results->str, &error)
          || !store->vtable->audit_append (store, g_get_real_time () / 1000, "user", "device", "push",
                                           NULL, NULL, audit->str, &error))
        g_error ("%s", error->message);
      device_seq += MIN (n, i + BATCH) - i;
      if (!store->vtable->device_set (store, "0190a000-0000-7000-8000-0000000000de", "unit",
                                      device_seq, &error)
          || !kefu_store_commit (store, &error))
        g_error ("%s", error->message);
    }
  return n / ((g_get_monotonic_time () - start) / 1e6);
}

static gboolean
count_cb (const KefuStoreRow *row,
          gpointer            user_data)
{
  gint64 *last = user_data;

  *last = row->seq;
  return TRUE;
}

static double
pull (KefuStore *store,
      guint      n)
{
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();
  gint64 cursor = 0, last = 0;
  guint pages = 0;

  do
    {
      cursor = last;
      if (!store->vtable->rows_changed (store, "branch:0190a000-0000-7000-8000-000000000001", cursor, 1000,
                                        count_cb, &last, &error))
        g_error ("%s", error->message);
      pages++;
    }
  while (last != cursor);
  if (pages < n / 1000)
    g_error ("pulled %u pages for %u rows", pages, n);
  return n / ((g_get_monotonic_time () - start) / 1e6);
}

static void
pg_ok (PGconn   *conn,
       PGresult *result)
{
  if (PQresultStatus (result) != PGRES_COMMAND_OK && PQresultStatus (result) != PGRES_TUPLES_OK)
    g_error ("yardstick: %s", PQerrorMessage (conn));
  PQclear (result);
}

static double
yardstick_pg (const char *spec,
              guint       n)
{
  PGconn *conn = PQconnectdb (spec + strlen ("postgres:"));
  gint64 start;

  if (PQstatus (conn) != CONNECTION_OK)
    g_error ("yardstick: %s", PQerrorMessage (conn));
  pg_ok (conn, PQexec (conn, "CREATE TABLE yardstick (key bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
                             " entity text, row_id text, scope text, version bigint, seq bigint,"
                             " deleted boolean, updated_at bigint, data text, field_versions text,"
                             " UNIQUE (entity, row_id))"));
  pg_ok (conn, PQprepare (conn, "ins", "INSERT INTO yardstick (entity, row_id, scope, version, seq, deleted,"
                                       " updated_at, data, field_versions) VALUES ($1, $2, $3, 1, $4, false, $5, $6, '{}')",
                          6, NULL));
  start = g_get_monotonic_time ();
  for (guint i = 0; i < n; i += BATCH)
    {
      pg_ok (conn, PQexec (conn, "BEGIN"));
      for (guint j = i; j < MIN (n, i + BATCH); j++)
        {
          g_autofree char *id = g_strdup_printf ("0190a000-0000-7000-8000-%012u", j);
          g_autofree char *data = row_data (j);
          g_autofree char *seq = g_strdup_printf ("%u", j + 1);
          const char *params[] = { "kcase", id, "branch:x", seq, "1764740000000", data };

          pg_ok (conn, PQexecPrepared (conn, "ins", 6, params, NULL, NULL, 0));
        }
      pg_ok (conn, PQexec (conn, "COMMIT"));
    }
  start = g_get_monotonic_time () - start;
  PQfinish (conn);
  return n / (start / 1e6);
}

static double
yardstick_sqlite (const char *dir,
                  guint       n)
{
  g_autofree char *path = g_build_filename (dir, "yardstick.db", NULL);
  sqlite3 *db;
  sqlite3_stmt *stmt;
  gint64 start;

  if (sqlite3_open (path, &db) != SQLITE_OK
      || sqlite3_exec (db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"
                           "CREATE TABLE yardstick (key INTEGER PRIMARY KEY, entity TEXT, row_id TEXT,"
                           " scope TEXT, version INTEGER, seq INTEGER, deleted INTEGER, updated_at INTEGER,"
                           " data TEXT, field_versions TEXT, UNIQUE (entity, row_id))", NULL, NULL, NULL) != SQLITE_OK
      || sqlite3_prepare_v2 (db, "INSERT INTO yardstick (entity, row_id, scope, version, seq, deleted,"
                                 " updated_at, data, field_versions) VALUES ('kcase', ?, 'branch:x', 1, ?, 0,"
                                 " 1764740000000, ?, '{}')", -1, &stmt, NULL) != SQLITE_OK)
    g_error ("yardstick: %s", sqlite3_errmsg (db));
  start = g_get_monotonic_time ();
  for (guint i = 0; i < n; i += BATCH)
    {
      sqlite3_exec (db, "BEGIN", NULL, NULL, NULL);
      for (guint j = i; j < MIN (n, i + BATCH); j++)
        {
          g_autofree char *id = g_strdup_printf ("0190a000-0000-7000-8000-%012u", j);
          g_autofree char *data = row_data (j);

          sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
          sqlite3_bind_int64 (stmt, 2, j + 1);
          sqlite3_bind_text (stmt, 3, data, -1, SQLITE_TRANSIENT);
          if (sqlite3_step (stmt) != SQLITE_DONE)
            g_error ("yardstick: %s", sqlite3_errmsg (db));
          sqlite3_reset (stmt);
        }
      sqlite3_exec (db, "COMMIT", NULL, NULL, NULL);
    }
  start = g_get_monotonic_time () - start;
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return n / (start / 1e6);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("kefu-bench-store-XXXXXX", &error);
  gboolean postgres = g_strcmp0 (g_getenv ("KEFU_TEST_STORE"), "postgres") == 0;
  g_autofree char *spec = NULL;
  const char *files[] = { "kefu-server.db", "kefu-server.db-wal", "kefu-server.db-shm",
                          "yardstick.db", "yardstick.db-wal", "yardstick.db-shm" };
  KefuStore *store;
  int rows = 50000;
  GOptionEntry entries[] = {
    { "rows", 0, 0, G_OPTION_ARG_INT, &rows, "Rows to push and pull (default 50,000)", "N" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- time the server's store");
  double inserts, updates, pulled, raw;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || rows < BATCH)
    g_error ("%s", error != NULL ? error->message : "--rows must be at least 500");
  g_assert_no_error (error);

  spec = postgres ? kefu_test_pg_spec (dir) : g_strconcat ("sqlite:", dir, NULL);
  store = kefu_store_open (spec, &error);
  g_assert_no_error (error);

  inserts = push (store, rows, 1);
  updates = push (store, rows, 2);
  pulled = pull (store, rows);
  kefu_store_close (store);
  raw = postgres ? yardstick_pg (spec, rows) : yardstick_sqlite (dir, rows);

  g_print ("backend %s, %d rows, batches of %d\n", postgres ? "PostgreSQL" : "SQLite", rows, BATCH);
  g_print ("push inserts     %9.0f ops/s\n", inserts);
  g_print ("push updates     %9.0f ops/s\n", updates);
  g_print ("pull             %9.0f rows/s\n", pulled);
  g_print ("raw insert yardstick %5.0f rows/s (%s, prepared, %d per transaction)\n",
           raw, postgres ? "libpq" : "sqlite3", BATCH);

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = g_build_filename (dir, files[i], NULL);
      g_unlink (path);
    }
  g_rmdir (dir);
  return 0;
}
