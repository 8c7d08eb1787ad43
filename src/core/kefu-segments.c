/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "kefu-segments"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <stdlib.h>
#include <string.h>

#include "kefu-segments.h"
#include "kefu-text.h"
#include "kefu-uuid.h"

/* The descriptions of the rules migration 2 ships, so that they are in the
 * translation template; the UI shows stored reasons through gettext. */
static const char *default_rule_descriptions[] G_GNUC_UNUSED = {
  N_("Three or more complaints in twelve months"),
  N_("No contact for half a year"),
  N_("Spends 50,000 yuan or more a month"),
  N_("Sends 2,000 parcels or more a month"),
  N_("Spends 5,000 yuan or more a month"),
  N_("Customer for less than 90 days"),
  N_("No rule applies"),
  N_("Imported"),
};

static const char *rule_fields[] = {
  "monthly_volume", "monthly_spend", "complaints_12m", "industry", "age_days", "days_since_contact", NULL
};

/* --- helpers --------------------------------------------------------- */

static gboolean
is_numeric_field (const char *field)
{
  return g_strcmp0 (field, "industry") != 0;
}

static gboolean
parse_number (const char *text,
              gint64     *out)
{
  char *end = NULL;
  gint64 v;

  if (text == NULL || *text == '\0')
    return FALSE;
  v = g_ascii_strtoll (text, &end, 10);
  if (end == NULL || *end != '\0' || v < 0)
    return FALSE;
  *out = v;
  return TRUE;
}

static gboolean
rule_matches (const KefuSegmentRule *rule,
              const KefuCustomer    *c,
              gint64                 now_ms)
{
  gint64 actual, wanted;

  if (!is_numeric_field (rule->field))
    {
      gboolean eq = c->industry != NULL &&
                    g_utf8_collate (c->industry, rule->value) == 0;

      if (g_strcmp0 (rule->op, "=") == 0)
        return eq;
      if (g_strcmp0 (rule->op, "!=") == 0)
        return !eq;
      return FALSE;
    }

  if (!parse_number (rule->value, &wanted))
    return FALSE;

  if (g_strcmp0 (rule->field, "monthly_volume") == 0)
    actual = c->monthly_volume;
  else if (g_strcmp0 (rule->field, "monthly_spend") == 0)
    actual = c->monthly_spend_cents;
  else if (g_strcmp0 (rule->field, "complaints_12m") == 0)
    actual = c->complaints_12m;
  else if (g_strcmp0 (rule->field, "age_days") == 0)
    actual = ((c->created_at > 0 ? now_ms - c->created_at : 0)) / (24 * 3600 * 1000);
  else if (g_strcmp0 (rule->field, "days_since_contact") == 0)
    {
      /* A customer never contacted is judged by age instead. */
      gint64 since = c->last_contact_at > 0 ? c->last_contact_at : c->created_at;
      actual = (since > 0 ? now_ms - since : 0) / (24 * 3600 * 1000);
    }
  else
    return FALSE;

  if (g_strcmp0 (rule->op, ">=") == 0)
    return actual >= wanted;
  if (g_strcmp0 (rule->op, "<=") == 0)
    return actual <= wanted;
  if (g_strcmp0 (rule->op, "=") == 0)
    return actual == wanted;
  if (g_strcmp0 (rule->op, "!=") == 0)
    return actual != wanted;
  return FALSE;
}

static char *
describe_rule (const KefuSegmentRule *rule)
{
  if (rule->description && *rule->description)
    return g_strdup (rule->description);
  if (g_strcmp0 (rule->field, "monthly_spend") == 0)
    {
      gint64 cents = 0;
      g_autofree char *money = NULL;

      parse_number (rule->value, &cents);
      money = kefu_format_amount (cents);
      return g_strdup_printf ("%s %s %s", kefu_segment_rule_field_label (rule->field), rule->op, money);
    }
  return g_strdup_printf ("%s %s %s", kefu_segment_rule_field_label (rule->field), rule->op, rule->value);
}

/* --- public API ------------------------------------------------------ */

void
kefu_segment_rule_free (KefuSegmentRule *rule)
{
  if (rule == NULL)
    return;
  g_free (rule->id);
  g_free (rule->segment);
  g_free (rule->field);
  g_free (rule->op);
  g_free (rule->value);
  g_free (rule->description);
  g_free (rule);
}

KefuSegmentRule *
kefu_segment_rule_new (const char *segment,
                       const char *field,
                       const char *op,
                       const char *value)
{
  KefuSegmentRule *rule = g_new0 (KefuSegmentRule, 1);

  rule->segment = g_strdup (segment);
  rule->field = g_strdup (field);
  rule->op = g_strdup (op);
  rule->value = g_strdup (value);
  rule->enabled = TRUE;
  return rule;
}

const char **
kefu_segment_rule_fields (void)
{
  return rule_fields;
}

const char *
kefu_segment_rule_field_label (const char *field)
{
  if (g_strcmp0 (field, "monthly_volume") == 0)
    return _("Parcels a month");
  if (g_strcmp0 (field, "monthly_spend") == 0)
    return _("Spending a month");
  if (g_strcmp0 (field, "complaints_12m") == 0)
    return _("Complaints in 12 months");
  if (g_strcmp0 (field, "industry") == 0)
    return _("Industry");
  if (g_strcmp0 (field, "age_days") == 0)
    return _("Days as a customer");
  if (g_strcmp0 (field, "days_since_contact") == 0)
    return _("Days since last contact");
  return field;
}

gboolean
kefu_segment_rule_validate (const KefuSegmentRule  *rule,
                            GError                **error)
{
  gint64 v;

  if (!kefu_segment_is_valid (rule->segment))
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID, _("Choose the segment the rule gives."));
      return FALSE;
    }
  if (rule->field == NULL || !g_strv_contains (rule_fields, rule->field))
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID, _("Choose what the rule looks at."));
      return FALSE;
    }
  if (rule->op == NULL ||
      (g_strcmp0 (rule->op, ">=") != 0 && g_strcmp0 (rule->op, "<=") != 0 &&
       g_strcmp0 (rule->op, "=") != 0 && g_strcmp0 (rule->op, "!=") != 0))
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID, _("Choose how the rule compares."));
      return FALSE;
    }
  if (!is_numeric_field (rule->field))
    {
      if (g_strcmp0 (rule->op, "=") != 0 && g_strcmp0 (rule->op, "!=") != 0)
        {
          g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID,
                       _("An industry can only be compared with “is” or “is not”."));
          return FALSE;
        }
      if (rule->value == NULL || *g_strstrip (rule->value) == '\0')
        {
          g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID, _("Enter the industry the rule looks for."));
          return FALSE;
        }
    }
  else if (!parse_number (rule->value, &v))
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID,
                   _("“%s” is not a number of zero or more."), rule->value ? rule->value : "");
      return FALSE;
    }
  return TRUE;
}

static gpointer
segment_rule_from_row (sqlite3_stmt *stmt)
{
  KefuSegmentRule *rule = g_new0 (KefuSegmentRule, 1);

  rule->id = kefu_stmt_dup (stmt, 0);
  rule->position = sqlite3_column_int (stmt, 1);
  rule->segment = kefu_stmt_dup (stmt, 2);
  rule->field = kefu_stmt_dup (stmt, 3);
  rule->op = kefu_stmt_dup (stmt, 4);
  rule->value = kefu_stmt_dup (stmt, 5);
  rule->description = kefu_stmt_dup (stmt, 6);
  rule->enabled = sqlite3_column_int (stmt, 7);

  return rule;
}

GPtrArray *
kefu_segment_rules_list (KefuDb  *db,
                         GError **error)
{
  g_autoptr(GPtrArray) ret = g_ptr_array_new_with_free_func ((GDestroyNotify) kefu_segment_rule_free);
  sqlite3_stmt *stmt;

  stmt = kefu_db_prepare (db,
                          "SELECT id, position, segment, field, op, value, description, enabled"
                          " FROM segment_rule WHERE deleted = 0 ORDER BY position, rowid", error);
  if (stmt == NULL)
    return NULL;
  if (!kefu_db_read_rows (db, stmt, segment_rule_from_row, ret, error))
    return NULL;
  return g_steal_pointer (&ret);
}

const char *
kefu_segment_evaluate (GPtrArray           *rules,
                       const KefuCustomer  *c,
                       gint64               now_ms,
                       char               **reason)
{
  for (guint i = 0; rules && i < rules->len; i++)
    {
      const KefuSegmentRule *rule = g_ptr_array_index (rules, i);

      if (rule->enabled && rule_matches (rule, c, now_ms))
        {
          const char **keys = kefu_segment_keys ();

          if (reason)
            *reason = describe_rule (rule);
          for (guint k = 0; keys[k]; k++)
            if (g_strcmp0 (keys[k], rule->segment) == 0)
              return keys[k];
        }
    }
  if (reason)
    *reason = g_strdup (_("No rule applies"));
  return KEFU_SEGMENT_REGULAR;
}

gboolean
kefu_segment_rules_save (KefuDb     *db,
                         GPtrArray  *rules,
                         guint      *n_changed,
                         GError    **error)
{
  g_autoptr(GPtrArray) old = NULL;
  sqlite3_stmt *stmt;
  gint64 now = g_get_real_time () / 1000;

  for (guint i = 0; i < rules->len; i++)
    if (!kefu_segment_rule_validate (g_ptr_array_index (rules, i), error))
      {
        g_prefix_error (error, _("Rule %u: "), i + 1);
        return FALSE;
      }

  if (!kefu_db_begin (db, error))
    return FALSE;
  if ((old = kefu_segment_rules_list (db, error)) == NULL)
    goto fail;

  /* Rules that are gone become tombstones. */
  for (guint i = 0; i < old->len; i++)
    {
      KefuSegmentRule *o = g_ptr_array_index (old, i);
      gboolean kept = FALSE;

      for (guint j = 0; j < rules->len && !kept; j++)
        kept = g_strcmp0 (((KefuSegmentRule *) g_ptr_array_index (rules, j))->id, o->id) == 0;
      if (!kept)
        {
          g_autoptr(KefuChangeSet) cs = kefu_change_set_new ("segment_rule", o->id, KEFU_CHANGE_DELETE, 0);

          kefu_change_set_int (cs, "deleted", TRUE, 0, 1);
          stmt = kefu_db_prepare (db, "UPDATE segment_rule SET deleted = 1, version = version + 1, hlc = ?,"
                                      " updated_by = ?, updated_at = ? WHERE id = ?", error);
          if (stmt == NULL)
            goto fail;
          kefu_db_bind_stamp (db, stmt, 1, cs, now);
          sqlite3_bind_text (stmt, 4, o->id, -1, SQLITE_STATIC);
          if (sqlite3_step (stmt) != SQLITE_DONE)
            {
              sqlite3_reset (stmt);
              kefu_db_set_error (db, error);
              goto fail;
            }
          sqlite3_reset (stmt);
          if (!kefu_db_record_change (db, cs, error))
            goto fail;
        }
    }

  for (guint j = 0; j < rules->len; j++)
    {
      KefuSegmentRule *r = g_ptr_array_index (rules, j);
      KefuSegmentRule *o = NULL;
      g_autoptr(KefuChangeSet) cs = NULL;

      r->position = (gint) (j + 1) * 10;
      for (guint i = 0; r->id && i < old->len && o == NULL; i++)
        if (g_strcmp0 (((KefuSegmentRule *) g_ptr_array_index (old, i))->id, r->id) == 0)
          o = g_ptr_array_index (old, i);
      if (r->id == NULL)
        r->id = kefu_uuid7_new ();

      cs = kefu_change_set_new ("segment_rule", r->id, o ? KEFU_CHANGE_UPDATE : KEFU_CHANGE_INSERT, 0);
      kefu_change_set_int (cs, "position", o != NULL, o ? o->position : 0, r->position);
      kefu_change_set_text (cs, "segment", o ? o->segment : NULL, r->segment);
      kefu_change_set_text (cs, "field", o ? o->field : NULL, r->field);
      kefu_change_set_text (cs, "op", o ? o->op : NULL, r->op);
      kefu_change_set_text (cs, "value", o ? o->value : NULL, r->value);
      kefu_change_set_text (cs, "description", o ? o->description : NULL, r->description);
      kefu_change_set_int (cs, "enabled", o != NULL, o ? o->enabled : 0, r->enabled ? 1 : 0);
      if (kefu_change_set_is_empty (cs))
        continue;

      stmt = kefu_db_prepare (db,
                              "INSERT INTO segment_rule (id, position, segment, field, op, value, description, enabled,"
                              " hlc, updated_by, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"
                              " ON CONFLICT (id) DO UPDATE SET position = ?2, segment = ?3, field = ?4, op = ?5,"
                              " value = ?6, description = ?7, enabled = ?8, hlc = ?9, updated_by = ?10,"
                              " updated_at = ?11, version = version + 1", error);
      if (stmt == NULL)
        goto fail;
      sqlite3_bind_text (stmt, 1, r->id, -1, SQLITE_STATIC);
      sqlite3_bind_int (stmt, 2, r->position);
      sqlite3_bind_text (stmt, 3, r->segment, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 4, r->field, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 5, r->op, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 6, r->value, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 7, r->description, -1, SQLITE_STATIC);
      sqlite3_bind_int (stmt, 8, r->enabled ? 1 : 0);
      kefu_db_bind_stamp (db, stmt, 9, cs, now);
      if (sqlite3_step (stmt) != SQLITE_DONE)
        {
          sqlite3_reset (stmt);
          kefu_db_set_error (db, error);
          goto fail;
        }
      sqlite3_reset (stmt);
      if (!kefu_db_record_change (db, cs, error))
        goto fail;
    }

  if (!kefu_segments_reapply (db, n_changed, error))
    goto fail;
  return kefu_db_commit (db, error);

fail:
  kefu_db_rollback (db);
  return FALSE;
}

/**
 * kefu_segments_reapply:
 *
 * Re-evaluates the rules for every customer without a manual override and
 * writes those whose segment or reason changed. One transaction.
 */
gboolean
kefu_segments_reapply (KefuDb  *db,
                       guint   *n_changed,
                       GError **error)
{
  g_autoptr(GPtrArray) rules = NULL;
  g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt;
  gint64 now = g_get_real_time () / 1000;
  guint changed = 0;
  int rc;

  if ((rules = kefu_segment_rules_list (db, error)) == NULL)
    return FALSE;
  if (!kefu_db_begin (db, error))
    return FALSE;

  stmt = kefu_db_prepare (db,
                          "SELECT id, version, segment, segment_reason, monthly_volume, monthly_spend_cents,"
                          " complaints_12m, industry, created_at, last_contact_at"
                          " FROM customer WHERE deleted = 0 AND segment_manual = 0", error);
  if (stmt == NULL)
    goto fail;
  /* Collect first: the update statements must not run while this one
   * steps over the table. Entries: id \x1f version \x1f segment \x1f reason \x1f old segment \x1f old reason */
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      KefuCustomer c = { 0 };
      g_autofree char *reason = NULL;
      const char *segment;

      c.monthly_volume = sqlite3_column_int64 (stmt, 4);
      c.monthly_spend_cents = sqlite3_column_int64 (stmt, 5);
      c.complaints_12m = sqlite3_column_int64 (stmt, 6);
      c.industry = (char *) kefu_stmt_text (stmt, 7);
      c.created_at = sqlite3_column_int64 (stmt, 8);
      c.last_contact_at = sqlite3_column_int64 (stmt, 9);
      segment = kefu_segment_evaluate (rules, &c, now, &reason);
      if (g_strcmp0 (segment, kefu_stmt_text (stmt, 2)) != 0 ||
          g_strcmp0 (reason, kefu_stmt_text (stmt, 3)) != 0)
        g_ptr_array_add (changes,
                         g_strjoin ("\x1f", kefu_stmt_text (stmt, 0),
                                    kefu_stmt_text (stmt, 1), segment, reason,
                                    kefu_stmt_text (stmt, 2),
                                    kefu_stmt_text (stmt, 3) ? kefu_stmt_text (stmt, 3) : "",
                                    NULL));
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      kefu_db_set_error (db, error);
      goto fail;
    }

  for (guint i = 0; i < changes->len; i++)
    {
      g_auto(GStrv) f = g_strsplit (g_ptr_array_index (changes, i), "\x1f", 6);
      g_autoptr(KefuChangeSet) cs = kefu_change_set_new ("customer", f[0], KEFU_CHANGE_UPDATE,
                                                         g_ascii_strtoll (f[1], NULL, 10));

      kefu_change_set_text (cs, "segment", f[4], f[2]);
      kefu_change_set_text (cs, "segment_reason", f[5], f[3]);
      kefu_change_set_note (cs, _("Segment rules applied"));
      stmt = kefu_db_prepare (db,
                              "UPDATE customer SET segment = ?, segment_reason = ?, version = version + 1,"
                              " hlc = ?, updated_by = ?, updated_at = ? WHERE id = ?", error);
      if (stmt == NULL)
        goto fail;
      sqlite3_bind_text (stmt, 1, f[2], -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, f[3], -1, SQLITE_STATIC);
      kefu_db_bind_stamp (db, stmt, 3, cs, now);
      sqlite3_bind_text (stmt, 6, f[0], -1, SQLITE_STATIC);
      if (sqlite3_step (stmt) != SQLITE_DONE)
        {
          sqlite3_reset (stmt);
          kefu_db_set_error (db, error);
          goto fail;
        }
      sqlite3_reset (stmt);
      if (!kefu_db_record_change (db, cs, error))
        goto fail;
      changed++;
    }

  if (!kefu_db_commit (db, error))
    return FALSE;
  if (n_changed)
    *n_changed = changed;
  return TRUE;

fail:
  kefu_db_rollback (db);
  return FALSE;
}
