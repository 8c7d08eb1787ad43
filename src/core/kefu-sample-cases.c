/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "kefu-sample-cases"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "kefu-cases-private.h"
#include "kefu-claims.h"
#include "kefu-sample-cases.h"
#include "kefu-segments.h"
#include "kefu-tracking.h"

#define MINUTE_MS     G_GINT64_CONSTANT (60000)
#define HOUR_MS       (60 * MINUTE_MS)
#define DAY_MS        (24 * HOUR_MS)
#define SPAN_DAYS     730
#define MAX_EVENTS    8

/* --- word lists ------------------------------------------------------ */

typedef struct
{
  const char *kind;
  guint       weight;        /* out of 100 */
  const char *category;      /* code of a migration-2 category */
  const char *subject;
  const char *description;   /* "%s" stands for an item */
} Template;

static const Template templates[] = {
  { "complaint", 6, "damage", "快递破损", "客户反映收到的包裹外包装破损，内件%s有明显损坏，要求给个说法。" },
  { "complaint", 5, "delay", "派送延误", "包裹已到达本网点三天仍未派送，客户急需%s，情绪较为激动。" },
  { "complaint", 3, "attitude", "投递员态度差", "客户投诉投递员电话中态度恶劣，未送货上门，要求道歉。" },
  { "complaint", 2, "delay", "未经同意放快递柜", "投递员未经客户同意将%s放入快递柜，客户不便取件。" },
  { "complaint", 2, "other", "虚假签收", "系统显示已签收，但客户表示并未收到%s。" },
  { "complaint", 1, "billing", "运费多收", "客户反映寄件时运费比报价多收，要求退还差价。" },
  { "complaint", 1, "pickup", "上门取件迟到", "预约上门取件，快递员迟到两个小时，客户不满。" },
  { "claim", 3, "loss", "丢件索赔", "客户寄出的%s在运输途中丢失，申请赔偿。" },
  { "claim", 3, "damage", "破损索赔", "收件时发现%s破损严重，客户提供照片，申请赔偿。" },
  { "claim", 1, "delay", "延误赔偿申请", "生鲜%s因派送延误变质，客户申请赔偿。" },
  { "claim", 1, "loss", "内件短少索赔", "包裹重量与寄件时不符，内件%s短少，申请赔偿。" },
  { "tracking", 14, "delay", "查询物流", "客户来电查询%s的物流进度。" },
  { "tracking", 8, "delay", "包裹长时间未更新", "物流信息已五天未更新，客户询问%s的下落。" },
  { "tracking", 5, "other", "查询派送时间", "客户询问%s今天能否送达。" },
  { "tracking", 3, "other", "国际包裹清关查询", "客户的国际包裹（%s）在海关停留，询问清关进度。" },
  { "inquiry", 7, "billing", "咨询运费", "客户咨询寄%s到外省的运费和时效。" },
  { "inquiry", 5, "other", "咨询寄递禁限品", "客户询问%s能否寄递，需要哪些包装要求。" },
  { "inquiry", 4, "other", "咨询网点营业时间", "客户询问本网点节假日营业时间。" },
  { "inquiry", 4, "billing", "咨询保价规则", "客户想寄贵重的%s，咨询保价费用和赔偿标准。" },
  { "service", 7, "other", "改地址", "客户要求将%s的收件地址改到公司。" },
  { "service", 4, "other", "改派送时间", "客户白天不在家，要求晚上七点后派送%s。" },
  { "service", 4, "pickup", "预约上门取件", "客户预约明天上午上门取件，寄%s。" },
  { "service", 2, "billing", "开具发票", "企业客户要求开具上月运费发票。" },
  { "service", 1, "other", "退回寄件人", "收件人拒收，客户要求将%s退回。" },
  { "suggestion", 2, "other", "建议延长营业时间", "客户建议周末延长网点营业时间。" },
  { "suggestion", 1, "other", "建议增加快递柜", "客户建议在小区增加快递柜。" },
  { "suggestion", 1, "other", "建议短信提前通知", "客户建议派送前短信通知具体时间段。" },
};

static const char *items[] = {
  "手机", "笔记本电脑", "衣服", "茶叶", "合同文件", "电脑配件", "化妆品", "月饼", "书籍",
  "药品", "鞋子", "玩具", "水果", "护照", "相机", "家电配件", "海鲜", "字画",
};

static const char *resolutions[] = {
  "已联系派送员当天加急派送，客户已签收。",
  "已向客户致歉并说明原因，客户表示理解。",
  "已核实物流轨迹并告知客户预计送达时间。",
  "已按规定办理，客户确认满意。",
  "已协调投递部重新派送，并对投递员进行批评教育。",
  "已为客户办理相关业务，并短信告知结果。",
};

static const char *notes[] = {
  "已查询派送记录。",
  "已联系投递部核实。",
  "客户要求尽快回复。",
  "已上报主管。",
  "等待转运中心回复。",
  "已调取网点监控。",
};

static const char *contacts[] = {
  "已致电客户说明处理进度。",
  "短信告知客户处理结果。",
  "客户来电询问进度，已答复。",
  "客户到网点当面沟通。",
};

static const char *s10_prefixes[] = { "EA", "EB", "EC", "ED", "EE", "EM", "EV", "RR", "CP", "LK" };

/* --- the generator --------------------------------------------------- */

typedef struct
{
  char *id;
  char *name;
  char *segment;
  guint branch;
  gint64 last_contact;
  guint complaints;
  gboolean touched;
} Customer;

typedef struct
{
  char      *id;
  char      *code;
  GPtrArray *agents;         /* char* */
  GPtrArray *supervisors;    /* char* */
  GPtrArray *departments;    /* char* */
} Branch;

typedef struct
{
  const char *kind;
  const char *actor;
  gint64      at;
  const char *field;
  char       *old_value;
  char       *new_value;
  char       *body;
} Event;

typedef struct
{
  KefuDb       *db;
  GRand        *rand;
  KefuCalendar *cal;
  GPtrArray    *policies;
  GArray       *customers;   /* Customer */
  GPtrArray    *branches;    /* Branch* */
  Branch       *office;      /* this database's branch: it takes every case */
  gboolean      spread;      /* …unless the cases go to their customers' branches */
  GHashTable   *categories;  /* code → id */
  gint64        start_ms;
  gint64        end_ms;
  guint         n_cases;
  guint         payment_seq;
  Event         events[MAX_EVENTS * 2];
  guint         n_events;
} Gen;

static void
branch_free (gpointer data)
{
  Branch *b = data;

  g_free (b->id);
  g_free (b->code);
  g_ptr_array_unref (b->agents);
  g_ptr_array_unref (b->supervisors);
  g_ptr_array_unref (b->departments);
  g_free (b);
}

static void
customer_clear (gpointer data)
{
  Customer *c = data;

  g_free (c->id);
  g_free (c->name);
  g_free (c->segment);
}

static guint
pick (Gen   *g,
      guint  n)
{
  return n <= 1 ? 0 : (guint) g_rand_int_range (g->rand, 0, (gint32) n);
}

static gboolean
chance (Gen    *g,
        double  p)
{
  return g_rand_double (g->rand) < p;
}

static const char *
pick_ptr (Gen       *g,
          GPtrArray *a)
{
  return a->len ? a->pdata[pick (g, a->len)] : NULL;
}

/* A UUIDv7 from the generator's own random numbers, so a seed gives the
 * same ids. */
static char *
sample_uuid (Gen    *g,
             gint64  ms)
{
  guint32 r1 = g_rand_int (g->rand), r2 = g_rand_int (g->rand), r3 = g_rand_int (g->rand);

  return g_strdup_printf ("%08x-%04x-7%03x-%04x-%04x%08x",
                          (guint32) ((guint64) ms >> 16), (guint) ((guint64) ms & 0xffff),
                          r1 & 0xfff, 0x8000 | ((r1 >> 12) & 0x3fff), r2 & 0xffff, r3);
}

static gboolean
load_world (Gen     *g,
            GError **error)
{
  g_autofree char *office = kefu_db_get_meta (g->db, "office_id");
  g_autoptr(GHashTable) by_id = g_hash_table_new (g_str_hash, g_str_equal);
  sqlite3_stmt *stmt;
  int rc;

  /* Branches with staff. */
  stmt = kefu_db_prepare (g->db,
                          "SELECT s.id, s.role, s.org_unit_id, o.code FROM staff s JOIN org_unit o ON o.id = s.org_unit_id"
                          " WHERE s.deleted = 0 AND s.active = 1 AND s.is_courier = 0"
                          " AND s.role IN ('agent','supervisor','admin')"
                          " ORDER BY o.rowid, s.rowid", error);
  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *unit = kefu_stmt_text (stmt, 2);
      Branch *b = g_hash_table_lookup (by_id, unit);

      if (b == NULL)
        {
          b = g_new0 (Branch, 1);
          b->id = g_strdup (unit);
          b->code = kefu_stmt_dup (stmt, 3);
          b->agents = g_ptr_array_new_with_free_func (g_free);
          b->supervisors = g_ptr_array_new_with_free_func (g_free);
          b->departments = g_ptr_array_new_with_free_func (g_free);
          g_ptr_array_add (g->branches, b);
          g_hash_table_insert (by_id, b->id, b);
        }
      if (g_str_equal (kefu_stmt_text (stmt, 1), "agent"))
        g_ptr_array_add (b->agents, kefu_stmt_dup (stmt, 0));
      else
        g_ptr_array_add (b->supervisors, kefu_stmt_dup (stmt, 0));
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return kefu_db_set_error (g->db, error);
  if (g->branches->len == 0)
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID,
                   _("Sample cases need staff: set up the office or generate the sample organisation first."));
      return FALSE;
    }
  /* This database is one office's: sync hands it its own branch's cases,
   * numbered with its code, and the signed-in user works some of them. */
  g->office = office ? g_hash_table_lookup (by_id, office) : NULL;
  if (g->office != NULL)
    {
      g_autofree char *me = kefu_db_get_meta (g->db, "current_user_id");

      if (me != NULL && !g_ptr_array_find_with_equal_func (g->office->agents, me, g_str_equal, NULL))
        g_ptr_array_add (g->office->agents, g_steal_pointer (&me));
    }
  for (guint i = 0; i < g->branches->len; i++)
    {
      Branch *b = g->branches->pdata[i];

      /* Every branch needs someone to take cases. */
      if (b->agents->len == 0)
        for (guint j = 0; j < b->supervisors->len; j++)
          g_ptr_array_add (b->agents, g_strdup (b->supervisors->pdata[j]));
    }

  stmt = kefu_db_prepare (g->db, "SELECT id, org_unit_id FROM department WHERE deleted = 0 ORDER BY rowid", error);
  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      Branch *b = g_hash_table_lookup (by_id, kefu_stmt_text (stmt, 1));

      if (b != NULL)
        g_ptr_array_add (b->departments, kefu_stmt_dup (stmt, 0));
    }
  sqlite3_reset (stmt);

  stmt = kefu_db_prepare (g->db, "SELECT code, id FROM category WHERE scope = 'case' AND deleted = 0", error);
  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_hash_table_insert (g->categories, kefu_stmt_dup (stmt, 0), kefu_stmt_dup (stmt, 1));
  sqlite3_reset (stmt);

  /* Customers, each served by its own branch (or by the office). */
  stmt = kefu_db_prepare (g->db, "SELECT id, segment, branch_id, name FROM customer WHERE deleted = 0 ORDER BY rowid", error);
  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      Customer c = { 0 };
      const char *branch_id = kefu_stmt_text (stmt, 2);
      guint index = 0;

      c.id = kefu_stmt_dup (stmt, 0);
      c.segment = kefu_stmt_dup (stmt, 1);
      c.name = kefu_stmt_dup (stmt, 3);
      for (guint i = 0; i < g->branches->len; i++)
        {
          Branch *b = g->branches->pdata[i];

          if (g_strcmp0 (b->id, branch_id) == 0 || (index == 0 && g_strcmp0 (b->id, office) == 0))
            index = i;
          if (g_strcmp0 (b->id, branch_id) == 0)
            break;
        }
      c.branch = index;
      g_array_append_val (g->customers, c);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return kefu_db_set_error (g->db, error);
  if (g->customers->len == 0)
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID,
                   _("Sample cases need customers: generate the sample customers first."));
      return FALSE;
    }
  return TRUE;
}

/* The most specific policy, as kefu_sla_policy_find() chooses it. */
static const KefuSlaPolicy *
find_policy (Gen        *g,
             const char *kind,
             const char *segment,
             const char *priority)
{
  const KefuSlaPolicy *best = NULL;
  int best_score = -1;

  for (guint i = 0; i < g->policies->len; i++)
    {
      const KefuSlaPolicy *p = g->policies->pdata[i];
      gboolean k = g_str_equal (p->case_kind, kind), s = g_str_equal (p->segment, segment),
               r = g_str_equal (p->priority, priority);
      int score;

      if ((!k && !g_str_equal (p->case_kind, "*")) || (!s && !g_str_equal (p->segment, "*")) ||
          (!r && !g_str_equal (p->priority, "*")))
        continue;
      score = (k + s + r) * 8 + k * 4 + s * 2 + r;
      if (score > best_score)
        {
          best = p;
          best_score = score;
        }
    }
  return best;
}

static char *
make_tracking (Gen        *g,
               const char *kind)
{
  double p = g_rand_double (g->rand);

  if ((g_str_equal (kind, "inquiry") || g_str_equal (kind, "suggestion")) && chance (g, 0.7))
    return NULL;
  if (p < 0.7)
    {
      char digits[9];
      char *n;

      for (guint i = 0; i < 8; i++)
        digits[i] = (char) ('0' + pick (g, 10));
      digits[8] = '\0';
      n = g_strdup_printf ("%s%s%c%s", s10_prefixes[pick (g, G_N_ELEMENTS (s10_prefixes))], digits,
                           kefu_tracking_s10_check_digit (digits), chance (g, 0.93) ? "CN" : "HK");
      return n;
    }
  if (p < 0.8)
    return g_strdup_printf ("SF%06u%06u", pick (g, 1000000), pick (g, 1000000));
  if (p < 0.9)
    return g_strdup_printf ("YT%07u%06u", pick (g, 10000000), pick (g, 1000000));
  return g_strdup_printf ("75%07u%06u", pick (g, 10000000), pick (g, 1000000));
}

static const Template *
pick_template (Gen *g)
{
  guint total = 0, r;

  for (guint i = 0; i < G_N_ELEMENTS (templates); i++)
    total += templates[i].weight;
  r = pick (g, total);
  for (guint i = 0; i < G_N_ELEMENTS (templates); i++)
    {
      if (r < templates[i].weight)
        return &templates[i];
      r -= templates[i].weight;
    }
  return &templates[0];
}

static const char *
weighted (Gen         *g,
          const char **keys,
          const guint *weights,
          guint        n)
{
  guint total = 0, r;

  for (guint i = 0; i < n; i++)
    total += weights[i];
  r = pick (g, total);
  for (guint i = 0; i < n; i++)
    {
      if (r < weights[i])
        return keys[i];
      r -= weights[i];
    }
  return keys[0];
}

static void
add_event (Gen        *g,
           const char *kind,
           const char *actor,
           gint64      at,
           const char *field,
           const char *old_value,
           const char *new_value,
           const char *body)
{
  Event *e;

  if (g->n_events >= G_N_ELEMENTS (g->events))
    return;
  e = &g->events[g->n_events++];
  e->kind = kind;
  e->actor = actor;
  e->at = at;
  e->field = field;
  e->old_value = g_strdup (old_value);
  e->new_value = g_strdup (new_value);
  e->body = g_strdup (body);
}

static void
clear_events (Gen *g)
{
  for (guint i = 0; i < g->n_events; i++)
    {
      g_free (g->events[i].old_value);
      g_free (g->events[i].new_value);
      g_free (g->events[i].body);
    }
  g->n_events = 0;
}

/* The i-th case is received at the i-th share of the working hours
 * (08:00–21:00, every day) of the span: cases come in order of time, so
 * "newest first" and the order of rowids agree. */
static gint64
received_at (Gen   *g,
             guint  i)
{
  gint64 active = 13 * HOUR_MS;
  double share = ((double) i + g_rand_double (g->rand) * 0.9) / (double) g->n_cases;
  gint64 offset = (gint64) (share * (double) (SPAN_DAYS * active));
  gint64 day = offset / active;
  gint64 base = kefu_local_day_start (g->start_ms) + day * DAY_MS;

  return base + 8 * HOUR_MS + offset % active;
}

static gboolean
insert_follow_up (Gen          *g,
                  KefuCase     *c,
                  const char   *kind,
                  const char   *assignee,
                  gint64        due_at,
                  const char   *status,
                  gint64        done_at,
                  const char   *result,
                  GError      **error)
{
  g_autofree char *id = sample_uuid (g, due_at);
  sqlite3_stmt *stmt = kefu_db_prepare (g->db,
                                        "INSERT INTO follow_up (id, updated_by, updated_at, case_id, customer_id, kind, status,"
                                        " assignee_id, due_at, done_at, result) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                                        error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, assignee, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, done_at ? done_at : c->closed_at);
  sqlite3_bind_text (stmt, 4, c->id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, c->customer_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, kind, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, status, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 8, assignee, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 9, due_at);
  if (done_at)
    sqlite3_bind_int64 (stmt, 10, done_at);
  else
    sqlite3_bind_null (stmt, 10);
  sqlite3_bind_text (stmt, 11, result, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return kefu_db_set_error (g->db, error);
  return TRUE;
}

static gboolean
insert_answer (Gen        *g,
               KefuCase   *c,
               const char *actor,
               int         satisfaction,
               int         nps,
               const char *comment,
               gint64      at,
               GError    **error)
{
  g_autofree char *id = sample_uuid (g, at);
  sqlite3_stmt *stmt = kefu_db_prepare (g->db,
                                        "INSERT INTO survey_answer (id, updated_by, updated_at, case_id, customer_id,"
                                        " satisfaction, nps, comment, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, actor, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, at);
  sqlite3_bind_text (stmt, 4, c->id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, c->customer_id, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 6, satisfaction);
  sqlite3_bind_int (stmt, 7, nps);
  sqlite3_bind_text (stmt, 8, comment, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 9, at);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return kefu_db_set_error (g->db, error);
  return TRUE;
}

/* Where along [from, to] the k-th of n steps happens. */
static gint64
step_time (Gen    *g,
           gint64  from,
           gint64  to,
           guint   k,
           guint   n)
{
  double share = ((double) k + 0.2 + 0.6 * g_rand_double (g->rand)) / (double) (n + 1);

  return from + (gint64) ((double) (to - from) * share);
}

/* The templates hold "%s" for the item; not a printf format. */
static char *
fill_template (const char *template,
               const char *item)
{
  GString *out = g_string_new (template);

  g_string_replace (out, "%s", item, 0);
  return g_string_free (out, FALSE);
}

static gboolean
generate_one (Gen      *g,
              guint     index,
              GError  **error)
{
  static const char *channels[] = { "phone", "counter", "online", "social", "email", "letter" };
  static const guint channel_w[] = { 50, 20, 15, 8, 4, 3 };
  static const char *priorities[] = { "normal", "high", "low", "urgent" };
  static const guint priority_w[] = { 75, 15, 5, 5 };
  g_autoptr(KefuCase) c = kefu_case_new ();
  const Template *tpl = pick_template (g);
  Customer *cust = &g_array_index (g->customers, Customer, pick (g, g->customers->len));
  Branch *br = g->office && !g->spread ? g->office : g->branches->pdata[cust->branch];
  const KefuSlaPolicy *policy;
  const char *item = items[pick (g, G_N_ELEMENTS (items))];
  const char *owner, *assignee, *status;
  gboolean claim = g_str_equal (tpl->kind, "claim");
  gint64 age, end, t_done, first_contact;
  guint target, n_steps, step = 0;
  double p;

  c->created_at = received_at (g, index);
  c->kind = g_strdup (tpl->kind);
  c->category_id = g_strdup (g_hash_table_lookup (g->categories, tpl->category));
  c->channel = g_strdup (weighted (g, channels, channel_w, G_N_ELEMENTS (channels)));
  kefu_set_str (&c->priority, weighted (g, priorities, priority_w, G_N_ELEMENTS (priorities)));
  c->customer_id = g_strdup (cust->id);
  c->customer_name = g_strdup (cust->name);
  c->tracking_number = claim ? NULL : make_tracking (g, tpl->kind);
  if (claim)
    while (c->tracking_number == NULL)
      c->tracking_number = make_tracking (g, tpl->kind);
  c->subject = g_strdup (tpl->subject);
  c->description = fill_template (tpl->description, item);
  c->branch_id = g_strdup (br->id);
  c->branch_code = g_strdup (br->code);
  owner = pick_ptr (g, br->agents);
  c->owner_id = g_strdup (owner);
  c->id = sample_uuid (g, c->created_at);
  if ((c->number = _kefu_cases_next_number (g->db, br->code, c->created_at, error)) == NULL)
    return FALSE;

  policy = find_policy (g, c->kind, cust->segment, c->priority);
  if (policy != NULL)
    {
      c->sla_policy_id = g_strdup (policy->id);
      c->first_response_due = kefu_calendar_add_minutes (g->cal, c->created_at, policy->first_response_minutes);
      c->resolution_due = kefu_calendar_add_minutes (g->cal, c->created_at, policy->resolution_minutes);
    }

  if (claim)
    {
      /* 50 to 20,000 yuan, mostly small. */
      double yuan = 50.0 * pow (400.0, g_rand_double (g->rand) * g_rand_double (g->rand));

      c->claim_amount_cents = (gint64) yuan * 100;
      c->declared_value_cents = chance (g, 0.6) ? c->claim_amount_cents + pick (g, 5) * 10000 : 0;
      c->insured = chance (g, 0.4);
    }

  /* The status mix depends on age: a month-old case is settled, so that
   * what is overdue today is overdue by days or weeks, as in a real
   * office, not by a year. */
  age = g->end_ms - c->created_at;
  p = g_rand_double (g->rand);
  if (age > 30 * DAY_MS)
    status = p < 0.98 ? "closed" : "resolved";
  else if (age > 3 * DAY_MS)
    status = p < 0.70 ? "closed" : p < 0.82 ? "resolved" : p < 0.91 ? "in_progress" : p < 0.96 ? "waiting" : "assigned";
  else
    status = p < 0.05 ? "closed" : p < 0.20 ? "resolved" : p < 0.55 ? "in_progress" : p < 0.65 ? "waiting"
           : p < 0.85 ? "assigned" : "new";
  c->status = g_strdup (status);

  /* How far the timeline reaches: the resolution, or the last action of
   * an open case. */
  if (g_str_equal (status, "closed") || g_str_equal (status, "resolved"))
    {
      gint64 limit = c->resolution_due > c->created_at ? c->resolution_due - c->created_at : 3 * DAY_MS;

      t_done = c->created_at + (gint64) ((double) limit * (chance (g, 0.88) ? 0.15 + 0.8 * g_rand_double (g->rand)
                                                                             : 1.05 + g_rand_double (g->rand)));
    }
  else
    t_done = c->created_at + (gint64) ((double) MIN (age, 20 * DAY_MS) * (0.1 + 0.8 * g_rand_double (g->rand)));
  end = g->end_ms - MINUTE_MS;
  t_done = CLAMP (t_done, c->created_at + 5 * MINUTE_MS, MAX (end, c->created_at + 5 * MINUTE_MS));

  target = 3 + pick (g, 4);
  assignee = chance (g, 0.7) ? owner : pick_ptr (g, br->agents);
  add_event (g, "created", owner, c->created_at, NULL, NULL, "new", c->subject);
  n_steps = 6;

  if (!g_str_equal (status, "new"))
    {
      gint64 t = step_time (g, c->created_at, t_done, step++, n_steps);

      if (chance (g, 0.15) && br->departments->len > 0)
        {
          c->department_id = g_strdup (pick_ptr (g, br->departments));
          add_event (g, "assigned", owner, t, "department_id", NULL, c->department_id, NULL);
        }
      c->assignee_id = g_strdup (assignee);
      /* Taking one's own case shows as the status change alone. */
      if (g_strcmp0 (assignee, owner) != 0 || g_str_equal (status, "assigned"))
        add_event (g, "assigned", owner, t, "assignee_id", NULL, assignee, NULL);
    }
  if (!g_str_equal (status, "new") && !g_str_equal (status, "assigned"))
    {
      gint64 t = step_time (g, c->created_at, t_done, step++, n_steps);

      add_event (g, "status", assignee, t, "status", "assigned", "in_progress", NULL);
      /* The first response: usually within the standard. */
      first_contact = chance (g, 0.85) && c->first_response_due > t
                      ? t + (gint64) ((double) (c->first_response_due - t) * g_rand_double (g->rand) * 0.9)
                      : step_time (g, c->created_at, t_done, step++, n_steps);
      first_contact = MIN (first_contact, t_done);
      c->first_response_at = first_contact;
      add_event (g, "contact", assignee, first_contact, "call", NULL, "out", contacts[pick (g, 2)]);
      cust->last_contact = MAX (cust->last_contact, first_contact);

      if (g_str_equal (status, "waiting") || chance (g, 0.12))
        {
          gint64 w = step_time (g, c->created_at, t_done, step++, n_steps);

          add_event (g, "status", assignee, w, "status", "in_progress", "waiting", "等待客户提供照片和发票。");
          if (g_str_equal (status, "waiting"))
            c->paused_at = w;
          else
            {
              gint64 back = step_time (g, c->created_at, t_done, step++, n_steps);

              add_event (g, "status", assignee, back, "status", "waiting", "in_progress", NULL);
              c->paused_total = kefu_calendar_minutes_between (g->cal, w, back);
              c->resolution_due = kefu_calendar_add_minutes (g->cal, c->resolution_due, c->paused_total);
            }
        }
    }

  /* Claims: a decision for claims well under way; large ones need a
   * supervisor, and some still wait for one. */
  if (claim && !g_str_equal (status, "new") && !g_str_equal (status, "assigned") &&
      (!g_str_equal (status, "in_progress") || chance (g, 0.5)))
    {
      const char *supervisor = br->supervisors->len ? pick_ptr (g, br->supervisors) : owner;
      gint64 td = step_time (g, c->created_at, t_done, MIN (step, n_steps - 1), n_steps);
      double d = g_rand_double (g->rand);
      gint64 part = c->claim_amount_cents * (3 + pick (g, 5)) / 10;
      gboolean open = kefu_case_status_is_open (status);

      c->decision = g_strdup (d < 0.55 ? "accept" : d < 0.85 ? "partial" : "reject");
      c->approved_amount_cents = g_str_equal (c->decision, "accept") ? c->claim_amount_cents
                                 : g_str_equal (c->decision, "partial") ? MAX (100, part)
                                 : 0;
      c->decided_by = g_strdup (assignee);
      c->decided_at = td;
      add_event (g, "claim", assignee, td, "decision", NULL, c->decision,
                 g_str_equal (c->decision, "reject") ? "包裹签收时完好，损失不在赔偿范围内。" : NULL);
      if (c->approved_amount_cents > 50000)
        {
          if (open && chance (g, 0.6))
            {
              c->approval_status = g_strdup ("pending");
              add_event (g, "approval", assignee, td, "approval_status", NULL, "pending", NULL);
            }
          else
            {
              gint64 approved = td + HOUR_MS * (1 + pick (g, 30));

              c->approval_status = g_strdup ("approved");
              c->approver_id = g_strdup (supervisor);
              c->approved_at = MIN (approved, t_done);
              add_event (g, "approval", supervisor, c->approved_at, "approval_status", "pending", "approved", NULL);
            }
        }
      else
        {
          c->approval_status = g_strdup ("approved");
          c->approver_id = g_strdup (assignee);
          c->approved_at = td;
        }
      if (g_str_equal (status, "closed") && c->approved_amount_cents > 0)
        {
          g_autofree char *date = kefu_local_date_string (t_done);

          c->payment_date = g_strdup (date);
          c->payment_ref = g_strdup_printf ("ZF%.4s%.2s%.2s%05u", date, date + 5, date + 8, ++g->payment_seq % 100000);
          add_event (g, "claim", assignee, t_done, "payment", NULL, date, c->payment_ref);
        }
    }

  /* Notes and contacts until the timeline has its length; before the
   * first response, only notes and the customer's own messages. */
  while (g->n_events + (g_str_equal (status, "resolved") ? 1 : g_str_equal (status, "closed") ? 2 : 0) < target)
    {
      gint64 t = step_time (g, c->created_at, t_done, pick (g, n_steps), n_steps);
      const char *actor = c->assignee_id ? assignee : owner;

      if (chance (g, 0.5))
        add_event (g, "note", actor, t, NULL, NULL, NULL, notes[pick (g, G_N_ELEMENTS (notes))]);
      else if (c->first_response_at == 0)
        add_event (g, "contact", actor, t, "sms", NULL, "in", contacts[2]);
      else
        {
          add_event (g, "contact", actor, t, chance (g, 0.8) ? "call" : "sms", NULL, chance (g, 0.6) ? "out" : "in",
                     contacts[pick (g, G_N_ELEMENTS (contacts))]);
          cust->last_contact = MAX (cust->last_contact, t);
        }
    }

  if (g_str_equal (status, "resolved") || g_str_equal (status, "closed"))
    {
      const char *resolution = resolutions[pick (g, G_N_ELEMENTS (resolutions))];

      c->resolution = g_strdup (resolution);
      c->resolved_at = t_done;
      add_event (g, "status", assignee, t_done, "status", "in_progress", "resolved", resolution);
    }
  if (g_str_equal (status, "closed"))
    {
      gint64 closed = t_done + pick (g, 48) * HOUR_MS;

      c->closed_at = MIN (closed, end);
      /* (The follow-up task is a row of its own; its "created" event is
       * left out to keep timelines at their usual length.) */
      add_event (g, "status", owner, c->closed_at, "status", "resolved", "closed", NULL);
    }

  _kefu_cases_update_next_due (c);
  /* Open cases past their deadline were escalated by the SLA check. */
  if (c->next_due != 0 && c->next_due < g->end_ms)
    {
      gboolean fr = c->first_response_at == 0;

      c->warned = c->escalated = TRUE;
      add_event (g, "escalated", NULL, MIN (c->next_due + 5 * MINUTE_MS, end),
                 fr ? "first_response_due" : "resolution_due", NULL, NULL, NULL);
    }

  c->last_action_at = c->created_at;
  for (guint i = 0; i < g->n_events; i++)
    c->last_action_at = MAX (c->last_action_at, g->events[i].at);
  if (g_str_equal (tpl->kind, "complaint") && c->created_at > g->end_ms - 365 * DAY_MS)
    cust->complaints++;
  cust->last_contact = MAX (cust->last_contact, c->created_at);
  cust->touched = TRUE;

  if (!_kefu_cases_insert_row (g->db, c, FALSE, error))
    return FALSE;
  for (guint i = 0; i < g->n_events; i++)
    {
      Event *e = &g->events[i];

      if (!_kefu_cases_insert_event (g->db, c->id, e->kind, e->actor, e->at, e->field, e->old_value,
                                     e->new_value, e->body, FALSE, error))
        return FALSE;
    }

  /* Follow-up calls of closed cases, and what the customers said. */
  if (g_str_equal (status, "closed"))
    {
      gint64 due = c->closed_at + 3 * DAY_MS;
      double f = g_rand_double (g->rand);

      /* Calls not yet made are recent; older ones were made or given up. */
      if (due > g->end_ms || (due > g->end_ms - 14 * DAY_MS && f < 0.3))
        return insert_follow_up (g, c, "follow_up", owner, due, "open", 0, NULL, error);
      if (f < 0.12)
        return insert_follow_up (g, c, "follow_up", owner, due, "cancelled", due, "客户电话无法接通。", error);
      {
        static const int sat_w[] = { 5, 7, 13, 30, 45 };
        int sat = 1, nps, r = (int) pick (g, 100);
        gint64 at = due + pick (g, 8) * HOUR_MS;
        const char *comment = NULL;

        for (guint i = 0; i < G_N_ELEMENTS (sat_w); i++)
          {
            if (r < sat_w[i])
              {
                sat = (int) i + 1;
                break;
              }
            r -= sat_w[i];
          }
        /* Macros evaluate their arguments twice: draw first. */
        nps = sat * 2 + (int) pick (g, 3) - 1;
        nps = CLAMP (nps, 0, 10);
        at = MIN (at, end);
        if (sat <= 2)
          comment = "处理太慢，希望改进。";
        else if (sat == 5 && chance (g, 0.3))
          comment = "服务很好，谢谢！";
        if (!insert_answer (g, c, owner, sat, nps, comment, at, error) ||
            !insert_follow_up (g, c, "follow_up", owner, due, "done", at, comment, error))
          return FALSE;
        cust->last_contact = MAX (cust->last_contact, at);
        if (sat <= 2 || nps <= 6)
          {
            const char *supervisor = br->supervisors->len ? br->supervisors->pdata[0] : owner;
            /* Recovery calls still to make are the recent ones. */
            gboolean done = at + 2 * DAY_MS < g->end_ms && (at < g->end_ms - 14 * DAY_MS || chance (g, 0.6));

            return insert_follow_up (g, c, "recovery", supervisor, at + DAY_MS, done ? "done" : "open",
                                     done ? at + DAY_MS : 0, done ? "主管已回访致歉。" : NULL, error);
          }
      }
    }
  return TRUE;
}

static gboolean
update_customers (Gen                      *g,
                  KefuSampleCasesProgress   progress,
                  gpointer                  user_data,
                  GError                  **error)
{
  g_autoptr(GPtrArray) rules = kefu_segment_rules_list (g->db, error);
  guint done = 0;

  if (rules == NULL)
    return FALSE;
  for (guint start = 0; start < g->customers->len; start += KEFU_SAMPLE_CASES_CHUNK)
    {
      guint stop = MIN (start + KEFU_SAMPLE_CASES_CHUNK, g->customers->len);

      if (!kefu_db_begin (g->db, error))
        return FALSE;
      for (guint i = start; i < stop; i++)
        {
          Customer *c = &g_array_index (g->customers, Customer, i);

          if (!c->touched)
            continue;
          if (!_kefu_cases_customer_activity (g->db, c->id, c->last_contact, 0, c->complaints, rules, error))
            {
              kefu_db_rollback (g->db);
              return FALSE;
            }
          done++;
        }
      if (!kefu_db_commit (g->db, error))
        return FALSE;
      if (progress)
        progress (0.95 + 0.05 * (double) stop / (double) g->customers->len, user_data);
    }
  g_debug ("Updated %u customers", done);
  return TRUE;
}

static gboolean
generate_cases (KefuDb                   *db,
                guint32                   seed,
                guint                     n_cases,
                gboolean                  spread,
                KefuSampleCasesProgress   progress,
                gpointer                  user_data,
                GError                  **error)
{
  Gen g = { 0 };
  gboolean ok = FALSE;

  g_return_val_if_fail (KEFU_IS_DB (db), FALSE);

  g.db = db;
  g.spread = spread;
  g.rand = g_rand_new_with_seed (seed);
  g.customers = g_array_new (FALSE, TRUE, sizeof (Customer));
  g_array_set_clear_func (g.customers, customer_clear);
  g.branches = g_ptr_array_new_with_free_func (branch_free);
  g.categories = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g.n_cases = n_cases;
  g.end_ms = kefu_cases_get_now (db);
  g.start_ms = g.end_ms - SPAN_DAYS * DAY_MS;

  if ((g.cal = kefu_calendar_get_for_db (db, error)) == NULL ||
      (g.policies = kefu_sla_policies_list (db, error)) == NULL ||
      !load_world (&g, error))
    goto out;

  for (guint start = 0; start < n_cases; start += KEFU_SAMPLE_CASES_CHUNK)
    {
      guint stop = MIN (start + KEFU_SAMPLE_CASES_CHUNK, n_cases);

      if (!kefu_db_begin (db, error))
        goto out;
      for (guint i = start; i < stop; i++)
        {
          gboolean done = generate_one (&g, i, error);

          clear_events (&g);
          if (!done)
            {
              kefu_db_rollback (db);
              goto out;
            }
        }
      if (!kefu_db_commit (db, error))
        goto out;
      if (progress)
        progress (0.95 * (double) stop / (double) MAX (n_cases, 1), user_data);
    }
  ok = update_customers (&g, progress, user_data, error);
  if (ok && progress)
    progress (1.0, user_data);

out:
  clear_events (&g);
  g_rand_free (g.rand);
  g_array_unref (g.customers);
  g_ptr_array_unref (g.branches);
  g_hash_table_unref (g.categories);
  g_clear_pointer (&g.policies, g_ptr_array_unref);
  return ok;
}

/**
 * kefu_sample_generate_cases:
 * @seed: the same seed gives the same cases
 * @n_cases: how many, e.g. 1,000,000 for the benchmark set
 * @progress: (nullable): called after each chunk
 *
 * Every case belongs to the database's own office (when it has one).
 */
gboolean
kefu_sample_generate_cases (KefuDb                   *db,
                            guint32                   seed,
                            guint                     n_cases,
                            KefuSampleCasesProgress   progress,
                            gpointer                  user_data,
                            GError                  **error)
{
  return generate_cases (db, seed, n_cases, FALSE, progress, user_data, error);
}

/**
 * kefu_sample_generate_cases_spread:
 *
 * As kefu_sample_generate_cases(), but each case belongs to its
 * customer's branch, so the cases are spread over every branch with staff
 * (a regional database, as the dashboard benchmark needs).
 */
gboolean
kefu_sample_generate_cases_spread (KefuDb                   *db,
                                   guint32                   seed,
                                   guint                     n_cases,
                                   KefuSampleCasesProgress   progress,
                                   gpointer                  user_data,
                                   GError                  **error)
{
  return generate_cases (db, seed, n_cases, TRUE, progress, user_data, error);
}
