/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "kefu-uuid"

#include "config.h"

#include "kefu-uuid.h"

#include <string.h>

/* UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, version, 12 bits of
 * sub-millisecond sequence, variant, 62 random bits. Ids made on one device
 * sort by creation time, which keeps B-tree inserts at the right edge. */

G_LOCK_DEFINE_STATIC (uuid_lock);
static gint64 last_ms;
static guint  last_seq;

char *
kefu_uuid7_new_at (gint64 unix_ms)
{
  guint8 b[16];
  guint seq;
  guint32 r1 = g_random_int ();
  guint32 r2 = g_random_int ();

  G_LOCK (uuid_lock);
  if (unix_ms <= last_ms)
    {
      unix_ms = last_ms;
      last_seq++;
      if (last_seq > 0xfff)
        {
          unix_ms = ++last_ms;
          last_seq = 0;
        }
    }
  else
    {
      last_ms = unix_ms;
      last_seq = g_random_int_range (0, 0x200);
    }
  seq = last_seq;
  G_UNLOCK (uuid_lock);

  b[0] = (unix_ms >> 40) & 0xff;
  b[1] = (unix_ms >> 32) & 0xff;
  b[2] = (unix_ms >> 24) & 0xff;
  b[3] = (unix_ms >> 16) & 0xff;
  b[4] = (unix_ms >> 8) & 0xff;
  b[5] = unix_ms & 0xff;
  b[6] = 0x70 | ((seq >> 8) & 0x0f);
  b[7] = seq & 0xff;
  b[8] = 0x80 | ((r1 >> 24) & 0x3f);
  b[9] = (r1 >> 16) & 0xff;
  b[10] = (r1 >> 8) & 0xff;
  b[11] = r1 & 0xff;
  memcpy (&b[12], &r2, 4);

  /* By hand: printf of sixteen fields showed up in bulk-import profiles. */
  {
    static const char hex[] = "0123456789abcdef";
    char *out = g_malloc (37);
    char *p = out;

    for (guint i = 0; i < 16; i++)
      {
        if (i == 4 || i == 6 || i == 8 || i == 10)
          *p++ = '-';
        *p++ = hex[b[i] >> 4];
        *p++ = hex[b[i] & 0x0f];
      }
    *p = '\0';
    return out;
  }
}

char *
kefu_uuid7_new (void)
{
  return kefu_uuid7_new_at (g_get_real_time () / 1000);
}

gboolean
kefu_uuid_is_valid (const char *text)
{
  if (text == NULL || strlen (text) != 36)
    return FALSE;
  for (guint i = 0; i < 36; i++)
    {
      if (i == 8 || i == 13 || i == 18 || i == 23)
        {
          if (text[i] != '-')
            return FALSE;
        }
      else if (!g_ascii_isxdigit (text[i]))
        return FALSE;
    }
  return TRUE;
}
