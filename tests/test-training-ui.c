/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <locale.h>
#include <string.h>

#include "kefu-application.h"
#include "kefu-course-editor.h"
#include "kefu-kb.h"
#include "kefu-sample-training.h"
#include "kefu-sample.h"
#include "kefu-test-ui.h"
#include "kefu-test-util.h"
#include "kefu-training-view.h"
#include "kefu-training.h"
#include "kefu-window.h"

/* The Training view in the real window under Xvfb: My Training, taking a
 * quiz through the player (answers, submit, result), the skills contest's
 * leaderboard, the builder's course list and editor, completion, and
 * what an agent does not see. A PNG of each in <builddir>/screenshots. */

typedef struct
{
  KefuTestDb       *t;
  KefuApplication  *app;
  KefuWindow       *window;
  KefuTrainingView *view;
  const char       *lang;
} Fixture;

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
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->lang = kefu_test_ui_lang ();
  f->t = kefu_test_sample_db_new (50);
  /* The knowledge base first, as Load Sample Data does: a course has a
   * lesson that is an article. */
  g_assert_true (kefu_kb_generate_sample (f->t->db, kefu_sample_default_options ().seed, 40, &error));
  g_assert_true (kefu_sample_generate_training (f->t->db, kefu_sample_default_options ().seed, &error));
  g_assert_no_error (error);

  f->window = kefu_test_window_open (f->t->db, 1280, 800, &f->app);
  f->view = KEFU_TRAINING_VIEW (kefu_window_get_training_view (f->window));
  g_assert_nonnull (f->view);
  kefu_window_show_view (f->window, "training");
  wait_for_draw (GTK_WIDGET (f->window));
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  kefu_test_window_close (f->window, &f->app);
  kefu_test_db_free (f->t);
}

/* The signed-in user's item for the course whose title starts with
 * @prefix. */
static KefuTrainingItem *
find_item (GPtrArray  *items,
           const char *prefix)
{
  for (guint i = 0; i < items->len; i++)
    if (g_str_has_prefix (((KefuTrainingItem *) items->pdata[i])->course_title, prefix))
      return items->pdata[i];
  return NULL;
}

/* Answers every question of @course_id right, except question @wrong
 * (G_MAXUINT: none), through the player's widgets. */
static void
answer_all (Fixture    *f,
            const char *course_id,
            guint       wrong)
{
  g_autoptr(GPtrArray) qs = kefu_training_list_questions (f->t->db, course_id, NULL);

  for (guint i = 0; i < qs->len; i++)
    {
      KefuQuestion *q = qs->pdata[i];

      if (q->kind == KEFU_QUESTION_SHORT)
        {
          g_autofree char *text = g_strjoinv (" ", q->keywords);

          /* "道歉|致歉" typed whole contains both alternatives. */
          _kefu_training_view_answer (f->view, i, 0, i == wrong ? "不知道" : text);
        }
      else
        _kefu_training_view_answer (f->view, i, i == wrong ? (q->correct ^ 3) : q->correct, NULL);
    }
}

/* Descendants of @root of @type, in tree order. */
static void
collect (GtkWidget *root,
         GType      type,
         GPtrArray *out)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    g_ptr_array_add (out, root);
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    collect (child, type, out);
}

static GtkWidget *
find_titled_row (GtkWidget  *root,
                 const char *title)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();

  collect (root, ADW_TYPE_PREFERENCES_ROW, rows);
  for (guint i = 0; i < rows->len; i++)
    if (g_strcmp0 (adw_preferences_row_get_title (rows->pdata[i]), title) == 0)
      return rows->pdata[i];
  return NULL;
}

/* As a click on the dialog's button: the response, then closing. */
static void
respond (GtkWindow  *dialog,
         const char *response)
{
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), response);
  gtk_window_destroy (dialog);
  kefu_test_iterate (10);
}

/* --- tests ----------------------------------------------------------- */

/* A trainer's way through the editor: a new course (refused without a
 * title), a lesson of its own text, a multiple-choice question (refused
 * without a correct answer first), publishing. */
static void
test_build_course (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GPtrArray) entries = g_ptr_array_new ();
  g_autoptr(GPtrArray) checks = g_ptr_array_new ();
  g_autoptr(GPtrArray) views = g_ptr_array_new ();
  g_autoptr(GPtrArray) courses = NULL;
  g_autoptr(GPtrArray) questions = NULL;
  int n_courses = kefu_test_count (f->t->db, "SELECT count(*) FROM course");
  GtkWindow *editor;
  GtkWindow *dialog;
  GtkWidget *title_row;
  KefuCourse *made = NULL;

  kefu_training_view_show_section (f->view, "courses");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->view), "training.new-course", NULL));
  kefu_test_iterate (10);
  editor = find_window (KEFU_TYPE_COURSE_EDITOR);
  g_assert_nonnull (editor);

  /* No title: refused, nothing written. */
  gtk_widget_activate_action (GTK_WIDGET (editor), "editor.save", NULL);
  g_assert_cmpint (kefu_test_count (f->t->db, "SELECT count(*) FROM course"), ==, n_courses);

  title_row = find_titled_row (GTK_WIDGET (editor), _("Title"));
  g_assert_nonnull (title_row);
  gtk_editable_set_text (GTK_EDITABLE (title_row), "快递员安全驾驶 Safe delivery riding");
  gtk_widget_activate_action (GTK_WIDGET (editor), "editor.save", NULL);
  g_assert_cmpint (kefu_test_count (f->t->db, "SELECT count(*) FROM course"), ==, n_courses + 1);

  /* A lesson with its own text. */
  gtk_widget_activate_action (GTK_WIDGET (editor), "editor.add-lesson", NULL);
  kefu_test_iterate (10);
  dialog = find_window (ADW_TYPE_MESSAGE_DIALOG);
  g_assert_nonnull (dialog);
  collect (GTK_WIDGET (dialog), GTK_TYPE_ENTRY, entries);
  collect (GTK_WIDGET (dialog), GTK_TYPE_TEXT_VIEW, views);
  gtk_editable_set_text (GTK_EDITABLE (entries->pdata[0]), "电动车安全");
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (views->pdata[0]), "戴头盔，不闯红灯，雨天减速。", -1);
  respond (dialog, "save");
  g_assert_cmpint (kefu_test_count (f->t->db, "SELECT count(*) FROM lesson WHERE title = '电动车安全' AND deleted = 0"),
                   ==, 1);

  /* A multiple-choice question: first without a correct answer. */
  gtk_widget_activate_action (GTK_WIDGET (editor), "editor.add-question", NULL);
  kefu_test_iterate (10);
  dialog = find_window (ADW_TYPE_MESSAGE_DIALOG);
  g_assert_nonnull (dialog);
  g_ptr_array_set_size (entries, 0);
  collect (GTK_WIDGET (dialog), GTK_TYPE_ENTRY, entries);
  collect (GTK_WIDGET (dialog), GTK_TYPE_CHECK_BUTTON, checks);
  {
    g_autoptr(GPtrArray) dropdowns = g_ptr_array_new ();

    collect (GTK_WIDGET (dialog), GTK_TYPE_DROP_DOWN, dropdowns);
    gtk_drop_down_set_selected (dropdowns->pdata[0], KEFU_QUESTION_MULTIPLE);
  }
  gtk_editable_set_text (GTK_EDITABLE (entries->pdata[0]), "雨天派送时应该：");
  gtk_editable_set_text (GTK_EDITABLE (entries->pdata[1]), "减速慢行");
  gtk_editable_set_text (GTK_EDITABLE (entries->pdata[2]), "抢黄灯");
  gtk_editable_set_text (GTK_EDITABLE (entries->pdata[3]), "给包裹做好防水");
  save_png (GTK_WIDGET (dialog), "training-question", f->lang);
  respond (dialog, "save");
  g_assert_cmpint (kefu_test_count (f->t->db, "SELECT count(*) FROM quiz_question q JOIN course c ON c.id = q.course_id"
                                              " WHERE c.title LIKE '快递员%'"), ==, 0);

  /* The dialog comes back as it was, to tick the right answers. */
  dialog = find_window (ADW_TYPE_MESSAGE_DIALOG);
  g_assert_nonnull (dialog);
  g_ptr_array_set_size (entries, 0);
  g_ptr_array_set_size (checks, 0);
  collect (GTK_WIDGET (dialog), GTK_TYPE_ENTRY, entries);
  collect (GTK_WIDGET (dialog), GTK_TYPE_CHECK_BUTTON, checks);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entries->pdata[0])), ==, "雨天派送时应该：");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entries->pdata[3])), ==, "给包裹做好防水");
  gtk_check_button_set_active (checks->pdata[0], TRUE);
  gtk_check_button_set_active (checks->pdata[2], TRUE);
  respond (dialog, "save");
  save_png (GTK_WIDGET (editor), "training-new-course", f->lang);
  gtk_window_destroy (editor);
  kefu_test_iterate (10);

  courses = kefu_training_list_courses (f->t->db, NULL);
  for (guint i = 0; i < courses->len; i++)
    if (g_str_has_prefix (((KefuCourse *) courses->pdata[i])->title, "快递员"))
      made = courses->pdata[i];
  g_assert_nonnull (made);
  g_assert_cmpuint (made->n_lessons, ==, 1);
  g_assert_cmpuint (made->n_questions, ==, 1);
  questions = kefu_training_list_questions (f->t->db, made->id, NULL);
  g_assert_cmpint (((KefuQuestion *) questions->pdata[0])->kind, ==, KEFU_QUESTION_MULTIPLE);
  g_assert_cmpuint (((KefuQuestion *) questions->pdata[0])->correct, ==, 5);

  /* Publish from the list; the view lists it. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->view), "training.publish", "s", made->id));
  g_assert_cmpint (kefu_test_count (f->t->db, "SELECT count(*) FROM course WHERE status = 'published' AND title LIKE '快递员%'"),
                   ==, 1);
  g_assert_cmpuint (_kefu_training_view_get_n_rows (f->view, "courses"), ==, courses->len);
}

static void
test_take_quiz (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) mine = kefu_training_list_mine (f->t->db, NULL, &error);
  g_autoptr(GPtrArray) after = NULL;
  KefuTrainingItem *it = find_item (mine, "服务礼仪");
  g_autofree char *course_id = NULL;
  int n_attempts = kefu_test_count (f->t->db, "SELECT count(*) FROM attempt");

  g_assert_nonnull (it);
  course_id = g_strdup (it->course_id);
  g_assert_cmpint (it->score, ==, -1);
  kefu_training_view_show_section (f->view, "mine");
  g_assert_cmpuint (_kefu_training_view_get_n_rows (f->view, "mine"), >=, 2);
  save_png (GTK_WIDGET (f->window), "training-mine", f->lang);

  /* Start from the row's button: the lessons, then the quiz. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->view), "training.take", "s", course_id));
  save_png (GTK_WIDGET (f->window), "training-lessons", f->lang);
  _kefu_training_view_begin_quiz (f->view);
  answer_all (f, course_id, 1);
  save_png (GTK_WIDGET (f->window), "training-quiz", f->lang);
  _kefu_training_view_submit (f->view);
  kefu_test_iterate (10);
  /* Three of four right: 75 % passes the mark of 75. */
  g_assert_cmpint (_kefu_training_view_get_score (f->view), ==, 75);
  g_assert_cmpint (kefu_test_count (f->t->db, "SELECT count(*) FROM attempt"), ==, n_attempts + 1);
  save_png (GTK_WIDGET (f->window), "training-result", f->lang);

  after = kefu_training_list_mine (f->t->db, NULL, &error);
  it = find_item (after, "服务礼仪");
  g_assert_cmpint (it->state, ==, KEFU_TRAINING_DONE);
  g_assert_cmpint (it->score, ==, 75);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->view), "training.close-player", NULL));

  /* Preview as learner records nothing. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->view), "training.preview", "s", course_id));
  _kefu_training_view_begin_quiz (f->view);
  answer_all (f, course_id, G_MAXUINT);
  _kefu_training_view_submit (f->view);
  g_assert_cmpint (_kefu_training_view_get_score (f->view), ==, 100);
  g_assert_cmpint (kefu_test_count (f->t->db, "SELECT count(*) FROM attempt"), ==, n_attempts + 1);
}

/* A lesson that is a knowledge article reads as the Knowledge Base shows
 * it: the Markdown rendered, none of its marks shown. */
static void
test_article_lesson (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) mine = kefu_training_list_mine (f->t->db, NULL, &error);
  g_autoptr(GPtrArray) lessons = NULL;
  g_autoptr(GPtrArray) views = g_ptr_array_new ();
  g_autofree char *text = NULL;
  KefuTrainingItem *it = find_item (mine, "禁寄物品");
  KefuLesson *article = NULL;
  GtkTextBuffer *buffer;
  GtkTextIter start, end, heading;

  g_assert_nonnull (it);
  lessons = kefu_training_list_lessons (f->t->db, it->course_id, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < lessons->len; i++)
    if (((KefuLesson *) lessons->pdata[i])->article_id != NULL)
      article = lessons->pdata[i];
  g_assert_nonnull (article);
  g_assert_nonnull (strstr (article->body, "## "));
  g_assert_nonnull (strstr (article->body, "**"));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->view), "training.take", "s", it->course_id));
  wait_for_draw (GTK_WIDGET (f->window));
  collect (GTK_WIDGET (f->view), GTK_TYPE_TEXT_VIEW, views);
  g_assert_cmpuint (views->len, ==, 1);
  g_assert_true (gtk_widget_get_mapped (views->pdata[0]));
  buffer = gtk_text_view_get_buffer (views->pdata[0]);
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  g_assert_null (strstr (text, "## "));
  g_assert_null (strstr (text, "**"));
  g_assert_nonnull (strstr (text, "禁止寄递"));
  /* The first heading carries the knowledge base's heading tag. */
  g_assert_true (gtk_text_iter_forward_search (&start, "禁止寄递", 0, &heading, NULL, NULL));
  {
    g_autoptr(GSList) tags = gtk_text_iter_get_tags (&heading);

    g_assert_nonnull (tags);
  }
  /* The other lessons, of their own text, stay labels. */
  g_assert_cmpuint (lessons->len, >, 1);
  /* The text view lays its lines out in idle time: until then it is
   * taller than its text. */
  {
    gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

    while (g_main_context_iteration (NULL, FALSE) && g_get_monotonic_time () < deadline)
      ;
  }
  save_png (GTK_WIDGET (f->window), "training-article-lesson", f->lang);
}

static void
test_leaderboard (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) mine = kefu_training_list_mine (f->t->db, NULL, &error);
  g_autoptr(GPtrArray) board = NULL;
  KefuTrainingItem *it = find_item (mine, "2026");
  g_autofree char *contest_id = NULL;
  const char *me = kefu_db_get_actor (f->t->db);
  gboolean on_board = FALSE;

  g_assert_nonnull (it);
  g_assert_true (it->is_contest);
  contest_id = g_strdup (it->course_id);

  /* Take part: everything right. */
  kefu_training_view_open_course (f->view, contest_id, FALSE);
  _kefu_training_view_begin_quiz (f->view);
  answer_all (f, contest_id, G_MAXUINT);
  _kefu_training_view_submit (f->view);
  g_assert_cmpint (_kefu_training_view_get_score (f->view), ==, 100);

  board = kefu_training_leaderboard (f->t->db, contest_id, NULL, 20, &error);
  for (guint i = 0; i < board->len; i++)
    on_board |= g_strcmp0 (((KefuLeaderboardEntry *) board->pdata[i])->staff_id, me) == 0;
  g_assert_true (on_board);

  kefu_training_view_show_section (f->view, "contests");
  _kefu_training_view_select_contest (f->view, contest_id);
  kefu_test_iterate (10);
  g_assert_cmpuint (_kefu_training_view_get_n_rows (f->view, "board"), ==, board->len);
  g_assert_cmpuint (_kefu_training_view_get_n_rows (f->view, "standings"), >=, 2);
  save_png (GTK_WIDGET (f->window), "training-contest", f->lang);
}

static void
test_builder_and_roles (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GPtrArray) courses = kefu_training_list_courses (f->t->db, NULL);
  GtkWindow *editor;
  sqlite3_stmt *stmt;
  g_autofree char *agent = NULL;

  /* The administrator builds: the course list and the editor. */
  kefu_training_view_show_section (f->view, "courses");
  g_assert_cmpuint (_kefu_training_view_get_n_rows (f->view, "courses"), ==, courses->len);
  save_png (GTK_WIDGET (f->window), "training-courses", f->lang);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->view), "training.edit", "s",
                                             ((KefuCourse *) courses->pdata[0])->id));
  kefu_test_iterate (10);
  editor = find_window (KEFU_TYPE_COURSE_EDITOR);
  g_assert_nonnull (editor);
  save_png (GTK_WIDGET (editor), "training-editor", f->lang);
  gtk_window_destroy (editor);
  kefu_test_iterate (10);

  /* Assign a new course to a province through the dialog, managers first. */
  {
    g_autoptr(KefuCourse) c = kefu_course_new ();
    g_autoptr(GPtrArray) dropdowns = g_ptr_array_new ();
    g_autoptr(GError) error = NULL;
    g_autoptr(KefuLesson) l = g_new0 (KefuLesson, 1);
    g_autoptr(GPtrArray) lessons = g_ptr_array_new ();
    GtkWindow *dialog;

    c->title = g_strdup ("春节旺季服务保障 Peak season");
    l->title = g_strdup ("春节前后");
    l->body = g_strdup ("提前告知客户停运和延误安排。");
    g_ptr_array_add (lessons, l);
    g_assert_true (kefu_training_create_course (f->t->db, c, lessons, NULL, &error));
    g_assert_true (kefu_training_publish_course (f->t->db, c->id, &error));
    g_assert_no_error (error);
    kefu_training_view_reload (f->view);
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->view), "training.assign", "s", c->id));
    kefu_test_iterate (10);
    dialog = find_window (ADW_TYPE_MESSAGE_DIALOG);
    g_assert_nonnull (dialog);
    collect (GTK_WIDGET (dialog), GTK_TYPE_DROP_DOWN, dropdowns);
    g_assert_cmpuint (dropdowns->len, ==, 2);
    g_assert_cmpuint (gtk_drop_down_get_selected (dropdowns->pdata[0]), ==, 2);   /* a province, city or branch */
    gtk_drop_down_set_selected (dropdowns->pdata[1], 0);
    save_png (GTK_WIDGET (dialog), "training-assign", f->lang);
    respond (dialog, "assign");
    g_assert_cmpint (kefu_test_count (f->t->db, "SELECT count(*) FROM assignment a JOIN course c ON c.id = a.course_id"
                                                " WHERE c.title LIKE '春节%'"), >, 5);
    /* Managers first: every supervisor's copy is due before every agent's. */
    g_assert_cmpint (kefu_test_count (f->t->db,
                                      "SELECT (SELECT max (a.due_at) FROM assignment a JOIN course c ON c.id = a.course_id"
                                      "  JOIN staff s ON s.id = a.staff_id WHERE c.title LIKE '春节%' AND s.role = 'supervisor')"
                                      " < (SELECT min (a.due_at) FROM assignment a JOIN course c ON c.id = a.course_id"
                                      "  JOIN staff s ON s.id = a.staff_id WHERE c.title LIKE '春节%' AND s.role = 'agent')"), ==, 1);
  }

  kefu_training_view_show_section (f->view, "completion");
  kefu_test_iterate (10);
  g_assert_cmpuint (_kefu_training_view_get_n_rows (f->view, "units"), >=, 2);
  g_assert_cmpuint (_kefu_training_view_get_n_rows (f->view, "people"), >, 10);
  save_png (GTK_WIDGET (f->window), "training-completion", f->lang);

  /* An agent: no builder, no completion, no builder actions. */
  stmt = kefu_db_prepare (f->t->db, "SELECT id FROM staff WHERE role = 'agent' ORDER BY rowid LIMIT 1", NULL);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  agent = kefu_stmt_dup (stmt, 0);
  sqlite3_reset (stmt);
  kefu_db_set_actor (f->t->db, agent);
  kefu_training_view_reload (f->view);
  /* The action is disabled: activating it opens nothing. */
  gtk_widget_activate_action (GTK_WIDGET (f->view), "training.new-course", NULL);
  kefu_test_iterate (10);
  g_assert_null (find_window (KEFU_TYPE_COURSE_EDITOR));
  g_assert_cmpuint (_kefu_training_view_get_n_rows (f->view, "courses"), ==, 0);
  g_assert_cmpuint (_kefu_training_view_get_n_rows (f->view, "people"), ==, 0);
  kefu_training_view_show_section (f->view, "mine");
  save_png (GTK_WIDGET (f->window), "training-agent", f->lang);
}

int
main (int   argc,
      char *argv[])
{
  kefu_test_ui_init (&argc, &argv, TRUE);
  /* Screenshots of the page, not of a crossfade into it. */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

  g_test_add ("/training-ui/take-quiz", Fixture, NULL, fixture_set_up, test_take_quiz, fixture_tear_down);
  g_test_add ("/training-ui/article-lesson", Fixture, NULL, fixture_set_up, test_article_lesson, fixture_tear_down);
  g_test_add ("/training-ui/leaderboard", Fixture, NULL, fixture_set_up, test_leaderboard, fixture_tear_down);
  g_test_add ("/training-ui/build-course", Fixture, NULL, fixture_set_up, test_build_course, fixture_tear_down);
  g_test_add ("/training-ui/builder-and-roles", Fixture, NULL, fixture_set_up, test_builder_and_roles,
              fixture_tear_down);

  return kefu_test_ui_run ();
}
