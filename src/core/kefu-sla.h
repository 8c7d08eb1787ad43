/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "kefu-db.h"

G_BEGIN_DECLS

/* Business calendars: working hours, weekends, public holidays and make-up
 * working days (调休). Times are Unix milliseconds; the calendar's local
 * time zone is Asia/Shanghai (fixed UTC+8, no DST). */
typedef struct _KefuCalendar KefuCalendar;

KefuCalendar *kefu_calendar_new             (int            work_start_minute,
                                             int            work_end_minute,
                                             guint          weekend_mask);   /* bit 0 = Monday … bit 6 = Sunday */
void          kefu_calendar_free            (KefuCalendar  *cal);
/* "2025-10-01" holiday / workday; later calls override earlier ones. */
void          kefu_calendar_set_day         (KefuCalendar  *cal,
                                             const char    *iso_date,
                                             gboolean       is_workday,
                                             const char    *name);
gboolean      kefu_calendar_is_workday      (KefuCalendar  *cal,
                                             GDate         *date);
/* @minutes business minutes after @start_ms (a start outside working
 * hours counts from the next working minute). */
gint64        kefu_calendar_add_minutes     (KefuCalendar  *cal,
                                             gint64         start_ms,
                                             gint64         minutes);
/* Business minutes between two instants (0 when end <= start). */
gint64        kefu_calendar_minutes_between (KefuCalendar  *cal,
                                             gint64         start_ms,
                                             gint64         end_ms);
/* Loads the shipped Chinese calendar (data/calendars/cn-YYYY.ini) for
 * the years present. */
gboolean      kefu_calendar_load_file       (KefuCalendar  *cal,
                                             const char    *path,
                                             GError       **error);

/* The database's default calendar (table calendar + calendar_day).
 * Returns: (transfer full) */
KefuCalendar *kefu_calendar_load_default    (KefuDb        *db,
                                             GError       **error);

typedef struct
{
  char  *id;
  char  *case_kind;        /* inquiry, tracking, complaint, claim, suggestion, service */
  char  *segment;          /* key, vip, regular, new, at_risk, or "*" */
  char  *priority;         /* low, normal, high, urgent, or "*" */
  gint   first_response_minutes;
  gint   resolution_minutes;
  gint64 version;          /* 0 for a policy not saved yet */
} KefuSlaPolicy;

void       kefu_sla_policy_free   (KefuSlaPolicy *policy);
GPtrArray *kefu_sla_policies_list (KefuDb        *db,
                                   GError       **error);
gboolean   kefu_sla_policy_save   (KefuDb        *db,
                                   KefuSlaPolicy *policy,
                                   GError       **error);
/* The most specific policy for kind × segment × priority (exact beats
 * "*"); NULL when none applies. Returns: (transfer full) */
KefuSlaPolicy *kefu_sla_policy_find (KefuDb     *db,
                                     const char *case_kind,
                                     const char *segment,
                                     const char *priority,
                                     GError    **error);

/* --- additions ------------------------------------------------------- */

/* One working day of the default calendar (09:00–18:00) in minutes: the
 * unit in which "3 business days" is stored. */
#define KEFU_BUSINESS_DAY_MINUTES 540

/* The id of the default calendar row, seeded by migration 3. */
#define KEFU_DEFAULT_CALENDAR_ID "01900000-0000-7000-8000-000000000201"

/* Asia/Shanghai wall-clock helpers (fixed UTC+8, whatever the machine's
 * time zone). */
gint64        kefu_local_time_ms            (int            year,
                                             int            month,
                                             int            day,
                                             int            hour,
                                             int            minute);
/* Midnight (local) starting the day of @ms. */
gint64        kefu_local_day_start          (gint64         ms);
/* "2025-10-01" for the local day of @ms. Returns: (transfer full) */
char         *kefu_local_date_string        (gint64         ms);
/* Fills @date with the local day of @ms. */
void          kefu_local_date               (gint64         ms,
                                             GDate         *date);

int           kefu_calendar_get_work_start  (KefuCalendar  *cal);
int           kefu_calendar_get_work_end    (KefuCalendar  *cal);
guint         kefu_calendar_get_weekend_mask (KefuCalendar *cal);
/* The name of the holiday or make-up day, or NULL for an ordinary day.
 * Returns: (transfer none) */
const char   *kefu_calendar_day_name        (KefuCalendar  *cal,
                                             GDate         *date);
/* Where kefu_calendar_load_default() finds the shipped cn-YYYY.ini files
 * (default: PKGDATADIR/calendars, else the source tree's data/calendars).
 * Tests and uninstalled runs set it. */
void          kefu_calendar_set_data_dir    (const char    *dir);
const char   *kefu_calendar_get_data_dir    (void);

/* The cached default calendar of @db, loaded (and the shipped files
 * imported) on first use; dropped when the calendar is edited.
 * Returns: (transfer none) */
KefuCalendar *kefu_calendar_get_for_db      (KefuDb        *db,
                                             GError       **error);

typedef struct
{
  char *id;
  char *day;      /* "2025-10-01" */
  char *kind;     /* "holiday" or "workday" */
  char *name;
} KefuCalendarDay;

void       kefu_calendar_day_free      (KefuCalendarDay *day);
/* Days of the default calendar that differ from the weekly pattern, in
 * date order; @year 0 lists every year. Element type KefuCalendarDay. */
GPtrArray *kefu_calendar_list_days     (KefuDb      *db,
                                        int          year,
                                        GError     **error);
/* Marks @iso_date as a "holiday" or a "workday" with @name; @kind NULL
 * removes the exception. Audit and outbox entries, one transaction. */
gboolean   kefu_calendar_save_day      (KefuDb      *db,
                                        const char  *iso_date,
                                        const char  *kind,
                                        const char  *name,
                                        GError     **error);
gboolean   kefu_calendar_save_hours    (KefuDb      *db,
                                        int          work_start_minute,
                                        int          work_end_minute,
                                        guint        weekend_mask,
                                        GError     **error);
/* Imports a cn-YYYY.ini file into the default calendar as an edit (audit
 * and outbox entries for each day), e.g. the official schedule of a year
 * that shipped as provisional. */
gboolean   kefu_calendar_import_file   (KefuDb      *db,
                                        const char  *path,
                                        GError     **error);

KefuSlaPolicy *kefu_sla_policy_new      (const char *case_kind,
                                         const char *segment,
                                         const char *priority,
                                         gint        first_response_minutes,
                                         gint        resolution_minutes);
gboolean   kefu_sla_policy_validate     (const KefuSlaPolicy *policy,
                                         GError             **error);
gboolean   kefu_sla_policy_delete       (KefuDb        *db,
                                         const char    *id,
                                         GError       **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KefuCalendar, kefu_calendar_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KefuSlaPolicy, kefu_sla_policy_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KefuCalendarDay, kefu_calendar_day_free)

G_END_DECLS
