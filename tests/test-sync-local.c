/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "kefu-cases.h"
#include "kefu-conflicts.h"
#include "kefu-customers.h"
#include "kefu-segments.h"
#include "kefu-sync-local.h"
#include "kefu-test-util.h"
#include "kefu-uuid.h"

static char *
create (KefuDb     *db,
        const char *name,
        const char *phone)
{
  g_autoptr(KefuCustomer) c = kefu_customer_new ();
  g_autoptr(GError) error = NULL;

  c->name = g_strdup (name);
  c->kind = g_strdup ("person");
  if (phone)
    kefu_customer_add_contact (c, "phone", "mobile", phone);
  g_assert_true (kefu_customers_create (db, c, &error));
  g_assert_no_error (error);
  return g_strdup (c->id);
}

static guint
search_count (KefuDb     *db,
              const char *text)
{
  KefuCustomerQuery q = { .text = (char *) text };
  guint n = 0;

  g_assert_true (kefu_customers_count (db, &q, &n, NULL));
  return n;
}

static void
ack_all (KefuDb *db)
{
  g_autoptr(GPtrArray) batch = NULL;

  while ((batch = kefu_sync_local_next_batch (db, NULL, 500, KEFU_SYNC_BATCH_MAX_BYTES, NULL)) && batch->len > 0)
    {
      for (guint i = 0; i < batch->len; i++)
        g_assert_true (kefu_sync_local_ack (db, ((KefuOutboxOp *) batch->pdata[i])->op_id,
                                            KEFU_OUTBOX_APPLIED, NULL, NULL));
      g_clear_pointer (&batch, g_ptr_array_unref);
    }
}

/* Push numbers stay contiguous although pruned outbox rows free their
 * rowids for reuse. */
static void
test_push_seq_contiguous_after_prune (void)
{
  g_autoptr(KefuTestDb) t = kefu_test_db_new (TRUE);
  g_autoptr(GPtrArray) batch = NULL;
  g_autoptr(GError) error = NULL;
  gint64 last, max_rowid;

  ack_all (t->db);
  last = kefu_sync_local_last_push_seq (t->db);
  g_assert_cmpint (last, >, 0);
  g_assert_cmpint (kefu_sync_local_pending_count (t->db), ==, 0);
  /* Prune everything: the outbox is empty, its next rowid starts over. */
  g_assert_cmpint (kefu_sync_local_prune (t->db, G_MAXINT64, &error), ==, last);
  g_assert_no_error (error);
  g_assert_cmpint (kefu_test_count (t->db, "SELECT count(*) FROM outbox"), ==, 0);

  g_free (create (t->db, "王芳", "13800001111"));
  max_rowid = kefu_test_count (t->db, "SELECT max(seq) FROM outbox");
  g_assert_cmpint (max_rowid, <=, last);   /* the rowid was reused */
  batch = kefu_sync_local_next_batch (t->db, NULL, 500, KEFU_SYNC_BATCH_MAX_BYTES, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (batch->len, ==, 2);     /* customer and contact */
  g_assert_cmpint (((KefuOutboxOp *) batch->pdata[0])->push_seq, ==, last + 1);
  g_assert_cmpint (((KefuOutboxOp *) batch->pdata[1])->push_seq, ==, last + 2);
  g_assert_cmpstr (((KefuOutboxOp *) batch->pdata[0])->entity, ==, "customer");

  /* Asking again without an answer returns the same entries, same numbers. */
  g_clear_pointer (&batch, g_ptr_array_unref);
  batch = kefu_sync_local_next_batch (t->db, NULL, 500, KEFU_SYNC_BATCH_MAX_BYTES, NULL);
  g_assert_cmpuint (batch->len, ==, 2);
  g_assert_cmpint (((KefuOutboxOp *) batch->pdata[0])->push_seq, ==, last + 1);
  g_assert_cmpint (kefu_sync_local_pending_count (t->db), ==, 2);

  /* Answered entries leave the batch; a rewind brings them back. */
  g_assert_true (kefu_sync_local_ack (t->db, ((KefuOutboxOp *) batch->pdata[0])->op_id,
                                      KEFU_OUTBOX_REJECTED, "no", NULL));
  g_assert_cmpint (kefu_sync_local_pending_count (t->db), ==, 1);
  g_assert_true (kefu_sync_local_rewind (t->db, last + 1, NULL));
  g_assert_cmpint (kefu_sync_local_pending_count (t->db), ==, 2);
}

static void
test_batch_limits (void)
{
  g_autoptr(KefuTestDb) t = kefu_test_db_new (TRUE);
  g_autoptr(GPtrArray) batch = NULL;
  g_autofree char *big = g_strnfill (3000, 'x');

  ack_all (t->db);
  for (int i = 0; i < 300; i++)
    {
      g_autofree char *name = g_strdup_printf ("客户%d", i);
      g_autofree char *id = create (t->db, name, NULL);

      if (i % 2)
        g_assert_true (kefu_customers_add_note (t->db, id, big, NULL));
    }
  batch = kefu_sync_local_next_batch (t->db, NULL, 120, G_MAXSIZE, NULL);
  g_assert_cmpuint (batch->len, ==, 120);
  g_clear_pointer (&batch, g_ptr_array_unref);
  /* 450 entries, a third of them notes of 3 kB: 400 kB stop the batch
   * before 500 entries. */
  batch = kefu_sync_local_next_batch (t->db, NULL, 500, 400 * 1024, NULL);
  g_assert_cmpuint (batch->len, >, 150);
  g_assert_cmpuint (batch->len, <, 400);
  for (guint i = 1; i < batch->len; i++)
    g_assert_cmpint (((KefuOutboxOp *) batch->pdata[i])->push_seq, ==,
                     ((KefuOutboxOp *) batch->pdata[i - 1])->push_seq + 1);
}

static JsonObject *
customer_row (const char *number,
              const char *name,
              const char *segment)
{
  JsonObject *o = json_object_new ();

  json_object_set_string_member (o, "number", number);
  json_object_set_string_member (o, "kind", "person");
  json_object_set_string_member (o, "name", name);
  json_object_set_string_member (o, "segment", segment);
  json_object_set_string_member (o, "preferences", "");
  json_object_set_string_member (o, "tags", "");
  json_object_set_int_member (o, "monthly_volume", 0);
  json_object_set_int_member (o, "monthly_spend_cents", 0);
  json_object_set_int_member (o, "complaints_12m", 0);
  json_object_set_int_member (o, "created_at", 1700000000000);
  json_object_set_string_member (o, "hlc", "1700000000000:00000:other");
  return o;
}

static gboolean
apply1 (KefuDb        *db,
        KefuPulledRow *row,
        gint64         cursor,
        GError       **error)
{
  g_autoptr(GPtrArray) page = g_ptr_array_new_with_free_func ((GDestroyNotify) kefu_pulled_row_free);
  const char *scopes[] = { row->scope, NULL };

  g_ptr_array_add (page, row);
  return kefu_sync_local_apply (db, page, scopes, &cursor, NULL, error);
}

/* A pulled row lands searchable and counted, without audit or outbox
 * echo; replays and older versions change nothing. */
static void
test_apply_idempotent (void)
{
  g_autoptr(KefuTestDb) t = kefu_test_db_new (TRUE);
  g_autofree char *id = kefu_uuid7_new ();
  g_autofree char *contact_id = kefu_uuid7_new ();
  g_autoptr(JsonObject) fields = customer_row ("CX0001", "欧阳娜娜", "vip");
  g_autoptr(JsonObject) contact = json_object_new ();
  g_autoptr(GPtrArray) page = g_ptr_array_new_with_free_func ((GDestroyNotify) kefu_pulled_row_free);
  g_autoptr(GError) error = NULL;
  const char *scopes[] = { "branch:x", NULL };
  gint64 cursors[] = { 2 };
  KefuSyncApplyStats stats = { 0 };
  int audit0 = kefu_test_count (t->db, "SELECT count(*) FROM audit_log");
  int outbox0 = kefu_test_count (t->db, "SELECT count(*) FROM outbox");
  g_autoptr(KefuCustomer) c = NULL;

  json_object_set_string_member (contact, "customer_id", id);
  json_object_set_string_member (contact, "kind", "phone");
  json_object_set_string_member (contact, "value", "139 8765 4321");
  json_object_set_int_member (contact, "position", 0);
  g_ptr_array_add (page, kefu_pulled_row_new ("branch:x", "customer", id, 3, FALSE, fields));
  g_ptr_array_add (page, kefu_pulled_row_new ("branch:x", "customer_contact", contact_id, 1, FALSE, contact));
  g_assert_true (kefu_sync_local_apply (t->db, page, scopes, cursors, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.n_applied, ==, 2);
  g_assert_cmpint (kefu_sync_local_get_cursor (t->db, "branch:x"), ==, 2);

  c = kefu_customers_get (t->db, id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (c->name, ==, "欧阳娜娜");
  g_assert_cmpuint (c->contacts->len, ==, 1);
  g_assert_cmpuint (search_count (t->db, "阳娜"), ==, 1);
  g_assert_cmpuint (search_count (t->db, "87654321"), ==, 1);
  g_assert_cmpint (kefu_test_count (t->db, "SELECT n FROM customer_segment_count WHERE segment = 'vip'"), ==, 1);
  g_assert_cmpint (kefu_test_count (t->db, "SELECT count(*) FROM customer_contact WHERE normalized = '13987654321'"), ==, 1);
  g_assert_cmpint (kefu_test_count (t->db, "SELECT count(*) FROM audit_log"), ==, audit0);
  g_assert_cmpint (kefu_test_count (t->db, "SELECT count(*) FROM outbox"), ==, outbox0);

  /* The same page again, and an older version: nothing changes. */
  memset (&stats, 0, sizeof stats);
  g_assert_true (kefu_sync_local_apply (t->db, page, scopes, cursors, &stats, &error));
  g_assert_cmpuint (stats.n_applied, ==, 0);
  g_assert_cmpuint (stats.n_skipped, ==, 2);
  {
    g_autoptr(JsonObject) older = customer_row ("CX0001", "旧名字", "regular");

    g_assert_true (apply1 (t->db, kefu_pulled_row_new ("branch:x", "customer", id, 2, FALSE, older), 3, &error));
  }
  g_clear_pointer (&c, kefu_customer_free);
  c = kefu_customers_get (t->db, id, NULL);
  g_assert_cmpstr (c->name, ==, "欧阳娜娜");
  g_assert_cmpint (kefu_test_count (t->db, "SELECT n FROM customer_segment_count WHERE segment = 'vip'"), ==, 1);

  /* A newer version renames and moves the segment: index and counts follow. */
  {
    g_autoptr(JsonObject) newer = customer_row ("CX0001", "欧阳修", "key");

    g_assert_true (apply1 (t->db, kefu_pulled_row_new ("branch:x", "customer", id, 4, FALSE, newer), 4, &error));
    g_assert_no_error (error);
  }
  g_assert_cmpuint (search_count (t->db, "阳娜"), ==, 0);
  g_assert_cmpuint (search_count (t->db, "阳修"), ==, 1);
  g_assert_cmpint (kefu_test_count (t->db, "SELECT n FROM customer_segment_count WHERE segment = 'vip'"), ==, 0);
  g_assert_cmpint (kefu_test_count (t->db, "SELECT n FROM customer_segment_count WHERE segment = 'key'"), ==, 1);

  /* A tombstone. */
  {
    g_autoptr(JsonObject) gone = customer_row ("CX0001", "欧阳修", "key");

    g_assert_true (apply1 (t->db, kefu_pulled_row_new ("branch:x", "customer", id, 5, TRUE, gone), 5, &error));
  }
  g_assert_null (kefu_customers_get (t->db, id, NULL));
  g_assert_cmpint (kefu_test_count (t->db, "SELECT n FROM customer_segment_count WHERE segment = 'key'"), ==, 0);
  g_assert_cmpint (kefu_test_count (t->db, "SELECT count(*) FROM outbox"), ==, outbox0);
}

/* A pulled change to a row with unsent local changes keeps the local
 * values of the fields those changes touch, and takes the rest. */
static void
test_apply_keeps_pending_local_fields (void)
{
  g_autoptr(KefuTestDb) t = kefu_test_db_new (TRUE);
  g_autofree char *id = create (t->db, "张伟", "13811112222");
  g_autoptr(KefuCustomer) c = kefu_customers_get (t->db, id, NULL);
  g_autoptr(JsonObject) server = NULL;
  g_autoptr(GError) error = NULL;

  ack_all (t->db);
  /* The local edit, not yet pushed. */
  kefu_set_str (&c->company, "本地公司");
  g_assert_true (kefu_customers_update (t->db, c, &error));
  g_assert_no_error (error);
  g_assert_cmpint (kefu_sync_local_pending_count (t->db), ==, 1);

  /* The server meanwhile renamed the customer and set its own company. */
  server = customer_row (c->number, "张伟明", "regular");
  json_object_set_string_member (server, "company", "服务器公司");
  g_assert_true (apply1 (t->db, kefu_pulled_row_new ("branch:y", "customer", id, 7, FALSE, server), 1, &error));
  g_assert_no_error (error);

  g_clear_pointer (&c, kefu_customer_free);
  c = kefu_customers_get (t->db, id, NULL);
  g_assert_cmpstr (c->name, ==, "张伟明");
  g_assert_cmpstr (c->company, ==, "本地公司");
  g_assert_cmpuint (c->contacts->len, ==, 1);
  g_assert_cmpint (kefu_sync_local_pending_count (t->db), ==, 1);
  g_assert_cmpuint (search_count (t->db, "伟明"), ==, 1);

  /* A later local edit is based on the server version now known. */
  kefu_set_str (&c->tags, "重要");
  g_assert_true (kefu_customers_update (t->db, c, &error));
  g_assert_cmpint (kefu_test_count (t->db, "SELECT base_server_version FROM outbox WHERE acked_at IS NULL ORDER BY seq DESC LIMIT 1"), ==, 7);
}

/* A full resync forgets cursors and server versions but keeps unsent
 * changes. */
static void
test_reset_keeps_outbox (void)
{
  g_autoptr(KefuTestDb) t = kefu_test_db_new (TRUE);
  g_autofree char *id = kefu_uuid7_new ();
  g_autoptr(JsonObject) fields = customer_row ("CX0009", "赵六", "new");
  g_autoptr(GError) error = NULL;
  gint64 pending;
  g_autofree char *epoch = NULL;

  g_free (create (t->db, "孙七", NULL));
  g_clear_pointer (&epoch, g_free);
  {
    g_autoptr(GPtrArray) first = kefu_sync_local_next_batch (t->db, NULL, 500, KEFU_SYNC_BATCH_MAX_BYTES, NULL);
    g_autofree char *device = kefu_sync_local_push_device (t->db);

    g_assert_cmpstr (device, ==, kefu_db_get_device_id (t->db));
    g_assert_cmpuint (first->len, >, 0);
  }
  pending = kefu_sync_local_pending_count (t->db);
  g_assert_true (apply1 (t->db, kefu_pulled_row_new ("org", "customer", id, 9, FALSE, fields), 40, &error));
  g_assert_true (kefu_sync_local_reset (t->db, "epoch-2", &error));
  g_assert_no_error (error);
  g_assert_cmpint (kefu_sync_local_get_cursor (t->db, "org"), ==, 0);
  g_assert_cmpint (kefu_test_count (t->db, "SELECT count(*) FROM sync_row"), ==, 0);
  g_assert_cmpint (kefu_sync_local_pending_count (t->db), ==, pending);
  epoch = kefu_sync_local_get (t->db, "epoch");
  g_assert_cmpstr (epoch, ==, "epoch-2");
  /* Unanswered entries go again from 1, under a new push device id. */
  {
    g_autoptr(GPtrArray) batch = kefu_sync_local_next_batch (t->db, NULL, 500, KEFU_SYNC_BATCH_MAX_BYTES, NULL);
    g_autofree char *device = kefu_sync_local_push_device (t->db);

    g_assert_cmpuint (batch->len, ==, pending);
    g_assert_cmpint (((KefuOutboxOp *) batch->pdata[0])->push_seq, ==, 1);
    g_assert_cmpstr (device, !=, kefu_db_get_device_id (t->db));
  }
  /* The snapshot brings the row again: applied once more, not doubled. */
  g_assert_true (apply1 (t->db, kefu_pulled_row_new ("org", "customer", id, 9, FALSE, fields), 1, &error));
  g_assert_cmpint (kefu_test_count (t->db, "SELECT count(*) FROM customer WHERE number = 'CX0009'"), ==, 1);
}

/* A stale cursor (410 "horizon") starts the pull over from a snapshot:
 * rows the snapshot brings again stay, with unsent local edits kept; a
 * row it no longer brings (its tombstone was purged) leaves the lists and
 * the search index, unless an unsent local edit names it; rows made here
 * and never sent are untouched; the push numbering goes on. */
static void
test_restart_pull_sweeps_unseen (void)
{
  g_autoptr(KefuTestDb) t = kefu_test_db_new (TRUE);
  g_autofree char *again = kefu_uuid7_new ();
  g_autofree char *purged = kefu_uuid7_new ();
  g_autofree char *edited = kefu_uuid7_new ();
  g_autoptr(JsonObject) f_again = customer_row ("CX0011", "鲁肃", "regular");
  g_autoptr(JsonObject) f_purged = customer_row ("CX0012", "吕蒙", "regular");
  g_autoptr(JsonObject) f_edited = customer_row ("CX0013", "陆逊", "regular");
  g_autoptr(KefuCustomer) c = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *mine = NULL;
  gint64 seq;

  g_assert_true (apply1 (t->db, kefu_pulled_row_new ("org", "customer", again, 3, FALSE, f_again), 10, &error));
  g_assert_true (apply1 (t->db, kefu_pulled_row_new ("org", "customer", purged, 2, FALSE, f_purged), 11, &error));
  g_assert_true (apply1 (t->db, kefu_pulled_row_new ("org", "customer", edited, 2, FALSE, f_edited), 12, &error));
  g_assert_no_error (error);
  ack_all (t->db);
  seq = kefu_sync_local_last_push_seq (t->db);

  /* Offline: a new file, and edits of two pulled ones. */
  mine = create (t->db, "诸葛瑾", NULL);
  c = kefu_customers_get (t->db, again, NULL);
  kefu_set_str (&c->tags, "本地");
  g_assert_true (kefu_customers_update (t->db, c, &error));
  g_clear_pointer (&c, kefu_customer_free);
  c = kefu_customers_get (t->db, edited, NULL);
  kefu_set_str (&c->company, "东吴");
  g_assert_true (kefu_customers_update (t->db, c, &error));
  g_assert_no_error (error);

  g_assert_true (kefu_sync_local_restart_pull (t->db, &error));
  g_assert_no_error (error);
  g_assert_cmpint (kefu_sync_local_get_cursor (t->db, "org"), ==, 0);
  /* The snapshot brings only one of the three again. */
  g_assert_true (apply1 (t->db, kefu_pulled_row_new ("org", "customer", again, 4, FALSE, f_again), 20, &error));
  g_assert_true (kefu_sync_local_sweep_unseen (t->db, &error));
  g_assert_no_error (error);

  g_assert_cmpuint (search_count (t->db, "吕蒙"), ==, 0);
  g_assert_null (kefu_customers_get (t->db, purged, NULL));
  g_assert_cmpuint (search_count (t->db, "鲁肃"), ==, 1);
  g_assert_cmpuint (search_count (t->db, "陆逊"), ==, 1);
  g_assert_cmpuint (search_count (t->db, "诸葛瑾"), ==, 1);
  g_clear_pointer (&c, kefu_customer_free);
  c = kefu_customers_get (t->db, again, NULL);
  g_assert_cmpstr (c->tags, ==, "本地");
  g_clear_pointer (&c, kefu_customer_free);
  c = kefu_customers_get (t->db, edited, NULL);
  g_assert_cmpstr (c->company, ==, "东吴");
  /* Nothing written for the outbox by the sweep; the three local changes
   * wait, numbered after what went before. */
  g_assert_cmpint (kefu_sync_local_pending_count (t->db), >=, 3);
  g_assert_cmpint (kefu_test_count (t->db, "SELECT count(*) FROM sync_row WHERE server_version = 0"), ==, 0);
  {
    g_autoptr(GPtrArray) batch = kefu_sync_local_next_batch (t->db, NULL, 500, KEFU_SYNC_BATCH_MAX_BYTES, NULL);

    g_assert_cmpint (((KefuOutboxOp *) batch->pdata[0])->push_seq, ==, seq + 1);
    for (guint i = 0; i < batch->len; i++)
      g_assert_cmpstr (((KefuOutboxOp *) batch->pdata[i])->row_id, !=, purged);
  }
}

/* Unknown entities (a newer server) and local tables are never written. */
static void
test_apply_refuses_local_tables (void)
{
  g_autoptr(KefuTestDb) t = kefu_test_db_new (TRUE);
  g_autofree char *id = kefu_uuid7_new ();
  g_autoptr(JsonObject) fields = json_object_new ();
  g_autoptr(GPtrArray) page = g_ptr_array_new_with_free_func ((GDestroyNotify) kefu_pulled_row_free);
  KefuSyncApplyStats stats = { 0 };
  const char *scopes[] = { NULL };
  int outbox0 = kefu_test_count (t->db, "SELECT count(*) FROM outbox");

  json_object_set_string_member (fields, "value", "x");
  g_ptr_array_add (page, kefu_pulled_row_new ("org", "outbox", id, 1, FALSE, fields));
  g_ptr_array_add (page, kefu_pulled_row_new ("org", "meta", id, 1, FALSE, fields));
  g_ptr_array_add (page, kefu_pulled_row_new ("org", "customer; DROP TABLE kcase", id, 1, FALSE, fields));
  g_ptr_array_add (page, kefu_pulled_row_new ("org", "future_thing", id, 1, FALSE, fields));
  g_assert_true (kefu_sync_local_apply (t->db, page, scopes, NULL, &stats, NULL));
  g_assert_cmpuint (stats.n_unknown, ==, 4);
  g_assert_cmpint (kefu_test_count (t->db, "SELECT count(*) FROM outbox"), ==, outbox0);
  g_assert_cmpint (kefu_test_count (t->db, "SELECT count(*) FROM kcase"), ==, 0);
}

/* A conflict record as the server writes it (docs/SYNC.md), pulled. */
static char *
add_conflict (KefuDb     *db,
              const char *entity,
              const char *row_id,
              const char *field,
              const char *server_value,
              const char *client_value)
{
  g_autofree char *id = kefu_uuid7_new ();
  g_autofree char *office = kefu_db_get_meta (db, "office_id");
  g_autofree char *sql = g_strdup_printf ("INSERT INTO conflict (id, hlc, updated_at, entity, row_id, field,"
                                          " server_value, client_value, created_at, status, branch_id)"
                                          " VALUES ('%s', '0', 0, '%s', '%s', '%s', '%s', '%s', 1, 'open', '%s')",
                                          id, entity, row_id, field, server_value, client_value, office);

  g_assert_true (kefu_db_exec (db, sql, NULL));
  return g_steal_pointer (&id);
}

static char *
case_status (KefuDb     *db,
             const char *case_id)
{
  g_autoptr(KefuCase) c = kefu_cases_get (db, case_id, NULL);

  return g_strdup (c->status);
}

/* "Use the other value" goes through the case lifecycle and the staff
 * checks like an edit on the case page: a refused value says why in the
 * user's words and writes nothing (the conflict stays open); an allowed one
 * leaves the timeline and the outbox as the form would. */
static void
test_conflict_other_value_checked (void)
{
  g_autoptr(KefuTestDb) t = kefu_test_db_new (TRUE);
  g_autoptr(KefuStaff) me = kefu_org_get_current_user (t->db);
  g_autoptr(KefuCase) c = kefu_case_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *customer = create (t->db, "周瑜", "13500005555");
  g_autofree char *left = kefu_test_add_staff (t->db, me->org_unit_id, "left.agent", "agent");
  g_autofree char *to_waiting = NULL;
  g_autofree char *to_left = NULL;
  g_autofree char *to_reopen = NULL;
  g_autofree char *status = NULL;
  g_autofree char *sql = NULL;
  int outbox, events;

  c->customer_id = g_strdup (customer);
  c->kind = g_strdup ("complaint");
  c->channel = g_strdup ("phone");
  c->subject = g_strdup ("快件丢失");
  g_assert_true (kefu_cases_create (t->db, c, &error));
  g_assert_no_error (error);
  g_assert_true (kefu_cases_assign (t->db, c->id, NULL, me->id, NULL, &error));
  g_assert_true (kefu_cases_start (t->db, c->id, &error));
  g_assert_true (kefu_cases_resolve (t->db, c->id, "已赔付", &error));
  g_assert_no_error (error);
  g_assert_true (kefu_org_set_staff_active (t->db, left, FALSE, &error));
  g_assert_no_error (error);

  /* resolved → waiting is not a step the lifecycle allows. */
  to_waiting = add_conflict (t->db, "kcase", c->id, "status", "\"resolved\"", "\"waiting\"");
  outbox = kefu_test_count (t->db, "SELECT count(*) FROM outbox");
  events = kefu_test_count (t->db, "SELECT count(*) FROM case_event");
  g_assert_false (kefu_conflicts_resolve (t->db, to_waiting, TRUE, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "reopen it first"));
  g_clear_error (&error);
  status = case_status (t->db, c->id);
  g_assert_cmpstr (status, ==, "resolved");
  g_assert_cmpint (kefu_test_count (t->db, "SELECT count(*) FROM outbox"), ==, outbox);
  g_assert_cmpint (kefu_test_count (t->db, "SELECT count(*) FROM case_event"), ==, events);
  sql = g_strdup_printf ("SELECT count(*) FROM conflict WHERE id = '%s' AND status = 'open'", to_waiting);
  g_assert_cmpint (kefu_test_count (t->db, sql), ==, 1);

  /* Reopening (resolved → in progress) is allowed: it reopens the case
   * with a reason on the timeline and resolves the conflict. */
  to_reopen = add_conflict (t->db, "kcase", c->id, "status", "\"resolved\"", "\"in_progress\"");
  g_assert_true (kefu_conflicts_resolve (t->db, to_reopen, TRUE, &error));
  g_assert_no_error (error);
  g_clear_pointer (&status, g_free);
  status = case_status (t->db, c->id);
  g_assert_cmpstr (status, ==, "in_progress");
  g_assert_cmpint (kefu_test_count (t->db, "SELECT count(*) FROM case_event"), >, events);

  /* An assignee who has left is not an active staff member. */
  to_left = add_conflict (t->db, "kcase", c->id, "assignee_id", "null", "\"X\"");
  g_clear_pointer (&sql, g_free);
  sql = g_strdup_printf ("UPDATE conflict SET client_value = '\"%s\"' WHERE id = '%s'", left, to_left);
  g_assert_true (kefu_db_exec (t->db, sql, NULL));
  outbox = kefu_test_count (t->db, "SELECT count(*) FROM outbox");
  g_assert_false (kefu_conflicts_resolve (t->db, to_left, TRUE, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
  g_test_message ("refused: %s", error->message);
  g_clear_error (&error);
  g_assert_cmpint (kefu_test_count (t->db, "SELECT count(*) FROM outbox"), ==, outbox);
  {
    g_autoptr(KefuCase) now = kefu_cases_get (t->db, c->id, NULL);

    g_assert_cmpstr (now->assignee_id, ==, me->id);
  }

  /* The waiting conflict applies now that the case is open again. */
  g_assert_true (kefu_conflicts_resolve (t->db, to_waiting, TRUE, &error));
  g_assert_no_error (error);
  g_clear_pointer (&status, g_free);
  status = case_status (t->db, c->id);
  g_assert_cmpstr (status, ==, "waiting");
  g_assert_cmpint (kefu_test_count (t->db, "SELECT count(*) FROM kcase WHERE paused_at > 0"), ==, 1);
}

/* A customer field goes through the file's own checks: an enterprise
 * customer needs a company name. */
static void
test_conflict_other_customer_value_checked (void)
{
  g_autoptr(KefuTestDb) t = kefu_test_db_new (TRUE);
  g_autoptr(KefuCustomer) c = kefu_customer_new ();
  g_autoptr(KefuCustomer) now = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *blank = NULL;
  g_autofree char *tags = NULL;

  c->name = g_strdup ("东吴物流");
  c->kind = g_strdup ("enterprise");
  c->company = g_strdup ("东吴物流有限公司");
  g_assert_true (kefu_customers_create (t->db, c, &error));
  g_assert_no_error (error);

  blank = add_conflict (t->db, "customer", c->id, "company", "\"东吴物流有限公司\"", "null");
  g_assert_false (kefu_conflicts_resolve (t->db, blank, TRUE, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
  g_clear_error (&error);
  now = kefu_customers_get (t->db, c->id, NULL);
  g_assert_cmpstr (now->company, ==, "东吴物流有限公司");

  tags = add_conflict (t->db, "customer", c->id, "tags", "null", "\"月结\"");
  g_assert_true (kefu_conflicts_resolve (t->db, tags, TRUE, &error));
  g_assert_no_error (error);
  g_clear_pointer (&now, kefu_customer_free);
  now = kefu_customers_get (t->db, c->id, NULL);
  g_assert_cmpstr (now->tags, ==, "月结");
  g_assert_cmpuint (search_count (t->db, "东吴"), ==, 1);
}

/* The first sign-in rewrites the placeholder's id everywhere on this
 * computer, the timeline's "assigned to" values included, so that the
 * case page names the person before anything comes back from the
 * server. */
static void
test_adopt_identity_rewrites_timeline (void)
{
  g_autoptr(KefuTestDb) t = kefu_test_db_new (TRUE);
  g_autoptr(KefuStaff) me = kefu_org_get_current_user (t->db);
  g_autoptr(KefuCase) c = kefu_case_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *customer = create (t->db, "鲁肃", "13500006666");
  g_autofree char *server_id = kefu_uuid7_new ();
  g_autofree char *old_id = g_strdup (me->id);
  g_autofree char *sql = NULL;

  c->customer_id = g_strdup (customer);
  c->kind = g_strdup ("complaint");
  c->channel = g_strdup ("phone");
  c->subject = g_strdup ("快件丢失");
  g_assert_true (kefu_cases_create (t->db, c, &error));
  g_assert_true (kefu_cases_assign (t->db, c->id, NULL, old_id, NULL, &error));
  g_assert_no_error (error);
  sql = g_strdup_printf ("SELECT count(*) FROM case_event WHERE old_value = '%s' OR new_value = '%s'", old_id, old_id);
  g_assert_cmpint (kefu_test_count (t->db, sql), >=, 1);

  g_assert_true (kefu_sync_local_adopt_identity (t->db, server_id, FALSE, &error));
  g_assert_no_error (error);
  g_assert_cmpint (kefu_test_count (t->db, sql), ==, 0);
  g_clear_pointer (&sql, g_free);
  sql = g_strdup_printf ("SELECT count(*) FROM case_event WHERE field = 'assignee_id' AND new_value = '%s'", server_id);
  g_assert_cmpint (kefu_test_count (t->db, sql), >=, 1);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sync/local/push-seq-contiguous-after-prune", test_push_seq_contiguous_after_prune);
  g_test_add_func ("/sync/local/batch-limits", test_batch_limits);
  g_test_add_func ("/sync/local/apply-idempotent", test_apply_idempotent);
  g_test_add_func ("/sync/local/apply-keeps-pending-local-fields", test_apply_keeps_pending_local_fields);
  g_test_add_func ("/sync/local/reset-keeps-outbox", test_reset_keeps_outbox);
  g_test_add_func ("/sync/local/apply-refuses-local-tables", test_apply_refuses_local_tables);
  g_test_add_func ("/sync/local/restart-pull-sweeps-unseen", test_restart_pull_sweeps_unseen);
  g_test_add_func ("/sync/local/conflict-other-value-checked", test_conflict_other_value_checked);
  g_test_add_func ("/sync/local/conflict-other-customer-value-checked", test_conflict_other_customer_value_checked);
  g_test_add_func ("/sync/local/adopt-identity-rewrites-timeline", test_adopt_identity_rewrites_timeline);

  return g_test_run ();
}
