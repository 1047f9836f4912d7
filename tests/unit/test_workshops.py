"""Workshop definitions: the seed morning, and clear errors for bad files."""

from __future__ import annotations

from pathlib import Path

import pytest

from facilitator.config import ROOT
from facilitator.workshops import DefinitionError, load_definitions, parse_definition

SESSIONS = ROOT / "sessions"


def test_shipped_definitions_are_valid():
    codes = {definition.code for _, definition in load_definitions(SESSIONS)}
    assert {"DEVUP", "TERRITOIRE"} <= codes


def test_seed_workshop_follows_the_article():
    seed = parse_definition(SESSIONS / "devup-2026.yaml")
    article = ROOT.parent / "shared" / "seed" / "devup-article.txt"
    themes = [t.theme for t in seed.tables]
    assert len(themes) == 3
    if article.exists():  # the themes are quoted from the account of the morning
        text = article.read_text(encoding="utf-8").replace("’", "'")
        for theme in themes:
            assert theme.lower() in text.lower(), theme
    participants = [o.name for o in seed.organisations if o.role == "participant"]
    assert len(participants) == 11
    assert "Elastopôle" in participants and "Les Champs du possible" in participants
    facilitating = {t.facilitator.organisation for t in seed.tables}
    assert facilitating == {"Réseau Mesure", "Néopolia", "ProductivIT"}
    assert seed.expected_participants == 28
    assert seed.review.months_after == 9
    kinds = [p.kind for p in seed.agenda]
    assert kinds[0] == "welcome" and "talks" in kinds and "round_tables" in kinds and "plenary" in kinds


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_errors_name_file_and_field(tmp_path):
    write(
        tmp_path,
        "bad.yaml",
        """
code: ab
title: ""
tables:
  - number: 1
    theme: "Un thème"
    colour: red
  - number: 1
""",
    )
    with pytest.raises(DefinitionError) as caught:
        load_definitions(tmp_path)
    problems = "\n".join(caught.value.problems)
    assert "bad.yaml: code:" in problems
    assert "bad.yaml: title:" in problems
    assert "bad.yaml: tables[0].colour: Extra inputs are not permitted" in problems
    assert "bad.yaml: tables[1].theme: Field required" in problems


def test_duplicate_codes_and_table_numbers(tmp_path):
    body = "code: {code}\ntitle: T\ntables:\n  - {{number: 1, theme: A}}\n  - {{number: {n}, theme: B}}\n"
    write(tmp_path, "a.yaml", body.format(code="SAME", n=2))
    write(tmp_path, "b.yaml", body.format(code="same", n=2))
    write(tmp_path, "c.yaml", body.format(code="OTHER", n=1))
    with pytest.raises(DefinitionError) as caught:
        load_definitions(tmp_path)
    problems = "\n".join(caught.value.problems)
    assert "b.yaml: code: SAME is already used by" in problems
    assert "c.yaml" in problems and "same number" in problems


def test_not_yaml_and_not_a_mapping(tmp_path):
    write(tmp_path, "broken.yaml", "code: [unclosed\n")
    with pytest.raises(DefinitionError, match="broken.yaml: not valid YAML"):
        load_definitions(tmp_path)
    (tmp_path / "broken.yaml").unlink()
    write(tmp_path, "list.yml", "- a\n- b\n")
    with pytest.raises(DefinitionError, match="list.yml: the file must hold a mapping"):
        load_definitions(tmp_path)


def test_cli_check_reports_errors_with_exit_code_2(tmp_path, capsys):
    from facilitator.__main__ import main

    write(tmp_path, "bad.yaml", "code: X\n")
    assert main(["check", str(tmp_path)]) == 2
    assert "bad.yaml: code:" in capsys.readouterr().err
    assert main(["check", str(SESSIONS)]) == 0
    assert "DEVUP" in capsys.readouterr().out
