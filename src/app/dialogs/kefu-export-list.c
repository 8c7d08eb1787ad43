/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "kefu-export-list"

#include "config.h"

#include <glib/gi18n.h>

#include "kefu-dialogs.h"
#include "kefu-export.h"
#include "kefu-window.h"

/* Exporting the customer list: a file name from the user, the export in a
 * thread on its own connection (a big list takes a while), and a toast in
 * the window that asked. */

typedef struct
{
  GWeakRef           parent;
  char              *db_path;
  KefuCustomerQuery  query;
  gboolean           xlsx;
  char              *path;
  guint              n_rows;
} ExportData;

/* --- helpers --------------------------------------------------------- */

static void
export_data_free (ExportData *data)
{
  g_weak_ref_clear (&data->parent);
  g_free (data->db_path);
  kefu_customer_query_clear (&data->query);
  g_free (data->path);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ExportData, export_data_free)

static void
copy_query (KefuCustomerQuery       *dest,
            const KefuCustomerQuery *src)
{
  dest->text = g_strdup (src ? src->text : NULL);
  dest->segment = g_strdup (src ? src->segment : NULL);
  dest->manager_id = g_strdup (src ? src->manager_id : NULL);
  dest->sort = src ? src->sort : KEFU_CUSTOMER_SORT_NAME;
}

/* --- the export, in a thread ----------------------------------------- */

static void
export_thread (GTask        *task,
               gpointer      source,
               gpointer      task_data,
               GCancellable *cancellable)
{
  ExportData *data = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(KefuDb) db = NULL;
  gboolean ok;

  /* KefuDb is not thread-safe: this thread has its own connection. */
  if ((db = kefu_db_open (data->db_path, &error)) == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (data->xlsx)
    ok = kefu_export_customers_xlsx (db, &data->query, data->path, &data->n_rows, &error);
  else
    ok = kefu_export_customers_csv (db, &data->query, data->path, &data->n_rows, &error);
  if (!ok)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
export_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  ExportData *data = g_task_get_task_data (G_TASK (result));
  g_autoptr(GtkWidget) parent = g_weak_ref_get (&data->parent);
  g_autoptr(GError) error = NULL;
  g_autofree char *basename = NULL;
  g_autofree char *message = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (parent != NULL)
        kefu_toast_error (parent, error);
      else
        g_warning ("Export failed: %s", error->message);
      return;
    }

  basename = g_path_get_basename (data->path);
  /* Translators: %1$u is a number of customers, %2$s a file name */
  message = g_strdup_printf (ngettext ("Exported %1$u customer to %2$s",
                                       "Exported %1$u customers to %2$s", data->n_rows),
                             data->n_rows, basename);
  if (parent != NULL)
    kefu_toast (parent, message);
  else
    g_message ("%s", message);
}

/* --- the file chooser ------------------------------------------------ */

static void
chooser_response_cb (GtkNativeDialog *chooser,
                     int              response,
                     ExportData      *data_in)
{
  g_autoptr(ExportData) data = data_in;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GTask) task = NULL;
  const char *ext = data->xlsx ? ".xlsx" : ".csv";

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);

  if (response != GTK_RESPONSE_ACCEPT)
    return;
  if (file == NULL || (data->path = g_file_get_path (file)) == NULL)
    {
      g_autoptr(GtkWidget) parent = g_weak_ref_get (&data->parent);
      g_autoptr(GError) error = g_error_new (KEFU_ERROR, KEFU_ERROR_IO,
                                             _("Choose a file on this computer to export to."));

      if (parent != NULL)
        kefu_toast_error (parent, error);
      return;
    }

  /* A name typed without the extension still gets the right one. */
  if (!g_str_has_suffix (data->path, ext) &&
      !(data->xlsx && g_str_has_suffix (data->path, ".XLSX")) &&
      !(!data->xlsx && g_str_has_suffix (data->path, ".CSV")))
    {
      char *with_ext = g_strconcat (data->path, ext, NULL);

      g_free (data->path);
      data->path = with_ext;
    }

  task = g_task_new (NULL, NULL, export_done_cb, NULL);
  g_task_set_source_tag (task, kefu_export_list);
  g_task_set_task_data (task, g_steal_pointer (&data), (GDestroyNotify) export_data_free);
  g_task_run_in_thread (task, export_thread);
}

/* --- public API ------------------------------------------------------ */

/**
 * kefu_export_list:
 * @parent: the window asking; the result is shown there as a toast
 * @db: the open database
 * @query: (nullable): which customers, in which order; copied
 * @format: "csv" or "xlsx"
 *
 * Asks for a file name, then exports in a thread.
 */
void
kefu_export_list (GtkWindow               *parent,
                  KefuDb                  *db,
                  const KefuCustomerQuery *query,
                  const char              *format)
{
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *date = g_date_time_format (now, "%Y-%m-%d");
  g_autofree char *name = NULL;
  ExportData *data;

  g_return_if_fail (KEFU_IS_DB (db));

  data = g_new0 (ExportData, 1);
  g_weak_ref_init (&data->parent, parent);
  data->db_path = g_strdup (kefu_db_get_path (db));
  data->xlsx = g_strcmp0 (format, "xlsx") == 0;
  copy_query (&data->query, query);

  name = g_strdup_printf ("customers-%s.%s", date, data->xlsx ? "xlsx" : "csv");
  if (data->xlsx)
    {
      gtk_file_filter_set_name (filter, _("Excel Workbooks"));
      gtk_file_filter_add_pattern (filter, "*.xlsx");
      gtk_file_filter_add_mime_type (filter, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    }
  else
    {
      gtk_file_filter_set_name (filter, _("CSV Files"));
      gtk_file_filter_add_pattern (filter, "*.csv");
      gtk_file_filter_add_mime_type (filter, "text/csv");
    }

  chooser = gtk_file_chooser_native_new (data->xlsx ? _("Export Customers as Excel Workbook")
                                                    : _("Export Customers as CSV"),
                                         parent,
                                         GTK_FILE_CHOOSER_ACTION_SAVE,
                                         _("_Export"),
                                         _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  /* The chooser keeps itself until the response; the handler drops it. */
  g_signal_connect (chooser, "response", G_CALLBACK (chooser_response_cb), data);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}
