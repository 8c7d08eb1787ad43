/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "kefu-sample"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "kefu-assessment.h"
#include "kefu-org.h"
#include "kefu-sample-assessment.h"

/* What a supervisor or a colleague writes beside the scores. */
static const char *comments[] = {
  "服务热情，业务熟练，客户表扬多。",
  "处理投诉耐心细致，能主动回访。",
  "时限意识需加强，个别工单超时。",
  "回访记录不够完整，请按规范填写。",
  "乐于帮助同事，高峰期主动顶岗。",
  NULL,
};

static int
clamp_score (double v)
{
  return CLAMP ((int) (v + 0.5), 1, 5);
}

/* The signed-in user rates @staff_id as @kind around @skill (1–5). */
static gboolean
rate (KefuDb         *db,
      GRand          *rand,
      const char     *round_id,
      const char     *rater_id,
      const char     *staff_id,
      KefuRaterKind   kind,
      double          skill,
      GError        **error)
{
  int scores[KEFU_N_DIMS];

  for (guint d = 0; d < KEFU_N_DIMS; d++)
    scores[d] = clamp_score (skill + g_rand_double_range (rand, -0.8, 0.8));
  return kefu_org_set_current_user (db, rater_id, error) &&
         kefu_assessment_rate (db, round_id, staff_id, kind, scores,
                               comments[g_rand_int_range (rand, 0, G_N_ELEMENTS (comments))], error);
}

/**
 * kefu_sample_generate_assessment:
 *
 * See kefu-sample-assessment.h. One transaction: all of it or nothing.
 */
gboolean
kefu_sample_generate_assessment (KefuDb   *db,
                                 guint32   seed,
                                 GError  **error)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed ^ 0xa55e55u);
  g_autoptr(KefuStaff) me = kefu_org_get_current_user (db);
  g_autoptr(KefuOrgUnit) office = kefu_org_get_office (db);
  g_autoptr(GPtrArray) staff = NULL;
  g_autoptr(GPtrArray) agents = g_ptr_array_new ();
  g_autoptr(GArray) skills = g_array_new (FALSE, FALSE, sizeof (double));
  /* Last month in China's time (UTC+8, as the business calendar). */
  g_autoptr(GTimeZone) tz = g_time_zone_new_offset (8 * 3600);
  g_autoptr(GDateTime) now = g_date_time_new_now (tz);
  g_autoptr(GDateTime) this_month = g_date_time_new (tz, g_date_time_get_year (now), g_date_time_get_month (now), 1,
                                                     0, 0, 0);
  g_autoptr(GDateTime) last_month = g_date_time_add_months (this_month, -1);
  KefuAssessmentRound round = { 0 };
  const char *supervisor = NULL;
  gboolean ok = FALSE;

  g_return_val_if_fail (KEFU_IS_DB (db), FALSE);

  if (office == NULL || (staff = kefu_org_list_unit_staff (db, office->id, FALSE, error)) == NULL)
    {
      if (office == NULL)
        g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID, _("Sample assessment needs the sample office."));
      return FALSE;
    }
  for (guint i = 0; i < staff->len; i++)
    {
      KefuStaff *s = staff->pdata[i];

      if (g_strcmp0 (s->role, "supervisor") == 0 && supervisor == NULL)
        supervisor = s->id;
      else if (g_strcmp0 (s->role, "agent") == 0)
        {
          double skill = 3.0 + 2.0 * g_rand_double (rand);

          g_ptr_array_add (agents, s);
          g_array_append_val (skills, skill);
        }
    }
  if (supervisor == NULL || agents->len < 3)
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID,
                   _("Sample assessment needs the sample office (a supervisor and their staff)."));
      return FALSE;
    }

  round.name = g_date_time_format (last_month, "%Y年%-m月 月度考核");
  round.org_unit_id = office->id;
  round.period_from = g_date_time_to_unix (last_month) * 1000;
  round.period_to = g_date_time_to_unix (this_month) * 1000;
  round.weights[KEFU_RATER_SUPERVISOR] = 40;
  round.weights[KEFU_RATER_CUSTOMER] = 30;
  round.weights[KEFU_RATER_PEER] = 20;
  round.weights[KEFU_RATER_SUBORDINATE] = 10;

  if (!kefu_db_begin (db, error))
    goto out;
  if (!kefu_org_set_current_user (db, supervisor, error) || !kefu_assessment_round_create (db, &round, error))
    goto rollback;
  for (guint i = 0; i < agents->len; i++)
    {
      KefuStaff *s = agents->pdata[i];
      KefuStaff *next = agents->pdata[(i + 1) % agents->len];
      double skill = g_array_index (skills, double, i);
      double next_skill = g_array_index (skills, double, (i + 1) % agents->len);

      /* The supervisor is two thirds through; every third person waits. */
      if (i % 3 != 2 && !rate (db, rand, round.id, supervisor, s->id, KEFU_RATER_SUPERVISOR, skill, error))
        goto rollback;
      /* Some colleagues have rated the next one of their role. */
      if (g_rand_double (rand) < 0.6 && g_strcmp0 (s->role, next->role) == 0 &&
          !rate (db, rand, round.id, s->id, next->id, KEFU_RATER_PEER, next_skill, error))
        goto rollback;
      /* About half have rated their supervisor. */
      if (i % 2 == 0 && !rate (db, rand, round.id, s->id, supervisor, KEFU_RATER_SUBORDINATE, 4.2, error))
        goto rollback;
    }
  /* The customers' ratings, as the supervisor takes them in. */
  if (!kefu_org_set_current_user (db, supervisor, error))
    goto rollback;
  for (guint i = 0; i <= agents->len; i++)
    {
      double score;

      if (!kefu_assessment_derive_customer (db, round.id, i < agents->len ? ((KefuStaff *) agents->pdata[i])->id
                                                                         : supervisor, &score, error))
        goto rollback;
    }
  if (!kefu_org_set_current_user (db, me ? me->id : supervisor, error))
    goto rollback;
  ok = kefu_db_commit (db, error);
  goto out;

rollback:
  kefu_db_rollback (db);
out:
  if (!ok && me != NULL)
    kefu_db_set_actor (db, me->id);
  g_free (round.id);
  g_free (round.name);
  return ok;
}
