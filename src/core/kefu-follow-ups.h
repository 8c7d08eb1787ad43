/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "kefu-db.h"

G_BEGIN_DECLS

/* Follow-up calls (回访). Closing a case creates a "follow_up" task for its
 * owner; recording the call stores a survey answer (satisfaction 1–5,
 * likelihood to recommend 0–10, a comment). A low score (satisfaction 2
 * or less, or 6 or less out of 10) creates a "recovery" task for the
 * branch supervisor. */

#define KEFU_SURVEY_LOW_SATISFACTION 2
#define KEFU_SURVEY_LOW_NPS          6

typedef struct
{
  char   *id;
  char   *case_id;
  char   *case_number;
  char   *case_subject;
  char   *customer_id;
  char   *customer_name;
  char   *kind;          /* "follow_up" or "recovery" */
  char   *status;        /* "open", "done", "cancelled" */
  char   *assignee_id;
  char   *assignee_name;
  gint64  due_at;
  gint64  done_at;
  char   *result;
  gint64  version;
} KefuFollowUp;

typedef struct
{
  char   *id;
  char   *case_id;
  char   *case_number;
  char   *customer_id;
  gint    satisfaction;  /* 1–5 */
  gint    nps;           /* 0–10 */
  char   *comment;
  gint64  at;
} KefuSurveyAnswer;

void          kefu_follow_up_free             (KefuFollowUp     *f);
void          kefu_survey_answer_free         (KefuSurveyAnswer *a);
const char   *kefu_follow_up_kind_label       (const char       *kind);

KefuFollowUp *kefu_follow_ups_get             (KefuDb      *db,
                                               const char  *id,
                                               GError     **error);
/* Element type KefuFollowUp, by due date. */
GPtrArray    *kefu_follow_ups_list_for_case   (KefuDb      *db,
                                               const char  *case_id,
                                               GError     **error);
/* Records the call: the survey answer, the task done, the case's
 * timeline, the customer's last contact, and a recovery task when the
 * score is low. Out-of-range scores are refused. */
gboolean      kefu_follow_ups_record          (KefuDb      *db,
                                               const char  *follow_up_id,
                                               gint         satisfaction,
                                               gint         nps,
                                               const char  *comment,
                                               GError     **error);
/* The call cannot be made (customer unreachable, declined). */
gboolean      kefu_follow_ups_cancel          (KefuDb      *db,
                                               const char  *follow_up_id,
                                               const char  *reason,
                                               GError     **error);
/* The customer's answers, newest first. Element type KefuSurveyAnswer. */
GPtrArray    *kefu_surveys_list_for_customer  (KefuDb      *db,
                                               const char  *customer_id,
                                               GError     **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KefuFollowUp, kefu_follow_up_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KefuSurveyAnswer, kefu_survey_answer_free)

G_END_DECLS
