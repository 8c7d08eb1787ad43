/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "kefu-claims"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <stdio.h>
#include <string.h>

#include "kefu-cases-private.h"
#include "kefu-claims.h"
#include "kefu-org.h"
#include "kefu-text.h"

static const char *decision_keys[] = { "accept", "partial", "reject", NULL };

const char **
kefu_claim_decision_keys (void)
{
  return decision_keys;
}

const char *
kefu_claim_decision_label (const char *decision)
{
  if (g_strcmp0 (decision, "accept") == 0)
    return _("Accepted in full");
  if (g_strcmp0 (decision, "partial") == 0)
    return _("Partly accepted");
  if (g_strcmp0 (decision, "reject") == 0)
    return _("Rejected");
  return decision ? decision : _("Not decided");
}

const char *
kefu_claim_approval_label (const char *approval_status)
{
  if (g_strcmp0 (approval_status, "pending") == 0)
    return _("Awaiting approval");
  if (g_strcmp0 (approval_status, "approved") == 0)
    return _("Approved");
  if (g_strcmp0 (approval_status, "rejected") == 0)
    return _("Approval refused");
  return "";
}

static char *
int_to_string (gint64 v)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT, v);
}

gboolean
kefu_claims_check_amounts (gint64   claim_amount_cents,
                           gint64   declared_value_cents,
                           GError **error)
{
  if (claim_amount_cents < 0)
    return kefu_error_invalid (error, _("The amount claimed cannot be negative."));
  if (claim_amount_cents == 0)
    return kefu_error_invalid (error, _("Enter the amount the customer claims."));
  if (claim_amount_cents > KEFU_CLAIM_MAX_CENTS)
    return kefu_error_invalid (error, _("A claim of more than 1,000,000 yuan cannot be right: check the amount."));
  if (declared_value_cents < 0)
    return kefu_error_invalid (error, _("The declared value cannot be negative."));
  if (declared_value_cents > KEFU_CLAIM_MAX_CENTS)
    return kefu_error_invalid (error, _("A declared value of more than 1,000,000 yuan cannot be right: check the amount."));
  return TRUE;
}

static gboolean
check_claim_open (const KefuCase  *c,
                  GError         **error)
{
  if (g_strcmp0 (c->kind, "claim") != 0)
    return kefu_error_invalid (error, _("This case is not a compensation claim."));
  if (!kefu_case_status_is_open (c->status))
    return kefu_error_invalid (error, _("Reopen the claim before changing it."));
  if (c->payment_date != NULL)
    return kefu_error_invalid (error, _("This claim has been paid; its decision can no longer change."));
  return TRUE;
}

static gboolean
read_actor (KefuDb      *db,
            KefuStaff  **out,
            GError     **error)
{
  const char *actor = kefu_db_get_actor (db);

  if (actor == NULL || (*out = kefu_org_get_staff (db, actor, NULL)) == NULL)
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_PERMISSION, _("Sign in to work on claims."));
      return FALSE;
    }
  return TRUE;
}

typedef struct
{
  gint64      claim_amount_cents;
  gint64      declared_value_cents;
  gboolean    insured;
  const char *note;
} UpdateData;

static gboolean
update_action (KefuDb    *db,
               KefuCase  *c,
               gpointer   data,
               GError   **error)
{
  UpdateData *d = data;

  if (!check_claim_open (c, error))
    return FALSE;
  if (c->decision != NULL && g_strcmp0 (c->approval_status, "rejected") != 0)
    return kefu_error_invalid (error, _("The claim has a decision already; its amounts can no longer change."));
  if (!kefu_claims_check_amounts (d->claim_amount_cents, d->declared_value_cents, error))
    return FALSE;
  if (d->claim_amount_cents != c->claim_amount_cents)
    {
      g_autofree char *o = int_to_string (c->claim_amount_cents);
      g_autofree char *n = int_to_string (d->claim_amount_cents);

      if (!_kefu_cases_add_event (db, c, "claim", "claim_amount_cents", o, n, d->note, error))
        return FALSE;
      c->claim_amount_cents = d->claim_amount_cents;
    }
  if (d->declared_value_cents != c->declared_value_cents)
    {
      g_autofree char *o = int_to_string (c->declared_value_cents);
      g_autofree char *n = int_to_string (d->declared_value_cents);

      if (!_kefu_cases_add_event (db, c, "claim", "declared_value_cents", o, n, d->note, error))
        return FALSE;
      c->declared_value_cents = d->declared_value_cents;
    }
  if ((d->insured != 0) != (c->insured != 0))
    {
      if (!_kefu_cases_add_event (db, c, "claim", "insured", c->insured ? "1" : "0", d->insured ? "1" : "0",
                                  d->note, error))
        return FALSE;
      c->insured = d->insured != 0;
    }
  return TRUE;
}

gboolean
kefu_claims_update (KefuDb      *db,
                    const char  *case_id,
                    gint64       claim_amount_cents,
                    gint64       declared_value_cents,
                    gboolean     insured,
                    const char  *note,
                    GError     **error)
{
  UpdateData d = { claim_amount_cents, declared_value_cents, insured, note };

  return _kefu_cases_run (db, case_id, update_action, &d, error);
}

typedef struct
{
  const char *decision;
  gint64      amount;
  const char *note;
} DecideData;

static gboolean
notify_all (KefuDb      *db,
            GPtrArray   *staff_ids,
            const char  *case_id,
            const char  *kind,
            const char  *text,
            GError     **error)
{
  for (guint i = 0; i < staff_ids->len; i++)
    if (!_kefu_notify (db, staff_ids->pdata[i], case_id, kind, text, kefu_cases_get_now (db), error))
      return FALSE;
  return TRUE;
}

static gboolean
decide_action (KefuDb    *db,
               KefuCase  *c,
               gpointer   data,
               GError   **error)
{
  DecideData *d = data;
  g_autoptr(KefuStaff) me = NULL;
  g_autofree char *old_amount = NULL;
  g_autofree char *new_amount = NULL;
  gint64 now = kefu_cases_get_now (db);
  gint64 amount = d->amount;

  if (!check_claim_open (c, error) || !read_actor (db, &me, error))
    return FALSE;
  if (d->decision == NULL || !g_strv_contains (decision_keys, d->decision))
    return kefu_error_invalid (error, _("Choose a decision: accept in full, accept in part or reject."));
  if (g_strcmp0 (c->approval_status, "pending") == 0 && g_strcmp0 (c->decided_by, me->id) != 0)
    return kefu_error_invalid (error, _("A decision on this claim is waiting for approval; the supervisor approves or rejects it first."));
  if (amount < 0)
    return kefu_error_invalid (error, _("The compensation cannot be negative."));
  if (amount > KEFU_CLAIM_MAX_CENTS)
    return kefu_error_invalid (error, _("A compensation of more than 1,000,000 yuan cannot be right: check the amount."));

  if (g_str_equal (d->decision, "accept"))
    {
      if (amount != c->claim_amount_cents)
        {
          g_autofree char *claimed = kefu_format_amount (c->claim_amount_cents);

          g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID,
                       _("Accepting the claim in full pays the amount claimed, %s; accept it in part to pay less."),
                       claimed);
          return FALSE;
        }
    }
  else if (g_str_equal (d->decision, "partial"))
    {
      if (amount <= 0 || amount >= c->claim_amount_cents)
        return kefu_error_invalid (error, _("A compensation in part is more than nothing and less than the amount claimed."));
    }
  else
    {
      if (!_kefu_cases_require_text (d->note, _("Say why the claim is rejected: the customer will ask."), error))
        return FALSE;
      amount = 0;
    }

  old_amount = c->decision ? int_to_string (c->approved_amount_cents) : NULL;
  new_amount = int_to_string (amount);
  if (!_kefu_cases_add_event (db, c, "claim", "decision", c->decision, d->decision, d->note, error) ||
      !_kefu_cases_add_event (db, c, "claim", "approved_amount_cents", old_amount, new_amount, NULL, error))
    return FALSE;
  kefu_set_str (&c->decision, d->decision);
  c->approved_amount_cents = amount;
  kefu_set_str (&c->decision_note, d->note);
  kefu_set_str (&c->decided_by, me->id);
  c->decided_at = now;
  g_clear_pointer (&c->approval_note, g_free);

  if (amount > me->auth_limit_cents)
    {
      /* Above the decider's authority: a supervisor must approve. */
      g_autoptr(GPtrArray) supervisors = _kefu_cases_supervisors (db, c->branch_id, amount, error);
      g_autofree char *limit = kefu_format_amount (me->auth_limit_cents);
      g_autofree char *why = g_strdup_printf (_("Above %s’s authorization limit of %s"), me->name, limit);
      g_autofree char *money = kefu_format_amount (amount);
      g_autofree char *text = g_strdup_printf (_("Claim %s: a compensation of %s awaits your approval"), c->number, money);

      if (supervisors == NULL)
        return FALSE;
      if (!_kefu_cases_add_event (db, c, "approval", "approval_status", c->approval_status, "pending", why, error))
        return FALSE;
      kefu_set_str (&c->approval_status, "pending");
      g_clear_pointer (&c->approver_id, g_free);
      c->approved_at = 0;
      return notify_all (db, supervisors, c->id, "approval", text, error);
    }

  {
    g_autofree char *limit = kefu_format_amount (me->auth_limit_cents);
    g_autofree char *why = g_strdup_printf (_("Within %s’s authorization limit of %s"), me->name, limit);

    if (!_kefu_cases_add_event (db, c, "approval", "approval_status", c->approval_status, "approved", why, error))
      return FALSE;
  }
  kefu_set_str (&c->approval_status, "approved");
  kefu_set_str (&c->approver_id, me->id);
  c->approved_at = now;
  return TRUE;
}

gboolean
kefu_claims_decide (KefuDb      *db,
                    const char  *case_id,
                    const char  *decision,
                    gint64       approved_amount_cents,
                    const char  *note,
                    GError     **error)
{
  DecideData d = { decision, approved_amount_cents, note };

  return _kefu_cases_run (db, case_id, decide_action, &d, error);
}

typedef struct
{
  gboolean    approve;
  const char *text;
} ApprovalData;

static gboolean
approval_action (KefuDb    *db,
                 KefuCase  *c,
                 gpointer   data,
                 GError   **error)
{
  ApprovalData *d = data;
  g_autoptr(KefuStaff) me = NULL;
  g_autofree char *text = NULL;
  const char *to;
  const char *status = d->approve ? "approved" : "rejected";

  if (g_strcmp0 (c->approval_status, "pending") != 0)
    return kefu_error_invalid (error, _("No claim decision is waiting for approval on this case."));
  if (!read_actor (db, &me, error))
    return FALSE;
  if (g_strcmp0 (me->role, "supervisor") != 0 && g_strcmp0 (me->role, "admin") != 0)
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_PERMISSION,
                   _("Only a supervisor or an administrator can approve or reject a claim decision."));
      return FALSE;
    }
  if (g_strcmp0 (me->id, c->decided_by) == 0)
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_PERMISSION,
                   _("A claim decision cannot be approved by the person who made it."));
      return FALSE;
    }
  if (d->approve && c->approved_amount_cents > me->auth_limit_cents)
    {
      g_autofree char *amount = kefu_format_amount (c->approved_amount_cents);
      g_autofree char *limit = kefu_format_amount (me->auth_limit_cents);

      g_set_error (error, KEFU_ERROR, KEFU_ERROR_PERMISSION,
                   _("The compensation of %s is above your authorization limit of %s; a supervisor with a higher limit must approve it."),
                   amount, limit);
      return FALSE;
    }
  if (!d->approve &&
      !_kefu_cases_require_text (d->text, _("Say why the decision is rejected, so that the handler can decide again."), error))
    return FALSE;

  if (!_kefu_cases_add_event (db, c, "approval", "approval_status", "pending", status, d->text, error))
    return FALSE;
  kefu_set_str (&c->approval_status, status);
  kefu_set_str (&c->approver_id, me->id);
  c->approved_at = kefu_cases_get_now (db);
  kefu_set_str (&c->approval_note, d->text);

  to = c->decided_by ? c->decided_by : c->assignee_id;
  text = d->approve ? g_strdup_printf (_("Claim %s: your decision was approved by %s"), c->number, me->name)
                    : g_strdup_printf (_("Claim %s: your decision was rejected by %s"), c->number, me->name);
  if (to != NULL && !_kefu_notify (db, to, c->id, "decision", text, kefu_cases_get_now (db), error))
    return FALSE;
  return TRUE;
}

gboolean
kefu_claims_approve (KefuDb      *db,
                     const char  *case_id,
                     const char  *note,
                     GError     **error)
{
  ApprovalData d = { TRUE, note };

  return _kefu_cases_run (db, case_id, approval_action, &d, error);
}

gboolean
kefu_claims_reject (KefuDb      *db,
                    const char  *case_id,
                    const char  *reason,
                    GError     **error)
{
  ApprovalData d = { FALSE, reason };

  return _kefu_cases_run (db, case_id, approval_action, &d, error);
}

typedef struct
{
  const char *date;
  const char *reference;
} PaymentData;

static gboolean
payment_action (KefuDb    *db,
                KefuCase  *c,
                gpointer   data,
                GError   **error)
{
  PaymentData *d = data;
  g_autofree char *today = kefu_local_date_string (kefu_cases_get_now (db));
  g_autofree char *received = kefu_local_date_string (c->created_at);
  g_autofree char *reference = NULL;
  int y, m, day;
  char tail;

  if (g_strcmp0 (c->kind, "claim") != 0)
    return kefu_error_invalid (error, _("This case is not a compensation claim."));
  if (c->payment_date != NULL)
    return kefu_error_invalid (error, _("The payment of this claim is already recorded."));
  if (g_strcmp0 (c->approval_status, "approved") != 0)
    return kefu_error_invalid (error, _("Only an approved compensation can be paid."));
  if (c->approved_amount_cents <= 0)
    return kefu_error_invalid (error, _("Nothing is to be paid: the claim was rejected."));
  if (d->date == NULL || strlen (d->date) != 10 ||
      sscanf (d->date, "%4d-%2d-%2d%c", &y, &m, &day, &tail) != 3 || !g_date_valid_dmy (day, m, y))
    return kefu_error_invalid (error, _("Enter the payment date as YYYY-MM-DD."));
  if (strcmp (d->date, today) > 0)
    return kefu_error_invalid (error, _("The payment date cannot be in the future."));
  if (strcmp (d->date, received) < 0)
    return kefu_error_invalid (error, _("The payment date is before the claim was received."));
  if (!_kefu_cases_require_text (d->reference, _("Enter the payment reference (transfer or voucher number)."), error))
    return FALSE;
  reference = g_strstrip (g_strdup (d->reference));
  if (g_utf8_strlen (reference, -1) > 64)
    return kefu_error_invalid (error, _("The payment reference is too long (at most 64 characters)."));

  if (!_kefu_cases_add_event (db, c, "claim", "payment", NULL, d->date, reference, error))
    return FALSE;
  kefu_set_str (&c->payment_date, d->date);
  kefu_set_str (&c->payment_ref, reference);
  return TRUE;
}

gboolean
kefu_claims_record_payment (KefuDb      *db,
                            const char  *case_id,
                            const char  *payment_date,
                            const char  *reference,
                            GError     **error)
{
  PaymentData d = { payment_date, reference };

  return _kefu_cases_run (db, case_id, payment_action, &d, error);
}
