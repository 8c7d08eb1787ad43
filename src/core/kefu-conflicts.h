/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "kefu-db.h"

G_BEGIN_DECLS

/* Conflict records the server wrote when two offices changed the same
 * field (docs/SYNC.md): a supervisor sees both sides and resolves them.
 * The resolution is itself a synced write. */

typedef struct
{
  char   *id;
  char   *entity;          /* "kcase" or "customer" (or another entity) */
  char   *row_id;
  char   *label;           /* case number or customer name, when known */
  char   *field;
  char   *server_value;    /* the value kept: JSON text */
  char   *client_value;    /* the value that lost: JSON text */
  gint64  created_at;      /* Unix ms */
} KefuConflict;

void        kefu_conflict_free        (KefuConflict  *conflict);
/* Shows a JSON value as plain text ("null" → empty). Transfer full. */
char       *kefu_conflict_value_text  (const char    *json);

const char *kefu_conflict_field_label (const char    *field);
char       *kefu_conflict_value_label (KefuDb        *db,
                                       const char    *field,
                                       const char    *json);

/* Returns: (transfer full) (element-type KefuConflict): open conflicts,
 * newest first (at most @limit). */
GPtrArray  *kefu_conflicts_list_open  (KefuDb        *db,
                                       guint          limit,
                                       GError       **error);
/* Resolves conflict @id: @use_other TRUE writes the losing value to the
 * row (a synced write), FALSE keeps the server's. Supervisors and admins
 * only. */
gboolean    kefu_conflicts_resolve    (KefuDb        *db,
                                       const char    *id,
                                       gboolean       use_other,
                                       GError       **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KefuConflict, kefu_conflict_free)

G_END_DECLS
