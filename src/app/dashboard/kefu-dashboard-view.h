/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "kefu-chart-card.h"
#include "kefu-stats.h"

G_BEGIN_DECLS

#define KEFU_TYPE_DASHBOARD_VIEW (kefu_dashboard_view_get_type ())
G_DECLARE_FINAL_TYPE (KefuDashboardView, kefu_dashboard_view, KEFU, DASHBOARD_VIEW, GtkWidget)

/* The Dashboard view (看板) for supervisors and administrators: the
 * figures of a period and scope, computed off the main thread on a
 * connection of its own. Clicking a figure, a bar or a number emits
 * ::show-cases (a title, the GArray of case rowids). */
KefuDashboardView *kefu_dashboard_view_new          (KefuDb            *db);
/* Reads the signed-in user's scopes and computes the figures again. */
void               kefu_dashboard_view_reload       (KefuDashboardView *self);
void               kefu_dashboard_view_set_period   (KefuDashboardView *self,
                                                     KefuPeriodKind     period);
/* A custom range of days [first, last], "YYYY-MM-DD"; FALSE with an
 * error a user understands when they are not dates in order. */
gboolean           kefu_dashboard_view_set_range    (KefuDashboardView *self,
                                                     const char        *first,
                                                     const char        *last,
                                                     GError           **error);
/* Selects the scope with this org unit id (NULL = the first, widest). */
void               kefu_dashboard_view_set_scope    (KefuDashboardView *self,
                                                     const char        *unit_id);
const char        *kefu_dashboard_view_get_scope    (KefuDashboardView *self);
/* Whether figures are being computed. */
gboolean           kefu_dashboard_view_is_busy      (KefuDashboardView *self);
/* The figures shown (NULL before the first result). Returns: (transfer none) */
KefuStats         *kefu_dashboard_view_get_stats    (KefuDashboardView *self);
/* Emits ::show-cases for a figure, as a click on it would. */
void               kefu_dashboard_view_activate_figure (KefuDashboardView *self,
                                                        const char        *key);
/* The line on screen that says "This month" has only a few business days
 * so far (with a button to last month); NULL when none is shown. */
const char        *kefu_dashboard_view_get_early_hint (KefuDashboardView *self);
/* The card of a chart: "sla", "channels", "complaints", "complaints-trend",
 * "satisfaction", "nps", "ageing", "people". Returns: (transfer none) */
KefuChartCard     *kefu_dashboard_view_get_card     (KefuDashboardView *self,
                                                     const char        *name);

G_END_DECLS
