/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "kefu-cases.h"

G_BEGIN_DECLS

#define KEFU_TYPE_CASES_VIEW (kefu_cases_view_get_type ())
G_DECLARE_FINAL_TYPE (KefuCasesView, kefu_cases_view, KEFU, CASES_VIEW, GtkWidget)

KefuCasesView *kefu_cases_view_new            (KefuDb        *db);
/* Reads staff, categories, counts, the list and the open case again
 * (after a user switch or an import). */
void           kefu_cases_view_reload         (KefuCasesView *self);
/* Opens the case on the right; selects it when the list shows it. */
void           kefu_cases_view_show_case      (KefuCasesView *self,
                                               const char    *id);
/* Shows exactly the cases @rowids (gint64) under @title, e.g. those
 * behind a dashboard figure. */
void           kefu_cases_view_show_cases     (KefuCasesView *self,
                                               const char    *title,
                                               GArray        *rowids);
/* Shows a queue (the search and filters stay). */
void           kefu_cases_view_set_queue      (KefuCasesView *self,
                                               KefuCaseQueue  queue);
void           kefu_cases_view_set_search     (KefuCasesView *self,
                                               const char    *text);
void           kefu_cases_view_focus_search   (KefuCasesView *self);
/* How many cases the list shows (at most KEFU_CASE_COUNT_CAP). */
guint          kefu_cases_view_get_n_shown    (KefuCasesView *self);
/* The count shown beside @queue in the sidebar. */
guint          kefu_cases_view_get_queue_count (KefuCasesView *self,
                                                KefuCaseQueue  queue);
/* The case page (for tests). Returns: (transfer none) */
GtkWidget     *kefu_cases_view_get_case_page  (KefuCasesView *self);

G_END_DECLS
