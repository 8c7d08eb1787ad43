/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-store"

#include "config.h"

#include "kefu-test-server.h"

/* The storage interface (kefu-store.h), tested through the vtable only so
 * that every backend runs the same tests: KEFU_TEST_STORE=sqlite (the
 * default) or KEFU_TEST_STORE=postgres:CONNINFO. */

typedef struct
{
  char      *dir;
  KefuStore *store;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("kefu-store-test-XXXXXX", &error);
  g_assert_no_error (error);
  f->store = kefu_test_store_open (f->dir);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  kefu_store_close (f->store);
  kefu_test_server_rm_rf (f->dir);
  g_free (f->dir);
}

#define V(f) ((f)->store->vtable)

static void
put_row (Fixture    *f,
         const char *entity,
         const char *row_id,
         const char *scope,
         gint64      version,
         gboolean    deleted,
         gint64      updated_at,
         gint64     *seq)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *data = g_strdup_printf ("{\"v\":%" G_GINT64_FORMAT "}", version);
  KefuStoreRow row = { 0 };

  row.entity = (char *) entity;
  row.row_id = (char *) row_id;
  row.scope = (char *) scope;
  row.version = version;
  row.deleted = deleted;
  row.updated_at = updated_at;
  row.data = data;
  row.field_versions = (char *) "{}";
  V (f)->row_put (f->store, &row, &error);
  g_assert_no_error (error);
  if (seq != NULL)
    *seq = row.seq;
}

static gboolean
collect_cb (const KefuStoreRow *row,
            gpointer            user_data)
{
  g_ptr_array_add (user_data, kefu_store_row_copy (row));
  return TRUE;
}

static GPtrArray *
changed (Fixture    *f,
         const char *scope,
         gint64      after,
         guint       limit)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) kefu_store_row_free);

  V (f)->rows_changed (f->store, scope, after, limit, collect_cb, rows, &error);
  g_assert_no_error (error);
  return rows;
}

#define ROW_A "01900000-0000-7000-8000-00000000000a"
#define ROW_B "01900000-0000-7000-8000-00000000000b"
#define ROW_C "01900000-0000-7000-8000-00000000000c"
#define SCOPE_B1 "branch:01900000-0000-7000-8000-0000000000b1"

static void
test_meta (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *missing = V (f)->meta_get (f->store, "epoch", &error);
  g_autofree char *value = NULL;

  g_assert_no_error (error);
  g_assert_null (missing);
  V (f)->meta_set (f->store, "epoch", "one", &error);
  V (f)->meta_set (f->store, "epoch", "two", &error);
  g_assert_no_error (error);
  value = V (f)->meta_get (f->store, "epoch", &error);
  g_assert_cmpstr (value, ==, "two");
}

static void
test_users_tokens (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  KefuStoreUser user = { (char *) ROW_A, (char *) "li.na", (char *) "$argon2id$x", (char *) "agent",
                         (char *) ROW_B, NULL, TRUE, 1, 1 };
  KefuStoreUser other = user;
  g_autoptr(KefuStoreUser) by_name = NULL;
  g_autoptr(KefuStoreUser) by_id = NULL;
  g_autoptr(KefuStoreUser) none = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autofree char *found = NULL;
  g_autofree char *expired = NULL;
  g_autofree char *after_purge = NULL;

  V (f)->user_insert (f->store, &user, &error);
  g_assert_no_error (error);
  /* The same user name twice is EXISTS. */
  other.id = (char *) ROW_C;
  V (f)->user_insert (f->store, &other, &error);
  g_assert_error (error, KEFU_STORE_ERROR, KEFU_STORE_ERROR_EXISTS);
  g_clear_error (&error);
  other.username = (char *) "an.ming";
  other.role = (char *) "admin";
  V (f)->user_insert (f->store, &other, &error);
  g_assert_no_error (error);

  by_name = V (f)->user_get (f->store, NULL, "li.na", &error);
  g_assert_cmpstr (by_name->id, ==, ROW_A);
  g_assert_cmpstr (by_name->org_unit_id, ==, ROW_B);
  g_assert_null (by_name->staff_id);
  g_assert_true (by_name->active);
  by_name->active = FALSE;
  g_free (by_name->role);
  by_name->role = g_strdup ("supervisor");
  V (f)->user_update (f->store, by_name, &error);
  g_assert_no_error (error);
  by_id = V (f)->user_get (f->store, ROW_A, NULL, &error);
  g_assert_cmpstr (by_id->role, ==, "supervisor");
  g_assert_false (by_id->active);
  none = V (f)->user_get (f->store, NULL, "nobody", &error);
  g_assert_no_error (error);
  g_assert_null (none);
  list = V (f)->user_list (f->store, &error);
  g_assert_cmpuint (list->len, ==, 2);
  g_assert_cmpstr (((KefuStoreUser *) g_ptr_array_index (list, 0))->username, ==, "an.ming");

  V (f)->token_insert (f->store, "hash-1", ROW_A, 1000, &error);
  V (f)->token_insert (f->store, "hash-2", ROW_C, 5000, &error);
  g_assert_no_error (error);
  found = V (f)->token_lookup (f->store, "hash-1", 999, &error);
  g_assert_cmpstr (found, ==, ROW_A);
  expired = V (f)->token_lookup (f->store, "hash-1", 1000, &error);
  g_assert_null (expired);
  V (f)->token_purge (f->store, 1000, ROW_C, &error);
  g_assert_no_error (error);
  after_purge = V (f)->token_lookup (f->store, "hash-2", 0, &error);
  g_assert_null (after_purge);
}

static void
test_devices_results (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *unit = NULL;
  g_autofree char *result = NULL;
  g_autofree char *missing = NULL;
  gboolean found;
  gint64 last;

  V (f)->device_get (f->store, ROW_A, &found, &unit, &last, &error);
  g_assert_no_error (error);
  g_assert_false (found);
  V (f)->device_set (f->store, ROW_A, ROW_B, 7, &error);
  V (f)->device_set (f->store, ROW_A, ROW_B, 9, &error);
  g_assert_no_error (error);
  V (f)->device_get (f->store, ROW_A, &found, &unit, &last, &error);
  g_assert_true (found);
  g_assert_cmpstr (unit, ==, ROW_B);
  g_assert_cmpint (last, ==, 9);

  V (f)->push_result_put (f->store, ROW_A, 9, "applied\t3\t", &error);
  g_assert_no_error (error);
  result = V (f)->push_result_get (f->store, ROW_A, 9, &error);
  g_assert_cmpstr (result, ==, "applied\t3\t");
  missing = V (f)->push_result_get (f->store, ROW_A, 10, &error);
  g_assert_no_error (error);
  g_assert_null (missing);
}

static void
test_rows_seq (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GPtrArray) page = NULL;
  g_autoptr(GPtrArray) scanned = g_ptr_array_new_with_free_func ((GDestroyNotify) kefu_store_row_free);
  g_autoptr(KefuStoreRow) a = NULL;
  g_autoptr(KefuStoreRow) gone = NULL;
  const char *only_b1[] = { SCOPE_B1, NULL };
  gint64 seq, last, horizon, key_a;

  /* Each scope counts on its own. */
  put_row (f, "customer", ROW_A, SCOPE_B1, 1, FALSE, 10, &seq);
  g_assert_cmpint (seq, ==, 1);
  put_row (f, "org_unit", ROW_A, "org", 1, FALSE, 10, &seq);
  g_assert_cmpint (seq, ==, 1);
  put_row (f, "customer", ROW_B, SCOPE_B1, 1, FALSE, 10, &seq);
  g_assert_cmpint (seq, ==, 2);
  a = V (f)->row_get (f->store, "customer", ROW_A, &error);
  key_a = a->key;

  /* A rewrite moves the row to the end of its scope, keeping its key. */
  put_row (f, "customer", ROW_A, SCOPE_B1, 2, FALSE, 20, &seq);
  g_assert_cmpint (seq, ==, 3);
  g_clear_pointer (&a, kefu_store_row_free);
  a = V (f)->row_get (f->store, "customer", ROW_A, &error);
  g_assert_cmpint (a->key, ==, key_a);
  g_assert_cmpint (a->version, ==, 2);
  g_assert_cmpstr (a->data, ==, "{\"v\":2}");

  rows = changed (f, SCOPE_B1, 0, 100);
  g_assert_cmpuint (rows->len, ==, 2);
  g_assert_cmpstr (((KefuStoreRow *) rows->pdata[0])->row_id, ==, ROW_B);
  g_assert_cmpstr (((KefuStoreRow *) rows->pdata[1])->row_id, ==, ROW_A);
  page = changed (f, SCOPE_B1, 2, 1);
  g_assert_cmpuint (page->len, ==, 1);
  g_assert_cmpint (((KefuStoreRow *) page->pdata[0])->seq, ==, 3);

  /* Scans filter by scope, in key order. */
  V (f)->rows_scan (f->store, only_b1, 0, 100, collect_cb, scanned, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (scanned->len, ==, 2);
  g_assert_cmpint (((KefuStoreRow *) scanned->pdata[0])->key, <, ((KefuStoreRow *) scanned->pdata[1])->key);
  g_ptr_array_set_size (scanned, 0);
  V (f)->rows_scan (f->store, NULL, 0, 100, collect_cb, scanned, &error);
  g_assert_cmpuint (scanned->len, ==, 3);

  /* A rolled-back write leaves neither the row nor the seq behind. */
  g_assert_true (kefu_store_begin (f->store, &error));
  put_row (f, "customer", ROW_C, SCOPE_B1, 1, FALSE, 30, &seq);
  g_assert_cmpint (seq, ==, 4);
  kefu_store_rollback (f->store);
  gone = V (f)->row_get (f->store, "customer", ROW_C, &error);
  g_assert_no_error (error);
  g_assert_null (gone);
  V (f)->scope_get (f->store, SCOPE_B1, &last, &horizon, &error);
  g_assert_cmpint (last, ==, 3);
  g_assert_cmpint (horizon, ==, 0);
}

static void
test_tombstones (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KefuStoreRow) tombstone = NULL;
  g_autoptr(KefuStoreRow) purged = NULL;
  gint64 seq, last, horizon;
  guint n;

  put_row (f, "customer", ROW_A, SCOPE_B1, 1, FALSE, 10, NULL);   /* seq 1 */
  put_row (f, "customer", ROW_B, SCOPE_B1, 2, TRUE, 10, &seq);    /* seq 2, deleted long ago */
  put_row (f, "customer", ROW_C, SCOPE_B1, 2, TRUE, 500, NULL);   /* seq 3, deleted lately */
  tombstone = V (f)->row_get (f->store, "customer", ROW_B, &error);
  g_assert_true (tombstone->deleted);

  g_assert_true (kefu_store_begin (f->store, &error));
  V (f)->purge_tombstones (f->store, 100, &n, &error);
  g_assert_no_error (error);
  g_assert_true (kefu_store_commit (f->store, &error));
  g_assert_cmpuint (n, ==, 1);
  purged = V (f)->row_get (f->store, "customer", ROW_B, &error);
  g_assert_null (purged);
  V (f)->scope_get (f->store, SCOPE_B1, &last, &horizon, &error);
  g_assert_cmpint (last, ==, 3);
  g_assert_cmpint (horizon, ==, seq);
}

static void
test_audit (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (V (f)->audit_count (f->store, &error), ==, 0);
  V (f)->audit_append (f->store, 1, ROW_A, ROW_B, "push.insert", "customer", ROW_C, "{\"name\":\"x\"}", &error);
  V (f)->audit_append (f->store, 2, NULL, NULL, "init", NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (V (f)->audit_count (f->store, &error), ==, 2);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/server/store/meta", test_meta);
  ADD ("/server/store/users-tokens", test_users_tokens);
  ADD ("/server/store/devices-results", test_devices_results);
  ADD ("/server/store/rows-seq", test_rows_seq);
  ADD ("/server/store/tombstones", test_tombstones);
  ADD ("/server/store/audit", test_audit);
#undef ADD
  return g_test_run ();
}
