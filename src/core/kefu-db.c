/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "kefu-db"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "kefu-db.h"
#include "kefu-schema.h"
#include "kefu-text.h"
#include "kefu-uuid.h"

/* Outbox entries per INSERT statement in kefu_db_record_outbox_many(). */
#define OUTBOX_ROWS_PER_INSERT 100

struct _KefuDb
{
  GObject      parent_instance;

  sqlite3     *handle;
  char        *path;
  char        *last_backup;
  GHashTable  *statements;   /* SQL text → sqlite3_stmt* */
  guint        depth;        /* transaction nesting */
  char        *actor;
  char        *device_id;
  gint64       hlc_ms;
  guint        hlc_counter;
  char        *outbox_sql[OUTBOX_ROWS_PER_INSERT + 1];   /* by number of rows */
};

struct _KefuChangeSet
{
  char        *entity;
  char        *row_id;
  KefuChangeOp op;
  gint64       base_version;
  GString     *changes;      /* audit: {"field":{"old":…,"new":…},…} */
  GString     *fields;       /* outbox: {"field":new,…} */
  char        *note;
  char        *hlc;
  guint        n_fields;
};

G_DEFINE_QUARK (kefu-error-quark, kefu_error)
G_DEFINE_FINAL_TYPE (KefuDb, kefu_db, G_TYPE_OBJECT)

/* --- helpers --------------------------------------------------------- */

gboolean
kefu_error_invalid (GError     **error,
                    const char  *message)
{
  g_set_error_literal (error, KEFU_ERROR, KEFU_ERROR_INVALID, message);
  return FALSE;
}

gboolean
kefu_error_denied (GError     **error,
                   const char  *message)
{
  g_set_error_literal (error, KEFU_ERROR, KEFU_ERROR_PERMISSION, message);
  return FALSE;
}

static const char *
op_name (KefuChangeOp op)
{
  switch (op)
    {
    case KEFU_CHANGE_INSERT:  return "insert";
    case KEFU_CHANGE_UPDATE:  return "update";
    case KEFU_CHANGE_DELETE:  return "delete";
    case KEFU_CHANGE_RESTORE: return "restore";
    default:                  return "update";
    }
}

/* Appends @v in decimal; g_string_append_printf() showed up in
 * bulk-import profiles (several integer fields per change set). */
static void
append_int64 (GString *out,
              gint64   v)
{
  char buf[24];
  char *p = buf + sizeof buf;
  guint64 u = v < 0 ? (guint64) 0 - (guint64) v : (guint64) v;

  do
    {
      *--p = (char) ('0' + u % 10);
      u /= 10;
    }
  while (u > 0);
  if (v < 0)
    *--p = '-';
  g_string_append_len (out, p, buf + sizeof buf - p);
}

void
kefu_json_escape_append (GString    *out,
                         const char *text)
{
  if (text == NULL)
    {
      g_string_append (out, "null");
      return;
    }

  g_string_append_c (out, '"');
  for (const char *p = text; *p;)
    {
      const char *run = p;
      guchar c;

      /* Copy the stretch that needs no escaping in one go. */
      while ((guchar) *p >= 0x20 && *p != '"' && *p != '\\')
        p++;
      if (p > run)
        g_string_append_len (out, run, p - run);
      if (*p == '\0')
        break;

      c = (guchar) *p++;
      switch (c)
        {
        case '"':  g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\t': g_string_append (out, "\\t"); break;
        default:
          g_string_append_printf (out, "\\u%04x", c);
        }
    }
  g_string_append_c (out, '"');
}

const char *
kefu_stmt_text (sqlite3_stmt *stmt,
                int           col)
{
  return (const char *) sqlite3_column_text (stmt, col);
}

char *
kefu_stmt_dup (sqlite3_stmt *stmt,
               int           col)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, col));
}

gboolean
kefu_db_set_error (KefuDb  *self,
                   GError **error)
{
  int code = sqlite3_extended_errcode (self->handle);
  const char *msg = sqlite3_errmsg (self->handle);

  if ((code & 0xff) == SQLITE_CONSTRAINT)
    g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID,
                 "The data breaks a rule of the database (%s)", msg);
  else
    g_set_error (error, KEFU_ERROR, KEFU_ERROR_DATABASE,
                 "Database error: %s", msg);
  return FALSE;
}

static gboolean
ensure_file (const char  *path,
             GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  int fd;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_IO,
                   "Could not create the folder “%s”: %s", dir, g_strerror (saved));
      return FALSE;
    }

  /* Create the file ourselves so it is never world-readable, not even for
   * the moment before chmod. */
  fd = g_open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_IO,
                   "Could not open the database “%s”: %s", path, g_strerror (saved));
      return FALSE;
    }
  if (fchmod (fd, 0600) != 0)
    g_warning ("Could not restrict permissions of %s", path);
  close (fd);
  return TRUE;
}

static gboolean
backup_to (KefuDb      *self,
           const char  *target,
           GError     **error)
{
  sqlite3 *dest = NULL;
  sqlite3_backup *backup;
  int rc;

  if (!ensure_file (target, error))
    return FALSE;
  if (sqlite3_open (target, &dest) != SQLITE_OK)
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_IO,
                   "Could not write the backup “%s”", target);
      sqlite3_close (dest);
      return FALSE;
    }
  backup = sqlite3_backup_init (dest, "main", self->handle, "main");
  if (backup == NULL)
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_IO,
                   "Could not back up the database: %s", sqlite3_errmsg (dest));
      sqlite3_close (dest);
      return FALSE;
    }
  rc = sqlite3_backup_step (backup, -1);
  sqlite3_backup_finish (backup);
  sqlite3_close (dest);
  if (rc != SQLITE_DONE)
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_IO,
                   "Could not back up the database (SQLite code %d)", rc);
      return FALSE;
    }
  return TRUE;
}

static gboolean
has_user_tables (KefuDb *self)
{
  sqlite3_stmt *stmt = kefu_db_prepare (self, "SELECT count(*) FROM sqlite_schema", NULL);
  gboolean ret = FALSE;

  if (stmt && sqlite3_step (stmt) == SQLITE_ROW)
    ret = sqlite3_column_int (stmt, 0) > 0;
  if (stmt)
    sqlite3_reset (stmt);
  return ret;
}

static gboolean
migrate_to (KefuDb      *self,
            guint        target,
            GError     **error)
{
  guint n_migrations;
  const KefuMigration *migrations = _kefu_schema_get_migrations (&n_migrations);
  guint current = kefu_db_get_version (self);

  if (current > kefu_db_latest_version ())
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_DATABASE,
                   "The database was written by a newer Kefu (schema %u, this one knows %u)",
                   current, kefu_db_latest_version ());
      return FALSE;
    }
  if (current >= target)
    return TRUE;

  if (has_user_tables (self))
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_local ();
      g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");
      g_autofree char *target_path = g_strdup_printf ("%s.v%u-%s.bak", self->path, current, stamp);

      if (!backup_to (self, target_path, error))
        return FALSE;
      kefu_set_str (&self->last_backup, target_path);
      g_message ("Backed up the database to %s before migrating", target_path);
    }

  for (guint i = 0; i < n_migrations; i++)
    {
      const KefuMigration *m = &migrations[i];
      g_autofree char *pragma = NULL;

      if (m->version <= current || m->version > target)
        continue;

      if (!kefu_db_begin (self, error))
        return FALSE;
      pragma = g_strdup_printf ("PRAGMA user_version = %u", m->version);
      if (!kefu_db_exec (self, m->sql, error) ||
          !kefu_db_exec (self, pragma, error))
        {
          kefu_db_rollback (self);
          g_prefix_error (error, "Migration %u (%s) failed: ", m->version, m->description);
          return FALSE;
        }
      if (!kefu_db_commit (self, error))
        return FALSE;
    }

  return TRUE;
}

static gboolean
load_identity (KefuDb  *self,
               GError **error)
{
  g_autofree char *device = kefu_db_get_meta (self, "device_id");

  if (device == NULL)
    {
      device = kefu_uuid7_new ();
      if (!kefu_db_set_meta (self, "device_id", device, error))
        return FALSE;
    }
  self->device_id = g_steal_pointer (&device);
  return TRUE;
}

/* kefu_search_tokens(text, …): the tokens of each argument in turn, as
 * kefu_search_tokens_append() writes them. */
static void
search_tokens_fn (sqlite3_context *ctx,
                  int              argc,
                  sqlite3_value  **argv)
{
  g_autoptr(GString) out = g_string_new (NULL);

  for (int i = 0; i < argc; i++)
    kefu_search_tokens_append (out, (const char *) sqlite3_value_text (argv[i]));
  sqlite3_result_text (ctx, out->str, (int) out->len, SQLITE_TRANSIENT);
}

static KefuDb *
open_internal (const char  *path,
               guint        version,
               GError     **error)
{
  g_autoptr(KefuDb) self = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  if (!ensure_file (path, error))
    return NULL;

  self = g_object_new (KEFU_TYPE_DB, NULL);
  self->path = g_strdup (path);

  if (sqlite3_open_v2 (path, &self->handle,
                       SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                       NULL) != SQLITE_OK)
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_DATABASE,
                   "Could not open the database “%s”: %s", path,
                   self->handle ? sqlite3_errmsg (self->handle) : "out of memory");
      return NULL;
    }

  sqlite3_extended_result_codes (self->handle, 1);
  sqlite3_busy_timeout (self->handle, 5000);

  if (!kefu_db_exec (self,
                     "PRAGMA journal_mode = WAL;"
                     "PRAGMA synchronous = NORMAL;"
                     "PRAGMA foreign_keys = ON;"
                     "PRAGMA temp_store = MEMORY;"
                     /* Checkpoints run from idle (kefu_db_checkpoint());
                      * the automatic one is only a backstop, so that a
                      * save at the counter rarely pays for it. */
                     "PRAGMA wal_autocheckpoint = 10000;"
                     "PRAGMA cache_size = -32000;",
                     error))
    {
      g_prefix_error (error, "“%s” is not a Kefu database: ", path);
      return NULL;
    }

  /* The search tokens in SQL, for migrations that rebuild an index. */
  sqlite3_create_function (self->handle, "kefu_search_tokens", -1,
                           SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
                           NULL, search_tokens_fn, NULL, NULL);

  if (!migrate_to (self, version, error))
    return NULL;

  if (version >= 1 && !load_identity (self, error))
    return NULL;

  return g_steal_pointer (&self);
}

/* --- GObject --------------------------------------------------------- */

static void
kefu_db_finalize (GObject *object)
{
  KefuDb *self = (KefuDb *) object;

  g_clear_pointer (&self->statements, g_hash_table_unref);
  if (self->handle)
    sqlite3_close_v2 (self->handle);
  g_free (self->path);
  g_free (self->last_backup);
  g_free (self->actor);
  g_free (self->device_id);
  for (guint i = 0; i < G_N_ELEMENTS (self->outbox_sql); i++)
    g_free (self->outbox_sql[i]);

  G_OBJECT_CLASS (kefu_db_parent_class)->finalize (object);
}

static void
kefu_db_class_init (KefuDbClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = kefu_db_finalize;
}

static void
kefu_db_init (KefuDb *self)
{
  self->statements = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                            (GDestroyNotify) sqlite3_finalize);
}

/* --- public API ------------------------------------------------------ */

/**
 * kefu_db_default_path:
 *
 * Returns: (transfer full): `$XDG_DATA_HOME/kefu/kefu.db`
 */
char *
kefu_db_default_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "kefu", "kefu.db", NULL);
}

guint
kefu_db_latest_version (void)
{
  guint n;
  const KefuMigration *m = _kefu_schema_get_migrations (&n);

  return m[n - 1].version;
}

/**
 * kefu_db_open:
 * @path: the database file; created (mode 0600) when missing
 *
 * Opens the database in WAL mode and migrates it to the latest schema,
 * backing the file up first when it already holds data.
 *
 * Returns: (transfer full): the database, or %NULL with @error set
 */
KefuDb *
kefu_db_open (const char  *path,
              GError     **error)
{
  return open_internal (path, kefu_db_latest_version (), error);
}

/* For tests of migrations: stops at @version. */
KefuDb *
kefu_db_open_at_version (const char  *path,
                         guint        version,
                         GError     **error)
{
  return open_internal (path, version, error);
}

gboolean
kefu_db_migrate (KefuDb  *self,
                 GError **error)
{
  g_return_val_if_fail (KEFU_IS_DB (self), FALSE);

  if (!migrate_to (self, kefu_db_latest_version (), error))
    return FALSE;
  if (self->device_id == NULL)
    return load_identity (self, error);
  return TRUE;
}

guint
kefu_db_get_version (KefuDb *self)
{
  sqlite3_stmt *stmt = kefu_db_prepare (self, "PRAGMA user_version", NULL);
  guint version = 0;

  if (stmt && sqlite3_step (stmt) == SQLITE_ROW)
    version = sqlite3_column_int (stmt, 0);
  if (stmt)
    sqlite3_reset (stmt);
  return version;
}

const char *
kefu_db_get_path (KefuDb *self)
{
  return self->path;
}

/* Returns: (nullable): the backup written by the last migration, if any */
const char *
kefu_db_get_last_backup (KefuDb *self)
{
  return self->last_backup;
}

sqlite3 *
kefu_db_get_handle (KefuDb *self)
{
  return self->handle;
}

sqlite3_stmt *
kefu_db_prepare (KefuDb      *self,
                 const char  *sql,
                 GError     **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (KEFU_IS_DB (self), NULL);

  stmt = g_hash_table_lookup (self->statements, sql);
  if (stmt != NULL)
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      return stmt;
    }

  if (sqlite3_prepare_v3 (self->handle, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL) != SQLITE_OK)
    {
      kefu_db_set_error (self, error);
      return NULL;
    }
  g_hash_table_insert (self->statements, g_strdup (sql), stmt);
  return stmt;
}

gboolean
kefu_db_exec (KefuDb      *self,
              const char  *sql,
              GError     **error)
{
  char *msg = NULL;

  if (sqlite3_exec (self->handle, sql, NULL, NULL, &msg) != SQLITE_OK)
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_DATABASE, "Database error: %s",
                   msg ? msg : sqlite3_errmsg (self->handle));
      sqlite3_free (msg);
      return FALSE;
    }
  return TRUE;
}

gboolean
kefu_db_begin (KefuDb  *self,
               GError **error)
{
  g_autofree char *sql = NULL;

  if (self->depth == 0)
    sql = g_strdup ("BEGIN IMMEDIATE");
  else
    sql = g_strdup_printf ("SAVEPOINT kefu_%u", self->depth);
  if (!kefu_db_exec (self, sql, error))
    return FALSE;
  self->depth++;
  return TRUE;
}

gboolean
kefu_db_commit (KefuDb  *self,
                GError **error)
{
  g_autofree char *sql = NULL;

  g_return_val_if_fail (self->depth > 0, FALSE);

  if (self->depth == 1)
    sql = g_strdup ("COMMIT");
  else
    sql = g_strdup_printf ("RELEASE kefu_%u", self->depth - 1);
  if (!kefu_db_exec (self, sql, error))
    {
      kefu_db_rollback (self);
      return FALSE;
    }
  self->depth--;
  return TRUE;
}

void
kefu_db_rollback (KefuDb *self)
{
  g_autofree char *sql = NULL;

  g_return_if_fail (self->depth > 0);

  if (self->depth == 1)
    sql = g_strdup ("ROLLBACK");
  else
    sql = g_strdup_printf ("ROLLBACK TO kefu_%u; RELEASE kefu_%u",
                           self->depth - 1, self->depth - 1);
  if (!kefu_db_exec (self, sql, NULL))
    g_warning ("Rollback failed: %s", sqlite3_errmsg (self->handle));
  self->depth--;
}

gboolean
kefu_db_in_transaction (KefuDb *self)
{
  return self->depth > 0;
}

void
kefu_db_set_actor (KefuDb     *self,
                   const char *staff_id)
{
  kefu_set_str (&self->actor, staff_id);
}

const char *
kefu_db_get_actor (KefuDb *self)
{
  return self->actor;
}

const char *
kefu_db_get_device_id (KefuDb *self)
{
  return self->device_id;
}

/**
 * kefu_db_next_hlc:
 *
 * A hybrid logical clock stamp: wall-clock milliseconds, a counter for
 * stamps within one millisecond (or while the wall clock stands still or
 * goes back), and the device id. Stamps compare as strings.
 *
 * Returns: (transfer full): the stamp
 */
char *
kefu_db_next_hlc (KefuDb *self)
{
  gint64 now = g_get_real_time () / 1000;

  if (now > self->hlc_ms)
    {
      self->hlc_ms = now;
      self->hlc_counter = 0;
    }
  else
    self->hlc_counter++;

  /* "%013" G_GINT64_FORMAT ":%05u:%s", written out by hand because every
   * write makes one or more stamps. */
  {
    const char *device = self->device_id ? self->device_id : "";
    gsize device_len = strlen (device);
    char *out = g_malloc (13 + 1 + 5 + 1 + device_len + 1);
    gint64 ms = MAX (self->hlc_ms, 0);
    guint counter = self->hlc_counter;

    if (ms > G_GINT64_CONSTANT (9999999999999) || counter > 99999)
      {
        g_free (out);
        return g_strdup_printf ("%013" G_GINT64_FORMAT ":%05u:%s", self->hlc_ms,
                                self->hlc_counter, device);
      }
    for (int i = 12; i >= 0; i--, ms /= 10)
      out[i] = (char) ('0' + ms % 10);
    out[13] = ':';
    for (int i = 18; i >= 14; i--, counter /= 10)
      out[i] = (char) ('0' + counter % 10);
    out[19] = ':';
    memcpy (out + 20, device, device_len + 1);
    return out;
  }
}

/**
 * kefu_db_checkpoint:
 *
 * Copies what the write-ahead log holds into the database file without
 * waiting for readers (a passive checkpoint). The app calls it when idle.
 */
void
kefu_db_checkpoint (KefuDb *self)
{
  g_return_if_fail (KEFU_IS_DB (self));

  if (self->depth == 0)
    sqlite3_wal_checkpoint_v2 (self->handle, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
}

char *
kefu_db_get_meta (KefuDb     *self,
                  const char *key)
{
  sqlite3_stmt *stmt = kefu_db_prepare (self, "SELECT value FROM meta WHERE key = ?", NULL);
  char *ret = NULL;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    ret = kefu_stmt_dup (stmt, 0);
  sqlite3_reset (stmt);
  return ret;
}

gboolean
kefu_db_set_meta (KefuDb      *self,
                  const char  *key,
                  const char  *value,
                  GError     **error)
{
  sqlite3_stmt *stmt = kefu_db_prepare (self, "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, value, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return kefu_db_set_error (self, error);
  return TRUE;
}

/* --- change sets ----------------------------------------------------- */

KefuChangeSet *
kefu_change_set_new (const char   *entity,
                     const char   *row_id,
                     KefuChangeOp  op,
                     gint64        base_version)
{
  KefuChangeSet *cs = g_new0 (KefuChangeSet, 1);

  cs->entity = g_strdup (entity);
  cs->row_id = g_strdup (row_id);
  cs->op = op;
  cs->base_version = base_version;
  cs->changes = g_string_new ("{");
  cs->fields = g_string_new ("{");
  return cs;
}

/**
 * kefu_change_set_new_bulk:
 *
 * The change set of a new row in a bulk write (an import): it builds only
 * the outbox fields, since the audit log gets one summarised entry for the
 * whole write (kefu_db_record_audit()). Record it with
 * kefu_db_record_outbox_many().
 */
KefuChangeSet *
kefu_change_set_new_bulk (const char *entity,
                          const char *row_id)
{
  KefuChangeSet *cs = g_new0 (KefuChangeSet, 1);

  cs->entity = g_strdup (entity);
  cs->row_id = g_strdup (row_id);
  cs->op = KEFU_CHANGE_INSERT;
  cs->fields = g_string_new ("{");
  return cs;
}

void
kefu_change_set_free (KefuChangeSet *cs)
{
  if (cs == NULL)
    return;
  g_free (cs->entity);
  g_free (cs->row_id);
  g_free (cs->note);
  g_free (cs->hlc);
  if (cs->changes != NULL)
    g_string_free (cs->changes, TRUE);
  g_string_free (cs->fields, TRUE);
  g_free (cs);
}

static void
change_set_open_field (KefuChangeSet *cs,
                       const char    *field)
{
  if (cs->n_fields++ > 0)
    g_string_append_c (cs->fields, ',');
  kefu_json_escape_append (cs->fields, field);
  g_string_append_c (cs->fields, ':');
  if (cs->changes == NULL)
    return;
  if (cs->n_fields > 1)
    g_string_append_c (cs->changes, ',');
  kefu_json_escape_append (cs->changes, field);
  g_string_append (cs->changes, ":{\"old\":");
}

/* Records @field unless old and new are equal (NULL means SQL NULL). */
void
kefu_change_set_text (KefuChangeSet *cs,
                      const char    *field,
                      const char    *old_value,
                      const char    *new_value)
{
  if (cs->op == KEFU_CHANGE_UPDATE && g_strcmp0 (old_value, new_value) == 0)
    return;

  change_set_open_field (cs, field);
  kefu_json_escape_append (cs->fields, new_value);
  if (cs->changes == NULL)
    return;
  kefu_json_escape_append (cs->changes, old_value);
  g_string_append (cs->changes, ",\"new\":");
  kefu_json_escape_append (cs->changes, new_value);
  g_string_append_c (cs->changes, '}');
}

void
kefu_change_set_int (KefuChangeSet *cs,
                     const char    *field,
                     gboolean       had_old,
                     gint64         old_value,
                     gint64         new_value)
{
  if (cs->op == KEFU_CHANGE_UPDATE && had_old && old_value == new_value)
    return;

  change_set_open_field (cs, field);
  append_int64 (cs->fields, new_value);
  if (cs->changes == NULL)
    return;
  if (had_old)
    append_int64 (cs->changes, old_value);
  else
    g_string_append (cs->changes, "null");
  g_string_append (cs->changes, ",\"new\":");
  append_int64 (cs->changes, new_value);
  g_string_append_c (cs->changes, '}');
}

void
kefu_change_set_note (KefuChangeSet *cs,
                      const char    *note)
{
  kefu_set_str (&cs->note, note);
}

/* Returns: (transfer none): the clock stamp of this change, to be stored
 * in the row's hlc column; the outbox entry carries the same stamp. */
const char *
kefu_change_set_stamp (KefuChangeSet *cs,
                       KefuDb        *db)
{
  if (cs->hlc == NULL)
    cs->hlc = kefu_db_next_hlc (db);
  return cs->hlc;
}

gboolean
kefu_change_set_is_empty (KefuChangeSet *cs)
{
  return cs->n_fields == 0 && cs->op == KEFU_CHANGE_UPDATE;
}

/* --- reading rows ---------------------------------------------------- */

gboolean
kefu_db_read_rows (KefuDb         *self,
                   sqlite3_stmt   *stmt,
                   KefuRowReader   read_row,
                   GPtrArray      *rows,
                   GError        **error)
{
  int rc;

  g_return_val_if_fail (KEFU_IS_DB (self), FALSE);
  g_return_val_if_fail (stmt != NULL && read_row != NULL && rows != NULL, FALSE);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gpointer row = read_row (stmt);

      if (row != NULL)
        g_ptr_array_add (rows, row);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return kefu_db_set_error (self, error);
  return TRUE;
}

/* Returns: (transfer full): the rows, or %NULL with @error set */
GPtrArray *
kefu_db_collect_rows (KefuDb          *self,
                      sqlite3_stmt    *stmt,
                      KefuRowReader    read_row,
                      GDestroyNotify   free_row,
                      GError         **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (free_row);

  if (!kefu_db_read_rows (self, stmt, read_row, rows, error))
    return NULL;
  return g_steal_pointer (&rows);
}

/* Returns: (transfer full): the rows, or %NULL with @error set */
GPtrArray *
kefu_db_read_all (KefuDb          *self,
                  const char      *sql,
                  const char      *param,
                  KefuRowReader    read_row,
                  GDestroyNotify   free_row,
                  GError         **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (KEFU_IS_DB (self), NULL);

  if ((stmt = kefu_db_prepare (self, sql, error)) == NULL)
    return NULL;
  if (param != NULL)
    sqlite3_bind_text (stmt, 1, param, -1, SQLITE_STATIC);
  return kefu_db_collect_rows (self, stmt, read_row, free_row, error);
}

gpointer
kefu_row_dup_text (sqlite3_stmt *stmt)
{
  return kefu_stmt_dup (stmt, 0);
}

gboolean
kefu_db_step_done (KefuDb         *self,
                   sqlite3_stmt   *stmt,
                   GError        **error)
{
  int rc;

  g_return_val_if_fail (KEFU_IS_DB (self), FALSE);
  g_return_val_if_fail (stmt != NULL, FALSE);

  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return kefu_db_set_error (self, error);
  return TRUE;
}

static gboolean
insert_audit (KefuDb      *self,
              gint64       now,
              const char  *entity,
              const char  *row_id,
              const char  *op,
              const char  *changes,
              const char  *note,
              GError     **error)
{
  sqlite3_stmt *stmt = kefu_db_prepare (self,
                                        "INSERT INTO audit_log (at, actor_id, entity, row_id, op, changes, note)"
                                        " VALUES (?, ?, ?, ?, ?, ?, ?)", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, now);
  sqlite3_bind_text (stmt, 2, self->actor, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, entity, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, row_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, op, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, changes, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, note, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      sqlite3_reset (stmt);
      return kefu_db_set_error (self, error);
    }
  sqlite3_reset (stmt);
  return TRUE;
}

static gboolean
insert_outbox (KefuDb         *self,
               gint64          now,
               KefuChangeSet  *cs,
               GError        **error)
{
  g_autofree char *op_id = kefu_uuid7_new_at (now);
  const char *hlc = kefu_change_set_stamp (cs, self);
  sqlite3_stmt *stmt;

  stmt = kefu_db_prepare (self,
                          "INSERT INTO outbox (op_id, entity, row_id, op, fields, base_version, hlc, created_at)"
                          " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, op_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, cs->entity, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, cs->row_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, op_name (cs->op), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, cs->fields->str, cs->fields->len, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 6, cs->base_version);
  sqlite3_bind_text (stmt, 7, hlc, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 8, now);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      sqlite3_reset (stmt);
      return kefu_db_set_error (self, error);
    }
  sqlite3_reset (stmt);
  return TRUE;
}

/**
 * kefu_db_record_change:
 *
 * Appends the audit entry and the outbox entry for @cs. Must be called in
 * the transaction that changed the row, so the three stand or fall
 * together.
 */
gboolean
kefu_db_record_change (KefuDb         *self,
                       KefuChangeSet  *cs,
                       GError        **error)
{
  gint64 now = g_get_real_time () / 1000;

  g_return_val_if_fail (KEFU_IS_DB (self), FALSE);
  g_return_val_if_fail (self->depth > 0, FALSE);
  g_return_val_if_fail (cs->changes != NULL, FALSE);

  g_string_append_c (cs->changes, '}');
  g_string_append_c (cs->fields, '}');

  return insert_audit (self, now, cs->entity, cs->row_id, op_name (cs->op), cs->changes->str, cs->note, error) &&
         insert_outbox (self, now, cs, error);
}

/**
 * kefu_db_bind_stamp:
 * @first: the parameter of the HLC column
 * @at: the time to store as `updated_at`, in ms since the epoch
 *
 * Binds the columns every write of a synced row sets: @cs's HLC stamp to
 * ?@first, the actor (`updated_by`) to ?@first + 1 and @at to ?@first + 2.
 * @cs and the actor must outlive the step.
 */
void
kefu_db_bind_stamp (KefuDb        *self,
                    sqlite3_stmt  *stmt,
                    int            first,
                    KefuChangeSet *cs,
                    gint64         at)
{
  g_return_if_fail (KEFU_IS_DB (self));

  sqlite3_bind_text (stmt, first, kefu_change_set_stamp (cs, self), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, first + 1, kefu_db_get_actor (self), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, first + 2, at);
}

/**
 * kefu_db_step_versioned:
 * @conflict_format: (not nullable): printf format of the message, already
 *   translated, for a row that someone else wrote since it was read
 *
 * Steps @stmt, the write of one synced row (an UPDATE guarded by
 * `version = ?`, or an INSERT), once, resets it and records @cs. When the
 * step changed no row, the version read is no longer the row's: sets
 * %KEFU_ERROR_CONFLICT with the message and records nothing.
 *
 * Returns: %TRUE when the row was written and its change recorded
 */
gboolean
kefu_db_step_versioned (KefuDb         *self,
                        sqlite3_stmt   *stmt,
                        KefuChangeSet  *cs,
                        GError        **error,
                        const char     *conflict_format,
                        ...)
{
  g_return_val_if_fail (KEFU_IS_DB (self), FALSE);
  g_return_val_if_fail (conflict_format != NULL, FALSE);

  if (!kefu_db_step_done (self, stmt, error))
    return FALSE;
  if (sqlite3_changes (self->handle) != 1)
    {
      va_list args;

      va_start (args, conflict_format);
      g_propagate_error (error, g_error_new_valist (KEFU_ERROR, KEFU_ERROR_CONFLICT, conflict_format, args));
      va_end (args);
      return FALSE;
    }
  return kefu_db_record_change (self, cs, error);
}

/**
 * kefu_sql_insert_rows:
 * @head: "INSERT INTO table (columns)"
 *
 * Returns: (transfer full): @head followed by VALUES and @rows groups of
 *   @columns parameters: one statement for many rows of a bulk write.
 */
char *
kefu_sql_insert_rows (const char *head,
                      guint       columns,
                      guint       rows)
{
  GString *sql = g_string_new (head);
  g_autoptr(GString) group = g_string_new ("(");

  for (guint i = 0; i < columns; i++)
    g_string_append (group, i ? ",?" : "?");
  g_string_append_c (group, ')');
  g_string_append (sql, " VALUES ");
  for (guint i = 0; i < rows; i++)
    {
      if (i > 0)
        g_string_append_c (sql, ',');
      g_string_append_len (sql, group->str, group->len);
    }
  return g_string_free (sql, FALSE);
}

static const char *
outbox_insert_sql (KefuDb *self,
                   guint   n)
{
  if (self->outbox_sql[n] == NULL)
    self->outbox_sql[n] = kefu_sql_insert_rows ("INSERT INTO outbox (op_id, entity, row_id, op, fields, base_version, hlc, created_at)", 8, n);
  return self->outbox_sql[n];
}

/**
 * kefu_db_record_outbox_many:
 * @sets: (array length=n): change sets of a bulk write
 *
 * Appends the outbox entries of @n change sets, in order, a hundred rows to
 * a statement: an import writes an outbox entry for each of its rows.
 */
gboolean
kefu_db_record_outbox_many (KefuDb          *self,
                            KefuChangeSet  **sets,
                            guint            n,
                            GError         **error)
{
  gint64 now = g_get_real_time () / 1000;
  char op_ids[OUTBOX_ROWS_PER_INSERT][40];

  g_return_val_if_fail (KEFU_IS_DB (self), FALSE);
  g_return_val_if_fail (self->depth > 0, FALSE);

  for (guint start = 0; start < n; start += OUTBOX_ROWS_PER_INSERT)
    {
      guint k = MIN (OUTBOX_ROWS_PER_INSERT, n - start);
      sqlite3_stmt *stmt = kefu_db_prepare (self, outbox_insert_sql (self, k), error);

      if (stmt == NULL)
        return FALSE;
      for (guint i = 0; i < k; i++)
        {
          KefuChangeSet *cs = sets[start + i];
          g_autofree char *op_id = kefu_uuid7_new_at (now);
          int b = (int) i * 8;

          g_strlcpy (op_ids[i], op_id, sizeof op_ids[i]);
          g_string_append_c (cs->fields, '}');
          sqlite3_bind_text (stmt, b + 1, op_ids[i], -1, SQLITE_STATIC);
          sqlite3_bind_text (stmt, b + 2, cs->entity, -1, SQLITE_STATIC);
          sqlite3_bind_text (stmt, b + 3, cs->row_id, -1, SQLITE_STATIC);
          sqlite3_bind_text (stmt, b + 4, op_name (cs->op), -1, SQLITE_STATIC);
          sqlite3_bind_text (stmt, b + 5, cs->fields->str, cs->fields->len, SQLITE_STATIC);
          sqlite3_bind_int64 (stmt, b + 6, cs->base_version);
          sqlite3_bind_text (stmt, b + 7, kefu_change_set_stamp (cs, self), -1, SQLITE_STATIC);
          sqlite3_bind_int64 (stmt, b + 8, now);
        }
      if (!kefu_db_step_done (self, stmt, error))
        return FALSE;
    }
  return TRUE;
}

/**
 * kefu_db_record_audit:
 * @changes: a JSON object saying what was done
 *
 * Appends one audit entry that is not a row's field changes: the summary
 * of a bulk write, in the caller's transaction.
 */
gboolean
kefu_db_record_audit (KefuDb      *self,
                      const char  *entity,
                      const char  *row_id,
                      const char  *op,
                      const char  *changes,
                      const char  *note,
                      GError     **error)
{
  g_return_val_if_fail (KEFU_IS_DB (self), FALSE);
  g_return_val_if_fail (self->depth > 0, FALSE);

  return insert_audit (self, g_get_real_time () / 1000, entity, row_id, op, changes, note, error);
}
