/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Knowledge-base benchmark: builds (or reuses) a database with N sample
 * articles and times the knowledge-base budgets, beside raw SQLite
 * figures for the same work in the same run:
 *
 *   search (ranked, snippets, as an agent: published only)   p95 ≤ 30 ms
 *   intake suggestions, per keystroke                         p95 ≤ 20 ms
 *   opening an article with its rendered body                 ≤ 50 ms
 *
 *   bench-kb DB-PATH [N-ARTICLES]     (default 10000)
 *
 * Rendering fills a GtkTextBuffer (no window needed). Not part of the
 * test suites: timings are measured here, never asserted in tests. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gtk/gtk.h>

#include "kefu-kb-private.h"
#include "kefu-kb-render.h"
#include "kefu-kb.h"
#include "kefu-org.h"
#include "kefu-text.h"

static int
cmp_double (const void *a,
            const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static void
report (const char *what,
        GArray     *ms)
{
  double *v = (double *) ms->data;

  qsort (v, ms->len, sizeof (double), cmp_double);
  printf ("| %-58s | n=%-5u | p50 %7.2f ms | p95 %7.2f ms | max %7.2f ms |\n", what, ms->len,
          v[ms->len / 2], v[(ms->len * 95) / 100], v[ms->len - 1]);
}

static double
now_ms (void)
{
  return (double) g_get_monotonic_time () / 1000.0;
}

/* CPU time of this thread: what the work costs when the machine is
 * shared (wall time includes waiting for a core). */
static double
cpu_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (double) ts.tv_sec * 1000.0 + (double) ts.tv_nsec / 1e6;
}

static void
report_cpu (const char *what,
            GArray     *ms)
{
  double *v = (double *) ms->data;

  qsort (v, ms->len, sizeof (double), cmp_double);
  printf ("| %-58s | n=%-5u | CPU p50 %5.2f ms | CPU p95 %5.2f ms | max %7.2f ms |\n", what, ms->len,
          v[ms->len / 2], v[(ms->len * 95) / 100], v[ms->len - 1]);
}

static const char *queries[] = {
  "丢失", "破损", "理赔", "保价", "延误", "海关", "地址", "签收", "发票", "退回", "包装", "运费", "春节",
  "禁寄", "代收", "查询", "投诉", "快件", "时效", "授权", "快件丢失怎么办", "声明价值", "上门取件",
  "claim", "insurance", "customs", "delivery", "lost", "declared value", "pick-up", "COD", "holiday",
};

/* What agents type at intake: subject, then description. */
static const char *typed[] = {
  "客户反映快件三天没有物流更新，担心丢失",
  "包裹外箱破损，内件电子产品屏幕碎了，要求理赔",
  "寄往上海的生鲜食品延误两天，客户投诉",
  "客户想修改收件地址，快件还没有派送",
  "国际快件被海关扣留，问需要什么材料",
  "显示已签收但是客户说没有收到",
  "春节期间营业时间和派送安排",
  "询问保价费怎么收，声明价值五千元",
  "代收货款多久能结算到账",
  "The customer says the parcel shows delivered but never arrived",
  "Damaged box, the laptop inside is broken, customer wants compensation",
  "How long does a claim take and what documents are needed",
};

static void
set_up (KefuDb *db,
        guint   n)
{
  g_autoptr(GError) error = NULL;
  double start = now_ms ();

  if (!kefu_org_setup_office (db, "BJ0101", "北京朝阳营业部", "管理员", "admin", "admin", &error))
    g_error ("%s", error->message);
  if (!kefu_kb_generate_sample (db, 1, n, &error))
    g_error ("%s", error->message);
  fprintf (stderr, "generated %u articles in %.1f s\n", n, (now_ms () - start) / 1000);
}

static void
sign_in_agent (KefuDb *db)
{
  g_autoptr(KefuOrgUnit) office = kefu_org_get_office (db);
  g_autoptr(GError) error = NULL;
  sqlite3_stmt *stmt = kefu_db_prepare (db, "SELECT id FROM staff WHERE username = 'bench-agent'", NULL);
  g_autofree char *id = NULL;

  if (sqlite3_step (stmt) == SQLITE_ROW)
    id = kefu_stmt_dup (stmt, 0);
  sqlite3_reset (stmt);
  if (id == NULL)
    {
      KefuStaff s = { 0 };

      s.org_unit_id = office->id;
      s.username = (char *) "bench-agent";
      s.name = (char *) "王芳";
      s.role = (char *) "agent";
      s.active = TRUE;
      if (!kefu_org_create_staff (db, &s, &error))
        g_error ("%s", error->message);
      id = s.id;
    }
  if (!kefu_org_set_current_user (db, id, &error))
    g_error ("%s", error->message);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(KefuDb) db = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  const char *path;
  guint n = 10000, rounds = 200;
  gboolean fresh;
  sqlite3_stmt *stmt;

  if (argc < 2)
    {
      fprintf (stderr, "usage: %s DB-PATH [N-ARTICLES]\n", argv[0]);
      return 2;
    }
  path = argv[1];
  if (argc > 2)
    n = (guint) atoi (argv[2]);
  gtk_init_check ();

  fresh = !g_file_test (path, G_FILE_TEST_EXISTS);
  if ((db = kefu_db_open (path, &error)) == NULL)
    g_error ("%s", error->message);
  if (fresh)
    set_up (db, n);
  sign_in_agent (db);

  stmt = kefu_db_prepare (db, "SELECT id FROM kb_article WHERE deleted = 0 AND status = 'published'", NULL);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (ids, kefu_stmt_dup (stmt, 0));
  sqlite3_reset (stmt);
  printf ("bench-kb: %u published articles, SQLite %s, %u CPUs\n\n", ids->len, sqlite3_libversion (),
          g_get_num_processors ());
  printf ("| operation | runs | p50 | p95 | max |\n|---|---|---|---|---|\n");

  /* Warm the page cache: the budgets are for a running app. */
  {
    KefuKbQuery q = { (char *) "快件", NULL, NULL, NULL };
    g_autoptr(GPtrArray) hits = kefu_kb_search (db, &q, 50, NULL);
  }

  /* Search: ranked, 50 hits with snippets, as an agent. */
  {
    g_autoptr(GArray) ms = g_array_new (FALSE, FALSE, sizeof (double));
    g_autoptr(GArray) cpu = g_array_new (FALSE, FALSE, sizeof (double));
    g_autoptr(GArray) raw = g_array_new (FALSE, FALSE, sizeof (double));
    g_autoptr(GArray) scan = g_array_new (FALSE, FALSE, sizeof (double));
    guint total_hits = 0;

    for (guint i = 0; i < rounds; i++)
      {
        KefuKbQuery q = { (char *) queries[i % G_N_ELEMENTS (queries)], NULL, NULL, NULL };
        double c0 = cpu_ms (), t0 = now_ms (), d, c;
        g_autoptr(GPtrArray) hits = kefu_kb_search (db, &q, 50, &error);

        if (hits == NULL)
          g_error ("%s", error->message);
        d = now_ms () - t0;
        c = cpu_ms () - c0;
        total_hits += hits->len;
        g_array_append_val (ms, d);
        g_array_append_val (cpu, c);
      }
    report ("search: 50 ranked hits with snippets (kefu_kb_search)", ms);
    report_cpu ("  the same, CPU time", cpu);

    for (guint i = 0; i < rounds; i++)
      {
        g_autofree char *match = kefu_search_build_match (queries[i % G_N_ELEMENTS (queries)]);
        sqlite3_stmt *s = kefu_db_prepare (db,
                                           "SELECT rowid FROM kb_article_fts WHERE kb_article_fts MATCH ?"
                                           " ORDER BY bm25 (kb_article_fts, 10.0, 4.0, 1.0) LIMIT 50", NULL);
        double t0 = now_ms (), d;

        sqlite3_bind_text (s, 1, match, -1, SQLITE_TRANSIENT);
        while (sqlite3_step (s) == SQLITE_ROW)
          ;
        sqlite3_reset (s);
        d = now_ms () - t0;
        g_array_append_val (raw, d);
      }
    report ("raw SQLite: same FTS MATCH + bm25, rowids only", raw);

    for (guint i = 0; i < 20; i++)
      {
        g_autofree char *like = g_strdup_printf ("%%%s%%", queries[i % G_N_ELEMENTS (queries)]);
        sqlite3_stmt *s = kefu_db_prepare (db, "SELECT rowid FROM kb_article WHERE title LIKE ?1 OR body LIKE ?1", NULL);
        double t0 = now_ms (), d;

        sqlite3_bind_text (s, 1, like, -1, SQLITE_TRANSIENT);
        while (sqlite3_step (s) == SQLITE_ROW)
          ;
        sqlite3_reset (s);
        d = now_ms () - t0;
        g_array_append_val (scan, d);
      }
    report ("raw SQLite: LIKE '%…%' scan of title and body", scan);
    fprintf (stderr, "search hits: %.1f per query on average\n", (double) total_hits / rounds);
  }

  /* Intake suggestions: every keystroke of every text. */
  {
    g_autoptr(GArray) ms = g_array_new (FALSE, FALSE, sizeof (double));
    g_autoptr(GArray) cpu = g_array_new (FALSE, FALSE, sizeof (double));
    g_autoptr(GArray) raw = g_array_new (FALSE, FALSE, sizeof (double));

    for (guint t = 0; t < G_N_ELEMENTS (typed); t++)
      {
        const char *text = typed[t];

        for (const char *p = g_utf8_next_char (text); ; p = g_utf8_next_char (p))
          {
            g_autofree char *prefix = g_strndup (text, (gsize) (p - text));
            g_autofree char *match = _kefu_kb_suggest_match (db, prefix);
            double c0 = cpu_ms (), t0 = now_ms (), d, c;
            g_autoptr(GPtrArray) hits = kefu_kb_suggest (db, prefix, "claim", 5, &error);

            if (hits == NULL)
              g_error ("%s", error->message);
            d = now_ms () - t0;
            c = cpu_ms () - c0;
            g_array_append_val (ms, d);
            g_array_append_val (cpu, c);

            if (match != NULL)
              {
                sqlite3_stmt *s = kefu_db_prepare (db,
                                                   "SELECT rowid FROM kb_article_fts WHERE kb_article_fts MATCH ?"
                                                   " ORDER BY bm25 (kb_article_fts, 10.0, 4.0, 1.0) LIMIT 5", NULL);

                t0 = now_ms ();
                sqlite3_bind_text (s, 1, match, -1, SQLITE_TRANSIENT);
                while (sqlite3_step (s) == SQLITE_ROW)
                  ;
                sqlite3_reset (s);
                d = now_ms () - t0;
                g_array_append_val (raw, d);
              }
            if (*p == '\0')
              break;
          }
      }
    report ("intake suggestions per keystroke (kefu_kb_suggest, top 5)", ms);
    report_cpu ("  the same, CPU time", cpu);
    report ("raw SQLite: same OR MATCH + bm25, top 5 rowids", raw);
  }

  /* Opening an article: read it and render its Markdown. */
  {
    g_autoptr(GArray) ms = g_array_new (FALSE, FALSE, sizeof (double));
    g_autoptr(GArray) raw = g_array_new (FALSE, FALSE, sizeof (double));
    g_autoptr(GtkTextBuffer) buffer = gtk_text_buffer_new (NULL);
    guint64 chars = 0, bytes = 0;

    for (guint i = 0; i < rounds; i++)
      {
        const char *id = ids->pdata[g_rand_int_range (rand, 0, (gint32) ids->len)];
        double t0 = now_ms (), d;
        g_autoptr(KefuKbArticle) a = kefu_kb_get (db, id, &error);
        guint n_cases, n_first;

        if (a == NULL)
          g_error ("%s", error->message);
        kefu_kb_get_usage (db, id, &n_cases, &n_first, NULL);
        kefu_kb_render_markdown (buffer, a->body, db);
        d = now_ms () - t0;
        g_array_append_val (ms, d);
        chars += (guint64) gtk_text_buffer_get_char_count (buffer);
        bytes += strlen (a->body);
      }
    report ("open an article: read, usage, render into a GtkTextBuffer", ms);
    fprintf (stderr, "rendered bodies: %" G_GUINT64_FORMAT " bytes of Markdown, %" G_GUINT64_FORMAT
             " characters of text on average\n", bytes / rounds, chars / rounds);

    for (guint i = 0; i < rounds; i++)
      {
        const char *id = ids->pdata[g_rand_int_range (rand, 0, (gint32) ids->len)];
        sqlite3_stmt *s = kefu_db_prepare (db, "SELECT title, body FROM kb_article WHERE id = ?", NULL);
        double t0 = now_ms (), d;

        sqlite3_bind_text (s, 1, id, -1, SQLITE_TRANSIENT);
        while (sqlite3_step (s) == SQLITE_ROW)
          ;
        sqlite3_reset (s);
        d = now_ms () - t0;
        g_array_append_val (raw, d);
      }
    report ("raw SQLite: read title and body by id", raw);
  }

  /* The sample answers are short (about 400 bytes); a long article is
   * 40 of them in one body. */
  {
    g_autoptr(GArray) ms = g_array_new (FALSE, FALSE, sizeof (double));
    g_autoptr(GtkTextBuffer) buffer = gtk_text_buffer_new (NULL);
    g_autoptr(GString) body = g_string_new (NULL);
    g_autofree char *what = NULL;

    for (guint i = 0; i < 40; i++)
      {
        g_autoptr(KefuKbArticle) a = kefu_kb_get (db, ids->pdata[(i * 97) % ids->len], NULL);

        g_string_append_printf (body, "# %s\n\n%s\n", a->title, a->body);
      }
    for (guint i = 0; i < 50; i++)
      {
        double t0 = now_ms (), d;

        kefu_kb_render_markdown (buffer, body->str, db);
        d = now_ms () - t0;
        g_array_append_val (ms, d);
      }
    what = g_strdup_printf ("render a long article (%u KB of Markdown)", (guint) (body->len / 1024));
    report (what, ms);

    /* The largest body a save accepts. */
    g_array_set_size (ms, 0);
    while (body->len * 2 < KEFU_KB_BODY_MAX_BYTES)
      g_string_append (body, body->str);
    for (guint i = 0; i < 5; i++)
      {
        double t0 = now_ms (), d;

        kefu_kb_render_markdown (buffer, body->str, db);
        d = now_ms () - t0;
        g_array_append_val (ms, d);
      }
    g_free (what);
    what = g_strdup_printf ("render the longest article (%u KB of Markdown)", (guint) (body->len / 1024));
    report (what, ms);
  }
  return 0;
}
