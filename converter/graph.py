"""Turn table records into RDF quads under the perfkg ontology.

The builder streams: it yields one quad at a time, department by department,
so a writer can put them on disk without holding the graph. Each department's
table is its own named graph (the table's IRI); the concept schemes, the same
in every graph, go to :data:`VOCABULARY_GRAPH`.

Layout of one table (``T`` = the table IRI)::

    T              a pk:PerformanceGoalsTable ; dcterms:publisher <org/D>
    T/total        a pk:DepartmentTotal ; pk:organization <org/D>
    T/unit/U       a pk:UnitBudget ; pk:organization <org/U> ; pk:departmentTotal T/total
    T/unit/U/project/P            a pk:Project ; pk:unitBudget T/unit/U
    …/project/P/indicator/N       a pk:Indicator ; pk:definition <indicator/K>
    …/indicator/N/period-target   a pk:Target ; pk:targetText "…"
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from itertools import chain
from decimal import Decimal
from functools import lru_cache

import pyoxigraph as ox
from pyoxigraph import Literal, NamedNode, Quad

from . import assets
from .categories import LEVEL1, LEVEL2, PARENT
from .indicators import normalize_name
from .dataset import REFERENCE_GRAPH, Provenance, counted, describe, describe_evaluations, period_triples
from .iris import Minter
from .places import Gazetteer, Place, place_triples
from .records import AMOUNT_UNIT, Department, Field, Indicator, Problem, Project, Row, Table, Target
from .targets import TargetValue, is_known_qualitative
from .units import unit_iri
from .vocab import CAT, DCAT, DCTERMS, FUND, ORG, PK, PROV, RDF, RDFS, SKOS, XSD

VOCABULARY_GRAPH = NamedNode("https://w3id.org/perfkg/vocabulary")


@lru_cache(maxsize=1)
def scheme_triples() -> tuple[ox.Triple, ...]:
    """The SKOS schemes of categories and funding sources, from ``ontology/schemes.ttl``."""
    text = assets.read_text("ontology", "schemes.ttl")
    return tuple(q.triple for q in ox.parse(text, format=ox.RdfFormat.TURTLE))


def _decimal(value: Decimal) -> Literal:
    return Literal(format(value, "f"), datatype=XSD.decimal)


def _integer(value: int, datatype: NamedNode = XSD.integer) -> Literal:
    return Literal(str(value), datatype=datatype)


def _zh(text: str) -> Literal:
    return Literal(text, language="zh")


def _string(text: str) -> Literal:
    return Literal(text)


class GraphBuilder:
    """Builds the quads of one source file; one instance per conversion run.

    It remembers which shared resources (organisations, indicator definitions)
    it has described in each graph, so each is described once per graph.
    """

    def __init__(self, minter: Minter | None = None, provenance: Provenance | None = None) -> None:
        self.minter = minter or Minter()
        self._described: set[tuple[str, str]] = set()
        # Linking (issue 7): districts, the dataset description, reference graph.
        self.provenance = provenance or Provenance.current()
        self.gazetteer = Gazetteer.bundled()
        self._city: Place | None = None
        self._places: set[str] = set()
        self._referenced: set[tuple[str, str]] = set()
        self._grid = False  # the table being built came from a cell grid (not a text table)
        self._paged = False  # … from a paged document (PDF), whose page numbers mean something

    def quads(self, table: Table, *, schemes: bool = True) -> Iterator[Quad]:
        """All quads of a table: the schemes, then each department's graph."""
        for graph, triples in self.graphs(table, schemes=schemes):
            for s, p, o in triples:
                yield Quad(s, p, o, graph)

    def graphs(self, table: Table, *, schemes: bool = True) -> Iterator[tuple[NamedNode, Iterator[tuple]]]:
        """The table's graphs in order, each as its name and its ``(s, p, o)`` term tuples.

        :meth:`quads` in pieces: a writer that works graph by graph (Turtle
        grouping, rendering departments in parallel) takes the tuples without
        building a :class:`~pyoxigraph.Quad` for each, which costs more than
        the tuple (issue 9). Consume each graph's triples before asking for
        the next graph: the reference graph lists what the department used.
        """
        if schemes:
            yield VOCABULARY_GRAPH, ((t.subject, t.predicate, t.object) for t in scheme_triples())
        by_line = _problems_by_line(table.problems)
        for department in table.departments:
            # Graphs come one after another and each describes its shared
            # resources anew: forget the previous graph's, or the set grows
            # with the input (~150 kB per table; issue 9, benchmarks/README.md).
            self._described.clear()
            graph = NamedNode(self.minter.table(department.name, department.year))
            self._city = self.gazetteer.city_of(department.name)
            body = chain(self._department(table, department, graph, by_line), self._description(table, department, graph))
            yield graph, counted(graph, body)
            yield REFERENCE_GRAPH, self._references(department.year)
        yield from self._evaluation_graphs(table)

    def _description(self, table: Table, department: Department, graph: NamedNode) -> Iterator[tuple]:
        """The DCAT/VoID/PROV description of the table (see :mod:`converter.dataset`)."""
        org = NamedNode(self.minter.organization(department.name))
        source = NamedNode(self.minter.source_file(table.sha256))
        return describe(table, department, graph, org, source, self.provenance, self._city, self.minter.base)

    def _references(self, year: int) -> Iterator[tuple]:
        """The fiscal year and the places the table pointed to, each described once per run."""
        places = [self._city] if self._city else []
        places += [self.gazetteer.by_code[c] for c in sorted(self._places)]
        wanted = [("year", str(year))] + [("place", q.code) for p in places for q in self.gazetteer.lineage(p)]
        for kind, key in wanted:
            if (kind, key) in self._referenced:
                continue
            self._referenced.add((kind, key))
            if kind == "year":
                yield from period_triples(self.minter.base, int(key))
            else:
                yield from place_triples(self.gazetteer, self.gazetteer.by_code[key])

    # -- one department's table ------------------------------------------------

    def _department(
        self, table: Table, department: Department, graph: NamedNode, problems: dict[int, list[Problem]]
    ) -> Iterator[tuple]:
        m = self.minter
        t = graph
        year = Literal(str(department.year), datatype=XSD.gYear)
        dept_org = NamedNode(m.organization(department.name))
        source = NamedNode(m.source_file(table.sha256))
        yield t, RDF.type, PK.PerformanceGoalsTable
        yield t, RDF.type, DCAT.Dataset
        yield t, DCTERMS.title, _zh(department.title)
        yield t, DCTERMS.publisher, dept_org
        yield t, PK.fiscalYear, year
        yield t, PK.amountUnit, PK.TenThousandYuan
        self._grid = table.format not in ("text",)
        self._paged = table.format == "pdf"
        if self._grid:
            if department.where:
                yield t, PK.sourceLocation, _string(department.where)
        else:
            yield t, PK.sourceLine, _integer(department.first_line)
        yield t, PROV.wasDerivedFrom, source
        yield source, RDF.type, PROV.Entity
        yield source, DCTERMS.title, _string(table.file)
        yield source, DCTERMS.identifier, _string(f"sha256:{table.sha256}")
        if table.format in _MEDIA_TYPES:
            yield source, DCTERMS["format"], NamedNode(_IANA + _MEDIA_TYPES[table.format])
        yield from self._organization(t, department.name, dept_org, department=True, code=department.code)

        total = NamedNode(m.total(t.value))
        if department.total is not None:
            yield total, RDF.type, PK.DepartmentTotal
            yield total, RDFS.label, _zh(f"{department.name}{department.year}年合计")
            yield total, PK.organization, dept_org
            yield from self._row(t, total, department.total, year, problems)
        line_problems = [p for r in _lines_outside_rows(department, problems) for p in problems[r]]
        yield from self._anomalies(t, line_problems)

        for unit in department.units:
            org = NamedNode(m.organization(unit.name))
            ub = NamedNode(m.unit(t.value, unit.name))
            yield from self._organization(t, unit.name, org, parent=None if org == dept_org else dept_org)
            yield ub, RDF.type, PK.UnitBudget
            yield ub, RDFS.label, _zh(unit.name)
            yield ub, PK.organization, org
            if department.total is not None:
                yield ub, PK.departmentTotal, total
            yield from self._row(t, ub, unit, year, problems)
            for project in unit.projects:
                yield from self._project(t, ub, project, year, problems)

    def _organization(
        self, graph: NamedNode, name: str, org: NamedNode, *, parent: NamedNode | None = None, department: bool = False,
        code: str | None = None,
    ) -> Iterator[tuple]:
        """Describe an organisation once per graph.

        The department's own unit row names the department itself (its 本级
        projects): it is the same organisation, already described.
        """
        if (str(graph), str(org)) in self._described:
            return
        self._described.add((str(graph), str(org)))
        yield org, RDF.type, ORG.Organization
        yield org, RDFS.label, _zh(name)
        yield org, SKOS.prefLabel, _zh(name)  # where ORG and CPOV readers look for the name
        yield org, RDF.type, PK.BudgetUnit
        if department:
            yield org, RDF.type, PK.Department
        if code:
            # 主管部门及代码 "[042]六安市金安区体育局": the budget code as printed.
            yield org, ORG.identifier, _string(code)
        if parent is not None:
            yield org, ORG.subOrganizationOf, parent

    def _row(
        self, table: NamedNode, node: NamedNode, row: Row, year: Literal, problems: dict[int, list[Problem]]
    ) -> Iterator[tuple]:
        yield node, PK.inTable, table
        yield node, PK.fiscalYear, year
        yield from self._place(node, row.line, row.page, row.where)
        amounts = row.amounts
        if amounts.total is not None:
            yield node, PK.totalAmount, _decimal(amounts.total)
            if (printed := amounts.printed_text("total")) is not None:
                yield node, PK.printedTotal, _string(printed)
        if amounts.printed_unit != AMOUNT_UNIT and (amounts.total is not None or amounts.by_source):
            yield node, PK.printedUnit, _string(amounts.printed_unit)
        for slug, value in amounts.by_source:
            funding = NamedNode(f"{node.value}/funding/{slug}")
            yield node, PK.funding, funding
            yield funding, RDF.type, PK.FundingAmount
            yield funding, PK.fundingSource, FUND[slug]
            yield funding, PK.amount, _decimal(value)
            if (printed := amounts.printed_text(slug)) is not None:
                yield funding, PK.printedAmount, _string(printed)
        if not row.canonical:
            # The row cannot be rebuilt from its fields (a bad amount, extra
            # cells, odd spacing): keep the whole source line.
            yield node, PK.sourceRow, _string(row.raw)
        yield from self._anomalies(node, problems.get(row.line, []))

    def _place(self, node: NamedNode, line: int, page: int, where: str) -> Iterator[tuple]:
        """Where a fact stands in its source: line and page of a text, the cell of a grid (and its PDF page)."""
        if where or self._grid:
            if where:
                yield node, PK.sourceLocation, _string(where)
            if self._paged and page > 0:
                yield node, PK.sourcePage, _integer(page)
            return
        yield node, PK.sourceLine, _integer(line)
        yield node, PK.sourcePage, _integer(page)

    def _fields(self, node: NamedNode, fields: Iterable[Field]) -> Iterator[tuple]:
        """Label/value pairs of a form kept as printed (项目来源 本级申报项目 …)."""
        for index, item in enumerate(fields, start=1):
            f = NamedNode(f"{node.value}/field/{index}")
            yield node, PK.sourceField, f
            yield f, RDF.type, PK.SourceField
            yield f, PK.fieldLabel, _string(item.label)
            yield f, PK.fieldValue, _string(item.value)
            if item.where:
                yield f, PK.sourceLocation, _string(item.where)

    def _project(
        self, table: NamedNode, unit: NamedNode, project: Project, year: Literal, problems: dict[int, list[Problem]]
    ) -> Iterator[tuple]:
        p = NamedNode(self.minter.project(unit.value, project.name))
        yield p, RDF.type, PK.Project
        yield p, RDFS.label, _zh(project.name)
        yield p, PK.unitBudget, unit
        district = self.gazetteer.district_of(project.name, self._city)
        if district is not None:
            yield p, DCTERMS.spatial, district.iri
            self._places.add(district.code)
        if not self._grid:
            yield p, PK.goal, _string(project.goal)
            yield p, PK.indicatorText, _string(project.indicator_text)
        for goal in project.goals:
            yield p, _GOALS[goal.kind], _string(goal.text)
        if project.period:
            yield p, PK.projectPeriod, _string(project.period)
        yield from self._fields(p, project.fields)
        yield from self._row(table, p, project, year, {})
        yield from self._anomalies(p, project.problems + problems.get(project.line, []))
        used: dict[int, int] = {}  # a number the source repeats ("1、…1、…1、") gets -2, -3 …
        for indicator in project.indicators:
            used[indicator.sequence] = count = used.get(indicator.sequence, 0) + 1
            suffix = str(indicator.sequence) if count == 1 else f"{indicator.sequence}-{count}"
            yield from self._indicator(table, p, NamedNode(f"{p.value}/indicator/{suffix}"), indicator)

    def _indicator(self, graph: NamedNode, project: NamedNode, node: NamedNode, indicator: Indicator) -> Iterator[tuple]:
        key = normalize_name(indicator.name)
        definition = NamedNode(self.minter.indicator_definition(key))
        yield project, PK.indicator, node
        yield node, RDF.type, PK.Indicator
        yield node, PK.sequence, _integer(indicator.sequence)
        yield node, RDFS.label, _zh(indicator.name)
        yield node, PK.definition, definition
        yield node, PK.sourceText, _string(indicator.source_text)
        if indicator.where:
            yield node, PK.sourceLocation, _string(indicator.where)
        for prop, text in ((PK.unitOfMeasure, indicator.unit_of_measure), (PK.explanation, indicator.explanation),
                           (PK.performanceStandard, indicator.standard), (PK.computationSymbol, indicator.computation)):
            if text:
                yield node, prop, _string(text)
        yield from self._fields(node, indicator.fields)
        if (str(graph), str(definition)) not in self._described:
            self._described.add((str(graph), str(definition)))
            yield definition, RDF.type, PK.IndicatorDefinition
            yield definition, SKOS.prefLabel, _zh(key)
            yield definition, PK.normalizedName, _string(key)
        l1, l2 = indicator.level1_code, indicator.level2_code
        if l2 in LEVEL2 and PARENT[l2] == l1:
            yield node, PK.category, CAT[l2]
            yield node, PK.level1Category, CAT[l1]
        elif l1 in LEVEL1 and l2 is None:
            # A level-1 category with a level-2 row outside the framework
            # (投入指标 | 资金到位率): the level-1 category only.
            yield node, PK.level1Category, CAT[l1]
        for prop, target, slug in (
            (PK.periodTarget, indicator.period_target, "period-target"),
            (PK.annualTarget, indicator.annual_target, "annual-target"),
            (PK.target, indicator.stated_target, "stated-target"),
        ):
            if target is not None:
                yield from self._target(node, prop, NamedNode(f"{node.value}/{slug}"), target)

    def _target(self, indicator: NamedNode, prop: NamedNode, node: NamedNode, target: Target) -> Iterator[tuple]:
        yield indicator, prop, node
        for p, o in _target_pairs(target):
            yield node, p, o

    def _anomalies(self, node: NamedNode, problems: Iterable[Problem]) -> Iterator[tuple]:
        for index, problem in enumerate(problems, start=1):
            a = NamedNode(f"{node.value}/anomaly/{index}")
            yield node, PK.anomaly, a
            yield a, RDF.type, PK.Anomaly
            yield a, PK.anomalyCode, _string(problem.code)
            yield a, PK.severity, _string(problem.severity)
            yield a, RDFS.comment, Literal(problem.message, language="en")
            if problem.where:
                yield a, PK.sourceLocation, _string(problem.where)
            elif not self._grid:
                yield a, PK.sourceLine, _integer(problem.line)
            if problem.found:
                yield a, PK.foundText, _string(problem.found)


    # -- self-evaluations (项目支出绩效自评表) ------------------------------------

    def _evaluation_graphs(self, table: Table) -> Iterator[tuple[NamedNode, Iterator[tuple]]]:
        """One graph per department and year of self-evaluations (``…/self-evaluation/D/Y``)."""
        groups: dict[str, list] = {}
        for evaluation in table.evaluations:
            groups.setdefault(self.minter.self_evaluation(evaluation.department, evaluation.year), []).append(evaluation)
        for iri, evaluations in groups.items():
            self._described.clear()
            graph = NamedNode(iri)
            yield graph, counted(graph, self._evaluation_report(table, graph, evaluations))

    def _evaluation_report(self, table: Table, g: NamedNode, evaluations: list) -> Iterator[tuple]:
        m = self.minter
        first = evaluations[0]
        year = Literal(str(first.year), datatype=XSD.gYear)
        dept_org = NamedNode(m.organization(first.department))
        source = NamedNode(m.source_file(table.sha256))
        self._grid, self._paged = True, table.format == "pdf"
        yield g, RDF.type, PK.SelfEvaluationReport
        yield g, RDF.type, DCAT.Dataset
        yield g, DCTERMS.title, _zh(f"{first.department}{first.year}年度项目支出绩效自评表")
        yield g, DCTERMS.publisher, dept_org
        yield g, PK.fiscalYear, year
        yield g, PROV.wasDerivedFrom, source
        yield source, RDF.type, PROV.Entity
        yield source, DCTERMS.title, _string(table.file)
        yield source, DCTERMS.identifier, _string(f"sha256:{table.sha256}")
        if table.format in _MEDIA_TYPES:
            yield source, DCTERMS["format"], NamedNode(_IANA + _MEDIA_TYPES[table.format])
        yield from self._organization(g, first.department, dept_org, department=True, code=first.department_code)
        yield from describe_evaluations(g, first.department, first.year, dept_org)
        for evaluation in evaluations:
            yield from self._evaluation(g, evaluation, dept_org, year)

    def _evaluation(self, g: NamedNode, evaluation, dept_org: NamedNode, year: Literal) -> Iterator[tuple]:
        m = self.minter
        e = NamedNode(m.evaluation(g.value, evaluation.unit, evaluation.name))
        unit_org = NamedNode(m.organization(evaluation.unit))
        yield from self._organization(g, evaluation.unit, unit_org, parent=None if unit_org == dept_org else dept_org)
        yield e, RDF.type, PK.SelfEvaluation
        yield e, RDFS.label, _zh(evaluation.name)
        yield e, PK.projectName, _string(evaluation.name)
        yield e, PK.inReport, g
        yield e, PK.fiscalYear, year
        yield e, PK.supervisingDepartment, dept_org
        yield e, PK.implementingUnit, unit_org
        yield e, PK.departmentSource, _string(evaluation.department_from)
        yield e, PK.evaluatedProject, NamedNode(m.goals_project(evaluation.department, evaluation.year, evaluation.unit, evaluation.name))
        yield e, DCTERMS.title, _zh(evaluation.title)
        if evaluation.unit_of_amounts != AMOUNT_UNIT:
            yield e, PK.printedAmountUnit, _string(evaluation.unit_of_amounts)
        if evaluation.where:
            yield e, PK.sourceLocation, _string(evaluation.where)
        if self._paged and evaluation.page:
            yield e, PK.sourcePage, _integer(evaluation.page)
        if evaluation.expected_goal:
            yield e, PK.expectedGoal, _string(evaluation.expected_goal)
        if evaluation.achieved_goal:
            yield e, PK.achievedGoal, _string(evaluation.achieved_goal)
        for prop, printed, figure in ((PK.totalPointsAvailable, PK.printedTotalPointsAvailable, evaluation.total_points),
                                      (PK.totalPointsAwarded, PK.printedTotalPointsAwarded, evaluation.total_score)):
            yield from _figure(e, prop, printed, figure)
        yield from self._fields(e, evaluation.fields)
        yield from self._anomalies(e, evaluation.problems)
        for line in evaluation.budget:
            b = NamedNode(f"{e.value}/budget/{line.key}")
            if line.key == "total":
                yield e, PK.totalExecution, b
            else:
                yield e, PK.sourceExecution, b
                yield b, PK.budgetSource, FUND[line.key]
            yield b, RDF.type, PK.BudgetExecution
            yield b, RDFS.label, _zh(line.label)
            if line.where:
                yield b, PK.sourceLocation, _string(line.where)
            for prop, printed, figure in (
                (PK.initialBudget, PK.printedInitialBudget, line.initial),
                (PK.adjustedBudget, PK.printedAdjustedBudget, line.adjusted),
                (PK.executedAmount, PK.printedExecutedAmount, line.executed),
                (PK.pointsAvailable, PK.printedPointsAvailable, line.points),
                (PK.executionRate, PK.printedExecutionRate, line.rate),
                (PK.pointsAwarded, PK.printedPointsAwarded, line.score),
            ):
                yield from _figure(b, prop, printed, figure)
            if line.computed_rate is not None:
                yield b, PK.computedExecutionRate, _decimal(line.computed_rate)
        for result in evaluation.results:
            yield from self._result(g, e, NamedNode(f"{e.value}/result/{result.sequence}"), result)

    def _result(self, g: NamedNode, e: NamedNode, r: NamedNode, result) -> Iterator[tuple]:
        from .verdicts import judge

        yield e, PK.result, r
        yield r, RDF.type, PK.IndicatorResult
        yield r, PK.resultNumber, _integer(result.sequence)
        yield r, RDFS.label, _zh(result.name)
        yield r, PK.rowText, _string(result.source_text)
        if result.where:
            yield r, PK.sourceLocation, _string(result.where)
        if result.name:
            key = normalize_name(result.name)
            definition = NamedNode(self.minter.indicator_definition(key))
            yield r, PK.resultDefinition, definition
            if (str(g), str(definition)) not in self._described:
                self._described.add((str(g), str(definition)))
                yield definition, RDF.type, PK.IndicatorDefinition
                yield definition, SKOS.prefLabel, _zh(key)
                yield definition, PK.normalizedName, _string(key)
        for prop, text in ((PK.level1Text, result.level1_label), (PK.level2Text, result.level2_label), (PK.deviationReason, result.reason)):
            if text:
                yield r, prop, _string(text)
        if result.level1_points is not None:
            yield r, PK.level1Points, _decimal(Decimal(result.level1_points))
        l1, l2 = result.level1_code, result.level2_code
        if l2 in LEVEL2 and PARENT[l2] == l1:
            yield r, PK.resultCategory, CAT[l2]
        if l1 in LEVEL1:
            yield r, PK.resultLevel1Category, CAT[l1]
        yield from _figure(r, PK.pointsAvailable, PK.printedPointsAvailable, result.points)
        yield from _figure(r, PK.pointsAwarded, PK.printedPointsAwarded, result.score)
        yield from self._fields(r, result.fields)
        if result.target is not None:
            yield from self._target(r, PK.resultTarget, NamedNode(f"{r.value}/target"), result.target)
        if result.actual is not None:
            a = NamedNode(f"{r.value}/actual")
            yield r, PK.actualValue, a
            yield a, RDF.type, PK.ActualValue
            for p, o in _target_pairs(result.actual):
                if p != RDF.type:
                    yield a, p, o
        verdict = judge(result.target.value if result.target else None, result.actual.value if result.actual else None)
        yield r, PK.verdict, _VERDICTS[verdict.verdict]
        if verdict.basis:
            yield r, PK.verdictBasis, _string(verdict.basis)
        if verdict.gap is not None:
            yield r, PK.gap, _decimal(verdict.gap)


_GOALS = {
    "annual": PK.annualGoal, "period": PK.periodGoal, "mid-term": PK.midTermGoal, "overall": PK.overallGoal,
    "stated": PK.goal,
}
_VERDICTS = {"met": PK.TargetMet, "missed": PK.TargetMissed, "undetermined": PK.VerdictUndetermined}


def _figure(node: NamedNode, prop: NamedNode, printed: NamedNode, figure) -> Iterator[tuple]:
    """A printed figure of a self-evaluation: its value (when a number) and its text (when not empty)."""
    if figure is None:
        return
    if figure.value is not None:
        yield node, prop, _decimal(figure.value)
    if figure.text:
        yield node, printed, _string(figure.text)


_IANA = "http://www.iana.org/assignments/media-types/"
_MEDIA_TYPES = {
    "html": "text/html", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "xls": "application/vnd.ms-excel", "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf", "csv": "text/csv", "tsv": "text/tab-separated-values",
}

_KINDS = {
    "quantity": PK.QuantityTarget, "range": PK.RangeTarget, "deadline": PK.DeadlineTarget,
    "frequency": PK.FrequencyTarget, "formula": PK.FormulaTarget, "qualitative": PK.QualitativeTarget,
}
_COMPARATORS = {
    ">=": PK.GreaterOrEqual, ">": PK.Greater, "<=": PK.LessOrEqual, "<": PK.Less, "=": PK.Equal, "~": PK.Approximately,
}
_TIME = "http://www.w3.org/2006/time#"
_PERIODS = {
    "hour": NamedNode(_TIME + "unitHour"), "day": NamedNode(_TIME + "unitDay"), "week": NamedNode(_TIME + "unitWeek"),
    "month": NamedNode(_TIME + "unitMonth"), "quarter": PK.unitQuarter, "year": NamedNode(_TIME + "unitYear"),
}
_DECIMAL = re.compile(r"^[0-9]+(?:\.[0-9]+)?$")


def _number(value: str | None) -> Literal | None:
    """An exact xsd:decimal for a number written in digits (thousands commas dropped), else None."""
    if value is None:
        return None
    digits = value.replace(",", "")
    return Literal(digits, datatype=XSD.decimal) if _DECIMAL.match(digits) else None


_TARGET_PAIRS: dict[int, tuple[Target, tuple[tuple[NamedNode, ox.Literal | NamedNode], ...]]] = {}


def _target_pairs(target: Target) -> tuple[tuple[NamedNode, ox.Literal | NamedNode], ...]:
    """A target's predicates and objects, worked out once per Target object.

    Target texts repeat (79 % of the bundled table's; the reader hands out one
    frozen Target per text), and building their literals was ≈ 10 % of a
    conversion (issue 9). Keyed by identity, holding the target so its id
    stays its own; cleared when large, so memory stays bounded.
    """
    hit = _TARGET_PAIRS.get(id(target))
    if hit is not None and hit[0] is target:
        return hit[1]
    pairs = ((RDF.type, PK.Target), (PK.targetText, _string(target.text)))
    if target.value is not None:
        pairs += tuple((p, o) for _node, p, o in target_value_triples(None, target.value))
    if len(_TARGET_PAIRS) >= 8192:
        _TARGET_PAIRS.clear()
    _TARGET_PAIRS[id(target)] = (target, pairs)
    return pairs


def target_value_triples(node: NamedNode | None, value: TargetValue) -> Iterator[tuple]:
    """What the target-value parser recognised, as triples on the target node.

    The number "as written" goes to pk:numericValue only when written in
    digits; Chinese numerals (``三级``) keep their text in pk:valueText, with
    the number in pk:normalizedValue.
    """
    yield node, PK.targetKind, _KINDS[value.kind]
    if value.kind == "qualitative":
        yield node, PK.knownQualitative, Literal("true" if is_known_qualitative(value.text) else "false", datatype=XSD.boolean)
    if value.comparator in _COMPARATORS:
        yield node, PK.comparator, _COMPARATORS[value.comparator]
    written = _number(value.value)
    if written is not None:
        yield node, PK.numericValue, written
    elif value.value is not None:
        yield node, PK.valueText, _string(value.value)
    for prop, number in ((PK.normalizedValue, value.normalized), (PK.lowValue, value.low_normalized),
                         (PK.highValue, value.high_normalized), (PK.perCount, value.per_count)):
        if (literal := _number(number)) is not None:
            yield node, prop, literal
    if value.scale:
        yield node, PK.scaleText, _string(value.scale)
    if value.unit:
        yield node, PK.unitText, _string(value.unit)
        if (iri := unit_iri(value.unit)) is not None:
            yield node, PK.unit, NamedNode(iri)
    if value.deadline and value.deadline_datatype:
        yield node, PK.deadline, Literal(value.deadline, datatype=XSD[value.deadline_datatype])
    if value.per_period in _PERIODS:
        yield node, PK.perPeriod, _PERIODS[value.per_period]
    if value.qualifier:
        yield node, PK.qualifier, _string(value.qualifier)


def _problems_by_line(problems: Iterable[Problem]) -> dict[int, list[Problem]]:
    by_line: dict[int, list[Problem]] = {}
    for problem in problems:
        by_line.setdefault(problem.line, []).append(problem)
    return by_line


def _lines_outside_rows(department: Department, problems: dict[int, list[Problem]]) -> list[int]:
    """Problem lines of this department that belong to no row: they go on the table."""
    rows = {department.total.line} if department.total else set()
    for unit in department.units:
        rows.add(unit.line)
        rows.update(p.line for p in unit.projects)
    # The reader gives each table its share of the file (the first one from line
    # 1, the last one to the end), so stray lines before or after rows keep their text.
    first, last = department.lines if department.lines != (0, 0) else (department.first_line, max(rows, default=department.first_line))
    return sorted(line for line in problems if line not in rows and first <= line <= last)
