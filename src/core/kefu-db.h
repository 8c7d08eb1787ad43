/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>
#include <sqlite3.h>

#include "kefu-error.h"

G_BEGIN_DECLS

#define KEFU_TYPE_DB (kefu_db_get_type ())
G_DECLARE_FINAL_TYPE (KefuDb, kefu_db, KEFU, DB, GObject)

typedef enum
{
  KEFU_CHANGE_INSERT,
  KEFU_CHANGE_UPDATE,
  KEFU_CHANGE_DELETE,
  KEFU_CHANGE_RESTORE,
} KefuChangeOp;

typedef struct _KefuChangeSet KefuChangeSet;

char        *kefu_db_default_path        (void);
KefuDb      *kefu_db_open                (const char   *path,
                                          GError      **error);
KefuDb      *kefu_db_open_at_version     (const char   *path,
                                          guint         version,
                                          GError      **error);
guint        kefu_db_latest_version      (void);
guint        kefu_db_get_version         (KefuDb       *self);
gboolean     kefu_db_migrate             (KefuDb       *self,
                                          GError      **error);
const char  *kefu_db_get_path            (KefuDb       *self);
const char  *kefu_db_get_last_backup     (KefuDb       *self);
sqlite3     *kefu_db_get_handle          (KefuDb       *self);

/* Statements are cached per SQL text; the returned statement is reset and
 * its bindings cleared. Transfer none. */
sqlite3_stmt *kefu_db_prepare            (KefuDb       *self,
                                          const char   *sql,
                                          GError      **error);
gboolean     kefu_db_exec                (KefuDb       *self,
                                          const char   *sql,
                                          GError      **error);
gboolean     kefu_db_set_error           (KefuDb       *self,
                                          GError      **error);

/* Nested transactions: the outermost is BEGIN IMMEDIATE, inner ones are
 * savepoints. */
gboolean     kefu_db_begin               (KefuDb       *self,
                                          GError      **error);
gboolean     kefu_db_commit              (KefuDb       *self,
                                          GError      **error);
void         kefu_db_rollback            (KefuDb       *self);
gboolean     kefu_db_in_transaction      (KefuDb       *self);

/* Who is writing: stored as updated_by and in the audit log. */
void         kefu_db_set_actor           (KefuDb       *self,
                                          const char   *staff_id);
const char  *kefu_db_get_actor           (KefuDb       *self);
const char  *kefu_db_get_device_id       (KefuDb       *self);
char        *kefu_db_next_hlc            (KefuDb       *self);

void         kefu_db_checkpoint          (KefuDb       *self);
char        *kefu_db_get_meta            (KefuDb       *self,
                                          const char   *key);
gboolean     kefu_db_set_meta            (KefuDb       *self,
                                          const char   *key,
                                          const char   *value,
                                          GError      **error);

/* Change sets: every write of a synced row records one, and
 * kefu_db_record_change() appends the audit entry and the outbox entry in
 * the caller's transaction. */
KefuChangeSet *kefu_change_set_new       (const char    *entity,
                                          const char    *row_id,
                                          KefuChangeOp   op,
                                          gint64         base_version);
void         kefu_change_set_free        (KefuChangeSet *cs);
void         kefu_change_set_text        (KefuChangeSet *cs,
                                          const char    *field,
                                          const char    *old_value,
                                          const char    *new_value);
void         kefu_change_set_int         (KefuChangeSet *cs,
                                          const char    *field,
                                          gboolean       had_old,
                                          gint64         old_value,
                                          gint64         new_value);
void         kefu_change_set_note        (KefuChangeSet *cs,
                                          const char    *note);
const char  *kefu_change_set_stamp       (KefuChangeSet *cs,
                                          KefuDb        *db);
gboolean     kefu_change_set_is_empty    (KefuChangeSet *cs);
gboolean     kefu_db_record_change       (KefuDb        *self,
                                          KefuChangeSet *cs,
                                          GError       **error);

/* Writing one synced row: kefu_db_bind_stamp() binds @cs's HLC stamp, the
 * actor and @at (ms) to ?@first, ?@first + 1 and ?@first + 2 (hlc,
 * updated_by, updated_at); kefu_db_step_versioned() steps the bound
 * UPDATE … WHERE … AND version = ? (or INSERT) once, refuses with
 * KEFU_ERROR_CONFLICT and @conflict_format when it changed no row (someone
 * else wrote the row since it was read), and records @cs. */
void         kefu_db_bind_stamp          (KefuDb        *self,
                                          sqlite3_stmt  *stmt,
                                          int            first,
                                          KefuChangeSet *cs,
                                          gint64         at);
gboolean     kefu_db_step_versioned      (KefuDb        *self,
                                          sqlite3_stmt  *stmt,
                                          KefuChangeSet *cs,
                                          GError       **error,
                                          const char    *conflict_format,
                                          ...) G_GNUC_PRINTF (5, 6);

/* Bulk writes: the outbox entry of each row, and one summarised audit
 * entry for the whole write. */
KefuChangeSet *kefu_change_set_new_bulk  (const char    *entity,
                                          const char    *row_id);
char        *kefu_sql_insert_rows        (const char     *head,
                                          guint           columns,
                                          guint           rows);
gboolean     kefu_db_record_outbox_many  (KefuDb         *self,
                                          KefuChangeSet **sets,
                                          guint           n,
                                          GError        **error);
gboolean     kefu_db_record_audit        (KefuDb        *self,
                                          const char    *entity,
                                          const char    *row_id,
                                          const char    *op,
                                          const char    *changes,
                                          const char    *note,
                                          GError       **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KefuChangeSet, kefu_change_set_free)

/* Reading rows: @read_row makes one element of the result from the row
 * @stmt is on (NULL elements are skipped). kefu_db_read_rows() steps a
 * prepared and bound statement to its end, appending to @rows, and resets
 * it; kefu_db_collect_rows() does the same into a new array freeing its
 * elements with @free_row; kefu_db_read_all() also prepares @sql and binds
 * @param (if not NULL) to ?1. All set @error when a step fails. */
typedef gpointer (*KefuRowReader) (sqlite3_stmt *stmt);

gboolean     kefu_db_read_rows           (KefuDb        *self,
                                          sqlite3_stmt  *stmt,
                                          KefuRowReader  read_row,
                                          GPtrArray     *rows,
                                          GError       **error);
GPtrArray   *kefu_db_collect_rows        (KefuDb        *self,
                                          sqlite3_stmt  *stmt,
                                          KefuRowReader  read_row,
                                          GDestroyNotify free_row,
                                          GError       **error);
GPtrArray   *kefu_db_read_all            (KefuDb        *self,
                                          const char    *sql,
                                          const char    *param,
                                          KefuRowReader  read_row,
                                          GDestroyNotify free_row,
                                          GError       **error);
/* A KefuRowReader: the first column as a new string. */
gpointer     kefu_row_dup_text           (sqlite3_stmt  *stmt);
/* Writing rows: kefu_db_step_done() steps a prepared and bound statement
 * that returns no rows once and resets it; it sets @error unless the
 * step ends with SQLITE_DONE. */
gboolean     kefu_db_step_done           (KefuDb        *self,
                                          sqlite3_stmt  *stmt,
                                          GError       **error);

/* Small helpers for column reads. */
const char  *kefu_stmt_text              (sqlite3_stmt *stmt,
                                          int           col);
char        *kefu_stmt_dup               (sqlite3_stmt *stmt,
                                          int           col);
void         kefu_json_escape_append     (GString      *out,
                                          const char   *text);

G_END_DECLS
