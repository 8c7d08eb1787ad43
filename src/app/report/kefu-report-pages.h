/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <cairo.h>

#include "kefu-report.h"

G_BEGIN_DECLS

/* The pages of the monthly report drawn with cairo and Pango (Noto Sans
 * CJK): a header and "page N of M" on every page. The same code draws
 * for GtkPrintOperation (draw-page) and into a cairo PDF surface, so the
 * headless `kefu --report` needs no display. Sizes are in points. */

#define KEFU_REPORT_PAGE_WIDTH  595.0    /* A4 */
#define KEFU_REPORT_PAGE_HEIGHT 842.0

/* How many pages the report takes on @width × @height; @cr is used to
 * measure text only. */
int      kefu_report_pages_count (KefuReport  *report,
                                  cairo_t     *cr,
                                  double       width,
                                  double       height);
/* Draws page @page (from 0) of @n_pages. */
void     kefu_report_pages_draw  (KefuReport  *report,
                                  cairo_t     *cr,
                                  int          page,
                                  int          n_pages,
                                  double       width,
                                  double       height);
/* Writes an A4 PDF. */
gboolean kefu_report_write_pdf   (KefuReport  *report,
                                  const char  *path,
                                  GError     **error);

/* The headless form: `kefu --report month=2026-11 --scope CODE --pdf FILE
 * --xlsx FILE` on the database at @db_path (NULL = the default). Prints
 * what it wrote or a sentence saying what is wrong; returns the exit
 * status. */
int      kefu_report_run_headless (const char *db_path,
                                   const char *spec,
                                   const char *scope_code,
                                   const char *pdf_path,
                                   const char *xlsx_path);

G_END_DECLS
