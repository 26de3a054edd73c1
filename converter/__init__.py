"""perfkg: turn 项目支出绩效目标表 into a knowledge graph.

The pipeline flows one way: :mod:`reader` (text → records, with
:mod:`indicators` for the indicator cell) → :mod:`graph` (records → quads) →
:mod:`serialize` / the store. The public API::

    from converter import read_table, read_tables, write_graph, graph_of
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("perfkg")
except PackageNotFoundError:  # running from a checkout that was never installed
    __version__ = "0.0.0+checkout"

from .convert import Conversion, graph_of, quads, read_tables, write_graph  # noqa: E402
from .reader import TableError, read_table  # noqa: E402

__all__ = ["Conversion", "TableError", "__version__", "graph_of", "quads", "read_table", "read_tables", "write_graph"]
