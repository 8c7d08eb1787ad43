/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "kefu-cases.h"

G_BEGIN_DECLS

/* Shared by the case list rows, the case page and its dialogs. */

/* KEFU_CASE_COUNT_CAP came with the paged case list; older cores had the
 * same limit for searches only. */
#ifndef KEFU_CASE_COUNT_CAP
#define KEFU_CASE_COUNT_CAP 10000
#endif

typedef enum
{
  KEFU_TIME_LEFT_NONE,      /* no running deadline */
  KEFU_TIME_LEFT_OK,
  KEFU_TIME_LEFT_WARNING,   /* flagged by the service-standard check */
  KEFU_TIME_LEFT_OVERDUE,
  KEFU_TIME_LEFT_PAUSED,    /* waiting on the customer */
} KefuTimeLeft;

/* "2 h 15 min", "1 day 3 h": a span of business minutes.
 * Returns: (transfer full) */
char        *_kefu_format_business_minutes (KefuDb     *db,
                                            gint64      minutes);
/* "2 h 15 min left", "Overdue by 1 day", "Paused — waiting on customer",
 * counted in business time on the database's calendar; NULL when @due_ms
 * is 0 and the case is not paused. Returns: (transfer full) (nullable) */
char        *_kefu_case_time_left          (KefuDb       *db,
                                            gint64        due_ms,
                                            gboolean      paused,
                                            gboolean      warned,
                                            gint64        now_ms,
                                            KefuTimeLeft *state);
/* A case time as "2025-06-01 14:30" (or the date alone) in the business
 * calendar's time zone (Asia/Shanghai), like the timeline's own texts;
 * "—" for 0. Returns: (transfer full) */
char        *_kefu_case_format_time        (gint64      unix_ms,
                                            gboolean    with_time);
/* Sets the label and the colour class ("<family>-<key>") of a badge made
 * with _kefu_case_badge_new(). */
GtkWidget   *_kefu_case_badge_new          (void);
void         _kefu_case_badge_set          (GtkWidget  *badge,
                                            const char *family,
                                            const char *key,
                                            const char *label);
/* Colours a label for a KefuTimeLeft state ("error", "warning", "dim-label"). */
void         _kefu_time_left_style         (GtkWidget    *label,
                                            KefuTimeLeft  state);

/* Filter dropdowns keep their width whatever is chosen: the button's
 * label ellipsizes, the popup shows the items in full. Works on a
 * dropdown over a GtkStringList. */
void         _kefu_drop_down_set_compact   (GtkDropDown  *dropdown);

/* The office's departments and staff, for the routing dialog and the
 * filters. The core has no department API yet, so they are read here.
 * Element type: KefuNamedId. */
typedef struct
{
  char *id;
  char *name;
} KefuNamedId;

void         _kefu_named_id_free           (KefuNamedId *item);
GPtrArray   *_kefu_list_departments        (KefuDb      *db);
/* Active staff of the office; with @department_id only that department's. */
GPtrArray   *_kefu_list_office_staff       (KefuDb      *db,
                                            const char  *department_id);
/* Case categories, "Parent / Child" names, in taxonomy order. */
GPtrArray   *_kefu_list_case_categories    (KefuDb      *db);

G_END_DECLS
