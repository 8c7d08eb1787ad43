/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "kefu-tracking"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "kefu-error.h"
#include "kefu-tracking.h"

#define MIN_LENGTH 8
#define MAX_LENGTH 30

char *
kefu_tracking_normalize (const char *text)
{
  g_autoptr(GString) out = NULL;

  if (text == NULL)
    return NULL;

  out = g_string_new (NULL);
  for (const char *p = text; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == (gunichar) -1 || c == (gunichar) -2)
        break;
      /* Full-width letters and digits, as typed with a Chinese IME. */
      if (c >= 0xff01 && c <= 0xff5e)
        c -= 0xfee0;
      if (g_unichar_isspace (c) || c == '-' || c == 0x3000 || c == 0x2014 || c == 0x2013)
        continue;
      if (c < 0x80)
        g_string_append_c (out, g_ascii_toupper ((char) c));
      else
        g_string_append_unichar (out, c);
    }
  if (out->len == 0)
    return NULL;
  return g_string_free (g_steal_pointer (&out), FALSE);
}

char
kefu_tracking_s10_check_digit (const char *digits)
{
  static const int weights[8] = { 8, 6, 4, 2, 3, 5, 9, 7 };
  int sum = 0, check;

  if (digits == NULL)
    return 0;
  for (guint i = 0; i < 8; i++)
    {
      if (!g_ascii_isdigit (digits[i]))
        return 0;
      sum += (digits[i] - '0') * weights[i];
    }
  check = 11 - sum % 11;
  if (check == 10)
    check = 0;
  else if (check == 11)
    check = 5;
  return (char) ('0' + check);
}

static gboolean
has_s10_shape (const char *n)
{
  if (n == NULL || strlen (n) != 13)
    return FALSE;
  for (guint i = 0; i < 13; i++)
    {
      gboolean letter = i < 2 || i >= 11;

      if (letter ? !g_ascii_isupper (n[i]) : !g_ascii_isdigit (n[i]))
        return FALSE;
    }
  return TRUE;
}

gboolean
kefu_tracking_looks_like_s10 (const char *text)
{
  g_autofree char *n = kefu_tracking_normalize (text);

  return has_s10_shape (n);
}

gboolean
kefu_tracking_is_s10 (const char *text)
{
  g_autofree char *n = kefu_tracking_normalize (text);

  return has_s10_shape (n) && kefu_tracking_s10_check_digit (n + 2) == n[10];
}

gboolean
kefu_tracking_validate (const char  *text,
                        GError     **error)
{
  g_autofree char *n = kefu_tracking_normalize (text);
  glong len;

  if (n == NULL)
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID, _("Enter the tracking number."));
      return FALSE;
    }
  for (const char *p = n; *p; p++)
    if (!g_ascii_isalnum (*p))
      {
        g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID,
                     _("“%s” is not a tracking number: a tracking number holds only letters and digits."), text);
        return FALSE;
      }
  if (has_s10_shape (n))
    {
      if (kefu_tracking_s10_check_digit (n + 2) != n[10])
        {
          g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID,
                       _("The check digit of the postal tracking number %s is wrong, so a character was mistyped. Check the number with the customer."),
                       n);
          return FALSE;
        }
      return TRUE;
    }
  len = (glong) strlen (n);
  if (len < MIN_LENGTH || len > MAX_LENGTH)
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID,
                   _("A tracking number has 8 to 30 letters and digits; “%s” has %ld."), text, len);
      return FALSE;
    }
  return TRUE;
}
