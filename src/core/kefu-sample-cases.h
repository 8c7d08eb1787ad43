/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "kefu-db.h"

G_BEGIN_DECLS

/* Sample cases for the sample data set: realistic courier-branch cases
 * (damaged, late and lost parcels, claims, address changes, tracking
 * queries…) with Chinese text, tracking numbers (mostly valid UPU S10 such
 * as EMS, some domestic carriers), a status mix that depends on age,
 * timelines of 3 to 8 events, claims (some awaiting approval), follow-up
 * calls with satisfaction answers.
 *
 * They are added to the customers and staff already in the database
 * (kefu_sample_generate() makes those), spread over the two years before
 * the cases clock's now, and written like a bulk load: cases, events,
 * follow-ups and survey answers carry ids, versions and search tokens but
 * no audit or outbox entries (sample data is never pushed to a server).
 * Each customer's last contact and complaint count are then updated
 * through ordinary change sets. The same seed on the same customers and
 * staff gives the same cases. Chunks of 10,000 cases per transaction;
 * scales to 1,000,000 cases and about 5,000,000 events. */

/* Same signature as KefuSampleProgress: @fraction runs from 0 to 1. */
typedef void (*KefuSampleCasesProgress) (double   fraction,
                                         gpointer user_data);

#define KEFU_SAMPLE_CASES_CHUNK 10000

gboolean kefu_sample_generate_cases (KefuDb                   *db,
                                     guint32                   seed,
                                     guint                     n_cases,
                                     KefuSampleCasesProgress   progress,
                                     gpointer                  user_data,
                                     GError                  **error);

/* The same, but each case goes to its customer's branch instead of the
 * database's own office: cases spread over all sample branches, as a
 * regional database would hold them (the dashboard benchmark). */
gboolean kefu_sample_generate_cases_spread (KefuDb                   *db,
                                            guint32                   seed,
                                            guint                     n_cases,
                                            KefuSampleCasesProgress   progress,
                                            gpointer                  user_data,
                                            GError                  **error);

G_END_DECLS
