/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "kefu-db.h"

G_BEGIN_DECLS

/* The category taxonomies (分类): scope "case" for cases, "kb" for the
 * knowledge base. A category may have a parent; lists come in tree order
 * (each parent followed by its children), by position, then name. */

typedef struct
{
  char   *id;
  char   *parent_id;
  char   *scope;
  char   *code;
  char   *name;
  gint64  position;
  guint   depth;     /* 0 for a top-level category */
} KefuCategory;

void          kefu_category_free     (KefuCategory       *category);
/* The name to show: the names Kefu ships with are translated; a name an
 * administrator has changed is shown as stored. Transfer none. */
const char   *kefu_category_label    (const KefuCategory *category);

/* Returns: (transfer full) (element-type KefuCategory): the categories of
 * @scope that are not deleted, in tree order; KEFU_ERROR_INVALID for an
 * unknown scope. */
GPtrArray    *kefu_categories_list   (KefuDb             *db,
                                      const char         *scope,
                                      GError            **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KefuCategory, kefu_category_free)

G_END_DECLS
