/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "kefu-db.h"
#include "kefu-sync-client.h"

G_BEGIN_DECLS

#define KEFU_TYPE_APPLICATION (kefu_application_get_type ())
G_DECLARE_FINAL_TYPE (KefuApplication, kefu_application, KEFU, APPLICATION, AdwApplication)

KefuApplication *kefu_application_new           (void);
KefuDb          *kefu_application_get_db       (KefuApplication *self);
GSettings       *kefu_application_get_settings (KefuApplication *self);
KefuSyncClient  *kefu_application_get_sync     (KefuApplication *self);
void             kefu_application_set_db       (KefuApplication *self,
                                                KefuDb          *db);

void             _kefu_application_mark_start  (void);

G_END_DECLS
