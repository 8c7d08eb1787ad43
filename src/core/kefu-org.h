/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "kefu-db.h"

G_BEGIN_DECLS

typedef struct
{
  char *id;
  char *code;
  char *name;
  char *level;       /* hq, province, city, branch */
  char *parent_id;
  char *phone;
  char *address;
  gboolean active;
  gint64   version;
} KefuOrgUnit;

typedef struct
{
  char    *id;
  char    *org_unit_id;
  char    *name;
  char    *kind;     /* delivery, finance, management, service, other */
  char    *phone;
  gboolean active;
  gint64   version;
} KefuDepartment;

/* One hit of the directory: a unit, a department or a staff member, with
 * the phone to call and where it sits. */
typedef enum
{
  KEFU_DIRECTORY_UNIT,
  KEFU_DIRECTORY_DEPARTMENT,
  KEFU_DIRECTORY_STAFF,
} KefuDirectoryKind;

typedef struct
{
  KefuDirectoryKind kind;
  char    *id;
  char    *name;
  char    *phone;
  char    *unit_id;         /* the unit it is, or belongs to */
  char    *unit_name;       /* the unit it belongs to (units: their parent) */
  char    *department_name; /* staff only */
  char    *delivery_area;   /* couriers only */
  char    *role;            /* staff: agent, …; units: their level; departments: their kind */
  gboolean is_courier;
} KefuDirectoryEntry;

typedef struct
{
  char    *id;
  char    *org_unit_id;
  char    *username;
  char    *name;
  char    *role;     /* agent, supervisor, trainer, admin */
  char    *phone;
  gint64   auth_limit_cents;
  gboolean active;
  char    *department_id;
  gboolean is_courier;
  char    *delivery_area;
  gint64   version;
} KefuStaff;

void        kefu_org_unit_free         (KefuOrgUnit *unit);
void        kefu_staff_free            (KefuStaff   *staff);
const char *kefu_role_label            (const char  *role);
gboolean    kefu_role_is_valid         (const char  *role);
void        kefu_department_free       (KefuDepartment *dept);
void        kefu_directory_entry_free  (KefuDirectoryEntry *entry);
/* hq, province, city, branch → 总部 …; delivery, finance, … → 投递部 … */
const char *kefu_org_level_label       (const char  *level);
const char *kefu_department_kind_label (const char  *kind);
gboolean    kefu_department_kind_is_valid (const char *kind);

gboolean    kefu_org_create_unit       (KefuDb       *db,
                                        KefuOrgUnit  *unit,
                                        GError      **error);
gboolean    kefu_org_create_staff      (KefuDb       *db,
                                        KefuStaff    *staff,
                                        GError      **error);
KefuStaff  *kefu_org_get_staff         (KefuDb       *db,
                                        const char   *id,
                                        GError      **error);
KefuOrgUnit *kefu_org_get_unit         (KefuDb       *db,
                                        const char   *id,
                                        GError      **error);
/* Active staff of @org_unit_id (all units when NULL), by name. */
GPtrArray  *kefu_org_list_staff        (KefuDb       *db,
                                        const char   *org_unit_id,
                                        GError      **error);

/* The organisation tree. Every write is one transaction with its audit
 * and outbox entries. Units nest headquarters → province → city → branch;
 * a branch may stand alone (the office set up before it joined the tree).
 * Codes are letters and digits, unique, kept in upper case. Edits compare
 * with the stored row by id; @unit->version is the version read. */
gboolean    kefu_org_update_unit       (KefuDb       *db,
                                        KefuOrgUnit  *unit,
                                        GError      **error);
gboolean    kefu_org_move_unit         (KefuDb       *db,
                                        const char   *id,
                                        const char   *parent_id,
                                        GError      **error);
/* Refused for the office itself and for a unit with active units below. */
gboolean    kefu_org_set_unit_active   (KefuDb       *db,
                                        const char   *id,
                                        gboolean      active,
                                        GError      **error);
/* All units, parents before children, by code within a parent. */
GPtrArray  *kefu_org_list_units        (KefuDb       *db,
                                        gboolean      include_inactive,
                                        GError      **error);

gboolean    kefu_org_create_department (KefuDb         *db,
                                        KefuDepartment *dept,
                                        GError        **error);
gboolean    kefu_org_update_department (KefuDb         *db,
                                        KefuDepartment *dept,
                                        GError        **error);
gboolean    kefu_org_set_department_active (KefuDb     *db,
                                        const char     *id,
                                        gboolean        active,
                                        GError        **error);
KefuDepartment *kefu_org_get_department (KefuDb        *db,
                                        const char     *id,
                                        GError        **error);
GPtrArray  *kefu_org_list_departments  (KefuDb         *db,
                                        const char     *org_unit_id,
                                        gboolean        include_inactive,
                                        GError        **error);

/* Name, phone, role, limit, unit, department, courier flag and area. */
gboolean    kefu_org_update_staff      (KefuDb       *db,
                                        KefuStaff    *staff,
                                        GError      **error);
/* Refused for the signed-in user. */
gboolean    kefu_org_set_staff_active  (KefuDb       *db,
                                        const char   *id,
                                        gboolean      active,
                                        GError      **error);
/* Staff of one unit, active first, by name. */
GPtrArray  *kefu_org_list_unit_staff   (KefuDb       *db,
                                        const char   *org_unit_id,
                                        gboolean      include_inactive,
                                        GError      **error);

/* Who is responsible: active units, departments and staff whose name,
 * code, phone (any form) or delivery area holds @query; at most @limit. */
GPtrArray  *kefu_org_directory_search  (KefuDb       *db,
                                        const char   *query,
                                        guint         limit,
                                        GError      **error);

/* The office this database belongs to and who is signed in. */
gboolean    kefu_org_is_set_up         (KefuDb       *db);
gboolean    kefu_org_setup_office      (KefuDb       *db,
                                        const char   *branch_code,
                                        const char   *branch_name,
                                        const char   *user_name,
                                        const char   *username,
                                        const char   *role,
                                        GError      **error);
KefuOrgUnit *kefu_org_get_office       (KefuDb       *db);
KefuStaff  *kefu_org_get_current_user  (KefuDb       *db);
gboolean    kefu_org_set_current_user  (KefuDb       *db,
                                        const char   *staff_id,
                                        GError      **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KefuOrgUnit, kefu_org_unit_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KefuStaff, kefu_staff_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KefuDepartment, kefu_department_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KefuDirectoryEntry, kefu_directory_entry_free)

G_END_DECLS
