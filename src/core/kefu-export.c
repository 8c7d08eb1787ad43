/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "kefu-export"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <xlsxwriter.h>

#include "kefu-export-private.h"
#include "kefu-import.h"
#include "kefu-text.h"


typedef struct
{
  FILE    *file;
  GString *line;
  char    *path;
} CsvWriter;

typedef struct
{
  lxw_worksheet *sheet;
  lxw_format    *money;
  guint          row;
  char          *path;
} XlsxWriter;

static guint xlsx_max_rows = KEFU_EXPORT_XLSX_MAX_ROWS;

/* --- helpers --------------------------------------------------------- */

static const char *
kind_label (const char *kind)
{
  if (g_strcmp0 (kind, "person") == 0)
    return _("Person");
  if (g_strcmp0 (kind, "enterprise") == 0)
    return _("Enterprise");
  return kind;
}

static char *
format_day (gint64 ms)
{
  g_autoptr(GDateTime) dt = NULL;

  if (ms <= 0)
    return NULL;
  dt = g_date_time_new_from_unix_local (ms / 1000);
  return dt ? g_date_time_format (dt, "%Y-%m-%d") : NULL;
}

void
_kefu_export_set_io_error (GError     **error,
                           const char  *path,
                           int          errsv)
{
  g_autofree char *display = g_filename_display_basename (path);

  g_set_error (error, KEFU_ERROR, KEFU_ERROR_IO, _("Could not write “%s”: %s"),
               display, g_strerror (errsv));
}

/* A hidden temporary file next to @path, so that the final rename stays
 * on one file system: a failed export never leaves a half file behind. */
char *
_kefu_export_create_temp (const char  *path,
                          int         *fd,
                          GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *name = g_strdup_printf (".%s.XXXXXX", base);
  g_autofree char *tmp = g_build_filename (dir, name, NULL);

  *fd = g_mkstemp_full (tmp, O_RDWR | O_CLOEXEC, 0666);
  if (*fd < 0)
    {
      _kefu_export_set_io_error (error, path, errno);
      return NULL;
    }
  return g_steal_pointer (&tmp);
}

/* One statement steps through the whole list: linear at a million rows. */
static gboolean
for_each_customer (KefuDb                   *db,
                   const KefuCustomerQuery  *query,
                   KefuCustomerFunc          func,
                   gpointer                  user_data,
                   guint                    *n_rows,
                   GError                  **error)
{
  return kefu_customers_foreach (db, query, func, user_data, n_rows, error);
}

/* --- CSV ------------------------------------------------------------- */

/* Spreadsheets run a cell that starts with = + - @ as a formula; such
 * text gets an apostrophe in front (the import takes it off again).
 * Phone numbers like "+86 138…" and plain numbers are left alone. */
static gboolean
needs_formula_guard (const char *text)
{
  if (text[0] == '=' || text[0] == '@')
    return TRUE;
  if (text[0] == '+' || text[0] == '-')
    return text[strspn (text, "0123456789 +-().")] != '\0';
  return FALSE;
}

/* RFC 4180: quoted when it holds a delimiter, quote or line break (or
 * spaces at either end, which readers trim), quotes doubled. */
static void
append_csv_field (GString    *out,
                  const char *text,
                  gboolean    first)
{
  gsize len;
  gboolean guard, quote;

  if (!first)
    g_string_append_c (out, ',');
  if (text == NULL || *text == '\0')
    return;

  len = strlen (text);
  guard = needs_formula_guard (text);
  quote = text[strcspn (text, ",\"\r\n")] != '\0' || text[0] == ' ' || text[len - 1] == ' ';
  if (!quote && !guard)
    {
      g_string_append_len (out, text, len);
      return;
    }
  g_string_append_c (out, '"');
  if (guard)
    g_string_append_c (out, '\'');
  for (const char *p = text; *p; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

static gboolean
write_csv_line (CsvWriter  *w,
                GError    **error)
{
  g_string_append (w->line, "\r\n");
  if (fwrite (w->line->str, 1, w->line->len, w->file) != w->line->len)
    {
      _kefu_export_set_io_error (error, w->path, errno);
      return FALSE;
    }
  g_string_truncate (w->line, 0);
  return TRUE;
}

static gboolean
write_csv_row (const KefuCustomerSummary  *s,
               gpointer                    user_data,
               GError                    **error)
{
  CsvWriter *w = user_data;
  g_autofree char *day = format_day (s->last_contact_at);
  g_autofree char *spend = kefu_format_money (s->monthly_spend_cents);

  append_csv_field (w->line, s->number, TRUE);
  append_csv_field (w->line, s->name, FALSE);
  append_csv_field (w->line, s->company, FALSE);
  append_csv_field (w->line, kind_label (s->kind), FALSE);
  append_csv_field (w->line, s->phone, FALSE);
  append_csv_field (w->line, s->segment ? kefu_segment_label (s->segment) : NULL, FALSE);
  append_csv_field (w->line, s->manager_name, FALSE);
  append_csv_field (w->line, day, FALSE);
  append_csv_field (w->line, spend, FALSE);
  return write_csv_line (w, error);
}

static const char *
column_title (guint col)
{
  switch (col)
    {
    case 0: return kefu_import_field_label (KEFU_IMPORT_FIELD_NUMBER);
    case 1: return kefu_import_field_label (KEFU_IMPORT_FIELD_NAME);
    case 2: return kefu_import_field_label (KEFU_IMPORT_FIELD_COMPANY);
    case 3: return kefu_import_field_label (KEFU_IMPORT_FIELD_KIND);
    case 4: return kefu_import_field_label (KEFU_IMPORT_FIELD_PHONE);
    case 5: return kefu_import_field_label (KEFU_IMPORT_FIELD_SEGMENT);
    case 6: return _("Account manager");
    case 7: return _("Last contact");
    case 8: return kefu_import_field_label (KEFU_IMPORT_FIELD_MONTHLY_SPEND);
    default: return NULL;
    }
}

#define N_COLUMNS 9

/**
 * kefu_export_customers_csv:
 * @query: (nullable): which customers, in which order; %NULL for all by
 *   name
 * @n_rows: (out) (optional): how many customers were written
 *
 * Writes the customer list as CSV: UTF-8 with a byte order mark (so that
 * Chinese Excel reads it), CRLF line ends, RFC 4180 quoting, a
 * translated header. The file appears only once it is complete.
 *
 * Returns: %TRUE on success
 */
gboolean
kefu_export_customers_csv (KefuDb                   *db,
                           const KefuCustomerQuery  *query,
                           const char               *path,
                           guint                    *n_rows,
                           GError                  **error)
{
  KefuCustomerQuery all = { 0 };
  g_autofree char *tmp = NULL;
  g_autoptr(GString) line = g_string_sized_new (512);
  CsvWriter w = { NULL, line, (char *) path };
  guint n = 0;
  int fd;

  g_return_val_if_fail (KEFU_IS_DB (db), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if ((tmp = _kefu_export_create_temp (path, &fd, error)) == NULL)
    return FALSE;
  if ((w.file = fdopen (fd, "wb")) == NULL)
    {
      _kefu_export_set_io_error (error, path, errno);
      g_close (fd, NULL);
      goto fail;
    }
  setvbuf (w.file, NULL, _IOFBF, 256 * 1024);

  g_string_append (line, "\xef\xbb\xbf");
  for (guint col = 0; col < N_COLUMNS; col++)
    append_csv_field (line, column_title (col), col == 0);
  if (!write_csv_line (&w, error))
    goto fail;

  if (!for_each_customer (db, query ? query : &all, write_csv_row, &w, &n, error))
    goto fail;

  if (fflush (w.file) != 0 || g_fsync (fileno (w.file)) != 0)
    {
      _kefu_export_set_io_error (error, path, errno);
      goto fail;
    }
  if (fclose (g_steal_pointer (&w.file)) != 0 || g_rename (tmp, path) != 0)
    {
      _kefu_export_set_io_error (error, path, errno);
      goto fail;
    }

  if (n_rows)
    *n_rows = n;
  return TRUE;

fail:
  g_clear_pointer (&w.file, fclose);
  g_unlink (tmp);
  return FALSE;
}

/* --- XLSX ------------------------------------------------------------ */

static gboolean
check_lxw (lxw_error   err,
           GError    **error)
{
  if (err == LXW_NO_ERROR)
    return TRUE;
  g_set_error (error, KEFU_ERROR, KEFU_ERROR_IO, _("Could not write the spreadsheet: %s"),
               lxw_strerror (err));
  return FALSE;
}

/* XML cannot carry most control characters; they become spaces. */
static gboolean
write_text (XlsxWriter  *w,
            guint        col,
            const char  *text,
            lxw_format  *format,
            GError     **error)
{
  g_autofree char *clean = NULL;

  if (text == NULL || *text == '\0')
    return TRUE;
  for (const char *p = text; *p; p++)
    if ((guchar) *p < 0x20 && *p != '\t' && *p != '\n')
      {
        clean = g_strdup (text);
        for (char *q = clean; *q; q++)
          if ((guchar) *q < 0x20 && *q != '\t' && *q != '\n')
            *q = ' ';
        text = clean;
        break;
      }
  return check_lxw (worksheet_write_string (w->sheet, w->row, col, text, format), error);
}

static gboolean
write_xlsx_row (const KefuCustomerSummary  *s,
                gpointer                    user_data,
                GError                    **error)
{
  XlsxWriter *w = user_data;
  g_autofree char *day = format_day (s->last_contact_at);

  /* The list may have grown since it was counted. */
  if (w->row > xlsx_max_rows)
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID,
                   _("The list has more customers than a spreadsheet can hold (%u). "
                     "Narrow the list with a search or a filter, or export CSV instead."),
                   xlsx_max_rows);
      return FALSE;
    }

  if (!write_text (w, 0, s->number, NULL, error) ||
      !write_text (w, 1, s->name, NULL, error) ||
      !write_text (w, 2, s->company, NULL, error) ||
      !write_text (w, 3, kind_label (s->kind), NULL, error) ||
      !write_text (w, 4, s->phone, NULL, error) ||
      !write_text (w, 5, s->segment ? kefu_segment_label (s->segment) : NULL, NULL, error) ||
      !write_text (w, 6, s->manager_name, NULL, error) ||
      !write_text (w, 7, day, NULL, error))
    return FALSE;
  if (!check_lxw (worksheet_write_number (w->sheet, w->row, 8, s->monthly_spend_cents / 100.0, w->money),
                  error))
    return FALSE;
  w->row++;
  return TRUE;
}

/**
 * kefu_export_customers_xlsx:
 * @query: (nullable): which customers, in which order; %NULL for all by
 *   name
 * @n_rows: (out) (optional): how many customers were written
 *
 * Writes the customer list as an Excel workbook: a bold header row,
 * column widths, the monthly spend as a number, dates as text. Refuses
 * lists longer than %KEFU_EXPORT_XLSX_MAX_ROWS. The file appears only
 * once it is complete.
 *
 * Returns: %TRUE on success
 */
gboolean
kefu_export_customers_xlsx (KefuDb                   *db,
                            const KefuCustomerQuery  *query,
                            const char               *path,
                            guint                    *n_rows,
                            GError                  **error)
{
  static const double widths[N_COLUMNS] = { 12, 20, 28, 10, 18, 12, 14, 12, 16 };
  KefuCustomerQuery all = { 0 };
  lxw_workbook_options options = { .constant_memory = LXW_TRUE, .tmpdir = NULL, .use_zip64 = LXW_FALSE };
  g_autofree char *tmp = NULL;
  XlsxWriter w = { NULL, NULL, 0, (char *) path };
  lxw_workbook *book;
  lxw_format *bold;
  gboolean ok = FALSE;
  lxw_error err;
  guint total = 0, n = 0;
  int fd;

  g_return_val_if_fail (KEFU_IS_DB (db), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (query == NULL)
    query = &all;
  if (!kefu_customers_count (db, query, &total, error))
    return FALSE;
  if (total > xlsx_max_rows)
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID,
                   _("The list has %u customers, more than a spreadsheet can hold (%u). "
                     "Narrow the list with a search or a filter, or export CSV instead."),
                   total, xlsx_max_rows);
      return FALSE;
    }

  if ((tmp = _kefu_export_create_temp (path, &fd, error)) == NULL)
    return FALSE;
  g_close (fd, NULL);

  if ((book = workbook_new_opt (tmp, &options)) == NULL)
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_IO, _("Could not write the spreadsheet: %s"),
                   lxw_strerror (LXW_ERROR_MEMORY_MALLOC_FAILED));
      g_unlink (tmp);
      return FALSE;
    }
  w.sheet = workbook_add_worksheet (book, _("Customers"));
  if (w.sheet == NULL)
    w.sheet = workbook_add_worksheet (book, NULL);
  bold = workbook_add_format (book);
  format_set_bold (bold);
  w.money = workbook_add_format (book);
  format_set_num_format (w.money, "0.00");

  for (guint col = 0; col < N_COLUMNS; col++)
    worksheet_set_column (w.sheet, col, col, widths[col], NULL);
  worksheet_freeze_panes (w.sheet, 1, 0);
  for (guint col = 0; col < N_COLUMNS; col++)
    if (!write_text (&w, col, column_title (col), bold, error))
      goto out;
  w.row = 1;

  ok = for_each_customer (db, query, write_xlsx_row, &w, &n, error);

out:
  /* Closing writes the file; it also frees the workbook, so it runs on
   * failure too. */
  err = workbook_close (book);
  if (ok)
    ok = check_lxw (err, error);
  if (ok && g_rename (tmp, path) != 0)
    {
      _kefu_export_set_io_error (error, path, errno);
      ok = FALSE;
    }
  if (!ok)
    {
      g_unlink (tmp);
      return FALSE;
    }
  if (n_rows)
    *n_rows = n;
  return TRUE;
}

void
_kefu_export_set_xlsx_max_rows (guint max_rows)
{
  xlsx_max_rows = max_rows > 0 ? MIN (max_rows, KEFU_EXPORT_XLSX_MAX_ROWS) : KEFU_EXPORT_XLSX_MAX_ROWS;
}
