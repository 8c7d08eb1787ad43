/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "kefu-customers.h"

G_BEGIN_DECLS

/* An XLSX sheet holds 1,048,576 rows; one is the header. */
#define KEFU_EXPORT_XLSX_MAX_ROWS 1048575

gboolean kefu_export_customers_csv  (KefuDb                   *db,
                                     const KefuCustomerQuery  *query,
                                     const char               *path,
                                     guint                    *n_rows,
                                     GError                  **error);
gboolean kefu_export_customers_xlsx (KefuDb                   *db,
                                     const KefuCustomerQuery  *query,
                                     const char               *path,
                                     guint                    *n_rows,
                                     GError                  **error);

G_END_DECLS
