/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "kefu-report-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "kefu-cases.h"
#include "kefu-org.h"
#include "kefu-report-dialog.h"
#include "kefu-report-pages.h"
#include "kefu-sla.h"
#include "kefu-window.h"

struct _KefuReportDialog
{
  AdwWindow        parent_instance;

  /* template children */
  AdwEntryRow     *month_row;
  GtkTextView     *note_view;
  GtkProgressBar  *progress_bar;
  AdwActionRow    *scope_row;
  AdwToastOverlay *toast_overlay;
  AdwWindowTitle  *window_title;

  KefuDb          *db;
  char            *unit_id;
  gboolean         busy;
};

G_DEFINE_FINAL_TYPE (KefuReportDialog, kefu_report_dialog, ADW_TYPE_WINDOW)

enum { FINISHED, N_SIGNALS };
static guint signals[N_SIGNALS];

typedef enum { OUT_PDF, OUT_XLSX, OUT_PRINT } Output;

typedef struct
{
  GWeakRef    dialog;
  char       *db_path;
  char       *unit_id;
  char       *month;
  char       *path;
  gint64      now;
  Output      output;
  KefuReport *report;    /* built, for printing */
} Job;

typedef struct
{
  GWeakRef dialog;
  double   fraction;
} Progress;

/* --- helpers --------------------------------------------------------- */

static void
job_free (Job *job)
{
  g_weak_ref_clear (&job->dialog);
  g_free (job->db_path);
  g_free (job->unit_id);
  g_free (job->month);
  g_free (job->path);
  g_clear_pointer (&job->report, kefu_report_free);
  g_free (job);
}

static void
toast (KefuReportDialog *self,
       const char       *text)
{
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (text));
}

static const char *
month_text (KefuReportDialog *self)
{
  return gtk_editable_get_text (GTK_EDITABLE (self->month_row));
}

static char *
note_text (KefuReportDialog *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->note_view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static void
load_note (KefuReportDialog *self)
{
  g_autofree char *text = NULL;
  gint64 from, to;

  if (!kefu_period_parse_month (month_text (self), &from, &to, NULL))
    return;
  text = kefu_report_get_note (self->db, self->unit_id, month_text (self), NULL);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->note_view), text ? text : "", -1);
}

static void
set_busy (KefuReportDialog *self,
          gboolean          busy)
{
  self->busy = busy;
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), busy);
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  gtk_progress_bar_set_text (self->progress_bar, busy ? _("Making the report…") : NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "report.save-pdf", !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "report.save-xlsx", !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "report.print", !busy);
}

static gboolean
progress_idle (gpointer data)
{
  Progress *p = data;
  g_autoptr(KefuReportDialog) self = g_weak_ref_get (&p->dialog);

  if (self && self->busy)
    gtk_progress_bar_set_fraction (self->progress_bar, p->fraction);
  g_weak_ref_clear (&p->dialog);
  g_free (p);
  return G_SOURCE_REMOVE;
}

static void
progress_cb (double   fraction,
             gpointer user_data)
{
  Job *job = user_data;
  Progress *p = g_new0 (Progress, 1);
  g_autoptr(GObject) dialog = g_weak_ref_get (&job->dialog);

  g_weak_ref_init (&p->dialog, dialog);
  p->fraction = job->output == OUT_PRINT ? fraction : fraction * 0.8;
  g_idle_add (progress_idle, p);
}

static void
report_thread (GTask        *task,
               gpointer      source,
               gpointer      task_data,
               GCancellable *cancellable)
{
  Job *job = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(KefuDb) db = kefu_db_open (job->db_path, &error);
  g_autoptr(KefuCalendar) cal = NULL;

  if (db == NULL || (cal = kefu_calendar_load_default (db, &error)) == NULL ||
      (job->report = kefu_report_build (db, cal, job->unit_id, job->month, job->now, progress_cb, job, &error)) == NULL ||
      (job->output == OUT_PDF && !kefu_report_write_pdf (job->report, job->path, &error)) ||
      (job->output == OUT_XLSX && !kefu_report_write_xlsx (job->report, job->path, &error)))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
begin_print_cb (GtkPrintOperation *op,
                GtkPrintContext   *context,
                KefuReport        *report)
{
  int n = kefu_report_pages_count (report, gtk_print_context_get_cairo_context (context),
                                   gtk_print_context_get_width (context), gtk_print_context_get_height (context));

  gtk_print_operation_set_n_pages (op, n);
  g_object_set_data (G_OBJECT (op), "n-pages", GINT_TO_POINTER (n));
}

static void
draw_page_cb (GtkPrintOperation *op,
              GtkPrintContext   *context,
              int                page,
              KefuReport        *report)
{
  kefu_report_pages_draw (report, gtk_print_context_get_cairo_context (context), page,
                          GPOINTER_TO_INT (g_object_get_data (G_OBJECT (op), "n-pages")),
                          gtk_print_context_get_width (context), gtk_print_context_get_height (context));
}

static void
print_report (KefuReportDialog *self,
              KefuReport       *report)
{
  g_autoptr(GtkPrintOperation) op = gtk_print_operation_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GtkPageSetup) setup = gtk_page_setup_new ();
  g_autoptr(GtkPaperSize) a4 = gtk_paper_size_new (GTK_PAPER_NAME_A4);
  g_autofree char *name = g_strdup_printf ("kefu-report-%s", report->month);
  GtkPrintOperationResult result;

  gtk_page_setup_set_paper_size (setup, a4);
  gtk_page_setup_set_top_margin (setup, 0, GTK_UNIT_POINTS);
  gtk_page_setup_set_bottom_margin (setup, 0, GTK_UNIT_POINTS);
  gtk_page_setup_set_left_margin (setup, 0, GTK_UNIT_POINTS);
  gtk_page_setup_set_right_margin (setup, 0, GTK_UNIT_POINTS);
  gtk_print_operation_set_default_page_setup (op, setup);
  gtk_print_operation_set_unit (op, GTK_UNIT_POINTS);
  gtk_print_operation_set_job_name (op, name);
  gtk_print_operation_set_embed_page_setup (op, TRUE);
  g_signal_connect (op, "begin-print", G_CALLBACK (begin_print_cb), report);
  g_signal_connect (op, "draw-page", G_CALLBACK (draw_page_cb), report);
  result = gtk_print_operation_run (op, GTK_PRINT_OPERATION_ACTION_PRINT_DIALOG, GTK_WINDOW (self), &error);
  if (result == GTK_PRINT_OPERATION_RESULT_ERROR)
    toast (self, error->message);
}

static void
report_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Job *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(KefuReportDialog) self = g_weak_ref_get (&job->dialog);
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (self)
        {
          set_busy (self, FALSE);
          toast (self, error->message);
          g_signal_emit (self, signals[FINISHED], 0, job->path, error->message);
        }
      return;
    }
  if (self == NULL)
    return;
  set_busy (self, FALSE);
  if (job->output == OUT_PRINT)
    {
      print_report (self, job->report);
      return;
    }
  {
    g_autofree char *base = g_path_get_basename (job->path);

    /* Translators: %s is a file name */
    message = g_strdup_printf (_("Saved the report as %s"), base);
  }
  toast (self, message);
  g_signal_emit (self, signals[FINISHED], 0, job->path, NULL);
}

static void
start (KefuReportDialog *self,
       Output            output,
       const char       *path)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  gint64 from, to;
  Job *job;

  if (!kefu_period_parse_month (month_text (self), &from, &to, &error))
    {
      toast (self, error->message);
      g_signal_emit (self, signals[FINISHED], 0, path, error->message);
      return;
    }
  /* The calendar is imported on first use here, so the worker only
   * reads it. */
  if (kefu_calendar_get_for_db (self->db, &error) == NULL)
    {
      toast (self, error->message);
      return;
    }
  job = g_new0 (Job, 1);
  g_weak_ref_init (&job->dialog, self);
  job->db_path = g_strdup (kefu_db_get_path (self->db));
  job->unit_id = g_strdup (self->unit_id);
  job->month = g_strdup (month_text (self));
  job->path = g_strdup (path);
  job->now = kefu_cases_get_now (self->db);
  job->output = output;
  set_busy (self, TRUE);
  task = g_task_new (NULL, NULL, report_done_cb, NULL);
  g_task_set_source_tag (task, start);
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  g_task_run_in_thread (task, report_thread);
}

static void
chooser_response_cb (GtkNativeDialog  *chooser,
                     int               response,
                     KefuReportDialog *self)
{
  gboolean xlsx = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (chooser), "xlsx"));
  g_autoptr(GFile) file = NULL;
  g_autofree char *path = NULL;
  const char *ext = xlsx ? ".xlsx" : ".pdf";
  g_autofree char *lower = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
  if (response != GTK_RESPONSE_ACCEPT)
    return;
  if (file == NULL || (path = g_file_get_path (file)) == NULL)
    {
      toast (self, _("Choose a file on this computer to save to."));
      return;
    }
  lower = g_ascii_strdown (path, -1);
  if (!g_str_has_suffix (lower, ext))
    {
      char *with_ext = g_strconcat (path, ext, NULL);

      g_free (path);
      path = with_ext;
    }
  kefu_report_dialog_save_to (self, path, xlsx);
}

static void
choose_file (KefuReportDialog *self,
             gboolean          xlsx)
{
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  g_autofree char *name = g_strdup_printf ("kefu-report-%s.%s", month_text (self), xlsx ? "xlsx" : "pdf");

  gtk_file_filter_set_name (filter, xlsx ? _("Excel Workbooks") : _("PDF Documents"));
  gtk_file_filter_add_pattern (filter, xlsx ? "*.xlsx" : "*.pdf");
  chooser = gtk_file_chooser_native_new (xlsx ? _("Save the Report as a Spreadsheet") : _("Save the Report as PDF"),
                                         GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  g_object_set_data (G_OBJECT (chooser), "xlsx", GINT_TO_POINTER (xlsx));
  g_signal_connect_object (chooser, "response", G_CALLBACK (chooser_response_cb), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* --- callbacks and actions ------------------------------------------- */

static void
on_month_changed_cb (KefuReportDialog *self)
{
  gint64 from, to;
  gboolean valid = kefu_period_parse_month (month_text (self), &from, &to, NULL);

  if (valid)
    gtk_widget_remove_css_class (GTK_WIDGET (self->month_row), "error");
  else
    gtk_widget_add_css_class (GTK_WIDGET (self->month_row), "error");
  adw_window_title_set_subtitle (self->window_title, valid ? month_text (self) : "");
  if (valid && self->db)
    load_note (self);
}

static void
save_note_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  KefuReportDialog *self = KEFU_REPORT_DIALOG (widget);
  g_autofree char *text = note_text (self);
  g_autoptr(GError) error = NULL;

  if (!kefu_report_save_note (self->db, self->unit_id, month_text (self), text, &error))
    toast (self, error->message);
  else
    toast (self, _("Suggestions saved"));
}

static void
save_pdf_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *param)
{
  choose_file (KEFU_REPORT_DIALOG (widget), FALSE);
}

static void
save_xlsx_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  choose_file (KEFU_REPORT_DIALOG (widget), TRUE);
}

static void
print_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *param)
{
  start (KEFU_REPORT_DIALOG (widget), OUT_PRINT, NULL);
}

/* --- GObject --------------------------------------------------------- */

static void
kefu_report_dialog_finalize (GObject *object)
{
  KefuReportDialog *self = (KefuReportDialog *) object;

  g_clear_object (&self->db);
  g_free (self->unit_id);
  G_OBJECT_CLASS (kefu_report_dialog_parent_class)->finalize (object);
}

static void
kefu_report_dialog_class_init (KefuReportDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = kefu_report_dialog_finalize;

  signals[FINISHED] = g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/kefu/Kefu/report/kefu-report-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, KefuReportDialog, month_row);
  gtk_widget_class_bind_template_child (widget_class, KefuReportDialog, note_view);
  gtk_widget_class_bind_template_child (widget_class, KefuReportDialog, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, KefuReportDialog, scope_row);
  gtk_widget_class_bind_template_child (widget_class, KefuReportDialog, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, KefuReportDialog, window_title);
  gtk_widget_class_bind_template_callback (widget_class, on_month_changed_cb);
  gtk_widget_class_install_action (widget_class, "report.save-note", NULL, save_note_action);
  gtk_widget_class_install_action (widget_class, "report.save-pdf", NULL, save_pdf_action);
  gtk_widget_class_install_action (widget_class, "report.save-xlsx", NULL, save_xlsx_action);
  gtk_widget_class_install_action (widget_class, "report.print", NULL, print_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
kefu_report_dialog_init (KefuReportDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/* --- public API ------------------------------------------------------ */

KefuReportDialog *
kefu_report_dialog_present (GtkWidget  *parent,
                            KefuDb     *db,
                            const char *unit_id)
{
  KefuReportDialog *self = g_object_new (KEFU_TYPE_REPORT_DIALOG,
                                         "transient-for", gtk_widget_get_root (parent), NULL);
  gint64 from, to;
  g_autofree char *month = NULL;

  self->db = g_object_ref (db);
  self->unit_id = g_strdup (unit_id);
  if (unit_id)
    {
      g_autoptr(KefuOrgUnit) unit = kefu_org_get_unit (db, unit_id, NULL);
      g_autofree char *label = unit ? g_strdup_printf ("%s (%s)", unit->name, unit->code) : NULL;

      adw_action_row_set_subtitle (self->scope_row, label ? label : "");
    }
  else
    adw_action_row_set_subtitle (self->scope_row, _("All branches"));
  /* Last month: the one a monthly report is usually about. */
  kefu_period_range (KEFU_PERIOD_LAST_MONTH, kefu_cases_get_now (db), &from, &to);
  month = kefu_local_date_string (from);
  month[7] = '\0';
  kefu_report_dialog_set_month (self, month);
  gtk_window_present (GTK_WINDOW (self));
  return self;
}

void
kefu_report_dialog_set_month (KefuReportDialog *self,
                              const char       *month)
{
  g_return_if_fail (KEFU_IS_REPORT_DIALOG (self));
  gtk_editable_set_text (GTK_EDITABLE (self->month_row), month);
}

void
kefu_report_dialog_set_note (KefuReportDialog *self,
                             const char       *text)
{
  g_return_if_fail (KEFU_IS_REPORT_DIALOG (self));
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->note_view), text, -1);
}

void
kefu_report_dialog_save_to (KefuReportDialog *self,
                            const char       *path,
                            gboolean          xlsx)
{
  g_return_if_fail (KEFU_IS_REPORT_DIALOG (self));
  start (self, xlsx ? OUT_XLSX : OUT_PDF, path);
}
