/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "kefu-db.h"

G_BEGIN_DECLS

#define KEFU_TYPE_COURSE_EDITOR (kefu_course_editor_get_type ())
G_DECLARE_FINAL_TYPE (KefuCourseEditor, kefu_course_editor, KEFU, COURSE_EDITOR, AdwWindow)

/* The course builder for trainers and administrators: title, pass mark,
 * time limit, retakes and (for a skills contest) its window; lessons (a
 * knowledge article or own text) and questions of every kind. A new
 * course is created by the first Save; lessons and questions are saved
 * one at a time as their dialogs close. Emits "changed" after each
 * write. @course_id NULL: a new course (a contest with @contest). */
GtkWindow *kefu_course_editor_new (GtkWindow  *parent,
                                   KefuDb     *db,
                                   const char *course_id,
                                   gboolean    contest);

G_END_DECLS
