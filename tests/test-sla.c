/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "kefu-sla.h"
#include "kefu-test-util.h"

#define CALENDARS SRCDIR "/data/calendars"

static KefuCalendar *
shipped_calendar (void)
{
  KefuCalendar *cal = kefu_calendar_new (9 * 60, 18 * 60, 0x60);
  g_autoptr(GError) error = NULL;
  const char *files[] = { "cn-2025.ini", "cn-2026.ini", "cn-2027.ini" };

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = g_build_filename (CALENDARS, files[i], NULL);

      g_assert_true (kefu_calendar_load_file (cal, path, &error));
      g_assert_no_error (error);
    }
  return cal;
}

static void
assert_time (gint64 ms,
             int    y,
             int    mo,
             int    d,
             int    h,
             int    mi)
{
  gint64 want = kefu_local_time_ms (y, mo, d, h, mi);

  if (ms != want)
    {
      g_autoptr(GDateTime) got = g_date_time_new_from_unix_utc (ms / 1000);
      g_autoptr(GDateTime) got8 = g_date_time_add_hours (got, 8);
      g_autofree char *s = g_date_time_format (got8, "%Y-%m-%d %H:%M");

      g_error ("expected %04d-%02d-%02d %02d:%02d (UTC+8), got %s", y, mo, d, h, mi, s);
    }
}

static gboolean
workday (KefuCalendar *cal,
         int           y,
         int           m,
         int           d)
{
  g_autoptr(GDate) date = g_date_new_dmy (d, m, y);

  return kefu_calendar_is_workday (cal, date);
}

static void
test_local_time (void)
{
  /* 2025-01-01 00:00 in Shanghai is 2024-12-31 16:00 UTC. */
  g_assert_cmpint (kefu_local_time_ms (2025, 1, 1, 0, 0), ==, G_GINT64_CONSTANT (1735660800000));
  {
    g_autofree char *s = kefu_local_date_string (G_GINT64_CONSTANT (1735660800000) - 1);

    g_assert_cmpstr (s, ==, "2024-12-31");
  }
  {
    g_autofree char *s = kefu_local_date_string (G_GINT64_CONSTANT (1735660800000));

    g_assert_cmpstr (s, ==, "2025-01-01");
  }
  g_assert_cmpint (kefu_local_day_start (kefu_local_time_ms (2025, 10, 1, 17, 45)), ==,
                   kefu_local_time_ms (2025, 10, 1, 0, 0));
}

static void
test_weekends (void)
{
  g_autoptr(KefuCalendar) cal = kefu_calendar_new (9 * 60, 18 * 60, 0x60);

  /* Friday 2024-03-15 17:30 + 2 h: 30 minutes on Friday, 90 on Monday. */
  assert_time (kefu_calendar_add_minutes (cal, kefu_local_time_ms (2024, 3, 15, 17, 30), 120),
               2024, 3, 18, 10, 30);
  /* A start on Saturday night counts from Monday 09:00. */
  assert_time (kefu_calendar_add_minutes (cal, kefu_local_time_ms (2024, 3, 16, 23, 10), 60),
               2024, 3, 18, 10, 0);
  /* Before opening time counts from 09:00. */
  assert_time (kefu_calendar_add_minutes (cal, kefu_local_time_ms (2024, 3, 18, 7, 0), 30),
               2024, 3, 18, 9, 30);
  /* A full working day from the opening ends at the close, same day. */
  assert_time (kefu_calendar_add_minutes (cal, kefu_local_time_ms (2024, 3, 18, 9, 0), KEFU_BUSINESS_DAY_MINUTES),
               2024, 3, 18, 18, 0);
  /* After closing time: the next working morning. */
  assert_time (kefu_calendar_add_minutes (cal, kefu_local_time_ms (2024, 3, 22, 18, 0), 1),
               2024, 3, 25, 9, 1);
  g_assert_cmpint (kefu_calendar_minutes_between (cal, kefu_local_time_ms (2024, 3, 15, 17, 30),
                                                  kefu_local_time_ms (2024, 3, 18, 10, 30)), ==, 120);
  g_assert_cmpint (kefu_calendar_minutes_between (cal, kefu_local_time_ms (2024, 3, 18, 10, 30),
                                                  kefu_local_time_ms (2024, 3, 15, 17, 30)), ==, 0);
  g_assert_cmpint (kefu_calendar_add_minutes (cal, 12345, 0), ==, 12345);
}

static void
test_make_up_day (void)
{
  g_autoptr(KefuCalendar) cal = shipped_calendar ();

  /* A complaint opened Friday 2025-09-26 17:30 with two business hours for
   * the first response: Saturday is off, Sunday 28 September is a make-up
   * working day before National Day. */
  assert_time (kefu_calendar_add_minutes (cal, kefu_local_time_ms (2025, 9, 26, 17, 30), 120),
               2025, 9, 28, 10, 30);
  g_assert_false (workday (cal, 2025, 9, 27));
  g_assert_true (workday (cal, 2025, 9, 28));
  {
    g_autoptr(GDate) date = g_date_new_dmy (28, 9, 2025);

    g_assert_nonnull (strstr (kefu_calendar_day_name (cal, date), "国庆"));
  }
}

static void
test_national_day (void)
{
  g_autoptr(KefuCalendar) cal = shipped_calendar ();
  gint64 start = kefu_local_time_ms (2025, 9, 30, 17, 30);
  gint64 due = kefu_calendar_add_minutes (cal, start, 3 * KEFU_BUSINESS_DAY_MINUTES);

  /* Three business days from Tuesday 30 September 17:30: half an hour that
   * evening, then 1–8 October are off; Thursday 9 and Friday 10 October
   * are full days and Saturday 11 October is a make-up day, 8.5 hours into
   * which the time runs out. */
  assert_time (due, 2025, 10, 11, 17, 30);
  for (int d = 1; d <= 8; d++)
    g_assert_false (workday (cal, 2025, 10, d));
  g_assert_true (workday (cal, 2025, 10, 11));
  g_assert_cmpint (kefu_calendar_minutes_between (cal, start, due), ==, 3 * KEFU_BUSINESS_DAY_MINUTES);
  /* Nothing is counted during the holiday. */
  g_assert_cmpint (kefu_calendar_minutes_between (cal, kefu_local_time_ms (2025, 10, 1, 0, 0),
                                                  kefu_local_time_ms (2025, 10, 9, 0, 0)), ==, 0);
}

static void
test_spring_festival_2026 (void)
{
  g_autoptr(KefuCalendar) cal = shipped_calendar ();

  /* Friday 13 February 2026 17:00 + one business day: one hour on Friday,
   * Saturday 14 February is a make-up day (eight hours), and the rest
   * falls after the festival (15–23 February) on Tuesday 24th. */
  assert_time (kefu_calendar_add_minutes (cal, kefu_local_time_ms (2026, 2, 13, 17, 0), KEFU_BUSINESS_DAY_MINUTES),
               2026, 2, 14, 17, 0);
  assert_time (kefu_calendar_add_minutes (cal, kefu_local_time_ms (2026, 2, 14, 17, 0), 120),
               2026, 2, 24, 10, 0);
  g_assert_true (workday (cal, 2026, 2, 28));
  g_assert_true (workday (cal, 2026, 1, 4));
  g_assert_false (workday (cal, 2026, 1, 2));
  g_assert_true (workday (cal, 2026, 10, 10));
  /* 2027 is provisional: statutory days only. */
  g_assert_false (workday (cal, 2027, 2, 8));
  g_assert_false (workday (cal, 2027, 6, 9));
  g_assert_true (workday (cal, 2027, 6, 10));
}

static void
test_round_trip (void)
{
  g_autoptr(KefuCalendar) cal = shipped_calendar ();
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  gint64 base = kefu_local_time_ms (2025, 1, 1, 0, 0);

  for (guint i = 0; i < 2000; i++)
    {
      gint64 start = base + g_rand_int_range (rand, 0, 365 * 2) * G_GINT64_CONSTANT (86400000)
                     + g_rand_int_range (rand, 0, 86400) * G_GINT64_CONSTANT (1000);
      gint64 minutes = g_rand_int_range (rand, 1, 20 * KEFU_BUSINESS_DAY_MINUTES);
      gint64 due = kefu_calendar_add_minutes (cal, start, minutes);

      g_assert_cmpint (due, >, start);
      g_assert_cmpint (kefu_calendar_minutes_between (cal, start, due), ==, minutes);
    }
}

static void
test_machine_time_zone_ignored (void)
{
  g_autoptr(KefuCalendar) cal = shipped_calendar ();
  g_autofree char *saved = g_strdup (g_getenv ("TZ"));

  g_setenv ("TZ", "America/Los_Angeles", TRUE);
  assert_time (kefu_calendar_add_minutes (cal, kefu_local_time_ms (2025, 9, 26, 17, 30), 120),
               2025, 9, 28, 10, 30);
  {
    g_autofree char *s = kefu_local_date_string (kefu_local_time_ms (2025, 10, 1, 0, 30));

    g_assert_cmpstr (s, ==, "2025-10-01");
  }
  if (saved)
    g_setenv ("TZ", saved, TRUE);
  else
    g_unsetenv ("TZ");
}

static void
test_bad_file (void)
{
  g_autoptr(KefuCalendar) cal = kefu_calendar_new (9 * 60, 18 * 60, 0x60);
  g_autofree char *dir = g_dir_make_tmp ("kefu-cal-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "cn-2030.ini", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (path, "[holidays]\n2030-01-01=New Year\n2030-13-40=Nonsense\n", -1, NULL));
  g_assert_false (kefu_calendar_load_file (cal, path, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_PARSE);
  /* Nothing of the bad file was applied. */
  g_assert_true (workday (cal, 2030, 1, 1));
  g_clear_error (&error);
  g_assert_false (kefu_calendar_load_file (cal, "/nonexistent/cn-2030.ini", &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_IO);
  kefu_test_rm_rf (dir);
}

static void
test_seeded_into_database (void)
{
  g_autoptr(KefuTestDb) t = kefu_test_db_new (TRUE);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) days = NULL;
  KefuCalendar *cal, *again;
  int outbox0 = kefu_test_count (t->db, "SELECT count(*) FROM outbox");

  kefu_calendar_set_data_dir (CALENDARS);
  cal = kefu_calendar_get_for_db (t->db, &error);
  g_assert_no_error (error);
  g_assert_nonnull (cal);
  /* 2025: 28 + 5, 2026: 33 + 6, 2027: 13 */
  g_assert_cmpint (kefu_test_count (t->db, "SELECT count(*) FROM calendar_day WHERE deleted = 0"), ==, 85);
  /* Shipped data is seeded like a migration: not pushed as local edits. */
  g_assert_cmpint (kefu_test_count (t->db, "SELECT count(*) FROM outbox"), ==, outbox0);
  g_assert_true (workday (cal, 2025, 9, 28));

  /* Cached per database; loading again imports nothing twice. */
  again = kefu_calendar_get_for_db (t->db, &error);
  g_assert_true (cal == again);
  {
    g_autoptr(KefuCalendar) fresh = kefu_calendar_load_default (t->db, &error);

    g_assert_no_error (error);
    g_assert_cmpint (kefu_test_count (t->db, "SELECT count(*) FROM calendar_day"), ==, 85);
  }

  days = kefu_calendar_list_days (t->db, 2026, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (days->len, ==, 39);
  g_assert_cmpstr (((KefuCalendarDay *) days->pdata[0])->day, ==, "2026-01-01");
}

static void
test_edit_calendar (void)
{
  g_autoptr(KefuTestDb) t = kefu_test_db_new (TRUE);
  g_autoptr(GError) error = NULL;
  KefuCalendar *cal;
  int outbox0;

  kefu_calendar_set_data_dir (CALENDARS);
  g_assert_nonnull (kefu_calendar_get_for_db (t->db, &error));
  outbox0 = kefu_test_count (t->db, "SELECT count(*) FROM outbox");

  /* A local holiday: recorded as an edit, and the cache is refreshed. */
  g_assert_true (kefu_calendar_save_day (t->db, "2025-12-31", "holiday", "Branch stock-take", &error));
  g_assert_no_error (error);
  cal = kefu_calendar_get_for_db (t->db, &error);
  g_assert_false (workday (cal, 2025, 12, 31));
  g_assert_cmpint (kefu_test_count (t->db, "SELECT count(*) FROM outbox"), ==, outbox0 + 1);
  g_assert_cmpint (kefu_test_count (t->db, "SELECT count(*) FROM outbox WHERE entity = 'calendar_day'"), ==, 1);

  /* Editing a shipped day, then removing the exception. */
  g_assert_true (kefu_calendar_save_day (t->db, "2025-10-11", NULL, NULL, &error));
  g_assert_no_error (error);
  cal = kefu_calendar_get_for_db (t->db, &error);
  g_assert_false (workday (cal, 2025, 10, 11));
  g_assert_true (kefu_calendar_save_day (t->db, "2025-10-11", "workday", "国庆节调休", &error));
  cal = kefu_calendar_get_for_db (t->db, &error);
  g_assert_true (workday (cal, 2025, 10, 11));

  g_assert_false (kefu_calendar_save_day (t->db, "2025-02-30", "holiday", "x", &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (kefu_calendar_save_day (t->db, "2025-05-06", "holiday", "  ", &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
  g_clear_error (&error);

  /* Working hours 08:30–17:30, only Sunday off. */
  g_assert_true (kefu_calendar_save_hours (t->db, 8 * 60 + 30, 17 * 60 + 30, 0x40, &error));
  g_assert_no_error (error);
  cal = kefu_calendar_get_for_db (t->db, &error);
  g_assert_cmpint (kefu_calendar_get_work_start (cal), ==, 510);
  assert_time (kefu_calendar_add_minutes (cal, kefu_local_time_ms (2024, 3, 15, 17, 0), 60),
               2024, 3, 16, 9, 0);
  g_assert_false (kefu_calendar_save_hours (t->db, 18 * 60, 9 * 60, 0x60, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (kefu_calendar_save_hours (t->db, 9 * 60, 18 * 60, 0x7f, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
}

static void
test_reseed_changed_file (void)
{
  g_autoptr(KefuTestDb) t = kefu_test_db_new (TRUE);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("kefu-cal-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "cn-2027.ini", NULL);
  KefuCalendar *cal;

  kefu_calendar_set_data_dir (dir);
  g_assert_true (g_file_set_contents (path, "[holidays]\n2027-02-05=春节\n2027-02-10=春节\n", -1, NULL));
  g_assert_nonnull (kefu_calendar_get_for_db (t->db, &error));
  g_assert_cmpint (kefu_test_count (t->db, "SELECT count(*) FROM calendar_day WHERE deleted = 0"), ==, 2);

  /* The official schedule replaces the provisional one. */
  g_assert_true (g_file_set_contents (path, "[holidays]\n2027-02-05=春节\n2027-02-11=春节\n[workdays]\n2027-02-20=春节调休\n", -1, NULL));
  g_object_set_data (G_OBJECT (t->db), "kefu-calendar", NULL);
  cal = kefu_calendar_get_for_db (t->db, &error);
  g_assert_no_error (error);
  g_assert_true (workday (cal, 2027, 2, 10));
  g_assert_false (workday (cal, 2027, 2, 11));
  g_assert_true (workday (cal, 2027, 2, 20));
  g_assert_cmpint (kefu_test_count (t->db, "SELECT count(*) FROM calendar_day WHERE deleted = 0"), ==, 3);
  kefu_calendar_set_data_dir (CALENDARS);
  kefu_test_rm_rf (dir);
}

static void
test_import_official_schedule (void)
{
  g_autoptr(KefuTestDb) t = kefu_test_db_new (TRUE);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("kefu-cal-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "cn-2027.ini", NULL);
  KefuCalendar *cal;
  int outbox0;

  kefu_calendar_set_data_dir (CALENDARS);
  g_assert_nonnull (kefu_calendar_get_for_db (t->db, &error));
  outbox0 = kefu_test_count (t->db, "SELECT count(*) FROM outbox");

  /* An administrator imports the official 2027 schedule: an edit, so
   * each new or changed day is recorded; unchanged days are not. */
  g_assert_true (g_file_set_contents (path,
                                      "[holidays]\n2027-02-05=春节 Spring Festival\n2027-02-09=春节 Spring Festival\n"
                                      "[workdays]\n2027-02-20=春节调休 Spring Festival make-up day\n", -1, NULL));
  g_assert_true (kefu_calendar_import_file (t->db, path, &error));
  g_assert_no_error (error);
  g_assert_cmpint (kefu_test_count (t->db, "SELECT count(*) FROM outbox"), ==, outbox0 + 2);
  cal = kefu_calendar_get_for_db (t->db, &error);
  g_assert_false (workday (cal, 2027, 2, 9));
  g_assert_true (workday (cal, 2027, 2, 20));

  g_assert_true (g_file_set_contents (path, "[holidays]\nnot-a-date=x\n", -1, NULL));
  g_assert_false (kefu_calendar_import_file (t->db, path, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_PARSE);
  kefu_test_rm_rf (dir);
}

static void
check_policy (KefuDb     *db,
              const char *kind,
              const char *segment,
              const char *priority,
              int         first,
              int         resolution)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KefuSlaPolicy) p = kefu_sla_policy_find (db, kind, segment, priority, &error);

  g_assert_no_error (error);
  g_assert_nonnull (p);
  g_assert_cmpint (p->first_response_minutes, ==, first);
  g_assert_cmpint (p->resolution_minutes, ==, resolution);
}

static void
test_policy_defaults (void)
{
  g_autoptr(KefuTestDb) t = kefu_test_db_new (TRUE);
  const char *kinds[] = { "inquiry", "tracking", "complaint", "claim", "suggestion", "service" };

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_autoptr(KefuSlaPolicy) p = kefu_sla_policy_find (t->db, kinds[i], "regular", "normal", NULL);

      g_assert_nonnull (p);
      g_assert_cmpstr (p->case_kind, ==, kinds[i]);
    }
  /* Complaint: 2 business hours / 3 business days; claim: 4 h / 10 days;
   * key accounts tighter. */
  check_policy (t->db, "complaint", "regular", "normal", 120, 3 * 540);
  check_policy (t->db, "claim", "new", "low", 240, 10 * 540);
  check_policy (t->db, "complaint", "key", "normal", 60, 2 * 540);
  check_policy (t->db, "claim", "key", "high", 120, 5 * 540);
  check_policy (t->db, "inquiry", "regular", "urgent", 60, 540);
  check_policy (t->db, "complaint", "regular", "urgent", 30, 540);
}

static void
test_policy_most_specific (void)
{
  g_autoptr(KefuTestDb) t = kefu_test_db_new (TRUE);
  g_autoptr(KefuSlaPolicy) p = kefu_sla_policy_new ("complaint", "vip", "urgent", 15, 300);
  g_autoptr(KefuSlaPolicy) any = kefu_sla_policy_new ("*", "*", "low", 480, 5 * 540);
  g_autoptr(GError) error = NULL;

  g_assert_true (kefu_sla_policy_save (t->db, p, &error));
  g_assert_no_error (error);
  g_assert_true (kefu_sla_policy_save (t->db, any, &error));
  g_assert_no_error (error);
  check_policy (t->db, "complaint", "vip", "urgent", 15, 300);
  check_policy (t->db, "complaint", "vip", "normal", 90, 1080);
  /* An exact kind outranks an exact priority. */
  check_policy (t->db, "complaint", "regular", "low", 120, 1620);
  check_policy (t->db, "unknown-kind", "regular", "low", 480, 5 * 540);
  check_policy (t->db, "unknown-kind", "regular", "normal", 240, 1620);
}

static void
test_policy_edit (void)
{
  g_autoptr(KefuTestDb) t = kefu_test_db_new (TRUE);
  g_autoptr(GPtrArray) list = kefu_sla_policies_list (t->db, NULL);
  g_autoptr(GError) error = NULL;
  KefuSlaPolicy *first;
  int audit0 = kefu_test_count (t->db, "SELECT count(*) FROM audit_log");
  int outbox0 = kefu_test_count (t->db, "SELECT count(*) FROM outbox");

  g_assert_cmpuint (list->len, >=, 19);
  first = list->pdata[0];
  g_assert_cmpstr (first->case_kind, ==, "*");

  {
    g_autoptr(KefuSlaPolicy) p = kefu_sla_policy_find (t->db, "complaint", "regular", "normal", NULL);
    g_autoptr(KefuSlaPolicy) stale = kefu_sla_policy_find (t->db, "complaint", "regular", "normal", NULL);

    p->first_response_minutes = 90;
    g_assert_true (kefu_sla_policy_save (t->db, p, &error));
    g_assert_no_error (error);
    g_assert_cmpint (p->version, ==, 2);
    g_assert_cmpint (kefu_test_count (t->db, "SELECT count(*) FROM audit_log"), ==, audit0 + 1);
    g_assert_cmpint (kefu_test_count (t->db, "SELECT count(*) FROM outbox"), ==, outbox0 + 1);
    check_policy (t->db, "complaint", "regular", "normal", 90, 1620);

    stale->resolution_minutes = 999;
    g_assert_false (kefu_sla_policy_save (t->db, stale, &error));
    g_assert_error (error, KEFU_ERROR, KEFU_ERROR_CONFLICT);
    g_clear_error (&error);
  }

  {
    g_autoptr(KefuSlaPolicy) dup = kefu_sla_policy_new ("complaint", "*", "*", 60, 600);
    g_autoptr(KefuSlaPolicy) bad_kind = kefu_sla_policy_new ("party", "*", "*", 60, 600);
    g_autoptr(KefuSlaPolicy) zero = kefu_sla_policy_new ("claim", "vip", "high", 0, 600);
    g_autoptr(KefuSlaPolicy) upside = kefu_sla_policy_new ("claim", "vip", "high", 600, 60);

    g_assert_false (kefu_sla_policy_save (t->db, dup, &error));
    g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
    g_assert_nonnull (strstr (error->message, "already"));
    g_clear_error (&error);
    g_assert_false (kefu_sla_policy_save (t->db, bad_kind, &error));
    g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
    g_clear_error (&error);
    g_assert_false (kefu_sla_policy_save (t->db, zero, &error));
    g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
    g_clear_error (&error);
    g_assert_false (kefu_sla_policy_save (t->db, upside, &error));
    g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
    g_clear_error (&error);
  }

  /* The general policy stays; others can go. */
  g_assert_false (kefu_sla_policy_delete (t->db, first->id, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
  g_clear_error (&error);
  {
    g_autoptr(KefuSlaPolicy) key = kefu_sla_policy_find (t->db, "complaint", "key", "normal", NULL);

    g_assert_true (kefu_sla_policy_delete (t->db, key->id, &error));
    g_assert_no_error (error);
    check_policy (t->db, "complaint", "key", "normal", 90, 1620);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  kefu_calendar_set_data_dir (CALENDARS);

  g_test_add_func ("/sla/time/local", test_local_time);
  g_test_add_func ("/sla/calendar/weekends", test_weekends);
  g_test_add_func ("/sla/calendar/make-up-day-before-national-day", test_make_up_day);
  g_test_add_func ("/sla/calendar/across-national-day", test_national_day);
  g_test_add_func ("/sla/calendar/spring-festival-2026", test_spring_festival_2026);
  g_test_add_func ("/sla/calendar/round-trip", test_round_trip);
  g_test_add_func ("/sla/calendar/machine-time-zone-ignored", test_machine_time_zone_ignored);
  g_test_add_func ("/sla/calendar/bad-file", test_bad_file);
  g_test_add_func ("/sla/calendar/seeded-into-database", test_seeded_into_database);
  g_test_add_func ("/sla/calendar/edit", test_edit_calendar);
  g_test_add_func ("/sla/calendar/reseed-changed-file", test_reseed_changed_file);
  g_test_add_func ("/sla/calendar/import-official-schedule", test_import_official_schedule);
  g_test_add_func ("/sla/policy/defaults-for-every-kind", test_policy_defaults);
  g_test_add_func ("/sla/policy/most-specific", test_policy_most_specific);
  g_test_add_func ("/sla/policy/edit-and-validate", test_policy_edit);

  return g_test_run ();
}
