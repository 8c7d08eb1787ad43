/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "kefu-chart"

#include "config.h"

#include <math.h>

#include "kefu-chart.h"

struct _KefuChart
{
  GtkWidget       parent_instance;

  KefuChartKind   kind;
  KefuStatsTable *table;
  GArray         *hits;     /* KefuChartHit, from the last draw */
};

G_DEFINE_FINAL_TYPE (KefuChart, kefu_chart, GTK_TYPE_WIDGET)

enum { ACTIVATED, N_SIGNALS };
static guint signals[N_SIGNALS];

#define PAD        8.0
#define TICKS      4
#define PANEL_COLS 3

/* Adwaita's palette, mid tones: readable on white and on #242424. */
static const double palette[][3] = {
  { 0x35 / 255.0, 0x84 / 255.0, 0xe4 / 255.0 },   /* blue 3 */
  { 0xe6 / 255.0, 0x61 / 255.0, 0x00 / 255.0 },   /* orange 5 */
  { 0x2e / 255.0, 0xc2 / 255.0, 0x7e / 255.0 },   /* green 4 */
  { 0x91 / 255.0, 0x41 / 255.0, 0xac / 255.0 },   /* purple 3 */
  { 0xe0 / 255.0, 0x1b / 255.0, 0x24 / 255.0 },   /* red 3 */
  { 0x98 / 255.0, 0x6a / 255.0, 0x44 / 255.0 },   /* brown 3 */
  { 0xc6 / 255.0, 0x46 / 255.0, 0x00 / 255.0 },   /* orange 5 dark */
  { 0x1a / 255.0, 0x5f / 255.0, 0xb4 / 255.0 },   /* blue 5 */
};

/* --- drawing --------------------------------------------------------- */

void
kefu_chart_series_color (guint   i,
                         double *r,
                         double *g,
                         double *b)
{
  i %= G_N_ELEMENTS (palette);
  *r = palette[i][0];
  *g = palette[i][1];
  *b = palette[i][2];
}

static double
value_at (KefuStatsRow *row,
          guint         c)
{
  return isnan (row->values[c]) ? 0 : row->values[c];
}

/* The top of the axis: TICKS round steps (1, 2 or 5 × 10ⁿ, at least 1)
 * that reach @v, so that every tick is a whole number. */
static double
nice_ceiling (double v)
{
  double step = MAX (v, 1) / TICKS, mag, f;

  mag = pow (10, floor (log10 (step)));
  f = step / mag;
  if (f <= 1)
    step = mag;
  else if (f <= 2)
    step = 2 * mag;
  else if (f <= 5)
    step = 5 * mag;
  else
    step = 10 * mag;
  return MAX (step, 1) * TICKS;
}

static PangoLayout *
make_layout (PangoContext *pango,
             const char   *text,
             double        scale)
{
  PangoLayout *layout = pango_layout_new (pango);
  PangoFontDescription *desc = pango_font_description_copy (pango_context_get_font_description (pango));

  if (pango_font_description_get_size (desc) <= 0)
    pango_font_description_set_size (desc, 10 * PANGO_SCALE);
  pango_font_description_set_size (desc, (int) (pango_font_description_get_size (desc) * scale));
  pango_layout_set_font_description (layout, desc);
  pango_font_description_free (desc);
  pango_layout_set_text (layout, text, -1);
  return layout;
}

/* Column labels: up to two lines in @max_width, then an ellipsis. */
static void
draw_label (cairo_t      *cr,
            PangoContext *pango,
            const char   *text,
            double        cx,
            double        y,
            double        max_width,
            double        scale)
{
  g_autoptr(PangoLayout) layout = make_layout (pango, text, scale);
  int w, h;

  pango_layout_set_width (layout, (int) (MAX (max_width, 10) * PANGO_SCALE));
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_height (layout, -2);
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  pango_layout_set_alignment (layout, PANGO_ALIGN_CENTER);
  pango_layout_get_pixel_size (layout, &w, &h);
  cairo_move_to (cr, cx - MAX (max_width, 10) / 2, y);
  pango_cairo_show_layout (cr, layout);
}

static void
draw_text (cairo_t      *cr,
           PangoContext *pango,
           const char   *text,
           double        x,
           double        y,
           double        max_width,
           double        align,     /* 0 left, 0.5 centre, 1 right of x */
           double        scale)
{
  g_autoptr(PangoLayout) layout = make_layout (pango, text, scale);
  int w, h;

  if (max_width > 0)
    {
      pango_layout_set_width (layout, (int) (max_width * PANGO_SCALE));
      pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
    }
  pango_layout_get_pixel_size (layout, &w, &h);
  cairo_move_to (cr, x - align * w, y);
  pango_cairo_show_layout (cr, layout);
}

static double
text_height (PangoContext *pango,
             double        scale)
{
  g_autoptr(PangoLayout) layout = make_layout (pango, "Ag看", scale);
  int w, h;

  pango_layout_get_pixel_size (layout, &w, &h);
  return h;
}

static double
text_width (PangoContext *pango,
            const char   *text,
            double        scale)
{
  g_autoptr(PangoLayout) layout = make_layout (pango, text, scale);
  int w, h;

  pango_layout_get_pixel_size (layout, &w, &h);
  return w;
}

static char *
tick_label (KefuStatsFormat format,
            double          v)
{
  if (format == KEFU_STATS_PERCENT)
    return g_strdup_printf ("%.0f %%", v);
  if (format == KEFU_STATS_SCORE)
    return g_strdup_printf ("%.0f", v);
  if (format == KEFU_STATS_MONEY)
    return g_strdup_printf ("¥%'.0f", v / 100);
  return g_strdup_printf ("%'.0f", v);
}

static void
set_fg (cairo_t       *cr,
        const GdkRGBA *fg,
        double         alpha)
{
  cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, fg->alpha * alpha);
}

static void
add_hit (GArray *hits,
         double  x,
         double  y,
         double  w,
         double  h,
         guint   row,
         guint   column)
{
  KefuChartHit hit = { x, y, w, h, row, column };

  if (hits)
    g_array_append_val (hits, hit);
}

/* Axes and columns of one plot in the box (x, y, w, h); returns the
 * plot area. */
static void
draw_axes (cairo_t        *cr,
           PangoContext   *pango,
           KefuStatsTable *table,
           double          lo,
           double          hi,
           double          x,
           double          y,
           double          w,
           double          h,
           const GdkRGBA  *fg,
           double          scale,
           gboolean        column_labels,
           double         *px,
           double         *py,
           double         *pw,
           double         *ph)
{
  double th = text_height (pango, scale);
  double left = 0;
  guint n = table->columns->len;

  for (int t = 0; t <= TICKS; t++)
    {
      g_autofree char *label = tick_label (table->format, lo + (hi - lo) * t / TICKS);

      left = MAX (left, text_width (pango, label, scale));
    }
  *px = x + left + PAD;
  *py = y + th / 2;
  *pw = MAX (10, w - left - PAD);
  *ph = MAX (10, h - th / 2 - (column_labels ? 2 * th + PAD / 2 : 0));

  cairo_set_line_width (cr, 1);
  for (int t = 0; t <= TICKS; t++)
    {
      double v = lo + (hi - lo) * t / TICKS;
      double ty = *py + *ph - *ph * t / TICKS;
      g_autofree char *label = tick_label (table->format, v);

      set_fg (cr, fg, t == 0 ? 0.5 : 0.12);
      cairo_move_to (cr, *px, floor (ty) + 0.5);
      cairo_line_to (cr, *px + *pw, floor (ty) + 0.5);
      cairo_stroke (cr);
      set_fg (cr, fg, 0.7);
      draw_text (cr, pango, label, *px - PAD / 2, ty - th / 2, 0, 1, scale);
    }
  if (column_labels && n > 0)
    {
      double cw = *pw / n;

      set_fg (cr, fg, 0.8);
      for (guint c = 0; c < n; c++)
        draw_label (cr, pango, table->columns->pdata[c], *px + cw * (c + 0.5), *py + *ph + PAD / 2, cw - 4, scale);
    }
}

static double
max_value (KefuStatsTable *table,
           gboolean        stacked)
{
  double m = 0;

  for (guint c = 0; c < table->columns->len; c++)
    {
      double sum = 0;

      for (guint r = 0; r < table->rows->len; r++)
        {
          double v = value_at (table->rows->pdata[r], c);

          sum = stacked ? sum + v : MAX (sum, v);
        }
      m = MAX (m, sum);
    }
  return m;
}

static void
axis_range (KefuStatsTable *table,
            gboolean        stacked,
            double         *lo,
            double         *hi)
{
  *lo = 0;
  if (table->format == KEFU_STATS_PERCENT)
    *hi = 100;
  else if (table->format == KEFU_STATS_SCORE)
    {
      *lo = 1;
      *hi = 5;
    }
  else if (table->format == KEFU_STATS_NPS)
    {
      *lo = -100;
      *hi = 100;
    }
  else
    *hi = nice_ceiling (max_value (table, stacked));
}

static double
legend (cairo_t        *cr,
        PangoContext   *pango,
        KefuStatsTable *table,
        double          width,
        const GdkRGBA  *fg)
{
  double th = text_height (pango, 0.9);
  double x = 0, y = 0;

  if (table->rows->len < 2)
    return 0;
  for (guint r = 0; r < table->rows->len; r++)
    {
      KefuStatsRow *row = table->rows->pdata[r];
      double tw = text_width (pango, row->label, 0.9);
      double rr, gg, bb;

      if (x > 0 && x + th + 4 + tw > width)
        {
          x = 0;
          y += th + 2;
        }
      kefu_chart_series_color (r, &rr, &gg, &bb);
      cairo_set_source_rgb (cr, rr, gg, bb);
      cairo_rectangle (cr, x, y + th * 0.2, th * 0.6, th * 0.6);
      cairo_fill (cr);
      set_fg (cr, fg, 0.85);
      draw_text (cr, pango, row->label, x + th * 0.6 + 4, y, 0, 0, 0.9);
      x += th * 0.6 + 4 + tw + 12;
    }
  return y + th + PAD;
}

static void
draw_bars (cairo_t        *cr,
           PangoContext   *pango,
           KefuStatsTable *table,
           gboolean        stacked,
           double          width,
           double          height,
           const GdkRGBA  *fg,
           GArray         *hits)
{
  double top = legend (cr, pango, table, width, fg);
  double lo, hi, px, py, pw, ph, cw;
  guint n = table->columns->len, nr = table->rows->len;
  double th = text_height (pango, 0.8);

  axis_range (table, stacked, &lo, &hi);
  draw_axes (cr, pango, table, lo, hi, 0, top + th, width, height - top - th, fg, 0.85, TRUE, &px, &py, &pw, &ph);
  if (n == 0 || nr == 0)
    return;
  cw = pw / n;
  for (guint c = 0; c < n; c++)
    {
      double base = 0;
      double bw = stacked ? cw * 0.6 : cw * 0.7 / nr;

      for (guint r = 0; r < nr; r++)
        {
          KefuStatsRow *row = table->rows->pdata[r];
          double v = value_at (row, c);
          double x0 = px + cw * c + (stacked ? cw * 0.2 : cw * 0.15 + bw * r);
          double y1 = py + ph - ph * (base + v - lo) / (hi - lo);
          double y0 = py + ph - ph * (base - lo) / (hi - lo);
          double rr, gg, bb;

          kefu_chart_series_color (nr == 1 ? 0 : r, &rr, &gg, &bb);
          cairo_set_source_rgb (cr, rr, gg, bb);
          cairo_rectangle (cr, x0, y1, bw, y0 - y1);
          cairo_fill (cr);
          add_hit (hits, x0, MIN (y1, y0 - 6), bw, MAX (y0 - y1, 6), r, c);
          if (!stacked && !isnan (row->values[c]))
            {
              g_autofree char *label = kefu_stats_format_value (table->format, row->values[c]);

              set_fg (cr, fg, 0.9);
              draw_text (cr, pango, label, x0 + bw / 2, y1 - th - 1, 0, 0.5, 0.8);
            }
          if (stacked)
            base += v;
        }
      if (stacked && base > 0)
        {
          g_autofree char *label = kefu_stats_format_value (table->format, base);

          set_fg (cr, fg, 0.9);
          draw_text (cr, pango, label, px + cw * (c + 0.5), py + ph - ph * (base - lo) / (hi - lo) - th - 1, 0, 0.5, 0.8);
        }
    }
}

static void
draw_lines_in (cairo_t        *cr,
               PangoContext   *pango,
               KefuStatsTable *table,
               guint           first_row,
               guint           n_rows,
               double          lo,
               double          hi,
               double          x,
               double          y,
               double          w,
               double          h,
               const GdkRGBA  *fg,
               double          scale,
               gboolean        column_labels,
               GArray         *hits)
{
  double px, py, pw, ph, cw;
  guint n = table->columns->len;

  draw_axes (cr, pango, table, lo, hi, x, y, w, h, fg, scale, column_labels, &px, &py, &pw, &ph);
  if (!column_labels && n > 0)
    {
      /* Small multiples: the first and the last column under the panel. */
      set_fg (cr, fg, 0.7);
      draw_text (cr, pango, table->columns->pdata[0], px, py + ph + 2, 0, 0, scale);
      draw_text (cr, pango, table->columns->pdata[n - 1], px + pw, py + ph + 2, 0, 1, scale);
    }
  if (n == 0)
    return;
  cw = pw / n;
  for (guint r = first_row; r < first_row + n_rows; r++)
    {
      KefuStatsRow *row = table->rows->pdata[r];
      double rr, gg, bb;
      gboolean pen = FALSE;

      kefu_chart_series_color (table->rows->len == 1 || n_rows == 1 ? 0 : r, &rr, &gg, &bb);
      cairo_set_source_rgb (cr, rr, gg, bb);
      cairo_set_line_width (cr, 2);
      for (guint c = 0; c < n; c++)
        {
          double cx = px + cw * (c + 0.5);
          double cy;

          if (isnan (row->values[c]))
            {
              pen = FALSE;
              continue;
            }
          cy = py + ph - ph * (row->values[c] - lo) / (hi - lo);
          if (pen)
            cairo_line_to (cr, cx, cy);
          else
            cairo_move_to (cr, cx, cy);
          pen = TRUE;
        }
      cairo_stroke (cr);
      for (guint c = 0; c < n; c++)
        {
          double cx = px + cw * (c + 0.5), cy;

          if (isnan (row->values[c]))
            continue;
          cy = py + ph - ph * (row->values[c] - lo) / (hi - lo);
          cairo_arc (cr, cx, cy, 3.5, 0, 2 * G_PI);
          cairo_fill (cr);
          add_hit (hits, cx - 8, cy - 8, 16, 16, r, c);
        }
    }
}

void
kefu_chart_draw (cairo_t        *cr,
                 PangoContext   *pango,
                 KefuChartKind   kind,
                 KefuStatsTable *table,
                 double          width,
                 double          height,
                 const GdkRGBA  *fg,
                 GArray         *hits)
{
  double lo, hi;

  if (table == NULL || width < 40 || height < 40)
    return;
  switch (kind)
    {
    case KEFU_CHART_STACKED_BAR:
      draw_bars (cr, pango, table, TRUE, width, height, fg, hits);
      break;
    case KEFU_CHART_LINE:
      {
        double top = legend (cr, pango, table, width, fg);

        axis_range (table, FALSE, &lo, &hi);
        draw_lines_in (cr, pango, table, 0, table->rows->len, lo, hi, 0, top, width, height - top, fg, 0.85, TRUE, hits);
      }
      break;
    case KEFU_CHART_SMALL_MULTIPLES:
      {
        guint n = table->rows->len;
        guint cols = MIN (n, PANEL_COLS), rows = (n + cols - 1) / MAX (cols, 1);
        double pw, ph, th = text_height (pango, 0.85);

        if (n == 0)
          return;
        axis_range (table, FALSE, &lo, &hi);
        pw = width / cols;
        ph = height / rows;
        for (guint i = 0; i < n; i++)
          {
            double x = pw * (i % cols), y = ph * (i / cols);
            KefuStatsRow *row = table->rows->pdata[i];

            set_fg (cr, fg, 0.9);
            draw_text (cr, pango, row->label, x + pw / 2, y, pw - PAD, 0.5, 0.85);
            draw_lines_in (cr, pango, table, i, 1, lo, hi, x, y + th + 2, pw - 2 * PAD, ph - 2 * th - 4 - PAD,
                           fg, 0.7, FALSE, hits);
          }
      }
      break;
    case KEFU_CHART_BAR:
    default:
      draw_bars (cr, pango, table, FALSE, width, height, fg, hits);
      break;
    }
}

/* --- callbacks ------------------------------------------------------- */

static void
pressed_cb (GtkGestureClick *gesture,
            int              n_press,
            double           x,
            double           y,
            KefuChart       *self)
{
  guint row, column;

  if (kefu_chart_hit (self, x, y, &row, &column))
    g_signal_emit (self, signals[ACTIVATED], 0, row, column);
}

static void
motion_cb (GtkEventControllerMotion *motion,
           double                    x,
           double                    y,
           KefuChart                *self)
{
  guint row, column;

  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), kefu_chart_hit (self, x, y, &row, &column) ? "pointer" : NULL);
}

/* --- GtkWidget ------------------------------------------------------- */

static void
kefu_chart_snapshot (GtkWidget   *widget,
                     GtkSnapshot *snapshot)
{
  KefuChart *self = KEFU_CHART (widget);
  int w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);
  GdkRGBA fg;
  cairo_t *cr;

  g_array_set_size (self->hits, 0);
  if (self->table == NULL)
    return;
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  G_GNUC_END_IGNORE_DEPRECATIONS
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, w, h));
  kefu_chart_draw (cr, gtk_widget_get_pango_context (widget), self->kind, self->table, w, h, &fg, self->hits);
  cairo_destroy (cr);
}

static void
kefu_chart_measure (GtkWidget      *widget,
                    GtkOrientation  orientation,
                    int             for_size,
                    int            *minimum,
                    int            *natural,
                    int            *minimum_baseline,
                    int            *natural_baseline)
{
  KefuChart *self = KEFU_CHART (widget);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 280;
      *natural = 420;
    }
  else
    {
      guint panels = self->kind == KEFU_CHART_SMALL_MULTIPLES && self->table ? self->table->rows->len : 1;
      guint lines = (panels + PANEL_COLS - 1) / PANEL_COLS;

      *minimum = *natural = 220 * MAX (lines, 1) - (lines > 1 ? 60 * lines : 0);
    }
}

static void
kefu_chart_finalize (GObject *object)
{
  KefuChart *self = (KefuChart *) object;

  g_clear_pointer (&self->table, kefu_stats_table_unref);
  g_array_unref (self->hits);
  G_OBJECT_CLASS (kefu_chart_parent_class)->finalize (object);
}

static void
kefu_chart_class_init (KefuChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = kefu_chart_finalize;
  widget_class->snapshot = kefu_chart_snapshot;
  widget_class->measure = kefu_chart_measure;

  /**
   * KefuChart::activated:
   * @row: the row (series) of the table
   * @column: the column
   *
   * A bar or point was clicked.
   */
  signals[ACTIVATED] = g_signal_new ("activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                     0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_UINT);
  gtk_widget_class_set_css_name (widget_class, "kefu-chart");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
kefu_chart_init (KefuChart *self)
{
  GtkGesture *click = gtk_gesture_click_new ();
  GtkEventController *motion = gtk_event_controller_motion_new ();

  self->hits = g_array_new (FALSE, FALSE, sizeof (KefuChartHit));
  g_signal_connect (click, "pressed", G_CALLBACK (pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
  g_signal_connect (motion, "motion", G_CALLBACK (motion_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);
}

/* --- public API ------------------------------------------------------ */

GtkWidget *
kefu_chart_new (KefuChartKind kind)
{
  KefuChart *self = g_object_new (KEFU_TYPE_CHART, NULL);

  self->kind = kind;
  return GTK_WIDGET (self);
}

void
kefu_chart_set_table (KefuChart      *self,
                      KefuStatsTable *table)
{
  g_return_if_fail (KEFU_IS_CHART (self));

  if (table)
    kefu_stats_table_ref (table);
  g_clear_pointer (&self->table, kefu_stats_table_unref);
  self->table = table;
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  table ? table->title : "", -1);
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

KefuStatsTable *
kefu_chart_get_table (KefuChart *self)
{
  g_return_val_if_fail (KEFU_IS_CHART (self), NULL);
  return self->table;
}

KefuChartKind
kefu_chart_get_kind (KefuChart *self)
{
  return self->kind;
}

gboolean
kefu_chart_hit (KefuChart *self,
                double     x,
                double     y,
                guint     *row,
                guint     *column)
{
  g_return_val_if_fail (KEFU_IS_CHART (self), FALSE);

  for (guint i = self->hits->len; i > 0; i--)
    {
      KefuChartHit *h = &g_array_index (self->hits, KefuChartHit, i - 1);
      KefuStatsRow *r;

      if (x < h->x || x > h->x + h->w || y < h->y || y > h->y + h->h)
        continue;
      r = self->table->rows->pdata[h->row];
      if (r->cases[h->column] == NULL || r->cases[h->column]->len == 0)
        return FALSE;
      *row = h->row;
      *column = h->column;
      return TRUE;
    }
  return FALSE;
}

gboolean
kefu_chart_get_point (KefuChart *self,
                      guint      row,
                      guint      column,
                      double    *x,
                      double    *y)
{
  g_return_val_if_fail (KEFU_IS_CHART (self), FALSE);

  for (guint i = 0; i < self->hits->len; i++)
    {
      KefuChartHit *h = &g_array_index (self->hits, KefuChartHit, i);

      if (h->row == row && h->column == column)
        {
          *x = h->x + h->w / 2;
          *y = h->y + h->h / 2;
          return TRUE;
        }
    }
  return FALSE;
}
