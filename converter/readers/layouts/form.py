"""Read per-project forms (项目支出绩效目标表, 绩效目标申报表) from a document's cell grid.

Nearly every government but Guangzhou publishes one form per project, as an
HTML table, a worksheet, a Word table or a ruled PDF table::

    项目支出绩效目标表
    (2025年度)
    项目名称        | 2025金安国际网球公开赛(国际系列赛事)
    主管部门及代码  | [042]六安市金安区体育局
    实施单位        | 六安市金安区体育局
    项目资金(万元)  | 年度资金总额: | 1000.00
                    | 其中:财政拨款 | 1000.00
                    | 其他资金      | 0.00
    年度目标        | 打造金安国际网球公开赛等一系列的品牌赛事…
    绩效指标 | 一级指标 | 二级指标 | 三级指标     | 指标值
             | 产出指标 | 数量指标 | 开展运动种类 | 1种
             |          |          | 打造品牌赛事种类 | 1种

The reader works on labels, not positions: a cell whose text is a known label
(:data:`LABELS`, in the spellings real forms use) takes the next cell of its
row as its value; the money block takes its unit from ``(万元)``/``(元)``; the
indicator grid is found by its header row and read by column names
(``一级指标 | 二级指标 | 三级指标 | 指标值``, ``指标内容``, ``指标值及单位``,
``年度指标值``/``实施周期指标值``, ``二级指标(长期)`` … ``指标值(年度)``,
``指标解释``, ``绩效标准``), its merged category cells filled down. A new form
starts at its title or at the next 项目名称. Anything else a form says is kept
as a :class:`~converter.records.Field`; text outside every form is kept as a
note on the table: nothing is dropped silently.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from ...categories import LEVEL1, classify
from ...indicators import target_of
from ...money import Amount, AmountError, parse_amount, unit_of_label
from ...records import (
    AMOUNT_UNIT, Amounts, Department, Field, Goal, Indicator, Problem, Project, Table, Target, Unit,
)

from ...text import fold
from .labels import FormHead, Row, coded, label_key, money_line, one_line, rows, target_text
from ..grid import Block, Cell, Document, Grid

#: Every problem code of this reader, with its severity (``docs/errors.md``).
PROBLEM_CODES: dict[str, str] = {
    "form-without-name": "error",
    "form-without-money": "warning",
    "form-without-indicators": "warning",
    "form-department-missing": "warning",
    "form-year-missing": "error",
    "text-outside-forms": "info",
    "category-refiled": "info",
    "unknown-category": "warning",
    "category-only-row": "info",
    "header-shifted": "warning",
    "bad-amount": "error",
    "foreign-digits": "error",
    "full-width-digits": "info",
    "amount-unit": "info",
    "indicator-name-number": "warning",
    "indicator-without-name": "info",
}


class FormError(ValueError):
    """The document holds no form perfkg can read."""

    def __init__(self, file: str, where: str, message: str) -> None:
        super().__init__(f"{file}:{where}: {message}")
        self.file, self.line, self.where, self.message = file, 0, where, message


# -- labels --------------------------------------------------------------------

#: Folded label → what it names. Folding (:func:`_key`) drops white space,
#: ``其中``, colons, ``(盖章)`` and length hints such as ``(450字内)``.
LABELS: dict[str, str] = {
    # 广东 2021 省级专项资金: 资金名称 heads 战略领域 | 财政事权 | 政策任务; the task is the project.
    **dict.fromkeys(["项目名称", "资金名称", "专项名称", "政策任务"], "name"),
    **dict.fromkeys(
        ["主管部门", "主管部门及代码", "主管部门及编码", "主管部门名称", "预算部门", "主管部门(单位)名称及部门预算编码",
         "主管部门(单位)名称", "省级业务主管部门", "部门名称", "主管单位"],
        "department",
    ),
    **dict.fromkeys(["主管部门编码", "部门预算编码", "部门编码"], "department-code"),
    **dict.fromkeys(
        ["实施单位", "项目实施单位", "项目执行单位", "资金使用单位", "项目单位", "申报单位", "申报单位名称", "填报单位", "执行单位"],
        "unit",
    ),
    **dict.fromkeys(["项目期", "项目支出实施期", "实施期", "项目起止时间", "实施周期", "项目实施期", "起止时间", "项目周期"], "period"),
    "开始时间": "period-start",
    **dict.fromkeys(["结束时间", "完成时间"], "period-end"),
    **dict.fromkeys(["年度目标", "本年度绩效目标", "年度绩效目标", "当年绩效目标", "年度总体目标"], "goal:annual"),
    "总体目标": "goal:overall",
    "中期目标": "goal:mid-term",
    **dict.fromkeys(["长期目标", "实施期绩效目标", "实施期目标", "实施周期目标"], "goal:period"),
    **dict.fromkeys(["绩效目标", "项目绩效目标"], "goal:stated"),
    **dict.fromkeys(["项目资金", "资金情况", "项目资金申请", "资金总额及构成", "资金需求", "项目预算", "资金来源"], "money"),
}

#: Labels of a form perfkg keeps as fields (``pk:sourceField``), not modelled further.
FIELD_LABELS: frozenset[str] = frozenset([
    "项目来源", "项目属性", "项目类型", "项目类别", "项目性质", "项目负责人", "项目责任人", "联系电话", "立项依据", "项目概况",
    "单位职能概述", "资金用途", "用途范围", "补助区域", "战略领域", "财政事权", "政策任务", "资金类型", "项目立项情况",
    "项目立项的依据", "项目申报的可行性", "项目申报的必要性", "项目实施进度计划", "保障绩效目标实现措施", "单位(盖章)",
    "主管部门审核意见", "项目实施内容", "项目预算成本构成",
])


#: Grid header cells (folded, group suffix removed) → column role.
GRID_COLUMNS: dict[str, str] = {
    **dict.fromkeys(["一级指标", "一级绩效指标"], "level1"),
    **dict.fromkeys(["二级指标", "二级绩效指标"], "level2"),
    **dict.fromkeys(["三级指标", "三级指标名称", "指标内容", "指标名称", "三级绩效指标", "绩效指标名称"], "name"),
    # 龙岩 2023 prints its target column "区域目标质" (sic, for 区域目标值).
    **dict.fromkeys(["指标值", "指标值及单位", "目标值", "绩效指标值", "预期目标值", "区域目标值", "区域目标质"], "target:stated"),
    **dict.fromkeys(["年度指标值", "年度目标值", "当年预期实现值", "本年度指标值", "年度预期指标值"], "target:annual"),
    **dict.fromkeys(["实施周期指标值", "实施周期目标值", "长期指标值", "中长期指标值", "实施期指标值"], "target:period"),
    "指标解释": "explanation",
    **dict.fromkeys(["绩效标准", "指标值确定依据"], "standard"),
    "计量单位": "unit",
    "计算符号": "computation",
}

_TITLE = re.compile(r"绩效目标(?:申报)?表")
_SELF_EVALUATION = re.compile(r"绩效自评")
_YEAR_IN_TITLE = re.compile(r"((?:19|20)\d{2})\s*年")
_YEAR_LINE = re.compile(r"^[(（]?\s*((?:19|20)\d{2})\s*年度?\s*[)）]?$")
_UNIT_HINT = re.compile(r"[(（](?:万元|元|亿元)[)）]")
_INDICATOR_NUMBER = re.compile(r"^指标\s*\d+\s*[:：]\s*")
_GROUP = re.compile(r"[(（](长期|年度|实施期|当年)[)）]$")
_SECTION = re.compile(r"^(长期|年度|实施期|中期)绩效指标$|^项目年度绩效目标衡量指标$")


@dataclass
class _Money:
    key: str  # "total" or a slug
    annual: bool
    label: str
    text: str
    where: str


@dataclass
class _Grid:
    """The column map of an indicator grid: role → column, per group (one or two target sets)."""

    groups: list[dict[str, int]]  # each: role → column; a target role is "target:<kind>"
    extra: dict[int, str]  # other columns: column → header text
    level1: int | None
    header_ordinal: int
    block: Grid
    previous: dict[int, str] = field(default_factory=dict)  # column → last non-empty text (fill-down)


@dataclass
class _Form(FormHead):
    department_where: str = ""
    unit_where: str = ""
    period: str = ""
    period_parts: list[str] = field(default_factory=list)
    goals: list[Goal] = field(default_factory=list)
    money: list[_Money] = field(default_factory=list)
    money_unit: str = AMOUNT_UNIT
    indicators: list[Indicator] = field(default_factory=list)
    fields: list[Field] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    grid: _Grid | None = None
    last_grid: _Grid | None = None
    column_heads: dict[int, tuple[str, str]] | None = None  # column → (role, label) of a row of column labels
    columns_of: dict[int, int] | None = None  # transposed indicators: column → index in indicators
    section: str = ""  # "period"/"annual" from a 长期绩效指标/年度绩效指标 row
    grids_seen: int = 0
    last: int = 0


class _Reader:
    def __init__(self, doc: Document, department: str | None, year: int | None) -> None:
        self.doc, self.file = doc, doc.file
        self.forced_department, self.forced_year = department, year
        self.forms: list[_Form] = []
        self.form: _Form | None = None
        self.pending_title: tuple[str, int | None, int] | None = None  # a title seen before its form's first label
        self.outside: list[Problem] = []

    def problem(self, target: list[Problem], ordinal: int, where: str, code: str, message: str, found: str = "") -> None:
        target.append(Problem(self.file, ordinal, code, message, found, PROBLEM_CODES[code], where))

    # -- rows --

    def run(self, blocks: Iterable[Block]) -> None:
        for row in rows(blocks):
            self.row(row)
        self.close()

    def row(self, row: Row) -> None:
        texts = [label_key(c.text) for c in row.distinct]
        if len(row.distinct) == 1 and self.title(row, row.distinct[0].text, texts[0]):
            return
        form = self.form
        if form is not None and form.grid is not None:
            if self.grid_continues(row, texts):
                self.indicator_row(row)
                return
            form.grid = None
        if (header := self.grid_header(row)) is not None:
            form = self.current(row)
            form.grid, form.last_grid, form.grids_seen = header, header, form.grids_seen + 1
            form.last = row.ordinal
            return
        if form is not None and self.transposed(form, row, texts):
            return
        if form is not None and self.resumes_grid(row, texts):
            form.grid = form.last_grid
            self.indicator_row(row)
            return
        if "name" in [LABELS.get(t) for t in texts] and form is not None and form.name:
            self.start(row)  # a form without a title between it and the previous one
        if self.form is None and self.pending_title is None and not any(
                t in LABELS or _split_label(c.text) for t, c in zip(texts, row.distinct)):
            self.outside_text(row)
            return
        self.labels(row, texts)

    def transposed(self, form: _Form, row: Row, texts: list[str]) -> bool:
        """Indicators as columns (广东 2021): a 三级指标 row of names, then 年度目标值 / 实施周期目标值 rows.

        No category is printed for them, so none is given; a value under a
        column without a name is kept as a field, with a note.
        """
        if row.grid is None or not row.distinct:
            return False
        first = texts[0]
        role = GRID_COLUMNS.get(first)
        if role == "name" and len(row.distinct) >= 2:
            form.columns_of = {}
            for cell in row.distinct[1:]:
                indicator = Indicator(sequence=0, name=one_line(cell.text), level1_code=None, level1_label=None,
                                      level2_code=None, level2_label=None, period_target=None, annual_target=None,
                                      source_text=cell.text.strip(), where=cell.where)
                form.indicators.append(_renumber(indicator, len(form.indicators) + 1))
                form.columns_of[cell.col] = len(form.indicators) - 1
            form.last = row.ordinal
            return True
        if form.columns_of is None or role is None or not role.startswith("target:"):
            form.columns_of = None if role is None or not role.startswith("target:") else form.columns_of
            return False
        kind = {"stated": "stated_target", "annual": "annual_target", "period": "period_target"}[role[7:]]
        for cell in row.distinct[1:]:
            index = form.columns_of.get(cell.col)
            if index is None:
                form.fields.append(Field(f"{row.distinct[0].text.strip()} (column without an indicator name)", cell.text.strip(), cell.where))
                self.problem(form.problems, row.ordinal, cell.where, "indicator-without-name",
                             "a target under a column with no indicator name; kept as a field", cell.text.strip())
                continue
            from dataclasses import replace
            form.indicators[index] = replace(form.indicators[index], **{kind: target_of(one_line(cell.text))})
        form.last = row.ordinal
        return True

    def resumes_grid(self, row: Row, texts: list[str]) -> bool:
        """A grid cut by a page break goes on in the next table (a PDF's next page) with the same columns."""
        form = self.form
        assert form is not None
        last = form.last_grid
        if last is None or row.grid is None or row.grid is last.block or row.grid.width != last.block.width:
            return False
        if form.last != row.ordinal - 1 and not (row.cells and row.cells[0].row == 0):
            return False
        return not any(self.role(t, form) for t in texts) and not any(t.startswith("注") for t in texts)

    def title(self, row: Row, text: str, folded: str) -> bool:
        """A title row (``…项目支出绩效目标申报表``) or the year under it (``(2025年度)``).

        A page may print two titles, the page's and the form's
        (``金寨经济开发区2021年度项目支出绩效目标申报表`` then
        ``项目支出绩效目标申报表``): the one with the year is kept.
        """
        if (match := _YEAR_LINE.match(folded)) is not None:
            year = int(match[1])
            if self.pending_title is not None:
                text0, year0, first = self.pending_title
                self.pending_title = (text0, year0 or year, first)
            elif self.form is not None and self.form.year is None:
                self.form.year = year
            else:
                self.pending_title = ("", year, row.ordinal)
            return True
        if len(folded) > 60 or not _TITLE.search(folded) or _SELF_EVALUATION.search(folded):
            return False
        found = _YEAR_IN_TITLE.search(folded)
        year = int(found[1]) if found else None
        if self.form is not None and self.form.name:
            self.close_form()  # the next form's title
        if self.pending_title is None:
            self.pending_title = (one_line(text), year, row.ordinal)
        else:
            text0, year0, first = self.pending_title
            if not text0 or (year and not year0):
                self.pending_title = (one_line(text), year or year0, first)
        return True

    def current(self, row: Row) -> _Form:
        if self.form is None:
            self.start(row)
        assert self.form is not None
        return self.form

    def start(self, row: Row) -> None:
        self.close_form()
        form = _Form(first=row.ordinal, page=row.page, where=row.where)
        if self.pending_title is not None:
            form.title, form.year, form.first = self.pending_title[0], self.pending_title[1], self.pending_title[2]
            self.pending_title = None
        elif self.forms:
            form.title, form.year = self.forms[-1].title, self.forms[-1].year
        self.form = form
        self.forms.append(form)

    def outside_text(self, row: Row) -> None:
        text = " | ".join(c.text.strip() for c in row.distinct)
        self.problem(self.outside, row.ordinal, row.where, "text-outside-forms", "text outside any form; kept as a note on the table", text)

    # -- label/value pairs --

    def labels(self, row: Row, texts: list[str]) -> None:
        """Label/value pairs: a label cell takes the next cell of its row when that is no label."""
        form = self.current(row)
        form.last = row.ordinal
        # A cell merged down from the row above ("项目资金(万元)" over its three
        # money lines, "总体目标" over 中期/年度) was read on its own row.
        pairs = [(c, t) for c, t in zip(row.distinct, texts) if c.origin is None or c.origin[0] == c.row]
        if self.column_labels(form, row, pairs):
            return
        i = 0
        while i < len(pairs):
            cell, key = pairs[i]
            role = self.role(key, form)
            if role is None and (split := _split_label(cell.text)) is not None:
                label, value = split
                self.assign(form, self.role(label_key(label), form) or "field", label, value, cell.where)
                i += 1
                continue
            nxt = pairs[i + 1] if i + 1 < len(pairs) else None
            free = nxt is not None and self.role(nxt[1], form) is None and _split_label(nxt[0].text) is None
            if role is None:
                if cell.text.strip().endswith((":", "：")) or (len(pairs) == 2 and i == 0):
                    role = "field"  # "项目责任人:" | …, or "项目来源" | "本级申报项目"
                else:
                    form.fields.append(Field("", cell.text.strip(), cell.where))
                    i += 1
                    continue
            value = nxt[0] if free and nxt is not None else None
            self.assign(form, role, cell.text, value.text if value else "", value.where if value else cell.where)
            i += 2 if value is not None else 1

    def column_labels(self, form: _Form, row: Row, pairs: list[tuple[Cell, str]]) -> bool:
        """Labels that head columns, their values in the row below (广东 2021: 省级业务主管部门 | 资金类型 | 实施周期).

        A row of labels only (two or more, no free text) waits for the next row
        without labels; each of that row's cells takes the label of its column.
        A label row under a label row (资金名称 over 战略领域 | 财政事权 | 政策任务)
        replaces the labels of its columns.
        """
        roles = [self.role(t, form) for _, t in pairs]
        if len(pairs) >= 2 and all(roles):
            heads = form.column_heads if form.column_heads is not None else {}
            for (cell, _), role in zip(pairs, roles):
                heads[cell.col] = (role or "field", cell.text)
            form.column_heads = heads
            return True
        heads = form.column_heads
        if heads is None or row.grid is None or any(roles):
            form.column_heads = None
            return False
        for cell, _ in pairs:
            if cell.col in heads:
                role, label = heads[cell.col]
                self.assign(form, role, label, cell.text, cell.where)
            else:
                form.fields.append(Field("", cell.text.strip(), cell.where))
        form.column_heads = None
        return True

    def role(self, key: str, form: _Form) -> str | None:
        if not key:
            return None
        if key in LABELS:
            return LABELS[key]
        stripped = _UNIT_HINT.sub("", key)
        if stripped in LABELS and LABELS[stripped] == "money":
            return "money"
        if money_line(key) is not None:
            return "money-line"
        if _MONEY_YEAR.fullmatch(key):
            return "money-year"  # 广东 2021: "2021年金额" over the year's money
        if LABELS.get(key) is None and key in FIELD_LABELS:
            return "field"
        return None

    def assign(self, form: _Form, role: str, label: str, value: str, value_where: str) -> None:
        text = value.strip()
        if role == "name":
            if not form.name:
                form.name, form.name_where = one_line(text), value_where
            else:
                form.fields.append(Field(label.strip(), text, value_where))
        elif role == "department":
            code, name = coded(text)
            if name:
                form.department, form.department_where = name, value_where
                form.department_code = form.department_code or code
        elif role == "department-code":
            if text:
                form.department_code = text
            form.fields.append(Field(label.strip(), text, value_where))
        elif role == "unit":
            code, name = coded(text)
            if name and not form.unit:
                form.unit, form.unit_where = name, value_where
                if code:
                    form.fields.append(Field(label.strip(), text, value_where))
            elif text:
                form.fields.append(Field(label.strip(), text, value_where))
        elif role == "period":
            form.period = form.period or one_line(text)
        elif role in ("period-start", "period-end"):
            if text and LABELS.get(label_key(text)) not in ("period-start", "period-end"):
                form.period_parts.append(one_line(text))
        elif role.startswith("goal:"):
            if text:
                form.goals.append(Goal(role[5:], text, value_where))
        elif role == "money":
            unit = unit_of_label(label)
            if unit:
                form.money_unit = unit
            if text and money_line(label_key(text)) is None:
                form.fields.append(Field(label.strip(), text, value_where))
        elif role == "money-year":
            if form.year is None:
                form.year = int(_MONEY_YEAR.fullmatch(label_key(label))[1])  # type: ignore[index]
            if (glued := _glued_money(text)) is not None:
                key, annual, line_label, amount = glued
                form.money.append(_Money(key, True, line_label, amount, value_where))
            elif text:
                form.fields.append(Field(label.strip(), text, value_where))
        elif role == "money-line":
            key, annual = money_line(label_key(label)) or ("", False)
            form.money.append(_Money(key, annual, label.strip(), text, value_where))
        else:
            form.fields.append(Field(label.strip(), text, value_where))

    # -- the indicator grid --

    def grid_header(self, row: Row) -> _Grid | None:
        if row.grid is None:
            return None
        groups: dict[str, dict[str, int]] = {}
        extra: dict[int, str] = {}
        level1: int | None = None
        form = self.form
        section = form.section if form is not None else ""
        for cell in row.cells:  # 宁乡 2021: "长期绩效指标"/"年度绩效指标" merged down the left of each grid
            if (match := _SECTION.match(label_key(cell.text))) is not None and match[1]:
                section = "period" if match[1] in ("长期", "实施期", "中期") else "annual"
        found: set[str] = set()
        for cell in row.cells:
            if not cell.text.strip() or (cell.origin is not None and cell.origin != (cell.row, cell.col) and cell.origin[0] != cell.row):
                continue
            key = label_key(cell.text)
            group_match = _GROUP.search(key)
            group = {"长期": "period", "实施期": "period", "年度": "annual", "当年": "annual"}[group_match[1]] if group_match else ""
            base = _GROUP.sub("", key)
            role = GRID_COLUMNS.get(base)
            if role is None:
                if cell.origin is None or cell.origin[1] == cell.col:
                    extra[cell.col] = cell.text.strip()
                continue
            found.add(role.split(":")[0])
            if role == "level1":
                level1 = cell.col if level1 is None else level1
                continue
            if role == "target:stated" and (group or section):
                role = f"target:{group or section}"
            slot = groups.setdefault(group, {})
            slot.setdefault(role, cell.col)
        if not ({"level1", "level2"} & found) or not ({"name", "target"} & found) or len(found) < 3:
            return None
        ordered = [groups[g] for g in sorted(groups, key=lambda g: ("", "period", "annual").index(g))]
        assert row.grid is not None
        grid = _Grid(ordered, {c: t for c, t in extra.items() if c not in _used(ordered) and c != level1}, level1, row.ordinal, row.grid)
        for g in grid.groups:
            if "name" not in g and "level2" in g:
                # 鄂州: "一级指标 | 二级指标 | 绩效标准 | 当年预期实现值" over rows of level-2 names and
                # indicator names: the header is one level off. Read it one level down.
                g["name"] = g.pop("level2")
                if grid.level1 is not None:
                    g["level2"], grid.level1 = grid.level1, None
                where = row.where
                target = form.problems if form is not None else self.outside
                self.problem(target, row.ordinal, where, "header-shifted",
                             "the grid header has no 三级指标 column and its 一级/二级 columns hold level-2 and indicator names; "
                             "read one level down", " | ".join(c.text.strip() for c in row.distinct))
        return grid

    def grid_continues(self, row: Row, texts: list[str]) -> bool:
        """Whether a row is more of the current indicator grid (not a label, a title or a note)."""
        form = self.form
        assert form is not None and form.grid is not None
        if any(LABELS.get(t) in ("name", "department", "unit") for t in texts):
            return False
        first_is_own = bool(row.distinct) and row.distinct[0].is_origin  # not "长期绩效指标" merged down beside the grid
        if texts and first_is_own and (texts[0].startswith("注") or _SECTION.match(texts[0])):
            if _SECTION.match(texts[0]):
                form.section = "period" if texts[0].startswith(("长期", "实施期", "中期")) else "annual"
            return False
        if self.grid_header(row) is not None:
            return False
        if row.grid is None:
            return False
        return True

    def indicator_row(self, row: Row) -> None:
        form = self.form
        assert form is not None and form.grid is not None
        grid = form.grid
        form.last = row.ordinal
        by_col = {c.col: c for c in row.cells}

        def text(col: int | None, fill: bool = False) -> str:
            if col is None:
                return ""
            cell = by_col.get(col)
            value = one_line(cell.text) if cell is not None else ""
            if fill:
                if value:
                    grid.previous[col] = value
                else:
                    value = grid.previous.get(col, "")
            return value

        level1 = text(grid.level1, fill=True)
        made: list[Indicator] = []
        used_cols: set[int] = set()
        for group in grid.groups:
            used_cols.update(group.values())
            level2 = text(group.get("level2"), fill=True)
            name = text(group.get("name"))
            targets = {role[7:]: text(col) for role, col in group.items() if role.startswith("target:")}
            if not name and not any(targets.values()):
                continue
            made.append(self.indicator(form, row, level1, level2, name, targets, group, by_col))
        if grid.level1 is not None:
            used_cols.add(grid.level1)
        extras = tuple(
            Field(grid.extra[col], by_col[col].text.strip(), by_col[col].where)
            for col in sorted(grid.extra) if col in by_col and by_col[col].text.strip() and by_col[col].is_origin
        )
        if not made:
            shown = " | ".join(c.text.strip() for c in row.distinct)
            self.problem(form.problems, row.ordinal, row.where, "category-only-row", "grid row names a category but no indicator; not an indicator", shown)
            if extras:
                form.fields.extend(extras)
            return
        if len(made) == 2 and made[0].name == made[1].name:
            a, b = made
            made = [_merge(a, b)]
        for i, indicator in enumerate(made):
            if i == 0 and extras:
                indicator = _with_fields(indicator, extras)
            self.add_indicator(form, indicator)

    def indicator(self, form: _Form, row: Row, level1: str, level2: str, name: str, targets: dict[str, str],
                  group: dict[str, int], by_col: dict[int, Cell]) -> Indicator:
        def cell_text(role: str) -> str:
            col = group.get(role)
            return one_line(by_col[col].text) if col is not None and col in by_col else ""

        classified = classify(level1, level2)
        where = row.where
        if classified.note:
            self.problem(form.problems, row.ordinal, where, "category-refiled", classified.note, f"{level1} | {level2}")
        elif level1 and classified.level1 is None:
            self.problem(form.problems, row.ordinal, where, "unknown-category", "level-1 category outside the national framework; kept as printed", level1)
        if re.fullmatch(r"\d+(?:\.\d+)?", name):
            self.problem(form.problems, row.ordinal, where, "indicator-name-number",
                         "the indicator's name is a number (a template's columns filled with points?); kept as printed", name)
        unit, computation = cell_text("unit"), cell_text("computation")
        built: dict[str, Target | None] = {"stated": None, "annual": None, "period": None}
        for kind, value in targets.items():
            if value:
                built[kind] = target_of(target_text(value, computation, unit))
        clean = _INDICATOR_NUMBER.sub("", name)
        level1_label = level1 or (LEVEL1.get(classified.level1 or "", "") if level1 else "")
        return Indicator(
            sequence=0,
            name=clean,
            level1_code=classified.level1,
            level1_label=level1_label or None,
            level2_code=classified.level2,
            level2_label=level2 or None,
            period_target=built["period"],
            annual_target=built["annual"],
            stated_target=built["stated"],
            source_text=" | ".join(c.text.strip() for c in row.distinct),
            unit_of_measure=unit,
            explanation=cell_text("explanation"),
            standard=cell_text("standard"),
            computation=computation,
            where=where,
        )

    def add_indicator(self, form: _Form, indicator: Indicator) -> None:
        """Add an indicator; one the form already has under the same categories gains the other target."""
        for i, old in enumerate(form.indicators):
            if (old.name, old.level1_code, old.level2_code) == (indicator.name, indicator.level1_code, indicator.level2_code) \
                    and _complementary(old, indicator):
                form.indicators[i] = _merge(old, indicator)
                return
        form.indicators.append(_renumber(indicator, len(form.indicators) + 1))

    # -- the end --

    def close_form(self) -> None:
        self.form = None

    def close(self) -> None:
        self.close_form()


def _used(groups: list[dict[str, int]]) -> set[int]:
    return {col for g in groups for col in g.values()}


def _split_label(text: str) -> tuple[str, str] | None:
    """``申报单位名称:上海市同舟服务中心`` → (label, value) when the part before the colon is a label."""
    match = re.match(r"^\s*([^:：]{2,20}?)\s*[:：]\s*(\S.*)$", text, re.S)
    if match is None:
        return None
    key = label_key(match[1])
    if key in LABELS or money_line(key) is not None:
        return match[1], match[2].strip()
    return None


_MONEY_YEAR = re.compile(r"((?:19|20)\d{2})年度?(?:金额|预算|预算数|资金)")
_GLUED = re.compile(r"^(?P<label>[^\d０-９:：]+?)[:：]?\s*(?P<amount>[\d０-９][\d０-９,，.．]*\s*(?:万元|亿元|万|元)?)$")


def _glued_money(text: str) -> tuple[str, bool, str, str] | None:
    """``一般公共预算安排77300万元``: a money line's label and its amount in one cell."""
    match = _GLUED.match(one_line(text))
    if match is None:
        return None
    line = money_line(label_key(match["label"]))
    if line is None:
        return None
    return line[0], line[1], match["label"].strip(), match["amount"].strip()


def _complementary(a: Indicator, b: Indicator) -> bool:
    return all(x is None or y is None for x, y in (
        (a.period_target, b.period_target), (a.annual_target, b.annual_target), (a.stated_target, b.stated_target)))


def _merge(a: Indicator, b: Indicator) -> Indicator:
    from dataclasses import replace
    return replace(
        a,
        period_target=a.period_target or b.period_target,
        annual_target=a.annual_target or b.annual_target,
        stated_target=a.stated_target or b.stated_target,
        source_text=a.source_text if a.source_text == b.source_text else f"{a.source_text}\n{b.source_text}",
        fields=a.fields + b.fields,
    )


def _renumber(indicator: Indicator, sequence: int) -> Indicator:
    from dataclasses import replace
    return replace(indicator, sequence=sequence)


def _with_fields(indicator: Indicator, fields: tuple[Field, ...]) -> Indicator:
    from dataclasses import replace
    return replace(indicator, fields=indicator.fields + fields)


# -- forms → records -----------------------------------------------------------


def read_forms(
    doc: Document, *, department: str | None = None, year: int | None = None, encoding: str = "utf-8",
    blocks: Iterable[Block] | None = None,
) -> Table:
    """Read every form of a document into a :class:`~converter.records.Table`.

    ``department`` names the 主管部门 for forms that print none (or overrides
    the printed one); ``year`` the fiscal year for forms whose title gives none.
    Raises :class:`FormError` when the document holds no form at all.
    """
    reader = _Reader(doc, department, year)
    reader.run(doc.blocks if blocks is None else blocks)
    table = Table(file=doc.file, sha256=doc.sha256, encoding=encoding, format=doc.format)
    # What the container says (a macro project, a formula without a value …): on the first table (line 1).
    for where, code, message, found in doc.notes:
        table.problems.append(Problem(doc.file, 1, code, message, found, "info", where))
    forms = [f for f in reader.forms if f.name or f.money or f.indicators or f.department]
    if not forms:
        hint = " (a 绩效自评表? perfkg reads performance-goals forms)" if any(
            _SELF_EVALUATION.search(p.found) for p in reader.outside) else ""
        raise FormError(doc.file, reader.outside[0].where if reader.outside else "1",
                        "no performance-goals form found: expected a title '…绩效目标表' and label cells such as 项目名称, "
                        f"主管部门, 项目资金 and an indicator grid 一级指标 | 二级指标 | 三级指标 | 指标值{hint}")
    table.problems.extend(reader.outside)
    departments: dict[tuple[str, int], Department] = {}
    for form in forms:
        project_unit = _record(reader, table, form, departments)
        if project_unit is None:
            continue
    table.departments = list(departments.values())
    if not table.departments:
        why = next((p for p in table.problems if p.severity == "error"), None)
        reason = f"{why.message} [{why.code}]" if why else "no form could be converted"
        raise FormError(doc.file, why.where if why else forms[0].where, f"no form could be converted: {reason}")
    _share_lines(table)
    return table


def _record(reader: _Reader, table: Table, form: _Form, departments: dict[tuple[str, int], Department]) -> Project | None:
    """The form's project, filed under its department and unit; None (the form's text kept as problems) when refused."""
    year = reader.forced_year or form.year or _year_of(form.period or " ".join(form.period_parts))
    name = reader.forced_department or form.department or form.unit
    refusal = _refusal(table.file, form, year, name)
    if refusal is not None or year is None:
        table.problems.extend([*form.problems, *([refusal] if refusal else [])])
        return None
    problems = form.problems
    if not (reader.forced_department or form.department):
        problems.append(Problem(table.file, form.first, "form-department-missing",
                                "form names no 主管部门; its 实施单位 is taken as the department (give --department to name it)",
                                name, "warning", form.where))
    department, unit = _department_and_unit(form, name, year, departments)
    amounts = _amounts(reader, form)
    problems.extend(_gaps(table.file, form))
    project = Project(
        name=form.name, amounts=amounts, line=form.first, page=form.page or 1, raw="", canonical=True,
        where=form.name_where, goal="", indicator_text="", indicators=list(form.indicators), problems=problems,
        goals=tuple(form.goals), period=form.period or "-".join(form.period_parts), fields=tuple(form.fields),
    )
    unit.projects.append(project)
    department.lines = (department.lines[0] or form.first, max(department.lines[1], form.last))
    return project


def _refusal(file: str, form: _Form, year: int | None, department: str) -> Problem | None:
    """Why a form cannot be converted (no 项目名称, no year, no department), or None."""
    if not form.name:
        text = "; ".join(f"{f.label} {f.value}".strip() for f in form.fields[:8])
        return Problem(file, form.first, "form-without-name",
                       "form has no 项目名称 (an empty template?); not converted, its text kept here", text, "error", form.where)
    if year is None:
        return Problem(file, form.first, "form-year-missing",
                       "form states no year (title, (2025年度), 项目期); not converted: give --year", form.name, "error", form.where)
    if not department:
        return Problem(file, form.first, "form-department-missing",
                       "form names no 主管部门 and no 实施单位; not converted: give --department", form.name, "error", form.where)
    return None


def _department_and_unit(form: _Form, name: str, year: int,
                         departments: dict[tuple[str, int], Department]) -> tuple[Department, Unit]:
    """The department (one per folded name and year, across the document's forms) and the unit the form belongs to."""
    key = (fold(name), year)
    department = departments.get(key)
    if department is None:
        department = Department(name=name, year=year, title=form.title or f"{name}{year}年项目支出绩效目标表",
                                unit_of_amounts=form.money_unit, total=None, first_line=form.first, pages=1,
                                code=form.department_code, layout="form", where=form.department_where or form.where)
        departments[key] = department
    unit_name = form.unit or name
    unit = next((u for u in department.units if u.name == unit_name), None)
    if unit is None:
        unit = Unit(name=unit_name, amounts=Amounts(None, ()), line=form.first, page=form.page or 1, raw="",
                    canonical=True, where=form.unit_where or form.where)
        department.units.append(unit)
    return department, unit


def _gaps(file: str, form: _Form) -> list[Problem]:
    """Warnings for a form without money or without indicators (often a document cut short)."""
    gaps = []
    if not form.money:
        gaps.append(Problem(file, form.first, "form-without-money",
                            "form states no money (年度资金总额, 财政拨款 …); the project has no amounts (a cut document?)",
                            form.name, "warning", form.where))
    if not form.indicators:
        gaps.append(Problem(file, form.first, "form-without-indicators",
                            "form has no indicator grid (一级指标 | 二级指标 | 三级指标 | 指标值); a cut document?",
                            form.name, "warning", form.where))
    return gaps


def _amounts(reader: _Reader, form: _Form) -> Amounts:
    """The form's money by kind, exactly in 万元, with the text as printed where it differs."""
    values: dict[str, object] = {}
    printed: list[tuple[str, str]] = []
    for key, line in _chosen_lines(form).items():
        amount = _amount(reader.file, form, line) if line.text else None
        if amount is None:
            continue
        values[key] = amount.value
        if amount.unit not in ("万元", "万") or amount.text != _canonical(amount.value):
            printed.append((key, amount.text))
    by_source = tuple((slug, values[slug]) for slug in _source_order(values) if slug != "total")
    printed_unit = form.money_unit if form.money_unit != "万" else "万元"
    return Amounts(values.get("total"), by_source, printed_unit, tuple(printed))  # type: ignore[arg-type]


def _chosen_lines(form: _Form) -> dict[str, _Money]:
    """One money line per kind: an annual one (年度/当年/本年) wins over a plain one; the others become fields."""
    chosen: dict[str, _Money] = {}
    for line in form.money:
        old = chosen.get(line.key)
        if old is None or (line.annual and not old.annual):
            if old is not None:
                form.fields.append(Field(old.label, old.text, old.where))
            chosen[line.key] = line
        else:
            form.fields.append(Field(line.label, line.text, line.where))
    return chosen


def _amount(file: str, form: _Form, line: _Money) -> Amount | None:
    """One money line's amount, or None (the cell kept as a field, an error said) when it is not one."""
    text = line.text
    if (part := _AMOUNT_WITH_NOTE.match(text)) is not None:
        # 宁乡 2021: "6923.3552万元(其中:上级财政资金:6923.3552万元;本级财政:0万元)": the amount, and its breakdown as a field
        text = part[1]
        form.fields.append(Field(line.label, line.text, line.where))
    try:
        amount = parse_amount(text, form.money_unit)
    except AmountError as err:
        form.problems.append(Problem(file, form.first, err.code if err.code in PROBLEM_CODES else "bad-amount",
                                     f"{line.label} is not an amount ({err.message}); the cell is kept as a field",
                                     line.text, "error", line.where))
        form.fields.append(Field(line.label, line.text, line.where))
        return None
    if amount.full_width:
        form.problems.append(Problem(file, form.first, "full-width-digits", f"{line.label} is written in full-width digits; read as digits",
                                     line.text, "info", line.where))
    if amount.unit not in ("万元", "万"):
        form.problems.append(Problem(file, form.first, "amount-unit",
                                     f"{line.label} is printed in {amount.unit}; converted exactly to 万元", line.text, "info", line.where))
    return amount


_AMOUNT_WITH_NOTE = re.compile(r"^\s*([0-9０-９][0-9０-９,，.．]*\s*(?:万元|亿元|万|元)?)\s*[(（].*[)）]\s*$", re.S)


def _source_order(values: dict[str, object]) -> list[str]:
    from ...records import FUNDING_SOURCE_LABELS
    return [slug for slug in FUNDING_SOURCE_LABELS if slug in values]


def _canonical(value) -> str:
    return f"{value:,.2f}"


def _year_of(text: str) -> int | None:
    match = re.search(r"((?:19|20)\d{2})", text)
    return int(match[1]) if match else None


def _share_lines(table: Table) -> None:
    """Give each department the ordinals of its forms, the first from the top (stray text before it)."""
    for index, department in enumerate(table.departments):
        first, last = department.lines
        department.lines = (1 if index == 0 else first, last if index + 1 < len(table.departments) else 10**9)
