/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "kefu-store-pg"

#include "config.h"

#include <libpq-fe.h>
#include <string.h>

#include "kefu-store-pg.h"

/* The PostgreSQL store: the same tables as the SQLite store, prefixed
 * kefu_ (several are SQL keywords), in the connection's current schema.
 * Every statement with a value is a prepared statement with parameters;
 * the only SQL built at run time are cursor declarations around those
 * same static statements, with a generated cursor name.
 *
 * Row data stays text, not jsonb: the server hands the JSON text back to
 * clients as it stored it, the same bytes as the SQLite store, and never
 * queries inside it.
 *
 * Concurrency (several server processes on one database, READ COMMITTED):
 * - the first row_put of a scope in a write transaction locks the scope's
 *   counter row (INSERT .. ON CONFLICT DO UPDATE) until commit, so a second
 *   writer of the scope waits and its sequence numbers commit after the
 *   first's; numbers are counted in memory and the counter written once at
 *   commit, and (scope, seq) is unique as a last guard;
 * - inside a write transaction, row_get and device_get take a
 *   transaction-scoped advisory lock on the row or device before reading
 *   it in a fresh snapshot, so two pushes never both build on the same
 *   version of a row nor apply the same device seq twice.
 *
 * Round trips: a push op costs two (the locked read, the upsert); audit
 * entries and push results are collected and inserted with one statement
 * per table at commit or before the table is read (so a unique-key error
 * there fails the commit). */

/* The collected rows of one table (audit, push results) in a write
 * transaction: one array literal per column. */
typedef struct
{
  const char *insert;     /* INSERT .. SELECT FROM unnest ($1 .. $n) */
  guint       n_columns;
  guint       n_rows;
  GString    *columns[7];
} Deferred;

typedef struct
{
  KefuStore   parent;
  PGconn     *conn;
  GHashTable *prepared;       /* SQL text (static) -> statement name */
  gboolean    writing;        /* inside kefu_store_begin/commit */
  guint       n_cursors;
  Deferred    audit;
  Deferred    push_results;
  GHashTable *counters;       /* scope -> gint64 * last seq, in a write transaction */
} KefuStorePg;

#define SELF(s) ((KefuStorePg *) (s))

/* Rows fetched per round trip when a read has no small limit. */
#define FETCH_ROWS 1000
#define FETCH_ROWS_STR "1000"

/* Serialises schema creation and migration between processes. */
#define MIGRATION_LOCK "7016996765293437281"

static const char * const migrations[] = {
  /* 1: the first schema */
  "CREATE TABLE kefu_meta (key text PRIMARY KEY, value text);"
  "CREATE TABLE kefu_user ("
  "  id text PRIMARY KEY, username text NOT NULL UNIQUE, password_hash text NOT NULL,"
  "  role text NOT NULL, org_unit_id text NOT NULL, staff_id text,"
  "  active boolean NOT NULL, created_at bigint NOT NULL, updated_at bigint NOT NULL);"
  "CREATE TABLE kefu_token ("
  "  hash text PRIMARY KEY, user_id text NOT NULL, expires_at bigint NOT NULL);"
  "CREATE INDEX kefu_token_by_user ON kefu_token (user_id);"
  "CREATE TABLE kefu_device ("
  "  id text PRIMARY KEY, org_unit_id text, last_seq bigint NOT NULL);"
  "CREATE TABLE kefu_push_result ("
  "  device_id text NOT NULL, seq bigint NOT NULL, result text NOT NULL,"
  "  PRIMARY KEY (device_id, seq));"
  "CREATE TABLE kefu_scope ("
  "  scope text PRIMARY KEY, last_seq bigint NOT NULL, horizon bigint NOT NULL DEFAULT 0);"
  "CREATE TABLE kefu_row ("
  "  row_key bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
  "  entity text NOT NULL, row_id text NOT NULL, scope text NOT NULL,"
  "  version bigint NOT NULL, seq bigint NOT NULL, deleted boolean NOT NULL,"
  "  updated_at bigint NOT NULL, data text NOT NULL, field_versions text NOT NULL,"
  "  UNIQUE (entity, row_id));"
  "CREATE UNIQUE INDEX kefu_row_by_scope_seq ON kefu_row (scope, seq);"
  "CREATE INDEX kefu_row_tombstones ON kefu_row (updated_at) WHERE deleted;"
  "CREATE TABLE kefu_audit ("
  "  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, at bigint NOT NULL,"
  "  user_id text, device_id text, action text NOT NULL, entity text, row_id text, detail text);"
  /* row_get in a write transaction: the row's advisory lock, then the read
   * in a fresh snapshot (a volatile function takes one per statement), in
   * one round trip. */
  "CREATE FUNCTION kefu_row_get_locked (p_entity text, p_row_id text) RETURNS SETOF kefu_row"
  " LANGUAGE plpgsql VOLATILE AS $$"
  " BEGIN"
  "   PERFORM pg_advisory_xact_lock (hashtextextended ('row' || E'\\n' || p_entity || E'\\n' || p_row_id, 0));"
  "   RETURN QUERY SELECT * FROM kefu_row WHERE entity = p_entity AND row_id = p_row_id;"
  " END $$;",
};

#define ROW_COLUMNS "row_key, entity, row_id, scope, version, seq, deleted, updated_at, data, field_versions"
#define USER_COLUMNS "id, username, password_hash, role, org_unit_id, staff_id, active, created_at, updated_at"

/* --- helpers -------------------------------------------------------------- */

/* libpq messages end in a newline. */
static char *
clean_message (const char *message)
{
  char *copy = g_strdup (message != NULL && *message != '\0' ? message : "unknown error");

  return g_strstrip (copy);
}

static void
set_result_error (KefuStorePg     *self,
                  const PGresult  *result,
                  GError         **error)
{
  const char *state = result != NULL ? PQresultErrorField (result, PG_DIAG_SQLSTATE) : NULL;
  const char *primary = result != NULL ? PQresultErrorField (result, PG_DIAG_MESSAGE_PRIMARY) : NULL;
  g_autofree char *message = clean_message (primary != NULL ? primary : PQerrorMessage (self->conn));

  g_set_error (error, KEFU_STORE_ERROR,
               g_strcmp0 (state, "23505") == 0 ? KEFU_STORE_ERROR_EXISTS : KEFU_STORE_ERROR_FAILED,
               "Server database (PostgreSQL): %s", message);
}

static void
notice_cb (void       *user_data,
           const char *message)
{
  g_autofree char *text = clean_message (message);

  g_debug ("%s", text);
}

static gboolean
result_ok (const PGresult *result)
{
  ExecStatusType status = PQresultStatus (result);

  return status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;
}

/* A broken connection is reset and the statement retried once, but only
 * when no transaction was open (a lost transaction must fail). */
static gboolean
reconnect_after_failure (KefuStorePg    *self,
                         PGTransactionStatusType before)
{
  if (before != PQTRANS_IDLE || self->writing || PQstatus (self->conn) != CONNECTION_BAD)
    return FALSE;
  g_message ("Lost the PostgreSQL connection; reconnecting");
  PQreset (self->conn);
  g_hash_table_remove_all (self->prepared);
  return PQstatus (self->conn) == CONNECTION_OK;
}

/* Runs the static statement @sql (prepared on first use) with @params
 * (text format, NULL = SQL NULL). Returns: (transfer full): the result. */
static PGresult *
query (KefuStorePg        *self,
       const char         *sql,
       int                 n_params,
       const char * const *params,
       GError            **error)
{
  gboolean retried = FALSE;

  for (;;)
    {
      PGTransactionStatusType before = PQtransactionStatus (self->conn);
      const char *name = g_hash_table_lookup (self->prepared, sql);
      PGresult *result;

      if (name == NULL)
        {
          g_autofree char *new_name = g_strdup_printf ("kefu_%u", g_hash_table_size (self->prepared) + 1);

          result = PQprepare (self->conn, new_name, sql, n_params, NULL);
          if (result_ok (result))
            {
              PQclear (result);
              name = new_name;
              g_hash_table_insert (self->prepared, (gpointer) sql, g_steal_pointer (&new_name));
            }
        }
      else
        result = NULL;

      if (name != NULL)
        {
          result = PQexecPrepared (self->conn, name, n_params, params, NULL, NULL, 0);
          if (result_ok (result))
            return result;
        }

      if (!retried && reconnect_after_failure (self, before))
        {
          PQclear (result);
          retried = TRUE;
          continue;
        }
      set_result_error (self, result, error);
      PQclear (result);
      return NULL;
    }
}

/* Like query() for statements that return nothing of interest. */
static gboolean
run (KefuStorePg        *self,
     const char         *sql,
     int                 n_params,
     const char * const *params,
     GError            **error)
{
  PGresult *result = query (self, sql, n_params, params, error);

  PQclear (result);
  return result != NULL;
}

/* The first column of the first row of @sql, or NULL (without error when
 * there is no row). */
static char *
query_value (KefuStorePg        *self,
             const char         *sql,
             int                 n_params,
             const char * const *params,
             GError            **error)
{
  PGresult *result = query (self, sql, n_params, params, error);
  char *value = NULL;

  if (result != NULL && PQntuples (result) > 0)
    value = g_strdup (PQgetisnull (result, 0, 0) ? NULL : PQgetvalue (result, 0, 0));
  PQclear (result);
  return value;
}

/* A parameterless command (transaction control, schema). */
static gboolean
command (KefuStorePg  *self,
         const char   *sql,
         GError      **error)
{
  PGresult *result = PQexec (self->conn, sql);
  gboolean ok = result_ok (result);

  if (!ok)
    set_result_error (self, result, error);
  PQclear (result);
  return ok;
}

typedef struct
{
  char text[24];
} Int64Text;

static const char *
int64_text (Int64Text *buffer,
            gint64     value)
{
  g_snprintf (buffer->text, sizeof buffer->text, "%" G_GINT64_FORMAT, value);
  return buffer->text;
}

static const char *
peek_text (const PGresult *result,
           int             row,
           int             col)
{
  return PQgetisnull (result, row, col) ? NULL : PQgetvalue (result, row, col);
}

static char *
dup_text (const PGresult *result,
          int             row,
          int             col)
{
  return g_strdup (peek_text (result, row, col));
}

static gint64
get_int64 (const PGresult *result,
           int             row,
           int             col)
{
  return g_ascii_strtoll (PQgetvalue (result, row, col), NULL, 10);
}

static gboolean
get_bool (const PGresult *result,
          int             row,
          int             col)
{
  return PQgetvalue (result, row, col)[0] == 't';
}

/* Appends @value (NULL = SQL NULL) as one element of a PostgreSQL array
 * literal; the literal is passed as a parameter value, never spliced into
 * SQL. */
static void
append_element (GString    *array,
                const char *value)
{
  if (array->len > 1)
    g_string_append_c (array, ',');
  if (value == NULL)
    {
      g_string_append (array, "NULL");
      return;
    }
  g_string_append_c (array, '"');
  for (const char *p = value; *p != '\0'; p++)
    {
      if (*p == '"' || *p == '\\')
        g_string_append_c (array, '\\');
      g_string_append_c (array, *p);
    }
  g_string_append_c (array, '"');
}

static char *
array_literal (const char * const *values)
{
  GString *text = g_string_new ("{");

  for (guint i = 0; values[i] != NULL; i++)
    append_element (text, values[i]);
  g_string_append_c (text, '}');
  return g_string_free (text, FALSE);
}

static void
deferred_init (Deferred   *deferred,
               const char *insert,
               guint       n_columns)
{
  g_assert (n_columns <= G_N_ELEMENTS (deferred->columns));
  deferred->insert = insert;
  deferred->n_columns = n_columns;
  deferred->n_rows = 0;
  for (guint i = 0; i < n_columns; i++)
    deferred->columns[i] = g_string_new ("{");
}

static void
deferred_clear (Deferred *deferred)
{
  deferred->n_rows = 0;
  for (guint i = 0; i < deferred->n_columns; i++)
    g_string_assign (deferred->columns[i], "{");
}

static void
deferred_free (Deferred *deferred)
{
  for (guint i = 0; i < deferred->n_columns; i++)
    if (deferred->columns[i] != NULL)
      g_string_free (deferred->columns[i], TRUE);
}

static void
deferred_add (Deferred           *deferred,
              const char * const *values)
{
  for (guint i = 0; i < deferred->n_columns; i++)
    append_element (deferred->columns[i], values[i]);
  deferred->n_rows++;
}

/* Takes the transaction-scoped advisory lock named @kind/@a/@b when inside
 * a write transaction (see the comment at the top). */
static gboolean
lock_for_write (KefuStorePg  *self,
                const char   *kind,
                const char   *a,
                const char   *b,
                GError      **error)
{
  g_autofree char *name = NULL;
  const char *params[1];

  if (!self->writing)
    return TRUE;
  name = g_strjoin ("\n", kind, a, b, NULL);
  params[0] = name;
  return run (self, "SELECT pg_advisory_xact_lock (hashtextextended ($1::text, 0))", 1, params, error);
}

/* Inserts the collected rows of @deferred (see Deferred). */
static gboolean
flush (KefuStorePg  *self,
       Deferred     *deferred,
       GError      **error)
{
  const char *params[G_N_ELEMENTS (deferred->columns)];
  gboolean ok;

  if (deferred->n_rows == 0)
    return TRUE;
  for (guint i = 0; i < deferred->n_columns; i++)
    {
      g_string_append_c (deferred->columns[i], '}');
      params[i] = deferred->columns[i]->str;
    }
  ok = run (self, deferred->insert, deferred->n_columns, params, error);
  deferred_clear (deferred);
  return ok;
}

static gboolean flush_counters (KefuStorePg  *self,
                                GError      **error);

static gboolean
flush_all (KefuStorePg  *self,
           GError      **error)
{
  return flush (self, &self->audit, error) && flush (self, &self->push_results, error)
         && flush_counters (self, error);
}

/* --- transactions and meta ------------------------------------------------ */

static void
store_close (KefuStore *store)
{
  KefuStorePg *self = SELF (store);

  g_clear_pointer (&self->prepared, g_hash_table_unref);
  g_clear_pointer (&self->conn, PQfinish);
  deferred_free (&self->audit);
  deferred_free (&self->push_results);
  g_clear_pointer (&self->counters, g_hash_table_unref);
  g_free (self);
}

static gboolean
store_begin (KefuStore  *store,
             GError    **error)
{
  KefuStorePg *self = SELF (store);

  PGresult *result;

  /* A connection that broke while idle is reset here, before any work. */
  self->writing = FALSE;
  deferred_clear (&self->audit);
  deferred_clear (&self->push_results);
  g_hash_table_remove_all (self->counters);
  result = PQexec (self->conn, "BEGIN");
  if (!result_ok (result) && reconnect_after_failure (self, PQTRANS_IDLE))
    {
      PQclear (result);
      result = PQexec (self->conn, "BEGIN");
    }
  if (!result_ok (result))
    {
      set_result_error (self, result, error);
      PQclear (result);
      return FALSE;
    }
  PQclear (result);
  self->writing = TRUE;
  return TRUE;
}

static void
store_rollback (KefuStore *store)
{
  KefuStorePg *self = SELF (store);
  PGTransactionStatusType status = PQtransactionStatus (self->conn);

  self->writing = FALSE;
  deferred_clear (&self->audit);
  deferred_clear (&self->push_results);
  g_hash_table_remove_all (self->counters);
  if (status == PQTRANS_INTRANS || status == PQTRANS_INERROR)
    command (self, "ROLLBACK", NULL);
}

static gboolean
store_commit (KefuStore  *store,
              GError    **error)
{
  KefuStorePg *self = SELF (store);
  PGresult *result;
  gboolean ok;

  if (PQtransactionStatus (self->conn) == PQTRANS_INTRANS && !flush_all (self, error))
    {
      store_rollback (store);
      return FALSE;
    }
  /* COMMIT of a failed transaction answers "ROLLBACK" without an error. */
  if (PQtransactionStatus (self->conn) != PQTRANS_INTRANS)
    {
      self->writing = FALSE;
      if (PQtransactionStatus (self->conn) == PQTRANS_INERROR)
        command (self, "ROLLBACK", NULL);
      g_set_error_literal (error, KEFU_STORE_ERROR, KEFU_STORE_ERROR_FAILED,
                           "Server database (PostgreSQL): the transaction failed and was rolled back");
      return FALSE;
    }
  result = PQexec (self->conn, "COMMIT");
  ok = result_ok (result) && g_strcmp0 (PQcmdStatus (result), "COMMIT") == 0;
  if (!ok)
    {
      if (result_ok (result))
        g_set_error_literal (error, KEFU_STORE_ERROR, KEFU_STORE_ERROR_FAILED,
                             "Server database (PostgreSQL): the transaction was rolled back");
      else
        set_result_error (self, result, error);
    }
  PQclear (result);
  self->writing = FALSE;
  return ok;
}

static char *
store_meta_get (KefuStore   *store,
                const char  *key,
                GError     **error)
{
  const char *params[] = { key };

  return query_value (SELF (store), "SELECT value FROM kefu_meta WHERE key = $1", 1, params, error);
}

static gboolean
store_meta_set (KefuStore   *store,
                const char  *key,
                const char  *value,
                GError     **error)
{
  const char *params[] = { key, value };

  return run (SELF (store),
              "INSERT INTO kefu_meta (key, value) VALUES ($1, $2)"
              " ON CONFLICT (key) DO UPDATE SET value = excluded.value", 2, params, error);
}

/* --- users and tokens ----------------------------------------------------- */

static gboolean
write_user (KefuStorePg          *self,
            const char           *sql,
            const KefuStoreUser  *user,
            GError              **error)
{
  Int64Text created, updated;
  const char *params[] = {
    user->id, user->username, user->password_hash, user->role, user->org_unit_id,
    user->staff_id, user->active ? "true" : "false",
    int64_text (&created, user->created_at), int64_text (&updated, user->updated_at),
  };

  return run (self, sql, G_N_ELEMENTS (params), params, error);
}

static KefuStoreUser *
read_user (const PGresult *result,
           int             row)
{
  KefuStoreUser *user = g_new0 (KefuStoreUser, 1);

  user->id = dup_text (result, row, 0);
  user->username = dup_text (result, row, 1);
  user->password_hash = dup_text (result, row, 2);
  user->role = dup_text (result, row, 3);
  user->org_unit_id = dup_text (result, row, 4);
  user->staff_id = dup_text (result, row, 5);
  user->active = get_bool (result, row, 6);
  user->created_at = get_int64 (result, row, 7);
  user->updated_at = get_int64 (result, row, 8);
  return user;
}

static gboolean
store_user_insert (KefuStore            *store,
                   const KefuStoreUser  *user,
                   GError              **error)
{
  return write_user (SELF (store),
                     "INSERT INTO kefu_user (" USER_COLUMNS ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                     user, error);
}

static gboolean
store_user_update (KefuStore            *store,
                   const KefuStoreUser  *user,
                   GError              **error)
{
  return write_user (SELF (store),
                     "UPDATE kefu_user SET username = $2, password_hash = $3, role = $4, org_unit_id = $5,"
                     " staff_id = $6, active = $7, created_at = $8, updated_at = $9 WHERE id = $1",
                     user, error);
}

static KefuStoreUser *
store_user_get (KefuStore   *store,
                const char  *id,
                const char  *username,
                GError     **error)
{
  const char *params[] = { id != NULL ? id : username };
  PGresult *result;
  KefuStoreUser *user = NULL;

  if (id != NULL)
    result = query (SELF (store), "SELECT " USER_COLUMNS " FROM kefu_user WHERE id = $1", 1, params, error);
  else
    result = query (SELF (store), "SELECT " USER_COLUMNS " FROM kefu_user WHERE username = $1", 1, params, error);
  if (result == NULL)
    return NULL;
  if (PQntuples (result) > 0)
    user = read_user (result, 0);
  PQclear (result);
  return user;
}

static GPtrArray *
store_user_list (KefuStore  *store,
                 GError    **error)
{
  PGresult *result = query (SELF (store),
                            "SELECT " USER_COLUMNS " FROM kefu_user ORDER BY username COLLATE \"C\"",
                            0, NULL, error);
  GPtrArray *users;

  if (result == NULL)
    return NULL;
  users = g_ptr_array_new_with_free_func ((GDestroyNotify) kefu_store_user_free);
  for (int i = 0; i < PQntuples (result); i++)
    g_ptr_array_add (users, read_user (result, i));
  PQclear (result);
  return users;
}

static gboolean
store_token_insert (KefuStore   *store,
                    const char  *token_hash,
                    const char  *user_id,
                    gint64       expires_at,
                    GError     **error)
{
  Int64Text expires;
  const char *params[] = { token_hash, user_id, int64_text (&expires, expires_at) };

  return run (SELF (store), "INSERT INTO kefu_token (hash, user_id, expires_at) VALUES ($1, $2, $3)",
              3, params, error);
}

static char *
store_token_lookup (KefuStore   *store,
                    const char  *token_hash,
                    gint64       now,
                    GError     **error)
{
  Int64Text now_text;
  const char *params[] = { token_hash, int64_text (&now_text, now) };

  return query_value (SELF (store), "SELECT user_id FROM kefu_token WHERE hash = $1 AND expires_at > $2",
                      2, params, error);
}

static gboolean
store_token_delete (KefuStore   *store,
                    const char  *token_hash,
                    GError     **error)
{
  const char *params[] = { token_hash };

  return run (SELF (store), "DELETE FROM kefu_token WHERE hash = $1", 1, params, error);
}

static gboolean
store_token_purge (KefuStore   *store,
                   gint64       now,
                   const char  *user_id,
                   GError     **error)
{
  Int64Text now_text;
  const char *params[] = { int64_text (&now_text, now), user_id };

  return run (SELF (store), "DELETE FROM kefu_token WHERE expires_at <= $1 OR user_id = $2", 2, params, error);
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
  KefuStorePg *self = SELF (store);
  const char *params[] = { device_id };
  PGresult *result;

  *found = FALSE;
  *org_unit_id = NULL;
  *last_seq = 0;
  if (!lock_for_write (self, "device", device_id, NULL, error))
    return FALSE;
  result = query (self, "SELECT org_unit_id, last_seq FROM kefu_device WHERE id = $1", 1, params, error);
  if (result == NULL)
    return FALSE;
  if (PQntuples (result) > 0)
    {
      *found = TRUE;
      *org_unit_id = dup_text (result, 0, 0);
      *last_seq = get_int64 (result, 0, 1);
    }
  PQclear (result);
  return TRUE;
}

static gboolean
store_device_set (KefuStore   *store,
                  const char  *device_id,
                  const char  *org_unit_id,
                  gint64       last_seq,
                  GError     **error)
{
  Int64Text seq;
  const char *params[] = { device_id, org_unit_id, int64_text (&seq, last_seq) };

  return run (SELF (store),
              "INSERT INTO kefu_device (id, org_unit_id, last_seq) VALUES ($1, $2, $3)"
              " ON CONFLICT (id) DO UPDATE SET org_unit_id = excluded.org_unit_id,"
              " last_seq = excluded.last_seq", 3, params, error);
}

static gboolean
store_push_result_put (KefuStore   *store,
                       const char  *device_id,
                       gint64       seq,
                       const char  *result_json,
                       GError     **error)
{
  KefuStorePg *self = SELF (store);
  Int64Text seq_text;
  const char *values[] = { device_id, int64_text (&seq_text, seq), result_json };

  deferred_add (&self->push_results, values);
  return self->writing || flush (self, &self->push_results, error);
}

static char *
store_push_result_get (KefuStore   *store,
                       const char  *device_id,
                       gint64       seq,
                       GError     **error)
{
  Int64Text seq_text;
  const char *params[] = { device_id, int64_text (&seq_text, seq) };

  if (!flush (SELF (store), &SELF (store)->push_results, error))
    return NULL;
  return query_value (SELF (store), "SELECT result FROM kefu_push_result WHERE device_id = $1 AND seq = $2",
                      2, params, error);
}

/* A run of results is stored under its first seq, beside single results. */
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
  KefuStorePg *self = SELF (store);
  Int64Text seq_text;
  const char *params[] = { device_id, int64_text (&seq_text, seq) };
  PGresult *result;
  char *value = NULL;

  *first_seq = 0;
  if (!flush (self, &self->push_results, error))
    return NULL;
  result = query (self,
                  "SELECT seq, result FROM kefu_push_result WHERE device_id = $1 AND seq <= $2"
                  " ORDER BY seq DESC LIMIT 1", 2, params, error);
  if (result == NULL)
    return NULL;
  if (PQntuples (result) > 0)
    {
      *first_seq = get_int64 (result, 0, 0);
      value = dup_text (result, 0, 1);
    }
  PQclear (result);
  return value;
}

/* --- rows ----------------------------------------------------------------- */

/* Fills @row from row @i of @result (ROW_COLUMNS), borrowing its text. */
static void
peek_row (const PGresult *result,
          int             i,
          KefuStoreRow   *row)
{
  row->key = get_int64 (result, i, 0);
  row->entity = (char *) peek_text (result, i, 1);
  row->row_id = (char *) peek_text (result, i, 2);
  row->scope = (char *) peek_text (result, i, 3);
  row->version = get_int64 (result, i, 4);
  row->seq = get_int64 (result, i, 5);
  row->deleted = get_bool (result, i, 6);
  row->updated_at = get_int64 (result, i, 7);
  row->data = (char *) peek_text (result, i, 8);
  row->field_versions = (char *) peek_text (result, i, 9);
}

/* Calls @func for each row of @result; FALSE when it asked to stop. */
static gboolean
call_rows (const PGresult   *result,
           KefuStoreRowFunc  func,
           gpointer          user_data)
{
  for (int i = 0; i < PQntuples (result); i++)
    {
      KefuStoreRow row;

      peek_row (result, i, &row);
      if (!func (&row, user_data))
        return FALSE;
    }
  return TRUE;
}

/* Runs the row query @sql; a small result (@small) is fetched at once, any
 * other through a cursor FETCH_ROWS at a time, inside the current
 * transaction or else a read-only snapshot of its own, so memory stays
 * bounded and every row is seen once. The callbacks may call the store. */
static gboolean
each_row (KefuStorePg        *self,
          const char         *sql,
          gboolean            small,
          int                 n_params,
          const char * const *params,
          KefuStoreRowFunc    func,
          gpointer            user_data,
          GError            **error)
{
  g_autofree char *cursor = NULL;
  g_autofree char *declare = NULL;
  g_autofree char *fetch = NULL;
  g_autofree char *close_cursor = NULL;
  gboolean own_snapshot, ok = TRUE, more = TRUE;
  PGresult *result;

  if (small)
    {
      result = query (self, sql, n_params, params, error);
      if (result == NULL)
        return FALSE;
      call_rows (result, func, user_data);
      PQclear (result);
      return TRUE;
    }

  own_snapshot = PQtransactionStatus (self->conn) == PQTRANS_IDLE;
  if (own_snapshot && !command (self, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", error))
    return FALSE;

  cursor = g_strdup_printf ("kefu_cursor_%u", ++self->n_cursors);
  declare = g_strconcat ("DECLARE ", cursor, " NO SCROLL CURSOR FOR ", sql, NULL);
  fetch = g_strconcat ("FETCH FORWARD " FETCH_ROWS_STR " FROM ", cursor, NULL);
  close_cursor = g_strconcat ("CLOSE ", cursor, NULL);

  result = PQexecParams (self->conn, declare, n_params, NULL, params, NULL, NULL, 0);
  ok = result_ok (result);
  if (!ok)
    set_result_error (self, result, error);
  PQclear (result);

  while (ok && more)
    {
      result = PQexec (self->conn, fetch);
      ok = result_ok (result);
      if (!ok)
        set_result_error (self, result, error);
      else
        more = call_rows (result, func, user_data) && PQntuples (result) == FETCH_ROWS;
      PQclear (result);
    }

  if (ok)
    ok = command (self, close_cursor, error);
  if (own_snapshot)
    {
      if (ok)
        ok = command (self, "COMMIT", error);
      else
        command (self, "ROLLBACK", NULL);
    }
  return ok;
}

static KefuStoreRow *
store_row_get (KefuStore   *store,
               const char  *entity,
               const char  *row_id,
               GError     **error)
{
  KefuStorePg *self = SELF (store);
  const char *params[] = { entity, row_id };
  KefuStoreRow *row = NULL;
  PGresult *result;

  if (self->writing)
    result = query (self, "SELECT " ROW_COLUMNS " FROM kefu_row_get_locked ($1, $2)", 2, params, error);
  else
    result = query (self, "SELECT " ROW_COLUMNS " FROM kefu_row WHERE entity = $1 AND row_id = $2",
                    2, params, error);
  if (result == NULL)
    return NULL;
  if (PQntuples (result) > 0)
    {
      KefuStoreRow peeked;

      peek_row (result, 0, &peeked);
      row = kefu_store_row_copy (&peeked);
    }
  PQclear (result);
  return row;
}

/* The next seq of @scope in the current write transaction. The first use
 * of a scope locks its counter row (until commit) and reads it; later
 * numbers are counted here and the counter is written once, at commit:
 * updating one row hundreds of times in a transaction would leave a chain
 * of row versions that every later update walks. */
static gboolean
next_seq (KefuStorePg  *self,
          const char   *scope,
          gint64       *seq,
          GError      **error)
{
  gint64 *last = g_hash_table_lookup (self->counters, scope);

  if (last == NULL)
    {
      const char *params[] = { scope };
      g_autofree char *value = query_value (self,
                                            "INSERT INTO kefu_scope (scope, last_seq) VALUES ($1, 0)"
                                            " ON CONFLICT (scope) DO UPDATE SET last_seq = kefu_scope.last_seq"
                                            " RETURNING last_seq", 1, params, error);

      if (value == NULL)
        return FALSE;
      last = g_new (gint64, 1);
      *last = g_ascii_strtoll (value, NULL, 10);
      g_hash_table_insert (self->counters, g_strdup (scope), last);
    }
  *seq = ++*last;
  return TRUE;
}

/* Writes the counters of the scopes this transaction numbered. */
static gboolean
flush_counters (KefuStorePg  *self,
                GError      **error)
{
  g_autoptr(GString) scopes = g_string_new ("{");
  g_autoptr(GString) seqs = g_string_new ("{");
  const char *params[2];
  GHashTableIter iter;
  gpointer scope, last;

  if (g_hash_table_size (self->counters) == 0)
    return TRUE;
  g_hash_table_iter_init (&iter, self->counters);
  while (g_hash_table_iter_next (&iter, &scope, &last))
    {
      Int64Text text;

      append_element (scopes, scope);
      append_element (seqs, int64_text (&text, *(gint64 *) last));
    }
  g_string_append_c (scopes, '}');
  g_string_append_c (seqs, '}');
  params[0] = scopes->str;
  params[1] = seqs->str;
  g_hash_table_remove_all (self->counters);
  return run (self,
              "UPDATE kefu_scope SET last_seq = t.last_seq"
              " FROM unnest ($1::text[], $2::bigint[]) AS t (scope, last_seq)"
              " WHERE kefu_scope.scope = t.scope", 2, params, error);
}

static gboolean
store_row_put (KefuStore     *store,
               KefuStoreRow  *row,
               GError       **error)
{
  KefuStorePg *self = SELF (store);
  Int64Text version, updated, seq;
  const char *params[] = {
    row->entity, row->row_id, row->scope, int64_text (&version, row->version),
    row->deleted ? "true" : "false", int64_text (&updated, row->updated_at),
    row->data, row->field_versions != NULL ? row->field_versions : "{}", NULL,
  };
  PGresult *result;

  if (self->writing)
    {
      if (!next_seq (self, row->scope, &row->seq, error))
        return FALSE;
      params[8] = int64_text (&seq, row->seq);
      return run (self,
                  "INSERT INTO kefu_row (entity, row_id, scope, version, seq, deleted,"
                  "   updated_at, data, field_versions)"
                  " VALUES ($1, $2, $3, $4, $9, $5, $6, $7, $8)"
                  " ON CONFLICT (entity, row_id) DO UPDATE SET scope = excluded.scope,"
                  "   version = excluded.version, seq = excluded.seq, deleted = excluded.deleted,"
                  "   updated_at = excluded.updated_at, data = excluded.data,"
                  "   field_versions = excluded.field_versions",
                  G_N_ELEMENTS (params), params, error);
    }

  /* Outside a transaction, one statement: the counter bump and the upsert
   * that takes its number. */
  result = query (self,
                  "WITH counter AS ("
                  "  INSERT INTO kefu_scope (scope, last_seq) VALUES ($3::text, 1)"
                  "  ON CONFLICT (scope) DO UPDATE SET last_seq = kefu_scope.last_seq + 1"
                  "  RETURNING last_seq)"
                  " INSERT INTO kefu_row (entity, row_id, scope, version, seq, deleted,"
                  "   updated_at, data, field_versions)"
                  " SELECT $1::text, $2::text, $3::text, $4::bigint, counter.last_seq,"
                  "   $5::boolean, $6::bigint, $7::text, $8::text FROM counter"
                  " ON CONFLICT (entity, row_id) DO UPDATE SET scope = excluded.scope,"
                  "   version = excluded.version, seq = excluded.seq, deleted = excluded.deleted,"
                  "   updated_at = excluded.updated_at, data = excluded.data,"
                  "   field_versions = excluded.field_versions"
                  " RETURNING seq",
                  G_N_ELEMENTS (params) - 1, params, error);
  if (result == NULL)
    return FALSE;
  row->seq = get_int64 (result, 0, 0);
  PQclear (result);
  return TRUE;
}

static gboolean
store_scope_get (KefuStore   *store,
                 const char  *scope,
                 gint64      *last_seq,
                 gint64      *horizon,
                 GError     **error)
{
  const char *params[] = { scope };
  PGresult *result = query (SELF (store), "SELECT last_seq, horizon FROM kefu_scope WHERE scope = $1",
                            1, params, error);

  gint64 *counted = g_hash_table_lookup (SELF (store)->counters, scope);

  *last_seq = 0;
  *horizon = 0;
  if (result == NULL)
    return FALSE;
  if (PQntuples (result) > 0)
    {
      *last_seq = get_int64 (result, 0, 0);
      *horizon = get_int64 (result, 0, 1);
    }
  PQclear (result);
  if (counted != NULL)
    *last_seq = *counted;
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
  Int64Text after_text, limit_text;
  const char *params[] = { scope, int64_text (&after_text, after), int64_text (&limit_text, limit) };

  return each_row (SELF (store),
                   "SELECT " ROW_COLUMNS " FROM kefu_row WHERE scope = $1 AND seq > $2 ORDER BY seq LIMIT $3",
                   limit <= FETCH_ROWS * 5, 3, params, func, user_data, error);
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
  Int64Text after_text, limit_text;
  g_autofree char *array = scopes != NULL ? array_literal (scopes) : NULL;
  const char *params[] = { int64_text (&after_text, after), int64_text (&limit_text, limit), array };
  gboolean small = limit <= FETCH_ROWS * 5;

  if (scopes == NULL)
    return each_row (SELF (store),
                     "SELECT " ROW_COLUMNS " FROM kefu_row WHERE row_key > $1 ORDER BY row_key LIMIT $2",
                     small, 2, params, func, user_data, error);
  return each_row (SELF (store),
                   "SELECT " ROW_COLUMNS " FROM kefu_row WHERE row_key > $1 AND scope = ANY ($3::text[])"
                   " ORDER BY row_key LIMIT $2",
                   small, 3, params, func, user_data, error);
}

static gboolean
store_rows_of_entity (KefuStore         *store,
                      const char        *entity,
                      KefuStoreRowFunc   func,
                      gpointer           user_data,
                      GError           **error)
{
  const char *params[] = { entity };

  return each_row (SELF (store), "SELECT " ROW_COLUMNS " FROM kefu_row WHERE entity = $1",
                   FALSE, 1, params, func, user_data, error);
}

static gboolean
store_purge_tombstones (KefuStore   *store,
                        gint64       before,
                        guint       *n_purged,
                        GError     **error)
{
  Int64Text before_text;
  const char *params[] = { int64_text (&before_text, before) };
  /* One statement, so the horizon rises with the delete even outside a
   * transaction. */
  PGresult *result = query (SELF (store),
                            "WITH purged AS ("
                            "  DELETE FROM kefu_row WHERE deleted AND updated_at < $1 RETURNING scope, seq),"
                            " raised AS ("
                            "  UPDATE kefu_scope SET horizon = greatest (kefu_scope.horizon, p.top)"
                            "  FROM (SELECT scope, max (seq) AS top FROM purged GROUP BY scope) p"
                            "  WHERE kefu_scope.scope = p.scope)"
                            " SELECT count(*) FROM purged",
                            1, params, error);

  *n_purged = 0;
  if (result == NULL)
    return FALSE;
  *n_purged = (guint) get_int64 (result, 0, 0);
  PQclear (result);
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
  KefuStorePg *self = SELF (store);
  Int64Text at_text;
  const char *values[] = { int64_text (&at_text, at), user_id, device_id, action, entity, row_id, detail_json };

  deferred_add (&self->audit, values);
  return self->writing || flush (self, &self->audit, error);
}

static gint64
store_audit_count (KefuStore  *store,
                   GError    **error)
{
  g_autofree char *n = NULL;

  if (!flush (SELF (store), &SELF (store)->audit, error))
    return -1;
  n = query_value (SELF (store), "SELECT count(*) FROM kefu_audit", 0, NULL, error);
  return n != NULL ? g_ascii_strtoll (n, NULL, 10) : -1;
}

static const KefuStoreVTable pg_vtable = {
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

/* --- schema --------------------------------------------------------------- */

/* Creates or migrates the schema in one transaction, under an advisory
 * lock so that servers starting together migrate once. */
static gboolean
migrate (KefuStorePg  *self,
         GError      **error)
{
  PGresult *result;
  int version = 0;

  if (!command (self, "BEGIN", error))
    return FALSE;
  if (!command (self, "SELECT pg_advisory_xact_lock (" MIGRATION_LOCK ")", error)
      || !command (self, "CREATE TABLE IF NOT EXISTS kefu_schema (version integer NOT NULL)", error))
    goto fail;

  result = PQexec (self->conn, "SELECT max (version) FROM kefu_schema");
  if (!result_ok (result))
    {
      set_result_error (self, result, error);
      PQclear (result);
      goto fail;
    }
  if (!PQgetisnull (result, 0, 0))
    version = (int) get_int64 (result, 0, 0);
  PQclear (result);

  if (version > (int) G_N_ELEMENTS (migrations))
    {
      g_set_error (error, KEFU_STORE_ERROR, KEFU_STORE_ERROR_OPEN,
                   "The PostgreSQL database has schema version %d, newer than this kefu-server (%d)",
                   version, (int) G_N_ELEMENTS (migrations));
      goto fail;
    }
  for (; version < (int) G_N_ELEMENTS (migrations); version++)
    {
      if (!command (self, migrations[version], error))
        goto fail;
      g_debug ("Migrated the PostgreSQL schema to version %d", version + 1);
    }
  if (!command (self, "DELETE FROM kefu_schema", error))
    goto fail;
  {
    Int64Text text;
    const char *params[] = { int64_text (&text, version) };

    if (!run (self, "INSERT INTO kefu_schema (version) VALUES ($1)", 1, params, error))
      goto fail;
  }
  return command (self, "COMMIT", error);

fail:
  command (self, "ROLLBACK", NULL);
  return FALSE;
}

/**
 * kefu_store_pg_open:
 * @conninfo: a libpq connection string or URI
 * Returns: (transfer full): the store, or NULL with KEFU_STORE_ERROR_OPEN.
 */
KefuStore *
kefu_store_pg_open (const char  *conninfo,
                    GError     **error)
{
  /* The connection string may override application_name, not the
   * encoding (row data is UTF-8 JSON). */
  const char * const keywords[] = { "application_name", "dbname", "client_encoding", NULL };
  const char * const values[] = { "kefu-server", conninfo, "UTF8", NULL };
  g_autoptr(GError) local_error = NULL;
  KefuStorePg *self;

  g_return_val_if_fail (conninfo != NULL, NULL);

  self = g_new0 (KefuStorePg, 1);
  self->parent.vtable = &pg_vtable;
  self->prepared = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
  self->counters = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  deferred_init (&self->audit,
                 "INSERT INTO kefu_audit (at, user_id, device_id, action, entity, row_id, detail)"
                 " SELECT at, user_id, device_id, action, entity, row_id, detail"
                 " FROM unnest ($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])"
                 " WITH ORDINALITY AS t (at, user_id, device_id, action, entity, row_id, detail, n) ORDER BY n", 7);
  deferred_init (&self->push_results,
                 "INSERT INTO kefu_push_result (device_id, seq, result)"
                 " SELECT * FROM unnest ($1::text[], $2::bigint[], $3::text[])", 3);
  self->conn = PQconnectdbParams (keywords, values, 1);
  if (self->conn == NULL || PQstatus (self->conn) != CONNECTION_OK)
    {
      g_autofree char *message = clean_message (self->conn != NULL ? PQerrorMessage (self->conn) : NULL);

      g_set_error (error, KEFU_STORE_ERROR, KEFU_STORE_ERROR_OPEN,
                   "Cannot connect to PostgreSQL: %s", message);
      store_close (&self->parent);
      return NULL;
    }
  PQsetNoticeProcessor (self->conn, notice_cb, NULL);
  if (!migrate (self, &local_error))
    {
      g_set_error (error, KEFU_STORE_ERROR, KEFU_STORE_ERROR_OPEN,
                   "Cannot set up the PostgreSQL database: %s", local_error->message);
      store_close (&self->parent);
      return NULL;
    }
  return &self->parent;
}
