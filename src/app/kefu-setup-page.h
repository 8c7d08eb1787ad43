/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "kefu-db.h"

G_BEGIN_DECLS

#define KEFU_TYPE_SETUP_PAGE (kefu_setup_page_get_type ())
G_DECLARE_FINAL_TYPE (KefuSetupPage, kefu_setup_page, KEFU, SETUP_PAGE, GtkWidget)

void kefu_setup_page_set_db       (KefuSetupPage *self,
                                   KefuDb        *db);
void kefu_setup_page_load_sample  (KefuSetupPage *self);

G_END_DECLS
