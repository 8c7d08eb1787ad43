/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "kefu-customers.h"
#include "kefu-sample.h"
#include "kefu-test-util.h"
#include "kefu-text.h"

#define N_CUSTOMERS 1500
#define N_BRANCHES  5

static KefuTestDb *
generate (guint32 seed,
          guint   n_customers,
          guint   n_branches)
{
  KefuTestDb *t = kefu_test_db_new (FALSE);
  KefuSampleOptions opts = { .seed = seed, .n_customers = n_customers, .n_branches = n_branches };
  g_autoptr(GError) error = NULL;

  g_assert_true (kefu_sample_generate (t->db, &opts, NULL, NULL, &error));
  g_assert_no_error (error);
  return t;
}

/* name \t number \t phones…, one line per customer, in number order. */
static char *
fingerprint (KefuDb *db)
{
  GString *out = g_string_new (NULL);
  sqlite3_stmt *stmt = kefu_db_prepare (db,
                                        "SELECT c.number, c.name, ifnull (c.company, ''), c.segment,"
                                        " (SELECT group_concat (k.value, '|') FROM"
                                        "   (SELECT value FROM customer_contact WHERE customer_id = c.id"
                                        "    ORDER BY position) k)"
                                        " FROM customer c ORDER BY c.number", NULL);

  g_assert_nonnull (stmt);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_string_append_printf (out, "%s\t%s\t%s\t%s\t%s\n",
                            kefu_stmt_text (stmt, 0), kefu_stmt_text (stmt, 1),
                            kefu_stmt_text (stmt, 2), kefu_stmt_text (stmt, 3),
                            kefu_stmt_text (stmt, 4));
  sqlite3_reset (stmt);
  return g_string_free (out, FALSE);
}

static void
test_same_seed_same_data (void)
{
  g_autoptr(KefuTestDb) a = generate (42, 600, 3);
  g_autoptr(KefuTestDb) b = generate (42, 600, 3);
  g_autoptr(KefuTestDb) c = generate (43, 600, 3);
  g_autofree char *fa = fingerprint (a->db);
  g_autofree char *fb = fingerprint (b->db);
  g_autofree char *fc = fingerprint (c->db);

  g_assert_cmpuint (strlen (fa), >, 0);
  g_assert_cmpstr (fa, ==, fb);
  g_assert_cmpstr (fa, !=, fc);
  g_assert_cmpint (kefu_test_count (a->db, "SELECT count(*) FROM staff"), ==,
                   kefu_test_count (b->db, "SELECT count(*) FROM staff"));
}

static void
test_counts_and_organisation (void)
{
  g_autoptr(KefuTestDb) t = generate (7, N_CUSTOMERS, N_BRANCHES);
  g_autoptr(KefuOrgUnit) office = kefu_org_get_office (t->db);
  g_autoptr(KefuStaff) user = kefu_org_get_current_user (t->db);

  g_assert_cmpint (kefu_test_count (t->db, "SELECT count(*) FROM customer WHERE deleted = 0"), ==, N_CUSTOMERS);
  g_assert_cmpint (kefu_test_count (t->db, "SELECT count(*) FROM org_unit WHERE level = 'branch'"), ==, N_BRANCHES);
  g_assert_cmpint (kefu_test_count (t->db, "SELECT count(*) FROM org_unit WHERE level = 'hq'"), ==, 1);
  g_assert_cmpint (kefu_test_count (t->db, "SELECT count(*) FROM org_unit WHERE level = 'province'"), >=, 2);
  /* Every unit but headquarters hangs under another. */
  g_assert_cmpint (kefu_test_count (t->db, "SELECT count(*) FROM org_unit WHERE parent_id IS NULL"), ==, 1);
  g_assert_cmpint (kefu_test_count (t->db, "SELECT count(*) FROM department"), ==, 4 * N_BRANCHES);
  g_assert_cmpint (kefu_test_count (t->db, "SELECT count(*) FROM staff WHERE is_courier = 1"), >=, 2 * N_BRANCHES);
  g_assert_cmpint (kefu_test_count (t->db, "SELECT count(*) FROM staff WHERE role = 'trainer'"), >=, 1);
  g_assert_cmpint (kefu_test_count (t->db, "SELECT count(*) FROM customer_note"), >, 0);

  g_assert_nonnull (office);
  g_assert_cmpstr (office->code, ==, "SZ0101");
  g_assert_nonnull (user);
  g_assert_cmpstr (user->role, ==, "admin");
  g_assert_cmpstr (user->org_unit_id, ==, office->id);

  /* Both kinds, and only account managers of the customer's branch. */
  g_assert_cmpint (kefu_test_count (t->db, "SELECT count(*) FROM customer WHERE kind = 'enterprise'"), >, N_CUSTOMERS / 5);
  g_assert_cmpint (kefu_test_count (t->db, "SELECT count(*) FROM customer WHERE kind = 'person'"), >, N_CUSTOMERS / 2);
  g_assert_cmpint (kefu_test_count (t->db,
                                    "SELECT count(*) FROM customer c JOIN staff s ON s.id = c.manager_id"
                                    " WHERE s.org_unit_id <> c.branch_id"), ==, 0);
}

static void
test_phones_are_valid (void)
{
  g_autoptr(KefuTestDb) t = generate (11, N_CUSTOMERS, N_BRANCHES);
  sqlite3_stmt *stmt = kefu_db_prepare (t->db,
                                        "SELECT value, normalized FROM customer_contact WHERE kind = 'phone'",
                                        NULL);
  guint n = 0, landlines = 0, styled = 0;

  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *value = kefu_stmt_text (stmt, 0);
      g_autofree char *normalized = kefu_phone_normalize (value);

      g_assert_true (kefu_phone_is_plausible (normalized));
      g_assert_cmpstr (normalized, ==, kefu_stmt_text (stmt, 1));
      if (normalized[0] == '0')
        landlines++;
      else
        g_assert_cmpuint (strlen (normalized), ==, 11);
      if (strcmp (normalized, value) != 0)
        styled++;
      n++;
    }
  sqlite3_reset (stmt);
  g_assert_cmpuint (n, >=, N_CUSTOMERS);
  g_assert_cmpuint (landlines, >, 0);
  g_assert_cmpuint (styled, >, 0);
}

static void
test_segment_mix (void)
{
  g_autoptr(KefuTestDb) t = generate (5, N_CUSTOMERS, N_BRANCHES);
  int regular = kefu_test_count (t->db, "SELECT count(*) FROM customer WHERE segment = 'regular'");

  g_assert_cmpint (kefu_test_count (t->db, "SELECT count(DISTINCT segment) FROM customer"), >=, 3);
  /* Regular customers are the bulk, but not everyone. */
  g_assert_cmpint (regular, >, N_CUSTOMERS / 3);
  g_assert_cmpint (regular, <, N_CUSTOMERS * 9 / 10);
}

static void
test_duplicates_present (void)
{
  g_autoptr(KefuTestDb) t = generate (3, N_CUSTOMERS, N_BRANCHES);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) pairs = kefu_customers_find_duplicates (t->db, 100, &error);
  gboolean by_phone = FALSE;

  g_assert_no_error (error);
  g_assert_nonnull (pairs);
  g_assert_cmpuint (pairs->len, >, 0);
  for (guint i = 0; i < pairs->len; i++)
    {
      KefuDuplicatePair *p = g_ptr_array_index (pairs, i);

      by_phone |= g_strcmp0 (p->reason, "phone") == 0;
    }
  g_assert_true (by_phone);
}

static void
test_audit_and_outbox_for_each_customer (void)
{
  g_autoptr(KefuTestDb) t = generate (9, N_CUSTOMERS, N_BRANCHES);

  /* Customers are written in bulk: one summarised audit entry per write,
   * whose counts add up to every customer. */
  g_assert_cmpint (kefu_test_count (t->db,
                                    "SELECT sum (json_extract (changes, '$.customers')) FROM audit_log"
                                    " WHERE entity = 'customer' AND op = 'import'"), ==,
                   kefu_test_count (t->db, "SELECT count(*) FROM customer"));
  g_assert_cmpint (kefu_test_count (t->db,
                                    "SELECT count(*) FROM customer c WHERE NOT EXISTS"
                                    " (SELECT 1 FROM outbox o WHERE o.row_id = c.id AND o.op = 'insert'"
                                    "  AND o.entity = 'customer')"), ==, 0);
  g_assert_cmpint (kefu_test_count (t->db,
                                    "SELECT count(*) FROM customer_contact k WHERE NOT EXISTS"
                                    " (SELECT 1 FROM outbox o WHERE o.row_id = k.id)"), ==, 0);
  /* The organisation too. */
  g_assert_cmpint (kefu_test_count (t->db,
                                    "SELECT count(*) FROM department d WHERE NOT EXISTS"
                                    " (SELECT 1 FROM outbox o WHERE o.row_id = d.id)"), ==, 0);
}

static void
test_search_finds_sample_customers (void)
{
  g_autoptr(KefuTestDb) t = generate (13, N_CUSTOMERS, N_BRANCHES);
  KefuCustomerQuery q = { .text = (char *) "深圳" };
  g_autoptr(GError) error = NULL;
  guint n = 0;

  g_assert_true (kefu_customers_count (t->db, &q, &n, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n, >, 0);
}

/* The list's count and pages agree with a plain scan of the table, for
 * searches, filters, offsets and deleted files. */
static GArray *
scan_rowids (KefuDb           *db,
             const char       *fragment,
             const char       *segment,
             KefuCustomerSort  sort)
{
  GArray *ret = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autofree char *like = g_strdup_printf ("%%%s%%", fragment ? fragment : "");
  g_autofree char *sql = g_strdup_printf ("SELECT c.rowid FROM customer c WHERE c.deleted = 0"
                                          " AND (?2 IS NULL OR c.segment = ?2)"
                                          " AND (c.name LIKE ?1 OR ifnull (c.company, '') LIKE ?1 OR c.number LIKE ?1"
                                          "      OR EXISTS (SELECT 1 FROM customer_contact k WHERE k.customer_id = c.id"
                                          "                 AND k.kind = 'phone' AND k.normalized LIKE ?1))"
                                          " ORDER BY %s",
                                          sort == KEFU_CUSTOMER_SORT_LAST_CONTACT ? "c.last_contact_at DESC, c.rowid DESC"
                                          : sort == KEFU_CUSTOMER_SORT_VALUE ? "c.monthly_spend_cents DESC, c.rowid DESC"
                                          : "c.sort_key, c.rowid");
  sqlite3_stmt *stmt = kefu_db_prepare (db, sql, NULL);

  g_assert_nonnull (stmt);
  sqlite3_bind_text (stmt, 1, like, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, segment, -1, SQLITE_STATIC);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      gint64 rowid = sqlite3_column_int64 (stmt, 0);

      g_array_append_val (ret, rowid);
    }
  sqlite3_reset (stmt);
  return ret;
}

static void
check_sorted_query (KefuDb           *db,
                    const char       *fragment,
                    const char       *segment,
                    KefuCustomerSort  sort)
{
  KefuCustomerQuery q = { .text = (char *) fragment, .segment = (char *) segment, .sort = sort };
  g_autoptr(GArray) expected = scan_rowids (db, fragment, segment, sort);
  g_autoptr(GArray) rows = g_array_new (FALSE, TRUE, sizeof (KefuCustomerSummary));
  g_autoptr(GError) error = NULL;
  guint n = 0;

  g_array_set_clear_func (rows, (GDestroyNotify) kefu_customer_summary_clear);
  g_assert_true (kefu_customers_count (db, &q, &n, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, expected->len);

  g_assert_true (kefu_customers_page (db, &q, 0, 5000, rows, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, expected->len);
  for (guint i = 0; i < rows->len; i++)
    g_assert_cmpint (g_array_index (rows, KefuCustomerSummary, i).rowid, ==, g_array_index (expected, gint64, i));

  /* A first page: dense searches take another way for it. */
  g_array_set_size (rows, 0);
  g_assert_true (kefu_customers_page (db, &q, 0, 100, rows, &error));
  g_assert_cmpuint (rows->len, ==, MIN (expected->len, 100));
  for (guint i = 0; i < rows->len; i++)
    g_assert_cmpint (g_array_index (rows, KefuCustomerSummary, i).rowid, ==, g_array_index (expected, gint64, i));

  if (expected->len > 7)
    {
      g_array_set_size (rows, 0);
      g_assert_true (kefu_customers_page (db, &q, 3, 4, rows, &error));
      g_assert_cmpuint (rows->len, ==, 4);
      for (guint i = 0; i < 4; i++)
        g_assert_cmpint (g_array_index (rows, KefuCustomerSummary, i).rowid, ==, g_array_index (expected, gint64, i + 3));
    }
}

static void
check_query (KefuDb     *db,
             const char *fragment,
             const char *segment)
{
  check_sorted_query (db, fragment, segment, KEFU_CUSTOMER_SORT_NAME);
}

static void
test_search_agrees_with_scan (void)
{
  g_autoptr(KefuTestDb) t = generate (17, N_CUSTOMERS, N_BRANCHES);
  g_autoptr(GArray) hits = scan_rowids (t->db, "电子", NULL, KEFU_CUSTOMER_SORT_NAME);
  g_autofree char *name = NULL;
  g_autofree char *phone = NULL;
  sqlite3_stmt *stmt;

  g_assert_cmpuint (hits->len, >, 10);
  /* Deleted files must drop out of counts and pages. */
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *id = NULL;

      stmt = kefu_db_prepare (t->db, "SELECT id FROM customer WHERE rowid = ?", NULL);
      sqlite3_bind_int64 (stmt, 1, g_array_index (hits, gint64, i * 2));
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
      id = kefu_stmt_dup (stmt, 0);
      sqlite3_reset (stmt);
      g_assert_true (kefu_customers_delete (t->db, id, NULL));
    }

  stmt = kefu_db_prepare (t->db,
                          "SELECT c.name, k.normalized FROM customer c JOIN customer_contact k ON k.customer_id = c.id"
                          " WHERE k.kind = 'phone' AND length (k.normalized) = 11 ORDER BY c.rowid LIMIT 1 OFFSET 40",
                          NULL);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  name = kefu_stmt_dup (stmt, 0);
  phone = kefu_stmt_dup (stmt, 1);
  sqlite3_reset (stmt);
  phone[8] = '\0';   /* a fragment from the middle: digits 4 to 8 */

  check_query (t->db, NULL, NULL);
  check_query (t->db, NULL, "vip");
  check_query (t->db, "电子", NULL);
  check_query (t->db, "电子", "regular");
  check_query (t->db, "深圳", NULL);
  /* Rare, frequent and very frequent words take three different ways
   * to their first page (see choose_search_plan()). */
  check_query (t->db, "市", NULL);
  check_sorted_query (t->db, "市", NULL, KEFU_CUSTOMER_SORT_LAST_CONTACT);
  check_query (t->db, "有限", NULL);
  check_query (t->db, "有限", "vip");
  check_sorted_query (t->db, "有限", NULL, KEFU_CUSTOMER_SORT_LAST_CONTACT);
  check_sorted_query (t->db, "有限", NULL, KEFU_CUSTOMER_SORT_VALUE);
  check_sorted_query (t->db, "电子", NULL, KEFU_CUSTOMER_SORT_VALUE);
  check_sorted_query (t->db, NULL, NULL, KEFU_CUSTOMER_SORT_LAST_CONTACT);
  check_query (t->db, name, NULL);
  check_query (t->db, phone + 3, NULL);

  /* Past a few hundred deleted files the count takes another way. */
  {
    g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);

    stmt = kefu_db_prepare (t->db, "SELECT id FROM customer WHERE deleted = 0 AND rowid % 5 = 0", NULL);
    while (sqlite3_step (stmt) == SQLITE_ROW)
      g_ptr_array_add (ids, kefu_stmt_dup (stmt, 0));
    sqlite3_reset (stmt);
    g_assert_cmpuint (ids->len, >, 250);
    for (guint i = 0; i < ids->len; i++)
      g_assert_true (kefu_customers_delete (t->db, g_ptr_array_index (ids, i), NULL));
  }
  check_query (t->db, NULL, NULL);
  check_query (t->db, "电子", NULL);
  check_query (t->db, phone + 3, NULL);
}

static void
test_default_options_are_quick (void)
{
  KefuSampleOptions opts = kefu_sample_default_options ();
  g_autoptr(KefuTestDb) t = generate (opts.seed, opts.n_customers, opts.n_branches);

  g_assert_cmpuint (opts.n_customers, >=, 1000);
  g_assert_cmpint (kefu_test_count (t->db, "SELECT count(*) FROM customer"), ==, (int) opts.n_customers);
}

static void
progress_cb (double   fraction,
             gpointer user_data)
{
  double *last = user_data;

  g_assert_cmpfloat (fraction, >=, *last);
  g_assert_cmpfloat (fraction, <=, 1.0);
  *last = fraction;
}

static void
test_progress_and_refusal (void)
{
  g_autoptr(KefuTestDb) t = kefu_test_db_new (FALSE);
  KefuSampleOptions opts = { .seed = 1, .n_customers = 12000, .n_branches = 2 };
  g_autoptr(GError) error = NULL;
  double last = 0.0;

  g_assert_true (kefu_sample_generate (t->db, &opts, progress_cb, &last, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (last, ==, 1.0);

  /* Once set up, a database takes no second helping of sample data. */
  g_assert_false (kefu_sample_generate (t->db, &opts, NULL, NULL, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sample/deterministic", test_same_seed_same_data);
  g_test_add_func ("/sample/counts-and-organisation", test_counts_and_organisation);
  g_test_add_func ("/sample/phones-valid", test_phones_are_valid);
  g_test_add_func ("/sample/segment-mix", test_segment_mix);
  g_test_add_func ("/sample/duplicates", test_duplicates_present);
  g_test_add_func ("/sample/audit-and-outbox", test_audit_and_outbox_for_each_customer);
  g_test_add_func ("/sample/search", test_search_finds_sample_customers);
  g_test_add_func ("/sample/search-agrees-with-scan", test_search_agrees_with_scan);
  g_test_add_func ("/sample/default-options", test_default_options_are_quick);
  g_test_add_func ("/sample/progress-and-refusal", test_progress_and_refusal);

  return g_test_run ();
}
