/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "kefu-stats"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "kefu-cases.h"
#include "kefu-cases-private.h"
#include "kefu-categories.h"
#include "kefu-org-private.h"
#include "kefu-stats.h"

/* How the figures are made: one pass over the cases of each branch of the
 * scope received from the start of the trend (KEFU_STATS_TREND_MONTHS
 * months) to the end of the period, through the index on (branch_id,
 * created_at) of migration 10, then a pass over the open cases of each
 * branch (kcase_open_by_branch) for the snapshots. Everything is counted
 * in C from those rows, so that each figure can keep its cases. */

#define DAY_MS G_GINT64_CONSTANT (86400000)

enum { AGE_0_7, AGE_8_15, AGE_16_30, AGE_OVER_30, N_AGES };
enum { P_RECEIVED, P_RESOLVED, P_OPEN, P_OVERDUE, P_FR, P_RES_MEDIAN, P_SATISFACTION, N_P };

typedef struct
{
  gint64  rowid;
  char   *kind;
  char   *category_id;
  char   *channel;
  char   *status;
  char   *assignee_id;
  gint64  created_at;
  gint64  fr_due;
  gint64  res_due;
  gint64  fr_at;
  gint64  resolved_at;
  gint64  paused_total;
  gint64  next_due;
  gint64  claim_cents;
  gint64  approved_cents;
  char   *approval_status;
  gboolean paid;
  int      satisfaction;   /* 0 = no answer */
  int      nps;            /* -1 = no answer */
} Row;

/* --- tables ---------------------------------------------------------- */

static void
stats_row_free (gpointer data)
{
  KefuStatsRow *row = data;

  g_free (row->label);
  g_free (row->key);
  g_free (row->values);
  g_free (row);
}

static void
table_clear (gpointer data)
{
  KefuStatsTable *t = data;

  for (guint r = 0; r < t->rows->len; r++)
    {
      KefuStatsRow *row = t->rows->pdata[r];

      for (guint c = 0; c < t->columns->len; c++)
        g_clear_pointer (&row->cases[c], g_array_unref);
      g_free (row->cases);
    }
  g_ptr_array_unref (t->rows);
  g_ptr_array_unref (t->columns);
  g_clear_pointer (&t->formats, g_array_unref);
  g_free (t->title);
}

KefuStatsTable *
kefu_stats_table_new (const char      *title,
                      KefuStatsFormat  format)
{
  KefuStatsTable *t = g_rc_box_new0 (KefuStatsTable);

  t->title = g_strdup (title);
  t->format = format;
  t->columns = g_ptr_array_new_with_free_func (g_free);
  t->rows = g_ptr_array_new_with_free_func (stats_row_free);
  return t;
}

KefuStatsTable *
kefu_stats_table_ref (KefuStatsTable *table)
{
  return g_rc_box_acquire (table);
}

void
kefu_stats_table_unref (KefuStatsTable *table)
{
  g_rc_box_release_full (table, table_clear);
}

void
kefu_stats_table_add_column (KefuStatsTable *table,
                             const char     *label)
{
  g_return_if_fail (table->rows->len == 0);
  g_ptr_array_add (table->columns, g_strdup (label));
}

KefuStatsRow *
kefu_stats_table_add_row (KefuStatsTable *table,
                          const char     *label,
                          const char     *key)
{
  KefuStatsRow *row = g_new0 (KefuStatsRow, 1);
  guint n = table->columns->len;

  row->label = g_strdup (label);
  row->key = g_strdup (key);
  row->values = g_new (double, MAX (n, 1));
  row->cases = g_new0 (GArray *, MAX (n, 1));
  for (guint c = 0; c < n; c++)
    {
      row->values[c] = NAN;
      row->cases[c] = g_array_new (FALSE, FALSE, sizeof (gint64));
    }
  g_ptr_array_add (table->rows, row);
  return row;
}

KefuStatsFormat
kefu_stats_table_column_format (KefuStatsTable *table,
                                guint           column)
{
  if (table->formats && column < table->formats->len)
    return g_array_index (table->formats, KefuStatsFormat, column);
  return table->format;
}

void
kefu_stats_table_set_column_format (KefuStatsTable *table,
                                    guint           column,
                                    KefuStatsFormat format)
{
  g_return_if_fail (column < table->columns->len);

  if (table->formats == NULL)
    {
      table->formats = g_array_new (FALSE, FALSE, sizeof (KefuStatsFormat));
      for (guint c = 0; c < table->columns->len; c++)
        g_array_append_val (table->formats, table->format);
    }
  g_array_index (table->formats, KefuStatsFormat, column) = format;
}

char *
kefu_stats_table_to_text (KefuStatsTable *table)
{
  GString *s = g_string_new (NULL);

  for (guint c = 0; c < table->columns->len; c++)
    g_string_append_printf (s, "\t%s", (char *) table->columns->pdata[c]);
  g_string_append_c (s, '\n');
  for (guint r = 0; r < table->rows->len; r++)
    {
      KefuStatsRow *row = table->rows->pdata[r];

      g_string_append (s, row->label);
      for (guint c = 0; c < table->columns->len; c++)
        {
          g_autofree char *v = kefu_stats_format_value (kefu_stats_table_column_format (table, c), row->values[c]);

          g_string_append_printf (s, "\t%s", v);
        }
      g_string_append_c (s, '\n');
    }
  return g_string_free (s, FALSE);
}

/* --- arithmetic ------------------------------------------------------ */

static int
cmp_double (gconstpointer a,
            gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

double
kefu_stats_percentile (GArray *values,
                       double  p)
{
  guint rank;

  g_return_val_if_fail (values != NULL, NAN);
  if (values->len == 0)
    return NAN;
  g_array_sort (values, cmp_double);
  rank = (guint) ceil (p / 100.0 * values->len);
  rank = CLAMP (rank, 1, values->len);
  return g_array_index (values, double, rank - 1);
}

double
kefu_stats_nps (guint promoters,
                guint passives,
                guint detractors)
{
  guint n = promoters + passives + detractors;

  if (n == 0)
    return NAN;
  return 100.0 * ((double) promoters - (double) detractors) / n;
}

char *
kefu_stats_format_value (KefuStatsFormat format,
                         double          value)
{
  if (isnan (value))
    return g_strdup ("—");
  switch (format)
    {
    case KEFU_STATS_PERCENT:
      return g_strdup_printf ("%.1f %%", value);
    case KEFU_STATS_MINUTES:
      {
        gint64 m = (gint64) llround (value);

        if (m < 60)
          /* Translators: a duration in business minutes */
          return g_strdup_printf (_("%d min"), (int) m);
        if (m % 60 == 0)
          /* Translators: a duration in business hours */
          return g_strdup_printf (_("%d h"), (int) (m / 60));
        /* Translators: a duration in business hours and minutes */
        return g_strdup_printf (_("%d h %d min"), (int) (m / 60), (int) (m % 60));
      }
    case KEFU_STATS_MONEY:
      return g_strdup_printf ("¥%'.2f", value / 100.0);
    case KEFU_STATS_SCORE:
      return g_strdup_printf ("%.2f", value);
    case KEFU_STATS_NPS:
      return g_strdup_printf ("%+.0f", value);
    case KEFU_STATS_COUNT:
    default:
      return g_strdup_printf ("%'.0f", value);
    }
}

/* --- periods --------------------------------------------------------- */

static gint64
month_start (int year,
             int month)
{
  while (month > 12)
    {
      month -= 12;
      year++;
    }
  while (month < 1)
    {
      month += 12;
      year--;
    }
  return kefu_local_time_ms (year, month, 1, 0, 0);
}

void
kefu_period_range (KefuPeriodKind  kind,
                   gint64          now_ms,
                   gint64         *from,
                   gint64         *to)
{
  GDate d;
  int y, m;
  gint64 today = kefu_local_day_start (now_ms);

  kefu_local_date (now_ms, &d);
  y = g_date_get_year (&d);
  m = g_date_get_month (&d);
  switch (kind)
    {
    case KEFU_PERIOD_THIS_WEEK:
      *from = today - (gint64) (g_date_get_weekday (&d) - G_DATE_MONDAY) * DAY_MS;
      *to = *from + 7 * DAY_MS;
      break;
    case KEFU_PERIOD_THIS_MONTH:
      *from = month_start (y, m);
      *to = month_start (y, m + 1);
      break;
    case KEFU_PERIOD_LAST_MONTH:
      *from = month_start (y, m - 1);
      *to = month_start (y, m);
      break;
    case KEFU_PERIOD_TODAY:
    case KEFU_PERIOD_CUSTOM:
    default:
      *from = today;
      *to = today + DAY_MS;
      break;
    }
}

gboolean
kefu_period_parse_month (const char  *text,
                         gint64      *from,
                         gint64      *to,
                         GError     **error)
{
  unsigned y = 0, m = 0;
  char tail = 0;

  if (text == NULL || sscanf (text, "%4u-%2u%c", &y, &m, &tail) != 2 || y < 2000 || y > 2100 || m < 1 || m > 12)
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID,
                   _("“%s” is not a month; write it as YYYY-MM, for example 2026-11."), text ? text : "");
      return FALSE;
    }
  *from = month_start ((int) y, (int) m);
  *to = month_start ((int) y, (int) m + 1);
  return TRUE;
}

/* --- scope ----------------------------------------------------------- */

GPtrArray *
kefu_stats_scope_branches (KefuDb      *db,
                           const char  *unit_id,
                           GError     **error)
{
  if (unit_id == NULL)
    return kefu_db_read_all (db, "SELECT id FROM org_unit WHERE deleted = 0 AND level = 'branch' ORDER BY code",
                             NULL, kefu_row_dup_text, g_free, error);
  return kefu_db_read_all (db,
                           "WITH RECURSIVE t (id, level, code) AS ("
                           "  SELECT id, level, code FROM org_unit WHERE id = ?1 AND deleted = 0"
                           "  UNION SELECT o.id, o.level, o.code FROM org_unit o JOIN t ON o.parent_id = t.id WHERE o.deleted = 0)"
                           " SELECT id FROM t WHERE level = 'branch' ORDER BY code",
                           unit_id, kefu_row_dup_text, g_free, error);
}

GPtrArray *
kefu_stats_list_scopes (KefuDb      *db,
                        const char  *staff_id,
                        GError     **error)
{
  g_autoptr(GPtrArray) units = g_ptr_array_new_with_free_func ((GDestroyNotify) kefu_org_unit_free);
  g_autoptr(KefuStaff) staff = kefu_org_get_staff (db, staff_id, error);
  gboolean all;
  sqlite3_stmt *stmt;

  if (staff == NULL)
    return NULL;
  all = g_strcmp0 (staff->role, "admin") == 0;
  /* Tree order: a unit's path of codes from the top. */
  stmt = kefu_db_prepare (db,
                          "WITH RECURSIVE t (unit_id, path) AS ("
                          "  SELECT id, code FROM org_unit WHERE deleted = 0"
                          "    AND CASE WHEN ?2 THEN parent_id IS NULL OR parent_id NOT IN (SELECT id FROM org_unit) ELSE id = ?1 END"
                          "  UNION SELECT o.id, t.path || '/' || o.code FROM org_unit o JOIN t ON o.parent_id = t.unit_id WHERE o.deleted = 0)"
                          " SELECT " KEFU_ORG_UNIT_COLUMNS " FROM t JOIN org_unit ON org_unit.id = t.unit_id ORDER BY t.path",
                          error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, staff->org_unit_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (stmt, 2, all);
  if (!kefu_db_read_rows (db, stmt, _kefu_org_unit_from_row, units, error))
    return NULL;
  return g_steal_pointer (&units);
}

char *
kefu_stats_find_unit (KefuDb      *db,
                      const char  *code,
                      GError     **error)
{
  sqlite3_stmt *stmt = kefu_db_prepare (db, "SELECT id FROM org_unit WHERE code = ? AND deleted = 0", error);
  char *id = NULL;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, code, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    id = kefu_stmt_dup (stmt, 0);
  else
    g_set_error (error, KEFU_ERROR, KEFU_ERROR_NOT_FOUND,
                 _("There is no branch, city or province with the code “%s”."), code ? code : "");
  sqlite3_reset (stmt);
  return id;
}

/* --- training -------------------------------------------------------- */

/* A completed assignment is one with a finished attempt by the person
 * it was given to. Kept in one place so that it follows the training
 * module's definition when that lands. */
#define ASSIGNMENT_COMPLETED_SQL \
  "EXISTS (SELECT 1 FROM attempt t WHERE t.assignment_id = a.id AND t.staff_id = a.staff_id" \
  " AND t.deleted = 0 AND t.finished_at IS NOT NULL)"

gboolean
kefu_stats_training (KefuDb     *db,
                     GPtrArray  *branches,
                     guint      *n_assigned,
                     guint      *n_completed,
                     GError    **error)
{
  sqlite3_stmt *stmt = kefu_db_prepare (db,
                                        "SELECT count(*), coalesce(sum(" ASSIGNMENT_COMPLETED_SQL "), 0)"
                                        " FROM assignment a JOIN staff s ON s.id = a.staff_id"
                                        " WHERE a.deleted = 0 AND s.org_unit_id = ?", error);

  *n_assigned = *n_completed = 0;
  if (stmt == NULL)
    return FALSE;
  for (guint i = 0; i < branches->len; i++)
    {
      sqlite3_bind_text (stmt, 1, branches->pdata[i], -1, SQLITE_STATIC);
      if (sqlite3_step (stmt) != SQLITE_ROW)
        {
          sqlite3_reset (stmt);
          return kefu_db_set_error (db, error);
        }
      *n_assigned += sqlite3_column_int (stmt, 0);
      *n_completed += sqlite3_column_int (stmt, 1);
      sqlite3_reset (stmt);
    }
  return TRUE;
}

/* --- computing ------------------------------------------------------- */

static void
row_clear (Row *r)
{
  g_free (r->kind);
  g_free (r->category_id);
  g_free (r->channel);
  g_free (r->status);
  g_free (r->assignee_id);
  g_free (r->approval_status);
}

static void
figure_free (KefuStatsFigure *f)
{
  g_free (f->label);
  g_array_unref (f->cases);
  g_free (f);
}

static KefuStatsFigure *
add_figure (KefuStats       *stats,
            const char      *key,
            const char      *label,
            KefuStatsFormat  format)
{
  KefuStatsFigure *f = g_new0 (KefuStatsFigure, 1);

  f->key = key;
  f->label = g_strdup (label);
  f->format = format;
  f->value = NAN;
  f->cases = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_ptr_array_add (stats->figures, f);
  return f;
}

static void
add_case (GArray *cases,
          gint64  rowid)
{
  g_array_append_val (cases, rowid);
}

static void
bump (KefuStatsRow *row,
      guint         col,
      gint64        rowid)
{
  row->values[col] = isnan (row->values[col]) ? 1 : row->values[col] + 1;
  add_case (row->cases[col], rowid);
}

static double
ratio (guint num,
       guint den)
{
  return den ? 100.0 * num / den : NAN;
}

static gboolean
is_open (const char *status)
{
  return kefu_case_status_is_open (status);
}

/* The latest follow-up answer of case k: satisfaction, NPS, from the
 * index alone (survey_by_case_answer, migration 10). */
#define LATEST_ANSWER \
  "(SELECT satisfaction FROM survey_answer INDEXED BY survey_by_case_answer" \
  "  WHERE case_id = k.id AND deleted = 0 ORDER BY at DESC LIMIT 1)," \
  " (SELECT nps FROM survey_answer INDEXED BY survey_by_case_answer" \
  "  WHERE case_id = k.id AND deleted = 0 ORDER BY at DESC LIMIT 1)"

/* The months of a trend outside the period need only kind, category and
 * the answer: read from the index alone, never from the case rows. */
static gboolean
read_trend_rows (KefuDb      *db,
                 const char  *branch_id,
                 gint64       from,
                 gint64       to,
                 GArray      *rows,
                 GError     **error)
{
  sqlite3_stmt *stmt;
  int rc;

  if (from >= to)
    return TRUE;
  stmt = kefu_db_prepare (db,
                          "SELECT k.rowid, k.kind, k.category_id, k.created_at, " LATEST_ANSWER
                          " FROM kcase k INDEXED BY kcase_by_branch_created"
                          " WHERE k.deleted = 0 AND k.branch_id = ? AND k.created_at >= ? AND k.created_at < ?",
                          error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, branch_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, from);
  sqlite3_bind_int64 (stmt, 3, to);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      Row r = { 0 };

      r.rowid = sqlite3_column_int64 (stmt, 0);
      r.kind = kefu_stmt_dup (stmt, 1);
      r.category_id = kefu_stmt_dup (stmt, 2);
      r.created_at = sqlite3_column_int64 (stmt, 3);
      r.satisfaction = sqlite3_column_type (stmt, 4) == SQLITE_NULL ? 0 : sqlite3_column_int (stmt, 4);
      r.nps = sqlite3_column_type (stmt, 5) == SQLITE_NULL ? -1 : sqlite3_column_int (stmt, 5);
      g_array_append_val (rows, r);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return kefu_db_set_error (db, error);
  return TRUE;
}

/* The cases of one branch received in [from, to). */
static gboolean
read_rows (KefuDb      *db,
           const char  *branch_id,
           gint64       from,
           gint64       to,
           GArray      *rows,
           GError     **error)
{
  sqlite3_stmt *stmt = kefu_db_prepare (db,
                                        "SELECT k.rowid, k.kind, k.category_id, k.channel, k.status, k.assignee_id, k.created_at,"
                                        " k.first_response_due, k.resolution_due, k.first_response_at, k.resolved_at,"
                                        " k.paused_total, k.next_due, k.claim_amount_cents, k.approved_amount_cents,"
                                        " k.approval_status, k.payment_date IS NOT NULL, " LATEST_ANSWER
                                        " FROM kcase k INDEXED BY kcase_by_branch_created"
                                        " WHERE k.deleted = 0 AND k.branch_id = ? AND k.created_at >= ? AND k.created_at < ?",
                                        error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, branch_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, from);
  sqlite3_bind_int64 (stmt, 3, to);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      Row r = { 0 };

      r.rowid = sqlite3_column_int64 (stmt, 0);
      r.kind = kefu_stmt_dup (stmt, 1);
      r.category_id = kefu_stmt_dup (stmt, 2);
      r.channel = kefu_stmt_dup (stmt, 3);
      r.status = kefu_stmt_dup (stmt, 4);
      r.assignee_id = kefu_stmt_dup (stmt, 5);
      r.created_at = sqlite3_column_int64 (stmt, 6);
      r.fr_due = sqlite3_column_int64 (stmt, 7);
      r.res_due = sqlite3_column_int64 (stmt, 8);
      r.fr_at = sqlite3_column_int64 (stmt, 9);
      r.resolved_at = sqlite3_column_int64 (stmt, 10);
      r.paused_total = sqlite3_column_int64 (stmt, 11);
      r.next_due = sqlite3_column_int64 (stmt, 12);
      r.claim_cents = sqlite3_column_int64 (stmt, 13);
      r.approved_cents = sqlite3_column_int64 (stmt, 14);
      r.approval_status = kefu_stmt_dup (stmt, 15);
      r.paid = sqlite3_column_int (stmt, 16);
      r.satisfaction = sqlite3_column_type (stmt, 17) == SQLITE_NULL ? 0 : sqlite3_column_int (stmt, 17);
      r.nps = sqlite3_column_type (stmt, 18) == SQLITE_NULL ? -1 : sqlite3_column_int (stmt, 18);
      g_array_append_val (rows, r);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return kefu_db_set_error (db, error);
  return TRUE;
}

/* Met (1), breached (-1) or not decided yet (0). */
static int
fr_outcome (const Row *r,
            gint64     now)
{
  if (r->fr_due == 0)
    return 0;
  if (r->fr_at != 0)
    return r->fr_at <= r->fr_due ? 1 : -1;
  return now > r->fr_due ? -1 : 0;
}

static int
res_outcome (const Row *r,
             gint64     now)
{
  if (r->res_due == 0)
    return 0;
  if (r->resolved_at != 0)
    return r->resolved_at <= r->res_due ? 1 : -1;
  /* While waiting on the customer the clock stands still: the deadline
   * moves when the case resumes. */
  if (g_strcmp0 (r->status, "waiting") == 0)
    return 0;
  return now > r->res_due ? -1 : 0;
}

static GHashTable *
load_names (KefuDb     *db,
            const char *sql)
{
  GHashTable *names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  sqlite3_stmt *stmt = kefu_db_prepare (db, sql, NULL);

  if (stmt == NULL)
    return names;
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_hash_table_insert (names, kefu_stmt_dup (stmt, 0), kefu_stmt_dup (stmt, 1));
  sqlite3_reset (stmt);
  return names;
}

/* Most first, then by name. */
static int
cmp_single_rows (gconstpointer a,
                 gconstpointer b)
{
  const KefuStatsRow *x = a, *y = b;

  if (x->values[0] != y->values[0])
    return x->values[0] > y->values[0] ? -1 : 1;
  return g_strcmp0 (x->label, y->label);
}

static int
cmp_people (gconstpointer a,
            gconstpointer b)
{
  const KefuStatsRow *x = *(KefuStatsRow * const *) a, *y = *(KefuStatsRow * const *) b;

  if (x->values[0] != y->values[0])
    return x->values[0] > y->values[0] ? -1 : 1;
  return g_strcmp0 (x->label, y->label);
}

static guint
month_index (gint64       at,
             const gint64 *starts)
{
  for (guint m = KEFU_STATS_TREND_MONTHS; m > 0; m--)
    if (at >= starts[m - 1])
      return m - 1;
  return G_MAXUINT;
}

typedef struct
{
  GArray *fr_minutes;
  GArray *res_minutes;
  guint   fr_met, fr_decided, sat_n;
  double  sat_sum;
} PersonAcc;

static void
person_acc_free (gpointer data)
{
  PersonAcc *a = data;

  g_array_unref (a->fr_minutes);
  g_array_unref (a->res_minutes);
  g_free (a);
}

static KefuStats *
compute (KefuDb        *db,
         KefuCalendar  *cal,
         const char    *unit_id,
         gint64         from,
         gint64         to,
         gint64         now_ms,
         gboolean       trend,
         GError       **error)
{
  g_autoptr(KefuStats) stats = g_new0 (KefuStats, 1);
  g_autoptr(GPtrArray) branches = NULL;
  g_autoptr(GArray) rows = g_array_new (FALSE, TRUE, sizeof (Row));
  g_autoptr(GArray) open_rows = g_array_new (FALSE, TRUE, sizeof (Row));
  g_autoptr(GArray) fr_minutes = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) res_minutes = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GHashTable) categories = NULL;
  g_autoptr(GHashTable) staff_names = NULL;
  g_autoptr(GHashTable) complaint_rows = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) trend_rows = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) people = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) person_acc = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, person_acc_free);
  gint64 starts[KEFU_STATS_TREND_MONTHS + 1];
  const char **kinds = kefu_case_kind_keys ();
  const char **channels = kefu_case_channel_keys ();
  guint n_kinds = g_strv_length ((char **) kinds);
  guint n_channels = g_strv_length ((char **) channels);
  guint fr_met = 0, fr_decided = 0, res_met = 0, res_decided = 0;
  guint sat_n = 0, promoters = 0, passives = 0, detractors = 0;
  guint month_prom[KEFU_STATS_TREND_MONTHS] = { 0 }, month_pass[KEFU_STATS_TREND_MONTHS] = { 0 }, month_det[KEFU_STATS_TREND_MONTHS] = { 0 };
  guint month_sat_n[KEFU_STATS_TREND_MONTHS] = { 0 };
  double month_sat[KEFU_STATS_TREND_MONTHS] = { 0 };
  double sat_sum = 0, claim_sum = 0, approved_sum = 0, paid_sum = 0;
  guint n_assigned = 0, n_completed = 0;
  KefuStatsFigure *received, *resolved, *open_now, *overdue_now, *fr_comp, *res_comp, *fr_breached, *res_breached;
  KefuStatsFigure *fr_med, *fr_p90, *res_med, *res_p90, *claims, *claims_amount, *claims_approved, *claims_paid;
  KefuStatsFigure *satisfaction, *nps, *complaints, *training;
  KefuStatsRow *channel_row, *sla_met, *sla_breached, *sat_row, *nps_row, *ageing_row;
  gint64 scan_from, scan_to;
  GDate last;

  g_return_val_if_fail (KEFU_IS_DB (db), NULL);
  g_return_val_if_fail (cal != NULL, NULL);
  g_return_val_if_fail (from < to, NULL);

  stats->from = from;
  stats->to = to;
  stats->now = now_ms ? now_ms : kefu_cases_get_now (db);
  stats->figures = g_ptr_array_new_with_free_func ((GDestroyNotify) figure_free);

  branches = kefu_stats_scope_branches (db, unit_id, error);
  if (branches == NULL)
    return NULL;

  /* The trend's months: the period's last month and the ones before. */
  kefu_local_date (to - 1, &last);
  for (guint m = 0; m <= KEFU_STATS_TREND_MONTHS; m++)
    starts[m] = month_start (g_date_get_year (&last),
                             (int) g_date_get_month (&last) - (KEFU_STATS_TREND_MONTHS - 1) + (int) m);
  scan_from = trend ? MIN (from, starts[0]) : from;
  scan_to = trend ? MAX (to, starts[KEFU_STATS_TREND_MONTHS]) : to;

  for (guint b = 0; b < branches->len; b++)
    {
      sqlite3_stmt *stmt;
      int rc;

      if (!read_trend_rows (db, branches->pdata[b], scan_from, from, rows, error) ||
          !read_rows (db, branches->pdata[b], from, to, rows, error) ||
          !read_trend_rows (db, branches->pdata[b], to, scan_to, rows, error))
        goto fail;
      stmt = kefu_db_prepare (db,
                              "SELECT rowid, kind, status, assignee_id, created_at, next_due"
                              " FROM kcase INDEXED BY kcase_open_by_branch"
                              " WHERE branch_id = ? AND deleted = 0 AND status IN " KEFU_OPEN_STATUSES_SQL,
                              error);
      if (stmt == NULL)
        goto fail;
      sqlite3_bind_text (stmt, 1, branches->pdata[b], -1, SQLITE_STATIC);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          Row r = { 0 };

          r.rowid = sqlite3_column_int64 (stmt, 0);
          r.kind = kefu_stmt_dup (stmt, 1);
          r.status = kefu_stmt_dup (stmt, 2);
          r.assignee_id = kefu_stmt_dup (stmt, 3);
          r.created_at = sqlite3_column_int64 (stmt, 4);
          r.next_due = sqlite3_column_int64 (stmt, 5);
          g_array_append_val (open_rows, r);
        }
      sqlite3_reset (stmt);
      if (rc != SQLITE_DONE)
        {
          kefu_db_set_error (db, error);
          goto fail;
        }
    }

  /* The shipped categories' names in the user's language. */
  categories = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  {
    g_autoptr(GPtrArray) list = kefu_categories_list (db, "case", NULL);

    for (guint i = 0; list && i < list->len; i++)
      {
        KefuCategory *c = list->pdata[i];

        g_hash_table_insert (categories, g_strdup (c->id), g_strdup (kefu_category_label (c)));
      }
  }
  staff_names = load_names (db, "SELECT id, name FROM staff");

  received = add_figure (stats, "received", _("Cases received"), KEFU_STATS_COUNT);
  resolved = add_figure (stats, "resolved", _("Resolved"), KEFU_STATS_COUNT);
  open_now = add_figure (stats, "open", _("Open now"), KEFU_STATS_COUNT);
  overdue_now = add_figure (stats, "overdue", _("Overdue now"), KEFU_STATS_COUNT);
  fr_comp = add_figure (stats, "fr_compliance", _("First response on time"), KEFU_STATS_PERCENT);
  res_comp = add_figure (stats, "res_compliance", _("Resolved on time"), KEFU_STATS_PERCENT);
  fr_breached = add_figure (stats, "fr_breached", _("First response late"), KEFU_STATS_COUNT);
  res_breached = add_figure (stats, "res_breached", _("Resolution late"), KEFU_STATS_COUNT);
  fr_med = add_figure (stats, "fr_median", _("First response, median"), KEFU_STATS_MINUTES);
  fr_p90 = add_figure (stats, "fr_p90", _("First response, 90th percentile"), KEFU_STATS_MINUTES);
  res_med = add_figure (stats, "res_median", _("Resolution, median"), KEFU_STATS_MINUTES);
  res_p90 = add_figure (stats, "res_p90", _("Resolution, 90th percentile"), KEFU_STATS_MINUTES);
  claims = add_figure (stats, "claims", _("Claims"), KEFU_STATS_COUNT);
  claims_amount = add_figure (stats, "claims_amount", _("Amount claimed"), KEFU_STATS_MONEY);
  claims_approved = add_figure (stats, "claims_approved", _("Amount approved"), KEFU_STATS_MONEY);
  claims_paid = add_figure (stats, "claims_paid", _("Amount paid"), KEFU_STATS_MONEY);
  satisfaction = add_figure (stats, "satisfaction", _("Satisfaction"), KEFU_STATS_SCORE);
  nps = add_figure (stats, "nps", _("Net promoter score"), KEFU_STATS_NPS);
  complaints = add_figure (stats, "complaints", _("Complaints"), KEFU_STATS_COUNT);
  training = add_figure (stats, "training", _("Training completed"), KEFU_STATS_PERCENT);

  /* Tables. */
  stats->sla_by_kind = kefu_stats_table_new (_("Resolution on time by kind"), KEFU_STATS_COUNT);
  for (guint k = 0; k < n_kinds; k++)
    kefu_stats_table_add_column (stats->sla_by_kind, kefu_case_kind_label (kinds[k]));
  sla_met = kefu_stats_table_add_row (stats->sla_by_kind, _("On time"), "met");
  sla_breached = kefu_stats_table_add_row (stats->sla_by_kind, _("Late"), "breached");

  stats->channel_mix = kefu_stats_table_new (_("Cases by channel"), KEFU_STATS_COUNT);
  for (guint c = 0; c < n_channels; c++)
    kefu_stats_table_add_column (stats->channel_mix, kefu_case_channel_label (channels[c]));
  channel_row = kefu_stats_table_add_row (stats->channel_mix, _("Cases received"), NULL);

  stats->complaints = kefu_stats_table_new (_("Complaints by category"), KEFU_STATS_COUNT);
  stats->complaints_trend = kefu_stats_table_new (_("Complaints by month"), KEFU_STATS_COUNT);
  stats->satisfaction_trend = kefu_stats_table_new (_("Satisfaction by month"), KEFU_STATS_SCORE);
  stats->nps_trend = kefu_stats_table_new (_("Net promoter score by month"), KEFU_STATS_NPS);
  for (guint m = 0; m < KEFU_STATS_TREND_MONTHS; m++)
    {
      g_autofree char *label = kefu_local_date_string (starts[m]);

      label[7] = '\0';
      kefu_stats_table_add_column (stats->complaints_trend, label);
      kefu_stats_table_add_column (stats->satisfaction_trend, label);
      kefu_stats_table_add_column (stats->nps_trend, label);
    }
  sat_row = kefu_stats_table_add_row (stats->satisfaction_trend, _("Satisfaction"), NULL);
  nps_row = kefu_stats_table_add_row (stats->nps_trend, _("Net promoter score"), NULL);

  stats->claims_ageing = kefu_stats_table_new (_("Open claims by age"), KEFU_STATS_COUNT);
  kefu_stats_table_add_column (stats->claims_ageing, _("0–7 days"));
  kefu_stats_table_add_column (stats->claims_ageing, _("8–15 days"));
  kefu_stats_table_add_column (stats->claims_ageing, _("16–30 days"));
  kefu_stats_table_add_column (stats->claims_ageing, _("Over 30 days"));
  ageing_row = kefu_stats_table_add_row (stats->claims_ageing, _("Open claims"), NULL);
  for (guint a = 0; a < N_AGES; a++)
    ageing_row->values[a] = 0;

  stats->people = kefu_stats_table_new (_("Workload and results by person"), KEFU_STATS_COUNT);
  kefu_stats_table_add_column (stats->people, _("Received"));
  kefu_stats_table_add_column (stats->people, _("Resolved"));
  kefu_stats_table_add_column (stats->people, C_("cases", "Open"));
  kefu_stats_table_add_column (stats->people, _("Overdue"));
  kefu_stats_table_add_column (stats->people, _("First response on time"));
  kefu_stats_table_add_column (stats->people, _("Resolution, median"));
  kefu_stats_table_add_column (stats->people, _("Satisfaction"));
  kefu_stats_table_set_column_format (stats->people, P_FR, KEFU_STATS_PERCENT);
  kefu_stats_table_set_column_format (stats->people, P_RES_MEDIAN, KEFU_STATS_MINUTES);
  kefu_stats_table_set_column_format (stats->people, P_SATISFACTION, KEFU_STATS_SCORE);

  /* The cases received. */
  for (guint i = 0; i < rows->len; i++)
    {
      Row *r = &g_array_index (rows, Row, i);
      guint month = month_index (r->created_at, starts);
      gboolean in_period = r->created_at >= from && r->created_at < to;
      const char *cat_key = r->category_id ? r->category_id : "";

      if (month != G_MAXUINT && r->created_at < starts[KEFU_STATS_TREND_MONTHS])
        {
          if (r->satisfaction > 0)
            {
              month_sat[month] += r->satisfaction;
              month_sat_n[month]++;
              add_case (sat_row->cases[month], r->rowid);
            }
          if (r->nps >= 0)
            {
              if (r->nps >= 9)
                month_prom[month]++;
              else if (r->nps >= 7)
                month_pass[month]++;
              else
                month_det[month]++;
              add_case (nps_row->cases[month], r->rowid);
            }
          if (g_strcmp0 (r->kind, "complaint") == 0)
            {
              KefuStatsRow *tr = g_hash_table_lookup (trend_rows, cat_key);

              if (tr == NULL)
                {
                  const char *name = g_hash_table_lookup (categories, cat_key);

                  tr = kefu_stats_table_add_row (stats->complaints_trend, name ? name : _("Uncategorised"), cat_key);
                  for (guint m = 0; m < KEFU_STATS_TREND_MONTHS; m++)
                    tr->values[m] = 0;
                  g_hash_table_insert (trend_rows, (gpointer) tr->key, tr);
                }
              bump (tr, month, r->rowid);
            }
        }

      if (!in_period)
        continue;

      add_case (received->cases, r->rowid);
      if (r->resolved_at)
        add_case (resolved->cases, r->rowid);

      for (guint c = 0; c < n_channels; c++)
        if (g_strcmp0 (channels[c], r->channel) == 0)
          bump (channel_row, c, r->rowid);

      switch (fr_outcome (r, stats->now))
        {
        case 1: fr_met++; fr_decided++; add_case (fr_comp->cases, r->rowid); break;
        case -1: fr_decided++; add_case (fr_comp->cases, r->rowid); add_case (fr_breached->cases, r->rowid); break;
        default: break;
        }
      for (guint k = 0; k < n_kinds; k++)
        if (g_strcmp0 (kinds[k], r->kind) == 0)
          switch (res_outcome (r, stats->now))
            {
            case 1: res_met++; res_decided++; add_case (res_comp->cases, r->rowid); bump (sla_met, k, r->rowid); break;
            case -1: res_decided++; add_case (res_comp->cases, r->rowid); add_case (res_breached->cases, r->rowid); bump (sla_breached, k, r->rowid); break;
            default: break;
            }

      if (r->fr_at)
        {
          double m = kefu_calendar_minutes_between (cal, r->created_at, r->fr_at);

          g_array_append_val (fr_minutes, m);
          add_case (fr_med->cases, r->rowid);
        }
      if (r->resolved_at)
        {
          double m = MAX (0, kefu_calendar_minutes_between (cal, r->created_at, r->resolved_at) - r->paused_total);

          g_array_append_val (res_minutes, m);
          add_case (res_med->cases, r->rowid);
        }

      if (g_strcmp0 (r->kind, "claim") == 0)
        {
          add_case (claims->cases, r->rowid);
          claim_sum += r->claim_cents;
          add_case (claims_amount->cases, r->rowid);
          if (g_strcmp0 (r->approval_status, "approved") == 0)
            {
              approved_sum += r->approved_cents;
              add_case (claims_approved->cases, r->rowid);
              if (r->paid)
                {
                  paid_sum += r->approved_cents;
                  add_case (claims_paid->cases, r->rowid);
                }
            }
        }

      if (r->satisfaction > 0)
        {
          sat_sum += r->satisfaction;
          sat_n++;
          add_case (satisfaction->cases, r->rowid);
        }
      if (r->nps >= 0)
        {
          if (r->nps >= 9)
            promoters++;
          else if (r->nps >= 7)
            passives++;
          else
            detractors++;
          add_case (nps->cases, r->rowid);
        }

      if (g_strcmp0 (r->kind, "complaint") == 0)
        {
          KefuStatsRow *cr = g_hash_table_lookup (complaint_rows, cat_key);

          add_case (complaints->cases, r->rowid);
          if (cr == NULL)
            {
              /* One row per category until all are known: the table is
               * transposed below (categories become columns). */
              const char *name = g_hash_table_lookup (categories, cat_key);

              cr = g_new0 (KefuStatsRow, 1);
              cr->label = g_strdup (name ? name : _("Uncategorised"));
              cr->key = g_strdup (cat_key);
              cr->values = g_new0 (double, 1);
              cr->cases = g_new0 (GArray *, 1);
              cr->cases[0] = g_array_new (FALSE, FALSE, sizeof (gint64));
              g_hash_table_insert (complaint_rows, cr->key, cr);
            }
          cr->values[0]++;
          add_case (cr->cases[0], r->rowid);
        }

      {
        const char *who = r->assignee_id ? r->assignee_id : "";
        KefuStatsRow *pr = g_hash_table_lookup (people, who);
        PersonAcc *acc;

        if (pr == NULL)
          {
            const char *name = g_hash_table_lookup (staff_names, who);

            pr = kefu_stats_table_add_row (stats->people, name ? name : _("Unassigned"), who);
            for (guint c = 0; c < 4; c++)
              pr->values[c] = 0;
            g_hash_table_insert (people, pr->key, pr);
            acc = g_new0 (PersonAcc, 1);
            acc->fr_minutes = g_array_new (FALSE, FALSE, sizeof (double));
            acc->res_minutes = g_array_new (FALSE, FALSE, sizeof (double));
            g_hash_table_insert (person_acc, pr->key, acc);
          }
        acc = g_hash_table_lookup (person_acc, pr->key);
        bump (pr, P_RECEIVED, r->rowid);
        if (r->resolved_at)
          {
            double m = g_array_index (res_minutes, double, res_minutes->len - 1);

            bump (pr, P_RESOLVED, r->rowid);
            g_array_append_val (acc->res_minutes, m);
            add_case (pr->cases[P_RES_MEDIAN], r->rowid);
          }
        if (is_open (r->status))
          {
            bump (pr, P_OPEN, r->rowid);
            if (r->next_due && r->next_due < stats->now)
              bump (pr, P_OVERDUE, r->rowid);
          }
        switch (fr_outcome (r, stats->now))
          {
          case 1: acc->fr_met++; acc->fr_decided++; add_case (pr->cases[P_FR], r->rowid); break;
          case -1: acc->fr_decided++; add_case (pr->cases[P_FR], r->rowid); break;
          default: break;
          }
        if (r->satisfaction > 0)
          {
            acc->sat_sum += r->satisfaction;
            acc->sat_n++;
            add_case (pr->cases[P_SATISFACTION], r->rowid);
          }
      }
    }

  /* Snapshots of now. */
  for (guint i = 0; i < open_rows->len; i++)
    {
      Row *r = &g_array_index (open_rows, Row, i);

      add_case (open_now->cases, r->rowid);
      if (r->next_due && r->next_due < stats->now)
        add_case (overdue_now->cases, r->rowid);
      if (g_strcmp0 (r->kind, "claim") == 0)
        {
          gint64 days = (kefu_local_day_start (stats->now) - kefu_local_day_start (r->created_at)) / DAY_MS;
          guint a = days <= 7 ? AGE_0_7 : days <= 15 ? AGE_8_15 : days <= 30 ? AGE_16_30 : AGE_OVER_30;

          bump (ageing_row, a, r->rowid);
        }
    }

  /* Values. */
  received->value = received->cases->len;
  resolved->value = resolved->cases->len;
  open_now->value = open_now->cases->len;
  overdue_now->value = overdue_now->cases->len;
  fr_comp->value = ratio (fr_met, fr_decided);
  res_comp->value = ratio (res_met, res_decided);
  fr_breached->value = fr_breached->cases->len;
  res_breached->value = res_breached->cases->len;
  fr_med->value = kefu_stats_percentile (fr_minutes, 50);
  fr_p90->value = kefu_stats_percentile (fr_minutes, 90);
  g_array_append_vals (fr_p90->cases, fr_med->cases->data, fr_med->cases->len);
  res_med->value = kefu_stats_percentile (res_minutes, 50);
  res_p90->value = kefu_stats_percentile (res_minutes, 90);
  g_array_append_vals (res_p90->cases, res_med->cases->data, res_med->cases->len);
  claims->value = claims->cases->len;
  claims_amount->value = claim_sum;
  claims_approved->value = approved_sum;
  claims_paid->value = paid_sum;
  satisfaction->value = sat_n ? sat_sum / sat_n : NAN;
  nps->value = kefu_stats_nps (promoters, passives, detractors);
  complaints->value = complaints->cases->len;
  for (guint m = 0; m < KEFU_STATS_TREND_MONTHS; m++)
    {
      sat_row->values[m] = month_sat_n[m] ? month_sat[m] / month_sat_n[m] : NAN;
      nps_row->values[m] = kefu_stats_nps (month_prom[m], month_pass[m], month_det[m]);
    }
  if (!kefu_stats_training (db, branches, &n_assigned, &n_completed, error))
    goto fail;
  training->value = ratio (n_completed, n_assigned);

  /* Complaints by category: most first, as columns of one row. */
  {
    g_autoptr(GList) list = g_hash_table_get_values (complaint_rows);
    KefuStatsRow *row;
    guint c = 0;

    list = g_list_sort (list, cmp_single_rows);
    for (GList *l = list; l; l = l->next)
      kefu_stats_table_add_column (stats->complaints, ((KefuStatsRow *) l->data)->label);
    row = kefu_stats_table_add_row (stats->complaints, _("Complaints"), NULL);
    for (GList *l = list; l; l = l->next, c++)
      {
        KefuStatsRow *cr = l->data;

        row->values[c] = cr->values[0];
        g_array_append_vals (row->cases[c], cr->cases[0]->data, cr->cases[0]->len);
        g_array_unref (cr->cases[0]);
        g_free (cr->cases);
        stats_row_free (cr);
      }
  }

  /* People: derived columns, busiest first. */
  for (guint p = 0; p < stats->people->rows->len; p++)
    {
      KefuStatsRow *pr = stats->people->rows->pdata[p];
      PersonAcc *acc = g_hash_table_lookup (person_acc, pr->key);

      pr->values[P_FR] = ratio (acc->fr_met, acc->fr_decided);
      pr->values[P_RES_MEDIAN] = kefu_stats_percentile (acc->res_minutes, 50);
      pr->values[P_SATISFACTION] = acc->sat_n ? acc->sat_sum / acc->sat_n : NAN;
    }
  g_ptr_array_sort (stats->people->rows, cmp_people);

  for (guint i = 0; i < rows->len; i++)
    row_clear (&g_array_index (rows, Row, i));
  for (guint i = 0; i < open_rows->len; i++)
    row_clear (&g_array_index (open_rows, Row, i));
  return g_steal_pointer (&stats);

fail:
  for (guint i = 0; i < rows->len; i++)
    row_clear (&g_array_index (rows, Row, i));
  for (guint i = 0; i < open_rows->len; i++)
    row_clear (&g_array_index (open_rows, Row, i));
  return NULL;
}

KefuStats *
kefu_stats_compute (KefuDb        *db,
                    KefuCalendar  *cal,
                    const char    *unit_id,
                    gint64         from,
                    gint64         to,
                    gint64         now_ms,
                    GError       **error)
{
  return compute (db, cal, unit_id, from, to, now_ms, TRUE, error);
}

KefuStats *
kefu_stats_compute_period (KefuDb        *db,
                           KefuCalendar  *cal,
                           const char    *unit_id,
                           gint64         from,
                           gint64         to,
                           gint64         now_ms,
                           GError       **error)
{
  return compute (db, cal, unit_id, from, to, now_ms, FALSE, error);
}

void
kefu_stats_free (KefuStats *stats)
{
  if (stats == NULL)
    return;
  g_clear_pointer (&stats->figures, g_ptr_array_unref);
  g_clear_pointer (&stats->sla_by_kind, kefu_stats_table_unref);
  g_clear_pointer (&stats->channel_mix, kefu_stats_table_unref);
  g_clear_pointer (&stats->complaints, kefu_stats_table_unref);
  g_clear_pointer (&stats->complaints_trend, kefu_stats_table_unref);
  g_clear_pointer (&stats->satisfaction_trend, kefu_stats_table_unref);
  g_clear_pointer (&stats->nps_trend, kefu_stats_table_unref);
  g_clear_pointer (&stats->claims_ageing, kefu_stats_table_unref);
  g_clear_pointer (&stats->people, kefu_stats_table_unref);
  g_free (stats);
}

KefuStatsFigure *
kefu_stats_get_figure (KefuStats  *stats,
                       const char *key)
{
  g_return_val_if_fail (stats != NULL, NULL);

  for (guint i = 0; i < stats->figures->len; i++)
    {
      KefuStatsFigure *f = stats->figures->pdata[i];

      if (g_strcmp0 (f->key, key) == 0)
        return f;
    }
  return NULL;
}
