"""A linear classifier per sentence rule, beside the patterns: it catches wording the patterns have no entry for.

The patterns (language/) stay the high-precision layer. The classifier is a logistic regression over word
uni- and bigrams and character 3-5-grams inside words, trained on the labelled dev corpora in eval/ by
``eval/train_classifier.py`` (scikit-learn, a dev dependency) and shipped as plain weights in
``checks/data/text_classifier.json``: scoring needs no library and no pickle. Each rule has a threshold
chosen on held-out rounds of the dev corpora so that benign sentences stay under the false-positive goal.

Features are computed here, for training and scoring alike, so the two cannot drift apart.
"""

from __future__ import annotations

import functools
import itertools
import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.language.normalize import normalise
from pipeline.language.spans import CACHE_SIZE

MODEL_PATH = Path(__file__).resolve().parent / "data" / "text_classifier.json"
FEATURE_VERSION = 1

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_DIGITS = re.compile(r"\d+(?:[.,]\d+)?")


@functools.lru_cache(maxsize=CACHE_SIZE)
def features(text: str) -> dict[str, float]:
    """Word uni/bigrams and in-word character 3-5-grams of the normalised, lower-cased sentence, each present
    feature weighted 1/sqrt(n) so a long sentence does not outscore a short one."""
    low = _DIGITS.sub("0", normalise(text).text.lower())
    words = _WORD.findall(low)
    found: set[str] = {f"w:{w}" for w in words}
    found |= {f"b:{a} {b}" for a, b in itertools.pairwise(words)}
    for word in words:
        padded = f" {word} "
        for n in (3, 4, 5):
            found |= {f"c:{padded[i : i + n]}" for i in range(max(1, len(padded) - n + 1))}
    if not found:
        return {}
    weight = 1.0 / math.sqrt(len(found))
    return dict.fromkeys(found, weight)


@dataclass(frozen=True)
class RuleModel:
    """One rule's weights, bias and decision threshold (a probability)."""

    bias: float
    weights: dict[str, float]
    threshold: float


@dataclass
class TextClassifier:
    """The per-rule models, as trained."""

    rules: dict[str, RuleModel]
    trained_on: tuple[str, ...]
    veto: float = 0.0  # a pattern hit the classifier scores below this is a near-miss the patterns over-read
    # One lookup per feature for every rule at once, and one score per distinct sentence: pages repeat their
    # framing sentences, and a batch repeats its pages' sentences.
    _names: tuple[str, ...] = field(init=False, repr=False)
    _table: dict[str, tuple[float, ...]] = field(init=False, repr=False)
    _scores: Callable[[str], tuple[float, ...]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._names = tuple(self.rules)
        table: dict[str, list[float]] = {}
        for i, rule in enumerate(self._names):
            for feature, weight in self.rules[rule].weights.items():
                table.setdefault(feature, [0.0] * len(self._names))[i] = weight
        self._table = {f: tuple(w) for f, w in table.items()}
        self._scores = functools.lru_cache(maxsize=CACHE_SIZE)(self._score)

    def _score(self, text: str) -> tuple[float, ...]:
        z = [self.rules[rule].bias for rule in self._names]
        for feature, value in features(text).items():
            row = self._table.get(feature)
            if row is not None:
                for i, weight in enumerate(row):
                    z[i] += weight * value
        return tuple(1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, v)))) for v in z)

    def scores(self, text: str) -> dict[str, float]:
        """Each rule's probability that ``text`` breaks it."""
        return dict(zip(self._names, self._scores(text), strict=True))

    def flags(self, text: str) -> dict[str, float]:
        """The rules whose probability reaches their threshold, with that probability."""
        return {rule: p for rule, p in self.scores(text).items() if p >= self.rules[rule].threshold}

    def as_json(self) -> str:
        return json.dumps(
            {
                "feature_version": FEATURE_VERSION,
                "trained_on": list(self.trained_on),
                "veto": self.veto,
                "rules": {
                    rule: {
                        "bias": round(m.bias, 6),
                        "threshold": m.threshold,
                        "weights": {f: round(w, 4) for f, w in sorted(m.weights.items())},
                    }
                    for rule, m in sorted(self.rules.items())
                },
            },
            indent=0,
            sort_keys=True,
        )


def read_classifier(path: Path) -> TextClassifier | None:
    """The classifier stored at ``path``; None when absent or trained on other features (then only the
    patterns run, and `reviewgen eval checks` says so)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if data.get("feature_version") != FEATURE_VERSION:
        return None
    rules = {
        rule: RuleModel(float(m["bias"]), {str(f): float(w) for f, w in m["weights"].items()}, float(m["threshold"]))
        for rule, m in data["rules"].items()
    }
    return TextClassifier(rules, tuple(data.get("trained_on") or ()), float(data.get("veto") or 0.0))


@functools.cache
def shipped_classifier() -> TextClassifier | None:
    """The classifier that ships with the package (loaded once)."""
    return read_classifier(MODEL_PATH)
