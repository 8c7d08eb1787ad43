/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "kefu-db.h"

G_BEGIN_DECLS

#define KEFU_TYPE_REPORT_DIALOG (kefu_report_dialog_get_type ())
G_DECLARE_FINAL_TYPE (KefuReportDialog, kefu_report_dialog, KEFU, REPORT_DIALOG, AdwWindow)

/* The monthly report (按月汇总) of an org unit: the month, the
 * supervisor's suggested improvements, and PDF, spreadsheet and print,
 * built off the main thread with progress. ::finished (path, error
 * message or NULL) follows every save. */
KefuReportDialog *kefu_report_dialog_present  (GtkWidget        *parent,
                                               KefuDb           *db,
                                               const char       *unit_id);
void              kefu_report_dialog_set_month (KefuReportDialog *self,
                                                const char       *month);
void              kefu_report_dialog_set_note  (KefuReportDialog *self,
                                                const char       *text);
/* Writes the PDF (@xlsx FALSE) or the workbook to @path off the main
 * thread, as the Save buttons do after their file chooser. */
void              kefu_report_dialog_save_to   (KefuReportDialog *self,
                                                const char       *path,
                                                gboolean          xlsx);

G_END_DECLS
