/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Training benchmark: completion per branch for a province, My Training,
 * and a contest's leaderboard, beside raw SQLite figures over the same
 * rows.
 *
 *   bench-training DB-PATH [N-ATTEMPTS]
 *
 * A new database gets an organisation of 10 provinces × 5 cities × 20
 * branches (1,000 branches), 20 staff per branch (20,000 people, one
 * supervisor each), four courses assigned to everyone (80,000
 * assignments), a skills contest, and N-ATTEMPTS attempts (default
 * 100,000), written as a bulk load (ids and versions, no audit or outbox:
 * the reads are what is measured). Not part of the test suites: timings
 * are measured here, never asserted in tests. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "kefu-cases.h"
#include "kefu-org.h"
#include "kefu-training.h"
#include "kefu-uuid.h"

#define N_PROVINCES   10
#define N_CITIES      5
#define N_BRANCHES    20
#define N_STAFF       20
#define N_COURSES     4
#define RUNS          40
#define DAY_MS        G_GINT64_CONSTANT (86400000)

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
  printf ("%-52s n=%-4u p50 %8.3f ms   p95 %8.3f ms   max %8.3f ms\n", what, ms->len,
          v[ms->len / 2], v[(ms->len * 95) / 100], v[ms->len - 1]);
}

static double
now_ms (void)
{
  return (double) g_get_monotonic_time () / 1000.0;
}

static void
exec_or_die (KefuDb     *db,
             const char *sql)
{
  g_autoptr(GError) error = NULL;

  if (!kefu_db_exec (db, sql, &error))
    g_error ("%s: %s", sql, error->message);
}

static sqlite3_stmt *
prepare_or_die (KefuDb     *db,
                const char *sql)
{
  g_autoptr(GError) error = NULL;
  sqlite3_stmt *stmt = kefu_db_prepare (db, sql, &error);

  if (stmt == NULL)
    g_error ("%s", error->message);
  return stmt;
}

static void
step_or_die (KefuDb       *db,
             sqlite3_stmt *stmt)
{
  if (sqlite3_step (stmt) != SQLITE_DONE)
    g_error ("%s", sqlite3_errmsg (kefu_db_get_handle (db)));
  sqlite3_reset (stmt);
}

static char *
add_unit (KefuDb     *db,
          const char *code,
          const char *level,
          const char *parent)
{
  sqlite3_stmt *stmt = prepare_or_die (db, "INSERT INTO org_unit (id, code, name, level, parent_id) VALUES (?, ?, ?, ?, ?)");
  char *id = kefu_uuid7_new ();

  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, code, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, code, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, level, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, parent, -1, SQLITE_STATIC);
  step_or_die (db, stmt);
  return id;
}

static void
build (KefuDb *db,
       guint   n_attempts)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261203);
  g_autoptr(GPtrArray) staff = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) courses = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *hq = NULL;
  gint64 now = g_get_real_time () / 1000;
  sqlite3_stmt *stmt;
  double start = now_ms ();

  if (!kefu_org_setup_office (db, "BENCH", "Bench office", "Admin", "admin", "admin", &error))
    g_error ("%s", error->message);
  exec_or_die (db, "BEGIN");
  hq = add_unit (db, "HQ", "hq", NULL);
  for (guint p = 0; p < N_PROVINCES; p++)
    {
      g_autofree char *pcode = g_strdup_printf ("P%02u", p);
      g_autofree char *pid = add_unit (db, pcode, "province", hq);

      for (guint c = 0; c < N_CITIES; c++)
        {
          g_autofree char *ccode = g_strdup_printf ("%sC%u", pcode, c);
          g_autofree char *cid = add_unit (db, ccode, "city", pid);

          for (guint b = 0; b < N_BRANCHES; b++)
            {
              g_autofree char *bcode = g_strdup_printf ("%sB%02u", ccode, b);
              g_autofree char *bid = add_unit (db, bcode, "branch", cid);

              stmt = prepare_or_die (db, "INSERT INTO staff (id, org_unit_id, username, name, role) VALUES (?, ?, ?, ?, ?)");
              for (guint s = 0; s < N_STAFF; s++)
                {
                  char *id = kefu_uuid7_new ();
                  g_autofree char *user = g_strdup_printf ("%s-%02u", bcode, s);

                  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
                  sqlite3_bind_text (stmt, 2, bid, -1, SQLITE_STATIC);
                  sqlite3_bind_text (stmt, 3, user, -1, SQLITE_STATIC);
                  sqlite3_bind_text (stmt, 4, user, -1, SQLITE_STATIC);
                  sqlite3_bind_text (stmt, 5, s == 0 ? "supervisor" : "agent", -1, SQLITE_STATIC);
                  step_or_die (db, stmt);
                  g_ptr_array_add (staff, id);
                }
            }
        }
    }

  stmt = prepare_or_die (db, "INSERT INTO course (id, title, status, is_contest, pass_mark, opens_at, closes_at)"
                             " VALUES (?, ?, 'published', ?, 60, ?, ?)");
  for (guint c = 0; c <= N_COURSES; c++)
    {
      char *id = kefu_uuid7_new ();
      g_autofree char *title = g_strdup_printf ("Course %u", c);
      gboolean contest = c == N_COURSES;

      sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, title, -1, SQLITE_STATIC);
      sqlite3_bind_int (stmt, 3, contest);
      if (contest)
        {
          sqlite3_bind_int64 (stmt, 4, now - 3 * DAY_MS);
          sqlite3_bind_int64 (stmt, 5, now + 3 * DAY_MS);
        }
      step_or_die (db, stmt);
      g_ptr_array_add (courses, id);
    }

  stmt = prepare_or_die (db, "INSERT INTO assignment (id, course_id, staff_id, due_at, assigned_at) VALUES (?, ?, ?, ?, ?)");
  for (guint c = 0; c < N_COURSES; c++)
    for (guint s = 0; s < staff->len; s++)
      {
        g_autofree char *id = kefu_uuid7_new ();

        sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
        sqlite3_bind_text (stmt, 2, courses->pdata[c], -1, SQLITE_STATIC);
        sqlite3_bind_text (stmt, 3, staff->pdata[s], -1, SQLITE_STATIC);
        sqlite3_bind_int64 (stmt, 4, now + g_rand_int_range (rand, -20, 20) * DAY_MS);
        sqlite3_bind_int64 (stmt, 5, now - 30 * DAY_MS);
        step_or_die (db, stmt);
      }

  /* Attempts: a fifth at the contest, the rest spread over the courses. */
  stmt = prepare_or_die (db, "INSERT INTO attempt (id, course_id, staff_id, started_at, finished_at, time_ms, score, passed,"
                             " answers) VALUES (?, ?, ?, ?, ?, ?, ?, ?, '[]')");
  for (guint i = 0; i < n_attempts; i++)
    {
      g_autofree char *id = kefu_uuid7_new ();
      guint c = i % 5 == 0 ? N_COURSES : g_rand_int_range (rand, 0, N_COURSES);
      gint score = g_rand_int_range (rand, 20, 101);
      gint64 time_ms = g_rand_int_range (rand, 60, 1200) * 1000;
      gint64 finished = now - g_rand_int_range (rand, 0, 25 * 86400) * G_GINT64_CONSTANT (1000);

      sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, courses->pdata[c], -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, staff->pdata[g_rand_int_range (rand, 0, staff->len)], -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 4, finished - time_ms);
      sqlite3_bind_int64 (stmt, 5, finished);
      sqlite3_bind_int64 (stmt, 6, time_ms);
      sqlite3_bind_int (stmt, 7, score);
      sqlite3_bind_int (stmt, 8, score >= 60);
      step_or_die (db, stmt);
    }
  exec_or_die (db, "COMMIT");
  exec_or_die (db, "ANALYZE");
  fprintf (stderr, "built: %u staff, %u assignments, %u attempts in %.1f s\n", staff->len, staff->len * N_COURSES,
           n_attempts, (now_ms () - start) / 1000);
}

static GPtrArray *
column (KefuDb     *db,
        const char *sql)
{
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt = prepare_or_die (db, sql);

  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (ids, kefu_stmt_dup (stmt, 0));
  sqlite3_reset (stmt);
  return ids;
}

static int
count_of (KefuDb     *db,
          const char *sql)
{
  sqlite3_stmt *stmt = prepare_or_die (db, sql);
  int n = sqlite3_step (stmt) == SQLITE_ROW ? sqlite3_column_int (stmt, 0) : -1;

  sqlite3_reset (stmt);
  return n;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KefuDb) db = NULL;
  g_autoptr(GPtrArray) provinces = NULL;
  g_autoptr(GPtrArray) courses = NULL;
  g_autoptr(GPtrArray) contest = NULL;
  g_autoptr(GPtrArray) people = NULL;
  g_autoptr(GArray) with_course = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) all_courses = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) raw = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) mine = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) board = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) board_raw = g_array_new (FALSE, FALSE, sizeof (double));
  guint n_attempts = argc > 2 ? (guint) atoi (argv[2]) : 100000;
  gboolean fresh;
  guint n_branches = 0;

  if (argc < 2)
    {
      fprintf (stderr, "usage: %s DB-PATH [N-ATTEMPTS]\n", argv[0]);
      return 2;
    }
  fresh = !g_file_test (argv[1], G_FILE_TEST_EXISTS);
  if ((db = kefu_db_open (argv[1], &error)) == NULL)
    g_error ("%s", error->message);
  if (fresh)
    build (db, n_attempts);
  {
    g_autoptr(GPtrArray) admin = column (db, "SELECT id FROM staff WHERE username = 'admin'");

    kefu_db_set_actor (db, admin->pdata[0]);
  }
  provinces = column (db, "SELECT id FROM org_unit WHERE level = 'province' ORDER BY code");
  courses = column (db, "SELECT id FROM course WHERE is_contest = 0 ORDER BY title");
  contest = column (db, "SELECT id FROM course WHERE is_contest = 1");
  people = column (db, "SELECT id FROM staff WHERE role = 'agent' ORDER BY rowid LIMIT 200");
  printf ("attempts %d, assignments %d, staff %d, branches %d\n",
          count_of (db, "SELECT count(*) FROM attempt"), count_of (db, "SELECT count(*) FROM assignment"),
          count_of (db, "SELECT count(*) FROM staff"), count_of (db, "SELECT count(*) FROM org_unit WHERE level = 'branch'"));

  for (guint r = 0; r < RUNS; r++)
    {
      const char *province = provinces->pdata[r % provinces->len];
      double t0 = now_ms ();
      g_autoptr(GPtrArray) units = kefu_training_completion_units (db, courses->pdata[r % courses->len], province, &error);
      double t1 = now_ms ();
      g_autoptr(GPtrArray) units_all = kefu_training_completion_units (db, NULL, province, &error);
      double t2 = now_ms ();

      if (units == NULL || units_all == NULL)
        g_error ("%s", error->message);
      n_branches = units->len;
      g_array_append_vals (with_course, &(double) { t1 - t0 }, 1);
      g_array_append_vals (all_courses, &(double) { t2 - t1 }, 1);

      /* The yardstick: one plain join and GROUP BY over the same
       * province's assignments and attempts, no policy, no states. */
      {
        sqlite3_stmt *stmt = prepare_or_die (db,
          "SELECT s.org_unit_id, count(*), sum (EXISTS (SELECT 1 FROM attempt t WHERE t.staff_id = a.staff_id"
          "  AND t.course_id = a.course_id AND t.passed = 1 AND t.deleted = 0))"
          " FROM org_unit b JOIN org_unit c ON b.parent_id = c.id JOIN staff s ON s.org_unit_id = b.id"
          " JOIN assignment a ON a.staff_id = s.id AND a.deleted = 0"
          " WHERE c.parent_id = ? GROUP BY s.org_unit_id");
        double t3 = now_ms ();

        sqlite3_bind_text (stmt, 1, province, -1, SQLITE_STATIC);
        while (sqlite3_step (stmt) == SQLITE_ROW)
          ;
        sqlite3_reset (stmt);
        g_array_append_vals (raw, &(double) { now_ms () - t3 }, 1);
      }
    }
  report ("completion per branch, province, one course", with_course);
  report ("completion per branch, province, all courses", all_courses);
  report ("raw SQLite: join + GROUP BY, province, all courses", raw);
  printf ("  (%u branches per province)\n", n_branches);

  for (guint r = 0; r < RUNS * 5; r++)
    {
      double t0 = now_ms ();
      g_autoptr(GPtrArray) items = kefu_training_list_mine (db, people->pdata[r % people->len], &error);

      if (items == NULL)
        g_error ("%s", error->message);
      if (r == 0)
        printf ("  (My Training of one agent: %u items)\n", items->len);
      g_array_append_vals (mine, &(double) { now_ms () - t0 }, 1);
    }
  report ("My Training (one person)", mine);

  for (guint r = 0; r < RUNS; r++)
    {
      double t0 = now_ms ();
      g_autoptr(GPtrArray) top = kefu_training_leaderboard (db, contest->pdata[0], NULL, 20, &error);
      double t1 = now_ms ();
      sqlite3_stmt *stmt;

      if (top == NULL)
        g_error ("%s", error->message);
      g_array_append_vals (board, &(double) { t1 - t0 }, 1);
      stmt = prepare_or_die (db, "SELECT staff_id, max (score) FROM attempt WHERE course_id = ? AND deleted = 0"
                                 " GROUP BY staff_id ORDER BY 2 DESC LIMIT 20");
      t1 = now_ms ();
      sqlite3_bind_text (stmt, 1, contest->pdata[0], -1, SQLITE_STATIC);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        ;
      sqlite3_reset (stmt);
      g_array_append_vals (board_raw, &(double) { now_ms () - t1 }, 1);
    }
  report ("contest leaderboard, top 20 of everyone", board);
  report ("raw SQLite: max score per person, top 20", board_raw);
  return 0;
}
