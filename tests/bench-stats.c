/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Dashboard benchmark: builds (or reuses) a sample network with N cases
 * and times every dashboard figure for a month of one branch and of a
 * whole province, and the monthly report PDF, beside raw SQLite reading
 * the same rows through the same index in the same run.
 *
 *   bench-stats DB-PATH [N-CASES [N-CUSTOMERS]]
 *
 * A new database gets the sample organisation (60 branches in 8
 * provinces, kefu_sample_generate()), N-CUSTOMERS customers and N-CASES
 * sample cases spread over all branches (kefu_sample_generate_cases_spread(),
 * two years up to now). Not part of the test suites: timings are measured
 * here, never asserted in tests. See docs/benchmarks.md. */
#include "config.h"

#include <cairo-pdf.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "kefu-cases.h"
#include "kefu-org.h"
#include "kefu-report-pages.h"
#include "kefu-sample.h"
#include "kefu-sample-cases.h"
#include "kefu-sla.h"
#include "kefu-stats.h"

#define RUNS 11

static double
now_ms (void)
{
  return g_get_monotonic_time () / 1000.0;
}

static double
cpu_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int
cmp_double (const void *a,
            const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static double
median (double *v,
        guint   n)
{
  qsort (v, n, sizeof (double), cmp_double);
  return v[n / 2];
}

static void
progress_cb (double   fraction,
             gpointer user_data)
{
  double *start = user_data;

  fprintf (stderr, "\r  %5.1f %%  %6.0f s", fraction * 100, (now_ms () - *start) / 1000);
}

static char *
query_text (KefuDb     *db,
            const char *sql)
{
  sqlite3_stmt *stmt = kefu_db_prepare (db, sql, NULL);
  char *v = NULL;

  if (stmt && sqlite3_step (stmt) == SQLITE_ROW)
    v = kefu_stmt_dup (stmt, 0);
  if (stmt)
    sqlite3_reset (stmt);
  return v;
}

/* The same rows the figures read, through the same indexes, aggregated
 * by SQLite alone: the period's cases whole with their latest follow-up
 * answer, the other months of the trend from the indexes only (kind,
 * category, answer). The machine's limit for this amount of reading. */
static double
raw_yardstick (KefuDb     *db,
               GPtrArray  *branches,
               gint64      trend_from,
               gint64      from,
               gint64      to,
               guint      *n_rows)
{
  sqlite3 *h = kefu_db_get_handle (db);
  sqlite3_stmt *period = NULL, *trend = NULL;
  double t0 = now_ms ();

  *n_rows = 0;
  sqlite3_prepare_v2 (h,
                      "SELECT count(*), sum(k.resolved_at IS NOT NULL), sum(k.first_response_at <= k.first_response_due),"
                      " sum(k.claim_amount_cents), count(DISTINCT k.assignee_id), count(DISTINCT k.channel), max(k.next_due),"
                      " avg((SELECT satisfaction FROM survey_answer INDEXED BY survey_by_case_answer"
                      "      WHERE case_id = k.id AND deleted = 0 ORDER BY at DESC LIMIT 1)),"
                      " avg((SELECT nps FROM survey_answer INDEXED BY survey_by_case_answer"
                      "      WHERE case_id = k.id AND deleted = 0 ORDER BY at DESC LIMIT 1))"
                      " FROM kcase k INDEXED BY kcase_by_branch_created"
                      " WHERE k.deleted = 0 AND k.branch_id = ? AND k.created_at >= ? AND k.created_at < ?",
                      -1, &period, NULL);
  sqlite3_prepare_v2 (h,
                      "SELECT count(*), sum(k.kind = 'complaint'), count(DISTINCT k.category_id),"
                      " avg((SELECT satisfaction FROM survey_answer INDEXED BY survey_by_case_answer"
                      "      WHERE case_id = k.id AND deleted = 0 ORDER BY at DESC LIMIT 1)),"
                      " avg((SELECT nps FROM survey_answer INDEXED BY survey_by_case_answer"
                      "      WHERE case_id = k.id AND deleted = 0 ORDER BY at DESC LIMIT 1))"
                      " FROM kcase k INDEXED BY kcase_by_branch_created"
                      " WHERE k.deleted = 0 AND k.branch_id = ? AND k.created_at >= ? AND k.created_at < ?",
                      -1, &trend, NULL);
  for (guint b = 0; b < branches->len; b++)
    {
      sqlite3_stmt *stmts[2] = { trend, period };
      gint64 ranges[2][2] = { { trend_from, from }, { from, to } };

      for (guint i = 0; i < 2; i++)
        {
          sqlite3_bind_text (stmts[i], 1, branches->pdata[b], -1, SQLITE_STATIC);
          sqlite3_bind_int64 (stmts[i], 2, ranges[i][0]);
          sqlite3_bind_int64 (stmts[i], 3, ranges[i][1]);
          if (sqlite3_step (stmts[i]) == SQLITE_ROW)
            *n_rows += sqlite3_column_int (stmts[i], 0);
          sqlite3_reset (stmts[i]);
        }
    }
  sqlite3_finalize (period);
  sqlite3_finalize (trend);
  return now_ms () - t0;
}

static void
time_scope (KefuDb       *db,
            KefuCalendar *cal,
            const char   *label,
            const char   *unit_id,
            gint64        from,
            gint64        to,
            double        budget)
{
  double wall[RUNS], cpu[RUNS], raw[RUNS];
  g_autoptr(GPtrArray) branches = kefu_stats_scope_branches (db, unit_id, NULL);
  gint64 trend_from;
  guint received = 0, n_rows = 0;
  GDate d;

  kefu_local_date (to - 1, &d);
  trend_from = kefu_local_time_ms (g_date_get_year (&d) - (g_date_get_month (&d) <= 5 ? 1 : 0),
                                   (g_date_get_month (&d) + 12 - 5 - 1) % 12 + 1, 1, 0, 0);
  for (guint r = 0; r < RUNS; r++)
    {
      g_autoptr(GError) error = NULL;
      double t0 = now_ms (), c0 = cpu_ms ();
      g_autoptr(KefuStats) stats = kefu_stats_compute (db, cal, unit_id, from, to, 0, &error);

      wall[r] = now_ms () - t0;
      cpu[r] = cpu_ms () - c0;
      if (stats == NULL)
        g_error ("%s", error->message);
      received = (guint) kefu_stats_get_figure (stats, "received")->value;
      raw[r] = raw_yardstick (db, branches, trend_from, from, to, &n_rows);
    }
  printf ("| all figures, %s (%u branches; %u cases received, %u read for the trend) | p50 %.1f ms, max %.1f ms; CPU p50 %.1f ms |"
          " %.1f ms | ≤ %.0f ms | %s |\n",
          label, branches->len, received, n_rows, median (wall, RUNS), wall[RUNS - 1], median (cpu, RUNS),
          median (raw, RUNS), budget, median (wall, RUNS) <= budget ? "PASS" : "OVER");
}

static void
time_report (KefuDb       *db,
             KefuCalendar *cal,
             const char   *label,
             const char   *unit_id,
             const char   *month,
             const char   *dir)
{
  double wall[3];
  g_autofree char *path = g_build_filename (dir, "bench-report.pdf", NULL);
  int pages = 0;

  for (guint r = 0; r < G_N_ELEMENTS (wall); r++)
    {
      g_autoptr(GError) error = NULL;
      double t0 = now_ms ();
      g_autoptr(KefuReport) report = kefu_report_build (db, cal, unit_id, month, 0, NULL, NULL, &error);

      if (report == NULL || !kefu_report_write_pdf (report, path, &error))
        g_error ("%s", error->message);
      wall[r] = now_ms () - t0;
      {
        cairo_surface_t *s = cairo_pdf_surface_create (NULL, KEFU_REPORT_PAGE_WIDTH, KEFU_REPORT_PAGE_HEIGHT);
        cairo_t *cr = cairo_create (s);

        pages = kefu_report_pages_count (report, cr, KEFU_REPORT_PAGE_WIDTH, KEFU_REPORT_PAGE_HEIGHT);
        cairo_destroy (cr);
        cairo_surface_destroy (s);
      }
    }
  printf ("| monthly report PDF, %s (%d pages) | p50 %.0f ms, max %.0f ms | | ≤ 3000 ms | %s |\n",
          label, pages, median (wall, 3), wall[2], median (wall, 3) <= 3000 ? "PASS" : "OVER");
  g_unlink (path);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KefuDb) db = NULL;
  g_autofree char *have = NULL;
  g_autofree char *office = NULL;
  g_autofree char *province = NULL;
  g_autofree char *province_name = NULL;
  g_autofree char *office_name = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *month = NULL;
  g_autofree char *want = NULL;
  guint n_cases = argc > 2 ? (guint) atoi (argv[2]) : 1000000;
  guint n_customers = argc > 3 ? (guint) atoi (argv[3]) : 100000;
  KefuCalendar *cal;
  gint64 from, to;
  double start;

  if (argc < 2)
    {
      fprintf (stderr, "usage: bench-stats DB-PATH [N-CASES [N-CUSTOMERS]]\n");
      return 2;
    }
  kefu_calendar_set_data_dir (SRCDIR "/data/calendars");
  if ((db = kefu_db_open (argv[1], &error)) == NULL)
    g_error ("%s", error->message);
  want = g_strdup_printf ("%u/%u", n_cases, n_customers);
  have = kefu_db_get_meta (db, "bench_stats");
  if (g_strcmp0 (have, want) != 0)
    {
      KefuSampleOptions opts = kefu_sample_default_options ();

      if (kefu_org_is_set_up (db))
        g_error ("%s holds other data; give a new path", argv[1]);
      opts.n_customers = n_customers;
      opts.n_branches = 60;
      start = now_ms ();
      fprintf (stderr, "customers:\n");
      if (!kefu_sample_generate (db, &opts, progress_cb, &start, &error))
        g_error ("%s", error->message);
      fprintf (stderr, "\ncases:\n");
      start = now_ms ();
      if (!kefu_sample_generate_cases_spread (db, 20260101, n_cases, progress_cb, &start, &error))
        g_error ("%s", error->message);
      fprintf (stderr, "\n");
      kefu_db_exec (db, "ANALYZE", NULL);
      kefu_db_set_meta (db, "bench_stats", want, NULL);
    }
  cal = kefu_calendar_get_for_db (db, &error);
  if (cal == NULL)
    g_error ("%s", error->message);

  kefu_period_range (KEFU_PERIOD_LAST_MONTH, kefu_cases_get_now (db), &from, &to);
  month = kefu_local_date_string (from);
  month[7] = '\0';
  office = kefu_db_get_meta (db, "office_id");
  office_name = query_text (db, "SELECT name FROM org_unit WHERE id = (SELECT value FROM meta WHERE key = 'office_id')");
  /* The province with the most branches. */
  province = query_text (db,
                         "WITH RECURSIVE t (root, id, level) AS ("
                         "  SELECT id, id, level FROM org_unit WHERE level = 'province'"
                         "  UNION SELECT t.root, o.id, o.level FROM org_unit o JOIN t ON o.parent_id = t.id)"
                         " SELECT root FROM t WHERE level = 'branch' GROUP BY root ORDER BY count(*) DESC LIMIT 1");
  province_name = query_text (db, "SELECT 'x'");
  {
    g_autoptr(KefuOrgUnit) p = kefu_org_get_unit (db, province, NULL);

    g_free (province_name);
    province_name = g_strdup (p ? p->name : "?");
  }

  printf ("bench-stats: %s, %u cases, %u customers, month %s, SQLite %s\n\n", argv[1], n_cases, n_customers, month,
          sqlite3_libversion ());
  printf ("| operation | kefu | raw SQLite, same rows, same run | budget | |\n|---|---|---|---|---|\n");
  {
    g_autofree char *label = g_strdup_printf ("a month of one branch (%s)", office_name);
    g_autofree char *plabel = g_strdup_printf ("a month of a province (%s)", province_name);

    time_scope (db, cal, label, office, from, to, 150);
    time_scope (db, cal, plabel, province, from, to, 500);
    dir = g_path_get_dirname (argv[1]);
    time_report (db, cal, label, office, month, dir);
    time_report (db, cal, plabel, province, month, dir);
  }
  return 0;
}
