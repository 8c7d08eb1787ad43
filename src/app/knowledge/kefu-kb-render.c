/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "kefu-kb-render"

#include "config.h"

#include <string.h>

#include <md4c.h>

#include "kefu-attachments.h"
#include "kefu-kb-render.h"
#include "kefu-kb.h"

/* Markdown to a GtkTextBuffer: md4c calls back for each block, span and
 * run of text; the open blocks and spans are a stack of tag names that
 * every inserted run carries. */

typedef struct
{
  GtkTextBuffer *buffer;
  KefuDb        *db;
  GPtrArray     *tags;        /* names of the tags in force (not owned) */
  GArray        *list_index;  /* per open list: next number, or 0 for bullets */
  guint          image_depth;
  gboolean       need_break;
  guint          cell;        /* table cell in the row */
} RenderState;

static void
ensure_tags (GtkTextBuffer *buffer)
{
  GtkTextTagTable *table = gtk_text_buffer_get_tag_table (buffer);

  if (gtk_text_tag_table_lookup (table, "h1") != NULL)
    return;
  gtk_text_buffer_create_tag (buffer, "h1", "weight", PANGO_WEIGHT_BOLD, "scale", 1.6, "pixels-below-lines", 6, NULL);
  gtk_text_buffer_create_tag (buffer, "h2", "weight", PANGO_WEIGHT_BOLD, "scale", 1.35, "pixels-below-lines", 4,
                              "pixels-above-lines", 6, NULL);
  gtk_text_buffer_create_tag (buffer, "h3", "weight", PANGO_WEIGHT_BOLD, "scale", 1.15, "pixels-above-lines", 4, NULL);
  gtk_text_buffer_create_tag (buffer, "strong", "weight", PANGO_WEIGHT_BOLD, NULL);
  gtk_text_buffer_create_tag (buffer, "em", "style", PANGO_STYLE_ITALIC, NULL);
  gtk_text_buffer_create_tag (buffer, "del", "strikethrough", TRUE, NULL);
  gtk_text_buffer_create_tag (buffer, "code", "family", "monospace", "background", "rgba(127,127,127,0.15)", NULL);
  gtk_text_buffer_create_tag (buffer, "pre", "family", "monospace", "paragraph-background", "rgba(127,127,127,0.12)",
                              "left-margin", 12, NULL);
  gtk_text_buffer_create_tag (buffer, "quote", "left-margin", 24, "style", PANGO_STYLE_ITALIC,
                              "foreground", "#5e5c64", NULL);
  gtk_text_buffer_create_tag (buffer, "link", "underline", PANGO_UNDERLINE_SINGLE, "foreground", "#1c71d8", NULL);
  gtk_text_buffer_create_tag (buffer, "li", "left-margin", 24, NULL);
  gtk_text_buffer_create_tag (buffer, "table", "family", "monospace", "pixels-above-lines", 3,
                              "pixels-below-lines", 3, NULL);
  gtk_text_buffer_create_tag (buffer, "th", "weight", PANGO_WEIGHT_BOLD, NULL);
  gtk_text_buffer_create_tag (buffer, "p", "pixels-below-lines", 6, NULL);
  gtk_text_buffer_create_tag (buffer, "removed", "paragraph-background", "rgba(224,27,36,0.18)", "family", "monospace",
                              NULL);
  gtk_text_buffer_create_tag (buffer, "added", "paragraph-background", "rgba(46,194,126,0.22)", "family", "monospace",
                              NULL);
  gtk_text_buffer_create_tag (buffer, "same", "family", "monospace", NULL);
}

static void
insert (RenderState *st,
        const char  *text,
        gssize       len)
{
  GtkTextIter end;
  GtkTextMark *mark;
  GtkTextIter start;

  gtk_text_buffer_get_end_iter (st->buffer, &end);
  mark = gtk_text_buffer_create_mark (st->buffer, NULL, &end, TRUE);
  gtk_text_buffer_insert (st->buffer, &end, text, (int) len);
  gtk_text_buffer_get_iter_at_mark (st->buffer, &start, mark);
  gtk_text_buffer_get_end_iter (st->buffer, &end);
  for (guint i = 0; i < st->tags->len; i++)
    gtk_text_buffer_apply_tag_by_name (st->buffer, st->tags->pdata[i], &start, &end);
  gtk_text_buffer_delete_mark (st->buffer, mark);
}

static void
block_break (RenderState *st)
{
  GtkTextIter end;

  gtk_text_buffer_get_end_iter (st->buffer, &end);
  if (gtk_text_iter_get_offset (&end) > 0 && !gtk_text_iter_starts_line (&end))
    gtk_text_buffer_insert (st->buffer, &end, "\n", 1);
}

static void
push (RenderState *st,
      const char  *tag)
{
  g_ptr_array_add (st->tags, (gpointer) tag);
}

static void
pop (RenderState *st,
     const char  *tag)
{
  for (guint i = st->tags->len; i-- > 0;)
    if (g_str_equal (st->tags->pdata[i], tag))
      {
        g_ptr_array_remove_index (st->tags, i);
        return;
      }
}

static const char *
heading_tag (unsigned level)
{
  return level <= 1 ? "h1" : level == 2 ? "h2" : "h3";
}

static int
enter_block_cb (MD_BLOCKTYPE  type,
                void         *detail,
                void         *user_data)
{
  RenderState *st = user_data;

  switch (type)
    {
    case MD_BLOCK_H:
      block_break (st);
      push (st, heading_tag (((MD_BLOCK_H_DETAIL *) detail)->level));
      break;
    case MD_BLOCK_P:
      block_break (st);
      push (st, "p");
      break;
    case MD_BLOCK_QUOTE:
      block_break (st);
      push (st, "quote");
      break;
    case MD_BLOCK_CODE:
      block_break (st);
      push (st, "pre");
      break;
    case MD_BLOCK_UL:
      {
        guint zero = 0;

        g_array_append_val (st->list_index, zero);
      }
      break;
    case MD_BLOCK_OL:
      {
        guint start = ((MD_BLOCK_OL_DETAIL *) detail)->start;

        g_array_append_val (st->list_index, start);
      }
      break;
    case MD_BLOCK_LI:
      block_break (st);
      push (st, "li");
      if (st->list_index->len > 0)
        {
          guint *n = &g_array_index (st->list_index, guint, st->list_index->len - 1);

          if (*n == 0)
            insert (st, "•  ", -1);
          else
            {
              g_autofree char *num = g_strdup_printf ("%u.  ", (*n)++);

              insert (st, num, -1);
            }
        }
      break;
    case MD_BLOCK_TABLE:
      block_break (st);
      push (st, "table");
      break;
    case MD_BLOCK_TR:
      block_break (st);
      st->cell = 0;
      break;
    case MD_BLOCK_TH:
    case MD_BLOCK_TD:
      if (st->cell++ > 0)
        insert (st, "  │  ", -1);
      if (type == MD_BLOCK_TH)
        push (st, "th");
      break;
    case MD_BLOCK_HR:
      block_break (st);
      insert (st, "────────────────────\n", -1);
      break;
    case MD_BLOCK_HTML:
      block_break (st);
      push (st, "pre");
      break;
    default:
      break;
    }
  return 0;
}

static int
leave_block_cb (MD_BLOCKTYPE  type,
                void         *detail,
                void         *user_data)
{
  RenderState *st = user_data;

  switch (type)
    {
    case MD_BLOCK_H:
      pop (st, heading_tag (((MD_BLOCK_H_DETAIL *) detail)->level));
      insert (st, "\n", 1);
      break;
    case MD_BLOCK_P:
      pop (st, "p");
      insert (st, "\n", 1);
      break;
    case MD_BLOCK_QUOTE:
      pop (st, "quote");
      break;
    case MD_BLOCK_CODE:
    case MD_BLOCK_HTML:
      pop (st, "pre");
      break;
    case MD_BLOCK_UL:
    case MD_BLOCK_OL:
      if (st->list_index->len > 0)
        g_array_set_size (st->list_index, st->list_index->len - 1);
      break;
    case MD_BLOCK_LI:
      pop (st, "li");
      break;
    case MD_BLOCK_TABLE:
      pop (st, "table");
      insert (st, "\n", 1);
      break;
    case MD_BLOCK_TH:
      pop (st, "th");
      break;
    default:
      break;
    }
  return 0;
}

static void
insert_image (RenderState       *st,
              MD_SPAN_IMG_DETAIL *img)
{
  g_autofree char *src = g_strndup (img->src.text, img->src.size);
  g_autofree char *sha = kefu_kb_image_sha (src);
  g_autofree char *path = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GtkTextIter end;

  if (sha == NULL || st->db == NULL)
    return;
  path = kefu_attachments_get_path (st->db, sha);
  texture = gdk_texture_new_from_filename (path, NULL);
  if (texture == NULL)
    return;
  block_break (st);
  gtk_text_buffer_get_end_iter (st->buffer, &end);
  gtk_text_buffer_insert_paintable (st->buffer, &end, GDK_PAINTABLE (texture));
  insert (st, "\n", 1);
}

static int
enter_span_cb (MD_SPANTYPE  type,
               void        *detail,
               void        *user_data)
{
  RenderState *st = user_data;

  switch (type)
    {
    case MD_SPAN_STRONG:
      push (st, "strong");
      break;
    case MD_SPAN_EM:
      push (st, "em");
      break;
    case MD_SPAN_DEL:
      push (st, "del");
      break;
    case MD_SPAN_CODE:
      push (st, "code");
      break;
    case MD_SPAN_A:
      push (st, "link");
      break;
    case MD_SPAN_IMG:
      /* The picture, then its alt text is left out. */
      insert_image (st, detail);
      st->image_depth++;
      break;
    default:
      break;
    }
  return 0;
}

static int
leave_span_cb (MD_SPANTYPE  type,
               void        *detail,
               void        *user_data)
{
  RenderState *st = user_data;

  switch (type)
    {
    case MD_SPAN_STRONG:
      pop (st, "strong");
      break;
    case MD_SPAN_EM:
      pop (st, "em");
      break;
    case MD_SPAN_DEL:
      pop (st, "del");
      break;
    case MD_SPAN_CODE:
      pop (st, "code");
      break;
    case MD_SPAN_A:
      pop (st, "link");
      break;
    case MD_SPAN_IMG:
      if (st->image_depth > 0)
        st->image_depth--;
      break;
    default:
      break;
    }
  return 0;
}

static int
text_cb (MD_TEXTTYPE     type,
         const MD_CHAR  *text,
         MD_SIZE         size,
         void           *user_data)
{
  RenderState *st = user_data;

  if (st->image_depth > 0)
    return 0;
  switch (type)
    {
    case MD_TEXT_NULLCHAR:
      insert (st, "\xef\xbf\xbd", -1);
      break;
    case MD_TEXT_BR:
      insert (st, "\n", 1);
      break;
    case MD_TEXT_SOFTBR:
      insert (st, " ", 1);
      break;
    case MD_TEXT_ENTITY:
      if (size == 5 && memcmp (text, "&amp;", 5) == 0)
        insert (st, "&", 1);
      else if (size == 4 && memcmp (text, "&lt;", 4) == 0)
        insert (st, "<", 1);
      else if (size == 4 && memcmp (text, "&gt;", 4) == 0)
        insert (st, ">", 1);
      else if (size == 6 && memcmp (text, "&nbsp;", 6) == 0)
        insert (st, "\xc2\xa0", -1);
      else
        insert (st, text, size);
      break;
    default:
      /* Text from the file: only valid UTF-8 goes into the buffer. */
      if (g_utf8_validate_len (text, size, NULL))
        insert (st, text, size);
      else
        {
          g_autofree char *valid = g_utf8_make_valid (text, size);

          insert (st, valid, -1);
        }
      break;
    }
  return 0;
}

void
kefu_kb_render_markdown (GtkTextBuffer *buffer,
                         const char    *markdown,
                         KefuDb        *db)
{
  RenderState st = { 0 };
  MD_PARSER parser = {
    0,
    MD_FLAG_TABLES | MD_FLAG_STRIKETHROUGH | MD_FLAG_PERMISSIVEAUTOLINKS | MD_FLAG_NOHTML,
    enter_block_cb,
    leave_block_cb,
    enter_span_cb,
    leave_span_cb,
    text_cb,
    NULL,
    NULL,
  };
  GtkTextIter start, end;

  g_return_if_fail (GTK_IS_TEXT_BUFFER (buffer));

  ensure_tags (buffer);
  gtk_text_buffer_set_text (buffer, "", 0);
  if (markdown == NULL)
    return;
  st.buffer = buffer;
  st.db = db;
  st.tags = g_ptr_array_new ();
  st.list_index = g_array_new (FALSE, FALSE, sizeof (guint));
  md_parse (markdown, (MD_SIZE) strlen (markdown), &parser, &st);
  g_ptr_array_unref (st.tags);
  g_array_unref (st.list_index);

  /* No trailing blank line. */
  gtk_text_buffer_get_end_iter (buffer, &end);
  start = end;
  while (gtk_text_iter_backward_char (&start) && gtk_text_iter_get_char (&start) == '\n')
    ;
  if (!gtk_text_iter_is_end (&start) && gtk_text_iter_get_char (&start) != '\n')
    gtk_text_iter_forward_char (&start);
  gtk_text_buffer_delete (buffer, &start, &end);
}

void
kefu_kb_render_diff (GtkTextBuffer *buffer,
                     GPtrArray     *diff_lines)
{
  GtkTextIter end;

  g_return_if_fail (GTK_IS_TEXT_BUFFER (buffer));

  ensure_tags (buffer);
  gtk_text_buffer_set_text (buffer, "", 0);
  for (guint i = 0; i < diff_lines->len; i++)
    {
      KefuKbDiffLine *l = diff_lines->pdata[i];
      const char *tag = l->op == KEFU_KB_DIFF_REMOVED ? "removed" : l->op == KEFU_KB_DIFF_ADDED ? "added" : "same";
      const char *sign = l->op == KEFU_KB_DIFF_REMOVED ? "− " : l->op == KEFU_KB_DIFF_ADDED ? "+ " : "  ";
      g_autofree char *line = g_strconcat (sign, l->text, i + 1 < diff_lines->len ? "\n" : "", NULL);

      gtk_text_buffer_get_end_iter (buffer, &end);
      gtk_text_buffer_insert_with_tags_by_name (buffer, &end, line, -1, tag, NULL);
    }
}
