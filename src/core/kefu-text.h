/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* TRUE when @text is NULL, empty or only white space (any script's). */
gboolean  kefu_text_is_blank        (const char *text);

/* Mainland phone numbers: strips spaces, dashes, dots, brackets and a
 * leading +86 / 0086 / 86 (before an 11-digit mobile). Returns NULL when
 * @text holds no digits or characters other than those. */
char     *kefu_phone_normalize      (const char *text);
gboolean  kefu_phone_is_plausible   (const char *normalized);
gboolean  kefu_text_looks_like_phone (const char *text);

/* Appends the search tokens of @text to @out, lower-cased: for each
 * character of a run of letters, digits and ideographs (of any script,
 * mixed), the token it starts: two characters from a letter or
 * ideograph, four from a digit, fewer at the end of the run. Any fragment
 * of a run is then a phrase of these tokens (see kefu-text.c). */
void      kefu_search_tokens_append (GString    *out,
                                     const char *text);

/* Builds an FTS5 MATCH expression from what the user typed, or NULL when
 * it has nothing to search for. Phone-like input is normalised first. */
char     *kefu_search_build_match   (const char *query);

/* A sort key that orders Chinese names by pinyin for the common
 * characters (GB2312 level 1 is in pinyin order) and Latin names
 * case-insensitively. */
GBytes   *kefu_sort_key_for         (const char *name);

/* The plain figure, "12800.50", that kefu_parse_money() reads back:
 * for entry fields and files. */
char     *kefu_format_money         (gint64      cents);
/* The one way an amount is shown: "¥12,800.50", grouped the locale's way. */
char     *kefu_format_amount        (gint64      cents);
/* Any phone number the one way Kefu shows them: 138 1234 5678,
 * 025-8466 1234, 0755-8300 0000; what is not a phone comes back as is. */
char     *kefu_format_phone         (const char *phone);
gboolean  kefu_parse_money          (const char *text,
                                     gint64     *cents);

G_END_DECLS
