/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "kefu-customer-editor"

#include "config.h"

#include <glib/gi18n.h>

#include "kefu-customer-editor.h"
#include "kefu-customer-page.h"
#include "kefu-org.h"
#include "kefu-text.h"

/* The form for a new or an existing customer file. Built in code: the
 * contact rows come and go with the data. */

struct _KefuCustomerEditor
{
  AdwWindow        parent_instance;

  KefuDb          *db;
  KefuCustomer    *customer;      /* the copy being edited */

  AdwToastOverlay *toasts;
  GtkWidget       *save_button;
  AdwComboRow     *kind_row;
  AdwEntryRow     *name_row;
  AdwEntryRow     *company_row;
  AdwEntryRow     *industry_row;
  AdwPreferencesGroup *contacts_group;
  GPtrArray       *contact_rows;  /* AdwEntryRow, data "kind" and "contact-id" */
  AdwComboRow     *manager_row;
  GPtrArray       *manager_ids;
  AdwComboRow     *segment_row;
  AdwEntryRow     *reason_row;
  AdwEntryRow     *volume_row;
  AdwEntryRow     *spend_row;
  AdwEntryRow     *complaints_row;
  GPtrArray       *pref_checks;   /* GtkCheckButton, data "key" */
  AdwEntryRow     *tags_row;
};

enum { SAVED, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (KefuCustomerEditor, kefu_customer_editor, ADW_TYPE_WINDOW)

/* --- helpers --------------------------------------------------------- */

static AdwEntryRow *
entry_row (AdwPreferencesGroup *group,
           const char          *title,
           const char          *text)
{
  GtkWidget *row = adw_entry_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  gtk_editable_set_text (GTK_EDITABLE (row), text ? text : "");
  adw_preferences_group_add (group, row);
  return ADW_ENTRY_ROW (row);
}

static void
remove_contact_clicked_cb (GtkButton          *button,
                           KefuCustomerEditor *self)
{
  GtkWidget *row = gtk_widget_get_ancestor (GTK_WIDGET (button), ADW_TYPE_ENTRY_ROW);

  g_ptr_array_remove (self->contact_rows, row);
  adw_preferences_group_remove (self->contacts_group, row);
}

/* Titled with the contact's label ("Phone (mobile)", "Phone (office)"),
 * so that two numbers keep their kind. */
static AdwEntryRow *
add_contact_row (KefuCustomerEditor *self,
                 const char         *kind,
                 const char         *label,
                 const char         *id,
                 const char         *value)
{
  g_autofree char *title = _kefu_contact_title (kind, label);
  AdwEntryRow *row = entry_row (self->contacts_group, title, value);
  GtkWidget *remove = gtk_button_new_from_icon_name ("list-remove-symbolic");

  gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (remove, "flat");
  gtk_widget_set_tooltip_text (remove, _("Remove"));
  g_signal_connect (remove, "clicked", G_CALLBACK (remove_contact_clicked_cb), self);
  adw_entry_row_add_suffix (row, remove);
  if (g_strcmp0 (kind, "phone") == 0)
    gtk_editable_set_width_chars (GTK_EDITABLE (row), 16);
  g_object_set_data_full (G_OBJECT (row), "kind", g_strdup (kind), g_free);
  g_object_set_data_full (G_OBJECT (row), "contact-id", g_strdup (id), g_free);
  g_ptr_array_add (self->contact_rows, row);
  return row;
}

static void
add_phone_clicked_cb (KefuCustomerEditor *self)
{
  gtk_widget_grab_focus (GTK_WIDGET (add_contact_row (self, "phone", NULL, NULL, NULL)));
}

static void
add_address_clicked_cb (KefuCustomerEditor *self)
{
  gtk_widget_grab_focus (GTK_WIDGET (add_contact_row (self, "address", NULL, NULL, NULL)));
}

static void
add_email_clicked_cb (KefuCustomerEditor *self)
{
  gtk_widget_grab_focus (GTK_WIDGET (add_contact_row (self, "email", NULL, NULL, NULL)));
}

static void
segment_changed_cb (KefuCustomerEditor *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self->reason_row),
                          adw_combo_row_get_selected (self->segment_row) > 0);
}

static gboolean
parse_count (AdwEntryRow  *row,
             const char   *what,
             gint64       *out,
             GError      **error)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (row));
  g_autofree char *clean = g_strstrip (g_strdup (text));
  guint64 v = 0;

  if (*clean == '\0')
    {
      *out = 0;
      return TRUE;
    }
  if (!g_ascii_string_to_unsigned (clean, 10, 0, G_MAXINT32, &v, NULL))
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID,
                   _("%s must be a whole number of zero or more."), what);
      return FALSE;
    }
  *out = (gint64) v;
  return TRUE;
}

static void
build (KefuCustomerEditor *self)
{
  KefuCustomer *c = self->customer;
  GtkWidget *page = adw_preferences_page_new ();
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *cancel = gtk_button_new_with_mnemonic (_("_Cancel"));
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *buttons;
  AdwPreferencesGroup *group;
  g_autoptr(GtkStringList) kinds = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) managers = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) segments = gtk_string_list_new (NULL);
  g_autoptr(GPtrArray) staff = kefu_org_list_staff (self->db, NULL, NULL);
  const char **keys;
  guint selected = 0;
  g_autofree char *volume = g_strdup_printf ("%" G_GINT64_FORMAT, c->monthly_volume);
  g_autofree char *spend = kefu_format_money (c->monthly_spend_cents);
  g_autofree char *complaints = g_strdup_printf ("%" G_GINT64_FORMAT, c->complaints_12m);

  gtk_window_set_title (GTK_WINDOW (self), c->id ? _("Edit Customer") : _("New Customer"));
  adw_header_bar_set_show_end_title_buttons (ADW_HEADER_BAR (header), FALSE);
  adw_header_bar_set_show_start_title_buttons (ADW_HEADER_BAR (header), FALSE);
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), cancel);
  g_signal_connect_swapped (cancel, "clicked", G_CALLBACK (gtk_window_close), self);
  self->save_button = gtk_button_new_with_mnemonic (_("_Save"));
  gtk_widget_add_css_class (self->save_button, "suggested-action");
  gtk_widget_set_tooltip_text (self->save_button, _("Save (Ctrl+S)"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->save_button), "editor.save");
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), self->save_button);
  gtk_box_append (GTK_BOX (box), header);

  /* Identity */
  group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  adw_preferences_group_set_title (group, _("Identity"));
  self->kind_row = ADW_COMBO_ROW (adw_combo_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->kind_row), _("Kind"));
  gtk_string_list_append (kinds, _("Person"));
  gtk_string_list_append (kinds, _("Enterprise"));
  adw_combo_row_set_model (self->kind_row, G_LIST_MODEL (kinds));
  adw_combo_row_set_selected (self->kind_row, g_strcmp0 (c->kind, "enterprise") == 0 ? 1 : 0);
  adw_preferences_group_add (group, GTK_WIDGET (self->kind_row));
  self->name_row = entry_row (group, _("Name"), c->name);
  self->company_row = entry_row (group, _("Company"), c->company);
  self->industry_row = entry_row (group, _("Industry"), c->industry);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), group);

  /* Contacts */
  self->contacts_group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  adw_preferences_group_set_title (self->contacts_group, _("Contacts"));
  adw_preferences_group_set_description (self->contacts_group,
                                         _("Mobile and landline numbers may be typed with +86, spaces or dashes."));
  buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  {
    GtkWidget *b;

    b = gtk_button_new_with_mnemonic (_("Add _Phone"));
    gtk_widget_add_css_class (b, "flat");
    g_signal_connect_swapped (b, "clicked", G_CALLBACK (add_phone_clicked_cb), self);
    gtk_box_append (GTK_BOX (buttons), b);
    b = gtk_button_new_with_mnemonic (_("Add _Address"));
    gtk_widget_add_css_class (b, "flat");
    g_signal_connect_swapped (b, "clicked", G_CALLBACK (add_address_clicked_cb), self);
    gtk_box_append (GTK_BOX (buttons), b);
    b = gtk_button_new_with_mnemonic (_("Add E-_mail"));
    gtk_widget_add_css_class (b, "flat");
    g_signal_connect_swapped (b, "clicked", G_CALLBACK (add_email_clicked_cb), self);
    gtk_box_append (GTK_BOX (buttons), b);
  }
  for (guint i = 0; i < c->contacts->len; i++)
    {
      KefuContact *contact = g_ptr_array_index (c->contacts, i);

      add_contact_row (self, contact->kind, contact->label, contact->id, contact->value);
    }
  if (c->contacts->len == 0)
    add_contact_row (self, "phone", NULL, NULL, NULL);
  /* Widgets that are not rows go below the group's list. */
  gtk_widget_set_halign (buttons, GTK_ALIGN_END);
  gtk_widget_set_margin_top (buttons, 6);
  adw_preferences_group_add (self->contacts_group, buttons);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), self->contacts_group);

  /* Account */
  group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  adw_preferences_group_set_title (group, _("Account"));
  self->manager_row = ADW_COMBO_ROW (adw_combo_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->manager_row), _("Account manager"));
  gtk_string_list_append (managers, _("None"));
  for (guint i = 0; staff && i < staff->len; i++)
    {
      KefuStaff *s = g_ptr_array_index (staff, i);

      gtk_string_list_append (managers, s->name);
      g_ptr_array_add (self->manager_ids, g_strdup (s->id));
      if (g_strcmp0 (s->id, c->manager_id) == 0)
        selected = i + 1;
    }
  adw_combo_row_set_model (self->manager_row, G_LIST_MODEL (managers));
  adw_combo_row_set_selected (self->manager_row, selected);
  adw_preferences_group_add (group, GTK_WIDGET (self->manager_row));

  self->segment_row = ADW_COMBO_ROW (adw_combo_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->segment_row), _("Segment"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->segment_row),
                               _("Automatic follows the segment rules; any other choice is kept as set by hand."));
  gtk_string_list_append (segments, _("Automatic"));
  keys = kefu_segment_keys ();
  selected = 0;
  for (guint i = 0; keys[i]; i++)
    {
      gtk_string_list_append (segments, kefu_segment_label (keys[i]));
      if (c->segment_manual && g_strcmp0 (keys[i], c->segment) == 0)
        selected = i + 1;
    }
  adw_combo_row_set_model (self->segment_row, G_LIST_MODEL (segments));
  adw_combo_row_set_selected (self->segment_row, selected);
  adw_preferences_group_add (group, GTK_WIDGET (self->segment_row));
  self->reason_row = entry_row (group, _("Why this segment"), c->segment_manual ? c->segment_reason : NULL);
  g_signal_connect_swapped (self->segment_row, "notify::selected", G_CALLBACK (segment_changed_cb), self);
  segment_changed_cb (self);

  self->volume_row = entry_row (group, _("Parcels a month"), volume);
  self->spend_row = entry_row (group, _("Spending a month (yuan)"), spend);
  self->complaints_row = entry_row (group, _("Complaints in 12 months"), complaints);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), group);

  /* Preferences and tags */
  group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  adw_preferences_group_set_title (group, _("What Matters to Them"));
  keys = kefu_preference_keys ();
  {
    g_auto(GStrv) have = g_strsplit (c->preferences ? c->preferences : "", ",", -1);

    for (guint i = 0; keys[i]; i++)
      {
        GtkWidget *row = adw_action_row_new ();
        GtkWidget *check = gtk_check_button_new ();

        adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), kefu_preference_label (keys[i]));
        gtk_check_button_set_active (GTK_CHECK_BUTTON (check), g_strv_contains ((const char * const *) have, keys[i]));
        adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
        adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
        g_object_set_data (G_OBJECT (check), "key", (gpointer) keys[i]);
        g_ptr_array_add (self->pref_checks, check);
        adw_preferences_group_add (group, row);
      }
  }
  self->tags_row = entry_row (group, _("Tags, separated by commas"), c->tags);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), group);

  gtk_widget_set_vexpand (page, TRUE);
  gtk_box_append (GTK_BOX (box), page);
  self->toasts = ADW_TOAST_OVERLAY (adw_toast_overlay_new ());
  adw_toast_overlay_set_child (self->toasts, box);
  adw_window_set_content (ADW_WINDOW (self), GTK_WIDGET (self->toasts));
}

/* --- actions --------------------------------------------------------- */

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  KefuCustomerEditor *self = KEFU_CUSTOMER_EDITOR (widget);
  g_autoptr(GError) error = NULL;

  if (!kefu_customer_editor_save (self, &error))
    {
      AdwToast *toast = adw_toast_new (error->message);

      adw_toast_set_timeout (toast, 10);
      adw_toast_overlay_add_toast (self->toasts, toast);
      return;
    }
  g_signal_emit (self, signals[SAVED], 0, self->customer->id);
  gtk_window_destroy (GTK_WINDOW (self));
}

/* --- GObject --------------------------------------------------------- */

static void
kefu_customer_editor_finalize (GObject *object)
{
  KefuCustomerEditor *self = (KefuCustomerEditor *) object;

  g_clear_pointer (&self->customer, kefu_customer_free);
  g_clear_pointer (&self->contact_rows, g_ptr_array_unref);
  g_clear_pointer (&self->pref_checks, g_ptr_array_unref);
  g_clear_pointer (&self->manager_ids, g_ptr_array_unref);
  g_clear_object (&self->db);
  G_OBJECT_CLASS (kefu_customer_editor_parent_class)->finalize (object);
}

static void
kefu_customer_editor_class_init (KefuCustomerEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = kefu_customer_editor_finalize;

  signals[SAVED] = g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                 0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_install_action (widget_class, "editor.save", NULL, save_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "editor.save", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK, "editor.save", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
kefu_customer_editor_init (KefuCustomerEditor *self)
{
  self->contact_rows = g_ptr_array_new ();
  self->pref_checks = g_ptr_array_new ();
  self->manager_ids = g_ptr_array_new_with_free_func (g_free);
  gtk_window_set_default_size (GTK_WINDOW (self), 620, 760);
  gtk_window_set_modal (GTK_WINDOW (self), TRUE);
}

/* --- public API ------------------------------------------------------ */

GtkWindow *
kefu_customer_editor_new (GtkWindow          *parent,
                          KefuDb             *db,
                          const KefuCustomer *customer)
{
  KefuCustomerEditor *self = g_object_new (KEFU_TYPE_CUSTOMER_EDITOR,
                                           "transient-for", parent,
                                           NULL);

  self->db = g_object_ref (db);
  self->customer = customer ? kefu_customer_copy (customer) : kefu_customer_new ();
  build (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->name_row));
  return GTK_WINDOW (self);
}

/**
 * kefu_customer_editor_save:
 *
 * Reads the form into the customer and writes it. On error nothing is
 * written and the form stays as it is.
 */
gboolean
kefu_customer_editor_save (KefuCustomerEditor  *self,
                           GError             **error)
{
  g_autoptr(KefuCustomer) c = kefu_customer_copy (self->customer);
  g_autoptr(GString) prefs = g_string_new (NULL);
  guint manager = adw_combo_row_get_selected (self->manager_row);
  guint segment = adw_combo_row_get_selected (self->segment_row);
  const char *spend = gtk_editable_get_text (GTK_EDITABLE (self->spend_row));
  const char **keys = kefu_segment_keys ();

  kefu_set_str (&c->kind, adw_combo_row_get_selected (self->kind_row) == 1 ? "enterprise" : "person");
  kefu_set_str (&c->name, gtk_editable_get_text (GTK_EDITABLE (self->name_row)));
  kefu_set_str (&c->company, gtk_editable_get_text (GTK_EDITABLE (self->company_row)));
  kefu_set_str (&c->industry, gtk_editable_get_text (GTK_EDITABLE (self->industry_row)));
  kefu_set_str (&c->tags, gtk_editable_get_text (GTK_EDITABLE (self->tags_row)));
  kefu_set_str (&c->manager_id, manager >= 1 && manager - 1 < self->manager_ids->len
                                ? g_ptr_array_index (self->manager_ids, manager - 1) : NULL);

  if (segment >= 1 && keys[segment - 1] != NULL)
    {
      const char *reason = gtk_editable_get_text (GTK_EDITABLE (self->reason_row));
      g_autofree char *stripped = g_strstrip (g_strdup (reason));

      if (*stripped == '\0')
        {
          g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID,
                       _("Say why this customer is given this segment."));
          return FALSE;
        }
      c->segment_manual = TRUE;
      kefu_set_str (&c->segment, keys[segment - 1]);
      kefu_set_str (&c->segment_reason, stripped);
    }
  else
    c->segment_manual = FALSE;

  if (!parse_count (self->volume_row, _("Parcels a month"), &c->monthly_volume, error) ||
      !parse_count (self->complaints_row, _("Complaints in 12 months"), &c->complaints_12m, error))
    return FALSE;
  if (spend && *spend && !kefu_parse_money (spend, &c->monthly_spend_cents))
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID,
                   _("“%s” is not an amount in yuan (for example 1280.50)."), spend);
      return FALSE;
    }
  if (spend == NULL || *spend == '\0')
    c->monthly_spend_cents = 0;

  for (guint i = 0; i < self->pref_checks->len; i++)
    {
      GtkCheckButton *check = g_ptr_array_index (self->pref_checks, i);

      if (gtk_check_button_get_active (check))
        {
          if (prefs->len)
            g_string_append_c (prefs, ',');
          g_string_append (prefs, g_object_get_data (G_OBJECT (check), "key"));
        }
    }
  kefu_set_str (&c->preferences, prefs->str);

  g_ptr_array_set_size (c->contacts, 0);
  for (guint i = 0; i < self->contact_rows->len; i++)
    {
      GObject *row = g_ptr_array_index (self->contact_rows, i);
      KefuContact *contact = g_new0 (KefuContact, 1);

      contact->id = g_strdup (g_object_get_data (row, "contact-id"));
      contact->kind = g_strdup (g_object_get_data (row, "kind"));
      contact->value = g_strdup (gtk_editable_get_text (GTK_EDITABLE (row)));
      /* Keep the label of an existing contact. */
      for (guint j = 0; contact->id && j < self->customer->contacts->len; j++)
        {
          KefuContact *old = g_ptr_array_index (self->customer->contacts, j);

          if (g_strcmp0 (old->id, contact->id) == 0)
            contact->label = g_strdup (old->label);
        }
      g_ptr_array_add (c->contacts, contact);
    }

  if (c->id == NULL)
    {
      if (!kefu_customers_create (self->db, c, error))
        return FALSE;
    }
  else if (!kefu_customers_update (self->db, c, error))
    return FALSE;

  kefu_customer_free (self->customer);
  self->customer = g_steal_pointer (&c);
  return TRUE;
}
