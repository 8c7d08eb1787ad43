/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "kefu-case-list"

#include "config.h"

#include "kefu-case-list.h"
#include "kefu-page-cache.h"

/* A GListModel over a case queue that never holds one object per row:
 * the count comes from SQL, rows are fetched a page at a time as the view
 * asks for them, a few pages stay cached, and an item object exists only
 * while a row widget holds it. Searches count at most 10,000 matches. */

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
  KefuPageCache     *cache;
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

static gboolean
load_rows_cb (gpointer   user_data,
              guint      offset,
              guint      limit,
              GArray    *rows,
              GError   **error)
{
  KefuCaseList *self = user_data;

  return kefu_cases_page (self->db, &self->query, offset, limit, rows, error);
}

static gboolean
row_has_id (gconstpointer row,
            gconstpointer id)
{
  return g_strcmp0 (((const KefuCaseSummary *) row)->id, id) == 0;
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
  const KefuCaseSummary *src;
  KefuCaseItem *item;

  if (position >= self->n_items)
    return NULL;
  if ((src = kefu_page_cache_get (self->cache, position)) == NULL)
    return NULL;

  item = g_object_new (KEFU_TYPE_CASE_ITEM, NULL);
  kefu_case_summary_copy_into (src, &item->summary);
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

  g_clear_pointer (&self->cache, kefu_page_cache_free);
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
  self->cache = kefu_page_cache_new (sizeof (KefuCaseSummary), (GDestroyNotify) kefu_case_summary_clear,
                                     load_rows_cb, self);
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
  kefu_page_cache_clear (self->cache);
  self->n_items = count_items (self);
  g_list_model_items_changed (G_LIST_MODEL (self), 0, old, self->n_items);
}

/* Returns: the position of the case among the pages loaded so far, or
 * G_MAXUINT when it is not in one of them. */
guint
kefu_case_list_find (KefuCaseList *self,
                     const char   *id)
{
  g_return_val_if_fail (KEFU_IS_CASE_LIST (self), G_MAXUINT);

  return kefu_page_cache_find (self->cache, row_has_id, id);
}

guint
kefu_case_list_get_n_pages_loaded (KefuCaseList *self)
{
  g_return_val_if_fail (KEFU_IS_CASE_LIST (self), 0);
  return kefu_page_cache_get_n_pages (self->cache);
}
