/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <sys/stat.h>

#include "kefu-customers.h"
#include "kefu-schema.h"
#include "kefu-test-util.h"
#include "kefu-text.h"
#include "kefu-uuid.h"

static void
test_open_creates_private_wal_file (void)
{
  g_autoptr(KefuTestDb) t = kefu_test_db_new (FALSE);
  struct stat st;
  sqlite3_stmt *stmt;

  g_assert_cmpint (g_stat (t->path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  stmt = kefu_db_prepare (t->db, "PRAGMA journal_mode", NULL);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr (kefu_stmt_text (stmt, 0), ==, "wal");
  sqlite3_reset (stmt);
  g_assert_cmpint (kefu_test_count (t->db, "PRAGMA foreign_keys"), ==, 1);
  g_assert_cmpuint (kefu_db_get_version (t->db), ==, kefu_db_latest_version ());
  g_assert_nonnull (kefu_db_get_device_id (t->db));
  /* A new, empty file has nothing to back up. */
  g_assert_null (kefu_db_get_last_backup (t->db));
}

static void
test_migrate_from_each_version (void)
{
  guint n_migrations;
  const KefuMigration *migrations = _kefu_schema_get_migrations (&n_migrations);

  /* From an empty file and from each version but the last (numbers may
   * have gaps). */
  for (guint i = 0; i < n_migrations; i++)
    {
      guint from = i == 0 ? 0 : migrations[i - 1].version;
      g_autofree char *dir = g_dir_make_tmp ("kefu-mig-XXXXXX", NULL);
      g_autofree char *path = g_build_filename (dir, "kefu.db", NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(KefuDb) old = kefu_db_open_at_version (path, from, &error);
      g_autoptr(KefuDb) db = NULL;

      g_assert_no_error (error);
      g_assert_cmpuint (kefu_db_get_version (old), ==, from);
      if (from >= 1)
        {
          /* Data written at the old version survives the migration. */
          g_assert_true (kefu_db_exec (old, "INSERT INTO meta VALUES ('probe', 'kept')", &error));
          g_assert_no_error (error);
        }
      g_clear_object (&old);

      db = kefu_db_open (path, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (kefu_db_get_version (db), ==, kefu_db_latest_version ());
      g_assert_cmpint (kefu_test_count (db, "SELECT count(*) FROM segment_rule"), >, 0);
      if (from >= 1)
        {
          g_autofree char *probe = kefu_db_get_meta (db, "probe");
          const char *backup = kefu_db_get_last_backup (db);
          g_autoptr(KefuDb) copy = NULL;

          g_assert_cmpstr (probe, ==, "kept");
          /* The backup holds the database as it was before migrating. */
          g_assert_nonnull (backup);
          g_assert_true (g_file_test (backup, G_FILE_TEST_EXISTS));
          copy = kefu_db_open_at_version (backup, from, &error);
          g_assert_no_error (error);
          g_assert_cmpuint (kefu_db_get_version (copy), ==, from);
        }
      g_clear_object (&db);
      kefu_test_rm_rf (dir);
    }
}

static void
test_refuses_newer_schema (void)
{
  g_autoptr(KefuTestDb) t = kefu_test_db_new (FALSE);
  g_autoptr(GError) error = NULL;
  g_autoptr(KefuDb) again = NULL;

  g_assert_true (kefu_db_exec (t->db, "PRAGMA user_version = 999", NULL));
  again = kefu_db_open (t->path, &error);
  g_assert_null (again);
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_DATABASE);
}

static void
test_not_a_database (void)
{
  g_autofree char *dir = g_dir_make_tmp ("kefu-bad-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "junk.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(KefuDb) db = NULL;

  g_assert_true (g_file_set_contents (path, "this is not SQLite, just text that is long enough to be a header", -1, NULL));
  db = kefu_db_open (path, &error);
  g_assert_null (db);
  g_assert_nonnull (error);
  kefu_test_rm_rf (dir);
}

static void
test_nested_transactions (void)
{
  g_autoptr(KefuTestDb) t = kefu_test_db_new (FALSE);
  g_autoptr(GError) error = NULL;

  g_assert_true (kefu_db_begin (t->db, &error));
  kefu_db_set_meta (t->db, "outer", "1", &error);
  g_assert_true (kefu_db_begin (t->db, &error));
  kefu_db_set_meta (t->db, "inner", "1", &error);
  kefu_db_rollback (t->db);
  g_assert_true (kefu_db_commit (t->db, &error));
  g_assert_no_error (error);

  {
    g_autofree char *outer = kefu_db_get_meta (t->db, "outer");
    g_autofree char *inner = kefu_db_get_meta (t->db, "inner");

    g_assert_cmpstr (outer, ==, "1");
    g_assert_null (inner);
  }
  g_assert_false (kefu_db_in_transaction (t->db));
}

/* One synced row written with kefu_db_bind_stamp() and
 * kefu_db_step_versioned(): a write on the version read lands with its
 * stamp and its outbox entry; one on a stale version is refused as a
 * conflict and records nothing. */
static gboolean
write_name (KefuDb      *db,
            gint64       version,
            const char  *name,
            GError     **error)
{
  g_autoptr(KefuChangeSet) cs = kefu_change_set_new ("t", "r1", KEFU_CHANGE_UPDATE, version);
  sqlite3_stmt *stmt = kefu_db_prepare (db,
                                        "UPDATE t SET name = ?1, version = version + 1, hlc = ?2, updated_by = ?3,"
                                        " updated_at = ?4 WHERE id = ?5 AND version = ?6", error);

  g_assert_nonnull (stmt);
  kefu_change_set_text (cs, "name", NULL, name);
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
  kefu_db_bind_stamp (db, stmt, 2, cs, 1234);
  sqlite3_bind_text (stmt, 5, "r1", -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 6, version);
  return kefu_db_step_versioned (db, stmt, cs, error, "Someone else changed %s.", "r1");
}

static void
test_versioned_write (void)
{
  g_autoptr(KefuTestDb) t = kefu_test_db_new (FALSE);
  g_autoptr(GError) error = NULL;
  sqlite3_stmt *stmt;

  g_assert_true (kefu_db_exec (t->db,
                               "CREATE TABLE t (id TEXT, version INTEGER, hlc TEXT, updated_by TEXT,"
                               " updated_at INTEGER, name TEXT);"
                               "INSERT INTO t (id, version) VALUES ('r1', 1)", &error));
  kefu_db_set_actor (t->db, "staff-1");
  g_assert_true (kefu_db_begin (t->db, &error));
  g_assert_true (write_name (t->db, 1, "first", &error));
  g_assert_no_error (error);
  g_assert_false (write_name (t->db, 1, "stale", &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_CONFLICT);
  g_assert_cmpstr (error->message, ==, "Someone else changed r1.");
  g_clear_error (&error);
  g_assert_true (kefu_db_commit (t->db, &error));

  stmt = kefu_db_prepare (t->db, "SELECT version, name, updated_by, updated_at, hlc IS NOT NULL FROM t", NULL);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int64 (stmt, 0), ==, 2);
  g_assert_cmpstr (kefu_stmt_text (stmt, 1), ==, "first");
  g_assert_cmpstr (kefu_stmt_text (stmt, 2), ==, "staff-1");
  g_assert_cmpint (sqlite3_column_int64 (stmt, 3), ==, 1234);
  g_assert_cmpint (sqlite3_column_int (stmt, 4), ==, 1);
  sqlite3_reset (stmt);
  g_assert_cmpint (kefu_test_count (t->db, "SELECT count(*) FROM outbox WHERE entity = 't'"), ==, 1);
  g_assert_cmpint (kefu_test_count (t->db, "SELECT count(*) FROM outbox o JOIN t ON o.hlc = t.hlc"), ==, 1);
}

static void
test_uuid7 (void)
{
  g_autofree char *a = kefu_uuid7_new ();
  g_autofree char *b = kefu_uuid7_new ();

  g_assert_true (kefu_uuid_is_valid (a));
  g_assert_cmpint (a[14], ==, '7');
  g_assert_true (strchr ("89ab", b[19]) != NULL);
  /* Made later, sorts later. */
  g_assert_cmpstr (a, <, b);
  g_assert_false (kefu_uuid_is_valid ("not-a-uuid"));
}

static void
test_hlc_is_monotonic (void)
{
  g_autoptr(KefuTestDb) t = kefu_test_db_new (FALSE);
  g_autofree char *prev = kefu_db_next_hlc (t->db);

  for (guint i = 0; i < 1000; i++)
    {
      char *next = kefu_db_next_hlc (t->db);

      g_assert_cmpstr (prev, <, next);
      g_free (prev);
      prev = next;
    }
}

static void
test_phone_normalize (void)
{
  static const struct { const char *in; const char *out; } cases[] = {
    { "13812345678", "13812345678" },
    { "+86 138 1234 5678", "13812345678" },
    { "+86-138-1234-5678", "13812345678" },
    { "0086 13812345678", "13812345678" },
    { "8613812345678", "13812345678" },
    { "138-1234-5678", "13812345678" },
    { "（010）6552 8888", "01065528888" },
    { "010-65528888", "01065528888" },
    { "１３８１２３４５６７８", "13812345678" },
    { "95543", "95543" },
    { "hello", NULL },
    { "138a", NULL },
    { "", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *n = kefu_phone_normalize (cases[i].in);

      g_assert_cmpstr (n, ==, cases[i].out);
    }
  g_assert_true (kefu_phone_is_plausible ("13812345678"));
  g_assert_true (kefu_phone_is_plausible ("01065528888"));
  g_assert_false (kefu_phone_is_plausible ("12345678901"));
  g_assert_false (kefu_phone_is_plausible ("138"));
}

static void
test_search_tokens (void)
{
  g_autoptr(GString) s = g_string_new (NULL);
  g_autofree char *m1 = kefu_search_build_match ("张伟");
  g_autofree char *m2 = kefu_search_build_match ("+86 138-1234");
  g_autofree char *m3 = kefu_search_build_match ("王");
  g_autofree char *m4 = kefu_search_build_match ("\"; DROP TABLE customer; --");
  g_autofree char *m5 = kefu_search_build_match ("-- ,, ");

  kefu_search_tokens_append (s, "张伟明 ABC");
  g_assert_cmpstr (s->str, ==, "张伟 伟明 明 ab bc c");
  g_assert_cmpstr (m1, ==, "\"张伟\"");
  g_assert_cmpstr (m2, ==, "\"1381 3812 8123 1234\"");
  /* A digit starts a chunk of four, a letter a pair, whatever follows
   * (so letters and digits stay next to each other); short tails are
   * prefixes. */
  g_string_truncate (s, 0);
  kefu_search_tokens_append (s, "C0013812");
  g_assert_cmpstr (s->str, ==, "c0 0013 0138 1381 3812 812 12 2");
  {
    g_autofree char *m6 = kefu_search_build_match ("38");
    g_autofree char *m7 = kefu_search_build_match ("C0013");
    g_autofree char *m8 = kefu_search_build_match ("客户0249");
    g_autofree char *m9 = kefu_search_build_match ("EE12");

    g_assert_cmpstr (m6, ==, "\"38\"*");
    g_assert_cmpstr (m7, ==, "\"c0 0013\"");
    g_assert_cmpstr (m8, ==, "\"客户 户0 0249\"");
    g_assert_cmpstr (m9, ==, "\"ee e1 12\"*");
  }
  g_assert_cmpstr (m3, ==, "\"王\"*");
  /* Quotes and operators never reach FTS5 as syntax. */
  g_assert_cmpstr (m4, ==, "\"dr ro op\" AND \"ta ab bl le\" AND \"cu us st to om me er\"");
  g_assert_null (m5);
}

static void
test_money (void)
{
  gint64 cents = -1;
  g_autofree char *s = kefu_format_money (123456);

  g_assert_cmpstr (s, ==, "1234.56");
  g_assert_true (kefu_parse_money ("1,234.5", &cents));
  g_assert_cmpint (cents, ==, 123450);
  g_assert_true (kefu_parse_money ("¥ 88元", &cents));
  g_assert_cmpint (cents, ==, 8800);
  g_assert_false (kefu_parse_money ("-5", &cents));
  g_assert_false (kefu_parse_money ("1.234", &cents));
  g_assert_false (kefu_parse_money ("999999999999", &cents));
  g_assert_false (kefu_parse_money ("", &cents));
}

/* Amounts and phone numbers are shown one way each, whatever way they
 * were typed. */
static void
test_format_amount_and_phone (void)
{
  static const struct { gint64 cents; const char *text; } amounts[] = {
    { 0, "¥0.00" }, { 5, "¥0.05" }, { 120000, "¥1,200.00" }, { 99999, "¥999.99" },
    { 128050050, "¥1,280,500.50" }, { -250000, "¥-2,500.00" },
  };
  static const struct { const char *in, *out; } phones[] = {
    { "13812345678", "138 1234 5678" }, { "+86 138-1234-5678", "138 1234 5678" },
    { "０２５－８４６６１２３４", "025-8466 1234" }, { "075583000000", "0755-8300 0000" },
    { "010 6512 3456", "010-6512 3456" }, { "95338", "95338" }, { "not a phone", "not a phone" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (amounts); i++)
    {
      g_autofree char *text = kefu_format_amount (amounts[i].cents);

      g_assert_cmpstr (text, ==, amounts[i].text);
    }
  for (guint i = 0; i < G_N_ELEMENTS (phones); i++)
    {
      g_autofree char *text = kefu_format_phone (phones[i].in);

      g_assert_cmpstr (text, ==, phones[i].out);
    }
}

static void
test_is_blank (void)
{
  g_assert_true (kefu_text_is_blank (NULL));
  g_assert_true (kefu_text_is_blank (""));
  g_assert_true (kefu_text_is_blank (" \t\n"));
  /* The ideographic space of a Chinese input method is blank too. */
  g_assert_true (kefu_text_is_blank ("\xe3\x80\x80 "));
  g_assert_false (kefu_text_is_blank (" a "));
  g_assert_false (kefu_text_is_blank ("\xe3\x80\x80\xe5\xae\xa2"));
}

/* No two indexes of the schema cover the same columns of the same table
 * with the same condition: each costs every write once more. */
static void
test_no_twin_indexes (void)
{
  g_autoptr(KefuTestDb) t = kefu_test_db_new (FALSE);

  g_assert_cmpint (kefu_test_count (t->db,
                                    "SELECT count(*) FROM (SELECT substr (sql, instr (sql, ' ON ')) AS body"
                                    " FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
                                    " GROUP BY body HAVING count(*) > 1)"), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/db/open/private-wal-file", test_open_creates_private_wal_file);
  g_test_add_func ("/db/migrate/from-each-version", test_migrate_from_each_version);
  g_test_add_func ("/db/migrate/refuses-newer-schema", test_refuses_newer_schema);
  g_test_add_func ("/db/schema/no-twin-indexes", test_no_twin_indexes);
  g_test_add_func ("/db/open/not-a-database", test_not_a_database);
  g_test_add_func ("/db/transactions/nested", test_nested_transactions);
  g_test_add_func ("/db/write/stale-version-refused", test_versioned_write);
  g_test_add_func ("/db/uuid7", test_uuid7);
  g_test_add_func ("/db/hlc/monotonic", test_hlc_is_monotonic);
  g_test_add_func ("/text/phone/normalize", test_phone_normalize);
  g_test_add_func ("/text/search/tokens", test_search_tokens);
  g_test_add_func ("/text/money", test_money);
  g_test_add_func ("/text/blank", test_is_blank);

  g_test_add_func ("/text/format-amount-and-phone", test_format_amount_and_phone);
  return g_test_run ();
}
