/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "kefu-customers.h"
#include "kefu-export-private.h"
#include "kefu-import.h"
#include "kefu-test-util.h"

/* --- helpers --------------------------------------------------------- */

static KefuImport *
parse_len (const char *text,
           gsize       len,
           GError    **error)
{
  g_autoptr(GBytes) bytes = g_bytes_new (text, len);

  return kefu_import_new_from_bytes (bytes, error);
}

static KefuImport *
parse (const char *text)
{
  g_autoptr(GError) error = NULL;
  KefuImport *import = parse_len (text, strlen (text), &error);

  g_assert_no_error (error);
  g_assert_nonnull (import);
  return import;
}

static guint
run_ok (KefuDb     *db,
        KefuImport *import)
{
  g_autoptr(GError) error = NULL;
  guint n = 0;

  g_assert_true (kefu_import_run (import, db, &n, &error));
  g_assert_no_error (error);
  return n;
}

static int
n_customers (KefuDb *db)
{
  return kefu_test_count (db, "SELECT count(*) FROM customer WHERE deleted = 0");
}

static KefuCustomer *
by_phone (KefuDb     *db,
          const char *phone)
{
  g_autoptr(GError) error = NULL;
  KefuCustomer *c = kefu_customers_find_by_phone (db, phone, &error);

  g_assert_no_error (error);
  g_assert_nonnull (c);
  return c;
}

/* All live names, sorted, one per line. */
static char *
all_names (KefuDb *db)
{
  sqlite3_stmt *stmt = kefu_db_prepare (db, "SELECT name FROM customer WHERE deleted = 0 ORDER BY name", NULL);
  GString *out = g_string_new (NULL);

  g_assert_nonnull (stmt);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_string_append_printf (out, "%s\n", kefu_stmt_text (stmt, 0));
  sqlite3_reset (stmt);
  return g_string_free (out, FALSE);
}

static gboolean
report_contains (GPtrArray  *problems,
                 const char *needle)
{
  g_autofree char *report = kefu_import_format_report (problems);

  if (strstr (report, needle) == NULL)
    {
      g_test_message ("report:\n%s\nlooked for: %s", report, needle);
      return FALSE;
    }
  return TRUE;
}

static char *
read_file (const char *path,
           gsize      *len)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_assert_true (g_file_get_contents (path, &contents, len, &error));
  g_assert_no_error (error);
  return contents;
}

/* The exporter's temporary files are hidden ones. */
static gboolean
has_hidden_files (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d && (name = g_dir_read_name (d)))
    if (name[0] == '.')
      return TRUE;
  return FALSE;
}

static guint
n_files_in (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  guint n = 0;

  while (d && g_dir_read_name (d))
    n++;
  return n;
}

/* --- encodings ------------------------------------------------------- */

static void
test_utf8_good_file (void)
{
  g_autoptr(KefuTestDb) t = kefu_test_db_new (TRUE);
  g_autoptr(KefuImport) import = parse (
    "Name,Company,Type,Phone,Address,E-mail,Industry,Segment,Tags,Monthly parcels,Monthly spend (yuan),Customer number\n"
    "张伟,,person,138 0013 8000,北京市朝阳区建国路1号,zw@example.com,,VIP,\"frequent, fragile\",120,\"1,234.50\",\n"
    "Li Na,Acme Trading,enterprise,021-6555 1234,上海市浦东新区,,Trade,,,3000,¥9800,X0001\n");
  g_autoptr(KefuCustomer) zhang = NULL;
  g_autoptr(KefuCustomer) li = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  int outbox0 = kefu_test_count (t->db, "SELECT count(*) FROM outbox WHERE entity = 'customer'");
  const KefuImportField expected[] = {
    KEFU_IMPORT_FIELD_NAME, KEFU_IMPORT_FIELD_COMPANY, KEFU_IMPORT_FIELD_KIND, KEFU_IMPORT_FIELD_PHONE,
    KEFU_IMPORT_FIELD_ADDRESS, KEFU_IMPORT_FIELD_EMAIL, KEFU_IMPORT_FIELD_INDUSTRY, KEFU_IMPORT_FIELD_SEGMENT,
    KEFU_IMPORT_FIELD_TAGS, KEFU_IMPORT_FIELD_MONTHLY_VOLUME, KEFU_IMPORT_FIELD_MONTHLY_SPEND,
    KEFU_IMPORT_FIELD_NUMBER,
  };

  g_assert_cmpstr (kefu_import_get_encoding (import), ==, "UTF-8");
  g_assert_cmpint (kefu_import_get_delimiter (import), ==, ',');
  g_assert_cmpuint (kefu_import_get_n_columns (import), ==, 12);
  g_assert_cmpuint (kefu_import_get_n_rows (import), ==, 2);
  g_assert_cmpstr (kefu_import_get_cell (import, 0, 8), ==, "frequent, fragile");
  g_assert_cmpuint (kefu_import_get_sheet_row (import, 1), ==, 3);
  for (guint col = 0; col < G_N_ELEMENTS (expected); col++)
    g_assert_cmpint (kefu_import_get_mapping (import, col), ==, expected[col]);

  g_assert_true (kefu_import_validate (import, &problems));
  g_assert_cmpuint (problems->len, ==, 0);
  g_assert_cmpuint (run_ok (t->db, import), ==, 2);
  g_assert_cmpint (n_customers (t->db), ==, 2);
  /* An outbox entry per customer and per contact (what sync sends), and
   * one summarised audit entry for the import, which each imported
   * customer's history shows. */
  g_assert_cmpint (kefu_test_count (t->db, "SELECT count(*) FROM outbox WHERE entity = 'customer'"), ==, outbox0 + 2);
  g_assert_cmpint (kefu_test_count (t->db, "SELECT count(*) FROM outbox WHERE entity = 'customer_contact'"), ==,
                   kefu_test_count (t->db, "SELECT count(*) FROM customer_contact"));
  g_assert_cmpint (kefu_test_count (t->db, "SELECT count(*) FROM audit_log WHERE op = 'import'"
                                           " AND json_extract (changes, '$.customers') = 2"), ==, 1);
  g_assert_cmpint (kefu_test_count (t->db, "SELECT count(*) FROM audit_log WHERE entity = 'customer' AND op = 'insert'"), ==, 0);

  zhang = by_phone (t->db, "13800138000");
  g_assert_cmpstr (zhang->name, ==, "张伟");
  {
    g_autoptr(GPtrArray) history = kefu_customers_history (t->db, zhang->id, NULL);

    g_assert_cmpuint (history->len, ==, 1);
    g_assert_cmpstr (((KefuHistoryEntry *) history->pdata[0])->op, ==, "import");
  }
  g_assert_cmpstr (zhang->kind, ==, "person");
  g_assert_null (zhang->company);
  g_assert_cmpstr (zhang->segment, ==, "vip");
  g_assert_true (zhang->segment_manual);
  g_assert_cmpstr (zhang->segment_reason, ==, "Imported");
  g_assert_cmpstr (zhang->tags, ==, "frequent,fragile");
  g_assert_cmpint (zhang->monthly_volume, ==, 120);
  g_assert_cmpint (zhang->monthly_spend_cents, ==, 123450);
  g_assert_cmpuint (zhang->contacts->len, ==, 3);
  g_assert_cmpstr (kefu_customer_first_contact (zhang, "address"), ==, "北京市朝阳区建国路1号");
  g_assert_cmpstr (kefu_customer_first_contact (zhang, "email"), ==, "zw@example.com");

  li = by_phone (t->db, "02165551234");
  g_assert_cmpstr (li->name, ==, "Li Na");
  g_assert_cmpstr (li->kind, ==, "enterprise");
  g_assert_cmpstr (li->company, ==, "Acme Trading");
  g_assert_cmpstr (li->industry, ==, "Trade");
  g_assert_cmpstr (li->number, ==, "X0001");
  g_assert_false (li->segment_manual);
  g_assert_cmpint (li->monthly_volume, ==, 3000);
  g_assert_cmpint (li->monthly_spend_cents, ==, 980000);
}

static void
test_utf8_bom (void)
{
  g_autoptr(KefuTestDb) t = kefu_test_db_new (TRUE);
  g_autoptr(KefuImport) import = parse ("\xef\xbb\xbf姓名,手机\r\n王芳,13900139000\r\n\r\n赵磊,13700137000\r\n");
  g_autoptr(KefuCustomer) c = NULL;

  g_assert_cmpstr (kefu_import_get_encoding (import), ==, "UTF-8 (BOM)");
  /* The byte order mark is not part of the first header. */
  g_assert_cmpstr (kefu_import_get_headers (import)[0], ==, "姓名");
  g_assert_cmpint (kefu_import_get_mapping (import, 0), ==, KEFU_IMPORT_FIELD_NAME);
  g_assert_cmpint (kefu_import_get_mapping (import, 1), ==, KEFU_IMPORT_FIELD_PHONE);
  g_assert_cmpuint (kefu_import_get_n_rows (import), ==, 2);
  /* CR LF ends one row; the blank line still counts as a spreadsheet row. */
  g_assert_cmpuint (kefu_import_get_sheet_row (import, 0), ==, 2);
  g_assert_cmpuint (kefu_import_get_sheet_row (import, 1), ==, 4);

  g_assert_cmpuint (run_ok (t->db, import), ==, 2);
  c = by_phone (t->db, "13700137000");
  g_assert_cmpstr (c->name, ==, "赵磊");
}

static void
test_gbk_file (void)
{
  g_autoptr(KefuTestDb) t = kefu_test_db_new (TRUE);
  const char *utf8 = "姓名,手机,地址\n张三,13800138000,北京市海淀区中关村大街1号\n李四,+86 139 0013 9000,广州市天河区体育西路\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(KefuImport) import = NULL;
  g_autoptr(KefuCustomer) c = NULL;
  g_autofree char *gbk = NULL;
  gsize len = 0;

  gbk = g_convert (utf8, -1, "GB18030", "UTF-8", NULL, &len, &error);
  g_assert_no_error (error);
  g_assert_false (g_utf8_validate_len (gbk, len, NULL));

  import = parse_len (gbk, len, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (kefu_import_get_encoding (import), ==, "GB18030");
  g_assert_cmpstr (kefu_import_get_headers (import)[0], ==, "姓名");
  g_assert_cmpstr (kefu_import_get_headers (import)[2], ==, "地址");
  g_assert_cmpint (kefu_import_get_mapping (import, 2), ==, KEFU_IMPORT_FIELD_ADDRESS);
  g_assert_cmpuint (run_ok (t->db, import), ==, 2);

  c = by_phone (t->db, "13900139000");
  g_assert_cmpstr (c->name, ==, "李四");
  g_assert_cmpstr (kefu_customer_first_contact (c, "address"), ==, "广州市天河区体育西路");
}

static void
test_utf16_tab_separated (void)
{
  g_autoptr(KefuTestDb) t = kefu_test_db_new (TRUE);
  const char *utf8 = "姓名\t手机\t公司\n陈静\t13600136000\t\"顺丰, 北京\"\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(KefuImport) import = NULL;
  g_autoptr(KefuCustomer) c = NULL;
  g_autoptr(GByteArray) data = g_byte_array_new ();
  g_autofree char *utf16 = NULL;
  gsize len = 0;

  /* What Excel writes as "Unicode text". */
  utf16 = g_convert (utf8, -1, "UTF-16LE", "UTF-8", NULL, &len, &error);
  g_assert_no_error (error);
  g_byte_array_append (data, (const guint8 *) "\xff\xfe", 2);
  g_byte_array_append (data, (const guint8 *) utf16, len);

  import = parse_len ((const char *) data->data, data->len, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (kefu_import_get_encoding (import), ==, "UTF-16");
  g_assert_cmpint (kefu_import_get_delimiter (import), ==, '\t');
  g_assert_cmpuint (kefu_import_get_n_columns (import), ==, 3);
  g_assert_cmpstr (kefu_import_get_cell (import, 0, 2), ==, "顺丰, 北京");
  g_assert_cmpuint (run_ok (t->db, import), ==, 1);
  c = by_phone (t->db, "13600136000");
  g_assert_cmpstr (c->name, ==, "陈静");
  g_assert_cmpstr (c->company, ==, "顺丰, 北京");
  g_assert_cmpstr (c->kind, ==, "enterprise");
}

static void
test_semicolon_delimiter (void)
{
  g_autoptr(KefuImport) import = parse ("Name;Phone;Monthly spend\nAnna;13800138000;12,50\n");

  g_assert_cmpint (kefu_import_get_delimiter (import), ==, ';');
  g_assert_cmpuint (kefu_import_get_n_columns (import), ==, 3);
  g_assert_cmpstr (kefu_import_get_cell (import, 0, 2), ==, "12,50");
}

/* --- broken files ---------------------------------------------------- */

static void
test_broken_quoting (void)
{
  g_autoptr(GError) error = NULL;
  const char *stray = "Name,Phone\nAlice,13800138000\nBob \"the\" Builder,13800138001\n";
  const char *after = "Name,Phone\r\n\"Alice\"x,13800138000\r\n";
  const char *unclosed = "Name,Phone\nAlice,13800138000\n\"Bob,13800138001\nCarol,13800138002\n";
  const char *spans = "Name,Phone\n\"Bob,13800138001\nCarol\",\"13800\"138002\n";
  KefuImport *import;

  import = parse_len (stray, strlen (stray), &error);
  g_assert_null (import);
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_PARSE);
  g_assert_nonnull (strstr (error->message, "Line 3"));
  g_clear_error (&error);

  import = parse_len (after, strlen (after), &error);
  g_assert_null (import);
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_PARSE);
  g_assert_nonnull (strstr (error->message, "Line 2"));
  g_clear_error (&error);

  /* Never closed: the message names the line where the field starts. */
  import = parse_len (unclosed, strlen (unclosed), &error);
  g_assert_null (import);
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_PARSE);
  g_assert_nonnull (strstr (error->message, "Line 3"));
  g_assert_nonnull (strstr (error->message, "never closed"));
  g_clear_error (&error);

  /* Closed on a later line and broken there: both lines are named. */
  import = parse_len (spans, strlen (spans), &error);
  g_assert_null (import);
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_PARSE);
  g_assert_nonnull (strstr (error->message, "Line 3"));
  g_assert_nonnull (strstr (error->message, "line 2"));
}

static void
test_not_text (void)
{
  /* 0x80 and 0xff are invalid in UTF-8 and in GB18030 alike. */
  const char lone_80[] = "Name,Phone\nAl\x80" "ce,13800138000\n";
  const char lone_ff[] = "Name,Phone\nAl\xff" "ce,13800138000\n";
  const char nul[] = "Name,Phone\nAl\0ce,13800138000\n";
  const char bad_bom[] = "\xef\xbb\xbfName\nAl\xff" "ce\n";
  const struct { const char *data; gsize len; } cases[] = {
    { lone_80, sizeof lone_80 - 1 },
    { lone_ff, sizeof lone_ff - 1 },
    { nul, sizeof nul - 1 },
    { bad_bom, sizeof bad_bom - 1 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(KefuImport) import = parse_len (cases[i].data, cases[i].len, &error);

      g_assert_null (import);
      g_assert_error (error, KEFU_ERROR, KEFU_ERROR_PARSE);
      g_assert_cmpstr (error->message, ==, "The file is neither UTF-8 nor GBK text.");
    }
}

static void
test_empty_file (void)
{
  const char *cases[] = { "", "\n\r\n   \n", "\xef\xbb\xbf", ",,,\n" };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(KefuImport) import = parse_len (cases[i], strlen (cases[i]), &error);

      g_assert_null (import);
      g_assert_error (error, KEFU_ERROR, KEFU_ERROR_PARSE);
      g_assert_cmpstr (error->message, ==, "The file is empty.");
    }
}

static void
test_header_only (void)
{
  g_autoptr(KefuTestDb) t = kefu_test_db_new (TRUE);
  g_autoptr(KefuImport) import = parse ("Name,Phone\r\n");
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpuint (kefu_import_get_n_rows (import), ==, 0);
  g_assert_cmpuint (kefu_import_get_n_columns (import), ==, 2);
  g_assert_false (kefu_import_validate (import, &problems));
  g_assert_cmpuint (problems->len, ==, 1);
  g_assert_true (report_contains (problems, "header row but no customers"));

  g_assert_false (kefu_import_run (import, t->db, NULL, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "Nothing was imported"));
  g_assert_cmpint (n_customers (t->db), ==, 0);
}

static void
test_too_large_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KefuImport) import = NULL;
  g_autoptr(GBytes) bytes = NULL;
  gsize size = KEFU_IMPORT_MAX_FILE_SIZE + 1;
  char *data = g_malloc (size);

  memset (data, 'a', size);
  bytes = g_bytes_new_take (data, size);
  import = kefu_import_new_from_bytes (bytes, &error);
  g_assert_null (import);
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "64 MB"));
}

static void
test_from_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KefuImport) import = NULL;
  g_autofree char *dir = g_dir_make_tmp ("kefu-import-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "客户.csv", NULL);
  g_autofree char *missing = g_build_filename (dir, "missing.csv", NULL);

  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (path, "Name\nAnna\n", -1, &error));
  import = kefu_import_new_from_file (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (kefu_import_get_n_rows (import), ==, 1);
  g_clear_object (&import);

  import = kefu_import_new_from_file (missing, &error);
  g_assert_null (import);
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "missing.csv"));

  kefu_test_rm_rf (dir);
}

/* --- validation ------------------------------------------------------ */

static void
test_huge_field (void)
{
  g_autoptr(KefuTestDb) t = kefu_test_db_new (TRUE);
  g_autoptr(GString) text = g_string_new ("Name,Address\nAlice,\"");
  g_autoptr(KefuImport) import = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GError) error = NULL;
  const KefuImportProblem *problem;

  for (gsize i = 0; i <= KEFU_IMPORT_MAX_FIELD_SIZE; i++)
    g_string_append_c (text, 'x');
  g_string_append (text, "\"\nBob,Somewhere\n");

  import = parse_len (text->str, text->len, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (kefu_import_get_n_rows (import), ==, 2);

  g_assert_false (kefu_import_validate (import, &problems));
  g_assert_cmpuint (problems->len, ==, 1);
  problem = g_ptr_array_index (problems, 0);
  g_assert_cmpuint (problem->row, ==, 2);
  g_assert_cmpstr (problem->column, ==, "Address");
  g_assert_nonnull (strstr (problem->message, "too long"));
  g_assert_cmpuint (kefu_import_get_n_bad_rows (import), ==, 1);

  g_assert_false (kefu_import_run (import, t->db, NULL, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
  g_assert_cmpint (n_customers (t->db), ==, 0);
}

static void
test_sql_metacharacters (void)
{
  g_autoptr(KefuTestDb) t = kefu_test_db_new (TRUE);
  g_autoptr(KefuImport) import = parse (
    "Name,Company,Phone\n"
    "\"Robert'); DROP TABLE customer;--\",\"x\"\"; DELETE FROM outbox; --\",13800138000\n");
  g_autoptr(KefuCustomer) c = NULL;

  g_assert_cmpuint (run_ok (t->db, import), ==, 1);
  /* The table is still there, and the value is the literal text. */
  g_assert_cmpint (n_customers (t->db), ==, 1);
  g_assert_cmpint (kefu_test_count (t->db, "SELECT count(*) FROM outbox"), >, 0);
  c = by_phone (t->db, "13800138000");
  g_assert_cmpstr (c->name, ==, "Robert'); DROP TABLE customer;--");
  g_assert_cmpstr (c->company, ==, "x\"; DELETE FROM outbox; --");
}

static void
test_one_bad_row (void)
{
  g_autoptr(KefuTestDb) t = kefu_test_db_new (TRUE);
  g_autoptr(KefuImport) import = parse ("Name,Phone\nAnna,13800138000\nBen,1380013\nCara,13800138002\n");
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GError) error = NULL;
  const KefuImportProblem *problem;

  g_assert_false (kefu_import_validate (import, &problems));
  g_assert_cmpuint (problems->len, ==, 1);
  problem = g_ptr_array_index (problems, 0);
  g_assert_cmpuint (problem->row, ==, 3);
  g_assert_cmpstr (problem->column, ==, "Phone");
  g_assert_true (report_contains (problems, "Row 3, Phone: “1380013” is not a phone number"));

  g_assert_false (kefu_import_run (import, t->db, NULL, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, "1 row has problems; nothing was imported.");
  g_assert_cmpint (n_customers (t->db), ==, 0);
  g_assert_cmpint (kefu_test_count (t->db, "SELECT count(*) FROM outbox WHERE entity LIKE 'customer%'"), ==, 0);
}

static void
test_several_problems (void)
{
  g_autoptr(KefuTestDb) t = kefu_test_db_new (TRUE);
  g_autoptr(KefuImport) import = parse (
    "Name,Type,Company,E-mail,Segment,Monthly parcels,Monthly spend\n"
    ",person,,,,,\n"
    "Dan,robot,,,,,\n"
    "Eve,enterprise,,,,,\n"
    "Fay,,,fay.example.com,gold,-3,abc\n"
    "Gus,,,,,12 boxes,-1.50\n"
    "Hal,个人,,,流失风险,\"1,200件\",￥88\n");
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_false (kefu_import_validate (import, &problems));
  g_assert_cmpuint (kefu_import_get_n_bad_rows (import), ==, 5);
  g_assert_true (report_contains (problems, "Row 2, Name: Enter the customer’s name."));
  g_assert_true (report_contains (problems, "Row 3, Type: “robot” is not a customer type"));
  g_assert_true (report_contains (problems, "Row 4, Company: Enter the company name of an enterprise customer."));
  g_assert_true (report_contains (problems, "Row 5, E-mail: “fay.example.com” is not an e-mail address."));
  g_assert_true (report_contains (problems, "Row 5, Segment: “gold” is not a segment"));
  g_assert_true (report_contains (problems, "Row 5, Monthly parcels: The monthly parcel count cannot be negative."));
  g_assert_true (report_contains (problems, "Row 5, Monthly spend: “abc” is not an amount in yuan"));
  g_assert_true (report_contains (problems, "Row 6, Monthly parcels: “12 boxes” is not a number of parcels."));
  g_assert_true (report_contains (problems, "Row 6, Monthly spend: The monthly spend cannot be negative."));
  for (guint i = 0; i < problems->len; i++)
    g_assert_cmpuint (((KefuImportProblem *) g_ptr_array_index (problems, i))->row, !=, 7);

  g_assert_false (kefu_import_run (import, t->db, NULL, &error));
  g_assert_cmpstr (error->message, ==, "5 rows have problems; nothing was imported.");
  g_assert_cmpint (n_customers (t->db), ==, 0);
}

static void
test_phone_forms (void)
{
  g_autoptr(KefuTestDb) t = kefu_test_db_new (TRUE);
  g_autoptr(KefuImport) import = parse (
    "Name,Phone,Phone 2\n"
    "A,+86 138 0013 8000,(010) 6552-9988\n"
    "B,138-0013-8001,\n"
    "C,0086 13800138002,\n"
    "D,+86-139-0013-9003,\n"
    "E,８６１３８００１３８００４,\n");
  g_autoptr(KefuCustomer) a = NULL;
  g_autoptr(KefuCustomer) b = NULL;
  g_autoptr(KefuCustomer) e = NULL;
  const KefuContact *landline;

  g_assert_cmpint (kefu_import_get_mapping (import, 2), ==, KEFU_IMPORT_FIELD_PHONE2);
  g_assert_true (kefu_import_validate (import, NULL));
  g_assert_cmpuint (run_ok (t->db, import), ==, 5);

  a = by_phone (t->db, "13800138000");
  g_assert_cmpstr (a->name, ==, "A");
  g_assert_cmpuint (a->contacts->len, ==, 2);
  landline = g_ptr_array_index (a->contacts, 1);
  g_assert_cmpstr (landline->value, ==, "(010) 6552-9988");
  g_assert_cmpstr (landline->label, ==, "office");
  g_assert_cmpstr (((KefuContact *) g_ptr_array_index (a->contacts, 0))->label, ==, "mobile");
  b = by_phone (t->db, "13800138001");
  g_assert_cmpstr (b->name, ==, "B");
  g_clear_pointer (&b, kefu_customer_free);
  b = by_phone (t->db, "13800138002");
  g_assert_cmpstr (b->name, ==, "C");
  g_clear_pointer (&b, kefu_customer_free);
  b = by_phone (t->db, "13900139003");
  g_assert_cmpstr (b->name, ==, "D");
  e = by_phone (t->db, "13800138004");
  g_assert_cmpstr (e->name, ==, "E");
}

static void
test_guess_mapping (void)
{
  g_autoptr(KefuImport) zh = parse (
    "客户名称,企业名称,类型 (个人/企业),手机号,固定电话,联系地址,电子邮件,行业,等级,标签,月件量,月均消费(元),客户编号,备注\n"
    "x\n");
  g_autoptr(KefuImport) twice = parse ("姓名,手机,电话,名称\nx\n");
  g_autoptr(KefuImport) en = parse ("Customer Name,Company,Kind,Mobile,Landline,Address,Email,Industry,Level,Tags,"
                                    "Monthly Volume,Monthly Spending,Customer No.,Notes\nx\n");
  const KefuImportField expected[] = {
    KEFU_IMPORT_FIELD_NAME, KEFU_IMPORT_FIELD_COMPANY, KEFU_IMPORT_FIELD_KIND, KEFU_IMPORT_FIELD_PHONE,
    KEFU_IMPORT_FIELD_PHONE2, KEFU_IMPORT_FIELD_ADDRESS, KEFU_IMPORT_FIELD_EMAIL, KEFU_IMPORT_FIELD_INDUSTRY,
    KEFU_IMPORT_FIELD_SEGMENT, KEFU_IMPORT_FIELD_TAGS, KEFU_IMPORT_FIELD_MONTHLY_VOLUME,
    KEFU_IMPORT_FIELD_MONTHLY_SPEND, KEFU_IMPORT_FIELD_NUMBER, KEFU_IMPORT_FIELD_IGNORE,
  };

  for (guint col = 0; col < G_N_ELEMENTS (expected); col++)
    {
      g_assert_cmpint (kefu_import_get_mapping (zh, col), ==, expected[col]);
      g_assert_cmpint (kefu_import_get_mapping (en, col), ==, expected[col]);
    }

  /* A second phone column is the second phone; a second name column is
   * not used. */
  g_assert_cmpint (kefu_import_get_mapping (twice, 0), ==, KEFU_IMPORT_FIELD_NAME);
  g_assert_cmpint (kefu_import_get_mapping (twice, 1), ==, KEFU_IMPORT_FIELD_PHONE);
  g_assert_cmpint (kefu_import_get_mapping (twice, 2), ==, KEFU_IMPORT_FIELD_PHONE2);
  g_assert_cmpint (kefu_import_get_mapping (twice, 3), ==, KEFU_IMPORT_FIELD_IGNORE);

  for (guint f = 0; f < KEFU_IMPORT_N_FIELDS; f++)
    g_assert_nonnull (kefu_import_field_label (f));
}

static void
test_mapping_problems (void)
{
  g_autoptr(KefuTestDb) t = kefu_test_db_new (TRUE);
  g_autoptr(KefuImport) import = parse ("Full name,Tel,Remarks\nAnna,13800138000,vip\n");
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(KefuCustomer) c = NULL;

  /* "Full name" is recognised; take it away to see the mapping problem. */
  g_assert_cmpint (kefu_import_get_mapping (import, 0), ==, KEFU_IMPORT_FIELD_NAME);
  kefu_import_set_mapping (import, 0, KEFU_IMPORT_FIELD_IGNORE);
  g_assert_false (kefu_import_validate (import, &problems));
  g_assert_true (report_contains (problems, "No column is marked as the customer’s name"));
  g_assert_false (kefu_import_run (import, t->db, NULL, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "name"));
  g_clear_error (&error);
  g_clear_pointer (&problems, g_ptr_array_unref);

  kefu_import_set_mapping (import, 0, KEFU_IMPORT_FIELD_NAME);
  kefu_import_set_mapping (import, 2, KEFU_IMPORT_FIELD_NAME);
  g_assert_false (kefu_import_validate (import, &problems));
  g_assert_true (report_contains (problems, "Both “Full name” and “Remarks” are marked as “Name”"));
  g_clear_pointer (&problems, g_ptr_array_unref);

  kefu_import_set_mapping (import, 2, KEFU_IMPORT_FIELD_SEGMENT);
  g_assert_true (kefu_import_validate (import, &problems));
  g_assert_cmpuint (run_ok (t->db, import), ==, 1);
  c = by_phone (t->db, "13800138000");
  g_assert_cmpstr (c->segment, ==, "vip");
}

static void
test_kinds_and_segments (void)
{
  g_autoptr(KefuTestDb) t = kefu_test_db_new (TRUE);
  g_autoptr(KefuImport) import = parse (
    "姓名,类型,公司,客户细分,手机\n"
    "张一,个人,,大客户,13800000001\n"
    "张二,企业,某某物流有限公司,流失风险,13800000002\n"
    "张三,Enterprise,X Co,普通,13800000003\n"
    "张四,person,,at_risk,13800000004\n"
    "张五,,Y Co,新客户,13800000005\n"
    "张六,,,Key account,13800000006\n");
  const struct { const char *phone, *kind, *segment; } expected[] = {
    { "13800000001", "person", "key" },
    { "13800000002", "enterprise", "at_risk" },
    { "13800000003", "enterprise", "regular" },
    { "13800000004", "person", "at_risk" },
    { "13800000005", "enterprise", "new" },
    { "13800000006", "person", "key" },
  };

  g_assert_cmpuint (run_ok (t->db, import), ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_autoptr(KefuCustomer) c = by_phone (t->db, expected[i].phone);

      g_assert_cmpstr (c->kind, ==, expected[i].kind);
      g_assert_cmpstr (c->segment, ==, expected[i].segment);
      g_assert_true (c->segment_manual);
    }
}

static void
test_customer_numbers (void)
{
  g_autoptr(KefuTestDb) t = kefu_test_db_new (TRUE);
  g_autoptr(KefuImport) twice = parse ("Name,Customer number\nA,N1\nB,N2\nC,N1\n");
  g_autoptr(KefuImport) taken = parse ("Name,Customer number\nA,N7\nB,N9\n");
  g_autoptr(KefuCustomer) existing = kefu_customer_new ();
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GError) error = NULL;

  /* Twice in the file: found before anything is written. */
  g_assert_false (kefu_import_validate (twice, &problems));
  g_assert_true (report_contains (problems, "Row 4, Customer number: The customer number “N1” is already used in row 2."));

  /* Already in the database: found while writing; nothing stays. */
  existing->name = g_strdup ("Old");
  existing->number = g_strdup ("N9");
  g_assert_true (kefu_customers_create (t->db, existing, &error));
  g_assert_no_error (error);
  g_assert_true (kefu_import_validate (taken, NULL));
  g_assert_false (kefu_import_run (taken, t->db, NULL, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
  g_assert_true (g_str_has_prefix (error->message, "Row 3: "));
  g_assert_nonnull (strstr (error->message, "N9"));
  g_assert_cmpint (n_customers (t->db), ==, 1);
}

/* Many rows: crosses the batches the import writes in, and a failure in
 * a late batch undoes the early ones. */
static void
test_all_or_nothing (void)
{
  g_autoptr(KefuTestDb) t = kefu_test_db_new (TRUE);
  g_autoptr(GString) text = g_string_new ("Name,Phone,Customer number\n");
  g_autoptr(KefuImport) import = NULL;
  g_autoptr(KefuCustomer) clash = kefu_customer_new ();
  g_autoptr(GError) error = NULL;
  const guint n = 12000;
  guint imported = 0;

  for (guint i = 0; i < n; i++)
    g_string_append_printf (text, "客户%u,139%08u,T%05u\n", i, i, i);
  import = parse_len (text->str, text->len, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (kefu_import_get_n_rows (import), ==, n);

  clash->name = g_strdup ("Clash");
  clash->number = g_strdup ("T11000");
  g_assert_true (kefu_customers_create (t->db, clash, &error));
  g_assert_no_error (error);

  g_assert_false (kefu_import_run (import, t->db, &imported, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
  g_assert_true (g_str_has_prefix (error->message, "Row 11002: "));
  g_assert_cmpuint (imported, ==, 0);
  g_assert_cmpint (n_customers (t->db), ==, 1);
  g_assert_false (kefu_db_in_transaction (t->db));
  g_clear_error (&error);

  /* Without the clashing numbers every batch goes in. */
  kefu_import_set_mapping (import, 2, KEFU_IMPORT_FIELD_IGNORE);
  g_assert_cmpuint (run_ok (t->db, import), ==, n);
  g_assert_cmpint (n_customers (t->db), ==, n + 1);
}

/* --- export ---------------------------------------------------------- */

static void
add_customer (KefuDb     *db,
              const char *name,
              const char *company,
              const char *phone,
              const char *segment,
              gint64      spend_cents)
{
  g_autoptr(KefuCustomer) c = kefu_customer_new ();
  g_autoptr(GError) error = NULL;

  c->name = g_strdup (name);
  c->company = g_strdup (company);
  c->kind = g_strdup (company ? "enterprise" : "person");
  c->monthly_spend_cents = spend_cents;
  if (segment)
    {
      c->segment = g_strdup (segment);
      c->segment_manual = TRUE;
    }
  if (phone)
    kefu_customer_add_contact (c, "phone", "mobile", phone);
  g_assert_true (kefu_customers_create (db, c, &error));
  g_assert_no_error (error);
}

static void
add_export_customers (KefuDb *db)
{
  add_customer (db, "张伟", NULL, "138 0013 8000", "vip", 123450);
  add_customer (db, "Smith, John", "Acme \"Best\" Trading", "+86 139 0013 9000", NULL, 0);
  add_customer (db, "=HYPERLINK(\"http://example.com\")", NULL, NULL, "at_risk", 99);
  add_customer (db, "李娜", "北京\n第二行", "010-6552 9988", NULL, 400000);
  add_customer (db, "  Spaced  ", NULL, NULL, NULL, 0);
}

static void
test_export_csv_round_trip (void)
{
  g_autoptr(KefuTestDb) from = kefu_test_db_new (TRUE);
  g_autoptr(KefuTestDb) to = kefu_test_db_new (TRUE);
  g_autofree char *path = g_build_filename (from->dir, "客户.csv", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *names_from = NULL;
  g_autofree char *names_to = NULL;
  g_autoptr(KefuImport) import = NULL;
  g_autoptr(KefuCustomer) zhang = NULL;
  g_autoptr(KefuCustomer) smith = NULL;
  g_autoptr(GError) error = NULL;
  guint n = 0;
  gsize len;

  add_export_customers (from->db);
  g_assert_true (kefu_export_customers_csv (from->db, NULL, path, &n, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 5);

  contents = read_file (path, &len);
  g_assert_true (g_str_has_prefix (contents, "\xef\xbb\xbf" "Customer number,Name,Company,Type,Phone,Segment,"
                                             "Account manager,Last contact,Monthly spend (yuan)\r\n"));
  g_assert_nonnull (strstr (contents, ",\"Smith, John\",\"Acme \"\"Best\"\" Trading\",Enterprise,"));
  g_assert_nonnull (strstr (contents, ",\"'=HYPERLINK(\"\"http://example.com\"\")\","));
  g_assert_nonnull (strstr (contents, ",+86 139 0013 9000,"));
  g_assert_nonnull (strstr (contents, ",VIP,"));
  g_assert_nonnull (strstr (contents, ",1234.50\r\n"));
  /* Only the finished file is left in the folder. */
  g_assert_false (has_hidden_files (from->dir));

  import = kefu_import_new_from_file (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (kefu_import_get_encoding (import), ==, "UTF-8 (BOM)");
  g_assert_cmpuint (kefu_import_get_n_rows (import), ==, 5);
  g_assert_cmpint (kefu_import_get_mapping (import, 6), ==, KEFU_IMPORT_FIELD_IGNORE);
  g_assert_cmpuint (run_ok (to->db, import), ==, 5);

  names_from = all_names (from->db);
  names_to = all_names (to->db);
  g_assert_cmpstr (names_to, ==, names_from);

  zhang = by_phone (to->db, "13800138000");
  g_assert_cmpstr (zhang->name, ==, "张伟");
  g_assert_cmpstr (zhang->segment, ==, "vip");
  g_assert_cmpint (zhang->monthly_spend_cents, ==, 123450);
  smith = by_phone (to->db, "13900139000");
  g_assert_cmpstr (smith->company, ==, "Acme \"Best\" Trading");
  g_assert_cmpstr (smith->kind, ==, "enterprise");
  g_assert_cmpint (kefu_test_count (to->db, "SELECT count(*) FROM customer WHERE company = '北京\n第二行'"), ==, 1);
}

static void
test_export_csv_query (void)
{
  g_autoptr(KefuTestDb) t = kefu_test_db_new (TRUE);
  g_autofree char *path = g_build_filename (t->dir, "vip.csv", NULL);
  g_autofree char *contents = NULL;
  KefuCustomerQuery q = { .segment = (char *) "vip" };
  g_autoptr(GError) error = NULL;
  guint n = 0;
  gsize len;

  add_export_customers (t->db);
  g_assert_true (kefu_export_customers_csv (t->db, &q, path, &n, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 1);
  contents = read_file (path, &len);
  g_assert_nonnull (strstr (contents, "张伟"));
  g_assert_null (strstr (contents, "李娜"));
}

static void
test_export_failure_leaves_nothing (void)
{
  g_autoptr(KefuTestDb) t = kefu_test_db_new (TRUE);
  g_autofree char *path = g_build_filename (t->dir, "no-such-folder", "out.csv", NULL);
  g_autoptr(GError) error = NULL;
  guint before;

  add_export_customers (t->db);
  before = n_files_in (t->dir);
  g_assert_false (kefu_export_customers_csv (t->db, NULL, path, NULL, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "out.csv"));
  g_clear_error (&error);
  g_assert_false (kefu_export_customers_xlsx (t->db, NULL, path, NULL, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_IO);
  g_assert_cmpuint (n_files_in (t->dir), ==, before);
  g_assert_false (has_hidden_files (t->dir));
}

static void
test_export_xlsx (void)
{
  g_autoptr(KefuTestDb) t = kefu_test_db_new (TRUE);
  g_autofree char *path = g_build_filename (t->dir, "customers.xlsx", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  guint n = 0;
  gsize len = 0;

  add_export_customers (t->db);
  g_assert_true (kefu_export_customers_xlsx (t->db, NULL, path, &n, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 5);
  contents = read_file (path, &len);
  g_assert_cmpuint (len, >, 1000);
  g_assert_true (memcmp (contents, "PK", 2) == 0);
  g_assert_false (has_hidden_files (t->dir));
}

static void
test_export_xlsx_row_limit (void)
{
  g_autoptr(KefuTestDb) t = kefu_test_db_new (TRUE);
  g_autofree char *path = g_build_filename (t->dir, "customers.xlsx", NULL);
  g_autoptr(GError) error = NULL;
  guint before;

  add_export_customers (t->db);
  before = n_files_in (t->dir);
  _kefu_export_set_xlsx_max_rows (4);
  g_assert_false (kefu_export_customers_xlsx (t->db, NULL, path, NULL, &error));
  _kefu_export_set_xlsx_max_rows (0);
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "more than a spreadsheet can hold"));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (n_files_in (t->dir), ==, before);
  g_assert_false (has_hidden_files (t->dir));
}

/* Progress after each chunk; a Cancel stops the import and leaves
 * nothing written: no customer, contact, outbox, audit or search row. */
typedef struct
{
  GCancellable *cancellable;
  guint         calls;
  guint         last;
  guint         cancel_after;
} ProgressLog;

static void
progress_cb (guint    done,
             guint    total,
             gpointer user_data)
{
  ProgressLog *log = user_data;

  g_assert_cmpuint (done, >, log->last);
  g_assert_cmpuint (done, <=, total);
  log->last = done;
  if (++log->calls == log->cancel_after)
    g_cancellable_cancel (log->cancellable);
}

static void
test_import_progress_and_cancel (void)
{
  g_autoptr(KefuTestDb) t = kefu_test_db_new (TRUE);
  g_autoptr(GString) csv = g_string_new ("姓名,电话\n");
  g_autoptr(KefuImport) import = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  ProgressLog log = { cancellable, 0, 0, 2 };
  const char *tables[] = { "customer", "customer_contact", "outbox", "audit_log", "customer_fts" };
  int before[G_N_ELEMENTS (tables)];
  guint n = 0;

  for (guint i = 0; i < 5000; i++)
    g_string_append_printf (csv, "客户%05u,1390000%04u\n", i, i);
  import = parse (csv->str);
  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM %s", tables[i]);

      before[i] = kefu_test_count (t->db, sql);
    }

  g_assert_false (kefu_import_run_full (import, t->db, cancellable, progress_cb, &log, &n, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (n, ==, 0);
  g_assert_cmpuint (log.calls, ==, 2);
  g_assert_false (kefu_db_in_transaction (t->db));
  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM %s", tables[i]);

      g_assert_cmpint (kefu_test_count (t->db, sql), ==, before[i]);
    }

  /* The same file again, to the end: every chunk reported. */
  g_clear_error (&error);
  log = (ProgressLog) { NULL, 0, 0, 0 };
  g_assert_true (kefu_import_run_full (import, t->db, NULL, progress_cb, &log, &n, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 5000);
  g_assert_cmpuint (log.last, ==, 5000);
  g_assert_cmpuint (log.calls, >=, 2);
  g_assert_cmpint (n_customers (t->db), ==, before[0] + 5000);
  g_assert_cmpint (kefu_test_count (t->db, "SELECT count(*) FROM audit_log WHERE op = 'import'"), ==, 1);
  {
    KefuCustomerQuery q = { .text = (char *) "客户04999" };
    guint hits = 0;

    g_assert_true (kefu_customers_count (t->db, &q, &hits, NULL));
    g_assert_cmpuint (hits, ==, 1);
  }
}

static char *
query_text (KefuDb     *db,
            const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  char *text = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (kefu_db_get_handle (db), sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    text = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  return text;
}

/* Every index and trigger of the database, as its SQL. */
static char *
schema_of (KefuDb *db)
{
  return query_text (db, "SELECT group_concat (type || ' ' || name || ' ' || coalesce (sql, ''), '\n')"
                         " FROM (SELECT * FROM sqlite_master WHERE type IN ('index', 'trigger') ORDER BY name)");
}

/* An import larger than the table builds the secondary indexes once at
 * the end (kefu-customers.c, defer_indexes()): a failure halfway leaves
 * the schema and the rows as they were; a success leaves the same
 * indexes and triggers, the right counts, an outbox entry for every row
 * (each customer's before its contacts') and searchable rows. */
static void
test_large_import_builds_indexes_once (void)
{
  g_autoptr(KefuTestDb) t = kefu_test_db_new (TRUE);
  g_autoptr(GString) csv = g_string_new ("Name,Phone,Address,Customer number\n");
  g_autoptr(KefuImport) import = NULL;
  g_autoptr(KefuCustomer) clash = kefu_customer_new ();
  g_autoptr(KefuCustomer) found = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *schema = NULL;
  g_autofree char *after = NULL;
  g_autofree char *check = NULL;
  const guint n = 24000;
  int outbox_before;
  guint imported = 0;

  clash->name = g_strdup ("Clash");
  clash->number = g_strdup ("L23500");
  kefu_customer_add_contact (clash, "phone", "mobile", "13800000000");
  g_assert_true (kefu_customers_create (t->db, clash, &error));
  g_assert_no_error (error);
  schema = schema_of (t->db);
  g_assert_nonnull (strstr (schema, "index customer_by_name "));
  g_assert_nonnull (strstr (schema, "trigger customer_count_insert "));
  outbox_before = kefu_test_count (t->db, "SELECT count(*) FROM outbox");

  for (guint i = 0; i < n; i++)
    g_string_append_printf (csv, "大客户%05u,137%08u,上海市浦东新区%u号,L%05u\n", i, i, i, i);
  import = parse_len (csv->str, csv->len, &error);
  g_assert_no_error (error);

  /* Row 23,500 holds a number already in use: nothing goes in. */
  g_assert_false (kefu_import_run (import, t->db, &imported, &error));
  g_assert_error (error, KEFU_ERROR, KEFU_ERROR_INVALID);
  g_assert_true (g_str_has_prefix (error->message, "Row 23502: "));
  g_clear_error (&error);
  g_assert_false (kefu_db_in_transaction (t->db));
  g_assert_cmpint (n_customers (t->db), ==, 1);
  g_assert_cmpint (kefu_test_count (t->db, "SELECT count(*) FROM outbox"), ==, outbox_before);
  after = schema_of (t->db);
  g_assert_cmpstr (after, ==, schema);
  g_clear_pointer (&after, g_free);

  /* Without the numbers, all of it. */
  kefu_import_set_mapping (import, 3, KEFU_IMPORT_FIELD_IGNORE);
  g_assert_cmpuint (run_ok (t->db, import), ==, n);
  g_assert_cmpint (n_customers (t->db), ==, n + 1);
  after = schema_of (t->db);
  g_assert_cmpstr (after, ==, schema);
  check = query_text (t->db, "PRAGMA integrity_check");
  g_assert_cmpstr (check, ==, "ok");
  g_assert_cmpint (kefu_test_count (t->db,
                                    "SELECT count(*) FROM customer_segment_count s WHERE n <>"
                                    " (SELECT count(*) FROM customer c WHERE c.deleted = 0 AND c.segment = s.segment)"), ==, 0);
  g_assert_cmpint (kefu_test_count (t->db, "SELECT sum (n) FROM customer_segment_count"), ==, n + 1);
  g_assert_cmpint (kefu_test_count (t->db, "SELECT count(*) FROM outbox") - outbox_before, ==, 3 * n);
  g_assert_cmpint (kefu_test_count (t->db,
                                    "SELECT count(*) FROM customer_contact k"
                                    " JOIN outbox oc ON oc.entity = 'customer_contact' AND oc.row_id = k.id"
                                    " JOIN outbox op ON op.entity = 'customer' AND op.row_id = k.customer_id"
                                    " WHERE op.seq > oc.seq"), ==, 0);
  /* The rebuilt indexes serve the reads that need them. */
  found = by_phone (t->db, "137 0002 3999");
  g_assert_cmpstr (found->name, ==, "大客户23999");
  {
    KefuCustomerQuery q = { .text = (char *) "大客户1234" };
    guint hits = 0;

    g_assert_true (kefu_customers_count (t->db, &q, &hits, NULL));
    g_assert_cmpuint (hits, ==, 10);   /* 大客户12340 … 大客户12349 */
  }
  g_assert_cmpint (kefu_test_count (t->db, "SELECT count(*) FROM audit_log WHERE op = 'import'"), ==, 1);
}

/* A caller that frees the writer without finishing and still commits
 * (misuse, but it must not break the database): the indexes, the
 * trigger and the counts are back, the rows searchable. */
static void
test_writer_freed_unfinished (void)
{
  g_autoptr(KefuTestDb) t = kefu_test_db_new (TRUE);
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) kefu_customer_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *schema = schema_of (t->db);
  g_autofree char *after = NULL;
  KefuCustomerWriter *writer;
  const guint n = 20000;

  for (guint i = 0; i < n; i++)
    {
      KefuCustomer *c = kefu_customer_new ();

      c->name = g_strdup_printf ("散客%05u", i);
      kefu_customer_add_contact (c, "phone", "mobile", "13900000000");
      g_ptr_array_add (batch, c);
    }
  g_assert_true (kefu_db_begin (t->db, &error));
  writer = kefu_customer_writer_new (t->db, n, &error);
  g_assert_nonnull (writer);
  g_assert_true (kefu_customer_writer_add (writer, batch, NULL, &error));
  g_assert_no_error (error);
  kefu_customer_writer_free (writer);
  g_assert_true (kefu_db_commit (t->db, &error));
  g_assert_no_error (error);

  after = schema_of (t->db);
  g_assert_cmpstr (after, ==, schema);
  g_assert_cmpint (kefu_test_count (t->db, "SELECT sum (n) FROM customer_segment_count"), ==, n);
  {
    KefuCustomerQuery q = { .text = (char *) "散客19999" };
    guint hits = 0;

    g_assert_true (kefu_customers_count (t->db, &q, &hits, NULL));
    g_assert_cmpuint (hits, ==, 1);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/import/utf8", test_utf8_good_file);
  g_test_add_func ("/import/utf8-bom", test_utf8_bom);
  g_test_add_func ("/import/gbk", test_gbk_file);
  g_test_add_func ("/import/utf16-tab", test_utf16_tab_separated);
  g_test_add_func ("/import/semicolon", test_semicolon_delimiter);
  g_test_add_func ("/import/broken-quoting", test_broken_quoting);
  g_test_add_func ("/import/not-text", test_not_text);
  g_test_add_func ("/import/empty", test_empty_file);
  g_test_add_func ("/import/header-only", test_header_only);
  g_test_add_func ("/import/too-large", test_too_large_file);
  g_test_add_func ("/import/from-file", test_from_file);
  g_test_add_func ("/import/huge-field", test_huge_field);
  g_test_add_func ("/import/sql-metacharacters", test_sql_metacharacters);
  g_test_add_func ("/import/one-bad-row", test_one_bad_row);
  g_test_add_func ("/import/several-problems", test_several_problems);
  g_test_add_func ("/import/phone-forms", test_phone_forms);
  g_test_add_func ("/import/guess-mapping", test_guess_mapping);
  g_test_add_func ("/import/mapping-problems", test_mapping_problems);
  g_test_add_func ("/import/kinds-and-segments", test_kinds_and_segments);
  g_test_add_func ("/import/customer-numbers", test_customer_numbers);
  g_test_add_func ("/import/all-or-nothing", test_all_or_nothing);
  g_test_add_func ("/import/progress-and-cancel", test_import_progress_and_cancel);
  g_test_add_func ("/import/large-builds-indexes-once", test_large_import_builds_indexes_once);
  g_test_add_func ("/import/writer-freed-unfinished", test_writer_freed_unfinished);
  g_test_add_func ("/export/csv-round-trip", test_export_csv_round_trip);
  g_test_add_func ("/export/csv-query", test_export_csv_query);
  g_test_add_func ("/export/failure-leaves-nothing", test_export_failure_leaves_nothing);
  g_test_add_func ("/export/xlsx", test_export_xlsx);
  g_test_add_func ("/export/xlsx-row-limit", test_export_xlsx_row_limit);

  return g_test_run ();
}
