/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "kefu-notifications"

#include "config.h"

#include "kefu-cases-private.h"
#include "kefu-notifications.h"
#include "kefu-uuid.h"

gboolean
_kefu_notify (KefuDb      *db,
              const char  *staff_id,
              const char  *case_id,
              const char  *kind,
              const char  *text,
              gint64       at,
              GError     **error)
{
  g_autoptr(KefuChangeSet) cs = NULL;
  g_autofree char *id = kefu_uuid7_new_at (at);
  sqlite3_stmt *stmt;

  cs = kefu_change_set_new ("notification", id, KEFU_CHANGE_INSERT, 0);
  kefu_change_set_text (cs, "staff_id", NULL, staff_id);
  kefu_change_set_text (cs, "case_id", NULL, case_id);
  kefu_change_set_text (cs, "kind", NULL, kind);
  kefu_change_set_text (cs, "text", NULL, text);
  kefu_change_set_int (cs, "created_at", FALSE, 0, at);

  stmt = kefu_db_prepare (db,
                          "INSERT INTO notification (id, hlc, updated_by, updated_at, staff_id, case_id, kind, text, created_at)"
                          " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  kefu_db_bind_stamp (db, stmt, 2, cs, g_get_real_time () / 1000);
  sqlite3_bind_text (stmt, 5, staff_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, case_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, kind, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 8, text, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 9, at);
  return kefu_db_step_done (db, stmt, error) && kefu_db_record_change (db, cs, error);
}

void
kefu_notification_free (KefuNotification *n)
{
  if (n == NULL)
    return;
  g_free (n->id);
  g_free (n->staff_id);
  g_free (n->case_id);
  g_free (n->case_number);
  g_free (n->kind);
  g_free (n->text);
  g_free (n);
}

static gpointer
notification_from_row (sqlite3_stmt *stmt)
{
  KefuNotification *n = g_new0 (KefuNotification, 1);

  n->id = kefu_stmt_dup (stmt, 0);
  n->staff_id = kefu_stmt_dup (stmt, 1);
  n->case_id = kefu_stmt_dup (stmt, 2);
  n->case_number = kefu_stmt_dup (stmt, 3);
  n->kind = kefu_stmt_dup (stmt, 4);
  n->text = kefu_stmt_dup (stmt, 5);
  n->created_at = sqlite3_column_int64 (stmt, 6);

  return n;
}

/**
 * kefu_notifications_list_unread:
 *
 * Returns: (transfer full) (element-type KefuNotification): at most 200
 */
GPtrArray *
kefu_notifications_list_unread (KefuDb      *db,
                                const char  *staff_id,
                                GError     **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (KEFU_IS_DB (db), NULL);

  if (staff_id == NULL)
    staff_id = kefu_db_get_actor (db);
  stmt = kefu_db_prepare (db,
                          "SELECT n.id, n.staff_id, n.case_id, k.number, n.kind, n.text, n.created_at"
                          " FROM notification n INDEXED BY notification_unread LEFT JOIN kcase k ON k.id = n.case_id"
                          " WHERE n.staff_id = ? AND n.deleted = 0 AND n.read_at IS NULL"
                          " ORDER BY n.created_at DESC, n.rowid DESC LIMIT 200", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, staff_id, -1, SQLITE_STATIC);
  return kefu_db_collect_rows (db, stmt, notification_from_row, (GDestroyNotify) kefu_notification_free, error);
}

guint
kefu_notifications_count_unread (KefuDb     *db,
                                 const char *staff_id)
{
  sqlite3_stmt *stmt;
  guint n = 0;

  g_return_val_if_fail (KEFU_IS_DB (db), 0);

  if (staff_id == NULL)
    staff_id = kefu_db_get_actor (db);
  stmt = kefu_db_prepare (db,
                          /* The partial index holds only unread rows; a
                           * supervisor's read ones pile up over the years. */
                          "SELECT count(*) FROM notification INDEXED BY notification_unread"
                          " WHERE staff_id = ? AND deleted = 0 AND read_at IS NULL",
                          NULL);
  if (stmt == NULL)
    return 0;
  sqlite3_bind_text (stmt, 1, staff_id, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    n = (guint) sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return n;
}

static gboolean
mark_one (KefuDb      *db,
          const char  *id,
          gint64       version,
          gint64       now,
          GError     **error)
{
  g_autoptr(KefuChangeSet) cs = kefu_change_set_new ("notification", id, KEFU_CHANGE_UPDATE, version);
  sqlite3_stmt *stmt;

  kefu_change_set_int (cs, "read_at", FALSE, 0, now);
  stmt = kefu_db_prepare (db,
                          "UPDATE notification SET read_at = ?, version = version + 1, hlc = ?, updated_by = ?,"
                          " updated_at = ? WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, now);
  kefu_db_bind_stamp (db, stmt, 2, cs, g_get_real_time () / 1000);
  sqlite3_bind_text (stmt, 5, id, -1, SQLITE_STATIC);
  return kefu_db_step_done (db, stmt, error) && kefu_db_record_change (db, cs, error);
}

/* Marking what is already read is not an error: two windows may do it. */
static gboolean
mark_where (KefuDb      *db,
            const char  *sql,
            const char  *key,
            GError     **error)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) versions = g_array_new (FALSE, FALSE, sizeof (gint64));
  gint64 now = kefu_cases_get_now (db);
  sqlite3_stmt *stmt;
  int rc;

  if (!kefu_db_begin (db, error))
    return FALSE;
  stmt = kefu_db_prepare (db, sql, error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 v = sqlite3_column_int64 (stmt, 1);

      g_ptr_array_add (ids, kefu_stmt_dup (stmt, 0));
      g_array_append_val (versions, v);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      kefu_db_set_error (db, error);
      goto fail;
    }
  for (guint i = 0; i < ids->len; i++)
    if (!mark_one (db, ids->pdata[i], g_array_index (versions, gint64, i), now, error))
      goto fail;
  return kefu_db_commit (db, error);

fail:
  kefu_db_rollback (db);
  return FALSE;
}

gboolean
kefu_notifications_mark_read (KefuDb      *db,
                              const char  *notification_id,
                              GError     **error)
{
  g_return_val_if_fail (KEFU_IS_DB (db), FALSE);

  return mark_where (db, "SELECT id, version FROM notification WHERE id = ? AND deleted = 0 AND read_at IS NULL",
                     notification_id, error);
}

gboolean
kefu_notifications_mark_all_read (KefuDb      *db,
                                  const char  *staff_id,
                                  GError     **error)
{
  g_return_val_if_fail (KEFU_IS_DB (db), FALSE);

  if (staff_id == NULL)
    staff_id = kefu_db_get_actor (db);
  return mark_where (db, "SELECT id, version FROM notification WHERE staff_id = ? AND deleted = 0 AND read_at IS NULL",
                     staff_id, error);
}
