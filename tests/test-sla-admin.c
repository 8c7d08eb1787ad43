/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "kefu-categories-admin.h"
#include "kefu-sla.h"
#include "kefu-test-util.h"

/* What the service-standards and categories dialogs write: each call one
 * transaction with its audit and outbox entries, bad input refused with
 * a sentence and nothing written. */

#define CALENDARS SRCDIR "/data/calendars"

static int
count_changes (KefuDb     *db,
               const char *entity)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM outbox WHERE entity = '%s'", entity);

  return kefu_test_count (db, sql);
}

static GPtrArray *
case_categories (KefuDb *db)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *list = kefu_categories_list_entries (db, "case", &error);

  g_assert_no_error (error);
  g_assert_nonnull (list);
  return list;
}

static const char *
name_at (GPtrArray *list,
         guint      i)
{
  return ((KefuCategoryEntry *) list->pdata[i])->name;
}

static void
test_categories_add_rename (void)
{
  g_autoptr(KefuTestDb) t = kefu_test_db_new (TRUE);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) before = case_categories (t->db);
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(KefuCategoryEntry) e = NULL;
  g_autofree char *id = NULL;
  g_autofree char *id2 = NULL;
  int audit0 = kefu_test_count (t->db, "SELECT count(*) FROM audit_log");

  /* The shipped taxonomy, in its order. */
  g_assert_cmpuint (before->len, ==, 7);
  g_assert_cmpstr (name_at (before, 0), ==, "Delivery delay");
  g_assert_cmpstr (name_at (before, 6), ==, "Other");

  id = kefu_categories_add (t->db, "case", "  Wrong address ", &error);
  g_assert_no_error (error);
  g_assert_nonnull (id);
  e = kefu_categories_get_entry (t->db, id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (e->name, ==, "Wrong address");
  g_assert_cmpstr (e->code, ==, "wrong-address");
  g_assert_cmpstr (e->scope, ==, "case");
  g_assert_cmpint (e->version, ==, 1);
  g_assert_cmpint (kefu_test_count (t->db, "SELECT count(*) FROM audit_log"), ==, audit0 + 1);
  g_assert_cmpint (count_changes (t->db, "category"), ==, 1);

  /* Added at the end; a Chinese name gets a code of its own. */
  id2 = kefu_categories_add (t->db, "case", "包装破损", &error);
  g_assert_no_error (error);
  after = case_categories (t->db);
  g_assert_cmpuint (after->len, ==, 9);
  g_assert_cmpstr (name_at (after, 7), ==, "Wrong address");
  g_assert_cmpstr (name_at (after, 8), ==, "包装破损");
  g_assert_true (g_str_has_prefix (((KefuCategoryEntry *) after->pdata[8])->code, "c-"));

  /* Names are unique in the scope, whatever the case; blank is refused. */
  g_assert_null (kefu_categories_add (t->db, "case", "WRONG ADDRESS", &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (kefu_categories_add (t->db, "case", "   ", &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (kefu_categories_add (t->db, "parcels", "x", &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
  g_clear_error (&error);
  /* The same name in the knowledge base is another taxonomy. */
  g_free (kefu_categories_add (t->db, "kb", "Wrong address", &error));
  g_assert_no_error (error);

  g_assert_true (kefu_categories_rename (t->db, id, "Wrong or incomplete address", &error));
  g_assert_no_error (error);
  g_clear_pointer (&e, kefu_category_entry_free);
  e = kefu_categories_get_entry (t->db, id, &error);
  g_assert_cmpstr (e->name, ==, "Wrong or incomplete address");
  g_assert_cmpint (e->version, ==, 2);
  /* The code stays: it is what other offices know the category by. */
  g_assert_cmpstr (e->code, ==, "wrong-address");

  g_assert_false (kefu_categories_rename (t->db, id, "Lost parcel", &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "Lost parcel"));
  g_clear_error (&error);
  g_assert_false (kefu_categories_rename (t->db, id, "", &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (kefu_categories_rename (t->db, "no-such-id", "x", &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Renaming to the same name writes nothing. */
  audit0 = kefu_test_count (t->db, "SELECT count(*) FROM audit_log");
  g_assert_true (kefu_categories_rename (t->db, id, "Wrong or incomplete address", &error));
  g_assert_cmpint (kefu_test_count (t->db, "SELECT count(*) FROM audit_log"), ==, audit0);
}

static void
test_categories_move (void)
{
  g_autoptr(KefuTestDb) t = kefu_test_db_new (TRUE);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = case_categories (t->db);
  g_autoptr(GPtrArray) moved = NULL;
  g_autofree char *other_id = g_strdup (((KefuCategoryEntry *) list->pdata[6])->id);
  g_autofree char *delay_id = g_strdup (((KefuCategoryEntry *) list->pdata[0])->id);
  int outbox0 = kefu_test_count (t->db, "SELECT count(*) FROM outbox");

  /* "Other" to the top: every row moves down one place. */
  g_assert_true (kefu_categories_move (t->db, other_id, 0, &error));
  g_assert_no_error (error);
  moved = case_categories (t->db);
  g_assert_cmpstr (name_at (moved, 0), ==, "Other");
  g_assert_cmpstr (name_at (moved, 1), ==, "Delivery delay");
  g_assert_cmpstr (name_at (moved, 6), ==, "Pick-up service");
  for (guint i = 0; i < moved->len; i++)
    g_assert_cmpint (((KefuCategoryEntry *) moved->pdata[i])->position, ==, (int) (i + 1) * 10);
  /* Only the rows whose position changed were written ("Other" was at 90,
   * every other one moves by ten), in one go. */
  g_assert_cmpint (kefu_test_count (t->db, "SELECT count(*) FROM outbox"), ==, outbox0 + 7);

  /* Past the end means the end; moving to where it is writes nothing. */
  g_assert_true (kefu_categories_move (t->db, delay_id, 100, &error));
  g_clear_pointer (&moved, g_ptr_array_unref);
  moved = case_categories (t->db);
  g_assert_cmpstr (name_at (moved, 6), ==, "Delivery delay");
  outbox0 = kefu_test_count (t->db, "SELECT count(*) FROM outbox");
  g_assert_true (kefu_categories_move (t->db, delay_id, 6, &error));
  g_assert_cmpint (kefu_test_count (t->db, "SELECT count(*) FROM outbox"), ==, outbox0);
}

static void
test_categories_delete_restore (void)
{
  g_autoptr(KefuTestDb) t = kefu_test_db_new (TRUE);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = case_categories (t->db);
  g_autoptr(GPtrArray) after = NULL;
  g_autofree char *loss_id = g_strdup (((KefuCategoryEntry *) list->pdata[2])->id);
  g_autofree char *again = NULL;

  g_assert_true (kefu_categories_delete (t->db, loss_id, &error));
  g_assert_no_error (error);
  after = case_categories (t->db);
  g_assert_cmpuint (after->len, ==, 6);
  /* A tombstone: the row stays for the cases filed under it. */
  g_assert_cmpint (kefu_test_count (t->db, "SELECT deleted FROM category WHERE code = 'loss'"), ==, 1);
  g_assert_cmpint (kefu_test_count (t->db, "SELECT count(*) FROM outbox WHERE entity = 'category' AND op = 'delete'"), ==, 1);
  g_assert_null (kefu_categories_get_entry (t->db, loss_id, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Deleting twice is not an error; undo puts it back in its place. */
  g_assert_true (kefu_categories_delete (t->db, loss_id, &error));
  g_assert_true (kefu_categories_restore (t->db, loss_id, &error));
  g_assert_no_error (error);
  g_clear_pointer (&after, g_ptr_array_unref);
  after = case_categories (t->db);
  g_assert_cmpuint (after->len, ==, 7);
  g_assert_cmpstr (name_at (after, 2), ==, "Lost parcel");

  /* The name of a deleted category is free again; its code is not. */
  g_assert_true (kefu_categories_delete (t->db, loss_id, &error));
  again = kefu_categories_add (t->db, "case", "Lost parcel", &error);
  g_assert_no_error (error);
  g_assert_cmpint (kefu_test_count (t->db, "SELECT count(*) FROM category WHERE code = 'lost-parcel' AND deleted = 0"), ==, 1);
  g_assert_false (kefu_categories_restore (t->db, loss_id, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
}

static void
test_categories_move_among_siblings (void)
{
  g_autoptr(KefuTestDb) t = kefu_test_db_new (TRUE);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  int top_positions;

  /* Two subcategories of "Damaged parcel" (the core adds top-level ones
   * only; a synced taxonomy may bring children). */
  a = kefu_categories_add (t->db, "case", "Outer box", &error);
  b = kefu_categories_add (t->db, "case", "Contents", &error);
  g_assert_no_error (error);
  g_assert_true (kefu_db_exec (t->db, "UPDATE category SET parent_id = '01900000-0000-7000-8000-000000000102',"
                                      " position = 10 WHERE code = 'outer-box';"
                                      "UPDATE category SET parent_id = '01900000-0000-7000-8000-000000000102',"
                                      " position = 20 WHERE code = 'contents'", &error));
  top_positions = kefu_test_count (t->db, "SELECT sum(position) FROM category WHERE scope = 'case' AND parent_id IS NULL");

  /* "Contents" first among its siblings; the top level is untouched. */
  g_assert_true (kefu_categories_move (t->db, b, 0, &error));
  g_assert_no_error (error);
  g_assert_cmpint (kefu_test_count (t->db, "SELECT position FROM category WHERE code = 'contents'"), ==, 10);
  g_assert_cmpint (kefu_test_count (t->db, "SELECT position FROM category WHERE code = 'outer-box'"), ==, 20);
  g_assert_cmpint (kefu_test_count (t->db, "SELECT sum(position) FROM category WHERE scope = 'case' AND parent_id IS NULL"),
                   ==, top_positions);

  /* A parent with live children stays. */
  g_assert_false (kefu_categories_delete (t->db, "01900000-0000-7000-8000-000000000102", &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
  g_clear_error (&error);

  list = case_categories (t->db);
  g_assert_cmpuint (list->len, ==, 9);
}

static void
test_policy_readd_after_delete (void)
{
  g_autoptr(KefuTestDb) t = kefu_test_db_new (TRUE);
  g_autoptr(GError) error = NULL;
  g_autoptr(KefuSlaPolicy) key = kefu_sla_policy_find (t->db, "complaint", "key", "normal", NULL);
  g_autoptr(KefuSlaPolicy) back = kefu_sla_policy_new ("complaint", "key", "*", 45, 2 * KEFU_BUSINESS_DAY_MINUTES);
  g_autoptr(KefuSlaPolicy) found = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autofree char *old_id = g_strdup (key->id);

  g_assert_true (kefu_sla_policy_delete (t->db, key->id, &error));
  g_assert_no_error (error);

  /* The same kind × segment × priority again: the deleted row returns
   * with the new times, rather than a clash on the unique key. */
  g_assert_true (kefu_sla_policy_save (t->db, back, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (back->id, ==, old_id);
  g_assert_cmpint (back->version, ==, key->version + 2);
  found = kefu_sla_policy_find (t->db, "complaint", "key", "normal", NULL);
  g_assert_cmpstr (found->id, ==, old_id);
  g_assert_cmpint (found->first_response_minutes, ==, 45);
  g_assert_cmpint (found->version, ==, back->version);
  g_assert_cmpint (kefu_test_count (t->db, "SELECT count(*) FROM outbox WHERE entity = 'sla_policy' AND op = 'restore'"), ==, 1);

  list = kefu_sla_policies_list (t->db, &error);
  g_assert_cmpuint (list->len, ==, 19);

  /* And it can be edited as usual afterwards. */
  back->resolution_minutes = 3 * KEFU_BUSINESS_DAY_MINUTES;
  g_assert_true (kefu_sla_policy_save (t->db, back, &error));
  g_assert_no_error (error);
}

static void
test_calendar_year_round_trip (void)
{
  g_autoptr(KefuTestDb) t = kefu_test_db_new (TRUE);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) days = NULL;
  int n2025;
  int audit0;

  days = kefu_calendar_list_days (t->db, 2025, &error);
  g_assert_no_error (error);
  n2025 = (int) days->len;
  g_assert_cmpint (n2025, >, 20);
  g_clear_pointer (&days, g_ptr_array_unref);

  /* What the dialog does: add a day, see it in its year only, remove it. */
  audit0 = kefu_test_count (t->db, "SELECT count(*) FROM audit_log");
  g_assert_true (kefu_calendar_save_day (t->db, "2025-06-30", "holiday", "网点盘点", &error));
  g_assert_no_error (error);
  g_assert_cmpint (kefu_test_count (t->db, "SELECT count(*) FROM audit_log"), ==, audit0 + 1);
  days = kefu_calendar_list_days (t->db, 2025, &error);
  g_assert_cmpint ((int) days->len, ==, n2025 + 1);
  g_clear_pointer (&days, g_ptr_array_unref);
  days = kefu_calendar_list_days (t->db, 2026, &error);
  for (guint i = 0; i < days->len; i++)
    g_assert_cmpstr (((KefuCalendarDay *) days->pdata[i])->name, !=, "网点盘点");
  g_clear_pointer (&days, g_ptr_array_unref);

  g_assert_true (kefu_calendar_save_day (t->db, "2025-06-30", NULL, NULL, &error));
  days = kefu_calendar_list_days (t->db, 2025, &error);
  g_assert_cmpint ((int) days->len, ==, n2025);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  kefu_calendar_set_data_dir (CALENDARS);

  g_test_add_func ("/sla-admin/categories/add-and-rename", test_categories_add_rename);
  g_test_add_func ("/sla-admin/categories/move", test_categories_move);
  g_test_add_func ("/sla-admin/categories/delete-and-restore", test_categories_delete_restore);
  g_test_add_func ("/sla-admin/categories/move-among-siblings", test_categories_move_among_siblings);
  g_test_add_func ("/sla-admin/policy/re-add-after-delete", test_policy_readd_after_delete);
  g_test_add_func ("/sla-admin/calendar/year-round-trip", test_calendar_year_round_trip);

  return g_test_run ();
}
