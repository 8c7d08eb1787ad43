/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Numbered migrations; migration N moves the database from user_version N-1
 * to N and runs in one transaction. Never edit a shipped migration: add one. */
typedef struct
{
  guint       version;
  const char *description;
  const char *sql;
} KefuMigration;

const KefuMigration *_kefu_schema_get_migrations (guint *n_migrations);

G_END_DECLS
