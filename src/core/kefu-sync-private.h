/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "kefu-cases.h"
#include "kefu-customers.h"

G_BEGIN_DECLS

/* What kefu-sync-local.c needs from the domain modules to keep their
 * search indexes right when it applies rows pulled from the server: the
 * same index writers the modules use for their own writes. */

/* The customer with its live contacts, deleted or not; NULL when there is
 * no such row. Transfer full. */
KefuCustomer *_kefu_customers_load_any   (KefuDb              *db,
                                          const char          *id);
/* Replaces the search tokens of customer @rowid: removes those of @old
 * (when not NULL), adds those of @c (when not NULL). */
gboolean      _kefu_customers_fts_write  (KefuDb              *db,
                                          gint64               rowid,
                                          const KefuCustomer  *old,
                                          const KefuCustomer  *c,
                                          GError             **error);

/* Recomputes what is derived locally (customer sort key, contact
 * normalised value) for a row written by sync. */
gboolean      _kefu_customers_fix_derived (KefuDb             *db,
                                           const char         *entity,
                                           const char         *row_id,
                                           GError            **error);

KefuCase     *_kefu_cases_load_any       (KefuDb              *db,
                                          const char          *id);
gboolean      _kefu_cases_fts_write      (KefuDb              *db,
                                          gint64               rowid,
                                          const KefuCase      *old,
                                          const KefuCase      *c,
                                          GError             **error);

G_END_DECLS
