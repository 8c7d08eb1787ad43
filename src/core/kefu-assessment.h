/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "kefu-db.h"

G_BEGIN_DECLS

/* Staff assessment (考核) with several viewpoints: in a round (a period
 * and the weight of each kind of rater), the supervisor, the customers
 * (derived from follow-up satisfaction and complaints), peers and
 * subordinates rate a person from 1 to 5 on conduct, ability, attitude
 * and results. Peer and subordinate answers carry no rater (who rated
 * whom is kept apart, only to allow one answer each). A result is seen
 * only by the person, the supervisors above them and administrators.
 * Every write is a synced write in one transaction. */

typedef enum
{
  KEFU_RATER_SUPERVISOR,
  KEFU_RATER_CUSTOMER,
  KEFU_RATER_PEER,
  KEFU_RATER_SUBORDINATE,
  KEFU_N_RATER_KINDS,
} KefuRaterKind;

typedef enum
{
  KEFU_DIM_CONDUCT,
  KEFU_DIM_ABILITY,
  KEFU_DIM_ATTITUDE,
  KEFU_DIM_RESULTS,
  KEFU_N_DIMS,
} KefuAssessmentDim;

typedef struct
{
  char   *id;
  char   *name;
  char   *org_unit_id;        /* whose staff; NULL = everyone */
  gint64  period_from;        /* ms, inclusive */
  gint64  period_to;          /* ms, exclusive */
  int     weights[KEFU_N_RATER_KINDS];   /* percent, adding up to 100 */
} KefuAssessmentRound;

typedef struct
{
  char   *round_id;
  char   *round_name;
  gint64  period_from;
  gint64  period_to;
  char   *staff_id;
  int     weights[KEFU_N_RATER_KINDS];
  guint   n_raters[KEFU_N_RATER_KINDS];
  double  scores[KEFU_N_RATER_KINDS][KEFU_N_DIMS];  /* mean per kind; NAN without answers */
  double  kind_total[KEFU_N_RATER_KINDS];           /* mean of the four; NAN without answers */
  double  dims[KEFU_N_DIMS];  /* weighted over the kinds that answered */
  double  total;              /* weighted over the kinds that answered; NAN when none did */
  GPtrArray *comments;        /* char *, "kind: text"; never the rater's name */
} KefuAssessmentResult;

const char *kefu_rater_kind_key    (KefuRaterKind kind);
const char *kefu_rater_kind_label  (KefuRaterKind kind);
const char *kefu_assessment_dim_label (KefuAssessmentDim dim);

void        kefu_assessment_round_free   (KefuAssessmentRound  *round);
void        kefu_assessment_result_free  (KefuAssessmentResult *result);

/* By a supervisor or an administrator: a name, a period, weights that add
 * up to 100. Fills round->id. */
gboolean    kefu_assessment_round_create (KefuDb               *db,
                                          KefuAssessmentRound  *round,
                                          GError              **error);
/* Newest first. Element type KefuAssessmentRound. */
GPtrArray  *kefu_assessment_rounds_list  (KefuDb               *db,
                                          GError              **error);

/* The signed-in user rates @staff_id as @kind (supervisor, peer or
 * subordinate; customer ratings are derived) with four scores 1–5.
 * Refused with a sentence when the user is not that kind of rater of
 * the person, rates themselves, or has already rated them in the round. */
gboolean    kefu_assessment_rate         (KefuDb               *db,
                                          const char           *round_id,
                                          const char           *staff_id,
                                          KefuRaterKind         kind,
                                          const int             scores[KEFU_N_DIMS],
                                          const char           *comment,
                                          GError              **error);

/* Whether @staff_id is among the people @round assesses: the staff of
 * its unit and every unit below it (everyone when it has no unit). */
gboolean    kefu_assessment_round_includes (KefuDb                    *db,
                                            const KefuAssessmentRound *round,
                                            const char                *staff_id);

/* Whether @rater_id has rated @staff_id in the round (each rates a
 * person once a round, as whichever kind of rater). */
gboolean    kefu_assessment_has_rated    (KefuDb               *db,
                                          const char           *round_id,
                                          const char           *rater_id,
                                          const char           *staff_id);

/* Whether @rater_id may rate @staff_id as @kind (not customer). */
gboolean    kefu_assessment_can_rate     (KefuDb               *db,
                                          const char           *rater_id,
                                          const char           *staff_id,
                                          KefuRaterKind         kind);

/* The customers' rating of @staff_id in the round, written (or
 * replaced): the mean follow-up satisfaction (1–5) of the cases the
 * person handled that were received in the period, less half a point for
 * each complaint about staff attitude among them; the same score on all
 * four dimensions. No rating when no customer answered. Sets @score to
 * it (NAN when none). */
gboolean    kefu_assessment_derive_customer (KefuDb            *db,
                                             const char        *round_id,
                                             const char        *staff_id,
                                             double            *score,
                                             GError           **error);

/* Whether @viewer_id may see @staff_id's results: the same person, a
 * supervisor whose unit holds the person's unit, or an administrator. */
gboolean    kefu_assessment_may_view     (KefuDb               *db,
                                          const char           *viewer_id,
                                          const char           *staff_id);

/* The result sheet of @staff_id in a round, for the signed-in user
 * (KEFU_ERROR_PERMISSION when they may not see it). Returns: (transfer full) */
KefuAssessmentResult *kefu_assessment_result (KefuDb           *db,
                                              const char       *round_id,
                                              const char       *staff_id,
                                              GError          **error);
/* Every round's result of @staff_id, newest first. Element type
 * KefuAssessmentResult. */
GPtrArray  *kefu_assessment_history      (KefuDb               *db,
                                          const char           *staff_id,
                                          GError              **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KefuAssessmentRound, kefu_assessment_round_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KefuAssessmentResult, kefu_assessment_result_free)

G_END_DECLS
