/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "kefu-store-sqlite"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <unistd.h>

#include "kefu-store.h"

/* The embedded store: one SQLite file, <dir>/kefu-server.db (0600). */

typedef struct
{
  KefuStore   parent;
  sqlite3    *db;
  GHashTable *statements;  /* SQL text (static) -> sqlite3_stmt */
  /* Inside a transaction, the scopes' last seqs, counted in memory and
   * written back at commit (one UPDATE per scope instead of per row). */
  GHashTable *seq_cache;   /* scope -> gint64* */
} KefuStoreSqlite;

#define SELF(s) ((KefuStoreSqlite *) (s))

static const char schema[] =
  "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;"
  "CREATE TABLE IF NOT EXISTS user ("
  "  id TEXT PRIMARY KEY, username TEXT NOT NULL UNIQUE, password_hash TEXT NOT NULL,"
  "  role TEXT NOT NULL, org_unit_id TEXT NOT NULL, staff_id TEXT,"
  "  active INTEGER NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL) WITHOUT ROWID;"
  "CREATE TABLE IF NOT EXISTS token ("
  "  hash TEXT PRIMARY KEY, user_id TEXT NOT NULL, expires_at INTEGER NOT NULL) WITHOUT ROWID;"
  "CREATE INDEX IF NOT EXISTS token_by_user ON token (user_id);"
  "CREATE TABLE IF NOT EXISTS device ("
  "  id TEXT PRIMARY KEY, org_unit_id TEXT, last_seq INTEGER NOT NULL) WITHOUT ROWID;"
  "CREATE TABLE IF NOT EXISTS push_result ("
  "  device_id TEXT NOT NULL, seq INTEGER NOT NULL, result TEXT NOT NULL,"
  "  PRIMARY KEY (device_id, seq)) WITHOUT ROWID;"
  "CREATE TABLE IF NOT EXISTS scope ("
  "  scope TEXT PRIMARY KEY, last_seq INTEGER NOT NULL, horizon INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;"
  "CREATE TABLE IF NOT EXISTS row ("
  "  key INTEGER PRIMARY KEY, entity TEXT NOT NULL, row_id TEXT NOT NULL, scope TEXT NOT NULL,"
  "  version INTEGER NOT NULL, seq INTEGER NOT NULL, deleted INTEGER NOT NULL,"
  "  updated_at INTEGER NOT NULL, data TEXT NOT NULL, field_versions TEXT NOT NULL,"
  "  UNIQUE (entity, row_id));"
  "CREATE INDEX IF NOT EXISTS row_by_scope_seq ON row (scope, seq);"
  "CREATE INDEX IF NOT EXISTS row_tombstones ON row (updated_at) WHERE deleted = 1;"
  "CREATE TABLE IF NOT EXISTS audit ("
  "  seq INTEGER PRIMARY KEY, at INTEGER NOT NULL, user_id TEXT, device_id TEXT,"
  "  action TEXT NOT NULL, entity TEXT, row_id TEXT, detail TEXT);";

#define ROW_COLUMNS "key, entity, row_id, scope, version, seq, deleted, updated_at, data, field_versions"

/* --- helpers -------------------------------------------------------------- */

static gboolean
set_error (KefuStoreSqlite  *self,
           GError          **error)
{
  int code = sqlite3_extended_errcode (self->db);

  g_set_error (error, KEFU_STORE_ERROR,
               code == SQLITE_CONSTRAINT_UNIQUE || code == SQLITE_CONSTRAINT_PRIMARYKEY
                 ? KEFU_STORE_ERROR_EXISTS : KEFU_STORE_ERROR_FAILED,
               "Server database: %s", sqlite3_errmsg (self->db));
  return FALSE;
}

/* A cached prepared statement for @sql (a string literal), reset and
 * unbound. */
static sqlite3_stmt *
prepare (KefuStoreSqlite  *self,
         const char       *sql,
         GError          **error)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (self->statements, sql);

  if (stmt != NULL)
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      return stmt;
    }
  if (sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL) != SQLITE_OK)
    {
      set_error (self, error);
      return NULL;
    }
  g_hash_table_insert (self->statements, (gpointer) sql, stmt);
  return stmt;
}

/* Steps a statement that returns no rows. */
static gboolean
run (KefuStoreSqlite  *self,
     sqlite3_stmt     *stmt,
     GError          **error)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    return set_error (self, error);
  return TRUE;
}

static void
bind_text (sqlite3_stmt *stmt,
           int           index,
           const char   *text)
{
  if (text == NULL)
    sqlite3_bind_null (stmt, index);
  else
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_STATIC);
}

static char *
dup_column (sqlite3_stmt *stmt,
            int           col)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, col));
}

static gboolean
exec (KefuStoreSqlite  *self,
      const char       *sql,
      GError          **error)
{
  char *message = NULL;

  if (sqlite3_exec (self->db, sql, NULL, NULL, &message) != SQLITE_OK)
    {
      g_set_error (error, KEFU_STORE_ERROR, KEFU_STORE_ERROR_FAILED, "Server database: %s", message);
      sqlite3_free (message);
      return FALSE;
    }
  return TRUE;
}

/* --- transactions and meta ------------------------------------------------ */

static void
store_close (KefuStore *store)
{
  KefuStoreSqlite *self = SELF (store);

  g_hash_table_unref (self->statements);
  g_hash_table_unref (self->seq_cache);
  sqlite3_close (self->db);
  g_free (self);
}

static gboolean
store_begin (KefuStore  *store,
             GError    **error)
{
  return exec (SELF (store), "BEGIN IMMEDIATE", error);
}

static gboolean
flush_seq_cache (KefuStoreSqlite  *self,
                 GError          **error)
{
  GHashTableIter iter;
  gpointer scope, last;

  g_hash_table_iter_init (&iter, self->seq_cache);
  while (g_hash_table_iter_next (&iter, &scope, &last))
    {
      sqlite3_stmt *stmt = prepare (self,
                                    "INSERT INTO scope (scope, last_seq) VALUES (?, ?)"
                                    " ON CONFLICT (scope) DO UPDATE SET last_seq = excluded.last_seq", error);

      if (stmt == NULL)
        return FALSE;
      bind_text (stmt, 1, scope);
      sqlite3_bind_int64 (stmt, 2, *(gint64 *) last);
      if (!run (self, stmt, error))
        return FALSE;
    }
  g_hash_table_remove_all (self->seq_cache);
  return TRUE;
}

static gboolean
store_commit (KefuStore  *store,
              GError    **error)
{
  KefuStoreSqlite *self = SELF (store);

  if (!flush_seq_cache (self, error))
    return FALSE;
  return exec (self, "COMMIT", error);
}

static void
store_rollback (KefuStore *store)
{
  KefuStoreSqlite *self = SELF (store);

  g_hash_table_remove_all (self->seq_cache);
  if (!sqlite3_get_autocommit (self->db))
    exec (self, "ROLLBACK", NULL);
}

static char *
store_meta_get (KefuStore   *store,
                const char  *key,
                GError     **error)
{
  KefuStoreSqlite *self = SELF (store);
  sqlite3_stmt *stmt = prepare (self, "SELECT value FROM meta WHERE key = ?", error);
  char *value = NULL;
  int rc;

  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, key);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    value = dup_column (stmt, 0);
  else if (rc != SQLITE_DONE)
    set_error (self, error);
  sqlite3_reset (stmt);
  return value;
}

static gboolean
store_meta_set (KefuStore   *store,
                const char  *key,
                const char  *value,
                GError     **error)
{
  KefuStoreSqlite *self = SELF (store);
  sqlite3_stmt *stmt = prepare (self,
                                "INSERT INTO meta (key, value) VALUES (?, ?)"
                                " ON CONFLICT (key) DO UPDATE SET value = excluded.value", error);

  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, key);
  bind_text (stmt, 2, value);
  return run (self, stmt, error);
}

/* --- users and tokens ----------------------------------------------------- */

#define USER_COLUMNS "id, username, password_hash, role, org_unit_id, staff_id, active, created_at, updated_at"

static void
bind_user (sqlite3_stmt        *stmt,
           const KefuStoreUser *user)
{
  bind_text (stmt, 1, user->id);
  bind_text (stmt, 2, user->username);
  bind_text (stmt, 3, user->password_hash);
  bind_text (stmt, 4, user->role);
  bind_text (stmt, 5, user->org_unit_id);
  bind_text (stmt, 6, user->staff_id);
  sqlite3_bind_int (stmt, 7, user->active ? 1 : 0);
  sqlite3_bind_int64 (stmt, 8, user->created_at);
  sqlite3_bind_int64 (stmt, 9, user->updated_at);
}

static KefuStoreUser *
read_user (sqlite3_stmt *stmt)
{
  KefuStoreUser *user = g_new0 (KefuStoreUser, 1);

  user->id = dup_column (stmt, 0);
  user->username = dup_column (stmt, 1);
  user->password_hash = dup_column (stmt, 2);
  user->role = dup_column (stmt, 3);
  user->org_unit_id = dup_column (stmt, 4);
  user->staff_id = dup_column (stmt, 5);
  user->active = sqlite3_column_int (stmt, 6) != 0;
  user->created_at = sqlite3_column_int64 (stmt, 7);
  user->updated_at = sqlite3_column_int64 (stmt, 8);
  return user;
}

static gboolean
store_user_insert (KefuStore            *store,
                   const KefuStoreUser  *user,
                   GError              **error)
{
  KefuStoreSqlite *self = SELF (store);
  sqlite3_stmt *stmt = prepare (self, "INSERT INTO user (" USER_COLUMNS ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", error);

  if (stmt == NULL)
    return FALSE;
  bind_user (stmt, user);
  return run (self, stmt, error);
}

static gboolean
store_user_update (KefuStore            *store,
                   const KefuStoreUser  *user,
                   GError              **error)
{
  KefuStoreSqlite *self = SELF (store);
  sqlite3_stmt *stmt = prepare (self,
                                "UPDATE user SET username = ?2, password_hash = ?3, role = ?4, org_unit_id = ?5,"
                                " staff_id = ?6, active = ?7, created_at = ?8, updated_at = ?9 WHERE id = ?1", error);

  if (stmt == NULL)
    return FALSE;
  bind_user (stmt, user);
  return run (self, stmt, error);
}

static KefuStoreUser *
store_user_get (KefuStore   *store,
                const char  *id,
                const char  *username,
                GError     **error)
{
  KefuStoreSqlite *self = SELF (store);
  sqlite3_stmt *stmt;
  KefuStoreUser *user = NULL;
  int rc;

  if (id != NULL)
    stmt = prepare (self, "SELECT " USER_COLUMNS " FROM user WHERE id = ?", error);
  else
    stmt = prepare (self, "SELECT " USER_COLUMNS " FROM user WHERE username = ?", error);
  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, id != NULL ? id : username);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    user = read_user (stmt);
  else if (rc != SQLITE_DONE)
    set_error (self, error);
  sqlite3_reset (stmt);
  return user;
}

static GPtrArray *
store_user_list (KefuStore  *store,
                 GError    **error)
{
  KefuStoreSqlite *self = SELF (store);
  sqlite3_stmt *stmt = prepare (self, "SELECT " USER_COLUMNS " FROM user ORDER BY username", error);
  g_autoptr(GPtrArray) users = g_ptr_array_new_with_free_func ((GDestroyNotify) kefu_store_user_free);
  int rc;

  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (users, read_user (stmt));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      set_error (self, error);
      return NULL;
    }
  return g_steal_pointer (&users);
}

static gboolean
store_token_insert (KefuStore   *store,
                    const char  *token_hash,
                    const char  *user_id,
                    gint64       expires_at,
                    GError     **error)
{
  KefuStoreSqlite *self = SELF (store);
  sqlite3_stmt *stmt = prepare (self, "INSERT INTO token (hash, user_id, expires_at) VALUES (?, ?, ?)", error);

  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, token_hash);
  bind_text (stmt, 2, user_id);
  sqlite3_bind_int64 (stmt, 3, expires_at);
  return run (self, stmt, error);
}

static char *
store_token_lookup (KefuStore   *store,
                    const char  *token_hash,
                    gint64       now,
                    GError     **error)
{
  KefuStoreSqlite *self = SELF (store);
  sqlite3_stmt *stmt = prepare (self, "SELECT user_id FROM token WHERE hash = ? AND expires_at > ?", error);
  char *user_id = NULL;
  int rc;

  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, token_hash);
  sqlite3_bind_int64 (stmt, 2, now);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    user_id = dup_column (stmt, 0);
  else if (rc != SQLITE_DONE)
    set_error (self, error);
  sqlite3_reset (stmt);
  return user_id;
}

static gboolean
store_token_delete (KefuStore   *store,
                    const char  *token_hash,
                    GError     **error)
{
  KefuStoreSqlite *self = SELF (store);
  sqlite3_stmt *stmt = prepare (self, "DELETE FROM token WHERE hash = ?", error);

  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, token_hash);
  return run (self, stmt, error);
}

static gboolean
store_token_purge (KefuStore   *store,
                   gint64       now,
                   const char  *user_id,
                   GError     **error)
{
  KefuStoreSqlite *self = SELF (store);
  sqlite3_stmt *stmt = prepare (self, "DELETE FROM token WHERE expires_at <= ? OR user_id = ?", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, now);
  bind_text (stmt, 2, user_id);
  return run (self, stmt, error);
}

/* --- devices and push results --------------------------------------------- */

static gboolean
store_device_get (KefuStore   *store,
                  const char  *device_id,
                  gboolean    *found,
                  char       **org_unit_id,
                  gint64      *last_seq,
                  GError     **error)
{
  KefuStoreSqlite *self = SELF (store);
  sqlite3_stmt *stmt = prepare (self, "SELECT org_unit_id, last_seq FROM device WHERE id = ?", error);
  int rc;

  *found = FALSE;
  *org_unit_id = NULL;
  *last_seq = 0;
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, device_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *found = TRUE;
      *org_unit_id = dup_column (stmt, 0);
      *last_seq = sqlite3_column_int64 (stmt, 1);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return set_error (self, error);
  return TRUE;
}

static gboolean
store_device_set (KefuStore   *store,
                  const char  *device_id,
                  const char  *org_unit_id,
                  gint64       last_seq,
                  GError     **error)
{
  KefuStoreSqlite *self = SELF (store);
  sqlite3_stmt *stmt = prepare (self,
                                "INSERT INTO device (id, org_unit_id, last_seq) VALUES (?, ?, ?)"
                                " ON CONFLICT (id) DO UPDATE SET org_unit_id = excluded.org_unit_id,"
                                " last_seq = excluded.last_seq", error);

  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, device_id);
  bind_text (stmt, 2, org_unit_id);
  sqlite3_bind_int64 (stmt, 3, last_seq);
  return run (self, stmt, error);
}

static gboolean
store_push_result_put (KefuStore   *store,
                       const char  *device_id,
                       gint64       seq,
                       const char  *result_json,
                       GError     **error)
{
  KefuStoreSqlite *self = SELF (store);
  sqlite3_stmt *stmt = prepare (self, "INSERT INTO push_result (device_id, seq, result) VALUES (?, ?, ?)", error);

  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, device_id);
  sqlite3_bind_int64 (stmt, 2, seq);
  bind_text (stmt, 3, result_json);
  return run (self, stmt, error);
}

static char *
store_push_result_get (KefuStore   *store,
                       const char  *device_id,
                       gint64       seq,
                       GError     **error)
{
  KefuStoreSqlite *self = SELF (store);
  sqlite3_stmt *stmt = prepare (self, "SELECT result FROM push_result WHERE device_id = ? AND seq = ?", error);
  char *result = NULL;
  int rc;

  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, device_id);
  sqlite3_bind_int64 (stmt, 2, seq);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    result = dup_column (stmt, 0);
  else if (rc != SQLITE_DONE)
    set_error (self, error);
  sqlite3_reset (stmt);
  return result;
}

static gboolean
store_push_results_put (KefuStore   *store,
                        const char  *device_id,
                        gint64       first_seq,
                        const char  *results,
                        GError     **error)
{
  return store_push_result_put (store, device_id, first_seq, results, error);
}

static char *
store_push_results_get (KefuStore   *store,
                        const char  *device_id,
                        gint64       seq,
                        gint64      *first_seq,
                        GError     **error)
{
  KefuStoreSqlite *self = SELF (store);
  sqlite3_stmt *stmt = prepare (self,
                                "SELECT seq, result FROM push_result WHERE device_id = ? AND seq <= ?"
                                " ORDER BY seq DESC LIMIT 1", error);
  char *result = NULL;
  int rc;

  *first_seq = 0;
  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, device_id);
  sqlite3_bind_int64 (stmt, 2, seq);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *first_seq = sqlite3_column_int64 (stmt, 0);
      result = dup_column (stmt, 1);
    }
  else if (rc != SQLITE_DONE)
    set_error (self, error);
  sqlite3_reset (stmt);
  return result;
}

/* --- rows ----------------------------------------------------------------- */

/* Fills @row from the current result row, borrowing the statement's text. */
static void
peek_row (sqlite3_stmt *stmt,
          KefuStoreRow *row)
{
  row->key = sqlite3_column_int64 (stmt, 0);
  row->entity = (char *) sqlite3_column_text (stmt, 1);
  row->row_id = (char *) sqlite3_column_text (stmt, 2);
  row->scope = (char *) sqlite3_column_text (stmt, 3);
  row->version = sqlite3_column_int64 (stmt, 4);
  row->seq = sqlite3_column_int64 (stmt, 5);
  row->deleted = sqlite3_column_int (stmt, 6) != 0;
  row->updated_at = sqlite3_column_int64 (stmt, 7);
  row->data = (char *) sqlite3_column_text (stmt, 8);
  row->field_versions = (char *) sqlite3_column_text (stmt, 9);
}

static gboolean
each_row (KefuStoreSqlite   *self,
          sqlite3_stmt      *stmt,
          KefuStoreRowFunc   func,
          gpointer           user_data,
          GError           **error)
{
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      KefuStoreRow row;

      peek_row (stmt, &row);
      if (!func (&row, user_data))
        {
          rc = SQLITE_DONE;
          break;
        }
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return set_error (self, error);
  return TRUE;
}

static KefuStoreRow *
store_row_get (KefuStore   *store,
               const char  *entity,
               const char  *row_id,
               GError     **error)
{
  KefuStoreSqlite *self = SELF (store);
  sqlite3_stmt *stmt = prepare (self, "SELECT " ROW_COLUMNS " FROM row WHERE entity = ? AND row_id = ?", error);
  KefuStoreRow *row = NULL;
  int rc;

  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, entity);
  bind_text (stmt, 2, row_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      KefuStoreRow peeked;

      peek_row (stmt, &peeked);
      row = kefu_store_row_copy (&peeked);
    }
  else if (rc != SQLITE_DONE)
    set_error (self, error);
  sqlite3_reset (stmt);
  return row;
}

static gboolean store_scope_get (KefuStore   *store,
                                 const char  *scope,
                                 gint64      *last_seq,
                                 gint64      *horizon,
                                 GError     **error);

static gboolean
store_row_put (KefuStore     *store,
               KefuStoreRow  *row,
               GError       **error)
{
  KefuStoreSqlite *self = SELF (store);
  sqlite3_stmt *stmt;
  int rc;

  if (sqlite3_get_autocommit (self->db))
    {
      stmt = prepare (self,
                      "INSERT INTO scope (scope, last_seq) VALUES (?, 1)"
                      " ON CONFLICT (scope) DO UPDATE SET last_seq = last_seq + 1 RETURNING last_seq", error);
      if (stmt == NULL)
        return FALSE;
      bind_text (stmt, 1, row->scope);
      rc = sqlite3_step (stmt);
      if (rc != SQLITE_ROW)
        {
          sqlite3_reset (stmt);
          return set_error (self, error);
        }
      row->seq = sqlite3_column_int64 (stmt, 0);
      sqlite3_step (stmt);
      sqlite3_reset (stmt);
    }
  else
    {
      gint64 *last = g_hash_table_lookup (self->seq_cache, row->scope);

      if (last == NULL)
        {
          gint64 horizon;

          last = g_new0 (gint64, 1);
          if (!store_scope_get (store, row->scope, last, &horizon, error))
            {
              g_free (last);
              return FALSE;
            }
          g_hash_table_insert (self->seq_cache, g_strdup (row->scope), last);
        }
      row->seq = ++*last;
    }

  stmt = prepare (self,
                  "INSERT INTO row (entity, row_id, scope, version, seq, deleted, updated_at, data, field_versions)"
                  " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                  " ON CONFLICT (entity, row_id) DO UPDATE SET scope = excluded.scope,"
                  " version = excluded.version, seq = excluded.seq, deleted = excluded.deleted,"
                  " updated_at = excluded.updated_at, data = excluded.data,"
                  " field_versions = excluded.field_versions", error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, row->entity);
  bind_text (stmt, 2, row->row_id);
  bind_text (stmt, 3, row->scope);
  sqlite3_bind_int64 (stmt, 4, row->version);
  sqlite3_bind_int64 (stmt, 5, row->seq);
  sqlite3_bind_int (stmt, 6, row->deleted ? 1 : 0);
  sqlite3_bind_int64 (stmt, 7, row->updated_at);
  bind_text (stmt, 8, row->data);
  bind_text (stmt, 9, row->field_versions != NULL ? row->field_versions : "{}");
  return run (self, stmt, error);
}

static gboolean
store_scope_get (KefuStore   *store,
                 const char  *scope,
                 gint64      *last_seq,
                 gint64      *horizon,
                 GError     **error)
{
  KefuStoreSqlite *self = SELF (store);
  sqlite3_stmt *stmt = prepare (self, "SELECT last_seq, horizon FROM scope WHERE scope = ?", error);
  int rc;

  gint64 *cached;

  *last_seq = 0;
  *horizon = 0;
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, scope);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *last_seq = sqlite3_column_int64 (stmt, 0);
      *horizon = sqlite3_column_int64 (stmt, 1);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return set_error (self, error);
  if ((cached = g_hash_table_lookup (self->seq_cache, scope)) != NULL)
    *last_seq = *cached;
  return TRUE;
}

static gboolean
store_rows_changed (KefuStore         *store,
                    const char        *scope,
                    gint64             after,
                    guint              limit,
                    KefuStoreRowFunc   func,
                    gpointer           user_data,
                    GError           **error)
{
  KefuStoreSqlite *self = SELF (store);
  sqlite3_stmt *stmt = prepare (self,
                                "SELECT " ROW_COLUMNS " FROM row WHERE scope = ? AND seq > ?"
                                " ORDER BY seq LIMIT ?", error);

  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, scope);
  sqlite3_bind_int64 (stmt, 2, after);
  sqlite3_bind_int64 (stmt, 3, limit);
  return each_row (self, stmt, func, user_data, error);
}

static gboolean
store_rows_scan (KefuStore          *store,
                 const char * const *scopes,
                 gint64              after,
                 guint               limit,
                 KefuStoreRowFunc    func,
                 gpointer            user_data,
                 GError            **error)
{
  KefuStoreSqlite *self = SELF (store);
  g_autoptr(GString) sql = g_string_new ("SELECT " ROW_COLUMNS " FROM row WHERE key > ?");
  sqlite3_stmt *stmt = NULL;
  guint n_scopes = scopes != NULL ? g_strv_length ((char **) scopes) : 0;
  gboolean ok;

  /* The scope list varies per user, so this statement is not cached; its
   * values are still bound parameters. */
  if (scopes != NULL)
    {
      g_string_append (sql, " AND scope IN (");
      for (guint i = 0; i < n_scopes; i++)
        g_string_append (sql, i == 0 ? "?" : ",?");
      if (n_scopes == 0)
        g_string_append (sql, "NULL");
      g_string_append_c (sql, ')');
    }
  g_string_append (sql, " ORDER BY key LIMIT ?");
  if (sqlite3_prepare_v2 (self->db, sql->str, -1, &stmt, NULL) != SQLITE_OK)
    return set_error (self, error);
  sqlite3_bind_int64 (stmt, 1, after);
  for (guint i = 0; i < n_scopes; i++)
    bind_text (stmt, 2 + i, scopes[i]);
  sqlite3_bind_int64 (stmt, 2 + n_scopes, limit);
  ok = each_row (self, stmt, func, user_data, error);
  sqlite3_finalize (stmt);
  return ok;
}

static gboolean
store_rows_of_entity (KefuStore         *store,
                      const char        *entity,
                      KefuStoreRowFunc   func,
                      gpointer           user_data,
                      GError           **error)
{
  KefuStoreSqlite *self = SELF (store);
  sqlite3_stmt *stmt = prepare (self, "SELECT " ROW_COLUMNS " FROM row WHERE entity = ?", error);

  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, entity);
  return each_row (self, stmt, func, user_data, error);
}

static gboolean
store_purge_tombstones (KefuStore   *store,
                        gint64       before,
                        guint       *n_purged,
                        GError     **error)
{
  KefuStoreSqlite *self = SELF (store);
  sqlite3_stmt *stmt;

  *n_purged = 0;
  stmt = prepare (self,
                  "UPDATE scope SET horizon = max (horizon, (SELECT max (seq) FROM row"
                  "  WHERE row.scope = scope.scope AND deleted = 1 AND updated_at < ?1))"
                  " WHERE EXISTS (SELECT 1 FROM row WHERE row.scope = scope.scope"
                  "  AND deleted = 1 AND updated_at < ?1)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, before);
  if (!run (self, stmt, error))
    return FALSE;
  stmt = prepare (self, "DELETE FROM row WHERE deleted = 1 AND updated_at < ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, before);
  if (!run (self, stmt, error))
    return FALSE;
  *n_purged = (guint) sqlite3_changes (self->db);
  return TRUE;
}

static gboolean
store_audit_append (KefuStore   *store,
                    gint64       at,
                    const char  *user_id,
                    const char  *device_id,
                    const char  *action,
                    const char  *entity,
                    const char  *row_id,
                    const char  *detail_json,
                    GError     **error)
{
  KefuStoreSqlite *self = SELF (store);
  sqlite3_stmt *stmt = prepare (self,
                                "INSERT INTO audit (at, user_id, device_id, action, entity, row_id, detail)"
                                " VALUES (?, ?, ?, ?, ?, ?, ?)", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, at);
  bind_text (stmt, 2, user_id);
  bind_text (stmt, 3, device_id);
  bind_text (stmt, 4, action);
  bind_text (stmt, 5, entity);
  bind_text (stmt, 6, row_id);
  bind_text (stmt, 7, detail_json);
  return run (self, stmt, error);
}

static gint64
store_audit_count (KefuStore  *store,
                   GError    **error)
{
  KefuStoreSqlite *self = SELF (store);
  sqlite3_stmt *stmt = prepare (self, "SELECT count(*) FROM audit", error);
  gint64 n = -1;

  if (stmt == NULL)
    return -1;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  else
    set_error (self, error);
  sqlite3_reset (stmt);
  return n;
}

static const KefuStoreVTable sqlite_vtable = {
  .close = store_close,
  .begin = store_begin,
  .commit = store_commit,
  .rollback = store_rollback,
  .meta_get = store_meta_get,
  .meta_set = store_meta_set,
  .user_insert = store_user_insert,
  .user_update = store_user_update,
  .user_get = store_user_get,
  .user_list = store_user_list,
  .token_insert = store_token_insert,
  .token_lookup = store_token_lookup,
  .token_delete = store_token_delete,
  .token_purge = store_token_purge,
  .device_get = store_device_get,
  .device_set = store_device_set,
  .push_result_put = store_push_result_put,
  .push_result_get = store_push_result_get,
  .row_get = store_row_get,
  .row_put = store_row_put,
  .scope_get = store_scope_get,
  .rows_changed = store_rows_changed,
  .rows_scan = store_rows_scan,
  .rows_of_entity = store_rows_of_entity,
  .purge_tombstones = store_purge_tombstones,
  .audit_append = store_audit_append,
  .audit_count = store_audit_count,
  .push_results_put = store_push_results_put,
  .push_results_get = store_push_results_get,
};

/**
 * kefu_store_sqlite_open:
 * @dir: the data directory, created (mode 0700) when missing
 * Returns: (transfer full): the store in <dir>/kefu-server.db.
 */
KefuStore *
kefu_store_sqlite_open (const char  *dir,
                        GError     **error)
{
  g_autofree char *path = NULL;
  KefuStoreSqlite *self;
  int fd;

  g_return_val_if_fail (dir != NULL, NULL);

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;
      g_set_error (error, KEFU_STORE_ERROR, KEFU_STORE_ERROR_OPEN,
                   "Cannot create the data folder %s: %s", dir, g_strerror (saved));
      return NULL;
    }
  path = g_build_filename (dir, "kefu-server.db", NULL);
  /* Create the file 0600 before SQLite does. */
  fd = g_open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, KEFU_STORE_ERROR, KEFU_STORE_ERROR_OPEN,
                   "Cannot open %s: %s", path, g_strerror (saved));
      return NULL;
    }
  close (fd);

  self = g_new0 (KefuStoreSqlite, 1);
  self->parent.vtable = &sqlite_vtable;
  self->statements = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL,
                                            (GDestroyNotify) sqlite3_finalize);
  self->seq_cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  if (sqlite3_open_v2 (path, &self->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX, NULL) != SQLITE_OK)
    {
      g_set_error (error, KEFU_STORE_ERROR, KEFU_STORE_ERROR_OPEN,
                   "Cannot open %s: %s", path, sqlite3_errmsg (self->db));
      store_close (&self->parent);
      return NULL;
    }
  sqlite3_busy_timeout (self->db, 5000);
  if (!exec (self, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;", error)
      || !exec (self, schema, error))
    {
      store_close (&self->parent);
      return NULL;
    }
  return &self->parent;
}
