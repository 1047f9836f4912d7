"""Names of proposed groups (clustering/naming.py): short noun phrases from the ideas, in French."""

from __future__ import annotations

import pytest

from facilitator.clustering.naming import is_participle_like, is_verb_like, name_group

COTISATIONS = [
    "Des cotisations selon la taille de l'entreprise",
    "Une cotisation à trois niveaux",
    "Cotisations plus faibles selon la taille",
]
ENERGIE = [
    "Mutualiser les achats d'énergie entre adhérents",
    "Un groupement d'achat d'électricité",
    "Négocier ensemble les achats d'énergie",
]
CYBER = [
    "Former les salariés à la cybersécurité",
    "Une formation cybersécurité pour les dirigeants de PME",
    "Sensibiliser les équipes aux risques de cybersécurité",
]
SALONS = [
    "Organiser un salon professionnel régional chaque année",
    "Tenir un stand collectif au salon de Paris",
    "Emmener les adhérents sur un salon à l'étranger",
]


@pytest.mark.parametrize(
    "texts, expected",
    [
        (COTISATIONS, "Cotisations selon la taille"),
        (ENERGIE, "Achats d'énergie"),
    ],
)
def test_a_phrase_the_ideas_share(texts, expected):
    assert name_group(texts) == expected


@pytest.mark.parametrize("texts, head", [(CYBER, "Cybersécurité"), (SALONS, "Salon")])
def test_the_name_leads_with_what_the_ideas_share(texts, head):
    name = name_group(texts, COTISATIONS + ENERGIE + CYBER + SALONS)
    assert name.split()[0] == head, name


@pytest.mark.parametrize("texts", [COTISATIONS, ENERGIE, CYBER, SALONS])
def test_never_a_bag_of_words_nor_a_verb_first(texts):
    name = name_group(texts, COTISATIONS + ENERGIE + CYBER + SALONS)
    assert "," not in name and 1 <= len(name.split()) <= 6 and len(name) <= 60, name
    assert name[0].isupper() and not is_verb_like(name.split()[0]), name
    # Words as a participant wrote them, taken from one idea (not stems, not a mix of ideas).
    assert any(name.lower() in text.lower() for text in texts), name


def test_names_already_on_the_board_are_avoided():
    taken = {"cotisations selon la taille"}
    name = name_group(COTISATIONS, taken={"Cotisations selon la taille"})
    assert name.casefold() not in taken and name, name


def test_verbs_and_participles_are_not_heads():
    assert is_verb_like("mutualiser") and is_verb_like("faire") and is_verb_like("Créer")
    assert not is_verb_like("dossier") and not is_verb_like("avenir") and not is_verb_like("cotisation")
    assert is_participle_like("négociées") and is_participle_like("partagé")
    assert not is_participle_like("journée") and not is_participle_like("sécurité") and not is_participle_like("salon")


def test_degenerate_input_still_gets_a_name():
    assert name_group([]) == "Idées diverses"
    assert name_group(["", "   "]) == "Idées diverses"
    assert name_group(["vélo"]) == "Vélo"
    assert name_group(["the bike lanes downtown", "safer bike lanes"]) == "Bike lanes"
