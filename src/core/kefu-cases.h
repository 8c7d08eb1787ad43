/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "kefu-db.h"
#include "kefu-customers.h"

G_BEGIN_DECLS

/* Cases (工单): intake, handling, deadlines, timeline, queues.
 *
 * Keys stored in the database, with kefu_case_*_label() for the
 * translated names:
 *   kind     inquiry, tracking, complaint, claim, suggestion, service
 *   channel  phone, counter, online, email, letter, social
 *   priority low, normal, high, urgent
 *   status   new → assigned → in_progress ⇄ waiting → resolved → closed,
 *            and reopen (resolved / closed → in_progress)
 *
 * Times are Unix milliseconds (0 = not set); amounts are in fen (cents).
 * Every write is one transaction (or joins the caller's) and appends the
 * audit and outbox entries of each row it changes. */

/* kefu_cases_count() stops here; show "10,000+" (or "1,000+" for a
 * search) and ask for a filter or more words. */
#define KEFU_CASE_COUNT_CAP        10000
#define KEFU_CASE_SEARCH_COUNT_CAP 1000

/* The largest amount a claim may have: 1,000,000 yuan. */
#define KEFU_CLAIM_MAX_CENTS G_GINT64_CONSTANT (100000000)

typedef struct
{
  gint64    rowid;
  char     *id;
  gint64    version;
  char     *number;            /* branch code + YYYYMMDD + daily sequence */
  char     *kind;
  char     *category_id;
  char     *channel;
  char     *priority;
  char     *status;
  char     *customer_id;
  char     *tracking_number;   /* normalised (upper case, no spaces) */
  char     *subject;
  char     *description;
  char     *resolution;
  char     *branch_id;
  char     *department_id;
  char     *assignee_id;
  char     *owner_id;          /* first-contact owner (首问负责): never changes */
  char     *sla_policy_id;
  gint64    created_at;        /* when the case was received; 0 on create = now */
  gint64    first_response_due;
  gint64    resolution_due;
  gint64    first_response_at;
  gint64    resolved_at;
  gint64    closed_at;
  gint64    paused_at;         /* set while waiting on the customer */
  gint64    paused_total;      /* business minutes spent waiting so far */
  gboolean  warned;
  gboolean  escalated;
  gint64    last_action_at;
  gint64    next_due;          /* nearest running deadline; 0 while paused or done */

  /* Compensation claims (kind "claim"). */
  gint64    claim_amount_cents;
  gint64    declared_value_cents;   /* 0 = no declared value */
  gboolean  insured;
  char     *decision;          /* NULL, "accept", "partial", "reject" */
  gint64    approved_amount_cents;  /* valid when decision is set */
  char     *decision_note;
  char     *decided_by;
  gint64    decided_at;
  char     *approval_status;   /* NULL, "pending", "approved", "rejected" */
  char     *approver_id;
  gint64    approved_at;
  char     *approval_note;
  char     *payment_date;      /* "YYYY-MM-DD" */
  char     *payment_ref;

  /* Read-only, joined when the case is read. */
  char     *customer_name;
  char     *customer_segment;
  char     *branch_code;
  char     *department_name;
  char     *assignee_name;
  char     *owner_name;
  char     *category_name;
  char     *decided_by_name;
  char     *approver_name;
} KefuCase;

/* One timeline entry. Append-only. How the fields are used per kind:
 *   created      new_value = status, body = subject
 *   status       field "status", old/new status keys, body = note
 *   assigned,    field "assignee_id" or "department_id", old/new ids
 *   transferred  (old_label/new_label hold the names), body = note
 *   priority     field "priority", old/new keys, body = note
 *   note         body (internal, never shown to the customer)
 *   contact      field = medium (call, sms, visit, email, wechat, letter),
 *                new_value = direction ("in" / "out"), body = summary
 *   deadline     field "first_response_due" / "resolution_due", old/new
 *                as decimal Unix ms, body = why
 *   warned       field = the deadline, new_value = share of time used (%)
 *   escalated    field = the deadline that was breached
 *   claim        field = what changed (claim_amount_cents, decision,
 *                payment…), old/new values, body = note
 *   approval     field "approval_status", old/new, body = reason
 *   follow_up    field "follow_up", new_value "created" / "done" /
 *                "recovery" / "cancelled", body = result
 *   attachment   new_value = SHA-256, body = file name
 *   edited       field = subject / description / tracking_number /
 *                category_id, old/new */
typedef struct
{
  char   *id;
  char   *case_id;
  char   *kind;
  char   *actor_id;
  char   *actor_name;
  gint64  at;
  char   *field;
  char   *old_value;
  char   *new_value;
  char   *old_label;
  char   *new_label;
  char   *body;
} KefuCaseEvent;

/* One row of a case list; plain data, filled from a page query. */
typedef struct
{
  gint64    rowid;
  char     *id;
  char     *number;
  char     *kind;
  char     *status;
  char     *priority;
  char     *channel;
  char     *subject;
  char     *customer_id;
  char     *customer_name;
  char     *tracking_number;
  char     *assignee_name;
  char     *department_name;
  gint64    created_at;
  gint64    first_response_due;
  gint64    resolution_due;
  gint64    next_due;
  gint64    last_action_at;
  gint64    closed_at;
  gboolean  warned;
  gboolean  escalated;
  char     *approval_status;
  gint64    claim_amount_cents;
  gint64    approved_amount_cents;
  /* Queue "follow-ups due": the task. */
  char     *follow_up_id;
  char     *follow_up_kind;
  gint64    follow_up_due;
} KefuCaseSummary;

typedef enum
{
  KEFU_CASE_QUEUE_ALL,
  KEFU_CASE_QUEUE_MINE,               /* open cases I handle or own */
  KEFU_CASE_QUEUE_BRANCH,             /* open cases of the branch */
  KEFU_CASE_QUEUE_UNASSIGNED,         /* open, no person assigned */
  KEFU_CASE_QUEUE_OVERDUE,            /* a running deadline has passed; most overdue first */
  KEFU_CASE_QUEUE_DUE_TODAY,          /* a running deadline falls later today; soonest first */
  KEFU_CASE_QUEUE_AWAITING_APPROVAL,  /* claim decisions above the decider's limit */
  KEFU_CASE_QUEUE_FOLLOW_UPS_DUE,     /* open follow-up calls due by the end of today */
} KefuCaseQueue;

typedef struct
{
  KefuCaseQueue  queue;
  char          *staff_id;     /* MINE, FOLLOW_UPS_DUE: whose; NULL = the signed-in user
                                  (FOLLOW_UPS_DUE: NULL = everyone's) */
  char          *branch_id;    /* BRANCH: NULL = this office; other queues: NULL = any */
  char          *kind;
  char          *status;       /* MINE and BRANCH show open cases unless a status is given */
  char          *channel;
  char          *category_id;
  char          *assignee_id;
  char          *customer_id;
  gint64         created_from; /* inclusive; 0 = open-ended */
  gint64         created_to;   /* exclusive; 0 = open-ended */
  char          *text;         /* subject, description, tracking number, case number, customer name */
  gint64         now_ms;       /* OVERDUE, DUE_TODAY, FOLLOW_UPS_DUE; 0 = the cases clock */
  GArray        *rowids;       /* only these cases (gint64 rowids, e.g. a dashboard figure's); NULL = any */
} KefuCaseQuery;

/* What intake shows for a caller: the file, open cases, last contacts. */
typedef struct
{
  KefuCustomer *customer;
  char         *matched_by;     /* "phone", "name", "tracking", "case" */
  GPtrArray    *open_cases;     /* KefuCaseSummary*, newest first */
  GPtrArray    *last_contacts;  /* KefuCaseEvent*, newest first */
  guint         n_cases;        /* every case of the customer */
} KefuCallerMatch;

#define KEFU_TYPE_CASE (kefu_case_get_type ())
GType        kefu_case_get_type            (void) G_GNUC_CONST;
KefuCase    *kefu_case_new                 (void);
KefuCase    *kefu_case_copy                (const KefuCase *c);
void         kefu_case_free                (KefuCase       *c);
void         kefu_case_event_free          (KefuCaseEvent  *e);
void         kefu_case_summary_clear       (KefuCaseSummary *s);
void         kefu_case_summary_free        (KefuCaseSummary *s);
void         kefu_case_summary_copy_into   (const KefuCaseSummary *src,
                                            KefuCaseSummary       *dest);
void         kefu_case_query_clear         (KefuCaseQuery  *q);
void         kefu_case_query_copy_into     (const KefuCaseQuery *src,
                                            KefuCaseQuery       *dest);
void         kefu_caller_match_free        (KefuCallerMatch *m);

const char **kefu_case_kind_keys           (void);
const char **kefu_case_channel_keys        (void);
const char **kefu_case_priority_keys       (void);
const char **kefu_case_status_keys         (void);
const char **kefu_contact_medium_keys      (void);
gboolean     kefu_case_kind_is_valid       (const char *kind);
gboolean     kefu_case_channel_is_valid    (const char *channel);
gboolean     kefu_case_priority_is_valid   (const char *priority);
gboolean     kefu_case_status_is_valid     (const char *status);
gboolean     kefu_case_status_is_open      (const char *status);
const char  *kefu_case_kind_label          (const char *kind);
const char  *kefu_case_channel_label       (const char *channel);
const char  *kefu_case_priority_label      (const char *priority);
const char  *kefu_case_status_label        (const char *status);
const char  *kefu_contact_medium_label     (const char *medium);
/* A sentence for the timeline ("Transferred to 王芳"). Returns: (transfer full) */
char        *kefu_case_event_describe      (const KefuCaseEvent *e);

/* Whether a case may go from one status to another; when not, a sentence
 * saying why (KEFU_ERROR_INVALID). */
gboolean     kefu_case_check_transition    (const char *from,
                                            const char *to,
                                            GError    **error);

/* Ageing: whole days since the case was received (until it was closed),
 * and since the last thing happened on it. */
gint         kefu_case_days_open           (const KefuCase *c,
                                            gint64          now_ms);
gint         kefu_case_days_idle           (const KefuCase *c,
                                            gint64          now_ms);

/* The clock of case operations: 0 (default) is real time. Tests and the
 * sample generator pin it. */
void         kefu_cases_set_clock          (KefuDb     *db,
                                            gint64      now_ms);
gint64       kefu_cases_get_now            (KefuDb     *db);

/* --- writes ---------------------------------------------------------- */

/* Checks and saves a new case taken by the signed-in staff member (its
 * first-contact owner). Fills in id, number, status, deadlines, branch
 * and the joined names. With an assignee or department the case starts
 * out assigned. Nothing is written when it fails. */
gboolean     kefu_cases_create             (KefuDb        *db,
                                            KefuCase      *c,
                                            GError       **error);
/* Takes a new (or unassigned) case: assigns it to the signed-in user and
 * starts work on it. */
gboolean     kefu_cases_take               (KefuDb        *db,
                                            const char    *case_id,
                                            GError       **error);
/* Routes the case to a department and/or a person. The first assignment
 * may go without a note; a transfer needs one. The owner stays. */
gboolean     kefu_cases_assign             (KefuDb        *db,
                                            const char    *case_id,
                                            const char    *department_id,
                                            const char    *assignee_id,
                                            const char    *note,
                                            GError       **error);
/* assigned → in progress (by its assignee, or by anyone when it went to
 * a department only), or waiting → in progress (the clock runs again;
 * the deadlines move by the business time spent waiting). */
gboolean     kefu_cases_start              (KefuDb        *db,
                                            const char    *case_id,
                                            GError       **error);
/* Waiting on the customer: the clock stops. */
gboolean     kefu_cases_wait               (KefuDb        *db,
                                            const char    *case_id,
                                            const char    *note,
                                            GError       **error);
gboolean     kefu_cases_resolve            (KefuDb        *db,
                                            const char    *case_id,
                                            const char    *resolution,
                                            GError       **error);
/* Closes a resolved case and creates its follow-up call, due
 * @follow_up_days days later. */
gboolean     kefu_cases_close              (KefuDb        *db,
                                            const char    *case_id,
                                            guint          follow_up_days,
                                            GError       **error);
gboolean     kefu_cases_reopen             (KefuDb        *db,
                                            const char    *case_id,
                                            const char    *reason,
                                            GError       **error);
/* Any of the above by target status: "in_progress" takes, starts,
 * resumes or reopens (with @text as the reason), "waiting", "resolved"
 * (@text = resolution), "closed" (follow-up after 3 days). */
gboolean     kefu_cases_set_status         (KefuDb        *db,
                                            const char    *case_id,
                                            const char    *status,
                                            const char    *text,
                                            GError       **error);
/* A new priority recomputes the deadlines from its service standard. */
gboolean     kefu_cases_set_priority       (KefuDb        *db,
                                            const char    *case_id,
                                            const char    *priority,
                                            const char    *note,
                                            GError       **error);
/* Moves the resolution deadline (supervisors and administrators only). */
gboolean     kefu_cases_set_deadline       (KefuDb        *db,
                                            const char    *case_id,
                                            gint64         resolution_due,
                                            const char    *reason,
                                            GError       **error);
/* Subject, description, tracking number and category of @c (read with
 * kefu_cases_get() and edited). */
gboolean     kefu_cases_update_details     (KefuDb        *db,
                                            const KefuCase *c,
                                            GError       **error);
/* An internal note on the timeline. */
gboolean     kefu_cases_add_note           (KefuDb        *db,
                                            const char    *case_id,
                                            const char    *body,
                                            GError       **error);
/* A contact with the customer; the first one from our side records the
 * first response (an outgoing contact, or a call or visit either way). */
gboolean     kefu_cases_add_contact        (KefuDb        *db,
                                            const char    *case_id,
                                            const char    *medium,
                                            const char    *direction,
                                            const char    *body,
                                            GError       **error);

/* Flags running cases past @warn_percent of their current time limit
 * (event "warned", the assignee notified) and escalates breached ones
 * (event "escalated"; owner, assignee and the branch supervisors
 * notified). Each case is warned and escalated once. */
gboolean     kefu_cases_check_sla          (KefuDb        *db,
                                            gint64         now_ms,
                                            guint          warn_percent,
                                            guint         *n_warned,
                                            guint         *n_escalated,
                                            GError       **error);

/* --- reads ----------------------------------------------------------- */

KefuCase    *kefu_cases_get                (KefuDb        *db,
                                            const char    *id,
                                            GError       **error);
KefuCase    *kefu_cases_get_by_number      (KefuDb        *db,
                                            const char    *number,
                                            GError       **error);
/* Newest first, with actor names. Element type KefuCaseEvent. */
GPtrArray   *kefu_cases_timeline           (KefuDb        *db,
                                            const char    *case_id,
                                            GError       **error);
/* Counts at most KEFU_CASE_COUNT_CAP cases, KEFU_CASE_SEARCH_COUNT_CAP
 * when @q has search text. */
gboolean     kefu_cases_count              (KefuDb              *db,
                                            const KefuCaseQuery *q,
                                            guint               *n_items,
                                            GError             **error);
/* Fills @rows (a GArray of KefuCaseSummary) with up to @limit rows from
 * @offset: newest first, except OVERDUE and DUE_TODAY (by deadline) and
 * FOLLOW_UPS_DUE (by follow-up due date). With search text the order is
 * the order cases were recorded on this machine, newest first. */
gboolean     kefu_cases_page               (KefuDb              *db,
                                            const KefuCaseQuery *q,
                                            guint                offset,
                                            guint                limit,
                                            GArray              *rows,
                                            GError             **error);
/* Intake look-up by phone (in any form), name, tracking number or case
 * number. Element type KefuCallerMatch, best first; at most 10. */
GPtrArray   *kefu_cases_lookup_caller      (KefuDb        *db,
                                            const char    *text,
                                            GError       **error);
/* The newest case of @customer_id for @tracking_number that is not
 * closed, to offer before a new one is made; NULL (no error) if none. */
KefuCase    *kefu_cases_find_open_duplicate (KefuDb       *db,
                                             const char   *customer_id,
                                             const char   *tracking_number,
                                             GError      **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KefuCase, kefu_case_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KefuCaseEvent, kefu_case_event_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KefuCallerMatch, kefu_caller_match_free)

G_END_DECLS
