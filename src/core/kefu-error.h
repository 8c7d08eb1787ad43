/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define KEFU_ERROR (kefu_error_quark ())

/**
 * KefuError:
 * @KEFU_ERROR_INVALID: the input is not acceptable; the message says why
 * @KEFU_ERROR_NOT_FOUND: the row asked for does not exist (or is deleted)
 * @KEFU_ERROR_CONFLICT: the row changed since it was read
 * @KEFU_ERROR_DATABASE: SQLite failed
 * @KEFU_ERROR_IO: a file could not be read or written
 * @KEFU_ERROR_PARSE: a file could not be parsed
 * @KEFU_ERROR_PERMISSION: the signed-in role may not do this
 */
typedef enum
{
  KEFU_ERROR_INVALID,
  KEFU_ERROR_NOT_FOUND,
  KEFU_ERROR_CONFLICT,
  KEFU_ERROR_DATABASE,
  KEFU_ERROR_IO,
  KEFU_ERROR_PARSE,
  KEFU_ERROR_PERMISSION,
} KefuError;

GQuark kefu_error_quark (void);

/* Set @error to KEFU_ERROR_INVALID (bad input) or KEFU_ERROR_PERMISSION
 * (the role may not do this) with @message, already translated, and return
 * %FALSE, so that a check reads `return kefu_error_invalid (error, _("…"));`. */
gboolean kefu_error_invalid (GError     **error,
                             const char  *message);
gboolean kefu_error_denied  (GError     **error,
                             const char  *message);

/* g_set_str() arrived in GLib 2.76; we target 2.74. */
static inline gboolean
kefu_set_str (char       **str_pointer,
              const char  *new_str)
{
  char *copy;

  if (*str_pointer == new_str || g_strcmp0 (*str_pointer, new_str) == 0)
    return FALSE;
  copy = g_strdup (new_str);
  g_free (*str_pointer);
  *str_pointer = copy;
  return TRUE;
}

G_END_DECLS
