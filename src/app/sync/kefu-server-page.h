/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "kefu-sync-client.h"

G_BEGIN_DECLS

#define KEFU_TYPE_SERVER_PAGE (kefu_server_page_get_type ())
G_DECLARE_FINAL_TYPE (KefuServerPage, kefu_server_page, KEFU, SERVER_PAGE, AdwPreferencesPage)

/* Preferences → Server: address, user name and password (kept in the
 * Secret Service), Sign In / Sign Out, Sync Now and the sync state. */
GtkWidget *kefu_server_page_new          (KefuSyncClient *client);

/* For tests: fills the rows and signs in as the button would. */
void       _kefu_server_page_sign_in     (KefuServerPage *self,
                                          const char     *url,
                                          const char     *username,
                                          const char     *password);
const char *_kefu_server_page_get_status (KefuServerPage *self);

G_END_DECLS
