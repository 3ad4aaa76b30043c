"""The RFI body extractor over every real RFI item and the seed, DST, odd HTML and fuzzing.

Items are copies of /work/shared/corpus/feedx-items/rfi/*.md and seed/000_46e50146a1d95ecb.txt
(source: duty-machine/news, see MANIFEST.json there); the date lines below are the manifest's.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from harness.errors import ConfigError
from harness.model import Severity
from harness.parsers.rfi import (
    BodyParse,
    BodyProblem,
    clean_title,
    load_zone,
    normalize_text,
    parse_rfi_body,
)

ITEMS = Path(__file__).resolve().parent.parent / "data" / "items"
BASE = "https://www.rfi.fr/cn/"
FORBIDDEN = (
    "获取更多RSS",
    "feedx",
    "selfpromo",
    "Facebook",
    "WhatsApp",
    "同一主题",
    "<",
    "&lt;",
    "&nbsp;",
)


@dataclass(frozen=True)
class Expected:
    """What one real item's body holds (checked by hand against the item file)."""

    dateline: tuple[str, str]
    count: int
    first: str
    last: str
    lead: str | None
    images: list[str]
    author: str | None
    copyright: str | None


EXPECTED: dict[str, Expected] = {
    "rfi/2020-10-13_1042083.md": Expected(
        dateline=("13/10/2020 - 06:20", "2020-10-13T06:20:00+02:00"),
        count=3,
        first=(
            "（法新社利马12日电） 日本一名游客因2019冠状病毒疾病（COVID-19）疫情受困秘鲁数月，"
            "秘鲁特别为他开放古印加帝国遗迹马丘比丘（Machu Picchu）。"
        ),
        last=(
            "他告诉秘鲁媒体，他原本计划3月只在秘鲁待几天，目的是参观马丘比丘，未料受疫情影响不"
            "得进入，如今终于获准在本月10日进入马丘比丘。"
        ),
        lead=None,
        images=[
            (
                "https://s.rfi.fr/media/display/523b39c2-0d0e-11eb-b8bd-005056a98db9/w:310/p:16"
                "x9/int0003b.201013122002.jpg"
            ),
        ],
        author=None,
        copyright="© 2020 AFP",
    ),
    "rfi/2020-11-01_1041000.md": Expected(
        dateline=("01/11/2020 - 02:05", "2020-11-01T02:05:00+01:00"),
        count=6,
        first=(
            "（法新社巴黎31日电） 据法新社汇整官方数字资料显示，第2波2019冠状病毒疾病（COVID-19"
            "）疫情之下，本周至少14个欧洲国家的病毒相关住院人数达新高。"
        ),
        last="只有蒙特内哥罗在上扬之后见到数字下滑。（译者：纪锦玲）",
        lead=None,
        images=[
            (
                "https://s.rfi.fr/media/display/4f7caf34-1be3-11eb-bc47-005056bff430/w:310/p:16"
                "x9/health0001b.201101090502.jpg"
            ),
        ],
        author=None,
        copyright="© 2020 AFP",
    ),
    "rfi/2020-12-21_1038000.md": Expected(
        dateline=("21/12/2020 - 10:27", "2020-12-21T10:27:00+01:00"),
        count=7,
        first=(
            "中国传媒昨(20日)天下午报道，发改委上周五及六召开工作会议，为中国明年的经济发展和改"
            "革订定重点工作。会议订定了九个重点工作，较今年的八个重点工作多了一项。会议强调，当"
            "前中国内外环境仍然复杂严峻，明年要着力稳定宏观经济运行，巩固拓展疫情防控及经济社会"
            "发展成果，实施扩大内需战略，完善内需体系，形成强大国内市场。此外，亦要拓展区域发展"
            "新空间，包括加快京津冀、长三角、粤港澳大湾区城际和市域郊铁路建设；持续深化市场化改"
            "革，深入推进高水平对外开放，落实好外商投资准入负面清单，稳步推进海南自由贸易港建设"
            "。"
        ),
        last=(
            "自上周五起，百度、腾讯理财通及携程金融的「银行产品」和银行存款页面均已陆续关闭或下"
            "架，当时已有传媒引述国有大行知情人士称，类似的互联网存款产品，主要问题涉及跨地区吸"
            "收存款，突破银保监原本针对中小银行的地域限制；另外，若揽储利率太高，容易资产和负债"
            "方发生中长期利率低于中短期利率的利率倒挂现象，埋下风险。"
        ),
        lead=(
            "过去数年发展迅猛的中国互联网存款产品势将煞车，继财政部原部长楼继伟不点名地透露，暂"
            "停蚂蚁集团上市是为了防范系统风险，以及中国银行保险监督管理委员会副主席曹宇表明，金"
            "融创新必须在审慎监管前提下进行之后，中国国家发展和改革委员会(简称「发改委」)订明，"
            "明年九大工作任务之一，是要前瞻性防范及化解金融风险，并以市场化手段处置企业债务违约"
            "问题。"
        ),
        images=[
            (
                "https://s.rfi.fr/media/display/5c5f2ffa-12d5-11ea-9b40-005056a99247/w:310/p:16"
                "x9/Img368113798.jpg"
            ),
        ],
        author=None,
        copyright=None,
    ),
    "rfi/2021-02-09_1035000.md": Expected(
        dateline=("09/02/2021 - 14:19", "2021-02-09T14:19:00+01:00"),
        count=4,
        first=(
            "阿德恩周二在新闻发布会上表示，“我们发出的强烈信息是，我们将从新西兰这里做一些力所"
            "能及的事情，我们将做的事情之一是暂停高级别对话，并确保我们向缅甸提供的任何资金不会"
            "以任何方式支持军事政权。”"
        ),
        last=(
            "此前，缅甸军方领导人已承诺要举行新的选举，并将权力交给获胜者，以平息对推翻昂山素季"
            "文职政府的政变的抗议活动。"
        ),
        lead=(
            "新西兰总理阿德恩（Jacinda Ardern）2月9日宣布，新西兰政府将暂停与缅甸的所有高层级政"
            "治和军事接触，并禁止缅甸军方领导人进入新西兰。"
        ),
        images=[
            (
                "https://s.rfi.fr/media/display/f9f17f96-6ad8-11eb-be82-005056a964fe/w:310/p:16"
                "x9/Capture-331.PNG"
            ),
        ],
        author=None,
        copyright=None,
    ),
    "rfi/2021-05-13_1030000.md": Expected(
        dateline=("13/05/2021 - 00:02", "2021-05-13T00:02:00+02:00"),
        count=3,
        first=(
            "（法新社纽约12日电） 国际油价今天达3月初以来高点，因为美国原油供应连续第二周下降，"
            "凸显全球在消化过剩供应方面取得进展。"
        ),
        last="伦敦北海布伦特原油7月交割价攀升77美分，来到每桶69.32美元。（译者：陈正健）",
        lead=None,
        images=[
            "https://static.rfi.fr/meta_og_twcards/RFI_FB.png",
        ],
        author=None,
        copyright="© 2021 AFP",
    ),
    "rfi/2021-07-19_1026000.md": Expected(
        dateline=("19/07/2021 - 02:29", "2021-07-19T02:29:00+02:00"),
        count=22,
        first=(
            "中共党庆百年，庆过了，江泽民不见人，老了，胡锦涛，白发苍苍，温家宝，躲在天安门城楼"
            "的某一个角落。这场党庆银子花得如流水，规模和场面不亚于北韩的大型庆祝活动，世界只记"
            "住习近平说的几个字，谁要敢欺负我们，就让他头破血流。"
        ),
        last=(
            "不少观察人士指出，在习近平权力表面上登峰造极的今天，他最担心的其实也就是忠诚不绝对"
            "，他不断地强调自信，强调两个核心，为什么呢？原来权力顶天，最担心的还是“忠诚不绝对”"
            "？天津市委书记李文忠也许无意中泄漏了天机。"
        ),
        lead=None,
        images=[
            (
                "https://s.rfi.fr/media/display/7eae1002-e827-11eb-91d3-005056bfb2b6/w:310/p:16"
                "x9/AP21183054238415.jpg"
            ),
        ],
        author=None,
        copyright=None,
    ),
    "rfi/2021-11-12_1022000.md": Expected(
        dateline=("12/11/2021 - 15:42", "2021-11-12T15:42:00+01:00"),
        count=13,
        first=(
            "据法新社今天报道说，继贝纳拉事件之后，法国总统府总部又出现了新的敏感案件？一名总统"
            "府的军事顾问工作人员被另一名女性士兵指控于7月1日强奸了她，涉案者目前正在接受调查。"
        ),
        last="据法新社说，法国军方陆军部不愿对此案件立即发表评论。",
        lead=(
            "法国总统府今天被媒体聚焦，解放报最早曝料一起强奸案已经立案调查。涉案人员是总统府内"
            "一名军官，受害者则也是一名女军人。总统府拒绝对事件发表评论，指从不对司法调查案表态"
            "。据消息说，总统府已经采取措施，对受害者给予必要保护措施。"
        ),
        images=[],
        author=None,
        copyright=None,
    ),
    "rfi/2022-03-14_1018000.md": Expected(
        dateline=("14/03/2022 - 16:43", "2022-03-14T16:43:00+01:00"),
        count=6,
        first=(
            "根据Taloustutkimus研究所的调查，在被调查者中，62%的人说他们赞成加入北约这个西方军"
            "事联盟，而只有16%的人反对，21%的人未作决定。两周前，同样的民调显示，已经有绝对多数"
            "（53%）的人赞成加入北约，这是北欧国家历史上的第一次，在普京下令攻击乌克兰后，这一"
            "比例猛增了近25个百分点。"
        ),
        last=(
            "法新社说，瑞典和芬兰是正式的不结盟国家，尽管这两个国家自1990年代中期以来一直是北约"
            "的合作伙伴，并在冷战结束时翻过了中立的一页。"
        ),
        lead=(
            "在俄罗斯入侵乌克兰后，芬兰对本国加入北约的支持率周一达到历史新高，在一项民意调查中"
            "首次超过60%。"
        ),
        images=[
            (
                "https://s.rfi.fr/media/display/cf393fc2-a39a-11ec-ae1c-005056a97e36/w:1280/p:1"
                "6x9/AP22072529100618.jpg"
            ),
        ],
        author=None,
        copyright=None,
    ),
    "rfi/2022-09-16_1012000.md": Expected(
        dateline=("16/09/2022 - 16:29", "2022-09-16T16:29:00+02:00"),
        count=2,
        first=(
            "日本与那国岛距离台湾只有约一百公里，当地居民担忧中国军队入侵台湾让他们的岛屿成为战"
            "争前线，因此自从美国众议院长佩洛西今年8月到访台湾后，中国军队在台湾周边进行实弹军"
            "演，小岛上发现一枚中国发射的导弹。"
        ),
        last=(
            "与那国岛居民担忧成为中国攻打台湾的前线越来越现实，认为政府没有关注如果在出现紧急情"
            "况下，将岛上居民撤出这个重要问题。"
        ),
        lead=(
            "自从今年8月美国众议院长佩洛西到访台湾后，中国在台湾附近进行军演，让当地局势紧张。"
            "而距离台湾只有约一百公里的日本小岛与那国岛居民担忧，因为他们发现一枚中国军演发射的"
            "导弹。"
        ),
        images=[
            (
                "https://s.rfi.fr/media/display/88cf3fc4-35ca-11ed-9bfb-005056bf30b7/w:1280/p:1"
                "6x9/Japon%20Chine%20%20Tw.PNG"
            ),
        ],
        author=None,
        copyright=None,
    ),
    "rfi/2023-01-28_1008000.md": Expected(
        dateline=("28/01/2023 - 22:51", "2023-01-28T22:51:00+01:00"),
        count=13,
        first=(
            "路透社报导，乌克兰东部顿内茨克（Donetsk）州长基里兰科表示，俄军周六在乌东城市科斯"
            "蒂安蒂尼夫卡（Kostiantynivka）的一个住宅区发动空袭，造成3人丧生。这波攻击还造成14"
            "人受伤，另有4栋公寓和1间旅馆遭到破坏。"
        ),
        last=(
            "冯德莱恩表示，乌克兰“正在为我们共同的价值观而战，为尊重国际法和民主原则而战，这就"
            "是乌克兰必须赢得这场战争的原因”。"
        ),
        lead=(
            "俄罗斯军队周六袭击乌克兰东部城市科斯蒂安蒂尼夫卡的一个居民区，造成三人死亡。欧盟委"
            "员会主席在召开峰会前夕称乌克兰将得到无条件支持。"
        ),
        images=[
            (
                "https://s.rfi.fr/media/display/e1916d68-9f55-11ed-b535-005056bfb2b6/w:1280/p:1"
                "6x9/2023-01-28T174745Z_1987242527_RC2MZY9KXL2O_RTRMADP_3_UKRAINE-CRISIS-DONETS"
                "K-REGION.JPG"
            ),
        ],
        author=None,
        copyright=None,
    ),
    "rfi/2023-05-28_1004000.md": Expected(
        dateline=("28/05/2023 - 14:09", "2023-05-28T14:09:00+02:00"),
        count=11,
        first=(
            "文章开篇说，在举行了巴黎联合国气候变化大会（COP21）七年后，巴黎再次成为环境外交的"
            "中心。175个国家的代表团和超过1500名的科学家以及民间社会和工业界的代表将在联合国教"
            "科文组织总部进行商讨。他们的任务既雄心勃勃又危险重重：希望通过起草一份具有法律约束"
            "力的国际条约， 在2024结束塑料污染. 这一紧迫性与它对生态系统、人类健康和气候构成的"
            "威胁是相符的。因为全世界每年产生超过3.5亿吨的塑料垃圾。"
        ),
        last=(
            "文章在最后指出，一些协会，正在呼吁暂停与塑料或其他材料有关的新石化设施。一个由150"
            "多个非政府组织和科学家组成的国际联盟也写信给联合国，敦促将化石燃料行业排除在协议的"
            '谈判之外，信中说："我们不能允许在气候问题上使用的否认策略，被应用到塑料谈判中去。"'
        ),
        lead=(
            "《塑料污染：峰会上的关键问题》是周日出版的法国世界报第六版面上的文章，指出，来自17"
            "5个国家的谈判代表将于5月29日至6月2日在巴黎举行会议，目的是在2024年之前起草一份多边"
            "协议，以消除塑料污染。"
        ),
        images=[
            (
                "https://s.rfi.fr/media/display/1e80ac62-1303-11ea-bdea-005056a99247/w:1280/p:1"
                "6x9/03-revue-de-presse_0.png"
            ),
        ],
        author="艾娃",
        copyright=None,
    ),
    "rfi/2023-09-26_1000000.md": Expected(
        dateline=("26/09/2023 - 10:44", "2023-09-26T10:44:00+02:00"),
        count=4,
        first=(
            "据本台报道，俄罗斯对国际刑事法院院长发出逮捕令。国际刑事法院院长已被俄罗斯内政部列"
            "入通缉名单。去年 3 月，国际刑事法院对俄罗斯总统普京和俄罗斯儿童权利专员玛丽亚-利沃"
            "娃-别洛娃发出了逮捕令。国际刑事法院检察官指控他们犯有驱逐儿童的反人类罪。此后，俄"
            "罗斯施加了反击。"
        ),
        last=(
            "据本台称，他们有可能被捕吗？在海牙，经过几周的讨论，荷兰当局最终同意向被莫斯科列为"
            "逮捕目标的法院法官提供装甲车辆保护。"
        ),
        lead=(
            "莫斯科再次将矛头指向国际刑事法院。这一次，俄罗斯向了国际刑事法院院长、波兰人皮奥特"
            "尔-霍夫曼斯基（Piotr Hofmanski）以及副院长伊瓦涅斯-卡兰萨和德国大法官贝特拉姆-施密"
            "特发出逮捕令。俄罗斯以此报复国际刑事法院对俄罗斯总统普京遭指控反人类罪而发布国际通"
            "缉令。荷兰派出装甲车保护国际刑事法院。"
        ),
        images=[
            (
                "https://s.rfi.fr/media/display/5d6077e8-435e-11ee-9a54-005056a90284/w:1280/p:1"
                "6x9/2023-08-24T185004Z_879550534_RC2HU2AQSMNK_RTRMADP_3_UKRAINE-CRISIS-RUSSIA-"
                "PUTIN.JPG"
            ),
        ],
        author=None,
        copyright=None,
    ),
    "rfi/2023-10-28_999999.md": Expected(
        dateline=("28/10/2023 - 11:44", "2023-10-28T11:44:00+02:00"),
        count=10,
        first=(
            "据韩联社报导，朴振周五在出席韩国国会外交统一委员会综合监查会时就相关提问表述如上。"
            "朴振称，已通过外交渠道向中方传达了韩方对脱北者被强制遣返问题的忧虑，并明确表明了反"
            "对立场。"
        ),
        last=(
            "有关朝鲜向俄方提供武器的具体情况，朴振回答称，这属于国家情报，并未具体提及。不过他"
            "强调，韩方通过各种信息渠道密切关注相关情况，并掌握了目前的进展情况。"
        ),
        lead=(
            "韩国外交部长朴振10月27日表示，已向中共中央政治局委员、中国外交部长王毅传达了不应将"
            "脱北者强制遣返回朝鲜的立场。"
        ),
        images=[
            (
                "https://s.rfi.fr/media/display/29348478-bc18-11ed-94a4-005056bf30b7/w:1280/p:1"
                "6x9/AP23065114494639-1.jpg"
            ),
        ],
        author=None,
        copyright=None,
    ),
    "rfi/2023-11-25_999950.md": Expected(
        dateline=("25/11/2023 - 15:56", "2023-11-25T15:56:00+01:00"),
        count=4,
        first=(
            "通报提及，为全面查清案情、全力追赃挽损，请投资人进行报案登记。此前，中植集团22日在"
            "小程序公告板块发布致投资者的公开信，为中植集团相关产品陆续发生实质性违约向投资者致"
            "歉。"
        ),
        last=(
            "据中植集团官网信息介绍，其前身黑龙江中植企业集团公司于1995年创立，公司早期主业为造"
            "纸材料经营与房地产开发，于1999年进行股份制改造，成立中植企业集团有限公司。自2001年"
            "，中植集团进入金融产业领域，同时大力发展房地产开发业务；2002年开始大力发展信托业务"
            "，目前是一家涉及资产管理、金融服务、财富管理等领域的综合性企业集团，集团总部位于北"
            "京。"
        ),
        lead=(
            "北京市公安局朝阳分局11月25日发表通报称，近期，北京市公安局朝阳分局依法对“中植系”所"
            "属财富公司涉嫌违法犯罪立案侦查，对解某某等多名犯罪嫌疑人采取刑事强制措施。"
        ),
        images=[
            (
                "https://s.rfi.fr/media/display/01eda21a-8ba1-11ee-84b5-005056bfb2b6/w:1280/p:1"
                "6x9/Capture-1929.JPG"
            ),
        ],
        author=None,
        copyright=None,
    ),
    "rfi/2024-02-03_999990.md": Expected(
        dateline=("03/02/2024 - 01:43", "2024-02-03T01:43:00+01:00"),
        count=8,
        first=(
            "现年54岁的伊万马内什曾担任伊朗主管科技事务的副总统下属的信息技术办公室主任。他使用"
            "在土耳其签发的签证进入加拿大。伊万马内什说，打算于维多利亚大学担任一年的客座教授，"
            "但抵达加拿大后，他被认定为伊朗政权的高级成员。"
        ),
        last=(
            "该机构称：“到目前为止，加拿大边境服务局已经结束了40项调查，这些人要么已经出国，要"
            "么被认为不能被加拿大接纳”。此外，加拿大移民、难民和公民事务部还取消了82份签证。这"
            "些数字截至2024年1月8日。"
        ),
        lead=(
            "加拿大移民和难民委员会已下令将一名过去八个月一直居住在该国的伊朗政府官员驱逐出境。"
            "在周五的一项裁决中，该委员会裁定，由于伊万马内什（Majid Iranmanesh）是伊朗专制政权"
            "的高级成员，因此加拿大不予接纳。"
        ),
        images=[
            (
                "https://s.rfi.fr/media/display/bd5781fa-c22a-11ee-ad56-005056bf30b7/w:1280/p:1"
                "6x9/Capture-2064.JPG"
            ),
        ],
        author=None,
        copyright=None,
    ),
    "seed/000_46e50146a1d95ecb.txt": Expected(
        dateline=("06/12/2023 - 16:42", "2023-12-06T16:42:00+01:00"),
        count=18,
        first=(
            '法新社说，据中国外交部一份新闻稿指出，有关加沙局势王毅在电话中说："当务之急是停火'
            "，以尽快结束战斗。“"
        ),
        last=(
            "值得注意的还有，在通话的前一天，王毅5日赴美国驻中国大使馆吊唁美国前国务卿基辛格，"
            "布林肯在通话中对此表达感谢。王毅则说，基辛格始终主张中美两个大国应当相互尊重、共同"
            "演进，履行应尽的国际责任，“多次强调美方应充分理解台湾问题对中方的重要性”，他肯定基"
            "辛格留下的外交遗产。"
        ),
        lead=(
            "据法新社援引中国外交部称，中国外交部长王毅周三12月6日通过电话与美国国务卿布林肯讨"
            "论了以色列与哈马斯之间的冲突。路透社报道也说，据美国国务院稍早声明，布林肯就近日中"
            "东行和美国在中东的外交努力与王毅商讨。"
        ),
        images=[
            (
                "https://s.rfi.fr/media/display/e8ac8e10-744e-11ee-a457-005056bfb2b6/w:1280/p:1"
                "6x9/AP23299790617867.jpg"
            ),
        ],
        author="夏榕",
        copyright=None,
    ),
}


def _read_item(name: str) -> tuple[str, str]:
    """(body HTML, link) of a stored item file."""
    head, link_line, _, _, body = (ITEMS / name).read_text(encoding="utf-8").split("\n", 4)
    assert head.startswith("<!--")
    return body, link_line[link_line.rindex("](") + 2 : -1]


def _parse_item(name: str) -> BodyParse:
    body, link = _read_item(name)
    return parse_rfi_body(body, base_url=link)


def _text_fields(parsed: BodyParse) -> list[str]:
    fields = [*parsed.paragraphs]
    fields += [value for value in (parsed.lead, parsed.author) if value is not None]
    return fields


def test_every_stored_rfi_item_is_covered() -> None:
    on_disk = {f"rfi/{p.name}" for p in (ITEMS / "rfi").glob("*.md")}
    assert on_disk == {name for name in EXPECTED if name.startswith("rfi/")}
    assert len(on_disk) == 15


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_dateline(name: str) -> None:
    parsed = _parse_item(name)
    text, time = EXPECTED[name].dateline
    assert parsed.dateline == {"text": text, "time": time, "timezone": "Europe/Paris"}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_paragraphs(name: str) -> None:
    parsed, expected = _parse_item(name), EXPECTED[name]
    assert len(parsed.paragraphs) == expected.count
    assert parsed.paragraphs[0] == expected.first
    assert parsed.paragraphs[-1] == expected.last


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_lead_images_author_copyright(name: str) -> None:
    parsed, expected = _parse_item(name), EXPECTED[name]
    assert parsed.lead == expected.lead
    assert parsed.images == expected.images
    assert parsed.author == expected.author
    assert parsed.copyright == expected.copyright


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_no_boilerplate_in_text_fields(name: str) -> None:
    parsed = _parse_item(name)
    for text in _text_fields(parsed):
        assert text.strip(), "empty text field"
        assert text == normalize_text(text)
        for needle in FORBIDDEN:
            assert needle not in text, f"{needle!r} leaked into {text[:40]!r}"
    assert parsed.copyright not in parsed.paragraphs


@pytest.mark.parametrize("name", sorted(set(EXPECTED) - {"rfi/2021-11-12_1022000.md"}))
def test_real_items_show_no_problems(name: str) -> None:
    assert _parse_item(name).problems == []


def test_array_instead_of_image_is_a_body_structure_problem() -> None:
    parsed = _parse_item("rfi/2021-11-12_1022000.md")
    assert parsed.images == []
    assert parsed.problems == [
        BodyProblem(
            "body-structure", "images", "text where the image belongs", "Array", "an <img> element"
        ),
    ]
    assert "Array" not in parsed.paragraphs


# --- date lines and DST ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "time"),
    [
        ("15/07/2023 - 12:00", "2023-07-15T12:00:00+02:00"),  # summer: CEST
        ("15/01/2023 - 12:00", "2023-01-15T12:00:00+01:00"),  # winter: CET
        ("26/03/2023 - 01:59", "2023-03-26T01:59:00+01:00"),  # last minute before the jump
        ("26/03/2023 - 03:00", "2023-03-26T03:00:00+02:00"),  # first minute after it
        ("29/10/2023 - 03:00", "2023-10-29T03:00:00+01:00"),  # after the fall back
        ("29/02/2024 - 23:59", "2024-02-29T23:59:00+01:00"),  # leap day
    ],
)
def test_dateline_offset_follows_paris_dst(line: str, time: str) -> None:
    parsed = parse_rfi_body(f"<div>{line}</div><p>正文。</p>", base_url=BASE)
    assert parsed.dateline == {"text": line, "time": time, "timezone": "Europe/Paris"}
    assert parsed.problems == []


@pytest.mark.parametrize(
    ("line", "time", "check"),
    [
        ("29/10/2023 - 02:30", "2023-10-29T02:30:00+02:00", "dateline-ambiguous"),
        ("26/03/2023 - 02:30", "2023-03-26T02:30:00+01:00", "dateline-nonexistent"),
    ],
)
def test_dst_edges_resolve_with_fold_0_and_warn(line: str, time: str, check: str) -> None:
    parsed = parse_rfi_body(f"<div>{line}</div><p>正文。</p>", base_url=BASE)
    assert parsed.dateline is not None
    assert parsed.dateline["time"] == time
    [problem] = parsed.problems
    assert (problem.check, problem.field, problem.severity) == (
        check,
        "dateline/time",
        Severity.WARNING,
    )


def test_other_zone() -> None:
    parsed = parse_rfi_body(
        "<div>15/07/2023 - 12:00</div>", base_url=BASE, timezone="Asia/Shanghai"
    )
    assert parsed.dateline == {
        "text": "15/07/2023 - 12:00",
        "time": "2023-07-15T12:00:00+08:00",
        "timezone": "Asia/Shanghai",
    }


@pytest.mark.parametrize(
    "line", ["2023年12月6日 16:42", "31/02/2023 - 10:00", "06/12/2023 16:42", "6/12/2023 - 16:42"]
)
def test_unparseable_dateline_is_kept_and_reported(line: str) -> None:
    parsed = parse_rfi_body(f"<div>{line}</div><p>正文。</p>", base_url=BASE)
    assert parsed.dateline == {"text": line, "time": None, "timezone": "Europe/Paris"}
    assert [(p.check, p.field, p.observed) for p in parsed.problems] == [
        ("dateline-format", "dateline/time", line)
    ]
    assert parsed.paragraphs == ["正文。"]


def test_no_dateline() -> None:
    parsed = parse_rfi_body("<p><strong>导语</strong></p><div><p>正文。</p></div>", base_url=BASE)
    assert (parsed.dateline, parsed.lead, parsed.paragraphs) == (None, "导语", ["正文。"])


def test_unknown_zone_is_a_config_error_naming_it() -> None:
    with pytest.raises(ConfigError, match="'Mars/Olympus'"):
        load_zone("Mars/Olympus")


# --- structure and boilerplate variants --------------------------------------------------------


@pytest.mark.parametrize(
    ("src", "url"),
    [
        ("//s.rfi.fr/a.jpg", "https://s.rfi.fr/a.jpg"),
        ("/media/a.jpg", "https://www.rfi.fr/media/a.jpg"),
        ("a.jpg", "https://www.rfi.fr/cn/a.jpg"),
        (" https://s.rfi.fr/b.png ", "https://s.rfi.fr/b.png"),
    ],
)
def test_image_urls_are_absolute(src: str, url: str) -> None:
    parsed = parse_rfi_body(f'<div>06/12/2023 - 16:42</div><img src="{src}">', base_url=BASE)
    assert parsed.images == [url]


def test_share_icons_are_not_images() -> None:
    html = '<p>正文。<a href="https://x.com/intent/tweet?u=1"><img src="/x-icon.svg"></a></p>'
    assert parse_rfi_body(html, base_url=BASE).images == []


def test_images_inside_the_body_are_kept_in_order() -> None:
    html = '<img src="/a.jpg"><div><p>一<img src="/b.jpg"></p><figure><img src="c.jpg"></figure>'
    assert parse_rfi_body(html, base_url=BASE).images == [
        "https://www.rfi.fr/a.jpg",
        "https://www.rfi.fr/b.jpg",
        "https://www.rfi.fr/cn/c.jpg",
    ]


@pytest.mark.parametrize(
    "boilerplate",
    [
        '<br><hr><div>获取更多RSS：<br><a href="https://feedx.example">https://feedx.example</a></div>',
        '<hr>获取更多RSS：<br><a href="https://feedx.site">https://feedx.site</a><p>x</p>',
        '<p><a href="https://feedx.net">https://feedx.net</a></p>',
        '<div class="o-self-promo o-self-promo--nl"><p>订阅</p></div>',
        "<div data-selfpromo-newsletter><p>订阅电子报</p></div>",
        '<div><div>分享 :</div><div><a href="https://www.facebook.com/sharer/x">Facebook</a>'
        '<a href="https://api.whatsapp.com/send?text=x">WhatsApp</a></div></div>',
        "<span data-root-share><share-button>分享</share-button></span>",
        '<aside data-org-name=""><div><div role="heading"><span>同一主题</span></div></div>'
        '<div><a href="/cn/x" data-article-item-link><h2>相关文章</h2></a></div></aside>',
        "<section><div><span>同一主题</span></div><div><h2>相关文章</h2></div></section>",
        "<h2>同一主题</h2>",
        '<div><asidedata-org-name=""><span>同一主题</span><divdata-article-list><h2>相关</h2>'
        "</divdata-article-list></div>",
        "<p>&nbsp;</p><p>\u3000</p><div><div></div></div>",
        "<script>var feedx = 1;</script><style>p{}</style>",
    ],
)
def test_boilerplate_variants_stay_out_of_text(boilerplate: str) -> None:
    html = "<div>06/12/2023 - 16:42</div><p><strong>导语</strong></p><div><p>正文。</p></div>"
    parsed = parse_rfi_body(html + boilerplate, base_url=BASE)
    assert (parsed.lead, parsed.paragraphs, parsed.author) == ("导语", ["正文。"], None)
    assert [p for p in parsed.problems if p.check != "body-structure"] == []


@pytest.mark.parametrize(
    ("block", "author"),
    [
        ('<div><div><span>作者：</span><a href="/cn/作者/x/" title="甲">甲</a></div></div>', "甲"),
        ("<div>作者：<a>乙</a></div>", "乙"),
        ("<p>作者: 丙</p>", "丙"),
        ("<div><span>作者：</span></div>", None),
    ],
)
def test_author_block_variants(block: str, author: str | None) -> None:
    parsed = parse_rfi_body(f"<div><p>正文。</p></div>{block}", base_url=BASE)
    assert (parsed.author, parsed.paragraphs) == (author, ["正文。"])


def test_long_paragraph_starting_with_author_label_is_a_paragraph() -> None:
    text = "作者：" + "这是一段很长的正文" * 6
    assert parse_rfi_body(f"<p>{text}</p>", base_url=BASE).paragraphs == [text]


def test_subheadings_in_the_body_are_paragraphs_not_the_lead() -> None:
    html = "<div>06/12/2023 - 16:42</div><div><p>一。</p><p><b>小标题</b></p><p>二。</p></div>"
    parsed = parse_rfi_body(html, base_url=BASE)
    assert (parsed.lead, parsed.paragraphs) == (None, ["一。", "小标题", "二。"])


def test_whitespace_is_normalised() -> None:
    html = "<div><p>\u3000\u3000（法新社）\xa0\xa0 正文\n第二行<br>第三行 </p></div>"
    assert parse_rfi_body(html, base_url=BASE).paragraphs == ["（法新社） 正文 第二行 第三行"]


def test_stray_text_between_blocks_is_reported_not_kept() -> None:
    html = "<div>06/12/2023 - 16:42</div><img src='/a.jpg'><p>一。</p>散文<p>二。</p>"
    parsed = parse_rfi_body(html, base_url=BASE)
    assert parsed.paragraphs == ["一。", "二。"]
    assert [(p.check, p.field, p.observed) for p in parsed.problems] == [
        ("body-structure", "paragraphs", "散文")
    ]


@pytest.mark.parametrize("html", ["", "   ", "<html></html>", "<!-- nothing -->", "\x00"])
def test_empty_bodies(html: str) -> None:
    parsed = parse_rfi_body(html, base_url=BASE)
    assert (parsed.dateline, parsed.lead, parsed.paragraphs, parsed.images) == (None, None, [], [])


def test_deep_nesting_does_not_raise() -> None:
    parsed = parse_rfi_body("<div>" * 5000 + "<p>深</p>" + "<span>" * 5000 + "x", base_url=BASE)
    assert isinstance(parsed, BodyParse)


@pytest.mark.parametrize(
    ("title", "clean"),
    [
        ("日本游客喜PO文 – 法国国际广播电台 - RFI", "日本游客喜PO文"),
        ("全球需求增  国际油价陡升 – 法国国际广播电台 - RFI", "全球需求增 国际油价陡升"),
        ("王毅与布林肯通电话 - 要闻解说", "王毅与布林肯通电话 - 要闻解说"),
        ("法广 – 法国国际广播电台 - RFI 报道", "法广 – 法国国际广播电台 - RFI 报道"),
        (None, None),
    ],
)
def test_clean_title(title: str | None, clean: str | None) -> None:
    assert clean_title(title) == clean


# --- never raises ------------------------------------------------------------------------------

_TAGS = st.sampled_from(
    [
        "<div>",
        "</div>",
        "<p>",
        "</p>",
        "<strong>",
        "</strong>",
        "<img src='x'>",
        "<img src='http://[x'>",
        "<br>",
        "<hr>",
        "<span>作者：</span>",
        "<a href='//h/x'>",
        "</a>",
        "获取更多RSS",
        "同一主题",
        '<asidedata-x="">',
        "06/12/2023 - 16:42",
        "29/10/2023 - 02:30",
        "&nbsp;",
        "&#0;",
        "<!--",
        "<![CDATA[",
        "<div data-selfpromo-app>",
        "<script>",
        "\u3000",
        "Array",
        "正文。",
    ]
)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.text())
@example("<div>06/12/2023 - 16:42</div>\ud800")
@example("<img src='http://[::1'>")
def test_any_text_gives_a_body_parse(html: str) -> None:
    parsed = parse_rfi_body(html, base_url=BASE)
    assert isinstance(parsed, BodyParse)
    assert all(text and text == normalize_text(text) for text in _text_fields(parsed))


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.lists(st.one_of(_TAGS, st.text(max_size=5)), max_size=40))
def test_any_tag_soup_gives_a_body_parse(parts: list[str]) -> None:
    parsed = parse_rfi_body("".join(parts), base_url=BASE)
    assert all(text and "获取更多RSS" not in text for text in _text_fields(parsed))


@settings(max_examples=100, deadline=None, derandomize=True)
@given(st.sampled_from(sorted(EXPECTED)), st.integers(min_value=0), st.integers(min_value=0))
def test_truncated_real_bodies_give_a_body_parse(name: str, start: int, length: int) -> None:
    body, link = _read_item(name)
    start %= len(body)
    parsed = parse_rfi_body(body[start : start + length % 2000], base_url=link)
    assert isinstance(parsed, BodyParse)
