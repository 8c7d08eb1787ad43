/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "kefu-training"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "kefu-cases.h"
#include "kefu-org-private.h"
#include "kefu-text.h"
#include "kefu-training-private.h"
#include "kefu-uuid.h"

#define DAY_MS             G_GINT64_CONSTANT (86400000)
#define MAX_TITLE_CHARS    120
#define MAX_TEXT_CHARS     20000
#define MAX_TIME_LIMIT_S   (24 * 3600)
#define MAX_ATTEMPTS       100

/* --- helpers --------------------------------------------------------- */

static char *
strip_dup (const char *text)
{
  return text ? g_strstrip (g_strdup (text)) : NULL;
}

/* The signed-in user's role, or NULL. */
char *
_kefu_training_actor_role (KefuDb *db)
{
  const char *actor = kefu_db_get_actor (db);
  g_autoptr(KefuStaff) me = NULL;

  if (actor == NULL || (me = kefu_org_get_staff (db, actor, NULL)) == NULL)
    return NULL;
  return g_strdup (me->role);
}

static gboolean
require_builder (KefuDb  *db,
                 GError **error)
{
  if (!kefu_training_may_build (db))
    return kefu_error_denied (error, _("Only trainers and administrators can build courses."));
  return TRUE;
}

static char *
strv_to_json (const char * const *strv)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_array (b);
  for (guint i = 0; strv && strv[i]; i++)
    json_builder_add_string_value (b, strv[i]);
  json_builder_end_array (b);
  root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

static char *
mask_to_json (guint mask)
{
  GString *s = g_string_new ("[");

  for (guint i = 0; i < 32; i++)
    if (mask & (1u << i))
      g_string_append_printf (s, "%s%u", s->len > 1 ? "," : "", i);
  g_string_append_c (s, ']');
  return g_string_free (s, FALSE);
}

static JsonArray *
parse_array (const char *json,
             JsonNode  **root_out)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;

  *root_out = NULL;
  if (json == NULL || !json_parser_load_from_data (parser, json, -1, NULL))
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_ARRAY (root))
    return NULL;
  *root_out = json_node_copy (root);
  return json_node_get_array (*root_out);
}

static GStrv
json_to_strv (const char *json)
{
  g_autoptr(JsonNode) root = NULL;
  JsonArray *array = parse_array (json, &root);
  g_autoptr(GStrvBuilder) b = g_strv_builder_new ();

  for (guint i = 0; array && i < json_array_get_length (array); i++)
    {
      JsonNode *n = json_array_get_element (array, i);

      if (JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_STRING)
        g_strv_builder_add (b, json_node_get_string (n));
    }
  return g_strv_builder_end (b);
}

static guint
json_to_mask (const char *json)
{
  g_autoptr(JsonNode) root = NULL;
  JsonArray *array = parse_array (json, &root);
  guint mask = 0;

  for (guint i = 0; array && i < json_array_get_length (array); i++)
    {
      gint64 v = json_array_get_int_element (array, i);

      if (v >= 0 && v < 32)
        mask |= 1u << v;
    }
  return mask;
}

static const char *
kind_code (KefuQuestionKind kind)
{
  switch (kind)
    {
    case KEFU_QUESTION_SINGLE: return "single";
    case KEFU_QUESTION_MULTIPLE: return "multiple";
    case KEFU_QUESTION_TRUE_FALSE: return "true_false";
    case KEFU_QUESTION_SHORT: return "short";
    default: return "single";
    }
}

static KefuQuestionKind
kind_from_code (const char *code)
{
  if (g_strcmp0 (code, "multiple") == 0)
    return KEFU_QUESTION_MULTIPLE;
  if (g_strcmp0 (code, "true_false") == 0)
    return KEFU_QUESTION_TRUE_FALSE;
  if (g_strcmp0 (code, "short") == 0)
    return KEFU_QUESTION_SHORT;
  return KEFU_QUESTION_SINGLE;
}

/* --- plain data ------------------------------------------------------ */

void
kefu_course_free (KefuCourse *c)
{
  if (c == NULL)
    return;
  g_free (c->id); g_free (c->title); g_free (c->description); g_free (c->status);
  g_free (c->score_policy);
  g_free (c);
}

void
kefu_lesson_free (KefuLesson *l)
{
  if (l == NULL)
    return;
  g_free (l->id); g_free (l->course_id); g_free (l->article_id); g_free (l->title); g_free (l->body);
  g_free (l);
}

void
kefu_question_free (KefuQuestion *q)
{
  if (q == NULL)
    return;
  g_free (q->id); g_free (q->course_id); g_free (q->text);
  g_strfreev (q->choices); g_strfreev (q->keywords);
  g_free (q);
}

void
kefu_answer_free (KefuAnswer *a)
{
  if (a == NULL)
    return;
  g_free (a->question_id); g_free (a->text);
  g_free (a);
}

void
kefu_attempt_free (KefuAttempt *a)
{
  if (a == NULL)
    return;
  g_free (a->id); g_free (a->course_id); g_free (a->staff_id);
  g_free (a);
}

void
kefu_training_item_free (KefuTrainingItem *i)
{
  if (i == NULL)
    return;
  g_free (i->assignment_id); g_free (i->course_id); g_free (i->course_title);
  g_free (i);
}

KefuCourse *
kefu_course_new (void)
{
  KefuCourse *c = g_new0 (KefuCourse, 1);

  c->status = g_strdup ("draft");
  c->pass_mark = 60;
  c->score_policy = g_strdup ("best");
  return c;
}

KefuQuestion *
kefu_question_new (KefuQuestionKind  kind,
                   const char       *text)
{
  KefuQuestion *q = g_new0 (KefuQuestion, 1);

  q->kind = kind;
  q->text = g_strdup (text);
  q->points = 1;
  return q;
}

KefuAnswer *
kefu_answer_new (const char *question_id,
                 guint       choices,
                 const char *text)
{
  KefuAnswer *a = g_new0 (KefuAnswer, 1);

  a->question_id = g_strdup (question_id);
  a->choices = choices;
  a->text = g_strdup (text);
  return a;
}

const char *
kefu_question_kind_label (KefuQuestionKind kind)
{
  switch (kind)
    {
    case KEFU_QUESTION_SINGLE: return _("Single choice");
    case KEFU_QUESTION_MULTIPLE: return _("Multiple choice");
    case KEFU_QUESTION_TRUE_FALSE: return _("True or false");
    case KEFU_QUESTION_SHORT: return _("Short answer");
    default: return "";
    }
}

const char *
kefu_training_state_label (KefuTrainingState state)
{
  switch (state)
    {
    case KEFU_TRAINING_ASSIGNED: return C_("training", "Assigned");
    case KEFU_TRAINING_DUE: return _("Due soon");
    case KEFU_TRAINING_OVERDUE: return _("Overdue");
    case KEFU_TRAINING_DONE: return _("Done");
    default: return "";
    }
}

/* --- permissions ----------------------------------------------------- */

gboolean
kefu_training_may_build (KefuDb *db)
{
  g_autofree char *role = _kefu_training_actor_role (db);

  return g_strcmp0 (role, "trainer") == 0 || g_strcmp0 (role, "admin") == 0;
}

gboolean
kefu_training_may_assign (KefuDb *db)
{
  g_autofree char *role = _kefu_training_actor_role (db);

  return g_strcmp0 (role, "trainer") == 0 || g_strcmp0 (role, "admin") == 0 ||
         g_strcmp0 (role, "supervisor") == 0;
}

/* --- checks ---------------------------------------------------------- */

static gboolean
check_course (KefuCourse  *c,
              GError     **error)
{
  g_autofree char *title = strip_dup (c->title);

  if (kefu_text_is_blank (title))
    return kefu_error_invalid (error, _("Give the course a title."));
  if (g_utf8_strlen (title, -1) > MAX_TITLE_CHARS)
    return kefu_error_invalid (error, _("A course title can have at most 120 characters."));
  if (c->pass_mark < 0 || c->pass_mark > 100)
    return kefu_error_invalid (error, _("The pass mark is a percentage from 0 to 100."));
  if (c->time_limit_s < 0 || c->time_limit_s > MAX_TIME_LIMIT_S)
    return kefu_error_invalid (error, _("The time limit can be at most 24 hours (0 for none)."));
  if (c->max_attempts < 0 || c->max_attempts > MAX_ATTEMPTS)
    return kefu_error_invalid (error, _("The number of attempts can be at most 100 (0 for no limit)."));
  if (c->score_policy == NULL)
    c->score_policy = g_strdup ("best");
  if (g_strcmp0 (c->score_policy, "best") != 0 && g_strcmp0 (c->score_policy, "last") != 0)
    return kefu_error_invalid (error, _("Either the best or the last attempt counts."));
  if (c->is_contest)
    {
      if (c->opens_at <= 0 || c->closes_at <= 0)
        return kefu_error_invalid (error, _("A skills contest needs the time it opens and the time it closes."));
      if (c->closes_at <= c->opens_at)
        return kefu_error_invalid (error, _("A skills contest must close after it opens."));
    }
  else
    c->opens_at = c->closes_at = 0;
  kefu_set_str (&c->title, title);
  return TRUE;
}

/* Whether @article_id is a live knowledge article; its title in @title. */
static gboolean
article_title (KefuDb      *db,
               const char  *article_id,
               char       **title)
{
  sqlite3_stmt *stmt = kefu_db_prepare (db, "SELECT title FROM kb_article WHERE id = ? AND deleted = 0", NULL);
  gboolean found;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, article_id, -1, SQLITE_STATIC);
  found = sqlite3_step (stmt) == SQLITE_ROW;
  if (found && title)
    *title = kefu_stmt_dup (stmt, 0);
  sqlite3_reset (stmt);
  return found;
}

static gboolean
check_lesson (KefuDb      *db,
              KefuLesson  *l,
              guint        number,
              GError     **error)
{
  g_autofree char *title = strip_dup (l->title);

  if (l->article_id != NULL && *l->article_id != '\0')
    {
      g_autofree char *from_article = NULL;

      if (!article_title (db, l->article_id, &from_article))
        {
          g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID,
                       _("Lesson %u: the knowledge article it uses no longer exists."), number);
          return FALSE;
        }
      if (kefu_text_is_blank (title))
        kefu_set_str (&title, from_article);
    }
  else
    {
      g_clear_pointer (&l->article_id, g_free);
      if (kefu_text_is_blank (l->body))
        {
          g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID,
                       _("Lesson %u: choose a knowledge article or write the lesson’s text."), number);
          return FALSE;
        }
      if (g_utf8_strlen (l->body, -1) > MAX_TEXT_CHARS)
        {
          g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID,
                       _("Lesson %u: the text is too long (at most 20,000 characters)."), number);
          return FALSE;
        }
    }
  if (kefu_text_is_blank (title))
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID, _("Lesson %u: give the lesson a title."), number);
      return FALSE;
    }
  kefu_set_str (&l->title, title);
  return TRUE;
}

static gboolean
question_error (GError     **error,
                guint        number,
                const char  *message)
{
  g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID, _("Question %u: %s"), number, message);
  return FALSE;
}

static gboolean
check_question (KefuQuestion  *q,
                guint          number,
                GError       **error)
{
  g_autofree char *text = strip_dup (q->text);
  guint n_choices = q->choices ? g_strv_length (q->choices) : 0;

  if (kefu_text_is_blank (text))
    return question_error (error, number, _("write the question."));
  if (g_utf8_strlen (text, -1) > 2000)
    return question_error (error, number, _("the question is too long (at most 2,000 characters)."));
  if (q->points < 1 || q->points > 100)
    return question_error (error, number, _("a question is worth 1 to 100 points."));

  switch (q->kind)
    {
    case KEFU_QUESTION_SINGLE:
    case KEFU_QUESTION_MULTIPLE:
      if (n_choices < 2)
        return question_error (error, number, _("a choice question needs at least two choices."));
      if (n_choices > KEFU_TRAINING_MAX_CHOICES)
        return question_error (error, number, _("a question can have at most eight choices."));
      for (guint i = 0; i < n_choices; i++)
        if (kefu_text_is_blank (q->choices[i]))
          return question_error (error, number, _("a choice is empty."));
      if ((q->correct & ((1u << n_choices) - 1)) == 0 || (q->correct >> n_choices) != 0)
        return question_error (error, number, _("mark the correct answer."));
      if (q->kind == KEFU_QUESTION_SINGLE && (q->correct & (q->correct - 1)) != 0)
        return question_error (error, number, _("a single-choice question has exactly one correct answer."));
      g_clear_pointer (&q->keywords, g_strfreev);
      break;
    case KEFU_QUESTION_TRUE_FALSE:
      if (q->correct != 1 && q->correct != 2)
        return question_error (error, number, _("mark whether the statement is true or false."));
      g_clear_pointer (&q->choices, g_strfreev);
      g_clear_pointer (&q->keywords, g_strfreev);
      break;
    case KEFU_QUESTION_SHORT:
      {
        g_autoptr(GStrvBuilder) b = g_strv_builder_new ();

        for (guint i = 0; q->keywords && q->keywords[i]; i++)
          if (!kefu_text_is_blank (q->keywords[i]))
            {
              g_autofree char *k = strip_dup (q->keywords[i]);

              g_strv_builder_add (b, k);
            }
        g_strfreev (q->keywords);
        q->keywords = g_strv_builder_end (b);
        if (q->keywords[0] == NULL)
          return question_error (error, number, _("give the keywords a correct answer must contain."));
        g_clear_pointer (&q->choices, g_strfreev);
        q->correct = 0;
      }
      break;
    default:
      return question_error (error, number, _("unknown kind of question."));
    }
  kefu_set_str (&q->text, text);
  return TRUE;
}

/* --- writes: courses ------------------------------------------------- */

static gboolean
insert_course (KefuDb      *db,
               KefuCourse  *c,
               GError     **error)
{
  g_autoptr(KefuChangeSet) cs = NULL;
  g_autofree char *id = kefu_uuid7_new_at (kefu_cases_get_now (db));
  sqlite3_stmt *stmt;

  cs = kefu_change_set_new ("course", id, KEFU_CHANGE_INSERT, 0);
  kefu_change_set_text (cs, "title", NULL, c->title);
  kefu_change_set_text (cs, "description", NULL, c->description);
  kefu_change_set_text (cs, "status", NULL, "draft");
  kefu_change_set_int (cs, "is_contest", FALSE, 0, c->is_contest ? 1 : 0);
  kefu_change_set_int (cs, "pass_mark", FALSE, 0, c->pass_mark);
  kefu_change_set_int (cs, "time_limit_s", FALSE, 0, c->time_limit_s);
  kefu_change_set_int (cs, "max_attempts", FALSE, 0, c->max_attempts);
  kefu_change_set_text (cs, "score_policy", NULL, c->score_policy);
  if (c->is_contest)
    {
      kefu_change_set_int (cs, "opens_at", FALSE, 0, c->opens_at);
      kefu_change_set_int (cs, "closes_at", FALSE, 0, c->closes_at);
    }
  stmt = kefu_db_prepare (db,
                          "INSERT INTO course (id, hlc, updated_by, updated_at, title, description, status, is_contest,"
                          " pass_mark, time_limit_s, max_attempts, score_policy, opens_at, closes_at)"
                          " VALUES (?, ?, ?, ?, ?, ?, 'draft', ?, ?, ?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  kefu_db_bind_stamp (db, stmt, 2, cs, g_get_real_time () / 1000);
  sqlite3_bind_text (stmt, 5, c->title, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, c->description, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 7, c->is_contest ? 1 : 0);
  sqlite3_bind_int (stmt, 8, c->pass_mark);
  sqlite3_bind_int (stmt, 9, c->time_limit_s);
  sqlite3_bind_int (stmt, 10, c->max_attempts);
  sqlite3_bind_text (stmt, 11, c->score_policy, -1, SQLITE_STATIC);
  if (c->is_contest)
    {
      sqlite3_bind_int64 (stmt, 12, c->opens_at);
      sqlite3_bind_int64 (stmt, 13, c->closes_at);
    }
  if (!kefu_db_step_done (db, stmt, error) || !kefu_db_record_change (db, cs, error))
    return FALSE;
  kefu_set_str (&c->id, id);
  kefu_set_str (&c->status, "draft");
  c->version = 1;
  return TRUE;
}

static gint
next_position (KefuDb     *db,
               const char *table,
               const char *course_id)
{
  g_autofree char *sql = g_strdup_printf ("SELECT coalesce (max (position), 0) + 1 FROM %s"
                                          " WHERE course_id = ? AND deleted = 0", table);
  sqlite3_stmt *stmt = kefu_db_prepare (db, sql, NULL);
  gint pos = 1;

  if (stmt == NULL)
    return pos;
  sqlite3_bind_text (stmt, 1, course_id, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    pos = sqlite3_column_int (stmt, 0);
  sqlite3_reset (stmt);
  return pos;
}

static gboolean
course_exists (KefuDb      *db,
               const char  *course_id,
               GError     **error)
{
  g_autoptr(KefuCourse) c = kefu_training_get_course (db, course_id, error);

  return c != NULL;
}

static gboolean
write_lesson (KefuDb      *db,
              KefuLesson  *l,
              GError     **error)
{
  g_autoptr(KefuChangeSet) cs = NULL;
  sqlite3_stmt *stmt;
  gboolean insert = l->id == NULL;
  g_autofree char *id = insert ? kefu_uuid7_new_at (kefu_cases_get_now (db)) : g_strdup (l->id);
  const char *body = l->article_id ? NULL : l->body;

  if (insert)
    l->position = next_position (db, "lesson", l->course_id);
  cs = kefu_change_set_new ("lesson", id, insert ? KEFU_CHANGE_INSERT : KEFU_CHANGE_UPDATE, insert ? 0 : l->version);
  if (insert)
    kefu_change_set_text (cs, "course_id", NULL, l->course_id);
  kefu_change_set_int (cs, "position", FALSE, 0, l->position);
  kefu_change_set_text (cs, "article_id", NULL, l->article_id);
  kefu_change_set_text (cs, "title", NULL, l->title);
  kefu_change_set_text (cs, "body", NULL, body);
  if (insert)
    stmt = kefu_db_prepare (db,
                            "INSERT INTO lesson (hlc, updated_by, updated_at, position, article_id, title, body,"
                            " id, course_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", error);
  else
    stmt = kefu_db_prepare (db,
                            "UPDATE lesson SET hlc = ?, updated_by = ?, updated_at = ?, position = ?, article_id = ?,"
                            " title = ?, body = ?, version = version + 1"
                            " WHERE id = ? AND deleted = 0 AND version = ?", error);
  if (stmt == NULL)
    return FALSE;
  kefu_db_bind_stamp (db, stmt, 1, cs, g_get_real_time () / 1000);
  sqlite3_bind_int (stmt, 4, l->position);
  sqlite3_bind_text (stmt, 5, l->article_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, l->title, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, body, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 8, id, -1, SQLITE_STATIC);
  if (insert)
    sqlite3_bind_text (stmt, 9, l->course_id, -1, SQLITE_STATIC);
  else
    sqlite3_bind_int64 (stmt, 9, l->version);
  if (!kefu_db_step_versioned (db, stmt, cs, error,
                               _("Someone else changed this lesson in the meantime.")))
    return FALSE;
  kefu_set_str (&l->id, id);
  l->version = insert ? 1 : l->version + 1;
  return TRUE;
}

static gboolean
write_question (KefuDb        *db,
                KefuQuestion  *q,
                GError       **error)
{
  g_autoptr(KefuChangeSet) cs = NULL;
  sqlite3_stmt *stmt;
  gboolean insert = q->id == NULL;
  g_autofree char *id = insert ? kefu_uuid7_new_at (kefu_cases_get_now (db)) : g_strdup (q->id);
  g_autofree char *choices = strv_to_json ((const char * const *) q->choices);
  g_autofree char *answer = q->kind == KEFU_QUESTION_SHORT ? strv_to_json ((const char * const *) q->keywords)
                                                           : mask_to_json (q->correct);

  if (insert)
    q->position = next_position (db, "quiz_question", q->course_id);
  cs = kefu_change_set_new ("quiz_question", id, insert ? KEFU_CHANGE_INSERT : KEFU_CHANGE_UPDATE,
                            insert ? 0 : q->version);
  if (insert)
    kefu_change_set_text (cs, "course_id", NULL, q->course_id);
  kefu_change_set_int (cs, "position", FALSE, 0, q->position);
  kefu_change_set_text (cs, "kind", NULL, kind_code (q->kind));
  kefu_change_set_text (cs, "question", NULL, q->text);
  kefu_change_set_text (cs, "choices", NULL, choices);
  kefu_change_set_text (cs, "answer", NULL, answer);
  kefu_change_set_int (cs, "points", FALSE, 0, q->points);
  if (insert)
    stmt = kefu_db_prepare (db,
                            "INSERT INTO quiz_question (hlc, updated_by, updated_at, position, kind, question, choices,"
                            " answer, points, id, course_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", error);
  else
    stmt = kefu_db_prepare (db,
                            "UPDATE quiz_question SET hlc = ?, updated_by = ?, updated_at = ?, position = ?, kind = ?,"
                            " question = ?, choices = ?, answer = ?, points = ?, version = version + 1"
                            " WHERE id = ? AND deleted = 0 AND version = ?", error);
  if (stmt == NULL)
    return FALSE;
  kefu_db_bind_stamp (db, stmt, 1, cs, g_get_real_time () / 1000);
  sqlite3_bind_int (stmt, 4, q->position);
  sqlite3_bind_text (stmt, 5, kind_code (q->kind), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, q->text, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, choices, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 8, answer, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 9, q->points);
  sqlite3_bind_text (stmt, 10, id, -1, SQLITE_STATIC);
  if (insert)
    sqlite3_bind_text (stmt, 11, q->course_id, -1, SQLITE_STATIC);
  else
    sqlite3_bind_int64 (stmt, 11, q->version);
  if (!kefu_db_step_versioned (db, stmt, cs, error,
                               _("Someone else changed this question in the meantime.")))
    return FALSE;
  kefu_set_str (&q->id, id);
  q->version = insert ? 1 : q->version + 1;
  return TRUE;
}

/**
 * kefu_training_create_course:
 * @lessons: (nullable) (element-type KefuLesson)
 * @questions: (nullable) (element-type KefuQuestion)
 *
 * Checks everything first, then writes the course, its lessons and its
 * questions in one transaction; fills in their ids.
 *
 * Returns: %TRUE on success; nothing is written otherwise
 */
gboolean
kefu_training_create_course (KefuDb      *db,
                             KefuCourse  *course,
                             GPtrArray   *lessons,
                             GPtrArray   *questions,
                             GError     **error)
{
  g_return_val_if_fail (KEFU_IS_DB (db), FALSE);
  g_return_val_if_fail (course != NULL && course->id == NULL, FALSE);

  if (!require_builder (db, error) || !check_course (course, error))
    return FALSE;
  for (guint i = 0; lessons && i < lessons->len; i++)
    if (!check_lesson (db, lessons->pdata[i], i + 1, error))
      return FALSE;
  for (guint i = 0; questions && i < questions->len; i++)
    if (!check_question (questions->pdata[i], i + 1, error))
      return FALSE;

  if (!kefu_db_begin (db, error))
    return FALSE;
  if (!insert_course (db, course, error))
    goto fail;
  for (guint i = 0; lessons && i < lessons->len; i++)
    {
      KefuLesson *l = lessons->pdata[i];

      kefu_set_str (&l->course_id, course->id);
      g_clear_pointer (&l->id, g_free);
      if (!write_lesson (db, l, error))
        goto fail;
    }
  for (guint i = 0; questions && i < questions->len; i++)
    {
      KefuQuestion *q = questions->pdata[i];

      kefu_set_str (&q->course_id, course->id);
      g_clear_pointer (&q->id, g_free);
      if (!write_question (db, q, error))
        goto fail;
    }
  if (kefu_db_commit (db, error))
    {
      course->n_lessons = lessons ? lessons->len : 0;
      course->n_questions = questions ? questions->len : 0;
      return TRUE;
    }

fail:
  kefu_db_rollback (db);
  /* Nothing was written: no ids either. */
  g_clear_pointer (&course->id, g_free);
  for (guint i = 0; lessons && i < lessons->len; i++)
    g_clear_pointer (&((KefuLesson *) lessons->pdata[i])->id, g_free);
  for (guint i = 0; questions && i < questions->len; i++)
    g_clear_pointer (&((KefuQuestion *) questions->pdata[i])->id, g_free);
  return FALSE;
}

gboolean
kefu_training_update_course (KefuDb      *db,
                             KefuCourse  *c,
                             GError     **error)
{
  g_autoptr(KefuCourse) old = NULL;
  g_autoptr(KefuChangeSet) cs = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (KEFU_IS_DB (db), FALSE);
  g_return_val_if_fail (c != NULL && c->id != NULL, FALSE);

  if (!require_builder (db, error) || !check_course (c, error))
    return FALSE;
  if ((old = kefu_training_get_course (db, c->id, error)) == NULL)
    return FALSE;
  if (old->version != c->version)
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_CONFLICT, _("Someone else changed this course in the meantime."));
      return FALSE;
    }
  if (old->is_contest != c->is_contest)
    return kefu_error_invalid (error, _("A course cannot become a skills contest, nor a contest a course."));

  cs = kefu_change_set_new ("course", c->id, KEFU_CHANGE_UPDATE, c->version);
  if (g_strcmp0 (old->title, c->title) != 0)
    kefu_change_set_text (cs, "title", old->title, c->title);
  if (g_strcmp0 (old->description, c->description) != 0)
    kefu_change_set_text (cs, "description", old->description, c->description);
  if (old->pass_mark != c->pass_mark)
    kefu_change_set_int (cs, "pass_mark", TRUE, old->pass_mark, c->pass_mark);
  if (old->time_limit_s != c->time_limit_s)
    kefu_change_set_int (cs, "time_limit_s", TRUE, old->time_limit_s, c->time_limit_s);
  if (old->max_attempts != c->max_attempts)
    kefu_change_set_int (cs, "max_attempts", TRUE, old->max_attempts, c->max_attempts);
  if (g_strcmp0 (old->score_policy, c->score_policy) != 0)
    kefu_change_set_text (cs, "score_policy", old->score_policy, c->score_policy);
  if (old->opens_at != c->opens_at)
    kefu_change_set_int (cs, "opens_at", old->opens_at != 0, old->opens_at, c->opens_at);
  if (old->closes_at != c->closes_at)
    kefu_change_set_int (cs, "closes_at", old->closes_at != 0, old->closes_at, c->closes_at);
  if (kefu_change_set_is_empty (cs))
    return TRUE;

  if (!kefu_db_begin (db, error))
    return FALSE;
  stmt = kefu_db_prepare (db,
                          "UPDATE course SET title = ?, description = ?, pass_mark = ?, time_limit_s = ?,"
                          " max_attempts = ?, score_policy = ?, opens_at = nullif (?, 0), closes_at = nullif (?, 0),"
                          " version = version + 1, hlc = ?, updated_by = ?, updated_at = ?"
                          " WHERE id = ? AND version = ? AND deleted = 0", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, c->title, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, c->description, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 3, c->pass_mark);
  sqlite3_bind_int (stmt, 4, c->time_limit_s);
  sqlite3_bind_int (stmt, 5, c->max_attempts);
  sqlite3_bind_text (stmt, 6, c->score_policy, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 7, c->opens_at);
  sqlite3_bind_int64 (stmt, 8, c->closes_at);
  kefu_db_bind_stamp (db, stmt, 9, cs, g_get_real_time () / 1000);
  sqlite3_bind_text (stmt, 12, c->id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 13, c->version);
  /* The course was read before the transaction: a pull may have written
   * it since, and then the guarded UPDATE changes nothing. */
  if (!kefu_db_step_versioned (db, stmt, cs, error, _("Someone else changed this course in the meantime.")))
    goto fail;
  if (!kefu_db_commit (db, error))
    return FALSE;
  c->version++;
  return TRUE;

fail:
  kefu_db_rollback (db);
  return FALSE;
}

static gboolean
set_course_field (KefuDb      *db,
                  KefuCourse  *c,
                  const char  *sql,
                  KefuChangeSet *cs,
                  GError     **error)
{
  sqlite3_stmt *stmt = kefu_db_prepare (db, sql, error);

  if (stmt == NULL)
    return FALSE;
  kefu_db_bind_stamp (db, stmt, 1, cs, g_get_real_time () / 1000);
  sqlite3_bind_text (stmt, 4, c->id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 5, c->version);
  return kefu_db_step_versioned (db, stmt, cs, error,
                                 _("Someone else changed this course in the meantime."));
}

gboolean
kefu_training_publish_course (KefuDb      *db,
                              const char  *course_id,
                              GError     **error)
{
  g_autoptr(KefuCourse) c = NULL;
  g_autoptr(KefuChangeSet) cs = NULL;

  g_return_val_if_fail (KEFU_IS_DB (db), FALSE);

  if (!require_builder (db, error) || (c = kefu_training_get_course (db, course_id, error)) == NULL)
    return FALSE;
  if (g_strcmp0 (c->status, "published") == 0)
    return TRUE;
  if (c->is_contest && c->n_questions == 0)
    return kefu_error_invalid (error, _("Add questions to the contest before publishing it."));
  if (c->n_lessons + c->n_questions == 0)
    return kefu_error_invalid (error, _("Add a lesson or a question before publishing the course."));
  cs = kefu_change_set_new ("course", c->id, KEFU_CHANGE_UPDATE, c->version);
  kefu_change_set_text (cs, "status", c->status, "published");
  if (!kefu_db_begin (db, error))
    return FALSE;
  if (!set_course_field (db, c,
                         "UPDATE course SET status = 'published', hlc = ?, updated_by = ?, updated_at = ?,"
                         " version = version + 1 WHERE id = ? AND version = ? AND deleted = 0", cs, error) ||
      !kefu_db_commit (db, error))
    {
      kefu_db_rollback (db);
      return FALSE;
    }
  return TRUE;
}

/* Tombstones one row of @table with its change set. */
static gboolean
tombstone (KefuDb      *db,
           const char  *table,
           const char  *id,
           GError     **error)
{
  g_autofree char *select = g_strdup_printf ("SELECT version FROM %s WHERE id = ? AND deleted = 0", table);
  g_autofree char *update = g_strdup_printf ("UPDATE %s SET deleted = 1, version = version + 1, hlc = ?,"
                                             " updated_by = ?, updated_at = ? WHERE id = ? AND version = ?", table);
  g_autoptr(KefuChangeSet) cs = NULL;
  sqlite3_stmt *stmt = kefu_db_prepare (db, select, error);
  gint64 version;
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  version = rc == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : 0;
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW)
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_NOT_FOUND, _("It has been deleted in the meantime."));
      return FALSE;
    }
  cs = kefu_change_set_new (table, id, KEFU_CHANGE_DELETE, version);
  kefu_change_set_int (cs, "deleted", TRUE, 0, 1);
  stmt = kefu_db_prepare (db, update, error);
  if (stmt == NULL)
    return FALSE;
  kefu_db_bind_stamp (db, stmt, 1, cs, g_get_real_time () / 1000);
  sqlite3_bind_text (stmt, 4, id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 5, version);
  return kefu_db_step_done (db, stmt, error) && kefu_db_record_change (db, cs, error);
}

/* The ids of the live rows of @table whose @column is @value. */
static GPtrArray *
ids_where (KefuDb      *db,
           const char  *table,
           const char  *column,
           const char  *value,
           GError     **error)
{
  g_autofree char *sql = g_strdup_printf ("SELECT id FROM %s WHERE %s = ? AND deleted = 0", table, column);

  return kefu_db_read_all (db, sql, value, kefu_row_dup_text, g_free, error);
}

/* A course goes with its lessons, questions and open assignments;
 * attempts stay, they are history. */
gboolean
kefu_training_delete_course (KefuDb      *db,
                             const char  *course_id,
                             GError     **error)
{
  static const char *children[] = { "lesson", "quiz_question", "assignment" };

  g_return_val_if_fail (KEFU_IS_DB (db), FALSE);

  if (!require_builder (db, error) || !course_exists (db, course_id, error))
    return FALSE;
  if (!kefu_db_begin (db, error))
    return FALSE;
  for (guint t = 0; t < G_N_ELEMENTS (children); t++)
    {
      g_autoptr(GPtrArray) ids = ids_where (db, children[t], "course_id", course_id, error);

      if (ids == NULL)
        goto fail;
      for (guint i = 0; i < ids->len; i++)
        if (!tombstone (db, children[t], ids->pdata[i], error))
          goto fail;
    }
  if (tombstone (db, "course", course_id, error) && kefu_db_commit (db, error))
    return TRUE;

fail:
  kefu_db_rollback (db);
  return FALSE;
}

gboolean
kefu_training_save_lesson (KefuDb      *db,
                           KefuLesson  *lesson,
                           GError     **error)
{
  g_return_val_if_fail (KEFU_IS_DB (db), FALSE);
  g_return_val_if_fail (lesson != NULL && lesson->course_id != NULL, FALSE);

  if (!require_builder (db, error) || !course_exists (db, lesson->course_id, error) ||
      !check_lesson (db, lesson, lesson->position > 0 ? (guint) lesson->position : 1, error))
    return FALSE;
  if (!kefu_db_begin (db, error))
    return FALSE;
  if (!write_lesson (db, lesson, error) || !kefu_db_commit (db, error))
    {
      kefu_db_rollback (db);
      return FALSE;
    }
  return TRUE;
}

gboolean
kefu_training_save_question (KefuDb        *db,
                             KefuQuestion  *question,
                             GError       **error)
{
  g_return_val_if_fail (KEFU_IS_DB (db), FALSE);
  g_return_val_if_fail (question != NULL && question->course_id != NULL, FALSE);

  if (!require_builder (db, error) || !course_exists (db, question->course_id, error) ||
      !check_question (question, question->position > 0 ? (guint) question->position
                                                         : (guint) next_position (db, "quiz_question", question->course_id),
                       error))
    return FALSE;
  if (!kefu_db_begin (db, error))
    return FALSE;
  if (!write_question (db, question, error) || !kefu_db_commit (db, error))
    {
      kefu_db_rollback (db);
      return FALSE;
    }
  return TRUE;
}

static gboolean
delete_one (KefuDb      *db,
            const char  *table,
            const char  *id,
            GError     **error)
{
  if (!require_builder (db, error) || !kefu_db_begin (db, error))
    return FALSE;
  if (!tombstone (db, table, id, error) || !kefu_db_commit (db, error))
    {
      kefu_db_rollback (db);
      return FALSE;
    }
  return TRUE;
}

gboolean
kefu_training_delete_lesson (KefuDb      *db,
                             const char  *lesson_id,
                             GError     **error)
{
  return delete_one (db, "lesson", lesson_id, error);
}

gboolean
kefu_training_delete_question (KefuDb      *db,
                               const char  *question_id,
                               GError     **error)
{
  return delete_one (db, "quiz_question", question_id, error);
}

/* --- reads ----------------------------------------------------------- */

#define COURSE_COLUMNS \
  "c.id, c.title, c.description, c.status, c.is_contest, c.pass_mark, c.time_limit_s, c.max_attempts," \
  " c.score_policy, coalesce (c.opens_at, 0), coalesce (c.closes_at, 0), c.version," \
  " (SELECT count(*) FROM lesson l WHERE l.course_id = c.id AND l.deleted = 0)," \
  " (SELECT count(*) FROM quiz_question q WHERE q.course_id = c.id AND q.deleted = 0)"

static gpointer
course_from_row (sqlite3_stmt *stmt)
{
  KefuCourse *c = g_new0 (KefuCourse, 1);

  c->id = kefu_stmt_dup (stmt, 0);
  c->title = kefu_stmt_dup (stmt, 1);
  c->description = kefu_stmt_dup (stmt, 2);
  c->status = kefu_stmt_dup (stmt, 3);
  c->is_contest = sqlite3_column_int (stmt, 4) != 0;
  c->pass_mark = sqlite3_column_int (stmt, 5);
  c->time_limit_s = sqlite3_column_int (stmt, 6);
  c->max_attempts = sqlite3_column_int (stmt, 7);
  c->score_policy = kefu_stmt_dup (stmt, 8);
  c->opens_at = sqlite3_column_int64 (stmt, 9);
  c->closes_at = sqlite3_column_int64 (stmt, 10);
  c->version = sqlite3_column_int64 (stmt, 11);
  c->n_lessons = sqlite3_column_int (stmt, 12);
  c->n_questions = sqlite3_column_int (stmt, 13);
  return c;
}

KefuCourse *
kefu_training_get_course (KefuDb      *db,
                          const char  *course_id,
                          GError     **error)
{
  sqlite3_stmt *stmt;
  KefuCourse *c = NULL;
  int rc;

  g_return_val_if_fail (KEFU_IS_DB (db), NULL);

  stmt = kefu_db_prepare (db, "SELECT " COURSE_COLUMNS " FROM course c WHERE c.id = ? AND c.deleted = 0", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, course_id, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    c = course_from_row (stmt);
  sqlite3_reset (stmt);
  if (rc == SQLITE_DONE)
    g_set_error (error, KEFU_ERROR, KEFU_ERROR_NOT_FOUND, _("The course has been deleted."));
  else if (rc != SQLITE_ROW)
    kefu_db_set_error (db, error);
  return c;
}

GPtrArray *
kefu_training_list_courses (KefuDb  *db,
                            GError **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (KEFU_IS_DB (db), NULL);

  stmt = kefu_db_prepare (db,
                          "SELECT " COURSE_COLUMNS " FROM course c WHERE c.deleted = 0 AND (c.status = 'published' OR ?)"
                          " ORDER BY c.is_contest, c.title", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int (stmt, 1, kefu_training_may_build (db));
  return kefu_db_collect_rows (db, stmt, course_from_row, (GDestroyNotify) kefu_course_free, error);
}
static gpointer
lesson_from_row (sqlite3_stmt *stmt)
{
  KefuLesson *l = g_new0 (KefuLesson, 1);

  l->id = kefu_stmt_dup (stmt, 0);
  l->course_id = kefu_stmt_dup (stmt, 1);
  l->position = sqlite3_column_int (stmt, 2);
  l->article_id = kefu_stmt_dup (stmt, 3);
  l->title = kefu_stmt_dup (stmt, 4);
  l->body = kefu_stmt_dup (stmt, 5);
  l->version = sqlite3_column_int64 (stmt, 6);
  return l;
}


GPtrArray *
kefu_training_list_lessons (KefuDb      *db,
                            const char  *course_id,
                            GError     **error)
{
  sqlite3_stmt *stmt;

  /* A lesson that uses an article shows the article as it is now. */
  stmt = kefu_db_prepare (db,
                          "SELECT l.id, l.course_id, l.position, l.article_id, coalesce (a.title, l.title),"
                          " CASE WHEN a.id IS NOT NULL THEN a.body ELSE l.body END, l.version"
                          " FROM lesson l LEFT JOIN kb_article a ON a.id = l.article_id AND a.deleted = 0"
                          " WHERE l.course_id = ? AND l.deleted = 0 ORDER BY l.position, l.rowid", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, course_id, -1, SQLITE_STATIC);
  return kefu_db_collect_rows (db, stmt, lesson_from_row, (GDestroyNotify) kefu_lesson_free, error);
}
static gpointer
question_from_row (sqlite3_stmt *stmt)
{
  KefuQuestion *q = g_new0 (KefuQuestion, 1);

  q->id = kefu_stmt_dup (stmt, 0);
  q->course_id = kefu_stmt_dup (stmt, 1);
  q->position = sqlite3_column_int (stmt, 2);
  q->kind = kind_from_code (kefu_stmt_text (stmt, 3));
  q->text = kefu_stmt_dup (stmt, 4);
  if (q->kind == KEFU_QUESTION_SINGLE || q->kind == KEFU_QUESTION_MULTIPLE)
    q->choices = json_to_strv (kefu_stmt_text (stmt, 5));
  if (q->kind == KEFU_QUESTION_SHORT)
    q->keywords = json_to_strv (kefu_stmt_text (stmt, 6));
  else
    q->correct = json_to_mask (kefu_stmt_text (stmt, 6));
  q->points = sqlite3_column_int (stmt, 7);
  q->version = sqlite3_column_int64 (stmt, 8);
  return q;
}


GPtrArray *
kefu_training_list_questions (KefuDb      *db,
                              const char  *course_id,
                              GError     **error)
{
  sqlite3_stmt *stmt;

  stmt = kefu_db_prepare (db,
                          "SELECT id, course_id, position, kind, question, choices, answer, points, version"
                          " FROM quiz_question WHERE course_id = ? AND deleted = 0 ORDER BY position, rowid", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, course_id, -1, SQLITE_STATIC);
  return kefu_db_collect_rows (db, stmt, question_from_row, (GDestroyNotify) kefu_question_free, error);
}

GPtrArray *
kefu_training_list_articles (KefuDb  *db,
                             GError **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt;
  int rc;

  stmt = kefu_db_prepare (db,
                          "SELECT id, title FROM kb_article WHERE deleted = 0 AND status = 'published'"
                          " ORDER BY title LIMIT 500", error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_ptr_array_add (list, kefu_stmt_dup (stmt, 0));
      g_ptr_array_add (list, kefu_stmt_dup (stmt, 1));
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      kefu_db_set_error (db, error);
      return NULL;
    }
  return g_steal_pointer (&list);
}

GPtrArray *
kefu_training_list_units (KefuDb    *db,
                          gboolean   branches,
                          GError   **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (KEFU_IS_DB (db), NULL);

  stmt = kefu_db_prepare (db,
                          "SELECT " KEFU_ORG_UNIT_COLUMNS " FROM org_unit"
                          " WHERE deleted = 0 AND (level IN ('province','city') OR (? AND level = 'branch'))"
                          " ORDER BY code", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int (stmt, 1, branches);
  return kefu_db_collect_rows (db, stmt, _kefu_org_unit_from_row, (GDestroyNotify) kefu_org_unit_free, error);
}

/* --- scoring --------------------------------------------------------- */

/* Compatibility-folded, case-folded, without spaces: "ＡＢＣ 道 歉" and
 * "abc道歉" compare equal. */
static char *
fold (const char *text)
{
  g_autofree char *nfkc = g_utf8_normalize (text ? text : "", -1, G_NORMALIZE_NFKC);
  g_autofree char *lower = g_utf8_casefold (nfkc ? nfkc : "", -1);
  GString *out = g_string_new (NULL);

  for (const char *p = lower; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (!g_unichar_isspace (c))
        g_string_append_unichar (out, c);
    }
  return g_string_free (out, FALSE);
}

double
kefu_question_grade (const KefuQuestion *q,
                     const KefuAnswer   *a)
{
  g_return_val_if_fail (q != NULL, 0);

  if (a == NULL)
    return 0;
  switch (q->kind)
    {
    case KEFU_QUESTION_SINGLE:
    case KEFU_QUESTION_MULTIPLE:
    case KEFU_QUESTION_TRUE_FALSE:
      /* All or nothing: a multiple choice with one right box missing or
       * one wrong box ticked is wrong. */
      return a->choices == q->correct && q->correct != 0 ? 1.0 : 0.0;
    case KEFU_QUESTION_SHORT:
      {
        g_autofree char *answer = fold (a->text);
        guint n = 0, hit = 0;

        for (guint i = 0; q->keywords && q->keywords[i]; i++)
          {
            g_auto(GStrv) alternatives = g_strsplit (q->keywords[i], "|", -1);

            n++;
            for (guint j = 0; alternatives[j]; j++)
              {
                g_autofree char *k = fold (alternatives[j]);

                if (*k != '\0' && strstr (answer, k) != NULL)
                  {
                    hit++;
                    break;
                  }
              }
          }
        return n > 0 ? (double) hit / n : 0;
      }
    default:
      return 0;
    }
}

static const KefuAnswer *
find_answer (GPtrArray  *answers,
             const char *question_id)
{
  for (guint i = 0; answers && i < answers->len; i++)
    {
      const KefuAnswer *a = answers->pdata[i];

      if (g_strcmp0 (a->question_id, question_id) == 0)
        return a;
    }
  return NULL;
}

void
kefu_training_grade (const KefuCourse *course,
                     GPtrArray        *questions,
                     GPtrArray        *answers,
                     KefuAttempt      *out)
{
  double earned = 0;
  gint total = 0;

  g_return_if_fail (course != NULL && out != NULL);

  for (guint i = 0; questions && i < questions->len; i++)
    {
      const KefuQuestion *q = questions->pdata[i];

      total += q->points;
      earned += q->points * kefu_question_grade (q, find_answer (answers, q->id));
    }
  out->earned = earned;
  out->total = total;
  /* A course of lessons only is done once read. Rounded down, so that
   * 59.9 % does not pass a mark of 60. */
  out->score = total > 0 ? (gint) (earned * 100.0 / total + 1e-9) : 100;
  out->passed = out->score >= course->pass_mark;
}

/* --- attempts -------------------------------------------------------- */

/* The signed-in user's live assignment of @course_id, or NULL. */
static char *
my_assignment (KefuDb     *db,
               const char *course_id)
{
  sqlite3_stmt *stmt = kefu_db_prepare (db,
                                        "SELECT id FROM assignment WHERE staff_id = ? AND course_id = ? AND deleted = 0"
                                        " ORDER BY due_at DESC LIMIT 1", NULL);
  char *id = NULL;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, kefu_db_get_actor (db), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, course_id, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    id = kefu_stmt_dup (stmt, 0);
  sqlite3_reset (stmt);
  return id;
}

static guint
count_attempts (KefuDb     *db,
                const char *staff_id,
                const char *course_id)
{
  sqlite3_stmt *stmt = kefu_db_prepare (db,
                                        "SELECT count(*) FROM attempt WHERE staff_id = ? AND course_id = ? AND deleted = 0",
                                        NULL);
  guint n = 0;

  if (stmt == NULL)
    return 0;
  sqlite3_bind_text (stmt, 1, staff_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, course_id, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int (stmt, 0);
  sqlite3_reset (stmt);
  return n;
}

/* The checks of kefu_training_check_start() at @at; the course in @out. */
static gboolean
check_start_at (KefuDb      *db,
                const char  *course_id,
                gint64       at,
                KefuCourse **out,
                GError     **error)
{
  g_autoptr(KefuCourse) c = NULL;
  g_autofree char *assignment = NULL;
  const char *actor = kefu_db_get_actor (db);

  if (actor == NULL)
    return kefu_error_denied (error, _("Sign in to take a course."));
  if ((c = kefu_training_get_course (db, course_id, error)) == NULL)
    return FALSE;
  if (g_strcmp0 (c->status, "published") != 0)
    return kefu_error_invalid (error, _("This course is not published yet; use “Preview as Learner” to try it."));
  if (c->is_contest)
    {
      if (at < c->opens_at)
        return kefu_error_invalid (error, _("The skills contest has not opened yet."));
      if (at > c->closes_at)
        return kefu_error_invalid (error, _("The skills contest has closed."));
    }
  else if ((assignment = my_assignment (db, course_id)) == NULL)
    return kefu_error_invalid (error, _("This course has not been assigned to you."));
  if (c->max_attempts > 0 && count_attempts (db, actor, course_id) >= (guint) c->max_attempts)
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID,
                   ngettext ("You have used your only attempt at this course.",
                             "You have used all %d attempts at this course.", c->max_attempts),
                   c->max_attempts);
      return FALSE;
    }
  if (out)
    *out = g_steal_pointer (&c);
  return TRUE;
}

gboolean
kefu_training_check_start (KefuDb      *db,
                           const char  *course_id,
                           GError     **error)
{
  g_return_val_if_fail (KEFU_IS_DB (db), FALSE);

  return check_start_at (db, course_id, kefu_cases_get_now (db), NULL, error);
}

static char *
answers_to_json (GPtrArray *questions,
                 GPtrArray *answers)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_array (b);
  for (guint i = 0; questions && i < questions->len; i++)
    {
      const KefuQuestion *q = questions->pdata[i];
      const KefuAnswer *a = find_answer (answers, q->id);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "q");
      json_builder_add_string_value (b, q->id);
      if (a && q->kind == KEFU_QUESTION_SHORT)
        {
          json_builder_set_member_name (b, "text");
          json_builder_add_string_value (b, a->text ? a->text : "");
        }
      else if (a)
        {
          json_builder_set_member_name (b, "choices");
          json_builder_add_int_value (b, a->choices);
        }
      json_builder_set_member_name (b, "points");
      json_builder_add_double_value (b, q->points * kefu_question_grade (q, a));
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

/**
 * kefu_training_submit:
 * @started_at: when the learner began, cases clock (Unix ms)
 * @answers: (element-type KefuAnswer)
 *
 * Grades the signed-in user's answers and records the attempt (answers,
 * score, time taken, passed).
 *
 * Returns: (transfer full): the recorded attempt, or %NULL with @error
 *   set and nothing written
 */
KefuAttempt *
kefu_training_submit (KefuDb      *db,
                      const char  *course_id,
                      gint64       started_at,
                      GPtrArray   *answers,
                      GError     **error)
{
  g_autoptr(KefuCourse) c = NULL;
  g_autoptr(GPtrArray) questions = NULL;
  g_autoptr(KefuAttempt) at = NULL;
  g_autoptr(KefuChangeSet) cs = NULL;
  g_autofree char *json = NULL;
  g_autofree char *assignment = NULL;
  gint64 now = kefu_cases_get_now (db);
  sqlite3_stmt *stmt;

  g_return_val_if_fail (KEFU_IS_DB (db), NULL);
  g_return_val_if_fail (course_id != NULL, NULL);

  if (!check_start_at (db, course_id, started_at, &c, error))
    return NULL;
  if (started_at <= 0 || started_at > now)
    {
      kefu_error_invalid (error, _("The attempt has no valid start time."));
      return NULL;
    }
  if (c->time_limit_s > 0 && now - started_at > c->time_limit_s * G_GINT64_CONSTANT (1000) + KEFU_TRAINING_GRACE_MS)
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID,
                   ngettext ("Time is up: the answers came after the limit of %d minute and were not recorded.",
                             "Time is up: the answers came after the limit of %d minutes and were not recorded.",
                             (c->time_limit_s + 59) / 60),
                   (c->time_limit_s + 59) / 60);
      return NULL;
    }
  if (c->is_contest && now > c->closes_at + KEFU_TRAINING_GRACE_MS)
    {
      kefu_error_invalid (error, _("The skills contest closed before the answers came; they were not recorded."));
      return NULL;
    }
  for (guint i = 0; answers && i < answers->len; i++)
    if (((KefuAnswer *) answers->pdata[i])->text &&
        g_utf8_strlen (((KefuAnswer *) answers->pdata[i])->text, -1) > MAX_TEXT_CHARS)
      {
        kefu_error_invalid (error, _("An answer is too long (at most 20,000 characters)."));
        return NULL;
      }
  if ((questions = kefu_training_list_questions (db, course_id, error)) == NULL)
    return NULL;

  at = g_new0 (KefuAttempt, 1);
  kefu_training_grade (c, questions, answers, at);
  at->id = kefu_uuid7_new_at (now);
  at->course_id = g_strdup (course_id);
  at->staff_id = g_strdup (kefu_db_get_actor (db));
  at->started_at = started_at;
  at->finished_at = now;
  at->time_ms = now - started_at;
  json = answers_to_json (questions, answers);
  if (!c->is_contest)
    assignment = my_assignment (db, course_id);

  cs = kefu_change_set_new ("attempt", at->id, KEFU_CHANGE_INSERT, 0);
  kefu_change_set_text (cs, "assignment_id", NULL, assignment);
  kefu_change_set_text (cs, "course_id", NULL, course_id);
  kefu_change_set_text (cs, "staff_id", NULL, at->staff_id);
  kefu_change_set_int (cs, "started_at", FALSE, 0, at->started_at);
  kefu_change_set_int (cs, "finished_at", FALSE, 0, at->finished_at);
  kefu_change_set_int (cs, "time_ms", FALSE, 0, at->time_ms);
  kefu_change_set_int (cs, "score", FALSE, 0, at->score);
  kefu_change_set_int (cs, "passed", FALSE, 0, at->passed);
  kefu_change_set_text (cs, "answers", NULL, json);

  if (!kefu_db_begin (db, error))
    return NULL;
  stmt = kefu_db_prepare (db,
                          "INSERT INTO attempt (id, hlc, updated_by, updated_at, assignment_id, course_id, staff_id,"
                          " started_at, finished_at, time_ms, score, passed, answers)"
                          " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, at->id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, kefu_change_set_stamp (cs, db), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, at->staff_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, g_get_real_time () / 1000);
  sqlite3_bind_text (stmt, 5, assignment, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, course_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, at->staff_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 8, at->started_at);
  sqlite3_bind_int64 (stmt, 9, at->finished_at);
  sqlite3_bind_int64 (stmt, 10, at->time_ms);
  sqlite3_bind_int (stmt, 11, at->score);
  sqlite3_bind_int (stmt, 12, at->passed);
  sqlite3_bind_text (stmt, 13, json, -1, SQLITE_STATIC);
  if (!kefu_db_step_done (db, stmt, error) || !kefu_db_record_change (db, cs, error) || !kefu_db_commit (db, error))
    goto fail;
  return g_steal_pointer (&at);

fail:
  kefu_db_rollback (db);
  return NULL;
}

GPtrArray *
kefu_training_attempt_answers (KefuDb      *db,
                               const char  *attempt_id,
                               GError     **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) kefu_answer_free);
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *json = NULL;
  sqlite3_stmt *stmt = kefu_db_prepare (db, "SELECT answers FROM attempt WHERE id = ? AND deleted = 0", error);
  JsonArray *array;
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, attempt_id, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    json = kefu_stmt_dup (stmt, 0);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW)
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_NOT_FOUND, _("The attempt has been deleted."));
      return NULL;
    }
  array = parse_array (json, &root);
  for (guint i = 0; array && i < json_array_get_length (array); i++)
    {
      JsonObject *o = json_array_get_object_element (array, i);

      if (o == NULL)
        continue;
      g_ptr_array_add (list, kefu_answer_new (json_object_get_string_member_with_default (o, "q", NULL),
                                              (guint) json_object_get_int_member_with_default (o, "choices", 0),
                                              json_object_get_string_member_with_default (o, "text", NULL)));
    }
  return g_steal_pointer (&list);
}

/* --- assignments ----------------------------------------------------- */

static gboolean
insert_assignment (KefuDb      *db,
                   const char  *course_id,
                   const char  *staff_id,
                   const char  *unit_id,
                   const char  *role,
                   gint64       due_at,
                   gboolean     managers_first,
                   gint64       now,
                   GError     **error)
{
  g_autofree char *id = kefu_uuid7_new_at (now);
  g_autoptr(KefuChangeSet) cs = kefu_change_set_new ("assignment", id, KEFU_CHANGE_INSERT, 0);
  sqlite3_stmt *stmt;

  kefu_change_set_text (cs, "course_id", NULL, course_id);
  kefu_change_set_text (cs, "staff_id", NULL, staff_id);
  kefu_change_set_text (cs, "org_unit_id", NULL, unit_id);
  kefu_change_set_text (cs, "role", NULL, role);
  kefu_change_set_int (cs, "due_at", FALSE, 0, due_at);
  kefu_change_set_text (cs, "assigned_by", NULL, kefu_db_get_actor (db));
  kefu_change_set_int (cs, "managers_first", FALSE, 0, managers_first);
  kefu_change_set_int (cs, "assigned_at", FALSE, 0, now);
  stmt = kefu_db_prepare (db,
                          "INSERT INTO assignment (id, hlc, updated_by, updated_at, course_id, staff_id, org_unit_id,"
                          " role, due_at, assigned_by, managers_first, assigned_at)"
                          " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  kefu_db_bind_stamp (db, stmt, 2, cs, g_get_real_time () / 1000);
  sqlite3_bind_text (stmt, 5, course_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, staff_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, unit_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 8, role, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 9, due_at);
  sqlite3_bind_text (stmt, 10, kefu_db_get_actor (db), -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 11, managers_first);
  sqlite3_bind_int64 (stmt, 12, now);
  return kefu_db_step_done (db, stmt, error) && kefu_db_record_change (db, cs, error);
}

/**
 * kefu_training_assign:
 * @staff_id: (nullable): one person
 * @unit_id: (nullable): everyone in this unit and below
 * @role: (nullable): everyone with this role (within @unit_id if given)
 * @n_assigned: (out) (optional): how many people were newly assigned
 *
 * Returns: %TRUE on success; nothing is written otherwise
 */
gboolean
kefu_training_assign (KefuDb      *db,
                      const char  *course_id,
                      const char  *staff_id,
                      const char  *unit_id,
                      const char  *role,
                      gint64       due_at,
                      gboolean     managers_first,
                      guint       *n_assigned,
                      GError     **error)
{
  g_autoptr(KefuCourse) c = NULL;
  g_autoptr(GPtrArray) people = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) managers = g_array_new (FALSE, FALSE, sizeof (gboolean));
  g_autofree char *scope = NULL;
  gint64 now = kefu_cases_get_now (db);
  sqlite3_stmt *stmt;
  guint n = 0, n_targets = 0, outside = 0;
  int rc;

  g_return_val_if_fail (KEFU_IS_DB (db), FALSE);

  if (n_assigned)
    *n_assigned = 0;
  if (!kefu_training_may_assign (db))
    return kefu_error_denied (error, _("Only trainers, supervisors and administrators can assign training."));
  if ((c = kefu_training_get_course (db, course_id, error)) == NULL)
    return FALSE;
  if (g_strcmp0 (c->status, "published") != 0)
    return kefu_error_invalid (error, _("Publish the course before assigning it."));
  if (c->is_contest)
    return kefu_error_invalid (error, _("A skills contest is open to everyone while it runs; it is not assigned."));
  if (due_at <= now)
    return kefu_error_invalid (error, _("The due date must be in the future."));
  if (staff_id == NULL && unit_id == NULL && role == NULL)
    return kefu_error_invalid (error, _("Choose the people, the role or the branch to assign the course to."));
  if (staff_id != NULL && (unit_id != NULL || role != NULL))
    return kefu_error_invalid (error, _("Assign a course either to one person or to a role or branch, not both."));
  if (role != NULL && !kefu_role_is_valid (role))
    return kefu_error_invalid (error, _("Unknown role."));
  /* A supervisor assigns within their own unit and the units below it
   * (a role alone: that role there); trainers and administrators
   * anywhere. */
  {
    g_autoptr(KefuStaff) me = kefu_org_get_staff (db, kefu_db_get_actor (db), NULL);

    if (me && g_strcmp0 (me->role, "supervisor") == 0)
      scope = g_strdup (me->org_unit_id);
  }

  stmt = kefu_db_prepare (db,
                          "WITH RECURSIVE units (id) AS ("
                          "  SELECT id FROM org_unit WHERE id = ?1 AND deleted = 0"
                          "  UNION ALL SELECT o.id FROM org_unit o JOIN units u ON o.parent_id = u.id WHERE o.deleted = 0),"
                          " scope (id) AS ("
                          "  SELECT id FROM org_unit WHERE id = ?5 AND deleted = 0"
                          "  UNION ALL SELECT o.id FROM org_unit o JOIN scope u ON o.parent_id = u.id WHERE o.deleted = 0)"
                          " SELECT s.id, s.role IN ('supervisor','admin'),"
                          "  EXISTS (SELECT 1 FROM assignment a WHERE a.staff_id = s.id AND a.course_id = ?4 AND a.deleted = 0),"
                          "  ?5 IS NULL OR s.org_unit_id IN scope"
                          " FROM staff s WHERE s.deleted = 0 AND s.active = 1"
                          "  AND (?3 IS NULL OR s.id = ?3)"
                          "  AND (?1 IS NULL OR s.org_unit_id IN units)"
                          "  AND (?2 IS NULL OR s.role = ?2)"
                          " ORDER BY s.rowid", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, unit_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, role, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, staff_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, course_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, scope, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gboolean manager = sqlite3_column_int (stmt, 1) != 0;

      if (sqlite3_column_int (stmt, 3) == 0)
        {
          outside++;
          continue;
        }
      n_targets++;
      if (sqlite3_column_int (stmt, 2) != 0)
        continue;
      g_ptr_array_add (people, kefu_stmt_dup (stmt, 0));
      g_array_append_val (managers, manager);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return kefu_db_set_error (db, error);
  /* A role alone means the role within the supervisor's own units. */
  if (outside > 0 && (staff_id != NULL || unit_id != NULL))
    return kefu_error_denied (error, _("A supervisor assigns training only to the people of their own branch, city or province; "
                                       "nobody was assigned."));
  if (n_targets == 0)
    return kefu_error_invalid (error, _("No active staff member matches; nobody was assigned."));

  if (!kefu_db_begin (db, error))
    return FALSE;
  for (guint i = 0; i < people->len; i++)
    {
      gint64 due = due_at;

      /* Managers first: they are trained before they coach their staff. */
      if (managers_first && g_array_index (managers, gboolean, i))
        due = MAX (now + DAY_MS, due_at - KEFU_TRAINING_MANAGERS_LEAD_DAYS * DAY_MS);
      if (!insert_assignment (db, course_id, people->pdata[i], unit_id, role, due, managers_first, now, error))
        {
          kefu_db_rollback (db);
          return FALSE;
        }
      n++;
    }
  if (!kefu_db_commit (db, error))
    return FALSE;
  if (n_assigned)
    *n_assigned = n;
  return TRUE;
}

KefuTrainingState
_kefu_training_state (gboolean done,
                      gint64   due_at,
                      gint64   now)
{
  if (done)
    return KEFU_TRAINING_DONE;
  if (due_at > 0 && due_at < now)
    return KEFU_TRAINING_OVERDUE;
  if (due_at > 0 && due_at < now + KEFU_TRAINING_DUE_SOON_DAYS * DAY_MS)
    return KEFU_TRAINING_DUE;
  return KEFU_TRAINING_ASSIGNED;
}

static int
item_order (gconstpointer a,
            gconstpointer b)
{
  static const int rank[] = { [KEFU_TRAINING_OVERDUE] = 0, [KEFU_TRAINING_DUE] = 1,
                              [KEFU_TRAINING_ASSIGNED] = 2, [KEFU_TRAINING_DONE] = 3 };
  const KefuTrainingItem *x = *(KefuTrainingItem **) a, *y = *(KefuTrainingItem **) b;

  if (rank[x->state] != rank[y->state])
    return rank[x->state] - rank[y->state];
  if (x->due_at != y->due_at)
    return x->due_at < y->due_at ? -1 : 1;
  return g_strcmp0 (x->course_title, y->course_title);
}

GPtrArray *
kefu_training_list_mine (KefuDb      *db,
                         const char  *staff_id,
                         GError     **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) kefu_training_item_free);
  gint64 now = kefu_cases_get_now (db);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (KEFU_IS_DB (db), NULL);

  if (staff_id == NULL)
    staff_id = kefu_db_get_actor (db);
  if (staff_id == NULL)
    return g_steal_pointer (&list);

  /* The score that counts: the best attempt, or the last one. Open
   * contests (in their window, or already taken) are listed too. */
  stmt = kefu_db_prepare (db,
                          "SELECT a.id, c.id, c.title, c.is_contest, coalesce (a.due_at, c.closes_at), c.max_attempts,"
                          "  c.pass_mark, c.time_limit_s,"
                          "  (SELECT count(*) FROM attempt t WHERE t.staff_id = ?1 AND t.course_id = c.id AND t.deleted = 0),"
                          "  CASE c.score_policy WHEN 'last' THEN"
                          "   (SELECT t.score FROM attempt t WHERE t.staff_id = ?1 AND t.course_id = c.id AND t.deleted = 0"
                          "    ORDER BY t.finished_at DESC LIMIT 1)"
                          "  ELSE (SELECT max (t.score) FROM attempt t WHERE t.staff_id = ?1 AND t.course_id = c.id"
                          "    AND t.deleted = 0) END,"
                          "  EXISTS (SELECT 1 FROM attempt t WHERE t.staff_id = ?1 AND t.course_id = c.id AND t.deleted = 0"
                          "    AND t.passed = 1)"
                          " FROM course c LEFT JOIN assignment a ON a.course_id = c.id AND a.staff_id = ?1 AND a.deleted = 0"
                          " WHERE c.deleted = 0 AND c.status = 'published'"
                          "  AND (a.id IS NOT NULL OR (c.is_contest = 1 AND (c.opens_at <= ?2 AND c.closes_at >= ?2"
                          "   OR EXISTS (SELECT 1 FROM attempt t WHERE t.staff_id = ?1 AND t.course_id = c.id AND t.deleted = 0))))",
                          error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, staff_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, now);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      KefuTrainingItem *i = g_new0 (KefuTrainingItem, 1);
      gboolean contest_over;

      i->assignment_id = kefu_stmt_dup (stmt, 0);
      i->course_id = kefu_stmt_dup (stmt, 1);
      i->course_title = kefu_stmt_dup (stmt, 2);
      i->is_contest = sqlite3_column_int (stmt, 3) != 0;
      i->due_at = sqlite3_column_int64 (stmt, 4);
      i->max_attempts = sqlite3_column_int (stmt, 5);
      i->pass_mark = sqlite3_column_int (stmt, 6);
      i->time_limit_s = sqlite3_column_int (stmt, 7);
      i->n_attempts = sqlite3_column_int (stmt, 8);
      i->score = sqlite3_column_type (stmt, 9) == SQLITE_NULL ? -1 : sqlite3_column_int (stmt, 9);
      i->passed = sqlite3_column_int (stmt, 10) != 0;
      /* A contest is done once taken or closed; there is no failing it. */
      contest_over = i->is_contest && (i->n_attempts > 0 || i->due_at < now);
      i->state = _kefu_training_state (i->passed || contest_over, i->due_at, now);
      g_ptr_array_add (list, i);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      kefu_db_set_error (db, error);
      return NULL;
    }
  g_ptr_array_sort (list, item_order);
  return g_steal_pointer (&list);
}
