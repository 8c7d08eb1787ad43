/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "kefu-customers-view"

#include "config.h"

#include <glib/gi18n.h>

#include "kefu-customer-editor.h"
#include "kefu-customer-list.h"
#include "kefu-customer-page.h"
#include "kefu-customers-view.h"
#include "dialogs/kefu-dialogs.h"
#include "kefu-export.h"
#include "kefu-list-proxy.h"
#include "kefu-org.h"
#include "kefu-text.h"
#include "kefu-window.h"

struct _KefuCustomersView
{
  GtkWidget           parent_instance;

  /* template children */
  GtkLabel           *count_label;
  KefuCustomerPage   *customer_page;
  GtkStack           *detail_stack;
  AdwStatusPage      *empty_page;
  GtkStack           *list_stack;
  GtkListView        *list_view;
  GtkDropDown        *manager_dropdown;
  GtkWidget          *menu_button;
  GtkWidget          *new_button;
  GtkWidget          *paned;
  GtkSearchEntry     *search_entry;
  GtkDropDown        *segment_dropdown;
  GtkDropDown        *sort_dropdown;

  KefuDb             *db;
  KefuCustomerList   *list;
  KefuListProxy      *proxy;
  GtkSingleSelection *selection;
  GPtrArray          *manager_ids;   /* parallel to manager_dropdown items 2.. */
  gboolean            updating_filters;
};

G_DEFINE_FINAL_TYPE (KefuCustomersView, kefu_customers_view, GTK_TYPE_WIDGET)

/* --- helpers --------------------------------------------------------- */

static void
update_count (KefuCustomersView *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->list));
  const KefuCustomerQuery *q = kefu_customer_list_get_query (self->list);
  g_autofree char *text = NULL;
  g_autofree char *number = g_strdup_printf ("%'u", n);

  if (q->text && *q->text && kefu_customers_search_is_large (self->db, q))
    /* Translators: many search hits are listed newest first, not sorted */
    text = g_strdup_printf (_("%s customers, newest first — type more to sort them"), number);
  else
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s customer", "%s customers", n), number);
  gtk_label_set_label (self->count_label, text);

  if (n == 0)
    {
      if (q->text && *q->text)
        {
          g_autofree char *desc = g_strdup_printf (_("No file matches “%s”. Check the spelling or search by phone number."), q->text);

          adw_status_page_set_title (self->empty_page, _("No Customers Found"));
          adw_status_page_set_description (self->empty_page, desc);
        }
      else if (q->segment || q->manager_id)
        {
          adw_status_page_set_title (self->empty_page, _("No Customers Found"));
          adw_status_page_set_description (self->empty_page, _("No file matches these filters."));
        }
      else
        {
          adw_status_page_set_title (self->empty_page, _("No Customers Yet"));
          adw_status_page_set_description (self->empty_page, _("Add a customer with the + button or import a list from CSV."));
        }
      gtk_stack_set_visible_child_name (self->list_stack, "empty");
    }
  else
    gtk_stack_set_visible_child_name (self->list_stack, "list");
}

static void
apply_query (KefuCustomersView *self)
{
  KefuCustomerQuery q = { 0 };
  guint segment = gtk_drop_down_get_selected (self->segment_dropdown);
  guint manager = gtk_drop_down_get_selected (self->manager_dropdown);
  const char **keys = kefu_segment_keys ();

  q.text = (char *) gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  if (segment != GTK_INVALID_LIST_POSITION && segment > 0)
    q.segment = (char *) keys[segment - 1];
  if (manager == 1)
    q.manager_id = (char *) "";
  else if (manager != GTK_INVALID_LIST_POSITION && manager >= 2 && manager - 2 < self->manager_ids->len)
    q.manager_id = g_ptr_array_index (self->manager_ids, manager - 2);
  switch (gtk_drop_down_get_selected (self->sort_dropdown))
    {
    case 1: q.sort = KEFU_CUSTOMER_SORT_LAST_CONTACT; break;
    case 2: q.sort = KEFU_CUSTOMER_SORT_VALUE; break;
    default: q.sort = KEFU_CUSTOMER_SORT_NAME; break;
    }

  /* A selected row would make the list view look for it among the new
   * rows; the open file stays on the right anyway. */
  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
  kefu_customer_list_set_query (self->list, &q);
  update_count (self);
}

static void
fill_managers (KefuCustomersView *self)
{
  g_autoptr(GtkStringList) model = gtk_string_list_new (NULL);
  g_autoptr(GPtrArray) staff = kefu_org_list_staff (self->db, NULL, NULL);

  self->updating_filters = TRUE;
  g_ptr_array_set_size (self->manager_ids, 0);
  gtk_string_list_append (model, _("All managers"));
  gtk_string_list_append (model, _("No manager"));
  for (guint i = 0; staff && i < staff->len; i++)
    {
      KefuStaff *s = g_ptr_array_index (staff, i);

      gtk_string_list_append (model, s->name);
      g_ptr_array_add (self->manager_ids, g_strdup (s->id));
    }
  gtk_drop_down_set_model (self->manager_dropdown, G_LIST_MODEL (model));
  gtk_drop_down_set_selected (self->manager_dropdown, 0);
  self->updating_filters = FALSE;
}

/* What a role may never do is not shown (the menu items are hidden when
 * their action is disabled), not greyed out. */
static void
update_actions (KefuCustomersView *self)
{
  gtk_widget_set_visible (self->new_button, kefu_window_may (GTK_WIDGET (self), "edit"));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "customers.new", kefu_window_may (GTK_WIDGET (self), "edit"));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "customers.import", kefu_window_may (GTK_WIDGET (self), "import"));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "customers.duplicates", kefu_window_may (GTK_WIDGET (self), "merge"));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "customers.reassign", kefu_window_may (GTK_WIDGET (self), "reassign"));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "customers.segment-rules", kefu_window_may (GTK_WIDGET (self), "segment-rules"));
  kefu_customer_page_update_actions (self->customer_page);
}

static GtkWidget *
make_badge (void)
{
  GtkWidget *badge = gtk_label_new (NULL);

  gtk_widget_add_css_class (badge, "segment-badge");
  gtk_widget_set_valign (badge, GTK_ALIGN_CENTER);
  return badge;
}

void
_kefu_segment_badge_set (GtkWidget  *badge,
                         const char *segment)
{
  const char **keys = kefu_segment_keys ();

  for (guint i = 0; keys[i]; i++)
    {
      g_autofree char *klass = g_strdup_printf ("segment-%s", keys[i]);

      if (g_strcmp0 (keys[i], segment) == 0)
        gtk_widget_add_css_class (badge, klass);
      else
        gtk_widget_remove_css_class (badge, klass);
    }
  gtk_label_set_label (GTK_LABEL (badge), kefu_segment_label (segment));
}

/* --- list rows ------------------------------------------------------- */

static void
setup_row_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              gpointer                  user_data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *top = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *name = gtk_label_new (NULL);
  GtkWidget *number = gtk_label_new (NULL);
  GtkWidget *sub = gtk_label_new (NULL);

  gtk_widget_set_margin_top (box, 4);
  gtk_widget_set_margin_bottom (box, 4);
  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (name, TRUE);
  gtk_widget_add_css_class (name, "heading");
  gtk_widget_add_css_class (number, "dim-label");
  gtk_widget_add_css_class (number, "caption");
  gtk_widget_add_css_class (number, "numeric");
  gtk_label_set_xalign (GTK_LABEL (sub), 0);
  gtk_label_set_ellipsize (GTK_LABEL (sub), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (sub, "dim-label");

  gtk_box_append (GTK_BOX (top), name);
  gtk_box_append (GTK_BOX (top), number);
  gtk_box_append (GTK_BOX (top), make_badge ());
  gtk_box_append (GTK_BOX (box), top);
  gtk_box_append (GTK_BOX (box), sub);
  gtk_list_item_set_child (item, box);
}

static void
bind_row_cb (GtkSignalListItemFactory *factory,
             GtkListItem              *item,
             gpointer                  user_data)
{
  KefuCustomerItem *ci = gtk_list_item_get_item (item);
  const KefuCustomerSummary *s;
  GtkWidget *box = gtk_list_item_get_child (item);
  GtkWidget *top = gtk_widget_get_first_child (box);
  GtkWidget *name = gtk_widget_get_first_child (top);
  GtkWidget *number = gtk_widget_get_next_sibling (name);
  GtkWidget *badge = gtk_widget_get_next_sibling (number);
  GtkWidget *sub = gtk_widget_get_next_sibling (top);
  g_autoptr(GString) line = g_string_new (NULL);

  if (ci == NULL)
    return;
  s = kefu_customer_item_get_summary (ci);
  gtk_label_set_label (GTK_LABEL (name), s->name);
  gtk_label_set_label (GTK_LABEL (number), s->number);
  _kefu_segment_badge_set (badge, s->segment);

  if (s->company && *s->company && g_strcmp0 (s->company, s->name) != 0)
    g_string_append (line, s->company);
  if (s->phone)
    {
      g_autofree char *phone = kefu_format_phone (s->phone);

      if (line->len)
        g_string_append (line, " · ");
      g_string_append (line, phone);
    }
  if (s->manager_name)
    {
      if (line->len)
        g_string_append (line, " · ");
      g_string_append (line, s->manager_name);
    }
  gtk_label_set_label (GTK_LABEL (sub), line->str);
}

/* --- signal callbacks ------------------------------------------------ */

static void
on_search_changed_cb (KefuCustomersView *self)
{
  apply_query (self);
}

static void
on_search_activate_cb (KefuCustomersView *self)
{
  /* Enter opens the first match. */
  if (g_list_model_get_n_items (G_LIST_MODEL (self->list)) > 0)
    {
      gtk_single_selection_set_selected (self->selection, 0);
      gtk_widget_grab_focus (GTK_WIDGET (self->list_view));
    }
}

static void
on_filter_changed_cb (KefuCustomersView *self)
{
  if (!self->updating_filters && self->list)
    apply_query (self);
}

static void
selection_changed_cb (KefuCustomersView *self)
{
  KefuCustomerItem *item = gtk_single_selection_get_selected_item (self->selection);

  if (item == NULL)
    return;
  kefu_customers_view_show_customer (self, kefu_customer_item_get_id (item));
}

static void
on_customer_changed_cb (KefuCustomersView *self)
{
  kefu_customer_list_reload (self->list);
  update_count (self);
}

static void
on_customer_deleted_cb (KefuCustomersView *self,
                        const char        *id,
                        const char        *name)
{
  AdwToast *toast;
  g_autofree char *title = g_strdup_printf (_("“%s” deleted"), name);
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  kefu_customer_list_reload (self->list);
  update_count (self);
  gtk_stack_set_visible_child_name (self->detail_stack, "empty");

  toast = adw_toast_new (title);
  adw_toast_set_button_label (toast, _("_Undo"));
  adw_toast_set_action_name (toast, "customers.undo-delete");
  adw_toast_set_action_target_value (toast, g_variant_new_string (id));
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  if (KEFU_IS_WINDOW (root))
    kefu_window_add_toast (KEFU_WINDOW (root), toast);
  else
    g_object_unref (toast);
}

static void
editor_saved_cb (KefuCustomersView *self,
                 const char        *id)
{
  kefu_customer_list_reload (self->list);
  update_count (self);
  kefu_customers_view_show_customer (self, id);
}

static void
dialog_changed_cb (KefuCustomersView *self)
{
  fill_managers (self);
  apply_query (self);
  kefu_customer_page_reload (self->customer_page);
}

/* --- actions --------------------------------------------------------- */

static void
new_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *param)
{
  KefuCustomersView *self = KEFU_CUSTOMERS_VIEW (widget);
  GtkWindow *editor = kefu_customer_editor_new (GTK_WINDOW (gtk_widget_get_root (widget)), self->db, NULL);

  g_signal_connect_object (editor, "saved", G_CALLBACK (editor_saved_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (editor);
}

static void
undo_delete_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  KefuCustomersView *self = KEFU_CUSTOMERS_VIEW (widget);
  const char *id = g_variant_get_string (param, NULL);
  g_autoptr(GError) error = NULL;

  if (!kefu_customers_restore (self->db, id, &error))
    {
      kefu_toast_error (widget, error);
      return;
    }
  kefu_customer_list_reload (self->list);
  update_count (self);
  kefu_customers_view_show_customer (self, id);
}

static void
connect_dialog (KefuCustomersView *self,
                GtkWindow         *dialog)
{
  g_signal_connect_object (dialog, "changed", G_CALLBACK (dialog_changed_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (dialog);
}

static void
import_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  KefuCustomersView *self = KEFU_CUSTOMERS_VIEW (widget);

  connect_dialog (self, kefu_import_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)), self->db));
}

static void
duplicates_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  KefuCustomersView *self = KEFU_CUSTOMERS_VIEW (widget);

  connect_dialog (self, kefu_duplicates_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)), self->db));
}

static void
reassign_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *param)
{
  KefuCustomersView *self = KEFU_CUSTOMERS_VIEW (widget);

  connect_dialog (self, kefu_reassign_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)), self->db));
}

static void
segment_rules_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *param)
{
  KefuCustomersView *self = KEFU_CUSTOMERS_VIEW (widget);

  connect_dialog (self, kefu_segment_rules_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)), self->db));
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  KefuCustomersView *self = KEFU_CUSTOMERS_VIEW (widget);

  kefu_export_list (GTK_WINDOW (gtk_widget_get_root (widget)), self->db,
                    kefu_customer_list_get_query (self->list),
                    g_variant_get_string (param, NULL));
}

/* --- GObject --------------------------------------------------------- */

static void
kefu_customers_view_root (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (kefu_customers_view_parent_class)->root (widget);
  update_actions (KEFU_CUSTOMERS_VIEW (widget));
}

static void
kefu_customers_view_dispose (GObject *object)
{
  KefuCustomersView *self = (KefuCustomersView *) object;

  gtk_widget_dispose_template (GTK_WIDGET (self), KEFU_TYPE_CUSTOMERS_VIEW);
  /* The template's top widget is not a bound child: unparent it here. */
  {
    GtkWidget *child;

    while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))))
      gtk_widget_unparent (child);
  }
  g_clear_object (&self->selection);
  g_clear_object (&self->proxy);
  g_clear_object (&self->list);
  g_clear_object (&self->db);
  g_clear_pointer (&self->manager_ids, g_ptr_array_unref);
  G_OBJECT_CLASS (kefu_customers_view_parent_class)->dispose (object);
}

static void
kefu_customers_view_class_init (KefuCustomersViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kefu_customers_view_dispose;
  widget_class->root = kefu_customers_view_root;

  g_type_ensure (KEFU_TYPE_CUSTOMER_PAGE);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/kefu/Kefu/customers/kefu-customers-view.ui");
  gtk_widget_class_bind_template_child (widget_class, KefuCustomersView, count_label);
  gtk_widget_class_bind_template_child (widget_class, KefuCustomersView, customer_page);
  gtk_widget_class_bind_template_child (widget_class, KefuCustomersView, detail_stack);
  gtk_widget_class_bind_template_child (widget_class, KefuCustomersView, empty_page);
  gtk_widget_class_bind_template_child (widget_class, KefuCustomersView, list_stack);
  gtk_widget_class_bind_template_child (widget_class, KefuCustomersView, list_view);
  gtk_widget_class_bind_template_child (widget_class, KefuCustomersView, manager_dropdown);
  gtk_widget_class_bind_template_child (widget_class, KefuCustomersView, menu_button);
  gtk_widget_class_bind_template_child (widget_class, KefuCustomersView, new_button);
  gtk_widget_class_bind_template_child (widget_class, KefuCustomersView, paned);
  gtk_widget_class_bind_template_child (widget_class, KefuCustomersView, search_entry);
  gtk_widget_class_bind_template_child (widget_class, KefuCustomersView, segment_dropdown);
  gtk_widget_class_bind_template_child (widget_class, KefuCustomersView, sort_dropdown);
  gtk_widget_class_bind_template_callback (widget_class, on_customer_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_customer_deleted_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_filter_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_search_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed_cb);

  gtk_widget_class_install_action (widget_class, "customers.new", NULL, new_action);
  gtk_widget_class_install_action (widget_class, "customers.undo-delete", "s", undo_delete_action);
  gtk_widget_class_install_action (widget_class, "customers.import", NULL, import_action);
  gtk_widget_class_install_action (widget_class, "customers.export", "s", export_action);
  gtk_widget_class_install_action (widget_class, "customers.duplicates", NULL, duplicates_action);
  gtk_widget_class_install_action (widget_class, "customers.reassign", NULL, reassign_action);
  gtk_widget_class_install_action (widget_class, "customers.segment-rules", NULL, segment_rules_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK, "customers.new", NULL);
}

static void
kefu_customers_view_init (KefuCustomersView *self)
{
  g_autoptr(GtkStringList) segments = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) sorts = gtk_string_list_new (NULL);
  const char **keys = kefu_segment_keys ();

  gtk_widget_init_template (GTK_WIDGET (self));
  self->manager_ids = g_ptr_array_new_with_free_func (g_free);

  self->updating_filters = TRUE;
  gtk_string_list_append (segments, _("All segments"));
  for (guint i = 0; keys[i]; i++)
    gtk_string_list_append (segments, kefu_segment_label (keys[i]));
  gtk_drop_down_set_model (self->segment_dropdown, G_LIST_MODEL (segments));

  gtk_string_list_append (sorts, _("By name"));
  gtk_string_list_append (sorts, _("By last contact"));
  gtk_string_list_append (sorts, _("By value"));
  gtk_drop_down_set_model (self->sort_dropdown, G_LIST_MODEL (sorts));
  self->updating_filters = FALSE;

  gtk_search_entry_set_key_capture_widget (self->search_entry, GTK_WIDGET (self));
}

/* --- public API ------------------------------------------------------ */

KefuCustomersView *
kefu_customers_view_new (KefuDb *db)
{
  KefuCustomersView *self = g_object_new (KEFU_TYPE_CUSTOMERS_VIEW, NULL);
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();

  self->db = g_object_ref (db);
  self->list = kefu_customer_list_new (db);
  /* See kefu-list-proxy.h: without it a new search at a million rows reads
   * every page of the list. */
  self->proxy = kefu_list_proxy_new (G_LIST_MODEL (self->list));
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->proxy)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
  g_signal_connect_object (self->selection, "selection-changed", G_CALLBACK (selection_changed_cb), self, G_CONNECT_SWAPPED);

  g_signal_connect (factory, "setup", G_CALLBACK (setup_row_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row_cb), NULL);
  gtk_list_view_set_factory (self->list_view, factory);
  g_object_unref (factory);
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (self->selection));

  kefu_customer_page_set_db (self->customer_page, db);
  fill_managers (self);
  update_count (self);
  return self;
}

void
kefu_customers_view_reload (KefuCustomersView *self)
{
  g_return_if_fail (KEFU_IS_CUSTOMERS_VIEW (self));

  fill_managers (self);
  apply_query (self);
  update_actions (self);
  kefu_customer_page_reload (self->customer_page);
}

void
kefu_customers_view_focus_search (KefuCustomersView *self)
{
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

void
kefu_customers_view_set_search (KefuCustomersView *self,
                                const char        *text)
{
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), text);
  /* Do not wait for the entry's typing delay. */
  apply_query (self);
}

void
kefu_customers_view_show_customer (KefuCustomersView *self,
                                   const char        *id)
{
  g_return_if_fail (KEFU_IS_CUSTOMERS_VIEW (self));

  if (kefu_customer_page_show (self->customer_page, id))
    gtk_stack_set_visible_child_name (self->detail_stack, "file");
  else
    gtk_stack_set_visible_child_name (self->detail_stack, "empty");
}

guint
kefu_customers_view_get_n_shown (KefuCustomersView *self)
{
  return g_list_model_get_n_items (G_LIST_MODEL (self->list));
}
