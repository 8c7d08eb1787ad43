/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "kefu-stats.h"

G_BEGIN_DECLS

/* The monthly report (按月汇总) of an org unit: the month's figures next
 * to the month before, per branch and per department, the most frequent
 * questions and complaints (by category, by subject and by frequent
 * words), the claims paid in the month, the worst breaches of the time
 * limits, and the improvements the supervisor suggests (stored, synced). */

typedef struct
{
  char   *label;
  double  count;
  GArray *cases;          /* rowids (gint64) */
} KefuReportItem;

typedef struct
{
  gint64  rowid;
  char   *number;
  char   *subject;
  char   *kind;
  char   *assignee;
  gint64  due;
  gint64  late_minutes;   /* business minutes past the resolution deadline */
  gboolean resolved;
} KefuReportBreach;

typedef struct
{
  gint64  rowid;
  char   *number;
  char   *subject;
  char   *payment_date;
  gint64  amount_cents;
} KefuReportClaim;

typedef struct
{
  char           *unit_id;        /* NULL = every branch */
  char           *unit_name;
  char           *unit_code;
  char           *month;          /* "2026-11" */
  char           *prev_month;
  KefuStats      *stats;
  KefuStats      *prev;
  KefuStatsTable *branches;       /* rows: branches; columns: received, resolved on time %, FR on time %, satisfaction, complaints */
  KefuStatsTable *departments;    /* rows: departments; the same columns */
  GPtrArray      *questions;      /* KefuReportItem: frequent subjects of inquiries, tracking and service requests */
  GPtrArray      *complaint_subjects; /* KefuReportItem: frequent subjects of complaints */
  GPtrArray      *words;          /* KefuReportItem: frequent two-character words of those subjects */
  GPtrArray      *claims_paid;    /* KefuReportClaim, by date */
  GPtrArray      *breaches;       /* KefuReportBreach, latest first, at most 10 */
  char           *improvements;   /* the supervisor's text, may be empty */
  gint64          generated_at;
} KefuReport;

/* @progress gets 0…1 while the report is built. */
typedef void (*KefuReportProgress) (double   fraction,
                                    gpointer user_data);

/* Returns: (transfer full) */
KefuReport *kefu_report_build       (KefuDb             *db,
                                     KefuCalendar       *cal,
                                     const char         *unit_id,
                                     const char         *month,
                                     gint64              now_ms,
                                     KefuReportProgress  progress,
                                     gpointer            user_data,
                                     GError            **error);
void        kefu_report_free        (KefuReport         *report);

/* Frequent words of @texts: runs of Chinese characters are cut into
 * two-character words, other text into words of letters and digits; each
 * counts once per text. At most @limit, most frequent first, ties by
 * word; words seen fewer than twice are left out. Element type
 * KefuReportItem (cases: the indexes of the texts). */
GPtrArray  *kefu_report_frequent_words (const char * const *texts,
                                        guint               n_texts,
                                        guint               limit);

/* The suggested improvements of @unit_id (NULL = all branches, stored
 * under the office) for @month: "" when none were written.
 * Returns: (transfer full) */
char       *kefu_report_get_note    (KefuDb             *db,
                                     const char         *unit_id,
                                     const char         *month,
                                     GError            **error);
/* A synced write (audit and outbox entries), one transaction. */
gboolean    kefu_report_save_note   (KefuDb             *db,
                                     const char         *unit_id,
                                     const char         *month,
                                     const char         *text,
                                     GError            **error);

/* The report as a workbook: a sheet of figures (month, month before,
 * change), one per table and list. */
gboolean    kefu_report_write_xlsx  (KefuReport         *report,
                                     const char         *path,
                                     GError            **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KefuReport, kefu_report_free)

G_END_DECLS
