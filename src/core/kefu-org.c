/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "kefu-org"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "kefu-org.h"
#include "kefu-uuid.h"

/* --- helpers --------------------------------------------------------- */

static gboolean
step_done (KefuDb        *db,
           sqlite3_stmt  *stmt,
           GError       **error)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return kefu_db_set_error (db, error);
  return TRUE;
}

static gboolean
is_blank (const char *s)
{
  if (s == NULL)
    return TRUE;
  for (; *s; s++)
    if (!g_ascii_isspace (*s))
      return FALSE;
  return TRUE;
}

static KefuStaff *
staff_from_row (sqlite3_stmt *stmt)
{
  KefuStaff *s = g_new0 (KefuStaff, 1);

  s->id = kefu_stmt_dup (stmt, 0);
  s->org_unit_id = kefu_stmt_dup (stmt, 1);
  s->username = kefu_stmt_dup (stmt, 2);
  s->name = kefu_stmt_dup (stmt, 3);
  s->role = kefu_stmt_dup (stmt, 4);
  s->phone = kefu_stmt_dup (stmt, 5);
  s->auth_limit_cents = sqlite3_column_int64 (stmt, 6);
  s->active = sqlite3_column_int (stmt, 7);
  return s;
}

#define STAFF_COLUMNS "id, org_unit_id, username, name, role, phone, auth_limit_cents, active"

/* --- public API ------------------------------------------------------ */

void
kefu_org_unit_free (KefuOrgUnit *unit)
{
  if (unit == NULL)
    return;
  g_free (unit->id);
  g_free (unit->code);
  g_free (unit->name);
  g_free (unit->level);
  g_free (unit->parent_id);
  g_free (unit->phone);
  g_free (unit->address);
  g_free (unit);
}

void
kefu_staff_free (KefuStaff *staff)
{
  if (staff == NULL)
    return;
  g_free (staff->id);
  g_free (staff->org_unit_id);
  g_free (staff->username);
  g_free (staff->name);
  g_free (staff->role);
  g_free (staff->phone);
  g_free (staff);
}

const char *
kefu_role_label (const char *role)
{
  if (g_strcmp0 (role, "agent") == 0)
    return _("Agent");
  if (g_strcmp0 (role, "supervisor") == 0)
    return _("Supervisor");
  if (g_strcmp0 (role, "trainer") == 0)
    return _("Trainer");
  if (g_strcmp0 (role, "admin") == 0)
    return _("Administrator");
  return role;
}

gboolean
kefu_role_is_valid (const char *role)
{
  return g_strcmp0 (role, "agent") == 0 || g_strcmp0 (role, "supervisor") == 0 ||
         g_strcmp0 (role, "trainer") == 0 || g_strcmp0 (role, "admin") == 0;
}

gboolean
kefu_org_create_unit (KefuDb       *db,
                      KefuOrgUnit  *unit,
                      GError      **error)
{
  g_autoptr(KefuChangeSet) cs = NULL;
  sqlite3_stmt *stmt;
  gint64 now = g_get_real_time () / 1000;

  if (is_blank (unit->code) || is_blank (unit->name))
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID,
                   _("An organisation unit needs a code and a name."));
      return FALSE;
    }
  if (unit->id == NULL)
    unit->id = kefu_uuid7_new ();

  if (!kefu_db_begin (db, error))
    return FALSE;

  cs = kefu_change_set_new ("org_unit", unit->id, KEFU_CHANGE_INSERT, 0);
  kefu_change_set_text (cs, "code", NULL, unit->code);
  kefu_change_set_text (cs, "name", NULL, unit->name);
  kefu_change_set_text (cs, "level", NULL, unit->level);
  kefu_change_set_text (cs, "parent_id", NULL, unit->parent_id);
  kefu_change_set_text (cs, "phone", NULL, unit->phone);
  kefu_change_set_text (cs, "address", NULL, unit->address);

  stmt = kefu_db_prepare (db,
                          "INSERT INTO org_unit (id, hlc, updated_by, updated_at, code, name, level, parent_id, phone, address)"
                          " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, unit->id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, kefu_change_set_stamp (cs, db), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, kefu_db_get_actor (db), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, now);
  sqlite3_bind_text (stmt, 5, unit->code, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, unit->name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, unit->level ? unit->level : "branch", -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 8, unit->parent_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 9, unit->phone, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 10, unit->address, -1, SQLITE_STATIC);
  if (!step_done (db, stmt, error) || !kefu_db_record_change (db, cs, error))
    goto fail;
  return kefu_db_commit (db, error);

fail:
  kefu_db_rollback (db);
  return FALSE;
}

gboolean
kefu_org_create_staff (KefuDb     *db,
                       KefuStaff  *staff,
                       GError    **error)
{
  g_autoptr(KefuChangeSet) cs = NULL;
  sqlite3_stmt *stmt;
  gint64 now = g_get_real_time () / 1000;

  if (is_blank (staff->name))
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID, _("Enter the person’s name."));
      return FALSE;
    }
  if (is_blank (staff->username) || strchr (staff->username, ' ') != NULL)
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID,
                   _("Enter a user name without spaces."));
      return FALSE;
    }
  if (!kefu_role_is_valid (staff->role))
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID, _("Choose a role."));
      return FALSE;
    }
  if (staff->auth_limit_cents < 0)
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID,
                   _("The authorization limit cannot be negative."));
      return FALSE;
    }
  if (staff->id == NULL)
    staff->id = kefu_uuid7_new ();

  if (!kefu_db_begin (db, error))
    return FALSE;

  cs = kefu_change_set_new ("staff", staff->id, KEFU_CHANGE_INSERT, 0);
  kefu_change_set_text (cs, "org_unit_id", NULL, staff->org_unit_id);
  kefu_change_set_text (cs, "username", NULL, staff->username);
  kefu_change_set_text (cs, "name", NULL, staff->name);
  kefu_change_set_text (cs, "role", NULL, staff->role);
  kefu_change_set_text (cs, "phone", NULL, staff->phone);
  kefu_change_set_int (cs, "auth_limit_cents", FALSE, 0, staff->auth_limit_cents);

  stmt = kefu_db_prepare (db,
                          "INSERT INTO staff (id, hlc, updated_by, updated_at, org_unit_id, username, name, role, phone, auth_limit_cents, active)"
                          " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, staff->id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, kefu_change_set_stamp (cs, db), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, kefu_db_get_actor (db), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, now);
  sqlite3_bind_text (stmt, 5, staff->org_unit_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, staff->username, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, staff->name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 8, staff->role, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 9, staff->phone, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 10, staff->auth_limit_cents);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      int code = sqlite3_extended_errcode (kefu_db_get_handle (db));

      sqlite3_reset (stmt);
      if (code == SQLITE_CONSTRAINT_UNIQUE)
        g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID,
                     _("The user name “%s” is already taken."), staff->username);
      else
        kefu_db_set_error (db, error);
      goto fail;
    }
  sqlite3_reset (stmt);
  if (!kefu_db_record_change (db, cs, error))
    goto fail;
  staff->active = TRUE;
  return kefu_db_commit (db, error);

fail:
  kefu_db_rollback (db);
  return FALSE;
}

KefuStaff *
kefu_org_get_staff (KefuDb      *db,
                    const char  *id,
                    GError     **error)
{
  sqlite3_stmt *stmt = kefu_db_prepare (db, "SELECT " STAFF_COLUMNS " FROM staff WHERE id = ?", error);
  KefuStaff *ret = NULL;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    ret = staff_from_row (stmt);
  else
    g_set_error (error, KEFU_ERROR, KEFU_ERROR_NOT_FOUND, _("This staff member does not exist."));
  sqlite3_reset (stmt);
  return ret;
}

KefuOrgUnit *
kefu_org_get_unit (KefuDb      *db,
                   const char  *id,
                   GError     **error)
{
  sqlite3_stmt *stmt = kefu_db_prepare (db,
                                        "SELECT id, code, name, level, parent_id, phone, address FROM org_unit WHERE id = ?",
                                        error);
  KefuOrgUnit *u = NULL;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      u = g_new0 (KefuOrgUnit, 1);
      u->id = kefu_stmt_dup (stmt, 0);
      u->code = kefu_stmt_dup (stmt, 1);
      u->name = kefu_stmt_dup (stmt, 2);
      u->level = kefu_stmt_dup (stmt, 3);
      u->parent_id = kefu_stmt_dup (stmt, 4);
      u->phone = kefu_stmt_dup (stmt, 5);
      u->address = kefu_stmt_dup (stmt, 6);
    }
  else
    g_set_error (error, KEFU_ERROR, KEFU_ERROR_NOT_FOUND, _("This organisation unit does not exist."));
  sqlite3_reset (stmt);
  return u;
}

/**
 * kefu_org_list_staff:
 *
 * Returns: (transfer full) (element-type KefuStaff): active staff by name
 */
GPtrArray *
kefu_org_list_staff (KefuDb      *db,
                     const char  *org_unit_id,
                     GError     **error)
{
  g_autoptr(GPtrArray) ret = g_ptr_array_new_with_free_func ((GDestroyNotify) kefu_staff_free);
  sqlite3_stmt *stmt;

  stmt = kefu_db_prepare (db,
                          "SELECT " STAFF_COLUMNS " FROM staff"
                          " WHERE deleted = 0 AND active = 1 AND (?1 IS NULL OR org_unit_id = ?1)"
                          " ORDER BY name", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, org_unit_id, -1, SQLITE_STATIC);
  if (!kefu_db_read_rows (db, stmt, (KefuRowReader) staff_from_row, ret, error))
    return NULL;
  return g_steal_pointer (&ret);
}

gboolean
kefu_org_is_set_up (KefuDb *db)
{
  g_autofree char *office = kefu_db_get_meta (db, "office_id");

  return office != NULL;
}

/**
 * kefu_org_setup_office:
 *
 * First run: creates the branch and its first user, and signs that user
 * in. One transaction.
 */
gboolean
kefu_org_setup_office (KefuDb      *db,
                       const char  *branch_code,
                       const char  *branch_name,
                       const char  *user_name,
                       const char  *username,
                       const char  *role,
                       GError     **error)
{
  KefuOrgUnit unit = { 0 };
  KefuStaff staff = { 0 };
  gboolean ok = FALSE;
  g_autofree char *code = g_strstrip (g_strdup (branch_code ? branch_code : ""));

  if (*code == '\0' || strlen (code) > 16)
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID,
                   _("Enter the branch code (up to 16 letters and digits)."));
      return FALSE;
    }
  for (const char *p = code; *p; p++)
    if (!g_ascii_isalnum (*p))
      {
        g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID,
                     _("The branch code may only hold letters and digits."));
        return FALSE;
      }

  if (!kefu_db_begin (db, error))
    return FALSE;

  unit.code = g_ascii_strup (code, -1);
  unit.name = g_strdup (branch_name);
  unit.level = g_strdup ("branch");
  staff.name = g_strdup (user_name);
  staff.username = g_strdup (username);
  staff.role = g_strdup (role);
  staff.auth_limit_cents = g_strcmp0 (role, "agent") == 0 ? 50000 : 500000;

  if (!kefu_org_create_unit (db, &unit, error))
    goto out;
  staff.org_unit_id = g_strdup (unit.id);
  if (!kefu_org_create_staff (db, &staff, error))
    goto out;
  if (!kefu_db_set_meta (db, "office_id", unit.id, error) ||
      !kefu_db_set_meta (db, "current_user_id", staff.id, error))
    goto out;
  ok = TRUE;

out:
  if (ok)
    ok = kefu_db_commit (db, error);
  else
    kefu_db_rollback (db);
  if (ok)
    kefu_db_set_actor (db, staff.id);

  g_free (unit.id); g_free (unit.code); g_free (unit.name); g_free (unit.level);
  g_free (staff.id); g_free (staff.org_unit_id); g_free (staff.name);
  g_free (staff.username); g_free (staff.role);
  return ok;
}

KefuOrgUnit *
kefu_org_get_office (KefuDb *db)
{
  g_autofree char *id = kefu_db_get_meta (db, "office_id");

  if (id == NULL)
    return NULL;
  return kefu_org_get_unit (db, id, NULL);
}

KefuStaff *
kefu_org_get_current_user (KefuDb *db)
{
  g_autofree char *id = kefu_db_get_meta (db, "current_user_id");

  if (id == NULL)
    return NULL;
  return kefu_org_get_staff (db, id, NULL);
}

gboolean
kefu_org_set_current_user (KefuDb      *db,
                           const char  *staff_id,
                           GError     **error)
{
  g_autoptr(KefuStaff) staff = kefu_org_get_staff (db, staff_id, error);

  if (staff == NULL)
    return FALSE;
  if (!kefu_db_set_meta (db, "current_user_id", staff_id, error))
    return FALSE;
  kefu_db_set_actor (db, staff_id);
  return TRUE;
}
