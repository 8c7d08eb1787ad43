/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "kefu-export.h"

G_BEGIN_DECLS

/* For tests: lowers the XLSX row limit so that it can be reached. */
void _kefu_export_set_xlsx_max_rows (guint max_rows);

/* For other exports: a hidden temporary file next to @path (renamed over
 * it once complete), and the error for a file that cannot be written. */
char *_kefu_export_create_temp       (const char  *path,
                                      int         *fd,
                                      GError     **error);
void  _kefu_export_set_io_error      (GError     **error,
                                      const char  *path,
                                      int          errsv);

G_END_DECLS
