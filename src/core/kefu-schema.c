/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "kefu-schema"

#include "config.h"

#include "kefu-schema.h"

/* Columns every synced row carries: the UUID that crosses machines, a local
 * version bumped on each write, the hybrid-logical-clock stamp of the last
 * write, a tombstone, and who wrote it when (Unix milliseconds). */
#define SYNCED \
  "id TEXT NOT NULL UNIQUE," \
  "version INTEGER NOT NULL DEFAULT 1," \
  "hlc TEXT NOT NULL DEFAULT ''," \
  "deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0,1))," \
  "updated_by TEXT," \
  "updated_at INTEGER NOT NULL DEFAULT 0"

static const char migration_1[] =
  "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;"

  "CREATE TABLE org_unit (" SYNCED ","
  "  code TEXT NOT NULL UNIQUE,"
  "  name TEXT NOT NULL,"
  "  level TEXT NOT NULL CHECK (level IN ('hq','province','city','branch')),"
  "  parent_id TEXT REFERENCES org_unit (id),"
  "  phone TEXT, address TEXT);"

  "CREATE TABLE department (" SYNCED ","
  "  org_unit_id TEXT NOT NULL REFERENCES org_unit (id),"
  "  name TEXT NOT NULL,"
  "  kind TEXT NOT NULL CHECK (kind IN ('delivery','finance','management','service','other')),"
  "  phone TEXT);"

  "CREATE TABLE staff (" SYNCED ","
  "  org_unit_id TEXT NOT NULL REFERENCES org_unit (id),"
  "  department_id TEXT REFERENCES department (id),"
  "  username TEXT NOT NULL UNIQUE,"
  "  name TEXT NOT NULL,"
  "  role TEXT NOT NULL CHECK (role IN ('agent','supervisor','trainer','admin')),"
  "  phone TEXT,"
  "  auth_limit_cents INTEGER NOT NULL DEFAULT 0 CHECK (auth_limit_cents >= 0),"
  "  is_courier INTEGER NOT NULL DEFAULT 0,"
  "  delivery_area TEXT,"
  "  active INTEGER NOT NULL DEFAULT 1);"
  "CREATE INDEX staff_org ON staff (org_unit_id);"

  "CREATE TABLE customer (" SYNCED ","
  "  number TEXT NOT NULL UNIQUE,"
  "  kind TEXT NOT NULL CHECK (kind IN ('person','enterprise')),"
  "  name TEXT NOT NULL CHECK (length (name) > 0),"
  "  company TEXT,"
  "  industry TEXT,"
  "  branch_id TEXT REFERENCES org_unit (id),"
  "  manager_id TEXT REFERENCES staff (id),"
  "  segment TEXT NOT NULL DEFAULT 'new' CHECK (segment IN ('key','vip','regular','new','at_risk')),"
  "  segment_reason TEXT,"
  "  segment_manual INTEGER NOT NULL DEFAULT 0,"
  "  preferences TEXT NOT NULL DEFAULT '',"
  "  tags TEXT NOT NULL DEFAULT '',"
  "  monthly_volume INTEGER NOT NULL DEFAULT 0 CHECK (monthly_volume >= 0),"
  "  monthly_spend_cents INTEGER NOT NULL DEFAULT 0 CHECK (monthly_spend_cents >= 0),"
  "  complaints_12m INTEGER NOT NULL DEFAULT 0 CHECK (complaints_12m >= 0),"
  "  created_at INTEGER NOT NULL,"
  "  last_contact_at INTEGER,"
  "  merged_into TEXT,"
  "  sort_key BLOB NOT NULL DEFAULT x'');"
  "CREATE INDEX customer_by_name ON customer (deleted, sort_key);"
  "CREATE INDEX customer_by_contact ON customer (deleted, last_contact_at);"
  "CREATE INDEX customer_by_value ON customer (deleted, monthly_spend_cents);"
  "CREATE INDEX customer_by_segment ON customer (deleted, segment, sort_key);"
  "CREATE INDEX customer_by_manager ON customer (deleted, manager_id, sort_key);"

  "CREATE TABLE customer_contact (" SYNCED ","
  "  customer_id TEXT NOT NULL REFERENCES customer (id),"
  "  kind TEXT NOT NULL CHECK (kind IN ('phone','address','email')),"
  "  label TEXT,"
  "  value TEXT NOT NULL,"
  "  normalized TEXT NOT NULL DEFAULT '',"
  "  position INTEGER NOT NULL DEFAULT 0);"
  "CREATE INDEX contact_by_customer ON customer_contact (customer_id);"
  "CREATE INDEX contact_by_normalized ON customer_contact (kind, normalized);"

  "CREATE TABLE customer_note (" SYNCED ","
  "  customer_id TEXT NOT NULL REFERENCES customer (id),"
  "  author_id TEXT,"
  "  body TEXT NOT NULL,"
  "  created_at INTEGER NOT NULL);"
  "CREATE INDEX note_by_customer ON customer_note (customer_id);"

  /* Search index: rowid is the customer's rowid; the text is the bigram
   * token stream built by kefu_search_tokens(), so any fragment of two or
   * more characters (Chinese, Latin or digits) is a phrase query. */
  "CREATE VIRTUAL TABLE customer_fts USING fts5 (tokens, content='', tokenize='unicode61', detail='full');"

  "CREATE TABLE segment_rule (" SYNCED ","
  "  position INTEGER NOT NULL,"
  "  segment TEXT NOT NULL CHECK (segment IN ('key','vip','regular','new','at_risk')),"
  "  field TEXT NOT NULL CHECK (field IN ('monthly_volume','monthly_spend','complaints_12m','industry','age_days','days_since_contact')),"
  "  op TEXT NOT NULL CHECK (op IN ('>=','<=','=','!=')),"
  "  value TEXT NOT NULL,"
  "  description TEXT,"
  "  enabled INTEGER NOT NULL DEFAULT 1);"

  "CREATE TABLE category (" SYNCED ","
  "  parent_id TEXT REFERENCES category (id),"
  "  scope TEXT NOT NULL CHECK (scope IN ('case','kb')),"
  "  code TEXT NOT NULL,"
  "  name TEXT NOT NULL,"
  "  position INTEGER NOT NULL DEFAULT 0,"
  "  UNIQUE (scope, code));"

  "CREATE TABLE calendar (" SYNCED ","
  "  name TEXT NOT NULL,"
  "  work_start_minute INTEGER NOT NULL DEFAULT 540,"
  "  work_end_minute INTEGER NOT NULL DEFAULT 1080,"
  "  weekend_mask INTEGER NOT NULL DEFAULT 96);"
  "CREATE TABLE calendar_day (" SYNCED ","
  "  calendar_id TEXT NOT NULL REFERENCES calendar (id),"
  "  day TEXT NOT NULL,"
  "  kind TEXT NOT NULL CHECK (kind IN ('holiday','workday')),"
  "  name TEXT,"
  "  UNIQUE (calendar_id, day));"

  "CREATE TABLE sla_policy (" SYNCED ","
  "  case_kind TEXT NOT NULL,"
  "  segment TEXT NOT NULL,"
  "  priority TEXT NOT NULL,"
  "  first_response_minutes INTEGER NOT NULL CHECK (first_response_minutes > 0),"
  "  resolution_minutes INTEGER NOT NULL CHECK (resolution_minutes > 0),"
  "  calendar_id TEXT REFERENCES calendar (id),"
  "  UNIQUE (case_kind, segment, priority));"

  "CREATE TABLE kcase (" SYNCED ","
  "  number TEXT NOT NULL UNIQUE,"
  "  kind TEXT NOT NULL CHECK (kind IN ('inquiry','tracking','complaint','claim','suggestion','service')),"
  "  category_id TEXT REFERENCES category (id),"
  "  channel TEXT NOT NULL CHECK (channel IN ('phone','counter','online','email','letter','social')),"
  "  priority TEXT NOT NULL DEFAULT 'normal' CHECK (priority IN ('low','normal','high','urgent')),"
  "  status TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new','assigned','in_progress','waiting','resolved','closed')),"
  "  customer_id TEXT NOT NULL REFERENCES customer (id),"
  "  tracking_number TEXT,"
  "  subject TEXT NOT NULL,"
  "  description TEXT NOT NULL DEFAULT '',"
  "  resolution TEXT,"
  "  branch_id TEXT REFERENCES org_unit (id),"
  "  department_id TEXT REFERENCES department (id),"
  "  assignee_id TEXT REFERENCES staff (id),"
  "  owner_id TEXT REFERENCES staff (id),"
  "  sla_policy_id TEXT REFERENCES sla_policy (id),"
  "  created_at INTEGER NOT NULL,"
  "  first_response_due INTEGER,"
  "  resolution_due INTEGER,"
  "  first_response_at INTEGER,"
  "  resolved_at INTEGER,"
  "  closed_at INTEGER,"
  "  paused_at INTEGER,"
  "  paused_total INTEGER NOT NULL DEFAULT 0,"
  "  warned INTEGER NOT NULL DEFAULT 0,"
  "  escalated INTEGER NOT NULL DEFAULT 0,"
  "  last_action_at INTEGER,"
  "  claim_amount_cents INTEGER CHECK (claim_amount_cents IS NULL OR claim_amount_cents >= 0),"
  "  declared_value_cents INTEGER CHECK (declared_value_cents IS NULL OR declared_value_cents >= 0),"
  "  insured INTEGER,"
  "  decision TEXT,"
  "  approved_amount_cents INTEGER CHECK (approved_amount_cents IS NULL OR approved_amount_cents >= 0),"
  "  approval_status TEXT CHECK (approval_status IS NULL OR approval_status IN ('pending','approved','rejected')),"
  "  approver_id TEXT REFERENCES staff (id),"
  "  payment_date TEXT,"
  "  payment_ref TEXT);"
  "CREATE INDEX kcase_by_customer ON kcase (customer_id, created_at);"
  "CREATE INDEX kcase_by_status ON kcase (deleted, status, created_at);"
  "CREATE INDEX kcase_by_assignee ON kcase (deleted, assignee_id, status);"
  "CREATE INDEX kcase_by_tracking ON kcase (tracking_number);"
  "CREATE VIRTUAL TABLE kcase_fts USING fts5 (tokens, content='', tokenize='unicode61', detail='full');"

  "CREATE TABLE case_event (" SYNCED ","
  "  case_id TEXT NOT NULL REFERENCES kcase (id),"
  "  kind TEXT NOT NULL,"
  "  actor_id TEXT,"
  "  at INTEGER NOT NULL,"
  "  field TEXT, old_value TEXT, new_value TEXT, body TEXT);"
  "CREATE INDEX event_by_case ON case_event (case_id, at);"

  "CREATE TABLE attachment (" SYNCED ","
  "  sha256 TEXT NOT NULL,"
  "  filename TEXT NOT NULL,"
  "  mime_type TEXT,"
  "  size INTEGER NOT NULL,"
  "  case_id TEXT REFERENCES kcase (id),"
  "  customer_id TEXT REFERENCES customer (id),"
  "  created_at INTEGER NOT NULL);"

  "CREATE TABLE kb_article (" SYNCED ","
  "  category_id TEXT REFERENCES category (id),"
  "  title TEXT NOT NULL,"
  "  body TEXT NOT NULL DEFAULT '',"
  "  tags TEXT NOT NULL DEFAULT '',"
  "  status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft','review','published','archived')),"
  "  author_id TEXT, reviewer_id TEXT,"
  "  published_at INTEGER,"
  "  use_count INTEGER NOT NULL DEFAULT 0);"
  "CREATE TABLE kb_article_version (" SYNCED ","
  "  article_id TEXT NOT NULL REFERENCES kb_article (id),"
  "  version_no INTEGER NOT NULL,"
  "  title TEXT NOT NULL, body TEXT NOT NULL,"
  "  author_id TEXT, created_at INTEGER NOT NULL,"
  "  UNIQUE (article_id, version_no));"

  "CREATE TABLE course (" SYNCED ","
  "  title TEXT NOT NULL, description TEXT,"
  "  status TEXT NOT NULL DEFAULT 'draft',"
  "  is_contest INTEGER NOT NULL DEFAULT 0);"
  "CREATE TABLE lesson (" SYNCED ","
  "  course_id TEXT NOT NULL REFERENCES course (id),"
  "  position INTEGER NOT NULL,"
  "  article_id TEXT REFERENCES kb_article (id),"
  "  title TEXT NOT NULL, body TEXT);"
  "CREATE TABLE quiz_question (" SYNCED ","
  "  course_id TEXT NOT NULL REFERENCES course (id),"
  "  position INTEGER NOT NULL,"
  "  question TEXT NOT NULL,"
  "  choices TEXT NOT NULL,"
  "  answer TEXT NOT NULL,"
  "  points INTEGER NOT NULL DEFAULT 1);"
  "CREATE TABLE assignment (" SYNCED ","
  "  course_id TEXT NOT NULL REFERENCES course (id),"
  "  staff_id TEXT REFERENCES staff (id),"
  "  org_unit_id TEXT REFERENCES org_unit (id),"
  "  due_at INTEGER, assigned_by TEXT);"
  "CREATE TABLE attempt (" SYNCED ","
  "  assignment_id TEXT REFERENCES assignment (id),"
  "  course_id TEXT NOT NULL REFERENCES course (id),"
  "  staff_id TEXT NOT NULL REFERENCES staff (id),"
  "  started_at INTEGER NOT NULL, finished_at INTEGER,"
  "  score INTEGER, answers TEXT);"

  "CREATE TABLE survey_answer (" SYNCED ","
  "  case_id TEXT REFERENCES kcase (id),"
  "  customer_id TEXT NOT NULL REFERENCES customer (id),"
  "  satisfaction INTEGER CHECK (satisfaction BETWEEN 1 AND 5),"
  "  nps INTEGER CHECK (nps BETWEEN 0 AND 10),"
  "  comment TEXT,"
  "  at INTEGER NOT NULL);"
  "CREATE INDEX survey_by_customer ON survey_answer (customer_id, at);"
  "CREATE TABLE follow_up (" SYNCED ","
  "  case_id TEXT REFERENCES kcase (id),"
  "  customer_id TEXT REFERENCES customer (id),"
  "  kind TEXT NOT NULL CHECK (kind IN ('follow_up','recovery')),"
  "  status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open','done','cancelled')),"
  "  assignee_id TEXT REFERENCES staff (id),"
  "  due_at INTEGER NOT NULL, done_at INTEGER, result TEXT);"
  "CREATE TABLE assessment (" SYNCED ","
  "  staff_id TEXT NOT NULL REFERENCES staff (id),"
  "  period TEXT NOT NULL,"
  "  rater_kind TEXT NOT NULL CHECK (rater_kind IN ('supervisor','customer','peer','subordinate')),"
  "  rater_id TEXT,"
  "  conduct INTEGER, ability INTEGER, attitude INTEGER, results INTEGER,"
  "  comment TEXT);"

  "CREATE TABLE case_sequence (branch_code TEXT NOT NULL, day TEXT NOT NULL, next INTEGER NOT NULL,"
  "  PRIMARY KEY (branch_code, day)) WITHOUT ROWID;"

  /* The audit log and the outbox are local, append-only. */
  "CREATE TABLE audit_log ("
  "  seq INTEGER PRIMARY KEY,"
  "  at INTEGER NOT NULL,"
  "  actor_id TEXT,"
  "  entity TEXT NOT NULL,"
  "  row_id TEXT NOT NULL,"
  "  op TEXT NOT NULL,"
  "  changes TEXT NOT NULL,"
  "  note TEXT);"
  "CREATE INDEX audit_by_row ON audit_log (row_id, seq);"
  "CREATE TABLE outbox ("
  "  seq INTEGER PRIMARY KEY,"
  "  op_id TEXT NOT NULL UNIQUE,"
  "  entity TEXT NOT NULL,"
  "  row_id TEXT NOT NULL,"
  "  op TEXT NOT NULL,"
  "  fields TEXT NOT NULL,"
  "  base_version INTEGER NOT NULL,"
  "  hlc TEXT NOT NULL,"
  "  created_at INTEGER NOT NULL,"
  "  sent_at INTEGER);"
  "CREATE TABLE sync_state (key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;";

/* Default segmentation rules and the first category taxonomy: data every
 * office starts with, editable afterwards. Evaluated in position order, the
 * first matching rule wins; 'regular' is the fallback. */
static const char migration_2[] =
  "INSERT INTO segment_rule (id, position, segment, field, op, value, description) VALUES"
  " ('01900000-0000-7000-8000-000000000001', 10, 'at_risk', 'complaints_12m', '>=', '3', 'Three or more complaints in twelve months'),"
  " ('01900000-0000-7000-8000-000000000002', 20, 'at_risk', 'days_since_contact', '>=', '180', 'No contact for half a year'),"
  " ('01900000-0000-7000-8000-000000000003', 30, 'key', 'monthly_spend', '>=', '5000000', 'Spends 50,000 yuan or more a month'),"
  " ('01900000-0000-7000-8000-000000000004', 40, 'key', 'monthly_volume', '>=', '2000', 'Sends 2,000 parcels or more a month'),"
  " ('01900000-0000-7000-8000-000000000005', 50, 'vip', 'monthly_spend', '>=', '500000', 'Spends 5,000 yuan or more a month'),"
  " ('01900000-0000-7000-8000-000000000006', 60, 'new', 'age_days', '<=', '90', 'Customer for less than 90 days');"
  "INSERT INTO category (id, scope, code, name, position) VALUES"
  " ('01900000-0000-7000-8000-000000000101', 'case', 'delay', 'Delivery delay', 10),"
  " ('01900000-0000-7000-8000-000000000102', 'case', 'damage', 'Damaged parcel', 20),"
  " ('01900000-0000-7000-8000-000000000103', 'case', 'loss', 'Lost parcel', 30),"
  " ('01900000-0000-7000-8000-000000000104', 'case', 'attitude', 'Staff attitude', 40),"
  " ('01900000-0000-7000-8000-000000000105', 'case', 'billing', 'Charges and billing', 50),"
  " ('01900000-0000-7000-8000-000000000106', 'case', 'pickup', 'Pick-up service', 60),"
  " ('01900000-0000-7000-8000-000000000107', 'case', 'other', 'Other', 90);";

/* Case handling: the default business calendar (its days are imported from
 * the shipped data/calendars files on first use, see kefu-sla.c), default
 * service standards, the columns and indexes the case queues need, and
 * in-app notifications. Business minutes: one working day is 540. */
static const char migration_3[] =
  "INSERT INTO calendar (id, name, work_start_minute, work_end_minute, weekend_mask) VALUES"
  " ('01900000-0000-7000-8000-000000000201', 'China mainland', 540, 1080, 96);"

  /* kind × segment × priority; "*" matches anything, the most specific
   * row wins. */
  "INSERT INTO sla_policy (id, case_kind, segment, priority, first_response_minutes, resolution_minutes) VALUES"
  " ('01900000-0000-7000-8000-000000000301', '*',          '*',       '*',      240, 1620),"
  " ('01900000-0000-7000-8000-000000000302', 'inquiry',    '*',       '*',       60,  540),"
  " ('01900000-0000-7000-8000-000000000303', 'tracking',   '*',       '*',       60,  540),"
  " ('01900000-0000-7000-8000-000000000304', 'complaint',  '*',       '*',      120, 1620),"
  " ('01900000-0000-7000-8000-000000000305', 'claim',      '*',       '*',      240, 5400),"
  " ('01900000-0000-7000-8000-000000000306', 'suggestion', '*',       '*',      480, 2700),"
  " ('01900000-0000-7000-8000-000000000307', 'service',    '*',       '*',      120, 1080),"
  " ('01900000-0000-7000-8000-000000000311', 'inquiry',    'key',     '*',       30,  270),"
  " ('01900000-0000-7000-8000-000000000312', 'tracking',   'key',     '*',       30,  270),"
  " ('01900000-0000-7000-8000-000000000313', 'complaint',  'key',     '*',       60, 1080),"
  " ('01900000-0000-7000-8000-000000000314', 'claim',      'key',     '*',      120, 2700),"
  " ('01900000-0000-7000-8000-000000000315', 'suggestion', 'key',     '*',      240, 1620),"
  " ('01900000-0000-7000-8000-000000000316', 'service',    'key',     '*',       60,  540),"
  " ('01900000-0000-7000-8000-000000000321', 'complaint',  'vip',     '*',       90, 1080),"
  " ('01900000-0000-7000-8000-000000000322', 'claim',      'vip',     '*',      180, 3780),"
  " ('01900000-0000-7000-8000-000000000323', 'complaint',  'at_risk', '*',       60, 1080),"
  " ('01900000-0000-7000-8000-000000000331', '*',          '*',       'urgent',  30,  540),"
  " ('01900000-0000-7000-8000-000000000332', 'complaint',  '*',       'urgent',  30,  540),"
  " ('01900000-0000-7000-8000-000000000333', 'claim',      '*',       'urgent',  60, 2700);"

  /* next_due: the nearest pending deadline of a running case (NULL while
   * waiting on the customer and once resolved), so that overdue and
   * due-today queues and the SLA check are index range scans. The claim
   * decision is proposed by decided_by and approved by approver_id. */
  "ALTER TABLE kcase ADD COLUMN next_due INTEGER;"
  "ALTER TABLE kcase ADD COLUMN decided_by TEXT REFERENCES staff (id);"
  "ALTER TABLE kcase ADD COLUMN decided_at INTEGER;"
  "ALTER TABLE kcase ADD COLUMN decision_note TEXT;"
  "ALTER TABLE kcase ADD COLUMN approved_at INTEGER;"
  "ALTER TABLE kcase ADD COLUMN approval_note TEXT;"

  "CREATE INDEX kcase_by_created ON kcase (deleted, created_at);"
  "CREATE INDEX kcase_by_kind ON kcase (deleted, kind, created_at);"
  "CREATE INDEX kcase_open_by_branch ON kcase (branch_id, created_at)"
  "  WHERE deleted = 0 AND status IN ('new','assigned','in_progress','waiting');"
  "CREATE INDEX kcase_open_unassigned ON kcase (created_at)"
  "  WHERE deleted = 0 AND assignee_id IS NULL AND status IN ('new','assigned','in_progress','waiting');"
  /* Also carries what the SLA check reads, so that it never visits the
   * rows of the thousands of running cases it leaves alone. */
  "CREATE INDEX kcase_by_next_due ON kcase (next_due, escalated, warned, created_at, paused_total)"
  "  WHERE deleted = 0 AND next_due IS NOT NULL;"
  "CREATE INDEX kcase_pending_approval ON kcase (created_at) WHERE deleted = 0 AND approval_status = 'pending';"
  /* "Mine" = assigned to me or owned by me (first contact): like
   * kcase_by_assignee from migration 1. */
  "CREATE INDEX kcase_by_owner ON kcase (deleted, owner_id, status);"

  "CREATE INDEX follow_up_open_due ON follow_up (due_at) WHERE deleted = 0 AND status = 'open';"
  "CREATE INDEX follow_up_by_case ON follow_up (case_id);"
  "CREATE INDEX survey_by_case ON survey_answer (case_id);"
  "CREATE INDEX attachment_by_case ON attachment (case_id);"
  "CREATE INDEX attachment_by_sha ON attachment (sha256);"

  "CREATE TABLE notification (" SYNCED ","
  "  staff_id TEXT NOT NULL REFERENCES staff (id),"
  "  case_id TEXT REFERENCES kcase (id),"
  "  kind TEXT NOT NULL CHECK (kind IN ('warning','escalation','approval','decision','follow_up','recovery','assigned')),"
  "  text TEXT NOT NULL,"
  "  created_at INTEGER NOT NULL,"
  "  read_at INTEGER);"
  "CREATE INDEX notification_unread ON notification (staff_id, created_at) WHERE deleted = 0 AND read_at IS NULL;"
  "CREATE INDEX notification_by_staff ON notification (staff_id, created_at);";

/* The customer list's count by segment: a segment can hold most of a
 * million files, and counting its index range took 70 ms for each first
 * page. Triggers keep the live count per segment in the same transaction
 * as the write. */
static const char migration_4[] =
  "CREATE TABLE customer_segment_count (segment TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;"
  "INSERT INTO customer_segment_count (segment, n)"
  "  SELECT segment, count(*) FROM customer WHERE deleted = 0 GROUP BY segment;"
  "CREATE TRIGGER customer_count_insert AFTER INSERT ON customer WHEN NEW.deleted = 0 BEGIN"
  "  INSERT INTO customer_segment_count (segment, n) VALUES (NEW.segment, 1)"
  "    ON CONFLICT (segment) DO UPDATE SET n = n + 1;"
  " END;"
  "CREATE TRIGGER customer_count_delete AFTER DELETE ON customer WHEN OLD.deleted = 0 BEGIN"
  "  UPDATE customer_segment_count SET n = n - 1 WHERE segment = OLD.segment;"
  " END;"
  "CREATE TRIGGER customer_count_update AFTER UPDATE OF segment, deleted ON customer"
  "  WHEN OLD.segment IS NOT NEW.segment OR OLD.deleted IS NOT NEW.deleted BEGIN"
  "  UPDATE customer_segment_count SET n = n - 1 WHERE OLD.deleted = 0 AND segment = OLD.segment;"
  "  INSERT INTO customer_segment_count (segment, n) SELECT NEW.segment, 1 WHERE NEW.deleted = 0"
  "    ON CONFLICT (segment) DO UPDATE SET n = n + 1;"
  " END;";

/* Search tokens run across letters, digits and ideographs (kefu-text.c),
 * so both indexes are rebuilt from their rows with the new tokens. Case
 * search also keeps prefix indexes of two and three characters: a short
 * digit tail ("EE12" ends in the prefix "12") reads one list instead of
 * merging every four-digit chunk that starts with it. */
static const char migration_5[] =
  "DROP TABLE customer_fts;"
  "CREATE VIRTUAL TABLE customer_fts USING fts5 (tokens, content='', tokenize='unicode61', detail='full');"
  "INSERT INTO customer_fts (rowid, tokens)"
  "  SELECT c.rowid, kefu_search_tokens (c.name, c.company, c.number,"
  "    (SELECT group_concat (p, ' ') FROM"
  "      (SELECT CASE WHEN normalized <> '' THEN normalized ELSE value END AS p FROM customer_contact"
  "        WHERE customer_id = c.id AND kind = 'phone' AND deleted = 0 ORDER BY position)))"
  "  FROM customer c;"
  "DROP TABLE kcase_fts;"
  "CREATE VIRTUAL TABLE kcase_fts USING fts5 (tokens, content='', tokenize='unicode61', detail='full', prefix='2 3');"
  "INSERT INTO kcase_fts (rowid, tokens)"
  "  SELECT k.rowid, kefu_search_tokens (k.subject, k.description, k.tracking_number, k.number,"
  "    (SELECT name FROM customer WHERE id = k.customer_id))"
  "  FROM kcase k;"
  /* A bulk import writes one summarised audit entry; a customer's history
   * finds it by this index (kefu_customers_history()). */
  "CREATE INDEX audit_imports ON audit_log (entity, seq) WHERE op = 'import';";
/* Sync, local side (see kefu-sync-local.c): per-scope pull cursors, the
 * server version of every pulled row (apply skips what is not newer), the
 * per-device push sequence of each outbox entry (numbered when first
 * batched, from a counter in sync_state, so pruning acknowledged entries
 * never lets a number come back), the server's answer per entry, and the
 * conflict records the server writes (a synced entity: resolving one is a
 * write that goes back to the server). */
static const char migration_6[] =
  "CREATE TABLE sync_scope (scope TEXT PRIMARY KEY, cursor INTEGER NOT NULL DEFAULT 0,"
  "  updated_at INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;"
  "CREATE TABLE sync_row (entity TEXT NOT NULL, row_id TEXT NOT NULL,"
  "  server_version INTEGER NOT NULL, scope TEXT, deleted INTEGER NOT NULL DEFAULT 0,"
  "  PRIMARY KEY (entity, row_id)) WITHOUT ROWID;"
  "ALTER TABLE outbox ADD COLUMN push_seq INTEGER;"
  "ALTER TABLE outbox ADD COLUMN base_server_version INTEGER NOT NULL DEFAULT 0;"
  "ALTER TABLE outbox ADD COLUMN acked_at INTEGER;"
  "ALTER TABLE outbox ADD COLUMN result TEXT;"
  "ALTER TABLE outbox ADD COLUMN result_message TEXT;"
  "CREATE UNIQUE INDEX outbox_by_push_seq ON outbox (push_seq) WHERE push_seq IS NOT NULL;"
  "CREATE INDEX outbox_pending_by_row ON outbox (entity, row_id) WHERE acked_at IS NULL;"
  /* The server version the user saw when making the change: what the
   * server checks status and assignee changes against. */
  "CREATE TRIGGER outbox_base_server AFTER INSERT ON outbox"
  "  WHEN EXISTS (SELECT 1 FROM sync_row WHERE entity = NEW.entity AND row_id = NEW.row_id) BEGIN"
  "  UPDATE outbox SET base_server_version ="
  "    (SELECT server_version FROM sync_row WHERE entity = NEW.entity AND row_id = NEW.row_id)"
  "    WHERE seq = NEW.seq;"
  " END;"
  /* docs/SYNC.md, "Versions and conflicts": values are JSON text. */
  "CREATE TABLE conflict (" SYNCED ","
  "  entity TEXT NOT NULL,"
  "  row_id TEXT NOT NULL,"
  "  field TEXT,"
  "  server_value TEXT,"
  "  client_value TEXT,"
  "  base_version INTEGER,"
  "  server_version INTEGER,"
  "  op_id TEXT,"
  "  device_id TEXT,"
  "  user_id TEXT,"
  "  created_at INTEGER NOT NULL DEFAULT 0,"
  "  status TEXT NOT NULL DEFAULT 'open',"
  "  branch_id TEXT,"
  "  resolution TEXT,"
  "  resolved_by TEXT,"
  "  resolved_at INTEGER);"
  "CREATE INDEX conflict_open ON conflict (created_at) WHERE deleted = 0 AND status = 'open';";
/* The organisation tree is edited in the app: units and departments are
 * deactivated (kept for the cases and staff that point at them) rather
 * than deleted. */
static const char migration_7[] =
  "ALTER TABLE org_unit ADD COLUMN active INTEGER NOT NULL DEFAULT 1;"
  "ALTER TABLE department ADD COLUMN active INTEGER NOT NULL DEFAULT 1;"
  "CREATE INDEX org_unit_parent ON org_unit (parent_id);"
  "CREATE INDEX department_org ON department (org_unit_id);";
/* The knowledge base: what articles apply to (case kinds), who submitted
 * them and the reviewer's comment; versions that keep tags, category and
 * case kinds too (so a restore is whole); the bigram search index (title,
 * tags and body in columns of their own, so that bm25 can weigh them);
 * "this answered it" links to cases; article images as attachments; and
 * the shipped knowledge-base categories. */
static const char migration_8[] =
  "ALTER TABLE kb_article ADD COLUMN case_kinds TEXT NOT NULL DEFAULT '';"
  "ALTER TABLE kb_article ADD COLUMN submitted_by TEXT;"
  "ALTER TABLE kb_article ADD COLUMN review_note TEXT;"
  "ALTER TABLE kb_article_version ADD COLUMN tags TEXT NOT NULL DEFAULT '';"
  "ALTER TABLE kb_article_version ADD COLUMN category_id TEXT;"
  "ALTER TABLE kb_article_version ADD COLUMN case_kinds TEXT NOT NULL DEFAULT '';"
  "ALTER TABLE kb_article_version ADD COLUMN note TEXT;"
  "ALTER TABLE attachment ADD COLUMN kb_article_id TEXT REFERENCES kb_article (id);"
  "CREATE INDEX kb_article_by_status ON kb_article (deleted, status, updated_at);"
  "CREATE INDEX kb_article_by_updated ON kb_article (deleted, updated_at);"
  "CREATE INDEX kb_version_by_article ON kb_article_version (article_id, version_no);"
  "CREATE INDEX attachment_by_kb_article ON attachment (kb_article_id);"
  "CREATE VIRTUAL TABLE kb_article_fts USING fts5 (title, tags, body, tokenize='unicode61', detail='full');"
  /* How many articles hold a term: suggestions search the rarest. */
  "CREATE VIRTUAL TABLE kb_article_vocab USING fts5vocab (kb_article_fts, 'row');"
  "CREATE TABLE kb_case_link (" SYNCED ","
  "  article_id TEXT NOT NULL REFERENCES kb_article (id),"
  "  case_id TEXT NOT NULL REFERENCES kcase (id),"
  "  linked_by TEXT,"
  "  linked_at INTEGER NOT NULL,"
  "  UNIQUE (article_id, case_id));"
  "CREATE INDEX kb_case_link_by_case ON kb_case_link (case_id);"
  "INSERT INTO category (id, scope, code, name, position) VALUES"
  " ('01900000-0000-7000-8000-000000000801', 'kb', 'tracking', 'Tracking and delivery', 10),"
  " ('01900000-0000-7000-8000-000000000802', 'kb', 'late', 'Late parcels', 20),"
  " ('01900000-0000-7000-8000-000000000803', 'kb', 'lost', 'Lost parcels', 30),"
  " ('01900000-0000-7000-8000-000000000804', 'kb', 'damaged', 'Damaged parcels', 40),"
  " ('01900000-0000-7000-8000-000000000805', 'kb', 'claims', 'Claims and compensation', 50),"
  " ('01900000-0000-7000-8000-000000000806', 'kb', 'insurance', 'Insurance and declared value', 60),"
  " ('01900000-0000-7000-8000-000000000807', 'kb', 'prohibited', 'Prohibited items', 70),"
  " ('01900000-0000-7000-8000-000000000808', 'kb', 'cod', 'Cash on delivery', 80),"
  " ('01900000-0000-7000-8000-000000000809', 'kb', 'address', 'Addresses and redirection', 90),"
  " ('01900000-0000-7000-8000-000000000810', 'kb', 'holidays', 'Holidays and service hours', 100),"
  " ('01900000-0000-7000-8000-000000000811', 'kb', 'pricing', 'Prices and billing', 110),"
  " ('01900000-0000-7000-8000-000000000812', 'kb', 'service', 'Counter and service rules', 120);";
/* Training: the quiz settings of a course (pass mark in percent, time
 * limit, retakes and which attempt counts, a contest's window), the kind
 * of a question, who an assignment was made for, and an attempt's time
 * taken and result. Indexes for My Training, completion per branch and
 * the contest leaderboard. */
static const char migration_9[] =
  "ALTER TABLE course ADD COLUMN pass_mark INTEGER NOT NULL DEFAULT 60 CHECK (pass_mark BETWEEN 0 AND 100);"
  "ALTER TABLE course ADD COLUMN time_limit_s INTEGER NOT NULL DEFAULT 0 CHECK (time_limit_s >= 0);"
  "ALTER TABLE course ADD COLUMN max_attempts INTEGER NOT NULL DEFAULT 0 CHECK (max_attempts >= 0);"
  "ALTER TABLE course ADD COLUMN score_policy TEXT NOT NULL DEFAULT 'best' CHECK (score_policy IN ('best','last'));"
  "ALTER TABLE course ADD COLUMN opens_at INTEGER;"
  "ALTER TABLE course ADD COLUMN closes_at INTEGER;"
  "ALTER TABLE quiz_question ADD COLUMN kind TEXT NOT NULL DEFAULT 'single'"
  "  CHECK (kind IN ('single','multiple','true_false','short'));"
  "ALTER TABLE assignment ADD COLUMN role TEXT;"
  "ALTER TABLE assignment ADD COLUMN managers_first INTEGER NOT NULL DEFAULT 0;"
  "ALTER TABLE assignment ADD COLUMN assigned_at INTEGER NOT NULL DEFAULT 0;"
  "ALTER TABLE attempt ADD COLUMN time_ms INTEGER;"
  "ALTER TABLE attempt ADD COLUMN passed INTEGER NOT NULL DEFAULT 0;"
  "CREATE INDEX lesson_by_course ON lesson (course_id, position);"
  "CREATE INDEX question_by_course ON quiz_question (course_id, position);"
  "CREATE INDEX assignment_by_staff ON assignment (staff_id, course_id) WHERE deleted = 0;"
  "CREATE INDEX assignment_by_course ON assignment (course_id) WHERE deleted = 0;"
  "CREATE INDEX attempt_by_staff ON attempt (staff_id, course_id, passed, score, finished_at) WHERE deleted = 0;"
  "CREATE INDEX attempt_by_course ON attempt (course_id, staff_id, score, time_ms, finished_at) WHERE deleted = 0;"
  /* The unit trees (completion for a province) walk down parent_id. */
  "CREATE INDEX org_unit_by_parent ON org_unit (parent_id);";
/* Dashboards, the monthly report and staff assessment (issue 8): the
 * index the figures read a branch's cases of a period through, the
 * supervisors' suggested improvements per unit and month, assessment
 * rounds with their weights, and who has rated whom in a round (kept
 * apart from the answers of peers and subordinates, which carry no
 * rater, so that they stay anonymous). */
static const char migration_10[] =
  /* Covers what the months of a trend read (kind, category, the id that
   * finds the follow-up answer), so that those rows are never fetched. */
  "CREATE INDEX kcase_by_branch_created ON kcase (branch_id, created_at, kind, category_id, id) WHERE deleted = 0;"
  "CREATE INDEX survey_by_case_answer ON survey_answer (case_id, deleted, at, satisfaction, nps);"
  "CREATE TABLE report_note (" SYNCED ","
  "  org_unit_id TEXT NOT NULL REFERENCES org_unit (id),"
  "  month TEXT NOT NULL,"
  "  body TEXT NOT NULL DEFAULT '',"
  "  UNIQUE (org_unit_id, month));"
  "CREATE TABLE assessment_round (" SYNCED ","
  "  name TEXT NOT NULL CHECK (length (name) > 0),"
  "  org_unit_id TEXT REFERENCES org_unit (id),"
  "  period_from INTEGER NOT NULL,"
  "  period_to INTEGER NOT NULL CHECK (period_to > period_from),"
  "  w_supervisor INTEGER NOT NULL CHECK (w_supervisor >= 0),"
  "  w_customer INTEGER NOT NULL CHECK (w_customer >= 0),"
  "  w_peer INTEGER NOT NULL CHECK (w_peer >= 0),"
  "  w_subordinate INTEGER NOT NULL CHECK (w_subordinate >= 0),"
  "  created_at INTEGER NOT NULL);"
  "ALTER TABLE assessment ADD COLUMN round_id TEXT REFERENCES assessment_round (id);"
  "CREATE INDEX assessment_by_staff ON assessment (staff_id, round_id);"
  "CREATE TABLE assessment_rater (" SYNCED ","
  "  round_id TEXT NOT NULL REFERENCES assessment_round (id),"
  "  staff_id TEXT NOT NULL REFERENCES staff (id),"
  "  rater_id TEXT NOT NULL REFERENCES staff (id),"
  "  UNIQUE (round_id, staff_id, rater_id));";

/* Knowledge base: a published article's pending revision. Its text is a
 * version (kb_article_version, like every save); the article row says
 * which version is published and which one is the revision, its review
 * status and who started it. The text agents read stays in the article
 * row until the revision is approved. Articles published until now
 * publish their newest version. */
static const char migration_12[] =
  "ALTER TABLE kb_article ADD COLUMN published_version INTEGER;"
  "ALTER TABLE kb_article ADD COLUMN revision_version INTEGER;"
  "ALTER TABLE kb_article ADD COLUMN revision_status TEXT CHECK (revision_status IN ('draft','review'));"
  "ALTER TABLE kb_article ADD COLUMN revision_author_id TEXT;"
  "UPDATE kb_article SET published_version ="
  "  (SELECT max (v.version_no) FROM kb_article_version v WHERE v.article_id = kb_article.id)"
  " WHERE status IN ('published','archived');"
  /* Problems agents report with a published article (outdated, wrong,
   * unclear), for its trainers: a row of the reporter's branch. */
  "CREATE TABLE kb_report (" SYNCED ","
  "  article_id TEXT NOT NULL REFERENCES kb_article (id),"
  "  branch_id TEXT REFERENCES org_unit (id),"
  "  reported_by TEXT,"
  "  comment TEXT NOT NULL CHECK (length (comment) > 0),"
  "  created_at INTEGER NOT NULL,"
  "  resolved_by TEXT,"
  "  resolved_at INTEGER);"
  "CREATE INDEX kb_report_open ON kb_report (article_id) WHERE resolved_at IS NULL AND deleted = 0;";

/* Migrations 7 (org_unit_parent) and 9 (org_unit_by_parent) each made
 * the same index on org_unit (parent_id), written in parallel branches:
 * every unit write paid for two. */
static const char migration_13[] =
  "DROP INDEX IF EXISTS org_unit_by_parent;";

static const KefuMigration migrations[] = {
  { 1, "domain schema", migration_1 },
  { 2, "default segmentation rules and case categories", migration_2 },
  { 3, "case handling: calendar, service standards, queues, notifications", migration_3 },
  { 4, "live customer counts per segment", migration_4 },
  { 5, "search tokens across letters and digits", migration_5 },
  { 6, "sync: cursors, server versions, push sequence, conflicts", migration_6 },
  { 7, "organisation tree: active units and departments", migration_7 },
  { 8, "knowledge base: review, search index, case links, images", migration_8 },
  { 9, "training: quiz settings, question kinds, attempt results", migration_9 },
  { 10, "dashboards, monthly report notes, staff assessment", migration_10 },
  { 12, "knowledge base: pending revisions of published articles, problem reports", migration_12 },
  { 13, "one index on org_unit.parent_id", migration_13 },
};

const KefuMigration *
_kefu_schema_get_migrations (guint *n_migrations)
{
  *n_migrations = G_N_ELEMENTS (migrations);
  return migrations;
}
