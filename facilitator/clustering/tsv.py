"""The command-line contract's files: plain tab-separated values with a header, UTF-8.

No quoting convention: a field is everything between two tabs (so texts are passed through
byte for byte). Errors raise TsvError with a message naming the file and line.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TextIO


class TsvError(ValueError):
    """A file that does not follow the contract."""


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]


def read_table(path: str, required: Iterable[str]) -> Table:
    """Read a TSV file, checking the header has `required` columns and every row its width."""
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except FileNotFoundError:
        raise TsvError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise TsvError(f"{path}: is a directory, not a TSV file") from None
    except OSError as e:
        raise TsvError(f"{path}: cannot read ({e.strerror})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        raise TsvError(f"{path}: line {line}: not valid UTF-8") from None
    lines = text.splitlines()
    while lines and not lines[-1].strip():
        lines.pop()
    if not lines or not lines[0].strip():
        raise TsvError(f"{path}: empty file (a header line is required)")
    header = [h.strip() for h in lines[0].split("\t")]
    if len(header) == 1 and ("," in header[0] or ";" in header[0]):
        raise TsvError(f"{path}: line 1: no tab in the header; the file must be tab-separated")
    dupes = sorted({h for h in header if header.count(h) > 1})
    if dupes:
        raise TsvError(f"{path}: line 1: duplicate column(s) {', '.join(dupes)}")
    missing = [c for c in required if c not in header]
    if missing:
        raise TsvError(f"{path}: line 1: missing required column(s) {', '.join(missing)} (found: {', '.join(header)})")
    rows = []
    for n, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        fields = line.split("\t")
        if len(fields) < len(header):  # trailing empty fields are often trimmed by editors
            fields += [""] * (len(header) - len(fields))
        if len(fields) > len(header):
            raise TsvError(f"{path}: line {n}: {len(fields)} fields but the header has {len(header)}")
        rows.append(fields)
    return Table(header, rows)


def write_table(out: TextIO, header: list[str], rows: Iterable[list[str]]) -> None:
    """Write a TSV table (tabs and line breaks inside values are replaced by spaces)."""

    def clean(v: str) -> str:
        return v.replace("\t", " ").replace("\r", " ").replace("\n", " ")

    out.write("\t".join(clean(h) for h in header) + "\n")
    for r in rows:
        out.write("\t".join(clean(v) for v in r) + "\n")
