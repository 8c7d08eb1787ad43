/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "kefu-db.h"

G_BEGIN_DECLS

#define KEFU_TYPE_CUSTOMER_PAGE (kefu_customer_page_get_type ())
G_DECLARE_FINAL_TYPE (KefuCustomerPage, kefu_customer_page, KEFU, CUSTOMER_PAGE, GtkWidget)

void        kefu_customer_page_set_db          (KefuCustomerPage *self,
                                                KefuDb           *db);
gboolean    kefu_customer_page_show            (KefuCustomerPage *self,
                                                const char       *id);
void        kefu_customer_page_reload          (KefuCustomerPage *self);
void        kefu_customer_page_update_actions  (KefuCustomerPage *self);
const char *kefu_customer_page_get_id          (KefuCustomerPage *self);

/* Shared with the list rows. */
void        _kefu_segment_badge_set            (GtkWidget        *badge,
                                                const char       *segment);
char       *_kefu_format_date                  (gint64            unix_ms,
                                                gboolean          with_time);
/* A contact's label ("mobile", "office"…) translated when it is one of
 * the usual ones. Transfer none. */
const char *_kefu_contact_label_text           (const char       *label);
char       *_kefu_contact_title                (const char       *kind,
                                                const char       *label);

G_END_DECLS
