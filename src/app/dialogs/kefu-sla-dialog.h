/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "kefu-db.h"

G_BEGIN_DECLS

#define KEFU_TYPE_SLA_DIALOG (kefu_sla_dialog_get_type ())
G_DECLARE_FINAL_TYPE (KefuSlaDialog, kefu_sla_dialog, KEFU, SLA_DIALOG, AdwWindow)

/* Administrators: the service standards (time limits per kind × segment
 * × priority) and the business calendar (working hours, days off each
 * week, holidays and make-up working days). Every change is saved as it
 * is made, one transaction each. */
GtkWindow *kefu_sla_dialog_new                (GtkWindow     *parent,
                                               KefuDb        *db);

/* For tests: what a click does. */
GtkWindow *_kefu_sla_dialog_edit_policy       (KefuSlaDialog *self,
                                               const char    *policy_id);
guint      _kefu_sla_dialog_get_n_policies    (KefuSlaDialog *self);
void       _kefu_sla_dialog_show_page         (KefuSlaDialog *self,
                                               const char    *name);
void       _kefu_sla_dialog_show_year         (KefuSlaDialog *self,
                                               int            year);
guint      _kefu_sla_dialog_get_n_days        (KefuSlaDialog *self);
void       _kefu_sla_dialog_set_new_day       (KefuSlaDialog *self,
                                               const char    *iso_date,
                                               gboolean       workday,
                                               const char    *name);

G_END_DECLS
