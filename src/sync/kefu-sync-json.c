/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "kefu-sync"

#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kefu-sync-protocol.h"

/* A strict RFC 8259 JSON parser into json-glib nodes. json-glib's own
 * parser (GScanner based) reads about 8 MB/s, which made decoding a pull
 * page slower than the server sending it; this one reads the same text
 * several times faster and refuses what a sync body never needs: nesting
 * deeper than KEFU_SYNC_MAX_DEPTH, NUL characters, invalid UTF-8, lone
 * surrogates, and anything after the value. Integers that fit in 64 bits
 * become G_TYPE_INT64 values, other numbers G_TYPE_DOUBLE; a repeated
 * member keeps its last value. */

typedef struct
{
  const char *start;
  const char *p;
  const char *end;
  int         depth;
  GString    *scratch;
  GError    **error;
} Parser;

static JsonNode *parse_value (Parser *ps);

static gboolean
syntax_error (Parser     *ps,
              const char *what)
{
  if (ps->error != NULL && *ps->error == NULL)
    g_set_error (ps->error, KEFU_SYNC_ERROR, KEFU_SYNC_ERROR_INVALID,
                 "body is not valid JSON: %s at byte %" G_GSIZE_FORMAT, what, (gsize) (ps->p - ps->start));
  return FALSE;
}

static inline void
skip_space (Parser *ps)
{
  while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\n' || *ps->p == '\r' || *ps->p == '\t'))
    ps->p++;
}

static int
hex_value (char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

static gboolean
read_hex4 (Parser  *ps,
           gunichar *out)
{
  gunichar value = 0;

  if (ps->end - ps->p < 4)
    return syntax_error (ps, "truncated \\u escape");
  for (int i = 0; i < 4; i++)
    {
      int digit = hex_value (ps->p[i]);

      if (digit < 0)
        return syntax_error (ps, "bad \\u escape");
      value = value * 16 + (gunichar) digit;
    }
  ps->p += 4;
  *out = value;
  return TRUE;
}

/* Reads a string (ps->p on the opening quote) into ps->scratch. */
static gboolean
parse_string (Parser *ps)
{
  const char *run;

  g_string_truncate (ps->scratch, 0);
  ps->p++;
  run = ps->p;
  for (;;)
    {
      guchar c;

      if (ps->p >= ps->end)
        return syntax_error (ps, "unterminated string");
      c = (guchar) *ps->p;
      if (c == '"' || c == '\\')
        {
          g_string_append_len (ps->scratch, run, ps->p - run);
          if (c == '"')
            {
              ps->p++;
              break;
            }
          ps->p++;
          if (ps->p >= ps->end)
            return syntax_error (ps, "unterminated string");
          switch (*ps->p++)
            {
            case '"': g_string_append_c (ps->scratch, '"'); break;
            case '\\': g_string_append_c (ps->scratch, '\\'); break;
            case '/': g_string_append_c (ps->scratch, '/'); break;
            case 'b': g_string_append_c (ps->scratch, '\b'); break;
            case 'f': g_string_append_c (ps->scratch, '\f'); break;
            case 'n': g_string_append_c (ps->scratch, '\n'); break;
            case 'r': g_string_append_c (ps->scratch, '\r'); break;
            case 't': g_string_append_c (ps->scratch, '\t'); break;
            case 'u':
              {
                gunichar u;

                if (!read_hex4 (ps, &u))
                  return FALSE;
                if (u >= 0xd800 && u <= 0xdbff)
                  {
                    gunichar low;

                    if (ps->end - ps->p < 2 || ps->p[0] != '\\' || ps->p[1] != 'u')
                      return syntax_error (ps, "lone surrogate in \\u escape");
                    ps->p += 2;
                    if (!read_hex4 (ps, &low))
                      return FALSE;
                    if (low < 0xdc00 || low > 0xdfff)
                      return syntax_error (ps, "lone surrogate in \\u escape");
                    u = 0x10000 + ((u - 0xd800) << 10) + (low - 0xdc00);
                  }
                else if (u >= 0xdc00 && u <= 0xdfff)
                  return syntax_error (ps, "lone surrogate in \\u escape");
                if (u == 0)
                  return syntax_error (ps, "NUL character in a string");
                g_string_append_unichar (ps->scratch, u);
              }
              break;
            default:
              ps->p--;
              return syntax_error (ps, "bad escape in a string");
            }
          run = ps->p;
        }
      else if (c < 0x20)
        return syntax_error (ps, "control character in a string");
      else
        ps->p++;
    }
  if (!g_utf8_validate_len (ps->scratch->str, ps->scratch->len, NULL))
    return syntax_error (ps, "invalid UTF-8 in a string");
  return TRUE;
}

static JsonNode *
parse_number (Parser *ps)
{
  const char *begin = ps->p;
  gboolean integral = TRUE;
  char buffer[64];
  gsize len;

  if (ps->p < ps->end && *ps->p == '-')
    ps->p++;
  if (ps->p >= ps->end || !g_ascii_isdigit (*ps->p))
    return syntax_error (ps, "bad number"), NULL;
  if (*ps->p == '0')
    ps->p++;
  else
    while (ps->p < ps->end && g_ascii_isdigit (*ps->p))
      ps->p++;
  if (ps->p < ps->end && *ps->p == '.')
    {
      integral = FALSE;
      ps->p++;
      if (ps->p >= ps->end || !g_ascii_isdigit (*ps->p))
        return syntax_error (ps, "bad number"), NULL;
      while (ps->p < ps->end && g_ascii_isdigit (*ps->p))
        ps->p++;
    }
  if (ps->p < ps->end && (*ps->p == 'e' || *ps->p == 'E'))
    {
      integral = FALSE;
      ps->p++;
      if (ps->p < ps->end && (*ps->p == '+' || *ps->p == '-'))
        ps->p++;
      if (ps->p >= ps->end || !g_ascii_isdigit (*ps->p))
        return syntax_error (ps, "bad number"), NULL;
      while (ps->p < ps->end && g_ascii_isdigit (*ps->p))
        ps->p++;
    }
  len = ps->p - begin;
  if (len >= sizeof buffer)
    return syntax_error (ps, "number too long"), NULL;
  memcpy (buffer, begin, len);
  buffer[len] = '\0';
  if (integral)
    {
      char *rest;
      gint64 value;

      errno = 0;
      value = g_ascii_strtoll (buffer, &rest, 10);
      if (errno == 0 && *rest == '\0')
        return json_node_init_int (json_node_alloc (), value);
    }
  return json_node_init_double (json_node_alloc (), g_ascii_strtod (buffer, NULL));
}

static gboolean
expect_literal (Parser     *ps,
                const char *literal)
{
  gsize len = strlen (literal);

  if ((gsize) (ps->end - ps->p) < len || memcmp (ps->p, literal, len) != 0)
    return syntax_error (ps, "unexpected character");
  ps->p += len;
  return TRUE;
}

static JsonNode *
parse_object (Parser *ps)
{
  JsonObject *object = json_object_new ();
  JsonNode *node = json_node_init_object (json_node_alloc (), object);

  json_object_unref (object);
  ps->p++;
  skip_space (ps);
  if (ps->p < ps->end && *ps->p == '}')
    {
      ps->p++;
      return node;
    }
  for (;;)
    {
      g_autofree char *name = NULL;
      JsonNode *value;

      skip_space (ps);
      if (ps->p >= ps->end || *ps->p != '"')
        goto fail;
      if (!parse_string (ps))
        goto fail;
      name = g_strndup (ps->scratch->str, ps->scratch->len);
      skip_space (ps);
      if (ps->p >= ps->end || *ps->p != ':')
        {
          syntax_error (ps, "expected ':'");
          goto fail;
        }
      ps->p++;
      if ((value = parse_value (ps)) == NULL)
        goto fail;
      json_object_set_member (object, name, value);
      skip_space (ps);
      if (ps->p < ps->end && *ps->p == ',')
        {
          ps->p++;
          continue;
        }
      if (ps->p < ps->end && *ps->p == '}')
        {
          ps->p++;
          return node;
        }
      syntax_error (ps, "expected ',' or '}'");
      goto fail;
    }

fail:
  syntax_error (ps, "expected a member name");
  json_node_unref (node);
  return NULL;
}

static JsonNode *
parse_array (Parser *ps)
{
  JsonArray *array = json_array_new ();
  JsonNode *node = json_node_init_array (json_node_alloc (), array);

  json_array_unref (array);
  ps->p++;
  skip_space (ps);
  if (ps->p < ps->end && *ps->p == ']')
    {
      ps->p++;
      return node;
    }
  for (;;)
    {
      JsonNode *value = parse_value (ps);

      if (value == NULL)
        break;
      json_array_add_element (array, value);
      skip_space (ps);
      if (ps->p < ps->end && *ps->p == ',')
        {
          ps->p++;
          continue;
        }
      if (ps->p < ps->end && *ps->p == ']')
        {
          ps->p++;
          return node;
        }
      syntax_error (ps, "expected ',' or ']'");
      break;
    }
  json_node_unref (node);
  return NULL;
}

static JsonNode *
parse_value (Parser *ps)
{
  JsonNode *node = NULL;

  skip_space (ps);
  if (ps->p >= ps->end)
    return syntax_error (ps, "unexpected end"), NULL;
  switch (*ps->p)
    {
    case '{':
    case '[':
      if (++ps->depth > KEFU_SYNC_MAX_DEPTH)
        {
          g_set_error_literal (ps->error, KEFU_SYNC_ERROR, KEFU_SYNC_ERROR_INVALID, "JSON is nested too deeply");
          return NULL;
        }
      node = *ps->p == '{' ? parse_object (ps) : parse_array (ps);
      ps->depth--;
      return node;
    case '"':
      if (!parse_string (ps))
        return NULL;
      node = json_node_alloc ();
      json_node_init_string (node, ps->scratch->str);
      return node;
    case 't':
      return expect_literal (ps, "true") ? json_node_init_boolean (json_node_alloc (), TRUE) : NULL;
    case 'f':
      return expect_literal (ps, "false") ? json_node_init_boolean (json_node_alloc (), FALSE) : NULL;
    case 'n':
      return expect_literal (ps, "null") ? json_node_init_null (json_node_alloc ()) : NULL;
    default:
      if (*ps->p == '-' || g_ascii_isdigit (*ps->p))
        return parse_number (ps);
      return syntax_error (ps, "unexpected character"), NULL;
    }
}

/**
 * kefu_sync_json_parse:
 * @data: JSON text (need not be NUL-terminated)
 * @length: bytes of @data
 * Returns: (transfer full): the root node, or NULL with @error set.
 */
JsonNode *
kefu_sync_json_parse (const char  *data,
                      gsize        length,
                      GError     **error)
{
  g_autoptr(GString) scratch = g_string_sized_new (256);
  Parser ps = { data, data, data + length, 0, scratch, error };
  JsonNode *root;

  root = parse_value (&ps);
  if (root == NULL)
    return NULL;
  skip_space (&ps);
  if (ps.p != ps.end)
    {
      syntax_error (&ps, "text after the value");
      json_node_unref (root);
      return NULL;
    }
  return root;
}
