/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The row cache behind the paged list models: rows of a fixed-size struct
 * are read a page at a time through @loader, and the most recently used
 * pages are kept. */
typedef gboolean (*KefuPageLoader) (gpointer   user_data,
                                    guint      offset,
                                    guint      limit,
                                    GArray    *rows,
                                    GError   **error);

typedef struct _KefuPageCache KefuPageCache;

KefuPageCache *kefu_page_cache_new        (gsize           element_size,
                                           GDestroyNotify  clear_func,
                                           KefuPageLoader  loader,
                                           gpointer        user_data);
void           kefu_page_cache_free       (KefuPageCache  *self);
/* Returns: (transfer none) (nullable): the row at @position, loading its
 * page when needed; NULL past the end of what the loader returned. */
gconstpointer  kefu_page_cache_get        (KefuPageCache  *self,
                                           guint           position);
void           kefu_page_cache_clear      (KefuPageCache  *self);
guint          kefu_page_cache_get_n_pages (KefuPageCache *self);
/* Returns: the position of the first loaded row for which @match returns
 * TRUE, or G_MAXUINT. */
guint          kefu_page_cache_find       (KefuPageCache  *self,
                                           gboolean      (*match) (gconstpointer row,
                                                                   gconstpointer data),
                                           gconstpointer   data);

G_END_DECLS
