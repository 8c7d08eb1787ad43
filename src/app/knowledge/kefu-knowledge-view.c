/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "kefu-knowledge-view"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <gtksourceview/gtksource.h>
#include <string.h>

#include "kefu-cases.h"
#include "kefu-categories.h"
#include "kefu-kb-render.h"
#include "kefu-kb.h"
#include "kefu-knowledge-view.h"
#include "kefu-org.h"
#include "kefu-window.h"

#define PREVIEW_DELAY_MS 300

struct _KefuKnowledgeView
{
  GtkWidget          parent_instance;

  GtkWidget         *paned;
  GtkSearchEntry    *search_entry;
  GtkDropDown       *category_dropdown;
  GtkDropDown       *status_dropdown;
  GtkEntry          *tag_entry;
  GtkWidget         *writer_box;
  GtkLabel          *count_label;
  GtkListBox        *results;
  GtkStack          *stack;

  /* article page */
  GtkLabel          *title_label;
  GtkLabel          *meta_label;
  GtkLabel          *note_label;
  GtkWidget         *revision_bar;
  GtkLabel          *revision_label;
  GtkWidget         *revision_open;   /* "Open Revision" or "Show Published" */
  GtkWidget         *actions_box;
  GtkWidget         *reports_box;
  GtkListBox        *reports_list;
  GtkTextView       *article_view;

  /* editor */
  GtkLabel          *edit_hint;
  GtkEntry          *edit_title;
  GtkEntry          *edit_note;
  GtkDropDown       *edit_category;
  GtkEntry          *edit_tags;
  GtkWidget         *kind_checks[6];
  GtkSourceBuffer   *source_buffer;
  GtkTextView       *preview_view;
  guint              preview_id;

  /* history */
  GtkListBox        *versions_list;
  GtkDropDown       *compare_from;
  GtkDropDown       *compare_to;
  GtkTextView       *diff_view;

  /* questions without an answer */
  GtkListBox        *gaps_list;

  KefuDb            *db;
  char              *role;
  GPtrArray         *categories;   /* KefuCategory, kb scope */
  GPtrArray         *versions;     /* KefuKbVersion of the article shown */
  KefuKbArticle     *article;      /* shown or edited; NULL for a new one */
  guint              n_results;
};

G_DEFINE_FINAL_TYPE (KefuKnowledgeView, kefu_knowledge_view, GTK_TYPE_WIDGET)

static const char *status_keys[] = { NULL, "draft", "review", "published", "archived" };

static void run_search (KefuKnowledgeView *self);
static void show_article (KefuKnowledgeView *self, const char *id);
static void show (KefuKnowledgeView *self, const char *id, gboolean revision);

/* --- helpers --------------------------------------------------------- */

static gboolean
is_writer (KefuKnowledgeView *self)
{
  return kefu_kb_role_can_write (self->role);
}

static GtkWidget *
scrolled (GtkWidget *child)
{
  GtkWidget *s = gtk_scrolled_window_new ();

  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (s), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (s), child);
  gtk_widget_set_vexpand (s, TRUE);
  return s;
}

static GtkTextView *
reading_view (void)
{
  GtkTextView *v = GTK_TEXT_VIEW (gtk_text_view_new ());

  gtk_text_view_set_editable (v, FALSE);
  gtk_text_view_set_cursor_visible (v, FALSE);
  gtk_text_view_set_wrap_mode (v, GTK_WRAP_WORD_CHAR);
  gtk_text_view_set_left_margin (v, 18);
  gtk_text_view_set_right_margin (v, 18);
  gtk_text_view_set_top_margin (v, 12);
  gtk_text_view_set_bottom_margin (v, 12);
  return v;
}

static void
clear_list (GtkListBox *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
}

/* Translated; transfer none. */
static const char *
revision_label (const char *revision_status)
{
  if (g_strcmp0 (revision_status, "review") == 0)
    return _("revision in review");
  return _("revision being written");
}

static char *
format_day (gint64 ms)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local (ms / 1000);

  return dt ? g_date_time_format (dt, "%Y-%m-%d %H:%M") : g_strdup ("");
}

static void
fill_category_model (KefuKnowledgeView *self,
                     GtkDropDown       *dropdown,
                     const char        *none_label)
{
  g_autoptr(GtkStringList) model = gtk_string_list_new (NULL);

  gtk_string_list_append (model, none_label);
  for (guint i = 0; self->categories && i < self->categories->len; i++)
    gtk_string_list_append (model, kefu_category_label (self->categories->pdata[i]));
  gtk_drop_down_set_model (dropdown, G_LIST_MODEL (model));
}

static const char *
category_at (KefuKnowledgeView *self,
             guint              position)
{
  if (position == 0 || position == GTK_INVALID_LIST_POSITION || self->categories == NULL ||
      position > self->categories->len)
    return NULL;
  return ((KefuCategory *) self->categories->pdata[position - 1])->id;
}

static guint
category_position (KefuKnowledgeView *self,
                   const char        *id)
{
  for (guint i = 0; id && self->categories && i < self->categories->len; i++)
    if (g_strcmp0 (((KefuCategory *) self->categories->pdata[i])->id, id) == 0)
      return i + 1;
  return 0;
}

/* --- search ---------------------------------------------------------- */

static void
run_search (KefuKnowledgeView *self)
{
  g_autoptr(GPtrArray) hits = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *tag = NULL;
  g_autofree char *count = NULL;
  KefuKbQuery q = { 0 };
  guint status = gtk_drop_down_get_selected (self->status_dropdown);

  if (self->db == NULL)
    return;
  q.text = (char *) gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  q.category_id = (char *) category_at (self, gtk_drop_down_get_selected (self->category_dropdown));
  tag = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->tag_entry))));
  q.tag = *tag ? tag : NULL;
  q.status = status < G_N_ELEMENTS (status_keys) ? (char *) status_keys[status] : NULL;
  hits = kefu_kb_search (self->db, &q, KEFU_KB_SEARCH_MAX, &error);
  clear_list (self->results);
  if (hits == NULL)
    {
      kefu_toast_error (GTK_WIDGET (self), error);
      return;
    }
  for (guint i = 0; i < hits->len; i++)
    {
      KefuKbHit *h = hits->pdata[i];
      GtkWidget *row = gtk_list_box_row_new ();
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
      GtkWidget *title = gtk_label_new (NULL);
      GtkWidget *snippet = gtk_label_new (NULL);
      GtkWidget *meta = gtk_label_new (NULL);
      g_autofree char *meta_text = NULL;

      gtk_label_set_markup (GTK_LABEL (title), h->title_markup);
      gtk_label_set_xalign (GTK_LABEL (title), 0);
      gtk_label_set_wrap (GTK_LABEL (title), TRUE);
      /* Not bold: the matches in it are. */
      gtk_widget_add_css_class (title, "kb-result-title");
      gtk_label_set_markup (GTK_LABEL (snippet), h->snippet);
      gtk_label_set_xalign (GTK_LABEL (snippet), 0);
      gtk_label_set_wrap (GTK_LABEL (snippet), TRUE);
      gtk_label_set_lines (GTK_LABEL (snippet), 2);
      gtk_label_set_ellipsize (GTK_LABEL (snippet), PANGO_ELLIPSIZE_END);
      gtk_widget_add_css_class (snippet, "dim-label");
      /* Translators: category · status of a knowledge article */
      meta_text = g_strdup_printf (_("%s · %s"), h->category_name ? h->category_name : _("No category"),
                                   kefu_kb_status_label (h->status));
      if (h->revision_status != NULL && is_writer (self))
        {
          char *with = g_strdup_printf (_("%s · %s"), meta_text, revision_label (h->revision_status));

          g_free (meta_text);
          meta_text = with;
          gtk_widget_add_css_class (meta, "accent");
        }
      if (h->n_reports > 0 && is_writer (self))
        {
          /* Translators: appended to an article's category · status */
          g_autofree char *reports = g_strdup_printf (ngettext ("%u problem reported", "%u problems reported",
                                                                h->n_reports), h->n_reports);
          char *with = g_strdup_printf (_("%s · %s"), meta_text, reports);

          g_free (meta_text);
          meta_text = with;
          gtk_widget_add_css_class (meta, "warning");
        }
      gtk_label_set_text (GTK_LABEL (meta), meta_text);
      gtk_label_set_xalign (GTK_LABEL (meta), 0);
      gtk_widget_add_css_class (meta, "caption");
      gtk_box_append (GTK_BOX (box), title);
      gtk_box_append (GTK_BOX (box), snippet);
      gtk_box_append (GTK_BOX (box), meta);
      gtk_widget_set_margin_start (box, 12);
      gtk_widget_set_margin_end (box, 12);
      gtk_widget_set_margin_top (box, 8);
      gtk_widget_set_margin_bottom (box, 8);
      gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
      g_object_set_data_full (G_OBJECT (row), "article-id", g_strdup (h->id), g_free);
      gtk_list_box_append (self->results, row);
    }
  self->n_results = hits->len;
  if (hits->len >= KEFU_KB_SEARCH_MAX)
    count = g_strdup_printf (_("The best %u articles; add words or a filter to narrow the search"), hits->len);
  else
    count = g_strdup_printf (ngettext ("%u article", "%u articles", hits->len), hits->len);
  gtk_label_set_text (self->count_label, count);
}

static void
on_search_changed_cb (KefuKnowledgeView *self)
{
  run_search (self);
}

static void
on_result_activated_cb (GtkListBox        *list,
                        GtkListBoxRow     *row,
                        KefuKnowledgeView *self)
{
  show_article (self, g_object_get_data (G_OBJECT (row), "article-id"));
}

/* --- article page ---------------------------------------------------- */

static void
add_action_button (KefuKnowledgeView *self,
                   const char        *label,
                   const char        *action,
                   const char        *style)
{
  GtkWidget *b = gtk_button_new_with_mnemonic (label);

  gtk_actionable_set_action_name (GTK_ACTIONABLE (b), action);
  if (style)
    gtk_widget_add_css_class (b, style);
  gtk_box_append (GTK_BOX (self->actions_box), b);
}

static void
update_actions (KefuKnowledgeView *self)
{
  GtkWidget *w = GTK_WIDGET (self);
  KefuKbArticle *a = self->article;

  gtk_widget_action_set_enabled (w, "kb.new", is_writer (self));
  gtk_widget_action_set_enabled (w, "kb.gaps", is_writer (self));
  gtk_widget_action_set_enabled (w, "kb.import-csv", is_writer (self));
  gtk_widget_action_set_enabled (w, "kb.import-folder", is_writer (self));
  gtk_widget_action_set_enabled (w, "kb.edit", a && kefu_kb_check_action (self->db, a, "save", NULL));
  gtk_widget_action_set_enabled (w, "kb.submit", a && kefu_kb_check_action (self->db, a, "submit", NULL));
  gtk_widget_action_set_enabled (w, "kb.approve", a && kefu_kb_check_action (self->db, a, "approve", NULL));
  gtk_widget_action_set_enabled (w, "kb.return", a && kefu_kb_check_action (self->db, a, "return", NULL));
  gtk_widget_action_set_enabled (w, "kb.archive", a && kefu_kb_check_action (self->db, a, "archive", NULL));
  gtk_widget_action_set_enabled (w, "kb.history", a != NULL && a->id != NULL);
  gtk_widget_action_set_enabled (w, "kb.restore", a && kefu_kb_check_action (self->db, a, "save", NULL));
  gtk_widget_action_set_enabled (w, "kb.discard", a && kefu_kb_check_action (self->db, a, "discard", NULL));
  gtk_widget_action_set_enabled (w, "kb.delete", a && kefu_kb_check_action (self->db, a, "delete", NULL));
  gtk_widget_action_set_enabled (w, "kb.report", a && !a->is_revision && g_strcmp0 (a->status, "published") == 0);
  gtk_widget_action_set_enabled (w, "kb.resolve-report", a != NULL && is_writer (self));
  gtk_widget_action_set_enabled (w, "kb.open-revision", a && a->revision_status && is_writer (self));
  gtk_widget_action_set_enabled (w, "kb.open-published", a && a->is_revision);
  gtk_widget_action_set_enabled (w, "kb.compare-revision", a && a->revision_status && is_writer (self));
}

static void
fill_actions (KefuKnowledgeView *self)
{
  GtkWidget *child;
  KefuKbArticle *a = self->article;

  while ((child = gtk_widget_get_first_child (self->actions_box)) != NULL)
    gtk_box_remove (GTK_BOX (self->actions_box), child);
  update_actions (self);
  if (a != NULL && a->revision_status != NULL && !a->is_revision && is_writer (self))
    {
      /* The published text of an article with a pending revision: the
       * review buttons are on the revision's page. */
      if (kefu_kb_check_action (self->db, a, "save", NULL))
        add_action_button (self, _("_Edit Revision"), "kb.edit", NULL);
      add_action_button (self, _("_History"), "kb.history", NULL);
      return;
    }
  /* Only what this user may do with this article now. */
  if (kefu_kb_check_action (self->db, a, "save", NULL))
    add_action_button (self, _("_Edit"), "kb.edit", NULL);
  if (kefu_kb_check_action (self->db, a, "submit", NULL))
    add_action_button (self, _("_Submit for Review"), "kb.submit", "suggested-action");
  if (kefu_kb_check_action (self->db, a, "approve", NULL))
    add_action_button (self, _("_Approve"), "kb.approve", "suggested-action");
  if (kefu_kb_check_action (self->db, a, "return", NULL))
    add_action_button (self, _("_Return…"), "kb.return", NULL);
  if (kefu_kb_check_action (self->db, a, "archive", NULL))
    add_action_button (self, _("Ar_chive"), "kb.archive", NULL);
  if (kefu_kb_check_action (self->db, a, "discard", NULL))
    add_action_button (self, _("_Discard Revision…"), "kb.discard", "destructive-action");
  if (kefu_kb_check_action (self->db, a, "delete", NULL))
    add_action_button (self, _("_Delete Draft…"), "kb.delete", "destructive-action");
  if (is_writer (self))
    add_action_button (self, _("_History"), "kb.history", NULL);
  else if (a != NULL && g_strcmp0 (a->status, "published") == 0)
    /* Agents tell the trainers what is wrong with an answer. */
    add_action_button (self, _("_Report a Problem…"), "kb.report", NULL);
}

/* The problems agents reported with the article shown (writers only). */
static void
fill_reports (KefuKnowledgeView *self)
{
  g_autoptr(GPtrArray) reports = NULL;

  clear_list (self->reports_list);
  if (self->article == NULL || !is_writer (self) ||
      (reports = kefu_kb_list_reports (self->db, self->article->id, NULL)) == NULL || reports->len == 0)
    {
      gtk_widget_set_visible (self->reports_box, FALSE);
      return;
    }
  for (guint i = 0; i < reports->len; i++)
    {
      KefuKbReport *r = reports->pdata[i];
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *done = gtk_button_new_with_mnemonic (_("_Resolved"));
      g_autofree char *when = format_day (r->created_at);
      /* Translators: who reported a problem with an article, their branch, when */
      g_autofree char *sub = g_strdup_printf (_("%s · %s · %s"), r->reporter_name ? r->reporter_name : "—",
                                              r->branch_name ? r->branch_name : "—", when);

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), r->comment);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), sub);
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 1);
      gtk_widget_set_valign (done, GTK_ALIGN_CENTER);
      gtk_widget_set_tooltip_text (done, _("The article answers this now"));
      gtk_actionable_set_action_name (GTK_ACTIONABLE (done), "kb.resolve-report");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (done), "s", r->id);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), done);
      gtk_list_box_append (self->reports_list, row);
    }
  gtk_widget_set_visible (self->reports_box, TRUE);
}

/* The bar above an article that has a pending revision: whose, in which
 * state, and what agents see meanwhile. */
static void
update_revision_bar (KefuKnowledgeView   *self,
                     const KefuKbArticle *a)
{
  g_autofree char *text = NULL;
  const char *who = a->revision_author_name ? a->revision_author_name : "—";

  gtk_widget_set_visible (self->revision_bar, a->revision_status != NULL && is_writer (self));
  if (a->revision_status == NULL || !is_writer (self))
    return;
  if (a->is_revision)
    text = g_strdup_printf (g_strcmp0 (a->revision_status, "review") == 0
                              /* Translators: %s is who started the revision, %u the published version */
                              ? _("This is the revision by %s, in review. Agents see the published version %u until it is approved.")
                              : _("This is the revision by %s, not yet sent for review. Agents see the published version %u until it is approved."),
                            who, (guint) a->published_version);
  else
    text = g_strdup_printf (g_strcmp0 (a->revision_status, "review") == 0
                              /* Translators: %s is who started the revision */
                              ? _("A revision by %s is in review. Agents see this published text until it is approved.")
                              : _("A revision by %s is being written. Agents see this published text until it is approved."),
                            who);
  if (a->is_revision && a->change_note != NULL)
    {
      /* Translators: the revision writer's note on what they changed */
      char *with = g_strdup_printf (_("%s What changed: %s"), text, a->change_note);

      g_free (text);
      text = with;
    }
  gtk_label_set_text (self->revision_label, text);
  gtk_button_set_label (GTK_BUTTON (self->revision_open), a->is_revision ? _("Show _Published") : _("_Open Revision"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->revision_open),
                                  a->is_revision ? "kb.open-published" : "kb.open-revision");
}

/* Shows the article @id: its pending revision when @revision is TRUE and
 * it has one, else the text agents read. */
static void
show (KefuKnowledgeView *self,
      const char        *id,
      gboolean           revision)
{
  g_autoptr(KefuKbArticle) a = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *meta = NULL;
  g_autofree char *when = NULL;
  g_autofree char *usage = NULL;
  guint n_cases = 0, n_first = 0;
  gboolean published;

  if (id == NULL)
    return;
  if (revision && is_writer (self))
    a = kefu_kb_get_for_writing (self->db, id, &error);
  else
    a = kefu_kb_get (self->db, id, &error);
  if (a == NULL)
    {
      kefu_toast_error (GTK_WIDGET (self), error);
      return;
    }
  /* What agents read is the published version, as of its publication. */
  published = g_strcmp0 (a->status, "published") == 0 && !a->is_revision && a->published_version > 0;
  kefu_kb_get_usage (self->db, id, &n_cases, &n_first, NULL);
  when = format_day (published && a->published_at > 0 ? a->published_at : a->updated_at);
  if (n_cases > 0)
    /* Translators: how often a knowledge article answered a case */
    usage = g_strdup_printf (ngettext ("answered %u case, %u%% at first contact",
                                       "answered %u cases, %u%% at first contact", n_cases),
                             n_cases, n_first * 100 / n_cases);
  else
    usage = g_strdup (_("not linked to a case yet"));
  if (a->is_revision)
    /* Translators: category · the revision's status · its version number · when saved */
    meta = g_strdup_printf (_("%s · %s · version %u · saved %s"),
                            a->category_name ? a->category_name : _("No category"),
                            revision_label (a->revision_status), (guint) a->revision_version, when);
  else
    /* Translators: category · status · version number · when updated · usage */
    meta = g_strdup_printf (_("%s · %s · version %u · updated %s · %s"),
                            a->category_name ? a->category_name : _("No category"), kefu_kb_status_label (a->status),
                            (guint) (published ? a->published_version : a->latest_version), when, usage);
  gtk_label_set_text (self->title_label, a->title);
  gtk_label_set_text (self->meta_label, meta);
  if (a->review_note != NULL && is_writer (self) &&
      (a->is_revision ? g_strcmp0 (a->revision_status, "draft") == 0
                      : g_strcmp0 (a->status, "draft") == 0 && a->revision_status == NULL))
    {
      g_autofree char *note = g_strdup_printf (_("Returned by %s: %s"), a->reviewer_name ? a->reviewer_name : "—",
                                               a->review_note);

      gtk_label_set_text (self->note_label, note);
      gtk_widget_set_visible (GTK_WIDGET (self->note_label), TRUE);
    }
  else
    gtk_widget_set_visible (GTK_WIDGET (self->note_label), FALSE);
  update_revision_bar (self, a);
  kefu_kb_render_markdown (gtk_text_view_get_buffer (self->article_view), a->body, self->db);
  g_clear_pointer (&self->article, kefu_kb_article_free);
  self->article = g_steal_pointer (&a);
  fill_actions (self);
  fill_reports (self);
  gtk_stack_set_visible_child_name (self->stack, "article");
}

static void
show_article (KefuKnowledgeView *self,
              const char        *id)
{
  show (self, id, FALSE);
}

static void
open_revision_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  KefuKnowledgeView *self = KEFU_KNOWLEDGE_VIEW (widget);

  if (self->article != NULL)
    show (self, self->article->id, g_str_equal (action_name, "kb.open-revision"));
}

/* --- editor ---------------------------------------------------------- */

static gboolean
preview_cb (gpointer user_data)
{
  KefuKnowledgeView *self = user_data;
  g_autofree char *text = NULL;
  GtkTextIter start, end;

  self->preview_id = 0;
  gtk_text_buffer_get_bounds (GTK_TEXT_BUFFER (self->source_buffer), &start, &end);
  text = gtk_text_buffer_get_text (GTK_TEXT_BUFFER (self->source_buffer), &start, &end, FALSE);
  kefu_kb_render_markdown (gtk_text_view_get_buffer (self->preview_view), text, self->db);
  return G_SOURCE_REMOVE;
}

static void
on_source_changed_cb (KefuKnowledgeView *self)
{
  g_clear_handle_id (&self->preview_id, g_source_remove);
  self->preview_id = g_timeout_add (PREVIEW_DELAY_MS, preview_cb, self);
}

static void
open_editor (KefuKnowledgeView   *self,
             const KefuKbArticle *a)
{
  const char **kinds = kefu_case_kind_keys ();

  /* Saving a published article makes (or continues) its revision. */
  gtk_widget_set_visible (GTK_WIDGET (self->edit_hint), a != NULL && g_strcmp0 (a->status, "published") == 0);
  gtk_editable_set_text (GTK_EDITABLE (self->edit_title), a ? a->title : "");
  /* A new article needs no note on what changed. */
  gtk_editable_set_text (GTK_EDITABLE (self->edit_note), "");
  gtk_widget_set_visible (GTK_WIDGET (self->edit_note), a != NULL);
  gtk_editable_set_text (GTK_EDITABLE (self->edit_tags), a ? a->tags : "");
  fill_category_model (self, self->edit_category, _("No category"));
  gtk_drop_down_set_selected (self->edit_category, category_position (self, a ? a->category_id : NULL));
  for (guint i = 0; kinds[i] && i < G_N_ELEMENTS (self->kind_checks); i++)
    {
      g_autofree char *needle = g_strdup_printf (",%s,", kinds[i]);
      g_autofree char *hay = g_strdup_printf (",%s,", a ? a->case_kinds : "");

      gtk_check_button_set_active (GTK_CHECK_BUTTON (self->kind_checks[i]), strstr (hay, needle) != NULL);
    }
  gtk_text_buffer_set_text (GTK_TEXT_BUFFER (self->source_buffer), a ? a->body : "", -1);
  g_clear_handle_id (&self->preview_id, g_source_remove);
  preview_cb (self);
  gtk_stack_set_visible_child_name (self->stack, "editor");
  gtk_widget_grab_focus (GTK_WIDGET (self->edit_title));
}

static void
new_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  KefuKnowledgeView *self = KEFU_KNOWLEDGE_VIEW (widget);

  g_clear_pointer (&self->article, kefu_kb_article_free);
  update_actions (self);
  open_editor (self, NULL);
}

static void
edit_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  KefuKnowledgeView *self = KEFU_KNOWLEDGE_VIEW (widget);

  if (self->article == NULL)
    return;
  if (self->article->revision_status != NULL && !self->article->is_revision)
    {
      /* The published text is shown: the revision is what gets edited. */
      g_autoptr(GError) error = NULL;
      KefuKbArticle *r = kefu_kb_get_revision (self->db, self->article->id, &error);

      if (r == NULL)
        {
          kefu_toast_error (widget, error);
          return;
        }
      kefu_kb_article_free (self->article);
      self->article = r;
    }
  open_editor (self, self->article);
}

static char *
save_editor (KefuKnowledgeView *self)
{
  g_autoptr(KefuKbArticle) a = self->article ? kefu_kb_article_copy (self->article) : kefu_kb_article_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) kinds = g_string_new (NULL);
  const char **keys = kefu_case_kind_keys ();
  GtkTextIter start, end;

  kefu_set_str (&a->title, gtk_editable_get_text (GTK_EDITABLE (self->edit_title)));
  kefu_set_str (&a->change_note, gtk_editable_get_text (GTK_EDITABLE (self->edit_note)));
  kefu_set_str (&a->tags, gtk_editable_get_text (GTK_EDITABLE (self->edit_tags)));
  kefu_set_str (&a->category_id, category_at (self, gtk_drop_down_get_selected (self->edit_category)));
  for (guint i = 0; keys[i] && i < G_N_ELEMENTS (self->kind_checks); i++)
    if (gtk_check_button_get_active (GTK_CHECK_BUTTON (self->kind_checks[i])))
      g_string_append_printf (kinds, "%s%s", kinds->len ? "," : "", keys[i]);
  kefu_set_str (&a->case_kinds, kinds->str);
  gtk_text_buffer_get_bounds (GTK_TEXT_BUFFER (self->source_buffer), &start, &end);
  g_free (a->body);
  a->body = gtk_text_buffer_get_text (GTK_TEXT_BUFFER (self->source_buffer), &start, &end, FALSE);
  if (!kefu_kb_save (self->db, a, &error))
    {
      kefu_toast_error (GTK_WIDGET (self), error);
      return NULL;
    }
  kefu_toast (GTK_WIDGET (self), a->is_revision ? _("Revision saved: agents keep seeing the published text")
                                               : _("Article saved"));
  run_search (self);
  show (self, a->id, a->is_revision);
  return g_strdup (a->id);
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  g_free (save_editor (KEFU_KNOWLEDGE_VIEW (widget)));
}

/* Cancel in the editor, Back in the history: the article again (as it is
 * stored now), or the empty page. */
static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  KefuKnowledgeView *self = KEFU_KNOWLEDGE_VIEW (widget);

  if (self->article != NULL && self->article->id != NULL)
    show (self, self->article->id, self->article->is_revision);
  else
    gtk_stack_set_visible_child_name (self->stack, "empty");
}

static void
image_chosen_cb (GtkNativeDialog   *dialog,
                 int                response,
                 KefuKnowledgeView *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = g_file_get_path (file);
      g_autoptr(GError) error = NULL;
      g_autofree char *md = path ? kefu_kb_add_image (self->db, self->article->id, path, &error) : NULL;

      if (md == NULL)
        {
          if (error)
            kefu_toast_error (GTK_WIDGET (self), error);
        }
      else
        {
          g_autofree char *line = g_strdup_printf ("\n%s\n", md);

          gtk_text_buffer_insert_at_cursor (GTK_TEXT_BUFFER (self->source_buffer), line, -1);
        }
    }
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
  g_object_unref (self);
}

static void
image_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  KefuKnowledgeView *self = KEFU_KNOWLEDGE_VIEW (widget);
  GtkFileChooserNative *dialog;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  if (self->article == NULL || self->article->id == NULL)
    {
      kefu_toast (widget, _("Save the article once before adding pictures."));
      return;
    }
  dialog = gtk_file_chooser_native_new (_("Insert Picture"), GTK_WINDOW (gtk_widget_get_root (widget)),
                                        GTK_FILE_CHOOSER_ACTION_OPEN, _("_Insert"), _("_Cancel"));
  gtk_file_filter_set_name (filter, _("Pictures"));
  gtk_file_filter_add_mime_type (filter, "image/*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
  g_signal_connect (dialog, "response", G_CALLBACK (image_chosen_cb), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

/* --- workflow -------------------------------------------------------- */

/* A question with a one-line comment (the entry is the dialog's data
 * "comment"); @callback gets the response and the view's reference. */
static void
ask_comment (KefuKnowledgeView *self,
             const char        *heading,
             const char        *body,
             const char        *placeholder,
             const char        *response,
             const char        *label,
             GCallback          callback)
{
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))), heading, body);
  GtkWidget *entry = gtk_entry_new ();

  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), placeholder);
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), entry);
  g_object_set_data (G_OBJECT (dialog), "comment", entry);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"), response, label, NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), response, ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), response);
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect (dialog, "response", callback, g_object_ref (self));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
after_transition (KefuKnowledgeView *self,
                  gboolean           ok,
                  GError            *error,
                  const char        *done)
{
  g_autofree char *id = g_strdup (self->article->id);

  if (!ok)
    {
      kefu_toast_error (GTK_WIDGET (self), error);
      return;
    }
  kefu_toast (GTK_WIDGET (self), done);
  run_search (self);
  /* A pending revision is what its writers work on next. */
  show (self, id, TRUE);
}

static void
submit_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  KefuKnowledgeView *self = KEFU_KNOWLEDGE_VIEW (widget);
  g_autoptr(GError) error = NULL;

  if (self->article)
    after_transition (self, kefu_kb_submit (self->db, self->article->id, &error), error,
                      _("Sent for review"));
}

static void
approve_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  KefuKnowledgeView *self = KEFU_KNOWLEDGE_VIEW (widget);
  g_autoptr(GError) error = NULL;

  if (self->article)
    after_transition (self, kefu_kb_approve (self->db, self->article->id, &error), error,
                      self->article->revision_status ? _("Published: agents see the revised text now")
                                                     : _("Published: agents see the article now"));
}

static void
archive_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  KefuKnowledgeView *self = KEFU_KNOWLEDGE_VIEW (widget);
  g_autoptr(GError) error = NULL;

  if (self->article)
    after_transition (self, kefu_kb_archive (self->db, self->article->id, &error), error, _("Archived"));
}

static void
discard_response_cb (AdwMessageDialog  *dialog,
                     const char        *response,
                     KefuKnowledgeView *self)
{
  g_autoptr(GError) error = NULL;

  if (g_strcmp0 (response, "discard") == 0 && self->article != NULL)
    after_transition (self, kefu_kb_discard_revision (self->db, self->article->id, &error), error,
                      _("Revision discarded: the published text stays"));
  else if (g_strcmp0 (response, "delete") == 0 && self->article != NULL)
    {
      if (!kefu_kb_delete_draft (self->db, self->article->id, &error))
        kefu_toast_error (GTK_WIDGET (self), error);
      else
        {
          kefu_toast (GTK_WIDGET (self), _("Draft deleted"));
          g_clear_pointer (&self->article, kefu_kb_article_free);
          update_actions (self);
          run_search (self);
          gtk_stack_set_visible_child_name (self->stack, "empty");
        }
    }
  g_object_unref (self);
}

static void
report_response_cb (AdwMessageDialog  *dialog,
                    const char        *response,
                    KefuKnowledgeView *self)
{
  GtkEditable *entry = g_object_get_data (G_OBJECT (dialog), "comment");
  g_autoptr(GError) error = NULL;

  if (g_strcmp0 (response, "send") == 0 && self->article != NULL)
    {
      if (kefu_kb_report_problem (self->db, self->article->id, gtk_editable_get_text (entry), &error))
        kefu_toast (GTK_WIDGET (self), _("Sent to the trainers who write the knowledge base"));
      else
        kefu_toast_error (GTK_WIDGET (self), error);
    }
  g_object_unref (self);
}

static void
report_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  KefuKnowledgeView *self = KEFU_KNOWLEDGE_VIEW (widget);

  if (self->article != NULL)
    ask_comment (self, _("Report a Problem"),
                 _("Say what is wrong, outdated or missing in this article. The trainers who write the knowledge base will see it."),
                 _("What is wrong or missing"), "send", _("_Send"), G_CALLBACK (report_response_cb));
}

static void
resolve_report_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  KefuKnowledgeView *self = KEFU_KNOWLEDGE_VIEW (widget);
  g_autoptr(GError) error = NULL;

  if (!kefu_kb_resolve_report (self->db, g_variant_get_string (parameter, NULL), &error))
    {
      kefu_toast_error (widget, error);
      return;
    }
  fill_reports (self);
  run_search (self);
}

/* Discard Revision and Delete Draft: asked first, answered by
 * discard_response_cb(). */
static void
discard_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  KefuKnowledgeView *self = KEFU_KNOWLEDGE_VIEW (widget);
  gboolean delete = g_str_equal (action_name, "kb.delete");
  GtkWidget *dialog;

  if (self->article == NULL)
    return;
  if (delete)
    dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)), _("Delete the Draft?"),
                                     _("It was never published: no agent has read it. It leaves the knowledge base."));
  else
    dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)), _("Discard the Revision?"),
                                     _("The published text stays as it is. The revision’s text stays in the history."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"), NULL);
  if (delete)
    adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "delete", _("_Delete"));
  else
    adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "discard", _("_Discard"));
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), delete ? "delete" : "discard",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect (dialog, "response", G_CALLBACK (discard_response_cb), g_object_ref (self));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
return_response_cb (AdwMessageDialog  *dialog,
                    const char        *response,
                    KefuKnowledgeView *self)
{
  GtkEditable *entry = g_object_get_data (G_OBJECT (dialog), "comment");
  g_autoptr(GError) error = NULL;

  if (g_strcmp0 (response, "return") == 0 && self->article != NULL)
    after_transition (self, kefu_kb_return (self->db, self->article->id, gtk_editable_get_text (entry), &error),
                      error, _("Returned to the author"));
  g_object_unref (self);
}

static void
return_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  KefuKnowledgeView *self = KEFU_KNOWLEDGE_VIEW (widget);

  if (self->article != NULL)
    ask_comment (self, _("Return to the Author?"), _("Say what should change before the article is published."),
                 _("Comment for the author"), "return", _("_Return"), G_CALLBACK (return_response_cb));
}

/* --- history --------------------------------------------------------- */

static void
compare_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  KefuKnowledgeView *self = KEFU_KNOWLEDGE_VIEW (widget);
  guint from = gtk_drop_down_get_selected (self->compare_from);
  guint to = gtk_drop_down_get_selected (self->compare_to);
  g_autoptr(GPtrArray) diff = NULL;
  KefuKbVersion *a, *b;

  if (self->versions == NULL || from >= self->versions->len || to >= self->versions->len)
    return;
  a = self->versions->pdata[from];
  b = self->versions->pdata[to];
  diff = kefu_kb_diff (a->body, b->body);
  if (g_strcmp0 (a->title, b->title) != 0)
    {
      KefuKbDiffLine *l = g_new0 (KefuKbDiffLine, 1);
      KefuKbDiffLine *r = g_new0 (KefuKbDiffLine, 1);

      l->op = KEFU_KB_DIFF_REMOVED;
      l->text = g_strconcat ("# ", a->title, NULL);
      r->op = KEFU_KB_DIFF_ADDED;
      r->text = g_strconcat ("# ", b->title, NULL);
      g_ptr_array_insert (diff, 0, r);
      g_ptr_array_insert (diff, 0, l);
    }
  kefu_kb_render_diff (gtk_text_view_get_buffer (self->diff_view), diff);
}

static void
restore_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  KefuKnowledgeView *self = KEFU_KNOWLEDGE_VIEW (widget);
  GtkListBoxRow *row = gtk_list_box_get_selected_row (self->versions_list);
  g_autoptr(GError) error = NULL;
  KefuKbVersion *v;

  if (row == NULL || self->article == NULL || self->versions == NULL)
    {
      kefu_toast (widget, _("Choose the version to restore."));
      return;
    }
  v = self->versions->pdata[gtk_list_box_row_get_index (row)];
  after_transition (self, kefu_kb_restore_version (self->db, self->article->id, v->version_no, &error), error,
                    g_strcmp0 (self->article->status, "published") == 0
                      ? _("Restored as the revision: agents keep seeing the published text")
                      : _("Restored as a new version"));
}

static guint
version_position (KefuKnowledgeView *self,
                  gint64             version_no,
                  guint              fallback)
{
  for (guint i = 0; self->versions && i < self->versions->len; i++)
    if (((KefuKbVersion *) self->versions->pdata[i])->version_no == version_no)
      return i;
  return fallback;
}

/* The history of the article shown, comparing version @from_no with
 * @to_no (0: the newest with the one before). */
static void
open_history (KefuKnowledgeView *self,
              gint64             from_no,
              gint64             to_no)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  KefuKbArticle *a = self->article;

  if (a == NULL)
    return;
  g_clear_pointer (&self->versions, g_ptr_array_unref);
  if ((self->versions = kefu_kb_list_versions (self->db, a->id, &error)) == NULL)
    {
      kefu_toast_error (GTK_WIDGET (self), error);
      return;
    }
  clear_list (self->versions_list);
  for (guint i = 0; i < self->versions->len; i++)
    {
      KefuKbVersion *v = self->versions->pdata[i];
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *title = g_strdup_printf (_("Version %u"), (guint) v->version_no);
      g_autofree char *when = format_day (v->created_at);
      g_autofree char *sub = NULL;
      const char *badge = NULL;

      if (v->note && g_str_has_prefix (v->note, "restored "))
        /* Translators: who saved a version, when, and which version it restored */
        sub = g_strdup_printf (_("%s · %s · restored version %s"), v->author_name ? v->author_name : "—", when,
                               v->note + strlen ("restored "));
      else if (v->note != NULL)
        /* Translators: who saved a version, when, and what they changed */
        sub = g_strdup_printf (_("%s · %s · %s"), v->author_name ? v->author_name : "—", when, v->note);
      else
        sub = g_strdup_printf (_("%s · %s"), v->author_name ? v->author_name : "—", when);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), sub);
      /* Which version agents read, and which one waits for review. */
      if (g_strcmp0 (a->status, "published") == 0 && v->version_no == a->published_version)
        badge = C_("kb version", "Published");
      else if (a->revision_status != NULL && v->version_no == a->revision_version)
        badge = C_("kb version", "Revision");
      if (badge != NULL)
        {
          GtkWidget *label = gtk_label_new (badge);

          gtk_widget_add_css_class (label, "caption-heading");
          gtk_widget_add_css_class (label, v->version_no == a->published_version ? "success" : "accent");
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
        }
      gtk_list_box_append (self->versions_list, row);
      gtk_string_list_append (names, title);
    }
  gtk_drop_down_set_model (self->compare_from, G_LIST_MODEL (names));
  gtk_drop_down_set_model (self->compare_to, G_LIST_MODEL (names));
  gtk_drop_down_set_selected (self->compare_to, version_position (self, to_no, 0));
  gtk_drop_down_set_selected (self->compare_from,
                              version_position (self, from_no, self->versions->len > 1 ? 1 : 0));
  compare_action (GTK_WIDGET (self), NULL, NULL);
  gtk_stack_set_visible_child_name (self->stack, "history");
}

static void
history_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  open_history (KEFU_KNOWLEDGE_VIEW (widget), 0, 0);
}

/* The pending revision against the published text. */
static void
compare_revision_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  KefuKnowledgeView *self = KEFU_KNOWLEDGE_VIEW (widget);

  if (self->article != NULL && self->article->revision_status != NULL)
    open_history (self, self->article->published_version, self->article->revision_version);
}

/* --- questions without an answer ------------------------------------- */

static void
on_gap_activated_cb (GtkListBox        *list,
                     GtkListBoxRow     *row,
                     KefuKnowledgeView *self)
{
  const char *word = g_object_get_data (G_OBJECT (row), "word");

  if (word != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->search_entry), word);
}

static void
gaps_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  KefuKnowledgeView *self = KEFU_KNOWLEDGE_VIEW (widget);
  g_autoptr(GPtrArray) gaps = NULL;
  g_autoptr(GError) error = NULL;

  if ((gaps = kefu_kb_unanswered (self->db, 30, 30, &error)) == NULL)
    {
      kefu_toast_error (widget, error);
      return;
    }
  clear_list (self->gaps_list);
  for (guint i = 0; i < gaps->len; i++)
    {
      KefuKbGap *g = gaps->pdata[i];
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *sub = g_strdup_printf (ngettext ("%u case in the last 30 days", "%u cases in the last 30 days",
                                                        g->n_cases), g->n_cases);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), g->label);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), sub);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row),
                                 gtk_image_new_from_icon_name (g_str_equal (g->kind, "word") ? "edit-find-symbolic"
                                                                                              : "folder-symbolic"));
      if (g_str_equal (g->kind, "word"))
        {
          gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
          g_object_set_data_full (G_OBJECT (row), "word", g_strdup (g->key), g_free);
        }
      gtk_list_box_append (self->gaps_list, row);
    }
  if (gaps->len == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Every recent question has an article."));
      gtk_list_box_append (self->gaps_list, row);
    }
  gtk_stack_set_visible_child_name (self->stack, "gaps");
}

/* --- import ---------------------------------------------------------- */

typedef struct
{
  char      *db_path;
  char      *actor;
  char      *path;
  GPtrArray *report;
  gint       n;
} ImportData;

static void
import_data_free (ImportData *d)
{
  g_free (d->db_path);
  g_free (d->actor);
  g_free (d->path);
  g_clear_pointer (&d->report, g_ptr_array_unref);
  g_free (d);
}

/* Its own connection: an FAQ list can be long. */
static void
import_thread (GTask        *task,
               gpointer      source,
               gpointer      task_data,
               GCancellable *cancellable)
{
  ImportData *d = task_data;
  GError *error = NULL;
  g_autoptr(KefuDb) db = kefu_db_open (d->db_path, &error);

  if (db == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  kefu_db_set_actor (db, d->actor);
  d->n = kefu_kb_import (db, d->path, &d->report, &error);
  if (d->n < 0)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
import_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  KefuKnowledgeView *self = KEFU_KNOWLEDGE_VIEW (source);
  ImportData *d = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  gboolean ok = g_task_propagate_boolean (G_TASK (result), &error);

  /* The view went away while the import ran (the task kept it alive). */
  if (self->paned == NULL)
    return;
  if (!ok)
    {
      g_autoptr(GString) lines = g_string_new (error->message);
      GtkWidget *dialog;
      guint shown = 0;

      for (guint i = 0; d->report != NULL && i < d->report->len && shown < 20; i++)
        {
          KefuKbImportRow *r = d->report->pdata[i];

          if (r->message == NULL)
            continue;
          /* Translators: a row of the import report: file, line, what is wrong */
          g_string_append_printf (lines, "\n");
          g_string_append_printf (lines, _("%s, line %u: %s"), r->source, r->line, r->message);
          shown++;
        }
      dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                       _("Nothing Was Imported"), lines->str);
      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
      gtk_window_present (GTK_WINDOW (dialog));
      return;
    }
  {
    g_autofree char *text = g_strdup_printf (ngettext ("Imported %d article as a draft", "Imported %d articles as drafts",
                                                       d->n), d->n);

    kefu_toast (GTK_WIDGET (self), text);
  }
  gtk_drop_down_set_selected (self->status_dropdown, 1);   /* drafts */
  run_search (self);
}

static void
import_chosen_cb (GtkNativeDialog   *dialog,
                  int                response,
                  KefuKnowledgeView *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autoptr(GTask) task = g_task_new (self, NULL, import_done_cb, NULL);
      ImportData *d = g_new0 (ImportData, 1);

      d->db_path = g_strdup (kefu_db_get_path (self->db));
      d->actor = g_strdup (kefu_db_get_actor (self->db));
      d->path = g_file_get_path (file);
      g_task_set_task_data (task, d, (GDestroyNotify) import_data_free);
      g_task_run_in_thread (task, import_thread);
    }
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
  g_object_unref (self);
}

static void
import_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  KefuKnowledgeView *self = KEFU_KNOWLEDGE_VIEW (widget);
  gboolean folder = g_str_equal (action_name, "kb.import-folder");
  GtkFileChooserNative *dialog;

  dialog = gtk_file_chooser_native_new (folder ? _("Import a Folder of Markdown Files") : _("Import an FAQ List"),
                                        GTK_WINDOW (gtk_widget_get_root (widget)),
                                        folder ? GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER : GTK_FILE_CHOOSER_ACTION_OPEN,
                                        _("_Import"), _("_Cancel"));
  if (!folder)
    {
      g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

      gtk_file_filter_set_name (filter, _("CSV files (question, answer, category, tags)"));
      gtk_file_filter_add_suffix (filter, "csv");
      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
    }
  g_signal_connect (dialog, "response", G_CALLBACK (import_chosen_cb), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

/* --- building -------------------------------------------------------- */

static GtkWidget *
build_sidebar (KefuKnowledgeView *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *filters = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *button;
  g_autoptr(GtkStringList) statuses = gtk_string_list_new (NULL);

  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_margin_top (box, 12);
  gtk_widget_set_size_request (box, 340, -1);

  self->search_entry = GTK_SEARCH_ENTRY (gtk_search_entry_new ());
  gtk_search_entry_set_search_delay (self->search_entry, 200);
  g_object_set (self->search_entry, "placeholder-text", _("Search articles (two characters are enough)"), NULL);
  g_signal_connect_swapped (self->search_entry, "search-changed", G_CALLBACK (on_search_changed_cb), self);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->search_entry));

  self->category_dropdown = GTK_DROP_DOWN (gtk_drop_down_new (NULL, NULL));
  gtk_widget_set_hexpand (GTK_WIDGET (self->category_dropdown), TRUE);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->category_dropdown), _("Category"));
  g_signal_connect_swapped (self->category_dropdown, "notify::selected", G_CALLBACK (on_search_changed_cb), self);
  gtk_box_append (GTK_BOX (filters), GTK_WIDGET (self->category_dropdown));

  gtk_string_list_append (statuses, _("Any status"));
  for (guint i = 1; i < G_N_ELEMENTS (status_keys); i++)
    gtk_string_list_append (statuses, kefu_kb_status_label (status_keys[i]));
  self->status_dropdown = GTK_DROP_DOWN (gtk_drop_down_new (G_LIST_MODEL (g_object_ref (statuses)), NULL));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->status_dropdown), _("Status"));
  g_signal_connect_swapped (self->status_dropdown, "notify::selected", G_CALLBACK (on_search_changed_cb), self);
  gtk_box_append (GTK_BOX (filters), GTK_WIDGET (self->status_dropdown));
  gtk_box_append (GTK_BOX (box), filters);

  self->tag_entry = GTK_ENTRY (gtk_entry_new ());
  gtk_entry_set_placeholder_text (self->tag_entry, _("Tag"));
  g_signal_connect_swapped (self->tag_entry, "activate", G_CALLBACK (on_search_changed_cb), self);
  g_signal_connect_swapped (self->tag_entry, "changed", G_CALLBACK (on_search_changed_cb), self);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->tag_entry));

  self->writer_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  button = gtk_button_new_with_mnemonic (_("_New Article"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "kb.new");
  gtk_widget_add_css_class (button, "suggested-action");
  gtk_box_append (GTK_BOX (self->writer_box), button);
  button = gtk_button_new_with_mnemonic (_("_Questions Without an Answer"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "kb.gaps");
  gtk_box_append (GTK_BOX (self->writer_box), button);
  {
    g_autoptr(GMenu) menu = g_menu_new ();

    g_menu_append (menu, _("Import an FAQ List (CSV)…"), "kb.import-csv");
    g_menu_append (menu, _("Import a Folder of Markdown Files…"), "kb.import-folder");
    button = gtk_menu_button_new ();
    gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (button), "document-open-symbolic");
    gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (button), G_MENU_MODEL (menu));
    gtk_widget_set_tooltip_text (button, _("Import articles"));
    gtk_box_append (GTK_BOX (self->writer_box), button);
  }
  gtk_box_append (GTK_BOX (box), self->writer_box);

  self->count_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->count_label, 0);
  gtk_label_set_wrap (self->count_label, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->count_label), "dim-label");
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->count_label));

  self->results = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_widget_add_css_class (GTK_WIDGET (self->results), "navigation-sidebar");
  g_signal_connect (self->results, "row-activated", G_CALLBACK (on_result_activated_cb), self);
  gtk_box_append (GTK_BOX (box), scrolled (GTK_WIDGET (self->results)));
  return box;
}

static GtkWidget *
build_article_page (KefuKnowledgeView *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *header = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);

  gtk_widget_set_margin_start (header, 18);
  gtk_widget_set_margin_end (header, 18);
  gtk_widget_set_margin_top (header, 12);
  self->title_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->title_label, 0);
  gtk_label_set_wrap (self->title_label, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->title_label), "title-2");
  self->meta_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->meta_label, 0);
  gtk_label_set_wrap (self->meta_label, TRUE);
  gtk_label_set_max_width_chars (self->meta_label, 60);
  gtk_widget_add_css_class (GTK_WIDGET (self->meta_label), "dim-label");
  self->note_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->note_label, 0);
  gtk_label_set_wrap (self->note_label, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->note_label), "warning");
  self->actions_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  {
    GtkWidget *b;

    self->revision_bar = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
    gtk_widget_add_css_class (self->revision_bar, "kb-revision-bar");
    gtk_box_append (GTK_BOX (self->revision_bar), gtk_image_new_from_icon_name ("document-edit-symbolic"));
    self->revision_label = GTK_LABEL (gtk_label_new (NULL));
    gtk_label_set_xalign (self->revision_label, 0);
    gtk_label_set_wrap (self->revision_label, TRUE);
    gtk_label_set_max_width_chars (self->revision_label, 50);
    gtk_widget_set_hexpand (GTK_WIDGET (self->revision_label), TRUE);
    gtk_box_append (GTK_BOX (self->revision_bar), GTK_WIDGET (self->revision_label));
    self->revision_open = gtk_button_new_with_mnemonic ("");
    gtk_widget_set_valign (self->revision_open, GTK_ALIGN_CENTER);
    gtk_box_append (GTK_BOX (self->revision_bar), self->revision_open);
    b = gtk_button_new_with_mnemonic (_("_Compare with Published"));
    gtk_actionable_set_action_name (GTK_ACTIONABLE (b), "kb.compare-revision");
    gtk_widget_set_valign (b, GTK_ALIGN_CENTER);
    gtk_box_append (GTK_BOX (self->revision_bar), b);
    gtk_widget_set_visible (self->revision_bar, FALSE);
  }
  gtk_box_append (GTK_BOX (header), self->revision_bar);
  gtk_box_append (GTK_BOX (header), GTK_WIDGET (self->title_label));
  gtk_box_append (GTK_BOX (header), GTK_WIDGET (self->meta_label));
  gtk_box_append (GTK_BOX (header), GTK_WIDGET (self->note_label));
  gtk_box_append (GTK_BOX (header), self->actions_box);
  self->reports_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  {
    GtkWidget *heading = gtk_label_new (_("Problems Reported by Agents"));

    gtk_label_set_xalign (GTK_LABEL (heading), 0);
    gtk_widget_add_css_class (heading, "heading");
    gtk_box_append (GTK_BOX (self->reports_box), heading);
    self->reports_list = GTK_LIST_BOX (gtk_list_box_new ());
    gtk_list_box_set_selection_mode (self->reports_list, GTK_SELECTION_NONE);
    gtk_widget_add_css_class (GTK_WIDGET (self->reports_list), "boxed-list");
    gtk_box_append (GTK_BOX (self->reports_box), GTK_WIDGET (self->reports_list));
    gtk_widget_set_margin_top (self->reports_box, 6);
    gtk_widget_set_visible (self->reports_box, FALSE);
  }
  gtk_box_append (GTK_BOX (header), self->reports_box);
  gtk_box_append (GTK_BOX (box), header);

  self->article_view = reading_view ();
  gtk_box_append (GTK_BOX (box), scrolled (GTK_WIDGET (self->article_view)));
  return box;
}

static GtkWidget *
build_editor (KefuKnowledgeView *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  /* Six case kinds are wider than the editor in English: they wrap. */
  GtkWidget *kinds = gtk_flow_box_new ();
  GtkWidget *buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *paned = gtk_paned_new (GTK_ORIENTATION_HORIZONTAL);
  GtkWidget *source_view, *label, *b;
  GtkSourceLanguageManager *lm = gtk_source_language_manager_get_default ();
  GtkSourceLanguage *md = gtk_source_language_manager_get_language (lm, "markdown");
  const char **keys = kefu_case_kind_keys ();

  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_margin_top (box, 12);
  gtk_widget_set_margin_bottom (box, 12);

  self->edit_hint = GTK_LABEL (gtk_label_new (_("This article is published: saving makes a revision, and agents keep seeing the published text until the revision is approved.")));
  gtk_label_set_xalign (self->edit_hint, 0);
  gtk_label_set_wrap (self->edit_hint, TRUE);
  /* A wrapping label asks for its whole text as natural width. */
  gtk_label_set_max_width_chars (self->edit_hint, 60);
  gtk_widget_add_css_class (GTK_WIDGET (self->edit_hint), "dim-label");
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->edit_hint));

  self->edit_title = GTK_ENTRY (gtk_entry_new ());
  gtk_entry_set_placeholder_text (self->edit_title, _("Title: the question as customers ask it"));
  gtk_widget_add_css_class (GTK_WIDGET (self->edit_title), "title-4");
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->edit_title));

  self->edit_category = GTK_DROP_DOWN (gtk_drop_down_new (NULL, NULL));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->edit_category), _("Category"));
  gtk_box_append (GTK_BOX (row), GTK_WIDGET (self->edit_category));
  self->edit_tags = GTK_ENTRY (gtk_entry_new ());
  gtk_entry_set_placeholder_text (self->edit_tags, _("Tags, separated by commas"));
  gtk_widget_set_hexpand (GTK_WIDGET (self->edit_tags), TRUE);
  gtk_box_append (GTK_BOX (row), GTK_WIDGET (self->edit_tags));
  gtk_box_append (GTK_BOX (box), row);

  label = gtk_label_new (_("Applies to:"));
  gtk_flow_box_set_selection_mode (GTK_FLOW_BOX (kinds), GTK_SELECTION_NONE);
  gtk_flow_box_set_column_spacing (GTK_FLOW_BOX (kinds), 6);
  gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (kinds), 7);
  gtk_widget_set_halign (label, GTK_ALIGN_START);
  gtk_flow_box_append (GTK_FLOW_BOX (kinds), label);
  for (guint i = 0; keys[i] && i < G_N_ELEMENTS (self->kind_checks); i++)
    {
      self->kind_checks[i] = gtk_check_button_new_with_label (kefu_case_kind_label (keys[i]));
      gtk_widget_set_halign (self->kind_checks[i], GTK_ALIGN_START);
      gtk_flow_box_append (GTK_FLOW_BOX (kinds), self->kind_checks[i]);
    }
  gtk_box_append (GTK_BOX (box), kinds);

  self->source_buffer = gtk_source_buffer_new (NULL);
  if (md != NULL)
    gtk_source_buffer_set_language (self->source_buffer, md);
  g_signal_connect_swapped (self->source_buffer, "changed", G_CALLBACK (on_source_changed_cb), self);
  source_view = gtk_source_view_new_with_buffer (self->source_buffer);
  g_object_unref (self->source_buffer);   /* the view holds it */
  gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (source_view), GTK_WRAP_WORD_CHAR);
  gtk_text_view_set_monospace (GTK_TEXT_VIEW (source_view), TRUE);
  gtk_source_view_set_show_line_numbers (GTK_SOURCE_VIEW (source_view), TRUE);
  gtk_text_view_set_left_margin (GTK_TEXT_VIEW (source_view), 6);
  gtk_paned_set_start_child (GTK_PANED (paned), scrolled (source_view));
  self->preview_view = reading_view ();
  gtk_paned_set_end_child (GTK_PANED (paned), scrolled (GTK_WIDGET (self->preview_view)));
  gtk_paned_set_position (GTK_PANED (paned), 420);
  gtk_widget_set_vexpand (paned, TRUE);
  gtk_box_append (GTK_BOX (box), paned);

  self->edit_note = GTK_ENTRY (gtk_entry_new ());
  gtk_entry_set_placeholder_text (self->edit_note, _("What changed, for the reviewer and the history"));
  gtk_entry_set_max_length (self->edit_note, KEFU_KB_NOTE_MAX_CHARS);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->edit_note));

  b = gtk_button_new_with_mnemonic (_("_Save"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (b), "kb.save");
  gtk_widget_add_css_class (b, "suggested-action");
  gtk_box_append (GTK_BOX (buttons), b);
  b = gtk_button_new_with_mnemonic (_("Insert _Picture…"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (b), "kb.image");
  gtk_box_append (GTK_BOX (buttons), b);
  b = gtk_button_new_with_mnemonic (_("_Cancel"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (b), "kb.cancel");
  gtk_box_append (GTK_BOX (buttons), b);
  gtk_box_append (GTK_BOX (box), buttons);
  return box;
}

static GtkWidget *
build_history (KefuKnowledgeView *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *bar = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *paned = gtk_paned_new (GTK_ORIENTATION_HORIZONTAL);
  GtkWidget *b, *right = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);

  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_margin_top (box, 12);
  gtk_widget_set_margin_bottom (box, 12);

  b = gtk_button_new_with_mnemonic (_("_Back"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (b), "kb.back");
  gtk_box_append (GTK_BOX (bar), b);
  gtk_box_append (GTK_BOX (bar), gtk_label_new (_("Compare")));
  self->compare_from = GTK_DROP_DOWN (gtk_drop_down_new (NULL, NULL));
  g_signal_connect_swapped (self->compare_from, "notify::selected", G_CALLBACK (compare_action), self);
  gtk_box_append (GTK_BOX (bar), GTK_WIDGET (self->compare_from));
  gtk_box_append (GTK_BOX (bar), gtk_label_new (_("with")));
  self->compare_to = GTK_DROP_DOWN (gtk_drop_down_new (NULL, NULL));
  g_signal_connect_swapped (self->compare_to, "notify::selected", G_CALLBACK (compare_action), self);
  gtk_box_append (GTK_BOX (bar), GTK_WIDGET (self->compare_to));
  b = gtk_button_new_with_mnemonic (_("_Restore Selected Version"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (b), "kb.restore");
  gtk_widget_set_hexpand (b, TRUE);
  gtk_widget_set_halign (b, GTK_ALIGN_END);
  gtk_box_append (GTK_BOX (bar), b);
  gtk_box_append (GTK_BOX (box), bar);

  self->versions_list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_widget_add_css_class (GTK_WIDGET (self->versions_list), "boxed-list");
  gtk_paned_set_start_child (GTK_PANED (paned), scrolled (GTK_WIDGET (self->versions_list)));
  self->diff_view = reading_view ();
  gtk_box_append (GTK_BOX (right), scrolled (GTK_WIDGET (self->diff_view)));
  gtk_paned_set_end_child (GTK_PANED (paned), right);
  gtk_paned_set_position (GTK_PANED (paned), 280);
  gtk_widget_set_vexpand (paned, TRUE);
  gtk_box_append (GTK_BOX (box), paned);
  return box;
}

static GtkWidget *
build_gaps (KefuKnowledgeView *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *label = gtk_label_new (_("Questions Without an Answer"));
  GtkWidget *hint = gtk_label_new (_("Case categories and frequent words of the last 30 days that no published article answers: write these next. Click a word to search for it."));

  gtk_widget_set_margin_start (box, 18);
  gtk_widget_set_margin_end (box, 18);
  gtk_widget_set_margin_top (box, 12);
  gtk_widget_add_css_class (label, "title-2");
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_xalign (GTK_LABEL (hint), 0);
  gtk_label_set_wrap (GTK_LABEL (hint), TRUE);
  /* A wrapping label asks for its whole text as natural width. */
  gtk_label_set_max_width_chars (GTK_LABEL (hint), 60);
  gtk_widget_add_css_class (hint, "dim-label");
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), hint);
  self->gaps_list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->gaps_list, GTK_SELECTION_NONE);
  gtk_widget_add_css_class (GTK_WIDGET (self->gaps_list), "boxed-list");
  g_signal_connect (self->gaps_list, "row-activated", G_CALLBACK (on_gap_activated_cb), self);
  gtk_box_append (GTK_BOX (box), scrolled (GTK_WIDGET (self->gaps_list)));
  return box;
}

/* --- GObject --------------------------------------------------------- */

static void
kefu_knowledge_view_dispose (GObject *object)
{
  KefuKnowledgeView *self = KEFU_KNOWLEDGE_VIEW (object);

  g_clear_handle_id (&self->preview_id, g_source_remove);
  g_clear_pointer (&self->paned, gtk_widget_unparent);
  G_OBJECT_CLASS (kefu_knowledge_view_parent_class)->dispose (object);
}

static void
kefu_knowledge_view_finalize (GObject *object)
{
  KefuKnowledgeView *self = KEFU_KNOWLEDGE_VIEW (object);

  g_clear_object (&self->db);
  g_free (self->role);
  g_clear_pointer (&self->categories, g_ptr_array_unref);
  g_clear_pointer (&self->versions, g_ptr_array_unref);
  kefu_kb_article_free (self->article);
  G_OBJECT_CLASS (kefu_knowledge_view_parent_class)->finalize (object);
}

static void
kefu_knowledge_view_class_init (KefuKnowledgeViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kefu_knowledge_view_dispose;
  object_class->finalize = kefu_knowledge_view_finalize;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);

  gtk_widget_class_install_action (widget_class, "kb.new", NULL, new_action);
  gtk_widget_class_install_action (widget_class, "kb.edit", NULL, edit_action);
  gtk_widget_class_install_action (widget_class, "kb.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "kb.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "kb.image", NULL, image_action);
  gtk_widget_class_install_action (widget_class, "kb.submit", NULL, submit_action);
  gtk_widget_class_install_action (widget_class, "kb.approve", NULL, approve_action);
  gtk_widget_class_install_action (widget_class, "kb.return", NULL, return_action);
  gtk_widget_class_install_action (widget_class, "kb.archive", NULL, archive_action);
  gtk_widget_class_install_action (widget_class, "kb.history", NULL, history_action);
  gtk_widget_class_install_action (widget_class, "kb.discard", NULL, discard_action);
  gtk_widget_class_install_action (widget_class, "kb.delete", NULL, discard_action);
  gtk_widget_class_install_action (widget_class, "kb.report", NULL, report_action);
  gtk_widget_class_install_action (widget_class, "kb.resolve-report", "s", resolve_report_action);
  gtk_widget_class_install_action (widget_class, "kb.open-revision", NULL, open_revision_action);
  gtk_widget_class_install_action (widget_class, "kb.open-published", NULL, open_revision_action);
  gtk_widget_class_install_action (widget_class, "kb.compare-revision", NULL, compare_revision_action);
  gtk_widget_class_install_action (widget_class, "kb.restore", NULL, restore_action);
  gtk_widget_class_install_action (widget_class, "kb.back", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "kb.gaps", NULL, gaps_action);
  gtk_widget_class_install_action (widget_class, "kb.import-csv", NULL, import_action);
  gtk_widget_class_install_action (widget_class, "kb.import-folder", NULL, import_action);
}

static void
kefu_knowledge_view_init (KefuKnowledgeView *self)
{
  GtkWidget *empty = adw_status_page_new ();

  self->paned = gtk_paned_new (GTK_ORIENTATION_HORIZONTAL);
  gtk_widget_set_parent (self->paned, GTK_WIDGET (self));
  gtk_paned_set_start_child (GTK_PANED (self->paned), build_sidebar (self));
  gtk_paned_set_shrink_start_child (GTK_PANED (self->paned), FALSE);
  gtk_paned_set_resize_start_child (GTK_PANED (self->paned), FALSE);

  self->stack = GTK_STACK (gtk_stack_new ());
  adw_status_page_set_icon_name (ADW_STATUS_PAGE (empty), "accessories-dictionary-symbolic");
  adw_status_page_set_title (ADW_STATUS_PAGE (empty), _("Knowledge Base"));
  adw_status_page_set_description (ADW_STATUS_PAGE (empty),
                                   _("Search the answers trainers have written and reviewed, then pick an article."));
  gtk_stack_add_named (self->stack, empty, "empty");
  gtk_stack_add_named (self->stack, build_article_page (self), "article");
  gtk_stack_add_named (self->stack, build_editor (self), "editor");
  gtk_stack_add_named (self->stack, build_history (self), "history");
  gtk_stack_add_named (self->stack, build_gaps (self), "gaps");
  gtk_paned_set_end_child (GTK_PANED (self->paned), GTK_WIDGET (self->stack));
}

/* --- public API ------------------------------------------------------ */

KefuKnowledgeView *
kefu_knowledge_view_new (KefuDb *db)
{
  KefuKnowledgeView *self;

  g_return_val_if_fail (KEFU_IS_DB (db), NULL);

  self = g_object_new (KEFU_TYPE_KNOWLEDGE_VIEW, NULL);
  self->db = g_object_ref (db);
  kefu_knowledge_view_reload (self);
  return self;
}

void
kefu_knowledge_view_reload (KefuKnowledgeView *self)
{
  g_autoptr(KefuStaff) me = NULL;

  g_return_if_fail (KEFU_IS_KNOWLEDGE_VIEW (self));

  me = kefu_org_get_current_user (self->db);
  kefu_set_str (&self->role, me ? me->role : NULL);
  g_clear_pointer (&self->categories, g_ptr_array_unref);
  self->categories = kefu_categories_list (self->db, "kb", NULL);
  fill_category_model (self, self->category_dropdown, _("All categories"));
  /* Agents see published articles only: no status filter, no writing. */
  gtk_widget_set_visible (GTK_WIDGET (self->status_dropdown), is_writer (self));
  gtk_widget_set_visible (self->writer_box, is_writer (self));
  gtk_drop_down_set_selected (self->status_dropdown, 0);
  g_clear_pointer (&self->article, kefu_kb_article_free);
  update_actions (self);
  gtk_stack_set_visible_child_name (self->stack, "empty");
  run_search (self);
}

void
kefu_knowledge_view_show_article (KefuKnowledgeView *self,
                                  const char        *id)
{
  g_return_if_fail (KEFU_IS_KNOWLEDGE_VIEW (self));
  show_article (self, id);
}

GtkEditable *
kefu_knowledge_view_get_search (KefuKnowledgeView *self)
{
  g_return_val_if_fail (KEFU_IS_KNOWLEDGE_VIEW (self), NULL);
  return GTK_EDITABLE (self->search_entry);
}

guint
kefu_knowledge_view_get_n_results (KefuKnowledgeView *self)
{
  g_return_val_if_fail (KEFU_IS_KNOWLEDGE_VIEW (self), 0);
  return self->n_results;
}

char *
kefu_knowledge_view_revise (KefuKnowledgeView *self,
                            const char        *body,
                            const char        *note)
{
  g_return_val_if_fail (KEFU_IS_KNOWLEDGE_VIEW (self), NULL);

  if (!gtk_widget_activate_action (GTK_WIDGET (self), "kb.edit", NULL) ||
      g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "editor") != 0)
    return NULL;
  gtk_text_buffer_set_text (GTK_TEXT_BUFFER (self->source_buffer), body, -1);
  gtk_editable_set_text (GTK_EDITABLE (self->edit_note), note ? note : "");
  return save_editor (self);
}

char *
kefu_knowledge_view_write (KefuKnowledgeView *self,
                           const char        *title,
                           const char        *body)
{
  g_return_val_if_fail (KEFU_IS_KNOWLEDGE_VIEW (self), NULL);

  gtk_widget_activate_action (GTK_WIDGET (self), "kb.new", NULL);
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "editor") != 0)
    return NULL;
  gtk_editable_set_text (GTK_EDITABLE (self->edit_title), title);
  gtk_text_buffer_set_text (GTK_TEXT_BUFFER (self->source_buffer), body, -1);
  return save_editor (self);
}
