/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "kefu-test"

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "kefu-store.h"
#include "kefu-test-pg.h"

/* The parts of the storage contract (kefu-store.h) that test-store.c does
 * not reach: hostile text and scopes in snapshot scans, reads larger than one fetch
 * with callbacks that use the store, rollback, two connections writing the
 * same scope or row, reopening; and for PostgreSQL schema versions and
 * reconnecting. Runs on the embedded SQLite store by default, on
 * PostgreSQL when KEFU_TEST_STORE=postgres (under tests/kefu-test-pg.sh). */

#define HOSTILE "'; DROP TABLE kefu_row; -- \\ \" 李娜"

typedef struct
{
  char      *dir;
  char      *spec;
  KefuStore *store;
} Fixture;

static gboolean
using_postgres (void)
{
  return g_strcmp0 (g_getenv ("KEFU_TEST_STORE"), "postgres") == 0;
}

static KefuStore *
open_store (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  KefuStore *store = kefu_store_open (f->spec, &error);

  g_assert_no_error (error);
  g_assert_nonnull (store);
  return store;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("kefu-store-test-XXXXXX", &error);
  g_assert_no_error (error);
  if (using_postgres ())
    f->spec = kefu_test_pg_spec (f->dir);
  else
    f->spec = g_strconcat ("sqlite:", f->dir, NULL);
  f->store = open_store (f);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *db = g_build_filename (f->dir, "kefu-server.db", NULL);
  const char *suffixes[] = { "", "-wal", "-shm" };

  kefu_store_close (f->store);
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *path = g_strconcat (db, suffixes[i], NULL);
      g_unlink (path);
    }
  g_rmdir (f->dir);
  g_free (f->dir);
  g_free (f->spec);
}

static KefuStoreRow
make_row (const char *entity,
          const char *row_id,
          const char *scope,
          gint64      version,
          gboolean    deleted,
          gint64      updated_at,
          const char *data)
{
  KefuStoreRow row = {
    .entity = (char *) entity,
    .row_id = (char *) row_id,
    .scope = (char *) scope,
    .version = version,
    .deleted = deleted,
    .updated_at = updated_at,
    .data = (char *) data,
    .field_versions = (char *) "{}",
  };
  return row;
}

static gint64
put_row (KefuStore  *store,
         const char *entity,
         const char *row_id,
         const char *scope,
         gint64      version,
         const char *data)
{
  g_autoptr(GError) error = NULL;
  KefuStoreRow row = make_row (entity, row_id, scope, version, FALSE, 1000, data);

  g_assert_true (store->vtable->row_put (store, &row, &error));
  g_assert_no_error (error);
  return row.seq;
}

/* --- rows ----------------------------------------------------------------- */

typedef struct
{
  GPtrArray *rows;       /* KefuStoreRow copies */
  guint      stop_after; /* 0 = never */
  KefuStore *store;      /* when set, each callback also reads the row back */
} Collect;

static gboolean
collect_cb (const KefuStoreRow *row,
            gpointer            user_data)
{
  Collect *c = user_data;

  if (c->store != NULL)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(KefuStoreRow) again = c->store->vtable->row_get (c->store, row->entity, row->row_id, &error);

      g_assert_no_error (error);
      g_assert_cmpint (again->seq, ==, row->seq);
    }
  g_ptr_array_add (c->rows, kefu_store_row_copy (row));
  return c->stop_after == 0 || c->rows->len < c->stop_after;
}

#define ROW(a, i) ((KefuStoreRow *) g_ptr_array_index ((a), (i)))

static void
test_rows_scan (Fixture       *f,
                gconstpointer  data)
{
  KefuStore *s = f->store;
  g_autoptr(GError) error = NULL;
  const char *odd_scope = "branch:\"{x},\\";
  const char * const scopes[] = { "org", odd_scope, NULL };
  const char * const none[] = { NULL };
  Collect c = { g_ptr_array_new_with_free_func ((GDestroyNotify) kefu_store_row_free), 0, NULL };
  Collect every = { g_ptr_array_new_with_free_func ((GDestroyNotify) kefu_store_row_free), 0, NULL };
  Collect nothing = { g_ptr_array_new_with_free_func ((GDestroyNotify) kefu_store_row_free), 0, NULL };
  gint64 next;

  put_row (s, "org_unit", "o1", "org", 1, "{}");
  put_row (s, "customer", "c1", "branch:other", 1, "{}");
  put_row (s, "customer", "c2", odd_scope, 1, "{\"name\":\"" HOSTILE "\"}");
  put_row (s, "org_unit", "o2", "org", 1, "{}");

  /* Two pages of one row each, then the rest. */
  g_assert_true (s->vtable->rows_scan (s, scopes, 0, 1, collect_cb, &c, &error));
  next = ROW (c.rows, 0)->key;
  g_assert_true (s->vtable->rows_scan (s, scopes, next, 1, collect_cb, &c, &error));
  next = ROW (c.rows, 1)->key;
  g_assert_true (s->vtable->rows_scan (s, scopes, next, 1000, collect_cb, &c, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (c.rows->len, ==, 3);
  g_assert_cmpstr (ROW (c.rows, 0)->row_id, ==, "o1");
  g_assert_cmpstr (ROW (c.rows, 1)->row_id, ==, "c2");
  g_assert_cmpstr (ROW (c.rows, 1)->scope, ==, odd_scope);
  g_assert_cmpstr (ROW (c.rows, 1)->data, ==, "{\"name\":\"" HOSTILE "\"}");
  g_assert_cmpstr (ROW (c.rows, 2)->row_id, ==, "o2");
  g_assert_cmpint (ROW (c.rows, 0)->key, <, ROW (c.rows, 1)->key);

  g_assert_true (s->vtable->rows_scan (s, NULL, 0, 1000, collect_cb, &every, &error));
  g_assert_cmpuint (every.rows->len, ==, 4);
  g_assert_true (s->vtable->rows_scan (s, none, 0, 1000, collect_cb, &nothing, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (nothing.rows->len, ==, 0);

  g_ptr_array_unref (c.rows);
  g_ptr_array_unref (every.rows);
  g_ptr_array_unref (nothing.rows);
}

/* More rows than one fetch: every row once, in order, while the callback
 * reads the store; and a callback can stop the walk. */
static void
test_rows_large (Fixture       *f,
                 gconstpointer  data)
{
  KefuStore *s = f->store;
  g_autoptr(GError) error = NULL;
  Collect walk = { g_ptr_array_new_with_free_func ((GDestroyNotify) kefu_store_row_free), 0, s };
  Collect stop = { g_ptr_array_new_with_free_func ((GDestroyNotify) kefu_store_row_free), 1500, NULL };
  Collect entity = { g_ptr_array_new_with_free_func ((GDestroyNotify) kefu_store_row_free), 0, s };
  const guint n = 2500;

  g_assert_true (kefu_store_begin (s, &error));
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *id = g_strdup_printf ("k%05u", i);
      put_row (s, i % 2 ? "kcase" : "customer", id, "branch:a", 1, "{}");
    }
  g_assert_true (kefu_store_commit (s, &error));
  g_assert_no_error (error);

  g_assert_true (s->vtable->rows_changed (s, "branch:a", 0, G_MAXUINT, collect_cb, &walk, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (walk.rows->len, ==, n);
  for (guint i = 0; i < n; i++)
    g_assert_cmpint (ROW (walk.rows, i)->seq, ==, i + 1);

  g_assert_true (s->vtable->rows_changed (s, "branch:a", 0, G_MAXUINT, collect_cb, &stop, &error));
  g_assert_cmpuint (stop.rows->len, ==, 1500);

  g_assert_true (s->vtable->rows_of_entity (s, "kcase", collect_cb, &entity, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (entity.rows->len, ==, n / 2);

  /* And the store still works afterwards, inside a transaction too. */
  g_assert_true (kefu_store_begin (s, &error));
  g_ptr_array_set_size (walk.rows, 0);
  g_assert_true (s->vtable->rows_changed (s, "branch:a", 100, G_MAXUINT, collect_cb, &walk, &error));
  g_assert_cmpuint (walk.rows->len, ==, n - 100);
  g_assert_cmpint (put_row (s, "kcase", "k-new", "branch:a", 1, "{}"), ==, n + 1);
  g_assert_true (kefu_store_commit (s, &error));
  g_assert_no_error (error);

  g_ptr_array_unref (walk.rows);
  g_ptr_array_unref (stop.rows);
  g_ptr_array_unref (entity.rows);
}

/* --- transactions ----------------------------------------------------------- */

static void
test_rollback (Fixture       *f,
               gconstpointer  data)
{
  KefuStore *s = f->store;
  g_autoptr(GError) error = NULL;
  g_autoptr(KefuStoreRow) row = NULL;
  g_autoptr(KefuStoreUser) user = NULL;
  KefuStoreUser zhang = { (char *) "u-2", (char *) "zhang", (char *) "h", (char *) "agent",
                          (char *) "unit-1", NULL, TRUE, 10, 11 };
  g_autofree char *result = NULL;
  gint64 last_seq, horizon;

  put_row (s, "customer", "c0", "branch:a", 1, "{}");

  g_assert_true (kefu_store_begin (s, &error));
  put_row (s, "customer", "c1", "branch:a", 1, "{}");
  g_assert_true (s->vtable->user_insert (s, &zhang, &error));
  g_assert_true (s->vtable->audit_append (s, 1, "u-2", NULL, "push", "customer", "c1", "{}", &error));
  g_assert_true (s->vtable->push_result_put (s, "dev", 1, "{\"seq\":1}", &error));
  g_assert_no_error (error);
  /* The transaction reads its own writes. */
  g_assert_cmpint (s->vtable->audit_count (s, &error), ==, 1);
  result = s->vtable->push_result_get (s, "dev", 1, &error);
  g_assert_cmpstr (result, ==, "{\"seq\":1}");
  g_assert_true (s->vtable->scope_get (s, "branch:a", &last_seq, &horizon, &error));
  g_assert_no_error (error);
  g_assert_cmpint (last_seq, ==, 2);
  kefu_store_rollback (s);

  row = s->vtable->row_get (s, "customer", "c1", &error);
  g_assert_null (row);
  user = s->vtable->user_get (s, NULL, "zhang", &error);
  g_assert_null (user);
  g_assert_cmpint (s->vtable->audit_count (s, &error), ==, 0);
  g_assert_true (s->vtable->scope_get (s, "branch:a", &last_seq, &horizon, &error));
  g_assert_no_error (error);
  g_assert_cmpint (last_seq, ==, 1);

  /* A write that breaks a unique key fails the transaction: at once, or
   * at commit for writes a backend collects (PostgreSQL's push results and
   * audit entries). Nothing of it stays, and the store goes on. */
  g_assert_true (kefu_store_begin (s, &error));
  put_row (s, "customer", "c2", "branch:a", 1, "{}");
  g_assert_false (s->vtable->push_result_put (s, "dev", 1, "{}", &error)
                  && s->vtable->push_result_put (s, "dev", 1, "{}", &error)
                  && kefu_store_commit (s, &error));
  g_assert_error (error, KEFU_STORE_ERROR, KEFU_STORE_ERROR_EXISTS);
  g_clear_error (&error);
  kefu_store_rollback (s);
  g_assert_null (s->vtable->push_result_get (s, "dev", 1, &error));
  g_assert_cmpint (put_row (s, "customer", "c2", "branch:a", 1, "{}"), ==, 2);
  g_assert_no_error (error);
}

/* --- two connections ------------------------------------------------------- */

typedef struct
{
  Fixture  *f;
  gboolean  read_row;    /* read-modify-write of customer c1 instead of a new row */
  gint64    seq;
  gint64    version;
  gint      done;        /* atomic */
} Writer;

static gpointer
writer_thread (gpointer data)
{
  Writer *w = data;
  g_autoptr(GError) error = NULL;
  KefuStore *store = open_store (w->f);

  g_assert_true (kefu_store_begin (store, &error));
  if (w->read_row)
    {
      g_autoptr(KefuStoreRow) row = store->vtable->row_get (store, "customer", "c1", &error);

      g_assert_no_error (error);
      w->version = row->version + 1;
      w->seq = put_row (store, "customer", "c1", "branch:a", w->version, "{}");
    }
  else
    w->seq = put_row (store, "customer", "c2", "branch:a", 1, "{}");
  g_assert_true (kefu_store_commit (store, &error));
  g_assert_no_error (error);
  kefu_store_close (store);
  g_atomic_int_set (&w->done, 1);
  return NULL;
}

/* A second writer of the same scope (or the same row) waits for the first
 * to commit: its number comes after the first's, and it builds on the
 * first's version of the row. */
static void
check_second_writer_waits (Fixture  *f,
                           gboolean  read_row)
{
  KefuStore *s = f->store;
  g_autoptr(GError) error = NULL;
  g_autoptr(KefuStoreRow) row = NULL;
  Writer w = { f, read_row, 0, 0, 0 };
  GThread *thread;
  gint64 first_seq, version = 1;

  put_row (s, "customer", "c1", "branch:a", 1, "{}");

  g_assert_true (kefu_store_begin (s, &error));
  if (read_row)
    {
      g_autoptr(KefuStoreRow) mine = s->vtable->row_get (s, "customer", "c1", &error);
      version = mine->version + 1;
    }
  first_seq = put_row (s, "customer", "c1", "branch:a", version, "{}");

  thread = g_thread_new ("writer", writer_thread, &w);
  g_usleep (300 * G_TIME_SPAN_MILLISECOND);
  g_assert_cmpint (g_atomic_int_get (&w.done), ==, 0);
  g_assert_true (kefu_store_commit (s, &error));
  g_assert_no_error (error);
  g_thread_join (thread);

  g_assert_cmpint (w.seq, ==, first_seq + 1);
  row = s->vtable->row_get (s, "customer", "c1", &error);
  if (read_row)
    {
      g_assert_cmpint (w.version, ==, 3);
      g_assert_cmpint (row->version, ==, 3);
    }
}

static void
test_concurrent_scope (Fixture       *f,
                       gconstpointer  data)
{
  check_second_writer_waits (f, FALSE);
}

static void
test_concurrent_row (Fixture       *f,
                     gconstpointer  data)
{
  check_second_writer_waits (f, TRUE);
}

/* --- opening ---------------------------------------------------------------- */

static void
test_reopen (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *epoch = NULL;
  g_autoptr(KefuStore) again = NULL;

  g_assert_true (f->store->vtable->meta_set (f->store, "epoch", "e1", &error));
  put_row (f->store, "customer", "c1", "branch:a", 1, "{}");
  again = open_store (f);
  epoch = again->vtable->meta_get (again, "epoch", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (epoch, ==, "e1");
  g_assert_cmpint (put_row (again, "customer", "c2", "branch:a", 1, "{}"), ==, 2);
}

static void
test_open_unreachable (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KefuStore) store = kefu_store_open ("postgres:host=/nonexistent/kefu port=1 dbname=kefu connect_timeout=2", &error);

  g_assert_null (store);
  g_assert_error (error, KEFU_STORE_ERROR, KEFU_STORE_ERROR_OPEN);
  g_assert_true (g_str_has_prefix (error->message, "Cannot connect to PostgreSQL: "));
  g_clear_error (&error);

  store = kefu_store_open ("mysql:whatever", &error);
  g_assert_error (error, KEFU_STORE_ERROR, KEFU_STORE_ERROR_OPEN);
}

/* PostgreSQL only: a schema newer than the program is refused, and a
 * connection the database dropped is re-opened while idle. */
static void
pg_exec (const char *spec,
         const char *sql)
{
  PGconn *conn = PQconnectdb (spec + strlen ("postgres:"));
  PGresult *result;

  g_assert_cmpint (PQstatus (conn), ==, CONNECTION_OK);
  result = PQexec (conn, sql);
  if (PQresultStatus (result) != PGRES_COMMAND_OK && PQresultStatus (result) != PGRES_TUPLES_OK)
    g_error ("%s: %s", sql, PQerrorMessage (conn));
  PQclear (result);
  PQfinish (conn);
}

static void
test_pg_newer_schema (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KefuStore) store = NULL;

  pg_exec (f->spec, "UPDATE kefu_schema SET version = 99");
  store = kefu_store_open (f->spec, &error);
  g_assert_null (store);
  g_assert_error (error, KEFU_STORE_ERROR, KEFU_STORE_ERROR_OPEN);
  g_assert_nonnull (strstr (error->message, "schema version 99"));
}

static void
test_pg_reconnect (Fixture       *f,
                   gconstpointer  data)
{
  KefuStore *s = f->store;
  g_autoptr(GError) error = NULL;
  g_autofree char *value = NULL;

  g_assert_true (s->vtable->meta_set (s, "k", "v", &error));
  pg_exec (f->spec, "SELECT pg_terminate_backend (pid) FROM pg_stat_activity"
                    " WHERE application_name = 'kefu-server' AND pid <> pg_backend_pid ()");
  value = s->vtable->meta_get (s, "k", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (value, ==, "v");

  pg_exec (f->spec, "SELECT pg_terminate_backend (pid) FROM pg_stat_activity"
                    " WHERE application_name = 'kefu-server' AND pid <> pg_backend_pid ()");
  g_assert_true (kefu_store_begin (s, &error));
  g_assert_no_error (error);
  put_row (s, "customer", "c1", "branch:a", 1, "{}");
  g_assert_true (kefu_store_commit (s, &error));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/store/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("rows/scan", test_rows_scan);
  ADD ("rows/large", test_rows_large);
  ADD ("transactions/rollback", test_rollback);
  ADD ("concurrent/scope-order", test_concurrent_scope);
  ADD ("concurrent/same-row", test_concurrent_row);
  ADD ("reopen", test_reopen);
  g_test_add_func ("/store/open/unreachable", test_open_unreachable);
  if (using_postgres ())
    {
      ADD ("pg/newer-schema", test_pg_newer_schema);
      ADD ("pg/reconnect", test_pg_reconnect);
    }
#undef ADD

  return g_test_run ();
}
