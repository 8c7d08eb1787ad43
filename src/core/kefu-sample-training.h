/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "kefu-db.h"

G_BEGIN_DECLS

/* Sample training for the sample network (kefu_sample_generate() first):
 * five courses in Chinese and English (service etiquette, compensation
 * claims, prohibited items, complaint handling) and a skills contest,
 * with lessons and questions of every kind (with the sample knowledge
 * base written first, the prohibited-items course also has a lesson that
 * is its article on them), written by the headquarters
 * trainer through the real write path; each course assigned to every
 * branch (managers first) and about two thirds of the staff having taken
 * it, some more than once; the contest open since yesterday with its
 * leaderboard. The same seed on the same organisation gives the same
 * data (dates follow today). Restores the signed-in user and the cases
 * clock afterwards. */
gboolean kefu_sample_generate_training (KefuDb   *db,
                                        guint32   seed,
                                        GError  **error);

G_END_DECLS
