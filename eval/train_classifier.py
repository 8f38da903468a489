"""Train the sentence-rule classifier (pipeline/checks/classifier.py) on the dev text corpora.

    .venv/bin/python eval/train_classifier.py            # train, choose thresholds, write the model
    .venv/bin/python eval/train_classifier.py --report   # leave-one-round-out figures only, nothing written

Only dev files are read (eval/text_rules/dev-*.yaml): holdouts are never trained or tuned on. Thresholds are
chosen on leave-one-round-out predictions (each dev round scored by a model trained on the other rounds), so
they reflect wording the model has not seen: per rule, the lowest threshold at which the classifier alone
flags at most --benign-budget of the benign sentences the patterns pass. Needs scikit-learn (dev extra).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sklearn.feature_extraction import DictVectorizer  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402

from pipeline.checks import SENTENCE_RULES  # noqa: E402
from pipeline.checks.classifier import MODEL_PATH, RuleModel, TextClassifier, features  # noqa: E402
from pipeline.evaluation import TextCase, load_text_cases  # noqa: E402

GRID = [round(0.50 + 0.01 * i, 2) for i in range(50)]


MIN_DF = 2  # a feature seen in one training sentence only is that sentence's fingerprint, not a pattern


def fit(cases: list[TextCase], c: float) -> dict[str, RuleModel]:
    feats = [features(case.text) for case in cases]
    df = Counter(f for fs in feats for f in fs)
    vec = DictVectorizer()
    x = vec.fit_transform([{f: v for f, v in fs.items() if df[f] >= MIN_DF} for fs in feats])
    names = vec.get_feature_names_out()
    models = {}
    for rule in SENTENCE_RULES:
        y = [rule in case.rules for case in cases]
        lr = LogisticRegression(C=c, class_weight="balanced", max_iter=5000)
        lr.fit(x, y)
        weights = {str(n): float(w) for n, w in zip(names, lr.coef_[0], strict=True) if abs(w) >= 1e-3}
        models[rule] = RuleModel(float(lr.intercept_[0]), weights, 0.5)
    return models


def out_of_fold(files: list[Path], c: float) -> list[tuple[TextCase, dict[str, float]]]:
    """Every dev case scored by a model trained on the other rounds."""
    out = []
    for held in files:
        train = load_text_cases([f for f in files if f != held])
        models = fit(train, c)
        clf = TextClassifier(models, ())
        out += [(case, clf.scores(case.text)) for case in load_text_cases([held])]
    return out


def choose_thresholds(oof: list[tuple[TextCase, dict[str, float]]], budget: float) -> dict[str, float]:
    benign = [p for case, p in oof if not case.rules]
    chosen = {}
    for rule in SENTENCE_RULES:
        chosen[rule] = next(
            (t for t in GRID if sum(p[rule] >= t for p in benign) <= budget * len(benign)),
            0.99,
        )
    return chosen


def report(oof: list[tuple[TextCase, dict[str, float]]], thresholds: dict[str, float]) -> None:
    benign = [p for case, p in oof if not case.rules]
    flagged = sum(any(p[r] >= thresholds[r] for r in SENTENCE_RULES) for p in benign)
    print(f"leave-one-round-out, classifier alone (thresholds {thresholds})")
    for rule in SENTENCE_RULES:
        pos = [p for case, p in oof if rule in case.rules]
        hit = sum(p[rule] >= thresholds[rule] for p in pos)
        print(f"  {rule:22} recall {hit}/{len(pos)} = {hit / len(pos):.3f}")
    print(f"  benign flagged {flagged}/{len(benign)} = {flagged / len(benign):.2%}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--c", type=float, default=16.0, help="inverse regularisation strength")
    parser.add_argument("--benign-budget", type=float, default=0.008, help="per rule, classifier alone")
    parser.add_argument("--veto", type=float, default=0.2, help="pattern hits scored below this are dropped")
    parser.add_argument("--report", action="store_true", help="leave-one-round-out figures only")
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    args = parser.parse_args()
    files = sorted((ROOT / "eval" / "text_rules").glob("dev-*.yaml"))
    oof = out_of_fold(files, args.c)
    thresholds = choose_thresholds(oof, args.benign_budget)
    report(oof, thresholds)
    if args.report:
        return
    models = fit(load_text_cases(files), args.c)
    clf = TextClassifier(
        {rule: RuleModel(m.bias, m.weights, thresholds[rule]) for rule, m in models.items()},
        tuple(f.name for f in files),
        args.veto,
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(clf.as_json() + "\n", encoding="utf-8")
    size = args.out.stat().st_size / 1024
    print(
        f"wrote {args.out.relative_to(ROOT)} ({size:.0f} KiB, {sum(len(m.weights) for m in models.values())} weights)"
    )


if __name__ == "__main__":
    main()
