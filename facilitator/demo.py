"""A finished workshop for demonstrations, tests and benchmarks: people, ideas, groups, votes, actions.

``fill_workshop(workshop_id, ...)`` writes rows straight into the database
(no commands, no events: it describes what a morning leaves behind, fast
enough for a 2,000-idea benchmark). The workshop must exist (loaded from
sessions/) and is expected to be empty of participants. Deterministic for a
given ``seed``. Used by ``python -m facilitator demo CODE``, by the export
tests (tests/integration/test_reports.py) and by bench/exports.py.

Texts are French, with what a French report must render: accents, "œ", the
typographic apostrophe "’" and "€".
"""

from __future__ import annotations

import random
import uuid
from datetime import date, datetime, timedelta

from sqlalchemy import select

from .extensions import db
from .models import Action, Group, Idea, Participant, ReviewLink, RoundTable, Vote, Workshop

FIRST_NAMES = (
    "Gwenaëlle",
    "Baptiste",
    "Solène",
    "Thibault",
    "Maëlys",
    "Yannick",
    "Hélène",
    "Jérôme",
    "Anaïs",
    "François",
    "Chloé",
    "Benoît",
    "Élodie",
    "Grégoire",
    "Noémie",
    "Loïc",
    "Céline",
    "Mathéo",
    "Inès",
    "Raphaël",
    "Agnès",
    "Clément",
    "Zoé",
    "Stéphane",
    "Léa",
    "Gaëtan",
    "Margaux",
    "Hervé",
    "Béatrice",
    "Joël",
)

# Per table number: idea texts (the board's ideas are these, then variants with a qualifier).
IDEAS = {
    1: (
        "Créer une cotisation modulée selon la taille de l’entreprise",
        "Proposer une adhésion découverte à 500 € la première année",
        "Offrir un premier rendez-vous d’affaires gratuit aux nouveaux adhérents",
        "Valoriser les avantages réservés aux adhérents dans une lettre d’information",
        "Relancer les adhérents un mois avant le renouvellement",
        "Mettre en œuvre un parrainage : un adhérent en recrute un autre",
        "Publier chaque année le bilan des services rendus à chaque adhérent",
        "Créer un club des grands comptes avec une cotisation majorée",
        "Faire témoigner des adhérents satisfaits lors des événements",
        "Associer les adhérents au choix des actions de l’année",
    ),
    2: (
        "Organiser des rendez-vous acheteurs sur les salons professionnels",
        "Mutualiser les achats d’énergie entre adhérents",
        "Monter des missions collectives à l’export vers l’Allemagne",
        "Partager une veille marché par filière, payante au-delà de l’offre de base",
        "Créer une place de marché en ligne entre adhérents",
        "Proposer un stand collectif sur les grands salons à prix réduit",
        "Mettre en relation les PME avec les donneurs d’ordre régionaux",
        "Vendre des études de marché ciblées aux non-adhérents",
        "Organiser des conventions d’affaires avec les pôles voisins",
        "Négocier des offres groupées d’assurance et de logistique",
    ),
    3: (
        "Diagnostic de croissance individuel pour chaque PME",
        "Mentorat entre dirigeants de PME et d’ETI",
        "Aider à la levée de fonds avec des investisseurs régionaux",
        "Accompagner le montage de dossiers de subventions européennes",
        "Créer un parcours de croissance en cinq étapes avec un référent unique",
        "Mutualiser un recrutement de profils rares entre PME",
        "Former les dirigeants au pilotage financier",
        "Proposer un suivi trimestriel des indicateurs de croissance",
        "Mettre en réseau les PME avec les laboratoires de recherche",
        "Ouvrir un guichet unique des aides régionales pour les PME",
    ),
}
QUALIFIERS = (
    "",
    "pour les PME",
    "dès 2027",
    "avec la Région",
    "en lien avec les autres pôles",
    "à l’échelle régionale",
    "pour les start-up",
    "avec un coût maîtrisé (moins de 2 000 €)",
    "en s’appuyant sur les adhérents",
    "sur le modèle de Néopolia",
    "avec un bilan à neuf mois",
)

ACTIONS = (  # table number, source ("group" index or "idea" index on that table), title, indicator, status
    (1, ("group", 0), "Nouvelle grille de cotisations modulées", "Grille votée en assemblée générale", "in_progress"),
    (1, ("idea", 1), "Adhésion découverte à 500 € la première année", "20 nouveaux adhérents en 2027", "not_started"),
    (2, ("group", 0), "Rendez-vous acheteurs sur deux salons", "40 rendez-vous d’affaires organisés", "done"),
    (2, ("idea", 1), "Groupement d’achats d’énergie", "15 adhérents dans le groupement", "in_progress"),
    (3, ("group", 3), "Programme de mentorat entre dirigeants", "12 binômes actifs", "not_started"),
    (3, ("idea", 0), "Diagnostic de croissance pour chaque nouvel adhérent", "30 diagnostics réalisés", "dropped"),
    (None, None, "Bilan commun des pôles et clusters à neuf mois", "Bilan présenté en septembre 2027", "not_started"),
)


def fill_workshop(
    workshop_id: int, participants: int = 30, ideas: int = 90, seed: int = 1, erase: int = 1, actions: bool = True
) -> dict:
    """Add people, ideas (in the tables' groups), dot votes, actions and review links; commit.

    ``ideas`` is the total over all tables. ``erase``: how many participants
    (the last ones) have had their name erased (``erased_at`` set, name "").
    Returns a summary: ids of what a test wants to look at.
    """
    rng = random.Random(seed)
    workshop = db.session.get(Workshop, workshop_id)
    tables = (
        db.session.execute(select(RoundTable).where(RoundTable.workshop_id == workshop_id).order_by(RoundTable.number))
        .scalars()
        .all()
    )
    organisations = [o["name"] for o in (workshop.definition or {}).get("organisations", [])] or ["Dev'Up"]
    start = datetime.combine(workshop.starts_on or date(2026, 12, 10), datetime.min.time()) + timedelta(hours=8)

    people = []
    for n in range(participants):
        first = FIRST_NAMES[n % len(FIRST_NAMES)] + ("" if n < len(FIRST_NAMES) else f" {n // len(FIRST_NAMES)}")
        people.append(
            Participant(
                workshop_id=workshop_id,
                table_id=tables[n % len(tables)].id,
                first_name=first[:40],
                organisation=organisations[n % len(organisations)],
                created_at=start + timedelta(seconds=20 * n),
            )
        )
    db.session.add_all(people)
    db.session.flush()

    groups = {
        t.id: db.session.execute(
            select(Group).where(Group.table_id == t.id, Group.active.is_(True)).order_by(Group.position)
        )
        .scalars()
        .all()
        for t in tables
    }
    for table in tables:
        if not groups[table.id]:  # a table without prepared subtopics gets two facilitator groups
            groups[table.id] = [
                Group(
                    id=str(uuid.uuid4()),
                    workshop_id=workshop_id,
                    table_id=table.id,
                    label=label,
                    label_source=Group.FACILITATOR,
                    position=p,
                    created_at=start,
                )
                for p, label in enumerate(("Priorités", "Autres"))
            ]
            db.session.add_all(groups[table.id])
    db.session.flush()

    posted: dict[int, list[Idea]] = {t.id: [] for t in tables}
    at = start + timedelta(hours=2)
    for n in range(ideas):
        table = tables[n % len(tables)]
        index = n // len(tables)
        texts = IDEAS.get(table.number) or IDEAS[1 + (table.number - 1) % 3]
        base = texts[index % len(texts)]
        qualifier = QUALIFIERS[(index // len(texts)) % len(QUALIFIERS)]
        round_ = index // (len(texts) * len(QUALIFIERS))
        text = f"{base} {qualifier}".strip() + (f" ({round_ + 1})" if round_ else "")
        authors = [p for p in people if p.table_id == table.id] or people
        author = authors[rng.randrange(len(authors))]
        table_groups = groups[table.id]
        # Most ideas sorted into a group by the facilitator; every seventh left unsorted.
        group = None if index % 7 == 6 else table_groups[(index * 3 + rng.randrange(2)) % len(table_groups)]
        at += timedelta(seconds=rng.randrange(5, 40))
        idea = Idea(
            id=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            workshop_id=workshop_id,
            table_id=table.id,
            participant_id=author.id,
            text=text[:280],
            state=Idea.HIDDEN if index == 11 else Idea.VISIBLE,
            created_at=at,
            updated_at=at,
            group_id=group.id if group else None,
            placement="facilitator" if group else None,
        )
        posted[table.id].append(idea)
    db.session.add_all(i for t in tables for i in posted[t.id])
    db.session.flush()

    # Dot voting on ideas: each person's three dots on the ideas of their table, the first
    # ideas more popular (so ranks and ties are meaningful).
    votes = []
    at += timedelta(minutes=20)
    for person in people:
        visible = [i for i in posted.get(person.table_id, []) if i.state == Idea.VISIBLE]
        if not visible:
            continue
        weights = [1.0 / (1 + k % 12) for k in range(len(visible))]
        for choice in rng.choices(visible, weights=weights, k=workshop.votes_per_person):
            at += timedelta(seconds=rng.randrange(1, 5))
            votes.append(
                Vote(
                    workshop_id=workshop_id,
                    table_id=person.table_id,
                    participant_id=person.id,
                    target_kind=Vote.IDEA,
                    target_id=choice.id,
                    created_at=at,
                )
            )
    db.session.add_all(votes)
    workshop.vote_target = "ideas"
    workshop.review_on = date.fromisoformat(
        str(((workshop.definition or {}).get("review") or {}).get("planned_on") or "2027-09-09")
    )
    for table in tables:
        table.votes_revealed = True

    made = []
    if actions:
        by_number = {t.number: t for t in tables}
        due = (workshop.starts_on or date(2026, 12, 10)) + timedelta(days=180)
        for n, (number, source, title, indicator, status) in enumerate(ACTIONS):
            table = by_number.get(number) if number else None
            kind = ident = None
            if table is not None and source:
                kind = source[0]
                pool = groups[table.id] if kind == "group" else [i for i in posted[table.id] if i.state == Idea.VISIBLE]
                ident = pool[source[1] % len(pool)].id if pool else None
                kind = kind if ident else None
            owner = people[(n * 5) % len(people)] if people else None
            made.append(
                Action(
                    id=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                    workshop_id=workshop_id,
                    table_id=table.id if table else None,
                    source_kind=kind,
                    source_id=ident,
                    title=title,
                    description="",
                    owner_org=owner.organisation if owner else organisations[0],
                    contact=f"{owner.first_name} — {owner.organisation}" if owner else "",
                    due_on=due + timedelta(days=30 * n),
                    indicator=indicator,
                    status=status,
                    progress_note="Premiers échanges engagés avec les adhérents." if status != "not_started" else "",
                    created_at=at + timedelta(minutes=n),
                    updated_at=at + timedelta(minutes=n),
                )
            )
        db.session.add_all(made)
        for organisation in sorted({a.owner_org for a in made}):
            db.session.add(
                ReviewLink(workshop_id=workshop_id, organisation=organisation, created_at=at + timedelta(hours=1))
            )

    erased = people[len(people) - erase :] if erase else []
    for person in erased:
        person.first_name, person.erased_at = "", at + timedelta(days=1)
    db.session.commit()
    return {
        "participants": [p.id for p in people],
        "erased": [p.id for p in erased],
        "ideas": {t.number: [i.id for i in posted[t.id]] for t in tables},
        "votes": len(votes),
        "actions": [a.id for a in made],
    }
