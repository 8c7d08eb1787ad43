/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "kefu-kb-suggestions"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "kefu-kb-render.h"
#include "kefu-kb-suggestions.h"
#include "kefu-kb.h"
#include "kefu-window.h"

#define DEBOUNCE_MS   250
#define N_SUGGESTIONS 5

struct _KefuKbSuggestions
{
  GtkWidget      parent_instance;

  GtkWidget     *box;
  GtkWidget     *heading;
  GtkListBox    *list;

  KefuDb        *db;
  KefuDb        *worker_db;     /* used by the worker thread only */
  char          *case_id;
  char          *text;
  char          *kind;
  GPtrArray     *hits;          /* of KefuKbHit */
  GPtrArray     *pending;       /* article ids to link once the case is saved */
  guint          debounce_id;
  gboolean       running;
  gboolean       rerun;         /* text changed while a search ran */

  GtkEditable   *subject;
  GtkTextBuffer *description;
};

G_DEFINE_FINAL_TYPE (KefuKbSuggestions, kefu_kb_suggestions, GTK_TYPE_WIDGET)

typedef struct
{
  char *path;
  char *text;
  char *kind;
} SearchData;

static void start_search (KefuKbSuggestions *self);

/* --- helpers --------------------------------------------------------- */

static void
search_data_free (SearchData *d)
{
  g_free (d->path);
  g_free (d->text);
  g_free (d->kind);
  g_free (d);
}

static void
search_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  KefuKbSuggestions *self = source_object;
  SearchData *d = task_data;
  GError *error = NULL;
  GPtrArray *hits;

  /* Its own connection, opened on first use: WAL lets it read while the
   * window's connection writes. */
  if (self->worker_db == NULL && (self->worker_db = kefu_db_open (d->path, &error)) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  hits = kefu_kb_suggest (self->worker_db, d->text, d->kind, N_SUGGESTIONS, &error);
  if (hits == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, hits, (GDestroyNotify) g_ptr_array_unref);
}

static void
on_link_clicked_cb (GtkButton         *button,
                    KefuKbSuggestions *self)
{
  const char *id = g_object_get_data (G_OBJECT (button), "article-id");
  g_autoptr(GError) error = NULL;
  guint index;

  if (id == NULL)
    return;
  if (self->case_id == NULL)
    {
      /* At intake there is no case yet: linked when it is saved. */
      if (g_ptr_array_find_with_equal_func (self->pending, id, g_str_equal, &index))
        {
          g_ptr_array_remove_index (self->pending, index);
          gtk_button_set_label (button, _("This answered it"));
        }
      else
        {
          g_ptr_array_add (self->pending, g_strdup (id));
          gtk_button_set_label (button, _("Linked on save"));
        }
      return;
    }
  if (!kefu_kb_link_case (self->db, id, self->case_id, &error))
    {
      kefu_toast_error (GTK_WIDGET (self), error);
      return;
    }
  gtk_button_set_label (button, _("Linked"));
  gtk_widget_set_sensitive (GTK_WIDGET (button), FALSE);
  kefu_toast (GTK_WIDGET (self), _("The article is linked to this case."));
}

static void
on_row_activated_cb (GtkListBox        *list,
                     GtkListBoxRow     *row,
                     KefuKbSuggestions *self)
{
  const char *id = g_object_get_data (G_OBJECT (row), "article-id");

  if (id != NULL)
    kefu_kb_show_article (GTK_WIDGET (self), self->db, id);
}

static void
show_hits (KefuKbSuggestions *self)
{
  g_autoptr(GPtrArray) linked = NULL;
  GtkWidget *child;

  if (self->box == NULL)
    return;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list))) != NULL)
    gtk_list_box_remove (self->list, child);
  if (self->case_id != NULL)
    linked = kefu_kb_case_links (self->db, self->case_id, NULL);

  gtk_widget_set_visible (self->box, self->hits != NULL && self->hits->len > 0);
  for (guint i = 0; self->hits != NULL && i < self->hits->len; i++)
    {
      KefuKbHit *h = self->hits->pdata[i];
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), h->title);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      if (h->category_name)
        adw_action_row_set_subtitle (ADW_ACTION_ROW (row), h->category_name);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      g_object_set_data_full (G_OBJECT (row), "article-id", g_strdup (h->id), g_free);
      {
        gboolean done = linked != NULL && g_ptr_array_find_with_equal_func (linked, h->id, g_str_equal, NULL);
        gboolean later = self->case_id == NULL &&
                         g_ptr_array_find_with_equal_func (self->pending, h->id, g_str_equal, NULL);
        GtkWidget *button = gtk_button_new_with_label (done ? _("Linked") : later ? _("Linked on save")
                                                                                 : _("This answered it"));

        gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
        gtk_widget_set_sensitive (button, !done);
        gtk_widget_set_tooltip_text (button, _("Link this article to the case: it counts towards the article's use"));
        g_object_set_data_full (G_OBJECT (button), "article-id", g_strdup (h->id), g_free);
        g_signal_connect (button, "clicked", G_CALLBACK (on_link_clicked_cb), self);
        adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
      }
      gtk_list_box_append (self->list, row);
    }
}

static void
search_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  KefuKbSuggestions *self = KEFU_KB_SUGGESTIONS (source);
  g_autoptr(GError) error = NULL;
  GPtrArray *hits = g_task_propagate_pointer (G_TASK (result), &error);

  self->running = FALSE;
  /* The widget went away while the search ran (the task kept it alive). */
  if (self->box == NULL)
    {
      g_clear_pointer (&hits, g_ptr_array_unref);
      return;
    }
  if (hits == NULL)
    g_message ("No article suggestions: %s", error->message);
  else
    {
      g_clear_pointer (&self->hits, g_ptr_array_unref);
      self->hits = hits;
      show_hits (self);
    }
  if (self->rerun)
    start_search (self);
}

static void
start_search (KefuKbSuggestions *self)
{
  g_autoptr(GTask) task = NULL;
  SearchData *d;

  if (self->running)
    {
      /* One search at a time; the newest text follows. */
      self->rerun = TRUE;
      return;
    }
  self->rerun = FALSE;
  self->running = TRUE;
  d = g_new0 (SearchData, 1);
  d->path = g_strdup (kefu_db_get_path (self->db));
  d->text = g_strdup (self->text);
  d->kind = g_strdup (self->kind);
  task = g_task_new (self, NULL, search_done_cb, NULL);
  g_task_set_task_data (task, d, (GDestroyNotify) search_data_free);
  g_task_run_in_thread (task, search_thread);
}

static gboolean
debounce_cb (gpointer user_data)
{
  KefuKbSuggestions *self = user_data;

  self->debounce_id = 0;
  start_search (self);
  return G_SOURCE_REMOVE;
}

static void
on_watched_changed_cb (KefuKbSuggestions *self)
{
  g_autofree char *description = NULL;

  if (self->description != NULL)
    {
      GtkTextIter start, end;

      gtk_text_buffer_get_bounds (self->description, &start, &end);
      description = gtk_text_buffer_get_text (self->description, &start, &end, FALSE);
    }
  kefu_kb_suggestions_set_text (self, self->subject ? gtk_editable_get_text (self->subject) : NULL,
                                description, NULL, TRUE);
}

/* --- GObject --------------------------------------------------------- */

static void
kefu_kb_suggestions_dispose (GObject *object)
{
  KefuKbSuggestions *self = KEFU_KB_SUGGESTIONS (object);

  g_clear_handle_id (&self->debounce_id, g_source_remove);
  if (self->subject != NULL)
    g_signal_handlers_disconnect_by_data (self->subject, self);
  if (self->description != NULL)
    g_signal_handlers_disconnect_by_data (self->description, self);
  g_clear_weak_pointer (&self->subject);
  g_clear_weak_pointer (&self->description);
  g_clear_pointer (&self->box, gtk_widget_unparent);
  G_OBJECT_CLASS (kefu_kb_suggestions_parent_class)->dispose (object);
}

static void
kefu_kb_suggestions_finalize (GObject *object)
{
  KefuKbSuggestions *self = KEFU_KB_SUGGESTIONS (object);

  g_clear_object (&self->db);
  g_clear_object (&self->worker_db);
  g_clear_pointer (&self->hits, g_ptr_array_unref);
  g_clear_pointer (&self->pending, g_ptr_array_unref);
  g_free (self->case_id);
  g_free (self->text);
  g_free (self->kind);
  G_OBJECT_CLASS (kefu_kb_suggestions_parent_class)->finalize (object);
}

static void
kefu_kb_suggestions_class_init (KefuKbSuggestionsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kefu_kb_suggestions_dispose;
  object_class->finalize = kefu_kb_suggestions_finalize;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "kbsuggestions");
}

static void
kefu_kb_suggestions_init (KefuKbSuggestions *self)
{
  self->pending = g_ptr_array_new_with_free_func (g_free);
  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));
  gtk_widget_set_visible (self->box, FALSE);
  gtk_widget_set_margin_top (self->box, 12);

  self->heading = gtk_label_new (_("Suggested Articles"));
  gtk_label_set_xalign (GTK_LABEL (self->heading), 0);
  gtk_widget_add_css_class (self->heading, "heading");
  gtk_box_append (GTK_BOX (self->box), self->heading);

  self->list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->list, GTK_SELECTION_NONE);
  gtk_widget_add_css_class (GTK_WIDGET (self->list), "boxed-list");
  g_signal_connect (self->list, "row-activated", G_CALLBACK (on_row_activated_cb), self);
  gtk_box_append (GTK_BOX (self->box), GTK_WIDGET (self->list));
}

/* --- public API ------------------------------------------------------ */

GtkWidget *
kefu_kb_suggestions_new (KefuDb *db)
{
  KefuKbSuggestions *self;

  g_return_val_if_fail (KEFU_IS_DB (db), NULL);

  self = g_object_new (KEFU_TYPE_KB_SUGGESTIONS, NULL);
  self->db = g_object_ref (db);
  return GTK_WIDGET (self);
}

void
kefu_kb_suggestions_set_text (KefuKbSuggestions *self,
                              const char        *subject,
                              const char        *description,
                              const char        *case_kind,
                              gboolean           debounce)
{
  g_autofree char *text = NULL;

  g_return_if_fail (KEFU_IS_KB_SUGGESTIONS (self));

  text = g_strdup_printf ("%s\n%s", subject ? subject : "", description ? description : "");
  if (!kefu_set_str (&self->text, text) && !kefu_set_str (&self->kind, case_kind))
    return;
  kefu_set_str (&self->kind, case_kind);
  g_clear_handle_id (&self->debounce_id, g_source_remove);
  if (debounce)
    self->debounce_id = g_timeout_add (DEBOUNCE_MS, debounce_cb, self);
  else
    start_search (self);
}

void
kefu_kb_suggestions_watch (KefuKbSuggestions *self,
                           GtkEditable       *subject,
                           GtkTextBuffer     *description)
{
  g_return_if_fail (KEFU_IS_KB_SUGGESTIONS (self));

  g_set_weak_pointer (&self->subject, subject);
  g_set_weak_pointer (&self->description, description);
  if (subject != NULL)
    g_signal_connect_swapped (subject, "changed", G_CALLBACK (on_watched_changed_cb), self);
  if (description != NULL)
    g_signal_connect_swapped (description, "changed", G_CALLBACK (on_watched_changed_cb), self);
}

void
kefu_kb_suggestions_set_case (KefuKbSuggestions *self,
                              const char        *case_id)
{
  g_return_if_fail (KEFU_IS_KB_SUGGESTIONS (self));

  if (kefu_set_str (&self->case_id, case_id))
    show_hits (self);
}

void
kefu_kb_suggestions_case_saved (KefuKbSuggestions *self,
                                const char        *case_id)
{
  g_autoptr(GError) error = NULL;
  guint n = 0;

  g_return_if_fail (KEFU_IS_KB_SUGGESTIONS (self));
  g_return_if_fail (case_id != NULL);

  for (guint i = 0; i < self->pending->len; i++)
    {
      if (!kefu_kb_link_case (self->db, self->pending->pdata[i], case_id, &error))
        {
          kefu_toast_error (GTK_WIDGET (self), error);
          g_clear_error (&error);
          continue;
        }
      n++;
    }
  g_ptr_array_set_size (self->pending, 0);
  if (n > 0)
    kefu_toast (GTK_WIDGET (self), _("The article is linked to this case."));
  show_hits (self);
}

GStrv
kefu_kb_suggestions_get_titles (KefuKbSuggestions *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_return_val_if_fail (KEFU_IS_KB_SUGGESTIONS (self), NULL);

  for (guint i = 0; self->hits != NULL && i < self->hits->len; i++)
    g_strv_builder_add (builder, ((KefuKbHit *) self->hits->pdata[i])->title);
  return g_strv_builder_end (builder);
}

void
kefu_kb_show_article (GtkWidget  *parent,
                      KefuDb     *db,
                      const char *article_id)
{
  g_autoptr(KefuKbArticle) a = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *window, *box, *header, *scroller, *view;
  GtkRoot *root = gtk_widget_get_root (parent);

  if ((a = kefu_kb_get (db, article_id, &error)) == NULL)
    {
      kefu_toast_error (parent, error);
      return;
    }
  window = gtk_window_new ();
  gtk_window_set_title (GTK_WINDOW (window), a->title);
  gtk_window_set_default_size (GTK_WINDOW (window), 640, 560);
  gtk_window_set_modal (GTK_WINDOW (window), FALSE);
  if (GTK_IS_WINDOW (root))
    {
      gtk_window_set_transient_for (GTK_WINDOW (window), GTK_WINDOW (root));
      gtk_window_set_destroy_with_parent (GTK_WINDOW (window), TRUE);
    }
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  header = adw_header_bar_new ();
  gtk_box_append (GTK_BOX (box), header);
  view = gtk_text_view_new ();
  gtk_text_view_set_editable (GTK_TEXT_VIEW (view), FALSE);
  gtk_text_view_set_cursor_visible (GTK_TEXT_VIEW (view), FALSE);
  gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (view), GTK_WRAP_WORD_CHAR);
  gtk_text_view_set_left_margin (GTK_TEXT_VIEW (view), 18);
  gtk_text_view_set_right_margin (GTK_TEXT_VIEW (view), 18);
  gtk_text_view_set_top_margin (GTK_TEXT_VIEW (view), 12);
  gtk_text_view_set_bottom_margin (GTK_TEXT_VIEW (view), 12);
  kefu_kb_render_markdown (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)), a->body, db);
  scroller = gtk_scrolled_window_new ();
  gtk_widget_set_vexpand (scroller, TRUE);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), view);
  gtk_box_append (GTK_BOX (box), scroller);
  gtk_window_set_child (GTK_WINDOW (window), box);
  gtk_window_present (GTK_WINDOW (window));
}
