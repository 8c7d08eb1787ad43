/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "kefu-categories-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "kefu-categories-admin.h"
#include "kefu-categories-dialog.h"
#include "kefu-categories.h"

/* The case taxonomy, one editable row per category: the name is edited
 * in place, the arrows move it, the bin deletes it (with Undo). Every
 * change is one core call, one transaction. */

struct _KefuCategoriesDialog
{
  AdwWindow        parent_instance;

  /* template children */
  GtkListBox      *categories_list;
  AdwEntryRow     *new_row;
  AdwToastOverlay *toast_overlay;

  KefuDb          *db;
};

G_DEFINE_FINAL_TYPE (KefuCategoriesDialog, kefu_categories_dialog, ADW_TYPE_WINDOW)

#define SCOPE "case"

typedef struct
{
  KefuCategoriesDialog *self;
  char                 *id;
} UndoData;

/* --- helpers --------------------------------------------------------- */

static void
undo_data_free (UndoData *u)
{
  g_clear_object (&u->self);
  g_free (u->id);
  g_free (u);
}

static void
toast_error (KefuCategoriesDialog *self,
             const GError         *error)
{
  AdwToast *t = adw_toast_new (error->message);

  adw_toast_set_timeout (t, 8);
  adw_toast_overlay_add_toast (self->toast_overlay, t);
}

static GtkWidget *
create_icon_button (const char *icon_name,
                    const char *tooltip)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon_name);

  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  return button;
}

static const char *
row_id (GtkWidget *widget)
{
  GtkWidget *row = GTK_IS_LIST_BOX_ROW (widget) ? widget : gtk_widget_get_ancestor (widget, GTK_TYPE_LIST_BOX_ROW);

  return row ? g_object_get_data (G_OBJECT (row), "category-id") : NULL;
}

/* Which part of the row of the category worked on gets the focus back. */
typedef enum { FOCUS_NAME, FOCUS_UP, FOCUS_DOWN } FocusPart;

static void load (KefuCategoriesDialog *self, const char *focus_id, FocusPart part);

/* --- signal callbacks ------------------------------------------------ */

static void
row_apply_cb (AdwEntryRow          *row,
              KefuCategoriesDialog *self)
{
  g_autoptr(GError) error = NULL;
  const char *id = row_id (GTK_WIDGET (row));
  const char *name = gtk_editable_get_text (GTK_EDITABLE (row));
  const char *shown = g_object_get_data (G_OBJECT (row), "shown-name");

  /* "apply" and "entry-activated" may both come for one Enter; the
   * first reloads the list and takes this row out of it. */
  if (id == NULL || gtk_widget_get_parent (GTK_WIDGET (row)) == NULL || g_strcmp0 (name, shown) == 0)
    return;
  if (!kefu_categories_rename (self->db, id, name, &error))
    {
      toast_error (self, error);
      return;
    }
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (_("Category renamed")));
  load (self, id, FOCUS_NAME);
}

static void
move (KefuCategoriesDialog *self,
      GtkWidget            *button,
      int                   delta)
{
  g_autoptr(GError) error = NULL;
  GtkWidget *row = gtk_widget_get_ancestor (button, GTK_TYPE_LIST_BOX_ROW);
  g_autofree char *id = g_strdup (row_id (button));
  int index;

  if (row == NULL || id == NULL)
    return;
  index = (int) GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (row), "sibling-index")) + delta;
  if (index < 0)
    return;
  if (!kefu_categories_move (self->db, id, (guint) index, &error))
    {
      toast_error (self, error);
      return;
    }
  /* Pressing the same arrow again moves it further. */
  load (self, id, delta < 0 ? FOCUS_UP : FOCUS_DOWN);
}

static void
up_clicked_cb (GtkWidget            *button,
               KefuCategoriesDialog *self)
{
  move (self, button, -1);
}

static void
down_clicked_cb (GtkWidget            *button,
                 KefuCategoriesDialog *self)
{
  move (self, button, +1);
}

static void
undo_delete_cb (AdwToast *t,
                UndoData *u)
{
  g_autoptr(GError) error = NULL;

  if (!kefu_categories_restore (u->self->db, u->id, &error))
    toast_error (u->self, error);
  load (u->self, u->id, FOCUS_NAME);
}

static void
delete_clicked_cb (GtkWidget            *button,
                   KefuCategoriesDialog *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  g_autofree char *id = g_strdup (row_id (button));
  GtkWidget *row = gtk_widget_get_ancestor (button, ADW_TYPE_ENTRY_ROW);
  UndoData *u;
  AdwToast *t;

  if (id == NULL || row == NULL)
    return;
  if (!kefu_categories_delete (self->db, id, &error))
    {
      toast_error (self, error);
      return;
    }
  /* Translators: %s is a category name */
  message = g_strdup_printf (_("“%s” deleted"), (const char *) g_object_get_data (G_OBJECT (row), "shown-name"));
  u = g_new0 (UndoData, 1);
  u->self = g_object_ref (self);
  u->id = g_steal_pointer (&id);
  load (self, NULL, FOCUS_NAME);
  /* Not another name: typing would replace it. */
  gtk_widget_grab_focus (GTK_WIDGET (self->new_row));

  t = adw_toast_new (message);
  adw_toast_set_button_label (t, _("_Undo"));
  g_signal_connect_data (t, "button-clicked", G_CALLBACK (undo_delete_cb), u, (GClosureNotify) undo_data_free, 0);
  adw_toast_overlay_add_toast (self->toast_overlay, t);
}

static void
on_new_apply_cb (KefuCategoriesDialog *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->new_row))));

  /* "apply" and "entry-activated" may both come for one Enter. */
  if (*name == '\0')
    return;
  if ((id = kefu_categories_add (self->db, SCOPE, name, &error)) == NULL)
    {
      toast_error (self, error);
      return;
    }
  gtk_editable_set_text (GTK_EDITABLE (self->new_row), "");
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (_("Category added")));
  load (self, NULL, FOCUS_NAME);
  gtk_widget_grab_focus (GTK_WIDGET (self->new_row));
}

/* --- rows ------------------------------------------------------------ */

/* @number is "3" for the third category, "3.1" for its first child;
 * @first and @last say where it is among its siblings. */
static GtkWidget *
create_row (KefuCategoriesDialog *self,
            const KefuCategory   *c,
            const char           *number,
            gboolean              first,
            gboolean              last)
{
  GtkWidget *row = adw_entry_row_new ();
  GtkWidget *up = create_icon_button ("go-up-symbolic", _("Move Up"));
  GtkWidget *down = create_icon_button ("go-down-symbolic", _("Move Down"));
  GtkWidget *delete_button = create_icon_button ("user-trash-symbolic", _("Delete Category"));
  const char *shown = kefu_category_label (c);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), number);
  /* Children sit under their parent, indented. */
  if (c->depth > 0)
    gtk_widget_add_css_class (row, "category-child");
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  gtk_editable_set_text (GTK_EDITABLE (row), shown);
  adw_entry_row_set_show_apply_button (ADW_ENTRY_ROW (row), TRUE);
  gtk_widget_set_sensitive (up, !first);
  gtk_widget_set_sensitive (down, !last);
  adw_entry_row_add_suffix (ADW_ENTRY_ROW (row), up);
  adw_entry_row_add_suffix (ADW_ENTRY_ROW (row), down);
  adw_entry_row_add_suffix (ADW_ENTRY_ROW (row), delete_button);

  g_object_set_data (G_OBJECT (row), "up-button", up);
  g_object_set_data (G_OBJECT (row), "down-button", down);
  g_object_set_data_full (G_OBJECT (row), "category-id", g_strdup (c->id), g_free);
  g_object_set_data_full (G_OBJECT (row), "shown-name", g_strdup (shown), g_free);
  g_signal_connect_object (row, "apply", G_CALLBACK (row_apply_cb), self, 0);
  g_signal_connect_object (row, "entry-activated", G_CALLBACK (row_apply_cb), self, 0);
  g_signal_connect_object (up, "clicked", G_CALLBACK (up_clicked_cb), self, 0);
  g_signal_connect_object (down, "clicked", G_CALLBACK (down_clicked_cb), self, 0);
  g_signal_connect_object (delete_button, "clicked", G_CALLBACK (delete_clicked_cb), self, 0);
  return row;
}

/* Rebuilds the rows; the one of @focus_id gets the focus back. */
static void
load (KefuCategoriesDialog *self,
      const char           *focus_id,
      FocusPart             part)
{
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) numbers = g_ptr_array_new_with_free_func (g_free);
  GtkWidget *child;
  GtkWidget *focus = NULL;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->categories_list))))
    gtk_list_box_remove (self->categories_list, child);

  /* Tree order: each parent followed by its children. */
  list = kefu_categories_list (self->db, SCOPE, &error);
  if (list == NULL)
    {
      toast_error (self, error);
      return;
    }
  for (guint i = 0; i < list->len; i++)
    {
      KefuCategory *c = list->pdata[i];
      gboolean first = TRUE, last = TRUE;
      guint n_before = 0;
      g_autoptr(GString) number = g_string_new (NULL);
      GtkWidget *row;

      /* Siblings: the same depth and parent, before and after. */
      for (guint j = 0; j < list->len; j++)
        {
          KefuCategory *o = list->pdata[j];

          if (g_strcmp0 (o->parent_id, c->parent_id) != 0 || o == c)
            continue;
          if (j < i)
            {
              first = FALSE;
              n_before++;
            }
          else
            last = FALSE;
        }
      /* "3.1": the parent's number, then the place among siblings. */
      for (guint j = i; j > 0 && c->depth > 0; j--)
        if (g_strcmp0 (((KefuCategory *) list->pdata[j - 1])->id, c->parent_id) == 0)
          {
            g_string_append_printf (number, "%s.", (const char *) numbers->pdata[j - 1]);
            break;
          }
      g_string_append_printf (number, "%u", n_before + 1);
      g_ptr_array_add (numbers, g_strdup (number->str));

      row = create_row (self, c, number->str, first, last);
      g_object_set_data (G_OBJECT (row), "sibling-index", GUINT_TO_POINTER (n_before));
      gtk_list_box_append (self->categories_list, row);
      if (g_strcmp0 (c->id, focus_id) == 0)
        focus = row;
    }
  if (focus)
    {
      GtkWidget *button = g_object_get_data (G_OBJECT (focus), part == FOCUS_UP ? "up-button" : "down-button");

      if (part != FOCUS_NAME && gtk_widget_get_sensitive (button))
        gtk_widget_grab_focus (button);
      else
        gtk_widget_grab_focus (focus);
    }
}

/* --- GObject --------------------------------------------------------- */

static void
kefu_categories_dialog_dispose (GObject *object)
{
  KefuCategoriesDialog *self = (KefuCategoriesDialog *) object;

  gtk_widget_dispose_template (GTK_WIDGET (self), KEFU_TYPE_CATEGORIES_DIALOG);
  g_clear_object (&self->db);
  G_OBJECT_CLASS (kefu_categories_dialog_parent_class)->dispose (object);
}

static void
kefu_categories_dialog_class_init (KefuCategoriesDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kefu_categories_dialog_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/kefu/Kefu/dialogs/kefu-categories-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, KefuCategoriesDialog, categories_list);
  gtk_widget_class_bind_template_child (widget_class, KefuCategoriesDialog, new_row);
  gtk_widget_class_bind_template_child (widget_class, KefuCategoriesDialog, toast_overlay);
  gtk_widget_class_bind_template_callback (widget_class, on_new_apply_cb);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
kefu_categories_dialog_init (KefuCategoriesDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/* --- public API ------------------------------------------------------ */

/**
 * kefu_categories_dialog_new:
 *
 * Returns: (transfer none): a new modal window; present it
 */
GtkWindow *
kefu_categories_dialog_new (GtkWindow *parent,
                            KefuDb    *db)
{
  KefuCategoriesDialog *self;

  g_return_val_if_fail (KEFU_IS_DB (db), NULL);

  self = g_object_new (KEFU_TYPE_CATEGORIES_DIALOG,
                       "transient-for", parent,
                       "modal", TRUE,
                       NULL);
  self->db = g_object_ref (db);
  load (self, NULL, FOCUS_NAME);
  /* Not the first name: typing would replace it. */
  gtk_window_set_focus (GTK_WINDOW (self), GTK_WIDGET (self->new_row));
  return GTK_WINDOW (self);
}

guint
_kefu_categories_dialog_get_n_rows (KefuCategoriesDialog *self)
{
  guint n = 0;

  while (gtk_list_box_get_row_at_index (self->categories_list, (int) n))
    n++;
  return n;
}

GtkWidget *
_kefu_categories_dialog_get_row (KefuCategoriesDialog *self,
                                 guint                 index)
{
  return GTK_WIDGET (gtk_list_box_get_row_at_index (self->categories_list, (int) index));
}

void
_kefu_categories_dialog_add (KefuCategoriesDialog *self,
                             const char           *name)
{
  gtk_editable_set_text (GTK_EDITABLE (self->new_row), name);
  g_signal_emit_by_name (self->new_row, "apply");
}
