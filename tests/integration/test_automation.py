"""The grouping engine in the live app: placement on arrival, "Regrouper", duplicates."""
from __future__ import annotations

from tests.conftest import Room, events_of, new_id

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
    examples = post_all(anne, ["Baisser le prix de l'adhésion pour les TPE",
                               "Une lettre d'information mensuelle pour les adhérents"])
    facilitator.emit("move_idea", {"id": examples[0]["id"], "group_id": price}, callback=True)
    facilitator.emit("move_idea", {"id": examples[1]["id"], "group_id": news}, callback=True)
    later = post_all(anne, ["Une cotisation réduite pour les très petites entreprises",
                            "Envoyer chaque mois une newsletter aux membres"])
    assert [i["group_id"] for i in later] == [price, news]
    assert {i["placement"] for i in later} == {"auto"}
    facilitator.emit("regroup", {"table_id": table}, callback=True)
    snapshot = facilitator.emit("sync", {"since": 0}, callback=True)["snapshot"]
    where = {i["id"]: (i["group_id"], i["placement"]) for i in snapshot["ideas"]}
    assert where[examples[0]["id"]] == (price, "facilitator")
    assert where[examples[1]["id"]] == (news, "facilitator")


def test_regroup_discovers_groups_among_unsorted_ideas(make_app):
    room = Room(make_app())
    anne, facilitator = room.participant(table=1), room.facilitator()
    table = room.table_ids[1]
    for group in [g for g in facilitator.snapshot["groups"] if g["table_id"] == table]:
        facilitator.emit("remove_group", {"id": group["id"]}, callback=True)  # a board with no topics
    texts = ["Organiser des rendez-vous d'affaires avec les donneurs d'ordre",
             "Des speed meetings entre adhérents et grands comptes",
             "Rencontres acheteurs fournisseurs chaque trimestre",
             "Un stand commun sur les salons internationaux",
             "Partir ensemble en mission export au Canada",
             "Mutualiser la présence sur les salons à l'étranger",
             "Une veille concurrentielle partagée chaque mois",
             "Un observatoire des marchés publié pour les adhérents",
             "Des études de marché mutualisées par filière"]
    ideas = post_all(anne, texts)
    assert all(i["group_id"] is None for i in ideas)  # no group yet: all unsorted
    facilitator.get_received()
    ack = facilitator.emit("regroup", {"table_id": table}, callback=True)
    assert ack["ok"] and ack["groups"] >= 2 and ack["moved"] >= 6, ack
    event = events_of(facilitator)[-1]
    assert event["type"] == "board_regrouped" and len(event["data"]["groups"]) == ack["groups"]
    assert all(g["label_source"] == "auto" and g["label"] for g in event["data"]["groups"])
    snapshot = facilitator.emit("sync", {"since": 0}, callback=True)["snapshot"]
    placed = [i for i in snapshot["ideas"] if i["group_id"]]
    assert len(placed) == ack["moved"] and {i["placement"] for i in placed} == {"auto"}
    # Regrouping again moves nothing already grouped.
    again = facilitator.emit("regroup", {"table_id": table}, callback=True)
    assert again["moved"] <= len(texts) - ack["moved"]


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
    assert facilitator.emit("merge_ideas", {"id": other["id"], "into": first["id"]},
                            callback=True)["error"] == "other_table"
    assert facilitator.emit("merge_ideas", {"id": first["id"], "into": first["id"]},
                            callback=True)["error"] == "invalid_payload"
    assert facilitator.emit("regroup", {"table_id": 999}, callback=True)["error"] == "not_found"
