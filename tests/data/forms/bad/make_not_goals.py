"""Write two documents that are not performance-goals tables, from the excerpts, for the refusal tests.

- ``shaoguan-allocation-2023.html``: shared/data/samples/guangdong-shaoguan-2023-transfer-allocation.txt
  (韶关市财政局, 2023年创建广东省基础教育高质量发展试验区奖补资金, 附件1 安排表,
  https://www.sg.gov.cn/zw/zdlyxxgk/czyjshsgjf/czzjzdjc/content/post_2616007.html): an allocation
  table (序号 | 地区 | 实施单位 | 项目内容 | 金额(万元) | 备注), no goals form; the excerpt ends where 附件2 starts.
- ``jiangsu-budget-2018.pdf``: shared/data/samples/jiangsu-prov-2017-2019-budgets-pdf-goal-sections.txt
  (江苏省人民检察院 2018年省检察院部门预算公开.pdf page 30): the narrative section on goals, no form.

Run from the repository root: ``.venv/bin/python tests/data/forms/bad/make_not_goals.py`` (needs reportlab).
"""

from __future__ import annotations

import html
from pathlib import Path

HERE = Path(__file__).resolve().parent

SHAOGUAN_ROWS = [
    ["序号", "地区", "实施单位", "项目内容", "金额 (万元)", "备注"],
    ["1", "仁化县", "仁化县教育局", "支持仁化县创建广东省义务教育优质均衡发展县。", "1000", ""],
    ["2", "始兴县", "始兴县教育局", "支持始兴县创建广东省学前教育普及普惠县。", "800", ""],
    ["3", "南雄市", "南雄市教育局", "支持南雄市创建广东省学前教育普及普惠县。", "800", ""],
    ["4", "新丰县", "新丰县教育局", "用于第四幼儿园城乡教育共同体建设。", "100", ""],
    ["5", "浈江区", "建国幼儿园", "用于建国幼儿园共同体成员园信息化建设及改善园所环境。", "100", ""],
    ["6", "武江区", "武江区教育局", "改善市九中天子岭校区办学条件。", "100", ""],
    ["7", "曲江区", "曲江中学", "教学区、办公区厕所改造。", "100", ""],
    ["", "合计", "", "", "3000", ""],
]

JIANGSU_LINES = [
    "（一）预算绩效目标设置情况说明",
    "2018 年本部门共 5 个项目实行绩效目标管理，涉及财政性资",
    "金合计 5,086 万元。",
    "（二）国有资本经营预算收支情况",
]


def shaoguan() -> str:
    rows = "\n".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in SHAOGUAN_ROWS)
    return ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>韶关市财政局</title></head><body>\n"
            "<!-- source: guangdong-shaoguan-2023-transfer-allocation.txt (shared/data/samples) -->\n"
            "<p>附件1</p>\n<p>2023年创建广东省基础教育高质量发展试验区奖补资金安排表</p>\n"
            f"<table border=\"1\">\n{rows}\n</table>\n<p>附件2</p>\n</body></html>\n")


def jiangsu() -> bytes:
    from io import BytesIO

    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buffer = BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    page.setFont("STSong-Light", 12)
    for i, line in enumerate(JIANGSU_LINES):
        page.drawString(72, 760 - 20 * i, line)
    page.showPage()
    page.save()
    return buffer.getvalue()


def main() -> None:
    (HERE / "shaoguan-allocation-2023.html").write_text(shaoguan(), encoding="utf-8")
    (HERE / "jiangsu-budget-2018.pdf").write_bytes(jiangsu())


if __name__ == "__main__":
    main()
