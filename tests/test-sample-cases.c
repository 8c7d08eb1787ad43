/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "kefu-case-list.h"
#include "kefu-cases.h"
#include "kefu-sample.h"
#include "kefu-sample-cases.h"
#include "kefu-sla.h"
#include "kefu-test-util.h"
#include "kefu-tracking.h"

#define N_CASES 3000

static void
add_staff (KefuDb     *db,
           const char *office,
           const char *username,
           const char *name,
           const char *role)
{
  KefuStaff s = { 0 };
  g_autoptr(GError) error = NULL;

  s.org_unit_id = (char *) office;
  s.username = (char *) username;
  s.name = (char *) name;
  s.role = (char *) role;
  s.auth_limit_cents = g_str_equal (role, "agent") ? 50000 : 1000000;
  g_assert_true (kefu_org_create_staff (db, &s, &error));
  g_free (s.id);
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

/* An office with three staff and 200 customers, the clock at
 * 15 June 2026 10:00, and N_CASES sample cases. */
static KefuTestDb *
sample_db (guint32 seed)
{
  KefuTestDb *t = kefu_test_db_new (TRUE);
  g_autoptr(KefuOrgUnit) office = kefu_org_get_office (t->db);
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) kefu_customer_free);
  g_autoptr(GError) error = NULL;
  double last = 0;

  add_staff (t->db, office->id, "wangfang", "王芳", "agent");
  add_staff (t->db, office->id, "liuyang", "刘洋", "agent");
  add_staff (t->db, office->id, "chenjing", "陈静", "supervisor");
  for (guint i = 0; i < 200; i++)
    {
      KefuCustomer *c = kefu_customer_new ();
      g_autofree char *phone = g_strdup_printf ("1380000%04u", i);

      c->name = g_strdup_printf ("客户%03u", i);
      c->kind = g_strdup ("person");
      kefu_customer_add_contact (c, "phone", NULL, phone);
      g_ptr_array_add (batch, c);
    }
  g_assert_true (kefu_customers_create_many (t->db, batch, NULL, &error));
  kefu_cases_set_clock (t->db, kefu_local_time_ms (2026, 6, 15, 10, 0));
  kefu_sample_generate_cases (t->db, seed, N_CASES, progress_cb, &last, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (last, ==, 1.0);
  return t;
}

static char *
fingerprint (KefuDb *db)
{
  GString *out = g_string_new (NULL);
  sqlite3_stmt *stmt = kefu_db_prepare (db,
                                        "SELECT number, status, subject, created_at, coalesce (tracking_number, ''),"
                                        " coalesce (claim_amount_cents, 0), (SELECT count(*) FROM case_event e WHERE e.case_id = k.id)"
                                        " FROM kcase k ORDER BY rowid", NULL);

  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_string_append_printf (out, "%s|%s|%s|%lld|%s|%lld|%d\n", kefu_stmt_text (stmt, 0), kefu_stmt_text (stmt, 1),
                            kefu_stmt_text (stmt, 2), (long long) sqlite3_column_int64 (stmt, 3),
                            kefu_stmt_text (stmt, 4), (long long) sqlite3_column_int64 (stmt, 5),
                            sqlite3_column_int (stmt, 6));
  sqlite3_reset (stmt);
  return g_string_free (out, FALSE);
}

static void
test_realistic (void)
{
  g_autoptr(KefuTestDb) t = sample_db (7);
  KefuDb *db = t->db;
  sqlite3_stmt *stmt;
  int events = kefu_test_count (db, "SELECT count(*) FROM case_event");
  int closed = kefu_test_count (db, "SELECT count(*) FROM kcase WHERE status = 'closed'");

  g_assert_cmpint (kefu_test_count (db, "SELECT count(*) FROM kcase"), ==, N_CASES);
  g_test_message ("%d events, %d closed", events, closed);
  /* Timelines of 3 to 8 events, claims and escalations a few more. */
  g_assert_cmpint (kefu_test_count (db, "SELECT count(*) FROM kcase k WHERE (SELECT count(*) FROM case_event e WHERE e.case_id = k.id) < 3"), ==, 0);
  g_assert_cmpint (kefu_test_count (db, "SELECT count(*) FROM kcase k WHERE (SELECT count(*) FROM case_event e WHERE e.case_id = k.id) > 8"), <, N_CASES / 10);
  g_assert_cmpint (events, >=, 4 * N_CASES);
  g_assert_cmpint (events, <=, 7 * N_CASES);
  /* Mostly closed, some open, every kind. */
  g_assert_cmpint (closed, >, N_CASES * 8 / 10);
  g_assert_cmpint (kefu_test_count (db, "SELECT count(*) FROM kcase WHERE status IN ('new','assigned','in_progress','waiting')"), >, 0);
  g_assert_cmpint (kefu_test_count (db, "SELECT count(DISTINCT kind) FROM kcase"), ==, 6);
  g_assert_cmpint (kefu_test_count (db, "SELECT count(DISTINCT channel) FROM kcase"), ==, 6);
  /* Closed cases have a resolution and a follow-up call; many have an
   * answer, some low. */
  g_assert_cmpint (kefu_test_count (db, "SELECT count(*) FROM kcase WHERE status = 'closed' AND (resolution IS NULL OR closed_at < resolved_at)"), ==, 0);
  g_assert_cmpint (kefu_test_count (db, "SELECT count(*) FROM follow_up WHERE kind = 'follow_up'"), ==, closed);
  g_assert_cmpint (kefu_test_count (db, "SELECT count(*) FROM survey_answer"), >, closed / 2);
  g_assert_cmpint (kefu_test_count (db, "SELECT count(*) FROM survey_answer WHERE satisfaction NOT BETWEEN 1 AND 5 OR nps NOT BETWEEN 0 AND 10"), ==, 0);
  g_assert_cmpint (kefu_test_count (db, "SELECT count(*) FROM follow_up WHERE kind = 'recovery'"), >, 0);
  /* Claims: decided ones approved within the limit or by a supervisor;
   * closed ones with compensation paid. */
  g_assert_cmpint (kefu_test_count (db, "SELECT count(*) FROM kcase WHERE kind = 'claim' AND decision IS NOT NULL"), >, 0);
  g_assert_cmpint (kefu_test_count (db, "SELECT count(*) FROM kcase WHERE kind = 'claim' AND status = 'closed' AND approved_amount_cents > 0 AND payment_date IS NULL"), ==, 0);
  g_assert_cmpint (kefu_test_count (db, "SELECT count(*) FROM kcase WHERE kind = 'claim' AND (claim_amount_cents <= 0 OR claim_amount_cents > 100000000)"), ==, 0);
  /* No case is due in the past without being escalated. */
  g_assert_cmpint (kefu_test_count (db, "SELECT count(*) FROM kcase WHERE next_due IS NOT NULL AND escalated = 0 AND next_due < (SELECT max(created_at) FROM kcase)"), ==, 0);
  /* Bulk sample rows are not pushed; the customers' activity is. */
  g_assert_cmpint (kefu_test_count (db, "SELECT count(*) FROM outbox WHERE entity IN ('kcase','case_event','follow_up','survey_answer')"), ==, 0);
  g_assert_cmpint (kefu_test_count (db, "SELECT count(*) FROM outbox WHERE entity = 'customer' AND op = 'update'"), >, 150);
  g_assert_cmpint (kefu_test_count (db, "SELECT count(*) FROM customer WHERE last_contact_at IS NULL"), ==, 0);

  /* Tracking numbers: S10 ones have the right check digit. */
  stmt = kefu_db_prepare (db, "SELECT tracking_number FROM kcase WHERE tracking_number IS NOT NULL", NULL);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_autoptr(GError) error = NULL;

      if (!kefu_tracking_validate (kefu_stmt_text (stmt, 0), &error))
        g_error ("%s: %s", kefu_stmt_text (stmt, 0), error->message);
    }
  sqlite3_reset (stmt);
  g_assert_cmpint (kefu_test_count (db, "SELECT count(*) FROM kcase WHERE tracking_number GLOB '[A-Z][A-Z][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][A-Z][A-Z]'"), >, N_CASES / 3);

  /* Searchable in Chinese, and queues have work in them. */
  {
    KefuCaseQuery q = { .text = (char *) "破损" };
    KefuCaseQuery overdue = { .queue = KEFU_CASE_QUEUE_OVERDUE };
    guint n = 0;

    g_assert_true (kefu_cases_count (db, &q, &n, NULL));
    g_assert_cmpuint (n, >, 50);
    q.text = (char *) "客户007";
    g_assert_true (kefu_cases_count (db, &q, &n, NULL));
    g_assert_cmpuint (n, >, 0);
    g_assert_true (kefu_cases_count (db, &overdue, &n, NULL));
    g_assert_cmpuint (n, >, 0);
  }
  /* Case numbers count per day from 0001. */
  g_assert_cmpint (kefu_test_count (db, "SELECT count(*) FROM kcase WHERE number LIKE '%0001'"), >, 500);
}

static void
test_deterministic (void)
{
  g_autoptr(KefuTestDb) a = sample_db (11);
  g_autoptr(KefuTestDb) b = sample_db (11);
  g_autoptr(KefuTestDb) c = sample_db (12);
  g_autofree char *fa = fingerprint (a->db);
  g_autofree char *fb = fingerprint (b->db);
  g_autofree char *fc = fingerprint (c->db);

  g_assert_cmpstr (fa, ==, fb);
  g_assert_cmpstr (fa, !=, fc);
}

static void
test_needs_customers (void)
{
  g_autoptr(KefuTestDb) t = kefu_test_db_new (TRUE);
  g_autoptr(GError) error = NULL;

  g_assert_false (kefu_sample_generate_cases (t->db, 1, 10, NULL, NULL, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
  g_assert_cmpint (kefu_test_count (t->db, "SELECT count(*) FROM kcase"), ==, 0);
}

/* An office database holds its own branch's cases; the spread mode (the
 * dashboard benchmark's regional database) gives each case its
 * customer's branch. */
static void
test_spread (void)
{
  g_autoptr(KefuTestDb) office = kefu_test_db_new (FALSE);
  g_autoptr(KefuTestDb) region = kefu_test_db_new (FALSE);
  KefuSampleOptions opts = { .seed = 5, .n_customers = 300, .n_branches = 6 };
  g_autoptr(GError) error = NULL;
  const char *branches = "SELECT count(DISTINCT branch_id) FROM kcase";

  g_assert_true (kefu_sample_generate (office->db, &opts, NULL, NULL, &error));
  g_assert_true (kefu_sample_generate (region->db, &opts, NULL, NULL, &error));
  g_assert_true (kefu_sample_generate_cases (office->db, 2, 300, NULL, NULL, &error));
  g_assert_true (kefu_sample_generate_cases_spread (region->db, 2, 300, NULL, NULL, &error));
  g_assert_no_error (error);

  g_assert_cmpint (kefu_test_count (office->db, branches), ==, 1);
  g_assert_cmpint (kefu_test_count (office->db, "SELECT count(*) FROM kcase WHERE branch_id = (SELECT value FROM meta WHERE key = 'office_id')"), ==, 300);
  g_assert_cmpint (kefu_test_count (region->db, "SELECT count(*) FROM kcase"), ==, 300);
  g_assert_cmpint (kefu_test_count (region->db, branches), >, 1);
  /* Each case is its customer's branch's. */
  g_assert_cmpint (kefu_test_count (region->db, "SELECT count(*) FROM kcase k JOIN customer c ON c.id = k.customer_id"
                                                " WHERE c.branch_id IS NOT NULL AND c.branch_id != k.branch_id"), ==, 0);
}

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  guint      *n_signals)
{
  (*n_signals)++;
}

static void
test_case_list_pages (void)
{
  g_autoptr(KefuTestDb) t = sample_db (3);
  g_autoptr(KefuCaseList) list = kefu_case_list_new (t->db);
  KefuCaseQuery q = { 0 };
  guint n_signals = 0;

  g_signal_connect (list, "items-changed", G_CALLBACK (items_changed_cb), &n_signals);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, N_CASES);
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (list)) == KEFU_TYPE_CASE_ITEM);
  /* Counting loads no rows. */
  g_assert_cmpuint (kefu_case_list_get_n_pages_loaded (list), ==, 0);
  {
    g_autoptr(KefuCaseItem) first = g_list_model_get_item (G_LIST_MODEL (list), 0);
    g_autoptr(KefuCaseItem) second = g_list_model_get_item (G_LIST_MODEL (list), 1);
    g_autoptr(KefuCaseItem) last = g_list_model_get_item (G_LIST_MODEL (list), N_CASES - 1);

    /* Newest first. */
    g_assert_cmpint (kefu_case_item_get_summary (first)->created_at, >=, kefu_case_item_get_summary (second)->created_at);
    g_assert_cmpint (kefu_case_item_get_summary (second)->created_at, >=, kefu_case_item_get_summary (last)->created_at);
    g_assert_nonnull (kefu_case_item_get_summary (first)->customer_name);
    g_assert_cmpuint (kefu_case_list_find (list, kefu_case_item_get_id (last)), ==, N_CASES - 1);
    g_assert_null (g_list_model_get_item (G_LIST_MODEL (list), N_CASES));
  }
  g_assert_cmpuint (kefu_case_list_get_n_pages_loaded (list), ==, 2);
  for (guint i = 0; i < N_CASES; i += 7)
    g_object_unref (g_list_model_get_item (G_LIST_MODEL (list), i));
  g_assert_cmpuint (kefu_case_list_get_n_pages_loaded (list), <=, 12);

  q.queue = KEFU_CASE_QUEUE_BRANCH;
  kefu_case_list_set_query (list, &q);
  g_assert_cmpuint (n_signals, ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==,
                    (guint) kefu_test_count (t->db, "SELECT count(*) FROM kcase WHERE status IN ('new','assigned','in_progress','waiting')"));
  q.queue = KEFU_CASE_QUEUE_ALL;
  q.text = (char *) "改地址";
  kefu_case_list_set_query (list, &q);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==,
                    (guint) kefu_test_count (t->db, "SELECT count(*) FROM kcase WHERE subject = '改地址'"));
  g_assert_cmpstr (kefu_case_list_get_query (list)->text, ==, "改地址");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  kefu_calendar_set_data_dir (SRCDIR "/data/calendars");

  g_test_add_func ("/sample-cases/realistic", test_realistic);
  g_test_add_func ("/sample-cases/deterministic", test_deterministic);
  g_test_add_func ("/sample-cases/needs-customers", test_needs_customers);
  g_test_add_func ("/sample-cases/spread", test_spread);
  g_test_add_func ("/case-list/pages-on-demand", test_case_list_pages);

  return g_test_run ();
}
