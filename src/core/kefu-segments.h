/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "kefu-customers.h"

G_BEGIN_DECLS

typedef struct
{
  char    *id;
  gint     position;
  char    *segment;     /* key, vip, regular, new, at_risk */
  char    *field;       /* monthly_volume, monthly_spend, complaints_12m,
                           industry, age_days, days_since_contact */
  char    *op;          /* >=, <=, =, != */
  char    *value;       /* number (money in cents) or text */
  char    *description;
  gboolean enabled;
} KefuSegmentRule;

void        kefu_segment_rule_free      (KefuSegmentRule *rule);
KefuSegmentRule *kefu_segment_rule_new  (const char *segment,
                                         const char *field,
                                         const char *op,
                                         const char *value);
const char **kefu_segment_rule_fields   (void);
const char  *kefu_segment_rule_field_label (const char *field);
gboolean    kefu_segment_rule_validate  (const KefuSegmentRule *rule,
                                         GError               **error);

/* Rules in evaluation order (enabled and disabled). */
GPtrArray  *kefu_segment_rules_list     (KefuDb     *db,
                                         GError    **error);
/* Replaces the whole rule set in one transaction and re-applies it to
 * every customer without a manual override. */
gboolean    kefu_segment_rules_save     (KefuDb     *db,
                                         GPtrArray  *rules,
                                         guint      *n_changed,
                                         GError    **error);

/* The first enabled matching rule decides; 'regular' is the fallback.
 * Returns the segment key (static) and sets @reason (transfer full). */
const char *kefu_segment_evaluate       (GPtrArray          *rules,
                                         const KefuCustomer *c,
                                         gint64              now_ms,
                                         char              **reason);
gboolean    kefu_segments_reapply       (KefuDb     *db,
                                         guint      *n_changed,
                                         GError    **error);

G_END_DECLS
