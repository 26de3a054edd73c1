"""Memory a step freed, given back to the system before the next one starts (issue 15).

glibc's ``malloc`` keeps what a process frees for its own later use: the
pages stay in the process (and count in its RSS and Pss) until the top of a
heap is free, which after a large query, with the store's caches allocated
above its hash tables, is seldom. Oxigraph allocates through the same
``malloc``. Measured in ``perfkg build`` at 100 tables: after
``period-annual-target-differences`` (a 380 MB hash table over the whole
store) the build held 535 MB for the rest of its run; with the freed pages
given back after each answer, 309, and after the last answer 154 instead of
518 (benchmarks/README.md, "Issue 15, tenth session").

:func:`give_back` asks glibc's ``malloc_trim(0)`` to return every free page
of every arena. Where the C library has no such call (musl, macOS) it does
nothing: memory is then as it was before, and nothing else changes.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from functools import lru_cache


@lru_cache(maxsize=1)
def _malloc_trim():
    """glibc's ``malloc_trim``, or None where the C library lacks it."""
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name)
        trim = libc.malloc_trim
    except (OSError, AttributeError, TypeError):
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return trim


def give_back() -> bool:
    """Return the process's free heap pages to the system; True if the C library could (glibc).

    A few milliseconds on a heap of hundreds of MB: called between steps and
    answers, never inside a loop over rows.
    """
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True
