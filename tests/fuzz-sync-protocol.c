/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "fuzz-sync-protocol"

#include "config.h"

#include <stdint.h>
#include <string.h>

#include "kefu-server-private.h"
#include "kefu-sync-protocol.h"

/* Fuzz target for every decoder of the sync protocol and the server's
 * users body parser. The first byte picks the decoder, the rest is the
 * body. Whatever a decoder accepts must survive encode → decode again.
 *
 * Built two ways: with -Dfuzzing=true under clang as a libFuzzer binary
 * (KEFU_LIBFUZZER), and always as a test that runs every file in
 * tests/fuzz-corpus/ once (the deterministic corpus run of the suite). */

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

enum {
  LOGIN, LOGIN_REPLY, PUSH, PUSH_REPLY, PULL, PULL_REPLY, SNAPSHOT,
  SNAPSHOT_REPLY, VERIFY_REPLY, USER_CREATE, USER_UPDATE, N_DECODERS
};

static void
round_trip_push (KefuSyncPush *push)
{
  g_autofree char *json = kefu_sync_push_encode (push);
  g_autoptr(GError) error = NULL;
  g_autoptr(KefuSyncPush) again = kefu_sync_push_decode (json, strlen (json), &error);
  g_autofree char *json2 = NULL;

  if (again == NULL)
    g_error ("re-encoded push does not decode: %s\n%s", error->message, json);
  /* Duplicate members collapse on the first decode, so compare from the
   * second encoding on. */
  json2 = kefu_sync_push_encode (again);
  {
    g_autoptr(KefuSyncPush) third = kefu_sync_push_decode (json2, strlen (json2), &error);
    g_autofree char *json3 = NULL;

    g_assert_no_error (error);
    json3 = kefu_sync_push_encode (third);
    g_assert_cmpstr (json2, ==, json3);
  }
}

static void
round_trip_pull_reply (KefuSyncPullReply *reply)
{
  g_autofree char *json = kefu_sync_pull_reply_encode (reply);
  g_autoptr(GError) error = NULL;
  g_autoptr(KefuSyncPullReply) again = kefu_sync_pull_reply_decode (json, strlen (json), &error);

  if (again == NULL)
    g_error ("re-encoded pull reply does not decode: %s", error->message);
  g_assert_cmpuint (again->changes->len, ==, reply->changes->len);
}

static void
round_trip_push_reply (KefuSyncPushReply *reply)
{
  g_autofree char *json = kefu_sync_push_reply_encode (reply);
  g_autoptr(GError) error = NULL;
  g_autoptr(KefuSyncPushReply) again = kefu_sync_push_reply_decode (json, strlen (json), &error);

  if (again == NULL)
    g_error ("re-encoded push reply does not decode: %s", error->message);
  g_assert_cmpuint (again->results->len, ==, reply->results->len);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  const char *body;
  gsize length;

  if (size < 1)
    return 0;
  body = (const char *) data + 1;
  length = size - 1;

  switch (data[0] % N_DECODERS)
    {
    case LOGIN:
      kefu_sync_login_free (kefu_sync_login_decode (body, length, &error));
      break;
    case LOGIN_REPLY:
      kefu_sync_login_reply_free (kefu_sync_login_reply_decode (body, length, &error));
      break;
    case PUSH:
      {
        g_autoptr(KefuSyncPush) push = kefu_sync_push_decode (body, length, &error);
        if (push != NULL)
          round_trip_push (push);
      }
      break;
    case PUSH_REPLY:
      {
        g_autoptr(KefuSyncPushReply) reply = kefu_sync_push_reply_decode (body, length, &error);
        if (reply != NULL)
          round_trip_push_reply (reply);
      }
      break;
    case PULL:
      kefu_sync_pull_free (kefu_sync_pull_decode (body, length, &error));
      break;
    case PULL_REPLY:
      {
        g_autoptr(KefuSyncPullReply) reply = kefu_sync_pull_reply_decode (body, length, &error);
        if (reply != NULL)
          round_trip_pull_reply (reply);
      }
      break;
    case SNAPSHOT:
      g_free (kefu_sync_snapshot_decode (body, length, &error));
      break;
    case SNAPSHOT_REPLY:
      kefu_sync_snapshot_reply_free (kefu_sync_snapshot_reply_decode (body, length, &error));
      break;
    case VERIFY_REPLY:
      kefu_sync_verify_reply_free (kefu_sync_verify_reply_decode (body, length, &error));
      break;
    case USER_CREATE:
    case USER_UPDATE:
      {
        JsonObject *object = _kefu_server_parse_user_body (body, length, data[0] % N_DECODERS == USER_CREATE, &error);
        if (object != NULL)
          json_object_unref (object);
      }
      break;
    default:
      g_assert_not_reached ();
    }
  /* A refusal always says why. */
  if (error != NULL)
    g_assert_true (error->message != NULL && *error->message != '\0');
  return 0;
}

#ifndef KEFU_LIBFUZZER
/* The deterministic corpus run: every file of the corpus folder once. */
static void
test_corpus (void)
{
  g_autofree char *dir = g_test_build_filename (G_TEST_DIST, "fuzz-corpus", NULL);
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  guint n = 0;

  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *contents = NULL;
      gsize len;

      g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
      LLVMFuzzerTestOneInput ((const uint8_t *) contents, len);
      /* Every prefix as well: truncated bodies are the commonest damage. */
      for (gsize cut = 1; cut < len; cut += 1 + len / 64)
        LLVMFuzzerTestOneInput ((const uint8_t *) contents, cut);
      n++;
    }
  g_test_message ("%u corpus files", n);
  g_assert_cmpuint (n, >=, 20);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sync/fuzz/corpus", test_corpus);
  return g_test_run ();
}
#endif
