"""Reading a SIDER 4.1 release: its side-effect and frequency tables, joined to PubChem CIDs (see sider.py for the
join and how frequencies rank effects)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.errors import KnowledgeError, KnowledgeIssue
from pipeline.knowledge.importers.common import lower_name, need, read_tsv

# Frequency categories SIDER uses, with the lower bound that ranks them against percentages.
CATEGORIES = {
    "very common": 0.1,
    "frequent": 0.01,
    "common": 0.01,
    "uncommon": 0.001,
    "infrequent": 0.001,
    "rare": 0.0001,
    "very rare": 0.00001,
    "postmarketing": 0.0,
}
SE_COLUMNS = ("flat", "stereo", "label_cui", "meddra_type", "cui", "name")
FREQ_COLUMNS = ("flat", "stereo", "label_cui", "placebo", "frequency", "lower", "upper", "meddra_type", "cui", "name")


@dataclass
class Effect:
    """One side effect of one compound, with the best frequency any label gives."""

    cui: str
    name: str
    value: float = -1.0  # rank: median numeric frequency across labels, else the category's lower bound
    shown: str = ""  # non-empty when SIDER gives any frequency (used for ranking only, never printed)

    def text(self) -> str:
        """'diarrhoea'."""
        return lower_name(self.name)


@dataclass
class SiderRelease:
    """The parts of SIDER an import needs, indexed by PubChem CID."""

    mapping: dict[str, set[int]]
    effects: dict[int, dict[str, str]]  # CID -> PT CUI -> name
    ids: dict[int, set[str]]  # CID -> SIDER ids it matched
    frequencies: dict[int, dict[str, tuple[float, str]]]
    term_drugs: Counter[str] = field(default_factory=Counter)  # PT CUI -> number of SIDER drugs listing it
    term_names: dict[str, str] = field(default_factory=dict)

    @classmethod
    def read(cls, release: Path) -> SiderRelease:
        """Read pubchem-mapping.tsv, meddra_all_se.tsv.gz and meddra_freq.tsv.gz."""
        mapping: dict[str, set[int]] = {}
        for row in read_tsv(need(release, "pubchem-mapping.tsv"), ("drugbank_id", "pubchem_cid")):
            if row["pubchem_cid"].isdigit():
                mapping.setdefault(row["drugbank_id"], set()).add(int(row["pubchem_cid"]))
        effects: dict[int, dict[str, str]] = {}
        ids: dict[int, set[str]] = {}
        pairs: set[tuple[str, str]] = set()
        names: dict[str, str] = {}
        for parts in _rows(need(release, "meddra_all_se.tsv.gz"), len(SE_COLUMNS)):
            flat, stereo, _, kind, cui, name = parts[:6]
            if kind != "PT":
                continue
            names.setdefault(cui, name)
            pairs.add((flat, cui))
            for cid in _cids(flat, stereo):
                effects.setdefault(cid, {})[cui] = name
                ids.setdefault(cid, set()).add(flat)
        seen: dict[int, dict[str, list[tuple[float, str]]]] = {}
        for parts in _rows(need(release, "meddra_freq.tsv.gz"), len(FREQ_COLUMNS)):
            flat, stereo, _, placebo, freq, _lower, upper, kind, cui, _ = parts[:10]
            if kind != "PT" or placebo == "placebo":
                continue
            ranked = _frequency(freq, upper)
            if ranked is None:
                continue
            for cid in _cids(flat, stereo):
                seen.setdefault(cid, {}).setdefault(cui, []).append(ranked)
        frequencies = {cid: {cui: _median(found) for cui, found in by_cui.items()} for cid, by_cui in seen.items()}
        term_drugs = Counter(cui for _, cui in pairs)
        return cls(mapping, effects, ids, frequencies, term_drugs, names)


def _rows(path: Path, width: int) -> list[list[str]]:
    import gzip

    out = []
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for n, line in enumerate(handle, 1):
            parts = line.rstrip("\n").split("\t")
            if len(parts) < width:
                raise KnowledgeError(
                    [
                        KnowledgeIssue(
                            str(path),
                            f"line {n}",
                            f"expected {width} tab-separated columns; is this a SIDER 4.1 release file?",
                        )
                    ]
                )
            out.append(parts)
    return out


def _cids(flat: str, stereo: str) -> set[int]:
    """The PubChem CIDs a SIDER row stands for: its flat id minus 100000000, and its stereo id."""
    out = set()
    if flat.startswith("CID") and flat[3:].isdigit():
        out.add(int(flat[3:]) - 100000000)
    if stereo.startswith("CID") and stereo[3:].isdigit():
        out.add(int(stereo[3:]))
    return out


def _frequency(freq: str, upper: str) -> tuple[float, str] | None:
    text = freq.strip().lower()
    if text in CATEGORIES:
        return CATEGORIES[text], "postmarketing reports" if text == "postmarketing" else text
    try:
        bound = float(upper)
    except ValueError:
        return None
    if not 0 < bound <= 1 or "%" not in text:
        return None
    return bound + 1.0, "reported"  # numeric frequencies rank above categories


def _median(found: list[tuple[float, str]]) -> tuple[float, str]:
    """The median of the numeric frequencies when there are any (they outrank categories), else the best category."""
    numeric = sorted(f for f in found if f[0] >= 1.0)
    if numeric:
        return numeric[(len(numeric) - 1) // 2]
    return max(found, key=lambda f: f[0])
