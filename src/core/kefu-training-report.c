/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "kefu-training"

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <xlsxwriter.h>

#include "kefu-cases.h"
#include "kefu-export-private.h"
#include "kefu-org.h"
#include "kefu-training-private.h"

/* Completion per person and per branch, the xlsx export, and the skills
 * contest's rankings. All reads; the unit trees are recursive CTEs over
 * org_unit.parent_id. */

#define UNITS_CTE \
  "WITH RECURSIVE units (id) AS (" \
  "  SELECT id FROM org_unit WHERE id = ?1 AND deleted = 0" \
  "  UNION ALL SELECT o.id FROM org_unit o JOIN units u ON o.parent_id = u.id WHERE o.deleted = 0)"

/* The score that counts for assignment a of course c: the best, or the
 * last attempt. */
#define COUNTED_SCORE \
  "CASE c.score_policy WHEN 'last' THEN" \
  " (SELECT t.score FROM attempt t WHERE t.staff_id = a.staff_id AND t.course_id = a.course_id AND t.deleted = 0" \
  "  ORDER BY t.finished_at DESC LIMIT 1)" \
  " ELSE (SELECT max (t.score) FROM attempt t WHERE t.staff_id = a.staff_id AND t.course_id = a.course_id" \
  "  AND t.deleted = 0) END"
#define DONE \
  "EXISTS (SELECT 1 FROM attempt t WHERE t.staff_id = a.staff_id AND t.course_id = a.course_id" \
  " AND t.passed = 1 AND t.deleted = 0)"

void
kefu_completion_row_free (KefuCompletionRow *r)
{
  if (r == NULL)
    return;
  g_free (r->staff_id); g_free (r->name); g_free (r->role); g_free (r->unit_name); g_free (r->course_title);
  g_free (r);
}

void
kefu_unit_completion_free (KefuUnitCompletion *u)
{
  if (u == NULL)
    return;
  g_free (u->unit_id); g_free (u->code); g_free (u->name);
  g_free (u);
}

void
kefu_leaderboard_entry_free (KefuLeaderboardEntry *e)
{
  if (e == NULL)
    return;
  g_free (e->staff_id); g_free (e->name); g_free (e->unit_id); g_free (e->unit_name);
  g_free (e);
}

void
kefu_branch_standing_free (KefuBranchStanding *s)
{
  if (s == NULL)
    return;
  g_free (s->unit_id); g_free (s->unit_name);
  g_free (s);
}

/* The filters as SQL text rather than "?1 IS NULL OR …", which keeps
 * the planner from walking the unit tree's staff by index; each variant
 * is its own cached statement. */
static const char *
unit_filter (const char *unit_id,
             const char *column)
{
  if (unit_id == NULL)
    return "";
  return g_str_equal (column, "s") ? " AND s.org_unit_id IN units" : " AND u.id IN units";
}

static gboolean
require_reader (KefuDb  *db,
                GError **error)
{
  if (kefu_training_may_assign (db))
    return TRUE;
  g_set_error_literal (error, KEFU_ERROR, KEFU_ERROR_PERMISSION,
                       _("Only trainers, supervisors and administrators can see everyone’s training."));
  return FALSE;
}

/* --- completion ------------------------------------------------------ */

GPtrArray *
kefu_training_completion_people (KefuDb      *db,
                                 const char  *course_id,
                                 const char  *unit_id,
                                 GError     **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) kefu_completion_row_free);
  g_autofree char *sql = NULL;
  gint64 now = kefu_cases_get_now (db);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (KEFU_IS_DB (db), NULL);

  if (!require_reader (db, error))
    return NULL;
  /* Managers first: supervisors and administrators head the list. */
  sql = g_strdup_printf (UNITS_CTE
                         " SELECT s.id, s.name, s.role, u.name, c.title, a.due_at, " DONE ", " COUNTED_SCORE ","
                         "  (SELECT count(*) FROM attempt t WHERE t.staff_id = a.staff_id AND t.course_id = a.course_id"
                         "   AND t.deleted = 0)"
                         " FROM assignment a JOIN staff s ON s.id = a.staff_id JOIN course c ON c.id = a.course_id"
                         "  JOIN org_unit u ON u.id = s.org_unit_id"
                         " WHERE a.deleted = 0 AND c.deleted = 0 AND s.deleted = 0%s%s"
                         " ORDER BY s.role IN ('supervisor','admin') DESC, u.code, s.name, c.title",
                         course_id ? " AND a.course_id = ?2" : "", unit_filter (unit_id, "s"));
  stmt = kefu_db_prepare (db, sql, error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, unit_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, course_id, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      KefuCompletionRow *r = g_new0 (KefuCompletionRow, 1);

      r->staff_id = kefu_stmt_dup (stmt, 0);
      r->name = kefu_stmt_dup (stmt, 1);
      r->role = kefu_stmt_dup (stmt, 2);
      r->unit_name = kefu_stmt_dup (stmt, 3);
      r->course_title = kefu_stmt_dup (stmt, 4);
      r->due_at = sqlite3_column_int64 (stmt, 5);
      r->state = _kefu_training_state (sqlite3_column_int (stmt, 6) != 0, r->due_at, now);
      r->score = sqlite3_column_type (stmt, 7) == SQLITE_NULL ? -1 : sqlite3_column_int (stmt, 7);
      r->n_attempts = sqlite3_column_int (stmt, 8);
      g_ptr_array_add (list, r);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      kefu_db_set_error (db, error);
      return NULL;
    }
  return g_steal_pointer (&list);
}
static gpointer
unit_from_row (sqlite3_stmt *stmt)
{
  KefuUnitCompletion *u = g_new0 (KefuUnitCompletion, 1);

  u->unit_id = kefu_stmt_dup (stmt, 0);
  u->code = kefu_stmt_dup (stmt, 1);
  u->name = kefu_stmt_dup (stmt, 2);
  u->n_assigned = sqlite3_column_int (stmt, 3);
  u->n_done = sqlite3_column_int (stmt, 4);
  u->n_overdue = sqlite3_column_int (stmt, 5);
  u->avg_score = sqlite3_column_type (stmt, 6) == SQLITE_NULL ? -1 : sqlite3_column_double (stmt, 6);
  return u;
}


GPtrArray *
kefu_training_completion_units (KefuDb      *db,
                                const char  *course_id,
                                const char  *unit_id,
                                GError     **error)
{
  g_autofree char *sql = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (KEFU_IS_DB (db), NULL);

  if (!require_reader (db, error))
    return NULL;
  /* Per assignment first (done, overdue, the counted score), then per
   * branch; branches without assignments are listed with zeros. */
  sql = g_strdup_printf (UNITS_CTE ","
                         " per_assignment (unit, due, done, score) AS ("
                         "  SELECT s.org_unit_id, a.due_at, " DONE ", " COUNTED_SCORE
                         "  FROM assignment a JOIN staff s ON s.id = a.staff_id JOIN course c ON c.id = a.course_id"
                         "  WHERE a.deleted = 0 AND c.deleted = 0 AND s.deleted = 0%s%s),"
                         " per_unit (unit, n, n_done, n_overdue, avg_score) AS ("
                         "  SELECT unit, count(*), sum (done), sum (NOT done AND due < ?3), avg (score)"
                         "  FROM per_assignment GROUP BY unit)"
                         " SELECT u.id, u.code, u.name, coalesce (p.n, 0), coalesce (p.n_done, 0),"
                         "  coalesce (p.n_overdue, 0), p.avg_score"
                         " FROM org_unit u LEFT JOIN per_unit p ON p.unit = u.id"
                         " WHERE u.deleted = 0 AND u.level = 'branch'%s"
                         " ORDER BY u.code",
                         course_id ? " AND a.course_id = ?2" : "", unit_filter (unit_id, "s"), unit_filter (unit_id, "u"));
  stmt = kefu_db_prepare (db, sql, error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, unit_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, course_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, kefu_cases_get_now (db));
  return kefu_db_collect_rows (db, stmt, unit_from_row, (GDestroyNotify) kefu_unit_completion_free, error);
}

/* --- export ---------------------------------------------------------- */

static gboolean
check_lxw (lxw_error   err,
           GError    **error)
{
  if (err == LXW_NO_ERROR)
    return TRUE;
  g_set_error (error, KEFU_ERROR, KEFU_ERROR_IO, _("Could not write the spreadsheet: %s"), lxw_strerror (err));
  return FALSE;
}

static char *
format_day (gint64 ms)
{
  g_autoptr(GDateTime) dt = ms > 0 ? g_date_time_new_from_unix_local (ms / 1000) : NULL;

  return dt ? g_date_time_format (dt, "%Y-%m-%d") : g_strdup ("");
}

static gboolean
write_header (lxw_worksheet       *sheet,
              const char * const  *titles,
              const double        *widths,
              lxw_format          *bold,
              GError             **error)
{
  for (guint col = 0; titles[col]; col++)
    {
      worksheet_set_column (sheet, col, col, widths[col], NULL);
      if (!check_lxw (worksheet_write_string (sheet, 0, col, titles[col], bold), error))
        return FALSE;
    }
  worksheet_freeze_panes (sheet, 1, 0);
  return TRUE;
}

static gboolean
write_units (lxw_worksheet  *sheet,
             lxw_format     *bold,
             lxw_format     *percent,
             GPtrArray      *units,
             GError        **error)
{
  const char *titles[] = { _("Code"), _("Branch"), _("Assigned"), _("Done"), _("Overdue"), _("Completion"),
                           _("Average score"), NULL };
  static const double widths[] = { 12, 30, 10, 10, 10, 12, 14 };

  if (!write_header (sheet, titles, widths, bold, error))
    return FALSE;
  for (guint i = 0; i < units->len; i++)
    {
      KefuUnitCompletion *u = units->pdata[i];
      lxw_row_t row = i + 1;

      if (!check_lxw (worksheet_write_string (sheet, row, 0, u->code, NULL), error) ||
          !check_lxw (worksheet_write_string (sheet, row, 1, u->name, NULL), error) ||
          !check_lxw (worksheet_write_number (sheet, row, 2, u->n_assigned, NULL), error) ||
          !check_lxw (worksheet_write_number (sheet, row, 3, u->n_done, NULL), error) ||
          !check_lxw (worksheet_write_number (sheet, row, 4, u->n_overdue, NULL), error))
        return FALSE;
      if (u->n_assigned > 0 &&
          !check_lxw (worksheet_write_number (sheet, row, 5, (double) u->n_done / u->n_assigned, percent), error))
        return FALSE;
      if (u->avg_score >= 0 && !check_lxw (worksheet_write_number (sheet, row, 6, u->avg_score, NULL), error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
write_people (lxw_worksheet  *sheet,
              lxw_format     *bold,
              GPtrArray      *people,
              GError        **error)
{
  const char *titles[] = { _("Name"), _("Role"), _("Branch"), _("Course"), _("Due"), _("State"), _("Score"),
                           _("Attempts"), NULL };
  static const double widths[] = { 12, 10, 30, 30, 12, 10, 8, 10 };

  if (!write_header (sheet, titles, widths, bold, error))
    return FALSE;
  for (guint i = 0; i < people->len; i++)
    {
      KefuCompletionRow *r = people->pdata[i];
      g_autofree char *due = format_day (r->due_at);
      lxw_row_t row = i + 1;

      if (!check_lxw (worksheet_write_string (sheet, row, 0, r->name, NULL), error) ||
          !check_lxw (worksheet_write_string (sheet, row, 1, kefu_role_label (r->role), NULL), error) ||
          !check_lxw (worksheet_write_string (sheet, row, 2, r->unit_name, NULL), error) ||
          !check_lxw (worksheet_write_string (sheet, row, 3, r->course_title, NULL), error) ||
          !check_lxw (worksheet_write_string (sheet, row, 4, due, NULL), error) ||
          !check_lxw (worksheet_write_string (sheet, row, 5, kefu_training_state_label (r->state), NULL), error) ||
          !check_lxw (worksheet_write_number (sheet, row, 7, r->n_attempts, NULL), error))
        return FALSE;
      if (r->score >= 0 && !check_lxw (worksheet_write_number (sheet, row, 6, r->score, NULL), error))
        return FALSE;
    }
  return TRUE;
}

/**
 * kefu_training_export_completion:
 *
 * Writes completion per branch and per person (as the Training view
 * shows them) to an Excel workbook at @path. The file appears only once
 * complete; a failure leaves nothing behind.
 *
 * Returns: %TRUE on success
 */
gboolean
kefu_training_export_completion (KefuDb      *db,
                                 const char  *course_id,
                                 const char  *unit_id,
                                 const char  *path,
                                 GError     **error)
{
  lxw_workbook_options options = { .constant_memory = LXW_FALSE, .tmpdir = NULL, .use_zip64 = LXW_FALSE };
  g_autoptr(GPtrArray) units = NULL;
  g_autoptr(GPtrArray) people = NULL;
  g_autofree char *tmp = NULL;
  lxw_workbook *book;
  lxw_format *bold, *percent;
  lxw_worksheet *sheet;
  gboolean ok;
  lxw_error err;
  int fd;

  g_return_val_if_fail (KEFU_IS_DB (db), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if ((units = kefu_training_completion_units (db, course_id, unit_id, error)) == NULL ||
      (people = kefu_training_completion_people (db, course_id, unit_id, error)) == NULL)
    return FALSE;
  if (people->len > 1048575)
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID,
                   _("There are more people than a spreadsheet can hold; choose one course or a smaller unit."));
      return FALSE;
    }
  if ((tmp = _kefu_export_create_temp (path, &fd, error)) == NULL)
    return FALSE;
  g_close (fd, NULL);
  if ((book = workbook_new_opt (tmp, &options)) == NULL)
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_IO, _("Could not write the spreadsheet: %s"),
                   lxw_strerror (LXW_ERROR_MEMORY_MALLOC_FAILED));
      g_unlink (tmp);
      return FALSE;
    }
  bold = workbook_add_format (book);
  format_set_bold (bold);
  percent = workbook_add_format (book);
  format_set_num_format (percent, "0%");
  sheet = workbook_add_worksheet (book, _("Branches"));
  ok = sheet != NULL && write_units (sheet, bold, percent, units, error);
  if (ok)
    {
      sheet = workbook_add_worksheet (book, _("People"));
      ok = sheet != NULL && write_people (sheet, bold, people, error);
    }
  if (!ok && error && *error == NULL)
    g_set_error (error, KEFU_ERROR, KEFU_ERROR_IO, _("Could not write the spreadsheet: %s"),
                 lxw_strerror (LXW_ERROR_MEMORY_MALLOC_FAILED));
  err = workbook_close (book);
  if (ok)
    ok = check_lxw (err, error);
  if (ok && g_rename (tmp, path) != 0)
    {
      _kefu_export_set_io_error (error, path, errno);
      ok = FALSE;
    }
  if (!ok)
    g_unlink (tmp);
  return ok;
}

/* --- contests -------------------------------------------------------- */

/* Each person's counted attempt at course ?4: the best (score, then
 * time) or the last, picked by max() over one key; SQLite takes the
 * other columns from the row holding the max, and the covering index
 * attempt_by_course walks the attempts person by person without a sort. */
#define COUNTED_ATTEMPTS(key) \
  " counted (staff_id, score, time_ms) AS (" \
  "  SELECT staff_id, score, time_ms FROM (" \
  "   SELECT t.staff_id, max (" key "), t.score, t.time_ms" \
  "   FROM attempt t WHERE t.course_id = ?4 AND t.deleted = 0 GROUP BY t.staff_id))"
#define BEST_KEY "t.score * 1000000000 - t.time_ms"
#define LAST_KEY "t.finished_at"

static char *
course_policy (KefuDb      *db,
               const char  *course_id,
               GError     **error)
{
  g_autoptr(KefuCourse) c = kefu_training_get_course (db, course_id, error);

  return c ? g_strdup (c->score_policy) : NULL;
}
static gpointer
entry_from_row (sqlite3_stmt *stmt)
{
  KefuLeaderboardEntry *e = g_new0 (KefuLeaderboardEntry, 1);

  e->rank = sqlite3_column_int (stmt, 0);
  e->staff_id = kefu_stmt_dup (stmt, 1);
  e->name = kefu_stmt_dup (stmt, 2);
  e->unit_id = kefu_stmt_dup (stmt, 3);
  e->unit_name = kefu_stmt_dup (stmt, 4);
  e->score = sqlite3_column_int (stmt, 5);
  e->time_ms = sqlite3_column_int64 (stmt, 6);
  return e;
}


GPtrArray *
kefu_training_leaderboard (KefuDb      *db,
                           const char  *course_id,
                           const char  *unit_id,
                           guint        limit,
                           GError     **error)
{
  /* Ranked first (over everyone in scope), named after the limit. */
#define LEADERBOARD_SQL(key, filter) \
  UNITS_CTE "," COUNTED_ATTEMPTS (key) "," \
  " ranked (r, staff_id, score, time_ms) AS (" \
  "  SELECT rank () OVER (ORDER BY c.score DESC, c.time_ms), c.staff_id, c.score, c.time_ms" \
  "  FROM counted c" filter ")" \
  " SELECT c.r, s.id, s.name, u.id, u.name, c.score, c.time_ms" \
  " FROM (SELECT * FROM ranked ORDER BY r LIMIT ?2) c JOIN staff s ON s.id = c.staff_id" \
  "  JOIN org_unit u ON u.id = s.org_unit_id" \
  " ORDER BY c.r, s.name"
#define IN_UNITS " JOIN staff s ON s.id = c.staff_id WHERE s.org_unit_id IN units"
  g_autofree char *policy = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (KEFU_IS_DB (db), NULL);

  if ((policy = course_policy (db, course_id, error)) == NULL)
    return NULL;
  if (g_str_equal (policy, "last"))
    stmt = kefu_db_prepare (db, unit_id ? LEADERBOARD_SQL (LAST_KEY, IN_UNITS) : LEADERBOARD_SQL (LAST_KEY, ""), error);
  else
    stmt = kefu_db_prepare (db, unit_id ? LEADERBOARD_SQL (BEST_KEY, IN_UNITS) : LEADERBOARD_SQL (BEST_KEY, ""), error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, unit_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, limit > 0 ? (gint64) limit : G_MAXINT64);
  sqlite3_bind_text (stmt, 4, course_id, -1, SQLITE_STATIC);
  return kefu_db_collect_rows (db, stmt, entry_from_row, (GDestroyNotify) kefu_leaderboard_entry_free, error);
#undef LEADERBOARD_SQL
#undef IN_UNITS
}
static gpointer
standing_from_row (sqlite3_stmt *stmt)
{
  KefuBranchStanding *s = g_new0 (KefuBranchStanding, 1);

  s->rank = sqlite3_column_int (stmt, 0);
  s->unit_id = kefu_stmt_dup (stmt, 1);
  s->unit_name = kefu_stmt_dup (stmt, 2);
  s->n_people = sqlite3_column_int (stmt, 3);
  s->avg_score = sqlite3_column_double (stmt, 4);
  s->avg_time_ms = sqlite3_column_int64 (stmt, 5);
  return s;
}


GPtrArray *
kefu_training_branch_standings (KefuDb      *db,
                                const char  *course_id,
                                GError     **error)
{
#define STANDINGS_SQL(key) \
  "WITH" COUNTED_ATTEMPTS (key) \
  " SELECT rank () OVER (ORDER BY round (avg (c.score), 1) DESC, avg (c.time_ms)), u.id, u.name, count(*)," \
  "  avg (c.score), avg (c.time_ms)" \
  " FROM counted c JOIN staff s ON s.id = c.staff_id JOIN org_unit u ON u.id = s.org_unit_id" \
  " WHERE u.level = 'branch' GROUP BY u.id ORDER BY 1, u.code"
  g_autofree char *policy = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (KEFU_IS_DB (db), NULL);

  if ((policy = course_policy (db, course_id, error)) == NULL)
    return NULL;
  stmt = kefu_db_prepare (db, g_str_equal (policy, "last") ? STANDINGS_SQL (LAST_KEY) : STANDINGS_SQL (BEST_KEY), error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 4, course_id, -1, SQLITE_STATIC);
  return kefu_db_collect_rows (db, stmt, standing_from_row, (GDestroyNotify) kefu_branch_standing_free, error);
#undef STANDINGS_SQL
}
