/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "kefu-db.h"

G_BEGIN_DECLS

#define KEFU_TYPE_CUSTOMERS_VIEW (kefu_customers_view_get_type ())
G_DECLARE_FINAL_TYPE (KefuCustomersView, kefu_customers_view, KEFU, CUSTOMERS_VIEW, GtkWidget)

KefuCustomersView *kefu_customers_view_new           (KefuDb            *db);
void               kefu_customers_view_reload        (KefuCustomersView *self);
void               kefu_customers_view_focus_search  (KefuCustomersView *self);
void               kefu_customers_view_set_search    (KefuCustomersView *self,
                                                      const char        *text);
void               kefu_customers_view_show_customer (KefuCustomersView *self,
                                                      const char        *id);
guint              kefu_customers_view_get_n_shown   (KefuCustomersView *self);

G_END_DECLS
