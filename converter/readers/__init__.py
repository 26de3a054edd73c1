"""Readers: documents of every layout and container format → typed records.

Data flows one way: a *format* module (``formats/``) turns a file's bytes into
:class:`~converter.readers.grid.Block` s (tables of cells, and the text
between them); a *layout* module (``layouts/``) turns blocks into the
layout-independent records of :mod:`converter.records`. Nothing after the
records knows which layout or format a table came from.
"""
