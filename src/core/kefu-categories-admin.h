/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "kefu-db.h"

G_BEGIN_DECLS

/* The administrator's side of the category taxonomies (table category):
 * scope "case" for cases (工单分类), "kb" for the knowledge base. Synced
 * rows: every write appends its audit and outbox entries, one transaction
 * per call. Deleting leaves a tombstone, so cases keep the name of the
 * category they were filed under. */

typedef struct
{
  char   *id;
  char   *parent_id;
  char   *scope;
  char   *code;
  char   *name;
  gint    position;
  gint64  version;
} KefuCategoryEntry;

void               kefu_category_entry_free      (KefuCategoryEntry *entry);

/* Live categories of @scope by position, then name, flat (for the tree
 * with translated names, see kefu_categories_list()). Names are compared
 * as kefu_category_label() shows them. Element type KefuCategoryEntry. */
GPtrArray         *kefu_categories_list_entries  (KefuDb      *db,
                                                  const char  *scope,
                                                  GError     **error);
KefuCategoryEntry *kefu_categories_get_entry     (KefuDb      *db,
                                                  const char  *id,
                                                  GError     **error);
/* Adds a category at the end of @scope, with a code derived from the
 * name. Names are unique within a scope (ignoring case and spaces at
 * the ends). Returns: (transfer full): the new id, or %NULL */
char              *kefu_categories_add           (KefuDb      *db,
                                                  const char  *scope,
                                                  const char  *name,
                                                  GError     **error);
gboolean           kefu_categories_rename        (KefuDb      *db,
                                                  const char  *id,
                                                  const char  *name,
                                                  GError     **error);
/* Moves the category to @index (0-based) among its live siblings (the
 * categories with the same parent) and renumbers their positions 10,
 * 20, 30 … */
gboolean           kefu_categories_move          (KefuDb      *db,
                                                  const char  *id,
                                                  guint        index,
                                                  GError     **error);
/* Tombstones the category. Cases filed under it keep it. */
gboolean           kefu_categories_delete        (KefuDb      *db,
                                                  const char  *id,
                                                  GError     **error);
/* Undoes kefu_categories_delete(). */
gboolean           kefu_categories_restore       (KefuDb      *db,
                                                  const char  *id,
                                                  GError     **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KefuCategoryEntry, kefu_category_entry_free)

G_END_DECLS
