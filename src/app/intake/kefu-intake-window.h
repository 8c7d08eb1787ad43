/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "kefu-db.h"

G_BEGIN_DECLS

#define KEFU_TYPE_INTAKE_WINDOW (kefu_intake_window_get_type ())
G_DECLARE_FINAL_TYPE (KefuIntakeWindow, kefu_intake_window, KEFU, INTAKE_WINDOW, AdwWindow)

/* Intake (受理): find the caller as you type, take the case, save it with
 * Ctrl+Enter. Not modal, so the agent can keep looking things up in the
 * main window.
 *
 * Signals:
 *   "open-case"     (const char *case_id) the agent wants to see a case
 *   "case-created"  (const char *case_id) a case was saved */
GtkWindow  *kefu_intake_window_new             (GtkWindow        *parent,
                                                KefuDb           *db);
/* Fills the caller search with @text (a phone number in any form, a name,
 * a tracking or case number) and looks the caller up at once; a finished
 * intake starts over first. */
void        kefu_intake_window_set_caller      (KefuIntakeWindow *self,
                                                const char       *text);
/* The customer the case will be filed for, when an existing file is
 * chosen; NULL while none is, or for a new customer. Transfer none. */
const char *kefu_intake_window_get_customer_id (KefuIntakeWindow *self);
/* The id of the case saved last, or NULL. Transfer none. */
const char *kefu_intake_window_get_case_id     (KefuIntakeWindow *self);
/* Whether the form holds text that has not been saved. */
gboolean    kefu_intake_window_has_unsaved     (KefuIntakeWindow *self);

G_END_DECLS
