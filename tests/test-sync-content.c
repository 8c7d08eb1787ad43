/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "kefu-assessment.h"
#include "kefu-cases.h"
#include "kefu-customers.h"
#include "kefu-kb.h"
#include "kefu-org.h"
#include "kefu-report.h"
#include "kefu-sync-client.h"
#include "kefu-sync-local.h"
#include "kefu-sync-protocol.h"
#include "kefu-training.h"
#include "kefu-uuid.h"
#include "kefu-test-sync.h"

/* What the knowledge base, training, the monthly report and assessment
 * write travels through a real kefu-server: headquarters, a province P
 * and its branches B1 and B2, one computer per person. */

#define DAY_MS (24 * 3600 * (gint64) 1000)

/* One computer per person, and a second computer of B1's supervisor. */
enum { HQ, PROV, A1, S1, A2, S1B, N_DEVICES };
#define N_PEOPLE S1B

static const char *users[N_DEVICES] = { "hq-trainer", "p-trainer", "b1-agent", "b1-super", "b2-agent", "b1-super" };
static const char *roles[N_PEOPLE] = { "trainer", "trainer", "agent", "supervisor", "agent" };

typedef struct
{
  KefuTestServer *server;
  char           *prov;
  char           *b1;
  char           *b2;
  char           *staff[N_DEVICES];
  char           *reviewer;      /* a second trainer at headquarters */
  KefuTestDb     *db[N_DEVICES];
  KefuSyncClient *client[N_DEVICES];
} Net;

static void
sync_ok (Net  *n,
         guint i)
{
  kefu_test_sync_ok (n->client[i]);
}

static void
sync_all (Net *n)
{
  for (guint i = 0; i < N_DEVICES; i++)
    sync_ok (n, i);
}

static char *
add_unit (KefuTestServer *s,
          const char     *code,
          const char     *name,
          const char     *level,
          const char     *parent)
{
  g_autofree char *fields = g_strdup_printf ("{\"code\":\"%s\",\"name\":\"%s\",\"level\":\"%s\",\"parent_id\":\"%s\"}",
                                             code, name, level, parent);

  return kefu_test_server_admin_insert (s, "org_unit", fields);
}

static char *
add_staff (KefuTestServer *s,
           const char     *unit,
           const char     *username,
           const char     *name,
           const char     *role)
{
  g_autofree char *fields = g_strdup_printf ("{\"org_unit_id\":\"%s\",\"username\":\"%s\",\"name\":\"%s\",\"role\":\"%s\","
                                             "\"active\":1,\"auth_limit_cents\":0,\"is_courier\":0}",
                                             unit, username, name, role);

  return kefu_test_server_admin_insert (s, "staff", fields);
}

static void
use_staff (Net  *n,
           guint i,
           const char *staff_id)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (kefu_org_set_current_user (n->db[i]->db, staff_id, &error));
  g_assert_no_error (error);
}

static Net *
net_new (void)
{
  Net *n = g_new0 (Net, 1);
  const char *units[N_PEOPLE];
  static const char *names[N_PEOPLE] = { "李娟", "陈静", "王芳", "赵磊", "刘洋" };

  n->server = kefu_test_server_start ();
  n->prov = add_unit (n->server, "GD", "广东省", "province", n->server->hq_id);
  n->b1 = add_unit (n->server, "GZ01", "广州天河营业部", "branch", n->prov);
  n->b2 = add_unit (n->server, "GZ02", "广州越秀营业部", "branch", n->prov);
  units[HQ] = n->server->hq_id;
  units[PROV] = n->prov;
  units[A1] = units[S1] = n->b1;
  units[A2] = n->b2;
  for (guint i = 0; i < N_PEOPLE; i++)
    {
      g_autofree char *username = g_strdelimit (g_strdup (users[i]), "-", '.');

      n->staff[i] = add_staff (n->server, units[i], username, names[i], roles[i]);
      kefu_test_server_add_user (n->server, users[i], roles[i], units[i]);
    }
  n->staff[S1B] = g_strdup (n->staff[S1]);
  n->reviewer = add_staff (n->server, n->server->hq_id, "zhou.qiang", "周强", "trainer");

  for (guint i = 0; i < N_DEVICES; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *password = g_strdup_printf ("password-%s", users[i]);

      n->db[i] = kefu_test_db_new (TRUE);
      n->client[i] = kefu_sync_client_new (n->db[i]->path);
      g_assert_true (kefu_sync_client_sign_in_sync (n->client[i], n->server->url, users[i], password, &error));
      g_assert_no_error (error);
      sync_ok (n, i);
      use_staff (n, i, n->staff[i]);
    }
  return n;
}

/* Every insert a device sent holds every column its table needs (NOT
 * NULL without a default): otherwise the other side cannot store it. */
static void
assert_inserts_complete (KefuDb *db)
{
  sqlite3_stmt *stmt = kefu_db_prepare (db,
                                        "SELECT o.entity, p.name FROM outbox o, pragma_table_info (o.entity) p"
                                        " WHERE o.op = 'insert' AND p.\"notnull\" = 1 AND p.dflt_value IS NULL"
                                        " AND p.name <> 'id' AND coalesce (json_type (o.fields, '$.' || p.name), 'null') = 'null'",
                                        NULL);
  guint missing = 0;
  int rc;

  g_assert_nonnull (stmt);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_test_message ("an insert of %s lacks %s", sqlite3_column_text (stmt, 0), sqlite3_column_text (stmt, 1));
      missing++;
    }
  sqlite3_reset (stmt);
  g_assert_cmpint (rc, ==, SQLITE_DONE);
  g_assert_cmpuint (missing, ==, 0);
  g_assert_cmpint (kefu_test_count (db, "SELECT count(*) FROM outbox WHERE op = 'insert'"), >, 0);
}

static void
net_free (Net *n)
{
  for (guint i = 0; i < N_DEVICES; i++)
    assert_inserts_complete (n->db[i]->db);
  for (guint i = 0; i < N_DEVICES; i++)
    {
      g_clear_object (&n->client[i]);
      kefu_test_db_free (n->db[i]);
      g_free (n->staff[i]);
    }
  kefu_test_server_free (n->server);
  g_free (n->prov);
  g_free (n->b1);
  g_free (n->b2);
  g_free (n->reviewer);
  g_free (n);
}

static void
assert_verified (Net  *n,
                 guint i)
{
  kefu_test_sync_assert_verified (n->client[i]);
}

static gint64
count (Net        *n,
       guint       i,
       const char *sql)
{
  return kefu_test_count (n->db[i]->db, sql);
}

/* The HQ trainer writes an article, the reviewer approves it.
 * Returns: (transfer full) its id */
static char *
publish_article (Net        *n,
                 const char *title,
                 const char *body)
{
  KefuDb *db = n->db[HQ]->db;
  g_autoptr(KefuKbArticle) a = kefu_kb_article_new ();
  g_autoptr(GError) error = NULL;

  kefu_set_str (&a->title, title);
  kefu_set_str (&a->body, body);
  kefu_set_str (&a->tags, "破损,理赔");
  g_assert_true (kefu_kb_save (db, a, &error));
  g_assert_no_error (error);
  g_assert_true (kefu_kb_submit (db, a->id, &error));
  g_assert_no_error (error);
  use_staff (n, HQ, n->reviewer);
  g_assert_true (kefu_kb_approve (db, a->id, &error));
  g_assert_no_error (error);
  use_staff (n, HQ, n->staff[HQ]);
  return g_strdup (a->id);
}

/* The ids of the articles @i finds for @text. */
static GPtrArray *
kb_find (Net        *n,
         guint       i,
         const char *text)
{
  KefuKbQuery q = { .text = (char *) text };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) hits = kefu_kb_search (n->db[i]->db, &q, 20, &error);
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);

  g_assert_no_error (error);
  for (guint k = 0; k < hits->len; k++)
    g_ptr_array_add (ids, g_strdup (((KefuKbHit *) hits->pdata[k])->id));
  return ids;
}

static gboolean
has_id (GPtrArray  *ids,
        const char *id)
{
  return g_ptr_array_find_with_equal_func (ids, id, g_str_equal, NULL);
}

/* Every table the app writes through KefuChangeSet (those with the
 * synced columns hlc and deleted; the outbox has an hlc only) is an entity the protocol knows: otherwise the client would
 * never send it. */
static void
test_every_synced_table_is_an_entity (void)
{
  g_autoptr(KefuTestDb) t = kefu_test_db_new (FALSE);
  sqlite3_stmt *stmt = kefu_db_prepare (t->db,
                                        "SELECT m.name FROM sqlite_schema m, pragma_table_info (m.name) p"
                                        " WHERE m.type = 'table' AND p.name = 'hlc' AND EXISTS"
                                        "  (SELECT 1 FROM pragma_table_info (m.name) q WHERE q.name = 'deleted')"
                                        " ORDER BY m.name", NULL);
  guint n = 0;

  g_assert_nonnull (stmt);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *table = (const char *) sqlite3_column_text (stmt, 0);

      if (kefu_sync_entity_lookup (table) == NULL)
        g_test_message ("table %s is written with an hlc but is not synced", table);
      g_assert_nonnull (kefu_sync_entity_lookup (table));
      n++;
    }
  sqlite3_reset (stmt);
  g_assert_cmpuint (n, >=, 30);
  /* Scopes of the entities added for the knowledge base, training,
   * report and assessment. */
  g_assert_cmpstr (kefu_sync_entity_lookup ("report_note")->branch_field, ==, "org_unit_id");
  g_assert_cmpstr (kefu_sync_entity_lookup ("assessment_round")->branch_field, ==, "org_unit_id");
  g_assert_cmpstr (kefu_sync_entity_lookup ("kb_case_link")->parent_entity, ==, "kcase");
  g_assert_cmpstr (kefu_sync_entity_lookup ("assignment")->parent_entity, ==, "staff");
  g_assert_cmpstr (kefu_sync_entity_lookup ("attachment")->kb_field, ==, "kb_article_id");
}

/* A trainer publishes an article at headquarters; an agent's computer in
 * a branch pulls it and finds it by a two-character Chinese term of its
 * body; edits and archiving follow it. */
static void
test_article_reaches_branch (void)
{
  Net *n = net_new ();
  g_autofree char *article = NULL;
  g_autoptr(GPtrArray) before = kb_find (n, A1, "拍照");
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GPtrArray) found2 = NULL;
  g_autoptr(GPtrArray) gone = NULL;
  g_autoptr(GPtrArray) renamed = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpuint (before->len, ==, 0);
  article = publish_article (n, "包裹破损如何受理",
                             "客户签收时发现外包装破损，请当场**拍照**留证，并在系统中登记破损件。");
  sync_ok (n, HQ);
  sync_ok (n, A1);
  sync_ok (n, A2);

  found = kb_find (n, A1, "拍照");
  g_assert_cmpuint (found->len, ==, 1);
  g_assert_cmpstr (found->pdata[0], ==, article);
  found2 = kb_find (n, A2, "留证");
  g_assert_true (has_id (found2, article));

  /* A revision under a new title goes to review beside the published
   * text: the branch keeps the published article (found by its old
   * words, not the new ones), a trainer in the province sees the pending
   * revision on their own computer; once the reviewer at headquarters
   * approves it, the branch's index follows the new text. */
  {
    g_autoptr(KefuKbArticle) a = kefu_kb_get (n->db[HQ]->db, article, &error);
    g_autoptr(KefuKbArticle) at_branch = NULL;
    g_autoptr(KefuKbArticle) pending = NULL;
    g_autoptr(GPtrArray) in_review = NULL;
    g_autoptr(GPtrArray) still = NULL;

    g_assert_no_error (error);
    kefu_set_str (&a->title, "外包装破损的受理与赔付");
    g_assert_true (kefu_kb_save (n->db[HQ]->db, a, &error));
    g_assert_no_error (error);
    g_assert_true (a->is_revision);
    g_assert_true (kefu_kb_submit (n->db[HQ]->db, article, &error));
    g_assert_no_error (error);
    sync_ok (n, HQ);
    sync_ok (n, A1);
    sync_ok (n, PROV);
    in_review = kb_find (n, A1, "赔付");
    g_assert_false (has_id (in_review, article));
    still = kb_find (n, A1, "拍照");
    g_assert_true (has_id (still, article));
    at_branch = kefu_kb_get (n->db[A1]->db, article, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (at_branch->title, ==, "包裹破损如何受理");
    pending = kefu_kb_get_revision (n->db[PROV]->db, article, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (pending->title, ==, "外包装破损的受理与赔付");
    g_assert_cmpstr (pending->revision_status, ==, "review");
    g_assert_cmpstr (pending->revision_author_id, ==, n->staff[HQ]);
    use_staff (n, HQ, n->reviewer);
    g_assert_true (kefu_kb_approve (n->db[HQ]->db, article, &error));
    g_assert_no_error (error);
    use_staff (n, HQ, n->staff[HQ]);
  }
  sync_ok (n, HQ);
  sync_ok (n, A1);
  renamed = kb_find (n, A1, "赔付");
  g_assert_true (has_id (renamed, article));
  {
    g_autoptr(KefuKbArticle) hq = kefu_kb_get (n->db[HQ]->db, article, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (hq->title, ==, "外包装破损的受理与赔付");
    g_assert_null (hq->revision_status);
    g_assert_cmpint (hq->published_version, ==, 2);
  }

  /* An agent in B1 reports a problem with it: the trainers at
   * headquarters read it and resolve it; the other branch never gets it. */
  {
    g_autoptr(GPtrArray) reports = NULL;

    g_assert_true (kefu_kb_report_problem (n->db[A1]->db, article, "赔付时限写错了", &error));
    g_assert_no_error (error);
    sync_ok (n, A1);
    sync_ok (n, HQ);
    sync_ok (n, A2);
    reports = kefu_kb_list_reports (n->db[HQ]->db, article, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (reports->len, ==, 1);
    g_assert_cmpstr (((KefuKbReport *) reports->pdata[0])->branch_name, ==, "广州天河营业部");
    g_assert_cmpstr (((KefuKbReport *) reports->pdata[0])->reporter_name, ==, "王芳");
    g_assert_cmpint (count (n, A2, "SELECT count(*) FROM kb_report"), ==, 0);
    g_assert_true (kefu_kb_resolve_report (n->db[HQ]->db, ((KefuKbReport *) reports->pdata[0])->id, &error));
    g_assert_no_error (error);
    sync_ok (n, HQ);
    sync_ok (n, A1);
    g_assert_cmpint (count (n, A1, "SELECT count(*) FROM kb_report WHERE resolved_at IS NOT NULL"), ==, 1);
  }

  /* Archived at headquarters: no agent finds it any more. */
  g_assert_true (kefu_kb_archive (n->db[HQ]->db, article, &error));
  g_assert_no_error (error);
  sync_ok (n, HQ);
  sync_ok (n, A1);
  gone = kb_find (n, A1, "拍照");
  g_assert_false (has_id (gone, article));

  /* A draft deleted at headquarters leaves the province trainer's copy
   * and search too. */
  {
    g_autoptr(KefuKbArticle) draft = kefu_kb_article_new ();
    g_autoptr(KefuKbArticle) there = NULL;
    g_autoptr(GPtrArray) seen = NULL;
    g_autoptr(GPtrArray) unseen = NULL;

    kefu_set_str (&draft->title, "导入错了的草稿");
    g_assert_true (kefu_kb_save (n->db[HQ]->db, draft, &error));
    g_assert_no_error (error);
    sync_ok (n, HQ);
    sync_ok (n, PROV);
    seen = kb_find (n, PROV, "导入");
    g_assert_true (has_id (seen, draft->id));
    g_assert_true (kefu_kb_delete_draft (n->db[HQ]->db, draft->id, &error));
    g_assert_no_error (error);
    sync_ok (n, HQ);
    sync_ok (n, PROV);
    unseen = kb_find (n, PROV, "导入");
    g_assert_false (has_id (unseen, draft->id));
    there = kefu_kb_get (n->db[PROV]->db, draft->id, &error);
    g_assert_null (there);
    g_assert_error (error, KEFU_ERROR, KEFU_ERROR_NOT_FOUND);
    g_clear_error (&error);
  }

  for (guint i = 0; i < N_DEVICES; i++)
    {
      sync_ok (n, i);
      assert_verified (n, i);
    }
  net_free (n);
}

/* A course with questions and an assignment travel down to the agent; the
 * agent's attempt travels up and counts in the province trainer's
 * completion; the other branch gets neither. */
static void
test_training_round_trip (void)
{
  Net *n = net_new ();
  KefuDb *hq = n->db[HQ]->db;
  g_autoptr(KefuCourse) course = kefu_course_new ();
  g_autoptr(GPtrArray) lessons = g_ptr_array_new_with_free_func ((GDestroyNotify) kefu_lesson_free);
  g_autoptr(GPtrArray) questions = g_ptr_array_new_with_free_func ((GDestroyNotify) kefu_question_free);
  g_autoptr(GPtrArray) mine = NULL;
  g_autoptr(GPtrArray) got = NULL;
  g_autoptr(GPtrArray) answers = g_ptr_array_new_with_free_func ((GDestroyNotify) kefu_answer_free);
  g_autoptr(GPtrArray) units = NULL;
  g_autoptr(KefuAttempt) attempt = NULL;
  g_autoptr(GError) error = NULL;
  KefuLesson *lesson = g_new0 (KefuLesson, 1);
  KefuQuestion *q;
  KefuUnitCompletion *b1 = NULL;
  guint n_assigned = 0;

  course->title = g_strdup ("破损件处理 Damaged parcels");
  course->pass_mark = 60;
  lesson->title = g_strdup ("受理流程");
  lesson->body = g_strdup ("先致歉，再核实运单号，拍照留证。");
  g_ptr_array_add (lessons, lesson);
  q = kefu_question_new (KEFU_QUESTION_SINGLE, "客户投诉包裹破损，首先应该做什么？");
  q->choices = g_strsplit ("致歉并核实运单号|直接赔付|请客户找快递员", "|", -1);
  q->correct = 1 << 0;
  g_ptr_array_add (questions, q);
  q = kefu_question_new (KEFU_QUESTION_TRUE_FALSE, "破损件须拍照留证。");
  q->correct = 1;
  g_ptr_array_add (questions, q);
  g_assert_true (kefu_training_create_course (hq, course, lessons, questions, &error));
  g_assert_no_error (error);
  g_assert_true (kefu_training_publish_course (hq, course->id, &error));
  g_assert_no_error (error);
  g_assert_true (kefu_training_assign (hq, course->id, n->staff[A1], NULL, NULL,
                                       kefu_cases_get_now (hq) + 5 * DAY_MS, FALSE, &n_assigned, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_assigned, ==, 1);
  sync_ok (n, HQ);
  g_assert_cmpint (kefu_sync_local_pending_count (hq), ==, 0);

  /* Down to the agent of B1: the course, its questions, the assignment. */
  sync_ok (n, A1);
  mine = kefu_training_list_mine (n->db[A1]->db, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (mine->len, ==, 1);
  g_assert_cmpstr (((KefuTrainingItem *) mine->pdata[0])->course_id, ==, course->id);
  g_assert_cmpint (((KefuTrainingItem *) mine->pdata[0])->state, !=, KEFU_TRAINING_DONE);
  got = kefu_training_list_questions (n->db[A1]->db, course->id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (got->len, ==, 2);

  /* The agent answers both right; the attempt travels up. */
  for (guint i = 0; i < got->len; i++)
    {
      KefuQuestion *gq = got->pdata[i];

      g_ptr_array_add (answers, kefu_answer_new (gq->id, gq->correct, NULL));
    }
  attempt = kefu_training_submit (n->db[A1]->db, course->id, kefu_cases_get_now (n->db[A1]->db) - 60 * 1000,
                                  answers, &error);
  g_assert_no_error (error);
  g_assert_cmpint (attempt->score, ==, 100);
  sync_ok (n, A1);
  g_assert_cmpint (kefu_sync_local_pending_count (n->db[A1]->db), ==, 0);

  /* The province trainer sees B1 done. */
  sync_ok (n, PROV);
  units = kefu_training_completion_units (n->db[PROV]->db, course->id, n->prov, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < units->len; i++)
    if (g_str_equal (((KefuUnitCompletion *) units->pdata[i])->unit_id, n->b1))
      b1 = units->pdata[i];
  g_assert_nonnull (b1);
  g_assert_cmpuint (b1->n_assigned, ==, 1);
  g_assert_cmpuint (b1->n_done, ==, 1);
  g_assert_cmpfloat_with_epsilon (b1->avg_score, 100, 1e-9);

  /* The other branch has the course, not B1's assignment or attempt. */
  sync_ok (n, A2);
  g_assert_cmpint (count (n, A2, "SELECT count(*) FROM course"), ==, 1);
  g_assert_cmpint (count (n, A2, "SELECT count(*) FROM quiz_question"), ==, 2);
  g_assert_cmpint (count (n, A2, "SELECT count(*) FROM assignment"), ==, 0);
  g_assert_cmpint (count (n, A2, "SELECT count(*) FROM attempt"), ==, 0);

  for (guint i = 0; i < N_DEVICES; i++)
    {
      sync_ok (n, i);
      assert_verified (n, i);
    }
  net_free (n);
}

/* One request as @username (signed in for it). */
static JsonObject *
user_call (Net        *n,
           const char *username,
           const char *method,
           const char *path,
           const char *body,
           guint      *status)
{
  KefuTestServer *s = n->server;
  g_autofree char *admin = g_steal_pointer (&s->admin_token);
  g_autofree char *login = g_strdup_printf ("{\"username\":\"%s\",\"password\":\"password-%s\"}", username, username);
  g_autoptr(JsonObject) reply = kefu_test_server_call (s, "POST", "login", login, status);
  JsonObject *ret;

  g_assert_cmpuint (*status, ==, 200);
  s->admin_token = g_strdup (json_object_get_string_member (reply, "token"));
  ret = kefu_test_server_call (s, method, path, body, status);
  g_free (s->admin_token);
  s->admin_token = g_steal_pointer (&admin);
  return ret;
}

static guint
get_row_status (Net        *n,
                const char *username,
                const char *entity,
                const char *row_id)
{
  g_autofree char *path = g_strdup_printf ("rows/%s/%s", entity, row_id);
  g_autoptr(JsonObject) row = NULL;
  guint status = 0;

  row = user_call (n, username, "GET", path, NULL, &status);
  return status;
}

/* Pushes one op as @username with a device of its own and checks the
 * result's status and reason. */
static void
assert_push (Net        *n,
             const char *username,
             const char *entity,
             const char *row_id,
             const char *op,
             gint64      base,
             const char *fields,
             const char *want_status,
             const char *want_reason)
{
  g_autofree char *device = kefu_uuid7_new ();
  g_autofree char *op_id = kefu_uuid7_new ();
  g_autofree char *body = NULL;
  g_autoptr(JsonObject) pushed = NULL;
  JsonObject *result;
  guint status = 0;

  body = g_strdup_printf ("{\"device_id\":\"%s\",\"epoch\":\"%s\",\"ops\":[{\"seq\":1,\"op_id\":\"%s\","
                          "\"entity\":\"%s\",\"row_id\":\"%s\",\"op\":\"%s\",\"base_version\":%" G_GINT64_FORMAT ","
                          "\"hlc\":\"1700000000000:00000:forge\",\"fields\":%s}]}",
                          device, n->server->epoch, op_id, entity, row_id, op, base, fields);
  pushed = user_call (n, username, "POST", "push", body, &status);
  g_assert_cmpuint (status, ==, 200);
  result = json_array_get_object_element (json_object_get_array_member (pushed, "results"), 0);
  g_test_message ("%s %s by %s: %s %s", op, entity, username, json_object_get_string_member (result, "status"),
                  json_object_get_string_member_with_default (result, "reason", ""));
  g_assert_cmpstr (json_object_get_string_member (result, "status"), ==, want_status);
  if (want_reason)
    g_assert_cmpstr (json_object_get_string_member_with_default (result, "reason", ""), ==, want_reason);
}

/* "This answered it", a report note and an assessment round travel to
 * their branch and the units above it, never to the other branch; forged
 * scope fields and ids in pushed bodies are refused. */
static void
test_branch_content_scoped (void)
{
  Net *n = net_new ();
  g_autofree char *article = publish_article (n, "破损件理赔时限", "破损件须在签收后七日内提出理赔。");
  g_autoptr(KefuCustomer) customer = kefu_customer_new ();
  g_autoptr(KefuCase) kcase = kefu_case_new ();
  g_autoptr(GError) error = NULL;
  KefuAssessmentRound round = { 0 };
  g_autofree char *note_id = NULL;
  g_autofree char *forged_id = kefu_uuid7_new ();
  g_autofree char *fields = NULL;
  guint n_cases = 0, n_first = 0;

  sync_ok (n, HQ);
  sync_ok (n, A1);

  /* B1's agent takes a case and links the article that answered it. */
  customer->name = g_strdup ("欧阳娜娜");
  customer->kind = g_strdup ("person");
  kefu_customer_add_contact (customer, "phone", "mobile", "13800138000");
  g_assert_true (kefu_customers_create (n->db[A1]->db, customer, &error));
  g_assert_no_error (error);
  kcase->customer_id = g_strdup (customer->id);
  kcase->kind = g_strdup ("complaint");
  kcase->channel = g_strdup ("phone");
  kcase->subject = g_strdup ("包裹破损要求理赔");
  g_assert_true (kefu_cases_create (n->db[A1]->db, kcase, &error));
  g_assert_no_error (error);
  g_assert_true (kefu_kb_link_case (n->db[A1]->db, article, kcase->id, &error));
  g_assert_no_error (error);
  sync_ok (n, A1);

  /* B1's supervisor writes the month's improvements and starts a round;
   * offline, on a second computer, writes the same month's note again. */
  sync_ok (n, S1);
  g_assert_true (kefu_report_save_note (n->db[S1]->db, n->b1, "2026-11", "加强破损件受理培训。", &error));
  g_assert_no_error (error);
  g_assert_true (kefu_report_save_note (n->db[S1B]->db, n->b1, "2026-11", "另一台电脑：增加夜班人手。", &error));
  g_assert_no_error (error);
  round.name = g_strdup ("2026年第四季度考核");
  round.org_unit_id = g_strdup (n->b1);
  round.period_from = 1790000000000;
  round.period_to = 1790000000000 + 90 * DAY_MS;
  round.weights[0] = 40;
  round.weights[1] = 20;
  round.weights[2] = 20;
  round.weights[3] = 20;
  g_assert_true (kefu_assessment_round_create (n->db[S1]->db, &round, &error));
  g_assert_no_error (error);
  sync_ok (n, S1);
  g_assert_cmpint (kefu_sync_local_pending_count (n->db[S1]->db), ==, 0);
  sync_ok (n, S1B);
  sync_all (n);

  /* B1, the province and headquarters have all three… */
  for (guint i = 0; i < N_DEVICES; i++)
    {
      gint64 want = i == A2 ? 0 : 1;

      g_test_message ("device %s", users[i]);
      g_assert_cmpint (count (n, i, "SELECT count(*) FROM kb_case_link"), ==, want);
      g_assert_cmpint (count (n, i, "SELECT count(*) FROM report_note WHERE month = '2026-11'"), ==, want);
      g_assert_cmpint (count (n, i, "SELECT count(*) FROM report_note"), ==, 2 * want);
      g_assert_cmpint (count (n, i, "SELECT count(*) FROM assessment_round"), ==, want);
    }
  /* …and they land usable: everyone above reads B1's note — of the two
   * written for the month, the one the server took last, on every
   * computer — and headquarters counts the article's use. */
  for (guint i = 0; i < N_DEVICES; i++)
    if (i != A2)
      {
        g_autofree char *text = kefu_report_get_note (n->db[i]->db, n->b1, "2026-11", &error);

        g_assert_no_error (error);
        g_assert_cmpstr (text, ==, "另一台电脑：增加夜班人手。");
      }
  g_assert_true (kefu_kb_get_usage (n->db[HQ]->db, article, &n_cases, &n_first, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_cases, ==, 1);

  /* Scope matrix for the new entities: B2 forging B1's unit, ids and
   * parents; roles that may not write. */
  {
    sqlite3_stmt *stmt = kefu_db_prepare (n->db[S1]->db, "SELECT id FROM report_note WHERE month = '2026-11'", NULL);

    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    note_id = kefu_stmt_dup (stmt, 0);
    sqlite3_reset (stmt);
  }
  fields = g_strdup_printf ("{\"org_unit_id\":\"%s\",\"month\":\"2026-12\",\"body\":\"伪造\"}", n->b1);
  assert_push (n, "b2-agent", "report_note", forged_id, "insert", 0, fields, "rejected", "forbidden scope");
  assert_push (n, "b2-agent", "report_note", note_id, "update", 1, "{\"body\":\"伪造\"}", "rejected", "not found");
  assert_push (n, "b2-agent", "report_note", note_id, "insert", 0, fields, "rejected", "forbidden scope");
  g_free (fields);
  fields = g_strdup_printf ("{\"org_unit_id\":\"%s\",\"month\":\"2026-12\",\"body\":\"伪造\"}", n->prov);
  assert_push (n, "b1-super", "report_note", forged_id, "insert", 0, fields, "rejected", "forbidden scope");
  g_assert_cmpuint (get_row_status (n, "b2-agent", "report_note", note_id), ==, 404);
  g_assert_cmpuint (get_row_status (n, "p-trainer", "report_note", note_id), ==, 200);
  g_free (fields);
  fields = g_strdup_printf ("{\"article_id\":\"%s\",\"case_id\":\"%s\",\"linked_at\":1}", article, kcase->id);
  assert_push (n, "b2-agent", "kb_case_link", forged_id, "insert", 0, fields, "rejected", "parent not found");
  g_free (fields);
  fields = g_strdup_printf ("{\"name\":\"x\",\"org_unit_id\":\"%s\",\"period_from\":1,\"period_to\":2,"
                            "\"w_supervisor\":100,\"w_customer\":0,\"w_peer\":0,\"w_subordinate\":0,\"created_at\":1}", n->b2);
  assert_push (n, "b2-agent", "assessment_round", forged_id, "insert", 0, fields, "rejected", "forbidden role");
  g_free (fields);
  fields = g_strdup_printf ("{\"staff_id\":\"%s\",\"period\":\"2026Q4\",\"rater_kind\":\"supervisor\",\"conduct\":1}",
                            n->staff[A2]);
  assert_push (n, "b2-agent", "assessment", forged_id, "insert", 0, fields, "rejected", "forbidden role");

  /* An article image: a kb attachment, written at headquarters only,
   * read everywhere. */
  g_free (fields);
  fields = g_strdup_printf ("{\"sha256\":\"%064d\",\"filename\":\"a.png\",\"size\":1,\"kb_article_id\":\"%s\","
                            "\"created_at\":1}", 0, article);
  assert_push (n, "b2-agent", "attachment", forged_id, "insert", 0, fields, "rejected", "forbidden role");
  assert_push (n, "hq-trainer", "attachment", forged_id, "insert", 0, fields, "applied", NULL);
  sync_ok (n, A2);
  g_assert_cmpint (count (n, A2, "SELECT count(*) FROM attachment a JOIN sync_row r ON r.row_id = a.id"
                                 " WHERE r.scope = 'kb' AND a.kb_article_id IS NOT NULL"), ==, 1);

  for (guint i = 0; i < N_DEVICES; i++)
    {
      sync_ok (n, i);
      assert_verified (n, i);
    }
  g_free (round.id);
  g_free (round.name);
  g_free (round.org_unit_id);
  net_free (n);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sync/content/every-synced-table-is-an-entity", test_every_synced_table_is_an_entity);
  g_test_add_func ("/sync/content/article-reaches-branch", test_article_reaches_branch);
  g_test_add_func ("/sync/content/training-round-trip", test_training_round_trip);
  g_test_add_func ("/sync/content/branch-content-scoped", test_branch_content_scoped);
  return g_test_run ();
}
