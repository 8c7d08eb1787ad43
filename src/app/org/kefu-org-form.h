/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define KEFU_TYPE_ORG_FORM (kefu_org_form_get_type ())
G_DECLARE_FINAL_TYPE (KefuOrgForm, kefu_org_form, KEFU, ORG_FORM, AdwWindow)

/* Writes the form's values; FALSE with @error keeps the form open and
 * shows the message in it. */
typedef gboolean (*KefuOrgFormSaveFunc) (KefuOrgForm  *form,
                                         gpointer      user_data,
                                         GError      **error);

/* A small modal form of the organisation page: entry, choice and switch
 * rows under one title, Cancel and a save button. */
KefuOrgForm *kefu_org_form_new         (GtkWindow           *parent,
                                        const char          *title,
                                        const char          *save_label,
                                        KefuOrgFormSaveFunc  save,
                                        gpointer             user_data,
                                        GDestroyNotify       destroy);
void         kefu_org_form_add_entry   (KefuOrgForm *self,
                                        const char  *key,
                                        const char  *label,
                                        const char  *value);
/* @labels: NULL-terminated */
void         kefu_org_form_add_choice  (KefuOrgForm        *self,
                                        const char         *key,
                                        const char         *label,
                                        const char * const *labels,
                                        guint               selected);
void         kefu_org_form_add_switch  (KefuOrgForm *self,
                                        const char  *key,
                                        const char  *label,
                                        gboolean     active);
const char  *kefu_org_form_get_text    (KefuOrgForm *self,
                                        const char  *key);
void         kefu_org_form_set_text    (KefuOrgForm *self,
                                        const char  *key,
                                        const char  *text);
guint        kefu_org_form_get_choice  (KefuOrgForm *self,
                                        const char  *key);
void         kefu_org_form_set_choice  (KefuOrgForm *self,
                                        const char  *key,
                                        guint        selected);
gboolean     kefu_org_form_get_switch  (KefuOrgForm *self,
                                        const char  *key);
void         kefu_org_form_set_switch  (KefuOrgForm *self,
                                        const char  *key,
                                        gboolean     active);
/* What the save button does; on success the form emits "saved" and
 * closes. */
gboolean     kefu_org_form_save        (KefuOrgForm  *self,
                                        GError      **error);

G_END_DECLS
