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
} KefuOrgUnit;

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
} KefuStaff;

void        kefu_org_unit_free         (KefuOrgUnit *unit);
void        kefu_staff_free            (KefuStaff   *staff);
const char *kefu_role_label            (const char  *role);
gboolean    kefu_role_is_valid         (const char  *role);

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

G_END_DECLS
