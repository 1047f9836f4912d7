"""Exports of a workshop: a plain-data snapshot, then one module per file format.

``snapshot.export_snapshot`` reads a workshop from the database into plain
data (dicts, lists, strings, numbers); every format (``json_format``,
``csv_format``, ``xlsx_format``, ``html_format``) and ``anonymise`` are pure functions of that
snapshot, testable without a server. ``importer.import_snapshot`` writes a
JSON snapshot back into a database. The formats are described in
docs/exports.md.

This package imports nothing heavy: the CLI imports the module it needs.
"""

FORMAT = "facilitator-export"
VERSION = 1
FORMATS = ("json", "csv", "xlsx", "html")
