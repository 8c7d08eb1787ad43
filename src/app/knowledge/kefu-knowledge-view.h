/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "kefu-db.h"

G_BEGIN_DECLS

/* The knowledge base view (知识库): a ranked search with filters, the
 * article page (rendered Markdown, usage, review actions by role), the
 * editor (GtkSourceView with a live preview), version history with
 * compare and restore, and for trainers the questions without an answer. */

#define KEFU_TYPE_KNOWLEDGE_VIEW (kefu_knowledge_view_get_type ())
G_DECLARE_FINAL_TYPE (KefuKnowledgeView, kefu_knowledge_view, KEFU, KNOWLEDGE_VIEW, GtkWidget)

KefuKnowledgeView *kefu_knowledge_view_new          (KefuDb            *db);
/* Reads the signed-in user's role again and searches again. */
void               kefu_knowledge_view_reload       (KefuKnowledgeView *self);
void               kefu_knowledge_view_show_article (KefuKnowledgeView *self,
                                                     const char        *id);
/* For tests: the search entry and the number of results listed. */
GtkEditable       *kefu_knowledge_view_get_search   (KefuKnowledgeView *self);
guint              kefu_knowledge_view_get_n_results (KefuKnowledgeView *self);
/* For tests: opens the editor on a new article with this content and
 * saves it (as the Save button does). Returns: the id, or NULL. */
char              *kefu_knowledge_view_write        (KefuKnowledgeView *self,
                                                     const char        *title,
                                                     const char        *body);
/* For tests: edits the article shown (Edit, or Edit Revision) with this
 * body and note on what changed, and saves it. Returns: the id, or NULL. */
char              *kefu_knowledge_view_revise       (KefuKnowledgeView *self,
                                                     const char        *body,
                                                     const char        *note);

G_END_DECLS
