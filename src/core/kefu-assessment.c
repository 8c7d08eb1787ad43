/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "kefu-assessment"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "kefu-assessment.h"
#include "kefu-org.h"
#include "kefu-uuid.h"

static const char *kind_keys[KEFU_N_RATER_KINDS] = { "supervisor", "customer", "peer", "subordinate" };

/* --- labels and memory ----------------------------------------------- */

const char *
kefu_rater_kind_key (KefuRaterKind kind)
{
  g_return_val_if_fail (kind < KEFU_N_RATER_KINDS, NULL);
  return kind_keys[kind];
}

const char *
kefu_rater_kind_label (KefuRaterKind kind)
{
  switch (kind)
    {
    case KEFU_RATER_SUPERVISOR: return C_("rater", "Supervisor");
    case KEFU_RATER_CUSTOMER: return _("Customers");
    case KEFU_RATER_PEER: return _("Peers");
    case KEFU_RATER_SUBORDINATE: return _("Subordinates");
    case KEFU_N_RATER_KINDS:
    default: return "";
    }
}

const char *
kefu_assessment_dim_label (KefuAssessmentDim dim)
{
  switch (dim)
    {
    case KEFU_DIM_CONDUCT: return _("Conduct");
    case KEFU_DIM_ABILITY: return _("Ability");
    case KEFU_DIM_ATTITUDE: return _("Attitude");
    case KEFU_DIM_RESULTS: return _("Results");
    case KEFU_N_DIMS:
    default: return "";
    }
}

void
kefu_assessment_round_free (KefuAssessmentRound *round)
{
  if (round == NULL)
    return;
  g_free (round->id);
  g_free (round->name);
  g_free (round->org_unit_id);
  g_free (round);
}

void
kefu_assessment_result_free (KefuAssessmentResult *result)
{
  if (result == NULL)
    return;
  g_free (result->round_id);
  g_free (result->round_name);
  g_free (result->staff_id);
  g_clear_pointer (&result->comments, g_ptr_array_unref);
  g_free (result);
}

/* --- helpers --------------------------------------------------------- */

/* Whether org unit @inner is @outer or lies below it. */
static gboolean
unit_within (KefuDb     *db,
             const char *outer,
             const char *inner)
{
  sqlite3_stmt *stmt;
  gboolean ret;

  if (outer == NULL || inner == NULL)
    return FALSE;
  stmt = kefu_db_prepare (db,
                          "WITH RECURSIVE up (id) AS (SELECT ?2"
                          "  UNION SELECT o.parent_id FROM org_unit o JOIN up ON o.id = up.id WHERE o.parent_id IS NOT NULL)"
                          " SELECT 1 FROM up WHERE id = ?1", NULL);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, outer, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, inner, -1, SQLITE_STATIC);
  ret = sqlite3_step (stmt) == SQLITE_ROW;
  sqlite3_reset (stmt);
  return ret;
}

static gboolean
is_boss_role (const char *role)
{
  return g_strcmp0 (role, "supervisor") == 0 || g_strcmp0 (role, "admin") == 0;
}

gboolean
kefu_assessment_may_view (KefuDb     *db,
                          const char *viewer_id,
                          const char *staff_id)
{
  g_autoptr(KefuStaff) viewer = NULL;
  g_autoptr(KefuStaff) staff = NULL;

  if (viewer_id == NULL || staff_id == NULL)
    return FALSE;
  if (g_str_equal (viewer_id, staff_id))
    return TRUE;
  viewer = kefu_org_get_staff (db, viewer_id, NULL);
  staff = kefu_org_get_staff (db, staff_id, NULL);
  if (viewer == NULL || staff == NULL)
    return FALSE;
  if (g_strcmp0 (viewer->role, "admin") == 0)
    return TRUE;
  if (g_strcmp0 (viewer->role, "supervisor") != 0)
    return FALSE;
  /* Another supervisor of the same unit is a peer, not a subordinate. */
  if (is_boss_role (staff->role) && g_strcmp0 (staff->org_unit_id, viewer->org_unit_id) == 0)
    return FALSE;
  return unit_within (db, viewer->org_unit_id, staff->org_unit_id);
}

/* Whether the signed-in user is a @kind rater of @staff. */
static gboolean
check_rater (KefuDb         *db,
             KefuStaff      *me,
             KefuStaff      *staff,
             KefuRaterKind   kind,
             GError        **error)
{
  if (g_str_equal (me->id, staff->id))
    return kefu_error_invalid (error, _("Nobody rates themselves in an assessment."));
  switch (kind)
    {
    case KEFU_RATER_SUPERVISOR:
      if (is_boss_role (me->role) && kefu_assessment_may_view (db, me->id, staff->id))
        return TRUE;
      return kefu_error_denied (error, _("Only a supervisor above this person can rate them as their supervisor."));
    case KEFU_RATER_PEER:
      if (g_strcmp0 (me->org_unit_id, staff->org_unit_id) == 0 && g_strcmp0 (me->role, staff->role) == 0)
        return TRUE;
      return kefu_error_denied (error, _("Peers are colleagues of the same unit and role."));
    case KEFU_RATER_SUBORDINATE:
      if (is_boss_role (staff->role) && unit_within (db, staff->org_unit_id, me->org_unit_id) &&
          (!is_boss_role (me->role) || g_strcmp0 (me->org_unit_id, staff->org_unit_id) != 0))
        return TRUE;
      return kefu_error_denied (error, _("Only the people a supervisor leads can rate them as subordinates."));
    case KEFU_RATER_CUSTOMER:
    case KEFU_N_RATER_KINDS:
    default:
      return kefu_error_invalid (error, _("Customer ratings come from follow-up calls, not from staff."));
    }
}

gboolean
kefu_assessment_can_rate (KefuDb        *db,
                          const char    *rater_id,
                          const char    *staff_id,
                          KefuRaterKind  kind)
{
  g_autoptr(KefuStaff) me = rater_id ? kefu_org_get_staff (db, rater_id, NULL) : NULL;
  g_autoptr(KefuStaff) staff = staff_id ? kefu_org_get_staff (db, staff_id, NULL) : NULL;

  if (me == NULL || staff == NULL || kind == KEFU_RATER_CUSTOMER || kind >= KEFU_N_RATER_KINDS)
    return FALSE;
  return check_rater (db, me, staff, kind, NULL);
}

gboolean
kefu_assessment_round_includes (KefuDb                    *db,
                                const KefuAssessmentRound *round,
                                const char                *staff_id)
{
  g_autoptr(KefuStaff) staff = NULL;

  g_return_val_if_fail (KEFU_IS_DB (db), FALSE);
  g_return_val_if_fail (round != NULL, FALSE);

  if (round->org_unit_id == NULL)
    return TRUE;
  staff = staff_id ? kefu_org_get_staff (db, staff_id, NULL) : NULL;
  return staff != NULL && unit_within (db, round->org_unit_id, staff->org_unit_id);
}

gboolean
kefu_assessment_has_rated (KefuDb     *db,
                           const char *round_id,
                           const char *rater_id,
                           const char *staff_id)
{
  sqlite3_stmt *stmt;
  gboolean rated;

  g_return_val_if_fail (KEFU_IS_DB (db), FALSE);

  if (round_id == NULL || rater_id == NULL || staff_id == NULL)
    return FALSE;
  stmt = kefu_db_prepare (db, "SELECT 1 FROM assessment_rater WHERE round_id = ? AND staff_id = ? AND rater_id = ?"
                          " AND deleted = 0", NULL);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, round_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, staff_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, rater_id, -1, SQLITE_STATIC);
  rated = sqlite3_step (stmt) == SQLITE_ROW;
  sqlite3_reset (stmt);
  return rated;
}

static KefuAssessmentRound *
load_round (KefuDb      *db,
            const char  *id,
            GError     **error)
{
  sqlite3_stmt *stmt = kefu_db_prepare (db,
                                        "SELECT id, name, org_unit_id, period_from, period_to,"
                                        " w_supervisor, w_customer, w_peer, w_subordinate"
                                        " FROM assessment_round WHERE id = ? AND deleted = 0", error);
  KefuAssessmentRound *r = NULL;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      r = g_new0 (KefuAssessmentRound, 1);
      r->id = kefu_stmt_dup (stmt, 0);
      r->name = kefu_stmt_dup (stmt, 1);
      r->org_unit_id = kefu_stmt_dup (stmt, 2);
      r->period_from = sqlite3_column_int64 (stmt, 3);
      r->period_to = sqlite3_column_int64 (stmt, 4);
      for (guint k = 0; k < KEFU_N_RATER_KINDS; k++)
        r->weights[k] = sqlite3_column_int (stmt, 5 + k);
    }
  else
    g_set_error (error, KEFU_ERROR, KEFU_ERROR_NOT_FOUND, _("This assessment round does not exist."));
  sqlite3_reset (stmt);
  return r;
}

/* Inserts one answer row and its change set. */
static gboolean
insert_answer (KefuDb                    *db,
               const KefuAssessmentRound *round,
               const char                *staff_id,
               KefuRaterKind              kind,
               const char                *rater_id,
               const int                  scores[KEFU_N_DIMS],
               const char                *comment,
               GError                   **error)
{
  g_autofree char *id = kefu_uuid7_new ();
  g_autofree char *period = g_strdup_printf ("%" G_GINT64_FORMAT "/%" G_GINT64_FORMAT, round->period_from, round->period_to);
  g_autoptr(KefuChangeSet) cs = kefu_change_set_new ("assessment", id, KEFU_CHANGE_INSERT, 0);
  static const char *dims[KEFU_N_DIMS] = { "conduct", "ability", "attitude", "results" };
  sqlite3_stmt *stmt;

  kefu_change_set_text (cs, "round_id", NULL, round->id);
  kefu_change_set_text (cs, "staff_id", NULL, staff_id);
  kefu_change_set_text (cs, "period", NULL, period);
  kefu_change_set_text (cs, "rater_kind", NULL, kind_keys[kind]);
  kefu_change_set_text (cs, "rater_id", NULL, rater_id);
  for (guint d = 0; d < KEFU_N_DIMS; d++)
    kefu_change_set_int (cs, dims[d], FALSE, 0, scores[d]);
  kefu_change_set_text (cs, "comment", NULL, comment);
  stmt = kefu_db_prepare (db,
                          "INSERT INTO assessment (id, hlc, updated_by, updated_at, round_id, staff_id, period, rater_kind,"
                          " rater_id, conduct, ability, attitude, results, comment)"
                          " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  kefu_db_bind_stamp (db, stmt, 2, cs, g_get_real_time () / 1000);
  sqlite3_bind_text (stmt, 5, round->id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, staff_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, period, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 8, kind_keys[kind], -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 9, rater_id, -1, SQLITE_STATIC);
  for (guint d = 0; d < KEFU_N_DIMS; d++)
    sqlite3_bind_int (stmt, 10 + d, scores[d]);
  sqlite3_bind_text (stmt, 14, comment && *comment ? comment : NULL, -1, SQLITE_STATIC);
  if (!kefu_db_step_done (db, stmt, error))
    return FALSE;
  return kefu_db_record_change (db, cs, error);
}

/* --- rounds ---------------------------------------------------------- */

gboolean
kefu_assessment_round_create (KefuDb               *db,
                              KefuAssessmentRound  *round,
                              GError              **error)
{
  g_autoptr(KefuStaff) me = kefu_org_get_current_user (db);
  g_autoptr(KefuChangeSet) cs = NULL;
  static const char *cols[KEFU_N_RATER_KINDS] = { "w_supervisor", "w_customer", "w_peer", "w_subordinate" };
  gint64 now = g_get_real_time () / 1000;
  sqlite3_stmt *stmt;
  int sum = 0;

  g_return_val_if_fail (KEFU_IS_DB (db), FALSE);
  g_return_val_if_fail (round != NULL, FALSE);

  if (me == NULL || !is_boss_role (me->role))
    return kefu_error_denied (error, _("Only supervisors and administrators start assessment rounds."));
  if (round->name == NULL || *g_strstrip (round->name) == '\0')
    return kefu_error_invalid (error, _("Give the assessment round a name."));
  if (round->period_to <= round->period_from)
    return kefu_error_invalid (error, _("The period of the round must end after it starts."));
  for (guint k = 0; k < KEFU_N_RATER_KINDS; k++)
    {
      if (round->weights[k] < 0)
        return kefu_error_invalid (error, _("A weight cannot be negative."));
      sum += round->weights[k];
    }
  if (sum != 100)
    return kefu_error_invalid (error, _("The weights of supervisor, customers, peers and subordinates must add up to 100."));

  if (round->id == NULL)
    round->id = kefu_uuid7_new ();
  if (!kefu_db_begin (db, error))
    return FALSE;
  cs = kefu_change_set_new ("assessment_round", round->id, KEFU_CHANGE_INSERT, 0);
  kefu_change_set_text (cs, "name", NULL, round->name);
  kefu_change_set_text (cs, "org_unit_id", NULL, round->org_unit_id);
  kefu_change_set_int (cs, "period_from", FALSE, 0, round->period_from);
  kefu_change_set_int (cs, "period_to", FALSE, 0, round->period_to);
  for (guint k = 0; k < KEFU_N_RATER_KINDS; k++)
    kefu_change_set_int (cs, cols[k], FALSE, 0, round->weights[k]);
  /* Every column the insert writes travels, or the other side cannot
   * store the row (created_at is NOT NULL). */
  kefu_change_set_int (cs, "created_at", FALSE, 0, now);
  stmt = kefu_db_prepare (db,
                          "INSERT INTO assessment_round (id, hlc, updated_by, updated_at, name, org_unit_id, period_from, period_to,"
                          " w_supervisor, w_customer, w_peer, w_subordinate, created_at)"
                          " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?4)", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, round->id, -1, SQLITE_STATIC);
  kefu_db_bind_stamp (db, stmt, 2, cs, now);
  sqlite3_bind_text (stmt, 5, round->name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, round->org_unit_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 7, round->period_from);
  sqlite3_bind_int64 (stmt, 8, round->period_to);
  for (guint k = 0; k < KEFU_N_RATER_KINDS; k++)
    sqlite3_bind_int (stmt, 9 + k, round->weights[k]);
  if (!kefu_db_step_done (db, stmt, error))
    goto fail;
  if (!kefu_db_record_change (db, cs, error))
    goto fail;
  return kefu_db_commit (db, error);

fail:
  kefu_db_rollback (db);
  return FALSE;
}

GPtrArray *
kefu_assessment_rounds_list (KefuDb  *db,
                             GError **error)
{
  g_autoptr(GPtrArray) rounds = g_ptr_array_new_with_free_func ((GDestroyNotify) kefu_assessment_round_free);
  sqlite3_stmt *stmt = kefu_db_prepare (db, "SELECT id FROM assessment_round WHERE deleted = 0"
                                        " ORDER BY period_from DESC, created_at DESC", error);
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);

  if (stmt == NULL)
    return NULL;
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (ids, kefu_stmt_dup (stmt, 0));
  sqlite3_reset (stmt);
  for (guint i = 0; i < ids->len; i++)
    {
      KefuAssessmentRound *r = load_round (db, ids->pdata[i], error);

      if (r == NULL)
        return NULL;
      g_ptr_array_add (rounds, r);
    }
  return g_steal_pointer (&rounds);
}

/* --- rating ---------------------------------------------------------- */

gboolean
kefu_assessment_rate (KefuDb        *db,
                      const char    *round_id,
                      const char    *staff_id,
                      KefuRaterKind  kind,
                      const int      scores[KEFU_N_DIMS],
                      const char    *comment,
                      GError       **error)
{
  g_autoptr(KefuAssessmentRound) round = NULL;
  g_autoptr(KefuStaff) me = kefu_org_get_current_user (db);
  g_autoptr(KefuStaff) staff = NULL;
  g_autoptr(KefuChangeSet) cs = NULL;
  g_autofree char *rater_row = NULL;
  g_autofree char *actor = NULL;
  gboolean anonymous = kind == KEFU_RATER_PEER || kind == KEFU_RATER_SUBORDINATE;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (KEFU_IS_DB (db), FALSE);

  if (me == NULL)
    return kefu_error_denied (error, _("Sign in to rate."));
  if ((round = load_round (db, round_id, error)) == NULL ||
      (staff = kefu_org_get_staff (db, staff_id, error)) == NULL)
    return FALSE;
  if (kind >= KEFU_N_RATER_KINDS || !check_rater (db, me, staff, kind, error))
    return FALSE;
  if (!kefu_assessment_round_includes (db, round, staff_id))
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID,
                   _("This round does not assess %s: they work outside its unit."), staff->name);
      return FALSE;
    }
  for (guint d = 0; d < KEFU_N_DIMS; d++)
    if (scores[d] < 1 || scores[d] > 5)
      return kefu_error_invalid (error, _("Each score is from 1 (poor) to 5 (excellent)."));

  if (!kefu_db_begin (db, error))
    return FALSE;
  /* Who rated whom: only to allow one answer each. */
  rater_row = kefu_uuid7_new ();
  cs = kefu_change_set_new ("assessment_rater", rater_row, KEFU_CHANGE_INSERT, 0);
  kefu_change_set_text (cs, "round_id", NULL, round_id);
  kefu_change_set_text (cs, "staff_id", NULL, staff_id);
  kefu_change_set_text (cs, "rater_id", NULL, me->id);
  stmt = kefu_db_prepare (db,
                          "INSERT INTO assessment_rater (id, hlc, updated_by, updated_at, round_id, staff_id, rater_id)"
                          " VALUES (?, ?, ?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, rater_row, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, kefu_change_set_stamp (cs, db), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, me->id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, g_get_real_time () / 1000);
  sqlite3_bind_text (stmt, 5, round_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, staff_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, me->id, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      if (sqlite3_extended_errcode (kefu_db_get_handle (db)) == SQLITE_CONSTRAINT_UNIQUE)
        g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID,
                     _("You have already rated %s in this round."), staff->name);
      else
        kefu_db_set_error (db, error);
      goto fail;
    }
  if (!kefu_db_record_change (db, cs, error))
    goto fail;

  /* The answer: an anonymous one is written with no rater and no
   * author, in its audit entry too. */
  actor = g_strdup (kefu_db_get_actor (db));
  if (anonymous)
    kefu_db_set_actor (db, NULL);
  rc = insert_answer (db, round, staff_id, kind, anonymous ? NULL : me->id, scores, comment, error);
  kefu_db_set_actor (db, actor);
  if (!rc)
    goto fail;
  return kefu_db_commit (db, error);

fail:
  kefu_db_rollback (db);
  return FALSE;
}

gboolean
kefu_assessment_derive_customer (KefuDb      *db,
                                 const char  *round_id,
                                 const char  *staff_id,
                                 double      *score,
                                 GError     **error)
{
  g_autoptr(KefuAssessmentRound) round = load_round (db, round_id, error);
  sqlite3_stmt *stmt;
  double sum = 0, value;
  guint n = 0, attitude = 0;
  int scores[KEFU_N_DIMS];
  int rc;

  *score = NAN;
  if (round == NULL)
    return FALSE;
  stmt = kefu_db_prepare (db,
                          "SELECT (SELECT satisfaction FROM survey_answer s WHERE s.case_id = k.id AND s.deleted = 0"
                          "        ORDER BY s.at DESC LIMIT 1),"
                          " k.kind = 'complaint' AND k.category_id IN (SELECT id FROM category WHERE scope = 'case' AND code = 'attitude')"
                          " FROM kcase k INDEXED BY kcase_by_assignee"
                          " WHERE k.deleted = 0 AND k.assignee_id = ? AND k.created_at >= ? AND k.created_at < ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, staff_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, round->period_from);
  sqlite3_bind_int64 (stmt, 3, round->period_to);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      if (sqlite3_column_type (stmt, 0) != SQLITE_NULL)
        {
          sum += sqlite3_column_int (stmt, 0);
          n++;
        }
      attitude += sqlite3_column_int (stmt, 1);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return kefu_db_set_error (db, error);
  if (n == 0)
    return TRUE;

  value = CLAMP (sum / n - 0.5 * attitude, 1.0, 5.0);
  *score = value;
  /* Stored as whole points like every answer; the result keeps one
   * decimal through the mean. */
  for (guint d = 0; d < KEFU_N_DIMS; d++)
    scores[d] = (int) lround (value);

  if (!kefu_db_begin (db, error))
    return FALSE;
  /* Replaced: the old derived answer is deleted (a tombstone). */
  stmt = kefu_db_prepare (db, "SELECT id, version FROM assessment WHERE round_id = ? AND staff_id = ?"
                          " AND rater_kind = 'customer' AND deleted = 0", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, round_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, staff_id, -1, SQLITE_STATIC);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_autofree char *id = kefu_stmt_dup (stmt, 0);
      g_autoptr(KefuChangeSet) cs = kefu_change_set_new ("assessment", id, KEFU_CHANGE_DELETE, sqlite3_column_int64 (stmt, 1));
      sqlite3_stmt *del;

      kefu_change_set_int (cs, "deleted", TRUE, 0, 1);
      del = kefu_db_prepare (db, "UPDATE assessment SET deleted = 1, version = version + 1, hlc = ?, updated_by = ?,"
                             " updated_at = ? WHERE id = ?", error);
      if (del == NULL)
        {
          sqlite3_reset (stmt);
          goto fail;
        }
      kefu_db_bind_stamp (db, del, 1, cs, g_get_real_time () / 1000);
      sqlite3_bind_text (del, 4, id, -1, SQLITE_STATIC);
      rc = sqlite3_step (del);
      sqlite3_reset (del);
      if (rc != SQLITE_DONE || !kefu_db_record_change (db, cs, error))
        {
          if (rc != SQLITE_DONE)
            kefu_db_set_error (db, error);
          sqlite3_reset (stmt);
          goto fail;
        }
    }
  sqlite3_reset (stmt);
  if (!insert_answer (db, round, staff_id, KEFU_RATER_CUSTOMER, NULL, scores, NULL, error))
    goto fail;
  return kefu_db_commit (db, error);

fail:
  kefu_db_rollback (db);
  return FALSE;
}

/* --- results --------------------------------------------------------- */

static KefuAssessmentResult *
compute_result (KefuDb                    *db,
                const KefuAssessmentRound *round,
                const char                *staff_id,
                GError                   **error)
{
  g_autoptr(KefuAssessmentResult) r = g_new0 (KefuAssessmentResult, 1);
  double sums[KEFU_N_RATER_KINDS][KEFU_N_DIMS] = { { 0 } };
  sqlite3_stmt *stmt = kefu_db_prepare (db,
                                        "SELECT rater_kind, conduct, ability, attitude, results, comment FROM assessment"
                                        " WHERE round_id = ? AND staff_id = ? AND deleted = 0 ORDER BY rowid", error);
  double wsum = 0;
  int rc;

  if (stmt == NULL)
    return NULL;
  r->round_id = g_strdup (round->id);
  r->round_name = g_strdup (round->name);
  r->period_from = round->period_from;
  r->period_to = round->period_to;
  r->staff_id = g_strdup (staff_id);
  r->comments = g_ptr_array_new_with_free_func (g_free);
  memcpy (r->weights, round->weights, sizeof r->weights);
  sqlite3_bind_text (stmt, 1, round->id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, staff_id, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *kind = kefu_stmt_text (stmt, 0);
      guint k;

      for (k = 0; k < KEFU_N_RATER_KINDS; k++)
        if (g_strcmp0 (kind_keys[k], kind) == 0)
          break;
      if (k == KEFU_N_RATER_KINDS)
        continue;
      r->n_raters[k]++;
      for (guint d = 0; d < KEFU_N_DIMS; d++)
        sums[k][d] += sqlite3_column_int (stmt, 1 + d);
      if (sqlite3_column_type (stmt, 5) != SQLITE_NULL)
        /* Translators: an assessment comment: who (supervisor, peer…), the comment */
        g_ptr_array_add (r->comments, g_strdup_printf (_("%s: %s"), kefu_rater_kind_label (k), kefu_stmt_text (stmt, 5)));
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      kefu_db_set_error (db, error);
      return NULL;
    }

  /* Means per kind; the weights of the kinds that answered, scaled to
   * add up to one. */
  for (guint d = 0; d < KEFU_N_DIMS; d++)
    r->dims[d] = 0;
  r->total = 0;
  for (guint k = 0; k < KEFU_N_RATER_KINDS; k++)
    {
      double t = 0;

      if (r->n_raters[k] == 0)
        {
          for (guint d = 0; d < KEFU_N_DIMS; d++)
            r->scores[k][d] = NAN;
          r->kind_total[k] = NAN;
          continue;
        }
      for (guint d = 0; d < KEFU_N_DIMS; d++)
        {
          r->scores[k][d] = sums[k][d] / r->n_raters[k];
          t += r->scores[k][d];
        }
      r->kind_total[k] = t / KEFU_N_DIMS;
      wsum += r->weights[k];
    }
  if (wsum == 0)
    {
      for (guint d = 0; d < KEFU_N_DIMS; d++)
        r->dims[d] = NAN;
      r->total = NAN;
      return g_steal_pointer (&r);
    }
  for (guint k = 0; k < KEFU_N_RATER_KINDS; k++)
    if (r->n_raters[k] > 0)
      {
        for (guint d = 0; d < KEFU_N_DIMS; d++)
          r->dims[d] += r->scores[k][d] * r->weights[k] / wsum;
        r->total += r->kind_total[k] * r->weights[k] / wsum;
      }
  return g_steal_pointer (&r);
}

KefuAssessmentResult *
kefu_assessment_result (KefuDb      *db,
                        const char  *round_id,
                        const char  *staff_id,
                        GError     **error)
{
  g_autoptr(KefuAssessmentRound) round = NULL;

  g_return_val_if_fail (KEFU_IS_DB (db), NULL);

  if (!kefu_assessment_may_view (db, kefu_db_get_actor (db), staff_id))
    {
      kefu_error_denied (error, _("Only the person, their supervisors and administrators see an assessment result."));
      return NULL;
    }
  if ((round = load_round (db, round_id, error)) == NULL)
    return NULL;
  return compute_result (db, round, staff_id, error);
}

GPtrArray *
kefu_assessment_history (KefuDb      *db,
                         const char  *staff_id,
                         GError     **error)
{
  g_autoptr(GPtrArray) rounds = NULL;
  g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func ((GDestroyNotify) kefu_assessment_result_free);

  if (!kefu_assessment_may_view (db, kefu_db_get_actor (db), staff_id))
    {
      kefu_error_denied (error, _("Only the person, their supervisors and administrators see an assessment result."));
      return NULL;
    }
  if ((rounds = kefu_assessment_rounds_list (db, error)) == NULL)
    return NULL;
  for (guint i = 0; i < rounds->len; i++)
    {
      KefuAssessmentResult *r = compute_result (db, rounds->pdata[i], staff_id, error);

      if (r == NULL)
        return NULL;
      g_ptr_array_add (results, r);
    }
  return g_steal_pointer (&results);
}
