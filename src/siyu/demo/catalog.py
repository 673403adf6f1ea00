"""Everything an operator of the demo brand 暖柚生活 would recognise: names, cities, sources,
channels, shops, products, coupons, links and the chat lines customers and staff exchange."""

from __future__ import annotations

from dataclasses import dataclass

BRAND = "暖柚生活"

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝"
    "龚邵万钱严覃武戴莫孔向汤"
)
FEMALE_GIVEN = (
    "芳",
    "娜",
    "敏",
    "静",
    "丽",
    "艳",
    "娟",
    "霞",
    "燕",
    "玲",
    "婷",
    "雪",
    "琳",
    "颖",
    "倩",
    "欣怡",
    "梓涵",
    "诗涵",
    "思琪",
    "雨桐",
    "佳怡",
    "梦瑶",
    "晓燕",
    "丽娟",
    "秀英",
    "雅婷",
    "晓敏",
    "海燕",
    "婉清",
    "若曦",
    "子涵",
    "心怡",
    "嘉欣",
    "慧敏",
    "淑华",
    "美玲",
    "春梅",
)
MALE_GIVEN = (
    "伟",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "杰",
    "涛",
    "明",
    "超",
    "斌",
    "鹏",
    "浩",
    "宇",
    "凯",
    "志强",
    "建华",
    "俊杰",
    "子轩",
    "浩然",
    "宇航",
    "博文",
    "晓东",
    "文博",
    "建国",
    "天佑",
    "家豪",
    "一鸣",
    "思远",
    "国栋",
)
NICKNAMES = (
    "小鱼儿",
    "Cindy",
    "柚子妈妈",
    "阳光",
    "糖糖",
    "Vivian",
    "木木",
    "一朵云",
    "Lily",
    "大橙子",
    "花花🌸",
    "晴天",
    "Amy",
    "豆豆妈",
    "安安",
    "向日葵",
    "Coco",
    "小蜜蜂",
    "Kevin",
    "老陈",
)

CITIES = (
    ("上海", 14),
    ("北京", 11),
    ("广州", 9),
    ("深圳", 9),
    ("杭州", 8),
    ("成都", 7),
    ("武汉", 6),
    ("南京", 6),
    ("重庆", 5),
    ("西安", 5),
    ("苏州", 5),
    ("长沙", 4),
    ("天津", 4),
    ("郑州", 3),
    ("青岛", 3),
    ("厦门", 2),
    ("昆明", 2),
    ("合肥", 2),
)

SKIN_TYPES = (("干皮", 30), ("混合皮", 35), ("油皮", 20), ("敏感肌", 15))


@dataclass(frozen=True)
class Source:
    name: str  # the customer's `source` (来源)
    channel: str  # the friend_added `channel` (渠道活码) it usually comes through
    shop: str  # the shop its orders usually come from
    weight: int


SOURCES = (
    Source("天猫", "包裹卡", "天猫旗舰店", 22),
    Source("京东店铺", "包裹卡", "京东店铺", 17),
    Source("拼多多店铺", "包裹卡", "拼多多店铺", 11),
    Source("抖音小店", "直播间", "抖音小店", 15),
    Source("线下门店", "门店活码", "线下门店", 17),
    Source("公众号", "公众号菜单", "小程序商城", 8),
    Source("朋友推荐", "朋友推荐", "小程序商城", 10),
)
REFERRAL_SOURCE = SOURCES[-1]
SHOPS = ("天猫旗舰店", "京东店铺", "拼多多店铺", "抖音小店", "线下门店", "小程序商城")
SHOP_CODES = {
    "天猫旗舰店": "TM",
    "京东店铺": "JD",
    "拼多多店铺": "PDD",
    "抖音小店": "DY",
    "线下门店": "MD",
    "小程序商城": "XCX",
}


@dataclass(frozen=True)
class Product:
    name: str  # the `product` of order_paid (what repurchase cycles are computed on)
    sku: str
    price: tuple[int, int]  # list price range in fen
    cycle: tuple[int, int]  # a customer's own repurchase cycle is drawn from this range (days)


MOISTURISER = Product("润肤霜", "RFS-50G", (12_900, 19_900), (25, 50))
CLEANSER = Product("洁面乳", "JMR-120ML", (6_900, 8_900), (40, 70))
SERUM = Product("精华液", "JHY-30ML", (29_900, 45_900), (45, 80))
BODY_LOTION = Product("身体乳", "STR-250ML", (8_900, 12_900), (35, 60))
PET_FOOD = Product("宠物粮", "CWL-2KG", (16_800, 26_800), (20, 35))
MEAL_SHAKE = Product("代餐奶昔", "DCNX-10", (15_900, 19_900), (14, 28))
WELFARE_PACK = Product("福利包", "WELFARE-PACK", (990, 1_990), (0, 0))
COURSE = Product("护肤进阶正式课", "KC-PRO-21D", (99_900, 99_900), (0, 0))

PRODUCTS = (MOISTURISER, CLEANSER, SERUM, BODY_LOTION, PET_FOOD, MEAL_SHAKE, WELFARE_PACK, COURSE)

# (product, probability that a buying customer buys it regularly)
SKINCARE_PRODUCTS = ((MOISTURISER, 0.62), (CLEANSER, 0.38), (SERUM, 0.24), (BODY_LOTION, 0.3))

COUPONS = (("新人券10元", 1_000), ("满199减30", 3_000), ("会员神券20元", 2_000), ("大促津贴50元", 5_000))

LINKS = (
    ("绑定会员账号", "https://example.com/bind"),
    ("新品上市", "https://example.com/new"),
    ("会员日福利", "https://example.com/member-day"),
    ("肤质小测试", "https://example.com/quiz"),
)
TRIAL_LINK = ("试听课报名", "https://example.com/trial")

ASK_TEXTS = (
    "请问什么时候发货？",
    "我的快递到哪了，还没发货吗",
    "现在有什么优惠吗？",
    "会员价还能再优惠点吗",
    "润肤霜适合干皮用吗？",
    "敏感肌能用精华液吗",
    "宝贝收到了，很好用👍",
    "赠品没收到呢",
    "可以开发票吗",
    "这个和上次买的是同一款吗",
)
DIET_TEXTS = ("最近在减脂，有适合的代餐吗？", "减脂期间可以喝这个奶昔吗", "减脂营还有名额吗")
TRIAL_TEXTS = ("试听课怎么报名？", "试听课是几点上课呀")
PET_TEXTS = ("猫粮幼猫能吃吗", "狗狗疫苗之后多久能换粮", "宠物粮有试吃装吗")

HELLO_TEXT = "你好呀，我是你的专属顾问，这里有品牌介绍和新人福利～"
SENT_TEXTS = (
    "亲，今晚 8 点直播间有会员专属价，记得来哦～",
    "新品试用装已经寄出啦，收到记得反馈体验哦",
    "本周会员日福利已上线，点链接领券～",
    "天气转凉，记得加强保湿哦，润肤霜早晚各一次～",
    "亲，之前咨询的问题已经帮你跟进好了",
)

PET_NAMES = (
    "小乖",
    "豆豆",
    "旺财",
    "咪咪",
    "可乐",
    "布丁",
    "团子",
    "年糕",
    "元宝",
    "芝麻",
    "奶茶",
    "球球",
    "花卷",
    "板栗",
    "多多",
)
PET_TYPES = (("猫", 55), ("狗", 45))
