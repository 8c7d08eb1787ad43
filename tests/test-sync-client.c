/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "kefu-cases.h"
#include "kefu-conflicts.h"
#include "kefu-customers.h"
#include "kefu-org.h"
#include "kefu-sync-client.h"
#include "kefu-sync-local.h"
#include "kefu-uuid.h"
#include "kefu-test-sync.h"

/* Three offices' computers (two of branch B1, one of B2) and a real
 * kefu-server. */
typedef struct
{
  KefuTestServer *server;
  char           *b1;
  char           *b2;
  KefuTestDb     *db[3];
  KefuSyncClient *client[3];
} Net;

static const char *users[] = { "b1-agent", "b1-super", "b2-agent" };

static void
sync_ok (Net  *n,
         guint i)
{
  g_autoptr(GError) error = NULL;

  kefu_sync_client_sync_sync (n->client[i], &error);
  g_assert_no_error (error);
}

static Net *
net_new (void)
{
  Net *n = g_new0 (Net, 1);

  n->server = kefu_test_server_start ();
  n->b1 = kefu_test_server_add_branch (n->server, "B1", "一号营业部");
  n->b2 = kefu_test_server_add_branch (n->server, "B2", "二号营业部");
  kefu_test_server_add_user (n->server, users[0], "agent", n->b1);
  kefu_test_server_add_user (n->server, users[1], "supervisor", n->b1);
  kefu_test_server_add_user (n->server, users[2], "agent", n->b2);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *password = g_strdup_printf ("password-%s", users[i]);

      n->db[i] = kefu_test_db_new (TRUE);
      n->client[i] = kefu_sync_client_new (n->db[i]->path);
      g_assert_true (kefu_sync_client_sign_in_sync (n->client[i], n->server->url, users[i], password, &error));
      g_assert_no_error (error);
      sync_ok (n, i);
    }
  return n;
}

static void
net_free (Net *n)
{
  for (guint i = 0; i < 3; i++)
    {
      g_clear_object (&n->client[i]);
      kefu_test_db_free (n->db[i]);
    }
  kefu_test_server_free (n->server);
  g_free (n->b1);
  g_free (n->b2);
  g_free (n);
}

static char *
new_customer (KefuDb     *db,
              const char *name,
              const char *phone)
{
  g_autoptr(KefuCustomer) c = kefu_customer_new ();
  g_autoptr(GError) error = NULL;

  c->name = g_strdup (name);
  c->kind = g_strdup ("person");
  kefu_customer_add_contact (c, "phone", "mobile", phone);
  g_assert_true (kefu_customers_create (db, c, &error));
  g_assert_no_error (error);
  return g_strdup (c->id);
}

static char *
new_case (KefuDb     *db,
          const char *customer_id,
          const char *subject,
          char      **number)
{
  g_autoptr(KefuCase) c = kefu_case_new ();
  g_autoptr(GError) error = NULL;

  c->customer_id = g_strdup (customer_id);
  c->kind = g_strdup ("complaint");
  c->channel = g_strdup ("phone");
  c->subject = g_strdup (subject);
  g_assert_true (kefu_cases_create (db, c, &error));
  g_assert_no_error (error);
  if (number)
    *number = g_strdup (c->number);
  return g_strdup (c->id);
}

static guint
search (KefuDb     *db,
        const char *text)
{
  KefuCustomerQuery q = { .text = (char *) text };
  guint count = 0;

  g_assert_true (kefu_customers_count (db, &q, &count, NULL));
  return count;
}

static void
assert_verified (Net  *n,
                 guint i)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) checks = kefu_sync_client_verify_sync (n->client[i], &error);

  g_assert_no_error (error);
  g_assert_cmpuint (checks->len, >, 0);
  for (guint k = 0; k < checks->len; k++)
    {
      KefuSyncScopeCheck *c = checks->pdata[k];

      g_test_message ("client %u scope %s: server %" G_GINT64_FORMAT " %s, local %" G_GINT64_FORMAT " %s",
                      i, c->scope, c->server_count, c->server_checksum, c->local_count, c->local_checksum);
      g_assert_cmpint (c->local_count, ==, c->server_count);
      g_assert_cmpstr (c->local_checksum, ==, c->server_checksum);
    }
}

/* A customer and a case made at one computer reach the other computer of
 * the branch, searchable, and not the other branch; nothing doubles on
 * repeated syncs; every replica verifies. */
static void
test_round_trip (void)
{
  Net *n = net_new ();
  g_autofree char *customer = new_customer (n->db[0]->db, "诸葛亮", "13900001234");
  g_autofree char *number = NULL;
  g_autofree char *case_id = new_case (n->db[0]->db, customer, "包裹破损", &number);
  g_autoptr(KefuCase) there = NULL;

  g_assert_cmpint (kefu_sync_local_pending_count (n->db[0]->db), >, 0);
  sync_ok (n, 0);
  g_assert_cmpint (kefu_sync_local_pending_count (n->db[0]->db), ==, 0);
  sync_ok (n, 1);
  sync_ok (n, 2);

  there = kefu_cases_get (n->db[1]->db, case_id, NULL);
  g_assert_nonnull (there);
  g_assert_cmpstr (there->number, ==, number);
  g_assert_cmpuint (search (n->db[1]->db, "葛亮"), ==, 1);
  g_assert_cmpuint (search (n->db[1]->db, "00001234"), ==, 1);
  /* The other branch sees nothing of it. */
  g_assert_null (kefu_cases_get (n->db[2]->db, case_id, NULL));
  g_assert_cmpuint (search (n->db[2]->db, "葛亮"), ==, 0);

  /* Again and again: nothing doubles. */
  for (guint round = 0; round < 2; round++)
    for (guint i = 0; i < 3; i++)
      sync_ok (n, i);
  g_assert_cmpint (kefu_test_count (n->db[1]->db, "SELECT count(*) FROM kcase"), ==, 1);
  g_assert_cmpint (kefu_test_count (n->db[1]->db, "SELECT count(*) FROM customer"), ==, 1);
  g_assert_cmpint (kefu_test_count (n->db[0]->db, "SELECT count(*) FROM kcase"), ==, 1);
  for (guint i = 0; i < 3; i++)
    assert_verified (n, i);
  net_free (n);
}

/* Both computers of the branch change the same case offline: the first to
 * reach the server wins, the other side becomes a conflict record that
 * both see; customer fields merge per field. */
static void
test_offline_edits_reconcile (void)
{
  Net *n = net_new ();
  g_autofree char *customer = new_customer (n->db[0]->db, "王熙凤", "13700007777");
  g_autofree char *case_id = new_case (n->db[0]->db, customer, "投递延误", NULL);
  g_autoptr(KefuCustomer) a = NULL;
  g_autoptr(KefuCustomer) b = NULL;
  g_autoptr(KefuCase) c0 = NULL;
  g_autoptr(KefuCase) c1 = NULL;
  g_autoptr(GPtrArray) conflicts = NULL;
  g_autoptr(GError) error = NULL;

  sync_ok (n, 0);
  sync_ok (n, 1);

  /* Offline: A resolves, B waits on the customer; A edits the company,
   * B the tags of the customer file. */
  g_assert_true (kefu_cases_set_status (n->db[0]->db, case_id, "in_progress", NULL, &error));
  g_assert_no_error (error);
  g_assert_true (kefu_cases_set_status (n->db[0]->db, case_id, "resolved", "已赔付", &error));
  g_assert_no_error (error);
  g_assert_true (kefu_cases_set_status (n->db[1]->db, case_id, "in_progress", NULL, &error));
  g_assert_no_error (error);
  g_assert_true (kefu_cases_set_status (n->db[1]->db, case_id, "waiting", "等客户回电", &error));
  g_assert_no_error (error);
  a = kefu_customers_get (n->db[0]->db, customer, NULL);
  kefu_set_str (&a->company, "荣国府");
  g_assert_true (kefu_customers_update (n->db[0]->db, a, &error));
  b = kefu_customers_get (n->db[1]->db, customer, NULL);
  kefu_set_str (&b->tags, "重要");
  g_assert_true (kefu_customers_update (n->db[1]->db, b, &error));
  g_assert_no_error (error);

  sync_ok (n, 0);
  sync_ok (n, 1);
  sync_ok (n, 0);

  c0 = kefu_cases_get (n->db[0]->db, case_id, NULL);
  c1 = kefu_cases_get (n->db[1]->db, case_id, NULL);
  g_assert_cmpstr (c0->status, ==, "resolved");
  g_assert_cmpstr (c1->status, ==, c0->status);
  g_clear_pointer (&a, kefu_customer_free);
  g_clear_pointer (&b, kefu_customer_free);
  a = kefu_customers_get (n->db[0]->db, customer, NULL);
  b = kefu_customers_get (n->db[1]->db, customer, NULL);
  g_assert_cmpstr (a->company, ==, "荣国府");
  g_assert_cmpstr (a->tags, ==, "重要");
  g_assert_cmpstr (b->company, ==, "荣国府");
  g_assert_cmpstr (b->tags, ==, "重要");

  /* The lost status change is a conflict record on both computers. */
  conflicts = kefu_conflicts_list_open (n->db[0]->db, 100, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (conflicts->len, >=, 1);
  g_assert_cmpint (kefu_sync_local_open_conflicts (n->db[1]->db), ==, (gint64) conflicts->len);
  {
    gboolean found = FALSE;

    for (guint i = 0; i < conflicts->len; i++)
      {
        KefuConflict *k = conflicts->pdata[i];
        g_autofree char *kept = kefu_conflict_value_text (k->server_value);
        g_autofree char *lost = kefu_conflict_value_text (k->client_value);

        /* One record per losing change: in progress, then waiting. */
        if (g_strcmp0 (k->field, "status") == 0)
          {
            g_assert_cmpstr (k->row_id, ==, case_id);
            g_assert_cmpstr (kept, ==, "resolved");
            if (g_str_equal (lost, "waiting"))
              found = TRUE;
          }
      }
    g_assert_true (found);
  }

  /* The supervisor (computer B is the supervisor's) uses the other
   * value; the choice reaches computer A. */
  {
    g_autoptr(KefuStaff) me = NULL;
    const char *sup_id = NULL;
    sqlite3_stmt *stmt = kefu_db_prepare (n->db[1]->db, "SELECT id FROM conflict WHERE field = 'status' AND client_value = '\"waiting\"'", NULL);
    g_autofree char *conflict_id = NULL;

    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    conflict_id = kefu_stmt_dup (stmt, 0);
    sqlite3_reset (stmt);
    me = kefu_org_get_current_user (n->db[1]->db);
    sup_id = me->id;
    g_assert_nonnull (sup_id);
    g_assert_true (kefu_conflicts_resolve (n->db[1]->db, conflict_id, TRUE, &error));
    g_assert_no_error (error);
  }
  sync_ok (n, 1);
  sync_ok (n, 0);
  g_clear_pointer (&c0, kefu_case_free);
  c0 = kefu_cases_get (n->db[0]->db, case_id, NULL);
  g_assert_cmpstr (c0->status, ==, "waiting");
  g_assert_cmpint (kefu_sync_local_open_conflicts (n->db[0]->db), ==, (gint64) conflicts->len - 1);

  for (guint i = 0; i < 3; i++)
    assert_verified (n, i);
  net_free (n);
}

/* Computers of one branch number cases offline on the same day: no two
 * numbers are equal. */
static void
test_case_numbers_unique (void)
{
  Net *n = net_new ();
  g_autoptr(GHashTable) numbers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *customer = new_customer (n->db[0]->db, "林黛玉", "13600006666");

  sync_ok (n, 0);
  sync_ok (n, 1);
  for (guint round = 0; round < 20; round++)
    for (guint i = 0; i < 2; i++)
      {
        char *number = NULL;
        g_autofree char *id = new_case (n->db[i]->db, customer, "查询", &number);

        g_assert_true (g_str_has_prefix (number, "B1"));
        g_assert_true (g_hash_table_add (numbers, number));
      }
  sync_ok (n, 0);
  sync_ok (n, 1);
  sync_ok (n, 0);
  g_assert_cmpint (kefu_test_count (n->db[0]->db, "SELECT count(*) FROM kcase"), ==, 40);
  g_assert_cmpint (kefu_test_count (n->db[1]->db, "SELECT count(DISTINCT number) FROM kcase"), ==, 40);
  net_free (n);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sync/client/round-trip", test_round_trip);
  g_test_add_func ("/sync/client/offline-edits-reconcile", test_offline_edits_reconcile);
  g_test_add_func ("/sync/client/case-numbers-unique", test_case_numbers_unique);

  return g_test_run ();
}
