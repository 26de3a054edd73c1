"""Read self-evaluation forms (项目支出绩效自评表, 财政项目支出绩效自评表) from a document's cell grid.

A year after its goals form, a project's unit publishes what it achieved::

    项目支出绩效自评表
    (2022年度)
    项目名称 | 委托业务项目
    主管部门 | 219-池州市贵池区棠溪镇人民政府 | 实施单位 | 219001-池州市贵池区棠溪镇人民政府
    项目资金 | 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分
    (万元)   | 年度资金总额: | 0 | 0 | 0 | 10 | 0 | 0
             | 其中:本年财政拨款 | 90 | 89.974 | 89.974 | | |
             | 上年结转资金 | … | 其他资金 | …
    年度总体目标 | 预期目标 | 实际完成情况
                 | 本项目共申请预算资金90万元 … | 本项目共完成预算资金89.97万元 …
    绩效指标 | 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施
             | 产出指标(50分) | 数量指标 | 基建工程委托业务项目数量 | ≥50个 | 50 | 8 | 8 |
    总分 | | | | | | 100 | 98.62 |

As in :mod:`.form`, the reader works on labels and column names, not on
positions: 项目名称 / 主管部门 / 实施单位 take the next cell of their row; the
money block is read by its header (年初预算数 | 全年预算数 | 全年执行数 | 分值 |
执行率 | 得分) and its row labels (年度资金总额, 其中:当年财政拨款 or 本年财政拨款,
上年结转资金, 其他资金), in the unit ``项目资金(万元)``/``(元)`` states; the
indicator grid by its header, categories merged (or left empty) downwards.
Every cell's text is kept: each figure as printed beside its value, every
other cell as a :class:`~converter.records.Field`.

主管部门 may be empty as published: ``--department`` names it, else the page
title before the form (``XX局2022年度项目支出绩效自评表``), else the 实施单位;
the evaluation says which (``department_from``) and a warning says so.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from ...categories import classify, points as category_points
from ...indicators import target_of
from ...money import AmountError, parse_amount, unit_of_label
from ...records import (
    AMOUNT_UNIT, BudgetFigures, Evaluation, Field, Figure, Problem, Result, Table,
)
from ...text import fold
from ..grid import Cell, Document
from .labels import FormHead, Row, coded, label_key, money_line, one_line, rows

#: Every problem code of this reader, with its severity (``docs/errors.md``).
PROBLEM_CODES: dict[str, str] = {
    "evaluation-without-name": "error",
    "evaluation-year-missing": "error",
    "evaluation-department-missing": "warning",
    "evaluation-without-money": "warning",
    "evaluation-without-results": "warning",
    "evaluation-bad-figure": "warning",
    "category-only-row": "info",
    "text-outside-forms": "info",
    "amount-unit": "info",
}

_TITLE = re.compile(r"绩效自评(?:表|价)|项目自评(?:表|价)")
_YEAR = re.compile(r"((?:19|20)\d{2})年")
_YEAR_LINE = re.compile(r"^[(（]?((?:19|20)\d{2})年度?[)）]?$")

#: Labels of the head of the form (folded with :func:`.labels.label_key`).
HEAD_LABELS: dict[str, str] = {
    **dict.fromkeys(["项目名称"], "name"),
    **dict.fromkeys(["主管部门", "主管部门及代码", "主管部门及编码", "预算部门"], "department"),
    **dict.fromkeys(["实施单位", "项目实施单位", "项目单位", "资金使用单位"], "unit"),
}
#: Money-block header cells → figure role.
MONEY_COLUMNS: dict[str, str] = {
    "年初预算数": "initial", "年初预算": "initial",
    "全年预算数": "adjusted", "全年预算": "adjusted", "调整后预算数": "adjusted",
    "全年执行数": "executed", "全年执行": "executed", "实际执行数": "executed",
    "分值": "points", "执行率": "rate", "预算执行率": "rate", "得分": "score",
}
#: Indicator-grid header cells → column role.
GRID_COLUMNS: dict[str, str] = {
    **dict.fromkeys(["一级指标", "一级绩效指标"], "level1"),
    **dict.fromkeys(["二级指标", "二级绩效指标"], "level2"),
    **dict.fromkeys(["三级指标", "三级指标名称", "指标名称", "绩效指标名称"], "name"),
    **dict.fromkeys(["年度指标值", "指标值", "年度目标值", "预期指标值"], "target"),
    **dict.fromkeys(["实际完成值", "实际完成情况", "全年实际值", "实际值"], "actual"),
    "分值": "points",
    "得分": "score",
    **dict.fromkeys(["偏差原因分析及改进措施", "偏差原因分析及整改措施", "未完成原因分析", "偏差原因及改进措施"], "reason"),
}
_GOAL_COLUMNS = {"预期目标": "expected", "实际完成情况": "achieved"}


class EvaluationError(ValueError):
    """The document holds no self-evaluation perfkg can read."""

    def __init__(self, file: str, where: str, message: str) -> None:
        super().__init__(f"{file}:{where}: {message}")
        self.file, self.line, self.where, self.message = file, 0, where, message


def is_self_evaluation(doc: Document) -> bool:
    """Whether a document's title (a text block or a cell) says 绩效自评 (or 项目自评价)."""
    for block in doc.blocks[:200]:
        texts = [block.text] if not hasattr(block, "rows") else [c.text for row in block.rows[:40] for c in row]
        if any(len(t) <= 80 and _TITLE.search(fold(t)) for t in texts):
            return True
    return False


@dataclass
class _Form(FormHead):
    unit_code: str | None = None
    money_unit: str = AMOUNT_UNIT
    money_columns: dict[int, str] = field(default_factory=dict)
    budget: list[BudgetFigures] = field(default_factory=list)
    goal_columns: dict[int, str] = field(default_factory=dict)
    expected: str = ""
    achieved: str = ""
    grid: dict[str, int] = field(default_factory=dict)
    previous: dict[str, str] = field(default_factory=dict)
    results: list[Result] = field(default_factory=list)
    total_points: Figure | None = None
    total_score: Figure | None = None
    fields: list[Field] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


class _Reader:
    def __init__(self, doc: Document, department: str | None, year: int | None) -> None:
        self.doc, self.file = doc, doc.file
        self.forced_department, self.forced_year = department, year
        self.forms: list[_Form] = []
        self.form: _Form | None = None
        self.pending: tuple[str, int | None, int] | None = None  # a title seen before its form
        self.page_title = ""  # text before the first form naming the publisher
        self.outside: list[Problem] = []

    def problem(self, target: list[Problem], row: Row, code: str, message: str, found: str = "", where: str = "") -> None:
        target.append(Problem(self.file, row.ordinal, code, message, found, PROBLEM_CODES[code], where or row.where))

    def run(self) -> None:
        for row in rows(self.doc.blocks):
            self.row(row)

    # -- rows --

    def row(self, row: Row) -> None:
        cells = row.distinct
        keys = [label_key(c.text) for c in cells]
        if self.title(row, cells, keys):
            return
        roles = [HEAD_LABELS.get(k) for k in keys]
        if "name" in roles and self.form is not None and self.form.name:
            self.form = None  # a second form with no title between
        form = self.current(row)
        if any(r is not None for r in roles):
            self.head(form, row, cells, keys)
            return
        if self.money_header(form, row):
            return
        if self.goal_header(form, row, keys):
            return
        if self.grid_header(form, row):
            return
        if "总分" in keys:
            self.total_row(form, row, cells, keys)
            return
        if form.money_columns and self.money_row(form, row):
            return
        if form.goal_columns and not form.grid and self.goal_row(form, row):
            return
        if form.grid and row.grid is not None:
            self.result_row(form, row)
            return
        form.fields.extend(Field("", c.text.strip(), c.where) for c in cells)

    def title(self, row: Row, cells: list[Cell], keys: list[str]) -> bool:
        """A title (``项目支出绩效自评表 (2022年度)``) or the year under it, or the page's title before any form."""
        if len(cells) != 1:
            return False
        text = cells[0].text
        if (match := _YEAR_LINE.match(fold(text))) is not None:
            if self.pending is not None:
                self.pending = (self.pending[0], self.pending[1] or int(match[1]), self.pending[2])
            elif self.form is not None and self.form.year is None:
                self.form.year = int(match[1])
            return True
        folded = fold(text)
        if len(folded) > 80 or not _TITLE.search(folded):
            if self.form is None and self.pending is None and not self.forms:
                if row.grid is None:
                    self.page_title = self.page_title or one_line(text)
                    self.problem(self.outside, row, "text-outside-forms", "text outside any form; kept as a note on the table", text.strip())
                    return True
            return False
        year = _YEAR.search(folded)
        if self.form is not None and self.form.name:
            self.form = None  # the next form's title ends this one
        self.pending = (one_line(text), int(year[1]) if year else None, row.ordinal)
        if self.forms == [] and not self.page_title:
            self.page_title = one_line(text)
        return True

    def current(self, row: Row) -> _Form:
        if self.form is None:
            form = _Form(first=row.ordinal, page=row.page, where=row.where)
            if self.pending is not None:
                form.title, form.year, form.first = self.pending
                self.pending = None
            self.form = form
            self.forms.append(form)
        return self.form

    def head(self, form: _Form, row: Row, cells: list[Cell], keys: list[str]) -> None:
        """项目名称 | … ; 主管部门 | … | 实施单位 | …: a label takes the next cell unless that is a label too."""
        i = 0
        while i < len(cells):
            role = HEAD_LABELS.get(keys[i])
            if role is None:
                form.fields.append(Field("", cells[i].text.strip(), cells[i].where))
                i += 1
                continue
            value = cells[i + 1] if i + 1 < len(cells) and HEAD_LABELS.get(keys[i + 1]) is None else None
            text = one_line(value.text) if value is not None else ""
            if role == "name" and not form.name:
                form.name, form.name_where = text, value.where if value else cells[i].where
            elif role == "department":
                form.department_code, form.department = coded(text) if text else (None, "")
            elif role == "unit":
                form.unit_code, form.unit = coded(text) if text else (None, "")
            if text:
                form.fields.append(Field(cells[i].text.strip(), value.text.strip() if value else "", value.where if value else ""))
            i += 2 if value is not None else 1

    # -- money --

    def money_header(self, form: _Form, row: Row) -> bool:
        columns = {c.col: MONEY_COLUMNS[label_key(c.text)] for c in row.distinct if label_key(c.text) in MONEY_COLUMNS}
        if not {"initial", "adjusted", "executed"} <= set(columns.values()):
            return False
        form.money_columns = columns
        for cell in row.cells:
            unit = unit_of_label(cell.text)
            if unit:
                form.money_unit = unit
        return True

    def money_row(self, form: _Form, row: Row) -> bool:
        label_cell = None
        for cell in row.distinct:
            if cell.col in form.money_columns:
                continue
            found = money_line(label_key(cell.text))
            if found is not None:
                label_cell, key = cell, found[0]
                break
        if label_cell is None:
            return False
        by_col = {c.col: c for c in row.cells}

        def figure(role: str) -> Figure:
            col = next((c for c, r in form.money_columns.items() if r == role), None)
            cell = by_col.get(col) if col is not None else None
            if cell is None or not cell.is_origin:
                return Figure("")
            return self.figure(form, row, role, cell)

        figures = {role: figure(role) for role in ("initial", "adjusted", "executed", "points", "rate", "score")}
        computed = None
        if figures["adjusted"].value and figures["executed"].value is not None:
            computed = (figures["executed"].value * 100 / figures["adjusted"].value).normalize()
        form.budget.append(BudgetFigures(key, one_line(label_cell.text), computed_rate=computed, where=label_cell.where, **figures))
        return True

    def figure(self, form: _Form, row: Row, role: str, cell: Cell) -> Figure:
        """A figure cell: amounts in the form's unit (converted to 万元 exactly), rates in percent, points."""
        text = cell.text.strip()
        if _FIGURE.fullmatch(compact := "".join(text.split())):
            text = compact  # a PDF cell wraps "86.19%" over two lines: the figure is one word
        if not text or text in ("—", "-", "——", "/", "－"):
            return Figure(text, None, cell.where)
        if role in ("initial", "adjusted", "executed"):
            try:
                amount = parse_amount(text, form.money_unit)
            except AmountError as err:
                self.problem(form.problems, row, "evaluation-bad-figure", f"{role} amount is not an amount ({err.message}); kept as printed", text, cell.where)
                return Figure(text, None, cell.where)
            return Figure(text, amount.value, cell.where)
        value = _number(text.removesuffix("%").removesuffix("％"))
        if value is None:
            self.problem(form.problems, row, "evaluation-bad-figure", f"{role} is not a number; kept as printed", text, cell.where)
        return Figure(text, value, cell.where)

    # -- goals --

    def goal_header(self, form: _Form, row: Row, keys: list[str]) -> bool:
        columns = {c.col: _GOAL_COLUMNS[k] for c, k in zip(row.distinct, keys) if k in _GOAL_COLUMNS}
        if "expected" not in columns.values() or form.grid:
            return False
        form.goal_columns = columns
        return True

    def goal_row(self, form: _Form, row: Row) -> bool:
        found = False
        for cell in row.distinct:
            kind = form.goal_columns.get(cell.col)
            if kind == "expected" and not form.expected:
                form.expected, found = one_line(cell.text), True
            elif kind == "achieved" and not form.achieved:
                form.achieved, found = one_line(cell.text), True
        if found:
            form.goal_columns = {}
        return found

    # -- the indicator grid --

    def grid_header(self, form: _Form, row: Row) -> bool:
        if row.grid is None:
            return False
        columns: dict[str, int] = {}
        for cell in row.distinct:
            role = GRID_COLUMNS.get(label_key(cell.text))
            if role is not None:
                columns.setdefault(role, cell.col)
        if not {"name", "actual"} <= set(columns) or not {"level1", "level2"} & set(columns):
            return False
        form.grid, form.previous = columns, {}
        form.money_columns, form.goal_columns = {}, {}
        return True

    def result_row(self, form: _Form, row: Row) -> None:
        by_col = {c.col: c for c in row.cells}

        def text(role: str, fill: bool = False) -> str:
            col = form.grid.get(role)
            cell = by_col.get(col) if col is not None else None
            value = one_line(cell.text) if cell is not None else ""
            if fill:
                if value:
                    form.previous[role] = value
                else:
                    value = form.previous.get(role, "")
            return value

        level1, level2 = text("level1", fill=True), text("level2", fill=True)
        name = text("name")
        target_text, actual_text = text("target"), text("actual")
        shown = " | ".join(c.text.strip() for c in row.distinct)
        used = set(form.grid.values())
        extras = tuple(Field("", c.text.strip(), c.where) for c in row.distinct if c.col not in used and c.text.strip()
                       and not label_key(c.text).startswith("绩效指标"))
        if not name and not target_text and not actual_text:
            self.problem(form.problems, row, "category-only-row", "grid row names a category but no indicator; not a result", shown)
            form.fields.extend(extras)
            return
        classified = classify(level1, level2)

        def cell_figure(role: str) -> Figure:
            col = form.grid.get(role)
            cell = by_col.get(col) if col is not None else None
            if cell is None or not cell.text.strip():
                return Figure("", None, cell.where if cell is not None else "")
            return self.figure(form, row, role, cell)

        form.results.append(Result(
            sequence=len(form.results) + 1, name=name,
            level1_code=classified.level1, level1_label=level1 or None,
            level2_code=classified.level2, level2_label=level2 or None,
            target=target_of(target_text) if target_text else None,
            actual=target_of(actual_text) if actual_text else None,
            points=cell_figure("points"), score=cell_figure("score"),
            reason=text("reason"), source_text=shown, level1_points=category_points(level1) if level1 else None,
            fields=extras, where=row.where,
        ))

    def total_row(self, form: _Form, row: Row, cells: list[Cell], keys: list[str]) -> None:
        by_col = {c.col: c for c in row.cells}
        points_col, score_col = form.grid.get("points"), form.grid.get("score")
        numbers = [c for c, k in zip(cells, keys) if k != "总分" and _number(c.text.strip()) is not None]
        point_cell = by_col.get(points_col) if points_col is not None else None
        score_cell = by_col.get(score_col) if score_col is not None else None
        if point_cell is None or not point_cell.text.strip() or not point_cell.is_origin:
            point_cell = numbers[0] if numbers else None
        if score_cell is None or not score_cell.text.strip() or not score_cell.is_origin:
            score_cell = numbers[1] if len(numbers) > 1 else None
        if point_cell is not None:
            form.total_points = self.figure(form, row, "points", point_cell)
        if score_cell is not None:
            form.total_score = self.figure(form, row, "score", score_cell)
        form.grid = {}


_FIGURE = re.compile(r"[-+]?[\d,.]+[%％]?|[—－-]+")


def _number(text: str) -> Decimal | None:
    folded = unicodedata.normalize("NFKC", text).replace(",", "").strip()
    if not re.fullmatch(r"-?\d+(?:\.\d+)?", folded):
        return None
    try:
        return Decimal(folded)
    except InvalidOperation:  # pragma: no cover
        return None


_TITLE_PUBLISHER = re.compile(r"^(?P<name>.+?)(?:(?:19|20)\d{2}年度?)")


def read_self_evaluations(doc: Document, *, department: str | None = None, year: int | None = None) -> Table:
    """Read every self-evaluation form of a document into ``Table.evaluations``.

    ``department`` names the 主管部门 (or overrides the printed one); ``year``
    the year for forms whose title gives none. Raises :class:`EvaluationError`
    when the document holds no self-evaluation with a 项目名称.
    """
    reader = _Reader(doc, department, year)
    reader.run()
    table = Table(file=doc.file, sha256=doc.sha256, format=doc.format)
    for where, code, message, found in doc.notes:
        table.problems.append(Problem(doc.file, 0, code, message, found, "info", where))
    table.problems.extend(reader.outside)
    forms = [f for f in reader.forms if f.name or f.budget or f.results]
    if not forms:
        raise EvaluationError(doc.file, reader.outside[0].where if reader.outside else "1",
                              "no self-evaluation form found: expected a title '…绩效自评表' and label cells such as 项目名称, "
                              "主管部门, 年初预算数 | 全年预算数 | 全年执行数 and an indicator grid … | 实际完成值 | 分值 | 得分")
    publisher = _TITLE_PUBLISHER.match(fold(reader.page_title))
    for form in forms:
        evaluation, refused = _evaluation(doc.file, form, reader.forced_year or form.year, department, publisher)
        if evaluation is None:
            table.problems.extend(refused)
        else:
            table.evaluations.append(evaluation)
    if not table.evaluations:
        why = next((p for p in table.problems if p.severity == "error"), None)
        raise EvaluationError(doc.file, why.where if why else "1", f"no self-evaluation could be converted: {why.message if why else ''}")
    return table


def _evaluation(file: str, form: _Form, year: int | None, department: str | None,
                publisher: re.Match[str] | None) -> tuple[Evaluation | None, list[Problem]]:
    """A form's evaluation, or None and the form's problems with the error that kept it out (text kept)."""
    refusal = None
    name, source = _department_of(form, department, publisher)
    if not form.name:
        refusal = Problem(file, form.first, "evaluation-without-name", "self-evaluation has no 项目名称; not converted, its text kept here",
                          "; ".join(f"{f.label} {f.value}".strip() for f in form.fields[:8]), "error", form.where)
    elif year is None:
        refusal = Problem(file, form.first, "evaluation-year-missing",
                          "self-evaluation states no year ((2022年度)); not converted: give --year", form.name, "error", form.where)
    elif not name:
        refusal = Problem(file, form.first, "evaluation-department-missing",
                          "self-evaluation names no 主管部门 and no 实施单位; not converted: give --department",
                          form.name, "error", form.where)
    if refusal is not None or year is None:
        return None, [*form.problems, *([refusal] if refusal else [])]
    problems = [*form.problems, *_warnings(file, form, name, source)]
    return Evaluation(
        name=form.name, department=name, unit=form.unit or name, year=year,
        title=form.title or f"项目支出绩效自评表({year}年度)", department_code=form.department_code,
        department_from=source, unit_code=form.unit_code, unit_of_amounts=form.money_unit,
        budget=form.budget, expected_goal=form.expected, achieved_goal=form.achieved, results=form.results,
        total_points=form.total_points, total_score=form.total_score, fields=tuple(form.fields),
        problems=problems, line=form.first, page=form.page or 1, where=form.name_where or form.where,
    ), []


def _department_of(form: _Form, department: str | None, publisher: re.Match[str] | None) -> tuple[str, str]:
    """The 主管部门 and where it came from: the option, the form, the page title or the 实施单位 (many print none)."""
    if department:
        return department, "option"
    if form.department:
        return form.department, "form"
    if publisher is not None and not _TITLE.search(publisher["name"]):
        return publisher["name"], "title"
    if form.unit:
        return form.unit, "unit"
    return "", "form"


def _warnings(file: str, form: _Form, department: str, source: str) -> list[Problem]:
    """What a reader of the converted form should know: a department taken from elsewhere, 元, a cut form."""
    problems = []
    if source in ("title", "unit"):
        taken = "the page title" if source == "title" else "its 实施单位"
        problems.append(Problem(file, form.first, "evaluation-department-missing",
                                f"self-evaluation names no 主管部门; taken from {taken} (give --department to name it)",
                                department, "warning", form.where))
    if form.money_unit != AMOUNT_UNIT and form.budget:
        problems.append(Problem(file, form.first, "amount-unit",
                                f"amounts printed in {form.money_unit}; converted exactly to 万元", form.money_unit, "info", form.where))
    if not form.budget:
        problems.append(Problem(file, form.first, "evaluation-without-money",
                                "self-evaluation has no money block (年初预算数 | 全年预算数 | 全年执行数); a cut document?",
                                form.name, "warning", form.where))
    if not form.results:
        problems.append(Problem(file, form.first, "evaluation-without-results",
                                "self-evaluation has no indicator grid (… | 实际完成值 | 分值 | 得分); a cut document?",
                                form.name, "warning", form.where))
    return problems
