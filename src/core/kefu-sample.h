/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "kefu-db.h"

G_BEGIN_DECLS

/* Sample data for a courier branch network: an organisation tree
 * (headquarters, provinces, cities, branches, departments, staff) and
 * customer files written through the real write path, so every row has
 * its audit and outbox entries. The same seed gives the same data. */

typedef struct
{
  guint32 seed;
  guint   n_customers;
  guint   n_branches;
} KefuSampleOptions;

/* Called after each chunk of customers; @fraction runs from 0 to 1. */
typedef void (*KefuSampleProgress) (double   fraction,
                                    gpointer user_data);

typedef struct _KefuSample KefuSample;

KefuSampleOptions kefu_sample_default_options (void);

/* Sets the office up (the first branch, signed in as its administrator),
 * builds the organisation and writes @opts->n_customers customers in
 * chunks of about 10,000, each chunk one transaction. The database must
 * be empty (not set up yet). */
gboolean     kefu_sample_generate        (KefuDb                  *db,
                                          const KefuSampleOptions *opts,
                                          KefuSampleProgress       progress_cb,
                                          gpointer                 user_data,
                                          GError                 **error);

/* The same steps one at a time, for the benchmark: kefu_sample_new()
 * sets up the office and the organisation; kefu_sample_next_customers()
 * builds the next @n customers in memory without writing them;
 * kefu_sample_write_customers() writes them through
 * kefu_customers_create_many() (one transaction) and adds a note to a few
 * of them (a second one); call it outside any transaction. */
KefuSample  *kefu_sample_new             (KefuDb                  *db,
                                          const KefuSampleOptions *opts,
                                          GError                 **error);
GPtrArray   *kefu_sample_next_customers  (KefuSample              *self,
                                          guint                    n);
gboolean     kefu_sample_write_customers (KefuSample              *self,
                                          GPtrArray               *customers,
                                          GError                 **error);
void         kefu_sample_free            (KefuSample              *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KefuSample, kefu_sample_free)

G_END_DECLS
