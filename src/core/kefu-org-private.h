/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "kefu-org.h"

G_BEGIN_DECLS

/* For the core modules that list org units themselves (stats, training):
 * select KEFU_ORG_UNIT_COLUMNS from org_unit and read each row with
 * _kefu_org_unit_from_row() (a KefuRowReader; transfer full, free with
 * kefu_org_unit_free()). */
#define KEFU_ORG_UNIT_COLUMNS "id, code, name, level, parent_id, phone, address, active, version"

gpointer _kefu_org_unit_from_row (sqlite3_stmt *stmt);

G_END_DECLS
