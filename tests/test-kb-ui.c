/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <locale.h>
#include <string.h>

#include "kefu-application.h"
#include "kefu-case-page.h"
#include "kefu-intake-window.h"
#include "kefu-kb-suggestions.h"
#include "kefu-kb.h"
#include "kefu-knowledge-view.h"
#include "kefu-sample-cases.h"
#include "kefu-sample.h"
#include "kefu-test-ui.h"
#include "kefu-test-util.h"
#include "kefu-window.h"

/* The knowledge base in the real window under Xvfb: a trainer writes an
 * article in the editor and submits it, a second trainer approves it,
 * the history compares versions, a revision of the published article is
 * reviewed beside the published text, and at intake the article is
 * suggested as the agent types. PNGs go to <builddir>/screenshots. */

typedef struct
{
  KefuTestDb      *t;
  KefuApplication *app;
  KefuWindow      *window;
  const char      *lang;
  char            *trainer;
  char            *reviewer;
} Fixture;

static KefuApplication *the_app;

static gboolean
timeout_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
run_for (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, timeout_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

static GtkWidget *
find_type (GtkWidget *widget,
           GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_type (c, type);

      if (found)
        return found;
    }
  return NULL;
}

/* The mapped button or label showing @text (as written, mnemonic and all). */
static GtkWidget *
find_label (GtkWidget  *widget,
            const char *text)
{
  if (!gtk_widget_get_mapped (widget))
    return NULL;
  if ((GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), text) == 0) ||
      (GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_label (GTK_LABEL (widget)), text) == 0))
    return widget;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_label (c, text);

      if (found)
        return found;
    }
  return NULL;
}

/* The message dialog with this heading. Returns: (transfer none) */
static AdwMessageDialog *
wait_for_dialog (const char *heading)
{
  AdwMessageDialog *dialog = NULL;

  for (guint i = 0; i < 20 && dialog == NULL; i++)
    {
      GListModel *tops = gtk_window_get_toplevels ();   /* transfer none */

      run_for (25);
      for (guint k = 0; k < g_list_model_get_n_items (tops) && dialog == NULL; k++)
        {
          g_autoptr(GObject) w = g_list_model_get_item (tops, k);

          if (ADW_IS_MESSAGE_DIALOG (w) && gtk_widget_get_visible (GTK_WIDGET (w)) &&
              g_strcmp0 (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (w)), heading) == 0)
            dialog = ADW_MESSAGE_DIALOG (w);
        }
    }
  g_assert_nonnull (dialog);
  return dialog;
}

static char *
add_staff (KefuDb     *db,
           const char *username,
           const char *name,
           const char *role)
{
  g_autoptr(KefuOrgUnit) office = kefu_org_get_office (db);
  KefuStaff s = { 0 };
  g_autoptr(GError) error = NULL;

  s.org_unit_id = office->id;
  s.username = (char *) username;
  s.name = (char *) name;
  s.role = (char *) role;
  s.active = TRUE;
  g_assert_true (kefu_org_create_staff (db, &s, &error));
  g_assert_no_error (error);
  return s.id;
}

/* A customer whose mobile number no other file has. */
static char *
customer_with_mobile (KefuDb  *db,
                      char   **digits)
{
  sqlite3_stmt *stmt = kefu_db_prepare (db,
                                        "SELECT min(k.customer_id), k.normalized FROM customer_contact k"
                                        " WHERE k.kind = 'phone' AND k.deleted = 0 AND length (k.normalized) = 11"
                                        " AND k.normalized LIKE '1%' GROUP BY k.normalized HAVING count(*) = 1"
                                        " ORDER BY min(k.rowid) LIMIT 1", NULL);
  char *id = NULL;

  g_assert_nonnull (stmt);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      id = kefu_stmt_dup (stmt, 0);
      *digits = kefu_stmt_dup (stmt, 1);
    }
  sqlite3_reset (stmt);
  g_assert_nonnull (id);
  return id;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  KefuSampleOptions opts = kefu_sample_default_options ();

  f->lang = g_getenv ("KEFU_TEST_LANG") ? g_getenv ("KEFU_TEST_LANG") : "en";
  f->t = kefu_test_db_new (FALSE);
  opts.n_customers = 200;
  g_assert_true (kefu_sample_generate (f->t->db, &opts, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (kefu_kb_generate_sample (f->t->db, 1, 200, &error));
  g_assert_true (kefu_sample_generate_cases (f->t->db, 1, 1500, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_no_error (error);
  f->trainer = add_staff (f->t->db, "kb-lijuan", "李娟", "trainer");
  f->reviewer = add_staff (f->t->db, "kb-zhouqiang", "周强", "trainer");
  g_assert_true (kefu_org_set_current_user (f->t->db, f->trainer, &error));

  if (the_app == NULL)
    {
      the_app = kefu_application_new ();
      g_application_set_flags (G_APPLICATION (the_app), G_APPLICATION_NON_UNIQUE);
      g_assert_true (g_application_register (G_APPLICATION (the_app), NULL, &error));
      g_assert_no_error (error);
    }
  f->app = g_object_ref (the_app);
  kefu_application_set_db (f->app, f->t->db);
  f->window = kefu_window_new (f->app);
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1280, 800);
  gtk_window_present (GTK_WINDOW (f->window));
  wait_for_draw (GTK_WIDGET (f->window));
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (f->app)); l;
       l = gtk_application_get_windows (GTK_APPLICATION (f->app)))
    gtk_window_destroy (l->data);
  for (guint i = 0; i < 20; i++)
    g_main_context_iteration (NULL, FALSE);
  kefu_application_set_db (f->app, NULL);
  g_clear_object (&f->app);
  g_free (f->trainer);
  g_free (f->reviewer);
  kefu_test_db_free (f->t);
}

static void
test_write_publish_and_suggest (Fixture       *f,
                                gconstpointer  data)
{
  KefuKnowledgeView *view;
  KefuIntakeWindow *intake = NULL;
  KefuKbSuggestions *suggestions;
  g_autoptr(KefuKbArticle) a = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  gboolean found = FALSE;
  const char *title = g_str_equal (f->lang, "zh_CN") ? "海关扣件怎么办" : "Parcel held by customs (海关扣件)";

  kefu_window_show_view (f->window, "knowledge");
  view = KEFU_KNOWLEDGE_VIEW (find_type (GTK_WIDGET (f->window), KEFU_TYPE_KNOWLEDGE_VIEW));
  g_assert_nonnull (view);
  gtk_editable_set_text (kefu_knowledge_view_get_search (view), "保价");
  run_for (400);
  g_assert_cmpuint (kefu_knowledge_view_get_n_results (view), >, 0);
  save_png (GTK_WIDGET (f->window), "knowledge-search", f->lang);

  /* Write and submit as the trainer. */
  id = kefu_knowledge_view_write (view, title,
                                  "## 适用情形 / When\n\n国际快件被**海关**扣留，缺少收件人身份证明。\n\n"
                                  "1. 请客户补充材料\n2. 一般 *三个工作日* 内放行\n\n"
                                  "| 材料 | 说明 |\n|---|---|\n| 身份证 | 收件人 |\n");
  g_assert_nonnull (id);
  a = kefu_kb_get (f->t->db, id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (a->status, ==, "draft");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "kb.edit", NULL));
  run_for (500);
  save_png (GTK_WIDGET (f->window), "knowledge-editor", f->lang);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "kb.cancel", NULL));
  /* A second version (the trainer adds a line), then compare the two. */
  kefu_set_str (&a->body, "## 适用情形 / When\n\n国际快件被**海关**扣留，缺少收件人身份证明或税号。\n\n"
                          "1. 请客户补充材料\n2. 一般 *三个工作日* 内放行\n3. 关税由收件人支付\n\n"
                          "| 材料 | 说明 |\n|---|---|\n| 身份证 | 收件人 |\n");
  g_assert_true (kefu_kb_save (f->t->db, a, &error));
  g_assert_no_error (error);
  kefu_knowledge_view_show_article (view, id);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "kb.submit", NULL));
  g_clear_pointer (&a, kefu_kb_article_free);
  a = kefu_kb_get (f->t->db, id, NULL);
  g_assert_cmpstr (a->status, ==, "review");
  /* The author may not approve their own article: the action is off. */
  gtk_widget_activate_action (GTK_WIDGET (view), "kb.approve", NULL);
  g_clear_pointer (&a, kefu_kb_article_free);
  a = kefu_kb_get (f->t->db, id, NULL);
  g_assert_cmpstr (a->status, ==, "review");

  /* The second trainer approves. */
  g_assert_true (kefu_org_set_current_user (f->t->db, f->reviewer, &error));
  kefu_knowledge_view_reload (view);
  kefu_knowledge_view_show_article (view, id);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "kb.approve", NULL));
  g_clear_pointer (&a, kefu_kb_article_free);
  a = kefu_kb_get (f->t->db, id, NULL);
  g_assert_cmpstr (a->status, ==, "published");
  save_png (GTK_WIDGET (f->window), "knowledge-article", f->lang);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "kb.history", NULL));
  save_png (GTK_WIDGET (f->window), "knowledge-history", f->lang);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "kb.gaps", NULL));
  save_png (GTK_WIDGET (f->window), "knowledge-gaps", f->lang);

  /* The trainer revises the published article: agents keep the published
   * text while the reviewer sees the pending revision, compares it with
   * the published text and approves it. */
  {
    const char *revised = "## 适用情形 / When\n\n国际快件被**海关**扣留，缺少收件人身份证明或税号。\n\n"
                          "1. 请客户补充材料\n2. 一般 *两个工作日* 内放行\n3. 关税由收件人支付\n"
                          "4. 超过五个工作日未放行，请联系口岸营业部\n\n"
                          "| 材料 | 说明 |\n|---|---|\n| 身份证 | 收件人 |\n";
    g_autoptr(KefuKbArticle) pub = NULL;
    g_autoptr(KefuKbArticle) rev = NULL;
    g_autofree char *revised_id = NULL;

    g_assert_true (kefu_org_set_current_user (f->t->db, f->trainer, &error));
    kefu_knowledge_view_reload (view);
    kefu_knowledge_view_show_article (view, id);
    /* The editor says that saving makes a revision. */
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "kb.edit", NULL));
    run_for (400);
    g_assert_nonnull (find_label (GTK_WIDGET (view), _("This article is published: saving makes a revision, and agents keep seeing the published text until the revision is approved.")));
    save_png (GTK_WIDGET (f->window), "knowledge-revision-editor", f->lang);
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "kb.cancel", NULL));
    revised_id = kefu_knowledge_view_revise (view, revised, "放行时限改为两个工作日");
    g_assert_cmpstr (revised_id, ==, id);
    pub = kefu_kb_get (f->t->db, id, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (pub->status, ==, "published");
    g_assert_cmpstr (pub->body, ==, a->body);
    g_assert_cmpstr (pub->revision_status, ==, "draft");
    rev = kefu_kb_get_revision (f->t->db, id, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (rev->body, ==, revised);
    save_png (GTK_WIDGET (f->window), "knowledge-revision", f->lang);
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "kb.submit", NULL));

    g_assert_true (kefu_org_set_current_user (f->t->db, f->reviewer, &error));
    kefu_knowledge_view_reload (view);
    gtk_editable_set_text (kefu_knowledge_view_get_search (view), "海关");
    run_for (400);
    kefu_knowledge_view_show_article (view, id);
    save_png (GTK_WIDGET (f->window), "knowledge-revision-pending", f->lang);
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "kb.compare-revision", NULL));
    save_png (GTK_WIDGET (f->window), "knowledge-revision-compare", f->lang);
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "kb.open-revision", NULL));
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "kb.approve", NULL));
    g_clear_pointer (&pub, kefu_kb_article_free);
    pub = kefu_kb_get (f->t->db, id, &error);
    g_assert_cmpstr (pub->body, ==, revised);
    g_assert_null (pub->revision_status);
  }

  /* A draft started by mistake is deleted (after a question); the
   * published article has no such button. */
  {
    g_autofree char *mistake = kefu_knowledge_view_write (view, "写错的草稿", "不要了");
    AdwMessageDialog *dialog;
    g_autoptr(KefuKbArticle) gone = NULL;

    g_assert_nonnull (mistake);
    wait_for_draw (GTK_WIDGET (f->window));
    g_assert_nonnull (find_label (GTK_WIDGET (view), _("_Delete Draft…")));
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "kb.delete", NULL));
    dialog = wait_for_dialog (_("Delete the Draft?"));
    adw_message_dialog_response (dialog, "delete");
    gone = kefu_kb_get (f->t->db, mistake, &error);
    g_assert_null (gone);
    g_assert_error (error, KEFU_ERROR, KEFU_ERROR_NOT_FOUND);
    g_clear_error (&error);
    kefu_knowledge_view_show_article (view, id);
    wait_for_draw (GTK_WIDGET (f->window));
    g_assert_null (find_label (GTK_WIDGET (view), _("_Delete Draft…")));
    g_assert_nonnull (find_label (GTK_WIDGET (view), _("_History")));
  }

  /* At intake, the article comes up as the agent types. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.intake", NULL));
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (f->app)); l; l = l->next)
    if (KEFU_IS_INTAKE_WINDOW (l->data))
      intake = l->data;
  g_assert_nonnull (intake);
  gtk_window_set_default_size (GTK_WINDOW (intake), 1000, 860);
  wait_for_draw (GTK_WIDGET (intake));
  suggestions = KEFU_KB_SUGGESTIONS (find_type (GTK_WIDGET (intake), KEFU_TYPE_KB_SUGGESTIONS));
  g_assert_nonnull (suggestions);
  gtk_editable_set_text (GTK_EDITABLE (gtk_widget_get_template_child (GTK_WIDGET (intake), KEFU_TYPE_INTAKE_WINDOW,
                                                                      "subject_row")),
                         "客户的国际包裹被海关扣件");
  for (guint i = 0; i < 50 && !found; i++)
    {
      g_auto(GStrv) titles = NULL;

      run_for (100);
      titles = kefu_kb_suggestions_get_titles (suggestions);
      found = titles[0] != NULL && g_str_equal (titles[0], title);
    }
  g_assert_true (found);
  {
    /* Scrolled down to the list, as the agent would. */
    GtkWidget *scroller = gtk_widget_get_ancestor (GTK_WIDGET (suggestions), GTK_TYPE_SCROLLED_WINDOW);
    GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));

    wait_for_draw (GTK_WIDGET (intake));
    gtk_adjustment_set_value (adj, gtk_adjustment_get_upper (adj));
  }
  save_png (GTK_WIDGET (intake), "intake-suggestions", f->lang);

  /* "This answered it" before the case exists: linked when it is saved. */
  {
    GtkWidget *button = find_type (GTK_WIDGET (suggestions), GTK_TYPE_BUTTON);
    g_autofree char *digits = NULL;
    g_autofree char *customer = customer_with_mobile (f->t->db, &digits);
    guint n_cases = 0, n_first = 0;

    g_assert_nonnull (button);
    g_signal_emit_by_name (button, "clicked");
    g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (button)), ==, _("Linked on save"));
    kefu_intake_window_set_caller (intake, digits);
    for (guint i = 0; i < 40 && kefu_intake_window_get_customer_id (intake) == NULL; i++)
      run_for (25);
    g_assert_cmpstr (kefu_intake_window_get_customer_id (intake), ==, customer);
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (intake), "intake.save", NULL));
    g_assert_nonnull (kefu_intake_window_get_case_id (intake));
    g_assert_true (kefu_kb_get_usage (f->t->db, id, &n_cases, &n_first, &error));
    g_assert_cmpuint (n_cases, ==, 1);
    g_assert_cmpuint (kefu_test_count (f->t->db, "SELECT count(*) FROM outbox WHERE entity = 'kb_case_link'"), ==, 1);

    /* The case page suggests the same article, already linked. */
    kefu_window_show_case (f->window, kefu_intake_window_get_case_id (intake));
    gtk_window_destroy (GTK_WINDOW (intake));
    wait_for_draw (GTK_WIDGET (f->window));
    {
      GtkWidget *page = find_type (GTK_WIDGET (f->window), KEFU_TYPE_CASE_PAGE);
      KefuKbSuggestions *on_page = NULL;
      gboolean shown = FALSE;

      g_assert_nonnull (page);
      on_page = KEFU_KB_SUGGESTIONS (find_type (page, KEFU_TYPE_KB_SUGGESTIONS));
      g_assert_nonnull (on_page);
      for (guint i = 0; i < 50 && !shown; i++)
        {
          g_auto(GStrv) titles = NULL;

          run_for (100);
          titles = kefu_kb_suggestions_get_titles (on_page);
          shown = titles[0] != NULL && g_str_equal (titles[0], title);
        }
      g_assert_true (shown);
      button = find_type (GTK_WIDGET (on_page), GTK_TYPE_BUTTON);
      g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (button)), ==, _("Linked"));
      g_assert_false (gtk_widget_get_sensitive (button));
      {
        GtkWidget *scroller = gtk_widget_get_ancestor (GTK_WIDGET (on_page), GTK_TYPE_SCROLLED_WINDOW);
        GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));
        graphene_point_t p;

        wait_for_draw (GTK_WIDGET (f->window));
        if (gtk_widget_compute_point (GTK_WIDGET (on_page), gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (scroller)),
                                      &GRAPHENE_POINT_INIT (0, 0), &p))
          gtk_adjustment_set_value (adj, p.y - 120);
      }
      save_png (GTK_WIDGET (f->window), "case-page-suggestions", f->lang);
    }
  }

  /* Agents read published articles only and write nothing, and know
   * nothing of the revision a trainer has started meanwhile. */
  {
    char *agent_id = add_staff (f->t->db, "kb-wangfang", "王芳", "agent");
    g_autoptr(KefuKbArticle) pending = NULL;

    g_assert_true (kefu_org_set_current_user (f->t->db, f->trainer, &error));
    pending = kefu_kb_get (f->t->db, id, &error);
    g_assert_no_error (error);
    kefu_set_str (&pending->title, "不该被客服看到的新标题");
    g_assert_true (kefu_kb_save (f->t->db, pending, &error));
    g_assert_no_error (error);

    g_assert_true (kefu_org_set_current_user (f->t->db, agent_id, &error));
    g_free (agent_id);
    kefu_window_show_view (f->window, "knowledge");
    kefu_knowledge_view_reload (view);
    gtk_editable_set_text (kefu_knowledge_view_get_search (view), "海关");
    run_for (400);
    g_assert_cmpuint (kefu_knowledge_view_get_n_results (view), >, 0);
    /* "New Article" is off for agents: the editor does not open. */
    g_assert_null (kefu_knowledge_view_write (view, "不该保存", "客服不能写"));
    kefu_knowledge_view_show_article (view, id);
    wait_for_draw (GTK_WIDGET (f->window));
    g_assert_nonnull (find_label (GTK_WIDGET (view), title));
    g_assert_null (find_label (GTK_WIDGET (view), "不该被客服看到的新标题"));
    g_assert_nonnull (find_label (GTK_WIDGET (view), _("_Report a Problem…")));
    g_assert_null (find_label (GTK_WIDGET (view), _("_History")));
    save_png (GTK_WIDGET (f->window), "knowledge-agent", f->lang);

    /* The agent reports what is wrong; the trainer sees it on the article
     * and in the list, and resolves it. */
    {
      AdwMessageDialog *dialog;
      g_autoptr(GPtrArray) reports = NULL;

      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "kb.report", NULL));
      dialog = wait_for_dialog (_("Report a Problem"));
      gtk_editable_set_text (GTK_EDITABLE (g_object_get_data (G_OBJECT (dialog), "comment")),
                             "关税现在可以由寄件人预付，文章没写");
      adw_message_dialog_response (dialog, "send");
      g_assert_cmpuint (kefu_test_count (f->t->db, "SELECT count(*) FROM kb_report WHERE resolved_at IS NULL"), ==, 1);
      g_assert_true (kefu_org_set_current_user (f->t->db, f->trainer, &error));
      kefu_knowledge_view_reload (view);
      gtk_editable_set_text (kefu_knowledge_view_get_search (view), "海关");
      run_for (400);
      kefu_knowledge_view_show_article (view, id);
      save_png (GTK_WIDGET (f->window), "knowledge-reports", f->lang);
      reports = kefu_kb_list_reports (f->t->db, id, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (reports->len, ==, 1);
      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "kb.resolve-report", "s",
                                                 ((KefuKbReport *) reports->pdata[0])->id));
      g_assert_cmpuint (kefu_test_count (f->t->db, "SELECT count(*) FROM kb_report WHERE resolved_at IS NULL"), ==, 0);
    }
  }
}

int
main (int   argc,
      char *argv[])
{
  const char *localedir = g_getenv ("KEFU_LOCALEDIR");

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add ("/ui/kb/write-publish-and-suggest-at-intake", Fixture, NULL, fixture_set_up,
              test_write_publish_and_suggest, fixture_tear_down);

  {
    int ret = g_test_run ();

    g_clear_object (&the_app);
    return ret;
  }
}
