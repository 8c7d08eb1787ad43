/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "kefu-org-view"

#include "config.h"

#include <glib/gi18n.h>

#include "kefu-org-view.h"
#include "kefu-org.h"
#include "kefu-text.h"
#include "kefu-window.h"

#define MAX_RESULTS 200

struct _KefuOrgView
{
  AdwBin               parent_instance;

  /* template children */
  GtkSearchEntry      *search_entry;
  GtkStack            *content_stack;
  GtkListBox          *unit_list;
  AdwPreferencesPage  *detail_page;
  GtkListBox          *result_list;

  KefuDb              *db;
  gboolean             editable;
  GPtrArray           *units;          /* KefuOrgUnit, parents first */
  char                *selected_id;
  GPtrArray           *groups;         /* the detail page's groups */
  GtkLabel            *no_results;
  guint                n_results;
  gboolean             filling;
};

G_DEFINE_FINAL_TYPE (KefuOrgView, kefu_org_view, ADW_TYPE_BIN)

static void show_unit (KefuOrgView *self);

/* --- helpers --------------------------------------------------------- */

static const char *const level_keys[] = { "hq", "province", "city", "branch", NULL };
static const char *const kind_keys[] = { "service", "delivery", "finance", "management", "other", NULL };
static const char *const role_keys[] = { "agent", "supervisor", "trainer", "admin", NULL };

static const char *
level_title (const char *level)
{
  if (g_strcmp0 (level, "hq") == 0)
    return _("Headquarters");
  if (g_strcmp0 (level, "province") == 0)
    return _("Province");
  if (g_strcmp0 (level, "city") == 0)
    return _("City");
  return _("Branch");
}

static guint
key_index (const char *const *keys,
           const char        *key)
{
  for (guint i = 0; keys[i]; i++)
    if (g_strcmp0 (keys[i], key) == 0)
      return i;
  return 0;
}

static KefuOrgUnit *
find_unit (KefuOrgView *self,
           const char  *id)
{
  for (guint i = 0; self->units && i < self->units->len; i++)
    {
      KefuOrgUnit *u = self->units->pdata[i];

      if (g_strcmp0 (u->id, id) == 0)
        return u;
    }
  return NULL;
}

static GtkWidget *
phone_label (const char *phone)
{
  g_autofree char *text = kefu_format_phone (phone);
  GtkWidget *label = gtk_label_new (text ? text : "");

  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_widget_add_css_class (label, "numeric");
  gtk_widget_set_valign (label, GTK_ALIGN_CENTER);
  return label;
}

static GtkWidget *
flat_button (const char *label,
             GCallback   callback,
             gpointer    data)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (label);

  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  g_signal_connect_swapped (button, "clicked", callback, data);
  return button;
}

static GtkWidget *
icon_button (const char *icon,
             const char *tooltip,
             const char *id,
             GCallback   callback,
             gpointer    data)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  g_object_set_data_full (G_OBJECT (button), "id", g_strdup (id), g_free);
  g_signal_connect (button, "clicked", callback, data);
  return button;
}

static void
report (KefuOrgView  *self,
        gboolean      ok,
        GError       *error,
        const char   *done)
{
  if (ok)
    kefu_toast (GTK_WIDGET (self), done);
  else
    kefu_toast_error (GTK_WIDGET (self), error);
  kefu_org_view_reload (self);
}

/* --- forms ----------------------------------------------------------- */

typedef struct
{
  KefuOrgView *self;
  char        *id;          /* the row edited, or the unit to add into */
  GPtrArray   *choices;     /* ids behind a choice row, when there is one */
} FormData;

static void
form_data_free (gpointer data)
{
  FormData *d = data;

  g_object_unref (d->self);
  g_free (d->id);
  g_clear_pointer (&d->choices, g_ptr_array_unref);
  g_free (d);
}

static FormData *
form_data_new (KefuOrgView *self,
               const char  *id)
{
  FormData *d = g_new0 (FormData, 1);

  d->self = g_object_ref (self);
  d->id = g_strdup (id);
  return d;
}

static KefuOrgForm *
new_form (KefuOrgView         *self,
          const char          *title,
          const char          *save_label,
          KefuOrgFormSaveFunc  save,
          FormData            *data)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  KefuOrgForm *form = kefu_org_form_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                         title, save_label, save, data, form_data_free);

  g_signal_connect_object (form, "saved", G_CALLBACK (kefu_org_view_reload), self, G_CONNECT_SWAPPED);
  return form;
}

static gboolean
save_unit (KefuOrgForm  *form,
           gpointer      user_data,
           GError      **error)
{
  FormData *d = user_data;
  g_autoptr(KefuOrgUnit) unit = NULL;
  gboolean creating = g_object_get_data (G_OBJECT (form), "level") != NULL;

  if (creating)
    {
      unit = g_new0 (KefuOrgUnit, 1);
      unit->level = g_strdup (g_object_get_data (G_OBJECT (form), "level"));
      unit->parent_id = g_strdup (d->id);
    }
  else if ((unit = kefu_org_get_unit (d->self->db, d->id, error)) == NULL)
    return FALSE;
  kefu_set_str (&unit->code, kefu_org_form_get_text (form, "code"));
  kefu_set_str (&unit->name, kefu_org_form_get_text (form, "name"));
  kefu_set_str (&unit->phone, kefu_org_form_get_text (form, "phone"));
  kefu_set_str (&unit->address, kefu_org_form_get_text (form, "address"));
  if (creating)
    {
      if (!kefu_org_create_unit (d->self->db, unit, error))
        return FALSE;
      kefu_set_str (&d->self->selected_id, unit->id);
      return TRUE;
    }
  return kefu_org_update_unit (d->self->db, unit, error);
}

static KefuOrgForm *
unit_form (KefuOrgView *self,
           const char  *id,
           gboolean     creating)
{
  KefuOrgUnit *u = find_unit (self, id);
  KefuOrgForm *form;
  g_autofree char *phone = NULL;
  g_autofree char *title = NULL;
  const char *child_level;

  /* Without @id: the headquarters, the top of a new tree. */
  if (u == NULL && (id != NULL || !creating))
    return NULL;
  child_level = u ? level_keys[key_index (level_keys, u->level) + 1] : "hq";
  if (creating && child_level == NULL)
    return NULL;
  if (creating && u == NULL)
    title = g_strdup (_("New Headquarters"));
  else if (creating)
    /* Translators: form title, e.g. "New Branch under 南京市分公司" */
    title = g_strdup_printf (_("New %s under %s"), level_title (child_level), u->name);
  form = new_form (self, creating ? title : _("Edit Unit"), creating ? _("_Add") : _("_Save"),
                   save_unit, form_data_new (self, id));
  if (creating)
    g_object_set_data (G_OBJECT (form), "level", (gpointer) child_level);
  else
    phone = kefu_format_phone (u->phone);
  kefu_org_form_add_entry (form, "code", _("_Code"), creating ? NULL : u->code);
  kefu_org_form_add_entry (form, "name", _("_Name"), creating ? NULL : u->name);
  kefu_org_form_add_entry (form, "phone", _("_Phone"), phone);
  kefu_org_form_add_entry (form, "address", _("A_ddress"), creating ? NULL : u->address);
  return form;
}

static gboolean
save_move (KefuOrgForm  *form,
           gpointer      user_data,
           GError      **error)
{
  FormData *d = user_data;
  guint i = kefu_org_form_get_choice (form, "parent");

  if (i >= d->choices->len)
    {
      g_set_error_literal (error, KEFU_ERROR, KEFU_ERROR_INVALID,
                           _("There is no unit of the level above to move it under yet: add one first."));
      return FALSE;
    }
  return kefu_org_move_unit (d->self->db, d->id, d->choices->pdata[i], error);
}

static KefuOrgForm *
move_form (KefuOrgView *self,
           const char  *id)
{
  KefuOrgUnit *u = find_unit (self, id);
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();
  const char *parent_level;
  FormData *d;
  KefuOrgForm *form;
  guint selected = 0;

  if (u == NULL || g_strcmp0 (u->level, "hq") == 0)
    return NULL;
  parent_level = level_keys[key_index (level_keys, u->level) - 1];
  d = form_data_new (self, id);
  d->choices = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < self->units->len; i++)
    {
      KefuOrgUnit *p = self->units->pdata[i];

      if (g_strcmp0 (p->level, parent_level) != 0 || !p->active)
        continue;
      if (g_strcmp0 (p->id, u->parent_id) == 0)
        selected = d->choices->len;
      g_ptr_array_add (d->choices, g_strdup (p->id));
      g_ptr_array_add (labels, p->name);
    }
  g_ptr_array_add (labels, NULL);
  form = new_form (self, _("Move Unit"), _("_Move"), save_move, d);
  kefu_org_form_add_choice (form, "parent", _("_Under"), (const char * const *) labels->pdata, selected);
  return form;
}

static gboolean
save_department (KefuOrgForm  *form,
                 gpointer      user_data,
                 GError      **error)
{
  FormData *d = user_data;
  gboolean creating = g_object_get_data (G_OBJECT (form), "creating") != NULL;
  g_autoptr(KefuDepartment) dept = NULL;

  if (creating)
    {
      dept = g_new0 (KefuDepartment, 1);
      dept->org_unit_id = g_strdup (d->id);
    }
  else if ((dept = kefu_org_get_department (d->self->db, d->id, error)) == NULL)
    return FALSE;
  kefu_set_str (&dept->name, kefu_org_form_get_text (form, "name"));
  kefu_set_str (&dept->kind, kind_keys[kefu_org_form_get_choice (form, "kind")]);
  kefu_set_str (&dept->phone, kefu_org_form_get_text (form, "phone"));
  return creating ? kefu_org_create_department (d->self->db, dept, error)
                  : kefu_org_update_department (d->self->db, dept, error);
}

static KefuOrgForm *
department_form (KefuOrgView *self,
                 const char  *id,
                 gboolean     creating)
{
  g_autoptr(KefuDepartment) dept = creating ? NULL : kefu_org_get_department (self->db, id, NULL);
  g_autofree char *phone = NULL;
  const char *kinds[G_N_ELEMENTS (kind_keys)];
  KefuOrgForm *form;

  if (!creating && dept == NULL)
    return NULL;
  for (guint i = 0; kind_keys[i]; i++)
    kinds[i] = kefu_department_kind_label (kind_keys[i]);
  kinds[G_N_ELEMENTS (kind_keys) - 1] = NULL;
  form = new_form (self, creating ? _("New Department") : _("Edit Department"),
                   creating ? _("_Add") : _("_Save"), save_department, form_data_new (self, id));
  if (creating)
    g_object_set_data (G_OBJECT (form), "creating", GINT_TO_POINTER (1));
  else
    phone = kefu_format_phone (dept->phone);
  kefu_org_form_add_entry (form, "name", _("_Name"), dept ? dept->name : NULL);
  kefu_org_form_add_choice (form, "kind", _("_Work"), kinds, dept ? key_index (kind_keys, dept->kind) : 0);
  kefu_org_form_add_entry (form, "phone", _("_Phone"), phone);
  return form;
}

static gboolean
save_staff (KefuOrgForm  *form,
            gpointer      user_data,
            GError      **error)
{
  FormData *d = user_data;
  gboolean creating = g_object_get_data (G_OBJECT (form), "creating") != NULL;
  g_autoptr(KefuStaff) staff = NULL;
  g_autofree char *limit = g_strstrip (g_strdup (kefu_org_form_get_text (form, "limit")));
  gint64 cents = 0;
  guint dept;

  if (creating)
    {
      staff = g_new0 (KefuStaff, 1);
      staff->org_unit_id = g_strdup (d->id);
    }
  else if ((staff = kefu_org_get_staff (d->self->db, d->id, error)) == NULL)
    return FALSE;
  if (g_str_has_prefix (limit, "-"))
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID, _("The authorization limit cannot be negative."));
      return FALSE;
    }
  if (*limit != '\0' && !kefu_parse_money (limit, &cents))
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID,
                   _("“%s” is not an amount of money; the authorization limit is in yuan, e.g. 500 or 1200.50."), limit);
      return FALSE;
    }
  kefu_set_str (&staff->name, kefu_org_form_get_text (form, "name"));
  kefu_set_str (&staff->username, kefu_org_form_get_text (form, "username"));
  kefu_set_str (&staff->role, role_keys[kefu_org_form_get_choice (form, "role")]);
  kefu_set_str (&staff->phone, kefu_org_form_get_text (form, "phone"));
  staff->auth_limit_cents = cents;
  dept = kefu_org_form_get_choice (form, "department");
  kefu_set_str (&staff->department_id, dept == 0 ? NULL : d->choices->pdata[dept - 1]);
  staff->is_courier = kefu_org_form_get_switch (form, "courier");
  kefu_set_str (&staff->delivery_area, kefu_org_form_get_text (form, "area"));
  return creating ? kefu_org_create_staff (d->self->db, staff, error)
                  : kefu_org_update_staff (d->self->db, staff, error);
}

static KefuOrgForm *
staff_form (KefuOrgView *self,
            const char  *id,
            gboolean     creating)
{
  g_autoptr(KefuStaff) staff = creating ? NULL : kefu_org_get_staff (self->db, id, NULL);
  g_autoptr(GPtrArray) depts = NULL;
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();
  const char *roles[G_N_ELEMENTS (role_keys)];
  g_autofree char *phone = NULL, *limit = NULL;
  FormData *d;
  KefuOrgForm *form;
  guint dept_selected = 0;

  if (!creating && staff == NULL)
    return NULL;
  d = form_data_new (self, id);
  d->choices = g_ptr_array_new_with_free_func (g_free);
  depts = kefu_org_list_departments (self->db, creating ? id : staff->org_unit_id, FALSE, NULL);
  g_ptr_array_add (labels, (gpointer) _("No department"));
  for (guint i = 0; depts && i < depts->len; i++)
    {
      KefuDepartment *dept = depts->pdata[i];

      if (staff && g_strcmp0 (staff->department_id, dept->id) == 0)
        dept_selected = i + 1;
      g_ptr_array_add (d->choices, g_strdup (dept->id));
      g_ptr_array_add (labels, dept->name);
    }
  g_ptr_array_add (labels, NULL);
  for (guint i = 0; role_keys[i]; i++)
    roles[i] = kefu_role_label (role_keys[i]);
  roles[G_N_ELEMENTS (role_keys) - 1] = NULL;

  form = new_form (self, creating ? _("New Staff Member") : _("Edit Staff Member"),
                   creating ? _("_Add") : _("_Save"), save_staff, d);
  if (creating)
    g_object_set_data (G_OBJECT (form), "creating", GINT_TO_POINTER (1));
  else
    {
      g_autofree char *money = kefu_format_money (staff->auth_limit_cents);

      phone = kefu_format_phone (staff->phone);
      limit = g_strdup (money);
    }
  kefu_org_form_add_entry (form, "name", C_("person", "_Name"), staff ? staff->name : NULL);
  kefu_org_form_add_entry (form, "username", _("_User name"), staff ? staff->username : NULL);
  kefu_org_form_add_choice (form, "role", _("_Role"), roles, staff ? key_index (role_keys, staff->role) : 0);
  kefu_org_form_add_choice (form, "department", _("_Department"), (const char * const *) labels->pdata, dept_selected);
  kefu_org_form_add_entry (form, "phone", _("_Phone"), phone);
  kefu_org_form_add_entry (form, "limit", _("Authorization _limit (yuan)"), limit);
  kefu_org_form_add_switch (form, "courier", _("C_ourier"), staff ? staff->is_courier : FALSE);
  kefu_org_form_add_entry (form, "area", _("Deli_very area"), staff ? staff->delivery_area : NULL);
  return form;
}

/* --- the detail page ------------------------------------------------- */

static void
open_form_clicked_cb (GtkButton   *button,
                      KefuOrgView *self)
{
  KefuOrgForm *form = kefu_org_view_open_form (self, g_object_get_data (G_OBJECT (button), "what"),
                                               g_object_get_data (G_OBJECT (button), "id"));

  if (form)
    gtk_window_present (GTK_WINDOW (form));
}

static GtkWidget *
form_button (KefuOrgView *self,
             const char  *label,
             const char  *what,
             const char  *id,
             gboolean     icon)
{
  GtkWidget *button = icon ? icon_button ("document-edit-symbolic", label, id, G_CALLBACK (open_form_clicked_cb), self)
                           : gtk_button_new_with_mnemonic (label);

  if (!icon)
    {
      gtk_widget_add_css_class (button, "flat");
      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      g_object_set_data_full (G_OBJECT (button), "id", g_strdup (id), g_free);
      g_signal_connect (button, "clicked", G_CALLBACK (open_form_clicked_cb), self);
    }
  g_object_set_data (G_OBJECT (button), "what", (gpointer) what);
  return button;
}

static void
toggle_unit_cb (KefuOrgView *self)
{
  KefuOrgUnit *u = find_unit (self, self->selected_id);
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (u == NULL)
    return;
  ok = kefu_org_set_unit_active (self->db, u->id, !u->active, &error);
  report (self, ok, error, u->active ? _("Unit deactivated") : _("Unit activated"));
}

static void
toggle_department_cb (GtkButton   *button,
                      KefuOrgView *self)
{
  const char *id = g_object_get_data (G_OBJECT (button), "id");
  gboolean active = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "active"));
  g_autoptr(GError) error = NULL;
  gboolean ok = kefu_org_set_department_active (self->db, id, !active, &error);

  report (self, ok, error, active ? _("Department deactivated") : _("Department activated"));
}

static void
toggle_staff_cb (GtkButton   *button,
                 KefuOrgView *self)
{
  const char *id = g_object_get_data (G_OBJECT (button), "id");
  gboolean active = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "active"));
  g_autoptr(GError) error = NULL;
  gboolean ok = kefu_org_set_staff_active (self->db, id, !active, &error);

  report (self, ok, error, active ? _("Staff member deactivated") : _("Staff member activated"));
}

static GtkWidget *
toggle_button (gboolean     active,
               const char  *id,
               GCallback    callback,
               KefuOrgView *self)
{
  GtkWidget *button = icon_button (active ? "edit-delete-symbolic" : "edit-undo-symbolic",
                                   active ? _("Deactivate") : _("Activate"), id, callback, self);

  g_object_set_data (G_OBJECT (button), "active", GINT_TO_POINTER (active));
  return button;
}

static AdwPreferencesGroup *
add_group (KefuOrgView *self,
           const char  *title,
           const char  *description)
{
  GtkWidget *group = adw_preferences_group_new ();

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), title);
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group), description);
  adw_preferences_page_add (self->detail_page, ADW_PREFERENCES_GROUP (group));
  g_ptr_array_add (self->groups, group);
  return ADW_PREFERENCES_GROUP (group);
}

static void
empty_row (AdwPreferencesGroup *group,
           const char          *title)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  gtk_widget_add_css_class (row, "dim-label");
  adw_preferences_group_add (group, row);
}

static GtkWidget *
info_row (AdwPreferencesGroup *group,
          const char          *title,
          const char          *value)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), value && *value ? value : "—");
  gtk_widget_add_css_class (row, "property");
  adw_preferences_group_add (group, row);
  return row;
}

static void
show_unit (KefuOrgView *self)
{
  KefuOrgUnit *u = find_unit (self, self->selected_id);
  KefuOrgUnit *parent;
  AdwPreferencesGroup *group;
  g_autoptr(GPtrArray) depts = NULL;
  g_autoptr(GPtrArray) staff = NULL;
  g_autoptr(KefuStaff) me = kefu_org_get_current_user (self->db);
  g_autofree char *description = NULL;
  g_autofree char *phone = NULL;
  GtkWidget *box;

  for (guint i = 0; i < self->groups->len; i++)
    adw_preferences_page_remove (self->detail_page, self->groups->pdata[i]);
  g_ptr_array_set_size (self->groups, 0);
  if (u == NULL)
    return;

  parent = find_unit (self, u->parent_id);
  /* Translators: under a unit's name: its level and code, e.g. "Branch · code NJ0101" */
  description = g_strdup_printf (_("%s · code %s"), level_title (u->level), u->code);
  if (!u->active)
    {
      g_autofree char *d = g_strdup_printf (_("%s · deactivated"), description);

      g_free (description);
      description = g_steal_pointer (&d);
    }
  group = add_group (self, u->name, description);
  phone = kefu_format_phone (u->phone);
  info_row (group, _("Phone"), phone);
  info_row (group, _("Address"), u->address);
  if (g_strcmp0 (u->level, "hq") != 0)
    info_row (group, _("Under"), parent ? parent->name : _("Not yet in the tree"));
  if (self->editable)
    {
      box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
      gtk_box_append (GTK_BOX (box), form_button (self, _("_Edit…"), "edit-unit", u->id, FALSE));
      if (g_strcmp0 (u->level, "hq") != 0)
        gtk_box_append (GTK_BOX (box), form_button (self, _("_Move…"), "move-unit", u->id, FALSE));
      if (g_strcmp0 (u->level, "branch") != 0 && u->active)
        gtk_box_append (GTK_BOX (box), form_button (self, _("Add _Unit…"), "new-unit", u->id, FALSE));
      gtk_box_append (GTK_BOX (box), flat_button (u->active ? _("De_activate") : _("_Activate"),
                                                  G_CALLBACK (toggle_unit_cb), self));
      adw_preferences_group_set_header_suffix (group, box);
    }

  group = add_group (self, _("Departments"), NULL);
  if (self->editable && u->active)
    adw_preferences_group_set_header_suffix (group, form_button (self, _("Add _Department…"), "new-department", u->id, FALSE));
  depts = kefu_org_list_departments (self->db, u->id, self->editable, NULL);
  for (guint i = 0; depts && i < depts->len; i++)
    {
      KefuDepartment *d = depts->pdata[i];
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *sub = d->active ? g_strdup (kefu_department_kind_label (d->kind))
                                       : g_strdup_printf (_("%s · deactivated"), kefu_department_kind_label (d->kind));

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), d->name);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), sub);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), phone_label (d->phone));
      if (self->editable)
        {
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), form_button (self, _("Edit"), "edit-department", d->id, TRUE));
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), toggle_button (d->active, d->id, G_CALLBACK (toggle_department_cb), self));
        }
      if (!d->active)
        gtk_widget_add_css_class (row, "dim-label");
      adw_preferences_group_add (group, row);
    }
  if (depts == NULL || depts->len == 0)
    empty_row (group, _("No departments yet"));

  group = add_group (self, _("Staff"), NULL);
  if (self->editable && u->active)
    adw_preferences_group_set_header_suffix (group, form_button (self, _("Add _Person…"), "new-staff", u->id, FALSE));
  staff = kefu_org_list_unit_staff (self->db, u->id, self->editable, NULL);
  for (guint i = 0; staff && i < staff->len; i++)
    {
      KefuStaff *s = staff->pdata[i];
      GtkWidget *row = adw_action_row_new ();
      g_autoptr(GString) sub = g_string_new (kefu_role_label (s->role));

      for (guint j = 0; depts && j < depts->len; j++)
        if (g_strcmp0 (((KefuDepartment *) depts->pdata[j])->id, s->department_id) == 0)
          g_string_append_printf (sub, " · %s", ((KefuDepartment *) depts->pdata[j])->name);
      if (s->is_courier)
        /* Translators: a courier's delivery area in a list of staff */
        g_string_append_printf (sub, _(" · courier for %s"), s->delivery_area);
      if (!s->active)
        g_string_append_printf (sub, " · %s", _("deactivated"));
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), s->name);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), sub->str);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), phone_label (s->phone));
      if (self->editable)
        {
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), form_button (self, _("Edit"), "edit-staff", s->id, TRUE));
          /* Nobody switches themself off. */
          if (me == NULL || g_strcmp0 (me->id, s->id) != 0)
            adw_action_row_add_suffix (ADW_ACTION_ROW (row), toggle_button (s->active, s->id, G_CALLBACK (toggle_staff_cb), self));
        }
      if (!s->active)
        gtk_widget_add_css_class (row, "dim-label");
      adw_preferences_group_add (group, row);
    }
  if (staff == NULL || staff->len == 0)
    empty_row (group, _("Nobody works here yet"));
}

/* --- the tree -------------------------------------------------------- */

static gboolean
has_headquarters (KefuOrgView *self)
{
  for (guint i = 0; i < self->units->len; i++)
    if (g_strcmp0 (((KefuOrgUnit *) self->units->pdata[i])->level, "hq") == 0)
      return TRUE;
  return FALSE;
}

static void
add_unit_rows (KefuOrgView *self,
               const char  *parent_id,
               guint        depth)
{
  for (guint i = 0; i < self->units->len; i++)
    {
      KefuOrgUnit *u = self->units->pdata[i];
      GtkWidget *row, *box, *name, *code;

      /* Roots: no parent, or a parent that is not listed. */
      if (parent_id == NULL ? (u->parent_id != NULL && find_unit (self, u->parent_id) != NULL)
                            : g_strcmp0 (u->parent_id, parent_id) != 0)
        continue;
      box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
      gtk_widget_set_margin_start (box, 16 * (int) depth);
      name = gtk_label_new (u->name);
      gtk_label_set_xalign (GTK_LABEL (name), 0);
      gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_END);
      gtk_widget_set_hexpand (name, TRUE);
      code = gtk_label_new (u->code);
      gtk_widget_add_css_class (code, "dim-label");
      gtk_widget_add_css_class (code, "caption");
      gtk_box_append (GTK_BOX (box), name);
      gtk_box_append (GTK_BOX (box), code);
      if (!u->active)
        gtk_widget_add_css_class (box, "dim-label");
      row = gtk_list_box_row_new ();
      gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
      gtk_widget_set_tooltip_text (row, level_title (u->level));
      g_object_set_data_full (G_OBJECT (row), "id", g_strdup (u->id), g_free);
      gtk_list_box_append (self->unit_list, row);
      if (g_strcmp0 (u->id, self->selected_id) == 0)
        gtk_list_box_select_row (self->unit_list, GTK_LIST_BOX_ROW (row));
      add_unit_rows (self, u->id, depth + 1);
    }
}

static void
on_unit_selected_cb (KefuOrgView   *self,
                     GtkListBoxRow *row)
{
  if (self->filling || row == NULL)
    return;
  kefu_set_str (&self->selected_id, g_object_get_data (G_OBJECT (row), "id"));
  show_unit (self);
}

/* --- the directory --------------------------------------------------- */

static GtkWidget *
result_row (KefuDirectoryEntry *e)
{
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *sub = NULL;

  switch (e->kind)
    {
    case KEFU_DIRECTORY_UNIT:
      sub = e->unit_name ? g_strdup_printf ("%s · %s", level_title (e->role), e->unit_name)
                         : g_strdup (level_title (e->role));
      break;
    case KEFU_DIRECTORY_DEPARTMENT:
      sub = g_strdup_printf ("%s · %s", kefu_department_kind_label (e->role), e->unit_name);
      break;
    case KEFU_DIRECTORY_STAFF:
    default:
      if (e->is_courier)
        /* Translators: directory entry of a courier: area · department · unit */
        sub = g_strdup_printf (_("Courier for %s · %s · %s"), e->delivery_area,
                               e->department_name ? e->department_name : "", e->unit_name);
      else if (e->department_name)
        sub = g_strdup_printf ("%s · %s · %s", kefu_role_label (e->role), e->department_name, e->unit_name);
      else
        sub = g_strdup_printf ("%s · %s", kefu_role_label (e->role), e->unit_name);
      break;
    }
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), e->name);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), sub);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row),
                             gtk_image_new_from_icon_name (e->kind == KEFU_DIRECTORY_UNIT ? "go-home-symbolic"
                                                           : e->kind == KEFU_DIRECTORY_DEPARTMENT ? "system-users-symbolic"
                                                           : e->is_courier ? "mail-send-symbolic"
                                                           : "avatar-default-symbolic"));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), phone_label (e->phone));
  /* Activating it shows the unit in the tree. */
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  g_object_set_data_full (G_OBJECT (row), "unit-id", g_strdup (e->unit_id), g_free);
  return row;
}

static void
run_search (KefuOrgView *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  g_autoptr(GPtrArray) hits = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *trimmed = g_strstrip (g_strdup (text));
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->result_list))) != NULL &&
         child != GTK_WIDGET (self->no_results))
    gtk_list_box_remove (self->result_list, child);
  self->n_results = 0;
  if (*trimmed == '\0')
    {
      gtk_stack_set_visible_child_name (self->content_stack, "tree");
      return;
    }
  gtk_stack_set_visible_child_name (self->content_stack, "directory");
  hits = kefu_org_directory_search (self->db, text, MAX_RESULTS, &error);
  if (hits == NULL)
    {
      kefu_toast_error (GTK_WIDGET (self), error);
      return;
    }
  {
    g_autofree char *none = g_strdup_printf (_("Nobody found for “%s”. Try part of a name, a phone number or a street."), text);

    gtk_label_set_label (self->no_results, none);
  }
  for (guint i = 0; i < hits->len; i++)
    gtk_list_box_append (self->result_list, result_row (hits->pdata[i]));
  self->n_results = hits->len;
}

static void
on_search_changed_cb (KefuOrgView *self)
{
  run_search (self);
}

static void
result_activated_cb (KefuOrgView   *self,
                     GtkListBoxRow *row)
{
  kefu_org_view_open_result (self, (guint) gtk_list_box_row_get_index (row));
}

/* --- GObject --------------------------------------------------------- */

static void
kefu_org_view_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), KEFU_TYPE_ORG_VIEW);
  G_OBJECT_CLASS (kefu_org_view_parent_class)->dispose (object);
}

static void
kefu_org_view_finalize (GObject *object)
{
  KefuOrgView *self = KEFU_ORG_VIEW (object);

  g_clear_object (&self->db);
  g_clear_pointer (&self->units, g_ptr_array_unref);
  g_clear_pointer (&self->groups, g_ptr_array_unref);
  g_free (self->selected_id);
  G_OBJECT_CLASS (kefu_org_view_parent_class)->finalize (object);
}

static void
kefu_org_view_class_init (KefuOrgViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kefu_org_view_dispose;
  object_class->finalize = kefu_org_view_finalize;
  gtk_widget_class_set_template_from_resource (widget_class, "/io/kefu/Kefu/org/kefu-org-view.ui");
  gtk_widget_class_bind_template_child (widget_class, KefuOrgView, search_entry);
  gtk_widget_class_bind_template_child (widget_class, KefuOrgView, content_stack);
  gtk_widget_class_bind_template_child (widget_class, KefuOrgView, unit_list);
  gtk_widget_class_bind_template_child (widget_class, KefuOrgView, detail_page);
  gtk_widget_class_bind_template_child (widget_class, KefuOrgView, result_list);
  gtk_widget_class_bind_template_callback (widget_class, on_unit_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed_cb);
}

static void
kefu_org_view_init (KefuOrgView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->groups = g_ptr_array_new ();
  self->no_results = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->no_results, TRUE);
  gtk_widget_set_margin_top (GTK_WIDGET (self->no_results), 18);
  gtk_widget_set_margin_bottom (GTK_WIDGET (self->no_results), 18);
  gtk_widget_set_margin_start (GTK_WIDGET (self->no_results), 12);
  gtk_widget_set_margin_end (GTK_WIDGET (self->no_results), 12);
  gtk_widget_add_css_class (GTK_WIDGET (self->no_results), "dim-label");
  gtk_list_box_set_placeholder (self->result_list, GTK_WIDGET (self->no_results));
  g_signal_connect_swapped (self->result_list, "row-activated", G_CALLBACK (result_activated_cb), self);
}

/* --- public API ------------------------------------------------------ */

KefuOrgView *
kefu_org_view_new (KefuDb *db)
{
  KefuOrgView *self = g_object_new (KEFU_TYPE_ORG_VIEW, NULL);

  self->db = g_object_ref (db);
  kefu_org_view_reload (self);
  return self;
}

void
kefu_org_view_set_editable (KefuOrgView *self,
                            gboolean     editable)
{
  g_return_if_fail (KEFU_IS_ORG_VIEW (self));

  if (self->editable == editable)
    return;
  self->editable = editable;
  kefu_org_view_reload (self);
}

void
kefu_org_view_reload (KefuOrgView *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KefuOrgUnit) office = NULL;
  GtkWidget *child;

  g_return_if_fail (KEFU_IS_ORG_VIEW (self));

  g_clear_pointer (&self->units, g_ptr_array_unref);
  self->units = kefu_org_list_units (self->db, self->editable, &error);
  if (self->units == NULL)
    {
      g_warning ("Organisation not read: %s", error->message);
      return;
    }
  if (find_unit (self, self->selected_id) == NULL)
    {
      office = kefu_org_get_office (self->db);
      kefu_set_str (&self->selected_id, office ? office->id
                                        : self->units->len > 0 ? ((KefuOrgUnit *) self->units->pdata[0])->id : NULL);
    }
  self->filling = TRUE;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->unit_list))) != NULL)
    gtk_list_box_remove (self->unit_list, child);
  add_unit_rows (self, NULL, 0);
  if (self->editable && !has_headquarters (self))
    {
      /* An office set up alone: the tree above it starts here. */
      GtkWidget *row = gtk_list_box_row_new ();
      GtkWidget *button = form_button (self, _("Add _Headquarters…"), "new-unit", NULL, FALSE);

      gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), button);
      gtk_list_box_row_set_selectable (GTK_LIST_BOX_ROW (row), FALSE);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
      gtk_list_box_append (self->unit_list, row);
    }
  self->filling = FALSE;
  show_unit (self);
  run_search (self);
}

gboolean
kefu_org_view_select_unit (KefuOrgView *self,
                           const char  *unit_id)
{
  g_return_val_if_fail (KEFU_IS_ORG_VIEW (self), FALSE);

  if (find_unit (self, unit_id) == NULL)
    return FALSE;
  kefu_set_str (&self->selected_id, unit_id);
  kefu_org_view_reload (self);
  return TRUE;
}

const char *
kefu_org_view_get_selected_unit (KefuOrgView *self)
{
  return self->selected_id;
}

void
kefu_org_view_set_search (KefuOrgView *self,
                          const char  *text)
{
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), text);
  /* The entry's own signal is delayed; search now. */
  run_search (self);
}

guint
kefu_org_view_get_n_results (KefuOrgView *self)
{
  return self->n_results;
}

gboolean
kefu_org_view_open_result (KefuOrgView *self,
                           guint        index)
{
  GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->result_list, (int) index);
  g_autofree char *unit_id = NULL;

  if (row == NULL || index >= self->n_results)
    return FALSE;
  unit_id = g_strdup (g_object_get_data (G_OBJECT (row), "unit-id"));
  if (unit_id == NULL || find_unit (self, unit_id) == NULL)
    return FALSE;
  kefu_set_str (&self->selected_id, unit_id);
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  kefu_org_view_reload (self);
  return TRUE;
}

KefuOrgForm *
kefu_org_view_open_form (KefuOrgView *self,
                         const char  *what,
                         const char  *id)
{
  g_return_val_if_fail (KEFU_IS_ORG_VIEW (self), NULL);

  if (!self->editable)
    return NULL;
  if (g_strcmp0 (what, "new-unit") == 0)
    return unit_form (self, id, TRUE);
  if (g_strcmp0 (what, "edit-unit") == 0)
    return unit_form (self, id, FALSE);
  if (g_strcmp0 (what, "move-unit") == 0)
    return move_form (self, id);
  if (g_strcmp0 (what, "new-department") == 0)
    return department_form (self, id, TRUE);
  if (g_strcmp0 (what, "edit-department") == 0)
    return department_form (self, id, FALSE);
  if (g_strcmp0 (what, "new-staff") == 0)
    return staff_form (self, id, TRUE);
  if (g_strcmp0 (what, "edit-staff") == 0)
    return staff_form (self, id, FALSE);
  g_return_val_if_reached (NULL);
}
