/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "kefu-preferences"

#include "config.h"

#include <glib/gi18n.h>

#include "kefu-application.h"
#include "kefu-org.h"
#include "kefu-preferences-window.h"
#include "kefu-server-page.h"

/* Only settings that change something today: the style, whether deleting
 * asks first, the follow-up delay and the time-limit warning for cases,
 * and where the data lives (shown, not edited). */

#define KEFU_TYPE_PREFERENCES_WINDOW (kefu_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (KefuPreferencesWindow, kefu_preferences_window, KEFU, PREFERENCES_WINDOW, AdwPreferencesWindow)

struct _KefuPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  /* template children */
  GtkSwitch            *confirm_delete_switch;
  AdwActionRow         *database_row;
  GtkSpinButton        *follow_up_spin;
  AdwActionRow         *office_row;
  AdwComboRow          *style_row;
  GtkSpinButton        *warn_percent_spin;

  GSettings            *settings;
  KefuDb               *db;
};

G_DEFINE_FINAL_TYPE (KefuPreferencesWindow, kefu_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

/* In the order of the style row's items. */
static const char *color_schemes[] = { "default", "light", "dark" };

/* --- helpers --------------------------------------------------------- */

static gboolean
style_get_mapping (GValue   *value,
                   GVariant *variant,
                   gpointer  user_data)
{
  const char *scheme = g_variant_get_string (variant, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (color_schemes); i++)
    if (g_strcmp0 (scheme, color_schemes[i]) == 0)
      {
        g_value_set_uint (value, i);
        return TRUE;
      }
  g_value_set_uint (value, 0);
  return TRUE;
}

static GVariant *
style_set_mapping (const GValue       *value,
                   const GVariantType *expected_type,
                   gpointer            user_data)
{
  guint i = g_value_get_uint (value);

  if (i >= G_N_ELEMENTS (color_schemes))
    return NULL;
  return g_variant_new_string (color_schemes[i]);
}

static void
apply_color_scheme (GSettings *settings)
{
  g_autofree char *scheme = g_settings_get_string (settings, "color-scheme");
  AdwColorScheme value = ADW_COLOR_SCHEME_DEFAULT;

  if (g_strcmp0 (scheme, "light") == 0)
    value = ADW_COLOR_SCHEME_FORCE_LIGHT;
  else if (g_strcmp0 (scheme, "dark") == 0)
    value = ADW_COLOR_SCHEME_FORCE_DARK;

  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), value);
}

static void
load_data (KefuPreferencesWindow *self)
{
  g_autoptr(KefuOrgUnit) office = kefu_org_get_office (self->db);

  adw_action_row_set_subtitle (self->database_row, kefu_db_get_path (self->db));
  if (office != NULL)
    {
      /* Translators: the office: name (branch code) */
      g_autofree char *text = g_strdup_printf (_("%s (%s)"), office->name, office->code);

      adw_action_row_set_subtitle (self->office_row, text);
    }
  else
    adw_action_row_set_subtitle (self->office_row, _("Not set up yet"));
}

/* --- signal callbacks ------------------------------------------------ */

static void
color_scheme_changed_cb (GSettings  *settings,
                         const char *key,
                         gpointer    user_data)
{
  apply_color_scheme (settings);
}

static void
on_copy_clicked_cb (KefuPreferencesWindow *self)
{
  GdkClipboard *clipboard = gtk_widget_get_clipboard (GTK_WIDGET (self));

  gdk_clipboard_set_text (clipboard, kefu_db_get_path (self->db));
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self),
                                    adw_toast_new (_("Path copied")));
}

/* --- GObject --------------------------------------------------------- */

static void
kefu_preferences_window_dispose (GObject *object)
{
  KefuPreferencesWindow *self = (KefuPreferencesWindow *) object;

  gtk_widget_dispose_template (GTK_WIDGET (self), KEFU_TYPE_PREFERENCES_WINDOW);
  g_clear_object (&self->settings);
  g_clear_object (&self->db);
  G_OBJECT_CLASS (kefu_preferences_window_parent_class)->dispose (object);
}

static void
kefu_preferences_window_class_init (KefuPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kefu_preferences_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/kefu/Kefu/kefu-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, KefuPreferencesWindow, confirm_delete_switch);
  gtk_widget_class_bind_template_child (widget_class, KefuPreferencesWindow, database_row);
  gtk_widget_class_bind_template_child (widget_class, KefuPreferencesWindow, follow_up_spin);
  gtk_widget_class_bind_template_child (widget_class, KefuPreferencesWindow, office_row);
  gtk_widget_class_bind_template_child (widget_class, KefuPreferencesWindow, style_row);
  gtk_widget_class_bind_template_child (widget_class, KefuPreferencesWindow, warn_percent_spin);
  gtk_widget_class_bind_template_callback (widget_class, on_copy_clicked_cb);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
kefu_preferences_window_init (KefuPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/* --- public API ------------------------------------------------------ */

/**
 * kefu_preferences_window_new:
 *
 * Returns: (transfer none): a new modal preferences window; present it
 */
GtkWindow *
kefu_preferences_window_new (GtkWindow *parent,
                             GSettings *settings,
                             KefuDb    *db)
{
  KefuPreferencesWindow *self;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);
  g_return_val_if_fail (KEFU_IS_DB (db), NULL);

  self = g_object_new (KEFU_TYPE_PREFERENCES_WINDOW,
                       "transient-for", parent,
                       "modal", TRUE,
                       NULL);
  self->settings = g_object_ref (settings);
  self->db = g_object_ref (db);

  /* The style follows the key live through kefu_preferences_apply_color_scheme(). */
  kefu_preferences_apply_color_scheme (settings);
  g_settings_bind_with_mapping (settings, "color-scheme",
                                self->style_row, "selected",
                                G_SETTINGS_BIND_DEFAULT,
                                style_get_mapping, style_set_mapping,
                                NULL, NULL);
  g_settings_bind (settings, "confirm-delete",
                   self->confirm_delete_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "follow-up-days",
                   self->follow_up_spin, "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "sla-warn-percent",
                   self->warn_percent_spin, "value",
                   G_SETTINGS_BIND_DEFAULT);
  load_data (self);

  {
    GApplication *app = g_application_get_default ();
    KefuSyncClient *sync = KEFU_IS_APPLICATION (app) ? kefu_application_get_sync (KEFU_APPLICATION (app)) : NULL;

    if (sync != NULL)
      adw_preferences_window_add (ADW_PREFERENCES_WINDOW (self),
                                  ADW_PREFERENCES_PAGE (kefu_server_page_new (sync)));
  }

  return GTK_WINDOW (self);
}

/**
 * kefu_preferences_apply_color_scheme:
 * @settings: the application's settings
 *
 * Applies the "color-scheme" key to the style manager now, and again
 * whenever the key changes (from the preferences window or from outside),
 * for as long as @settings lives. Call it once at startup; further calls
 * only re-apply.
 */
void
kefu_preferences_apply_color_scheme (GSettings *settings)
{
  g_return_if_fail (G_IS_SETTINGS (settings));

  if (g_object_get_data (G_OBJECT (settings), "kefu-color-scheme-watched") == NULL)
    {
      g_object_set_data (G_OBJECT (settings), "kefu-color-scheme-watched", GINT_TO_POINTER (TRUE));
      g_signal_connect (settings, "changed::color-scheme", G_CALLBACK (color_scheme_changed_cb), NULL);
    }
  apply_color_scheme (settings);
}
