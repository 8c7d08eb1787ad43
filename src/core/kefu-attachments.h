/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "kefu-db.h"

G_BEGIN_DECLS

/* Evidence and other files attached to cases, stored content-addressed
 * next to the database: <db dir>/attachments/<sha256[0:2]>/<sha256>.
 * The same content is stored once however often it is attached. */

#define KEFU_ATTACHMENT_MAX_BYTES (G_GINT64_CONSTANT (50) * 1024 * 1024)

typedef struct
{
  char   *id;
  char   *case_id;
  char   *sha256;
  char   *filename;
  char   *mime_type;
  gint64  size;
  gint64  created_at;
} KefuAttachment;

/* A file copied into the store, not yet attached to anything. */
typedef struct
{
  char   *sha256;
  char   *filename;
  char   *mime_type;
  gint64  size;
} KefuStoredFile;

void            kefu_attachment_free        (KefuAttachment *a);
void            kefu_stored_file_free       (KefuStoredFile *f);
/* Reads @path (at most KEFU_ATTACHMENT_MAX_BYTES) and stores its content
 * by hash, once. For rows other than case attachments (article images).
 * Returns: (transfer full) */
KefuStoredFile *kefu_attachments_store_file (KefuDb      *db,
                                             const char  *path,
                                             GError     **error);
/* Copies @path into the store (unless the same content is there) and
 * attaches it to the case; attaching the same content to the same case
 * twice returns the existing attachment. Returns: (transfer full) */
KefuAttachment *kefu_attachments_add        (KefuDb      *db,
                                             const char  *case_id,
                                             const char  *path,
                                             GError     **error);
/* Element type KefuAttachment, oldest first. */
GPtrArray      *kefu_attachments_list       (KefuDb      *db,
                                             const char  *case_id,
                                             GError     **error);
/* Where the content with @sha256 is (or would be) stored.
 * Returns: (transfer full) */
char           *kefu_attachments_get_path   (KefuDb      *db,
                                             const char  *sha256);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KefuAttachment, kefu_attachment_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KefuStoredFile, kefu_stored_file_free)

G_END_DECLS
