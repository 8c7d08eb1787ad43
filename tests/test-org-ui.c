/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <locale.h>

#include "kefu-application.h"
#include "kefu-org-view.h"
#include "kefu-org.h"
#include "kefu-sample.h"
#include "kefu-test-ui.h"
#include "kefu-test-util.h"
#include "kefu-text.h"
#include "kefu-window.h"

/* The Organisation page in the real window: the tree, the directory, and
 * the administrator's forms, with a PNG of each state. */

typedef struct
{
  KefuTestDb      *t;
  KefuApplication *app;
  KefuWindow      *window;
  KefuOrgView     *view;
  const char      *lang;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->lang = kefu_test_ui_lang ();
  f->t = kefu_test_sample_db_new (200);

  f->window = kefu_test_window_open (f->t->db, 1280, 800, &f->app);
  f->view = KEFU_ORG_VIEW (kefu_window_get_org_view (f->window));
  g_assert_nonnull (f->view);
  kefu_window_show_view (f->window, "org");
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
query_text (KefuDb     *db,
            const char *sql)
{
  sqlite3_stmt *stmt = kefu_db_prepare (db, sql, NULL);
  char *text = NULL;

  if (sqlite3_step (stmt) == SQLITE_ROW)
    text = kefu_stmt_dup (stmt, 0);
  sqlite3_reset (stmt);
  return text;
}

static void
test_tree_and_directory (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(KefuOrgUnit) office = kefu_org_get_office (f->t->db);
  g_autofree char *area = query_text (f->t->db, "SELECT delivery_area FROM staff WHERE is_courier = 1 ORDER BY rowid LIMIT 1");
  g_autofree char *fragment = NULL;
  g_autofree char *city = NULL;

  /* The office is selected at first, with its departments and staff. */
  g_assert_cmpstr (kefu_org_view_get_selected_unit (f->view), ==, office->id);
  save_view_png (GTK_WIDGET (f->window), GTK_WIDGET (f->view), "org", f->lang);

  /* A city: other units below, other people. */
  city = query_text (f->t->db, "SELECT parent_id FROM org_unit WHERE level = 'branch' AND parent_id IS NOT NULL ORDER BY rowid LIMIT 1");
  g_assert_true (kefu_org_view_select_unit (f->view, city));
  save_view_png (GTK_WIDGET (f->window), GTK_WIDGET (f->view), "org-city", f->lang);

  /* Who delivers on this street? The courier, with a phone. */
  g_assert_nonnull (area);
  fragment = g_utf8_substring (area, g_utf8_strlen (area, -1) - 5, g_utf8_strlen (area, -1) - 2);
  kefu_org_view_set_search (f->view, fragment);
  g_assert_cmpuint (kefu_org_view_get_n_results (f->view), >=, 1);

  /* The district: the branch, its departments and its couriers. */
  {
    g_autofree char *district = g_utf8_substring (area, 0, 2);

    kefu_org_view_set_search (f->view, district);
    g_assert_cmpuint (kefu_org_view_get_n_results (f->view), >=, 3);
    save_view_png (GTK_WIDGET (f->window), GTK_WIDGET (f->view), "org-directory", f->lang);

    /* A courier's row leads to the branch they work at. */
    {
      guint last = kefu_org_view_get_n_results (f->view) - 1;

      g_assert_true (kefu_org_view_open_result (f->view, last));
      g_assert_cmpstr (kefu_org_view_get_selected_unit (f->view), ==, office->id);
      g_assert_cmpuint (kefu_org_view_get_n_results (f->view), ==, 0);
    }
    g_assert_true (kefu_org_view_select_unit (f->view, city));
  }

  /* By the branch's phone written with dashes. */
  {
    g_autofree char *formatted = kefu_format_phone (office->phone);

    g_assert_nonnull (formatted);
    kefu_org_view_set_search (f->view, formatted);
    g_assert_cmpuint (kefu_org_view_get_n_results (f->view), >=, 1);
  }
  kefu_org_view_set_search (f->view, "不可能的名字");
  g_assert_cmpuint (kefu_org_view_get_n_results (f->view), ==, 0);
  save_view_png (GTK_WIDGET (f->window), GTK_WIDGET (f->view), "org-directory-none", f->lang);
  kefu_org_view_set_search (f->view, "");
}

static void
test_admin_forms (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(KefuOrgUnit) office = kefu_org_get_office (f->t->db);
  g_autoptr(GError) error = NULL;
  g_autofree char *dept_id = NULL;
  g_autoptr(KefuStaff) courier = NULL;
  KefuOrgForm *form;
  int outbox;

  /* A new department through the form. */
  form = kefu_org_view_open_form (f->view, "new-department", office->id);
  g_assert_nonnull (form);
  gtk_window_present (GTK_WINDOW (form));
  kefu_org_form_set_text (form, "name", "理赔部");
  kefu_org_form_set_choice (form, "kind", 4);
  kefu_org_form_set_text (form, "phone", "025-8466 1200");
  save_png (GTK_WIDGET (form), "org-department-form", f->lang);
  outbox = kefu_test_count (f->t->db, "SELECT count(*) FROM outbox");
  g_assert_true (kefu_org_form_save (form, &error));
  g_assert_no_error (error);
  g_assert_cmpint (kefu_test_count (f->t->db, "SELECT count(*) FROM outbox"), ==, outbox + 1);
  dept_id = query_text (f->t->db, "SELECT id FROM department WHERE name = '理赔部'");
  g_assert_nonnull (dept_id);

  /* The same name again: refused, the form stays open with the message. */
  form = kefu_org_view_open_form (f->view, "new-department", office->id);
  gtk_window_present (GTK_WINDOW (form));
  kefu_org_form_set_text (form, "name", "理赔部");
  g_assert_false (kefu_org_form_save (form, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (form)));
  save_png (GTK_WIDGET (form), "org-department-duplicate", f->lang);
  gtk_window_destroy (GTK_WINDOW (form));

  /* A courier needs a delivery area; a negative limit is refused. */
  form = kefu_org_view_open_form (f->view, "new-staff", office->id);
  gtk_window_present (GTK_WINDOW (form));
  kefu_org_form_set_text (form, "name", "赵快递");
  kefu_org_form_set_text (form, "username", "zhao.courier");
  kefu_org_form_set_text (form, "phone", "+86 139 0000 2222");
  kefu_org_form_set_switch (form, "courier", TRUE);
  kefu_org_form_set_text (form, "limit", "-5");
  g_assert_false (kefu_org_form_save (form, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
  g_clear_error (&error);
  kefu_org_form_set_text (form, "limit", "200");
  g_assert_false (kefu_org_form_save (form, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
  g_clear_error (&error);
  kefu_org_form_set_text (form, "area", "鼓楼区中山北路片区");
  kefu_org_form_set_choice (form, "department", 1);
  save_png (GTK_WIDGET (form), "org-staff-form", f->lang);
  g_assert_true (kefu_org_form_save (form, &error));
  g_assert_no_error (error);
  {
    g_autofree char *id = query_text (f->t->db, "SELECT id FROM staff WHERE username = 'zhao.courier'");

    courier = kefu_org_get_staff (f->t->db, id, NULL);
  }
  g_assert_nonnull (courier);
  g_assert_true (courier->is_courier);
  g_assert_cmpstr (courier->phone, ==, "13900002222");
  g_assert_cmpint (courier->auth_limit_cents, ==, 20000);
  g_assert_nonnull (courier->department_id);

  /* The directory finds the new courier by street. */
  kefu_org_view_set_search (f->view, "中山北路");
  g_assert_cmpuint (kefu_org_view_get_n_results (f->view), >=, 1);
  kefu_org_view_set_search (f->view, "");

  /* A branch under the office's city. */
  form = kefu_org_view_open_form (f->view, "new-unit", office->parent_id);
  g_assert_nonnull (form);
  kefu_org_form_set_text (form, "code", office->code);
  kefu_org_form_set_text (form, "name", "新营业部");
  g_assert_false (kefu_org_form_save (form, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
  g_clear_error (&error);
  kefu_org_form_set_text (form, "code", "NEW01");
  g_assert_true (kefu_org_form_save (form, &error));
  g_assert_no_error (error);
  g_assert_cmpint (kefu_test_count (f->t->db, "SELECT count(*) FROM org_unit WHERE code = 'NEW01' AND level = 'branch'"), ==, 1);
  save_view_png (GTK_WIDGET (f->window), GTK_WIDGET (f->view), "org-new-branch", f->lang);
}

static void
test_agents_only_look (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(KefuOrgUnit) office = kefu_org_get_office (f->t->db);
  g_autofree char *agent = query_text (f->t->db, "SELECT id FROM staff WHERE role = 'agent' ORDER BY rowid LIMIT 1");
  KefuWindow *window;
  KefuOrgView *view;

  g_assert_true (kefu_org_set_current_user (f->t->db, agent, NULL));
  window = kefu_window_new (f->app);
  view = KEFU_ORG_VIEW (kefu_window_get_org_view (window));
  g_assert_null (kefu_org_view_open_form (view, "new-department", office->id));
  kefu_org_view_set_search (view, office->name);
  g_assert_cmpuint (kefu_org_view_get_n_results (view), >=, 1);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* An office set up alone (no sample data): the administrator builds the
 * tree above it and hangs the office under its city. */
static void
test_first_tree (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(KefuTestDb) t = kefu_test_db_new (TRUE);
  g_autoptr(KefuOrgUnit) office = kefu_org_get_office (t->db);
  g_autoptr(KefuOrgUnit) after = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *hq = NULL, *province = NULL, *city = NULL;
  KefuWindow *window;
  KefuOrgView *view;
  KefuOrgForm *form;

  kefu_application_set_db (f->app, t->db);
  window = kefu_window_new (f->app);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_present (GTK_WINDOW (window));
  view = KEFU_ORG_VIEW (kefu_window_get_org_view (window));
  kefu_window_show_view (window, "org");

  /* Nothing above the office to move it under yet. */
  form = kefu_org_view_open_form (view, "move-unit", office->id);
  g_assert_nonnull (form);
  g_assert_false (kefu_org_form_save (form, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
  g_clear_error (&error);
  gtk_window_destroy (GTK_WINDOW (form));

#define ADD_UNIT(parent, code, name, out) \
  form = kefu_org_view_open_form (view, "new-unit", parent); \
  g_assert_nonnull (form); \
  kefu_org_form_set_text (form, "code", code); \
  kefu_org_form_set_text (form, "name", name); \
  g_assert_true (kefu_org_form_save (form, &error)); \
  g_assert_no_error (error); \
  out = g_strdup (kefu_org_view_get_selected_unit (view))
  ADD_UNIT (NULL, "HQ", "总部", hq);
  ADD_UNIT (hq, "JS", "江苏省公司", province);
  ADD_UNIT (province, "JSNJ", "南京市公司", city);
#undef ADD_UNIT
  /* Nothing goes below a branch, and there is one headquarters only. */
  g_assert_null (kefu_org_view_open_form (view, "new-unit", office->id));
  form = kefu_org_view_open_form (view, "new-unit", NULL);
  kefu_org_form_set_text (form, "code", "HQ2");
  kefu_org_form_set_text (form, "name", "第二总部");
  g_assert_false (kefu_org_form_save (form, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
  g_clear_error (&error);
  gtk_window_destroy (GTK_WINDOW (form));

  form = kefu_org_view_open_form (view, "move-unit", office->id);
  kefu_org_form_set_choice (form, "parent", 0);
  g_assert_true (kefu_org_form_save (form, &error));
  g_assert_no_error (error);
  after = kefu_org_get_office (t->db);
  g_assert_cmpstr (after->parent_id, ==, city);
  g_assert_true (kefu_org_view_select_unit (view, office->id));
  save_view_png (GTK_WIDGET (window), GTK_WIDGET (view), "org-first-tree", f->lang);

  gtk_window_destroy (GTK_WINDOW (window));
  kefu_test_iterate (20);
  kefu_application_set_db (f->app, f->t->db);
}

int
main (int   argc,
      char *argv[])
{
  kefu_test_ui_init (&argc, &argv, FALSE);

  g_test_add ("/ui/org/tree-and-directory", Fixture, NULL, fixture_set_up, test_tree_and_directory, fixture_tear_down);
  g_test_add ("/ui/org/admin-forms", Fixture, NULL, fixture_set_up, test_admin_forms, fixture_tear_down);
  g_test_add ("/ui/org/agents-only-look", Fixture, NULL, fixture_set_up, test_agents_only_look, fixture_tear_down);
  g_test_add ("/ui/org/first-tree", Fixture, NULL, fixture_set_up, test_first_tree, fixture_tear_down);

  return kefu_test_ui_run ();
}
