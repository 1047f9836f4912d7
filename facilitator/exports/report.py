"""What the written report (compte rendu) says, as plain data: shared by the HTML, PDF and DOCX formats.

A pure function of the snapshot: ``report_context`` turns it into the
report's content (context, agenda, participants by organisation, per table
its groups, visible ideas and their votes, the table's most-voted items, the
priorities across themes, the action plan, the review), in the workshop's
language (French by default, English for ``language: en``) or the one asked.
Hidden ideas are counted, never shown; withdrawn ones are left out; an idea
merged into another credits its author as a co-author of that idea. Groups
with no visible idea are left out. Erased participants show as "name erased".
No markup here: each format escapes or lays out the text itself.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from .rows import language
from .snapshot import parse_moment

TOP_PER_TABLE = 5  # most-voted items shown per theme (more when tied at the last place)
TOP_PRIORITIES = 10  # most-voted items across themes

MONTHS = {
    "fr": (
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ),
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
}

LABELS = {
    "fr": {
        "report": "Compte rendu",
        "date": "Date",
        "place": "Lieu",
        "organiser": "Organisateur",
        "purpose": "Objectif",
        "agenda": "Programme",
        "phase": "Séquence",
        "duration": "Durée",
        "time": "Horaire",
        "minutes": "{n} min",
        "total": "Total",
        "participants": "Participants",
        "organisation": "Organisation",
        "count": "Nombre",
        "names": "Prénoms",
        "pseudonyms": "Pseudonymes",
        "participants_total": "{n} participants, {orgs} organisations représentées",
        "table": "Table {number}",
        "question": "Question",
        "facilitator": "Animation",
        "nobody": "non précisé",
        "groups": "Groupes d'idées",
        "unsorted": "À classer",
        "no_ideas": "Aucune idée.",
        "with": "avec",
        "idea_count": ("{n} idée", "{n} idées"),
        "hidden": (
            "{n} idée masquée par la modération (non reproduite).",
            "{n} idées masquées par la modération (non reproduites).",
        ),
        "generated": "Compte rendu produit le {moment} (UTC).",
        "anonymised": "Version anonymisée : les noms des personnes sont remplacés, les organisations conservées.",
        "review": "Premier bilan prévu le {date}.",
        "erased": "nom effacé",
        "votes": "Votes",
        "vote_count": ("{n} vote", "{n} votes"),
        "rank": "Rang",
        "tied": "ex æquo",
        "item": "Proposition",
        "theme": "Thème",
        "top_items": "Les plus soutenues",
        "no_votes": "Aucun vote enregistré.",
        "voting_summary": ("{dots} votes de {voters} participant", "{dots} votes de {voters} participants"),
        "kind_group": "groupe",
        "kind_idea": "idée",
        "priorities": "Priorités",
        "priorities_intro": "Les propositions qui ont reçu le plus de votes, toutes tables confondues.",
        "actions": "Plan d'actions",
        "no_actions": "Aucune action enregistrée.",
        "action": "Action",
        "owner": "Porteur",
        "contact": "Contact",
        "due": "Échéance",
        "indicator": "Indicateur de réussite",
        "status": "État",
        "source": "Origine",
        "progress": "Avancement",
        "source_group": "Groupe « {label} »",
        "source_idea": "Idée « {label} »",
        "source_none": "—",
        "not_started": "pas commencée",
        "in_progress": "en cours",
        "done": "réalisée",
        "dropped": "abandonnée",
        "review_title": "Bilan",
        "review_date": "Date du bilan",
        "review_state": "Suivi",
        "review_open": "ouvert : chaque organisation porteuse met à jour ses actions",
        "review_closed": "pas encore ouvert",
        "by_organisation": "Par organisation porteuse",
        "by_theme": "Par thème",
        "all_themes": "Hors table",
        "total_actions": "Actions",
    },
    "en": {
        "report": "Workshop report",
        "date": "Date",
        "place": "Place",
        "organiser": "Organiser",
        "purpose": "Purpose",
        "agenda": "Agenda",
        "phase": "Phase",
        "duration": "Duration",
        "time": "Time",
        "minutes": "{n} min",
        "total": "Total",
        "participants": "Participants",
        "organisation": "Organisation",
        "count": "Count",
        "names": "First names",
        "pseudonyms": "Pseudonyms",
        "participants_total": "{n} participants, {orgs} organisations represented",
        "table": "Table {number}",
        "question": "Question",
        "facilitator": "Facilitator",
        "nobody": "not given",
        "groups": "Groups of ideas",
        "unsorted": "Unsorted",
        "no_ideas": "No ideas.",
        "with": "with",
        "idea_count": ("{n} idea", "{n} ideas"),
        "hidden": (
            "{n} idea hidden by moderation (not reproduced).",
            "{n} ideas hidden by moderation (not reproduced).",
        ),
        "generated": "Report generated on {moment} (UTC).",
        "anonymised": "Anonymised version: people's names are replaced, organisations kept.",
        "review": "First review planned on {date}.",
        "erased": "name erased",
        "votes": "Votes",
        "vote_count": ("{n} vote", "{n} votes"),
        "rank": "Rank",
        "tied": "tied",
        "item": "Proposal",
        "theme": "Theme",
        "top_items": "Most supported",
        "no_votes": "No votes recorded.",
        "voting_summary": ("{dots} votes from {voters} participant", "{dots} votes from {voters} participants"),
        "kind_group": "group",
        "kind_idea": "idea",
        "priorities": "Priorities",
        "priorities_intro": "The proposals with the most votes, all tables together.",
        "actions": "Action plan",
        "no_actions": "No actions recorded.",
        "action": "Action",
        "owner": "Owner",
        "contact": "Contact",
        "due": "Due",
        "indicator": "Success indicator",
        "status": "Status",
        "source": "Source",
        "progress": "Progress",
        "source_group": "Group “{label}”",
        "source_idea": "Idea “{label}”",
        "source_none": "—",
        "not_started": "not started",
        "in_progress": "in progress",
        "done": "done",
        "dropped": "dropped",
        "review_title": "Review",
        "review_date": "Review date",
        "review_state": "Follow-up",
        "review_open": "open: each owner organisation updates its actions",
        "review_closed": "not open yet",
        "by_organisation": "By owner organisation",
        "by_theme": "By theme",
        "all_themes": "No table",
        "total_actions": "Actions",
    },
}


def plural(forms: tuple[str, str], n: int, lang: str) -> str:
    """The singular or plural form with ``n`` in it (French counts 0 and 1 as singular)."""
    one = n <= 1 if lang == "fr" else n == 1
    return forms[0 if one else 1].format(n=n)


def long_date(value: str | None, lang: str) -> str:
    """ "2026-12-10" -> "10 décembre 2026" / "10 December 2026" ("" when absent)."""
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
        phases.append(
            {
                "title": phase.get("title", ""),
                "description": phase.get("description") or "",
                "minutes": words["minutes"].format(n=minutes),
                "time": when,
            }
        )
    hours, rest = divmod(total, 60)
    return phases, (f"{hours} h {rest:02d}" if hours else words["minutes"].format(n=rest))


STATUSES = ("not_started", "in_progress", "done", "dropped")


def _name(person: dict, words: dict) -> str:
    return f"({words['erased']})" if person.get("erased_at") else person["first_name"]


def _author(person: dict | None, words: dict) -> dict:
    if person is None:
        return {"name": "", "organisation": ""}
    return {"name": _name(person, words), "organisation": person["organisation"]}


def _names(members: list[dict], words: dict) -> str:
    """ "Anne, Paul" — erased people counted at the end: "Anne, 2 × (name erased)"."""
    names = [m["first_name"] for m in members if not m.get("erased_at")]
    erased = sum(1 for m in members if m.get("erased_at"))
    if erased:
        names.append(f"{erased} × ({words['erased']})" if erased > 1 else f"({words['erased']})")
    return ", ".join(names)


def _voting(results: dict | None, words: dict, lang: str) -> str:
    """ "27 votes de 9 participants" ("" without votes)."""
    if not results or not results.get("dots"):
        return ""
    one = results["voters"] <= 1 if lang == "fr" else results["voters"] == 1
    return words["voting_summary"][0 if one else 1].format(dots=results["dots"], voters=results["voters"])


def _short(text: str, limit: int = 90) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _ranked(rows: list[dict], limit: int) -> list[dict]:
    """Rows with votes, best first, cut after ``limit`` but keeping every row tied with the last kept."""
    rows = [r for r in rows if r["votes"] > 0]
    if len(rows) > limit:
        last = rows[limit - 1]["votes"]
        rows = rows[:limit] + [r for r in rows[limit:] if r["votes"] == last][:limit]
    return rows


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
    by_organisation = [
        {
            "name": name,
            "count": len(members),
            "names": _names(members, words),
        }
        for name, members in sorted(organisations.items(), key=lambda item: (-len(item[1]), item[0].casefold()))
    ]

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
                co_authors.append(_author(people.get(other["participant_id"]), words))
        return {
            "text": idea["text"],
            "author": _author(author, words),
            "co_authors": co_authors,
            "votes": votes.get(("idea", idea["id"]), 0),
            "votes_text": plural(words["vote_count"], votes.get(("idea", idea["id"]), 0), lang)
            if votes.get(("idea", idea["id"]))
            else "",
        }

    texts = {("idea", i["id"]): i["text"] for i in snapshot["ideas"]}
    texts.update({("group", g["id"]): g["label"] for g in snapshot["groups"]})
    tables_by_id = {t["id"]: t for t in snapshot["tables"]}
    votes: dict[tuple[str, str], int] = {}
    all_rows: list[dict] = []
    for table in snapshot["tables"]:
        results = table.get("results") or {"dots": 0, "voters": 0, "tally": []}
        for row in results["tally"]:
            votes[(row["kind"], row["id"])] = row["votes"]
            all_rows.append({**row, "table_id": table["id"]})

    def item(row: dict) -> dict:
        table = tables_by_id[row["table_id"]]
        return {
            "rank": row["rank"],
            "tied": row["tied"],
            "votes": row["votes"],
            "kind": words["kind_" + row["kind"]],
            "text": texts.get((row["kind"], row["id"]), ""),
            "table": words["table"].format(number=table["number"]),
            "theme": table["theme"],
        }

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
        table_groups = [
            {
                "label": g["label"],
                "ideas": [shown(i) for i in visible if i["group_id"] == g["id"]],
                "votes_text": plural(words["vote_count"], votes[("group", g["id"])], lang)
                if votes.get(("group", g["id"]))
                else "",
            }
            for g in groups
        ]
        table_groups = [g for g in table_groups if g["ideas"]]
        facilitator = " — ".join(part for part in (table.get("facilitator_name"), table.get("facilitator_org")) if part)
        tables.append(
            {
                "number": table["number"],
                "heading": words["table"].format(number=table["number"]),
                "theme": table["theme"],
                "question": table.get("question") or "",
                "facilitator": facilitator or words["nobody"],
                "groups": table_groups,
                "unsorted": [shown(i) for i in visible if i["group_id"] not in active],
                "visible_count": plural(words["idea_count"], len(visible), lang),
                "hidden": plural(words["hidden"], hidden, lang) if hidden else "",
                "participants": sum(1 for p in snapshot["participants"] if p["table_id"] == table["id"]),
                "top": [
                    item({**row, "table_id": table["id"]})
                    for row in _ranked((table.get("results") or {}).get("tally", []), TOP_PER_TABLE)
                ],
                "voting": _voting(table.get("results"), words, lang),
            }
        )

    # Priorities: the most-voted items of every table, ranked together (same votes, same rank).
    overall = sorted(all_rows, key=lambda r: (-r["votes"], tables_by_id[r["table_id"]]["number"], r["rank"]))
    priorities = []
    for position, row in enumerate(_ranked(overall, TOP_PRIORITIES)):
        rank = priorities[-1]["rank"] if priorities and priorities[-1]["votes"] == row["votes"] else position + 1
        priorities.append({**item(row), "rank": rank})
    for before, after in zip(priorities, priorities[1:]):
        if before["votes"] == after["votes"]:
            before["tied"] = after["tied"] = True
    for row in priorities:
        row["tied"] = row["tied"] or sum(1 for r in priorities if r["votes"] == row["votes"]) > 1

    actions = _actions(snapshot, words, lang, texts, tables_by_id)

    phases, total = _agenda(definition, words)
    review = definition.get("review") or {}
    review_on = workshop.get("review_on") or (str(review["planned_on"]) if review.get("planned_on") else None)
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
            n=len(snapshot["participants"]), orgs=len(organisations)
        ),
        "organisations": by_organisation,
        "tables": tables,
        "voted": any(t["top"] for t in tables),
        "priorities": priorities,
        "actions": actions,
        "review": words["review"].format(date=long_date(review_on, lang)) if review_on else "",
        "review_section": _review(snapshot, words, lang, actions, review_on),
        "generated": words["generated"].format(moment=f"{exported:%Y-%m-%d %H:%M}") if exported else "",
    }


def _actions(snapshot: dict, words: dict, lang: str, texts: dict, tables_by_id: dict) -> list[dict]:
    """The action plan in table order (actions with no table last), each with where it came from."""

    def order(action: dict):
        table = tables_by_id.get(action.get("table_id"))
        return (table["number"] if table else 10**6, action["created_at"], action["id"])

    rows = []
    for action in sorted(snapshot.get("actions", []), key=order):
        table = tables_by_id.get(action.get("table_id"))
        kind, ident = action.get("source_kind"), action.get("source_id")
        label = texts.get((kind, ident)) if kind else None
        source = words[f"source_{kind}"].format(label=_short(label)) if label else words["source_none"]
        status = action.get("status") or "not_started"
        rows.append(
            {
                "title": action["title"],
                "description": action.get("description") or "",
                "table": words["table"].format(number=table["number"]) if table else words["all_themes"],
                "theme": table["theme"] if table else "",
                "table_number": table["number"] if table else None,
                "source": source,
                "owner": action.get("owner_org") or "",
                "contact": action.get("contact") or "",
                "due": long_date(action.get("due_on"), lang),
                "due_on": action.get("due_on"),
                "indicator": action.get("indicator") or "",
                "status_key": status,
                "status": words.get(status, status),
                "progress": action.get("progress_note") or "",
            }
        )
    return rows


def _review(snapshot: dict, words: dict, lang: str, actions: list[dict], review_on: str | None) -> dict | None:
    """The review (bilan): its date and state, progress of the actions per organisation and per theme.

    None when there is nothing to say yet: no review date, no action updated.
    """
    started = any(a["status_key"] != "not_started" or a["progress"] for a in actions)
    if not review_on and not started and not snapshot["workshop"].get("review_open"):
        return None

    def counts(key) -> list[dict]:
        groups: dict[str, dict] = {}
        for action in actions:
            name = key(action)
            entry = groups.setdefault(name, {"name": name, "total": 0, **{s: 0 for s in STATUSES}})
            entry["total"] += 1
            entry[action["status_key"]] = entry.get(action["status_key"], 0) + 1
        return list(groups.values())

    return {
        "date": long_date(review_on, lang) if review_on else "",
        "state": words["review_open"] if snapshot["workshop"].get("review_open") else words["review_closed"],
        "statuses": [{"key": s, "label": words[s]} for s in STATUSES],
        "by_organisation": sorted(
            counts(lambda a: a["owner"] or words["source_none"]), key=lambda e: e["name"].casefold()
        ),
        "by_theme": counts(lambda a: a["table"] + (f" — {a['theme']}" if a["theme"] else "")),
    }
