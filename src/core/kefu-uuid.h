/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

char    *kefu_uuid7_new      (void);
char    *kefu_uuid7_new_at   (gint64      unix_ms);
gboolean kefu_uuid_is_valid  (const char *text);

G_END_DECLS
