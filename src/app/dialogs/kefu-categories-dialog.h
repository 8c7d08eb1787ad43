/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "kefu-db.h"

G_BEGIN_DECLS

#define KEFU_TYPE_CATEGORIES_DIALOG (kefu_categories_dialog_get_type ())
G_DECLARE_FINAL_TYPE (KefuCategoriesDialog, kefu_categories_dialog, KEFU, CATEGORIES_DIALOG, AdwWindow)

/* Administrators: the case category taxonomy (工单分类): add, rename,
 * reorder, delete. Each change is saved as it is made. */
GtkWindow *kefu_categories_dialog_new          (GtkWindow            *parent,
                                                KefuDb               *db);

/* For tests: the rows, each an AdwEntryRow holding a category's name;
 * editing its text and emitting "apply" renames it. */
guint      _kefu_categories_dialog_get_n_rows  (KefuCategoriesDialog *self);
GtkWidget *_kefu_categories_dialog_get_row     (KefuCategoriesDialog *self,
                                                guint                 index);
/* Types @name into the "Add a Category" row and applies it. */
void       _kefu_categories_dialog_add         (KefuCategoriesDialog *self,
                                                const char           *name);

G_END_DECLS
