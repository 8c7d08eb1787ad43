/* SPDX-License-Identifier: GPL-3.0-or-later */
/* kefu-bench: measures the performance budgets of docs/ARCHITECTURE.md
 * (DESIGN.md) on the sample data set, each next to a raw SQLite yardstick
 * measured in the same run. Not a test: run it by hand, see
 * docs/benchmarks.md. */
#define G_LOG_DOMAIN "kefu-bench"

#include "config.h"

#include <glib/gstdio.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>

#include "kefu-customers.h"
#include "kefu-export.h"
#include "kefu-import.h"
#include "kefu-org.h"
#include "kefu-sample.h"
#include "kefu-text.h"

#define CHUNK            10000
#define REUSE_IMPORT_N   100000
#define BENCH_BRANCHES   60

/* Budgets (DESIGN.md, "Performance budgets"). */
#define BUDGET_SEARCH_P95_MS   30.0
#define BUDGET_PAGE_P95_MS     20.0
#define BUDGET_START_MS        500.0
#define BUDGET_RSS_MB          200.0
#define BUDGET_IMPORT_ROWS_S   50000.0
#define BUDGET_IMPORT_RATIO    3.0

static int opt_customers = 1000000;
static char *opt_database = NULL;
static char *opt_app = NULL;
static char *opt_first_frame = NULL;
static int opt_queries = 200;
static int opt_like_queries = 40;
static int opt_seed = 20260101;
static gboolean opt_profile = FALSE;
static gboolean opt_import_only = FALSE;

static GOptionEntry entries[] = {
  { "customers", 'n', 0, G_OPTION_ARG_INT, &opt_customers, "Number of customers (default 1000000)", "N" },
  { "database", 'd', 0, G_OPTION_ARG_FILENAME, &opt_database, "Database to use; reused when it holds N customers", "PATH" },
  { "app", 'a', 0, G_OPTION_ARG_FILENAME, &opt_app, "The kefu executable, to measure start-up", "PATH" },
  { "first-frame", 0, 0, G_OPTION_ARG_FILENAME, &opt_first_frame, "The start-up yardstick (default: bench-first-frame next to this program)", "PATH" },
  { "queries", 'q', 0, G_OPTION_ARG_INT, &opt_queries, "Searches per kind (default 200)", "N" },
  { "like-queries", 0, 0, G_OPTION_ARG_INT, &opt_like_queries, "Raw LIKE scans per kind (default 40)", "N" },
  { "seed", 0, 0, G_OPTION_ARG_INT, &opt_seed, "Seed of the sample data", "SEED" },
  { "profile-import", 0, 0, G_OPTION_ARG_NONE, &opt_profile, "Print the time SQLite spends in each statement of the import", NULL },
  { "import-only", 0, 0, G_OPTION_ARG_NONE, &opt_import_only, "Measure the import only (into a fresh database), then stop", NULL },
  { NULL }
};

/* --- small helpers --------------------------------------------------- */

static double
now_s (void)
{
  return g_get_monotonic_time () / 1e6;
}

/* CPU time of this thread: what a query costs when it does not have to
 * wait for a processor (the machine may be shared). */
static double
thread_cpu_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static double
cpu_s (void)
{
  struct rusage ru;

  getrusage (RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

static char *
load_average (void)
{
  g_autofree char *text = NULL;

  if (!g_file_get_contents ("/proc/loadavg", &text, NULL, NULL))
    return g_strdup ("?");
  return g_strndup (text, strcspn (text, " "));
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y ? 1 : 0;
}

typedef struct
{
  double p50, p95, max;
  guint  n;
} Stats;

static Stats
stats_of (GArray *ms)
{
  Stats s = { 0 };

  if (ms->len == 0)
    return s;
  g_array_sort (ms, compare_doubles);
  s.n = ms->len;
  s.p50 = g_array_index (ms, double, (ms->len - 1) / 2);
  s.p95 = g_array_index (ms, double, (guint) ceil (ms->len * 0.95) - 1);
  s.max = g_array_index (ms, double, ms->len - 1);
  return s;
}

static void
die (const char   *what,
     const GError *error)
{
  g_printerr ("kefu-bench: %s: %s\n", what, error ? error->message : "failed");
  exit (1);
}

static void
exec_or_die (sqlite3    *db,
             const char *sql)
{
  char *msg = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &msg) != SQLITE_OK)
    {
      g_printerr ("kefu-bench: %s: %s\n", sql, msg);
      exit (1);
    }
}

static sqlite3_stmt *
prepare_or_die (sqlite3    *db,
                const char *sql)
{
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      g_printerr ("kefu-bench: %s: %s\n", sql, sqlite3_errmsg (db));
      exit (1);
    }
  return stmt;
}

static gint64
query_int (sqlite3    *db,
           const char *sql)
{
  sqlite3_stmt *stmt = prepare_or_die (db, sql);
  gint64 v = -1;

  if (sqlite3_step (stmt) == SQLITE_ROW)
    v = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return v;
}

/* Removes a database with its -wal and -shm files. */
static void
unlink_db (const char *path)
{
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);

  g_unlink (path);
  g_unlink (wal);
  g_unlink (shm);
}

static gint64
rss_kb (void)
{
  g_autofree char *status = NULL;
  const char *p;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return -1;
  p = strstr (status, "VmRSS:");
  return p ? g_ascii_strtoll (p + 6, NULL, 10) : -1;
}

/* --- the raw yardstick ----------------------------------------------- */

/* The same columns as customer and customer_contact, no indexes, no
 * constraints, no audit, no outbox, no search index. */
static const char raw_schema[] =
  "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -32000;"
  "CREATE TABLE IF NOT EXISTS raw_customer (id TEXT, version INTEGER, hlc TEXT, deleted INTEGER,"
  " updated_by TEXT, updated_at INTEGER, number TEXT, kind TEXT, name TEXT, company TEXT, industry TEXT,"
  " branch_id TEXT, manager_id TEXT, segment TEXT, segment_reason TEXT, segment_manual INTEGER,"
  " preferences TEXT, tags TEXT, monthly_volume INTEGER, monthly_spend_cents INTEGER,"
  " complaints_12m INTEGER, created_at INTEGER, last_contact_at INTEGER, merged_into TEXT, sort_key BLOB);"
  "CREATE TABLE IF NOT EXISTS raw_contact (id TEXT, version INTEGER, hlc TEXT, deleted INTEGER,"
  " updated_by TEXT, updated_at INTEGER, customer_id TEXT, kind TEXT, label TEXT, value TEXT,"
  " normalized TEXT, position INTEGER);";

typedef struct
{
  sqlite3      *db;
  sqlite3_stmt *customer;
  sqlite3_stmt *contact;
  double        customer_s;   /* customer rows only */
  double        contact_s;    /* contact rows */
  guint         n_customers;
  guint         n_contacts;
} Raw;

static void
raw_open (Raw        *raw,
          const char *path,
          gboolean    fresh)
{
  if (fresh)
    unlink_db (path);
  if (sqlite3_open (path, &raw->db) != SQLITE_OK)
    {
      g_printerr ("kefu-bench: cannot open %s\n", path);
      exit (1);
    }
  exec_or_die (raw->db, raw_schema);
}

static void
raw_begin (Raw *raw)
{
  raw->customer = prepare_or_die (raw->db,
                                  "INSERT INTO raw_customer VALUES (?1, 1, ?2, 0, ?3, ?4, ?5, ?6, ?7, ?8, ?9,"
                                  " ?10, ?11, ?12, ?13, 0, ?14, ?15, ?16, ?17, ?18, ?19, ?20, NULL, ?21)");
  raw->contact = prepare_or_die (raw->db,
                                 "INSERT INTO raw_contact VALUES (?1, 1, ?2, 0, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
  exec_or_die (raw->db, "BEGIN");
}

static void
raw_end (Raw *raw)
{
  double t0 = now_s ();

  exec_or_die (raw->db, "COMMIT");
  raw->customer_s += now_s () - t0;
  g_clear_pointer (&raw->customer, sqlite3_finalize);
  g_clear_pointer (&raw->contact, sqlite3_finalize);
}

static void
bind_text (sqlite3_stmt *stmt,
           int           col,
           const char   *text)
{
  sqlite3_bind_text (stmt, col, text, -1, SQLITE_STATIC);
}

/* Inserts the rows kefu just wrote (ids, numbers and segments filled in),
 * timing only the binds and steps. Everything that needs computing (sort
 * keys, normalised phones) is computed outside the clock. */
static void
raw_insert (Raw       *raw,
            GPtrArray *customers)
{
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr(GPtrArray) normalized = g_ptr_array_new_with_free_func (g_free);
  double t0;
  guint k = 0;

  for (guint i = 0; i < customers->len; i++)
    {
      KefuCustomer *c = g_ptr_array_index (customers, i);

      g_ptr_array_add (keys, kefu_sort_key_for (c->name));
      for (guint j = 0; j < c->contacts->len; j++)
        {
          KefuContact *contact = g_ptr_array_index (c->contacts, j);

          g_ptr_array_add (normalized, g_strcmp0 (contact->kind, "phone") == 0
                                       ? kefu_phone_normalize (contact->value)
                                       : g_strdup (contact->value));
        }
    }

  t0 = now_s ();
  for (guint i = 0; i < customers->len; i++)
    {
      KefuCustomer *c = g_ptr_array_index (customers, i);
      sqlite3_stmt *s = raw->customer;
      gsize len;
      gconstpointer key = g_bytes_get_data (g_ptr_array_index (keys, i), &len);

      bind_text (s, 1, c->id);
      bind_text (s, 2, "0000000000000:00000:device");
      bind_text (s, 3, c->manager_id);
      sqlite3_bind_int64 (s, 4, c->created_at);
      bind_text (s, 5, c->number);
      bind_text (s, 6, c->kind);
      bind_text (s, 7, c->name);
      bind_text (s, 8, c->company);
      bind_text (s, 9, c->industry);
      bind_text (s, 10, c->branch_id);
      bind_text (s, 11, c->manager_id);
      bind_text (s, 12, c->segment);
      bind_text (s, 13, c->segment_reason);
      bind_text (s, 14, c->preferences);
      bind_text (s, 15, c->tags);
      sqlite3_bind_int64 (s, 16, c->monthly_volume);
      sqlite3_bind_int64 (s, 17, c->monthly_spend_cents);
      sqlite3_bind_int64 (s, 18, c->complaints_12m);
      sqlite3_bind_int64 (s, 19, c->created_at);
      sqlite3_bind_int64 (s, 20, c->last_contact_at);
      sqlite3_bind_blob (s, 21, key, len, SQLITE_STATIC);
      sqlite3_step (s);
      sqlite3_reset (s);
    }
  raw->customer_s += now_s () - t0;

  t0 = now_s ();
  for (guint i = 0; i < customers->len; i++)
    {
      KefuCustomer *c = g_ptr_array_index (customers, i);

      for (guint j = 0; j < c->contacts->len; j++)
        {
          KefuContact *contact = g_ptr_array_index (c->contacts, j);
          sqlite3_stmt *s = raw->contact;

          bind_text (s, 1, contact->id);
          bind_text (s, 2, "0000000000000:00000:device");
          bind_text (s, 3, c->manager_id);
          sqlite3_bind_int64 (s, 4, c->created_at);
          bind_text (s, 5, c->id);
          bind_text (s, 6, contact->kind);
          bind_text (s, 7, contact->label);
          bind_text (s, 8, contact->value);
          bind_text (s, 9, g_ptr_array_index (normalized, k++));
          sqlite3_bind_int (s, 10, j);
          sqlite3_step (s);
          sqlite3_reset (s);
          raw->n_contacts++;
        }
    }
  raw->contact_s += now_s () - t0;
  raw->n_customers += customers->len;
}

/* --- import ---------------------------------------------------------- */

/* --profile-import: SQLite's own timing of every statement it runs. */
typedef struct
{
  double seconds;
  guint  runs;
} StatementTime;

static GHashTable *statement_times;   /* SQL text → StatementTime */

static int
profile_cb (unsigned  type,
            void     *context,
            void     *p,
            void     *x)
{
  const char *sql = sqlite3_sql (p);
  StatementTime *t;

  if (sql == NULL)
    return 0;
  t = g_hash_table_lookup (statement_times, sql);
  if (t == NULL)
    {
      t = g_new0 (StatementTime, 1);
      g_hash_table_insert (statement_times, g_strdup (sql), t);
    }
  t->seconds += *(sqlite3_int64 *) x / 1e9;
  t->runs++;
  return 0;
}

static int
compare_statement_times (gconstpointer a,
                         gconstpointer b)
{
  const StatementTime *x = g_hash_table_lookup (statement_times, *(const char **) a);
  const StatementTime *y = g_hash_table_lookup (statement_times, *(const char **) b);

  return x->seconds < y->seconds ? 1 : x->seconds > y->seconds ? -1 : 0;
}

static void
print_statement_times (double import_s)
{
  g_autofree gpointer *keys = NULL;
  guint n = 0;
  double total = 0;

  keys = g_hash_table_get_keys_as_array (statement_times, &n);
  qsort (keys, n, sizeof (gpointer), (GCompareFunc) compare_statement_times);
  g_print ("\nTime inside SQLite per statement during the import (sqlite3_trace_v2 PROFILE;"
           " import took %.1f s in all):\n\n| seconds | runs | µs a run | statement |\n|---|---|---|---|\n", import_s);
  for (guint i = 0; i < n; i++)
    {
      const StatementTime *t = g_hash_table_lookup (statement_times, keys[i]);

      total += t->seconds;
      if (t->seconds >= 0.01 * import_s)
        g_print ("| %.1f | %u | %.1f | `%.70s…` |\n", t->seconds, t->runs, t->seconds / t->runs * 1e6,
                 (const char *) keys[i]);
    }
  g_print ("| %.1f | | | all statements (the rest of the import is C code and the WAL checkpoint after COMMIT) |\n", total);
}

typedef struct
{
  guint  n;
  double build_s;     /* making the rows in memory (not part of the rate) */
  double import_s;    /* kefu_sample_write_customers: create_many + commit */
  double import_cpu_s; /* the CPU time of the same (the machine may be shared) */
  double org_s;
  Raw    raw;
} Import;

static void
import_into (const char *path,
             const char *raw_path,
             guint       n,
             Import     *out)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KefuDb) db = kefu_db_open (path, &error);
  KefuSampleOptions opts = { .seed = (guint32) opt_seed, .n_customers = n, .n_branches = BENCH_BRANCHES };
  g_autoptr(KefuSample) sample = NULL;
  g_autoptr(KefuCustomerWriter) writer = NULL;
  double t0, c0;

  if (db == NULL)
    die ("open", error);
  memset (out, 0, sizeof *out);
  out->n = n;
  raw_open (&out->raw, raw_path, TRUE);
  raw_begin (&out->raw);

  t0 = now_s ();
  if ((sample = kefu_sample_new (db, &opts, &error)) == NULL)
    die ("sample organisation", error);
  out->org_s = now_s () - t0;
  if (opt_profile)
    {
      statement_times = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      sqlite3_trace_v2 (kefu_db_get_handle (db), SQLITE_TRACE_PROFILE, profile_cb, NULL);
    }

  for (guint done = 0; done < n;)
    {
      guint k = MIN (CHUNK, n - done);
      g_autoptr(GPtrArray) chunk = NULL;

      t0 = now_s ();
      chunk = kefu_sample_next_customers (sample, k);
      out->build_s += now_s () - t0;

      t0 = now_s ();
      c0 = cpu_s ();
      if (writer == NULL &&
          (!kefu_db_begin (db, &error) || (writer = kefu_customer_writer_new (db, n, &error)) == NULL))
        die ("import", error);
      if (!kefu_customer_writer_add (writer, chunk, NULL, &error))
        die ("import", error);
      if (done + k == n &&
          (!kefu_customer_writer_finish (writer, "kefu-bench", &error) || !kefu_db_commit (db, &error)))
        die ("import", error);
      out->import_s += now_s () - t0;
      out->import_cpu_s += cpu_s () - c0;

      raw_insert (&out->raw, chunk);
      done += k;
      if (done % 100000 == 0 || done == n)
        g_printerr ("  %u customers, %.0f/s kefu, %.0f/s raw\n", done,
                    done / out->import_s, done / out->raw.customer_s);
    }
  raw_end (&out->raw);
  if (opt_profile)
    sqlite3_trace_v2 (kefu_db_get_handle (db), 0, NULL, NULL);
}

/* --- the schema's floor ---------------------------------------------- */

/* SQLite's own cost of what the import wrote, in Kefu's schema and with
 * no C code of Kefu's but the search-token function: a fresh database
 * takes the same customer, contact and outbox rows by INSERT … SELECT
 * from the imported one, and
 * the search rows from kefu_search_tokens() as migration 5 builds them,
 * in one transaction, with the secondary indexes built at the end as
 * the writer builds them. No Kefu code can write those rows faster than
 * this; the raw yardstick writes them into bare tables. */
typedef struct
{
  double customers_s, contacts_s, outbox_s, search_s, indexes_s, commit_s, total_s;
} Floor;

static double
timed_exec (sqlite3    *db,
            const char *sql)
{
  double t0 = now_s ();

  exec_or_die (db, sql);
  return now_s () - t0;
}

static void
measure_floor (const char *src_path,
               Floor      *f)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("kefu-bench-floor-XXXXXX", &error);
  g_autofree char *path = NULL;
  g_autoptr(KefuDb) db = NULL;
  g_autoptr(GPtrArray) create = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) drop = g_ptr_array_new_with_free_func (sqlite3_free);
  sqlite3_stmt *stmt;
  sqlite3 *h;
  char *sql;
  double t0;

  if (dir == NULL)
    die ("temporary folder", error);
  path = g_build_filename (dir, "floor.db", NULL);
  if ((db = kefu_db_open (path, &error)) == NULL)
    die ("open", error);
  h = kefu_db_get_handle (db);
  sql = sqlite3_mprintf ("ATTACH %Q AS src", src_path);
  exec_or_die (h, sql);
  sqlite3_free (sql);
  exec_or_die (h, "PRAGMA cache_size = -262144;"
                  "INSERT INTO org_unit SELECT * FROM src.org_unit;"
                  "INSERT INTO department SELECT * FROM src.department;"
                  "INSERT INTO staff SELECT * FROM src.staff;");

  t0 = now_s ();
  exec_or_die (h, "BEGIN IMMEDIATE");
  stmt = prepare_or_die (h, KEFU_CUSTOMER_DEFERRED_SCHEMA_SQL);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_ptr_array_add (create, g_strdup ((const char *) sqlite3_column_text (stmt, 2)));
      g_ptr_array_add (drop, sqlite3_mprintf ("DROP %s \"%w\"", sqlite3_column_text (stmt, 0), sqlite3_column_text (stmt, 1)));
    }
  sqlite3_finalize (stmt);
  for (guint i = 0; i < drop->len; i++)
    exec_or_die (h, g_ptr_array_index (drop, i));
  f->customers_s = timed_exec (h, "INSERT INTO customer SELECT * FROM src.customer ORDER BY rowid");
  f->contacts_s = timed_exec (h, "INSERT INTO customer_contact SELECT * FROM src.customer_contact ORDER BY rowid");
  f->outbox_s = timed_exec (h, "INSERT INTO outbox (op_id, entity, row_id, op, fields, base_version, hlc, created_at)"
                               " SELECT op_id, entity, row_id, op, fields, base_version, hlc, created_at FROM src.outbox"
                               " WHERE entity IN ('customer', 'customer_contact') ORDER BY seq");
  f->search_s = timed_exec (h, "INSERT INTO customer_fts (rowid, tokens)"
                               "  SELECT c.rowid, kefu_search_tokens (c.name, c.company, c.number,"
                               "    (SELECT group_concat (p, ' ') FROM"
                               "      (SELECT CASE WHEN normalized <> '' THEN normalized ELSE value END AS p FROM customer_contact"
                               "        WHERE customer_id = c.id AND kind = 'phone' AND deleted = 0 ORDER BY position)))"
                               "  FROM customer c");
  {
    double t1 = now_s ();

    exec_or_die (h, "PRAGMA threads = 2");
    for (guint i = 0; i < create->len; i++)
      exec_or_die (h, g_ptr_array_index (create, i));
    exec_or_die (h, "INSERT INTO customer_segment_count (segment, n)"
                    " SELECT segment, count(*) FROM customer WHERE deleted = 0 GROUP BY segment"
                    " ON CONFLICT (segment) DO UPDATE SET n = excluded.n");
    f->indexes_s = now_s () - t1;
  }
  f->commit_s = timed_exec (h, "COMMIT");
  f->total_s = now_s () - t0;
  exec_or_die (h, "DETACH src");
  g_clear_object (&db);
  unlink_db (path);
  g_rmdir (dir);
}

/* --- the whole import of a file --------------------------------------- */

/* What the user waits for: the imported customers exported to CSV
 * (kefu_export_customers_csv()), then that file read, decoded, parsed,
 * mapped, checked and written into a fresh office by the import itself
 * (kefu_import_new_from_file(), kefu_import_validate(),
 * kefu_import_run_full()). */
typedef struct
{
  guint  n;
  double read_s, validate_s, write_s;
} FileImport;

static void
measure_file_import (const char *src_path,
                     FileImport *out)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("kefu-bench-csv-XXXXXX", &error);
  g_autofree char *csv = NULL;
  g_autofree char *path = NULL;
  g_autoptr(KefuDb) src = NULL;
  g_autoptr(KefuDb) db = NULL;
  g_autoptr(KefuSample) sample = NULL;
  g_autoptr(KefuImport) import = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  KefuSampleOptions opts = { .seed = (guint32) opt_seed, .n_customers = 0, .n_branches = BENCH_BRANCHES };
  KefuCustomerQuery all = { 0 };
  double t0;

  if (dir == NULL)
    die ("temporary folder", error);
  csv = g_build_filename (dir, "customers.csv", NULL);
  path = g_build_filename (dir, "kefu.db", NULL);
  if ((src = kefu_db_open (src_path, &error)) == NULL ||
      !kefu_export_customers_csv (src, &all, csv, &out->n, &error))
    die ("export", error);
  g_clear_object (&src);
  if ((db = kefu_db_open (path, &error)) == NULL ||
      (sample = kefu_sample_new (db, &opts, &error)) == NULL)
    die ("fresh office", error);

  t0 = now_s ();
  if ((import = kefu_import_new_from_file (csv, &error)) == NULL)
    die ("read", error);
  kefu_import_guess_mapping (import);
  out->read_s = now_s () - t0;
  t0 = now_s ();
  if (!kefu_import_validate (import, &problems))
    {
      g_autofree char *report = kefu_import_format_report (problems);

      g_printerr ("kefu-bench: the exported file does not import:\n%s\n", report);
      exit (1);
    }
  out->validate_s = now_s () - t0;
  t0 = now_s ();
  if (!kefu_import_run_full (import, db, NULL, NULL, NULL, NULL, &error))
    die ("import", error);
  out->write_s = now_s () - t0;

  g_clear_object (&import);
  g_clear_pointer (&sample, kefu_sample_free);
  g_clear_object (&db);
  g_unlink (csv);
  unlink_db (path);
  g_rmdir (dir);
}

/* --- searches -------------------------------------------------------- */

typedef enum
{
  KIND_NAME,
  KIND_WORD,
  KIND_PHONE,
  N_KINDS
} QueryKind;

static const char *kind_labels[] = {
  "name fragment (2-3 chars)",
  "2-char Chinese word",
  "phone fragment",
};

/* Words people type: cities, industries, brands. */
static const char *vocabulary[] = {
  "深圳", "杭州", "上海", "北京", "广州", "苏州", "成都", "南京", "武汉", "青岛",
  "电子", "物流", "服饰", "医药", "科技", "生鲜", "家居", "图书", "食品", "贸易",
  "制造", "网络", "供应", "商务", "飞鸿", "恒达", "鑫源", "华锐", "捷迅", "汇通",
};

static char *
utf8_substring (const char *text,
                glong       start,
                glong       len)
{
  const char *a = g_utf8_offset_to_pointer (text, start);
  const char *b = g_utf8_offset_to_pointer (a, len);

  return g_strndup (a, b - a);
}

static GPtrArray *
make_queries (sqlite3    *db,
              QueryKind   kind,
              guint       n,
              GRand      *rand)
{
  GPtrArray *ret = g_ptr_array_new_with_free_func (g_free);
  gint64 max_rowid = query_int (db, "SELECT max(rowid) FROM customer");
  sqlite3_stmt *stmt = prepare_or_die (db,
                                       "SELECT c.name, c.company,"
                                       " (SELECT normalized FROM customer_contact k WHERE k.customer_id = c.id"
                                       "  AND k.kind = 'phone' ORDER BY position LIMIT 1)"
                                       " FROM customer c WHERE c.rowid >= ? ORDER BY c.rowid LIMIT 1");

  while (ret->len < n)
    {
      const char *name, *company, *phone;

      sqlite3_bind_int64 (stmt, 1, g_rand_int_range (rand, 1, (gint32) max_rowid + 1));
      if (sqlite3_step (stmt) != SQLITE_ROW)
        {
          sqlite3_reset (stmt);
          continue;
        }
      name = (const char *) sqlite3_column_text (stmt, 0);
      company = (const char *) sqlite3_column_text (stmt, 1);
      phone = (const char *) sqlite3_column_text (stmt, 2);

      switch (kind)
        {
        case KIND_NAME:
          {
            glong len = g_utf8_strlen (name, -1);

            if (len <= 3 && g_rand_boolean (rand))
              g_ptr_array_add (ret, g_strdup (name));
            else if (len >= 2)
              g_ptr_array_add (ret, utf8_substring (name, g_rand_int_range (rand, 0, len - 1), 2));
          }
          break;
        case KIND_WORD:
          if (g_rand_boolean (rand))
            g_ptr_array_add (ret, g_strdup (vocabulary[g_rand_int_range (rand, 0, G_N_ELEMENTS (vocabulary))]));
          else if (company != NULL)
            {
              glong len = g_utf8_strlen (company, -1);

              g_ptr_array_add (ret, utf8_substring (company, g_rand_int_range (rand, 0, len - 1), 2));
            }
          break;
        case KIND_PHONE:
          if (phone != NULL && strlen (phone) >= 10)
            {
              guint len = strlen (phone);
              guint style = g_rand_int_range (rand, 0, 4);

              if (style == 0)
                {
                  /* The last four digits (尾号). */
                  g_ptr_array_add (ret, g_strdup (phone + len - 4));
                }
              else if (style == 1)
                {
                  guint k = g_rand_int_range (rand, 4, 8);

                  g_ptr_array_add (ret, g_strndup (phone + g_rand_int_range (rand, 0, len - k + 1), k));
                }
              else if (style == 2 && len == 11)
                g_ptr_array_add (ret, g_strdup_printf ("+86 %.3s-%.4s-%.4s", phone, phone + 3, phone + 7));
              else
                g_ptr_array_add (ret, g_strdup_printf ("%.3s-%.4s", phone, phone + 3));
            }
          break;
        case N_KINDS:
        default:
          g_assert_not_reached ();
        }
      sqlite3_reset (stmt);
    }
  sqlite3_finalize (stmt);
  return ret;
}

static void
clear_rows (GArray *rows)
{
  for (guint i = 0; i < rows->len; i++)
    kefu_customer_summary_clear (&g_array_index (rows, KefuCustomerSummary, i));
  g_array_set_size (rows, 0);
}

/* What the list does: count, then the first page of 100. */
static double
time_list (KefuDb                  *db,
           const KefuCustomerQuery *q,
           guint                   *n_out,
           double                  *cpu_ms)
{
  g_autoptr(GArray) rows = g_array_new (FALSE, TRUE, sizeof (KefuCustomerSummary));
  g_autoptr(GError) error = NULL;
  guint n = 0;
  double c0 = thread_cpu_ms ();
  double t0 = now_s ();

  if (!kefu_customers_count (db, q, &n, &error) ||
      !kefu_customers_page (db, q, 0, 100, rows, &error))
    die ("list", error);
  t0 = now_s () - t0;
  *cpu_ms = thread_cpu_ms () - c0;
  clear_rows (rows);
  if (n_out)
    *n_out = n;
  return t0 * 1000.0;
}

static double
time_fts (sqlite3    *db,
          const char *text)
{
  g_autofree char *match = kefu_search_build_match (text);
  static sqlite3_stmt *count_stmt, *page_stmt;
  double t0 = now_s ();

  if (count_stmt == NULL)
    {
      count_stmt = prepare_or_die (db, "SELECT count(*) FROM customer_fts WHERE customer_fts MATCH ?");
      page_stmt = prepare_or_die (db, "SELECT rowid FROM customer_fts WHERE customer_fts MATCH ? LIMIT 100");
    }
  if (match == NULL)
    return 0;
  sqlite3_bind_text (count_stmt, 1, match, -1, SQLITE_STATIC);
  while (sqlite3_step (count_stmt) == SQLITE_ROW)
    ;
  sqlite3_reset (count_stmt);
  sqlite3_bind_text (page_stmt, 1, match, -1, SQLITE_STATIC);
  while (sqlite3_step (page_stmt) == SQLITE_ROW)
    ;
  sqlite3_reset (page_stmt);
  return (now_s () - t0) * 1000.0;
}

static double
time_like (sqlite3    *raw,
           QueryKind   kind,
           const char *text)
{
  static sqlite3_stmt *text_count, *text_page, *phone_count, *phone_page;
  g_autofree char *pattern = NULL;
  sqlite3_stmt *count, *page;
  double t0;

  if (text_count == NULL)
    {
      text_count = prepare_or_die (raw, "SELECT count(*) FROM raw_customer WHERE name LIKE ?1 OR company LIKE ?1");
      text_page = prepare_or_die (raw, "SELECT rowid, name FROM raw_customer WHERE name LIKE ?1 OR company LIKE ?1"
                                       " ORDER BY sort_key LIMIT 100");
      phone_count = prepare_or_die (raw, "SELECT count(DISTINCT customer_id) FROM raw_contact WHERE normalized LIKE ?1");
      phone_page = prepare_or_die (raw, "SELECT customer_id FROM raw_contact WHERE normalized LIKE ?1 LIMIT 100");
    }
  if (kind == KIND_PHONE)
    {
      g_autofree char *n = kefu_phone_normalize (text);

      pattern = g_strdup_printf ("%%%s%%", n ? n : text);
      count = phone_count;
      page = phone_page;
    }
  else
    {
      pattern = g_strdup_printf ("%%%s%%", text);
      count = text_count;
      page = text_page;
    }

  t0 = now_s ();
  sqlite3_bind_text (count, 1, pattern, -1, SQLITE_STATIC);
  while (sqlite3_step (count) == SQLITE_ROW)
    ;
  sqlite3_reset (count);
  sqlite3_bind_text (page, 1, pattern, -1, SQLITE_STATIC);
  while (sqlite3_step (page) == SQLITE_ROW)
    ;
  sqlite3_reset (page);
  return (now_s () - t0) * 1000.0;
}

/* --- app start-up ---------------------------------------------------- */

static char *
measure_startup (const char *app,
                 const char *database,
                 double     *startup_ms,
                 double     *app_rss_kb)
{
  /* timeout(1): an app that ignores the flag would otherwise keep its
   * window open and the benchmark waiting. */
  const char *argv[] = { "timeout", "60", app, "--database", database, "--measure-startup", NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;
  const char *p, *q;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                     &out, &err, &status, &error))
    return g_strdup_printf ("n/a (%s)", error->message);
  if (WIFEXITED (status) && WEXITSTATUS (status) == 124)
    return g_strdup ("n/a (no answer within 60 s: does the app know --measure-startup?)");
  p = out ? strstr (out, "startup_ms=") : NULL;
  q = out ? strstr (out, "rss_kb=") : NULL;
  if (p == NULL || q == NULL || !g_spawn_check_wait_status (status, NULL))
    return g_strdup ("n/a (the app has no --measure-startup yet)");
  *startup_ms = g_ascii_strtod (p + strlen ("startup_ms="), NULL);
  *app_rss_kb = g_ascii_strtod (q + strlen ("rss_kb="), NULL);
  return NULL;
}

/* The yardstick: a bare libadwaita window's first frame, same display. */
static gboolean
measure_first_frame (const char *path,
                     double     *ms)
{
  const char *argv[] = { "timeout", "60", path, NULL };
  g_autofree char *out = NULL;
  const char *p;
  int status = 0;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                     &out, NULL, &status, NULL) ||
      !g_spawn_check_wait_status (status, NULL) ||
      out == NULL || (p = strstr (out, "first_frame_ms=")) == NULL)
    return FALSE;
  *ms = g_ascii_strtod (p + strlen ("first_frame_ms="), NULL);
  return TRUE;
}

static int
cmp_double_asc (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

/* --- output ---------------------------------------------------------- */

static void
row (const char *operation,
     const char *kefu,
     const char *raw,
     const char *budget,
     const char *verdict)
{
  g_print ("| %s | %s | %s | %s | %s |\n", operation, kefu, raw, budget, verdict);
}

static const char *
verdict (gboolean ok)
{
  return ok ? "PASS" : "OVER";
}

static void
print_search_row (const char *label,
                  Stats       kefu,
                  Stats       cpu,
                  Stats       hits,
                  Stats       fts,
                  Stats       like)
{
  g_autofree char *op = g_strdup_printf ("search: %s, count + first 100 (%u queries; hits p50 %.0f, p95 %.0f, max %.0f)",
                                         label, kefu.n, hits.p50, hits.p95, hits.max);
  g_autofree char *k = g_strdup_printf ("p50 %.1f ms, p95 %.1f ms (max %.0f); CPU p50 %.1f, p95 %.1f ms",
                                        kefu.p50, kefu.p95, kefu.max, cpu.p50, cpu.p95);
  g_autofree char *r = g_strdup_printf ("FTS MATCH, no join: p50 %.1f / p95 %.1f ms; LIKE '%%…%%' scan (%u): p50 %.0f / p95 %.0f ms",
                                        fts.p50, fts.p95, like.n, like.p50, like.p95);

  row (op, k, r, "p95 ≤ 30 ms", verdict (kefu.p95 <= BUDGET_SEARCH_P95_MS));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *tmpdir = NULL;
  g_autofree char *raw_path = NULL;
  g_autoptr(KefuDb) db = NULL;
  g_autoptr(GRand) rand = NULL;
  Import import = { 0 };
  gboolean reused = FALSE;
  sqlite3 *raw = NULL;
  Stats search[N_KINDS], search_cpu[N_KINDS], hits[N_KINDS], fts[N_KINDS], like[N_KINDS];
  gint64 n_db;
  g_autofree char *load_start = load_average ();

  setlocale (LC_ALL, "");
  context = g_option_context_new (NULL);
  g_option_context_set_summary (context, "Measures Kefu against its performance budgets.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    die ("options", error);
  if (opt_customers <= 0 || opt_queries <= 0)
    die ("options", NULL);

  if (opt_database == NULL)
    {
      tmpdir = g_dir_make_tmp ("kefu-bench-XXXXXX", &error);
      if (tmpdir == NULL)
        die ("temporary folder", error);
      opt_database = g_build_filename (tmpdir, "kefu.db", NULL);
    }
  raw_path = g_strconcat (opt_database, ".raw", NULL);

  /* 1. The data set: generated (and the import measured), or reused. */
  if (g_file_test (opt_database, G_FILE_TEST_EXISTS))
    {
      db = kefu_db_open (opt_database, &error);
      if (db == NULL)
        die ("open", error);
      n_db = query_int (kefu_db_get_handle (db), "SELECT count(*) FROM customer WHERE deleted = 0");
      if (n_db != opt_customers || !kefu_org_is_set_up (db))
        {
          g_printerr ("kefu-bench: %s holds %" G_GINT64_FORMAT " customers, not %d: remove it or choose another --database\n",
                      opt_database, n_db, opt_customers);
          return 1;
        }
      reused = TRUE;
      g_clear_object (&db);
    }
  if (!reused)
    {
      g_printerr ("Generating %d customers into %s…\n", opt_customers, opt_database);
      import_into (opt_database, raw_path, opt_customers, &import);
    }
  else
    {
      /* Measure the import on a fresh database of its own. */
      g_autofree char *dir = g_dir_make_tmp ("kefu-bench-import-XXXXXX", &error);
      g_autofree char *path = NULL;
      g_autofree char *rpath = NULL;
      guint n = MIN ((guint) opt_customers, REUSE_IMPORT_N);

      if (dir == NULL)
        die ("temporary folder", error);
      path = g_build_filename (dir, "kefu.db", NULL);
      rpath = g_build_filename (dir, "raw.db", NULL);
      g_printerr ("Reusing %s; measuring the import on %u fresh customers…\n", opt_database, n);
      import_into (path, rpath, n, &import);
      sqlite3_close (import.raw.db);
      import.raw.db = NULL;
      unlink_db (path);
      unlink_db (rpath);
      g_rmdir (dir);
    }

  if (opt_import_only)
    {
      double raw_s = import.raw.customer_s + import.raw.contact_s;
      g_autofree char *load_end = load_average ();
      Floor floor = { 0 };
      FileImport file = { 0 };

      g_printerr ("Measuring the schema's floor (INSERT … SELECT of the same rows)…\n");
      measure_floor (opt_database, &floor);
      /* A file of more than about 150,000 customers is over the import's
       * 64 MB limit (the dialog asks for smaller files). */
      if (import.n <= REUSE_IMPORT_N)
        {
          g_printerr ("Measuring the import of the same customers from a CSV file…\n");
          measure_file_import (opt_database, &file);
        }
      g_print ("\nkefu-bench --import-only: %u customers, %u contacts, %u CPUs, SQLite %s, load average %s at start, %s at end\n\n",
               import.n, import.raw.n_contacts, g_get_num_processors (), sqlite3_libversion (), load_start, load_end);
      g_print ("| what | seconds | customers/s | × raw |\n|---|---|---|---|\n");
      g_print ("| Kefu's import (KefuCustomerWriter, one transaction; %.0f customers per CPU-second) | %.1f | %.0f | %.1f |\n",
               import.n / import.import_cpu_s, import.import_s, import.n / import.import_s, import.import_s / raw_s);
      g_print ("| floor: the same rows by INSERT … SELECT into Kefu's schema (Kefu code only in the search-token function) | %.1f | %.0f | %.1f |\n",
               floor.total_s, import.n / floor.total_s, floor.total_s / raw_s);
      g_print ("| … customers %.1f, contacts %.1f, outbox %.1f, search rows %.1f, index sorts %.1f, commit %.1f | | | |\n",
               floor.customers_s, floor.contacts_s, floor.outbox_s, floor.search_s, floor.indexes_s, floor.commit_s);
      g_print ("| raw: customers and contacts into bare tables (no index, no outbox, no search rows) | %.1f | %.0f | 1.0 |\n",
               raw_s, import.raw.n_customers / raw_s);
      g_print ("| budget | | ≥ 50,000 | ≤ 3 |\n");
      if (file.n > 0)
          g_print ("\nThe same %u customers from a CSV file, as the Import dialog does it: read and parse %.1f s,"
                 " check %.1f s, write %.1f s; %.0f customers/s in all, %.0f/s for the write.\n",
                 file.n, file.read_s, file.validate_s, file.write_s,
                 file.n / (file.read_s + file.validate_s + file.write_s), file.n / file.write_s);
      if (opt_profile)
        print_statement_times (import.import_s);
      return 0;
    }

  /* The raw table for the LIKE yardstick must hold the whole data set. */
  if (import.raw.db != NULL && import.raw.n_customers == (guint) opt_customers)
    raw = import.raw.db;
  else
    {
      Raw tmp = { 0 };

      if (import.raw.db)
        sqlite3_close (import.raw.db);
      raw_open (&tmp, raw_path, FALSE);
      raw = tmp.db;
      if (query_int (raw, "SELECT count(*) FROM raw_customer") != opt_customers)
        {
          sqlite3_stmt *attach = prepare_or_die (raw, "ATTACH ?1 AS app");

          g_printerr ("Copying the rows into the raw yardstick table…\n");
          sqlite3_bind_text (attach, 1, opt_database, -1, SQLITE_STATIC);
          if (sqlite3_step (attach) != SQLITE_DONE)
            die ("attach", NULL);
          sqlite3_finalize (attach);
          exec_or_die (raw, "BEGIN; DELETE FROM raw_customer; DELETE FROM raw_contact;"
                            " INSERT INTO raw_customer SELECT id, version, hlc, deleted, updated_by, updated_at,"
                            "  number, kind, name, company, industry, branch_id, manager_id, segment, segment_reason,"
                            "  segment_manual, preferences, tags, monthly_volume, monthly_spend_cents, complaints_12m,"
                            "  created_at, last_contact_at, merged_into, sort_key FROM app.customer;"
                            " INSERT INTO raw_contact SELECT id, version, hlc, deleted, updated_by, updated_at,"
                            "  customer_id, kind, label, value, normalized, position FROM app.customer_contact;"
                            " COMMIT; DETACH app;");
        }
    }

  /* 2. Searches, the way the customer list runs them. */
  db = kefu_db_open (opt_database, &error);
  if (db == NULL)
    die ("open", error);
  rand = g_rand_new_with_seed ((guint32) opt_seed + 1);
  for (guint kind = 0; kind < N_KINDS; kind++)
    {
      g_autoptr(GPtrArray) queries = make_queries (kefu_db_get_handle (db), kind, opt_queries, rand);
      g_autoptr(GArray) ms = g_array_new (FALSE, FALSE, sizeof (double));
      g_autoptr(GArray) fts_ms = g_array_new (FALSE, FALSE, sizeof (double));
      g_autoptr(GArray) like_ms = g_array_new (FALSE, FALSE, sizeof (double));
      g_autoptr(GArray) n_hits = g_array_new (FALSE, FALSE, sizeof (double));
      g_autoptr(GArray) cpu_ms = g_array_new (FALSE, FALSE, sizeof (double));
      double worst = 0;
      const char *worst_q = NULL;
      guint worst_n = 0;

      g_printerr ("Searching: %s…\n", kind_labels[kind]);
      for (guint i = 0; i < queries->len; i++)
        {
          KefuCustomerQuery q = { .text = g_ptr_array_index (queries, i), .sort = KEFU_CUSTOMER_SORT_NAME };
          guint n = 0;
          double c;
          double t = time_list (db, &q, &n, &c);
          double h = n;

          g_array_append_val (ms, t);
          g_array_append_val (cpu_ms, c);
          g_array_append_val (n_hits, h);
          if (t > worst)
            {
              worst = t;
              worst_q = q.text;
              worst_n = n;
            }
        }
      /* The yardsticks after, not in between: a LIKE scan reads the whole
       * bare table and would push kefu's pages out of the page cache. */
      for (guint i = 0; i < queries->len; i++)
        {
          double t = time_fts (kefu_db_get_handle (db), g_ptr_array_index (queries, i));

          g_array_append_val (fts_ms, t);
        }
      for (guint i = 0; i < queries->len && (int) i < opt_like_queries; i++)
        {
          double t = time_like (raw, kind, g_ptr_array_index (queries, i));

          g_array_append_val (like_ms, t);
        }
      search[kind] = stats_of (ms);
      search_cpu[kind] = stats_of (cpu_ms);
      hits[kind] = stats_of (n_hits);
      fts[kind] = stats_of (fts_ms);
      like[kind] = stats_of (like_ms);
      g_printerr ("  p50 %.1f ms, p95 %.1f ms; slowest “%s” (%u hits, %.0f ms)\n",
                  search[kind].p50, search[kind].p95, worst_q, worst_n, worst);
    }

  /* 3. The first page of the list. */
  {
    static const struct { const char *label; KefuCustomerSort sort; gboolean by_segment; } lists[] = {
      { "by name", KEFU_CUSTOMER_SORT_NAME, FALSE },
      { "by last contact", KEFU_CUSTOMER_SORT_LAST_CONTACT, FALSE },
      { "by value", KEFU_CUSTOMER_SORT_VALUE, FALSE },
      { "one segment, by name", KEFU_CUSTOMER_SORT_NAME, TRUE },
    };
    const char **segments = kefu_segment_keys ();
    Stats page[G_N_ELEMENTS (lists)];
    Stats page_cpu[G_N_ELEMENTS (lists)];
    Stats raw_page[G_N_ELEMENTS (lists)];
    sqlite3_stmt *raw_stmts[G_N_ELEMENTS (lists)];
    double rss_core;

    raw_stmts[0] = prepare_or_die (raw, "SELECT count(*) FROM raw_customer");
    raw_stmts[1] = raw_stmts[0];
    raw_stmts[2] = raw_stmts[0];
    raw_stmts[3] = prepare_or_die (raw, "SELECT count(*) FROM raw_customer WHERE segment = ?");

    for (guint l = 0; l < G_N_ELEMENTS (lists); l++)
      {
        g_autoptr(GArray) ms = g_array_new (FALSE, FALSE, sizeof (double));
        g_autoptr(GArray) raw_ms = g_array_new (FALSE, FALSE, sizeof (double));
        g_autoptr(GArray) cpu_ms = g_array_new (FALSE, FALSE, sizeof (double));

        for (guint i = 0; i < 100; i++)
          {
            KefuCustomerQuery q = { .sort = lists[l].sort };
            double t, c;

            if (lists[l].by_segment)
              q.segment = (char *) segments[i % 5];
            t = time_list (db, &q, NULL, &c);
            g_array_append_val (ms, t);
            g_array_append_val (cpu_ms, c);

            if (i < 20)
              {
                double t0 = now_s ();

                if (lists[l].by_segment)
                  sqlite3_bind_text (raw_stmts[l], 1, segments[i % 5], -1, SQLITE_STATIC);
                while (sqlite3_step (raw_stmts[l]) == SQLITE_ROW)
                  ;
                sqlite3_reset (raw_stmts[l]);
                t = (now_s () - t0) * 1000.0;
                g_array_append_val (raw_ms, t);
              }
          }
        page[l] = stats_of (ms);
        page_cpu[l] = stats_of (cpu_ms);
        raw_page[l] = stats_of (raw_ms);
      }
    sqlite3_finalize (raw_stmts[0]);
    sqlite3_finalize (raw_stmts[3]);

    rss_core = rss_kb () / 1024.0;

    /* 4. Print the table. */
    {
      g_autofree char *cpu = NULL;
      g_autofree char *cpuinfo = NULL;
      g_autoptr(GDateTime) date = g_date_time_new_now_local ();
      g_autofree char *date_s = g_date_time_format (date, "%Y-%m-%d %H:%M");
      g_autofree char *k = NULL, *r = NULL, *op = NULL;
      g_autofree char *load_end = load_average ();
      double ratio;

      if (g_file_get_contents ("/proc/cpuinfo", &cpuinfo, NULL, NULL))
        {
          const char *p = strstr (cpuinfo, "model name");

          if (p && (p = strchr (p, ':')))
            cpu = g_strstrip (g_strndup (p + 1, strcspn (p + 1, "\n")));
        }

      g_print ("\nkefu-bench: %d customers (%s), %s, %u CPUs, %s, SQLite %s, load average %s at start, %s at end\n\n",
               opt_customers, reused ? "reused database" : "generated in this run", date_s,
               g_get_num_processors (), cpu ? cpu : "unknown CPU", sqlite3_libversion (),
               load_start, load_end);
      g_print ("| operation | kefu | raw SQLite, same run | budget | |\n");
      g_print ("|---|---|---|---|---|\n");

      /* The same rows: the customers and their contacts. */
      ratio = (import.n / import.import_s) > 0
              ? (import.raw.n_customers / (import.raw.customer_s + import.raw.contact_s)) / (import.n / import.import_s) : 0;
      op = g_strdup_printf ("bulk import, %u customers in one transaction through KefuCustomerWriter as kefu_import_run() does"
                            " (with %u contacts, an outbox entry per row, one audit entry, search rows)",
                            import.n, import.raw.n_contacts);
      k = g_strdup_printf ("%.0f customers/s, %.0f rows/s with contacts (%.1f s; %.0f customers per CPU-second)",
                           import.n / import.import_s, (import.n + import.raw.n_contacts) / import.import_s,
                           import.import_s, import.n / import.import_cpu_s);
      r = g_strdup_printf ("customers with contacts %.0f customers/s (%.1f s); ratio %.1fx; customer table alone %.0f rows/s",
                           import.raw.n_customers / (import.raw.customer_s + import.raw.contact_s),
                           import.raw.customer_s + import.raw.contact_s, ratio,
                           import.raw.n_customers / import.raw.customer_s);
      row (op, k, r, "≥ 50,000/s and ≤ 3x raw",
           verdict (import.n / import.import_s >= BUDGET_IMPORT_ROWS_S && ratio <= BUDGET_IMPORT_RATIO));
      g_clear_pointer (&op, g_free); g_clear_pointer (&k, g_free); g_clear_pointer (&r, g_free);

      for (guint kind = 0; kind < N_KINDS; kind++)
        print_search_row (kind_labels[kind], search[kind], search_cpu[kind], hits[kind], fts[kind], like[kind]);

      for (guint l = 0; l < G_N_ELEMENTS (lists); l++)
        {
          op = g_strdup_printf ("first page, %s: count + 100 rows", lists[l].label);
          k = g_strdup_printf ("p50 %.1f ms, p95 %.1f ms; CPU p50 %.1f, p95 %.1f ms",
                               page[l].p50, page[l].p95, page_cpu[l].p50, page_cpu[l].p95);
          r = g_strdup_printf ("count(*) scanning the bare table (no index), %u runs: p50 %.1f ms",
                               raw_page[l].n, raw_page[l].p50);
          row (op, k, r, "p95 ≤ 20 ms", verdict (page[l].p95 <= BUDGET_PAGE_P95_MS));
          g_clear_pointer (&op, g_free); g_clear_pointer (&k, g_free); g_clear_pointer (&r, g_free);
        }

      if (opt_app == NULL)
        {
          row ("app start to first frame", "n/a (run with --app)", "", "≤ 500 ms", "");
          row ("app resident memory", "n/a (run with --app)", "", "≤ 200 MB", "");
        }
      else
        {
          /* Five runs of each, alternating, on the same display: the
           * medians, and every run in the log. */
          double startup_ms = 0, app_rss = 0;
          g_autofree char *why = NULL;
          g_autofree char *bench_dir = g_path_get_dirname (argv[0]);
          g_autofree char *yard_path = opt_first_frame ? g_strdup (opt_first_frame)
                                                      : g_build_filename (bench_dir, "bench-first-frame", NULL);
          double app_runs[5], yard_runs[5];
          guint n_yard = 0;

          for (guint run = 0; run < 5 && why == NULL; run++)
            {
              double y;

              why = measure_startup (opt_app, opt_database, &app_runs[run], &app_rss);
              if (measure_first_frame (yard_path, &y))
                yard_runs[n_yard++] = y;
              if (why == NULL)
                g_printerr ("  start-up run %u: kefu %.0f ms, bare window %.0f ms\n", run + 1, app_runs[run], n_yard ? yard_runs[n_yard - 1] : 0);
            }
          if (why == NULL)
            {
              qsort (app_runs, 5, sizeof (double), (int (*) (const void *, const void *)) cmp_double_asc);
              startup_ms = app_runs[2];
            }
          if (n_yard > 0)
            qsort (yard_runs, n_yard, sizeof (double), (int (*) (const void *, const void *)) cmp_double_asc);

          if (why)
            {
              row ("app start to first frame", why, "", "≤ 500 ms", "");
              row ("app resident memory", why, "", "≤ 200 MB", "");
            }
          else
            {
              k = g_strdup_printf ("%.0f ms (median of 5; %.0f–%.0f)", startup_ms, app_runs[0], app_runs[4]);
              r = n_yard ? g_strdup_printf ("bare libadwaita window (bench-first-frame), median of %u: %.0f ms (%.0f–%.0f)",
                                            n_yard, yard_runs[n_yard / 2], yard_runs[0], yard_runs[n_yard - 1])
                         : g_strdup ("n/a (bench-first-frame not found)");
              row ("app start to first frame", k, r, "≤ 500 ms", verdict (startup_ms <= BUDGET_START_MS));
              g_clear_pointer (&k, g_free);
              g_clear_pointer (&r, g_free);
              k = g_strdup_printf ("%.0f MB", app_rss / 1024.0);
              row ("app resident memory", k, "", "≤ 200 MB", verdict (app_rss / 1024.0 <= BUDGET_RSS_MB));
              g_clear_pointer (&k, g_free);
            }
        }
      k = g_strdup_printf ("%.0f MB", rss_core);
      row ("core memory (this process's VmRSS after the searches)", k, "", "≤ 200 MB", verdict (rss_core <= BUDGET_RSS_MB));
      g_clear_pointer (&k, g_free);
      if (statement_times)
        print_statement_times (import.import_s);
      if (!reused)
        g_print ("\nGenerating the rows in memory took %.1f s and the organisation %.2f s (not in the import rate).\n",
                 import.build_s, import.org_s);
    }
  }

  sqlite3_close (raw);
  g_clear_object (&db);
  if (tmpdir != NULL)
    {
      /* Nothing asked to keep it: gigabytes at a million customers. */
      static const char *suffixes[] = { "", "-wal", "-shm", ".raw", ".raw-wal", ".raw-shm" };

      for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
        {
          g_autofree char *path = g_strconcat (opt_database, suffixes[i], NULL);

          g_unlink (path);
        }
      g_rmdir (tmpdir);
    }
  return 0;
}
