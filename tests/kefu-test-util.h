/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib/gstdio.h>

#include "kefu-db.h"
#include "kefu-org.h"

/* A fresh database in a temporary folder, set up as branch TEST01 with an
 * admin signed in. The folder is removed by kefu_test_db_free(). */
typedef struct
{
  char   *dir;
  char   *path;
  KefuDb *db;
} KefuTestDb;

static inline int
kefu_test_count (KefuDb     *db,
                 const char *sql)
{
  sqlite3_stmt *stmt = kefu_db_prepare (db, sql, NULL);
  int n = -1;

  g_assert_nonnull (stmt);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int (stmt, 0);
  sqlite3_reset (stmt);
  return n;
}

/* Runs @sql (any number of statements), which must succeed. */
static inline void
kefu_test_exec (KefuDb     *db,
                const char *sql)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (kefu_db_exec (db, sql, &error));
  g_assert_no_error (error);
}

/* The first column of the first row of @sql, or NULL. Free it. */
static inline char *
kefu_test_text (KefuDb     *db,
                const char *sql)
{
  sqlite3_stmt *stmt = kefu_db_prepare (db, sql, NULL);
  char *text = NULL;

  g_assert_nonnull (stmt);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    text = kefu_stmt_dup (stmt, 0);
  sqlite3_reset (stmt);
  return text;
}

static inline void
kefu_test_rm_rf (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d && (name = g_dir_read_name (d)))
    {
      g_autofree char *p = g_build_filename (dir, name, NULL);

      if (g_file_test (p, G_FILE_TEST_IS_DIR))
        kefu_test_rm_rf (p);
      else
        g_unlink (p);
    }
  g_rmdir (dir);
}

static inline KefuTestDb *
kefu_test_db_new (gboolean set_up)
{
  KefuTestDb *t = g_new0 (KefuTestDb, 1);
  g_autoptr(GError) error = NULL;

  t->dir = g_dir_make_tmp ("kefu-test-XXXXXX", &error);
  g_assert_no_error (error);
  t->path = g_build_filename (t->dir, "kefu.db", NULL);
  t->db = kefu_db_open (t->path, &error);
  g_assert_no_error (error);
  if (set_up)
    {
      kefu_org_setup_office (t->db, "TEST01", "Test branch", "Admin", "admin", "admin", &error);
      g_assert_no_error (error);
    }
  return t;
}

static inline void
kefu_test_db_free (KefuTestDb *t)
{
  g_clear_object (&t->db);
  kefu_test_rm_rf (t->dir);
  g_free (t->dir);
  g_free (t->path);
  g_free (t);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KefuTestDb, kefu_test_db_free)

/* An org unit named by its code, under @parent; returns its id (free it). */
static inline char *
kefu_test_add_unit (KefuDb     *db,
                    const char *code,
                    const char *level,
                    const char *parent)
{
  KefuOrgUnit u = { 0 };
  g_autoptr(GError) error = NULL;

  u.code = (char *) code;
  u.name = (char *) code;
  u.level = (char *) level;
  u.parent_id = (char *) parent;
  g_assert_true (kefu_org_create_unit (db, &u, &error));
  g_assert_no_error (error);
  return u.id;
}

/* A staff member of @unit named by the user name; returns its id (free it). */
static inline char *
kefu_test_add_staff (KefuDb     *db,
                     const char *unit,
                     const char *username,
                     const char *role)
{
  KefuStaff s = { 0 };
  g_autoptr(GError) error = NULL;

  s.org_unit_id = (char *) unit;
  s.username = (char *) username;
  s.name = (char *) username;
  s.role = (char *) role;
  g_assert_true (kefu_org_create_staff (db, &s, &error));
  g_assert_no_error (error);
  return s.id;
}
