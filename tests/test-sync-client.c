/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

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
  kefu_test_sync_ok (n->client[i]);
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
      /* The accounts have no staff record on the server: the first-run
       * administrator stays this computer's user, but its own staff row
       * (which only headquarters could write) is not sent to be refused. */
      g_assert_cmpint (kefu_test_count (n->db[i]->db, "SELECT count(*) FROM outbox WHERE result = 'rejected'"), ==, 0);
      g_assert_cmpint (kefu_test_count (n->db[i]->db, "SELECT count(*) FROM outbox WHERE result = 'local'"
                                                      " AND entity IN ('staff', 'org_unit')"), ==, 2);
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
  kefu_test_sync_assert_verified (n->client[i]);
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

  /* The supervisor (computer B is the supervisor's) wants the other
   * value: "waiting" cannot follow "resolved" in the lifecycle, so it is
   * refused and nothing changes; reopening (the lost "in progress") is
   * allowed, and then "waiting" is too. The choices reach computer A. */
  {
    g_autofree char *waiting_id = NULL;
    g_autofree char *reopen_id = NULL;
    sqlite3_stmt *stmt = kefu_db_prepare (n->db[1]->db, "SELECT id FROM conflict WHERE field = 'status' AND client_value = ?", NULL);

    sqlite3_bind_text (stmt, 1, "\"waiting\"", -1, SQLITE_STATIC);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    waiting_id = kefu_stmt_dup (stmt, 0);
    sqlite3_reset (stmt);
    sqlite3_bind_text (stmt, 1, "\"in_progress\"", -1, SQLITE_STATIC);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    reopen_id = kefu_stmt_dup (stmt, 0);
    sqlite3_reset (stmt);

    g_assert_false (kefu_conflicts_resolve (n->db[1]->db, waiting_id, TRUE, &error));
    g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
    g_clear_error (&error);
    g_assert_cmpint (kefu_sync_local_pending_count (n->db[1]->db), ==, 0);
    g_assert_true (kefu_conflicts_resolve (n->db[1]->db, reopen_id, TRUE, &error));
    g_assert_no_error (error);
    g_assert_true (kefu_conflicts_resolve (n->db[1]->db, waiting_id, TRUE, &error));
    g_assert_no_error (error);
  }
  sync_ok (n, 1);
  sync_ok (n, 0);
  g_clear_pointer (&c0, kefu_case_free);
  c0 = kefu_cases_get (n->db[0]->db, case_id, NULL);
  g_assert_cmpstr (c0->status, ==, "waiting");
  g_assert_cmpint (kefu_sync_local_open_conflicts (n->db[0]->db), ==, (gint64) conflicts->len - 2);

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
  /* Each computer's code is the number the server gave its registration
   * in the branch's sequence: different by construction. */
  {
    g_autofree char *a = kefu_sync_local_get (n->db[0]->db, "device_code");
    g_autofree char *b = kefu_sync_local_get (n->db[1]->db, "device_code");

    g_assert_nonnull (a);
    g_assert_nonnull (b);
    g_assert_true (a[0] == 'Z' && b[0] == 'Z');
    g_assert_cmpstr (a, !=, b);
    g_assert_cmpint (kefu_sync_local_open_conflicts (n->db[0]->db), ==, 0);
  }
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

/* After the server gets a new epoch (a restore), a computer starts over
 * from a snapshot and sends what it had not sent yet, under a new device
 * id numbered from 1: nothing lost, nothing doubled. */
static void
test_epoch_change_resyncs (void)
{
  Net *n = net_new ();
  g_autofree char *kept = new_customer (n->db[0]->db, "史湘云", "13300003333");
  g_autofree char *waiting = NULL;
  g_autofree char *device_before = NULL;
  g_autofree char *device_after = NULL;
  g_autofree char *epoch_before = NULL;
  g_autofree char *epoch_after = NULL;

  sync_ok (n, 0);
  sync_ok (n, 1);
  device_before = kefu_sync_local_push_device (n->db[0]->db);
  epoch_before = kefu_sync_local_get (n->db[0]->db, "epoch");

  /* Offline edits, then the server comes back with a new epoch. */
  waiting = new_customer (n->db[0]->db, "薛宝钗", "13300004444");
  g_assert_cmpint (kefu_sync_local_pending_count (n->db[0]->db), >, 0);
  kefu_test_server_reset_epoch (n->server);

  sync_ok (n, 0);
  g_assert_cmpint (kefu_sync_local_pending_count (n->db[0]->db), ==, 0);
  device_after = kefu_sync_local_push_device (n->db[0]->db);
  epoch_after = kefu_sync_local_get (n->db[0]->db, "epoch");
  g_assert_cmpstr (device_after, !=, device_before);
  g_assert_cmpstr (epoch_after, !=, epoch_before);
  {
    g_autofree char *done = kefu_sync_local_get (n->db[0]->db, "snapshot_done");

    g_assert_nonnull (done);
  }

  sync_ok (n, 1);
  g_assert_cmpuint (search (n->db[1]->db, "宝钗"), ==, 1);
  g_assert_cmpuint (search (n->db[1]->db, "湘云"), ==, 1);
  g_assert_cmpint (kefu_test_count (n->db[1]->db, "SELECT count(*) FROM customer"), ==, 2);
  g_assert_cmpint (kefu_test_count (n->db[0]->db, "SELECT count(*) FROM customer"), ==, 2);
  for (guint i = 0; i < 3; i++)
    {
      sync_ok (n, i);
      assert_verified (n, i);
    }
  net_free (n);
}

typedef struct
{
  gboolean done;
  gboolean ok;
  guint    partial;      /* progress values strictly between 0 and 1 */
  double   last;
  gboolean syncing_seen;
} FirstSync;

static void
progress_cb (KefuSyncClient *client,
             GParamSpec     *pspec,
             FirstSync      *fs)
{
  double p = kefu_sync_client_get_progress (client);

  if (p > 0 && p < 1)
    fs->partial++;
  if (p >= 0)
    fs->last = p;
  if (kefu_sync_client_get_state (client) == KEFU_SYNC_STATE_SYNCING)
    fs->syncing_seen = TRUE;
}

static void
first_sync_done_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  FirstSync *fs = user_data;
  g_autoptr(GError) error = NULL;

  fs->ok = kefu_sync_client_sync_finish (KEFU_SYNC_CLIENT (object), result, &error);
  g_assert_no_error (error);
  fs->done = TRUE;
}

/* A first sync downloads the branch in pages off the main thread and
 * reports its progress on the main thread. */
static void
test_first_sync_progress (void)
{
  Net *n = net_new ();
  g_autoptr(KefuTestDb) fresh = kefu_test_db_new (TRUE);
  g_autoptr(KefuSyncClient) client = kefu_sync_client_new (fresh->path);
  g_autoptr(GError) error = NULL;
  FirstSync fs = { 0 };

  /* 1,200 customer files (2,400 rows with their phones) at the branch. */
  for (guint i = 0; i < 1200; i++)
    {
      g_autofree char *name = g_strdup_printf ("客户%04u", i);
      g_autofree char *phone = g_strdup_printf ("1390000%04u", i);

      g_free (new_customer (n->db[0]->db, name, phone));
    }
  sync_ok (n, 0);

  g_assert_true (kefu_sync_client_sign_in_sync (client, n->server->url, users[1], "password-b1-super", &error));
  g_assert_no_error (error);
  g_signal_connect (client, "notify::progress", G_CALLBACK (progress_cb), &fs);
  g_signal_connect (client, "notify::state", G_CALLBACK (progress_cb), &fs);
  kefu_sync_client_sync_async (client, NULL, first_sync_done_cb, &fs);
  while (!fs.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (fs.ok);
  g_assert_true (fs.syncing_seen);
  g_assert_cmpuint (fs.partial, >=, 1);
  g_assert_cmpfloat (fs.last, >, 0.9);
  g_assert_cmpfloat (kefu_sync_client_get_progress (client), ==, -1);
  g_assert_cmpint (kefu_sync_client_get_state (client), ==, KEFU_SYNC_STATE_SYNCED);
  g_assert_cmpuint (search (fresh->db, "13900000042"), ==, 1);
  g_assert_cmpint (kefu_test_count (fresh->db, "SELECT count(*) FROM customer WHERE deleted = 0"), >=, 1200);
  net_free (n);
}

/* The value of @field of @entity row @row_id as the server's admin reads it. */
static char *
server_field (KefuTestServer *server,
              const char     *entity,
              const char     *row_id,
              const char     *field)
{
  g_autofree char *path = g_strdup_printf ("rows/%s/%s", entity, row_id);
  g_autoptr(JsonObject) row = NULL;
  guint status = 0;

  row = kefu_test_server_call (server, "GET", path, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  return g_strdup (json_object_get_string_member_with_default (json_object_get_object_member (row, "fields"),
                                                               field, NULL));
}

/* A computer set up offline (first-run office TEST01 and its local
 * administrator) signs in as the branch's lead, who has a staff record on
 * the server: the placeholder becomes that record and the office the
 * server's branch, so nothing is refused, the cases arrive under the lead,
 * and the other computer of the branch shows them with the lead's name. */
static void
test_first_run_identity (void)
{
  g_autoptr(KefuTestServer) server = kefu_test_server_start ();
  g_autofree char *b1 = kefu_test_server_add_branch (server, "B1", "一号营业部");
  g_autofree char *lead = kefu_test_server_add_staff_user (server, "b1-lead", "陈主管", "supervisor", b1);
  g_autofree char *agent = kefu_test_server_add_staff_user (server, "b1-agent", "李娜", "agent", b1);
  g_autoptr(KefuTestDb) office = kefu_test_db_new (TRUE);
  g_autoptr(KefuTestDb) other = kefu_test_db_new (TRUE);
  g_autoptr(KefuSyncClient) client = kefu_sync_client_new (office->path);
  g_autoptr(KefuSyncClient) client2 = kefu_sync_client_new (other->path);
  g_autoptr(KefuStaff) placeholder = kefu_org_get_current_user (office->db);
  g_autoptr(KefuStaff) me = NULL;
  g_autoptr(KefuOrgUnit) unit = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *old_id = g_strdup (placeholder->id);
  g_autofree char *old_office = kefu_db_get_meta (office->db, "office_id");
  g_autofree char *customer = new_customer (office->db, "孙尚香", "13811112222");
  g_autofree char *cases[3] = { NULL };
  g_autofree char *sql = NULL;

  /* Work done before the office ever saw the server. */
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    cases[i] = new_case (office->db, customer, "包裹丢失", NULL);
  g_assert_true (kefu_cases_assign (office->db, cases[0], NULL, old_id, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (kefu_cases_add_note (office->db, cases[1], "已联系投递员", &error));
  g_assert_no_error (error);

  g_assert_true (kefu_sync_client_sign_in_sync (client, server->url, "b1-lead", "password-b1-lead", &error));
  g_assert_no_error (error);
  kefu_test_sync_ok (client);

  /* Nothing refused, nothing waiting; the placeholder's own rows were
   * withdrawn, not sent. */
  g_assert_cmpint (kefu_test_count (office->db, "SELECT count(*) FROM outbox WHERE result = 'rejected'"), ==, 0);
  g_assert_cmpint (kefu_sync_local_pending_count (office->db), ==, 0);
  g_assert_cmpint (kefu_test_count (office->db, "SELECT count(*) FROM outbox WHERE result = 'local'"
                                                " AND entity IN ('staff', 'org_unit')"), ==, 2);
  g_assert_cmpint (kefu_test_count (office->db, "SELECT count(*) FROM outbox WHERE result = 'applied'"), >=, 6);

  /* The signed-in user is the server's record, with its name and role. */
  me = kefu_org_get_current_user (office->db);
  g_assert_cmpstr (me->id, ==, lead);
  g_assert_cmpstr (me->name, ==, "陈主管");
  g_assert_cmpstr (me->role, ==, "supervisor");
  g_assert_cmpstr (me->org_unit_id, ==, b1);
  unit = kefu_org_get_office (office->db);
  g_assert_cmpstr (unit->id, ==, b1);
  g_assert_cmpstr (unit->code, ==, "B1");

  /* No local row names the placeholder or the local office any more. */
  sql = g_strdup_printf ("SELECT (SELECT count(*) FROM staff WHERE id = '%s')"
                         " + (SELECT count(*) FROM org_unit WHERE id = '%s')"
                         " + (SELECT count(*) FROM kcase WHERE owner_id = '%s' OR assignee_id = '%s'"
                         "    OR updated_by = '%s' OR branch_id = '%s')"
                         " + (SELECT count(*) FROM case_event WHERE actor_id = '%s' OR updated_by = '%s')"
                         " + (SELECT count(*) FROM case_event WHERE old_value = '%s' OR new_value = '%s')"
                         " + (SELECT count(*) FROM audit_log WHERE actor_id = '%s' OR instr (changes, '%s') > 0)",
                         old_id, old_office, old_id, old_id, old_id, old_office, old_id, old_id, old_id, old_id,
                         old_id, old_id);
  g_assert_cmpint (kefu_test_count (office->db, sql), ==, 0);
  g_clear_pointer (&sql, g_free);
  sql = g_strdup_printf ("SELECT count(*) FROM kcase WHERE owner_id = '%s' AND branch_id = '%s'", lead, b1);
  g_assert_cmpint (kefu_test_count (office->db, sql), ==, 3);

  /* The server holds the cases under the lead. */
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *owner = server_field (server, "kcase", cases[i], "owner_id");
      g_autofree char *branch = server_field (server, "kcase", cases[i], "branch_id");

      g_assert_cmpstr (owner, ==, lead);
      g_assert_cmpstr (branch, ==, b1);
    }
  {
    g_autofree char *assignee = server_field (server, "kcase", cases[0], "assignee_id");

    g_assert_cmpstr (assignee, ==, lead);
  }

  /* The branch's other computer (set up offline too, its agent signs in)
   * shows them, owned by a person it knows. */
  g_assert_true (kefu_sync_client_sign_in_sync (client2, server->url, "b1-agent", "password-b1-agent", &error));
  g_assert_no_error (error);
  kefu_test_sync_ok (client2);
  g_assert_cmpint (kefu_test_count (other->db, "SELECT count(*) FROM outbox WHERE result = 'rejected'"), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(KefuCase) c = kefu_cases_get (other->db, cases[i], NULL);
      g_autoptr(KefuStaff) owner = NULL;

      g_assert_nonnull (c);
      g_assert_cmpstr (c->owner_id, ==, lead);
      owner = kefu_org_get_staff (other->db, c->owner_id, NULL);
      g_assert_nonnull (owner);
      g_assert_cmpstr (owner->name, ==, "陈主管");
    }
  {
    g_autoptr(KefuStaff) me2 = kefu_org_get_current_user (other->db);

    g_assert_cmpstr (me2->id, ==, agent);
  }
  kefu_test_sync_ok (client);
  kefu_test_sync_assert_verified (client);
  kefu_test_sync_assert_verified (client2);
}

/* Deleted rows are purged on the server and the scope's horizon passes a
 * computer's cursor: its next pull is answered 410 "horizon". It downloads
 * its scopes again from a snapshot, keeps the push numbering (no new
 * device id), loses none of its offline work, and a file the server purged
 * does not linger on it as a live row. */
static void
test_horizon_resyncs (void)
{
  Net *n = net_new ();
  g_autofree char *gone = new_customer (n->db[0]->db, "甘宁", "13100001111");
  g_autofree char *kept = new_customer (n->db[0]->db, "黄盖", "13100002222");
  g_autofree char *offline = NULL;
  g_autofree char *later = NULL;
  g_autofree char *device_before = NULL;
  g_autofree char *device_after = NULL;
  g_autoptr(KefuCustomer) k = NULL;
  g_autoptr(GError) error = NULL;
  gint64 seq_before;
  FirstSync fs = { 0 };

  sync_ok (n, 0);
  sync_ok (n, 1);
  g_assert_cmpuint (search (n->db[1]->db, "甘宁"), ==, 1);

  /* Computer A deletes a file; the server drops the tombstone, past
   * computer B's cursor. */
  g_assert_true (kefu_customers_delete (n->db[0]->db, gone, &error));
  g_assert_no_error (error);
  sync_ok (n, 0);
  kefu_test_server_purge_all (n->server);
  later = new_customer (n->db[0]->db, "太史慈", "13100003333");
  sync_ok (n, 0);

  /* Meanwhile B works offline. */
  offline = new_customer (n->db[1]->db, "程普", "13100004444");
  k = kefu_customers_get (n->db[1]->db, kept, NULL);
  kefu_set_str (&k->tags, "老客户");
  g_assert_true (kefu_customers_update (n->db[1]->db, k, &error));
  g_assert_no_error (error);
  device_before = kefu_sync_local_push_device (n->db[1]->db);
  seq_before = kefu_sync_local_last_push_seq (n->db[1]->db);

  g_signal_connect (n->client[1], "notify::progress", G_CALLBACK (progress_cb), &fs);
  kefu_sync_client_sync_async (n->client[1], NULL, first_sync_done_cb, &fs);
  while (!fs.done)
    g_main_context_iteration (NULL, TRUE);
  g_signal_handlers_disconnect_by_data (n->client[1], &fs);
  g_assert_true (fs.ok);
  /* A snapshot ran (progress is reported for snapshots only), in the same
   * push numbering. */
  g_assert_cmpfloat (fs.last, >, 0.9);
  device_after = kefu_sync_local_push_device (n->db[1]->db);
  g_assert_cmpstr (device_after, ==, device_before);
  g_assert_cmpint (kefu_sync_local_last_push_seq (n->db[1]->db), >, seq_before);
  g_assert_cmpint (kefu_sync_local_pending_count (n->db[1]->db), ==, 0);

  /* B has what A did and kept what it did itself; the purged file is
   * gone from its lists and search. */
  g_assert_cmpuint (search (n->db[1]->db, "太史慈"), ==, 1);
  g_assert_cmpuint (search (n->db[1]->db, "程普"), ==, 1);
  g_assert_cmpuint (search (n->db[1]->db, "甘宁"), ==, 0);
  g_assert_cmpint (kefu_test_count (n->db[1]->db, "SELECT count(*) FROM customer WHERE deleted = 0"), ==, 3);
  g_clear_pointer (&k, kefu_customer_free);
  k = kefu_customers_get (n->db[1]->db, kept, NULL);
  g_assert_cmpstr (k->tags, ==, "老客户");

  /* And A receives B's offline work; both verify. */
  sync_ok (n, 0);
  g_assert_cmpuint (search (n->db[0]->db, "程普"), ==, 1);
  g_clear_pointer (&k, kefu_customer_free);
  k = kefu_customers_get (n->db[0]->db, kept, NULL);
  g_assert_cmpstr (k->tags, ==, "老客户");
  for (guint i = 0; i < 2; i++)
    assert_verified (n, i);
  net_free (n);
}

/* A refusal reads as a sentence of the app (translated), never as the
 * server's English message. */
static void
test_refusals_are_sentences (void)
{
  g_autoptr(KefuTestServer) server = kefu_test_server_start ();
  g_autoptr(KefuTestDb) t = kefu_test_db_new (TRUE);
  g_autoptr(KefuSyncClient) client = kefu_sync_client_new (t->path);
  g_autofree char *wrong = g_strconcat (server->url, "/kefu", NULL);
  g_autoptr(GError) error = NULL;

  /* A wrong address: the server answers 404 "No such endpoint". */
  g_assert_false (kefu_sync_client_sign_in_sync (client, wrong, "admin", "admin-password", &error));
  g_assert_error (error, KEFU_SYNC_CLIENT_ERROR, KEFU_SYNC_CLIENT_ERROR_PROTOCOL);
  g_assert_cmpstr (error->message, ==,
                   _("The server does not know this address or record. Check the server address in Preferences."));
  g_clear_error (&error);
  g_assert_false (kefu_sync_client_sign_in_sync (client, server->url, "admin", "wrong-password", &error));
  g_assert_error (error, KEFU_SYNC_CLIENT_ERROR, KEFU_SYNC_CLIENT_ERROR_AUTH);
  g_assert_cmpstr (error->message, ==,
                   _("The server did not accept the user name or password. Sign in again in Preferences."));
  g_clear_error (&error);

  /* An account with no staff record on the server: the first-run
   * administrator stays this computer's user, its own row is not sent to
   * be refused, and the sync menu says why other offices will not see a
   * name. */
  {
    g_autofree char *branch = kefu_test_server_add_branch (server, "B9", "九号营业部");
    g_autoptr(KefuOrgUnit) office = NULL;
    FirstSync fs = { 0 };

    kefu_test_server_add_user (server, "b9-agent", "agent", branch);
    g_assert_true (kefu_sync_client_sign_in_sync (client, server->url, "b9-agent", "password-b9-agent", &error));
    g_assert_no_error (error);
    kefu_sync_client_sync_async (client, NULL, first_sync_done_cb, &fs);
    while (!fs.done)
      g_main_context_iteration (NULL, TRUE);
    g_assert_true (fs.ok);
    g_assert_cmpint (kefu_sync_client_get_state (client), ==, KEFU_SYNC_STATE_SYNCED);
    g_assert_cmpstr (kefu_sync_client_get_last_error (client), ==,
                     _("This server account is not linked to a staff record, so other offices do not see who did the "
                       "work here. Ask an administrator to link it."));
    g_assert_cmpint (kefu_test_count (t->db, "SELECT count(*) FROM outbox WHERE result = 'rejected'"), ==, 0);
    office = kefu_org_get_office (t->db);
    g_assert_cmpstr (office->id, ==, branch);
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sync/client/round-trip", test_round_trip);
  g_test_add_func ("/sync/client/offline-edits-reconcile", test_offline_edits_reconcile);
  g_test_add_func ("/sync/client/case-numbers-unique", test_case_numbers_unique);
  g_test_add_func ("/sync/client/epoch-change-resyncs", test_epoch_change_resyncs);
  g_test_add_func ("/sync/client/first-sync-progress", test_first_sync_progress);
  g_test_add_func ("/sync/client/first-run-identity", test_first_run_identity);
  g_test_add_func ("/sync/client/horizon-resyncs", test_horizon_resyncs);
  g_test_add_func ("/sync/client/refusals-are-sentences", test_refusals_are_sentences);

  return g_test_run ();
}
