"""perfkg's public import name: ``import perfkg`` is the package of the ``converter/`` folder.

The code lives in ``converter/`` (the folder the project started with); this
thin alias makes ``perfkg`` the same module object, and ``perfkg.store``,
``from perfkg.query import Result`` … the very modules ``converter.store``,
``converter.query`` …, not copies, so classes and state are shared whichever
name imported them. The public API::

    import perfkg
    graph = perfkg.graph_of("table.txt")          # an in-memory pyoxigraph Store
    table = perfkg.read_table("table.txt")        # the records of one table
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys

import converter as _converter

_REAL = "converter"


class _Alias(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finds ``perfkg.X`` as the module ``converter.X``."""

    def find_spec(self, name, path=None, target=None):
        if not name.startswith(__name__ + ".") or name == __name__ + ".__main__":
            return None  # python -m perfkg: the normal finder runs converter/__main__.py
        return importlib.machinery.ModuleSpec(name, self)

    def create_module(self, spec):
        module = importlib.import_module(_REAL + spec.name[len(__name__) :])
        self._specs[spec.name] = module.__spec__
        return module

    def exec_module(self, module) -> None:
        # the real module has run already; the import system set its __spec__ to the alias's: put it back
        module.__spec__ = self._specs.pop(module.__spec__.name, module.__spec__)

    def __init__(self) -> None:
        self._specs: dict = {}


if not any(isinstance(f, _Alias) for f in sys.meta_path):
    sys.meta_path.insert(0, _Alias())
sys.modules[__name__] = _converter
