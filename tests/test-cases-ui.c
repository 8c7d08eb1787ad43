/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <locale.h>
#include <string.h>

#include "kefu-application.h"
#include "kefu-case-common.h"
#include "kefu-case-page.h"
#include "kefu-cases-view.h"
#include "kefu-claims.h"
#include "kefu-follow-ups.h"
#include "kefu-sample.h"
#include "kefu-sample-cases.h"
#include "kefu-sla.h"
#include "kefu-test-ui.h"
#include "kefu-test-util.h"
#include "kefu-tracking.h"
#include "kefu-window.h"

/* The Cases view in the real window under Xvfb: queues against the
 * core's counts, search with a Chinese two-character term, a case taken,
 * resolved and closed through the page's actions and dialogs, and a claim
 * above an agent's authorization limit approved by the supervisor. PNGs
 * go to <builddir>/screenshots. */

typedef struct
{
  KefuTestDb      *t;
  KefuApplication *app;
  KefuWindow      *window;
  KefuCasesView   *view;
  const char      *lang;
} Fixture;

/* --- helpers --------------------------------------------------------- */



static char *
query_text (KefuDb     *db,
            const char *sql,
            const char *arg)
{
  sqlite3_stmt *stmt = kefu_db_prepare (db, sql, NULL);
  char *value = NULL;

  g_assert_nonnull (stmt);
  if (arg)
    sqlite3_bind_text (stmt, 1, arg, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = kefu_stmt_dup (stmt, 0);
  sqlite3_reset (stmt);
  return value;
}

/* Signs @staff_id in the way the Switch User dialog does: the window
 * follows its "switched" signal. */
static void
sign_in (Fixture    *f,
         const char *staff_id)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  g_autoptr(GError) error = NULL;
  GtkWindow *dialog = NULL;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.switch-user", NULL));
  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (gtk_window_get_transient_for (window) == GTK_WINDOW (f->window) &&
          g_signal_lookup ("switched", G_OBJECT_TYPE (window)) != 0)
        dialog = window;
    }
  g_assert_nonnull (dialog);
  g_assert_true (kefu_org_set_current_user (f->t->db, staff_id, &error));
  g_assert_no_error (error);
  g_signal_emit_by_name (dialog, "switched");
  gtk_window_destroy (dialog);
  g_assert_cmpstr (kefu_db_get_actor (f->t->db), ==, staff_id);
}

static AdwMessageDialog *
find_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return ADW_MESSAGE_DIALOG (window);
    }
  return NULL;
}

static GtkWidget *
find_descendant (GtkWidget *widget,
                 GType      type,
                 guint      skip)
{
  guint seen = 0;
  g_autoptr(GQueue) queue = g_queue_new ();

  g_queue_push_tail (queue, widget);
  while (!g_queue_is_empty (queue))
    {
      GtkWidget *w = g_queue_pop_head (queue);

      if (G_TYPE_CHECK_INSTANCE_TYPE (w, type) && seen++ == skip)
        return w;
      for (GtkWidget *c = gtk_widget_get_first_child (w); c; c = gtk_widget_get_next_sibling (c))
        g_queue_push_tail (queue, c);
    }
  return NULL;
}

/* Scrolls the case page so that the group titled @title is at the top. */
static void
scroll_to_group (GtkWidget  *page,
                 const char *title)
{
  GtkWidget *scroller = find_descendant (page, GTK_TYPE_SCROLLED_WINDOW, 0);
  GtkWidget *content = gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (scroller));
  GtkWidget *group;

  wait_for_draw (page);
  for (guint i = 0; (group = find_descendant (page, ADW_TYPE_PREFERENCES_GROUP, i)); i++)
    if (g_strcmp0 (adw_preferences_group_get_title (ADW_PREFERENCES_GROUP (group)), title) == 0)
      {
        graphene_point_t at;

        g_assert_true (gtk_widget_compute_point (group, content, &GRAPHENE_POINT_INIT (0, 0), &at));
        gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller)), at.y - 12);
        return;
      }
  g_error ("No group “%s”", title);
}

/* Whether the page offers @action: its button is sensitive. */
static gboolean
action_offered (GtkWidget  *page,
                const char *action)
{
  GtkWidget *button;

  for (guint i = 0; (button = find_descendant (page, GTK_TYPE_BUTTON, i)); i++)
    if (g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (button)), action) == 0)
      return gtk_widget_get_sensitive (button);
  g_error ("No button for %s", action);
  return FALSE;
}

static GtkEditable *
find_entry_row (GtkWidget  *widget,
                const char *title)
{
  GtkWidget *row;

  for (guint i = 0; (row = find_descendant (widget, ADW_TYPE_ENTRY_ROW, i)); i++)
    if (g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), title) == 0)
      return GTK_EDITABLE (row);
  return NULL;
}

/* Fills the text field of the open dialog and answers it. */
static void
answer_dialog (const char *text)
{
  AdwMessageDialog *dialog;
  GtkWidget *view;

  kefu_test_iterate (10);
  dialog = find_dialog ();
  g_assert_nonnull (dialog);
  view = find_descendant (GTK_WIDGET (dialog), GTK_TYPE_TEXT_VIEW, 0);
  g_assert_nonnull (view);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)), text, -1);
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, "ok"));
  adw_message_dialog_response (dialog, "ok");
  if (find_dialog () == dialog)
    gtk_window_destroy (GTK_WINDOW (dialog));
}

static KefuCase *
reread (Fixture    *f,
        const char *id)
{
  g_autoptr(GError) error = NULL;
  KefuCase *c = kefu_cases_get (f->t->db, id, &error);

  g_assert_no_error (error);
  return c;
}

static void
activate (GtkWidget  *page,
          const char *action)
{
  g_assert_true (gtk_widget_activate_action (page, action, NULL));
}

/* --- fixture --------------------------------------------------------- */

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->lang = kefu_test_ui_lang ();
  f->t = kefu_test_sample_db_new (300);
  g_assert_true (kefu_sample_generate_cases (f->t->db, 20250101, 600, NULL, NULL, &error));
  g_assert_no_error (error);

  f->window = kefu_test_window_open (f->t->db, 1360, 860, &f->app);
  f->view = KEFU_CASES_VIEW (kefu_window_get_cases_view (f->window));
  g_assert_nonnull (f->view);
  wait_for_draw (GTK_WIDGET (f->window));
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  AdwMessageDialog *dialog;

  while ((dialog = find_dialog ()))
    gtk_window_destroy (GTK_WINDOW (dialog));
  kefu_test_window_close (f->window, &f->app);
  kefu_test_db_free (f->t);
}

/* --- tests ----------------------------------------------------------- */

static void
test_queues_and_search (Fixture       *f,
                        gconstpointer  data)
{
  static const KefuCaseQueue all_queues[] = {
    KEFU_CASE_QUEUE_MINE, KEFU_CASE_QUEUE_BRANCH, KEFU_CASE_QUEUE_UNASSIGNED, KEFU_CASE_QUEUE_OVERDUE,
    KEFU_CASE_QUEUE_DUE_TODAY, KEFU_CASE_QUEUE_AWAITING_APPROVAL, KEFU_CASE_QUEUE_FOLLOW_UPS_DUE,
    KEFU_CASE_QUEUE_ALL,
  };
  g_autoptr(GArray) rows = g_array_new (FALSE, TRUE, sizeof (KefuCaseSummary));
  g_autoptr(GError) error = NULL;
  KefuCaseQuery q = { 0 };
  guint n_subject, n_found;
  g_autofree char *n_text = NULL;

  /* The window opens on the Cases view, on the signed-in user's own work. */
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (ADW_VIEW_STACK (gtk_widget_get_parent (GTK_WIDGET (f->view)))),
                   ==, "cases");
  g_assert_cmpuint (kefu_cases_view_get_n_shown (f->view), >, 0);
  g_assert_cmpuint (kefu_cases_view_get_n_shown (f->view), ==,
                    kefu_cases_view_get_queue_count (f->view, KEFU_CASE_QUEUE_MINE));
  /* The sample office holds its own branch's cases: the branch queue
   * holds everything overdue, and every number carries the office code. */
  g_assert_cmpuint (kefu_cases_view_get_queue_count (f->view, KEFU_CASE_QUEUE_BRANCH), >=,
                    kefu_cases_view_get_queue_count (f->view, KEFU_CASE_QUEUE_OVERDUE));
  g_assert_cmpint (kefu_test_count (f->t->db, "SELECT count(*) FROM kcase k JOIN org_unit o ON o.id = k.branch_id"
                                              " WHERE k.number NOT LIKE o.code || '%'"
                                              " OR k.branch_id <> (SELECT value FROM meta WHERE key = 'office_id')"), ==, 0);
  /* Nothing is overdue by more than a month of business days. */
  g_assert_cmpint (kefu_test_count (f->t->db, "SELECT count(*) FROM kcase WHERE status NOT IN ('resolved','closed')"
                                              " AND created_at < (SELECT max(created_at) FROM kcase) - 45 * 86400000"), ==, 0);

  for (guint i = 0; i < G_N_ELEMENTS (all_queues); i++)
    {
      guint n = 0;

      q.queue = all_queues[i];
      g_assert_true (kefu_cases_count (f->t->db, &q, &n, &error));
      g_assert_no_error (error);
      kefu_cases_view_set_queue (f->view, all_queues[i]);
      g_assert_cmpuint (kefu_cases_view_get_n_shown (f->view), ==, n);
      g_assert_cmpuint (kefu_cases_view_get_queue_count (f->view, all_queues[i]), ==, n);
    }
  g_assert_cmpuint (kefu_cases_view_get_n_shown (f->view), ==, 600);

  /* 破损 (damaged): every case with it in the subject is found. */
  n_text = query_text (f->t->db, "SELECT count(*) FROM kcase WHERE deleted = 0 AND subject LIKE '%破损%'", NULL);
  n_subject = (guint) g_ascii_strtoull (n_text, NULL, 10);
  g_assert_cmpuint (n_subject, >, 0);
  kefu_cases_view_set_search (f->view, "破损");
  n_found = kefu_cases_view_get_n_shown (f->view);
  g_assert_cmpuint (n_found, >=, n_subject);
  q.queue = KEFU_CASE_QUEUE_ALL;
  q.text = (char *) "破损";
  g_assert_true (kefu_cases_page (f->t->db, &q, 0, 5, rows, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, >, 0);
  for (guint i = 0; i < rows->len; i++)
    {
      KefuCaseSummary *s = &g_array_index (rows, KefuCaseSummary, i);
      g_autoptr(KefuCase) c = reread (f, s->id);

      g_assert_true (strstr (c->subject, "破损") || (c->description && strstr (c->description, "破损")));
      kefu_case_summary_clear (s);
    }
  g_array_set_size (rows, 0);
  kefu_cases_view_set_search (f->view, "不存在的词语");
  g_assert_cmpuint (kefu_cases_view_get_n_shown (f->view), ==, 0);

  /* The queue screenshot: overdue cases, the first one open. */
  kefu_cases_view_set_search (f->view, "");
  kefu_cases_view_set_queue (f->view, KEFU_CASE_QUEUE_OVERDUE);
  q.queue = KEFU_CASE_QUEUE_OVERDUE;
  q.text = NULL;
  g_assert_true (kefu_cases_page (f->t->db, &q, 0, 1, rows, &error));
  if (rows->len > 0)
    kefu_cases_view_show_case (f->view, g_array_index (rows, KefuCaseSummary, 0).id);
  for (guint i = 0; i < rows->len; i++)
    kefu_case_summary_clear (&g_array_index (rows, KefuCaseSummary, i));
  save_view_png (GTK_WIDGET (f->window), GTK_WIDGET (f->view), "cases-queue", f->lang);
}

static void
test_take_resolve_close (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(KefuCase) c = kefu_case_new ();
  g_autoptr(KefuCase) after = NULL;
  g_autoptr(GPtrArray) follow_ups = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *customer = query_text (f->t->db, "SELECT id FROM customer WHERE deleted = 0 ORDER BY rowid LIMIT 1", NULL);
  const char *me = kefu_db_get_actor (f->t->db);
  GtkWidget *page = kefu_cases_view_get_case_page (f->view);
  KefuFollowUp *fu;
  AdwMessageDialog *dialog;

  c->kind = g_strdup ("complaint");
  c->channel = g_strdup ("phone");
  c->priority = g_strdup ("high");
  c->customer_id = g_strdup (customer);
  c->subject = g_strdup ("包裹外箱破损，内件受潮");
  c->description = g_strdup ("客户来电：快递到达时外箱破损，内件受潮，要求说明情况。");
  g_assert_true (kefu_cases_create (f->t->db, c, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (c->status, ==, "new");

  kefu_cases_view_set_queue (f->view, KEFU_CASE_QUEUE_UNASSIGNED);
  kefu_cases_view_show_case (f->view, c->id);
  g_assert_cmpstr (kefu_case_page_get_id (KEFU_CASE_PAGE (page)), ==, c->id);

  /* Resolving and closing are not offered for a new case. */
  g_assert_true (action_offered (page, "case.take"));
  g_assert_false (action_offered (page, "case.close"));
  g_assert_false (action_offered (page, "case.resolve"));

  activate (page, "case.take");
  after = reread (f, c->id);
  g_assert_cmpstr (after->status, ==, "in_progress");
  g_assert_cmpstr (after->assignee_id, ==, me);
  g_assert_cmpstr (after->owner_id, ==, me);
  g_clear_pointer (&after, kefu_case_free);

  /* A contact through the dialog; the first call is the first response. */
  activate (page, "case.log-contact");
  answer_dialog ("已致电客户，说明破损原因并道歉。");
  after = reread (f, c->id);
  g_assert_cmpint (after->first_response_at, >, 0);
  g_clear_pointer (&after, kefu_case_free);

  /* The resolution dialog refuses an empty text. */
  activate (page, "case.resolve");
  kefu_test_iterate (10);
  dialog = find_dialog ();
  g_assert_nonnull (dialog);
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "ok"));
  answer_dialog ("已为客户重新包装并补发，客户同意。");
  after = reread (f, c->id);
  g_assert_cmpstr (after->status, ==, "resolved");
  g_assert_cmpstr (after->resolution, ==, "已为客户重新包装并补发，客户同意。");
  g_clear_pointer (&after, kefu_case_free);

  activate (page, "case.close");
  after = reread (f, c->id);
  g_assert_cmpstr (after->status, ==, "closed");

  /* Closing planned the follow-up call, due after follow-up-days (3). */
  follow_ups = kefu_follow_ups_list_for_case (f->t->db, c->id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (follow_ups->len, ==, 1);
  fu = g_ptr_array_index (follow_ups, 0);
  g_assert_cmpstr (fu->status, ==, "open");
  g_assert_cmpint (fu->due_at - after->closed_at, ==, G_GINT64_CONSTANT (3) * 86400000);
  save_view_png (GTK_WIDGET (f->window), page, "case", f->lang);

  /* The result of the call: very satisfied, 9 out of 10. */
  g_assert_false (action_offered (page, "case.close"));
  g_assert_true (action_offered (page, "case.reopen"));
  g_assert_true (gtk_widget_activate_action (page, "case.record-follow-up", "s", fu->id));
  kefu_test_iterate (10);
  dialog = find_dialog ();
  g_assert_nonnull (dialog);
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "ok"));
  gtk_drop_down_set_selected (GTK_DROP_DOWN (find_descendant (GTK_WIDGET (dialog), GTK_TYPE_DROP_DOWN, 0)), 5);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (find_descendant (GTK_WIDGET (dialog), GTK_TYPE_DROP_DOWN, 1)), 10);
  answer_dialog ("处理很及时");
  g_clear_pointer (&follow_ups, g_ptr_array_unref);
  follow_ups = kefu_follow_ups_list_for_case (f->t->db, c->id, &error);
  g_assert_cmpstr (((KefuFollowUp *) g_ptr_array_index (follow_ups, 0))->status, ==, "done");

  /* Reopening needs a reason and brings the case back to work. */
  activate (page, "case.reopen");
  answer_dialog ("客户再次来电，补发件也有破损。");
  g_clear_pointer (&after, kefu_case_free);
  after = reread (f, c->id);
  g_assert_cmpstr (after->status, ==, "in_progress");
}

static void
test_claim_approval (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *office = kefu_db_get_meta (f->t->db, "office_id");
  g_autofree char *agent = query_text (f->t->db,
                                       "SELECT id FROM staff WHERE deleted = 0 AND active = 1 AND role = 'agent'"
                                       " AND auth_limit_cents = 50000 AND org_unit_id = ?1 LIMIT 1", office);
  g_autofree char *supervisor = query_text (f->t->db,
                                            "SELECT id FROM staff WHERE deleted = 0 AND active = 1 AND role = 'supervisor'"
                                            " AND auth_limit_cents >= 120000 AND org_unit_id = ?1 LIMIT 1", office);
  g_autofree char *customer = query_text (f->t->db, "SELECT id FROM customer WHERE deleted = 0 ORDER BY rowid DESC LIMIT 1", NULL);
  g_autoptr(KefuCase) c = kefu_case_new ();
  g_autoptr(KefuCase) after = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *page = kefu_cases_view_get_case_page (f->view);
  AdwComboRow *decision;
  char tracking[16];
  gboolean approval_event = FALSE;
  guint pending_before;

  g_assert_nonnull (agent);
  g_assert_nonnull (supervisor);
  g_snprintf (tracking, sizeof tracking, "EE12345678%cCN", kefu_tracking_s10_check_digit ("12345678"));
  g_assert_true (kefu_tracking_is_s10 (tracking));

  /* An agent with a limit of ¥500 takes a ¥1,200 claim. */
  sign_in (f, agent);
  c->kind = g_strdup ("claim");
  c->channel = g_strdup ("counter");
  c->customer_id = g_strdup (customer);
  c->tracking_number = g_strdup (tracking);
  c->subject = g_strdup ("破损索赔：电饭煲内胆变形");
  c->description = g_strdup ("收件时发现外箱破损，电饭煲内胆变形，客户提供照片，申请赔偿。");
  c->claim_amount_cents = 120000;
  c->declared_value_cents = 150000;
  c->insured = TRUE;
  g_assert_true (kefu_cases_create (f->t->db, c, &error));
  g_assert_no_error (error);

  kefu_cases_view_set_queue (f->view, KEFU_CASE_QUEUE_MINE);
  kefu_cases_view_show_case (f->view, c->id);
  activate (page, "case.take");
  pending_before = kefu_cases_view_get_queue_count (f->view, KEFU_CASE_QUEUE_AWAITING_APPROVAL);

  /* Resolving waits for a decision. */
  g_assert_false (action_offered (page, "case.resolve"));

  /* Accept in full through the decision form: above the limit. */
  decision = ADW_COMBO_ROW (find_descendant (page, ADW_TYPE_COMBO_ROW, 0));
  g_assert_nonnull (decision);
  adw_combo_row_set_selected (decision, 0);
  activate (page, "case.decide");
  after = reread (f, c->id);
  g_assert_cmpstr (after->decision, ==, "accept");
  g_assert_cmpint (after->approved_amount_cents, ==, 120000);
  g_assert_cmpstr (after->approval_status, ==, "pending");
  g_assert_cmpuint (kefu_cases_view_get_queue_count (f->view, KEFU_CASE_QUEUE_AWAITING_APPROVAL), ==, pending_before + 1);
  /* The agent cannot approve their own decision. */
  {
    GtkWidget *button;

    for (guint i = 0; (button = find_descendant (page, GTK_TYPE_BUTTON, i)); i++)
      g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (button)), !=, "case.approve");
  }
  g_clear_pointer (&after, kefu_case_free);

  /* The supervisor (limit ¥5,000) finds it waiting and approves it. */
  sign_in (f, supervisor);
  kefu_cases_view_set_queue (f->view, KEFU_CASE_QUEUE_AWAITING_APPROVAL);
  kefu_cases_view_show_case (f->view, c->id);
  scroll_to_group (page, _("Compensation Claim"));
  save_view_png (GTK_WIDGET (f->window), page, "case-claim", f->lang);
  g_assert_true (action_offered (page, "case.approve"));
  activate (page, "case.approve");
  after = reread (f, c->id);
  g_assert_cmpstr (after->approval_status, ==, "approved");
  g_assert_cmpstr (after->approver_id, ==, supervisor);
  g_assert_cmpuint (kefu_cases_view_get_queue_count (f->view, KEFU_CASE_QUEUE_AWAITING_APPROVAL), ==, pending_before);

  events = kefu_cases_timeline (f->t->db, c->id, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < events->len; i++)
    {
      KefuCaseEvent *e = g_ptr_array_index (events, i);

      if (g_strcmp0 (e->kind, "approval") == 0 && g_strcmp0 (e->new_value, "approved") == 0)
        approval_event = TRUE;
    }
  g_assert_true (approval_event);

  /* The payment, with the transfer's reference. */
  gtk_editable_set_text (find_entry_row (page, _("Transfer or voucher number")), "ZZ20261128001");
  activate (page, "case.record-payment");
  g_clear_pointer (&after, kefu_case_free);
  after = reread (f, c->id);
  g_assert_nonnull (after->payment_date);
}

/* Time left is counted in business time: a weekend does not count. */
static void
test_time_left (void)
{
  g_autoptr(KefuTestDb) t = kefu_test_db_new (TRUE);
  gboolean english = g_strcmp0 (g_getenv ("KEFU_TEST_LANG"), "zh_CN") != 0;
  /* Monday 30 November 2026, 09:00 in Shanghai. */
  gint64 monday = kefu_local_time_ms (2026, 11, 30, 9, 0);
  KefuTimeLeft state;
  g_autofree char *left = NULL;
  g_autofree char *overdue = NULL;
  g_autofree char *paused = NULL;
  g_autofree char *none = NULL;

  left = _kefu_case_time_left (t->db, kefu_local_time_ms (2026, 11, 30, 11, 15), FALSE, FALSE, monday, &state);
  g_assert_cmpint (state, ==, KEFU_TIME_LEFT_OK);
  if (english)
    g_assert_cmpstr (left, ==, "2 h 15 min left");
  g_clear_pointer (&left, g_free);

  left = _kefu_case_time_left (t->db, kefu_local_time_ms (2026, 12, 1, 11, 15), FALSE, TRUE, monday, &state);
  g_assert_cmpint (state, ==, KEFU_TIME_LEFT_WARNING);
  if (english)
    g_assert_cmpstr (left, ==, "1 business day 2 h left");

  /* Due Friday 10:00, now Monday 10:00: one working day late. */
  overdue = _kefu_case_time_left (t->db, kefu_local_time_ms (2026, 11, 27, 10, 0), FALSE, FALSE,
                                  kefu_local_time_ms (2026, 11, 30, 10, 0), &state);
  g_assert_cmpint (state, ==, KEFU_TIME_LEFT_OVERDUE);
  if (english)
    g_assert_cmpstr (overdue, ==, "Overdue by 1 business day");

  paused = _kefu_case_time_left (t->db, kefu_local_time_ms (2026, 11, 27, 10, 0), TRUE, FALSE, monday, &state);
  g_assert_cmpint (state, ==, KEFU_TIME_LEFT_PAUSED);
  if (english)
    g_assert_cmpstr (paused, ==, "Paused — waiting on customer");

  none = _kefu_case_time_left (t->db, 0, FALSE, FALSE, monday, &state);
  g_assert_null (none);
  g_assert_cmpint (state, ==, KEFU_TIME_LEFT_NONE);
}

int
main (int   argc,
      char *argv[])
{
  kefu_test_ui_init (&argc, &argv, FALSE);

  g_test_add_func ("/ui/cases/time-left-in-business-time", test_time_left);
  g_test_add ("/ui/cases/queues-and-search", Fixture, NULL, fixture_set_up, test_queues_and_search, fixture_tear_down);
  g_test_add ("/ui/cases/take-resolve-close", Fixture, NULL, fixture_set_up, test_take_resolve_close, fixture_tear_down);
  g_test_add ("/ui/cases/claim-approval", Fixture, NULL, fixture_set_up, test_claim_approval, fixture_tear_down);

  return kefu_test_ui_run ();
}
