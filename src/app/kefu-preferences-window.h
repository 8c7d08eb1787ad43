/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "kefu-db.h"

G_BEGIN_DECLS

GtkWindow *kefu_preferences_window_new (GtkWindow *parent,
                                        GSettings *settings,
                                        KefuDb    *db);

/* Applies the "color-scheme" key to the style manager now and whenever it
 * changes. Call once at startup, after the settings are created. */
void       kefu_preferences_apply_color_scheme (GSettings *settings);

G_END_DECLS
