/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include "kefu-cases.h"
#include "kefu-report.h"
#include "kefu-stats.h"
#include "kefu-test-util.h"
#include "kefu-uuid.h"

#define HOUR_MS (G_GINT64_CONSTANT (3600000))
#define DAY_MS  (24 * HOUR_MS)

/* An organisation built by hand: province GD › city SZ › branches SZ01
 * (the office) and SZ02; province ZJ › branch HZ01. */
typedef struct
{
  KefuTestDb   *t;
  KefuCalendar *cal;
  char         *gd, *sz, *sz01, *sz02, *zj, *hz01;
  char         *customer;
  char         *agent1, *agent2, *sup_sz, *sup_hz;
  guint         seq;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  KefuDb *db;
  g_autoptr(KefuOrgUnit) office = NULL;
  g_autofree char *sql = NULL;
  g_autofree char *hq = NULL;
  g_autofree char *hz = NULL;

  f->t = kefu_test_db_new (TRUE);
  db = f->t->db;
  office = kefu_org_get_office (db);
  f->sz01 = g_strdup (office->id);
  hq = kefu_test_add_unit (db, "HQ", "hq", NULL);
  f->gd = kefu_test_add_unit (db, "GD", "province", hq);
  f->sz = kefu_test_add_unit (db, "SZ", "city", f->gd);
  f->sz02 = kefu_test_add_unit (db, "SZ02", "branch", f->sz);
  f->zj = kefu_test_add_unit (db, "ZJ", "province", hq);
  hz = kefu_test_add_unit (db, "HZ", "city", f->zj);
  f->hz01 = kefu_test_add_unit (db, "HZ01", "branch", hz);
  sql = g_strdup_printf ("UPDATE org_unit SET parent_id = '%s' WHERE id = '%s'", f->sz, f->sz01);
  kefu_test_exec (db, sql);
  f->agent1 = kefu_test_add_staff (db, f->sz01, "agent1", "agent");
  f->agent2 = kefu_test_add_staff (db, f->sz01, "agent2", "agent");
  f->sup_sz = kefu_test_add_staff (db, f->sz, "sup_sz", "supervisor");
  f->sup_hz = kefu_test_add_staff (db, f->hz01, "sup_hz", "supervisor");

  f->customer = kefu_uuid7_new ();
  g_clear_pointer (&sql, g_free);
  sql = g_strdup_printf ("INSERT INTO customer (id, number, kind, name, created_at) VALUES ('%s', 'C1', 'person', '张三', 0)",
                         f->customer);
  kefu_test_exec (db, sql);

  /* Working days 09:00–18:00, Saturday and Sunday off, and the National
   * Day holiday of 2026 with its make-up Saturday. */
  f->cal = kefu_calendar_new (540, 1080, 96);
  for (int d = 1; d <= 7; d++)
    {
      g_autofree char *day = g_strdup_printf ("2026-10-%02d", d);

      kefu_calendar_set_day (f->cal, day, FALSE, "国庆节");
    }
  kefu_calendar_set_day (f->cal, "2026-10-10", TRUE, "国庆节调休");
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  kefu_calendar_free (f->cal);
  g_free (f->gd);
  g_free (f->sz);
  g_free (f->sz01);
  g_free (f->sz02);
  g_free (f->zj);
  g_free (f->hz01);
  g_free (f->customer);
  g_free (f->agent1);
  g_free (f->agent2);
  g_free (f->sup_sz);
  g_free (f->sup_hz);
  kefu_test_db_free (f->t);
}

typedef struct
{
  const char *branch;
  const char *kind;
  const char *channel;
  const char *status;
  const char *category;    /* code */
  const char *assignee;
  gint64      created;
  gint64      fr_due, fr_at;
  gint64      res_due, resolved_at;
  gint64      next_due;
  gint64      claim, approved;
  const char *approval;
  const char *paid;
  int         satisfaction;  /* 0 = none */
  int         nps1;          /* the NPS answer + 1; 0 = none */
} CaseSpec;

/* Unset kind, channel and status are an inquiry by phone, resolved. */
#define SPEC(...) ((CaseSpec) { __VA_ARGS__ })

static gint64
add_case (Fixture        *f,
          const CaseSpec  s)
{
  KefuDb *db = f->t->db;
  g_autofree char *id = kefu_uuid7_new ();
  g_autofree char *number = g_strdup_printf ("N%05u", ++f->seq);
  sqlite3_stmt *stmt = kefu_db_prepare (db,
                                        "INSERT INTO kcase (id, number, kind, channel, status, customer_id, subject, branch_id,"
                                        " assignee_id, category_id, created_at, first_response_due, first_response_at,"
                                        " resolution_due, resolved_at, next_due, claim_amount_cents, approved_amount_cents,"
                                        " approval_status, payment_date)"
                                        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'subject', ?7, ?8,"
                                        " (SELECT id FROM category WHERE code = ?9), ?10, nullif (?11, 0), nullif (?12, 0),"
                                        " nullif (?13, 0), nullif (?14, 0), nullif (?15, 0), nullif (?16, 0), nullif (?17, 0), ?18, ?19)",
                                        NULL);
  gint64 rowid;

  g_assert_nonnull (stmt);
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, number, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, s.kind ? s.kind : "inquiry", -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, s.channel ? s.channel : "phone", -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, s.status ? s.status : "resolved", -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, f->customer, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, s.branch ? s.branch : f->sz01, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 8, s.assignee, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 9, s.category, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 10, s.created);
  sqlite3_bind_int64 (stmt, 11, s.fr_due);
  sqlite3_bind_int64 (stmt, 12, s.fr_at);
  sqlite3_bind_int64 (stmt, 13, s.res_due);
  sqlite3_bind_int64 (stmt, 14, s.resolved_at);
  sqlite3_bind_int64 (stmt, 15, s.next_due);
  sqlite3_bind_int64 (stmt, 16, s.claim);
  sqlite3_bind_int64 (stmt, 17, s.approved);
  sqlite3_bind_text (stmt, 18, s.approval, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 19, s.paid, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  sqlite3_reset (stmt);
  rowid = sqlite3_last_insert_rowid (kefu_db_get_handle (db));
  if (s.satisfaction > 0 || s.nps1 > 0)
    {
      g_autofree char *sid = kefu_uuid7_new ();

      stmt = kefu_db_prepare (db,
                              "INSERT INTO survey_answer (id, case_id, customer_id, satisfaction, nps, at)"
                              " VALUES (?, ?, ?, nullif (?, 0), nullif (?, -1), ?)", NULL);
      sqlite3_bind_text (stmt, 1, sid, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, id, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, f->customer, -1, SQLITE_STATIC);
      sqlite3_bind_int (stmt, 4, s.satisfaction);
      sqlite3_bind_int (stmt, 5, s.nps1 - 1);
      sqlite3_bind_int64 (stmt, 6, s.created + DAY_MS);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
      sqlite3_reset (stmt);
    }
  return rowid;
}

static KefuStats *
compute (Fixture    *f,
         const char *unit,
         gint64      from,
         gint64      to,
         gint64      now)
{
  g_autoptr(GError) error = NULL;
  KefuStats *stats = kefu_stats_compute (f->t->db, f->cal, unit, from, to, now, &error);

  g_assert_no_error (error);
  g_assert_nonnull (stats);
  return stats;
}

static double
value (KefuStats  *stats,
       const char *key)
{
  KefuStatsFigure *fig = kefu_stats_get_figure (stats, key);

  g_assert_nonnull (fig);
  return fig->value;
}

static gboolean
has_case (GArray *cases,
          gint64  rowid)
{
  for (guint i = 0; i < cases->len; i++)
    if (g_array_index (cases, gint64, i) == rowid)
      return TRUE;
  return FALSE;
}

#define NOV(d, h, m) kefu_local_time_ms (2026, 11, d, h, m)
#define OCT(d, h, m) kefu_local_time_ms (2026, 10, d, h, m)
#define SEP(d, h, m) kefu_local_time_ms (2026, 9, d, h, m)

/* --- tests ----------------------------------------------------------- */

static void
test_periods (void)
{
  gint64 now = NOV (18, 15, 30);   /* a Wednesday */
  gint64 from, to;
  g_autoptr(GError) error = NULL;

  kefu_period_range (KEFU_PERIOD_TODAY, now, &from, &to);
  g_assert_cmpint (from, ==, NOV (18, 0, 0));
  g_assert_cmpint (to, ==, NOV (19, 0, 0));
  kefu_period_range (KEFU_PERIOD_THIS_WEEK, now, &from, &to);
  g_assert_cmpint (from, ==, NOV (16, 0, 0));
  g_assert_cmpint (to, ==, NOV (23, 0, 0));
  kefu_period_range (KEFU_PERIOD_THIS_MONTH, now, &from, &to);
  g_assert_cmpint (from, ==, NOV (1, 0, 0));
  g_assert_cmpint (to, ==, kefu_local_time_ms (2026, 12, 1, 0, 0));
  kefu_period_range (KEFU_PERIOD_LAST_MONTH, now, &from, &to);
  g_assert_cmpint (from, ==, OCT (1, 0, 0));
  g_assert_cmpint (to, ==, NOV (1, 0, 0));
  /* Shanghai days: 23:30 UTC on the 30th is already 1 December there. */
  kefu_period_range (KEFU_PERIOD_THIS_MONTH, kefu_local_time_ms (2026, 12, 1, 7, 30), &from, &to);
  g_assert_cmpint (from, ==, kefu_local_time_ms (2026, 12, 1, 0, 0));
  g_assert_cmpint (to, ==, kefu_local_time_ms (2027, 1, 1, 0, 0));
  /* January's previous month is last year's December. */
  kefu_period_range (KEFU_PERIOD_LAST_MONTH, kefu_local_time_ms (2027, 1, 5, 9, 0), &from, &to);
  g_assert_cmpint (from, ==, kefu_local_time_ms (2026, 12, 1, 0, 0));

  g_assert_true (kefu_period_parse_month ("2026-11", &from, &to, &error));
  g_assert_cmpint (from, ==, NOV (1, 0, 0));
  g_assert_false (kefu_period_parse_month ("2026-13", &from, &to, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (kefu_period_parse_month ("november", &from, &to, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
}

static void
test_percentile_and_nps (void)
{
  g_autoptr(GArray) v = g_array_new (FALSE, FALSE, sizeof (double));
  double xs[] = { 50, 10, 40, 20, 30, 60, 70, 80, 90, 100 };
  g_autofree char *money = NULL;

  g_assert_true (isnan (kefu_stats_percentile (v, 50)));
  g_array_append_vals (v, xs, G_N_ELEMENTS (xs));
  g_assert_cmpfloat (kefu_stats_percentile (v, 50), ==, 50);
  g_assert_cmpfloat (kefu_stats_percentile (v, 90), ==, 90);
  g_assert_cmpfloat (kefu_stats_percentile (v, 100), ==, 100);

  /* 5 promoters, 3 passives, 2 detractors: 50 % − 20 % = 30. */
  g_assert_cmpfloat (kefu_stats_nps (5, 3, 2), ==, 30);
  g_assert_cmpfloat (kefu_stats_nps (0, 0, 4), ==, -100);
  g_assert_cmpfloat (kefu_stats_nps (0, 7, 0), ==, 0);
  g_assert_true (isnan (kefu_stats_nps (0, 0, 0)));

  money = kefu_stats_format_value (KEFU_STATS_MONEY, 123456);
  g_assert_true (strstr (money, "1,234.56") != NULL || strstr (money, "1234.56") != NULL);
}

/* First responses across a weekend and across the National Day holiday,
 * measured in business minutes. */
static void
test_business_time_medians (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(KefuStats) stats = NULL;
  gint64 a, b, c, d;

  /* Same morning: 30 minutes. */
  a = add_case (f, SPEC (.created = OCT (12, 10, 0), .fr_at = OCT (12, 10, 30)));
  /* Friday 17:00 → Monday 10:00: 60 + 60 = 120. */
  b = add_case (f, SPEC (.created = OCT (16, 17, 0), .fr_at = OCT (19, 10, 0)));
  /* Wednesday 30 September 17:00 → Thursday 8 October 09:30, the
   * holiday between: 60 + 30 = 90. */
  c = add_case (f, SPEC (.created = SEP (30, 17, 0), .fr_at = OCT (8, 9, 30)));
  /* Saturday 10 October is a make-up working day: 09:00 → 11:00 = 120;
   * resolved Monday 12th 12:00 with an hour waiting on the customer:
   * (9 + 3) h − 1 h = 11 h. */
  d = add_case (f, SPEC (.created = OCT (10, 9, 0), .fr_at = OCT (10, 11, 0), .resolved_at = OCT (12, 12, 0)));
  kefu_test_exec (f->t->db, "UPDATE kcase SET paused_total = 60 WHERE resolved_at IS NOT NULL");

  stats = compute (f, NULL, SEP (1, 0, 0), NOV (1, 0, 0), NOV (1, 0, 0));
  g_assert_cmpfloat (value (stats, "received"), ==, 4);
  /* 30, 90, 120, 120 */
  g_assert_cmpfloat (value (stats, "fr_median"), ==, 90);
  g_assert_cmpfloat (value (stats, "fr_p90"), ==, 120);
  g_assert_cmpfloat (value (stats, "res_median"), ==, 11 * 60);
  g_assert_cmpuint (kefu_stats_get_figure (stats, "fr_median")->cases->len, ==, 4);
  g_assert_true (has_case (kefu_stats_get_figure (stats, "fr_median")->cases, a));
  g_assert_true (has_case (kefu_stats_get_figure (stats, "fr_median")->cases, b));
  g_assert_true (has_case (kefu_stats_get_figure (stats, "fr_median")->cases, c));
  g_assert_cmpuint (kefu_stats_get_figure (stats, "res_median")->cases->len, ==, 1);
  g_assert_true (has_case (kefu_stats_get_figure (stats, "res_median")->cases, d));
}

static void
test_sla_compliance (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(KefuStats) stats = NULL;
  gint64 now = NOV (20, 12, 0);
  gint64 late_fr, late_open;
  KefuStatsTable *by_kind;

  /* First response: on time, late, not answered and past due (late), not
   * answered and still within its time (not counted). */
  add_case (f, SPEC (.created = NOV (2, 9, 0), .fr_due = NOV (2, 10, 0), .fr_at = NOV (2, 9, 30),
                     .res_due = NOV (3, 9, 0), .resolved_at = NOV (2, 15, 0)));
  late_fr = add_case (f, SPEC (.kind = "complaint", .created = NOV (2, 9, 0), .fr_due = NOV (2, 10, 0), .fr_at = NOV (2, 11, 0),
                               .res_due = NOV (5, 9, 0), .resolved_at = NOV (6, 9, 0)));
  late_open = add_case (f, SPEC (.status = "in_progress", .created = NOV (19, 9, 0), .fr_due = NOV (19, 10, 0),
                                 .res_due = NOV (20, 9, 0), .next_due = NOV (20, 9, 0)));
  add_case (f, SPEC (.status = "new", .created = NOV (20, 11, 0), .fr_due = NOV (20, 13, 0),
                     .res_due = NOV (21, 11, 0), .next_due = NOV (20, 13, 0)));
  /* Waiting on the customer past its old deadline: not decided. */
  add_case (f, SPEC (.status = "waiting", .created = NOV (10, 9, 0), .fr_due = NOV (10, 10, 0), .fr_at = NOV (10, 9, 5),
                     .res_due = NOV (11, 9, 0)));
  /* Another month: not in the period. */
  add_case (f, SPEC (.created = OCT (20, 9, 0), .fr_due = OCT (20, 10, 0), .fr_at = OCT (20, 12, 0)));

  stats = compute (f, f->sz01, NOV (1, 0, 0), kefu_local_time_ms (2026, 12, 1, 0, 0), now);
  g_assert_cmpfloat (value (stats, "received"), ==, 5);
  /* First response: 2 met (first, waiting), 2 late. */
  g_assert_cmpfloat (value (stats, "fr_compliance"), ==, 50);
  g_assert_cmpfloat (value (stats, "fr_breached"), ==, 2);
  g_assert_true (has_case (kefu_stats_get_figure (stats, "fr_breached")->cases, late_fr));
  g_assert_true (has_case (kefu_stats_get_figure (stats, "fr_breached")->cases, late_open));
  /* Resolution: 1 met, 2 late (resolved late; open past due). */
  g_assert_cmpfloat (round (value (stats, "res_compliance") * 10), ==, 333);
  g_assert_cmpfloat (value (stats, "res_breached"), ==, 2);
  /* Snapshots: three open now, one overdue. */
  g_assert_cmpfloat (value (stats, "open"), ==, 3);
  g_assert_cmpfloat (value (stats, "overdue"), ==, 1);
  g_assert_true (has_case (kefu_stats_get_figure (stats, "overdue")->cases, late_open));

  by_kind = stats->sla_by_kind;
  g_assert_cmpuint (by_kind->rows->len, ==, 2);
  for (guint k = 0; k < by_kind->columns->len; k++)
    {
      KefuStatsRow *met = by_kind->rows->pdata[0], *late = by_kind->rows->pdata[1];

      if (g_str_equal (by_kind->columns->pdata[k], kefu_case_kind_label ("complaint")))
        {
          g_assert_true (isnan (met->values[k]));
          g_assert_cmpfloat (late->values[k], ==, 1);
          g_assert_true (has_case (late->cases[k], late_fr));
        }
      if (g_str_equal (by_kind->columns->pdata[k], kefu_case_kind_label ("inquiry")))
        {
          g_assert_cmpfloat (met->values[k], ==, 1);
          g_assert_cmpfloat (late->values[k], ==, 1);
        }
    }
}

static void
test_claims (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(KefuStats) stats = NULL;
  gint64 now = NOV (30, 10, 0);
  gint64 a0, a1, a2, a3;
  KefuStatsRow *ageing;

  /* Open claims 3, 10, 20 and 45 days old; one closed claim. */
  a0 = add_case (f, SPEC (.kind = "claim", .status = "in_progress", .created = NOV (27, 9, 0), .claim = 10000));
  a1 = add_case (f, SPEC (.kind = "claim", .status = "assigned", .created = NOV (20, 9, 0), .claim = 20000,
                          .approved = 15000, .approval = "approved"));
  a2 = add_case (f, SPEC (.kind = "claim", .status = "waiting", .created = NOV (10, 9, 0), .claim = 30000,
                          .approved = 30000, .approval = "pending"));
  a3 = add_case (f, SPEC (.kind = "claim", .status = "new", .created = OCT (16, 9, 0), .claim = 40000));
  add_case (f, SPEC (.kind = "claim", .status = "closed", .created = NOV (5, 9, 0), .claim = 5000,
                     .approved = 5000, .approval = "approved", .paid = "2026-11-09"));

  stats = compute (f, NULL, NOV (1, 0, 0), kefu_local_time_ms (2026, 12, 1, 0, 0), now);
  g_assert_cmpfloat (value (stats, "claims"), ==, 4);
  g_assert_cmpfloat (value (stats, "claims_amount"), ==, 10000 + 20000 + 30000 + 5000);
  /* Only approved decisions count as approved; pending ones do not. */
  g_assert_cmpfloat (value (stats, "claims_approved"), ==, 15000 + 5000);
  g_assert_cmpfloat (value (stats, "claims_paid"), ==, 5000);

  ageing = stats->claims_ageing->rows->pdata[0];
  g_assert_cmpuint (stats->claims_ageing->columns->len, ==, 4);
  g_assert_cmpfloat (ageing->values[0], ==, 1);
  g_assert_cmpfloat (ageing->values[1], ==, 1);
  g_assert_cmpfloat (ageing->values[2], ==, 1);
  g_assert_cmpfloat (ageing->values[3], ==, 1);
  g_assert_true (has_case (ageing->cases[0], a0));
  g_assert_true (has_case (ageing->cases[1], a1));
  g_assert_true (has_case (ageing->cases[2], a2));
  g_assert_true (has_case (ageing->cases[3], a3));
}

static void
test_satisfaction_and_trend (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(KefuStats) nov = NULL;
  g_autoptr(KefuStats) oct = NULL;
  KefuStatsTable *trend;
  KefuStatsRow *sat, *nps;
  guint last;

  /* November: satisfaction 5, 4, 2 (mean 3.67); NPS answers 10, 9, 8, 3
   * (2 promoters, 1 detractor of 4 = +25). */
  add_case (f, SPEC (.created = NOV (2, 9, 0), .satisfaction = 5, .nps1 = 11));
  add_case (f, SPEC (.created = NOV (3, 9, 0), .satisfaction = 4, .nps1 = 10));
  add_case (f, SPEC (.created = NOV (4, 9, 0), .satisfaction = 2, .nps1 = 9));
  add_case (f, SPEC (.created = NOV (5, 9, 0), .nps1 = 4));
  add_case (f, SPEC (.created = NOV (6, 9, 0)));
  /* October: satisfaction 3 and NPS 0: −100. */
  add_case (f, SPEC (.created = OCT (12, 9, 0), .satisfaction = 3, .nps1 = 1));
  /* Complaints: two delays and a damage in November, one delay in
   * October, another branch's complaint outside a branch scope. */
  add_case (f, SPEC (.kind = "complaint", .category = "delay", .created = NOV (7, 9, 0)));
  add_case (f, SPEC (.kind = "complaint", .category = "delay", .created = NOV (8, 9, 0), .channel = "online"));
  add_case (f, SPEC (.kind = "complaint", .category = "damage", .created = NOV (9, 9, 0), .channel = "online"));
  add_case (f, SPEC (.kind = "complaint", .category = "delay", .created = OCT (9, 9, 0)));
  add_case (f, SPEC (.branch = f->hz01, .kind = "complaint", .category = "loss", .created = NOV (9, 9, 0)));

  nov = compute (f, f->sz01, NOV (1, 0, 0), kefu_local_time_ms (2026, 12, 1, 0, 0), NOV (30, 9, 0));
  oct = compute (f, f->sz01, OCT (1, 0, 0), NOV (1, 0, 0), NOV (30, 9, 0));

  g_assert_cmpfloat (round (value (nov, "satisfaction") * 100), ==, 367);
  g_assert_cmpfloat (value (nov, "nps"), ==, 25);
  g_assert_cmpuint (kefu_stats_get_figure (nov, "nps")->cases->len, ==, 4);
  g_assert_cmpfloat (value (oct, "satisfaction"), ==, 3);
  g_assert_cmpfloat (value (oct, "nps"), ==, -100);
  /* Month over month. */
  g_assert_cmpfloat (value (nov, "received"), ==, 8);
  g_assert_cmpfloat (value (oct, "received"), ==, 2);
  g_assert_cmpfloat (value (nov, "complaints"), ==, 3);
  g_assert_cmpfloat (value (oct, "complaints"), ==, 1);

  /* The trend ends with the period's month and holds the month before. */
  trend = nov->satisfaction_trend;
  last = KEFU_STATS_TREND_MONTHS - 1;
  g_assert_cmpuint (trend->columns->len, ==, KEFU_STATS_TREND_MONTHS);
  g_assert_cmpstr (trend->columns->pdata[last], ==, "2026-11");
  g_assert_cmpstr (trend->columns->pdata[last - 1], ==, "2026-10");
  sat = trend->rows->pdata[0];
  g_assert_cmpfloat (round (sat->values[last] * 100), ==, 367);
  g_assert_cmpfloat (sat->values[last - 1], ==, 3);
  g_assert_true (isnan (sat->values[0]));
  nps = nov->nps_trend->rows->pdata[0];
  g_assert_cmpfloat (nps->values[last], ==, 25);
  g_assert_cmpfloat (nps->values[last - 1], ==, -100);

  /* The numbers as text to copy: a header of columns, a line per row. */
  {
    g_autofree char *text = kefu_stats_table_to_text (nov->nps_trend);
    g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

    g_assert_true (g_str_has_suffix (lines[0], "\t2026-10\t2026-11"));
    g_assert_true (g_str_has_suffix (lines[1], "\t-100\t+25"));
  }

  /* Complaints by category, most first: delay 2, damage 1. */
  g_assert_cmpuint (nov->complaints->columns->len, ==, 2);
  g_assert_cmpstr (nov->complaints->columns->pdata[0], ==, "Delivery delay");
  g_assert_cmpfloat (((KefuStatsRow *) nov->complaints->rows->pdata[0])->values[0], ==, 2);
  g_assert_cmpfloat (((KefuStatsRow *) nov->complaints->rows->pdata[0])->values[1], ==, 1);
  /* Their trend: a row (small multiple) per category. */
  for (guint r = 0; r < nov->complaints_trend->rows->len; r++)
    {
      KefuStatsRow *row = nov->complaints_trend->rows->pdata[r];

      if (g_str_equal (row->label, "Delivery delay"))
        {
          g_assert_cmpfloat (row->values[last], ==, 2);
          g_assert_cmpfloat (row->values[last - 1], ==, 1);
        }
      else
        g_assert_cmpstr (row->label, ==, "Damaged parcel");
    }
  g_assert_cmpuint (nov->complaints_trend->rows->len, ==, 2);

  /* Channel mix: 6 phone, 2 online. */
  for (guint c = 0; c < nov->channel_mix->columns->len; c++)
    {
      KefuStatsRow *row = nov->channel_mix->rows->pdata[0];
      const char *col = nov->channel_mix->columns->pdata[c];

      if (g_str_equal (col, kefu_case_channel_label ("phone")))
        g_assert_cmpfloat (row->values[c], ==, 6);
      else if (g_str_equal (col, kefu_case_channel_label ("online")))
        g_assert_cmpfloat (row->values[c], ==, 2);
      else
        g_assert_true (isnan (row->values[c]));
    }
}

static void
test_scope (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 from = NOV (1, 0, 0), to = kefu_local_time_ms (2026, 12, 1, 0, 0), now = NOV (30, 9, 0);
  struct { const char *unit; double n; } expect[4];
  g_autoptr(GPtrArray) scopes = NULL;
  g_autoptr(GPtrArray) branches = NULL;
  g_autofree char *by_code = NULL;

  add_case (f, SPEC (.created = NOV (2, 9, 0)));
  add_case (f, SPEC (.created = NOV (2, 10, 0)));
  add_case (f, SPEC (.branch = f->sz02, .created = NOV (2, 9, 0)));
  add_case (f, SPEC (.branch = f->hz01, .created = NOV (2, 9, 0)));
  add_case (f, SPEC (.branch = f->hz01, .created = NOV (3, 9, 0)));
  add_case (f, SPEC (.branch = f->hz01, .created = NOV (4, 9, 0)));

  expect[0].unit = f->sz01, expect[0].n = 2;
  expect[1].unit = f->sz, expect[1].n = 3;
  expect[2].unit = f->zj, expect[2].n = 3;
  expect[3].unit = NULL, expect[3].n = 6;
  for (guint i = 0; i < G_N_ELEMENTS (expect); i++)
    {
      g_autoptr(KefuStats) stats = compute (f, expect[i].unit, from, to, now);

      g_assert_cmpfloat (value (stats, "received"), ==, expect[i].n);
    }

  branches = kefu_stats_scope_branches (f->t->db, f->gd, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (branches->len, ==, 2);

  /* A city supervisor sees the city and its branches; an admin sees
   * everything, in tree order. */
  scopes = kefu_stats_list_scopes (f->t->db, f->sup_sz, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (scopes->len, ==, 3);
  g_assert_cmpstr (((KefuOrgUnit *) scopes->pdata[0])->code, ==, "SZ");
  g_clear_pointer (&scopes, g_ptr_array_unref);
  scopes = kefu_stats_list_scopes (f->t->db, kefu_db_get_actor (f->t->db), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (scopes->len, ==, 8);
  g_assert_cmpstr (((KefuOrgUnit *) scopes->pdata[0])->code, ==, "HQ");
  g_assert_cmpstr (((KefuOrgUnit *) scopes->pdata[1])->code, ==, "GD");
  g_assert_cmpstr (((KefuOrgUnit *) scopes->pdata[2])->code, ==, "SZ");
  g_assert_cmpstr (((KefuOrgUnit *) scopes->pdata[7])->code, ==, "HZ01");

  by_code = kefu_stats_find_unit (f->t->db, "ZJ", &error);
  g_assert_cmpstr (by_code, ==, f->zj);
  g_assert_null (kefu_stats_find_unit (f->t->db, "XX", &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_NOT_FOUND);
}

static void
test_people_and_drill_down (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(KefuStats) stats = NULL;
  g_autoptr(GError) error = NULL;
  KefuCaseQuery q = { 0 };
  KefuStatsFigure *overdue;
  KefuStatsRow *first;
  guint n = 0;

  add_case (f, SPEC (.assignee = f->agent1, .created = NOV (2, 9, 0), .resolved_at = NOV (2, 12, 0), .satisfaction = 4));
  add_case (f, SPEC (.assignee = f->agent1, .created = NOV (3, 9, 0), .resolved_at = NOV (3, 10, 0), .satisfaction = 2));
  add_case (f, SPEC (.assignee = f->agent1, .status = "in_progress", .created = NOV (4, 9, 0), .next_due = NOV (5, 9, 0)));
  add_case (f, SPEC (.assignee = f->agent2, .created = NOV (2, 9, 0), .resolved_at = NOV (2, 10, 0)));

  stats = compute (f, f->sz01, NOV (1, 0, 0), kefu_local_time_ms (2026, 12, 1, 0, 0), NOV (30, 9, 0));
  g_assert_cmpuint (stats->people->rows->len, ==, 2);
  first = stats->people->rows->pdata[0];
  g_assert_cmpstr (first->label, ==, "agent1");
  g_assert_cmpfloat (first->values[0], ==, 3);   /* received */
  g_assert_cmpfloat (first->values[1], ==, 2);   /* resolved */
  g_assert_cmpfloat (first->values[2], ==, 1);   /* open */
  g_assert_cmpfloat (first->values[3], ==, 1);   /* overdue */
  g_assert_cmpfloat (first->values[5], ==, 60);  /* median of 3 h and 1 h: nearest rank = 1 h */
  g_assert_cmpint (kefu_stats_table_column_format (stats->people, 5), ==, KEFU_STATS_MINUTES);
  g_assert_cmpint (kefu_stats_table_column_format (stats->people, 0), ==, KEFU_STATS_COUNT);
  g_assert_cmpfloat (first->values[6], ==, 3);   /* satisfaction */

  /* Drill-down: the Cases view's query over a figure's cases shows
   * exactly those. */
  overdue = kefu_stats_get_figure (stats, "overdue");
  q.queue = KEFU_CASE_QUEUE_ALL;
  q.rowids = overdue->cases;
  g_assert_true (kefu_cases_count (f->t->db, &q, &n, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 1);
  q.rowids = first->cases[0];
  g_assert_true (kefu_cases_count (f->t->db, &q, &n, &error));
  g_assert_cmpuint (n, ==, 3);
}

static void
test_training (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(KefuStats) stats = NULL;
  g_autofree char *sql = NULL;

  /* Three assignments in SZ01: one finished, one started only, one not
   * begun; one in HZ01 finished (another scope). */
  sql = g_strdup_printf ("INSERT INTO course (id, title) VALUES ('c1', 'Course');"
                         "INSERT INTO assignment (id, course_id, staff_id) VALUES ('a1', 'c1', '%s'), ('a2', 'c1', '%s'),"
                         " ('a3', 'c1', '%s'), ('a4', 'c1', '%s');"
                         "INSERT INTO attempt (id, assignment_id, course_id, staff_id, started_at, finished_at, score) VALUES"
                         " ('t1', 'a1', 'c1', '%s', 1, 2, 90), ('t2', 'a2', 'c1', '%s', 1, NULL, NULL), ('t4', 'a4', 'c1', '%s', 1, 2, 80);",
                         f->agent1, f->agent2, kefu_db_get_actor (f->t->db), f->sup_hz,
                         f->agent1, f->agent2, f->sup_hz);
  kefu_test_exec (f->t->db, sql);
  stats = compute (f, f->sz01, NOV (1, 0, 0), kefu_local_time_ms (2026, 12, 1, 0, 0), NOV (30, 9, 0));
  g_assert_cmpfloat (round (value (stats, "training") * 10), ==, 333);
  g_clear_pointer (&stats, kefu_stats_free);
  stats = compute (f, NULL, NOV (1, 0, 0), kefu_local_time_ms (2026, 12, 1, 0, 0), NOV (30, 9, 0));
  g_assert_cmpfloat (value (stats, "training"), ==, 50);
}

static void
test_frequent_words (void)
{
  const char *texts[] = { "查询物流", "查询物流信息", "派送时间查询", "包裹破损 EMS", "ems 包裹延误", "订单 123456" };
  g_autoptr(GPtrArray) words = kefu_report_frequent_words (texts, G_N_ELEMENTS (texts), 10);
  gboolean has_pair_across = FALSE;

  /* 查询 3 times; 物流 and 包裹 and ems twice; 询物 never (it lies
   * across 查询 and 物流); numbers and single words are left out. */
  g_assert_cmpuint (words->len, ==, 4);
  g_assert_cmpstr (((KefuReportItem *) words->pdata[0])->label, ==, "查询");
  g_assert_cmpfloat (((KefuReportItem *) words->pdata[0])->count, ==, 3);
  for (guint i = 0; i < words->len; i++)
    {
      KefuReportItem *item = words->pdata[i];

      has_pair_across |= g_str_equal (item->label, "询物");
      g_assert_cmpfloat (item->count, >=, 2);
    }
  g_assert_false (has_pair_across);
  g_assert_cmpstr (((KefuReportItem *) words->pdata[1])->label, ==, "ems");
}

static void
test_report (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KefuReport) report = NULL;
  g_autofree char *note = NULL;
  g_autofree char *xlsx = g_build_filename (f->t->dir, "report.xlsx", NULL);
  KefuReportBreach *worst;
  guint outbox = kefu_test_count (f->t->db, "SELECT count(*) FROM outbox");

  add_case (f, SPEC (.kind = "complaint", .category = "delay", .created = NOV (2, 9, 0), .res_due = NOV (3, 9, 0),
                     .resolved_at = NOV (4, 9, 0)));
  add_case (f, SPEC (.kind = "complaint", .category = "delay", .created = NOV (2, 10, 0), .res_due = NOV (3, 9, 0),
                     .resolved_at = NOV (3, 11, 0)));
  add_case (f, SPEC (.branch = f->sz02, .created = NOV (5, 9, 0)));
  add_case (f, SPEC (.kind = "claim", .created = OCT (20, 9, 0), .claim = 9000, .approved = 8000, .approval = "approved",
                     .paid = "2026-11-03"));
  add_case (f, SPEC (.created = OCT (5, 9, 0)));

  /* Suggestions: a synced write, replaced on the second save. */
  g_assert_true (kefu_report_save_note (f->t->db, f->sz, "2026-11", "周末加派人手", &error));
  g_assert_true (kefu_report_save_note (f->t->db, f->sz, "2026-11", "周末加派人手，破损先赔", &error));
  g_assert_no_error (error);
  g_assert_cmpint (kefu_test_count (f->t->db, "SELECT count(*) FROM outbox"), ==, outbox + 2);
  g_assert_cmpint (kefu_test_count (f->t->db, "SELECT version FROM report_note"), ==, 2);
  note = kefu_report_get_note (f->t->db, f->sz, "2026-11", &error);
  g_assert_cmpstr (note, ==, "周末加派人手，破损先赔");
  g_assert_false (kefu_report_save_note (f->t->db, f->sz, "2026-xx", "?", &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
  g_clear_error (&error);

  report = kefu_report_build (f->t->db, f->cal, f->sz, "2026-11", NOV (30, 9, 0), NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (report->prev_month, ==, "2026-10");
  g_assert_cmpfloat (kefu_stats_get_figure (report->stats, "received")->value, ==, 3);
  g_assert_cmpfloat (kefu_stats_get_figure (report->prev, "received")->value, ==, 2);
  g_assert_cmpstr (report->improvements, ==, "周末加派人手，破损先赔");
  /* Two branches: a row each. */
  g_assert_cmpuint (report->branches->rows->len, ==, 2);
  /* The worst breach first: a day late is 9 business hours. */
  g_assert_cmpuint (report->breaches->len, ==, 2);
  worst = report->breaches->pdata[0];
  g_assert_cmpint (worst->late_minutes, ==, 540);
  /* The October claim paid in November. */
  g_assert_cmpuint (report->claims_paid->len, ==, 1);
  g_assert_cmpint (((KefuReportClaim *) report->claims_paid->pdata[0])->amount_cents, ==, 8000);
  g_assert_cmpuint (report->complaint_subjects->len, ==, 1);
  g_assert_cmpfloat (((KefuReportItem *) report->complaint_subjects->pdata[0])->count, ==, 2);

  g_assert_true (kefu_report_write_xlsx (report, xlsx, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (xlsx, G_FILE_TEST_EXISTS));
}

int
main (int    argc,
      char **argv)
{
  g_setenv ("LANGUAGE", "C", TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/stats/periods", test_periods);
  g_test_add_func ("/stats/percentile-and-nps", test_percentile_and_nps);
  g_test_add ("/stats/business-time-medians", Fixture, NULL, fixture_set_up, test_business_time_medians, fixture_tear_down);
  g_test_add ("/stats/sla-compliance", Fixture, NULL, fixture_set_up, test_sla_compliance, fixture_tear_down);
  g_test_add ("/stats/claims-and-ageing", Fixture, NULL, fixture_set_up, test_claims, fixture_tear_down);
  g_test_add ("/stats/satisfaction-nps-and-trend", Fixture, NULL, fixture_set_up, test_satisfaction_and_trend, fixture_tear_down);
  g_test_add ("/stats/scope", Fixture, NULL, fixture_set_up, test_scope, fixture_tear_down);
  g_test_add ("/stats/people-and-drill-down", Fixture, NULL, fixture_set_up, test_people_and_drill_down, fixture_tear_down);
  g_test_add ("/stats/training", Fixture, NULL, fixture_set_up, test_training, fixture_tear_down);
  g_test_add_func ("/report/frequent-words", test_frequent_words);
  g_test_add ("/report/note-build-and-xlsx", Fixture, NULL, fixture_set_up, test_report, fixture_tear_down);
  return g_test_run ();
}
