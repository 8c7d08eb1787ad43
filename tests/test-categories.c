/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "kefu-categories.h"
#include "kefu-test-util.h"

static void
exec_ok (KefuDb     *db,
         const char *sql)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (kefu_db_exec (db, sql, &error));
  g_assert_no_error (error);
}

static void
test_shipped_case_categories (void)
{
  g_autoptr(KefuTestDb) t = kefu_test_db_new (TRUE);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = kefu_categories_list (t->db, "case", &error);
  static const char *codes[] = { "delay", "damage", "loss", "attitude", "billing", "pickup", "other" };

  g_assert_no_error (error);
  g_assert_nonnull (list);
  g_assert_cmpuint (list->len, ==, G_N_ELEMENTS (codes));
  for (guint i = 0; i < list->len; i++)
    {
      KefuCategory *c = g_ptr_array_index (list, i);

      g_assert_cmpstr (c->code, ==, codes[i]);
      g_assert_cmpstr (c->scope, ==, "case");
      g_assert_nonnull (c->id);
      g_assert_null (c->parent_id);
      g_assert_cmpuint (c->depth, ==, 0);
      /* Untranslated in the test: the label is the stored name. */
      g_assert_cmpstr (kefu_category_label (c), ==, c->name);
    }

  /* The knowledge base ships its own taxonomy (migration 8). */
  g_clear_pointer (&list, g_ptr_array_unref);
  list = kefu_categories_list (t->db, "kb", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 12);
  g_assert_cmpstr (((KefuCategory *) list->pdata[0])->code, ==, "tracking");
  g_assert_cmpstr (((KefuCategory *) list->pdata[0])->scope, ==, "kb");
}

static void
test_unknown_scope (void)
{
  g_autoptr(KefuTestDb) t = kefu_test_db_new (TRUE);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = kefu_categories_list (t->db, "customer", &error);

  g_assert_null (list);
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "knowledge base"));
}

static void
test_tree_order_and_deleted (void)
{
  g_autoptr(KefuTestDb) t = kefu_test_db_new (TRUE);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;
  KefuCategory *c;

  /* Two children of "damage" (listed right after it, by position), a
   * deleted category, one whose parent is deleted, and a renamed one. */
  exec_ok (t->db,
           "INSERT INTO category (id, scope, code, name, position, parent_id) VALUES"
           " ('c-damage-outer', 'case', 'damage_outer', 'Outer box', 2, '01900000-0000-7000-8000-000000000102'),"
           " ('c-damage-inner', 'case', 'damage_inner', 'Contents', 1, '01900000-0000-7000-8000-000000000102'),"
           " ('c-gone', 'case', 'gone', 'Gone', 5, NULL),"
           " ('c-orphan', 'case', 'orphan', 'Orphan', 95, 'c-gone');"
           "UPDATE category SET deleted = 1 WHERE id = 'c-gone';"
           "UPDATE category SET name = '服务态度' WHERE code = 'attitude';");

  list = kefu_categories_list (t->db, "case", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 10);

  c = g_ptr_array_index (list, 1);
  g_assert_cmpstr (c->code, ==, "damage");
  c = g_ptr_array_index (list, 2);
  g_assert_cmpstr (c->code, ==, "damage_inner");
  g_assert_cmpuint (c->depth, ==, 1);
  g_assert_cmpstr (c->parent_id, ==, "01900000-0000-7000-8000-000000000102");
  c = g_ptr_array_index (list, 3);
  g_assert_cmpstr (c->code, ==, "damage_outer");
  g_assert_cmpuint (c->depth, ==, 1);
  c = g_ptr_array_index (list, 4);
  g_assert_cmpstr (c->code, ==, "loss");
  g_assert_cmpuint (c->depth, ==, 0);

  /* A renamed category keeps its new name. */
  c = g_ptr_array_index (list, 5);
  g_assert_cmpstr (c->code, ==, "attitude");
  g_assert_cmpstr (kefu_category_label (c), ==, "服务态度");

  /* The orphan is listed at the top level, in its place. */
  c = g_ptr_array_index (list, 9);
  g_assert_cmpstr (c->code, ==, "orphan");
  g_assert_null (c->parent_id);
  g_assert_cmpuint (c->depth, ==, 0);
  for (guint i = 0; i < list->len; i++)
    g_assert_cmpstr (((KefuCategory *) list->pdata[i])->code, !=, "gone");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/categories/shipped-case-categories", test_shipped_case_categories);
  g_test_add_func ("/categories/unknown-scope", test_unknown_scope);
  g_test_add_func ("/categories/tree-order-and-deleted", test_tree_order_and_deleted);

  return g_test_run ();
}
