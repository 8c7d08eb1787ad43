/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "kefu-db.h"

G_BEGIN_DECLS

/* Renders Markdown (md4c) into @buffer, replacing its text, with text
 * tags for headings, emphasis, code, quotes, links and lists; tables as
 * aligned rows; images stored by content hash (kefu-attachment:SHA) are
 * shown from the attachment store of @db (may be NULL: alt text only).
 * Raw HTML is shown as text, never interpreted. */
void kefu_kb_render_markdown (GtkTextBuffer *buffer,
                              const char    *markdown,
                              KefuDb        *db);

/* Renders a line diff (kefu_kb_diff) into @buffer: removed lines on red,
 * added lines on green. */
void kefu_kb_render_diff     (GtkTextBuffer *buffer,
                              GPtrArray     *diff_lines);

G_END_DECLS
