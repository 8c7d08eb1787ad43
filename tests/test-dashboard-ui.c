/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <math.h>
#include <string.h>

#include "kefu-application.h"
#include "kefu-assessment-view.h"
#include "kefu-cases-view.h"
#include "kefu-dashboard-view.h"
#include "kefu-report.h"
#include "kefu-report-dialog.h"
#include "kefu-sample.h"
#include "kefu-sample-cases.h"
#include "kefu-sla.h"
#include "kefu-test-ui.h"
#include "kefu-test-util.h"
#include "kefu-window.h"

/* The Dashboard in the real window under Xvfb: figures of the sample
 * organisation for a period and a scope, checked against the core;
 * drill-down from a figure and from a bar into the Cases view; the
 * monthly report saved as PDF; an agent does not see the view. PNGs go
 * to <builddir>/screenshots. */

typedef struct
{
  KefuTestDb        *t;
  KefuApplication   *app;
  KefuWindow        *window;
  KefuDashboardView *view;
  const char        *lang;
} Fixture;

/* --- helpers --------------------------------------------------------- */

static void
wait_for_stats (KefuDashboardView *view)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (kefu_dashboard_view_is_busy (view) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (kefu_dashboard_view_is_busy (view));
  g_assert_nonnull (kefu_dashboard_view_get_stats (view));
}

static KefuStats *
core_stats (Fixture        *f,
            const char     *unit_id,
            KefuPeriodKind  period)
{
  g_autoptr(GError) error = NULL;
  gint64 from, to, now = kefu_cases_get_now (f->t->db);
  KefuStats *stats;

  kefu_period_range (period, now, &from, &to);
  stats = kefu_stats_compute (f->t->db, kefu_calendar_get_for_db (f->t->db, NULL), unit_id, from, to, now, &error);
  g_assert_no_error (error);
  return stats;
}

static void
show_cases_cb (KefuDashboardView *view,
               const char        *title,
               GArray            *cases,
               guint             *n)
{
  *n = cases->len;
}

/* --- fixture --------------------------------------------------------- */

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->lang = kefu_test_ui_lang ();
  f->t = kefu_test_sample_db_new (300);
  g_assert_true (kefu_sample_generate_cases (f->t->db, 20250101, 3000, NULL, NULL, &error));
  g_assert_no_error (error);

  f->window = kefu_test_window_open (f->t->db, 1360, 900, &f->app);
  f->view = KEFU_DASHBOARD_VIEW (kefu_window_get_dashboard_view (f->window));
  g_assert_nonnull (f->view);
  wait_for_draw (GTK_WIDGET (f->window));
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = g_list_model_get_n_items (toplevels); i > 0; i--)
    {
      g_autoptr(GtkWindow) w = g_list_model_get_item (toplevels, i - 1);

      if (KEFU_IS_REPORT_DIALOG (w))
        gtk_window_destroy (w);
    }
  kefu_test_window_close (f->window, &f->app);
  kefu_test_db_free (f->t);
}

/* --- tests ----------------------------------------------------------- */

static void
test_figures_period_and_scope (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(KefuStats) month = NULL;
  g_autoptr(KefuStats) last = NULL;
  g_autoptr(KefuStats) city = NULL;
  g_autofree char *city_id = NULL;
  const char *keys[] = { "received", "open", "overdue", "fr_compliance", "res_median", "satisfaction", "nps", "claims" };

  kefu_window_show_view (f->window, "dashboard");
  wait_for_stats (f->view);

  /* The widest scope (everything, for the administrator), this month. */
  month = core_stats (f, NULL, KEFU_PERIOD_THIS_MONTH);
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      double shown = kefu_stats_get_figure (kefu_dashboard_view_get_stats (f->view), keys[i])->value;
      double core = kefu_stats_get_figure (month, keys[i])->value;

      g_assert_true ((isnan (shown) && isnan (core)) || shown == core);
    }
  g_assert_cmpfloat (kefu_stats_get_figure (month, "received")->value, >, 0);
  save_png (GTK_WIDGET (f->window), "dashboard", f->lang);

  /* Last month. */
  kefu_dashboard_view_set_period (f->view, KEFU_PERIOD_LAST_MONTH);
  g_assert_true (kefu_dashboard_view_is_busy (f->view));
  wait_for_stats (f->view);
  last = core_stats (f, NULL, KEFU_PERIOD_LAST_MONTH);
  g_assert_cmpfloat (kefu_stats_get_figure (kefu_dashboard_view_get_stats (f->view), "received")->value, ==,
                     kefu_stats_get_figure (last, "received")->value);
  g_assert_cmpint (kefu_dashboard_view_get_stats (f->view)->from, ==, last->from);

  /* A city (the office's) as the scope. */
  city_id = kefu_test_text (f->t->db, "SELECT parent_id FROM org_unit WHERE id = (SELECT value FROM meta WHERE key = 'office_id')");
  g_assert_nonnull (city_id);
  kefu_dashboard_view_set_scope (f->view, city_id);
  g_assert_cmpstr (kefu_dashboard_view_get_scope (f->view), ==, city_id);
  wait_for_stats (f->view);
  city = core_stats (f, city_id, KEFU_PERIOD_LAST_MONTH);
  g_assert_cmpfloat (kefu_stats_get_figure (kefu_dashboard_view_get_stats (f->view), "received")->value, ==,
                     kefu_stats_get_figure (city, "received")->value);
  g_assert_cmpfloat (kefu_stats_get_figure (city, "received")->value, <=,
                     kefu_stats_get_figure (last, "received")->value);
  kefu_chart_card_show_table (kefu_dashboard_view_get_card (f->view, "channels"), TRUE);
  save_png (GTK_WIDGET (f->window), "dashboard-city-last-month", f->lang);
  kefu_chart_card_show_table (kefu_dashboard_view_get_card (f->view, "channels"), FALSE);

  save_png (GTK_WIDGET (kefu_dashboard_view_get_card (f->view, "people")), "dashboard-people", f->lang);

  /* The charts in the dark style. */
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_DARK);
  save_png (GTK_WIDGET (f->window), "dashboard-dark", f->lang);
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_DEFAULT);

  /* A custom range, and a range given backwards. */
  {
    g_autoptr(GError) error = NULL;

    g_assert_false (kefu_dashboard_view_set_range (f->view, "2026-11-30", "2026-11-01", &error));
    g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
    g_clear_error (&error);
    g_assert_false (kefu_dashboard_view_set_range (f->view, "yesterday", "2026-11-01", &error));
    g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
  }
}

static void
test_drill_down (Fixture       *f,
                 gconstpointer  data)
{
  KefuCasesView *cases = KEFU_CASES_VIEW (kefu_window_get_cases_view (f->window));
  KefuStats *stats;
  KefuChartCard *card;
  KefuChart *chart;
  KefuStatsRow *row;
  guint emitted = 0, column = G_MAXUINT, hit_row, hit_column;
  double x, y;

  kefu_window_show_view (f->window, "dashboard");
  kefu_dashboard_view_set_period (f->view, KEFU_PERIOD_LAST_MONTH);
  wait_for_stats (f->view);
  stats = kefu_dashboard_view_get_stats (f->view);

  /* A figure: the cases received. */
  kefu_dashboard_view_activate_figure (f->view, "received");
  wait_for_draw (GTK_WIDGET (f->window));
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (ADW_VIEW_STACK (gtk_widget_get_parent (GTK_WIDGET (cases)))), ==, "cases");
  g_assert_cmpuint (kefu_cases_view_get_n_shown (cases), ==, MIN (kefu_stats_get_figure (stats, "received")->cases->len, 5000));
  save_png (GTK_WIDGET (f->window), "dashboard-drill-down", f->lang);

  /* A bar of the channel chart, clicked where it is drawn. */
  kefu_window_show_view (f->window, "dashboard");
  card = kefu_dashboard_view_get_card (f->view, "channels");
  chart = kefu_chart_card_get_chart (card);
  wait_for_draw (GTK_WIDGET (f->window));
  row = stats->channel_mix->rows->pdata[0];
  for (guint c = 0; c < stats->channel_mix->columns->len; c++)
    if (row->cases[c]->len > 0 && column == G_MAXUINT)
      column = c;
  g_assert_cmpuint (column, !=, G_MAXUINT);
  g_assert_true (kefu_chart_get_point (chart, 0, column, &x, &y));
  g_assert_true (kefu_chart_hit (chart, x, y, &hit_row, &hit_column));
  g_assert_cmpuint (hit_column, ==, column);
  g_signal_connect (f->view, "show-cases", G_CALLBACK (show_cases_cb), &emitted);
  g_signal_emit_by_name (chart, "activated", hit_row, hit_column);
  g_assert_cmpuint (emitted, ==, row->cases[column]->len);
  g_assert_cmpuint (kefu_cases_view_get_n_shown (cases), ==, row->cases[column]->len);

  /* Choosing a queue leaves the drill-down. */
  kefu_cases_view_set_queue (cases, KEFU_CASE_QUEUE_OVERDUE);
  kefu_cases_view_set_queue (cases, KEFU_CASE_QUEUE_ALL);
  g_assert_cmpuint (kefu_cases_view_get_n_shown (cases), >, row->cases[column]->len);
}

static void
finished_cb (KefuReportDialog  *dialog,
             const char        *path,
             const char        *message,
             char             **result)
{
  *result = g_strdup (message ? message : "ok");
}

static void
test_report_pdf (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *path = NULL;
  g_autofree char *result = NULL;
  g_autofree char *pdf = NULL;
  g_autofree char *month = NULL;
  g_autofree char *note = NULL;
  g_autoptr(GError) error = NULL;
  KefuReportDialog *dialog = NULL;
  GListModel *toplevels = gtk_window_get_toplevels ();
  gint64 from, to;
  gsize len;

  kefu_window_show_view (f->window, "dashboard");
  wait_for_stats (f->view);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->view), "dashboard.report", NULL));
  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) w = g_list_model_get_item (toplevels, i);

      if (KEFU_IS_REPORT_DIALOG (w))
        dialog = KEFU_REPORT_DIALOG (w);
    }
  g_assert_nonnull (dialog);

  /* The suggestions are stored, and come back for the same month. */
  kefu_period_range (KEFU_PERIOD_LAST_MONTH, kefu_cases_get_now (f->t->db), &from, &to);
  month = kefu_local_date_string (from);
  month[7] = '\0';
  kefu_report_dialog_set_note (dialog, "多安排两名员工在周末处理投诉；破损件先赔后查。");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "report.save-note", NULL));
  note = kefu_report_get_note (f->t->db, kefu_dashboard_view_get_scope (f->view), month, &error);
  g_assert_cmpstr (note, ==, "多安排两名员工在周末处理投诉；破损件先赔后查。");
  g_assert_cmpint (kefu_test_count (f->t->db, "SELECT count(*) FROM outbox WHERE entity = 'report_note'"), ==, 1);
  save_png (GTK_WIDGET (dialog), "report-dialog", f->lang);

  /* A month that is not one. */
  g_signal_connect (dialog, "finished", G_CALLBACK (finished_cb), &result);
  kefu_report_dialog_set_month (dialog, "2026-13");
  path = g_build_filename (f->t->dir, "report.pdf", NULL);
  kefu_report_dialog_save_to (dialog, path, FALSE);
  g_assert_nonnull (result);
  g_assert_cmpstr (result, !=, "ok");
  g_clear_pointer (&result, g_free);

  kefu_report_dialog_set_month (dialog, month);
  kefu_report_dialog_save_to (dialog, path, FALSE);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpstr (result, ==, "ok");
  g_assert_true (g_file_get_contents (path, &pdf, &len, NULL));
  g_assert_true (g_str_has_prefix (pdf, "%PDF"));
  g_assert_cmpuint (len, >, 10000);
  /* Kept for a reader to look at (pdftoppm). */
  {
    g_autofree char *dir = g_build_filename (BUILDDIR, "screenshots", NULL);
    g_autofree char *name = g_strdup_printf ("report-%s.pdf", f->lang);
    g_autofree char *copy = g_build_filename (dir, name, NULL);

    g_mkdir_with_parents (dir, 0755);
    g_assert_true (g_file_set_contents (copy, pdf, len, NULL));
  }
}

/* Early in the month "This month" says how few business days it has had
 * and offers last month in one click; in mid-month it says nothing. */
static void
test_early_month (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *expected = NULL;
  const char *hint;
  gint64 from, to;

  kefu_window_show_view (f->window, "dashboard");
  wait_for_stats (f->view);
  /* Wednesday 2 December 2026: Tuesday and Wednesday are business days. */
  kefu_cases_set_clock (f->t->db, kefu_local_time_ms (2026, 12, 2, 10, 0));
  kefu_dashboard_view_reload (f->view);
  wait_for_stats (f->view);
  wait_for_draw (GTK_WIDGET (f->window));
  hint = kefu_dashboard_view_get_early_hint (f->view);
  g_assert_nonnull (hint);
  expected = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Only %u business day of this month so far — compare with last month.",
                                           "Only %u business days of this month so far — compare with last month.", 2), 2);
  g_assert_cmpstr (hint, ==, expected);
  save_png (GTK_WIDGET (f->window), "dashboard-early-month", f->lang);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->view), "dashboard.last-month", NULL));
  wait_for_stats (f->view);
  kefu_period_range (KEFU_PERIOD_LAST_MONTH, kefu_cases_get_now (f->t->db), &from, &to);
  g_assert_cmpint (kefu_dashboard_view_get_stats (f->view)->from, ==, from);
  g_assert_cmpint (kefu_dashboard_view_get_stats (f->view)->to, ==, to);
  g_assert_null (kefu_dashboard_view_get_early_hint (f->view));

  /* Mid-month, This month stands on its own. */
  kefu_cases_set_clock (f->t->db, kefu_local_time_ms (2026, 12, 15, 10, 0));
  kefu_dashboard_view_set_period (f->view, KEFU_PERIOD_THIS_MONTH);
  wait_for_stats (f->view);
  g_assert_null (kefu_dashboard_view_get_early_hint (f->view));
  kefu_cases_set_clock (f->t->db, 0);
}

static void
test_agent_has_no_dashboard (Fixture       *f,
                             gconstpointer  data)
{
  g_autofree char *agent = kefu_test_text (f->t->db, "SELECT id FROM staff WHERE role = 'agent' ORDER BY username LIMIT 1");

  switch_user (GTK_WINDOW (f->window), f->t->db, agent);
  g_assert_null (kefu_window_get_dashboard_view (f->window));
}

static void
test_assessment (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  KefuAssessmentView *view = KEFU_ASSESSMENT_VIEW (kefu_window_get_assessment_view (f->window));
  g_autofree char *office = kefu_db_get_meta (f->t->db, "office_id");
  g_autofree char *sql = g_strdup_printf ("SELECT id FROM staff WHERE role = 'agent' AND org_unit_id = '%s' ORDER BY username LIMIT 1",
                                          office);
  g_autofree char *agent = kefu_test_text (f->t->db, sql);
  KefuAssessmentRound round = { 0 };
  AdwMessageDialog *dialog;
  GtkWindow *sheet;
  int scores[KEFU_N_DIMS] = { 5, 4, 4, 3 };
  gint64 from, to;

  g_assert_nonnull (view);
  g_assert_nonnull (agent);
  kefu_window_show_view (f->window, "assessment");
  g_assert_cmpuint (kefu_assessment_view_get_n_people (view), ==, 0);
  save_png (GTK_WIDGET (f->window), "assessment-empty", f->lang);

  kefu_period_range (KEFU_PERIOD_LAST_MONTH, kefu_cases_get_now (f->t->db), &from, &to);
  round.name = g_strdup ("2026-11");
  round.period_from = from - 60 * G_GINT64_CONSTANT (86400000);
  round.period_to = to;
  round.weights[KEFU_RATER_SUPERVISOR] = 40;
  round.weights[KEFU_RATER_CUSTOMER] = 30;
  round.weights[KEFU_RATER_PEER] = 20;
  round.weights[KEFU_RATER_SUBORDINATE] = 10;
  g_assert_true (kefu_assessment_round_create (f->t->db, &round, &error));
  g_assert_no_error (error);
  kefu_assessment_view_reload (view);
  g_assert_cmpstr (kefu_assessment_view_get_round (view), ==, round.id);
  g_assert_cmpuint (kefu_assessment_view_get_n_people (view), >, 0);
  save_png (GTK_WIDGET (f->window), "assessment", f->lang);

  /* The administrator rates an agent of the office as their supervisor,
   * through the dialog. */
  dialog = kefu_assessment_view_rate (view, agent, KEFU_RATER_SUPERVISOR);
  kefu_assessment_rate_dialog_fill (dialog, scores, "服务热情，业务熟练");
  save_png (GTK_WIDGET (dialog), "assessment-rate", f->lang);
  adw_message_dialog_response (dialog, "rate");
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_assert_cmpint (kefu_test_count (f->t->db, "SELECT count(*) FROM assessment WHERE rater_kind = 'supervisor' AND deleted = 0"), ==, 1);

  /* Customer ratings from the follow-up answers, then the result sheet. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "assessment.derive", NULL));
  sheet = kefu_assessment_view_show_result (view, agent);
  g_assert_nonnull (sheet);
  save_png (GTK_WIDGET (sheet), "assessment-result", f->lang);
  gtk_window_destroy (sheet);
  g_free (round.name);
  g_free (round.id);
}

/* kefu --report without a display. */
static void
test_headless_report (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *kefu = g_build_filename (BUILDDIR, "src", "app", "kefu", NULL);
  g_autofree char *pdf = g_build_filename (f->t->dir, "cli.pdf", NULL);
  g_autofree char *xlsx = g_build_filename (f->t->dir, "cli.xlsx", NULL);
  g_autofree char *code = kefu_test_text (f->t->db, "SELECT code FROM org_unit WHERE level = 'province' ORDER BY code LIMIT 1");
  g_autofree char *scope = g_strdup_printf ("--scope=%s", code);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *head = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) env = g_get_environ ();
  int status = -1;

  env = g_environ_unsetenv (env, "DISPLAY");
  env = g_environ_unsetenv (env, "WAYLAND_DISPLAY");
  {
    const char *argv[] = { kefu, "--database", f->t->path, "--report", "month=2026-11", scope, "--pdf", pdf, "--xlsx", xlsx, NULL };

    g_assert_true (g_spawn_sync (NULL, (char **) argv, env, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error));
  }
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_assert_true (g_file_get_contents (pdf, &head, NULL, NULL));
  g_assert_true (g_str_has_prefix (head, "%PDF"));
  g_assert_true (g_file_test (xlsx, G_FILE_TEST_EXISTS));

  /* A scope that does not exist: a sentence and exit status 1. */
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  {
    const char *argv[] = { kefu, "--database", f->t->path, "--report", "month=2026-11", "--scope=NOPE", "--pdf", pdf, NULL };

    g_assert_true (g_spawn_sync (NULL, (char **) argv, env, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error));
  }
  g_assert_false (g_spawn_check_wait_status (status, NULL));
  g_assert_nonnull (strstr (err, "NOPE"));
}

int
main (int    argc,
      char **argv)
{
  kefu_test_ui_init (&argc, &argv, FALSE);

  g_test_add ("/dashboard-ui/figures-period-and-scope", Fixture, NULL, fixture_set_up, test_figures_period_and_scope, fixture_tear_down);
  g_test_add ("/dashboard-ui/drill-down", Fixture, NULL, fixture_set_up, test_drill_down, fixture_tear_down);
  g_test_add ("/dashboard-ui/report-pdf", Fixture, NULL, fixture_set_up, test_report_pdf, fixture_tear_down);
  g_test_add ("/dashboard-ui/assessment", Fixture, NULL, fixture_set_up, test_assessment, fixture_tear_down);
  g_test_add ("/dashboard-ui/headless-report", Fixture, NULL, fixture_set_up, test_headless_report, fixture_tear_down);
  g_test_add ("/dashboard-ui/early-month", Fixture, NULL, fixture_set_up, test_early_month, fixture_tear_down);
  g_test_add ("/dashboard-ui/agent-has-no-dashboard", Fixture, NULL, fixture_set_up, test_agent_has_no_dashboard, fixture_tear_down);
  return kefu_test_ui_run ();
}
