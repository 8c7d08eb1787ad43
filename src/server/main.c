/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "kefu-server"

#include "config.h"

#include <glib-unix.h>
#include <locale.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

#include "kefu-server.h"

/* kefu-server [serve|init|backup|restore|reset-epoch|purge] — see README.md. */

#define DEFAULT_PORT 8765

static char *opt_data;
static char *opt_postgres;
static char *opt_listen = NULL;
static int opt_port = DEFAULT_PORT;
static char *opt_tls_cert;
static char *opt_tls_key;
static int opt_token_hours = 12;
static int opt_tombstone_days = 90;
static char *opt_admin;
static char *opt_password_file;
static char *opt_hq_code;
static char *opt_hq_name;

static const GOptionEntry entries[] = {
  { "data", 0, 0, G_OPTION_ARG_FILENAME, &opt_data, "Data folder of the embedded SQLite store", "DIR" },
  { "postgres", 0, 0, G_OPTION_ARG_STRING, &opt_postgres, "PostgreSQL connection string (libpq)", "CONNINFO" },
  { "listen", 0, 0, G_OPTION_ARG_STRING, &opt_listen, "IP address to listen on (default 127.0.0.1)", "ADDR" },
  { "port", 0, 0, G_OPTION_ARG_INT, &opt_port, "Port (default 8765)", "N" },
  { "tls-cert", 0, 0, G_OPTION_ARG_FILENAME, &opt_tls_cert, "TLS certificate (PEM); serves HTTPS", "FILE" },
  { "tls-key", 0, 0, G_OPTION_ARG_FILENAME, &opt_tls_key, "TLS private key (PEM)", "FILE" },
  { "token-hours", 0, 0, G_OPTION_ARG_INT, &opt_token_hours, "Session lifetime in hours (default 12)", "N" },
  { "tombstone-days", 0, 0, G_OPTION_ARG_INT, &opt_tombstone_days, "Keep deleted rows this many days (default 90)", "N" },
  { "admin", 0, 0, G_OPTION_ARG_STRING, &opt_admin, "init: user name of the first admin", "NAME" },
  { "password-file", 0, 0, G_OPTION_ARG_FILENAME, &opt_password_file, "init: read the admin password from FILE (default: standard input)", "FILE" },
  { "hq-code", 0, 0, G_OPTION_ARG_STRING, &opt_hq_code, "init: code of the headquarters (default HQ)", "CODE" },
  { "hq-name", 0, 0, G_OPTION_ARG_STRING, &opt_hq_name, "init: name of the headquarters", "NAME" },
  { NULL }
};

static KefuStore *
open_store (GError **error)
{
  g_autofree char *spec = NULL;

  if (opt_postgres != NULL)
    spec = g_strconcat ("postgres:", opt_postgres, NULL);
  else if (opt_data != NULL)
    spec = g_strconcat ("sqlite:", opt_data, NULL);
  else
    {
      g_set_error_literal (error, KEFU_SERVER_ERROR, KEFU_SERVER_ERROR_INVALID,
                           "Give --data DIR (or --postgres CONNINFO)");
      return NULL;
    }
  return kefu_store_open (spec, error);
}

/* The first line of @path, or of standard input when NULL. */
static char *
read_password (const char  *path,
               GError     **error)
{
  g_autofree char *contents = NULL;
  char line[1100];

  if (path != NULL)
    {
      if (!g_file_get_contents (path, &contents, NULL, error))
        return NULL;
    }
  else
    {
      if (isatty (0))
        g_printerr ("Password for the admin: ");
      if (fgets (line, sizeof line, stdin) == NULL)
        {
          g_set_error_literal (error, KEFU_SERVER_ERROR, KEFU_SERVER_ERROR_INVALID,
                               "No password on standard input");
          return NULL;
        }
      contents = g_strdup (line);
      memset (line, 0, sizeof line);
    }
  contents[strcspn (contents, "\r\n")] = '\0';
  return g_steal_pointer (&contents);
}

static gboolean
run_init (GError **error)
{
  g_autoptr(KefuStore) store = NULL;
  g_autofree char *password = NULL;

  if (opt_admin == NULL)
    {
      g_set_error_literal (error, KEFU_SERVER_ERROR, KEFU_SERVER_ERROR_INVALID,
                           "Give the first admin's user name with --admin NAME");
      return FALSE;
    }
  if ((password = read_password (opt_password_file, error)) == NULL
      || (store = open_store (error)) == NULL
      || !kefu_server_init_store (store, opt_admin, password,
                                  opt_hq_code != NULL ? opt_hq_code : "HQ",
                                  opt_hq_name != NULL ? opt_hq_name : "Headquarters", error))
    {
      if (password != NULL)
        memset (password, 0, strlen (password));
      return FALSE;
    }
  memset (password, 0, strlen (password));
  g_print ("Initialised: admin \"%s\" at headquarters \"%s\".\n", opt_admin,
           opt_hq_code != NULL ? opt_hq_code : "HQ");
  return TRUE;
}

static gboolean
run_reset_epoch (GError **error)
{
  g_autoptr(KefuStore) store = open_store (error);
  g_autofree char *epoch = NULL;

  if (store == NULL || (epoch = kefu_server_reset_epoch (store, error)) == NULL)
    return FALSE;
  g_print ("New epoch %s: every client will resynchronise.\n", epoch);
  return TRUE;
}

static gboolean
run_backup (const char  *target,
            GError     **error)
{
  g_autoptr(KefuStore) store = NULL;

  if (target == NULL)
    {
      g_set_error_literal (error, KEFU_SERVER_ERROR, KEFU_SERVER_ERROR_INVALID,
                           "Usage: kefu-server backup --data DIR BACKUP-FILE");
      return FALSE;
    }
  if ((store = open_store (error)) == NULL)
    return FALSE;
  if (store->vtable->backup == NULL)
    {
      g_set_error_literal (error, KEFU_SERVER_ERROR, KEFU_SERVER_ERROR_INVALID,
                           "This store has no backup command here; back up the database with its own tools (pg_dump)");
      return FALSE;
    }
  if (!store->vtable->backup (store, target, error))
    return FALSE;
  g_print ("Backed up to %s.\n", target);
  return TRUE;
}

/* Puts a copy of a backup file in place of the store (the server must be
 * stopped), then starts a new epoch. */
static gboolean
run_restore (const char  *backup,
             GError     **error)
{
  g_autofree char *target = NULL;
  g_autoptr(GFile) from = NULL;
  g_autoptr(GFile) to = NULL;
  const char *suffixes[] = { "-wal", "-shm" };

  if (opt_data == NULL || backup == NULL)
    {
      g_set_error_literal (error, KEFU_SERVER_ERROR, KEFU_SERVER_ERROR_INVALID,
                           "Usage: kefu-server restore --data DIR BACKUP-FILE");
      return FALSE;
    }
  target = g_build_filename (opt_data, "kefu-server.db", NULL);
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *side = g_strconcat (target, suffixes[i], NULL);
      g_unlink (side);
    }
  from = g_file_new_for_path (backup);
  to = g_file_new_for_path (target);
  if (!g_file_copy (from, to, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, error))
    return FALSE;
  g_chmod (target, 0600);
  return run_reset_epoch (error);
}

static gboolean
purge_cb (gpointer user_data)
{
  g_autoptr(GError) error = NULL;
  guint n = kefu_server_purge (user_data, &error);

  if (error != NULL)
    g_warning ("Purging tombstones failed: %s", error->message);
  else if (n > 0)
    g_message ("Purged %u tombstones", n);
  return G_SOURCE_CONTINUE;
}

static gboolean
quit_cb (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

static gboolean
run_serve (GError **error)
{
  g_autoptr(KefuServer) server = NULL;
  g_autoptr(GTlsCertificate) tls = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  KefuServerConfig config;
  KefuStore *store;

  if ((opt_tls_cert == NULL) != (opt_tls_key == NULL))
    {
      g_set_error_literal (error, KEFU_SERVER_ERROR, KEFU_SERVER_ERROR_INVALID,
                           "Give both --tls-cert and --tls-key, or neither");
      return FALSE;
    }
  if (opt_port < 0 || opt_port > 65535 || opt_token_hours < 1 || opt_tombstone_days < 1)
    {
      g_set_error_literal (error, KEFU_SERVER_ERROR, KEFU_SERVER_ERROR_INVALID,
                           "--port, --token-hours or --tombstone-days is out of range");
      return FALSE;
    }
  if (opt_tls_cert != NULL && (tls = g_tls_certificate_new_from_files (opt_tls_cert, opt_tls_key, error)) == NULL)
    return FALSE;

  kefu_server_config_init (&config);
  config.token_ttl_ms = opt_token_hours * G_GINT64_CONSTANT (3600000);
  config.tombstone_ms = opt_tombstone_days * 24 * G_GINT64_CONSTANT (3600000);
  if ((store = open_store (error)) == NULL
      || (server = kefu_server_new (store, &config, error)) == NULL
      || !kefu_server_listen (server, opt_listen != NULL ? opt_listen : "127.0.0.1", (guint) opt_port, tls, error))
    return FALSE;

  purge_cb (server);
  g_timeout_add_seconds (3600, purge_cb, server);
  loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGINT, quit_cb, loop);
  g_unix_signal_add (SIGTERM, quit_cb, loop);
  g_message ("kefu-server listening on %s://%s:%u/api/v1/ (epoch %s)",
             tls != NULL ? "https" : "http", opt_listen != NULL ? opt_listen : "127.0.0.1",
             kefu_server_get_port (server), kefu_server_get_epoch (server));
  g_main_loop_run (loop);
  return TRUE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = g_option_context_new ("[serve|init|backup FILE|restore FILE|reset-epoch|purge]");
  g_autoptr(GError) error = NULL;
  const char *command;
  gboolean ok;

  /* Arguments such as --hq-name 总部 are in the locale's encoding. */
  setlocale (LC_ALL, "");
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_summary (context, "The Kefu sync server.");
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("kefu-server: %s\n", error->message);
      return 2;
    }
  command = argc > 1 ? argv[1] : "serve";

  if (g_str_equal (command, "serve"))
    ok = run_serve (&error);
  else if (g_str_equal (command, "init"))
    ok = run_init (&error);
  else if (g_str_equal (command, "reset-epoch"))
    ok = run_reset_epoch (&error);
  else if (g_str_equal (command, "backup"))
    ok = run_backup (argc > 2 ? argv[2] : NULL, &error);
  else if (g_str_equal (command, "restore"))
    ok = run_restore (argc > 2 ? argv[2] : NULL, &error);
  else if (g_str_equal (command, "purge"))
    {
      g_autoptr(KefuServer) server = NULL;
      KefuServerConfig config;
      KefuStore *store = NULL;
      guint n = 0;

      /* --tombstone-days as for serve; 0 drops every tombstone now (the
       * clients behind the new horizon download their scopes again). */
      kefu_server_config_init (&config);
      config.tombstone_ms = opt_tombstone_days * 24 * G_GINT64_CONSTANT (3600000);
      if (opt_tombstone_days < 0)
        g_set_error_literal (&error, KEFU_SERVER_ERROR, KEFU_SERVER_ERROR_INVALID,
                             "--tombstone-days is out of range");
      else
        store = open_store (&error);
      ok = store != NULL && (server = kefu_server_new (store, &config, &error)) != NULL;
      if (ok)
        {
          n = kefu_server_purge (server, &error);
          ok = error == NULL;
        }
      if (ok)
        g_print ("Purged %u tombstones.\n", n);
    }
  else
    {
      g_printerr ("kefu-server: unknown command \"%s\"\n", command);
      return 2;
    }

  if (!ok)
    {
      g_printerr ("kefu-server: %s\n", error->message);
      return 1;
    }
  return 0;
}
