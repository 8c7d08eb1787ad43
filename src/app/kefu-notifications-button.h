/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "kefu-db.h"

G_BEGIN_DECLS

#define KEFU_TYPE_NOTIFICATIONS_BUTTON (kefu_notifications_button_get_type ())
G_DECLARE_FINAL_TYPE (KefuNotificationsButton, kefu_notifications_button, KEFU, NOTIFICATIONS_BUTTON, GtkWidget)

/* The header bar's bell: the signed-in user's unread notifications
 * (escalations, warnings, approvals …) as a count and, in its popover, a
 * list. Activating one marks it read and emits "case-activated" with the
 * case id. */
void   kefu_notifications_button_set_db        (KefuNotificationsButton *self,
                                                KefuDb                  *db);
/* Counts again (and reloads the list when it is open). */
void   kefu_notifications_button_refresh       (KefuNotificationsButton *self);
guint  kefu_notifications_button_get_n_unread  (KefuNotificationsButton *self);
void   kefu_notifications_button_popup        (KefuNotificationsButton *self);

/* For tests: the rows shown in the popover, and activating one. */
guint  _kefu_notifications_button_get_n_rows   (KefuNotificationsButton *self);
void   _kefu_notifications_button_activate_row (KefuNotificationsButton *self,
                                                guint                    index);

G_END_DECLS
