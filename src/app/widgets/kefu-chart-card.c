/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "kefu-chart-card"

#include "config.h"

#include <glib/gi18n.h>

#include "kefu-chart-card.h"

struct _KefuChartCard
{
  GtkWidget        parent_instance;

  /* template children */
  GtkWidget       *box;
  GtkBox          *chart_box;
  GtkButton       *copy_button;
  GtkGrid         *grid;
  GtkStack        *stack;
  GtkToggleButton *table_button;
  GtkLabel        *title_label;

  KefuChart       *chart;
  KefuStatsTable  *table;
  gboolean         table_only;
};

G_DEFINE_FINAL_TYPE (KefuChartCard, kefu_chart_card, GTK_TYPE_WIDGET)

enum { SHOW_CASES, N_SIGNALS };
static guint signals[N_SIGNALS];

/* --- helpers --------------------------------------------------------- */

static void
cell_clicked_cb (GtkButton     *button,
                 KefuChartCard *self)
{
  kefu_chart_card_activate (self,
                            GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "row")),
                            GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "column")));
}

static void
fill_grid (KefuChartCard *self)
{
  GtkWidget *child;
  KefuStatsTable *t = self->table;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->grid))))
    gtk_grid_remove (self->grid, child);
  if (t == NULL)
    return;

  for (guint c = 0; c < t->columns->len; c++)
    {
      GtkWidget *label = gtk_label_new (t->columns->pdata[c]);

      gtk_label_set_xalign (GTK_LABEL (label), 1);
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_max_width_chars (GTK_LABEL (label), 12);
      gtk_widget_add_css_class (label, "caption-heading");
      gtk_grid_attach (self->grid, label, (int) c + 1, 0, 1, 1);
    }
  for (guint r = 0; r < t->rows->len; r++)
    {
      KefuStatsRow *row = t->rows->pdata[r];
      GtkWidget *label = gtk_label_new (row->label);

      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_grid_attach (self->grid, label, 0, (int) r + 1, 1, 1);
      for (guint c = 0; c < t->columns->len; c++)
        {
          g_autofree char *text = kefu_stats_format_value (t->format, row->values[c]);
          GtkWidget *cell;

          if (row->cases[c] && row->cases[c]->len > 0)
            {
              g_autofree char *tip = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Show the %u case", "Show the %u cases",
                                                                   row->cases[c]->len), row->cases[c]->len);

              cell = gtk_button_new_with_label (text);
              gtk_widget_add_css_class (cell, "flat");
              gtk_widget_add_css_class (cell, "numeric");
              gtk_widget_set_tooltip_text (cell, tip);
              g_object_set_data (G_OBJECT (cell), "row", GUINT_TO_POINTER (r));
              g_object_set_data (G_OBJECT (cell), "column", GUINT_TO_POINTER (c));
              g_signal_connect (cell, "clicked", G_CALLBACK (cell_clicked_cb), self);
            }
          else
            {
              cell = gtk_label_new (text);
              gtk_label_set_xalign (GTK_LABEL (cell), 1);
              gtk_widget_add_css_class (cell, "numeric");
              gtk_widget_set_margin_end (cell, 10);
            }
          gtk_widget_set_halign (cell, GTK_ALIGN_END);
          gtk_grid_attach (self->grid, cell, (int) c + 1, (int) r + 1, 1, 1);
        }
    }
}

/* --- callbacks ------------------------------------------------------- */

static void
on_table_toggled_cb (KefuChartCard *self)
{
  gboolean table = self->table_only || gtk_toggle_button_get_active (self->table_button);

  gtk_stack_set_visible_child_name (self->stack, table ? "table" : "chart");
}

static void
on_copy_clicked_cb (KefuChartCard *self)
{
  g_autofree char *text = NULL;

  if (self->table == NULL)
    return;
  text = kefu_stats_table_to_text (self->table);
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), text);
}

static void
chart_activated_cb (KefuChartCard *self,
                    guint          row,
                    guint          column)
{
  kefu_chart_card_activate (self, row, column);
}

/* --- GObject --------------------------------------------------------- */

static void
kefu_chart_card_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), KEFU_TYPE_CHART_CARD);
  G_OBJECT_CLASS (kefu_chart_card_parent_class)->dispose (object);
}

static void
kefu_chart_card_finalize (GObject *object)
{
  KefuChartCard *self = (KefuChartCard *) object;

  g_clear_pointer (&self->table, kefu_stats_table_unref);
  G_OBJECT_CLASS (kefu_chart_card_parent_class)->finalize (object);
}

static void
kefu_chart_card_class_init (KefuChartCardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kefu_chart_card_dispose;
  object_class->finalize = kefu_chart_card_finalize;

  /**
   * KefuChartCard::show-cases:
   * @title: what the cases are
   * @cases: (type GArray): the case rowids (gint64)
   */
  signals[SHOW_CASES] = g_signal_new ("show-cases", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                      0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_POINTER);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/kefu/Kefu/widgets/kefu-chart-card.ui");
  gtk_widget_class_bind_template_child (widget_class, KefuChartCard, box);
  gtk_widget_class_bind_template_child (widget_class, KefuChartCard, chart_box);
  gtk_widget_class_bind_template_child (widget_class, KefuChartCard, copy_button);
  gtk_widget_class_bind_template_child (widget_class, KefuChartCard, grid);
  gtk_widget_class_bind_template_child (widget_class, KefuChartCard, stack);
  gtk_widget_class_bind_template_child (widget_class, KefuChartCard, table_button);
  gtk_widget_class_bind_template_child (widget_class, KefuChartCard, title_label);
  gtk_widget_class_bind_template_callback (widget_class, on_table_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_copy_clicked_cb);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
kefu_chart_card_init (KefuChartCard *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/* --- public API ------------------------------------------------------ */

GtkWidget *
kefu_chart_card_new (KefuChartKind kind,
                     gboolean      table_only)
{
  KefuChartCard *self = g_object_new (KEFU_TYPE_CHART_CARD, NULL);

  self->table_only = table_only;
  self->chart = KEFU_CHART (kefu_chart_new (kind));
  gtk_widget_set_vexpand (GTK_WIDGET (self->chart), TRUE);
  g_signal_connect_object (self->chart, "activated", G_CALLBACK (chart_activated_cb), self, G_CONNECT_SWAPPED);
  gtk_box_append (self->chart_box, GTK_WIDGET (self->chart));
  gtk_widget_set_visible (GTK_WIDGET (self->table_button), !table_only);
  on_table_toggled_cb (self);
  return GTK_WIDGET (self);
}

void
kefu_chart_card_set_table (KefuChartCard  *self,
                           KefuStatsTable *table)
{
  g_return_if_fail (KEFU_IS_CHART_CARD (self));

  if (table)
    kefu_stats_table_ref (table);
  g_clear_pointer (&self->table, kefu_stats_table_unref);
  self->table = table;
  gtk_label_set_label (self->title_label, table ? table->title : "");
  kefu_chart_set_table (self->chart, table);
  fill_grid (self);
}

KefuChart *
kefu_chart_card_get_chart (KefuChartCard *self)
{
  g_return_val_if_fail (KEFU_IS_CHART_CARD (self), NULL);
  return self->chart;
}

void
kefu_chart_card_show_table (KefuChartCard *self,
                            gboolean       show)
{
  g_return_if_fail (KEFU_IS_CHART_CARD (self));
  gtk_toggle_button_set_active (self->table_button, show);
}

void
kefu_chart_card_activate (KefuChartCard *self,
                          guint          row,
                          guint          column)
{
  KefuStatsRow *r;
  g_autofree char *title = NULL;

  g_return_if_fail (KEFU_IS_CHART_CARD (self));
  if (self->table == NULL || row >= self->table->rows->len || column >= self->table->columns->len)
    return;
  r = self->table->rows->pdata[row];
  if (r->cases[column] == NULL || r->cases[column]->len == 0)
    return;
  /* Translators: what a drill-down shows: chart title: series · column */
  title = g_strdup_printf (_("%s: %s · %s"), self->table->title, r->label, (char *) self->table->columns->pdata[column]);
  g_signal_emit (self, signals[SHOW_CASES], 0, title, r->cases[column]);
}
