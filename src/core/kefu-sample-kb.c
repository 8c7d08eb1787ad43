/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "kefu-sample-kb"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "kefu-cases.h"
#include "kefu-kb-private.h"
#include "kefu-kb.h"
#include "kefu-uuid.h"

/* Sample knowledge articles: courier-service FAQ topics in Chinese and
 * English, each written for a kind of shipment (documents, electronics,
 * fresh food…) and, past the first few hundred, for a region, so that
 * 10,000 articles stay distinct. Seeded: the same seed gives the same
 * articles. "%1$s" in a template is the kind of shipment, "%2$s" a
 * number of days, "%3$s" an amount in yuan. */

typedef struct
{
  const char *category;     /* kb category code */
  const char *case_kinds;
  const char *tags_zh;
  const char *tags_en;
  const char *title_zh;
  const char *title_en;
  const char *body_zh;
  const char *body_en;
} Topic;

static const Topic topics[] = {
  { "lost", "claim,tracking", "丢失,理赔,查询", "lost,claim,tracking",
    "快件丢失怎么办（%1$s）", "What to do when a parcel is lost (%1$s)",
    "## 适用情形\n\n客户反映%1$s快件超过 **%2$s 个工作日** 无物流更新，或派送显示已签收但客户未收到。\n\n"
    "## 处理步骤\n\n1. 核对运单号和寄件人、收件人信息。\n2. 在系统中查询最后一个扫描网点，电话联系该网点核实。\n"
    "3. 向客户说明查询时限：一般 **%2$s 个工作日** 内答复。\n4. 确认丢失后，引导客户提交索赔材料。\n\n"
    "## 注意\n\n- 首问负责：受理人跟进到底，不得推诿。\n- 保价快件按保价金额赔偿，未保价按运费倍数赔偿，最高不超过 %3$s 元。\n",
    "## When this applies\n\nThe customer's %1$s parcel has had no tracking update for **%2$s working days**, or it shows as delivered but never arrived.\n\n"
    "## Steps\n\n1. Check the tracking number and the sender and recipient details.\n2. Find the last branch that scanned it and call that branch.\n"
    "3. Tell the customer we answer within **%2$s working days**.\n4. Once the loss is confirmed, help the customer file a claim.\n\n"
    "## Note\n\n- First-contact responsibility: whoever takes the case follows it to the end.\n- Insured parcels are paid up to the declared value; uninsured ones at a multiple of the postage, at most %3$s yuan.\n" },
  { "damaged", "claim,complaint", "破损,理赔,包装", "damaged,claim,packaging",
    "快件破损的受理与理赔（%1$s）", "Damaged parcels: intake and claims (%1$s)",
    "## 受理要点\n\n- 请客户保留 **外包装和内件**，拍照留存（外箱六面、破损处、内件）。\n- 记录签收时间，破损须在签收后 **%2$s 天** 内提出。\n\n"
    "## 理赔材料\n\n| 材料 | 说明 |\n|---|---|\n| 照片 | 外包装及内件破损照片 |\n| 价值证明 | 发票或购买记录 |\n| 身份证明 | 寄件人或收件人身份证 |\n\n"
    "## 赔偿标准\n\n%1$s类物品按实际损失赔偿，保价件不超过保价金额，未保价件最高 %3$s 元。\n",
    "## At intake\n\n- Ask the customer to keep **the box and the contents** and to take photos (all six sides, the damage, the contents).\n- Note when it was delivered: damage must be reported within **%2$s days**.\n\n"
    "## Claim documents\n\n| Document | What |\n|---|---|\n| Photos | The box and the damaged contents |\n| Proof of value | Invoice or purchase record |\n| ID | Sender's or recipient's ID card |\n\n"
    "## Compensation\n\nFor %1$s the actual loss is paid: insured parcels up to the declared value, uninsured ones up to %3$s yuan.\n" },
  { "late", "complaint,tracking", "延误,时效,投诉", "late,delivery time,complaint",
    "快件延误的解释口径（%1$s）", "Explaining a late delivery (%1$s)",
    "## 常见原因\n\n- 天气、交通管制或节假日件量高峰。\n- 地址不详导致派送失败。\n- %1$s需要安检复核。\n\n"
    "## 答复口径\n\n> 非常抱歉给您带来不便，我们已为您加急处理，预计 %2$s 个工作日内送达，并会在送达前电话通知您。\n\n"
    "## 补偿\n\n超出承诺时效的，可按规定减免运费；客户要求赔偿的，按延误理赔流程处理，最高 %3$s 元。\n",
    "## Common causes\n\n- Weather, road closures or the holiday peak.\n- An incomplete address that made delivery fail.\n- %1$s held for a security re-check.\n\n"
    "## What to say\n\n> We are very sorry for the trouble. We have rushed your parcel; it should arrive within %2$s working days and the courier will call before delivery.\n\n"
    "## Compensation\n\nWhen the promised time is exceeded the postage can be waived; if the customer asks for compensation, follow the delay claim process, at most %3$s yuan.\n" },
  { "claims", "claim", "理赔,时限,材料", "claim,deadline,documents",
    "索赔申请的材料与时限（%1$s）", "Claims: documents and time limits (%1$s)",
    "## 申请时限\n\n- 丢失、破损：自寄件之日起 **一年** 内。\n- 审核结果：材料齐全后 **%2$s 个工作日** 内答复。\n\n"
    "## 所需材料\n\n1. 运单号、寄件底单。\n2. %1$s价值证明（发票、订单截图）。\n3. 破损照片（如有）。\n4. 申请人身份证复印件。\n\n"
    "## 授权额度\n\n受理人可在本人授权额度内直接决定；超过额度（如 %3$s 元以上）须提交主管审批。\n",
    "## Time limits\n\n- Loss and damage: within **one year** of posting.\n- Decision: within **%2$s working days** once the documents are complete.\n\n"
    "## Documents\n\n1. Tracking number and the posting receipt.\n2. Proof of the value of the %1$s (invoice, order screenshot).\n3. Photos of the damage, if any.\n4. A copy of the claimant's ID.\n\n"
    "## Authorization\n\nStaff decide within their own authorization limit; above it (for example over %3$s yuan) the case goes to a supervisor for approval.\n" },
  { "insurance", "inquiry,claim", "保价,保险,声明价值", "insurance,declared value",
    "保价服务说明（%1$s）", "Insurance and declared value (%1$s)",
    "## 什么是保价\n\n寄件时声明%1$s的价值并支付保价费，丢失或损毁时按声明价值赔偿。\n\n"
    "## 费率\n\n- 声明价值 %3$s 元以内：按 **1%%** 收取，最低 1 元。\n- 贵重物品建议全额保价。\n\n"
    "## 提醒客户\n\n- 声明价值不得高于实际价值。\n- 未保价快件最高按运费的三倍赔偿。\n",
    "## What insurance is\n\nThe sender declares the value of the %1$s and pays a fee; if it is lost or destroyed we pay the declared value.\n\n"
    "## Rates\n\n- Declared value up to %3$s yuan: **1%%** of the value, at least 1 yuan.\n- Valuables should be insured in full.\n\n"
    "## Remind the customer\n\n- The declared value may not exceed the real value.\n- Uninsured parcels are compensated at most three times the postage.\n" },
  { "tracking", "tracking,inquiry", "查询,物流,运单号", "tracking,status,tracking number",
    "如何查询物流信息（%1$s）", "How to track a parcel (%1$s)",
    "## 查询方式\n\n- 官网或小程序输入 **运单号**。\n- 拨打客服热线，提供运单号或寄件人手机号。\n- 营业部柜台凭身份证查询。\n\n"
    "## 状态说明\n\n| 状态 | 含义 |\n|---|---|\n| 已收寄 | 营业部已收件 |\n| 运输中 | 在分拣中心之间转运 |\n| 派送中 | 投递员正在派送 |\n| 已签收 | 已妥投 |\n\n"
    "%1$s如 %2$s 天无更新，请按“快件丢失”流程受理。\n",
    "## Ways to track\n\n- Enter the **tracking number** on the website or mini program.\n- Call the hotline with the tracking number or the sender's phone number.\n- At the counter, with an ID card.\n\n"
    "## Status\n\n| Status | Meaning |\n|---|---|\n| Accepted | The branch took it in |\n| In transit | Between sorting centres |\n| Out for delivery | The courier has it |\n| Delivered | Handed over |\n\n"
    "If a %1$s parcel shows no update for %2$s days, take it in as a lost parcel.\n" },
  { "prohibited", "inquiry,service", "禁寄,违禁品,安检", "prohibited,dangerous goods,security",
    "禁寄物品与限寄规定（%1$s）", "Prohibited and restricted items (%1$s)",
    "## 禁止寄递\n\n- 枪支弹药、管制刀具、易燃易爆物品。\n- 毒品及吸毒工具、放射性物品。\n- 活体动物（另有规定的除外）。\n\n"
    "## 限量寄递\n\n%1$s中如含 **锂电池、液体、粉末**，须按规定包装并申报。\n\n"
    "## 收寄验视\n\n营业员必须 **当面验视** 内件，拒绝寄递的要向客户说明依据。\n",
    "## Never accepted\n\n- Weapons, ammunition, controlled knives, flammable or explosive goods.\n- Drugs and drug paraphernalia, radioactive material.\n- Live animals (except where rules allow).\n\n"
    "## Accepted in limited amounts\n\nIf the %1$s contains **lithium batteries, liquids or powders**, it must be packed and declared as the rules say.\n\n"
    "## Inspection\n\nCounter staff must **inspect the contents in front of the customer** and explain the rule when they refuse an item.\n" },
  { "cod", "service,inquiry", "代收货款,COD,结算", "cash on delivery,COD,settlement",
    "代收货款（COD）业务说明（%1$s）", "Cash on delivery (COD) (%1$s)",
    "## 业务流程\n\n1. 寄件人在运单上填写代收金额。\n2. 投递员派送时向收件人收取货款。\n3. 货款在 **%2$s 个工作日** 内结算给寄件人。\n\n"
    "## 常见问题\n\n- 收件人拒付：快件退回寄件人，退回运费按协议收取。\n- 单笔代收上限 %3$s 元。\n",
    "## How it works\n\n1. The sender writes the amount to collect on the waybill.\n2. The courier collects it from the recipient on delivery.\n3. The money is paid to the sender within **%2$s working days**.\n\n"
    "## Common questions\n\n- The recipient refuses to pay: the %1$s parcel goes back to the sender; return postage per the contract.\n- At most %3$s yuan per parcel.\n" },
  { "address", "service,inquiry", "地址,改址,转寄", "address,redirection,change of address",
    "修改收件地址与转寄（%1$s）", "Changing the delivery address (%1$s)",
    "## 可以改址的情形\n\n- 快件尚未派送。\n- 寄件人或收件人凭身份证明申请。\n\n"
    "## 操作步骤\n\n1. 核实申请人身份和运单号。\n2. 在系统中提交改址申请，注明新地址和联系电话。\n3. 告知客户：同城改址免费，跨城转寄按续重收费，约需 %2$s 天。\n\n"
    "%1$s如已派送，须联系投递员协调。\n",
    "## When the address can change\n\n- The parcel is not out for delivery yet.\n- The sender or recipient asks, with proof of identity.\n\n"
    "## Steps\n\n1. Check who is asking and the tracking number.\n2. Enter the change in the system with the new address and phone number.\n3. Tell the customer: a change within the city is free, redirection to another city is charged by weight and takes about %2$s days.\n\n"
    "If the %1$s parcel is already out for delivery, call the courier.\n" },
  { "holidays", "inquiry", "节假日,春节,营业时间", "holidays,Spring Festival,opening hours",
    "节假日收寄与派送安排（%1$s）", "Holiday service and delivery (%1$s)",
    "## 春节、国庆期间\n\n- 营业部营业时间调整，以网点公告为准。\n- 部分偏远地区暂停派送，时效顺延 **%2$s 天**。\n\n"
    "## 建议客户\n\n- %1$s请在节前 **三天** 寄出。\n- 生鲜和易腐物品节日期间慎寄。\n\n"
    "## 调休\n\n调休上班日按工作日正常收寄派送。\n",
    "## Spring Festival and National Day\n\n- Branch hours change; see the branch notice.\n- Some remote areas pause delivery; delivery times move by **%2$s days**.\n\n"
    "## Advise the customer\n\n- Send %1$s at least **three days** before the holiday.\n- Be careful sending fresh or perishable goods over the holiday.\n\n"
    "## Make-up working days\n\nOn make-up working days we accept and deliver as usual.\n" },
  { "pricing", "inquiry,complaint", "资费,运费,计费", "prices,postage,billing",
    "资费计算与多收运费投诉（%1$s）", "Postage and overcharge complaints (%1$s)",
    "## 计费方式\n\n- 按首重加续重计费，体积重量与实际重量取大者。\n- %1$s超过 %2$s 公斤按大件计费。\n\n"
    "## 多收运费\n\n1. 调取收寄记录和称重照片。\n2. 核实多收的，**当日** 退还差额。\n3. 金额较大（超过 %3$s 元）须主管确认。\n",
    "## How postage is charged\n\n- First weight plus each further kilogram; the larger of actual and volumetric weight.\n- %1$s over %2$s kg is charged as a large item.\n\n"
    "## Overcharges\n\n1. Pull the acceptance record and the weighing photo.\n2. If we overcharged, refund the difference **the same day**.\n3. Large amounts (over %3$s yuan) need a supervisor's confirmation.\n" },
  { "service", "complaint,suggestion", "服务态度,投诉,首问负责", "staff attitude,complaint,first contact",
    "服务态度投诉的处理（%1$s）", "Complaints about staff attitude (%1$s)",
    "## 受理\n\n- 认真倾听，不打断、不争辩。\n- 记录时间、地点、人员和经过。\n\n"
    "## 处理\n\n1. **24 小时** 内联系客户致歉。\n2. 核实情况，对责任人进行教育或考核。\n3. %2$s 个工作日内回访客户满意度。\n\n"
    "## 预防\n\n%1$s收寄、派送时使用规范用语，做到“优质、优先”。\n",
    "## Intake\n\n- Listen; do not interrupt or argue.\n- Note the time, the place, the staff member and what happened.\n\n"
    "## Handling\n\n1. Call the customer to apologise within **24 hours**.\n2. Check what happened; coach or assess the staff member.\n3. Call back within %2$s working days to ask about satisfaction.\n\n"
    "## Prevention\n\nUse the standard phrases when accepting and delivering %1$s.\n" },
  { "tracking", "tracking,complaint", "签收,冒签,投递", "delivered,signature,proof of delivery",
    "显示已签收但未收到（%1$s）", "Shown as delivered but not received (%1$s)",
    "## 先核实\n\n- 是否由家人、同事、门卫或快递柜代收。\n- 查看签收底单或投递照片。\n\n"
    "## 再处理\n\n1. 联系投递员确认投递地点。\n2. %2$s 小时内给客户答复。\n3. 确认冒签或错投的，按丢失理赔处理，%1$s最高赔偿 %3$s 元。\n",
    "## Check first\n\n- Did a family member, colleague, guard or parcel locker take it?\n- Look at the signature or the delivery photo.\n\n"
    "## Then\n\n1. Call the courier to confirm where it was left.\n2. Answer the customer within %2$s hours.\n3. If someone signed falsely or it went to the wrong place, handle it as a loss claim; %1$s up to %3$s yuan.\n" },
  { "service", "service,inquiry", "上门取件,预约,揽收", "pick-up,booking,collection",
    "预约上门取件（%1$s）", "Booking a pick-up (%1$s)",
    "## 预约方式\n\n- 客服热线、小程序或营业部电话。\n- 提供取件地址、联系人、%1$s重量和体积。\n\n"
    "## 时效\n\n市区 **2 小时** 内上门，郊区 %2$s 小时内。\n\n"
    "## 大客户\n\n大客户可约定固定时间揽收，由客户经理安排。\n",
    "## How to book\n\n- Hotline, mini program or the branch's phone.\n- Give the address, a contact, the weight and size of the %1$s.\n\n"
    "## Timing\n\nCity centre within **2 hours**, suburbs within %2$s hours.\n\n"
    "## Key accounts\n\nKey accounts can agree fixed collection times with their account manager.\n" },
  { "damaged", "claim,inquiry", "包装,易碎,建议", "packaging,fragile,advice",
    "易碎品包装规范（%1$s）", "Packing fragile items (%1$s)",
    "## 包装要求\n\n- 使用 **双层瓦楞纸箱**，内件四周留 3 厘米缓冲。\n- 填充气泡膜或珍珠棉，摇晃无响动。\n- 外箱贴“易碎”标识。\n\n"
    "## 营业员提醒\n\n%1$s未按规范包装造成破损的，赔偿可能受限，请建议客户保价（%3$s 元以内费率 1%%）。\n",
    "## Packing\n\n- Use a **double-wall corrugated box** with 3 cm of padding on every side.\n- Fill with bubble wrap or foam: nothing may move when shaken.\n- Put a \"fragile\" label on the box.\n\n"
    "## Tell the customer\n\nIf %1$s is damaged because it was packed badly, compensation may be limited; suggest insurance (1%% up to %3$s yuan).\n" },
  { "claims", "claim,complaint", "理赔,进度,催办", "claim,progress,follow-up",
    "理赔进度查询与催办（%1$s）", "Claim progress and chasing (%1$s)",
    "## 查询\n\n在工单中查看索赔状态：待审批、已决定、已付款。\n\n"
    "## 超时未决\n\n- 超过 **%2$s 个工作日** 未决定的，工单升级至主管。\n- 告知客户当前进度和预计时间，不得说“不清楚”。\n\n"
    "## 付款\n\n决定后 %2$s 个工作日内付款，%1$s赔款超过 %3$s 元须财务复核。\n",
    "## Checking\n\nThe case shows the claim's state: awaiting approval, decided, paid.\n\n"
    "## Overdue\n\n- A claim undecided after **%2$s working days** is escalated to a supervisor.\n- Tell the customer where it stands and when to expect an answer; never say \"I don't know\".\n\n"
    "## Payment\n\nPaid within %2$s working days of the decision; %1$s claims over %3$s yuan are checked by finance.\n" },
  { "address", "tracking,service", "退回,拒收,无法投递", "returned,refused,undeliverable",
    "快件退回与拒收处理（%1$s）", "Returned and refused parcels (%1$s)",
    "## 退回原因\n\n- 收件人拒收、地址错误、联系不上。\n\n"
    "## 处理\n\n1. 投递员三次联系不上的，快件在营业部保管 **%2$s 天**。\n2. 保管期满退回寄件人，退回运费由寄件人承担。\n3. %1$s如为代收货款件，退回时不收货款。\n",
    "## Why parcels come back\n\n- The recipient refused it, the address is wrong, nobody answers.\n\n"
    "## Handling\n\n1. After three failed contacts the parcel is kept at the branch for **%2$s days**.\n2. Then it goes back to the sender, who pays the return postage.\n3. For a cash-on-delivery %1$s parcel no money is collected on return.\n" },
  { "late", "inquiry,tracking", "国际,清关,海关", "international,customs,clearance",
    "国际快件清关延误（%1$s）", "International parcels held in customs (%1$s)",
    "## 常见原因\n\n- 申报品名不清或价值不符。\n- 缺少收件人身份证明或税号。\n\n"
    "## 处理\n\n1. 请客户补充材料，一般 %2$s 个工作日内放行。\n2. 产生关税的，由收件人支付。\n3. %1$s被海关扣留的，不属于邮政责任。\n",
    "## Common causes\n\n- The contents were described vaguely or the value does not match.\n- The recipient's ID or tax number is missing.\n\n"
    "## Handling\n\n1. Ask the customer for the missing papers; release usually takes %2$s working days.\n2. Duties are paid by the recipient.\n3. %1$s seized by customs is not the carrier's liability.\n" },
  { "service", "inquiry,service", "发票,报销,电子发票", "invoice,receipt,e-invoice",
    "开具发票（%1$s）", "Issuing invoices (%1$s)",
    "## 开票方式\n\n- 营业部柜台当场开具。\n- 电子发票：在小程序输入运单号申请，%2$s 个工作日内发送到邮箱。\n\n"
    "## 大客户\n\n月结客户按月统一开票，金额超过 %3$s 元的由客户经理核对。\n",
    "## How\n\n- At the branch counter, on the spot.\n- E-invoice: request it in the mini program with the tracking number; it arrives by e-mail within %2$s working days.\n\n"
    "## Key accounts\n\nMonthly-billed customers get one invoice a month; amounts over %3$s yuan are checked by the account manager.\n" },
  { "lost", "complaint,claim", "投诉,升级,满意度", "complaint,escalation,satisfaction",
    "重复投诉与升级处理（%1$s）", "Repeat complaints and escalation (%1$s)",
    "## 识别\n\n同一客户 **12 个月内 3 次以上** 投诉，系统将其标为“流失风险”客户。\n\n"
    "## 处理\n\n1. 由主管亲自回电。\n2. 查看客户档案中的全部工单，避免客户重复说明。\n3. %2$s 个工作日内给出解决方案。\n\n"
    "%1$s相关的赔偿按授权额度审批。\n",
    "## Recognising it\n\nA customer with **three or more complaints in twelve months** is marked at risk.\n\n"
    "## Handling\n\n1. A supervisor calls back in person.\n2. Read every case in the customer file so the customer need not repeat themselves.\n3. Offer a solution within %2$s working days.\n\n"
    "Compensation for %1$s follows the authorization limits.\n" },
};

static const char *items_zh[] = {
  "文件", "电子产品", "生鲜食品", "服装鞋帽", "易碎品", "化妆品", "药品", "大件家具", "图书资料", "贵重物品",
};
static const char *items_en[] = {
  "documents", "electronics", "fresh food", "clothing", "fragile goods", "cosmetics", "medicines", "large furniture",
  "books", "valuables",
};
static const char *regions_zh[] = {
  "北京", "上海", "广东", "四川", "浙江", "江苏", "湖北", "陕西", "山东", "云南", "辽宁", "福建",
};
static const char *regions_en[] = {
  "Beijing", "Shanghai", "Guangdong", "Sichuan", "Zhejiang", "Jiangsu", "Hubei", "Shaanxi", "Shandong", "Yunnan",
  "Liaoning", "Fujian",
};

static char *
category_id_for (KefuDb     *db,
                 const char *code)
{
  sqlite3_stmt *stmt = kefu_db_prepare (db, "SELECT id FROM category WHERE scope = 'kb' AND code = ? AND deleted = 0", NULL);
  char *id = NULL;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, code, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    id = kefu_stmt_dup (stmt, 0);
  sqlite3_reset (stmt);
  return id;
}

/* The templates' placeholders, replaced by hand: not every template
 * uses every argument, and a printf format may not skip one. */
static char *
fill (const char *tmpl,
      const char *item,
      const char *days,
      const char *amount)
{
  GString *out = g_string_new (NULL);

  for (const char *p = tmpl; *p; p++)
    {
      if (p[0] == '%' && p[1] == '%')
        {
          g_string_append_c (out, '%');
          p++;
        }
      else if (p[0] == '%' && p[1] >= '1' && p[1] <= '3' && p[2] == '$' && p[3] == 's')
        {
          g_string_append (out, p[1] == '1' ? item : p[1] == '2' ? days : amount);
          p += 3;
        }
      else
        g_string_append_c (out, *p);
    }
  return g_string_free (out, FALSE);
}

gboolean
kefu_kb_generate_sample (KefuDb      *db,
                         guint32      seed,
                         guint        n,
                         GError     **error)
{
  return kefu_kb_generate_sample_in (db, seed, n, NULL, error);
}

/**
 * kefu_kb_generate_sample_in:
 * @language: (nullable): "zh" or "en" for articles in that language
 *   only; %NULL for both, alternating (the benchmark's 10,000 articles)
 */
gboolean
kefu_kb_generate_sample_in (KefuDb      *db,
                            guint32      seed,
                            guint        n,
                            const char  *language,
                            GError     **error)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  g_autoptr(GHashTable) categories = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  const guint n_topics = G_N_ELEMENTS (topics);
  const guint n_items = G_N_ELEMENTS (items_zh);
  const guint n_languages = language == NULL ? 2 : 1;
  gint64 base = kefu_cases_get_now (db) - G_GINT64_CONSTANT (400) * 24 * 3600 * 1000;

  g_return_val_if_fail (KEFU_IS_DB (db), FALSE);

  for (guint t = 0; t < n_topics; t++)
    if (!g_hash_table_contains (categories, topics[t].category))
      g_hash_table_insert (categories, (gpointer) topics[t].category, category_id_for (db, topics[t].category));

  if (!kefu_db_begin (db, error))
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      /* Topic fastest, then language (when both), then the kind of
       * shipment, then the region: the first languages × topics × items
       * are all distinct without a region. */
      const Topic *topic = &topics[i % n_topics];
      gboolean zh = language == NULL ? (i / n_topics) % 2 == 0 : g_str_equal (language, "zh");
      guint item = (i / (n_topics * n_languages)) % n_items;
      guint round = i / (n_topics * n_languages * n_items);
      g_autoptr(KefuKbArticle) a = kefu_kb_article_new ();
      g_autofree char *days = g_strdup_printf ("%d", g_rand_int_range (rand, 2, 8));
      g_autofree char *amount = g_strdup_printf ("%d", 100 * g_rand_int_range (rand, 3, 51));
      g_autofree char *title = fill (zh ? topic->title_zh : topic->title_en,
                                     zh ? items_zh[item] : items_en[item], days, amount);
      gint64 at = base + (gint64) i * 60000 + g_rand_int_range (rand, 0, 60000);

      if (round > 0)
        {
          guint r = (round - 1) % G_N_ELEMENTS (regions_zh);
          guint edition = (round - 1) / G_N_ELEMENTS (regions_zh);
          char *t2;

          if (edition == 0)
            t2 = zh ? g_strdup_printf ("%s · %s", title, regions_zh[r])
                    : g_strdup_printf ("%s · %s", title, regions_en[r]);
          else
            t2 = zh ? g_strdup_printf ("%s · %s（第 %u 版）", title, regions_zh[r], edition + 1)
                    : g_strdup_printf ("%s · %s (edition %u)", title, regions_en[r], edition + 1);
          g_free (title);
          title = t2;
        }
      g_free (a->id);
      a->id = kefu_uuid7_new_at (at);
      kefu_set_str (&a->title, title);
      g_free (a->body);
      a->body = fill (zh ? topic->body_zh : topic->body_en, zh ? items_zh[item] : items_en[item], days, amount);
      kefu_set_str (&a->tags, zh ? topic->tags_zh : topic->tags_en);
      kefu_set_str (&a->case_kinds, topic->case_kinds);
      kefu_set_str (&a->category_id, g_hash_table_lookup (categories, topic->category));
      kefu_set_str (&a->status, "published");
      kefu_set_str (&a->author_id, kefu_db_get_actor (db));
      a->published_at = at;
      if (!_kefu_kb_insert (db, a, FALSE, at, error))
        {
          kefu_db_rollback (db);
          return FALSE;
        }
    }
  return kefu_db_commit (db, error);
}
