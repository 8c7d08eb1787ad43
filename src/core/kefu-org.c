/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "kefu-org"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "kefu-org-private.h"
#include "kefu-text.h"
#include "kefu-uuid.h"

/* --- helpers --------------------------------------------------------- */

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

/* Returns: (transfer full) (type KefuStaff) */
static gpointer
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
  s->department_id = kefu_stmt_dup (stmt, 8);
  s->is_courier = sqlite3_column_int (stmt, 9);
  s->delivery_area = kefu_stmt_dup (stmt, 10);
  s->version = sqlite3_column_int64 (stmt, 11);
  return s;
}

#define STAFF_COLUMNS "id, org_unit_id, username, name, role, phone, auth_limit_cents, active," \
                      " department_id, is_courier, delivery_area, version"
#define DEPARTMENT_COLUMNS "id, org_unit_id, name, kind, phone, active, version"

/* Returns: (transfer full) (type KefuOrgUnit) */
gpointer
_kefu_org_unit_from_row (sqlite3_stmt *stmt)
{
  KefuOrgUnit *u = g_new0 (KefuOrgUnit, 1);

  u->id = kefu_stmt_dup (stmt, 0);
  u->code = kefu_stmt_dup (stmt, 1);
  u->name = kefu_stmt_dup (stmt, 2);
  u->level = kefu_stmt_dup (stmt, 3);
  u->parent_id = kefu_stmt_dup (stmt, 4);
  u->phone = kefu_stmt_dup (stmt, 5);
  u->address = kefu_stmt_dup (stmt, 6);
  u->active = sqlite3_column_int (stmt, 7);
  u->version = sqlite3_column_int64 (stmt, 8);
  return u;
}

/* Returns: (transfer full) (type KefuDepartment) */
static gpointer
department_from_row (sqlite3_stmt *stmt)
{
  KefuDepartment *d = g_new0 (KefuDepartment, 1);

  d->id = kefu_stmt_dup (stmt, 0);
  d->org_unit_id = kefu_stmt_dup (stmt, 1);
  d->name = kefu_stmt_dup (stmt, 2);
  d->kind = kefu_stmt_dup (stmt, 3);
  d->phone = kefu_stmt_dup (stmt, 4);
  d->active = sqlite3_column_int (stmt, 5);
  d->version = sqlite3_column_int64 (stmt, 6);
  return d;
}

/* One row by id, or a NOT_FOUND error with @missing. */
static gpointer
get_row (KefuDb       *db,
         const char   *sql,
         const char   *id,
         gpointer    (*from_row) (sqlite3_stmt *),
         const char   *missing,
         GError      **error)
{
  sqlite3_stmt *stmt = kefu_db_prepare (db, sql, error);
  gpointer row = NULL;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    row = from_row (stmt);
  else
    g_set_error_literal (error, KEFU_ERROR, KEFU_ERROR_NOT_FOUND, missing);
  sqlite3_reset (stmt);
  return row;
}

static const char *const levels[] = { "hq", "province", "city", "branch" };

static int
level_index (const char *level)
{
  for (guint i = 0; i < G_N_ELEMENTS (levels); i++)
    if (g_strcmp0 (level, levels[i]) == 0)
      return (int) i;
  return -1;
}

/* Trimmed copy, NULL when blank. */
static char *
clean_text (const char *text)
{
  char *copy;

  if (is_blank (text))
    return NULL;
  copy = g_strstrip (g_strdup (text));
  return copy;
}

/* An optional phone: blank is NULL; anything else must be a number a
 * person can dial, and is stored as its digits. */
static gboolean
clean_phone (const char  *text,
             char       **out,
             GError     **error)
{
  g_autofree char *digits = NULL;

  *out = NULL;
  if (is_blank (text))
    return TRUE;
  digits = kefu_phone_normalize (text);
  if (!kefu_phone_is_plausible (digits))
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID,
                   _("“%s” is not a phone number."), text);
      return FALSE;
    }
  *out = g_steal_pointer (&digits);
  return TRUE;
}

/* Letters and digits, up to 16, upper case. */
static char *
clean_code (const char  *text,
            GError     **error)
{
  g_autofree char *code = g_strstrip (g_strdup (text ? text : ""));

  if (*code == '\0' || strlen (code) > 16)
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID,
                   _("Enter a code of up to 16 letters and digits."));
      return NULL;
    }
  for (const char *p = code; *p; p++)
    if (!g_ascii_isalnum (*p))
      {
        g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID,
                     _("The code “%s” may only hold letters and digits."), code);
        return NULL;
      }
  return g_ascii_strup (code, -1);
}

/* The name of the unit that already holds @code, other than @except_id. */
static char *
code_owner (KefuDb     *db,
            const char *code,
            const char *except_id)
{
  sqlite3_stmt *stmt = kefu_db_prepare (db,
                                        "SELECT name FROM org_unit WHERE code = ?1 AND (?2 IS NULL OR id <> ?2)",
                                        NULL);
  char *name = NULL;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, code, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, except_id, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    name = kefu_stmt_dup (stmt, 0);
  sqlite3_reset (stmt);
  return name;
}

/* Whether a unit of @level may sit under @parent_id: exactly one level
 * below an active parent; no parent only for headquarters (one of them)
 * and for a branch that stands alone. */
static gboolean
check_nesting (KefuDb      *db,
               const char  *id,
               const char  *level,
               const char  *parent_id,
               GError     **error)
{
  int li = level_index (level);
  g_autoptr(KefuOrgUnit) parent = NULL;

  if (li < 0)
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID,
                   _("Choose the level: headquarters, province, city or branch."));
      return FALSE;
    }
  if (parent_id == NULL)
    {
      if (li == 0)
        {
          sqlite3_stmt *stmt = kefu_db_prepare (db,
                                                "SELECT 1 FROM org_unit WHERE level = 'hq' AND deleted = 0"
                                                " AND (?1 IS NULL OR id <> ?1)", error);
          gboolean taken;

          if (stmt == NULL)
            return FALSE;
          sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
          taken = sqlite3_step (stmt) == SQLITE_ROW;
          sqlite3_reset (stmt);
          if (taken)
            {
              g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID,
                           _("There is already a headquarters; the network has only one."));
              return FALSE;
            }
          return TRUE;
        }
      if (li == 3)
        return TRUE;
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID,
                   _("A %s belongs under a %s: choose where it sits."),
                   kefu_org_level_label (level), kefu_org_level_label (levels[li - 1]));
      return FALSE;
    }
  if (li == 0)
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID,
                   _("The headquarters is the top of the tree and sits under no other unit."));
      return FALSE;
    }
  if (g_strcmp0 (id, parent_id) == 0)
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID, _("A unit cannot sit under itself."));
      return FALSE;
    }
  parent = kefu_org_get_unit (db, parent_id, error);
  if (parent == NULL)
    return FALSE;
  if (level_index (parent->level) != li - 1)
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID,
                   _("A %s belongs under a %s, not under the %s “%s”."),
                   kefu_org_level_label (level), kefu_org_level_label (levels[li - 1]),
                   kefu_org_level_label (parent->level), parent->name);
      return FALSE;
    }
  if (!parent->active)
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID,
                   _("“%s” is deactivated; nothing new can be placed under it."), parent->name);
      return FALSE;
    }
  return TRUE;
}

/* Sets the common columns of an UPDATE: hlc, updated_by, updated_at,
 * bound at @first.. and the id at @first + 3. */
static void
bind_update_tail (sqlite3_stmt  *stmt,
                  int            first,
                  KefuDb        *db,
                  KefuChangeSet *cs,
                  const char    *id)
{
  kefu_db_bind_stamp (db, stmt, first, cs, g_get_real_time () / 1000);
  sqlite3_bind_text (stmt, first + 3, id, -1, SQLITE_TRANSIENT);
}

static gboolean
check_version (gint64       stored,
               gint64       read,
               GError     **error)
{
  if (read != 0 && read != stored)
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_CONFLICT,
                   _("Someone else changed this in the meantime; look again and repeat your change."));
      return FALSE;
    }
  return TRUE;
}

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
  g_free (staff->department_id);
  g_free (staff->delivery_area);
  g_free (staff);
}

void
kefu_department_free (KefuDepartment *dept)
{
  if (dept == NULL)
    return;
  g_free (dept->id);
  g_free (dept->org_unit_id);
  g_free (dept->name);
  g_free (dept->kind);
  g_free (dept->phone);
  g_free (dept);
}

void
kefu_directory_entry_free (KefuDirectoryEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->id);
  g_free (entry->name);
  g_free (entry->phone);
  g_free (entry->unit_id);
  g_free (entry->unit_name);
  g_free (entry->department_name);
  g_free (entry->delivery_area);
  g_free (entry->role);
  g_free (entry);
}

const char *
kefu_org_level_label (const char *level)
{
  if (g_strcmp0 (level, "hq") == 0)
    return _("headquarters");
  if (g_strcmp0 (level, "province") == 0)
    return _("province");
  if (g_strcmp0 (level, "city") == 0)
    return _("city");
  if (g_strcmp0 (level, "branch") == 0)
    return _("branch");
  return level;
}

const char *
kefu_department_kind_label (const char *kind)
{
  if (g_strcmp0 (kind, "delivery") == 0)
    return _("Delivery");
  if (g_strcmp0 (kind, "finance") == 0)
    return _("Finance");
  if (g_strcmp0 (kind, "management") == 0)
    return _("Management");
  if (g_strcmp0 (kind, "service") == 0)
    return C_("department", "Customer service");
  if (g_strcmp0 (kind, "other") == 0)
    return C_("department", "Other");
  return kind;
}

gboolean
kefu_department_kind_is_valid (const char *kind)
{
  return g_strcmp0 (kind, "delivery") == 0 || g_strcmp0 (kind, "finance") == 0 ||
         g_strcmp0 (kind, "management") == 0 || g_strcmp0 (kind, "service") == 0 ||
         g_strcmp0 (kind, "other") == 0;
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
  g_autofree char *code = NULL, *name = NULL, *phone = NULL, *address = NULL, *owner = NULL;
  const char *level = unit->level ? unit->level : "branch";
  sqlite3_stmt *stmt;
  gint64 now = g_get_real_time () / 1000;

  if ((code = clean_code (unit->code, error)) == NULL)
    return FALSE;
  if ((name = clean_text (unit->name)) == NULL)
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID, _("Enter the unit’s name."));
      return FALSE;
    }
  if (!clean_phone (unit->phone, &phone, error))
    return FALSE;
  address = clean_text (unit->address);

  if (!kefu_db_begin (db, error))
    return FALSE;
  if ((owner = code_owner (db, code, NULL)) != NULL)
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID,
                   _("The code “%s” is already used by “%s”."), code, owner);
      goto fail;
    }
  if (!check_nesting (db, NULL, level, unit->parent_id, error))
    goto fail;
  if (unit->id == NULL)
    unit->id = kefu_uuid7_new ();

  cs = kefu_change_set_new ("org_unit", unit->id, KEFU_CHANGE_INSERT, 0);
  kefu_change_set_text (cs, "code", NULL, code);
  kefu_change_set_text (cs, "name", NULL, name);
  kefu_change_set_text (cs, "level", NULL, level);
  kefu_change_set_text (cs, "parent_id", NULL, unit->parent_id);
  kefu_change_set_text (cs, "phone", NULL, phone);
  kefu_change_set_text (cs, "address", NULL, address);

  stmt = kefu_db_prepare (db,
                          "INSERT INTO org_unit (id, hlc, updated_by, updated_at, code, name, level, parent_id, phone, address)"
                          " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, unit->id, -1, SQLITE_STATIC);
  kefu_db_bind_stamp (db, stmt, 2, cs, now);
  sqlite3_bind_text (stmt, 5, code, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, level, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 8, unit->parent_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 9, phone, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 10, address, -1, SQLITE_STATIC);
  if (!kefu_db_step_done (db, stmt, error) || !kefu_db_record_change (db, cs, error))
    goto fail;
  if (!kefu_db_commit (db, error))
    return FALSE;
  unit->active = TRUE;
  unit->version = 1;
  return TRUE;

fail:
  kefu_db_rollback (db);
  return FALSE;
}

/* Checks a staff member's fields (name, user name, role, limit, phone,
 * unit, department of that unit, courier's area) and fills @out with
 * cleaned copies. */
static gboolean
check_staff (KefuDb           *db,
             const KefuStaff  *in,
             KefuStaff        *out,
             GError          **error)
{
  g_autoptr(KefuOrgUnit) unit = NULL;

  if (is_blank (in->name))
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID, _("Enter the person’s name."));
      return FALSE;
    }
  if (is_blank (in->username) || strchr (in->username, ' ') != NULL)
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID,
                   _("Enter a user name without spaces."));
      return FALSE;
    }
  if (!kefu_role_is_valid (in->role))
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID, _("Choose a role."));
      return FALSE;
    }
  if (in->auth_limit_cents < 0)
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID,
                   _("The authorization limit cannot be negative."));
      return FALSE;
    }
  if (!clean_phone (in->phone, &out->phone, error))
    return FALSE;
  out->id = g_strdup (in->id);
  out->name = clean_text (in->name);
  out->username = g_strstrip (g_strdup (in->username));
  out->role = g_strdup (in->role);
  out->auth_limit_cents = in->auth_limit_cents;
  out->org_unit_id = g_strdup (in->org_unit_id);
  out->department_id = g_strdup (in->department_id);
  out->is_courier = in->is_courier != FALSE;
  out->delivery_area = clean_text (in->delivery_area);
  out->active = in->active;
  out->version = in->version;
  if (out->is_courier && out->delivery_area == NULL)
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID,
                   _("Enter the courier’s delivery area, so that callers from there find them."));
      return FALSE;
    }
  if (out->org_unit_id == NULL)
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID, _("Choose the unit the person works in."));
      return FALSE;
    }
  if ((unit = kefu_org_get_unit (db, out->org_unit_id, error)) == NULL)
    return FALSE;
  if (out->department_id != NULL)
    {
      g_autoptr(KefuDepartment) dept = kefu_org_get_department (db, out->department_id, error);

      if (dept == NULL)
        return FALSE;
      if (g_strcmp0 (dept->org_unit_id, out->org_unit_id) != 0)
        {
          g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID,
                       _("The department “%s” belongs to another unit than “%s”."), dept->name, unit->name);
          return FALSE;
        }
    }
  return TRUE;
}

gboolean
kefu_org_create_staff (KefuDb     *db,
                       KefuStaff  *staff,
                       GError    **error)
{
  g_autoptr(KefuChangeSet) cs = NULL;
  g_autoptr(KefuStaff) c = g_new0 (KefuStaff, 1);
  sqlite3_stmt *stmt;
  gint64 now = g_get_real_time () / 1000;

  if (!kefu_db_begin (db, error))
    return FALSE;
  if (!check_staff (db, staff, c, error))
    goto fail;
  if (c->id == NULL)
    c->id = kefu_uuid7_new ();

  cs = kefu_change_set_new ("staff", c->id, KEFU_CHANGE_INSERT, 0);
  kefu_change_set_text (cs, "org_unit_id", NULL, c->org_unit_id);
  kefu_change_set_text (cs, "username", NULL, c->username);
  kefu_change_set_text (cs, "name", NULL, c->name);
  kefu_change_set_text (cs, "role", NULL, c->role);
  kefu_change_set_text (cs, "phone", NULL, c->phone);
  kefu_change_set_int (cs, "auth_limit_cents", FALSE, 0, c->auth_limit_cents);
  kefu_change_set_text (cs, "department_id", NULL, c->department_id);
  kefu_change_set_int (cs, "is_courier", FALSE, 0, c->is_courier);
  kefu_change_set_text (cs, "delivery_area", NULL, c->delivery_area);

  stmt = kefu_db_prepare (db,
                          "INSERT INTO staff (id, hlc, updated_by, updated_at, org_unit_id, username, name, role, phone,"
                          " auth_limit_cents, department_id, is_courier, delivery_area, active)"
                          " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, c->id, -1, SQLITE_STATIC);
  kefu_db_bind_stamp (db, stmt, 2, cs, now);
  sqlite3_bind_text (stmt, 5, c->org_unit_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, c->username, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, c->name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 8, c->role, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 9, c->phone, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 10, c->auth_limit_cents);
  sqlite3_bind_text (stmt, 11, c->department_id, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 12, c->is_courier);
  sqlite3_bind_text (stmt, 13, c->delivery_area, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      int code = sqlite3_extended_errcode (kefu_db_get_handle (db));

      sqlite3_reset (stmt);
      if (code == SQLITE_CONSTRAINT_UNIQUE)
        g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID,
                     _("The user name “%s” is already taken."), c->username);
      else
        kefu_db_set_error (db, error);
      goto fail;
    }
  sqlite3_reset (stmt);
  if (!kefu_db_record_change (db, cs, error))
    goto fail;
  if (!kefu_db_commit (db, error))
    return FALSE;
  if (staff->id == NULL)
    staff->id = g_strdup (c->id);
  staff->active = TRUE;
  staff->version = 1;
  return TRUE;

fail:
  kefu_db_rollback (db);
  return FALSE;
}

KefuStaff *
kefu_org_get_staff (KefuDb      *db,
                    const char  *id,
                    GError     **error)
{
  return get_row (db, "SELECT " STAFF_COLUMNS " FROM staff WHERE id = ?", id,
                  staff_from_row, _("This staff member does not exist."), error);
}

KefuOrgUnit *
kefu_org_get_unit (KefuDb      *db,
                   const char  *id,
                   GError     **error)
{
  return get_row (db, "SELECT " KEFU_ORG_UNIT_COLUMNS " FROM org_unit WHERE id = ? AND deleted = 0", id,
                  _kefu_org_unit_from_row, _("This organisation unit does not exist."), error);
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
  sqlite3_stmt *stmt;

  stmt = kefu_db_prepare (db,
                          "SELECT " STAFF_COLUMNS " FROM staff"
                          " WHERE deleted = 0 AND active = 1 AND (?1 IS NULL OR org_unit_id = ?1)"
                          " ORDER BY name", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, org_unit_id, -1, SQLITE_STATIC);
  return kefu_db_collect_rows (db, stmt, staff_from_row, (GDestroyNotify) kefu_staff_free, error);
}

/* --- editing the tree ------------------------------------------------- */

gboolean
kefu_org_update_unit (KefuDb       *db,
                      KefuOrgUnit  *unit,
                      GError      **error)
{
  g_autoptr(KefuOrgUnit) old = NULL;
  g_autoptr(KefuChangeSet) cs = NULL;
  g_autofree char *code = NULL, *name = NULL, *phone = NULL, *address = NULL;
  sqlite3_stmt *stmt;

  if ((code = clean_code (unit->code, error)) == NULL)
    return FALSE;
  if ((name = clean_text (unit->name)) == NULL)
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID, _("Enter the unit’s name."));
      return FALSE;
    }
  if (!clean_phone (unit->phone, &phone, error))
    return FALSE;
  address = clean_text (unit->address);

  if (!kefu_db_begin (db, error))
    return FALSE;
  if ((old = kefu_org_get_unit (db, unit->id, error)) == NULL ||
      !check_version (old->version, unit->version, error))
    goto fail;
  if (g_strcmp0 (code, old->code) != 0)
    {
      g_autofree char *owner = code_owner (db, code, unit->id);

      if (owner != NULL)
        {
          g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID,
                       _("The code “%s” is already used by “%s”."), code, owner);
          goto fail;
        }
    }
  cs = kefu_change_set_new ("org_unit", unit->id, KEFU_CHANGE_UPDATE, old->version);
  kefu_change_set_text (cs, "code", old->code, code);
  kefu_change_set_text (cs, "name", old->name, name);
  kefu_change_set_text (cs, "phone", old->phone, phone);
  kefu_change_set_text (cs, "address", old->address, address);
  if (kefu_change_set_is_empty (cs))
    return kefu_db_commit (db, error);
  stmt = kefu_db_prepare (db,
                          "UPDATE org_unit SET code = ?, name = ?, phone = ?, address = ?, version = version + 1,"
                          " hlc = ?, updated_by = ?, updated_at = ? WHERE id = ?", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, code, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, phone, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, address, -1, SQLITE_STATIC);
  bind_update_tail (stmt, 5, db, cs, unit->id);
  if (!kefu_db_step_done (db, stmt, error) || !kefu_db_record_change (db, cs, error))
    goto fail;
  if (!kefu_db_commit (db, error))
    return FALSE;
  unit->version = old->version + 1;
  return TRUE;

fail:
  kefu_db_rollback (db);
  return FALSE;
}

gboolean
kefu_org_move_unit (KefuDb      *db,
                    const char  *id,
                    const char  *parent_id,
                    GError     **error)
{
  g_autoptr(KefuOrgUnit) old = NULL;
  g_autoptr(KefuChangeSet) cs = NULL;
  sqlite3_stmt *stmt;

  if (!kefu_db_begin (db, error))
    return FALSE;
  if ((old = kefu_org_get_unit (db, id, error)) == NULL ||
      !check_nesting (db, id, old->level, parent_id, error))
    goto fail;
  cs = kefu_change_set_new ("org_unit", id, KEFU_CHANGE_UPDATE, old->version);
  kefu_change_set_text (cs, "parent_id", old->parent_id, parent_id);
  if (kefu_change_set_is_empty (cs))
    return kefu_db_commit (db, error);
  stmt = kefu_db_prepare (db,
                          "UPDATE org_unit SET parent_id = ?, version = version + 1,"
                          " hlc = ?, updated_by = ?, updated_at = ? WHERE id = ?", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, parent_id, -1, SQLITE_STATIC);
  bind_update_tail (stmt, 2, db, cs, id);
  if (!kefu_db_step_done (db, stmt, error) || !kefu_db_record_change (db, cs, error))
    goto fail;
  return kefu_db_commit (db, error);

fail:
  kefu_db_rollback (db);
  return FALSE;
}

/* Counts the active rows of @sql (one parameter, the id). */
static int
count_active (KefuDb     *db,
              const char *sql,
              const char *id)
{
  sqlite3_stmt *stmt = kefu_db_prepare (db, sql, NULL);
  int n = 0;

  if (stmt == NULL)
    return 0;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int (stmt, 0);
  sqlite3_reset (stmt);
  return n;
}

/* Reactivating something under a deactivated unit is refused. */
static gboolean
check_unit_active (KefuDb      *db,
                   const char  *unit_id,
                   GError     **error)
{
  g_autoptr(KefuOrgUnit) unit = kefu_org_get_unit (db, unit_id, error);

  if (unit == NULL)
    return FALSE;
  if (!unit->active)
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID,
                   _("“%s” is deactivated; activate it first."), unit->name);
      return FALSE;
    }
  return TRUE;
}

/* Sets the active flag of one row of @table, audited. */
static gboolean
write_active (KefuDb      *db,
              const char  *table,
              const char  *id,
              gint64       version,
              gboolean     was_active,
              gboolean     active,
              GError     **error)
{
  g_autoptr(KefuChangeSet) cs = kefu_change_set_new (table, id, KEFU_CHANGE_UPDATE, version);
  g_autofree char *sql = g_strdup_printf ("UPDATE %s SET active = ?, version = version + 1,"
                                          " hlc = ?, updated_by = ?, updated_at = ? WHERE id = ?", table);
  sqlite3_stmt *stmt;

  kefu_change_set_int (cs, "active", TRUE, was_active ? 1 : 0, active ? 1 : 0);
  if (kefu_change_set_is_empty (cs))
    return TRUE;
  if ((stmt = kefu_db_prepare (db, sql, error)) == NULL)
    return FALSE;
  sqlite3_bind_int (stmt, 1, active ? 1 : 0);
  bind_update_tail (stmt, 2, db, cs, id);
  return kefu_db_step_done (db, stmt, error) && kefu_db_record_change (db, cs, error);
}

gboolean
kefu_org_set_unit_active (KefuDb      *db,
                          const char  *id,
                          gboolean     active,
                          GError     **error)
{
  g_autoptr(KefuOrgUnit) unit = NULL;
  g_autofree char *office = NULL;
  int n;

  if (!kefu_db_begin (db, error))
    return FALSE;
  if ((unit = kefu_org_get_unit (db, id, error)) == NULL)
    goto fail;
  office = kefu_db_get_meta (db, "office_id");
  if (!active && g_strcmp0 (office, id) == 0)
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID,
                   _("“%s” is the office this computer works for; it cannot be deactivated."), unit->name);
      goto fail;
    }
  if (!active && (n = count_active (db, "SELECT count(*) FROM org_unit WHERE parent_id = ? AND active = 1 AND deleted = 0", id)) > 0)
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID,
                   ngettext ("“%s” still has %d active unit under it; deactivate or move it first.",
                             "“%s” still has %d active units under it; deactivate or move them first.", n),
                   unit->name, n);
      goto fail;
    }
  if (!active && (n = count_active (db, "SELECT count(*) FROM staff WHERE org_unit_id = ? AND active = 1 AND deleted = 0", id)) > 0)
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID,
                   ngettext ("%d person still works at “%s”; move or deactivate them first.",
                             "%d people still work at “%s”; move or deactivate them first.", n),
                   n, unit->name);
      goto fail;
    }
  if (active && unit->parent_id != NULL && !check_unit_active (db, unit->parent_id, error))
    goto fail;
  if (!write_active (db, "org_unit", id, unit->version, unit->active, active, error))
    goto fail;
  return kefu_db_commit (db, error);

fail:
  kefu_db_rollback (db);
  return FALSE;
}

/**
 * kefu_org_list_units:
 *
 * Returns: (transfer full) (element-type KefuOrgUnit): headquarters,
 * provinces, cities, branches, each level by code
 */
GPtrArray *
kefu_org_list_units (KefuDb      *db,
                     gboolean     include_inactive,
                     GError     **error)
{
  sqlite3_stmt *stmt;

  stmt = kefu_db_prepare (db,
                          "SELECT " KEFU_ORG_UNIT_COLUMNS " FROM org_unit WHERE deleted = 0 AND (?1 OR active = 1)"
                          " ORDER BY CASE level WHEN 'hq' THEN 0 WHEN 'province' THEN 1 WHEN 'city' THEN 2 ELSE 3 END, code",
                          error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int (stmt, 1, include_inactive ? 1 : 0);
  return kefu_db_collect_rows (db, stmt, _kefu_org_unit_from_row, (GDestroyNotify) kefu_org_unit_free, error);
}

/* --- departments ------------------------------------------------------ */

/* Name, kind and phone checked and cleaned into @name and @phone; the
 * name must be new in the unit. */
static gboolean
check_department (KefuDb                *db,
                  const KefuDepartment  *dept,
                  const char            *unit_id,
                  char                 **name,
                  char                 **phone,
                  GError               **error)
{
  g_autoptr(KefuOrgUnit) unit = NULL;
  sqlite3_stmt *stmt;
  gboolean taken;

  if ((*name = clean_text (dept->name)) == NULL)
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID, _("Enter the department’s name."));
      return FALSE;
    }
  if (!kefu_department_kind_is_valid (dept->kind))
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID,
                   _("Choose what the department does: delivery, finance, management, customer service or other."));
      return FALSE;
    }
  if (!clean_phone (dept->phone, phone, error))
    return FALSE;
  if ((unit = kefu_org_get_unit (db, unit_id, error)) == NULL)
    return FALSE;
  stmt = kefu_db_prepare (db,
                          "SELECT 1 FROM department WHERE org_unit_id = ?1 AND name = ?2 AND deleted = 0"
                          " AND (?3 IS NULL OR id <> ?3)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, unit_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, *name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, dept->id, -1, SQLITE_STATIC);
  taken = sqlite3_step (stmt) == SQLITE_ROW;
  sqlite3_reset (stmt);
  if (taken)
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID,
                   _("“%s” already has a department called “%s”."), unit->name, *name);
      return FALSE;
    }
  return TRUE;
}

gboolean
kefu_org_create_department (KefuDb          *db,
                            KefuDepartment  *dept,
                            GError         **error)
{
  g_autoptr(KefuChangeSet) cs = NULL;
  g_autofree char *name = NULL, *phone = NULL, *id = NULL;
  sqlite3_stmt *stmt;

  if (!kefu_db_begin (db, error))
    return FALSE;
  if (dept->org_unit_id == NULL)
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID, _("Choose the unit the department belongs to."));
      goto fail;
    }
  if (!check_department (db, dept, dept->org_unit_id, &name, &phone, error))
    goto fail;
  {
    g_autoptr(KefuOrgUnit) unit = kefu_org_get_unit (db, dept->org_unit_id, NULL);

    if (!unit->active)
      {
        g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID,
                     _("“%s” is deactivated; nothing new can be placed under it."), unit->name);
        goto fail;
      }
  }
  id = dept->id ? g_strdup (dept->id) : kefu_uuid7_new ();
  cs = kefu_change_set_new ("department", id, KEFU_CHANGE_INSERT, 0);
  kefu_change_set_text (cs, "org_unit_id", NULL, dept->org_unit_id);
  kefu_change_set_text (cs, "name", NULL, name);
  kefu_change_set_text (cs, "kind", NULL, dept->kind);
  kefu_change_set_text (cs, "phone", NULL, phone);
  stmt = kefu_db_prepare (db,
                          "INSERT INTO department (id, hlc, updated_by, updated_at, org_unit_id, name, kind, phone)"
                          " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  kefu_db_bind_stamp (db, stmt, 2, cs, g_get_real_time () / 1000);
  sqlite3_bind_text (stmt, 5, dept->org_unit_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, dept->kind, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 8, phone, -1, SQLITE_STATIC);
  if (!kefu_db_step_done (db, stmt, error) || !kefu_db_record_change (db, cs, error))
    goto fail;
  if (!kefu_db_commit (db, error))
    return FALSE;
  if (dept->id == NULL)
    dept->id = g_steal_pointer (&id);
  dept->active = TRUE;
  dept->version = 1;
  return TRUE;

fail:
  kefu_db_rollback (db);
  return FALSE;
}

gboolean
kefu_org_update_department (KefuDb          *db,
                            KefuDepartment  *dept,
                            GError         **error)
{
  g_autoptr(KefuDepartment) old = NULL;
  g_autoptr(KefuChangeSet) cs = NULL;
  g_autofree char *name = NULL, *phone = NULL;
  sqlite3_stmt *stmt;

  if (!kefu_db_begin (db, error))
    return FALSE;
  if ((old = kefu_org_get_department (db, dept->id, error)) == NULL ||
      !check_version (old->version, dept->version, error) ||
      !check_department (db, dept, old->org_unit_id, &name, &phone, error))
    goto fail;
  cs = kefu_change_set_new ("department", dept->id, KEFU_CHANGE_UPDATE, old->version);
  kefu_change_set_text (cs, "name", old->name, name);
  kefu_change_set_text (cs, "kind", old->kind, dept->kind);
  kefu_change_set_text (cs, "phone", old->phone, phone);
  if (kefu_change_set_is_empty (cs))
    return kefu_db_commit (db, error);
  stmt = kefu_db_prepare (db,
                          "UPDATE department SET name = ?, kind = ?, phone = ?, version = version + 1,"
                          " hlc = ?, updated_by = ?, updated_at = ? WHERE id = ?", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, dept->kind, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, phone, -1, SQLITE_STATIC);
  bind_update_tail (stmt, 4, db, cs, dept->id);
  if (!kefu_db_step_done (db, stmt, error) || !kefu_db_record_change (db, cs, error))
    goto fail;
  if (!kefu_db_commit (db, error))
    return FALSE;
  dept->version = old->version + 1;
  return TRUE;

fail:
  kefu_db_rollback (db);
  return FALSE;
}

gboolean
kefu_org_set_department_active (KefuDb      *db,
                                const char  *id,
                                gboolean     active,
                                GError     **error)
{
  g_autoptr(KefuDepartment) dept = NULL;
  int n;

  if (!kefu_db_begin (db, error))
    return FALSE;
  if ((dept = kefu_org_get_department (db, id, error)) == NULL)
    goto fail;
  if (!active && (n = count_active (db, "SELECT count(*) FROM staff WHERE department_id = ? AND active = 1 AND deleted = 0", id)) > 0)
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID,
                   ngettext ("%d person still works in “%s”; move them to another department first.",
                             "%d people still work in “%s”; move them to another department first.", n),
                   n, dept->name);
      goto fail;
    }
  if (!write_active (db, "department", id, dept->version, dept->active, active, error))
    goto fail;
  return kefu_db_commit (db, error);

fail:
  kefu_db_rollback (db);
  return FALSE;
}

KefuDepartment *
kefu_org_get_department (KefuDb      *db,
                         const char  *id,
                         GError     **error)
{
  return get_row (db, "SELECT " DEPARTMENT_COLUMNS " FROM department WHERE id = ? AND deleted = 0", id,
                  department_from_row, _("This department does not exist."), error);
}

/**
 * kefu_org_list_departments:
 *
 * Returns: (transfer full) (element-type KefuDepartment): the unit's
 * departments, active first, by name
 */
GPtrArray *
kefu_org_list_departments (KefuDb      *db,
                           const char  *org_unit_id,
                           gboolean     include_inactive,
                           GError     **error)
{
  sqlite3_stmt *stmt;

  stmt = kefu_db_prepare (db,
                          "SELECT " DEPARTMENT_COLUMNS " FROM department"
                          " WHERE org_unit_id = ?1 AND deleted = 0 AND (?2 OR active = 1)"
                          " ORDER BY active DESC, name", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, org_unit_id, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 2, include_inactive ? 1 : 0);
  return kefu_db_collect_rows (db, stmt, department_from_row, (GDestroyNotify) kefu_department_free, error);
}

/* --- staff ------------------------------------------------------------ */

gboolean
kefu_org_update_staff (KefuDb     *db,
                       KefuStaff  *staff,
                       GError    **error)
{
  g_autoptr(KefuStaff) old = NULL;
  g_autoptr(KefuStaff) c = g_new0 (KefuStaff, 1);
  g_autoptr(KefuChangeSet) cs = NULL;
  sqlite3_stmt *stmt;

  if (!kefu_db_begin (db, error))
    return FALSE;
  if ((old = kefu_org_get_staff (db, staff->id, error)) == NULL ||
      !check_version (old->version, staff->version, error) ||
      !check_staff (db, staff, c, error))
    goto fail;
  cs = kefu_change_set_new ("staff", staff->id, KEFU_CHANGE_UPDATE, old->version);
  kefu_change_set_text (cs, "org_unit_id", old->org_unit_id, c->org_unit_id);
  kefu_change_set_text (cs, "username", old->username, c->username);
  kefu_change_set_text (cs, "name", old->name, c->name);
  kefu_change_set_text (cs, "role", old->role, c->role);
  kefu_change_set_text (cs, "phone", old->phone, c->phone);
  kefu_change_set_int (cs, "auth_limit_cents", TRUE, old->auth_limit_cents, c->auth_limit_cents);
  kefu_change_set_text (cs, "department_id", old->department_id, c->department_id);
  kefu_change_set_int (cs, "is_courier", TRUE, old->is_courier, c->is_courier);
  kefu_change_set_text (cs, "delivery_area", old->delivery_area, c->delivery_area);
  if (kefu_change_set_is_empty (cs))
    return kefu_db_commit (db, error);
  stmt = kefu_db_prepare (db,
                          "UPDATE staff SET org_unit_id = ?, username = ?, name = ?, role = ?, phone = ?,"
                          " auth_limit_cents = ?, department_id = ?, is_courier = ?, delivery_area = ?,"
                          " version = version + 1, hlc = ?, updated_by = ?, updated_at = ? WHERE id = ?", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, c->org_unit_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, c->username, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, c->name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, c->role, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, c->phone, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 6, c->auth_limit_cents);
  sqlite3_bind_text (stmt, 7, c->department_id, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 8, c->is_courier);
  sqlite3_bind_text (stmt, 9, c->delivery_area, -1, SQLITE_STATIC);
  bind_update_tail (stmt, 10, db, cs, staff->id);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      int code = sqlite3_extended_errcode (kefu_db_get_handle (db));

      sqlite3_reset (stmt);
      if (code == SQLITE_CONSTRAINT_UNIQUE)
        g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID,
                     _("The user name “%s” is already taken."), c->username);
      else
        kefu_db_set_error (db, error);
      goto fail;
    }
  sqlite3_reset (stmt);
  if (!kefu_db_record_change (db, cs, error))
    goto fail;
  if (!kefu_db_commit (db, error))
    return FALSE;
  staff->version = old->version + 1;
  return TRUE;

fail:
  kefu_db_rollback (db);
  return FALSE;
}

gboolean
kefu_org_set_staff_active (KefuDb      *db,
                           const char  *id,
                           gboolean     active,
                           GError     **error)
{
  g_autoptr(KefuStaff) staff = NULL;
  g_autofree char *me = NULL;

  if (!kefu_db_begin (db, error))
    return FALSE;
  if ((staff = kefu_org_get_staff (db, id, error)) == NULL)
    goto fail;
  me = kefu_db_get_meta (db, "current_user_id");
  if (!active && g_strcmp0 (me, id) == 0)
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID,
                   _("You cannot deactivate yourself while you are signed in."));
      goto fail;
    }
  if (active && !check_unit_active (db, staff->org_unit_id, error))
    goto fail;
  if (!write_active (db, "staff", id, staff->version, staff->active, active, error))
    goto fail;
  return kefu_db_commit (db, error);

fail:
  kefu_db_rollback (db);
  return FALSE;
}

/**
 * kefu_org_list_unit_staff:
 *
 * Returns: (transfer full) (element-type KefuStaff): the unit's staff,
 * active first, by name
 */
GPtrArray *
kefu_org_list_unit_staff (KefuDb      *db,
                          const char  *org_unit_id,
                          gboolean     include_inactive,
                          GError     **error)
{
  sqlite3_stmt *stmt;

  stmt = kefu_db_prepare (db,
                          "SELECT " STAFF_COLUMNS " FROM staff"
                          " WHERE org_unit_id = ?1 AND deleted = 0 AND (?2 OR active = 1)"
                          " ORDER BY active DESC, name", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, org_unit_id, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 2, include_inactive ? 1 : 0);
  return kefu_db_collect_rows (db, stmt, staff_from_row, (GDestroyNotify) kefu_staff_free, error);
}

/* --- the directory ---------------------------------------------------- */

static gpointer
directory_entry_from_row (sqlite3_stmt *stmt)
{
  KefuDirectoryEntry *e = g_new0 (KefuDirectoryEntry, 1);

  e->kind = sqlite3_column_int (stmt, 0);
  e->id = kefu_stmt_dup (stmt, 1);
  e->name = kefu_stmt_dup (stmt, 2);
  e->phone = kefu_stmt_dup (stmt, 3);
  e->unit_name = kefu_stmt_dup (stmt, 4);
  e->department_name = kefu_stmt_dup (stmt, 5);
  e->delivery_area = kefu_stmt_dup (stmt, 6);
  e->role = kefu_stmt_dup (stmt, 7);
  e->is_courier = sqlite3_column_int (stmt, 8);
  e->unit_id = kefu_stmt_dup (stmt, 9);
  return e;
}

/**
 * kefu_org_directory_search:
 *
 * The unit, department and staff tables are small (tens of thousands of
 * rows for the whole network), so this is a scan with instr().
 *
 * Returns: (transfer full) (element-type KefuDirectoryEntry): units, then
 * departments, then staff, each by name
 */
GPtrArray *
kefu_org_directory_search (KefuDb      *db,
                           const char  *query,
                           guint        limit,
                           GError     **error)
{
  g_autoptr(GPtrArray) ret = g_ptr_array_new_with_free_func ((GDestroyNotify) kefu_directory_entry_free);
  g_autofree char *term = clean_text (query);
  g_autofree char *lower = term ? g_utf8_strdown (term, -1) : NULL;
  g_autofree char *digits = NULL;
  sqlite3_stmt *stmt;

  if (term != NULL && kefu_text_looks_like_phone (term))
    digits = kefu_phone_normalize (term);
  stmt = kefu_db_prepare (db,
                          "SELECT kind, id, name, phone, unit_name, dept_name, area, role, courier, unit_id FROM ("
                          "  SELECT 0 AS kind, u.id, u.name, u.phone, p.name AS unit_name, NULL AS dept_name,"
                          "    NULL AS area, u.level AS role, 0 AS courier, u.name || ' ' || u.code AS haystack,"
                          "    u.id AS unit_id"
                          "  FROM org_unit u LEFT JOIN org_unit p ON p.id = u.parent_id"
                          "  WHERE u.deleted = 0 AND u.active = 1"
                          "  UNION ALL"
                          "  SELECT 1, d.id, d.name, d.phone, u.name, NULL, NULL, d.kind, 0, u.name || d.name, u.id"
                          "  FROM department d JOIN org_unit u ON u.id = d.org_unit_id"
                          "  WHERE d.deleted = 0 AND d.active = 1 AND u.active = 1"
                          "  UNION ALL"
                          "  SELECT 2, s.id, s.name, s.phone, u.name, d.name, s.delivery_area, s.role, s.is_courier,"
                          "    s.name || ' ' || s.username || ' ' || coalesce (s.delivery_area, ''), u.id"
                          "  FROM staff s JOIN org_unit u ON u.id = s.org_unit_id"
                          "  LEFT JOIN department d ON d.id = s.department_id"
                          "  WHERE s.deleted = 0 AND s.active = 1"
                          ") WHERE ?1 IS NULL OR instr (lower (haystack), ?1) > 0"
                          "   OR (?2 IS NOT NULL AND instr (replace (replace (coalesce (phone, ''), '-', ''), ' ', ''), ?2) > 0)"
                          " ORDER BY kind, name LIMIT ?3", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, lower, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, digits, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, limit > 0 ? limit : G_MAXINT);
  if (!kefu_db_read_rows (db, stmt, directory_entry_from_row, ret, error))
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
