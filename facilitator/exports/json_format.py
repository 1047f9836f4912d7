"""The snapshot as a JSON file (UTF-8, indented): the complete, importable export."""

from __future__ import annotations

import json
from pathlib import Path


def to_json(snapshot: dict) -> str:
    return json.dumps(snapshot, ensure_ascii=False, indent=2) + "\n"


def write_json(snapshot: dict, path: Path | str) -> None:
    Path(path).write_text(to_json(snapshot), encoding="utf-8")


def read_json(path: Path | str) -> dict:
    """The parsed file; OSError, UnicodeDecodeError or ValueError (json) when unreadable."""
    return json.loads(Path(path).read_text(encoding="utf-8"))
