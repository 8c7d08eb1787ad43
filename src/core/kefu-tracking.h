/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Tracking numbers (运单号). UPU S10 numbers — two letters, eight digits, a
 * check digit, two letters (EMS and the postal networks: EE123456785CN) —
 * are checked including the check digit; other carriers' numbers (8 to 30
 * letters and digits) are accepted as typed. */

/* Upper-cases and drops spaces and dashes (full-width ones too).
 * Returns: (transfer full) (nullable): NULL for blank input */
char     *kefu_tracking_normalize        (const char *text);
/* TRUE for a well-formed S10 number with the right check digit. */
gboolean  kefu_tracking_is_s10           (const char *text);
/* TRUE when @text has the S10 shape, whatever its check digit. */
gboolean  kefu_tracking_looks_like_s10   (const char *text);
/* The check digit ('0'…'9') for the eight serial digits, or 0 when
 * @digits is not eight digits. Weights 8 6 4 2 3 5 9 7; 11 − (sum mod
 * 11), where 10 gives 0 and 11 gives 5. */
char      kefu_tracking_s10_check_digit  (const char *digits);
/* KEFU_ERROR_INVALID with a sentence saying what is wrong. */
gboolean  kefu_tracking_validate         (const char *text,
                                          GError    **error);

G_END_DECLS
