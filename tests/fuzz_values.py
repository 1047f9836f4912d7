"""Hypothesis strategies shared by the fuzz tests (tests/integration/test_fuzz_*.py).

Hostile and boundary values: wrong types, huge and negative numbers, floats
(NaN, infinities), nested lists and dicts, very long strings, unicode edge
cases (emoji, combining marks, right-to-left marks, lone surrogates, NUL and
other control characters), empty strings and UUID-like strings.

KNOWN_PENDING lists the inputs that still break the server at the time of
writing and are fixed on other branches (issue 10): control characters, lone
surrogates and NUL bytes in text. They are part of the strategies; set
FUZZ_WITHOUT_PENDING=1 to leave them out while looking for other defects.
"""

from __future__ import annotations

import os
import uuid

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

# Expected to fail until the other branches of issue 10 land (control characters, lone
# surrogates and NUL in text giving `internal` / 500 or breaking exports).
KNOWN_PENDING_CHARACTERS = "\x00\x01\x07\x08\x0b\x0c\x1b\x1f\x7f\x85\ud800\udfff"
WITHOUT_PENDING = os.environ.get("FUZZ_WITHOUT_PENDING") == "1"

# Reproducible in CI: the same examples on every run, no example database; no deadline (a busy 2-core
# machine); the fixtures build one app per test, shared by its examples on purpose.
settings.register_profile(
    "fuzz",
    derandomize=True,
    database=None,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)


def _clean(text: str) -> str:
    if not WITHOUT_PENDING:
        return text
    return "".join(
        c
        for c in text
        if c not in KNOWN_PENDING_CHARACTERS and not (c < " " and c not in "\t\n\r") and not "\ud800" <= c <= "\udfff"
    )


EDGE_STRINGS = [
    "",
    " ",
    "\t",
    "\n",
    "\r\n",
    "  padded  ",
    "0",
    "-1",
    "1e309",
    "NaN",
    "null",
    "true",
    "[]",
    "{}",
    "a" * 281,
    "é" * 2001,
    "x" * 20000,
    "🎉" * 300,
    "👩‍👩‍👧‍👦",
    "e\u0301" * 50,
    "\u0301",
    "\u202eevil\u202c",
    "\u200f\u200e\u061c",
    "\u2028\u2029",
    "\ufeff",
    "\uffff",
    "\U0010ffff",
    "ℌ𝔢𝔩𝔩𝔬",
    "２０２７-０６-３０",
    "²",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "%s%n{0}{}",
    "../../etc/passwd",
    "DEVUP",
    "TERRITOIRE",
    "devup",
    "00000000-0000-0000-0000-000000000000",
    "{12345678-1234-5678-1234-567812345678}",
    "urn:uuid:12345678-1234-5678-1234-567812345678",
    "12345678123456781234567812345678",
    "12345678-1234-5678-1234-56781234567",
    "2027-02-30",
    "2027-06-30",
    "9999-12-31",
    "0001-01-01",
    # Expected to fail until the other branches land (see KNOWN_PENDING_CHARACTERS):
    "\x00",
    "a\x00b",
    "\ud800",
    "a\udfffb",
    "\x1b[31mred",
    "bell\x07",
    "\x7f",
    "line\x0bbreak",
    "\x85",
]

texts = st.one_of(
    st.sampled_from(EDGE_STRINGS),
    st.text(st.characters(exclude_categories=()), max_size=40),  # every code point, surrogates included
    st.text(st.characters(codec="utf-8"), min_size=270, max_size=300),
).map(_clean)

INTEGERS = [0, 1, -1, 2, 59, 60, 61, 2**31 - 1, 2**31, -(2**31), 2**53 + 1, 2**63, 2**64, -(2**63), 10**30]
numbers = st.one_of(
    st.sampled_from(INTEGERS),
    st.integers(-100, 100),
    st.integers(),
    st.sampled_from([float("nan"), float("inf"), float("-inf"), -0.0, 0.5, 1.0, 1e308, -1e-308]),
    st.floats(),
)
scalars = st.one_of(st.none(), st.booleans(), numbers, texts)
hostile = st.one_of(
    scalars,
    st.recursive(
        scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(texts, inner, max_size=4), max_leaves=8
    ),
    st.just([[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[0]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]),
    st.just({"a": {"b": {"c": {"d": {"e": {"f": {"g": {"h": {}}}}}}}}}),
    st.uuids().map(str),
)


def some_uuid() -> st.SearchStrategy[str]:
    """A random UUID in one of the spellings uuid.UUID accepts."""
    return st.uuids().flatmap(lambda u: st.sampled_from([str(u), str(u).upper(), u.hex, f"{{{u}}}", f"urn:uuid:{u}"]))


def spellings(ident: str) -> list[str]:
    """Other spellings of a known UUID (the server must read them as the same id or refuse them cleanly)."""
    u = uuid.UUID(ident)
    return [ident, ident.upper(), u.hex, f"{{{ident}}}", f" {ident} ", ident + "\n"]


def weighted(*choices: tuple[int, st.SearchStrategy]) -> st.SearchStrategy:
    """One of the strategies, drawn with these weights (shrinks towards the first)."""
    table = [strategy for weight, strategy in choices for _ in range(weight)]
    return st.integers(0, len(table) - 1).flatmap(lambda i: table[i])
