/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "kefu-db.h"

G_BEGIN_DECLS

/* In-app notifications for staff: a case handed to them ("assigned"),
 * running out of time ("warning"), breached ("escalation"), a claim
 * decision to approve ("approval") or approved / rejected ("decision"),
 * a recovery call to make ("recovery"). Synced rows, so a supervisor sees
 * them on any machine of their scope. */
typedef struct
{
  char   *id;
  char   *staff_id;
  char   *case_id;
  char   *case_number;
  char   *kind;
  char   *text;
  gint64  created_at;
  gint64  read_at;      /* 0 = unread */
} KefuNotification;

void       kefu_notification_free            (KefuNotification *n);
/* Unread notifications of @staff_id (NULL: the signed-in user), newest
 * first. Element type KefuNotification. */
GPtrArray *kefu_notifications_list_unread    (KefuDb      *db,
                                              const char  *staff_id,
                                              GError     **error);
guint      kefu_notifications_count_unread   (KefuDb      *db,
                                              const char  *staff_id);
gboolean   kefu_notifications_mark_read      (KefuDb      *db,
                                              const char  *notification_id,
                                              GError     **error);
gboolean   kefu_notifications_mark_all_read  (KefuDb      *db,
                                              const char  *staff_id,
                                              GError     **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KefuNotification, kefu_notification_free)

G_END_DECLS
