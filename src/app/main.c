/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "kefu"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "kefu-application.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(KefuApplication) app = NULL;
  const char *localedir = g_getenv ("KEFU_LOCALEDIR");

  _kefu_application_mark_start ();

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = kefu_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
