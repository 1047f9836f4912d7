"""The engine behind "Regrouper" (grouping.plan_regroup): existing groups first, then new named groups."""

from __future__ import annotations

from facilitator import grouping
from tests.e2e.test_automation import THEMES


def board(ideas, groups=()):
    return grouping.Board(
        list(groups), [(f"i{k}", text, group, placement) for k, (text, group, placement) in enumerate(ideas)]
    )


def test_three_clear_themes_become_three_named_groups():
    plan = grouping._plan_regroup(board([(t, None, None) for t in THEMES]))
    assert len(plan.new_groups) == 3, plan
    members = {name: sorted(int(i[1:]) for i, n in plan.moves.items() if n == name) for name in plan.new_groups}
    assert sorted(members.values()) == [[0, 1, 2], [3, 4, 5], [6, 7, 8]], members
    for name in plan.new_groups:  # short phrases from the ideas, never a bag of keywords
        assert "," not in name and name[0].isupper() and len(name.split()) <= 5, name
    assert any(name.startswith("Cybersécurité") for name in plan.new_groups), plan.new_groups


def test_ideas_that_fit_an_existing_group_go_there_and_placed_ideas_never_move():
    groups = [("g-cyber", "Cybersécurité", "facilitator"), ("g-salons", "Salons professionnels", "organiser")]
    ideas = [
        (THEMES[3], "g-cyber", "facilitator"),
        (THEMES[0], "g-salons", "facilitator"),
        (THEMES[4], None, None),
        (THEMES[5], None, None),
        (THEMES[1], None, None),
        (THEMES[6], None, None),
        (THEMES[7], None, None),
        (THEMES[8], None, None),
        ("Une idée que le facilitateur a laissée à classer", None, "facilitator"),
    ]
    plan = grouping._plan_regroup(board(ideas, groups))
    assert plan.moves["i2"] == plan.moves["i3"] == "Cybersécurité", plan
    assert plan.moves["i4"] == "Salons professionnels", plan
    assert len(plan.new_groups) == 1 and {plan.moves[f"i{k}"] for k in (5, 6, 7)} == set(plan.new_groups), plan
    assert not {"i0", "i1", "i8"} & set(plan.moves)  # placed by a facilitator: never in a proposal
    assert plan.new_groups[0] not in ("Cybersécurité", "Salons professionnels")


def test_nothing_to_propose():
    assert grouping._plan_regroup(board([])) == grouping.Regrouping([], {})
    one = grouping._plan_regroup(board([("Une seule idée à classer", None, None)]))
    assert one == grouping.Regrouping([], {})  # a single idea is no group
