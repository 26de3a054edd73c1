"""perfkg: turn 项目支出绩效目标表 into a knowledge graph.

The pipeline flows one way: :mod:`readers` (documents of every format and
layout → cells → records: :func:`read_source`; the Guangzhou text table's
:mod:`reader`, with :mod:`indicators` for its indicator cell) → :mod:`graph`
(records → quads) → :mod:`serialize` / the store. The public API::

    from converter import read_source, ReadOptions, read_tables, write_graph, graph_of

    table = read_source("form.xlsx", ReadOptions(department="六安市金安区体育局"))
    [project.name for d in table.departments for u in d.units for project in u.projects]
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("perfkg")
except PackageNotFoundError:  # running from a checkout that was never installed
    __version__ = "0.0.0+checkout"

from .convert import Conversion, graph_of, quads, read_tables, write_graph  # noqa: E402
from .reader import TableError, read_table  # noqa: E402
from .readers.source import LAYOUTS, ReadOptions, SourceError, read_source  # noqa: E402

__all__ = [
    "LAYOUTS", "Conversion", "ReadOptions", "SourceError", "TableError", "__version__", "graph_of", "quads",
    "read_source", "read_table", "read_tables", "write_graph",
]
