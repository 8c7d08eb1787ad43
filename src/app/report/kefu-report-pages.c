/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "kefu-report-pages"

#include "config.h"

#include <cairo-pdf.h>
#include <glib/gi18n.h>
#include <math.h>
#include <string.h>
#include <pango/pangocairo.h>

#include "kefu-cases.h"
#include "kefu-chart.h"
#include "kefu-report-pages.h"
#include "kefu-sla.h"

#define MARGIN     48.0
#define FONT       "Noto Sans CJK SC, Noto Sans, sans"
#define BODY_PT    8.5
#define ROW_H      13.0
#define CHART_H    170.0

/* Everything is laid out in one pass that either measures (target -1)
 * or draws one page: a block that does not fit on the page starts the
 * next one. */
typedef struct
{
  KefuReport   *report;
  cairo_t      *cr;
  PangoContext *pango;
  int           target;
  int           page;
  int           n_pages;
  double        y;
  double        width;     /* of the text area */
  double        height;    /* of the page */
} Flow;

/* --- text ------------------------------------------------------------ */

static PangoLayout *
layout_new (Flow       *f,
            const char *text,
            double      size,
            gboolean    bold,
            double      width)
{
  PangoLayout *layout = pango_layout_new (f->pango);
  PangoFontDescription *desc = pango_font_description_from_string (FONT);

  pango_font_description_set_absolute_size (desc, size * PANGO_SCALE);
  if (bold)
    pango_font_description_set_weight (desc, PANGO_WEIGHT_BOLD);
  pango_layout_set_font_description (layout, desc);
  pango_font_description_free (desc);
  pango_layout_set_text (layout, text ? text : "", -1);
  if (width > 0)
    pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
  return layout;
}

static gboolean
drawing (Flow *f)
{
  return f->target == f->page;
}

static void
text_at (Flow       *f,
         const char *text,
         double      x,
         double      y,
         double      width,
         double      size,
         gboolean    bold,
         double      align)
{
  g_autoptr(PangoLayout) layout = NULL;
  int w, h;

  if (!drawing (f))
    return;
  layout = layout_new (f, text, size, bold, width);
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  pango_layout_set_width (layout, -1);
  pango_layout_get_pixel_size (layout, &w, &h);
  if (w > width)
    pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
  pango_layout_get_pixel_size (layout, &w, &h);
  cairo_move_to (f->cr, MARGIN + x + (align > 0 ? (width - w) * align : 0), y);
  pango_cairo_show_layout (f->cr, layout);
}

static void
new_page (Flow *f)
{
  f->page++;
  f->y = MARGIN + 24;
}

/* Makes room for @h points, starting a page when needed. */
static void
need (Flow   *f,
      double  h)
{
  if (f->y + h > f->height - MARGIN)
    new_page (f);
}

/* A section title, kept on the page of the first @next points of what
 * follows it. */
static void
heading (Flow       *f,
         const char *text,
         double      next)
{
  need (f, 28 + next);
  f->y += 8;
  if (drawing (f))
    {
      cairo_set_source_rgb (f->cr, 0.1, 0.3, 0.6);
      text_at (f, text, 0, f->y, f->width, 12, TRUE, 0);
      cairo_set_source_rgb (f->cr, 0, 0, 0);
    }
  f->y += 20;
}

static void
paragraph (Flow       *f,
           const char *text)
{
  g_autoptr(PangoLayout) layout = layout_new (f, text, BODY_PT + 0.5, FALSE, f->width);
  PangoLayoutIter *iter;

  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  iter = pango_layout_get_iter (layout);
  do
    {
      PangoLayoutLine *line = pango_layout_iter_get_line_readonly (iter);
      PangoRectangle logical;

      pango_layout_iter_get_line_extents (iter, NULL, &logical);
      need (f, logical.height / PANGO_SCALE + 2);
      if (drawing (f))
        {
          cairo_move_to (f->cr, MARGIN, f->y + PANGO_PIXELS (pango_layout_iter_get_baseline (iter) - logical.y));
          pango_cairo_show_layout_line (f->cr, line);
        }
      f->y += logical.height / (double) PANGO_SCALE + 2;
    }
  while (pango_layout_iter_next_line (iter));
  pango_layout_iter_free (iter);
}

/* --- tables ---------------------------------------------------------- */

typedef struct
{
  const char *title;
  double      share;   /* of the width */
  double      align;   /* 0 left, 1 right */
} Column;

static void
table_row (Flow          *f,
           const Column  *cols,
           guint          n,
           const char   **cells,
           gboolean       header,
           gboolean       shaded)
{
  double x = 0;
  double row_h = ROW_H;

  /* A header whose titles do not fit takes two lines. */
  if (header)
    for (guint c = 0; c < n; c++)
      {
        g_autoptr(PangoLayout) layout = layout_new (f, cells[c], BODY_PT, TRUE, -1);
        int w, h;

        pango_layout_get_pixel_size (layout, &w, &h);
        if (w > f->width * cols[c].share - 6)
          row_h = 2 * ROW_H;
      }
  if (row_h > ROW_H)
    {
      need (f, row_h);
      if (drawing (f))
        {
          cairo_set_source_rgb (f->cr, 0.85, 0.89, 0.95);
          cairo_rectangle (f->cr, MARGIN, f->y - 1, f->width, row_h);
          cairo_fill (f->cr);
          cairo_set_source_rgb (f->cr, 0, 0, 0);
          for (guint c = 0; c < n; c++)
            {
              double w = f->width * cols[c].share;
              g_autoptr(PangoLayout) layout = layout_new (f, cells[c], BODY_PT, TRUE, w - 6);

              pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
              pango_layout_set_height (layout, -2);
              pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
              pango_layout_set_alignment (layout, cols[c].align > 0 ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT);
              cairo_move_to (f->cr, MARGIN + x + 3, f->y);
              pango_cairo_show_layout (f->cr, layout);
              x += w;
            }
        }
      f->y += row_h;
      return;
    }

  need (f, ROW_H);
  if (drawing (f) && (shaded || header))
    {
      if (header)
        cairo_set_source_rgb (f->cr, 0.85, 0.89, 0.95);
      else
        cairo_set_source_rgb (f->cr, 0.95, 0.95, 0.95);
      cairo_rectangle (f->cr, MARGIN, f->y - 1, f->width, ROW_H);
      cairo_fill (f->cr);
      cairo_set_source_rgb (f->cr, 0, 0, 0);
    }
  for (guint c = 0; c < n; c++)
    {
      double w = f->width * cols[c].share;

      text_at (f, cells[c], x + 3, f->y, w - 6, BODY_PT, header, cols[c].align);
      x += w;
    }
  f->y += ROW_H;
}

static void
stats_table (Flow           *f,
             KefuStatsTable *t)
{
  guint n = t->columns->len + 1;
  g_autofree Column *cols = g_new0 (Column, n);
  g_autofree const char **cells = g_new0 (const char *, n);

  if (t->rows->len == 0)
    {
      paragraph (f, _("No cases in this month."));
      return;
    }
  cols[0].share = 0.28;
  for (guint c = 1; c < n; c++)
    {
      cols[c].share = 0.72 / (n - 1);
      cols[c].align = 1;
      cells[c] = t->columns->pdata[c - 1];
    }
  cells[0] = "";
  table_row (f, cols, n, cells, TRUE, FALSE);
  for (guint r = 0; r < t->rows->len; r++)
    {
      KefuStatsRow *row = t->rows->pdata[r];
      g_autoptr(GPtrArray) values = g_ptr_array_new_with_free_func (g_free);

      cells[0] = row->label;
      for (guint c = 1; c < n; c++)
        {
          KefuStatsFormat format = t->format;

          /* The unit tables mix formats: percentages, then a score. */
          if (strchr (t->columns->pdata[c - 1], '%') != NULL)
            format = KEFU_STATS_PERCENT;
          else if (g_strcmp0 (t->columns->pdata[c - 1], _("Satisfaction")) == 0)
            format = KEFU_STATS_SCORE;
          g_ptr_array_add (values, kefu_stats_format_value (format, row->values[c - 1]));
          cells[c] = values->pdata[c - 1];
        }
      table_row (f, cols, n, cells, FALSE, r % 2 == 1);
    }
}

static void
items_table (Flow       *f,
             const char *title,
             GPtrArray  *items)
{
  static const Column cols[] = { { NULL, 0.85, 0 }, { NULL, 0.15, 1 } };
  const char *cells[2] = { title, _("Cases") };

  if (items->len == 0)
    return;
  table_row (f, cols, 2, cells, TRUE, FALSE);
  for (guint i = 0; i < items->len; i++)
    {
      KefuReportItem *item = items->pdata[i];
      g_autofree char *n = g_strdup_printf ("%'.0f", item->count);

      cells[0] = item->label;
      cells[1] = n;
      table_row (f, cols, 2, cells, FALSE, i % 2 == 1);
    }
  f->y += 6;
}

static void
chart (Flow           *f,
       KefuChartKind   kind,
       KefuStatsTable *table,
       double          h)
{
  GdkRGBA black = { 0.1, 0.1, 0.1, 1 };

  need (f, h + 18);
  text_at (f, table->title, 0, f->y, f->width, BODY_PT + 1, TRUE, 0);
  f->y += 16;
  if (drawing (f))
    {
      cairo_save (f->cr);
      cairo_translate (f->cr, MARGIN, f->y);
      kefu_chart_draw (f->cr, f->pango, kind, table, f->width, h, &black, NULL);
      cairo_restore (f->cr);
    }
  f->y += h + 8;
}

static char *
change_text (KefuStatsFigure *now,
             KefuStatsFigure *before)
{
  double d;

  if (isnan (now->value) || isnan (before->value))
    return g_strdup ("—");
  d = now->value - before->value;
  if (now->format == KEFU_STATS_NPS)
    return g_strdup_printf ("%+.0f", d);
  if (now->format == KEFU_STATS_PERCENT)
    /* Translators: a change of a percentage, in percentage points */
    return g_strdup_printf (_("%+.1f pts"), d);
  if (fabs (d) < 1e-9)
    return g_strdup ("±0");
  {
    g_autofree char *v = kefu_stats_format_value (now->format, fabs (d));

    return g_strdup_printf ("%s%s", d > 0 ? "+" : "−", v);
  }
}

/* --- the report ------------------------------------------------------ */

static void
page_header (Flow *f)
{
  g_autofree char *left = NULL;
  g_autofree char *right = NULL;

  if (!drawing (f))
    return;
  left = g_strdup_printf (_("Monthly report %s · %s"), f->report->month, f->report->unit_name);
  right = g_strdup_printf (_("Page %d of %d"), f->page + 1, f->n_pages);
  cairo_set_source_rgb (f->cr, 0.35, 0.35, 0.35);
  text_at (f, left, 0, MARGIN - 8, f->width * 0.7, BODY_PT, FALSE, 0);
  text_at (f, right, f->width * 0.7, MARGIN - 8, f->width * 0.3, BODY_PT, FALSE, 1);
  cairo_set_line_width (f->cr, 0.5);
  cairo_move_to (f->cr, MARGIN, MARGIN + 6);
  cairo_line_to (f->cr, MARGIN + f->width, MARGIN + 6);
  cairo_stroke (f->cr);
  text_at (f, right, 0, f->height - MARGIN + 14, f->width, BODY_PT - 1, FALSE, 0.5);
  cairo_set_source_rgb (f->cr, 0, 0, 0);
}

static void
run (Flow *f)
{
  KefuReport *r = f->report;
  static const Column fig_cols[] = { { NULL, 0.43, 0 }, { NULL, 0.19, 1 }, { NULL, 0.19, 1 }, { NULL, 0.19, 1 } };
  static const Column claim_cols[] = { { NULL, 0.25, 0 }, { NULL, 0.43, 0 }, { NULL, 0.15, 0 }, { NULL, 0.17, 1 } };
  static const Column breach_cols[] = { { NULL, 0.22, 0 }, { NULL, 0.32, 0 }, { NULL, 0.12, 0 }, { NULL, 0.14, 0 }, { NULL, 0.20, 1 } };
  g_autofree char *title = NULL;
  g_autofree char *sub = NULL;
  g_autofree char *generated = NULL;
  g_autoptr(GDateTime) at = g_date_time_new_from_unix_local (r->generated_at / 1000);
  const char *cells[5];
  int last_page = -1;

  f->page = 0;
  f->y = MARGIN + 24;

  title = g_strdup_printf (_("Monthly Report %s"), r->month);
  text_at (f, title, 0, f->y, f->width, 20, TRUE, 0);
  f->y += 30;
  generated = g_date_time_format (at, "%Y-%m-%d %H:%M");
  sub = g_strdup_printf (_("%s %s · compared with %s · made %s"), r->unit_name, r->unit_code, r->prev_month, generated);
  text_at (f, sub, 0, f->y, f->width, BODY_PT + 1, FALSE, 0);
  f->y += 18;

  heading (f, _("Figures"), ROW_H * 3);
  cells[0] = _("Figure");
  cells[1] = r->month;
  cells[2] = r->prev_month;
  cells[3] = _("Change");
  table_row (f, fig_cols, 4, cells, TRUE, FALSE);
  for (guint i = 0; i < r->stats->figures->len; i++)
    {
      KefuStatsFigure *now = r->stats->figures->pdata[i];
      KefuStatsFigure *before = kefu_stats_get_figure (r->prev, now->key);
      g_autofree char *a = kefu_stats_format_value (now->format, now->value);
      g_autofree char *b = kefu_stats_format_value (before->format, before->value);
      g_autofree char *c = change_text (now, before);

      cells[0] = now->label;
      cells[1] = a;
      cells[2] = b;
      cells[3] = c;
      table_row (f, fig_cols, 4, cells, FALSE, i % 2 == 1);
    }
  if (r->branches->rows->len > 0)
    {
      heading (f, _("By branch"), ROW_H * 3);
      stats_table (f, r->branches);
    }
  heading (f, _("By department"), ROW_H * 3);
  stats_table (f, r->departments);

  heading (f, _("Charts"), CHART_H + 18);
  chart (f, KEFU_CHART_STACKED_BAR, r->stats->sla_by_kind, CHART_H);
  chart (f, KEFU_CHART_LINE, r->stats->satisfaction_trend, CHART_H * 0.8);
  chart (f, KEFU_CHART_LINE, r->stats->nps_trend, CHART_H * 0.8);
  chart (f, KEFU_CHART_BAR, r->stats->channel_mix, CHART_H * 0.8);

  heading (f, _("Most frequent questions and complaints"), ROW_H * 3);
  if (r->stats->complaints->columns->len > 0)
    chart (f, KEFU_CHART_BAR, r->stats->complaints, CHART_H);
  if (r->stats->complaints_trend->rows->len > 0)
    chart (f, KEFU_CHART_SMALL_MULTIPLES, r->stats->complaints_trend,
           CHART_H * 0.7 * ((r->stats->complaints_trend->rows->len + 2) / 3));
  items_table (f, _("Frequent questions"), r->questions);
  items_table (f, _("Frequent complaints"), r->complaint_subjects);
  if (r->words->len > 0)
    {
      GString *words = g_string_new (NULL);

      for (guint i = 0; i < r->words->len; i++)
        {
          KefuReportItem *item = r->words->pdata[i];

          g_string_append_printf (words, "%s%s (%.0f)", i ? _(", ") : "", item->label, item->count);
        }
      need (f, ROW_H * 2);
      text_at (f, _("Frequent words"), 0, f->y, f->width, BODY_PT, TRUE, 0);
      f->y += ROW_H;
      paragraph (f, words->str);
      g_string_free (words, TRUE);
    }

  heading (f, _("Claims paid"), ROW_H * 3);
  if (r->claims_paid->len == 0)
    paragraph (f, _("No claim was paid this month."));
  else
    {
      gint64 total = 0;
      g_autofree char *sum = NULL;
      g_autofree char *line = NULL;

      cells[0] = _("Case");
      cells[1] = _("Subject");
      cells[2] = _("Paid on");
      cells[3] = _("Amount");
      table_row (f, claim_cols, 4, cells, TRUE, FALSE);
      for (guint i = 0; i < r->claims_paid->len; i++)
        {
          KefuReportClaim *c = r->claims_paid->pdata[i];
          g_autofree char *amount = kefu_stats_format_value (KEFU_STATS_MONEY, c->amount_cents);

          total += c->amount_cents;
          cells[0] = c->number;
          cells[1] = c->subject;
          cells[2] = c->payment_date;
          cells[3] = amount;
          table_row (f, claim_cols, 4, cells, FALSE, i % 2 == 1);
        }
      sum = kefu_stats_format_value (KEFU_STATS_MONEY, total);
      line = g_strdup_printf (ngettext ("%u claim paid, %s in all.", "%u claims paid, %s in all.", r->claims_paid->len),
                              r->claims_paid->len, sum);
      f->y += 4;
      paragraph (f, line);
    }

  heading (f, _("Worst breaches of the time limits"), ROW_H * 3);
  if (r->breaches->len == 0)
    paragraph (f, _("Every case was resolved within its time limit."));
  else
    {
      cells[0] = _("Case");
      cells[1] = _("Subject");
      cells[2] = _("Kind");
      cells[3] = _("Assigned to");
      cells[4] = _("Late by");
      table_row (f, breach_cols, 5, cells, TRUE, FALSE);
      for (guint i = 0; i < r->breaches->len; i++)
        {
          KefuReportBreach *b = r->breaches->pdata[i];
          g_autofree char *late = kefu_stats_format_value (KEFU_STATS_MINUTES, b->late_minutes);

          cells[0] = b->number;
          cells[1] = b->subject;
          cells[2] = kefu_case_kind_label (b->kind);
          cells[3] = b->assignee ? b->assignee : _("Unassigned");
          cells[4] = late;
          table_row (f, breach_cols, 5, cells, FALSE, i % 2 == 1);
        }
    }

  heading (f, _("Suggested improvements"), ROW_H * 3);
  paragraph (f, r->improvements && *r->improvements ? r->improvements
                                                   : _("The supervisor has not written suggestions for this month."));

  /* Headers go on every page the pass went through. */
  for (int p = 0; p <= f->page; p++)
    if (p != last_page && p == f->target)
      {
        int saved = f->page;

        f->page = p;
        page_header (f);
        f->page = saved;
        last_page = p;
      }
}

static void
flow_init (Flow       *f,
           KefuReport *report,
           cairo_t    *cr,
           double      width,
           double      height)
{
  f->report = report;
  f->cr = cr;
  f->pango = pango_cairo_create_context (cr);
  /* Sizes are points: one unit a point. */
  pango_cairo_context_set_resolution (f->pango, 72);
  {
    PangoFontDescription *desc = pango_font_description_from_string (FONT);

    pango_font_description_set_absolute_size (desc, 7.5 * PANGO_SCALE);
    pango_context_set_font_description (f->pango, desc);
    pango_font_description_free (desc);
  }
  f->width = width - 2 * MARGIN;
  f->height = height;
}

int
kefu_report_pages_count (KefuReport *report,
                         cairo_t    *cr,
                         double      width,
                         double      height)
{
  Flow f = { 0 };

  flow_init (&f, report, cr, width, height);
  f.target = -1;
  run (&f);
  g_object_unref (f.pango);
  return f.page + 1;
}

void
kefu_report_pages_draw (KefuReport *report,
                        cairo_t    *cr,
                        int         page,
                        int         n_pages,
                        double      width,
                        double      height)
{
  Flow f = { 0 };

  flow_init (&f, report, cr, width, height);
  f.target = page;
  f.n_pages = n_pages;
  cairo_set_source_rgb (cr, 0, 0, 0);
  run (&f);
  g_object_unref (f.pango);
}

gboolean
kefu_report_write_pdf (KefuReport  *report,
                       const char  *path,
                       GError     **error)
{
  cairo_surface_t *surface = cairo_pdf_surface_create (path, KEFU_REPORT_PAGE_WIDTH, KEFU_REPORT_PAGE_HEIGHT);
  cairo_t *cr = cairo_create (surface);
  cairo_status_t status;
  g_autofree char *title = g_strdup_printf (_("Monthly Report %s"), report->month);
  int n;

  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, title);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, "Kefu " PACKAGE_VERSION);
  n = kefu_report_pages_count (report, cr, KEFU_REPORT_PAGE_WIDTH, KEFU_REPORT_PAGE_HEIGHT);
  for (int p = 0; p < n; p++)
    {
      kefu_report_pages_draw (report, cr, p, n, KEFU_REPORT_PAGE_WIDTH, KEFU_REPORT_PAGE_HEIGHT);
      cairo_show_page (cr);
    }
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Could not write the PDF file %s: %s"), path,
                   cairo_status_to_string (status));
      return FALSE;
    }
  return TRUE;
}

/* --- headless -------------------------------------------------------- */

int
kefu_report_run_headless (const char *db_path,
                          const char *spec,
                          const char *scope_code,
                          const char *pdf_path,
                          const char *xlsx_path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KefuDb) db = NULL;
  g_autoptr(KefuReport) report = NULL;
  g_autofree char *default_path = NULL;
  g_autofree char *unit_id = NULL;
  KefuCalendar *cal;
  const char *month = spec;

  if (spec && g_str_has_prefix (spec, "month="))
    month = spec + strlen ("month=");
  if (pdf_path == NULL && xlsx_path == NULL)
    {
      g_printerr ("%s\n", _("kefu: --report needs --pdf FILE or --xlsx FILE."));
      return 2;
    }
  if (db_path == NULL)
    db_path = default_path = kefu_db_default_path ();
  if ((db = kefu_db_open (db_path, &error)) == NULL ||
      (cal = kefu_calendar_get_for_db (db, &error)) == NULL ||
      (scope_code && (unit_id = kefu_stats_find_unit (db, scope_code, &error)) == NULL) ||
      (report = kefu_report_build (db, cal, unit_id, month, 0, NULL, NULL, &error)) == NULL ||
      (pdf_path && !kefu_report_write_pdf (report, pdf_path, &error)) ||
      (xlsx_path && !kefu_report_write_xlsx (report, xlsx_path, &error)))
    {
      g_printerr ("kefu: %s\n", error->message);
      return 1;
    }
  if (pdf_path)
    g_print (_("Wrote %s\n"), pdf_path);
  if (xlsx_path)
    g_print (_("Wrote %s\n"), xlsx_path);
  return 0;
}
