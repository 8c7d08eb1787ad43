/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "kefu-org.h"
#include "kefu-test-util.h"

/* The organisation tree: units nest headquarters → province → city →
 * branch with unique codes, departments and staff belong to a unit, and
 * every write leaves one audit and one outbox entry. */

static char *
add_unit (KefuDb     *db,
          const char *code,
          const char *name,
          const char *level,
          const char *parent_id)
{
  KefuOrgUnit u = { 0 };
  g_autoptr(GError) error = NULL;

  u.code = (char *) code;
  u.name = (char *) name;
  u.level = (char *) level;
  u.parent_id = (char *) parent_id;
  g_assert_true (kefu_org_create_unit (db, &u, &error));
  g_assert_no_error (error);
  g_assert_true (u.active);
  return u.id;
}

static gboolean
try_unit (KefuDb      *db,
          const char  *code,
          const char  *level,
          const char  *parent_id,
          GError     **error)
{
  KefuOrgUnit u = { 0 };
  gboolean ok;

  u.code = (char *) code;
  u.name = (char *) "试验单位";
  u.level = (char *) level;
  u.parent_id = (char *) parent_id;
  ok = kefu_org_create_unit (db, &u, error);
  g_free (u.id);
  return ok;
}

typedef struct
{
  KefuTestDb *t;
  char       *hq, *province, *city, *branch;
} Tree;

static void
tree_set_up (Tree          *tr,
             gconstpointer  data)
{
  tr->t = kefu_test_db_new (TRUE);
  tr->hq = add_unit (tr->t->db, "HQ", "总部", "hq", NULL);
  tr->province = add_unit (tr->t->db, "JS", "江苏省分公司", "province", tr->hq);
  tr->city = add_unit (tr->t->db, "JSNJ", "南京市分公司", "city", tr->province);
  tr->branch = add_unit (tr->t->db, "nj0101", "南京玄武营业部", "branch", tr->city);
}

static void
tree_tear_down (Tree          *tr,
                gconstpointer  data)
{
  g_free (tr->hq);
  g_free (tr->province);
  g_free (tr->city);
  g_free (tr->branch);
  kefu_test_db_free (tr->t);
}

static int
n_changes (KefuDb     *db,
           const char *table,
           const char *id)
{
  g_autofree char *sql = g_strdup_printf ("SELECT (SELECT count(*) FROM audit_log WHERE entity = '%s' AND row_id = '%s')"
                                          " * 1000 + (SELECT count(*) FROM outbox WHERE entity = '%s' AND row_id = '%s')",
                                          table, id, table, id);

  return kefu_test_count (db, sql);
}

static void
test_units_nest (Tree          *tr,
                 gconstpointer  data)
{
  KefuDb *db = tr->t->db;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) units = NULL;
  g_autoptr(KefuOrgUnit) branch = kefu_org_get_unit (db, tr->branch, &error);

  g_assert_no_error (error);
  /* Codes are kept in upper case; one audit and one outbox entry each. */
  g_assert_cmpstr (branch->code, ==, "NJ0101");
  g_assert_cmpstr (branch->parent_id, ==, tr->city);
  g_assert_cmpint (n_changes (db, "org_unit", tr->branch), ==, 1001);

  /* Wrong level nesting, with a message that names both levels. */
  g_assert_false (try_unit (db, "X1", "branch", tr->province, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "city"));
  g_assert_nonnull (strstr (error->message, "江苏省分公司"));
  g_clear_error (&error);
  g_assert_false (try_unit (db, "X2", "city", NULL, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (try_unit (db, "X3", "province", tr->city, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (try_unit (db, "HQ2", "hq", NULL, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "headquarters"));
  g_clear_error (&error);
  g_assert_false (try_unit (db, "X4", "region", tr->hq, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
  g_clear_error (&error);

  /* Duplicate codes (in any case) and bad codes. */
  g_assert_false (try_unit (db, "jsnj", "city", tr->province, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "JSNJ"));
  g_assert_nonnull (strstr (error->message, "南京市分公司"));
  g_clear_error (&error);
  g_assert_false (try_unit (db, "NJ 02", "branch", tr->city, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
  g_clear_error (&error);

  /* Nothing of the refused units was written. */
  g_assert_cmpint (kefu_test_count (db, "SELECT count(*) FROM org_unit"), ==, 5);
  g_assert_cmpint (kefu_test_count (db, "SELECT count(*) FROM outbox WHERE entity = 'org_unit'"), ==, 5);

  /* Parents come before their children. */
  units = kefu_org_list_units (db, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (units->len, ==, 5);
  g_assert_cmpstr (((KefuOrgUnit *) units->pdata[0])->level, ==, "hq");
  g_assert_cmpstr (((KefuOrgUnit *) units->pdata[1])->level, ==, "province");
  g_assert_cmpstr (((KefuOrgUnit *) units->pdata[2])->level, ==, "city");
}

static void
test_edit_move_deactivate (Tree          *tr,
                           gconstpointer  data)
{
  KefuDb *db = tr->t->db;
  g_autoptr(GError) error = NULL;
  g_autoptr(KefuOrgUnit) b = kefu_org_get_unit (db, tr->branch, NULL);
  g_autoptr(KefuOrgUnit) after = NULL;
  g_autofree char *city2 = add_unit (db, "JSSZ", "苏州市分公司", "city", tr->province);
  g_autofree char *hlc_before = NULL;
  gint64 version = b->version;

  /* Edit: a clean phone is stored as digits; a bad one is refused. */
  g_free (b->phone);
  b->phone = g_strdup ("abc");
  g_assert_false (kefu_org_update_unit (db, b, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "abc"));
  g_clear_error (&error);
  g_free (b->phone);
  b->phone = g_strdup ("025-8466 1234");
  kefu_set_str (&b->name, "  南京玄武湖营业部 ");
  g_assert_true (kefu_org_update_unit (db, b, &error));
  g_assert_no_error (error);
  after = kefu_org_get_unit (db, tr->branch, NULL);
  g_assert_cmpstr (after->phone, ==, "02584661234");
  g_assert_cmpstr (after->name, ==, "南京玄武湖营业部");
  g_assert_cmpint (after->version, ==, version + 1);
  g_assert_cmpint (n_changes (db, "org_unit", tr->branch), ==, 2002);

  /* A stale copy is refused. */
  b->version = version;
  kefu_set_str (&b->name, "旧名");
  g_assert_false (kefu_org_update_unit (db, b, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_CONFLICT);
  g_clear_error (&error);

  /* A code already taken by another unit. */
  b->version = after->version;
  kefu_set_str (&b->code, "JSSZ");
  g_assert_false (kefu_org_update_unit (db, b, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "苏州市分公司"));
  g_clear_error (&error);

  /* Move the branch to another city; not under a province. */
  g_assert_true (kefu_org_move_unit (db, tr->branch, city2, &error));
  g_assert_no_error (error);
  g_clear_pointer (&after, kefu_org_unit_free);
  after = kefu_org_get_unit (db, tr->branch, NULL);
  g_assert_cmpstr (after->parent_id, ==, city2);
  g_assert_false (kefu_org_move_unit (db, tr->branch, tr->province, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (kefu_org_move_unit (db, tr->city, tr->city, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
  g_clear_error (&error);

  /* Deactivate: not while active units sit below. */
  g_assert_false (kefu_org_set_unit_active (db, city2, FALSE, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "苏州市分公司"));
  g_clear_error (&error);
  g_assert_true (kefu_org_set_unit_active (db, tr->branch, FALSE, &error));
  g_assert_no_error (error);
  g_assert_true (kefu_org_set_unit_active (db, city2, FALSE, &error));
  g_assert_no_error (error);
  /* Nothing new goes under a deactivated unit, and its children wait. */
  g_assert_false (try_unit (db, "SZ01", "branch", city2, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (kefu_org_set_unit_active (db, tr->branch, TRUE, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
  g_clear_error (&error);
  {
    g_autoptr(GPtrArray) active = kefu_org_list_units (db, FALSE, NULL);
    g_autoptr(GPtrArray) all = kefu_org_list_units (db, TRUE, NULL);

    g_assert_cmpuint (active->len, ==, 4);
    g_assert_cmpuint (all->len, ==, 6);
  }

  /* The office itself cannot be deactivated. */
  {
    g_autoptr(KefuOrgUnit) office = kefu_org_get_office (db);

    g_assert_false (kefu_org_set_unit_active (db, office->id, FALSE, &error));
    g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
    g_clear_error (&error);
  }
}

static void
test_departments_and_staff (Tree          *tr,
                            gconstpointer  data)
{
  KefuDb *db = tr->t->db;
  g_autoptr(GError) error = NULL;
  KefuDepartment d = { 0 }, dup = { 0 }, other = { 0 };
  KefuStaff s = { 0 };
  g_autoptr(KefuStaff) got = NULL;
  g_autoptr(GPtrArray) list = NULL;
  int outbox_before;

  d.org_unit_id = tr->branch;
  d.name = (char *) "投递部";
  d.kind = (char *) "delivery";
  d.phone = (char *) "025 8466 0000";
  g_assert_true (kefu_org_create_department (db, &d, &error));
  g_assert_no_error (error);
  g_assert_cmpint (n_changes (db, "department", d.id), ==, 1001);

  /* The same name twice in one unit, a bad kind, no unit. */
  dup = d;
  dup.id = NULL;
  dup.phone = NULL;
  g_assert_false (kefu_org_create_department (db, &dup, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "投递部"));
  g_clear_error (&error);
  dup.name = (char *) "仓库";
  dup.kind = (char *) "warehouse";
  g_assert_false (kefu_org_create_department (db, &dup, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
  g_clear_error (&error);
  dup.kind = (char *) "other";
  dup.org_unit_id = NULL;
  g_assert_false (kefu_org_create_department (db, &dup, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
  g_clear_error (&error);

  other.org_unit_id = tr->city;
  other.name = (char *) "财务部";
  other.kind = (char *) "finance";
  g_assert_true (kefu_org_create_department (db, &other, &error));
  g_assert_no_error (error);

  /* A courier: needs an area; a negative limit and a department of
   * another unit are refused; nothing written for them. */
  outbox_before = kefu_test_count (db, "SELECT count(*) FROM outbox");
  s.org_unit_id = tr->branch;
  s.department_id = d.id;
  s.username = (char *) "nj.courier1";
  s.name = (char *) "王小明";
  s.role = (char *) "agent";
  s.phone = (char *) "+86 139-0000-1111";
  s.is_courier = TRUE;
  g_assert_false (kefu_org_create_staff (db, &s, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "area"));
  g_clear_error (&error);
  s.delivery_area = (char *) "玄武区中山路片区";
  s.auth_limit_cents = -1;
  g_assert_false (kefu_org_create_staff (db, &s, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "negative"));
  g_clear_error (&error);
  s.auth_limit_cents = 20000;
  s.department_id = other.id;
  g_assert_false (kefu_org_create_staff (db, &s, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "财务部"));
  g_clear_error (&error);
  g_assert_cmpint (kefu_test_count (db, "SELECT count(*) FROM outbox"), ==, outbox_before);
  s.department_id = d.id;
  g_assert_true (kefu_org_create_staff (db, &s, &error));
  g_assert_no_error (error);
  g_assert_cmpint (n_changes (db, "staff", s.id), ==, 1001);

  got = kefu_org_get_staff (db, s.id, &error);
  g_assert_cmpstr (got->phone, ==, "13900001111");
  g_assert_cmpstr (got->department_id, ==, d.id);
  g_assert_true (got->is_courier);
  g_assert_cmpstr (got->delivery_area, ==, "玄武区中山路片区");

  /* Edit: another role and limit; the change is audited field by field. */
  kefu_set_str (&got->role, "supervisor");
  got->auth_limit_cents = 300000;
  g_assert_true (kefu_org_update_staff (db, got, &error));
  g_assert_no_error (error);
  g_assert_cmpint (n_changes (db, "staff", s.id), ==, 2002);
  g_assert_cmpint (kefu_test_count (db, "SELECT count(*) FROM audit_log WHERE entity = 'staff'"
                                        " AND changes LIKE '%auth_limit_cents%' AND changes LIKE '%role%'"
                                        " AND changes NOT LIKE '%delivery_area%'"), ==, 1);
  got->auth_limit_cents = -5;
  g_assert_false (kefu_org_update_staff (db, got, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
  g_clear_error (&error);

  /* A department with people in it stays; then it goes. */
  g_assert_false (kefu_org_set_department_active (db, d.id, FALSE, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_true (kefu_org_set_staff_active (db, s.id, FALSE, &error));
  g_assert_no_error (error);
  g_assert_true (kefu_org_set_department_active (db, d.id, FALSE, &error));
  g_assert_no_error (error);
  list = kefu_org_list_departments (db, tr->branch, FALSE, &error);
  g_assert_cmpuint (list->len, ==, 0);
  g_clear_pointer (&list, g_ptr_array_unref);
  list = kefu_org_list_departments (db, tr->branch, TRUE, &error);
  g_assert_cmpuint (list->len, ==, 1);
  g_assert_false (((KefuDepartment *) list->pdata[0])->active);
  g_clear_pointer (&list, g_ptr_array_unref);
  list = kefu_org_list_unit_staff (db, tr->branch, TRUE, &error);
  g_assert_cmpuint (list->len, ==, 1);
  g_assert_false (((KefuStaff *) list->pdata[0])->active);

  /* The signed-in user cannot switch themself off. */
  {
    g_autoptr(KefuStaff) me = kefu_org_get_current_user (db);

    g_assert_false (kefu_org_set_staff_active (db, me->id, FALSE, &error));
    g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
    g_clear_error (&error);
  }

  g_free (d.id);
  g_free (other.id);
  g_free (s.id);
}

static void
test_directory (Tree          *tr,
                gconstpointer  data)
{
  KefuDb *db = tr->t->db;
  g_autoptr(GError) error = NULL;
  KefuDepartment d = { 0 };
  KefuStaff s = { 0 };
  GPtrArray *hits;

  d.org_unit_id = tr->branch;
  d.name = (char *) "投递部";
  d.kind = (char *) "delivery";
  d.phone = (char *) "025-84660000";
  g_assert_true (kefu_org_create_department (db, &d, &error));
  s.org_unit_id = tr->branch;
  s.department_id = d.id;
  s.username = (char *) "nj.courier1";
  s.name = (char *) "王小明";
  s.role = (char *) "agent";
  s.phone = (char *) "13900001111";
  s.is_courier = TRUE;
  s.delivery_area = (char *) "玄武区中山路片区";
  g_assert_true (kefu_org_create_staff (db, &s, &error));
  g_assert_no_error (error);

  /* By delivery area: the courier, with department, unit and phone. */
  hits = kefu_org_directory_search (db, "中山路", 20, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hits->len, ==, 1);
  {
    KefuDirectoryEntry *e = hits->pdata[0];

    g_assert_cmpint (e->kind, ==, KEFU_DIRECTORY_STAFF);
    g_assert_cmpstr (e->name, ==, "王小明");
    g_assert_cmpstr (e->phone, ==, "13900001111");
    g_assert_cmpstr (e->department_name, ==, "投递部");
    g_assert_cmpstr (e->unit_name, ==, "南京玄武营业部");
    g_assert_cmpstr (e->unit_id, ==, tr->branch);
    g_assert_true (e->is_courier);
  }
  g_ptr_array_unref (hits);

  /* By phone written another way, by a fragment of the name. */
  hits = kefu_org_directory_search (db, "139-0000", 20, &error);
  g_assert_cmpuint (hits->len, ==, 1);
  g_assert_cmpstr (((KefuDirectoryEntry *) hits->pdata[0])->name, ==, "王小明");
  g_ptr_array_unref (hits);
  hits = kefu_org_directory_search (db, "8466 0000", 20, &error);
  g_assert_cmpuint (hits->len, ==, 1);
  g_assert_cmpint (((KefuDirectoryEntry *) hits->pdata[0])->kind, ==, KEFU_DIRECTORY_DEPARTMENT);
  g_ptr_array_unref (hits);

  /* A branch by name fragment or code; its department by unit + name. */
  hits = kefu_org_directory_search (db, "玄武", 20, &error);
  g_assert_cmpuint (hits->len, ==, 3);
  g_assert_cmpint (((KefuDirectoryEntry *) hits->pdata[0])->kind, ==, KEFU_DIRECTORY_UNIT);
  g_assert_cmpstr (((KefuDirectoryEntry *) hits->pdata[0])->unit_name, ==, "南京市分公司");
  g_assert_cmpint (((KefuDirectoryEntry *) hits->pdata[1])->kind, ==, KEFU_DIRECTORY_DEPARTMENT);
  g_ptr_array_unref (hits);
  hits = kefu_org_directory_search (db, "nj0101", 20, &error);
  g_assert_cmpuint (hits->len, ==, 1);
  g_ptr_array_unref (hits);

  /* Deactivated people are not offered. */
  g_assert_true (kefu_org_set_staff_active (db, s.id, FALSE, &error));
  hits = kefu_org_directory_search (db, "中山路", 20, &error);
  g_assert_cmpuint (hits->len, ==, 0);
  g_ptr_array_unref (hits);
  hits = kefu_org_directory_search (db, "没有这个", 20, &error);
  g_assert_cmpuint (hits->len, ==, 0);
  g_ptr_array_unref (hits);

  g_free (d.id);
  g_free (s.id);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/org/units-nest", Tree, NULL, tree_set_up, test_units_nest, tree_tear_down);
  g_test_add ("/org/edit-move-deactivate", Tree, NULL, tree_set_up, test_edit_move_deactivate, tree_tear_down);
  g_test_add ("/org/departments-and-staff", Tree, NULL, tree_set_up, test_departments_and_staff, tree_tear_down);
  g_test_add ("/org/directory", Tree, NULL, tree_set_up, test_directory, tree_tear_down);
  return g_test_run ();
}
