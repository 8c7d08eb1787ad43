/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "kefu-conflicts"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "kefu-cases.h"
#include "kefu-conflicts.h"
#include "kefu-org.h"
#include "kefu-sync-private.h"

/* --- helpers --------------------------------------------------------- */

/* @field is a column of @entity, which is a synced table. */
static gboolean
is_column (KefuDb     *db,
           const char *entity,
           const char *field)
{
  sqlite3_stmt *stmt = kefu_db_prepare (db,
                                        "SELECT (SELECT count(*) FROM pragma_table_info (?1) WHERE name = 'hlc'),"
                                        " (SELECT count(*) FROM pragma_table_info (?1) WHERE name = ?2)",
                                        NULL);
  gboolean ret = FALSE;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, entity, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, field, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    ret = sqlite3_column_int (stmt, 0) == 1 && sqlite3_column_int (stmt, 1) == 1;
  sqlite3_reset (stmt);
  return ret && !g_str_equal (field, "id") && !g_str_equal (field, "version");
}

/* Writes @json (a JSON scalar) to @field of row @row_id, with audit and
 * outbox entries, keeping the search index of customers and cases. */
static gboolean
write_field (KefuDb      *db,
             const char  *entity,
             const char  *row_id,
             const char  *field,
             const char  *json,
             GError     **error)
{
  g_autoptr(JsonNode) node = json_from_string (json && *json ? json : "null", NULL);
  g_autoptr(KefuChangeSet) cs = NULL;
  g_autoptr(KefuCustomer) old_customer = NULL;
  g_autoptr(KefuCase) old_case = NULL;
  g_autofree char *select = NULL;
  g_autofree char *update = NULL;
  g_autofree char *old_text = NULL;
  gboolean old_is_int = FALSE;
  gint64 old_int = 0;
  gint64 version = 0;
  sqlite3_stmt *stmt;

  if (node == NULL || !is_column (db, entity, field) ||
      !(JSON_NODE_HOLDS_VALUE (node) || JSON_NODE_HOLDS_NULL (node)))
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID,
                   _("This conflict cannot be resolved here: the field “%s” is unknown."), field);
      return FALSE;
    }

  select = g_strdup_printf ("SELECT %s, version FROM %s WHERE id = ?", field, entity);
  stmt = kefu_db_prepare (db, select, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, row_id, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      sqlite3_reset (stmt);
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_NOT_FOUND,
                   _("The record of this conflict is not on this computer yet. Sync, then try again."));
      return FALSE;
    }
  old_is_int = sqlite3_column_type (stmt, 0) == SQLITE_INTEGER;
  old_int = sqlite3_column_int64 (stmt, 0);
  old_text = kefu_stmt_dup (stmt, 0);
  version = sqlite3_column_int64 (stmt, 1);
  sqlite3_reset (stmt);

  if (g_str_equal (entity, "customer"))
    old_customer = _kefu_customers_load_any (db, row_id);
  else if (g_str_equal (entity, "kcase"))
    old_case = _kefu_cases_load_any (db, row_id);

  cs = kefu_change_set_new (entity, row_id, KEFU_CHANGE_UPDATE, version);
  kefu_change_set_note (cs, "conflict resolved");
  update = g_strdup_printf ("UPDATE %s SET %s = ?, version = version + 1, hlc = ?, updated_by = ?,"
                            " updated_at = ? WHERE id = ?", entity, field);
  stmt = kefu_db_prepare (db, update, error);
  if (stmt == NULL)
    return FALSE;
  if (JSON_NODE_HOLDS_NULL (node))
    {
      sqlite3_bind_null (stmt, 1);
      kefu_change_set_text (cs, field, old_text, NULL);
    }
  else if (json_node_get_value_type (node) == G_TYPE_INT64 || json_node_get_value_type (node) == G_TYPE_BOOLEAN)
    {
      gint64 v = json_node_get_value_type (node) == G_TYPE_BOOLEAN ? json_node_get_boolean (node)
                                                                   : json_node_get_int (node);

      sqlite3_bind_int64 (stmt, 1, v);
      kefu_change_set_int (cs, field, old_is_int, old_int, v);
    }
  else
    {
      const char *v = json_node_get_string (node);

      sqlite3_bind_text (stmt, 1, v, -1, SQLITE_TRANSIENT);
      kefu_change_set_text (cs, field, old_text, v);
    }
  sqlite3_bind_text (stmt, 2, kefu_change_set_stamp (cs, db), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, kefu_db_get_actor (db), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, g_get_real_time () / 1000);
  sqlite3_bind_text (stmt, 5, row_id, -1, SQLITE_STATIC);
  if (!kefu_db_step_done (db, stmt, error))
    return FALSE;
  if (!kefu_change_set_is_empty (cs) && !kefu_db_record_change (db, cs, error))
    return FALSE;

  if (!_kefu_customers_fix_derived (db, entity, row_id, error))
    return FALSE;
  if (old_customer != NULL)
    {
      g_autoptr(KefuCustomer) fresh = _kefu_customers_load_any (db, row_id);

      return _kefu_customers_fts_write (db, old_customer->rowid, old_customer, fresh, error);
    }
  if (old_case != NULL)
    {
      g_autoptr(KefuCase) fresh = _kefu_cases_load_any (db, row_id);

      return _kefu_cases_fts_write (db, old_case->rowid, old_case, fresh, error);
    }
  return TRUE;
}

/* --- public API ------------------------------------------------------ */

void
kefu_conflict_free (KefuConflict *conflict)
{
  if (conflict == NULL)
    return;
  g_free (conflict->id);
  g_free (conflict->entity);
  g_free (conflict->row_id);
  g_free (conflict->label);
  g_free (conflict->field);
  g_free (conflict->server_value);
  g_free (conflict->client_value);
  g_free (conflict);
}

char *
kefu_conflict_value_text (const char *json)
{
  g_autoptr(JsonNode) node = json ? json_from_string (json, NULL) : NULL;

  if (node == NULL)
    return g_strdup (json ? json : "");
  if (JSON_NODE_HOLDS_NULL (node))
    return g_strdup ("");
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return g_strdup (json_node_get_string (node));
  return json_to_string (node, FALSE);
}

/* Returns: (transfer none): the name of @field the way the forms call it */
const char *
kefu_conflict_field_label (const char *field)
{
  static const struct { const char *field; const char *label; } labels[] = {
    { "status", N_("Status") },
    { "assignee_id", N_("Assignee") },
    { "priority", N_("Priority") },
    { "department_id", N_("Department") },
    { "subject", N_("Subject") },
    { "description", N_("Description") },
    { "resolution", N_("Resolution") },
    { "name", N_("Name") },
    { "company", N_("Company") },
    { "industry", N_("Industry") },
    { "tags", N_("Tags") },
    { "preferences", N_("Preferences") },
    { "segment", N_("Segment") },
    { "manager_id", N_("Account manager") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    if (g_strcmp0 (field, labels[i].field) == 0)
      return _(labels[i].label);
  return field ? field : "";
}

/**
 * kefu_conflict_value_label:
 *
 * A side of a conflict for people: case statuses and priorities by their
 * names, staff members by name, text as it is.
 *
 * Returns: (transfer full): the text
 */
char *
kefu_conflict_value_label (KefuDb     *db,
                           const char *field,
                           const char *json)
{
  g_autofree char *text = kefu_conflict_value_text (json);

  if (*text == '\0')
    return g_steal_pointer (&text);
  if (g_strcmp0 (field, "status") == 0 && kefu_case_status_is_valid (text))
    return g_strdup (kefu_case_status_label (text));
  if (g_strcmp0 (field, "priority") == 0 && kefu_case_priority_is_valid (text))
    return g_strdup (kefu_case_priority_label (text));
  if (g_strcmp0 (field, "assignee_id") == 0 || g_strcmp0 (field, "manager_id") == 0 ||
      g_strcmp0 (field, "owner_id") == 0)
    {
      g_autoptr(KefuStaff) staff = kefu_org_get_staff (db, text, NULL);

      if (staff != NULL)
        return g_strdup (staff->name);
      return g_strdup (_("A staff member not known on this computer"));
    }
  return g_steal_pointer (&text);
}

static gpointer
conflict_from_row (sqlite3_stmt *stmt)
{
  KefuConflict *c = g_new0 (KefuConflict, 1);

  c->id = kefu_stmt_dup (stmt, 0);
  c->entity = kefu_stmt_dup (stmt, 1);
  c->row_id = kefu_stmt_dup (stmt, 2);
  c->label = kefu_stmt_dup (stmt, 3);
  c->field = kefu_stmt_dup (stmt, 4);
  c->server_value = kefu_stmt_dup (stmt, 5);
  c->client_value = kefu_stmt_dup (stmt, 6);
  c->created_at = sqlite3_column_int64 (stmt, 7);
  return c;
}

GPtrArray *
kefu_conflicts_list_open (KefuDb  *db,
                          guint    limit,
                          GError **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) kefu_conflict_free);
  sqlite3_stmt *stmt;

  g_return_val_if_fail (KEFU_IS_DB (db), NULL);

  stmt = kefu_db_prepare (db,
                          "SELECT f.id, f.entity, f.row_id, coalesce (k.number, c.name), f.field,"
                          " f.server_value, f.client_value, f.created_at FROM conflict f"
                          " LEFT JOIN kcase k ON f.entity = 'kcase' AND k.id = f.row_id"
                          " LEFT JOIN customer c ON f.entity = 'customer' AND c.id = f.row_id"
                          " WHERE f.deleted = 0 AND f.status = 'open'"
                          " ORDER BY f.created_at DESC, f.rowid DESC LIMIT ?",
                          error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int (stmt, 1, (int) MIN (limit, G_MAXINT));
  if (!kefu_db_read_rows (db, stmt, conflict_from_row, list, error))
    return NULL;
  return g_steal_pointer (&list);
}

gboolean
kefu_conflicts_resolve (KefuDb      *db,
                        const char  *id,
                        gboolean     use_other,
                        GError     **error)
{
  g_autoptr(KefuStaff) me = NULL;
  g_autoptr(KefuChangeSet) cs = NULL;
  g_autofree char *entity = NULL;
  g_autofree char *row_id = NULL;
  g_autofree char *field = NULL;
  g_autofree char *client_value = NULL;
  gint64 version = 0;
  gint64 now = g_get_real_time () / 1000;
  const char *resolution = use_other ? "other" : "kept";
  sqlite3_stmt *stmt;

  g_return_val_if_fail (KEFU_IS_DB (db), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);

  me = kefu_org_get_current_user (db);
  if (me == NULL || !(g_str_equal (me->role, "supervisor") || g_str_equal (me->role, "admin")))
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_PERMISSION,
                   _("Only a supervisor or an administrator can resolve conflicts."));
      return FALSE;
    }

  if (!kefu_db_begin (db, error))
    return FALSE;
  stmt = kefu_db_prepare (db,
                          "SELECT entity, row_id, field, client_value, version FROM conflict"
                          " WHERE id = ? AND deleted = 0 AND status = 'open'",
                          error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      entity = kefu_stmt_dup (stmt, 0);
      row_id = kefu_stmt_dup (stmt, 1);
      field = kefu_stmt_dup (stmt, 2);
      client_value = kefu_stmt_dup (stmt, 3);
      version = sqlite3_column_int64 (stmt, 4);
    }
  sqlite3_reset (stmt);
  if (entity == NULL)
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_NOT_FOUND,
                   _("This conflict has already been resolved."));
      goto fail;
    }

  if (use_other && field != NULL &&
      !write_field (db, entity, row_id, field, client_value, error))
    goto fail;

  cs = kefu_change_set_new ("conflict", id, KEFU_CHANGE_UPDATE, version);
  kefu_change_set_text (cs, "status", "open", "resolved");
  kefu_change_set_text (cs, "resolution", NULL, resolution);
  kefu_change_set_text (cs, "resolved_by", NULL, me->id);
  kefu_change_set_int (cs, "resolved_at", FALSE, 0, now);
  stmt = kefu_db_prepare (db,
                          "UPDATE conflict SET status = 'resolved', resolution = ?, resolved_by = ?,"
                          " resolved_at = ?, version = version + 1, hlc = ?, updated_by = ?, updated_at = ?"
                          " WHERE id = ?",
                          error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, resolution, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, me->id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, now);
  sqlite3_bind_text (stmt, 4, kefu_change_set_stamp (cs, db), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, kefu_db_get_actor (db), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 6, now);
  sqlite3_bind_text (stmt, 7, id, -1, SQLITE_STATIC);
  if (!kefu_db_step_done (db, stmt, error) || !kefu_db_record_change (db, cs, error))
    goto fail;
  return kefu_db_commit (db, error);

fail:
  kefu_db_rollback (db);
  return FALSE;
}
