/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "kefu-sample"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "kefu-customers.h"
#include "kefu-org.h"
#include "kefu-sample.h"
#include "kefu-uuid.h"

/* Everything below is drawn from one GRand seeded with the options' seed,
 * in a fixed order, so the same seed gives the same organisation and the
 * same customers (names, numbers, phones, figures) on every run. Only ids
 * (UUIDv7) and write stamps differ. Times are anchored at the start of the
 * current day. */

#define CHUNK_SIZE       10000
#define DAY_MS           (G_GINT64_CONSTANT (24) * 3600 * 1000)
#define DUP_POOL_SIZE    64
#define NOTE_EVERY       250
#define MAX_NOTES        1000

/* --- dictionaries (data, not translatable) --------------------------- */

typedef struct
{
  const char *name;        /* 广东省 */
  const char *code;        /* GD */
  gboolean    municipality;
} Province;

typedef struct
{
  guint       province;
  const char *name;        /* 深圳 */
  const char *code;        /* SZ: also starts the branch codes */
  const char *area_code;   /* 0755 */
  const char *districts[7];
} City;

static const Province provinces[] = {
  { "广东省", "GD", FALSE },
  { "浙江省", "ZJ", FALSE },
  { "江苏省", "JS", FALSE },
  { "北京市", "BJ", TRUE },
  { "上海市", "SH", TRUE },
  { "四川省", "SC", FALSE },
  { "山东省", "SD", FALSE },
  { "湖北省", "HB", FALSE },
};

/* In the order branches are spread over them: the first branch (the
 * office) is in Shenzhen, the next ones in other large cities. */
static const City cities[] = {
  { 0, "深圳", "SZ", "0755", { "南山区", "福田区", "罗湖区", "宝安区", "龙岗区", "龙华区", NULL } },
  { 1, "杭州", "HZ", "0571", { "西湖区", "上城区", "拱墅区", "滨江区", "余杭区", "萧山区", NULL } },
  { 4, "上海", "SH", "021",  { "浦东新区", "闵行区", "徐汇区", "静安区", "黄浦区", "宝山区", NULL } },
  { 3, "北京", "BJ", "010",  { "朝阳区", "海淀区", "东城区", "西城区", "丰台区", "大兴区", NULL } },
  { 0, "广州", "GZ", "020",  { "天河区", "越秀区", "海珠区", "白云区", "番禺区", NULL } },
  { 2, "苏州", "SU", "0512", { "姑苏区", "工业园区", "吴中区", "相城区", "昆山市", NULL } },
  { 5, "成都", "CD", "028",  { "锦江区", "武侯区", "青羊区", "成华区", "双流区", NULL } },
  { 2, "南京", "NJ", "025",  { "玄武区", "秦淮区", "鼓楼区", "建邺区", "江宁区", NULL } },
  { 0, "东莞", "DG", "0769", { "南城街道", "东城街道", "长安镇", "虎门镇", NULL } },
  { 1, "宁波", "NB", "0574", { "海曙区", "鄞州区", "江北区", "北仑区", NULL } },
  { 7, "武汉", "WH", "027",  { "江汉区", "武昌区", "洪山区", "江岸区", "汉阳区", NULL } },
  { 6, "青岛", "QD", "0532", { "市南区", "市北区", "黄岛区", "崂山区", NULL } },
  { 0, "佛山", "FS", "0757", { "禅城区", "南海区", "顺德区", NULL } },
  { 2, "无锡", "WX", "0510", { "梁溪区", "滨湖区", "新吴区", NULL } },
  { 1, "金华", "JH", "0579", { "婺城区", "金东区", "义乌市", NULL } },
  { 6, "济南", "JN", "0531", { "历下区", "市中区", "槐荫区", NULL } },
  { 5, "绵阳", "MY", "0816", { "涪城区", "游仙区", NULL } },
};

typedef struct
{
  const char *text;
  guint       weight;
} Weighted;

/* Roughly the census frequency (per ten thousand) of the commonest
 * surnames, so that 王, 李 and 张 dominate as they do. */
static const Weighted surnames[] = {
  { "王", 710 }, { "李", 700 }, { "张", 670 }, { "刘", 540 }, { "陈", 460 },
  { "杨", 310 }, { "黄", 220 }, { "赵", 200 }, { "吴", 190 }, { "周", 190 },
  { "徐", 140 }, { "孙", 140 }, { "马", 130 }, { "朱", 120 }, { "胡", 120 },
  { "郭", 110 }, { "何", 110 }, { "林", 100 }, { "罗", 100 }, { "高", 100 },
  { "郑", 90 }, { "梁", 80 }, { "谢", 70 }, { "宋", 60 }, { "唐", 60 },
  { "许", 60 }, { "韩", 50 }, { "冯", 50 }, { "邓", 50 }, { "曹", 50 },
  { "彭", 50 }, { "曾", 50 }, { "肖", 50 }, { "田", 40 }, { "董", 40 },
  { "袁", 40 }, { "潘", 40 }, { "于", 40 }, { "蒋", 40 }, { "蔡", 40 },
  { "余", 40 }, { "杜", 40 }, { "叶", 40 }, { "程", 30 }, { "苏", 30 },
  { "魏", 30 }, { "吕", 30 }, { "丁", 30 }, { "任", 30 }, { "沈", 30 },
  { "姚", 30 }, { "卢", 30 }, { "姜", 30 }, { "崔", 30 }, { "钟", 30 },
  { "谭", 30 }, { "陆", 30 }, { "汪", 30 }, { "范", 30 }, { "金", 30 },
  { "石", 30 }, { "廖", 30 }, { "贾", 30 }, { "夏", 30 }, { "韦", 30 },
  { "付", 20 }, { "方", 20 }, { "白", 20 }, { "邹", 20 }, { "孟", 20 },
  { "熊", 20 }, { "秦", 20 }, { "邱", 20 }, { "江", 20 }, { "尹", 20 },
  { "薛", 20 }, { "闫", 20 }, { "段", 20 }, { "雷", 20 }, { "侯", 20 },
  { "龙", 20 }, { "史", 20 }, { "陶", 20 }, { "黎", 20 }, { "贺", 20 },
  { "顾", 20 }, { "毛", 20 }, { "郝", 20 }, { "龚", 20 }, { "邵", 20 },
  { "万", 20 }, { "欧阳", 5 }, { "司马", 1 }, { "诸葛", 1 }, { "上官", 1 },
};

/* Characters of given names; one or two of them make a given name. */
static const char *given_chars[] = {
  "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟",
  "涛", "明", "超", "秀", "霞", "平", "刚", "桂", "英", "华", "玉", "萍", "红", "建",
  "文", "辉", "力", "鹏", "斌", "宇", "浩", "凯", "健", "俊", "帆", "帅", "旭", "宁",
  "龙", "林", "欣", "雪", "琳", "晨", "婷", "颖", "慧", "莉", "丹", "玲", "倩", "佳",
  "怡", "梦", "雅", "子", "轩", "涵", "博", "睿", "泽", "宏", "志", "海", "峰", "波",
  "鑫", "亮", "飞", "成", "晓", "云", "国", "春", "燕", "兰", "梅", "琴", "蕾", "薇",
  "洁", "璐", "瑶", "晶", "彤", "悦", "欢", "嘉", "思", "雨", "家", "天", "一", "可",
  "诗", "若", "逸", "景", "昊", "然", "铭", "阳", "东", "毅", "晖", "新", "永", "金",
  "荣", "秋", "月", "青", "凤", "美", "芬", "德", "福", "庆", "立", "兵", "婉", "振",
};

/* Common one-character given names (王伟, 李娜, 张敏…). */
static const char *single_given[] = {
  "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟",
  "涛", "明", "超", "霞", "平", "刚", "辉", "鹏", "斌", "宇", "浩", "凯", "健", "俊",
};

typedef struct
{
  const char *hanzi;
  const char *pinyin;
} Syllable;

/* Brand names of companies: one character of each list. */
static const Syllable brand_first[] = {
  { "飞", "fei" }, { "云", "yun" }, { "恒", "heng" }, { "鑫", "xin" }, { "华", "hua" },
  { "博", "bo" }, { "瑞", "rui" }, { "嘉", "jia" }, { "宏", "hong" }, { "捷", "jie" },
  { "优", "you" }, { "汇", "hui" }, { "天", "tian" }, { "盛", "sheng" }, { "金", "jin" },
  { "海", "hai" }, { "百", "bai" }, { "美", "mei" }, { "顺", "shun" }, { "星", "xing" },
  { "卓", "zhuo" }, { "锦", "jin" }, { "立", "li" }, { "润", "run" }, { "晨", "chen" },
  { "新", "xin" }, { "万", "wan" }, { "东", "dong" }, { "诚", "cheng" }, { "凯", "kai" },
  { "悦", "yue" }, { "乐", "le" }, { "易", "yi" }, { "蓝", "lan" }, { "远", "yuan" },
  { "和", "he" }, { "合", "he" }, { "青", "qing" }, { "绿", "lv" }, { "康", "kang" },
  { "仁", "ren" }, { "益", "yi" }, { "尚", "shang" }, { "安", "an" }, { "精", "jing" },
  { "科", "ke" }, { "鼎", "ding" }, { "启", "qi" }, { "方", "fang" }, { "同", "tong" },
  { "众", "zhong" }, { "宇", "yu" }, { "泰", "tai" }, { "信", "xin" }, { "隆", "long" },
  { "昌", "chang" }, { "德", "de" }, { "正", "zheng" }, { "兴", "xing" }, { "永", "yong" },
};

static const Syllable brand_second[] = {
  { "鸿", "hong" }, { "帆", "fan" }, { "达", "da" }, { "源", "yuan" }, { "锐", "rui" },
  { "远", "yuan" }, { "丰", "feng" }, { "禾", "he" }, { "图", "tu" }, { "迅", "xun" },
  { "品", "pin" }, { "通", "tong" }, { "成", "cheng" }, { "世", "shi" }, { "鹏", "peng" },
  { "纳", "na" }, { "川", "chuan" }, { "嘉", "jia" }, { "发", "fa" }, { "辰", "chen" },
  { "越", "yue" }, { "程", "cheng" }, { "信", "xin" }, { "泽", "ze" }, { "光", "guang" },
  { "象", "xiang" }, { "升", "sheng" }, { "瑞", "rui" }, { "然", "ran" }, { "购", "gou" },
  { "航", "hang" }, { "美", "mei" }, { "众", "zhong" }, { "康", "kang" }, { "宁", "ning" },
  { "居", "ju" }, { "工", "gong" }, { "拓", "tuo" }, { "盛", "sheng" }, { "创", "chuang" },
  { "邦", "bang" }, { "利", "li" }, { "祥", "xiang" }, { "旺", "wang" }, { "顺", "shun" },
  { "德", "de" }, { "华", "hua" }, { "骏", "jun" }, { "腾", "teng" }, { "业", "ye" },
};

typedef struct
{
  const char *name;          /* stored in customer.industry */
  guint       weight;
  const char *suffixes[3];   /* what follows the brand in the company name */
  const char *tag;           /* a tag such customers often carry, or NULL */
} Industry;

static const Industry industries[] = {
  { "电子商务", 25, { "电子商务有限公司", "网络科技有限公司", "电商有限公司" }, "电商" },
  { "服装",     12, { "服饰有限公司", "服装有限公司", "制衣有限公司" }, "电商" },
  { "生鲜",      8, { "生鲜配送有限公司", "农产品有限公司", "果业有限公司" }, "冷链" },
  { "医药",      5, { "医药有限公司", "大药房连锁有限公司", "生物医药科技有限公司" }, "冷链" },
  { "电子产品", 10, { "电子科技有限公司", "电子有限公司", "数码科技有限公司" }, "易碎品" },
  { "图书",      4, { "图书发行有限公司", "文化传媒有限公司", "书店有限公司" }, NULL },
  { "家居",      8, { "家居用品有限公司", "家具有限公司", "家纺有限公司" }, "大件" },
  { "制造",     12, { "机械制造有限公司", "精密制造有限公司", "五金制品有限公司" }, NULL },
  { "物流",      6, { "物流有限公司", "供应链管理有限公司", "国际货运代理有限公司" }, NULL },
  { "食品",      6, { "食品有限公司", "茶业有限公司", "调味品有限公司" }, NULL },
  { "贸易",      4, { "贸易有限公司", "进出口有限公司", "商贸有限公司" }, NULL },
};

static const char *road_words[] = {
  "人民", "解放", "中山", "建设", "和平", "新华", "文化", "科技", "创业", "学府",
  "滨江", "长江", "黄河", "迎宾", "工业", "花园", "青年", "胜利", "光明", "金融",
  "振兴", "幸福", "友谊", "朝阳", "延安", "东风", "五一", "跃进", "高新", "沿河",
};

static const char *place_words[] = {
  "阳光", "碧桂", "金地", "翠苑", "丽景", "锦绣", "御景", "东方", "新城", "华府",
  "世纪", "海岸", "星河", "龙湖", "天悦", "时代", "半岛", "名都", "紫荆", "富康",
};

static const char *person_tags[] = { "到付", "代收货款", "夜间收件", "常寄文件", "学生" };

static const char *note_bodies[] = {
  "客户要求每周一、三、五上门取件。",
  "月结账期三十天，发票抬头以合同为准。",
  "曾因包裹破损投诉，已按保价赔付，回访满意。",
  "仓库地址已变更，以联系方式中的新地址为准。",
  "大促期间日均发件量翻倍，需提前安排揽收运力。",
  "客户偏好电话联系，请勿发送营销短信。",
  "生鲜件需冷链运输，下午三点前揽收。",
  "对价格敏感，已报阶梯折扣，下月复核。",
  "收件人常不在家，请先电话确认再派送。",
  "客户为老年人，沟通时请放慢语速、耐心解释。",
};

static const char *mobile_prefixes[] = {
  "130", "131", "132", "133", "134", "135", "136", "137", "138", "139",
  "150", "151", "152", "153", "155", "156", "157", "158", "159",
  "170", "171", "173", "175", "176", "177", "178",
  "180", "181", "182", "183", "184", "185", "186", "187", "188", "189",
  "191", "193", "195", "196", "197", "198", "199",
};

/* --- state ----------------------------------------------------------- */

typedef struct
{
  char      *id;
  char      *code;
  guint      city;
  guint      district;
  GPtrArray *managers;   /* staff ids (char *) who may manage customers */
} Branch;

typedef struct
{
  char *name;
  char  mobile[12];
  char *address;
  guint branch;
} DupSource;

struct _KefuSample
{
  KefuDb            *db;
  GRand             *rand;
  KefuSampleOptions  opts;
  gint64             today_ms;
  GArray            *branches;      /* Branch */
  guint              surname_total;
  guint              industry_total;
  guint              n_made;        /* customers built */
  guint              n_written;     /* customers written */
  guint              n_notes;
  DupSource          pool[DUP_POOL_SIZE];
  guint              pool_len;
  guint              pool_next;
};

/* --- random helpers -------------------------------------------------- */

static guint
pick (KefuSample *self,
      guint       n)
{
  return (guint) g_rand_int_range (self->rand, 0, (gint32) n);
}

static gboolean
chance (KefuSample *self,
        double      p)
{
  return g_rand_double (self->rand) < p;
}

static gint64
range64 (KefuSample *self,
         gint64      lo,
         gint64      hi)
{
  return lo + (gint64) (g_rand_double (self->rand) * (double) (hi - lo));
}

static guint
pick_weighted (KefuSample     *self,
               const Weighted *table,
               guint           n,
               guint           total)
{
  guint r = pick (self, total);

  for (guint i = 0; i < n; i++)
    {
      if (r < table[i].weight)
        return i;
      r -= table[i].weight;
    }
  return n - 1;
}

/* A Pareto draw: most values near @xm, a long tail of large ones. */
static double
pareto (KefuSample *self,
        double      xm,
        double      alpha)
{
  double u = 1.0 - g_rand_double (self->rand);   /* (0, 1] */

  return xm / pow (u, 1.0 / alpha);
}

static void
append_digits (KefuSample *self,
               GString    *out,
               guint       n)
{
  for (guint i = 0; i < n; i++)
    g_string_append_c (out, (char) ('0' + pick (self, 10)));
}

/* --- names, phones, places ------------------------------------------- */

static char *
make_person_name (KefuSample *self)
{
  GString *out = g_string_new (surnames[pick_weighted (self, surnames, G_N_ELEMENTS (surnames),
                                                       self->surname_total)].text);

  if (chance (self, 0.18))
    g_string_append (out, single_given[pick (self, G_N_ELEMENTS (single_given))]);
  else
    {
      guint a = pick (self, G_N_ELEMENTS (given_chars));
      guint b = pick (self, G_N_ELEMENTS (given_chars));

      g_string_append (out, given_chars[a]);
      g_string_append (out, given_chars[b == a ? (b + 1) % G_N_ELEMENTS (given_chars) : b]);
    }
  return g_string_free (out, FALSE);
}

static void
make_mobile_digits (KefuSample *self,
                    char        out[12])
{
  g_autoptr(GString) s = g_string_new (mobile_prefixes[pick (self, G_N_ELEMENTS (mobile_prefixes))]);

  append_digits (self, s, 8);
  memcpy (out, s->str, 12);
}

/* The ways people write a mobile number; the search and the duplicate
 * finder must see through all of them. */
static char *
format_mobile (const char *d,
               guint       style)
{
  switch (style)
    {
    case 1:
      return g_strdup_printf ("%.3s %.4s %.4s", d, d + 3, d + 7);
    case 2:
      return g_strdup_printf ("%.3s-%.4s-%.4s", d, d + 3, d + 7);
    case 3:
      return g_strdup_printf ("+86 %.3s-%.4s-%.4s", d, d + 3, d + 7);
    case 4:
      return g_strdup_printf ("+86 %s", d);
    case 0:
    default:
      return g_strdup (d);
    }
}

static char *
make_mobile (KefuSample *self)
{
  char digits[12];
  double r;
  guint style;

  make_mobile_digits (self, digits);
  r = g_rand_double (self->rand);
  style = r < 0.72 ? 0 : r < 0.84 ? 1 : r < 0.92 ? 2 : r < 0.96 ? 3 : 4;
  return format_mobile (digits, style);
}

static char *
make_landline (KefuSample *self,
               const City *city)
{
  g_autoptr(GString) local = g_string_new (NULL);
  double r = g_rand_double (self->rand);

  /* Eight-digit local numbers, first digit 2–8. */
  g_string_append_c (local, (char) ('2' + pick (self, 7)));
  append_digits (self, local, 7);
  if (r < 0.8)
    return g_strdup_printf ("%s-%s", city->area_code, local->str);
  if (r < 0.9)
    return g_strdup_printf ("(%s)%s", city->area_code, local->str);
  return g_strdup_printf ("%s %.4s %.4s", city->area_code, local->str, local->str + 4);
}

static guint
n_districts (const City *city)
{
  guint n = 0;

  while (n < G_N_ELEMENTS (city->districts) && city->districts[n])
    n++;
  return n;
}

static char *
make_road (KefuSample *self)
{
  static const char *dirs[] = { "东", "西", "南", "北" };
  static const char *kinds[] = { "路", "路", "路", "大道", "街" };
  const char *word = road_words[pick (self, G_N_ELEMENTS (road_words))];
  const char *kind = kinds[pick (self, G_N_ELEMENTS (kinds))];

  if (chance (self, 0.25) && strcmp (kind, "路") == 0)
    return g_strdup_printf ("%s%s%s", word, dirs[pick (self, G_N_ELEMENTS (dirs))], kind);
  return g_strdup_printf ("%s%s", word, kind);
}

static char *
city_prefix (const City *city)
{
  const Province *p = &provinces[city->province];

  if (p->municipality)
    return g_strdup (p->name);
  return g_strdup_printf ("%s%s市", p->name, city->name);
}

static char *
make_address (KefuSample *self,
              const City *city,
              guint       district,
              gboolean    business)
{
  g_autofree char *prefix = city_prefix (city);
  g_autofree char *road = make_road (self);
  guint number = 1 + pick (self, 999);
  const char *place = place_words[pick (self, G_N_ELEMENTS (place_words))];
  g_autofree char *rest = NULL;

  if (business)
    {
      double r = g_rand_double (self->rand);

      if (r < 0.4)
        rest = g_strdup_printf ("%s大厦%u楼", place, 2 + pick (self, 30));
      else if (r < 0.7)
        rest = g_strdup_printf ("%s产业园%u栋", place, 1 + pick (self, 12));
      else
        rest = g_strdup_printf ("%s物流园%u号库", place, 1 + pick (self, 20));
    }
  else
    {
      static const char *kinds[] = { "花园", "小区", "苑", "家园" };

      rest = g_strdup_printf ("%s%s%u栋%u单元%u室", place, kinds[pick (self, G_N_ELEMENTS (kinds))],
                              1 + pick (self, 30), 1 + pick (self, 4),
                              (1 + pick (self, 32)) * 100 + 1 + pick (self, 6));
    }
  return g_strdup_printf ("%s%s%s%u号%s", prefix, city->districts[district], road, number, rest);
}

static char *
make_company (KefuSample      *self,
              const City      *city,
              const Industry  *industry,
              char           **email_domain)
{
  const Syllable *a = &brand_first[pick (self, G_N_ELEMENTS (brand_first))];
  const Syllable *b = &brand_second[pick (self, G_N_ELEMENTS (brand_second))];
  const char *suffix = industry->suffixes[pick (self, G_N_ELEMENTS (industry->suffixes))];
  gboolean with_shi = !provinces[city->province].municipality && chance (self, 0.6);
  g_autofree char *code = g_ascii_strdown (city->code, -1);

  *email_domain = g_strdup_printf ("%s%s-%s.com", a->pinyin, b->pinyin, code);
  return g_strdup_printf ("%s%s%s%s%s", city->name, with_shi ? "市" : "", a->hanzi, b->hanzi, suffix);
}

static char *
make_person_email (KefuSample *self)
{
  double r = g_rand_double (self->rand);

  if (r < 0.6)
    {
      g_autoptr(GString) qq = g_string_new (NULL);

      g_string_append_c (qq, (char) ('1' + pick (self, 9)));
      append_digits (self, qq, 4 + pick (self, 6));
      return g_strdup_printf ("%s@qq.com", qq->str);
    }
  return g_strdup_printf ("%c%c%u@%s",
                          'a' + pick (self, 26), 'a' + pick (self, 26),
                          1960 + pick (self, 46), r < 0.85 ? "163.com" : "126.com");
}

/* --- organisation ---------------------------------------------------- */

static void
branch_clear (Branch *b)
{
  g_free (b->id);
  g_free (b->code);
  g_clear_pointer (&b->managers, g_ptr_array_unref);
}

/* The office branch is created by kefu_org_setup_office() before the
 * tree above it exists and without phone or address; this hangs it under
 * its city and fills those in, audited like any update. */
static gboolean
finish_office (KefuDb      *db,
               const char  *unit_id,
               const char  *parent_id,
               const char  *phone,
               const char  *address,
               GError     **error)
{
  g_autoptr(KefuOrgUnit) unit = NULL;

  if (!kefu_org_move_unit (db, unit_id, parent_id, error) ||
      (unit = kefu_org_get_unit (db, unit_id, error)) == NULL)
    return FALSE;
  kefu_set_str (&unit->phone, phone);
  kefu_set_str (&unit->address, address);
  return kefu_org_update_unit (db, unit, error);
}

static char *
create_department (KefuDb      *db,
                   const char  *org_unit_id,
                   const char  *name,
                   const char  *kind,
                   const char  *phone,
                   GError     **error)
{
  KefuDepartment dept = { 0 };

  dept.org_unit_id = (char *) org_unit_id;
  dept.name = (char *) name;
  dept.kind = (char *) kind;
  dept.phone = (char *) phone;
  if (!kefu_org_create_department (db, &dept, error))
    return NULL;
  return dept.id;
}

static gboolean
place_staff (KefuDb      *db,
             const char  *staff_id,
             const char  *department_id,
             gboolean     courier,
             const char  *delivery_area,
             GError     **error)
{
  g_autoptr(KefuStaff) staff = kefu_org_get_staff (db, staff_id, error);

  if (staff == NULL)
    return FALSE;
  kefu_set_str (&staff->department_id, department_id);
  staff->is_courier = courier;
  kefu_set_str (&staff->delivery_area, delivery_area);
  return kefu_org_update_staff (db, staff, error);
}

static char *
add_staff (KefuSample  *self,
           const char  *org_unit_id,
           const char  *username,
           const char  *role,
           gint64       auth_limit_cents,
           GError     **error)
{
  KefuStaff staff = { 0 };
  char digits[12];
  char *id = NULL;

  make_mobile_digits (self, digits);
  staff.org_unit_id = (char *) org_unit_id;
  staff.username = (char *) username;
  staff.name = make_person_name (self);
  staff.role = (char *) role;
  staff.phone = digits;
  staff.auth_limit_cents = auth_limit_cents;
  if (kefu_org_create_staff (self->db, &staff, error))
    id = staff.id;
  else
    g_free (staff.id);
  g_free (staff.name);
  return id;
}

static char *
add_unit (KefuSample  *self,
          const char  *code,
          const char  *name,
          const char  *level,
          const char  *parent_id,
          const char  *phone,
          const char  *address,
          GError     **error)
{
  KefuOrgUnit unit = { 0 };

  unit.code = (char *) code;
  unit.name = (char *) name;
  unit.level = (char *) level;
  unit.parent_id = (char *) parent_id;
  unit.phone = (char *) phone;
  unit.address = (char *) address;
  if (!kefu_org_create_unit (self->db, &unit, error))
    {
      g_free (unit.id);
      return NULL;
    }
  return unit.id;
}

/* Where branch @i sits: spread over the cities first, then over their
 * districts. */
static void
branch_place (guint  i,
              guint *city,
              guint *district,
              guint *seq)
{
  guint n_cities = G_N_ELEMENTS (cities);
  guint round = i / n_cities;
  guint nd;

  *city = i % n_cities;
  nd = n_districts (&cities[*city]);
  *district = round % nd;
  *seq = round / nd + 1;
}

static char *
branch_code (guint city,
             guint district,
             guint seq)
{
  return g_strdup_printf ("%s%02u%02u", cities[city].code, district + 1, seq);
}

static char *
branch_name (KefuSample *self,
             guint       city,
             guint       district)
{
  const char *d = cities[city].districts[district];
  g_autofree char *road = make_road (self);
  g_autofree char *short_district = NULL;
  gsize len = strlen (d);

  /* 南山区 → 南山, 浦东新区 → 浦东, 长安镇 → 长安; 工业园区 stays. */
  if (g_str_has_suffix (d, "新区"))
    short_district = g_strndup (d, len - strlen ("新区"));
  else if (g_utf8_strlen (d, -1) > 2 && !g_str_has_suffix (d, "园区") &&
           (g_str_has_suffix (d, "区") || g_str_has_suffix (d, "镇") || g_str_has_suffix (d, "市")))
    short_district = g_strndup (d, len - strlen ("区"));
  else if (g_str_has_suffix (d, "街道"))
    short_district = g_strndup (d, len - strlen ("街道"));
  else
    short_district = g_strdup (d);
  return g_strdup_printf ("%s%s%s营业部", cities[city].name, short_district, road);
}

static gboolean
build_branch_staff (KefuSample  *self,
                    Branch      *b,
                    const char  *admin_id,
                    GError     **error)
{
  const City *city = &cities[b->city];
  /* Each department has a line of its own. */
  g_autofree char *delivery_phone = make_landline (self, city);
  g_autofree char *finance_phone = make_landline (self, city);
  g_autofree char *management_phone = make_landline (self, city);
  g_autofree char *service_phone = make_landline (self, city);
  g_autofree char *delivery = NULL, *finance = NULL, *management = NULL, *service = NULL;
  g_autofree char *lower = g_ascii_strdown (b->code, -1);
  guint next = 1;
  guint n_agents = 2 + pick (self, 4);
  guint n_couriers = 2 + pick (self, 5);

  if ((delivery = create_department (self->db, b->id, "投递部", "delivery", delivery_phone, error)) == NULL ||
      (finance = create_department (self->db, b->id, "财务部", "finance", finance_phone, error)) == NULL ||
      (management = create_department (self->db, b->id, "综合管理部", "management", management_phone, error)) == NULL ||
      (service = create_department (self->db, b->id, "客服部", "service", service_phone, error)) == NULL)
    return FALSE;

  b->managers = g_ptr_array_new_with_free_func (g_free);

  if (admin_id != NULL)
    {
      /* The signed-in administrator runs the office branch. */
      if (!place_staff (self->db, admin_id, management, FALSE, NULL, error))
        return FALSE;
      g_ptr_array_add (b->managers, g_strdup (admin_id));
      next++;
    }

#define NEXT_USERNAME() g_strdup_printf ("%s%02u", lower, next++)
  {
    g_autofree char *username = NEXT_USERNAME ();
    g_autofree char *id = add_staff (self, b->id, username, "supervisor", 500000, error);

    if (id == NULL || !place_staff (self->db, id, management, FALSE, NULL, error))
      return FALSE;
    g_ptr_array_add (b->managers, g_steal_pointer (&id));
  }
  for (guint i = 0; i < n_agents; i++)
    {
      g_autofree char *username = NEXT_USERNAME ();
      g_autofree char *id = add_staff (self, b->id, username, "agent", i == 0 ? 100000 : 50000, error);

      if (id == NULL || !place_staff (self->db, id, service, FALSE, NULL, error))
        return FALSE;
      g_ptr_array_add (b->managers, g_steal_pointer (&id));
    }
  {
    g_autofree char *username = NEXT_USERNAME ();
    g_autofree char *id = add_staff (self, b->id, username, "agent", 200000, error);

    if (id == NULL || !place_staff (self->db, id, finance, FALSE, NULL, error))
      return FALSE;
  }
  for (guint i = 0; i < n_couriers; i++)
    {
      g_autofree char *username = NEXT_USERNAME ();
      g_autofree char *id = add_staff (self, b->id, username, "agent", 20000, error);
      g_autofree char *road = make_road (self);
      g_autofree char *area = g_strdup_printf ("%s%s片区", city->districts[b->district], road);

      if (id == NULL || !place_staff (self->db, id, delivery, TRUE, area, error))
        return FALSE;
    }
#undef NEXT_USERNAME
  return TRUE;
}

static gboolean
build_organisation (KefuSample  *self,
                    GError     **error)
{
  KefuDb *db = self->db;
  guint n = self->opts.n_branches;
  g_autofree char *office_code = NULL, *office_name = NULL, *admin_name = NULL, *admin_user = NULL;
  g_autofree char *hq_id = NULL;
  g_autoptr(KefuStaff) admin = NULL;
  char *province_ids[G_N_ELEMENTS (provinces)] = { NULL };
  char *city_ids[G_N_ELEMENTS (cities)] = { NULL };
  gboolean ok = FALSE;

  /* The office: branch 0, signed in as its administrator. */
  {
    guint city, district, seq;

    branch_place (0, &city, &district, &seq);
    office_code = branch_code (city, district, seq);
    office_name = branch_name (self, city, district);
    admin_name = make_person_name (self);
    admin_user = g_strdup_printf ("%s01", office_code);
    for (char *p = admin_user; *p; p++)
      *p = g_ascii_tolower (*p);
    if (!kefu_org_setup_office (db, office_code, office_name, admin_name, admin_user, "admin", error))
      return FALSE;
  }
  admin = kefu_org_get_current_user (db);
  g_assert (admin != NULL);

  if (!kefu_db_begin (db, error))
    return FALSE;

  if ((hq_id = add_unit (self, "HQ", "总部", "hq", NULL, "0755-83000000",
                         "广东省深圳市福田区深南大道1号", error)) == NULL)
    goto out;
  {
    g_autofree char *id = add_staff (self, hq_id, "hq.admin", "admin", 5000000, error);
    g_autofree char *trainer = NULL;

    if (id == NULL || (trainer = add_staff (self, hq_id, "hq.trainer", "trainer", 0, error)) == NULL)
      goto out;
  }

  for (guint i = 0; i < n; i++)
    {
      Branch b = { 0 };
      guint city, district, seq;
      const City *c;

      branch_place (i, &city, &district, &seq);
      c = &cities[city];
      if (province_ids[c->province] == NULL)
        {
          const Province *p = &provinces[c->province];
          g_autofree char *name = g_strdup_printf ("%s分公司", p->name);
          g_autofree char *phone = make_landline (self, c);
          g_autofree char *username = g_strdup_printf ("%s.trainer", p->code);

          if ((province_ids[c->province] = add_unit (self, p->code, name, "province", hq_id,
                                                     phone, NULL, error)) == NULL)
            goto out;
          for (char *q = username; *q; q++)
            *q = g_ascii_tolower (*q);
          {
            g_autofree char *trainer = add_staff (self, province_ids[c->province], username,
                                                  "trainer", 0, error);
            if (trainer == NULL)
              goto out;
          }
        }
      if (city_ids[city] == NULL)
        {
          const Province *p = &provinces[c->province];
          g_autofree char *code = g_strdup_printf ("%s%s", p->code, c->code);
          g_autofree char *name = p->municipality ? g_strdup_printf ("%s城区分公司", p->name)
                                                  : g_strdup_printf ("%s市分公司", c->name);
          g_autofree char *phone = make_landline (self, c);
          g_autofree char *username = g_ascii_strdown (code, -1);
          g_autofree char *manager = NULL;

          if ((city_ids[city] = add_unit (self, code, name, "city", province_ids[c->province],
                                          phone, NULL, error)) == NULL)
            goto out;
          {
            g_autofree char *user = g_strdup_printf ("%s.manager", username);

            if ((manager = add_staff (self, city_ids[city], user, "supervisor", 2000000, error)) == NULL)
              goto out;
          }
        }

      b.city = city;
      b.district = district;
      b.code = branch_code (city, district, seq);
      {
        g_autofree char *name = i == 0 ? NULL : branch_name (self, city, district);
        g_autofree char *phone = make_landline (self, c);
        g_autofree char *address = make_address (self, c, district, TRUE);

        if (i == 0)
          {
            g_autoptr(KefuOrgUnit) office = kefu_org_get_office (db);

            b.id = g_strdup (office->id);
            if (!finish_office (db, b.id, city_ids[city], phone, address, error))
              {
                branch_clear (&b);
                goto out;
              }
          }
        else if ((b.id = add_unit (self, b.code, name, "branch", city_ids[city], phone, address, error)) == NULL)
          {
            branch_clear (&b);
            goto out;
          }
      }
      g_array_append_val (self->branches, b);
      if (!build_branch_staff (self, &g_array_index (self->branches, Branch, i),
                               i == 0 ? admin->id : NULL, error))
        goto out;
    }
  ok = TRUE;

out:
  for (guint i = 0; i < G_N_ELEMENTS (provinces); i++)
    g_free (province_ids[i]);
  for (guint i = 0; i < G_N_ELEMENTS (cities); i++)
    g_free (city_ids[i]);
  if (!ok)
    {
      kefu_db_rollback (db);
      return FALSE;
    }
  return kefu_db_commit (db, error);
}

/* --- customers ------------------------------------------------------- */

static void
remember_for_duplicates (KefuSample   *self,
                         const char   *name,
                         const char   *mobile_digits,
                         const char   *address,
                         guint         branch)
{
  DupSource *d = &self->pool[self->pool_next];

  g_free (d->name);
  g_free (d->address);
  d->name = g_strdup (name);
  memcpy (d->mobile, mobile_digits, 12);
  d->address = g_strdup (address);
  d->branch = branch;
  self->pool_next = (self->pool_next + 1) % DUP_POOL_SIZE;
  self->pool_len = MIN (self->pool_len + 1, DUP_POOL_SIZE);
}

static void
set_dates (KefuSample   *self,
           KefuCustomer *c)
{
  gint64 age = range64 (self, 0, 1095 * DAY_MS);
  double r = g_rand_double (self->rand);

  c->created_at = self->today_ms - age;
  if (r < 0.03)
    c->last_contact_at = 0;
  else if (r < 0.10 && age > 200 * DAY_MS)
    c->last_contact_at = self->today_ms - range64 (self, 180 * DAY_MS, age);
  else
    c->last_contact_at = self->today_ms - range64 (self, 0, MIN (age, 120 * DAY_MS));
}

static gint64
draw_complaints (KefuSample *self)
{
  double r = g_rand_double (self->rand);

  if (r < 0.80)
    return 0;
  if (r < 0.92)
    return 1;
  if (r < 0.97)
    return 2;
  return 3 + pick (self, 5);
}

static void
add_tag (GString    *tags,
         const char *tag)
{
  if (tags->len > 0)
    g_string_append_c (tags, ',');
  g_string_append (tags, tag);
}

static void
set_preferences (KefuSample   *self,
                 KefuCustomer *c,
                 gboolean      enterprise)
{
  /* Chances per key, in kefu_preference_keys() order:
   * speed, care, price, pickup, invoice, privacy. */
  static const double person[] = { 0.35, 0.20, 0.30, 0.10, 0.02, 0.15 };
  static const double business[] = { 0.40, 0.25, 0.50, 0.45, 0.55, 0.03 };
  const char **keys = kefu_preference_keys ();
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; keys[i] && i < G_N_ELEMENTS (person); i++)
    if (chance (self, enterprise ? business[i] : person[i]))
      add_tag (out, keys[i]);
  c->preferences = g_strdup (out->str);
}

static KefuCustomer *
make_duplicate (KefuSample *self)
{
  const DupSource *d = &self->pool[pick (self, self->pool_len)];
  const Branch *b = &g_array_index (self->branches, Branch, d->branch);
  KefuCustomer *c = kefu_customer_new ();

  /* The same person filed again, the phone written another way. */
  c->kind = g_strdup ("person");
  c->name = g_strdup (d->name);
  c->branch_id = g_strdup (b->id);
  set_preferences (self, c, FALSE);
  c->tags = g_strdup ("");
  c->monthly_volume = pick (self, 10);
  c->monthly_spend_cents = c->monthly_volume * (1000 + pick (self, 1200));
  c->complaints_12m = draw_complaints (self);
  set_dates (self, c);
  {
    g_autofree char *phone = format_mobile (d->mobile, chance (self, 0.5) ? 3 : 1);

    kefu_customer_add_contact (c, "phone", "mobile", phone);
  }
  if (d->address && chance (self, 0.5))
    kefu_customer_add_contact (c, "address", "home", d->address);
  return c;
}

static KefuCustomer *
make_customer (KefuSample *self)
{
  guint bi = pick (self, self->branches->len);
  const Branch *b = &g_array_index (self->branches, Branch, bi);
  const City *city = &cities[b->city];
  guint district = chance (self, 0.7) ? b->district : pick (self, n_districts (city));
  gboolean enterprise = chance (self, 0.35);
  g_autoptr(GString) tags = g_string_new (NULL);
  KefuCustomer *c;

  if (self->pool_len > 0 && chance (self, 0.003))
    return make_duplicate (self);

  c = kefu_customer_new ();
  c->kind = g_strdup (enterprise ? "enterprise" : "person");
  c->name = make_person_name (self);
  c->branch_id = g_strdup (b->id);

  if (enterprise)
    {
      const Industry *ind = &industries[0];
      guint r = pick (self, self->industry_total);
      g_autofree char *domain = NULL;
      g_autofree char *mobile = make_mobile (self);
      g_autofree char *address = NULL;

      for (guint i = 0; i < G_N_ELEMENTS (industries); i++)
        {
          if (r < industries[i].weight)
            {
              ind = &industries[i];
              break;
            }
          r -= industries[i].weight;
        }
      c->industry = g_strdup (ind->name);
      c->company = make_company (self, city, ind, &domain);
      c->manager_id = g_strdup (g_ptr_array_index (b->managers, pick (self, b->managers->len)));

      /* A long tail: most send tens of parcels a month, a few thousands. */
      c->monthly_volume = MIN ((gint64) pareto (self, 40.0, 0.95), 150000);
      c->monthly_spend_cents = c->monthly_volume * (600 + pick (self, 800));

      kefu_customer_add_contact (c, "phone", "mobile", mobile);
      if (chance (self, 0.5))
        {
          g_autofree char *landline = make_landline (self, city);

          kefu_customer_add_contact (c, "phone", "office", landline);
        }
      if (chance (self, 0.15))
        {
          g_autofree char *second = make_mobile (self);

          kefu_customer_add_contact (c, "phone", "mobile", second);
        }
      address = make_address (self, city, district, TRUE);
      kefu_customer_add_contact (c, "address", chance (self, 0.5) ? "warehouse" : "office", address);
      if (chance (self, 0.6))
        {
          static const char *locals[] = { "kefu", "sales", "service", "info", "logistics" };
          g_autofree char *email = g_strdup_printf ("%s@%s", locals[pick (self, G_N_ELEMENTS (locals))], domain);

          kefu_customer_add_contact (c, "email", "work", email);
        }
      if (chance (self, 0.6))
        add_tag (tags, "月结");
      if (ind->tag && chance (self, 0.5))
        add_tag (tags, ind->tag);
    }
  else
    {
      char digits[12];
      double r = g_rand_double (self->rand);
      g_autofree char *mobile = NULL;
      g_autofree char *address = NULL;

      make_mobile_digits (self, digits);
      mobile = format_mobile (digits, r < 0.72 ? 0 : r < 0.84 ? 1 : r < 0.92 ? 2 : r < 0.96 ? 3 : 4);
      if (chance (self, 0.3))
        c->manager_id = g_strdup (g_ptr_array_index (b->managers, pick (self, b->managers->len)));

      /* Mostly a few parcels a month; some sell online from home. */
      c->monthly_volume = MIN ((gint64) (pareto (self, 1.5, 1.4) - 1.0), 3000);
      c->monthly_spend_cents = c->monthly_volume * (1000 + pick (self, 1200));

      kefu_customer_add_contact (c, "phone", "mobile", mobile);
      if (chance (self, 0.12))
        {
          g_autofree char *second = make_mobile (self);

          kefu_customer_add_contact (c, "phone", "mobile", second);
        }
      else if (chance (self, 0.06))
        {
          g_autofree char *home = make_landline (self, city);

          kefu_customer_add_contact (c, "phone", "home", home);
        }
      if (chance (self, 0.7))
        {
          address = make_address (self, city, district, FALSE);
          kefu_customer_add_contact (c, "address", "home", address);
        }
      if (chance (self, 0.15))
        {
          g_autofree char *email = make_person_email (self);

          kefu_customer_add_contact (c, "email", "personal", email);
        }
      if (chance (self, 0.12))
        add_tag (tags, person_tags[pick (self, G_N_ELEMENTS (person_tags))]);
      if (chance (self, 0.02))
        remember_for_duplicates (self, c->name, digits, address, bi);
    }

  c->complaints_12m = draw_complaints (self);
  set_dates (self, c);
  set_preferences (self, c, enterprise);
  c->tags = g_strdup (tags->str);
  return c;
}

/* --- public API ------------------------------------------------------ */

/**
 * kefu_sample_default_options:
 *
 * What the first-run "sample data" choice writes: a small network and
 * about 2,000 customers, ready in well under two seconds.
 */
KefuSampleOptions
kefu_sample_default_options (void)
{
  KefuSampleOptions opts = { .seed = 20260101, .n_customers = 2000, .n_branches = 12 };

  return opts;
}

/**
 * kefu_sample_new:
 *
 * Sets the (empty) database up as the first branch with its administrator
 * signed in, and writes the organisation: headquarters, provinces, cities,
 * branches, their departments and staff.
 *
 * Returns: (transfer full): the generator, or %NULL with @error set
 */
KefuSample *
kefu_sample_new (KefuDb                   *db,
                 const KefuSampleOptions  *opts,
                 GError                  **error)
{
  g_autoptr(KefuSample) self = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autoptr(GDateTime) today = NULL;

  g_return_val_if_fail (KEFU_IS_DB (db), NULL);
  g_return_val_if_fail (opts != NULL, NULL);

  if (kefu_org_is_set_up (db))
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID,
                   _("Sample data can only be added to a new, empty database."));
      return NULL;
    }
  if (opts->n_branches == 0)
    {
      g_set_error (error, KEFU_ERROR, KEFU_ERROR_INVALID,
                   _("The sample data needs at least one branch."));
      return NULL;
    }

  self = g_new0 (KefuSample, 1);
  self->db = g_object_ref (db);
  self->opts = *opts;
  self->rand = g_rand_new_with_seed (opts->seed);
  self->branches = g_array_new (FALSE, TRUE, sizeof (Branch));
  g_array_set_clear_func (self->branches, (GDestroyNotify) branch_clear);
  for (guint i = 0; i < G_N_ELEMENTS (surnames); i++)
    self->surname_total += surnames[i].weight;
  for (guint i = 0; i < G_N_ELEMENTS (industries); i++)
    self->industry_total += industries[i].weight;

  now = g_date_time_new_now_local ();
  today = g_date_time_new_local (g_date_time_get_year (now), g_date_time_get_month (now),
                                 g_date_time_get_day_of_month (now), 0, 0, 0);
  self->today_ms = g_date_time_to_unix (today) * 1000;

  if (!build_organisation (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

/**
 * kefu_sample_next_customers:
 *
 * Builds the next @n customers in memory; nothing is written.
 *
 * Returns: (transfer full) (element-type KefuCustomer): the customers
 */
GPtrArray *
kefu_sample_next_customers (KefuSample *self,
                            guint       n)
{
  GPtrArray *ret = g_ptr_array_new_full (n, (GDestroyNotify) kefu_customer_free);

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (ret, make_customer (self));
  self->n_made += n;
  return ret;
}

/**
 * kefu_sample_write_customers:
 *
 * Writes @customers through kefu_customers_create_many() (one
 * transaction), then adds a note to a few of them (a second one).
 */
gboolean
kefu_sample_write_customers (KefuSample  *self,
                             GPtrArray   *customers,
                             GError     **error)
{
  guint failed = 0;

  /* Each chunk is its own transaction, so that a caller sees (and the
   * benchmark measures) exactly what an import of that chunk costs. */
  g_return_val_if_fail (!kefu_db_in_transaction (self->db), FALSE);

  if (!kefu_customers_create_many (self->db, customers, &failed, error))
    {
      g_prefix_error (error, _("Sample customer %u: "), self->n_written + failed + 1);
      return FALSE;
    }

  if (!kefu_db_begin (self->db, error))
    return FALSE;
  for (guint i = 0; i < customers->len && self->n_notes < MAX_NOTES; i++)
    {
      guint k = self->n_written + i;

      if (k % NOTE_EVERY == NOTE_EVERY / 2)
        {
          KefuCustomer *c = g_ptr_array_index (customers, i);

          if (!kefu_customers_add_note (self->db, c->id,
                                        note_bodies[(k / NOTE_EVERY) % G_N_ELEMENTS (note_bodies)],
                                        error))
            {
              kefu_db_rollback (self->db);
              return FALSE;
            }
          self->n_notes++;
        }
    }
  if (!kefu_db_commit (self->db, error))
    return FALSE;
  self->n_written += customers->len;
  return TRUE;
}

void
kefu_sample_free (KefuSample *self)
{
  if (self == NULL)
    return;
  for (guint i = 0; i < DUP_POOL_SIZE; i++)
    {
      g_free (self->pool[i].name);
      g_free (self->pool[i].address);
    }
  g_clear_pointer (&self->branches, g_array_unref);
  g_clear_pointer (&self->rand, g_rand_free);
  g_clear_object (&self->db);
  g_free (self);
}

/**
 * kefu_sample_generate:
 * @progress_cb: (nullable): called after each chunk
 *
 * Fills an empty database with the sample organisation and
 * @opts->n_customers customers. See kefu_sample_new().
 */
gboolean
kefu_sample_generate (KefuDb                   *db,
                      const KefuSampleOptions  *opts,
                      KefuSampleProgress        progress_cb,
                      gpointer                  user_data,
                      GError                  **error)
{
  g_autoptr(KefuSample) self = kefu_sample_new (db, opts, error);

  if (self == NULL)
    return FALSE;
  if (progress_cb)
    progress_cb (0.0, user_data);
  while (self->n_written < opts->n_customers)
    {
      guint n = MIN (CHUNK_SIZE, opts->n_customers - self->n_written);
      g_autoptr(GPtrArray) chunk = kefu_sample_next_customers (self, n);

      if (!kefu_sample_write_customers (self, chunk, error))
        return FALSE;
      if (progress_cb)
        progress_cb ((double) self->n_written / opts->n_customers, user_data);
    }
  if (progress_cb && opts->n_customers == 0)
    progress_cb (1.0, user_data);
  return TRUE;
}
