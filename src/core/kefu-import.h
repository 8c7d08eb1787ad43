/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "kefu-db.h"

G_BEGIN_DECLS

/* Larger files are refused before they are read. */
#define KEFU_IMPORT_MAX_FILE_SIZE   (64 * 1024 * 1024)
/* A single cell above this is reported as too long. */
#define KEFU_IMPORT_MAX_FIELD_SIZE  (10 * 1024 * 1024)

/* What a column of the file holds. */
typedef enum
{
  KEFU_IMPORT_FIELD_IGNORE,
  KEFU_IMPORT_FIELD_NAME,
  KEFU_IMPORT_FIELD_COMPANY,
  KEFU_IMPORT_FIELD_KIND,
  KEFU_IMPORT_FIELD_PHONE,
  KEFU_IMPORT_FIELD_PHONE2,
  KEFU_IMPORT_FIELD_ADDRESS,
  KEFU_IMPORT_FIELD_EMAIL,
  KEFU_IMPORT_FIELD_INDUSTRY,
  KEFU_IMPORT_FIELD_SEGMENT,
  KEFU_IMPORT_FIELD_TAGS,
  KEFU_IMPORT_FIELD_MONTHLY_VOLUME,
  KEFU_IMPORT_FIELD_MONTHLY_SPEND,
  KEFU_IMPORT_FIELD_NUMBER,
  KEFU_IMPORT_N_FIELDS,
} KefuImportField;

/* One finding of kefu_import_validate(). */
typedef struct
{
  guint  row;       /* as a spreadsheet shows it (the header is row 1);
                       0 when it is about the file or the column mapping */
  char  *column;    /* the column's header, or NULL */
  char  *message;   /* a translated sentence */
} KefuImportProblem;

#define KEFU_TYPE_IMPORT (kefu_import_get_type ())
G_DECLARE_FINAL_TYPE (KefuImport, kefu_import, KEFU, IMPORT, GObject)

KefuImport          *kefu_import_new_from_file   (const char       *path,
                                                  GError          **error);
KefuImport          *kefu_import_new_from_bytes  (GBytes           *bytes,
                                                  GError          **error);

const char          *kefu_import_get_encoding    (KefuImport       *self);
char                 kefu_import_get_delimiter   (KefuImport       *self);
const char * const  *kefu_import_get_headers     (KefuImport       *self);
guint                kefu_import_get_n_columns   (KefuImport       *self);
guint                kefu_import_get_n_rows      (KefuImport       *self);
const char          *kefu_import_get_cell        (KefuImport       *self,
                                                  guint             row,
                                                  guint             col);
guint                kefu_import_get_sheet_row   (KefuImport       *self,
                                                  guint             row);

void                 kefu_import_guess_mapping   (KefuImport       *self);
void                 kefu_import_set_mapping     (KefuImport       *self,
                                                  guint             col,
                                                  KefuImportField   field);
KefuImportField      kefu_import_get_mapping     (KefuImport       *self,
                                                  guint             col);
const char          *kefu_import_field_label     (KefuImportField   field);

gboolean             kefu_import_validate        (KefuImport       *self,
                                                  GPtrArray       **problems);
guint                kefu_import_get_n_bad_rows  (KefuImport       *self);
gboolean             kefu_import_run             (KefuImport       *self,
                                                  KefuDb           *db,
                                                  guint            *n_imported,
                                                  GError          **error);

/* Called from the importing thread after each chunk. */
typedef void (*KefuImportProgress) (guint    done,
                                    guint    total,
                                    gpointer user_data);

gboolean             kefu_import_run_full        (KefuImport          *self,
                                                  KefuDb              *db,
                                                  GCancellable        *cancellable,
                                                  KefuImportProgress   progress,
                                                  gpointer             user_data,
                                                  guint               *n_imported,
                                                  GError             **error);
char                *kefu_import_format_report   (GPtrArray        *problems);
void                 kefu_import_problem_free    (KefuImportProblem *problem);

G_END_DECLS
