/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

/* One office computer as a process, for test-sync-faults: it edits its
 * database and syncs when told to on standard input, one command a line,
 * and answers one line each. The test kills it with SIGKILL whenever it
 * likes.
 *
 *   kefu-sync-worker DB URL USER PASSWORD SKEW_MS
 *   edit SEED   random local edits (customers, cases, notes, statuses)
 *   sync        one sync; answers "ok" or "err MESSAGE"
 *   quit
 */

#include <stdio.h>
#include <string.h>

#include "kefu-cases.h"
#include "kefu-customers.h"
#include "kefu-org.h"
#include "kefu-sync-client.h"
#include "kefu-sync-local.h"

static const char *statuses[] = { "in_progress", "waiting", "in_progress", "resolved", "closed", "in_progress" };

static char *
random_row (KefuDb     *db,
            GRand      *rand,
            const char *sql)
{
  sqlite3_stmt *stmt = kefu_db_prepare (db, sql, NULL);
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);

  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (ids, kefu_stmt_dup (stmt, 0));
  sqlite3_reset (stmt);
  if (ids->len == 0)
    return NULL;
  return g_strdup (ids->pdata[g_rand_int_range (rand, 0, (gint32) ids->len)]);
}

/* The HLC stamps this computer sends carry its skewed clock. */
static void
skew_outbox (KefuDb *db,
             gint64  skew_ms)
{
  g_autofree char *sql = g_strdup_printf ("UPDATE outbox SET hlc = printf ('%%013d', CAST (substr (hlc, 1, 13) AS INTEGER) + %"
                                          G_GINT64_FORMAT ") || substr (hlc, 14) WHERE push_seq IS NULL AND acked_at IS NULL"
                                          " AND hlc NOT LIKE '%%:skewed'", skew_ms);

  kefu_db_exec (db, sql, NULL);
  kefu_db_exec (db, "UPDATE outbox SET hlc = hlc || ':skewed' WHERE push_seq IS NULL AND acked_at IS NULL"
                " AND hlc NOT LIKE '%:skewed'", NULL);
}

static void
edit (KefuDb *db,
      guint32 seed,
      gint64  skew_ms)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  guint n = (guint) g_rand_int_range (rand, 1, 4);

  for (guint k = 0; k < n; k++)
    {
      int what = g_rand_int_range (rand, 0, 100);
      g_autoptr(GError) error = NULL;

      kefu_cases_set_clock (db, g_get_real_time () / 1000 + skew_ms);
      if (what < 12)
        {
          g_autoptr(KefuCustomer) c = kefu_customer_new ();
          g_autofree char *name = g_strdup_printf ("客户%08x", g_rand_int (rand));
          g_autofree char *phone = g_strdup_printf ("139%08u", g_rand_int_range (rand, 0, 99999999));

          c->name = g_strdup (name);
          c->kind = g_strdup ("person");
          kefu_customer_add_contact (c, "phone", "mobile", phone);
          kefu_customers_create (db, c, &error);
        }
      else if (what < 30)
        {
          g_autofree char *customer = random_row (db, rand, "SELECT id FROM customer WHERE deleted = 0");
          g_autoptr(KefuCase) c = kefu_case_new ();

          if (customer == NULL)
            continue;
          c->customer_id = g_strdup (customer);
          c->kind = g_strdup (g_rand_boolean (rand) ? "complaint" : "inquiry");
          c->channel = g_strdup ("phone");
          c->subject = g_strdup_printf ("工单 %08x", g_rand_int (rand));
          kefu_cases_create (db, c, &error);
        }
      else if (what < 55)
        {
          g_autofree char *id = random_row (db, rand, "SELECT id FROM kcase WHERE deleted = 0");
          g_autofree char *note = g_strdup_printf ("note %08x%08x", g_rand_int (rand), g_rand_int (rand));

          if (id)
            kefu_cases_add_note (db, id, note, &error);
        }
      else if (what < 80)
        {
          g_autofree char *id = random_row (db, rand, "SELECT id FROM kcase WHERE deleted = 0");

          if (id)
            kefu_cases_set_status (db, id, statuses[g_rand_int_range (rand, 0, G_N_ELEMENTS (statuses))],
                                   "测试", &error);
        }
      else
        {
          g_autofree char *id = random_row (db, rand, "SELECT id FROM customer WHERE deleted = 0");
          g_autoptr(KefuCustomer) c = id ? kefu_customers_get (db, id, NULL) : NULL;
          g_autofree char *value = g_strdup_printf ("%08x", g_rand_int (rand));

          if (c == NULL)
            continue;
          if (g_rand_boolean (rand))
            kefu_set_str (&c->company, value);
          else
            kefu_set_str (&c->tags, value);
          kefu_customers_update (db, c, &error);
        }
      /* Refusals of the lifecycle (a closed case cannot wait) are fine. */
    }
  skew_outbox (db, skew_ms);
}

int
main (int argc, char **argv)
{
  g_autoptr(KefuDb) db = NULL;
  g_autoptr(KefuSyncClient) client = NULL;
  g_autoptr(GError) error = NULL;
  gint64 skew_ms;
  char line[256];

  if (argc != 6)
    {
      fprintf (stderr, "usage: kefu-sync-worker DB URL USER PASSWORD SKEW_MS\n");
      return 2;
    }
  skew_ms = g_ascii_strtoll (argv[5], NULL, 10);
  setvbuf (stdout, NULL, _IOLBF, 0);

  db = kefu_db_open (argv[1], &error);
  if (db == NULL)
    {
      printf ("err %s\n", error->message);
      return 1;
    }
  if (kefu_org_get_office (db) == NULL)
    {
      if (!kefu_org_setup_office (db, "LOCAL1", "本机营业部", "Admin", "admin", "admin", &error))
        {
          printf ("err %s\n", error->message);
          return 1;
        }
    }
  client = kefu_sync_client_new (argv[1]);
  if (!kefu_sync_client_sign_in_sync (client, argv[2], argv[3], argv[4], &error))
    {
      /* Offline at start: the sign-in is stored after the first one. */
      printf ("signin-err %s\n", error->message);
      g_clear_error (&error);
    }
  else
    printf ("ready\n");

  while (fgets (line, sizeof line, stdin) != NULL)
    {
      g_strchomp (line);
      if (g_str_has_prefix (line, "edit "))
        {
          edit (db, (guint32) g_ascii_strtoull (line + 5, NULL, 10), skew_ms);
          printf ("ok\n");
        }
      else if (g_str_equal (line, "sync"))
        {
          if (kefu_sync_client_sync_sync (client, &error))
            printf ("ok\n");
          else
            {
              printf ("err %s\n", error->message);
              g_clear_error (&error);
            }
        }
      else if (g_str_equal (line, "quit"))
        break;
      else
        printf ("err unknown command\n");
    }
  return 0;
}
