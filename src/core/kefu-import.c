/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "kefu-import"

#include "config.h"

#include <csv.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "kefu-customers.h"
#include "kefu-import.h"
#include "kefu-text.h"

/* Customers handed to the bulk writer at a time, all inside one
 * transaction: memory stays bounded, progress and Cancel are seen every
 * chunk, and the import stays all or nothing. */
#define CHUNK_ROWS    2000
/* Problems kept for the report; further ones are only counted. */
#define MAX_PROBLEMS  1000
#define NO_COLUMN     G_MAXUINT

struct _KefuImport
{
  GObject           parent_instance;

  const char       *encoding;     /* static string */
  char              delimiter;

  /* Every record of the file, the header first. Cells are stored back to
   * back, NUL-terminated, in one buffer: no allocation per cell. 32-bit
   * offsets suffice: the input is at most 64 MB, 96 MB once decoded. */
  GByteArray       *text;
  GArray           *offsets;      /* guint32: where each cell starts in text */
  GArray           *row_starts;   /* guint32: first cell of each record, then an end mark */
  GArray           *sheet_rows;   /* guint32: spreadsheet row of each record */

  char            **headers;
  guint             n_columns;
  KefuImportField  *mapping;      /* n_columns entries */

  guint             n_bad_rows;
  gboolean          valid;        /* validated without problems, mapping unchanged since */
  char             *source_name;  /* the file's name, for the audit log; or NULL */
};

G_DEFINE_FINAL_TYPE (KefuImport, kefu_import, G_TYPE_OBJECT)

typedef struct
{
  KefuImport *self;
  guint       line;          /* physical line being parsed, from 1 */
  guint       record_line;   /* the line where the current record began */
  gboolean    record_ended;
  guint       sheet_row;     /* spreadsheet row of the current record */
  int         last_term;
  gboolean    row_blank;
} ParseState;

typedef struct
{
  const char *value[KEFU_IMPORT_N_FIELDS];   /* "" when not mapped or empty */
  gsize       len[KEFU_IMPORT_N_FIELDS];
} RowValues;

typedef struct
{
  KefuImport *self;
  GPtrArray  *problems;      /* NULL when the caller does not want them */
  guint       n_dropped;
} ProblemSink;

typedef enum
{
  NUMBER_OK,
  NUMBER_NEGATIVE,
  NUMBER_INVALID,
} NumberResult;

/* Normalised header texts (see normalize_header()) that name a field. */
static const struct
{
  const char      *header;
  KefuImportField  field;
} known_headers[] = {
  { "name", KEFU_IMPORT_FIELD_NAME },
  { "customer", KEFU_IMPORT_FIELD_NAME },
  { "customername", KEFU_IMPORT_FIELD_NAME },
  { "fullname", KEFU_IMPORT_FIELD_NAME },
  { "contact", KEFU_IMPORT_FIELD_NAME },
  { "contactname", KEFU_IMPORT_FIELD_NAME },
  { "姓名", KEFU_IMPORT_FIELD_NAME },
  { "客户名称", KEFU_IMPORT_FIELD_NAME },
  { "名称", KEFU_IMPORT_FIELD_NAME },
  { "客户姓名", KEFU_IMPORT_FIELD_NAME },
  { "客户", KEFU_IMPORT_FIELD_NAME },
  { "联系人", KEFU_IMPORT_FIELD_NAME },
  { "company", KEFU_IMPORT_FIELD_COMPANY },
  { "companyname", KEFU_IMPORT_FIELD_COMPANY },
  { "organization", KEFU_IMPORT_FIELD_COMPANY },
  { "organisation", KEFU_IMPORT_FIELD_COMPANY },
  { "employer", KEFU_IMPORT_FIELD_COMPANY },
  { "公司", KEFU_IMPORT_FIELD_COMPANY },
  { "公司名称", KEFU_IMPORT_FIELD_COMPANY },
  { "单位", KEFU_IMPORT_FIELD_COMPANY },
  { "单位名称", KEFU_IMPORT_FIELD_COMPANY },
  { "企业名称", KEFU_IMPORT_FIELD_COMPANY },
  { "type", KEFU_IMPORT_FIELD_KIND },
  { "kind", KEFU_IMPORT_FIELD_KIND },
  { "customertype", KEFU_IMPORT_FIELD_KIND },
  { "类型", KEFU_IMPORT_FIELD_KIND },
  { "客户类型", KEFU_IMPORT_FIELD_KIND },
  { "phone", KEFU_IMPORT_FIELD_PHONE },
  { "mobile", KEFU_IMPORT_FIELD_PHONE },
  { "mobilephone", KEFU_IMPORT_FIELD_PHONE },
  { "telephone", KEFU_IMPORT_FIELD_PHONE },
  { "tel", KEFU_IMPORT_FIELD_PHONE },
  { "phonenumber", KEFU_IMPORT_FIELD_PHONE },
  { "手机", KEFU_IMPORT_FIELD_PHONE },
  { "电话", KEFU_IMPORT_FIELD_PHONE },
  { "联系电话", KEFU_IMPORT_FIELD_PHONE },
  { "手机号", KEFU_IMPORT_FIELD_PHONE },
  { "手机号码", KEFU_IMPORT_FIELD_PHONE },
  { "电话号码", KEFU_IMPORT_FIELD_PHONE },
  { "phone2", KEFU_IMPORT_FIELD_PHONE2 },
  { "secondphone", KEFU_IMPORT_FIELD_PHONE2 },
  { "otherphone", KEFU_IMPORT_FIELD_PHONE2 },
  { "landline", KEFU_IMPORT_FIELD_PHONE2 },
  { "电话2", KEFU_IMPORT_FIELD_PHONE2 },
  { "备用电话", KEFU_IMPORT_FIELD_PHONE2 },
  { "固定电话", KEFU_IMPORT_FIELD_PHONE2 },
  { "座机", KEFU_IMPORT_FIELD_PHONE2 },
  { "address", KEFU_IMPORT_FIELD_ADDRESS },
  { "地址", KEFU_IMPORT_FIELD_ADDRESS },
  { "联系地址", KEFU_IMPORT_FIELD_ADDRESS },
  { "详细地址", KEFU_IMPORT_FIELD_ADDRESS },
  { "收件地址", KEFU_IMPORT_FIELD_ADDRESS },
  { "email", KEFU_IMPORT_FIELD_EMAIL },
  { "mail", KEFU_IMPORT_FIELD_EMAIL },
  { "emailaddress", KEFU_IMPORT_FIELD_EMAIL },
  { "邮箱", KEFU_IMPORT_FIELD_EMAIL },
  { "电子邮件", KEFU_IMPORT_FIELD_EMAIL },
  { "电子邮箱", KEFU_IMPORT_FIELD_EMAIL },
  { "industry", KEFU_IMPORT_FIELD_INDUSTRY },
  { "行业", KEFU_IMPORT_FIELD_INDUSTRY },
  { "所属行业", KEFU_IMPORT_FIELD_INDUSTRY },
  { "segment", KEFU_IMPORT_FIELD_SEGMENT },
  { "customersegment", KEFU_IMPORT_FIELD_SEGMENT },
  { "level", KEFU_IMPORT_FIELD_SEGMENT },
  { "tier", KEFU_IMPORT_FIELD_SEGMENT },
  { "客户细分", KEFU_IMPORT_FIELD_SEGMENT },
  { "细分", KEFU_IMPORT_FIELD_SEGMENT },
  { "等级", KEFU_IMPORT_FIELD_SEGMENT },
  { "客户等级", KEFU_IMPORT_FIELD_SEGMENT },
  { "tags", KEFU_IMPORT_FIELD_TAGS },
  { "tag", KEFU_IMPORT_FIELD_TAGS },
  { "labels", KEFU_IMPORT_FIELD_TAGS },
  { "标签", KEFU_IMPORT_FIELD_TAGS },
  { "monthlyvolume", KEFU_IMPORT_FIELD_MONTHLY_VOLUME },
  { "monthlyparcels", KEFU_IMPORT_FIELD_MONTHLY_VOLUME },
  { "parcelspermonth", KEFU_IMPORT_FIELD_MONTHLY_VOLUME },
  { "月发件量", KEFU_IMPORT_FIELD_MONTHLY_VOLUME },
  { "月件量", KEFU_IMPORT_FIELD_MONTHLY_VOLUME },
  { "月均件量", KEFU_IMPORT_FIELD_MONTHLY_VOLUME },
  { "monthlyspend", KEFU_IMPORT_FIELD_MONTHLY_SPEND },
  { "monthlyspending", KEFU_IMPORT_FIELD_MONTHLY_SPEND },
  { "月消费", KEFU_IMPORT_FIELD_MONTHLY_SPEND },
  { "月均消费", KEFU_IMPORT_FIELD_MONTHLY_SPEND },
  { "number", KEFU_IMPORT_FIELD_NUMBER },
  { "no", KEFU_IMPORT_FIELD_NUMBER },
  { "customernumber", KEFU_IMPORT_FIELD_NUMBER },
  { "customerno", KEFU_IMPORT_FIELD_NUMBER },
  { "客户编号", KEFU_IMPORT_FIELD_NUMBER },
  { "编号", KEFU_IMPORT_FIELD_NUMBER },
};

/* --- small helpers --------------------------------------------------- */

static gboolean
is_blank (const char *s)
{
  for (; *s; s = g_utf8_next_char (s))
    if (!g_unichar_isspace (g_utf8_get_char (s)))
      return FALSE;
  return TRUE;
}

/* Counts at most @max_chars + 1 characters, however long @s is. */
static gboolean
longer_than (const char *s,
             guint       max_chars)
{
  guint n = 0;

  for (; *s; s = g_utf8_next_char (s))
    if (++n > max_chars)
      return TRUE;
  return FALSE;
}

/* A value quoted in a message: long ones are cut short. */
static char *
short_value (const char *text)
{
  const char *end;

  if (!longer_than (text, 40))
    return g_strdup (text);
  end = g_utf8_offset_to_pointer (text, 40);
  return g_strdup_printf ("%.*s…", (int) (end - text), text);
}

static const char *
record_cell (KefuImport *self,
             guint       record,
             guint       col,
             gsize      *len)
{
  guint32 first = g_array_index (self->row_starts, guint32, record);
  guint32 end = g_array_index (self->row_starts, guint32, record + 1);
  guint32 offset, next;

  if (col >= end - first)
    {
      if (len)
        *len = 0;
      return "";
    }
  offset = g_array_index (self->offsets, guint32, first + col);
  next = first + col + 1 < self->offsets->len
         ? g_array_index (self->offsets, guint32, first + col + 1)
         : self->text->len;
  if (len)
    *len = next - offset - 1;
  return (const char *) self->text->data + offset;
}

/* Lower-cased letters, digits and ideographs only, without anything in
 * brackets: "Monthly spend (yuan)" → "monthlyspend", "E-mail" → "email",
 * "月均消费（元）" → "月均消费". */
static char *
normalize_header (const char *header)
{
  g_autofree char *folded = g_utf8_casefold (header, -1);
  GString *out = g_string_new (NULL);
  int depth = 0;

  for (const char *p = folded; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == '(' || c == '[' || c == 0xff08 || c == 0x3010)
        depth++;
      else if (c == ')' || c == ']' || c == 0xff09 || c == 0x3011)
        depth = MAX (depth - 1, 0);
      else if (depth == 0 && g_unichar_isalnum (c))
        g_string_append_unichar (out, c);
    }
  return g_string_free (out, FALSE);
}

static KefuImportField
field_for_header (const char *header)
{
  g_autofree char *norm = normalize_header (header);

  if (*norm == '\0')
    return KEFU_IMPORT_FIELD_IGNORE;

  /* The labels in the user's language first: a file exported by Kefu in
   * any language maps back onto itself. */
  for (guint f = KEFU_IMPORT_FIELD_NAME; f < KEFU_IMPORT_N_FIELDS; f++)
    {
      g_autofree char *label = normalize_header (kefu_import_field_label (f));

      if (g_str_equal (norm, label))
        return f;
    }
  for (guint i = 0; i < G_N_ELEMENTS (known_headers); i++)
    if (g_str_equal (norm, known_headers[i].header))
      return known_headers[i].field;
  return KEFU_IMPORT_FIELD_IGNORE;
}

static const char *
parse_kind (const char *text)
{
  static const char *persons[] = { "person", "individual", "personal", "private", "个人", NULL };
  static const char *enterprises[] = { "enterprise", "company", "business", "corporate", "企业", "公司", "单位", NULL };

  if (g_ascii_strcasecmp (text, _("Person")) == 0)
    return "person";
  if (g_ascii_strcasecmp (text, _("Enterprise")) == 0)
    return "enterprise";
  for (guint i = 0; persons[i]; i++)
    if (g_ascii_strcasecmp (text, persons[i]) == 0)
      return "person";
  for (guint i = 0; enterprises[i]; i++)
    if (g_ascii_strcasecmp (text, enterprises[i]) == 0)
      return "enterprise";
  return NULL;
}

static const char *
parse_segment (const char *text)
{
  static const struct { const char *text; const char *key; } aliases[] = {
    { "key account", KEFU_SEGMENT_KEY },
    { "at risk", KEFU_SEGMENT_AT_RISK },
    { "at-risk", KEFU_SEGMENT_AT_RISK },
    { "大客户", KEFU_SEGMENT_KEY },
    { "重点客户", KEFU_SEGMENT_KEY },
    { "VIP客户", KEFU_SEGMENT_VIP },
    { "普通", KEFU_SEGMENT_REGULAR },
    { "普通客户", KEFU_SEGMENT_REGULAR },
    { "新客户", KEFU_SEGMENT_NEW },
    { "流失风险", KEFU_SEGMENT_AT_RISK },
  };
  const char **keys = kefu_segment_keys ();

  for (guint i = 0; keys[i]; i++)
    if (g_ascii_strcasecmp (text, keys[i]) == 0 ||
        g_ascii_strcasecmp (text, kefu_segment_label (keys[i])) == 0)
      return keys[i];
  for (guint i = 0; i < G_N_ELEMENTS (aliases); i++)
    if (g_ascii_strcasecmp (text, aliases[i].text) == 0)
      return aliases[i].key;
  return NULL;
}

static gboolean
starts_negative (const char *text)
{
  /* A currency sign may come first: "¥-12". */
  if (g_str_has_prefix (text, "¥") || g_str_has_prefix (text, "￥"))
    text = g_utf8_next_char (text);
  while (*text == ' ')
    text++;
  return *text == '-' || g_str_has_prefix (text, "−");
}

/* Parcels a month: "1234", "1,234", "1234件". */
static NumberResult
parse_volume (const char *text,
              gint64     *out)
{
  gint64 v = 0;
  gboolean digits = FALSE;

  if (starts_negative (text))
    return NUMBER_NEGATIVE;
  for (const char *p = text; *p; p++)
    {
      if (*p >= '0' && *p <= '9')
        {
          v = v * 10 + (*p - '0');
          digits = TRUE;
          if (v > 1000000000)
            return NUMBER_INVALID;
        }
      else if (*p == ',' || *p == ' ')
        continue;
      else if (g_str_equal (p, "件") && digits)
        break;
      else
        return NUMBER_INVALID;
    }
  if (!digits)
    return NUMBER_INVALID;
  *out = v;
  return NUMBER_OK;
}

static NumberResult
parse_spend (const char *text,
             gint64     *cents)
{
  if (starts_negative (text))
    return NUMBER_NEGATIVE;
  return kefu_parse_money (text, cents) ? NUMBER_OK : NUMBER_INVALID;
}

/* Tags may come separated by Chinese commas or semicolons; they are
 * stored comma-separated. */
static char *
normalize_tags (const char *text)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GString) tag = g_string_new (NULL);

  for (const char *p = text;; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == 0 || c == ',' || c == ';' || c == 0xff0c || c == 0xff1b || c == 0x3001)
        {
          g_strstrip (tag->str);
          tag->len = strlen (tag->str);
          if (tag->len > 0)
            {
              if (out->len > 0)
                g_string_append_c (out, ',');
              g_string_append_len (out, tag->str, tag->len);
            }
          g_string_truncate (tag, 0);
          if (c == 0)
            break;
        }
      else
        g_string_append_unichar (tag, c);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static const char *
phone_label (const char *value)
{
  g_autofree char *n = kefu_phone_normalize (value);

  return n != NULL && strlen (n) == 11 && n[0] == '1' ? "mobile" : "office";
}

/* --- reading and parsing --------------------------------------------- */

static gboolean
is_trim_space (const char *s,
               gsize       len,
               gsize      *width)
{
  if (len >= 1 && (s[0] == ' ' || s[0] == '\t' || s[0] == '\r' || s[0] == '\n'))
    {
      *width = 1;
      return TRUE;
    }
  /* U+3000 IDEOGRAPHIC SPACE, common in text typed with a Chinese IME. */
  if (len >= 3 && memcmp (s, "\xe3\x80\x80", 3) == 0)
    {
      *width = 3;
      return TRUE;
    }
  return FALSE;
}

static void
field_cb (void   *data,
          size_t  len,
          void   *user_data)
{
  ParseState *st = user_data;
  KefuImport *self = st->self;
  const char *s = data ? data : "";
  guint32 offset = self->text->len;
  gsize w;

  if (data == NULL)
    len = 0;
  while (is_trim_space (s, len, &w))
    {
      s += w;
      len -= w;
    }
  while (len > 0)
    {
      if (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r' || s[len - 1] == '\n')
        len--;
      else if (len >= 3 && memcmp (s + len - 3, "\xe3\x80\x80", 3) == 0)
        len -= 3;
      else
        break;
    }
  /* Undo the apostrophe that guards formulas in exported files. */
  if (len >= 2 && s[0] == '\'' && (s[1] == '=' || s[1] == '+' || s[1] == '-' || s[1] == '@'))
    {
      s++;
      len--;
    }

  if (len > 0)
    st->row_blank = FALSE;
  g_array_append_val (self->offsets, offset);
  g_byte_array_append (self->text, (const guint8 *) s, len);
  g_byte_array_append (self->text, (const guint8 *) "", 1);
}

static void
record_cb (int   c,
           void *user_data)
{
  ParseState *st = user_data;
  KefuImport *self = st->self;
  guint32 first = g_array_index (self->row_starts, guint32, self->row_starts->len - 1);
  gboolean empty = self->offsets->len == first;

  st->record_ended = TRUE;
  /* With CSV_REPALL_NL the LF of a CR LF pair reports an empty record
   * of its own; it is not a row. */
  if (empty && c == '\n' && st->last_term == '\r')
    {
      st->last_term = c;
      return;
    }
  st->last_term = c;

  if (st->row_blank)
    {
      /* Blank rows keep their place in the numbering but are not kept. */
      if (!empty)
        {
          g_byte_array_set_size (self->text, g_array_index (self->offsets, guint32, first));
          g_array_set_size (self->offsets, first);
        }
    }
  else
    {
      guint32 end = self->offsets->len;

      g_array_append_val (self->sheet_rows, st->sheet_row);
      g_array_append_val (self->row_starts, end);
    }
  st->sheet_row++;
  st->row_blank = TRUE;
}

static char
detect_delimiter (const char *text,
                  gsize       len)
{
  guint commas = 0, tabs = 0, semicolons = 0;
  gboolean quoted = FALSE, seen = FALSE;

  /* Count in the first line that has text, outside quotes. */
  for (gsize i = 0; i < len; i++)
    {
      char c = text[i];

      if (c == '"')
        quoted = !quoted;
      else if (quoted)
        continue;
      else if (c == '\n' || c == '\r')
        {
          if (seen)
            break;
          continue;
        }
      else if (c == ',')
        commas++;
      else if (c == '\t')
        tabs++;
      else if (c == ';')
        semicolons++;
      if (c != ' ')
        seen = TRUE;
    }
  if (tabs > commas && tabs >= semicolons)
    return '\t';
  if (semicolons > commas && semicolons > tabs)
    return ';';
  return ',';
}

/* Finds the encoding and returns the text as UTF-8, either pointing into
 * @data or newly allocated in @owned. */
static const char *
decode (KefuImport  *self,
        const char  *data,
        gsize        size,
        char       **owned,
        gsize       *len,
        GError     **error)
{
  const char *text = NULL;

  if (size >= 3 && memcmp (data, "\xef\xbb\xbf", 3) == 0)
    {
      self->encoding = "UTF-8 (BOM)";
      if (g_utf8_validate_len (data + 3, size - 3, NULL))
        {
          text = data + 3;
          *len = size - 3;
        }
    }
  else if (size >= 2 && ((guchar) data[0] == 0xff && (guchar) data[1] == 0xfe))
    {
      self->encoding = "UTF-16";
      *owned = g_convert (data + 2, size - 2, "UTF-8", "UTF-16LE", NULL, len, NULL);
      if (*owned == NULL)
        {
          g_set_error (error, KEFU_ERROR, KEFU_ERROR_PARSE,
                       _("The file starts like UTF-16 text but is not valid UTF-16."));
          return NULL;
        }
      text = *owned;
    }
  else if (size >= 2 && ((guchar) data[0] == 0xfe && (guchar) data[1] == 0xff))
    {
      self->encoding = "UTF-16";
      *owned = g_convert (data + 2, size - 2, "UTF-8", "UTF-16BE", NULL, len, NULL);
      if (*owned == NULL)
        {
          g_set_error (error, KEFU_ERROR, KEFU_ERROR_PARSE,
                       _("The file starts like UTF-16 text but is not valid UTF-16."));
          return NULL;
        }
      text = *owned;
    }
  else if (g_utf8_validate_len (data, size, NULL))
    {
      self->encoding = "UTF-8";
      text = data;
      *len = size;
    }
  else
    {
      /* GB18030 is a superset of GBK and GB2312: what Chinese Excel
       * writes when it saves "CSV". */
      self->encoding = "GB18030";
      *owned = g_convert (data, size, "UTF-8", "GB18030", NULL, len, NULL);
      text = *owned;
    }

  /* Text files do not hold NUL bytes; binary files do. */
  if (text == NULL || memchr (text, '\0', *len) != NULL)
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_PARSE,
                   _("The file is neither UTF-8 nor GBK text."));
      return NULL;
    }
  return text;
}

static gboolean
parse_text (KefuImport  *self,
            const char  *text,
            gsize        len,
            GError     **error)
{
  struct csv_parser parser;
  ParseState st = {
    .self = self,
    .line = 0,
    .record_line = 1,
    .record_ended = TRUE,
    .sheet_row = 1,
    .last_term = 0,
    .row_blank = TRUE,
  };
  const char *p = text;
  const char *end = text + len;
  guint32 zero = 0;

  if (csv_init (&parser, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL | CSV_REPALL_NL) != 0)
    g_error ("csv_init failed");
  csv_set_delim (&parser, (unsigned char) self->delimiter);
  /* The default grows a long field 128 bytes at a time. */
  csv_set_blk_size (&parser, 64 * 1024);

  g_array_append_val (self->row_starts, zero);

  /* Fed a line at a time so that an error can name its line. */
  while (p < end)
    {
      const char *nl = memchr (p, '\n', end - p);
      gsize n = nl ? (gsize) (nl - p) + 1 : (gsize) (end - p);

      st.line++;
      if (st.record_ended)
        {
          st.record_line = st.line;
          st.record_ended = FALSE;
        }
      if (csv_parse (&parser, p, n, field_cb, record_cb, &st) != n)
        {
          if (csv_error (&parser) != CSV_EPARSE)
            g_set_error (error, KEFU_ERROR, KEFU_ERROR_PARSE,
                         _("Line %u could not be read: %s"), st.line, csv_strerror (csv_error (&parser)));
          else if (st.record_line == st.line)
            g_set_error (error, KEFU_ERROR, KEFU_ERROR_PARSE,
                         _("Line %u: a quotation mark is out of place. A field that contains quotation marks "
                           "must itself be in quotation marks, with each quotation mark inside written twice (\"\")."),
                         st.line);
          else
            g_set_error (error, KEFU_ERROR, KEFU_ERROR_PARSE,
                         _("Line %u: a quotation mark is out of place; the quoted field that starts on "
                           "line %u is probably missing its closing quotation mark."),
                         st.line, st.record_line);
          csv_free (&parser);
          return FALSE;
        }
      p += n;
    }

  if (csv_fini (&parser, field_cb, record_cb, &st) != 0)
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_PARSE,
                   _("Line %u: a quoted field is never closed; its closing quotation mark is missing."),
                   st.record_line);
      csv_free (&parser);
      return FALSE;
    }
  csv_free (&parser);
  return TRUE;
}

/* --- validation ------------------------------------------------------ */

static void add_problem (ProblemSink *sink,
                         guint        record,
                         guint        col,
                         const char  *format,
                         ...) G_GNUC_PRINTF (4, 5);

static void
add_problem (ProblemSink *sink,
             guint        record,
             guint        col,
             const char  *format,
             ...)
{
  KefuImportProblem *problem;
  va_list args;

  if (sink->problems == NULL)
    return;
  if (sink->problems->len >= MAX_PROBLEMS)
    {
      sink->n_dropped++;
      return;
    }

  problem = g_new0 (KefuImportProblem, 1);
  problem->row = record > 0 ? g_array_index (sink->self->sheet_rows, guint32, record) : 0;
  problem->column = col != NO_COLUMN ? g_strdup (sink->self->headers[col]) : NULL;
  va_start (args, format);
  problem->message = g_strdup_vprintf (format, args);
  va_end (args);
  g_ptr_array_add (sink->problems, problem);
}

/* Fills @columns with the column of each field, NO_COLUMN when none;
 * returns FALSE (and reports it) when the mapping cannot be used. */
static gboolean
check_mapping (KefuImport  *self,
               guint       *columns,
               ProblemSink *sink)
{
  gboolean ok = TRUE;

  for (guint f = 0; f < KEFU_IMPORT_N_FIELDS; f++)
    columns[f] = NO_COLUMN;
  for (guint col = 0; col < self->n_columns; col++)
    {
      KefuImportField f = self->mapping[col];

      if (f == KEFU_IMPORT_FIELD_IGNORE)
        continue;
      if (columns[f] != NO_COLUMN)
        {
          add_problem (sink, 0, NO_COLUMN,
                       /* Translators: two column headers, then a field label such as “Phone”. */
                       _("Both “%s” and “%s” are marked as “%s”. Choose one of them."),
                       self->headers[columns[f]], self->headers[col], kefu_import_field_label (f));
          ok = FALSE;
          continue;
        }
      columns[f] = col;
    }
  if (columns[KEFU_IMPORT_FIELD_NAME] == NO_COLUMN)
    {
      add_problem (sink, 0, NO_COLUMN,
                   _("No column is marked as the customer’s name. Choose the column that holds the names."));
      ok = FALSE;
    }
  return ok;
}

static void
row_values (KefuImport  *self,
            const guint *columns,
            guint        record,
            RowValues   *v)
{
  for (guint f = 0; f < KEFU_IMPORT_N_FIELDS; f++)
    {
      if (columns[f] == NO_COLUMN)
        {
          v->value[f] = "";
          v->len[f] = 0;
        }
      else
        v->value[f] = record_cell (self, record, columns[f], &v->len[f]);
    }
}

static gboolean
check_contact (ProblemSink     *sink,
               guint            record,
               guint            col,
               const char      *kind,
               const char      *value)
{
  if (longer_than (value, 300))
    {
      add_problem (sink, record, col, "%s", _("A contact is too long (at most 300 characters)."));
      return FALSE;
    }
  if (g_str_equal (kind, "phone"))
    {
      g_autofree char *n = kefu_phone_normalize (value);

      if (!kefu_phone_is_plausible (n))
        {
          g_autofree char *shown = short_value (value);

          add_problem (sink, record, col,
                       _("“%s” is not a phone number (a mobile has 11 digits, a landline starts with its area code)."),
                       shown);
          return FALSE;
        }
    }
  else if (g_str_equal (kind, "email") && strchr (value, '@') == NULL)
    {
      g_autofree char *shown = short_value (value);

      add_problem (sink, record, col, _("“%s” is not an e-mail address."), shown);
      return FALSE;
    }
  return TRUE;
}

/* Checks one data record; returns FALSE when it has a problem. */
static gboolean
check_row (KefuImport   *self,
           const guint  *columns,
           guint         record,
           GHashTable   *numbers,
           GPtrArray    *view_contacts,
           ProblemSink  *sink)
{
  static const struct { KefuImportField field; const char *kind; } contact_fields[] = {
    { KEFU_IMPORT_FIELD_PHONE, "phone" },
    { KEFU_IMPORT_FIELD_PHONE2, "phone" },
    { KEFU_IMPORT_FIELD_ADDRESS, "address" },
    { KEFU_IMPORT_FIELD_EMAIL, "email" },
  };
  RowValues v;
  gboolean ok = TRUE;
  gboolean too_long[KEFU_IMPORT_N_FIELDS] = { FALSE, };
  const char *kind = NULL;
  const char *segment = NULL;
  gint64 volume = 0, spend = 0;
  KefuContact contacts[G_N_ELEMENTS (contact_fields)];
  KefuCustomer view;
  g_autoptr(GError) error = NULL;

#define COL(f) columns[KEFU_IMPORT_FIELD_##f]
#define VAL(f) v.value[KEFU_IMPORT_FIELD_##f]
#define HAS(f) (VAL (f)[0] != '\0' && !too_long[KEFU_IMPORT_FIELD_##f])

  row_values (self, columns, record, &v);

  for (guint f = KEFU_IMPORT_FIELD_NAME; f < KEFU_IMPORT_N_FIELDS; f++)
    if (v.len[f] > KEFU_IMPORT_MAX_FIELD_SIZE)
      {
        add_problem (sink, record, columns[f], "%s", _("This field is too long (more than 10 MB)."));
        too_long[f] = TRUE;
        ok = FALSE;
      }

  if (!too_long[KEFU_IMPORT_FIELD_NAME])
    {
      if (is_blank (VAL (NAME)))
        {
          add_problem (sink, record, COL (NAME), "%s", _("Enter the customer’s name."));
          ok = FALSE;
        }
      else if (longer_than (VAL (NAME), 100))
        {
          add_problem (sink, record, COL (NAME), "%s", _("The name is too long (at most 100 characters)."));
          ok = FALSE;
        }
    }
  if (HAS (COMPANY) && longer_than (VAL (COMPANY), 200))
    {
      add_problem (sink, record, COL (COMPANY), "%s", _("The company name is too long (at most 200 characters)."));
      ok = FALSE;
    }
  if (HAS (KIND))
    {
      if ((kind = parse_kind (VAL (KIND))) == NULL)
        {
          g_autofree char *shown = short_value (VAL (KIND));

          add_problem (sink, record, COL (KIND),
                       _("“%s” is not a customer type: write “person” or “enterprise”."), shown);
          ok = FALSE;
        }
      else if (g_str_equal (kind, "enterprise") && !HAS (COMPANY) && !too_long[KEFU_IMPORT_FIELD_COMPANY])
        {
          add_problem (sink, record, COL (COMPANY) != NO_COLUMN ? COL (COMPANY) : COL (KIND),
                       "%s", _("Enter the company name of an enterprise customer."));
          ok = FALSE;
        }
    }
  for (guint i = 0; i < G_N_ELEMENTS (contact_fields); i++)
    {
      KefuImportField f = contact_fields[i].field;

      if (v.value[f][0] != '\0' && !too_long[f] &&
          !check_contact (sink, record, columns[f], contact_fields[i].kind, v.value[f]))
        ok = FALSE;
    }
  if (HAS (INDUSTRY) && longer_than (VAL (INDUSTRY), 100))
    {
      add_problem (sink, record, COL (INDUSTRY), "%s", _("The industry is too long (at most 100 characters)."));
      ok = FALSE;
    }
  if (HAS (TAGS) && longer_than (VAL (TAGS), 1000))
    {
      add_problem (sink, record, COL (TAGS), "%s", _("The tags are too long (at most 1000 characters)."));
      ok = FALSE;
    }
  if (HAS (SEGMENT) && (segment = parse_segment (VAL (SEGMENT))) == NULL)
    {
      g_autofree char *shown = short_value (VAL (SEGMENT));

      add_problem (sink, record, COL (SEGMENT),
                   _("“%s” is not a segment: write key account, VIP, regular, new or at risk."), shown);
      ok = FALSE;
    }
  if (HAS (MONTHLY_VOLUME))
    {
      switch (parse_volume (VAL (MONTHLY_VOLUME), &volume))
        {
        case NUMBER_NEGATIVE:
          add_problem (sink, record, COL (MONTHLY_VOLUME), "%s", _("The monthly parcel count cannot be negative."));
          ok = FALSE;
          break;
        case NUMBER_INVALID:
          {
            g_autofree char *shown = short_value (VAL (MONTHLY_VOLUME));

            add_problem (sink, record, COL (MONTHLY_VOLUME), _("“%s” is not a number of parcels."), shown);
            ok = FALSE;
          }
          break;
        case NUMBER_OK:
        default:
          break;
        }
    }
  if (HAS (MONTHLY_SPEND))
    {
      switch (parse_spend (VAL (MONTHLY_SPEND), &spend))
        {
        case NUMBER_NEGATIVE:
          add_problem (sink, record, COL (MONTHLY_SPEND), "%s", _("The monthly spend cannot be negative."));
          ok = FALSE;
          break;
        case NUMBER_INVALID:
          {
            g_autofree char *shown = short_value (VAL (MONTHLY_SPEND));

            add_problem (sink, record, COL (MONTHLY_SPEND),
                         _("“%s” is not an amount in yuan (for example 1234.50)."), shown);
            ok = FALSE;
          }
          break;
        case NUMBER_OK:
        default:
          break;
        }
    }
  if (HAS (NUMBER))
    {
      gpointer first_row;

      if (longer_than (VAL (NUMBER), 32))
        {
          add_problem (sink, record, COL (NUMBER), "%s", _("The customer number is too long (at most 32 characters)."));
          ok = FALSE;
        }
      else if (g_hash_table_lookup_extended (numbers, VAL (NUMBER), NULL, &first_row))
        {
          add_problem (sink, record, COL (NUMBER), _("The customer number “%s” is already used in row %u."),
                       VAL (NUMBER), GPOINTER_TO_UINT (first_row));
          ok = FALSE;
        }
      else
        g_hash_table_insert (numbers, (gpointer) VAL (NUMBER),
                             GUINT_TO_POINTER (g_array_index (self->sheet_rows, guint32, record)));
    }

  if (!ok)
    return FALSE;

  /* The rules the database applies, on a view that borrows the cells. */
  memset (&view, 0, sizeof view);
  view.name = (char *) VAL (NAME);
  view.company = (char *) VAL (COMPANY);
  view.kind = (char *) (kind ? kind : HAS (COMPANY) ? "enterprise" : "person");
  view.industry = (char *) VAL (INDUSTRY);
  view.segment = (char *) segment;
  view.segment_manual = segment != NULL;
  view.tags = (char *) VAL (TAGS);
  view.monthly_volume = volume;
  view.monthly_spend_cents = spend;
  view.contacts = view_contacts;
  g_ptr_array_set_size (view_contacts, 0);
  for (guint i = 0; i < G_N_ELEMENTS (contact_fields); i++)
    {
      if (v.value[contact_fields[i].field][0] == '\0')
        continue;
      contacts[i].id = NULL;
      contacts[i].kind = (char *) contact_fields[i].kind;
      contacts[i].label = NULL;
      contacts[i].value = (char *) v.value[contact_fields[i].field];
      g_ptr_array_add (view_contacts, &contacts[i]);
    }
  if (!kefu_customer_validate (&view, &error))
    {
      add_problem (sink, record, NO_COLUMN, "%s", error->message);
      return FALSE;
    }
  return TRUE;

#undef COL
#undef VAL
#undef HAS
}

static KefuCustomer *
build_customer (KefuImport  *self,
                const guint *columns,
                guint        record)
{
  KefuCustomer *c = kefu_customer_new ();
  RowValues v;
  const char *text;

  row_values (self, columns, record, &v);

  c->name = g_strdup (v.value[KEFU_IMPORT_FIELD_NAME]);
  if (*(text = v.value[KEFU_IMPORT_FIELD_COMPANY]))
    c->company = g_strdup (text);
  if (*(text = v.value[KEFU_IMPORT_FIELD_KIND]))
    c->kind = g_strdup (parse_kind (text));
  if (*(text = v.value[KEFU_IMPORT_FIELD_INDUSTRY]))
    c->industry = g_strdup (text);
  if (*(text = v.value[KEFU_IMPORT_FIELD_SEGMENT]))
    {
      c->segment = g_strdup (parse_segment (text));
      c->segment_manual = TRUE;
      c->segment_reason = g_strdup (_("Imported"));
    }
  if (*(text = v.value[KEFU_IMPORT_FIELD_TAGS]))
    c->tags = normalize_tags (text);
  if (*(text = v.value[KEFU_IMPORT_FIELD_MONTHLY_VOLUME]))
    parse_volume (text, &c->monthly_volume);
  if (*(text = v.value[KEFU_IMPORT_FIELD_MONTHLY_SPEND]))
    parse_spend (text, &c->monthly_spend_cents);
  if (*(text = v.value[KEFU_IMPORT_FIELD_NUMBER]))
    c->number = g_strdup (text);

  if (*(text = v.value[KEFU_IMPORT_FIELD_PHONE]))
    kefu_customer_add_contact (c, "phone", phone_label (text), text);
  if (*(text = v.value[KEFU_IMPORT_FIELD_PHONE2]))
    kefu_customer_add_contact (c, "phone", phone_label (text), text);
  if (*(text = v.value[KEFU_IMPORT_FIELD_ADDRESS]))
    kefu_customer_add_contact (c, "address", NULL, text);
  if (*(text = v.value[KEFU_IMPORT_FIELD_EMAIL]))
    kefu_customer_add_contact (c, "email", NULL, text);
  return c;
}

/* --- GObject --------------------------------------------------------- */

static void
kefu_import_finalize (GObject *object)
{
  KefuImport *self = (KefuImport *) object;

  g_clear_pointer (&self->text, g_byte_array_unref);
  g_clear_pointer (&self->offsets, g_array_unref);
  g_clear_pointer (&self->row_starts, g_array_unref);
  g_clear_pointer (&self->sheet_rows, g_array_unref);
  g_clear_pointer (&self->headers, g_strfreev);
  g_clear_pointer (&self->mapping, g_free);
  g_clear_pointer (&self->source_name, g_free);

  G_OBJECT_CLASS (kefu_import_parent_class)->finalize (object);
}

static void
kefu_import_class_init (KefuImportClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = kefu_import_finalize;
}

static void
kefu_import_init (KefuImport *self)
{
  self->encoding = "UTF-8";
  self->delimiter = ',';
  self->offsets = g_array_new (FALSE, FALSE, sizeof (guint32));
  self->row_starts = g_array_new (FALSE, FALSE, sizeof (guint32));
  self->sheet_rows = g_array_new (FALSE, FALSE, sizeof (guint32));
}

/* --- public API ------------------------------------------------------ */

/**
 * kefu_import_new_from_bytes:
 * @bytes: the content of a CSV or tab-separated file
 *
 * Detects the encoding and the delimiter, parses the file and guesses
 * the column mapping from the header row.
 *
 * Returns: (transfer full): the parsed file, or %NULL with @error set
 *   (%KEFU_ERROR_PARSE for broken or empty files, %KEFU_ERROR_IO when the
 *   file is too large)
 */
KefuImport *
kefu_import_new_from_bytes (GBytes  *bytes,
                            GError **error)
{
  g_autoptr(KefuImport) self = NULL;
  g_autofree char *owned = NULL;
  const char *data, *text;
  gsize size, len = 0;

  g_return_val_if_fail (bytes != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  data = g_bytes_get_data (bytes, &size);
  if (size > KEFU_IMPORT_MAX_FILE_SIZE)
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_IO,
                   _("The file is larger than 64 MB. Split it into smaller files and import them one by one."));
      return NULL;
    }
  if (size == 0)
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_PARSE, _("The file is empty."));
      return NULL;
    }

  self = g_object_new (KEFU_TYPE_IMPORT, NULL);
  if ((text = decode (self, data, size, &owned, &len, error)) == NULL)
    return NULL;

  self->delimiter = detect_delimiter (text, len);
  self->text = g_byte_array_sized_new (len + 64);
  if (!parse_text (self, text, len, error))
    return NULL;
  g_clear_pointer (&owned, g_free);

  if (self->row_starts->len < 2)
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_PARSE, _("The file is empty."));
      return NULL;
    }

  /* The first record that is not blank holds the headers. */
  {
    guint32 end = g_array_index (self->row_starts, guint32, 1);

    self->n_columns = end;
    self->headers = g_new0 (char *, self->n_columns + 1);
    for (guint col = 0; col < self->n_columns; col++)
      {
        const char *header = record_cell (self, 0, col, NULL);

        if (*header == '\0')
          /* Translators: the name of a column that has no header. */
          self->headers[col] = g_strdup_printf (_("Column %u"), col + 1);
        else
          self->headers[col] = g_strdup (header);
      }
  }
  self->mapping = g_new0 (KefuImportField, MAX (self->n_columns, 1));
  kefu_import_guess_mapping (self);

  return g_steal_pointer (&self);
}

/**
 * kefu_import_new_from_file:
 * @path: a file name in the GLib file name encoding
 *
 * Reads and parses a file; see kefu_import_new_from_bytes(). Files above
 * %KEFU_IMPORT_MAX_FILE_SIZE are refused before they are read.
 *
 * Returns: (transfer full): the parsed file, or %NULL with @error set
 */
KefuImport *
kefu_import_new_from_file (const char  *path,
                           GError     **error)
{
  g_autofree char *display = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  GStatBuf st;
  gsize len;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  display = g_filename_display_basename (path);
  if (g_stat (path, &st) == 0 && st.st_size > KEFU_IMPORT_MAX_FILE_SIZE)
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_IO,
                   _("“%s” is larger than 64 MB. Split it into smaller files and import them one by one."),
                   display);
      return NULL;
    }
  if (!g_file_get_contents (path, &contents, &len, &local_error))
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_IO, _("Could not read “%s”: %s"),
                   display, local_error->message);
      return NULL;
    }
  bytes = g_bytes_new_take (g_steal_pointer (&contents), len);
  {
    KefuImport *self = kefu_import_new_from_bytes (bytes, error);

    if (self != NULL)
      self->source_name = g_steal_pointer (&display);
    return self;
  }
}

/**
 * kefu_import_get_encoding:
 *
 * Returns: "UTF-8", "UTF-8 (BOM)", "UTF-16" or "GB18030"
 */
const char *
kefu_import_get_encoding (KefuImport *self)
{
  g_return_val_if_fail (KEFU_IS_IMPORT (self), NULL);

  return self->encoding;
}

/**
 * kefu_import_get_delimiter:
 *
 * Returns: ',', '\t' or ';'
 */
char
kefu_import_get_delimiter (KefuImport *self)
{
  g_return_val_if_fail (KEFU_IS_IMPORT (self), ',');

  return self->delimiter;
}

/**
 * kefu_import_get_headers:
 *
 * Returns: (transfer none): the header of each column, %NULL-terminated;
 *   an empty header reads "Column N"
 */
const char * const *
kefu_import_get_headers (KefuImport *self)
{
  g_return_val_if_fail (KEFU_IS_IMPORT (self), NULL);

  return (const char * const *) self->headers;
}

guint
kefu_import_get_n_columns (KefuImport *self)
{
  g_return_val_if_fail (KEFU_IS_IMPORT (self), 0);

  return self->n_columns;
}

/**
 * kefu_import_get_n_rows:
 *
 * Returns: the number of data rows (the header and blank rows excluded)
 */
guint
kefu_import_get_n_rows (KefuImport *self)
{
  g_return_val_if_fail (KEFU_IS_IMPORT (self), 0);

  return self->row_starts->len - 2;
}

/**
 * kefu_import_get_cell:
 * @row: a data row, from 0
 * @col: a column, from 0
 *
 * Returns: (transfer none): the cell's text, trimmed; "" for a cell the
 *   row does not have
 */
const char *
kefu_import_get_cell (KefuImport *self,
                      guint       row,
                      guint       col)
{
  g_return_val_if_fail (KEFU_IS_IMPORT (self), NULL);
  g_return_val_if_fail (row < kefu_import_get_n_rows (self), NULL);

  return record_cell (self, row + 1, col, NULL);
}

/**
 * kefu_import_get_sheet_row:
 * @row: a data row, from 0
 *
 * Returns: the row number a spreadsheet shows for @row (the header is
 *   row 1 and blank rows count)
 */
guint
kefu_import_get_sheet_row (KefuImport *self,
                           guint       row)
{
  g_return_val_if_fail (KEFU_IS_IMPORT (self), 0);
  g_return_val_if_fail (row < kefu_import_get_n_rows (self), 0);

  return g_array_index (self->sheet_rows, guint32, row + 1);
}

/**
 * kefu_import_guess_mapping:
 *
 * Maps each column from its header, in English or Chinese ("姓名",
 * "手机", "月均消费(元)"…); unknown headers are ignored. A field goes to
 * the first column that names it, except that a second phone column
 * becomes the second phone. Done by the constructors already.
 */
void
kefu_import_guess_mapping (KefuImport *self)
{
  gboolean taken[KEFU_IMPORT_N_FIELDS] = { FALSE, };

  g_return_if_fail (KEFU_IS_IMPORT (self));

  for (guint col = 0; col < self->n_columns; col++)
    {
      KefuImportField f = field_for_header (self->headers[col]);

      if (f == KEFU_IMPORT_FIELD_PHONE && taken[f])
        f = KEFU_IMPORT_FIELD_PHONE2;
      if (f != KEFU_IMPORT_FIELD_IGNORE && taken[f])
        f = KEFU_IMPORT_FIELD_IGNORE;
      taken[f] = TRUE;
      self->mapping[col] = f;
    }
  self->valid = FALSE;
}

/**
 * kefu_import_set_mapping:
 *
 * Sets what column @col holds. Mapping one field to two columns is
 * allowed here and reported by kefu_import_validate().
 */
void
kefu_import_set_mapping (KefuImport      *self,
                         guint            col,
                         KefuImportField  field)
{
  g_return_if_fail (KEFU_IS_IMPORT (self));
  g_return_if_fail (col < self->n_columns);
  g_return_if_fail (field < KEFU_IMPORT_N_FIELDS);

  if (self->mapping[col] == field)
    return;
  self->mapping[col] = field;
  self->valid = FALSE;
}

KefuImportField
kefu_import_get_mapping (KefuImport *self,
                         guint       col)
{
  g_return_val_if_fail (KEFU_IS_IMPORT (self), KEFU_IMPORT_FIELD_IGNORE);
  g_return_val_if_fail (col < self->n_columns, KEFU_IMPORT_FIELD_IGNORE);

  return self->mapping[col];
}

/**
 * kefu_import_field_label:
 *
 * Returns: (transfer none): the translated name of @field, for the
 *   column chooser
 */
const char *
kefu_import_field_label (KefuImportField field)
{
  switch (field)
    {
    case KEFU_IMPORT_FIELD_IGNORE:
      return _("Do not import");
    case KEFU_IMPORT_FIELD_NAME:
      return _("Name");
    case KEFU_IMPORT_FIELD_COMPANY:
      return _("Company");
    case KEFU_IMPORT_FIELD_KIND:
      return _("Type");
    case KEFU_IMPORT_FIELD_PHONE:
      return _("Phone");
    case KEFU_IMPORT_FIELD_PHONE2:
      return _("Second phone");
    case KEFU_IMPORT_FIELD_ADDRESS:
      return _("Address");
    case KEFU_IMPORT_FIELD_EMAIL:
      return _("E-mail");
    case KEFU_IMPORT_FIELD_INDUSTRY:
      return _("Industry");
    case KEFU_IMPORT_FIELD_SEGMENT:
      return _("Segment");
    case KEFU_IMPORT_FIELD_TAGS:
      return _("Tags");
    case KEFU_IMPORT_FIELD_MONTHLY_VOLUME:
      return _("Monthly parcels");
    case KEFU_IMPORT_FIELD_MONTHLY_SPEND:
      return _("Monthly spend (yuan)");
    case KEFU_IMPORT_FIELD_NUMBER:
      return _("Customer number");
    case KEFU_IMPORT_N_FIELDS:
    default:
      g_return_val_if_reached (NULL);
    }
}

/**
 * kefu_import_validate:
 * @problems: (out) (optional) (transfer full) (element-type KefuImportProblem):
 *   what is wrong, in file order; at most a thousand are listed
 *
 * Checks the mapping and every row the way the import would, without
 * writing anything.
 *
 * Returns: %TRUE when the file can be imported as it is
 */
gboolean
kefu_import_validate (KefuImport  *self,
                      GPtrArray  **problems)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) kefu_import_problem_free);
  g_autoptr(GHashTable) numbers = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) view_contacts = g_ptr_array_new ();
  ProblemSink sink = { self, list, 0 };
  guint columns[KEFU_IMPORT_N_FIELDS];
  guint n_rows;

  g_return_val_if_fail (KEFU_IS_IMPORT (self), FALSE);

  n_rows = kefu_import_get_n_rows (self);
  self->n_bad_rows = 0;

  if (n_rows == 0)
    add_problem (&sink, 0, NO_COLUMN, "%s", _("The file has a header row but no customers below it."));
  else if (check_mapping (self, columns, &sink))
    {
      for (guint row = 0; row < n_rows; row++)
        if (!check_row (self, columns, row + 1, numbers, view_contacts, &sink))
          self->n_bad_rows++;
    }

  if (sink.n_dropped > 0)
    {
      KefuImportProblem *more = g_new0 (KefuImportProblem, 1);

      more->message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                    "%u more problem is not listed.",
                                                    "%u more problems are not listed.",
                                                    sink.n_dropped),
                                       sink.n_dropped);
      g_ptr_array_add (list, more);
    }

  self->valid = list->len == 0;
  if (problems)
    *problems = g_steal_pointer (&list);
  return self->valid;
}

/**
 * kefu_import_get_n_bad_rows:
 *
 * Returns: how many rows the last kefu_import_validate() found a problem
 *   in
 */
guint
kefu_import_get_n_bad_rows (KefuImport *self)
{
  g_return_val_if_fail (KEFU_IS_IMPORT (self), 0);

  return self->n_bad_rows;
}

/**
 * kefu_import_run:
 * @n_imported: (out) (optional): how many customers were created
 *
 * kefu_import_run_full() without progress or cancellation.
 *
 * Returns: %TRUE when every row was imported
 */
gboolean
kefu_import_run (KefuImport  *self,
                 KefuDb      *db,
                 guint       *n_imported,
                 GError     **error)
{
  return kefu_import_run_full (self, db, NULL, NULL, NULL, n_imported, error);
}

/**
 * kefu_import_run_full:
 * @cancellable: (nullable): stops the import; nothing is then written
 * @progress: (nullable): called after each chunk with the rows written
 *   so far (in the calling thread)
 * @n_imported: (out) (optional): how many customers were created
 *
 * Validates (unless a validation without problems is still current) and
 * creates one customer per row, all in one transaction: either every row
 * is imported or none. A given segment is kept as a manual choice with
 * the reason "Imported". Rows go through the bulk writer
 * (KefuCustomerWriter): an outbox entry per row, one audit entry for the
 * import. Blocks for a while on large files: call it from a worker
 * thread.
 *
 * Returns: %TRUE when every row was imported
 */
gboolean
kefu_import_run_full (KefuImport          *self,
                      KefuDb              *db,
                      GCancellable        *cancellable,
                      KefuImportProgress   progress,
                      gpointer             user_data,
                      guint               *n_imported,
                      GError             **error)
{
  guint columns[KEFU_IMPORT_N_FIELDS];
  guint n_rows;
  g_autoptr(KefuCustomerWriter) writer = NULL;

  g_return_val_if_fail (KEFU_IS_IMPORT (self), FALSE);
  g_return_val_if_fail (KEFU_IS_DB (db), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (n_imported)
    *n_imported = 0;

  if (!self->valid)
    {
      g_autoptr(GPtrArray) problems = NULL;

      if (!kefu_import_validate (self, &problems))
        {
          if (self->n_bad_rows > 0)
            g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID,
                         g_dngettext (GETTEXT_PACKAGE,
                                      "%u row has problems; nothing was imported.",
                                      "%u rows have problems; nothing was imported.",
                                      self->n_bad_rows),
                         self->n_bad_rows);
          else
            {
              const KefuImportProblem *first = g_ptr_array_index (problems, 0);

              g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID,
                           /* Translators: %s is a full sentence saying what is wrong. */
                           _("%s Nothing was imported."), first->message);
            }
          return FALSE;
        }
    }

  {
    ProblemSink sink = { self, NULL, 0 };

    check_mapping (self, columns, &sink);
  }
  n_rows = kefu_import_get_n_rows (self);

  if (!kefu_db_begin (db, error))
    return FALSE;
  if ((writer = kefu_customer_writer_new (db, n_rows, error)) == NULL)
    {
      kefu_db_rollback (db);
      return FALSE;
    }
  for (guint start = 0; start < n_rows; start += CHUNK_ROWS)
    {
      guint end = MIN (start + CHUNK_ROWS, n_rows);
      g_autoptr(GPtrArray) batch = g_ptr_array_new_full (end - start, (GDestroyNotify) kefu_customer_free);
      g_autoptr(GError) local_error = NULL;
      guint failed = 0;

      if (g_cancellable_is_cancelled (cancellable))
        {
          kefu_db_rollback (db);
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                               _("The import was cancelled. Nothing was imported."));
          return FALSE;
        }

      for (guint row = start; row < end; row++)
        g_ptr_array_add (batch, build_customer (self, columns, row + 1));

      if (!kefu_customer_writer_add (writer, batch, &failed, &local_error))
        {
          kefu_db_rollback (db);
          g_set_error (error, local_error->domain, local_error->code,
                       /* Translators: the spreadsheet row, then why the
                        * database refused it (a full sentence). */
                       _("Row %u: %s Nothing was imported."),
                       kefu_import_get_sheet_row (self, start + failed), local_error->message);
          return FALSE;
        }
      if (progress)
        progress (end, n_rows, user_data);
    }
  if (g_cancellable_is_cancelled (cancellable))
    {
      kefu_db_rollback (db);
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                           _("The import was cancelled. Nothing was imported."));
      return FALSE;
    }
  if (!kefu_customer_writer_finish (writer, self->source_name, error))
    {
      kefu_db_rollback (db);
      return FALSE;
    }
  if (!kefu_db_commit (db, error))
    return FALSE;

  if (n_imported)
    *n_imported = n_rows;
  return TRUE;
}

/**
 * kefu_import_format_report:
 * @problems: (element-type KefuImportProblem): from kefu_import_validate()
 *
 * Returns: (transfer full): one line per problem, like
 *   "Row 7, Phone: “12345” is not a phone number…"
 */
char *
kefu_import_format_report (GPtrArray *problems)
{
  GString *out = g_string_new (NULL);

  g_return_val_if_fail (problems != NULL, NULL);

  for (guint i = 0; i < problems->len; i++)
    {
      const KefuImportProblem *p = g_ptr_array_index (problems, i);

      if (p->row > 0 && p->column)
        {
          /* Translators: a line of the import report: the spreadsheet
           * row, the column's header, what is wrong. */
          g_string_append_printf (out, _("Row %u, %s: %s"), p->row, p->column, p->message);
        }
      else if (p->row > 0)
        {
          /* Translators: a line of the import report: the spreadsheet
           * row, what is wrong. */
          g_string_append_printf (out, _("Row %u: %s"), p->row, p->message);
        }
      else if (p->column)
        {
          /* Translators: a line of the import report: a column's header,
           * what is wrong with it. */
          g_string_append_printf (out, _("%s: %s"), p->column, p->message);
        }
      else
        g_string_append (out, p->message);
      g_string_append_c (out, '\n');
    }
  return g_string_free (out, FALSE);
}

void
kefu_import_problem_free (KefuImportProblem *problem)
{
  if (problem == NULL)
    return;
  g_free (problem->column);
  g_free (problem->message);
  g_free (problem);
}
