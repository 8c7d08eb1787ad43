/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "kefu-page-cache"

#include "config.h"

#include "kefu-page-cache.h"

#define PAGE_SIZE 200
#define MAX_PAGES 12

struct _KefuPageCache
{
  gsize           element_size;
  GDestroyNotify  clear_func;
  KefuPageLoader  loader;
  gpointer        user_data;
  GHashTable     *pages;   /* page index → GArray of rows */
  GQueue          lru;     /* page indexes, most recent first */
};

KefuPageCache *
kefu_page_cache_new (gsize           element_size,
                     GDestroyNotify  clear_func,
                     KefuPageLoader  loader,
                     gpointer        user_data)
{
  KefuPageCache *self = g_new0 (KefuPageCache, 1);

  self->element_size = element_size;
  self->clear_func = clear_func;
  self->loader = loader;
  self->user_data = user_data;
  self->pages = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_array_unref);
  g_queue_init (&self->lru);
  return self;
}

void
kefu_page_cache_free (KefuPageCache *self)
{
  if (self == NULL)
    return;
  g_queue_clear (&self->lru);
  g_hash_table_unref (self->pages);
  g_free (self);
}

void
kefu_page_cache_clear (KefuPageCache *self)
{
  g_hash_table_remove_all (self->pages);
  g_queue_clear (&self->lru);
}

static GArray *
load_page (KefuPageCache *self,
           guint          page)
{
  g_autoptr(GError) error = NULL;
  GArray *rows = g_hash_table_lookup (self->pages, GUINT_TO_POINTER (page));

  if (rows != NULL)
    {
      g_queue_remove (&self->lru, GUINT_TO_POINTER (page));
      g_queue_push_head (&self->lru, GUINT_TO_POINTER (page));
      return rows;
    }

  rows = g_array_new (FALSE, TRUE, self->element_size);
  g_array_set_clear_func (rows, self->clear_func);
  if (!self->loader (self->user_data, page * PAGE_SIZE, PAGE_SIZE, rows, &error))
    g_warning ("Could not load a page of the list: %s", error->message);

  while (g_queue_get_length (&self->lru) >= MAX_PAGES)
    g_hash_table_remove (self->pages, g_queue_pop_tail (&self->lru));
  g_hash_table_insert (self->pages, GUINT_TO_POINTER (page), rows);
  g_queue_push_head (&self->lru, GUINT_TO_POINTER (page));
  return rows;
}

gconstpointer
kefu_page_cache_get (KefuPageCache *self,
                     guint          position)
{
  GArray *rows = load_page (self, position / PAGE_SIZE);
  guint offset = position % PAGE_SIZE;

  if (offset >= rows->len)
    return NULL; /* the table shrank under us; the next reload fixes it */
  return rows->data + offset * self->element_size;
}

guint
kefu_page_cache_get_n_pages (KefuPageCache *self)
{
  return g_hash_table_size (self->pages);
}

guint
kefu_page_cache_find (KefuPageCache  *self,
                      gboolean      (*match) (gconstpointer row,
                                              gconstpointer data),
                      gconstpointer   data)
{
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, self->pages);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      GArray *rows = value;

      for (guint i = 0; i < rows->len; i++)
        if (match (rows->data + i * self->element_size, data))
          return GPOINTER_TO_UINT (key) * PAGE_SIZE + i;
    }
  return G_MAXUINT;
}
