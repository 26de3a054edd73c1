"""Write the per-project form fixtures of tests/readers/formats/ (and the layout tests).

Each fixture rebuilds one excerpt of ``shared/data/samples/`` (real documents
of other governments, see that folder's README) in the format it was
published in, with every cell text verbatim from the excerpt. The excerpts
are stored text: they lost the cell boundaries, the spans and sometimes the
order; where this script had to choose a grid, the choice and the reason are
written beside the data below. A cut excerpt stays cut (the fixture ends
where the excerpt ends). Line breaks of the excerpt inside a cell are kept as
line breaks (``<br>`` in HTML, ``\\n`` in a spreadsheet or Word cell).

Run from the repository root: ``.venv/bin/python tests/data/forms/make.py``
(needs ``openpyxl``, ``python-docx``, ``xlwt`` and ``reportlab``; the last two
only for this script: ``pip install xlwt reportlab``). The outputs are
committed; zip members and document metadata carry a fixed date, so running
it again gives the same bytes.

A cell of a table below is a string, or a tuple ``(text, rowspan, colspan)``,
or a :class:`Num` (a number with its spreadsheet format, printed as ``text``
in HTML and Word). Rows follow HTML's table model: a cell goes to the next
column not covered by a rowspan from above.
"""

from __future__ import annotations

import html
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATE = (2025, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class Num:
    """A number as a spreadsheet stores it, and the text its format prints."""

    value: float
    fmt: str
    text: str


@dataclass(frozen=True)
class Source:
    sample: str  # file name in shared/data/samples/
    line: str  # its attribution line, verbatim


# --------------------------------------------------------------------------------------------
# anhui-liuan-jinan-tiyuju-2025-project-goals.txt: two forms on one HTML page, the second cut.
# The excerpt renders each cell as "text |" on its own line; the grid below is 5 columns wide
# (the 绩效指标 label column + 一级 | 二级 | 三级 | 指标值), spans chosen so every cell of the
# excerpt sits where its neighbours put it: 项目资金(万元) over its three money rows, 绩效指标 over
# the header and the eleven indicator rows, 产出指标 over six rows, 数量指标 and 质量指标 over two,
# 效益指标 over four. The two empty cells at the top are an empty first row; the eleven empty
# cells between the forms are two empty rows ending form 1 (5 + 4 cells) and the two empty cells
# that begin form 2, as at the top of form 1.
JINAN = Source("anhui-liuan-jinan-tiyuju-2025-project-goals.txt",
               "# source: https://www.ja.gov.cn/public/6602051/25929172.html  (六安市金安区体育局 2025 部门预算 — 项目支出绩效目标表, HTML table)")


def jinan_head(name: str, total: Num, fiscal: Num, other: Num, goal: str) -> list[list]:
    return [
        [("", 1, 3), ("", 1, 2)],
        [("项目支出绩效目标表", 1, 5)],
        [("(2025年度)", 1, 5)],
        ["项目责任人:", ("", 1, 2), "单位(盖章):", ""],
        ["项目名称", (name, 1, 4)],
        ["主管部门及代码", ("[042]六安市金安区体育局", 1, 2), "实施单位", "六安市金安区体育局"],
        ["项目来源", ("本级申报项目", 1, 2), "项目期", "3年"],
        [("项目资金\n(万元)", 3, 1), ("年度资金总额:", 1, 2), (total, 1, 2)],
        [("其中:财政拨款", 1, 2), (fiscal, 1, 2)],
        [("其他资金", 1, 2), (other, 1, 2)],
        ["年度\n目标", (goal, 1, 4)],
    ]


JINAN_FORM1 = jinan_head(
    "2025金安国际网球公开赛(国际系列赛事)", Num(1000, "0.00", "1000.00"), Num(1000, "0.00", "1000.00"),
    Num(0, "0.00", "0.00"), "打造金安国际网球公开赛等一系列的品牌赛事,提升六安城市的知名度和美誉度。",
) + [
    [("绩\n效\n指\n标", 12, 1), "一级\n指标", "二级指标", "三级指标", "指标值"],
    [("产出指标", 6, 1), ("数量指标", 2, 1), "开展运动种类", "1种"],
    ["打造品牌赛事种类", "1种"],
    [("质量指标", 2, 1), "经费支出合规率", Num(1, "0%", "100%")],
    ["赛事完成率", Num(1, "0%", "100%")],
    ["时效指标", "完成时间", "2025年年底前"],
    ["成本指标", "项目总成本", "≤1000万元"],
    [("效益指标", 4, 1), "经济效益指标", "提升六安城市知名度和美誉度,推动体育消费、“网球+”产业深度融合", "经济效益良好"],
    ["社会效益指标", "打造金安国际网球公开赛等系列品牌赛事,提升六安城市的知名度和美誉度。", "效果良好"],
    ["生态效益指标", "本项目不适用此指标", "无"],
    ["可持续影响指标", "打造金安国际网球\n公开赛等系列品牌赛事", "影响可持续"],
    ["满意度指标", "满意度指标", "群众满意度", "≥95%"],
    ["", "", "", "", ""],
    ["", "", "", ""],
]
# Form 2 is cut after 产出指标 | 数量指标: their spans are unknown, so they span one row each.
JINAN_FORM2 = jinan_head(
    "安徽省常规赛费用", Num(1200, "0.00", "1200.00"), Num(1200, "0.00", "1200.00"), Num(0, "0.00", "0.00"),
    "因财政资金紧张,结转2024年六运会项目资金",
) + [
    [("绩\n效\n指\n标", 2, 1), "一级\n指标", "二级指标", "三级指标", "指标值"],
    ["产出指标", "数量指标"],
]

# --------------------------------------------------------------------------------------------
JINZHAI = Source("anhui-jinzhai-kaifaqu-2021-project-goals.txt",
                 "# source: https://www.ahjinzhai.gov.cn/public/6617781/34383152.html  (金寨经济开发区2021年度项目支出绩效目标申报表, HTML page, 2021-09-18)")
# The page heading and the form's title and year are text above the table; the table is 5 columns
# (label | 一级 | 二级 | 三级 | 指标值). "项目资金    (万元)": the excerpt kept four spaces, written as
# three &nbsp; and a space (how such runs survive on a page). The note (注) is text after the table.
JINZHAI_FORM = [
    ["项目名称", ("物业管理", 1, 4)],
    ["主管部门", ("县财政局", 1, 2), "实施单位", "安徽金寨经济开发区管理委员会"],
    [("项目资金\u00a0\u00a0\u00a0 (万元)", 3, 1), ("年度资金总额:", 1, 2), ("1125", 1, 2)],
    [("其中:财政拨款", 1, 2), ("1125", 1, 2)],
    [("其他资金", 1, 2), ("", 1, 2)],
    ["年度目标", ("目标1:维护辖区各安置小区安全巡逻、环境卫生及物业日常管理", 1, 4)],
    [("绩效指标", 10, 1), "一级指标", "二级指标", "三级指标", "指标值"],
    [("产出指标", 4, 1), "数量指标", "指标1:安置小区物业费", "8个"],
    ["质量指标", "指标1:完成开发区工委、管委下达的安置小区物业费清算任务,指导小区物业开展文明创建等工作。",
     "房屋设备、设施的管理到位,环境卫生整洁,车辆停放有序"],
    ["时效指标", "指标1:按时保质完成开发区安置小区物业管理工作", "2021年全年"],
    ["成本指标", "指标1:项目总成本(≤**万元)", "≤1125万元"],
    [("效益指标", 4, 1), "经济效益指标", "指标1:清算8个安置小区本年度物业费和历史的遗留物业费(≥**%)。", "≥95%"],
    ["社会效益指标", "指标1:改善安置小区群众生活质量,提升安置小区生活水平。助力全县文明城市创建。", "显著改善"],
    ["生态效益指标", "指标1:优化安置小区生活环境,提高居民生活质量,营造安全舒适的居住环境。", "显著提高"],
    ["可持续影响指标", "指标1:持续提供人力物力保障,解决居民群众生产生活问题", "持续保障"],
    ["满意度指标", "服务对象满意度指标", "指标1:小区居民满意度(≥**%)", "≥90%"],
]

# --------------------------------------------------------------------------------------------
YEJI = Source("anhui-liuan-yeji-wenlvti-2025-budget-goals.txt",
              "# source: https://www.ahyeji.gov.cn/public/6596441/25914636.html  (六安市叶集区文化旅游体育局 2025 部门预算: narrative per-project goals, then 项目支出绩效目标表 forms, HTML)")
YEJI_NARRATIVE = [
    "1.“文化中心运营专项经费”项目。 (1)项目概述。主要用于文化中心整体运营。 (2)立项依据。文化中心运行管理需要。 (3)实施主体。六安市叶集区文化旅游体育局。 (4)起止时间。2025年1月1日-2025年12月31日 (5)项目内容。文化中心运营主要包括场馆运营费、水电费、特种设备维保和设备维修4部分。维持场馆日常运营,保障文化中心各项活动顺利开展。 (6)年度预算安排。财政拨款634万元。 (7)绩效目标。项目通过对场馆进行日常运营维护,主要工作为设备维保维修以及部分运转工作的开展,保障文化中心日常运转,提高社会对场馆的满意度,提高人民群众文化生活的质量。",
    "2.“文旅体专项经费”项目。 (1)项目概述。主要用于文化、旅游、广电、体育、文物等专项工作支出。 (2)立项依据。文化、旅游、广电、体育、文物等工作开展需要。 (3)实施主体。六安市叶集区文化旅游体育局。 (4)起止时间。2025年1月1日-2025年12月31日 (5)项目内容。主要用于举办群众文化活动及文化惠民活动、发放文化人才补助、应急广播维护、非物质文化遗产保护、文物保护等支出,保障单位日常工作开展 (6)年度预算安排。财政拨款306.18万元。 (7)绩效目标。完成文化工作主要项目支出,搞好文化活动等任务,确保文化工作各阶段具体任务的落实。减少文物安全隐患,保护文物安全完整。完成旅游工作一般性支出,包括旅游会议、旅游推介、参加培训、文明旅游建设等支出,推进区文旅体工作正常开展,保障区博物馆安防项目及应急广播终端建设项目实施,推动地区文旅体工作质量不断提高。",
]
# The excerpt's rows ("| (2025年度) | |||||||||") show a 10-column table whose cells are mostly
# empty, as Excel-made pages are; the form is cut inside the value of 主管部门及代码.
YEJI_FORM = [
    ["项目支出绩效目标表"] + [""] * 9,
    ["(2025年度)"] + [""] * 9,
    ["项目名称", "快乐健身暖民心建设资金"] + [""] * 8,
    ["主管部门及代码", "[027]六安市叶集区文化旅游体育"],
]

# --------------------------------------------------------------------------------------------
QINGSHAN = Source("hubei-wuhan-qingshan-jyj-2020-project-goals-3.txt",
                  "# source: http://www.qingshan.gov.cn/qzfbm/zfgzbm/jyj/czxx/zjxx/202001/t20200120_1016313.shtml  (武汉市青山区教育局 项目支出绩效目标表3, 2020年度, HTML page 2020-01-20)")
# The excerpt collapsed blank cells. Put back: the indicator header has seven columns
# (一级 | 二级(长期) | 三级(长期) | 指标值(长期) | 二级(年度) | 三级(年度) | 指标值(年度)) but each
# indicator row has five texts: 一级, a 二级 name twice, one 三级 name and one value. The 二级 name is
# repeated for both groups, so the 三级 and 指标值 given are the 年度 ones (the last two columns)
# and 三级(长期), 指标值(长期) (columns 3 and 4) are the blank cells. Likewise 其他资金 and
# 当年其他资金 have no amount (their value cells are blank). 总体目标 spans 中期目标 and 年度目标,
# each followed by its text. "主管部门\n及编码" is one cell broken in two lines. The 一级 cells are
# repeated on every row in the excerpt, so they are not merged here.
QINGSHAN_FORM = [
    ["项目名称", ("教育系统基础设施建设和设备购置", 1, 6)],
    ["主管部门\n及编码", ("[015001]武汉市青山区教育局", 1, 3), "实施单位", ("武汉市青山区教育局", 1, 2)],
    ["项目属性", ("基础建设、修缮类", 1, 3), "项目起止时间", ("202001-202012", 1, 2)],
    [("项目资金", 3, 1), "资金总额", ("10000万元", 1, 2), "当年资金总额:", ("10000万元", 1, 2)],
    ["其中:财政拨款", ("10000万元", 1, 2), "其中:当年财政拨款", ("10000万元", 1, 2)],
    ["其他资金", ("", 1, 2), "当年其他资金", ("", 1, 2)],
    [("总体目标", 2, 1), "中期目标", ("优化教育布局,推进教育领域综合改革全面提升育人质量实现基础教育持续发展", 1, 5)],
    ["年度目标", ("按工作计划完成教育局重点项目建设经费预算安排", 1, 5)],
    [("绩效项目指标表", 1, 7)],
    ["一级指标", "二级指标(长期)", "三级指标(长期)", "指标值(长期)", "二级指标(年度)", "三级指标(年度)", "指标值(年度)"],
    ["产出指标", "数量指标", "", "", "数量指标", "重点建设工程安排数量", "2"],
    ["产出指标", "质量指标", "", "", "质量指标", "重点建设工程验收合格率", "100%"],
    ["产出指标", "成本指标", "", "", "成本指标", "建设项目成本", "参照政府采购成本控制"],
    ["产出指标", "时效指标", "", "", "时效指标", "重点建设工程按期完成率", "100%"],
    ["效益指标", "可持续影响指标", "", "", "可持续影响指标", "基础教育巩固提高情况", "巩固提高"],
    ["效益指标", "社会效益指标", "", "", "社会效益指标", "基础教育学校办学条件", "持续改善"],
    ["满意度指标", "服务对象满意度指标", "", "", "服务对象满意度指标", "学生、家长、社会满意度", "≥90%"],
]

# --------------------------------------------------------------------------------------------
GUANGXI = Source("guangxi-gxglmes-2021-application-form-input-process.txt",
                 "# source: http://gxglmes.com/templets/default/2021yusuan/sqb.files/sheet001.htm  (an Excel workbook saved as HTML — \"财政支出绩效目标申报表 (2021年度)\" with a pre-filled 投入/过程 indicator block; the site hosts 2021 预算 templates)")
# A blank template (the excerpt collapsed its empty cells: the value cells are put back, empty,
# after each label); six columns (一级 | 二级 | 分值 | 指标内容 | 指标值 | 评分细则). 分值 are numbers.
# Cut inside the 指标内容 of 资金使用合规性 (its other cells are lost).
GUANGXI_FORM = [
    [("财政支出绩效目标申报表", 1, 6)],
    [("(2021年度)", 1, 6)],
    [("填报单位:", 1, 2), ("", 1, 4)],
    ["项目名称", ("", 1, 5)],
    ["项目类型", ("", 1, 5)],
    ["主管部门编码", ("", 1, 2), "主管部门名称", ("", 1, 2)],
    ["项目实施单位", ("", 1, 5)],
    ["项目负责人", ("", 1, 2), "联系电话", ("", 1, 2)],
    ["项目起止时间(如20190101)", ("", 1, 2), "到", ("", 1, 2)],
    [("项目资金申请(万元)", 7, 1), ("资金总额:", 1, 3), ("", 1, 2)],
    [("一般公共预算拨款:", 1, 3), ("", 1, 2)],
    [("政府性基金预算拨款:", 1, 3), ("", 1, 2)],
    [("国有资本经营预算拨款:", 1, 3), ("", 1, 2)],
    [("纳入财政专户管理的收入:", 1, 3), ("", 1, 2)],
    [("未纳入财政专户管理的收入:", 1, 3), ("", 1, 2)],
    [("上年结余收入:", 1, 3), ("", 1, 2)],
    ["单位职能概述(450字内)", ("", 1, 5)],
    ["项目概况(450字内)", ("", 1, 5)],
    [("项目立项情况", 4, 1), "项目立项的依据(450字内)", ("", 1, 4)],
    ["项目申报的可行性(450字内)", ("", 1, 4)],
    ["项目申报的必要性(450字内)", ("", 1, 4)],
    ["项目实施进度计划(450字内)", ("", 1, 4)],
    [("项目绩效目标", 2, 1), "长期目标(450字内)", ("", 1, 4)],
    ["年度目标(450字内)", ("", 1, 4)],
    [("项目年度绩效目标衡量指标", 1, 6)],
    ["一级指标", "二级指标", "分值", "指标内容(150字内)", "指标值(150字内)", "评分细则(150字内)"],
    [("投入指标", 2, 1), "资金到位率", Num(5, "General", "5"), "资金到位率=(实际到位资金/计划投入资金)×100%。", "资金到位率达100%",
     "到位率100%得5分,每少10个百分点以内扣1分,扣完为止。"],
    ["预算支出进度", Num(15, "General", "15"), "预算支出进度是否达到90%以上。", "预算支出进度达到90%以上",
     "预算支出进度达到90%以上(含90%)得15分,每少1个百分点扣1分,扣完为止。"],
    [("过程指标", 2, 1), "项目资金专项核算", Num(5, "General", "5"),
     "专项资金是否按《行政单位财务规则》和《事业单位财务规则》专款专用,专项核算。",
     "专项资金必须按《行政单位财务规则》和《事业单位财务规则》专款专用,专项核算",
     "专项资金按《行政单位财务规则》和《事业单位财务规则》专款专用得2分,专项核算得3分,否则0分。"],
    ["资金使用合规性", Num(10, "General", "10"), "①是否符合国家财经法规和财务管理制度以及有关专项资金管理办法的规定;\n②资金的拨付是否有"],
]

# --------------------------------------------------------------------------------------------
LONGYAN = Source("fujian-longyan-2023-transfer-goals.txt",
                 "# source: http://www.longyan.gov.cn/fw/ztfw/jy/zcwj/202310/t20231019_2065096.htm  (龙岩市财政局 龙财教〔2023〕24号 附件2 基础教育质量提升专项资金绩效目标表(2023年度), HTML table)")
# 附件1 (allocation): the excerpt collapsed the empty cells of the school rows; each second amount
# goes to the column the 龙岩市本级合计 row adds up: 教育局 50 to 示范区建设奖补 (50), 教科院 6 and the
# two schools 3 + 3 to 教学成果奖 (12), 龙岩一中 50 to 民族教育补助 (50).
LONGYAN_ALLOCATION = [
    [("单位:万元", 1, 5)],
    ["单 位 名 称", "合计", "国家级、省级 示范区、实验区建设奖补", "基础教育 教学成果奖", "民族教育补助"],
    ["龙岩市本级合计", "112", "50", "12", "50"],
    ["龙岩市教育局", "50", "50", "", ""],
    ["龙岩市教育科学研究院", "6", "", "6", ""],
    ["龙岩市第一中学锦山学校", "3", "", "3", ""],
    ["龙岩市松涛小学", "3", "", "3", ""],
    ["龙岩一中", "50", "", "", "50"],
]
# 附件2 (the goals form), 8 columns; the 主管部门 value is blank (collapsed in the excerpt), the
# header 区域目标质 (verbatim) spans the last three columns; cut in the second indicator's 三级 cell.
LONGYAN_FORM = [
    ["项目名称", ("基础教育质量提升", 1, 7)],
    ["主管部门(单位)名称及 部门预算编码", ("", 1, 3), "补助 区域", ("市本级", 1, 3)],
    [("资金情况(万元)", 3, 1), "资金总额:", ("112万元", 1, 6)],
    ["其中:财政资金", ("112万元", 1, 6)],
    ["其他资金", ("", 1, 6)],
    ["总体目标", ("推进国家基础教育综合改革实验区、普通高中新课程新教材国家级示范区建设,深化教学改革,支持内地班学校发展,提高基础教育质量。", 1, 7)],
    [("绩效目标", 3, 1), "一级指标", "二级指标", "三级指标", "指标解释", ("区域目标质", 1, 3)],
    [("产出指标", 2, 1), ("数量指标", 2, 1), "支持民族中小学数量", "支持民族中小学数量", "1所", "", ""],
    ["支持国家基础"],
]

# --------------------------------------------------------------------------------------------
EZHOU = Source("hubei-ezhou-2022-project-goals-docx.txt",
               "# source: https://desk33.com/d-245426.html  (third-party document site; text of \"鄂州市2022年市直部门预算项目支出绩效目标表.docx\", 22.57 KB DOCX; 鄂州市机关事务服务中心 project)")
# The excerpt lost every cell boundary; read as a 5-column table. The text before the title
# (主管部门审核意见 / 单位公章:年月 日) is two paragraphs above the title, in the excerpt's order.
# 成本控制率 has one text (不超预算) where its row needs two: it is the 当年预期实现值, its 绩效标准
# blank. The last cell is cut after ">". "Z口", "292%", "重.要" are the site's extraction errors, kept.
EZHOU_BEFORE = ["主管部门审核意见", "单位公章:年月 日", "鄂州市2022年市直部门预算项目支出绩效目标表"]
EZHOU_FORM = [
    ["项目名称", ("滨湖大胆办公大楼运行保障", 1, 2), "项目类别", "本级支出项目"],
    ["项目性质", ("持续性项目", 1, 2), "立项依据", "市机关事务服务中心三定方案"],
    ["项目预算成本构成", "金额", "测算(公式)依据", "2020年实际执行数", "2021年实际执行数"],
    ["保安服务费", "191", "依据招标文件", "191", "191"],
    ["保洁服务费", "99", "依据招标文件", "99", "99"],
    ["水电气、维修维护费", "524", "根据三定方案,各项费用据实结算", "372.88", "504.55"],
    ["合计", "814", "", "662.98", "794.55"],
    ["绩效目标", ("以办公大楼服务对象满意为目标,着力打造文明型机关、卫生Z口机关。", 1, 4)],
    [("绩效指标", 10, 1), ("保障绩效目标实现措施", 1, 4)],
    ["一级指标", "二级指标", "绩效标准", "当年预期实现值"],
    [("数量指标", 2, 1), "办公大楼日常维修维护次数", "反映办公大楼全年维修维护情况", "2280次"],
    ["大楼安检巡察次数", "反映大楼保卫巡检情况", "200次"],
    [("质量指标", 3, 1), "办公大楼日常维修维护验收合格率", "反映办公大楼全年维修维护质量情况", ">92%"],
    ["经常性大型设备更新验收合格率", "反映办公大楼大型设备更新验收情况", "292%"],
    ["重.要设备维修维保验收合格率", "反映设备设施维保质量情况", "95%"],
    [("成本指标", 2, 1), "成本控制率", "", "不超预算"],
    ["水电气消耗下降率", "反映水电气消耗比上年下降情况", ">"],
]

# --------------------------------------------------------------------------------------------
BATANG = Source("hunan-ningxiang-batang-2021-project-goals.txt",
                "# source: https://renrendoc.com/paper/307484460.html  (third-party document site; \"项目绩效目标表(2021年度)\", 宁乡市坝塘镇人民政府 — 镇域内基础设施建设; DOC text, cell boundaries lost)")
# The excerpt lost every cell boundary; read as a 6-column table (label | 一级 | 二级 | 指标内容 |
# 指标值 | 备注). The indicator cells hold scores, "88100" = 指标内容 88, 指标值 100 (as the
# excerpt's note says). "…" is a row of its own under 产出指标 (the template's "more rows");
# 社会公众或服务对象满意度指标 is a 二级 row under 效益指标 (there is no 满意度指标 before it). "联系电"
# and "目起止时间" are verbatim (the site's extraction lost 话 and 项). The annual block is cut inside
# its last 二级 cell.
BATANG_BEFORE = ["项目绩效目标表(2021年度)", "填报单位(盖章):宁乡市坝塘镇人民政府"]


def batang_indicators(label: str, cut: bool) -> list[list]:
    rows = [
        [(label, 11, 1), "一级指标", "二级指标", "指标内容", "指标值", "备注"],
        [("产出指标", 5, 1), "数量指标", "88", "100", ""],
        ["质量指标", "88", "100", ""],
        ["时效指标", "88", "100", ""],
        ["成本指标", "88", "100", ""],
        ["…", "", "", ""],
        [("效益指标", 5, 1), "经济效益指标", "88", "100", ""],
        ["社会效益指标", "68", "100", ""],
        ["生态效益指标", "20", "100", ""],
        ["可持续影响指标", "20", "100", ""],
        ["社会公众或服务对象满意度指标", "88", "100", ""],
    ]
    if cut:
        rows[-1] = ["社会公众或服务对象满意度指"]
    return rows


BATANG_FORM = [
    ["项目名称", ("镇域内基础设施建设", 1, 2), "项目属性", ("新增项目□延续项目√", 1, 2)],
    ["主管部门", ("坝塘镇", 1, 2), "主管部门编码", ("", 1, 2)],
    ["项目单位", ("坝塘镇", 1, 2), "项目负责人", ("[name removed]", 1, 2)],
    ["联系电", ("", 1, 2), "目起止时间", ("2021年度", 1, 2)],
    [("资金总额及构成", 4, 1), "总额", ("10606.7522万元", 1, 4)],
    [("财政拨款:6923.3552万元(其中:上级财政资金:6923.3552万元;本级财政:0万元)", 1, 5)],
    [("二、自有资金:0万元", 1, 5)],
    [("三、其他:3683.3970万元", 1, 5)],
    ["项目概况", ("镇域内水利、道路、机关、学校及乡村振兴等基础设施建设", 1, 5)],
    [("项目立项情况", 3, 1), "项目立项的依据", ("机关、学校、乡村振兴按发改立项", 1, 4)],
    ["项目申报的可行性", ("已申报项目可行性评估", 1, 4)],
    ["项目申报的必要性", ("为改善镇域内基础设施、振兴乡村", 1, 4)],
    [("项目实施进度计划", 3, 1), ("项目实施内容", 1, 3), "开始时间", "完成时间"],
    [("1总体概念规划", 1, 3), "2016", "2020"],
    [("2、核心区规划", 1, 3), "2021", "2021"],
    [("项目绩效目标", 2, 1), ("长期目标", 1, 2), ("年度目标", 1, 3)],
    [("改善镇域内基础设施,振兴乡村经济", 1, 2), ("全面完成集镇立面改造、机关、学校、乡村振兴等项目,搞好提质改造", 1, 3)],
] + batang_indicators("长期绩效指标", cut=False) + batang_indicators("年度绩效指标", cut=True)

# --------------------------------------------------------------------------------------------
GUANGDONG = Source("guangdong-prov-edu-fund-2021-goals.txt",
                   "# source: https://www.dy1993.cn/O0nx.html  (third-party document site; text of a 广东省 省级专项资金 \"绩效目标表\" — 教育发展专项资金 / 支持粤东粤西粤北地区新建高校, 广东省教育厅, 2021; text extracted from a Word/Excel file, cell order partly lost)")
# The reading (cell order was partly lost in the excerpt), 7 columns:
# - 资金名称 is a heading over three sub-columns 战略领域 | 财政事权 | 政策任务, whose values are the
#   three names of the line below them (教育发展专项资金 | 高等教育“冲一流、补短板、强特色” |
#   支持粤东粤西粤北地区新建高校); 省级业务主管部门, 资金类型, 实施周期 head one column each (two
#   rows high) over 广东省教育厅 | 专项资金 | 2020年-2022年.
# - 资金需求(万元) with 2021年金额 = 一般公共预算安排77300万元 (the excerpt printed the amount first).
# - 用途范围, then three long texts whose labels the excerpt lost (policy basis, annual goal,
#   goal for the period): their label cells are left empty rather than invented.
# - The excerpt abbreviated the last text ("[…abbreviated here: the same list of seven schools as
#   above…]"): the list is written out as in the annual goal.
# - The indicator part is transposed (indicators as columns): rows 三级指标 / 年度目标值 /
#   实施周期目标值; the names of the last three columns are not in the excerpt (empty). Numbers:
#   7 (General), 100% (1 in 0%). Cut after 持续.
# Line breaks of the excerpt inside a cell ("省级业务主管部\n门", "资金需求(万\n元)", "广\n东",
# "高等教\n育") are kept.
_SCHOOLS = ("广东汕头幼儿师范高等专科学校(筹)、广东梅州职业技术学院(筹)、广东潮州卫生健康职业学院(筹)、"
            "广东云浮中医药职业学院(筹)、华南师范大学汕尾校区、广东工业大学揭阳校区、广东海洋大学阳江校区")
GUANGDONG_FORM = [
    [("绩效目标表", 1, 7)],
    [("资金名称", 1, 3), ("省级业务主管部\n门", 2, 1), ("资金类型", 2, 1), ("实施周期", 2, 2)],
    ["战略领域", "财政事权", "政策任务"],
    ["教育发展专项资金", "高等教育“冲一流、补短板、强特色”", "支持粤东粤西粤北地区新建高校", "广东省教育厅", "专项资金",
     ("2020年-2022年", 1, 2)],
    ["资金需求(万\n元)", "2021年金额", ("一般公共预算安排77300万元", 1, 5)],
    [("用途范围", 1, 2), ("新建" + _SCHOOLS + "。", 1, 5)],
    [("", 1, 2), ("《广东省教育厅 广东省发展和改革委 广东省财政厅关于印发〈加快推进粤东粤西粤北地区新建迁建高校建设行动计划〉的通知》(粤教规函〔2019〕144号)", 1, 5)],
    [("", 1, 2), ("2021年,推动广东汕头幼儿师范高等专科学校(筹)、广\n东梅州职业技术学院(筹)、广东潮州卫生健康职业学院(筹)、广东云浮中医药职业学院(筹)、华南师范大学汕尾校区、广东工业大学揭阳校区、广东海洋大学阳江校区正式招生。", 1, 5)],
    [("", 1, 2), ("补齐粤东粤西粤北地区教育短板,加快粤东粤西粤北地区高等教育改革发展,提高广东省高等教育毛入学率,扩大优质学位供给,优化高等教育布局结构,切实增进民生福祉。推动" + _SCHOOLS + "2021年秋季正式招生。", 1, 5)],
    ["三级指标", "新建高校(校区)", "工程质量达标率(%)", "开工率(%)", "", "", ""],
    ["年度目标值", Num(7, "General", "7"), Num(1, "0%", "100%"), Num(1, "0%", "100%"), "", "", ""],
    ["实施周期目标值", Num(7, "General", "7"), Num(1, "0%", "100%"), Num(1, "0%", "100%"), "不断提升", "弥补我省高等教\n育不平衡", "持续"],
]

# --------------------------------------------------------------------------------------------
TONGZHOU = Source("shanghai-tongzhou-2019-project-goals-form.txt",
                  "# source: https://360docs.net/doc/145716245.html  (third-party document site; \"上海市财政支出项目绩效目标申报表\", 申报单位 上海市同舟服务中心, project 党外人才专项服务工作经费, 2019)")
# Title and 申报单位名称 are paragraphs; the table has 4 columns; 项目类型's two lines are one cell.
# Cut before the indicator grid.
TONGZHOU_BEFORE = ["上海市财政支出项目绩效目标申报表", "申报单位名称:上海市同舟服务中心"]
TONGZHOU_FORM = [
    ["项目名称", ("党外人才专项服务工作经费", 1, 3)],
    ["项目类型", ("市委市政府已确定的新增项目□ 结转项目□ 其他一次性项目□\n经常性专项业务费√ 其他经常性项目□", 1, 3)],
    ["资金用途", ("基本建设工程类□ 信息化建设类□ 政策补贴类□政府购买服务□ 资产购置类□ 其他事业专业类√", 1, 3)],
    ["开始时间", "2019/1/1", "结束时间", "2019/12/31"],
    ["项目概况", ("根据上海市同舟服务中心召开的2019年财政预算专题汇报会纪要和同舟的职能。本部门立项:党外代表人士体检服务、主旋律精品文化演出票推送、党外代表人士理论书籍推送。提供知联会、海联会、新联会等统战社团党外代表人士提高文化素养专项服务。预计全年服务1715人次。", 1, 3)],
    ["立项依据", ("按照沪编[2015]581号《关于同意调整上海市委统战部所属部分事业单位机构编制的批复》以及实际工作需要。", 1, 3)],
]

# --------------------------------------------------------------------------------------------
SCHEMA = Source("national-yitihua-pmkpi-indicator-schema-code.txt",
                "# source: public GitHub files (configuration and code of budget-management systems; repository paths not recorded)")
# One row per indicator (layout b): COMPOSED, not a published document. The columns are the
# import/export template of the excerpt (一级指标 … 计量单位) with 项目名称 first and 指标解释 and
# 绩效标准 from its 填报要素说明; the rows are the indicators of the two Liuan Jin'an forms
# (the second form was cut before its indicators, so only form 1), its 指标值 split into 计算符号,
# the number and the unit; qualitative targets keep their text and have no sign or unit.
INDICATOR_HEADER = ["项目名称", "一级指标", "二级指标", "三级指标名称", "计算符号", "年度指标值", "计量单位", "指标解释", "绩效标准"]
_P = "2025金安国际网球公开赛(国际系列赛事)"
INDICATOR_ROWS = [
    [_P, "产出指标", "数量指标", "开展运动种类", "=", "1", "种", "", "计划标准"],
    [_P, "产出指标", "数量指标", "打造品牌赛事种类", "=", "1", "种", "", "计划标准"],
    [_P, "产出指标", "质量指标", "经费支出合规率", "=", "100", "%", "", "计划标准"],
    [_P, "产出指标", "质量指标", "赛事完成率", "=", "100", "%", "", "计划标准"],
    [_P, "产出指标", "时效指标", "完成时间", "", "2025年年底前", "", "", "计划标准"],
    [_P, "产出指标", "成本指标", "项目总成本", "≤", "1000", "万元", "", "预算支出标准"],
    [_P, "效益指标", "经济效益指标", "提升六安城市知名度和美誉度,推动体育消费、“网球+”产业深度融合", "", "经济效益良好", "", "", "计划标准"],
    [_P, "效益指标", "社会效益指标", "打造金安国际网球公开赛等系列品牌赛事,提升六安城市的知名度和美誉度。", "", "效果良好", "", "", "计划标准"],
    [_P, "效益指标", "生态效益指标", "本项目不适用此指标", "", "无", "", "", "计划标准"],
    [_P, "效益指标", "可持续影响指标", "打造金安国际网球公开赛等系列品牌赛事", "", "影响可持续", "", "", "计划标准"],
    [_P, "满意度指标", "满意度指标", "群众满意度", "≥", "95", "%", "", "计划标准"],
]


# ============================================================================================
# Writers
# ============================================================================================
def place(rows: list[list]) -> list[tuple[int, int, int, int, object]]:
    """HTML's table model: (row, col, rowspan, colspan, value) of every source cell."""
    taken: set[tuple[int, int]] = set()
    out = []
    for r, row in enumerate(rows):
        c = 0
        for cell in row:
            value, rs, cs = cell if isinstance(cell, tuple) else (cell, 1, 1)
            while (r, c) in taken:
                c += 1
            rs = min(rs, len(rows) - r)
            for dr in range(rs):
                for dc in range(cs):
                    taken.add((r + dr, c + dc))
            out.append((r, c, rs, cs, value))
            c += cs
    return out


def text_of(value) -> str:
    return value.text if isinstance(value, Num) else value


def html_table(rows: list[list], attrs: str = 'border="1" cellspacing="0"') -> str:
    lines = [f"<table {attrs}>"]
    for row in rows:
        tds = []
        for cell in row:
            value, rs, cs = cell if isinstance(cell, tuple) else (cell, 1, 1)
            span = (f' rowspan="{rs}"' if rs > 1 else "") + (f' colspan="{cs}"' if cs > 1 else "")
            text = html.escape(text_of(value), quote=False).replace("\n", "<br>").replace("\u00a0", "&nbsp;")
            tds.append(f"<td{span}>{text}</td>")
        lines.append("<tr>" + "".join(tds) + "</tr>")
    lines.append("</table>")
    return "\n".join(lines)


def html_page(source: Source, title: str, body: list[str], charset: str = "utf-8") -> str:
    return "\n".join([
        "<!DOCTYPE html>",
        "<!-- Rebuilt by tests/data/forms/make.py from the excerpt shared/data/samples/" + source.sample + ":",
        "     " + source.line.removeprefix("# ").replace("--", "- -"),
        "     cell texts verbatim; the grid (spans, blank cells) is the script's reading of the excerpt. -->",
        "<html>",
        f'<head><meta http-equiv="Content-Type" content="text/html; charset={charset}"><title>{html.escape(title)}</title>',
        "<style>td { border: 1px solid #000; }</style></head>",
        "<body>",
        *body,
        "</body>",
        "</html>",
        "",
    ])


def p(text: str) -> str:
    return "<p>" + html.escape(text, quote=False).replace("\n", "<br>") + "</p>"


def excel_html(source: Source, rows: list[list]) -> bytes:
    """The page Excel writes for "save as web page" (sheet001.htm): GB2312, mso styles, x:num cells."""
    head = "\n".join([
        '<html xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office"',
        'xmlns:x="urn:schemas-microsoft-com:office:excel" xmlns="http://www.w3.org/TR/REC-html40">',
        "<!-- Rebuilt by tests/data/forms/make.py from the excerpt shared/data/samples/" + source.sample + ":",
        "     " + source.line.removeprefix("# ").replace("--", "- -") + " -->",
        "<head>",
        '<meta http-equiv=Content-Type content="text/html; charset=gb2312">',
        '<meta name=ProgId content=Excel.Sheet>',
        '<meta name=Generator content="Microsoft Excel 11">',
        '<link id=Main-File rel=Main-File href="../sqb.htm">',
        "<style>",
        "<!--table {mso-displayed-decimal-separator:\"\\.\"; mso-displayed-thousand-separator:\"\\,\";}",
        ".xl24 {mso-style-parent:style0; white-space:normal;}",
        "-->",
        "</style>",
        "<![if !supportTabStrip]><script language=\"JavaScript\">",
        "<!--",
        "function fnUpdateTabs() { }",
        "//-->",
        "</script><![endif]>",
        "</head>",
        "<body link=blue vlink=purple>",
        "",
        "<table x:str border=0 cellpadding=0 cellspacing=0 width=900 style='border-collapse: collapse;table-layout:fixed;width:675pt'>",
        " <col width=150 span=6 style='mso-width-source:userset;width:112pt'>",
    ])
    lines = [head]
    for row in rows:
        tds = []
        for cell in row:
            value, rs, cs = cell if isinstance(cell, tuple) else (cell, 1, 1)
            span = (f" rowspan={rs}" if rs > 1 else "") + (f" colspan={cs}" if cs > 1 else "")
            if isinstance(value, Num):
                tds.append(f'  <td{span} class=xl24 x:num="{value.value:g}">{value.text}</td>')
            else:
                text = html.escape(value, quote=False).replace("\n", "<br style='mso-data-placement:same-cell'>")
                tds.append(f"  <td{span} class=xl24 style='border:.5pt solid windowtext'>{text or '&nbsp;'}</td>")
        lines.append(" <tr height=19 style='height:14.25pt'>\n" + "\n".join(tds) + "\n </tr>")
    lines.append(" <![if supportMisalignedColumns]>\n <tr height=0 style='display:none'>\n"
                 + "  <td width=150 style='width:112pt'></td>\n" * 6 + " </tr>\n <![endif]>")
    lines.append("</table>\n\n</body>\n\n</html>\n")
    return "\n".join(lines).encode("gb18030")


def fixed_zip(data: bytes) -> bytes:
    """The same ZIP with every member dated DATE, so a rerun writes the same bytes."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                import re
                body = re.sub(rb"<dcterms:(created|modified)([^>]*)>[^<]*<",
                              rb"<dcterms:\1\2>2025-01-01T00:00:00Z<", body)
            zi = zipfile.ZipInfo(info.filename, DATE)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            dst.writestr(zi, body)
    return out.getvalue()


def xlsx_sheet(ws, rows: list[list]) -> None:
    from openpyxl.styles import Alignment

    for r, c, rs, cs, value in place(rows):
        cell = ws.cell(row=r + 1, column=c + 1)
        if isinstance(value, Num):
            cell.value = int(value.value) if float(value.value).is_integer() else value.value
            cell.number_format = value.fmt
        elif value != "":
            cell.value = value
        if isinstance(value, str) and "\n" in value:
            cell.alignment = Alignment(wrap_text=True)
        if rs > 1 or cs > 1:
            ws.merge_cells(start_row=r + 1, start_column=c + 1, end_row=r + rs, end_column=c + cs)


def xlsx_book(sheets: list[tuple[str, list[list]]], source: Source) -> bytes:
    import datetime as dt

    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in sheets:
        xlsx_sheet(wb.create_sheet(title), rows)
    wb.properties.description = source.line.removeprefix("# ")
    wb.properties.subject = "rebuilt by tests/data/forms/make.py from shared/data/samples/" + source.sample
    wb.properties.creator = "perfkg tests/data/forms/make.py"
    wb.properties.created = wb.properties.modified = dt.datetime(2025, 1, 1)
    out = io.BytesIO()
    wb.save(out)
    return fixed_zip(out.getvalue())


def docx_doc(source: Source, before: list[str], rows: list[list], after: list[str] = ()) -> bytes:
    """A Word document: paragraphs, one table with merged cells (gridSpan / vMerge), paragraphs."""
    return docx_blocks(source, [*before, rows, *after])


def docx_blocks(source: Source, blocks: list) -> bytes:
    """A Word document of paragraphs (str) and tables (lists of rows) in this order."""
    before = [b for b in blocks if isinstance(b, str)]
    import datetime as dt

    import docx

    document = docx.Document()
    document.core_properties.title = before[0] if before else ""
    document.core_properties.subject = "rebuilt by tests/data/forms/make.py from shared/data/samples/" + source.sample
    document.core_properties.comments = source.line.removeprefix("# ")
    document.core_properties.author = "perfkg tests/data/forms/make.py"
    document.core_properties.created = document.core_properties.modified = dt.datetime(2025, 1, 1)
    document.core_properties.last_modified_by = "perfkg"
    document.core_properties.revision = 1
    for block in blocks:
        if isinstance(block, str):
            document.add_paragraph(block)
            continue
        cells = place(block)
        width = max(c + cs for _, c, _, cs, _ in cells)
        table = document.add_table(rows=len(block), cols=width)
        table.style = "Table Grid"
        for r, c, rs, cs, value in cells:
            cell = table.cell(r, c)
            if rs > 1 or cs > 1:
                cell = cell.merge(table.cell(r + rs - 1, c + cs - 1))
            lines = text_of(value).split("\n")
            cell.paragraphs[0].text = lines[0]
            for extra in cell.paragraphs[1:]:
                extra._element.getparent().remove(extra._element)
            for line in lines[1:]:
                cell.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return fixed_zip(out.getvalue())


def xls_book(sheets: list[tuple[str, list[list]]]) -> bytes:
    """An Excel 97-2003 workbook (xlwt): merged ranges, numbers with their number format."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    styles: dict[str, object] = {}

    def style(fmt: str):
        if fmt not in styles:
            styles[fmt] = xlwt.easyxf("align: wrap on", num_format_str=fmt)
        return styles[fmt]

    for title, rows in sheets:
        ws = book.add_sheet(title)
        for r, c, rs, cs, value in place(rows):
            data = value.value if isinstance(value, Num) else value
            st = style(value.fmt if isinstance(value, Num) else "General")
            if rs > 1 or cs > 1:
                ws.write_merge(r, r + rs - 1, c, c + cs - 1, data, st)
            elif data != "":
                ws.write(r, c, data, st)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cjk():
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return "STSong-Light"


def pdf_forms(source: Source, forms: list[tuple[list[str], list[list]]], col_widths: list[float]) -> bytes:
    """A ruled PDF (reportlab, the CID font STSong-Light, which PDF readers map back to Unicode):
    per form, its title lines as text above the grid, then the grid with its spans; a page per form.
    Long texts wrap inside their cell, as printed forms do."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Table, TableStyle

    font = _cjk()
    cell = ParagraphStyle("cell", fontName=font, fontSize=9, leading=11, wordWrap="CJK")
    title = ParagraphStyle("title", fontName=font, fontSize=14, leading=20, alignment=1)
    story = []
    for k, (titles, rows) in enumerate(forms):
        if k:
            story.append(PageBreak())
        story.extend(Paragraph(html.escape(t), title) for t in titles)
        width = len(col_widths)
        data = [["" for _ in range(width)] for _ in rows]
        spans = []
        for r, c, rs, cs, value in place(rows):
            text = html.escape(text_of(value)).replace("\n", "<br/>")
            data[r][c] = Paragraph(text, cell) if text else ""
            if rs > 1 or cs > 1:
                spans.append(("SPAN", (c, r), (c + cs - 1, r + rs - 1)))
        table = Table(data, colWidths=col_widths)
        table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, "black"), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                                   *spans]))
        story.append(table)
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4, invariant=1, title="项目支出绩效目标表", author="perfkg tests/data/forms/make.py",
                      subject="rebuilt from shared/data/samples/" + source.sample,
                      keywords=source.line.removeprefix("# ")).build(story)
    return out.getvalue()


def pdf_scanned() -> bytes:
    """A PDF whose page is only an image (a scanned form: ruled lines, no text layer)."""
    from PIL import Image, ImageDraw
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    image = Image.new("L", (400, 300), 255)
    draw = ImageDraw.Draw(image)
    for y in range(20, 300, 40):
        draw.line([(20, y), (380, y)], fill=0, width=2)
    for x in (20, 120, 380):
        draw.line([(x, 20), (x, 260)], fill=0, width=2)
    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=A4, invariant=1)
    page.drawImage(ImageReader(image), 50, 400, width=400, height=300)
    page.showPage()
    page.save()
    return out.getvalue()


def pdf_encrypted(source: Source) -> bytes:
    """The first Jin'an form as a PDF that opens only with a password (RC4, user password "secret")."""
    from reportlab.lib import pdfencrypt
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    font = _cjk()
    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=A4, invariant=1,
                         encrypt=pdfencrypt.StandardEncryption("secret", ownerPassword="owner", strength=40))
    page.setFont(font, 14)
    page.drawString(200, 780, "项目支出绩效目标表")
    page.showPage()
    page.save()
    return out.getvalue()


def write(name: str, data: bytes | str) -> None:
    (HERE / name).write_bytes(data.encode("utf-8") if isinstance(data, str) else data)


def main() -> None:
    # ---- HTML, as published
    write("liuan-jinan-2025.html", html_page(JINAN, "项目支出绩效目标表", [
        html_table(JINAN_FORM1), "<p>&nbsp;</p>", html_table(JINAN_FORM2), "<!-- [excerpt ends here] -->"]))
    write("jinzhai-kaifaqu-2021.html", html_page(JINZHAI, "金寨经济开发区2021年度项目支出绩效目标申报表", [
        "<h2>金寨经济开发区2021年度项目支出绩效目标申报表</h2>",
        '<p align="center"><b>项目支出绩效目标申报表</b></p>', '<p align="center">(2021年度)</p>',
        html_table(JINZHAI_FORM),
        "<p>注: 1.“其他资金”是指与财政拨款共同用于同一项目的单位自有资金、社会资金等。<br>2.各单位可根据项目特点自行增加或减少二级指标,并细化</p>",
        "<!-- [excerpt ends here] -->"]))
    write("liuan-yeji-2025.html", html_page(YEJI, "六安市叶集区文化旅游体育局2025年部门预算", [
        *[p(t) for t in YEJI_NARRATIVE], html_table(YEJI_FORM), "<!-- [excerpt ends here] -->"]))
    write("wuhan-qingshan-2020.html", html_page(QINGSHAN, "项目支出绩效目标表3", [
        "<h3>项目支出绩效目标表3</h3>", p("项目支出绩效目标表"), p("2020年度)"), html_table(QINGSHAN_FORM)]))
    write("longyan-2023.html", html_page(LONGYAN, "基础教育质量提升专项资金绩效目标表", [
        p("附件1"), p("2023年省级基础教育质量提升专项资金安排表"), html_table(LONGYAN_ALLOCATION),
        p("附件2"), p("基础教育质量提升专项资金绩效目标表"), p("(2023年度)"), html_table(LONGYAN_FORM),
        "<!-- [excerpt ends here] -->"]))
    write("guangxi-gxglmes-2021-sheet001.htm", excel_html(GUANGXI, GUANGXI_FORM))
    # ---- Excel
    write("guangxi-gxglmes-2021.xlsx", xlsx_book([("Sheet1", GUANGXI_FORM)], GUANGXI))
    write("guangdong-edu-fund-2021.xlsx", xlsx_book([("绩效目标表", GUANGDONG_FORM)], GUANGDONG))
    write("liuan-jinan-2025.xlsx", xlsx_book([("金安国际网球公开赛", JINAN_FORM1), ("安徽省常规赛费用", JINAN_FORM2)], JINAN))
    write("indicators-composed.xlsx", xlsx_book([("绩效指标", [INDICATOR_HEADER] + INDICATOR_ROWS)], SCHEMA))
    write("indicators-composed.csv", "\r\n".join(
        ",".join(f'"{v}"' if ("," in v or '"' in v) else v for v in row)
        for row in [INDICATOR_HEADER] + INDICATOR_ROWS) + "\r\n")
    # ---- Word
    write("hubei-ezhou-2022.docx", docx_doc(EZHOU, EZHOU_BEFORE, EZHOU_FORM))
    write("hunan-ningxiang-batang-2021.docx", docx_doc(BATANG, BATANG_BEFORE, BATANG_FORM))
    write("shanghai-tongzhou-2019.docx", docx_doc(TONGZHOU, TONGZHOU_BEFORE, TONGZHOU_FORM))
    # ---- the Jin'an forms in every format: the same grid as the HTML page
    write("liuan-jinan-2025.docx", docx_blocks(JINAN, [JINAN_FORM1, "", JINAN_FORM2]))
    write("liuan-jinan-2025.xls", xls_book([("金安国际网球公开赛", JINAN_FORM1), ("安徽省常规赛费用", JINAN_FORM2)]))
    # the PDF: title, year and the 项目责任人 line above the ruled grid (printed forms put them there),
    # the grid from 项目名称 down, without the empty rows; one page per form. The label column is
    # narrow, so 主管部门及代码 wraps inside its cell as in printed forms.
    pdf_titles = ["项目支出绩效目标表", "(2025年度)", "项目责任人:　　　　　　单位(盖章):"]
    write("liuan-jinan-2025.pdf", pdf_forms(JINAN, [(pdf_titles, JINAN_FORM1[4:-2]), (pdf_titles, JINAN_FORM2[4:])],
                                            [48, 70, 70, 150, 130]))
    errors()


# ---- error cases -----------------------------------------------------------------------------
def errors() -> None:
    # a sheet with two header rows: 指标 over 一级/二级/三级指标名称, 指标值 over 年度指标值/计量单位
    two = [[("项目名称", 2, 1), ("指标", 1, 3), ("计算符号", 2, 1), ("指标值", 1, 2)],
           ["一级指标", "二级指标", "三级指标名称", "年度指标值", "计量单位"]] + [
        [r[0], r[1], r[2], r[3], r[4], r[5], r[6]] for r in INDICATOR_ROWS[:3]]
    write("bad/two-header-rows.xlsx", xlsx_book([("绩效指标", two)], SCHEMA))
    # an .xlsm: the Jin'an workbook with a macro project part (xl/vbaProject.bin) and the macro-enabled type
    book = zipfile.ZipFile(io.BytesIO(xlsx_book([("金安国际网球公开赛", JINAN_FORM1)], JINAN)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in book.infolist():
            body = book.read(info.filename)
            if info.filename == "[Content_Types].xml":
                body = body.replace(b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                                    b"application/vnd.ms-excel.sheet.macroEnabled.main+xml")
                body = body.replace(b"<Default ", b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/><Default ', 1)
            if info.filename == "xl/_rels/workbook.xml.rels":
                body = body.replace(b"</Relationships>", b'<Relationship Id="rIdVBA" Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject" Target="vbaProject.bin"/></Relationships>')
            zi = zipfile.ZipInfo(info.filename, DATE)
            zi.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(zi, body)
        zi = zipfile.ZipInfo("xl/vbaProject.bin", DATE)
        dst.writestr(zi, ole2({"VBA": b"Sub AutoOpen()\r\nEnd Sub\r\n"}))
    write("bad/macros.xlsm", out.getvalue())
    # a damaged ZIP: the Jin'an workbook cut in half (a broken download)
    whole = (HERE / "liuan-jinan-2025.xlsx").read_bytes()
    write("bad/cut-download.xlsx", whole[: len(whole) // 2])
    # an OLE2 file that is not a workbook: a "Word 97-2003 document" (.doc)
    write("bad/word-97.doc", ole2({"WordDocument": b"\xec\xa5" + b"\x00" * 510, "1Table": b"\x00" * 512}))
    # an Office file encrypted with a password (OLE2 holding EncryptionInfo + EncryptedPackage)
    write("bad/encrypted.xlsx", ole2({"EncryptionInfo": b"\x04\x00\x04\x00" + b"\x00" * 508,
                                      "EncryptedPackage": b"\x00" * 1024}))
    write("bad/empty.html", b"")
    write("bad/scanned.pdf", pdf_scanned())
    write("bad/encrypted.pdf", pdf_encrypted(JINAN))


def ole2(streams: dict[str, bytes]) -> bytes:
    """A minimal OLE2 compound file holding the given streams (each padded to 4096+ bytes so it
    lives in regular sectors). Layout: header, one FAT sector, one directory sector, the streams."""
    import struct

    sector = 512
    names = list(streams)
    bodies = [streams[n] + b"\x00" * (-len(streams[n]) % sector) for n in names]
    bodies = [b if len(b) >= 4096 else b + b"\x00" * (4096 - len(b)) for b in bodies]
    sizes = [len(b) for b in bodies]
    # sector 0: FAT, sector 1: directory, then the streams
    fat = [0xFFFFFFFD, 0xFFFFFFFE]
    starts = []
    for size in sizes:
        start = len(fat)
        starts.append(start)
        n = size // sector
        fat += [start + i + 1 for i in range(n - 1)] + [0xFFFFFFFE]
    assert len(fat) <= sector // 4
    fat += [0xFFFFFFFF] * (sector // 4 - len(fat))

    def entry(name: str, kind: int, start: int, size: int, child: int = 0xFFFFFFFF,
              right: int = 0xFFFFFFFF) -> bytes:
        raw = name.encode("utf-16-le") + b"\x00\x00"
        return (raw.ljust(64, b"\x00") + struct.pack("<HBB", len(raw), kind, 1)
                + struct.pack("<III", 0xFFFFFFFF, right, child) + b"\x00" * 16 + b"\x00" * 4
                + b"\x00" * 16 + struct.pack("<III", start, size, 0))

    entries = [entry("Root Entry", 5, 0xFFFFFFFE, 0, child=1)]
    for i, name in enumerate(names):
        right = i + 2 if i + 1 < len(names) else 0xFFFFFFFF
        entries.append(entry(name, 2, starts[i], len(streams[name]) if len(streams[name]) >= 4096 else sizes[i], right=right))
    directory = b"".join(entries).ljust(sector, b"\x00")
    header = (bytes.fromhex("d0cf11e0a1b11ae1") + b"\x00" * 16 + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
              + b"\x00" * 6 + struct.pack("<IIIIIIII", 0, 1, 1, 0, 4096, 0xFFFFFFFE, 0, 0xFFFFFFFE)
              + struct.pack("<I", 0) + struct.pack("<I", 0) + struct.pack("<109I", 0, *[0xFFFFFFFF] * 108))
    # header fields: csectDir=0, csectFat=1, sectDirStart=1, signature=0, miniSectorCutoff=4096,
    # sectMiniFatStart=END, csectMiniFat=0, sectDifStart=END, csectDif=0, then the DIFAT (FAT in sector 0)
    header = header[:76] + struct.pack("<109I", 0, *[0xFFFFFFFF] * 108)
    assert len(header) == 512, len(header)
    return header + struct.pack(f"<{sector // 4}I", *fat) + directory + b"".join(bodies)


if __name__ == "__main__":
    (HERE / "bad").mkdir(exist_ok=True)
    main()
