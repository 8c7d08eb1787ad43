/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "kefu-db.h"

G_BEGIN_DECLS

/* "Suggested articles": the published knowledge articles that best fit
 * a case's words, updated as the agent types (debounced; the search runs
 * in a worker thread on its own connection). A click on a title opens the
 * article; "This answered it" links the article to the case set, or, at
 * intake, to the case once it is saved. */

#define KEFU_TYPE_KB_SUGGESTIONS (kefu_kb_suggestions_get_type ())
G_DECLARE_FINAL_TYPE (KefuKbSuggestions, kefu_kb_suggestions, KEFU, KB_SUGGESTIONS, GtkWidget)

GtkWidget *kefu_kb_suggestions_new        (KefuDb            *db);
/* Suggests for @subject and @description (either may be NULL), after a
 * short pause when @debounce. */
void       kefu_kb_suggestions_set_text   (KefuKbSuggestions *self,
                                           const char        *subject,
                                           const char        *description,
                                           const char        *case_kind,
                                           gboolean           debounce);
/* Follows what is typed into @subject and @description. */
void       kefu_kb_suggestions_watch      (KefuKbSuggestions *self,
                                           GtkEditable       *subject,
                                           GtkTextBuffer     *description);
void       kefu_kb_suggestions_set_case   (KefuKbSuggestions *self,
                                           const char        *case_id);
/* Links the articles marked "This answered it" before the case existed
 * (at intake) to @case_id, the case just saved. */
void       kefu_kb_suggestions_case_saved (KefuKbSuggestions *self,
                                           const char        *case_id);
/* The titles shown now (for tests). Transfer full. */
GStrv      kefu_kb_suggestions_get_titles (KefuKbSuggestions *self);

/* Opens the article in a window of its own above @parent. */
void       kefu_kb_show_article           (GtkWidget         *parent,
                                           KefuDb            *db,
                                           const char        *article_id);

G_END_DECLS
