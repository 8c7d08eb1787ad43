/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "kefu-db.h"
#include "kefu-sync-client.h"

G_BEGIN_DECLS

#define KEFU_TYPE_CONFLICTS_DIALOG (kefu_conflicts_dialog_get_type ())
G_DECLARE_FINAL_TYPE (KefuConflictsDialog, kefu_conflicts_dialog, KEFU, CONFLICTS_DIALOG, AdwWindow)

/* The open conflicts, both sides of each; supervisors and administrators
 * resolve them. Returns: (transfer none) a new window; present it. */
GtkWindow *kefu_conflicts_dialog_new              (GtkWindow      *parent,
                                                   KefuDb         *db,
                                                   KefuSyncClient *client);
/* For tests. */
guint      _kefu_conflicts_dialog_get_n_rows      (KefuConflictsDialog *self);
void       _kefu_conflicts_dialog_resolve         (KefuConflictsDialog *self,
                                                   guint                index,
                                                   gboolean             use_other);

G_END_DECLS
