/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "kefu-db.h"
#include "kefu-org-form.h"

G_BEGIN_DECLS

#define KEFU_TYPE_ORG_VIEW (kefu_org_view_get_type ())
G_DECLARE_FINAL_TYPE (KefuOrgView, kefu_org_view, KEFU, ORG_VIEW, AdwBin)

/* The organisation: the tree of units with the departments and staff of
 * the selected one, and a directory search (who is responsible, and their
 * phone) for everybody; administrators add, edit, move and deactivate. */
KefuOrgView *kefu_org_view_new           (KefuDb      *db);
void         kefu_org_view_set_editable  (KefuOrgView *self,
                                          gboolean     editable);
void         kefu_org_view_reload        (KefuOrgView *self);
gboolean     kefu_org_view_select_unit   (KefuOrgView *self,
                                          const char  *unit_id);
const char  *kefu_org_view_get_selected_unit (KefuOrgView *self);
void         kefu_org_view_set_search    (KefuOrgView *self,
                                          const char  *text);
guint        kefu_org_view_get_n_results (KefuOrgView *self);
/* Leaves the directory for the tree, with the unit of hit @index (the
 * unit itself, or the one the department or person belongs to). */
gboolean     kefu_org_view_open_result   (KefuOrgView *self,
                                          guint        index);
/* Opens one of the forms: "new-unit" (below @id), "edit-unit", "move-unit",
 * "new-department" (in unit @id), "edit-department", "new-staff" (in unit
 * @id), "edit-staff". Administrators only; NULL otherwise. */
KefuOrgForm *kefu_org_view_open_form     (KefuOrgView *self,
                                          const char  *what,
                                          const char  *id);

G_END_DECLS
