/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "kefu-dashboard-view"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "kefu-cases.h"
#include "kefu-dashboard-view.h"
#include "kefu-org.h"
#include "kefu-report-dialog.h"
#include "kefu-sla.h"
#include "kefu-window.h"

#define DAY_MS G_GINT64_CONSTANT (86400000)
/* "This month" with fewer business days than this so far says so. */
#define EARLY_BUSINESS_DAYS 5

/* The figures shown as tiles, in this order. */
static const char *tile_keys[] = {
  "received", "resolved", "open", "overdue", "fr_compliance", "res_compliance",
  "fr_median", "fr_p90", "res_median", "res_p90", "complaints", "claims",
  "claims_amount", "claims_paid", "satisfaction", "nps", "training",
};

typedef struct
{
  const char    *name;
  KefuChartKind  kind;
  gboolean       table_only;
} CardInfo;

static const CardInfo cards[] = {
  { "sla", KEFU_CHART_STACKED_BAR, FALSE },
  { "channels", KEFU_CHART_BAR, FALSE },
  { "complaints", KEFU_CHART_BAR, FALSE },
  { "complaints-trend", KEFU_CHART_SMALL_MULTIPLES, FALSE },
  { "satisfaction", KEFU_CHART_LINE, FALSE },
  { "nps", KEFU_CHART_LINE, FALSE },
  { "ageing", KEFU_CHART_BAR, FALSE },
  { "people", KEFU_CHART_BAR, TRUE },
};

struct _KefuDashboardView
{
  GtkWidget          parent_instance;

  /* template children */
  GtkFlowBox        *charts_box;
  GtkWidget         *early_box;
  GtkLabel          *early_label;
  GtkFlowBox        *figures_box;
  GtkEntry          *from_entry;
  GtkBox            *people_box;
  GtkDropDown       *period_dropdown;
  GtkBox            *range_box;
  GtkLabel          *range_label;
  GtkDropDown       *scope_dropdown;
  GtkSpinner        *spinner;
  GtkEntry          *to_entry;

  KefuDb            *db;
  KefuStats         *stats;
  GPtrArray         *scopes;       /* KefuOrgUnit, scope_dropdown's items */
  GtkWidget         *tiles[G_N_ELEMENTS (tile_keys)];
  GtkWidget         *cards[G_N_ELEMENTS (cards)];
  GCancellable      *cancellable;
  guint              generation;
  gint64             from;         /* a custom range: [from, to) */
  gint64             to;
  gboolean           updating;
};

G_DEFINE_FINAL_TYPE (KefuDashboardView, kefu_dashboard_view, GTK_TYPE_WIDGET)

enum { SHOW_CASES, N_SIGNALS };
static guint signals[N_SIGNALS];

typedef struct
{
  char   *path;
  char   *unit_id;
  gint64  from;
  gint64  to;
  gint64  now;
  guint   generation;
} Job;

static void compute (KefuDashboardView *self);

/* --- helpers --------------------------------------------------------- */

static void
job_free (Job *job)
{
  g_free (job->path);
  g_free (job->unit_id);
  g_free (job);
}

static void
update_tile (GtkWidget       *tile,
             KefuStatsFigure *figure)
{
  GtkWidget *box = gtk_button_get_child (GTK_BUTTON (tile));
  GtkWidget *value = gtk_widget_get_first_child (box);
  GtkWidget *caption = gtk_widget_get_next_sibling (value);
  g_autofree char *text = kefu_stats_format_value (figure->format, figure->value);
  g_autofree char *tip = NULL;

  gtk_label_set_label (GTK_LABEL (value), text);
  gtk_label_set_label (GTK_LABEL (caption), figure->label);
  gtk_widget_set_sensitive (tile, figure->cases->len > 0);
  tip = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Show the %u case", "Show the %u cases", figure->cases->len),
                         figure->cases->len);
  gtk_widget_set_tooltip_text (tile, figure->cases->len > 0 ? tip : NULL);
}

static void
show_stats (KefuDashboardView *self)
{
  KefuStats *s = self->stats;
  KefuStatsTable *tables[G_N_ELEMENTS (cards)];
  g_autofree char *first = NULL;
  g_autofree char *last = NULL;
  g_autofree char *range = NULL;

  if (s == NULL)
    return;
  for (guint i = 0; i < G_N_ELEMENTS (tile_keys); i++)
    {
      KefuStatsFigure *figure = kefu_stats_get_figure (s, tile_keys[i]);

      if (figure)
        update_tile (self->tiles[i], figure);
    }
  tables[0] = s->sla_by_kind;
  tables[1] = s->channel_mix;
  tables[2] = s->complaints;
  tables[3] = s->complaints_trend;
  tables[4] = s->satisfaction_trend;
  tables[5] = s->nps_trend;
  tables[6] = s->claims_ageing;
  tables[7] = s->people;
  for (guint i = 0; i < G_N_ELEMENTS (cards); i++)
    kefu_chart_card_set_table (KEFU_CHART_CARD (self->cards[i]), tables[i]);

  first = kefu_local_date_string (s->from);
  last = kefu_local_date_string (s->to - 1);
  /* Translators: the days a dashboard covers, e.g. 2026-11-01 – 2026-11-30 */
  range = g_strdup_printf (_("%s – %s"), first, last);
  gtk_label_set_label (self->range_label, range);
}

static void
stats_thread (GTask        *task,
              gpointer      source,
              gpointer      task_data,
              GCancellable *cancellable)
{
  Job *job = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(KefuDb) db = kefu_db_open (job->path, &error);
  g_autoptr(KefuCalendar) cal = NULL;
  KefuStats *stats;

  if (db == NULL || (cal = kefu_calendar_load_default (db, &error)) == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  stats = kefu_stats_compute (db, cal, job->unit_id, job->from, job->to, job->now, &error);
  if (stats == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, stats, (GDestroyNotify) kefu_stats_free);
}

static void
stats_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  KefuDashboardView *self = KEFU_DASHBOARD_VIEW (source);
  Job *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  KefuStats *stats = g_task_propagate_pointer (G_TASK (result), &error);

  /* Cancelled: a newer computation replaced it, or the view is being
   * disposed (its widgets are gone). */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (job->generation != self->generation)
    {
      g_clear_pointer (&stats, kefu_stats_free);
      return;
    }
  gtk_spinner_stop (self->spinner);
  g_clear_object (&self->cancellable);
  if (stats == NULL)
    {
      kefu_toast_error (GTK_WIDGET (self), error);
      return;
    }
  g_clear_pointer (&self->stats, kefu_stats_free);
  self->stats = stats;
  show_stats (self);
}

static void
period_range (KefuDashboardView *self,
              gint64             now,
              gint64            *from,
              gint64            *to)
{
  KefuPeriodKind kind = gtk_drop_down_get_selected (self->period_dropdown);

  if (kind == KEFU_PERIOD_CUSTOM && self->from < self->to)
    {
      *from = self->from;
      *to = self->to;
      return;
    }
  kefu_period_range (kind, now, from, to);
}

/* Early in the month "This month" has few figures: a line says so and
 * offers last month, whose figures are complete. */
static void
update_early_hint (KefuDashboardView *self,
                   KefuCalendar      *cal,
                   gint64             now)
{
  g_autofree char *text = NULL;
  GDate today, day;
  guint n = 0;

  if (gtk_drop_down_get_selected (self->period_dropdown) != KEFU_PERIOD_THIS_MONTH)
    {
      gtk_widget_set_visible (self->early_box, FALSE);
      return;
    }
  kefu_local_date (now, &today);
  for (GDateDay d = 1; d <= g_date_get_day (&today); d++)
    {
      g_date_clear (&day, 1);
      g_date_set_dmy (&day, d, g_date_get_month (&today), g_date_get_year (&today));
      n += kefu_calendar_is_workday (cal, &day);
    }
  if (n == 0)
    text = g_strdup (_("No business day of this month yet — compare with last month."));
  else
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Only %u business day of this month so far — compare with last month.",
                                         "Only %u business days of this month so far — compare with last month.", n), n);
  gtk_label_set_label (self->early_label, text);
  gtk_widget_set_visible (self->early_box, n < EARLY_BUSINESS_DAYS);
}

static void
compute (KefuDashboardView *self)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  KefuCalendar *cal;
  Job *job;

  if (self->db == NULL || self->updating)
    return;
  /* The calendar is imported on first use on this connection, so that
   * the worker only reads it. */
  if ((cal = kefu_calendar_get_for_db (self->db, &error)) == NULL)
    {
      kefu_toast_error (GTK_WIDGET (self), error);
      return;
    }
  if (self->cancellable)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  job = g_new0 (Job, 1);
  job->path = g_strdup (kefu_db_get_path (self->db));
  job->unit_id = g_strdup (kefu_dashboard_view_get_scope (self));
  job->now = kefu_cases_get_now (self->db);
  job->generation = ++self->generation;
  period_range (self, job->now, &job->from, &job->to);
  update_early_hint (self, cal, job->now);

  gtk_spinner_start (self->spinner);
  task = g_task_new (self, self->cancellable, stats_done_cb, NULL);
  g_task_set_source_tag (task, compute);
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  g_task_run_in_thread (task, stats_thread);
}

static void
fill_scopes (KefuDashboardView *self)
{
  g_autoptr(KefuStaff) user = kefu_org_get_current_user (self->db);
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  g_autoptr(GError) error = NULL;

  g_clear_pointer (&self->scopes, g_ptr_array_unref);
  if (user != NULL)
    self->scopes = kefu_stats_list_scopes (self->db, user->id, &error);
  if (self->scopes == NULL)
    self->scopes = g_ptr_array_new_with_free_func ((GDestroyNotify) kefu_org_unit_free);
  if (user != NULL && g_strcmp0 (user->role, "admin") == 0)
    /* Everything: a NULL scope. */
    g_ptr_array_insert (self->scopes, 0, g_new0 (KefuOrgUnit, 1));

  for (guint i = 0; i < self->scopes->len; i++)
    {
      KefuOrgUnit *u = self->scopes->pdata[i];
      const char *indent = "";
      g_autofree char *label = NULL;

      if (u->id == NULL)
        {
          gtk_string_list_append (names, _("All branches"));
          continue;
        }
      if (g_strcmp0 (u->level, "province") == 0)
        indent = "  ";
      else if (g_strcmp0 (u->level, "city") == 0)
        indent = "    ";
      else if (g_strcmp0 (u->level, "branch") == 0)
        indent = "      ";
      label = g_strdup_printf ("%s%s (%s)", indent, u->name, u->code);
      gtk_string_list_append (names, label);
    }
  self->updating = TRUE;
  gtk_drop_down_set_model (self->scope_dropdown, G_LIST_MODEL (names));
  gtk_drop_down_set_selected (self->scope_dropdown, 0);
  self->updating = FALSE;
}

/* --- signal callbacks ------------------------------------------------ */

static void
tile_clicked_cb (GtkButton         *button,
                 KefuDashboardView *self)
{
  kefu_dashboard_view_activate_figure (self, g_object_get_data (G_OBJECT (button), "key"));
}

static void
card_show_cases_cb (KefuDashboardView *self,
                    const char        *title,
                    GArray            *cases)
{
  g_signal_emit (self, signals[SHOW_CASES], 0, title, cases);
}

static void
on_period_changed_cb (KefuDashboardView *self)
{
  gboolean custom = gtk_drop_down_get_selected (self->period_dropdown) == KEFU_PERIOD_CUSTOM;

  gtk_widget_set_visible (GTK_WIDGET (self->range_box), custom);
  if (custom)
    gtk_widget_set_visible (self->early_box, FALSE);
  if (custom && self->from >= self->to)
    {
      gtk_widget_grab_focus (GTK_WIDGET (self->from_entry));
      return;
    }
  compute (self);
}

static void
on_range_apply_cb (KefuDashboardView *self)
{
  g_autoptr(GError) error = NULL;

  if (!kefu_dashboard_view_set_range (self, gtk_editable_get_text (GTK_EDITABLE (self->from_entry)),
                                      gtk_editable_get_text (GTK_EDITABLE (self->to_entry)), &error))
    kefu_toast_error (GTK_WIDGET (self), error);
}

static void
on_scope_changed_cb (KefuDashboardView *self)
{
  compute (self);
}

static void
report_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  KefuDashboardView *self = KEFU_DASHBOARD_VIEW (widget);

  kefu_report_dialog_present (widget, self->db, kefu_dashboard_view_get_scope (self));
}

static void
last_month_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  kefu_dashboard_view_set_period (KEFU_DASHBOARD_VIEW (widget), KEFU_PERIOD_LAST_MONTH);
}

/* --- GObject --------------------------------------------------------- */

static void
kefu_dashboard_view_dispose (GObject *object)
{
  KefuDashboardView *self = (KefuDashboardView *) object;

  if (self->cancellable)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), KEFU_TYPE_DASHBOARD_VIEW);
  /* The template's top widget is not a bound child: unparent it here. */
  {
    GtkWidget *child;

    while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))))
      gtk_widget_unparent (child);
  }
  G_OBJECT_CLASS (kefu_dashboard_view_parent_class)->dispose (object);
}

static void
kefu_dashboard_view_finalize (GObject *object)
{
  KefuDashboardView *self = (KefuDashboardView *) object;

  g_clear_pointer (&self->stats, kefu_stats_free);
  g_clear_pointer (&self->scopes, g_ptr_array_unref);
  g_clear_object (&self->db);
  G_OBJECT_CLASS (kefu_dashboard_view_parent_class)->finalize (object);
}

static void
kefu_dashboard_view_class_init (KefuDashboardViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kefu_dashboard_view_dispose;
  object_class->finalize = kefu_dashboard_view_finalize;

  /**
   * KefuDashboardView::show-cases:
   * @title: what the cases are
   * @cases: (type GArray): case rowids (gint64)
   */
  signals[SHOW_CASES] = g_signal_new ("show-cases", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                      0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_POINTER);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/kefu/Kefu/dashboard/kefu-dashboard-view.ui");
  gtk_widget_class_bind_template_child (widget_class, KefuDashboardView, charts_box);
  gtk_widget_class_bind_template_child (widget_class, KefuDashboardView, early_box);
  gtk_widget_class_bind_template_child (widget_class, KefuDashboardView, early_label);
  gtk_widget_class_bind_template_child (widget_class, KefuDashboardView, figures_box);
  gtk_widget_class_bind_template_child (widget_class, KefuDashboardView, from_entry);
  gtk_widget_class_bind_template_child (widget_class, KefuDashboardView, people_box);
  gtk_widget_class_bind_template_child (widget_class, KefuDashboardView, period_dropdown);
  gtk_widget_class_bind_template_child (widget_class, KefuDashboardView, range_box);
  gtk_widget_class_bind_template_child (widget_class, KefuDashboardView, range_label);
  gtk_widget_class_bind_template_child (widget_class, KefuDashboardView, scope_dropdown);
  gtk_widget_class_bind_template_child (widget_class, KefuDashboardView, spinner);
  gtk_widget_class_bind_template_child (widget_class, KefuDashboardView, to_entry);
  gtk_widget_class_bind_template_callback (widget_class, on_period_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_range_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_scope_changed_cb);
  gtk_widget_class_install_action (widget_class, "dashboard.report", NULL, report_action);
  gtk_widget_class_install_action (widget_class, "dashboard.last-month", NULL, last_month_action);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
kefu_dashboard_view_init (KefuDashboardView *self)
{
  self->updating = TRUE;
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_drop_down_set_selected (self->period_dropdown, KEFU_PERIOD_THIS_MONTH);
  self->updating = FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (tile_keys); i++)
    {
      GtkWidget *button = gtk_button_new ();
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
      GtkWidget *value = gtk_label_new ("—");
      GtkWidget *caption = gtk_label_new ("");

      gtk_widget_add_css_class (value, "title-2");
      gtk_widget_add_css_class (value, "numeric");
      gtk_widget_add_css_class (caption, "caption");
      gtk_label_set_wrap (GTK_LABEL (caption), TRUE);
      gtk_label_set_justify (GTK_LABEL (caption), GTK_JUSTIFY_CENTER);
      gtk_box_append (GTK_BOX (box), value);
      gtk_box_append (GTK_BOX (box), caption);
      gtk_button_set_child (GTK_BUTTON (button), box);
      gtk_widget_add_css_class (button, "card");
      gtk_widget_add_css_class (button, "figure-tile");
      g_object_set_data (G_OBJECT (button), "key", (gpointer) tile_keys[i]);
      g_signal_connect (button, "clicked", G_CALLBACK (tile_clicked_cb), self);
      gtk_flow_box_append (self->figures_box, button);
      self->tiles[i] = button;
    }
  for (guint i = 0; i < G_N_ELEMENTS (cards); i++)
    {
      GtkWidget *card = kefu_chart_card_new (cards[i].kind, cards[i].table_only);

      g_signal_connect_object (card, "show-cases", G_CALLBACK (card_show_cases_cb), self, G_CONNECT_SWAPPED);
      if (cards[i].table_only)
        gtk_box_append (self->people_box, card);
      else
        gtk_flow_box_append (self->charts_box, card);
      self->cards[i] = card;
    }
}

/* --- public API ------------------------------------------------------ */

KefuDashboardView *
kefu_dashboard_view_new (KefuDb *db)
{
  KefuDashboardView *self = g_object_new (KEFU_TYPE_DASHBOARD_VIEW, NULL);

  self->db = g_object_ref (db);
  fill_scopes (self);
  compute (self);
  return self;
}

void
kefu_dashboard_view_reload (KefuDashboardView *self)
{
  g_return_if_fail (KEFU_IS_DASHBOARD_VIEW (self));
  fill_scopes (self);
  compute (self);
}

void
kefu_dashboard_view_set_period (KefuDashboardView *self,
                                KefuPeriodKind     period)
{
  g_return_if_fail (KEFU_IS_DASHBOARD_VIEW (self));
  gtk_drop_down_set_selected (self->period_dropdown, period);
}

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

gboolean
kefu_dashboard_view_set_range (KefuDashboardView *self,
                               const char        *first,
                               const char        *last,
                               GError           **error)
{
  gint64 from, to;

  g_return_val_if_fail (KEFU_IS_DASHBOARD_VIEW (self), FALSE);

  if (!parse_day (first, &from) || !parse_day (last, &to))
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID,
                   _("Enter the first and last day as dates, for example 2026-11-01."));
      return FALSE;
    }
  if (to < from)
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID, _("The last day comes before the first day."));
      return FALSE;
    }
  self->from = from;
  self->to = to + DAY_MS;
  self->updating = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->from_entry), first);
  gtk_editable_set_text (GTK_EDITABLE (self->to_entry), last);
  gtk_drop_down_set_selected (self->period_dropdown, KEFU_PERIOD_CUSTOM);
  gtk_widget_set_visible (GTK_WIDGET (self->range_box), TRUE);
  self->updating = FALSE;
  compute (self);
  return TRUE;
}

void
kefu_dashboard_view_set_scope (KefuDashboardView *self,
                               const char        *unit_id)
{
  g_return_if_fail (KEFU_IS_DASHBOARD_VIEW (self));

  for (guint i = 0; self->scopes && i < self->scopes->len; i++)
    if (g_strcmp0 (((KefuOrgUnit *) self->scopes->pdata[i])->id, unit_id) == 0 || unit_id == NULL)
      {
        gtk_drop_down_set_selected (self->scope_dropdown, i);
        return;
      }
}

const char *
kefu_dashboard_view_get_scope (KefuDashboardView *self)
{
  guint i;

  g_return_val_if_fail (KEFU_IS_DASHBOARD_VIEW (self), NULL);

  i = gtk_drop_down_get_selected (self->scope_dropdown);
  if (self->scopes == NULL || i >= self->scopes->len)
    return NULL;
  return ((KefuOrgUnit *) self->scopes->pdata[i])->id;
}

gboolean
kefu_dashboard_view_is_busy (KefuDashboardView *self)
{
  g_return_val_if_fail (KEFU_IS_DASHBOARD_VIEW (self), FALSE);
  return self->cancellable != NULL;
}

KefuStats *
kefu_dashboard_view_get_stats (KefuDashboardView *self)
{
  g_return_val_if_fail (KEFU_IS_DASHBOARD_VIEW (self), NULL);
  return self->stats;
}

void
kefu_dashboard_view_activate_figure (KefuDashboardView *self,
                                     const char        *key)
{
  KefuStatsFigure *figure;

  g_return_if_fail (KEFU_IS_DASHBOARD_VIEW (self));

  if (self->stats == NULL || (figure = kefu_stats_get_figure (self->stats, key)) == NULL ||
      figure->cases->len == 0)
    return;
  g_signal_emit (self, signals[SHOW_CASES], 0, figure->label, figure->cases);
}

const char *
kefu_dashboard_view_get_early_hint (KefuDashboardView *self)
{
  g_return_val_if_fail (KEFU_IS_DASHBOARD_VIEW (self), NULL);
  return gtk_widget_get_mapped (self->early_box) ? gtk_label_get_label (self->early_label) : NULL;
}

KefuChartCard *
kefu_dashboard_view_get_card (KefuDashboardView *self,
                              const char        *name)
{
  g_return_val_if_fail (KEFU_IS_DASHBOARD_VIEW (self), NULL);

  for (guint i = 0; i < G_N_ELEMENTS (cards); i++)
    if (g_str_equal (cards[i].name, name))
      return KEFU_CHART_CARD (self->cards[i]);
  return NULL;
}
