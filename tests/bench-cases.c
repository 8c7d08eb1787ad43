/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Case benchmark: builds (or reuses) a database with sample cases and
 * times the operations the case budgets name, beside raw SQLite figures
 * for the same kind of work.
 *
 *   bench-cases DB-PATH [N-CASES [N-CUSTOMERS]]
 *
 * A new database gets an office, 10 branches' worth of staff in one
 * office (40 agents, 4 supervisors) and N-CUSTOMERS plain customers
 * (the full sample organisation comes from kefu_sample_generate() in the
 * main tree), then N-CASES sample cases. Not part of the test suites:
 * timings are measured here, never asserted in tests. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "kefu-cases.h"
#include "kefu-cases-private.h"
#include "kefu-org.h"
#include "kefu-sample-cases.h"
#include "kefu-sla.h"
#include "kefu-text.h"

static int
cmp_double (const void *a,
            const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static void
report (const char *what,
        GArray     *ms)
{
  double *v = (double *) ms->data;

  qsort (v, ms->len, sizeof (double), cmp_double);
  printf ("%-44s n=%-5u p50 %8.3f ms   p95 %8.3f ms   max %8.3f ms\n", what, ms->len,
          v[ms->len / 2], v[(ms->len * 95) / 100], v[ms->len - 1]);
}

static double
now_ms (void)
{
  return (double) g_get_monotonic_time () / 1000.0;
}

static void
progress_cb (double   fraction,
             gpointer user_data)
{
  double *start = user_data;

  fprintf (stderr, "\r  %5.1f %%  %6.0f s", fraction * 100, (now_ms () - *start) / 1000);
}

static void
set_up (KefuDb *db,
        guint   n_customers)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KefuOrgUnit) office = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (1);
  static const char *surnames[] = { "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭" };
  static const char *given[] = { "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英", "建华", "晓燕" };

  if (!kefu_org_setup_office (db, "BJ0101", "北京朝阳营业部", "管理员", "admin", "admin", &error))
    g_error ("%s", error->message);
  office = kefu_org_get_office (db);
  for (guint i = 0; i < 44; i++)
    {
      KefuStaff s = { 0 };
      g_autofree char *username = g_strdup_printf ("staff%02u", i);
      g_autofree char *name = g_strdup_printf ("%s%s", surnames[i % 16], given[i % 20]);

      s.org_unit_id = office->id;
      s.username = username;
      s.name = name;
      s.role = (char *) (i < 40 ? "agent" : "supervisor");
      s.auth_limit_cents = i < 40 ? 50000 : 2000000;
      if (!kefu_org_create_staff (db, &s, &error))
        g_error ("%s", error->message);
      g_free (s.id);
    }
  for (guint start = 0; start < n_customers; start += 10000)
    {
      g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) kefu_customer_free);

      for (guint i = start; i < MIN (start + 10000, n_customers); i++)
        {
          KefuCustomer *c = kefu_customer_new ();
          g_autofree char *phone = g_strdup_printf ("13%09u", g_rand_int_range (rand, 0, 999999999));

          c->name = g_strdup_printf ("%s%s", surnames[g_rand_int_range (rand, 0, 16)], given[g_rand_int_range (rand, 0, 20)]);
          c->kind = g_strdup ("person");
          kefu_customer_add_contact (c, "phone", "mobile", phone);
          g_ptr_array_add (batch, c);
        }
      if (!kefu_customers_create_many (db, batch, NULL, &error))
        g_error ("%s", error->message);
    }
}

static void
time_queue (KefuDb             *db,
            const char         *name,
            const KefuCaseQuery *q)
{
  g_autoptr(GArray) ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) count_ms = g_array_new (FALSE, FALSE, sizeof (double));
  guint n = 0;

  for (guint r = 0; r < 21; r++)
    {
      g_autoptr(GArray) rows = g_array_new (FALSE, TRUE, sizeof (KefuCaseSummary));
      double t0, t1, t2;

      g_array_set_clear_func (rows, (GDestroyNotify) kefu_case_summary_clear);
      t0 = now_ms ();
      kefu_cases_count (db, q, &n, NULL);
      t1 = now_ms ();
      kefu_cases_page (db, q, 0, 50, rows, NULL);
      t2 = now_ms ();
      if (r > 0)
        {
          double c = t1 - t0, p = t2 - t1;

          g_array_append_val (count_ms, c);
          g_array_append_val (ms, p);
        }
    }
  {
    g_autofree char *label = g_strdup_printf ("queue %s: first page (%u rows)", name, n);
    g_autofree char *clabel = g_strdup_printf ("queue %s: count", name);

    report (label, ms);
    report (clabel, count_ms);
  }
}

int
main (int   argc,
      char *argv[])
{
  const char *path;
  guint n_cases, n_customers;
  g_autoptr(GError) error = NULL;
  g_autoptr(KefuDb) db = NULL;
  g_autoptr(GPtrArray) customers = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt;
  double start;

  if (argc < 2)
    {
      fprintf (stderr, "usage: %s DB-PATH [N-CASES [N-CUSTOMERS]]\n", argv[0]);
      return 2;
    }
  path = argv[1];
  n_cases = argc > 2 ? (guint) atoi (argv[2]) : 1000000;
  n_customers = argc > 3 ? (guint) atoi (argv[3]) : 100000;
  kefu_calendar_set_data_dir (SRCDIR "/data/calendars");

  db = kefu_db_open (path, &error);
  if (db == NULL)
    g_error ("%s", error->message);
  if (!kefu_org_is_set_up (db))
    {
      start = now_ms ();
      fprintf (stderr, "Setting up %u customers…\n", n_customers);
      set_up (db, n_customers);
      fprintf (stderr, "  %.1f s\nGenerating %u cases…\n", (now_ms () - start) / 1000, n_cases);
      start = now_ms ();
      if (!kefu_sample_generate_cases (db, 2026, n_cases, progress_cb, &start, &error))
        g_error ("%s", error->message);
      fprintf (stderr, "\n  %.1f s (%.0f cases/s)\n", (now_ms () - start) / 1000,
               n_cases / ((now_ms () - start) / 1000));
      kefu_db_exec (db, "ANALYZE", NULL);
    }
  else
    {
      g_autofree char *id = kefu_db_get_meta (db, "current_user_id");

      kefu_db_set_actor (db, id);
    }

  {
    sqlite3_stmt *s = kefu_db_prepare (db, "SELECT (SELECT count(*) FROM kcase), (SELECT count(*) FROM case_event),"
                                           " (SELECT count(*) FROM customer)", NULL);

    sqlite3_step (s);
    printf ("database: %lld cases, %lld events, %lld customers\n", (long long) sqlite3_column_int64 (s, 0),
            (long long) sqlite3_column_int64 (s, 1), (long long) sqlite3_column_int64 (s, 2));
    sqlite3_reset (s);
  }

  stmt = kefu_db_prepare (db, "SELECT id FROM customer WHERE deleted = 0 ORDER BY random() LIMIT 500", NULL);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (customers, kefu_stmt_dup (stmt, 0));
  sqlite3_reset (stmt);

  /* Saving a new case with its events (created + customer update). */
  {
    g_autoptr(GArray) ms = g_array_new (FALSE, FALSE, sizeof (double));
    g_autoptr(GArray) raw = g_array_new (FALSE, FALSE, sizeof (double));

    for (guint i = 0; i < 300; i++)
      {
        g_autoptr(KefuCase) c = kefu_case_new ();
        double t0, t1;

        c->customer_id = g_strdup (customers->pdata[i % customers->len]);
        c->kind = g_strdup (i % 3 ? "complaint" : "tracking");
        c->channel = g_strdup ("phone");
        c->subject = g_strdup ("快递破损，客户要求赔偿");
        c->description = g_strdup ("客户反映包裹外包装破损，内件手机屏幕碎裂。");
        c->tracking_number = g_strdup ("EE123456785CN");
        t0 = now_ms ();
        if (!kefu_cases_create (db, c, &error))
          g_error ("%s", error->message);
        t1 = now_ms ();
        if (i >= 10)
          {
            double d = t1 - t0;

            g_array_append_val (ms, d);
          }
      }
    report ("save a new case (kefu_cases_create)", ms);

    /* The same with WAL checkpoints taken off the saving path (as an idle
     * or background checkpoint would): shows how much of the tail is the
     * checkpoint that a commit triggers every ~1000 pages. */
    g_array_set_size (ms, 0);
    kefu_db_exec (db, "PRAGMA wal_autocheckpoint = 0", NULL);
    for (guint i = 0; i < 300; i++)
      {
        g_autoptr(KefuCase) c = kefu_case_new ();
        double t0, d;

        c->customer_id = g_strdup (customers->pdata[(i + 7) % customers->len]);
        c->kind = g_strdup ("complaint");
        c->channel = g_strdup ("counter");
        c->subject = g_strdup ("派送延误");
        c->description = g_strdup ("包裹已到达本网点三天仍未派送。");
        t0 = now_ms ();
        if (!kefu_cases_create (db, c, &error))
          g_error ("%s", error->message);
        d = now_ms () - t0;
        if (i >= 10)
          g_array_append_val (ms, d);
      }
    report ("save a new case, checkpoints deferred", ms);
    {
      double t0 = now_ms ();

      kefu_db_exec (db, "PRAGMA wal_checkpoint(PASSIVE)", NULL);
      printf ("%-44s %8.1f ms\n", "  the deferred checkpoint", now_ms () - t0);
    }
    kefu_db_exec (db, "PRAGMA wal_autocheckpoint = 1000", NULL);

    /* Raw SQLite: one row into a copy-free table with an index, per
     * transaction, for the machine's floor. */
    kefu_db_exec (db, "CREATE TEMP TABLE raw_bench (id TEXT PRIMARY KEY, a TEXT, b INTEGER)", NULL);
    for (guint i = 0; i < 300; i++)
      {
        sqlite3_stmt *s = kefu_db_prepare (db, "INSERT INTO raw_bench VALUES (?, 'x', ?)", NULL);
        g_autofree char *id = g_strdup_printf ("%u", i);
        double t0 = now_ms (), d;

        kefu_db_begin (db, NULL);
        sqlite3_bind_text (s, 1, id, -1, SQLITE_STATIC);
        sqlite3_bind_int (s, 2, (int) i);
        sqlite3_step (s);
        sqlite3_reset (s);
        kefu_db_commit (db, NULL);
        d = now_ms () - t0;
        g_array_append_val (raw, d);
      }
    report ("raw SQLite: one-row transaction", raw);
  }

  /* Search, 2-character Chinese terms included. */
  {
    const char *terms[] = { "破损", "延误", "赔偿", "改地址", "手机", "投递员", "EE12", "王伟", "查询物流", "丢件" };
    g_autoptr(GArray) ms = g_array_new (FALSE, FALSE, sizeof (double));
    g_autoptr(GArray) raw = g_array_new (FALSE, FALSE, sizeof (double));

    for (guint r = 0; r < 5; r++)
      for (guint i = 0; i < G_N_ELEMENTS (terms); i++)
        {
          KefuCaseQuery q = { .text = (char *) terms[i] };
          g_autoptr(GArray) rows = g_array_new (FALSE, TRUE, sizeof (KefuCaseSummary));
          g_autofree char *match = NULL;
          guint n = 0;
          double t0, d;

          g_array_set_clear_func (rows, (GDestroyNotify) kefu_case_summary_clear);
          t0 = now_ms ();
          kefu_cases_count (db, &q, &n, NULL);
          kefu_cases_page (db, &q, 0, 50, rows, NULL);
          d = now_ms () - t0;
          g_array_append_val (ms, d);
          if (r == 4)
            {
              g_autoptr(GArray) again = g_array_new (FALSE, TRUE, sizeof (KefuCaseSummary));
              double c0, c1, c2;

              g_array_set_clear_func (again, (GDestroyNotify) kefu_case_summary_clear);
              c0 = now_ms ();
              kefu_cases_count (db, &q, &n, NULL);
              c1 = now_ms ();
              kefu_cases_page (db, &q, 0, 50, again, NULL);
              c2 = now_ms ();
              printf ("  search %-10s %5u matches (capped at 1,000): count %6.2f ms, page %6.2f ms\n",
                      terms[i], n, c1 - c0, c2 - c1);
            }

          /* Raw: the first 50 rowids of the same match, straight from
           * the full-text index. */
          {
            sqlite3_stmt *s = kefu_db_prepare (db, "SELECT rowid FROM kcase_fts WHERE kcase_fts MATCH ? ORDER BY rowid DESC LIMIT 50", NULL);

            match = kefu_search_build_match (terms[i]);
            t0 = now_ms ();
            sqlite3_bind_text (s, 1, match, -1, SQLITE_STATIC);
            while (sqlite3_step (s) == SQLITE_ROW)
              ;
            sqlite3_reset (s);
            d = now_ms () - t0;
            g_array_append_val (raw, d);
          }
        }
    report ("case search: count + first page", ms);
    report ("raw SQLite: first 50 FTS rowids, same terms", raw);
  }

  /* First page of each queue. */
  {
    KefuCaseQuery q = { 0 };
    gint64 now = kefu_cases_get_now (db);
    g_autofree char *agent = NULL;
    sqlite3_stmt *s = kefu_db_prepare (db, "SELECT assignee_id FROM kcase WHERE assignee_id IS NOT NULL ORDER BY rowid DESC LIMIT 1", NULL);

    sqlite3_step (s);
    agent = kefu_stmt_dup (s, 0);
    sqlite3_reset (s);

    q.queue = KEFU_CASE_QUEUE_ALL;
    time_queue (db, "all", &q);
    q.queue = KEFU_CASE_QUEUE_MINE;
    q.staff_id = agent;
    time_queue (db, "mine", &q);
    q.staff_id = NULL;
    q.queue = KEFU_CASE_QUEUE_BRANCH;
    time_queue (db, "branch", &q);
    q.queue = KEFU_CASE_QUEUE_UNASSIGNED;
    time_queue (db, "unassigned", &q);
    q.queue = KEFU_CASE_QUEUE_OVERDUE;
    q.now_ms = now;
    time_queue (db, "overdue", &q);
    q.queue = KEFU_CASE_QUEUE_DUE_TODAY;
    time_queue (db, "due today", &q);
    q.queue = KEFU_CASE_QUEUE_AWAITING_APPROVAL;
    time_queue (db, "awaiting approval", &q);
    q.queue = KEFU_CASE_QUEUE_FOLLOW_UPS_DUE;
    time_queue (db, "follow-ups due", &q);
    q.queue = KEFU_CASE_QUEUE_ALL;
    q.now_ms = 0;
    q.kind = (char *) "claim";
    time_queue (db, "all claims", &q);
    q.kind = NULL;
    q.status = (char *) "waiting";
    time_queue (db, "all waiting", &q);
  }

  /* Timeline and intake look-up. */
  {
    g_autoptr(GArray) ms = g_array_new (FALSE, FALSE, sizeof (double));
    g_autoptr(GArray) look = g_array_new (FALSE, FALSE, sizeof (double));

    for (guint i = 0; i < 200; i++)
      {
        sqlite3_stmt *s = kefu_db_prepare (db, "SELECT id FROM kcase WHERE rowid = ?", NULL);
        g_autofree char *id = NULL;
        g_autoptr(GPtrArray) events = NULL;
        g_autoptr(GPtrArray) matches = NULL;
        double t0, d;

        sqlite3_bind_int64 (s, 1, 1 + (gint64) i * 4999);
        if (sqlite3_step (s) == SQLITE_ROW)
          id = kefu_stmt_dup (s, 0);
        sqlite3_reset (s);
        if (id == NULL)
          continue;
        t0 = now_ms ();
        events = kefu_cases_timeline (db, id, NULL);
        d = now_ms () - t0;
        g_array_append_val (ms, d);

        s = kefu_db_prepare (db, "SELECT value FROM customer_contact WHERE customer_id = ? AND kind = 'phone'", NULL);
        sqlite3_bind_text (s, 1, customers->pdata[i % customers->len], -1, SQLITE_STATIC);
        if (sqlite3_step (s) == SQLITE_ROW)
          {
            g_autofree char *phone = g_strdup_printf ("+86 %s", kefu_stmt_text (s, 0));

            sqlite3_reset (s);
            t0 = now_ms ();
            matches = kefu_cases_lookup_caller (db, phone, NULL);
            d = now_ms () - t0;
            g_array_append_val (look, d);
          }
        else
          sqlite3_reset (s);
      }
    report ("timeline of a case", ms);
    report ("intake look-up by phone (+86 …)", look);
  }

  /* The SLA check over every running case. */
  {
    guint warned = 0, escalated = 0;
    double t0 = now_ms ();

    if (!kefu_cases_check_sla (db, kefu_cases_get_now (db), 80, &warned, &escalated, &error))
      g_error ("%s", error->message);
    printf ("%-44s %8.1f ms (%u warned, %u escalated)\n", "SLA check, first run", now_ms () - t0, warned, escalated);
    t0 = now_ms ();
    kefu_cases_check_sla (db, kefu_cases_get_now (db), 80, &warned, &escalated, &error);
    printf ("%-44s %8.1f ms (%u warned, %u escalated)\n", "SLA check, next run", now_ms () - t0, warned, escalated);
  }
  return 0;
}
