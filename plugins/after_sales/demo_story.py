"""The after-sales demo's story: the table of work orders of the last six
weeks as a service clerk knows them, and the papers that go with them.

Every company gets the same 28 orders on the CRM's demo customers (their
times relative to the company's "now"), received by its service centre and
handled by its engineers (core.org's demo): six closed, three called back,
four resolved and waiting for the callback, four in progress (one of them
reopened after an unhappy callback), two waiting for the customer, three
dispatched, two classified, three just recorded and one cancelled as a
duplicate. Overdue now, whatever the company's province: the reopened
freezer, the cold store that keeps stopping, the loose bracket, the
forgotten fee question (a 咨询 of 13 days: 1 working day, even across
the longest holiday), the letter nobody answered within 24 hours, and the hospital's stopped lab air conditioner whose
4-hour response (its project's agreement) has passed. Late but done: the
remote control answered after 30 hours, the exhibition centre's
installation resolved on its sixth day.

Times in the table are hours after receipt; a row received ``"3h"`` ago
came in three hours before the demo was loaded, one received ``(5, "15:00")``
five days ago at 15:00 company time.
"""
from __future__ import annotations

from typing import NamedTuple


class Order(NamedTuple):
    key: str                  # the story's name for it (tests and papers refer to it)
    customer: str             # CRM demo customer code suffix
    subject: str
    description: str
    received: tuple | str     # (days ago, "HH:MM") or "<n>h" ago
    steps: tuple = ()         # (transition, hours after receipt[, comment])
    category: str | None = None
    priority: str = "normal"
    channel: str = "hotline"
    serial: str | None = None  # the unit sold it is about
    project: str | None = None
    stage: str = "after_sale"
    who: str = "e1"           # e1 / e2: the engineers; clerk: the service clerk
    task: str | None = None   # 排故任务 fixed before departure
    resolution: str | None = None
    opinion: str | None = None
    callback_notes: str | None = None
    responded: float | None = None  # a first response typed by the clerk (hours after receipt)


HOSPITAL_PROJECT = "门诊楼净化空调改造"
FULL = (("classify", 0.3), ("dispatch", 1), ("start", 4), ("resolve", 26), ("callback", 72), ("close", 96))

ORDERS = [
    # --- closed ---------------------------------------------------------------------------------------------
    Order("hotel_noise", "001", "客房层空调主机噪音大",
          "宾馆工程部周经理来电：3号楼客房层中央空调主机运行噪音明显增大，夜间有客人投诉。",
          (6, "09:10"), FULL, "repair", "high", serial="KT120-2301-0008",
          task="检查主机风机及压缩机运行状态，带风机轴承、启动电容备件", who="e1",
          resolution="现场检查为主机风机轴承磨损、启动电容容量衰减；按三包更换风机轴承及启动电容，试运行2小时噪音恢复正常。",
          opinion="satisfied", callback_notes="周经理表示夜间已无噪音投诉。"),
    Order("filter_cleaning", "008", "咨询空调滤网清洗方法", "用户来电询问家用空调滤网多久清洗一次、如何拆装。",
          (25, "10:20"), (("classify", 0.2), ("dispatch", 0.3), ("start", 0.3), ("resolve", 0.5),
                          ("callback", 30), ("close", 50)),
          "consult", "low", "phone", stage="after_sale", who="clerk", task="电话答复清洗方法",
          resolution="电话指导用户每两周清洗一次滤网，并发送拆装示意图。", opinion="satisfied"),
    Order("hospital_training", "006", "新院区设备操作培训", "后勤保障处孙处长来电，要求为新院区设备科人员安排空调机组操作培训。",
          (20, "09:00"), (("classify", 2), ("dispatch", 3), ("start", 4), ("resolve", 7), ("callback", 48),
                          ("close", 72)),
          "training", "normal", "visit", project=HOSPITAL_PROJECT, stage="in_sale", who="e2",
          task="现场培训：开关机顺序、日常巡检、滤网更换", resolution="完成设备科8人现场培训，发放操作手册。",
          opinion="satisfied"),
    Order("filter_exchange", "004", "滤芯批次破损换货", "锦江宾馆来邮件：6月到货的一批空调滤芯中有6箱外包装破损、滤芯变形。",
          (18, "14:00"), (("classify", 3), ("dispatch", 20), ("start", 22), ("resolve", 44), ("callback", 70),
                          ("close", 90)),
          "exchange", "normal", "email", serial="LX10-L240601", who="e2", task="核对破损数量，现场换货6箱",
          resolution="核实破损6箱，已现场换货并回收破损品。", opinion="satisfied"),
    Order("water_flow", "002", "净水设备出水量下降", "设备科郑科长来电：净水设备出水量较上月下降约一半。",
          (15, "08:40"), (("classify", 1), ("dispatch", 3), ("start", 24), ("resolve", 28), ("callback", 50),
                          ("close", 70)),
          "repair", serial="RO800-2311-0042", who="e1", task="检查滤芯及RO膜，带PP棉、活性炭滤芯",
          resolution="更换前置滤芯并冲洗RO膜，出水量恢复到780 L/h。", opinion="fair",
          callback_notes="用户基本满意，希望滤芯到期前提醒。"),
    Order("lobby_cooling", "001", "大堂空调不制冷", "宾馆值班经理晚间来电：大堂空调不制冷，明早有会议接待。",
          (9, "19:30"), (("classify", 0.4), ("dispatch", 0.5), ("start", 1.5), ("resolve", 5), ("callback", 30),
                         ("close", 40)),
          "repair", "urgent", serial="KT35-2402-0131", who="e2", task="连夜上门检查制冷系统",
          resolution="室外机电源接触器烧蚀，更换后制冷恢复。", opinion="satisfied"),
    # --- callback done --------------------------------------------------------------------------------------
    Order("wanda_install", "007", "物业中心新购机组安装", "销售员吴晓燕转来：万达物业服务中心新购空调机组需安装。",
          (12, "09:00"), (("classify", 2), ("dispatch", 4), ("start", 48), ("resolve", 60), ("callback", 90)),
          "install", channel="sales", stage="in_sale", who="e1", task="按安装图纸安装室外机及管路",
          resolution="安装完成并试运行正常，用户验收签字。", opinion="satisfied"),
    Order("escalator_leak", "009", "扶梯机房空调漏水", "运营部黄经理来电：扶梯机房空调室内机漏水。",
          (8, "11:00"), (("classify", 1), ("dispatch", 2), ("start", 20), ("resolve", 26), ("callback", 60)),
          "repair", "high", "phone", who="e2", task="检查冷凝水管及排水泵",
          resolution="冷凝水管堵塞，疏通并加装保温。", opinion="satisfied"),
    Order("remote_control", "011", "家用空调遥控失灵", "李女士来电：空调遥控器按键无反应。",
          (11, "16:30"), (("classify", 30), ("dispatch", 32), ("start", 45), ("resolve", 47), ("callback", 100)),
          "repair", "normal", "phone", who="e1", task="上门检查遥控器及接收板",
          resolution="更换遥控器电池并清洁接收窗后恢复正常。", opinion="fair", callback_notes="用户认为回电太慢。"),
    # --- resolved, the callback to come -----------------------------------------------------------------------
    Order("hospital_commission", "006", "门诊楼新风机组调试", "改造项目新风机组安装完毕，要求调试。",
          (6, "08:30"), (("classify", 1.5), ("dispatch", 2), ("start", 3), ("resolve", 8)),
          "commission", "high", "phone", serial="KT35-2406-0210", project=HOSPITAL_PROJECT, stage="in_sale",
          who="e1", task="新风机组调试：风量、温湿度、联动控制", resolution="调试完成，各项参数符合设计要求。"),
    Order("expo_install", "010", "会展中心主机安装", "浦东会展中心新购中央空调主机，需安装。",
          (10, "09:00"), (("classify", 2), ("dispatch", 5), ("start", 24), ("resolve", 130)),
          "install", channel="sales", serial="KT120-2404-0015", stage="in_sale", who="e2",
          task="主机就位、管路连接及电气接线", resolution="主机安装完成（吊装推迟一天），待用户验收。"),
    Order("display_cooler", "005", "冷藏展示柜温度偏高", "店主来电：冷藏展示柜温度升到12度。",
          (4, "10:00"), (("classify", 0.5), ("dispatch", 1), ("start", 20), ("resolve", 24)),
          "repair", "normal", "phone", who="e2", task="检查温控器及冷凝器",
          resolution="冷凝器积灰严重，清洗后温度恢复到4度。"),
    Order("warranty_letter", "004", "来函询问三包期限", "锦江宾馆来函：询问客房空调的三包期限及有偿维修收费标准。",
          (3, "09:30"), (("classify", 3), ("dispatch", 3.2), ("start", 3.2), ("resolve", 5)),
          "consult", "low", "letter", who="clerk", task="书面答复三包期限及收费标准",
          resolution="已书面答复：三包期1年，自开票日起算；附有偿维修收费标准。"),
    # --- in progress ----------------------------------------------------------------------------------------
    Order("freezer_again", "003", "冷柜维修后仍不制冷", "超市店长来电：立式冷柜不制冷。",
          (14, "10:00"), (("classify", 1), ("dispatch", 2), ("start", 24), ("resolve", 30), ("callback", 60),
                          ("reopen", 61, "回访：用户反映维修后第三天又不制冷，重新处理。")),
          "repair", "high", "phone", who="e1", task="检查制冷剂压力及压缩机",
          resolution="补充制冷剂后制冷恢复。", opinion="dissatisfied", callback_notes="维修后第三天又不制冷。"),
    Order("cold_store", "002", "码头冷库机组频繁停机", "宁波港物流来邮件：码头冷库机组一天停机三四次。",
          (9, "13:00"), (("classify", 2), ("dispatch", 20), ("start", 44)),
          "repair", "normal", "email", who="e2", task="检查高低压保护及电控"),
    Order("banquet_air", "001", "宴会厅新风系统调试", "宾馆工程部来电：宴会厅新风系统改造后需调试。",
          (1, "10:00"), (("classify", 0.3), ("dispatch", 2), ("start", 6)),
          "commission", stage="in_sale", who="e2", task="新风系统风量平衡调试"),
    Order("atrium_stop", "009", "中庭空调停机", "商场中庭空调突然停机，正在营业。",
          "6h", (("classify", 0.5), ("dispatch", 1), ("start", 2)), "repair", "urgent", who="e1",
          task="紧急上门排查"),
    # --- waiting for the customer ------------------------------------------------------------------------------
    Order("compressor_paid", "004", "客房空调压缩机不启动（已过保）", "前厅杨经理来电：8楼客房空调压缩机不启动。",
          (2, "15:00"), (("classify", 1), ("dispatch", 2), ("start", 20),
                         ("wait", 22, "已报有偿维修报价（更换压缩机），等待顾客确认。")),
          "repair", "normal", "phone", serial="KT35-2305-0077", who="e1", task="检查压缩机及启动电路"),
    Order("expo_terminal", "010", "展馆空调末端维修", "展馆风机盘管不出风，展会期间无法进场。",
          (3, "09:00"), (("classify", 2), ("dispatch", 4), ("wait", 5, "展会期间无法进场，等待顾客通知进场时间。")),
          "repair", "normal", "email", who="e2", task="更换风机盘管电机"),
    # --- dispatched -----------------------------------------------------------------------------------------
    Order("home_install", "008", "新购空调上门安装", "王先生来店购买空调，预约上门安装。",
          (1, "14:00"), (("classify", 1), ("dispatch", 3)), "install", channel="visit", stage="in_sale", who="e2",
          task="上门安装挂机一台"),
    Order("loose_bracket", "011", "空调外机支架松动", "李女士来电：外机支架松动，有异响。",
          (7, "10:00"), (("classify", 2), ("dispatch", 30)), "repair", "normal", "phone", who="e1",
          task="加固外机支架"),
    Order("theatre_temp", "006", "手术室净化空调温控异常", "手术室净化空调温度波动大。",
          "3h", (("classify", 0.5), ("dispatch", 1)), "repair", "high", "phone", project=HOSPITAL_PROJECT,
          who="e1", task="检查温控器及传感器"),
    # --- classified -----------------------------------------------------------------------------------------
    Order("slow_complaint", "007", "投诉：报修响应慢", "客户在官网留言，反映上次报修等待时间过长。",
          (2, "11:00"), (("classify", 3),), "complaint", "high", "other", who="clerk"),
    Order("fee_question", "005", "询问有偿维修收费标准", "店主来电询问过保后的维修收费标准。",
          (13, "09:00"), (("classify", 2),), "consult", "normal", "phone", who="clerk"),
    # --- recorded -------------------------------------------------------------------------------------------
    Order("odour", "003", "门店空调异味", "店长来电：门店空调开机有异味。", "1h", who="clerk"),
    Order("records_letter", "002", "来函索取设备维保记录", "宁波港物流来函索取上年度设备维保记录。", (2, "09:00"),
          channel="letter", who="clerk"),
    Order("lab_stop", "006", "检验科空调突然停机", "检验科空调突然停机，样本室温度上升。", "5h", priority="urgent",
          project=HOSPITAL_PROJECT, who="clerk"),
    # --- cancelled ------------------------------------------------------------------------------------------
    Order("duplicate", "008", "重复登记：新购空调上门安装", "王先生预约安装（同一预约登记了两次）。", (1, "14:20"),
          (("cancel", 0.5, "与昨日14:00的安装工单重复登记，已合并处理。"),), "install", who="clerk", responded=0.5),
]

#: Who handles the orders in each demo company (core.org's demo 工号):
#: the receiving service centre, its two engineers and its service clerk
#: (the demo staff login).
STAFFING = {"HZ": dict(centre="SH", e1="HZ014", e2="HZ015", clerk="HZ013"),
            "CD": dict(centre="KF", e1="CD008", e2="CD009", clerk="CD005")}

#: A 咨询 has targets of its own (a question is answered sooner than a repair).
CONSULT_TARGETS = dict(response_amount=4, response_unit="hours", resolution_amount=1,
                       resolution_unit="working_days")

# The 三包 decisions: order, cause verified on site (the fault on the day of the call).
DECISIONS = [("hotel_noise", "product"), ("compressor_paid", "product")]

# The service reports: order, engineer, hours after receipt (departed, arrived, finished, returned),
# hours after the return when it was handed in, and what it says.
REPORTS = [
    dict(order="hotel_noise", hours=(2, 3.5, 25, 27), submitted=20, reviewed=True,
         symptom="主机运行噪音大，夜间明显", verified_fault="风机轴承异响，启动电容容量低于标称值30%",
         cause_analysis="风机轴承润滑脂老化导致磨损；启动电容容量衰减，启动电流偏大",
         work_done="更换风机轴承4个、启动电容1只，试运行2小时", user_opinion="satisfied", user_name="周文斌",
         parts=[("风机轴承", "6204-2RS", 4, "个", "sanbao"), ("启动电容", "CBB65 35μF", 1, "只", "sanbao")]),
    dict(order="hospital_commission", hours=(2, 3, 8, 10), submitted=88, reviewed=False,
         symptom="新风机组待调试", verified_fault="风量偏差12%，联动控制未接线",
         cause_analysis="安装单位未完成控制线连接", work_done="完成控制线连接，调整风阀，风量偏差降至3%",
         user_opinion="satisfied", user_name="孙志远", parts=[]),
]

# The spare-part notices: order, report, 三包/有偿, reason, receiver, phone, ship place, carrier, the lines
# (part, spec, quantity, unit), and how far they went.
NOTICES = [
    dict(order="hotel_noise", report="hotel_noise", charge="sanbao", reason="主机风机轴承磨损、启动电容衰减（三包）",
         receiver="周文斌", phone="0571-87979888", place="公司成品库", carrier="顺丰速运", waybill="SF1402387765",
         lines=[("启动电容", "CBB65 35μF", 1, "只"), ("风机轴承", "6204-2RS", 4, "个")], until="shipped"),
    dict(order="compressor_paid", report=None, charge="paid", reason="客房空调压缩机损坏，已过三包期（有偿）",
         receiver="杨雪梅", phone="13608012277", place="公司成品库", carrier=None, waybill=None,
         lines=[("压缩机", "QXA-B141zF030", 1, "台")], until="pending"),
]

# The knowledge base: one saved from a work order ("save as article"), two written by hand and linked
# from the orders they helped.
SAVED_ARTICLE = "hotel_noise"
ARTICLES = [
    dict(title="净水设备出水量下降", model="RO-800", category="repair", orders=("water_flow",),
         problem="出水量明显下降，压力表读数偏低。",
         cause="前置PP棉及活性炭滤芯堵塞（进水浊度高、未按期更换），RO膜结垢。",
         solution="1. 更换PP棉及活性炭滤芯；\n2. 低压冲洗RO膜15分钟；\n3. 测出水量，低于650 L/h的更换RO膜；\n"
                  "4. 提醒用户每3个月更换前置滤芯。"),
    dict(title="空调遥控器失灵的排查", model="KT-35", category="consult", orders=("remote_control",),
         problem="遥控器按键后空调无反应。",
         cause="多为电池电量不足或接收窗脏污；少数为接收板故障。",
         solution="1. 电话指导用户更换电池、清洁接收窗；\n2. 用手机摄像头看遥控器红外灯是否闪烁；\n"
                  "3. 仍无反应再上门检查接收板。"),
]
