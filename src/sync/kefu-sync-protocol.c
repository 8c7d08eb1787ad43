/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "kefu-sync"

#include "config.h"

#include <string.h>

#include "kefu-sync-protocol.h"

G_DEFINE_QUARK (kefu-sync-error-quark, kefu_sync_error)

/* --- entities ------------------------------------------------------------ */

#define ORG(n)        { n, KEFU_SYNC_SCOPE_CLASS_ORG, KEFU_SYNC_MERGE_LAST_ARRIVAL, NULL, NULL, NULL, NULL, NULL, NULL }
#define KB(n, m)      { n, KEFU_SYNC_SCOPE_CLASS_KB, m, NULL, NULL, NULL, NULL, NULL, NULL }
#define OWN(n, m)     { n, KEFU_SYNC_SCOPE_CLASS_BRANCH, m, "branch_id", NULL, NULL, NULL, NULL, NULL }
/* A row that names its org unit in a field of another name (a report
 * note's or an assessment round's org_unit_id): that unit's scope. */
#define OWN_BY(n, m, f) { n, KEFU_SYNC_SCOPE_CLASS_BRANCH, m, f, NULL, NULL, NULL, NULL, NULL }
#define CHILD(n, m, pf, pe, af, ae) { n, KEFU_SYNC_SCOPE_CLASS_BRANCH, m, NULL, pf, pe, af, ae, NULL }
#define CHILD_OR_KB(n, m, pf, pe, af, ae, kf) { n, KEFU_SYNC_SCOPE_CLASS_BRANCH, m, NULL, pf, pe, af, ae, kf }

/* Sorted by name for bsearch. Assignments, attempts and assessments
 * belong to the branch of the staff member they are about (a trainer or
 * supervisor above reads them for completion figures); knowledge-base
 * links to the case they answered, problem reports of an article to the
 * reporter's branch (the trainers above read them). */
static const KefuSyncEntity entity_table[] = {
  CHILD ("assessment", KEFU_SYNC_MERGE_LAST_ARRIVAL, "staff_id", "staff", NULL, NULL),
  CHILD ("assessment_rater", KEFU_SYNC_MERGE_LAST_ARRIVAL, "staff_id", "staff", NULL, NULL),
  OWN_BY ("assessment_round", KEFU_SYNC_MERGE_LAST_ARRIVAL, "org_unit_id"),
  CHILD ("assignment", KEFU_SYNC_MERGE_LAST_ARRIVAL, "staff_id", "staff", NULL, NULL),
  CHILD_OR_KB ("attachment", KEFU_SYNC_MERGE_INSERT_ONLY, "case_id", "kcase", "customer_id", "customer", "kb_article_id"),
  CHILD ("attempt", KEFU_SYNC_MERGE_INSERT_ONLY, "staff_id", "staff", NULL, NULL),
  ORG ("calendar"),
  ORG ("calendar_day"),
  CHILD ("case_event", KEFU_SYNC_MERGE_INSERT_ONLY, "case_id", "kcase", NULL, NULL),
  ORG ("category"),
  OWN ("conflict", KEFU_SYNC_MERGE_LAST_ARRIVAL),
  KB ("course", KEFU_SYNC_MERGE_VERSION_CHECK),
  OWN ("customer", KEFU_SYNC_MERGE_PER_FIELD),
  CHILD ("customer_contact", KEFU_SYNC_MERGE_LAST_ARRIVAL, "customer_id", "customer", NULL, NULL),
  CHILD ("customer_note", KEFU_SYNC_MERGE_LAST_ARRIVAL, "customer_id", "customer", NULL, NULL),
  ORG ("department"),
  CHILD ("follow_up", KEFU_SYNC_MERGE_LAST_ARRIVAL, "case_id", "kcase", "customer_id", "customer"),
  KB ("kb_article", KEFU_SYNC_MERGE_VERSION_CHECK),
  KB ("kb_article_version", KEFU_SYNC_MERGE_INSERT_ONLY),
  CHILD ("kb_case_link", KEFU_SYNC_MERGE_LAST_ARRIVAL, "case_id", "kcase", NULL, NULL),
  OWN ("kb_report", KEFU_SYNC_MERGE_LAST_ARRIVAL),
  OWN ("kcase", KEFU_SYNC_MERGE_CASE),
  KB ("lesson", KEFU_SYNC_MERGE_LAST_ARRIVAL),
  CHILD ("notification", KEFU_SYNC_MERGE_LAST_ARRIVAL, "staff_id", "staff", NULL, NULL),
  ORG ("org_unit"),
  KB ("quiz_question", KEFU_SYNC_MERGE_LAST_ARRIVAL),
  OWN_BY ("report_note", KEFU_SYNC_MERGE_LAST_ARRIVAL, "org_unit_id"),
  ORG ("segment_rule"),
  ORG ("sla_policy"),
  ORG ("staff"),
  CHILD ("survey_answer", KEFU_SYNC_MERGE_INSERT_ONLY, "customer_id", "customer", NULL, NULL),
};

static int
compare_entity (const void *key,
                const void *member)
{
  return strcmp (key, ((const KefuSyncEntity *) member)->name);
}

/**
 * kefu_sync_entity_lookup:
 * Returns: (transfer none) (nullable): the entity called @name, or NULL
 * when the protocol does not sync it.
 */
const KefuSyncEntity *
kefu_sync_entity_lookup (const char *name)
{
  if (name == NULL)
    return NULL;
  return bsearch (name, entity_table, G_N_ELEMENTS (entity_table),
                  sizeof entity_table[0], compare_entity);
}

static const char *
string_member (JsonObject *o,
               const char *name)
{
  JsonNode *n = o != NULL ? json_object_get_member (o, name) : NULL;

  return n != NULL && JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_STRING
         ? json_node_get_string (n) : NULL;
}

/* A field's value in the op (@fields) or, when the op leaves it out, in
 * the stored row (@stored, may be NULL). */
static const char *
row_string (JsonObject *fields,
            JsonObject *stored,
            const char *name)
{
  if (fields != NULL && json_object_has_member (fields, name))
    return string_member (fields, name);
  return string_member (stored, name);
}

/**
 * kefu_sync_entity_row_is_kb:
 * @fields: (nullable): the op's fields
 * @stored: (nullable): the stored row's fields
 *
 * Returns: whether this row of a branch entity names none of its parents
 * but its knowledge-base field, and so lies in the kb scope.
 */
gboolean
kefu_sync_entity_row_is_kb (const KefuSyncEntity *entity,
                            JsonObject           *fields,
                            JsonObject           *stored)
{
  if (entity == NULL || entity->kb_field == NULL)
    return FALSE;
  if (entity->parent_field != NULL && row_string (fields, stored, entity->parent_field) != NULL)
    return FALSE;
  if (entity->alt_parent_field != NULL && row_string (fields, stored, entity->alt_parent_field) != NULL)
    return FALSE;
  return row_string (fields, stored, entity->kb_field) != NULL;
}

/**
 * kefu_sync_entities:
 * Returns: (transfer none): every synced entity, sorted by name.
 */
const KefuSyncEntity *
kefu_sync_entities (guint *n_entities)
{
  *n_entities = G_N_ELEMENTS (entity_table);
  return entity_table;
}

static const char * const op_names[] = { "insert", "update", "delete", "restore" };
static const char * const status_names[] = { "applied", "conflict", "rejected" };

const char *
kefu_sync_op_kind_to_string (KefuSyncOpKind kind)
{
  g_return_val_if_fail ((guint) kind < G_N_ELEMENTS (op_names), NULL);
  return op_names[kind];
}

const char *
kefu_sync_result_status_to_string (KefuSyncResultStatus status)
{
  g_return_val_if_fail ((guint) status < G_N_ELEMENTS (status_names), NULL);
  return status_names[status];
}

static gboolean
lookup_name (const char * const *names,
             guint               n_names,
             const char         *name,
             int                *out)
{
  for (guint i = 0; i < n_names; i++)
    if (g_strcmp0 (names[i], name) == 0)
      {
        *out = (int) i;
        return TRUE;
      }
  return FALSE;
}

/* Field values whose text may be long (case descriptions, article bodies). */
static gboolean
is_long_field (const char *name)
{
  static const char * const long_fields[] = {
    "answers", "body", "changes", "choices", "comment", "description",
    "preferences", "resolution", "result", "text",
  };

  for (guint i = 0; i < G_N_ELEMENTS (long_fields); i++)
    if (strcmp (name, long_fields[i]) == 0)
      return TRUE;
  return FALSE;
}

/* --- small constructors --------------------------------------------------- */

KefuSyncOp *
kefu_sync_op_new (void)
{
  return g_new0 (KefuSyncOp, 1);
}

void
kefu_sync_op_free (KefuSyncOp *op)
{
  if (op == NULL)
    return;
  g_free (op->op_id);
  g_free (op->entity);
  g_free (op->row_id);
  g_free (op->hlc);
  g_clear_pointer (&op->fields, json_object_unref);
  g_free (op);
}

KefuSyncOpResult *
kefu_sync_op_result_new (gint64                seq,
                         const char           *op_id,
                         KefuSyncResultStatus  status,
                         gint64                server_version,
                         const char           *reason)
{
  KefuSyncOpResult *result = g_new0 (KefuSyncOpResult, 1);

  result->seq = seq;
  result->op_id = g_strdup (op_id);
  result->status = status;
  result->server_version = server_version;
  result->reason = g_strdup (reason);
  return result;
}

void
kefu_sync_op_result_free (KefuSyncOpResult *result)
{
  if (result == NULL)
    return;
  g_free (result->op_id);
  g_free (result->reason);
  g_free (result);
}

KefuSyncCursor *
kefu_sync_cursor_new (const char *scope,
                      gint64      seq)
{
  KefuSyncCursor *cursor = g_new0 (KefuSyncCursor, 1);

  cursor->scope = g_strdup (scope);
  cursor->seq = seq;
  return cursor;
}

void
kefu_sync_cursor_free (KefuSyncCursor *cursor)
{
  if (cursor == NULL)
    return;
  g_free (cursor->scope);
  g_free (cursor);
}

KefuSyncChange *
kefu_sync_change_new (void)
{
  return g_new0 (KefuSyncChange, 1);
}

void
kefu_sync_change_free (KefuSyncChange *change)
{
  if (change == NULL)
    return;
  g_free (change->scope);
  g_free (change->entity);
  g_free (change->row_id);
  g_clear_pointer (&change->fields, json_object_unref);
  g_free (change->fields_json);
  g_free (change);
}

KefuSyncScopeSum *
kefu_sync_scope_sum_new (const char *scope,
                         gint64      count,
                         const char *checksum)
{
  KefuSyncScopeSum *sum = g_new0 (KefuSyncScopeSum, 1);

  sum->scope = g_strdup (scope);
  sum->count = count;
  sum->checksum = g_strdup (checksum);
  return sum;
}

void
kefu_sync_scope_sum_free (KefuSyncScopeSum *sum)
{
  if (sum == NULL)
    return;
  g_free (sum->scope);
  g_free (sum->checksum);
  g_free (sum);
}

KefuSyncPush *
kefu_sync_push_new (void)
{
  KefuSyncPush *push = g_new0 (KefuSyncPush, 1);

  push->ops = g_ptr_array_new_with_free_func ((GDestroyNotify) kefu_sync_op_free);
  return push;
}

void
kefu_sync_push_free (KefuSyncPush *push)
{
  if (push == NULL)
    return;
  g_free (push->device_id);
  g_free (push->epoch);
  g_ptr_array_unref (push->ops);
  g_free (push);
}

KefuSyncPushReply *
kefu_sync_push_reply_new (void)
{
  KefuSyncPushReply *reply = g_new0 (KefuSyncPushReply, 1);

  reply->results = g_ptr_array_new_with_free_func ((GDestroyNotify) kefu_sync_op_result_free);
  return reply;
}

void
kefu_sync_push_reply_free (KefuSyncPushReply *reply)
{
  if (reply == NULL)
    return;
  g_free (reply->epoch);
  g_ptr_array_unref (reply->results);
  g_free (reply);
}

static GPtrArray *
new_cursors (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) kefu_sync_cursor_free);
}

static GPtrArray *
new_changes (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) kefu_sync_change_free);
}

KefuSyncPull *
kefu_sync_pull_new (void)
{
  KefuSyncPull *pull = g_new0 (KefuSyncPull, 1);

  pull->cursors = new_cursors ();
  pull->limit = KEFU_SYNC_DEFAULT_PAGE;
  return pull;
}

void
kefu_sync_pull_free (KefuSyncPull *pull)
{
  if (pull == NULL)
    return;
  g_free (pull->epoch);
  g_ptr_array_unref (pull->cursors);
  g_free (pull);
}

KefuSyncPullReply *
kefu_sync_pull_reply_new (void)
{
  KefuSyncPullReply *reply = g_new0 (KefuSyncPullReply, 1);

  reply->cursors = new_cursors ();
  reply->changes = new_changes ();
  return reply;
}

void
kefu_sync_pull_reply_free (KefuSyncPullReply *reply)
{
  if (reply == NULL)
    return;
  g_free (reply->epoch);
  g_ptr_array_unref (reply->cursors);
  g_ptr_array_unref (reply->changes);
  g_free (reply);
}

KefuSyncSnapshotReply *
kefu_sync_snapshot_reply_new (void)
{
  KefuSyncSnapshotReply *reply = g_new0 (KefuSyncSnapshotReply, 1);

  reply->cursors = new_cursors ();
  reply->changes = new_changes ();
  return reply;
}

void
kefu_sync_snapshot_reply_free (KefuSyncSnapshotReply *reply)
{
  if (reply == NULL)
    return;
  g_free (reply->epoch);
  g_ptr_array_unref (reply->cursors);
  g_ptr_array_unref (reply->changes);
  g_free (reply);
}

KefuSyncVerifyReply *
kefu_sync_verify_reply_new (void)
{
  KefuSyncVerifyReply *reply = g_new0 (KefuSyncVerifyReply, 1);

  reply->cursors = new_cursors ();
  reply->scopes = g_ptr_array_new_with_free_func ((GDestroyNotify) kefu_sync_scope_sum_free);
  return reply;
}

void
kefu_sync_verify_reply_free (KefuSyncVerifyReply *reply)
{
  if (reply == NULL)
    return;
  g_free (reply->epoch);
  g_ptr_array_unref (reply->cursors);
  g_ptr_array_unref (reply->scopes);
  g_free (reply);
}

void
kefu_sync_login_free (KefuSyncLogin *login)
{
  if (login == NULL)
    return;
  g_free (login->username);
  if (login->password != NULL)
    memset (login->password, 0, strlen (login->password));
  g_free (login->password);
  g_free (login->device_id);
  g_free (login);
}

void
kefu_sync_login_reply_free (KefuSyncLoginReply *reply)
{
  if (reply == NULL)
    return;
  g_free (reply->token);
  g_free (reply->epoch);
  g_free (reply->user_id);
  g_free (reply->username);
  g_free (reply->role);
  g_free (reply->org_unit_id);
  g_free (reply->staff_id);
  g_free (reply);
}

/* --- validation helpers --------------------------------------------------- */

static gboolean fail (GError     **error,
                      const char  *format,
                      ...) G_GNUC_PRINTF (2, 3);

static gboolean
fail (GError     **error,
      const char  *format,
      ...)
{
  va_list args;
  char *message;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, KEFU_SYNC_ERROR, KEFU_SYNC_ERROR_INVALID, message);
  g_free (message);
  return FALSE;
}

gboolean
kefu_sync_is_uuid (const char *text)
{
  return text != NULL && g_uuid_string_is_valid (text);
}

gboolean
kefu_sync_scope_is_valid (const char *scope)
{
  if (scope == NULL)
    return FALSE;
  if (strcmp (scope, KEFU_SYNC_SCOPE_ORG) == 0 || strcmp (scope, KEFU_SYNC_SCOPE_KB) == 0)
    return TRUE;
  return g_str_has_prefix (scope, KEFU_SYNC_SCOPE_BRANCH_PREFIX)
         && kefu_sync_is_uuid (scope + strlen (KEFU_SYNC_SCOPE_BRANCH_PREFIX));
}

/* Looks up @name; a missing member or JSON null is "absent". */
static gboolean
member (JsonObject  *object,
        const char  *what,
        const char  *name,
        gboolean     required,
        JsonNode   **out,
        GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      *out = NULL;
      if (required)
        return fail (error, "%s%s is missing", what, name);
      return TRUE;
    }
  *out = node;
  return TRUE;
}

static gboolean
check_string_value (JsonNode    *node,
                    const char  *what,
                    const char  *name,
                    gsize        max,
                    const char **out,
                    GError     **error)
{
  const char *text;
  gsize len;

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return fail (error, "%s%s must be a string", what, name);
  text = json_node_get_string (node);
  len = strlen (text);
  if (len > max)
    return fail (error, "%s%s is too long (%" G_GSIZE_FORMAT " bytes, at most %" G_GSIZE_FORMAT ")",
                 what, name, len, max);
  if (!g_utf8_validate (text, len, NULL))
    return fail (error, "%s%s is not valid UTF-8", what, name);
  *out = text;
  return TRUE;
}

static gboolean
read_string (JsonObject  *object,
             const char  *what,
             const char  *name,
             gboolean     required,
             gsize        max,
             char       **out,
             GError     **error)
{
  JsonNode *node;
  const char *text;

  if (!member (object, what, name, required, &node, error))
    return FALSE;
  if (node == NULL)
    return TRUE;
  if (!check_string_value (node, what, name, max, &text, error))
    return FALSE;
  if (required && *text == '\0')
    return fail (error, "%s%s is empty", what, name);
  g_free (*out);
  *out = g_strdup (text);
  return TRUE;
}

static gboolean
read_uuid (JsonObject  *object,
           const char  *what,
           const char  *name,
           gboolean     required,
           char       **out,
           GError     **error)
{
  if (!read_string (object, what, name, required, 64, out, error))
    return FALSE;
  if (*out != NULL && !kefu_sync_is_uuid (*out))
    return fail (error, "%s%s is not a UUID", what, name);
  return TRUE;
}

static gboolean
read_int (JsonObject  *object,
          const char  *what,
          const char  *name,
          gboolean     required,
          gint64       min,
          gint64       max,
          gint64      *out,
          GError     **error)
{
  JsonNode *node;
  gint64 value;

  if (!member (object, what, name, required, &node, error))
    return FALSE;
  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return fail (error, "%s%s must be an integer", what, name);
  value = json_node_get_int (node);
  if (value < min || value > max)
    return fail (error, "%s%s is out of range (%" G_GINT64_FORMAT ")", what, name, value);
  *out = value;
  return TRUE;
}

static gboolean
read_bool (JsonObject  *object,
           const char  *what,
           const char  *name,
           gboolean     required,
           gboolean    *out,
           GError     **error)
{
  JsonNode *node;

  if (!member (object, what, name, required, &node, error))
    return FALSE;
  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return fail (error, "%s%s must be true or false", what, name);
  *out = json_node_get_boolean (node);
  return TRUE;
}

static gboolean
read_array (JsonObject  *object,
            const char  *what,
            const char  *name,
            gboolean     required,
            JsonArray  **out,
            GError     **error)
{
  JsonNode *node;

  *out = NULL;
  if (!member (object, what, name, required, &node, error))
    return FALSE;
  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return fail (error, "%s%s must be an array", what, name);
  *out = json_node_get_array (node);
  return TRUE;
}

static gboolean
read_object (JsonObject  *object,
             const char  *what,
             const char  *name,
             gboolean     required,
             JsonObject **out,
             GError     **error)
{
  JsonNode *node;

  *out = NULL;
  if (!member (object, what, name, required, &node, error))
    return FALSE;
  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return fail (error, "%s%s must be an object", what, name);
  *out = json_node_get_object (node);
  return TRUE;
}

static JsonObject *
element_object (JsonArray   *array,
                guint        i,
                const char  *what,
                GError     **error)
{
  JsonNode *node = json_array_get_element (array, i);

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      fail (error, "%s[%u] must be an object", what, i);
      return NULL;
    }
  return json_node_get_object (node);
}

static gboolean
is_field_name (const char *name)
{
  gsize len = strlen (name);

  if (len == 0 || len > KEFU_SYNC_MAX_NAME)
    return FALSE;
  if (!(g_ascii_islower (name[0]) || name[0] == '_'))
    return FALSE;
  for (gsize i = 1; i < len; i++)
    if (!(g_ascii_islower (name[i]) || g_ascii_isdigit (name[i]) || name[i] == '_'))
      return FALSE;
  return TRUE;
}

/**
 * kefu_sync_fields_validate:
 * Checks a fields object: at most KEFU_SYNC_MAX_FIELDS members named like
 * columns (lower case, digits, underscores), none of the reserved id,
 * version and deleted, and each value a string (within the size limit),
 * an integer, a boolean or null. @what prefixes the error message.
 */
gboolean
kefu_sync_fields_validate (JsonObject  *fields,
                           const char  *what,
                           GError     **error)
{
  JsonObjectIter iter;
  const char *name;
  JsonNode *node;

  if (json_object_get_size (fields) > KEFU_SYNC_MAX_FIELDS)
    return fail (error, "%shas more than %d fields", what, KEFU_SYNC_MAX_FIELDS);

  json_object_iter_init_ordered (&iter, fields);
  while (json_object_iter_next_ordered (&iter, &name, &node))
    {
      if (!is_field_name (name))
        return fail (error, "%sfield name \"%.64s\" is not a column name", what, name);
      if (strcmp (name, "id") == 0 || strcmp (name, "version") == 0 || strcmp (name, "deleted") == 0)
        return fail (error, "%sfield %s is reserved (use row_id, base_version or op)", what, name);
      if (JSON_NODE_HOLDS_NULL (node))
        continue;
      if (!JSON_NODE_HOLDS_VALUE (node))
        return fail (error, "%s%s must be a string, an integer, true/false or null", what, name);
      switch (json_node_get_value_type (node))
        {
        case G_TYPE_STRING:
          {
            const char *text;
            if (!check_string_value (node, what, name,
                                     is_long_field (name) ? KEFU_SYNC_MAX_LONG_STRING : KEFU_SYNC_MAX_STRING,
                                     &text, error))
              return FALSE;
          }
          break;
        case G_TYPE_INT64:
        case G_TYPE_BOOLEAN:
          break;
        default:
          return fail (error, "%s%s must be a string, an integer, true/false or null", what, name);
        }
    }
  return TRUE;
}

/**
 * kefu_sync_parse_object:
 * Returns: (transfer full): the top-level object of @data.
 */
JsonObject *
kefu_sync_parse_object (const char  *data,
                        gsize        length,
                        GError     **error)
{
  g_autoptr(JsonNode) root = NULL;

  if (length > KEFU_SYNC_MAX_BODY)
    {
      g_set_error (error, KEFU_SYNC_ERROR, KEFU_SYNC_ERROR_TOO_LARGE,
                   "body is larger than %d bytes", KEFU_SYNC_MAX_BODY);
      return NULL;
    }
  if (length == 0)
    {
      fail (error, "body is empty");
      return NULL;
    }
  if (memchr (data, '\0', length) != NULL)
    {
      fail (error, "body contains a NUL byte");
      return NULL;
    }
  root = kefu_sync_json_parse (data, length, error);
  if (root == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      fail (error, "body must be a JSON object");
      return NULL;
    }
  return json_object_ref (json_node_get_object (root));
}

static gboolean
read_hlc (JsonObject  *object,
          const char  *what,
          char       **out,
          GError     **error)
{
  if (!read_string (object, what, "hlc", TRUE, 128, out, error))
    return FALSE;
  /* <unix ms, 13 digits>:<counter, 5 digits>:<device> */
  for (int i = 0; i < 13; i++)
    if (!g_ascii_isdigit ((*out)[i]))
      return fail (error, "%shlc is not a hybrid logical clock stamp", what);
  if ((*out)[13] != ':')
    return fail (error, "%shlc is not a hybrid logical clock stamp", what);
  return TRUE;
}

static gboolean
read_cursors (JsonObject  *object,
              const char  *name,
              GPtrArray   *cursors,
              GError     **error)
{
  JsonObject *map;
  JsonObjectIter iter;
  const char *scope;
  JsonNode *node;

  if (!read_object (object, "", name, FALSE, &map, error))
    return FALSE;
  if (map == NULL)
    return TRUE;
  if (json_object_get_size (map) > 4096)
    return fail (error, "%s names too many scopes", name);
  json_object_iter_init_ordered (&iter, map);
  while (json_object_iter_next_ordered (&iter, &scope, &node))
    {
      if (!kefu_sync_scope_is_valid (scope))
        return fail (error, "%s: \"%.80s\" is not a scope", name, scope);
      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64
          || json_node_get_int (node) < 0)
        return fail (error, "%s.%s must be a non-negative integer", name, scope);
      g_ptr_array_add (cursors, kefu_sync_cursor_new (scope, json_node_get_int (node)));
    }
  return TRUE;
}

/* --- decoders ------------------------------------------------------------- */

KefuSyncLogin *
kefu_sync_login_decode (const char  *data,
                        gsize        length,
                        GError     **error)
{
  g_autoptr(JsonObject) object = kefu_sync_parse_object (data, length, error);
  g_autoptr(KefuSyncLogin) login = NULL;

  if (object == NULL)
    return NULL;
  login = g_new0 (KefuSyncLogin, 1);
  if (!read_string (object, "", "username", TRUE, KEFU_SYNC_MAX_NAME, &login->username, error)
      || !read_string (object, "", "password", TRUE, 1024, &login->password, error)
      || !read_uuid (object, "", "device_id", FALSE, &login->device_id, error))
    return NULL;
  return g_steal_pointer (&login);
}

KefuSyncLoginReply *
kefu_sync_login_reply_decode (const char  *data,
                              gsize        length,
                              GError     **error)
{
  g_autoptr(JsonObject) object = kefu_sync_parse_object (data, length, error);
  g_autoptr(KefuSyncLoginReply) reply = NULL;
  JsonObject *user;

  if (object == NULL)
    return NULL;
  reply = g_new0 (KefuSyncLoginReply, 1);
  if (!read_string (object, "", "token", TRUE, 256, &reply->token, error)
      || !read_int (object, "", "expires_at", TRUE, 0, G_MAXINT64, &reply->expires_at, error)
      || !read_string (object, "", "epoch", TRUE, 64, &reply->epoch, error)
      || !read_object (object, "", "user", TRUE, &user, error)
      || !read_uuid (user, "user.", "id", TRUE, &reply->user_id, error)
      || !read_string (user, "user.", "username", TRUE, KEFU_SYNC_MAX_NAME, &reply->username, error)
      || !read_string (user, "user.", "role", TRUE, 16, &reply->role, error)
      || !read_uuid (user, "user.", "org_unit_id", TRUE, &reply->org_unit_id, error)
      || !read_uuid (user, "user.", "staff_id", FALSE, &reply->staff_id, error))
    return NULL;
  return g_steal_pointer (&reply);
}

static KefuSyncOp *
decode_op (JsonObject  *object,
           const char  *what,
           GError     **error)
{
  g_autoptr(KefuSyncOp) op = kefu_sync_op_new ();
  g_autofree char *entity = NULL;
  g_autofree char *kind = NULL;
  JsonObject *fields;
  int kind_index;

  if (!read_int (object, what, "seq", TRUE, 1, G_MAXINT64, &op->seq, error)
      || !read_uuid (object, what, "op_id", TRUE, &op->op_id, error)
      || !read_string (object, what, "entity", TRUE, KEFU_SYNC_MAX_NAME, &entity, error))
    return NULL;
  if (kefu_sync_entity_lookup (entity) == NULL)
    {
      fail (error, "%sentity \"%s\" is not a synced entity", what, entity);
      return NULL;
    }
  op->entity = g_steal_pointer (&entity);
  if (!read_uuid (object, what, "row_id", TRUE, &op->row_id, error)
      || !read_string (object, what, "op", TRUE, 16, &kind, error))
    return NULL;
  if (!lookup_name (op_names, G_N_ELEMENTS (op_names), kind, &kind_index))
    {
      fail (error, "%sop \"%s\" must be insert, update, delete or restore", what, kind);
      return NULL;
    }
  op->op = (KefuSyncOpKind) kind_index;
  if (!read_int (object, what, "base_version", TRUE, 0, G_MAXINT64 / 2, &op->base_version, error)
      || !read_hlc (object, what, &op->hlc, error)
      || !read_object (object, what, "fields", FALSE, &fields, error))
    return NULL;
  if (fields != NULL)
    {
      if (!kefu_sync_fields_validate (fields, what, error))
        return NULL;
      op->fields = json_object_ref (fields);
    }
  else
    op->fields = json_object_new ();
  if (op->op == KEFU_SYNC_OP_INSERT && op->base_version != 0)
    {
      fail (error, "%sbase_version of an insert must be 0", what);
      return NULL;
    }
  return g_steal_pointer (&op);
}

KefuSyncPush *
kefu_sync_push_decode (const char  *data,
                       gsize        length,
                       GError     **error)
{
  g_autoptr(JsonObject) object = kefu_sync_parse_object (data, length, error);
  g_autoptr(KefuSyncPush) push = NULL;
  JsonArray *ops;
  guint n;

  if (object == NULL)
    return NULL;
  push = kefu_sync_push_new ();
  if (!read_uuid (object, "", "device_id", TRUE, &push->device_id, error)
      || !read_string (object, "", "epoch", TRUE, 64, &push->epoch, error)
      || !read_array (object, "", "ops", TRUE, &ops, error))
    return NULL;
  n = json_array_get_length (ops);
  if (n > KEFU_SYNC_MAX_OPS)
    {
      g_set_error (error, KEFU_SYNC_ERROR, KEFU_SYNC_ERROR_TOO_LARGE,
                   "a batch holds at most %d ops, this one %u", KEFU_SYNC_MAX_OPS, n);
      return NULL;
    }
  for (guint i = 0; i < n; i++)
    {
      char what[32];
      JsonObject *element;
      KefuSyncOp *op;

      g_snprintf (what, sizeof what, "ops[%u].", i);
      if ((element = element_object (ops, i, "ops", error)) == NULL
          || (op = decode_op (element, what, error)) == NULL)
        return NULL;
      if (push->ops->len > 0
          && op->seq != ((KefuSyncOp *) g_ptr_array_index (push->ops, push->ops->len - 1))->seq + 1)
        {
          kefu_sync_op_free (op);
          fail (error, "%sseq must follow the previous op's seq by one", what);
          return NULL;
        }
      g_ptr_array_add (push->ops, op);
    }
  return g_steal_pointer (&push);
}

KefuSyncPushReply *
kefu_sync_push_reply_decode (const char  *data,
                             gsize        length,
                             GError     **error)
{
  g_autoptr(JsonObject) object = kefu_sync_parse_object (data, length, error);
  g_autoptr(KefuSyncPushReply) reply = NULL;
  JsonArray *results;

  if (object == NULL)
    return NULL;
  reply = kefu_sync_push_reply_new ();
  if (!read_string (object, "", "epoch", TRUE, 64, &reply->epoch, error)
      || !read_int (object, "", "last_seq", TRUE, 0, G_MAXINT64, &reply->last_seq, error)
      || !read_array (object, "", "results", TRUE, &results, error))
    return NULL;
  for (guint i = 0; i < json_array_get_length (results); i++)
    {
      char what[40];
      JsonObject *element;
      g_autoptr(KefuSyncOpResult) result = g_new0 (KefuSyncOpResult, 1);
      g_autofree char *status = NULL;
      int status_index;

      g_snprintf (what, sizeof what, "results[%u].", i);
      if ((element = element_object (results, i, "results", error)) == NULL
          || !read_int (element, what, "seq", TRUE, 1, G_MAXINT64, &result->seq, error)
          || !read_uuid (element, what, "op_id", TRUE, &result->op_id, error)
          || !read_string (element, what, "status", TRUE, 16, &status, error)
          || !read_int (element, what, "server_version", FALSE, 0, G_MAXINT64, &result->server_version, error)
          || !read_string (element, what, "reason", FALSE, 1024, &result->reason, error))
        return NULL;
      if (!lookup_name (status_names, G_N_ELEMENTS (status_names), status, &status_index))
        {
          fail (error, "%sstatus \"%s\" is unknown", what, status);
          return NULL;
        }
      result->status = (KefuSyncResultStatus) status_index;
      g_ptr_array_add (reply->results, g_steal_pointer (&result));
    }
  return g_steal_pointer (&reply);
}

KefuSyncPull *
kefu_sync_pull_decode (const char  *data,
                       gsize        length,
                       GError     **error)
{
  g_autoptr(JsonObject) object = kefu_sync_parse_object (data, length, error);
  g_autoptr(KefuSyncPull) pull = NULL;

  if (object == NULL)
    return NULL;
  pull = kefu_sync_pull_new ();
  if (!read_string (object, "", "epoch", TRUE, 64, &pull->epoch, error)
      || !read_cursors (object, "cursors", pull->cursors, error)
      || !read_int (object, "", "limit", FALSE, 1, KEFU_SYNC_MAX_PAGE, &pull->limit, error))
    return NULL;
  return g_steal_pointer (&pull);
}

static gboolean
decode_changes (JsonObject  *object,
                GPtrArray   *changes,
                GError     **error)
{
  JsonArray *array;

  if (!read_array (object, "", "changes", TRUE, &array, error))
    return FALSE;
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      char what[40];
      JsonObject *element;
      JsonObject *fields;
      g_autoptr(KefuSyncChange) change = kefu_sync_change_new ();

      g_snprintf (what, sizeof what, "changes[%u].", i);
      if ((element = element_object (array, i, "changes", error)) == NULL
          || !read_string (element, what, "scope", TRUE, 128, &change->scope, error)
          || !read_int (element, what, "server_seq", TRUE, 1, G_MAXINT64, &change->server_seq, error)
          || !read_string (element, what, "entity", TRUE, KEFU_SYNC_MAX_NAME, &change->entity, error)
          || !read_uuid (element, what, "row_id", TRUE, &change->row_id, error)
          || !read_int (element, what, "version", TRUE, 1, G_MAXINT64, &change->version, error)
          || !read_bool (element, what, "deleted", TRUE, &change->deleted, error)
          || !read_object (element, what, "fields", TRUE, &fields, error))
        return FALSE;
      if (!kefu_sync_scope_is_valid (change->scope))
        return fail (error, "%sscope is not a scope", what);
      if (kefu_sync_entity_lookup (change->entity) == NULL)
        return fail (error, "%sentity \"%s\" is not a synced entity", what, change->entity);
      if (!kefu_sync_fields_validate (fields, what, error))
        return FALSE;
      change->fields = json_object_ref (fields);
      g_ptr_array_add (changes, g_steal_pointer (&change));
    }
  return TRUE;
}

KefuSyncPullReply *
kefu_sync_pull_reply_decode (const char  *data,
                             gsize        length,
                             GError     **error)
{
  g_autoptr(JsonObject) object = kefu_sync_parse_object (data, length, error);
  g_autoptr(KefuSyncPullReply) reply = NULL;

  if (object == NULL)
    return NULL;
  reply = kefu_sync_pull_reply_new ();
  if (!read_string (object, "", "epoch", TRUE, 64, &reply->epoch, error)
      || !read_cursors (object, "cursors", reply->cursors, error)
      || !read_bool (object, "", "more", TRUE, &reply->more, error)
      || !decode_changes (object, reply->changes, error))
    return NULL;
  return g_steal_pointer (&reply);
}

KefuSyncSnapshot *
kefu_sync_snapshot_decode (const char  *data,
                           gsize        length,
                           GError     **error)
{
  g_autoptr(JsonObject) object = kefu_sync_parse_object (data, length, error);
  g_autoptr(KefuSyncSnapshot) snapshot = NULL;

  if (object == NULL)
    return NULL;
  snapshot = g_new0 (KefuSyncSnapshot, 1);
  snapshot->limit = KEFU_SYNC_DEFAULT_PAGE;
  if (!read_int (object, "", "after", FALSE, 0, G_MAXINT64, &snapshot->after, error)
      || !read_int (object, "", "limit", FALSE, 1, KEFU_SYNC_MAX_PAGE, &snapshot->limit, error))
    return NULL;
  return g_steal_pointer (&snapshot);
}

KefuSyncSnapshotReply *
kefu_sync_snapshot_reply_decode (const char  *data,
                                 gsize        length,
                                 GError     **error)
{
  g_autoptr(JsonObject) object = kefu_sync_parse_object (data, length, error);
  g_autoptr(KefuSyncSnapshotReply) reply = NULL;

  if (object == NULL)
    return NULL;
  reply = kefu_sync_snapshot_reply_new ();
  if (!read_string (object, "", "epoch", TRUE, 64, &reply->epoch, error)
      || !read_cursors (object, "cursors", reply->cursors, error)
      || !read_int (object, "", "next", TRUE, 0, G_MAXINT64, &reply->next, error)
      || !read_bool (object, "", "more", TRUE, &reply->more, error)
      || !decode_changes (object, reply->changes, error))
    return NULL;
  return g_steal_pointer (&reply);
}

KefuSyncVerifyReply *
kefu_sync_verify_reply_decode (const char  *data,
                               gsize        length,
                               GError     **error)
{
  g_autoptr(JsonObject) object = kefu_sync_parse_object (data, length, error);
  g_autoptr(KefuSyncVerifyReply) reply = NULL;
  JsonArray *scopes;

  if (object == NULL)
    return NULL;
  reply = kefu_sync_verify_reply_new ();
  if (!read_string (object, "", "epoch", TRUE, 64, &reply->epoch, error)
      || !read_cursors (object, "cursors", reply->cursors, error)
      || !read_array (object, "", "scopes", TRUE, &scopes, error))
    return NULL;
  for (guint i = 0; i < json_array_get_length (scopes); i++)
    {
      char what[40];
      JsonObject *element;
      g_autoptr(KefuSyncScopeSum) sum = g_new0 (KefuSyncScopeSum, 1);

      g_snprintf (what, sizeof what, "scopes[%u].", i);
      if ((element = element_object (scopes, i, "scopes", error)) == NULL
          || !read_string (element, what, "scope", TRUE, 128, &sum->scope, error)
          || !read_int (element, what, "count", TRUE, 0, G_MAXINT64, &sum->count, error)
          || !read_string (element, what, "checksum", TRUE, 64, &sum->checksum, error))
        return NULL;
      if (!kefu_sync_scope_is_valid (sum->scope))
        {
          fail (error, "%sscope is not a scope", what);
          return NULL;
        }
      g_ptr_array_add (reply->scopes, g_steal_pointer (&sum));
    }
  return g_steal_pointer (&reply);
}

/* --- encoders ------------------------------------------------------------- */

static void
append_string (GString    *out,
               const char *text)
{
  if (text == NULL)
    {
      g_string_append (out, "null");
      return;
    }
  g_string_append_c (out, '"');
  for (const char *p = text; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;

      switch (c)
        {
        case '"':
          g_string_append (out, "\\\"");
          break;
        case '\\':
          g_string_append (out, "\\\\");
          break;
        case '\n':
          g_string_append (out, "\\n");
          break;
        case '\r':
          g_string_append (out, "\\r");
          break;
        case '\t':
          g_string_append (out, "\\t");
          break;
        default:
          if (c < 0x20)
            g_string_append_printf (out, "\\u%04x", c);
          else
            g_string_append_c (out, (char) c);
        }
    }
  g_string_append_c (out, '"');
}

static void
append_key (GString    *out,
            const char *key)
{
  if (out->len > 0 && out->str[out->len - 1] != '{')
    g_string_append_c (out, ',');
  append_string (out, key);
  g_string_append_c (out, ':');
}

static void
append_key_string (GString    *out,
                   const char *key,
                   const char *value)
{
  append_key (out, key);
  append_string (out, value);
}

static void
append_key_int (GString    *out,
                const char *key,
                gint64      value)
{
  append_key (out, key);
  g_string_append_printf (out, "%" G_GINT64_FORMAT, value);
}

static void
append_key_bool (GString    *out,
                 const char *key,
                 gboolean    value)
{
  append_key (out, key);
  g_string_append (out, value ? "true" : "false");
}

static void
append_fields (GString    *out,
               JsonObject *fields)
{
  JsonObjectIter iter;
  const char *name;
  JsonNode *node;

  g_string_append_c (out, '{');
  if (fields != NULL)
    {
      json_object_iter_init_ordered (&iter, fields);
      while (json_object_iter_next_ordered (&iter, &name, &node))
        {
          append_key (out, name);
          if (JSON_NODE_HOLDS_VALUE (node))
            switch (json_node_get_value_type (node))
              {
              case G_TYPE_STRING:
                append_string (out, json_node_get_string (node));
                break;
              case G_TYPE_INT64:
                g_string_append_printf (out, "%" G_GINT64_FORMAT, json_node_get_int (node));
                break;
              case G_TYPE_BOOLEAN:
                g_string_append (out, json_node_get_boolean (node) ? "true" : "false");
                break;
              default:
                g_string_append (out, "null");
              }
          else
            g_string_append (out, "null");
        }
    }
  g_string_append_c (out, '}');
}

static void
append_cursors (GString   *out,
                GPtrArray *cursors)
{
  append_key (out, "cursors");
  g_string_append_c (out, '{');
  for (guint i = 0; i < cursors->len; i++)
    {
      KefuSyncCursor *cursor = g_ptr_array_index (cursors, i);
      append_key_int (out, cursor->scope, cursor->seq);
    }
  g_string_append_c (out, '}');
}

static void
append_changes (GString   *out,
                GPtrArray *changes)
{
  append_key (out, "changes");
  g_string_append_c (out, '[');
  for (guint i = 0; i < changes->len; i++)
    {
      KefuSyncChange *change = g_ptr_array_index (changes, i);

      if (i > 0)
        g_string_append_c (out, ',');
      g_string_append_c (out, '{');
      append_key_string (out, "scope", change->scope);
      append_key_int (out, "server_seq", change->server_seq);
      append_key_string (out, "entity", change->entity);
      append_key_string (out, "row_id", change->row_id);
      append_key_int (out, "version", change->version);
      append_key_bool (out, "deleted", change->deleted);
      append_key (out, "fields");
      if (change->fields_json != NULL)
        g_string_append (out, change->fields_json);
      else
        append_fields (out, change->fields);
      g_string_append_c (out, '}');
    }
  g_string_append_c (out, ']');
}

char *
kefu_sync_login_encode (const KefuSyncLogin *login)
{
  GString *out = g_string_new ("{");

  append_key_string (out, "username", login->username);
  append_key_string (out, "password", login->password);
  if (login->device_id != NULL)
    append_key_string (out, "device_id", login->device_id);
  g_string_append_c (out, '}');
  return g_string_free (out, FALSE);
}

char *
kefu_sync_login_reply_encode (const KefuSyncLoginReply *reply)
{
  GString *out = g_string_new ("{");

  append_key_string (out, "token", reply->token);
  append_key_int (out, "expires_at", reply->expires_at);
  append_key_string (out, "epoch", reply->epoch);
  append_key (out, "user");
  g_string_append_c (out, '{');
  append_key_string (out, "id", reply->user_id);
  append_key_string (out, "username", reply->username);
  append_key_string (out, "role", reply->role);
  append_key_string (out, "org_unit_id", reply->org_unit_id);
  append_key_string (out, "staff_id", reply->staff_id);
  g_string_append (out, "}}");
  return g_string_free (out, FALSE);
}

char *
kefu_sync_push_encode (const KefuSyncPush *push)
{
  GString *out = g_string_new ("{");

  append_key_string (out, "device_id", push->device_id);
  append_key_string (out, "epoch", push->epoch);
  append_key (out, "ops");
  g_string_append_c (out, '[');
  for (guint i = 0; i < push->ops->len; i++)
    {
      KefuSyncOp *op = g_ptr_array_index (push->ops, i);

      if (i > 0)
        g_string_append_c (out, ',');
      g_string_append_c (out, '{');
      append_key_int (out, "seq", op->seq);
      append_key_string (out, "op_id", op->op_id);
      append_key_string (out, "entity", op->entity);
      append_key_string (out, "row_id", op->row_id);
      append_key_string (out, "op", kefu_sync_op_kind_to_string (op->op));
      append_key_int (out, "base_version", op->base_version);
      append_key_string (out, "hlc", op->hlc);
      append_key (out, "fields");
      append_fields (out, op->fields);
      g_string_append_c (out, '}');
    }
  g_string_append (out, "]}");
  return g_string_free (out, FALSE);
}

char *
kefu_sync_push_reply_encode (const KefuSyncPushReply *reply)
{
  GString *out = g_string_new ("{");

  append_key_string (out, "epoch", reply->epoch);
  append_key_int (out, "last_seq", reply->last_seq);
  append_key (out, "results");
  g_string_append_c (out, '[');
  for (guint i = 0; i < reply->results->len; i++)
    {
      KefuSyncOpResult *result = g_ptr_array_index (reply->results, i);

      if (i > 0)
        g_string_append_c (out, ',');
      g_string_append_c (out, '{');
      append_key_int (out, "seq", result->seq);
      append_key_string (out, "op_id", result->op_id);
      append_key_string (out, "status", kefu_sync_result_status_to_string (result->status));
      append_key_int (out, "server_version", result->server_version);
      if (result->reason != NULL)
        append_key_string (out, "reason", result->reason);
      g_string_append_c (out, '}');
    }
  g_string_append (out, "]}");
  return g_string_free (out, FALSE);
}

char *
kefu_sync_pull_encode (const KefuSyncPull *pull)
{
  GString *out = g_string_new ("{");

  append_key_string (out, "epoch", pull->epoch);
  append_cursors (out, pull->cursors);
  append_key_int (out, "limit", pull->limit);
  g_string_append_c (out, '}');
  return g_string_free (out, FALSE);
}

char *
kefu_sync_pull_reply_encode (const KefuSyncPullReply *reply)
{
  GString *out = g_string_sized_new (256 + reply->changes->len * 512);

  g_string_append_c (out, '{');
  append_key_string (out, "epoch", reply->epoch);
  append_cursors (out, reply->cursors);
  append_key_bool (out, "more", reply->more);
  append_changes (out, reply->changes);
  g_string_append_c (out, '}');
  return g_string_free (out, FALSE);
}

char *
kefu_sync_snapshot_encode (const KefuSyncSnapshot *snapshot)
{
  GString *out = g_string_new ("{");

  append_key_int (out, "after", snapshot->after);
  append_key_int (out, "limit", snapshot->limit);
  g_string_append_c (out, '}');
  return g_string_free (out, FALSE);
}

char *
kefu_sync_snapshot_reply_encode (const KefuSyncSnapshotReply *reply)
{
  GString *out = g_string_sized_new (256 + reply->changes->len * 512);

  g_string_append_c (out, '{');
  append_key_string (out, "epoch", reply->epoch);
  append_cursors (out, reply->cursors);
  append_key_int (out, "next", reply->next);
  append_key_bool (out, "more", reply->more);
  append_changes (out, reply->changes);
  g_string_append_c (out, '}');
  return g_string_free (out, FALSE);
}

char *
kefu_sync_verify_reply_encode (const KefuSyncVerifyReply *reply)
{
  GString *out = g_string_new ("{");

  append_key_string (out, "epoch", reply->epoch);
  append_cursors (out, reply->cursors);
  append_key (out, "scopes");
  g_string_append_c (out, '[');
  for (guint i = 0; i < reply->scopes->len; i++)
    {
      KefuSyncScopeSum *sum = g_ptr_array_index (reply->scopes, i);

      if (i > 0)
        g_string_append_c (out, ',');
      g_string_append_c (out, '{');
      append_key_string (out, "scope", sum->scope);
      append_key_int (out, "count", sum->count);
      append_key_string (out, "checksum", sum->checksum);
      g_string_append_c (out, '}');
    }
  g_string_append (out, "]}");
  return g_string_free (out, FALSE);
}

char *
kefu_sync_error_encode (const char *code,
                        const char *message)
{
  GString *out = g_string_new ("{");

  append_key_string (out, "error", code);
  append_key_string (out, "message", message);
  g_string_append_c (out, '}');
  return g_string_free (out, FALSE);
}

char *
kefu_sync_fields_encode (JsonObject *fields)
{
  GString *out = g_string_new (NULL);

  append_fields (out, fields);
  return g_string_free (out, FALSE);
}

void
kefu_sync_append_json_string (GString    *out,
                              const char *text)
{
  append_string (out, text);
}

/* --- checksum ------------------------------------------------------------- */

void
kefu_sync_checksum_init (KefuSyncChecksum *checksum)
{
  memset (checksum, 0, sizeof *checksum);
}

void
kefu_sync_checksum_add (KefuSyncChecksum *checksum,
                        const char       *entity,
                        const char       *row_id,
                        gint64            version)
{
  g_autoptr(GChecksum) sha = g_checksum_new (G_CHECKSUM_SHA256);
  char text[40];
  guint8 digest[32];
  gsize len = sizeof digest;

  g_checksum_update (sha, (const guchar *) entity, -1);
  g_checksum_update (sha, (const guchar *) "\n", 1);
  g_checksum_update (sha, (const guchar *) row_id, -1);
  g_snprintf (text, sizeof text, "\n%" G_GINT64_FORMAT, version);
  g_checksum_update (sha, (const guchar *) text, -1);
  g_checksum_get_digest (sha, digest, &len);
  for (guint i = 0; i < sizeof digest; i++)
    checksum->sum[i] ^= digest[i];
  checksum->count++;
}

char *
kefu_sync_checksum_hex (const KefuSyncChecksum *checksum)
{
  char *hex = g_malloc (65);

  for (guint i = 0; i < 32; i++)
    g_snprintf (hex + 2 * i, 3, "%02x", checksum->sum[i]);
  return hex;
}
