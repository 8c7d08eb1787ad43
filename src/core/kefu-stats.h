/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "kefu-db.h"
#include "kefu-sla.h"

G_BEGIN_DECLS

/* Supervisor figures (看板): for a period of Asia/Shanghai days and a
 * scope of org units, the figures of the cases received in the period
 * (a cohort: each case counts once, in the period it came in) and a few
 * snapshots of now (open, overdue, claims ageing). Every figure keeps the
 * rowids of the cases it was computed from, so that the UI can show
 * exactly those cases. */

typedef enum
{
  KEFU_PERIOD_TODAY,
  KEFU_PERIOD_THIS_WEEK,      /* Monday to now */
  KEFU_PERIOD_THIS_MONTH,
  KEFU_PERIOD_LAST_MONTH,
  KEFU_PERIOD_CUSTOM,
} KefuPeriodKind;

typedef enum
{
  KEFU_STATS_COUNT,
  KEFU_STATS_PERCENT,         /* 0–100 */
  KEFU_STATS_MINUTES,         /* business minutes */
  KEFU_STATS_MONEY,           /* cents */
  KEFU_STATS_SCORE,           /* satisfaction 1–5 */
  KEFU_STATS_NPS,             /* −100 … 100 */
} KefuStatsFormat;

/* One row of a table: a value per column and, for each value, the rowids
 * (gint64) of the cases it counts (NULL where a value has no cases, e.g.
 * training). */
typedef struct
{
  char    *label;
  char    *key;               /* category id, staff id, channel key… or NULL */
  double  *values;            /* n columns; NAN = no data */
  GArray **cases;             /* n columns */
} KefuStatsRow;

/* A chart's numbers: columns (months, categories, channels…) and rows
 * (series). A bar chart has one row; a line chart a row per line; a
 * stacked bar a row per stacked part; small multiples a row per panel.
 * Reference counted: the UI keeps them while they are shown. */
typedef struct
{
  char            *title;
  KefuStatsFormat  format;
  GPtrArray       *columns;   /* char * */
  GPtrArray       *rows;      /* KefuStatsRow * */
} KefuStatsTable;

typedef struct
{
  const char      *key;       /* "received", "open", "fr_compliance"… (static) */
  char            *label;
  KefuStatsFormat  format;
  double           value;     /* NAN when there is nothing to measure */
  GArray          *cases;     /* rowids (gint64); may be empty */
} KefuStatsFigure;

typedef struct
{
  gint64          from;       /* inclusive, ms */
  gint64          to;         /* exclusive, ms */
  gint64          now;
  GPtrArray      *figures;    /* KefuStatsFigure * */
  KefuStatsTable *sla_by_kind;        /* columns: case kinds; rows: met, breached (stacked) */
  KefuStatsTable *channel_mix;        /* columns: channels; one row */
  KefuStatsTable *complaints;         /* columns: categories; one row */
  KefuStatsTable *complaints_trend;   /* columns: months; rows: categories (small multiples) */
  KefuStatsTable *satisfaction_trend; /* columns: months; one row, score */
  KefuStatsTable *nps_trend;          /* columns: months; one row, NPS */
  KefuStatsTable *claims_ageing;      /* columns: age buckets of open claims; one row */
  KefuStatsTable *people;             /* columns: received, resolved, open, overdue, FR %, median resolution, satisfaction; rows: assignees */
} KefuStats;

/* Months of trend before and including the period's last month. */
#define KEFU_STATS_TREND_MONTHS 6

/* [from, to) of a period around @now_ms, in Asia/Shanghai days. */
void             kefu_period_range        (KefuPeriodKind  kind,
                                           gint64          now_ms,
                                           gint64         *from,
                                           gint64         *to);
/* "2026-11" → the month's [from, to). */
gboolean         kefu_period_parse_month  (const char     *text,
                                           gint64         *from,
                                           gint64         *to,
                                           GError        **error);

/* The branches (org_unit ids) under @unit_id, itself included when it is
 * a branch; every branch when @unit_id is NULL. Returns: (transfer full)
 * (element-type utf8) */
GPtrArray       *kefu_stats_scope_branches (KefuDb        *db,
                                            const char    *unit_id,
                                            GError       **error);
/* The org units @staff_id may look at: their own unit and everything
 * below it; everything for an admin. Element type KefuOrgUnit, in tree
 * order (headquarters, provinces, cities, branches). */
GPtrArray       *kefu_stats_list_scopes   (KefuDb        *db,
                                           const char    *staff_id,
                                           GError       **error);
/* The org unit with this code, or NULL. Returns: (transfer full) */
char            *kefu_stats_find_unit     (KefuDb        *db,
                                           const char    *code,
                                           GError       **error);

/* All figures for [from, to) over the branches under @unit_id (NULL =
 * all). @now_ms 0 = the cases clock. Uses @cal for business time.
 * Returns: (transfer full) */
KefuStats       *kefu_stats_compute       (KefuDb        *db,
                                           KefuCalendar  *cal,
                                           const char    *unit_id,
                                           gint64         from,
                                           gint64         to,
                                           gint64         now_ms,
                                           GError       **error);
void             kefu_stats_free          (KefuStats     *stats);
/* Returns: (transfer none) (nullable) */
KefuStatsFigure *kefu_stats_get_figure    (KefuStats     *stats,
                                           const char    *key);

/* Training completion of the staff of the branches in @branches:
 * assignments and those with a finished attempt. */
gboolean         kefu_stats_training      (KefuDb        *db,
                                           GPtrArray     *branches,
                                           guint         *n_assigned,
                                           guint         *n_completed,
                                           GError       **error);

/* Median and 90th percentile of @values (sorted in place); NAN when
 * empty. Nearest-rank: the smallest value with at least p % at or below. */
double           kefu_stats_percentile    (GArray        *values,
                                           double         p);
/* Net promoter score of 0–10 answers: % promoters (9–10) − % detractors
 * (0–6); NAN without answers. */
double           kefu_stats_nps           (guint          promoters,
                                           guint          passives,
                                           guint          detractors);

/* "12.5 %", "3 h 20 min", "¥1,234.00"… for the UI and the report.
 * Returns: (transfer full) */
char            *kefu_stats_format_value  (KefuStatsFormat format,
                                           double          value);

KefuStatsTable  *kefu_stats_table_new     (const char     *title,
                                           KefuStatsFormat format);
KefuStatsTable  *kefu_stats_table_ref     (KefuStatsTable *table);
void             kefu_stats_table_unref   (KefuStatsTable *table);
/* Adds a row with every value NAN and empty case lists. Returns:
 * (transfer none) */
KefuStatsRow    *kefu_stats_table_add_row (KefuStatsTable *table,
                                           const char     *label,
                                           const char     *key);
void             kefu_stats_table_add_column (KefuStatsTable *table,
                                              const char     *label);
/* Tab-separated text: a header line of columns, a line per row. */
char            *kefu_stats_table_to_text (KefuStatsTable *table);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KefuStats, kefu_stats_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KefuStatsTable, kefu_stats_table_unref)

G_END_DECLS
