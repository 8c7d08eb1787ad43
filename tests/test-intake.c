/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <locale.h>
#include <string.h>

#include "kefu-application.h"
#include "kefu-cases.h"
#include "kefu-intake-window.h"
#include "kefu-sample.h"
#include "kefu-sla.h"
#include "kefu-test-ui.h"
#include "kefu-test-util.h"
#include "kefu-tracking.h"
#include "kefu-window.h"

/* Intake (受理) end to end in the real window under Xvfb: the caller found
 * as the agent types, a case saved with Ctrl+Enter's action, the duplicate
 * offer, the S10 check, an unknown caller, the screen pop. PNGs go to
 * <builddir>/screenshots. */

typedef struct
{
  KefuTestDb      *t;
  KefuApplication *app;
  KefuWindow      *window;
  const char      *lang;
  guint            n_created;
  char            *opened;     /* the last "open-case" id */
} Fixture;

/* --- helpers --------------------------------------------------------- */


static gboolean
timeout_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the main loop for @ms milliseconds. */
static void
run_for (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, timeout_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}


static gpointer
child (gpointer    intake,
       const char *name)
{
  GObject *object = gtk_widget_get_template_child (GTK_WIDGET (intake), KEFU_TYPE_INTAKE_WINDOW, name);

  g_assert_nonnull (object);
  return object;
}

static void
set_row (gpointer    intake,
         const char *name,
         const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (child (intake, name)), text);
}

static void
select_kind (gpointer    intake,
             const char *kind)
{
  const char **keys = kefu_case_kind_keys ();

  for (guint i = 0; keys[i]; i++)
    if (g_str_equal (keys[i], kind))
      {
        adw_combo_row_set_selected (child (intake, "kind_row"), i);
        return;
      }
  g_assert_not_reached ();
}

static gboolean
revealed (gpointer    intake,
          const char *name)
{
  GtkRevealer *revealer = child (intake, name);

  return gtk_widget_get_visible (GTK_WIDGET (revealer)) && gtk_revealer_get_reveal_child (revealer);
}

/* An intake window of the application other than @except, or NULL. */
static KefuIntakeWindow *
find_intake_except (Fixture          *f,
                    KefuIntakeWindow *except)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (f->app)); l; l = l->next)
    if (KEFU_IS_INTAKE_WINDOW (l->data) && l->data != except)
      return l->data;
  return NULL;
}

static KefuIntakeWindow *
find_intake (Fixture *f)
{
  return find_intake_except (f, NULL);
}

static void
case_created_cb (KefuIntakeWindow *intake,
                 const char       *id,
                 Fixture          *f)
{
  g_assert_nonnull (id);
  f->n_created++;
}

static void
open_case_cb (KefuIntakeWindow *intake,
              const char       *id,
              Fixture          *f)
{
  g_free (f->opened);
  f->opened = g_strdup (id);
}

/* Opens intake through the action Ctrl+I is bound to. */
static KefuIntakeWindow *
open_intake (Fixture *f)
{
  KefuIntakeWindow *intake;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.intake", NULL));
  intake = find_intake (f);
  g_assert_nonnull (intake);
  g_signal_connect (intake, "case-created", G_CALLBACK (case_created_cb), f);
  g_signal_connect (intake, "open-case", G_CALLBACK (open_case_cb), f);
  wait_for_draw (GTK_WIDGET (intake));
  return intake;
}

/* Closes intake without asking and checks that nothing keeps it alive. */
static void
close_intake (KefuIntakeWindow *intake)
{
  g_object_ref (intake);
  gtk_window_destroy (GTK_WINDOW (intake));
  kefu_test_iterate (10);
  g_assert_finalize_object (intake);
}

/* A customer whose mobile number no other file has; returns the id and
 * the eleven digits. */
static char *
customer_with_mobile (KefuDb  *db,
                      char   **digits)
{
  sqlite3_stmt *stmt = kefu_db_prepare (db,
                                        "SELECT min(k.customer_id), k.normalized FROM customer_contact k"
                                        " WHERE k.kind = 'phone' AND k.deleted = 0 AND length (k.normalized) = 11"
                                        " AND k.normalized LIKE '1%' GROUP BY k.normalized HAVING count(*) = 1"
                                        " ORDER BY min(k.rowid) LIMIT 1", NULL);
  char *id = NULL;

  g_assert_nonnull (stmt);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      id = kefu_stmt_dup (stmt, 0);
      *digits = kefu_stmt_dup (stmt, 1);
    }
  sqlite3_reset (stmt);
  g_assert_nonnull (id);
  return id;
}

/* "+86 138-1234-5678": the way a caller reads a number out. */
static char *
spoken_form (const char *digits)
{
  return g_strdup_printf ("+86 %.3s-%.4s-%.4s", digits, digits + 3, digits + 7);
}

static char *
s10_number (const char *serial,
            gboolean    right_check_digit)
{
  char check = kefu_tracking_s10_check_digit (serial);

  g_assert_cmpint (check, !=, 0);
  if (!right_check_digit)
    check = check == '9' ? '0' : check + 1;
  return g_strdup_printf ("EE%s%cCN", serial, check);
}

static int
count_cases (Fixture *f)
{
  return kefu_test_count (f->t->db, "SELECT count(*) FROM kcase");
}

static int
count_customers (Fixture *f)
{
  return kefu_test_count (f->t->db, "SELECT count(*) FROM customer");
}

/* --- fixture --------------------------------------------------------- */

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->lang = kefu_test_ui_lang ();
  f->t = kefu_test_sample_db_new (300);

  f->window = kefu_test_window_open (f->t->db, 1280, 800, &f->app);
  wait_for_draw (GTK_WIDGET (f->window));
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  KefuIntakeWindow *intake;

  while ((intake = find_intake (f)) != NULL)
    close_intake (intake);
  kefu_test_window_close (f->window, &f->app);
  g_clear_pointer (&f->opened, g_free);
  kefu_test_db_free (f->t);
}

/* --- tests ----------------------------------------------------------- */

/* The row of an open case in the caller's file. */
static AdwActionRow *
find_case_row (GtkWidget  *widget,
               const char *case_id)
{
  if (ADW_IS_ACTION_ROW (widget) && g_strcmp0 (g_object_get_data (G_OBJECT (widget), "case-id"), case_id) == 0)
    return ADW_ACTION_ROW (widget);
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    {
      AdwActionRow *row = find_case_row (c, case_id);

      if (row)
        return row;
    }
  return NULL;
}


static void
test_matched_saved_and_duplicate (Fixture       *f,
                                  gconstpointer  data)
{
  g_autofree char *digits = NULL;
  g_autofree char *id = customer_with_mobile (f->t->db, &digits);
  g_autofree char *spoken = spoken_form (digits);
  g_autofree char *tracking = s10_number ("20261128", TRUE);
  g_autofree char *first_id = NULL;
  g_autoptr(KefuCase) c = NULL;
  g_autoptr(KefuCase) second = NULL;
  g_autoptr(KefuStaff) user = kefu_org_get_current_user (f->t->db);
  g_autoptr(KefuOrgUnit) office = kefu_org_get_office (f->t->db);
  g_autofree char *date = kefu_local_date_string (kefu_cases_get_now (f->t->db));
  g_autofree char *day = g_strdup_printf ("%.4s%.2s%.2s", date, date + 5, date + 8);
  g_autofree char *pattern = NULL;
  g_autofree char *copied = NULL;
  GtkTextBuffer *buffer;
  GdkContentProvider *content;
  GValue value = G_VALUE_INIT;
  KefuIntakeWindow *intake;
  AdwActionRow *row;
  int n_cases = count_cases (f);

  intake = open_intake (f);
  /* The caller search has the focus, and finds the file as the agent
   * types: after the debounce, without Enter. */
  g_assert_true (gtk_widget_get_ancestor (gtk_window_get_focus (GTK_WINDOW (intake)), GTK_TYPE_SEARCH_ENTRY) ==
                 child (intake, "caller_entry"));
  set_row (intake, "caller_entry", spoken);
  for (guint i = 0; i < 40 && kefu_intake_window_get_customer_id (intake) == NULL; i++)
    run_for (25);
  g_assert_cmpstr (kefu_intake_window_get_customer_id (intake), ==, id);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (child (intake, "caller_stack")), ==, "match");
  save_png (GTK_WIDGET (intake), "intake-matched", f->lang);

  /* A complaint about a parcel with a valid S10 number. */
  select_kind (intake, "complaint");
  set_row (intake, "tracking_row", tracking);
  g_assert_false (gtk_widget_get_visible (child (intake, "tracking_error")));
  g_assert_true (gtk_widget_get_visible (child (intake, "tracking_ok_icon")));
  set_row (intake, "subject_row", "Parcel three days late");
  buffer = gtk_text_view_get_buffer (child (intake, "description_view"));
  gtk_text_buffer_set_text (buffer, "The customer says it has not moved since Monday.\nWants it by Friday.", -1);
  g_assert_true (kefu_intake_window_has_unsaved (intake));

  /* Ctrl+Enter's action. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (intake), "intake.save", NULL));
  g_assert_false (revealed (intake, "message_revealer"));
  g_assert_cmpuint (f->n_created, ==, 1);
  g_assert_cmpint (count_cases (f), ==, n_cases + 1);
  g_assert_nonnull (kefu_intake_window_get_case_id (intake));
  first_id = g_strdup (kefu_intake_window_get_case_id (intake));
  c = kefu_cases_get (f->t->db, first_id, NULL);
  g_assert_nonnull (c);
  g_assert_cmpstr (c->customer_id, ==, id);
  g_assert_cmpstr (c->kind, ==, "complaint");
  g_assert_cmpstr (c->channel, ==, "phone");
  g_assert_cmpstr (c->priority, ==, "normal");
  g_assert_cmpstr (c->tracking_number, ==, tracking);
  g_assert_cmpstr (c->subject, ==, "Parcel three days late");
  g_assert_cmpstr (c->description, ==, "The customer says it has not moved since Monday.\nWants it by Friday.");
  g_assert_cmpstr (c->owner_id, ==, user->id);
  g_assert_cmpstr (c->status, ==, "new");
  /* Branch code + date + daily sequence. */
  pattern = g_strdup_printf ("^%s%s[0-9]{4}$", office->code, day);
  g_assert_true (g_regex_match_simple (pattern, c->number, 0, 0));
  g_assert_cmpstr (gtk_label_get_label (child (intake, "number_label")), ==, c->number);
  g_assert_false (kefu_intake_window_has_unsaved (intake));
  save_png (GTK_WIDGET (intake), "intake-saved", f->lang);

  /* The number is copyable, and "Open Case" asks for the case. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (intake), "intake.copy-number", NULL));
  content = gdk_clipboard_get_content (gtk_widget_get_clipboard (GTK_WIDGET (intake)));
  g_assert_nonnull (content);
  g_value_init (&value, G_TYPE_STRING);
  g_assert_true (gdk_content_provider_get_value (content, &value, NULL));
  copied = g_value_dup_string (&value);
  g_value_unset (&value);
  g_assert_cmpstr (copied, ==, c->number);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (intake), "intake.open-case", NULL));
  g_assert_cmpstr (f->opened, ==, first_id);

  /* Next caller, same customer, same parcel: the open case is offered
   * first, and saving alone writes nothing. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (intake), "intake.new", NULL));
  g_assert_null (kefu_intake_window_get_customer_id (intake));
  kefu_intake_window_set_caller (intake, digits);
  g_assert_cmpstr (kefu_intake_window_get_customer_id (intake), ==, id);
  /* The caller found, the agent goes on to the kind of case. */
  g_assert_true (gtk_widget_get_ancestor (gtk_window_get_focus (GTK_WINDOW (intake)), ADW_TYPE_COMBO_ROW) ==
                 child (intake, "kind_row"));
  /* The file lists the case just taken; activating it asks for it. */
  row = find_case_row (child (intake, "file_box"), first_id);
  g_assert_nonnull (row);
  g_clear_pointer (&f->opened, g_free);
  g_signal_emit_by_name (row, "activated");
  g_assert_cmpstr (f->opened, ==, first_id);
  select_kind (intake, "complaint");
  set_row (intake, "tracking_row", tracking);
  set_row (intake, "subject_row", "Still not delivered");
  g_assert_true (revealed (intake, "duplicate_revealer"));
  g_assert_nonnull (strstr (gtk_label_get_label (child (intake, "duplicate_label")), c->number));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (intake), "intake.save", NULL));
  g_assert_cmpint (count_cases (f), ==, n_cases + 1);
  g_assert_null (kefu_intake_window_get_case_id (intake));
  g_assert_true (revealed (intake, "duplicate_revealer"));
  save_png (GTK_WIDGET (intake), "intake-duplicate", f->lang);

  /* "Open It" asks for the existing case; "Create Anyway" makes one. */
  g_clear_pointer (&f->opened, g_free);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (intake), "intake.open-duplicate", NULL));
  g_assert_cmpstr (f->opened, ==, first_id);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (intake), "intake.create-anyway", NULL));
  g_assert_cmpint (count_cases (f), ==, n_cases + 2);
  g_assert_nonnull (kefu_intake_window_get_case_id (intake));
  second = kefu_cases_get (f->t->db, kefu_intake_window_get_case_id (intake), NULL);
  g_assert_cmpstr (second->customer_id, ==, id);
  g_assert_cmpstr (second->tracking_number, ==, tracking);
  g_assert_cmpstr (second->number, !=, c->number);
  g_assert_cmpuint (f->n_created, ==, 2);

  close_intake (intake);
}

static void
test_bad_check_digit (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *digits = NULL;
  g_autofree char *id = customer_with_mobile (f->t->db, &digits);
  g_autofree char *wrong = s10_number ("31415926", FALSE);
  KefuIntakeWindow *intake;
  GtkWindow *dialog = NULL;
  GListModel *toplevels;
  int n_cases = count_cases (f);

  intake = open_intake (f);
  kefu_intake_window_set_caller (intake, digits);
  g_assert_cmpstr (kefu_intake_window_get_customer_id (intake), ==, id);
  select_kind (intake, "tracking");
  set_row (intake, "subject_row", "Where is my parcel?");

  /* The wrong check digit shows under the field as soon as it is typed… */
  set_row (intake, "tracking_row", wrong);
  g_assert_true (gtk_widget_get_visible (child (intake, "tracking_error")));
  g_assert_nonnull (strstr (gtk_label_get_label (child (intake, "tracking_error")), wrong));
  g_assert_true (gtk_widget_has_css_class (child (intake, "tracking_row"), "error"));
  g_assert_false (gtk_widget_get_visible (child (intake, "tracking_ok_icon")));

  /* …and saving writes nothing and keeps the form. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (intake), "intake.save", NULL));
  g_assert_cmpint (count_cases (f), ==, n_cases);
  g_assert_null (kefu_intake_window_get_case_id (intake));
  g_assert_true (revealed (intake, "message_revealer"));
  g_assert_cmpstr (gtk_editable_get_text (child (intake, "subject_row")), ==, "Where is my parcel?");
  g_assert_cmpstr (gtk_editable_get_text (child (intake, "tracking_row")), ==, wrong);
  save_png (GTK_WIDGET (intake), "intake-bad-check-digit", f->lang);

  /* Other carriers' numbers are accepted as typed. */
  set_row (intake, "tracking_row", "SF 1234 5678 9012");
  g_assert_false (gtk_widget_get_visible (child (intake, "tracking_error")));

  /* Escape (window.close) with unsaved text asks first. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (intake), "window.close", NULL));
  kefu_test_iterate (10);
  g_assert_true (find_intake (f) == intake);
  toplevels = gtk_window_get_toplevels ();
  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) w = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (w) && gtk_window_get_transient_for (w) == GTK_WINDOW (intake))
        dialog = w;
    }
  g_assert_nonnull (dialog);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  gtk_window_destroy (dialog);
  g_assert_true (find_intake (f) == intake);
  g_assert_cmpint (count_cases (f), ==, n_cases);

  close_intake (intake);
}

static void
test_new_customer (Fixture       *f,
                   gconstpointer  data)
{
  const char *phone = "+86 199-0000-0001";
  g_autoptr(KefuCustomer) before = kefu_customers_find_by_phone (f->t->db, phone, NULL);
  g_autoptr(KefuCustomer) created = NULL;
  g_autoptr(KefuCase) c = NULL;
  KefuIntakeWindow *intake;
  int n_cases = count_cases (f);
  int n_customers = count_customers (f);

  g_assert_null (before);
  intake = open_intake (f);

  /* Nobody has this number: a new file, the number already in it. */
  kefu_intake_window_set_caller (intake, phone);
  g_assert_null (kefu_intake_window_get_customer_id (intake));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (child (intake, "caller_stack")), ==, "new");
  g_assert_cmpstr (gtk_editable_get_text (child (intake, "new_phone_row")), ==, phone);

  /* A claim that the core refuses (no amount): the new file is not kept
   * either, since file and case are one transaction. */
  set_row (intake, "new_name_row", "测试新客户");
  select_kind (intake, "claim");
  g_assert_true (gtk_widget_get_visible (child (intake, "claim_group")));
  set_row (intake, "tracking_row", "SF1234567890123");
  set_row (intake, "subject_row", "包裹破损，要求赔偿");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (intake), "intake.save", NULL));
  g_assert_true (revealed (intake, "message_revealer"));
  g_assert_cmpint (count_cases (f), ==, n_cases);
  g_assert_cmpint (count_customers (f), ==, n_customers);

  /* With an amount the file and the case are made together. */
  set_row (intake, "claim_amount_row", "350.50");
  g_assert_false (revealed (intake, "message_revealer"));
  set_row (intake, "declared_value_row", "500");
  gtk_switch_set_active (child (intake, "insured_switch"), TRUE);
  save_png (GTK_WIDGET (intake), "intake-new-customer", f->lang);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (intake), "intake.save", NULL));
  g_assert_false (revealed (intake, "message_revealer"));
  g_assert_cmpint (count_cases (f), ==, n_cases + 1);
  g_assert_cmpint (count_customers (f), ==, n_customers + 1);

  created = kefu_customers_find_by_phone (f->t->db, phone, NULL);
  g_assert_nonnull (created);
  g_assert_cmpstr (created->name, ==, "测试新客户");
  g_assert_cmpstr (created->kind, ==, "person");
  c = kefu_cases_get (f->t->db, kefu_intake_window_get_case_id (intake), NULL);
  g_assert_cmpstr (c->customer_id, ==, created->id);
  g_assert_cmpstr (c->kind, ==, "claim");
  g_assert_cmpint (c->claim_amount_cents, ==, 35050);
  g_assert_cmpint (c->declared_value_cents, ==, 50000);
  g_assert_true (c->insured);

  /* The same number typed as a new file again is not a second file. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (intake), "intake.new", NULL));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (intake), "intake.new-customer", NULL));
  set_row (intake, "new_name_row", "测试重复客户");
  set_row (intake, "new_phone_row", "199 0000 0001");
  g_assert_true (gtk_widget_get_visible (child (intake, "existing_box")));
  set_row (intake, "subject_row", "Asks about the claim");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (intake), "intake.save", NULL));
  g_assert_cmpint (count_customers (f), ==, n_customers + 1);
  g_clear_pointer (&c, kefu_case_free);
  c = kefu_cases_get (f->t->db, kefu_intake_window_get_case_id (intake), NULL);
  g_assert_cmpstr (c->customer_id, ==, created->id);

  close_intake (intake);
}

static void
test_screen_pop (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *digits = NULL;
  g_autofree char *id = customer_with_mobile (f->t->db, &digits);
  g_autofree char *spoken = spoken_form (digits);
  g_auto(GStrv) accels = gtk_application_get_accels_for_action (GTK_APPLICATION (f->app), "win.intake");
  KefuIntakeWindow *intake;
  KefuIntakeWindow *second;

  /* Ctrl+I opens intake from every window of the application. */
  g_assert_true (g_strv_contains ((const char * const *) accels, "<Control>i"));

  g_assert_null (find_intake (f));
  g_action_group_activate_action (G_ACTION_GROUP (f->app), "incoming-call", g_variant_new_string (spoken));
  intake = find_intake (f);
  g_assert_nonnull (intake);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (intake)));
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (intake)) == GTK_WINDOW (f->window));
  g_assert_cmpstr (kefu_intake_window_get_customer_id (intake), ==, id);
  g_assert_cmpstr (gtk_editable_get_text (child (intake, "caller_entry")), ==, spoken);
  save_png (GTK_WIDGET (intake), "intake-screen-pop", f->lang);

  /* A second call while the first intake holds unsaved text opens a
   * window of its own; nothing typed is lost. */
  set_row (intake, "subject_row", "First caller's story");
  g_action_group_activate_action (G_ACTION_GROUP (f->app), "incoming-call", g_variant_new_string ("+86 199 0000 0002"));
  second = find_intake_except (f, intake);
  g_assert_nonnull (second);
  g_assert_cmpstr (gtk_editable_get_text (child (intake, "subject_row")), ==, "First caller's story");
  g_assert_cmpstr (gtk_editable_get_text (child (intake, "caller_entry")), ==, spoken);
  g_assert_cmpstr (gtk_editable_get_text (child (second, "caller_entry")), ==, "+86 199 0000 0002");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (child (second, "caller_stack")), ==, "new");

  /* A call while intake is open but untouched reuses that window. */
  close_intake (intake);
  g_action_group_activate_action (G_ACTION_GROUP (f->app), "incoming-call", g_variant_new_string (digits));
  g_assert_true (find_intake (f) == second);
  g_assert_null (find_intake_except (f, second));
  g_assert_cmpstr (kefu_intake_window_get_customer_id (second), ==, id);
}

static AdwActionRow *
find_match_row (GtkWidget *widget,
                guint      index)
{
  if (ADW_IS_ACTION_ROW (widget) && g_object_get_data (G_OBJECT (widget), "index") == GUINT_TO_POINTER (index))
    return ADW_ACTION_ROW (widget);
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    {
      AdwActionRow *row = find_match_row (c, index);

      if (row)
        return row;
    }
  return NULL;
}

static void
test_choose_another_match (Fixture       *f,
                           gconstpointer  data)
{
  g_autofree char *first = NULL;
  KefuIntakeWindow *intake = open_intake (f);
  AdwActionRow *row;

  /* Part of a number: several files match, the first is shown, the
   * others can be chosen. */
  kefu_intake_window_set_caller (intake, "150");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (child (intake, "caller_stack")), ==, "match");
  first = g_strdup (kefu_intake_window_get_customer_id (intake));
  g_assert_nonnull (first);
  wait_for_draw (GTK_WIDGET (intake));
  row = find_match_row (child (intake, "file_box"), 1);
  g_assert_nonnull (row);
  g_signal_emit_by_name (row, "activated");
  run_for (50);
  g_assert_nonnull (kefu_intake_window_get_customer_id (intake));
  g_assert_cmpstr (kefu_intake_window_get_customer_id (intake), !=, first);
  g_assert_true (gtk_widget_get_ancestor (gtk_window_get_focus (GTK_WINDOW (intake)), ADW_TYPE_COMBO_ROW) ==
                 child (intake, "kind_row"));
  close_intake (intake);
}

static void
test_command_line (void)
{
  const char *argv[] = { BUILDDIR "/src/app/kefu", "--incoming-call", "", NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                               &out, &err, &status, &error));
  g_assert_no_error (error);
  g_assert_false (g_spawn_check_wait_status (status, &error));
  g_assert_error (error, G_SPAWN_EXIT_ERROR, 1);
  g_assert_nonnull (strstr (err, "--incoming-call"));
}

int
main (int   argc,
      char *argv[])
{
  kefu_test_ui_init (&argc, &argv, FALSE);

  g_test_add ("/ui/intake/matched-saved-and-duplicate", Fixture, NULL, fixture_set_up, test_matched_saved_and_duplicate, fixture_tear_down);
  g_test_add ("/ui/intake/bad-check-digit", Fixture, NULL, fixture_set_up, test_bad_check_digit, fixture_tear_down);
  g_test_add ("/ui/intake/new-customer", Fixture, NULL, fixture_set_up, test_new_customer, fixture_tear_down);
  g_test_add ("/ui/intake/choose-another-match", Fixture, NULL, fixture_set_up, test_choose_another_match, fixture_tear_down);
  g_test_add ("/ui/intake/screen-pop", Fixture, NULL, fixture_set_up, test_screen_pop, fixture_tear_down);
  g_test_add_func ("/ui/intake/command-line-needs-a-number", test_command_line);

  return kefu_test_ui_run ();
}
