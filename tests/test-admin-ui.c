/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <locale.h>
#include <string.h>

#include "kefu-application.h"
#include "kefu-cases.h"
#include "kefu-categories-admin.h"
#include "kefu-categories-dialog.h"
#include "kefu-customers-view.h"
#include "kefu-follow-ups.h"
#include "kefu-notifications-button.h"
#include "kefu-sample.h"
#include "kefu-sla-dialog.h"
#include "kefu-sla-policy-editor.h"
#include "kefu-sla.h"
#include "kefu-test-ui.h"
#include "kefu-test-util.h"
#include "kefu-window.h"

/* Administration and notifications in the real window under Xvfb: the
 * service standards and categories dialogs driven through their actions,
 * the bell after an escalation, the customer file's cases and survey
 * answers. A PNG of each in <builddir>/screenshots. */

#define CALENDARS SRCDIR "/data/calendars"
#define DAY_MS (G_GINT64_CONSTANT (86400000))

typedef struct
{
  KefuTestDb      *t;
  KefuApplication *app;
  KefuWindow      *window;
  const char      *lang;
} Fixture;

/* --- helpers --------------------------------------------------------- */



/* The open window of @type other than the main window, if any. */
static GtkWindow *
find_window (GType type)
{
  GList *toplevels = gtk_window_list_toplevels ();
  GtkWindow *found = NULL;

  for (GList *l = toplevels; l; l = l->next)
    if (G_TYPE_CHECK_INSTANCE_TYPE (l->data, type) && gtk_widget_get_visible (l->data))
      found = l->data;
  g_list_free (toplevels);
  return found;
}

static void
close_window (GtkWindow *window)
{
  gtk_window_destroy (window);
  kefu_test_iterate (20);
}

/* The first AdwPreferencesRow under @root whose title starts with
 * @prefix. */
static GtkWidget *
find_row (GtkWidget  *root,
          const char *prefix)
{
  if (ADW_IS_PREFERENCES_ROW (root) &&
      g_str_has_prefix (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (root)), prefix))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_row (child, prefix);

      if (found)
        return found;
    }
  return NULL;
}

/* Scrolls the scrolled window holding @widget so that it is at the top. */
static void
scroll_to (GtkWidget *widget)
{
  GtkWidget *scroller = gtk_widget_get_ancestor (widget, GTK_TYPE_SCROLLED_WINDOW);
  GtkWidget *child = gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (scroller));
  graphene_point_t point;

  wait_for_draw (GTK_WIDGET (gtk_widget_get_root (widget)));
  g_assert_true (gtk_widget_compute_point (widget, child, &GRAPHENE_POINT_INIT (0, 0), &point));
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller)), point.y - 60);
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

static char *
create_case (KefuDb     *db,
             const char *customer_id,
             const char *kind,
             const char *subject)
{
  g_autoptr(KefuCase) c = kefu_case_new ();
  g_autoptr(GError) error = NULL;

  c->kind = g_strdup (kind);
  c->channel = g_strdup ("phone");
  c->priority = g_strdup ("normal");
  c->customer_id = g_strdup (customer_id);
  c->subject = g_strdup (subject);
  c->description = g_strdup ("客户来电：包裹外箱破损，内件摔坏。");
  kefu_cases_create (db, c, &error);
  g_assert_no_error (error);
  return g_strdup (c->id);
}

/* --- fixture --------------------------------------------------------- */

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->lang = kefu_test_ui_lang ();
  f->t = kefu_test_sample_db_new (200);

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

/* --- tests ----------------------------------------------------------- */

static void
test_sla_dialog (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KefuSlaPolicy) before = kefu_sla_policy_find (f->t->db, "complaint", "regular", "normal", NULL);
  g_autoptr(KefuSlaPolicy) after = NULL;
  g_autoptr(GPtrArray) days = NULL;
  KefuSlaDialog *dialog;
  GtkWindow *editor;
  guint n_days;
  GDate date;

  g_assert_true (kefu_window_may (GTK_WIDGET (f->window), "sla"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.sla", NULL));
  dialog = KEFU_SLA_DIALOG (find_window (KEFU_TYPE_SLA_DIALOG));
  g_assert_nonnull (dialog);
  g_assert_cmpuint (_kefu_sla_dialog_get_n_policies (dialog), ==, 19);

  /* Complaints, any segment and priority: 1.5 working hours to the
   * first response, 2 business days to the resolution. */
  g_assert_cmpstr (before->case_kind, ==, "complaint");
  g_assert_cmpstr (before->segment, ==, "*");
  editor = _kefu_sla_dialog_edit_policy (dialog, before->id);
  gtk_window_present (editor);
  wait_for_draw (GTK_WIDGET (editor));
  _kefu_sla_policy_editor_set_times (KEFU_SLA_POLICY_EDITOR (editor), 1.5, KEFU_SLA_UNIT_HOURS, 2, KEFU_SLA_UNIT_DAYS);
  save_png (GTK_WIDGET (editor), "sla-policy", f->lang);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (editor), "editor.save", NULL));
  kefu_test_iterate (20);
  g_assert_null (find_window (KEFU_TYPE_SLA_POLICY_EDITOR));

  after = kefu_sla_policy_find (f->t->db, "complaint", "regular", "normal", NULL);
  g_assert_cmpstr (after->id, ==, before->id);
  g_assert_cmpint (after->first_response_minutes, ==, 90);
  g_assert_cmpint (after->resolution_minutes, ==, 2 * KEFU_BUSINESS_DAY_MINUTES);
  g_assert_cmpint (after->version, ==, before->version + 1);
  g_assert_cmpint (kefu_test_count (f->t->db, "SELECT count(*) FROM outbox WHERE entity = 'sla_policy'"), ==, 1);
  g_assert_cmpuint (_kefu_sla_dialog_get_n_policies (dialog), ==, 19);
  save_png (GTK_WIDGET (dialog), "sla", f->lang);

  /* Bad times stay in the editor with a sentence and write nothing. */
  editor = _kefu_sla_dialog_edit_policy (dialog, before->id);
  _kefu_sla_policy_editor_set_times (KEFU_SLA_POLICY_EDITOR (editor), 3, KEFU_SLA_UNIT_DAYS, 1, KEFU_SLA_UNIT_HOURS);
  g_assert_false (kefu_sla_policy_editor_save (KEFU_SLA_POLICY_EDITOR (editor), &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
  g_clear_error (&error);
  close_window (editor);
  g_assert_cmpint (kefu_test_count (f->t->db, "SELECT count(*) FROM outbox WHERE entity = 'sla_policy'"), ==, 1);

  /* The calendar: a local day off at the end of 2026. */
  _kefu_sla_dialog_show_page (dialog, "calendar");
  _kefu_sla_dialog_show_year (dialog, 2026);
  n_days = _kefu_sla_dialog_get_n_days (dialog);
  g_assert_cmpuint (n_days, >, 20);
  _kefu_sla_dialog_set_new_day (dialog, "2026/12/31", FALSE, "网点盘点");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "sla.add-day", NULL));
  g_assert_cmpuint (_kefu_sla_dialog_get_n_days (dialog), ==, n_days + 1);
  days = kefu_calendar_list_days (f->t->db, 2026, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (((KefuCalendarDay *) days->pdata[days->len - 1])->day, ==, "2026-12-31");
  g_assert_cmpstr (((KefuCalendarDay *) days->pdata[days->len - 1])->kind, ==, "holiday");
  g_assert_cmpstr (((KefuCalendarDay *) days->pdata[days->len - 1])->name, ==, "网点盘点");
  g_date_set_dmy (&date, 31, G_DATE_DECEMBER, 2026);
  g_assert_false (kefu_calendar_is_workday (kefu_calendar_get_for_db (f->t->db, NULL), &date));

  /* A date that does not exist is refused and nothing is written. */
  _kefu_sla_dialog_set_new_day (dialog, "2026-02-30", FALSE, "x");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "sla.add-day", NULL));
  g_assert_cmpuint (_kefu_sla_dialog_get_n_days (dialog), ==, n_days + 1);
  g_assert_cmpint (kefu_test_count (f->t->db, "SELECT count(*) FROM outbox WHERE entity = 'calendar_day'"), ==, 1);
  _kefu_sla_dialog_set_new_day (dialog, "", FALSE, "");
  save_png (GTK_WIDGET (dialog), "sla-calendar", f->lang);

  close_window (GTK_WINDOW (dialog));
}

static void
test_categories_dialog (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GPtrArray) list = NULL;
  KefuCategoriesDialog *dialog;
  GtkWidget *row;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.categories", NULL));
  dialog = KEFU_CATEGORIES_DIALOG (find_window (KEFU_TYPE_CATEGORIES_DIALOG));
  g_assert_nonnull (dialog);
  g_assert_cmpuint (_kefu_categories_dialog_get_n_rows (dialog), ==, 7);

  _kefu_categories_dialog_add (dialog, "地址错误");
  g_assert_cmpuint (_kefu_categories_dialog_get_n_rows (dialog), ==, 8);

  /* Rename the first through its row, as typing and Enter do. */
  row = _kefu_categories_dialog_get_row (dialog, 0);
  g_assert_true (ADW_IS_ENTRY_ROW (row));
  gtk_editable_set_text (GTK_EDITABLE (row), "快件延误");
  g_signal_emit_by_name (row, "apply");

  list = kefu_categories_list_entries (f->t->db, "case", NULL);
  g_assert_cmpuint (list->len, ==, 8);
  g_assert_cmpstr (((KefuCategoryEntry *) list->pdata[0])->name, ==, "快件延误");
  g_assert_cmpstr (((KefuCategoryEntry *) list->pdata[0])->code, ==, "delay");
  g_assert_cmpstr (((KefuCategoryEntry *) list->pdata[7])->name, ==, "地址错误");
  g_assert_cmpint (kefu_test_count (f->t->db, "SELECT count(*) FROM outbox WHERE entity = 'category'"), ==, 2);

  /* A duplicate name is refused. */
  _kefu_categories_dialog_add (dialog, "地址错误");
  g_assert_cmpuint (_kefu_categories_dialog_get_n_rows (dialog), ==, 8);

  save_png (GTK_WIDGET (dialog), "categories", f->lang);
  close_window (GTK_WINDOW (dialog));
}

static void
test_not_for_agents (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KefuStaff) agent = g_new0 (KefuStaff, 1);
  g_autoptr(KefuOrgUnit) office = kefu_org_get_office (f->t->db);

  agent->org_unit_id = g_strdup (office->id);
  agent->username = g_strdup ("agent-test");
  agent->name = g_strdup ("测试客服");
  agent->role = g_strdup ("agent");
  agent->active = TRUE;
  g_assert_true (kefu_org_create_staff (f->t->db, agent, &error));
  g_assert_no_error (error);
  g_assert_true (kefu_org_set_current_user (f->t->db, agent->id, &error));
  g_assert_no_error (error);
  kefu_db_set_actor (f->t->db, agent->id);

  gtk_window_destroy (GTK_WINDOW (f->window));
  kefu_test_iterate (20);
  f->window = kefu_window_new (f->app);
  gtk_window_present (GTK_WINDOW (f->window));
  wait_for_draw (GTK_WIDGET (f->window));

  g_assert_cmpstr (kefu_window_get_role (f->window), ==, "agent");
  g_assert_false (kefu_window_may (GTK_WIDGET (f->window), "sla"));
  g_assert_false (kefu_window_may (GTK_WIDGET (f->window), "categories"));
  /* The menu items are disabled: activating does nothing. */
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.sla", NULL);
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.categories", NULL);
  kefu_test_iterate (10);
  g_assert_null (find_window (KEFU_TYPE_SLA_DIALOG));
  g_assert_null (find_window (KEFU_TYPE_CATEGORIES_DIALOG));
}

static void
test_notifications (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *customer_id = first_customer_id (f->t->db);
  g_autofree char *case_id = create_case (f->t->db, customer_id, "complaint", "快递延误三天 Parcel three days late");
  KefuNotificationsButton *bell = KEFU_NOTIFICATIONS_BUTTON (kefu_window_get_notifications_button (f->window));
  GtkWidget *popover;
  guint n;

  /* Nothing is due yet. */
  kefu_window_check_sla (f->window);
  g_assert_cmpuint (kefu_notifications_button_get_n_unread (bell), ==, 0);

  /* A month later the case is long overdue: escalated, and the owner (the
   * signed-in administrator, who took it) is told. */
  kefu_cases_set_clock (f->t->db, g_get_real_time () / 1000 + 30 * DAY_MS);
  kefu_window_check_sla (f->window);
  n = kefu_notifications_button_get_n_unread (bell);
  g_assert_cmpuint (n, >=, 1);
  g_assert_cmpint (kefu_test_count (f->t->db, "SELECT escalated FROM kcase"), ==, 1);
  save_view_png (GTK_WIDGET (f->window), kefu_window_get_cases_view (f->window), "notifications-window", f->lang);

  kefu_notifications_button_popup (bell);
  kefu_test_iterate (20);
  g_assert_cmpuint (_kefu_notifications_button_get_n_rows (bell), ==, n);
  popover = GTK_WIDGET (gtk_menu_button_get_popover (GTK_MENU_BUTTON (gtk_widget_get_first_child (GTK_WIDGET (bell)))));
  save_png (popover, "notifications", f->lang);

  /* Opening one marks it read. */
  _kefu_notifications_button_activate_row (bell, 0);
  kefu_test_iterate (10);
  g_assert_cmpuint (kefu_notifications_button_get_n_unread (bell), ==, n - 1);

  /* Checking again escalates nothing twice. */
  kefu_window_check_sla (f->window);
  g_assert_cmpuint (kefu_notifications_button_get_n_unread (bell), ==, n - 1);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (bell), "notifications.mark-all-read", NULL));
  g_assert_cmpuint (kefu_notifications_button_get_n_unread (bell), ==, 0);
  kefu_cases_set_clock (f->t->db, 0);
}

static void
test_customer_cases (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *customer_id = first_customer_id (f->t->db);
  g_autofree char *closed_id = create_case (f->t->db, customer_id, "complaint", "包裹破损投诉 Damaged parcel");
  g_autofree char *open_id = NULL;
  g_autoptr(GPtrArray) follow_ups = NULL;
  KefuCustomersView *view = KEFU_CUSTOMERS_VIEW (kefu_window_get_customers_view (f->window));
  GtkWidget *cases_row;
  GtkWidget *answer_row;

  /* One case closed with a follow-up call, one still open. */
  g_assert_true (kefu_cases_take (f->t->db, closed_id, &error));
  g_assert_true (kefu_cases_resolve (f->t->db, closed_id, "已按规定赔付，并向客户致歉。", &error));
  g_assert_true (kefu_cases_close (f->t->db, closed_id, 0, &error));
  g_assert_no_error (error);
  follow_ups = kefu_follow_ups_list_for_case (f->t->db, closed_id, &error);
  g_assert_cmpuint (follow_ups->len, ==, 1);
  g_assert_true (kefu_follow_ups_record (f->t->db, ((KefuFollowUp *) follow_ups->pdata[0])->id,
                                         4, 9, "处理很快，态度很好。", &error));
  g_assert_no_error (error);
  open_id = create_case (f->t->db, customer_id, "inquiry", "询问春节期间派送安排");

  kefu_window_show_view (f->window, "customers");
  kefu_customers_view_show_customer (view, customer_id);
  wait_for_draw (GTK_WIDGET (f->window));

  cases_row = find_row (GTK_WIDGET (view), "询问春节期间派送安排");
  g_assert_nonnull (cases_row);
  g_assert_nonnull (find_row (GTK_WIDGET (view), "包裹破损投诉"));
  answer_row = find_row (GTK_WIDGET (view), "★★★★☆");
  g_assert_nonnull (answer_row);
  g_assert_nonnull (strstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (answer_row)), "4/5"));
  g_assert_nonnull (strstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (answer_row)), "9/10"));
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (answer_row)), "处理很快"));

  /* The newest case first. */
  g_assert_true (gtk_widget_get_prev_sibling (cases_row) == NULL ||
                 !ADW_IS_ACTION_ROW (gtk_widget_get_prev_sibling (cases_row)));

  scroll_to (gtk_widget_get_ancestor (cases_row, ADW_TYPE_PREFERENCES_GROUP));
  save_view_png (GTK_WIDGET (f->window), GTK_WIDGET (view), "customer-cases", f->lang);

  /* Opening a case goes through the window. */
  g_assert_true (gtk_list_box_row_get_activatable (GTK_LIST_BOX_ROW (cases_row)));
  g_signal_emit_by_name (cases_row, "activated");
  kefu_test_iterate (10);
}

static void
test_preferences (Fixture       *f,
                  gconstpointer  data)
{
  GSettings *settings = kefu_application_get_settings (f->app);
  GtkWindow *prefs;

  g_settings_set_int (settings, "follow-up-days", 5);
  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (f->app), "preferences"));
  g_action_group_activate_action (G_ACTION_GROUP (f->app), "preferences", NULL);
  prefs = find_window (ADW_TYPE_PREFERENCES_WINDOW);
  g_assert_nonnull (prefs);
  save_png (GTK_WIDGET (prefs), "preferences", f->lang);
  close_window (prefs);
  g_settings_reset (settings, "follow-up-days");
}

int
main (int   argc,
      char *argv[])
{
  kefu_test_ui_init (&argc, &argv, TRUE);
  kefu_calendar_set_data_dir (CALENDARS);

#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("/ui/admin/service-standards", test_sla_dialog);
  ADD ("/ui/admin/categories", test_categories_dialog);
  ADD ("/ui/admin/not-for-agents", test_not_for_agents);
  ADD ("/ui/notifications/escalation-reaches-the-bell", test_notifications);
  ADD ("/ui/customers/cases-and-satisfaction", test_customer_cases);
  ADD ("/ui/preferences/cases", test_preferences);
#undef ADD

  return kefu_test_ui_run ();
}
