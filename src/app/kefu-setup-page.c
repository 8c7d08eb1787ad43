/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "kefu-setup"

#include "config.h"

#include <glib/gi18n.h>

#include "kefu-kb.h"
#include "kefu-org.h"
#include "kefu-sample-assessment.h"
#include "kefu-sample-cases.h"
#include "kefu-sample-training.h"
#include "kefu-sample.h"
#include "kefu-setup-page.h"

/* First run: either the office is set up by hand (branch and first user)
 * or the sample branch is generated, off the main thread, into the same
 * database file. */

struct _KefuSetupPage
{
  GtkWidget       parent_instance;

  GtkWidget      *back_button;
  AdwEntryRow    *branch_row;
  AdwEntryRow    *code_row;
  GtkLabel       *error_label;
  AdwEntryRow    *name_row;
  GtkProgressBar *progress_bar;
  AdwComboRow    *role_row;
  GtkWidget      *sample_button;
  GtkWidget      *setup_button;
  GtkStack       *stack;
  AdwEntryRow    *username_row;

  KefuDb         *db;
  double          fraction;
  guint           pulse_id;
};

enum { FINISHED, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (KefuSetupPage, kefu_setup_page, GTK_TYPE_WIDGET)

static const char *roles[] = { "admin", "supervisor", "agent", "trainer" };

/* --- sample data in a thread ----------------------------------------- */

/* Customers take the first half of the bar, their cases the second. */
static void
sample_progress_cb (double   fraction,
                    gpointer user_data)
{
  KefuSetupPage *self = user_data;

  /* Read by the main loop's timeout; a double store is good enough. */
  self->fraction = fraction / 2;
}

static void
sample_cases_progress_cb (double   fraction,
                          gpointer user_data)
{
  KefuSetupPage *self = user_data;

  self->fraction = 0.5 + fraction / 2;
}

static void
generate_thread (GTask        *task,
                 gpointer      source,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  KefuSetupPage *self = source;
  const char *path = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(KefuDb) db = kefu_db_open (path, &error);
  KefuSampleOptions opts = kefu_sample_default_options ();

  if (db == NULL ||
      !kefu_sample_generate (db, &opts, sample_progress_cb, self, &error) ||
      !kefu_sample_generate_cases (db, opts.seed, opts.n_customers * 3 / 2,
                                   sample_cases_progress_cb, self, &error) ||
      /* Like its customers, cases and courses, the sample office's
       * knowledge base is written in Chinese. */
      !kefu_kb_generate_sample_in (db, opts.seed, KEFU_KB_SAMPLE_ARTICLES, "zh", &error) ||
      !kefu_sample_generate_training (db, opts.seed, &error) ||
      !kefu_sample_generate_assessment (db, opts.seed, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

static gboolean
update_progress_cb (gpointer user_data)
{
  KefuSetupPage *self = user_data;

  gtk_progress_bar_set_fraction (self->progress_bar, self->fraction);
  return G_SOURCE_CONTINUE;
}

static void
generate_done_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  KefuSetupPage *self = KEFU_SETUP_PAGE (source);
  g_autoptr(GError) error = NULL;

  g_clear_handle_id (&self->pulse_id, g_source_remove);
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), FALSE);
  gtk_widget_set_sensitive (self->sample_button, TRUE);
  gtk_widget_set_sensitive (self->setup_button, TRUE);

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                                  _("Sample Data Could Not Be Loaded"),
                                                  error->message);

      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
      gtk_window_present (GTK_WINDOW (dialog));
      return;
    }

  /* The thread signed in on its own connection; pick the user up here. */
  {
    g_autoptr(KefuStaff) user = kefu_org_get_current_user (self->db);

    if (user)
      kefu_db_set_actor (self->db, user->id);
  }
  g_signal_emit (self, signals[FINISHED], 0);
}

void
kefu_setup_page_load_sample (KefuSetupPage *self)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (KEFU_IS_SETUP_PAGE (self));

  gtk_widget_set_sensitive (self->sample_button, FALSE);
  gtk_widget_set_sensitive (self->setup_button, FALSE);
  gtk_progress_bar_set_text (self->progress_bar, _("Generating the sample branch…"));
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), TRUE);
  self->fraction = 0;
  self->pulse_id = g_timeout_add (100, update_progress_cb, self);

  task = g_task_new (self, NULL, generate_done_cb, NULL);
  g_task_set_task_data (task, g_strdup (kefu_db_get_path (self->db)), g_free);
  g_task_run_in_thread (task, generate_thread);
}

/* --- signal callbacks ------------------------------------------------ */

static void
on_sample_clicked_cb (KefuSetupPage *self)
{
  kefu_setup_page_load_sample (self);
}

static void
on_setup_clicked_cb (KefuSetupPage *self)
{
  gtk_stack_set_visible_child_name (self->stack, "form");
  gtk_widget_set_visible (self->back_button, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->code_row));
}

static void
on_back_clicked_cb (KefuSetupPage *self)
{
  gtk_stack_set_visible_child_name (self->stack, "choose");
  gtk_widget_set_visible (self->back_button, FALSE);
}

static void
on_start_clicked_cb (KefuSetupPage *self)
{
  g_autoptr(GError) error = NULL;
  const char *name = gtk_editable_get_text (GTK_EDITABLE (self->name_row));
  const char *branch = gtk_editable_get_text (GTK_EDITABLE (self->branch_row));
  g_autofree char *stripped = g_strstrip (g_strdup (branch));
  guint role = adw_combo_row_get_selected (self->role_row);

  if (*stripped == '\0')
    g_set_error (&error, KEFU_ERROR, KEFU_ERROR_INVALID, _("Enter the branch name."));
  else if (!kefu_org_setup_office (self->db,
                                   gtk_editable_get_text (GTK_EDITABLE (self->code_row)),
                                   stripped, name,
                                   gtk_editable_get_text (GTK_EDITABLE (self->username_row)),
                                   roles[MIN (role, G_N_ELEMENTS (roles) - 1)],
                                   &error))
    {
    }

  if (error)
    {
      gtk_label_set_label (self->error_label, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
      return;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  g_signal_emit (self, signals[FINISHED], 0);
}

/* --- GObject --------------------------------------------------------- */

static void
kefu_setup_page_dispose (GObject *object)
{
  KefuSetupPage *self = (KefuSetupPage *) object;

  g_clear_handle_id (&self->pulse_id, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), KEFU_TYPE_SETUP_PAGE);
  /* The template's top widget is not a bound child: unparent it here. */
  {
    GtkWidget *child;

    while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))))
      gtk_widget_unparent (child);
  }
  g_clear_object (&self->db);
  G_OBJECT_CLASS (kefu_setup_page_parent_class)->dispose (object);
}

static void
kefu_setup_page_class_init (KefuSetupPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kefu_setup_page_dispose;

  signals[FINISHED] = g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/kefu/Kefu/kefu-setup-page.ui");
  gtk_widget_class_bind_template_child (widget_class, KefuSetupPage, back_button);
  gtk_widget_class_bind_template_child (widget_class, KefuSetupPage, branch_row);
  gtk_widget_class_bind_template_child (widget_class, KefuSetupPage, code_row);
  gtk_widget_class_bind_template_child (widget_class, KefuSetupPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, KefuSetupPage, name_row);
  gtk_widget_class_bind_template_child (widget_class, KefuSetupPage, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, KefuSetupPage, role_row);
  gtk_widget_class_bind_template_child (widget_class, KefuSetupPage, sample_button);
  gtk_widget_class_bind_template_child (widget_class, KefuSetupPage, setup_button);
  gtk_widget_class_bind_template_child (widget_class, KefuSetupPage, stack);
  gtk_widget_class_bind_template_child (widget_class, KefuSetupPage, username_row);
  gtk_widget_class_bind_template_callback (widget_class, on_back_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_sample_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_setup_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_start_clicked_cb);
}

static void
kefu_setup_page_init (KefuSetupPage *self)
{
  g_autoptr(GtkStringList) model = gtk_string_list_new (NULL);

  gtk_widget_init_template (GTK_WIDGET (self));
  for (guint i = 0; i < G_N_ELEMENTS (roles); i++)
    gtk_string_list_append (model, kefu_role_label (roles[i]));
  adw_combo_row_set_model (self->role_row, G_LIST_MODEL (model));
}

/* --- public API ------------------------------------------------------ */

void
kefu_setup_page_set_db (KefuSetupPage *self,
                        KefuDb        *db)
{
  g_return_if_fail (KEFU_IS_SETUP_PAGE (self));
  g_set_object (&self->db, db);
}
