/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "kefu-customer-list.h"
#include "kefu-test-util.h"

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  guint      *n_signals)
{
  (*n_signals)++;
}

static void
test_pages_on_demand (void)
{
  g_autoptr(KefuTestDb) t = kefu_test_db_new (TRUE);
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) kefu_customer_free);
  g_autoptr(KefuCustomerList) list = NULL;
  g_autoptr(GError) error = NULL;
  KefuCustomerQuery q = { 0 };
  guint n_signals = 0;

  for (guint i = 0; i < 2500; i++)
    {
      KefuCustomer *c = kefu_customer_new ();

      c->name = g_strdup_printf ("客户%05u", i);
      c->kind = g_strdup ("person");
      kefu_customer_add_contact (c, "phone", NULL, i % 2 ? "13800001111" : "02088886666");
      g_ptr_array_add (batch, c);
    }
  g_assert_true (kefu_customers_create_many (t->db, batch, NULL, &error));
  g_assert_no_error (error);

  list = kefu_customer_list_new (t->db);
  g_signal_connect (list, "items-changed", G_CALLBACK (items_changed_cb), &n_signals);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 2500);
  /* Counting loads no rows. */
  g_assert_cmpuint (kefu_customer_list_get_n_pages_loaded (list), ==, 0);

  {
    g_autoptr(KefuCustomerItem) first = g_list_model_get_item (G_LIST_MODEL (list), 0);
    g_autoptr(KefuCustomerItem) last = g_list_model_get_item (G_LIST_MODEL (list), 2499);

    g_assert_cmpstr (kefu_customer_item_get_summary (first)->name, ==, "客户00000");
    g_assert_cmpstr (kefu_customer_item_get_summary (last)->name, ==, "客户02499");
    g_assert_nonnull (kefu_customer_item_get_summary (first)->phone);
    g_assert_null (g_list_model_get_item (G_LIST_MODEL (list), 2500));
  }
  g_assert_cmpuint (kefu_customer_list_get_n_pages_loaded (list), ==, 2);

  /* Walking the whole list keeps only a bounded window of pages. */
  for (guint i = 0; i < 2500; i += 7)
    g_object_unref (g_list_model_get_item (G_LIST_MODEL (list), i));
  g_assert_cmpuint (kefu_customer_list_get_n_pages_loaded (list), <=, 12);

  q.text = (char *) "138-0000-11";
  kefu_customer_list_set_query (list, &q);
  g_assert_cmpuint (n_signals, ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 1250);
  /* More hits than are worth sorting: newest first, straight from the
   * index, whatever order was asked for. */
  q.text = (char *) "客户";
  q.sort = KEFU_CUSTOMER_SORT_NAME;
  kefu_customer_list_set_query (list, &q);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 2500);
  g_assert_true (kefu_customers_search_is_large (t->db, &q));
  {
    g_autoptr(KefuCustomerItem) first = g_list_model_get_item (G_LIST_MODEL (list), 0);

    g_assert_cmpstr (kefu_customer_item_get_summary (first)->name, ==, "客户02499");
  }
  /* Letters and digits are matched separately: 客户0249x, and the few
   * files whose name or number holds 0249 elsewhere. */
  q.text = (char *) "客户0249";
  kefu_customer_list_set_query (list, &q);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), >=, 10);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), <, 20);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/customer-list/pages-on-demand", test_pages_on_demand);
  return g_test_run ();
}
