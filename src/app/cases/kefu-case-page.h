/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "kefu-cases.h"

G_BEGIN_DECLS

#define KEFU_TYPE_CASE_PAGE (kefu_case_page_get_type ())
G_DECLARE_FINAL_TYPE (KefuCasePage, kefu_case_page, KEFU, CASE_PAGE, GtkWidget)

void            kefu_case_page_set_db    (KefuCasePage *self,
                                          KefuDb       *db);
gboolean        kefu_case_page_show      (KefuCasePage *self,
                                          const char   *id);
void            kefu_case_page_reload    (KefuCasePage *self);
/* Relabels the time left without rebuilding the page. */
void            kefu_case_page_update_times (KefuCasePage *self);
const char     *kefu_case_page_get_id    (KefuCasePage *self);
/* The case as last read. Returns: (transfer none) (nullable) */
const KefuCase *kefu_case_page_get_case  (KefuCasePage *self);

G_END_DECLS
