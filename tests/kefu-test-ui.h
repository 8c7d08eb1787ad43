/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>
#include <glib/gi18n.h>
#include <locale.h>

#include "kefu-application.h"
#include "kefu-sample.h"
#include "kefu-test-util.h"
#include "kefu-org.h"
#include "kefu-window.h"

/* Shared by the UI tests: wait until the widget is laid out and drawn with
 * no transition running, check that a view is the one on screen, and save
 * a PNG of it to <builddir>/screenshots/<name>-<lang>.png. Two pictures
 * of different names that come out identical fail the test: one of them
 * is not of what its name says. */

/* Animations off: stack, leaflet and toast transitions end at once, so a
 * picture never catches one half way. */
G_GNUC_UNUSED static void
disable_animations (void)
{
  /* Set by a test whose window trips GTK 4.8 with animations off (see
   * tests/meson.build); it waits for transitions all the same. */
  if (g_getenv ("KEFU_TEST_KEEP_ANIMATIONS") != NULL)
    return;
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
}

G_GNUC_UNUSED static gboolean
transition_running (GtkWidget *widget)
{
  if (GTK_IS_STACK (widget) && gtk_stack_get_transition_running (GTK_STACK (widget)))
    return TRUE;
  if (ADW_IS_LEAFLET (widget) && adw_leaflet_get_child_transition_running (ADW_LEAFLET (widget)))
    return TRUE;
  if (GTK_IS_REVEALER (widget) &&
      gtk_revealer_get_reveal_child (GTK_REVEALER (widget)) != gtk_revealer_get_child_revealed (GTK_REVEALER (widget)))
    return TRUE;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    if (transition_running (c))
      return TRUE;
  return FALSE;
}

/* The start of a UI test's main(): the user's locale with Kefu's
 * translations (from KEFU_LOCALEDIR, the build's, when set),
 * gtk_test_init() and libadwaita. gtk_test_init() switches to en_US;
 * @user_locale switches back, so that dates in the pictures read as users
 * see them. */
G_GNUC_UNUSED static void
kefu_test_ui_init (int       *argc,
                   char    ***argv,
                   gboolean   user_locale)
{
  const char *localedir = g_getenv ("KEFU_LOCALEDIR");

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  gtk_test_init (argc, argv, NULL);
  if (user_locale)
    setlocale (LC_ALL, "");
  adw_init ();
}

/* The language the test runs in (KEFU_TEST_LANG, "en" by default): the
 * suffix of its pictures' names. */
G_GNUC_UNUSED static const char *
kefu_test_ui_lang (void)
{
  const char *lang = g_getenv ("KEFU_TEST_LANG");

  return lang ? lang : "en";
}

/* A fresh test database (kefu_test_db_new (FALSE)) holding the sample data
 * set with @n_customers customers. Free with kefu_test_db_free(). */
G_GNUC_UNUSED static KefuTestDb *
kefu_test_sample_db_new (guint n_customers)
{
  g_autoptr(GError) error = NULL;
  KefuSampleOptions opts = kefu_sample_default_options ();
  KefuTestDb *t = kefu_test_db_new (FALSE);

  opts.n_customers = n_customers;
  g_assert_true (kefu_sample_generate (t->db, &opts, NULL, NULL, &error));
  g_assert_no_error (error);
  return t;
}

/* Runs @n iterations of the main loop without waiting. */
G_GNUC_UNUSED static void
kefu_test_iterate (guint n)
{
  for (guint i = 0; i < n; i++)
    g_main_context_iteration (NULL, FALSE);
}

/* The test program's one registered application, as in the real program;
 * main() drops it after g_test_run(). */
G_GNUC_UNUSED static KefuApplication *kefu_test_app;

/* A new main window on @db at @width × @height, presented (not yet
 * drawn); @app gets a reference to the application. */
G_GNUC_UNUSED static KefuWindow *
kefu_test_window_open (KefuDb           *db,
                       int               width,
                       int               height,
                       KefuApplication **app)
{
  g_autoptr(GError) error = NULL;
  KefuWindow *window;

  if (kefu_test_app == NULL)
    {
      kefu_test_app = kefu_application_new ();
      g_application_set_flags (G_APPLICATION (kefu_test_app), G_APPLICATION_NON_UNIQUE);
      g_assert_true (g_application_register (G_APPLICATION (kefu_test_app), NULL, &error));
      g_assert_no_error (error);
    }
  *app = g_object_ref (kefu_test_app);
  kefu_application_set_db (*app, db);
  window = kefu_window_new (*app);
  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  gtk_window_present (GTK_WINDOW (window));
  return window;
}

/* The end of a UI test's main(): runs the tests, then drops the
 * application. */
G_GNUC_UNUSED static int
kefu_test_ui_run (void)
{
  int ret = g_test_run ();

  g_clear_object (&kefu_test_app);
  return ret;
}

/* Destroys @window, lets GTK finish, takes the database from the
 * application and drops @app's reference. */
G_GNUC_UNUSED static void
kefu_test_window_close (KefuWindow       *window,
                        KefuApplication **app)
{
  gtk_window_destroy (GTK_WINDOW (window));
  kefu_test_iterate (20);
  kefu_application_set_db (*app, NULL);
  g_clear_object (app);
}

G_GNUC_UNUSED static void
wait_for_draw (GtkWidget *widget)
{
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  disable_animations ();
  /* Let layout, CSS and the list's bind happen, then wait for a frame. */
  for (guint i = 0; i < 20; i++)
    g_main_context_iteration (NULL, FALSE);
  while (transition_running (widget) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (transition_running (widget));
  gtk_test_widget_wait_for_draw (widget);
  for (guint i = 0; i < 10; i++)
    g_main_context_iteration (NULL, FALSE);
}

/* Fails unless @view is mapped and, for every stack it sits in, inside
 * that stack's visible child: what the user sees now. */
G_GNUC_UNUSED static void
assert_view_visible (GtkWidget *view)
{
  GtkWidget *child = view;

  g_assert_true (gtk_widget_get_mapped (view));
  g_assert_true (gtk_widget_is_drawable (view));
  for (GtkWidget *w = gtk_widget_get_parent (view); w; child = w, w = gtk_widget_get_parent (w))
    {
      GtkWidget *visible = NULL;

      if (GTK_IS_STACK (w))
        visible = gtk_stack_get_visible_child (GTK_STACK (w));
      else if (ADW_IS_VIEW_STACK (w))
        visible = adw_view_stack_get_visible_child (ADW_VIEW_STACK (w));
      else if (ADW_IS_LEAFLET (w))
        visible = adw_leaflet_get_folded (ADW_LEAFLET (w)) ? adw_leaflet_get_visible_child (ADW_LEAFLET (w)) : child;
      else
        continue;
      /* Stacks wrap their children in page widgets in some versions. */
      g_assert_true (visible == child || gtk_widget_is_ancestor (child, visible) || gtk_widget_is_ancestor (visible, child));
    }
}

G_GNUC_UNUSED static GHashTable *
saved_pictures (void)
{
  static GHashTable *pictures;

  if (pictures == NULL)
    pictures = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return pictures;
}

G_GNUC_UNUSED static void
save_png (GtkWidget  *widget,
          const char *name,
          const char *lang)
{
  g_autofree char *dir = g_build_filename (BUILDDIR, "screenshots", NULL);
  g_autofree char *file = g_strdup_printf ("%s-%s.png", name, lang);
  g_autofree char *path = g_build_filename (dir, file, NULL);
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree guchar *pixels = NULL;
  g_autofree char *sum = NULL;
  const char *other;
  GtkSnapshot *snapshot;
  GskRenderNode *node;
  GskRenderer *renderer;
  int width, height;

  wait_for_draw (widget);
  width = gtk_widget_get_width (widget);
  height = gtk_widget_get_height (widget);
  g_assert_cmpint (width, >, 0);

  paintable = gtk_widget_paintable_new (widget);
  /* Nothing to draw yet: a frame later there is. */
  for (guint attempt = 0; ; attempt++)
    {
      snapshot = gtk_snapshot_new ();
      gdk_paintable_snapshot (paintable, snapshot, width, height);
      node = gtk_snapshot_free_to_node (snapshot);
      if (node != NULL || attempt == 5)
        break;
      wait_for_draw (widget);
    }
  g_assert_nonnull (node);
  renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  gsk_render_node_unref (node);

  /* The same picture under two names: one of them shows the wrong thing. */
  pixels = g_malloc ((gsize) width * height * 4);
  gdk_texture_download (texture, pixels, (gsize) width * 4);
  sum = g_compute_checksum_for_data (G_CHECKSUM_SHA256, pixels, (gsize) width * height * 4);
  other = g_hash_table_lookup (saved_pictures (), sum);
  if (other != NULL && g_strcmp0 (other, name) != 0)
    g_error ("The picture “%s” is the same as “%s”", name, other);
  g_hash_table_insert (saved_pictures (), g_steal_pointer (&sum), g_strdup (name));

  g_mkdir_with_parents (dir, 0755);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("saved %s", path);
}

/* A picture of @window showing @view, which must be the view on screen. */
G_GNUC_UNUSED static void
save_view_png (GtkWidget  *window,
               GtkWidget  *view,
               const char *name,
               const char *lang)
{
  wait_for_draw (window);
  assert_view_visible (view);
  save_png (window, name, lang);
}

/* Every mapped label under @widget with a mnemonic, by its key (lower
 * case: Alt+S and Alt+Shift+S are one key to the user). */
G_GNUC_UNUSED static void
collect_mnemonics (GtkWidget  *widget,
                   GHashTable *keys)
{
  if (!gtk_widget_get_mapped (widget))
    return;
  if (GTK_IS_LABEL (widget))
    {
      guint key = gtk_label_get_mnemonic_keyval (GTK_LABEL (widget));

      if (key != GDK_KEY_VoidSymbol)
        {
          GPtrArray *labels = g_hash_table_lookup (keys, GUINT_TO_POINTER (gdk_keyval_to_lower (key)));

          if (labels == NULL)
            {
              labels = g_ptr_array_new ();
              g_hash_table_insert (keys, GUINT_TO_POINTER (gdk_keyval_to_lower (key)), labels);
            }
          g_ptr_array_add (labels, (gpointer) gtk_label_get_label (GTK_LABEL (widget)));
        }
    }
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    collect_mnemonics (c, keys);
}

/* Fails when two widgets the user sees in @window (@where: which page)
 * answer the same Alt+key: the second would need the key pressed twice,
 * and a row's button repeated on every row makes the key useless. */
G_GNUC_UNUSED static void
assert_mnemonics_unique (GtkWidget  *window,
                         const char *where)
{
  g_autoptr(GHashTable) keys = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_ptr_array_unref);
  g_autoptr(GString) shared = g_string_new (NULL);
  GHashTableIter iter;
  gpointer key, value;

  wait_for_draw (window);
  collect_mnemonics (window, keys);
  g_hash_table_iter_init (&iter, keys);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      GPtrArray *labels = value;

      if (labels->len < 2)
        continue;
      g_string_append_printf (shared, "\n  Alt+%s:", gdk_keyval_name (GPOINTER_TO_UINT (key)));
      for (guint i = 0; i < labels->len; i++)
        g_string_append_printf (shared, " “%s”", (const char *) labels->pdata[i]);
    }
  if (shared->len > 0)
    g_error ("%s: visible widgets share a mnemonic:%s", where, shared->str);
}

/* Signs @staff_id in on @window as its Switch User dialog does: the
 * dialog opens, the user is chosen, it says so and closes. */
G_GNUC_UNUSED static void
switch_user (GtkWindow  *window,
             KefuDb     *db,
             const char *staff_id)
{
  g_autoptr(GError) error = NULL;
  GListModel *toplevels = gtk_window_get_toplevels ();
  GtkWindow *dialog = NULL;

  g_assert_nonnull (staff_id);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.switch-user", NULL));
  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) w = g_list_model_get_item (toplevels, i);

      if (gtk_window_get_transient_for (w) == window && g_signal_lookup ("switched", G_OBJECT_TYPE (w)) != 0)
        dialog = w;
    }
  g_assert_nonnull (dialog);
  g_assert_true (kefu_org_set_current_user (db, staff_id, &error));
  g_assert_no_error (error);
  g_signal_emit_by_name (dialog, "switched");
  gtk_window_destroy (dialog);
}

/* The test program's one registered application, as in the real
 * program; @drop: let it go (at the end). */
G_GNUC_UNUSED static KefuApplication *
test_application (gboolean drop)
{
  static KefuApplication *app;
  g_autoptr(GError) error = NULL;

  if (drop)
    {
      g_clear_object (&app);
      return NULL;
    }
  if (app == NULL)
    {
      app = kefu_application_new ();
      g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
      g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
      g_assert_no_error (error);
    }
  return app;
}

/* The main window on @db at 1280×800, presented and drawn. */
G_GNUC_UNUSED static KefuWindow *
open_test_window (KefuDb *db)
{
  KefuApplication *app = test_application (FALSE);
  KefuWindow *window;

  kefu_application_set_db (app, db);
  window = kefu_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_present (GTK_WINDOW (window));
  wait_for_draw (GTK_WIDGET (window));
  return window;
}

G_GNUC_UNUSED static void
close_test_window (KefuWindow *window)
{
  gtk_window_destroy (GTK_WINDOW (window));
  for (guint i = 0; i < 20; i++)
    g_main_context_iteration (NULL, FALSE);
  kefu_application_set_db (test_application (FALSE), NULL);
}

/* Translations from the build tree, GTK and libadwaita for a test. */
G_GNUC_UNUSED static void
ui_test_init (int    *argc,
              char ***argv)
{
  const char *localedir = g_getenv ("KEFU_LOCALEDIR");

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  gtk_test_init (argc, argv, NULL);
  /* gtk_test_init() switches to en_US: dates and numbers as users see
   * them. */
  setlocale (LC_ALL, "");
  adw_init ();
}

/* Runs the tests, then lets the application go. */
G_GNUC_UNUSED static int
ui_test_run (void)
{
  int ret = g_test_run ();

  test_application (TRUE);
  return ret;
}

/* Mapped labels under @widget whose text is cut short ("All chann…"). */
G_GNUC_UNUSED static void
collect_ellipsized (GtkWidget *widget,
                    GString   *found)
{
  if (!gtk_widget_get_mapped (widget))
    return;
  if (GTK_IS_LABEL (widget) && pango_layout_is_ellipsized (gtk_label_get_layout (GTK_LABEL (widget))))
    g_string_append_printf (found, " “%s”", gtk_label_get_text (GTK_LABEL (widget)));
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    collect_ellipsized (c, found);
}

/* Fails when a drop-down under @root, as shown now, cuts its choice
 * short: a filter the user cannot read. */
G_GNUC_UNUSED static void
assert_dropdowns_readable (GtkWidget  *root,
                           const char *where)
{
  g_autoptr(GPtrArray) queue = g_ptr_array_new ();
  g_autoptr(GString) cut = g_string_new (NULL);

  wait_for_draw (root);
  g_ptr_array_add (queue, root);
  while (queue->len > 0)
    {
      GtkWidget *w = g_ptr_array_steal_index (queue, queue->len - 1);

      if (GTK_IS_DROP_DOWN (w))
        collect_ellipsized (w, cut);
      else
        for (GtkWidget *c = gtk_widget_get_first_child (w); c; c = gtk_widget_get_next_sibling (c))
          g_ptr_array_add (queue, c);
    }
  if (cut->len > 0)
    g_error ("%s: drop-downs cut their text short:%s", where, cut->str);
}
