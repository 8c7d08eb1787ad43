/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "kefu-cases.h"

G_BEGIN_DECLS

#define KEFU_TYPE_CASE_ITEM (kefu_case_item_get_type ())
G_DECLARE_FINAL_TYPE (KefuCaseItem, kefu_case_item, KEFU, CASE_ITEM, GObject)

const KefuCaseSummary *kefu_case_item_get_summary (KefuCaseItem *self);
const char            *kefu_case_item_get_id      (KefuCaseItem *self);

#define KEFU_TYPE_CASE_LIST (kefu_case_list_get_type ())
G_DECLARE_FINAL_TYPE (KefuCaseList, kefu_case_list, KEFU, CASE_LIST, GObject)

KefuCaseList        *kefu_case_list_new                (KefuDb              *db);
void                 kefu_case_list_set_query          (KefuCaseList        *self,
                                                        const KefuCaseQuery *query);
const KefuCaseQuery *kefu_case_list_get_query          (KefuCaseList        *self);
void                 kefu_case_list_reload             (KefuCaseList        *self);
guint                kefu_case_list_find               (KefuCaseList        *self,
                                                        const char          *id);
guint                kefu_case_list_get_n_pages_loaded (KefuCaseList        *self);

G_END_DECLS
