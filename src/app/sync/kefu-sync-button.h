/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "kefu-db.h"
#include "kefu-sync-client.h"

G_BEGIN_DECLS

#define KEFU_TYPE_SYNC_BUTTON (kefu_sync_button_get_type ())
G_DECLARE_FINAL_TYPE (KefuSyncButton, kefu_sync_button, KEFU, SYNC_BUTTON, GtkWidget)

/* The header bar's sync state: synced, syncing (with the first sync's
 * progress), offline with the changes waiting, or an error sentence; its
 * popover has Sync Now and the Conflicts list. Hidden while this computer
 * is not signed in to a server. */
void        kefu_sync_button_set_client  (KefuSyncButton *self,
                                          KefuSyncClient *client,
                                          KefuDb         *db);
/* For tests: the text shown in the header bar. */
const char *_kefu_sync_button_get_text   (KefuSyncButton *self);
void        kefu_sync_button_popup       (KefuSyncButton *self);

G_END_DECLS
