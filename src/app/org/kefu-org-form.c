/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "kefu-org-form"

#include "config.h"

#include <glib/gi18n.h>

#include "kefu-org-form.h"

struct _KefuOrgForm
{
  AdwWindow            parent_instance;

  GtkLabel            *error_label;
  AdwPreferencesGroup *group;
  GtkWidget           *save_button;
  GHashTable          *fields;       /* key → row widget */
  KefuOrgFormSaveFunc  save;
  gpointer             user_data;
  GDestroyNotify       destroy;
};

G_DEFINE_FINAL_TYPE (KefuOrgForm, kefu_org_form, ADW_TYPE_WINDOW)

enum { SAVED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
save_clicked_cb (KefuOrgForm *self)
{
  g_autoptr(GError) error = NULL;

  kefu_org_form_save (self, &error);
}

static void
kefu_org_form_dispose (GObject *object)
{
  KefuOrgForm *self = KEFU_ORG_FORM (object);

  if (self->destroy && self->user_data)
    self->destroy (self->user_data);
  self->user_data = NULL;
  g_clear_pointer (&self->fields, g_hash_table_unref);
  G_OBJECT_CLASS (kefu_org_form_parent_class)->dispose (object);
}

static void
kefu_org_form_class_init (KefuOrgFormClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = kefu_org_form_dispose;
  signals[SAVED] = g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  gtk_widget_class_add_binding_action (GTK_WIDGET_CLASS (klass), GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
kefu_org_form_init (KefuOrgForm *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *cancel = gtk_button_new_with_mnemonic (_("_Cancel"));
  GtkWidget *page = adw_preferences_page_new ();

  self->fields = g_hash_table_new (g_str_hash, g_str_equal);
  self->save_button = gtk_button_new ();
  gtk_widget_add_css_class (self->save_button, "suggested-action");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (cancel), "window.close");
  g_signal_connect_swapped (self->save_button, "clicked", G_CALLBACK (save_clicked_cb), self);
  adw_header_bar_set_show_end_title_buttons (ADW_HEADER_BAR (header), FALSE);
  adw_header_bar_set_show_start_title_buttons (ADW_HEADER_BAR (header), FALSE);
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), cancel);
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), self->save_button);
  gtk_box_append (GTK_BOX (box), header);

  /* Why the last save was refused: above the fields, never covering
   * them, and replaced by the next message. */
  self->error_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->error_label, TRUE);
  gtk_label_set_xalign (self->error_label, 0);
  gtk_widget_add_css_class (GTK_WIDGET (self->error_label), "error");
  gtk_widget_set_margin_top (GTK_WIDGET (self->error_label), 12);
  gtk_widget_set_margin_start (GTK_WIDGET (self->error_label), 18);
  gtk_widget_set_margin_end (GTK_WIDGET (self->error_label), 18);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->error_label));
  self->group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), self->group);
  gtk_widget_set_vexpand (page, TRUE);
  gtk_box_append (GTK_BOX (box), page);
  adw_window_set_content (ADW_WINDOW (self), box);
  gtk_window_set_modal (GTK_WINDOW (self), TRUE);
  gtk_window_set_default_size (GTK_WINDOW (self), 480, 160);
  gtk_window_set_default_widget (GTK_WINDOW (self), self->save_button);
}

KefuOrgForm *
kefu_org_form_new (GtkWindow           *parent,
                   const char          *title,
                   const char          *save_label,
                   KefuOrgFormSaveFunc  save,
                   gpointer             user_data,
                   GDestroyNotify       destroy)
{
  KefuOrgForm *self = g_object_new (KEFU_TYPE_ORG_FORM, "transient-for", parent, "title", title, NULL);

  gtk_button_set_use_underline (GTK_BUTTON (self->save_button), TRUE);
  gtk_button_set_label (GTK_BUTTON (self->save_button), save_label);
  self->save = save;
  self->user_data = user_data;
  self->destroy = destroy;
  return self;
}

static void
add_field (KefuOrgForm *self,
           const char  *key,
           GtkWidget   *row)
{
  adw_preferences_group_add (self->group, row);
  /* Tall enough for every row without scrolling. */
  gtk_window_set_default_size (GTK_WINDOW (self), 480, 160 + 58 * (int) (g_hash_table_size (self->fields) + 1));
  g_hash_table_insert (self->fields, (gpointer) g_intern_string (key), row);
  if (g_hash_table_size (self->fields) == 1)
    gtk_widget_grab_focus (row);
}

void
kefu_org_form_add_entry (KefuOrgForm *self,
                         const char  *key,
                         const char  *label,
                         const char  *value)
{
  GtkWidget *row = adw_entry_row_new ();

  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (row), TRUE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), label);
  gtk_editable_set_text (GTK_EDITABLE (row), value ? value : "");
  adw_entry_row_set_activates_default (ADW_ENTRY_ROW (row), TRUE);
  add_field (self, key, row);
}

void
kefu_org_form_add_choice (KefuOrgForm        *self,
                          const char         *key,
                          const char         *label,
                          const char * const *labels,
                          guint               selected)
{
  GtkWidget *row = adw_combo_row_new ();
  g_autoptr(GtkStringList) model = gtk_string_list_new (labels);

  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (row), TRUE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), label);
  adw_combo_row_set_model (ADW_COMBO_ROW (row), G_LIST_MODEL (model));
  adw_combo_row_set_selected (ADW_COMBO_ROW (row), selected);
  add_field (self, key, row);
}

void
kefu_org_form_add_switch (KefuOrgForm *self,
                          const char  *key,
                          const char  *label,
                          gboolean     active)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *sw = gtk_switch_new ();

  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (row), TRUE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), label);
  gtk_switch_set_active (GTK_SWITCH (sw), active);
  gtk_widget_set_valign (sw, GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), sw);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), sw);
  g_object_set_data (G_OBJECT (row), "switch", sw);
  add_field (self, key, row);
}

static GtkWidget *
field (KefuOrgForm *self,
       const char  *key)
{
  GtkWidget *row = g_hash_table_lookup (self->fields, g_intern_string (key));

  g_return_val_if_fail (row != NULL, NULL);
  return row;
}

const char *
kefu_org_form_get_text (KefuOrgForm *self,
                        const char  *key)
{
  return gtk_editable_get_text (GTK_EDITABLE (field (self, key)));
}

void
kefu_org_form_set_text (KefuOrgForm *self,
                        const char  *key,
                        const char  *text)
{
  gtk_editable_set_text (GTK_EDITABLE (field (self, key)), text);
}

guint
kefu_org_form_get_choice (KefuOrgForm *self,
                          const char  *key)
{
  return adw_combo_row_get_selected (ADW_COMBO_ROW (field (self, key)));
}

void
kefu_org_form_set_choice (KefuOrgForm *self,
                          const char  *key,
                          guint        selected)
{
  adw_combo_row_set_selected (ADW_COMBO_ROW (field (self, key)), selected);
}

gboolean
kefu_org_form_get_switch (KefuOrgForm *self,
                          const char  *key)
{
  return gtk_switch_get_active (g_object_get_data (G_OBJECT (field (self, key)), "switch"));
}

void
kefu_org_form_set_switch (KefuOrgForm *self,
                          const char  *key,
                          gboolean     active)
{
  gtk_switch_set_active (g_object_get_data (G_OBJECT (field (self, key)), "switch"), active);
}

gboolean
kefu_org_form_save (KefuOrgForm  *self,
                    GError      **error)
{
  GError *local = NULL;

  if (!self->save (self, self->user_data, &local))
    {
      gtk_label_set_label (self->error_label, local->message);
      gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
      g_propagate_error (error, local);
      return FALSE;
    }
  g_signal_emit (self, signals[SAVED], 0);
  gtk_window_close (GTK_WINDOW (self));
  return TRUE;
}
