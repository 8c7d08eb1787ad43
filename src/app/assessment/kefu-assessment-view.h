/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "kefu-assessment.h"

G_BEGIN_DECLS

#define KEFU_TYPE_ASSESSMENT_VIEW (kefu_assessment_view_get_type ())
G_DECLARE_FINAL_TYPE (KefuAssessmentView, kefu_assessment_view, KEFU, ASSESSMENT_VIEW, GtkWidget)

/* The Assessment view (考核): the rounds, the people the signed-in user
 * may rate (as supervisor, peer or subordinate) or whose results they
 * may see, the rating dialog and the result sheet with the history of
 * rounds. */
KefuAssessmentView *kefu_assessment_view_new       (KefuDb             *db);
void                kefu_assessment_view_reload    (KefuAssessmentView *self);
/* The round shown (NULL when there is none). */
const char         *kefu_assessment_view_get_round (KefuAssessmentView *self);
/* Opens the rating dialog for @staff_id as @kind; returns it. */
AdwMessageDialog   *kefu_assessment_view_rate      (KefuAssessmentView *self,
                                                    const char         *staff_id,
                                                    KefuRaterKind       kind);
/* Fills the open rating dialog (for tests, as a user would). */
void                kefu_assessment_rate_dialog_fill (AdwMessageDialog *dialog,
                                                      const int         scores[KEFU_N_DIMS],
                                                      const char       *comment);
/* Opens @staff_id's result sheet; returns the window. */
GtkWindow          *kefu_assessment_view_show_result (KefuAssessmentView *self,
                                                      const char         *staff_id);
/* How many people the list offers. */
guint               kefu_assessment_view_get_n_people (KefuAssessmentView *self);

G_END_DECLS
