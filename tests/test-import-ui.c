/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <locale.h>

#include "kefu-application.h"
#include "kefu-dialogs.h"
#include "kefu-test-ui.h"
#include "kefu-test-util.h"
#include "kefu-window.h"

/* The import dialog under Xvfb: a file imported to the end, a large one
 * whose progress shows rows per second and which is cancelled with
 * nothing written. PNGs in <builddir>/screenshots. */

typedef struct
{
  KefuTestDb      *t;
  KefuApplication *app;
  KefuWindow      *window;
  const char      *lang;
} Fixture;

/* Runs the main loop until @done says so (at most 60 s). */
static void
wait_until (gboolean (*done) (GtkWidget *), GtkWidget *widget)
{
  gint64 end = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (!done (widget))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, end);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (2000);
    }
}

static GtkWidget *
find_widget (GtkWidget *root,
             GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget (child, type);

      if (found)
        return found;
    }
  return NULL;
}

static const char *
step_of (GtkWidget *dialog)
{
  return gtk_stack_get_visible_child_name (GTK_STACK (find_widget (dialog, GTK_TYPE_STACK)));
}

/* On @step, with the crossfade to it over. */
static gboolean
shows_step (GtkWidget  *dialog,
            const char *step)
{
  GtkStack *stack = GTK_STACK (find_widget (dialog, GTK_TYPE_STACK));

  return g_strcmp0 (gtk_stack_get_visible_child_name (stack), step) == 0 &&
         !gtk_stack_get_transition_running (stack);
}

/* Import is enabled once the check found no problem. */
static gboolean
is_checked (GtkWidget *dialog)
{
  return shows_step (dialog, "preview") &&
         gtk_widget_is_sensitive (g_object_get_data (G_OBJECT (dialog), "test-run-button"));
}

static gboolean
is_done (GtkWidget *dialog)
{
  return shows_step (dialog, "done");
}

static gboolean
is_back_at_preview (GtkWidget *dialog)
{
  return shows_step (dialog, "preview");
}

static gboolean
has_progress (GtkWidget *dialog)
{
  GtkProgressBar *bar = GTK_PROGRESS_BAR (find_widget (dialog, GTK_TYPE_PROGRESS_BAR));

  return shows_step (dialog, "importing") && gtk_progress_bar_get_fraction (bar) > 0.05;
}

/* The header bar's Import button (the one with the import.run action). */
static GtkWidget *
find_run_button (GtkWidget *root)
{
  if (GTK_IS_BUTTON (root) && g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (root)), "import.run") == 0)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_run_button (child);

      if (found)
        return found;
    }
  return NULL;
}

static GtkWidget *
find_label (GtkWidget  *root,
            const char *text)
{
  if (GTK_IS_LABEL (root) && g_strcmp0 (gtk_label_get_label (GTK_LABEL (root)), text) == 0)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_label (child, text);

      if (found)
        return found;
    }
  return NULL;
}

static char *
write_csv (const char *dir,
           const char *name,
           guint       n_rows)
{
  g_autoptr(GString) csv = g_string_new ("姓名,公司,电话\n");
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (dir, name, NULL);

  for (guint i = 0; i < n_rows; i++)
    g_string_append_printf (csv, "客户%06u,飞鸿物流%u部,139%08u\n", i, i % 50, i);
  g_assert_true (g_file_set_contents (path, csv->str, csv->len, &error));
  g_assert_no_error (error);
  return path;
}

static GtkWidget *
open_and_check (Fixture    *f,
                const char *path)
{
  GtkWindow *dialog = kefu_import_dialog_new (GTK_WINDOW (f->window), f->t->db);

  g_object_set_data (G_OBJECT (dialog), "test-run-button", find_run_button (GTK_WIDGET (dialog)));
  gtk_window_present (dialog);
  wait_for_draw (GTK_WIDGET (dialog));
  _kefu_import_dialog_open_path (dialog, path);
  wait_until (is_back_at_preview, GTK_WIDGET (dialog));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "import.check", NULL));
  wait_until (is_checked, GTK_WIDGET (dialog));
  return GTK_WIDGET (dialog);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->lang = kefu_test_ui_lang ();
  f->t = kefu_test_db_new (TRUE);
  f->window = kefu_test_window_open (f->t->db, 1280, 800, &f->app);
  wait_for_draw (GTK_WIDGET (f->window));
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  kefu_test_window_close (f->window, &f->app);
  kefu_test_db_free (f->t);
}

static int
count (Fixture    *f,
       const char *table)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM %s", table);

  return kefu_test_count (f->t->db, sql);
}

static void
test_import_and_cancel (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *small = write_csv (f->t->dir, "customers-small.csv", 300);
  g_autofree char *large = write_csv (f->t->dir, "customers-large.csv", 60000);
  const char *tables[] = { "customer", "customer_contact", "outbox", "audit_log" };
  int before[G_N_ELEMENTS (tables)];
  GtkWidget *dialog;

  /* A small file, to the end. */
  dialog = open_and_check (f, small);
  save_png (dialog, "import-checked", f->lang);
  g_assert_true (gtk_widget_activate_action (dialog, "import.run", NULL));
  wait_until (is_done, dialog);
  save_png (dialog, "import-done", f->lang);
  g_assert_cmpint (count (f, "customer"), ==, 300);
  gtk_window_destroy (GTK_WINDOW (dialog));
  kefu_test_iterate (20);

  /* A large one: progress with rows per second, then Cancel. */
  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    before[i] = count (f, tables[i]);
  dialog = open_and_check (f, large);
  g_assert_true (gtk_widget_activate_action (dialog, "import.run", NULL));
  g_assert_cmpstr (step_of (dialog), ==, "importing");
  wait_until (has_progress, dialog);
  save_png (dialog, "import-progress", f->lang);
  g_assert_true (gtk_widget_activate_action (dialog, "import.cancel", NULL));
  wait_until (is_back_at_preview, dialog);
  save_png (dialog, "import-cancelled", f->lang);
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (find_label (dialog, _("The import was cancelled. Nothing was imported.")))), ==,
                   _("The import was cancelled. Nothing was imported."));
  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    g_assert_cmpint (count (f, tables[i]), ==, before[i]);
  /* The same file may go again: nothing of it was written. */
  g_assert_true (gtk_widget_is_sensitive (g_object_get_data (G_OBJECT (dialog), "test-run-button")));
  gtk_window_destroy (GTK_WINDOW (dialog));
  kefu_test_iterate (20);
  g_unlink (small);
  g_unlink (large);
}

int
main (int   argc,
      char *argv[])
{
  kefu_test_ui_init (&argc, &argv, TRUE);

  g_test_add ("/ui/import/progress-and-cancel", Fixture, NULL, fixture_set_up, test_import_and_cancel, fixture_tear_down);

  return kefu_test_ui_run ();
}
