/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "kefu-customers.h"
#include "kefu-db.h"

G_BEGIN_DECLS

/* The customer view's dialogs. Each is a modal window transient for
 * @parent; each emits "changed" (no arguments) after it wrote to the
 * database, so the view can reload. */

/* CSV import: choose a file, preview, map columns, validate with a
 * per-row report, import in one transaction. */
GtkWindow *kefu_import_dialog_new        (GtkWindow *parent,
                                          KefuDb    *db);
/* For the UI tests: opens @path as if it had been chosen. */
void       _kefu_import_dialog_open_path (GtkWindow  *dialog,
                                          const char *path);
/* Likely duplicates (same phone, or same name and address), each pair
 * with a side-by-side view and Merge. */
GtkWindow *kefu_duplicates_dialog_new    (GtkWindow *parent,
                                          KefuDb    *db);
/* All customers of one account manager to another. */
GtkWindow *kefu_reassign_dialog_new      (GtkWindow *parent,
                                          KefuDb    *db);
/* Admin: edit, reorder, enable and disable segmentation rules. */
GtkWindow *kefu_segment_rules_dialog_new (GtkWindow *parent,
                                          KefuDb    *db);

/* Asks for a file name, then exports the customers matching @query in
 * @format ("csv" or "xlsx") off the main thread; a toast reports the
 * result. */
void       kefu_export_list              (GtkWindow               *parent,
                                          KefuDb                  *db,
                                          const KefuCustomerQuery *query,
                                          const char              *format);

G_END_DECLS
