/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "kefu-cases.h"
#include "kefu-sla.h"

G_BEGIN_DECLS

/* Internal API shared by kefu-cases.c, kefu-claims.c, kefu-follow-ups.c,
 * kefu-notifications.c, kefu-attachments.c and kefu-sample-cases.c. */

#define KEFU_OPEN_STATUSES_SQL "('new','assigned','in_progress','waiting')"

/* A change of one case inside the caller's transaction: @c is a copy of
 * the stored case to change; the runner writes the difference. */
typedef gboolean (*KefuCaseAction) (KefuDb    *db,
                                    KefuCase  *c,
                                    gpointer   data,
                                    GError   **error);

/* Begins a transaction, loads the case, runs @action on a copy, updates
 * next_due, writes the difference (one change set, version checked) and
 * commits; rolls everything back when any step fails. */
gboolean   _kefu_cases_run              (KefuDb          *db,
                                         const char      *case_id,
                                         KefuCaseAction   action,
                                         gpointer         data,
                                         GError         **error);

/* Reads a live case (NULL + KEFU_ERROR_NOT_FOUND when missing). */
KefuCase  *_kefu_cases_load             (KefuDb          *db,
                                         const char      *id,
                                         GError         **error);
/* Inserts a case row (all fields of @c, id and number set) and its
 * search tokens; @record FALSE skips the audit and outbox entries (bulk
 * sample data only). */
gboolean   _kefu_cases_insert_row       (KefuDb          *db,
                                         KefuCase        *c,
                                         gboolean         record,
                                         GError         **error);
/* Writes the fields of @c that differ from @old. */
gboolean   _kefu_cases_write            (KefuDb          *db,
                                         const KefuCase  *old,
                                         KefuCase        *c,
                                         GError         **error);
gboolean   _kefu_cases_insert_event     (KefuDb          *db,
                                         const char      *case_id,
                                         const char      *kind,
                                         const char      *actor_id,
                                         gint64           at,
                                         const char      *field,
                                         const char      *old_value,
                                         const char      *new_value,
                                         const char      *body,
                                         gboolean         record,
                                         GError         **error);
/* Appends an event by the signed-in user at the cases clock's now, and
 * stamps @c->last_action_at. */
gboolean   _kefu_cases_add_event        (KefuDb          *db,
                                         KefuCase        *c,
                                         const char      *kind,
                                         const char      *field,
                                         const char      *old_value,
                                         const char      *new_value,
                                         const char      *body,
                                         GError         **error);
void       _kefu_cases_update_next_due  (KefuCase        *c);
/* The next number for @branch_code on the local day of @at. */
char      *_kefu_cases_next_number      (KefuDb          *db,
                                         const char      *branch_code,
                                         gint64           at,
                                         GError         **error);
/* Search tokens of a case (subject, description, tracking number, number,
 * customer name). Returns: (transfer full) */
char      *_kefu_cases_tokens           (const KefuCase  *c);
/* Sets the customer's last contact to @at (if later) and, for a new
 * complaint, counts it in complaints_12m; re-evaluates the segment. */
gboolean   _kefu_cases_touch_customer   (KefuDb          *db,
                                         const char      *customer_id,
                                         gint64           at,
                                         gboolean         new_complaint,
                                         GError         **error);
/* The general form: last contact at least @at, complaints_12m increased
 * by @add_complaints and at least @min_complaints; @rules the segment
 * rules (NULL: read them). */
gboolean   _kefu_cases_customer_activity (KefuDb         *db,
                                          const char     *customer_id,
                                          gint64          at,
                                          gint64          add_complaints,
                                          gint64          min_complaints,
                                          GPtrArray      *rules,
                                          GError        **error);
/* Active supervisors of @branch_id (administrators when it has none),
 * with an authorization limit of at least @min_limit_cents. Falls back to
 * any such supervisor or administrator in the database.
 * Returns: (transfer full) (element-type utf8): staff ids */
GPtrArray *_kefu_cases_supervisors      (KefuDb          *db,
                                         const char      *branch_id,
                                         gint64           min_limit_cents,
                                         GError         **error);
gboolean   _kefu_cases_require_text     (const char      *text,
                                         const char      *message,
                                         GError         **error);

/* EXPLAIN QUERY PLAN of the first page of @q, one step a line (tests
 * check that every queue is index-backed). Returns: (transfer full) */
char      *_kefu_cases_query_plan       (KefuDb               *db,
                                         const KefuCaseQuery  *q,
                                         GError              **error);

/* kefu-notifications.c */
gboolean   _kefu_notify                 (KefuDb          *db,
                                         const char      *staff_id,
                                         const char      *case_id,
                                         const char      *kind,
                                         const char      *text,
                                         gint64           at,
                                         GError         **error);

/* kefu-follow-ups.c */
gboolean   _kefu_follow_ups_create      (KefuDb          *db,
                                         KefuCase        *c,
                                         const char      *kind,
                                         const char      *assignee_id,
                                         gint64           due_at,
                                         GError         **error);
gboolean   _kefu_follow_ups_cancel_open (KefuDb          *db,
                                         KefuCase        *c,
                                         const char      *reason,
                                         GError         **error);

G_END_DECLS
