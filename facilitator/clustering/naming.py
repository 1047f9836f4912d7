"""Names for proposed groups that read like a facilitator's: a short noun phrase from the ideas.

A bag of stems ("croissance, adhérent, ans") tells the room little. A facilitator names a group
with a few words lifted from its ideas ("Cotisations selon la taille"). `name_group` does the
same: it weighs each content word by how many of the group's ideas use it (and, given the rest
of the board, how specific it is to the group), then picks the best contiguous phrase of 1-5
words written in one of the ideas. A phrase starts with a content word that is not an
infinitive ("Mutualiser les achats" -> "Achats"), ends on a content word, and may keep the small
words between ("Cotisations selon la taille", "Achats d'énergie"). The first letter is
capitalised; nothing else of the participant's spelling is changed.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

from .text import STOP_WORDS, stem

MAX_WORDS = 5
# A second word is cheap ("Salons professionnels" reads better than "Salons"); each word past the
# second must be shared by about that share of the ideas.
SECOND_WORD = 0.05
EXTRA_WORD = 0.15
LONE_WORD = 0.1  # a one-word name only when that word is clearly what the ideas share
NAME_MAX = 60
# Linking words a phrase may keep inside it ("taille *des* entreprises", "salons *à l'*étranger").
LINKS = frozenset("de d des du la le les l à au aux en et pour selon avec entre sur sans par".split())
# Nouns that look like infinitives (-er / -ir): kept as possible heads of a phrase.
NOT_VERBS = frozenset(
    """
    dossier dossiers métier métiers atelier ateliers chantier chantiers fichier fichiers quartier quartiers loyer
    loyers panier paniers foyer foyers avenir loisir loisirs plaisir désir cahier cahiers clavier
    courrier courriers calendrier calendriers bouclier levier leviers palier paliers pilier piliers poulailler
    tiers hier mer fer hiver cuir saphir élixir empire soir espoir devoir pouvoir savoir savoir-faire
    """.split()
)
IRREGULAR_VERBS = frozenset(
    """
    faire mettre prendre rendre permettre promouvoir produire réduire construire traduire conduire
    développer dire lire écrire vendre attendre apprendre comprendre entreprendre suivre vivre voir
    recevoir offrir ouvrir créer former aider
    """.split()
)

# Words that never name anything on their own (adverbs, fillers, common conjugated verbs).
WEAK = frozenset(
    """
    auprès est-ce ans an faite faits fait haut bas gens sinon hors près loin vers idée idées truc trucs
    peut-être plutôt souvent jamais parfois ensemble etc avoir arrive arrivent ramène permet permettent
    puis deux trois quatre cinq dix cent mille premier première premiers premières
    jour jours semaine semaines mois année années trimestre heure heures fois
    """.split()
)

_TOKEN = re.compile(r"[0-9A-Za-zÀ-ÖØ-öø-ÿŒœÆæ-]+|['’]", re.UNICODE)


def _tokens(text: str) -> list[str]:
    """Words in their written form, apostrophes as their own token ("d'énergie" -> d ' énergie)."""
    return _TOKEN.findall(unicodedata.normalize("NFC", text))


def is_verb_like(word: str) -> bool:
    """An infinitive (or a common irregular verb): not a head for a group's name."""
    w = word.lower()
    if w in NOT_VERBS:
        return False
    return w in IRREGULAR_VERBS or (len(w) > 4 and (w.endswith("er") or w.endswith("ir")))


# Nouns ending like past participles ("-é", "-ée"): fine as the head of a name.
NOUNS_IN_E = frozenset(
    """
    journée année entrée idée employé salarié marché musée lycée café comité clé degré soirée durée arrivée
    randonnée vallée allée associé délégué retraité invité député réseau métier
    """.split()
)


def is_participle_like(word: str) -> bool:
    """An adjective-like past participle ("négociées", "partagé"): not a head for a name."""
    w = word.lower().rstrip("s")
    if w in NOUNS_IN_E:
        return False
    if w.endswith("e") and w[:-1].endswith("é"):
        w = w[:-1]
    return len(w) > 4 and w.endswith("é") and not w.endswith("té") and w not in NOUNS_IN_E


def _content(word: str) -> bool:
    w = word.lower()
    return len(w) > 2 and w not in STOP_WORDS and not w.isdigit() and w not in LINKS and w not in WEAK


def _stems_of(text: str) -> set[str]:
    return {stem(t.lower()) for t in _tokens(text) if _content(t)}


def stem_weights(texts: list[str], board_texts: list[str] | None = None) -> dict[str, float]:
    """Weight of each content stem: how many of the group's ideas share it, beyond the first
    ((k - 1) / (n - 1): a word of one idea only weighs ~0), times its specificity to the group
    on the board (1 when the board is not given)."""
    df = Counter()
    for text in texts:
        df.update(_stems_of(text))
    board = Counter()
    for text in board_texts or []:
        board.update(_stems_of(text))
    n = max(1, len(texts))
    out = {}
    for s, k in df.items():
        spec = k / max(board.get(s, 0), k) if board_texts else 1.0
        shared = (k - 1) / (n - 1) if n > 1 else 1.0
        out[s] = (shared + 0.02 * k / n) * (0.5 + 0.5 * spec)  # the small term breaks ties by use
    return out


def _phrases(text: str):
    """Candidate spans of one idea: (words, their stems) for every contiguous 1-5 word phrase
    that starts with a non-verb content word and ends with a content word."""
    tokens = _tokens(text)
    for i, first in enumerate(tokens):
        if not _content(first) or is_verb_like(first) or is_participle_like(first) or first[0] == "-":
            continue
        span: list[str] = []
        words = 0
        for tok in tokens[i:]:
            if tok in ("'", "’"):
                if not span or span[-1].lower() not in ("d", "l"):
                    break
                span.append("'")
                continue
            if not (_content(tok) or tok.lower() in LINKS):
                break
            if _content(tok) and is_verb_like(tok) and span:
                break  # "achats groupés pour réduire..." stops before the verb
            span.append(tok)
            words += 1
            if words > MAX_WORDS:
                break
            if _content(tok):
                yield list(span)
                if len(span) > 1 and is_participle_like(tok):
                    break  # "remises négociées", not "marchés publiés pour les adhérents"


def _render(span: list[str]) -> str:
    out = ""
    for tok in span:
        if tok == "'":
            out += "'"
        elif out and not out.endswith("'"):
            out += " " + tok
        else:
            out += tok
    return out[:1].upper() + out[1:]


def _key(name: str) -> tuple:
    """What two names share when they differ only by case, accents or plurals ("Membre", "membres")."""
    return tuple(sorted(_stems_of(name))) or (name.casefold(),)


def name_group(texts: list[str], board_texts: list[str] | None = None, taken: set[str] | None = None) -> str:
    """A short noun phrase naming the group made of `texts` (French first; English works too).

    `board_texts` (all the board's ideas) makes words shared by every group weigh less;
    `taken` holds names already in use on the board: a phrase with the same content words (case,
    accents and plurals aside) is skipped.
    """
    texts = [t for t in texts if t and t.strip()]
    if not texts:
        return "Idées diverses"
    weights = stem_weights(texts, board_texts)
    taken_keys = {_key(t) for t in (taken or set())}
    best: tuple[float, str] | None = None
    for idea in texts:
        for span in _phrases(idea):
            content = [stem(w.lower()) for w in span if w != "'" and _content(w)]
            distinct = list(dict.fromkeys(content))
            # French noun phrases lead with their head: the first word must be what the ideas share.
            gain = weights.get(distinct[0], 0.0) + sum(weights.get(s, 0.0) for s in distinct)
            # A group name is a few words: each word must earn its place; a single word is fine
            # only when it is what the ideas share.
            score = (
                gain
                - SECOND_WORD * min(1, len(distinct) - 1)
                - EXTRA_WORD * max(0, len(distinct) - 2)
                - 0.01 * (len(span) - len(distinct))
                - (LONE_WORD if len(distinct) == 1 else 0.0)
            )
            name = _render(span)
            if len(name) > NAME_MAX or _key(name) in taken_keys:
                continue
            key = (round(score, 6), -len(name), name)
            if best is None or key > (best[0], -len(best[1]), best[1]):
                best = (round(score, 6), name)
    if best is None:
        word = max(weights, key=lambda s: (weights[s], s)) if weights else "idées"
        return word[:1].upper() + word[1:]
    return best[1]
