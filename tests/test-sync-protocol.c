/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-sync-protocol"

#include "config.h"

#include <string.h>

#include "kefu-sync-protocol.h"

#define DEVICE "01900000-0000-7000-8000-0000000000d1"
#define ROW    "01900000-0000-7000-8000-0000000000a1"
#define OP     "01900000-0000-7000-8000-0000000000f1"

static char *
push_with_op (const char *op_json)
{
  return g_strdup_printf ("{\"device_id\":\"" DEVICE "\",\"epoch\":\"e\",\"ops\":[%s]}", op_json);
}

static void
expect_invalid (const char *body,
                const char *fragment)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KefuSyncPush) push = kefu_sync_push_decode (body, strlen (body), &error);

  g_assert_null (push);
  g_assert_nonnull (error);
  if (strstr (error->message, fragment) == NULL)
    g_error ("message \"%s\" lacks \"%s\"", error->message, fragment);
}

static void
test_push_round_trip (void)
{
  g_autoptr(KefuSyncPush) push = kefu_sync_push_new ();
  g_autoptr(KefuSyncPush) back = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  g_autofree char *again = NULL;
  KefuSyncOp *op = kefu_sync_op_new ();
  KefuSyncOp *got;

  push->device_id = g_strdup (DEVICE);
  push->epoch = g_strdup ("epoch-1");
  op->seq = 7;
  op->op_id = g_strdup (OP);
  op->entity = g_strdup ("kcase");
  op->row_id = g_strdup (ROW);
  op->op = KEFU_SYNC_OP_UPDATE;
  op->base_version = 3;
  op->hlc = g_strdup ("1764740000000:00001:" DEVICE);
  op->fields = json_object_new ();
  json_object_set_string_member (op->fields, "subject", "包裹延误 \"quoted\"\n");
  json_object_set_int_member (op->fields, "claim_amount_cents", 12345);
  json_object_set_boolean_member (op->fields, "insured", TRUE);
  json_object_set_null_member (op->fields, "resolution");
  g_ptr_array_add (push->ops, op);

  json = kefu_sync_push_encode (push);
  back = kefu_sync_push_decode (json, strlen (json), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (back->device_id, ==, DEVICE);
  g_assert_cmpuint (back->ops->len, ==, 1);
  got = g_ptr_array_index (back->ops, 0);
  g_assert_cmpint (got->seq, ==, 7);
  g_assert_cmpint (got->op, ==, KEFU_SYNC_OP_UPDATE);
  g_assert_cmpint (got->base_version, ==, 3);
  g_assert_cmpstr (json_object_get_string_member (got->fields, "subject"), ==, "包裹延误 \"quoted\"\n");
  g_assert_cmpint (json_object_get_int_member (got->fields, "claim_amount_cents"), ==, 12345);
  g_assert_true (json_object_get_boolean_member (got->fields, "insured"));
  g_assert_true (json_object_get_null_member (got->fields, "resolution"));
  again = kefu_sync_push_encode (back);
  g_assert_cmpstr (again, ==, json);
}

static void
test_push_rejects (void)
{
  const char *good = "{\"seq\":1,\"op_id\":\"" OP "\",\"entity\":\"customer\",\"row_id\":\"" ROW "\","
                     "\"op\":\"insert\",\"base_version\":0,\"hlc\":\"1764740000000:00001:x\",\"fields\":{\"name\":\"A\"}}";
  g_autofree char *ok = push_with_op (good);
  g_autoptr(GError) error = NULL;
  g_autoptr(KefuSyncPush) push = kefu_sync_push_decode (ok, strlen (ok), &error);
  g_autofree char *big = g_strnfill (KEFU_SYNC_MAX_STRING + 1, 'x');
  g_autofree char *oversized = NULL;
  g_autofree char *body = NULL;
  GString *deep = g_string_new ("");

  g_assert_no_error (error);
  g_assert_nonnull (push);

  expect_invalid ("", "empty");
  expect_invalid ("[1]", "JSON object");
  expect_invalid ("{\"device_id\":", "not valid JSON");
  expect_invalid ("{\"device_id\":\"nope\",\"epoch\":\"e\",\"ops\":[]}", "device_id is not a UUID");
  expect_invalid ("{\"device_id\":\"" DEVICE "\",\"epoch\":\"e\",\"ops\":{}}", "ops must be an array");
  expect_invalid ("{\"device_id\":\"" DEVICE "\",\"epoch\":5,\"ops\":[]}", "epoch must be a string");

#define OP_WITH(a) push_with_op ("{\"seq\":1,\"op_id\":\"" OP "\",\"row_id\":\"" ROW "\",\"base_version\":0," \
                                 "\"hlc\":\"1764740000000:00001:x\"," a "}")
  body = OP_WITH ("\"entity\":\"secret_table\",\"op\":\"insert\"");
  expect_invalid (body, "ops[0].entity \"secret_table\" is not a synced entity");
  g_free (body);
  body = OP_WITH ("\"entity\":\"customer\",\"op\":\"drop\"");
  expect_invalid (body, "ops[0].op");
  g_free (body);
  body = OP_WITH ("\"entity\":\"customer\",\"op\":\"insert\",\"fields\":{\"name\":[1]}");
  expect_invalid (body, "ops[0].name must be a string, an integer");
  g_free (body);
  body = OP_WITH ("\"entity\":\"customer\",\"op\":\"insert\",\"fields\":{\"x\":1.5}");
  expect_invalid (body, "ops[0].x must be a string, an integer");
  g_free (body);
  body = OP_WITH ("\"entity\":\"customer\",\"op\":\"insert\",\"fields\":{\"Name; DROP\":1}");
  expect_invalid (body, "not a column name");
  g_free (body);
  body = OP_WITH ("\"entity\":\"customer\",\"op\":\"insert\",\"fields\":{\"id\":\"x\"}");
  expect_invalid (body, "reserved");
  g_free (body);
  oversized = g_strdup_printf ("\"entity\":\"customer\",\"op\":\"insert\",\"fields\":{\"name\":\"%s\"}", big);
  {
    g_autofree char *op_json = g_strdup_printf ("{\"seq\":1,\"op_id\":\"" OP "\",\"row_id\":\"" ROW "\",\"base_version\":0,"
                                                "\"hlc\":\"1764740000000:00001:x\",%s}", oversized);
    body = push_with_op (op_json);
    expect_invalid (body, "ops[0].name is too long");
    g_free (body);
  }
  body = OP_WITH ("\"entity\":\"customer\",\"op\":\"update\",\"base_version\":-1");
  expect_invalid (body, "base_version");
  g_free (body);
#undef OP_WITH

  for (int i = 0; i < 100; i++)
    g_string_append_c (deep, '[');
  body = g_strdup_printf ("{\"a\":%s}", deep->str);
  expect_invalid (body, "nested too deeply");
  g_string_free (deep, TRUE);
}

static void
test_pull_reply_round_trip (void)
{
  g_autoptr(KefuSyncPullReply) reply = kefu_sync_pull_reply_new ();
  g_autoptr(KefuSyncPullReply) back = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  KefuSyncChange *change = kefu_sync_change_new ();
  KefuSyncChange *got;

  reply->epoch = g_strdup ("e");
  reply->more = TRUE;
  g_ptr_array_add (reply->cursors, kefu_sync_cursor_new ("branch:" ROW, 12));
  g_ptr_array_add (reply->cursors, kefu_sync_cursor_new ("org", 3));
  change->scope = g_strdup ("org");
  change->server_seq = 3;
  change->entity = g_strdup ("org_unit");
  change->row_id = g_strdup (ROW);
  change->version = 2;
  change->fields_json = g_strdup ("{\"code\":\"HQ\",\"name\":\"总部\"}");
  g_ptr_array_add (reply->changes, change);

  json = kefu_sync_pull_reply_encode (reply);
  back = kefu_sync_pull_reply_decode (json, strlen (json), &error);
  g_assert_no_error (error);
  g_assert_true (back->more);
  g_assert_cmpuint (back->cursors->len, ==, 2);
  g_assert_cmpuint (back->changes->len, ==, 1);
  got = g_ptr_array_index (back->changes, 0);
  g_assert_cmpstr (got->entity, ==, "org_unit");
  g_assert_cmpint (got->version, ==, 2);
  g_assert_false (got->deleted);
  g_assert_cmpstr (json_object_get_string_member (got->fields, "name"), ==, "总部");
}

static void
test_checksum_order_free (void)
{
  KefuSyncChecksum a, b;
  g_autofree char *ha = NULL;
  g_autofree char *hb = NULL;
  g_autofree char *empty = NULL;

  kefu_sync_checksum_init (&a);
  empty = kefu_sync_checksum_hex (&a);
  g_assert_cmpstr (empty, ==, "0000000000000000000000000000000000000000000000000000000000000000");
  kefu_sync_checksum_init (&b);
  kefu_sync_checksum_add (&a, "customer", ROW, 1);
  kefu_sync_checksum_add (&a, "kcase", OP, 4);
  kefu_sync_checksum_add (&b, "kcase", OP, 4);
  kefu_sync_checksum_add (&b, "customer", ROW, 1);
  ha = kefu_sync_checksum_hex (&a);
  hb = kefu_sync_checksum_hex (&b);
  g_assert_cmpstr (ha, ==, hb);
  g_assert_cmpint (a.count, ==, 2);
  kefu_sync_checksum_add (&b, "customer", ROW, 2);
  g_free (hb);
  hb = kefu_sync_checksum_hex (&b);
  g_assert_cmpstr (ha, !=, hb);
}

static void
test_entities_sorted (void)
{
  guint n;
  const KefuSyncEntity *all = kefu_sync_entities (&n);

  for (guint i = 1; i < n; i++)
    g_assert_cmpint (strcmp (all[i - 1].name, all[i].name), <, 0);
  for (guint i = 0; i < n; i++)
    g_assert_true (kefu_sync_entity_lookup (all[i].name) == &all[i]);
  g_assert_null (kefu_sync_entity_lookup ("outbox"));
  g_assert_true (kefu_sync_scope_is_valid ("branch:" ROW));
  g_assert_false (kefu_sync_scope_is_valid ("branch:x"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sync/protocol/push-round-trip", test_push_round_trip);
  g_test_add_func ("/sync/protocol/push-rejects", test_push_rejects);
  g_test_add_func ("/sync/protocol/pull-reply-round-trip", test_pull_reply_round_trip);
  g_test_add_func ("/sync/protocol/checksum-order-free", test_checksum_order_free);
  g_test_add_func ("/sync/protocol/entities-sorted", test_entities_sorted);
  return g_test_run ();
}
