/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "kefu-categories"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "kefu-categories.h"

/* The case categories of schema migration 2, as shipped. Their names are
 * stored in English and translated when shown, unless an administrator has
 * renamed them. */
static const struct
{
  const char *code;
  const char *name;
} shipped[] = {
  { "delay", N_("Delivery delay") },
  { "damage", N_("Damaged parcel") },
  { "loss", N_("Lost parcel") },
  { "attitude", N_("Staff attitude") },
  { "billing", N_("Charges and billing") },
  { "pickup", N_("Pick-up service") },
  { "other", N_("Other") },
};

/* The knowledge-base categories of schema migration 8, as shipped. */
static const struct
{
  const char *code;
  const char *name;
} shipped_kb[] = {
  { "tracking", N_("Tracking and delivery") },
  { "late", N_("Late parcels") },
  { "lost", N_("Lost parcels") },
  { "damaged", N_("Damaged parcels") },
  { "claims", N_("Claims and compensation") },
  { "insurance", N_("Insurance and declared value") },
  { "prohibited", N_("Prohibited items") },
  { "cod", N_("Cash on delivery") },
  { "address", N_("Addresses and redirection") },
  { "holidays", N_("Holidays and service hours") },
  { "pricing", N_("Prices and billing") },
  { "service", N_("Counter and service rules") },
};

/* --- helpers --------------------------------------------------------- */

static void
append_subtree (GPtrArray    *out,
                GPtrArray    *all,
                const char   *parent_id,
                guint         depth)
{
  for (guint i = 0; i < all->len; i++)
    {
      KefuCategory *c = g_ptr_array_index (all, i);

      if (c == NULL || g_strcmp0 (c->parent_id, parent_id) != 0)
        continue;
      /* Taken: a cycle in bad data cannot loop for ever. */
      all->pdata[i] = NULL;
      c->depth = depth;
      g_ptr_array_add (out, c);
      append_subtree (out, all, c->id, depth + 1);
    }
}

/* --- public API ------------------------------------------------------ */

void
kefu_category_free (KefuCategory *category)
{
  if (category == NULL)
    return;
  g_free (category->id);
  g_free (category->parent_id);
  g_free (category->scope);
  g_free (category->code);
  g_free (category->name);
  g_free (category);
}

const char *
kefu_category_label (const KefuCategory *category)
{
  g_return_val_if_fail (category != NULL, NULL);

  if (g_strcmp0 (category->scope, "case") == 0)
    for (guint i = 0; i < G_N_ELEMENTS (shipped); i++)
      if (g_strcmp0 (shipped[i].code, category->code) == 0 &&
          g_strcmp0 (shipped[i].name, category->name) == 0)
        return _(shipped[i].name);
  if (g_strcmp0 (category->scope, "kb") == 0)
    for (guint i = 0; i < G_N_ELEMENTS (shipped_kb); i++)
      if (g_strcmp0 (shipped_kb[i].code, category->code) == 0 &&
          g_strcmp0 (shipped_kb[i].name, category->name) == 0)
        return _(shipped_kb[i].name);
  return category->name;
}

static gpointer
category_from_row (sqlite3_stmt *stmt)
{
  KefuCategory *c = g_new0 (KefuCategory, 1);

  c->id = kefu_stmt_dup (stmt, 0);
  c->parent_id = kefu_stmt_dup (stmt, 1);
  c->scope = kefu_stmt_dup (stmt, 2);
  c->code = kefu_stmt_dup (stmt, 3);
  c->name = kefu_stmt_dup (stmt, 4);
  c->position = sqlite3_column_int64 (stmt, 5);

  return c;
}

/**
 * kefu_categories_list:
 * @scope: "case" or "kb"
 *
 * Returns: (transfer full) (element-type KefuCategory): the categories in
 *   tree order; a category whose parent is deleted or missing is listed at
 *   the top level
 */
GPtrArray *
kefu_categories_list (KefuDb      *db,
                      const char  *scope,
                      GError     **error)
{
  g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func ((GDestroyNotify) kefu_category_free);
  g_autoptr(GPtrArray) ret = g_ptr_array_new_with_free_func ((GDestroyNotify) kefu_category_free);
  g_autoptr(GHashTable) ids = g_hash_table_new (g_str_hash, g_str_equal);
  sqlite3_stmt *stmt;

  g_return_val_if_fail (KEFU_IS_DB (db), NULL);

  if (g_strcmp0 (scope, "case") != 0 && g_strcmp0 (scope, "kb") != 0)
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID,
                   _("There are categories for cases and for the knowledge base only."));
      return NULL;
    }

  stmt = kefu_db_prepare (db,
                          "SELECT id, parent_id, scope, code, name, position FROM category"
                          " WHERE scope = ? AND deleted = 0 ORDER BY position, name, rowid", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, scope, -1, SQLITE_STATIC);
  if (!kefu_db_read_rows (db, stmt, category_from_row, all, error))
    return NULL;

  /* Orphans (parent deleted or gone) count as top-level. */
  for (guint i = 0; i < all->len; i++)
    g_hash_table_add (ids, ((KefuCategory *) all->pdata[i])->id);
  for (guint i = 0; i < all->len; i++)
    {
      KefuCategory *c = g_ptr_array_index (all, i);

      if (c->parent_id != NULL && !g_hash_table_contains (ids, c->parent_id))
        g_clear_pointer (&c->parent_id, g_free);
    }

  g_ptr_array_set_free_func (all, NULL);
  append_subtree (ret, all, NULL, 0);
  /* Whatever is left sits in a cycle: list it rather than lose it. */
  for (guint i = 0; i < all->len; i++)
    if (all->pdata[i] != NULL)
      {
        KefuCategory *c = all->pdata[i];

        c->depth = 0;
        g_ptr_array_add (ret, c);
      }
  return g_steal_pointer (&ret);
}
