/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "kefu-kb-import"

#include "config.h"

#include <string.h>

#include <csv.h>
#include <glib/gi18n-lib.h>

#include "kefu-categories-admin.h"
#include "kefu-categories.h"
#include "kefu-kb-private.h"
#include "kefu-kb.h"

/* FAQ import: a CSV list (question, answer, category, tags) or a folder
 * of Markdown files. Every row is checked before anything is written;
 * then all rows are written in one transaction. */

#define IMPORT_MAX_BYTES (64 * 1024 * 1024)

typedef struct
{
  GPtrArray *rows;     /* of GPtrArray of char* */
  GPtrArray *current;
  GArray    *lines;    /* the line each row starts on */
  guint      line;
  guint      row_line;
} CsvState;

static void
csv_field_cb (void   *data,
              size_t  len,
              void   *user_data)
{
  CsvState *st = user_data;

  if (st->current == NULL)
    st->current = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (st->current, g_strstrip (g_strndup (data ? data : "", data ? len : 0)));
}

static void
csv_record_cb (int   c,
               void *user_data)
{
  CsvState *st = user_data;

  if (st->current != NULL)
    {
      g_ptr_array_add (st->rows, st->current);
      g_array_append_val (st->lines, st->row_line);
      st->current = NULL;
    }
}

typedef struct
{
  guint            line;
  char            *source;
  KefuKbArticle   *article;
  char            *category_name;   /* to create when it does not exist */
} Pending;

static void
pending_free (Pending *p)
{
  g_free (p->source);
  kefu_kb_article_free (p->article);
  g_free (p->category_name);
  g_free (p);
}

static int
column_for (GPtrArray  *header,
            const char *const *names)
{
  for (guint i = 0; i < header->len; i++)
    {
      g_autofree char *h = g_utf8_strdown (header->pdata[i], -1);

      for (guint k = 0; names[k]; k++)
        if (g_str_equal (h, names[k]))
          return (int) i;
    }
  return -1;
}

static gboolean
read_csv (const char  *path,
          const char  *text,
          gsize        len,
          GPtrArray   *pending,
          GError     **error)
{
  static const char *q_names[] = { "question", "title", "问题", "标题", NULL };
  static const char *a_names[] = { "answer", "body", "答案", "回答", "正文", NULL };
  static const char *c_names[] = { "category", "分类", "类别", NULL };
  static const char *t_names[] = { "tags", "tag", "标签", NULL };
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  g_autoptr(GArray) lines = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autofree char *basename = g_path_get_basename (path);
  CsvState st = { rows, NULL, lines, 1, 1 };
  struct csv_parser parser;
  GPtrArray *header;
  int qc, ac, cc, tc;

  if (csv_init (&parser, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0)
    g_error ("csv_init failed");
  /* Feed line by line so that rows know their line numbers. */
  for (const char *p = text, *end = text + len; p < end;)
    {
      const char *nl = memchr (p, '\n', (gsize) (end - p));
      gsize n = nl ? (gsize) (nl - p) + 1 : (gsize) (end - p);

      /* A row starts on the first line fed while the parser is between
       * rows (state 0: no row begun) — a quoted value may span lines. */
      if (st.current == NULL && parser.pstate == 0)
        st.row_line = st.line;

      if (csv_parse (&parser, p, n, csv_field_cb, csv_record_cb, &st) != n)
        {
          g_set_error (error, KEFU_ERROR, KEFU_ERROR_PARSE, _("Line %u could not be read: %s"), st.line,
                       csv_strerror (csv_error (&parser)));
          csv_free (&parser);
          g_clear_pointer (&st.current, g_ptr_array_unref);
          return FALSE;
        }
      st.line++;
      p += n;
    }
  if (csv_fini (&parser, csv_field_cb, csv_record_cb, &st) != 0)
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_PARSE, _("The file ends in the middle of a quoted value."));
      csv_free (&parser);
      g_clear_pointer (&st.current, g_ptr_array_unref);
      return FALSE;
    }
  csv_free (&parser);

  if (rows->len == 0)
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_PARSE, _("The file is empty."));
      return FALSE;
    }
  header = rows->pdata[0];
  qc = column_for (header, q_names);
  ac = column_for (header, a_names);
  cc = column_for (header, c_names);
  tc = column_for (header, t_names);
  if (qc < 0 || ac < 0)
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_PARSE,
                   _("The first line must name the columns: question and answer (category and tags may follow)."));
      return FALSE;
    }
  for (guint r = 1; r < rows->len; r++)
    {
      GPtrArray *row = rows->pdata[r];
      Pending *p = g_new0 (Pending, 1);

#define CELL(c) ((c) >= 0 && (guint) (c) < row->len ? (const char *) row->pdata[c] : "")
      if (row->len == 1 && *CELL (0) == '\0')
        {
          pending_free (p);
          continue;   /* a blank line */
        }
      p->line = g_array_index (lines, guint, r);
      p->source = g_strdup (basename);
      p->article = kefu_kb_article_new ();
      kefu_set_str (&p->article->title, CELL (qc));
      kefu_set_str (&p->article->body, CELL (ac));
      kefu_set_str (&p->article->tags, CELL (tc));
      if (*CELL (cc))
        p->category_name = g_strdup (CELL (cc));
#undef CELL
      g_ptr_array_add (pending, p);
    }
  return TRUE;
}

static gint
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char **) a, *(const char **) b);
}

static gboolean
read_folder (const char  *path,
             GPtrArray   *pending,
             GError     **error)
{
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  if ((dir = g_dir_open (path, 0, error)) == NULL)
    return FALSE;
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (name, ".md") || g_str_has_suffix (name, ".markdown"))
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  if (names->len == 0)
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_PARSE, _("The folder holds no Markdown files (.md)."));
      return FALSE;
    }
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *file = g_build_filename (path, names->pdata[i], NULL);
      g_autofree char *text = NULL;
      g_autoptr(GError) local_error = NULL;
      Pending *p = g_new0 (Pending, 1);
      gsize len = 0;

      p->line = i + 1;
      p->source = g_strdup (names->pdata[i]);
      p->article = kefu_kb_article_new ();
      g_ptr_array_add (pending, p);
      if (!g_file_get_contents (file, &text, &len, &local_error))
        {
          /* Reported with the row. */
          kefu_set_str (&p->article->body, NULL);
          continue;
        }
      if (len > KEFU_KB_BODY_MAX_BYTES + 4096 || !g_utf8_validate_len (text, len, NULL) || memchr (text, '\0', len))
        {
          kefu_set_str (&p->article->title, p->source);
          g_free (p->article->body);
          p->article->body = NULL;
          continue;
        }
      /* The first "# " heading is the title; else the file name. */
      if (g_str_has_prefix (text, "# "))
        {
          const char *nl = strchr (text, '\n');
          g_autofree char *title = g_strndup (text + 2, nl ? (gsize) (nl - text - 2) : strlen (text + 2));

          kefu_set_str (&p->article->title, title);
          kefu_set_str (&p->article->body, nl ? nl + 1 : "");
        }
      else
        {
          g_autofree char *title = g_strdup (p->source);
          char *dot = strrchr (title, '.');

          if (dot != NULL)
            *dot = '\0';
          kefu_set_str (&p->article->title, title);
          kefu_set_str (&p->article->body, text);
        }
    }
  return TRUE;
}

static char *
find_category (GPtrArray  *categories,
               const char *name)
{
  g_autofree char *want = g_utf8_casefold (name, -1);

  for (guint i = 0; i < categories->len; i++)
    {
      KefuCategory *c = categories->pdata[i];
      g_autofree char *label = g_utf8_casefold (kefu_category_label (c), -1);
      g_autofree char *stored = g_utf8_casefold (c->name, -1);

      if (g_str_equal (want, label) || g_str_equal (want, stored) || g_strcmp0 (name, c->code) == 0)
        return g_strdup (c->id);
    }
  return NULL;
}

gint
kefu_kb_import (KefuDb      *db,
                const char  *path,
                GPtrArray  **report,
                GError     **error)
{
  g_autoptr(GPtrArray) pending = g_ptr_array_new_with_free_func ((GDestroyNotify) pending_free);
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) kefu_kb_import_row_free);
  g_autoptr(GPtrArray) categories = NULL;
  guint n_bad = 0;

  g_return_val_if_fail (KEFU_IS_DB (db), -1);
  g_return_val_if_fail (path != NULL, -1);

  if (!kefu_kb_check_action (db, NULL, "save", error))
    return -1;

  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      if (!read_folder (path, pending, error))
        return -1;
    }
  else
    {
      g_autofree char *text = NULL;
      g_autoptr(GError) local_error = NULL;
      const char *start;
      gsize len = 0;

      if (!g_file_get_contents (path, &text, &len, &local_error))
        {
          g_set_error (error, KEFU_ERROR, KEFU_ERROR_IO, _("Could not read the file: %s"), local_error->message);
          return -1;
        }
      if (len > IMPORT_MAX_BYTES)
        {
          g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID, _("The file is too large to import (at most 64 MB)."));
          return -1;
        }
      start = text;
      if (len >= 3 && memcmp (text, "\xef\xbb\xbf", 3) == 0)
        start += 3, len -= 3;
      if (!g_utf8_validate_len (start, len, NULL) || memchr (start, '\0', len) != NULL)
        {
          g_set_error (error, KEFU_ERROR, KEFU_ERROR_PARSE, _("The file is not UTF-8 text. Save it as “CSV UTF-8”."));
          return -1;
        }
      if (!read_csv (path, start, len, pending, error))
        return -1;
    }

  if (pending->len == 0)
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_PARSE, _("There is nothing to import."));
      return -1;
    }

  if ((categories = kefu_categories_list (db, "kb", error)) == NULL)
    return -1;

  /* Check every row first. */
  for (guint i = 0; i < pending->len; i++)
    {
      Pending *p = pending->pdata[i];
      KefuKbImportRow *r = g_new0 (KefuKbImportRow, 1);
      g_autoptr(GError) row_error = NULL;

      r->line = p->line;
      r->source = g_strdup (p->source);
      r->title = g_strdup (p->article->title);
      if (p->article->body == NULL)
        r->message = g_strdup (_("The file could not be read as UTF-8 text, or it is too long."));
      else if (!_kefu_kb_validate (db, p->article, &row_error))
        r->message = g_strdup (row_error->message);
      else if (p->category_name != NULL)
        {
          g_autofree char *id = find_category (categories, p->category_name);

          if (id != NULL)
            {
              kefu_set_str (&p->article->category_id, id);
              g_clear_pointer (&p->category_name, g_free);
            }
          else if (g_utf8_strlen (p->category_name, -1) > 60)
            r->message = g_strdup (_("The category name is too long (at most 60 characters)."));
        }
      if (r->message != NULL)
        n_bad++;
      g_ptr_array_add (rows, r);
    }
  if (n_bad > 0)
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID,
                   ngettext ("%u row has a problem; nothing was imported.",
                             "%u rows have problems; nothing was imported.", n_bad), n_bad);
      if (report)
        *report = g_steal_pointer (&rows);
      return -1;
    }

  if (!kefu_db_begin (db, error))
    return -1;
  for (guint i = 0; i < pending->len; i++)
    {
      Pending *p = pending->pdata[i];
      KefuKbImportRow *r = rows->pdata[i];
      g_autoptr(GError) row_error = NULL;

      if (p->category_name != NULL)
        {
          /* New categories are made once, for the first row that names
           * them; later rows find them. */
          g_autofree char *id = find_category (categories, p->category_name);

          if (id == NULL)
            {
              KefuCategory *c;

              if ((id = kefu_categories_add (db, "kb", p->category_name, &row_error)) == NULL)
                goto row_failed;
              c = g_new0 (KefuCategory, 1);
              c->id = g_strdup (id);
              c->scope = g_strdup ("kb");
              c->code = g_strdup ("");
              c->name = g_strdup (p->category_name);
              g_ptr_array_add (categories, c);
            }
          kefu_set_str (&p->article->category_id, id);
        }
      if (!kefu_kb_save (db, p->article, &row_error))
        goto row_failed;
      continue;

    row_failed:
      r->message = g_strdup (row_error->message);
      kefu_db_rollback (db);
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID,
                   _("Row %u could not be imported (%s); nothing was imported."), r->line, row_error->message);
      if (report)
        *report = g_steal_pointer (&rows);
      return -1;
    }
  if (!kefu_db_commit (db, error))
    return -1;
  if (report)
    *report = g_steal_pointer (&rows);
  return (gint) pending->len;
}
