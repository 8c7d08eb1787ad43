/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "kefu-list-proxy"

#include "config.h"

#include "kefu-list-proxy.h"

struct _KefuListProxy
{
  GObject     parent_instance;

  GListModel *model;
  /* What this model reports; it lags behind the source between the two
   * halves of a split change. */
  guint       n_items;
};

static void kefu_list_proxy_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (KefuListProxy, kefu_list_proxy, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, kefu_list_proxy_model_init))

/* --- signal callbacks ------------------------------------------------ */

static void
source_items_changed_cb (GListModel    *model,
                         guint          position,
                         guint          removed,
                         guint          added,
                         KefuListProxy *self)
{
  if (removed > 0 && added > 0)
    {
      /* In between, the items from @position on are gone. */
      self->n_items -= removed;
      g_list_model_items_changed (G_LIST_MODEL (self), position, removed, 0);
      self->n_items += added;
      g_list_model_items_changed (G_LIST_MODEL (self), position, 0, added);
      return;
    }
  self->n_items = self->n_items - removed + added;
  g_list_model_items_changed (G_LIST_MODEL (self), position, removed, added);
}

/* --- GListModel ------------------------------------------------------ */

static GType
kefu_list_proxy_get_item_type (GListModel *model)
{
  return g_list_model_get_item_type (KEFU_LIST_PROXY (model)->model);
}

static guint
kefu_list_proxy_get_n_items (GListModel *model)
{
  return KEFU_LIST_PROXY (model)->n_items;
}

static gpointer
kefu_list_proxy_get_item (GListModel *model,
                          guint       position)
{
  KefuListProxy *self = KEFU_LIST_PROXY (model);

  if (position >= self->n_items)
    return NULL;
  return g_list_model_get_item (self->model, position);
}

static void
kefu_list_proxy_model_init (GListModelInterface *iface)
{
  iface->get_item_type = kefu_list_proxy_get_item_type;
  iface->get_n_items = kefu_list_proxy_get_n_items;
  iface->get_item = kefu_list_proxy_get_item;
}

/* --- GObject --------------------------------------------------------- */

static void
kefu_list_proxy_dispose (GObject *object)
{
  KefuListProxy *self = (KefuListProxy *) object;

  if (self->model)
    g_signal_handlers_disconnect_by_func (self->model, source_items_changed_cb, self);
  g_clear_object (&self->model);
  G_OBJECT_CLASS (kefu_list_proxy_parent_class)->dispose (object);
}

static void
kefu_list_proxy_class_init (KefuListProxyClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = kefu_list_proxy_dispose;
}

static void
kefu_list_proxy_init (KefuListProxy *self)
{
}

/* --- public API ------------------------------------------------------ */

KefuListProxy *
kefu_list_proxy_new (GListModel *model)
{
  KefuListProxy *self;

  g_return_val_if_fail (G_IS_LIST_MODEL (model), NULL);

  self = g_object_new (KEFU_TYPE_LIST_PROXY, NULL);
  self->model = g_object_ref (model);
  self->n_items = g_list_model_get_n_items (model);
  g_signal_connect (model, "items-changed", G_CALLBACK (source_items_changed_cb), self);
  return self;
}
