/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "kefu-db.h"

G_BEGIN_DECLS

/* The knowledge base (知识库): articles in Markdown that trainers write and
 * review and agents read.
 *
 * Status keys: draft → review → published → archived. Trainers and
 * administrators write; submitting sends a draft to review; another
 * trainer or administrator (never the author or whoever submitted it)
 * approves it (published) or returns it to draft with a comment. Saving an
 * archived article takes it back to draft. Saving a published article
 * starts (or continues) a pending revision beside the published text: the
 * revision goes through the same review (draft → review, then approved or
 * returned, or discarded), and while it is pending everyone else — search,
 * suggestions, links, agents opening the article — keeps the published
 * text. Approving the revision makes it the published text. Agents and
 * supervisors see published articles only.
 *
 * Every save writes a version (kb_article_version, numbered from 1).
 * Every write is one transaction (or joins the caller's) and appends the
 * audit and outbox entries of each synced row it changes. Times are Unix
 * milliseconds. */

#define KEFU_KB_TITLE_MAX_CHARS 200
#define KEFU_KB_BODY_MAX_BYTES  (256 * 1024)
#define KEFU_KB_MAX_TAGS        20
#define KEFU_KB_TAG_MAX_CHARS   32
#define KEFU_KB_NOTE_MAX_CHARS  200
/* Articles in the sample data set (the benchmark set has 10,000). */
#define KEFU_KB_SAMPLE_ARTICLES 240
/* A search returns at most this many articles, best first. */
#define KEFU_KB_SEARCH_MAX      200

typedef struct
{
  gint64  rowid;
  char   *id;
  gint64  version;          /* row version, the base of the next save */
  char   *title;
  char   *body;             /* Markdown */
  char   *category_id;
  char   *tags;             /* "tag,tag" (normalised on save) */
  char   *case_kinds;       /* "inquiry,claim" (case kind keys) */
  char   *status;
  char   *author_id;
  char   *reviewer_id;
  char   *submitted_by;
  char   *review_note;      /* the reviewer's comment on a return */
  gint64  published_at;
  gint64  updated_at;
  gint64  latest_version;   /* number of the newest kb_article_version */
  gint64  published_version;  /* the version whose text is published, or 0 */

  /* A pending revision of a published article (revision_status NULL
   * when there is none): its text is version revision_version. */
  char   *revision_status;  /* "draft" or "review" */
  gint64  revision_version;
  char   *revision_author_id;
  /* TRUE when title, body, category, tags and case kinds hold the
   * pending revision rather than the published text
   * (kefu_kb_get_revision()). */
  gboolean is_revision;
  /* What a save changed, one line for the reviewer and the history
   * (kefu_kb_save() stores it with the version it writes and clears it;
   * NULL for none). kefu_kb_get_revision() reads back the note of the
   * revision's newest save. */
  char   *change_note;

  /* Read-only, joined when read. */
  char   *category_name;
  char   *author_name;
  char   *reviewer_name;
  char   *revision_author_name;
} KefuKbArticle;

typedef struct
{
  char   *id;
  gint64  version_no;
  char   *title;
  char   *body;
  char   *tags;
  char   *category_id;
  char   *case_kinds;
  char   *author_id;
  char   *author_name;
  char   *note;             /* "restored from 3", … */
  gint64  created_at;
} KefuKbVersion;

typedef struct
{
  char   *id;
  char   *title;
  char   *snippet;          /* Pango markup: matches in <b> */
  char   *title_markup;     /* Pango markup: matches in <b> */
  char   *category_name;
  char   *tags;
  char   *status;
  char   *revision_status;  /* a pending revision: "draft", "review" or NULL */
  guint   n_reports;        /* open problem reports (the view shows them to writers) */
  double  rank;             /* bm25: lower is better */
  gint64  updated_at;
} KefuKbHit;

typedef struct
{
  char *text;               /* what the user typed; NULL or "" lists all */
  char *category_id;
  char *tag;
  char *status;             /* NULL = any the user may see */
} KefuKbQuery;

typedef enum
{
  KEFU_KB_DIFF_SAME,
  KEFU_KB_DIFF_REMOVED,
  KEFU_KB_DIFF_ADDED,
} KefuKbDiffOp;

typedef struct
{
  KefuKbDiffOp  op;
  char         *text;
} KefuKbDiffLine;

/* A problem an agent reported with a published article. */
typedef struct
{
  char   *id;
  char   *article_id;
  char   *comment;
  char   *reporter_name;
  char   *branch_name;
  gint64  created_at;
} KefuKbReport;

typedef struct
{
  char   *kind;             /* "category" or "word" */
  char   *key;              /* category id, or the word */
  char   *label;            /* category name (translated), or the word */
  guint   n_cases;
} KefuKbGap;

typedef struct
{
  guint   line;             /* CSV line, or the file's position in the folder */
  char   *source;           /* file name */
  char   *title;
  char   *message;          /* NULL when the row is fine */
} KefuKbImportRow;

KefuKbArticle *kefu_kb_article_new        (void);
KefuKbArticle *kefu_kb_article_copy       (const KefuKbArticle *a);
void           kefu_kb_article_free       (KefuKbArticle   *a);
void           kefu_kb_version_free       (KefuKbVersion   *v);
void           kefu_kb_hit_free           (KefuKbHit       *h);
void           kefu_kb_query_clear        (KefuKbQuery     *q);
void           kefu_kb_diff_line_free     (KefuKbDiffLine  *l);
void           kefu_kb_gap_free           (KefuKbGap       *g);
void           kefu_kb_report_free        (KefuKbReport    *r);
void           kefu_kb_import_row_free    (KefuKbImportRow *r);

gboolean       kefu_kb_status_is_valid    (const char *status);
/* Translated; transfer none. */
const char    *kefu_kb_status_label       (const char *status);
/* Roles: who may write (trainer, admin) and who may review (the same). */
gboolean       kefu_kb_role_can_write     (const char *role);
gboolean       kefu_kb_role_can_review    (const char *role);

/* Creates (a->id NULL) or saves the article as the signed-in user, with
 * a->version as the base (KEFU_ERROR_CONFLICT when someone saved it in
 * the meantime). Validates and normalises title, body, tags, case kinds
 * and category; writes a new version. Saving a published article writes
 * its pending revision (started by this save when there is none), never
 * the published text. On success @a holds the stored state (id, version,
 * status) as its writers work on it: the revision when one is pending. */
gboolean       kefu_kb_save               (KefuDb         *db,
                                           KefuKbArticle  *a,
                                           GError        **error);
/* Returns: (transfer full): the article; agents and supervisors get
 * KEFU_ERROR_NOT_FOUND for one that is not published. */
KefuKbArticle *kefu_kb_get                (KefuDb         *db,
                                           const char     *id,
                                           GError        **error);

/* Returns: (transfer full): the article with the text of its pending
 * revision (is_revision TRUE), for trainers and administrators;
 * KEFU_ERROR_NOT_FOUND when there is none. */
KefuKbArticle *kefu_kb_get_revision       (KefuDb         *db,
                                           const char     *id,
                                           GError        **error);
/* The article as its writers work on it: its pending revision when it
 * has one, else the article itself. Returns: (transfer full) */
KefuKbArticle *kefu_kb_get_for_writing    (KefuDb         *db,
                                           const char     *id,
                                           GError        **error);

/* Submit, approve and return act on the pending revision when the
 * article has one: approving it replaces the published text (and the
 * search index) in one transaction. */
gboolean       kefu_kb_submit             (KefuDb         *db,
                                           const char     *id,
                                           GError        **error);
gboolean       kefu_kb_approve            (KefuDb         *db,
                                           const char     *id,
                                           GError        **error);
/* @comment is required: it tells the author what to change. */
gboolean       kefu_kb_return             (KefuDb         *db,
                                           const char     *id,
                                           const char     *comment,
                                           GError        **error);
gboolean       kefu_kb_archive            (KefuDb         *db,
                                           const char     *id,
                                           GError        **error);
/* Drops the pending revision: the published text stays as it is; the
 * revision's versions stay in the history. */
gboolean       kefu_kb_discard_revision   (KefuDb         *db,
                                           const char     *id,
                                           GError        **error);
/* Deletes a draft that was never published (its author or an
 * administrator): an article started by mistake, or a wrong import. A
 * published article is archived instead. The row is kept as a tombstone. */
gboolean       kefu_kb_delete_draft       (KefuDb         *db,
                                           const char     *id,
                                           GError        **error);
/* What the signed-in user may do with @a now ("save", "submit",
 * "approve", "return", "archive", "discard", "delete"); @error says why
 * not. */
gboolean       kefu_kb_check_action       (KefuDb              *db,
                                           const KefuKbArticle *a,
                                           const char          *action,
                                           GError             **error);

/* Element type KefuKbVersion, newest first. */
GPtrArray     *kefu_kb_list_versions      (KefuDb         *db,
                                           const char     *article_id,
                                           GError        **error);
KefuKbVersion *kefu_kb_get_version        (KefuDb         *db,
                                           const char     *article_id,
                                           gint64          version_no,
                                           GError        **error);
/* Saves the content of @version_no as a new version (as a save: of a
 * published article, as its pending revision). */
gboolean       kefu_kb_restore_version    (KefuDb         *db,
                                           const char     *article_id,
                                           gint64          version_no,
                                           GError        **error);
/* A line diff of two texts (longest common subsequence of lines).
 * Returns: (transfer full) (element-type KefuKbDiffLine) */
GPtrArray     *kefu_kb_diff               (const char     *old_text,
                                           const char     *new_text);

/* Ranked search (bm25, the title weighted above tags and body) with
 * the bigram index of kefu-text.c, so that two Chinese characters find
 * their articles. Without text, the newest first. At most @limit (≤
 * KEFU_KB_SEARCH_MAX) hits. Agents and supervisors see published
 * articles only. Returns: (transfer full) (element-type KefuKbHit) */
GPtrArray     *kefu_kb_search             (KefuDb            *db,
                                           const KefuKbQuery *query,
                                           guint              limit,
                                           GError           **error);
/* The published articles that best fit a case's words (subject and
 * description as the agent types them); articles that name @case_kind
 * (may be NULL) rank a little higher. */
GPtrArray     *kefu_kb_suggest            (KefuDb            *db,
                                           const char        *text,
                                           const char        *case_kind,
                                           guint              limit,
                                           GError           **error);

/* Brings the search index of article @id up to date with its row
 * (a row written by sync rather than by this module): indexes it, or
 * takes it out when it is deleted or gone. Call inside the writer's
 * transaction. */
gboolean       kefu_kb_reindex_article    (KefuDb         *db,
                                           const char     *id,
                                           GError        **error);

/* "This answered it": links a published article to a case (once; a
 * second link of the same pair is no error and changes nothing). */
gboolean       kefu_kb_link_case          (KefuDb         *db,
                                           const char     *article_id,
                                           const char     *case_id,
                                           GError        **error);
/* Returns: (transfer full) (element-type utf8): the ids of the articles
 * linked to @case_id. */
GPtrArray     *kefu_kb_case_links         (KefuDb         *db,
                                           const char     *case_id,
                                           GError        **error);
/* How often the article answered a case, and how many of those cases
 * were resolved at first contact: resolved or closed, never handed on
 * (no assignee other than the first-contact owner). */
gboolean       kefu_kb_get_usage          (KefuDb         *db,
                                           const char     *article_id,
                                           guint          *n_cases,
                                           guint          *n_first_contact,
                                           GError        **error);
/* "Questions without an answer": case categories of the last @days days
 * whose cases no published article answered, and frequent words of those
 * cases' subjects that no published article contains; most cases first.
 * Returns: (transfer full) (element-type KefuKbGap) */
GPtrArray     *kefu_kb_unanswered         (KefuDb         *db,
                                           guint           days,
                                           guint           limit,
                                           GError        **error);

/* "Report a problem": anyone signed in tells the trainers what is wrong
 * with a published article (@comment required, at most 1,000
 * characters). The report belongs to the reporter's branch. */
gboolean       kefu_kb_report_problem     (KefuDb         *db,
                                           const char     *article_id,
                                           const char     *comment,
                                           GError        **error);
/* The open reports of an article, newest first; trainers and
 * administrators only. Returns: (transfer full) (element-type KefuKbReport) */
GPtrArray     *kefu_kb_list_reports       (KefuDb         *db,
                                           const char     *article_id,
                                           GError        **error);
/* Marks a report dealt with (trainers and administrators). */
gboolean       kefu_kb_resolve_report     (KefuDb         *db,
                                           const char     *report_id,
                                           GError        **error);

/* Stores the image by content hash (kefu-attachments.c) as an attachment
 * of the article and returns the Markdown that shows it:
 * ![name](kefu-attachment:SHA256). Returns: (transfer full) */
char          *kefu_kb_add_image          (KefuDb         *db,
                                           const char     *article_id,
                                           const char     *path,
                                           GError        **error);
/* The SHA-256 of a kefu-attachment: link, or NULL. Transfer full. */
char          *kefu_kb_image_sha          (const char     *url);

/* The visible text of Markdown (md4c), one block a line. */
char          *kefu_kb_markdown_to_text   (const char     *markdown);
/* Pango markup of @text around the first match of @query: at most
 * @max_chars characters, matches in <b>; the whole text when @max_chars
 * is 0. */
char          *kefu_kb_highlight          (const char     *text,
                                           const char     *query,
                                           guint           max_chars);

/* Imports an FAQ list: a CSV file with the columns question, answer,
 * category (name or code, created when new) and tags, or a folder of
 * Markdown files (the first "# " heading, or the file name, is the
 * title). All or nothing: when any row is bad nothing is written and
 * @report says which and why. Articles arrive as drafts.
 * Returns: the number of articles imported, or -1. */
gint           kefu_kb_import             (KefuDb         *db,
                                           const char     *path,
                                           GPtrArray     **report,
                                           GError        **error);

/* Writes @n sample articles (seeded, realistic Chinese and English
 * courier service content) as published, like a bulk load without audit
 * or outbox entries (sample data is never pushed to a server). */
gboolean       kefu_kb_generate_sample    (KefuDb         *db,
                                           guint32         seed,
                                           guint           n,
                                           GError        **error);
/* The same in one language, "zh" or "en" (the setup page's sample office
 * writes Chinese, as its customers, cases and courses are). */
gboolean       kefu_kb_generate_sample_in (KefuDb         *db,
                                           guint32         seed,
                                           guint           n,
                                           const char     *language,
                                           GError        **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KefuKbArticle, kefu_kb_article_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KefuKbVersion, kefu_kb_version_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KefuKbHit, kefu_kb_hit_free)

G_END_DECLS
