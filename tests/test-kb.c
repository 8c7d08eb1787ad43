/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <locale.h>
#include <string.h>

#include "kefu-attachments.h"
#include "kefu-cases.h"
#include "kefu-categories.h"
#include "kefu-customers.h"
#include "kefu-kb.h"
#include "kefu-test-util.h"

typedef struct
{
  KefuTestDb *t;
  KefuDb     *db;
  char       *admin;
  char       *trainer;
  char       *trainer2;
  char       *agent;
  char       *cat_lost;
  char       *cat_claims;
} Fixture;

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

static char *
kb_category (KefuDb     *db,
             const char *code)
{
  g_autofree char *sql = g_strdup_printf ("SELECT id FROM category WHERE scope = 'kb' AND code = '%s'", code);
  sqlite3_stmt *stmt = kefu_db_prepare (db, sql, NULL);
  char *id = NULL;

  g_assert_nonnull (stmt);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    id = kefu_stmt_dup (stmt, 0);
  sqlite3_reset (stmt);
  g_assert_nonnull (id);
  return id;
}

static void
sign_in (Fixture    *f,
         const char *staff_id)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (kefu_org_set_current_user (f->db, staff_id, &error));
  g_assert_no_error (error);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(KefuStaff) me = NULL;

  f->t = kefu_test_db_new (TRUE);
  f->db = f->t->db;
  me = kefu_org_get_current_user (f->db);
  f->admin = g_strdup (me->id);
  f->trainer = add_staff (f->db, "lijuan", "李娟", "trainer");
  f->trainer2 = add_staff (f->db, "zhouqiang", "周强", "trainer");
  f->agent = add_staff (f->db, "wangfang", "王芳", "agent");
  f->cat_lost = kb_category (f->db, "lost");
  f->cat_claims = kb_category (f->db, "claims");
  sign_in (f, f->trainer);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  kefu_test_db_free (f->t);
  g_free (f->admin);
  g_free (f->trainer);
  g_free (f->trainer2);
  g_free (f->agent);
  g_free (f->cat_lost);
  g_free (f->cat_claims);
}

static KefuKbArticle *
write_article (Fixture    *f,
               const char *title,
               const char *body,
               const char *category_id,
               const char *tags)
{
  KefuKbArticle *a = kefu_kb_article_new ();
  g_autoptr(GError) error = NULL;

  kefu_set_str (&a->title, title);
  kefu_set_str (&a->body, body);
  kefu_set_str (&a->category_id, category_id);
  kefu_set_str (&a->tags, tags);
  g_assert_true (kefu_kb_save (f->db, a, &error));
  g_assert_no_error (error);
  return a;
}

/* Written by the first trainer, approved by the second. */
static KefuKbArticle *
publish_article (Fixture    *f,
                 const char *title,
                 const char *body,
                 const char *category_id,
                 const char *tags)
{
  g_autoptr(KefuKbArticle) a = write_article (f, title, body, category_id, tags);
  g_autoptr(GError) error = NULL;
  KefuKbArticle *ret;

  g_assert_true (kefu_kb_submit (f->db, a->id, &error));
  sign_in (f, f->trainer2);
  g_assert_true (kefu_kb_approve (f->db, a->id, &error));
  g_assert_no_error (error);
  sign_in (f, f->trainer);
  ret = kefu_kb_get (f->db, a->id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ret->status, ==, "published");
  return ret;
}

static guint
count_rows (Fixture    *f,
            const char *sql)
{
  return (guint) kefu_test_count (f->db, sql);
}

/* --- versions -------------------------------------------------------- */

static void
test_versions (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(KefuKbArticle) a = write_article (f, "  快件丢失怎么办  ", "第一行\n第二行\n", f->cat_lost, "丢失， 理赔,丢失");
  g_autoptr(GPtrArray) versions = NULL;
  g_autoptr(GPtrArray) diff = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(KefuKbVersion) v1 = NULL;
  g_autoptr(KefuKbVersion) v2 = NULL;
  g_autoptr(KefuKbArticle) restored = NULL;
  guint outbox_before;

  g_assert_cmpstr (a->title, ==, "快件丢失怎么办");
  g_assert_cmpstr (a->tags, ==, "丢失,理赔");
  g_assert_cmpstr (a->status, ==, "draft");
  g_assert_cmpstr (a->author_id, ==, f->trainer);
  g_assert_cmpint (a->latest_version, ==, 1);

  kefu_set_str (&a->body, "第一行\n改过的第二行\n第三行\n");
  g_assert_true (kefu_kb_save (f->db, a, &error));
  g_assert_no_error (error);
  g_assert_cmpint (a->latest_version, ==, 2);

  /* Saving unchanged content writes nothing. */
  outbox_before = count_rows (f, "SELECT count(*) FROM outbox");
  g_assert_true (kefu_kb_save (f->db, a, &error));
  g_assert_cmpint (a->latest_version, ==, 2);
  g_assert_cmpuint (count_rows (f, "SELECT count(*) FROM outbox"), ==, outbox_before);

  /* A save from a stale copy is refused. */
  {
    g_autoptr(KefuKbArticle) stale = kefu_kb_article_copy (a);

    stale->version--;
    kefu_set_str (&stale->body, "别人的改动");
    g_assert_false (kefu_kb_save (f->db, stale, &error));
    g_assert_error (error, KEFU_ERROR, KEFU_ERROR_CONFLICT);
    g_clear_error (&error);
  }

  versions = kefu_kb_list_versions (f->db, a->id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (versions->len, ==, 2);
  g_assert_cmpint (((KefuKbVersion *) versions->pdata[0])->version_no, ==, 2);
  g_assert_cmpstr (((KefuKbVersion *) versions->pdata[0])->author_name, ==, "李娟");

  v1 = kefu_kb_get_version (f->db, a->id, 1, &error);
  v2 = kefu_kb_get_version (f->db, a->id, 2, &error);
  g_assert_no_error (error);
  diff = kefu_kb_diff (v1->body, v2->body);
  g_assert_cmpuint (diff->len, ==, 4);
  g_assert_cmpint (((KefuKbDiffLine *) diff->pdata[0])->op, ==, KEFU_KB_DIFF_SAME);
  g_assert_cmpint (((KefuKbDiffLine *) diff->pdata[1])->op, ==, KEFU_KB_DIFF_REMOVED);
  g_assert_cmpstr (((KefuKbDiffLine *) diff->pdata[1])->text, ==, "第二行");
  g_assert_cmpint (((KefuKbDiffLine *) diff->pdata[2])->op, ==, KEFU_KB_DIFF_ADDED);
  g_assert_cmpstr (((KefuKbDiffLine *) diff->pdata[2])->text, ==, "改过的第二行");
  g_assert_cmpint (((KefuKbDiffLine *) diff->pdata[3])->op, ==, KEFU_KB_DIFF_ADDED);

  /* Restoring version 1 is a new version 3 with version 1's text. */
  g_assert_true (kefu_kb_restore_version (f->db, a->id, 1, &error));
  g_assert_no_error (error);
  restored = kefu_kb_get (f->db, a->id, &error);
  g_assert_cmpstr (restored->body, ==, "第一行\n第二行\n");
  g_assert_cmpint (restored->latest_version, ==, 3);
  g_assert_cmpint (restored->version, ==, a->version + 1);
  g_assert_false (kefu_kb_restore_version (f->db, a->id, 9, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Synced: every row written has an outbox and an audit entry. */
  g_assert_cmpuint (count_rows (f, "SELECT count(*) FROM outbox WHERE entity = 'kb_article_version'"), ==, 3);
  g_assert_cmpuint (count_rows (f, "SELECT count(*) FROM outbox WHERE entity = 'kb_article'"), ==, 3);
  g_assert_cmpuint (count_rows (f, "SELECT count(*) FROM audit_log WHERE entity = 'kb_article'"), ==, 3);
  g_assert_cmpuint (count_rows (f, "SELECT count(*) FROM kb_article WHERE hlc = '' OR id NOT LIKE '________-____-7___-%'"), ==, 0);
}

static void
test_diff_edges (void)
{
  g_autoptr(GPtrArray) same = kefu_kb_diff ("a\nb", "a\nb");
  g_autoptr(GPtrArray) from_empty = kefu_kb_diff ("", "x\ny\n");
  g_autoptr(GPtrArray) middle = kefu_kb_diff ("a\nb\nc\nd\n", "a\nc\nX\nd\n");

  g_assert_cmpuint (same->len, ==, 2);
  g_assert_cmpuint (from_empty->len, ==, 2);
  g_assert_cmpint (((KefuKbDiffLine *) from_empty->pdata[0])->op, ==, KEFU_KB_DIFF_ADDED);
  /* a, -b, c, +X, d */
  g_assert_cmpuint (middle->len, ==, 5);
  g_assert_cmpint (((KefuKbDiffLine *) middle->pdata[1])->op, ==, KEFU_KB_DIFF_REMOVED);
  g_assert_cmpstr (((KefuKbDiffLine *) middle->pdata[2])->text, ==, "c");
  g_assert_cmpint (((KefuKbDiffLine *) middle->pdata[3])->op, ==, KEFU_KB_DIFF_ADDED);
}

/* --- review ---------------------------------------------------------- */

static void
test_review_workflow (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(KefuKbArticle) a = write_article (f, "保价服务说明", "声明价值……", f->cat_claims, "保价");
  g_autoptr(KefuKbArticle) got = NULL;
  g_autoptr(GError) error = NULL;

  /* Not in review yet. */
  sign_in (f, f->trainer2);
  g_assert_false (kefu_kb_approve (f->db, a->id, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
  g_clear_error (&error);

  sign_in (f, f->trainer);
  g_assert_true (kefu_kb_submit (f->db, a->id, &error));
  g_assert_no_error (error);
  /* In review: no edits, no second submit, and the author cannot
   * approve their own article. */
  got = kefu_kb_get (f->db, a->id, &error);
  g_assert_cmpstr (got->status, ==, "review");
  g_assert_cmpstr (got->submitted_by, ==, f->trainer);
  kefu_set_str (&got->body, "改一下");
  g_assert_false (kefu_kb_save (f->db, got, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (kefu_kb_approve (f->db, a->id, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_PERMISSION);
  g_clear_error (&error);

  /* A return needs a comment. */
  sign_in (f, f->trainer2);
  g_assert_false (kefu_kb_return (f->db, a->id, "   ", &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_true (kefu_kb_return (f->db, a->id, "请补充保价费率", &error));
  g_assert_no_error (error);
  g_clear_pointer (&got, kefu_kb_article_free);
  got = kefu_kb_get (f->db, a->id, &error);
  g_assert_cmpstr (got->status, ==, "draft");
  g_assert_cmpstr (got->review_note, ==, "请补充保价费率");
  g_assert_cmpstr (got->reviewer_name, ==, "周强");

  /* The author fixes it and sends it again; an admin approves. */
  sign_in (f, f->trainer);
  kefu_set_str (&got->body, "声明价值 1000 元以内费率 1%。");
  g_assert_true (kefu_kb_save (f->db, got, &error));
  g_assert_true (kefu_kb_submit (f->db, a->id, &error));
  sign_in (f, f->admin);
  g_assert_true (kefu_kb_approve (f->db, a->id, &error));
  g_assert_no_error (error);
  g_clear_pointer (&got, kefu_kb_article_free);
  got = kefu_kb_get (f->db, a->id, &error);
  g_assert_cmpstr (got->status, ==, "published");
  g_assert_cmpint (got->published_at, >, 0);
  g_assert_null (got->review_note);

  /* Archive; editing an archived (or published) article makes a draft. */
  g_assert_true (kefu_kb_archive (f->db, a->id, &error));
  g_assert_false (kefu_kb_archive (f->db, a->id, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
  g_clear_error (&error);
  g_clear_pointer (&got, kefu_kb_article_free);
  got = kefu_kb_get (f->db, a->id, &error);
  g_assert_cmpstr (got->status, ==, "archived");
  kefu_set_str (&got->title, "保价服务说明（新版）");
  g_assert_true (kefu_kb_save (f->db, got, &error));
  g_assert_cmpstr (got->status, ==, "draft");
  g_assert_cmpuint (count_rows (f, "SELECT count(*) FROM outbox WHERE entity = 'kb_article'"), ==, 8);
}

static void
test_roles (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(KefuKbArticle) draft = write_article (f, "草稿：改址规定", "未发布", NULL, "");
  g_autoptr(KefuKbArticle) pub = publish_article (f, "改址规定", "同城改址免费。", NULL, "改址");
  g_autoptr(KefuKbArticle) mine = kefu_kb_article_new ();
  g_autoptr(KefuKbArticle) got = NULL;
  g_autoptr(GPtrArray) hits = NULL;
  g_autoptr(GError) error = NULL;
  KefuKbQuery q = { 0 };

  sign_in (f, f->agent);
  kefu_set_str (&mine->title, "我也想写");
  g_assert_false (kefu_kb_save (f->db, mine, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_PERMISSION);
  g_clear_error (&error);
  g_assert_false (kefu_kb_submit (f->db, draft->id, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_PERMISSION);
  g_clear_error (&error);
  g_assert_false (kefu_kb_archive (f->db, pub->id, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_PERMISSION);
  g_clear_error (&error);

  /* Agents read published articles only. */
  got = kefu_kb_get (f->db, draft->id, &error);
  g_assert_null (got);
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_NOT_FOUND);
  g_clear_error (&error);
  got = kefu_kb_get (f->db, pub->id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (got->title, ==, "改址规定");

  q.text = (char *) "改址";
  hits = kefu_kb_search (f->db, &q, 50, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hits->len, ==, 1);
  g_assert_cmpstr (((KefuKbHit *) hits->pdata[0])->id, ==, pub->id);
  /* Even when asking for drafts. */
  g_clear_pointer (&hits, g_ptr_array_unref);
  q.status = (char *) "draft";
  hits = kefu_kb_search (f->db, &q, 50, &error);
  g_assert_cmpuint (hits->len, ==, 1);
  g_assert_cmpstr (((KefuKbHit *) hits->pdata[0])->status, ==, "published");

  sign_in (f, f->trainer);
  g_clear_pointer (&hits, g_ptr_array_unref);
  hits = kefu_kb_search (f->db, &q, 50, &error);
  g_assert_cmpuint (hits->len, ==, 1);
  g_assert_cmpstr (((KefuKbHit *) hits->pdata[0])->id, ==, draft->id);
}

/* --- search ---------------------------------------------------------- */

static void
test_search_chinese (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(KefuKbArticle) title_hit = publish_article (f, "快件丢失的理赔", "按保价金额赔偿。", f->cat_claims, "理赔");
  g_autoptr(KefuKbArticle) body_hit = publish_article (f, "查询物流信息",
                                                       "如果多日无更新，可能已经丢失，请按流程处理。", f->cat_lost, "查询");
  g_autoptr(KefuKbArticle) other = publish_article (f, "Lost parcel claims", "Claims for **lost** parcels.", NULL,
                                                    "claim");
  g_autoptr(KefuKbArticle) archived = publish_article (f, "旧版：丢失处理", "已过期", NULL, "");
  g_autoptr(GPtrArray) hits = NULL;
  g_autoptr(GError) error = NULL;
  KefuKbQuery q = { 0 };
  KefuKbHit *h;

  g_assert_true (kefu_kb_archive (f->db, archived->id, &error));

  /* Two characters, in the middle of words: the title match ranks first. */
  q.text = (char *) "丢失";
  q.status = (char *) "published";
  hits = kefu_kb_search (f->db, &q, 50, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hits->len, ==, 2);
  h = hits->pdata[0];
  g_assert_cmpstr (h->id, ==, title_hit->id);
  g_assert_cmpstr (h->title_markup, ==, "快件<b>丢失</b>的理赔");
  h = hits->pdata[1];
  g_assert_cmpstr (h->id, ==, body_hit->id);
  g_assert_nonnull (strstr (h->snippet, "<b>丢失</b>"));
  g_assert_cmpfloat (((KefuKbHit *) hits->pdata[0])->rank, <, h->rank);

  /* Any status for a trainer: the archived one too. */
  q.status = NULL;
  g_clear_pointer (&hits, g_ptr_array_unref);
  hits = kefu_kb_search (f->db, &q, 50, &error);
  g_assert_cmpuint (hits->len, ==, 3);

  /* A phrase of bigrams: both characters next to each other. */
  q.text = (char *) "失丢";
  g_clear_pointer (&hits, g_ptr_array_unref);
  hits = kefu_kb_search (f->db, &q, 50, &error);
  g_assert_cmpuint (hits->len, ==, 0);

  /* English, case-insensitive, Markdown syntax not in the snippet. */
  q.text = (char *) "LOST";
  g_clear_pointer (&hits, g_ptr_array_unref);
  hits = kefu_kb_search (f->db, &q, 50, &error);
  g_assert_cmpuint (hits->len, ==, 1);
  g_assert_cmpstr (((KefuKbHit *) hits->pdata[0])->snippet, ==, "Claims for <b>lost</b> parcels.");

  /* Filters: category, tag, status. */
  q.text = NULL;
  q.category_id = f->cat_lost;
  g_clear_pointer (&hits, g_ptr_array_unref);
  hits = kefu_kb_search (f->db, &q, 50, &error);
  g_assert_cmpuint (hits->len, ==, 1);
  g_assert_cmpstr (((KefuKbHit *) hits->pdata[0])->id, ==, body_hit->id);
  q.category_id = NULL;
  q.tag = (char *) "理赔";
  g_clear_pointer (&hits, g_ptr_array_unref);
  hits = kefu_kb_search (f->db, &q, 50, &error);
  g_assert_cmpuint (hits->len, ==, 1);
  g_assert_cmpstr (((KefuKbHit *) hits->pdata[0])->id, ==, title_hit->id);
  /* A tag matches whole: "理" is not the tag "理赔". */
  q.tag = (char *) "理";
  g_clear_pointer (&hits, g_ptr_array_unref);
  hits = kefu_kb_search (f->db, &q, 50, &error);
  g_assert_cmpuint (hits->len, ==, 0);
  q.tag = NULL;
  q.status = (char *) "archived";
  g_clear_pointer (&hits, g_ptr_array_unref);
  hits = kefu_kb_search (f->db, &q, 50, &error);
  g_assert_cmpuint (hits->len, ==, 1);
  g_assert_cmpstr (((KefuKbHit *) hits->pdata[0])->id, ==, archived->id);
  q.status = (char *) "gone";
  g_clear_pointer (&hits, g_ptr_array_unref);
  hits = kefu_kb_search (f->db, &q, 50, &error);
  g_assert_null (hits);
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
  g_clear_error (&error);

  /* FTS syntax in the query is only text. */
  q.status = NULL;
  q.text = (char *) "\"丢失\" OR NEAR(*";
  hits = kefu_kb_search (f->db, &q, 50, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hits->len, ==, 0);
}

static void
test_highlight (void)
{
  g_autofree char *all = kefu_kb_highlight ("<b>A&B</b> 丢失 丢失", "丢失", 0);
  g_autofree char *cut = NULL;
  g_autoptr(GString) long_text = g_string_new (NULL);

  g_assert_cmpstr (all, ==, "&lt;b&gt;A&amp;B&lt;/b&gt; <b>丢失</b> <b>丢失</b>");
  for (int i = 0; i < 100; i++)
    g_string_append (long_text, "无关的文字。");
  g_string_append (long_text, "理赔时限是一年。");
  cut = kefu_kb_highlight (long_text->str, "时限", 40);
  g_assert_true (g_str_has_prefix (cut, "…"));
  g_assert_nonnull (strstr (cut, "<b>时限</b>"));
  g_assert_cmpint (g_utf8_strlen (cut, -1), <=, 40 + 2 + 7);
}

/* --- suggestions and links ------------------------------------------- */

static char *
new_case (Fixture    *f,
          const char *subject)
{
  g_autoptr(KefuCustomer) cu = kefu_customer_new ();
  g_autoptr(KefuCase) c = kefu_case_new ();
  g_autoptr(GError) error = NULL;

  cu->name = g_strdup ("张伟");
  cu->kind = g_strdup ("person");
  g_assert_true (kefu_customers_create (f->db, cu, &error));
  g_assert_no_error (error);
  c->customer_id = g_strdup (cu->id);
  c->kind = g_strdup ("inquiry");
  c->channel = g_strdup ("phone");
  c->subject = g_strdup (subject);
  /* Filed under "Other". */
  c->category_id = g_strdup ("01900000-0000-7000-8000-000000000107");
  g_assert_true (kefu_cases_create (f->db, c, &error));
  g_assert_no_error (error);
  return g_strdup (c->id);
}

static void
test_suggest_and_link (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(KefuKbArticle) lost = publish_article (f, "快件丢失怎么办", "三天没有物流更新，按丢失处理。", f->cat_lost, "丢失");
  g_autoptr(KefuKbArticle) damaged = publish_article (f, "快件破损的理赔", "外箱破损请拍照。", f->cat_claims, "破损");
  g_autoptr(KefuKbArticle) draft = write_article (f, "快件丢失（草稿）", "丢失 丢失 丢失", NULL, "");
  g_autoptr(GPtrArray) hits = NULL;
  g_autoptr(GPtrArray) links = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *case1 = NULL;
  g_autofree char *case2 = NULL;
  guint n = 0, n_first = 0;

  /* As the agent types: a few characters, then more. */
  hits = kefu_kb_suggest (f->db, "客户说包裹丢", "claim", 5, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hits->len, ==, 0);
  g_clear_pointer (&hits, g_ptr_array_unref);
  hits = kefu_kb_suggest (f->db, "客户说包裹丢失了，三天没有物流更新", "claim", 5, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hits->len, >=, 1);
  g_assert_cmpstr (((KefuKbHit *) hits->pdata[0])->id, ==, lost->id);
  for (guint i = 0; i < hits->len; i++)
    g_assert_cmpstr (((KefuKbHit *) hits->pdata[i])->id, !=, draft->id);
  g_clear_pointer (&hits, g_ptr_array_unref);
  hits = kefu_kb_suggest (f->db, "外箱破损", NULL, 5, &error);
  g_assert_cmpuint (hits->len, ==, 1);
  g_assert_cmpstr (((KefuKbHit *) hits->pdata[0])->id, ==, damaged->id);
  g_clear_pointer (&hits, g_ptr_array_unref);
  hits = kefu_kb_suggest (f->db, "  ,,  ", NULL, 5, &error);
  g_assert_cmpuint (hits->len, ==, 0);

  /* "This answered it". */
  sign_in (f, f->agent);
  case1 = new_case (f, "包裹丢失");
  case2 = new_case (f, "包裹又丢失");
  g_assert_true (kefu_kb_link_case (f->db, lost->id, case1, &error));
  g_assert_no_error (error);
  g_assert_true (kefu_kb_link_case (f->db, lost->id, case1, &error));
  g_assert_true (kefu_kb_link_case (f->db, lost->id, case2, &error));
  g_assert_false (kefu_kb_link_case (f->db, draft->id, case1, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (kefu_kb_link_case (f->db, lost->id, "01900000-0000-7000-8000-00000000ffff", &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_cmpuint (count_rows (f, "SELECT count(*) FROM kb_case_link"), ==, 2);
  g_assert_cmpuint (count_rows (f, "SELECT count(*) FROM outbox WHERE entity = 'kb_case_link'"), ==, 2);
  links = kefu_kb_case_links (f->db, case1, &error);
  g_assert_cmpuint (links->len, ==, 1);
  g_assert_cmpstr (links->pdata[0], ==, lost->id);

  /* One of the two is resolved by whoever took it: half at first contact. */
  g_assert_true (kefu_cases_take (f->db, case1, &error));
  g_assert_true (kefu_cases_resolve (f->db, case1, "按丢失理赔", &error));
  g_assert_no_error (error);
  g_assert_true (kefu_kb_get_usage (f->db, lost->id, &n, &n_first, &error));
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpuint (n_first, ==, 1);
  g_assert_true (kefu_kb_get_usage (f->db, damaged->id, &n, &n_first, &error));
  g_assert_cmpuint (n, ==, 0);
}

static void
test_unanswered (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(KefuKbArticle) lost = publish_article (f, "快件丢失怎么办", "按丢失处理。", f->cat_lost, "");
  g_autoptr(GPtrArray) gaps = NULL;
  g_autoptr(GError) error = NULL;
  gboolean saw_customs = FALSE, saw_lost = FALSE, saw_other = FALSE;

  sign_in (f, f->agent);
  for (int i = 0; i < 4; i++)
    {
      g_autofree char *a = new_case (f, "海关扣件怎么办");
      g_autofree char *b = new_case (f, "包裹丢失");
    }
  gaps = kefu_kb_unanswered (f->db, 30, 20, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < gaps->len; i++)
    {
      KefuKbGap *g = gaps->pdata[i];

      if (g_str_equal (g->kind, "word") && g_str_equal (g->key, "海关扣件怎么办"))
        {
          saw_customs = TRUE;
          g_assert_cmpuint (g->n_cases, ==, 4);
        }
      if (g_str_equal (g->kind, "word") && g_str_equal (g->key, "丢失"))
        saw_lost = TRUE;
      if (g_str_equal (g->kind, "category") && g_str_equal (g->key, "01900000-0000-7000-8000-000000000107"))
        {
          saw_other = TRUE;
          g_assert_cmpuint (g->n_cases, ==, 8);
        }
    }
  g_assert_true (saw_other);
  /* The question about customs has no article; 丢失 has one. */
  g_assert_true (saw_customs);
  g_assert_false (saw_lost);

  /* Once an article answered one case of the category, it is covered. */
  {
    g_autofree char *c = new_case (f, "包裹丢失");

    g_assert_true (kefu_kb_link_case (f->db, lost->id, c, &error));
    g_clear_pointer (&gaps, g_ptr_array_unref);
    gaps = kefu_kb_unanswered (f->db, 30, 20, &error);
    for (guint i = 0; i < gaps->len; i++)
      g_assert_cmpstr (((KefuKbGap *) gaps->pdata[i])->kind, !=, "category");
  }
}

/* --- revisions of published articles -------------------------------- */

static GPtrArray *
search_ids (Fixture    *f,
            const char *text,
            const char *status)
{
  KefuKbQuery q = { .text = (char *) text, .status = (char *) status };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) hits = kefu_kb_search (f->db, &q, 50, &error);
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);

  g_assert_no_error (error);
  for (guint i = 0; i < hits->len; i++)
    g_ptr_array_add (ids, g_strdup (((KefuKbHit *) hits->pdata[i])->id));
  return ids;
}

static gboolean
finds (Fixture    *f,
       const char *text,
       const char *id)
{
  g_autoptr(GPtrArray) ids = search_ids (f, text, NULL);

  return g_ptr_array_find_with_equal_func (ids, id, g_str_equal, NULL);
}

/* The trainer edits a published article: a revision, beside the text. */
static KefuKbArticle *
revise (Fixture             *f,
        const KefuKbArticle *pub,
        const char          *title,
        const char          *body)
{
  KefuKbArticle *r = kefu_kb_article_copy (pub);
  g_autoptr(GError) error = NULL;

  kefu_set_str (&r->title, title);
  kefu_set_str (&r->body, body);
  g_assert_true (kefu_kb_save (f->db, r, &error));
  g_assert_no_error (error);
  return r;
}

static void
test_revision_agents_keep_published (Fixture       *f,
                                     gconstpointer  data)
{
  g_autoptr(KefuKbArticle) pub = publish_article (f, "快件丢失怎么办", "三天没有物流更新，按丢失处理。", f->cat_lost, "丢失");
  g_autoptr(KefuKbArticle) rev = NULL;
  g_autoptr(KefuKbArticle) got = NULL;
  g_autoptr(GPtrArray) hits = NULL;
  g_autoptr(GPtrArray) versions = NULL;
  g_autoptr(GPtrArray) drafts = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *kase = NULL;
  g_autoptr(GString) long_note = g_string_new (NULL);
  guint outbox = count_rows (f, "SELECT count(*) FROM outbox");
  guint n = 0, n_first = 0;

  g_assert_cmpint (pub->published_version, ==, 1);
  g_assert_null (pub->revision_status);

  rev = revise (f, pub, "丢件的赔付流程", "超过七天无更新，登记丢失并启动赔付。");
  /* The save hands back the revision as its writers work on it. */
  g_assert_true (rev->is_revision);
  g_assert_cmpstr (rev->status, ==, "published");
  g_assert_cmpstr (rev->revision_status, ==, "draft");
  g_assert_cmpstr (rev->revision_author_id, ==, f->trainer);
  g_assert_cmpstr (rev->title, ==, "丢件的赔付流程");
  g_assert_cmpint (rev->revision_version, ==, 2);
  g_assert_cmpint (rev->published_version, ==, 1);
  /* One version and one article update, with their audit and outbox. */
  g_assert_cmpuint (count_rows (f, "SELECT count(*) FROM outbox"), ==, outbox + 2);
  g_assert_cmpuint (count_rows (f, "SELECT count(*) FROM kb_article WHERE title = '快件丢失怎么办'"
                                   " AND body LIKE '三天%' AND status = 'published'"), ==, 1);

  /* A published article with a pending revision cannot be archived. */
  g_assert_false (kefu_kb_archive (f->db, pub->id, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "revision"));
  g_clear_error (&error);

  /* The trainer's list finds it among drafts; the search index holds the
   * published text only, for everyone. */
  drafts = search_ids (f, NULL, "draft");
  g_assert_true (g_ptr_array_find_with_equal_func (drafts, pub->id, g_str_equal, NULL));
  g_assert_false (finds (f, "七天", pub->id));
  g_assert_true (finds (f, "三天", pub->id));

  /* A second save continues the same revision, saying what changed (one
   * line, not too long) for the reviewer and the history. */
  kefu_set_str (&rev->body, "超过七天无更新，登记丢失并启动赔付，三个工作日内答复。");
  g_string_set_size (long_note, 0);
  for (guint i = 0; i <= KEFU_KB_NOTE_MAX_CHARS; i++)
    g_string_append (long_note, "改");
  kefu_set_str (&rev->change_note, long_note->str);
  g_assert_false (kefu_kb_save (f->db, rev, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
  g_clear_error (&error);
  kefu_set_str (&rev->change_note, "  加上答复时限\n ");
  g_assert_true (kefu_kb_save (f->db, rev, &error));
  g_assert_no_error (error);
  g_assert_cmpint (rev->revision_version, ==, 3);
  g_assert_cmpstr (rev->revision_status, ==, "draft");
  g_assert_null (rev->change_note);
  g_clear_pointer (&got, kefu_kb_article_free);
  got = kefu_kb_get_revision (f->db, pub->id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (got->body, ==, "超过七天无更新，登记丢失并启动赔付，三个工作日内答复。");
  g_assert_cmpstr (got->change_note, ==, "加上答复时限");
  g_assert_cmpuint (count_rows (f, "SELECT count(*) FROM kb_article_version WHERE version_no = 3"
                                   " AND note = '加上答复时限'"), ==, 1);

  /* Agents: the published text wherever they meet the article. */
  sign_in (f, f->agent);
  g_clear_pointer (&got, kefu_kb_article_free);
  got = kefu_kb_get (f->db, pub->id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (got->title, ==, "快件丢失怎么办");
  g_assert_cmpstr (got->body, ==, "三天没有物流更新，按丢失处理。");
  g_assert_false (got->is_revision);
  g_assert_null (got->revision_status);
  g_assert_false (finds (f, "赔付", pub->id));
  g_assert_true (finds (f, "物流", pub->id));
  hits = kefu_kb_suggest (f->db, "客户说包裹丢失了，三天没有物流更新", NULL, 5, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hits->len, ==, 1);
  g_assert_cmpstr (((KefuKbHit *) hits->pdata[0])->title, ==, "快件丢失怎么办");
  g_clear_pointer (&hits, g_ptr_array_unref);
  hits = kefu_kb_suggest (f->db, "要登记赔付", NULL, 5, &error);
  g_assert_cmpuint (hits->len, ==, 0);
  g_clear_pointer (&got, kefu_kb_article_free);
  got = kefu_kb_get_revision (f->db, pub->id, &error);
  g_assert_null (got);
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_NOT_FOUND);
  g_clear_error (&error);
  got = kefu_kb_get_for_writing (f->db, pub->id, &error);
  g_assert_cmpstr (got->title, ==, "快件丢失怎么办");
  /* Nor the revision's versions. */
  versions = kefu_kb_list_versions (f->db, pub->id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (versions->len, ==, 1);
  g_assert_null (kefu_kb_get_version (f->db, pub->id, 2, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_NOT_FOUND);
  g_clear_error (&error);
  /* "This answered it" and its count keep working on the published one. */
  kase = new_case (f, "包裹丢失");
  g_assert_true (kefu_kb_link_case (f->db, pub->id, kase, &error));
  g_assert_no_error (error);
  g_assert_true (kefu_kb_get_usage (f->db, pub->id, &n, &n_first, &error));
  g_assert_cmpuint (n, ==, 1);
  /* Agents do not touch revisions. */
  g_assert_false (kefu_kb_discard_revision (f->db, pub->id, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_PERMISSION);
  g_clear_error (&error);
}

static void
test_revision_review_and_publish (Fixture       *f,
                                  gconstpointer  data)
{
  g_autoptr(KefuKbArticle) pub = publish_article (f, "快件丢失怎么办", "三天没有物流更新，按丢失处理。", f->cat_lost, "丢失");
  g_autoptr(KefuKbArticle) rev = revise (f, pub, "丢件的赔付流程", "超过七天无更新，登记丢失并启动赔付。");
  g_autoptr(KefuKbArticle) got = NULL;
  g_autoptr(KefuKbVersion) published = NULL;
  g_autoptr(GPtrArray) versions = NULL;
  g_autoptr(GPtrArray) diff = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *kase = NULL;
  guint n = 0, n_first = 0;

  sign_in (f, f->agent);
  kase = new_case (f, "包裹丢失");
  g_assert_true (kefu_kb_link_case (f->db, pub->id, kase, &error));
  sign_in (f, f->trainer);

  /* The same review as a new article: submit, no edits in review, not by
   * its author, a return with a comment. */
  g_assert_true (kefu_kb_submit (f->db, pub->id, &error));
  g_assert_no_error (error);
  got = kefu_kb_get_for_writing (f->db, pub->id, &error);
  g_assert_true (got->is_revision);
  g_assert_cmpstr (got->revision_status, ==, "review");
  g_assert_cmpstr (got->status, ==, "published");
  g_assert_false (kefu_kb_save (f->db, got, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (kefu_kb_approve (f->db, pub->id, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_PERMISSION);
  g_clear_error (&error);
  sign_in (f, f->trainer2);
  g_assert_true (kefu_kb_return (f->db, pub->id, "请写明赔付时限", &error));
  g_assert_no_error (error);
  sign_in (f, f->trainer);
  g_clear_pointer (&got, kefu_kb_article_free);
  got = kefu_kb_get_for_writing (f->db, pub->id, &error);
  g_assert_cmpstr (got->revision_status, ==, "draft");
  g_assert_cmpstr (got->review_note, ==, "请写明赔付时限");
  g_assert_cmpstr (got->status, ==, "published");
  kefu_set_str (&got->body, "超过七天无更新，登记丢失并启动赔付，三十天内赔付到账。");
  g_assert_true (kefu_kb_save (f->db, got, &error));
  g_assert_true (kefu_kb_submit (f->db, pub->id, &error));
  g_assert_no_error (error);
  /* Still the old text for agents while it waits. */
  g_assert_true (finds (f, "三天", pub->id));
  g_assert_false (finds (f, "赔付", pub->id));

  sign_in (f, f->trainer2);
  g_assert_true (kefu_kb_approve (f->db, pub->id, &error));
  g_assert_no_error (error);
  g_clear_pointer (&got, kefu_kb_article_free);
  got = kefu_kb_get (f->db, pub->id, &error);
  g_assert_cmpstr (got->status, ==, "published");
  g_assert_cmpstr (got->title, ==, "丢件的赔付流程");
  g_assert_cmpstr (got->body, ==, "超过七天无更新，登记丢失并启动赔付，三十天内赔付到账。");
  g_assert_null (got->revision_status);
  g_assert_cmpint (got->revision_version, ==, 0);
  g_assert_cmpint (got->published_version, ==, 3);
  g_assert_cmpint (got->latest_version, ==, 3);
  g_assert_null (got->review_note);
  g_assert_cmpstr (got->reviewer_id, ==, f->trainer2);
  g_assert_cmpstr (got->author_id, ==, f->trainer);
  /* The index follows the new published text at once. */
  g_assert_true (finds (f, "赔付", pub->id));
  g_assert_false (finds (f, "三天", pub->id));

  /* Agents read the new text, its history up to it; the link and its
   * count stay with the article. */
  sign_in (f, f->agent);
  g_clear_pointer (&got, kefu_kb_article_free);
  got = kefu_kb_get (f->db, pub->id, &error);
  g_assert_cmpstr (got->title, ==, "丢件的赔付流程");
  g_assert_true (finds (f, "赔付", pub->id));
  g_assert_true (kefu_kb_get_usage (f->db, pub->id, &n, &n_first, &error));
  g_assert_cmpuint (n, ==, 1);
  versions = kefu_kb_list_versions (f->db, pub->id, &error);
  g_assert_cmpuint (versions->len, ==, 3);

  /* The history is whole: version 1 was published, 3 is; their diff. */
  sign_in (f, f->trainer);
  published = kefu_kb_get_version (f->db, pub->id, got->published_version, &error);
  g_assert_cmpstr (published->body, ==, got->body);
  {
    g_autoptr(KefuKbVersion) v1 = kefu_kb_get_version (f->db, pub->id, 1, &error);

    diff = kefu_kb_diff (v1->body, published->body);
    g_assert_cmpuint (diff->len, ==, 2);
    g_assert_cmpint (((KefuKbDiffLine *) diff->pdata[0])->op, ==, KEFU_KB_DIFF_REMOVED);
    g_assert_cmpint (((KefuKbDiffLine *) diff->pdata[1])->op, ==, KEFU_KB_DIFF_ADDED);
  }

  /* Restoring version 1 of a published article is a revision too. */
  g_assert_true (kefu_kb_restore_version (f->db, pub->id, 1, &error));
  g_assert_no_error (error);
  g_clear_pointer (&got, kefu_kb_article_free);
  got = kefu_kb_get (f->db, pub->id, &error);
  g_assert_cmpstr (got->title, ==, "丢件的赔付流程");
  g_assert_cmpstr (got->revision_status, ==, "draft");
  g_assert_cmpint (got->revision_version, ==, 4);
  g_clear_pointer (&got, kefu_kb_article_free);
  got = kefu_kb_get_revision (f->db, pub->id, &error);
  g_assert_cmpstr (got->title, ==, "快件丢失怎么办");
  g_assert_null (got->change_note);   /* "restored 1" is the history's, not a writer's */
  g_assert_true (finds (f, "赔付", pub->id));
  /* Every write went out: versions 1–4, and the article's own writes. */
  g_assert_cmpuint (count_rows (f, "SELECT count(*) FROM outbox WHERE entity = 'kb_article_version'"), ==, 4);
  g_assert_cmpuint (count_rows (f, "SELECT count(*) FROM audit_log WHERE entity = 'kb_article'"), ==,
                    count_rows (f, "SELECT count(*) FROM outbox WHERE entity = 'kb_article'"));
}

static void
test_revision_discard (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(KefuKbArticle) pub = publish_article (f, "改址规定", "同城改址免费。", NULL, "改址");
  g_autoptr(KefuKbArticle) rev = revise (f, pub, "改址规定（新）", "同城改址收费五元。");
  g_autoptr(KefuKbArticle) again = NULL;
  g_autoptr(KefuKbArticle) got = NULL;
  g_autoptr(GPtrArray) versions = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (kefu_kb_submit (f->db, pub->id, &error));
  /* Anyone who writes may withdraw it, in review too. */
  sign_in (f, f->trainer2);
  g_assert_true (kefu_kb_discard_revision (f->db, pub->id, &error));
  g_assert_no_error (error);
  got = kefu_kb_get (f->db, pub->id, &error);
  g_assert_cmpstr (got->status, ==, "published");
  g_assert_cmpstr (got->body, ==, "同城改址免费。");
  g_assert_null (got->revision_status);
  g_assert_null (got->submitted_by);
  g_assert_cmpint (got->published_version, ==, 1);
  g_assert_null (kefu_kb_get_revision (f->db, pub->id, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (kefu_kb_discard_revision (f->db, pub->id, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (kefu_kb_submit (f->db, pub->id, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (finds (f, "收费", pub->id));
  /* The discarded text stays in the history. */
  versions = kefu_kb_list_versions (f->db, pub->id, &error);
  g_assert_cmpuint (versions->len, ==, 2);

  /* A new edit starts a new revision, by its own author, who may not
   * approve it; the first trainer may. */
  again = revise (f, got, "改址规定", "同城改址免费，跨城收费。");
  g_assert_cmpint (again->revision_version, ==, 3);
  g_assert_cmpstr (again->revision_author_id, ==, f->trainer2);
  g_assert_true (kefu_kb_submit (f->db, pub->id, &error));
  g_assert_false (kefu_kb_approve (f->db, pub->id, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_PERMISSION);
  g_clear_error (&error);
  sign_in (f, f->trainer);
  g_assert_true (kefu_kb_approve (f->db, pub->id, &error));
  g_assert_no_error (error);
  g_assert_true (finds (f, "跨城", pub->id));

  /* An unchanged save of a published article starts nothing. */
  g_clear_pointer (&got, kefu_kb_article_free);
  got = kefu_kb_get (f->db, pub->id, &error);
  g_assert_true (kefu_kb_save (f->db, got, &error));
  g_assert_null (got->revision_status);
  g_assert_cmpint (got->latest_version, ==, 3);
}

/* --- deleting drafts ------------------------------------------------- */

static void
test_delete_draft (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(KefuKbArticle) draft = write_article (f, "写错了的草稿", "海关扣件的说明，写错了。", NULL, "");
  g_autoptr(KefuKbArticle) pub = publish_article (f, "海关扣件怎么办", "补充材料后放行。", NULL, "");
  g_autoptr(KefuKbArticle) got = NULL;
  g_autoptr(GError) error = NULL;
  guint versions = count_rows (f, "SELECT count(*) FROM kb_article_version");

  g_assert_true (finds (f, "写错", draft->id));
  /* Not someone else's draft, unless an administrator; never what was
   * published (it is archived instead); never by an agent. */
  sign_in (f, f->trainer2);
  g_assert_false (kefu_kb_delete_draft (f->db, draft->id, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_PERMISSION);
  g_clear_error (&error);
  sign_in (f, f->agent);
  g_assert_false (kefu_kb_delete_draft (f->db, draft->id, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_PERMISSION);
  g_clear_error (&error);
  sign_in (f, f->trainer);
  g_assert_false (kefu_kb_delete_draft (f->db, pub->id, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_true (kefu_kb_archive (f->db, pub->id, &error));
  g_clear_pointer (&got, kefu_kb_article_free);
  got = kefu_kb_get (f->db, pub->id, &error);
  kefu_set_str (&got->body, "补充材料后三天内放行。");
  g_assert_true (kefu_kb_save (f->db, got, &error));
  g_assert_cmpstr (got->status, ==, "draft");
  g_assert_false (kefu_kb_delete_draft (f->db, pub->id, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_true (kefu_kb_delete_draft (f->db, draft->id, &error));
  g_assert_no_error (error);
  g_clear_pointer (&got, kefu_kb_article_free);
  got = kefu_kb_get (f->db, draft->id, &error);
  g_assert_null (got);
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (finds (f, "写错", draft->id));
  g_assert_true (finds (f, "海关", pub->id));
  /* A tombstone that syncs; the versions stay with it. */
  g_assert_cmpuint (count_rows (f, "SELECT count(*) FROM kb_article WHERE deleted = 1"), ==, 1);
  g_assert_cmpuint (count_rows (f, "SELECT count(*) FROM outbox WHERE entity = 'kb_article' AND op = 'delete'"), ==, 1);
  g_assert_cmpuint (count_rows (f, "SELECT count(*) FROM kb_article_version"), ==, versions + 1);

  /* An administrator clears a trainer's abandoned draft. */
  g_clear_pointer (&got, kefu_kb_article_free);
  got = write_article (f, "另一份草稿", "未完成", NULL, "");
  sign_in (f, f->admin);
  g_assert_true (kefu_kb_delete_draft (f->db, got->id, &error));
  g_assert_no_error (error);
  g_assert_false (kefu_kb_delete_draft (f->db, got->id, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_NOT_FOUND);
}

/* --- problem reports ------------------------------------------------ */

static void
test_reports (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(KefuKbArticle) pub = publish_article (f, "保价服务说明", "声明价值 1000 元以内费率 1%。", NULL, "保价");
  g_autoptr(KefuKbArticle) draft = write_article (f, "草稿", "未发布", NULL, "");
  g_autoptr(GPtrArray) reports = NULL;
  g_autoptr(GPtrArray) hits = NULL;
  g_autoptr(GError) error = NULL;
  KefuKbQuery q = { .text = (char *) "保价" };
  KefuKbReport *r;

  /* An agent at the counter reports what is wrong; nothing else. */
  sign_in (f, f->agent);
  g_assert_false (kefu_kb_report_problem (f->db, pub->id, "   ", &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (kefu_kb_report_problem (f->db, draft->id, "看不到", &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_true (kefu_kb_report_problem (f->db, pub->id, "  费率已调整为 0.5%  ", &error));
  g_assert_no_error (error);
  g_assert_true (kefu_kb_report_problem (f->db, pub->id, "没有写保价上限", &error));
  g_assert_null (kefu_kb_list_reports (f->db, pub->id, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_PERMISSION);
  g_clear_error (&error);
  g_assert_cmpuint (count_rows (f, "SELECT count(*) FROM outbox WHERE entity = 'kb_report' AND op = 'insert'"), ==, 2);
  g_assert_cmpuint (count_rows (f, "SELECT count(*) FROM kb_report r JOIN staff s ON s.id = r.reported_by"
                                   " WHERE r.branch_id = s.org_unit_id"), ==, 2);

  /* Trainers read them, newest first, and see the count in the list. */
  sign_in (f, f->trainer);
  hits = kefu_kb_search (f->db, &q, 10, &error);
  g_assert_cmpuint (hits->len, ==, 1);
  g_assert_cmpuint (((KefuKbHit *) hits->pdata[0])->n_reports, ==, 2);
  g_assert_false (kefu_kb_report_problem (f->db, draft->id, "草稿不能报", &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
  g_clear_error (&error);
  reports = kefu_kb_list_reports (f->db, pub->id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (reports->len, ==, 2);
  r = reports->pdata[1];
  g_assert_cmpstr (r->comment, ==, "费率已调整为 0.5%");
  g_assert_cmpstr (r->reporter_name, ==, "王芳");
  g_assert_nonnull (r->branch_name);

  /* Resolving one leaves the other; twice is no error. */
  g_assert_true (kefu_kb_resolve_report (f->db, r->id, &error));
  g_assert_no_error (error);
  g_assert_true (kefu_kb_resolve_report (f->db, r->id, &error));
  g_assert_false (kefu_kb_resolve_report (f->db, "01900000-0000-7000-8000-00000000ffff", &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_clear_pointer (&reports, g_ptr_array_unref);
  reports = kefu_kb_list_reports (f->db, pub->id, &error);
  g_assert_cmpuint (reports->len, ==, 1);
  g_assert_cmpstr (((KefuKbReport *) reports->pdata[0])->comment, ==, "没有写保价上限");
  g_assert_cmpuint (count_rows (f, "SELECT count(*) FROM outbox WHERE entity = 'kb_report' AND op = 'update'"), ==, 1);
  g_assert_cmpuint (count_rows (f, "SELECT count(*) FROM audit_log WHERE entity = 'kb_report'"), ==, 3);
  sign_in (f, f->agent);
  g_assert_false (kefu_kb_resolve_report (f->db, ((KefuKbReport *) reports->pdata[0])->id, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_PERMISSION);
}

/* --- bad input ------------------------------------------------------- */

static void
assert_refused (Fixture       *f,
                KefuKbArticle *a,
                const char    *fragment)
{
  g_autoptr(GError) error = NULL;
  guint articles = count_rows (f, "SELECT count(*) FROM kb_article");
  guint versions = count_rows (f, "SELECT count(*) FROM kb_article_version");
  guint outbox = count_rows (f, "SELECT count(*) FROM outbox");

  g_assert_false (kefu_kb_save (f->db, a, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
  if (fragment)
    g_assert_nonnull (strstr (error->message, fragment));
  g_assert_cmpuint (count_rows (f, "SELECT count(*) FROM kb_article"), ==, articles);
  g_assert_cmpuint (count_rows (f, "SELECT count(*) FROM kb_article_version"), ==, versions);
  g_assert_cmpuint (count_rows (f, "SELECT count(*) FROM outbox"), ==, outbox);
}

static void
test_bad_input (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(KefuKbArticle) a = kefu_kb_article_new ();
  g_autoptr(GString) huge = g_string_new (NULL);
  g_autoptr(GString) many = g_string_new (NULL);
  g_autofree char *text = NULL;

  kefu_set_str (&a->title, "  \n ");
  assert_refused (f, a, "title");

  kefu_set_str (&a->title, "太长");
  while (huge->len <= KEFU_KB_BODY_MAX_BYTES)
    g_string_append (huge, "很长的正文。");
  kefu_set_str (&a->body, huge->str);
  assert_refused (f, a, "too long");

  kefu_set_str (&a->body, "ok");
  g_free (a->title);
  a->title = g_strdup ("bad \xff utf-8");
  assert_refused (f, a, "UTF-8");

  kefu_set_str (&a->title, "标签太多");
  for (int i = 0; i < KEFU_KB_MAX_TAGS + 1; i++)
    g_string_append_printf (many, "标签%d,", i);
  kefu_set_str (&a->tags, many->str);
  assert_refused (f, a, NULL);

  kefu_set_str (&a->tags, "");
  kefu_set_str (&a->case_kinds, "claim,teleport");
  assert_refused (f, a, "teleport");

  kefu_set_str (&a->case_kinds, "claim");
  kefu_set_str (&a->category_id, "01900000-0000-7000-8000-000000000101");  /* a case category */
  assert_refused (f, a, "category");

  /* Malformed Markdown is kept as written and still gives plain text. */
  kefu_set_str (&a->category_id, NULL);
  kefu_set_str (&a->body, "**未闭合 [链接](http://x\n<script>alert(1)</script>\n| a |\n|--\n```\n未闭合代码");
  {
    g_autoptr(GError) error = NULL;

    g_assert_true (kefu_kb_save (f->db, a, &error));
    g_assert_no_error (error);
  }
  text = kefu_kb_markdown_to_text (a->body);
  g_assert_nonnull (strstr (text, "未闭合"));
  g_assert_true (g_utf8_validate (text, -1, NULL));
}

/* --- import ---------------------------------------------------------- */

static char *
write_file (Fixture    *f,
            const char *name,
            const char *text)
{
  char *path = g_build_filename (f->t->dir, name, NULL);

  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  return path;
}

static void
test_import (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *bad = write_file (f, "bad.csv",
                                     "question,answer,category,tags\n"
                                     "快件丢失怎么办,按丢失处理,Lost parcels,丢失\n"
                                     ",没有问题的答案,,\n"
                                     "\"多行\n答案\",\"第一行\n第二行\",新分类,\"a,b\"\n");
  g_autofree char *good = write_file (f, "good.csv",
                                      "\xef\xbb\xbf问题,答案,分类,标签\n"
                                      "快件丢失怎么办,按丢失处理,Lost parcels,丢失\n"
                                      "\n"
                                      "海关扣件,\"补充材料\n一般三天放行\",海关与清关,\"清关，海关\"\n");
  g_autofree char *folder = g_build_filename (f->t->dir, "faq", NULL);
  g_autofree char *md1 = NULL;
  g_autofree char *md2 = NULL;
  g_autoptr(GPtrArray) report = NULL;
  g_autoptr(GError) error = NULL;
  KefuKbImportRow *r;
  gint n;

  n = kefu_kb_import (f->db, bad, &report, &error);
  g_assert_cmpint (n, ==, -1);
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpuint (report->len, ==, 3);
  g_assert_null (((KefuKbImportRow *) report->pdata[0])->message);
  r = report->pdata[1];
  g_assert_cmpuint (r->line, ==, 3);
  g_assert_nonnull (r->message);
  g_assert_null (((KefuKbImportRow *) report->pdata[2])->message);
  g_assert_cmpuint (((KefuKbImportRow *) report->pdata[2])->line, ==, 4);
  g_assert_cmpuint (count_rows (f, "SELECT count(*) FROM kb_article"), ==, 0);
  g_assert_cmpuint (count_rows (f, "SELECT count(*) FROM category WHERE scope = 'kb' AND code NOT IN"
                                   " ('tracking','late','lost','damaged','claims','insurance','prohibited','cod',"
                                   "'address','holidays','pricing','service')"), ==, 0);
  g_clear_pointer (&report, g_ptr_array_unref);

  n = kefu_kb_import (f->db, good, &report, &error);
  g_assert_no_error (error);
  g_assert_cmpint (n, ==, 2);
  g_assert_cmpuint (count_rows (f, "SELECT count(*) FROM kb_article WHERE status = 'draft'"), ==, 2);
  g_assert_cmpuint (count_rows (f, "SELECT count(*) FROM kb_article a JOIN category c ON c.id = a.category_id"
                                   " WHERE c.code = 'lost'"), ==, 1);
  g_assert_cmpuint (count_rows (f, "SELECT count(*) FROM kb_article WHERE tags = '清关,海关'"), ==, 1);
  g_assert_cmpuint (count_rows (f, "SELECT count(*) FROM category WHERE scope = 'kb' AND name = '海关与清关'"), ==, 1);
  g_clear_pointer (&report, g_ptr_array_unref);

  g_assert_cmpint (g_mkdir (folder, 0700), ==, 0);
  md1 = g_build_filename (folder, "01-cod.md", NULL);
  md2 = g_build_filename (folder, "02-hours.md", NULL);
  g_assert_true (g_file_set_contents (md1, "# 代收货款\n\n货款三天内结算。\n", -1, NULL));
  g_assert_true (g_file_set_contents (md2, "Holiday opening hours follow the branch notice.\n", -1, NULL));
  n = kefu_kb_import (f->db, folder, &report, &error);
  g_assert_no_error (error);
  g_assert_cmpint (n, ==, 2);
  g_assert_cmpuint (count_rows (f, "SELECT count(*) FROM kb_article WHERE title = '代收货款' AND body LIKE '%结算%'"), ==, 1);
  g_assert_cmpuint (count_rows (f, "SELECT count(*) FROM kb_article WHERE title = '02-hours'"), ==, 1);

  /* Agents may not import. */
  sign_in (f, f->agent);
  g_assert_cmpint (kefu_kb_import (f->db, good, NULL, &error), ==, -1);
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_PERMISSION);
}

/* --- images and sample ----------------------------------------------- */

static void
test_image (Fixture       *f,
            gconstpointer  data)
{
  /* The smallest PNG: one transparent pixel. */
  static const guchar png[] = {
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
    0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x00, 0x01, 0x00, 0x00,
    0x05, 0x00, 0x01, 0x0d, 0x0a, 0x2d, 0xb4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae,
    0x42, 0x60, 0x82,
  };
  g_autoptr(KefuKbArticle) a = write_article (f, "包装示意图", "见下图", NULL, "");
  g_autofree char *path = g_build_filename (f->t->dir, "box.png", NULL);
  g_autofree char *txt = write_file (f, "note.txt", "not a picture");
  g_autofree char *md = NULL;
  g_autofree char *sha = NULL;
  g_autofree char *stored = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (path, (const char *) png, sizeof png, NULL));
  md = kefu_kb_add_image (f->db, a->id, path, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (md, "![box.png](kefu-attachment:"));
  sha = kefu_kb_image_sha (strchr (md, '(') + 1);
  g_assert_null (sha);   /* the closing bracket is still on */
  md[strlen (md) - 1] = '\0';
  sha = kefu_kb_image_sha (strchr (md, '(') + 1);
  g_assert_nonnull (sha);
  stored = kefu_attachments_get_path (f->db, sha);
  g_assert_true (g_file_test (stored, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (count_rows (f, "SELECT count(*) FROM attachment WHERE kb_article_id IS NOT NULL"), ==, 1);
  g_assert_cmpuint (count_rows (f, "SELECT count(*) FROM outbox WHERE entity = 'attachment'"), ==, 1);

  g_assert_null (kefu_kb_add_image (f->db, a->id, txt, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
}

static void
test_sample (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) hits = NULL;
  KefuKbQuery q = { 0 };

  g_assert_true (kefu_kb_generate_sample (f->db, 7, 240, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_rows (f, "SELECT count(*) FROM kb_article WHERE status = 'published'"), ==, 240);
  g_assert_cmpuint (count_rows (f, "SELECT count(DISTINCT title) FROM kb_article"), ==, 240);
  g_assert_cmpuint (count_rows (f, "SELECT count(*) FROM kb_article WHERE title GLOB '*[一-龥]*'"), >=, 100);
  g_assert_cmpuint (count_rows (f, "SELECT count(*) FROM kb_article WHERE category_id IS NULL"), ==, 0);
  /* Sample data is never pushed. */
  g_assert_cmpuint (count_rows (f, "SELECT count(*) FROM outbox WHERE entity LIKE 'kb%'"), ==, 0);

  q.text = (char *) "保价";
  hits = kefu_kb_search (f->db, &q, 20, &error);
  g_assert_cmpuint (hits->len, ==, 20);
  g_assert_nonnull (strstr (((KefuKbHit *) hits->pdata[0])->title_markup, "<b>保价</b>"));
}

/* The setup page's sample office: every article in Chinese, still all
 * distinct (the benchmark's mixed set alternates the languages). */
static void
test_sample_one_language (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (kefu_kb_generate_sample_in (f->db, 7, 240, "zh", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_rows (f, "SELECT count(DISTINCT title) FROM kb_article"), ==, 240);
  g_assert_cmpuint (count_rows (f, "SELECT count(*) FROM kb_article WHERE title GLOB '*[一-龥]*'"), ==, 240);
  g_assert_cmpuint (count_rows (f, "SELECT count(*) FROM kb_article WHERE body GLOB '*[A-Za-z][a-z][a-z][a-z] [a-z]*'"), ==, 0);
}

static void
test_sample_deterministic (void)
{
  g_autoptr(KefuTestDb) a = kefu_test_db_new (TRUE);
  g_autoptr(KefuTestDb) b = kefu_test_db_new (TRUE);
  const char *sql = "SELECT group_concat (title || body, '|') FROM (SELECT title, body FROM kb_article ORDER BY rowid)";
  sqlite3_stmt *sa, *sb;

  g_assert_true (kefu_kb_generate_sample (a->db, 42, 60, NULL));
  g_assert_true (kefu_kb_generate_sample (b->db, 42, 60, NULL));
  sa = kefu_db_prepare (a->db, sql, NULL);
  sb = kefu_db_prepare (b->db, sql, NULL);
  g_assert_cmpint (sqlite3_step (sa), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_step (sb), ==, SQLITE_ROW);
  g_assert_cmpstr (kefu_stmt_text (sa, 0), ==, kefu_stmt_text (sb, 0));
  sqlite3_reset (sa);
  sqlite3_reset (sb);
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/kb/versions/save-list-diff-restore", test_versions);
  g_test_add_func ("/kb/versions/diff-edges", test_diff_edges);
  ADD ("/kb/review/submit-return-approve-archive", test_review_workflow);
  ADD ("/kb/roles/agents-read-published-only", test_roles);
  ADD ("/kb/search/chinese-two-characters-ranked", test_search_chinese);
  g_test_add_func ("/kb/search/highlight", test_highlight);
  ADD ("/kb/suggest/as-the-agent-types-and-link", test_suggest_and_link);
  ADD ("/kb/unanswered/words-without-articles", test_unanswered);
  ADD ("/kb/revision/agents-keep-the-published-text", test_revision_agents_keep_published);
  ADD ("/kb/revision/review-publish-and-history", test_revision_review_and_publish);
  ADD ("/kb/revision/discard-and-start-again", test_revision_discard);
  ADD ("/kb/drafts/delete-only-never-published", test_delete_draft);
  ADD ("/kb/reports/agents-report-trainers-resolve", test_reports);
  ADD ("/kb/bad-input/nothing-half-written", test_bad_input);
  ADD ("/kb/import/csv-and-folder-all-or-nothing", test_import);
  ADD ("/kb/images/by-content-hash", test_image);
  ADD ("/kb/sample/published-distinct", test_sample);
  ADD ("/kb/sample/one-language", test_sample_one_language);
  g_test_add_func ("/kb/sample/deterministic", test_sample_deterministic);
#undef ADD

  return g_test_run ();
}
