/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "kefu-server"

#include "config.h"

#include <string.h>

#include "kefu-server-private.h"

/* Push, pull, snapshot, verify and direct reads (docs/SYNC.md), and the
 * scopes they are confined to. */

#define BRANCH_PREFIX KEFU_SYNC_SCOPE_BRANCH_PREFIX

/* --- org tree and identities --------------------------------------------- */

static const char *
object_string (JsonObject *object,
               const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static JsonObject *
parse_data (const char *json)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  JsonNode *root;

  if (json == NULL || !json_parser_load_from_data (parser, json, -1, NULL))
    return json_object_new ();
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return json_object_new ();
  return json_object_ref (json_node_get_object (root));
}

typedef struct
{
  GHashTable *parents;  /* id -> parent id */
  GHashTable *levels;
} OrgLoad;

static gboolean
collect_unit_cb (const KefuStoreRow *row,
                 gpointer            user_data)
{
  OrgLoad *load = user_data;
  g_autoptr(JsonObject) data = parse_data (row->data);

  g_hash_table_insert (load->parents, g_strdup (row->row_id), g_strdup (object_string (data, "parent_id")));
  g_hash_table_insert (load->levels, g_strdup (row->row_id), g_strdup (object_string (data, "level")));
  return TRUE;
}

gboolean
_kefu_server_load_org (KefuServer  *self,
                       GError     **error)
{
  g_autoptr(GHashTable) parents = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  GHashTable *levels = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  GHashTable *children = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                (GDestroyNotify) g_ptr_array_unref);
  OrgLoad load = { parents, levels };
  GHashTableIter iter;
  gpointer id, parent;

  if (!self->store->vtable->rows_of_entity (self->store, "org_unit", collect_unit_cb, &load, error))
    {
      g_hash_table_unref (levels);
      g_hash_table_unref (children);
      return FALSE;
    }
  g_hash_table_iter_init (&iter, parents);
  while (g_hash_table_iter_next (&iter, &id, &parent))
    {
      GPtrArray *list;

      /* A unit is its own parent's child only when the parent exists;
       * cycles cannot recurse because children are walked once each. */
      if (parent == NULL || g_strcmp0 (parent, id) == 0)
        continue;
      list = g_hash_table_lookup (children, parent);
      if (list == NULL)
        {
          list = g_ptr_array_new_with_free_func (g_free);
          g_hash_table_insert (children, g_strdup (parent), list);
        }
      g_ptr_array_add (list, g_strdup (id));
    }
  g_clear_pointer (&self->org_children, g_hash_table_unref);
  g_clear_pointer (&self->org_level, g_hash_table_unref);
  self->org_children = children;
  self->org_level = levels;
  self->org_dirty = FALSE;
  return TRUE;
}

/* The user's units: its own and every unit below it (a walk of the tree
 * that visits each unit once, so a cycle cannot loop). */
static void
refresh_units (KefuServer   *self,
               KefuIdentity *identity)
{
  g_autoptr(GPtrArray) queue = g_ptr_array_new ();
  const char *home = identity->user->org_unit_id;

  g_hash_table_remove_all (identity->units);
  identity->at_hq = self->org_level != NULL
                    && g_strcmp0 (g_hash_table_lookup (self->org_level, home), "hq") == 0;
  if (self->org_level == NULL || !g_hash_table_contains (self->org_level, home))
    return;   /* a user of an unknown unit reads org and kb only */

  g_ptr_array_add (queue, (gpointer) home);
  for (guint i = 0; i < queue->len; i++)
    {
      const char *unit = g_ptr_array_index (queue, i);
      GPtrArray *children;

      if (!g_hash_table_add (identity->units, g_strdup (unit)))
        continue;
      children = g_hash_table_lookup (self->org_children, unit);
      if (children != NULL)
        for (guint j = 0; j < children->len; j++)
          g_ptr_array_add (queue, g_ptr_array_index (children, j));
    }
}

/**
 * _kefu_identity_new:
 * @user: (transfer full): the authenticated user
 * Returns: (transfer full): the user with the org units it may see.
 */
KefuIdentity *
_kefu_identity_new (KefuServer    *self,
                    KefuStoreUser *user)
{
  KefuIdentity *identity = g_new0 (KefuIdentity, 1);

  if (self->org_dirty || self->org_children == NULL)
    {
      g_autoptr(GError) error = NULL;
      if (!_kefu_server_load_org (self, &error))
        g_warning ("Cannot read the org tree: %s", error->message);
    }

  identity->user = user;
  identity->units = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  refresh_units (self, identity);
  return identity;
}

void
_kefu_identity_free (KefuIdentity *identity)
{
  if (identity == NULL)
    return;
  kefu_store_user_free (identity->user);
  g_hash_table_unref (identity->units);
  g_free (identity->token_hash);
  g_free (identity->peer);
  g_free (identity);
}

gboolean
_kefu_identity_has_scope (KefuIdentity *identity,
                          const char   *scope)
{
  if (g_strcmp0 (scope, KEFU_SYNC_SCOPE_ORG) == 0 || g_strcmp0 (scope, KEFU_SYNC_SCOPE_KB) == 0)
    return TRUE;
  if (scope == NULL || !g_str_has_prefix (scope, BRANCH_PREFIX))
    return FALSE;
  return g_hash_table_contains (identity->units, scope + strlen (BRANCH_PREFIX));
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(char * const *) a, *(char * const *) b);
}

/**
 * _kefu_identity_scopes:
 * Returns: (transfer full) (element-type utf8): every scope the identity
 * reads: "org", "kb", then its branch scopes sorted.
 */
GPtrArray *
_kefu_identity_scopes (KefuIdentity *identity)
{
  GPtrArray *scopes = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) branches = g_ptr_array_new_with_free_func (g_free);
  GHashTableIter iter;
  gpointer unit;

  g_ptr_array_add (scopes, g_strdup (KEFU_SYNC_SCOPE_ORG));
  g_ptr_array_add (scopes, g_strdup (KEFU_SYNC_SCOPE_KB));
  g_hash_table_iter_init (&iter, identity->units);
  while (g_hash_table_iter_next (&iter, &unit, NULL))
    g_ptr_array_add (branches, g_strconcat (BRANCH_PREFIX, unit, NULL));
  g_ptr_array_sort (branches, compare_strings);
  for (guint i = 0; i < branches->len; i++)
    g_ptr_array_add (scopes, g_strdup (g_ptr_array_index (branches, i)));
  return scopes;
}

/* --- replies --------------------------------------------------------------- */

void
_kefu_reply_error (KefuReply  *reply,
                   guint       status,
                   const char *code,
                   const char *message)
{
  reply->status = status;
  g_free (reply->body);
  reply->body = kefu_sync_error_encode (code, message);
}

void
_kefu_reply_from_error (KefuReply    *reply,
                        const GError *error)
{
  if (error->domain == KEFU_SYNC_ERROR && error->code == KEFU_SYNC_ERROR_TOO_LARGE)
    _kefu_reply_error (reply, 413, "too_large", error->message);
  else if (error->domain == KEFU_SYNC_ERROR || error->domain == KEFU_SERVER_ERROR)
    _kefu_reply_error (reply, 400, "invalid", error->message);
  else
    {
      g_warning ("Request failed: %s", error->message);
      _kefu_reply_error (reply, 500, "internal", "The server could not complete the request");
    }
}

static void
reply_epoch_gone (KefuServer *self,
                  KefuReply  *reply,
                  const char *code,
                  const char *scope)
{
  GString *out = g_string_new ("{\"error\":");

  kefu_sync_append_json_string (out, code);
  g_string_append (out, ",\"message\":");
  kefu_sync_append_json_string (out, g_str_equal (code, "epoch")
                                       ? "The server was restored: resynchronise from a snapshot"
                                       : "The cursor is older than the tombstone horizon: resynchronise from a snapshot");
  g_string_append (out, ",\"epoch\":");
  kefu_sync_append_json_string (out, self->epoch);
  if (scope != NULL)
    {
      g_string_append (out, ",\"scope\":");
      kefu_sync_append_json_string (out, scope);
    }
  g_string_append_c (out, '}');
  reply->status = 410;
  g_free (reply->body);
  reply->body = g_string_free (out, FALSE);
}

/* --- push ------------------------------------------------------------------ */

typedef struct
{
  KefuServer   *self;
  KefuIdentity *identity;
  const char   *device_id;
  gint64        now;
  GString      *audit;   /* JSON array of the batch's writes */
} PushContext;

/* An op's outcome; reason is a static string. */
typedef struct
{
  KefuSyncResultStatus  status;
  gint64                version;
  const char           *reason;
} Outcome;

static gboolean
reject (Outcome    *outcome,
        gint64      version,
        const char *reason)
{
  outcome->status = KEFU_SYNC_RESULT_REJECTED;
  outcome->version = version;
  outcome->reason = reason;
  return TRUE;
}

static JsonNode *
field_version_node (JsonObject *field_versions,
                    const char *field,
                    gint64     *version,
                    const char **device)
{
  JsonNode *node = json_object_get_member (field_versions, field);
  JsonArray *pair;

  *version = 0;
  *device = NULL;
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return NULL;
  pair = json_node_get_array (node);
  if (json_array_get_length (pair) != 2)
    return NULL;
  *version = json_array_get_int_element (pair, 0);
  *device = json_array_get_string_element (pair, 1);
  return node;
}

static void
set_field_version (JsonObject *field_versions,
                   const char *field,
                   gint64      version,
                   const char *device)
{
  JsonArray *pair = json_array_sized_new (2);

  json_array_add_int_element (pair, version);
  json_array_add_string_element (pair, device);
  json_object_set_array_member (field_versions, field, pair);
}

/* {"field":[version,"device"],...} without a JsonGenerator. */
static char *
field_versions_to_json (JsonObject *field_versions)
{
  GString *out = g_string_sized_new (256);
  JsonObjectIter iter;
  const char *name;
  JsonNode *node;

  g_string_append_c (out, '{');
  json_object_iter_init_ordered (&iter, field_versions);
  while (json_object_iter_next_ordered (&iter, &name, &node))
    {
      JsonArray *pair;

      if (!JSON_NODE_HOLDS_ARRAY (node) || json_array_get_length (pair = json_node_get_array (node)) != 2)
        continue;
      if (out->len > 1)
        g_string_append_c (out, ',');
      kefu_sync_append_json_string (out, name);
      g_string_append_printf (out, ":[%" G_GINT64_FORMAT ",", json_array_get_int_element (pair, 0));
      kefu_sync_append_json_string (out, json_array_get_string_element (pair, 1));
      g_string_append_c (out, ']');
    }
  g_string_append_c (out, '}');
  return g_string_free (out, FALSE);
}

static char *
new_field_versions (JsonObject *fields,
                    const char *device_id)
{
  GString *out = g_string_sized_new (256);
  JsonObjectIter iter;
  const char *name;

  g_string_append_c (out, '{');
  json_object_iter_init_ordered (&iter, fields);
  while (json_object_iter_next_ordered (&iter, &name, NULL))
    {
      if (out->len > 1)
        g_string_append_c (out, ',');
      kefu_sync_append_json_string (out, name);
      g_string_append (out, ":[1,");
      kefu_sync_append_json_string (out, device_id);
      g_string_append_c (out, ']');
    }
  g_string_append_c (out, '}');
  return g_string_free (out, FALSE);
}

static char *
object_to_json (JsonObject *object)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), object);

  return json_to_string (node, FALSE);
}

static char *
node_to_json (JsonNode *node)
{
  if (node == NULL)
    return g_strdup ("null");
  return json_to_string (node, FALSE);
}

/* Writes the conflict record both sides pull (entity "conflict", in the
 * row's branch scope). */
static gboolean
write_conflict (PushContext      *ctx,
                const KefuSyncOp *op,
                const char       *scope,
                const char       *field,
                JsonNode         *server_value,
                JsonNode         *client_value,
                gint64            server_version,
                GError          **error)
{
  KefuStore *store = ctx->self->store;
  g_autoptr(JsonObject) data = json_object_new ();
  g_autofree char *id = kefu_server_uuid7 ();
  KefuStoreRow row = { 0 };
  g_autofree char *fields = NULL;
  g_autofree char *server_text = node_to_json (server_value);
  g_autofree char *client_text = node_to_json (client_value);

  json_object_set_string_member (data, "entity", op->entity);
  json_object_set_string_member (data, "row_id", op->row_id);
  json_object_set_string_member (data, "field", field);
  json_object_set_string_member (data, "server_value", server_text);
  json_object_set_string_member (data, "client_value", client_text);
  json_object_set_int_member (data, "base_version", op->base_version);
  json_object_set_int_member (data, "server_version", server_version);
  json_object_set_string_member (data, "op_id", op->op_id);
  json_object_set_string_member (data, "device_id", ctx->device_id);
  json_object_set_string_member (data, "user_id", ctx->identity->user->id);
  json_object_set_int_member (data, "created_at", ctx->now);
  json_object_set_string_member (data, "status", "open");
  json_object_set_string_member (data, "branch_id", scope + strlen (BRANCH_PREFIX));

  fields = object_to_json (data);
  row.entity = (char *) "conflict";
  row.row_id = id;
  row.scope = (char *) scope;
  row.version = 1;
  row.updated_at = ctx->now;
  row.data = fields;
  row.field_versions = (char *) "{}";
  if (!store->vtable->row_put (store, &row, error))
    return FALSE;
  return store->vtable->audit_append (store, ctx->now, ctx->identity->user->id, ctx->device_id,
                                      "conflict", "conflict", id, fields, error);
}

/* Branch rows that name other branch rows beside the one that decides
 * their scope: each named row must lie in the writer's scopes too, so that
 * no one can hang a case on another office's customer. */
static const struct
{
  const char *entity;
  const char *field;
  const char *target;
} references[] = {
  { "attachment", "customer_id", "customer" },
  { "follow_up", "customer_id", "customer" },
  { "kcase", "customer_id", "customer" },
  { "survey_answer", "case_id", "kcase" },
};

static gboolean
check_references (PushContext       *ctx,
                  const KefuSyncOp  *op,
                  gboolean          *ok,
                  GError           **error)
{
  KefuStore *store = ctx->self->store;

  *ok = TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (references); i++)
    {
      const char *id;
      g_autoptr(KefuStoreRow) target = NULL;
      g_autoptr(GError) local_error = NULL;

      if (strcmp (references[i].entity, op->entity) != 0
          || (id = object_string (op->fields, references[i].field)) == NULL)
        continue;
      target = store->vtable->row_get (store, references[i].target, id, &local_error);
      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      if (target == NULL || !_kefu_identity_has_scope (ctx->identity, target->scope))
        *ok = FALSE;
    }
  return TRUE;
}

/* Works out the scope an op writes into, from the server's own rows;
 * FALSE with @outcome set when the op must be rejected. @fields may gain
 * the branch_id of an insert that did not name one. */
static gboolean
resolve_scope (PushContext           *ctx,
               const KefuSyncEntity  *entity,
               const KefuSyncOp      *op,
               const KefuStoreRow    *existing,
               JsonObject            *existing_data,
               char                 **scope,
               Outcome               *outcome,
               GError               **error)
{
  KefuIdentity *identity = ctx->identity;
  KefuStore *store = ctx->self->store;
  const char *role = identity->user->role;
  gint64 version = existing != NULL ? existing->version : 0;

  *scope = NULL;
  if (entity->scope_class == KEFU_SYNC_SCOPE_CLASS_ORG)
    {
      if (!identity->at_hq || g_strcmp0 (role, "admin") != 0)
        return !reject (outcome, version, "forbidden role");
      *scope = g_strdup (KEFU_SYNC_SCOPE_ORG);
      return TRUE;
    }
  if (entity->scope_class == KEFU_SYNC_SCOPE_CLASS_KB)
    {
      if (!identity->at_hq || (g_strcmp0 (role, "admin") != 0 && g_strcmp0 (role, "trainer") != 0))
        return !reject (outcome, version, "forbidden role");
      *scope = g_strdup (KEFU_SYNC_SCOPE_KB);
      return TRUE;
    }

  /* Branch data: a row that exists is judged by where it is now. */
  if (existing != NULL && !_kefu_identity_has_scope (identity, existing->scope))
    return !reject (outcome, 0, op->op == KEFU_SYNC_OP_INSERT ? "forbidden scope" : "not found");

  if (entity->branch_field != NULL)
    {
      JsonNode *named = json_object_get_member (op->fields, entity->branch_field);
      const char *branch = NULL;

      if (named != NULL && !JSON_NODE_HOLDS_NULL (named))
        {
          if (json_node_get_value_type (named) != G_TYPE_STRING)
            return !reject (outcome, version, "forbidden scope");
          branch = json_node_get_string (named);
        }
      if (existing != NULL)
        {
          const char *current = object_string (existing_data, entity->branch_field);

          if (named != NULL && g_strcmp0 (branch, current) != 0)
            return !reject (outcome, version, "branch_id cannot change");
          *scope = g_strdup (existing->scope);
          return TRUE;
        }
      if (named == NULL || branch == NULL)
        {
          branch = identity->user->org_unit_id;
          json_object_set_string_member (op->fields, entity->branch_field, branch);
        }
      if (!g_hash_table_contains (identity->units, branch))
        return !reject (outcome, 0, "forbidden scope");
      *scope = g_strconcat (BRANCH_PREFIX, branch, NULL);
      return TRUE;
    }

  /* A child row: its parent decides. */
  {
    const char *field = entity->parent_field;
    const char *parent_entity = entity->parent_entity;
    const char *parent_id;
    g_autoptr(KefuStoreRow) parent = NULL;
    g_autoptr(GError) local_error = NULL;
    g_autofree char *parent_scope = NULL;

    parent_id = object_string (op->fields, field);
    if (parent_id == NULL && existing_data != NULL)
      parent_id = object_string (existing_data, field);
    if (parent_id == NULL && entity->alt_parent_field != NULL)
      {
        field = entity->alt_parent_field;
        parent_entity = entity->alt_parent_entity;
        parent_id = object_string (op->fields, field);
        if (parent_id == NULL && existing_data != NULL)
          parent_id = object_string (existing_data, field);
      }
    if (parent_id == NULL)
      return !reject (outcome, version, "parent not found");

    parent = store->vtable->row_get (store, parent_entity, parent_id, &local_error);
    if (local_error != NULL)
      {
        g_propagate_error (error, g_steal_pointer (&local_error));
        return FALSE;
      }
    if (parent == NULL)
      return !reject (outcome, version, "parent not found");
    if (g_strcmp0 (parent_entity, "staff") == 0)
      {
        g_autoptr(JsonObject) staff = parse_data (parent->data);
        const char *unit = object_string (staff, "org_unit_id");

        if (unit == NULL)
          return !reject (outcome, version, "parent not found");
        parent_scope = g_strconcat (BRANCH_PREFIX, unit, NULL);
      }
    else
      parent_scope = g_strdup (parent->scope);

    if (!_kefu_identity_has_scope (identity, parent_scope))
      return !reject (outcome, version, "parent not found");
    if (existing != NULL && g_strcmp0 (existing->scope, parent_scope) != 0)
      return !reject (outcome, version, "forbidden scope");
    *scope = g_steal_pointer (&parent_scope);
    return TRUE;
  }
}

/* Applies one op inside the batch transaction. FALSE only for store
 * failures; rejections are outcomes. */
static gboolean
apply_op (PushContext      *ctx,
          const KefuSyncOp *op,
          Outcome          *outcome,
          GError          **error)
{
  KefuStore *store = ctx->self->store;
  const KefuSyncEntity *entity = kefu_sync_entity_lookup (op->entity);
  g_autoptr(KefuStoreRow) existing = NULL;
  g_autoptr(JsonObject) data = NULL;
  g_autoptr(JsonObject) field_versions = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *scope = NULL;
  g_autofree char *data_json = NULL;
  g_autofree char *fv_json = NULL;
  KefuStoreRow row = { 0 };
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;
  gint64 base = op->base_version;
  gint64 new_version;
  gboolean changed = FALSE;
  gboolean conflicted = FALSE;
  gboolean deleted;

  outcome->status = KEFU_SYNC_RESULT_APPLIED;
  outcome->reason = NULL;

  existing = store->vtable->row_get (store, op->entity, op->row_id, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (existing != NULL)
    data = parse_data (existing->data);

  if (!resolve_scope (ctx, entity, op, existing, data, &scope, outcome, &local_error))
    {
      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      return TRUE;
    }

  if (entity->scope_class == KEFU_SYNC_SCOPE_CLASS_BRANCH)
    {
      gboolean ok;

      if (!check_references (ctx, op, &ok, error))
        return FALSE;
      if (!ok)
        return reject (outcome, existing != NULL ? existing->version : 0, "parent not found");
    }

  if (existing == NULL)
    {
      if (op->op != KEFU_SYNC_OP_INSERT)
        return reject (outcome, 0, "not found");
      /* A new row (the common case): its fields as sent, each at
       * version 1, without building JSON objects. */
      data_json = kefu_sync_fields_encode (op->fields);
      fv_json = new_field_versions (op->fields, ctx->device_id);
      new_version = 1;
      deleted = FALSE;
      goto write;
    }
  else
    {
      if (entity->merge == KEFU_SYNC_MERGE_INSERT_ONLY)
        {
          if (op->op == KEFU_SYNC_OP_INSERT)
            {
              outcome->version = existing->version;   /* the same insert again */
              return TRUE;
            }
          return reject (outcome, existing->version, "insert-only");
        }
      if (entity->merge == KEFU_SYNC_MERGE_VERSION_CHECK && base != existing->version)
        return reject (outcome, existing->version, "stale");
      field_versions = parse_data (existing->field_versions);
      new_version = existing->version + 1;
      deleted = existing->deleted;
      if (op->op == KEFU_SYNC_OP_INSERT)
        base = 0;
    }

  json_object_iter_init_ordered (&iter, op->fields);
  while (json_object_iter_next_ordered (&iter, &name, &value))
    {
      JsonNode *current = json_object_get_member (data, name);
      gboolean guarded = existing != NULL
                         && (entity->merge == KEFU_SYNC_MERGE_PER_FIELD
                             || (entity->merge == KEFU_SYNC_MERGE_CASE
                                 && (strcmp (name, "status") == 0 || strcmp (name, "assignee_id") == 0)));

      if (current != NULL && json_node_equal (current, value))
        continue;
      if (guarded)
        {
          gint64 field_version;
          const char *field_device;

          field_version_node (field_versions, name, &field_version, &field_device);
          if (field_version > base && g_strcmp0 (field_device, ctx->device_id) != 0)
            {
              /* Changed on the server since the client's base by someone
               * else: the first to arrive keeps it. */
              if (!write_conflict (ctx, op, scope, name, current, value, existing->version, error))
                return FALSE;
              conflicted = TRUE;
              continue;
            }
        }
      json_object_set_member (data, name, json_node_copy (value));
      set_field_version (field_versions, name, new_version, ctx->device_id);
      changed = TRUE;
    }

  if (op->op == KEFU_SYNC_OP_DELETE && !deleted)
    deleted = changed = TRUE;
  else if (op->op == KEFU_SYNC_OP_RESTORE && deleted)
    {
      deleted = FALSE;
      changed = TRUE;
    }
  if (conflicted)
    {
      outcome->status = KEFU_SYNC_RESULT_CONFLICT;
      outcome->reason = "changed on the server since base_version";
    }
  if (!changed)
    {
      outcome->version = existing->version;
      return TRUE;
    }

  data_json = kefu_sync_fields_encode (data);
  fv_json = field_versions_to_json (field_versions);

write:
  row.entity = op->entity;
  row.row_id = op->row_id;
  row.scope = scope;
  row.version = new_version;
  row.deleted = deleted;
  row.updated_at = ctx->now;
  row.data = data_json;
  row.field_versions = fv_json;
  if (!store->vtable->row_put (store, &row, error))
    return FALSE;
  outcome->version = new_version;
  if (g_strcmp0 (op->entity, "org_unit") == 0)
    {
      /* Later ops of the batch may write into the new or moved unit: read
       * the tree again (inside this transaction) and widen the writer's
       * units; a rollback reloads it once more. */
      ctx->self->org_dirty = TRUE;
      if (!_kefu_server_load_org (ctx->self, error))
        return FALSE;
      refresh_units (ctx->self, ctx->identity);
    }

  /* One audit entry per batch lists every write (push_batch). */
  if (ctx->audit->len > 1)
    g_string_append_c (ctx->audit, ',');
  g_string_append_printf (ctx->audit, "{\"seq\":%" G_GINT64_FORMAT ",\"op_id\":\"%s\",\"entity\":\"%s\","
                          "\"row_id\":\"%s\",\"op\":\"%s\",\"version\":%" G_GINT64_FORMAT ",\"fields\":",
                          op->seq, op->op_id, op->entity, op->row_id, kefu_sync_op_kind_to_string (op->op), new_version);
  {
    g_autofree char *fields = kefu_sync_fields_encode (op->fields);
    g_string_append (ctx->audit, fields);
  }
  g_string_append_c (ctx->audit, '}');
  return TRUE;
}

/* Stored results: one text per run of applied seqs, a line per seq,
 * "status\tversion\treason". */
static void
append_outcome (GString       *out,
                const Outcome *outcome)
{
  if (out->len > 0)
    g_string_append_c (out, '\n');
  g_string_append_printf (out, "%s\t%" G_GINT64_FORMAT "\t%s",
                          kefu_sync_result_status_to_string (outcome->status),
                          outcome->version, outcome->reason != NULL ? outcome->reason : "");
}

static KefuSyncOpResult *
result_from_line (const KefuSyncOp *op,
                  const char       *line)
{
  g_auto(GStrv) parts = g_strsplit (line != NULL ? line : "", "\t", 3);
  KefuSyncResultStatus status = KEFU_SYNC_RESULT_REJECTED;

  if (g_strv_length (parts) != 3)
    return kefu_sync_op_result_new (op->seq, op->op_id, KEFU_SYNC_RESULT_REJECTED, 0, "unknown");
  for (int s = KEFU_SYNC_RESULT_APPLIED; s <= KEFU_SYNC_RESULT_REJECTED; s++)
    if (g_str_equal (parts[0], kefu_sync_result_status_to_string (s)))
      status = s;
  return kefu_sync_op_result_new (op->seq, op->op_id, status, g_ascii_strtoll (parts[1], NULL, 10),
                                  *parts[2] != '\0' ? parts[2] : NULL);
}

/* The stored answer to an op already applied (a replay). */
static KefuSyncOpResult *
replayed_result (KefuStore         *store,
                 const char        *device_id,
                 const KefuSyncOp  *op,
                 GStrv             *run,
                 gint64            *run_first,
                 GError           **error)
{
  if (*run == NULL || op->seq < *run_first || op->seq - *run_first >= (gint64) g_strv_length (*run))
    {
      g_autofree char *stored = NULL;
      g_autoptr(GError) local_error = NULL;

      g_clear_pointer (run, g_strfreev);
      stored = store->vtable->push_results_get (store, device_id, op->seq, run_first, &local_error);
      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      *run = g_strsplit (stored != NULL ? stored : "", "\n", -1);
    }
  if (op->seq < *run_first || op->seq - *run_first >= (gint64) g_strv_length (*run))
    return kefu_sync_op_result_new (op->seq, op->op_id, KEFU_SYNC_RESULT_REJECTED, 0, "unknown");
  return result_from_line (op, (*run)[op->seq - *run_first]);
}

static gboolean
push_batch (KefuServer        *self,
            KefuIdentity      *identity,
            KefuSyncPush      *push,
            KefuSyncPushReply *out,
            gboolean          *foreign_device,
            GError           **error)
{
  KefuStore *store = self->store;
  g_autoptr(GString) audit = g_string_new ("[");
  g_autoptr(GString) results = g_string_new (NULL);
  PushContext ctx = { self, identity, push->device_id, _kefu_server_now (self), audit };
  g_autofree char *device_unit = NULL;
  g_auto(GStrv) run = NULL;
  gint64 run_first = 0;
  gint64 first_applied = 0;
  gboolean found;
  gint64 last_seq;

  *foreign_device = FALSE;
  if (!store->vtable->device_get (store, push->device_id, &found, &device_unit, &last_seq, error))
    return FALSE;
  if (found && g_strcmp0 (device_unit, identity->user->org_unit_id) != 0)
    {
      *foreign_device = TRUE;
      return TRUE;
    }

  for (guint i = 0; i < push->ops->len; i++)
    {
      KefuSyncOp *op = g_ptr_array_index (push->ops, i);

      if (op->seq <= last_seq)
        {
          KefuSyncOpResult *result = replayed_result (store, push->device_id, op, &run, &run_first, error);

          if (result == NULL)
            return FALSE;
          g_ptr_array_add (out->results, result);
        }
      else if (op->seq == last_seq + 1)
        {
          Outcome outcome = { 0 };

          if (!apply_op (&ctx, op, &outcome, error))
            return FALSE;
          if (first_applied == 0)
            first_applied = op->seq;
          append_outcome (results, &outcome);
          last_seq = op->seq;
          g_ptr_array_add (out->results,
                           kefu_sync_op_result_new (op->seq, op->op_id, outcome.status,
                                                    outcome.version, outcome.reason));
        }
      else
        break;   /* a gap: the client resends from last_seq + 1 */
    }

  out->last_seq = last_seq;
  if (first_applied == 0)
    return TRUE;   /* a pure replay writes nothing */
  g_string_append_c (audit, ']');
  return store->vtable->push_results_put (store, push->device_id, first_applied, results->str, error)
         && (audit->len <= 2
             || store->vtable->audit_append (store, ctx.now, identity->user->id, push->device_id,
                                             "push", NULL, NULL, audit->str, error))
         && store->vtable->device_set (store, push->device_id, identity->user->org_unit_id, last_seq, error);
}

void
_kefu_server_push (KefuServer   *self,
                   KefuIdentity *identity,
                   GBytes       *body,
                   KefuReply    *reply)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KefuSyncPush) push = NULL;
  g_autoptr(KefuSyncPushReply) out = NULL;
  gboolean foreign_device = FALSE;
  gsize length;
  const char *data = g_bytes_get_data (body, &length);

  push = kefu_sync_push_decode (data, length, &error);
  if (push == NULL)
    {
      _kefu_reply_from_error (reply, error);
      return;
    }
  if (g_strcmp0 (push->epoch, self->epoch) != 0)
    {
      reply_epoch_gone (self, reply, "epoch", NULL);
      return;
    }

  out = kefu_sync_push_reply_new ();
  out->epoch = g_strdup (self->epoch);
  if (!kefu_store_begin (self->store, &error)
      || !push_batch (self, identity, push, out, &foreign_device, &error)
      || (!foreign_device && !kefu_store_commit (self->store, &error)))
    {
      kefu_store_rollback (self->store);
      self->org_dirty = TRUE;   /* an org_unit write may have rolled back */
      _kefu_reply_from_error (reply, error);
      return;
    }
  if (foreign_device)
    {
      kefu_store_rollback (self->store);
      _kefu_reply_error (reply, 403, "forbidden",
                         "This device id belongs to another office; sign in again with a new device id");
      return;
    }
  reply->status = 200;
  reply->body = kefu_sync_push_reply_encode (out);
}

/* --- pull, snapshot, verify, rows ----------------------------------------- */

typedef struct
{
  GPtrArray *changes;
  gint64     last_key;
} Collect;

static KefuSyncChange *
change_from_row (const KefuStoreRow *row)
{
  KefuSyncChange *change = kefu_sync_change_new ();

  change->scope = g_strdup (row->scope);
  change->server_seq = row->seq;
  change->entity = g_strdup (row->entity);
  change->row_id = g_strdup (row->row_id);
  change->version = row->version;
  change->deleted = row->deleted;
  change->fields_json = g_strdup (row->data);
  return change;
}

static gboolean
collect_change_cb (const KefuStoreRow *row,
                   gpointer            user_data)
{
  Collect *collect = user_data;

  g_ptr_array_add (collect->changes, change_from_row (row));
  collect->last_key = row->key;
  return TRUE;
}

static gint64
cursor_for (GPtrArray  *cursors,
            const char *scope)
{
  for (guint i = 0; i < cursors->len; i++)
    {
      KefuSyncCursor *cursor = g_ptr_array_index (cursors, i);

      if (g_strcmp0 (cursor->scope, scope) == 0)
        return cursor->seq;
    }
  return 0;
}

void
_kefu_server_pull (KefuServer   *self,
                   KefuIdentity *identity,
                   GBytes       *body,
                   KefuReply    *reply)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KefuSyncPull) pull = NULL;
  g_autoptr(KefuSyncPullReply) out = NULL;
  g_autoptr(GPtrArray) scopes = _kefu_identity_scopes (identity);
  gsize length;
  const char *data = g_bytes_get_data (body, &length);

  pull = kefu_sync_pull_decode (data, length, &error);
  if (pull == NULL)
    {
      _kefu_reply_from_error (reply, error);
      return;
    }
  if (g_strcmp0 (pull->epoch, self->epoch) != 0)
    {
      reply_epoch_gone (self, reply, "epoch", NULL);
      return;
    }

  out = kefu_sync_pull_reply_new ();
  out->epoch = g_strdup (self->epoch);
  /* Cursors for scopes the user does not read are ignored, never answered. */
  for (guint i = 0; i < scopes->len; i++)
    {
      const char *scope = g_ptr_array_index (scopes, i);
      gint64 cursor = cursor_for (pull->cursors, scope);
      gint64 last_seq, horizon;
      guint room = (guint) pull->limit - out->changes->len;
      guint before = out->changes->len;

      if (!self->store->vtable->scope_get (self->store, scope, &last_seq, &horizon, &error))
        {
          _kefu_reply_from_error (reply, error);
          return;
        }
      if (cursor > 0 && cursor < horizon)
        {
          reply_epoch_gone (self, reply, "horizon", scope);
          return;
        }
      if (room > 0 && last_seq > cursor)
        {
          Collect collect = { out->changes, 0 };

          if (!self->store->vtable->rows_changed (self->store, scope, cursor, room,
                                                  collect_change_cb, &collect, &error))
            {
              _kefu_reply_from_error (reply, error);
              return;
            }
          if (out->changes->len > before)
            cursor = ((KefuSyncChange *) g_ptr_array_index (out->changes, out->changes->len - 1))->server_seq;
        }
      if (cursor < last_seq)
        out->more = TRUE;
      g_ptr_array_add (out->cursors, kefu_sync_cursor_new (scope, cursor));
    }
  reply->status = 200;
  reply->body = kefu_sync_pull_reply_encode (out);
}

static void
add_current_cursors (KefuServer  *self,
                     GPtrArray   *scopes,
                     GPtrArray   *cursors,
                     GError     **error)
{
  for (guint i = 0; i < scopes->len; i++)
    {
      const char *scope = g_ptr_array_index (scopes, i);
      gint64 last_seq, horizon;

      if (!self->store->vtable->scope_get (self->store, scope, &last_seq, &horizon, error))
        return;
      g_ptr_array_add (cursors, kefu_sync_cursor_new (scope, last_seq));
    }
}

void
_kefu_server_snapshot (KefuServer   *self,
                       KefuIdentity *identity,
                       GBytes       *body,
                       KefuReply    *reply)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KefuSyncSnapshot) request = NULL;
  g_autoptr(KefuSyncSnapshotReply) out = NULL;
  g_autoptr(GPtrArray) scopes = _kefu_identity_scopes (identity);
  Collect collect;
  gsize length;
  const char *data = g_bytes_get_data (body, &length);

  request = kefu_sync_snapshot_decode (data, length, &error);
  if (request == NULL)
    {
      _kefu_reply_from_error (reply, error);
      return;
    }
  out = kefu_sync_snapshot_reply_new ();
  out->epoch = g_strdup (self->epoch);
  add_current_cursors (self, scopes, out->cursors, &error);
  g_ptr_array_add (scopes, NULL);
  collect.changes = out->changes;
  collect.last_key = request->after;
  if (error != NULL
      || !self->store->vtable->rows_scan (self->store, (const char * const *) scopes->pdata,
                                          request->after, (guint) request->limit,
                                          collect_change_cb, &collect, &error))
    {
      _kefu_reply_from_error (reply, error);
      return;
    }
  out->next = collect.last_key;
  out->more = out->changes->len == (guint) request->limit;
  reply->status = 200;
  reply->body = kefu_sync_snapshot_reply_encode (out);
}

static gboolean
checksum_row_cb (const KefuStoreRow *row,
                 gpointer            user_data)
{
  if (!row->deleted)
    kefu_sync_checksum_add (user_data, row->entity, row->row_id, row->version);
  return TRUE;
}

void
_kefu_server_verify (KefuServer   *self,
                     KefuIdentity *identity,
                     KefuReply    *reply)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KefuSyncVerifyReply) out = kefu_sync_verify_reply_new ();
  g_autoptr(GPtrArray) scopes = _kefu_identity_scopes (identity);

  out->epoch = g_strdup (self->epoch);
  add_current_cursors (self, scopes, out->cursors, &error);
  for (guint i = 0; error == NULL && i < scopes->len; i++)
    {
      const char *scope = g_ptr_array_index (scopes, i);
      KefuSyncChecksum checksum;
      g_autofree char *hex = NULL;

      kefu_sync_checksum_init (&checksum);
      if (!self->store->vtable->rows_changed (self->store, scope, 0, G_MAXUINT,
                                              checksum_row_cb, &checksum, &error))
        break;
      hex = kefu_sync_checksum_hex (&checksum);
      g_ptr_array_add (out->scopes, kefu_sync_scope_sum_new (scope, checksum.count, hex));
    }
  if (error != NULL)
    {
      _kefu_reply_from_error (reply, error);
      return;
    }
  reply->status = 200;
  reply->body = kefu_sync_verify_reply_encode (out);
}

void
_kefu_server_get_row (KefuServer   *self,
                      KefuIdentity *identity,
                      const char   *entity,
                      const char   *row_id,
                      KefuReply    *reply)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KefuStoreRow) row = NULL;
  g_autoptr(KefuSyncPullReply) one = NULL;
  g_autofree char *json = NULL;
  const char *start, *end;

  if (kefu_sync_entity_lookup (entity) == NULL || !kefu_sync_is_uuid (row_id))
    {
      _kefu_reply_error (reply, 404, "not_found", "No such row");
      return;
    }
  row = self->store->vtable->row_get (self->store, entity, row_id, &error);
  if (error != NULL)
    {
      _kefu_reply_from_error (reply, error);
      return;
    }
  if (row == NULL || !_kefu_identity_has_scope (identity, row->scope))
    {
      _kefu_reply_error (reply, 404, "not_found", "No such row");
      return;
    }
  /* One change object, cut out of a one-change pull reply. */
  one = kefu_sync_pull_reply_new ();
  g_ptr_array_add (one->changes, change_from_row (row));
  json = kefu_sync_pull_reply_encode (one);
  start = strstr (json, "\"changes\":[") + strlen ("\"changes\":[");
  end = json + strlen (json) - 2;   /* "]}" */
  reply->status = 200;
  reply->body = g_strndup (start, end - start);
}
