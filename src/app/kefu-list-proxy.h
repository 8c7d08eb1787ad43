/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define KEFU_TYPE_LIST_PROXY (kefu_list_proxy_get_type ())
G_DECLARE_FINAL_TYPE (KefuListProxy, kefu_list_proxy, KEFU, LIST_PROXY, GObject)

/* Shows @model unchanged, but tells each change that both removes and
 * adds items as a removal followed by an insertion.
 *
 * Why: when a reload replaces the whole list, GTK 4.8's list item manager
 * looks for the rows it tracks (the anchor, focus, selection) among *all*
 * the added items by identity, reading every one of them — every page of
 * a paged model, seconds on a queue of 10,000 cases. Split in two, the
 * removal drops the tracked rows and the insertion has nothing to look
 * for. Returns: (transfer full) */
KefuListProxy *kefu_list_proxy_new (GListModel *model);

G_END_DECLS
