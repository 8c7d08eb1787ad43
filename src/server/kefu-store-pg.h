/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* The PostgreSQL store (libpq): the production backend of kefu-server,
 * `kefu-server --postgres 'CONNINFO'`. It implements KefuStoreVTable on one
 * connection; like the SQLite store it is used from one thread at a time.
 * Several kefu-server processes may share one database: writers of a scope
 * are serialised by the scope's counter row lock, and writers of one row or
 * one device by transaction-scoped advisory locks, so sequence numbers
 * commit in order and no read-modify-write is lost. */

#include "kefu-store.h"

G_BEGIN_DECLS

/* Connects with @conninfo (a libpq connection string or URI, e.g.
 * "host=/run/postgresql dbname=kefu user=kefu") and creates or migrates the
 * schema in the connection's current schema (search_path).
 * Returns: (transfer full): the store, or NULL with KEFU_STORE_ERROR_OPEN. */
KefuStore *kefu_store_pg_open (const char  *conninfo,
                               GError     **error);

G_END_DECLS
