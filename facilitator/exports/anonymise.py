"""The anonymised variant of a snapshot: people's names replaced, organisations kept.

Each participant becomes "Participant N" (N in the order they joined, the
same number everywhere in the export: participant list, idea authors, the
copies of participants and authors inside the event log); each table's
facilitator becomes "Facilitator N" (N the table number), in the tables and in
the workshop definition; each action's contact person becomes "Contact N" (N
in the order the contacts first appear in the action plan, the same in the
event log). Free text (ideas, purpose, agenda) is not rewritten:
a name someone typed in an idea stays (docs/exports.md).
"""

from __future__ import annotations

import copy
from typing import Any

# Dicts of event data that describe a person: {"id": participant id, "first_name": ...}.
PERSON_KEYS = ("author", "participant")


def pseudonym(number: int) -> str:
    return f"Participant {number}"


def facilitator_pseudonym(table_number: int) -> str:
    return f"Facilitator {table_number}"


def contact_pseudonym(number: int) -> str:
    return f"Contact {number}"


def anonymise(snapshot: dict) -> dict:
    """A deep copy of ``snapshot`` with names replaced by stable pseudonyms."""
    result = copy.deepcopy(snapshot)
    names = {p["id"]: pseudonym(n) for n, p in enumerate(result["participants"], start=1)}
    for participant in result["participants"]:
        participant["first_name"] = names[participant["id"]]
    for table in result["tables"]:
        if table.get("facilitator_name"):
            table["facilitator_name"] = facilitator_pseudonym(table["number"])
    for table_def in (result["workshop"].get("definition") or {}).get("tables", []):
        facilitator = table_def.get("facilitator") or {}
        if facilitator.get("name"):
            facilitator["name"] = facilitator_pseudonym(table_def["number"])
    contacts: dict[str, str] = {}
    for action in result.get("actions", []):
        if action.get("contact"):
            action["contact"] = contacts.setdefault(action["contact"], contact_pseudonym(len(contacts) + 1))
    for event in result["events"]:
        event["data"] = _replace_people(event["data"], names, contacts)
    result["anonymised"] = True
    return result


def _replace_people(value: Any, names: dict[int, str], contacts: dict[str, str]) -> Any:
    """Replace ``first_name`` in every person dict, and every action ``contact``, anywhere in ``value``."""
    if isinstance(value, list):
        return [_replace_people(v, names, contacts) for v in value]
    if not isinstance(value, dict):
        return value
    out = {k: _replace_people(v, names, contacts) for k, v in value.items()}
    if isinstance(out.get("contact"), str) and out["contact"]:
        out["contact"] = contacts.setdefault(out["contact"], contact_pseudonym(len(contacts) + 1))
    if "first_name" in out:
        # A person whose id is unknown (should not happen) still loses the name.
        out["first_name"] = names.get(out.get("id"), pseudonym(0))
    return out
