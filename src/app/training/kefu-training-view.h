/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "kefu-db.h"

G_BEGIN_DECLS

#define KEFU_TYPE_TRAINING_VIEW (kefu_training_view_get_type ())
G_DECLARE_FINAL_TYPE (KefuTrainingView, kefu_training_view, KEFU, TRAINING_VIEW, GtkWidget)

/* The Training view (培训): My Training for everyone; courses, completion
 * and assignments for trainers, supervisors and administrators; skills
 * contests with their leaderboards. */
KefuTrainingView *kefu_training_view_new          (KefuDb           *db);
/* Re-reads everything for the signed-in user (after a switch of user). */
void              kefu_training_view_reload       (KefuTrainingView *self);
/* "mine", "courses", "completion" or "contests". */
void              kefu_training_view_show_section (KefuTrainingView *self,
                                                   const char       *name);
/* Opens the course for the signed-in learner; with @preview, as a
 * learner would see it, recording nothing. */
void              kefu_training_view_open_course  (KefuTrainingView *self,
                                                   const char       *course_id,
                                                   gboolean          preview);

/* For the UI tests: drive the player as a learner would. */
void              _kefu_training_view_begin_quiz  (KefuTrainingView *self);
void              _kefu_training_view_answer      (KefuTrainingView *self,
                                                   guint             question,
                                                   guint             choices,
                                                   const char       *text);
void              _kefu_training_view_submit      (KefuTrainingView *self);
gint              _kefu_training_view_get_score   (KefuTrainingView *self);
guint             _kefu_training_view_get_n_rows  (KefuTrainingView *self,
                                                   const char       *list);
void              _kefu_training_view_select_contest (KefuTrainingView *self,
                                                      const char       *course_id);

G_END_DECLS
