/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include "kefu-assessment.h"
#include "kefu-sample-assessment.h"
#include "kefu-sample-cases.h"
#include "kefu-sample.h"
#include "kefu-sla.h"
#include "kefu-test-util.h"
#include "kefu-uuid.h"

/* GD › SZ (city; supervisor sup_city) › B1 = the office (supervisor
 * sup_b1, agents a1 a2 a3) and B2 (supervisor sup_b2). */
typedef struct
{
  KefuTestDb *t;
  char       *admin, *sz, *b1, *b2;
  char       *sup_city, *sup_b1, *sup_b2, *a1, *a2, *a3;
  char       *customer;
  char       *round;
} Fixture;

static void
sign_in (Fixture    *f,
         const char *staff_id)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (kefu_org_set_current_user (f->t->db, staff_id, &error));
  kefu_db_set_actor (f->t->db, staff_id);
}

static void
add_case (Fixture    *f,
          const char *assignee,
          const char *kind,
          const char *category,
          gint64      created,
          int         satisfaction)
{
  g_autofree char *id = kefu_uuid7_new ();
  g_autofree char *number = kefu_uuid7_new ();
  g_autofree char *sql = g_strdup_printf ("INSERT INTO kcase (id, number, kind, channel, status, customer_id, subject, branch_id,"
                                          " assignee_id, category_id, created_at) VALUES ('%s', '%s', '%s', 'phone', 'closed', '%s',"
                                          " 's', '%s', '%s', (SELECT id FROM category WHERE code = '%s'), %" G_GINT64_FORMAT ")",
                                          id, number, kind, f->customer, f->b1, assignee, category ? category : "", created);

  kefu_test_exec (f->t->db, sql);
  if (satisfaction > 0)
    {
      g_autofree char *sid = kefu_uuid7_new ();
      g_autofree char *s2 = g_strdup_printf ("INSERT INTO survey_answer (id, case_id, customer_id, satisfaction, at)"
                                             " VALUES ('%s', '%s', '%s', %d, %" G_GINT64_FORMAT ")",
                                             sid, id, f->customer, satisfaction, created + 1000);

      kefu_test_exec (f->t->db, s2);
    }
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  KefuDb *db;
  g_autoptr(KefuOrgUnit) office = NULL;
  g_autoptr(KefuStaff) admin = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *sql = NULL;
  g_autofree char *hq = NULL;
  char *gd;
  KefuAssessmentRound round = { 0 };

  f->t = kefu_test_db_new (TRUE);
  db = f->t->db;
  office = kefu_org_get_office (db);
  admin = kefu_org_get_current_user (db);
  f->admin = g_strdup (admin->id);
  kefu_db_set_actor (db, f->admin);
  f->b1 = g_strdup (office->id);
  hq = kefu_test_add_unit (db, "HQ", "hq", NULL);
  gd = kefu_test_add_unit (db, "GD", "province", hq);
  f->sz = kefu_test_add_unit (db, "SZ", "city", gd);
  f->b2 = kefu_test_add_unit (db, "B2", "branch", f->sz);
  sql = g_strdup_printf ("UPDATE org_unit SET parent_id = '%s' WHERE id = '%s'", f->sz, f->b1);
  kefu_test_exec (db, sql);
  g_free (gd);
  f->sup_city = kefu_test_add_staff (db, f->sz, "sup_city", "supervisor");
  f->sup_b1 = kefu_test_add_staff (db, f->b1, "sup_b1", "supervisor");
  f->sup_b2 = kefu_test_add_staff (db, f->b2, "sup_b2", "supervisor");
  f->a1 = kefu_test_add_staff (db, f->b1, "a1", "agent");
  f->a2 = kefu_test_add_staff (db, f->b1, "a2", "agent");
  f->a3 = kefu_test_add_staff (db, f->b1, "a3", "agent");
  f->customer = kefu_uuid7_new ();
  g_clear_pointer (&sql, g_free);
  sql = g_strdup_printf ("INSERT INTO customer (id, number, kind, name, created_at) VALUES ('%s', 'C1', 'person', '张三', 0)",
                         f->customer);
  kefu_test_exec (db, sql);

  sign_in (f, f->sup_b1);
  round.name = g_strdup ("2026 年第四季度");
  round.period_from = kefu_local_time_ms (2026, 10, 1, 0, 0);
  round.period_to = kefu_local_time_ms (2027, 1, 1, 0, 0);
  round.weights[KEFU_RATER_SUPERVISOR] = 40;
  round.weights[KEFU_RATER_CUSTOMER] = 30;
  round.weights[KEFU_RATER_PEER] = 20;
  round.weights[KEFU_RATER_SUBORDINATE] = 10;
  g_assert_true (kefu_assessment_round_create (db, &round, &error));
  g_assert_no_error (error);
  f->round = round.id;
  g_free (round.name);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_free (f->admin);
  g_free (f->sz);
  g_free (f->b1);
  g_free (f->b2);
  g_free (f->sup_city);
  g_free (f->sup_b1);
  g_free (f->sup_b2);
  g_free (f->a1);
  g_free (f->a2);
  g_free (f->a3);
  g_free (f->customer);
  g_free (f->round);
  kefu_test_db_free (f->t);
}

static void
rate (Fixture       *f,
      const char    *rater,
      const char    *staff,
      KefuRaterKind  kind,
      int            c,
      int            a,
      int            t,
      int            r,
      const char    *comment)
{
  g_autoptr(GError) error = NULL;
  int scores[KEFU_N_DIMS] = { c, a, t, r };

  sign_in (f, rater);
  g_assert_true (kefu_assessment_rate (f->t->db, f->round, staff, kind, scores, comment, &error));
  g_assert_no_error (error);
}

/* --- tests ----------------------------------------------------------- */

static void
test_round_validation (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  KefuAssessmentRound round = { 0 };
  g_autoptr(GPtrArray) rounds = NULL;

  round.name = g_strdup ("Q1");
  round.period_from = 1;
  round.period_to = 2;
  round.weights[KEFU_RATER_SUPERVISOR] = 50;
  round.weights[KEFU_RATER_PEER] = 40;
  g_assert_false (kefu_assessment_round_create (f->t->db, &round, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
  g_clear_error (&error);
  round.weights[KEFU_RATER_PEER] = 60;
  round.weights[KEFU_RATER_CUSTOMER] = -10;
  g_assert_false (kefu_assessment_round_create (f->t->db, &round, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
  g_clear_error (&error);
  round.weights[KEFU_RATER_CUSTOMER] = 0;
  round.weights[KEFU_RATER_PEER] = 50;
  round.period_to = 1;
  g_assert_false (kefu_assessment_round_create (f->t->db, &round, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
  g_clear_error (&error);
  round.period_to = 2;
  sign_in (f, f->a1);
  g_assert_false (kefu_assessment_round_create (f->t->db, &round, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_PERMISSION);
  g_free (round.name);

  rounds = kefu_assessment_rounds_list (f->t->db, NULL);
  g_assert_cmpuint (rounds->len, ==, 1);
  g_assert_cmpint (((KefuAssessmentRound *) rounds->pdata[0])->weights[KEFU_RATER_SUPERVISOR], ==, 40);
  /* A synced write: outbox and audit. */
  g_assert_cmpint (kefu_test_count (f->t->db, "SELECT count(*) FROM outbox WHERE entity = 'assessment_round'"), ==, 1);
}

static void
test_weighting (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(KefuAssessmentResult) result = NULL;
  g_autoptr(KefuAssessmentResult) boss = NULL;
  g_autoptr(GError) error = NULL;
  gint64 nov = kefu_local_time_ms (2026, 11, 10, 10, 0);
  double customer;

  /* Supervisor 5 4 4 5 (4.5); peers 3 3 3 3 and 4 4 4 4 (3.5). */
  rate (f, f->sup_b1, f->a1, KEFU_RATER_SUPERVISOR, 5, 4, 4, 5, "主动帮助同事");
  rate (f, f->a2, f->a1, KEFU_RATER_PEER, 3, 3, 3, 3, NULL);
  rate (f, f->a3, f->a1, KEFU_RATER_PEER, 4, 4, 4, 4, "沟通清楚");
  /* Customers: satisfaction 5 and 4 (4.5) less half a point for one
   * complaint about attitude = 4; another person's and a case outside
   * the period do not count. */
  add_case (f, f->a1, "inquiry", NULL, nov, 5);
  add_case (f, f->a1, "tracking", NULL, nov, 4);
  add_case (f, f->a1, "complaint", "attitude", nov, 0);
  add_case (f, f->a1, "inquiry", NULL, kefu_local_time_ms (2026, 9, 1, 10, 0), 1);
  add_case (f, f->a2, "inquiry", NULL, nov, 1);
  sign_in (f, f->sup_b1);
  g_assert_true (kefu_assessment_derive_customer (f->t->db, f->round, f->a1, &customer, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (customer, ==, 4.0);
  /* Derived again: replaced, not doubled. */
  g_assert_true (kefu_assessment_derive_customer (f->t->db, f->round, f->a1, &customer, &error));
  g_assert_cmpint (kefu_test_count (f->t->db, "SELECT count(*) FROM assessment WHERE rater_kind = 'customer' AND deleted = 0"), ==, 1);

  result = kefu_assessment_result (f->t->db, f->round, f->a1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (result->n_raters[KEFU_RATER_PEER], ==, 2);
  g_assert_cmpfloat (result->kind_total[KEFU_RATER_SUPERVISOR], ==, 4.5);
  g_assert_cmpfloat (result->kind_total[KEFU_RATER_PEER], ==, 3.5);
  g_assert_cmpfloat (result->kind_total[KEFU_RATER_CUSTOMER], ==, 4.0);
  g_assert_true (isnan (result->kind_total[KEFU_RATER_SUBORDINATE]));
  /* No subordinates: their 10 % is shared by the others (÷ 90). */
  g_assert_cmpfloat (fabs (result->total - (4.5 * 40 + 4.0 * 30 + 3.5 * 20) / 90), <, 1e-9);
  g_assert_cmpfloat (fabs (result->dims[KEFU_DIM_CONDUCT] - (5 * 40 + 4 * 30 + 3.5 * 20) / 90.0), <, 1e-9);
  g_assert_cmpuint (result->comments->len, ==, 2);

  /* A supervisor rated by a subordinate. */
  rate (f, f->a1, f->sup_b1, KEFU_RATER_SUBORDINATE, 4, 4, 2, 4, NULL);
  rate (f, f->sup_city, f->sup_b1, KEFU_RATER_SUPERVISOR, 3, 3, 3, 3, NULL);
  sign_in (f, f->sup_b1);
  boss = kefu_assessment_result (f->t->db, f->round, f->sup_b1, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (fabs (boss->total - (3.0 * 40 + 3.5 * 10) / 50), <, 1e-9);
}

static void
test_anonymity_and_rules (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KefuAssessmentResult) result = NULL;
  int scores[KEFU_N_DIMS] = { 4, 4, 4, 4 };

  rate (f, f->a2, f->a1, KEFU_RATER_PEER, 3, 3, 3, 3, "话太少");

  /* The answer names nobody, in the row and in its audit entry. */
  g_assert_cmpint (kefu_test_count (f->t->db, "SELECT count(*) FROM assessment WHERE rater_kind = 'peer'"
                                              " AND rater_id IS NULL AND updated_by IS NULL"), ==, 1);
  g_assert_cmpint (kefu_test_count (f->t->db, "SELECT count(*) FROM audit_log a JOIN assessment s ON s.id = a.row_id"
                                              " WHERE s.rater_kind = 'peer' AND a.actor_id IS NOT NULL"), ==, 0);
  g_assert_cmpint (kefu_test_count (f->t->db, "SELECT count(*) FROM outbox WHERE entity = 'assessment'"), ==, 1);
  sign_in (f, f->sup_b1);
  result = kefu_assessment_result (f->t->db, f->round, f->a1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (result->comments->len, ==, 1);
  g_assert_null (strstr (result->comments->pdata[0], "a2"));

  /* Once per rater. */
  sign_in (f, f->a2);
  g_assert_false (kefu_assessment_rate (f->t->db, f->round, f->a1, KEFU_RATER_PEER, scores, NULL, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (kefu_test_count (f->t->db, "SELECT count(*) FROM assessment"), ==, 1);
  /* Not oneself, not as a supervisor when an agent, not a peer of one's
   * supervisor, not a subordinate of another branch's supervisor. */
  g_assert_false (kefu_assessment_rate (f->t->db, f->round, f->a2, KEFU_RATER_PEER, scores, NULL, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (kefu_assessment_rate (f->t->db, f->round, f->a3, KEFU_RATER_SUPERVISOR, scores, NULL, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_PERMISSION);
  g_clear_error (&error);
  g_assert_false (kefu_assessment_rate (f->t->db, f->round, f->sup_b1, KEFU_RATER_PEER, scores, NULL, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_PERMISSION);
  g_clear_error (&error);
  g_assert_false (kefu_assessment_rate (f->t->db, f->round, f->sup_b2, KEFU_RATER_SUBORDINATE, scores, NULL, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_PERMISSION);
  g_clear_error (&error);
  g_assert_false (kefu_assessment_rate (f->t->db, f->round, f->a3, KEFU_RATER_CUSTOMER, scores, NULL, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
  g_clear_error (&error);
  scores[0] = 6;
  g_assert_false (kefu_assessment_rate (f->t->db, f->round, f->a3, KEFU_RATER_PEER, scores, NULL, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
}

static void
test_visibility (Fixture       *f,
                 gconstpointer  data)
{
  struct { const char **viewer; const char **staff; gboolean may; } cases[] = {
    { (const char **) &f->a1, (const char **) &f->a1, TRUE },
    { (const char **) &f->a2, (const char **) &f->a1, FALSE },
    { (const char **) &f->sup_b1, (const char **) &f->a1, TRUE },
    { (const char **) &f->sup_city, (const char **) &f->a1, TRUE },
    { (const char **) &f->sup_b2, (const char **) &f->a1, FALSE },
    { (const char **) &f->admin, (const char **) &f->a1, TRUE },
    { (const char **) &f->sup_b1, (const char **) &f->sup_city, FALSE },
    { (const char **) &f->sup_city, (const char **) &f->sup_b1, TRUE },
    { (const char **) &f->a1, (const char **) &f->sup_b1, FALSE },
  };

  rate (f, f->sup_b1, f->a1, KEFU_RATER_SUPERVISOR, 4, 4, 4, 4, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(KefuAssessmentResult) r = NULL;
      g_autoptr(GPtrArray) history = NULL;

      sign_in (f, *cases[i].viewer);
      g_assert_cmpint (kefu_assessment_may_view (f->t->db, *cases[i].viewer, *cases[i].staff), ==, cases[i].may);
      r = kefu_assessment_result (f->t->db, f->round, *cases[i].staff, &error);
      history = kefu_assessment_history (f->t->db, *cases[i].staff, error ? NULL : &error);
      if (cases[i].may)
        {
          g_assert_no_error (error);
          g_assert_nonnull (r);
          g_assert_cmpuint (history->len, ==, 1);
        }
      else
        {
          g_assert_error (error, KEFU_ERROR, KEFU_ERROR_PERMISSION);
          g_assert_null (r);
          g_assert_null (history);
        }
    }
}

/* A round of one unit assesses its people only: the list and a rating
 * leave out the staff of other units. */
static void
test_round_of_a_unit (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KefuAssessmentRound) everyone = NULL;
  KefuAssessmentRound round = { 0 };
  int scores[KEFU_N_DIMS] = { 4, 4, 4, 4 };
  int before;

  sign_in (f, f->sup_b1);
  round.name = g_strdup ("B1 十一月");
  round.org_unit_id = g_strdup (f->b1);
  round.period_from = kefu_local_time_ms (2026, 11, 1, 0, 0);
  round.period_to = kefu_local_time_ms (2026, 12, 1, 0, 0);
  round.weights[KEFU_RATER_SUPERVISOR] = 100;
  g_assert_true (kefu_assessment_round_create (f->t->db, &round, &error));
  g_assert_no_error (error);

  g_assert_true (kefu_assessment_round_includes (f->t->db, &round, f->a1));
  g_assert_true (kefu_assessment_round_includes (f->t->db, &round, f->sup_b1));
  g_assert_false (kefu_assessment_round_includes (f->t->db, &round, f->sup_b2));
  g_assert_false (kefu_assessment_round_includes (f->t->db, &round, f->sup_city));
  /* A round without a unit: everyone. */
  everyone = g_new0 (KefuAssessmentRound, 1);
  g_assert_true (kefu_assessment_round_includes (f->t->db, everyone, f->sup_b2));

  /* The administrator may rate anyone as supervisor, but not in a round
   * that does not assess them. */
  sign_in (f, f->admin);
  before = kefu_test_count (f->t->db, "SELECT count(*) FROM assessment");
  g_assert_false (kefu_assessment_rate (f->t->db, round.id, f->sup_b2, KEFU_RATER_SUPERVISOR, scores, NULL, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (kefu_test_count (f->t->db, "SELECT count(*) FROM assessment"), ==, before);
  g_assert_true (kefu_assessment_rate (f->t->db, round.id, f->a1, KEFU_RATER_SUPERVISOR, scores, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (kefu_assessment_has_rated (f->t->db, round.id, f->admin, f->a1));
  g_assert_false (kefu_assessment_has_rated (f->t->db, round.id, f->admin, f->a2));
  g_assert_false (kefu_assessment_has_rated (f->t->db, f->round, f->admin, f->a1));

  g_free (round.id);
  g_free (round.name);
  g_free (round.org_unit_id);
}

/* The sample data's round: last month's, in the office, started by its
 * supervisor, with ratings of every kind in and some still to come; a
 * supervisor sees results, and can still rate the ones waiting. */
static void
test_sample_round (void)
{
  g_autoptr(KefuTestDb) t = kefu_test_db_new (FALSE);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rounds = NULL;
  g_autoptr(KefuOrgUnit) office = NULL;
  g_autoptr(KefuStaff) me = NULL;
  g_autoptr(KefuStaff) after = NULL;
  g_autoptr(GPtrArray) staff = NULL;
  KefuAssessmentRound *round;
  KefuSampleOptions opts = kefu_sample_default_options ();
  const char *supervisor = NULL;
  guint n_agents = 0, n_rated = 0, n_waiting = 0, n_results = 0;
  int sum = 0;

  opts.n_customers = 300;
  g_assert_true (kefu_sample_generate (t->db, &opts, NULL, NULL, &error));
  g_assert_true (kefu_sample_generate_cases (t->db, opts.seed, 3000, NULL, NULL, &error));
  g_assert_no_error (error);
  me = kefu_org_get_current_user (t->db);
  g_assert_true (kefu_sample_generate_assessment (t->db, opts.seed, &error));
  g_assert_no_error (error);

  /* Whoever was signed in still is. */
  after = kefu_org_get_current_user (t->db);
  g_assert_cmpstr (after->id, ==, me->id);
  g_assert_cmpstr (kefu_db_get_actor (t->db), ==, me->id);

  rounds = kefu_assessment_rounds_list (t->db, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rounds->len, ==, 1);
  round = rounds->pdata[0];
  office = kefu_org_get_office (t->db);
  g_assert_cmpstr (round->org_unit_id, ==, office->id);
  for (guint k = 0; k < KEFU_N_RATER_KINDS; k++)
    {
      g_assert_cmpint (round->weights[k], >, 0);
      sum += round->weights[k];
    }
  g_assert_cmpint (sum, ==, 100);
  /* Last month: it has ended, and began at most 31 days before. */
  g_assert_cmpint (round->period_to, <=, g_get_real_time () / 1000);
  g_assert_cmpint (round->period_to - round->period_from, <=, 31 * G_GINT64_CONSTANT (86400000));
  g_assert_cmpint (round->period_to - round->period_from, >=, 28 * G_GINT64_CONSTANT (86400000));

  /* Every kind of answer is in: the customers' from last month's
   * follow-up calls. */
  g_assert_cmpint (kefu_test_count (t->db, "SELECT count(DISTINCT rater_kind) FROM assessment WHERE deleted = 0"), ==, 4);
  /* Synced writes, each with its outbox entry. */
  g_assert_cmpint (kefu_test_count (t->db, "SELECT count(*) FROM outbox WHERE entity = 'assessment'"), ==,
                   kefu_test_count (t->db, "SELECT count(*) FROM assessment"));

  /* The supervisor: results of the people rated, and people still to rate. */
  staff = kefu_org_list_unit_staff (t->db, office->id, FALSE, &error);
  for (guint i = 0; i < staff->len; i++)
    if (g_strcmp0 (((KefuStaff *) staff->pdata[i])->role, "supervisor") == 0)
      supervisor = ((KefuStaff *) staff->pdata[i])->id;
  g_assert_nonnull (supervisor);
  g_assert_true (kefu_org_set_current_user (t->db, supervisor, &error));
  for (guint i = 0; i < staff->len; i++)
    {
      KefuStaff *s = staff->pdata[i];
      g_autofree char *sql = NULL;
      g_autoptr(KefuAssessmentResult) r = NULL;

      if (g_strcmp0 (s->role, "agent") != 0)
        continue;
      n_agents++;
      sql = g_strdup_printf ("SELECT count(*) FROM assessment WHERE staff_id = '%s' AND rater_kind = 'supervisor'", s->id);
      if (kefu_test_count (t->db, sql) > 0)
        n_rated++;
      else
        n_waiting++;
      g_assert_true (kefu_assessment_can_rate (t->db, supervisor, s->id, KEFU_RATER_SUPERVISOR));
      r = kefu_assessment_result (t->db, round->id, s->id, &error);
      g_assert_no_error (error);
      if (!isnan (r->total))
        {
          g_assert_cmpfloat (r->total, >=, 1);
          g_assert_cmpfloat (r->total, <=, 5);
          n_results++;
        }
    }
  g_assert_cmpuint (n_rated, >=, 2);
  g_assert_cmpuint (n_waiting, >=, 1);
  g_assert_cmpuint (n_rated, >, n_waiting);
  g_assert_cmpuint (n_results, >=, n_rated);
}

int
main (int    argc,
      char **argv)
{
  g_setenv ("LANGUAGE", "C", TRUE);
  g_test_init (&argc, &argv, NULL);
  kefu_calendar_set_data_dir (SRCDIR "/data/calendars");

  g_test_add ("/assessment/round-validation", Fixture, NULL, fixture_set_up, test_round_validation, fixture_tear_down);
  g_test_add ("/assessment/weighting", Fixture, NULL, fixture_set_up, test_weighting, fixture_tear_down);
  g_test_add ("/assessment/anonymity-and-rules", Fixture, NULL, fixture_set_up, test_anonymity_and_rules, fixture_tear_down);
  g_test_add ("/assessment/visibility", Fixture, NULL, fixture_set_up, test_visibility, fixture_tear_down);
  g_test_add ("/assessment/round-of-a-unit", Fixture, NULL, fixture_set_up, test_round_of_a_unit, fixture_tear_down);
  g_test_add_func ("/assessment/sample-round", test_sample_round);
  return g_test_run ();
}
