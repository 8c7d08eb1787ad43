/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Fresh PostgreSQL stores for tests run under tests/kefu-test-pg.sh (which
 * starts a throwaway cluster and sets KEFU_TEST_PG to its conninfo). Each
 * @key (e.g. a test's temporary folder) gets a schema of its own in that
 * database, created on first use, so tests never see each other's rows and
 * reopening the same key reopens the same store. */

#include <glib.h>
#include <libpq-fe.h>

static void
kefu_test_pg_quiet_cb (void       *user_data,
                       const char *message)
{
}

/* Returns: (transfer full): "postgres:CONNINFO" for the store of @key. */
static inline char *
kefu_test_pg_spec (const char *key)
{
  const char *base = g_getenv ("KEFU_TEST_PG");
  g_autofree char *digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256, key, -1);
  g_autofree char *schema = NULL;
  g_autofree char *create = NULL;
  PGconn *conn;
  PGresult *result;

  if (base == NULL || *base == '\0')
    g_error ("KEFU_TEST_PG is not set: run this test through tests/kefu-test-pg.sh");

  /* A hex name: a safe identifier without quoting. */
  schema = g_strdup_printf ("kefu_test_%.24s", digest);
  conn = PQconnectdb (base);
  if (PQstatus (conn) != CONNECTION_OK)
    g_error ("Cannot connect to the test cluster (%s): %s", base, PQerrorMessage (conn));
  PQsetNoticeProcessor (conn, kefu_test_pg_quiet_cb, NULL);
  create = g_strdup_printf ("CREATE SCHEMA IF NOT EXISTS %s", schema);
  result = PQexec (conn, create);
  if (PQresultStatus (result) != PGRES_COMMAND_OK)
    g_error ("%s: %s", create, PQerrorMessage (conn));
  PQclear (result);
  PQfinish (conn);

  return g_strdup_printf ("postgres:%s options='-c search_path=%s'", base, schema);
}
