/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "kefu-course-editor"

#include "config.h"

#include <glib/gi18n.h>

#include "kefu-course-editor.h"
#include "kefu-training.h"

#define N_CHOICE_ROWS 6

struct _KefuCourseEditor
{
  AdwWindow             parent_instance;

  /* template children */
  GtkSpinButton        *attempts_spin;
  AdwEntryRow          *closes_row;
  AdwEntryRow          *description_row;
  AdwPreferencesGroup  *lessons_group;
  AdwEntryRow          *opens_row;
  GtkSpinButton        *pass_spin;
  AdwComboRow          *policy_row;
  AdwPreferencesGroup  *questions_group;
  GtkWidget            *save_button;
  GtkSpinButton        *time_spin;
  AdwEntryRow          *title_row;
  AdwToastOverlay      *toast_overlay;
  AdwWindowTitle       *window_title;

  KefuDb               *db;
  KefuCourse           *course;       /* course->id NULL until created */
  GPtrArray            *lessons;
  GPtrArray            *questions;
  GPtrArray            *rows;         /* rows added to the two groups */
  GPtrArray            *article_ids;  /* the lesson dialog's dropdown, items 1.. */
};

G_DEFINE_FINAL_TYPE (KefuCourseEditor, kefu_course_editor, ADW_TYPE_WINDOW)

enum { CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

/* --- helpers --------------------------------------------------------- */

static void
show_error (KefuCourseEditor *self,
            const GError     *error)
{
  AdwToast *toast = adw_toast_new (error->message);

  adw_toast_set_timeout (toast, 8);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static char *
format_when (gint64 ms)
{
  g_autoptr(GDateTime) dt = ms > 0 ? g_date_time_new_from_unix_local (ms / 1000) : NULL;

  return dt ? g_date_time_format (dt, "%Y-%m-%d %H:%M") : g_strdup ("");
}

/* "2026-06-01 09:00" (local time) in Unix ms, or 0. */
static gint64
parse_when (const char *text)
{
  int y, mo, d, h = 0, mi = 0;
  g_autoptr(GDateTime) dt = NULL;

  if (text == NULL || sscanf (text, "%d-%d-%d %d:%d", &y, &mo, &d, &h, &mi) < 3)
    return 0;
  dt = g_date_time_new_local (y, mo, d, h, mi, 0);
  return dt ? g_date_time_to_unix (dt) * 1000 : 0;
}

static void
remove_rows (KefuCourseEditor *self)
{
  for (guint i = 0; i < self->rows->len; i++)
    {
      GtkWidget *row = self->rows->pdata[i];
      GtkWidget *group = gtk_widget_get_ancestor (row, ADW_TYPE_PREFERENCES_GROUP);

      if (group)
        adw_preferences_group_remove (ADW_PREFERENCES_GROUP (group), row);
    }
  g_ptr_array_set_size (self->rows, 0);
}

static GtkWidget *
row_button (const char *icon,
            const char *tooltip,
            const char *action,
            guint       index)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "u", index);
  return button;
}

static void
add_row (KefuCourseEditor    *self,
         AdwPreferencesGroup *group,
         const char          *title,
         const char          *subtitle,
         const char          *kind,
         guint                index)
{
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *escaped = g_markup_escape_text (title, -1);
  g_autofree char *edit = g_strdup_printf ("editor.edit-%s", kind);
  g_autofree char *remove = g_strdup_printf ("editor.delete-%s", kind);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), escaped);
  if (subtitle)
    {
      g_autofree char *sub = g_markup_escape_text (subtitle, -1);

      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), sub);
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 1);
    }
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), row_button ("document-edit-symbolic", C_("training", "Edit"), edit, index));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), row_button ("user-trash-symbolic", C_("training", "Delete"), remove, index));
  adw_preferences_group_add (group, row);
  g_ptr_array_add (self->rows, row);
}

static void
reload_content (KefuCourseEditor *self)
{
  g_autoptr(GError) error = NULL;
  gboolean exists = self->course->id != NULL;

  remove_rows (self);
  g_clear_pointer (&self->lessons, g_ptr_array_unref);
  g_clear_pointer (&self->questions, g_ptr_array_unref);
  gtk_widget_set_visible (GTK_WIDGET (self->lessons_group), exists && !self->course->is_contest);
  gtk_widget_set_visible (GTK_WIDGET (self->questions_group), exists);
  if (!exists)
    return;
  if ((self->lessons = kefu_training_list_lessons (self->db, self->course->id, &error)) == NULL ||
      (self->questions = kefu_training_list_questions (self->db, self->course->id, &error)) == NULL)
    {
      show_error (self, error);
      return;
    }
  for (guint i = 0; i < self->lessons->len; i++)
    {
      KefuLesson *l = self->lessons->pdata[i];

      add_row (self, self->lessons_group, l->title,
               l->article_id ? _("Knowledge article") : l->body, "lesson", i);
    }
  for (guint i = 0; i < self->questions->len; i++)
    {
      KefuQuestion *q = self->questions->pdata[i];
      g_autofree char *title = g_strdup_printf ("%u. %s", i + 1, q->text);
      /* Translators: kind of question and its points */
      g_autofree char *sub = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s · %d point", "%s · %d points",
                                                           q->points),
                                              kefu_question_kind_label (q->kind), q->points);

      add_row (self, self->questions_group, title, sub, "question", i);
    }
}

static void
fill_fields (KefuCourseEditor *self)
{
  KefuCourse *c = self->course;
  g_autofree char *opens = format_when (c->opens_at);
  g_autofree char *closes = format_when (c->closes_at);

  gtk_editable_set_text (GTK_EDITABLE (self->title_row), c->title ? c->title : "");
  gtk_editable_set_text (GTK_EDITABLE (self->description_row), c->description ? c->description : "");
  gtk_spin_button_set_value (self->pass_spin, c->pass_mark);
  gtk_spin_button_set_value (self->time_spin, c->time_limit_s / 60);
  gtk_spin_button_set_value (self->attempts_spin, c->max_attempts);
  adw_combo_row_set_selected (self->policy_row, g_strcmp0 (c->score_policy, "last") == 0 ? 1 : 0);
  gtk_editable_set_text (GTK_EDITABLE (self->opens_row), opens);
  gtk_editable_set_text (GTK_EDITABLE (self->closes_row), closes);
  gtk_widget_set_visible (GTK_WIDGET (self->opens_row), c->is_contest);
  gtk_widget_set_visible (GTK_WIDGET (self->closes_row), c->is_contest);
  adw_window_title_set_title (self->window_title,
                              c->id == NULL ? (c->is_contest ? _("New Skills Contest") : _("New Course"))
                                            : (c->is_contest ? _("Skills Contest") : _("Course")));
  adw_window_title_set_subtitle (self->window_title, c->id ? c->title : NULL);
  gtk_button_set_label (GTK_BUTTON (self->save_button), c->id == NULL ? _("C_reate") : _("_Save"));
}

/* --- the lesson dialog ----------------------------------------------- */

static void open_lesson_dialog   (KefuCourseEditor *self,
                                  KefuLesson       *existing);
static void open_question_dialog (KefuCourseEditor *self,
                                  KefuQuestion     *existing);

typedef struct
{
  KefuCourseEditor *self;
  KefuLesson       *lesson;     /* owned */
  GtkEntry         *title;
  GtkDropDown      *article;
  GtkTextView      *body;
} LessonDialog;

static void
lesson_dialog_free (LessonDialog *d)
{
  kefu_lesson_free (d->lesson);
  g_object_unref (d->self);
  g_free (d);
}

static void
lesson_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    gpointer          user_data)
{
  LessonDialog *d = user_data;
  KefuCourseEditor *self = d->self;
  g_autoptr(GError) error = NULL;
  GtkTextIter start, end;
  guint article = gtk_drop_down_get_selected (d->article);
  g_autofree char *body = NULL;

  if (g_strcmp0 (response, "save") != 0)
    return;
  gtk_text_buffer_get_bounds (gtk_text_view_get_buffer (d->body), &start, &end);
  body = gtk_text_buffer_get_text (gtk_text_view_get_buffer (d->body), &start, &end, FALSE);
  kefu_set_str (&d->lesson->title, gtk_editable_get_text (GTK_EDITABLE (d->title)));
  kefu_set_str (&d->lesson->article_id, article > 0 && article - 1 < self->article_ids->len / 2
                                        ? self->article_ids->pdata[(article - 1) * 2] : NULL);
  kefu_set_str (&d->lesson->body, body);
  if (!kefu_training_save_lesson (self->db, d->lesson, &error))
    {
      /* The dialog closes with any response: open it again as it was. */
      show_error (self, error);
      open_lesson_dialog (self, d->lesson);
      return;
    }
  reload_content (self);
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
open_lesson_dialog (KefuCourseEditor *self,
                    KefuLesson       *existing)
{
  g_autoptr(GtkStringList) articles = gtk_string_list_new (NULL);
  GtkWidget *dialog, *box, *scroller, *label;
  LessonDialog *d = g_new0 (LessonDialog, 1);
  guint selected = 0;

  d->self = g_object_ref (self);
  d->lesson = g_new0 (KefuLesson, 1);
  d->lesson->course_id = g_strdup (self->course->id);
  if (existing)
    {
      d->lesson->id = g_strdup (existing->id);
      d->lesson->position = existing->position;
      d->lesson->version = existing->version;
    }
  g_clear_pointer (&self->article_ids, g_ptr_array_unref);
  self->article_ids = kefu_training_list_articles (self->db, NULL);
  if (self->article_ids == NULL)
    self->article_ids = g_ptr_array_new_with_free_func (g_free);
  gtk_string_list_append (articles, _("No article: the lesson’s own text"));
  for (guint i = 0; i + 1 < self->article_ids->len; i += 2)
    {
      gtk_string_list_append (articles, self->article_ids->pdata[i + 1]);
      if (existing && g_strcmp0 (existing->article_id, self->article_ids->pdata[i]) == 0)
        selected = i / 2 + 1;
    }

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
  d->title = GTK_ENTRY (gtk_entry_new ());
  gtk_entry_set_placeholder_text (d->title, _("Title (an article’s title when empty)"));
  d->article = GTK_DROP_DOWN (gtk_drop_down_new (G_LIST_MODEL (g_object_ref (articles)), NULL));
  gtk_drop_down_set_enable_search (d->article, TRUE);
  gtk_drop_down_set_selected (d->article, selected);
  d->body = GTK_TEXT_VIEW (gtk_text_view_new ());
  gtk_text_view_set_wrap_mode (d->body, GTK_WRAP_WORD_CHAR);
  gtk_text_view_set_top_margin (d->body, 6);
  gtk_text_view_set_left_margin (d->body, 6);
  scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), GTK_WIDGET (d->body));
  gtk_widget_set_size_request (scroller, 420, 200);
  gtk_widget_add_css_class (scroller, "card");
  label = gtk_label_new (_("Or write the lesson’s text:"));
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  if (existing)
    {
      gtk_editable_set_text (GTK_EDITABLE (d->title), existing->title ? existing->title : "");
      if (existing->article_id == NULL)
        gtk_text_buffer_set_text (gtk_text_view_get_buffer (d->body), existing->body ? existing->body : "", -1);
    }
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (d->title));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (d->article));
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), scroller);

  dialog = adw_message_dialog_new (GTK_WINDOW (self), existing && existing->id ? _("Edit Lesson") : _("Add Lesson"),
                                   NULL);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), box);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"), "save", _("_Save"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "save", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "save");
  g_signal_connect_data (dialog, "response", G_CALLBACK (lesson_response_cb), d,
                         (GClosureNotify) (void (*) (void)) lesson_dialog_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* --- the question dialog --------------------------------------------- */

typedef struct
{
  KefuCourseEditor *self;
  KefuQuestion     *question;   /* owned */
  GtkDropDown      *kind;
  GtkEntry         *text;
  GtkSpinButton    *points;
  GtkWidget        *choices_box;
  GtkCheckButton   *correct[N_CHOICE_ROWS];
  GtkEntry         *choice[N_CHOICE_ROWS];
  GtkWidget        *tf_box;
  GtkCheckButton   *is_true;
  GtkCheckButton   *is_false;
  GtkEntry         *keywords;
} QuestionDialog;

static void
question_dialog_free (QuestionDialog *d)
{
  kefu_question_free (d->question);
  g_object_unref (d->self);
  g_free (d);
}

static void
update_kind (QuestionDialog *d)
{
  KefuQuestionKind kind = gtk_drop_down_get_selected (d->kind);

  gtk_widget_set_visible (d->choices_box, kind == KEFU_QUESTION_SINGLE || kind == KEFU_QUESTION_MULTIPLE);
  gtk_widget_set_visible (d->tf_box, kind == KEFU_QUESTION_TRUE_FALSE);
  gtk_widget_set_visible (GTK_WIDGET (d->keywords), kind == KEFU_QUESTION_SHORT);
}

static void
kind_changed_cb (GtkDropDown    *dropdown,
                 GParamSpec     *pspec,
                 QuestionDialog *d)
{
  update_kind (d);
}

static void
question_response_cb (AdwMessageDialog *dialog,
                      const char       *response,
                      gpointer          user_data)
{
  QuestionDialog *d = user_data;
  KefuCourseEditor *self = d->self;
  KefuQuestion *q = d->question;
  g_autoptr(GError) error = NULL;
  g_autoptr(GStrvBuilder) choices = g_strv_builder_new ();

  if (g_strcmp0 (response, "save") != 0)
    return;
  q->kind = gtk_drop_down_get_selected (d->kind);
  kefu_set_str (&q->text, gtk_editable_get_text (GTK_EDITABLE (d->text)));
  q->points = gtk_spin_button_get_value_as_int (d->points);
  q->correct = 0;
  g_clear_pointer (&q->choices, g_strfreev);
  g_clear_pointer (&q->keywords, g_strfreev);
  if (q->kind == KEFU_QUESTION_SINGLE || q->kind == KEFU_QUESTION_MULTIPLE)
    {
      guint n = 0;

      /* Empty rows are skipped; the marks follow their choices. */
      for (guint k = 0; k < N_CHOICE_ROWS; k++)
        {
          const char *text = gtk_editable_get_text (GTK_EDITABLE (d->choice[k]));
          g_autofree char *stripped = g_strstrip (g_strdup (text));

          if (*stripped == '\0' && !gtk_check_button_get_active (d->correct[k]))
            continue;
          g_strv_builder_add (choices, text);
          if (gtk_check_button_get_active (d->correct[k]))
            q->correct |= 1u << n;
          n++;
        }
      q->choices = g_strv_builder_end (choices);
    }
  else if (q->kind == KEFU_QUESTION_TRUE_FALSE)
    q->correct = gtk_check_button_get_active (d->is_true) ? 1 : gtk_check_button_get_active (d->is_false) ? 2 : 0;
  else
    q->keywords = g_strsplit_set (gtk_editable_get_text (GTK_EDITABLE (d->keywords)), ",，;；", -1);
  if (!kefu_training_save_question (self->db, q, &error))
    {
      show_error (self, error);
      open_question_dialog (self, q);
      return;
    }
  reload_content (self);
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
open_question_dialog (KefuCourseEditor *self,
                      KefuQuestion     *existing)
{
  const char *kinds[] = { kefu_question_kind_label (KEFU_QUESTION_SINGLE),
                          kefu_question_kind_label (KEFU_QUESTION_MULTIPLE),
                          kefu_question_kind_label (KEFU_QUESTION_TRUE_FALSE),
                          kefu_question_kind_label (KEFU_QUESTION_SHORT), NULL };
  QuestionDialog *d = g_new0 (QuestionDialog, 1);
  GtkWidget *dialog, *box, *line, *label;

  d->self = g_object_ref (self);
  d->question = kefu_question_new (existing ? existing->kind : KEFU_QUESTION_SINGLE, NULL);
  d->question->course_id = g_strdup (self->course->id);
  if (existing)
    {
      d->question->id = g_strdup (existing->id);
      d->question->position = existing->position;
      d->question->version = existing->version;
    }

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
  line = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  d->kind = GTK_DROP_DOWN (gtk_drop_down_new_from_strings (kinds));
  gtk_widget_set_hexpand (GTK_WIDGET (d->kind), TRUE);
  d->points = GTK_SPIN_BUTTON (gtk_spin_button_new_with_range (1, 100, 1));
  label = gtk_label_new (_("Points"));
  gtk_box_append (GTK_BOX (line), GTK_WIDGET (d->kind));
  gtk_box_append (GTK_BOX (line), label);
  gtk_box_append (GTK_BOX (line), GTK_WIDGET (d->points));
  gtk_box_append (GTK_BOX (box), line);
  d->text = GTK_ENTRY (gtk_entry_new ());
  gtk_entry_set_placeholder_text (d->text, _("The question"));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (d->text));

  d->choices_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  label = gtk_label_new (_("Choices; tick the correct ones:"));
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_box_append (GTK_BOX (d->choices_box), label);
  for (guint k = 0; k < N_CHOICE_ROWS; k++)
    {
      g_autofree char *hint = g_strdup_printf (_("Choice %c"), 'A' + k);

      line = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
      d->correct[k] = GTK_CHECK_BUTTON (gtk_check_button_new ());
      gtk_widget_set_tooltip_text (GTK_WIDGET (d->correct[k]), _("Correct"));
      d->choice[k] = GTK_ENTRY (gtk_entry_new ());
      gtk_entry_set_placeholder_text (d->choice[k], hint);
      gtk_widget_set_hexpand (GTK_WIDGET (d->choice[k]), TRUE);
      gtk_box_append (GTK_BOX (line), GTK_WIDGET (d->correct[k]));
      gtk_box_append (GTK_BOX (line), GTK_WIDGET (d->choice[k]));
      gtk_box_append (GTK_BOX (d->choices_box), line);
    }
  gtk_box_append (GTK_BOX (box), d->choices_box);

  d->tf_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  d->is_true = GTK_CHECK_BUTTON (gtk_check_button_new_with_label (_("The statement is true")));
  d->is_false = GTK_CHECK_BUTTON (gtk_check_button_new_with_label (_("The statement is false")));
  gtk_check_button_set_group (d->is_false, d->is_true);
  gtk_box_append (GTK_BOX (d->tf_box), GTK_WIDGET (d->is_true));
  gtk_box_append (GTK_BOX (d->tf_box), GTK_WIDGET (d->is_false));
  gtk_box_append (GTK_BOX (box), d->tf_box);

  d->keywords = GTK_ENTRY (gtk_entry_new ());
  gtk_entry_set_placeholder_text (d->keywords, _("Keywords, separated by commas; 道歉|致歉 accepts either"));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (d->keywords));
  gtk_widget_set_size_request (box, 460, -1);

  if (existing)
    {
      gtk_drop_down_set_selected (d->kind, existing->kind);
      gtk_spin_button_set_value (d->points, existing->points);
      gtk_editable_set_text (GTK_EDITABLE (d->text), existing->text);
      for (guint k = 0; existing->choices && existing->choices[k] && k < N_CHOICE_ROWS; k++)
        {
          gtk_editable_set_text (GTK_EDITABLE (d->choice[k]), existing->choices[k]);
          gtk_check_button_set_active (d->correct[k], (existing->correct & (1u << k)) != 0);
        }
      gtk_check_button_set_active (d->is_true, existing->kind == KEFU_QUESTION_TRUE_FALSE && existing->correct == 1);
      gtk_check_button_set_active (d->is_false, existing->kind == KEFU_QUESTION_TRUE_FALSE && existing->correct == 2);
      if (existing->keywords)
        {
          g_autofree char *joined = g_strjoinv (", ", existing->keywords);

          gtk_editable_set_text (GTK_EDITABLE (d->keywords), joined);
        }
    }
  update_kind (d);
  g_signal_connect (d->kind, "notify::selected", G_CALLBACK (kind_changed_cb), d);

  dialog = adw_message_dialog_new (GTK_WINDOW (self), existing && existing->id ? _("Edit Question") : _("Add Question"),
                                   NULL);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), box);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"), "save", _("_Save"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "save", ADW_RESPONSE_SUGGESTED);
  g_signal_connect_data (dialog, "response", G_CALLBACK (question_response_cb), d,
                         (GClosureNotify) (void (*) (void)) question_dialog_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* --- actions --------------------------------------------------------- */

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  KefuCourseEditor *self = KEFU_COURSE_EDITOR (widget);
  KefuCourse *c = self->course;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  kefu_set_str (&c->title, gtk_editable_get_text (GTK_EDITABLE (self->title_row)));
  kefu_set_str (&c->description, gtk_editable_get_text (GTK_EDITABLE (self->description_row)));
  c->pass_mark = gtk_spin_button_get_value_as_int (self->pass_spin);
  c->time_limit_s = gtk_spin_button_get_value_as_int (self->time_spin) * 60;
  c->max_attempts = gtk_spin_button_get_value_as_int (self->attempts_spin);
  kefu_set_str (&c->score_policy, adw_combo_row_get_selected (self->policy_row) == 1 ? "last" : "best");
  c->opens_at = parse_when (gtk_editable_get_text (GTK_EDITABLE (self->opens_row)));
  c->closes_at = parse_when (gtk_editable_get_text (GTK_EDITABLE (self->closes_row)));
  if (c->id == NULL)
    ok = kefu_training_create_course (self->db, c, NULL, NULL, &error);
  else
    ok = kefu_training_update_course (self->db, c, &error);
  if (!ok)
    {
      show_error (self, error);
      return;
    }
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (_("Saved.")));
  fill_fields (self);
  reload_content (self);
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
add_lesson_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  open_lesson_dialog (KEFU_COURSE_EDITOR (widget), NULL);
}

static void
add_question_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *param)
{
  open_question_dialog (KEFU_COURSE_EDITOR (widget), NULL);
}

static void
edit_item_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  KefuCourseEditor *self = KEFU_COURSE_EDITOR (widget);
  guint i = g_variant_get_uint32 (param);

  if (g_str_has_suffix (action_name, "lesson") && self->lessons && i < self->lessons->len)
    open_lesson_dialog (self, self->lessons->pdata[i]);
  else if (g_str_has_suffix (action_name, "question") && self->questions && i < self->questions->len)
    open_question_dialog (self, self->questions->pdata[i]);
}

static void
delete_item_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  KefuCourseEditor *self = KEFU_COURSE_EDITOR (widget);
  g_autoptr(GError) error = NULL;
  guint i = g_variant_get_uint32 (param);
  gboolean ok = TRUE;

  if (g_str_has_suffix (action_name, "lesson") && self->lessons && i < self->lessons->len)
    ok = kefu_training_delete_lesson (self->db, ((KefuLesson *) self->lessons->pdata[i])->id, &error);
  else if (g_str_has_suffix (action_name, "question") && self->questions && i < self->questions->len)
    ok = kefu_training_delete_question (self->db, ((KefuQuestion *) self->questions->pdata[i])->id, &error);
  if (!ok)
    show_error (self, error);
  reload_content (self);
  g_signal_emit (self, signals[CHANGED], 0);
}

/* --- GObject --------------------------------------------------------- */

static void
kefu_course_editor_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), KEFU_TYPE_COURSE_EDITOR);
  G_OBJECT_CLASS (kefu_course_editor_parent_class)->dispose (object);
}

static void
kefu_course_editor_finalize (GObject *object)
{
  KefuCourseEditor *self = (KefuCourseEditor *) object;

  g_clear_object (&self->db);
  g_clear_pointer (&self->course, kefu_course_free);
  g_clear_pointer (&self->lessons, g_ptr_array_unref);
  g_clear_pointer (&self->questions, g_ptr_array_unref);
  g_clear_pointer (&self->article_ids, g_ptr_array_unref);
  g_ptr_array_unref (self->rows);
  G_OBJECT_CLASS (kefu_course_editor_parent_class)->finalize (object);
}

static void
kefu_course_editor_class_init (KefuCourseEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kefu_course_editor_dispose;
  object_class->finalize = kefu_course_editor_finalize;

  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/kefu/Kefu/training/kefu-course-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, KefuCourseEditor, attempts_spin);
  gtk_widget_class_bind_template_child (widget_class, KefuCourseEditor, closes_row);
  gtk_widget_class_bind_template_child (widget_class, KefuCourseEditor, description_row);
  gtk_widget_class_bind_template_child (widget_class, KefuCourseEditor, lessons_group);
  gtk_widget_class_bind_template_child (widget_class, KefuCourseEditor, opens_row);
  gtk_widget_class_bind_template_child (widget_class, KefuCourseEditor, pass_spin);
  gtk_widget_class_bind_template_child (widget_class, KefuCourseEditor, policy_row);
  gtk_widget_class_bind_template_child (widget_class, KefuCourseEditor, questions_group);
  gtk_widget_class_bind_template_child (widget_class, KefuCourseEditor, save_button);
  gtk_widget_class_bind_template_child (widget_class, KefuCourseEditor, time_spin);
  gtk_widget_class_bind_template_child (widget_class, KefuCourseEditor, title_row);
  gtk_widget_class_bind_template_child (widget_class, KefuCourseEditor, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, KefuCourseEditor, window_title);

  gtk_widget_class_install_action (widget_class, "editor.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "editor.add-lesson", NULL, add_lesson_action);
  gtk_widget_class_install_action (widget_class, "editor.add-question", NULL, add_question_action);
  gtk_widget_class_install_action (widget_class, "editor.edit-lesson", "u", edit_item_action);
  gtk_widget_class_install_action (widget_class, "editor.edit-question", "u", edit_item_action);
  gtk_widget_class_install_action (widget_class, "editor.delete-lesson", "u", delete_item_action);
  gtk_widget_class_install_action (widget_class, "editor.delete-question", "u", delete_item_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "editor.save", NULL);
}

static void
kefu_course_editor_init (KefuCourseEditor *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->rows = g_ptr_array_new ();
}

/* --- public API ------------------------------------------------------ */

GtkWindow *
kefu_course_editor_new (GtkWindow  *parent,
                        KefuDb     *db,
                        const char *course_id,
                        gboolean    contest)
{
  KefuCourseEditor *self = g_object_new (KEFU_TYPE_COURSE_EDITOR, "transient-for", parent, NULL);
  g_autoptr(GError) error = NULL;

  self->db = g_object_ref (db);
  if (course_id)
    self->course = kefu_training_get_course (db, course_id, &error);
  if (self->course == NULL)
    {
      self->course = kefu_course_new ();
      self->course->is_contest = contest;
      if (contest)
        {
          /* A week from tomorrow 09:00, twenty minutes, one attempt. */
          g_autoptr(GDateTime) now = g_date_time_new_now_local ();
          g_autoptr(GDateTime) day = g_date_time_new_local (g_date_time_get_year (now), g_date_time_get_month (now),
                                                            g_date_time_get_day_of_month (now), 9, 0, 0);
          g_autoptr(GDateTime) opens = g_date_time_add_days (day, 1);
          g_autoptr(GDateTime) closes = g_date_time_add_days (day, 8);

          self->course->opens_at = g_date_time_to_unix (opens) * 1000;
          self->course->closes_at = g_date_time_to_unix (closes) * 1000;
          self->course->time_limit_s = 20 * 60;
          self->course->max_attempts = 1;
        }
    }
  fill_fields (self);
  reload_content (self);
  if (error)
    show_error (self, error);
  return GTK_WINDOW (self);
}
