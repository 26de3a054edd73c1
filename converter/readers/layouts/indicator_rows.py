"""Read one-row-per-indicator sheets: what budget-management systems import and export.

The 预算管理一体化 systems exchange indicators as a flat sheet, one row each
(``national-yitihua-pmkpi-indicator-schema-code.txt`` gives the columns of one
such template, in order)::

    项目名称 | 一级指标 | 二级指标 | 三级指标名称 | 计算符号 | 年度指标值 | 计量单位 | 指标解释 | 绩效标准
    2025金安国际网球公开赛 | 产出指标 | 数量指标 | 开展运动种类 | ＝ | 1 | 种 | … | 计划标准

Columns are found by their header (the system's own accepted names:
``一级指标|一级绩效指标``, ``指标名称|三级指标|三级指标名称`` …), in any order;
the project is named in a column (项目名称) or, for a sheet of one project, by
``--project``-less headings above the header (``项目名称：…``). Every row's
cells are kept: the ones perfkg models go to the indicator, the rest to its
fields.
"""

from __future__ import annotations

import re

from ...categories import classify
from ...indicators import target_of
from ...records import Amounts, Department, Field, Goal, Indicator, Problem, Project, Table, Target, Unit
from ...text import fold
from ..grid import Cell, Document, Grid, Text
from .labels import target_text

PROBLEM_CODES: dict[str, str] = {
    "two-header-rows": "warning",
    "row-without-project": "error",
    "category-refiled": "info",
    "unknown-category": "warning",
}

#: Header cell (folded) → role; the 一体化 module's accepted spellings first.
COLUMNS: dict[str, str] = {
    **dict.fromkeys(["项目名称", "项目"], "project"),
    **dict.fromkeys(["主管部门", "部门名称", "预算部门", "主管部门名称"], "department"),
    **dict.fromkeys(["实施单位", "单位名称", "预算单位", "资金使用单位"], "unit"),
    **dict.fromkeys(["年度", "预算年度"], "year"),
    **dict.fromkeys(["一级指标", "一级绩效指标"], "level1"),
    **dict.fromkeys(["二级指标", "二级绩效指标"], "level2"),
    **dict.fromkeys(["三级指标", "三级指标名称", "指标名称"], "name"),
    "计算符号": "computation",
    **dict.fromkeys(["年度指标值", "指标值", "年度目标值"], "target:annual"),
    **dict.fromkeys(["实施周期指标值", "实施期指标值"], "target:period"),
    "计量单位": "unit-of-measure",
    "指标解释": "explanation",
    "绩效标准": "standard",
    **dict.fromkeys(["绩效目标", "年度绩效目标"], "goal"),
}
_REQUIRED = {"level1", "level2", "name"}


class RowsError(ValueError):
    def __init__(self, file: str, where: str, message: str) -> None:
        super().__init__(f"{file}:{where}: {message}")
        self.file, self.line, self.where, self.message = file, 0, where, message


def _header_key(text: str) -> str:
    """A header cell as a lookup key: folded, no ``*`` (required-field mark), no trailing ``(…)`` hint."""
    folded = fold(text).lstrip("*")
    return re.sub(r"[(（].*?[)）]$", "", folded)


def header_of(row: list[Cell]) -> dict[str, int] | None:
    """The role → column map of a header row, or None when the row is no indicator-sheet header."""
    roles: dict[str, int] = {}
    for cell in row:
        role = COLUMNS.get(_header_key(cell.text))
        if role is not None and role not in roles:
            roles[role] = cell.col
    if not _REQUIRED <= roles.keys() or not any(r.startswith("target:") for r in roles):
        return None
    # A form's grid has the same three category columns; a sheet of indicator
    # rows names its project in a column, or prints 计算符号/计量单位 columns.
    if not {"project", "computation", "unit-of-measure"} & roles.keys():
        return None
    return roles


def find_header(doc: Document) -> tuple[Grid, int, dict[str, int]] | None:
    """The first grid row that is an indicator-sheet header with a 项目名称 column or a project heading."""
    for block in doc.blocks:
        if isinstance(block, Grid):
            for index, row in enumerate(block.rows):
                if (roles := header_of(row)) is not None:
                    return block, index, roles
    return None


def read_indicator_rows(doc: Document, *, department: str | None = None, year: int | None = None,
                        encoding: str = "utf-8") -> Table:
    """Read a one-row-per-indicator sheet into records: a project per distinct 项目名称, in order."""
    found = find_header(doc)
    if found is None:
        raise RowsError(doc.file, "1", "no indicator header (一级指标 | 二级指标 | 三级指标名称 | 年度指标值) found")
    sheet = _Sheet(doc, *found, department=department, year=year)
    table = Table(file=doc.file, sha256=doc.sha256, encoding=encoding, format=doc.format)
    for where, code, message, text in doc.notes:  # the container's notes, on the first table
        table.problems.append(Problem(doc.file, 1, code, message, text, "info", where))
    table.problems.extend(sheet.header_problems())
    for index in range(sheet.start + 1, len(sheet.grid.rows)):
        table.problems.extend(sheet.read_row(index))
    table.departments = list(sheet.departments.values())
    if not table.departments:
        raise RowsError(doc.file, sheet.grid.rows[sheet.start][0].where, "the indicator sheet has a header but no indicator rows")
    for i, d in enumerate(table.departments):
        d.lines = (1 if i == 0 else d.lines[0], d.lines[1] if i + 1 < len(table.departments) else 10**9)
    return table


class _Sheet:
    """One indicator sheet being read: its header, the defaults from headings or options, the records so far."""

    def __init__(self, doc: Document, grid: Grid, start: int, roles: dict[str, int], *,
                 department: str | None, year: int | None) -> None:
        self.file, self.grid, self.start, self.roles = doc.file, grid, start, roles
        self.forced_department, self.forced_year = department, year
        headings = _headings(doc, grid, start)
        self.project_default = headings.get("project", "")
        self.department_default = department or headings.get("department", "")
        self.year_default = year or _int(headings.get("year", ""))
        where = grid.rows[start][0].where
        if not self.department_default and "department" not in roles:
            raise RowsError(doc.file, where, "the sheet names no 主管部门 (no column, no heading): give --department")
        if self.year_default is None and "year" not in roles:
            raise RowsError(doc.file, where, "the sheet names no year (no 年度 column or heading): give --year")
        self.header = {c.col: c.text.strip() for c in grid.rows[start]}
        self.previous: dict[str, str] = {}  # role → last non-empty text (categories and names are filled down)
        self.departments: dict[tuple[str, int], Department] = {}

    def header_problems(self) -> list[Problem]:
        """A row of column headings above the header is kept as a warning, not read."""
        if self.start == 0 or not _second_header(self.grid.rows[self.start - 1], self.grid.rows[self.start]):
            return []
        above = self.grid.rows[self.start - 1]
        return [Problem(self.file, self.start, "two-header-rows",
                        "two header rows: the columns are read by the lower one; the row above it is kept here",
                        " | ".join(c.text for c in above if c.text.strip()), "warning", above[0].where)]

    def read_row(self, index: int) -> list[Problem]:
        """One grid row: an indicator added to its project, or the problem that kept it out."""
        row = self.grid.rows[index]
        if not any(c.text.strip() for c in row):
            return []
        ordinal, where, text = index + 1, row[0].where, " | ".join(c.text for c in row if c.text)
        if header_of(row) is not None:
            return [Problem(self.file, ordinal, "two-header-rows",
                            "a second header row inside the sheet; skipped (two sheets pasted together?)", text, "warning", where)]
        by_col = {c.col: c for c in row}

        def cell(role: str, fill: bool = False) -> str:
            col = self.roles.get(role)
            value = by_col[col].text.strip() if col is not None and col in by_col else ""
            if fill:
                value = value or self.previous.get(role, "")
                self.previous[role] = value
            return value

        project_name = cell("project", fill=True) or self.project_default
        dept = self.forced_department or cell("department", fill=True) or self.department_default
        the_year = self.forced_year or _int(cell("year", fill=True)) or self.year_default
        if not project_name or not dept or the_year is None:
            return [Problem(self.file, ordinal, "row-without-project",
                            "indicator row without its project, department or year; skipped, its text kept here",
                            text, "error", where)]
        department = self._department(dept, the_year, ordinal, where)
        project_where = by_col[self.roles["project"]].where if "project" in self.roles else where
        project = _project(department, cell("unit", fill=True) or dept, project_name, ordinal, where, project_where)
        goal = cell("goal")
        if goal and not any(g.text == goal for g in project.goals):
            project.goals = project.goals + (Goal("stated", goal, where),)
        project.indicators.append(_indicator(self.file, row, self.roles, cell, len(project.indicators) + 1, project,
                                             ordinal, self.header))
        department.lines = (department.lines[0] or ordinal, ordinal)
        return []

    def _department(self, name: str, year: int, ordinal: int, where: str) -> Department:
        key = (fold(name), year)
        if key not in self.departments:
            self.departments[key] = Department(name=name, year=year, title=f"{name}{year}年项目支出绩效指标",
                                               unit_of_amounts="万元", total=None, first_line=ordinal, pages=1,
                                               layout="indicator-rows", where=where)
        return self.departments[key]


def _project(department: Department, unit_name: str, name: str, ordinal: int, where: str, project_where: str) -> Project:
    """The project of that name in that unit of the department, added at its first row."""
    unit = next((u for u in department.units if u.name == unit_name), None)
    if unit is None:
        unit = Unit(name=unit_name, amounts=Amounts(None, ()), line=ordinal, page=1, raw="", where=where)
        department.units.append(unit)
    project = next((p for p in unit.projects if p.name == name), None)
    if project is None:
        project = Project(name=name, amounts=Amounts(None, ()), line=ordinal, page=1, raw="", where=project_where)
        unit.projects.append(project)
    return project


def _indicator(file: str, row: list[Cell], roles: dict[str, int], cell, sequence: int, project: Project, ordinal: int,
               header: dict[int, str]) -> Indicator:
    level1, level2 = cell("level1", fill=True), cell("level2", fill=True)
    classified = classify(level1, level2)
    name_cell = next(c for c in row if c.col == roles["name"])
    if classified.note:
        project.problems.append(Problem(file, ordinal, "category-refiled", classified.note, f"{level1} | {level2}", "info", name_cell.where))
    elif level1 and classified.level1 is None:
        project.problems.append(Problem(file, ordinal, "unknown-category", "level-1 category outside the national framework; kept as printed",
                                        level1, "warning", name_cell.where))
    computation, unit = cell("computation"), cell("unit-of-measure")
    targets: dict[str, Target | None] = {"annual": None, "period": None}
    for kind in targets:
        value = cell(f"target:{kind}")
        if value:
            targets[kind] = target_of(target_text(value, computation, unit))
    # 当前完成值, 完成可能性分析, 偏差原因说明 …: kept as the indicator's fields.
    fields = tuple(Field(header.get(c.col, ""), c.text.strip(), c.where) for c in row
                   if c.text.strip() and c.is_origin and c.col not in roles.values())
    return Indicator(
        sequence=sequence, name=cell("name"), level1_code=classified.level1, level1_label=level1 or None,
        level2_code=classified.level2, level2_label=level2 or None, period_target=targets["period"],
        annual_target=targets["annual"], source_text=" | ".join(c.text.strip() for c in row if c.text.strip()),
        unit_of_measure=unit, explanation=cell("explanation"), standard=cell("standard"), computation=computation,
        fields=fields, where=name_cell.where,
    )


def _second_header(above: list[Cell], header: list[Cell]) -> bool:
    """A row of column headings above the header (``项目名称 | 指标 | 指标 | 指标 | 计算符号 | 指标值``)."""
    filled = [c for c in above if c.text.strip()]
    same = sum(1 for a, h in zip(above, header) if a.text.strip() and a.text.strip() == h.text.strip())
    return len(filled) >= max(3, len(header) // 2) and (same >= 1 or any(c.origin is not None for c in filled))


def _headings(doc: Document, grid: Grid, start: int) -> dict[str, str]:
    """``项目名称：…`` / ``主管部门：…`` / ``2025年`` headings above the header row (a sheet of one project)."""
    found: dict[str, str] = {}
    texts = [c.text for r in grid.rows[:start] for c in r if c.text.strip() and c.is_origin]
    texts += [b.text for b in doc.blocks if isinstance(b, Text)]
    for text in texts:
        match = re.match(r"^\s*([^:：]{2,12})\s*[:：]\s*(.+?)\s*$", text)
        if match and (role := COLUMNS.get(_header_key(match[1]))) in ("project", "department", "unit", "year"):
            found.setdefault(role, match[2])
        elif (year := re.search(r"((?:19|20)\d{2})\s*年", text)) and "year" not in found:
            found["year"] = year[1]
    return found


def _int(text: str) -> int | None:
    match = re.search(r"((?:19|20)\d{2})", text or "")
    return int(match[1]) if match else None
