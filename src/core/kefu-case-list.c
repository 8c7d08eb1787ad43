/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "kefu-case-list"

#include "config.h"

#include "kefu-case-list.h"

/* A GListModel over a case queue that never holds one object per row:
 * the count comes from SQL, rows are fetched a page at a time as the view
 * asks for them, a few pages stay cached, and an item object exists only
 * while a row widget holds it. Searches count at most 10,000 matches. */

#define PAGE_SIZE 200
#define MAX_PAGES 12

struct _KefuCaseItem
{
  GObject         parent_instance;
  KefuCaseSummary summary;
};

struct _KefuCaseList
{
  GObject        parent_instance;

  KefuDb        *db;
  KefuCaseQuery  query;
  guint          n_items;
  GHashTable    *pages;    /* page index → GArray of KefuCaseSummary */
  GQueue         lru;      /* page indexes, most recent first */
};

static void kefu_case_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE (KefuCaseItem, kefu_case_item, G_TYPE_OBJECT)
G_DEFINE_FINAL_TYPE_WITH_CODE (KefuCaseList, kefu_case_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, kefu_case_list_model_init))

/* --- item ------------------------------------------------------------ */

static void
kefu_case_item_finalize (GObject *object)
{
  KefuCaseItem *self = (KefuCaseItem *) object;

  kefu_case_summary_clear (&self->summary);
  G_OBJECT_CLASS (kefu_case_item_parent_class)->finalize (object);
}

static void
kefu_case_item_class_init (KefuCaseItemClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kefu_case_item_finalize;
}

static void
kefu_case_item_init (KefuCaseItem *self)
{
}

const KefuCaseSummary *
kefu_case_item_get_summary (KefuCaseItem *self)
{
  g_return_val_if_fail (KEFU_IS_CASE_ITEM (self), NULL);
  return &self->summary;
}

const char *
kefu_case_item_get_id (KefuCaseItem *self)
{
  g_return_val_if_fail (KEFU_IS_CASE_ITEM (self), NULL);
  return self->summary.id;
}

/* --- list helpers ---------------------------------------------------- */

static void
page_free (gpointer data)
{
  g_array_unref (data);
}

static void
drop_pages (KefuCaseList *self)
{
  g_hash_table_remove_all (self->pages);
  g_queue_clear (&self->lru);
}

static GArray *
load_page (KefuCaseList *self,
           guint         page)
{
  g_autoptr(GError) error = NULL;
  GArray *rows = g_hash_table_lookup (self->pages, GUINT_TO_POINTER (page));

  if (rows != NULL)
    {
      g_queue_remove (&self->lru, GUINT_TO_POINTER (page));
      g_queue_push_head (&self->lru, GUINT_TO_POINTER (page));
      return rows;
    }

  rows = g_array_new (FALSE, TRUE, sizeof (KefuCaseSummary));
  g_array_set_clear_func (rows, (GDestroyNotify) kefu_case_summary_clear);
  if (!kefu_cases_page (self->db, &self->query, page * PAGE_SIZE, PAGE_SIZE, rows, &error))
    g_warning ("Could not load cases: %s", error->message);

  while (g_queue_get_length (&self->lru) >= MAX_PAGES)
    g_hash_table_remove (self->pages, g_queue_pop_tail (&self->lru));
  g_hash_table_insert (self->pages, GUINT_TO_POINTER (page), rows);
  g_queue_push_head (&self->lru, GUINT_TO_POINTER (page));
  return rows;
}

static guint
count_items (KefuCaseList *self)
{
  g_autoptr(GError) error = NULL;
  guint n = 0;

  if (!kefu_cases_count (self->db, &self->query, &n, &error))
    g_warning ("Could not count cases: %s", error->message);
  return n;
}

/* --- GListModel ------------------------------------------------------ */

static GType
kefu_case_list_get_item_type (GListModel *model)
{
  return KEFU_TYPE_CASE_ITEM;
}

static guint
kefu_case_list_get_n_items (GListModel *model)
{
  return KEFU_CASE_LIST (model)->n_items;
}

static gpointer
kefu_case_list_get_item (GListModel *model,
                         guint       position)
{
  KefuCaseList *self = KEFU_CASE_LIST (model);
  KefuCaseItem *item;
  GArray *rows;
  guint offset = position % PAGE_SIZE;

  if (position >= self->n_items)
    return NULL;

  rows = load_page (self, position / PAGE_SIZE);
  if (offset >= rows->len)
    return NULL; /* the table shrank under us; the next reload fixes it */

  item = g_object_new (KEFU_TYPE_CASE_ITEM, NULL);
  kefu_case_summary_copy_into (&g_array_index (rows, KefuCaseSummary, offset), &item->summary);
  return item;
}

static void
kefu_case_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = kefu_case_list_get_item_type;
  iface->get_n_items = kefu_case_list_get_n_items;
  iface->get_item = kefu_case_list_get_item;
}

/* --- GObject --------------------------------------------------------- */

static void
kefu_case_list_finalize (GObject *object)
{
  KefuCaseList *self = (KefuCaseList *) object;

  g_queue_clear (&self->lru);
  g_clear_pointer (&self->pages, g_hash_table_unref);
  kefu_case_query_clear (&self->query);
  g_clear_object (&self->db);
  G_OBJECT_CLASS (kefu_case_list_parent_class)->finalize (object);
}

static void
kefu_case_list_class_init (KefuCaseListClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kefu_case_list_finalize;
}

static void
kefu_case_list_init (KefuCaseList *self)
{
  self->pages = g_hash_table_new_full (NULL, NULL, NULL, page_free);
  g_queue_init (&self->lru);
}

/* --- public API ------------------------------------------------------ */

/**
 * kefu_case_list_new:
 *
 * Returns: (transfer full): every live case, newest first
 */
KefuCaseList *
kefu_case_list_new (KefuDb *db)
{
  KefuCaseList *self;

  g_return_val_if_fail (KEFU_IS_DB (db), NULL);

  self = g_object_new (KEFU_TYPE_CASE_LIST, NULL);
  self->db = g_object_ref (db);
  self->n_items = count_items (self);
  return self;
}

/* Changes queue, filters or search text; emits one items-changed for the
 * whole list. */
void
kefu_case_list_set_query (KefuCaseList        *self,
                          const KefuCaseQuery *query)
{
  g_return_if_fail (KEFU_IS_CASE_LIST (self));
  g_return_if_fail (query != NULL);

  kefu_case_query_clear (&self->query);
  kefu_case_query_copy_into (query, &self->query);
  kefu_case_list_reload (self);
}

const KefuCaseQuery *
kefu_case_list_get_query (KefuCaseList *self)
{
  g_return_val_if_fail (KEFU_IS_CASE_LIST (self), NULL);
  return &self->query;
}

/* Call after writes (or, for the time-based queues, every few minutes):
 * recounts and drops the cache. */
void
kefu_case_list_reload (KefuCaseList *self)
{
  guint old;

  g_return_if_fail (KEFU_IS_CASE_LIST (self));

  old = self->n_items;
  drop_pages (self);
  self->n_items = count_items (self);
  g_list_model_items_changed (G_LIST_MODEL (self), 0, old, self->n_items);
}

/* Returns: the position of the case among the pages loaded so far, or
 * G_MAXUINT when it is not in one of them. */
guint
kefu_case_list_find (KefuCaseList *self,
                     const char   *id)
{
  GHashTableIter iter;
  gpointer key, value;

  g_return_val_if_fail (KEFU_IS_CASE_LIST (self), G_MAXUINT);

  g_hash_table_iter_init (&iter, self->pages);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      GArray *rows = value;

      for (guint i = 0; i < rows->len; i++)
        if (g_strcmp0 (g_array_index (rows, KefuCaseSummary, i).id, id) == 0)
          return GPOINTER_TO_UINT (key) * PAGE_SIZE + i;
    }
  return G_MAXUINT;
}

guint
kefu_case_list_get_n_pages_loaded (KefuCaseList *self)
{
  g_return_val_if_fail (KEFU_IS_CASE_LIST (self), 0);
  return g_hash_table_size (self->pages);
}
