"""Light text helpers shared by the engine: tokens, French/English stems, stop words.

Pure Python; snowballstemmer is used when installed (it is in requirements.txt) and a
crude suffix trimmer otherwise, so the engine still imports without it.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

try:  # pragma: no cover - exercised implicitly
    import snowballstemmer

    _FR = snowballstemmer.stemmer("french")
    _EN = snowballstemmer.stemmer("english")
except ImportError:  # pragma: no cover
    _FR = _EN = None

STOP_WORDS = frozenset(
    """
    a à au aux avec avant après au-delà autant aussi autre autres avoir b c ça car ce ceci cela celle celui ces cet cette
    chaque chez ci comme comment d dans de des du donc dont doit déjà elle elles en encore entre est et être eux fait faire
    faut fois font ici il ils j je jusqu l la le les leur leurs lui m ma mais me même mes moi moins mon n ne ni non nos notre
    nous on ont ou où par parce pas peu peut plus pour pourquoi qu quand que quel quelle quelles quels qui quoi s sa sans se
    ses si son sont sous sur ta te tes toi ton tous tout toute toutes très tu un une vers vos votre vous y être été était
    va vont veut faudrait serait avoir ont cest bien bon fois etc ex non oui là ceux celles selon
    afin besoin chose choses mettre mieux vraiment trop beaucoup partout toujours
    the of and to in for on with at by from is are be this that it as an or not no our we you they their its into more
    most so than too very can will would should could has have had do does did what which who how all any each
    """.split()
)

_WORD = re.compile(r"[0-9a-zà-öø-ÿœæ]+", re.IGNORECASE)


def words(text: str) -> list[str]:
    """Lower-cased words of `text`, apostrophes split (l'adhésion -> l, adhésion)."""
    text = unicodedata.normalize("NFC", text).replace("’", "'").lower()
    return _WORD.findall(text)


@lru_cache(maxsize=50_000)
def stem(word: str) -> str:
    """French stem of a word (English words mostly come out sensible too), accents folded."""
    if _FR is not None:
        s = _FR.stemWord(word)
    else:  # pragma: no cover
        s = re.sub(r"(ements?|ations?|euses?|eurs?|ités?|ives?|ifs?|es|s|e)$", "", word) or word
    return fold(s)


def fold(word: str) -> str:
    """Remove accents (é -> e) so spelling variants meet."""
    return "".join(c for c in unicodedata.normalize("NFD", word) if unicodedata.category(c) != "Mn")


def content_words(text: str) -> list[str]:
    """Words that carry meaning: no stop words, no single letters, no bare numbers."""
    return [w for w in words(text) if len(w) > 2 and w not in STOP_WORDS and not w.isdigit()]


def content_stems(text: str) -> list[str]:
    """Stems of the content words of `text`."""
    return [stem(w) for w in content_words(text)]
