"""The written report (compte rendu) as one standalone HTML file, printable.

A pure function of the snapshot: ``report_context`` turns it into what the
report shows (context, agenda, participants by organisation, per table its
groups and visible ideas), ``to_html`` renders templates/reports/report.html
with a plain Jinja2 environment (no Flask app needed) with autoescaping on:
every text a person typed is escaped, none is marked safe. The labels follow
the workshop's language (French by default, English for ``language: en``).
Hidden ideas are counted, never shown; withdrawn ones are left out; an idea
merged into another credits its author as a co-author of that idea. Groups
with no visible idea are left out.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from ..config import ROOT
from .rows import language
from .snapshot import parse_moment

TEMPLATES = ROOT / "templates" / "reports"
TEMPLATE = "report.html"

MONTHS = {
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
           "novembre", "décembre"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"),
}

LABELS = {
    "fr": {
        "report": "Compte rendu", "date": "Date", "place": "Lieu", "organiser": "Organisateur",
        "purpose": "Objectif", "agenda": "Programme", "phase": "Séquence", "duration": "Durée",
        "time": "Horaire", "minutes": "{n} min", "total": "Total",
        "participants": "Participants", "organisation": "Organisation", "count": "Nombre",
        "names": "Prénoms", "pseudonyms": "Pseudonymes",
        "participants_total": "{n} participants, {orgs} organisations représentées",
        "table": "Table {number}",
        "question": "Question", "facilitator": "Animation", "nobody": "non précisé",
        "groups": "Groupes d'idées", "unsorted": "À classer", "no_ideas": "Aucune idée.",
        "with": "avec", "idea_count": ("{n} idée", "{n} idées"),
        "hidden": ("{n} idée masquée par la modération (non reproduite).",
                   "{n} idées masquées par la modération (non reproduites)."),
        "not_yet": "Les votes, les priorités et le plan d'actions ne sont pas encore enregistrés "
                   "par l'application : ce compte rendu n'en contient pas.",
        "generated": "Compte rendu produit le {moment} (UTC).",
        "anonymised": "Version anonymisée : les noms des personnes sont remplacés, les organisations conservées.",
        "review": "Premier bilan prévu le {date}.",
    },
    "en": {
        "report": "Workshop report", "date": "Date", "place": "Place", "organiser": "Organiser",
        "purpose": "Purpose", "agenda": "Agenda", "phase": "Phase", "duration": "Duration",
        "time": "Time", "minutes": "{n} min", "total": "Total",
        "participants": "Participants", "organisation": "Organisation", "count": "Count",
        "names": "First names", "pseudonyms": "Pseudonyms",
        "participants_total": "{n} participants, {orgs} organisations represented",
        "table": "Table {number}",
        "question": "Question", "facilitator": "Facilitator", "nobody": "not given",
        "groups": "Groups of ideas", "unsorted": "Unsorted", "no_ideas": "No ideas.",
        "with": "with", "idea_count": ("{n} idea", "{n} ideas"),
        "hidden": ("{n} idea hidden by moderation (not reproduced).",
                   "{n} ideas hidden by moderation (not reproduced)."),
        "not_yet": "Votes, priorities and the action plan are not recorded by the application yet: "
                   "this report does not contain them.",
        "generated": "Report generated on {moment} (UTC).",
        "anonymised": "Anonymised version: people's names are replaced, organisations kept.",
        "review": "First review planned on {date}.",
    },
}


def plural(forms: tuple[str, str], n: int, lang: str) -> str:
    """The singular or plural form with ``n`` in it (French counts 0 and 1 as singular)."""
    one = n <= 1 if lang == "fr" else n == 1
    return forms[0 if one else 1].format(n=n)


def long_date(value: str | None, lang: str) -> str:
    """"2026-12-10" -> "10 décembre 2026" / "10 December 2026" ("" when absent)."""
    if not value:
        return ""
    day = date.fromisoformat(value[:10])
    return f"{day.day} {MONTHS[lang][day.month - 1]} {day.year}"


def _agenda(definition: dict, words: dict) -> tuple[list[dict], str]:
    """The phases with their durations (and clock times when the start time is known), and the total."""
    start = definition.get("start_time")
    clock = datetime.combine(date(2000, 1, 1), datetime.strptime(start[:5], "%H:%M").time()) if start else None
    phases, total = [], 0
    for phase in definition.get("agenda") or []:
        minutes = int(phase.get("minutes") or 0)
        total += minutes
        when = ""
        if clock is not None:
            end = clock + timedelta(minutes=minutes)
            when = f"{clock:%H:%M}–{end:%H:%M}"
            clock = end
        phases.append({"title": phase.get("title", ""), "description": phase.get("description") or "",
                       "minutes": words["minutes"].format(n=minutes), "time": when})
    hours, rest = divmod(total, 60)
    return phases, (f"{hours} h {rest:02d}" if hours else words["minutes"].format(n=rest))


def _author(person: dict | None) -> dict:
    if person is None:
        return {"name": "", "organisation": ""}
    return {"name": person["first_name"], "organisation": person["organisation"]}


def report_context(snapshot: dict, lang: str | None = None) -> dict:
    """Everything the template shows, as plain data (no markup: the template escapes it all)."""
    lang = language(snapshot, lang)
    words = LABELS[lang]
    workshop = snapshot["workshop"]
    definition = workshop.get("definition") or {}
    people = {p["id"]: p for p in snapshot["participants"]}

    organisations: dict[str, list[dict]] = {}
    for person in snapshot["participants"]:
        organisations.setdefault(person["organisation"], []).append(person)
    by_organisation = [{
        "name": name, "count": len(members),
        "names": ", ".join(m["first_name"] for m in members),
    } for name, members in sorted(organisations.items(), key=lambda item: (-len(item[1]), item[0].casefold()))]

    def when(idea: dict):
        return (idea["created_at"], idea["id"])

    merged: dict[str, list[dict]] = {}
    for idea in sorted(snapshot["ideas"], key=when):
        if idea["state"] == "merged" and idea.get("merged_into"):
            merged.setdefault(idea["merged_into"], []).append(idea)

    def shown(idea: dict) -> dict:
        author = people.get(idea["participant_id"])
        co_authors, seen = [], {idea["participant_id"]}
        for other in merged.get(idea["id"], []):
            if other["participant_id"] not in seen:
                seen.add(other["participant_id"])
                co_authors.append(_author(people.get(other["participant_id"])))
        return {"text": idea["text"], "author": _author(author), "co_authors": co_authors}

    tables = []
    for table in sorted(snapshot["tables"], key=lambda t: t["number"]):
        ideas = sorted((i for i in snapshot["ideas"] if i["table_id"] == table["id"]), key=when)
        visible = [i for i in ideas if i["state"] == "visible"]
        hidden = sum(1 for i in ideas if i["state"] == "hidden")
        groups = [g for g in snapshot["groups"] if g["table_id"] == table["id"] and g["active"]]
        groups.sort(key=lambda g: (g["position"], g["created_at"], g["id"]))
        active = {g["id"] for g in groups}
        # Groups as on the board; those without a visible idea (a prepared subtopic nobody
        # wrote to) are left out of the report.
        table_groups = [{"label": g["label"], "ideas": [shown(i) for i in visible if i["group_id"] == g["id"]]}
                        for g in groups]
        table_groups = [g for g in table_groups if g["ideas"]]
        facilitator = " — ".join(part for part in (table.get("facilitator_name"), table.get("facilitator_org"))
                                 if part)
        tables.append({
            "number": table["number"], "heading": words["table"].format(number=table["number"]),
            "theme": table["theme"], "question": table.get("question") or "",
            "facilitator": facilitator or words["nobody"],
            "groups": table_groups,
            "unsorted": [shown(i) for i in visible if i["group_id"] not in active],
            "visible_count": plural(words["idea_count"], len(visible), lang),
            "hidden": plural(words["hidden"], hidden, lang) if hidden else "",
            "participants": sum(1 for p in snapshot["participants"] if p["table_id"] == table["id"]),
        })

    phases, total = _agenda(definition, words)
    review = definition.get("review") or {}
    exported = parse_moment(snapshot.get("exported_at"))
    return {
        "lang": lang,
        "words": words,
        "anonymised": bool(snapshot.get("anonymised")),
        "title": workshop["title"],
        "date": long_date(workshop.get("date"), lang),
        "place": workshop.get("place") or "",
        "organiser": workshop.get("organiser") or "",
        "purpose": workshop.get("purpose") or "",
        "agenda": phases,
        "agenda_total": total,
        "participants_total": words["participants_total"].format(
            n=len(snapshot["participants"]), orgs=len(organisations)),
        "organisations": by_organisation,
        "tables": tables,
        "review": words["review"].format(date=long_date(review["planned_on"], lang))
        if review.get("planned_on") else "",
        "generated": words["generated"].format(moment=f"{exported:%Y-%m-%d %H:%M}") if exported else "",
    }


def _environment() -> Environment:
    return Environment(autoescape=True, loader=FileSystemLoader(str(TEMPLATES)), undefined=StrictUndefined,
                       trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


def to_html(snapshot: dict, lang: str | None = None) -> str:
    """The report as an HTML document (text)."""
    return _environment().get_template(TEMPLATE).render(report_context(snapshot, lang))


def write_html(snapshot: dict, path: Path | str, lang: str | None = None) -> None:
    Path(path).write_text(to_html(snapshot, lang), encoding="utf-8")
