/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "kefu-db.h"

G_BEGIN_DECLS

/* A sample assessment round for the sample office (kefu_sample_generate()
 * and kefu_sample_generate_cases() first): last month's round of the
 * office branch, started by its supervisor with weights 40/30/20/10; the
 * supervisor has rated about two thirds of the branch's staff, some
 * colleagues have rated their peers and about half the staff their
 * supervisor, and the customers' ratings are derived from last month's
 * follow-up calls. The others are still to be rated, so that a
 * supervisor opening Assessment sees a round under way. Written through
 * the real write path in one transaction; restores the signed-in user.
 * The same seed on the same organisation gives the same ratings. */
gboolean kefu_sample_generate_assessment (KefuDb   *db,
                                          guint32   seed,
                                          GError  **error);

G_END_DECLS
