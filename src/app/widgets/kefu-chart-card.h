/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "kefu-chart.h"

G_BEGIN_DECLS

#define KEFU_TYPE_CHART_CARD (kefu_chart_card_get_type ())
G_DECLARE_FINAL_TYPE (KefuChartCard, kefu_chart_card, KEFU, CHART_CARD, GtkWidget)

/* A card with a chart's title, the chart, and its numbers as a table
 * (the accessible form, and what "Copy" puts on the clipboard). A bar,
 * a point or a number of the table that stands for cases emits
 * ::show-cases (a title, the GArray of case rowids). @table_only cards
 * show the table alone (e.g. per-person results). */
GtkWidget      *kefu_chart_card_new        (KefuChartKind   kind,
                                            gboolean        table_only);
void            kefu_chart_card_set_table  (KefuChartCard  *self,
                                            KefuStatsTable *table);
/* Returns: (transfer none) */
KefuChart      *kefu_chart_card_get_chart  (KefuChartCard  *self);
void            kefu_chart_card_show_table (KefuChartCard  *self,
                                            gboolean        show);
/* Emits ::show-cases for a cell, as a click would. */
void            kefu_chart_card_activate   (KefuChartCard  *self,
                                            guint           row,
                                            guint           column);

G_END_DECLS
