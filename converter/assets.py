"""Find the project's assets: ontology, shapes, saved queries, gazetteers.

In an installed wheel they live inside the package (``converter/assets/…``,
put there by the build's ``force-include``); in a checkout they are the
top-level folders beside the package. Both are reached through
:mod:`importlib.resources`, so nothing depends on the working directory.
"""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

KINDS = ("ontology", "shapes", "queries", "data")


class AssetError(FileNotFoundError):
    """An asset the package needs is missing: the installation is broken."""


def asset_dir(kind: str) -> Traversable:
    """The folder of one kind of asset."""
    if kind not in KINDS:
        raise ValueError(f"unknown asset kind {kind!r}; expected one of {', '.join(KINDS)}")
    packaged = files("converter") / "assets" / kind
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parent.parent / kind
    if checkout.is_dir():
        return checkout
    raise AssetError(f"the {kind}/ folder is missing from the installation (looked in {packaged} and {checkout}); reinstall perfkg")


def asset(kind: str, name: str) -> Traversable:
    """One asset file, with a clear error naming it when it is missing."""
    path = asset_dir(kind) / name
    if not path.is_file():
        raise AssetError(f"{kind}/{name} is missing from the installation; reinstall perfkg")
    return path


def read_text(kind: str, name: str) -> str:
    return asset(kind, name).read_text(encoding="utf-8")


def list_assets(kind: str, suffix: str) -> list[str]:
    """Names of the assets of one kind with a suffix, sorted."""
    return sorted(p.name for p in asset_dir(kind).iterdir() if p.name.endswith(suffix))
