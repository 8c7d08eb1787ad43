/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "kefu-db.h"

G_BEGIN_DECLS

/* Lists the office's staff; choosing one signs them in (kefu_org_set_current_user)
 * and emits "switched". */
GtkWindow *kefu_switch_user_dialog_new (GtkWindow *parent,
                                        KefuDb    *db);

G_END_DECLS
