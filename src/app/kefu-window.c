/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "kefu-window"

#include "config.h"

#include <glib/gi18n.h>

#include "kefu-cases-view.h"
#include "kefu-cases.h"
#include "kefu-categories-dialog.h"
#include "kefu-customers-view.h"
#include "kefu-knowledge-view.h"
#include "kefu-assessment-view.h"
#include "kefu-dashboard-view.h"
#include "kefu-intake-window.h"
#include "kefu-notifications-button.h"
#include "kefu-notifications.h"
#include "kefu-org-view.h"
#include "kefu-sync-button.h"
#include "kefu-org.h"
#include "kefu-setup-page.h"
#include "kefu-sla-dialog.h"
#include "kefu-switch-user-dialog.h"
#include "kefu-training-view.h"
#include "kefu-window.h"

/* How often the service standards are checked while the window is open. */
#define SLA_CHECK_SECONDS 60

struct _KefuWindow
{
  AdwApplicationWindow  parent_instance;

  /* template children */
  GtkStack             *main_stack;
  KefuNotificationsButton *notifications_button;
  KefuSyncButton          *sync_button;
  KefuSetupPage        *setup_page;
  AdwToastOverlay      *toast_overlay;
  GtkLabel             *user_label;
  GtkLabel             *user_detail_label;
  GtkMenuButton        *account_button;
  AdwViewStack         *view_stack;

  KefuDb               *db;
  GSettings            *settings;
  char                 *role;
  KefuCasesView        *cases_view;
  KefuCustomersView    *customers_view;   /* made after the first frame */
  AdwBin               *customers_page;
  KefuOrgView          *org_view;
  KefuKnowledgeView    *knowledge_view;
  KefuTrainingView     *training_view;
  KefuDashboardView    *dashboard_view;   /* supervisors and administrators only */
  KefuAssessmentView   *assessment_view;
  GtkWindow            *intake;           /* weak: the intake opened last */
  AdwToast             *last_toast;       /* weak: the message shown last */
  guint                 sla_check_id;
  GHashTable           *seen_notifications;   /* ids the user was told about */
  gboolean              first_frame_done;
  gboolean              more_views_built;     /* build_more_views() ran */
  gboolean              checks_pending;       /* to start after the first frame */
};

G_DEFINE_FINAL_TYPE (KefuWindow, kefu_window, ADW_TYPE_APPLICATION_WINDOW)

/* --- helpers --------------------------------------------------------- */

static void
update_user (KefuWindow *self)
{
  g_autoptr(KefuStaff) user = kefu_org_get_current_user (self->db);
  g_autoptr(KefuOrgUnit) office = kefu_org_get_office (self->db);
  g_autofree char *text = NULL;
  g_autofree char *detail = NULL;

  g_clear_pointer (&self->role, g_free);
  if (user == NULL)
    {
      gtk_label_set_label (self->user_label, "");
      gtk_label_set_label (self->user_detail_label, "");
      return;
    }
  self->role = g_strdup (user->role);
  kefu_db_set_actor (self->db, user->id);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.sla", kefu_window_may (GTK_WIDGET (self), "sla"));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.categories", kefu_window_may (GTK_WIDGET (self), "categories"));
  /* The header bar shows the name; its popover the role and branch. */
  gtk_label_set_label (self->user_label, user->name);
  /* Translators: the signed-in user's role and branch, in the account popover */
  detail = g_strdup_printf (_("%s · %s"), kefu_role_label (user->role), office ? office->name : "");
  gtk_label_set_label (self->user_detail_label, detail);
  /* Translators: signed-in user in the header bar: name, role · branch */
  text = g_strdup_printf (_("%s (%s) · %s"), user->name, kefu_role_label (user->role),
                          office ? office->name : "");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->account_button), text);
}

/* Remembers the unread notifications there are now, so that only later
 * ones pop up as toasts. */
static void
mark_notifications_seen (KefuWindow *self)
{
  g_autoptr(GPtrArray) unread = kefu_notifications_list_unread (self->db, NULL, NULL);

  g_hash_table_remove_all (self->seen_notifications);
  for (guint i = 0; unread && i < unread->len; i++)
    g_hash_table_add (self->seen_notifications, g_strdup (((KefuNotification *) unread->pdata[i])->id));
}

/* Refreshes the bell and tells about escalations that are new since the
 * last look. */
static void
update_notifications (KefuWindow *self)
{
  g_autoptr(GPtrArray) unread = NULL;
  KefuNotification *first = NULL;
  guint n_new = 0;

  kefu_notifications_button_refresh (self->notifications_button);
  if (kefu_db_get_actor (self->db) == NULL)
    return;
  unread = kefu_notifications_list_unread (self->db, NULL, NULL);
  for (guint i = 0; unread && i < unread->len; i++)
    {
      KefuNotification *n = unread->pdata[i];

      if (!g_hash_table_add (self->seen_notifications, g_strdup (n->id)))
        continue;
      if (g_strcmp0 (n->kind, "escalation") != 0)
        continue;
      if (first == NULL)
        first = n;
      n_new++;
    }

  if (n_new == 1)
    {
      AdwToast *toast = adw_toast_new (first->text);

      adw_toast_set_timeout (toast, 10);
      if (first->case_id)
        {
          adw_toast_set_button_label (toast, _("_Show"));
          adw_toast_set_action_name (toast, "win.show-case");
          adw_toast_set_action_target_value (toast, g_variant_new_string (first->case_id));
        }
      kefu_window_add_toast (self, toast);
    }
  else if (n_new > 1)
    {
      g_autofree char *text = g_strdup_printf (ngettext ("%u case was escalated to you", "%u cases were escalated to you", n_new),
                                               n_new);
      AdwToast *toast = adw_toast_new (text);

      adw_toast_set_timeout (toast, 10);
      adw_toast_set_button_label (toast, _("_Show"));
      adw_toast_set_action_name (toast, "win.show-notifications");
      kefu_window_add_toast (self, toast);
    }
}

static gboolean
sla_check_cb (gpointer user_data)
{
  kefu_window_check_sla (KEFU_WINDOW (user_data));
  return G_SOURCE_CONTINUE;
}

/* The Customers page is not in the first frame (Cases is in front): its
 * view is made after it, or when something needs it first. */
static KefuCustomersView *
ensure_customers_view (KefuWindow *self)
{
  if (self->customers_view == NULL && self->customers_page != NULL)
    {
      self->customers_view = kefu_customers_view_new (self->db);
      adw_bin_set_child (self->customers_page, GTK_WIDGET (self->customers_view));
    }
  return self->customers_view;
}

static void
visible_page_changed_cb (KefuWindow *self)
{
  if (g_strcmp0 (adw_view_stack_get_visible_child_name (self->view_stack), "customers") == 0)
    ensure_customers_view (self);
}

static void
on_case_customer_activated_cb (KefuWindow *self,
                               const char *customer_id)
{
  if (ensure_customers_view (self) == NULL)
    return;
  kefu_customers_view_show_customer (self->customers_view, customer_id);
  adw_view_stack_set_visible_child_name (self->view_stack, "customers");
}

static void on_sync_pulled_cb (KefuWindow *self);

static void
sync_attach (KefuWindow *self)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));
  KefuSyncClient *sync = KEFU_IS_APPLICATION (app) ? kefu_application_get_sync (KEFU_APPLICATION (app)) : NULL;

  if (sync == NULL || g_object_get_data (G_OBJECT (self), "kefu-sync-attached"))
    return;
  g_object_set_data (G_OBJECT (self), "kefu-sync-attached", sync);
  kefu_sync_button_set_client (self->sync_button, sync, self->db);
  g_signal_connect_object (sync, "pulled", G_CALLBACK (on_sync_pulled_cb), self, G_CONNECT_SWAPPED);
  /* A first sign-in may have made this computer's user the server's
   * staff record: new writes must carry that id at once. */
  g_signal_connect_object (sync, "notify::username", G_CALLBACK (on_sync_pulled_cb), self, G_CONNECT_SWAPPED);
}

static void build_more_views (KefuWindow *self);

static void
start_checks (KefuWindow *self)
{
  self->checks_pending = FALSE;
  if (!self->more_views_built)
    build_more_views (self);
  if (self->cases_view)
    kefu_cases_view_refresh_counts (self->cases_view);
  ensure_customers_view (self);
  /* What was unread before this start is on the bell, not in toasts. */
  kefu_notifications_button_set_db (self->notifications_button, self->db);
  mark_notifications_seen (self);
  sync_attach (self);
  kefu_window_check_sla (self);
  if (self->sla_check_id == 0)
    self->sla_check_id = g_timeout_add_seconds (SLA_CHECK_SECONDS, sla_check_cb, self);
}

static void
on_dashboard_show_cases_cb (KefuWindow *self,
                            const char *title,
                            GArray     *rowids)
{
  kefu_cases_view_show_cases (self->cases_view, title, rowids);
  adw_view_stack_set_visible_child_name (self->view_stack, "cases");
}

/* The Dashboard is there for supervisors and administrators only;
 * Assessment for everyone (each sees whom they may rate or look at). */
static void
update_dashboard (KefuWindow *self)
{
  gboolean may = g_strcmp0 (self->role, "supervisor") == 0 || g_strcmp0 (self->role, "admin") == 0;
  AdwViewStackPage *page;

  /* Assessment before the Dashboard: the tabs everybody has come first,
   * so that Alt+1…6 are the same views for every role and a user switch
   * that adds the Dashboard puts it where it always is. */
  if (self->assessment_view == NULL)
    {
      self->assessment_view = kefu_assessment_view_new (self->db);
      page = adw_view_stack_add_titled (self->view_stack, GTK_WIDGET (self->assessment_view),
                                        "assessment", _("Assessment"));
      adw_view_stack_page_set_icon_name (page, "starred-symbolic");
    }
  kefu_assessment_view_reload (self->assessment_view);

  if (may && self->dashboard_view == NULL)
    {
      self->dashboard_view = kefu_dashboard_view_new (self->db);
      g_signal_connect_object (self->dashboard_view, "show-cases",
                               G_CALLBACK (on_dashboard_show_cases_cb), self, G_CONNECT_SWAPPED);
      page = adw_view_stack_add_titled (self->view_stack, GTK_WIDGET (self->dashboard_view),
                                        "dashboard", _("Dashboard"));
      adw_view_stack_page_set_icon_name (page, "power-profile-performance-symbolic");
    }
  else if (may)
    kefu_dashboard_view_reload (self->dashboard_view);
  else if (self->dashboard_view != NULL)
    {
      adw_view_stack_remove (self->view_stack, GTK_WIDGET (self->dashboard_view));
      self->dashboard_view = NULL;
    }
}

static void
build_views (KefuWindow *self)
{
  AdwViewStackPage *page;

  update_user (self);

  /* Cases come first: the view agents work in all day. */
  if (self->cases_view == NULL)
    {
      self->cases_view = kefu_cases_view_new (self->db);
      g_signal_connect_object (self->cases_view, "customer-activated",
                               G_CALLBACK (on_case_customer_activated_cb), self, G_CONNECT_SWAPPED);
      page = adw_view_stack_add_titled (self->view_stack, GTK_WIDGET (self->cases_view),
                                        "cases", _("Cases"));
      adw_view_stack_page_set_icon_name (page, "view-list-symbolic");
    }
  else
    kefu_cases_view_reload (self->cases_view);

  if (self->customers_page == NULL)
    {
      self->customers_page = ADW_BIN (adw_bin_new ());
      page = adw_view_stack_add_titled (self->view_stack, GTK_WIDGET (self->customers_page),
                                        "customers", _("Customers"));
      adw_view_stack_page_set_icon_name (page, "system-users-symbolic");
      g_signal_connect_object (self->view_stack, "notify::visible-child",
                               G_CALLBACK (visible_page_changed_cb), self, G_CONNECT_SWAPPED);
    }
  else if (self->customers_view)
    kefu_customers_view_reload (self->customers_view);

  /* The other pages are not in the first frame either: they are added
   * right after it (start_checks()). */
  if (self->first_frame_done)
    build_more_views (self);

  gtk_stack_set_visible_child_name (self->main_stack, "main");

  /* The queue counts, the bell's unread list, the SLA check and the
   * Customers view are not in the first frame: they come right after it
   * (start_checks()). */
  if (self->first_frame_done)
    start_checks (self);
  else
    self->checks_pending = TRUE;
}

/* Organisation, Knowledge Base, Training, Dashboard, Assessment. */
static void
build_more_views (KefuWindow *self)
{
  AdwViewStackPage *page;

  self->more_views_built = TRUE;
  if (self->org_view == NULL)
    {
      self->org_view = kefu_org_view_new (self->db);
      page = adw_view_stack_add_titled (self->view_stack, GTK_WIDGET (self->org_view),
                                        "org", _("Organisation"));
      adw_view_stack_page_set_icon_name (page, "network-workgroup-symbolic");
    }
  kefu_org_view_set_editable (self->org_view, kefu_window_may (GTK_WIDGET (self), "org"));
  if (self->knowledge_view == NULL)
    {
      self->knowledge_view = kefu_knowledge_view_new (self->db);
      page = adw_view_stack_add_titled (self->view_stack, GTK_WIDGET (self->knowledge_view),
                                        "knowledge", _("Knowledge Base"));
      adw_view_stack_page_set_icon_name (page, "accessories-dictionary-symbolic");
    }
  else
    kefu_knowledge_view_reload (self->knowledge_view);
  if (self->training_view == NULL)
    {
      self->training_view = kefu_training_view_new (self->db);
      page = adw_view_stack_add_titled (self->view_stack, GTK_WIDGET (self->training_view), "training", _("Training"));
      adw_view_stack_page_set_icon_name (page, "checkbox-checked-symbolic");
    }
  else
    kefu_training_view_reload (self->training_view);
  update_dashboard (self);
}

/* The first frame is on screen: now the work it did not need. */
static gboolean
checks_idle_cb (gpointer user_data)
{
  KefuWindow *self = KEFU_WINDOW (user_data);

  if (self->checks_pending)
    start_checks (self);
  return G_SOURCE_REMOVE;
}

static void
after_first_paint_cb (GdkFrameClock *clock,
                      KefuWindow    *self)
{
  g_signal_handlers_disconnect_by_func (clock, after_first_paint_cb, self);
  self->first_frame_done = TRUE;
  g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, checks_idle_cb, g_object_ref (self), g_object_unref);
}

static void
kefu_window_map (GtkWidget *widget)
{
  KefuWindow *self = KEFU_WINDOW (widget);

  GTK_WIDGET_CLASS (kefu_window_parent_class)->map (widget);
  if (!self->first_frame_done)
    g_signal_connect_object (gtk_widget_get_frame_clock (widget), "after-paint",
                             G_CALLBACK (after_first_paint_cb), self, 0);
}

/* --- signal callbacks ------------------------------------------------ */

/* Rows from the server landed: the lists show them. */
static void user_switched_cb (KefuWindow *self);

static void
on_sync_pulled_cb (KefuWindow *self)
{
  g_autofree char *actor = g_strdup (kefu_db_get_actor (self->db));
  g_autofree char *role = g_strdup (self->role);

  update_user (self);   /* the office's name may have come from the server */
  /* The first sign-in made the first-run administrator the server's staff
   * record (docs/SYNC.md): another person and role, as after a switch. */
  if (g_strcmp0 (actor, kefu_db_get_actor (self->db)) != 0 || g_strcmp0 (role, self->role) != 0)
    {
      user_switched_cb (self);
      return;
    }
  if (self->cases_view)
    kefu_cases_view_reload (self->cases_view);
  if (self->customers_view)
    kefu_customers_view_reload (self->customers_view);
  kefu_notifications_button_refresh (self->notifications_button);
}

static void
on_setup_finished_cb (KefuWindow *self)
{
  build_views (self);
}

static void
user_switched_cb (KefuWindow *self)
{
  /* What was said to the one before is not for the one now. */
  if (self->last_toast != NULL)
    adw_toast_dismiss (self->last_toast);
  update_user (self);
  kefu_cases_view_reload (self->cases_view);
  if (self->customers_view)
    kefu_customers_view_reload (self->customers_view);
  if (self->more_views_built)
    {
      kefu_org_view_set_editable (self->org_view, kefu_window_may (GTK_WIDGET (self), "org"));
      kefu_training_view_reload (self->training_view);
      update_dashboard (self);
    }
  mark_notifications_seen (self);
  kefu_notifications_button_refresh (self->notifications_button);
}

static void
intake_open_case_cb (KefuWindow *self,
                     const char *case_id)
{
  kefu_window_show_case (self, case_id);
}

static void
on_notification_case_activated_cb (KefuWindow *self,
                                   const char *case_id)
{
  kefu_window_show_case (self, case_id);
}

static void
categories_dialog_destroyed_cb (KefuWindow *self)
{
  /* The Cases view's category filter. */
  if (self->cases_view != NULL)
    kefu_cases_view_reload (self->cases_view);
}

static void
intake_case_created_cb (KefuWindow *self,
                        const char *case_id)
{
  /* The customer's last contact changed, or a new file was made. */
  if (self->customers_view)
    kefu_customers_view_reload (self->customers_view);
}

/* --- actions --------------------------------------------------------- */

static void
intake_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  kefu_window_open_intake (KEFU_WINDOW (widget), NULL);
}

static void
switch_user_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  KefuWindow *self = KEFU_WINDOW (widget);
  GtkWindow *dialog;

  if (!kefu_org_is_set_up (self->db))
    return;
  dialog = kefu_switch_user_dialog_new (GTK_WINDOW (self), self->db);
  g_signal_connect_object (dialog, "switched", G_CALLBACK (user_switched_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (dialog);
}

static void
sla_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *param)
{
  KefuWindow *self = KEFU_WINDOW (widget);

  if (!kefu_window_may (widget, "sla"))
    return;
  gtk_window_present (kefu_sla_dialog_new (GTK_WINDOW (self), self->db));
}

static void
categories_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  KefuWindow *self = KEFU_WINDOW (widget);
  GtkWindow *dialog;

  if (!kefu_window_may (widget, "categories"))
    return;
  dialog = kefu_categories_dialog_new (GTK_WINDOW (self), self->db);
  g_signal_connect_object (dialog, "destroy", G_CALLBACK (categories_dialog_destroyed_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (dialog);
}

static void
show_case_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  kefu_window_show_case (KEFU_WINDOW (widget), g_variant_get_string (param, NULL));
}

static void
show_notifications_action (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *param)
{
  kefu_notifications_button_popup (KEFU_WINDOW (widget)->notifications_button);
}

static void ensure_more_views (KefuWindow *self);

/* Alt+1…9: the view of that number among the tabs this user has, as the
 * tabs of GNOME apps; a number beyond them does nothing, so a view the
 * role does not have is never reached. */
static void
show_view_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  KefuWindow *self = KEFU_WINDOW (widget);
  guint n = g_variant_get_uint32 (param);
  g_autoptr(GtkSelectionModel) pages = NULL;
  guint shown = 0;

  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->main_stack), "main") != 0)
    return;
  ensure_more_views (self);
  pages = adw_view_stack_get_pages (self->view_stack);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (pages)); i++)
    {
      g_autoptr(AdwViewStackPage) page = g_list_model_get_item (G_LIST_MODEL (pages), i);

      if (adw_view_stack_page_get_visible (page) && ++shown == n)
        {
          adw_view_stack_set_visible_child (self->view_stack, adw_view_stack_page_get_child (page));
          return;
        }
    }
}

static void
focus_search_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *param)
{
  KefuWindow *self = KEFU_WINDOW (widget);
  const char *visible = adw_view_stack_get_visible_child_name (self->view_stack);

  /* The search of the view in front. */
  if (self->cases_view && g_strcmp0 (visible, "cases") == 0)
    kefu_cases_view_focus_search (self->cases_view);
  else if (ensure_customers_view (self))
    {
      adw_view_stack_set_visible_child_name (self->view_stack, "customers");
      kefu_customers_view_focus_search (self->customers_view);
    }
}

/* --- GObject --------------------------------------------------------- */

static void
kefu_window_dispose (GObject *object)
{
  KefuWindow *self = (KefuWindow *) object;

  g_clear_handle_id (&self->sla_check_id, g_source_remove);
  if (self->settings)
    {
      int width, height;

      gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
      g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (GTK_WINDOW (self)));
    }
  g_clear_object (&self->settings);
  g_clear_weak_pointer (&self->intake);
  g_clear_weak_pointer (&self->last_toast);

  gtk_widget_dispose_template (GTK_WIDGET (self), KEFU_TYPE_WINDOW);
  G_OBJECT_CLASS (kefu_window_parent_class)->dispose (object);
}

static void
kefu_window_finalize (GObject *object)
{
  KefuWindow *self = (KefuWindow *) object;

  g_clear_object (&self->db);
  g_clear_pointer (&self->seen_notifications, g_hash_table_unref);
  g_free (self->role);
  G_OBJECT_CLASS (kefu_window_parent_class)->finalize (object);
}

static void
kefu_window_class_init (KefuWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kefu_window_dispose;
  object_class->finalize = kefu_window_finalize;
  widget_class->map = kefu_window_map;

  g_type_ensure (KEFU_TYPE_NOTIFICATIONS_BUTTON);
  g_type_ensure (KEFU_TYPE_SYNC_BUTTON);
  g_type_ensure (KEFU_TYPE_SETUP_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/kefu/Kefu/kefu-window.ui");
  gtk_widget_class_bind_template_child (widget_class, KefuWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, KefuWindow, notifications_button);
  gtk_widget_class_bind_template_child (widget_class, KefuWindow, sync_button);
  gtk_widget_class_bind_template_child (widget_class, KefuWindow, setup_page);
  gtk_widget_class_bind_template_child (widget_class, KefuWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, KefuWindow, user_label);
  gtk_widget_class_bind_template_child (widget_class, KefuWindow, user_detail_label);
  gtk_widget_class_bind_template_child (widget_class, KefuWindow, account_button);
  gtk_widget_class_bind_template_child (widget_class, KefuWindow, view_stack);
  gtk_widget_class_bind_template_callback (widget_class, on_notification_case_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_setup_finished_cb);

  gtk_widget_class_install_action (widget_class, "win.switch-user", NULL, switch_user_action);
  gtk_widget_class_install_action (widget_class, "win.focus-search", NULL, focus_search_action);
  /* Ctrl+I is an application accelerator (kefu-application.c), so that it
   * works from every window of the application. */
  gtk_widget_class_install_action (widget_class, "win.intake", NULL, intake_action);
  gtk_widget_class_install_action (widget_class, "win.sla", NULL, sla_action);
  gtk_widget_class_install_action (widget_class, "win.categories", NULL, categories_action);
  gtk_widget_class_install_action (widget_class, "win.show-case", "s", show_case_action);
  gtk_widget_class_install_action (widget_class, "win.show-notifications", NULL, show_notifications_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "win.focus-search", NULL);
  gtk_widget_class_install_action (widget_class, "win.show-view", "u", show_view_action);
  for (guint n = 1; n <= 9; n++)
    gtk_widget_class_add_binding_action (widget_class, GDK_KEY_0 + n, GDK_ALT_MASK, "win.show-view", "u", n);
}

static void
kefu_window_init (KefuWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->seen_notifications = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  /* Administrators only; update_user() enables them. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.sla", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.categories", FALSE);
}

/* --- public API ------------------------------------------------------ */

KefuWindow *
kefu_window_new (KefuApplication *app)
{
  KefuWindow *self = g_object_new (KEFU_TYPE_WINDOW, "application", app, NULL);

  self->db = g_object_ref (kefu_application_get_db (app));
  self->settings = g_object_ref (kefu_application_get_settings (app));

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  kefu_setup_page_set_db (self->setup_page, self->db);
  if (kefu_org_is_set_up (self->db))
    build_views (self);
  else
    gtk_stack_set_visible_child_name (self->main_stack, "setup");

  return self;
}

KefuDb *
kefu_window_get_db (KefuWindow *self)
{
  return self->db;
}

const char *
kefu_window_get_role (KefuWindow *self)
{
  return self->role;
}

/* The newest message replaces the one before: a queue of old toasts
 * would tell about a state that is gone ("You took the case" over a
 * closed case). */
void
kefu_window_add_toast (KefuWindow *self,
                       AdwToast   *toast)
{
  if (self->last_toast != NULL)
    adw_toast_dismiss (self->last_toast);
  g_set_weak_pointer (&self->last_toast, toast);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

/* For callers that need a page before the first frame: it is made now. */
static void
ensure_more_views (KefuWindow *self)
{
  if (!self->more_views_built && self->cases_view != NULL)
    build_more_views (self);
}

GtkWidget *
kefu_window_get_customers_view (KefuWindow *self)
{
  return GTK_WIDGET (ensure_customers_view (self));
}

GtkWidget *
kefu_window_get_org_view (KefuWindow *self)
{
  ensure_more_views (self);
  return GTK_WIDGET (self->org_view);
}

GtkWidget *
kefu_window_get_training_view (KefuWindow *self)
{
  ensure_more_views (self);
  return GTK_WIDGET (self->training_view);
}

GtkWidget *
kefu_window_get_cases_view (KefuWindow *self)
{
  return GTK_WIDGET (self->cases_view);
}

GtkWidget *
kefu_window_get_dashboard_view (KefuWindow *self)
{
  ensure_more_views (self);
  return GTK_WIDGET (self->dashboard_view);
}

GtkWidget *
kefu_window_get_assessment_view (KefuWindow *self)
{
  ensure_more_views (self);
  return GTK_WIDGET (self->assessment_view);
}

/**
 * kefu_window_show_case:
 * @id: a case id
 *
 * Brings the Cases view to the front with the case open.
 */
void
kefu_window_show_case (KefuWindow *self,
                       const char *id)
{
  g_return_if_fail (KEFU_IS_WINDOW (self));

  if (self->cases_view == NULL)
    return;
  gtk_window_present (GTK_WINDOW (self));
  adw_view_stack_set_visible_child_name (self->view_stack, "cases");
  kefu_cases_view_show_case (self->cases_view, id);
}

void
kefu_window_show_view (KefuWindow *self,
                       const char *name)
{
  adw_view_stack_set_visible_child_name (self->view_stack, name);
}

void
kefu_window_open_intake (KefuWindow *self,
                         const char *caller)
{
  g_autofree char *text = g_strstrip (g_strdup (caller ? caller : ""));
  GtkWindow *intake;

  g_return_if_fail (KEFU_IS_WINDOW (self));

  intake = self->intake;

  if (!kefu_org_is_set_up (self->db))
    {
      kefu_toast (GTK_WIDGET (self), _("Set up the office first: cases are taken by its staff."));
      return;
    }
  /* A new call must not wipe out the story of the one before. */
  if (intake != NULL && *text != '\0' && kefu_intake_window_has_unsaved (KEFU_INTAKE_WINDOW (intake)))
    intake = NULL;
  if (intake == NULL)
    {
      intake = kefu_intake_window_new (GTK_WINDOW (self), self->db);
      g_signal_connect_object (intake, "open-case", G_CALLBACK (intake_open_case_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (intake, "case-created", G_CALLBACK (intake_case_created_cb), self, G_CONNECT_SWAPPED);
      g_set_weak_pointer (&self->intake, intake);
    }
  if (*text != '\0')
    kefu_intake_window_set_caller (KEFU_INTAKE_WINDOW (intake), text);
  else
    gtk_widget_activate_action (GTK_WIDGET (intake), "win.intake", NULL);
  gtk_window_present (intake);
}

void
kefu_toast (GtkWidget  *widget,
            const char *message)
{
  GtkRoot *root = gtk_widget_get_root (widget);

  if (KEFU_IS_WINDOW (root))
    kefu_window_add_toast (KEFU_WINDOW (root), adw_toast_new (message));
  else
    g_message ("%s", message);
}

void
kefu_toast_error (GtkWidget    *widget,
                  const GError *error)
{
  GtkRoot *root = gtk_widget_get_root (widget);
  AdwToast *toast = adw_toast_new (error->message);

  adw_toast_set_timeout (toast, 8);
  if (KEFU_IS_WINDOW (root))
    kefu_window_add_toast (KEFU_WINDOW (root), toast);
  else
    {
      g_warning ("%s", error->message);
      g_object_unref (toast);
    }
}

gboolean
kefu_window_may (GtkWidget  *widget,
                 const char *what)
{
  GtkRoot *root = gtk_widget_get_root (widget);
  const char *role;

  if (!KEFU_IS_WINDOW (root))
    return FALSE;
  role = KEFU_WINDOW (root)->role;
  if (g_strcmp0 (role, "admin") == 0)
    return TRUE;
  if (g_strcmp0 (what, "segment-rules") == 0 || g_strcmp0 (what, "sla") == 0 ||
      g_strcmp0 (what, "categories") == 0 || g_strcmp0 (what, "org") == 0)
    return FALSE;
  if (g_strcmp0 (role, "supervisor") == 0)
    return TRUE;
  /* Agents and trainers keep files up to date but do not delete, merge,
   * move or bulk-import them. */
  return g_strcmp0 (what, "edit") == 0 && g_strcmp0 (role, "trainer") != 0;
}

/**
 * kefu_window_check_sla:
 *
 * Flags and escalates cases against their service standards now (the
 * cases clock), then refreshes the bell. Runs at start and every minute;
 * the core's queries walk the partial index on next_due.
 */
void
kefu_window_check_sla (KefuWindow *self)
{
  g_autoptr(GError) error = NULL;
  guint warn_percent;
  guint n_warned = 0, n_escalated = 0;

  g_return_if_fail (KEFU_IS_WINDOW (self));

  if (self->db == NULL || self->role == NULL)
    return;
  warn_percent = (guint) g_settings_get_int (self->settings, "sla-warn-percent");
  if (!kefu_cases_check_sla (self->db, kefu_cases_get_now (self->db), warn_percent,
                             &n_warned, &n_escalated, &error))
    /* Most likely another program holds the database; the next round
     * catches up. */
    g_message ("Service standards not checked: %s", error->message);
  /* Flags and queue counts changed. */
  if (n_warned + n_escalated > 0 && self->cases_view != NULL)
    kefu_cases_view_reload (self->cases_view);
  update_notifications (self);
}

/* Returns: (transfer none): the header bar's bell */
GtkWidget *
kefu_window_get_notifications_button (KefuWindow *self)
{
  return GTK_WIDGET (self->notifications_button);
}

/* Returns: (transfer none): the header bar's sync state */
GtkWidget *
kefu_window_get_sync_button (KefuWindow *self)
{
  return GTK_WIDGET (self->sync_button);
}
