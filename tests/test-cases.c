/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "kefu-attachments.h"
#include "kefu-cases.h"
#include "kefu-cases-private.h"
#include "kefu-claims.h"
#include "kefu-follow-ups.h"
#include "kefu-notifications.h"
#include "kefu-sla.h"
#include "kefu-test-util.h"
#include "kefu-tracking.h"

#define CALENDARS SRCDIR "/data/calendars"
#define HOUR_MS   G_GINT64_CONSTANT (3600000)
#define MIN_MS    G_GINT64_CONSTANT (60000)

/* A branch with an agent (limit ¥500), a second agent, a supervisor
 * (limit ¥10,000), a supervisor with a low limit (¥1,000), a delivery
 * department and two customers; the agent is signed in and the clock
 * stands at @now. */
typedef struct
{
  KefuTestDb *t;
  KefuDb     *db;
  char       *office_id;
  char       *admin;
  char       *agent;
  char       *agent2;
  char       *supervisor;
  char       *low_supervisor;
  char       *delivery;
  char       *zhang;      /* 张伟, 138 1234 5678 */
  char       *li;         /* 李娜, 139 8765 4321 */
} Fixture;

static char *
add_staff (KefuDb     *db,
           const char *office,
           const char *username,
           const char *name,
           const char *role,
           gint64      limit)
{
  KefuStaff s = { 0 };
  g_autoptr(GError) error = NULL;
  char *id;

  s.org_unit_id = (char *) office;
  s.username = (char *) username;
  s.name = (char *) name;
  s.role = (char *) role;
  s.auth_limit_cents = limit;
  g_assert_true (kefu_org_create_staff (db, &s, &error));
  g_assert_no_error (error);
  id = s.id;
  return id;
}

static char *
add_customer (KefuDb     *db,
              const char *name,
              const char *phone)
{
  g_autoptr(KefuCustomer) c = kefu_customer_new ();
  g_autoptr(GError) error = NULL;

  c->name = g_strdup (name);
  c->kind = g_strdup ("person");
  kefu_customer_add_contact (c, "phone", "mobile", phone);
  g_assert_true (kefu_customers_create (db, c, &error));
  g_assert_no_error (error);
  return g_strdup (c->id);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(KefuOrgUnit) office = NULL;
  g_autofree char *sql = NULL;

  f->t = kefu_test_db_new (TRUE);
  f->db = f->t->db;
  office = kefu_org_get_office (f->db);
  f->office_id = g_strdup (office->id);
  f->admin = g_strdup (kefu_db_get_actor (f->db));
  f->agent = add_staff (f->db, office->id, "wangfang", "王芳", "agent", 50000);
  f->agent2 = add_staff (f->db, office->id, "liuyang", "刘洋", "agent", 50000);
  f->supervisor = add_staff (f->db, office->id, "chenjing", "陈静", "supervisor", 1000000);
  f->low_supervisor = add_staff (f->db, office->id, "zhaolei", "赵磊", "supervisor", 100000);
  f->delivery = g_strdup ("01900000-0000-7000-8000-00000000d001");
  sql = g_strdup_printf ("INSERT INTO department (id, org_unit_id, name, kind) VALUES ('%s', '%s', '投递部', 'delivery')",
                         f->delivery, office->id);
  g_assert_true (kefu_db_exec (f->db, sql, NULL));
  /* The shipped calendar is seeded on first use; do it now so that the
   * tests count only their own rows. */
  g_assert_nonnull (kefu_calendar_get_for_db (f->db, NULL));
  f->zhang = add_customer (f->db, "张伟", "138 1234 5678");
  f->li = add_customer (f->db, "李娜", "13987654321");
  kefu_db_set_actor (f->db, f->agent);
  /* Monday 15 September 2025, 09:00. */
  kefu_cases_set_clock (f->db, kefu_local_time_ms (2025, 9, 15, 9, 0));
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_free (f->office_id);
  g_free (f->admin);
  g_free (f->agent);
  g_free (f->agent2);
  g_free (f->supervisor);
  g_free (f->low_supervisor);
  g_free (f->delivery);
  g_free (f->zhang);
  g_free (f->li);
  kefu_test_db_free (f->t);
}

static void
set_clock (Fixture *f,
           int      y,
           int      mo,
           int      d,
           int      h,
           int      mi)
{
  kefu_cases_set_clock (f->db, kefu_local_time_ms (y, mo, d, h, mi));
}

static KefuCase *
new_case (const char *customer_id,
          const char *kind,
          const char *subject)
{
  KefuCase *c = kefu_case_new ();

  c->customer_id = g_strdup (customer_id);
  c->kind = g_strdup (kind);
  c->channel = g_strdup ("phone");
  c->subject = g_strdup (subject);
  return c;
}

static char *
create_case (Fixture    *f,
             const char *customer_id,
             const char *kind,
             const char *subject,
             const char *tracking)
{
  g_autoptr(KefuCase) c = new_case (customer_id, kind, subject);
  g_autoptr(GError) error = NULL;

  c->tracking_number = g_strdup (tracking);
  if (g_strcmp0 (kind, "claim") == 0)
    c->claim_amount_cents = 200000;
  g_assert_true (kefu_cases_create (f->db, c, &error));
  g_assert_no_error (error);
  return g_strdup (c->id);
}

static KefuCase *
get_case (Fixture    *f,
          const char *id)
{
  g_autoptr(GError) error = NULL;
  KefuCase *c = kefu_cases_get (f->db, id, &error);

  g_assert_no_error (error);
  g_assert_nonnull (c);
  return c;
}

static void
assert_time (gint64 ms,
             int    y,
             int    mo,
             int    d,
             int    h,
             int    mi)
{
  g_assert_cmpint (ms, ==, kefu_local_time_ms (y, mo, d, h, mi));
}

static guint
count_query (Fixture             *f,
             const KefuCaseQuery *q)
{
  g_autoptr(GError) error = NULL;
  guint n = 0;

  g_assert_true (kefu_cases_count (f->db, q, &n, &error));
  g_assert_no_error (error);
  return n;
}

static guint
search (Fixture    *f,
        const char *text)
{
  KefuCaseQuery q = { .text = (char *) text };

  return count_query (f, &q);
}

/* --- creation -------------------------------------------------------- */

static void
test_create (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(KefuCase) c = new_case (f->zhang, "complaint", "快递破损，外包装压坏");
  g_autoptr(KefuCase) stored = NULL;
  g_autoptr(KefuCustomer) customer = NULL;
  g_autoptr(GPtrArray) timeline = NULL;
  g_autoptr(GError) error = NULL;
  int audit0 = kefu_test_count (f->db, "SELECT count(*) FROM audit_log");
  int outbox0 = kefu_test_count (f->db, "SELECT count(*) FROM outbox");

  /* Friday 26 September 2025, 17:30: two business hours for the first
   * response run into Sunday 28 September, a make-up working day. */
  set_clock (f, 2025, 9, 26, 17, 30);
  c->description = g_strdup ("  客户反映包裹外箱破损，内物完好。  ");
  c->tracking_number = g_strdup ("ee 123 456 785 cn");
  g_assert_true (kefu_cases_create (f->db, c, &error));
  g_assert_no_error (error);

  g_assert_cmpstr (c->number, ==, "TEST01202509260001");
  g_assert_cmpstr (c->status, ==, "new");
  g_assert_cmpstr (c->owner_id, ==, f->agent);
  g_assert_cmpstr (c->owner_name, ==, "王芳");
  g_assert_cmpstr (c->tracking_number, ==, "EE123456785CN");
  assert_time (c->first_response_due, 2025, 9, 28, 10, 30);
  /* Three business days: ½ h Friday, Sunday, Monday, Tuesday until 17:30. */
  assert_time (c->resolution_due, 2025, 9, 30, 17, 30);
  g_assert_cmpint (c->next_due, ==, c->first_response_due);

  stored = get_case (f, c->id);
  g_assert_cmpstr (stored->number, ==, c->number);
  g_assert_cmpstr (stored->description, ==, "客户反映包裹外箱破损，内物完好。");
  g_assert_cmpstr (stored->customer_name, ==, "张伟");
  g_assert_cmpstr (stored->branch_code, ==, "TEST01");
  g_assert_nonnull (stored->sla_policy_id);

  /* The case, its event and the customer: an audit and an outbox entry each. */
  g_assert_cmpint (kefu_test_count (f->db, "SELECT count(*) FROM audit_log"), ==, audit0 + 3);
  g_assert_cmpint (kefu_test_count (f->db, "SELECT count(*) FROM outbox"), ==, outbox0 + 3);
  g_assert_cmpint (kefu_test_count (f->db, "SELECT count(*) FROM outbox WHERE entity = 'kcase' AND op = 'insert'"), ==, 1);

  customer = kefu_customers_get (f->db, f->zhang, NULL);
  g_assert_cmpint (customer->complaints_12m, ==, 1);
  g_assert_cmpint (customer->last_contact_at, ==, kefu_local_time_ms (2025, 9, 26, 17, 30));

  timeline = kefu_cases_timeline (f->db, c->id, &error);
  g_assert_cmpuint (timeline->len, ==, 1);
  g_assert_cmpstr (((KefuCaseEvent *) timeline->pdata[0])->kind, ==, "created");
  g_assert_cmpstr (((KefuCaseEvent *) timeline->pdata[0])->actor_name, ==, "王芳");
  g_assert_cmpuint (search (f, "破损"), ==, 1);
}

static void
test_national_day_deadlines (Fixture       *f,
                             gconstpointer  data)
{
  g_autofree char *id = NULL;
  g_autoptr(KefuCase) c = NULL;

  /* Tuesday 30 September 17:30, the evening before the National Day
   * holiday (1–8 October): the first response falls on Thursday 9
   * October, the resolution on Saturday 11 October, a make-up day. */
  set_clock (f, 2025, 9, 30, 17, 30);
  id = create_case (f, f->zhang, "complaint", "国庆前投诉：派送延误", NULL);
  c = get_case (f, id);
  assert_time (c->first_response_due, 2025, 10, 9, 10, 30);
  assert_time (c->resolution_due, 2025, 10, 11, 17, 30);
}

static void
test_sequence_per_branch_per_day (Fixture       *f,
                                  gconstpointer  data)
{
  KefuOrgUnit other = { 0 };
  g_autoptr(GError) error = NULL;
  const char *expected[] = { "TEST01202509150001", "TEST01202509150002", "TEST01202509150003" };

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_autoptr(KefuCase) c = new_case (f->zhang, "inquiry", "查询运费");

      g_assert_true (kefu_cases_create (f->db, c, &error));
      g_assert_cmpstr (c->number, ==, expected[i]);
    }
  /* Just before midnight and just after, Beijing time. */
  set_clock (f, 2025, 9, 15, 23, 59);
  {
    g_autoptr(KefuCase) c = new_case (f->zhang, "inquiry", "查询网点营业时间");

    g_assert_true (kefu_cases_create (f->db, c, &error));
    g_assert_cmpstr (c->number, ==, "TEST01202509150004");
  }
  set_clock (f, 2025, 9, 16, 0, 1);
  {
    g_autoptr(KefuCase) c = new_case (f->zhang, "inquiry", "查询网点营业时间");

    g_assert_true (kefu_cases_create (f->db, c, &error));
    g_assert_cmpstr (c->number, ==, "TEST01202509160001");
  }

  other.code = g_strdup ("SH0203");
  other.name = g_strdup ("浦东张江营业部");
  other.level = g_strdup ("branch");
  g_assert_true (kefu_org_create_unit (f->db, &other, &error));
  {
    g_autoptr(KefuCase) c = new_case (f->li, "inquiry", "查询");

    c->branch_id = g_strdup (other.id);
    g_assert_true (kefu_cases_create (f->db, c, &error));
    g_assert_no_error (error);
    g_assert_cmpstr (c->number, ==, "SH0203202509160001");
  }
  g_free (other.id); g_free (other.code); g_free (other.name); g_free (other.level);
}

typedef struct
{
  const char *what;
  const char *message_part;
  void      (*spoil) (Fixture *f, KefuCase *c);
} BadInput;

static void spoil_negative (Fixture *f, KefuCase *c) { kefu_set_str (&c->kind, "claim"); c->claim_amount_cents = -5000; kefu_set_str (&c->tracking_number, "EE123456785CN"); }
static void spoil_absurd (Fixture *f, KefuCase *c) { kefu_set_str (&c->kind, "claim"); c->claim_amount_cents = KEFU_CLAIM_MAX_CENTS + 100; kefu_set_str (&c->tracking_number, "EE123456785CN"); }
static void spoil_declared (Fixture *f, KefuCase *c) { kefu_set_str (&c->kind, "claim"); c->claim_amount_cents = 1000; c->declared_value_cents = -1; kefu_set_str (&c->tracking_number, "EE123456785CN"); }
static void spoil_amount_on_inquiry (Fixture *f, KefuCase *c) { c->claim_amount_cents = 1000; }
static void spoil_future (Fixture *f, KefuCase *c) { c->created_at = kefu_cases_get_now (f->db) + 2 * HOUR_MS; }
static void spoil_ancient (Fixture *f, KefuCase *c) { c->created_at = kefu_local_time_ms (2023, 1, 1, 9, 0); }
static void spoil_no_customer (Fixture *f, KefuCase *c) { kefu_set_str (&c->customer_id, "  "); }
static void spoil_missing_customer (Fixture *f, KefuCase *c) { kefu_set_str (&c->customer_id, "01900000-0000-7000-8000-00000000dead"); }
static void spoil_subject (Fixture *f, KefuCase *c) { kefu_set_str (&c->subject, " \t "); }
static void spoil_kind (Fixture *f, KefuCase *c) { kefu_set_str (&c->kind, "praise"); }
static void spoil_channel (Fixture *f, KefuCase *c) { kefu_set_str (&c->channel, "pigeon"); }
static void spoil_check_digit (Fixture *f, KefuCase *c) { kefu_set_str (&c->tracking_number, "EE123456784CN"); }
static void spoil_claim_tracking (Fixture *f, KefuCase *c) { kefu_set_str (&c->kind, "claim"); c->claim_amount_cents = 1000; }
static void spoil_assignee (Fixture *f, KefuCase *c) { kefu_set_str (&c->assignee_id, "01900000-0000-7000-8000-00000000beef"); }

static void
test_bad_input_writes_nothing (Fixture       *f,
                               gconstpointer  data)
{
  static const BadInput bad[] = {
    { "negative claim", "negative", spoil_negative },
    { "absurd claim", "1,000,000", spoil_absurd },
    { "negative declared value", "negative", spoil_declared },
    { "amount on an inquiry", "claim", spoil_amount_on_inquiry },
    { "received in the future", "future", spoil_future },
    { "received long ago", "year", spoil_ancient },
    { "no customer", "customer", spoil_no_customer },
    { "missing customer", "customer", spoil_missing_customer },
    { "blank subject", "subject", spoil_subject },
    { "unknown kind", "kind", spoil_kind },
    { "unknown channel", "channel", spoil_channel },
    { "wrong check digit", "check digit", spoil_check_digit },
    { "claim without tracking number", "tracking number", spoil_claim_tracking },
    { "unknown assignee", "does not exist", spoil_assignee },
  };
  const char *tables[] = { "kcase", "case_event", "kcase_fts", "audit_log", "outbox", "case_sequence", "notification" };
  int before[G_N_ELEMENTS (tables)];

  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM %s", tables[i]);

      before[i] = kefu_test_count (f->db, sql);
    }

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(KefuCase) c = new_case (f->zhang, "inquiry", "查询包裹");
      g_autoptr(GError) error = NULL;

      bad[i].spoil (f, c);
      g_test_message ("%s", bad[i].what);
      g_assert_false (kefu_cases_create (f->db, c, &error));
      g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
      if (strstr (error->message, bad[i].message_part) == NULL)
        g_error ("%s: message “%s” does not mention “%s”", bad[i].what, error->message, bad[i].message_part);
      g_assert_null (c->id);
      g_assert_null (c->number);
      g_assert_false (kefu_db_in_transaction (f->db));
    }

  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM %s", tables[i]);

      g_assert_cmpint (kefu_test_count (f->db, sql), ==, before[i]);
    }
  /* Signed out: nobody would own the case. */
  {
    g_autoptr(KefuCase) c = new_case (f->zhang, "inquiry", "查询包裹");
    g_autoptr(GError) error = NULL;

    kefu_db_set_actor (f->db, NULL);
    g_assert_false (kefu_cases_create (f->db, c, &error));
    g_assert_error (error, KEFU_ERROR, KEFU_ERROR_PERMISSION);
  }
}

/* --- lifecycle ------------------------------------------------------- */

static void
assert_refused (gboolean     ok,
                GError      *error,
                const char  *part)
{
  g_assert_false (ok);
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
  if (strstr (error->message, part) == NULL)
    g_error ("message “%s” does not say “%s”", error->message, part);
}

static void
test_transitions (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *id = create_case (f, f->zhang, "complaint", "派送员态度差", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) follow_ups = NULL;
  g_autoptr(KefuCase) c = NULL;
  gboolean ok;

  /* The pure rule. */
  g_assert_true (kefu_case_check_transition ("new", "assigned", NULL));
  g_assert_true (kefu_case_check_transition ("waiting", "in_progress", NULL));
  g_assert_true (kefu_case_check_transition ("closed", "in_progress", NULL));
  g_assert_false (kefu_case_check_transition ("resolved", "waiting", NULL));
  g_assert_false (kefu_case_check_transition ("in_progress", "new", NULL));
  g_assert_false (kefu_case_check_transition ("closed", "resolved", NULL));

  ok = kefu_cases_resolve (f->db, id, "已处理", &error);
  assert_refused (ok, error, "A new case must be assigned or taken before it can be resolved");
  g_clear_error (&error);
  ok = kefu_cases_wait (f->db, id, NULL, &error);
  assert_refused (ok, error, "must be assigned or taken");
  g_clear_error (&error);
  ok = kefu_cases_close (f->db, id, 3, &error);
  assert_refused (ok, error, "Nothing can be closed without a resolution");
  g_clear_error (&error);
  ok = kefu_cases_start (f->db, id, &error);
  assert_refused (ok, error, "Take the case");
  g_clear_error (&error);

  g_assert_true (kefu_cases_take (f->db, id, &error));
  g_assert_no_error (error);
  c = get_case (f, id);
  g_assert_cmpstr (c->status, ==, "in_progress");
  g_assert_cmpstr (c->assignee_id, ==, f->agent);
  g_clear_pointer (&c, kefu_case_free);

  ok = kefu_cases_take (f->db, id, &error);
  assert_refused (ok, error, "already working");
  g_clear_error (&error);
  ok = kefu_cases_close (f->db, id, 3, &error);
  assert_refused (ok, error, "Nothing can be closed without a resolution");
  g_clear_error (&error);
  ok = kefu_cases_set_status (f->db, id, "new", NULL, &error);
  assert_refused (ok, error, "cannot go back to new");
  g_clear_error (&error);
  ok = kefu_cases_resolve (f->db, id, "   ", &error);
  assert_refused (ok, error, "Describe the resolution");
  g_clear_error (&error);
  ok = kefu_cases_reopen (f->db, id, "客户不满意", &error);
  assert_refused (ok, error, "Only a resolved or closed case");
  g_clear_error (&error);

  g_assert_true (kefu_cases_wait (f->db, id, "等待客户提供照片", &error));
  g_assert_true (kefu_cases_start (f->db, id, &error));
  g_assert_true (kefu_cases_resolve (f->db, id, "已向客户道歉，并对投递员进行培训。", &error));
  g_assert_no_error (error);
  ok = kefu_cases_wait (f->db, id, NULL, &error);
  assert_refused (ok, error, "reopen it first");
  g_clear_error (&error);

  set_clock (f, 2025, 9, 16, 10, 0);
  g_assert_true (kefu_cases_close (f->db, id, 3, &error));
  g_assert_no_error (error);
  c = get_case (f, id);
  g_assert_cmpstr (c->status, ==, "closed");
  assert_time (c->closed_at, 2025, 9, 16, 10, 0);
  g_assert_cmpint (c->next_due, ==, 0);
  g_clear_pointer (&c, kefu_case_free);

  /* Closing planned the follow-up call for the owner. */
  follow_ups = kefu_follow_ups_list_for_case (f->db, id, &error);
  g_assert_cmpuint (follow_ups->len, ==, 1);
  g_assert_cmpstr (((KefuFollowUp *) follow_ups->pdata[0])->kind, ==, "follow_up");
  g_assert_cmpstr (((KefuFollowUp *) follow_ups->pdata[0])->assignee_id, ==, f->agent);
  assert_time (((KefuFollowUp *) follow_ups->pdata[0])->due_at, 2025, 9, 19, 10, 0);
  g_clear_pointer (&follow_ups, g_ptr_array_unref);

  ok = kefu_cases_reopen (f->db, id, "  ", &error);
  assert_refused (ok, error, "Say why");
  g_clear_error (&error);
  g_assert_true (kefu_cases_reopen (f->db, id, "客户再次来电，问题未解决", &error));
  g_assert_no_error (error);
  c = get_case (f, id);
  g_assert_cmpstr (c->status, ==, "in_progress");
  g_assert_cmpint (c->closed_at, ==, 0);
  g_assert_cmpint (c->resolved_at, ==, 0);
  g_assert_cmpint (c->next_due, !=, 0);
  follow_ups = kefu_follow_ups_list_for_case (f->db, id, &error);
  g_assert_cmpstr (((KefuFollowUp *) follow_ups->pdata[0])->status, ==, "cancelled");
}

static void
test_transfer_keeps_owner (Fixture       *f,
                           gconstpointer  data)
{
  g_autofree char *id = create_case (f, f->zhang, "tracking", "查询包裹去向", "SF1234567890123");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) timeline = NULL;
  g_autoptr(GPtrArray) notes = NULL;
  g_autoptr(KefuCase) c = NULL;
  gboolean ok;

  ok = kefu_cases_assign (f->db, id, NULL, NULL, "note", &error);
  assert_refused (ok, error, "Choose a department or a person");
  g_clear_error (&error);

  /* The first assignment needs no note. */
  g_assert_true (kefu_cases_assign (f->db, id, NULL, f->agent2, NULL, &error));
  g_assert_no_error (error);
  c = get_case (f, id);
  g_assert_cmpstr (c->status, ==, "assigned");
  g_assert_cmpstr (c->assignee_name, ==, "刘洋");
  g_assert_cmpstr (c->owner_id, ==, f->agent);
  g_clear_pointer (&c, kefu_case_free);

  /* Someone else's case cannot simply be taken or started. */
  ok = kefu_cases_take (f->db, id, &error);
  assert_refused (ok, error, "assigned to 刘洋");
  g_clear_error (&error);
  ok = kefu_cases_start (f->db, id, &error);
  assert_refused (ok, error, "assigned to 刘洋");
  g_clear_error (&error);

  /* Agent 2 starts, then hands it to the delivery department. */
  kefu_db_set_actor (f->db, f->agent2);
  notes = kefu_notifications_list_unread (f->db, NULL, &error);
  g_assert_cmpuint (notes->len, ==, 1);
  g_assert_cmpstr (((KefuNotification *) notes->pdata[0])->kind, ==, "assigned");
  g_assert_true (kefu_cases_start (f->db, id, &error));
  ok = kefu_cases_assign (f->db, id, f->delivery, NULL, "  ", &error);
  assert_refused (ok, error, "Say why the case is handed on");
  g_clear_error (&error);
  g_assert_true (kefu_cases_assign (f->db, id, f->delivery, NULL, "需要投递部核实派送记录", &error));
  g_assert_no_error (error);

  c = get_case (f, id);
  g_assert_cmpstr (c->status, ==, "assigned");
  g_assert_null (c->assignee_id);
  g_assert_cmpstr (c->department_name, ==, "投递部");
  /* 首问负责制: the owner is still the agent who took the call. */
  g_assert_cmpstr (c->owner_id, ==, f->agent);

  timeline = kefu_cases_timeline (f->db, id, &error);
  g_assert_no_error (error);
  {
    gboolean saw_transfer = FALSE;

    for (guint i = 0; i < timeline->len; i++)
      {
        KefuCaseEvent *e = timeline->pdata[i];

        if (g_str_equal (e->kind, "transferred") && g_strcmp0 (e->field, "department_id") == 0)
          {
            g_autofree char *text = kefu_case_event_describe (e);

            saw_transfer = TRUE;
            g_assert_cmpstr (e->new_label, ==, "投递部");
            g_assert_nonnull (strstr (text, "投递部"));
          }
        if (g_str_equal (e->kind, "transferred") && g_strcmp0 (e->field, "assignee_id") == 0)
          {
            g_assert_cmpstr (e->old_label, ==, "刘洋");
            g_assert_cmpstr (e->body, ==, "需要投递部核实派送记录");
            g_assert_cmpstr (e->actor_name, ==, "刘洋");
          }
      }
    g_assert_true (saw_transfer);
  }
  /* Newest first. */
  for (guint i = 1; i < timeline->len; i++)
    g_assert_cmpint (((KefuCaseEvent *) timeline->pdata[i - 1])->at, >=, ((KefuCaseEvent *) timeline->pdata[i])->at);
  g_assert_cmpstr (((KefuCaseEvent *) timeline->pdata[timeline->len - 1])->kind, ==, "created");
}

static void
test_first_response (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *id = create_case (f, f->zhang, "complaint", "包裹延误", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(KefuCase) c = NULL;
  gboolean ok;

  /* An internal note and an incoming text are no response. */
  set_clock (f, 2025, 9, 15, 9, 20);
  g_assert_true (kefu_cases_add_note (f->db, id, "先查一下派送记录", &error));
  g_assert_true (kefu_cases_add_contact (f->db, id, "sms", "in", "客户催促", &error));
  c = get_case (f, id);
  g_assert_cmpint (c->first_response_at, ==, 0);
  g_clear_pointer (&c, kefu_case_free);

  ok = kefu_cases_add_contact (f->db, id, "fax", "out", "x", &error);
  assert_refused (ok, error, "Choose how");
  g_clear_error (&error);
  ok = kefu_cases_add_contact (f->db, id, "call", "out", " ", &error);
  assert_refused (ok, error, "what was said");
  g_clear_error (&error);

  set_clock (f, 2025, 9, 15, 9, 40);
  g_assert_true (kefu_cases_add_contact (f->db, id, "call", "out", "已致电客户说明情况", &error));
  g_assert_no_error (error);
  c = get_case (f, id);
  assert_time (c->first_response_at, 2025, 9, 15, 9, 40);
  /* From now on only the resolution deadline runs. */
  g_assert_cmpint (c->next_due, ==, c->resolution_due);
  assert_time (c->last_action_at, 2025, 9, 15, 9, 40);
}

static void
test_pauses_while_waiting (Fixture       *f,
                           gconstpointer  data)
{
  g_autofree char *id = create_case (f, f->zhang, "complaint", "快递破损", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(KefuCase) c = NULL;
  KefuCaseQuery overdue = { .queue = KEFU_CASE_QUEUE_OVERDUE };
  guint warned = 0, escalated = 0;

  c = get_case (f, id);
  /* Monday 09:00 + 3 business days = Wednesday 18:00. */
  assert_time (c->resolution_due, 2025, 9, 17, 18, 0);
  g_clear_pointer (&c, kefu_case_free);

  g_assert_true (kefu_cases_take (f->db, id, &error));
  set_clock (f, 2025, 9, 15, 9, 30);
  g_assert_true (kefu_cases_add_contact (f->db, id, "call", "out", "请客户提供破损照片", &error));
  set_clock (f, 2025, 9, 15, 10, 0);
  g_assert_true (kefu_cases_wait (f->db, id, "等待客户提供照片", &error));
  g_assert_no_error (error);
  c = get_case (f, id);
  g_assert_cmpstr (c->status, ==, "waiting");
  assert_time (c->paused_at, 2025, 9, 15, 10, 0);
  g_assert_cmpint (c->next_due, ==, 0);
  g_clear_pointer (&c, kefu_case_free);

  /* While the clock stands still the case is neither overdue nor
   * escalated, even long past its original deadline. */
  g_assert_true (kefu_cases_check_sla (f->db, kefu_local_time_ms (2025, 9, 22, 9, 0), 80, &warned, &escalated, &error));
  g_assert_cmpuint (warned + escalated, ==, 0);
  overdue.now_ms = kefu_local_time_ms (2025, 9, 22, 9, 0);
  g_assert_cmpuint (count_query (f, &overdue), ==, 0);

  /* The customer answers Tuesday 10:00: nine business hours later. The
   * deadline moves by exactly that, to Thursday 18:00. */
  set_clock (f, 2025, 9, 16, 10, 0);
  g_assert_true (kefu_cases_start (f->db, id, &error));
  g_assert_no_error (error);
  c = get_case (f, id);
  g_assert_cmpstr (c->status, ==, "in_progress");
  g_assert_cmpint (c->paused_at, ==, 0);
  g_assert_cmpint (c->paused_total, ==, 540);
  assert_time (c->resolution_due, 2025, 9, 18, 18, 0);
  g_assert_cmpint (c->next_due, ==, c->resolution_due);
  g_clear_pointer (&c, kefu_case_free);
  g_assert_cmpint (kefu_test_count (f->db, "SELECT count(*) FROM case_event WHERE kind = 'deadline'"), ==, 1);

  /* A second wait, Thursday 17:00 to Friday 17:00: another working day,
   * an hour before the deadline, which moves to Friday 18:00. */
  set_clock (f, 2025, 9, 18, 17, 0);
  g_assert_true (kefu_cases_wait (f->db, id, NULL, &error));
  set_clock (f, 2025, 9, 19, 17, 0);
  g_assert_true (kefu_cases_set_status (f->db, id, "in_progress", NULL, &error));
  g_assert_no_error (error);
  c = get_case (f, id);
  g_assert_cmpint (c->paused_total, ==, 540 + 540);
  assert_time (c->resolution_due, 2025, 9, 19, 18, 0);
}

static void
test_warn_and_escalate (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *id = create_case (f, f->zhang, "complaint", "包裹延误三天", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) notes = NULL;
  g_autoptr(KefuCase) c = NULL;
  guint warned = 0, escalated = 0;

  /* First response due Monday 11:00 (two business hours). At 10:30 75 %
   * is used: nothing yet. */
  g_assert_true (kefu_cases_check_sla (f->db, kefu_local_time_ms (2025, 9, 15, 10, 30), 80, &warned, &escalated, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (warned, ==, 0);
  g_assert_cmpuint (escalated, ==, 0);

  /* 10:40: 83 %. */
  g_assert_true (kefu_cases_check_sla (f->db, kefu_local_time_ms (2025, 9, 15, 10, 40), 80, &warned, &escalated, &error));
  g_assert_cmpuint (warned, ==, 1);
  g_assert_cmpuint (escalated, ==, 0);
  c = get_case (f, id);
  g_assert_true (c->warned);
  g_assert_false (c->escalated);
  g_clear_pointer (&c, kefu_case_free);
  notes = kefu_notifications_list_unread (f->db, f->agent, &error);
  g_assert_cmpuint (notes->len, ==, 1);
  g_assert_cmpstr (((KefuNotification *) notes->pdata[0])->kind, ==, "warning");
  g_assert_nonnull (strstr (((KefuNotification *) notes->pdata[0])->text, "83%"));
  g_clear_pointer (&notes, g_ptr_array_unref);

  /* Warned once only. */
  g_assert_true (kefu_cases_check_sla (f->db, kefu_local_time_ms (2025, 9, 15, 10, 50), 80, &warned, &escalated, &error));
  g_assert_cmpuint (warned, ==, 0);

  /* 11:05: breached. The owner and the branch supervisors hear of it. */
  g_assert_true (kefu_cases_check_sla (f->db, kefu_local_time_ms (2025, 9, 15, 11, 5), 80, &warned, &escalated, &error));
  g_assert_cmpuint (escalated, ==, 1);
  c = get_case (f, id);
  g_assert_true (c->escalated);
  g_clear_pointer (&c, kefu_case_free);
  g_assert_cmpint (kefu_test_count (f->db, "SELECT count(*) FROM case_event WHERE kind = 'escalated' AND actor_id IS NULL"), ==, 1);
  g_assert_cmpuint (kefu_notifications_count_unread (f->db, f->agent), ==, 2);
  g_assert_cmpuint (kefu_notifications_count_unread (f->db, f->supervisor), ==, 1);
  g_assert_cmpuint (kefu_notifications_count_unread (f->db, f->low_supervisor), ==, 1);
  g_assert_cmpuint (kefu_notifications_count_unread (f->db, f->agent2), ==, 0);
  notes = kefu_notifications_list_unread (f->db, f->supervisor, &error);
  g_assert_cmpstr (((KefuNotification *) notes->pdata[0])->kind, ==, "escalation");
  g_assert_cmpstr (((KefuNotification *) notes->pdata[0])->case_id, ==, id);
  g_assert_nonnull (((KefuNotification *) notes->pdata[0])->case_number);
  /* The signed-in user is back. */
  g_assert_cmpstr (kefu_db_get_actor (f->db), ==, f->agent);

  /* Escalated once only. */
  g_assert_true (kefu_cases_check_sla (f->db, kefu_local_time_ms (2025, 9, 15, 12, 0), 80, &warned, &escalated, &error));
  g_assert_cmpuint (escalated, ==, 0);

  g_assert_true (kefu_notifications_mark_read (f->db, ((KefuNotification *) notes->pdata[0])->id, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (kefu_notifications_count_unread (f->db, f->supervisor), ==, 0);
  g_assert_true (kefu_notifications_mark_read (f->db, ((KefuNotification *) notes->pdata[0])->id, &error));
  g_assert_true (kefu_notifications_mark_all_read (f->db, f->agent, &error));
  g_assert_cmpuint (kefu_notifications_count_unread (f->db, f->agent), ==, 0);
  g_assert_cmpint (kefu_test_count (f->db, "SELECT count(*) FROM outbox WHERE entity = 'notification' AND op = 'update'"), ==, 3);
}

static void
test_priority_and_deadline (Fixture       *f,
                            gconstpointer  data)
{
  g_autofree char *id = create_case (f, f->zhang, "complaint", "投诉", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(KefuCase) c = NULL;
  gboolean ok;

  /* Urgent complaints: 30 minutes / one business day. */
  g_assert_true (kefu_cases_set_priority (f->db, id, "urgent", "客户为大客户的法人代表", &error));
  g_assert_no_error (error);
  c = get_case (f, id);
  g_assert_cmpstr (c->priority, ==, "urgent");
  assert_time (c->first_response_due, 2025, 9, 15, 9, 30);
  assert_time (c->resolution_due, 2025, 9, 15, 18, 0);
  g_clear_pointer (&c, kefu_case_free);
  ok = kefu_cases_set_priority (f->db, id, "urgent", NULL, &error);
  assert_refused (ok, error, "already");
  g_clear_error (&error);

  /* An agent may not move the deadline; a supervisor may, with a reason. */
  g_assert_false (kefu_cases_set_deadline (f->db, id, kefu_local_time_ms (2025, 9, 19, 18, 0), "客户出差", &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_PERMISSION);
  g_clear_error (&error);
  kefu_db_set_actor (f->db, f->supervisor);
  ok = kefu_cases_set_deadline (f->db, id, kefu_local_time_ms (2025, 9, 19, 18, 0), "", &error);
  assert_refused (ok, error, "Say why");
  g_clear_error (&error);
  ok = kefu_cases_set_deadline (f->db, id, kefu_local_time_ms (2025, 9, 1, 18, 0), "补录", &error);
  assert_refused (ok, error, "future");
  g_clear_error (&error);
  g_assert_true (kefu_cases_set_deadline (f->db, id, kefu_local_time_ms (2025, 9, 19, 18, 0), "客户出差，周五再联系", &error));
  g_assert_no_error (error);
  c = get_case (f, id);
  assert_time (c->resolution_due, 2025, 9, 19, 18, 0);
}

static void
test_update_details (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *id = create_case (f, f->zhang, "inquiry", "查询快件", NULL);
  g_autoptr(KefuCase) c = get_case (f, id);
  g_autoptr(GError) error = NULL;

  kefu_set_str (&c->subject, "查询快件延误原因");
  kefu_set_str (&c->tracking_number, "EE123456785CN");
  kefu_set_str (&c->category_id, "01900000-0000-7000-8000-000000000101");
  g_assert_true (kefu_cases_update_details (f->db, c, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (search (f, "延误原因"), ==, 1);
  g_assert_cmpuint (search (f, "EE123456785CN"), ==, 1);
  g_assert_cmpint (kefu_test_count (f->db, "SELECT count(*) FROM case_event WHERE kind = 'edited'"), ==, 3);
  {
    g_autoptr(KefuCase) again = get_case (f, id);

    g_assert_cmpstr (again->category_name, ==, "Delivery delay");
    kefu_set_str (&again->tracking_number, "EE123456784CN");
    g_assert_false (kefu_cases_update_details (f->db, again, &error));
    g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
  }
}

/* --- claims ---------------------------------------------------------- */

static char *
create_claim (Fixture *f,
              gint64   amount)
{
  g_autoptr(KefuCase) c = new_case (f->zhang, "claim", "丢件索赔：手机一部");
  g_autoptr(GError) error = NULL;

  c->tracking_number = g_strdup ("EE123456785CN");
  c->claim_amount_cents = amount;
  c->declared_value_cents = amount;
  c->insured = TRUE;
  g_assert_true (kefu_cases_create (f->db, c, &error));
  g_assert_no_error (error);
  g_assert_true (kefu_cases_take (f->db, c->id, &error));
  g_assert_no_error (error);
  return g_strdup (c->id);
}

static void
test_authorization_limits (Fixture       *f,
                           gconstpointer  data)
{
  g_autofree char *id = create_claim (f, 200000);     /* ¥2,000 */
  g_autoptr(GError) error = NULL;
  g_autoptr(KefuCase) c = NULL;
  KefuCaseQuery awaiting = { .queue = KEFU_CASE_QUEUE_AWAITING_APPROVAL };
  gboolean ok;

  ok = kefu_claims_decide (f->db, id, "accept", 150000, NULL, &error);
  assert_refused (ok, error, "in full");
  g_clear_error (&error);
  ok = kefu_claims_decide (f->db, id, "partial", 250000, NULL, &error);
  assert_refused (ok, error, "less than the amount claimed");
  g_clear_error (&error);
  ok = kefu_claims_decide (f->db, id, "reject", 0, NULL, &error);
  assert_refused (ok, error, "Say why the claim is rejected");
  g_clear_error (&error);

  /* ¥2,000 is above the agent's ¥500 limit: pending. */
  g_assert_true (kefu_claims_decide (f->db, id, "accept", 200000, "保价件，按申报价值赔偿", &error));
  g_assert_no_error (error);
  c = get_case (f, id);
  g_assert_cmpstr (c->decision, ==, "accept");
  g_assert_cmpstr (c->approval_status, ==, "pending");
  g_assert_cmpstr (c->decided_by, ==, f->agent);
  g_assert_null (c->approver_id);
  g_clear_pointer (&c, kefu_case_free);
  g_assert_cmpuint (count_query (f, &awaiting), ==, 1);
  /* Supervisors with enough authority are told. */
  g_assert_cmpuint (kefu_notifications_count_unread (f->db, f->supervisor), ==, 1);
  g_assert_cmpuint (kefu_notifications_count_unread (f->db, f->low_supervisor), ==, 0);

  ok = kefu_cases_resolve (f->db, id, "已赔付", &error);
  assert_refused (ok, error, "waiting for a supervisor");
  g_clear_error (&error);

  /* Another agent cannot approve; nor can a supervisor whose limit is
   * lower than the amount. */
  kefu_db_set_actor (f->db, f->agent2);
  g_assert_false (kefu_claims_approve (f->db, id, NULL, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_PERMISSION);
  g_clear_error (&error);
  kefu_db_set_actor (f->db, f->low_supervisor);
  g_assert_false (kefu_claims_approve (f->db, id, NULL, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_PERMISSION);
  g_assert_nonnull (strstr (error->message, "authorization limit"));
  g_clear_error (&error);

  /* Rejecting needs a reason. */
  kefu_db_set_actor (f->db, f->supervisor);
  ok = kefu_claims_reject (f->db, id, " ", &error);
  assert_refused (ok, error, "Say why the decision is rejected");
  g_clear_error (&error);
  g_assert_true (kefu_claims_reject (f->db, id, "保价金额与申报不符，按实际价值赔付", &error));
  g_assert_no_error (error);
  c = get_case (f, id);
  g_assert_cmpstr (c->approval_status, ==, "rejected");
  g_assert_cmpstr (c->approver_id, ==, f->supervisor);
  g_clear_pointer (&c, kefu_case_free);
  g_assert_cmpuint (count_query (f, &awaiting), ==, 0);
  g_assert_false (kefu_claims_approve (f->db, id, NULL, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
  g_clear_error (&error);

  /* The agent decides again: ¥1,500 is still above the limit; now the
   * supervisor approves. */
  kefu_db_set_actor (f->db, f->agent);
  ok = kefu_cases_resolve (f->db, id, "已赔付", &error);
  assert_refused (ok, error, "rejected the claim decision");
  g_clear_error (&error);
  g_assert_true (kefu_claims_decide (f->db, id, "partial", 150000, "按实际价值赔付", &error));
  g_assert_no_error (error);
  kefu_db_set_actor (f->db, f->supervisor);
  g_assert_true (kefu_claims_approve (f->db, id, "同意", &error));
  g_assert_no_error (error);
  c = get_case (f, id);
  g_assert_cmpstr (c->approval_status, ==, "approved");
  g_assert_cmpstr (c->approver_name, ==, "陈静");
  g_assert_cmpint (c->approved_amount_cents, ==, 150000);
  g_clear_pointer (&c, kefu_case_free);
  g_assert_cmpuint (kefu_notifications_count_unread (f->db, f->agent), ==, 2);

  /* Every step is on the timeline. */
  g_assert_cmpint (kefu_test_count (f->db, "SELECT count(*) FROM case_event WHERE kind = 'approval'"), ==, 4);

  /* Payment, then resolution and closing. */
  kefu_db_set_actor (f->db, f->agent);
  set_clock (f, 2025, 9, 17, 15, 0);
  ok = kefu_cases_resolve (f->db, id, "按实际价值赔付1500元", &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  ok = kefu_cases_close (f->db, id, 3, &error);
  assert_refused (ok, error, "payment");
  g_clear_error (&error);
  g_assert_true (kefu_cases_reopen (f->db, id, "补录付款", &error));
  ok = kefu_claims_record_payment (f->db, id, "2025-09-30", "ZF20250930001", &error);
  assert_refused (ok, error, "future");
  g_clear_error (&error);
  ok = kefu_claims_record_payment (f->db, id, "2025-9-17", "ZF20250917001", &error);
  assert_refused (ok, error, "YYYY-MM-DD");
  g_clear_error (&error);
  ok = kefu_claims_record_payment (f->db, id, "2025-09-14", "ZF20250914001", &error);
  assert_refused (ok, error, "before the claim");
  g_clear_error (&error);
  g_assert_true (kefu_claims_record_payment (f->db, id, "2025-09-17", "ZF20250917001", &error));
  g_assert_no_error (error);
  ok = kefu_claims_decide (f->db, id, "accept", 200000, NULL, &error);
  assert_refused (ok, error, "has been paid");
  g_clear_error (&error);
  g_assert_true (kefu_cases_resolve (f->db, id, "按实际价值赔付1500元", &error));
  g_assert_true (kefu_cases_close (f->db, id, 3, &error));
  g_assert_no_error (error);
}

static void
test_claim_within_limit (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *id = create_claim (f, 30000);     /* ¥300 */
  g_autoptr(GError) error = NULL;
  g_autoptr(KefuCase) c = NULL;

  g_assert_true (kefu_claims_update (f->db, id, 40000, 40000, FALSE, "客户补充发票", &error));
  g_assert_no_error (error);
  g_assert_true (kefu_claims_update (f->db, id, -1, 0, FALSE, NULL, &error) == FALSE);
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_true (kefu_claims_decide (f->db, id, "accept", 40000, NULL, &error));
  g_assert_no_error (error);
  c = get_case (f, id);
  g_assert_cmpstr (c->approval_status, ==, "approved");
  g_assert_cmpstr (c->approver_id, ==, f->agent);
  g_assert_false (c->insured);
  g_assert_cmpint (c->claim_amount_cents, ==, 40000);
  g_clear_pointer (&c, kefu_case_free);
  /* No longer changeable once decided. */
  g_assert_false (kefu_claims_update (f->db, id, 50000, 0, FALSE, NULL, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
  g_clear_error (&error);

  /* Ageing. */
  c = get_case (f, id);
  g_assert_cmpint (kefu_case_days_open (c, kefu_local_time_ms (2025, 9, 25, 9, 0)), ==, 10);
  g_assert_cmpint (kefu_case_days_idle (c, kefu_local_time_ms (2025, 9, 18, 9, 30)), ==, 3);
}

static void
test_attachments_stored_once (Fixture       *f,
                              gconstpointer  data)
{
  g_autofree char *a = create_claim (f, 30000);
  g_autofree char *b = create_case (f, f->li, "complaint", "快递破损", NULL);
  g_autofree char *photo = g_build_filename (f->t->dir, "破损照片.jpg", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(KefuAttachment) first = NULL;
  g_autoptr(KefuAttachment) again = NULL;
  g_autoptr(KefuAttachment) other = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autofree char *stored = NULL;
  g_autofree char *content = NULL;

  g_assert_true (g_file_set_contents (photo, "\xff\xd8\xff\xe0 not really a JPEG, but evidence", -1, NULL));
  first = kefu_attachments_add (f->db, a, photo, &error);
  g_assert_no_error (error);
  g_assert_nonnull (first);
  g_assert_cmpuint (strlen (first->sha256), ==, 64);
  g_assert_cmpstr (first->filename, ==, "破损照片.jpg");

  again = kefu_attachments_add (f->db, a, photo, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (again->id, ==, first->id);
  other = kefu_attachments_add (f->db, b, photo, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (other->id, !=, first->id);
  g_assert_cmpstr (other->sha256, ==, first->sha256);

  stored = kefu_attachments_get_path (f->db, first->sha256);
  g_assert_true (g_str_has_suffix (stored, first->sha256));
  g_assert_nonnull (strstr (stored, "/attachments/"));
  g_assert_true (g_file_get_contents (stored, &content, NULL, NULL));
  g_assert_cmpstr (content, ==, "\xff\xd8\xff\xe0 not really a JPEG, but evidence");
  {
    g_autofree char *dir = g_path_get_dirname (stored);
    g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
    guint n = 0;

    while (g_dir_read_name (d))
      n++;
    g_assert_cmpuint (n, ==, 1);
  }
  list = kefu_attachments_list (f->db, a, &error);
  g_assert_cmpuint (list->len, ==, 1);
  g_assert_cmpint (kefu_test_count (f->db, "SELECT count(*) FROM attachment"), ==, 2);
  g_assert_cmpint (kefu_test_count (f->db, "SELECT count(*) FROM case_event WHERE kind = 'attachment'"), ==, 2);
  g_assert_null (kefu_attachments_add (f->db, a, "/nonexistent/photo.jpg", &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_IO);
}

/* --- follow-ups ------------------------------------------------------ */

static char *
closed_case (Fixture    *f,
             const char *customer)
{
  g_autofree char *id = create_case (f, customer, "complaint", "派送延误", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (kefu_cases_take (f->db, id, &error));
  g_assert_true (kefu_cases_resolve (f->db, id, "已加急派送", &error));
  g_assert_true (kefu_cases_close (f->db, id, 2, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&id);
}

static char *
open_follow_up (Fixture    *f,
                const char *case_id)
{
  g_autoptr(GPtrArray) list = kefu_follow_ups_list_for_case (f->db, case_id, NULL);

  for (guint i = 0; i < list->len; i++)
    if (g_str_equal (((KefuFollowUp *) list->pdata[i])->status, "open"))
      return g_strdup (((KefuFollowUp *) list->pdata[i])->id);
  return NULL;
}

static void
test_follow_up_low_score (Fixture       *f,
                          gconstpointer  data)
{
  g_autofree char *id = closed_case (f, f->zhang);
  g_autofree char *task = open_follow_up (f, id);
  g_autofree char *recovery = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) answers = NULL;
  g_autoptr(KefuFollowUp) r = NULL;
  g_autoptr(KefuCustomer) customer = NULL;
  KefuCaseQuery due = { .queue = KEFU_CASE_QUEUE_FOLLOW_UPS_DUE };
  int answers0 = kefu_test_count (f->db, "SELECT count(*) FROM survey_answer");
  gboolean ok;

  g_assert_nonnull (task);
  /* Due two days after closing. */
  due.now_ms = kefu_local_time_ms (2025, 9, 16, 9, 0);
  g_assert_cmpuint (count_query (f, &due), ==, 0);
  due.now_ms = kefu_local_time_ms (2025, 9, 17, 8, 0);
  g_assert_cmpuint (count_query (f, &due), ==, 1);
  {
    g_autoptr(GArray) rows = g_array_new (FALSE, TRUE, sizeof (KefuCaseSummary));

    g_array_set_clear_func (rows, (GDestroyNotify) kefu_case_summary_clear);
    g_assert_true (kefu_cases_page (f->db, &due, 0, 10, rows, &error));
    g_assert_cmpstr (g_array_index (rows, KefuCaseSummary, 0).follow_up_id, ==, task);
  }

  ok = kefu_follow_ups_record (f->db, task, 6, 9, NULL, &error);
  assert_refused (ok, error, "1 (very unhappy) to 5");
  g_clear_error (&error);
  ok = kefu_follow_ups_record (f->db, task, 0, 9, NULL, &error);
  assert_refused (ok, error, "1 (very unhappy) to 5");
  g_clear_error (&error);
  ok = kefu_follow_ups_record (f->db, task, 4, 11, NULL, &error);
  assert_refused (ok, error, "0 (not at all) to 10");
  g_clear_error (&error);
  ok = kefu_follow_ups_record (f->db, task, 4, -1, NULL, &error);
  assert_refused (ok, error, "0 (not at all) to 10");
  g_clear_error (&error);
  g_assert_cmpint (kefu_test_count (f->db, "SELECT count(*) FROM survey_answer"), ==, answers0);

  set_clock (f, 2025, 9, 17, 10, 0);
  g_assert_true (kefu_follow_ups_record (f->db, task, 2, 5, "  等了太久  ", &error));
  g_assert_no_error (error);
  ok = kefu_follow_ups_record (f->db, task, 4, 9, NULL, &error);
  assert_refused (ok, error, "already been recorded");
  g_clear_error (&error);

  answers = kefu_surveys_list_for_customer (f->db, f->zhang, &error);
  g_assert_cmpuint (answers->len, ==, 1);
  g_assert_cmpint (((KefuSurveyAnswer *) answers->pdata[0])->satisfaction, ==, 2);
  g_assert_cmpint (((KefuSurveyAnswer *) answers->pdata[0])->nps, ==, 5);
  g_assert_cmpstr (((KefuSurveyAnswer *) answers->pdata[0])->comment, ==, "等了太久");

  /* The low score asks the supervisor to call back. */
  recovery = open_follow_up (f, id);
  g_assert_nonnull (recovery);
  r = kefu_follow_ups_get (f->db, recovery, &error);
  g_assert_cmpstr (r->kind, ==, "recovery");
  g_assert_true (g_strcmp0 (r->assignee_id, f->supervisor) == 0 || g_strcmp0 (r->assignee_id, f->low_supervisor) == 0);
  g_assert_cmpuint (kefu_notifications_count_unread (f->db, r->assignee_id), ==, 1);

  customer = kefu_customers_get (f->db, f->zhang, NULL);
  g_assert_cmpint (customer->last_contact_at, ==, kefu_local_time_ms (2025, 9, 17, 10, 0));

  /* A recovery call with a low score again does not chain another one. */
  kefu_db_set_actor (f->db, r->assignee_id);
  g_assert_true (kefu_follow_ups_record (f->db, recovery, 3, 6, "主管致歉", &error));
  g_assert_no_error (error);
  g_assert_null (open_follow_up (f, id));
}

static void
test_follow_up_good_score_and_cancel (Fixture       *f,
                                      gconstpointer  data)
{
  g_autofree char *a = closed_case (f, f->zhang);
  g_autofree char *b = closed_case (f, f->li);
  g_autofree char *ta = open_follow_up (f, a);
  g_autofree char *tb = open_follow_up (f, b);
  g_autoptr(GError) error = NULL;
  gboolean ok;

  g_assert_true (kefu_follow_ups_record (f->db, ta, 5, 10, NULL, &error));
  g_assert_no_error (error);
  g_assert_null (open_follow_up (f, a));
  ok = kefu_follow_ups_cancel (f->db, tb, "", &error);
  assert_refused (ok, error, "Say why");
  g_clear_error (&error);
  g_assert_true (kefu_follow_ups_cancel (f->db, tb, "客户电话停机", &error));
  g_assert_no_error (error);
  ok = kefu_follow_ups_record (f->db, tb, 5, 10, NULL, &error);
  assert_refused (ok, error, "cancelled");
}

/* --- tracking numbers ------------------------------------------------ */

static void
test_s10 (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *n = kefu_tracking_normalize (" ee-1234 5678 5cn ");

  g_assert_cmpstr (n, ==, "EE123456785CN");
  g_assert_cmpint (kefu_tracking_s10_check_digit ("12345678"), ==, '5');
  /* 11 − (sum mod 11): 10 becomes 0, 11 becomes 5. */
  g_assert_cmpint (kefu_tracking_s10_check_digit ("00000008"), ==, '0');
  g_assert_cmpint (kefu_tracking_s10_check_digit ("00000015"), ==, '5');
  g_assert_cmpint (kefu_tracking_s10_check_digit ("1234567"), ==, 0);

  g_assert_true (kefu_tracking_is_s10 ("EE123456785CN"));
  g_assert_true (kefu_tracking_is_s10 ("ee 123456785 cn"));
  g_assert_true (kefu_tracking_is_s10 ("RR000000080CN"));
  g_assert_false (kefu_tracking_is_s10 ("EE123456784CN"));
  g_assert_true (kefu_tracking_looks_like_s10 ("EE123456784CN"));
  g_assert_false (kefu_tracking_is_s10 ("SF1234567890123"));

  g_assert_true (kefu_tracking_validate ("EE123456785CN", &error));
  g_assert_true (kefu_tracking_validate ("ＥＥ１２３４５６７８５ＣＮ", &error));
  g_assert_no_error (error);
  g_assert_false (kefu_tracking_validate ("EE123456784CN", &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "check digit"));
  g_clear_error (&error);

  /* Other carriers: letters and digits, 8 to 30, as typed. */
  g_assert_true (kefu_tracking_validate ("SF1234567890123", &error));
  g_assert_true (kefu_tracking_validate ("773012345678901", &error));
  g_assert_true (kefu_tracking_validate ("YT7512345678901", &error));
  g_assert_no_error (error);
  g_assert_false (kefu_tracking_validate ("1234567", &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (kefu_tracking_validate ("运单12345678", &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (kefu_tracking_validate ("  ", &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
}

/* --- intake ---------------------------------------------------------- */

static void
test_duplicate_offer (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *id = create_case (f, f->zhang, "tracking", "包裹三天未更新", "EE123456785CN");
  g_autoptr(GError) error = NULL;
  g_autoptr(KefuCase) dup = NULL;
  g_autoptr(KefuCase) none = NULL;

  dup = kefu_cases_find_open_duplicate (f->db, f->zhang, "ee 123456785 cn", &error);
  g_assert_no_error (error);
  g_assert_nonnull (dup);
  g_assert_cmpstr (dup->id, ==, id);
  none = kefu_cases_find_open_duplicate (f->db, f->li, "EE123456785CN", &error);
  g_assert_null (none);
  g_assert_no_error (error);
  g_assert_null (kefu_cases_find_open_duplicate (f->db, f->zhang, "SF1234567890123", &error));
  g_assert_null (kefu_cases_find_open_duplicate (f->db, f->zhang, NULL, &error));

  g_assert_true (kefu_cases_take (f->db, id, &error));
  g_assert_true (kefu_cases_resolve (f->db, id, "已联系派送员", &error));
  g_assert_true (kefu_cases_close (f->db, id, 3, &error));
  g_assert_null (kefu_cases_find_open_duplicate (f->db, f->zhang, "EE123456785CN", &error));
  g_assert_no_error (error);
}

static void
assert_lookup (Fixture    *f,
               const char *text,
               const char *customer_id,
               const char *matched_by)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) matches = kefu_cases_lookup_caller (f->db, text, &error);
  KefuCallerMatch *m;

  g_assert_no_error (error);
  if (matches->len != 1)
    g_error ("look-up of “%s”: %u matches", text, matches->len);
  m = matches->pdata[0];
  g_assert_cmpstr (m->customer->id, ==, customer_id);
  g_assert_cmpstr (m->matched_by, ==, matched_by);
}

static void
test_lookup_caller (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *a = create_case (f, f->zhang, "tracking", "包裹三天未更新", "EE123456785CN");
  g_autofree char *b = closed_case (f, f->zhang);
  g_autoptr(KefuCase) ca = get_case (f, a);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) matches = NULL;
  KefuCallerMatch *m;

  matches = kefu_cases_lookup_caller (f->db, "+86 138-1234-5678", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (matches->len, ==, 1);
  m = matches->pdata[0];
  g_assert_cmpstr (m->customer->name, ==, "张伟");
  g_assert_cmpstr (m->matched_by, ==, "phone");
  g_assert_cmpuint (m->n_cases, ==, 2);
  /* Open cases only: the closed one is history. */
  g_assert_cmpuint (m->open_cases->len, ==, 1);
  g_assert_cmpstr (((KefuCaseSummary *) m->open_cases->pdata[0])->id, ==, a);
  g_assert_cmpuint (m->last_contacts->len, >=, 2);

  assert_lookup (f, "13812345678", f->zhang, "phone");
  assert_lookup (f, "0086 138 1234 5678", f->zhang, "phone");
  assert_lookup (f, "138 1234 5678", f->zhang, "phone");
  assert_lookup (f, "（138）1234－5678", f->zhang, "phone");
  assert_lookup (f, ca->number, f->zhang, "case");
  assert_lookup (f, "ee123456785cn", f->zhang, "tracking");
  assert_lookup (f, "李娜", f->li, "name");
  assert_lookup (f, "8765", f->li, "name");
  g_clear_pointer (&matches, g_ptr_array_unref);
  matches = kefu_cases_lookup_caller (f->db, "王五", &error);
  g_assert_cmpuint (matches->len, ==, 0);
  g_clear_pointer (&matches, g_ptr_array_unref);
  matches = kefu_cases_lookup_caller (f->db, "  ", &error);
  g_assert_cmpuint (matches->len, ==, 0);
}

/* --- search and queues ----------------------------------------------- */

static void
test_search_chinese (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *a = create_case (f, f->zhang, "complaint", "快递破损", "EE123456785CN");
  g_autofree char *b = create_case (f, f->li, "complaint", "派送延误三天", NULL);
  g_autofree char *c = create_claim (f, 80000);
  g_autoptr(KefuCase) cc = get_case (f, c);
  KefuCaseQuery mine = { .queue = KEFU_CASE_QUEUE_MINE, .text = (char *) "破损" };
  g_autoptr(GError) error = NULL;

  {
    g_autoptr(KefuCase) edit = get_case (f, c);

    kefu_set_str (&edit->description, "The parcel was damaged; customer asks for 赔偿 of the phone.");
    g_assert_true (kefu_cases_update_details (f->db, edit, &error));
    g_assert_no_error (error);
  }

  g_assert_cmpuint (search (f, "破损"), ==, 1);
  g_assert_cmpuint (search (f, "延误"), ==, 1);
  g_assert_cmpuint (search (f, "赔偿"), ==, 1);
  g_assert_cmpuint (search (f, "索赔"), ==, 1);
  g_assert_cmpuint (search (f, "丢件"), ==, 1);
  g_assert_cmpuint (search (f, "damaged"), ==, 1);
  g_assert_cmpuint (search (f, "DAMAGED phone"), ==, 1);
  g_assert_cmpuint (search (f, "张伟"), ==, 2);
  g_assert_cmpuint (search (f, "李娜"), ==, 1);
  g_assert_cmpuint (search (f, "123456785"), ==, 2);
  g_assert_cmpuint (search (f, cc->number), ==, 1);
  /* As typed: letters next to digits, no match across the boundary
   * (both cases carry EE123456785CN). */
  g_assert_cmpuint (search (f, "EE12"), ==, 2);
  g_assert_cmpuint (search (f, "EE123"), ==, 2);
  g_assert_cmpuint (search (f, "e1234567"), ==, 2);
  g_assert_cmpuint (search (f, "85CN"), ==, 2);
  g_assert_cmpuint (search (f, "EE23"), ==, 0);
  g_assert_cmpuint (search (f, "E3456"), ==, 0);
  g_assert_cmpuint (search (f, "5CNN"), ==, 0);
  g_assert_cmpuint (search (f, "破损 张伟"), ==, 1);
  g_assert_cmpuint (search (f, "破损 李娜"), ==, 0);
  g_assert_cmpuint (search (f, "\"'%_;--"), ==, 0);
  g_assert_cmpuint (count_query (f, &mine), ==, 1);
  mine.text = (char *) "延误";
  g_assert_cmpuint (count_query (f, &mine), ==, 1);

  {
    KefuCaseQuery q = { .text = (char *) "张伟" };
    g_autoptr(GArray) rows = g_array_new (FALSE, TRUE, sizeof (KefuCaseSummary));

    g_array_set_clear_func (rows, (GDestroyNotify) kefu_case_summary_clear);
    g_assert_true (kefu_cases_page (f->db, &q, 0, 10, rows, &error));
    g_assert_cmpuint (rows->len, ==, 2);
    /* Newest first. */
    g_assert_cmpstr (g_array_index (rows, KefuCaseSummary, 0).id, ==, c);
    g_assert_cmpstr (g_array_index (rows, KefuCaseSummary, 0).customer_name, ==, "张伟");
  }
  (void) a; (void) b;
}

static void
test_queues (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *mine_new = create_case (f, f->zhang, "inquiry", "查询", NULL);
  g_autofree char *for_agent2 = NULL;
  g_autofree char *claim = NULL;
  g_autofree char *done = NULL;
  g_autofree char *waiting = NULL;
  g_autoptr(GError) error = NULL;
  KefuCaseQuery q = { 0 };

  kefu_db_set_actor (f->db, f->agent2);
  for_agent2 = create_case (f, f->li, "complaint", "投诉", NULL);
  waiting = create_case (f, f->li, "service", "改地址", NULL);
  g_assert_true (kefu_cases_take (f->db, waiting, &error));
  g_assert_true (kefu_cases_wait (f->db, waiting, NULL, &error));
  kefu_db_set_actor (f->db, f->agent);
  g_assert_true (kefu_cases_assign (f->db, for_agent2, NULL, f->agent2, NULL, &error));
  claim = create_claim (f, 200000);
  g_assert_true (kefu_claims_decide (f->db, claim, "accept", 200000, NULL, &error));
  done = closed_case (f, f->zhang);
  g_assert_no_error (error);

  /* Mine: cases I handle or own (first contact), open ones. */
  q.queue = KEFU_CASE_QUEUE_MINE;
  g_assert_cmpuint (count_query (f, &q), ==, 2);     /* mine_new (owned), claim */
  q.staff_id = f->agent2;
  g_assert_cmpuint (count_query (f, &q), ==, 2);     /* for_agent2, waiting */
  q.staff_id = NULL;
  q.status = (char *) "closed";
  g_assert_cmpuint (count_query (f, &q), ==, 1);
  q.status = NULL;

  q.queue = KEFU_CASE_QUEUE_BRANCH;
  g_assert_cmpuint (count_query (f, &q), ==, 4);
  q.kind = (char *) "complaint";
  g_assert_cmpuint (count_query (f, &q), ==, 1);
  q.kind = NULL;

  q.queue = KEFU_CASE_QUEUE_UNASSIGNED;
  g_assert_cmpuint (count_query (f, &q), ==, 1);     /* mine_new */

  q.queue = KEFU_CASE_QUEUE_AWAITING_APPROVAL;
  g_assert_cmpuint (count_query (f, &q), ==, 1);

  /* Monday 09:00 cases: first responses due 09:30–13:00; waiting cases
   * do not count. */
  q.queue = KEFU_CASE_QUEUE_DUE_TODAY;
  q.now_ms = kefu_local_time_ms (2025, 9, 15, 9, 5);
  g_assert_cmpuint (count_query (f, &q), ==, 3);
  q.queue = KEFU_CASE_QUEUE_OVERDUE;
  g_assert_cmpuint (count_query (f, &q), ==, 0);
  q.now_ms = kefu_local_time_ms (2025, 9, 25, 9, 0);
  g_assert_cmpuint (count_query (f, &q), ==, 3);
  {
    g_autoptr(GArray) rows = g_array_new (FALSE, TRUE, sizeof (KefuCaseSummary));

    g_array_set_clear_func (rows, (GDestroyNotify) kefu_case_summary_clear);
    g_assert_true (kefu_cases_page (f->db, &q, 0, 10, rows, &error));
    g_assert_cmpuint (rows->len, ==, 3);
    /* Most overdue first. */
    for (guint i = 1; i < rows->len; i++)
      g_assert_cmpint (g_array_index (rows, KefuCaseSummary, i - 1).next_due, <=,
                       g_array_index (rows, KefuCaseSummary, i).next_due);
  }
  q.now_ms = 0;

  q.queue = KEFU_CASE_QUEUE_ALL;
  g_assert_cmpuint (count_query (f, &q), ==, 5);
  q.channel = (char *) "phone";
  q.assignee_id = f->agent2;
  g_assert_cmpuint (count_query (f, &q), ==, 2);
  q.channel = NULL;
  q.assignee_id = NULL;
  q.customer_id = f->li;
  g_assert_cmpuint (count_query (f, &q), ==, 2);
  q.customer_id = NULL;
  q.created_from = kefu_local_time_ms (2025, 9, 15, 0, 0);
  q.created_to = kefu_local_time_ms (2025, 9, 16, 0, 0);
  g_assert_cmpuint (count_query (f, &q), ==, 5);
  q.created_from = kefu_local_time_ms (2025, 9, 16, 0, 0);
  q.created_to = 0;
  g_assert_cmpuint (count_query (f, &q), ==, 0);
}

static void
test_queues_index_backed (Fixture       *f,
                          gconstpointer  data)
{
  static const struct
  {
    KefuCaseQueue  queue;
    const char    *status;
    const char    *customer;
    const char    *index;
  } cases[] = {
    { KEFU_CASE_QUEUE_ALL, NULL, NULL, "kcase_by_created" },
    { KEFU_CASE_QUEUE_ALL, "closed", NULL, "kcase_by_status" },
    { KEFU_CASE_QUEUE_ALL, NULL, "x", "kcase_by_customer" },
    { KEFU_CASE_QUEUE_ALL, NULL, NULL, "kcase_by_kind" },
    { KEFU_CASE_QUEUE_MINE, NULL, NULL, "assignee" },
    { KEFU_CASE_QUEUE_MINE, "closed", NULL, "owner" },
    { KEFU_CASE_QUEUE_BRANCH, NULL, NULL, "kcase_open_by_branch" },
    { KEFU_CASE_QUEUE_BRANCH, "resolved", NULL, "kcase_by_status" },
    { KEFU_CASE_QUEUE_UNASSIGNED, NULL, NULL, "kcase_open_unassigned" },
    { KEFU_CASE_QUEUE_OVERDUE, NULL, NULL, "kcase_by_next_due" },
    { KEFU_CASE_QUEUE_DUE_TODAY, NULL, NULL, "kcase_by_next_due" },
    { KEFU_CASE_QUEUE_AWAITING_APPROVAL, NULL, NULL, "kcase_pending_approval" },
    { KEFU_CASE_QUEUE_FOLLOW_UPS_DUE, NULL, NULL, "follow_up_open_due" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      for (guint with_text = 0; with_text < 2; with_text++)
        {
          KefuCaseQuery q = { .queue = cases[i].queue, .text = with_text ? (char *) "破损" : NULL,
                              .status = (char *) cases[i].status, .customer_id = (char *) cases[i].customer,
                              .kind = g_str_equal (cases[i].index, "kcase_by_kind") ? (char *) "claim" : NULL };
          g_autoptr(GError) error = NULL;
          g_autofree char *plan = _kefu_cases_query_plan (f->db, &q, &error);
          g_auto(GStrv) lines = NULL;
          gboolean fts = with_text && cases[i].queue == KEFU_CASE_QUEUE_ALL;

          g_assert_no_error (error);
          g_assert_nonnull (plan);
          lines = g_strsplit (plan, "\n", -1);
          for (guint l = 0; lines[l]; l++)
            {
              if (*lines[l])
                g_test_message ("queue %u%s: %s", cases[i].queue, with_text ? " + text" : "", lines[l]);
              /* Never a walk over the whole table. */
              if (g_str_has_prefix (lines[l], "SCAN ") && strstr (lines[l], "INDEX") == NULL &&
                  strstr (lines[l], "VIRTUAL TABLE") == NULL)
                g_error ("queue %u scans a table: %s", cases[i].queue, lines[l]);
            }
          /* The intended index (or the full-text index, newest first). */
          if (strstr (plan, fts ? "VIRTUAL TABLE INDEX" : cases[i].index) == NULL)
            g_error ("queue %u does not use %s:\n%s", cases[i].queue, cases[i].index, plan);
          /* Only "mine" (assignee or owner: two indexes) sorts its set. */
          if (cases[i].queue != KEFU_CASE_QUEUE_MINE && strstr (plan, "TEMP B-TREE FOR ORDER BY") != NULL)
            g_error ("queue %u sorts instead of walking an index:\n%s", cases[i].queue, plan);
        }
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  kefu_calendar_set_data_dir (CALENDARS);

#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("/cases/create/number-deadlines-audit", test_create);
  ADD ("/cases/create/sequence-per-branch-per-day", test_sequence_per_branch_per_day);
  ADD ("/cases/create/bad-input-writes-nothing", test_bad_input_writes_nothing);
  ADD ("/cases/sla/opened-before-national-day", test_national_day_deadlines);
  ADD ("/cases/sla/pauses-while-waiting", test_pauses_while_waiting);
  ADD ("/cases/sla/warn-then-escalate-with-notifications", test_warn_and_escalate);
  ADD ("/cases/sla/priority-and-moved-deadline", test_priority_and_deadline);
  ADD ("/cases/lifecycle/transitions", test_transitions);
  ADD ("/cases/lifecycle/transfer-keeps-owner", test_transfer_keeps_owner);
  ADD ("/cases/lifecycle/first-response", test_first_response);
  ADD ("/cases/lifecycle/edit-details", test_update_details);
  ADD ("/cases/claims/authorization-limits", test_authorization_limits);
  ADD ("/cases/claims/within-limit-and-ageing", test_claim_within_limit);
  ADD ("/cases/claims/evidence-stored-once", test_attachments_stored_once);
  ADD ("/cases/follow-ups/low-score-recovery", test_follow_up_low_score);
  ADD ("/cases/follow-ups/good-score-and-cancel", test_follow_up_good_score_and_cancel);
  ADD ("/cases/intake/duplicate-offer", test_duplicate_offer);
  ADD ("/cases/intake/lookup-caller-any-form", test_lookup_caller);
  ADD ("/cases/search/chinese-terms", test_search_chinese);
  ADD ("/cases/queues/each-queue", test_queues);
  ADD ("/cases/queues/index-backed", test_queues_index_backed);
#undef ADD
  g_test_add_func ("/cases/tracking/s10-check-digit", test_s10);

  return g_test_run ();
}
