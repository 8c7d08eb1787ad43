/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "kefu-duplicates-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "customers/kefu-customer-page.h"
#include "kefu-customers.h"
#include "kefu-dialogs.h"
#include "kefu-text.h"

/* Pairs of customer files that are probably the same customer (same phone,
 * or same name and address). The search runs in a thread on its own
 * connection; comparing and merging use the window's connection. */

#define KEFU_TYPE_DUPLICATES_DIALOG (kefu_duplicates_dialog_get_type ())
G_DECLARE_FINAL_TYPE (KefuDuplicatesDialog, kefu_duplicates_dialog, KEFU, DUPLICATES_DIALOG, AdwWindow)

#define MAX_PAIRS 200

struct _KefuDuplicatesDialog
{
  AdwWindow        parent_instance;

  /* template children */
  GtkLabel        *count_label;
  GtkStack        *detail_stack;
  AdwStatusPage   *error_page;
  GtkLabel        *error_label;
  GtkWidget       *keep_left_button;
  GtkWidget       *keep_right_button;
  GtkBox          *left_box;
  GtkListBox      *pair_list;
  GtkLabel        *reason_label;
  GtkBox          *right_box;
  GtkSpinner      *spinner;
  GtkStack        *stack;
  AdwToastOverlay *toast_overlay;

  KefuDb          *db;
  GCancellable    *cancellable;
  GPtrArray       *pairs;      /* KefuDuplicatePair, in the list's order */
  KefuCustomer    *left;       /* the selected pair, as read now */
  KefuCustomer    *right;
};

G_DEFINE_FINAL_TYPE (KefuDuplicatesDialog, kefu_duplicates_dialog, ADW_TYPE_WINDOW)

enum { CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

/* --- helpers --------------------------------------------------------- */

static void
clear_box (GtkBox *box)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (box))))
    gtk_box_remove (box, child);
}

static void
show_error (KefuDuplicatesDialog *self,
            const char           *message)
{
  gtk_label_set_label (self->error_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

static char *
describe_reason (const KefuDuplicatePair *pair)
{
  if (g_strcmp0 (pair->reason, "phone") == 0)
    {
      g_autofree char *phone = kefu_format_phone (pair->detail ? pair->detail : "");

      /* Translators: why two files look like the same customer; %s is a phone number */
      return g_strdup_printf (_("Same phone %s"), phone);
    }
  /* Translators: why two files look like the same customer; %s is an address */
  return g_strdup_printf (_("Same name and address %s"), pair->detail ? pair->detail : "");
}

static void
add_field (GtkGrid    *grid,
           int        *row,
           const char *title,
           const char *value)
{
  GtkWidget *title_label;
  GtkWidget *value_label;

  if (value == NULL || *value == '\0')
    return;

  title_label = gtk_label_new (title);
  gtk_label_set_xalign (GTK_LABEL (title_label), 1);
  gtk_widget_set_valign (title_label, GTK_ALIGN_BASELINE);
  gtk_widget_add_css_class (title_label, "dim-label");

  value_label = gtk_label_new (value);
  gtk_label_set_xalign (GTK_LABEL (value_label), 0);
  gtk_label_set_wrap (GTK_LABEL (value_label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (value_label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (GTK_LABEL (value_label), TRUE);
  gtk_widget_set_hexpand (value_label, TRUE);
  gtk_widget_set_valign (value_label, GTK_ALIGN_BASELINE);

  gtk_grid_attach (grid, title_label, 0, *row, 1, 1);
  gtk_grid_attach (grid, value_label, 1, *row, 1, 1);
  (*row)++;
}

static void
fill_side (GtkBox             *box,
           const KefuCustomer *c)
{
  GtkWidget *name;
  GtkWidget *header;
  GtkWidget *badge;
  GtkWidget *number;
  GtkWidget *card;
  GtkWidget *grid;
  g_autofree char *created = _kefu_format_date (c->created_at, FALSE);
  g_autofree char *last = _kefu_format_date (c->last_contact_at, FALSE);
  g_autofree char *segment = NULL;
  g_autofree char *subtitle = NULL;
  const char *kind = g_strcmp0 (c->kind, "enterprise") == 0 ? _("Enterprise") : _("Person");
  int row = 0;

  clear_box (box);

  header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  name = gtk_label_new (c->name);
  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_label_set_wrap (GTK_LABEL (name), TRUE);
  gtk_label_set_selectable (GTK_LABEL (name), TRUE);
  gtk_widget_add_css_class (name, "title-3");
  gtk_box_append (GTK_BOX (header), name);
  badge = gtk_label_new (NULL);
  gtk_widget_set_valign (badge, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (badge, "segment-badge");
  _kefu_segment_badge_set (badge, c->segment);
  gtk_box_append (GTK_BOX (header), badge);
  gtk_box_append (box, header);

  /* Translators: customer number · person or enterprise */
  subtitle = g_strdup_printf (_("%s · %s"), c->number, kind);
  number = gtk_label_new (subtitle);
  gtk_label_set_xalign (GTK_LABEL (number), 0);
  gtk_label_set_selectable (GTK_LABEL (number), TRUE);
  gtk_widget_add_css_class (number, "dim-label");
  gtk_box_append (box, number);

  /* A card has no padding of its own: the grid inside brings it. */
  card = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_widget_add_css_class (card, "card");
  gtk_widget_set_margin_top (card, 6);
  grid = gtk_grid_new ();
  gtk_grid_set_column_spacing (GTK_GRID (grid), 12);
  gtk_grid_set_row_spacing (GTK_GRID (grid), 8);
  gtk_widget_set_margin_start (grid, 12);
  gtk_widget_set_margin_end (grid, 12);
  gtk_widget_set_margin_top (grid, 12);
  gtk_widget_set_margin_bottom (grid, 12);
  gtk_box_append (GTK_BOX (card), grid);
  gtk_box_append (box, card);

  add_field (GTK_GRID (grid), &row, _("Company"), c->company);
  for (guint i = 0; c->contacts && i < c->contacts->len; i++)
    {
      KefuContact *contact = g_ptr_array_index (c->contacts, i);
      g_autofree char *title = _kefu_contact_title (contact->kind, contact->label);
      g_autofree char *value = g_strcmp0 (contact->kind, "phone") == 0 ? kefu_format_phone (contact->value)
                                                                       : g_strdup (contact->value);

      add_field (GTK_GRID (grid), &row, title, value);
    }
  add_field (GTK_GRID (grid), &row, _("Industry"), c->industry);
  add_field (GTK_GRID (grid), &row, _("Account manager"),
             c->manager_name ? c->manager_name : _("None"));
  if (c->segment_manual)
    /* Translators: a segment that staff chose instead of the rules */
    segment = g_strdup_printf (_("%s (set by hand)"), kefu_segment_label (c->segment));
  else
    segment = g_strdup (kefu_segment_label (c->segment));
  add_field (GTK_GRID (grid), &row, _("Segment"), segment);
  add_field (GTK_GRID (grid), &row, _("Created"), created);
  add_field (GTK_GRID (grid), &row, _("Last contact"), last);
}

static void
show_pair (KefuDuplicatesDialog    *self,
           const KefuDuplicatePair *pair)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *reason = NULL;

  g_clear_pointer (&self->left, kefu_customer_free);
  g_clear_pointer (&self->right, kefu_customer_free);
  show_error (self, NULL);

  if (pair == NULL)
    {
      gtk_stack_set_visible_child_name (self->detail_stack, "none");
      return;
    }

  reason = describe_reason (pair);
  gtk_label_set_label (self->reason_label, reason);
  clear_box (self->left_box);
  clear_box (self->right_box);
  gtk_stack_set_visible_child_name (self->detail_stack, "pair");

  if ((self->left = kefu_customers_get (self->db, pair->id_a, &error)) == NULL ||
      (self->right = kefu_customers_get (self->db, pair->id_b, &error)) == NULL)
    {
      g_clear_pointer (&self->left, kefu_customer_free);
      show_error (self, error ? error->message
                              : _("One of these files no longer exists. Look again for duplicates."));
      gtk_widget_set_sensitive (self->keep_left_button, FALSE);
      gtk_widget_set_sensitive (self->keep_right_button, FALSE);
      return;
    }

  fill_side (self->left_box, self->left);
  fill_side (self->right_box, self->right);
  gtk_widget_set_sensitive (self->keep_left_button, TRUE);
  gtk_widget_set_sensitive (self->keep_right_button, TRUE);
}

static GtkWidget *
create_pair_row (const KefuDuplicatePair *pair)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 3);
  GtkWidget *names;
  GtkWidget *detail;
  g_autofree char *names_text = NULL;
  g_autofree char *detail_text = NULL;
  g_autofree char *reason = describe_reason (pair);

  /* Translators: two customer files that look alike: name A ↔ name B */
  names_text = g_strdup_printf (_("%s ↔ %s"), pair->name_a, pair->name_b);
  /* Translators: numbers of two customer files, then why they look alike */
  detail_text = g_strdup_printf (_("%s ↔ %s · %s"), pair->number_a, pair->number_b, reason);

  names = gtk_label_new (names_text);
  gtk_label_set_xalign (GTK_LABEL (names), 0);
  gtk_label_set_ellipsize (GTK_LABEL (names), PANGO_ELLIPSIZE_END);
  detail = gtk_label_new (detail_text);
  gtk_label_set_xalign (GTK_LABEL (detail), 0);
  gtk_label_set_ellipsize (GTK_LABEL (detail), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (detail, "dim-label");
  gtk_widget_add_css_class (detail, "caption");

  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_box_append (GTK_BOX (box), names);
  gtk_box_append (GTK_BOX (box), detail);
  gtk_widget_set_tooltip_text (row, detail_text);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  return row;
}

static void
fill_pairs (KefuDuplicatesDialog *self)
{
  g_autofree char *count = NULL;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->pair_list))))
    gtk_list_box_remove (self->pair_list, child);
  show_pair (self, NULL);

  if (self->pairs == NULL || self->pairs->len == 0)
    {
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }

  for (guint i = 0; i < self->pairs->len; i++)
    gtk_list_box_append (self->pair_list, create_pair_row (g_ptr_array_index (self->pairs, i)));

  if (self->pairs->len >= MAX_PAIRS)
    /* Translators: %u is the most pairs shown at once */
    count = g_strdup_printf (_("The first %u pairs. Merge some, then look again for more."), self->pairs->len);
  else
    count = g_strdup_printf (ngettext ("%u pair of files that may be the same customer.",
                                       "%u pairs of files that may be the same customer.",
                                       self->pairs->len),
                             self->pairs->len);
  gtk_label_set_label (self->count_label, count);
  gtk_stack_set_visible_child_name (self->stack, "list");
}

/* --- the search, in a thread ----------------------------------------- */

static void
find_thread (GTask        *task,
             gpointer      source,
             gpointer      task_data,
             GCancellable *cancellable)
{
  const char *path = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(KefuDb) db = NULL;
  GPtrArray *pairs;

  /* KefuDb is not thread-safe: this thread has its own connection. */
  if ((db = kefu_db_open (path, &error)) == NULL ||
      (pairs = kefu_customers_find_duplicates (db, MAX_PAIRS, &error)) == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, pairs, (GDestroyNotify) g_ptr_array_unref);
}

static void
find_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  KefuDuplicatesDialog *self = KEFU_DUPLICATES_DIALOG (source);
  g_autoptr(GError) error = NULL;
  GPtrArray *pairs;

  pairs = g_task_propagate_pointer (G_TASK (result), &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;  /* the dialog is gone */

  gtk_spinner_stop (self->spinner);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "duplicates.refresh", TRUE);

  if (pairs == NULL)
    {
      g_autofree char *escaped = g_markup_escape_text (error->message, -1);

      adw_status_page_set_description (self->error_page, escaped);
      gtk_stack_set_visible_child_name (self->stack, "error");
      return;
    }

  g_clear_pointer (&self->pairs, g_ptr_array_unref);
  self->pairs = pairs;
  fill_pairs (self);
}

static void
find_duplicates (KefuDuplicatesDialog *self)
{
  g_autoptr(GTask) task = NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "duplicates.refresh", FALSE);
  gtk_spinner_start (self->spinner);
  gtk_stack_set_visible_child_name (self->stack, "loading");

  task = g_task_new (self, self->cancellable, find_done_cb, NULL);
  g_task_set_source_tag (task, find_duplicates);
  g_task_set_task_data (task, g_strdup (kefu_db_get_path (self->db)), g_free);
  g_task_run_in_thread (task, find_thread);
}

/* --- merging --------------------------------------------------------- */

static void
merge_response_cb (AdwMessageDialog     *dialog,
                   const char           *response,
                   KefuDuplicatesDialog *self)
{
  const char *keep_id = g_object_get_data (G_OBJECT (dialog), "keep-id");
  const char *merge_id = g_object_get_data (G_OBJECT (dialog), "merge-id");
  const char *keep_number = g_object_get_data (G_OBJECT (dialog), "keep-number");
  const char *merge_number = g_object_get_data (G_OBJECT (dialog), "merge-number");
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  if (g_strcmp0 (response, "merge") != 0)
    return;

  if (!kefu_customers_merge (self->db, keep_id, merge_id, &error))
    {
      show_error (self, error->message);
      return;
    }

  /* Translators: %1$s and %2$s are customer numbers */
  message = g_strdup_printf (_("Merged %1$s into %2$s"), merge_number, keep_number);
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (message));
  g_signal_emit (self, signals[CHANGED], 0);
  find_duplicates (self);
}

static void
confirm_merge (KefuDuplicatesDialog *self,
               const KefuCustomer   *keep,
               const KefuCustomer   *gone)
{
  GtkWidget *dialog;
  g_autofree char *body = NULL;

  if (keep == NULL || gone == NULL)
    return;

  body = g_strdup_printf (/* Translators: %1$s/%2$s are the name and number of the file
                           * merged away, %3$s/%4$s those of the file kept */
                          _("The contacts, notes, cases and history of “%1$s” (%2$s) move to “%3$s” (%4$s), "
                            "and fields empty there are filled in. The merged file is then closed. "
                            "Both files’ history records the merge."),
                          gone->name, gone->number, keep->name, keep->number);

  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Merge Customer Files?"), body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "merge", _("_Merge"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "merge",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "keep-id", g_strdup (keep->id), g_free);
  g_object_set_data_full (G_OBJECT (dialog), "merge-id", g_strdup (gone->id), g_free);
  g_object_set_data_full (G_OBJECT (dialog), "keep-number", g_strdup (keep->number), g_free);
  g_object_set_data_full (G_OBJECT (dialog), "merge-number", g_strdup (gone->number), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (merge_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* --- signal callbacks ------------------------------------------------ */

static void
refresh_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  find_duplicates (KEFU_DUPLICATES_DIALOG (widget));
}

static void
on_pair_selected_cb (KefuDuplicatesDialog *self,
                     GtkListBoxRow        *row)
{
  int index = row ? gtk_list_box_row_get_index (row) : -1;

  if (index < 0 || self->pairs == NULL || (guint) index >= self->pairs->len)
    show_pair (self, NULL);
  else
    show_pair (self, g_ptr_array_index (self->pairs, index));
}

static void
on_keep_left_clicked_cb (KefuDuplicatesDialog *self)
{
  confirm_merge (self, self->left, self->right);
}

static void
on_keep_right_clicked_cb (KefuDuplicatesDialog *self)
{
  confirm_merge (self, self->right, self->left);
}

/* --- GObject --------------------------------------------------------- */

static void
kefu_duplicates_dialog_dispose (GObject *object)
{
  KefuDuplicatesDialog *self = (KefuDuplicatesDialog *) object;

  g_cancellable_cancel (self->cancellable);
  /* Removing the rows unselects them; the detail pane is going too. */
  if (self->pair_list)
    g_signal_handlers_disconnect_by_func (self->pair_list, on_pair_selected_cb, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), KEFU_TYPE_DUPLICATES_DIALOG);
  g_clear_pointer (&self->pairs, g_ptr_array_unref);
  g_clear_pointer (&self->left, kefu_customer_free);
  g_clear_pointer (&self->right, kefu_customer_free);
  g_clear_object (&self->db);
  G_OBJECT_CLASS (kefu_duplicates_dialog_parent_class)->dispose (object);
}

static void
kefu_duplicates_dialog_finalize (GObject *object)
{
  KefuDuplicatesDialog *self = (KefuDuplicatesDialog *) object;

  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (kefu_duplicates_dialog_parent_class)->finalize (object);
}

static void
kefu_duplicates_dialog_class_init (KefuDuplicatesDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kefu_duplicates_dialog_dispose;
  object_class->finalize = kefu_duplicates_dialog_finalize;

  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/kefu/Kefu/dialogs/kefu-duplicates-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, KefuDuplicatesDialog, count_label);
  gtk_widget_class_bind_template_child (widget_class, KefuDuplicatesDialog, detail_stack);
  gtk_widget_class_bind_template_child (widget_class, KefuDuplicatesDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, KefuDuplicatesDialog, error_page);
  gtk_widget_class_bind_template_child (widget_class, KefuDuplicatesDialog, keep_left_button);
  gtk_widget_class_bind_template_child (widget_class, KefuDuplicatesDialog, keep_right_button);
  gtk_widget_class_bind_template_child (widget_class, KefuDuplicatesDialog, left_box);
  gtk_widget_class_bind_template_child (widget_class, KefuDuplicatesDialog, pair_list);
  gtk_widget_class_bind_template_child (widget_class, KefuDuplicatesDialog, reason_label);
  gtk_widget_class_bind_template_child (widget_class, KefuDuplicatesDialog, right_box);
  gtk_widget_class_bind_template_child (widget_class, KefuDuplicatesDialog, spinner);
  gtk_widget_class_bind_template_child (widget_class, KefuDuplicatesDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, KefuDuplicatesDialog, toast_overlay);
  gtk_widget_class_bind_template_callback (widget_class, on_keep_left_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_keep_right_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_pair_selected_cb);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  gtk_widget_class_install_action (widget_class, "duplicates.refresh", NULL, refresh_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "duplicates.refresh", NULL);
}

static void
kefu_duplicates_dialog_init (KefuDuplicatesDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}

/* --- public API ------------------------------------------------------ */

/**
 * kefu_duplicates_dialog_new:
 *
 * Returns: (transfer none): a new modal window that starts looking for
 *   duplicates at once; present it
 */
GtkWindow *
kefu_duplicates_dialog_new (GtkWindow *parent,
                            KefuDb    *db)
{
  KefuDuplicatesDialog *self;

  g_return_val_if_fail (KEFU_IS_DB (db), NULL);

  self = g_object_new (KEFU_TYPE_DUPLICATES_DIALOG,
                       "transient-for", parent,
                       "modal", TRUE,
                       NULL);
  self->db = g_object_ref (db);
  find_duplicates (self);
  return GTK_WINDOW (self);
}
