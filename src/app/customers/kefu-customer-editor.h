/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "kefu-customers.h"

G_BEGIN_DECLS

#define KEFU_TYPE_CUSTOMER_EDITOR (kefu_customer_editor_get_type ())
G_DECLARE_FINAL_TYPE (KefuCustomerEditor, kefu_customer_editor, KEFU, CUSTOMER_EDITOR, AdwWindow)

/* Edits a copy of @customer, or a new file when it is NULL. Emits "saved"
 * with the customer's id after a successful write. */
GtkWindow *kefu_customer_editor_new  (GtkWindow          *parent,
                                      KefuDb             *db,
                                      const KefuCustomer *customer);
gboolean   kefu_customer_editor_save (KefuCustomerEditor *self,
                                      GError            **error);

G_END_DECLS
