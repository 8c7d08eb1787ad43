/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "kefu-store"

#include "config.h"

#include <string.h>

#include "kefu-store.h"
#include "kefu-store-pg.h"

G_DEFINE_QUARK (kefu-store-error-quark, kefu_store_error)

void
kefu_store_user_free (KefuStoreUser *user)
{
  if (user == NULL)
    return;
  g_free (user->id);
  g_free (user->username);
  g_free (user->password_hash);
  g_free (user->role);
  g_free (user->org_unit_id);
  g_free (user->staff_id);
  g_free (user);
}

void
kefu_store_row_free (KefuStoreRow *row)
{
  if (row == NULL)
    return;
  g_free (row->entity);
  g_free (row->row_id);
  g_free (row->scope);
  g_free (row->data);
  g_free (row->field_versions);
  g_free (row);
}

/**
 * kefu_store_row_copy:
 * Returns: (transfer full): a deep copy of @row.
 */
KefuStoreRow *
kefu_store_row_copy (const KefuStoreRow *row)
{
  KefuStoreRow *copy = g_memdup2 (row, sizeof *row);

  copy->entity = g_strdup (row->entity);
  copy->row_id = g_strdup (row->row_id);
  copy->scope = g_strdup (row->scope);
  copy->data = g_strdup (row->data);
  copy->field_versions = g_strdup (row->field_versions);
  return copy;
}

/**
 * kefu_store_open:
 * @spec: "sqlite:DIR" or "postgres:CONNINFO"
 * Returns: (transfer full): the opened store.
 */
KefuStore *
kefu_store_open (const char  *spec,
                 GError     **error)
{
  g_return_val_if_fail (spec != NULL, NULL);

  if (g_str_has_prefix (spec, "sqlite:"))
    return kefu_store_sqlite_open (spec + strlen ("sqlite:"), error);
  if (g_str_has_prefix (spec, "postgres:"))
    return kefu_store_pg_open (spec + strlen ("postgres:"), error);
  g_set_error (error, KEFU_STORE_ERROR, KEFU_STORE_ERROR_OPEN,
               "Unknown store \"%s\" (expected sqlite:DIR or postgres:CONNINFO)", spec);
  return NULL;
}

void
kefu_store_close (KefuStore *self)
{
  if (self != NULL)
    self->vtable->close (self);
}
