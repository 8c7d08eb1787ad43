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

/* The JSON text of a stored value, to compare with a conflict's side. */
static char *
current_value_json (KefuDb      *db,
                    const char  *entity,
                    const char  *row_id,
                    const char  *field)
{
  g_autofree char *sql = g_strdup_printf ("SELECT json_quote (\"%s\") FROM \"%s\" WHERE id = ?", field, entity);
  sqlite3_stmt *stmt = kefu_db_prepare (db, sql, NULL);
  char *ret = NULL;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, row_id, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    ret = kefu_stmt_dup (stmt, 0);
  sqlite3_reset (stmt);
  return ret;
}

static gboolean
cannot_set_here (const char  *field,
                 GError     **error)
{
  g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID,
               _("“%s” cannot be changed from the conflicts list. Keep the server’s value, then change it in the form."),
               kefu_conflict_field_label (field));
  return FALSE;
}

/* A case's status or assignee goes through the case lifecycle, exactly as
 * the case page would change it (transitions, routing to active staff,
 * waiting clock, deadlines, timeline). */
static gboolean
apply_case_value (KefuDb      *db,
                  const char  *row_id,
                  const char  *field,
                  const char  *value,
                  GError     **error)
{
  if (g_str_equal (field, "status"))
    {
      g_autoptr(KefuCase) c = kefu_cases_get (db, row_id, error);
      const char *text = NULL;

      if (c == NULL)
        return FALSE;
      if (g_strcmp0 (value, "resolved") == 0)
        text = c->resolution;   /* the other office's resolution arrived with its change */
      else if (g_strcmp0 (value, "in_progress") == 0 || g_strcmp0 (value, "waiting") == 0)
        text = _("The other office’s choice in a sync conflict.");
      return kefu_cases_set_status (db, row_id, value, text, error);
    }
  if (g_str_equal (field, "assignee_id"))
    return kefu_cases_assign (db, row_id, NULL, value,
                              _("The other office’s choice in a sync conflict."), error);
  return cannot_set_here (field, error);
}

/* A customer field goes through kefu_customers_update(): the file's own
 * checks and its search index. */
static gboolean
apply_customer_value (KefuDb      *db,
                      const char  *row_id,
                      const char  *field,
                      JsonNode    *node,
                      GError     **error)
{
  static const struct { const char *field; gsize offset; } texts[] = {
    { "kind", G_STRUCT_OFFSET (KefuCustomer, kind) },
    { "name", G_STRUCT_OFFSET (KefuCustomer, name) },
    { "company", G_STRUCT_OFFSET (KefuCustomer, company) },
    { "industry", G_STRUCT_OFFSET (KefuCustomer, industry) },
    { "manager_id", G_STRUCT_OFFSET (KefuCustomer, manager_id) },
    { "segment", G_STRUCT_OFFSET (KefuCustomer, segment) },
    { "preferences", G_STRUCT_OFFSET (KefuCustomer, preferences) },
    { "tags", G_STRUCT_OFFSET (KefuCustomer, tags) },
  };
  g_autoptr(KefuCustomer) c = kefu_customers_get (db, row_id, error);
  const char *value = JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING
                      ? json_node_get_string (node) : NULL;

  if (c == NULL)
    return FALSE;
  if (!JSON_NODE_HOLDS_NULL (node) && value == NULL)
    return cannot_set_here (field, error);
  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    if (g_str_equal (field, texts[i].field))
      {
        if (g_str_equal (field, "manager_id") && value != NULL)
          {
            g_autoptr(KefuStaff) manager = kefu_org_get_staff (db, value, NULL);

            if (manager == NULL || !manager->active)
              {
                g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID,
                             _("That account manager is not an active staff member here."));
                return FALSE;
              }
          }
        kefu_set_str (G_STRUCT_MEMBER_P (c, texts[i].offset), value);
        if (g_str_equal (field, "segment"))
          c->segment_manual = TRUE;   /* chosen by a person, not by the rules */
        return kefu_customers_update (db, c, error);
      }
  return cannot_set_here (field, error);
}

/* Applies the losing side of a conflict through the same checks as an
 * edit in the forms; a refusal says why, prefixed so that the user knows
 * what was refused. Inside the caller's transaction. */
static gboolean
apply_other_value (KefuDb      *db,
                   const char  *entity,
                   const char  *row_id,
                   const char  *field,
                   const char  *json,
                   GError     **error)
{
  g_autoptr(JsonNode) node = json_from_string (json && *json ? json : "null", NULL);
  g_autofree char *current = NULL;
  gboolean ok;

  if (node == NULL || !(JSON_NODE_HOLDS_VALUE (node) || JSON_NODE_HOLDS_NULL (node)) ||
      !(g_str_equal (entity, "kcase") || g_str_equal (entity, "customer")))
    return cannot_set_here (field, error);
  current = current_value_json (db, entity, row_id, field);
  if (current == NULL)
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_NOT_FOUND,
                   _("The record of this conflict is not on this computer yet. Sync, then try again."));
      return FALSE;
    }
  {
    g_autofree char *wanted = json_to_string (node, FALSE);

    if (g_str_equal (current, wanted))
      return TRUE;   /* someone already made that change */
  }
  if (g_str_equal (entity, "kcase"))
    {
      g_autofree char *text = kefu_conflict_value_text (json);

      ok = apply_case_value (db, row_id, field, JSON_NODE_HOLDS_NULL (node) ? NULL : text, error);
    }
  else
    ok = apply_customer_value (db, row_id, field, node, error);
  if (!ok)
    g_prefix_error (error, _("The other value cannot be used: "));
  return ok;
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
      !apply_other_value (db, entity, row_id, field, client_value, error))
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
