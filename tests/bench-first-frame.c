/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The yardstick for kefu --measure-startup: the time from process start to
 * the first frame of a bare libadwaita window (header bar and a status
 * page) on the same display and renderer. Not a test; see
 * docs/benchmarks.md. */
#include "config.h"

#include <adwaita.h>

static gint64 start_time;

static void
after_paint_cb (GdkFrameClock *clock,
                gpointer       app)
{
  g_signal_handlers_disconnect_by_func (clock, after_paint_cb, app);
  g_print ("first_frame_ms=%" G_GINT64_FORMAT "\n", (g_get_monotonic_time () - start_time) / 1000);
  g_application_quit (G_APPLICATION (app));
}

static void
map_cb (GtkWidget *window,
        gpointer   app)
{
  g_signal_connect (gtk_widget_get_frame_clock (window), "after-paint", G_CALLBACK (after_paint_cb), app);
}

static void
activate_cb (GApplication *app)
{
  GtkWidget *window = adw_application_window_new (GTK_APPLICATION (app));
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);

  gtk_box_append (GTK_BOX (box), adw_header_bar_new ());
  gtk_box_append (GTK_BOX (box), adw_status_page_new ());
  adw_application_window_set_content (ADW_APPLICATION_WINDOW (window), box);
  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 780);
  g_signal_connect (window, "map", G_CALLBACK (map_cb), app);
  gtk_window_present (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(AdwApplication) app = NULL;

  start_time = g_get_monotonic_time ();
  app = adw_application_new ("io.kefu.FirstFrame", G_APPLICATION_NON_UNIQUE);
  g_signal_connect (app, "activate", G_CALLBACK (activate_cb), NULL);
  return g_application_run (G_APPLICATION (app), argc, argv);
}
