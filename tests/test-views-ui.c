/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>

#include "kefu-assessment-view.h"
#include "kefu-cases-view.h"
#include "kefu-customers-view.h"
#include "kefu-dashboard-view.h"
#include "kefu-kb.h"
#include "kefu-knowledge-view.h"
#include "kefu-org-view.h"
#include "kefu-sample-assessment.h"
#include "kefu-sample-cases.h"
#include "kefu-sample-training.h"
#include "kefu-sample.h"
#include "kefu-sla.h"
#include "kefu-test-ui.h"
#include "kefu-test-util.h"
#include "kefu-training-view.h"
#include "kefu-window.h"

/* A day in Kefu with the full sample data ("Load Sample Data"), as an
 * administrator, a supervisor and an agent: every view reached by its
 * Alt+number, no two widgets on screen sharing a mnemonic, the Keyboard
 * Shortcuts window listing the views of the role, and a PNG of every
 * view in <builddir>/screenshots. */

typedef struct
{
  KefuTestDb *t;
  KefuWindow *window;
  const char *lang;
} Fixture;

static void
iterate (guint n)
{
  for (guint i = 0; i < n; i++)
    g_main_context_iteration (NULL, FALSE);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  KefuSampleOptions opts = kefu_sample_default_options ();

  f->lang = g_getenv ("KEFU_TEST_LANG") ? g_getenv ("KEFU_TEST_LANG") : "en";
  f->t = kefu_test_db_new (FALSE);
  /* What the setup page's "Load Sample Data" writes, smaller. */
  opts.n_customers = 200;
  g_assert_true (kefu_sample_generate (f->t->db, &opts, NULL, NULL, &error));
  g_assert_true (kefu_sample_generate_cases (f->t->db, opts.seed, 600, NULL, NULL, &error));
  g_assert_true (kefu_kb_generate_sample (f->t->db, opts.seed, 40, &error));
  g_assert_true (kefu_sample_generate_training (f->t->db, opts.seed, &error));
  g_assert_true (kefu_sample_generate_assessment (f->t->db, opts.seed, &error));
  g_assert_no_error (error);

  f->window = open_test_window (f->t->db);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  close_test_window (f->window);
  kefu_test_db_free (f->t);
}

/* Signs the first staff member of @role in (of the office where it has
 * one), as the Switch User dialog does. */
static void
switch_to (Fixture    *f,
           const char *role)
{
  g_autofree char *sql = g_strdup_printf ("SELECT s.id FROM staff s WHERE s.role = '%s' AND s.deleted = 0"
                                          " ORDER BY s.org_unit_id = (SELECT value FROM meta WHERE key = 'office_id') DESC,"
                                          " s.username LIMIT 1", role);
  g_autofree char *id = kefu_test_text (f->t->db, sql);

  switch_user (GTK_WINDOW (f->window), f->t->db, id);
  g_assert_cmpstr (kefu_window_get_role (f->window), ==, role);
  wait_for_draw (GTK_WIDGET (f->window));
}

static AdwViewStack *
find_view_stack (GtkWidget *widget)
{
  if (ADW_IS_VIEW_STACK (widget) && adw_view_stack_get_child_by_name (ADW_VIEW_STACK (widget), "cases"))
    return ADW_VIEW_STACK (widget);
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    {
      AdwViewStack *found = find_view_stack (c);

      if (found)
        return found;
    }
  return NULL;
}

/* The names of the tabs the user has, in their order. */
static GPtrArray *
tab_names (Fixture *f)
{
  AdwViewStack *stack = find_view_stack (GTK_WIDGET (f->window));
  g_autoptr(GtkSelectionModel) pages = adw_view_stack_get_pages (stack);
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (pages)); i++)
    {
      g_autoptr(AdwViewStackPage) page = g_list_model_get_item (G_LIST_MODEL (pages), i);

      if (adw_view_stack_page_get_visible (page))
        g_ptr_array_add (names, g_strdup (adw_view_stack_page_get_name (page)));
    }
  return names;
}

static const char *
visible_view (Fixture *f)
{
  return adw_view_stack_get_visible_child_name (find_view_stack (GTK_WIDGET (f->window)));
}

/* Presses Alt+@n in the window: the shortcut bound to that key runs as
 * it would for the key press. FALSE when nothing is bound to it. */
static gboolean
press_alt (Fixture *f,
           guint    n)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (f->window));
  g_autoptr(GtkShortcutTrigger) key = gtk_keyval_trigger_new (GDK_KEY_0 + n, GDK_ALT_MASK);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);

          if (gtk_shortcut_trigger_equal (gtk_shortcut_get_trigger (shortcut), key))
            {
              gboolean done = gtk_shortcut_action_activate (gtk_shortcut_get_action (shortcut), GTK_SHORTCUT_ACTION_EXCLUSIVE,
                                                            GTK_WIDGET (f->window), gtk_shortcut_get_arguments (shortcut));

              iterate (10);
              return done;
            }
        }
    }
  return FALSE;
}

/* --- tests ----------------------------------------------------------- */

/* Alt+1… goes to each tab in order, for every role; views a role does
 * not have cannot be reached: the keys beyond its tabs do nothing. */
static void
test_view_shortcuts (Fixture       *f,
                     gconstpointer  data)
{
  static const char *roles[] = { "admin", "agent", "supervisor", "trainer" };

  for (guint r = 0; r < G_N_ELEMENTS (roles); r++)
    {
      g_autoptr(GPtrArray) names = NULL;
      gboolean manager = g_str_equal (roles[r], "admin") || g_str_equal (roles[r], "supervisor");

      if (r > 0)
        switch_to (f, roles[r]);
      /* The other pages come after the first frame; a shortcut does not
       * wait for them. */
      g_assert_true (press_alt (f, 1));
      names = tab_names (f);
      g_assert_cmpuint (names->len, ==, manager ? 7 : 6);
      g_assert_cmpstr (names->pdata[0], ==, "cases");
      g_assert_cmpstr (names->pdata[5], ==, "assessment");
      if (manager)
        g_assert_cmpstr (names->pdata[6], ==, "dashboard");
      g_assert_true (g_ptr_array_find_with_equal_func (names, "dashboard", g_str_equal, NULL) == manager);
      for (guint n = names->len; n >= 1; n--)
        {
          g_assert_true (press_alt (f, n));
          g_assert_cmpstr (visible_view (f), ==, names->pdata[n - 1]);
        }
      /* Past the last tab: the view stays. */
      g_assert_true (press_alt (f, names->len + 1));
      g_assert_cmpstr (visible_view (f), ==, "cases");
      if (!manager)
        {
          g_assert_null (kefu_window_get_dashboard_view (f->window));
          for (guint n = 1; n <= 9; n++)
            {
              press_alt (f, n);
              g_assert_cmpstr (visible_view (f), !=, "dashboard");
            }
        }
    }
}

/* The Keyboard Shortcuts window lists every view with its key, in the
 * order of the tabs; the Dashboard says whom it is for. */
static void
test_shortcuts_window (Fixture       *f,
                       gconstpointer  data)
{
  static const char *roles[] = { "admin", "agent" };

  for (guint r = 0; r < G_N_ELEMENTS (roles); r++)
    {
      GtkShortcutsWindow *overlay;
      g_autoptr(GPtrArray) names = NULL;
      g_autoptr(GPtrArray) listed = g_ptr_array_new_with_free_func (g_free);
      AdwViewStack *stack = find_view_stack (GTK_WIDGET (f->window));
      GPtrArray *queue = g_ptr_array_new ();

      if (r > 0)
        switch_to (f, roles[r]);
      press_alt (f, 1);
      names = tab_names (f);
      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.show-help-overlay", NULL));
      overlay = gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (f->window));
      g_assert_nonnull (overlay);
      wait_for_draw (GTK_WIDGET (overlay));

      /* The shortcuts on screen that use Alt+number. */
      g_ptr_array_add (queue, overlay);
      while (queue->len > 0)
        {
          GtkWidget *w = g_ptr_array_steal_index (queue, 0);

          if (GTK_IS_SHORTCUTS_SHORTCUT (w) && gtk_widget_get_mapped (w))
            {
              g_autofree char *accel = NULL;
              g_autofree char *title = NULL;
              g_autofree char *subtitle = NULL;

              g_object_get (w, "accelerator", &accel, "title", &title, "subtitle", &subtitle, NULL);
              if (accel && g_str_has_prefix (accel, "<Alt>"))
                g_ptr_array_add (listed, g_strdup_printf ("%s=%s%s%s", accel, title, subtitle && *subtitle ? "/" : "",
                                                          subtitle ? subtitle : ""));
            }
          for (GtkWidget *c = gtk_widget_get_first_child (w); c; c = gtk_widget_get_next_sibling (c))
            g_ptr_array_add (queue, c);
        }
      g_ptr_array_unref (queue);

      /* Seven views, the first six for everybody. */
      g_assert_cmpuint (listed->len, ==, 7);
      for (guint i = 0; i < names->len; i++)
        {
          AdwViewStackPage *page = adw_view_stack_get_page (stack, adw_view_stack_get_child_by_name (stack, names->pdata[i]));
          g_autofree char *want = g_strdup_printf ("<Alt>%u=%s", i + 1, adw_view_stack_page_get_title (page));

          if (!g_str_equal (names->pdata[i], "dashboard"))
            g_assert_true (g_ptr_array_find_with_equal_func (listed, want, g_str_equal, NULL));
        }
      {
        g_autofree char *dashboard = g_strdup_printf ("<Alt>7=%s/%s", _("Dashboard"),
                                                      g_dpgettext2 (NULL, "shortcut window", "Supervisors and administrators"));

        g_assert_true (g_ptr_array_find_with_equal_func (listed, dashboard, g_str_equal, NULL));
      }
      /* The same window for every role. */
      if (r == 0)
        save_png (GTK_WIDGET (overlay), "shortcuts", f->lang);
      gtk_widget_set_visible (GTK_WIDGET (overlay), FALSE);
    }
}

/* The stack under @root that has a page named @name. */
static GtkStack *
find_stack_with (GtkWidget  *root,
                 const char *name)
{
  if (GTK_IS_STACK (root) && gtk_stack_get_child_by_name (GTK_STACK (root), name) != NULL)
    return GTK_STACK (root);
  for (GtkWidget *c = gtk_widget_get_first_child (root); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkStack *found = find_stack_with (c, name);

      if (found)
        return found;
    }
  return NULL;
}

/* Whether a stack under @root has a page named @name that the user is
 * offered (its switcher shows it). */
static gboolean
section_shown (GtkWidget  *root,
               const char *name)
{
  GtkStack *stack = find_stack_with (root, name);

  return stack != NULL && gtk_stack_page_get_visible (gtk_stack_get_page (stack, gtk_stack_get_child_by_name (stack, name)));
}

/* No Alt+key on two visible widgets of the window and no drop-down cut
 * short; with @pictures, a PNG named view-@role-@page too. */
static void
check_page (Fixture    *f,
            const char *role,
            const char *page,
            gboolean    pictures)
{
  g_autofree char *where = g_strdup_printf ("%s, %s", role, page);
  g_autofree char *shot = g_strdup_printf ("view-%s-%s", role, page);

  assert_mnemonics_unique (GTK_WIDGET (f->window), where);
  assert_dropdowns_readable (GTK_WIDGET (f->window), where);
  if (pictures)
    save_png (GTK_WIDGET (f->window), shot, f->lang);
}

/* Every view, and the pages within them a user opens all day, as each
 * role sees them: no Alt+key on two visible widgets. */
static void
check_every_view (Fixture    *f,
                  const char *role,
                  gboolean    pictures)
{
  g_autoptr(GPtrArray) names = NULL;
  g_autofree char *case_id = kefu_test_text (f->t->db, "SELECT id FROM kcase WHERE deleted = 0 AND status = 'closed'"
                                                   " AND id IN (SELECT case_id FROM follow_up) ORDER BY created_at DESC LIMIT 1");
  g_autofree char *claim_id = kefu_test_text (f->t->db, "SELECT id FROM kcase WHERE deleted = 0 AND kind = 'claim'"
                                                    " ORDER BY created_at DESC LIMIT 1");
  g_autofree char *customer_id = kefu_test_text (f->t->db, "SELECT customer_id FROM kcase WHERE deleted = 0"
                                                       " GROUP BY customer_id ORDER BY count(*) DESC LIMIT 1");
  g_autofree char *article_id = kefu_test_text (f->t->db, "SELECT id FROM kb_article WHERE deleted = 0 AND status = 'published'"
                                                      " ORDER BY rowid LIMIT 1");
  g_autofree char *office_id = kefu_test_text (f->t->db, "SELECT value FROM meta WHERE key = 'office_id'");

  press_alt (f, 1);
  names = tab_names (f);
  for (guint n = 1; n <= names->len; n++)
    {
      const char *name = names->pdata[n - 1];

      g_assert_true (press_alt (f, n));
      g_assert_cmpstr (visible_view (f), ==, name);
      if (g_str_equal (name, "dashboard"))
        {
          KefuDashboardView *view = KEFU_DASHBOARD_VIEW (kefu_window_get_dashboard_view (f->window));
          gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

          while (kefu_dashboard_view_is_busy (view) && g_get_monotonic_time () < deadline)
            g_main_context_iteration (NULL, TRUE);
        }
      check_page (f, role, name, pictures);

      if (g_str_equal (name, "cases"))
        {
          KefuCasesView *view = KEFU_CASES_VIEW (kefu_window_get_cases_view (f->window));

          kefu_cases_view_show_case (view, case_id);
          check_page (f, role, "case", pictures);
          kefu_cases_view_show_case (view, claim_id);
          check_page (f, role, "claim", pictures);
        }
      else if (g_str_equal (name, "customers"))
        {
          kefu_customers_view_show_customer (KEFU_CUSTOMERS_VIEW (kefu_window_get_customers_view (f->window)),
                                             customer_id);
          check_page (f, role, "customer-file", pictures);
        }
      else if (g_str_equal (name, "org"))
        {
          g_assert_true (kefu_org_view_select_unit (KEFU_ORG_VIEW (kefu_window_get_org_view (f->window)), office_id));
          /* The office is what the view opens on: no second picture. */
          check_page (f, role, "org-office", FALSE);
        }
      else if (g_str_equal (name, "knowledge"))
        {
          AdwViewStack *stack = find_view_stack (GTK_WIDGET (f->window));

          kefu_knowledge_view_show_article (KEFU_KNOWLEDGE_VIEW (adw_view_stack_get_child_by_name (stack, "knowledge")),
                                            article_id);
          check_page (f, role, "article", pictures);
        }
      else if (g_str_equal (name, "training"))
        {
          static const char *sections[] = { "courses", "completion", "contests" };
          KefuTrainingView *view = KEFU_TRAINING_VIEW (kefu_window_get_training_view (f->window));

          for (guint s = 0; s < G_N_ELEMENTS (sections); s++)
            {
              g_autofree char *page = g_strdup_printf ("training-%s", sections[s]);

              /* Only the sections the role has. */
              if (!section_shown (GTK_WIDGET (view), sections[s]))
                continue;
              kefu_training_view_show_section (view, sections[s]);
              check_page (f, role, page, pictures);
            }
          kefu_training_view_show_section (view, "mine");
        }
    }
}

/* Mapped labels under @root that read @text (a button's label too). */
static guint
count_labels (GtkWidget  *root,
              const char *text)
{
  guint n = GTK_IS_LABEL (root) && gtk_widget_get_mapped (root) &&
            g_strcmp0 (gtk_label_get_label (GTK_LABEL (root)), text) == 0;

  for (GtkWidget *c = gtk_widget_get_first_child (root); c; c = gtk_widget_get_next_sibling (c))
    n += count_labels (c, text);
  return n;
}

/* The supervisor opens Assessment on the sample data: last month's round
 * under way, the people already rated saying so, the others still with
 * their button, and the results of someone rated. */
static void
test_sample_assessment (Fixture       *f,
                        gconstpointer  data)
{
  KefuAssessmentView *view;
  g_autofree char *rated = NULL;
  GtkWindow *sheet;
  int n_rated;

  switch_to (f, "supervisor");
  view = KEFU_ASSESSMENT_VIEW (kefu_window_get_assessment_view (f->window));
  press_alt (f, 6);
  g_assert_cmpstr (visible_view (f), ==, "assessment");
  g_assert_nonnull (kefu_assessment_view_get_round (view));
  wait_for_draw (GTK_WIDGET (f->window));

  n_rated = kefu_test_count (f->t->db, "SELECT count(*) FROM assessment_rater WHERE rater_id ="
                                       " (SELECT value FROM meta WHERE key = 'current_user_id')");
  g_assert_cmpint (n_rated, >=, 2);
  g_assert_cmpuint (count_labels (GTK_WIDGET (view), C_("assessment", "Rated")), ==, n_rated);
  g_assert_cmpuint (count_labels (GTK_WIDGET (view), _("Rate as Supervisor…")), >=, 1);
  /* The round is the office's: its people, none from other units (the
   * administrator is no one the supervisor rates or looks at). */
  g_assert_cmpint (kefu_assessment_view_get_n_people (view), ==,
                   kefu_test_count (f->t->db, "SELECT count(*) FROM staff WHERE deleted = 0 AND active = 1"
                                              " AND role != 'admin' AND org_unit_id = (SELECT value FROM meta WHERE key = 'office_id')"));
  /* Its picture is view-supervisor-assessment (/views-ui/mnemonics/supervisor). */
  assert_view_visible (GTK_WIDGET (view));

  /* The person rated from the most viewpoints. */
  rated = kefu_test_text (f->t->db, "SELECT staff_id FROM assessment WHERE deleted = 0 AND staff_id IN"
                                    " (SELECT staff_id FROM assessment WHERE rater_kind = 'supervisor')"
                                    " GROUP BY staff_id ORDER BY count (DISTINCT rater_kind) DESC, staff_id LIMIT 1");
  sheet = kefu_assessment_view_show_result (view, rated);
  g_assert_nonnull (sheet);
  save_png (GTK_WIDGET (sheet), "assessment-sample-result", f->lang);
  gtk_window_destroy (sheet);
}

/* Whether a button under @root that runs @action is on screen. */
static gboolean
action_shown (GtkWidget  *root,
              const char *action)
{
  if (GTK_IS_ACTIONABLE (root) && gtk_widget_get_mapped (root) &&
      g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (root)), action) == 0)
    return TRUE;
  for (GtkWidget *c = gtk_widget_get_first_child (root); c; c = gtk_widget_get_next_sibling (c))
    if (action_shown (c, action))
      return TRUE;
  return FALSE;
}

/* New Round… and Customer Ratings are for those who lead: an agent or a
 * trainer does not see them greyed out, and a user switch in the same
 * window brings them back for a supervisor. */
static void
test_assessment_lead_controls (Fixture       *f,
                               gconstpointer  data)
{
  static const struct { const char *role; gboolean lead; } users[] = {
    { "admin", TRUE }, { "agent", FALSE }, { "supervisor", TRUE }, { "trainer", FALSE },
  };
  GtkWidget *view = kefu_window_get_assessment_view (f->window);

  for (guint u = 0; u < G_N_ELEMENTS (users); u++)
    {
      if (u > 0)
        switch_to (f, users[u].role);
      g_assert_true (press_alt (f, 6));
      g_assert_cmpstr (visible_view (f), ==, "assessment");
      wait_for_draw (GTK_WIDGET (f->window));
      g_assert_true (action_shown (view, "assessment.new-round") == users[u].lead);
      g_assert_true (action_shown (view, "assessment.derive") == users[u].lead);
    }
}

/* The first menu button under @root. */
static GtkMenuButton *
find_menu_button (GtkWidget *root)
{
  if (GTK_IS_MENU_BUTTON (root))
    return GTK_MENU_BUTTON (root);
  for (GtkWidget *c = gtk_widget_get_first_child (root); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkMenuButton *found = find_menu_button (c);

      if (found)
        return found;
    }
  return NULL;
}

/* @text as a popover menu shows it: without the underscore of its
 * Alt+letter. */
static char *
elide_mnemonic (const char *text)
{
  GString *out = g_string_new (NULL);

  for (const char *p = text; *p; p++)
    if (*p != '_')
      g_string_append_c (out, *p);
  return g_string_free (out, FALSE);
}

/* Whether an item of a popover menu reading @text is on screen. */
static gboolean
menu_item_shown (GtkWidget  *root,
                 const char *text)
{
  if (gtk_widget_get_mapped (root) && g_strcmp0 (G_OBJECT_TYPE_NAME (root), "GtkModelButton") == 0)
    {
      g_autofree char *label = NULL;
      g_autofree char *want = elide_mnemonic (text);

      g_object_get (root, "text", &label, NULL);
      if (g_strcmp0 (label, want) == 0)
        return TRUE;
    }
  for (GtkWidget *c = gtk_widget_get_first_child (root); c; c = gtk_widget_get_next_sibling (c))
    if (menu_item_shown (c, text))
      return TRUE;
  return FALSE;
}

/* Customers' More Actions menu and New Customer button hold only what the
 * role may do: an agent has no Reassign or Segment Rules, a trainer
 * creates no customer; nothing is left greyed out. */
static void
test_customers_controls_by_role (Fixture       *f,
                                 gconstpointer  data)
{
  static const struct { const char *role; gboolean manage; gboolean edit; } users[] = {
    { "admin", TRUE, TRUE }, { "agent", FALSE, TRUE }, { "trainer", FALSE, FALSE }, { "supervisor", TRUE, TRUE },
  };
  GtkWidget *view = kefu_window_get_customers_view (f->window);

  for (guint u = 0; u < G_N_ELEMENTS (users); u++)
    {
      GtkMenuButton *more;
      GtkWidget *popover;

      if (u > 0)
        switch_to (f, users[u].role);
      g_assert_true (press_alt (f, 2));
      g_assert_cmpstr (visible_view (f), ==, "customers");
      wait_for_draw (GTK_WIDGET (f->window));
      g_assert_true (action_shown (view, "customers.new") == users[u].edit);
      more = find_menu_button (view);
      g_assert_nonnull (more);
      gtk_menu_button_popup (more);
      popover = GTK_WIDGET (gtk_menu_button_get_popover (more));
      wait_for_draw (popover);
      /* Export is for everyone: the menu is really open. */
      g_assert_true (menu_item_shown (popover, _("_Export List as CSV…")));
      g_assert_true (menu_item_shown (popover, _("_Reassign Customers…")) == users[u].manage);
      g_assert_true (menu_item_shown (popover, _("_Segment Rules…")) == (u == 0));
      g_assert_true (menu_item_shown (popover, _("Find _Duplicates…")) == users[u].manage);
      g_assert_true (menu_item_shown (popover, _("_Import from CSV…")) == users[u].manage);
      if (u == 1)
        save_png (popover, "customers-menu-agent", f->lang);
      gtk_menu_button_popdown (more);
    }
}

/* The administrator leaves Training on Courses and a supervisor signs
 * in: they see My Training, not a builder page without its tab. */
static void
test_training_section_after_switch (Fixture       *f,
                                    gconstpointer  data)
{
  KefuTrainingView *view = KEFU_TRAINING_VIEW (kefu_window_get_training_view (f->window));
  GtkStack *sections = find_stack_with (GTK_WIDGET (view), "courses");

  press_alt (f, 5);
  kefu_training_view_show_section (view, "courses");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (sections), ==, "courses");
  /* A supervisor follows completion but builds no courses. */
  switch_to (f, "supervisor");
  press_alt (f, 5);
  g_assert_false (section_shown (GTK_WIDGET (view), "courses"));
  g_assert_true (section_shown (GTK_WIDGET (view), "completion"));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (sections), ==, "mine");
  /* Nor can an agent ask for one. */
  kefu_training_view_show_section (view, "completion");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (sections), ==, "completion");
  switch_to (f, "agent");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (sections), ==, "mine");
  kefu_training_view_show_section (view, "completion");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (sections), ==, "mine");
  kefu_training_view_show_section (view, "contests");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (sections), ==, "contests");
}

static void
test_mnemonics_admin (Fixture       *f,
                      gconstpointer  data)
{
  /* My Training holds several courses to start: each row has a button. */
  g_assert_cmpint (kefu_test_count (f->t->db, "SELECT count(*) FROM assignment WHERE deleted = 0"
                                              " AND staff_id = (SELECT value FROM meta WHERE key = 'current_user_id')"), >=, 2);
  check_every_view (f, "admin", TRUE);
}

static void
test_mnemonics_supervisor (Fixture       *f,
                           gconstpointer  data)
{
  switch_to (f, "supervisor");
  check_every_view (f, "supervisor", TRUE);
}

static void
test_mnemonics_agent (Fixture       *f,
                      gconstpointer  data)
{
  switch_to (f, "agent");
  check_every_view (f, "agent", TRUE);
}

int
main (int   argc,
      char *argv[])
{
  ui_test_init (&argc, &argv);
  kefu_calendar_set_data_dir (SRCDIR "/data/calendars");

  g_test_add ("/views-ui/shortcuts/alt-number", Fixture, NULL, fixture_set_up, test_view_shortcuts, fixture_tear_down);
  g_test_add ("/views-ui/shortcuts/window", Fixture, NULL, fixture_set_up, test_shortcuts_window, fixture_tear_down);
  g_test_add ("/views-ui/assessment/sample-round", Fixture, NULL, fixture_set_up, test_sample_assessment, fixture_tear_down);
  g_test_add ("/views-ui/assessment/lead-controls", Fixture, NULL, fixture_set_up, test_assessment_lead_controls,
              fixture_tear_down);
  g_test_add ("/views-ui/customers/controls-by-role", Fixture, NULL, fixture_set_up, test_customers_controls_by_role,
              fixture_tear_down);
  g_test_add ("/views-ui/training/section-after-switch", Fixture, NULL, fixture_set_up, test_training_section_after_switch,
              fixture_tear_down);
  g_test_add ("/views-ui/mnemonics/admin", Fixture, NULL, fixture_set_up, test_mnemonics_admin, fixture_tear_down);
  g_test_add ("/views-ui/mnemonics/supervisor", Fixture, NULL, fixture_set_up, test_mnemonics_supervisor, fixture_tear_down);
  g_test_add ("/views-ui/mnemonics/agent", Fixture, NULL, fixture_set_up, test_mnemonics_agent, fixture_tear_down);

  return ui_test_run ();
}
