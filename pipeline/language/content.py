"""Content words compared by stem, with a reviewed vocabulary: which words a statement may add to what its
facts say (connectives, hedges, reporting verbs, generic nouns) and which words say the same thing.

A statement's content is the set of its content words' stems (Snowball English stemmer), each mapped to
its synonym group's first member. New content, a stem none of the supporting facts carries, is what the
strict grounding test flags. Edit the lists here, with a test case for each change.
"""

from __future__ import annotations

import functools
import re

import snowballstemmer

from pipeline.language.comparison import STOP
from pipeline.language.spans import CACHE_SIZE
from pipeline.language.words import numbers_in

_WORDS = re.compile(r"[a-z][a-z']*")  # hyphenated words are compared part by part ("FDA-approved")

_STEMMER = snowballstemmer.stemmer("english")

# Words a faithful restatement may add: they connect, attribute, hedge or name what every page is about.
NEUTRAL = frozenset(
    [
        "according",
        "also",
        "although",
        "additionally",
        "as",
        "attributed",
        "based",
        "because",
        "both",
        "but",
        "by",
        "consequently",
        "currently",
        "describe",
        "describes",
        "described",
        "describing",
        "document",
        "documented",
        "documents",
        "each",
        "either",
        "else",
        "equally",
        "even",
        "furthermore",
        "given",
        "hence",
        "however",
        "including",
        "include",
        "includes",
        "indeed",
        "instead",
        "itself",
        "likewise",
        "meanwhile",
        "moreover",
        "namely",
        "nevertheless",
        "note",
        "notes",
        "noted",
        "noting",
        "notably",
        "otherwise",
        "overall",
        "per",
        "put",
        "rather",
        "regarding",
        "report",
        "reports",
        "reported",
        "reporting",
        "say",
        "says",
        "said",
        "specifically",
        "state",
        "states",
        "stated",
        "stating",
        "still",
        "such",
        "than",
        "thereby",
        "therefore",
        "though",
        "thus",
        "together",
        "under",
        "whereas",
        "whether",
        "which",
        "while",
        "whose",
        "within",
        "whom",
        "mention",
        "mentions",
        "mentioned",
        "mentioning",
        "point",
        "points",
        "pointed",
        "explain",
        "explains",
        "explained",
        "indicate",
        "indicates",
        "indicated",
        "list",
        "lists",
        "listed",
        "listing",
        "warn",
        "warns",
        "warned",
        "warning",
        "caution",
        "cautions",
        "cautioned",
        "set",
        "sets",
        "label",
        "labels",
        "labeling",
        "labelling",
        "prescribing",
        "information",
        "product",
        "products",
        "source",
        "sources",
        "data",
        "dataset",
        "patient",
        "patients",
        "people",
        "person",
        "persons",
        "individual",
        "individuals",
        "someone",
        "those",
        "one",
        "ones",
        "thing",
        "things",
        "drug",
        "drugs",
        "medicine",
        "medicines",
        "medication",
        "medications",
        "compound",
        "compounds",
        "agent",
        "agents",
        "may",
        "might",
        "can",
        "could",
        "would",
        "should",
        "possibly",
        "potentially",
        "known",
        "called",
        "so-called",
        "term",
        "termed",
        "refer",
        "refers",
        "referred",
        "section",
        "sections",
        "part",
        "parts",
        "among",
        "curated",
        "them",
        "they",
        "their",
        "it",
        "its",
        "this",
        "that",
        "these",
        "there",
        "here",
        "has",
        "have",
        "had",
        "having",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "do",
        "does",
        "did",
        "done",
        "get",
        "gets",
        "got",
        "related",
        "relating",
        "relate",
        "involving",
        "involve",
        "involves",
        "affecting",
        "affect",
        "affects",
        "concern",
        "concerns",
        "concerning",
        "associated",
        "resulting",
        "result",
        "results",
        "contain",
        "contains",
        "containing",
        "during",
        "especially",
        "particularly",
        "experience",
        "experiences",
        "develop",
        "develops",
        "occur",
        "occurs",
        "occurred",
        "happen",
        "target",
        "targets",
        "record",
        "records",
        "entry",
        "entries",
        "respectively",
        "across",
        "between",
        "example",
        "examples",
        "besides",
        "meaning",
        "means",
        "exactly",
        "how",
        "found",
        "published",
        "sold",
        "marketed",
        "brand",
        "combined",
        "combination",
        "combining",
        "combine",
        "concomitant",
        "concomitantly",
        "together",
        "coadministration",
        "coadministered",
        "alongside",
        "no",
        "not",
        "without",
        "cannot",
        "nor",
        "neither",
        "add-on",
        "every",
        "add",
        "well",
        "seem",
        "seems",
        "seemed",
        "appear",
        "appears",
        "appeared",
        "apparently",
        "so",
        "tell",
        "tells",
        "told",
        "suggest",
        "suggests",
        "suggested",
    ]
)

# Groups of words that say the same thing in these pages; the first member stands for the group.
SYNONYMS: tuple[tuple[str, ...], ...] = (
    ("increase", "raise", "elevate", "boost", "heighten", "higher", "rise", "rose", "risen", "greater"),
    ("decrease", "lower", "reduce", "diminish", "drop", "fall", "lessen", "less"),
    ("stop", "discontinue", "discontinuation", "cessation", "halt", "withdraw"),
    ("start", "begin", "initiate", "initiation", "commence", "onset"),
    ("avoid", "against"),
    ("monitor", "monitoring", "watch", "observe", "observation", "check", "assess", "assessment", "measure"),
    ("doctor", "physician", "clinician", "prescriber", "provider"),
    ("harm", "damage", "injury", "injure"),
    ("fetal", "fetus"),
    ("approve", "approval", "approved"),
    ("treatment", "therapy", "treat", "treating"),
    ("risk", "chance", "likelihood"),
    ("common", "frequent", "frequently", "often"),
    ("serious", "severe"),
    ("require", "need", "necessary", "must"),
    ("use", "using", "usage", "take", "taking", "taken", "takes", "took", "receive", "receiving"),
    ("effect", "effects", "action", "act", "acts", "acting", "work", "works", "working"),
    ("periodically", "periodic", "intervals", "regularly", "regular"),
    ("prefer", "preferred", "preferential", "preference", "preferably"),
    ("prevent", "prevention", "prophylaxis", "preventive", "prophylactic"),
    ("inhibit", "inhibitor", "inhibition", "block", "blockade", "blocker"),
    ("outcome", "finding", "findings", "endpoint"),
    ("show", "demonstrate", "reveal"),
    ("study", "trial"),
    ("ask", "call", "recommend", "advise", "advice"),
    ("contraindicate", "contraindication", "contraindicated"),
    ("grade", "classify", "class", "rate", "rating", "severity"),
    ("primary", "main", "principal"),
    ("unknown", "unclear", "uncertain"),
    ("miss", "fail", "attain", "meet", "achieve"),
    ("tolerate", "tolerated", "tolerability"),
)


def _stem(word: str) -> str:
    return str(_STEMMER.stemWord(word))


_GROUP: dict[str, str] = {}
for _group in SYNONYMS:
    for _word in _group:
        _GROUP.setdefault(_stem(_word), _stem(_group[0]))
_NEUTRAL_STEMS = frozenset(_stem(w) for w in NEUTRAL) | frozenset(_stem(w) for w in STOP)


def canonical(word: str) -> str:
    """A word's stem, or its synonym group's."""
    stem = _stem(word)
    return _GROUP.get(stem, stem)


@functools.lru_cache(maxsize=CACHE_SIZE)
def content_words(text: str) -> tuple[tuple[str, str], ...]:
    """(word, canonical stem) for each content word of a text, in order: no stop words, no reviewed neutral
    words, no numbers in digits or words (numbers are compared on their own)."""
    out = []
    for word in _WORDS.findall(text.casefold().replace("’", "'")):
        word = word.removesuffix("'s").strip("'-")
        if not word or word in STOP or numbers_in(word):
            continue
        if _stem(word) in _NEUTRAL_STEMS and _stem(word) not in _GROUP:  # a synonym is compared, never dropped
            continue
        out.append((word, canonical(word)))
    return tuple(out)


def content_stems(text: str) -> frozenset[str]:
    """The canonical stems of a text's content words."""
    return frozenset(stem for _, stem in content_words(text))


def new_content(statement: str, support: tuple[str, ...]) -> list[str]:
    """The statement's content words whose stem no supporting text carries, in the statement's order."""
    carried = frozenset().union(*(content_stems(text) for text in support)) if support else frozenset()
    seen: set[str] = set()
    out = []
    for word, stem in content_words(statement):
        if stem not in carried and stem not in seen:
            seen.add(stem)
            out.append(word)
    return out
