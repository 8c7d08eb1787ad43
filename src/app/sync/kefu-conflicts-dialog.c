/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "kefu-conflicts-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "kefu-conflicts.h"
#include "kefu-conflicts-dialog.h"
#include "kefu-org.h"

#define MAX_ROWS 500

struct _KefuConflictsDialog
{
  AdwWindow        parent_instance;

  /* template children */
  GtkLabel        *intro;
  GtkListBox      *list;
  AdwToastOverlay *toasts;

  KefuDb          *db;
  KefuSyncClient  *client;
  GPtrArray       *conflicts;     /* KefuConflict, one per row */
  gboolean         may_resolve;
};

G_DEFINE_FINAL_TYPE (KefuConflictsDialog, kefu_conflicts_dialog, ADW_TYPE_WINDOW)

static void reload (KefuConflictsDialog *self);

/* --- helpers --------------------------------------------------------- */

static const char *
entity_label (const char *entity)
{
  if (g_strcmp0 (entity, "kcase") == 0)
    return _("Case");
  if (g_strcmp0 (entity, "customer") == 0)
    return _("Customer file");
  return entity;
}

static GtkWidget *
side_box (KefuConflictsDialog *self,
          const char          *heading,
          KefuConflict        *c,
          const char          *json)
{
  g_autofree char *text = kefu_conflict_value_label (self->db, c->field, json);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *title = gtk_label_new (heading);
  GtkWidget *value = gtk_label_new (*text ? text : _("(empty)"));

  gtk_widget_set_hexpand (box, TRUE);
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_widget_add_css_class (title, "caption-heading");
  gtk_widget_add_css_class (title, "dim-label");
  gtk_label_set_xalign (GTK_LABEL (value), 0);
  gtk_label_set_wrap (GTK_LABEL (value), TRUE);
  gtk_label_set_selectable (GTK_LABEL (value), TRUE);
  gtk_box_append (GTK_BOX (box), title);
  gtk_box_append (GTK_BOX (box), value);
  return box;
}

static void
resolve (KefuConflictsDialog *self,
         guint                index,
         gboolean             use_other)
{
  KefuConflict *c;
  g_autoptr(GError) error = NULL;

  if (index >= self->conflicts->len)
    return;
  c = self->conflicts->pdata[index];
  if (!kefu_conflicts_resolve (self->db, c->id, use_other, &error))
    {
      adw_toast_overlay_add_toast (self->toasts, adw_toast_new (error->message));
      return;
    }
  adw_toast_overlay_add_toast (self->toasts,
                               adw_toast_new (use_other ? _("The other value is used and sent to every office")
                                                        : _("The server’s value is kept")));
  if (self->client)
    kefu_sync_client_sync_soon (self->client);
  reload (self);
}

static void
on_keep_clicked_cb (GtkButton           *button,
                    KefuConflictsDialog *self)
{
  resolve (self, GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "index")), FALSE);
}

static void
on_use_other_clicked_cb (GtkButton           *button,
                         KefuConflictsDialog *self)
{
  resolve (self, GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "index")), TRUE);
}

static GtkWidget *
conflict_row (KefuConflictsDialog *self,
              KefuConflict        *c,
              guint                index)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
  GtkWidget *sides = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 18);
  GtkWidget *buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  /* No mnemonics: every conflict row has the same two buttons. */
  GtkWidget *keep = gtk_button_new_with_label (_("Keep Server Value"));
  GtkWidget *other = gtk_button_new_with_label (_("Use Other Value"));
  g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (c->created_at / 1000);
  g_autofree char *when_text = when ? g_date_time_format (when, _("%Y-%m-%d %H:%M")) : g_strdup ("");
  /* Translators: conflict title: what (case / customer file), its number or
   * name, the field that two offices changed */
  g_autofree char *title = g_strdup_printf (_("%s %s · %s"), entity_label (c->entity),
                                            c->label ? c->label : "", kefu_conflict_field_label (c->field));
  GtkWidget *title_label = gtk_label_new (title);
  GtkWidget *when_label = gtk_label_new (when_text);
  GtkWidget *head = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);

  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_box_set_homogeneous (GTK_BOX (sides), TRUE);
  gtk_widget_set_margin_top (box, 12);
  gtk_widget_set_margin_bottom (box, 12);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_label_set_xalign (GTK_LABEL (title_label), 0);
  gtk_widget_set_hexpand (title_label, TRUE);
  gtk_widget_add_css_class (title_label, "heading");
  gtk_widget_add_css_class (when_label, "dim-label");
  gtk_box_append (GTK_BOX (head), title_label);
  gtk_box_append (GTK_BOX (head), when_label);
  gtk_box_append (GTK_BOX (box), head);

  gtk_box_append (GTK_BOX (sides), side_box (self, _("Kept by the server"), c, c->server_value));
  gtk_box_append (GTK_BOX (sides), side_box (self, _("Other office’s change"), c, c->client_value));
  gtk_box_append (GTK_BOX (box), sides);

  gtk_widget_set_halign (buttons, GTK_ALIGN_END);
  g_object_set_data (G_OBJECT (keep), "index", GUINT_TO_POINTER (index));
  g_object_set_data (G_OBJECT (other), "index", GUINT_TO_POINTER (index));
  g_signal_connect (keep, "clicked", G_CALLBACK (on_keep_clicked_cb), self);
  g_signal_connect (other, "clicked", G_CALLBACK (on_use_other_clicked_cb), self);
  gtk_widget_set_sensitive (keep, self->may_resolve);
  gtk_widget_set_sensitive (other, self->may_resolve);
  if (!self->may_resolve)
    gtk_widget_set_tooltip_text (buttons, _("Only a supervisor or an administrator can resolve conflicts."));
  gtk_box_append (GTK_BOX (buttons), keep);
  gtk_box_append (GTK_BOX (buttons), other);
  gtk_box_append (GTK_BOX (box), buttons);

  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  return row;
}

static void
reload (KefuConflictsDialog *self)
{
  g_autoptr(GError) error = NULL;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list))) != NULL &&
         GTK_IS_LIST_BOX_ROW (child))
    gtk_list_box_remove (self->list, child);
  g_clear_pointer (&self->conflicts, g_ptr_array_unref);
  self->conflicts = kefu_conflicts_list_open (self->db, MAX_ROWS, &error);
  if (self->conflicts == NULL)
    {
      self->conflicts = g_ptr_array_new_with_free_func ((GDestroyNotify) kefu_conflict_free);
      adw_toast_overlay_add_toast (self->toasts, adw_toast_new (error->message));
      return;
    }
  for (guint i = 0; i < self->conflicts->len; i++)
    gtk_list_box_append (self->list, conflict_row (self, self->conflicts->pdata[i], i));
}

/* --- GObject --------------------------------------------------------- */

static void
kefu_conflicts_dialog_dispose (GObject *object)
{
  KefuConflictsDialog *self = (KefuConflictsDialog *) object;

  gtk_widget_dispose_template (GTK_WIDGET (self), KEFU_TYPE_CONFLICTS_DIALOG);
  g_clear_object (&self->db);
  g_clear_object (&self->client);
  g_clear_pointer (&self->conflicts, g_ptr_array_unref);
  G_OBJECT_CLASS (kefu_conflicts_dialog_parent_class)->dispose (object);
}

static void
kefu_conflicts_dialog_class_init (KefuConflictsDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kefu_conflicts_dialog_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/kefu/Kefu/sync/kefu-conflicts-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, KefuConflictsDialog, intro);
  gtk_widget_class_bind_template_child (widget_class, KefuConflictsDialog, list);
  gtk_widget_class_bind_template_child (widget_class, KefuConflictsDialog, toasts);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
kefu_conflicts_dialog_init (KefuConflictsDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/* --- public API ------------------------------------------------------ */

GtkWindow *
kefu_conflicts_dialog_new (GtkWindow      *parent,
                           KefuDb         *db,
                           KefuSyncClient *client)
{
  KefuConflictsDialog *self;
  g_autoptr(KefuStaff) me = NULL;

  g_return_val_if_fail (KEFU_IS_DB (db), NULL);

  self = g_object_new (KEFU_TYPE_CONFLICTS_DIALOG, "transient-for", parent, NULL);
  self->db = g_object_ref (db);
  if (client)
    self->client = g_object_ref (client);
  me = kefu_org_get_current_user (db);
  self->may_resolve = me && (g_strcmp0 (me->role, "supervisor") == 0 || g_strcmp0 (me->role, "admin") == 0);
  reload (self);
  return GTK_WINDOW (self);
}

guint
_kefu_conflicts_dialog_get_n_rows (KefuConflictsDialog *self)
{
  return self->conflicts ? self->conflicts->len : 0;
}

void
_kefu_conflicts_dialog_resolve (KefuConflictsDialog *self,
                                guint                index,
                                gboolean             use_other)
{
  resolve (self, index, use_other);
}
