/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "kefu-sync-local"

#include "config.h"

#include <string.h>

#include "kefu-kb.h"
#include "kefu-sync-local.h"
#include "kefu-sync-private.h"
#include "kefu-uuid.h"

/* --- helpers --------------------------------------------------------- */

static gint64
query_int (KefuDb     *db,
           const char *sql,
           const char *arg)
{
  sqlite3_stmt *stmt = kefu_db_prepare (db, sql, NULL);
  gint64 n = 0;

  if (stmt == NULL)
    return 0;
  if (arg)
    sqlite3_bind_text (stmt, 1, arg, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return n;
}

static gboolean
is_identifier (const char *s)
{
  if (s == NULL || *s == '\0' || strlen (s) > 64)
    return FALSE;
  for (; *s; s++)
    if (!(g_ascii_islower (*s) || g_ascii_isdigit (*s) || *s == '_'))
      return FALSE;
  return TRUE;
}

static void
columns_free (gpointer cols)
{
  if (cols)
    g_hash_table_unref (cols);
}

/* The columns of a synced table (NULL when @entity is not one), cached on
 * the connection. Only tables with the synced columns qualify, so the
 * wire can never name meta, the outbox or the audit log. */
static GHashTable *
entity_columns (KefuDb     *db,
                const char *entity)
{
  GHashTable *cache = g_object_get_data (G_OBJECT (db), "kefu-sync-columns");
  GHashTable *cols;
  g_autofree char *sql = NULL;
  sqlite3_stmt *stmt = NULL;

  if (cache == NULL)
    {
      cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, columns_free);
      g_object_set_data_full (G_OBJECT (db), "kefu-sync-columns", cache,
                              (GDestroyNotify) g_hash_table_unref);
    }
  if (g_hash_table_lookup_extended (cache, entity, NULL, (gpointer *) &cols))
    return cols;
  if (!is_identifier (entity))
    return NULL;

  cols = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  sql = g_strdup_printf ("SELECT name FROM pragma_table_info('%s')", entity);
  if (sqlite3_prepare_v2 (kefu_db_get_handle (db), sql, -1, &stmt, NULL) == SQLITE_OK)
    while (sqlite3_step (stmt) == SQLITE_ROW)
      g_hash_table_add (cols, kefu_stmt_dup (stmt, 0));
  sqlite3_finalize (stmt);
  if (!g_hash_table_contains (cols, "id") || !g_hash_table_contains (cols, "version") ||
      !g_hash_table_contains (cols, "hlc") || !g_hash_table_contains (cols, "deleted"))
    g_clear_pointer (&cols, g_hash_table_unref);
  g_hash_table_insert (cache, g_strdup (entity), cols);
  return cols;
}

static void
bind_json (sqlite3_stmt *stmt,
           int           idx,
           JsonNode     *node)
{
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      sqlite3_bind_null (stmt, idx);
      return;
    }
  if (JSON_NODE_HOLDS_VALUE (node))
    {
      switch (json_node_get_value_type (node))
        {
        case G_TYPE_INT64:
          sqlite3_bind_int64 (stmt, idx, json_node_get_int (node));
          return;
        case G_TYPE_BOOLEAN:
          sqlite3_bind_int (stmt, idx, json_node_get_boolean (node) ? 1 : 0);
          return;
        case G_TYPE_DOUBLE:
          sqlite3_bind_double (stmt, idx, json_node_get_double (node));
          return;
        case G_TYPE_STRING:
          sqlite3_bind_text (stmt, idx, json_node_get_string (node), -1, SQLITE_TRANSIENT);
          return;
        default:
          sqlite3_bind_null (stmt, idx);
          return;
        }
    }
  /* Objects and arrays are stored as their JSON text. */
  {
    g_autofree char *text = json_to_string (node, FALSE);

    sqlite3_bind_text (stmt, idx, text, -1, SQLITE_TRANSIENT);
  }
}

/* The fields of @entity/@row_id that local changes not yet answered by
 * the server touch. Returns: (transfer full) (nullable) */
static GHashTable *
pending_fields (KefuDb      *db,
                const char  *entity,
                const char  *row_id,
                GError     **error)
{
  sqlite3_stmt *stmt = kefu_db_prepare (db,
                                        "SELECT fields FROM outbox WHERE entity = ? AND row_id = ?"
                                        " AND acked_at IS NULL",
                                        error);
  GHashTable *set = NULL;
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, entity, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, row_id, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      JsonNode *root;

      if (set == NULL)
        set = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      if (!json_parser_load_from_data (parser, kefu_stmt_text (stmt, 0), -1, NULL))
        continue;
      root = json_parser_get_root (parser);
      if (root && JSON_NODE_HOLDS_OBJECT (root))
        {
          g_autoptr(GList) names = json_object_get_members (json_node_get_object (root));

          for (GList *l = names; l; l = l->next)
            g_hash_table_add (set, g_strdup (l->data));
        }
    }
  sqlite3_reset (stmt);
  return set;
}

static const char *
contact_customer (KefuDb         *db,
                  KefuPulledRow *change,
                  char          **owned)
{
  sqlite3_stmt *stmt;

  if (change->fields && json_object_has_member (change->fields, "customer_id"))
    {
      const char *id = json_object_get_string_member_with_default (change->fields, "customer_id", NULL);

      if (id)
        return id;
    }
  stmt = kefu_db_prepare (db, "SELECT customer_id FROM customer_contact WHERE id = ?", NULL);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, change->row_id, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    *owned = kefu_stmt_dup (stmt, 0);
  sqlite3_reset (stmt);
  return *owned;
}

static gboolean take_server_device_code (KefuDb         *db,
                                         KefuPulledRow  *change,
                                         GError        **error);

static gboolean
write_row (KefuDb         *db,
           KefuPulledRow  *change,
           GPtrArray      *names,
           gboolean        exists,
           gboolean        keep_deleted,
           GError        **error)
{
  g_autoptr(GString) sql = g_string_new (NULL);
  sqlite3_stmt *stmt;
  int idx = 1;

  if (exists)
    {
      g_string_printf (sql, "UPDATE %s SET ", change->entity);
      for (guint i = 0; i < names->len; i++)
        g_string_append_printf (sql, "%s = ?, ", (const char *) names->pdata[i]);
      if (!keep_deleted)
        g_string_append (sql, "deleted = ?, ");
      /* The local version only has to change (open editors notice);
       * the server's version is kept in sync_row. */
      g_string_append (sql, "hlc = ?, version = version + 1 WHERE id = ?");
      stmt = kefu_db_prepare (db, sql->str, error);
      if (stmt == NULL)
        return FALSE;
      for (guint i = 0; i < names->len; i++)
        bind_json (stmt, idx++, json_object_get_member (change->fields, names->pdata[i]));
      if (!keep_deleted)
        sqlite3_bind_int (stmt, idx++, change->deleted ? 1 : 0);
      sqlite3_bind_text (stmt, idx++, change->hlc ? change->hlc : "", -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, idx++, change->row_id, -1, SQLITE_STATIC);
    }
  else
    {
      g_autoptr(GString) values = g_string_new ("?, ?, ?");

      g_string_printf (sql, "INSERT INTO %s (id, deleted, hlc", change->entity);
      for (guint i = 0; i < names->len; i++)
        {
          g_string_append_printf (sql, ", %s", (const char *) names->pdata[i]);
          g_string_append (values, ", ?");
        }
      g_string_append_printf (sql, ") VALUES (%s)", values->str);
      stmt = kefu_db_prepare (db, sql->str, error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, idx++, change->row_id, -1, SQLITE_STATIC);
      sqlite3_bind_int (stmt, idx++, change->deleted ? 1 : 0);
      sqlite3_bind_text (stmt, idx++, change->hlc ? change->hlc : "", -1, SQLITE_STATIC);
      for (guint i = 0; i < names->len; i++)
        bind_json (stmt, idx++, json_object_get_member (change->fields, names->pdata[i]));
    }
  return kefu_db_step_done (db, stmt, error);
}


/* A case's search tokens carry its customer's name. When a pulled
 * customer arrives after its cases (it changed later on the server) or
 * under a new name, its cases are indexed again with the name the index
 * holds for them now (@old_name) replaced. */
static gboolean
reindex_cases_of (KefuDb      *db,
                  const char  *customer_id,
                  const char  *old_name,
                  const char  *new_name,
                  GError     **error)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt;

  if (g_strcmp0 (old_name, new_name) == 0)
    return TRUE;
  stmt = kefu_db_prepare (db, "SELECT id FROM kcase WHERE customer_id = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, customer_id, -1, SQLITE_STATIC);
  if (!kefu_db_read_rows (db, stmt, kefu_row_dup_text, ids, error))
    return FALSE;
  for (guint i = 0; i < ids->len; i++)
    {
      g_autoptr(KefuCase) fresh = _kefu_cases_load_any (db, ids->pdata[i]);
      g_autoptr(KefuCase) old = NULL;

      if (fresh == NULL)
        continue;
      old = kefu_case_copy (fresh);
      kefu_set_str (&old->customer_name, old_name);
      if (!_kefu_cases_fts_write (db, fresh->rowid, old, fresh, error))
        return FALSE;
    }
  return TRUE;
}

/* Moves the local rows that hold the unique values of @change (named by
 * SQLite's "UNIQUE constraint failed: t.a, t.b") aside, by appending a
 * part of their id to the last of those columns. */
static gboolean
move_aside (KefuDb         *db,
            KefuPulledRow  *change,
            const char     *message,
            GError        **error)
{
  const char *list = message ? strstr (message, "UNIQUE constraint failed: ") : NULL;
  g_autofree char *cols_text = NULL;
  g_auto(GStrv) cols = NULL;
  g_autoptr(GString) where = g_string_new (NULL);
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *select = NULL;
  g_autofree char *update = NULL;
  const char *last = NULL;
  sqlite3_stmt *stmt;
  guint n = 0;

  if (list == NULL || change->fields == NULL)
    return FALSE;
  cols_text = g_strndup (list + strlen ("UNIQUE constraint failed: "),
                         strcspn (list + strlen ("UNIQUE constraint failed: "), ")"));
  cols = g_strsplit (cols_text, ",", -1);
  for (guint i = 0; cols[i]; i++)
    {
      char *dot = strchr (g_strstrip (cols[i]), '.');
      const char *col = dot ? dot + 1 : cols[i];

      if (!is_identifier (col) || !json_object_has_member (change->fields, col))
        return FALSE;
      g_string_append_printf (where, "%s%s IS ?", n++ ? " AND " : "", col);
      last = col;
    }
  if (last == NULL)
    return FALSE;

  select = g_strdup_printf ("SELECT id FROM %s WHERE %s AND id <> ?", change->entity, where->str);
  stmt = kefu_db_prepare (db, select, error);
  if (stmt == NULL)
    return FALSE;
  n = 1;
  for (guint i = 0; cols[i]; i++)
    {
      char *dot = strchr (cols[i], '.');

      bind_json (stmt, (int) n++, json_object_get_member (change->fields, dot ? dot + 1 : cols[i]));
    }
  sqlite3_bind_text (stmt, (int) n, change->row_id, -1, SQLITE_STATIC);
  if (!kefu_db_read_rows (db, stmt, kefu_row_dup_text, ids, error) || ids->len == 0)
    return FALSE;

  update = g_strdup_printf ("UPDATE %s SET %s = %s || '~' || substr (id, -6) WHERE id = ?",
                            change->entity, last, last);
  for (guint i = 0; i < ids->len; i++)
    {
      g_message ("Pulled %s %s: the local row %s had the same %s and is renamed",
                 change->entity, change->row_id, (const char *) ids->pdata[i], last);
      stmt = kefu_db_prepare (db, update, error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, ids->pdata[i], -1, SQLITE_STATIC);
      if (!kefu_db_step_done (db, stmt, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
apply_one (KefuDb              *db,
           KefuPulledRow       *change,
           KefuSyncApplyStats  *stats,
           GError             **error)
{
  GHashTable *cols = entity_columns (db, change->entity);
  g_autoptr(GHashTable) pending = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  g_autoptr(KefuCustomer) old_customer = NULL;
  g_autoptr(KefuCase) old_case = NULL;
  g_autofree char *owned_customer_id = NULL;
  g_autoptr(GList) members = NULL;
  const char *customer_id = NULL;
  g_autoptr(GError) unique_error = NULL;
  gboolean exists;
  gboolean keep_deleted;
  gboolean kept_local = FALSE;
  sqlite3_stmt *stmt;

  if (cols == NULL || !kefu_uuid_is_valid (change->row_id))
    {
      g_debug ("Skipping a pulled %s this version does not store", change->entity);
      stats->n_unknown++;
      return TRUE;
    }

  stmt = kefu_db_prepare (db, "SELECT server_version FROM sync_row WHERE entity = ? AND row_id = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, change->entity, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, change->row_id, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_int64 (stmt, 0) >= change->server_version)
    {
      sqlite3_reset (stmt);
      stats->n_skipped++;
      return TRUE;
    }
  sqlite3_reset (stmt);

  pending = pending_fields (db, change->entity, change->row_id, error);
  if (error && *error)
    return FALSE;

  /* What the search indexes held before. */
  if (g_str_equal (change->entity, "customer"))
    old_customer = _kefu_customers_load_any (db, change->row_id);
  else if (g_str_equal (change->entity, "customer_contact"))
    {
      customer_id = contact_customer (db, change, &owned_customer_id);
      if (customer_id)
        old_customer = _kefu_customers_load_any (db, customer_id);
    }
  else if (g_str_equal (change->entity, "kcase"))
    old_case = _kefu_cases_load_any (db, change->row_id);

  {
    g_autofree char *q = g_strdup_printf ("SELECT 1 FROM %s WHERE id = ?", change->entity);

    stmt = kefu_db_prepare (db, q, error);
    if (stmt == NULL)
      return FALSE;
    sqlite3_bind_text (stmt, 1, change->row_id, -1, SQLITE_STATIC);
    exists = sqlite3_step (stmt) == SQLITE_ROW;
    sqlite3_reset (stmt);
  }

  if (change->fields)
    members = json_object_get_members (change->fields);
  for (GList *l = members; l; l = l->next)
    {
      const char *name = l->data;

      if (!g_hash_table_contains (cols, name) || g_str_equal (name, "id") ||
          g_str_equal (name, "version") || g_str_equal (name, "deleted") ||
          g_str_equal (name, "hlc"))
        continue;
      if (exists && pending && g_hash_table_contains (pending, name))
        {
          kept_local = TRUE;
          continue;
        }
      g_ptr_array_add (names, (gpointer) name);
    }

  keep_deleted = exists && pending && g_hash_table_contains (pending, "deleted");
  if (keep_deleted)
    kept_local = TRUE;
  if (!write_row (db, change, names, exists, keep_deleted, &unique_error))
    {
      /* A row made here before this computer synced holds a value the
       * server's row must have (a user name, a code, a number): the
       * server's row wins, the local one is moved aside. */
      if (!g_error_matches (unique_error, KEFU_ERROR, KEFU_ERROR_INVALID) ||
          !move_aside (db, change, unique_error->message, error) ||
          !write_row (db, change, names, exists, keep_deleted, error))
        {
          if (unique_error && error && *error == NULL)
            g_propagate_error (error, g_steal_pointer (&unique_error));
          g_prefix_error (error, "Could not store the pulled %s %s: ", change->entity, change->row_id);
          return FALSE;
        }
    }

  stmt = kefu_db_prepare (db,
                          "INSERT INTO sync_row (entity, row_id, server_version, scope, deleted) VALUES (?, ?, ?, ?, ?)"
                          " ON CONFLICT (entity, row_id) DO UPDATE SET server_version = excluded.server_version,"
                          " scope = excluded.scope, deleted = excluded.deleted",
                          error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, change->entity, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, change->row_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, change->server_version);
  sqlite3_bind_text (stmt, 4, change->scope, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 5, change->deleted ? 1 : 0);
  if (!kefu_db_step_done (db, stmt, error))
    return FALSE;

  /* Derived columns and search indexes, with the modules' own writers. */
  if (!_kefu_customers_fix_derived (db, change->entity, change->row_id, error))
    return FALSE;
  if (g_str_equal (change->entity, "customer") || customer_id != NULL)
    {
      g_autoptr(KefuCustomer) fresh = _kefu_customers_load_any (db, customer_id ? customer_id : change->row_id);

      if (fresh && !_kefu_customers_fts_write (db, fresh->rowid, old_customer, fresh, error))
        {
          g_prefix_error (error, "Search index of customer %s: ", fresh->id);
          return FALSE;
        }
      if (fresh && customer_id == NULL &&
          !reindex_cases_of (db, fresh->id, old_customer ? old_customer->name : NULL, fresh->name, error))
        {
          g_prefix_error (error, "Search index of the cases of customer %s: ", fresh->id);
          return FALSE;
        }
    }
  else if (g_str_equal (change->entity, "kb_article") && !kefu_kb_reindex_article (db, change->row_id, error))
    {
      g_prefix_error (error, "Search index of article %s: ", change->row_id);
      return FALSE;
    }
  else if (g_str_equal (change->entity, "kcase"))
    {
      g_autoptr(KefuCase) fresh = _kefu_cases_load_any (db, change->row_id);

      if (fresh && !_kefu_cases_fts_write (db, fresh->rowid, old_case, fresh, error))
        {
          g_prefix_error (error, "Search index of case %s: ", fresh->id);
          return FALSE;
        }
    }

  if (!take_server_device_code (db, change, error))
    return FALSE;

  stats->n_applied++;
  if (kept_local)
    stats->n_kept_local++;
  return TRUE;
}

/* --- public API ------------------------------------------------------ */

void
kefu_outbox_op_free (KefuOutboxOp *op)
{
  if (op == NULL)
    return;
  g_free (op->op_id);
  g_free (op->entity);
  g_free (op->row_id);
  g_free (op->op);
  g_free (op->fields);
  g_free (op->hlc);
  g_free (op);
}

/**
 * kefu_pulled_row_new:
 * @fields: (transfer none) (nullable): the row's columns
 *
 * Returns: (transfer full): a pulled row
 */
KefuPulledRow *
kefu_pulled_row_new (const char *scope,
                     const char *entity,
                     const char *row_id,
                      gint64      server_version,
                      gboolean    deleted,
                      JsonObject *fields)
{
  KefuPulledRow *change = g_new0 (KefuPulledRow, 1);

  change->scope = g_strdup (scope);
  change->entity = g_strdup (entity);
  change->row_id = g_strdup (row_id);
  change->server_version = server_version;
  change->deleted = deleted;
  change->fields = fields ? json_object_ref (fields) : NULL;
  if (fields && json_object_has_member (fields, "hlc"))
    change->hlc = g_strdup (json_object_get_string_member_with_default (fields, "hlc", NULL));
  return change;
}

void
kefu_pulled_row_free (KefuPulledRow *change)
{
  if (change == NULL)
    return;
  g_free (change->scope);
  g_free (change->entity);
  g_free (change->row_id);
  g_free (change->hlc);
  g_clear_pointer (&change->fields, json_object_unref);
  g_free (change);
}

char *
kefu_sync_local_get (KefuDb     *db,
                     const char *key)
{
  sqlite3_stmt *stmt;
  char *ret = NULL;

  g_return_val_if_fail (KEFU_IS_DB (db), NULL);

  stmt = kefu_db_prepare (db, "SELECT value FROM sync_state WHERE key = ?", NULL);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    ret = kefu_stmt_dup (stmt, 0);
  sqlite3_reset (stmt);
  return ret;
}

/* @value NULL removes the key. */
gboolean
kefu_sync_local_set (KefuDb      *db,
                     const char  *key,
                     const char  *value,
                     GError     **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (KEFU_IS_DB (db), FALSE);

  if (value == NULL)
    stmt = kefu_db_prepare (db, "DELETE FROM sync_state WHERE key = ?", error);
  else
    stmt = kefu_db_prepare (db, "INSERT OR REPLACE INTO sync_state (key, value) VALUES (?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  if (value)
    sqlite3_bind_text (stmt, 2, value, -1, SQLITE_STATIC);
  return kefu_db_step_done (db, stmt, error);
}

gint64
kefu_sync_local_get_cursor (KefuDb     *db,
                            const char *scope)
{
  g_return_val_if_fail (KEFU_IS_DB (db), 0);

  return query_int (db, "SELECT cursor FROM sync_scope WHERE scope = ?", scope);
}

gint64
kefu_sync_local_pending_count (KefuDb *db)
{
  g_return_val_if_fail (KEFU_IS_DB (db), 0);

  return query_int (db, "SELECT count(*) FROM outbox WHERE acked_at IS NULL", NULL);
}

/**
 * kefu_sync_local_push_device:
 *
 * The device id pushes are sent under: the database's device id at first,
 * a new one after each full resync (the server's sequence for the old id
 * is gone with its epoch).
 *
 * Returns: (transfer full): the id
 */
char *
kefu_sync_local_push_device (KefuDb *db)
{
  char *id = kefu_sync_local_get (db, "push_device");

  if (id == NULL)
    {
      g_autofree char *epoch = kefu_sync_local_get (db, "epoch_changes");

      id = epoch ? kefu_uuid7_new () : g_strdup (kefu_db_get_device_id (db));
      kefu_sync_local_set (db, "push_device", id, NULL);
    }
  return id;
}

gint64
kefu_sync_local_last_push_seq (KefuDb *db)
{
  g_autofree char *value = kefu_sync_local_get (db, "push_seq");

  return value ? g_ascii_strtoll (value, NULL, 10) : 0;
}

/* Entries of entities the server does not sync are answered "local" and
 * never numbered, so they cannot leave a gap in the push sequence. */
static gboolean
settle_local_entries (KefuDb                *db,
                      KefuSyncEntityFilter   filter,
                      GError               **error)
{
  g_autoptr(GArray) local = g_array_new (FALSE, FALSE, sizeof (gint64));
  sqlite3_stmt *stmt;
  int rc;

  stmt = kefu_db_prepare (db, "SELECT seq, entity FROM outbox WHERE push_seq IS NULL AND acked_at IS NULL", error);
  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    if (!filter (kefu_stmt_text (stmt, 1)))
      {
        gint64 seq = sqlite3_column_int64 (stmt, 0);

        g_array_append_val (local, seq);
      }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return kefu_db_set_error (db, error);
  for (guint i = 0; i < local->len; i++)
    {
      stmt = kefu_db_prepare (db, "UPDATE outbox SET acked_at = ?, result = 'local' WHERE seq = ?", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, g_get_real_time () / 1000);
      sqlite3_bind_int64 (stmt, 2, g_array_index (local, gint64, i));
      if (!kefu_db_step_done (db, stmt, error))
        return FALSE;
    }
  return TRUE;
}

GPtrArray *
kefu_sync_local_next_batch (KefuDb                *db,
                            KefuSyncEntityFilter   filter,
                            guint                  max_ops,
                            gsize                  max_bytes,
                            GError               **error)
{
  g_autoptr(GPtrArray) ops = g_ptr_array_new_with_free_func ((GDestroyNotify) kefu_outbox_op_free);
  gint64 last;
  gsize bytes = 0;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (KEFU_IS_DB (db), NULL);

  /* Number new entries after the last number ever handed out, kept in
   * sync_state: outbox.seq is a rowid and comes back after pruning. */
  if (!kefu_db_begin (db, error))
    return NULL;
  if (filter && !settle_local_entries (db, filter, error))
    goto fail;
  last = kefu_sync_local_last_push_seq (db);
  stmt = kefu_db_prepare (db,
                          "UPDATE outbox SET push_seq = ?1 + n.rn FROM"
                          " (SELECT seq, row_number () OVER (ORDER BY seq) AS rn FROM outbox"
                          "  WHERE push_seq IS NULL AND acked_at IS NULL) AS n WHERE outbox.seq = n.seq",
                          error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, last);
  if (!kefu_db_step_done (db, stmt, error))
    goto fail;
  {
    int n = sqlite3_changes (kefu_db_get_handle (db));

    if (n > 0)
      {
        char buf[32];

        g_snprintf (buf, sizeof buf, "%" G_GINT64_FORMAT, last + n);
        if (!kefu_sync_local_set (db, "push_seq", buf, error))
          goto fail;
      }
  }
  if (!kefu_db_commit (db, error))
    return NULL;

  stmt = kefu_db_prepare (db,
                          "SELECT push_seq, op_id, entity, row_id, op, fields, base_version,"
                          " base_server_version, hlc, created_at FROM outbox"
                          " WHERE acked_at IS NULL AND push_seq IS NOT NULL ORDER BY push_seq LIMIT ?",
                          error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int (stmt, 1, (int) MAX (max_ops, 1));
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      KefuOutboxOp *op;
      gsize size = (gsize) sqlite3_column_bytes (stmt, 5) + 256;

      if (ops->len > 0 && bytes + size > max_bytes)
        break;
      bytes += size;
      op = g_new0 (KefuOutboxOp, 1);
      op->push_seq = sqlite3_column_int64 (stmt, 0);
      op->op_id = kefu_stmt_dup (stmt, 1);
      op->entity = kefu_stmt_dup (stmt, 2);
      op->row_id = kefu_stmt_dup (stmt, 3);
      op->op = kefu_stmt_dup (stmt, 4);
      op->fields = kefu_stmt_dup (stmt, 5);
      op->base_version = sqlite3_column_int64 (stmt, 6);
      op->base_server_version = sqlite3_column_int64 (stmt, 7);
      op->hlc = kefu_stmt_dup (stmt, 8);
      op->created_at = sqlite3_column_int64 (stmt, 9);
      g_ptr_array_add (ops, op);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    {
      kefu_db_set_error (db, error);
      return NULL;
    }
  return g_steal_pointer (&ops);

fail:
  kefu_db_rollback (db);
  return NULL;
}

gboolean
kefu_sync_local_ack (KefuDb          *db,
                     const char      *op_id,
                     KefuOutboxResult   result,
                     const char      *message,
                     GError         **error)
{
  static const char *names[] = { "applied", "conflict", "rejected" };
  sqlite3_stmt *stmt;

  g_return_val_if_fail (KEFU_IS_DB (db), FALSE);
  g_return_val_if_fail (result <= KEFU_OUTBOX_REJECTED, FALSE);

  stmt = kefu_db_prepare (db,
                          "UPDATE outbox SET acked_at = ?, result = ?, result_message = ?"
                          " WHERE op_id = ? AND acked_at IS NULL",
                          error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, g_get_real_time () / 1000);
  sqlite3_bind_text (stmt, 2, names[result], -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, message, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, op_id, -1, SQLITE_STATIC);
  return kefu_db_step_done (db, stmt, error);
}

/**
 * kefu_sync_local_drop:
 *
 * Answers entry @op_id as rejected with @message although the server never
 * saw it (it refused the whole request, naming this entry), and numbers
 * the entries after it again so that the push sequence has no gap.
 */
gboolean
kefu_sync_local_drop (KefuDb      *db,
                      const char  *op_id,
                      const char  *message,
                      GError     **error)
{
  sqlite3_stmt *stmt;
  gint64 seq = 0;
  char buf[32];

  g_return_val_if_fail (KEFU_IS_DB (db), FALSE);

  if (!kefu_db_begin (db, error))
    return FALSE;
  stmt = kefu_db_prepare (db, "SELECT push_seq FROM outbox WHERE op_id = ? AND acked_at IS NULL", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, op_id, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    seq = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  if (seq <= 0)
    return kefu_db_commit (db, error);

  stmt = kefu_db_prepare (db,
                          "UPDATE outbox SET push_seq = NULL, acked_at = ?, result = 'rejected', result_message = ?"
                          " WHERE op_id = ?",
                          error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, g_get_real_time () / 1000);
  sqlite3_bind_text (stmt, 2, message, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, op_id, -1, SQLITE_STATIC);
  if (!kefu_db_step_done (db, stmt, error))
    goto fail;
  stmt = kefu_db_prepare (db, "UPDATE outbox SET push_seq = NULL WHERE push_seq > ?", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, seq);
  if (!kefu_db_step_done (db, stmt, error))
    goto fail;
  g_snprintf (buf, sizeof buf, "%" G_GINT64_FORMAT, seq - 1);
  if (!kefu_sync_local_set (db, "push_seq", buf, error))
    goto fail;
  return kefu_db_commit (db, error);

fail:
  kefu_db_rollback (db);
  return FALSE;
}

gboolean
kefu_sync_local_rewind (KefuDb   *db,
                        gint64    push_seq,
                        GError  **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (KEFU_IS_DB (db), FALSE);

  stmt = kefu_db_prepare (db,
                          "UPDATE outbox SET acked_at = NULL, result = NULL, result_message = NULL"
                          " WHERE push_seq >= ?",
                          error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, push_seq);
  return kefu_db_step_done (db, stmt, error);
}

gint64
kefu_sync_local_prune (KefuDb   *db,
                       gint64    before_ms,
                       GError  **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (KEFU_IS_DB (db), -1);

  stmt = kefu_db_prepare (db, "DELETE FROM outbox WHERE acked_at IS NOT NULL AND acked_at < ?", error);
  if (stmt == NULL)
    return -1;
  sqlite3_bind_int64 (stmt, 1, before_ms);
  if (!kefu_db_step_done (db, stmt, error))
    return -1;
  return sqlite3_changes (kefu_db_get_handle (db));
}

static gboolean
store_cursor (KefuDb      *db,
              const char  *scope,
              gint64       cursor,
              GError     **error)
{
  sqlite3_stmt *stmt = kefu_db_prepare (db,
                                        "INSERT INTO sync_scope (scope, cursor, updated_at) VALUES (?, ?, ?)"
                                        " ON CONFLICT (scope) DO UPDATE SET cursor = max (cursor, excluded.cursor),"
                                        " updated_at = excluded.updated_at",
                                        error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, scope, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, cursor);
  sqlite3_bind_int64 (stmt, 3, g_get_real_time () / 1000);
  return kefu_db_step_done (db, stmt, error);
}

gboolean
kefu_sync_local_apply (KefuDb              *db,
                       GPtrArray           *changes,
                       const char * const  *scopes,
                       const gint64        *cursors,
                       KefuSyncApplyStats  *stats,
                       GError             **error)
{
  KefuSyncApplyStats local = { 0 };
  gboolean fk_off = FALSE;
  gboolean ok = FALSE;

  g_return_val_if_fail (KEFU_IS_DB (db), FALSE);

  if (stats == NULL)
    stats = &local;

  /* A pulled row may name rows outside this device's scope (a staff
   * member of another branch) or ones a later page brings: the server
   * checked them, so foreign keys are not enforced while applying. The
   * pragma only works outside a transaction. */
  if (!kefu_db_in_transaction (db))
    fk_off = kefu_db_exec (db, "PRAGMA foreign_keys = OFF", NULL);

  if (!kefu_db_begin (db, error))
    goto out;
  for (guint i = 0; changes && i < changes->len; i++)
    if (!apply_one (db, changes->pdata[i], stats, error))
      {
        kefu_db_rollback (db);
        goto out;
      }
  for (guint i = 0; scopes && scopes[i]; i++)
    if (!store_cursor (db, scopes[i], cursors[i], error))
      {
        kefu_db_rollback (db);
        goto out;
      }
  ok = kefu_db_commit (db, error);

out:
  if (fk_off)
    kefu_db_exec (db, "PRAGMA foreign_keys = ON", NULL);
  return ok;
}

gboolean
kefu_sync_local_reset (KefuDb      *db,
                       const char  *epoch,
                       GError     **error)
{
  g_return_val_if_fail (KEFU_IS_DB (db), FALSE);

  if (!kefu_db_begin (db, error))
    return FALSE;
  /* docs/SYNC.md, "Epoch": the unanswered entries go again, numbered
   * from 1 under a new device id. */
  if (!kefu_db_exec (db, "DELETE FROM sync_scope; DELETE FROM sync_row;"
                     " UPDATE outbox SET push_seq = NULL WHERE push_seq IS NOT NULL;", error) ||
      !kefu_sync_local_set (db, "epoch", epoch, error) ||
      !kefu_sync_local_set (db, "push_seq", NULL, error) ||
      !kefu_sync_local_set (db, "push_device", NULL, error) ||
      !kefu_sync_local_set (db, "epoch_changes", "1", error) ||
      !kefu_sync_local_set (db, "snapshot_done", NULL, error))
    {
      kefu_db_rollback (db);
      return FALSE;
    }
  return kefu_db_commit (db, error);
}

/**
 * kefu_sync_local_restart_pull:
 *
 * Forgets cursors and server versions (the next pull starts from a
 * snapshot) but keeps the push numbering: for a copy that no longer
 * matches the server within the same epoch.
 */
gboolean
kefu_sync_local_restart_pull (KefuDb  *db,
                              GError **error)
{
  g_return_val_if_fail (KEFU_IS_DB (db), FALSE);

  if (!kefu_db_begin (db, error))
    return FALSE;
  /* Server version 0 (never a real one) marks every row as not seen
   * again yet: kefu_sync_local_sweep_unseen() finds what the snapshot no
   * longer holds. */
  if (!kefu_db_exec (db, "DELETE FROM sync_scope; UPDATE sync_row SET server_version = 0;", error) ||
      !kefu_sync_local_set (db, "snapshot_done", NULL, error))
    {
      kefu_db_rollback (db);
      return FALSE;
    }
  return kefu_db_commit (db, error);
}

typedef struct
{
  char *entity;
  char *row_id;
  char *scope;
} UnseenRow;

static gpointer
unseen_from_row (sqlite3_stmt *stmt)
{
  UnseenRow *r = g_new0 (UnseenRow, 1);

  r->entity = kefu_stmt_dup (stmt, 0);
  r->row_id = kefu_stmt_dup (stmt, 1);
  r->scope = kefu_stmt_dup (stmt, 2);
  return r;
}

static void
unseen_free (gpointer data)
{
  UnseenRow *r = data;

  g_free (r->entity);
  g_free (r->row_id);
  g_free (r->scope);
  g_free (r);
}

/* Tombstones @r here, as if the server had sent its deletion, unless it
 * is gone already or an unsent local change still names it. */
static gboolean
bury_unseen (KefuDb      *db,
             UnseenRow   *r,
             GError     **error)
{
  g_autofree char *sql = NULL;
  g_autofree char *hlc = NULL;
  g_autoptr(JsonObject) fields = NULL;
  g_autoptr(KefuPulledRow) change = NULL;
  KefuSyncApplyStats stats = { 0 };
  sqlite3_stmt *stmt;
  gboolean live;

  if (entity_columns (db, r->entity) == NULL)
    return TRUE;
  stmt = kefu_db_prepare (db, "SELECT count(*) FROM outbox WHERE acked_at IS NULL AND entity = ? AND row_id = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, r->entity, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, r->row_id, -1, SQLITE_STATIC);
  live = sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_int64 (stmt, 0) > 0;
  sqlite3_reset (stmt);
  if (live)
    return TRUE;

  sql = g_strdup_printf ("SELECT hlc FROM %s WHERE id = ? AND deleted = 0", r->entity);
  stmt = kefu_db_prepare (db, sql, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, r->row_id, -1, SQLITE_STATIC);
  live = sqlite3_step (stmt) == SQLITE_ROW;
  if (live)
    hlc = kefu_stmt_dup (stmt, 0);
  sqlite3_reset (stmt);
  if (!live)
    return TRUE;

  fields = json_object_new ();
  json_object_set_string_member (fields, "hlc", hlc ? hlc : "");
  change = kefu_pulled_row_new (r->scope, r->entity, r->row_id, 1, TRUE, fields);
  return apply_one (db, change, &stats, error);
}

/**
 * kefu_sync_local_sweep_unseen:
 *
 * After the snapshot that follows kefu_sync_local_restart_pull() has
 * ended: rows this computer had pulled before and that the snapshot did
 * not bring again are no longer on the server for this user (their
 * tombstones were purged past the cursor, or they left the user's scopes).
 * They become tombstones here, with the search indexes kept by the
 * modules' writers and no outbox entry, unless an unsent local change
 * still names them (it goes to the server, which answers for it); either
 * way they stop counting as pulled rows. Does nothing after a first sync.
 */
gboolean
kefu_sync_local_sweep_unseen (KefuDb  *db,
                              GError **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (unseen_free);
  sqlite3_stmt *stmt;

  g_return_val_if_fail (KEFU_IS_DB (db), FALSE);

  stmt = kefu_db_prepare (db, "SELECT entity, row_id, scope FROM sync_row WHERE server_version = 0", error);
  if (stmt == NULL || !kefu_db_read_rows (db, stmt, unseen_from_row, rows, error))
    return FALSE;
  if (rows->len == 0)
    return TRUE;
  g_message ("Rows no longer on the server, removed here: %u", rows->len);
  if (!kefu_db_begin (db, error))
    return FALSE;
  for (guint i = 0; i < rows->len; i++)
    {
      UnseenRow *r = rows->pdata[i];

      if (!bury_unseen (db, r, error))
        goto fail;
      stmt = kefu_db_prepare (db, "DELETE FROM sync_row WHERE entity = ? AND row_id = ?", error);
      if (stmt == NULL)
        goto fail;
      sqlite3_bind_text (stmt, 1, r->entity, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, r->row_id, -1, SQLITE_STATIC);
      if (!kefu_db_step_done (db, stmt, error))
        goto fail;
    }
  return kefu_db_commit (db, error);

fail:
  kefu_db_rollback (db);
  return FALSE;
}

gint64
kefu_sync_local_open_conflicts (KefuDb *db)
{
  g_return_val_if_fail (KEFU_IS_DB (db), 0);

  return query_int (db, "SELECT count(*) FROM conflict WHERE deleted = 0 AND status = 'open'", NULL);
}

/**
 * kefu_sync_local_verify:
 * @add: called with entity, row id and server version of every live row
 *   of @scope that this device holds
 *
 * Walks what the device holds of @scope the way the server's verify
 * checksum does (docs/SYNC.md): rows the server sent as live and that
 * are still in their table.
 */
gboolean
kefu_sync_local_verify (KefuDb                *db,
                        const char            *scope,
                        KefuSyncVerifyFunc     add,
                        gpointer               user_data,
                        GError               **error)
{
  g_autoptr(GPtrArray) entities = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (KEFU_IS_DB (db), FALSE);

  stmt = kefu_db_prepare (db, "SELECT DISTINCT entity FROM sync_row WHERE scope = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, scope, -1, SQLITE_STATIC);
  if (!kefu_db_read_rows (db, stmt, kefu_row_dup_text, entities, error))
    return FALSE;

  for (guint i = 0; i < entities->len; i++)
    {
      const char *entity = entities->pdata[i];
      g_autofree char *sql = NULL;

      if (entity_columns (db, entity) == NULL)
        continue;
      sql = g_strdup_printf ("SELECT r.row_id, r.server_version FROM sync_row r JOIN %s t ON t.id = r.row_id"
                             " WHERE r.scope = ? AND r.entity = ? AND r.deleted = 0", entity);
      stmt = kefu_db_prepare (db, sql, error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, scope, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, entity, -1, SQLITE_STATIC);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        add (entity, kefu_stmt_text (stmt, 0), sqlite3_column_int64 (stmt, 1), user_data);
      sqlite3_reset (stmt);
      if (rc != SQLITE_DONE)
        return kefu_db_set_error (db, error);
    }
  return TRUE;
}

/* Gives every reference to the local id @old the server's id @new: every
 * id, *_id and *_by column of every table, the meta values (office,
 * signed-in user), the audit trail and the unsent outbox entries. UUIDs
 * are unique, so an equal value is always a reference. Runs inside the
 * caller's transaction. */
static gboolean
rewrite_id (KefuDb      *db,
            const char  *old,
            const char  *new,
            GError     **error)
{
  g_autoptr(GPtrArray) updates = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt;
  int rc;

  stmt = kefu_db_prepare (db,
                          "SELECT m.name, p.name FROM sqlite_schema m, pragma_table_info (m.name) p"
                          " WHERE m.type = 'table' AND m.sql NOT LIKE 'CREATE VIRTUAL%'"
                          " AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND m.name NOT LIKE '%\\_fts\\_%' ESCAPE '\\'"
                          " AND m.name <> 'outbox'"
                          " AND (p.name = 'id' OR p.name LIKE '%\\_id' ESCAPE '\\' OR p.name LIKE '%\\_by' ESCAPE '\\'"
                          "      OR (m.name = 'meta' AND p.name = 'value'))",
                          error);
  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (updates, g_strdup_printf ("UPDATE \"%s\" SET \"%s\" = ?1 WHERE \"%s\" = ?2",
                                               kefu_stmt_text (stmt, 0), kefu_stmt_text (stmt, 1),
                                               kefu_stmt_text (stmt, 1)));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return kefu_db_set_error (db, error);
  g_ptr_array_add (updates, g_strdup ("UPDATE outbox SET fields = replace (fields, ?2, ?1),"
                                      " row_id = replace (row_id, ?2, ?1) WHERE acked_at IS NULL"));
  g_ptr_array_add (updates, g_strdup ("UPDATE audit_log SET changes = replace (changes, ?2, ?1)"
                                      " WHERE instr (changes, ?2) > 0"));
  /* A timeline event of a changed field keeps the old and new ids as
   * values ("assignee_id" from one person to another). */
  g_ptr_array_add (updates, g_strdup ("UPDATE case_event SET old_value = ?1 WHERE old_value = ?2"));
  g_ptr_array_add (updates, g_strdup ("UPDATE case_event SET new_value = ?1 WHERE new_value = ?2"));
  if (!kefu_db_exec (db, "PRAGMA defer_foreign_keys = ON", error))
    return FALSE;
  for (guint i = 0; i < updates->len; i++)
    {
      stmt = kefu_db_prepare (db, updates->pdata[i], error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, new, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, old, -1, SQLITE_STATIC);
      if (!kefu_db_step_done (db, stmt, error))
        return FALSE;
    }
  return TRUE;
}

/* The unsent entries of a placeholder row the server already has (the
 * office, the first user) are answered "local" instead of being sent: the
 * server would refuse them (only headquarters writes organisation data),
 * and its own row stands in for them. */
static gboolean
withdraw_entries (KefuDb      *db,
                  const char  *entity,
                  const char  *row_id,
                  GError     **error)
{
  sqlite3_stmt *stmt = kefu_db_prepare (db,
                                        "UPDATE outbox SET acked_at = ?, result = 'local',"
                                        " result_message = 'withdrawn: the server has this row'"
                                        " WHERE entity = ? AND row_id = ? AND acked_at IS NULL AND push_seq IS NULL",
                                        error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, g_get_real_time () / 1000);
  sqlite3_bind_text (stmt, 2, entity, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, row_id, -1, SQLITE_STATIC);
  return kefu_db_step_done (db, stmt, error);
}

/* TRUE while this database has never exchanged a row with a server:
 * nothing pulled, nothing numbered for a push. Only then may local ids be
 * rewritten, since no server row can name them yet. */
static gboolean
never_synced (KefuDb *db)
{
  return query_int (db, "SELECT count(*) FROM (SELECT 1 FROM sync_row LIMIT 1)", NULL) == 0 &&
         query_int (db, "SELECT count(*) FROM outbox WHERE push_seq IS NOT NULL"
                        " OR (acked_at IS NOT NULL AND result <> 'local')", NULL) == 0 &&
         kefu_sync_local_last_push_seq (db) == 0;
}

/**
 * kefu_sync_local_adopt_office:
 * @org_unit_id: the server's id of the branch the signed-in user belongs to
 *
 * A device set up offline made its own office row. At the first sign-in
 * that row becomes the server's branch: its id, every reference to it and
 * the unsent changes that name it take the server's id, and the office
 * row's own unsent entries are withdrawn (the server has the branch), in
 * one transaction, so that the office's customers and cases land in its
 * scope and numbering keeps working before the first pull. Does nothing
 * once the database has synced.
 */
gboolean
kefu_sync_local_adopt_office (KefuDb      *db,
                              const char  *org_unit_id,
                              GError     **error)
{
  g_autofree char *old = kefu_db_get_meta (db, "office_id");

  g_return_val_if_fail (KEFU_IS_DB (db), FALSE);
  g_return_val_if_fail (kefu_uuid_is_valid (org_unit_id), FALSE);

  if (old != NULL && g_str_equal (old, org_unit_id))
    return TRUE;
  if (old != NULL && !never_synced (db))
    return TRUE;

  if (!kefu_db_begin (db, error))
    return FALSE;
  if (old != NULL && (!rewrite_id (db, old, org_unit_id, error) ||
                      !withdraw_entries (db, "org_unit", org_unit_id, error)))
    goto fail;
  if (!kefu_db_set_meta (db, "office_id", org_unit_id, error))
    goto fail;
  return kefu_db_commit (db, error);

fail:
  kefu_db_rollback (db);
  return FALSE;
}

/**
 * kefu_sync_local_adopt_identity:
 * @staff_id: (nullable): the server's staff record of the signed-in user
 * @may_write_org: the user may write organisation data (an admin at
 *   headquarters)
 *
 * First-run setup made a local administrator to work under before any
 * server was known. At the first sign-in of this database that placeholder
 * becomes the server's staff record of the user who signed in: the row
 * takes the server's id, every reference (owner, assignee, updated_by,
 * audit actor, unsent changes…) follows, and the placeholder's own unsent
 * entries are withdrawn, in one transaction; the next pull brings the
 * server's name, role and unit into the row. Without a server staff record
 * (@staff_id NULL) the placeholder stays this computer's user; its own
 * entries are withdrawn all the same unless @may_write_org, since the
 * server would refuse them. Happens once: the answer is kept in
 * sync_state ("identity"), and never once the database has synced.
 */
gboolean
kefu_sync_local_adopt_identity (KefuDb      *db,
                                const char  *staff_id,
                                gboolean     may_write_org,
                                GError     **error)
{
  g_autofree char *settled = kefu_sync_local_get (db, "identity");
  g_autofree char *old = kefu_db_get_meta (db, "current_user_id");

  g_return_val_if_fail (KEFU_IS_DB (db), FALSE);
  g_return_val_if_fail (staff_id == NULL || kefu_uuid_is_valid (staff_id), FALSE);

  if (settled != NULL)
    return TRUE;
  if (!kefu_db_begin (db, error))
    return FALSE;
  if (staff_id != NULL && old != NULL && !g_str_equal (old, staff_id) && never_synced (db) &&
      (!rewrite_id (db, old, staff_id, error) || !withdraw_entries (db, "staff", staff_id, error)))
    goto fail;
  if (staff_id == NULL && old != NULL && !may_write_org && never_synced (db) &&
      !withdraw_entries (db, "staff", old, error))
    goto fail;
  if (!kefu_sync_local_set (db, "identity", staff_id ? staff_id : "", error))
    goto fail;
  if (!kefu_db_commit (db, error))
    return FALSE;
  if (old != NULL && staff_id != NULL && g_strcmp0 (kefu_db_get_actor (db), old) == 0)
    kefu_db_set_actor (db, staff_id);
  return TRUE;

fail:
  kefu_db_rollback (db);
  return FALSE;
}

/**
 * kefu_sync_local_set_device_code:
 *
 * Stores the short code that case numbers of this device carry between
 * the date and the daily sequence (kefu-cases.c) until the server's
 * arrives (kefu_sync_local_register_device()): derived from @device_id, a
 * letter other than Z and three base-32 digits.
 */
gboolean
kefu_sync_local_set_device_code (KefuDb      *db,
                                 const char  *device_id,
                                 GError     **error)
{
  /* Z is kept for the codes the server's sequence gives (below). */
  static const char letters[] = "ABCDEFGHJKMNPQRSTVWXY";
  static const char digits[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  g_autofree char *existing = kefu_sync_local_get (db, "device_code");
  guint64 bits = 0;
  char code[5];
  int n = 0;

  if (existing != NULL)
    return TRUE;
  /* The random tail of the UUIDv7 (its last 12 hex digits). */
  for (const char *p = device_id + strlen (device_id); p > device_id && n < 12; p--)
    if (g_ascii_isxdigit (p[-1]))
      bits |= (guint64) g_ascii_xdigit_value (p[-1]) << (4 * n++);
  code[0] = letters[bits % (sizeof letters - 1)];
  bits /= sizeof letters - 1;
  for (int i = 1; i < 4; i++, bits /= 32)
    code[i] = digits[bits % 32];
  code[4] = '\0';
  return kefu_sync_local_set (db, "device_code", code, error);
}

/**
 * kefu_sync_local_register_device:
 *
 * Makes this computer's device code unique in its branch: writes a
 * registration row (a `conflict` row of status "device", which no list
 * shows) that syncs like any other row. The server gives it the next
 * number of the branch's sequence, unique in the branch; when the row
 * comes back in a pull, its number becomes the device code ("Z" and
 * base-32 digits). Until then the derived code stands in.
 */
gboolean
kefu_sync_local_register_device (KefuDb      *db,
                                 const char  *device_id,
                                 GError     **error)
{
  g_autofree char *existing = kefu_sync_local_get (db, "device_row");
  g_autofree char *office = kefu_db_get_meta (db, "office_id");
  g_autofree char *id = NULL;
  g_autoptr(KefuChangeSet) cs = NULL;
  gint64 now = g_get_real_time () / 1000;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (KEFU_IS_DB (db), FALSE);

  if (existing != NULL || office == NULL)
    return TRUE;
  id = kefu_uuid7_new ();
  if (!kefu_db_begin (db, error))
    return FALSE;
  cs = kefu_change_set_new ("conflict", id, KEFU_CHANGE_INSERT, 0);
  kefu_change_set_text (cs, "entity", NULL, "device");
  kefu_change_set_text (cs, "row_id", NULL, device_id);
  kefu_change_set_text (cs, "field", NULL, "device_code");
  kefu_change_set_text (cs, "status", NULL, "device");
  kefu_change_set_text (cs, "branch_id", NULL, office);
  kefu_change_set_int (cs, "created_at", FALSE, 0, now);
  stmt = kefu_db_prepare (db,
                          "INSERT INTO conflict (id, entity, row_id, field, status, branch_id, created_at,"
                          " hlc, updated_by, updated_at) VALUES (?, 'device', ?, 'device_code', 'device', ?, ?, ?, ?, ?)",
                          error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, device_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, office, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, now);
  sqlite3_bind_text (stmt, 5, kefu_change_set_stamp (cs, db), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, kefu_db_get_actor (db), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 7, now);
  if (!kefu_db_step_done (db, stmt, error) || !kefu_db_record_change (db, cs, error) ||
      !kefu_sync_local_set (db, "device_row", id, error))
    goto fail;
  return kefu_db_commit (db, error);

fail:
  kefu_db_rollback (db);
  return FALSE;
}

/* The registration row came back with its number in the branch's
 * sequence: that number is the device code from now on. */
static gboolean
take_server_device_code (KefuDb         *db,
                         KefuPulledRow  *change,
                         GError        **error)
{
  static const char digits[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  g_autofree char *row = NULL;
  g_autofree char *current = NULL;
  char code[16];
  char rev[16];
  int n = 0;
  guint64 v;

  if (change->server_seq <= 0 || !g_str_equal (change->entity, "conflict"))
    return TRUE;
  row = kefu_sync_local_get (db, "device_row");
  if (row == NULL || !g_str_equal (row, change->row_id))
    return TRUE;
  current = kefu_sync_local_get (db, "device_code");
  if (current != NULL && current[0] == 'Z')
    return TRUE;   /* the first number the server gave stays */
  for (v = (guint64) change->server_seq; v > 0 || n < 3; v /= 32)
    rev[n++] = digits[v % 32];
  code[0] = 'Z';
  for (int i = 0; i < n; i++)
    code[1 + i] = rev[n - 1 - i];
  code[1 + n] = '\0';
  g_message ("This computer's device code is %s (was %s)", code, current ? current : "none");
  return kefu_sync_local_set (db, "device_code", code, error);
}
