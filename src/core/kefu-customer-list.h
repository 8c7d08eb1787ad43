/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "kefu-customers.h"

G_BEGIN_DECLS

#define KEFU_TYPE_CUSTOMER_ITEM (kefu_customer_item_get_type ())
G_DECLARE_FINAL_TYPE (KefuCustomerItem, kefu_customer_item, KEFU, CUSTOMER_ITEM, GObject)

const KefuCustomerSummary *kefu_customer_item_get_summary (KefuCustomerItem *self);
const char                *kefu_customer_item_get_id      (KefuCustomerItem *self);

#define KEFU_TYPE_CUSTOMER_LIST (kefu_customer_list_get_type ())
G_DECLARE_FINAL_TYPE (KefuCustomerList, kefu_customer_list, KEFU, CUSTOMER_LIST, GObject)

KefuCustomerList        *kefu_customer_list_new        (KefuDb                  *db);
void                     kefu_customer_list_set_query  (KefuCustomerList        *self,
                                                        const KefuCustomerQuery *query);
const KefuCustomerQuery *kefu_customer_list_get_query  (KefuCustomerList        *self);
void                     kefu_customer_list_reload     (KefuCustomerList        *self);
guint                    kefu_customer_list_find       (KefuCustomerList        *self,
                                                        const char              *id);
guint                    kefu_customer_list_get_n_pages_loaded (KefuCustomerList *self);

G_END_DECLS
