/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "kefu-report"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>
#include <xlsxwriter.h>

#include "kefu-cases.h"
#include "kefu-org.h"
#include "kefu-report.h"
#include "kefu-uuid.h"

#define TOP_N        10
#define WORDS_N      15
#define BREACHES_N   10

enum { B_RECEIVED, B_RES_ON_TIME, B_FR_ON_TIME, B_SATISFACTION, B_COMPLAINTS, N_B };

/* --- items ----------------------------------------------------------- */

static void
item_free (gpointer data)
{
  KefuReportItem *item = data;

  g_free (item->label);
  g_array_unref (item->cases);
  g_free (item);
}

static void
breach_free (gpointer data)
{
  KefuReportBreach *b = data;

  g_free (b->number);
  g_free (b->subject);
  g_free (b->kind);
  g_free (b->assignee);
  g_free (b);
}

static void
claim_free (gpointer data)
{
  KefuReportClaim *c = data;

  g_free (c->number);
  g_free (c->subject);
  g_free (c->payment_date);
  g_free (c);
}

static int
cmp_items (gconstpointer a,
           gconstpointer b)
{
  const KefuReportItem *x = *(KefuReportItem * const *) a, *y = *(KefuReportItem * const *) b;

  if (x->count != y->count)
    return x->count > y->count ? -1 : 1;
  return g_strcmp0 (x->label, y->label);
}

static KefuReportItem *
count_item (GHashTable *items,
            const char *label)
{
  KefuReportItem *item = g_hash_table_lookup (items, label);

  if (item == NULL)
    {
      item = g_new0 (KefuReportItem, 1);
      item->label = g_strdup (label);
      item->cases = g_array_new (FALSE, FALSE, sizeof (gint64));
      g_hash_table_insert (items, item->label, item);
    }
  return item;
}

/* The @limit largest of @items (a hash table that owns them), at least
 * @min_count each. */
static GPtrArray *
top_items (GHashTable *items,
           guint       limit,
           double      min_count)
{
  g_autoptr(GPtrArray) all = g_ptr_array_new ();
  GPtrArray *top = g_ptr_array_new_with_free_func (item_free);
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, items);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (all, value);
  g_ptr_array_sort (all, cmp_items);
  for (guint i = 0; i < all->len; i++)
    {
      KefuReportItem *item = all->pdata[i];

      if (top->len < limit && item->count >= min_count)
        g_ptr_array_add (top, item);
      else
        item_free (item);
    }
  g_hash_table_steal_all (items);
  return top;
}

static gboolean
is_han (gunichar c)
{
  return g_unichar_get_script (c) == G_UNICODE_SCRIPT_HAN;
}

/* The Han runs of @text, each as an array of character offsets. */
static GPtrArray *
han_runs (const char *text)
{
  GPtrArray *runs = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  GArray *run = NULL;

  for (const char *p = text; p && *p; p = g_utf8_next_char (p))
    {
      if (is_han (g_utf8_get_char (p)))
        {
          gsize off = p - text;

          if (run == NULL)
            {
              run = g_array_new (FALSE, FALSE, sizeof (gsize));
              g_ptr_array_add (runs, run);
            }
          g_array_append_val (run, off);
        }
      else
        run = NULL;
    }
  return runs;
}

static char *
bigram_at (const char *text,
           GArray     *run,
           guint       i)
{
  gsize a = g_array_index (run, gsize, i);
  const char *end = g_utf8_next_char (g_utf8_next_char (text + a));

  return g_strndup (text + a, end - (text + a));
}

GPtrArray *
kefu_report_frequent_words (const char * const *texts,
                            guint               n_texts,
                            guint               limit)
{
  g_autoptr(GHashTable) items = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) bigrams = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  /* Pass 1: how often each overlapping pair of characters occurs. */
  for (guint i = 0; i < n_texts; i++)
    {
      g_autoptr(GPtrArray) runs = han_runs (texts[i]);

      for (guint r = 0; r < runs->len; r++)
        {
          GArray *run = runs->pdata[r];

          for (guint k = 0; k + 1 < run->len; k++)
            {
              char *bg = bigram_at (texts[i], run, k);
              guint n = GPOINTER_TO_UINT (g_hash_table_lookup (bigrams, bg));

              g_hash_table_replace (bigrams, bg, GUINT_TO_POINTER (n + 1));
            }
        }
    }

  /* Pass 2: each run cut into the pairs that are most frequent together
   * (查询物流 → 查询 + 物流, not 询物), and words of letters. */
  for (guint i = 0; i < n_texts; i++)
    {
      g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      g_autoptr(GPtrArray) runs = han_runs (texts[i]);
      const char *p = texts[i];
      gint64 index = i;

      for (guint r = 0; r < runs->len; r++)
        {
          GArray *run = runs->pdata[r];
          guint n = run->len;
          g_autofree double *best = g_new0 (double, n + 1);
          g_autofree gboolean *pair = g_new0 (gboolean, n + 1);

          for (guint k = 2; k <= n; k++)
            {
              g_autofree char *bg = bigram_at (texts[i], run, k - 2);
              double w = GPOINTER_TO_UINT (g_hash_table_lookup (bigrams, bg));

              best[k] = best[k - 1];
              if (best[k - 2] + w > best[k])
                {
                  best[k] = best[k - 2] + w;
                  pair[k] = TRUE;
                }
            }
          for (guint k = n; k >= 2;)
            if (pair[k])
              {
                g_hash_table_add (seen, bigram_at (texts[i], run, k - 2));
                k -= 2;
              }
            else
              k--;
        }
      while (p && *p)
        {
          gunichar c = g_utf8_get_char (p);

          if (g_unichar_isalnum (c) && !is_han (c))
            {
              const char *end = p;
              g_autofree char *word = NULL;

              while (*end && g_unichar_isalnum (g_utf8_get_char (end)) && !is_han (g_utf8_get_char (end)))
                end = g_utf8_next_char (end);
              word = g_utf8_strdown (p, end - p);
              /* Numbers (tracking numbers, amounts) are not words. */
              if (g_utf8_strlen (word, -1) >= 2 && !g_ascii_isdigit (word[0]))
                g_hash_table_add (seen, g_steal_pointer (&word));
              p = end;
            }
          else
            p = g_utf8_next_char (p);
        }
      {
        GHashTableIter iter;
        gpointer key;

        g_hash_table_iter_init (&iter, seen);
        while (g_hash_table_iter_next (&iter, &key, NULL))
          {
            KefuReportItem *item = count_item (items, key);

            item->count++;
            g_array_append_val (item->cases, index);
          }
      }
    }
  return top_items (items, limit, 2);
}

/* --- notes ----------------------------------------------------------- */

static char *
note_unit (KefuDb     *db,
           const char *unit_id)
{
  return unit_id ? g_strdup (unit_id) : kefu_db_get_meta (db, "office_id");
}

char *
kefu_report_get_note (KefuDb      *db,
                      const char  *unit_id,
                      const char  *month,
                      GError     **error)
{
  g_autofree char *unit = note_unit (db, unit_id);
  sqlite3_stmt *stmt = kefu_db_prepare (db, "SELECT body FROM report_note WHERE org_unit_id = ? AND month = ? AND deleted = 0",
                                        error);
  char *body;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, unit, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, month, -1, SQLITE_STATIC);
  body = sqlite3_step (stmt) == SQLITE_ROW ? kefu_stmt_dup (stmt, 0) : g_strdup ("");
  sqlite3_reset (stmt);
  return body;
}

gboolean
kefu_report_save_note (KefuDb      *db,
                       const char  *unit_id,
                       const char  *month,
                       const char  *text,
                       GError     **error)
{
  g_autofree char *unit = note_unit (db, unit_id);
  g_autofree char *id = NULL;
  g_autofree char *old = NULL;
  g_autoptr(KefuChangeSet) cs = NULL;
  gint64 version = 0, from, to;
  sqlite3_stmt *stmt;

  if (!kefu_period_parse_month (month, &from, &to, error))
    return FALSE;
  if (unit == NULL)
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID, _("Set up the office first."));
      return FALSE;
    }
  if (!kefu_db_begin (db, error))
    return FALSE;
  stmt = kefu_db_prepare (db, "SELECT id, version, body FROM report_note WHERE org_unit_id = ? AND month = ?", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, unit, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, month, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      id = kefu_stmt_dup (stmt, 0);
      version = sqlite3_column_int64 (stmt, 1);
      old = kefu_stmt_dup (stmt, 2);
    }
  sqlite3_reset (stmt);

  if (id == NULL)
    {
      id = kefu_uuid7_new ();
      cs = kefu_change_set_new ("report_note", id, KEFU_CHANGE_INSERT, 0);
      kefu_change_set_text (cs, "org_unit_id", NULL, unit);
      kefu_change_set_text (cs, "month", NULL, month);
      kefu_change_set_text (cs, "body", NULL, text);
      stmt = kefu_db_prepare (db,
                              "INSERT INTO report_note (id, hlc, updated_by, updated_at, org_unit_id, month, body)"
                              " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", error);
    }
  else
    {
      if (g_strcmp0 (old, text) == 0)
        {
          kefu_db_rollback (db);
          return TRUE;
        }
      cs = kefu_change_set_new ("report_note", id, KEFU_CHANGE_UPDATE, version);
      kefu_change_set_text (cs, "body", old, text);
      stmt = kefu_db_prepare (db,
                              "UPDATE report_note SET hlc = ?2, updated_by = ?3, updated_at = ?4, body = ?7,"
                              " version = version + 1, deleted = 0 WHERE id = ?1 AND ?5 IS NOT NULL AND ?6 IS NOT NULL", error);
    }
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  kefu_db_bind_stamp (db, stmt, 2, cs, g_get_real_time () / 1000);
  sqlite3_bind_text (stmt, 5, unit, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, month, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, text ? text : "", -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      sqlite3_reset (stmt);
      kefu_db_set_error (db, error);
      goto fail;
    }
  sqlite3_reset (stmt);
  if (!kefu_db_record_change (db, cs, error))
    goto fail;
  return kefu_db_commit (db, error);

fail:
  kefu_db_rollback (db);
  return FALSE;
}

/* --- building -------------------------------------------------------- */

static char *
json_ids (GPtrArray *ids)
{
  GString *s = g_string_new ("[");

  for (guint i = 0; i < ids->len; i++)
    {
      if (i)
        g_string_append_c (s, ',');
      kefu_json_escape_append (s, ids->pdata[i]);
    }
  g_string_append_c (s, ']');
  return g_string_free (s, FALSE);
}

static KefuStatsTable *
unit_table (const char *title)
{
  KefuStatsTable *t = kefu_stats_table_new (title, KEFU_STATS_COUNT);

  kefu_stats_table_add_column (t, _("Received"));
  kefu_stats_table_add_column (t, _("Resolved on time (%)"));
  kefu_stats_table_add_column (t, _("First response on time (%)"));
  kefu_stats_table_add_column (t, _("Satisfaction"));
  kefu_stats_table_add_column (t, _("Complaints"));
  kefu_stats_table_set_column_format (t, B_RES_ON_TIME, KEFU_STATS_PERCENT);
  kefu_stats_table_set_column_format (t, B_FR_ON_TIME, KEFU_STATS_PERCENT);
  kefu_stats_table_set_column_format (t, B_SATISFACTION, KEFU_STATS_SCORE);
  return t;
}

static void
fill_unit_row (KefuStatsRow *row,
               KefuStats    *s)
{
  const char *keys[N_B] = { "received", "res_compliance", "fr_compliance", "satisfaction", "complaints" };
  const char *case_keys[N_B] = { "received", "res_breached", "fr_breached", "satisfaction", "complaints" };

  for (guint c = 0; c < N_B; c++)
    {
      KefuStatsFigure *f = kefu_stats_get_figure (s, keys[c]);
      KefuStatsFigure *cf = kefu_stats_get_figure (s, case_keys[c]);

      row->values[c] = f->value;
      g_array_append_vals (row->cases[c], cf->cases->data, cf->cases->len);
    }
}

/* Per department: the cases of the month in the scope, grouped in SQL. */
static gboolean
fill_departments (KefuDb          *db,
                  KefuCalendar    *cal,
                  const char      *branches_json,
                  KefuReport      *report,
                  GError         **error)
{
  sqlite3_stmt *stmt = kefu_db_prepare (db,
                                        "SELECT k.rowid, coalesce (d.name, ''), k.kind, k.first_response_due, k.first_response_at,"
                                        " k.resolution_due, k.resolved_at, k.status,"
                                        " (SELECT satisfaction FROM survey_answer INDEXED BY survey_by_case_answer"
                                        "  WHERE case_id = k.id AND deleted = 0 ORDER BY at DESC LIMIT 1)"
                                        " FROM kcase k INDEXED BY kcase_by_branch_created LEFT JOIN department d ON d.id = k.department_id"
                                        " WHERE k.deleted = 0 AND k.branch_id IN (SELECT value FROM json_each (?1))"
                                        " AND k.created_at >= ?2 AND k.created_at < ?3",
                                        error);
  g_autoptr(GHashTable) rows = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) acc = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  gint64 now = report->stats->now;
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, branches_json, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, report->stats->from);
  sqlite3_bind_int64 (stmt, 3, report->stats->to);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 rowid = sqlite3_column_int64 (stmt, 0);
      const char *name = kefu_stmt_text (stmt, 1);
      KefuStatsRow *row = g_hash_table_lookup (rows, name);
      double *a;   /* fr met, fr decided, res met, res decided, sat sum, sat n */
      gint64 fr_due = sqlite3_column_int64 (stmt, 3), fr_at = sqlite3_column_int64 (stmt, 4);
      gint64 res_due = sqlite3_column_int64 (stmt, 5), res_at = sqlite3_column_int64 (stmt, 6);
      const char *status = kefu_stmt_text (stmt, 7);

      if (row == NULL)
        {
          row = kefu_stats_table_add_row (report->departments, *name ? name : _("No department"), name);
          row->values[B_RECEIVED] = row->values[B_COMPLAINTS] = 0;
          g_hash_table_insert (rows, row->key, row);
          g_hash_table_insert (acc, g_strdup (row->key), g_new0 (double, 6));
        }
      a = g_hash_table_lookup (acc, row->key);
      row->values[B_RECEIVED]++;
      g_array_append_val (row->cases[B_RECEIVED], rowid);
      if (fr_due && (fr_at || now > fr_due))
        {
          a[1]++;
          if (fr_at && fr_at <= fr_due)
            a[0]++;
          else
            g_array_append_val (row->cases[B_FR_ON_TIME], rowid);
        }
      if (res_due && (res_at || (now > res_due && g_strcmp0 (status, "waiting") != 0)))
        {
          a[3]++;
          if (res_at && res_at <= res_due)
            a[2]++;
          else
            g_array_append_val (row->cases[B_RES_ON_TIME], rowid);
        }
      if (sqlite3_column_type (stmt, 8) != SQLITE_NULL)
        {
          a[4] += sqlite3_column_int (stmt, 8);
          a[5]++;
          g_array_append_val (row->cases[B_SATISFACTION], rowid);
        }
      if (g_strcmp0 (kefu_stmt_text (stmt, 2), "complaint") == 0)
        {
          row->values[B_COMPLAINTS]++;
          g_array_append_val (row->cases[B_COMPLAINTS], rowid);
        }
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return kefu_db_set_error (db, error);
  for (guint r = 0; r < report->departments->rows->len; r++)
    {
      KefuStatsRow *row = report->departments->rows->pdata[r];
      double *a = g_hash_table_lookup (acc, row->key);

      row->values[B_FR_ON_TIME] = a[1] ? 100 * a[0] / a[1] : NAN;
      row->values[B_RES_ON_TIME] = a[3] ? 100 * a[2] / a[3] : NAN;
      row->values[B_SATISFACTION] = a[5] ? a[4] / a[5] : NAN;
    }
  return TRUE;
}

static gboolean
fill_subjects (KefuDb      *db,
               const char  *branches_json,
               KefuReport  *report,
               GError     **error)
{
  sqlite3_stmt *stmt = kefu_db_prepare (db,
                                        "SELECT k.rowid, k.kind, k.subject FROM kcase k INDEXED BY kcase_by_branch_created"
                                        " WHERE k.deleted = 0 AND k.branch_id IN (SELECT value FROM json_each (?1))"
                                        " AND k.created_at >= ?2 AND k.created_at < ?3"
                                        " AND k.kind IN ('inquiry','tracking','service','complaint')",
                                        error);
  g_autoptr(GHashTable) questions = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) complaints = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) text_rowids = g_array_new (FALSE, FALSE, sizeof (gint64));
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, branches_json, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, report->stats->from);
  sqlite3_bind_int64 (stmt, 3, report->stats->to);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 rowid = sqlite3_column_int64 (stmt, 0);
      const char *subject = kefu_stmt_text (stmt, 2);
      gboolean complaint = g_strcmp0 (kefu_stmt_text (stmt, 1), "complaint") == 0;
      KefuReportItem *item = count_item (complaint ? complaints : questions, subject ? subject : "");

      item->count++;
      g_array_append_val (item->cases, rowid);
      g_ptr_array_add (texts, g_strdup (subject));
      g_array_append_val (text_rowids, rowid);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return kefu_db_set_error (db, error);
  report->questions = top_items (questions, TOP_N, 1);
  report->complaint_subjects = top_items (complaints, TOP_N, 1);
  report->words = kefu_report_frequent_words ((const char * const *) texts->pdata, texts->len, WORDS_N);
  /* The words' cases: text indexes → case rowids. */
  for (guint i = 0; i < report->words->len; i++)
    {
      KefuReportItem *item = report->words->pdata[i];

      for (guint j = 0; j < item->cases->len; j++)
        g_array_index (item->cases, gint64, j) = g_array_index (text_rowids, gint64, g_array_index (item->cases, gint64, j));
    }
  return TRUE;
}

static int
cmp_breaches (gconstpointer a,
              gconstpointer b)
{
  const KefuReportBreach *x = *(KefuReportBreach * const *) a, *y = *(KefuReportBreach * const *) b;

  return (x->late_minutes < y->late_minutes) - (x->late_minutes > y->late_minutes);
}

static gboolean
fill_breaches (KefuDb        *db,
               KefuCalendar  *cal,
               KefuReport    *report,
               GError       **error)
{
  KefuStatsFigure *late = kefu_stats_get_figure (report->stats, "res_breached");
  sqlite3_stmt *stmt = kefu_db_prepare (db,
                                        "SELECT k.number, k.subject, k.kind, (SELECT name FROM staff WHERE id = k.assignee_id),"
                                        " k.resolution_due, k.resolved_at FROM kcase k WHERE k.rowid = ?", error);

  report->breaches = g_ptr_array_new_with_free_func (breach_free);
  if (stmt == NULL)
    return FALSE;
  for (guint i = 0; i < late->cases->len; i++)
    {
      gint64 rowid = g_array_index (late->cases, gint64, i);
      KefuReportBreach *b;
      gint64 end;

      sqlite3_bind_int64 (stmt, 1, rowid);
      if (sqlite3_step (stmt) != SQLITE_ROW)
        {
          sqlite3_reset (stmt);
          continue;
        }
      b = g_new0 (KefuReportBreach, 1);
      b->rowid = rowid;
      b->number = kefu_stmt_dup (stmt, 0);
      b->subject = kefu_stmt_dup (stmt, 1);
      b->kind = kefu_stmt_dup (stmt, 2);
      b->assignee = kefu_stmt_dup (stmt, 3);
      b->due = sqlite3_column_int64 (stmt, 4);
      b->resolved = sqlite3_column_type (stmt, 5) != SQLITE_NULL;
      end = b->resolved ? sqlite3_column_int64 (stmt, 5) : report->stats->now;
      b->late_minutes = kefu_calendar_minutes_between (cal, b->due, end);
      sqlite3_reset (stmt);
      g_ptr_array_add (report->breaches, b);
    }
  g_ptr_array_sort (report->breaches, cmp_breaches);
  if (report->breaches->len > BREACHES_N)
    g_ptr_array_set_size (report->breaches, BREACHES_N);
  return TRUE;
}

static gpointer
claim_from_row (sqlite3_stmt *stmt)
{
  KefuReportClaim *c = g_new0 (KefuReportClaim, 1);

  c->rowid = sqlite3_column_int64 (stmt, 0);
  c->number = kefu_stmt_dup (stmt, 1);
  c->subject = kefu_stmt_dup (stmt, 2);
  c->payment_date = kefu_stmt_dup (stmt, 3);
  c->amount_cents = sqlite3_column_int64 (stmt, 4);
  return c;
}

/* Claims paid in the month: claims received in the half year before its
 * end (the kind is in the branch index), paid in the month. */
static gboolean
fill_claims (KefuDb      *db,
             const char  *branches_json,
             KefuReport  *report,
             GError     **error)
{
  g_autofree char *first = kefu_local_date_string (report->stats->from);
  g_autofree char *after = kefu_local_date_string (report->stats->to);
  sqlite3_stmt *stmt = kefu_db_prepare (db,
                                        "SELECT k.rowid, k.number, k.subject, k.payment_date, k.approved_amount_cents"
                                        " FROM kcase k INDEXED BY kcase_by_branch_created"
                                        " WHERE k.deleted = 0 AND k.kind = 'claim' AND k.created_at >= ?4 AND k.created_at < ?5"
                                        " AND k.payment_date >= ?2 AND k.payment_date < ?3 AND k.approval_status = 'approved'"
                                        " AND k.branch_id IN (SELECT value FROM json_each (?1))"
                                        " ORDER BY k.payment_date, k.number", error);

  report->claims_paid = g_ptr_array_new_with_free_func (claim_free);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, branches_json, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, first, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, after, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, report->stats->to - G_GINT64_CONSTANT (183) * 86400000);
  sqlite3_bind_int64 (stmt, 5, report->stats->to);
  return kefu_db_read_rows (db, stmt, claim_from_row, report->claims_paid, error);
}

KefuReport *
kefu_report_build (KefuDb              *db,
                   KefuCalendar        *cal,
                   const char          *unit_id,
                   const char          *month,
                   gint64               now_ms,
                   KefuReportProgress   progress,
                   gpointer             user_data,
                   GError             **error)
{
  g_autoptr(KefuReport) report = g_new0 (KefuReport, 1);
  g_autoptr(GPtrArray) branches = NULL;
  g_autofree char *branches_json = NULL;
  gint64 from, to, pfrom, pto;
  GDate d;

  g_return_val_if_fail (KEFU_IS_DB (db), NULL);

  if (!kefu_period_parse_month (month, &from, &to, error))
    return NULL;
  kefu_local_date (from - 1, &d);
  kefu_period_parse_month (month, &pfrom, &pto, NULL);
  report->prev_month = g_strdup_printf ("%04d-%02d", g_date_get_year (&d), g_date_get_month (&d));
  kefu_period_parse_month (report->prev_month, &pfrom, &pto, NULL);
  report->month = g_strdup (month);
  report->unit_id = g_strdup (unit_id);
  report->generated_at = g_get_real_time () / 1000;
  if (unit_id)
    {
      g_autoptr(KefuOrgUnit) unit = kefu_org_get_unit (db, unit_id, error);

      if (unit == NULL)
        return NULL;
      report->unit_name = g_strdup (unit->name);
      report->unit_code = g_strdup (unit->code);
    }
  else
    {
      report->unit_name = g_strdup (_("All branches"));
      report->unit_code = g_strdup ("");
    }

  if (progress)
    progress (0.05, user_data);
  if ((report->stats = kefu_stats_compute (db, cal, unit_id, from, to, now_ms, error)) == NULL)
    return NULL;
  if (progress)
    progress (0.3, user_data);
  if ((report->prev = kefu_stats_compute_period (db, cal, unit_id, pfrom, pto, now_ms, error)) == NULL)
    return NULL;
  if (progress)
    progress (0.5, user_data);

  if ((branches = kefu_stats_scope_branches (db, unit_id, error)) == NULL)
    return NULL;
  branches_json = json_ids (branches);
  report->branches = unit_table (_("By branch"));
  if (branches->len > 1)
    for (guint b = 0; b < branches->len; b++)
      {
        g_autoptr(KefuOrgUnit) unit = kefu_org_get_unit (db, branches->pdata[b], NULL);
        g_autoptr(KefuStats) s = kefu_stats_compute_period (db, cal, branches->pdata[b], from, to, now_ms, error);
        KefuStatsRow *row;

        if (s == NULL)
          return NULL;
        row = kefu_stats_table_add_row (report->branches, unit ? unit->name : "", branches->pdata[b]);
        fill_unit_row (row, s);
        if (progress)
          progress (0.5 + 0.3 * (b + 1) / branches->len, user_data);
      }
  report->departments = unit_table (_("By department"));
  if (!fill_departments (db, cal, branches_json, report, error) ||
      !fill_subjects (db, branches_json, report, error) ||
      !fill_breaches (db, cal, report, error) ||
      !fill_claims (db, branches_json, report, error))
    return NULL;
  if ((report->improvements = kefu_report_get_note (db, unit_id, month, error)) == NULL)
    return NULL;
  if (progress)
    progress (1.0, user_data);
  return g_steal_pointer (&report);
}

void
kefu_report_free (KefuReport *report)
{
  if (report == NULL)
    return;
  g_free (report->unit_id);
  g_free (report->unit_name);
  g_free (report->unit_code);
  g_free (report->month);
  g_free (report->prev_month);
  kefu_stats_free (report->stats);
  kefu_stats_free (report->prev);
  g_clear_pointer (&report->branches, kefu_stats_table_unref);
  g_clear_pointer (&report->departments, kefu_stats_table_unref);
  g_clear_pointer (&report->questions, g_ptr_array_unref);
  g_clear_pointer (&report->complaint_subjects, g_ptr_array_unref);
  g_clear_pointer (&report->words, g_ptr_array_unref);
  g_clear_pointer (&report->claims_paid, g_ptr_array_unref);
  g_clear_pointer (&report->breaches, g_ptr_array_unref);
  g_free (report->improvements);
  g_free (report);
}

/* --- xlsx ------------------------------------------------------------ */

static void
write_table (lxw_workbook   *book,
             lxw_format     *bold,
             KefuStatsTable *t)
{
  lxw_worksheet *sheet;
  g_autofree char *name = g_utf8_substring (t->title, 0, MIN (g_utf8_strlen (t->title, -1), 31));

  sheet = workbook_add_worksheet (book, name);
  if (sheet == NULL)
    sheet = workbook_add_worksheet (book, NULL);
  worksheet_set_column (sheet, 0, 0, 24, NULL);
  for (guint c = 0; c < t->columns->len; c++)
    worksheet_write_string (sheet, 0, (lxw_col_t) (c + 1), t->columns->pdata[c], bold);
  for (guint r = 0; r < t->rows->len; r++)
    {
      KefuStatsRow *row = t->rows->pdata[r];

      worksheet_write_string (sheet, (lxw_row_t) (r + 1), 0, row->label, NULL);
      for (guint c = 0; c < t->columns->len; c++)
        if (!isnan (row->values[c]))
          worksheet_write_number (sheet, (lxw_row_t) (r + 1), (lxw_col_t) (c + 1),
                                  t->format == KEFU_STATS_MONEY ? row->values[c] / 100 : row->values[c], NULL);
    }
}

static void
write_items (lxw_workbook *book,
             lxw_format   *bold,
             const char   *title,
             GPtrArray    *items)
{
  g_autofree char *name = g_utf8_substring (title, 0, MIN (g_utf8_strlen (title, -1), 31));
  lxw_worksheet *sheet = workbook_add_worksheet (book, name);

  if (sheet == NULL)
    sheet = workbook_add_worksheet (book, NULL);
  worksheet_set_column (sheet, 0, 0, 40, NULL);
  worksheet_write_string (sheet, 0, 0, title, bold);
  worksheet_write_string (sheet, 0, 1, _("Cases"), bold);
  for (guint i = 0; i < items->len; i++)
    {
      KefuReportItem *item = items->pdata[i];

      worksheet_write_string (sheet, (lxw_row_t) (i + 1), 0, item->label, NULL);
      worksheet_write_number (sheet, (lxw_row_t) (i + 1), 1, item->count, NULL);
    }
}

gboolean
kefu_report_write_xlsx (KefuReport  *report,
                        const char  *path,
                        GError     **error)
{
  lxw_workbook *book = workbook_new (path);
  lxw_worksheet *sheet;
  lxw_format *bold;
  lxw_error err;
  lxw_row_t row = 3;

  if (book == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Could not write the workbook %s."), path);
      return FALSE;
    }
  bold = workbook_add_format (book);
  format_set_bold (bold);

  sheet = workbook_add_worksheet (book, _("Figures"));
  if (sheet == NULL)
    sheet = workbook_add_worksheet (book, NULL);
  worksheet_set_column (sheet, 0, 0, 32, NULL);
  worksheet_set_column (sheet, 1, 3, 16, NULL);
  {
    g_autofree char *title = g_strdup_printf (_("Monthly report %s, %s"), report->month, report->unit_name);

    worksheet_write_string (sheet, 0, 0, title, bold);
  }
  worksheet_write_string (sheet, 2, 0, _("Figure"), bold);
  worksheet_write_string (sheet, 2, 1, report->month, bold);
  worksheet_write_string (sheet, 2, 2, report->prev_month, bold);
  worksheet_write_string (sheet, 2, 3, _("Change"), bold);
  for (guint i = 0; i < report->stats->figures->len; i++, row++)
    {
      KefuStatsFigure *f = report->stats->figures->pdata[i];
      KefuStatsFigure *p = kefu_stats_get_figure (report->prev, f->key);
      double scale = f->format == KEFU_STATS_MONEY ? 100 : 1;

      worksheet_write_string (sheet, row, 0, f->label, NULL);
      if (!isnan (f->value))
        worksheet_write_number (sheet, row, 1, f->value / scale, NULL);
      if (!isnan (p->value))
        worksheet_write_number (sheet, row, 2, p->value / scale, NULL);
      if (!isnan (f->value) && !isnan (p->value))
        worksheet_write_number (sheet, row, 3, (f->value - p->value) / scale, NULL);
    }
  row++;
  worksheet_write_string (sheet, row++, 0, _("Suggested improvements"), bold);
  worksheet_write_string (sheet, row, 0, report->improvements && *report->improvements ? report->improvements : "—", NULL);

  if (report->branches->rows->len > 0)
    write_table (book, bold, report->branches);
  write_table (book, bold, report->departments);
  write_items (book, bold, _("Frequent questions"), report->questions);
  write_items (book, bold, _("Frequent complaints"), report->complaint_subjects);
  write_table (book, bold, report->stats->complaints);
  write_items (book, bold, _("Frequent words"), report->words);

  sheet = workbook_add_worksheet (book, _("Claims paid"));
  if (sheet == NULL)
    sheet = workbook_add_worksheet (book, NULL);
  worksheet_write_string (sheet, 0, 0, _("Case"), bold);
  worksheet_write_string (sheet, 0, 1, _("Subject"), bold);
  worksheet_write_string (sheet, 0, 2, _("Paid on"), bold);
  worksheet_write_string (sheet, 0, 3, _("Amount (yuan)"), bold);
  for (guint i = 0; i < report->claims_paid->len; i++)
    {
      KefuReportClaim *c = report->claims_paid->pdata[i];

      worksheet_write_string (sheet, (lxw_row_t) (i + 1), 0, c->number, NULL);
      worksheet_write_string (sheet, (lxw_row_t) (i + 1), 1, c->subject, NULL);
      worksheet_write_string (sheet, (lxw_row_t) (i + 1), 2, c->payment_date, NULL);
      worksheet_write_number (sheet, (lxw_row_t) (i + 1), 3, c->amount_cents / 100.0, NULL);
    }

  sheet = workbook_add_worksheet (book, _("Worst breaches"));
  if (sheet == NULL)
    sheet = workbook_add_worksheet (book, NULL);
  worksheet_write_string (sheet, 0, 0, _("Case"), bold);
  worksheet_write_string (sheet, 0, 1, _("Subject"), bold);
  worksheet_write_string (sheet, 0, 2, _("Assigned to"), bold);
  worksheet_write_string (sheet, 0, 3, _("Business hours late"), bold);
  for (guint i = 0; i < report->breaches->len; i++)
    {
      KefuReportBreach *b = report->breaches->pdata[i];

      worksheet_write_string (sheet, (lxw_row_t) (i + 1), 0, b->number, NULL);
      worksheet_write_string (sheet, (lxw_row_t) (i + 1), 1, b->subject, NULL);
      worksheet_write_string (sheet, (lxw_row_t) (i + 1), 2, b->assignee ? b->assignee : "", NULL);
      worksheet_write_number (sheet, (lxw_row_t) (i + 1), 3, b->late_minutes / 60.0, NULL);
    }

  err = workbook_close (book);
  if (err != LXW_NO_ERROR)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Could not write the workbook %s: %s"), path,
                   lxw_strerror (err));
      return FALSE;
    }
  return TRUE;
}
