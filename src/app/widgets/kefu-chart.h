/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "kefu-stats.h"

G_BEGIN_DECLS

typedef enum
{
  KEFU_CHART_BAR,              /* a bar per column (grouped when there are several rows) */
  KEFU_CHART_STACKED_BAR,      /* a bar per column, rows stacked */
  KEFU_CHART_LINE,             /* a line per row through the columns */
  KEFU_CHART_SMALL_MULTIPLES,  /* a small line chart per row, one scale */
} KefuChartKind;

#define KEFU_TYPE_CHART (kefu_chart_get_type ())
G_DECLARE_FINAL_TYPE (KefuChart, kefu_chart, KEFU, CHART, GtkWidget)

/* A chart of a KefuStatsTable drawn with cairo and Pango: text in the
 * widget's colour (light and dark styles), series in a fixed palette
 * readable on both. Clicking a bar or a point emits ::activated with its
 * row and column when it stands for cases. */
GtkWidget      *kefu_chart_new        (KefuChartKind   kind);
void            kefu_chart_set_table  (KefuChart      *self,
                                       KefuStatsTable *table);
/* Returns: (transfer none) (nullable) */
KefuStatsTable *kefu_chart_get_table  (KefuChart      *self);
KefuChartKind   kefu_chart_get_kind   (KefuChart      *self);
/* The bar or point at (x, y) in widget coordinates; FALSE when none. */
gboolean        kefu_chart_hit        (KefuChart      *self,
                                       double          x,
                                       double          y,
                                       guint          *row,
                                       guint          *column);
/* The centre of the bar or point of @row × @column, after a draw (for
 * tests); FALSE when it is not drawn. */
gboolean        kefu_chart_get_point  (KefuChart      *self,
                                       guint           row,
                                       guint           column,
                                       double         *x,
                                       double         *y);
/* The palette colour of series @i (also used by the report). */
void            kefu_chart_series_color (guint         i,
                                         double       *r,
                                         double       *g,
                                         double       *b);
/* Draws @table into @cr's @width × @height area with @fg as the text
 * colour: shared by the widget and the printed report. Hit areas are
 * appended to @hits (KefuChartHit) when not NULL. */
typedef struct
{
  double x, y, w, h;
  guint  row, column;
} KefuChartHit;

void            kefu_chart_draw       (cairo_t        *cr,
                                       PangoContext   *pango,
                                       KefuChartKind   kind,
                                       KefuStatsTable *table,
                                       double          width,
                                       double          height,
                                       const GdkRGBA  *fg,
                                       GArray         *hits);

G_END_DECLS
