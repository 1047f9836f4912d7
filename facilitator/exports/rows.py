"""What the spreadsheet formats (CSV, XLSX) show, computed once from a snapshot.

Pure functions: the idea rows in reading order (table, then group as on the
board, "À classer" last, then time), the column titles in the workshop's
language, and the state words. Withdrawn ideas are left out of these formats:
their authors took them back (the JSON export keeps them).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .snapshot import parse_moment

LABELS = {
    "fr": {
        "table": "Table",
        "theme": "Thème",
        "group": "Groupe",
        "idea": "Idée",
        "first_name": "Prénom",
        "organisation": "Organisation",
        "state": "État",
        "created_at": "Créée le (UTC)",
        "joined_at": "Arrivée (UTC)",
        "ideas": "Idées",
        "unsorted": "À classer",
        "participants": "Participants",
        "title": "{table} {number} : {theme}",
        "visible": "visible",
        "hidden": "masquée",
        "merged": "fusionnée",
        "withdrawn": "retirée",
        "votes": "Votes",
        "votes_cast": "Votes donnés",
        "rank": "Rang",
        "tied": "Ex æquo",
        "kind": "Type",
        "item": "Proposition",
        "kind_idea": "idée",
        "kind_group": "groupe",
        "yes": "oui",
        "no": "",
        "actions": "Actions",
        "action": "Action",
        "description": "Description",
        "source": "Origine",
        "owner": "Organisation porteuse",
        "contact": "Contact",
        "due": "Échéance",
        "indicator": "Indicateur",
        "status": "État",
        "progress": "Avancement",
        "updated_at": "Mise à jour (UTC)",
        "erased": "(nom effacé)",
        "not_started": "pas commencée",
        "in_progress": "en cours",
        "done": "réalisée",
        "dropped": "abandonnée",
    },
    "en": {
        "table": "Table",
        "theme": "Theme",
        "group": "Group",
        "idea": "Idea",
        "first_name": "First name",
        "organisation": "Organisation",
        "state": "State",
        "created_at": "Created (UTC)",
        "joined_at": "Joined (UTC)",
        "ideas": "Ideas",
        "unsorted": "Unsorted",
        "participants": "Participants",
        "title": "{table} {number}: {theme}",
        "visible": "visible",
        "hidden": "hidden",
        "merged": "merged",
        "withdrawn": "withdrawn",
        "votes": "Votes",
        "votes_cast": "Votes cast",
        "rank": "Rank",
        "tied": "Tied",
        "kind": "Kind",
        "item": "Proposal",
        "kind_idea": "idea",
        "kind_group": "group",
        "yes": "yes",
        "no": "",
        "actions": "Actions",
        "action": "Action",
        "description": "Description",
        "source": "Source",
        "owner": "Owner organisation",
        "contact": "Contact",
        "due": "Due",
        "indicator": "Indicator",
        "status": "Status",
        "progress": "Progress",
        "updated_at": "Updated (UTC)",
        "erased": "(name erased)",
        "not_started": "not started",
        "in_progress": "in progress",
        "done": "done",
        "dropped": "dropped",
    },
}

LEFT_OUT = ("withdrawn",)


def language(snapshot: dict, lang: str | None = None) -> str:
    """The requested language, else the workshop's (its definition), else French."""
    lang = lang or (snapshot["workshop"].get("definition") or {}).get("language") or "fr"
    return lang if lang in LABELS else "fr"


def labels(snapshot: dict, lang: str | None = None) -> dict[str, str]:
    return LABELS[language(snapshot, lang)]


@dataclass(frozen=True)
class IdeaRow:
    table_number: int
    theme: str
    group: str
    text: str
    first_name: str
    organisation: str
    state: str  # the state word in the export's language
    created_at: datetime  # naive UTC
    created_iso: str  # "2026-12-10T09:41:07Z"
    table_id: int
    votes: int = 0  # dots counted for the idea (the table's results: visible ideas only)
    id: str = ""


def vote_counts(snapshot: dict) -> dict[tuple[str, str], int]:
    """{(kind, id): dots} as the tables' results count them."""
    counts: dict[tuple[str, str], int] = {}
    for table in snapshot["tables"]:
        for row in (table.get("results") or {}).get("tally") or []:
            counts[(row["kind"], row["id"])] = row["votes"]
    return counts


def person_name(person: dict, words: dict) -> str:
    """The first name, or "(nom effacé)" for a participant whose name was erased."""
    return words["erased"] if person.get("erased_at") else person["first_name"]


def idea_rows(snapshot: dict, lang: str | None = None) -> list[IdeaRow]:
    """The ideas to show, in reading order."""
    words = labels(snapshot, lang)
    tables = {t["id"]: t for t in snapshot["tables"]}
    people = {p["id"]: p for p in snapshot["participants"]}
    groups = {g["id"]: g for g in snapshot["groups"]}
    unknown = {"first_name": "", "organisation": ""}
    votes = vote_counts(snapshot)

    def order(idea: dict):
        table = tables[idea["table_id"]]
        group = groups.get(idea["group_id"])
        # Groups as on the board (active first, by position); "À classer" last.
        place = (0 if group["active"] else 1, group["position"]) if group else (2, 0)
        return (table["number"], place, idea["created_at"], idea["id"])

    rows = []
    for idea in sorted((i for i in snapshot["ideas"] if i["state"] not in LEFT_OUT), key=order):
        table = tables[idea["table_id"]]
        group = groups.get(idea["group_id"])
        author = people.get(idea["participant_id"], unknown)
        created = parse_moment(idea["created_at"])
        rows.append(
            IdeaRow(
                table_number=table["number"],
                theme=table["theme"],
                group=group["label"] if group else words["unsorted"],
                text=idea["text"],
                first_name=person_name(author, words),
                organisation=author["organisation"],
                state=words.get(idea["state"], idea["state"]),
                created_at=created.replace(microsecond=0),
                created_iso=created.isoformat(timespec="seconds") + "Z",
                table_id=table["id"],
                votes=votes.get(("idea", idea["id"]), 0),
                id=idea["id"],
            )
        )
    return rows
