/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "kefu-kb"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <md4c.h>

#include "kefu-attachments.h"
#include "kefu-cases.h"
#include "kefu-categories.h"
#include "kefu-kb-private.h"
#include "kefu-kb.h"
#include "kefu-org.h"
#include "kefu-text.h"
#include "kefu-uuid.h"

/* bm25 weights of the index columns: title, tags, body. */
#define W_TITLE "10.0"
#define W_TAGS  "4.0"
#define W_BODY  "1.0"

/* A suggestion query uses at most this many distinct bigrams of the
 * case's words: the newest ones, which are what the agent is typing. */
#define SUGGEST_MAX_TERMS 24
/* …of which the rarest this many are searched. */
#define SUGGEST_KEEP_TERMS 6

static const char *status_keys[] = { "draft", "review", "published", "archived", NULL };

/* --- small helpers --------------------------------------------------- */

static gboolean
is_blank (const char *s)
{
  if (s == NULL)
    return TRUE;
  for (; *s; s = g_utf8_next_char (s))
    if (!g_unichar_isspace (g_utf8_get_char (s)))
      return FALSE;
  return TRUE;
}

static gint64
now_ms (KefuDb *db)
{
  return kefu_cases_get_now (db);
}

static gboolean
in_list (const char *const *keys,
         const char         *key)
{
  return key != NULL && g_strv_contains (keys, key);
}

/* --- labels and roles ------------------------------------------------ */

gboolean
kefu_kb_status_is_valid (const char *status)
{
  return in_list (status_keys, status);
}

const char *
kefu_kb_status_label (const char *status)
{
  if (g_strcmp0 (status, "draft") == 0)
    return C_("kb status", "Draft");
  if (g_strcmp0 (status, "review") == 0)
    return C_("kb status", "In review");
  if (g_strcmp0 (status, "published") == 0)
    return C_("kb status", "Published");
  if (g_strcmp0 (status, "archived") == 0)
    return C_("kb status", "Archived");
  return status;
}

gboolean
kefu_kb_role_can_write (const char *role)
{
  return g_strcmp0 (role, "trainer") == 0 || g_strcmp0 (role, "admin") == 0;
}

gboolean
kefu_kb_role_can_review (const char *role)
{
  return kefu_kb_role_can_write (role);
}

/* --- plain data ------------------------------------------------------ */

KefuKbArticle *
kefu_kb_article_new (void)
{
  KefuKbArticle *a = g_new0 (KefuKbArticle, 1);

  a->title = g_strdup ("");
  a->body = g_strdup ("");
  a->tags = g_strdup ("");
  a->case_kinds = g_strdup ("");
  a->status = g_strdup ("draft");
  return a;
}

KefuKbArticle *
kefu_kb_article_copy (const KefuKbArticle *s)
{
  KefuKbArticle *a = g_new0 (KefuKbArticle, 1);

  *a = *s;
  a->id = g_strdup (s->id);
  a->title = g_strdup (s->title);
  a->body = g_strdup (s->body);
  a->category_id = g_strdup (s->category_id);
  a->tags = g_strdup (s->tags);
  a->case_kinds = g_strdup (s->case_kinds);
  a->status = g_strdup (s->status);
  a->author_id = g_strdup (s->author_id);
  a->reviewer_id = g_strdup (s->reviewer_id);
  a->submitted_by = g_strdup (s->submitted_by);
  a->review_note = g_strdup (s->review_note);
  a->category_name = g_strdup (s->category_name);
  a->author_name = g_strdup (s->author_name);
  a->reviewer_name = g_strdup (s->reviewer_name);
  a->revision_status = g_strdup (s->revision_status);
  a->revision_author_id = g_strdup (s->revision_author_id);
  a->revision_author_name = g_strdup (s->revision_author_name);
  a->change_note = g_strdup (s->change_note);
  return a;
}

void
kefu_kb_article_free (KefuKbArticle *a)
{
  if (a == NULL)
    return;
  g_free (a->id);
  g_free (a->title);
  g_free (a->body);
  g_free (a->category_id);
  g_free (a->tags);
  g_free (a->case_kinds);
  g_free (a->status);
  g_free (a->author_id);
  g_free (a->reviewer_id);
  g_free (a->submitted_by);
  g_free (a->review_note);
  g_free (a->category_name);
  g_free (a->author_name);
  g_free (a->reviewer_name);
  g_free (a->revision_status);
  g_free (a->revision_author_id);
  g_free (a->revision_author_name);
  g_free (a->change_note);
  g_free (a);
}

void
kefu_kb_version_free (KefuKbVersion *v)
{
  if (v == NULL)
    return;
  g_free (v->id);
  g_free (v->title);
  g_free (v->body);
  g_free (v->tags);
  g_free (v->category_id);
  g_free (v->case_kinds);
  g_free (v->author_id);
  g_free (v->author_name);
  g_free (v->note);
  g_free (v);
}

void
kefu_kb_hit_free (KefuKbHit *h)
{
  if (h == NULL)
    return;
  g_free (h->id);
  g_free (h->title);
  g_free (h->snippet);
  g_free (h->title_markup);
  g_free (h->category_name);
  g_free (h->tags);
  g_free (h->status);
  g_free (h->revision_status);
  g_free (h);
}

void
kefu_kb_query_clear (KefuKbQuery *q)
{
  g_clear_pointer (&q->text, g_free);
  g_clear_pointer (&q->category_id, g_free);
  g_clear_pointer (&q->tag, g_free);
  g_clear_pointer (&q->status, g_free);
}

void
kefu_kb_diff_line_free (KefuKbDiffLine *l)
{
  if (l == NULL)
    return;
  g_free (l->text);
  g_free (l);
}

void
kefu_kb_gap_free (KefuKbGap *g)
{
  if (g == NULL)
    return;
  g_free (g->kind);
  g_free (g->key);
  g_free (g->label);
  g_free (g);
}

void
kefu_kb_report_free (KefuKbReport *r)
{
  if (r == NULL)
    return;
  g_free (r->id);
  g_free (r->article_id);
  g_free (r->comment);
  g_free (r->reporter_name);
  g_free (r->branch_name);
  g_free (r);
}

void
kefu_kb_import_row_free (KefuKbImportRow *r)
{
  if (r == NULL)
    return;
  g_free (r->source);
  g_free (r->title);
  g_free (r->message);
  g_free (r);
}

/* --- validation ------------------------------------------------------ */

static gboolean
is_tag_separator (gunichar c)
{
  return c == ',' || c == 0xff0c /* ， */ || c == 0x3001 /* 、 */ || c == ';' || c == 0xff1b;
}

/* "理赔， 保价,理赔" → "理赔,保价"; NULL (with @error) when a tag is too
 * long or there are too many. */
char *
_kefu_kb_normalize_tags (const char  *text,
                         GError     **error)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GPtrArray) seen = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) tag = g_string_new (NULL);
  const char *p = text ? text : "";

  for (;;)
    {
      gunichar c = *p ? g_utf8_get_char (p) : 0;

      if (c == 0 || is_tag_separator (c))
        {
          g_autofree char *t = g_strstrip (g_strdup (tag->str));

          g_string_truncate (tag, 0);
          if (*t != '\0')
            {
              if (g_utf8_strlen (t, -1) > KEFU_KB_TAG_MAX_CHARS)
                {
                  g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID,
                               _("The tag “%s” is too long (at most %d characters)."), t, KEFU_KB_TAG_MAX_CHARS);
                  return NULL;
                }
              if (!g_ptr_array_find_with_equal_func (seen, t, g_str_equal, NULL))
                {
                  if (seen->len == KEFU_KB_MAX_TAGS)
                    {
                      g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID,
                                   _("An article can have at most %d tags."), KEFU_KB_MAX_TAGS);
                      return NULL;
                    }
                  if (out->len > 0)
                    g_string_append_c (out, ',');
                  g_string_append (out, t);
                  g_ptr_array_add (seen, g_steal_pointer (&t));
                }
            }
          if (c == 0)
            break;
        }
      else
        g_string_append_unichar (tag, c);
      p = g_utf8_next_char (p);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static char *
normalize_case_kinds (const char  *text,
                      GError     **error)
{
  g_auto(GStrv) parts = g_strsplit (text ? text : "", ",", -1);
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; parts[i]; i++)
    {
      char *k = g_strstrip (parts[i]);

      if (*k == '\0')
        continue;
      if (!kefu_case_kind_is_valid (k))
        {
          g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID,
                       _("“%s” is not a kind of case."), k);
          return NULL;
        }
      if (strstr (out->str, k) != NULL)
        continue;
      if (out->len > 0)
        g_string_append_c (out, ',');
      g_string_append (out, k);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* Checks and normalises what a writer typed; nothing is written here. */
gboolean
_kefu_kb_validate (KefuDb         *db,
                   KefuKbArticle  *a,
                   GError        **error)
{
  g_autofree char *tags = NULL;
  g_autofree char *kinds = NULL;
  char *title;

  if (a->title == NULL || !g_utf8_validate (a->title, -1, NULL) ||
      a->body == NULL || !g_utf8_validate (a->body, -1, NULL))
    return kefu_error_invalid (error, _("The article is not valid text (UTF-8)."));
  title = g_strstrip (g_strdup (a->title));
  g_free (a->title);
  a->title = title;
  /* Titles are one line. */
  g_strdelimit (a->title, "\r\n\t", ' ');
  if (*a->title == '\0')
    return kefu_error_invalid (error, _("Give the article a title."));
  if (g_utf8_strlen (a->title, -1) > KEFU_KB_TITLE_MAX_CHARS)
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID,
                   _("The title is too long (at most %d characters)."), KEFU_KB_TITLE_MAX_CHARS);
      return FALSE;
    }
  if (strlen (a->body) > KEFU_KB_BODY_MAX_BYTES)
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID,
                   _("The article is too long (at most %d KB of text). Split it into several articles."),
                   KEFU_KB_BODY_MAX_BYTES / 1024);
      return FALSE;
    }
  if (a->change_note != NULL && !g_utf8_validate (a->change_note, -1, NULL))
    return kefu_error_invalid (error, _("The article is not valid text (UTF-8)."));
  if (is_blank (a->change_note))
    g_clear_pointer (&a->change_note, g_free);
  else
    {
      g_strdelimit (g_strstrip (a->change_note), "\r\n\t", ' ');
      if (g_utf8_strlen (a->change_note, -1) > KEFU_KB_NOTE_MAX_CHARS)
        {
          g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID,
                       _("Say what changed in at most %d characters."), KEFU_KB_NOTE_MAX_CHARS);
          return FALSE;
        }
    }
  if ((tags = _kefu_kb_normalize_tags (a->tags, error)) == NULL)
    return FALSE;
  if ((kinds = normalize_case_kinds (a->case_kinds, error)) == NULL)
    return FALSE;
  kefu_set_str (&a->tags, tags);
  kefu_set_str (&a->case_kinds, kinds);
  if (is_blank (a->category_id))
    g_clear_pointer (&a->category_id, g_free);
  if (a->category_id != NULL)
    {
      sqlite3_stmt *stmt = kefu_db_prepare (db, "SELECT 1 FROM category WHERE id = ? AND scope = 'kb' AND deleted = 0",
                                            error);
      int rc;

      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, a->category_id, -1, SQLITE_STATIC);
      rc = sqlite3_step (stmt);
      sqlite3_reset (stmt);
      if (rc != SQLITE_ROW)
        return kefu_error_invalid (error, _("The category of this article does not exist. Choose another one."));
    }
  return TRUE;
}

/* --- reading --------------------------------------------------------- */

/* The category's name, code and scope side by side: category_label_at()
 * reads the three. */
#define ARTICLE_COLUMNS \
  "a.rowid, a.id, a.version, a.title, a.body, a.category_id, a.tags, a.case_kinds, a.status," \
  " a.author_id, a.reviewer_id, a.submitted_by, a.review_note, a.published_at, a.updated_at," \
  " (SELECT max (version_no) FROM kb_article_version v WHERE v.article_id = a.id)," \
  " c.name, c.code, c.scope, sa.name, sr.name," \
  " a.published_version, a.revision_status, a.revision_version, a.revision_author_id, sv.name"

#define ARTICLE_JOINS \
  " LEFT JOIN category c ON c.id = a.category_id" \
  " LEFT JOIN staff sa ON sa.id = a.author_id" \
  " LEFT JOIN staff sr ON sr.id = a.reviewer_id" \
  " LEFT JOIN staff sv ON sv.id = a.revision_author_id"

static char *
category_label_at (sqlite3_stmt *stmt,
                   int           col)
{
  KefuCategory cat = { 0 };

  if (sqlite3_column_type (stmt, col) == SQLITE_NULL)
    return NULL;
  cat.name = (char *) kefu_stmt_text (stmt, col);
  cat.code = (char *) kefu_stmt_text (stmt, col + 1);
  cat.scope = (char *) kefu_stmt_text (stmt, col + 2);
  return g_strdup (kefu_category_label (&cat));
}

static KefuKbArticle *
article_from_row (sqlite3_stmt *stmt)
{
  KefuKbArticle *a = g_new0 (KefuKbArticle, 1);

  a->rowid = sqlite3_column_int64 (stmt, 0);
  a->id = kefu_stmt_dup (stmt, 1);
  a->version = sqlite3_column_int64 (stmt, 2);
  a->title = kefu_stmt_dup (stmt, 3);
  a->body = kefu_stmt_dup (stmt, 4);
  a->category_id = kefu_stmt_dup (stmt, 5);
  a->tags = kefu_stmt_dup (stmt, 6);
  a->case_kinds = kefu_stmt_dup (stmt, 7);
  a->status = kefu_stmt_dup (stmt, 8);
  a->author_id = kefu_stmt_dup (stmt, 9);
  a->reviewer_id = kefu_stmt_dup (stmt, 10);
  a->submitted_by = kefu_stmt_dup (stmt, 11);
  a->review_note = kefu_stmt_dup (stmt, 12);
  a->published_at = sqlite3_column_int64 (stmt, 13);
  a->updated_at = sqlite3_column_int64 (stmt, 14);
  a->latest_version = sqlite3_column_int64 (stmt, 15);
  a->category_name = category_label_at (stmt, 16);
  a->author_name = kefu_stmt_dup (stmt, 19);
  a->reviewer_name = kefu_stmt_dup (stmt, 20);
  a->published_version = sqlite3_column_int64 (stmt, 21);
  a->revision_status = kefu_stmt_dup (stmt, 22);
  a->revision_version = sqlite3_column_int64 (stmt, 23);
  a->revision_author_id = kefu_stmt_dup (stmt, 24);
  a->revision_author_name = kefu_stmt_dup (stmt, 25);
  return a;
}

static KefuKbVersion *fetch_version (KefuDb      *db,
                                     const char  *article_id,
                                     gint64       version_no,
                                     GError     **error);

static char *
category_label_of (KefuDb     *db,
                   const char *id)
{
  sqlite3_stmt *stmt;
  char *label = NULL;

  if (id == NULL || (stmt = kefu_db_prepare (db, "SELECT name, code, scope FROM category WHERE id = ?", NULL)) == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    label = category_label_at (stmt, 0);
  sqlite3_reset (stmt);
  return label;
}

static KefuKbArticle *
load_article (KefuDb      *db,
              const char  *id,
              GError     **error)
{
  sqlite3_stmt *stmt = kefu_db_prepare (db,
                                        "SELECT " ARTICLE_COLUMNS " FROM kb_article a" ARTICLE_JOINS
                                        " WHERE a.id = ? AND a.deleted = 0", error);
  KefuKbArticle *a = NULL;
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    a = article_from_row (stmt);
  sqlite3_reset (stmt);
  if (rc == SQLITE_ROW)
    return a;
  if (rc == SQLITE_DONE)
    g_set_error_literal (error, KEFU_ERROR, KEFU_ERROR_NOT_FOUND, _("This article does not exist (any more)."));
  else
    kefu_db_set_error (db, error);
  return NULL;
}

static KefuStaff *
current_user (KefuDb *db)
{
  return kefu_org_get_current_user (db);
}

static gboolean
sees_unpublished (KefuDb *db)
{
  g_autoptr(KefuStaff) me = current_user (db);

  return me != NULL && kefu_kb_role_can_write (me->role);
}

KefuKbArticle *
kefu_kb_get (KefuDb      *db,
             const char  *id,
             GError     **error)
{
  g_autoptr(KefuKbArticle) a = NULL;

  g_return_val_if_fail (KEFU_IS_DB (db), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  if ((a = load_article (db, id, error)) == NULL)
    return NULL;
  if (!sees_unpublished (db))
    {
      if (g_strcmp0 (a->status, "published") != 0)
        {
          g_set_error_literal (error, KEFU_ERROR, KEFU_ERROR_NOT_FOUND,
                               _("This article is not published."));
          return NULL;
        }
      /* Readers know nothing of a revision in the works. */
      g_clear_pointer (&a->revision_status, g_free);
      g_clear_pointer (&a->revision_author_id, g_free);
      g_clear_pointer (&a->revision_author_name, g_free);
      a->revision_version = 0;
    }
  return g_steal_pointer (&a);
}

/* @a with the text of its pending revision in place of the published
 * text. */
static KefuKbArticle *
revision_of (KefuDb               *db,
             const KefuKbArticle  *a,
             GError              **error)
{
  g_autoptr(KefuKbVersion) v = NULL;
  KefuKbArticle *r;

  if (a->revision_status == NULL || a->revision_version == 0)
    {
      g_set_error_literal (error, KEFU_ERROR, KEFU_ERROR_NOT_FOUND, _("This article has no pending revision."));
      return NULL;
    }
  if ((v = fetch_version (db, a->id, a->revision_version, error)) == NULL)
    return NULL;
  r = kefu_kb_article_copy (a);
  kefu_set_str (&r->title, v->title);
  kefu_set_str (&r->body, v->body);
  kefu_set_str (&r->tags, v->tags);
  kefu_set_str (&r->case_kinds, v->case_kinds);
  kefu_set_str (&r->category_id, v->category_id);
  /* A restore's note is the machine's ("restored 3"), not a writer's. */
  kefu_set_str (&r->change_note, v->note && !g_str_has_prefix (v->note, "restored ") ? v->note : NULL);
  g_free (r->category_name);
  r->category_name = category_label_of (db, v->category_id);
  r->is_revision = TRUE;
  return r;
}

KefuKbArticle *
kefu_kb_get_revision (KefuDb      *db,
                      const char  *id,
                      GError     **error)
{
  g_autoptr(KefuKbArticle) a = NULL;

  g_return_val_if_fail (KEFU_IS_DB (db), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  if (!sees_unpublished (db))
    {
      g_set_error_literal (error, KEFU_ERROR, KEFU_ERROR_NOT_FOUND, _("This article has no pending revision."));
      return NULL;
    }
  if ((a = load_article (db, id, error)) == NULL)
    return NULL;
  return revision_of (db, a, error);
}

KefuKbArticle *
kefu_kb_get_for_writing (KefuDb      *db,
                         const char  *id,
                         GError     **error)
{
  g_autoptr(KefuKbArticle) a = NULL;

  g_return_val_if_fail (KEFU_IS_DB (db), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  if ((a = kefu_kb_get (db, id, error)) == NULL)
    return NULL;
  if (a->revision_status != NULL && sees_unpublished (db))
    return revision_of (db, a, error);
  return g_steal_pointer (&a);
}

/* --- writing --------------------------------------------------------- */

/* How many articles hold each term, from the fts5vocab table. Reading
 * a count walks the term's whole list (2 ms for a common one), so the
 * counts are kept per connection until the index changes: by this
 * connection (_kefu_kb_index() drops them) or another (data_version). */
#define DOC_COUNTS_KEY "kefu-kb-doc-counts"

typedef struct
{
  gint64      data_version;
  gint64      n_docs;
  GHashTable *docs;
} DocCounts;

static void
doc_counts_free (gpointer data)
{
  DocCounts *dc = data;

  g_hash_table_unref (dc->docs);
  g_free (dc);
}

static void
drop_doc_counts (KefuDb *db)
{
  g_object_set_data (G_OBJECT (db), DOC_COUNTS_KEY, NULL);
}

static DocCounts *
doc_counts_for (KefuDb *db)
{
  DocCounts *dc = g_object_get_data (G_OBJECT (db), DOC_COUNTS_KEY);
  sqlite3_stmt *stmt = kefu_db_prepare (db, "PRAGMA data_version", NULL);
  gint64 version = -1;

  if (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    version = sqlite3_column_int64 (stmt, 0);
  if (stmt != NULL)
    sqlite3_reset (stmt);
  if (dc != NULL && dc->data_version == version)
    return dc;

  dc = g_new0 (DocCounts, 1);
  dc->data_version = version;
  dc->docs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  stmt = kefu_db_prepare (db, "SELECT count(*) FROM kb_article WHERE deleted = 0", NULL);
  if (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    dc->n_docs = sqlite3_column_int64 (stmt, 0);
  if (stmt != NULL)
    sqlite3_reset (stmt);
  g_object_set_data_full (G_OBJECT (db), DOC_COUNTS_KEY, dc, doc_counts_free);
  return dc;
}

static gint64
doc_count (KefuDb     *db,
           DocCounts  *dc,
           const char *term)
{
  gpointer value;
  sqlite3_stmt *stmt;
  gint64 n = 0;

  if (g_hash_table_lookup_extended (dc->docs, term, NULL, &value))
    return GPOINTER_TO_SIZE (value);
  stmt = kefu_db_prepare (db, "SELECT doc FROM kb_article_vocab WHERE term = ?", NULL);
  if (stmt == NULL)
    return 0;
  sqlite3_bind_text (stmt, 1, term, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  g_hash_table_insert (dc->docs, g_strdup (term), GSIZE_TO_POINTER ((gsize) n));
  return n;
}

static char *
index_tokens (const char *text)
{
  GString *out = g_string_new (NULL);

  kefu_search_tokens_append (out, text);
  return g_string_free (out, FALSE);
}

/* The index holds bigram tokens of the title, the tags and the visible
 * text of the body (Markdown syntax and link targets left out). */
gboolean
_kefu_kb_index (KefuDb               *db,
                gint64                rowid,
                const KefuKbArticle  *a,
                GError              **error)
{
  g_autofree char *plain = kefu_kb_markdown_to_text (a->body);
  g_autofree char *t_title = index_tokens (a->title);
  g_autofree char *t_tags = index_tokens (a->tags);
  g_autofree char *t_body = index_tokens (plain);
  sqlite3_stmt *stmt;

  drop_doc_counts (db);
  stmt = kefu_db_prepare (db, "DELETE FROM kb_article_fts WHERE rowid = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, rowid);
  if (!kefu_db_step_done (db, stmt, error))
    return FALSE;
  stmt = kefu_db_prepare (db, "INSERT INTO kb_article_fts (rowid, title, tags, body) VALUES (?, ?, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, rowid);
  sqlite3_bind_text (stmt, 2, t_title, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, t_tags, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, t_body, -1, SQLITE_STATIC);
  return kefu_db_step_done (db, stmt, error);
}

gboolean
kefu_kb_reindex_article (KefuDb      *db,
                         const char  *id,
                         GError     **error)
{
  sqlite3_stmt *stmt;
  KefuKbArticle a = { 0 };
  gint64 rowid;
  gboolean live;
  int rc;

  g_return_val_if_fail (KEFU_IS_DB (db), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);

  stmt = kefu_db_prepare (db, "SELECT rowid, deleted = 0, title, tags, body FROM kb_article WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      sqlite3_reset (stmt);
      return rc == SQLITE_DONE || kefu_db_set_error (db, error);
    }
  rowid = sqlite3_column_int64 (stmt, 0);
  live = sqlite3_column_int (stmt, 1) != 0;
  a.title = kefu_stmt_dup (stmt, 2);
  a.tags = kefu_stmt_dup (stmt, 3);
  a.body = kefu_stmt_dup (stmt, 4);
  sqlite3_reset (stmt);
  if (live)
    rc = _kefu_kb_index (db, rowid, &a, error);
  else
    {
      drop_doc_counts (db);
      rc = (stmt = kefu_db_prepare (db, "DELETE FROM kb_article_fts WHERE rowid = ?", error)) != NULL;
      if (rc)
        {
          sqlite3_bind_int64 (stmt, 1, rowid);
          rc = kefu_db_step_done (db, stmt, error);
        }
    }
  g_free (a.title);
  g_free (a.tags);
  g_free (a.body);
  return rc;
}

static gboolean
insert_version (KefuDb               *db,
                const KefuKbArticle  *a,
                gint64                version_no,
                const char           *note,
                gboolean              record,
                gint64                at,
                GError              **error)
{
  g_autoptr(KefuChangeSet) cs = NULL;
  g_autofree char *id = kefu_uuid7_new_at (at);
  sqlite3_stmt *stmt;

  if (record)
    {
      cs = kefu_change_set_new ("kb_article_version", id, KEFU_CHANGE_INSERT, 0);
      kefu_change_set_text (cs, "article_id", NULL, a->id);
      kefu_change_set_int (cs, "version_no", FALSE, 0, version_no);
      kefu_change_set_text (cs, "title", NULL, a->title);
      kefu_change_set_text (cs, "body", NULL, a->body);
      kefu_change_set_text (cs, "tags", NULL, a->tags);
      kefu_change_set_text (cs, "category_id", NULL, a->category_id);
      kefu_change_set_text (cs, "case_kinds", NULL, a->case_kinds);
      kefu_change_set_text (cs, "author_id", NULL, kefu_db_get_actor (db));
      kefu_change_set_text (cs, "note", NULL, note);
      kefu_change_set_int (cs, "created_at", FALSE, 0, at);
    }
  stmt = kefu_db_prepare (db,
                          "INSERT INTO kb_article_version (id, hlc, updated_by, updated_at, article_id, version_no,"
                          " title, body, tags, category_id, case_kinds, author_id, note, created_at)"
                          " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, record ? kefu_change_set_stamp (cs, db) : "", -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, kefu_db_get_actor (db), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, at);
  sqlite3_bind_text (stmt, 5, a->id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 6, version_no);
  sqlite3_bind_text (stmt, 7, a->title, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 8, a->body, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 9, a->tags, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 10, a->category_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 11, a->case_kinds, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 12, kefu_db_get_actor (db), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 13, note, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 14, at);
  if (!kefu_db_step_done (db, stmt, error))
    return FALSE;
  return !record || kefu_db_record_change (db, cs, error);
}

/* Inserts a new article row (@a->id set by the caller) with its first
 * version and its index entry. Without @record (sample data) no audit
 * or outbox entries are written. */
gboolean
_kefu_kb_insert (KefuDb         *db,
                 KefuKbArticle  *a,
                 gboolean        record,
                 gint64          at,
                 GError        **error)
{
  g_autoptr(KefuChangeSet) cs = NULL;
  sqlite3_stmt *stmt;

  if (record)
    {
      cs = kefu_change_set_new ("kb_article", a->id, KEFU_CHANGE_INSERT, 0);
      kefu_change_set_text (cs, "title", NULL, a->title);
      kefu_change_set_text (cs, "body", NULL, a->body);
      kefu_change_set_text (cs, "category_id", NULL, a->category_id);
      kefu_change_set_text (cs, "tags", NULL, a->tags);
      kefu_change_set_text (cs, "case_kinds", NULL, a->case_kinds);
      kefu_change_set_text (cs, "status", NULL, a->status);
      kefu_change_set_text (cs, "author_id", NULL, a->author_id);
      if (a->published_at != 0)
        kefu_change_set_int (cs, "published_at", FALSE, 0, a->published_at);
      if (a->published_at != 0)
        kefu_change_set_int (cs, "published_version", FALSE, 0, 1);
    }
  stmt = kefu_db_prepare (db,
                          "INSERT INTO kb_article (id, hlc, updated_by, updated_at, category_id, title, body, tags,"
                          " case_kinds, status, author_id, reviewer_id, published_at, published_version)"
                          " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, a->id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, record ? kefu_change_set_stamp (cs, db) : "", -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, kefu_db_get_actor (db), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, at);
  sqlite3_bind_text (stmt, 5, a->category_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, a->title, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, a->body, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 8, a->tags, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 9, a->case_kinds, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 10, a->status, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 11, a->author_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 12, a->reviewer_id, -1, SQLITE_STATIC);
  if (a->published_at != 0)
    sqlite3_bind_int64 (stmt, 13, a->published_at);
  else
    sqlite3_bind_null (stmt, 13);
  /* Published as it is written (sample data): the first version is the
   * published one. */
  if (a->published_at != 0)
    sqlite3_bind_int64 (stmt, 14, 1);
  else
    sqlite3_bind_null (stmt, 14);
  if (!kefu_db_step_done (db, stmt, error))
    return FALSE;
  a->rowid = sqlite3_last_insert_rowid (kefu_db_get_handle (db));
  a->published_version = a->published_at != 0 ? 1 : 0;
  a->version = 1;
  a->updated_at = at;
  a->latest_version = 1;
  if (record && !kefu_db_record_change (db, cs, error))
    return FALSE;
  if (!insert_version (db, a, 1, a->change_note, record, at, error))
    return FALSE;
  return _kefu_kb_index (db, a->rowid, a, error);
}

typedef struct
{
  const char *name;
  gboolean    is_int;
  gsize       offset;
} ArticleField;

#define FIELD(n, t) { #n, t, G_STRUCT_OFFSET (KefuKbArticle, n) }

static const ArticleField article_fields[] = {
  FIELD (title, FALSE),
  FIELD (body, FALSE),
  FIELD (category_id, FALSE),
  FIELD (tags, FALSE),
  FIELD (case_kinds, FALSE),
  FIELD (status, FALSE),
  FIELD (reviewer_id, FALSE),
  FIELD (submitted_by, FALSE),
  FIELD (review_note, FALSE),
  FIELD (published_at, TRUE),
  FIELD (published_version, TRUE),
  FIELD (revision_status, FALSE),
  FIELD (revision_version, TRUE),
  FIELD (revision_author_id, FALSE),
};

#define TEXT_AT(a, f) (*(char **) G_STRUCT_MEMBER_P ((a), (f)->offset))
#define INT_AT(a, f)  (*(gint64 *) G_STRUCT_MEMBER_P ((a), (f)->offset))

/* Writes the fields of @a that differ from @old, with the change set,
 * in the caller's transaction. */
static gboolean
write_article (KefuDb               *db,
               const KefuKbArticle  *old,
               KefuKbArticle        *a,
               GError              **error)
{
  g_autoptr(KefuChangeSet) cs = kefu_change_set_new ("kb_article", old->id, KEFU_CHANGE_UPDATE, old->version);
  g_autoptr(GString) sql = g_string_new ("UPDATE kb_article SET ");
  g_autoptr(GPtrArray) changed = g_ptr_array_new ();
  gboolean reindex = FALSE;
  gint64 at = now_ms (db);
  sqlite3_stmt *stmt;
  int idx = 1;

  for (guint i = 0; i < G_N_ELEMENTS (article_fields); i++)
    {
      const ArticleField *f = &article_fields[i];

      if (f->is_int)
        {
          if (INT_AT (old, f) == INT_AT (a, f))
            continue;
          kefu_change_set_int (cs, f->name, INT_AT (old, f) != 0, INT_AT (old, f), INT_AT (a, f));
        }
      else
        {
          if (g_strcmp0 (TEXT_AT (old, f), TEXT_AT (a, f)) == 0)
            continue;
          kefu_change_set_text (cs, f->name, TEXT_AT (old, f), TEXT_AT (a, f));
          if (g_str_equal (f->name, "title") || g_str_equal (f->name, "body") || g_str_equal (f->name, "tags"))
            reindex = TRUE;
        }
      g_ptr_array_add (changed, (gpointer) f);
      g_string_append_printf (sql, "%s = ?, ", f->name);
    }
  if (changed->len == 0)
    return TRUE;

  g_string_append (sql, "version = version + 1, hlc = ?, updated_by = ?, updated_at = ? WHERE id = ? AND version = ?");
  stmt = kefu_db_prepare (db, sql->str, error);
  if (stmt == NULL)
    return FALSE;
  for (guint i = 0; i < changed->len; i++)
    {
      const ArticleField *f = changed->pdata[i];

      if (f->is_int)
        {
          if (INT_AT (a, f) != 0)
            sqlite3_bind_int64 (stmt, idx++, INT_AT (a, f));
          else
            sqlite3_bind_null (stmt, idx++);
        }
      else
        sqlite3_bind_text (stmt, idx++, TEXT_AT (a, f), -1, SQLITE_STATIC);
    }
  kefu_db_bind_stamp (db, stmt, idx, cs, at);
  idx += 3;
  sqlite3_bind_text (stmt, idx++, old->id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, idx++, old->version);
  if (!kefu_db_step_versioned (db, stmt, cs, error,
                               _("Someone else changed the article “%s” in the meantime. Reopen it to see their changes."),
                               old->title))
    return FALSE;
  a->version = old->version + 1;
  a->updated_at = at;
  return !reindex || _kefu_kb_index (db, old->rowid, a, error);
}

gboolean
kefu_kb_check_action (KefuDb              *db,
                      const KefuKbArticle *a,
                      const char          *action,
                      GError             **error)
{
  g_autoptr(KefuStaff) me = NULL;
  gboolean revision;
  const char *status, *author;

  g_return_val_if_fail (KEFU_IS_DB (db), FALSE);
  g_return_val_if_fail (action != NULL, FALSE);

  me = current_user (db);
  if (me == NULL)
    return kefu_error_denied (error, _("Sign in to work on the knowledge base."));

  if (g_str_equal (action, "save") || g_str_equal (action, "submit") || g_str_equal (action, "archive") ||
      g_str_equal (action, "discard") || g_str_equal (action, "delete"))
    {
      if (!kefu_kb_role_can_write (me->role))
        return kefu_error_denied (error, _("Only trainers and administrators write knowledge articles."));
    }
  else if (g_str_equal (action, "approve") || g_str_equal (action, "return"))
    {
      if (!kefu_kb_role_can_review (me->role))
        return kefu_error_denied (error, _("Only trainers and administrators review knowledge articles."));
    }
  else
    g_return_val_if_reached (FALSE);

  if (a == NULL || a->id == NULL)
    {
      if (g_str_equal (action, "save"))
        return TRUE;
      return kefu_error_invalid (error, _("Save the article first."));
    }

  /* A pending revision goes through the workflow in place of the
   * published article: its status and its author count. */
  revision = a->revision_status != NULL;
  status = revision ? a->revision_status : a->status;
  author = revision ? a->revision_author_id : a->author_id;

  if (g_str_equal (action, "save"))
    {
      if (g_strcmp0 (status, "review") == 0)
        return kefu_error_invalid (error, revision ? _("The revision is in review. Wait for the reviewer, or ask them to return it.")
                                        : _("The article is in review. Wait for the reviewer, or ask them to return it."));
      return TRUE;
    }
  if (g_str_equal (action, "submit"))
    {
      if (g_strcmp0 (status, "draft") != 0)
        return kefu_error_invalid (error, _("Only a draft can be sent for review."));
      return TRUE;
    }
  if (g_str_equal (action, "archive"))
    {
      if (g_strcmp0 (a->status, "published") != 0)
        return kefu_error_invalid (error, _("Only a published article can be archived."));
      if (revision)
        return kefu_error_invalid (error, _("The article has a pending revision. Publish or discard the revision first."));
      return TRUE;
    }
  if (g_str_equal (action, "discard"))
    {
      if (!revision)
        return kefu_error_invalid (error, _("This article has no pending revision."));
      return TRUE;
    }
  if (g_str_equal (action, "delete"))
    {
      /* What agents once read stays: it is archived, not deleted. */
      if (g_strcmp0 (a->status, "draft") != 0 || a->published_version != 0 || a->published_at != 0)
        return kefu_error_invalid (error, _("Only a draft that was never published can be deleted. Archive a published article instead."));
      if (g_strcmp0 (a->author_id, me->id) != 0 && g_strcmp0 (me->role, "admin") != 0)
        return kefu_error_denied (error, _("Only its author or an administrator can delete a draft."));
      return TRUE;
    }
  /* approve, return */
  if (g_strcmp0 (status, "review") != 0)
    return kefu_error_invalid (error, revision ? _("The revision is not in review.") : _("The article is not in review."));
  if (g_strcmp0 (author, me->id) == 0 || g_strcmp0 (a->submitted_by, me->id) == 0)
    return kefu_error_denied (error, revision ? _("You wrote or submitted this revision: another trainer or an administrator reviews it.")
                                   : _("You wrote or submitted this article: another trainer or an administrator reviews it."));
  return TRUE;
}

static gboolean
same_content (const KefuKbArticle *x,
              const KefuKbArticle *y)
{
  return g_strcmp0 (x->title, y->title) == 0 && g_strcmp0 (x->body, y->body) == 0 &&
         g_strcmp0 (x->tags, y->tags) == 0 && g_strcmp0 (x->category_id, y->category_id) == 0 &&
         g_strcmp0 (x->case_kinds, y->case_kinds) == 0;
}

/* Writes @work's content as the pending revision of the published
 * article @old (starting one when there is none): a new version, and the
 * article row pointing at it. The published text is not touched, and
 * nothing is written (*@changed FALSE) when @work holds the text the
 * revision, or else the article, has already. */
static gboolean
write_revision (KefuDb               *db,
                const KefuKbArticle  *old,
                const KefuKbArticle  *work,
                const char           *note,
                gboolean             *changed,
                GError              **error)
{
  g_autoptr(KefuKbArticle) a = kefu_kb_article_copy (old);
  g_autoptr(KefuKbArticle) current = old->revision_status ? revision_of (db, old, error) : kefu_kb_article_copy (old);
  gint64 version_no = old->latest_version + 1;

  *changed = FALSE;
  if (current == NULL)
    return FALSE;
  if (same_content (current, work))
    return TRUE;
  *changed = TRUE;

  /* The version first: a computer that pulls the article row pointing at
   * it has the version already (pulls follow the write order). */
  if (!insert_version (db, work, version_no, note, TRUE, now_ms (db), error))
    return FALSE;
  a->revision_version = version_no;
  if (old->revision_status == NULL)
    {
      kefu_set_str (&a->revision_status, "draft");
      kefu_set_str (&a->revision_author_id, kefu_db_get_actor (db));
      /* The published version's review is done with. */
      kefu_set_str (&a->submitted_by, NULL);
      kefu_set_str (&a->review_note, NULL);
    }
  return write_article (db, old, a, error);
}

gboolean
kefu_kb_save (KefuDb         *db,
              KefuKbArticle  *a,
              GError        **error)
{
  g_autoptr(KefuKbArticle) old = NULL;
  g_autoptr(KefuKbArticle) work = NULL;
  gboolean changed;
  gint64 at;

  g_return_val_if_fail (KEFU_IS_DB (db), FALSE);
  g_return_val_if_fail (a != NULL, FALSE);

  work = kefu_kb_article_copy (a);
  if (!_kefu_kb_validate (db, work, error))
    return FALSE;
  if (!kefu_db_begin (db, error))
    return FALSE;

  at = now_ms (db);
  if (work->id == NULL)
    {
      if (!kefu_kb_check_action (db, NULL, "save", error))
        goto fail;
      work->id = kefu_uuid7_new_at (at);
      kefu_set_str (&work->status, "draft");
      kefu_set_str (&work->author_id, kefu_db_get_actor (db));
      g_clear_pointer (&work->reviewer_id, g_free);
      work->published_at = 0;
      if (!_kefu_kb_insert (db, work, TRUE, at, error))
        goto fail;
    }
  else
    {
      if ((old = load_article (db, work->id, error)) == NULL)
        goto fail;
      if (!kefu_kb_check_action (db, old, "save", error))
        goto fail;
      if (old->version != a->version)
        {
          g_set_error (error, KEFU_ERROR, KEFU_ERROR_CONFLICT,
                       _("Someone else changed the article “%s” in the meantime. Reopen it to see their changes."),
                       old->title);
          goto fail;
        }
      if (g_strcmp0 (old->status, "published") == 0)
        {
          /* Agents keep the published text: the edit is a revision. */
          if (!write_revision (db, old, work, work->change_note, &changed, error))
            goto fail;
          if (changed)
            goto commit;
          kefu_db_rollback (db);
          goto done;
        }
      /* Only the content comes from the caller. */
      kefu_set_str (&work->status, "draft");
      kefu_set_str (&work->author_id, old->author_id);
      kefu_set_str (&work->reviewer_id, old->reviewer_id);
      kefu_set_str (&work->submitted_by, old->submitted_by);
      kefu_set_str (&work->review_note, old->review_note);
      work->published_at = old->published_at;
      work->published_version = old->published_version;
      kefu_set_str (&work->revision_status, old->revision_status);
      work->revision_version = old->revision_version;
      kefu_set_str (&work->revision_author_id, old->revision_author_id);
      if (same_content (old, work))
        {
          /* Nothing changed: no version, no status change. */
          kefu_db_rollback (db);
          goto done;
        }
      if (!write_article (db, old, work, error))
        goto fail;
      if (!insert_version (db, work, old->latest_version + 1, work->change_note, TRUE, at, error))
        goto fail;
      work->latest_version = old->latest_version + 1;
    }
commit:
  if (!kefu_db_commit (db, error))
    return FALSE;

done:
  {
    g_autoptr(KefuKbArticle) stored = kefu_kb_get_for_writing (db, work->id, error);

    if (stored == NULL)
      return FALSE;
    /* Hand the stored state back in the caller's struct. */
    {
      KefuKbArticle tmp = *a;

      *a = *stored;
      *stored = tmp;
      /* The note was this save's: the next one says its own. */
      g_clear_pointer (&a->change_note, g_free);
    }
  }
  return TRUE;

fail:
  kefu_db_rollback (db);
  return FALSE;
}

typedef gboolean (*TransitionFunc) (KefuDb         *db,
                                    KefuKbArticle  *a,
                                    const char     *me,
                                    gpointer        data,
                                    GError        **error);

static gboolean
run_transition (KefuDb          *db,
                const char      *id,
                const char      *action,
                TransitionFunc   func,
                gpointer         data,
                GError         **error)
{
  g_autoptr(KefuKbArticle) old = NULL;
  g_autoptr(KefuKbArticle) a = NULL;

  g_return_val_if_fail (KEFU_IS_DB (db), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);

  if (!kefu_db_begin (db, error))
    return FALSE;
  if ((old = load_article (db, id, error)) == NULL)
    goto fail;
  if (!kefu_kb_check_action (db, old, action, error))
    goto fail;
  a = kefu_kb_article_copy (old);
  if (!func (db, a, kefu_db_get_actor (db), data, error))
    goto fail;
  if (!write_article (db, old, a, error))
    goto fail;
  return kefu_db_commit (db, error);

fail:
  kefu_db_rollback (db);
  return FALSE;
}

static gboolean
submit_cb (KefuDb         *db,
           KefuKbArticle  *a,
           const char     *me,
           gpointer        data,
           GError        **error)
{
  kefu_set_str (a->revision_status ? &a->revision_status : &a->status, "review");
  kefu_set_str (&a->submitted_by, me);
  return TRUE;
}

gboolean
kefu_kb_submit (KefuDb      *db,
                const char  *id,
                GError     **error)
{
  return run_transition (db, id, "submit", submit_cb, NULL, error);
}

static gboolean
approve_cb (KefuDb         *db,
            KefuKbArticle  *a,
            const char     *me,
            gpointer        data,
            GError        **error)
{
  if (a->revision_status != NULL)
    {
      /* The revision's text becomes the published text (write_article
       * re-indexes it), in this one transaction. */
      g_autoptr(KefuKbArticle) r = revision_of (db, a, error);

      if (r == NULL)
        return FALSE;
      kefu_set_str (&a->title, r->title);
      kefu_set_str (&a->body, r->body);
      kefu_set_str (&a->tags, r->tags);
      kefu_set_str (&a->case_kinds, r->case_kinds);
      kefu_set_str (&a->category_id, r->category_id);
      a->published_version = a->revision_version;
      kefu_set_str (&a->revision_status, NULL);
      a->revision_version = 0;
      kefu_set_str (&a->revision_author_id, NULL);
      kefu_set_str (&a->submitted_by, NULL);
    }
  else
    a->published_version = a->latest_version;
  kefu_set_str (&a->status, "published");
  kefu_set_str (&a->reviewer_id, me);
  kefu_set_str (&a->review_note, NULL);
  a->published_at = now_ms (db);
  return TRUE;
}

gboolean
kefu_kb_approve (KefuDb      *db,
                 const char  *id,
                 GError     **error)
{
  return run_transition (db, id, "approve", approve_cb, NULL, error);
}

static gboolean
return_cb (KefuDb         *db,
           KefuKbArticle  *a,
           const char     *me,
           gpointer        data,
           GError        **error)
{
  const char *comment = data;

  kefu_set_str (a->revision_status ? &a->revision_status : &a->status, "draft");
  kefu_set_str (&a->reviewer_id, me);
  kefu_set_str (&a->review_note, comment);
  return TRUE;
}

gboolean
kefu_kb_return (KefuDb      *db,
                const char  *id,
                const char  *comment,
                GError     **error)
{
  g_autofree char *c = NULL;

  if (is_blank (comment) || !g_utf8_validate (comment, -1, NULL))
    return kefu_error_invalid (error, _("Say what the author should change."));
  c = g_strstrip (g_strdup (comment));
  if (g_utf8_strlen (c, -1) > 2000)
    return kefu_error_invalid (error, _("The comment is too long (at most 2,000 characters)."));
  return run_transition (db, id, "return", return_cb, c, error);
}

static gboolean
archive_cb (KefuDb         *db,
            KefuKbArticle  *a,
            const char     *me,
            gpointer        data,
            GError        **error)
{
  kefu_set_str (&a->status, "archived");
  return TRUE;
}

gboolean
kefu_kb_archive (KefuDb      *db,
                 const char  *id,
                 GError     **error)
{
  return run_transition (db, id, "archive", archive_cb, NULL, error);
}

static gboolean
discard_cb (KefuDb         *db,
            KefuKbArticle  *a,
            const char     *me,
            gpointer        data,
            GError        **error)
{
  kefu_set_str (&a->revision_status, NULL);
  a->revision_version = 0;
  kefu_set_str (&a->revision_author_id, NULL);
  kefu_set_str (&a->submitted_by, NULL);
  kefu_set_str (&a->review_note, NULL);
  return TRUE;
}

gboolean
kefu_kb_discard_revision (KefuDb      *db,
                          const char  *id,
                          GError     **error)
{
  return run_transition (db, id, "discard", discard_cb, NULL, error);
}

gboolean
kefu_kb_delete_draft (KefuDb      *db,
                      const char  *id,
                      GError     **error)
{
  g_autoptr(KefuKbArticle) old = NULL;
  g_autoptr(KefuChangeSet) cs = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (KEFU_IS_DB (db), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);

  if (!kefu_db_begin (db, error))
    return FALSE;
  if ((old = load_article (db, id, error)) == NULL || !kefu_kb_check_action (db, old, "delete", error))
    goto fail;
  cs = kefu_change_set_new ("kb_article", id, KEFU_CHANGE_DELETE, old->version);
  kefu_change_set_int (cs, "deleted", TRUE, 0, 1);
  stmt = kefu_db_prepare (db,
                          "UPDATE kb_article SET deleted = 1, version = version + 1, hlc = ?, updated_by = ?,"
                          " updated_at = ? WHERE id = ? AND version = ?", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, kefu_change_set_stamp (cs, db), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, kefu_db_get_actor (db), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, now_ms (db));
  sqlite3_bind_text (stmt, 4, id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 5, old->version);
  /* The tombstone leaves the search index with the row. */
  if (!kefu_db_step_done (db, stmt, error) || !kefu_db_record_change (db, cs, error) ||
      !kefu_kb_reindex_article (db, id, error))
    goto fail;
  return kefu_db_commit (db, error);

fail:
  kefu_db_rollback (db);
  return FALSE;
}

/* --- versions -------------------------------------------------------- */

#define VERSION_COLUMNS \
  "v.id, v.version_no, v.title, v.body, v.tags, v.category_id, v.case_kinds, v.author_id, s.name," \
  " v.note, v.created_at"

static KefuKbVersion *
version_from_row (sqlite3_stmt *stmt)
{
  KefuKbVersion *v = g_new0 (KefuKbVersion, 1);

  v->id = kefu_stmt_dup (stmt, 0);
  v->version_no = sqlite3_column_int64 (stmt, 1);
  v->title = kefu_stmt_dup (stmt, 2);
  v->body = kefu_stmt_dup (stmt, 3);
  v->tags = kefu_stmt_dup (stmt, 4);
  v->category_id = kefu_stmt_dup (stmt, 5);
  v->case_kinds = kefu_stmt_dup (stmt, 6);
  v->author_id = kefu_stmt_dup (stmt, 7);
  v->author_name = kefu_stmt_dup (stmt, 8);
  v->note = kefu_stmt_dup (stmt, 9);
  v->created_at = sqlite3_column_int64 (stmt, 10);
  return v;
}

GPtrArray *
kefu_kb_list_versions (KefuDb      *db,
                       const char  *article_id,
                       GError     **error)
{
  g_autoptr(GPtrArray) ret = g_ptr_array_new_with_free_func ((GDestroyNotify) kefu_kb_version_free);
  g_autoptr(KefuKbArticle) a = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (KEFU_IS_DB (db), NULL);

  /* Whoever may not read the article may not read its history either,
   * nor a pending revision's versions. */
  if ((a = kefu_kb_get (db, article_id, error)) == NULL)
    return NULL;
  stmt = kefu_db_prepare (db,
                          "SELECT " VERSION_COLUMNS " FROM kb_article_version v LEFT JOIN staff s ON s.id = v.author_id"
                          " WHERE v.article_id = ? AND v.deleted = 0 AND v.version_no <= ?"
                          " ORDER BY v.version_no DESC", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, article_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, sees_unpublished (db) ? G_MAXINT64 : a->published_version);
  if (!kefu_db_read_rows (db, stmt, (KefuRowReader) version_from_row, ret, error))
    return NULL;
  return g_steal_pointer (&ret);
}

static KefuKbVersion *
fetch_version (KefuDb      *db,
               const char  *article_id,
               gint64       version_no,
               GError     **error)
{
  sqlite3_stmt *stmt;
  KefuKbVersion *v = NULL;
  int rc;

  stmt = kefu_db_prepare (db,
                          "SELECT " VERSION_COLUMNS " FROM kb_article_version v LEFT JOIN staff s ON s.id = v.author_id"
                          " WHERE v.article_id = ? AND v.version_no = ? AND v.deleted = 0", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, article_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, version_no);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    v = version_from_row (stmt);
  sqlite3_reset (stmt);
  if (v == NULL)
    {
      if (rc == SQLITE_DONE)
        g_set_error (error, KEFU_ERROR, KEFU_ERROR_NOT_FOUND,
                     _("Version %u of this article does not exist."), (guint) version_no);
      else
        kefu_db_set_error (db, error);
    }
  return v;
}

KefuKbVersion *
kefu_kb_get_version (KefuDb      *db,
                     const char  *article_id,
                     gint64       version_no,
                     GError     **error)
{
  g_return_val_if_fail (KEFU_IS_DB (db), NULL);
  g_return_val_if_fail (article_id != NULL, NULL);

  if (!sees_unpublished (db))
    {
      g_autoptr(KefuKbArticle) a = kefu_kb_get (db, article_id, error);

      if (a == NULL)
        return NULL;
      if (version_no > a->published_version)
        {
          g_set_error (error, KEFU_ERROR, KEFU_ERROR_NOT_FOUND,
                       _("Version %u of this article does not exist."), (guint) version_no);
          return NULL;
        }
    }
  return fetch_version (db, article_id, version_no, error);
}

gboolean
kefu_kb_restore_version (KefuDb      *db,
                         const char  *article_id,
                         gint64       version_no,
                         GError     **error)
{
  g_autoptr(KefuKbArticle) old = NULL;
  g_autoptr(KefuKbArticle) a = NULL;
  g_autoptr(KefuKbVersion) v = NULL;
  g_autofree char *note = NULL;
  gboolean changed;

  g_return_val_if_fail (KEFU_IS_DB (db), FALSE);

  if (!kefu_db_begin (db, error))
    return FALSE;
  if ((old = load_article (db, article_id, error)) == NULL)
    goto fail;
  if (!kefu_kb_check_action (db, old, "save", error))
    goto fail;
  if ((v = fetch_version (db, article_id, version_no, error)) == NULL)
    goto fail;
  a = kefu_kb_article_copy (old);
  kefu_set_str (&a->title, v->title);
  kefu_set_str (&a->body, v->body);
  kefu_set_str (&a->tags, v->tags);
  kefu_set_str (&a->case_kinds, v->case_kinds);
  kefu_set_str (&a->status, "draft");
  /* A category deleted since then is left as it is now. */
  {
    g_autoptr(KefuKbArticle) probe = kefu_kb_article_copy (a);

    kefu_set_str (&probe->category_id, v->category_id);
    if (_kefu_kb_validate (db, probe, NULL))
      kefu_set_str (&a->category_id, v->category_id);
  }
  note = g_strdup_printf ("restored %" G_GINT64_FORMAT, version_no);
  if (g_strcmp0 (old->status, "published") == 0)
    {
      /* Agents keep the published text: the restored one is a revision. */
      if (!write_revision (db, old, a, note, &changed, error))
        goto fail;
      if (changed)
        return kefu_db_commit (db, error);
      kefu_db_rollback (db);
      return TRUE;
    }
  if (!write_article (db, old, a, error))
    goto fail;
  if (!insert_version (db, a, old->latest_version + 1, note, TRUE, now_ms (db), error))
    goto fail;
  return kefu_db_commit (db, error);

fail:
  kefu_db_rollback (db);
  return FALSE;
}

static GPtrArray *
split_lines (const char *text)
{
  GPtrArray *lines = g_ptr_array_new_with_free_func (g_free);
  const char *p = text ? text : "";

  while (*p)
    {
      const char *nl = strchr (p, '\n');
      gsize len = nl ? (gsize) (nl - p) : strlen (p);

      if (len > 0 && p[len - 1] == '\r')
        g_ptr_array_add (lines, g_strndup (p, len - 1));
      else
        g_ptr_array_add (lines, g_strndup (p, len));
      if (nl == NULL)
        break;
      p = nl + 1;
    }
  return lines;
}

static void
add_diff_line (GPtrArray    *out,
               KefuKbDiffOp  op,
               const char   *text)
{
  KefuKbDiffLine *l = g_new0 (KefuKbDiffLine, 1);

  l->op = op;
  l->text = g_strdup (text);
  g_ptr_array_add (out, l);
}

GPtrArray *
kefu_kb_diff (const char *old_text,
              const char *new_text)
{
  g_autoptr(GPtrArray) a = split_lines (old_text);
  g_autoptr(GPtrArray) b = split_lines (new_text);
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) kefu_kb_diff_line_free);
  guint pre = 0, suf = 0, n, m;

  /* The common head and tail first: edits are usually small. */
  while (pre < a->len && pre < b->len && g_str_equal (a->pdata[pre], b->pdata[pre]))
    pre++;
  while (suf < a->len - pre && suf < b->len - pre &&
         g_str_equal (a->pdata[a->len - 1 - suf], b->pdata[b->len - 1 - suf]))
    suf++;
  for (guint i = 0; i < pre; i++)
    add_diff_line (out, KEFU_KB_DIFF_SAME, a->pdata[i]);

  n = a->len - pre - suf;
  m = b->len - pre - suf;
  if ((guint64) (n + 1) * (m + 1) > 4 * 1000 * 1000)
    {
      /* Too large for the table: everything in between changed. */
      for (guint i = 0; i < n; i++)
        add_diff_line (out, KEFU_KB_DIFF_REMOVED, a->pdata[pre + i]);
      for (guint j = 0; j < m; j++)
        add_diff_line (out, KEFU_KB_DIFF_ADDED, b->pdata[pre + j]);
    }
  else
    {
      /* lcs[i][j]: longest common subsequence of a[i..] and b[j..]. */
      g_autofree guint *lcs = g_new0 (guint, (gsize) (n + 1) * (m + 1));
      guint i = 0, j = 0;

#define LCS(x, y) lcs[(gsize) (x) * (m + 1) + (y)]
      for (guint x = n; x-- > 0;)
        for (guint y = m; y-- > 0;)
          LCS (x, y) = g_str_equal (a->pdata[pre + x], b->pdata[pre + y])
                         ? LCS (x + 1, y + 1) + 1
                         : MAX (LCS (x + 1, y), LCS (x, y + 1));
      while (i < n || j < m)
        {
          if (i < n && j < m && g_str_equal (a->pdata[pre + i], b->pdata[pre + j]))
            {
              add_diff_line (out, KEFU_KB_DIFF_SAME, a->pdata[pre + i]);
              i++, j++;
            }
          else if (i < n && (j == m || LCS (i + 1, j) >= LCS (i, j + 1)))
            add_diff_line (out, KEFU_KB_DIFF_REMOVED, a->pdata[pre + i++]);
          else
            add_diff_line (out, KEFU_KB_DIFF_ADDED, b->pdata[pre + j++]);
        }
#undef LCS
    }
  for (guint k = a->len - suf; k < a->len; k++)
    add_diff_line (out, KEFU_KB_DIFF_SAME, a->pdata[k]);
  return out;
}

/* --- Markdown text --------------------------------------------------- */

typedef struct
{
  GString *out;
  guint    skip;   /* inside an image: its alt text is not body text */
} TextState;

static int
text_enter_block_cb (MD_BLOCKTYPE  type,
                     void         *detail,
                     void         *user_data)
{
  TextState *st = user_data;

  if (type != MD_BLOCK_DOC && st->out->len > 0 && st->out->str[st->out->len - 1] != '\n')
    g_string_append_c (st->out, '\n');
  return 0;
}

static int
text_leave_block_cb (MD_BLOCKTYPE  type,
                     void         *detail,
                     void         *user_data)
{
  TextState *st = user_data;

  if ((type == MD_BLOCK_TD || type == MD_BLOCK_TH) && st->out->len > 0)
    g_string_append_c (st->out, ' ');
  return 0;
}

static int
text_enter_span_cb (MD_SPANTYPE  type,
                    void        *detail,
                    void        *user_data)
{
  TextState *st = user_data;

  if (type == MD_SPAN_IMG)
    st->skip++;
  return 0;
}

static int
text_leave_span_cb (MD_SPANTYPE  type,
                    void        *detail,
                    void        *user_data)
{
  TextState *st = user_data;

  if (type == MD_SPAN_IMG && st->skip > 0)
    st->skip--;
  return 0;
}

static int
text_text_cb (MD_TEXTTYPE     type,
              const MD_CHAR  *text,
              MD_SIZE         size,
              void           *user_data)
{
  TextState *st = user_data;

  if (st->skip > 0)
    return 0;
  switch (type)
    {
    case MD_TEXT_NULLCHAR:
      g_string_append (st->out, "\xef\xbf\xbd");
      break;
    case MD_TEXT_BR:
    case MD_TEXT_SOFTBR:
      g_string_append_c (st->out, '\n');
      break;
    case MD_TEXT_ENTITY:
      /* Entities are rare in articles; the common ones are enough. */
      if (size == 5 && memcmp (text, "&amp;", 5) == 0)
        g_string_append_c (st->out, '&');
      else if (size == 4 && memcmp (text, "&lt;", 4) == 0)
        g_string_append_c (st->out, '<');
      else if (size == 4 && memcmp (text, "&gt;", 4) == 0)
        g_string_append_c (st->out, '>');
      else if (size == 6 && memcmp (text, "&nbsp;", 6) == 0)
        g_string_append_c (st->out, ' ');
      else
        g_string_append_len (st->out, text, size);
      break;
    default:
      g_string_append_len (st->out, text, size);
      break;
    }
  return 0;
}

char *
kefu_kb_markdown_to_text (const char *markdown)
{
  TextState st = { g_string_new (NULL), 0 };
  MD_PARSER parser = {
    0,
    MD_FLAG_TABLES | MD_FLAG_STRIKETHROUGH | MD_FLAG_PERMISSIVEAUTOLINKS,
    text_enter_block_cb,
    text_leave_block_cb,
    text_enter_span_cb,
    text_leave_span_cb,
    text_text_cb,
    NULL,
    NULL,
  };

  if (markdown == NULL)
    return g_string_free (st.out, FALSE);
  md_parse (markdown, (MD_SIZE) strlen (markdown), &parser, &st);
  /* Anything md4c passes through unchanged must still be valid text. */
  if (!g_utf8_validate (st.out->str, st.out->len, NULL))
    {
      char *valid = g_utf8_make_valid (st.out->str, st.out->len);

      g_string_free (st.out, TRUE);
      return valid;
    }
  return g_string_free (st.out, FALSE);
}

/* --- highlighting ---------------------------------------------------- */

/* The runs of letters and digits in @query, lower-cased, as the search
 * builds them: each run matches as a whole. */
static GPtrArray *
query_runs (const char *query)
{
  GPtrArray *runs = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  GArray *run = NULL;

  for (const char *p = query ? query : ""; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isalnum (c))
        {
          if (run == NULL)
            run = g_array_new (FALSE, FALSE, sizeof (gunichar));
          c = g_unichar_tolower (c);
          g_array_append_val (run, c);
        }
      else if (run != NULL)
        {
          g_ptr_array_add (runs, run);
          run = NULL;
        }
    }
  if (run != NULL)
    g_ptr_array_add (runs, run);
  return runs;
}

char *
kefu_kb_highlight (const char *text,
                   const char *query,
                   guint       max_chars)
{
  g_autoptr(GPtrArray) runs = query_runs (query);
  g_autofree gunichar *chars = NULL;
  g_autofree gboolean *hit = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  glong n = 0;
  glong first = -1, start = 0, end;
  gboolean in_hit = FALSE;

  if (text == NULL || !g_utf8_validate (text, -1, NULL))
    return g_strdup ("");
  chars = g_utf8_to_ucs4_fast (text, -1, &n);
  hit = g_new0 (gboolean, n + 1);

  for (guint r = 0; r < runs->len; r++)
    {
      GArray *run = runs->pdata[r];
      const gunichar *q = (const gunichar *) run->data;

      for (glong i = 0; i + (glong) run->len <= n; i++)
        {
          guint k = 0;

          while (k < run->len && g_unichar_tolower (chars[i + k]) == q[k])
            k++;
          if (k < run->len)
            continue;
          for (k = 0; k < run->len; k++)
            hit[i + k] = TRUE;
          if (first < 0 || i < first)
            first = i;
        }
    }

  end = n;
  if (max_chars > 0 && n > (glong) max_chars)
    {
      /* A little context before the first match. */
      start = first > (glong) max_chars / 4 ? first - (glong) max_chars / 4 : 0;
      end = MIN (n, start + (glong) max_chars);
      if (end - start < (glong) max_chars)
        start = MAX (0, end - (glong) max_chars);
    }
  if (start > 0)
    g_string_append (out, "…");
  for (glong i = start; i < end; i++)
    {
      gunichar c = chars[i];
      char buf[8];
      gint len;

      if (hit[i] && !in_hit)
        g_string_append (out, "<b>");
      else if (!hit[i] && in_hit)
        g_string_append (out, "</b>");
      in_hit = hit[i];
      if (c == '\n' || c == '\r' || c == '\t')
        c = ' ';
      switch (c)
        {
        case '<': g_string_append (out, "&lt;"); break;
        case '>': g_string_append (out, "&gt;"); break;
        case '&': g_string_append (out, "&amp;"); break;
        case '"': g_string_append (out, "&quot;"); break;
        case '\'': g_string_append (out, "&apos;"); break;
        default:
          if (c < 0x20)
            break;
          len = g_unichar_to_utf8 (c, buf);
          g_string_append_len (out, buf, len);
        }
    }
  if (in_hit)
    g_string_append (out, "</b>");
  if (end < n)
    g_string_append (out, "…");
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* --- search ---------------------------------------------------------- */

#define HIT_COLUMNS \
  "a.id, a.title, a.body, c.name, c.code, c.scope, a.tags, a.status, a.updated_at, a.revision_status," \
  " (SELECT count(*) FROM kb_report r WHERE r.article_id = a.id AND r.resolved_at IS NULL AND r.deleted = 0)"

static KefuKbHit *
hit_from_row (sqlite3_stmt *stmt,
              const char   *query,
              double        rank)
{
  KefuKbHit *h = g_new0 (KefuKbHit, 1);
  g_autofree char *plain = kefu_kb_markdown_to_text (kefu_stmt_text (stmt, 2));

  h->id = kefu_stmt_dup (stmt, 0);
  h->title = kefu_stmt_dup (stmt, 1);
  h->title_markup = kefu_kb_highlight (h->title, query, 0);
  h->snippet = kefu_kb_highlight (plain, query, 120);
  h->category_name = category_label_at (stmt, 3);
  h->tags = kefu_stmt_dup (stmt, 6);
  h->status = kefu_stmt_dup (stmt, 7);
  h->updated_at = sqlite3_column_int64 (stmt, 8);
  h->revision_status = kefu_stmt_dup (stmt, 9);
  h->n_reports = (guint) sqlite3_column_int (stmt, 10);
  h->rank = rank;
  return h;
}

static void
append_filters (GString           *sql,
                const KefuKbQuery *q,
                gboolean           published_only)
{
  if (published_only)
    g_string_append (sql, " AND a.status = 'published'");
  else if (g_strcmp0 (q->status, "draft") == 0 || g_strcmp0 (q->status, "review") == 0)
    /* A published article's pending revision waits for its writers and
     * reviewers too. */
    g_string_append (sql, " AND (a.status = :status OR a.revision_status = :status)");
  else if (q->status != NULL && *q->status)
    g_string_append (sql, " AND a.status = :status");
  if (q->category_id != NULL && *q->category_id)
    g_string_append (sql, " AND a.category_id = :category");
  if (q->tag != NULL && *q->tag)
    g_string_append (sql, " AND instr (',' || a.tags || ',', ',' || :tag || ',') > 0");
}

static void
bind_named (sqlite3_stmt *stmt,
            const char   *name,
            const char   *value)
{
  int idx = sqlite3_bind_parameter_index (stmt, name);

  if (idx > 0)
    sqlite3_bind_text (stmt, idx, value, -1, SQLITE_TRANSIENT);
}

GPtrArray *
kefu_kb_search (KefuDb             *db,
                const KefuKbQuery  *q,
                guint               limit,
                GError            **error)
{
  g_autoptr(GPtrArray) ret = g_ptr_array_new_with_free_func ((GDestroyNotify) kefu_kb_hit_free);
  g_autoptr(GString) sql = g_string_new (NULL);
  g_autofree char *match = NULL;
  gboolean published_only;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (KEFU_IS_DB (db), NULL);
  g_return_val_if_fail (q != NULL, NULL);

  limit = CLAMP (limit, 1, KEFU_KB_SEARCH_MAX);
  published_only = !sees_unpublished (db);
  if (q->status != NULL && *q->status && !kefu_kb_status_is_valid (q->status))
    {
      kefu_error_invalid (error, _("Unknown article status."));
      return NULL;
    }
  if (q->text != NULL && g_utf8_validate (q->text, -1, NULL))
    match = kefu_search_build_match (q->text);

  if (match != NULL)
    {
      g_string_append (sql, "SELECT " HIT_COLUMNS ", bm25 (kb_article_fts, " W_TITLE ", " W_TAGS ", " W_BODY ") AS r"
                            " FROM kb_article_fts f JOIN kb_article a ON a.rowid = f.rowid"
                            " LEFT JOIN category c ON c.id = a.category_id"
                            " WHERE kb_article_fts MATCH :match AND a.deleted = 0");
      append_filters (sql, q, published_only);
      g_string_append (sql, " ORDER BY r LIMIT :limit");
    }
  else
    {
      g_string_append (sql, "SELECT " HIT_COLUMNS ", 0.0 FROM kb_article a"
                            " LEFT JOIN category c ON c.id = a.category_id WHERE a.deleted = 0");
      append_filters (sql, q, published_only);
      g_string_append (sql, " ORDER BY a.updated_at DESC, a.rowid DESC LIMIT :limit");
    }

  stmt = kefu_db_prepare (db, sql->str, error);
  if (stmt == NULL)
    return NULL;
  bind_named (stmt, ":match", match);
  bind_named (stmt, ":status", q->status);
  bind_named (stmt, ":category", q->category_id);
  bind_named (stmt, ":tag", q->tag);
  sqlite3_bind_int (stmt, sqlite3_bind_parameter_index (stmt, ":limit"), (int) limit);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      KefuKbHit *h = hit_from_row (stmt, match ? q->text : NULL, sqlite3_column_double (stmt, 11));

      /* Readers see the published article only, as kefu_kb_get() does. */
      if (published_only)
        g_clear_pointer (&h->revision_status, g_free);
      g_ptr_array_add (ret, h);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      kefu_db_set_error (db, error);
      return NULL;
    }
  return g_steal_pointer (&ret);
}

typedef struct
{
  const char *term;
  gint64      docs;
} Term;

static gint
term_compare (gconstpointer a,
              gconstpointer b)
{
  const Term *x = a, *y = b;

  return x->docs < y->docs ? -1 : x->docs > y->docs;
}

/* An OR of the case text's distinct bigrams, quoted: the text never
 * reaches FTS5 as syntax. NULL when it has none. The newest bigrams
 * are the candidates (what the agent is typing); with @db, only the
 * rarest few of them are kept: a bigram in most articles ("快件") says
 * little and makes bm25 rank nearly every article on each keystroke. */
char *
_kefu_kb_suggest_match (KefuDb     *db,
                        const char *text)
{
  g_autoptr(GString) tokens = g_string_new (NULL);
  g_autoptr(GArray) terms = g_array_new (FALSE, FALSE, sizeof (Term));
  g_autoptr(GString) match = g_string_new (NULL);
  g_auto(GStrv) parts = NULL;
  gint64 n_docs = 0, common;
  guint n, keep;

  kefu_search_tokens_append (tokens, text);
  parts = g_strsplit (tokens->str, " ", -1);
  n = g_strv_length (parts);
  for (guint i = n; i-- > 0 && terms->len < SUGGEST_MAX_TERMS;)
    {
      Term t = { parts[i], 0 };
      gboolean dup = FALSE;

      /* Single characters (run ends) and digits say little. */
      if (g_utf8_strlen (t.term, -1) < 2 || g_ascii_isdigit (t.term[0]))
        continue;
      for (guint k = 0; k < terms->len && !dup; k++)
        dup = g_str_equal (g_array_index (terms, Term, k).term, t.term);
      if (!dup)
        g_array_append_val (terms, t);
    }

  keep = terms->len;
  if (db != NULL && terms->len > 0)
    {
      DocCounts *dc = doc_counts_for (db);

      n_docs = dc->n_docs;
      for (guint i = 0; i < terms->len; i++)
        {
          Term *t = &g_array_index (terms, Term, i);

          t->docs = doc_count (db, dc, t->term);
        }
      /* Terms in no article cannot match; the rest rarest first. */
      for (guint i = terms->len; i-- > 0;)
        if (g_array_index (terms, Term, i).docs == 0)
          g_array_remove_index (terms, i);
      g_array_sort (terms, term_compare);
      common = MAX (n_docs / 8, 50);
      keep = 0;
      while (keep < terms->len && keep < SUGGEST_KEEP_TERMS && g_array_index (terms, Term, keep).docs <= common)
        keep++;
      /* Only common words typed so far: the two rarest of them. */
      if (keep == 0)
        keep = MIN (terms->len, 2);
    }
  for (guint i = 0; i < keep; i++)
    {
      if (match->len > 0)
        g_string_append (match, " OR ");
      g_string_append_printf (match, "\"%s\"", g_array_index (terms, Term, i).term);
    }
  if (match->len == 0)
    return NULL;
  return g_string_free (g_steal_pointer (&match), FALSE);
}

static gpointer
suggestion_from_row (sqlite3_stmt *stmt)
{
  KefuKbHit *h = g_new0 (KefuKbHit, 1);

  /* Suggestions show titles only: no snippet work per keystroke. */
  h->id = kefu_stmt_dup (stmt, 0);
  h->title = kefu_stmt_dup (stmt, 1);
  h->category_name = category_label_at (stmt, 3);
  h->tags = kefu_stmt_dup (stmt, 6);
  h->status = kefu_stmt_dup (stmt, 7);
  h->updated_at = sqlite3_column_int64 (stmt, 8);
  h->rank = sqlite3_column_double (stmt, 11);
  return h;
}

GPtrArray *
kefu_kb_suggest (KefuDb      *db,
                 const char  *text,
                 const char  *case_kind,
                 guint        limit,
                 GError     **error)
{
  g_autoptr(GPtrArray) ret = g_ptr_array_new_with_free_func ((GDestroyNotify) kefu_kb_hit_free);
  g_autofree char *match = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (KEFU_IS_DB (db), NULL);

  if (text == NULL || !g_utf8_validate (text, -1, NULL) ||
      (match = _kefu_kb_suggest_match (db, text)) == NULL)
    return g_steal_pointer (&ret);
  limit = CLAMP (limit, 1, 50);

  /* bm25 is negative, lower is better: a fitting case kind makes it a
   * fifth better. */
  stmt = kefu_db_prepare (db,
                          "SELECT " HIT_COLUMNS ", bm25 (kb_article_fts, " W_TITLE ", " W_TAGS ", " W_BODY ")"
                          "   * (CASE WHEN :kind IS NOT NULL AND instr (',' || a.case_kinds || ',', ',' || :kind || ',') > 0"
                          "      THEN 1.2 ELSE 1.0 END) AS r"
                          " FROM kb_article_fts f JOIN kb_article a ON a.rowid = f.rowid"
                          " LEFT JOIN category c ON c.id = a.category_id"
                          " WHERE kb_article_fts MATCH :match AND a.deleted = 0 AND a.status = 'published'"
                          " ORDER BY r LIMIT :limit", error);
  if (stmt == NULL)
    return NULL;
  bind_named (stmt, ":match", match);
  bind_named (stmt, ":kind", case_kind);
  sqlite3_bind_int (stmt, sqlite3_bind_parameter_index (stmt, ":limit"), (int) limit);
  if (!kefu_db_read_rows (db, stmt, suggestion_from_row, ret, error))
    return NULL;
  return g_steal_pointer (&ret);
}

/* --- case links and usage -------------------------------------------- */

gboolean
kefu_kb_link_case (KefuDb      *db,
                   const char  *article_id,
                   const char  *case_id,
                   GError     **error)
{
  g_autoptr(KefuKbArticle) a = NULL;
  g_autoptr(KefuChangeSet) cs = NULL;
  g_autofree char *id = NULL;
  sqlite3_stmt *stmt;
  gint64 at;
  int rc;

  g_return_val_if_fail (KEFU_IS_DB (db), FALSE);
  g_return_val_if_fail (article_id != NULL && case_id != NULL, FALSE);

  if (kefu_db_get_actor (db) == NULL)
    return kefu_error_denied (error, _("Sign in to work on cases."));
  if (!kefu_db_begin (db, error))
    return FALSE;
  if ((a = load_article (db, article_id, error)) == NULL)
    goto fail;
  if (g_strcmp0 (a->status, "published") != 0)
    {
      kefu_error_invalid (error, _("Only a published article can answer a case."));
      goto fail;
    }
  stmt = kefu_db_prepare (db, "SELECT (SELECT 1 FROM kcase WHERE id = ?1 AND deleted = 0),"
                              " (SELECT 1 FROM kb_case_link WHERE article_id = ?2 AND case_id = ?1)", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, case_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, article_id, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW && sqlite3_column_type (stmt, 0) == SQLITE_NULL)
    {
      sqlite3_reset (stmt);
      g_set_error_literal (error, KEFU_ERROR, KEFU_ERROR_NOT_FOUND, _("This case does not exist (any more)."));
      goto fail;
    }
  if (rc == SQLITE_ROW && sqlite3_column_type (stmt, 1) != SQLITE_NULL)
    {
      /* Already linked. */
      sqlite3_reset (stmt);
      kefu_db_rollback (db);
      return TRUE;
    }
  sqlite3_reset (stmt);

  at = now_ms (db);
  id = kefu_uuid7_new_at (at);
  cs = kefu_change_set_new ("kb_case_link", id, KEFU_CHANGE_INSERT, 0);
  kefu_change_set_text (cs, "article_id", NULL, article_id);
  kefu_change_set_text (cs, "case_id", NULL, case_id);
  kefu_change_set_text (cs, "linked_by", NULL, kefu_db_get_actor (db));
  kefu_change_set_int (cs, "linked_at", FALSE, 0, at);
  stmt = kefu_db_prepare (db,
                          "INSERT INTO kb_case_link (id, hlc, updated_by, updated_at, article_id, case_id, linked_by, linked_at)"
                          " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, kefu_change_set_stamp (cs, db), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, kefu_db_get_actor (db), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, at);
  sqlite3_bind_text (stmt, 5, article_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, case_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, kefu_db_get_actor (db), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 8, at);
  if (!kefu_db_step_done (db, stmt, error) || !kefu_db_record_change (db, cs, error))
    goto fail;
  return kefu_db_commit (db, error);

fail:
  kefu_db_rollback (db);
  return FALSE;
}

GPtrArray *
kefu_kb_case_links (KefuDb      *db,
                    const char  *case_id,
                    GError     **error)
{
  g_return_val_if_fail (KEFU_IS_DB (db), NULL);

  return kefu_db_read_all (db, "SELECT article_id FROM kb_case_link WHERE case_id = ? AND deleted = 0"
                               " ORDER BY linked_at", case_id, kefu_row_dup_text, g_free, error);
}

gboolean
kefu_kb_get_usage (KefuDb      *db,
                   const char  *article_id,
                   guint       *n_cases,
                   guint       *n_first_contact,
                   GError     **error)
{
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (KEFU_IS_DB (db), FALSE);

  stmt = kefu_db_prepare (db,
                          "SELECT count(*), coalesce (sum (k.status IN ('resolved','closed')"
                          "   AND (k.assignee_id IS NULL OR k.assignee_id = k.owner_id)"
                          "   AND NOT EXISTS (SELECT 1 FROM case_event e WHERE e.case_id = k.id AND e.kind = 'transferred')), 0)"
                          " FROM kb_case_link l JOIN kcase k ON k.id = l.case_id"
                          " WHERE l.article_id = ? AND l.deleted = 0 AND k.deleted = 0", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, article_id, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *n_cases = (guint) sqlite3_column_int (stmt, 0);
      *n_first_contact = (guint) sqlite3_column_int (stmt, 1);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW)
    return kefu_db_set_error (db, error);
  return TRUE;
}

/* --- problem reports ------------------------------------------------- */

gboolean
kefu_kb_report_problem (KefuDb      *db,
                        const char  *article_id,
                        const char  *comment,
                        GError     **error)
{
  g_autoptr(KefuStaff) me = NULL;
  g_autoptr(KefuKbArticle) a = NULL;
  g_autoptr(KefuChangeSet) cs = NULL;
  g_autofree char *text = NULL;
  g_autofree char *id = NULL;
  sqlite3_stmt *stmt;
  gint64 at;

  g_return_val_if_fail (KEFU_IS_DB (db), FALSE);
  g_return_val_if_fail (article_id != NULL, FALSE);

  if ((me = current_user (db)) == NULL)
    return kefu_error_denied (error, _("Sign in to work on the knowledge base."));
  if (is_blank (comment) || !g_utf8_validate (comment, -1, NULL))
    return kefu_error_invalid (error, _("Say what is wrong or missing in the article."));
  text = g_strstrip (g_strdup (comment));
  if (g_utf8_strlen (text, -1) > 1000)
    return kefu_error_invalid (error, _("The report is too long (at most 1,000 characters)."));
  if (!kefu_db_begin (db, error))
    return FALSE;
  if ((a = kefu_kb_get (db, article_id, error)) == NULL)
    goto fail;
  if (g_strcmp0 (a->status, "published") != 0)
    {
      kefu_error_invalid (error, _("Only a published article can be reported."));
      goto fail;
    }
  at = now_ms (db);
  id = kefu_uuid7_new_at (at);
  cs = kefu_change_set_new ("kb_report", id, KEFU_CHANGE_INSERT, 0);
  kefu_change_set_text (cs, "article_id", NULL, article_id);
  kefu_change_set_text (cs, "branch_id", NULL, me->org_unit_id);
  kefu_change_set_text (cs, "reported_by", NULL, me->id);
  kefu_change_set_text (cs, "comment", NULL, text);
  kefu_change_set_int (cs, "created_at", FALSE, 0, at);
  stmt = kefu_db_prepare (db,
                          "INSERT INTO kb_report (id, hlc, updated_by, updated_at, article_id, branch_id, reported_by,"
                          " comment, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, kefu_change_set_stamp (cs, db), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, me->id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, at);
  sqlite3_bind_text (stmt, 5, article_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, me->org_unit_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, me->id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 8, text, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 9, at);
  if (!kefu_db_step_done (db, stmt, error) || !kefu_db_record_change (db, cs, error))
    goto fail;
  return kefu_db_commit (db, error);

fail:
  kefu_db_rollback (db);
  return FALSE;
}

static gpointer
report_from_row (sqlite3_stmt *stmt)
{
  KefuKbReport *r = g_new0 (KefuKbReport, 1);

  r->id = kefu_stmt_dup (stmt, 0);
  r->article_id = kefu_stmt_dup (stmt, 1);
  r->comment = kefu_stmt_dup (stmt, 2);
  r->reporter_name = kefu_stmt_dup (stmt, 3);
  r->branch_name = kefu_stmt_dup (stmt, 4);
  r->created_at = sqlite3_column_int64 (stmt, 5);
  return r;
}

GPtrArray *
kefu_kb_list_reports (KefuDb      *db,
                      const char  *article_id,
                      GError     **error)
{
  g_return_val_if_fail (KEFU_IS_DB (db), NULL);
  g_return_val_if_fail (article_id != NULL, NULL);

  if (!sees_unpublished (db))
    {
      kefu_error_denied (error, _("Only trainers and administrators read problem reports."));
      return NULL;
    }
  return kefu_db_read_all (db,
                           "SELECT r.id, r.article_id, r.comment, s.name, u.name, r.created_at FROM kb_report r"
                           " LEFT JOIN staff s ON s.id = r.reported_by LEFT JOIN org_unit u ON u.id = r.branch_id"
                           " WHERE r.article_id = ?1 AND r.resolved_at IS NULL AND r.deleted = 0"
                           " ORDER BY r.created_at DESC, r.rowid DESC",
                           article_id, report_from_row, (GDestroyNotify) kefu_kb_report_free, error);
}

gboolean
kefu_kb_resolve_report (KefuDb      *db,
                        const char  *report_id,
                        GError     **error)
{
  g_autoptr(KefuChangeSet) cs = NULL;
  sqlite3_stmt *stmt;
  gint64 version, at;
  gboolean open;
  int rc;

  g_return_val_if_fail (KEFU_IS_DB (db), FALSE);
  g_return_val_if_fail (report_id != NULL, FALSE);

  if (!sees_unpublished (db))
    return kefu_error_denied (error, _("Only trainers and administrators read problem reports."));
  if (!kefu_db_begin (db, error))
    return FALSE;
  if ((stmt = kefu_db_prepare (db, "SELECT version, resolved_at IS NULL FROM kb_report WHERE id = ? AND deleted = 0",
                               error)) == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, report_id, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  version = sqlite3_column_int64 (stmt, 0);
  open = sqlite3_column_int (stmt, 1) != 0;
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW)
    {
      if (rc == SQLITE_DONE)
        g_set_error_literal (error, KEFU_ERROR, KEFU_ERROR_NOT_FOUND, _("This report does not exist (any more)."));
      else
        kefu_db_set_error (db, error);
      goto fail;
    }
  if (!open)
    {
      /* Someone dealt with it already. */
      kefu_db_rollback (db);
      return TRUE;
    }
  at = now_ms (db);
  cs = kefu_change_set_new ("kb_report", report_id, KEFU_CHANGE_UPDATE, version);
  kefu_change_set_text (cs, "resolved_by", NULL, kefu_db_get_actor (db));
  kefu_change_set_int (cs, "resolved_at", FALSE, 0, at);
  if ((stmt = kefu_db_prepare (db,
                               "UPDATE kb_report SET resolved_by = ?, resolved_at = ?, version = version + 1, hlc = ?,"
                               " updated_by = ?, updated_at = ? WHERE id = ?", error)) == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, kefu_db_get_actor (db), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, at);
  sqlite3_bind_text (stmt, 3, kefu_change_set_stamp (cs, db), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, kefu_db_get_actor (db), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 5, at);
  sqlite3_bind_text (stmt, 6, report_id, -1, SQLITE_STATIC);
  if (!kefu_db_step_done (db, stmt, error) || !kefu_db_record_change (db, cs, error))
    goto fail;
  return kefu_db_commit (db, error);

fail:
  kefu_db_rollback (db);
  return FALSE;
}

/* --- questions without an answer ------------------------------------- */

static gint
gap_compare (gconstpointer a,
             gconstpointer b)
{
  const KefuKbGap *x = *(const KefuKbGap **) a;
  const KefuKbGap *y = *(const KefuKbGap **) b;

  if (x->n_cases != y->n_cases)
    return x->n_cases > y->n_cases ? -1 : 1;
  return g_strcmp0 (x->label, y->label);
}

/* A phrase is covered when a published article holds all its bigrams
 * (anywhere, not necessarily together). */
static gboolean
word_is_covered (KefuDb      *db,
                 const char  *word,
                 gboolean    *covered,
                 GError     **error)
{
  g_autoptr(GString) tokens = g_string_new (NULL);
  g_autoptr(GString) match = g_string_new (NULL);
  g_auto(GStrv) parts = NULL;
  sqlite3_stmt *stmt;
  int rc;

  *covered = FALSE;
  kefu_search_tokens_append (tokens, word);
  parts = g_strsplit (tokens->str, " ", -1);
  for (guint i = 0; parts[i]; i++)
    if (g_utf8_strlen (parts[i], -1) == 2)
      g_string_append_printf (match, "%s\"%s\"", match->len ? " AND " : "", parts[i]);
  if (match->len == 0)
    return TRUE;
  stmt = kefu_db_prepare (db,
                          "SELECT 1 FROM kb_article_fts f JOIN kb_article a ON a.rowid = f.rowid"
                          " WHERE kb_article_fts MATCH ? AND a.deleted = 0 AND a.status = 'published' LIMIT 1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, match->str, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return kefu_db_set_error (db, error);
  *covered = rc == SQLITE_ROW;
  return TRUE;
}

static gboolean
is_ideograph (gunichar c)
{
  return c >= 0x3400 && g_unichar_isalpha (c);
}

/* Calls @func for each run of ideographs in @text (lower-cased
 * characters, their count). */
static void
for_each_han_run (const char  *text,
                  void       (*func) (const gunichar *run, guint n, gpointer data),
                  gpointer     data)
{
  gunichar run[128];
  guint n = 0;

  for (const char *p = text ? text : ""; ; p = g_utf8_next_char (p))
    {
      gunichar c = *p ? g_utf8_get_char (p) : 0;

      if (c != 0 && is_ideograph (c) && n < G_N_ELEMENTS (run))
        {
          run[n++] = c;
          continue;
        }
      if (n >= 2)
        func (run, n, data);
      n = 0;
      if (c == 0)
        break;
    }
}

static char *
chars_dup (const gunichar *chars,
           guint           n)
{
  return g_ucs4_to_utf8 (chars, n, NULL, NULL, NULL);
}

typedef struct
{
  GHashTable *counts;   /* bigram or phrase → number of cases */
  GHashTable *seen;     /* in this case already */
  GHashTable *bigrams;  /* for phrases: the bigram counts */
} WordCount;

static void
count_once (WordCount *wc,
            char      *key)
{
  gpointer old;

  if (!g_hash_table_add (wc->seen, key))
    return;   /* the set owns @key now, or it was there */
  old = g_hash_table_lookup (wc->counts, key);
  g_hash_table_insert (wc->counts, g_strdup (key), GUINT_TO_POINTER (GPOINTER_TO_UINT (old) + 1));
}

static void
count_bigrams_cb (const gunichar *run,
                  guint           n,
                  gpointer        data)
{
  for (guint i = 0; i + 1 < n; i++)
    count_once (data, chars_dup (run + i, 2));
}

/* Splits the run where a bigram is rare: what is left are the phrases
 * (often whole questions, "包裹长时间未更新") that recur. */
static void
count_phrases_cb (const gunichar *run,
                  guint           n,
                  gpointer        data)
{
  WordCount *wc = data;
  guint start = 0;

  for (guint i = 0; i + 1 <= n; i++)
    {
      gboolean frequent = FALSE;

      if (i + 1 < n)
        {
          g_autofree char *bigram = chars_dup (run + i, 2);

          frequent = GPOINTER_TO_UINT (g_hash_table_lookup (wc->bigrams, bigram)) >= 3;
        }
      if (!frequent)
        {
          if (i + 1 - start >= 2)
            count_once (wc, chars_dup (run + start, i + 1 - start));
          start = i + 1;
        }
    }
}

static gpointer
category_gap_from_row (sqlite3_stmt *stmt)
{
  KefuKbGap *g = g_new0 (KefuKbGap, 1);
  KefuCategory cat = { 0 };

  cat.name = (char *) kefu_stmt_text (stmt, 1);
  cat.code = (char *) kefu_stmt_text (stmt, 2);
  cat.scope = (char *) kefu_stmt_text (stmt, 3);
  g->kind = g_strdup ("category");
  g->key = kefu_stmt_dup (stmt, 0);
  g->label = g_strdup (kefu_category_label (&cat));
  g->n_cases = (guint) sqlite3_column_int (stmt, 4);
  return g;
}

GPtrArray *
kefu_kb_unanswered (KefuDb      *db,
                    guint        days,
                    guint        limit,
                    GError     **error)
{
  g_autoptr(GPtrArray) ret = g_ptr_array_new_with_free_func ((GDestroyNotify) kefu_kb_gap_free);
  g_autoptr(GHashTable) words = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) bigrams = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) subjects = g_ptr_array_new_with_free_func (g_free);
  WordCount wc = { 0 };
  g_autoptr(GPtrArray) word_gaps = g_ptr_array_new_with_free_func ((GDestroyNotify) kefu_kb_gap_free);
  GHashTableIter iter;
  gpointer key, value;
  gint64 since = now_ms (db) - (gint64) days * 24 * 3600 * 1000;
  sqlite3_stmt *stmt;
  guint n_words = 0;

  g_return_val_if_fail (KEFU_IS_DB (db), NULL);

  /* Case categories whose recent cases no published article answered. */
  stmt = kefu_db_prepare (db,
                          "SELECT c.id, c.name, c.code, c.scope, count(*) AS n FROM kcase k"
                          " JOIN category c ON c.id = k.category_id"
                          " WHERE k.deleted = 0 AND k.created_at >= ?"
                          "   AND NOT EXISTS (SELECT 1 FROM kb_case_link l JOIN kcase k2 ON k2.id = l.case_id"
                          "                   JOIN kb_article a ON a.id = l.article_id"
                          "                   WHERE k2.category_id = c.id AND l.deleted = 0"
                          "                     AND a.deleted = 0 AND a.status = 'published')"
                          " GROUP BY c.id ORDER BY n DESC", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, since);
  if (!kefu_db_read_rows (db, stmt, category_gap_from_row, ret, error))
    return NULL;

  /* Frequent words of the subjects of recent cases that no article
   * answered, counted once per case: the newest 5,000. Bigrams first,
   * then the runs between rare bigrams as phrases. */
  stmt = kefu_db_prepare (db,
                          "SELECT k.subject FROM kcase k WHERE k.deleted = 0 AND k.created_at >= ?"
                          " AND NOT EXISTS (SELECT 1 FROM kb_case_link l WHERE l.case_id = k.id AND l.deleted = 0)"
                          " ORDER BY k.created_at DESC LIMIT 5000", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, since);
  if (!kefu_db_read_rows (db, stmt, kefu_row_dup_text, subjects, error))
    return NULL;
  wc.counts = bigrams;
  for (guint i = 0; i < subjects->len; i++)
    {
      wc.seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      for_each_han_run (subjects->pdata[i], count_bigrams_cb, &wc);
      g_hash_table_unref (wc.seen);
    }
  wc.counts = words;
  wc.bigrams = bigrams;
  for (guint i = 0; i < subjects->len; i++)
    {
      wc.seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      for_each_han_run (subjects->pdata[i], count_phrases_cb, &wc);
      g_hash_table_unref (wc.seen);
    }

  g_hash_table_iter_init (&iter, words);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      KefuKbGap *g;

      /* A word of one or two cases is not yet a question people ask. */
      if (GPOINTER_TO_UINT (value) < 3)
        continue;
      g = g_new0 (KefuKbGap, 1);
      g->kind = g_strdup ("word");
      g->key = g_strdup (key);
      g->label = g_strdup (key);
      g->n_cases = GPOINTER_TO_UINT (value);
      g_ptr_array_add (word_gaps, g);
    }
  g_ptr_array_sort (word_gaps, gap_compare);
  for (guint i = 0; i < word_gaps->len && n_words < limit; i++)
    {
      KefuKbGap *g = word_gaps->pdata[i];
      gboolean covered;

      if (!word_is_covered (db, g->key, &covered, error))
        return NULL;
      if (covered)
        continue;
      word_gaps->pdata[i] = NULL;
      g_ptr_array_add (ret, g);
      n_words++;
    }
  g_ptr_array_sort (ret, gap_compare);
  if (ret->len > limit)
    g_ptr_array_set_size (ret, limit);
  return g_steal_pointer (&ret);
}

/* --- images ---------------------------------------------------------- */

#define IMAGE_SCHEME "kefu-attachment:"

char *
kefu_kb_image_sha (const char *url)
{
  const char *sha;

  if (url == NULL || !g_str_has_prefix (url, IMAGE_SCHEME))
    return NULL;
  sha = url + strlen (IMAGE_SCHEME);
  if (strlen (sha) != 64)
    return NULL;
  for (guint i = 0; i < 64; i++)
    if (!g_ascii_isxdigit (sha[i]) || g_ascii_isupper (sha[i]))
      return NULL;
  return g_strdup (sha);
}

char *
kefu_kb_add_image (KefuDb      *db,
                   const char  *article_id,
                   const char  *path,
                   GError     **error)
{
  g_autoptr(KefuKbArticle) a = NULL;
  g_autoptr(KefuChangeSet) cs = NULL;
  g_autoptr(KefuStoredFile) file = NULL;
  g_autofree char *id = NULL;
  g_autofree char *alt = NULL;
  sqlite3_stmt *stmt;
  gint64 at;

  g_return_val_if_fail (KEFU_IS_DB (db), NULL);
  g_return_val_if_fail (path != NULL, NULL);

  if ((a = load_article (db, article_id, error)) == NULL)
    return NULL;
  if (!kefu_kb_check_action (db, a, "save", error))
    return NULL;
  /* The content first: a row never points at content that is not there. */
  if ((file = kefu_attachments_store_file (db, path, error)) == NULL)
    return NULL;
  if (!g_str_has_prefix (file->mime_type ? file->mime_type : "", "image/"))
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID,
                   _("“%s” is not a picture (PNG, JPEG, GIF or WebP)."), file->filename);
      return NULL;
    }

  if (!kefu_db_begin (db, error))
    return NULL;
  at = now_ms (db);
  id = kefu_uuid7_new_at (at);
  cs = kefu_change_set_new ("attachment", id, KEFU_CHANGE_INSERT, 0);
  kefu_change_set_text (cs, "sha256", NULL, file->sha256);
  kefu_change_set_text (cs, "filename", NULL, file->filename);
  kefu_change_set_text (cs, "mime_type", NULL, file->mime_type);
  kefu_change_set_int (cs, "size", FALSE, 0, file->size);
  kefu_change_set_text (cs, "kb_article_id", NULL, article_id);
  kefu_change_set_int (cs, "created_at", FALSE, 0, at);
  stmt = kefu_db_prepare (db,
                          "INSERT INTO attachment (id, hlc, updated_by, updated_at, sha256, filename, mime_type, size,"
                          " kb_article_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, kefu_change_set_stamp (cs, db), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, kefu_db_get_actor (db), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, at);
  sqlite3_bind_text (stmt, 5, file->sha256, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, file->filename, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, file->mime_type, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 8, file->size);
  sqlite3_bind_text (stmt, 9, article_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 10, at);
  if (!kefu_db_step_done (db, stmt, error) || !kefu_db_record_change (db, cs, error))
    goto fail;
  if (!kefu_db_commit (db, error))
    return NULL;

  /* Brackets would end the alt text early. */
  alt = g_strdup (file->filename);
  g_strdelimit (alt, "[]()", '_');
  return g_strdup_printf ("![%s](" IMAGE_SCHEME "%s)", alt, file->sha256);

fail:
  kefu_db_rollback (db);
  return NULL;
}
