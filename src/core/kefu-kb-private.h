/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "kefu-kb.h"

G_BEGIN_DECLS

/* Shared by kefu-kb.c, the import and the sample articles. */
gboolean  _kefu_kb_validate        (KefuDb         *db,
                                    KefuKbArticle  *a,
                                    GError        **error);
gboolean  _kefu_kb_insert          (KefuDb         *db,
                                    KefuKbArticle  *a,
                                    gboolean        record,
                                    gint64          at,
                                    GError        **error);
gboolean  _kefu_kb_index           (KefuDb               *db,
                                    gint64                rowid,
                                    const KefuKbArticle  *a,
                                    GError              **error);
char     *_kefu_kb_normalize_tags  (const char     *text,
                                    GError        **error);
char     *_kefu_kb_suggest_match   (KefuDb         *db,
                                    const char     *text);

G_END_DECLS
