/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "kefu-server"

#include "config.h"

#include <string.h>

#include "kefu-server-private.h"

/* User accounts, managed by admins for the org units at or below their own
 * (docs/SYNC.md, "Users"). */

static const char * const roles[] = { "agent", "supervisor", "trainer", "admin" };

static gboolean
invalid (GError     **error,
         const char  *message)
{
  g_set_error_literal (error, KEFU_SERVER_ERROR, KEFU_SERVER_ERROR_INVALID, message);
  return FALSE;
}

static gboolean
is_username (const char *text)
{
  gsize len = strlen (text);

  if (len == 0 || len > KEFU_SYNC_MAX_NAME)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!(g_ascii_isalnum (text[i]) || strchr ("._@-", text[i]) != NULL))
      return FALSE;
  return TRUE;
}

static gboolean
is_role (const char *text)
{
  for (guint i = 0; i < G_N_ELEMENTS (roles); i++)
    if (g_strcmp0 (text, roles[i]) == 0)
      return TRUE;
  return FALSE;
}

static void
replace_string (char       **field,
                const char  *value)
{
  g_free (*field);
  *field = g_strdup (value);
}

static gboolean
string_member (JsonNode    *node,
               const char **out)
{
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return FALSE;
  *out = json_node_get_string (node);
  return TRUE;
}

/**
 * _kefu_server_parse_user_body:
 * Returns: (transfer full): the checked user object of a users request.
 */
JsonObject *
_kefu_server_parse_user_body (const char  *data,
                              gsize        length,
                              gboolean     creating,
                              GError     **error)
{
  g_autoptr(JsonObject) object = kefu_sync_parse_object (data, length, error);
  JsonObjectIter iter;
  const char *name;
  JsonNode *node;

  if (object == NULL)
    return NULL;
  json_object_iter_init_ordered (&iter, object);
  while (json_object_iter_next_ordered (&iter, &name, &node))
    {
      const char *text = NULL;

      if (g_str_equal (name, "username") && creating)
        {
          if (!string_member (node, &text) || !is_username (text))
            return invalid (error, "username must be 1–64 letters, digits or . _ @ -"), NULL;
        }
      else if (g_str_equal (name, "password"))
        {
          if (!string_member (node, &text) || strlen (text) < 8 || strlen (text) > 1024)
            return invalid (error, "password must be a string of 8 to 1024 bytes"), NULL;
        }
      else if (g_str_equal (name, "role"))
        {
          if (!string_member (node, &text) || !is_role (text))
            return invalid (error, "role must be agent, supervisor, trainer or admin"), NULL;
        }
      else if (g_str_equal (name, "org_unit_id"))
        {
          if (!string_member (node, &text) || !kefu_sync_is_uuid (text))
            return invalid (error, "org_unit_id is not a UUID"), NULL;
        }
      else if (g_str_equal (name, "staff_id"))
        {
          if (!JSON_NODE_HOLDS_NULL (node) && (!string_member (node, &text) || !kefu_sync_is_uuid (text)))
            return invalid (error, "staff_id is not a UUID"), NULL;
        }
      else if (g_str_equal (name, "active") && !creating)
        {
          if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
            return invalid (error, "active must be true or false"), NULL;
        }
      else
        {
          g_set_error (error, KEFU_SERVER_ERROR, KEFU_SERVER_ERROR_INVALID,
                       "unknown member \"%.64s\"", name);
          return NULL;
        }
    }
  if (creating)
    {
      static const char * const required[] = { "username", "password", "role", "org_unit_id" };

      for (guint i = 0; i < G_N_ELEMENTS (required); i++)
        if (!json_object_has_member (object, required[i]))
          {
            g_set_error (error, KEFU_SERVER_ERROR, KEFU_SERVER_ERROR_INVALID, "%s is missing", required[i]);
            return NULL;
          }
    }
  return g_steal_pointer (&object);
}

static void
append_user (GString             *out,
             const KefuStoreUser *user)
{
  g_string_append (out, "{\"id\":");
  kefu_sync_append_json_string (out, user->id);
  g_string_append (out, ",\"username\":");
  kefu_sync_append_json_string (out, user->username);
  g_string_append (out, ",\"role\":");
  kefu_sync_append_json_string (out, user->role);
  g_string_append (out, ",\"org_unit_id\":");
  kefu_sync_append_json_string (out, user->org_unit_id);
  g_string_append (out, ",\"staff_id\":");
  kefu_sync_append_json_string (out, user->staff_id);
  g_string_append_printf (out, ",\"active\":%s}", user->active ? "true" : "false");
}

static char *
user_to_json (const KefuStoreUser *user)
{
  GString *out = g_string_new (NULL);

  append_user (out, user);
  return g_string_free (out, FALSE);
}

static gboolean
audit_user (KefuServer           *self,
            KefuIdentity         *identity,
            const char           *action,
            const KefuStoreUser  *user,
            GError              **error)
{
  g_autofree char *detail = user_to_json (user);

  return self->store->vtable->audit_append (self->store, _kefu_server_now (self), identity->user->id,
                                            NULL, action, "user", user->id, detail, error);
}

static void
list_users (KefuServer   *self,
            KefuIdentity *identity,
            KefuReply    *reply)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) users = self->store->vtable->user_list (self->store, &error);
  GString *out;
  gboolean first = TRUE;

  if (users == NULL)
    {
      _kefu_reply_from_error (reply, error);
      return;
    }
  out = g_string_new ("{\"users\":[");
  for (guint i = 0; i < users->len; i++)
    {
      KefuStoreUser *user = g_ptr_array_index (users, i);

      if (!g_hash_table_contains (identity->units, user->org_unit_id))
        continue;
      if (!first)
        g_string_append_c (out, ',');
      first = FALSE;
      append_user (out, user);
    }
  g_string_append (out, "]}");
  reply->status = 200;
  reply->body = g_string_free (out, FALSE);
}

static void
create_user (KefuServer   *self,
             KefuIdentity *identity,
             JsonObject   *body,
             KefuReply    *reply)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KefuStoreUser) user = g_new0 (KefuStoreUser, 1);
  const char *org_unit_id = json_object_get_string_member (body, "org_unit_id");

  if (!g_hash_table_contains (identity->units, org_unit_id))
    {
      _kefu_reply_error (reply, 403, "forbidden", "You may only add users to your own org units");
      return;
    }
  user->id = kefu_server_uuid7 ();
  user->username = g_strdup (json_object_get_string_member (body, "username"));
  user->role = g_strdup (json_object_get_string_member (body, "role"));
  user->org_unit_id = g_strdup (org_unit_id);
  user->staff_id = g_strdup (json_object_get_string_member_with_default (body, "staff_id", NULL));
  user->active = TRUE;
  user->created_at = user->updated_at = _kefu_server_now (self);
  user->password_hash = kefu_server_hash_password (json_object_get_string_member (body, "password"), &error);
  if (user->password_hash == NULL
      || !kefu_store_begin (self->store, &error)
      || !self->store->vtable->user_insert (self->store, user, &error)
      || !audit_user (self, identity, "user.create", user, &error)
      || !kefu_store_commit (self->store, &error))
    {
      kefu_store_rollback (self->store);
      if (g_error_matches (error, KEFU_STORE_ERROR, KEFU_STORE_ERROR_EXISTS))
        _kefu_reply_error (reply, 409, "exists", "That user name is taken");
      else
        _kefu_reply_from_error (reply, error);
      return;
    }
  reply->status = 201;
  reply->body = user_to_json (user);
}

static void
update_user (KefuServer   *self,
             KefuIdentity *identity,
             const char   *user_id,
             JsonObject   *body,
             KefuReply    *reply)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KefuStoreUser) user = NULL;
  gboolean end_sessions = FALSE;

  if (kefu_sync_is_uuid (user_id))
    user = self->store->vtable->user_get (self->store, user_id, NULL, &error);
  if (user == NULL || !g_hash_table_contains (identity->units, user->org_unit_id))
    {
      if (error != NULL)
        _kefu_reply_from_error (reply, error);
      else
        _kefu_reply_error (reply, 404, "not_found", "No such user");
      return;
    }
  if (json_object_has_member (body, "org_unit_id"))
    {
      const char *unit = json_object_get_string_member (body, "org_unit_id");

      if (!g_hash_table_contains (identity->units, unit))
        {
          _kefu_reply_error (reply, 403, "forbidden", "You may only move users within your own org units");
          return;
        }
      replace_string (&user->org_unit_id, unit);
    }
  if (json_object_has_member (body, "role"))
    replace_string (&user->role, json_object_get_string_member (body, "role"));
  if (json_object_has_member (body, "staff_id"))
    replace_string (&user->staff_id, json_object_get_string_member_with_default (body, "staff_id", NULL));
  if (json_object_has_member (body, "active"))
    {
      user->active = json_object_get_boolean_member (body, "active");
      end_sessions |= !user->active;
    }
  if (json_object_has_member (body, "password"))
    {
      g_free (user->password_hash);
      user->password_hash = kefu_server_hash_password (json_object_get_string_member (body, "password"), &error);
      if (user->password_hash == NULL)
        {
          _kefu_reply_from_error (reply, error);
          return;
        }
      end_sessions = TRUE;
    }
  user->updated_at = _kefu_server_now (self);
  if (!kefu_store_begin (self->store, &error)
      || !self->store->vtable->user_update (self->store, user, &error)
      || (end_sessions && !self->store->vtable->token_purge (self->store, user->updated_at, user->id, &error))
      || !audit_user (self, identity, "user.update", user, &error)
      || !kefu_store_commit (self->store, &error))
    {
      kefu_store_rollback (self->store);
      _kefu_reply_from_error (reply, error);
      return;
    }
  reply->status = 200;
  reply->body = user_to_json (user);
}

void
_kefu_server_users (KefuServer   *self,
                    KefuIdentity *identity,
                    const char   *method,
                    const char   *user_id,
                    GBytes       *body,
                    KefuReply    *reply)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) object = NULL;
  gboolean creating = user_id == NULL;
  const char *data;
  gsize length;

  if (g_strcmp0 (identity->user->role, "admin") != 0)
    {
      _kefu_reply_error (reply, 403, "forbidden", "Only administrators manage user accounts");
      return;
    }
  if (g_str_equal (method, "GET") && creating)
    {
      list_users (self, identity, reply);
      return;
    }
  if (!(g_str_equal (method, "POST") && creating) && !(g_str_equal (method, "PATCH") && !creating))
    {
      _kefu_reply_error (reply, 405, "method", "Method not allowed here");
      return;
    }
  data = g_bytes_get_data (body, &length);
  object = _kefu_server_parse_user_body (data, length, creating, &error);
  if (object == NULL)
    {
      _kefu_reply_from_error (reply, error);
      return;
    }
  if (creating)
    create_user (self, identity, object, reply);
  else
    update_user (self, identity, user_id, object, reply);
}
