/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <locale.h>

#include "kefu-application.h"
#include "kefu-cases.h"
#include "kefu-conflicts-dialog.h"
#include "kefu-customers.h"
#include "kefu-org.h"
#include "kefu-preferences-window.h"
#include "kefu-secret.h"
#include "kefu-server-page.h"
#include "kefu-sync-button.h"
#include "kefu-sync-local.h"
#include "kefu-test-sync.h"
#include "kefu-test-ui.h"
#include "kefu-window.h"

/* The real window signs in to a real kefu-server from Preferences →
 * Server (the password goes to a real Secret Service: gnome-keyring on
 * the test's D-Bus session), shows its sync state in the header bar, and
 * lists a conflict that a supervisor resolves. */

static GSubprocess *keyring;

/* gnome-keyring's secrets component on this session bus, its login
 * keyring unlocked, unless a Secret Service already runs here. */
static void
start_keyring (void)
{
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (bus);
  for (guint i = 0; i < 200; i++)
    {
      g_autoptr(GVariant) owned = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                                               "org.freedesktop.DBus", "NameHasOwner",
                                                               g_variant_new ("(s)", "org.freedesktop.secrets"),
                                                               G_VARIANT_TYPE ("(b)"), 0, -1, NULL, NULL);
      gboolean has = FALSE;

      if (owned)
        g_variant_get (owned, "(b)", &has);
      if (has)
        return;
      if (keyring == NULL)
        {
          g_autoptr(GSubprocessLauncher) launcher =
            g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                       G_SUBPROCESS_FLAGS_STDERR_SILENCE);

          g_subprocess_launcher_set_child_setup (launcher, kefu_test_die_with_parent, NULL, NULL);
          keyring = g_subprocess_launcher_spawn (launcher, &error, "gnome-keyring-daemon", "--foreground",
                                                 "--unlock", "--components=secrets", NULL);
          g_assert_no_error (error);
          /* --unlock reads the login keyring's password from stdin and
           * creates that keyring (the default collection) with it. */
          g_output_stream_write_all (g_subprocess_get_stdin_pipe (keyring), "kefu-test", 9, NULL, NULL, NULL);
          g_output_stream_close (g_subprocess_get_stdin_pipe (keyring), NULL, NULL);
        }
      g_usleep (50000);
    }
  g_error ("No Secret Service came up on the session bus");
}

static gboolean
wait_until (gboolean (*done) (gpointer),
            gpointer  data)
{
  gint64 end = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (!done (data))
    {
      if (g_get_monotonic_time () > end)
        return FALSE;
      g_main_context_iteration (NULL, FALSE);
      g_usleep (2000);
    }
  return TRUE;
}

static gboolean
is_settled (gpointer data)
{
  KefuSyncState state = kefu_sync_client_get_state (data);

  return state == KEFU_SYNC_STATE_SYNCED || state == KEFU_SYNC_STATE_OFFLINE || state == KEFU_SYNC_STATE_ERROR;
}

typedef struct
{
  gboolean  done;
  char     *password;
} Lookup;

static void
looked_up_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Lookup *l = user_data;

  l->password = kefu_secret_lookup_finish (result, NULL);
  l->done = TRUE;
}

static gboolean
lookup_done (gpointer data)
{
  return ((Lookup *) data)->done;
}

static gboolean
nothing_pending (gpointer data)
{
  return kefu_sync_local_pending_count (data) == 0;
}

static gboolean
page_settled (gpointer data)
{
  return g_strcmp0 (_kefu_server_page_get_status (data), _("Signing in…")) != 0;
}

static void
run_sync (KefuSyncClient *client)
{
  kefu_sync_client_sync_now (client);
  g_assert_true (wait_until (is_settled, client));
}

static void
test_sign_in_state_and_conflicts (void)
{
  const char *lang = g_getenv ("KEFU_TEST_LANG") ? g_getenv ("KEFU_TEST_LANG") : "en";
  g_autoptr(KefuTestServer) server = kefu_test_server_start ();
  g_autofree char *branch = kefu_test_server_add_branch (server, "S1", "上海一号营业部");
  g_autoptr(KefuTestDb) t = kefu_test_db_new (TRUE);
  g_autoptr(KefuTestDb) other = kefu_test_db_new (TRUE);
  g_autoptr(KefuSyncClient) other_client = NULL;
  g_autoptr(KefuApplication) app = kefu_application_new ();
  g_autoptr(GError) error = NULL;
  KefuSyncClient *client;
  KefuWindow *window;
  GtkWindow *prefs;
  GtkWidget *page;
  KefuSyncButton *button;
  Lookup lookup = { 0 };
  g_autofree char *customer_id = NULL;
  g_autofree char *case_id = NULL;
  g_autofree char *super_id = NULL;
  GtkWindow *dialog;

  super_id = kefu_test_server_add_staff_user (server, "s1-super", "沈主管", "supervisor", branch);
  kefu_test_server_add_user (server, "s1-agent", "agent", branch);
  start_keyring ();

  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  kefu_application_set_db (app, t->db);
  window = kefu_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_present (GTK_WINDOW (window));
  wait_for_draw (GTK_WIDGET (window));
  client = kefu_application_get_sync (app);
  button = KEFU_SYNC_BUTTON (kefu_window_get_sync_button (window));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (button)));

  /* Preferences → Server: a wrong password is refused with a sentence. */
  prefs = kefu_preferences_window_new (GTK_WINDOW (window), kefu_application_get_settings (app), t->db);
  gtk_window_present (prefs);
  adw_preferences_window_set_visible_page_name (ADW_PREFERENCES_WINDOW (prefs), "server");
  page = GTK_WIDGET (adw_preferences_window_get_visible_page (ADW_PREFERENCES_WINDOW (prefs)));
  g_assert_true (KEFU_IS_SERVER_PAGE (page));
  _kefu_server_page_sign_in (KEFU_SERVER_PAGE (page), server->url, "s1-super", "wrong-password");
  g_assert_true (wait_until (page_settled, page));
  g_assert_false (kefu_sync_client_is_signed_in (client));
  g_assert_nonnull (strstr (_kefu_server_page_get_status (KEFU_SERVER_PAGE (page)),
                            _("The server did not accept the user name or password. Sign in again in Preferences.")));
  save_png (GTK_WIDGET (prefs), "sync-server-refused", lang);

  /* The right one signs in, stores the password in the Secret Service and
   * syncs. */
  _kefu_server_page_sign_in (KEFU_SERVER_PAGE (page), server->url, "s1-super", "password-s1-super");
  g_assert_true (wait_until ((gboolean (*) (gpointer)) kefu_sync_client_is_signed_in, client));
  /* From the moment of the sign-in, what this window writes carries the
   * server's staff record, not the first-run administrator. */
  g_assert_cmpstr (kefu_db_get_actor (t->db), ==, super_id);
  g_assert_true (wait_until (is_settled, client));
  g_assert_cmpint (kefu_sync_client_get_state (client), ==, KEFU_SYNC_STATE_SYNCED);
  save_png (GTK_WIDGET (prefs), "sync-server-signed-in", lang);
  kefu_secret_lookup_async (server->url, "s1-super", NULL, looked_up_cb, &lookup);
  g_assert_true (wait_until (lookup_done, &lookup));
  g_assert_cmpstr (lookup.password, ==, "password-s1-super");
  kefu_secret_free (lookup.password);
  gtk_window_destroy (prefs);

  /* The header bar says so; the first-run administrator became the
   * server's staff record of the account. */
  {
    g_autoptr(KefuStaff) me = kefu_org_get_current_user (t->db);

    g_assert_cmpstr (me->id, ==, super_id);
    g_assert_cmpstr (me->name, ==, "沈主管");
  }
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (button)));
  g_assert_cmpstr (_kefu_sync_button_get_text (button), ==, _("Synced"));
  save_png (GTK_WIDGET (window), "sync-header-synced", lang);

  /* A case, edited on this computer and on another one of the branch
   * while apart. */
  {
    g_autoptr(KefuCustomer) c = kefu_customer_new ();
    g_autoptr(KefuCase) k = kefu_case_new ();

    c->name = g_strdup ("贾宝玉");
    c->kind = g_strdup ("person");
    kefu_customer_add_contact (c, "phone", "mobile", "13511112222");
    g_assert_true (kefu_customers_create (t->db, c, &error));
    k->customer_id = g_strdup (c->id);
    k->kind = g_strdup ("complaint");
    k->channel = g_strdup ("counter");
    k->subject = g_strdup ("快递柜取件码失效");
    g_assert_true (kefu_cases_create (t->db, k, &error));
    g_assert_no_error (error);
    customer_id = g_strdup (c->id);
    case_id = g_strdup (k->id);
  }
  /* Soon after a local change the engine sends it by itself. */
  g_assert_cmpint (kefu_sync_local_pending_count (t->db), >, 0);
  g_assert_true (wait_until (nothing_pending, t->db));
  g_assert_true (wait_until (is_settled, client));
  other_client = kefu_sync_client_new (other->path);
  g_assert_true (kefu_sync_client_sign_in_sync (other_client, server->url, "s1-agent", "password-s1-agent", &error));
  g_assert_true (kefu_sync_client_sync_sync (other_client, &error));
  g_assert_no_error (error);
  g_assert_true (kefu_cases_set_status (other->db, case_id, "in_progress", NULL, &error));
  g_assert_true (kefu_cases_set_status (other->db, case_id, "resolved", "已重新发送取件码", &error));
  g_assert_no_error (error);
  g_assert_true (kefu_sync_client_sync_sync (other_client, &error));

  /* Offline here: the server is gone; the header bar counts what waits. */
  kefu_test_server_kill (server);
  g_assert_true (kefu_cases_set_status (t->db, case_id, "in_progress", NULL, &error));
  g_assert_true (kefu_cases_set_status (t->db, case_id, "waiting", "等待客户回复", &error));
  g_assert_no_error (error);
  run_sync (client);
  g_assert_cmpint (kefu_sync_client_get_state (client), ==, KEFU_SYNC_STATE_OFFLINE);
  g_assert_cmpint (kefu_sync_client_get_pending (client), >, 0);
  save_png (GTK_WIDGET (window), "sync-header-offline", lang);
  {
    /* The popover is a surface of its own: its own picture. */
    GtkMenuButton *menu = GTK_MENU_BUTTON (gtk_widget_get_first_child (GTK_WIDGET (button)));

    kefu_sync_button_popup (button);
    save_png (GTK_WIDGET (gtk_menu_button_get_popover (menu)), "sync-popover-offline", lang);
    gtk_popover_popdown (gtk_menu_button_get_popover (menu));
  }

  /* Back online: what waited is sent, the lost change is a conflict. */
  kefu_test_server_serve (server, server->port);
  run_sync (client);
  g_assert_cmpint (kefu_sync_client_get_state (client), ==, KEFU_SYNC_STATE_SYNCED);
  g_assert_cmpint (kefu_sync_local_pending_count (t->db), ==, 0);
  g_assert_cmpint (kefu_sync_client_get_open_conflicts (client), >, 0);

  dialog = kefu_conflicts_dialog_new (GTK_WINDOW (window), t->db, client);
  gtk_window_present (dialog);
  g_assert_cmpuint (_kefu_conflicts_dialog_get_n_rows (KEFU_CONFLICTS_DIALOG (dialog)), >, 0);
  save_png (GTK_WIDGET (dialog), "sync-conflicts", lang);
  /* Each row's buttons have no Alt+key of their own: rows repeat them. */
  g_test_message ("%u conflicts listed", _kefu_conflicts_dialog_get_n_rows (KEFU_CONFLICTS_DIALOG (dialog)));
  assert_mnemonics_unique (GTK_WIDGET (dialog), "conflicts");
  {
    guint before = _kefu_conflicts_dialog_get_n_rows (KEFU_CONFLICTS_DIALOG (dialog));

    _kefu_conflicts_dialog_resolve (KEFU_CONFLICTS_DIALOG (dialog), 0, FALSE);
    g_assert_cmpuint (_kefu_conflicts_dialog_get_n_rows (KEFU_CONFLICTS_DIALOG (dialog)), ==, before - 1);
  }
  run_sync (client);
  g_assert_cmpint (kefu_sync_client_get_state (client), ==, KEFU_SYNC_STATE_SYNCED);
  gtk_window_destroy (dialog);

  /* A change the server refuses (only headquarters writes organisation
   * data): the popover says why in the user's language, the server's own
   * words below it as the technical detail. */
  {
    KefuDepartment d = { 0 };
    g_autofree char *expected = NULL;
    GtkMenuButton *menu = GTK_MENU_BUTTON (gtk_widget_get_first_child (GTK_WIDGET (button)));

    d.org_unit_id = branch;
    d.name = (char *) "理赔组";
    d.kind = (char *) "finance";
    g_assert_true (kefu_org_create_department (t->db, &d, &error));
    g_assert_no_error (error);
    g_free (d.id);
    run_sync (client);
    g_assert_cmpint (kefu_sync_client_get_state (client), ==, KEFU_SYNC_STATE_SYNCED);
    expected = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "The server refused %u change. %s",
                                             "The server refused %u changes. The last: %s", 1),
                                1, _("This account’s role may not make this change."));
    g_assert_cmpstr (kefu_sync_client_get_last_error (client), ==, expected);
    if (g_str_equal (lang, "zh_CN"))
      g_assert_null (strstr (expected, "refused"));
    g_assert_nonnull (strstr (kefu_sync_client_get_last_error_detail (client), "forbidden role"));
    kefu_sync_button_popup (button);
    save_png (GTK_WIDGET (gtk_menu_button_get_popover (menu)), "sync-popover-refused", lang);
    gtk_popover_popdown (gtk_menu_button_get_popover (menu));
  }

  /* Sign Out forgets the server and removes the password from the
   * keyring; the office keeps working on its own. */
  prefs = kefu_preferences_window_new (GTK_WINDOW (window), kefu_application_get_settings (app), t->db);
  gtk_window_present (prefs);
  adw_preferences_window_set_visible_page_name (ADW_PREFERENCES_WINDOW (prefs), "server");
  page = GTK_WIDGET (adw_preferences_window_get_visible_page (ADW_PREFERENCES_WINDOW (prefs)));
  _kefu_server_page_sign_out (KEFU_SERVER_PAGE (page));
  g_assert_false (kefu_sync_client_is_signed_in (client));
  g_assert_cmpint (kefu_sync_client_get_state (client), ==, KEFU_SYNC_STATE_SIGNED_OUT);
  save_png (GTK_WIDGET (prefs), "sync-server-signed-out", lang);
  gtk_window_destroy (prefs);
  wait_for_draw (GTK_WIDGET (window));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (button)));
  {
    Lookup gone = { 0 };

    /* The clear runs async: look until the keyring no longer has it. */
    for (guint i = 0; i < 50; i++)
      {
        gone.done = FALSE;
        g_clear_pointer (&gone.password, kefu_secret_free);
        kefu_secret_lookup_async (server->url, "s1-super", NULL, looked_up_cb, &gone);
        g_assert_true (wait_until (lookup_done, &gone));
        if (gone.password == NULL)
          break;
        g_usleep (20000);
      }
    g_assert_null (gone.password);
  }

  gtk_window_destroy (GTK_WINDOW (window));
  for (guint i = 0; i < 20; i++)
    g_main_context_iteration (NULL, FALSE);
  kefu_application_set_db (app, NULL);
}

int
main (int   argc,
      char *argv[])
{
  const char *localedir = g_getenv ("KEFU_LOCALEDIR");
  int ret;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/ui/sync/sign-in-state-and-conflicts", test_sign_in_state_and_conflicts);

  ret = g_test_run ();
  if (keyring != NULL)
    {
      g_subprocess_force_exit (keyring);
      g_subprocess_wait (keyring, NULL, NULL);
      g_clear_object (&keyring);
    }
  return ret;
}
