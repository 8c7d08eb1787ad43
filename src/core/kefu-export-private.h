/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "kefu-export.h"

G_BEGIN_DECLS

/* For tests: lowers the XLSX row limit so that it can be reached. */
void _kefu_export_set_xlsx_max_rows (guint max_rows);

G_END_DECLS
