/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "kefu-training-view"

#include "config.h"

#include <glib/gi18n.h>

#include "kefu-cases.h"
#include "kefu-course-editor.h"
#include "kefu-kb-render.h"
#include "kefu-org.h"
#include "kefu-training-view.h"
#include "kefu-training.h"
#include "kefu-window.h"

/* Rows shown in a list at most; the export holds everything. */
#define MAX_ROWS           300
#define BOARD_ROWS         20
#define LIVE_REFRESH_S     5

struct _KefuTrainingView
{
  GtkWidget        parent_instance;

  /* template children */
  GtkListBox      *board_list;
  GtkLabel        *board_label;
  GtkDropDown     *completion_course;
  GtkStackPage    *completion_page;
  GtkDropDown     *completion_unit;
  GtkDropDown     *contest_dropdown;
  GtkLabel        *contest_label;
  GtkStackPage    *contests_page;
  GtkListBox      *courses_list;
  GtkStackPage    *courses_page;
  GtkBox          *mine_box;
  GtkToggleButton *my_branch_toggle;
  GtkListBox      *people_list;
  GtkLabel        *people_label;
  GtkBox          *player_box;
  GtkLabel        *player_clock;
  GtkScrolledWindow *player_scroller;
  GtkLabel        *player_title;
  GtkStack        *sections;
  GtkStack        *stack;
  GtkListBox      *standings_list;
  GtkListBox      *units_list;

  KefuDb          *db;
  GPtrArray       *course_ids;     /* completion_course items 1.. */
  GPtrArray       *unit_ids;       /* completion_unit items 1.. */
  GPtrArray       *contest_ids;    /* contest_dropdown items */
  gboolean         filling;
  guint            live_id;

  /* The player: one course, its questions, one widget set per question. */
  KefuCourse      *course;
  GPtrArray       *questions;
  GPtrArray       *inputs;         /* per question: GPtrArray of GtkCheckButton, or a GtkEntry */
  gboolean         preview;
  gint64           started_at;
  guint            clock_id;
  gint             last_score;
};

G_DEFINE_FINAL_TYPE (KefuTrainingView, kefu_training_view, GTK_TYPE_WIDGET)

/* --- helpers --------------------------------------------------------- */

static void
clear_box (GtkWidget *box)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (box)) != NULL)
    {
      if (GTK_IS_BOX (box))
        gtk_box_remove (GTK_BOX (box), child);
      else
        gtk_list_box_remove (GTK_LIST_BOX (box), child);
    }
}

static char *
format_day (gint64 ms)
{
  g_autoptr(GDateTime) dt = ms > 0 ? g_date_time_new_from_unix_local (ms / 1000) : NULL;

  /* Translators: a date, as in g_date_time_format() */
  return dt ? g_date_time_format (dt, _("%Y-%m-%d")) : g_strdup ("");
}

static char *
format_time (gint64 ms)
{
  g_autoptr(GDateTime) dt = ms > 0 ? g_date_time_new_from_unix_local (ms / 1000) : NULL;

  /* Translators: a date and time, as in g_date_time_format() */
  return dt ? g_date_time_format (dt, _("%Y-%m-%d %H:%M")) : g_strdup ("");
}

static char *
format_duration (gint64 ms)
{
  gint64 s = (ms + 500) / 1000;

  return g_strdup_printf ("%" G_GINT64_FORMAT ":%02d", s / 60, (int) (s % 60));
}

static GtkWidget *
state_badge (KefuTrainingState state)
{
  static const char *classes[] = { [KEFU_TRAINING_ASSIGNED] = "segment-regular", [KEFU_TRAINING_DUE] = "segment-vip",
                                   [KEFU_TRAINING_OVERDUE] = "segment-at_risk", [KEFU_TRAINING_DONE] = "segment-new" };
  GtkWidget *label = gtk_label_new (kefu_training_state_label (state));

  gtk_widget_add_css_class (label, "segment-badge");
  gtk_widget_add_css_class (label, classes[state]);
  gtk_widget_set_valign (label, GTK_ALIGN_CENTER);
  return label;
}

static GtkWidget *
dim_label (const char *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_widget_add_css_class (label, "dim-label");
  gtk_widget_add_css_class (label, "numeric");
  gtk_widget_set_valign (label, GTK_ALIGN_CENTER);
  return label;
}

/* A button of a list row: without a mnemonic, since every row has the
 * same one (five "Start" buttons would all answer Alt+S). */
static GtkWidget *
action_button (const char *label,
               const char *action,
               const char *target)
{
  GtkWidget *button = gtk_button_new_with_label (label);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", target);
  return button;
}

static void
toast_error (KefuTrainingView *self,
             const GError     *error)
{
  kefu_toast_error (GTK_WIDGET (self), error);
}

static void
set_strings (GtkDropDown  *dropdown,
             GPtrArray    *labels)
{
  g_autoptr(GtkStringList) model = gtk_string_list_new (NULL);

  for (guint i = 0; i < labels->len; i++)
    gtk_string_list_append (model, labels->pdata[i]);
  gtk_drop_down_set_model (dropdown, G_LIST_MODEL (model));
}

static const char *
selected_id (GtkDropDown *dropdown,
             GPtrArray   *ids,
             guint        offset)
{
  guint i = gtk_drop_down_get_selected (dropdown);

  if (i == GTK_INVALID_LIST_POSITION || i < offset || i - offset >= ids->len)
    return NULL;
  return ids->pdata[i - offset];
}

/* --- My Training ----------------------------------------------------- */

static GtkWidget *
training_row (KefuTrainingView *self,
              KefuTrainingItem *it)
{
  GtkWidget *row = adw_action_row_new ();
  GString *sub = g_string_new (NULL);
  g_autofree char *due = format_day (it->due_at);
  gboolean attempts_left = it->max_attempts == 0 || it->n_attempts < (guint) it->max_attempts;

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), it->course_title);
  if (it->is_contest)
    /* Translators: a skills contest's closing date */
    g_string_append_printf (sub, _("Skills contest, closes %s"), due);
  else
    /* Translators: an assignment's due date */
    g_string_append_printf (sub, C_("training", "Due %s"), due);
  if (it->score >= 0)
    /* Translators: the score that counts, in percent */
    g_string_append_printf (sub, _(" · Score %d %%"), it->score);
  if (it->n_attempts > 0)
    {
      g_string_append (sub, " · ");
      if (it->max_attempts > 0)
        g_string_append_printf (sub, g_dngettext (GETTEXT_PACKAGE, "%u of %d attempt", "%u of %d attempts",
                                                  it->max_attempts),
                                it->n_attempts, it->max_attempts);
      else
        g_string_append_printf (sub, g_dngettext (GETTEXT_PACKAGE, "%u attempt", "%u attempts", it->n_attempts),
                                it->n_attempts);
    }
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), sub->str);
  g_string_free (sub, TRUE);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), state_badge (it->state));
  if (attempts_left && !(it->is_contest && it->due_at < kefu_cases_get_now (self->db)))
    {
      GtkWidget *button = action_button (it->n_attempts > 0 ? _("Retake") : C_("training", "Start"), "training.take",
                                         it->course_id);

      if (it->n_attempts == 0)
        gtk_widget_add_css_class (button, "suggested-action");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
    }
  return row;
}

static void
fill_mine (KefuTrainingView *self)
{
  static const KefuTrainingState order[] = { KEFU_TRAINING_OVERDUE, KEFU_TRAINING_DUE, KEFU_TRAINING_ASSIGNED,
                                             KEFU_TRAINING_DONE };
  const char *titles[] = { _("Overdue"), _("Due This Week"), C_("training", "Assigned"), _("Done") };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = kefu_training_list_mine (self->db, NULL, &error);
  guint shown = 0;

  clear_box (GTK_WIDGET (self->mine_box));
  if (items == NULL)
    {
      toast_error (self, error);
      return;
    }
  for (guint s = 0; s < G_N_ELEMENTS (order); s++)
    {
      GtkWidget *group = adw_preferences_group_new ();
      guint n = 0;

      adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), titles[s]);
      for (guint i = 0; i < items->len; i++)
        {
          KefuTrainingItem *it = items->pdata[i];

          if (it->state != order[s])
            continue;
          adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), training_row (self, it));
          n++;
        }
      if (n > 0)
        gtk_box_append (self->mine_box, group);
      else
        {
          g_object_ref_sink (group);
          g_object_unref (group);
        }
      shown += n;
    }
  if (shown == 0)
    {
      GtkWidget *empty = adw_status_page_new ();

      adw_status_page_set_icon_name (ADW_STATUS_PAGE (empty), "emblem-ok-symbolic");
      adw_status_page_set_title (ADW_STATUS_PAGE (empty), _("No Training Assigned"));
      adw_status_page_set_description (ADW_STATUS_PAGE (empty),
                                       _("Courses your trainer assigns to you and open skills contests appear here."));
      gtk_box_append (self->mine_box, empty);
    }
}

/* --- courses (builders) ---------------------------------------------- */

static void
fill_courses (KefuTrainingView *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) courses = NULL;

  clear_box (GTK_WIDGET (self->courses_list));
  if (!kefu_training_may_build (self->db))
    return;
  if ((courses = kefu_training_list_courses (self->db, &error)) == NULL)
    {
      toast_error (self, error);
      return;
    }
  for (guint i = 0; i < courses->len; i++)
    {
      KefuCourse *c = courses->pdata[i];
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *menu_button = gtk_menu_button_new ();
      g_autoptr(GMenu) menu = g_menu_new ();
      g_autofree char *sub = NULL;
      g_autofree char *lessons = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u lesson", "%u lessons", c->n_lessons),
                                                  c->n_lessons);
      g_autofree char *questions = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u question", "%u questions",
                                                                 c->n_questions), c->n_questions);
      gboolean published = g_strcmp0 (c->status, "published") == 0;

      /* Translators: course list: status · lessons · questions · pass mark */
      sub = g_strdup_printf (_("%s · %s · %s · pass %d %%"),
                             c->is_contest ? (published ? _("Contest, published") : _("Contest, draft"))
                                           : (published ? _("Published") : _("Draft")),
                             lessons, questions, c->pass_mark);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), c->title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), sub);
      if (!published)
        adw_action_row_add_suffix (ADW_ACTION_ROW (row), action_button (_("Publish"), "training.publish", c->id));
      else if (!c->is_contest)
        adw_action_row_add_suffix (ADW_ACTION_ROW (row), action_button (C_("training", "Assign…"), "training.assign", c->id));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), action_button (_("Edit…"), "training.edit", c->id));

      {
        g_autoptr(GMenuItem) preview = g_menu_item_new (_("Preview as _Learner"), NULL);
        g_autoptr(GMenuItem) remove = g_menu_item_new (_("_Delete Course"), NULL);

        g_menu_item_set_action_and_target_value (preview, "training.preview", g_variant_new_string (c->id));
        g_menu_item_set_action_and_target_value (remove, "training.delete", g_variant_new_string (c->id));
        g_menu_append_item (menu, preview);
        g_menu_append_item (menu, remove);
      }
      gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (menu_button), "view-more-symbolic");
      gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (menu_button), G_MENU_MODEL (menu));
      gtk_widget_set_valign (menu_button, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (menu_button, "flat");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), menu_button);
      gtk_list_box_append (self->courses_list, row);
    }
}

/* --- completion ------------------------------------------------------ */

static void
fill_completion_filters (KefuTrainingView *self)
{
  g_autoptr(GPtrArray) courses = kefu_training_list_courses (self->db, NULL);
  g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) units = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) scopes = NULL;

  self->filling = TRUE;
  g_ptr_array_set_size (self->course_ids, 0);
  g_ptr_array_add (labels, g_strdup (_("All courses")));
  for (guint i = 0; courses && i < courses->len; i++)
    {
      KefuCourse *c = courses->pdata[i];

      if (c->is_contest || g_strcmp0 (c->status, "published") != 0)
        continue;
      g_ptr_array_add (self->course_ids, g_strdup (c->id));
      g_ptr_array_add (labels, g_strdup (c->title));
    }
  set_strings (self->completion_course, labels);

  /* Provinces and cities: the scopes a trainer or supervisor reports on. */
  g_ptr_array_set_size (self->unit_ids, 0);
  g_ptr_array_add (units, g_strdup (_("Whole network")));
  scopes = kefu_training_list_units (self->db, FALSE, NULL);
  for (guint i = 0; scopes && i < scopes->len; i++)
    {
      KefuOrgUnit *u = scopes->pdata[i];

      g_ptr_array_add (self->unit_ids, g_strdup (u->id));
      g_ptr_array_add (units, g_strdup (u->name));
    }
  set_strings (self->completion_unit, units);
  self->filling = FALSE;
}

static void
fill_completion (KefuTrainingView *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) units = NULL;
  g_autoptr(GPtrArray) people = NULL;
  const char *course_id = selected_id (self->completion_course, self->course_ids, 1);
  const char *unit_id = selected_id (self->completion_unit, self->unit_ids, 1);
  g_autofree char *people_title = NULL;
  guint n_units = 0;

  clear_box (GTK_WIDGET (self->units_list));
  clear_box (GTK_WIDGET (self->people_list));
  if (!kefu_training_may_assign (self->db))
    return;
  if ((units = kefu_training_completion_units (self->db, course_id, unit_id, &error)) == NULL ||
      (people = kefu_training_completion_people (self->db, course_id, unit_id, &error)) == NULL)
    {
      toast_error (self, error);
      return;
    }
  for (guint i = 0; i < units->len && n_units < MAX_ROWS; i++)
    {
      KefuUnitCompletion *u = units->pdata[i];
      GtkWidget *row;
      GtkWidget *bar;
      g_autofree char *sub = NULL;
      g_autofree char *avg = NULL;

      if (u->n_assigned == 0)
        continue;
      row = adw_action_row_new ();
      avg = u->avg_score >= 0 ? g_strdup_printf ("%.0f", u->avg_score) : g_strdup ("–");
      /* Translators: per branch: done / assigned, overdue, average score */
      sub = g_strdup_printf (_("%u of %u done · %u overdue · average score %s"), u->n_done, u->n_assigned,
                             u->n_overdue, avg);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), u->name);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), sub);
      bar = gtk_level_bar_new_for_interval (0, 1);
      gtk_level_bar_set_value (GTK_LEVEL_BAR (bar), (double) u->n_done / u->n_assigned);
      gtk_widget_set_size_request (bar, 120, -1);
      gtk_widget_set_valign (bar, GTK_ALIGN_CENTER);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), bar);
      gtk_list_box_append (self->units_list, row);
      n_units++;
    }
  if (n_units == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Nothing assigned here yet"));
      gtk_list_box_append (self->units_list, row);
    }

  people_title = people->len > MAX_ROWS
    ? g_strdup_printf (_("People (the first %u of %u; the export has all)"), MAX_ROWS, people->len)
    : g_strdup (_("People (managers first)"));
  gtk_label_set_label (self->people_label, people_title);
  for (guint i = 0; i < people->len && i < MAX_ROWS; i++)
    {
      KefuCompletionRow *r = people->pdata[i];
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *title = g_strdup_printf ("%s · %s", r->name, kefu_role_label (r->role));
      g_autofree char *due = format_day (r->due_at);
      /* Translators: person row: course · branch · due date */
      g_autofree char *sub = g_strdup_printf (_("%s · %s · due %s"), r->course_title, r->unit_name, due);
      g_autofree char *score = r->score >= 0 ? g_strdup_printf ("%d", r->score) : g_strdup ("–");

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), sub);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), dim_label (score));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), state_badge (r->state));
      gtk_list_box_append (self->people_list, row);
    }
}

/* --- contests -------------------------------------------------------- */

static void
fill_contest_list (KefuTrainingView *self)
{
  g_autoptr(GPtrArray) courses = kefu_training_list_courses (self->db, NULL);
  g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);

  self->filling = TRUE;
  g_ptr_array_set_size (self->contest_ids, 0);
  for (guint i = 0; courses && i < courses->len; i++)
    {
      KefuCourse *c = courses->pdata[i];

      if (!c->is_contest || g_strcmp0 (c->status, "published") != 0)
        continue;
      g_ptr_array_add (self->contest_ids, g_strdup (c->id));
      g_ptr_array_add (labels, g_strdup (c->title));
    }
  set_strings (self->contest_dropdown, labels);
  self->filling = FALSE;
}

static void
fill_contest (KefuTrainingView *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KefuCourse) c = NULL;
  g_autoptr(KefuStaff) me = kefu_org_get_current_user (self->db);
  g_autoptr(GPtrArray) board = NULL;
  g_autoptr(GPtrArray) standings = NULL;
  const char *id = selected_id (self->contest_dropdown, self->contest_ids, 0);
  gboolean mine = gtk_toggle_button_get_active (self->my_branch_toggle);
  g_autofree char *opens = NULL, *closes = NULL, *text = NULL;

  clear_box (GTK_WIDGET (self->board_list));
  clear_box (GTK_WIDGET (self->standings_list));
  if (id == NULL)
    {
      gtk_label_set_label (self->contest_label, _("No skills contest has been published yet."));
      gtk_label_set_label (self->board_label, "");
      return;
    }
  if ((c = kefu_training_get_course (self->db, id, &error)) == NULL ||
      (board = kefu_training_leaderboard (self->db, id, mine && me ? me->org_unit_id : NULL, BOARD_ROWS, &error)) == NULL ||
      (standings = kefu_training_branch_standings (self->db, id, &error)) == NULL)
    {
      toast_error (self, error);
      return;
    }
  opens = format_time (c->opens_at);
  closes = format_time (c->closes_at);
  /* Translators: a contest's window and its time limit in minutes */
  text = g_strdup_printf (_("Open from %s to %s · %d minutes · ranked by score, then time taken"), opens, closes,
                          c->time_limit_s / 60);
  gtk_label_set_label (self->contest_label, text);
  gtk_label_set_label (self->board_label, mine ? _("Leaderboard: my branch") : _("Leaderboard: everyone"));

  for (guint i = 0; i < board->len; i++)
    {
      KefuLeaderboardEntry *e = board->pdata[i];
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *rank = g_strdup_printf ("%u", e->rank);
      g_autofree char *time = format_duration (e->time_ms);
      g_autofree char *score = g_strdup_printf ("%d", e->score);
      GtkWidget *rank_label = gtk_label_new (rank);

      gtk_widget_add_css_class (rank_label, "title-4");
      gtk_widget_set_size_request (rank_label, 32, -1);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), rank_label);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), e->name);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), e->unit_name);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), dim_label (time));
      {
        GtkWidget *s = gtk_label_new (score);

        gtk_widget_add_css_class (s, "heading");
        adw_action_row_add_suffix (ADW_ACTION_ROW (row), s);
      }
      if (me && g_strcmp0 (me->id, e->staff_id) == 0)
        gtk_widget_add_css_class (row, "accent");
      gtk_list_box_append (self->board_list, row);
    }
  if (board->len == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Nobody has taken part yet"));
      gtk_list_box_append (self->board_list, row);
    }
  for (guint i = 0; i < standings->len && i < BOARD_ROWS; i++)
    {
      KefuBranchStanding *s = standings->pdata[i];
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *title = g_strdup_printf ("%u. %s", s->rank, s->unit_name);
      g_autofree char *time = format_duration (s->avg_time_ms);
      /* Translators: a branch's contest result: people, average score, average time */
      g_autofree char *sub = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u person · average %.1f · %s",
                                                           "%u people · average %.1f · %s", s->n_people),
                                              s->n_people, s->avg_score, time);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), sub);
      gtk_list_box_append (self->standings_list, row);
    }
}

static gboolean
live_refresh_cb (gpointer user_data)
{
  KefuTrainingView *self = user_data;

  /* Live: others' attempts arrive while the contest runs. */
  if (gtk_widget_get_mapped (GTK_WIDGET (self)) &&
      g_strcmp0 (gtk_stack_get_visible_child_name (self->sections), "contests") == 0 &&
      g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "home") == 0)
    fill_contest (self);
  return G_SOURCE_CONTINUE;
}

/* --- the player ------------------------------------------------------ */

static void
stop_clock (KefuTrainingView *self)
{
  g_clear_handle_id (&self->clock_id, g_source_remove);
  gtk_label_set_label (self->player_clock, "");
}

static void
close_player (KefuTrainingView *self)
{
  stop_clock (self);
  g_clear_pointer (&self->course, kefu_course_free);
  g_clear_pointer (&self->questions, g_ptr_array_unref);
  g_clear_pointer (&self->inputs, g_ptr_array_unref);
  clear_box (GTK_WIDGET (self->player_box));
  gtk_stack_set_visible_child_name (self->stack, "home");
}

static GtkWidget *
text_label (const char *text,
            const char *css)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  if (css)
    gtk_widget_add_css_class (label, css);
  return label;
}

/* A lesson that is a knowledge article reads as the Knowledge Base shows
 * it: its Markdown rendered (headings, lists, tables, pictures). */
static GtkWidget *
article_view (KefuTrainingView *self,
              const char       *markdown)
{
  GtkWidget *view = gtk_text_view_new ();

  gtk_text_view_set_editable (GTK_TEXT_VIEW (view), FALSE);
  gtk_text_view_set_cursor_visible (GTK_TEXT_VIEW (view), FALSE);
  gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (view), GTK_WRAP_WORD_CHAR);
  gtk_widget_add_css_class (view, "lesson-article");
  kefu_kb_render_markdown (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)), markdown ? markdown : "", self->db);
  return view;
}

static void
scroll_top (KefuTrainingView *self)
{
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->player_scroller), 0);
}

static GPtrArray *
collect_answers (KefuTrainingView *self)
{
  GPtrArray *answers = g_ptr_array_new_with_free_func ((GDestroyNotify) kefu_answer_free);

  for (guint i = 0; i < self->questions->len; i++)
    {
      KefuQuestion *q = self->questions->pdata[i];
      gpointer input = self->inputs->pdata[i];

      if (GTK_IS_EDITABLE (input))
        g_ptr_array_add (answers, kefu_answer_new (q->id, 0, gtk_editable_get_text (input)));
      else
        {
          GPtrArray *checks = input;
          guint mask = 0;

          for (guint k = 0; k < checks->len; k++)
            if (gtk_check_button_get_active (checks->pdata[k]))
              mask |= 1u << k;
          g_ptr_array_add (answers, kefu_answer_new (q->id, mask, NULL));
        }
    }
  return answers;
}

static void
show_result (KefuTrainingView  *self,
             const KefuAttempt *at,
             GPtrArray         *answers)
{
  GtkWidget *status = adw_status_page_new ();
  GtkWidget *group = adw_preferences_group_new ();
  GtkWidget *button;
  g_autofree char *time = format_duration (at->time_ms);
  g_autofree char *title = NULL;
  g_autofree char *desc = NULL;

  stop_clock (self);
  clear_box (GTK_WIDGET (self->player_box));
  self->last_score = at->score;
  if (self->course->is_contest)
    /* Translators: contest result: score in percent */
    title = g_strdup_printf (_("Your Score: %d %%"), at->score);
  else if (at->passed)
    title = g_strdup_printf (_("Passed with %d %%"), at->score);
  else
    title = g_strdup_printf (_("Not Passed: %d %%"), at->score);
  /* Translators: points earned of the total, the pass mark, the time taken */
  desc = g_strdup_printf (_("%.1f of %d points · pass mark %d %% · time %s"), at->earned, at->total,
                          self->course->pass_mark, time);
  if (self->preview)
    {
      g_autofree char *p = g_strdup_printf ("%s\n%s", desc, _("Preview: nothing was recorded."));

      g_free (desc);
      desc = g_steal_pointer (&p);
    }
  adw_status_page_set_icon_name (ADW_STATUS_PAGE (status), at->passed || self->course->is_contest
                                                           ? "emblem-ok-symbolic" : "dialog-warning-symbolic");
  adw_status_page_set_title (ADW_STATUS_PAGE (status), title);
  adw_status_page_set_description (ADW_STATUS_PAGE (status), desc);
  gtk_box_append (self->player_box, status);

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Your Answers"));
  for (guint i = 0; i < self->questions->len; i++)
    {
      KefuQuestion *q = self->questions->pdata[i];
      double share = kefu_question_grade (q, answers->pdata[i]);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *icon = gtk_image_new_from_icon_name (share >= 1 ? "emblem-ok-symbolic"
                                                      : share > 0 ? "dialog-information-symbolic"
                                                                  : "window-close-symbolic");
      g_autofree char *title_q = g_markup_escape_text (q->text, -1);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title_q);
      adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 3);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
    }
  gtk_box_append (self->player_box, group);

  button = gtk_button_new_with_mnemonic (self->preview ? _("_Back to Courses") : _("_Back to My Training"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "training.close-player");
  gtk_widget_set_halign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "pill");
  gtk_box_append (self->player_box, button);
  scroll_top (self);
}

static void
submit (KefuTrainingView *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) answers = NULL;
  g_autoptr(KefuAttempt) at = NULL;

  if (self->course == NULL || self->inputs == NULL)
    return;
  answers = collect_answers (self);
  if (self->preview)
    {
      at = g_new0 (KefuAttempt, 1);
      kefu_training_grade (self->course, self->questions, answers, at);
      at->time_ms = kefu_cases_get_now (self->db) - self->started_at;
    }
  else if ((at = kefu_training_submit (self->db, self->course->id, self->started_at, answers, &error)) == NULL)
    {
      toast_error (self, error);
      close_player (self);
      kefu_training_view_reload (self);
      return;
    }
  show_result (self, at, answers);
  if (!self->preview)
    {
      fill_mine (self);
      fill_contest (self);
    }
}

static gboolean
clock_tick_cb (gpointer user_data)
{
  KefuTrainingView *self = user_data;
  gint64 left = self->started_at + self->course->time_limit_s * G_GINT64_CONSTANT (1000) - kefu_cases_get_now (self->db);
  g_autofree char *text = NULL;

  if (left <= 0)
    {
      /* Time is up: what is answered counts. */
      self->clock_id = 0;
      submit (self);
      return G_SOURCE_REMOVE;
    }
  text = format_duration (left);
  gtk_label_set_label (self->player_clock, text);
  if (left < 60000)
    gtk_widget_add_css_class (GTK_WIDGET (self->player_clock), "error");
  return G_SOURCE_CONTINUE;
}

static GtkWidget *
question_group (KefuTrainingView *self,
                KefuQuestion     *q,
                guint             number)
{
  GtkWidget *group = adw_preferences_group_new ();
  g_autofree char *title = g_strdup_printf ("%u. %s", number, q->text);
  g_autofree char *escaped = g_markup_escape_text (title, -1);
  /* Translators: kind of question and its points */
  g_autofree char *desc = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s · %d point", "%s · %d points", q->points),
                                           kefu_question_kind_label (q->kind), q->points);

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), escaped);
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group), desc);
  if (q->kind == KEFU_QUESTION_SHORT)
    {
      GtkWidget *entry = gtk_entry_new ();

      gtk_entry_set_placeholder_text (GTK_ENTRY (entry), _("Your answer"));
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), entry);
      g_ptr_array_add (self->inputs, g_object_ref (entry));
    }
  else
    {
      GPtrArray *checks = g_ptr_array_new_with_free_func (g_object_unref);
      const char *tf[] = { _("True"), _("False"), NULL };
      const char * const *choices = q->kind == KEFU_QUESTION_TRUE_FALSE ? tf : (const char * const *) q->choices;
      GtkCheckButton *first = NULL;

      for (guint k = 0; choices && choices[k]; k++)
        {
          GtkWidget *row = adw_action_row_new ();
          GtkWidget *check = gtk_check_button_new ();
          g_autofree char *label = g_markup_escape_text (choices[k], -1);

          if (q->kind != KEFU_QUESTION_MULTIPLE)
            {
              if (first)
                gtk_check_button_set_group (GTK_CHECK_BUTTON (check), first);
              else
                first = GTK_CHECK_BUTTON (check);
            }
          adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), label);
          adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
          adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
          adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
          g_ptr_array_add (checks, g_object_ref (check));
        }
      g_ptr_array_add (self->inputs, checks);
    }
  return group;
}

static void
input_free (gpointer data)
{
  if (GTK_IS_WIDGET (data))
    g_object_unref (data);
  else
    g_ptr_array_unref (data);
}

static void
begin_quiz (KefuTrainingView *self)
{
  GtkWidget *button;

  if (self->course == NULL)
    return;
  clear_box (GTK_WIDGET (self->player_box));
  g_clear_pointer (&self->inputs, g_ptr_array_unref);
  self->inputs = g_ptr_array_new_with_free_func (input_free);
  for (guint i = 0; i < self->questions->len; i++)
    gtk_box_append (self->player_box, question_group (self, self->questions->pdata[i], i + 1));
  button = gtk_button_new_with_mnemonic (self->questions->len > 0 ? _("_Submit Answers") : _("_Mark as Done"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "training.submit");
  gtk_widget_set_halign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "suggested-action");
  gtk_widget_add_css_class (button, "pill");
  gtk_box_append (self->player_box, button);

  /* The clock runs from the first question. */
  self->started_at = kefu_cases_get_now (self->db);
  stop_clock (self);
  gtk_widget_remove_css_class (GTK_WIDGET (self->player_clock), "error");
  if (self->course->time_limit_s > 0 && self->questions->len > 0)
    {
      clock_tick_cb (self);
      self->clock_id = g_timeout_add_seconds (1, clock_tick_cb, self);
    }
  scroll_top (self);
}

static void
show_lessons (KefuTrainingView *self,
              GPtrArray        *lessons)
{
  GtkWidget *button;
  g_autofree char *intro = NULL;

  if (self->course->description && *self->course->description)
    gtk_box_append (self->player_box, text_label (self->course->description, "dim-label"));
  for (guint i = 0; i < lessons->len; i++)
    {
      KefuLesson *l = lessons->pdata[i];
      g_autofree char *title = g_strdup_printf (_("Lesson %u: %s"), i + 1, l->title);

      gtk_box_append (self->player_box, text_label (title, "title-4"));
      if (l->article_id != NULL)
        gtk_box_append (self->player_box, article_view (self, l->body));
      else
        gtk_box_append (self->player_box, text_label (l->body ? l->body : "", "body"));
    }
  if (self->questions->len == 0)
    {
      begin_quiz (self);
      return;
    }
  if (self->course->time_limit_s > 0)
    /* Translators: before the quiz: number of questions, pass mark, time limit in minutes */
    intro = g_strdup_printf (_("The quiz has %u questions; %d %% passes. You have %d minutes once you start."),
                             self->questions->len, self->course->pass_mark, self->course->time_limit_s / 60);
  else
    intro = g_strdup_printf (_("The quiz has %u questions; %d %% passes."), self->questions->len,
                             self->course->pass_mark);
  gtk_box_append (self->player_box, text_label (intro, "heading"));
  button = gtk_button_new_with_mnemonic (_("Start the _Quiz"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "training.begin-quiz");
  gtk_widget_set_halign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "suggested-action");
  gtk_widget_add_css_class (button, "pill");
  gtk_box_append (self->player_box, button);
}

/* --- signal callbacks ------------------------------------------------ */

static void
on_section_changed_cb (KefuTrainingView *self)
{
  const char *name = gtk_stack_get_visible_child_name (self->sections);

  if (self->db == NULL)
    return;
  if (g_strcmp0 (name, "contests") == 0)
    fill_contest (self);
  else if (g_strcmp0 (name, "completion") == 0)
    fill_completion (self);
}

static void
on_completion_filter_cb (KefuTrainingView *self)
{
  if (!self->filling && self->db)
    fill_completion (self);
}

static void
on_contest_changed_cb (KefuTrainingView *self)
{
  if (!self->filling && self->db)
    fill_contest (self);
}

static void
editor_changed_cb (KefuTrainingView *self)
{
  kefu_training_view_reload (self);
}

/* --- actions --------------------------------------------------------- */

static void
take_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  kefu_training_view_open_course (KEFU_TRAINING_VIEW (widget), g_variant_get_string (param, NULL), FALSE);
}

static void
preview_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  kefu_training_view_open_course (KEFU_TRAINING_VIEW (widget), g_variant_get_string (param, NULL), TRUE);
}

static void
begin_quiz_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  begin_quiz (KEFU_TRAINING_VIEW (widget));
}

static void
submit_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  submit (KEFU_TRAINING_VIEW (widget));
}

static void
close_player_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *param)
{
  KefuTrainingView *self = KEFU_TRAINING_VIEW (widget);
  gboolean preview = self->preview;

  close_player (self);
  gtk_stack_set_visible_child_name (self->sections, preview ? "courses" : "mine");
}

static void
publish_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  KefuTrainingView *self = KEFU_TRAINING_VIEW (widget);
  g_autoptr(GError) error = NULL;

  if (!kefu_training_publish_course (self->db, g_variant_get_string (param, NULL), &error))
    toast_error (self, error);
  else
    kefu_toast (widget, _("Published: the course can now be assigned."));
  kefu_training_view_reload (self);
}

static void
delete_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    gpointer          user_data)
{
  KefuTrainingView *self = KEFU_TRAINING_VIEW (user_data);
  g_autoptr(GError) error = NULL;
  const char *id = g_object_get_data (G_OBJECT (dialog), "course-id");

  if (g_strcmp0 (response, "delete") != 0)
    return;
  if (!kefu_training_delete_course (self->db, id, &error))
    toast_error (self, error);
  kefu_training_view_reload (self);
}

static void
delete_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  KefuTrainingView *self = KEFU_TRAINING_VIEW (widget);
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)), _("Delete the Course?"),
                                              _("Its lessons, questions and open assignments go with it; attempts "
                                                "already made stay on record."));

  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"), "delete", _("_Delete"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "delete", ADW_RESPONSE_DESTRUCTIVE);
  g_object_set_data_full (G_OBJECT (dialog), "course-id", g_strdup (g_variant_get_string (param, NULL)), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (delete_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
open_editor (KefuTrainingView *self,
             const char       *course_id,
             gboolean          contest)
{
  GtkWindow *editor = kefu_course_editor_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))), self->db,
                                              course_id, contest);

  g_signal_connect_object (editor, "changed", G_CALLBACK (editor_changed_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (editor);
}

static void
edit_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  open_editor (KEFU_TRAINING_VIEW (widget), g_variant_get_string (param, NULL), FALSE);
}

static void
new_course_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  open_editor (KEFU_TRAINING_VIEW (widget), NULL, g_str_equal (action_name, "training.new-contest"));
}

/* The assign dialog: to one person, a role, or a province, city or
 * branch (everyone below it), due on a day, managers first. */
typedef struct
{
  KefuTrainingView *self;
  char             *course_id;
  GtkDropDown      *kind;
  GtkDropDown      *target;
  GtkCalendar      *calendar;
  GtkCheckButton   *managers_first;
  GPtrArray        *ids;          /* target items */
} AssignDialog;

static void
assign_dialog_free (AssignDialog *d)
{
  g_object_unref (d->self);
  g_free (d->course_id);
  g_ptr_array_unref (d->ids);
  g_free (d);
}

static void
fill_targets (AssignDialog *d)
{
  static const char *roles[] = { "agent", "supervisor", "trainer", "admin" };
  g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);
  guint kind = gtk_drop_down_get_selected (d->kind);

  g_ptr_array_set_size (d->ids, 0);
  if (kind == 1)
    for (guint i = 0; i < G_N_ELEMENTS (roles); i++)
      {
        g_ptr_array_add (d->ids, g_strdup (roles[i]));
        g_ptr_array_add (labels, g_strdup (kefu_role_label (roles[i])));
      }
  else
    {
      g_autoptr(GPtrArray) units = kefu_training_list_units (d->self->db, TRUE, NULL);
      g_autoptr(GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);

      for (guint i = 0; units && i < units->len; i++)
        {
          KefuOrgUnit *u = units->pdata[i];

          g_hash_table_insert (names, u->id, u->name);
          if (kind == 2)
            {
              g_ptr_array_add (d->ids, g_strdup (u->id));
              g_ptr_array_add (labels, g_strdup (u->name));
            }
        }
      if (kind == 0)
        {
          g_autoptr(GPtrArray) staff = kefu_org_list_staff (d->self->db, NULL, NULL);

          for (guint i = 0; staff && i < staff->len; i++)
            {
              KefuStaff *p = staff->pdata[i];
              const char *unit = g_hash_table_lookup (names, p->org_unit_id);

              g_ptr_array_add (d->ids, g_strdup (p->id));
              /* Translators: a person in the assign dialog: name · unit */
              g_ptr_array_add (labels, unit ? g_strdup_printf (_("%s · %s"), p->name, unit) : g_strdup (p->name));
            }
        }
    }
  set_strings (d->target, labels);
}

static void
assign_kind_changed_cb (GtkDropDown  *dropdown,
                        GParamSpec   *pspec,
                        AssignDialog *d)
{
  fill_targets (d);
}

static void
assign_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    gpointer          user_data)
{
  AssignDialog *d = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) day = gtk_calendar_get_date (d->calendar);
  g_autoptr(GDateTime) due = NULL;
  const char *target = selected_id (d->target, d->ids, 0);
  guint kind = gtk_drop_down_get_selected (d->kind);
  guint n = 0;

  if (g_strcmp0 (response, "assign") != 0)
    return;
  /* Due at the end of the chosen day. */
  due = g_date_time_new_local (g_date_time_get_year (day), g_date_time_get_month (day),
                               g_date_time_get_day_of_month (day), 23, 59, 0);
  if (!kefu_training_assign (d->self->db, d->course_id, kind == 0 ? target : NULL, kind == 2 ? target : NULL,
                             kind == 1 ? target : NULL, g_date_time_to_unix (due) * 1000,
                             gtk_check_button_get_active (d->managers_first), &n, &error))
    toast_error (d->self, error);
  else
    {
      g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Assigned to %u person.",
                                                            "Assigned to %u people.", n), n);

      kefu_toast (GTK_WIDGET (d->self), text);
      kefu_training_view_reload (d->self);
    }
}

static void
assign_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  KefuTrainingView *self = KEFU_TRAINING_VIEW (widget);
  const char *kinds[] = { _("One person"), _("Everyone with a role"), _("Everyone in a province, city or branch"),
                          NULL };
  AssignDialog *d = g_new0 (AssignDialog, 1);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) in_two_weeks = g_date_time_add_days (now, 14);
  GtkWidget *dialog, *box;

  d->self = g_object_ref (self);
  d->course_id = g_strdup (g_variant_get_string (param, NULL));
  d->ids = g_ptr_array_new_with_free_func (g_free);
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
  d->kind = GTK_DROP_DOWN (gtk_drop_down_new_from_strings (kinds));
  gtk_drop_down_set_selected (d->kind, 2);
  d->target = GTK_DROP_DOWN (gtk_drop_down_new (NULL, NULL));
  gtk_drop_down_set_enable_search (d->target, TRUE);
  d->calendar = GTK_CALENDAR (gtk_calendar_new ());
  gtk_calendar_select_day (d->calendar, in_two_weeks);
  d->managers_first = GTK_CHECK_BUTTON (gtk_check_button_new_with_mnemonic (
    _("_Managers first: supervisors are due a week earlier")));
  gtk_check_button_set_active (d->managers_first, TRUE);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (d->kind));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (d->target));
  gtk_box_append (GTK_BOX (box), gtk_label_new (_("Due date")));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (d->calendar));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (d->managers_first));
  fill_targets (d);
  g_signal_connect (d->kind, "notify::selected", G_CALLBACK (assign_kind_changed_cb), d);

  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)), _("Assign the Course"),
                                   _("People who already have it keep their assignment."));
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), box);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"), "assign", C_("training", "_Assign"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "assign", ADW_RESPONSE_SUGGESTED);
  g_signal_connect_data (dialog, "response", G_CALLBACK (assign_response_cb), d,
                         (GClosureNotify) (void (*) (void)) assign_dialog_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

typedef struct
{
  char *db_path;
  char *actor;
  char *course_id;
  char *unit_id;
  char *path;
} ExportData;

static void
export_data_free (ExportData *d)
{
  g_free (d->db_path); g_free (d->actor); g_free (d->course_id); g_free (d->unit_id); g_free (d->path);
  g_free (d);
}

static void
export_thread (GTask        *task,
               gpointer      source,
               gpointer      task_data,
               GCancellable *cancellable)
{
  ExportData *d = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(KefuDb) db = kefu_db_open (d->db_path, &error);

  if (db != NULL)
    kefu_db_set_actor (db, d->actor);
  if (db == NULL || !kefu_training_export_completion (db, d->course_id, d->unit_id, d->path, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
export_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  ExportData *d = g_task_get_task_data (G_TASK (result));

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    toast_error (KEFU_TRAINING_VIEW (source), error);
  else
    {
      g_autofree char *name = g_filename_display_basename (d->path);
      g_autofree char *text = g_strdup_printf (_("Saved “%s”."), name);

      kefu_toast (GTK_WIDGET (source), text);
    }
}

static void
export_response_cb (GtkNativeDialog *chooser,
                    int              response,
                    gpointer         user_data)
{
  KefuTrainingView *self = KEFU_TRAINING_VIEW (user_data);
  g_autoptr(GFile) file = NULL;
  g_autoptr(GTask) task = NULL;
  ExportData *d;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  g_object_unref (chooser);
  if (file == NULL)
    return;
  d = g_new0 (ExportData, 1);
  d->db_path = g_strdup (kefu_db_get_path (self->db));
  d->actor = g_strdup (kefu_db_get_actor (self->db));
  d->course_id = g_strdup (selected_id (self->completion_course, self->course_ids, 1));
  d->unit_id = g_strdup (selected_id (self->completion_unit, self->unit_ids, 1));
  d->path = g_file_get_path (file);
  if (d->path && !g_str_has_suffix (d->path, ".xlsx"))
    {
      char *with = g_strconcat (d->path, ".xlsx", NULL);

      g_free (d->path);
      d->path = with;
    }
  task = g_task_new (self, NULL, export_done_cb, NULL);
  g_task_set_task_data (task, d, (GDestroyNotify) export_data_free);
  g_task_run_in_thread (task, export_thread);
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  KefuTrainingView *self = KEFU_TRAINING_VIEW (widget);
  GtkFileChooserNative *chooser;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *date = g_date_time_format (now, "%Y-%m-%d");
  /* Translators: file name of the training completion export */
  g_autofree char *name = g_strdup_printf (_("training-completion-%s.xlsx"), date);

  chooser = gtk_file_chooser_native_new (_("Export Completion"), GTK_WINDOW (gtk_widget_get_root (widget)),
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  g_signal_connect_object (chooser, "response", G_CALLBACK (export_response_cb), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* --- GObject --------------------------------------------------------- */

static void
kefu_training_view_dispose (GObject *object)
{
  KefuTrainingView *self = (KefuTrainingView *) object;

  g_clear_handle_id (&self->clock_id, g_source_remove);
  g_clear_handle_id (&self->live_id, g_source_remove);
  g_clear_pointer (&self->inputs, g_ptr_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), KEFU_TYPE_TRAINING_VIEW);
  G_OBJECT_CLASS (kefu_training_view_parent_class)->dispose (object);
}

static void
kefu_training_view_finalize (GObject *object)
{
  KefuTrainingView *self = (KefuTrainingView *) object;

  g_clear_object (&self->db);
  g_clear_pointer (&self->course, kefu_course_free);
  g_clear_pointer (&self->questions, g_ptr_array_unref);
  g_ptr_array_unref (self->course_ids);
  g_ptr_array_unref (self->unit_ids);
  g_ptr_array_unref (self->contest_ids);
  G_OBJECT_CLASS (kefu_training_view_parent_class)->finalize (object);
}

static void
kefu_training_view_class_init (KefuTrainingViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kefu_training_view_dispose;
  object_class->finalize = kefu_training_view_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/kefu/Kefu/training/kefu-training-view.ui");
  gtk_widget_class_bind_template_child (widget_class, KefuTrainingView, board_label);
  gtk_widget_class_bind_template_child (widget_class, KefuTrainingView, board_list);
  gtk_widget_class_bind_template_child (widget_class, KefuTrainingView, completion_course);
  gtk_widget_class_bind_template_child (widget_class, KefuTrainingView, completion_page);
  gtk_widget_class_bind_template_child (widget_class, KefuTrainingView, completion_unit);
  gtk_widget_class_bind_template_child (widget_class, KefuTrainingView, contest_dropdown);
  gtk_widget_class_bind_template_child (widget_class, KefuTrainingView, contest_label);
  gtk_widget_class_bind_template_child (widget_class, KefuTrainingView, contests_page);
  gtk_widget_class_bind_template_child (widget_class, KefuTrainingView, courses_list);
  gtk_widget_class_bind_template_child (widget_class, KefuTrainingView, courses_page);
  gtk_widget_class_bind_template_child (widget_class, KefuTrainingView, mine_box);
  gtk_widget_class_bind_template_child (widget_class, KefuTrainingView, my_branch_toggle);
  gtk_widget_class_bind_template_child (widget_class, KefuTrainingView, people_label);
  gtk_widget_class_bind_template_child (widget_class, KefuTrainingView, people_list);
  gtk_widget_class_bind_template_child (widget_class, KefuTrainingView, player_box);
  gtk_widget_class_bind_template_child (widget_class, KefuTrainingView, player_clock);
  gtk_widget_class_bind_template_child (widget_class, KefuTrainingView, player_scroller);
  gtk_widget_class_bind_template_child (widget_class, KefuTrainingView, player_title);
  gtk_widget_class_bind_template_child (widget_class, KefuTrainingView, sections);
  gtk_widget_class_bind_template_child (widget_class, KefuTrainingView, stack);
  gtk_widget_class_bind_template_child (widget_class, KefuTrainingView, standings_list);
  gtk_widget_class_bind_template_child (widget_class, KefuTrainingView, units_list);
  gtk_widget_class_bind_template_callback (widget_class, on_completion_filter_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_contest_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_section_changed_cb);

  gtk_widget_class_install_action (widget_class, "training.take", "s", take_action);
  gtk_widget_class_install_action (widget_class, "training.preview", "s", preview_action);
  gtk_widget_class_install_action (widget_class, "training.begin-quiz", NULL, begin_quiz_action);
  gtk_widget_class_install_action (widget_class, "training.submit", NULL, submit_action);
  gtk_widget_class_install_action (widget_class, "training.close-player", NULL, close_player_action);
  gtk_widget_class_install_action (widget_class, "training.publish", "s", publish_action);
  gtk_widget_class_install_action (widget_class, "training.delete", "s", delete_action);
  gtk_widget_class_install_action (widget_class, "training.edit", "s", edit_action);
  gtk_widget_class_install_action (widget_class, "training.assign", "s", assign_action);
  gtk_widget_class_install_action (widget_class, "training.new-course", NULL, new_course_action);
  gtk_widget_class_install_action (widget_class, "training.new-contest", NULL, new_course_action);
  gtk_widget_class_install_action (widget_class, "training.export", NULL, export_action);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
kefu_training_view_init (KefuTrainingView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->course_ids = g_ptr_array_new_with_free_func (g_free);
  self->unit_ids = g_ptr_array_new_with_free_func (g_free);
  self->contest_ids = g_ptr_array_new_with_free_func (g_free);
  self->last_score = -1;
}

/* --- public API ------------------------------------------------------ */

KefuTrainingView *
kefu_training_view_new (KefuDb *db)
{
  KefuTrainingView *self = g_object_new (KEFU_TYPE_TRAINING_VIEW, NULL);

  self->db = g_object_ref (db);
  kefu_training_view_reload (self);
  self->live_id = g_timeout_add_seconds (LIVE_REFRESH_S, live_refresh_cb, self);
  return self;
}

void
kefu_training_view_reload (KefuTrainingView *self)
{
  static const char *builder_actions[] = { "training.new-course", "training.new-contest", "training.edit",
                                           "training.publish", "training.delete", "training.preview" };
  gboolean build, report;

  g_return_if_fail (KEFU_IS_TRAINING_VIEW (self));

  build = kefu_training_may_build (self->db);
  report = kefu_training_may_assign (self->db);
  /* Agents see their own training and the contests, not the builder. */
  gtk_stack_page_set_visible (self->courses_page, build);
  gtk_stack_page_set_visible (self->completion_page, report);
  for (guint i = 0; i < G_N_ELEMENTS (builder_actions); i++)
    gtk_widget_action_set_enabled (GTK_WIDGET (self), builder_actions[i], build);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "training.assign", report);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "training.export", report);
  /* A section this user does not have (the one before a user switch had
   * it) is not left on screen. */
  if (!gtk_stack_page_get_visible (gtk_stack_get_page (self->sections, gtk_stack_get_visible_child (self->sections))))
    gtk_stack_set_visible_child_name (self->sections, "mine");
  fill_mine (self);
  fill_courses (self);
  fill_completion_filters (self);
  fill_completion (self);
  fill_contest_list (self);
  fill_contest (self);
}

void
kefu_training_view_show_section (KefuTrainingView *self,
                                 const char       *name)
{
  GtkWidget *child;

  g_return_if_fail (KEFU_IS_TRAINING_VIEW (self));

  child = gtk_stack_get_child_by_name (self->sections, name);
  /* Only a section this user has. */
  if (child == NULL || !gtk_stack_page_get_visible (gtk_stack_get_page (self->sections, child)))
    return;
  close_player (self);
  gtk_stack_set_visible_child (self->sections, child);
}

void
kefu_training_view_open_course (KefuTrainingView *self,
                                const char       *course_id,
                                gboolean          preview)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) lessons = NULL;
  g_autoptr(KefuCourse) c = NULL;
  g_autoptr(GPtrArray) questions = NULL;

  g_return_if_fail (KEFU_IS_TRAINING_VIEW (self));

  if ((!preview && !kefu_training_check_start (self->db, course_id, &error)) ||
      (c = kefu_training_get_course (self->db, course_id, &error)) == NULL ||
      (lessons = kefu_training_list_lessons (self->db, course_id, &error)) == NULL ||
      (questions = kefu_training_list_questions (self->db, course_id, &error)) == NULL)
    {
      toast_error (self, error);
      return;
    }
  close_player (self);
  self->preview = preview;
  self->course = g_steal_pointer (&c);
  self->questions = g_steal_pointer (&questions);
  self->last_score = -1;
  if (preview)
    {
      /* Translators: the course title, seen as a learner would */
      g_autofree char *title = g_strdup_printf (_("Preview: %s"), self->course->title);

      gtk_label_set_label (self->player_title, title);
    }
  else
    gtk_label_set_label (self->player_title, self->course->title);
  show_lessons (self, lessons);
  gtk_stack_set_visible_child_name (self->stack, "player");
}

void
_kefu_training_view_begin_quiz (KefuTrainingView *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "training.begin-quiz", NULL);
}

void
_kefu_training_view_answer (KefuTrainingView *self,
                            guint             question,
                            guint             choices,
                            const char       *text)
{
  gpointer input;

  g_return_if_fail (self->inputs != NULL && question < self->inputs->len);

  input = self->inputs->pdata[question];
  if (GTK_IS_EDITABLE (input))
    gtk_editable_set_text (input, text ? text : "");
  else
    {
      GPtrArray *checks = input;

      for (guint k = 0; k < checks->len; k++)
        gtk_check_button_set_active (checks->pdata[k], (choices & (1u << k)) != 0);
    }
}

void
_kefu_training_view_submit (KefuTrainingView *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "training.submit", NULL);
}

gint
_kefu_training_view_get_score (KefuTrainingView *self)
{
  return self->last_score;
}

guint
_kefu_training_view_get_n_rows (KefuTrainingView *self,
                                const char       *list)
{
  GtkWidget *box = g_str_equal (list, "board") ? GTK_WIDGET (self->board_list)
                 : g_str_equal (list, "standings") ? GTK_WIDGET (self->standings_list)
                 : g_str_equal (list, "units") ? GTK_WIDGET (self->units_list)
                 : g_str_equal (list, "people") ? GTK_WIDGET (self->people_list)
                 : g_str_equal (list, "courses") ? GTK_WIDGET (self->courses_list)
                 : GTK_WIDGET (self->mine_box);
  guint n = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (box); child; child = gtk_widget_get_next_sibling (child))
    n++;
  return n;
}

void
_kefu_training_view_select_contest (KefuTrainingView *self,
                                    const char       *course_id)
{
  for (guint i = 0; i < self->contest_ids->len; i++)
    if (g_str_equal (self->contest_ids->pdata[i], course_id))
      gtk_drop_down_set_selected (self->contest_dropdown, i);
}
