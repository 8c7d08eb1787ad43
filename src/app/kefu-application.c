/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "kefu-application"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kefu-application.h"
#include "kefu-report-pages.h"
#include "kefu-preferences-window.h"
#include "kefu-secret.h"
#include "kefu-window.h"

struct _KefuApplication
{
  AdwApplication  parent_instance;

  KefuDb         *db;
  KefuSyncClient *sync;
  GSettings      *settings;
  char           *database_path;
  char           *pending_call;     /* --incoming-call, for after the first activate */
  gboolean        measure_startup;
  guint           checkpoint_id;
};

G_DEFINE_FINAL_TYPE (KefuApplication, kefu_application, ADW_TYPE_APPLICATION)

static gint64 start_time;

static const GOptionEntry option_entries[] = {
  { "database", 'd', 0, G_OPTION_ARG_FILENAME, NULL,
    N_("Use the database file at PATH"), N_("PATH") },
  { "incoming-call", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("Screen pop: open intake with the caller NUMBER looked up (in the running instance, if there is one)"), N_("NUMBER") },
  { "measure-startup", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Print the time to the first frame and the memory used, then quit"), NULL },
  { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Show the version"), NULL },
  { "report", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("Write the monthly report of month=YYYY-MM without a window (with --pdf or --xlsx)"), N_("month=YYYY-MM") },
  { "scope", 0, 0, G_OPTION_ARG_STRING, NULL, N_("The report’s branch, city or province CODE (default: all)"), N_("CODE") },
  { "pdf", 0, 0, G_OPTION_ARG_FILENAME, NULL, N_("Write the report as PDF to FILE"), N_("FILE") },
  { "xlsx", 0, 0, G_OPTION_ARG_FILENAME, NULL, N_("Write the report as a spreadsheet to FILE"), N_("FILE") },
  { NULL }
};

/* --- helpers --------------------------------------------------------- */

static long
read_rss_kb (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return -1;
  line = strstr (status, "VmRSS:");
  if (line == NULL)
    return -1;
  return strtol (line + 6, NULL, 10);
}

static void
show_fatal_error (KefuApplication *self,
                  const char      *heading,
                  const char      *body)
{
  GtkWidget *dialog = adw_message_dialog_new (NULL, heading, body);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_set_application (GTK_WINDOW (dialog), GTK_APPLICATION (self));
  g_signal_connect_swapped (dialog, "response", G_CALLBACK (gtk_window_destroy), dialog);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
after_first_frame_cb (GdkFrameClock   *clock,
                      KefuApplication *self)
{
  gint64 elapsed = g_get_monotonic_time () - start_time;

  g_signal_handlers_disconnect_by_func (clock, after_first_frame_cb, self);
  g_print ("startup_ms=%" G_GINT64_FORMAT " rss_kb=%ld\n", elapsed / 1000, read_rss_kb ());
  fflush (stdout);
  g_application_quit (G_APPLICATION (self));
}

static void
window_mapped_cb (GtkWidget       *window,
                  KefuApplication *self)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (window);

  g_signal_connect (clock, "after-paint", G_CALLBACK (after_first_frame_cb), self);
}

static KefuWindow *
find_main_window (KefuApplication *self)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l; l = l->next)
    if (KEFU_IS_WINDOW (l->data))
      return l->data;
  return NULL;
}

/* --- actions --------------------------------------------------------- */

/* The screen pop (来电弹屏): a phone system reports a call, over D-Bus
 * (org.gtk.Actions) or through kefu --incoming-call NUMBER. */
static void
incoming_call_action (GSimpleAction *action,
                      GVariant      *param,
                      gpointer       user_data)
{
  KefuApplication *self = user_data;
  g_autofree char *number = g_strstrip (g_strdup (g_variant_get_string (param, NULL)));
  KefuWindow *window;

  if (*number == '\0')
    {
      g_warning ("An incoming call without a number was ignored");
      return;
    }
  window = find_main_window (self);
  if (window == NULL)
    {
      g_application_activate (G_APPLICATION (self));
      window = find_main_window (self);
    }
  /* No window: the database could not be opened, and that is shown. */
  if (window == NULL)
    return;
  gtk_window_present (GTK_WINDOW (window));
  kefu_window_open_intake (window, number);
}

static void
quit_action (GSimpleAction *action,
             GVariant      *param,
             gpointer       user_data)
{
  KefuApplication *self = user_data;
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (self));

  for (GList *l = windows; l; l = l->next)
    gtk_window_close (l->data);
}

static void
preferences_action (GSimpleAction *action,
                    GVariant      *param,
                    gpointer       user_data)
{
  KefuApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  GtkWindow *prefs = kefu_preferences_window_new (parent, self->settings, self->db);

  gtk_window_present (prefs);
}

static void
about_action (GSimpleAction *action,
              GVariant      *param,
              gpointer       user_data)
{
  KefuApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  static const char *developers[] = { "Kefu developers", NULL };
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", parent,
                        "modal", TRUE,
                        "application-icon", APPLICATION_ID,
                        "application-name", _("Kefu"),
                        "developer-name", _("Kefu developers"),
                        "version", PACKAGE_VERSION,
                        "comments", _("Service center for courier branch offices: intake, cases and claims, customer files, knowledge base, training, dashboards and the organisation directory."),
                        "website", "https://kefu.io",
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "developers", developers,
                        /* Translators: put your names here, one per line */
                        "translator-credits", _("translator-credits"),
                        NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static const GActionEntry app_actions[] = {
  { "quit", quit_action },
  { "preferences", preferences_action },
  { "about", about_action },
  { "incoming-call", incoming_call_action, "s" },
};

/* --- GApplication ---------------------------------------------------- */

static int
kefu_application_handle_local_options (GApplication *app,
                                       GVariantDict *options)
{
  KefuApplication *self = KEFU_APPLICATION (app);
  const char *path = NULL;
  const char *number = NULL;

  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("kefu %s\n", PACKAGE_VERSION);
      return 0;
    }
  if (g_variant_dict_lookup (options, "database", "^&ay", &path))
    self->database_path = g_canonicalize_filename (path, NULL);
  if (g_variant_dict_contains (options, "report"))
    {
      const char *spec = NULL, *scope = NULL, *pdf = NULL, *xlsx = NULL;

      /* Headless: no display, no window. */
      g_variant_dict_lookup (options, "report", "&s", &spec);
      g_variant_dict_lookup (options, "scope", "&s", &scope);
      g_variant_dict_lookup (options, "pdf", "^&ay", &pdf);
      g_variant_dict_lookup (options, "xlsx", "^&ay", &xlsx);
      return kefu_report_run_headless (self->database_path, spec, scope, pdf, xlsx);
    }
  self->measure_startup = g_variant_dict_contains (options, "measure-startup");
  /* A measurement must not hand its work to an instance already running. */
  if (self->measure_startup)
    g_application_set_flags (app, g_application_get_flags (app) | G_APPLICATION_NON_UNIQUE);

  if (g_variant_dict_lookup (options, "incoming-call", "&s", &number))
    {
      g_autofree char *clean = g_strstrip (g_strdup (number));
      g_autoptr(GError) error = NULL;

      if (*clean == '\0')
        {
          g_printerr ("%s\n", _("kefu: --incoming-call needs the caller’s phone number."));
          return 1;
        }
      if (!g_application_register (app, NULL, &error))
        {
          g_printerr ("kefu: %s\n", error->message);
          return 1;
        }
      /* A running instance takes the call; this process is done. */
      if (g_application_get_is_remote (app))
        {
          g_action_group_activate_action (G_ACTION_GROUP (app), "incoming-call", g_variant_new_string (clean));
          return 0;
        }
      /* The first instance: once its window is up (see activate). */
      g_free (self->pending_call);
      self->pending_call = g_steal_pointer (&clean);
    }

  return G_APPLICATION_CLASS (kefu_application_parent_class)->handle_local_options (app, options);
}

/* Keeps the write-ahead log short between saves, so the checkpoint does
 * not land on a save at the counter. */
static gboolean
checkpoint_cb (gpointer user_data)
{
  KefuApplication *self = user_data;

  if (self->db != NULL)
    kefu_db_checkpoint (self->db);
  return G_SOURCE_CONTINUE;
}

static void
kefu_application_startup (GApplication *app)
{
  KefuApplication *self = KEFU_APPLICATION (app);
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *prefs_accels[] = { "<Control>comma", NULL };
  static const char *intake_accels[] = { "<Control>i", NULL };

  G_APPLICATION_CLASS (kefu_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.preferences", prefs_accels);
  /* Intake from anywhere in the application (the action of each window). */
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.intake", intake_accels);

  self->settings = g_settings_new (APPLICATION_ID);
  kefu_preferences_apply_color_scheme (self->settings);
  self->checkpoint_id = g_timeout_add_seconds (20, checkpoint_cb, self);
}

static void
kefu_application_activate (GApplication *app)
{
  KefuApplication *self = KEFU_APPLICATION (app);
  g_autoptr(GError) error = NULL;
  GtkWindow *window;

  window = gtk_application_get_active_window (GTK_APPLICATION (self));
  if (window != NULL)
    {
      gtk_window_present (window);
      return;
    }

  if (self->db == NULL)
    {
      g_autofree char *path = NULL;
      g_autofree char *configured = g_settings_get_string (self->settings, "database-path");

      if (self->database_path)
        path = g_strdup (self->database_path);
      else if (configured && *configured)
        path = g_strdup (configured);
      else
        path = kefu_db_default_path ();

      self->db = kefu_db_open (path, &error);
      if (self->db == NULL)
        {
          g_autofree char *body = g_strdup_printf (_("Kefu could not open its database.\n\n%s"), error->message);

          show_fatal_error (self, _("Cannot Open the Database"), body);
          return;
        }
    }

  window = GTK_WINDOW (kefu_window_new (self));
  if (self->measure_startup)
    g_signal_connect (window, "map", G_CALLBACK (window_mapped_cb), self);
  gtk_window_present (window);

  if (self->pending_call != NULL)
    {
      g_autofree char *number = g_steal_pointer (&self->pending_call);

      g_action_group_activate_action (G_ACTION_GROUP (self), "incoming-call", g_variant_new_string (number));
    }
}

/* --- GObject --------------------------------------------------------- */

static void
kefu_application_finalize (GObject *object)
{
  KefuApplication *self = (KefuApplication *) object;

  g_clear_handle_id (&self->checkpoint_id, g_source_remove);
  g_clear_object (&self->sync);
  g_clear_object (&self->db);
  g_clear_object (&self->settings);
  g_free (self->database_path);
  g_free (self->pending_call);

  G_OBJECT_CLASS (kefu_application_parent_class)->finalize (object);
}

static void
kefu_application_class_init (KefuApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = kefu_application_finalize;
  app_class->handle_local_options = kefu_application_handle_local_options;
  app_class->startup = kefu_application_startup;
  app_class->activate = kefu_application_activate;
}

static void
kefu_application_init (KefuApplication *self)
{
  GOptionEntry entries[G_N_ELEMENTS (option_entries)];

  /* Translate the descriptions now that the text domain is bound. */
  for (guint i = 0; i < G_N_ELEMENTS (option_entries); i++)
    {
      entries[i] = option_entries[i];
      if (entries[i].description)
        entries[i].description = _(entries[i].description);
      if (entries[i].arg_description)
        entries[i].arg_description = _(entries[i].arg_description);
    }
  g_application_add_main_option_entries (G_APPLICATION (self), entries);
}

/* --- public API ------------------------------------------------------ */

KefuApplication *
kefu_application_new (void)
{
  return g_object_new (KEFU_TYPE_APPLICATION,
                       "application-id", APPLICATION_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", "/io/kefu/Kefu",
                       NULL);
}

/* Returns: (transfer none) (nullable): the open database */
KefuDb *
kefu_application_get_db (KefuApplication *self)
{
  g_return_val_if_fail (KEFU_IS_APPLICATION (self), NULL);
  return self->db;
}

static void
password_found_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(KefuSyncClient) sync = user_data;
  g_autoptr(GError) error = NULL;
  char *password = kefu_secret_lookup_finish (result, &error);

  if (password == NULL)
    {
      g_message ("No server password in the keyring (%s): sync waits for a sign-in",
                 error ? error->message : "not stored");
      return;
    }
  kefu_sync_client_resume (sync, password);
  kefu_secret_free (password);
}

/**
 * kefu_application_get_sync:
 *
 * The sync engine of the open database, made on first use; when this
 * computer is signed in to a server, syncing resumes as soon as the
 * password is read from the keyring.
 *
 * Returns: (transfer none) (nullable): the engine, or %NULL without a
 *   database
 */
KefuSyncClient *
kefu_application_get_sync (KefuApplication *self)
{
  g_return_val_if_fail (KEFU_IS_APPLICATION (self), NULL);

  if (self->sync == NULL && self->db != NULL)
    {
      self->sync = kefu_sync_client_new (kefu_db_get_path (self->db));
      kefu_sync_client_watch (self->sync, self->db);
      if (kefu_sync_client_is_signed_in (self->sync))
        kefu_secret_lookup_async (kefu_sync_client_get_url (self->sync),
                                  kefu_sync_client_get_username (self->sync),
                                  NULL, password_found_cb, g_object_ref (self->sync));
    }
  return self->sync;
}

GSettings *
kefu_application_get_settings (KefuApplication *self)
{
  g_return_val_if_fail (KEFU_IS_APPLICATION (self), NULL);
  return self->settings;
}

/* For tests and tools that open the database themselves. */
void
kefu_application_set_db (KefuApplication *self,
                         KefuDb          *db)
{
  g_return_if_fail (KEFU_IS_APPLICATION (self));
  if (g_set_object (&self->db, db))
    g_clear_object (&self->sync);   /* the engine belongs to one database */
}

void
_kefu_application_mark_start (void)
{
  start_time = g_get_monotonic_time ();
}
