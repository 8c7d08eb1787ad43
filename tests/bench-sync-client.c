/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench-sync-client: the client side of sync, end to end against a real
 * kefu-server process on loopback (docs/benchmarks.md):
 *
 *  1. first sync of a branch with 10,000 customers and 100,000 cases into
 *     an empty office database (snapshot, apply with search index, verify),
 *     beside a raw SQLite yardstick of the same rows in the same run;
 *  2. case creation through the server: four office computers each make
 *     cases with kefu_cases_create() and push them at the same time
 *     (issue 6 asks for >= 1,500 cases/s).
 *
 * Not a test: run it by hand. */
#include "config.h"

#include <stdio.h>

#include "kefu-cases.h"
#include "kefu-customers.h"
#include "kefu-sync-client.h"
#include "kefu-sync-local.h"
#include "kefu-test-sync.h"

static int opt_customers = 10000;
static int opt_cases = 100000;
static int opt_new_cases = 1000;

static GOptionEntry entries[] = {
  { "customers", 0, 0, G_OPTION_ARG_INT, &opt_customers, "Customers of the branch (default 10000)", "N" },
  { "cases", 0, 0, G_OPTION_ARG_INT, &opt_cases, "Cases of the branch (default 100000)", "N" },
  { "new-cases", 0, 0, G_OPTION_ARG_INT, &opt_new_cases, "Cases each of the 4 computers makes (default 1000)", "N" },
  { NULL }
};

static double
now_s (void)
{
  return g_get_monotonic_time () / 1e6;
}

/* Pushes @ops (JSON op texts) as the admin, 500 a batch. */
static void
push_as_admin (KefuTestServer *s,
               GPtrArray      *ops)
{
  for (guint i = 0; i < ops->len; i += 500)
    {
      g_autoptr(GString) body = g_string_new (NULL);
      g_autoptr(JsonObject) reply = NULL;
      guint status = 0;

      g_string_printf (body, "{\"device_id\":\"%s\",\"epoch\":\"%s\",\"ops\":[", s->admin_device, s->epoch);
      for (guint k = i; k < MIN (i + 500, ops->len); k++)
        {
          if (k > i)
            g_string_append_c (body, ',');
          g_string_append_printf (body, "{\"seq\":%" G_GINT64_FORMAT ",", ++s->admin_seq);
          g_string_append (body, ops->pdata[k]);
        }
      g_string_append (body, "]}");
      reply = kefu_test_server_call (s, "POST", "push", body->str, &status);
      g_assert_cmpuint (status, ==, 200);
    }
}

static char *
op_text (const char *entity,
         const char *id,
         const char *fields)
{
  g_autofree char *op_id = kefu_uuid7_new ();

  /* The op without its opening "{\"seq\":N,": push_as_admin() numbers it. */
  return g_strdup_printf ("\"op_id\":\"%s\",\"entity\":\"%s\",\"row_id\":\"%s\","
                          "\"op\":\"insert\",\"base_version\":0,\"hlc\":\"1764740000000:00000:bench\","
                          "\"fields\":%s}", op_id, entity, id, fields);
}

/* The machine's limit for storing the same rows: raw SQLite, one
 * transaction, JSON text per row. */
static double
raw_rows_per_s (const char *dir,
                GPtrArray  *ops)
{
  g_autofree char *path = g_build_filename (dir, "raw.db", NULL);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  double t0;

  sqlite3_open (path, &db);
  sqlite3_exec (db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"
                "CREATE TABLE r (id INTEGER PRIMARY KEY, data TEXT NOT NULL)", NULL, NULL, NULL);
  t0 = now_s ();
  sqlite3_exec (db, "BEGIN", NULL, NULL, NULL);
  sqlite3_prepare_v2 (db, "INSERT INTO r (data) VALUES (?)", -1, &stmt, NULL);
  for (guint i = 0; i < ops->len; i++)
    {
      sqlite3_bind_text (stmt, 1, ops->pdata[i], -1, SQLITE_STATIC);
      sqlite3_step (stmt);
      sqlite3_reset (stmt);
    }
  sqlite3_finalize (stmt);
  sqlite3_exec (db, "COMMIT", NULL, NULL, NULL);
  t0 = now_s () - t0;
  sqlite3_close (db);
  return ops->len / t0;
}

typedef struct
{
  KefuSyncClient *client;
  double          seconds;
} Pusher;

static gpointer
push_thread (gpointer data)
{
  Pusher *p = data;
  g_autoptr(GError) error = NULL;
  double t0 = now_s ();

  if (!kefu_sync_client_push_sync (p->client, &error))
    g_error ("push failed: %s", error->message);
  p->seconds = now_s () - t0;
  return NULL;
}

int
main (int argc, char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new ("— client sync benchmark");
  g_autoptr(GError) error = NULL;
  g_autoptr(KefuTestServer) server = NULL;
  g_autoptr(GPtrArray) ops = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) customer_ids = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *branch = NULL;
  g_autofree char *branch2 = NULL;
  g_autofree char *dir = g_dir_make_tmp ("kefu-bench-sync-XXXXXX", NULL);
  double t0, seed_s, raw, first_s;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  g_setenv ("KEFU_SERVER_PWHASH_FAST", "1", TRUE);
  server = kefu_test_server_start ();
  branch = kefu_test_server_add_branch (server, "BB1", "基准营业部");
  branch2 = kefu_test_server_add_branch (server, "BB2", "基准二号营业部");
  kefu_test_server_add_user (server, "bench-first", "agent", branch);
  for (int i = 0; i < 4; i++)
    {
      g_autofree char *user = g_strdup_printf ("bench-new%d", i);

      kefu_test_server_add_user (server, user, "agent", branch2);
    }

  /* The branch's data, pushed by headquarters. */
  for (int i = 0; i < opt_customers; i++)
    {
      g_autofree char *id = kefu_uuid7_new ();
      g_autofree char *fields = g_strdup_printf ("{\"number\":\"C%08d\",\"kind\":\"person\",\"name\":\"客户%d号\","
                                                 "\"branch_id\":\"%s\",\"segment\":\"regular\",\"preferences\":\"\","
                                                 "\"tags\":\"\",\"monthly_volume\":%d,\"monthly_spend_cents\":%d,"
                                                 "\"complaints_12m\":0,\"created_at\":1764740000000}",
                                                 i, i, branch, i % 500, i * 7 % 100000);

      g_ptr_array_add (ops, op_text ("customer", id, fields));
      g_ptr_array_add (customer_ids, g_steal_pointer (&id));
    }
  for (int i = 0; i < opt_cases; i++)
    {
      g_autofree char *id = kefu_uuid7_new ();
      g_autofree char *fields = g_strdup_printf ("{\"number\":\"BB120251201X%07d\",\"kind\":\"%s\",\"channel\":\"phone\","
                                                 "\"priority\":\"normal\",\"status\":\"%s\",\"customer_id\":\"%s\","
                                                 "\"subject\":\"包裹延误 第%d件\",\"description\":\"\",\"branch_id\":\"%s\","
                                                 "\"created_at\":%" G_GINT64_FORMAT "}",
                                                 i, i % 3 ? "inquiry" : "complaint", i % 5 ? "closed" : "new",
                                                 (const char *) customer_ids->pdata[i % customer_ids->len], i, branch,
                                                 (gint64) 1764740000000 - (gint64) i * 60000);

      g_ptr_array_add (ops, op_text ("kcase", id, fields));
    }
  t0 = now_s ();
  push_as_admin (server, ops);
  seed_s = now_s () - t0;
  raw = raw_rows_per_s (dir, ops);

  /* 1. First sync of an empty office computer. */
  {
    g_autofree char *path = g_build_filename (dir, "first.db", NULL);
    g_autoptr(KefuDb) db = kefu_db_open (path, &error);
    g_autoptr(KefuSyncClient) client = NULL;
    g_autoptr(GPtrArray) checks = NULL;
    gint64 rows;
    gboolean equal = TRUE;

    g_assert_no_error (error);
    g_assert_true (kefu_org_setup_office (db, "LOCAL", "本机", "Admin", "admin", "admin", &error));
    client = kefu_sync_client_new (path);
    g_assert_true (kefu_sync_client_sign_in_sync (client, server->url, "bench-first", "password-bench-first", &error));
    t0 = now_s ();
    g_assert_true (kefu_sync_client_sync_sync (client, &error));
    first_s = now_s () - t0;
    g_assert_no_error (error);
    rows = kefu_test_count (db, "SELECT count(*) FROM sync_row");
    checks = kefu_sync_client_verify_sync (client, &error);
    for (guint i = 0; checks && i < checks->len; i++)
      {
        KefuSyncScopeCheck *c = checks->pdata[i];

        equal = equal && c->local_count == c->server_count && g_strcmp0 (c->local_checksum, c->server_checksum) == 0;
      }
    printf ("seed: %u rows pushed by headquarters in %.1f s (%.0f rows/s)\n", ops->len, seed_s, ops->len / seed_s);
    printf ("first sync: %" G_GINT64_FORMAT " rows (%d customers, %d cases) in %.1f s = %.0f rows/s;"
            " raw SQLite yardstick %.0f rows/s (ratio %.1fx); verify %s\n",
            rows, opt_customers, opt_cases, first_s, rows / first_s, raw, raw / (rows / first_s),
            equal ? "equal" : "DIFFERENT");
    printf ("  search after first sync: %s\n",
            kefu_test_count (db, "SELECT count(*) FROM kcase_fts WHERE kcase_fts MATCH '\"延误\"'") > 0 ? "finds cases" : "EMPTY");
  }

  /* 2. Four computers make cases and push them at the same time. */
  {
    KefuTestDb *dbs[4];
    Pusher pushers[4];
    GThread *threads[4];
    double wall;
    gint64 ops_pushed = 0;

    for (int i = 0; i < 4; i++)
      {
        g_autofree char *user = g_strdup_printf ("bench-new%d", i);
        g_autofree char *password = g_strdup_printf ("password-bench-new%d", i);
        g_autoptr(KefuCustomer) c = kefu_customer_new ();

        dbs[i] = kefu_test_db_new (TRUE);
        pushers[i].client = kefu_sync_client_new (dbs[i]->path);
        g_assert_true (kefu_sync_client_sign_in_sync (pushers[i].client, server->url, user, password, &error));
        g_assert_true (kefu_sync_client_sync_sync (pushers[i].client, &error));
        c->name = g_strdup_printf ("新客户%d", i);
        c->kind = g_strdup ("person");
        g_assert_true (kefu_customers_create (dbs[i]->db, c, &error));
        for (int k = 0; k < opt_new_cases; k++)
          {
            g_autoptr(KefuCase) kc = kefu_case_new ();

            kc->customer_id = g_strdup (c->id);
            kc->kind = g_strdup ("inquiry");
            kc->channel = g_strdup ("counter");
            kc->subject = g_strdup_printf ("柜台咨询 %d", k);
            g_assert_true (kefu_cases_create (dbs[i]->db, kc, &error));
          }
        ops_pushed += kefu_sync_local_pending_count (dbs[i]->db);
      }
    t0 = now_s ();
    for (int i = 0; i < 4; i++)
      threads[i] = g_thread_new ("push", push_thread, &pushers[i]);
    for (int i = 0; i < 4; i++)
      g_thread_join (threads[i]);
    wall = now_s () - t0;
    printf ("case creation through the server: 4 computers x %d cases (%" G_GINT64_FORMAT " outbox entries)"
            " pushed at once in %.2f s = %.0f cases/s (%.0f entries/s)\n",
            opt_new_cases, ops_pushed, wall, 4 * opt_new_cases / wall, ops_pushed / wall);
    for (int i = 0; i < 4; i++)
      {
        g_assert_cmpint (kefu_sync_local_pending_count (dbs[i]->db), ==, 0);
        g_clear_object (&pushers[i].client);
        kefu_test_db_free (dbs[i]);
      }
  }

  kefu_test_rm_rf (dir);
  return 0;
}
