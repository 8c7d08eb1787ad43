/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "kefu-import-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "kefu-dialogs.h"
#include "kefu-import.h"

/* CSV import in three steps: choose a file (read in a thread), map the
 * columns and check every row (in a thread: files can be large), then
 * import all rows in one transaction (in a thread, on its own
 * connection, as the signed-in user). Nothing is written before Import,
 * and Import is only offered after a check without problems. */

#define KEFU_TYPE_IMPORT_DIALOG (kefu_import_dialog_get_type ())
G_DECLARE_FINAL_TYPE (KefuImportDialog, kefu_import_dialog, KEFU, IMPORT_DIALOG, AdwWindow)

#define PREVIEW_ROWS    20
#define MAX_CELL_CHARS  24

struct _KefuImportDialog
{
  AdwWindow             parent_instance;

  /* template children */
  GtkWidget            *check_button;
  AdwPreferencesGroup  *columns_group;
  AdwStatusPage        *done_page;
  GtkLabel             *file_label;
  GtkSpinner           *loading_spinner;
  GtkWidget            *open_button;
  GtkLabel             *open_error_label;
  GtkWidget            *preview_box;
  GtkGrid              *preview_grid;
  GtkLabel             *report_label;
  GtkWidget            *report_scroller;
  GtkTextView          *report_view;
  GtkWidget            *run_button;
  GtkSpinner           *spinner;
  GtkStack             *stack;
  GtkLabel             *summary_label;
  AdwStatusPage        *importing_page;
  GtkProgressBar       *progress_bar;
  GtkLabel             *rate_label;
  GtkWidget            *cancel_button;

  KefuDb               *db;
  KefuImport           *import;
  char                 *basename;
  GtkStringList        *field_model;
  GPtrArray            *column_rows;   /* AdwComboRow, one per column */
  GtkFileChooserNative *chooser;
  GCancellable         *cancellable;
  gboolean              busy;          /* a thread has the KefuImport */
  gboolean              importing;
  gboolean              checked_ok;
  GCancellable         *run_cancellable;
  gpointer              run_data;      /* RunData of the running import */
  guint                 progress_id;   /* shows its progress */
};

G_DEFINE_FINAL_TYPE (KefuImportDialog, kefu_import_dialog, ADW_TYPE_WINDOW)

enum { CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void start_check (KefuImportDialog *self);

/* --- helpers --------------------------------------------------------- */

static void
update_actions (KefuImportDialog *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "import.open", !self->busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "import.check", !self->busy && self->import != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "import.run",
                                 !self->busy && self->import != NULL && self->checked_ok);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "import.cancel",
                                 self->importing && self->run_cancellable != NULL &&
                                 !g_cancellable_is_cancelled (self->run_cancellable));
}

static void
set_busy (KefuImportDialog *self,
          gboolean          busy)
{
  self->busy = busy;
  gtk_spinner_set_spinning (self->spinner, busy);
  /* The thread owns the KefuImport meanwhile: no mapping changes. */
  gtk_widget_set_sensitive (self->preview_box, !busy);
  update_actions (self);
}

static void
set_report (KefuImportDialog *self,
            const char       *message,
            const char       *style,
            const char       *details)
{
  gtk_label_set_label (self->report_label, message ? message : "");
  gtk_widget_remove_css_class (GTK_WIDGET (self->report_label), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (self->report_label), "success");
  gtk_widget_remove_css_class (GTK_WIDGET (self->report_label), "dim-label");
  if (style)
    gtk_widget_add_css_class (GTK_WIDGET (self->report_label), style);

  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->report_view), details ? details : "", -1);
  gtk_widget_set_visible (self->report_scroller, details != NULL && *details != '\0');
}

/* A changed mapping needs a new check before Import. */
static void
invalidate_check (KefuImportDialog *self)
{
  self->checked_ok = FALSE;
  set_report (self, _("Check the file to see whether every row can be imported."), "dim-label", NULL);
  update_actions (self);
}

static void
show_open_error (KefuImportDialog *self,
                 const char       *message)
{
  gtk_label_set_label (self->open_error_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->open_error_label), message != NULL);
}

static void
show_step (KefuImportDialog *self,
           const char       *name)
{
  gboolean preview = g_strcmp0 (name, "preview") == 0;

  gtk_stack_set_visible_child_name (self->stack, name);
  gtk_widget_set_visible (self->open_button, preview);
  gtk_widget_set_visible (self->check_button, preview);
  gtk_widget_set_visible (self->run_button, preview);
  if (g_strcmp0 (name, "loading") == 0)
    gtk_spinner_start (self->loading_spinner);
  else
    gtk_spinner_stop (self->loading_spinner);
}

static GtkWidget *
create_cell (const char *text,
             gboolean    heading)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (GTK_LABEL (label), MAX_CELL_CHARS);
  gtk_label_set_single_line_mode (GTK_LABEL (label), TRUE);
  if (text && g_utf8_strlen (text, -1) > MAX_CELL_CHARS)
    gtk_widget_set_tooltip_text (label, text);
  if (heading)
    gtk_widget_add_css_class (label, "heading");
  return label;
}

static void
fill_preview (KefuImportDialog *self)
{
  const char * const *headers = kefu_import_get_headers (self->import);
  guint n_columns = kefu_import_get_n_columns (self->import);
  guint n_rows = MIN (kefu_import_get_n_rows (self->import), PREVIEW_ROWS);
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->preview_grid))))
    gtk_grid_remove (self->preview_grid, child);

  for (guint col = 0; col < n_columns; col++)
    {
      gtk_grid_attach (self->preview_grid, create_cell (headers[col], TRUE), (int) col, 0, 1, 1);
      for (guint row = 0; row < n_rows; row++)
        gtk_grid_attach (self->preview_grid,
                         create_cell (kefu_import_get_cell (self->import, row, col), FALSE),
                         (int) col, (int) row + 1, 1, 1);
    }
}

static void
column_selected_cb (AdwComboRow      *row,
                    GParamSpec       *pspec,
                    KefuImportDialog *self)
{
  guint col = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (row), "column"));
  guint field = adw_combo_row_get_selected (row);

  if (self->import == NULL || self->busy || field >= KEFU_IMPORT_N_FIELDS)
    return;
  kefu_import_set_mapping (self->import, col, (KefuImportField) field);
  invalidate_check (self);
}

static void
fill_columns (KefuImportDialog *self)
{
  const char * const *headers = kefu_import_get_headers (self->import);
  guint n_columns = kefu_import_get_n_columns (self->import);
  guint n_rows = MIN (kefu_import_get_n_rows (self->import), PREVIEW_ROWS);

  for (guint i = 0; i < self->column_rows->len; i++)
    adw_preferences_group_remove (self->columns_group, g_ptr_array_index (self->column_rows, i));
  g_ptr_array_set_size (self->column_rows, 0);

  for (guint col = 0; col < n_columns; col++)
    {
      GtkWidget *row = adw_combo_row_new ();
      const char *example = NULL;

      for (guint r = 0; r < n_rows && example == NULL; r++)
        {
          const char *cell = kefu_import_get_cell (self->import, r, col);

          if (cell && *cell)
            example = cell;
        }

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), headers[col]);
      if (example)
        {
          /* Translators: under a column's name: a value from the file */
          g_autofree char *subtitle = g_strdup_printf (_("For example: %s"), example);

          adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
          adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 1);
        }
      adw_combo_row_set_model (ADW_COMBO_ROW (row), G_LIST_MODEL (self->field_model));
      adw_combo_row_set_selected (ADW_COMBO_ROW (row), kefu_import_get_mapping (self->import, col));
      g_object_set_data (G_OBJECT (row), "column", GUINT_TO_POINTER (col));
      g_signal_connect_object (row, "notify::selected", G_CALLBACK (column_selected_cb), self, 0);

      adw_preferences_group_add (self->columns_group, row);
      g_ptr_array_add (self->column_rows, row);
    }
}

static void
show_file (KefuImportDialog *self)
{
  g_autofree char *summary = NULL;
  guint n_rows = kefu_import_get_n_rows (self->import);

  gtk_label_set_label (self->file_label, self->basename);
  /* Translators: %1$s is a text encoding such as GB18030, %2$'u a number of rows */
  summary = g_strdup_printf (ngettext ("Encoding: %1$s · %2$'u customer row",
                                       "Encoding: %1$s · %2$'u customer rows", n_rows),
                             kefu_import_get_encoding (self->import), n_rows);
  gtk_label_set_label (self->summary_label, summary);

  fill_columns (self);
  fill_preview (self);
  invalidate_check (self);
  show_step (self, "preview");
  /* Most files are right as they are: say so at once. */
  start_check (self);
}

/* --- reading the file, in a thread ----------------------------------- */

static void
read_thread (GTask        *task,
             gpointer      source,
             gpointer      task_data,
             GCancellable *cancellable)
{
  const char *path = task_data;
  g_autoptr(GError) error = NULL;
  KefuImport *import;

  /* The constructor guesses the mapping from the headers already. */
  if ((import = kefu_import_new_from_file (path, &error)) == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, import, g_object_unref);
}

static void
read_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  KefuImportDialog *self = KEFU_IMPORT_DIALOG (source);
  g_autoptr(GError) error = NULL;
  KefuImport *import;

  import = g_task_propagate_pointer (G_TASK (result), &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;  /* the dialog is gone */

  self->busy = FALSE;
  update_actions (self);

  if (import == NULL)
    {
      show_open_error (self, error->message);
      show_step (self, "choose");
      return;
    }

  g_clear_object (&self->import);
  self->import = import;
  g_free (self->basename);
  self->basename = g_filename_display_basename (g_task_get_task_data (G_TASK (result)));
  show_file (self);
}

static void
read_file (KefuImportDialog *self,
           const char       *path)
{
  g_autoptr(GTask) task = NULL;

  show_open_error (self, NULL);
  self->busy = TRUE;
  self->checked_ok = FALSE;
  update_actions (self);
  show_step (self, "loading");

  task = g_task_new (self, self->cancellable, read_done_cb, NULL);
  g_task_set_source_tag (task, read_file);
  g_task_set_task_data (task, g_strdup (path), g_free);
  g_task_run_in_thread (task, read_thread);
}

static void
chooser_response_cb (KefuImportDialog *self,
                     int               response)
{
  g_autoptr(GFile) file = NULL;
  g_autofree char *path = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (self->chooser));
  gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);

  if (file == NULL)
    return;
  if ((path = g_file_get_path (file)) == NULL)
    {
      show_open_error (self, _("Choose a file on this computer."));
      show_step (self, "choose");
      return;
    }
  read_file (self, path);
}

/* --- checking, in a thread ------------------------------------------- */

static void
check_thread (GTask        *task,
              gpointer      source,
              gpointer      task_data,
              GCancellable *cancellable)
{
  KefuImport *import = task_data;
  GPtrArray *problems = NULL;

  kefu_import_validate (import, &problems);
  g_task_return_pointer (task, problems, (GDestroyNotify) g_ptr_array_unref);
}

static void
check_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  KefuImportDialog *self = KEFU_IMPORT_DIALOG (source);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autofree char *report = NULL;
  g_autofree char *message = NULL;
  guint n_bad;

  problems = g_task_propagate_pointer (G_TASK (result), &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  set_busy (self, FALSE);
  if (problems == NULL)
    return;

  if (problems->len == 0)
    {
      guint n_rows = kefu_import_get_n_rows (self->import);

      self->checked_ok = TRUE;
      message = g_strdup_printf (ngettext ("No problems in %'u row. Ready to import.",
                                           "No problems in %'u rows. Ready to import.", n_rows),
                                 n_rows);
      set_report (self, message, "success", NULL);
      update_actions (self);
      gtk_widget_grab_focus (self->run_button);
      return;
    }

  self->checked_ok = FALSE;
  n_bad = kefu_import_get_n_bad_rows (self->import);
  report = kefu_import_format_report (problems);
  if (n_bad > 0)
    message = g_strdup_printf (ngettext ("%'u row has problems. Correct the file and choose it again, or change what the columns hold. Nothing is imported until every row is right.",
                                         "%'u rows have problems. Correct the file and choose it again, or change what the columns hold. Nothing is imported until every row is right.",
                                         n_bad),
                               n_bad);
  else
    message = g_strdup (_("The file cannot be imported:"));
  set_report (self, message, "error", report);
  update_actions (self);
}

static void
start_check (KefuImportDialog *self)
{
  g_autoptr(GTask) task = NULL;

  if (self->busy || self->import == NULL)
    return;

  set_report (self, _("Checking every row…"), "dim-label", NULL);
  set_busy (self, TRUE);
  task = g_task_new (self, self->cancellable, check_done_cb, NULL);
  g_task_set_source_tag (task, start_check);
  g_task_set_task_data (task, g_object_ref (self->import), g_object_unref);
  g_task_run_in_thread (task, check_thread);
}

/* --- importing, in a thread ------------------------------------------ */

typedef struct
{
  KefuImport *import;
  char       *path;
  char       *actor;
  guint       n_imported;
  guint       done;      /* atomic: rows written so far */
  guint       total;
  gint64      started;   /* monotonic µs */
} RunData;

static void
run_progress_cb (guint    done,
                 guint    total,
                 gpointer user_data)
{
  RunData *data = user_data;

  g_atomic_int_set (&data->done, done);
}

/* "12,000 of 50,000 customers · 14,800 rows/s", every 200 ms. */
static void
show_progress (KefuImportDialog *self)
{
  RunData *data = self->run_data;
  guint done = g_atomic_int_get (&data->done);
  double seconds = (g_get_monotonic_time () - data->started) / 1e6;
  guint rate = seconds > 0 ? (guint) (done / seconds) : 0;
  g_autofree char *text = NULL;

  gtk_progress_bar_set_fraction (self->progress_bar, data->total ? (double) done / data->total : 0);
  if (g_cancellable_is_cancelled (self->run_cancellable))
    text = g_strdup (_("Cancelling… Nothing will be imported."));
  else
    /* Translators: rows written, rows in the file, rows written per second. */
    text = g_strdup_printf (ngettext ("%'u of %'u customer · %'u rows/s",
                                      "%'u of %'u customers · %'u rows/s", data->total),
                            done, data->total, rate);
  gtk_label_set_label (self->rate_label, text);
}

static gboolean
progress_timeout_cb (gpointer user_data)
{
  show_progress (KEFU_IMPORT_DIALOG (user_data));
  return G_SOURCE_CONTINUE;
}

static void
run_data_free (RunData *data)
{
  g_clear_object (&data->import);
  g_free (data->path);
  g_free (data->actor);
  g_free (data);
}

static void
run_thread (GTask        *task,
            gpointer      source,
            gpointer      task_data,
            GCancellable *cancellable)
{
  RunData *data = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(KefuDb) db = NULL;

  /* KefuDb is not thread-safe: this thread has its own connection, and
   * writes as the signed-in user. */
  if ((db = kefu_db_open (data->path, &error)) == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  kefu_db_set_actor (db, data->actor);
  if (!kefu_import_run_full (data->import, db, cancellable, run_progress_cb, data, &data->n_imported, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
run_done_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  KefuImportDialog *self = KEFU_IMPORT_DIALOG (source);
  RunData *data = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  self->importing = FALSE;
  g_clear_handle_id (&self->progress_id, g_source_remove);
  self->run_data = NULL;
  g_clear_object (&self->run_cancellable);
  set_busy (self, FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      gboolean cancelled = g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

      /* A cancelled import wrote nothing: the same file can go again. */
      self->checked_ok = cancelled;
      show_step (self, "preview");
      set_report (self, error->message, cancelled ? "dim-label" : "error", NULL);
      update_actions (self);
      return;
    }

  message = g_strdup_printf (ngettext ("Imported %'u customer from “%s”.",
                                       "Imported %'u customers from “%s”.", data->n_imported),
                             data->n_imported, self->basename);
  {
    g_autofree char *escaped = g_markup_escape_text (message, -1);

    adw_status_page_set_description (self->done_page, escaped);
  }
  g_clear_object (&self->import);
  self->checked_ok = FALSE;
  update_actions (self);
  show_step (self, "done");
  g_signal_emit (self, signals[CHANGED], 0);
}

/* --- actions --------------------------------------------------------- */

static void
open_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  KefuImportDialog *self = KEFU_IMPORT_DIALOG (widget);
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) all = gtk_file_filter_new ();

  if (self->busy || self->chooser != NULL)
    return;

  gtk_file_filter_set_name (filter, _("CSV Files"));
  gtk_file_filter_add_pattern (filter, "*.csv");
  gtk_file_filter_add_pattern (filter, "*.CSV");
  gtk_file_filter_add_pattern (filter, "*.txt");
  gtk_file_filter_add_pattern (filter, "*.TXT");
  gtk_file_filter_add_mime_type (filter, "text/csv");
  gtk_file_filter_set_name (all, _("All Files"));
  gtk_file_filter_add_pattern (all, "*");

  self->chooser = gtk_file_chooser_native_new (_("Choose a Customer List"),
                                               GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_OPEN,
                                               _("_Open"),
                                               _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), all);
  gtk_file_chooser_set_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  g_signal_connect_object (self->chooser, "response", G_CALLBACK (chooser_response_cb), self, G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
check_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *param)
{
  start_check (KEFU_IMPORT_DIALOG (widget));
}

static void
run_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *param)
{
  KefuImportDialog *self = KEFU_IMPORT_DIALOG (widget);
  g_autoptr(GTask) task = NULL;
  RunData *data;

  if (self->busy || self->import == NULL || !self->checked_ok)
    return;

  data = g_new0 (RunData, 1);
  data->import = g_object_ref (self->import);
  data->path = g_strdup (kefu_db_get_path (self->db));
  data->actor = g_strdup (kefu_db_get_actor (self->db));

  data->total = kefu_import_get_n_rows (self->import);
  data->started = g_get_monotonic_time ();

  set_report (self, _("Importing…"), "dim-label", NULL);
  adw_status_page_set_description (self->importing_page, self->basename);
  self->importing = TRUE;
  self->run_cancellable = g_cancellable_new ();
  self->run_data = data;
  set_busy (self, TRUE);
  show_step (self, "importing");
  show_progress (self);
  self->progress_id = g_timeout_add (200, progress_timeout_cb, self);
  /* Cancel rolls the one transaction back: nothing is written. */
  task = g_task_new (self, self->run_cancellable, run_done_cb, NULL);
  g_task_set_source_tag (task, run_action);
  g_task_set_task_data (task, data, (GDestroyNotify) run_data_free);
  /* The thread's own error says that nothing was imported. */
  g_task_set_check_cancellable (task, FALSE);
  g_task_run_in_thread (task, run_thread);
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  KefuImportDialog *self = KEFU_IMPORT_DIALOG (widget);

  if (!self->importing || self->run_cancellable == NULL)
    return;
  g_cancellable_cancel (self->run_cancellable);
  show_progress (self);
  update_actions (self);
}

/* --- GtkWindow ------------------------------------------------------- */

static gboolean
kefu_import_dialog_close_request (GtkWindow *window)
{
  KefuImportDialog *self = KEFU_IMPORT_DIALOG (window);

  /* The import is one transaction; it must finish and say so. */
  if (self->importing)
    return TRUE;
  return GTK_WINDOW_CLASS (kefu_import_dialog_parent_class)->close_request (window);
}

/* --- GObject --------------------------------------------------------- */

static void
kefu_import_dialog_dispose (GObject *object)
{
  KefuImportDialog *self = (KefuImportDialog *) object;

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->progress_id, g_source_remove);
  if (self->chooser)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  /* The column rows may notify "selected" while they are taken apart. */
  for (guint i = 0; self->column_rows && i < self->column_rows->len; i++)
    g_signal_handlers_disconnect_by_data (g_ptr_array_index (self->column_rows, i), self);
  gtk_widget_dispose_template (GTK_WIDGET (self), KEFU_TYPE_IMPORT_DIALOG);
  g_clear_pointer (&self->column_rows, g_ptr_array_unref);
  g_clear_object (&self->field_model);
  g_clear_object (&self->import);
  g_clear_object (&self->db);
  G_OBJECT_CLASS (kefu_import_dialog_parent_class)->dispose (object);
}

static void
kefu_import_dialog_finalize (GObject *object)
{
  KefuImportDialog *self = (KefuImportDialog *) object;

  g_clear_object (&self->cancellable);
  g_free (self->basename);
  G_OBJECT_CLASS (kefu_import_dialog_parent_class)->finalize (object);
}

static void
kefu_import_dialog_class_init (KefuImportDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = kefu_import_dialog_dispose;
  object_class->finalize = kefu_import_dialog_finalize;
  window_class->close_request = kefu_import_dialog_close_request;

  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/kefu/Kefu/dialogs/kefu-import-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, KefuImportDialog, check_button);
  gtk_widget_class_bind_template_child (widget_class, KefuImportDialog, columns_group);
  gtk_widget_class_bind_template_child (widget_class, KefuImportDialog, done_page);
  gtk_widget_class_bind_template_child (widget_class, KefuImportDialog, file_label);
  gtk_widget_class_bind_template_child (widget_class, KefuImportDialog, loading_spinner);
  gtk_widget_class_bind_template_child (widget_class, KefuImportDialog, open_button);
  gtk_widget_class_bind_template_child (widget_class, KefuImportDialog, open_error_label);
  gtk_widget_class_bind_template_child (widget_class, KefuImportDialog, preview_box);
  gtk_widget_class_bind_template_child (widget_class, KefuImportDialog, preview_grid);
  gtk_widget_class_bind_template_child (widget_class, KefuImportDialog, report_label);
  gtk_widget_class_bind_template_child (widget_class, KefuImportDialog, report_scroller);
  gtk_widget_class_bind_template_child (widget_class, KefuImportDialog, report_view);
  gtk_widget_class_bind_template_child (widget_class, KefuImportDialog, run_button);
  gtk_widget_class_bind_template_child (widget_class, KefuImportDialog, spinner);
  gtk_widget_class_bind_template_child (widget_class, KefuImportDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, KefuImportDialog, summary_label);
  gtk_widget_class_bind_template_child (widget_class, KefuImportDialog, importing_page);
  gtk_widget_class_bind_template_child (widget_class, KefuImportDialog, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, KefuImportDialog, rate_label);
  gtk_widget_class_bind_template_child (widget_class, KefuImportDialog, cancel_button);

  gtk_widget_class_install_action (widget_class, "import.open", NULL, open_action);
  gtk_widget_class_install_action (widget_class, "import.check", NULL, check_action);
  gtk_widget_class_install_action (widget_class, "import.run", NULL, run_action);
  gtk_widget_class_install_action (widget_class, "import.cancel", NULL, cancel_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK, "import.open", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
kefu_import_dialog_init (KefuImportDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->column_rows = g_ptr_array_new ();
  self->field_model = gtk_string_list_new (NULL);
  for (guint f = 0; f < KEFU_IMPORT_N_FIELDS; f++)
    gtk_string_list_append (self->field_model, kefu_import_field_label ((KefuImportField) f));
  update_actions (self);
}

/* --- public API ------------------------------------------------------ */

/**
 * kefu_import_dialog_new:
 *
 * Returns: (transfer none): a new modal window; present it
 */
GtkWindow *
kefu_import_dialog_new (GtkWindow *parent,
                        KefuDb    *db)
{
  KefuImportDialog *self;

  g_return_val_if_fail (KEFU_IS_DB (db), NULL);

  self = g_object_new (KEFU_TYPE_IMPORT_DIALOG,
                       "transient-for", parent,
                       "modal", TRUE,
                       NULL);
  self->db = g_object_ref (db);
  return GTK_WINDOW (self);
}

void
_kefu_import_dialog_open_path (GtkWindow  *dialog,
                               const char *path)
{
  g_return_if_fail (KEFU_IS_IMPORT_DIALOG (dialog));

  read_file (KEFU_IMPORT_DIALOG (dialog), path);
}
