/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "kefu-cases"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "kefu-cases-private.h"
#include "kefu-categories.h"
#include "kefu-claims.h"
#include "kefu-org.h"
#include "kefu-segments.h"
#include "kefu-sync-local.h"
#include "kefu-sync-private.h"
#include "kefu-text.h"
#include "kefu-tracking.h"
#include "kefu-uuid.h"

#define DAY_MS            G_GINT64_CONSTANT (86400000)
#define CLOCK_DATA_KEY    "kefu-cases-clock"
/* A case may be entered up to a year after it was received, and its
 * received time may be a few minutes ahead (clocks of two machines). */
#define MAX_BACKDATE_MS   (366 * DAY_MS)
#define MAX_AHEAD_MS      (G_GINT64_CONSTANT (5) * 60 * 1000)
#define MAX_SUBJECT_CHARS 200
#define MAX_TEXT_CHARS    20000
#define LOOKUP_MAX        10

G_DEFINE_BOXED_TYPE (KefuCase, kefu_case, kefu_case_copy, kefu_case_free)

/* --- keys and labels ------------------------------------------------- */

static const char *kind_keys[] = { "inquiry", "tracking", "complaint", "claim", "suggestion", "service", NULL };
static const char *channel_keys[] = { "phone", "counter", "online", "email", "letter", "social", NULL };
static const char *priority_keys[] = { "low", "normal", "high", "urgent", NULL };
static const char *status_keys[] = { "new", "assigned", "in_progress", "waiting", "resolved", "closed", NULL };
static const char *medium_keys[] = { "call", "sms", "visit", "email", "wechat", "letter", NULL };

const char **kefu_case_kind_keys (void) { return kind_keys; }
const char **kefu_case_channel_keys (void) { return channel_keys; }
const char **kefu_case_priority_keys (void) { return priority_keys; }
const char **kefu_case_status_keys (void) { return status_keys; }
const char **kefu_contact_medium_keys (void) { return medium_keys; }

gboolean
kefu_case_kind_is_valid (const char *kind)
{
  return kind != NULL && g_strv_contains (kind_keys, kind);
}

gboolean
kefu_case_channel_is_valid (const char *channel)
{
  return channel != NULL && g_strv_contains (channel_keys, channel);
}

gboolean
kefu_case_priority_is_valid (const char *priority)
{
  return priority != NULL && g_strv_contains (priority_keys, priority);
}

gboolean
kefu_case_status_is_valid (const char *status)
{
  return status != NULL && g_strv_contains (status_keys, status);
}

/* Open: the case still needs work (resolved and closed do not). */
gboolean
kefu_case_status_is_open (const char *status)
{
  return g_strcmp0 (status, "new") == 0 || g_strcmp0 (status, "assigned") == 0 ||
         g_strcmp0 (status, "in_progress") == 0 || g_strcmp0 (status, "waiting") == 0;
}

const char *
kefu_case_kind_label (const char *kind)
{
  if (g_strcmp0 (kind, "inquiry") == 0)
    return _("Inquiry");
  if (g_strcmp0 (kind, "tracking") == 0)
    return _("Tracking query");
  if (g_strcmp0 (kind, "complaint") == 0)
    return _("Complaint");
  if (g_strcmp0 (kind, "claim") == 0)
    return _("Compensation claim");
  if (g_strcmp0 (kind, "suggestion") == 0)
    return _("Suggestion");
  if (g_strcmp0 (kind, "service") == 0)
    return _("Service request");
  return kind;
}

const char *
kefu_case_channel_label (const char *channel)
{
  if (g_strcmp0 (channel, "phone") == 0)
    return _("Phone");
  if (g_strcmp0 (channel, "counter") == 0)
    return _("Counter");
  if (g_strcmp0 (channel, "online") == 0)
    return _("Online");
  if (g_strcmp0 (channel, "email") == 0)
    return _("E-mail");
  if (g_strcmp0 (channel, "letter") == 0)
    return _("Letter");
  if (g_strcmp0 (channel, "social") == 0)
    return _("Social messaging");
  return channel;
}

const char *
kefu_case_priority_label (const char *priority)
{
  if (g_strcmp0 (priority, "low") == 0)
    return _("Low");
  if (g_strcmp0 (priority, "normal") == 0)
    return _("Normal");
  if (g_strcmp0 (priority, "high") == 0)
    return _("High");
  if (g_strcmp0 (priority, "urgent") == 0)
    return _("Urgent");
  return priority;
}

const char *
kefu_case_status_label (const char *status)
{
  /* Not the "New" of customer segments (新客户). */
  if (g_strcmp0 (status, "new") == 0)
    return C_("case status", "New");
  if (g_strcmp0 (status, "assigned") == 0)
    return _("Assigned");
  if (g_strcmp0 (status, "in_progress") == 0)
    return _("In progress");
  if (g_strcmp0 (status, "waiting") == 0)
    return _("Waiting on customer");
  if (g_strcmp0 (status, "resolved") == 0)
    return _("Resolved");
  if (g_strcmp0 (status, "closed") == 0)
    return _("Closed");
  return status;
}

const char *
kefu_contact_medium_label (const char *medium)
{
  if (g_strcmp0 (medium, "call") == 0)
    return _("Phone call");
  if (g_strcmp0 (medium, "sms") == 0)
    return _("Text message");
  if (g_strcmp0 (medium, "visit") == 0)
    return _("Visit");
  if (g_strcmp0 (medium, "email") == 0)
    return _("E-mail");
  if (g_strcmp0 (medium, "wechat") == 0)
    return _("WeChat");
  if (g_strcmp0 (medium, "letter") == 0)
    return _("Letter");
  return medium;
}

/* --- small helpers --------------------------------------------------- */

static char *
strip_dup (const char *s)
{
  if (kefu_text_is_blank (s))
    return NULL;
  return g_strstrip (g_strdup (s));
}

static void
set_stripped (char       **field,
              const char  *value)
{
  char *tmp = strip_dup (value);

  g_free (*field);
  *field = tmp;
}

gboolean
_kefu_cases_require_text (const char  *text,
                          const char  *message,
                          GError     **error)
{
  if (kefu_text_is_blank (text))
    return kefu_error_invalid (error, message);
  return TRUE;
}

static char *
int_to_string (gint64 v)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT, v);
}

/* --- the clock ------------------------------------------------------- */

void
kefu_cases_set_clock (KefuDb *db,
                      gint64  now_ms)
{
  g_return_if_fail (KEFU_IS_DB (db));

  if (now_ms == 0)
    g_object_set_data (G_OBJECT (db), CLOCK_DATA_KEY, NULL);
  else
    g_object_set_data_full (G_OBJECT (db), CLOCK_DATA_KEY,
                            g_memdup2 (&now_ms, sizeof now_ms), g_free);
}

gint64
kefu_cases_get_now (KefuDb *db)
{
  gint64 *pinned = g_object_get_data (G_OBJECT (db), CLOCK_DATA_KEY);

  return pinned ? *pinned : g_get_real_time () / 1000;
}

/* --- plain data ------------------------------------------------------ */

KefuCase *
kefu_case_new (void)
{
  KefuCase *c = g_new0 (KefuCase, 1);

  c->priority = g_strdup ("normal");
  return c;
}

#define DUP(f) d->f = g_strdup (s->f)

KefuCase *
kefu_case_copy (const KefuCase *s)
{
  KefuCase *d = g_new0 (KefuCase, 1);

  /* Scalars first, then every string. */
  *d = *s;
  DUP (id); DUP (number); DUP (kind); DUP (category_id); DUP (channel); DUP (priority);
  DUP (status); DUP (customer_id); DUP (tracking_number); DUP (subject); DUP (description);
  DUP (resolution); DUP (branch_id); DUP (department_id); DUP (assignee_id); DUP (owner_id);
  DUP (sla_policy_id); DUP (decision); DUP (decision_note); DUP (decided_by);
  DUP (approval_status); DUP (approver_id); DUP (approval_note); DUP (payment_date);
  DUP (payment_ref); DUP (customer_name); DUP (customer_segment); DUP (branch_code);
  DUP (department_name); DUP (assignee_name); DUP (owner_name); DUP (category_name);
  DUP (decided_by_name); DUP (approver_name);
  return d;
}

#undef DUP

void
kefu_case_free (KefuCase *c)
{
  if (c == NULL)
    return;
  g_free (c->id); g_free (c->number); g_free (c->kind); g_free (c->category_id);
  g_free (c->channel); g_free (c->priority); g_free (c->status); g_free (c->customer_id);
  g_free (c->tracking_number); g_free (c->subject); g_free (c->description);
  g_free (c->resolution); g_free (c->branch_id); g_free (c->department_id);
  g_free (c->assignee_id); g_free (c->owner_id); g_free (c->sla_policy_id);
  g_free (c->decision); g_free (c->decision_note); g_free (c->decided_by);
  g_free (c->approval_status); g_free (c->approver_id); g_free (c->approval_note);
  g_free (c->payment_date); g_free (c->payment_ref); g_free (c->customer_name);
  g_free (c->customer_segment); g_free (c->branch_code); g_free (c->department_name);
  g_free (c->assignee_name); g_free (c->owner_name); g_free (c->category_name);
  g_free (c->decided_by_name); g_free (c->approver_name);
  g_free (c);
}

void
kefu_case_event_free (KefuCaseEvent *e)
{
  if (e == NULL)
    return;
  g_free (e->id); g_free (e->case_id); g_free (e->kind); g_free (e->actor_id);
  g_free (e->actor_name); g_free (e->field); g_free (e->old_value); g_free (e->new_value);
  g_free (e->old_label); g_free (e->new_label); g_free (e->body);
  g_free (e);
}

void
kefu_case_summary_clear (KefuCaseSummary *s)
{
  g_clear_pointer (&s->id, g_free);
  g_clear_pointer (&s->number, g_free);
  g_clear_pointer (&s->kind, g_free);
  g_clear_pointer (&s->status, g_free);
  g_clear_pointer (&s->priority, g_free);
  g_clear_pointer (&s->channel, g_free);
  g_clear_pointer (&s->subject, g_free);
  g_clear_pointer (&s->customer_id, g_free);
  g_clear_pointer (&s->customer_name, g_free);
  g_clear_pointer (&s->tracking_number, g_free);
  g_clear_pointer (&s->assignee_name, g_free);
  g_clear_pointer (&s->department_name, g_free);
  g_clear_pointer (&s->approval_status, g_free);
  g_clear_pointer (&s->follow_up_id, g_free);
  g_clear_pointer (&s->follow_up_kind, g_free);
}

void
kefu_case_summary_free (KefuCaseSummary *s)
{
  if (s == NULL)
    return;
  kefu_case_summary_clear (s);
  g_free (s);
}

void
kefu_case_summary_copy_into (const KefuCaseSummary *src,
                             KefuCaseSummary       *dest)
{
  *dest = *src;
  dest->id = g_strdup (src->id);
  dest->number = g_strdup (src->number);
  dest->kind = g_strdup (src->kind);
  dest->status = g_strdup (src->status);
  dest->priority = g_strdup (src->priority);
  dest->channel = g_strdup (src->channel);
  dest->subject = g_strdup (src->subject);
  dest->customer_id = g_strdup (src->customer_id);
  dest->customer_name = g_strdup (src->customer_name);
  dest->tracking_number = g_strdup (src->tracking_number);
  dest->assignee_name = g_strdup (src->assignee_name);
  dest->department_name = g_strdup (src->department_name);
  dest->approval_status = g_strdup (src->approval_status);
  dest->follow_up_id = g_strdup (src->follow_up_id);
  dest->follow_up_kind = g_strdup (src->follow_up_kind);
}

void
kefu_case_query_clear (KefuCaseQuery *q)
{
  g_clear_pointer (&q->staff_id, g_free);
  g_clear_pointer (&q->branch_id, g_free);
  g_clear_pointer (&q->kind, g_free);
  g_clear_pointer (&q->status, g_free);
  g_clear_pointer (&q->channel, g_free);
  g_clear_pointer (&q->category_id, g_free);
  g_clear_pointer (&q->assignee_id, g_free);
  g_clear_pointer (&q->customer_id, g_free);
  g_clear_pointer (&q->text, g_free);
  g_clear_pointer (&q->rowids, g_array_unref);
}

void
kefu_case_query_copy_into (const KefuCaseQuery *src,
                           KefuCaseQuery       *dest)
{
  *dest = *src;
  dest->staff_id = g_strdup (src->staff_id);
  dest->branch_id = g_strdup (src->branch_id);
  dest->kind = g_strdup (src->kind);
  dest->status = g_strdup (src->status);
  dest->channel = g_strdup (src->channel);
  dest->category_id = g_strdup (src->category_id);
  dest->assignee_id = g_strdup (src->assignee_id);
  dest->customer_id = g_strdup (src->customer_id);
  dest->text = g_strdup (src->text);
  dest->rowids = src->rowids ? g_array_ref (src->rowids) : NULL;
}

void
kefu_caller_match_free (KefuCallerMatch *m)
{
  if (m == NULL)
    return;
  kefu_customer_free (m->customer);
  g_free (m->matched_by);
  g_clear_pointer (&m->open_cases, g_ptr_array_unref);
  g_clear_pointer (&m->last_contacts, g_ptr_array_unref);
  g_free (m);
}

gint
kefu_case_days_open (const KefuCase *c,
                     gint64          now_ms)
{
  gint64 end = c->closed_at > 0 ? c->closed_at : now_ms;

  if (c->created_at <= 0 || end <= c->created_at)
    return 0;
  return (gint) ((end - c->created_at) / DAY_MS);
}

gint
kefu_case_days_idle (const KefuCase *c,
                     gint64          now_ms)
{
  gint64 last = c->last_action_at > 0 ? c->last_action_at : c->created_at;

  if (last <= 0 || now_ms <= last)
    return 0;
  return (gint) ((now_ms - last) / DAY_MS);
}

/* --- the case row ---------------------------------------------------- */

typedef enum
{
  F_TEXT,        /* NULL when blank */
  F_TEXT_NN,     /* '' when blank */
  F_INT,
  F_BOOL,
  F_TIME,        /* NULL when 0 */
  F_CLAIM,       /* NULL unless the case is a claim */
  F_CLAIM_BOOL,
  F_APPROVED,    /* NULL unless a decision is recorded */
} FieldType;

typedef struct
{
  const char *name;
  FieldType   type;
  gsize       offset;
} CaseField;

#define FIELD(name, type) { #name, type, G_STRUCT_OFFSET (KefuCase, name) }

/* Every stored column but id, number and created_at (which never change),
 * in the order of the INSERT. */
static const CaseField case_fields[] = {
  FIELD (kind, F_TEXT),
  FIELD (category_id, F_TEXT),
  FIELD (channel, F_TEXT),
  FIELD (priority, F_TEXT),
  FIELD (status, F_TEXT),
  FIELD (customer_id, F_TEXT),
  FIELD (tracking_number, F_TEXT),
  FIELD (subject, F_TEXT_NN),
  FIELD (description, F_TEXT_NN),
  FIELD (resolution, F_TEXT),
  FIELD (branch_id, F_TEXT),
  FIELD (department_id, F_TEXT),
  FIELD (assignee_id, F_TEXT),
  FIELD (owner_id, F_TEXT),
  FIELD (sla_policy_id, F_TEXT),
  FIELD (first_response_due, F_TIME),
  FIELD (resolution_due, F_TIME),
  FIELD (first_response_at, F_TIME),
  FIELD (resolved_at, F_TIME),
  FIELD (closed_at, F_TIME),
  FIELD (paused_at, F_TIME),
  FIELD (paused_total, F_INT),
  FIELD (warned, F_BOOL),
  FIELD (escalated, F_BOOL),
  FIELD (last_action_at, F_TIME),
  FIELD (next_due, F_TIME),
  FIELD (claim_amount_cents, F_CLAIM),
  FIELD (declared_value_cents, F_CLAIM),
  FIELD (insured, F_CLAIM_BOOL),
  FIELD (decision, F_TEXT),
  FIELD (approved_amount_cents, F_APPROVED),
  FIELD (decision_note, F_TEXT),
  FIELD (decided_by, F_TEXT),
  FIELD (decided_at, F_TIME),
  FIELD (approval_status, F_TEXT),
  FIELD (approver_id, F_TEXT),
  FIELD (approved_at, F_TIME),
  FIELD (approval_note, F_TEXT),
  FIELD (payment_date, F_TEXT),
  FIELD (payment_ref, F_TEXT),
};

#undef FIELD

typedef struct
{
  gboolean    is_null;
  gboolean    is_text;
  const char *text;
  gint64      number;
} FieldValue;

static FieldValue
field_value (const KefuCase  *c,
             const CaseField *f)
{
  FieldValue v = { 0 };
  const guint8 *base = (const guint8 *) c;
  gboolean claim = g_strcmp0 (c->kind, "claim") == 0;

  switch (f->type)
    {
    case F_TEXT:
      v.is_text = TRUE;
      v.text = *(char * const *) (base + f->offset);
      v.is_null = kefu_text_is_blank (v.text);
      if (v.is_null)
        v.text = NULL;
      break;
    case F_TEXT_NN:
      v.is_text = TRUE;
      v.text = *(char * const *) (base + f->offset);
      if (v.text == NULL)
        v.text = "";
      break;
    case F_INT:
      v.number = *(const gint64 *) (base + f->offset);
      break;
    case F_BOOL:
      v.number = *(const gboolean *) (base + f->offset) ? 1 : 0;
      break;
    case F_TIME:
      v.number = *(const gint64 *) (base + f->offset);
      v.is_null = v.number == 0;
      break;
    case F_CLAIM:
      v.number = *(const gint64 *) (base + f->offset);
      v.is_null = !claim;
      break;
    case F_CLAIM_BOOL:
      v.number = *(const gboolean *) (base + f->offset) ? 1 : 0;
      v.is_null = !claim;
      break;
    case F_APPROVED:
      v.number = *(const gint64 *) (base + f->offset);
      v.is_null = c->decision == NULL;
      break;
    default:
      g_assert_not_reached ();
    }
  return v;
}

static gboolean
field_values_equal (const FieldValue *a,
                    const FieldValue *b)
{
  if (a->is_null || b->is_null)
    return a->is_null == b->is_null;
  if (a->is_text)
    return g_strcmp0 (a->text, b->text) == 0;
  return a->number == b->number;
}

static void
bind_value (sqlite3_stmt     *stmt,
            int               idx,
            const FieldValue *v)
{
  if (v->is_null)
    sqlite3_bind_null (stmt, idx);
  else if (v->is_text)
    sqlite3_bind_text (stmt, idx, v->text, -1, SQLITE_STATIC);
  else
    sqlite3_bind_int64 (stmt, idx, v->number);
}

static void
record_value (KefuChangeSet    *cs,
              const char       *name,
              const FieldValue *old,
              const FieldValue *v)
{
  if (v->is_text || (old && old->is_text))
    {
      kefu_change_set_text (cs, name, old && !old->is_null ? old->text : NULL, v->is_null ? NULL : v->text);
      return;
    }
  if (v->is_null)
    {
      g_autofree char *o = old && !old->is_null ? int_to_string (old->number) : NULL;

      kefu_change_set_text (cs, name, o, NULL);
      return;
    }
  kefu_change_set_int (cs, name, old && !old->is_null, old && !old->is_null ? old->number : 0, v->number);
}

char *
_kefu_cases_tokens (const KefuCase *c)
{
  GString *out = g_string_new (NULL);

  kefu_search_tokens_append (out, c->subject);
  kefu_search_tokens_append (out, c->description);
  kefu_search_tokens_append (out, c->tracking_number);
  kefu_search_tokens_append (out, c->number);
  kefu_search_tokens_append (out, c->customer_name);
  return g_string_free (out, FALSE);
}

static gboolean
fts_write (KefuDb          *db,
           gint64           rowid,
           const KefuCase  *old,
           const KefuCase  *c,
           GError         **error)
{
  sqlite3_stmt *stmt;

  if (old != NULL)
    {
      g_autofree char *tokens = _kefu_cases_tokens (old);

      stmt = kefu_db_prepare (db, "INSERT INTO kcase_fts (kcase_fts, rowid, tokens) VALUES ('delete', ?, ?)", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, rowid);
      sqlite3_bind_text (stmt, 2, tokens, -1, SQLITE_TRANSIENT);
      if (!kefu_db_step_done (db, stmt, error))
        return FALSE;
    }
  if (c != NULL)
    {
      g_autofree char *tokens = _kefu_cases_tokens (c);

      stmt = kefu_db_prepare (db, "INSERT INTO kcase_fts (rowid, tokens) VALUES (?, ?)", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, rowid);
      sqlite3_bind_text (stmt, 2, tokens, -1, SQLITE_TRANSIENT);
      if (!kefu_db_step_done (db, stmt, error))
        return FALSE;
    }
  return TRUE;
}

static const char *
insert_sql (void)
{
  static gsize initialized;
  static char *sql;

  if (g_once_init_enter (&initialized))
    {
      GString *s = g_string_new ("INSERT INTO kcase (id, number, created_at, hlc, updated_by, updated_at");
      GString *v = g_string_new (" VALUES (?, ?, ?, ?, ?, ?");

      for (guint i = 0; i < G_N_ELEMENTS (case_fields); i++)
        {
          g_string_append_printf (s, ", %s", case_fields[i].name);
          g_string_append (v, ", ?");
        }
      g_string_append (s, ")");
      g_string_append (v, ")");
      g_string_append (s, v->str);
      g_string_free (v, TRUE);
      sql = g_string_free (s, FALSE);
      g_once_init_leave (&initialized, 1);
    }
  return sql;
}

gboolean
_kefu_cases_insert_row (KefuDb    *db,
                        KefuCase  *c,
                        gboolean   record,
                        GError   **error)
{
  g_autoptr(KefuChangeSet) cs = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_assert (c->id != NULL && c->number != NULL);

  if (record)
    {
      cs = kefu_change_set_new ("kcase", c->id, KEFU_CHANGE_INSERT, 0);
      kefu_change_set_text (cs, "number", NULL, c->number);
      kefu_change_set_int (cs, "created_at", FALSE, 0, c->created_at);
    }

  stmt = kefu_db_prepare (db, insert_sql (), error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, c->id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, c->number, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, c->created_at);
  sqlite3_bind_text (stmt, 4, record ? kefu_change_set_stamp (cs, db) : "", -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, kefu_db_get_actor (db), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 6, record ? g_get_real_time () / 1000 : c->created_at);
  for (guint i = 0; i < G_N_ELEMENTS (case_fields); i++)
    {
      FieldValue v = field_value (c, &case_fields[i]);

      bind_value (stmt, 7 + i, &v);
      if (record && !v.is_null)
        record_value (cs, case_fields[i].name, NULL, &v);
    }
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      int code = sqlite3_extended_errcode (kefu_db_get_handle (db));

      if (code == SQLITE_CONSTRAINT_UNIQUE)
        g_set_error (error, KEFU_ERROR, KEFU_ERROR_CONFLICT,
                     _("The case number %s is already in use."), c->number);
      else if (code == SQLITE_CONSTRAINT_FOREIGNKEY)
        g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID,
                     _("The customer, branch, department, staff member or category of this case does not exist."));
      else
        kefu_db_set_error (db, error);
      return FALSE;
    }
  c->rowid = sqlite3_last_insert_rowid (kefu_db_get_handle (db));
  c->version = 1;
  if (record && !kefu_db_record_change (db, cs, error))
    return FALSE;
  return fts_write (db, c->rowid, NULL, c, error);
}

gboolean
_kefu_cases_write (KefuDb          *db,
                   const KefuCase  *old,
                   KefuCase        *c,
                   GError         **error)
{
  g_autoptr(KefuChangeSet) cs = kefu_change_set_new ("kcase", old->id, KEFU_CHANGE_UPDATE, old->version);
  g_autoptr(GString) sql = g_string_new ("UPDATE kcase SET ");
  g_autoptr(GArray) changed = g_array_new (FALSE, FALSE, sizeof (guint));
  gboolean reindex = FALSE;
  sqlite3_stmt *stmt;
  int idx = 1;

  for (guint i = 0; i < G_N_ELEMENTS (case_fields); i++)
    {
      FieldValue o = field_value (old, &case_fields[i]);
      FieldValue v = field_value (c, &case_fields[i]);

      if (field_values_equal (&o, &v))
        continue;
      g_array_append_val (changed, i);
      g_string_append_printf (sql, "%s = ?, ", case_fields[i].name);
      record_value (cs, case_fields[i].name, &o, &v);
      if (g_str_equal (case_fields[i].name, "subject") || g_str_equal (case_fields[i].name, "description") ||
          g_str_equal (case_fields[i].name, "tracking_number"))
        reindex = TRUE;
    }
  if (changed->len == 0)
    return TRUE;

  g_string_append (sql, "version = version + 1, hlc = ?, updated_by = ?, updated_at = ? WHERE id = ? AND version = ?");
  stmt = kefu_db_prepare (db, sql->str, error);
  if (stmt == NULL)
    return FALSE;
  for (guint i = 0; i < changed->len; i++)
    {
      FieldValue v = field_value (c, &case_fields[g_array_index (changed, guint, i)]);

      bind_value (stmt, idx++, &v);
    }
  kefu_db_bind_stamp (db, stmt, idx, cs, g_get_real_time () / 1000);
  idx += 3;
  sqlite3_bind_text (stmt, idx++, old->id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, idx++, old->version);
  if (!kefu_db_step_versioned (db, stmt, cs, error,
                               _("Someone else changed case %s in the meantime. Reopen it to see their changes."),
                               old->number))
    return FALSE;
  c->version = old->version + 1;
  if (reindex && !fts_write (db, old->rowid, old, c, error))
    return FALSE;
  return TRUE;
}

#define CASE_COLUMNS \
  "k.rowid, k.id, k.version, k.number, k.kind, k.category_id, k.channel, k.priority, k.status," \
  " k.customer_id, k.tracking_number, k.subject, k.description, k.resolution, k.branch_id," \
  " k.department_id, k.assignee_id, k.owner_id, k.sla_policy_id, k.created_at," \
  " k.first_response_due, k.resolution_due, k.first_response_at, k.resolved_at, k.closed_at," \
  " k.paused_at, k.paused_total, k.warned, k.escalated, k.last_action_at, k.next_due," \
  " k.claim_amount_cents, k.declared_value_cents, k.insured, k.decision, k.approved_amount_cents," \
  " k.decision_note, k.decided_by, k.decided_at, k.approval_status, k.approver_id, k.approved_at," \
  " k.approval_note, k.payment_date, k.payment_ref, cu.name, cu.segment, o.code, d.name, sa.name," \
  " so.name, cat.name, sd.name, sp.name, k.deleted, cat.code, cat.scope"

#define CASE_JOINS \
  " LEFT JOIN customer cu ON cu.id = k.customer_id" \
  " LEFT JOIN org_unit o ON o.id = k.branch_id" \
  " LEFT JOIN department d ON d.id = k.department_id" \
  " LEFT JOIN staff sa ON sa.id = k.assignee_id" \
  " LEFT JOIN staff so ON so.id = k.owner_id" \
  " LEFT JOIN category cat ON cat.id = k.category_id" \
  " LEFT JOIN staff sd ON sd.id = k.decided_by" \
  " LEFT JOIN staff sp ON sp.id = k.approver_id"

static KefuCase *
case_from_row (sqlite3_stmt *stmt)
{
  KefuCase *c = g_new0 (KefuCase, 1);

  c->rowid = sqlite3_column_int64 (stmt, 0);
  c->id = kefu_stmt_dup (stmt, 1);
  c->version = sqlite3_column_int64 (stmt, 2);
  c->number = kefu_stmt_dup (stmt, 3);
  c->kind = kefu_stmt_dup (stmt, 4);
  c->category_id = kefu_stmt_dup (stmt, 5);
  c->channel = kefu_stmt_dup (stmt, 6);
  c->priority = kefu_stmt_dup (stmt, 7);
  c->status = kefu_stmt_dup (stmt, 8);
  c->customer_id = kefu_stmt_dup (stmt, 9);
  c->tracking_number = kefu_stmt_dup (stmt, 10);
  c->subject = kefu_stmt_dup (stmt, 11);
  c->description = kefu_stmt_dup (stmt, 12);
  c->resolution = kefu_stmt_dup (stmt, 13);
  c->branch_id = kefu_stmt_dup (stmt, 14);
  c->department_id = kefu_stmt_dup (stmt, 15);
  c->assignee_id = kefu_stmt_dup (stmt, 16);
  c->owner_id = kefu_stmt_dup (stmt, 17);
  c->sla_policy_id = kefu_stmt_dup (stmt, 18);
  c->created_at = sqlite3_column_int64 (stmt, 19);
  c->first_response_due = sqlite3_column_int64 (stmt, 20);
  c->resolution_due = sqlite3_column_int64 (stmt, 21);
  c->first_response_at = sqlite3_column_int64 (stmt, 22);
  c->resolved_at = sqlite3_column_int64 (stmt, 23);
  c->closed_at = sqlite3_column_int64 (stmt, 24);
  c->paused_at = sqlite3_column_int64 (stmt, 25);
  c->paused_total = sqlite3_column_int64 (stmt, 26);
  c->warned = sqlite3_column_int (stmt, 27) != 0;
  c->escalated = sqlite3_column_int (stmt, 28) != 0;
  c->last_action_at = sqlite3_column_int64 (stmt, 29);
  c->next_due = sqlite3_column_int64 (stmt, 30);
  c->claim_amount_cents = sqlite3_column_int64 (stmt, 31);
  c->declared_value_cents = sqlite3_column_int64 (stmt, 32);
  c->insured = sqlite3_column_int (stmt, 33) != 0;
  c->decision = kefu_stmt_dup (stmt, 34);
  c->approved_amount_cents = sqlite3_column_int64 (stmt, 35);
  c->decision_note = kefu_stmt_dup (stmt, 36);
  c->decided_by = kefu_stmt_dup (stmt, 37);
  c->decided_at = sqlite3_column_int64 (stmt, 38);
  c->approval_status = kefu_stmt_dup (stmt, 39);
  c->approver_id = kefu_stmt_dup (stmt, 40);
  c->approved_at = sqlite3_column_int64 (stmt, 41);
  c->approval_note = kefu_stmt_dup (stmt, 42);
  c->payment_date = kefu_stmt_dup (stmt, 43);
  c->payment_ref = kefu_stmt_dup (stmt, 44);
  c->customer_name = kefu_stmt_dup (stmt, 45);
  c->customer_segment = kefu_stmt_dup (stmt, 46);
  c->branch_code = kefu_stmt_dup (stmt, 47);
  c->department_name = kefu_stmt_dup (stmt, 48);
  c->assignee_name = kefu_stmt_dup (stmt, 49);
  c->owner_name = kefu_stmt_dup (stmt, 50);
  c->category_name = kefu_stmt_dup (stmt, 51);
  if (c->category_name != NULL)
    {
      /* The shipped categories are shown translated. */
      KefuCategory cat = { 0 };
      g_autofree char *label = NULL;

      cat.name = c->category_name;
      cat.code = (char *) kefu_stmt_text (stmt, 55);
      cat.scope = (char *) kefu_stmt_text (stmt, 56);
      label = g_strdup (kefu_category_label (&cat));
      kefu_set_str (&c->category_name, label);
    }
  c->decided_by_name = kefu_stmt_dup (stmt, 52);
  c->approver_name = kefu_stmt_dup (stmt, 53);
  return c;
}

static KefuCase *
load_case (KefuDb      *db,
           const char  *sql,
           const char  *key,
           GError     **error)
{
  sqlite3_stmt *stmt = kefu_db_prepare (db, sql, error);
  KefuCase *c = NULL;
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW && sqlite3_column_int (stmt, 54) == 0)
    c = case_from_row (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      kefu_db_set_error (db, error);
      return NULL;
    }
  if (c == NULL)
    g_set_error (error, KEFU_ERROR, KEFU_ERROR_NOT_FOUND,
                 _("This case does not exist or has been deleted."));
  return c;
}

KefuCase *
_kefu_cases_load (KefuDb      *db,
                  const char  *id,
                  GError     **error)
{
  if (id == NULL)
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_NOT_FOUND,
                   _("This case does not exist or has been deleted."));
      return NULL;
    }
  return load_case (db, "SELECT " CASE_COLUMNS " FROM kcase k" CASE_JOINS " WHERE k.id = ?", id, error);
}

/* --- events ---------------------------------------------------------- */

gboolean
_kefu_cases_insert_event (KefuDb      *db,
                          const char  *case_id,
                          const char  *kind,
                          const char  *actor_id,
                          gint64       at,
                          const char  *field,
                          const char  *old_value,
                          const char  *new_value,
                          const char  *body,
                          gboolean     record,
                          GError     **error)
{
  g_autoptr(KefuChangeSet) cs = NULL;
  g_autofree char *id = kefu_uuid7_new_at (at);
  sqlite3_stmt *stmt;

  if (record)
    {
      cs = kefu_change_set_new ("case_event", id, KEFU_CHANGE_INSERT, 0);
      kefu_change_set_text (cs, "case_id", NULL, case_id);
      kefu_change_set_text (cs, "kind", NULL, kind);
      kefu_change_set_text (cs, "actor_id", NULL, actor_id);
      kefu_change_set_int (cs, "at", FALSE, 0, at);
      if (field)
        kefu_change_set_text (cs, "field", NULL, field);
      if (old_value)
        kefu_change_set_text (cs, "old_value", NULL, old_value);
      if (new_value)
        kefu_change_set_text (cs, "new_value", NULL, new_value);
      if (body)
        kefu_change_set_text (cs, "body", NULL, body);
    }

  stmt = kefu_db_prepare (db,
                          "INSERT INTO case_event (id, hlc, updated_by, updated_at, case_id, kind, actor_id, at,"
                          " field, old_value, new_value, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, record ? kefu_change_set_stamp (cs, db) : "", -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, actor_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, record ? g_get_real_time () / 1000 : at);
  sqlite3_bind_text (stmt, 5, case_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, kind, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, actor_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 8, at);
  sqlite3_bind_text (stmt, 9, field, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 10, old_value, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 11, new_value, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 12, body, -1, SQLITE_STATIC);
  if (!kefu_db_step_done (db, stmt, error))
    return FALSE;
  return !record || kefu_db_record_change (db, cs, error);
}

gboolean
_kefu_cases_add_event (KefuDb      *db,
                       KefuCase    *c,
                       const char  *kind,
                       const char  *field,
                       const char  *old_value,
                       const char  *new_value,
                       const char  *body,
                       GError     **error)
{
  gint64 now = kefu_cases_get_now (db);
  g_autofree char *clean = strip_dup (body);

  if (!_kefu_cases_insert_event (db, c->id, kind, kefu_db_get_actor (db), now,
                                 field, old_value, new_value, clean, TRUE, error))
    return FALSE;
  c->last_action_at = now;
  return TRUE;
}

static gboolean
add_time_event (KefuDb      *db,
                KefuCase    *c,
                const char  *kind,
                const char  *field,
                gint64       old_value,
                gint64       new_value,
                const char  *body,
                GError     **error)
{
  g_autofree char *o = old_value ? int_to_string (old_value) : NULL;
  g_autofree char *n = new_value ? int_to_string (new_value) : NULL;

  return _kefu_cases_add_event (db, c, kind, field, o, n, body, error);
}

/* The nearest running deadline: none while the clock is paused or once
 * the case is resolved. */
void
_kefu_cases_update_next_due (KefuCase *c)
{
  gint64 due = 0;

  if (g_strcmp0 (c->status, "new") == 0 || g_strcmp0 (c->status, "assigned") == 0 ||
      g_strcmp0 (c->status, "in_progress") == 0)
    {
      due = c->resolution_due;
      if (c->first_response_at == 0 && c->first_response_due != 0 &&
          (due == 0 || c->first_response_due < due))
        due = c->first_response_due;
    }
  c->next_due = due;
}

gboolean
_kefu_cases_run (KefuDb          *db,
                 const char      *case_id,
                 KefuCaseAction   action,
                 gpointer         data,
                 GError         **error)
{
  g_autoptr(KefuCase) old = NULL;
  g_autoptr(KefuCase) c = NULL;

  g_return_val_if_fail (KEFU_IS_DB (db), FALSE);

  if (!kefu_db_begin (db, error))
    return FALSE;
  if ((old = _kefu_cases_load (db, case_id, error)) == NULL)
    goto fail;
  c = kefu_case_copy (old);
  if (!action (db, c, data, error))
    goto fail;
  _kefu_cases_update_next_due (c);
  if (!_kefu_cases_write (db, old, c, error))
    goto fail;
  return kefu_db_commit (db, error);

fail:
  kefu_db_rollback (db);
  return FALSE;
}

/* --- customers, numbers, staff --------------------------------------- */

gboolean
_kefu_cases_customer_activity (KefuDb      *db,
                               const char  *customer_id,
                               gint64       at,
                               gint64       add_complaints,
                               gint64       min_complaints,
                               GPtrArray   *rules,
                               GError     **error)
{
  g_autoptr(KefuCustomer) old = NULL;
  g_autoptr(KefuCustomer) c = NULL;
  g_autoptr(KefuChangeSet) cs = NULL;
  g_autoptr(GPtrArray) own_rules = NULL;
  sqlite3_stmt *stmt;

  if ((old = kefu_customers_get (db, customer_id, error)) == NULL)
    return FALSE;
  c = kefu_customer_copy (old);
  if (at > c->last_contact_at)
    c->last_contact_at = at;
  c->complaints_12m = MAX (c->complaints_12m + add_complaints, min_complaints);
  if (!c->segment_manual)
    {
      g_autofree char *reason = NULL;
      const char *segment;

      if (rules == NULL)
        {
          if ((own_rules = kefu_segment_rules_list (db, error)) == NULL)
            return FALSE;
          rules = own_rules;
        }
      segment = kefu_segment_evaluate (rules, c, kefu_cases_get_now (db), &reason);
      kefu_set_str (&c->segment, segment);
      g_free (c->segment_reason);
      c->segment_reason = g_steal_pointer (&reason);
    }

  cs = kefu_change_set_new ("customer", c->id, KEFU_CHANGE_UPDATE, old->version);
  kefu_change_set_int (cs, "last_contact_at", old->last_contact_at != 0, old->last_contact_at, c->last_contact_at);
  kefu_change_set_int (cs, "complaints_12m", TRUE, old->complaints_12m, c->complaints_12m);
  kefu_change_set_text (cs, "segment", old->segment, c->segment);
  kefu_change_set_text (cs, "segment_reason", old->segment_reason, c->segment_reason);
  if (kefu_change_set_is_empty (cs))
    return TRUE;

  stmt = kefu_db_prepare (db,
                          "UPDATE customer SET last_contact_at = ?, complaints_12m = ?, segment = ?, segment_reason = ?,"
                          " version = version + 1, hlc = ?, updated_by = ?, updated_at = ? WHERE id = ? AND version = ?",
                          error);
  if (stmt == NULL)
    return FALSE;
  if (c->last_contact_at > 0)
    sqlite3_bind_int64 (stmt, 1, c->last_contact_at);
  else
    sqlite3_bind_null (stmt, 1);
  sqlite3_bind_int64 (stmt, 2, c->complaints_12m);
  sqlite3_bind_text (stmt, 3, c->segment, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, c->segment_reason, -1, SQLITE_STATIC);
  kefu_db_bind_stamp (db, stmt, 5, cs, g_get_real_time () / 1000);
  sqlite3_bind_text (stmt, 8, c->id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 9, old->version);
  return kefu_db_step_versioned (db, stmt, cs, error,
                                 _("Someone else changed this customer file in the meantime. Reopen it to see their changes."));
}

gboolean
_kefu_cases_touch_customer (KefuDb      *db,
                            const char  *customer_id,
                            gint64       at,
                            gboolean     new_complaint,
                            GError     **error)
{
  return _kefu_cases_customer_activity (db, customer_id, at, new_complaint ? 1 : 0, 0, NULL, error);
}

char *
_kefu_cases_next_number (KefuDb      *db,
                         const char  *branch_code,
                         gint64       at,
                         GError     **error)
{
  g_autofree char *date = kefu_local_date_string (at);
  g_autofree char *day = g_strdup_printf ("%.4s%.2s%.2s", date, date + 5, date + 8);
  g_autofree char *device_code = NULL;
  sqlite3_stmt *stmt;
  gint64 seq = 0;
  int rc;

  stmt = kefu_db_prepare (db,
                          "INSERT INTO case_sequence (branch_code, day, next) VALUES (?, ?, 2)"
                          " ON CONFLICT (branch_code, day) DO UPDATE SET next = next + 1"
                          " RETURNING next - 1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, branch_code, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, day, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    seq = sqlite3_column_int64 (stmt, 0);
  /* Step to the end so the statement completes. */
  while (rc == SQLITE_ROW)
    rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE || seq <= 0)
    {
      kefu_db_set_error (db, error);
      return NULL;
    }
  /* A device that syncs puts its device code (a letter and three base-32
   * digits) between the date and the sequence, so that devices of one
   * branch never issue the same number offline. */
  device_code = kefu_sync_local_get (db, "device_code");
  if (device_code != NULL)
    return g_strdup_printf ("%s%s%s%04" G_GINT64_FORMAT, branch_code, day, device_code, seq);
  return g_strdup_printf ("%s%s%04" G_GINT64_FORMAT, branch_code, day, seq);
}

GPtrArray *
_kefu_cases_supervisors (KefuDb      *db,
                         const char  *branch_id,
                         gint64       min_limit_cents,
                         GError     **error)
{
  g_autoptr(GPtrArray) ret = g_ptr_array_new_with_free_func (g_free);
  /* Supervisors of the branch, then its administrators, then anyone with
   * the authority in the database (a city or province supervisor). */
  static const char *sql[] = {
    "SELECT id FROM staff WHERE deleted = 0 AND active = 1 AND org_unit_id = ?1 AND role = 'supervisor'"
    " AND auth_limit_cents >= ?2 ORDER BY name, id",
    "SELECT id FROM staff WHERE deleted = 0 AND active = 1 AND org_unit_id = ?1 AND role = 'admin'"
    " AND auth_limit_cents >= ?2 ORDER BY name, id",
    "SELECT id FROM staff WHERE deleted = 0 AND active = 1 AND role IN ('supervisor','admin')"
    " AND auth_limit_cents >= ?2 ORDER BY role = 'admin', auth_limit_cents, name, id LIMIT 5",
  };

  for (guint i = 0; i < G_N_ELEMENTS (sql) && ret->len == 0; i++)
    {
      sqlite3_stmt *stmt = kefu_db_prepare (db, sql[i], error);

      if (stmt == NULL)
        return NULL;
      sqlite3_bind_text (stmt, 1, branch_id, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 2, MAX (min_limit_cents, 0));
      if (!kefu_db_read_rows (db, stmt, kefu_row_dup_text, ret, error))
        return NULL;
    }
  return g_steal_pointer (&ret);
}

typedef struct
{
  gboolean  exists;
  char     *role;
  char     *org_unit_id;
  char     *department_id;
  char     *name;
  gint64    auth_limit_cents;
  gboolean  active;
} StaffInfo;

static void
staff_info_clear (StaffInfo *s)
{
  g_clear_pointer (&s->role, g_free);
  g_clear_pointer (&s->org_unit_id, g_free);
  g_clear_pointer (&s->department_id, g_free);
  g_clear_pointer (&s->name, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (StaffInfo, staff_info_clear)

static gboolean
read_staff (KefuDb      *db,
            const char  *id,
            StaffInfo   *out,
            GError     **error)
{
  sqlite3_stmt *stmt = kefu_db_prepare (db,
                                        "SELECT role, org_unit_id, department_id, name, auth_limit_cents, active"
                                        " FROM staff WHERE id = ? AND deleted = 0", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      out->exists = TRUE;
      out->role = kefu_stmt_dup (stmt, 0);
      out->org_unit_id = kefu_stmt_dup (stmt, 1);
      out->department_id = kefu_stmt_dup (stmt, 2);
      out->name = kefu_stmt_dup (stmt, 3);
      out->auth_limit_cents = sqlite3_column_int64 (stmt, 4);
      out->active = sqlite3_column_int (stmt, 5) != 0;
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return kefu_db_set_error (db, error);
  return TRUE;
}

static gboolean
row_exists (KefuDb      *db,
            const char  *sql,
            const char  *id,
            gboolean    *exists,
            GError     **error)
{
  sqlite3_stmt *stmt = kefu_db_prepare (db, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return kefu_db_set_error (db, error);
  *exists = rc == SQLITE_ROW;
  return TRUE;
}

/* The assignee must be an active staff member, the department must exist. */
static gboolean
check_routing (KefuDb      *db,
               const char  *department_id,
               const char  *assignee_id,
               GError     **error)
{
  if (assignee_id != NULL)
    {
      g_auto(StaffInfo) s = { 0 };

      if (!read_staff (db, assignee_id, &s, error))
        return FALSE;
      if (!s.exists)
        return kefu_error_invalid (error, _("The person this case should go to does not exist."));
      if (!s.active)
        {
          g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID,
                       _("%s no longer works here; choose someone else."), s.name);
          return FALSE;
        }
    }
  if (department_id != NULL)
    {
      gboolean exists = FALSE;

      if (!row_exists (db, "SELECT 1 FROM department WHERE id = ? AND deleted = 0", department_id, &exists, error))
        return FALSE;
      if (!exists)
        return kefu_error_invalid (error, _("The department this case should go to does not exist."));
    }
  return TRUE;
}

/* --- transitions ----------------------------------------------------- */

/**
 * kefu_case_check_transition:
 *
 * The lifecycle: new → assigned → in progress ⇄ waiting on the customer
 * → resolved → closed; a resolved or closed case can be reopened (back to
 * in progress); a case in hand can be transferred (back to assigned).
 */
gboolean
kefu_case_check_transition (const char  *from,
                            const char  *to,
                            GError     **error)
{
  if (!kefu_case_status_is_valid (from) || !kefu_case_status_is_valid (to))
    return kefu_error_invalid (error, _("Unknown case status."));
  if (g_str_equal (from, to))
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID,
                   _("The case is already “%s”."), kefu_case_status_label (to));
      return FALSE;
    }
  if (g_str_equal (to, "new"))
    return kefu_error_invalid (error, _("A case cannot go back to new; transfer it to someone instead."));
  if (g_str_equal (to, "closed") && !g_str_equal (from, "resolved"))
    return kefu_error_invalid (error, _("Nothing can be closed without a resolution: resolve the case first."));

  if (g_str_equal (from, "new"))
    {
      if (g_str_equal (to, "waiting"))
        return kefu_error_invalid (error, _("A new case must be assigned or taken before it can wait on the customer."));
      if (g_str_equal (to, "resolved"))
        return kefu_error_invalid (error, _("A new case must be assigned or taken before it can be resolved."));
      return TRUE;   /* assigned, in_progress */
    }
  if (g_str_equal (from, "resolved"))
    {
      if (g_str_equal (to, "closed") || g_str_equal (to, "in_progress"))
        return TRUE;
      return kefu_error_invalid (error, _("The case has been resolved: reopen it first."));
    }
  if (g_str_equal (from, "closed"))
    {
      if (g_str_equal (to, "in_progress"))
        return TRUE;
      return kefu_error_invalid (error, _("The case has been closed: reopen it first."));
    }
  /* assigned, in_progress, waiting: anything open, or resolved. */
  return TRUE;
}

static gboolean
resume_clock (KefuDb    *db,
              KefuCase  *c,
              gint64     now,
              GError   **error)
{
  KefuCalendar *cal = kefu_calendar_get_for_db (db, error);
  gint64 paused;
  g_autofree char *why = NULL;

  if (cal == NULL)
    return FALSE;
  paused = kefu_calendar_minutes_between (cal, c->paused_at, now);
  c->paused_at = 0;
  if (paused <= 0)
    return TRUE;

  c->paused_total += paused;
  why = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                      "The clock stood still for %d business minute while waiting on the customer.",
                                      "The clock stood still for %d business minutes while waiting on the customer.",
                                      (gulong) paused),
                         (int) MIN (paused, G_MAXINT));
  if (c->first_response_at == 0 && c->first_response_due != 0)
    {
      gint64 due = kefu_calendar_add_minutes (cal, c->first_response_due, paused);

      if (!add_time_event (db, c, "deadline", "first_response_due", c->first_response_due, due, why, error))
        return FALSE;
      c->first_response_due = due;
    }
  if (c->resolved_at == 0 && c->resolution_due != 0)
    {
      gint64 due = kefu_calendar_add_minutes (cal, c->resolution_due, paused);

      if (!add_time_event (db, c, "deadline", "resolution_due", c->resolution_due, due, why, error))
        return FALSE;
      c->resolution_due = due;
    }
  return TRUE;
}

static gboolean
change_status (KefuDb      *db,
               KefuCase    *c,
               const char  *to,
               const char  *note,
               GError     **error)
{
  gint64 now = kefu_cases_get_now (db);
  g_autofree char *from = g_strdup (c->status);

  if (!kefu_case_check_transition (from, to, error))
    return FALSE;

  /* Leaving "waiting": the clock runs again, and the deadlines move by
   * the business time spent waiting. */
  if (g_str_equal (from, "waiting") && c->paused_at != 0 && !resume_clock (db, c, now, error))
    return FALSE;
  if (g_str_equal (to, "waiting"))
    c->paused_at = now;
  if (g_str_equal (to, "resolved"))
    c->resolved_at = now;
  if (g_str_equal (to, "closed"))
    c->closed_at = now;
  if (g_str_equal (to, "in_progress") && (g_str_equal (from, "resolved") || g_str_equal (from, "closed")))
    {
      c->resolved_at = 0;
      c->closed_at = 0;
    }
  kefu_set_str (&c->status, to);
  return _kefu_cases_add_event (db, c, "status", "status", from, to, note, error);
}

/* --- create ---------------------------------------------------------- */

static gboolean
validate_new_case (KefuCase  *c,
                   gint64     now,
                   GError   **error)
{
  g_autofree char *tracking = NULL;

  set_stripped (&c->subject, c->subject);
  set_stripped (&c->description, c->description);
  set_stripped (&c->customer_id, c->customer_id);
  set_stripped (&c->category_id, c->category_id);
  set_stripped (&c->department_id, c->department_id);
  set_stripped (&c->assignee_id, c->assignee_id);
  set_stripped (&c->branch_id, c->branch_id);
  if (kefu_text_is_blank (c->priority))
    kefu_set_str (&c->priority, "normal");

  if (!kefu_case_kind_is_valid (c->kind))
    return kefu_error_invalid (error, _("Choose the kind of case: inquiry, tracking query, complaint, compensation claim, suggestion or service request."));
  if (!kefu_case_channel_is_valid (c->channel))
    return kefu_error_invalid (error, _("Choose the channel the case came in by."));
  if (!kefu_case_priority_is_valid (c->priority))
    return kefu_error_invalid (error, _("Choose a priority: low, normal, high or urgent."));
  if (c->customer_id == NULL)
    return kefu_error_invalid (error, _("Choose the customer this case is about, or create a customer file first."));
  if (c->subject == NULL)
    return kefu_error_invalid (error, _("Enter a subject: what is the case about?"));
  if (g_utf8_strlen (c->subject, -1) > MAX_SUBJECT_CHARS)
    return kefu_error_invalid (error, _("The subject is too long (at most 200 characters); put the details in the description."));
  if (c->description && g_utf8_strlen (c->description, -1) > MAX_TEXT_CHARS)
    return kefu_error_invalid (error, _("The description is too long (at most 20,000 characters)."));

  tracking = kefu_tracking_normalize (c->tracking_number);
  if (tracking != NULL && !kefu_tracking_validate (tracking, error))
    return FALSE;
  g_free (c->tracking_number);
  c->tracking_number = g_steal_pointer (&tracking);

  if (g_str_equal (c->kind, "claim"))
    {
      if (c->tracking_number == NULL)
        return kefu_error_invalid (error, _("A compensation claim needs the tracking number of the parcel."));
      if (!kefu_claims_check_amounts (c->claim_amount_cents, c->declared_value_cents, error))
        return FALSE;
    }
  else if (c->claim_amount_cents != 0 || c->declared_value_cents != 0)
    return kefu_error_invalid (error, _("Only a compensation claim has a claimed amount; choose the kind “Compensation claim”."));

  if (c->created_at == 0)
    c->created_at = now;
  if (c->created_at > now + MAX_AHEAD_MS)
    return kefu_error_invalid (error, _("A case cannot be received in the future: check the date and time."));
  if (c->created_at < now - MAX_BACKDATE_MS)
    return kefu_error_invalid (error, _("A case can be entered at most a year after it was received: check the date."));
  return TRUE;
}

/**
 * kefu_cases_create:
 * @c: the new case: kind, channel, priority, customer, subject and
 *   optionally description, tracking number, category, department,
 *   assignee, branch (default: this office), received time (default:
 *   now) and, for claims, the claim fields. Its id, number, status,
 *   owner, deadlines and names are filled in.
 *
 * Saves the case, its "created" (and "assigned") events, its search
 * tokens, and updates the customer's last contact (and complaint count),
 * all in one transaction.
 */
gboolean
kefu_cases_create (KefuDb    *db,
                   KefuCase  *c,
                   GError   **error)
{
  const char *actor;
  gint64 now;
  KefuCalendar *cal;
  g_autoptr(KefuSlaPolicy) policy = NULL;
  g_autoptr(KefuCase) fresh = NULL;
  sqlite3_stmt *stmt;
  gint64 fr_minutes = 240, res_minutes = 3 * KEFU_BUSINESS_DAY_MINUTES;
  int rc;

  g_return_val_if_fail (KEFU_IS_DB (db), FALSE);
  g_return_val_if_fail (c != NULL && c->id == NULL, FALSE);

  actor = kefu_db_get_actor (db);
  now = kefu_cases_get_now (db);
  if (actor == NULL)
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_PERMISSION,
                   _("Sign in before taking a case: whoever takes it stays responsible for it."));
      return FALSE;
    }
  if (!validate_new_case (c, now, error))
    return FALSE;
  if ((cal = kefu_calendar_get_for_db (db, error)) == NULL)
    return FALSE;

  if (!kefu_db_begin (db, error))
    return FALSE;

  stmt = kefu_db_prepare (db, "SELECT name, segment FROM customer WHERE id = ? AND deleted = 0", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, c->customer_id, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      kefu_set_str (&c->customer_name, kefu_stmt_text (stmt, 0));
      kefu_set_str (&c->customer_segment, kefu_stmt_text (stmt, 1));
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW)
    {
      if (rc == SQLITE_DONE)
        kefu_error_invalid (error, _("The customer of this case does not exist or has been deleted."));
      else
        kefu_db_set_error (db, error);
      goto fail;
    }

  if (c->branch_id == NULL)
    c->branch_id = kefu_db_get_meta (db, "office_id");
  stmt = kefu_db_prepare (db, "SELECT code FROM org_unit WHERE id = ? AND deleted = 0", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, c->branch_id, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    kefu_set_str (&c->branch_code, kefu_stmt_text (stmt, 0));
  sqlite3_reset (stmt);
  if (c->branch_code == NULL)
    {
      kefu_error_invalid (error, _("The branch taking this case does not exist. Set up the office first."));
      goto fail;
    }

  if (c->category_id != NULL)
    {
      gboolean exists = FALSE;

      if (!row_exists (db, "SELECT 1 FROM category WHERE id = ? AND scope = 'case' AND deleted = 0",
                       c->category_id, &exists, error))
        goto fail;
      if (!exists)
        {
          kefu_error_invalid (error, _("The category of this case does not exist."));
          goto fail;
        }
    }
  if (!check_routing (db, c->department_id, c->assignee_id, error))
    goto fail;

  policy = kefu_sla_policy_find (db, c->kind, c->customer_segment, c->priority, error);
  if (policy == NULL && error && *error)
    goto fail;
  if (policy != NULL)
    {
      fr_minutes = policy->first_response_minutes;
      res_minutes = policy->resolution_minutes;
      kefu_set_str (&c->sla_policy_id, policy->id);
    }

  c->id = kefu_uuid7_new_at (now);
  if ((c->number = _kefu_cases_next_number (db, c->branch_code, c->created_at, error)) == NULL)
    goto fail;
  kefu_set_str (&c->owner_id, actor);
  kefu_set_str (&c->status, c->assignee_id || c->department_id ? "assigned" : "new");
  c->first_response_due = kefu_calendar_add_minutes (cal, c->created_at, fr_minutes);
  c->resolution_due = kefu_calendar_add_minutes (cal, c->created_at, res_minutes);
  c->first_response_at = c->resolved_at = c->closed_at = c->paused_at = 0;
  c->paused_total = 0;
  c->warned = c->escalated = FALSE;
  c->last_action_at = c->created_at;
  g_clear_pointer (&c->decision, g_free);
  g_clear_pointer (&c->approval_status, g_free);
  _kefu_cases_update_next_due (c);

  if (!_kefu_cases_insert_row (db, c, TRUE, error))
    goto fail;
  if (!_kefu_cases_insert_event (db, c->id, "created", actor, c->created_at, NULL, NULL,
                                 c->status, c->subject, TRUE, error))
    goto fail;
  if (c->assignee_id != NULL &&
      !_kefu_cases_insert_event (db, c->id, "assigned", actor, c->created_at, "assignee_id", NULL,
                                 c->assignee_id, NULL, TRUE, error))
    goto fail;
  if (c->department_id != NULL &&
      !_kefu_cases_insert_event (db, c->id, "assigned", actor, c->created_at, "department_id", NULL,
                                 c->department_id, NULL, TRUE, error))
    goto fail;
  if (!_kefu_cases_touch_customer (db, c->customer_id, c->created_at,
                                   g_str_equal (c->kind, "complaint"), error))
    goto fail;
  if (!kefu_db_commit (db, error))
    goto fail_clear;

  /* The names the form did not know. */
  if ((fresh = _kefu_cases_load (db, c->id, NULL)) != NULL)
    {
      kefu_set_str (&c->owner_name, fresh->owner_name);
      kefu_set_str (&c->assignee_name, fresh->assignee_name);
      kefu_set_str (&c->department_name, fresh->department_name);
      kefu_set_str (&c->category_name, fresh->category_name);
      c->version = fresh->version;
    }
  return TRUE;

fail:
  kefu_db_rollback (db);
fail_clear:
  g_clear_pointer (&c->id, g_free);
  g_clear_pointer (&c->number, g_free);
  c->rowid = 0;
  return FALSE;
}

/* --- lifecycle ------------------------------------------------------- */

static const char *
blank_to_null (const char *s)
{
  return kefu_text_is_blank (s) ? NULL : s;
}

static gboolean
take_action (KefuDb    *db,
             KefuCase  *c,
             gpointer   data,
             GError   **error)
{
  const char *actor = kefu_db_get_actor (db);

  if (actor == NULL)
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_PERMISSION, _("Sign in to take a case."));
      return FALSE;
    }
  if (g_strcmp0 (c->status, "in_progress") == 0 && g_strcmp0 (c->assignee_id, actor) == 0)
    return kefu_error_invalid (error, _("You are already working on this case."));
  if (g_strcmp0 (c->status, "new") != 0 && g_strcmp0 (c->status, "assigned") != 0)
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID,
                   _("Only a new or assigned case can be taken; this one is “%s”."),
                   kefu_case_status_label (c->status));
      return FALSE;
    }
  if (c->assignee_id != NULL && !g_str_equal (c->assignee_id, actor))
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID,
                   _("This case is assigned to %s. Ask them or a supervisor to transfer it to you."),
                   c->assignee_name ? c->assignee_name : "?");
      return FALSE;
    }
  if (c->assignee_id == NULL)
    {
      if (!_kefu_cases_add_event (db, c, "assigned", "assignee_id", NULL, actor, NULL, error))
        return FALSE;
      kefu_set_str (&c->assignee_id, actor);
    }
  return change_status (db, c, "in_progress", NULL, error);
}

gboolean
kefu_cases_take (KefuDb      *db,
                 const char  *case_id,
                 GError     **error)
{
  return _kefu_cases_run (db, case_id, take_action, NULL, error);
}

typedef struct
{
  const char *department_id;
  const char *assignee_id;
  const char *note;
} AssignData;

static gboolean
assign_action (KefuDb    *db,
               KefuCase  *c,
               gpointer   data,
               GError   **error)
{
  AssignData *d = data;
  const char *dep = blank_to_null (d->department_id);
  const char *who = blank_to_null (d->assignee_id);
  g_autofree char *new_dep = NULL;
  gboolean first = g_strcmp0 (c->status, "new") == 0;
  const char *kind = first ? "assigned" : "transferred";
  const char *note = blank_to_null (d->note);
  gboolean changed = FALSE;

  if (dep == NULL && who == NULL)
    return kefu_error_invalid (error, _("Choose a department or a person to hand the case to."));
  if (!kefu_case_status_is_open (c->status))
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID,
                   _("Reopen the case before handing it on: it is “%s”."),
                   kefu_case_status_label (c->status));
      return FALSE;
    }
  if (!first && note == NULL)
    return kefu_error_invalid (error, _("Say why the case is handed on, so that the next person knows the story."));
  if (!check_routing (db, dep, who, error))
    return FALSE;

  /* A person without a department keeps the case's department unless
   * they belong to one; a department without a person clears the
   * assignee, and the case waits in that department's queue. */
  if (dep != NULL)
    new_dep = g_strdup (dep);
  else
    {
      g_auto(StaffInfo) s = { 0 };

      if (!read_staff (db, who, &s, error))
        return FALSE;
      new_dep = g_strdup (s.department_id ? s.department_id : c->department_id);
    }

  if (g_strcmp0 (who, c->assignee_id) != 0)
    {
      if (!_kefu_cases_add_event (db, c, kind, "assignee_id", c->assignee_id, who, note, error))
        return FALSE;
      kefu_set_str (&c->assignee_id, who);
      changed = TRUE;
      note = NULL;
    }
  if (g_strcmp0 (new_dep, c->department_id) != 0)
    {
      if (!_kefu_cases_add_event (db, c, kind, "department_id", c->department_id, new_dep, note, error))
        return FALSE;
      kefu_set_str (&c->department_id, new_dep);
      changed = TRUE;
    }
  if (!changed)
    return kefu_error_invalid (error, _("The case is already with them."));

  /* Whoever gets it must take it up; a case waiting on the customer keeps
   * waiting. */
  if (g_strcmp0 (c->status, "new") == 0 || g_strcmp0 (c->status, "in_progress") == 0)
    {
      if (!change_status (db, c, "assigned", NULL, error))
        return FALSE;
    }

  if (who != NULL && g_strcmp0 (who, kefu_db_get_actor (db)) != 0)
    {
      g_autofree char *text = g_strdup_printf (_("Case %s was handed to you: %s"), c->number, c->subject);

      if (!_kefu_notify (db, who, c->id, "assigned", text, kefu_cases_get_now (db), error))
        return FALSE;
    }
  return TRUE;
}

gboolean
kefu_cases_assign (KefuDb      *db,
                   const char  *case_id,
                   const char  *department_id,
                   const char  *assignee_id,
                   const char  *note,
                   GError     **error)
{
  AssignData d = { department_id, assignee_id, note };

  return _kefu_cases_run (db, case_id, assign_action, &d, error);
}

static gboolean
start_action (KefuDb    *db,
              KefuCase  *c,
              gpointer   data,
              GError   **error)
{
  const char *actor = kefu_db_get_actor (db);

  if (g_strcmp0 (c->status, "new") == 0)
    return kefu_error_invalid (error, _("Take the case or assign it before working on it."));
  if (g_strcmp0 (c->status, "in_progress") == 0)
    return kefu_error_invalid (error, _("Work on this case has already started."));
  if (g_strcmp0 (c->status, "resolved") == 0 || g_strcmp0 (c->status, "closed") == 0)
    return kefu_error_invalid (error, _("Reopen the case to work on it again."));
  /* Someone else's assigned case is theirs to start (a case waiting on
   * the customer may be resumed by whoever the customer reaches). */
  if (g_strcmp0 (c->status, "assigned") == 0 && c->assignee_id != NULL && g_strcmp0 (c->assignee_id, actor) != 0)
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID,
                   _("This case is assigned to %s. Ask them or a supervisor to transfer it to you."),
                   c->assignee_name ? c->assignee_name : "?");
      return FALSE;
    }
  /* A case sent to a department is picked up by whoever starts it. */
  if (c->assignee_id == NULL && actor != NULL)
    {
      if (!_kefu_cases_add_event (db, c, "assigned", "assignee_id", NULL, actor, NULL, error))
        return FALSE;
      kefu_set_str (&c->assignee_id, actor);
    }
  return change_status (db, c, "in_progress", NULL, error);
}

gboolean
kefu_cases_start (KefuDb      *db,
                  const char  *case_id,
                  GError     **error)
{
  return _kefu_cases_run (db, case_id, start_action, NULL, error);
}

static gboolean
wait_action (KefuDb    *db,
             KefuCase  *c,
             gpointer   data,
             GError   **error)
{
  return change_status (db, c, "waiting", data, error);
}

gboolean
kefu_cases_wait (KefuDb      *db,
                 const char  *case_id,
                 const char  *note,
                 GError     **error)
{
  return _kefu_cases_run (db, case_id, wait_action, (gpointer) note, error);
}

static gboolean
resolve_action (KefuDb    *db,
                KefuCase  *c,
                gpointer   data,
                GError   **error)
{
  g_autofree char *resolution = strip_dup (data);

  if (!kefu_case_check_transition (c->status, "resolved", error))
    return FALSE;
  if (resolution == NULL)
    return kefu_error_invalid (error, _("Describe the resolution: what was done for the customer?"));
  if (g_utf8_strlen (resolution, -1) > MAX_TEXT_CHARS)
    return kefu_error_invalid (error, _("The resolution is too long (at most 20,000 characters)."));
  if (g_strcmp0 (c->kind, "claim") == 0)
    {
      if (c->decision == NULL)
        return kefu_error_invalid (error, _("Record the claim decision before resolving the claim."));
      if (g_strcmp0 (c->approval_status, "pending") == 0)
        return kefu_error_invalid (error, _("The claim decision is waiting for a supervisor’s approval."));
      if (g_strcmp0 (c->approval_status, "rejected") == 0)
        return kefu_error_invalid (error, _("The supervisor rejected the claim decision: record a new decision first."));
    }
  kefu_set_str (&c->resolution, resolution);
  return change_status (db, c, "resolved", resolution, error);
}

gboolean
kefu_cases_resolve (KefuDb      *db,
                    const char  *case_id,
                    const char  *resolution,
                    GError     **error)
{
  return _kefu_cases_run (db, case_id, resolve_action, (gpointer) resolution, error);
}

static gboolean
close_action (KefuDb    *db,
              KefuCase  *c,
              gpointer   data,
              GError   **error)
{
  guint days = GPOINTER_TO_UINT (data);
  gint64 now = kefu_cases_get_now (db);

  if (!kefu_case_check_transition (c->status, "closed", error))
    return FALSE;
  if (kefu_text_is_blank (c->resolution))
    return kefu_error_invalid (error, _("Nothing can be closed without a resolution: resolve the case first."));
  if (g_strcmp0 (c->kind, "claim") == 0 && c->decision != NULL &&
      c->approved_amount_cents > 0 && c->payment_date == NULL)
    return kefu_error_invalid (error, _("Record the payment of the approved compensation before closing the claim."));
  if (days > 365)
    return kefu_error_invalid (error, _("A follow-up call more than a year after closing is too late."));
  if (!change_status (db, c, "closed", NULL, error))
    return FALSE;
  return _kefu_follow_ups_create (db, c, "follow_up", c->owner_id ? c->owner_id : kefu_db_get_actor (db),
                                  now + (gint64) days * DAY_MS, error);
}

/**
 * kefu_cases_close:
 * @follow_up_days: when the follow-up call (回访) is due, in days
 *
 * Only a resolved case can be closed; a claim with compensation to pay
 * needs its payment recorded first.
 */
gboolean
kefu_cases_close (KefuDb      *db,
                  const char  *case_id,
                  guint        follow_up_days,
                  GError     **error)
{
  return _kefu_cases_run (db, case_id, close_action, GUINT_TO_POINTER (follow_up_days), error);
}

static gboolean
reopen_action (KefuDb    *db,
               KefuCase  *c,
               gpointer   data,
               GError   **error)
{
  const char *reason = data;

  if (g_strcmp0 (c->status, "resolved") != 0 && g_strcmp0 (c->status, "closed") != 0)
    return kefu_error_invalid (error, _("Only a resolved or closed case can be reopened."));
  if (!_kefu_cases_require_text (reason, _("Say why the case is reopened."), error))
    return FALSE;
  if (!change_status (db, c, "in_progress", reason, error))
    return FALSE;
  return _kefu_follow_ups_cancel_open (db, c, reason, error);
}

gboolean
kefu_cases_reopen (KefuDb      *db,
                   const char  *case_id,
                   const char  *reason,
                   GError     **error)
{
  return _kefu_cases_run (db, case_id, reopen_action, (gpointer) reason, error);
}

static gboolean
in_progress_action (KefuDb    *db,
                    KefuCase  *c,
                    gpointer   data,
                    GError   **error)
{
  if (g_strcmp0 (c->status, "new") == 0)
    return take_action (db, c, NULL, error);
  if (g_strcmp0 (c->status, "resolved") == 0 || g_strcmp0 (c->status, "closed") == 0)
    return reopen_action (db, c, data, error);
  return start_action (db, c, NULL, error);
}

gboolean
kefu_cases_set_status (KefuDb      *db,
                       const char  *case_id,
                       const char  *status,
                       const char  *text,
                       GError     **error)
{
  if (g_strcmp0 (status, "in_progress") == 0)
    return _kefu_cases_run (db, case_id, in_progress_action, (gpointer) text, error);
  if (g_strcmp0 (status, "waiting") == 0)
    return kefu_cases_wait (db, case_id, text, error);
  if (g_strcmp0 (status, "resolved") == 0)
    return kefu_cases_resolve (db, case_id, text, error);
  if (g_strcmp0 (status, "closed") == 0)
    return kefu_cases_close (db, case_id, 3, error);
  if (g_strcmp0 (status, "assigned") == 0)
    return kefu_error_invalid (error, _("Choose a department or a person to hand the case to."));
  if (g_strcmp0 (status, "new") == 0)
    return kefu_error_invalid (error, _("A case cannot go back to new; transfer it to someone instead."));
  return kefu_error_invalid (error, _("Unknown case status."));
}

/* Deadlines from the service standard, counted from the received time
 * plus the business time already spent waiting on the customer. */
static gboolean
recompute_deadlines (KefuDb      *db,
                     KefuCase    *c,
                     const char  *why,
                     GError     **error)
{
  KefuCalendar *cal = kefu_calendar_get_for_db (db, error);
  g_autoptr(KefuSlaPolicy) policy = NULL;

  if (cal == NULL)
    return FALSE;
  policy = kefu_sla_policy_find (db, c->kind, c->customer_segment, c->priority, error);
  if (policy == NULL)
    return error == NULL || *error == NULL;
  kefu_set_str (&c->sla_policy_id, policy->id);
  if (c->first_response_at == 0)
    {
      gint64 due = kefu_calendar_add_minutes (cal, c->created_at, policy->first_response_minutes + c->paused_total);

      if (due != c->first_response_due &&
          !add_time_event (db, c, "deadline", "first_response_due", c->first_response_due, due, why, error))
        return FALSE;
      c->first_response_due = due;
    }
  if (c->resolved_at == 0)
    {
      gint64 due = kefu_calendar_add_minutes (cal, c->created_at, policy->resolution_minutes + c->paused_total);

      if (due != c->resolution_due &&
          !add_time_event (db, c, "deadline", "resolution_due", c->resolution_due, due, why, error))
        return FALSE;
      c->resolution_due = due;
    }
  return TRUE;
}

typedef struct
{
  const char *priority;
  const char *note;
} PriorityData;

static gboolean
priority_action (KefuDb    *db,
                 KefuCase  *c,
                 gpointer   data,
                 GError   **error)
{
  PriorityData *d = data;

  if (!kefu_case_priority_is_valid (d->priority))
    return kefu_error_invalid (error, _("Choose a priority: low, normal, high or urgent."));
  if (g_strcmp0 (d->priority, c->priority) == 0)
    return kefu_error_invalid (error, _("The case already has this priority."));
  if (!kefu_case_status_is_open (c->status))
    return kefu_error_invalid (error, _("Reopen the case before changing its priority."));
  if (!_kefu_cases_add_event (db, c, "priority", "priority", c->priority, d->priority, d->note, error))
    return FALSE;
  kefu_set_str (&c->priority, d->priority);
  return recompute_deadlines (db, c, _("New priority"), error);
}

gboolean
kefu_cases_set_priority (KefuDb      *db,
                         const char  *case_id,
                         const char  *priority,
                         const char  *note,
                         GError     **error)
{
  PriorityData d = { priority, note };

  return _kefu_cases_run (db, case_id, priority_action, &d, error);
}

typedef struct
{
  gint64      due;
  const char *reason;
} DeadlineData;

static gboolean
deadline_action (KefuDb    *db,
                 KefuCase  *c,
                 gpointer   data,
                 GError   **error)
{
  DeadlineData *d = data;
  g_auto(StaffInfo) me = { 0 };

  if (kefu_db_get_actor (db) == NULL || !read_staff (db, kefu_db_get_actor (db), &me, error))
    return FALSE;
  if (g_strcmp0 (me.role, "supervisor") != 0 && g_strcmp0 (me.role, "admin") != 0)
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_PERMISSION,
                   _("Only a supervisor or an administrator can move a deadline."));
      return FALSE;
    }
  if (!kefu_case_status_is_open (c->status))
    return kefu_error_invalid (error, _("A resolved or closed case has no deadline to move."));
  if (!_kefu_cases_require_text (d->reason, _("Say why the deadline moves."), error))
    return FALSE;
  if (d->due <= kefu_cases_get_now (db) || d->due <= c->created_at)
    return kefu_error_invalid (error, _("The new deadline must be in the future."));
  if (!add_time_event (db, c, "deadline", "resolution_due", c->resolution_due, d->due, d->reason, error))
    return FALSE;
  c->resolution_due = d->due;
  c->warned = FALSE;
  return TRUE;
}

gboolean
kefu_cases_set_deadline (KefuDb      *db,
                         const char  *case_id,
                         gint64       resolution_due,
                         const char  *reason,
                         GError     **error)
{
  DeadlineData d = { resolution_due, reason };

  return _kefu_cases_run (db, case_id, deadline_action, &d, error);
}

static gboolean
edit_field (KefuDb      *db,
            KefuCase    *c,
            char       **field,
            const char  *name,
            const char  *value,
            GError     **error)
{
  if (g_strcmp0 (*field, value) == 0)
    return TRUE;
  if (!_kefu_cases_add_event (db, c, "edited", name, *field, value, NULL, error))
    return FALSE;
  kefu_set_str (field, value);
  return TRUE;
}

static gboolean
details_action (KefuDb    *db,
                KefuCase  *c,
                gpointer   data,
                GError   **error)
{
  const KefuCase *edit = data;
  g_autofree char *subject = strip_dup (edit->subject);
  g_autofree char *description = strip_dup (edit->description);
  g_autofree char *category = strip_dup (edit->category_id);
  g_autofree char *tracking = kefu_tracking_normalize (edit->tracking_number);

  if (subject == NULL)
    return kefu_error_invalid (error, _("Enter a subject: what is the case about?"));
  if (g_utf8_strlen (subject, -1) > MAX_SUBJECT_CHARS)
    return kefu_error_invalid (error, _("The subject is too long (at most 200 characters); put the details in the description."));
  if (description && g_utf8_strlen (description, -1) > MAX_TEXT_CHARS)
    return kefu_error_invalid (error, _("The description is too long (at most 20,000 characters)."));
  if (tracking != NULL && !kefu_tracking_validate (tracking, error))
    return FALSE;
  if (tracking == NULL && g_strcmp0 (c->kind, "claim") == 0)
    return kefu_error_invalid (error, _("A compensation claim needs the tracking number of the parcel."));
  if (category != NULL)
    {
      gboolean exists = FALSE;

      if (!row_exists (db, "SELECT 1 FROM category WHERE id = ? AND scope = 'case' AND deleted = 0",
                       category, &exists, error))
        return FALSE;
      if (!exists)
        return kefu_error_invalid (error, _("The category of this case does not exist."));
    }
  return edit_field (db, c, &c->subject, "subject", subject, error) &&
         edit_field (db, c, &c->description, "description", description ? description : "", error) &&
         edit_field (db, c, &c->tracking_number, "tracking_number", tracking, error) &&
         edit_field (db, c, &c->category_id, "category_id", category, error);
}

gboolean
kefu_cases_update_details (KefuDb          *db,
                           const KefuCase  *c,
                           GError         **error)
{
  g_return_val_if_fail (c != NULL && c->id != NULL, FALSE);

  return _kefu_cases_run (db, c->id, details_action, (gpointer) c, error);
}

static gboolean
note_action (KefuDb    *db,
             KefuCase  *c,
             gpointer   data,
             GError   **error)
{
  const char *body = data;

  if (!_kefu_cases_require_text (body, _("The note is empty."), error))
    return FALSE;
  if (g_utf8_strlen (body, -1) > MAX_TEXT_CHARS)
    return kefu_error_invalid (error, _("The note is too long (at most 20,000 characters)."));
  return _kefu_cases_add_event (db, c, "note", NULL, NULL, NULL, body, error);
}

gboolean
kefu_cases_add_note (KefuDb      *db,
                     const char  *case_id,
                     const char  *body,
                     GError     **error)
{
  return _kefu_cases_run (db, case_id, note_action, (gpointer) body, error);
}

typedef struct
{
  const char *medium;
  const char *direction;
  const char *body;
} ContactData;

static gboolean
contact_action (KefuDb    *db,
                KefuCase  *c,
                gpointer   data,
                GError   **error)
{
  ContactData *d = data;
  gboolean outgoing = g_strcmp0 (d->direction, "out") == 0;

  if (d->medium == NULL || !g_strv_contains (medium_keys, d->medium))
    return kefu_error_invalid (error, _("Choose how the customer was contacted: call, text message, visit, e-mail, WeChat or letter."));
  if (!outgoing && g_strcmp0 (d->direction, "in") != 0)
    return kefu_error_invalid (error, _("Say whether the customer contacted us or we contacted the customer."));
  if (!_kefu_cases_require_text (d->body, _("Write down what was said."), error))
    return FALSE;
  if (g_utf8_strlen (d->body, -1) > MAX_TEXT_CHARS)
    return kefu_error_invalid (error, _("The summary is too long (at most 20,000 characters)."));
  if (!_kefu_cases_add_event (db, c, "contact", d->medium, NULL, d->direction, d->body, error))
    return FALSE;

  /* The first response: we reached out, or spoke with the customer. */
  if (c->first_response_at == 0 &&
      (outgoing || g_str_equal (d->medium, "call") || g_str_equal (d->medium, "visit")))
    {
      c->first_response_at = c->last_action_at;
      /* The resolution deadline gets its own warning. */
      c->warned = FALSE;
    }
  return _kefu_cases_touch_customer (db, c->customer_id, c->last_action_at, FALSE, error);
}

gboolean
kefu_cases_add_contact (KefuDb      *db,
                        const char  *case_id,
                        const char  *medium,
                        const char  *direction,
                        const char  *body,
                        GError     **error)
{
  ContactData d = { medium, direction, body };

  return _kefu_cases_run (db, case_id, contact_action, &d, error);
}

/* --- service-level check --------------------------------------------- */

static gboolean
add_unique (GPtrArray  *ids,
            const char *id)
{
  if (id == NULL || g_ptr_array_find_with_equal_func (ids, id, g_str_equal, NULL))
    return FALSE;
  g_ptr_array_add (ids, g_strdup (id));
  return TRUE;
}

typedef struct
{
  gint64  now;
  guint   warn_percent;
  gboolean escalated;
  gboolean warned;
} SlaData;

static gboolean
sla_action (KefuDb    *db,
            KefuCase  *c,
            gpointer   data,
            GError   **error)
{
  SlaData *d = data;
  KefuCalendar *cal;
  const char *field;
  gint64 total, remaining, used_percent;

  d->escalated = d->warned = FALSE;
  _kefu_cases_update_next_due (c);
  if (c->next_due == 0 || c->escalated)
    return TRUE;
  field = c->next_due == c->first_response_due && c->first_response_at == 0 ? "first_response_due" : "resolution_due";

  if (c->next_due <= d->now)
    {
      g_autoptr(GPtrArray) who = g_ptr_array_new_with_free_func (g_free);
      g_autoptr(GPtrArray) supervisors = _kefu_cases_supervisors (db, c->branch_id, 0, error);
      g_autofree char *text = NULL;

      if (supervisors == NULL)
        return FALSE;
      if (!_kefu_cases_add_event (db, c, "escalated", field, NULL, NULL, NULL, error))
        return FALSE;
      c->escalated = TRUE;
      c->warned = TRUE;
      d->escalated = TRUE;

      text = g_str_equal (field, "first_response_due")
             ? g_strdup_printf (_("Case %s has had no first response in time and is escalated: %s"), c->number, c->subject)
             : g_strdup_printf (_("Case %s is overdue and escalated: %s"), c->number, c->subject);
      add_unique (who, c->owner_id);
      add_unique (who, c->assignee_id);
      for (guint i = 0; i < supervisors->len; i++)
        add_unique (who, supervisors->pdata[i]);
      for (guint i = 0; i < who->len; i++)
        if (!_kefu_notify (db, who->pdata[i], c->id, "escalation", text, d->now, error))
          return FALSE;
      return TRUE;
    }

  if (c->warned || d->warn_percent == 0 || d->warn_percent >= 100)
    return TRUE;
  if ((cal = kefu_calendar_get_for_db (db, error)) == NULL)
    return FALSE;
  total = kefu_calendar_minutes_between (cal, c->created_at, c->next_due) - c->paused_total;
  remaining = kefu_calendar_minutes_between (cal, d->now, c->next_due);
  used_percent = total > 0 ? (total - remaining) * 100 / total : 100;
  if (used_percent >= d->warn_percent)
    {
      g_autofree char *percent = int_to_string (used_percent);
      g_autofree char *text = g_strdup_printf (_("Case %s has used %s%% of its time: %s"), c->number, percent, c->subject);
      const char *to = c->assignee_id ? c->assignee_id : c->owner_id;

      if (!_kefu_cases_add_event (db, c, "warned", field, NULL, percent, NULL, error))
        return FALSE;
      c->warned = TRUE;
      d->warned = TRUE;
      if (to != NULL && !_kefu_notify (db, to, c->id, "warning", text, d->now, error))
        return FALSE;
    }
  return TRUE;
}

/* The ids of cases given by rowid: the scans below read the index only. */
static gboolean
add_id_of_rowid (KefuDb     *db,
                 GPtrArray  *ids,
                 gint64      rowid,
                 GError    **error)
{
  sqlite3_stmt *stmt = kefu_db_prepare (db, "SELECT id FROM kcase WHERE rowid = ?", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, rowid);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    g_ptr_array_add (ids, kefu_stmt_dup (stmt, 0));
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return kefu_db_set_error (db, error);
  return TRUE;
}

static GPtrArray *
collect_ids (KefuDb      *db,
             const char  *sql,
             gint64       now,
             GError     **error)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) rowids = g_array_new (FALSE, FALSE, sizeof (gint64));
  sqlite3_stmt *stmt = kefu_db_prepare (db, sql, error);
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, now);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 rowid = sqlite3_column_int64 (stmt, 0);

      g_array_append_val (rowids, rowid);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      kefu_db_set_error (db, error);
      return NULL;
    }
  for (guint i = 0; i < rowids->len; i++)
    if (!add_id_of_rowid (db, ids, g_array_index (rowids, gint64, i), error))
      return NULL;
  return g_steal_pointer (&ids);
}

/* Running cases that have used @warn_percent of their time, found from
 * one scan of the next_due index and the calendar, before any write. */
static GPtrArray *
collect_warnings (KefuDb   *db,
                  gint64    now,
                  guint     warn_percent,
                  GError  **error)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) rowids = g_array_new (FALSE, FALSE, sizeof (gint64));
  KefuCalendar *cal = kefu_calendar_get_for_db (db, error);
  sqlite3_stmt *stmt;
  int rc;

  if (cal == NULL)
    return NULL;
  stmt = kefu_db_prepare (db,
                          "SELECT rowid, created_at, next_due, paused_total FROM kcase INDEXED BY kcase_by_next_due"
                          " WHERE deleted = 0 AND next_due IS NOT NULL AND next_due > ?"
                          " AND warned = 0 AND escalated = 0 ORDER BY next_due", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, now);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 created = sqlite3_column_int64 (stmt, 1);
      gint64 due = sqlite3_column_int64 (stmt, 2);
      gint64 total = kefu_calendar_minutes_between (cal, created, due) - sqlite3_column_int64 (stmt, 3);
      gint64 remaining = kefu_calendar_minutes_between (cal, now, due);

      if (total <= 0 || (total - remaining) * 100 >= (gint64) warn_percent * total)
        {
          gint64 rowid = sqlite3_column_int64 (stmt, 0);

          g_array_append_val (rowids, rowid);
        }
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      kefu_db_set_error (db, error);
      return NULL;
    }
  for (guint i = 0; i < rowids->len; i++)
    if (!add_id_of_rowid (db, ids, g_array_index (rowids, gint64, i), error))
      return NULL;
  return g_steal_pointer (&ids);
}

/**
 * kefu_cases_check_sla:
 * @now_ms: the time to check against
 * @warn_percent: share of the time limit (in business minutes) after
 *   which a case is flagged, e.g. 80; 0 turns warnings off
 *
 * Meant to run every few minutes. The cases to change are found by
 * reading alone; only they are written, in one short transaction.
 */
gboolean
kefu_cases_check_sla (KefuDb   *db,
                      gint64    now_ms,
                      guint     warn_percent,
                      guint    *n_warned,
                      guint    *n_escalated,
                      GError  **error)
{
  g_autoptr(GPtrArray) due = NULL;
  g_autoptr(GPtrArray) running = NULL;
  SlaData d = { now_ms, warn_percent, FALSE, FALSE };
  guint warned = 0, escalated = 0;
  gint64 saved_clock = 0;
  g_autofree char *saved_actor = NULL;

  g_return_val_if_fail (KEFU_IS_DB (db), FALSE);

  /* Both lists come from the partial index on next_due. Named, because
   * without statistics the planner prefers kcase_by_created for
   * "deleted = 0" and reads every case (2 s at a million). */
  due = collect_ids (db, "SELECT rowid FROM kcase INDEXED BY kcase_by_next_due"
                         " WHERE deleted = 0 AND next_due IS NOT NULL AND next_due <= ?"
                         " AND escalated = 0 ORDER BY next_due", now_ms, error);
  if (due == NULL)
    return FALSE;
  if (warn_percent == 0 || warn_percent >= 100)
    running = g_ptr_array_new_with_free_func (g_free);
  else if ((running = collect_warnings (db, now_ms, warn_percent, error)) == NULL)
    return FALSE;
  if (due->len == 0 && running->len == 0)
    goto done;

  /* Events and notifications carry the time checked against, and no
   * actor: the check, not the signed-in user, escalates. */
  if (g_object_get_data (G_OBJECT (db), CLOCK_DATA_KEY) != NULL)
    saved_clock = kefu_cases_get_now (db);
  saved_actor = g_strdup (kefu_db_get_actor (db));
  kefu_cases_set_clock (db, now_ms);
  kefu_db_set_actor (db, NULL);
  if (!kefu_db_begin (db, error))
    goto fail_clock;
  for (guint pass = 0; pass < 2; pass++)
    {
      GPtrArray *ids = pass == 0 ? due : running;

      for (guint i = 0; i < ids->len; i++)
        {
          if (!_kefu_cases_run (db, ids->pdata[i], sla_action, &d, error))
            {
              kefu_db_rollback (db);
              goto fail_clock;
            }
          escalated += d.escalated;
          warned += d.warned;
        }
    }
  if (!kefu_db_commit (db, error))
    goto fail_clock;
  kefu_cases_set_clock (db, saved_clock);
  kefu_db_set_actor (db, saved_actor);

done:
  if (n_warned)
    *n_warned = warned;
  if (n_escalated)
    *n_escalated = escalated;
  return TRUE;

fail_clock:
  kefu_cases_set_clock (db, saved_clock);
  kefu_db_set_actor (db, saved_actor);
  return FALSE;
}

/* --- reads ----------------------------------------------------------- */

/**
 * kefu_cases_get:
 *
 * Returns: (transfer full): the case with its joined names, or %NULL
 *   (KEFU_ERROR_NOT_FOUND) when it does not exist or is deleted
 */
KefuCase *
kefu_cases_get (KefuDb      *db,
                const char  *id,
                GError     **error)
{
  g_return_val_if_fail (KEFU_IS_DB (db), NULL);

  return _kefu_cases_load (db, id, error);
}

KefuCase *
kefu_cases_get_by_number (KefuDb      *db,
                          const char  *number,
                          GError     **error)
{
  g_autofree char *n = kefu_tracking_normalize (number);

  g_return_val_if_fail (KEFU_IS_DB (db), NULL);

  if (n == NULL)
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_NOT_FOUND, _("This case does not exist or has been deleted."));
      return NULL;
    }
  return load_case (db, "SELECT " CASE_COLUMNS " FROM kcase k" CASE_JOINS " WHERE k.number = ?", n, error);
}

#define EVENT_COLUMNS \
  "e.id, e.case_id, e.kind, e.actor_id, s.name, e.at, e.field, e.old_value, e.new_value, e.body," \
  " CASE e.field WHEN 'assignee_id' THEN (SELECT name FROM staff WHERE id = e.old_value)" \
  "   WHEN 'department_id' THEN (SELECT name FROM department WHERE id = e.old_value)" \
  "   WHEN 'category_id' THEN (SELECT name FROM category WHERE id = e.old_value) END," \
  " CASE e.field WHEN 'assignee_id' THEN (SELECT name FROM staff WHERE id = e.new_value)" \
  "   WHEN 'department_id' THEN (SELECT name FROM department WHERE id = e.new_value)" \
  "   WHEN 'category_id' THEN (SELECT name FROM category WHERE id = e.new_value) END"

static KefuCaseEvent *
event_from_row (sqlite3_stmt *stmt)
{
  KefuCaseEvent *e = g_new0 (KefuCaseEvent, 1);

  e->id = kefu_stmt_dup (stmt, 0);
  e->case_id = kefu_stmt_dup (stmt, 1);
  e->kind = kefu_stmt_dup (stmt, 2);
  e->actor_id = kefu_stmt_dup (stmt, 3);
  e->actor_name = kefu_stmt_dup (stmt, 4);
  e->at = sqlite3_column_int64 (stmt, 5);
  e->field = kefu_stmt_dup (stmt, 6);
  e->old_value = kefu_stmt_dup (stmt, 7);
  e->new_value = kefu_stmt_dup (stmt, 8);
  e->body = kefu_stmt_dup (stmt, 9);
  e->old_label = kefu_stmt_dup (stmt, 10);
  e->new_label = kefu_stmt_dup (stmt, 11);
  return e;
}

static GPtrArray *
read_events (KefuDb      *db,
             const char  *sql,
             const char  *key,
             GError     **error)
{
  return kefu_db_read_all (db, sql, key, (KefuRowReader) event_from_row, (GDestroyNotify) kefu_case_event_free, error);
}

/**
 * kefu_cases_timeline:
 *
 * Returns: (transfer full) (element-type KefuCaseEvent): every event of
 *   the case, newest first
 */
GPtrArray *
kefu_cases_timeline (KefuDb      *db,
                     const char  *case_id,
                     GError     **error)
{
  g_return_val_if_fail (KEFU_IS_DB (db), NULL);

  return read_events (db,
                      "SELECT " EVENT_COLUMNS " FROM case_event e LEFT JOIN staff s ON s.id = e.actor_id"
                      " WHERE e.case_id = ? AND e.deleted = 0 ORDER BY e.at DESC, e.rowid DESC",
                      case_id, error);
}

static char *
format_time (const char *ms_text)
{
  g_autoptr(GTimeZone) tz = g_time_zone_new_offset (8 * 3600);
  g_autoptr(GDateTime) utc = NULL;
  g_autoptr(GDateTime) local = NULL;
  gint64 ms;

  if (ms_text == NULL)
    return g_strdup ("—");
  ms = g_ascii_strtoll (ms_text, NULL, 10);
  utc = g_date_time_new_from_unix_utc (ms / 1000);
  if (utc == NULL)
    return g_strdup ("—");
  local = g_date_time_to_timezone (utc, tz);
  return g_date_time_format (local, "%Y-%m-%d %H:%M");
}

static char *
format_yuan (const char *cents_text)
{
  g_autofree char *money = NULL;

  if (cents_text == NULL)
    return g_strdup ("—");
  money = kefu_format_amount (g_ascii_strtoll (cents_text, NULL, 10));
  return g_steal_pointer (&money);
}

static const char *
label_or (const char *label,
          const char *fallback)
{
  return label ? label : (fallback ? fallback : "—");
}

char *
kefu_case_event_describe (const KefuCaseEvent *e)
{
  const char *k = e->kind;

  if (g_strcmp0 (k, "created") == 0)
    return g_strdup (_("Case received"));
  if (g_strcmp0 (k, "status") == 0)
    return g_strdup_printf (_("Status changed from “%s” to “%s”"),
                            kefu_case_status_label (e->old_value), kefu_case_status_label (e->new_value));
  if (g_strcmp0 (k, "assigned") == 0)
    return g_strdup_printf (_("Assigned to %s"), label_or (e->new_label, e->new_value));
  if (g_strcmp0 (k, "transferred") == 0)
    {
      if (e->new_value == NULL)
        return g_strdup_printf (_("Taken away from %s"), label_or (e->old_label, e->old_value));
      if (e->old_value == NULL)
        return g_strdup_printf (_("Transferred to %s"), label_or (e->new_label, e->new_value));
      return g_strdup_printf (_("Transferred from %s to %s"),
                              label_or (e->old_label, e->old_value), label_or (e->new_label, e->new_value));
    }
  if (g_strcmp0 (k, "priority") == 0)
    return g_strdup_printf (_("Priority changed from %s to %s"),
                            kefu_case_priority_label (e->old_value), kefu_case_priority_label (e->new_value));
  if (g_strcmp0 (k, "note") == 0)
    return g_strdup (_("Internal note"));
  if (g_strcmp0 (k, "contact") == 0)
    {
      if (g_strcmp0 (e->new_value, "out") == 0)
        return g_strdup_printf (_("%s to the customer"), kefu_contact_medium_label (e->field));
      return g_strdup_printf (_("%s from the customer"), kefu_contact_medium_label (e->field));
    }
  if (g_strcmp0 (k, "deadline") == 0)
    {
      g_autofree char *when = format_time (e->new_value);

      if (g_strcmp0 (e->field, "first_response_due") == 0)
        return g_strdup_printf (_("First response now due %s"), when);
      return g_strdup_printf (_("Resolution now due %s"), when);
    }
  if (g_strcmp0 (k, "warned") == 0)
    {
      if (g_strcmp0 (e->field, "first_response_due") == 0)
        return g_strdup_printf (_("Warning: %s%% of the time for the first response used"), label_or (e->new_value, "?"));
      return g_strdup_printf (_("Warning: %s%% of the time for the resolution used"), label_or (e->new_value, "?"));
    }
  if (g_strcmp0 (k, "escalated") == 0)
    {
      if (g_strcmp0 (e->field, "first_response_due") == 0)
        return g_strdup (_("Escalated: no first response in time"));
      return g_strdup (_("Escalated: not resolved in time"));
    }
  if (g_strcmp0 (k, "claim") == 0)
    {
      if (g_strcmp0 (e->field, "claim_amount_cents") == 0)
        {
          g_autofree char *amount = format_yuan (e->new_value);

          return g_strdup_printf (_("Amount claimed: %s"), amount);
        }
      if (g_strcmp0 (e->field, "declared_value_cents") == 0)
        {
          g_autofree char *amount = format_yuan (e->new_value);

          return g_strdup_printf (_("Declared value: %s"), amount);
        }
      if (g_strcmp0 (e->field, "insured") == 0)
        return g_strdup (g_strcmp0 (e->new_value, "1") == 0 ? _("The parcel was insured") : _("The parcel was not insured"));
      if (g_strcmp0 (e->field, "decision") == 0)
        return g_strdup_printf (_("Claim decision: %s"), kefu_claim_decision_label (e->new_value));
      if (g_strcmp0 (e->field, "approved_amount_cents") == 0)
        {
          g_autofree char *amount = format_yuan (e->new_value);

          return g_strdup_printf (_("Compensation: %s"), amount);
        }
      if (g_strcmp0 (e->field, "payment") == 0)
        return g_strdup_printf (_("Compensation paid on %s"), label_or (e->new_value, "?"));
      return g_strdup (_("Claim changed"));
    }
  if (g_strcmp0 (k, "approval") == 0)
    {
      if (g_strcmp0 (e->new_value, "pending") == 0)
        return g_strdup (_("Claim decision above the authorization limit: sent for approval"));
      if (g_strcmp0 (e->new_value, "approved") == 0)
        return g_strdup (_("Claim decision approved"));
      if (g_strcmp0 (e->new_value, "rejected") == 0)
        return g_strdup (_("Claim decision rejected"));
      return g_strdup (_("Approval"));
    }
  if (g_strcmp0 (k, "follow_up") == 0)
    {
      if (g_strcmp0 (e->new_value, "created") == 0)
        return g_strdup (_("Follow-up call planned"));
      if (g_strcmp0 (e->new_value, "done") == 0)
        return g_strdup (_("Follow-up call made"));
      if (g_strcmp0 (e->new_value, "recovery") == 0)
        return g_strdup (_("Low score: recovery call planned for the supervisor"));
      if (g_strcmp0 (e->new_value, "cancelled") == 0)
        return g_strdup (_("Follow-up call cancelled"));
      return g_strdup (_("Follow-up call"));
    }
  if (g_strcmp0 (k, "attachment") == 0)
    return g_strdup_printf (_("File attached: %s"), label_or (e->body, "?"));
  if (g_strcmp0 (k, "edited") == 0)
    {
      if (g_strcmp0 (e->field, "subject") == 0)
        return g_strdup (_("Subject changed"));
      if (g_strcmp0 (e->field, "description") == 0)
        return g_strdup (_("Description changed"));
      if (g_strcmp0 (e->field, "tracking_number") == 0)
        return g_strdup_printf (_("Tracking number changed to %s"), label_or (e->new_value, "—"));
      if (g_strcmp0 (e->field, "category_id") == 0)
        return g_strdup_printf (_("Category changed to %s"), label_or (e->new_label, "—"));
      return g_strdup (_("Case details changed"));
    }
  return g_strdup (k);
}

/* --- queues and search ----------------------------------------------- */

typedef struct
{
  GString  *from;
  GString  *where;
  const char *order;
  char     *match;
  char     *me;
  char     *branch;
  char     *rowids;     /* JSON array of the query's rowids */
  gint64    now;
  gint64    end_of_day;
  gboolean  fts_driven;
  gboolean  empty;      /* text with nothing to search for */
} QueryParts;

static void
query_parts_clear (QueryParts *p)
{
  if (p->from)
    g_string_free (p->from, TRUE);
  if (p->where)
    g_string_free (p->where, TRUE);
  g_free (p->match);
  g_free (p->me);
  g_free (p->branch);
  g_free (p->rowids);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (QueryParts, query_parts_clear)

static void
build_query (KefuDb              *db,
             const KefuCaseQuery *q,
             QueryParts          *p)
{
  const char *open_or_status = q->status ? " AND k.status = :status" : " AND k.status IN " KEFU_OPEN_STATUSES_SQL;
  gboolean status_done = FALSE;

  p->now = q->now_ms ? q->now_ms : kefu_cases_get_now (db);
  p->end_of_day = kefu_local_day_start (p->now) + DAY_MS;
  p->me = g_strdup (q->staff_id ? q->staff_id : kefu_db_get_actor (db));
  if (q->branch_id)
    p->branch = g_strdup (q->branch_id);
  else if (q->queue == KEFU_CASE_QUEUE_BRANCH)
    p->branch = kefu_db_get_meta (db, "office_id");
  if (!kefu_text_is_blank (q->text))
    {
      p->match = kefu_search_build_match (q->text);
      p->empty = p->match == NULL;
    }
  /* A search over all cases walks the full-text index newest first and
   * stops at the page; inside a queue (a small set) each case is checked
   * against the index instead. */
  p->fts_driven = p->match != NULL && q->queue == KEFU_CASE_QUEUE_ALL;

  /* Every queue names the index it walks: on a small or unanalysed
   * database the planner would otherwise take the index that matches the
   * ORDER BY and walk every case of a million to find a page of "mine". */
  p->where = g_string_new ("k.deleted = 0");
  p->order = "k.created_at DESC, k.rowid DESC";

  switch (q->queue)
    {
    case KEFU_CASE_QUEUE_MINE:
      /* Two indexes (assignee, owner): a union of rowids, then a sort of
       * one person's cases. */
      p->from = g_string_new ("kcase k NOT INDEXED");
      g_string_append_printf (p->where,
                              " AND k.rowid IN (SELECT rowid FROM kcase WHERE deleted = 0 AND assignee_id = :me%s"
                              " UNION SELECT rowid FROM kcase WHERE deleted = 0 AND owner_id = :me%s)",
                              q->status ? " AND status = :status" : " AND status IN " KEFU_OPEN_STATUSES_SQL,
                              q->status ? " AND status = :status" : " AND status IN " KEFU_OPEN_STATUSES_SQL);
      status_done = TRUE;
      break;
    case KEFU_CASE_QUEUE_BRANCH:
      p->from = g_string_new (q->status ? "kcase k INDEXED BY kcase_by_status" : "kcase k INDEXED BY kcase_open_by_branch");
      g_string_append (p->where, open_or_status);
      status_done = TRUE;
      break;
    case KEFU_CASE_QUEUE_UNASSIGNED:
      p->from = g_string_new ("kcase k INDEXED BY kcase_open_unassigned");
      g_string_append (p->where, " AND k.assignee_id IS NULL AND k.status IN " KEFU_OPEN_STATUSES_SQL);
      break;
    case KEFU_CASE_QUEUE_OVERDUE:
      p->from = g_string_new ("kcase k INDEXED BY kcase_by_next_due");
      g_string_append (p->where, " AND k.next_due IS NOT NULL AND k.next_due < :now");
      p->order = "k.next_due, k.rowid";
      break;
    case KEFU_CASE_QUEUE_DUE_TODAY:
      p->from = g_string_new ("kcase k INDEXED BY kcase_by_next_due");
      g_string_append (p->where, " AND k.next_due IS NOT NULL AND k.next_due >= :now AND k.next_due < :eod");
      p->order = "k.next_due, k.rowid";
      break;
    case KEFU_CASE_QUEUE_AWAITING_APPROVAL:
      p->from = g_string_new ("kcase k INDEXED BY kcase_pending_approval");
      g_string_append (p->where, " AND k.approval_status = 'pending'");
      break;
    case KEFU_CASE_QUEUE_FOLLOW_UPS_DUE:
      /* CROSS JOIN keeps the follow-up index as the outer loop. */
      p->from = g_string_new ("follow_up fu INDEXED BY follow_up_open_due CROSS JOIN kcase k ON k.id = fu.case_id");
      g_string_append (p->where, " AND fu.deleted = 0 AND fu.status = 'open' AND fu.due_at < :eod");
      if (q->staff_id)
        g_string_append (p->where, " AND fu.assignee_id = :me");
      p->order = "fu.due_at, fu.rowid";
      break;
    case KEFU_CASE_QUEUE_ALL:
    default:
      if (p->fts_driven)
        p->from = g_string_new ("kcase_fts f CROSS JOIN kcase k ON k.rowid = f.rowid");
      else if (q->rowids)
        p->from = g_string_new ("kcase k");
      else if (q->customer_id)
        p->from = g_string_new ("kcase k INDEXED BY kcase_by_customer");
      else if (q->status)
        p->from = g_string_new ("kcase k INDEXED BY kcase_by_status");
      else if (q->kind)
        p->from = g_string_new ("kcase k INDEXED BY kcase_by_kind");
      else
        p->from = g_string_new ("kcase k INDEXED BY kcase_by_created");
      break;
    }
  if (p->fts_driven)
    p->order = "f.rowid DESC";

  if (p->branch)
    g_string_append (p->where, " AND k.branch_id = :branch");
  if (q->rowids)
    {
      GString *json = g_string_new ("[");

      for (guint i = 0; i < q->rowids->len; i++)
        g_string_append_printf (json, "%s%" G_GINT64_FORMAT, i ? "," : "", g_array_index (q->rowids, gint64, i));
      g_string_append_c (json, ']');
      p->rowids = g_string_free (json, FALSE);
      g_string_append (p->where, " AND k.rowid IN (SELECT value FROM json_each (:rowids))");
    }
  if (q->status && !status_done)
    g_string_append (p->where, " AND k.status = :status");
  if (q->kind)
    g_string_append (p->where, " AND k.kind = :kind");
  if (q->channel)
    g_string_append (p->where, " AND k.channel = :channel");
  if (q->category_id)
    g_string_append (p->where, " AND k.category_id = :category");
  if (q->assignee_id)
    g_string_append (p->where, " AND k.assignee_id = :assignee");
  if (q->customer_id)
    g_string_append (p->where, " AND k.customer_id = :customer");
  if (q->created_from)
    g_string_append (p->where, " AND k.created_at >= :from");
  if (q->created_to)
    g_string_append (p->where, " AND k.created_at < :to");
  if (p->fts_driven)
    g_string_append (p->where, " AND f.kcase_fts MATCH :match");
  else if (p->match)
    g_string_append (p->where, " AND EXISTS (SELECT 1 FROM kcase_fts WHERE kcase_fts MATCH :match AND rowid = k.rowid)");
}

static void
bind_named_text (sqlite3_stmt *stmt,
                 const char   *name,
                 const char   *value)
{
  int idx = sqlite3_bind_parameter_index (stmt, name);

  if (idx > 0)
    sqlite3_bind_text (stmt, idx, value, -1, SQLITE_TRANSIENT);
}

static void
bind_named_int (sqlite3_stmt *stmt,
                const char   *name,
                gint64        value)
{
  int idx = sqlite3_bind_parameter_index (stmt, name);

  if (idx > 0)
    sqlite3_bind_int64 (stmt, idx, value);
}

static void
bind_query (sqlite3_stmt        *stmt,
            const KefuCaseQuery *q,
            const QueryParts    *p)
{
  bind_named_text (stmt, ":me", p->me);
  bind_named_text (stmt, ":branch", p->branch);
  bind_named_text (stmt, ":status", q->status);
  bind_named_text (stmt, ":kind", q->kind);
  bind_named_text (stmt, ":channel", q->channel);
  bind_named_text (stmt, ":category", q->category_id);
  bind_named_text (stmt, ":assignee", q->assignee_id);
  bind_named_text (stmt, ":customer", q->customer_id);
  bind_named_text (stmt, ":match", p->match);
  bind_named_text (stmt, ":rowids", p->rowids);
  bind_named_int (stmt, ":from", q->created_from);
  bind_named_int (stmt, ":to", q->created_to);
  bind_named_int (stmt, ":now", p->now);
  bind_named_int (stmt, ":eod", p->end_of_day);
}

static gboolean
has_case_filters (const KefuCaseQuery *q,
                  const QueryParts    *p)
{
  return q->status != NULL || q->kind != NULL || q->channel != NULL || q->category_id != NULL ||
         q->assignee_id != NULL || q->customer_id != NULL || q->created_from != 0 || q->created_to != 0 ||
         p->branch != NULL || q->rowids != NULL;
}

/**
 * kefu_cases_count:
 *
 * Counts at most %KEFU_CASE_COUNT_CAP cases (%KEFU_CASE_SEARCH_COUNT_CAP
 * matches of a search): a list longer than that is a list to narrow down,
 * and counting a million rows would cost more than the first page.
 */
gboolean
kefu_cases_count (KefuDb               *db,
                  const KefuCaseQuery  *q,
                  guint                *n_items,
                  GError              **error)
{
  g_auto(QueryParts) p = { 0 };
  g_autofree char *sql = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (KEFU_IS_DB (db), FALSE);
  g_return_val_if_fail (q != NULL && n_items != NULL, FALSE);

  build_query (db, q, &p);
  *n_items = 0;
  if (p.empty)
    return TRUE;
  /* A plain search counts in the full-text index alone, and the
   * follow-ups queue in its own table, without a lookup of each case:
   * both hold live cases only (a future case deletion must remove the
   * case's kcase_fts row and cancel its follow-ups). */
  if (p.fts_driven && !has_case_filters (q, &p))
    sql = g_strdup_printf ("SELECT count(*) FROM (SELECT 1 FROM kcase_fts WHERE kcase_fts MATCH :match LIMIT %d)",
                           KEFU_CASE_SEARCH_COUNT_CAP);
  else if (q->queue == KEFU_CASE_QUEUE_FOLLOW_UPS_DUE && p.match == NULL && !has_case_filters (q, &p))
    sql = g_strdup_printf ("SELECT count(*) FROM (SELECT 1 FROM follow_up fu INDEXED BY follow_up_open_due"
                           " WHERE fu.deleted = 0 AND fu.status = 'open' AND fu.due_at < :eod%s LIMIT %d)",
                           q->staff_id ? " AND fu.assignee_id = :me" : "", KEFU_CASE_COUNT_CAP);
  else
    sql = g_strdup_printf ("SELECT count(*) FROM (SELECT 1 FROM %s WHERE %s LIMIT %d)",
                           p.from->str, p.where->str,
                           p.match ? KEFU_CASE_SEARCH_COUNT_CAP : KEFU_CASE_COUNT_CAP);
  stmt = kefu_db_prepare (db, sql, error);
  if (stmt == NULL)
    return FALSE;
  bind_query (stmt, q, &p);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *n_items = (guint) sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW)
    return kefu_db_set_error (db, error);
  return TRUE;
}

#define SUMMARY_COLUMNS \
  "k.rowid, k.id, k.number, k.kind, k.status, k.priority, k.channel, k.subject, k.customer_id," \
  " (SELECT name FROM customer WHERE id = k.customer_id), k.tracking_number," \
  " (SELECT name FROM staff WHERE id = k.assignee_id), (SELECT name FROM department WHERE id = k.department_id)," \
  " k.created_at, k.first_response_due, k.resolution_due, k.next_due, k.last_action_at, k.closed_at," \
  " k.warned, k.escalated, k.approval_status, k.claim_amount_cents, k.approved_amount_cents"

static void
summary_from_row (sqlite3_stmt    *stmt,
                  KefuCaseSummary *s,
                  gboolean         with_follow_up)
{
  s->rowid = sqlite3_column_int64 (stmt, 0);
  s->id = kefu_stmt_dup (stmt, 1);
  s->number = kefu_stmt_dup (stmt, 2);
  s->kind = kefu_stmt_dup (stmt, 3);
  s->status = kefu_stmt_dup (stmt, 4);
  s->priority = kefu_stmt_dup (stmt, 5);
  s->channel = kefu_stmt_dup (stmt, 6);
  s->subject = kefu_stmt_dup (stmt, 7);
  s->customer_id = kefu_stmt_dup (stmt, 8);
  s->customer_name = kefu_stmt_dup (stmt, 9);
  s->tracking_number = kefu_stmt_dup (stmt, 10);
  s->assignee_name = kefu_stmt_dup (stmt, 11);
  s->department_name = kefu_stmt_dup (stmt, 12);
  s->created_at = sqlite3_column_int64 (stmt, 13);
  s->first_response_due = sqlite3_column_int64 (stmt, 14);
  s->resolution_due = sqlite3_column_int64 (stmt, 15);
  s->next_due = sqlite3_column_int64 (stmt, 16);
  s->last_action_at = sqlite3_column_int64 (stmt, 17);
  s->closed_at = sqlite3_column_int64 (stmt, 18);
  s->warned = sqlite3_column_int (stmt, 19) != 0;
  s->escalated = sqlite3_column_int (stmt, 20) != 0;
  s->approval_status = kefu_stmt_dup (stmt, 21);
  s->claim_amount_cents = sqlite3_column_int64 (stmt, 22);
  s->approved_amount_cents = sqlite3_column_int64 (stmt, 23);
  if (with_follow_up)
    {
      s->follow_up_id = kefu_stmt_dup (stmt, 24);
      s->follow_up_kind = kefu_stmt_dup (stmt, 25);
      s->follow_up_due = sqlite3_column_int64 (stmt, 26);
    }
}

/* Names come from correlated lookups, so the planner walks the queue's
 * index in order and stops at the page. */
static char *
page_sql (const KefuCaseQuery *q,
          const QueryParts    *p)
{
  /* "Mine" sorts its set: sort rowids first, then read and name only the
   * page (a sort would otherwise look up every name of every row). */
  if (q->queue == KEFU_CASE_QUEUE_MINE)
    return g_strdup_printf ("SELECT " SUMMARY_COLUMNS " FROM kcase k WHERE k.rowid IN"
                            " (SELECT k.rowid FROM %s WHERE %s ORDER BY %s LIMIT :limit OFFSET :offset)"
                            " ORDER BY %s", p->from->str, p->where->str, p->order, p->order);
  return g_strdup_printf ("SELECT " SUMMARY_COLUMNS "%s FROM %s WHERE %s ORDER BY %s LIMIT :limit OFFSET :offset",
                          q->queue == KEFU_CASE_QUEUE_FOLLOW_UPS_DUE ? ", fu.id, fu.kind, fu.due_at" : "",
                          p->from->str, p->where->str, p->order);
}

char *
_kefu_cases_query_plan (KefuDb               *db,
                        const KefuCaseQuery  *q,
                        GError              **error)
{
  g_auto(QueryParts) p = { 0 };
  g_autofree char *page = NULL;
  g_autofree char *sql = NULL;
  g_autoptr(GString) plan = g_string_new (NULL);
  sqlite3_stmt *stmt = NULL;
  int rc;

  build_query (db, q, &p);
  page = page_sql (q, &p);
  sql = g_strdup_printf ("EXPLAIN QUERY PLAN %s", page);
  if (sqlite3_prepare_v2 (kefu_db_get_handle (db), sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      kefu_db_set_error (db, error);
      return NULL;
    }
  bind_query (stmt, q, &p);
  bind_named_int (stmt, ":limit", 50);
  bind_named_int (stmt, ":offset", 0);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_string_append_printf (plan, "%s\n", kefu_stmt_text (stmt, 3));
  sqlite3_finalize (stmt);
  return g_string_free (g_steal_pointer (&plan), FALSE);
}

gboolean
kefu_cases_page (KefuDb               *db,
                 const KefuCaseQuery  *q,
                 guint                 offset,
                 guint                 limit,
                 GArray               *rows,
                 GError              **error)
{
  g_auto(QueryParts) p = { 0 };
  g_autofree char *sql = NULL;
  gboolean follow_ups;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (KEFU_IS_DB (db), FALSE);
  g_return_val_if_fail (q != NULL, FALSE);
  g_return_val_if_fail (g_array_get_element_size (rows) == sizeof (KefuCaseSummary), FALSE);

  build_query (db, q, &p);
  if (p.empty)
    return TRUE;
  follow_ups = q->queue == KEFU_CASE_QUEUE_FOLLOW_UPS_DUE;
  sql = page_sql (q, &p);
  stmt = kefu_db_prepare (db, sql, error);
  if (stmt == NULL)
    return FALSE;
  bind_query (stmt, q, &p);
  bind_named_int (stmt, ":limit", limit);
  bind_named_int (stmt, ":offset", offset);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      KefuCaseSummary s = { 0 };

      summary_from_row (stmt, &s, follow_ups);
      g_array_append_val (rows, s);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return kefu_db_set_error (db, error);
  return TRUE;
}

/* --- intake ---------------------------------------------------------- */

static gboolean
collect_customer_ids (KefuDb      *db,
                      const char  *sql,
                      const char  *key,
                      const char  *why,
                      GPtrArray   *ids,
                      GPtrArray   *whys,
                      GError     **error)
{
  sqlite3_stmt *stmt = kefu_db_prepare (db, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW && ids->len < LOOKUP_MAX)
    if (add_unique (ids, kefu_stmt_text (stmt, 0)))
      g_ptr_array_add (whys, (gpointer) why);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    return kefu_db_set_error (db, error);
  return TRUE;
}

static gpointer
open_case_from_row (sqlite3_stmt *stmt)
{
  KefuCaseSummary *s = g_new0 (KefuCaseSummary, 1);

  summary_from_row (stmt, s, FALSE);

  return s;
}

static GPtrArray *
customer_open_cases (KefuDb      *db,
                     const char  *customer_id,
                     GError     **error)
{
  sqlite3_stmt *stmt = kefu_db_prepare (db,
                                        "SELECT " SUMMARY_COLUMNS " FROM kcase k"
                                        " WHERE k.customer_id = ? AND k.deleted = 0 AND k.status <> 'closed'"
                                        " ORDER BY k.created_at DESC LIMIT 20", error);

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, customer_id, -1, SQLITE_STATIC);
  return kefu_db_collect_rows (db, stmt, open_case_from_row, (GDestroyNotify) kefu_case_summary_free, error);
}

/**
 * kefu_cases_lookup_caller:
 * @text: what the agent typed, or the number a phone system reported
 *
 * An exact case number or tracking number finds the customer of that
 * case; a phone number (any spacing, +86 / 0086 prefixes) finds every
 * file with that number; anything else is searched in names, companies,
 * numbers and phone fragments.
 *
 * Returns: (transfer full) (element-type KefuCallerMatch): the matches
 */
GPtrArray *
kefu_cases_lookup_caller (KefuDb      *db,
                          const char  *text,
                          GError     **error)
{
  g_autoptr(GPtrArray) ret = g_ptr_array_new_with_free_func ((GDestroyNotify) kefu_caller_match_free);
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) whys = g_ptr_array_new ();
  g_autofree char *key = kefu_tracking_normalize (text);
  g_autofree char *phone = kefu_phone_normalize (text);

  g_return_val_if_fail (KEFU_IS_DB (db), NULL);

  if (key == NULL)
    return g_steal_pointer (&ret);

  if (!collect_customer_ids (db, "SELECT customer_id FROM kcase WHERE number = ? AND deleted = 0",
                             key, "case", ids, whys, error))
    return NULL;
  if (ids->len == 0 && strlen (key) >= 8 &&
      !collect_customer_ids (db, "SELECT customer_id FROM kcase WHERE tracking_number = ? AND deleted = 0"
                                 " ORDER BY created_at DESC",
                             key, "tracking", ids, whys, error))
    return NULL;
  if (ids->len == 0 && phone != NULL && strlen (phone) >= 5 &&
      !collect_customer_ids (db, "SELECT k.customer_id FROM customer_contact k JOIN customer c ON c.id = k.customer_id"
                                 " WHERE k.kind = 'phone' AND k.normalized = ? AND k.deleted = 0 AND c.deleted = 0"
                                 " ORDER BY c.last_contact_at DESC",
                             phone, "phone", ids, whys, error))
    return NULL;
  if (ids->len == 0)
    {
      g_autoptr(GArray) rows = g_array_new (FALSE, TRUE, sizeof (KefuCustomerSummary));
      KefuCustomerQuery cq = { .text = (char *) text, .sort = KEFU_CUSTOMER_SORT_LAST_CONTACT };

      g_array_set_clear_func (rows, (GDestroyNotify) kefu_customer_summary_clear);
      if (!kefu_customers_page (db, &cq, 0, LOOKUP_MAX, rows, error))
        return NULL;
      for (guint i = 0; i < rows->len; i++)
        if (add_unique (ids, g_array_index (rows, KefuCustomerSummary, i).id))
          g_ptr_array_add (whys, (gpointer) "name");
    }

  for (guint i = 0; i < ids->len; i++)
    {
      g_autoptr(KefuCallerMatch) m = g_new0 (KefuCallerMatch, 1);
      const char *id = ids->pdata[i];
      sqlite3_stmt *stmt;

      m->customer = kefu_customers_get (db, id, NULL);
      if (m->customer == NULL)
        continue;
      m->matched_by = g_strdup (whys->pdata[i]);
      if ((m->open_cases = customer_open_cases (db, id, error)) == NULL)
        return NULL;
      m->last_contacts = read_events (db,
                                      "SELECT " EVENT_COLUMNS " FROM case_event e JOIN kcase k ON k.id = e.case_id"
                                      " LEFT JOIN staff s ON s.id = e.actor_id"
                                      " WHERE k.customer_id = ? AND k.deleted = 0 AND e.deleted = 0"
                                      " AND e.kind IN ('contact','created','follow_up')"
                                      " ORDER BY e.at DESC, e.rowid DESC LIMIT 5", id, error);
      if (m->last_contacts == NULL)
        return NULL;
      stmt = kefu_db_prepare (db, "SELECT count(*) FROM kcase WHERE customer_id = ? AND deleted = 0", error);
      if (stmt == NULL)
        return NULL;
      sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        m->n_cases = (guint) sqlite3_column_int64 (stmt, 0);
      sqlite3_reset (stmt);
      g_ptr_array_add (ret, g_steal_pointer (&m));
    }
  return g_steal_pointer (&ret);
}

KefuCase *
kefu_cases_find_open_duplicate (KefuDb      *db,
                                const char  *customer_id,
                                const char  *tracking_number,
                                GError     **error)
{
  g_autofree char *tracking = kefu_tracking_normalize (tracking_number);
  g_autofree char *id = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (KEFU_IS_DB (db), NULL);

  if (tracking == NULL || customer_id == NULL)
    return NULL;
  stmt = kefu_db_prepare (db,
                          "SELECT id FROM kcase WHERE tracking_number = ? AND customer_id = ? AND deleted = 0"
                          " AND status <> 'closed' ORDER BY created_at DESC LIMIT 1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, tracking, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, customer_id, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    id = kefu_stmt_dup (stmt, 0);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      kefu_db_set_error (db, error);
      return NULL;
    }
  if (id == NULL)
    return NULL;
  return _kefu_cases_load (db, id, error);
}

/* --- for sync (kefu-sync-private.h) ---------------------------------- */

KefuCase *
_kefu_cases_load_any (KefuDb     *db,
                      const char *id)
{
  sqlite3_stmt *stmt = kefu_db_prepare (db, "SELECT " CASE_COLUMNS " FROM kcase k" CASE_JOINS " WHERE k.id = ?", NULL);
  KefuCase *c = NULL;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    c = case_from_row (stmt);
  sqlite3_reset (stmt);
  return c;
}

gboolean
_kefu_cases_fts_write (KefuDb          *db,
                       gint64           rowid,
                       const KefuCase  *old,
                       const KefuCase  *c,
                       GError         **error)
{
  return fts_write (db, rowid, old, c, error);
}
