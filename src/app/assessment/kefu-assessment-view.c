/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "kefu-assessment-view"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdio.h>

#include "kefu-assessment-view.h"
#include "kefu-chart-card.h"
#include "kefu-org.h"
#include "kefu-sla.h"
#include "kefu-window.h"

#define DAY_MS G_GINT64_CONSTANT (86400000)

struct _KefuAssessmentView
{
  GtkWidget     parent_instance;

  /* template children */
  GtkWidget    *box;
  GtkWidget    *derive_button;
  GtkWidget    *new_round_button;
  GtkListBox   *people_list;
  GtkDropDown  *round_dropdown;
  GtkStack     *stack;
  GtkLabel     *weights_label;

  KefuDb       *db;
  GPtrArray    *rounds;    /* KefuAssessmentRound, round_dropdown's items */
  GPtrArray    *people;    /* KefuStaff in the list */
  gboolean      updating;
};

G_DEFINE_FINAL_TYPE (KefuAssessmentView, kefu_assessment_view, GTK_TYPE_WIDGET)

static const KefuRaterKind rated_kinds[] = { KEFU_RATER_SUPERVISOR, KEFU_RATER_PEER, KEFU_RATER_SUBORDINATE };

/* --- helpers --------------------------------------------------------- */

static char *
score_text (double v)
{
  return isnan (v) ? g_strdup ("—") : g_strdup_printf ("%.2f", v);
}

static KefuAssessmentRound *
current_round (KefuAssessmentView *self)
{
  guint i = gtk_drop_down_get_selected (self->round_dropdown);

  if (self->rounds == NULL || i >= self->rounds->len)
    return NULL;
  return self->rounds->pdata[i];
}

static const char *
rate_label (KefuRaterKind kind)
{
  switch (kind)
    {
    case KEFU_RATER_SUPERVISOR: return _("Rate as Supervisor…");
    case KEFU_RATER_PEER: return _("Rate as Peer…");
    case KEFU_RATER_SUBORDINATE: return _("Rate as Subordinate…");
    case KEFU_RATER_CUSTOMER:
    case KEFU_N_RATER_KINDS:
    default: return "";
    }
}

static void rate_clicked_cb (GtkButton *button, KefuAssessmentView *self);
static void result_clicked_cb (GtkButton *button, KefuAssessmentView *self);

static void
fill_people (KefuAssessmentView *self)
{
  const char *me = kefu_db_get_actor (self->db);
  g_autoptr(GPtrArray) staff = kefu_org_list_staff (self->db, NULL, NULL);
  GtkWidget *child;
  KefuAssessmentRound *round = current_round (self);

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->people_list))))
    gtk_list_box_remove (self->people_list, child);
  g_clear_pointer (&self->people, g_ptr_array_unref);
  self->people = g_ptr_array_new_with_free_func ((GDestroyNotify) kefu_staff_free);
  if (round == NULL)
    {
      gtk_stack_set_visible_child_name (self->stack, "empty");
      gtk_label_set_label (self->weights_label, "");
      return;
    }
  {
    /* Translators: the weights of an assessment round */
    g_autofree char *weights = g_strdup_printf (_("Supervisor %d %% · customers %d %% · peers %d %% · subordinates %d %%"),
                                                round->weights[KEFU_RATER_SUPERVISOR], round->weights[KEFU_RATER_CUSTOMER],
                                                round->weights[KEFU_RATER_PEER], round->weights[KEFU_RATER_SUBORDINATE]);

    gtk_label_set_label (self->weights_label, weights);
  }
  gtk_stack_set_visible_child_name (self->stack, "people");

  for (guint i = 0; staff && i < staff->len; i++)
    {
      KefuStaff *s = staff->pdata[i];
      g_autoptr(KefuOrgUnit) unit = NULL;
      g_autofree char *subtitle = NULL;
      GtkWidget *row;
      gboolean view, any;

      /* Only the people of the round's unit. */
      if (!kefu_assessment_round_includes (self->db, round, s->id))
        continue;
      view = any = kefu_assessment_may_view (self->db, me, s->id);
      unit = kefu_org_get_unit (self->db, s->org_unit_id, NULL);
      subtitle = g_strdup_printf ("%s · %s", kefu_role_label (s->role), unit ? unit->name : "");
      row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), s->name);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      /* Rated already in this round: one answer each, so no button. */
      if (kefu_assessment_has_rated (self->db, round->id, me, s->id))
        {
          GtkWidget *label = gtk_label_new (C_("assessment", "Rated"));

          gtk_widget_add_css_class (label, "dim-label");
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
          any = TRUE;
        }
      else
        for (guint k = 0; k < G_N_ELEMENTS (rated_kinds); k++)
          if (kefu_assessment_can_rate (self->db, me, s->id, rated_kinds[k]))
            {
              GtkWidget *button = gtk_button_new_with_label (rate_label (rated_kinds[k]));

              gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
              g_object_set_data_full (G_OBJECT (button), "staff", g_strdup (s->id), g_free);
              g_object_set_data (G_OBJECT (button), "kind", GUINT_TO_POINTER (rated_kinds[k]));
              g_signal_connect (button, "clicked", G_CALLBACK (rate_clicked_cb), self);
              adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
              any = TRUE;
            }
      if (view)
        {
          GtkWidget *button = gtk_button_new_with_label (C_("assessment", "Results"));

          gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
          gtk_widget_add_css_class (button, "flat");
          g_object_set_data_full (G_OBJECT (button), "staff", g_strdup (s->id), g_free);
          g_signal_connect (button, "clicked", G_CALLBACK (result_clicked_cb), self);
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
        }
      if (!any)
        {
          g_object_ref_sink (row);
          g_object_unref (row);
          continue;
        }
      gtk_list_box_append (self->people_list, row);
      g_ptr_array_add (self->people, g_steal_pointer (&staff->pdata[i]));
    }
}

static gboolean
may_lead (KefuAssessmentView *self)
{
  return kefu_window_may (GTK_WIDGET (self), "reassign");
}

/* Starting rounds and deriving customer ratings are for those who lead:
 * the other roles never see the buttons (a user switch shows or hides
 * them); without a round, Customer Ratings waits greyed out. */
static void
update_controls (KefuAssessmentView *self)
{
  gboolean lead = may_lead (self);

  gtk_widget_set_visible (self->new_round_button, lead);
  gtk_widget_set_visible (self->derive_button, lead);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "assessment.new-round", lead);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "assessment.derive", lead && current_round (self) != NULL);
}

static void
fill_rounds (KefuAssessmentView *self)
{
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);

  g_clear_pointer (&self->rounds, g_ptr_array_unref);
  self->rounds = kefu_assessment_rounds_list (self->db, NULL);
  for (guint i = 0; self->rounds && i < self->rounds->len; i++)
    gtk_string_list_append (names, ((KefuAssessmentRound *) self->rounds->pdata[i])->name);
  self->updating = TRUE;
  gtk_drop_down_set_model (self->round_dropdown, G_LIST_MODEL (names));
  gtk_drop_down_set_selected (self->round_dropdown, 0);
  self->updating = FALSE;
  fill_people (self);
  update_controls (self);
}

/* --- the rating dialog ----------------------------------------------- */

static void
rate_response_cb (AdwMessageDialog   *dialog,
                  const char         *response,
                  KefuAssessmentView *self)
{
  g_autoptr(GError) error = NULL;
  int scores[KEFU_N_DIMS];
  GtkEntry *comment = g_object_get_data (G_OBJECT (dialog), "comment");

  if (g_strcmp0 (response, "rate") != 0 || current_round (self) == NULL)
    return;
  for (guint d = 0; d < KEFU_N_DIMS; d++)
    {
      g_autofree char *key = g_strdup_printf ("dim%u", d);

      scores[d] = gtk_spin_button_get_value_as_int (g_object_get_data (G_OBJECT (dialog), key));
    }
  if (!kefu_assessment_rate (self->db, current_round (self)->id, g_object_get_data (G_OBJECT (dialog), "staff"),
                             GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (dialog), "kind")), scores,
                             gtk_editable_get_text (GTK_EDITABLE (comment)), &error))
    kefu_toast_error (GTK_WIDGET (self), error);
  else
    {
      kefu_toast (GTK_WIDGET (self), _("Rating saved"));
      fill_people (self);   /* the row now says so */
    }
}

AdwMessageDialog *
kefu_assessment_view_rate (KefuAssessmentView *self,
                           const char         *staff_id,
                           KefuRaterKind       kind)
{
  g_autoptr(KefuStaff) staff = kefu_org_get_staff (self->db, staff_id, NULL);
  g_autofree char *heading = g_strdup_printf (_("Rate %s"), staff ? staff->name : "");
  g_autofree char *body = NULL;
  GtkWidget *dialog, *grid, *comment;

  g_return_val_if_fail (KEFU_IS_ASSESSMENT_VIEW (self), NULL);

  /* Translators: %s is a kind of rater: Supervisor, Peers, Subordinates */
  body = g_strdup_printf (_("As: %s. From 1 (poor) to 5 (excellent)."), kefu_rater_kind_label (kind));
  if (kind == KEFU_RATER_PEER || kind == KEFU_RATER_SUBORDINATE)
    {
      char *anon = g_strconcat (body, " ", _("Your answer is anonymous."), NULL);

      g_free (body);
      body = anon;
    }
  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))), heading, body);
  grid = gtk_grid_new ();
  gtk_grid_set_row_spacing (GTK_GRID (grid), 6);
  gtk_grid_set_column_spacing (GTK_GRID (grid), 12);
  for (guint d = 0; d < KEFU_N_DIMS; d++)
    {
      GtkWidget *label = gtk_label_new (kefu_assessment_dim_label (d));
      GtkWidget *spin = gtk_spin_button_new_with_range (1, 5, 1);
      g_autofree char *key = g_strdup_printf ("dim%u", d);

      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), 3);
      gtk_accessible_update_relation (GTK_ACCESSIBLE (spin), GTK_ACCESSIBLE_RELATION_LABELLED_BY, label, NULL, -1);
      gtk_widget_set_hexpand (label, TRUE);
      gtk_grid_attach (GTK_GRID (grid), label, 0, (int) d, 1, 1);
      gtk_grid_attach (GTK_GRID (grid), spin, 1, (int) d, 1, 1);
      g_object_set_data (G_OBJECT (dialog), key, spin);
    }
  comment = gtk_entry_new ();
  gtk_entry_set_placeholder_text (GTK_ENTRY (comment), _("Comment (optional)"));
  gtk_grid_attach (GTK_GRID (grid), comment, 0, KEFU_N_DIMS, 2, 1);
  g_object_set_data (G_OBJECT (dialog), "comment", comment);
  g_object_set_data_full (G_OBJECT (dialog), "staff", g_strdup (staff_id), g_free);
  g_object_set_data (G_OBJECT (dialog), "kind", GUINT_TO_POINTER (kind));
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), grid);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"), "rate", _("_Save Rating"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "rate", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "rate");
  g_signal_connect_object (dialog, "response", G_CALLBACK (rate_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  return ADW_MESSAGE_DIALOG (dialog);
}

void
kefu_assessment_rate_dialog_fill (AdwMessageDialog *dialog,
                                  const int         scores[KEFU_N_DIMS],
                                  const char       *comment)
{
  for (guint d = 0; d < KEFU_N_DIMS; d++)
    {
      g_autofree char *key = g_strdup_printf ("dim%u", d);

      gtk_spin_button_set_value (g_object_get_data (G_OBJECT (dialog), key), scores[d]);
    }
  gtk_editable_set_text (GTK_EDITABLE (g_object_get_data (G_OBJECT (dialog), "comment")), comment ? comment : "");
}

/* --- the result sheet ------------------------------------------------ */

static GtkWidget *
cell (const char *text,
      gboolean    heading,
      float       xalign)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), xalign);
  if (heading)
    gtk_widget_add_css_class (label, "heading");
  else
    gtk_widget_add_css_class (label, "numeric");
  return label;
}

GtkWindow *
kefu_assessment_view_show_result (KefuAssessmentView *self,
                                  const char         *staff_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KefuAssessmentResult) r = NULL;
  g_autoptr(GPtrArray) history = NULL;
  g_autoptr(KefuStaff) staff = kefu_org_get_staff (self->db, staff_id, NULL);
  g_autoptr(KefuStatsTable) trend = NULL;
  KefuAssessmentRound *round = current_round (self);
  GtkWidget *window, *box, *grid, *header, *scroller, *card;
  g_autofree char *title = NULL;
  KefuStatsRow *row;
  int y = 1;

  g_return_val_if_fail (KEFU_IS_ASSESSMENT_VIEW (self), NULL);

  if (round == NULL || (r = kefu_assessment_result (self->db, round->id, staff_id, &error)) == NULL ||
      (history = kefu_assessment_history (self->db, staff_id, &error)) == NULL)
    {
      if (error)
        kefu_toast_error (GTK_WIDGET (self), error);
      return NULL;
    }

  window = adw_window_new ();
  gtk_window_set_transient_for (GTK_WINDOW (window), GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))));
  gtk_window_set_modal (GTK_WINDOW (window), TRUE);
  gtk_window_set_default_size (GTK_WINDOW (window), 720, 640);
  /* Translators: a result sheet: person — round */
  title = g_strdup_printf (_("%s — %s"), staff ? staff->name : "", round->name);
  gtk_window_set_title (GTK_WINDOW (window), title);
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  header = adw_header_bar_new ();
  adw_header_bar_set_title_widget (ADW_HEADER_BAR (header), adw_window_title_new (_("Assessment Result"), title));
  gtk_box_append (GTK_BOX (box), header);
  scroller = gtk_scrolled_window_new ();
  gtk_widget_set_vexpand (scroller, TRUE);
  gtk_box_append (GTK_BOX (box), scroller);
  {
    GtkWidget *content = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);

    gtk_widget_set_margin_start (content, 18);
    gtk_widget_set_margin_end (content, 18);
    gtk_widget_set_margin_top (content, 12);
    gtk_widget_set_margin_bottom (content, 18);
    gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), content);

    grid = gtk_grid_new ();
    gtk_grid_set_column_spacing (GTK_GRID (grid), 18);
    gtk_grid_set_row_spacing (GTK_GRID (grid), 6);
    gtk_widget_add_css_class (grid, "card");
    gtk_widget_add_css_class (grid, "assessment-sheet");
    gtk_widget_set_margin_top (grid, 6);
    gtk_grid_attach (GTK_GRID (grid), cell (_("Rated by"), TRUE, 0), 0, 0, 1, 1);
    gtk_grid_attach (GTK_GRID (grid), cell (_("Weight"), TRUE, 1), 1, 0, 1, 1);
    gtk_grid_attach (GTK_GRID (grid), cell (_("Answers"), TRUE, 1), 2, 0, 1, 1);
    for (guint d = 0; d < KEFU_N_DIMS; d++)
      gtk_grid_attach (GTK_GRID (grid), cell (kefu_assessment_dim_label (d), TRUE, 1), 3 + (int) d, 0, 1, 1);
    gtk_grid_attach (GTK_GRID (grid), cell (_("Mean"), TRUE, 1), 3 + KEFU_N_DIMS, 0, 1, 1);
    for (guint k = 0; k < KEFU_N_RATER_KINDS; k++, y++)
      {
        g_autofree char *weight = g_strdup_printf ("%d %%", r->weights[k]);
        g_autofree char *n = g_strdup_printf ("%u", r->n_raters[k]);
        g_autofree char *mean = score_text (r->kind_total[k]);

        gtk_grid_attach (GTK_GRID (grid), cell (kefu_rater_kind_label (k), FALSE, 0), 0, y, 1, 1);
        gtk_grid_attach (GTK_GRID (grid), cell (weight, FALSE, 1), 1, y, 1, 1);
        gtk_grid_attach (GTK_GRID (grid), cell (n, FALSE, 1), 2, y, 1, 1);
        for (guint d = 0; d < KEFU_N_DIMS; d++)
          {
            g_autofree char *v = score_text (r->scores[k][d]);

            gtk_grid_attach (GTK_GRID (grid), cell (v, FALSE, 1), 3 + (int) d, y, 1, 1);
          }
        gtk_grid_attach (GTK_GRID (grid), cell (mean, FALSE, 1), 3 + KEFU_N_DIMS, y, 1, 1);
      }
    gtk_grid_attach (GTK_GRID (grid), cell (_("Weighted result"), TRUE, 0), 0, y, 3, 1);
    for (guint d = 0; d < KEFU_N_DIMS; d++)
      {
        g_autofree char *v = score_text (r->dims[d]);

        gtk_grid_attach (GTK_GRID (grid), cell (v, TRUE, 1), 3 + (int) d, y, 1, 1);
      }
    {
      g_autofree char *v = score_text (r->total);

      gtk_grid_attach (GTK_GRID (grid), cell (v, TRUE, 1), 3 + KEFU_N_DIMS, y, 1, 1);
    }
    gtk_box_append (GTK_BOX (content), grid);

    if (r->comments->len > 0)
      {
        GtkWidget *label = gtk_label_new (_("Comments"));

        gtk_label_set_xalign (GTK_LABEL (label), 0);
        gtk_widget_add_css_class (label, "heading");
        gtk_box_append (GTK_BOX (content), label);
        for (guint i = 0; i < r->comments->len; i++)
          {
            GtkWidget *c = gtk_label_new (r->comments->pdata[i]);

            gtk_label_set_xalign (GTK_LABEL (c), 0);
            gtk_label_set_wrap (GTK_LABEL (c), TRUE);
            gtk_box_append (GTK_BOX (content), c);
          }
      }

    /* The history of rounds, oldest first. */
    trend = kefu_stats_table_new (_("Results of every round"), KEFU_STATS_SCORE);
    for (guint i = history->len; i > 0; i--)
      kefu_stats_table_add_column (trend, ((KefuAssessmentResult *) history->pdata[i - 1])->round_name);
    row = kefu_stats_table_add_row (trend, _("Weighted result"), NULL);
    for (guint i = history->len; i > 0; i--)
      row->values[history->len - i] = ((KefuAssessmentResult *) history->pdata[i - 1])->total;
    card = kefu_chart_card_new (KEFU_CHART_LINE, FALSE);
    kefu_chart_card_set_table (KEFU_CHART_CARD (card), trend);
    gtk_box_append (GTK_BOX (content), card);
  }
  adw_window_set_content (ADW_WINDOW (window), box);
  {
    GtkEventController *keys = gtk_shortcut_controller_new ();

    gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (keys),
                                          gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_Escape, 0),
                                                            gtk_named_action_new ("window.close")));
    gtk_widget_add_controller (window, keys);
  }
  gtk_window_present (GTK_WINDOW (window));
  return GTK_WINDOW (window);
}

/* --- the new-round dialog -------------------------------------------- */

static gboolean
parse_day (const char *text,
           gint64     *ms)
{
  unsigned y, m, d;
  char tail;

  if (text == NULL || sscanf (text, "%4u-%2u-%2u%c", &y, &m, &d, &tail) != 3 ||
      !g_date_valid_dmy ((GDateDay) d, (GDateMonth) m, (GDateYear) y))
    return FALSE;
  *ms = kefu_local_time_ms ((int) y, (int) m, (int) d, 0, 0);
  return TRUE;
}

static void
new_round_response_cb (AdwMessageDialog   *dialog,
                       const char         *response,
                       KefuAssessmentView *self)
{
  g_autoptr(GError) error = NULL;
  KefuAssessmentRound round = { 0 };
  const char *first = gtk_editable_get_text (g_object_get_data (G_OBJECT (dialog), "from"));
  const char *last = gtk_editable_get_text (g_object_get_data (G_OBJECT (dialog), "to"));

  if (g_strcmp0 (response, "create") != 0)
    return;
  if (!parse_day (first, &round.period_from) || !parse_day (last, &round.period_to))
    {
      g_set_error (&error, KEFU_ERROR, KEFU_ERROR_INVALID, _("Enter the first and last day as dates, for example 2026-11-01."));
      kefu_toast_error (GTK_WIDGET (self), error);
      return;
    }
  round.period_to += DAY_MS;
  round.name = g_strdup (gtk_editable_get_text (g_object_get_data (G_OBJECT (dialog), "name")));
  for (guint k = 0; k < KEFU_N_RATER_KINDS; k++)
    {
      g_autofree char *key = g_strdup_printf ("w%u", k);

      round.weights[k] = gtk_spin_button_get_value_as_int (g_object_get_data (G_OBJECT (dialog), key));
    }
  if (!kefu_assessment_round_create (self->db, &round, &error))
    kefu_toast_error (GTK_WIDGET (self), error);
  else
    fill_rounds (self);
  g_free (round.name);
  g_free (round.id);
}

static void
new_round_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  KefuAssessmentView *self = KEFU_ASSESSMENT_VIEW (widget);
  GtkWidget *dialog, *grid;
  static const int defaults[KEFU_N_RATER_KINDS] = { 40, 30, 20, 10 };
  const char *labels[] = { N_("_Name"), N_("_From (YYYY-MM-DD)"), N_("_To (YYYY-MM-DD)") };
  const char *keys[] = { "name", "from", "to" };

  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)), _("New Assessment Round"),
                                   _("The weights say how much each kind of rating counts; they add up to 100."));
  grid = gtk_grid_new ();
  gtk_grid_set_row_spacing (GTK_GRID (grid), 6);
  gtk_grid_set_column_spacing (GTK_GRID (grid), 12);
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      GtkWidget *label = gtk_label_new_with_mnemonic (_(labels[i]));
      GtkWidget *entry = gtk_entry_new ();

      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_mnemonic_widget (GTK_LABEL (label), entry);
      gtk_widget_set_hexpand (entry, TRUE);
      gtk_grid_attach (GTK_GRID (grid), label, 0, (int) i, 1, 1);
      gtk_grid_attach (GTK_GRID (grid), entry, 1, (int) i, 1, 1);
      g_object_set_data (G_OBJECT (dialog), keys[i], entry);
    }
  for (guint k = 0; k < KEFU_N_RATER_KINDS; k++)
    {
      GtkWidget *label = gtk_label_new (kefu_rater_kind_label (k));
      GtkWidget *spin = gtk_spin_button_new_with_range (0, 100, 5);
      g_autofree char *key = g_strdup_printf ("w%u", k);

      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), defaults[k]);
      gtk_accessible_update_relation (GTK_ACCESSIBLE (spin), GTK_ACCESSIBLE_RELATION_LABELLED_BY, label, NULL, -1);
      gtk_grid_attach (GTK_GRID (grid), label, 0, 3 + (int) k, 1, 1);
      gtk_grid_attach (GTK_GRID (grid), spin, 1, 3 + (int) k, 1, 1);
      g_object_set_data (G_OBJECT (dialog), key, spin);
    }
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), grid);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"), "create", _("C_reate"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "create", ADW_RESPONSE_SUGGESTED);
  g_signal_connect_object (dialog, "response", G_CALLBACK (new_round_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
derive_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  KefuAssessmentView *self = KEFU_ASSESSMENT_VIEW (widget);
  KefuAssessmentRound *round = current_round (self);
  const char *me = kefu_db_get_actor (self->db);
  guint n = 0;
  g_autofree char *text = NULL;

  if (round == NULL)
    return;
  for (guint i = 0; i < self->people->len; i++)
    {
      KefuStaff *s = self->people->pdata[i];
      g_autoptr(GError) error = NULL;
      double score;

      if (g_strcmp0 (s->id, me) == 0 || !kefu_assessment_may_view (self->db, me, s->id))
        continue;
      if (!kefu_assessment_derive_customer (self->db, round->id, s->id, &score, &error))
        {
          kefu_toast_error (widget, error);
          return;
        }
      n += !isnan (score);
    }
  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Customer ratings for %u person", "Customer ratings for %u people", n), n);
  kefu_toast (widget, text);
}

/* --- callbacks ------------------------------------------------------- */

static void
rate_clicked_cb (GtkButton          *button,
                 KefuAssessmentView *self)
{
  kefu_assessment_view_rate (self, g_object_get_data (G_OBJECT (button), "staff"),
                             GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "kind")));
}

static void
result_clicked_cb (GtkButton          *button,
                   KefuAssessmentView *self)
{
  kefu_assessment_view_show_result (self, g_object_get_data (G_OBJECT (button), "staff"));
}

static void
on_round_changed_cb (KefuAssessmentView *self)
{
  if (!self->updating && self->db)
    fill_people (self);
}

/* --- GObject --------------------------------------------------------- */

static void
kefu_assessment_view_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), KEFU_TYPE_ASSESSMENT_VIEW);
  G_OBJECT_CLASS (kefu_assessment_view_parent_class)->dispose (object);
}

static void
kefu_assessment_view_finalize (GObject *object)
{
  KefuAssessmentView *self = (KefuAssessmentView *) object;

  g_clear_pointer (&self->rounds, g_ptr_array_unref);
  g_clear_pointer (&self->people, g_ptr_array_unref);
  g_clear_object (&self->db);
  G_OBJECT_CLASS (kefu_assessment_view_parent_class)->finalize (object);
}

static void
kefu_assessment_view_class_init (KefuAssessmentViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kefu_assessment_view_dispose;
  object_class->finalize = kefu_assessment_view_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/kefu/Kefu/assessment/kefu-assessment-view.ui");
  gtk_widget_class_bind_template_child (widget_class, KefuAssessmentView, box);
  gtk_widget_class_bind_template_child (widget_class, KefuAssessmentView, derive_button);
  gtk_widget_class_bind_template_child (widget_class, KefuAssessmentView, new_round_button);
  gtk_widget_class_bind_template_child (widget_class, KefuAssessmentView, people_list);
  gtk_widget_class_bind_template_child (widget_class, KefuAssessmentView, round_dropdown);
  gtk_widget_class_bind_template_child (widget_class, KefuAssessmentView, stack);
  gtk_widget_class_bind_template_child (widget_class, KefuAssessmentView, weights_label);
  gtk_widget_class_bind_template_callback (widget_class, on_round_changed_cb);
  gtk_widget_class_install_action (widget_class, "assessment.new-round", NULL, new_round_action);
  gtk_widget_class_install_action (widget_class, "assessment.derive", NULL, derive_action);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
kefu_assessment_view_init (KefuAssessmentView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/* --- public API ------------------------------------------------------ */

KefuAssessmentView *
kefu_assessment_view_new (KefuDb *db)
{
  KefuAssessmentView *self = g_object_new (KEFU_TYPE_ASSESSMENT_VIEW, NULL);

  self->db = g_object_ref (db);
  fill_rounds (self);
  return self;
}

void
kefu_assessment_view_reload (KefuAssessmentView *self)
{
  g_return_if_fail (KEFU_IS_ASSESSMENT_VIEW (self));
  fill_rounds (self);
}

const char *
kefu_assessment_view_get_round (KefuAssessmentView *self)
{
  KefuAssessmentRound *round;

  g_return_val_if_fail (KEFU_IS_ASSESSMENT_VIEW (self), NULL);
  round = current_round (self);
  return round ? round->id : NULL;
}

guint
kefu_assessment_view_get_n_people (KefuAssessmentView *self)
{
  g_return_val_if_fail (KEFU_IS_ASSESSMENT_VIEW (self), 0);
  return self->people ? self->people->len : 0;
}
