/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "kefu-customers.h"
#include "kefu-org.h"
#include "kefu-segments.h"
#include "kefu-test-util.h"

static KefuCustomer *
make_customer (const char *name,
               const char *company,
               const char *phone)
{
  KefuCustomer *c = kefu_customer_new ();

  c->name = g_strdup (name);
  c->company = g_strdup (company);
  c->kind = g_strdup (company ? "enterprise" : "person");
  if (phone)
    kefu_customer_add_contact (c, "phone", "mobile", phone);
  return c;
}

static char *
create (KefuDb     *db,
        const char *name,
        const char *company,
        const char *phone)
{
  g_autoptr(KefuCustomer) c = make_customer (name, company, phone);
  g_autoptr(GError) error = NULL;

  g_assert_true (kefu_customers_create (db, c, &error));
  g_assert_no_error (error);
  return g_strdup (c->id);
}

static guint
search_count (KefuDb     *db,
              const char *text)
{
  KefuCustomerQuery q = { .text = (char *) text };
  g_autoptr(GError) error = NULL;
  guint n = 0;

  g_assert_true (kefu_customers_count (db, &q, &n, &error));
  g_assert_no_error (error);
  return n;
}

/* The per-segment counts kept by triggers agree with the table. */
static void
assert_segment_counts (KefuDb *db)
{
  const char **keys = kefu_segment_keys ();

  for (guint i = 0; keys[i]; i++)
    {
      KefuCustomerQuery q = { .segment = (char *) keys[i] };
      g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM customer WHERE deleted = 0 AND segment = '%s'", keys[i]);
      guint n = G_MAXUINT;

      g_assert_true (kefu_customers_count (db, &q, &n, NULL));
      g_assert_cmpint ((int) n, ==, kefu_test_count (db, sql));
    }
}

static void
test_create_writes_audit_and_outbox (void)
{
  g_autoptr(KefuTestDb) t = kefu_test_db_new (TRUE);
  int audit0 = kefu_test_count (t->db, "SELECT count(*) FROM audit_log");
  int outbox0 = kefu_test_count (t->db, "SELECT count(*) FROM outbox");
  g_autofree char *id = create (t->db, "张伟", NULL, "138 1234 5678");
  g_autoptr(KefuCustomer) c = kefu_customers_get (t->db, id, NULL);
  sqlite3_stmt *stmt;

  g_assert_nonnull (c);
  g_assert_cmpstr (c->name, ==, "张伟");
  g_assert_true (g_str_has_prefix (c->number, "C"));
  g_assert_cmpuint (c->contacts->len, ==, 1);
  g_assert_cmpint (c->version, ==, 1);
  /* The customer and its contact: two audit and two outbox entries. */
  g_assert_cmpint (kefu_test_count (t->db, "SELECT count(*) FROM audit_log"), ==, audit0 + 2);
  g_assert_cmpint (kefu_test_count (t->db, "SELECT count(*) FROM outbox"), ==, outbox0 + 2);

  stmt = kefu_db_prepare (t->db, "SELECT o.base_version, o.hlc = c.hlc, o.fields FROM outbox o JOIN customer c ON c.id = o.row_id WHERE o.entity = 'customer'", NULL);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 0);
  g_assert_cmpint (sqlite3_column_int (stmt, 1), ==, 1);
  g_assert_nonnull (strstr (kefu_stmt_text (stmt, 2), "\"name\":\"张伟\""));
  sqlite3_reset (stmt);
}

static void
test_failed_write_leaves_nothing (void)
{
  g_autoptr(KefuTestDb) t = kefu_test_db_new (TRUE);
  g_autoptr(KefuCustomer) c = make_customer ("李娜", NULL, "13912345678");
  g_autoptr(GError) error = NULL;
  int audit0 = kefu_test_count (t->db, "SELECT count(*) FROM audit_log");
  int outbox0 = kefu_test_count (t->db, "SELECT count(*) FROM outbox");

  /* The second contact is invalid: the customer, the first contact and
   * every audit and outbox entry must go with it. */
  kefu_customer_add_contact (c, "phone", "office", "not a phone");
  g_assert_false (kefu_customers_create (t->db, c, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
  g_clear_error (&error);

  /* A failure deep in the write (unknown manager: foreign key). */
  g_ptr_array_remove_index (c->contacts, 1);
  c->manager_id = g_strdup ("01900000-0000-7000-8000-00000000dead");
  g_assert_false (kefu_customers_create (t->db, c, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);

  g_assert_cmpint (kefu_test_count (t->db, "SELECT count(*) FROM customer"), ==, 0);
  g_assert_cmpint (kefu_test_count (t->db, "SELECT count(*) FROM customer_contact"), ==, 0);
  g_assert_cmpint (kefu_test_count (t->db, "SELECT count(*) FROM audit_log"), ==, audit0);
  g_assert_cmpint (kefu_test_count (t->db, "SELECT count(*) FROM outbox"), ==, outbox0);
  g_assert_false (kefu_db_in_transaction (t->db));
}

static void
test_update_and_conflict (void)
{
  g_autoptr(KefuTestDb) t = kefu_test_db_new (TRUE);
  g_autofree char *id = create (t->db, "王芳", NULL, "13700001111");
  g_autoptr(KefuCustomer) a = kefu_customers_get (t->db, id, NULL);
  g_autoptr(KefuCustomer) b = kefu_customers_get (t->db, id, NULL);
  g_autoptr(KefuCustomer) after = NULL;
  g_autoptr(GPtrArray) history = NULL;
  g_autoptr(GError) error = NULL;

  kefu_set_str (&a->company, "上海顺达贸易有限公司");
  kefu_set_str (&a->tags, " 月结，电商、大件;; ");
  kefu_set_str (&a->kind, "enterprise");
  kefu_customer_add_contact (a, "address", "warehouse", "上海市浦东新区张江路88号");
  g_assert_true (kefu_customers_update (t->db, a, &error));
  g_assert_no_error (error);
  g_assert_cmpint (a->version, ==, 2);

  /* b was read before a's change: refused, nothing written. */
  kefu_set_str (&b->name, "王芳芳");
  g_assert_false (kefu_customers_update (t->db, b, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_CONFLICT);

  after = kefu_customers_get (t->db, id, NULL);
  g_assert_cmpstr (after->name, ==, "王芳");
  g_assert_cmpstr (after->company, ==, "上海顺达贸易有限公司");
  g_assert_cmpstr (after->tags, ==, "月结,电商,大件");
  g_assert_cmpuint (after->contacts->len, ==, 2);

  history = kefu_customers_history (t->db, id, NULL);
  g_assert_cmpuint (history->len, >=, 3);
  g_assert_cmpstr (((KefuHistoryEntry *) history->pdata[history->len - 1])->op, ==, "insert");
  g_assert_cmpuint (search_count (t->db, "顺达"), ==, 1);
}

static void
test_delete_and_restore (void)
{
  g_autoptr(KefuTestDb) t = kefu_test_db_new (TRUE);
  g_autofree char *id = create (t->db, "赵磊", NULL, "13600002222");
  g_autoptr(GError) error = NULL;
  KefuCustomer *gone;

  g_assert_true (kefu_customers_delete (t->db, id, &error));
  gone = kefu_customers_get (t->db, id, &error);
  g_assert_null (gone);
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_cmpuint (search_count (t->db, "赵磊"), ==, 0);
  /* A tombstone, not a hole. */
  g_assert_cmpint (kefu_test_count (t->db, "SELECT count(*) FROM customer WHERE deleted = 1"), ==, 1);

  assert_segment_counts (t->db);
  g_assert_true (kefu_customers_restore (t->db, id, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (search_count (t->db, "赵磊"), ==, 1);
  assert_segment_counts (t->db);
}

static void
test_search_any_fragment (void)
{
  g_autoptr(KefuTestDb) t = kefu_test_db_new (TRUE);
  g_autofree char *a = create (t->db, "欧阳建国", "深圳市飞鸿物流有限公司", "+86 138-0013-8000");
  g_autofree char *b = create (t->db, "Li Ming", NULL, "010-6552 8888");
  g_autofree char *c = create (t->db, "陈建华", NULL, "13912340000");
  g_autoptr(KefuCustomer) ca = kefu_customers_get (t->db, a, NULL);

  g_assert_cmpuint (search_count (t->db, "建国"), ==, 1);
  g_assert_cmpuint (search_count (t->db, "阳建"), ==, 1);
  g_assert_cmpuint (search_count (t->db, "建"), ==, 2);
  g_assert_cmpuint (search_count (t->db, "飞鸿"), ==, 1);
  g_assert_cmpuint (search_count (t->db, "物流"), ==, 1);
  g_assert_cmpuint (search_count (t->db, "13800138000"), ==, 1);
  g_assert_cmpuint (search_count (t->db, "+8613800138000"), ==, 1);
  g_assert_cmpuint (search_count (t->db, "0013-8000"), ==, 1);
  g_assert_cmpuint (search_count (t->db, "6552"), ==, 1);
  g_assert_cmpuint (search_count (t->db, "ming"), ==, 1);
  g_assert_cmpuint (search_count (t->db, "LI MI"), ==, 1);
  g_assert_cmpuint (search_count (t->db, ca->number), ==, 1);
  g_assert_cmpuint (search_count (t->db, "国飞"), ==, 0);
  g_assert_cmpuint (search_count (t->db, "\"'%_;--"), ==, 0);
  g_assert_cmpuint (search_count (t->db, "不存在"), ==, 0);
}

/* A search finds the fragment as typed: letters, digits and ideographs
 * next to each other stay next to each other, in any script. */
static void
test_search_precision (void)
{
  g_autoptr(KefuTestDb) t = kefu_test_db_new (TRUE);
  g_autofree char *a = create (t->db, "客户0249", NULL, NULL);
  g_autofree char *b = create (t->db, "客户00249", NULL, NULL);
  g_autofree char *c = create (t->db, "客户 0249", NULL, NULL);
  g_autofree char *d = create (t->db, "王五", "EE12号仓", NULL);
  g_autofree char *e = create (t->db, "赵六", "E12 仓 EE", NULL);
  g_autofree char *f = create (t->db, "Anna", "Kefu3000 GmbH", NULL);
  g_autofree char *g = create (t->db, "钱七", "3000号 Kefu", NULL);

  g_assert_cmpuint (search_count (t->db, "客户0249"), ==, 1);
  g_assert_cmpuint (search_count (t->db, "客户00249"), ==, 1);
  g_assert_cmpuint (search_count (t->db, "户02"), ==, 1);
  g_assert_cmpuint (search_count (t->db, "0249"), ==, 3);
  g_assert_cmpuint (search_count (t->db, "客户 0249"), ==, 3);
  g_assert_cmpuint (search_count (t->db, "EE12"), ==, 1);
  g_assert_cmpuint (search_count (t->db, "e12"), ==, 2);
  g_assert_cmpuint (search_count (t->db, "12号"), ==, 1);
  g_assert_cmpuint (search_count (t->db, "2号仓"), ==, 1);
  g_assert_cmpuint (search_count (t->db, "kefu3"), ==, 1);
  g_assert_cmpuint (search_count (t->db, "u300"), ==, 1);
  g_assert_cmpuint (search_count (t->db, "3000号"), ==, 1);
  g_assert_cmpuint (search_count (t->db, "3000"), ==, 2);
  g_assert_cmpuint (search_count (t->db, "kefu 3000"), ==, 2);
}

/* Migration 5 rebuilds the index from the rows in the new token format:
 * a database whose index holds the old tokens (letters and digits as
 * separate runs) searches as typed afterwards. */
static void
test_migration_rebuilds_search (void)
{
  g_autofree char *dir = g_dir_make_tmp ("kefu-mig5-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "kefu.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(KefuDb) old = kefu_db_open_at_version (path, 4, &error);
  g_autoptr(KefuDb) db = NULL;
  g_autoptr(KefuCustomer) ca = NULL;
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  g_autofree char *sql = NULL;

  g_assert_no_error (error);
  /* The office as a version-4 file holds it (kefu_org_setup_office()
   * writes the columns of later migrations). */
  g_assert_true (kefu_db_exec (old,
                               "INSERT INTO org_unit (id, code, name, level) VALUES"
                               " ('0190a000-0000-7000-8000-000000000001', 'MIG001', 'Migration branch', 'branch');"
                               "INSERT INTO staff (id, org_unit_id, username, name, role) VALUES"
                               " ('0190a000-0000-7000-8000-000000000002', '0190a000-0000-7000-8000-000000000001',"
                               "  'admin', 'Admin', 'admin');"
                               "INSERT INTO meta VALUES ('office_id', '0190a000-0000-7000-8000-000000000001'),"
                               " ('current_user_id', '0190a000-0000-7000-8000-000000000002');",
                               &error));
  g_assert_no_error (error);
  kefu_db_set_actor (old, "0190a000-0000-7000-8000-000000000002");
  a = create (old, "客户0249", NULL, "+86 138-0013-8000");
  b = create (old, "客户00249", NULL, NULL);
  sql = g_strdup_printf ("INSERT INTO customer_fts (customer_fts) VALUES ('delete-all');"
                         "INSERT INTO customer_fts (rowid, tokens) SELECT rowid, '客户 户 0249 249 49 9' FROM customer WHERE id = '%s';"
                         "INSERT INTO customer_fts (rowid, tokens) SELECT rowid, '客户 户 0024 0249 249 49 9' FROM customer WHERE id = '%s';",
                         a, b);
  g_assert_true (kefu_db_exec (old, sql, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (search_count (old, "客户0249"), ==, 0);
  g_clear_object (&old);

  db = kefu_db_open (path, &error);
  g_assert_no_error (error);
  ca = kefu_customers_get (db, a, NULL);
  g_assert_cmpuint (search_count (db, "客户0249"), ==, 1);
  g_assert_cmpuint (search_count (db, "客户00249"), ==, 1);
  g_assert_cmpuint (search_count (db, "0249"), ==, 2);
  g_assert_cmpuint (search_count (db, "13800138000"), ==, 1);
  g_assert_cmpuint (search_count (db, ca->number), ==, 1);
  g_clear_object (&db);
  kefu_test_rm_rf (dir);
}

static void
test_page_sort_and_filter (void)
{
  g_autoptr(KefuTestDb) t = kefu_test_db_new (TRUE);
  g_autoptr(GArray) rows = g_array_new (FALSE, TRUE, sizeof (KefuCustomerSummary));
  KefuCustomerQuery q = { 0 };
  const char *names[] = { "张三", "阿明", "李四", "王五" };
  guint n = 0;

  g_array_set_clear_func (rows, (GDestroyNotify) kefu_customer_summary_clear);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    g_free (create (t->db, names[i], NULL, NULL));

  q.sort = KEFU_CUSTOMER_SORT_NAME;
  g_assert_true (kefu_customers_page (t->db, &q, 0, 10, rows, NULL));
  g_assert_cmpuint (rows->len, ==, 4);
  /* Pinyin order: a (阿), l (李), w (王), z (张). */
  g_assert_cmpstr (g_array_index (rows, KefuCustomerSummary, 0).name, ==, "阿明");
  g_assert_cmpstr (g_array_index (rows, KefuCustomerSummary, 1).name, ==, "李四");
  g_assert_cmpstr (g_array_index (rows, KefuCustomerSummary, 2).name, ==, "王五");
  g_assert_cmpstr (g_array_index (rows, KefuCustomerSummary, 3).name, ==, "张三");

  g_array_set_size (rows, 0);
  g_assert_true (kefu_customers_page (t->db, &q, 1, 2, rows, NULL));
  g_assert_cmpuint (rows->len, ==, 2);
  g_assert_cmpstr (g_array_index (rows, KefuCustomerSummary, 0).name, ==, "李四");

  q.segment = (char *) "key";
  g_assert_true (kefu_customers_count (t->db, &q, &n, NULL));
  g_assert_cmpuint (n, ==, 0);
  q.segment = (char *) "new";
  g_assert_true (kefu_customers_count (t->db, &q, &n, NULL));
  g_assert_cmpuint (n, ==, 4);
}

static void
test_segmentation_rules (void)
{
  g_autoptr(KefuTestDb) t = kefu_test_db_new (TRUE);
  g_autoptr(KefuCustomer) c = make_customer ("孙丽", "杭州云帆电子商务有限公司", "13588889999");
  g_autoptr(KefuCustomer) got = NULL;
  g_autoptr(GPtrArray) rules = NULL;
  g_autoptr(GError) error = NULL;
  guint changed = 0;

  c->monthly_spend_cents = 6000000; /* 60,000 yuan */
  g_assert_true (kefu_customers_create (t->db, c, &error));
  g_assert_cmpstr (c->segment, ==, "key");
  g_assert_nonnull (c->segment_reason);

  /* A manual override sticks through edits and rule changes. */
  g_assert_true (kefu_customers_set_segment (t->db, c->id, "vip", "Head office asked", &error));
  g_assert_no_error (error);
  got = kefu_customers_get (t->db, c->id, NULL);
  g_assert_cmpstr (got->segment, ==, "vip");
  g_assert_true (got->segment_manual);
  g_assert_cmpstr (got->segment_reason, ==, "Head office asked");

  /* Three complaints make an automatic customer at-risk. */
  g_clear_pointer (&got, kefu_customer_free);
  g_assert_true (kefu_customers_clear_segment_override (t->db, c->id, &error));
  got = kefu_customers_get (t->db, c->id, NULL);
  g_assert_false (got->segment_manual);
  got->complaints_12m = 3;
  g_assert_true (kefu_customers_update (t->db, got, &error));
  g_assert_cmpstr (got->segment, ==, "at_risk");

  /* Editing rules re-applies them; industry rules work on text. */
  rules = kefu_segment_rules_list (t->db, &error);
  g_ptr_array_set_size (rules, 0);
  g_ptr_array_add (rules, kefu_segment_rule_new ("key", "industry", "=", "电子商务"));
  g_assert_true (kefu_segment_rules_save (t->db, rules, &changed, &error));
  g_assert_no_error (error);
  assert_segment_counts (t->db);
  g_clear_pointer (&got, kefu_customer_free);
  got = kefu_customers_get (t->db, c->id, NULL);
  g_assert_cmpstr (got->segment, ==, "regular");
  kefu_set_str (&got->industry, "电子商务");
  g_assert_true (kefu_customers_update (t->db, got, &error));
  g_assert_cmpstr (got->segment, ==, "key");

  /* Bad rules are refused whole. */
  g_ptr_array_add (rules, kefu_segment_rule_new ("key", "monthly_volume", ">=", "lots"));
  g_assert_false (kefu_segment_rules_save (t->db, rules, NULL, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
}

static void
test_reassign (void)
{
  g_autoptr(KefuTestDb) t = kefu_test_db_new (TRUE);
  KefuStaff old_mgr = { .username = (char *) "liu", .name = (char *) "刘洋", .role = (char *) "agent" };
  KefuStaff new_mgr = { .username = (char *) "zhou", .name = (char *) "周敏", .role = (char *) "agent" };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) history = NULL;
  KefuCustomerQuery q = { 0 };
  guint moved = 0, n = 0;
  g_autofree char *office = kefu_db_get_meta (t->db, "office_id");

  old_mgr.org_unit_id = new_mgr.org_unit_id = office;
  g_assert_true (kefu_org_create_staff (t->db, &old_mgr, &error));
  g_assert_true (kefu_org_create_staff (t->db, &new_mgr, &error));
  for (guint i = 0; i < 5; i++)
    {
      g_autoptr(KefuCustomer) c = make_customer ("客户", NULL, NULL);

      c->manager_id = g_strdup (old_mgr.id);
      g_assert_true (kefu_customers_create (t->db, c, &error));
      if (i == 0)
        {
          g_assert_true (kefu_customers_reassign (t->db, old_mgr.id, old_mgr.id, NULL, &error) == FALSE);
          g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
          g_clear_error (&error);
        }
    }

  g_assert_true (kefu_customers_reassign (t->db, old_mgr.id, new_mgr.id, &moved, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (moved, ==, 5);
  q.manager_id = new_mgr.id;
  g_assert_true (kefu_customers_count (t->db, &q, &n, NULL));
  g_assert_cmpuint (n, ==, 5);
  g_assert_cmpint (kefu_test_count (t->db, "SELECT count(*) FROM audit_log WHERE note LIKE 'Reassigned from 刘洋 to 周敏'"), ==, 5);

  g_free (old_mgr.id);
  g_free (new_mgr.id);
}

static void
test_duplicates_and_merge (void)
{
  g_autoptr(KefuTestDb) t = kefu_test_db_new (TRUE);
  g_autofree char *a = create (t->db, "黄晓明", NULL, "13811112222");
  g_autofree char *b = create (t->db, "黄小明", NULL, "+86 138 1111 2222");
  g_autofree char *c = NULL;
  g_autofree char *d = NULL;
  g_autoptr(GPtrArray) dups = NULL;
  g_autoptr(GPtrArray) notes = NULL;
  g_autoptr(GPtrArray) history = NULL;
  g_autoptr(KefuCustomer) kept = NULL;
  g_autoptr(KefuCustomer) cb = kefu_customers_get (t->db, b, NULL);
  g_autoptr(GError) error = NULL;

  {
    g_autoptr(KefuCustomer) x = make_customer ("马丽", NULL, NULL);
    g_autoptr(KefuCustomer) y = make_customer ("马丽", NULL, NULL);

    kefu_customer_add_contact (x, "address", NULL, "北京市朝阳区建国路1号");
    kefu_customer_add_contact (y, "address", NULL, "北京市 朝阳区 建国路 1 号");
    g_assert_true (kefu_customers_create (t->db, x, NULL));
    g_assert_true (kefu_customers_create (t->db, y, NULL));
    c = g_strdup (x->id);
    d = g_strdup (y->id);
  }

  dups = kefu_customers_find_duplicates (t->db, 100, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (dups->len, ==, 2);

  /* b brings a note, an e-mail and its history. */
  g_assert_true (kefu_customers_add_note (t->db, b, "只在工作日送货", &error));
  kefu_customer_add_contact (cb, "email", NULL, "xm@example.cn");
  g_assert_true (kefu_customers_update (t->db, cb, &error));

  g_assert_true (kefu_customers_merge (t->db, a, b, &error));
  g_assert_no_error (error);
  assert_segment_counts (t->db);

  kept = kefu_customers_get (t->db, a, NULL);
  g_assert_cmpuint (kept->contacts->len, ==, 2); /* the shared phone once, plus the e-mail */
  notes = kefu_customers_list_notes (t->db, a, NULL);
  g_assert_cmpuint (notes->len, ==, 1);
  history = kefu_customers_history (t->db, a, NULL);
  /* a's insert + phone, b's insert + phone + note + email + update, the merge. */
  g_assert_cmpuint (history->len, >=, 8);
  g_assert_null (kefu_customers_get (t->db, b, NULL));
  g_assert_cmpuint (search_count (t->db, "xm"), ==, 0); /* e-mail is not indexed */
  g_assert_cmpuint (search_count (t->db, "黄小明"), ==, 0);
  g_assert_cmpuint (search_count (t->db, "黄晓明"), ==, 1);

  g_clear_pointer (&dups, g_ptr_array_unref);
  dups = kefu_customers_find_duplicates (t->db, 100, NULL);
  g_assert_cmpuint (dups->len, ==, 1);
  g_assert_cmpstr (((KefuDuplicatePair *) dups->pdata[0])->reason, ==, "name_address");

  g_assert_false (kefu_customers_merge (t->db, a, a, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
}

static void
test_validation_messages (void)
{
  g_autoptr(KefuTestDb) t = kefu_test_db_new (TRUE);
  g_autoptr(KefuCustomer) c = make_customer ("  ", NULL, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_false (kefu_customers_create (t->db, c, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "name"));
  g_clear_error (&error);

  kefu_set_str (&c->name, "周杰");
  kefu_set_str (&c->kind, "enterprise");
  g_assert_false (kefu_customers_create (t->db, c, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
  g_clear_error (&error);

  kefu_set_str (&c->kind, "person");
  c->monthly_volume = -1;
  g_assert_false (kefu_customers_create (t->db, c, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
  g_assert_cmpint (kefu_test_count (t->db, "SELECT count(*) FROM customer"), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/customers/create/audit-and-outbox", test_create_writes_audit_and_outbox);
  g_test_add_func ("/customers/create/failed-write-leaves-nothing", test_failed_write_leaves_nothing);
  g_test_add_func ("/customers/update/conflict", test_update_and_conflict);
  g_test_add_func ("/customers/delete/tombstone-and-restore", test_delete_and_restore);
  g_test_add_func ("/customers/search/any-fragment", test_search_any_fragment);
  g_test_add_func ("/customers/search/as-typed", test_search_precision);
  g_test_add_func ("/customers/search/migration-rebuilds", test_migration_rebuilds_search);
  g_test_add_func ("/customers/list/sort-and-filter", test_page_sort_and_filter);
  g_test_add_func ("/customers/segments/rules", test_segmentation_rules);
  g_test_add_func ("/customers/reassign", test_reassign);
  g_test_add_func ("/customers/duplicates/merge", test_duplicates_and_merge);
  g_test_add_func ("/customers/validation", test_validation_messages);

  return g_test_run ();
}
