/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "kefu-db.h"

G_BEGIN_DECLS

/* Compensation claims (索赔) on cases of kind "claim": claimed amount,
 * declared value, insurance, decision, approval above the decider's
 * authorization limit (授权额度), payment. Amounts are in fen (cents);
 * every step is recorded on the case's timeline.
 *
 * Decisions: "accept" (the full amount claimed), "partial" (less), and
 * "reject" (nothing; a reason is required). A decision whose compensation
 * exceeds the decider's auth_limit_cents is "pending" until a supervisor
 * or administrator with a sufficient limit approves or rejects it (a
 * rejection needs a reason); a decision within the limit is approved at
 * once by its decider. */

const char **kefu_claim_decision_keys    (void);
const char  *kefu_claim_decision_label   (const char *decision);
const char  *kefu_claim_approval_label   (const char *approval_status);

/* Refuses negative amounts, a missing claimed amount and anything above
 * 1,000,000 yuan, with a sentence saying which. */
gboolean     kefu_claims_check_amounts   (gint64      claim_amount_cents,
                                          gint64      declared_value_cents,
                                          GError    **error);

/* Changes the claimed amount, declared value and insurance while no
 * decision stands. */
gboolean     kefu_claims_update          (KefuDb     *db,
                                          const char *case_id,
                                          gint64      claim_amount_cents,
                                          gint64      declared_value_cents,
                                          gboolean    insured,
                                          const char *note,
                                          GError    **error);
gboolean     kefu_claims_decide          (KefuDb     *db,
                                          const char *case_id,
                                          const char *decision,
                                          gint64      approved_amount_cents,
                                          const char *note,
                                          GError    **error);
/* By the signed-in supervisor or administrator; KEFU_ERROR_PERMISSION
 * for anyone else or when the amount is above their own limit. */
gboolean     kefu_claims_approve         (KefuDb     *db,
                                          const char *case_id,
                                          const char *note,
                                          GError    **error);
gboolean     kefu_claims_reject          (KefuDb     *db,
                                          const char *case_id,
                                          const char *reason,
                                          GError    **error);
/* @payment_date "YYYY-MM-DD" (not in the future), @reference the
 * transfer or voucher number. */
gboolean     kefu_claims_record_payment  (KefuDb     *db,
                                          const char *case_id,
                                          const char *payment_date,
                                          const char *reference,
                                          GError    **error);

G_END_DECLS
