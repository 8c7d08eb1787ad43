/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "kefu-training.h"

G_BEGIN_DECLS

/* Shared by kefu-training.c and kefu-training-report.c. */
char             *_kefu_training_actor_role (KefuDb        *db);
KefuTrainingState _kefu_training_state      (gboolean       done,
                                             gint64         due_at,
                                             gint64         now);

G_END_DECLS
