/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "kefu-application.h"

G_BEGIN_DECLS

#define KEFU_TYPE_WINDOW (kefu_window_get_type ())
G_DECLARE_FINAL_TYPE (KefuWindow, kefu_window, KEFU, WINDOW, AdwApplicationWindow)

KefuWindow *kefu_window_new           (KefuApplication *app);
KefuDb     *kefu_window_get_db        (KefuWindow      *self);
const char *kefu_window_get_role      (KefuWindow      *self);
void        kefu_window_add_toast     (KefuWindow      *self,
                                       AdwToast        *toast);
GtkWidget  *kefu_window_get_customers_view (KefuWindow *self);
GtkWidget  *kefu_window_get_cases_view (KefuWindow *self);
GtkWidget  *kefu_window_get_org_view  (KefuWindow      *self);
GtkWidget  *kefu_window_get_training_view (KefuWindow *self);
/* NULL unless a supervisor or administrator is signed in. */
GtkWidget  *kefu_window_get_dashboard_view (KefuWindow *self);
GtkWidget  *kefu_window_get_assessment_view (KefuWindow *self);
/* Switches to the Cases view and opens the case. */
void        kefu_window_show_case     (KefuWindow      *self,
                                       const char      *id);
void        kefu_window_show_view     (KefuWindow      *self,
                                       const char      *name);

/* Intake (受理): opens the intake window, or brings the open one forward.
 * With @caller (a phone number in any form, a name, a tracking or case
 * number) the caller is looked up at once, as the screen pop does; a call
 * that comes in while another intake holds unsaved text gets a window of
 * its own. */
void        kefu_window_open_intake   (KefuWindow      *self,
                                       const char      *caller);


/* Shows @message as a toast in the window that holds @widget. */
void        kefu_toast                (GtkWidget       *widget,
                                       const char      *message);
void        kefu_toast_error          (GtkWidget       *widget,
                                       const GError    *error);
/* Whether the signed-in user's role may do @what ("delete", "merge",
 * "reassign", "import", "segment-rules"; administrators only: "sla",
 * "categories", "org"). */
gboolean    kefu_window_may           (GtkWidget       *widget,
                                       const char      *what);

/* Runs the service-standards check now and refreshes the notifications. */
void        kefu_window_check_sla     (KefuWindow      *self);
GtkWidget  *kefu_window_get_notifications_button (KefuWindow *self);
GtkWidget  *kefu_window_get_sync_button (KefuWindow *self);

G_END_DECLS
