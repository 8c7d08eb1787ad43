/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "kefu-case-common"

#include "config.h"

#include <glib/gi18n.h>

#include "kefu-case-common.h"
#include "kefu-sla.h"
#include "kefu-text.h"

/* --- time ------------------------------------------------------------ */

static gint64
business_day_minutes (KefuDb *db)
{
  KefuCalendar *cal = kefu_calendar_get_for_db (db, NULL);
  gint64 len = 0;

  if (cal != NULL)
    len = kefu_calendar_get_work_end (cal) - kefu_calendar_get_work_start (cal);
  return len > 0 ? len : KEFU_BUSINESS_DAY_MINUTES;
}

char *
_kefu_format_business_minutes (KefuDb *db,
                               gint64  minutes)
{
  gint64 day = business_day_minutes (db);
  gint64 days = minutes / day;
  gint64 hours = (minutes % day) / 60;
  gint64 mins = minutes % 60;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;

  if (minutes < 1)
    return g_strdup (_("less than a minute"));

  /* Two units at most: "1 day 3 h", "2 h 15 min", "40 min". */
  if (days > 0)
    {
      /* Translators: business (working) days */
      first = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d business day", "%d business days", (gulong) days), (int) days);
      if (hours > 0)
        /* Translators: hours, abbreviated */
        second = g_strdup_printf (_("%d h"), (int) hours);
    }
  else if (hours > 0)
    {
      first = g_strdup_printf (_("%d h"), (int) hours);
      if (mins > 0)
        /* Translators: minutes, abbreviated */
        second = g_strdup_printf (_("%d min"), (int) mins);
    }
  else
    first = g_strdup_printf (_("%d min"), (int) mins);

  if (second == NULL)
    return g_steal_pointer (&first);
  /* Translators: two parts of a duration, "1 day" and "3 h" */
  return g_strdup_printf (C_("duration", "%s %s"), first, second);
}

char *
_kefu_case_time_left (KefuDb       *db,
                      gint64        due_ms,
                      gboolean      paused,
                      gboolean      warned,
                      gint64        now_ms,
                      KefuTimeLeft *state)
{
  KefuCalendar *cal;
  g_autofree char *span = NULL;

  if (paused)
    {
      *state = KEFU_TIME_LEFT_PAUSED;
      return g_strdup (_("Paused — waiting on customer"));
    }
  if (due_ms <= 0)
    {
      *state = KEFU_TIME_LEFT_NONE;
      return NULL;
    }

  cal = kefu_calendar_get_for_db (db, NULL);
  if (due_ms <= now_ms)
    {
      gint64 minutes = cal ? kefu_calendar_minutes_between (cal, due_ms, now_ms) : (now_ms - due_ms) / 60000;

      *state = KEFU_TIME_LEFT_OVERDUE;
      if (minutes < 1)
        return g_strdup (_("Overdue"));
      span = _kefu_format_business_minutes (db, minutes);
      /* Translators: %s is a span of business time, "1 day", "2 h 15 min" */
      return g_strdup_printf (_("Overdue by %s"), span);
    }

  *state = warned ? KEFU_TIME_LEFT_WARNING : KEFU_TIME_LEFT_OK;
  span = _kefu_format_business_minutes (db, cal ? kefu_calendar_minutes_between (cal, now_ms, due_ms)
                                                : (due_ms - now_ms) / 60000);
  /* Translators: %s is a span of business time, "2 h 15 min" */
  return g_strdup_printf (_("%s left"), span);
}

void
_kefu_time_left_style (GtkWidget    *label,
                       KefuTimeLeft  state)
{
  gtk_widget_remove_css_class (label, "error");
  gtk_widget_remove_css_class (label, "warning");
  gtk_widget_remove_css_class (label, "dim-label");
  switch (state)
    {
    case KEFU_TIME_LEFT_OVERDUE:
      gtk_widget_add_css_class (label, "error");
      break;
    case KEFU_TIME_LEFT_WARNING:
      gtk_widget_add_css_class (label, "warning");
      break;
    case KEFU_TIME_LEFT_NONE:
    case KEFU_TIME_LEFT_OK:
    case KEFU_TIME_LEFT_PAUSED:
    default:
      gtk_widget_add_css_class (label, "dim-label");
      break;
    }
}

char *
_kefu_case_format_time (gint64   unix_ms,
                        gboolean with_time)
{
  g_autoptr(GTimeZone) tz = g_time_zone_new_offset (8 * 3600);
  g_autoptr(GDateTime) utc = NULL;
  g_autoptr(GDateTime) local = NULL;

  if (unix_ms <= 0 || (utc = g_date_time_new_from_unix_utc (unix_ms / 1000)) == NULL)
    return g_strdup ("—");
  local = g_date_time_to_timezone (utc, tz);
  /* Translators: date format, see g_date_time_format() */
  return g_date_time_format (local, with_time ? _("%Y-%m-%d %H:%M") : _("%Y-%m-%d"));
}

/* --- money and badges ------------------------------------------------ */

GtkWidget *
_kefu_case_badge_new (void)
{
  GtkWidget *badge = gtk_label_new (NULL);

  gtk_widget_add_css_class (badge, "case-badge");
  gtk_widget_set_valign (badge, GTK_ALIGN_CENTER);
  return badge;
}

void
_kefu_case_badge_set (GtkWidget  *badge,
                      const char *family,
                      const char *key,
                      const char *label)
{
  const char *klass = g_object_get_data (G_OBJECT (badge), "kefu-badge-class");
  g_autofree char *wanted = g_strdup_printf ("%s-%s", family, key ? key : "none");

  if (g_strcmp0 (klass, wanted) != 0)
    {
      if (klass)
        gtk_widget_remove_css_class (badge, klass);
      gtk_widget_add_css_class (badge, wanted);
      g_object_set_data_full (G_OBJECT (badge), "kefu-badge-class", g_steal_pointer (&wanted), g_free);
    }
  gtk_label_set_label (GTK_LABEL (badge), label ? label : "");
  gtk_widget_set_visible (badge, label != NULL && *label != '\0');
}

/* --- compact dropdowns ----------------------------------------------- */

static void
setup_label_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *item,
                gpointer                  ellipsize)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  if (ellipsize)
    {
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
      gtk_label_set_width_chars (GTK_LABEL (label), 4);
    }
  gtk_list_item_set_child (item, label);
}

static void
bind_label_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               gpointer                  ellipsize)
{
  GtkStringObject *string = gtk_list_item_get_item (item);

  gtk_label_set_label (GTK_LABEL (gtk_list_item_get_child (item)),
                       GTK_IS_STRING_OBJECT (string) ? gtk_string_object_get_string (string) : "");
}

static GtkListItemFactory *
label_factory (gboolean ellipsize)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();

  g_signal_connect (factory, "setup", G_CALLBACK (setup_label_cb), GINT_TO_POINTER (ellipsize));
  g_signal_connect (factory, "bind", G_CALLBACK (bind_label_cb), GINT_TO_POINTER (ellipsize));
  return factory;
}

void
_kefu_drop_down_set_compact (GtkDropDown *dropdown)
{
  g_autoptr(GtkListItemFactory) button = label_factory (TRUE);
  g_autoptr(GtkListItemFactory) popup = label_factory (FALSE);

  gtk_drop_down_set_factory (dropdown, button);
  gtk_drop_down_set_list_factory (dropdown, popup);
  /* What the search of a searchable dropdown matches. */
  gtk_drop_down_set_expression (dropdown, gtk_property_expression_new (GTK_TYPE_STRING_OBJECT, NULL, "string"));
}

/* --- directory ------------------------------------------------------- */

void
_kefu_named_id_free (KefuNamedId *item)
{
  if (item == NULL)
    return;
  g_free (item->id);
  g_free (item->name);
  g_free (item);
}

static GPtrArray *
list_named (KefuDb     *db,
            const char *sql,
            const char *arg)
{
  GPtrArray *ret = g_ptr_array_new_with_free_func ((GDestroyNotify) _kefu_named_id_free);
  g_autofree char *office = kefu_db_get_meta (db, "office_id");
  sqlite3_stmt *stmt = kefu_db_prepare (db, sql, NULL);

  if (stmt == NULL)
    return ret;
  /* ?1 the office, ?2 the argument, where the statement has them. */
  if (sqlite3_bind_parameter_count (stmt) >= 1)
    sqlite3_bind_text (stmt, 1, office, -1, SQLITE_TRANSIENT);
  if (sqlite3_bind_parameter_count (stmt) >= 2)
    sqlite3_bind_text (stmt, 2, arg, -1, SQLITE_TRANSIENT);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      KefuNamedId *item = g_new0 (KefuNamedId, 1);

      item->id = kefu_stmt_dup (stmt, 0);
      item->name = kefu_stmt_dup (stmt, 1);
      g_ptr_array_add (ret, item);
    }
  sqlite3_reset (stmt);
  return ret;
}

/* Returns: (transfer full): the departments of this office, customer
 * service first */
GPtrArray *
_kefu_list_departments (KefuDb *db)
{
  return list_named (db,
                     "SELECT id, name FROM department WHERE deleted = 0 AND active = 1 AND org_unit_id = ?1"
                     " ORDER BY CASE kind WHEN 'service' THEN 0 WHEN 'delivery' THEN 1 WHEN 'finance' THEN 2"
                     " WHEN 'management' THEN 3 ELSE 4 END, name",
                     NULL);
}

/* Returns: (transfer full): active staff of the office by name */
GPtrArray *
_kefu_list_office_staff (KefuDb     *db,
                         const char *department_id)
{
  return list_named (db,
                     "SELECT id, name FROM staff WHERE deleted = 0 AND active = 1 AND org_unit_id = ?1"
                     " AND (?2 IS NULL OR department_id = ?2) ORDER BY name",
                     department_id);
}

/* Returns: (transfer full): the case taxonomy, parents before children */
GPtrArray *
_kefu_list_case_categories (KefuDb *db)
{
  return list_named (db,
                     "SELECT c.id, CASE WHEN p.name IS NULL THEN c.name ELSE p.name || ' / ' || c.name END"
                     " FROM category c LEFT JOIN category p ON p.id = c.parent_id AND p.deleted = 0"
                     " WHERE c.deleted = 0 AND c.scope = 'case'"
                     " ORDER BY coalesce (p.position, c.position), coalesce (p.name, c.name), p.id IS NOT NULL, c.position, c.name",
                     NULL);
}
