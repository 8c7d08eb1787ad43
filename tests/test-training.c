/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <locale.h>

#include "kefu-cases.h"
#include "kefu-org.h"
#include "kefu-sample-cases.h"
#include "kefu-sample.h"
#include "kefu-sample-training.h"
#include "kefu-test-util.h"
#include "kefu-training.h"
#include "kefu-uuid.h"

#define DAY_MS  (G_GINT64_CONSTANT (86400000))
#define HOUR_MS (G_GINT64_CONSTANT (3600000))
/* 2026-06-01 09:00 UTC+8: the cases clock in every test. */
#define NOW     (G_GINT64_CONSTANT (1780275600000))

/* An organisation of two provinces: P1 (city C1: branches B1, B2) and
 * P2 (city C2: branch B3); a trainer at P1, supervisors and agents in
 * the branches. The office's administrator is signed in. */
typedef struct
{
  KefuTestDb *t;
  char       *admin;
  char       *p1, *p2, *c1, *b1, *b2, *b3;
  char       *trainer, *sup1, *sup2, *a1, *a2, *a3, *a4;
} Fixture;

static char *
add_unit (Fixture    *f,
          const char *code,
          const char *name,
          const char *level,
          const char *parent)
{
  KefuOrgUnit u = { 0 };
  g_autoptr(GError) error = NULL;

  u.code = (char *) code;
  u.name = (char *) name;
  u.level = (char *) level;
  u.parent_id = (char *) parent;
  g_assert_true (kefu_org_create_unit (f->t->db, &u, &error));
  g_assert_no_error (error);
  return u.id;
}

static char *
add_staff (Fixture    *f,
           const char *unit,
           const char *username,
           const char *name,
           const char *role)
{
  KefuStaff s = { 0 };
  g_autoptr(GError) error = NULL;

  s.org_unit_id = (char *) unit;
  s.username = (char *) username;
  s.name = (char *) name;
  s.role = (char *) role;
  s.active = TRUE;
  g_assert_true (kefu_org_create_staff (f->t->db, &s, &error));
  g_assert_no_error (error);
  return s.id;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(KefuStaff) admin = NULL;
  g_autofree char *hq = NULL;
  char *c2;

  f->t = kefu_test_db_new (TRUE);
  admin = kefu_org_get_current_user (f->t->db);
  f->admin = g_strdup (admin->id);
  kefu_cases_set_clock (f->t->db, NOW);
  hq = add_unit (f, "HQ", "总部", "hq", NULL);
  f->p1 = add_unit (f, "GD", "广东分公司", "province", hq);
  f->p2 = add_unit (f, "ZJ", "浙江分公司", "province", hq);
  f->c1 = add_unit (f, "GDSZ", "深圳市分公司", "city", f->p1);
  c2 = add_unit (f, "ZJHZ", "杭州市分公司", "city", f->p2);
  f->b1 = add_unit (f, "SZ001", "深圳福田营业部", "branch", f->c1);
  f->b2 = add_unit (f, "SZ002", "深圳南山营业部", "branch", f->c1);
  f->b3 = add_unit (f, "HZ001", "杭州西湖营业部", "branch", c2);
  g_free (c2);
  f->trainer = add_staff (f, f->p1, "gd.trainer", "林培训", "trainer");
  f->sup1 = add_staff (f, f->b1, "sz00101", "王主管", "supervisor");
  f->a1 = add_staff (f, f->b1, "sz00102", "张伟", "agent");
  f->a2 = add_staff (f, f->b1, "sz00103", "李娜", "agent");
  f->sup2 = add_staff (f, f->b2, "sz00201", "陈经理", "supervisor");
  f->a3 = add_staff (f, f->b2, "sz00202", "刘洋", "agent");
  f->a4 = add_staff (f, f->b3, "hz00101", "周敏", "agent");
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_free (f->admin);
  g_free (f->p1); g_free (f->p2); g_free (f->c1); g_free (f->b1); g_free (f->b2); g_free (f->b3);
  g_free (f->trainer); g_free (f->sup1); g_free (f->sup2);
  g_free (f->a1); g_free (f->a2); g_free (f->a3); g_free (f->a4);
  kefu_test_db_free (f->t);
}

static void
sign_in (Fixture    *f,
         const char *staff_id)
{
  kefu_db_set_actor (f->t->db, staff_id);
}

/* --- builders -------------------------------------------------------- */

static KefuQuestion *
choice_question (KefuQuestionKind  kind,
                 const char       *text,
                 guint             correct,
                 const char       *first,
                 ...)
{
  KefuQuestion *q = kefu_question_new (kind, text);
  g_autoptr(GStrvBuilder) b = g_strv_builder_new ();
  va_list args;

  va_start (args, first);
  for (const char *c = first; c; c = va_arg (args, const char *))
    g_strv_builder_add (b, c);
  va_end (args);
  q->choices = g_strv_builder_end (b);
  q->correct = correct;
  return q;
}

static KefuQuestion *
short_question (const char *text,
                const char *keywords)
{
  KefuQuestion *q = kefu_question_new (KEFU_QUESTION_SHORT, text);

  q->keywords = g_strsplit (keywords, ",", -1);
  return q;
}

static KefuQuestion *
tf_question (const char *text,
             gboolean    is_true)
{
  KefuQuestion *q = kefu_question_new (KEFU_QUESTION_TRUE_FALSE, text);

  q->correct = is_true ? 1 : 2;
  return q;
}

/* Four questions, one of each kind, 1 point each. */
static GPtrArray *
four_questions (void)
{
  GPtrArray *qs = g_ptr_array_new_with_free_func ((GDestroyNotify) kefu_question_free);

  g_ptr_array_add (qs, choice_question (KEFU_QUESTION_SINGLE, "客户投诉后，首问责任人应在多长时间内首次回复？", 1 << 1,
                                        "4小时", "2小时", "24小时", NULL));
  g_ptr_array_add (qs, choice_question (KEFU_QUESTION_MULTIPLE, "Which items may not be sent?", (1 << 0) | (1 << 2),
                                        "Lithium batteries (loose)", "Books", "Gasoline", NULL));
  g_ptr_array_add (qs, tf_question ("索赔须在签收后当场提出。", FALSE));
  g_ptr_array_add (qs, short_question ("客户来电投诉包裹破损，你首先应该说什么？", "道歉|致歉,核实,运单号"));
  return qs;
}

static KefuCourse *
make_course (Fixture    *f,
             const char *title,
             gint        pass_mark,
             gint        max_attempts,
             const char *policy,
             gint        time_limit_s)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) lessons = g_ptr_array_new_with_free_func ((GDestroyNotify) kefu_lesson_free);
  g_autoptr(GPtrArray) questions = four_questions ();
  KefuCourse *c = kefu_course_new ();
  KefuLesson *l = g_new0 (KefuLesson, 1);

  c->title = g_strdup (title);
  c->pass_mark = pass_mark;
  c->max_attempts = max_attempts;
  kefu_set_str (&c->score_policy, policy);
  c->time_limit_s = time_limit_s;
  l->title = g_strdup ("服务礼仪 Service etiquette");
  l->body = g_strdup ("接待客户时起身相迎，微笑问候，双手递接物品。");
  g_ptr_array_add (lessons, l);
  g_assert_true (kefu_training_create_course (f->t->db, c, lessons, questions, &error));
  g_assert_no_error (error);
  g_assert_true (kefu_training_publish_course (f->t->db, c->id, &error));
  g_assert_no_error (error);
  return c;
}

/* Answers for the four questions; @right is a mask of which are right. */
static GPtrArray *
answers_for (KefuDb     *db,
             const char *course_id,
             guint       right)
{
  g_autoptr(GPtrArray) qs = kefu_training_list_questions (db, course_id, NULL);
  GPtrArray *answers = g_ptr_array_new_with_free_func ((GDestroyNotify) kefu_answer_free);

  g_assert_cmpuint (qs->len, ==, 4);
  for (guint i = 0; i < qs->len; i++)
    {
      KefuQuestion *q = qs->pdata[i];
      gboolean ok = (right & (1u << i)) != 0;

      if (q->kind == KEFU_QUESTION_SHORT)
        g_ptr_array_add (answers, kefu_answer_new (q->id, 0, ok ? "先向客户致歉，再核实运单号" : "请您稍等"));
      else
        g_ptr_array_add (answers, kefu_answer_new (q->id, ok ? q->correct : (q->correct ^ 1), NULL));
    }
  return answers;
}

static KefuAttempt *
take (Fixture    *f,
      const char *staff_id,
      const char *course_id,
      guint       right,
      gint64      seconds,
      GError    **error)
{
  g_autoptr(GPtrArray) answers = answers_for (f->t->db, course_id, right);
  gint64 now = kefu_cases_get_now (f->t->db);

  sign_in (f, staff_id);
  return kefu_training_submit (f->t->db, course_id, now - seconds * 1000, answers, error);
}

static gint64
assign (Fixture    *f,
        const char *course_id,
        const char *staff_id,
        const char *unit_id,
        const char *role,
        gint64      due_at,
        gboolean    managers_first)
{
  g_autoptr(GError) error = NULL;
  guint n = 0;

  sign_in (f, f->trainer);
  g_assert_true (kefu_training_assign (f->t->db, course_id, staff_id, unit_id, role, due_at, managers_first, &n, &error));
  g_assert_no_error (error);
  return n;
}

static int
count (Fixture    *f,
       const char *sql)
{
  return kefu_test_count (f->t->db, sql);
}

/* --- scoring --------------------------------------------------------- */

static void
test_grade_each_kind (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GPtrArray) qs = four_questions ();
  KefuQuestion *single = qs->pdata[0], *multiple = qs->pdata[1], *tf = qs->pdata[2], *sa = qs->pdata[3];
  g_autoptr(KefuAnswer) a = kefu_answer_new (NULL, 0, NULL);

  g_assert_cmpfloat (kefu_question_grade (single, NULL), ==, 0);
  a->choices = 1 << 1;
  g_assert_cmpfloat (kefu_question_grade (single, a), ==, 1);
  a->choices = 1 << 0;
  g_assert_cmpfloat (kefu_question_grade (single, a), ==, 0);

  /* Multiple choice: exactly the right boxes. */
  a->choices = (1 << 0) | (1 << 2);
  g_assert_cmpfloat (kefu_question_grade (multiple, a), ==, 1);
  a->choices = 1 << 0;
  g_assert_cmpfloat (kefu_question_grade (multiple, a), ==, 0);
  a->choices = 7;
  g_assert_cmpfloat (kefu_question_grade (multiple, a), ==, 0);

  a->choices = 2;   /* false */
  g_assert_cmpfloat (kefu_question_grade (tf, a), ==, 1);
  a->choices = 1;
  g_assert_cmpfloat (kefu_question_grade (tf, a), ==, 0);

  /* Short answer: the share of keywords found; alternatives, width, case
   * and spaces do not matter. */
  kefu_set_str (&a->text, "您好，非常抱歉！我马上核实一下您的运单号。");
  g_assert_cmpfloat (kefu_question_grade (sa, a), ==, 2.0 / 3);
  kefu_set_str (&a->text, "先 致 歉，然后核实运单号");
  g_assert_cmpfloat (kefu_question_grade (sa, a), ==, 1);
  kefu_set_str (&a->text, "請稍等");
  g_assert_cmpfloat (kefu_question_grade (sa, a), ==, 0);
  {
    g_autoptr(KefuQuestion) en = short_question ("What do you check first?", "Tracking Number,ID");

    kefu_set_str (&a->text, "the ＴＲＡＣＫＩＮＧ number and the customer's id card");
    g_assert_cmpfloat (kefu_question_grade (en, a), ==, 1);
  }
}

static void
test_pass_fail_and_retakes (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KefuCourse) best = make_course (f, "Claims handling", 75, 2, "best", 0);
  g_autoptr(KefuCourse) last = make_course (f, "索赔处理（最后一次计分）", 75, 0, "last", 0);
  g_autoptr(KefuAttempt) t1 = NULL, t2 = NULL, t3 = NULL, l1 = NULL, l2 = NULL;
  g_autoptr(GPtrArray) mine = NULL;
  g_autoptr(GPtrArray) stored = NULL;
  guint n_outbox;

  assign (f, best->id, f->a1, NULL, NULL, NOW + 30 * DAY_MS, FALSE);
  assign (f, last->id, f->a1, NULL, NULL, NOW + 30 * DAY_MS, FALSE);

  /* 3 of 4 right: 75 % passes a mark of 75; 2 of 4 fails. */
  t1 = take (f, f->a1, best->id, 0x1 | 0x4 | 0x8, 120, &error);
  g_assert_no_error (error);
  g_assert_cmpint (t1->score, ==, 75);
  g_assert_true (t1->passed);
  g_assert_cmpint (t1->time_ms, ==, 120000);
  t2 = take (f, f->a1, best->id, 0x1 | 0x2, 60, &error);
  g_assert_no_error (error);
  g_assert_cmpint (t2->score, ==, 50);
  g_assert_false (t2->passed);

  /* Two attempts allowed: the third is refused, nothing written. */
  n_outbox = count (f, "SELECT count(*) FROM outbox");
  t3 = take (f, f->a1, best->id, 0xf, 60, &error);
  g_assert_null (t3);
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (count (f, "SELECT count(*) FROM outbox"), ==, n_outbox);
  g_assert_false (kefu_training_check_start (f->t->db, best->id, NULL));

  /* The answers are stored with the points they earned. */
  stored = kefu_training_attempt_answers (f->t->db, t1->id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (stored->len, ==, 4);
  g_assert_cmpstr (((KefuAnswer *) stored->pdata[3])->text, ==, "先向客户致歉，再核实运单号");

  /* Last attempt counts: a pass followed by a fail is a fail now. */
  l1 = take (f, f->a1, last->id, 0xf, 30, &error);
  g_assert_no_error (error);
  g_assert_cmpint (l1->score, ==, 100);
  kefu_cases_set_clock (f->t->db, NOW + 1000);
  l2 = take (f, f->a1, last->id, 0x0, 30, &error);
  g_assert_no_error (error);
  g_assert_cmpint (l2->score, ==, 0);

  mine = kefu_training_list_mine (f->t->db, f->a1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (mine->len, ==, 2);
  for (guint i = 0; i < mine->len; i++)
    {
      KefuTrainingItem *it = mine->pdata[i];

      g_assert_cmpint (it->state, ==, KEFU_TRAINING_DONE);
      g_assert_cmpuint (it->n_attempts, ==, 2);
      if (g_str_equal (it->course_id, best->id))
        g_assert_cmpint (it->score, ==, 75);   /* the best of 75 and 50 */
      else
        g_assert_cmpint (it->score, ==, 0);    /* the last of 100 and 0 */
    }
}

static void
test_time_limit (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KefuCourse) c = make_course (f, "Prohibited items 禁寄物品", 60, 0, "best", 300);
  g_autoptr(KefuAttempt) late = NULL, in_grace = NULL;
  int n_attempts, n_outbox;

  assign (f, c->id, f->a2, NULL, NULL, NOW + 10 * DAY_MS, FALSE);
  n_attempts = count (f, "SELECT count(*) FROM attempt");
  n_outbox = count (f, "SELECT count(*) FROM outbox");

  /* 5 minutes allowed; answers after 5:10 are refused. */
  late = take (f, f->a2, c->id, 0xf, 310, &error);
  g_assert_null (late);
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "5"));
  g_clear_error (&error);
  g_assert_cmpint (count (f, "SELECT count(*) FROM attempt"), ==, n_attempts);
  g_assert_cmpint (count (f, "SELECT count(*) FROM outbox"), ==, n_outbox);

  /* Within the grace of a few seconds it counts. */
  in_grace = take (f, f->a2, c->id, 0xf, 303, &error);
  g_assert_no_error (error);
  g_assert_cmpint (in_grace->score, ==, 100);
}

/* --- courses: writes and bad input ----------------------------------- */

static void
test_course_is_synced (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KefuCourse) c = kefu_course_new ();
  g_autoptr(GPtrArray) lessons = g_ptr_array_new_with_free_func ((GDestroyNotify) kefu_lesson_free);
  g_autoptr(GPtrArray) questions = four_questions ();
  g_autoptr(GPtrArray) read = NULL;
  g_autoptr(GPtrArray) read_q = NULL;
  g_autofree char *article = kefu_uuid7_new ();
  g_autofree char *sql = g_strdup_printf ("INSERT INTO kb_article (id, title, body, status) VALUES ('%s',"
                                          " '破损包裹的处理流程', '1. 向客户致歉\n2. 拍照留证', 'published')", article);
  KefuLesson *from_article = g_new0 (KefuLesson, 1);
  KefuLesson *own = g_new0 (KefuLesson, 1);
  KefuQuestion *q;

  g_assert_true (kefu_db_exec (f->t->db, sql, NULL));
  from_article->article_id = g_strdup (article);
  own->title = g_strdup ("Answering the phone");
  own->body = g_strdup ("Greet the caller within three rings.");
  g_ptr_array_add (lessons, from_article);
  g_ptr_array_add (lessons, own);
  c->title = g_strdup ("  投诉处理 Complaint handling ");
  sign_in (f, f->trainer);
  g_assert_true (kefu_training_create_course (f->t->db, c, lessons, questions, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (c->title, ==, "投诉处理 Complaint handling");

  /* One course, two lessons, four questions: each with its audit and
   * outbox entry, the same HLC stamp on row and outbox. */
  g_assert_cmpint (count (f, "SELECT count(*) FROM outbox WHERE entity IN ('course','lesson','quiz_question')"), ==, 7);
  g_assert_cmpint (count (f, "SELECT count(*) FROM audit_log WHERE entity IN ('course','lesson','quiz_question')"), ==, 7);
  g_assert_cmpint (count (f, "SELECT count(*) FROM course c JOIN outbox o ON o.row_id = c.id AND o.hlc = c.hlc"), ==, 1);

  read = kefu_training_list_lessons (f->t->db, c->id, &error);
  g_assert_cmpuint (read->len, ==, 2);
  /* The lesson shows the article: its title and body, read live. */
  g_assert_cmpstr (((KefuLesson *) read->pdata[0])->title, ==, "破损包裹的处理流程");
  g_assert_cmpstr (((KefuLesson *) read->pdata[0])->body, ==, "1. 向客户致歉\n2. 拍照留证");
  g_assert_cmpstr (((KefuLesson *) read->pdata[1])->body, ==, "Greet the caller within three rings.");

  read_q = kefu_training_list_questions (f->t->db, c->id, &error);
  g_assert_cmpuint (read_q->len, ==, 4);
  q = read_q->pdata[1];
  g_assert_cmpint (q->kind, ==, KEFU_QUESTION_MULTIPLE);
  g_assert_cmpuint (q->correct, ==, 5);
  g_assert_cmpuint (g_strv_length (q->choices), ==, 3);
  q = read_q->pdata[3];
  g_assert_cmpint (q->kind, ==, KEFU_QUESTION_SHORT);
  g_assert_cmpstr (q->keywords[0], ==, "道歉|致歉");

  /* Edit a question and the course; a stale version is refused. */
  kefu_set_str (&q->text, "客户投诉包裹破损时，应先做什么？");
  g_assert_true (kefu_training_save_question (f->t->db, q, &error));
  g_assert_no_error (error);
  g_assert_cmpint (q->version, ==, 2);
  c->pass_mark = 80;
  g_assert_true (kefu_training_update_course (f->t->db, c, &error));
  g_assert_no_error (error);
  c->version = 1;
  g_assert_false (kefu_training_update_course (f->t->db, c, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_CONFLICT);
  g_clear_error (&error);

  /* Deleting tombstones the course with its lessons and questions. */
  g_assert_true (kefu_training_delete_course (f->t->db, c->id, &error));
  g_assert_no_error (error);
  g_assert_cmpint (count (f, "SELECT count(*) FROM lesson WHERE deleted = 0"), ==, 0);
  g_assert_cmpint (count (f, "SELECT count(*) FROM quiz_question WHERE deleted = 0"), ==, 0);
  g_assert_cmpint (count (f, "SELECT count(*) FROM outbox WHERE op = 'delete'"), ==, 7);
}

typedef void (*Spoil) (KefuCourse *c, GPtrArray *lessons, GPtrArray *questions);

static void spoil_title (KefuCourse *c, GPtrArray *l, GPtrArray *q) { kefu_set_str (&c->title, "   "); }
static void spoil_pass_mark (KefuCourse *c, GPtrArray *l, GPtrArray *q) { c->pass_mark = 101; }
static void spoil_negative_mark (KefuCourse *c, GPtrArray *l, GPtrArray *q) { c->pass_mark = -1; }
static void spoil_no_correct (KefuCourse *c, GPtrArray *l, GPtrArray *q) { ((KefuQuestion *) q->pdata[0])->correct = 0; }
static void spoil_two_correct (KefuCourse *c, GPtrArray *l, GPtrArray *q) { ((KefuQuestion *) q->pdata[0])->correct = 3; }
static void spoil_tf (KefuCourse *c, GPtrArray *l, GPtrArray *q) { ((KefuQuestion *) q->pdata[2])->correct = 0; }
static void spoil_no_keywords (KefuCourse *c, GPtrArray *l, GPtrArray *q)
{
  KefuQuestion *sa = q->pdata[3];

  g_strfreev (sa->keywords);
  sa->keywords = g_strsplit (" , ", ",", -1);
}
static void spoil_one_choice (KefuCourse *c, GPtrArray *l, GPtrArray *q)
{
  KefuQuestion *single = q->pdata[0];

  g_strfreev (single->choices);
  single->choices = g_strsplit ("只有一个选项", ",", -1);
  single->correct = 1;
}
static void spoil_lesson (KefuCourse *c, GPtrArray *l, GPtrArray *q) { kefu_set_str (&((KefuLesson *) l->pdata[0])->body, ""); }
static void spoil_contest (KefuCourse *c, GPtrArray *l, GPtrArray *q)
{
  c->is_contest = TRUE;
  c->opens_at = NOW;
  c->closes_at = NOW - 1;
}

static void
test_bad_input_writes_nothing (Fixture       *f,
                               gconstpointer  data)
{
  static const struct { Spoil spoil; const char *says; } cases[] = {
    { spoil_title, "title" },
    { spoil_pass_mark, "0 to 100" },
    { spoil_negative_mark, "0 to 100" },
    { spoil_no_correct, "Question 1: mark the correct answer" },
    { spoil_two_correct, "Question 1: a single-choice question has exactly one" },
    { spoil_tf, "Question 3" },
    { spoil_no_keywords, "Question 4: give the keywords" },
    { spoil_one_choice, "Question 1: a choice question needs at least two choices" },
    { spoil_lesson, "Lesson 1" },
    { spoil_contest, "close after it opens" },
  };
  int before = count (f, "SELECT (SELECT count(*) FROM course) + (SELECT count(*) FROM lesson)"
                         " + (SELECT count(*) FROM quiz_question) + (SELECT count(*) FROM outbox)");

  sign_in (f, f->trainer);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(KefuCourse) c = kefu_course_new ();
      g_autoptr(GPtrArray) lessons = g_ptr_array_new_with_free_func ((GDestroyNotify) kefu_lesson_free);
      g_autoptr(GPtrArray) questions = four_questions ();
      KefuLesson *l = g_new0 (KefuLesson, 1);

      c->title = g_strdup ("服务礼仪");
      l->title = g_strdup ("Lesson");
      l->body = g_strdup ("Text");
      g_ptr_array_add (lessons, l);
      cases[i].spoil (c, lessons, questions);
      g_assert_false (kefu_training_create_course (f->t->db, c, lessons, questions, &error));
      g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
      g_test_message ("%s", error->message);
      g_assert_nonnull (strstr (error->message, cases[i].says));
      g_assert_null (c->id);
    }
  g_assert_cmpint (count (f, "SELECT (SELECT count(*) FROM course) + (SELECT count(*) FROM lesson)"
                             " + (SELECT count(*) FROM quiz_question) + (SELECT count(*) FROM outbox)"), ==, before);

  /* A question added later to an existing course is checked the same. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(KefuCourse) c = make_course (f, "Etiquette", 60, 0, "best", 0);
    g_autoptr(KefuQuestion) q = choice_question (KEFU_QUESTION_MULTIPLE, "Pick", 0, "A", "B", NULL);

    q->course_id = g_strdup (c->id);
    g_assert_false (kefu_training_save_question (f->t->db, q, &error));
    g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
    g_assert_cmpint (count (f, "SELECT count(*) FROM quiz_question WHERE deleted = 0"), ==, 4);
  }
}

/* --- assignments ----------------------------------------------------- */

static void
test_assignments_and_states (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KefuCourse) etiquette = make_course (f, "服务礼仪 Service etiquette", 60, 0, "best", 0);
  g_autoptr(KefuCourse) claims = make_course (f, "Claims handling", 60, 0, "best", 0);
  g_autoptr(KefuCourse) banned = make_course (f, "禁寄物品 Prohibited items", 60, 0, "best", 0);
  g_autoptr(KefuAttempt) done = NULL;
  g_autoptr(GPtrArray) mine = NULL;
  g_autoptr(GPtrArray) people = NULL;
  guint n_before;

  /* Branch B1 (3 people), managers first: its supervisor is due a week
   * earlier. */
  g_assert_cmpint (assign (f, etiquette->id, NULL, f->b1, NULL, NOW + 20 * DAY_MS, TRUE), ==, 3);
  g_assert_cmpint (count (f, "SELECT count(*) FROM assignment a JOIN staff s ON s.id = a.staff_id"
                             " WHERE s.role = 'supervisor' AND a.due_at = 1780275600000 + 13 * 86400000"), ==, 1);
  g_assert_cmpint (count (f, "SELECT count(*) FROM assignment a JOIN staff s ON s.id = a.staff_id"
                             " WHERE s.role = 'agent' AND a.due_at = 1780275600000 + 20 * 86400000"), ==, 2);
  /* Assigning again skips who has it; the whole province adds B2. */
  g_assert_cmpint (assign (f, etiquette->id, NULL, f->b1, NULL, NOW + 20 * DAY_MS, TRUE), ==, 0);
  g_assert_cmpint (assign (f, etiquette->id, NULL, f->p1, NULL, NOW + 20 * DAY_MS, TRUE), ==, 3);  /* trainer, sup2, a3 */
  /* By role: every agent (a4 in P2 too); one person. */
  g_assert_cmpint (assign (f, claims->id, NULL, NULL, "agent", NOW + 3 * DAY_MS, FALSE), ==, 4);
  g_assert_cmpint (assign (f, banned->id, f->a1, NULL, NULL, NOW + 40 * DAY_MS, FALSE), ==, 1);

  /* Bad assignments write nothing. */
  n_before = count (f, "SELECT count(*) FROM assignment");
  g_assert_false (kefu_training_assign (f->t->db, claims->id, NULL, NULL, NULL, NOW + DAY_MS, FALSE, NULL, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (kefu_training_assign (f->t->db, claims->id, f->a1, NULL, NULL, NOW - DAY_MS, FALSE, NULL, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (count (f, "SELECT count(*) FROM assignment"), ==, n_before);

  /* a1 passes the prohibited-items course. */
  done = take (f, f->a1, banned->id, 0xf, 90, &error);
  g_assert_no_error (error);

  /* Two weeks on: claims (due in 3 days) is overdue, etiquette (due in
   * 20) is due within the week, the other one done. */
  kefu_cases_set_clock (f->t->db, NOW + 14 * DAY_MS);
  mine = kefu_training_list_mine (f->t->db, f->a1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (mine->len, ==, 3);
  g_assert_cmpstr (((KefuTrainingItem *) mine->pdata[0])->course_id, ==, claims->id);
  g_assert_cmpint (((KefuTrainingItem *) mine->pdata[0])->state, ==, KEFU_TRAINING_OVERDUE);
  g_assert_cmpint (((KefuTrainingItem *) mine->pdata[0])->score, ==, -1);
  g_assert_cmpstr (((KefuTrainingItem *) mine->pdata[1])->course_id, ==, etiquette->id);
  g_assert_cmpint (((KefuTrainingItem *) mine->pdata[1])->state, ==, KEFU_TRAINING_DUE);
  g_assert_cmpint (((KefuTrainingItem *) mine->pdata[2])->state, ==, KEFU_TRAINING_DONE);
  g_assert_cmpint (((KefuTrainingItem *) mine->pdata[2])->score, ==, 100);
  kefu_cases_set_clock (f->t->db, NOW - 20 * DAY_MS);
  g_clear_pointer (&mine, g_ptr_array_unref);
  mine = kefu_training_list_mine (f->t->db, f->a1, &error);
  g_assert_cmpint (((KefuTrainingItem *) mine->pdata[0])->state, ==, KEFU_TRAINING_ASSIGNED);
  kefu_cases_set_clock (f->t->db, NOW);

  /* Completion of etiquette in B1: managers first. */
  sign_in (f, f->trainer);
  people = kefu_training_completion_people (f->t->db, etiquette->id, f->b1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (people->len, ==, 3);
  g_assert_cmpstr (((KefuCompletionRow *) people->pdata[0])->staff_id, ==, f->sup1);
  g_assert_cmpstr (((KefuCompletionRow *) people->pdata[0])->role, ==, "supervisor");
}

static KefuUnitCompletion *
unit_row (GPtrArray  *units,
          const char *id)
{
  for (guint i = 0; i < units->len; i++)
    if (g_str_equal (((KefuUnitCompletion *) units->pdata[i])->unit_id, id))
      return units->pdata[i];
  return NULL;
}

static void
test_completion_per_branch (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KefuCourse) c = make_course (f, "投诉处理 Complaint handling", 75, 0, "best", 0);
  g_autoptr(GPtrArray) province = NULL;
  g_autoptr(GPtrArray) all = NULL;
  g_autofree char *path = g_build_filename (f->t->dir, "completion.xlsx", NULL);
  g_autofree char *contents = NULL;
  KefuUnitCompletion *u;
  gsize len;

  g_assert_cmpint (assign (f, c->id, NULL, NULL, "agent", NOW + 5 * DAY_MS, FALSE), ==, 4);
  g_assert_cmpint (assign (f, c->id, NULL, NULL, "supervisor", NOW + 5 * DAY_MS, FALSE), ==, 2);
  /* B1: a1 passes (100), a2 fails (50) then passes (75); sup1 nothing.
   * B2: a3 fails (25). B3: a4 passes (100). */
  kefu_attempt_free (take (f, f->a1, c->id, 0xf, 60, &error));
  kefu_attempt_free (take (f, f->a2, c->id, 0x3, 60, &error));
  kefu_attempt_free (take (f, f->a2, c->id, 0x7, 60, &error));
  kefu_attempt_free (take (f, f->a3, c->id, 0x1, 60, &error));
  kefu_attempt_free (take (f, f->a4, c->id, 0xf, 60, &error));
  g_assert_no_error (error);

  kefu_cases_set_clock (f->t->db, NOW + 6 * DAY_MS);
  sign_in (f, f->trainer);
  province = kefu_training_completion_units (f->t->db, c->id, f->p1, &error);
  g_assert_no_error (error);
  /* The province's branches only (B1, B2), not B3 in the other one. */
  g_assert_cmpuint (province->len, ==, 2);
  u = unit_row (province, f->b1);
  g_assert_cmpuint (u->n_assigned, ==, 3);
  g_assert_cmpuint (u->n_done, ==, 2);
  g_assert_cmpuint (u->n_overdue, ==, 1);
  g_assert_cmpfloat_with_epsilon (u->avg_score, (100 + 75) / 2.0, 1e-9);
  u = unit_row (province, f->b2);
  g_assert_cmpuint (u->n_assigned, ==, 2);
  g_assert_cmpuint (u->n_done, ==, 0);
  g_assert_cmpuint (u->n_overdue, ==, 2);
  g_assert_cmpfloat_with_epsilon (u->avg_score, 25, 1e-9);
  g_assert_null (unit_row (province, f->b3));

  /* The scopes the view offers: provinces and cities, branches too. */
  {
    g_autoptr(GPtrArray) scopes = kefu_training_list_units (f->t->db, FALSE, &error);
    g_autoptr(GPtrArray) with_branches = kefu_training_list_units (f->t->db, TRUE, &error);

    g_assert_cmpuint (scopes->len, ==, 4);
    g_assert_cmpuint (with_branches->len, ==, 8);
    g_assert_cmpstr (((KefuOrgUnit *) scopes->pdata[0])->code, ==, "GD");
  }
  all = kefu_training_completion_units (f->t->db, NULL, NULL, &error);
  g_assert_cmpuint (all->len, ==, 3 + 1);   /* and the office branch TEST01 */
  g_assert_cmpuint (unit_row (all, f->b3)->n_done, ==, 1);

  g_assert_true (kefu_training_export_completion (f->t->db, c->id, f->p1, path, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  g_assert_cmpuint (len, >, 1000);
  g_assert_true (contents[0] == 'P' && contents[1] == 'K');   /* a zip, as xlsx is */
}

/* --- contests -------------------------------------------------------- */

static void
test_contest_ranking (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KefuCourse) c = kefu_course_new ();
  g_autoptr(GPtrArray) questions = four_questions ();
  g_autoptr(GPtrArray) board = NULL;
  g_autoptr(GPtrArray) b1_board = NULL;
  g_autoptr(GPtrArray) standings = NULL;
  g_autoptr(GPtrArray) mine = NULL;
  g_autoptr(KefuAttempt) early = NULL;
  const char *order[5];

  c->title = g_strdup ("2026年服务技能大比武");
  c->is_contest = TRUE;
  c->opens_at = NOW;
  c->closes_at = NOW + 7 * DAY_MS;
  c->time_limit_s = 600;
  c->max_attempts = 2;
  sign_in (f, f->trainer);
  g_assert_true (kefu_training_create_course (f->t->db, c, NULL, questions, &error));
  g_assert_true (kefu_training_publish_course (f->t->db, c->id, &error));
  g_assert_no_error (error);

  /* Not open yet. */
  kefu_cases_set_clock (f->t->db, NOW - HOUR_MS);
  early = take (f, f->a1, c->id, 0xf, 10, &error);
  g_assert_null (early);
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
  g_clear_error (&error);
  kefu_cases_set_clock (f->t->db, NOW + HOUR_MS);

  /* Open to everyone without an assignment, listed in My Training. */
  mine = kefu_training_list_mine (f->t->db, f->a4, &error);
  g_assert_cmpuint (mine->len, ==, 1);
  g_assert_true (((KefuTrainingItem *) mine->pdata[0])->is_contest);

  /* Scores, then time: a1 100 % in 200 s, a2 100 % in 150 s, a3 and sup1
   * tie at 75 % in 100 s, a4 75 % in 300 s. a1's second, worse try does
   * not count (best attempt). */
  kefu_attempt_free (take (f, f->a1, c->id, 0xf, 200, &error));
  kefu_attempt_free (take (f, f->a1, c->id, 0x1, 100, &error));
  kefu_attempt_free (take (f, f->a2, c->id, 0xf, 150, &error));
  kefu_attempt_free (take (f, f->a3, c->id, 0x7, 100, &error));
  kefu_attempt_free (take (f, f->sup1, c->id, 0x7, 100, &error));
  kefu_attempt_free (take (f, f->a4, c->id, 0x7, 300, &error));
  g_assert_no_error (error);

  board = kefu_training_leaderboard (f->t->db, c->id, NULL, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (board->len, ==, 5);
  order[0] = f->a2; order[1] = f->a1;
  for (guint i = 0; i < 2; i++)
    {
      KefuLeaderboardEntry *e = board->pdata[i];

      g_assert_cmpstr (e->staff_id, ==, order[i]);
      g_assert_cmpuint (e->rank, ==, i + 1);
      g_assert_cmpint (e->score, ==, 100);
    }
  g_assert_cmpint (((KefuLeaderboardEntry *) board->pdata[1])->time_ms, ==, 200000);
  /* The tie shares third place; the next is fifth. */
  g_assert_cmpuint (((KefuLeaderboardEntry *) board->pdata[2])->rank, ==, 3);
  g_assert_cmpuint (((KefuLeaderboardEntry *) board->pdata[3])->rank, ==, 3);
  g_assert_cmpuint (((KefuLeaderboardEntry *) board->pdata[4])->rank, ==, 5);
  g_assert_cmpstr (((KefuLeaderboardEntry *) board->pdata[4])->staff_id, ==, f->a4);

  /* Per branch: B1 ranks its own people from 1. */
  b1_board = kefu_training_leaderboard (f->t->db, c->id, f->b1, 0, &error);
  g_assert_cmpuint (b1_board->len, ==, 3);
  g_assert_cmpstr (((KefuLeaderboardEntry *) b1_board->pdata[2])->staff_id, ==, f->sup1);
  g_assert_cmpuint (((KefuLeaderboardEntry *) b1_board->pdata[2])->rank, ==, 3);

  /* Branches by average: B1 (100, 100, 75) before B3 (75), B2 (75, faster). */
  standings = kefu_training_branch_standings (f->t->db, c->id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (standings->len, ==, 3);
  g_assert_cmpstr (((KefuBranchStanding *) standings->pdata[0])->unit_id, ==, f->b1);
  g_assert_cmpstr (((KefuBranchStanding *) standings->pdata[1])->unit_id, ==, f->b2);
  g_assert_cmpstr (((KefuBranchStanding *) standings->pdata[2])->unit_id, ==, f->b3);

  /* Closed: no more answers. */
  kefu_cases_set_clock (f->t->db, NOW + 8 * DAY_MS);
  g_assert_null (take (f, f->a3, c->id, 0xf, 10, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
}

/* --- permissions ----------------------------------------------------- */

static void
test_permissions (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KefuCourse) c = make_course (f, "Etiquette", 60, 0, "best", 0);
  g_autoptr(KefuCourse) draft = kefu_course_new ();
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GPtrArray) report = NULL;

  /* Agents take courses; they do not build, assign, or read others'. */
  sign_in (f, f->a1);
  g_assert_false (kefu_training_may_build (f->t->db));
  g_assert_false (kefu_training_may_assign (f->t->db));
  draft->title = g_strdup ("Mine");
  g_assert_false (kefu_training_create_course (f->t->db, draft, NULL, NULL, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_PERMISSION);
  g_clear_error (&error);
  g_assert_false (kefu_training_assign (f->t->db, c->id, f->a1, NULL, NULL, NOW + DAY_MS, FALSE, NULL, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_PERMISSION);
  g_clear_error (&error);
  report = kefu_training_completion_units (f->t->db, NULL, NULL, &error);
  g_assert_null (report);
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_PERMISSION);
  g_clear_error (&error);
  g_assert_false (kefu_training_delete_course (f->t->db, c->id, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_PERMISSION);
  g_clear_error (&error);
  /* Not assigned: cannot take it. */
  g_assert_false (kefu_training_check_start (f->t->db, c->id, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
  g_clear_error (&error);

  /* Drafts are not listed for agents. */
  sign_in (f, f->trainer);
  g_assert_true (kefu_training_create_course (f->t->db, draft, NULL, NULL, &error));
  g_assert_no_error (error);
  list = kefu_training_list_courses (f->t->db, NULL);
  g_assert_cmpuint (list->len, ==, 2);
  g_clear_pointer (&list, g_ptr_array_unref);
  sign_in (f, f->a1);
  list = kefu_training_list_courses (f->t->db, NULL);
  g_assert_cmpuint (list->len, ==, 1);

  /* Supervisors assign and read completion but do not build; they
   * assign only within their own branch. */
  sign_in (f, f->sup1);
  g_assert_false (kefu_training_may_build (f->t->db));
  g_assert_false (kefu_training_assign (f->t->db, c->id, NULL, f->b2, NULL, NOW + DAY_MS * 3, FALSE, NULL, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_PERMISSION);
  g_clear_error (&error);
  g_assert_false (kefu_training_assign (f->t->db, c->id, f->a4, NULL, NULL, NOW + DAY_MS * 3, FALSE, NULL, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_PERMISSION);
  g_clear_error (&error);
  g_assert_cmpint (count (f, "SELECT count(*) FROM assignment"), ==, 0);
  /* A role alone: the agents of the supervisor's branch only. */
  {
    guint n = 0;

    g_assert_true (kefu_training_assign (f->t->db, c->id, NULL, NULL, "agent", NOW + DAY_MS * 3, FALSE, &n, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (n, ==, 2);
  }
  g_assert_true (kefu_training_assign (f->t->db, c->id, NULL, f->b1, "agent", NOW + DAY_MS * 3, FALSE, NULL, &error));
  g_assert_no_error (error);
  g_clear_pointer (&report, g_ptr_array_unref);
  report = kefu_training_completion_people (f->t->db, c->id, f->b1, &error);
  g_assert_cmpuint (report->len, ==, 2);

  /* A draft cannot be assigned, or published empty. */
  sign_in (f, f->admin);
  g_assert_false (kefu_training_assign (f->t->db, draft->id, f->a1, NULL, NULL, NOW + DAY_MS, FALSE, NULL, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (kefu_training_publish_course (f->t->db, draft->id, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
}

/* --- sample data ---------------------------------------------------- */

static void
sample_totals (guint32  seed,
               int     *n_attempts,
               int     *score_sum)
{
  g_autoptr(KefuTestDb) t = kefu_test_db_new (FALSE);
  g_autoptr(GError) error = NULL;
  KefuSampleOptions opts = kefu_sample_default_options ();
  g_autoptr(GPtrArray) courses = NULL;
  g_autoptr(GPtrArray) board = NULL;
  g_autoptr(GPtrArray) mine = NULL;
  KefuCourse *contest;

  opts.seed = seed;
  opts.n_customers = 10;
  /* In the order of the first-run "sample data" choice: cases first. */
  g_assert_true (kefu_sample_generate (t->db, &opts, NULL, NULL, &error));
  g_assert_true (kefu_sample_generate_cases (t->db, seed, 200, NULL, NULL, &error));
  g_assert_true (kefu_sample_generate_training (t->db, seed, &error));
  g_assert_no_error (error);

  courses = kefu_training_list_courses (t->db, &error);
  g_assert_cmpuint (courses->len, ==, 5);
  contest = courses->pdata[4];
  g_assert_true (contest->is_contest);
  board = kefu_training_leaderboard (t->db, contest->id, NULL, 0, &error);
  g_assert_cmpuint (board->len, >, 10);
  g_assert_cmpuint (((KefuLeaderboardEntry *) board->pdata[0])->rank, ==, 1);
  /* The signed-in administrator still has work to do. */
  mine = kefu_training_list_mine (t->db, NULL, &error);
  g_assert_cmpuint (mine->len, ==, 5);
  g_assert_cmpint (((KefuTrainingItem *) mine->pdata[0])->state, !=, KEFU_TRAINING_DONE);
  /* Every write went through the change log. */
  g_assert_cmpint (kefu_test_count (t->db, "SELECT count(*) FROM attempt"), ==,
                   kefu_test_count (t->db, "SELECT count(*) FROM outbox WHERE entity = 'attempt'"));
  *n_attempts = kefu_test_count (t->db, "SELECT count(*) FROM attempt");
  *score_sum = kefu_test_count (t->db, "SELECT sum (score) FROM attempt");
}

static void
test_sample_is_deterministic (void)
{
  int n1, s1, n2, s2;

  sample_totals (7, &n1, &s1);
  sample_totals (7, &n2, &s2);
  g_assert_cmpint (n1, >, 100);
  g_assert_cmpint (n1, ==, n2);
  g_assert_cmpint (s1, ==, s2);
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);

#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("/training/grade/each-kind", test_grade_each_kind);
  ADD ("/training/attempts/pass-fail-and-retakes", test_pass_fail_and_retakes);
  ADD ("/training/attempts/time-limit", test_time_limit);
  ADD ("/training/courses/synced-writes", test_course_is_synced);
  ADD ("/training/courses/bad-input-writes-nothing", test_bad_input_writes_nothing);
  ADD ("/training/assignments/states-and-managers-first", test_assignments_and_states);
  ADD ("/training/completion/per-branch-and-province", test_completion_per_branch);
  ADD ("/training/contest/ranking", test_contest_ranking);
  ADD ("/training/permissions", test_permissions);
#undef ADD
  g_test_add_func ("/training/sample/deterministic", test_sample_is_deterministic);

  return g_test_run ();
}
