"""Text forms shared across the pipeline: how two printings of one word compare, how a column is lettered.

Published tables print the same name with full-width letters and digits (``ＡＢＣ``, ``１２``), with a space
or a line break a layout put inside a word (``项目主管部\\n门``), or with neither; every comparison of names,
labels and symbols (and every IRI key minted from a name) folds them the same way, so it lives once, here.
"""

from __future__ import annotations

import unicodedata

__all__ = ["column_letters", "fold"]


def fold(text: str) -> str:
    """``text`` in NFKC with all white space removed: the key two printings of one word share."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def column_letters(column: int) -> str:
    """The spreadsheet letters of a 0-based column (0 → ``A``, 25 → ``Z``, 26 → ``AA``)."""
    letters = ""
    column += 1
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
