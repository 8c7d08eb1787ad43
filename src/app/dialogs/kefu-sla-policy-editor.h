/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "kefu-sla.h"

G_BEGIN_DECLS

#define KEFU_TYPE_SLA_POLICY_EDITOR (kefu_sla_policy_editor_get_type ())
G_DECLARE_FINAL_TYPE (KefuSlaPolicyEditor, kefu_sla_policy_editor, KEFU, SLA_POLICY_EDITOR, AdwWindow)

/* Edits one service standard (@policy %NULL: a new one). Emits "saved"
 * (the policy id) after it wrote to the database, then closes. */
GtkWindow *kefu_sla_policy_editor_new   (GtkWindow            *parent,
                                         KefuDb               *db,
                                         const KefuSlaPolicy  *policy);
/* What Save does; the form stays open when it fails. */
gboolean   kefu_sla_policy_editor_save  (KefuSlaPolicyEditor  *self,
                                         GError              **error);

/* The units the times are entered in. */
typedef enum
{
  KEFU_SLA_UNIT_HOURS,
  KEFU_SLA_UNIT_DAYS,
} KefuSlaUnit;

/* For tests: fills the form as a user would. */
void       _kefu_sla_policy_editor_set_times (KefuSlaPolicyEditor *self,
                                              double               first_response,
                                              KefuSlaUnit          first_unit,
                                              double               resolution,
                                              KefuSlaUnit          resolution_unit);

/* "2 h", "1 h 30 min", "3 business days". Returns: (transfer full) */
char      *_kefu_sla_format_minutes     (gint                  minutes);

G_END_DECLS
