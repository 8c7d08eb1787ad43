/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <locale.h>

#include "kefu-application.h"
#include "kefu-customer-editor.h"
#include "kefu-customer-page.h"
#include "kefu-customers-view.h"
#include "kefu-dialogs.h"
#include "kefu-sample.h"
#include "kefu-test-ui.h"
#include "kefu-test-util.h"
#include "kefu-window.h"

/* The real window under Xvfb, driven through its actions and public API,
 * with a PNG of each state in <builddir>/screenshots. */

typedef struct
{
  KefuTestDb      *t;
  KefuApplication *app;
  KefuWindow      *window;
  const char      *lang;
} Fixture;



static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->lang = kefu_test_ui_lang ();
  f->t = kefu_test_sample_db_new (400);

  f->window = kefu_test_window_open (f->t->db, 1280, 800, &f->app);
  wait_for_draw (GTK_WIDGET (f->window));
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  kefu_test_window_close (f->window, &f->app);
  kefu_test_db_free (f->t);
}

static char *
first_customer_id (KefuDb *db)
{
  sqlite3_stmt *stmt = kefu_db_prepare (db, "SELECT id FROM customer WHERE deleted = 0 ORDER BY rowid LIMIT 1", NULL);
  char *id = NULL;

  if (sqlite3_step (stmt) == SQLITE_ROW)
    id = kefu_stmt_dup (stmt, 0);
  sqlite3_reset (stmt);
  return id;
}

static void
test_list_search_and_file (Fixture       *f,
                           gconstpointer  data)
{
  KefuCustomersView *view = KEFU_CUSTOMERS_VIEW (kefu_window_get_customers_view (f->window));
  g_autofree char *id = first_customer_id (f->t->db);
  g_autoptr(KefuCustomer) c = kefu_customers_get (f->t->db, id, NULL);
  g_autofree char *fragment = NULL;
  const char *phone;
  guint all;

  g_assert_nonnull (view);
  all = kefu_customers_view_get_n_shown (view);
  g_assert_cmpuint (all, >=, 400);
  kefu_window_show_view (f->window, "customers");
  save_view_png (GTK_WIDGET (f->window), GTK_WIDGET (view), "customers", f->lang);

  /* Search by two characters of the name, then by the phone typed the way
   * a caller reads it out. */
  fragment = g_utf8_substring (c->name, 0, 2);
  kefu_customers_view_set_search (view, fragment);
  g_assert_cmpuint (kefu_customers_view_get_n_shown (view), >=, 1);
  g_assert_cmpuint (kefu_customers_view_get_n_shown (view), <, all);
  phone = kefu_customer_first_contact (c, "phone");
  g_assert_nonnull (phone);
  kefu_customers_view_set_search (view, phone);
  g_assert_cmpuint (kefu_customers_view_get_n_shown (view), >=, 1);
  kefu_customers_view_set_search (view, "不可能的名字");
  g_assert_cmpuint (kefu_customers_view_get_n_shown (view), ==, 0);
  save_view_png (GTK_WIDGET (f->window), GTK_WIDGET (view), "customers-no-match", f->lang);
  kefu_customers_view_set_search (view, fragment);

  kefu_customers_view_show_customer (view, id);
  save_view_png (GTK_WIDGET (f->window), GTK_WIDGET (view), "customer-file", f->lang);
}

static void
test_edit_and_save (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *id = first_customer_id (f->t->db);
  g_autoptr(KefuCustomer) c = kefu_customers_get (f->t->db, id, NULL);
  g_autoptr(KefuCustomer) after = NULL;
  g_autoptr(GError) error = NULL;
  KefuCustomersView *view = KEFU_CUSTOMERS_VIEW (kefu_window_get_customers_view (f->window));
  GtkWindow *editor;
  GtkWidget *name_row;

  kefu_customers_view_show_customer (view, id);
  editor = kefu_customer_editor_new (GTK_WINDOW (f->window), f->t->db, c);
  gtk_window_present (editor);
  wait_for_draw (GTK_WIDGET (editor));

  /* The name row has the focus when the editor opens. */
  name_row = gtk_widget_get_ancestor (gtk_window_get_focus (editor), ADW_TYPE_ENTRY_ROW);
  g_assert_nonnull (name_row);
  gtk_editable_set_text (GTK_EDITABLE (name_row), "测试改名");
  save_png (GTK_WIDGET (editor), "customer-editor", f->lang);
  g_assert_true (kefu_customer_editor_save (KEFU_CUSTOMER_EDITOR (editor), &error));
  g_assert_no_error (error);
  gtk_window_destroy (editor);

  after = kefu_customers_get (f->t->db, id, NULL);
  g_assert_cmpstr (after->name, ==, "测试改名");
  g_assert_cmpint (after->version, ==, c->version + 1);

  /* Bad input keeps the form and writes nothing. */
  editor = kefu_customer_editor_new (GTK_WINDOW (f->window), f->t->db, after);
  name_row = gtk_widget_get_ancestor (gtk_window_get_focus (editor), ADW_TYPE_ENTRY_ROW);
  gtk_editable_set_text (GTK_EDITABLE (name_row), "   ");
  g_assert_false (kefu_customer_editor_save (KEFU_CUSTOMER_EDITOR (editor), &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
  gtk_window_destroy (editor);
  g_clear_pointer (&c, kefu_customer_free);
  c = kefu_customers_get (f->t->db, id, NULL);
  g_assert_cmpint (c->version, ==, after->version);
}

int
main (int   argc,
      char *argv[])
{
  kefu_test_ui_init (&argc, &argv, FALSE);

  g_test_add ("/ui/customers/list-search-and-file", Fixture, NULL, fixture_set_up, test_list_search_and_file, fixture_tear_down);
  g_test_add ("/ui/customers/edit-and-save", Fixture, NULL, fixture_set_up, test_edit_and_save, fixture_tear_down);

  return kefu_test_ui_run ();
}
