/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "kefu-follow-ups"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "kefu-cases-private.h"
#include "kefu-follow-ups.h"
#include "kefu-uuid.h"

#define DAY_MS G_GINT64_CONSTANT (86400000)
#define MAX_COMMENT_CHARS 2000

void
kefu_follow_up_free (KefuFollowUp *f)
{
  if (f == NULL)
    return;
  g_free (f->id); g_free (f->case_id); g_free (f->case_number); g_free (f->case_subject);
  g_free (f->customer_id); g_free (f->customer_name); g_free (f->kind); g_free (f->status);
  g_free (f->assignee_id); g_free (f->assignee_name); g_free (f->result);
  g_free (f);
}

void
kefu_survey_answer_free (KefuSurveyAnswer *a)
{
  if (a == NULL)
    return;
  g_free (a->id); g_free (a->case_id); g_free (a->case_number); g_free (a->customer_id);
  g_free (a->comment);
  g_free (a);
}

const char *
kefu_follow_up_kind_label (const char *kind)
{
  if (g_strcmp0 (kind, "follow_up") == 0)
    return _("Follow-up call");
  if (g_strcmp0 (kind, "recovery") == 0)
    return _("Recovery call");
  return kind;
}

/* --- internal -------------------------------------------------------- */

gboolean
_kefu_follow_ups_create (KefuDb      *db,
                         KefuCase    *c,
                         const char  *kind,
                         const char  *assignee_id,
                         gint64       due_at,
                         GError     **error)
{
  g_autoptr(KefuChangeSet) cs = NULL;
  g_autofree char *id = kefu_uuid7_new_at (kefu_cases_get_now (db));
  sqlite3_stmt *stmt;

  cs = kefu_change_set_new ("follow_up", id, KEFU_CHANGE_INSERT, 0);
  kefu_change_set_text (cs, "case_id", NULL, c->id);
  kefu_change_set_text (cs, "customer_id", NULL, c->customer_id);
  kefu_change_set_text (cs, "kind", NULL, kind);
  kefu_change_set_text (cs, "status", NULL, "open");
  kefu_change_set_text (cs, "assignee_id", NULL, assignee_id);
  kefu_change_set_int (cs, "due_at", FALSE, 0, due_at);
  stmt = kefu_db_prepare (db,
                          "INSERT INTO follow_up (id, hlc, updated_by, updated_at, case_id, customer_id, kind, status,"
                          " assignee_id, due_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'open', ?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  kefu_db_bind_stamp (db, stmt, 2, cs, g_get_real_time () / 1000);
  sqlite3_bind_text (stmt, 5, c->id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, c->customer_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, kind, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 8, assignee_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 9, due_at);
  if (!kefu_db_step_done (db, stmt, error) || !kefu_db_record_change (db, cs, error))
    return FALSE;
  return _kefu_cases_add_event (db, c, "follow_up", "follow_up", NULL,
                                g_str_equal (kind, "recovery") ? "recovery" : "created", NULL, error);
}

static gboolean
set_follow_up_status (KefuDb      *db,
                      const char  *id,
                      gint64       version,
                      const char  *status,
                      gint64       done_at,
                      const char  *result,
                      GError     **error)
{
  g_autoptr(KefuChangeSet) cs = kefu_change_set_new ("follow_up", id, KEFU_CHANGE_UPDATE, version);
  sqlite3_stmt *stmt;

  kefu_change_set_text (cs, "status", "open", status);
  kefu_change_set_int (cs, "done_at", FALSE, 0, done_at);
  if (result)
    kefu_change_set_text (cs, "result", NULL, result);
  stmt = kefu_db_prepare (db,
                          "UPDATE follow_up SET status = ?, done_at = ?, result = ?, version = version + 1,"
                          " hlc = ?, updated_by = ?, updated_at = ? WHERE id = ? AND version = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, status, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, done_at);
  sqlite3_bind_text (stmt, 3, result, -1, SQLITE_STATIC);
  kefu_db_bind_stamp (db, stmt, 4, cs, g_get_real_time () / 1000);
  sqlite3_bind_text (stmt, 7, id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 8, version);
  return kefu_db_step_versioned (db, stmt, cs, error,
                                 _("Someone else recorded this follow-up call in the meantime."));
}

gboolean
_kefu_follow_ups_cancel_open (KefuDb      *db,
                              KefuCase    *c,
                              const char  *reason,
                              GError     **error)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) versions = g_array_new (FALSE, FALSE, sizeof (gint64));
  sqlite3_stmt *stmt;
  int rc;

  stmt = kefu_db_prepare (db, "SELECT id, version FROM follow_up WHERE case_id = ? AND status = 'open' AND deleted = 0",
                          error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, c->id, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 v = sqlite3_column_int64 (stmt, 1);

      g_ptr_array_add (ids, kefu_stmt_dup (stmt, 0));
      g_array_append_val (versions, v);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return kefu_db_set_error (db, error);
  for (guint i = 0; i < ids->len; i++)
    {
      if (!set_follow_up_status (db, ids->pdata[i], g_array_index (versions, gint64, i), "cancelled",
                                 kefu_cases_get_now (db), reason, error))
        return FALSE;
      if (!_kefu_cases_add_event (db, c, "follow_up", "follow_up", NULL, "cancelled", reason, error))
        return FALSE;
    }
  return TRUE;
}

/* --- reads ----------------------------------------------------------- */

#define FOLLOW_UP_COLUMNS \
  "f.id, f.case_id, k.number, k.subject, f.customer_id, cu.name, f.kind, f.status, f.assignee_id, s.name," \
  " f.due_at, f.done_at, f.result, f.version"
#define FOLLOW_UP_JOINS \
  " LEFT JOIN kcase k ON k.id = f.case_id LEFT JOIN customer cu ON cu.id = f.customer_id" \
  " LEFT JOIN staff s ON s.id = f.assignee_id"

static KefuFollowUp *
follow_up_from_row (sqlite3_stmt *stmt)
{
  KefuFollowUp *f = g_new0 (KefuFollowUp, 1);

  f->id = kefu_stmt_dup (stmt, 0);
  f->case_id = kefu_stmt_dup (stmt, 1);
  f->case_number = kefu_stmt_dup (stmt, 2);
  f->case_subject = kefu_stmt_dup (stmt, 3);
  f->customer_id = kefu_stmt_dup (stmt, 4);
  f->customer_name = kefu_stmt_dup (stmt, 5);
  f->kind = kefu_stmt_dup (stmt, 6);
  f->status = kefu_stmt_dup (stmt, 7);
  f->assignee_id = kefu_stmt_dup (stmt, 8);
  f->assignee_name = kefu_stmt_dup (stmt, 9);
  f->due_at = sqlite3_column_int64 (stmt, 10);
  f->done_at = sqlite3_column_int64 (stmt, 11);
  f->result = kefu_stmt_dup (stmt, 12);
  f->version = sqlite3_column_int64 (stmt, 13);
  return f;
}

KefuFollowUp *
kefu_follow_ups_get (KefuDb      *db,
                     const char  *id,
                     GError     **error)
{
  sqlite3_stmt *stmt;
  KefuFollowUp *f = NULL;
  int rc;

  g_return_val_if_fail (KEFU_IS_DB (db), NULL);

  stmt = kefu_db_prepare (db, "SELECT " FOLLOW_UP_COLUMNS " FROM follow_up f" FOLLOW_UP_JOINS
                              " WHERE f.id = ? AND f.deleted = 0", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    f = follow_up_from_row (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    kefu_db_set_error (db, error);
  else if (f == NULL)
    g_set_error (error, KEFU_ERROR, KEFU_ERROR_NOT_FOUND, _("This follow-up call does not exist."));
  return f;
}

GPtrArray *
kefu_follow_ups_list_for_case (KefuDb      *db,
                               const char  *case_id,
                               GError     **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (KEFU_IS_DB (db), NULL);

  stmt = kefu_db_prepare (db, "SELECT " FOLLOW_UP_COLUMNS " FROM follow_up f" FOLLOW_UP_JOINS
                              " WHERE f.case_id = ? AND f.deleted = 0 ORDER BY f.due_at, f.rowid", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, case_id, -1, SQLITE_STATIC);
  return kefu_db_collect_rows (db, stmt, (KefuRowReader) follow_up_from_row, (GDestroyNotify) kefu_follow_up_free, error);
}

static gpointer
survey_answer_from_row (sqlite3_stmt *stmt)
{
  KefuSurveyAnswer *a = g_new0 (KefuSurveyAnswer, 1);

  a->id = kefu_stmt_dup (stmt, 0);
  a->case_id = kefu_stmt_dup (stmt, 1);
  a->case_number = kefu_stmt_dup (stmt, 2);
  a->customer_id = kefu_stmt_dup (stmt, 3);
  a->satisfaction = sqlite3_column_int (stmt, 4);
  a->nps = sqlite3_column_int (stmt, 5);
  a->comment = kefu_stmt_dup (stmt, 6);
  a->at = sqlite3_column_int64 (stmt, 7);

  return a;
}

GPtrArray *
kefu_surveys_list_for_customer (KefuDb      *db,
                                const char  *customer_id,
                                GError     **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (KEFU_IS_DB (db), NULL);

  stmt = kefu_db_prepare (db,
                          "SELECT a.id, a.case_id, k.number, a.customer_id, a.satisfaction, a.nps, a.comment, a.at"
                          " FROM survey_answer a LEFT JOIN kcase k ON k.id = a.case_id"
                          " WHERE a.customer_id = ? AND a.deleted = 0 ORDER BY a.at DESC, a.rowid DESC", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, customer_id, -1, SQLITE_STATIC);
  return kefu_db_collect_rows (db, stmt, survey_answer_from_row, (GDestroyNotify) kefu_survey_answer_free, error);
}

/* --- recording ------------------------------------------------------- */

typedef struct
{
  KefuFollowUp *task;
  gint          satisfaction;
  gint          nps;
  const char   *comment;
  gboolean      cancel;
} RecordData;

static gboolean
insert_answer (KefuDb        *db,
               KefuCase      *c,
               RecordData    *d,
               gint64         now,
               GError       **error)
{
  g_autoptr(KefuChangeSet) cs = NULL;
  g_autofree char *id = kefu_uuid7_new_at (now);
  sqlite3_stmt *stmt;

  cs = kefu_change_set_new ("survey_answer", id, KEFU_CHANGE_INSERT, 0);
  kefu_change_set_text (cs, "case_id", NULL, c->id);
  kefu_change_set_text (cs, "customer_id", NULL, c->customer_id);
  kefu_change_set_int (cs, "satisfaction", FALSE, 0, d->satisfaction);
  kefu_change_set_int (cs, "nps", FALSE, 0, d->nps);
  if (d->comment)
    kefu_change_set_text (cs, "comment", NULL, d->comment);
  kefu_change_set_int (cs, "at", FALSE, 0, now);
  stmt = kefu_db_prepare (db,
                          "INSERT INTO survey_answer (id, hlc, updated_by, updated_at, case_id, customer_id,"
                          " satisfaction, nps, comment, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  kefu_db_bind_stamp (db, stmt, 2, cs, g_get_real_time () / 1000);
  sqlite3_bind_text (stmt, 5, c->id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, c->customer_id, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 7, d->satisfaction);
  sqlite3_bind_int (stmt, 8, d->nps);
  sqlite3_bind_text (stmt, 9, d->comment, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 10, now);
  return kefu_db_step_done (db, stmt, error) && kefu_db_record_change (db, cs, error);
}

static gboolean
record_action (KefuDb    *db,
               KefuCase  *c,
               gpointer   data,
               GError   **error)
{
  RecordData *d = data;
  gint64 now = kefu_cases_get_now (db);
  g_autofree char *result = NULL;

  if (d->cancel)
    {
      if (!set_follow_up_status (db, d->task->id, d->task->version, "cancelled", now, d->comment, error))
        return FALSE;
      return _kefu_cases_add_event (db, c, "follow_up", "follow_up", NULL, "cancelled", d->comment, error);
    }

  result = d->comment
           ? g_strdup_printf (_("Satisfaction %d/5, would recommend %d/10: %s"), d->satisfaction, d->nps, d->comment)
           : g_strdup_printf (_("Satisfaction %d/5, would recommend %d/10"), d->satisfaction, d->nps);
  if (!insert_answer (db, c, d, now, error) ||
      !set_follow_up_status (db, d->task->id, d->task->version, "done", now, result, error) ||
      !_kefu_cases_add_event (db, c, "follow_up", "follow_up", NULL, "done", result, error) ||
      !_kefu_cases_touch_customer (db, c->customer_id, now, FALSE, error))
    return FALSE;

  /* A low score: the supervisor calls the customer back (服务补救). */
  if (g_str_equal (d->task->kind, "follow_up") &&
      (d->satisfaction <= KEFU_SURVEY_LOW_SATISFACTION || d->nps <= KEFU_SURVEY_LOW_NPS))
    {
      g_autoptr(GPtrArray) supervisors = _kefu_cases_supervisors (db, c->branch_id, 0, error);
      const char *who;
      g_autofree char *text = NULL;

      if (supervisors == NULL)
        return FALSE;
      who = supervisors->len > 0 ? supervisors->pdata[0] : c->owner_id;
      if (!_kefu_follow_ups_create (db, c, "recovery", who, now + DAY_MS, error))
        return FALSE;
      text = g_strdup_printf (_("Case %s: the customer gave a low score (%d/5, %d/10). Please call them back."),
                              c->number, d->satisfaction, d->nps);
      if (who != NULL && !_kefu_notify (db, who, c->id, "recovery", text, now, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
finish (KefuDb      *db,
        const char  *follow_up_id,
        RecordData  *d,
        GError     **error)
{
  g_autoptr(KefuFollowUp) task = NULL;

  if (!kefu_db_begin (db, error))
    return FALSE;
  if ((task = kefu_follow_ups_get (db, follow_up_id, error)) == NULL)
    goto fail;
  if (!g_str_equal (task->status, "open"))
    {
      kefu_error_invalid (error, g_str_equal (task->status, "done")
                                 ? _("This follow-up call has already been recorded.")
                                 : _("This follow-up call has been cancelled."));
      goto fail;
    }
  d->task = task;
  if (!_kefu_cases_run (db, task->case_id, record_action, d, error))
    goto fail;
  return kefu_db_commit (db, error);

fail:
  kefu_db_rollback (db);
  return FALSE;
}

gboolean
kefu_follow_ups_record (KefuDb      *db,
                        const char  *follow_up_id,
                        gint         satisfaction,
                        gint         nps,
                        const char  *comment,
                        GError     **error)
{
  g_autofree char *clean = comment ? g_strstrip (g_strdup (comment)) : NULL;
  RecordData d = { NULL, satisfaction, nps, NULL, FALSE };

  g_return_val_if_fail (KEFU_IS_DB (db), FALSE);

  if (satisfaction < 1 || satisfaction > 5)
    return kefu_error_invalid (error, _("Satisfaction is scored from 1 (very unhappy) to 5 (very happy)."));
  if (nps < 0 || nps > 10)
    return kefu_error_invalid (error, _("Likelihood to recommend is scored from 0 (not at all) to 10 (certainly)."));
  if (clean && g_utf8_strlen (clean, -1) > MAX_COMMENT_CHARS)
    return kefu_error_invalid (error, _("The comment is too long (at most 2,000 characters)."));
  d.comment = clean && *clean ? clean : NULL;
  return finish (db, follow_up_id, &d, error);
}

gboolean
kefu_follow_ups_cancel (KefuDb      *db,
                        const char  *follow_up_id,
                        const char  *reason,
                        GError     **error)
{
  RecordData d = { NULL, 0, 0, reason, TRUE };

  g_return_val_if_fail (KEFU_IS_DB (db), FALSE);

  if (!_kefu_cases_require_text (reason, _("Say why the follow-up call cannot be made."), error))
    return FALSE;
  return finish (db, follow_up_id, &d, error);
}
