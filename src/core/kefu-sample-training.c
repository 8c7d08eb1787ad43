/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "kefu-sample"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <stdlib.h>

#include "kefu-cases.h"
#include "kefu-org.h"
#include "kefu-sample-training.h"
#include "kefu-training.h"

#define DAY_MS G_GINT64_CONSTANT (86400000)

/* Questions as text: kind, question, choices separated by '|' (choice
 * kinds), the answer: the correct choices' numbers ("0", "0,2"), "T" or
 * "F", or keywords separated by ',' (alternatives by '|'). */
typedef struct
{
  KefuQuestionKind  kind;
  const char       *text;
  const char       *choices;
  const char       *answer;
} SampleQuestion;

typedef struct
{
  const char *title;
  const char *body;
} SampleLesson;

typedef struct
{
  const char           *title;
  const char           *description;
  gint                  pass_mark;
  gint                  time_limit_min;
  gint                  max_attempts;
  gboolean              contest;
  gint                  due_days;      /* from today; negative: already past */
  const SampleLesson   *lessons;
  guint                 n_lessons;
  const SampleQuestion *questions;
  guint                 n_questions;
  const char           *kb_article;   /* a published article whose title is LIKE this: a lesson */
} SampleCourse;

static const SampleLesson etiquette_lessons[] = {
  { "迎客与问候", "客户走近柜台时，营业员应起身或目视客户，微笑问候：“您好，请问有什么可以帮您？”。"
                  "递接单据、证件和包裹时用双手，递笔时笔尖朝向自己。客户离开时说“请慢走，欢迎再来”。" },
  { "电话礼仪", "电话铃响三声之内接听，先报营业部名称和工号：“您好，XX营业部，工号1023，很高兴为您服务”。"
                "通话中不打断客户，复述要点确认；结束时待客户先挂机。" },
  { "仪容仪表", "上岗统一着工装、佩戴工牌；头发整洁，不佩戴夸张饰品；柜台上不摆放私人物品和食物。" },
};

static const SampleQuestion etiquette_questions[] = {
  { KEFU_QUESTION_SINGLE, "电话铃响后，应在几声之内接听？", "一声|三声|五声|没有要求", "1" },
  { KEFU_QUESTION_TRUE_FALSE, "通话结束时，营业员应先挂断电话以节省时间。", NULL, "F" },
  { KEFU_QUESTION_MULTIPLE, "以下哪些做法符合柜台服务礼仪？", "双手递接证件|递笔时笔尖朝向客户|客户离开时道别|柜台上摆放早餐", "0,2" },
  { KEFU_QUESTION_SHORT, "接听客户电话时的第一句话应包含哪些内容？", NULL, "您好,营业部,工号" },
};

static const SampleLesson claims_lessons[] = {
  { "When a parcel is lost or damaged",
    "Take the claim at first contact: record the tracking number, the declared value, whether the item was insured, "
    "and photos of the packaging and contents. Tell the customer the time limit for a decision and give them the case "
    "number." },
  { "Authorization limits",
    "Each staff member has a compensation limit. A decision above it goes to a supervisor for approval; the approval is "
    "recorded on the case. Never promise an amount before the decision." },
  { "Paying and closing",
    "Insured items are compensated at the declared value; uninsured items at up to three times the postage. Record the "
    "payment date and reference, then close the case and schedule the follow-up call." },
};

static const SampleQuestion claims_questions[] = {
  { KEFU_QUESTION_SINGLE, "An uninsured parcel is lost. What is the usual compensation?",
    "The declared value|Up to three times the postage|Nothing|Whatever the customer asks", "1" },
  { KEFU_QUESTION_MULTIPLE, "What do you record when taking a damage claim?",
    "Tracking number|Photos of packaging and contents|The customer's salary|Declared value", "0,1,3" },
  { KEFU_QUESTION_TRUE_FALSE, "An agent may approve a compensation above their own authorization limit if the customer "
    "is a key account.", NULL, "F" },
  { KEFU_QUESTION_SHORT, "What must be recorded before a paid claim is closed?", NULL, "payment date|paid on,reference" },
  { KEFU_QUESTION_SINGLE, "Who approves a decision above your limit?", "A colleague|A courier|A supervisor|The customer",
    "2" },
};

static const SampleLesson banned_lessons[] = {
  { "禁止寄递物品", "枪支弹药、管制刀具、易燃易爆物品（汽油、酒精、烟花爆竹）、毒品、放射性物质、"
                    "活体动物以及国家明令禁止流通的物品，一律不得收寄。" },
  { "限制寄递物品", "锂电池须安装在设备中寄递，单独的锂电池、充电宝按规定限量；液体须密封并使用防漏包装；"
                    "香水、指甲油等属于易燃液体，航空件不得收寄。" },
  { "开箱验视", "收寄时应当场验视内件，核对寄件人身份证件，实名登记。拒绝验视的，不予收寄。" },
};

static const SampleQuestion banned_questions[] = {
  { KEFU_QUESTION_MULTIPLE, "以下哪些物品禁止寄递？", "汽油|书籍|烟花爆竹|衣物", "0,2" },
  { KEFU_QUESTION_TRUE_FALSE, "客户拒绝开箱验视的包裹，不予收寄。", NULL, "T" },
  { KEFU_QUESTION_SINGLE, "单独的充电宝应如何处理？", "随意收寄|按规定限量收寄|必须拆开|交给投递员", "1" },
  { KEFU_QUESTION_SHORT, "收寄包裹时必须做的两件事是什么？", NULL, "验视|开箱,实名" },
};

static const SampleLesson complaint_lessons[] = {
  { "首问负责制", "第一个接到客户投诉的员工就是首问责任人，即使工单转给其他部门，也要跟踪到底，直到问题解决并回访客户。" },
  { "Listening first",
    "Let the customer finish. Apologise for the trouble, repeat the facts back, and say what you will do and by when. "
    "Do not argue about who is to blame." },
  { "升级与回访", "超过服务时限或客户不满意的投诉要及时升级给主管。处理完毕后进行回访，记录满意度。" },
};

static const SampleQuestion complaint_questions[] = {
  { KEFU_QUESTION_SINGLE, "工单转给投递部后，首问责任人应该：", "不再过问|跟踪到问题解决|通知客户自行联系|删除工单", "1" },
  { KEFU_QUESTION_SHORT, "客户投诉包裹破损，你首先应该怎么做？", NULL, "道歉|致歉|抱歉,核实|查询" },
  { KEFU_QUESTION_TRUE_FALSE, "The agent should first establish whether the customer is to blame.", NULL, "F" },
  { KEFU_QUESTION_MULTIPLE, "哪些情况应升级给主管？", "超过服务时限|客户仍不满意|客户询问营业时间|赔偿超出授权额度",
    "0,1,3" },
};

static const SampleQuestion contest_questions[] = {
  { KEFU_QUESTION_SINGLE, "查询类工单的首次响应时限一般是多少？", "1个工作小时|1天|3天|没有时限", "0" },
  { KEFU_QUESTION_MULTIPLE, "以下哪些属于禁寄物品？", "管制刀具|毒品|茶叶|放射性物质", "0,1,3" },
  { KEFU_QUESTION_TRUE_FALSE, "未保价的包裹丢失，最多按邮费的三倍赔偿。", NULL, "T" },
  { KEFU_QUESTION_SHORT, "A customer calls about a late parcel. Name two things you ask for.", NULL,
    "tracking|waybill,phone|name" },
  { KEFU_QUESTION_SINGLE, "客户在柜台大声抱怨时，正确的做法是：", "与客户争辩|请客户离开|耐心倾听并致歉|叫保安", "2" },
  { KEFU_QUESTION_TRUE_FALSE, "首问责任人在工单转出后就不再负责。", NULL, "F" },
  { KEFU_QUESTION_SHORT, "回访时需要记录客户的哪两项评价？", NULL, "满意度,推荐" },
  { KEFU_QUESTION_MULTIPLE, "Which of these are case kinds in Kefu?", "Complaint|Compensation claim|Holiday|Inquiry",
    "0,1,3" },
};

#define N(a) G_N_ELEMENTS (a)

static const SampleCourse courses[] = {
  { "服务礼仪 Service etiquette", "柜台与电话服务的基本礼仪。", 75, 15, 3, FALSE, 20,
    etiquette_lessons, N (etiquette_lessons), etiquette_questions, N (etiquette_questions), NULL },
  { "Handling compensation claims", "From taking a claim at first contact to paying and closing it.", 80, 20, 2, FALSE, 5,
    claims_lessons, N (claims_lessons), claims_questions, N (claims_questions), NULL },
  { "禁寄物品识别", "哪些物品禁止或限制寄递，以及如何开箱验视。", 75, 10, 0, FALSE, -3,
    banned_lessons, N (banned_lessons), banned_questions, N (banned_questions), "禁寄物品与限寄规定%" },
  { "投诉处理与首问负责制 Complaint handling", "倾听、致歉、跟踪到底。", 60, 0, 0, FALSE, 30,
    complaint_lessons, N (complaint_lessons), complaint_questions, N (complaint_questions), NULL },
  { "2026年服务技能大比武", "全网客服人员技能比武：20分钟，限答一次，按得分和用时排名。", 60, 20, 1, TRUE, 6,
    NULL, 0, contest_questions, N (contest_questions), NULL },
};

static KefuQuestion *
make_question (const SampleQuestion *s)
{
  KefuQuestion *q = kefu_question_new (s->kind, s->text);

  if (s->kind == KEFU_QUESTION_SHORT)
    q->keywords = g_strsplit (s->answer, ",", -1);
  else if (s->kind == KEFU_QUESTION_TRUE_FALSE)
    q->correct = s->answer[0] == 'T' ? 1 : 2;
  else
    {
      g_auto(GStrv) right = g_strsplit (s->answer, ",", -1);

      q->choices = g_strsplit (s->choices, "|", -1);
      for (guint i = 0; right[i]; i++)
        q->correct |= 1u << atoi (right[i]);
    }
  return q;
}

/* An answer that is right, or plausibly wrong. */
static KefuAnswer *
make_answer (GRand              *rand,
             const KefuQuestion *q,
             gboolean            right)
{
  if (q->kind == KEFU_QUESTION_SHORT)
    {
      g_autoptr(GString) text = g_string_new (NULL);

      for (guint i = 0; q->keywords[i]; i++)
        {
          g_auto(GStrv) alternatives = g_strsplit (q->keywords[i], "|", -1);

          /* A wrong answer still has some of the words. */
          if (right || g_rand_boolean (rand))
            g_string_append_printf (text, "%s%s", text->len ? "，" : "", alternatives[0]);
        }
      if (text->len == 0)
        g_string_append (text, "请客户稍等");
      return kefu_answer_new (q->id, 0, text->str);
    }
  if (right)
    return kefu_answer_new (q->id, q->correct, NULL);
  return kefu_answer_new (q->id, q->kind == KEFU_QUESTION_TRUE_FALSE ? (q->correct ^ 3) : (q->correct ^ 1), NULL);
}

static gboolean
take (KefuDb      *db,
      GRand       *rand,
      const char  *course_id,
      GPtrArray   *questions,
      double       skill,
      gint64       at,
      gint64       seconds,
      GError     **error)
{
  g_autoptr(GPtrArray) answers = g_ptr_array_new_with_free_func ((GDestroyNotify) kefu_answer_free);
  g_autoptr(KefuAttempt) attempt = NULL;

  for (guint i = 0; i < questions->len; i++)
    g_ptr_array_add (answers, make_answer (rand, questions->pdata[i], g_rand_double (rand) < skill));
  kefu_cases_set_clock (db, at);
  attempt = kefu_training_submit (db, course_id, at - seconds * 1000, answers, error);
  return attempt != NULL;
}

/* The first published article whose title is LIKE @pattern, or NULL. */
static char *
published_article (KefuDb     *db,
                   const char *pattern)
{
  sqlite3_stmt *stmt = kefu_db_prepare (db, "SELECT id FROM kb_article WHERE deleted = 0 AND status = 'published'"
                                        " AND title LIKE ? ORDER BY rowid LIMIT 1", NULL);
  char *id = NULL;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, pattern, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    id = kefu_stmt_dup (stmt, 0);
  sqlite3_reset (stmt);
  return id;
}

/**
 * kefu_sample_generate_training:
 *
 * See kefu-sample-training.h. One transaction: all of it or nothing.
 */
gboolean
kefu_sample_generate_training (KefuDb   *db,
                               guint32   seed,
                               GError  **error)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed ^ 0x7a11u);
  g_autoptr(KefuStaff) me = kefu_org_get_current_user (db);
  g_autoptr(GPtrArray) staff = NULL;
  g_autofree char *trainer = NULL;
  g_autofree char *hq = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) morning = g_date_time_new_local (g_date_time_get_year (now), g_date_time_get_month (now),
                                                        g_date_time_get_day_of_month (now), 9, 0, 0);
  gint64 today = g_date_time_to_unix (morning) * 1000;
  gint64 real_now = g_get_real_time () / 1000;
  gint64 saved_clock = 0;
  gboolean pinned;
  sqlite3_stmt *stmt;
  gboolean ok = FALSE;

  g_return_val_if_fail (KEFU_IS_DB (db), FALSE);

  stmt = kefu_db_prepare (db, "SELECT id FROM staff WHERE username = 'hq.trainer' AND deleted = 0", error);
  if (stmt == NULL)
    return FALSE;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    trainer = kefu_stmt_dup (stmt, 0);
  sqlite3_reset (stmt);
  stmt = kefu_db_prepare (db, "SELECT id FROM org_unit WHERE level = 'hq' AND deleted = 0", error);
  if (stmt == NULL)
    return FALSE;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    hq = kefu_stmt_dup (stmt, 0);
  sqlite3_reset (stmt);
  if (trainer == NULL || hq == NULL)
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID,
                   _("Sample training needs the sample organisation (its headquarters trainer)."));
      return FALSE;
    }
  if ((staff = kefu_org_list_staff (db, NULL, error)) == NULL)
    return FALSE;
  /* Whether the cases clock is pinned: then it is pinned back. */
  real_now = g_get_real_time () / 1000;
  saved_clock = kefu_cases_get_now (db);
  pinned = saved_clock < real_now || saved_clock > g_get_real_time () / 1000;

  if (!kefu_db_begin (db, error))
    return FALSE;
  for (guint c = 0; c < G_N_ELEMENTS (courses); c++)
    {
      const SampleCourse *sc = &courses[c];
      g_autoptr(KefuCourse) course = kefu_course_new ();
      g_autoptr(GPtrArray) lessons = g_ptr_array_new_with_free_func ((GDestroyNotify) kefu_lesson_free);
      g_autoptr(GPtrArray) questions = g_ptr_array_new_with_free_func ((GDestroyNotify) kefu_question_free);
      gint64 created = today - (40 - c) * DAY_MS;

      course->title = g_strdup (sc->title);
      course->description = g_strdup (sc->description);
      course->pass_mark = sc->pass_mark;
      course->time_limit_s = sc->time_limit_min * 60;
      course->max_attempts = sc->max_attempts;
      course->is_contest = sc->contest;
      if (sc->contest)
        {
          course->opens_at = today - DAY_MS;
          course->closes_at = today + sc->due_days * DAY_MS;
        }
      for (guint i = 0; i < sc->n_lessons; i++)
        {
          KefuLesson *l = g_new0 (KefuLesson, 1);

          l->title = g_strdup (sc->lessons[i].title);
          l->body = g_strdup (sc->lessons[i].body);
          g_ptr_array_add (lessons, l);
        }
      /* With the sample knowledge base, a lesson that is an article. */
      if (sc->kb_article != NULL)
        {
          KefuLesson *l = g_new0 (KefuLesson, 1);

          l->article_id = published_article (db, sc->kb_article);
          if (l->article_id != NULL)
            g_ptr_array_add (lessons, l);
          else
            kefu_lesson_free (l);
        }
      for (guint i = 0; i < sc->n_questions; i++)
        g_ptr_array_add (questions, make_question (&sc->questions[i]));

      kefu_db_set_actor (db, trainer);
      kefu_cases_set_clock (db, created);
      if (!kefu_training_create_course (db, course, lessons, questions, error) ||
          !kefu_training_publish_course (db, course->id, error))
        goto out;
      /* Every branch: headquarters and everything below it. */
      if (!sc->contest &&
          !kefu_training_assign (db, course->id, NULL, hq, NULL, MAX (today + sc->due_days * DAY_MS, created + DAY_MS),
                                 TRUE, NULL, error))
        goto out;

      /* About two thirds have taken it, each with a skill of their own;
       * some failed and tried again. Never the signed-in user, so that
       * My Training shows work to do. */
      for (guint s = 0; s < staff->len; s++)
        {
          KefuStaff *p = staff->pdata[s];
          double skill = 0.45 + 0.5 * g_rand_double (rand);
          gint64 at = MIN (created + (1 + g_rand_int_range (rand, 0, 30)) * DAY_MS / 2
                           + g_rand_int_range (rand, 0, 8 * 3600) * G_GINT64_CONSTANT (1000),
                           real_now - 60000);
          gint64 seconds = 60 + g_rand_int_range (rand, 0, MAX (60, sc->time_limit_min * 60 - 90));

          if (g_strcmp0 (p->role, "trainer") == 0 || (me && g_strcmp0 (p->id, me->id) == 0) ||
              g_rand_double (rand) > 0.67)
            continue;
          if (sc->contest)
            at = MIN (today - DAY_MS + g_rand_int_range (rand, 3600, 40 * 3600) * G_GINT64_CONSTANT (1000),
                      real_now - 60000);
          kefu_db_set_actor (db, p->id);
          if (!take (db, rand, course->id, questions, skill, at, seconds, error))
            goto out;
          if (!sc->contest && skill < 0.7 && (sc->max_attempts == 0 || sc->max_attempts > 1) &&
              !take (db, rand, course->id, questions, skill + 0.25, MIN (at + DAY_MS, real_now - 30000),
                     seconds, error))
            goto out;
        }
    }
  ok = TRUE;

out:
  kefu_cases_set_clock (db, pinned ? saved_clock : 0);
  kefu_db_set_actor (db, me ? me->id : NULL);
  if (!ok)
    {
      kefu_db_rollback (db);
      return FALSE;
    }
  return kefu_db_commit (db, error);
}
