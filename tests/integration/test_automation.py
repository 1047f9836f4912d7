"""The grouping engine in the live app: placement on arrival, "Regrouper", duplicates."""

from __future__ import annotations

from tests.conftest import events_of, new_id

FINANCE = "Financement, levée de fonds et subventions"
IDEAS_T3 = [
    "Aider les PME à monter leurs dossiers de subventions régionales",
    "Mettre en relation les dirigeants avec des business angels",
    "Un prêt d'honneur pour les entreprises qui se lancent à l'export",
    "Accompagner les recrutements difficiles d'ingénieurs",
    "Des formations courtes pour les managers de PME",
    "Partager les CV des alternants entre adhérents",
]


def post_all(sock, texts):
    ids = []
    for text in texts:
        ident = new_id()
        ack = sock.emit("post_idea", {"id": ident, "text": text}, callback=True)
        assert ack["ok"], ack
        ids.append(ack["idea"])
    return ids


def group_ids(snapshot, table_id):
    return {g["label"]: g["id"] for g in snapshot["groups"] if g["table_id"] == table_id}


def test_new_idea_arrives_in_its_topic_with_suggestions(room):
    from facilitator.grouping import LIVE_MIN_CONFIDENCE

    anne, facilitator = room.participant(table=2), room.facilitator()
    groups = group_ids(facilitator.snapshot, room.table_ids[2])
    post_all(anne, IDEAS_T3)  # a board with some ideas already, as mid-session
    idea = post_all(anne, ["Aider les PME à trouver des subventions et à lever des fonds"])[0]
    assert idea["suggestions"][0] == groups[FINANCE] and len(idea["suggestions"]) == 3
    assert set(idea["suggestions"]) <= set(groups.values())
    assert 0 < idea["confidence"] <= 1
    # Placed when the engine is confident enough, else left in "À classer" with its suggestions.
    if idea["confidence"] >= LIVE_MIN_CONFIDENCE:
        assert (idea["group_id"], idea["placement"]) == (groups[FINANCE], "auto")
    else:
        assert (idea["group_id"], idea["placement"]) == (None, None)
    assert idea["group_id"] == groups[FINANCE], f"confidence {idea['confidence']}"
    # What the projector receives is the same placement.
    assert events_of(facilitator)[-1]["data"]["idea"]["group_id"] == idea["group_id"]


def test_facilitator_placements_are_examples_and_never_move(room):
    anne, facilitator = room.participant(table=0), room.facilitator()
    table = room.table_ids[0]
    for group in [g for g in facilitator.snapshot["groups"] if g["table_id"] == table]:
        facilitator.emit("remove_group", {"id": group["id"]}, callback=True)
    price, news = new_id(), new_id()
    facilitator.emit("create_group", {"id": price, "table_id": table, "label": "Groupe A"}, callback=True)
    facilitator.emit("create_group", {"id": news, "table_id": table, "label": "Groupe B"}, callback=True)
    examples = post_all(
        anne, ["Baisser le prix de l'adhésion pour les TPE", "Une lettre d'information mensuelle pour les adhérents"]
    )
    facilitator.emit("move_idea", {"id": examples[0]["id"], "group_id": price}, callback=True)
    facilitator.emit("move_idea", {"id": examples[1]["id"], "group_id": news}, callback=True)
    later = post_all(
        anne,
        ["Une cotisation réduite pour les très petites entreprises", "Envoyer chaque mois une newsletter aux membres"],
    )
    assert [i["group_id"] for i in later] == [price, news]
    assert {i["placement"] for i in later} == {"auto"}
    facilitator.emit("regroup", {"table_id": table}, callback=True)
    snapshot = facilitator.emit("sync", {"since": 0}, callback=True)["snapshot"]
    where = {i["id"]: (i["group_id"], i["placement"]) for i in snapshot["ideas"]}
    assert where[examples[0]["id"]] == (price, "facilitator")
    assert where[examples[1]["id"]] == (news, "facilitator")


THREE_THEMES = [
    "Organiser des rendez-vous d'affaires avec les donneurs d'ordre",
    "Des speed meetings entre adhérents et grands comptes",
    "Rencontres acheteurs fournisseurs chaque trimestre",
    "Un stand commun sur les salons internationaux",
    "Partir ensemble en mission export au Canada",
    "Mutualiser la présence sur les salons à l'étranger",
    "Une veille concurrentielle partagée chaque mois",
    "Un observatoire des marchés publié pour les adhérents",
    "Des études de marché mutualisées par filière",
]


def empty_board(room, facilitator, table_index):
    """Remove the organiser's sub-topics of a table: a board with no groups."""
    table = room.table_ids[table_index]
    for group in [g for g in facilitator.snapshot["groups"] if g["table_id"] == table]:
        facilitator.emit("remove_group", {"id": group["id"]}, callback=True)
    return table


def accept_all(proposal):
    """What "Tout accepter" sends: the proposal's groups, new ones with a client-made id."""
    return [
        {"id": new_id(), "label": g["label"], "idea_ids": g["idea_ids"]}
        if g["group_id"] is None
        else {"group_id": g["group_id"], "idea_ids": g["idea_ids"]}
        for g in proposal["groups"]
    ]


def test_regroup_proposes_named_groups_and_the_room_sees_them_only_once_accepted(room):
    anne, facilitator, projector = room.participant(table=1), room.facilitator(), room.projector()
    table = empty_board(room, facilitator, 1)
    ideas = post_all(anne, THREE_THEMES)
    assert all(i["group_id"] is None for i in ideas)  # no group yet: all unsorted
    seq = facilitator.emit("sync", {"since": 0}, callback=True)["seq"]
    facilitator.get_received(), projector.get_received()

    ack = facilitator.emit("regroup", {"table_id": table}, callback=True)
    assert ack["ok"], ack
    proposal = ack["proposal"]
    assert proposal["table_id"] == table and ack["groups"] >= 2 and ack["moved"] >= 6, ack
    assert all(g["group_id"] is None for g in proposal["groups"])  # no existing group to prefer
    proposed_ids = [i for g in proposal["groups"] for i in g["idea_ids"]]
    assert len(proposed_ids) == len(set(proposed_ids)) == ack["moved"]
    assert set(proposed_ids) <= {i["id"] for i in ideas}
    for group in proposal["groups"]:
        assert len(group["idea_ids"]) >= 2
        # A short phrase, not a bag of keywords: no commas, a capital, a few words.
        assert "," not in group["label"] and group["label"][0].isupper(), group["label"]
        assert 1 <= len(group["label"].split()) <= 6, group["label"]
    # Nothing written, nothing sent: the room and the event log are as before.
    assert events_of(projector) == [] and events_of(facilitator) == []
    assert facilitator.emit("sync", {"since": seq}, callback=True) == {
        "ok": True,
        "mode": "events",
        "seq": seq,
        "events": [],
    }
    snapshot = projector.emit("sync", {"since": 0}, callback=True)["snapshot"]
    assert not [g for g in snapshot["groups"] if g["table_id"] == table]

    accepted = accept_all(proposal)
    done = facilitator.emit("accept_proposal", {"table_id": table, "groups": accepted}, callback=True)
    assert done["ok"] and done["moved"] == ack["moved"] and done["skipped"] == [], done
    assert [g["label"] for g in done["groups"]] == [g["label"] for g in proposal["groups"]]
    assert {g["label_source"] for g in done["groups"]} == {"auto"}
    event = events_of(projector)[-1]
    assert event["type"] == "board_regrouped" and len(event["data"]["groups"]) == ack["groups"]
    snapshot = projector.emit("sync", {"since": 0}, callback=True)["snapshot"]
    where = {i["id"]: (i["group_id"], i["placement"]) for i in snapshot["ideas"]}
    for entry, group in zip(proposal["groups"], done["groups"]):
        assert {where[i] for i in entry["idea_ids"]} == {(group["id"], "auto")}
    # The same accept again (a retry after a lost ack): nothing twice, nothing logged.
    seq = facilitator.emit("sync", {"since": 0}, callback=True)["seq"]
    again = facilitator.emit("accept_proposal", {"table_id": table, "groups": accepted}, callback=True)
    assert again["ok"] and again["moved"] == 0 and again["groups"] == [], again
    assert facilitator.emit("sync", {"since": seq}, callback=True)["events"] == []
    # Nothing left unsorted but singletons: a new proposal moves none of the placed ideas.
    later = facilitator.emit("regroup", {"table_id": table}, callback=True)["proposal"]
    assert not set(i for g in later["groups"] for i in g["idea_ids"]) & set(proposed_ids)


def test_proposal_prefers_existing_groups_and_accepts_one_group_renamed(room):
    anne, facilitator = room.participant(table=2), room.facilitator()
    table = room.table_ids[2]
    groups = group_ids(facilitator.snapshot, table)
    ideas = [i["id"] for i in post_all(anne, IDEAS_T3)]
    for ident in ideas[:2]:  # the facilitator's examples of the finance sub-topic
        facilitator.emit("move_idea", {"id": ident, "group_id": groups[FINANCE]}, callback=True)
    # A third finance idea back in "À classer", unplaced (its group removed): "Regrouper" may place it.
    temp = new_id()
    facilitator.emit("create_group", {"id": temp, "table_id": table, "label": "Provisoire"}, callback=True)
    facilitator.emit("move_idea", {"id": ideas[2], "group_id": temp}, callback=True)
    facilitator.emit("remove_group", {"id": temp}, callback=True)
    snapshot = facilitator.emit("sync", {"since": 0}, callback=True)["snapshot"]
    unsorted = [
        i["id"]
        for i in snapshot["ideas"]
        if i["group_id"] is None and i["table_id"] == table and i["placement"] != "facilitator"
    ]
    assert ideas[2] in unsorted
    ack = facilitator.emit("regroup", {"table_id": table}, callback=True)
    proposal = ack["proposal"]
    existing = [g for g in proposal["groups"] if g["group_id"]]
    assert [g["idea_ids"] for g in existing if g["group_id"] == groups[FINANCE]] == [[ideas[2]]], proposal
    assert {g["group_id"] for g in existing} <= set(groups.values())
    assert all(g["label"] == {v: k for k, v in groups.items()}[g["group_id"]] for g in existing)
    assert set(i for g in proposal["groups"] for i in g["idea_ids"]) <= set(unsorted)
    # Accept that one entry: the idea joins the finance group.
    one = existing[0]
    done = facilitator.emit(
        "accept_proposal",
        {"table_id": table, "groups": [{"group_id": one["group_id"], "idea_ids": one["idea_ids"]}]},
        callback=True,
    )
    assert done["ok"] and done["groups"] == [] and done["moved"] == 1 and done["skipped"] == [], done
    # A new group under the facilitator's own name; one of its ideas was moved by hand meanwhile.
    temp = new_id()
    facilitator.emit("create_group", {"id": temp, "table_id": table, "label": "Provisoire"}, callback=True)
    for ident in ideas[3:5]:
        facilitator.emit("move_idea", {"id": ident, "group_id": temp}, callback=True)
    facilitator.emit("remove_group", {"id": temp}, callback=True)  # both unsorted and unplaced again
    new_group = {"id": new_id(), "label": "Nom choisi", "renamed": True, "idea_ids": ideas[3:5]}
    facilitator.emit("move_idea", {"id": ideas[4], "group_id": None}, callback=True)  # decided meanwhile
    done = facilitator.emit("accept_proposal", {"table_id": table, "groups": [new_group]}, callback=True)
    assert done["ok"] and done["skipped"] == [ideas[4]] and done["moved"] == 1, done
    assert [(g["label"], g["label_source"]) for g in done["groups"]] == [("Nom choisi", "facilitator")]
    snapshot = facilitator.emit("sync", {"since": 0}, callback=True)["snapshot"]
    where = {i["id"]: (i["group_id"], i["placement"]) for i in snapshot["ideas"]}
    assert where[ideas[2]] == (groups[FINANCE], "auto")
    assert where[ideas[3]] == (new_group["id"], "auto")
    assert where[ideas[4]] == (None, "facilitator")  # the facilitator's decision won


def test_accept_proposal_refusals_change_nothing(room):
    anne, bob, facilitator = room.participant(table=0), room.participant("Bob", table=1), room.facilitator()
    table = room.table_ids[0]
    mine, theirs = post_all(anne, ["Une idée"])[0]["id"], post_all(bob, ["Une autre"])[0]["id"]
    other_group = group_ids(facilitator.snapshot, room.table_ids[1])
    seq = facilitator.emit("sync", {"since": 0}, callback=True)["seq"]

    def refused(groups, table_id=table):
        return facilitator.emit("accept_proposal", {"table_id": table_id, "groups": groups}, callback=True)["error"]

    assert refused([]) == "invalid_payload"
    assert refused("tout") == "invalid_payload"
    assert refused([{"id": new_id(), "label": "X", "idea_ids": []}]) == "invalid_payload"
    assert (
        refused(
            [{"id": new_id(), "label": "X", "idea_ids": [mine]}, {"id": new_id(), "label": "Y", "idea_ids": [mine]}]
        )
        == "invalid_payload"
    )
    assert refused([{"id": new_id(), "label": " ", "idea_ids": [mine]}]) == "empty_label"
    assert refused([{"id": new_id(), "label": "x" * 81, "idea_ids": [mine]}]) == "label_too_long"
    assert refused([{"id": "pas-un-uuid", "label": "X", "idea_ids": [mine]}]) == "invalid_id"
    assert refused([{"id": new_id(), "label": "X", "idea_ids": [theirs]}]) == "other_table"
    assert refused([{"id": new_id(), "label": "X", "idea_ids": [new_id()]}]) == "not_found"
    assert refused([{"group_id": next(iter(other_group.values())), "idea_ids": [mine]}]) == "not_found"
    assert refused([{"id": next(iter(other_group.values())), "label": "X", "idea_ids": [mine]}]) == "id_conflict"
    assert refused([{"id": new_id(), "label": "X", "idea_ids": [mine]}], 999) == "not_found"
    assert (
        anne.emit(
            "accept_proposal",
            {"table_id": table, "groups": [{"id": new_id(), "label": "X", "idea_ids": [mine]}]},
            callback=True,
        )["error"]
        == "forbidden"
    )
    assert facilitator.emit("sync", {"since": seq}, callback=True)["events"] == []


def test_duplicate_is_flagged_then_merged_with_authors_kept(room):
    anne, bob, facilitator = room.participant("Anne", table=0), room.participant("Bob", table=0), room.facilitator()
    first = post_all(anne, ["Créer un annuaire des adhérents en ligne"])[0]
    second = post_all(bob, ["Créer un annuaire en ligne des adhérents"])[0]
    assert second["duplicate_of"] == first["id"]
    anne.get_received()
    ack = facilitator.emit("merge_ideas", {"id": second["id"], "into": first["id"]}, callback=True)
    assert ack["ok"]
    assert [m["author"]["first_name"] for m in ack["idea"]["merged"]] == ["Bob"]
    # Phones of the table see the duplicate leave the board.
    assert [e["type"] for e in events_of(anne)] == ["idea_merged"]
    snapshot = facilitator.emit("sync", {"since": 0}, callback=True)["snapshot"]
    assert [i["id"] for i in snapshot["ideas"]] == [first["id"]]
    mine = bob.emit("sync", {"since": 0}, callback=True)["snapshot"]["my_ideas"]
    assert [(i["id"], i["state"]) for i in mine] == [(second["id"], "merged")]
    assert bob.emit("edit_idea", {"id": second["id"], "text": "x"}, callback=True)["error"] == "not_found"


def test_merge_lands_in_the_originals_group_or_the_duplicates(room):
    anne, facilitator = room.participant(table=0), room.facilitator()
    table = room.table_ids[0]
    groups = [g["id"] for g in facilitator.snapshot["groups"] if g["table_id"] == table]
    first, second = post_all(anne, ["Un annuaire des adhérents en ligne", "Un annuaire en ligne des adhérents"])
    third, fourth = post_all(anne, ["Une fête pour les 5 ans des membres", "Une fête pour les 5 ans des membres !"])
    # original placed, duplicate elsewhere: the merge stays in the original's group
    facilitator.emit("move_idea", {"id": first["id"], "group_id": groups[0]}, callback=True)
    facilitator.emit("move_idea", {"id": second["id"], "group_id": groups[1]}, callback=True)
    ack = facilitator.emit("merge_ideas", {"id": second["id"], "into": first["id"]}, callback=True)
    assert (ack["idea"]["group_id"], ack["idea"]["placement"]) == (groups[0], "facilitator")
    # original unsorted, duplicate placed: the merge lands in the duplicate's group
    facilitator.emit("move_idea", {"id": third["id"], "group_id": None}, callback=True)
    facilitator.emit("move_idea", {"id": fourth["id"], "group_id": groups[2]}, callback=True)
    facilitator.get_received()
    ack = facilitator.emit("merge_ideas", {"id": fourth["id"], "into": third["id"]}, callback=True)
    assert (ack["idea"]["group_id"], ack["idea"]["placement"]) == (groups[2], "facilitator")
    assert events_of(facilitator)[-1]["data"]["into"]["group_id"] == groups[2]
    snapshot = facilitator.emit("sync", {"since": 0}, callback=True)["snapshot"]
    where = {i["id"]: i["group_id"] for i in snapshot["ideas"]}
    assert where == {first["id"]: groups[0], third["id"]: groups[2]}


def test_duplicate_dismissed_and_refusals(room):
    anne, facilitator = room.participant(table=0), room.facilitator()
    first = post_all(anne, ["Une cotisation moins chère pour les TPE"])[0]
    second = post_all(anne, ["Une cotisation moins chère pour les TPE !"])[0]
    assert second["duplicate_of"] == first["id"]
    assert facilitator.emit("dismiss_duplicate", {"id": second["id"]}, callback=True) == {"ok": True}
    snapshot = facilitator.emit("sync", {"since": 0}, callback=True)["snapshot"]
    assert all(i["duplicate_of"] is None for i in snapshot["ideas"])
    other = post_all(room.participant("Bob", table=1), ["Autre table"])[0]
    assert (
        facilitator.emit("merge_ideas", {"id": other["id"], "into": first["id"]}, callback=True)["error"]
        == "other_table"
    )
    assert (
        facilitator.emit("merge_ideas", {"id": first["id"], "into": first["id"]}, callback=True)["error"]
        == "invalid_payload"
    )
    assert facilitator.emit("regroup", {"table_id": 999}, callback=True)["error"] == "not_found"
