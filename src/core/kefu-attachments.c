/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "kefu-attachments"

#include "config.h"

#include <errno.h>
#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "kefu-attachments.h"
#include "kefu-cases-private.h"
#include "kefu-uuid.h"

void
kefu_attachment_free (KefuAttachment *a)
{
  if (a == NULL)
    return;
  g_free (a->id);
  g_free (a->case_id);
  g_free (a->sha256);
  g_free (a->filename);
  g_free (a->mime_type);
  g_free (a);
}

static gboolean
is_sha256 (const char *s)
{
  if (s == NULL || strlen (s) != 64)
    return FALSE;
  for (guint i = 0; i < 64; i++)
    if (!g_ascii_isxdigit (s[i]) || g_ascii_isupper (s[i]))
      return FALSE;
  return TRUE;
}

char *
kefu_attachments_get_path (KefuDb     *db,
                           const char *sha256)
{
  g_autofree char *dir = NULL;
  char prefix[3];

  g_return_val_if_fail (KEFU_IS_DB (db), NULL);
  g_return_val_if_fail (is_sha256 (sha256), NULL);

  dir = g_path_get_dirname (kefu_db_get_path (db));
  prefix[0] = sha256[0];
  prefix[1] = sha256[1];
  prefix[2] = '\0';
  return g_build_filename (dir, "attachments", prefix, sha256, NULL);
}

/* Writes the content once; a file already there with this name has this
 * content (its name is its hash). */
static gboolean
store_content (KefuDb       *db,
               const char   *sha256,
               const char   *data,
               gsize         len,
               GError      **error)
{
  g_autofree char *target = kefu_attachments_get_path (db, sha256);
  g_autofree char *dir = g_path_get_dirname (target);
  g_autoptr(GError) local_error = NULL;

  if (g_file_test (target, G_FILE_TEST_EXISTS))
    return TRUE;
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, KEFU_ERROR, KEFU_ERROR_IO,
                   _("Could not create the folder “%s”: %s"), dir, g_strerror (saved));
      return FALSE;
    }
  if (!g_file_set_contents_full (target, data, (gssize) len, G_FILE_SET_CONTENTS_CONSISTENT,
                                 0600, &local_error))
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_IO,
                   _("Could not store the attachment: %s"), local_error->message);
      return FALSE;
    }
  return TRUE;
}

static gpointer
attachment_from_row (sqlite3_stmt *stmt)
{
  KefuAttachment *a = g_new0 (KefuAttachment, 1);

  a->id = kefu_stmt_dup (stmt, 0);
  a->case_id = kefu_stmt_dup (stmt, 1);
  a->sha256 = kefu_stmt_dup (stmt, 2);
  a->filename = kefu_stmt_dup (stmt, 3);
  a->mime_type = kefu_stmt_dup (stmt, 4);
  a->size = sqlite3_column_int64 (stmt, 5);
  a->created_at = sqlite3_column_int64 (stmt, 6);

  return a;
}

typedef struct
{
  const char     *sha256;
  const char     *filename;
  const char     *mime_type;
  gint64          size;
  KefuAttachment *result;
} AddData;

static KefuAttachment *
find_existing (KefuDb      *db,
               const char  *case_id,
               const char  *sha256,
               GError     **error)
{
  sqlite3_stmt *stmt = kefu_db_prepare (db,
                                        "SELECT id, case_id, sha256, filename, mime_type, size, created_at FROM attachment"
                                        " WHERE case_id = ? AND sha256 = ? AND deleted = 0 LIMIT 1", error);
  KefuAttachment *a = NULL;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, case_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, sha256, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    a = attachment_from_row (stmt);
  sqlite3_reset (stmt);
  return a;
}

static gboolean
add_action (KefuDb    *db,
            KefuCase  *c,
            gpointer   data,
            GError   **error)
{
  AddData *d = data;
  g_autoptr(KefuChangeSet) cs = NULL;
  g_autoptr(KefuAttachment) a = NULL;
  gint64 now = kefu_cases_get_now (db);
  sqlite3_stmt *stmt;

  if ((d->result = find_existing (db, c->id, d->sha256, error)) != NULL)
    return TRUE;

  a = g_new0 (KefuAttachment, 1);
  a->id = kefu_uuid7_new_at (now);
  a->case_id = g_strdup (c->id);
  a->sha256 = g_strdup (d->sha256);
  a->filename = g_strdup (d->filename);
  a->mime_type = g_strdup (d->mime_type);
  a->size = d->size;
  a->created_at = now;

  cs = kefu_change_set_new ("attachment", a->id, KEFU_CHANGE_INSERT, 0);
  kefu_change_set_text (cs, "sha256", NULL, a->sha256);
  kefu_change_set_text (cs, "filename", NULL, a->filename);
  kefu_change_set_text (cs, "mime_type", NULL, a->mime_type);
  kefu_change_set_int (cs, "size", FALSE, 0, a->size);
  kefu_change_set_text (cs, "case_id", NULL, c->id);
  kefu_change_set_text (cs, "customer_id", NULL, c->customer_id);
  kefu_change_set_int (cs, "created_at", FALSE, 0, now);
  stmt = kefu_db_prepare (db,
                          "INSERT INTO attachment (id, hlc, updated_by, updated_at, sha256, filename, mime_type, size,"
                          " case_id, customer_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, a->id, -1, SQLITE_STATIC);
  kefu_db_bind_stamp (db, stmt, 2, cs, g_get_real_time () / 1000);
  sqlite3_bind_text (stmt, 5, a->sha256, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, a->filename, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, a->mime_type, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 8, a->size);
  sqlite3_bind_text (stmt, 9, c->id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 10, c->customer_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 11, now);
  if (!kefu_db_step_done (db, stmt, error))
    return FALSE;
  if (!kefu_db_record_change (db, cs, error))
    return FALSE;
  if (!_kefu_cases_add_event (db, c, "attachment", NULL, NULL, a->sha256, a->filename, error))
    return FALSE;
  d->result = g_steal_pointer (&a);
  return TRUE;
}

void
kefu_stored_file_free (KefuStoredFile *f)
{
  if (f == NULL)
    return;
  g_free (f->sha256);
  g_free (f->filename);
  g_free (f->mime_type);
  g_free (f);
}

KefuStoredFile *
kefu_attachments_store_file (KefuDb      *db,
                             const char  *path,
                             GError     **error)
{
  g_autofree char *data = NULL;
  g_autofree char *content_type = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(KefuStoredFile) f = NULL;
  gsize len = 0;
  GStatBuf st;

  g_return_val_if_fail (KEFU_IS_DB (db), NULL);
  g_return_val_if_fail (path != NULL, NULL);

  if (g_stat (path, &st) != 0 || !S_ISREG (st.st_mode))
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_IO, _("“%s” is not a file that can be attached."), path);
      return NULL;
    }
  if ((gint64) st.st_size > KEFU_ATTACHMENT_MAX_BYTES)
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID,
                   _("The file is too large to attach (at most 50 MB); send a smaller photo or a scan."));
      return NULL;
    }
  if (!g_file_get_contents (path, &data, &len, &local_error))
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_IO, _("Could not read the file: %s"), local_error->message);
      return NULL;
    }
  f = g_new0 (KefuStoredFile, 1);
  f->sha256 = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) data, len);
  f->filename = g_path_get_basename (path);
  content_type = g_content_type_guess (f->filename, (const guchar *) data, MIN (len, 4096), NULL);
  f->mime_type = g_content_type_get_mime_type (content_type);
  f->size = (gint64) len;
  if (!store_content (db, f->sha256, data, len, error))
    return NULL;
  return g_steal_pointer (&f);
}

KefuAttachment *
kefu_attachments_add (KefuDb      *db,
                      const char  *case_id,
                      const char  *path,
                      GError     **error)
{
  g_autoptr(KefuStoredFile) f = NULL;
  AddData d = { 0 };

  g_return_val_if_fail (KEFU_IS_DB (db), NULL);
  g_return_val_if_fail (path != NULL, NULL);

  /* The content first: a row never points at content that is not there. */
  if ((f = kefu_attachments_store_file (db, path, error)) == NULL)
    return NULL;

  d.sha256 = f->sha256;
  d.filename = f->filename;
  d.mime_type = f->mime_type;
  d.size = f->size;
  if (!_kefu_cases_run (db, case_id, add_action, &d, error))
    {
      kefu_attachment_free (d.result);
      return NULL;
    }
  return d.result;
}

GPtrArray *
kefu_attachments_list (KefuDb      *db,
                       const char  *case_id,
                       GError     **error)
{
  g_return_val_if_fail (KEFU_IS_DB (db), NULL);

  return kefu_db_read_all (db,
                           "SELECT id, case_id, sha256, filename, mime_type, size, created_at FROM attachment"
                           " WHERE case_id = ? AND deleted = 0 ORDER BY created_at, rowid",
                           case_id, attachment_from_row, (GDestroyNotify) kefu_attachment_free, error);
}
