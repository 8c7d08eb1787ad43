/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "kefu-categories"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "kefu-categories-admin.h"
#include "kefu-categories.h"
#include "kefu-uuid.h"

#define ENTRY_COLUMNS "id, parent_id, scope, code, name, position, version"
#define POSITION_STEP 10

/* --- helpers --------------------------------------------------------- */

static gboolean
check_scope (const char  *scope,
             GError     **error)
{
  if (g_strcmp0 (scope, "case") == 0 || g_strcmp0 (scope, "kb") == 0)
    return TRUE;
  g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID, _("Unknown kind of category “%s”."), scope ? scope : "");
  return FALSE;
}

/* Trimmed name, or %NULL and an error when it is blank or too long. */
static char *
clean_name (const char  *name,
            GError     **error)
{
  g_autofree char *clean = g_strstrip (g_strdup (name ? name : ""));

  if (*clean == '\0')
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID, _("Enter a name for the category."));
      return NULL;
    }
  if (g_utf8_strlen (clean, -1) > 60)
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID, _("A category name can have at most 60 characters."));
      return NULL;
    }
  return g_steal_pointer (&clean);
}

/* The name shown, as kefu_category_label() gives it. */
static const char *
entry_label (const KefuCategoryEntry *e)
{
  KefuCategory c = { 0 };

  c.scope = e->scope;
  c.code = e->code;
  c.name = e->name;
  return kefu_category_label (&c);
}

static KefuCategoryEntry *
entry_from_row (sqlite3_stmt *stmt)
{
  KefuCategoryEntry *e = g_new0 (KefuCategoryEntry, 1);

  e->id = kefu_stmt_dup (stmt, 0);
  e->parent_id = kefu_stmt_dup (stmt, 1);
  e->scope = kefu_stmt_dup (stmt, 2);
  e->code = kefu_stmt_dup (stmt, 3);
  e->name = kefu_stmt_dup (stmt, 4);
  e->position = sqlite3_column_int (stmt, 5);
  e->version = sqlite3_column_int64 (stmt, 6);
  return e;
}

/* Any row of @scope (tombstones too) by @id; %NULL without error when
 * there is none. */
static KefuCategoryEntry *
load_any (KefuDb      *db,
          const char  *id,
          gboolean    *deleted,
          GError     **error)
{
  sqlite3_stmt *stmt = kefu_db_prepare (db, "SELECT " ENTRY_COLUMNS ", deleted FROM category WHERE id = ?", error);
  KefuCategoryEntry *e = NULL;
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      e = entry_from_row (stmt);
      if (deleted)
        *deleted = sqlite3_column_int (stmt, 7) != 0;
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    kefu_db_set_error (db, error);
  return e;
}

/* Whether a live category of @scope other than @except_id has @name,
 * compared without regard to case. */
static gboolean
name_taken (KefuDb      *db,
            const char  *scope,
            const char  *name,
            const char  *except_id,
            gboolean    *taken,
            GError     **error)
{
  g_autoptr(GPtrArray) entries = kefu_categories_list_entries (db, scope, error);
  g_autofree char *folded = g_utf8_casefold (name, -1);

  if (entries == NULL)
    return FALSE;
  *taken = FALSE;
  for (guint i = 0; i < entries->len && !*taken; i++)
    {
      KefuCategoryEntry *e = entries->pdata[i];
      g_autofree char *other = g_utf8_casefold (e->name, -1);
      g_autofree char *shown = g_utf8_casefold (entry_label (e), -1);

      if (g_strcmp0 (e->id, except_id) != 0 && (g_str_equal (folded, other) || g_str_equal (folded, shown)))
        *taken = TRUE;
    }
  return TRUE;
}

static gboolean
code_exists (KefuDb      *db,
             const char  *scope,
             const char  *code,
             gboolean    *exists,
             GError     **error)
{
  sqlite3_stmt *stmt = kefu_db_prepare (db, "SELECT 1 FROM category WHERE scope = ? AND code = ?", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, scope, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, code, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return kefu_db_set_error (db, error);
  *exists = rc == SQLITE_ROW;
  return TRUE;
}

/* A readable code for Latin names ("Wrong address" → "wrong-address"),
 * a random one for the rest; unique in the scope, tombstones included. */
static char *
make_code (KefuDb      *db,
           const char  *scope,
           const char  *name,
           const char  *id,
           GError     **error)
{
  g_autoptr(GString) slug = g_string_new (NULL);
  gboolean ascii = TRUE;

  for (const char *p = name; *p && ascii; p++)
    {
      if (!g_ascii_isprint (*p))
        ascii = FALSE;
      else if (g_ascii_isalnum (*p))
        g_string_append_c (slug, g_ascii_tolower (*p));
      else if (slug->len > 0 && slug->str[slug->len - 1] != '-')
        g_string_append_c (slug, '-');
    }
  while (slug->len > 0 && slug->str[slug->len - 1] == '-')
    g_string_truncate (slug, slug->len - 1);
  if (!ascii || slug->len == 0 || slug->len > 40)
    {
      /* The random tail of the UUIDv7. */
      g_string_assign (slug, "c-");
      g_string_append (slug, id + strlen (id) - 12);
    }

  for (guint n = 1; n < 1000; n++)
    {
      g_autofree char *code = n == 1 ? g_strdup (slug->str) : g_strdup_printf ("%s-%u", slug->str, n);
      gboolean exists = FALSE;

      if (!code_exists (db, scope, code, &exists, error))
        return NULL;
      if (!exists)
        return g_steal_pointer (&code);
    }
  g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID, _("Too many categories have a name like “%s”."), name);
  return NULL;
}

static gboolean
write_position (KefuDb             *db,
                KefuCategoryEntry  *e,
                gint                position,
                GError            **error)
{
  g_autoptr(KefuChangeSet) cs = kefu_change_set_new ("category", e->id, KEFU_CHANGE_UPDATE, e->version);
  sqlite3_stmt *stmt;

  kefu_change_set_int (cs, "position", TRUE, e->position, position);
  if (kefu_change_set_is_empty (cs))
    return TRUE;
  stmt = kefu_db_prepare (db,
                          "UPDATE category SET position = ?, version = version + 1, hlc = ?, updated_by = ?,"
                          " updated_at = ? WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int (stmt, 1, position);
  kefu_db_bind_stamp (db, stmt, 2, cs, g_get_real_time () / 1000);
  sqlite3_bind_text (stmt, 5, e->id, -1, SQLITE_STATIC);
  if (!kefu_db_step_done (db, stmt, error) || !kefu_db_record_change (db, cs, error))
    return FALSE;
  e->position = position;
  e->version++;
  return TRUE;
}

static gboolean
set_deleted (KefuDb      *db,
             const char  *id,
             gboolean     deleted,
             GError     **error)
{
  g_autoptr(KefuCategoryEntry) e = NULL;
  g_autoptr(KefuChangeSet) cs = NULL;
  g_autoptr(GPtrArray) live = NULL;
  gboolean was_deleted = FALSE;
  sqlite3_stmt *stmt;
  int n_children = 0;
  gint position;

  g_return_val_if_fail (KEFU_IS_DB (db), FALSE);

  if (!kefu_db_begin (db, error))
    return FALSE;
  if ((e = load_any (db, id, &was_deleted, error)) == NULL)
    {
      if (error && *error == NULL)
        g_set_error (error, KEFU_ERROR, KEFU_ERROR_NOT_FOUND, _("This category does not exist."));
      goto fail;
    }
  if (was_deleted == deleted)
    {
      kefu_db_rollback (db);
      return TRUE;
    }
  position = e->position;
  if (deleted)
    {
      stmt = kefu_db_prepare (db, "SELECT count(*) FROM category WHERE parent_id = ? AND deleted = 0", error);
      if (stmt == NULL)
        goto fail;
      sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        n_children = sqlite3_column_int (stmt, 0);
      sqlite3_reset (stmt);
      if (n_children > 0)
        {
          g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID,
                       _("“%s” has subcategories; delete or move them first."),
                       entry_label (e));
          goto fail;
        }
    }
  else
    {
      gboolean taken = FALSE;

      /* A name used again since the delete would make two alike. */
      if (!name_taken (db, e->scope, e->name, e->id, &taken, error))
        goto fail;
      if (taken)
        {
          g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID,
                       _("There already is a category named “%s”."),
                       entry_label (e));
          goto fail;
        }
      /* Back where it was, unless that place was taken meanwhile. */
      if ((live = kefu_categories_list_entries (db, e->scope, error)) == NULL)
        goto fail;
      for (guint i = 0; i < live->len; i++)
        if (((KefuCategoryEntry *) live->pdata[i])->position == position)
          {
            position = ((KefuCategoryEntry *) live->pdata[live->len - 1])->position + POSITION_STEP;
            break;
          }
    }

  cs = kefu_change_set_new ("category", id, deleted ? KEFU_CHANGE_DELETE : KEFU_CHANGE_RESTORE, e->version);
  kefu_change_set_int (cs, "deleted", TRUE, was_deleted, deleted);
  if (position != e->position)
    kefu_change_set_int (cs, "position", TRUE, e->position, position);
  stmt = kefu_db_prepare (db,
                          "UPDATE category SET deleted = ?, position = ?, version = version + 1, hlc = ?,"
                          " updated_by = ?, updated_at = ? WHERE id = ?", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int (stmt, 1, deleted);
  sqlite3_bind_int (stmt, 2, position);
  kefu_db_bind_stamp (db, stmt, 3, cs, g_get_real_time () / 1000);
  sqlite3_bind_text (stmt, 6, id, -1, SQLITE_STATIC);
  if (!kefu_db_step_done (db, stmt, error) || !kefu_db_record_change (db, cs, error))
    goto fail;
  return kefu_db_commit (db, error);

fail:
  kefu_db_rollback (db);
  return FALSE;
}

/* --- public API ------------------------------------------------------ */

void
kefu_category_entry_free (KefuCategoryEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->id);
  g_free (entry->parent_id);
  g_free (entry->scope);
  g_free (entry->code);
  g_free (entry->name);
  g_free (entry);
}

/**
 * kefu_categories_list_entries:
 *
 * Returns: (transfer full) (element-type KefuCategoryEntry): the live
 *   categories of @scope in order, or %NULL on error
 */
GPtrArray *
kefu_categories_list_entries (KefuDb      *db,
                              const char  *scope,
                              GError     **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (KEFU_IS_DB (db), NULL);

  if (!check_scope (scope, error))
    return NULL;
  stmt = kefu_db_prepare (db,
                          "SELECT " ENTRY_COLUMNS " FROM category WHERE scope = ? AND deleted = 0"
                          " ORDER BY position, name, id", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, scope, -1, SQLITE_STATIC);
  return kefu_db_collect_rows (db, stmt, (KefuRowReader) entry_from_row, (GDestroyNotify) kefu_category_entry_free, error);
}

/**
 * kefu_categories_get_entry:
 *
 * Returns: (transfer full): the live category, or %NULL
 *   (KEFU_ERROR_NOT_FOUND) when it does not exist or is deleted
 */
KefuCategoryEntry *
kefu_categories_get_entry (KefuDb      *db,
                           const char  *id,
                           GError     **error)
{
  g_autoptr(KefuCategoryEntry) e = NULL;
  g_autoptr(GError) local_error = NULL;
  gboolean deleted = FALSE;

  g_return_val_if_fail (KEFU_IS_DB (db), NULL);

  e = load_any (db, id, &deleted, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (e == NULL || deleted)
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_NOT_FOUND, _("This category does not exist."));
      return NULL;
    }
  return g_steal_pointer (&e);
}

char *
kefu_categories_add (KefuDb      *db,
                     const char  *scope,
                     const char  *name,
                     GError     **error)
{
  g_autoptr(KefuChangeSet) cs = NULL;
  g_autoptr(GPtrArray) live = NULL;
  g_autofree char *id = NULL;
  g_autofree char *clean = NULL;
  g_autofree char *code = NULL;
  gboolean taken = FALSE;
  sqlite3_stmt *stmt;
  gint position = POSITION_STEP;

  g_return_val_if_fail (KEFU_IS_DB (db), NULL);

  if (!check_scope (scope, error))
    return NULL;
  if ((clean = clean_name (name, error)) == NULL)
    return NULL;

  if (!kefu_db_begin (db, error))
    return NULL;
  if (!name_taken (db, scope, clean, NULL, &taken, error))
    goto fail;
  if (taken)
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID, _("There already is a category named “%s”."), clean);
      goto fail;
    }
  if ((live = kefu_categories_list_entries (db, scope, error)) == NULL)
    goto fail;
  if (live->len > 0)
    position = ((KefuCategoryEntry *) live->pdata[live->len - 1])->position + POSITION_STEP;

  id = kefu_uuid7_new ();
  if ((code = make_code (db, scope, clean, id, error)) == NULL)
    goto fail;

  cs = kefu_change_set_new ("category", id, KEFU_CHANGE_INSERT, 0);
  kefu_change_set_text (cs, "scope", NULL, scope);
  kefu_change_set_text (cs, "code", NULL, code);
  kefu_change_set_text (cs, "name", NULL, clean);
  kefu_change_set_int (cs, "position", FALSE, 0, position);
  stmt = kefu_db_prepare (db,
                          "INSERT INTO category (id, hlc, updated_by, updated_at, scope, code, name, position)"
                          " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  kefu_db_bind_stamp (db, stmt, 2, cs, g_get_real_time () / 1000);
  sqlite3_bind_text (stmt, 5, scope, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, code, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, clean, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 8, position);
  if (!kefu_db_step_done (db, stmt, error) || !kefu_db_record_change (db, cs, error))
    goto fail;
  if (!kefu_db_commit (db, error))
    return NULL;
  return g_steal_pointer (&id);

fail:
  kefu_db_rollback (db);
  return NULL;
}

gboolean
kefu_categories_rename (KefuDb      *db,
                        const char  *id,
                        const char  *name,
                        GError     **error)
{
  g_autoptr(KefuCategoryEntry) e = NULL;
  g_autoptr(KefuChangeSet) cs = NULL;
  g_autofree char *clean = NULL;
  gboolean taken = FALSE;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (KEFU_IS_DB (db), FALSE);

  if ((clean = clean_name (name, error)) == NULL)
    return FALSE;
  if (!kefu_db_begin (db, error))
    return FALSE;
  if ((e = kefu_categories_get_entry (db, id, error)) == NULL)
    goto fail;
  /* Typing the shown (translated) name of a shipped category again
   * changes nothing. */
  if (g_str_equal (clean, entry_label (e)))
    {
      kefu_db_rollback (db);
      return TRUE;
    }
  if (!name_taken (db, e->scope, clean, e->id, &taken, error))
    goto fail;
  if (taken)
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID, _("There already is a category named “%s”."), clean);
      goto fail;
    }

  cs = kefu_change_set_new ("category", id, KEFU_CHANGE_UPDATE, e->version);
  kefu_change_set_text (cs, "name", e->name, clean);
  if (kefu_change_set_is_empty (cs))
    {
      kefu_db_rollback (db);
      return TRUE;
    }
  stmt = kefu_db_prepare (db,
                          "UPDATE category SET name = ?, version = version + 1, hlc = ?, updated_by = ?,"
                          " updated_at = ? WHERE id = ?", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, clean, -1, SQLITE_STATIC);
  kefu_db_bind_stamp (db, stmt, 2, cs, g_get_real_time () / 1000);
  sqlite3_bind_text (stmt, 5, id, -1, SQLITE_STATIC);
  if (!kefu_db_step_done (db, stmt, error) || !kefu_db_record_change (db, cs, error))
    goto fail;
  return kefu_db_commit (db, error);

fail:
  kefu_db_rollback (db);
  return FALSE;
}

gboolean
kefu_categories_move (KefuDb      *db,
                      const char  *id,
                      guint        index,
                      GError     **error)
{
  g_autoptr(KefuCategoryEntry) e = NULL;
  g_autoptr(GPtrArray) live = NULL;
  KefuCategoryEntry *moved = NULL;

  g_return_val_if_fail (KEFU_IS_DB (db), FALSE);

  if (!kefu_db_begin (db, error))
    return FALSE;
  if ((e = kefu_categories_get_entry (db, id, error)) == NULL)
    goto fail;
  if ((live = kefu_categories_list_entries (db, e->scope, error)) == NULL)
    goto fail;
  /* Only the siblings: children keep their place under their parent. */
  for (guint i = live->len; i > 0; i--)
    if (g_strcmp0 (((KefuCategoryEntry *) live->pdata[i - 1])->parent_id, e->parent_id) != 0)
      g_ptr_array_remove_index (live, i - 1);
  for (guint i = 0; i < live->len; i++)
    if (g_str_equal (((KefuCategoryEntry *) live->pdata[i])->id, id))
      {
        moved = g_ptr_array_steal_index (live, i);
        break;
      }
  g_assert (moved != NULL);
  g_ptr_array_insert (live, (int) MIN (index, live->len), moved);

  /* Only the rows whose position changes are written. */
  for (guint i = 0; i < live->len; i++)
    if (!write_position (db, live->pdata[i], (gint) (i + 1) * POSITION_STEP, error))
      goto fail;
  return kefu_db_commit (db, error);

fail:
  kefu_db_rollback (db);
  return FALSE;
}

gboolean
kefu_categories_delete (KefuDb      *db,
                        const char  *id,
                        GError     **error)
{
  return set_deleted (db, id, TRUE, error);
}

gboolean
kefu_categories_restore (KefuDb      *db,
                         const char  *id,
                         GError     **error)
{
  return set_deleted (db, id, FALSE, error);
}
