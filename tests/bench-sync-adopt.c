/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "kefu-sample-cases.h"
#include "kefu-sample.h"
#include "kefu-sync-local.h"
#include "kefu-uuid.h"

/* How long the first sign-in's rewrite of the office and the first-run
 * administrator takes (docs/SYNC.md, "First sign-in of an office set up
 * offline") on a database of sample data:
 *
 *   bench-sync-adopt FILE N_CASES
 *
 * makes FILE (N_CASES / 10 customers, N_CASES cases with their timeline)
 * when it does not exist, then times kefu_sync_local_adopt_office() and
 * kefu_sync_local_adopt_identity() in one transaction, as the sync engine
 * runs them (foreign keys off, as on its connection), beside a bare UPDATE of every case's branch (the yardstick:
 * the part of the work no design can avoid). Each run adopts fresh ids. */

static double
now_s (void)
{
  return g_get_monotonic_time () / 1e6;
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KefuDb) db = NULL;
  g_autofree char *office = kefu_uuid7_new ();
  g_autofree char *staff = kefu_uuid7_new ();
  g_autofree char *old_office = NULL;
  gboolean fresh;
  double t0, adopt, raw;

  if (argc != 3)
    {
      g_printerr ("usage: bench-sync-adopt FILE N_CASES\n");
      return 2;
    }
  fresh = !g_file_test (argv[1], G_FILE_TEST_EXISTS);
  if ((db = kefu_db_open (argv[1], &error)) == NULL)
    goto fail;
  if (fresh)
    {
      KefuSampleOptions o = kefu_sample_default_options ();
      guint n = (guint) g_ascii_strtoull (argv[2], NULL, 10);

      o.n_customers = MAX (n / 10, 100);
      if (!kefu_sample_generate (db, &o, NULL, NULL, &error) ||
          !kefu_sample_generate_cases (db, 1, n, NULL, NULL, &error))
        goto fail;
    }
  /* As on the sync engine's own connection (kefu-sync-client.c). */
  if (!kefu_db_exec (db, "PRAGMA foreign_keys = OFF", &error))
    goto fail;
  /* The rewrite runs only on a database that never synced. */
  if (!kefu_sync_local_set (db, "identity", NULL, &error))
    goto fail;

  old_office = kefu_db_get_meta (db, "office_id");
  t0 = now_s ();
  if (!kefu_db_begin (db, &error) || !kefu_sync_local_adopt_office (db, office, &error) ||
      !kefu_sync_local_adopt_identity (db, staff, FALSE, &error) || !kefu_db_commit (db, &error))
    goto fail;
  adopt = now_s () - t0;

  /* Yardstick: every case of the branch moved back to the old id, bare,
   * then rolled back. */
  t0 = now_s ();
  {
    sqlite3_stmt *stmt = kefu_db_prepare (db, "UPDATE kcase SET branch_id = ? WHERE branch_id = ?", &error);

    if (stmt == NULL || !kefu_db_begin (db, &error))
      goto fail;
    sqlite3_bind_text (stmt, 1, old_office, -1, SQLITE_STATIC);
    sqlite3_bind_text (stmt, 2, office, -1, SQLITE_STATIC);
    if (!kefu_db_step_done (db, stmt, &error))
      goto fail;
    kefu_db_rollback (db);
  }
  raw = now_s () - t0;

  {
    sqlite3_stmt *stmt = kefu_db_prepare (db, "SELECT (SELECT count(*) FROM kcase), (SELECT count(*) FROM case_event),"
                                              " (SELECT count(*) FROM customer)", &error);

    if (stmt == NULL || sqlite3_step (stmt) != SQLITE_ROW)
      goto fail;
    g_print ("%lld cases, %lld timeline events, %lld customers\n",
             (long long) sqlite3_column_int64 (stmt, 0), (long long) sqlite3_column_int64 (stmt, 1),
             (long long) sqlite3_column_int64 (stmt, 2));
    sqlite3_reset (stmt);
  }
  g_print ("first sign-in rewrite (office + administrator, one transaction): %.2f s\n", adopt);
  g_print ("raw SQLite yardstick, every case's branch_id updated: %.2f s (ratio %.1fx)\n", raw, adopt / raw);
  return 0;

fail:
  g_printerr ("bench-sync-adopt: %s\n", error ? error->message : "failed");
  return 1;
}
