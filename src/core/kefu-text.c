/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "kefu-text"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <locale.h>
#include <string.h>

#include "kefu-text.h"

/* --- phones ---------------------------------------------------------- */

static gboolean
is_phone_punct (gunichar c)
{
  return c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' ||
         c == 0x3000 /* ideographic space */ || c == 0xff08 || c == 0xff09 ||
         c == 0x2014 || c == 0xff0d || c == '/';
}

char *
kefu_phone_normalize (const char *text)
{
  g_autoptr(GString) digits = NULL;
  gboolean had_plus = FALSE;
  const char *d;

  if (text == NULL)
    return NULL;

  digits = g_string_new (NULL);
  for (const char *p = text; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c >= '0' && c <= '9')
        g_string_append_c (digits, (char) c);
      else if (c >= 0xff10 && c <= 0xff19) /* full-width digits */
        g_string_append_c (digits, (char) ('0' + (c - 0xff10)));
      else if (c == '+' || c == 0xff0b)
        {
          if (digits->len > 0)
            return NULL;
          had_plus = TRUE;
        }
      else if (!is_phone_punct (c))
        return NULL;
    }

  if (digits->len == 0)
    return NULL;

  d = digits->str;
  /* Country code before a mobile number (1xx xxxx xxxx). */
  if (had_plus && g_str_has_prefix (d, "86"))
    d += 2;
  else if (g_str_has_prefix (d, "0086") && digits->len > 4)
    d += 4;
  else if (g_str_has_prefix (d, "86") && digits->len == 13 && d[2] == '1')
    d += 2;

  return g_strdup (d);
}

/* A mainland mobile (11 digits starting 1[3-9]), a landline with area code
 * (0 + 9 to 11 digits), or a short service number (5 to 8 digits). */
gboolean
kefu_phone_is_plausible (const char *normalized)
{
  gsize len;

  if (normalized == NULL)
    return FALSE;
  len = strlen (normalized);
  if (len == 11 && normalized[0] == '1' && normalized[1] >= '3' && normalized[1] <= '9')
    return TRUE;
  if (normalized[0] == '0' && len >= 10 && len <= 12)
    return TRUE;
  if (normalized[0] != '0' && normalized[0] != '1' && len >= 5 && len <= 8)
    return TRUE;
  return FALSE;
}

gboolean
kefu_text_is_blank (const char *text)
{
  if (text == NULL)
    return TRUE;
  for (; *text; text = g_utf8_next_char (text))
    if (!g_unichar_isspace (g_utf8_get_char (text)))
      return FALSE;
  return TRUE;
}

gboolean
kefu_text_looks_like_phone (const char *text)
{
  g_autofree char *n = kefu_phone_normalize (text);

  return n != NULL && strlen (n) >= 3;
}

/* --- search tokens --------------------------------------------------- */

/* The token format, defined here and nowhere else (the query builder below
 * is its other half; migration 5 rebuilt the indexes when it last changed):
 *
 * A run is a stretch of letters, digits and ideographs, whatever their
 * script: "客户00249", "EE123456785CN". Each character of a run starts one
 * token, so that token positions are character positions and a phrase of
 * consecutive tokens is a stretch of consecutive characters:
 *
 * - a letter or ideograph starts a token of two characters (the bigram
 *   with whatever follows it, a digit included);
 * - a digit starts a token of four: ten digits make only a hundred pairs,
 *   each in nearly every phone number, so a phrase of pairs read huge
 *   lists (40 ms at a million customers); chunks of four are a hundred
 *   times rarer;
 * - near the end of the run the tokens are what is left ("…8CN" gives
 *   "8cn cn n").
 *
 * A fragment typed by the user is found as typed, letters and digits next
 * to each other included: "客户0249" is the phrase "客户 户0 0249", which
 * "客户00249" (客户 户0 0024 0249 …) does not contain. */

static gboolean
is_token_char (gunichar c)
{
  return g_unichar_isalnum (c);
}

static gboolean
is_digit (gunichar c)
{
  return c >= '0' && c <= '9';
}

/* How many characters the token starting with @c spans. */
static guint
token_span (gunichar c)
{
  return is_digit (c) ? 4 : 2;
}

static void
append_chars (GString        *out,
              const gunichar *chars,
              guint           n)
{
  char buf[12];

  for (guint i = 0; i < n; i++)
    g_string_append_len (out, buf, g_unichar_to_utf8 (chars[i], buf));
}

static void
flush_run (GString        *out,
           const gunichar *run,
           guint           n)
{
  for (guint i = 0; i < n; i++)
    {
      if (out->len > 0)
        g_string_append_c (out, ' ');
      append_chars (out, run + i, MIN (token_span (run[i]), n - i));
    }
}

void
kefu_search_tokens_append (GString    *out,
                           const char *text)
{
  gunichar run[256];
  guint n = 0;

  if (text == NULL)
    return;

  for (const char *p = text; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == (gunichar) -1 || c == (gunichar) -2)
        break;
      if (is_token_char (c))
        {
          if (n == G_N_ELEMENTS (run))
            {
              /* Very long runs (pasted text) are indexed in pieces. */
              flush_run (out, run, n);
              n = 0;
            }
          run[n++] = g_unichar_tolower (c);
        }
      else
        {
          flush_run (out, run, n);
          n = 0;
        }
    }
  flush_run (out, run, n);
}

/* One run of the query as a phrase: the token of each character in turn,
 * until one reaches the end of the run. When the last one is shorter than
 * its span it is a prefix ("EE12" is "ee e1 12"*: the index holds "1234"
 * or "12" where the run ends); a single character is always one. */
static void
append_term (GString        *match,
             const gunichar *run,
             guint           n)
{
  if (n == 0)
    return;
  if (match->len > 0)
    g_string_append (match, " AND ");

  g_string_append_c (match, '"');
  for (guint i = 0; i < n; i++)
    {
      guint span = token_span (run[i]);

      if (i > 0)
        g_string_append_c (match, ' ');
      if (i + span >= n)
        {
          append_chars (match, run + i, n - i);
          g_string_append (match, n - i < span ? "\"*" : "\"");
          return;
        }
      append_chars (match, run + i, span);
    }
}

char *
kefu_search_build_match (const char *query)
{
  g_autoptr(GString) match = g_string_new (NULL);
  g_autofree char *phone = NULL;
  gunichar run[64];
  guint n = 0;

  if (query == NULL || !g_utf8_validate (query, -1, NULL))
    return NULL;

  phone = kefu_phone_normalize (query);
  if (phone != NULL && strlen (phone) > 0)
    query = phone;

  for (const char *p = query; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (is_token_char (c) && n < G_N_ELEMENTS (run))
        run[n++] = g_unichar_tolower (c);
      else
        {
          append_term (match, run, n);
          n = 0;
        }
    }
  append_term (match, run, n);

  if (match->len == 0)
    return NULL;
  return g_string_free (g_steal_pointer (&match), FALSE);
}

/* --- sorting and money ----------------------------------------------- */

/* Opening a converter costs more than converting a name, so each thread
 * keeps one (GIConv is not safe to share between threads). */
static void
close_converter (gpointer data)
{
  g_iconv_close ((GIConv) data);
}

static GPrivate sort_converter = G_PRIVATE_INIT (close_converter);

static GIConv
get_sort_converter (void)
{
  GIConv conv = g_private_get (&sort_converter);

  if (conv == NULL)
    {
      conv = g_iconv_open ("GB18030", "UTF-8");
      if (conv == (GIConv) -1)
        return (GIConv) -1;
      g_private_set (&sort_converter, conv);
    }
  return conv;
}

GBytes *
kefu_sort_key_for (const char *name)
{
  g_autofree char *folded = NULL;
  char *gb = NULL;
  gsize len = 0;
  GIConv conv;

  if (name == NULL)
    return g_bytes_new (NULL, 0);

  folded = g_utf8_casefold (name, -1);
  /* GB18030 encodes every Unicode character, so a conversion only fails
   * on invalid input; then the folded bytes are the key. */
  conv = get_sort_converter ();
  if (conv != (GIConv) -1)
    {
      g_iconv (conv, NULL, NULL, NULL, NULL);   /* a clean state, whatever came before */
      gb = g_convert_with_iconv (folded, -1, conv, NULL, &len, NULL);
    }
  if (gb == NULL)
    return g_bytes_new (folded, strlen (folded));
  return g_bytes_new_take (gb, len);
}

char *
kefu_format_money (gint64 cents)
{
  gboolean neg = cents < 0;
  guint64 v = neg ? (guint64) (-cents) : (guint64) cents;

  return g_strdup_printf ("%s%" G_GUINT64_FORMAT ".%02u", neg ? "-" : "",
                          v / 100, (guint) (v % 100));
}

static void
append_grouped (GString    *out,
                const char *digits,
                gsize       len,
                gsize       group)
{
  for (gsize i = 0; i < len; i++)
    {
      if (i > 0 && (len - i) % group == 0)
        g_string_append_c (out, ' ');
      g_string_append_c (out, digits[i]);
    }
}

char *
kefu_format_phone (const char *phone)
{
  g_autofree char *d = kefu_phone_normalize (phone);
  GString *out;
  gsize len, area;

  if (d == NULL || !kefu_phone_is_plausible (d))
    return g_strdup (phone);
  len = strlen (d);
  out = g_string_new (NULL);
  if (d[0] == '1' && len == 11)
    {
      g_string_append_len (out, d, 3);
      g_string_append_c (out, ' ');
      append_grouped (out, d + 3, 8, 4);
    }
  else if (d[0] == '0')
    {
      /* Beijing 010 and the 02x cities have three-digit area codes. */
      area = (d[1] == '1' || d[1] == '2') ? 3 : 4;
      g_string_append_len (out, d, area);
      g_string_append_c (out, '-');
      append_grouped (out, d + area, len - area, 4);
    }
  else
    g_string_append (out, d);
  return g_string_free (out, FALSE);
}

/* Money as people read it, the one way Kefu shows an amount: the yuan
 * sign and the figure grouped by thousands with the locale's separator
 * and decimal point, "¥12,800.50". kefu_format_money() gives the plain
 * figure that entry fields and files hold. */
char *
kefu_format_amount (gint64 cents)
{
  const struct lconv *lc = localeconv ();
  const char *sep = lc->thousands_sep && *lc->thousands_sep ? lc->thousands_sep : ",";
  const char *point = lc->decimal_point && *lc->decimal_point ? lc->decimal_point : ".";
  guint64 v = cents < 0 ? (guint64) (-cents) : (guint64) cents;
  g_autofree char *whole = g_strdup_printf ("%" G_GUINT64_FORMAT, v / 100);
  g_autoptr(GString) figure = g_string_new (cents < 0 ? "-" : "");
  gsize len = strlen (whole);

  for (gsize i = 0; i < len; i++)
    {
      if (i > 0 && (len - i) % 3 == 0)
        g_string_append (figure, sep);
      g_string_append_c (figure, whole[i]);
    }
  g_string_append_printf (figure, "%s%02u", point, (guint) (v % 100));
  /* Translators: an amount of money in yuan, e.g. ¥1,280.00 */
  return g_strdup_printf (_("¥%s"), figure->str);
}

/* Accepts "1234", "1234.5", "1,234.50", "¥1234" and "1234元"; refuses
 * negative amounts and anything above 100 million yuan. */
gboolean
kefu_parse_money (const char *text,
                  gint64     *cents)
{
  g_autoptr(GString) clean = g_string_new (NULL);
  const char *p;
  guint64 whole = 0;
  guint frac = 0, frac_digits = 0;
  gboolean seen_digit = FALSE, seen_dot = FALSE;

  if (text == NULL)
    return FALSE;

  for (p = text; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == ' ' || c == ',' || c == 0xa5 || c == 0xffe5 || c == 0x5143 /* 元 */)
        continue;
      g_string_append_unichar (clean, c);
    }

  for (p = clean->str; *p; p++)
    {
      if (*p >= '0' && *p <= '9')
        {
          seen_digit = TRUE;
          if (seen_dot)
            {
              if (++frac_digits > 2)
                return FALSE;
              frac = frac * 10 + (guint) (*p - '0');
            }
          else
            {
              whole = whole * 10 + (guint64) (*p - '0');
              if (whole > 100000000)
                return FALSE;
            }
        }
      else if (*p == '.' && !seen_dot)
        seen_dot = TRUE;
      else
        return FALSE;
    }
  if (!seen_digit)
    return FALSE;
  if (frac_digits == 1)
    frac *= 10;
  *cents = (gint64) (whole * 100 + frac);
  return TRUE;
}
