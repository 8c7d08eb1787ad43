/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "kefu-sla"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <stdio.h>
#include <string.h>

#include "kefu-sla.h"
#include "kefu-text.h"
#include "kefu-uuid.h"

/* Business time is counted on the Asia/Shanghai wall clock, which has been
 * UTC+8 without daylight saving since 1991: a fixed offset, so nothing
 * here depends on the machine's TZ or on tzdata. */
#define TZ_OFFSET_MS   (G_GINT64_CONSTANT (8) * 3600 * 1000)
#define DAY_MS         (G_GINT64_CONSTANT (86400000))
#define MINUTE_MS      (G_GINT64_CONSTANT (60000))
#define JULIAN_EPOCH   719163   /* g_date_get_julian () of 1970-01-01 */
/* add_minutes() gives up after this many days without working time (a
 * calendar whose every day is a holiday). */
#define MAX_SCAN_DAYS  (366 * 30)

#define CALENDAR_DATA_KEY "kefu-calendar"
/* Ids of shipped calendar days: the same on every office, so that seeding
 * the same file twice (or on two machines) writes the same rows. */
#define SEEDED_DAY_PREFIX "01900000-0000-7000-8001-"

typedef struct
{
  gboolean  is_workday;
  char     *name;
} DayInfo;

struct _KefuCalendar
{
  int         work_start_minute;
  int         work_end_minute;
  guint       weekend_mask;
  GHashTable *days;     /* epoch day + DAY_KEY_BIAS → DayInfo */
};

/* Hash keys must not be 0 (NULL): days before 1970 are negative. */
#define DAY_KEY_BIAS 1000000
#define DAY_KEY(d)   GINT_TO_POINTER ((int) ((d) + DAY_KEY_BIAS))

static char *calendar_data_dir;

static const char *sla_kinds[] = { "inquiry", "tracking", "complaint", "claim", "suggestion", "service", NULL };
static const char *sla_segments[] = { "key", "vip", "regular", "new", "at_risk", NULL };
static const char *sla_priorities[] = { "low", "normal", "high", "urgent", NULL };

/* --- time helpers ---------------------------------------------------- */

static gint64
floor_div (gint64 a,
           gint64 b)
{
  gint64 q = a / b;

  if ((a % b != 0) && ((a < 0) != (b < 0)))
    q--;
  return q;
}

/* Days since 1970-01-01 of the local (UTC+8) date of @ms. */
static gint64
local_day (gint64 ms)
{
  return floor_div (ms + TZ_OFFSET_MS, DAY_MS);
}

static gint64
day_start_ms (gint64 day)
{
  return day * DAY_MS - TZ_OFFSET_MS;
}

/* 0 = Monday … 6 = Sunday; 1970-01-01 was a Thursday. */
static guint
weekday_of (gint64 day)
{
  gint64 r = (day + 3) % 7;

  return (guint) (r < 0 ? r + 7 : r);
}

static gint64
day_of_gdate (const GDate *date)
{
  return (gint64) g_date_get_julian (date) - JULIAN_EPOCH;
}

static gboolean
parse_iso_day (const char *iso,
               gint64     *day)
{
  int y, m, d;
  char tail;

  if (iso == NULL || sscanf (iso, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3)
    return FALSE;
  if (strlen (iso) != 10 || !g_date_valid_dmy (d, m, y))
    return FALSE;
  {
    g_autoptr(GDate) date = g_date_new_dmy (d, m, y);

    *day = day_of_gdate (date);
  }
  return TRUE;
}

gint64
kefu_local_time_ms (int year,
                    int month,
                    int day,
                    int hour,
                    int minute)
{
  g_autoptr(GDate) date = NULL;

  g_return_val_if_fail (g_date_valid_dmy (day, month, year), 0);

  date = g_date_new_dmy (day, month, year);
  return day_start_ms (day_of_gdate (date)) + (gint64) hour * 3600 * 1000 + (gint64) minute * MINUTE_MS;
}

gint64
kefu_local_day_start (gint64 ms)
{
  return day_start_ms (local_day (ms));
}

void
kefu_local_date (gint64  ms,
                 GDate  *date)
{
  g_date_clear (date, 1);
  g_date_set_julian (date, (guint32) (local_day (ms) + JULIAN_EPOCH));
}

char *
kefu_local_date_string (gint64 ms)
{
  GDate date;

  kefu_local_date (ms, &date);
  return g_strdup_printf ("%04d-%02d-%02d", g_date_get_year (&date),
                          g_date_get_month (&date), g_date_get_day (&date));
}

/* --- calendar -------------------------------------------------------- */

static void
day_info_free (gpointer data)
{
  DayInfo *info = data;

  g_free (info->name);
  g_free (info);
}

/**
 * kefu_calendar_new:
 * @work_start_minute: start of the working day, minutes after midnight
 * @work_end_minute: end of the working day (after the start)
 * @weekend_mask: days off every week, bit 0 = Monday … bit 6 = Sunday
 *
 * Returns: (transfer full): a calendar with no holidays yet
 */
KefuCalendar *
kefu_calendar_new (int   work_start_minute,
                   int   work_end_minute,
                   guint weekend_mask)
{
  KefuCalendar *cal = g_new0 (KefuCalendar, 1);

  if (work_start_minute < 0 || work_end_minute > 24 * 60 || work_end_minute <= work_start_minute)
    {
      g_warning ("Invalid working hours %d–%d, using 09:00–18:00", work_start_minute, work_end_minute);
      work_start_minute = 9 * 60;
      work_end_minute = 18 * 60;
    }
  cal->work_start_minute = work_start_minute;
  cal->work_end_minute = work_end_minute;
  cal->weekend_mask = weekend_mask & 0x7f;
  cal->days = g_hash_table_new_full (NULL, NULL, NULL, day_info_free);
  return cal;
}

void
kefu_calendar_free (KefuCalendar *cal)
{
  if (cal == NULL)
    return;
  g_hash_table_unref (cal->days);
  g_free (cal);
}

int
kefu_calendar_get_work_start (KefuCalendar *cal)
{
  return cal->work_start_minute;
}

int
kefu_calendar_get_work_end (KefuCalendar *cal)
{
  return cal->work_end_minute;
}

guint
kefu_calendar_get_weekend_mask (KefuCalendar *cal)
{
  return cal->weekend_mask;
}

void
kefu_calendar_set_day (KefuCalendar *cal,
                       const char   *iso_date,
                       gboolean      is_workday,
                       const char   *name)
{
  DayInfo *info;
  gint64 day;

  g_return_if_fail (cal != NULL);

  if (!parse_iso_day (iso_date, &day))
    {
      g_warning ("Ignoring calendar day “%s”: not a date", iso_date);
      return;
    }
  info = g_new0 (DayInfo, 1);
  info->is_workday = is_workday;
  info->name = g_strdup (name);
  g_hash_table_replace (cal->days, DAY_KEY (day), info);
}

static gboolean
is_workday (KefuCalendar *cal,
            gint64        day)
{
  DayInfo *info = g_hash_table_lookup (cal->days, DAY_KEY (day));

  if (info != NULL)
    return info->is_workday;
  return (cal->weekend_mask & (1u << weekday_of (day))) == 0;
}

gboolean
kefu_calendar_is_workday (KefuCalendar *cal,
                          GDate        *date)
{
  g_return_val_if_fail (cal != NULL, FALSE);
  g_return_val_if_fail (date != NULL && g_date_valid (date), FALSE);

  return is_workday (cal, day_of_gdate (date));
}

const char *
kefu_calendar_day_name (KefuCalendar *cal,
                        GDate        *date)
{
  DayInfo *info;

  g_return_val_if_fail (cal != NULL, NULL);
  g_return_val_if_fail (date != NULL && g_date_valid (date), NULL);

  info = g_hash_table_lookup (cal->days, DAY_KEY (day_of_gdate (date)));
  return info ? info->name : NULL;
}

/**
 * kefu_calendar_add_minutes:
 *
 * Counts @minutes of working time forward from @start_ms. A deadline that
 * uses up a working day exactly ends at the close of that day (18:00), not
 * at the opening of the next one.
 *
 * Returns: the instant, in Unix milliseconds
 */
gint64
kefu_calendar_add_minutes (KefuCalendar *cal,
                           gint64        start_ms,
                           gint64        minutes)
{
  gint64 day, tod, remaining;
  gint64 ws = cal->work_start_minute * MINUTE_MS;
  gint64 we = cal->work_end_minute * MINUTE_MS;

  g_return_val_if_fail (cal != NULL, start_ms);

  if (minutes <= 0)
    return start_ms;

  remaining = minutes * MINUTE_MS;
  day = local_day (start_ms);
  tod = start_ms - day_start_ms (day);

  for (guint n = 0; n < MAX_SCAN_DAYS; n++, day++, tod = 0)
    {
      gint64 from;

      if (!is_workday (cal, day))
        continue;
      from = MAX (tod, ws);
      if (from >= we)
        continue;
      if (remaining <= we - from)
        return day_start_ms (day) + from + remaining;
      remaining -= we - from;
    }

  g_warning ("The calendar has no working time in %d days", MAX_SCAN_DAYS);
  return day_start_ms (day);
}

gint64
kefu_calendar_minutes_between (KefuCalendar *cal,
                               gint64        start_ms,
                               gint64        end_ms)
{
  gint64 total = 0;
  gint64 last;
  gint64 ws = cal->work_start_minute * MINUTE_MS;
  gint64 we = cal->work_end_minute * MINUTE_MS;

  g_return_val_if_fail (cal != NULL, 0);

  if (end_ms <= start_ms)
    return 0;

  last = local_day (end_ms);
  for (gint64 day = local_day (start_ms); day <= last; day++)
    {
      gint64 base, lo, hi;

      if (!is_workday (cal, day))
        continue;
      base = day_start_ms (day);
      lo = MAX (base + ws, start_ms);
      hi = MIN (base + we, end_ms);
      if (hi > lo)
        total += hi - lo;
    }
  return total / MINUTE_MS;
}

static gboolean
load_group (KefuCalendar  *cal,
            GKeyFile      *file,
            const char    *path,
            const char    *group,
            gboolean       workday,
            GError       **error)
{
  g_auto(GStrv) keys = NULL;

  if (!g_key_file_has_group (file, group))
    return TRUE;
  keys = g_key_file_get_keys (file, group, NULL, error);
  if (keys == NULL)
    return FALSE;
  for (guint i = 0; keys[i]; i++)
    {
      g_autofree char *name = g_key_file_get_string (file, group, keys[i], NULL);
      gint64 day;

      if (!parse_iso_day (keys[i], &day))
        {
          g_set_error (error, KEFU_ERROR, KEFU_ERROR_PARSE,
                       _("“%s” in the calendar file %s is not a date (YYYY-MM-DD)."),
                       keys[i], path);
          return FALSE;
        }
      kefu_calendar_set_day (cal, keys[i], workday, name);
    }
  return TRUE;
}

static GKeyFile *
read_calendar_file (const char  *path,
                    GError     **error)
{
  g_autoptr(GKeyFile) file = g_key_file_new ();
  g_autoptr(GError) local_error = NULL;

  if (!g_key_file_load_from_file (file, path, G_KEY_FILE_NONE, &local_error))
    {
      g_set_error (error, KEFU_ERROR,
                   g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT) ? KEFU_ERROR_IO : KEFU_ERROR_PARSE,
                   _("Could not read the calendar file %s: %s"), path, local_error->message);
      return NULL;
    }
  return g_steal_pointer (&file);
}

gboolean
kefu_calendar_load_file (KefuCalendar  *cal,
                         const char    *path,
                         GError       **error)
{
  g_autoptr(GKeyFile) file = NULL;
  g_autoptr(KefuCalendar) tmp = NULL;
  GHashTableIter iter;
  gpointer key, value;

  g_return_val_if_fail (cal != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if ((file = read_calendar_file (path, error)) == NULL)
    return FALSE;

  /* Parse into a scratch calendar so a bad file changes nothing. */
  tmp = kefu_calendar_new (cal->work_start_minute, cal->work_end_minute, cal->weekend_mask);
  if (!load_group (tmp, file, path, "holidays", FALSE, error) ||
      !load_group (tmp, file, path, "workdays", TRUE, error))
    return FALSE;

  g_hash_table_iter_init (&iter, tmp->days);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      g_hash_table_iter_steal (&iter);
      g_hash_table_replace (cal->days, key, value);
    }
  return TRUE;
}

/* --- the calendar in the database ------------------------------------ */

void
kefu_calendar_set_data_dir (const char *dir)
{
  kefu_set_str (&calendar_data_dir, dir);
}

const char *
kefu_calendar_get_data_dir (void)
{
  if (calendar_data_dir != NULL)
    return calendar_data_dir;
  if (g_file_test (PKGDATADIR "/calendars", G_FILE_TEST_IS_DIR))
    return PKGDATADIR "/calendars";
  return SRCDIR "/data/calendars";
}

static void
drop_cached_calendar (KefuDb *db)
{
  g_object_set_data (G_OBJECT (db), CALENDAR_DATA_KEY, NULL);
}

static char *
seeded_day_id (const char *iso_date)
{
  /* "2025-10-01" → 01900000-0000-7000-8001-000020251001 */
  return g_strdup_printf (SEEDED_DAY_PREFIX "0000%.4s%.2s%.2s", iso_date, iso_date + 5, iso_date + 8);
}

typedef struct
{
  char     *day;
  gboolean  workday;
  char     *name;
} FileDay;

static void
file_day_free (gpointer data)
{
  FileDay *d = data;

  g_free (d->day);
  g_free (d->name);
  g_free (d);
}

static GPtrArray *
read_file_days (const char  *path,
                GError     **error)
{
  g_autoptr(GKeyFile) file = read_calendar_file (path, error);
  g_autoptr(GPtrArray) ret = g_ptr_array_new_with_free_func (file_day_free);
  const char *groups[] = { "holidays", "workdays" };

  if (file == NULL)
    return NULL;
  for (guint g = 0; g < G_N_ELEMENTS (groups); g++)
    {
      g_auto(GStrv) keys = NULL;

      if (!g_key_file_has_group (file, groups[g]))
        continue;
      keys = g_key_file_get_keys (file, groups[g], NULL, NULL);
      for (guint i = 0; keys && keys[i]; i++)
        {
          FileDay *d;
          gint64 day;

          if (!parse_iso_day (keys[i], &day))
            {
              g_set_error (error, KEFU_ERROR, KEFU_ERROR_PARSE,
                           _("“%s” in the calendar file %s is not a date (YYYY-MM-DD)."),
                           keys[i], path);
              return NULL;
            }
          d = g_new0 (FileDay, 1);
          d->day = g_strdup (keys[i]);
          d->workday = g_str_equal (groups[g], "workdays");
          d->name = g_key_file_get_string (file, groups[g], keys[i], NULL);
          g_ptr_array_add (ret, d);
        }
    }
  return g_steal_pointer (&ret);
}

/* Writes one day of a calendar file. Seeding (shipped data, identical on
 * every office) writes the row like a migration does, without an outbox
 * entry, and leaves days an administrator has edited alone; an import is
 * an edit and is recorded like any other. */
static gboolean
upsert_file_day (KefuDb         *db,
                 const FileDay  *d,
                 gboolean        record,
                 GError        **error)
{
  g_autofree char *id = seeded_day_id (d->day);
  const char *kind = d->workday ? "workday" : "holiday";
  sqlite3_stmt *stmt;
  g_autofree char *old_id = NULL;
  g_autofree char *old_kind = NULL;
  g_autofree char *old_name = NULL;
  gint64 old_version = 0;
  gboolean old_deleted = FALSE;

  stmt = kefu_db_prepare (db,
                          "SELECT id, kind, name, version, deleted FROM calendar_day"
                          " WHERE calendar_id = ? AND day = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, KEFU_DEFAULT_CALENDAR_ID, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, d->day, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      old_id = kefu_stmt_dup (stmt, 0);
      old_kind = kefu_stmt_dup (stmt, 1);
      old_name = kefu_stmt_dup (stmt, 2);
      old_version = sqlite3_column_int64 (stmt, 3);
      old_deleted = sqlite3_column_int (stmt, 4);
    }
  sqlite3_reset (stmt);

  if (!record)
    {
      /* Seeding: never overwrite a local edit (a row of another id, or a
       * seeded row changed since). */
      if (old_id != NULL && (!g_str_equal (old_id, id) || old_version > 1))
        return TRUE;
      stmt = kefu_db_prepare (db,
                              "INSERT INTO calendar_day (id, calendar_id, day, kind, name, hlc, updated_at)"
                              " VALUES (?1, ?2, ?3, ?4, ?5, '', 0)"
                              " ON CONFLICT (id) DO UPDATE SET kind = ?4, name = ?5, deleted = 0", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, KEFU_DEFAULT_CALENDAR_ID, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, d->day, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 4, kind, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 5, d->name, -1, SQLITE_STATIC);
      return kefu_db_step_done (db, stmt, error);
    }

  if (old_id != NULL && !old_deleted && g_strcmp0 (old_kind, kind) == 0 && g_strcmp0 (old_name, d->name) == 0)
    return TRUE;
  return kefu_calendar_save_day (db, d->day, kind, d->name, error);
}

/* Imports every shipped cn-*.ini file not imported yet (or changed since:
 * a provisional year replaced by the official schedule). */
static gboolean
seed_shipped_files (KefuDb  *db,
                    GError **error)
{
  const char *dir = kefu_calendar_get_data_dir ();
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  if (d == NULL)
    {
      g_debug ("No calendar files in %s", dir);
      return TRUE;
    }
  while ((name = g_dir_read_name (d)))
    if (g_str_has_prefix (name, "cn-") && g_str_has_suffix (name, ".ini"))
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, (GCompareFunc) g_strcmp0);

  for (guint i = 0; i < names->len; i++)
    {
      const char *file = g_ptr_array_index (names, i);
      g_autofree char *path = g_build_filename (dir, file, NULL);
      g_autofree char *contents = NULL;
      g_autofree char *sum = NULL;
      g_autofree char *key = g_strdup_printf ("calendar_file:%s", file);
      g_autofree char *stored = kefu_db_get_meta (db, key);
      g_autoptr(GPtrArray) days = NULL;
      g_autofree char *year_like = NULL;
      gsize len;
      sqlite3_stmt *stmt;

      if (!g_file_get_contents (path, &contents, &len, NULL))
        continue;
      sum = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, len);
      if (g_strcmp0 (stored, sum) == 0)
        continue;
      if ((days = read_file_days (path, error)) == NULL)
        return FALSE;

      if (!kefu_db_begin (db, error))
        return FALSE;
      /* A changed file replaces the seeded (unedited) days of its years. */
      if (stored != NULL && days->len > 0)
        {
          year_like = g_strdup_printf ("%.4s-%%", ((FileDay *) days->pdata[0])->day);
          stmt = kefu_db_prepare (db,
                                  "UPDATE calendar_day SET deleted = 1 WHERE calendar_id = ? AND day LIKE ?"
                                  " AND id LIKE '" SEEDED_DAY_PREFIX "%' AND version = 1", error);
          if (stmt == NULL)
            goto fail;
          sqlite3_bind_text (stmt, 1, KEFU_DEFAULT_CALENDAR_ID, -1, SQLITE_STATIC);
          sqlite3_bind_text (stmt, 2, year_like, -1, SQLITE_STATIC);
          if (!kefu_db_step_done (db, stmt, error))
            goto fail;
        }
      for (guint j = 0; j < days->len; j++)
        if (!upsert_file_day (db, days->pdata[j], FALSE, error))
          goto fail;
      {
        /* One audit entry says where the seeded days came from. */
        g_autofree char *note = g_strdup_printf ("Seeded %u days from %s", days->len, file);

        stmt = kefu_db_prepare (db,
                                "INSERT INTO audit_log (at, actor_id, entity, row_id, op, changes, note)"
                                " VALUES (?, NULL, 'calendar', ?, 'seed', ?, ?)", error);
        if (stmt == NULL)
          goto fail;
        sqlite3_bind_int64 (stmt, 1, g_get_real_time () / 1000);
        sqlite3_bind_text (stmt, 2, KEFU_DEFAULT_CALENDAR_ID, -1, SQLITE_STATIC);
        sqlite3_bind_text (stmt, 3, "{}", -1, SQLITE_STATIC);
        sqlite3_bind_text (stmt, 4, note, -1, SQLITE_STATIC);
        if (!kefu_db_step_done (db, stmt, error))
          goto fail;
      }
      if (!kefu_db_set_meta (db, key, sum, error))
        goto fail;
      if (!kefu_db_commit (db, error))
        return FALSE;
      continue;

    fail:
      kefu_db_rollback (db);
      return FALSE;
    }
  return TRUE;
}

KefuCalendar *
kefu_calendar_load_default (KefuDb  *db,
                            GError **error)
{
  g_autoptr(KefuCalendar) cal = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (KEFU_IS_DB (db), NULL);

  if (!seed_shipped_files (db, error))
    return NULL;

  stmt = kefu_db_prepare (db,
                          "SELECT work_start_minute, work_end_minute, weekend_mask FROM calendar WHERE id = ?",
                          error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, KEFU_DEFAULT_CALENDAR_ID, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    cal = kefu_calendar_new (sqlite3_column_int (stmt, 0), sqlite3_column_int (stmt, 1),
                             (guint) sqlite3_column_int (stmt, 2));
  else
    cal = kefu_calendar_new (9 * 60, 18 * 60, 0x60);
  sqlite3_reset (stmt);

  stmt = kefu_db_prepare (db,
                          "SELECT day, kind, name FROM calendar_day WHERE calendar_id = ? AND deleted = 0",
                          error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, KEFU_DEFAULT_CALENDAR_ID, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    kefu_calendar_set_day (cal, kefu_stmt_text (stmt, 0),
                           g_strcmp0 (kefu_stmt_text (stmt, 1), "workday") == 0,
                           kefu_stmt_text (stmt, 2));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      kefu_db_set_error (db, error);
      return NULL;
    }
  return g_steal_pointer (&cal);
}

KefuCalendar *
kefu_calendar_get_for_db (KefuDb  *db,
                          GError **error)
{
  KefuCalendar *cal;

  g_return_val_if_fail (KEFU_IS_DB (db), NULL);

  cal = g_object_get_data (G_OBJECT (db), CALENDAR_DATA_KEY);
  if (cal != NULL)
    return cal;
  if ((cal = kefu_calendar_load_default (db, error)) == NULL)
    return NULL;
  g_object_set_data_full (G_OBJECT (db), CALENDAR_DATA_KEY, cal, (GDestroyNotify) kefu_calendar_free);
  return cal;
}

void
kefu_calendar_day_free (KefuCalendarDay *day)
{
  if (day == NULL)
    return;
  g_free (day->id);
  g_free (day->day);
  g_free (day->kind);
  g_free (day->name);
  g_free (day);
}

static gpointer
calendar_day_from_row (sqlite3_stmt *stmt)
{
  KefuCalendarDay *d = g_new0 (KefuCalendarDay, 1);

  d->id = kefu_stmt_dup (stmt, 0);
  d->day = kefu_stmt_dup (stmt, 1);
  d->kind = kefu_stmt_dup (stmt, 2);
  d->name = kefu_stmt_dup (stmt, 3);

  return d;
}

GPtrArray *
kefu_calendar_list_days (KefuDb      *db,
                         int          year,
                         GError     **error)
{
  g_autoptr(GPtrArray) ret = g_ptr_array_new_with_free_func ((GDestroyNotify) kefu_calendar_day_free);
  g_autofree char *like = year > 0 ? g_strdup_printf ("%04d-%%", year) : g_strdup ("%");
  sqlite3_stmt *stmt;

  g_return_val_if_fail (KEFU_IS_DB (db), NULL);

  /* Make sure the shipped days are there. */
  if (kefu_calendar_get_for_db (db, error) == NULL)
    return NULL;

  stmt = kefu_db_prepare (db,
                          "SELECT id, day, kind, name FROM calendar_day"
                          " WHERE calendar_id = ? AND deleted = 0 AND day LIKE ? ORDER BY day", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, KEFU_DEFAULT_CALENDAR_ID, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, like, -1, SQLITE_STATIC);
  if (!kefu_db_read_rows (db, stmt, calendar_day_from_row, ret, error))
    return NULL;
  return g_steal_pointer (&ret);
}

gboolean
kefu_calendar_save_day (KefuDb      *db,
                        const char  *iso_date,
                        const char  *kind,
                        const char  *name,
                        GError     **error)
{
  g_autoptr(KefuChangeSet) cs = NULL;
  g_autofree char *id = NULL;
  g_autofree char *old_kind = NULL;
  g_autofree char *old_name = NULL;
  g_autofree char *clean_name = NULL;
  gint64 old_version = 0;
  gboolean exists = FALSE, old_deleted = FALSE;
  sqlite3_stmt *stmt;
  gint64 day;
  gint64 now = g_get_real_time () / 1000;

  g_return_val_if_fail (KEFU_IS_DB (db), FALSE);

  if (!parse_iso_day (iso_date, &day))
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID,
                   _("“%s” is not a date (YYYY-MM-DD)."), iso_date ? iso_date : "");
      return FALSE;
    }
  if (kind != NULL && g_strcmp0 (kind, "holiday") != 0 && g_strcmp0 (kind, "workday") != 0)
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID,
                   _("A calendar day is either a holiday or a working day."));
      return FALSE;
    }
  if (kind != NULL && kefu_text_is_blank (name))
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID,
                   _("Name the holiday or make-up working day."));
      return FALSE;
    }
  clean_name = name ? g_strstrip (g_strdup (name)) : NULL;

  if (!kefu_db_begin (db, error))
    return FALSE;

  stmt = kefu_db_prepare (db,
                          "SELECT id, kind, name, version, deleted FROM calendar_day WHERE calendar_id = ? AND day = ?",
                          error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, KEFU_DEFAULT_CALENDAR_ID, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, iso_date, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      exists = TRUE;
      id = kefu_stmt_dup (stmt, 0);
      old_kind = kefu_stmt_dup (stmt, 1);
      old_name = kefu_stmt_dup (stmt, 2);
      old_version = sqlite3_column_int64 (stmt, 3);
      old_deleted = sqlite3_column_int (stmt, 4);
    }
  sqlite3_reset (stmt);

  if (!exists)
    {
      if (kind == NULL)
        {
          kefu_db_rollback (db);
          return TRUE;
        }
      id = kefu_uuid7_new ();
      cs = kefu_change_set_new ("calendar_day", id, KEFU_CHANGE_INSERT, 0);
      kefu_change_set_text (cs, "calendar_id", NULL, KEFU_DEFAULT_CALENDAR_ID);
      kefu_change_set_text (cs, "day", NULL, iso_date);
      kefu_change_set_text (cs, "kind", NULL, kind);
      kefu_change_set_text (cs, "name", NULL, clean_name);
      stmt = kefu_db_prepare (db,
                              "INSERT INTO calendar_day (id, hlc, updated_by, updated_at, calendar_id, day, kind, name)"
                              " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", error);
      if (stmt == NULL)
        goto fail;
      sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
      kefu_db_bind_stamp (db, stmt, 2, cs, now);
      sqlite3_bind_text (stmt, 5, KEFU_DEFAULT_CALENDAR_ID, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 6, iso_date, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 7, kind, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 8, clean_name, -1, SQLITE_STATIC);
    }
  else
    {
      gboolean deleted = kind == NULL;

      if (deleted && old_deleted)
        {
          kefu_db_rollback (db);
          return TRUE;
        }
      cs = kefu_change_set_new ("calendar_day", id,
                                deleted ? KEFU_CHANGE_DELETE : (old_deleted ? KEFU_CHANGE_RESTORE : KEFU_CHANGE_UPDATE),
                                old_version);
      if (!deleted)
        {
          kefu_change_set_text (cs, "kind", old_kind, kind);
          kefu_change_set_text (cs, "name", old_name, clean_name);
        }
      kefu_change_set_int (cs, "deleted", TRUE, old_deleted, deleted);
      if (kefu_change_set_is_empty (cs))
        {
          kefu_db_rollback (db);
          return TRUE;
        }
      stmt = kefu_db_prepare (db,
                              "UPDATE calendar_day SET kind = ?, name = ?, deleted = ?, version = version + 1,"
                              " hlc = ?, updated_by = ?, updated_at = ? WHERE id = ?", error);
      if (stmt == NULL)
        goto fail;
      sqlite3_bind_text (stmt, 1, deleted ? old_kind : kind, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, deleted ? old_name : clean_name, -1, SQLITE_STATIC);
      sqlite3_bind_int (stmt, 3, deleted);
      kefu_db_bind_stamp (db, stmt, 4, cs, now);
      sqlite3_bind_text (stmt, 7, id, -1, SQLITE_STATIC);
    }
  if (!kefu_db_step_done (db, stmt, error) || !kefu_db_record_change (db, cs, error))
    goto fail;
  if (!kefu_db_commit (db, error))
    return FALSE;
  drop_cached_calendar (db);
  return TRUE;

fail:
  kefu_db_rollback (db);
  return FALSE;
}

gboolean
kefu_calendar_save_hours (KefuDb      *db,
                          int          work_start_minute,
                          int          work_end_minute,
                          guint        weekend_mask,
                          GError     **error)
{
  g_autoptr(KefuChangeSet) cs = NULL;
  sqlite3_stmt *stmt;
  gint64 version = 0;
  int old_start = 0, old_end = 0, old_mask = 0;

  g_return_val_if_fail (KEFU_IS_DB (db), FALSE);

  if (work_start_minute < 0 || work_end_minute > 24 * 60 || work_end_minute <= work_start_minute)
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID,
                   _("The working day must end after it starts, within the same day."));
      return FALSE;
    }
  if ((weekend_mask & 0x7f) == 0x7f)
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID,
                   _("At least one day of the week must be a working day."));
      return FALSE;
    }

  if (!kefu_db_begin (db, error))
    return FALSE;
  stmt = kefu_db_prepare (db,
                          "SELECT version, work_start_minute, work_end_minute, weekend_mask FROM calendar WHERE id = ?",
                          error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, KEFU_DEFAULT_CALENDAR_ID, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      version = sqlite3_column_int64 (stmt, 0);
      old_start = sqlite3_column_int (stmt, 1);
      old_end = sqlite3_column_int (stmt, 2);
      old_mask = sqlite3_column_int (stmt, 3);
    }
  sqlite3_reset (stmt);
  if (version == 0)
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_NOT_FOUND, _("The business calendar is missing."));
      goto fail;
    }

  cs = kefu_change_set_new ("calendar", KEFU_DEFAULT_CALENDAR_ID, KEFU_CHANGE_UPDATE, version);
  kefu_change_set_int (cs, "work_start_minute", TRUE, old_start, work_start_minute);
  kefu_change_set_int (cs, "work_end_minute", TRUE, old_end, work_end_minute);
  kefu_change_set_int (cs, "weekend_mask", TRUE, old_mask, weekend_mask & 0x7f);
  if (kefu_change_set_is_empty (cs))
    {
      kefu_db_rollback (db);
      return TRUE;
    }
  stmt = kefu_db_prepare (db,
                          "UPDATE calendar SET work_start_minute = ?, work_end_minute = ?, weekend_mask = ?,"
                          " version = version + 1, hlc = ?, updated_by = ?, updated_at = ? WHERE id = ?", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int (stmt, 1, work_start_minute);
  sqlite3_bind_int (stmt, 2, work_end_minute);
  sqlite3_bind_int (stmt, 3, (int) (weekend_mask & 0x7f));
  kefu_db_bind_stamp (db, stmt, 4, cs, g_get_real_time () / 1000);
  sqlite3_bind_text (stmt, 7, KEFU_DEFAULT_CALENDAR_ID, -1, SQLITE_STATIC);
  if (!kefu_db_step_done (db, stmt, error) || !kefu_db_record_change (db, cs, error))
    goto fail;
  if (!kefu_db_commit (db, error))
    return FALSE;
  drop_cached_calendar (db);
  return TRUE;

fail:
  kefu_db_rollback (db);
  return FALSE;
}

gboolean
kefu_calendar_import_file (KefuDb      *db,
                           const char  *path,
                           GError     **error)
{
  g_autoptr(GPtrArray) days = NULL;

  g_return_val_if_fail (KEFU_IS_DB (db), FALSE);

  /* Seed the shipped files first, so the import lands on top of them. */
  if (kefu_calendar_get_for_db (db, error) == NULL)
    return FALSE;
  if ((days = read_file_days (path, error)) == NULL)
    return FALSE;
  if (!kefu_db_begin (db, error))
    return FALSE;
  for (guint i = 0; i < days->len; i++)
    if (!upsert_file_day (db, days->pdata[i], TRUE, error))
      {
        kefu_db_rollback (db);
        return FALSE;
      }
  if (!kefu_db_commit (db, error))
    return FALSE;
  drop_cached_calendar (db);
  return TRUE;
}

/* --- service standards ----------------------------------------------- */

void
kefu_sla_policy_free (KefuSlaPolicy *policy)
{
  if (policy == NULL)
    return;
  g_free (policy->id);
  g_free (policy->case_kind);
  g_free (policy->segment);
  g_free (policy->priority);
  g_free (policy);
}

KefuSlaPolicy *
kefu_sla_policy_new (const char *case_kind,
                     const char *segment,
                     const char *priority,
                     gint        first_response_minutes,
                     gint        resolution_minutes)
{
  KefuSlaPolicy *p = g_new0 (KefuSlaPolicy, 1);

  p->case_kind = g_strdup (case_kind ? case_kind : "*");
  p->segment = g_strdup (segment ? segment : "*");
  p->priority = g_strdup (priority ? priority : "*");
  p->first_response_minutes = first_response_minutes;
  p->resolution_minutes = resolution_minutes;
  return p;
}

static KefuSlaPolicy *
policy_from_row (sqlite3_stmt *stmt)
{
  KefuSlaPolicy *p = g_new0 (KefuSlaPolicy, 1);

  p->id = kefu_stmt_dup (stmt, 0);
  p->case_kind = kefu_stmt_dup (stmt, 1);
  p->segment = kefu_stmt_dup (stmt, 2);
  p->priority = kefu_stmt_dup (stmt, 3);
  p->first_response_minutes = sqlite3_column_int (stmt, 4);
  p->resolution_minutes = sqlite3_column_int (stmt, 5);
  p->version = sqlite3_column_int64 (stmt, 6);
  return p;
}

#define POLICY_COLUMNS "id, case_kind, segment, priority, first_response_minutes, resolution_minutes, version"

/**
 * kefu_sla_policies_list:
 *
 * Returns: (transfer full) (element-type KefuSlaPolicy): every live
 *   policy, by kind, segment and priority ("*" first)
 */
GPtrArray *
kefu_sla_policies_list (KefuDb  *db,
                        GError **error)
{
  g_autoptr(GPtrArray) ret = g_ptr_array_new_with_free_func ((GDestroyNotify) kefu_sla_policy_free);
  sqlite3_stmt *stmt;

  g_return_val_if_fail (KEFU_IS_DB (db), NULL);

  stmt = kefu_db_prepare (db,
                          "SELECT " POLICY_COLUMNS " FROM sla_policy WHERE deleted = 0"
                          " ORDER BY case_kind <> '*', case_kind, segment <> '*', segment, priority <> '*', priority",
                          error);
  if (stmt == NULL)
    return NULL;
  if (!kefu_db_read_rows (db, stmt, (KefuRowReader) policy_from_row, ret, error))
    return NULL;
  return g_steal_pointer (&ret);
}

/**
 * kefu_sla_policy_find:
 *
 * The most exact fields win; between equally exact policies the kind
 * counts more than the segment, and the segment more than the priority.
 */
KefuSlaPolicy *
kefu_sla_policy_find (KefuDb      *db,
                      const char  *case_kind,
                      const char  *segment,
                      const char  *priority,
                      GError     **error)
{
  sqlite3_stmt *stmt;
  KefuSlaPolicy *ret = NULL;
  int rc;

  g_return_val_if_fail (KEFU_IS_DB (db), NULL);

  stmt = kefu_db_prepare (db,
                          "SELECT " POLICY_COLUMNS " FROM sla_policy"
                          " WHERE deleted = 0 AND case_kind IN (?1, '*') AND segment IN (?2, '*') AND priority IN (?3, '*')"
                          " ORDER BY ((case_kind <> '*') + (segment <> '*') + (priority <> '*')) * 8"
                          "   + (case_kind <> '*') * 4 + (segment <> '*') * 2 + (priority <> '*') DESC"
                          " LIMIT 1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, case_kind ? case_kind : "*", -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, segment ? segment : "*", -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, priority ? priority : "*", -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    ret = policy_from_row (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    kefu_db_set_error (db, error);
  return ret;
}

gboolean
kefu_sla_policy_validate (const KefuSlaPolicy  *p,
                          GError              **error)
{
  /* Sixty working days: anything longer is not a service standard. */
  const gint max_minutes = 60 * KEFU_BUSINESS_DAY_MINUTES;

  if (p->case_kind == NULL || (!g_str_equal (p->case_kind, "*") && !g_strv_contains (sla_kinds, p->case_kind)))
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID, _("Choose the kind of case this standard applies to."));
      return FALSE;
    }
  if (p->segment == NULL || (!g_str_equal (p->segment, "*") && !g_strv_contains (sla_segments, p->segment)))
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID, _("Choose the customer segment this standard applies to."));
      return FALSE;
    }
  if (p->priority == NULL || (!g_str_equal (p->priority, "*") && !g_strv_contains (sla_priorities, p->priority)))
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID, _("Choose the priority this standard applies to."));
      return FALSE;
    }
  if (p->first_response_minutes <= 0 || p->resolution_minutes <= 0)
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID,
                   _("The first-response and resolution times must be longer than zero."));
      return FALSE;
    }
  if (p->first_response_minutes > max_minutes || p->resolution_minutes > max_minutes)
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID,
                   _("A time limit cannot be longer than 60 business days."));
      return FALSE;
    }
  if (p->first_response_minutes > p->resolution_minutes)
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID,
                   _("The first response cannot be due after the resolution."));
      return FALSE;
    }
  return TRUE;
}

/**
 * kefu_sla_policy_save:
 * @policy: a new policy (id %NULL) or one read by kefu_sla_policies_list()
 *   and edited; its id and version are updated
 */
gboolean
kefu_sla_policy_save (KefuDb         *db,
                      KefuSlaPolicy  *policy,
                      GError        **error)
{
  g_autoptr(KefuChangeSet) cs = NULL;
  g_autoptr(KefuSlaPolicy) old = NULL;
  g_autofree char *new_id = NULL;
  g_autofree char *restored_id = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (KEFU_IS_DB (db), FALSE);
  g_return_val_if_fail (policy != NULL, FALSE);

  if (!kefu_sla_policy_validate (policy, error))
    return FALSE;
  if (!kefu_db_begin (db, error))
    return FALSE;

  if (policy->id != NULL)
    {
      stmt = kefu_db_prepare (db, "SELECT " POLICY_COLUMNS " FROM sla_policy WHERE id = ? AND deleted = 0", error);
      if (stmt == NULL)
        goto fail;
      sqlite3_bind_text (stmt, 1, policy->id, -1, SQLITE_STATIC);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        old = policy_from_row (stmt);
      sqlite3_reset (stmt);
      if (old == NULL)
        {
          g_set_error (error, KEFU_ERROR, KEFU_ERROR_NOT_FOUND, _("This service standard has been deleted."));
          goto fail;
        }
      if (old->version != policy->version)
        {
          g_set_error (error, KEFU_ERROR, KEFU_ERROR_CONFLICT,
                       _("Someone else changed this service standard in the meantime. Reload it to see their change."));
          goto fail;
        }
      cs = kefu_change_set_new ("sla_policy", policy->id, KEFU_CHANGE_UPDATE, old->version);
      kefu_change_set_text (cs, "case_kind", old->case_kind, policy->case_kind);
      kefu_change_set_text (cs, "segment", old->segment, policy->segment);
      kefu_change_set_text (cs, "priority", old->priority, policy->priority);
      kefu_change_set_int (cs, "first_response_minutes", TRUE, old->first_response_minutes, policy->first_response_minutes);
      kefu_change_set_int (cs, "resolution_minutes", TRUE, old->resolution_minutes, policy->resolution_minutes);
      if (kefu_change_set_is_empty (cs))
        {
          kefu_db_rollback (db);
          return TRUE;
        }
      stmt = kefu_db_prepare (db,
                              "UPDATE sla_policy SET case_kind = ?1, segment = ?2, priority = ?3,"
                              " first_response_minutes = ?4, resolution_minutes = ?5, version = version + 1,"
                              " hlc = ?6, updated_by = ?7, updated_at = ?8 WHERE id = ?9", error);
    }
  else
    {
      /* A policy for the same kind, segment and priority that was
       * deleted comes back: the row is unique per combination. */
      stmt = kefu_db_prepare (db,
                              "SELECT " POLICY_COLUMNS " FROM sla_policy"
                              " WHERE case_kind = ? AND segment = ? AND priority = ? AND deleted = 1", error);
      if (stmt == NULL)
        goto fail;
      sqlite3_bind_text (stmt, 1, policy->case_kind, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, policy->segment, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, policy->priority, -1, SQLITE_STATIC);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        old = policy_from_row (stmt);
      sqlite3_reset (stmt);
    }
  if (policy->id == NULL && old != NULL)
    {
      restored_id = g_strdup (old->id);
      cs = kefu_change_set_new ("sla_policy", old->id, KEFU_CHANGE_RESTORE, old->version);
      kefu_change_set_int (cs, "deleted", TRUE, 1, 0);
      kefu_change_set_int (cs, "first_response_minutes", TRUE, old->first_response_minutes, policy->first_response_minutes);
      kefu_change_set_int (cs, "resolution_minutes", TRUE, old->resolution_minutes, policy->resolution_minutes);
      stmt = kefu_db_prepare (db,
                              "UPDATE sla_policy SET case_kind = ?1, segment = ?2, priority = ?3,"
                              " first_response_minutes = ?4, resolution_minutes = ?5, deleted = 0,"
                              " version = version + 1, hlc = ?6, updated_by = ?7, updated_at = ?8 WHERE id = ?9", error);
    }
  else if (policy->id == NULL)
    {
      new_id = kefu_uuid7_new ();
      cs = kefu_change_set_new ("sla_policy", new_id, KEFU_CHANGE_INSERT, 0);
      kefu_change_set_text (cs, "case_kind", NULL, policy->case_kind);
      kefu_change_set_text (cs, "segment", NULL, policy->segment);
      kefu_change_set_text (cs, "priority", NULL, policy->priority);
      kefu_change_set_int (cs, "first_response_minutes", FALSE, 0, policy->first_response_minutes);
      kefu_change_set_int (cs, "resolution_minutes", FALSE, 0, policy->resolution_minutes);
      stmt = kefu_db_prepare (db,
                              "INSERT INTO sla_policy (case_kind, segment, priority, first_response_minutes,"
                              " resolution_minutes, hlc, updated_by, updated_at, id)"
                              " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)", error);
    }
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, policy->case_kind, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, policy->segment, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, policy->priority, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 4, policy->first_response_minutes);
  sqlite3_bind_int (stmt, 5, policy->resolution_minutes);
  kefu_db_bind_stamp (db, stmt, 6, cs, g_get_real_time () / 1000);
  sqlite3_bind_text (stmt, 9, policy->id ? policy->id : restored_id ? restored_id : new_id, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      if (sqlite3_extended_errcode (kefu_db_get_handle (db)) == SQLITE_CONSTRAINT_UNIQUE)
        g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID,
                     _("There already is a service standard for this kind of case, segment and priority."));
      else
        kefu_db_set_error (db, error);
      goto fail;
    }
  if (!kefu_db_record_change (db, cs, error))
    goto fail;
  if (!kefu_db_commit (db, error))
    return FALSE;
  if (new_id != NULL)
    {
      policy->id = g_steal_pointer (&new_id);
      policy->version = 1;
    }
  else if (restored_id != NULL)
    {
      policy->id = g_steal_pointer (&restored_id);
      policy->version = old->version + 1;
    }
  else
    policy->version++;
  return TRUE;

fail:
  kefu_db_rollback (db);
  return FALSE;
}

gboolean
kefu_sla_policy_delete (KefuDb      *db,
                        const char  *id,
                        GError     **error)
{
  g_autoptr(KefuChangeSet) cs = NULL;
  sqlite3_stmt *stmt;
  gint64 version = 0;
  g_autofree char *kind = NULL, *segment = NULL, *priority = NULL;

  g_return_val_if_fail (KEFU_IS_DB (db), FALSE);

  if (!kefu_db_begin (db, error))
    return FALSE;
  stmt = kefu_db_prepare (db, "SELECT version, case_kind, segment, priority FROM sla_policy WHERE id = ? AND deleted = 0", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      version = sqlite3_column_int64 (stmt, 0);
      kind = kefu_stmt_dup (stmt, 1);
      segment = kefu_stmt_dup (stmt, 2);
      priority = kefu_stmt_dup (stmt, 3);
    }
  sqlite3_reset (stmt);
  if (version == 0)
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_NOT_FOUND, _("This service standard has been deleted."));
      goto fail;
    }
  if (g_str_equal (kind, "*") && g_str_equal (segment, "*") && g_str_equal (priority, "*"))
    {
      /* Every case must get deadlines from something. */
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID,
                   _("The general service standard (any kind, segment and priority) cannot be deleted; change its times instead."));
      goto fail;
    }

  cs = kefu_change_set_new ("sla_policy", id, KEFU_CHANGE_DELETE, version);
  kefu_change_set_int (cs, "deleted", TRUE, 0, 1);
  stmt = kefu_db_prepare (db,
                          "UPDATE sla_policy SET deleted = 1, version = version + 1, hlc = ?, updated_by = ?,"
                          " updated_at = ? WHERE id = ?", error);
  if (stmt == NULL)
    goto fail;
  kefu_db_bind_stamp (db, stmt, 1, cs, g_get_real_time () / 1000);
  sqlite3_bind_text (stmt, 4, id, -1, SQLITE_STATIC);
  if (!kefu_db_step_done (db, stmt, error) || !kefu_db_record_change (db, cs, error))
    goto fail;
  return kefu_db_commit (db, error);

fail:
  kefu_db_rollback (db);
  return FALSE;
}
