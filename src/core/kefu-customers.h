/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "kefu-db.h"

G_BEGIN_DECLS

/* Segments are stored as these keys; kefu_segment_label() gives the
 * translated name. */
#define KEFU_SEGMENT_KEY      "key"
#define KEFU_SEGMENT_VIP      "vip"
#define KEFU_SEGMENT_REGULAR  "regular"
#define KEFU_SEGMENT_NEW      "new"
#define KEFU_SEGMENT_AT_RISK  "at_risk"

typedef struct
{
  char *id;          /* NULL for a contact not yet saved */
  char *kind;        /* "phone", "address", "email" */
  char *label;       /* "mobile", "office", "home", "warehouse"… free text */
  char *value;
} KefuContact;

typedef struct
{
  gint64     rowid;
  char      *id;
  gint64     version;
  char      *number;
  char      *kind;             /* "person" or "enterprise" */
  char      *name;
  char      *company;
  char      *industry;
  char      *branch_id;
  char      *manager_id;
  char      *manager_name;     /* read-only, joined from staff */
  char      *segment;
  char      *segment_reason;
  gboolean   segment_manual;
  char      *preferences;      /* comma-separated keys: speed,care,price,… */
  char      *tags;             /* comma-separated free tags */
  gint64     monthly_volume;
  gint64     monthly_spend_cents;
  gint64     complaints_12m;
  gint64     created_at;       /* Unix ms */
  gint64     last_contact_at;  /* Unix ms, 0 = never */
  GPtrArray *contacts;         /* KefuContact */
} KefuCustomer;

typedef struct
{
  char   *id;
  char   *author_name;
  char   *body;
  gint64  created_at;
} KefuNote;

typedef struct
{
  gint64  at;
  char   *actor_name;
  char   *op;                  /* insert / update / delete / restore / merge / reassign */
  char   *changes;             /* JSON: {"field":{"old":…,"new":…}} */
  char   *note;
} KefuHistoryEntry;

typedef struct
{
  char *id_a, *number_a, *name_a;
  char *id_b, *number_b, *name_b;
  char *reason;                /* "phone" or "name_address" */
  char *detail;                /* the shared phone or address */
} KefuDuplicatePair;

typedef enum
{
  KEFU_CUSTOMER_SORT_NAME,
  KEFU_CUSTOMER_SORT_LAST_CONTACT,
  KEFU_CUSTOMER_SORT_VALUE,
} KefuCustomerSort;

typedef struct
{
  char             *text;        /* any part of name, company, phone, number */
  char             *segment;     /* NULL = all */
  char             *manager_id;  /* NULL = all; "" = none assigned */
  KefuCustomerSort  sort;
} KefuCustomerQuery;

/* One row of the list; plain data, filled from a page query. */
typedef struct
{
  gint64  rowid;
  char   *id;
  char   *number;
  char   *kind;
  char   *name;
  char   *company;
  char   *phone;
  char   *segment;
  char   *manager_name;
  gint64  last_contact_at;
  gint64  monthly_spend_cents;
} KefuCustomerSummary;

#define KEFU_TYPE_CUSTOMER (kefu_customer_get_type ())
GType          kefu_customer_get_type       (void) G_GNUC_CONST;
KefuCustomer  *kefu_customer_new            (void);
KefuCustomer  *kefu_customer_copy           (const KefuCustomer *c);
void           kefu_customer_free           (KefuCustomer       *c);
void           kefu_customer_add_contact    (KefuCustomer       *c,
                                             const char         *kind,
                                             const char         *label,
                                             const char         *value);
const char    *kefu_customer_first_contact  (const KefuCustomer *c,
                                             const char         *kind);

void           kefu_contact_free            (KefuContact        *contact);
void           kefu_note_free               (KefuNote           *note);
void           kefu_history_entry_free      (KefuHistoryEntry   *entry);
void           kefu_duplicate_pair_free     (KefuDuplicatePair  *pair);
void           kefu_customer_summary_clear  (KefuCustomerSummary *s);
void           kefu_customer_query_clear    (KefuCustomerQuery  *q);

const char    *kefu_segment_label           (const char *segment);
const char   **kefu_segment_keys            (void);
gboolean       kefu_segment_is_valid        (const char *segment);
const char    *kefu_preference_label        (const char *key);
const char   **kefu_preference_keys         (void);

/* Checks a customer before it is written; the message names the field. */
gboolean       kefu_customer_validate       (const KefuCustomer *c,
                                             GError            **error);

/* Writes: each is one transaction (or joins the caller's) and appends the
 * audit and outbox entries. */
gboolean       kefu_customers_create        (KefuDb        *db,
                                             KefuCustomer  *c,
                                             GError       **error);
/* Creates many customers in one transaction (all or none); the segment
 * rules are read once. On failure @failed_index names the bad one. */
gboolean       kefu_customers_create_many   (KefuDb        *db,
                                             GPtrArray     *customers,
                                             guint         *failed_index,
                                             GError       **error);
/* Bulk writes of new customers (an import) inside the caller's
 * transaction: statements prepared once, an outbox entry per row, one
 * summarised audit entry per write (see kefu-customers.c). */
typedef struct _KefuCustomerWriter KefuCustomerWriter;

/* What a large bulk write drops and builds again at the end (type, name,
 * CREATE statement): the non-unique indexes of customer and
 * customer_contact but contact_by_customer, and the segment-count
 * trigger. The benchmark's floor defers the same. */
#define KEFU_CUSTOMER_DEFERRED_SCHEMA_SQL \
  "SELECT type, name, sql FROM sqlite_master" \
  " WHERE ((type = 'index' AND tbl_name IN ('customer', 'customer_contact')" \
  "         AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%'" \
  "         AND name <> 'contact_by_customer')" \
  "     OR (type = 'trigger' AND name = 'customer_count_insert'))"

KefuCustomerWriter *kefu_customer_writer_new    (KefuDb              *db,
                                                 guint                n_expected,
                                                 GError             **error);
gboolean       kefu_customer_writer_add     (KefuCustomerWriter  *self,
                                             GPtrArray           *customers,
                                             guint               *failed_index,
                                             GError             **error);
gboolean       kefu_customer_writer_finish  (KefuCustomerWriter  *self,
                                             const char          *note,
                                             GError             **error);
void           kefu_customer_writer_free    (KefuCustomerWriter  *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KefuCustomerWriter, kefu_customer_writer_free)

gboolean       kefu_customers_update        (KefuDb        *db,
                                             KefuCustomer  *c,
                                             GError       **error);
gboolean       kefu_customers_delete        (KefuDb        *db,
                                             const char    *id,
                                             GError       **error);
gboolean       kefu_customers_restore       (KefuDb        *db,
                                             const char    *id,
                                             GError       **error);
gboolean       kefu_customers_add_note      (KefuDb        *db,
                                             const char    *customer_id,
                                             const char    *body,
                                             GError       **error);
gboolean       kefu_customers_set_segment   (KefuDb        *db,
                                             const char    *id,
                                             const char    *segment,
                                             const char    *reason,
                                             GError       **error);
gboolean       kefu_customers_clear_segment_override (KefuDb     *db,
                                                      const char *id,
                                                      GError    **error);
gboolean       kefu_customers_reassign      (KefuDb        *db,
                                             const char    *from_manager_id,
                                             const char    *to_manager_id,
                                             guint         *n_moved,
                                             GError       **error);
gboolean       kefu_customers_merge         (KefuDb        *db,
                                             const char    *keep_id,
                                             const char    *merge_id,
                                             GError       **error);

/* Reads. */
KefuCustomer  *kefu_customers_get           (KefuDb        *db,
                                             const char    *id,
                                             GError       **error);
KefuCustomer  *kefu_customers_find_by_phone (KefuDb        *db,
                                             const char    *phone,
                                             GError       **error);
GPtrArray     *kefu_customers_list_notes    (KefuDb        *db,
                                             const char    *customer_id,
                                             GError       **error);
GPtrArray     *kefu_customers_history       (KefuDb        *db,
                                             const char    *customer_id,
                                             GError       **error);
GPtrArray     *kefu_customers_find_duplicates (KefuDb      *db,
                                               guint        limit,
                                               GError     **error);
gboolean       kefu_customers_count         (KefuDb                  *db,
                                             const KefuCustomerQuery *q,
                                             guint                   *n_items,
                                             GError                 **error);
/* Fills @rows (an array of KefuCustomerSummary, element size fixed) with
 * up to @limit rows from @offset in the query's order. */
gboolean       kefu_customers_page          (KefuDb                  *db,
                                             const KefuCustomerQuery *q,
                                             guint                    offset,
                                             guint                    limit,
                                             GArray                  *rows,
                                             GError                 **error);

/* Text searches with more hits than this are paged newest file first,
 * whatever the sort order: sorting them all for every page would cost
 * hundreds of milliseconds at a million customers. */
#define KEFU_CUSTOMER_SORTED_SEARCH_MAX 2000
gboolean       kefu_customers_search_is_large (KefuDb                  *db,
                                               const KefuCustomerQuery *q);

typedef gboolean (*KefuCustomerFunc) (const KefuCustomerSummary *summary,
                                      gpointer                   user_data,
                                      GError                   **error);
gboolean       kefu_customers_foreach       (KefuDb                  *db,
                                             const KefuCustomerQuery *q,
                                             KefuCustomerFunc         func,
                                             gpointer                 user_data,
                                             guint                   *n_rows,
                                             GError                 **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KefuCustomer, kefu_customer_free)

G_END_DECLS
