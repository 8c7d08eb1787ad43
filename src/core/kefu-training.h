/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "kefu-db.h"

G_BEGIN_DECLS

/* Training (培训): courses made of lessons (a knowledge article or the
 * lesson's own text) and a quiz; assignments to people, roles or
 * branches with due dates; attempts with their answers, score and time
 * taken; completion per person and per branch; skills contests
 * (服务技能大比武), a timed quiz open to many people over a window of time
 * and ranked by score, then time taken.
 *
 * Every write goes through a KefuChangeSet (audit + outbox) and every
 * multi-row change is one transaction. Trainers and administrators build
 * courses; trainers, administrators and supervisors assign and read
 * completion; everyone takes the courses assigned to them and contests.
 * The clock is the cases clock (kefu_cases_set_clock()). */

/* A supervisor's (or administrator's) copy of a "managers first"
 * assignment is due this many days before everyone else's. */
#define KEFU_TRAINING_MANAGERS_LEAD_DAYS 7
/* An assignment not done within this many days of its due date is "due". */
#define KEFU_TRAINING_DUE_SOON_DAYS      7
/* Answers sent up to this long after the time limit still count: the
 * network of a branch and a slow click should not cost the whole quiz. */
#define KEFU_TRAINING_GRACE_MS           5000
#define KEFU_TRAINING_MAX_CHOICES        8

typedef enum
{
  KEFU_QUESTION_SINGLE,
  KEFU_QUESTION_MULTIPLE,
  KEFU_QUESTION_TRUE_FALSE,
  KEFU_QUESTION_SHORT,
} KefuQuestionKind;

typedef enum
{
  KEFU_TRAINING_ASSIGNED,
  KEFU_TRAINING_DUE,
  KEFU_TRAINING_OVERDUE,
  KEFU_TRAINING_DONE,
} KefuTrainingState;

typedef struct
{
  char     *id;
  char     *title;
  char     *description;
  char     *status;          /* "draft" or "published" */
  gboolean  is_contest;
  gint      pass_mark;       /* percent, 0–100 */
  gint      time_limit_s;    /* 0: no limit */
  gint      max_attempts;    /* 0: as many as wanted */
  char     *score_policy;    /* "best" or "last" attempt counts */
  gint64    opens_at;        /* contests: the window, Unix ms; 0 = none */
  gint64    closes_at;
  gint64    version;
  guint     n_lessons;       /* read only */
  guint     n_questions;
} KefuCourse;

typedef struct
{
  char   *id;
  char   *course_id;
  gint    position;
  char   *article_id;        /* a kb_article, or NULL for the lesson's own text */
  char   *title;
  char   *body;              /* own text; on read, the article's body when linked */
  gint64  version;
} KefuLesson;

typedef struct
{
  char             *id;
  char             *course_id;
  gint              position;
  KefuQuestionKind  kind;
  char             *text;
  GStrv             choices;   /* single and multiple choice */
  guint             correct;   /* bit i: choice i is right; true/false: bit 0 true, bit 1 false */
  GStrv             keywords;  /* short answer; "道歉|致歉" accepts either */
  gint              points;    /* 1–100 */
  gint64            version;
} KefuQuestion;

typedef struct
{
  char  *question_id;
  guint  choices;              /* bits as KefuQuestion.correct */
  char  *text;                 /* short answer */
} KefuAnswer;

typedef struct
{
  char    *id;
  char    *course_id;
  char    *staff_id;
  gint64   started_at;
  gint64   finished_at;
  gint64   time_ms;
  gint     score;              /* percent */
  gboolean passed;
  double   earned;             /* points */
  gint     total;
} KefuAttempt;

typedef struct
{
  char              *assignment_id;   /* NULL for an open contest */
  char              *course_id;
  char              *course_title;
  gboolean           is_contest;
  gint64             due_at;
  KefuTrainingState  state;
  gint               score;           /* the course's policy; -1: no attempt */
  gboolean           passed;
  guint              n_attempts;
  gint               max_attempts;
  gint               pass_mark;
  gint               time_limit_s;
} KefuTrainingItem;

typedef struct
{
  char              *staff_id;
  char              *name;
  char              *role;
  char              *unit_name;
  char              *course_title;
  gint64             due_at;
  KefuTrainingState  state;
  gint               score;           /* -1: no attempt */
  guint              n_attempts;
} KefuCompletionRow;

typedef struct
{
  char   *unit_id;
  char   *code;
  char   *name;
  guint   n_assigned;
  guint   n_done;
  guint   n_overdue;
  double  avg_score;                  /* of those with an attempt; -1 none */
} KefuUnitCompletion;

typedef struct
{
  guint   rank;                       /* ties share a rank: 1, 1, 3 */
  char   *staff_id;
  char   *name;
  char   *unit_id;
  char   *unit_name;
  gint    score;
  gint64  time_ms;
} KefuLeaderboardEntry;

typedef struct
{
  guint   rank;
  char   *unit_id;
  char   *unit_name;
  guint   n_people;
  double  avg_score;
  gint64  avg_time_ms;
} KefuBranchStanding;

void          kefu_course_free              (KefuCourse           *c);
void          kefu_lesson_free              (KefuLesson           *l);
void          kefu_question_free            (KefuQuestion         *q);
void          kefu_answer_free              (KefuAnswer           *a);
void          kefu_attempt_free             (KefuAttempt          *a);
void          kefu_training_item_free       (KefuTrainingItem     *i);
void          kefu_completion_row_free      (KefuCompletionRow    *r);
void          kefu_unit_completion_free     (KefuUnitCompletion   *u);
void          kefu_leaderboard_entry_free   (KefuLeaderboardEntry *e);
void          kefu_branch_standing_free     (KefuBranchStanding   *s);

KefuCourse   *kefu_course_new               (void);
KefuQuestion *kefu_question_new             (KefuQuestionKind      kind,
                                             const char           *text);
KefuAnswer   *kefu_answer_new               (const char           *question_id,
                                             guint                 choices,
                                             const char           *text);
const char   *kefu_question_kind_label      (KefuQuestionKind      kind);
const char   *kefu_training_state_label     (KefuTrainingState     state);

/* --- permissions (the signed-in user's role) ------------------------- */

gboolean      kefu_training_may_build       (KefuDb *db);
gboolean      kefu_training_may_assign      (KefuDb *db);

/* --- courses --------------------------------------------------------- */

/* Checks @course, @lessons (element type KefuLesson) and @questions
 * (KefuQuestion) and writes them in one transaction; fills in the ids.
 * Nothing is written when any part is refused. Trainers and admins. */
gboolean      kefu_training_create_course   (KefuDb       *db,
                                             KefuCourse   *course,
                                             GPtrArray    *lessons,
                                             GPtrArray    *questions,
                                             GError      **error);
/* Saves the course's own fields (title, pass mark, time limit, retakes,
 * window…); the version must match. */
gboolean      kefu_training_update_course   (KefuDb       *db,
                                             KefuCourse   *course,
                                             GError      **error);
/* Publishing needs a lesson or a question (a contest: a question). */
gboolean      kefu_training_publish_course  (KefuDb       *db,
                                             const char   *course_id,
                                             GError      **error);
gboolean      kefu_training_delete_course   (KefuDb       *db,
                                             const char   *course_id,
                                             GError      **error);
/* Inserts (id NULL, placed last) or updates a lesson / a question. */
gboolean      kefu_training_save_lesson     (KefuDb       *db,
                                             KefuLesson   *lesson,
                                             GError      **error);
gboolean      kefu_training_save_question   (KefuDb       *db,
                                             KefuQuestion *question,
                                             GError      **error);
gboolean      kefu_training_delete_lesson   (KefuDb       *db,
                                             const char   *lesson_id,
                                             GError      **error);
gboolean      kefu_training_delete_question (KefuDb       *db,
                                             const char   *question_id,
                                             GError      **error);

KefuCourse   *kefu_training_get_course      (KefuDb       *db,
                                             const char   *course_id,
                                             GError      **error);
/* Element type KefuCourse: contests last, then by title. Drafts only for
 * those who build courses. */
GPtrArray    *kefu_training_list_courses    (KefuDb       *db,
                                             GError      **error);
/* Element types KefuLesson and KefuQuestion, in position order. */
GPtrArray    *kefu_training_list_lessons    (KefuDb       *db,
                                             const char   *course_id,
                                             GError      **error);
GPtrArray    *kefu_training_list_questions  (KefuDb       *db,
                                             const char   *course_id,
                                             GError      **error);
/* Published knowledge articles a lesson can use: pairs of id and title
 * (a flat GPtrArray of strings: id, title, id, title…). */
GPtrArray    *kefu_training_list_articles   (KefuDb       *db,
                                             GError      **error);

/* The units training is assigned to and reported on, by code: provinces
 * and cities, and with @branches the branches too. Element type
 * KefuOrgUnit (kefu-org.h). */
GPtrArray    *kefu_training_list_units      (KefuDb       *db,
                                             gboolean      branches,
                                             GError      **error);

/* --- scoring and attempts -------------------------------------------- */

/* The share (0–1) of @q's points that @a earns: choices must match
 * exactly; a short answer earns the share of keywords it contains
 * (ignoring case, width and spaces). @a may be NULL (no answer). */
double        kefu_question_grade           (const KefuQuestion   *q,
                                             const KefuAnswer     *a);
/* Grades @answers against @questions without writing anything ("preview
 * as learner"). Fills score, passed, earned, total of @out. */
void          kefu_training_grade           (const KefuCourse     *course,
                                             GPtrArray            *questions,
                                             GPtrArray            *answers,
                                             KefuAttempt          *out);
/* Whether the signed-in user may start @course_id now (assigned or a
 * contest in its window, attempts left). */
gboolean      kefu_training_check_start     (KefuDb       *db,
                                             const char   *course_id,
                                             GError      **error);
/* Grades and records the signed-in user's attempt begun at @started_at
 * (Unix ms, cases clock) and finished now. Refused, with nothing
 * written, after the time limit, outside a contest's window, or with no
 * attempts left. Returns: (transfer full): the attempt */
KefuAttempt  *kefu_training_submit          (KefuDb       *db,
                                             const char   *course_id,
                                             gint64        started_at,
                                             GPtrArray    *answers,
                                             GError      **error);
/* Element type KefuAnswer: what an attempt answered. */
GPtrArray    *kefu_training_attempt_answers (KefuDb       *db,
                                             const char   *attempt_id,
                                             GError      **error);

/* --- assignments ----------------------------------------------------- */

/* Assigns a published course, due at @due_at, to one person
 * (@staff_id), or to every active staff member of @unit_id and the units
 * below it and/or of @role. With @managers_first, supervisors and
 * administrators are due KEFU_TRAINING_MANAGERS_LEAD_DAYS earlier. People
 * who already have the course keep their assignment. One transaction. */
gboolean      kefu_training_assign          (KefuDb       *db,
                                             const char   *course_id,
                                             const char   *staff_id,
                                             const char   *unit_id,
                                             const char   *role,
                                             gint64        due_at,
                                             gboolean      managers_first,
                                             guint        *n_assigned,
                                             GError      **error);
/* @staff_id's training (NULL: the signed-in user): assigned courses and
 * open contests, element type KefuTrainingItem; overdue, due, assigned,
 * then done. */
GPtrArray    *kefu_training_list_mine       (KefuDb       *db,
                                             const char   *staff_id,
                                             GError      **error);

/* --- completion and contests ----------------------------------------- */

/* Element type KefuCompletionRow: every assignment of @course_id (NULL:
 * all courses) of staff in @unit_id and below (NULL: all), managers
 * first, then by name. */
GPtrArray    *kefu_training_completion_people (KefuDb     *db,
                                               const char *course_id,
                                               const char *unit_id,
                                               GError    **error);
/* Element type KefuUnitCompletion: one row per branch in @unit_id and
 * below (a province: its cities' branches; NULL: all), by code. */
GPtrArray    *kefu_training_completion_units  (KefuDb     *db,
                                               const char *course_id,
                                               const char *unit_id,
                                               GError    **error);
/* Writes both tables as an Excel workbook (sheets "Branches" and
 * "People"); the file appears only once complete. */
gboolean      kefu_training_export_completion (KefuDb     *db,
                                               const char *course_id,
                                               const char *unit_id,
                                               const char *path,
                                               GError    **error);
/* A contest's ranking: each person's counted attempt (the course's
 * policy), by score, then time taken; @unit_id (and below) or NULL for
 * everyone; at most @limit rows (0: all). */
GPtrArray    *kefu_training_leaderboard       (KefuDb     *db,
                                               const char *course_id,
                                               const char *unit_id,
                                               guint       limit,
                                               GError    **error);
/* The branches ranked by their people's average score, then time. */
GPtrArray    *kefu_training_branch_standings  (KefuDb     *db,
                                               const char *course_id,
                                               GError    **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KefuCourse, kefu_course_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KefuLesson, kefu_lesson_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KefuQuestion, kefu_question_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KefuAnswer, kefu_answer_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KefuAttempt, kefu_attempt_free)

G_END_DECLS
