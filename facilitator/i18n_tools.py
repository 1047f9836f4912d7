"""Catalogue maintenance: ``python -m facilitator i18n <command>`` (docs/i18n.md).

  import-json [--keep] [--keep-po]
        fold the keys still in facilitator/locales/<lang>.json into the .po
        catalogues (missing keys are added; a key whose .po text differs takes
        the JSON text, as at run time, and is listed; --keep-po keeps the .po
        text instead), rewrite the .po files in their
        canonical form, then delete the JSON files (unless --keep).
  check
        list strings used by templates, scripts or Python code that a
        catalogue lacks, empty entries, keys in one language only and JSON
        leftovers; exit 1 if there is any.
  format
        rewrite the .po files in their canonical form (sorted by key).

The canonical form is what ``write`` produces: a fixed header, entries sorted
by key, no line wrapping, so that re-running a command changes nothing.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from .i18n import LANGUAGES, LOCALES, json_leftovers, po_path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
SCRIPTS = ROOT / "static" / "js"
PACKAGE = ROOT / "facilitator"
FIXED_DATE = datetime(2026, 11, 26, tzinfo=UTC)


def read(lang: str) -> dict[str, str]:
    """Every entry of a language's .po (empty ones included): key -> text."""
    path = po_path(lang)
    if not path.exists():
        return {}
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    return {m.id: m.string or "" for m in catalog if m.id and isinstance(m.id, str)}


def write(lang: str, entries: dict[str, str]) -> None:
    """Write a language's .po in canonical form."""
    catalog = Catalog(
        locale=lang,
        domain="messages",
        project="facilitator",
        version="1",
        copyright_holder="facilitator",
        msgid_bugs_address="-",
        creation_date=FIXED_DATE,
        revision_date=FIXED_DATE,
        language_team=f"{lang} <>",
        last_translator="facilitator",
        charset="utf-8",
        header_comment=f"# facilitator user-interface strings ({lang}).\n# msgids are symbolic keys: see docs/i18n.md.",
    )
    for key in sorted(entries):
        catalog.add(key, entries[key])
    path = po_path(lang)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(handle, catalog, width=0, omit_header=False, include_lineno=False)


def import_json(keep: bool = False, keep_po: bool = False, out=sys.stdout) -> dict:
    """Fold locales/*.json into the .po files; returns {lang: {"added": [...], "conflicts": [...]}}."""
    report = {}
    for lang in LANGUAGES:
        current = read(lang)
        added, conflicts = [], []
        for key, text in json_leftovers(lang).items():
            if key not in current or not current[key]:
                current[key] = text
                added.append(key)
            elif current[key] != text:
                conflicts.append(key)
                if not keep_po:
                    current[key] = text
        write(lang, current)
        report[lang] = {"added": added, "conflicts": conflicts}
        print(
            f"{lang}: {len(added)} key(s) added from JSON, {len(conflicts)} conflict(s) "
            f"({'.po text kept' if keep_po else 'JSON text taken'})",
            file=out,
        )
        for key in conflicts:
            print(f"  conflict: {key}", file=out)
    if not keep:
        for lang in LANGUAGES:
            path = LOCALES / f"{lang}.json"
            if path.exists():
                path.unlink()
                print(f"removed {path.relative_to(ROOT)}", file=out)
        if LOCALES.exists() and not any(LOCALES.iterdir()):
            LOCALES.rmdir()
    return report


# ---------------------------------------------------------------- completeness

TEMPLATE_CALL = re.compile(r"""\b(?:t|_|gettext)\(\s*(['"])([A-Za-z0-9_.]+)\1""")
JS_CALL = re.compile(r"""\bt(\.plural)?\(\s*(['"`])([A-Za-z0-9_.]+)\2""")
JS_LITERAL = re.compile(r"""(['"`])([a-z][a-z0-9_]*\.[a-z0-9_.]*[a-z0-9_])\1""")
JS_SCOPED = re.compile(r"config\.strings\.(\w+)")
JS_COMMENT = re.compile(r"/\*[\s\S]*?\*/|(?<![:\\])//[^\n]*")
PY_LITERAL = re.compile(r"""(['"])(page\.[a-z0-9_]+\.[a-z0-9_.]+)\1""")


@dataclass
class Usage:
    """Keys used by the code base, each with where it was seen."""

    keys: dict[str, set[str]] = field(default_factory=dict)
    plurals: dict[str, set[str]] = field(default_factory=dict)

    def add(self, key: str, where: str, plural: bool = False) -> None:
        (self.plurals if plural else self.keys).setdefault(key, set()).add(where)


def used_keys(catalogue_keys: set[str]) -> Usage:
    """Scan templates (t()/_()), scripts (t()/t.plural(), key-like literals) and Python code."""
    usage = Usage()
    for path in sorted(TEMPLATES.rglob("*.html")):
        where = str(path.relative_to(ROOT))
        for match in TEMPLATE_CALL.finditer(path.read_text(encoding="utf-8")):
            usage.add(match.group(2), where)
    sections = {key.split(".")[1] for key in catalogue_keys if key.startswith("js.")}
    scripts = sorted(p for p in SCRIPTS.glob("*.js"))
    texts = {p: JS_COMMENT.sub(" ", p.read_text(encoding="utf-8")) for p in scripts}
    for text in texts.values():
        for match in JS_CALL.finditer(text):
            sections.add(match.group(3).split(".")[0])
    for path, text in texts.items():
        where = str(path.relative_to(ROOT))
        # A script with its own translator over one section (config.strings.organiser) names keys inside it.
        scoped = JS_SCOPED.search(text)
        prefix = f"js.{scoped.group(1)}." if scoped and "makeT(" not in text else "js."
        plural_keys = set()
        for match in JS_CALL.finditer(text):
            if match.group(1):
                plural_keys.add(match.group(3))
                usage.add(prefix + match.group(3), where, plural=True)
            else:
                usage.add(prefix + match.group(3), where)
        if prefix != "js.":
            continue
        # Keys chosen at run time (t(cond ? "a.b" : "a.c")) appear as literals of a known section.
        for match in JS_LITERAL.finditer(text):
            key = match.group(2)
            if key.split(".")[0] in sections and key not in plural_keys and "." in key:
                if "js." + key not in usage.plurals:
                    usage.add("js." + key, where)
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name.startswith("i18n"):
            continue
        where = str(path.relative_to(ROOT))
        for match in PY_LITERAL.finditer(path.read_text(encoding="utf-8")):
            usage.add(match.group(2), where)
    return usage


def problems() -> list[str]:
    """Every completeness problem, as readable lines (empty: the catalogues are complete)."""
    catalogues = {lang: read(lang) for lang in LANGUAGES}
    out = []
    for lang in LANGUAGES:
        if not catalogues[lang]:
            out.append(f"{lang}: no catalogue at {po_path(lang).relative_to(ROOT)}")
        for key, text in sorted(catalogues[lang].items()):
            if not text.strip():
                out.append(f"{lang}: empty entry {key}")
        leftovers = json_leftovers(lang)
        for key in sorted(k for k in leftovers if catalogues[lang].get(k) != leftovers[k]):
            out.append(f"{lang}: {key} is only in locales/{lang}.json (run: python -m facilitator i18n import-json)")
    # From here on a key still waiting in a JSON file counts as present (reported above).
    catalogues = {lang: {**catalogues[lang], **json_leftovers(lang)} for lang in LANGUAGES}
    fr, en = set(catalogues["fr"]), set(catalogues["en"])
    for key in sorted(fr ^ en):
        out.append(f"{'en' if key in fr else 'fr'}: missing {key} (present in the other language)")
    usage = used_keys(fr | en)
    for lang in LANGUAGES:
        keys = set(catalogues[lang])
        for key, where in sorted(usage.keys.items()):
            if key not in keys:
                # A literal that names a plural family (t.plural elsewhere) is fine.
                if any(k.startswith(key + ".") for k in keys) and key in usage.plurals:
                    continue
                out.append(f"{lang}: missing {key} (used in {', '.join(sorted(where))})")
        for key, where in sorted(usage.plurals.items()):
            if f"{key}.other" not in keys or f"{key}.one" not in keys:
                out.append(f"{lang}: missing plural forms {key}.one/.other (used in {', '.join(sorted(where))})")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m facilitator i18n", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    imp = commands.add_parser("import-json", help="fold locales/*.json into the .po catalogues")
    imp.add_argument("--keep", action="store_true", help="do not delete the JSON files afterwards")
    imp.add_argument("--keep-po", action="store_true", help="on a conflict keep the .po text (default: JSON's)")
    commands.add_parser("check", help="report missing or empty strings (exit 1 if any)")
    commands.add_parser("format", help="rewrite the .po files in canonical form")
    args = parser.parse_args(argv)
    if args.command == "import-json":
        import_json(keep=args.keep, keep_po=args.keep_po)
        return 0
    if args.command == "format":
        for lang in LANGUAGES:
            write(lang, read(lang))
        return 0
    found = problems()
    for line in found:
        print(line)
    print("catalogues complete" if not found else f"{len(found)} problem(s)")
    return 1 if found else 0
