/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "kefu-customer-list"

#include "config.h"

#include "kefu-customer-list.h"
#include "kefu-page-cache.h"

/* A GListModel over the customer table that never holds one object per
 * row: the count comes from SQL, rows are fetched a page at a time as the
 * view asks for them, a few pages stay cached, and an item object exists
 * only while a row widget holds it. */

struct _KefuCustomerItem
{
  GObject             parent_instance;
  KefuCustomerSummary summary;
};

struct _KefuCustomerList
{
  GObject            parent_instance;

  KefuDb            *db;
  KefuCustomerQuery  query;
  guint              n_items;
  KefuPageCache     *cache;
};

static void kefu_customer_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE (KefuCustomerItem, kefu_customer_item, G_TYPE_OBJECT)
G_DEFINE_FINAL_TYPE_WITH_CODE (KefuCustomerList, kefu_customer_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, kefu_customer_list_model_init))

/* --- item ------------------------------------------------------------ */

static void
kefu_customer_item_finalize (GObject *object)
{
  KefuCustomerItem *self = (KefuCustomerItem *) object;

  kefu_customer_summary_clear (&self->summary);
  G_OBJECT_CLASS (kefu_customer_item_parent_class)->finalize (object);
}

static void
kefu_customer_item_class_init (KefuCustomerItemClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kefu_customer_item_finalize;
}

static void
kefu_customer_item_init (KefuCustomerItem *self)
{
}

const KefuCustomerSummary *
kefu_customer_item_get_summary (KefuCustomerItem *self)
{
  g_return_val_if_fail (KEFU_IS_CUSTOMER_ITEM (self), NULL);
  return &self->summary;
}

const char *
kefu_customer_item_get_id (KefuCustomerItem *self)
{
  g_return_val_if_fail (KEFU_IS_CUSTOMER_ITEM (self), NULL);
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
  KefuCustomerList *self = user_data;

  return kefu_customers_page (self->db, &self->query, offset, limit, rows, error);
}

static gboolean
row_has_id (gconstpointer row,
            gconstpointer id)
{
  return g_strcmp0 (((const KefuCustomerSummary *) row)->id, id) == 0;
}

static guint
count_items (KefuCustomerList *self)
{
  g_autoptr(GError) error = NULL;
  guint n = 0;

  if (!kefu_customers_count (self->db, &self->query, &n, &error))
    g_warning ("Could not count customers: %s", error->message);
  return n;
}

/* --- GListModel ------------------------------------------------------ */

static GType
kefu_customer_list_get_item_type (GListModel *model)
{
  return KEFU_TYPE_CUSTOMER_ITEM;
}

static guint
kefu_customer_list_get_n_items (GListModel *model)
{
  return KEFU_CUSTOMER_LIST (model)->n_items;
}

static gpointer
kefu_customer_list_get_item (GListModel *model,
                             guint       position)
{
  KefuCustomerList *self = KEFU_CUSTOMER_LIST (model);
  const KefuCustomerSummary *src;
  KefuCustomerItem *item;

  if (position >= self->n_items)
    return NULL;
  if ((src = kefu_page_cache_get (self->cache, position)) == NULL)
    return NULL;

  item = g_object_new (KEFU_TYPE_CUSTOMER_ITEM, NULL);
  item->summary.rowid = src->rowid;
  item->summary.id = g_strdup (src->id);
  item->summary.number = g_strdup (src->number);
  item->summary.kind = g_strdup (src->kind);
  item->summary.name = g_strdup (src->name);
  item->summary.company = g_strdup (src->company);
  item->summary.phone = g_strdup (src->phone);
  item->summary.segment = g_strdup (src->segment);
  item->summary.manager_name = g_strdup (src->manager_name);
  item->summary.last_contact_at = src->last_contact_at;
  item->summary.monthly_spend_cents = src->monthly_spend_cents;
  return item;
}

static void
kefu_customer_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = kefu_customer_list_get_item_type;
  iface->get_n_items = kefu_customer_list_get_n_items;
  iface->get_item = kefu_customer_list_get_item;
}

/* --- GObject --------------------------------------------------------- */

static void
kefu_customer_list_finalize (GObject *object)
{
  KefuCustomerList *self = (KefuCustomerList *) object;

  g_clear_pointer (&self->cache, kefu_page_cache_free);
  kefu_customer_query_clear (&self->query);
  g_clear_object (&self->db);
  G_OBJECT_CLASS (kefu_customer_list_parent_class)->finalize (object);
}

static void
kefu_customer_list_class_init (KefuCustomerListClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kefu_customer_list_finalize;
}

static void
kefu_customer_list_init (KefuCustomerList *self)
{
  self->cache = kefu_page_cache_new (sizeof (KefuCustomerSummary), (GDestroyNotify) kefu_customer_summary_clear,
                                     load_rows_cb, self);
}

/* --- public API ------------------------------------------------------ */

/**
 * kefu_customer_list_new:
 *
 * Returns: (transfer full): all live customers, sorted by name
 */
KefuCustomerList *
kefu_customer_list_new (KefuDb *db)
{
  KefuCustomerList *self;

  g_return_val_if_fail (KEFU_IS_DB (db), NULL);

  self = g_object_new (KEFU_TYPE_CUSTOMER_LIST, NULL);
  self->db = g_object_ref (db);
  self->n_items = count_items (self);
  return self;
}

/* Changes filter, search text or order; emits one items-changed for the
 * whole list. */
void
kefu_customer_list_set_query (KefuCustomerList        *self,
                              const KefuCustomerQuery *query)
{
  g_return_if_fail (KEFU_IS_CUSTOMER_LIST (self));

  kefu_customer_query_clear (&self->query);
  self->query.text = g_strdup (query->text);
  self->query.segment = g_strdup (query->segment);
  self->query.manager_id = g_strdup (query->manager_id);
  self->query.sort = query->sort;
  kefu_customer_list_reload (self);
}

const KefuCustomerQuery *
kefu_customer_list_get_query (KefuCustomerList *self)
{
  return &self->query;
}

/* Call after writes: recounts and drops the cache. */
void
kefu_customer_list_reload (KefuCustomerList *self)
{
  guint old = self->n_items;

  g_return_if_fail (KEFU_IS_CUSTOMER_LIST (self));

  kefu_page_cache_clear (self->cache);
  self->n_items = count_items (self);
  g_list_model_items_changed (G_LIST_MODEL (self), 0, old, self->n_items);
}

/* Returns: the position of the customer among the pages loaded so far,
 * or G_MAXUINT when it is not in one of them. */
guint
kefu_customer_list_find (KefuCustomerList *self,
                         const char       *id)
{
  return kefu_page_cache_find (self->cache, row_has_id, id);
}

guint
kefu_customer_list_get_n_pages_loaded (KefuCustomerList *self)
{
  return kefu_page_cache_get_n_pages (self->cache);
}
