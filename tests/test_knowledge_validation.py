"""Knowledge validation: every error kind names the file and the field."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from pipeline import KnowledgeError, load_knowledge
from tests.conftest import run_cli


def _edit(path: Path, change: Callable[[Any], object]) -> None:
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False))


def _issues(root: Path) -> list[str]:
    with pytest.raises(KnowledgeError) as info:
        load_knowledge(root)
    return [str(i) for i in info.value.issues]


def _one_matching(issues: list[str], *needles: str) -> str:
    hits = [i for i in issues if all(n in i for n in needles)]
    assert hits, f"no issue contains {needles}; got:\n" + "\n".join(issues)
    return hits[0]


def test_shipped_knowledge_is_valid() -> None:
    kb = load_knowledge(Path(__file__).resolve().parent.parent / "knowledge")
    assert "ketamine" in kb.compounds and "als" in kb.conditions
    assert all(f.sources for f in kb.facts.values())


def test_unknown_field_is_rejected(kb_copy: Path) -> None:
    _edit(kb_copy / "compounds/ketamine.yaml", lambda d: d["facts"][0].update(colour="red"))
    _one_matching(_issues(kb_copy), "compounds/ketamine.yaml", "facts[0] (ketamine.class.nmda).colour", "unknown field")


def test_duplicate_fact_id(kb_copy: Path) -> None:
    def dup(d: dict) -> None:  # type: ignore[type-arg]
        d["facts"][1]["id"] = d["facts"][0]["id"]

    _edit(kb_copy / "compounds/ketamine.yaml", dup)
    _one_matching(_issues(kb_copy), "compounds/ketamine.yaml", ".id", "duplicate fact id 'ketamine.class.nmda'")


def test_fact_without_source(kb_copy: Path) -> None:
    _edit(kb_copy / "treatments/riluzole.yaml", lambda d: d["facts"][2].update(sources=[]))
    _one_matching(
        _issues(kb_copy), "treatments/riluzole.yaml", "(riluzole.safety.liver).sources", "at least one source"
    )


def test_fact_with_unknown_source(kb_copy: Path) -> None:
    _edit(kb_copy / "treatments/riluzole.yaml", lambda d: d["facts"][2].update(sources=["pmid-123"]))
    _one_matching(
        _issues(kb_copy), "treatments/riluzole.yaml", "(riluzole.safety.liver).sources", "unknown source 'pmid-123'"
    )


@pytest.mark.parametrize(
    "dose",
    [
        "It is usually given as 0.5 mg/kg over forty minutes.",
        "Patients take two sprays twice a week.",
        "The label recommends titrating slowly.",
    ],
)
def test_fact_with_dosing(kb_copy: Path, dose: str) -> None:
    _edit(kb_copy / "compounds/ketamine.yaml", lambda d: d["facts"][0].update(text=d["facts"][0]["text"] + " " + dose))
    _one_matching(_issues(kb_copy), "compounds/ketamine.yaml", "(ketamine.class.nmda).text", "contains dosing")


def test_tag_outside_vocabulary(kb_copy: Path) -> None:
    _edit(kb_copy / "compounds/ketamine.yaml", lambda d: d["facts"][0].update(tags=["spleen"]))
    _one_matching(
        _issues(kb_copy), "compounds/ketamine.yaml", "(ketamine.class.nmda).tags", "'spleen' is not in vocabulary.yaml"
    )


def test_condition_organ_outside_vocabulary(kb_copy: Path) -> None:
    _edit(kb_copy / "conditions/als.yaml", lambda d: d["organ_systems"].append("aura"))
    _one_matching(_issues(kb_copy), "conditions/als.yaml", "organ_systems[", "'aura'")


def test_interaction_with_unknown_treatment(kb_copy: Path) -> None:
    _edit(kb_copy / "interactions/ketamine.yaml", lambda d: d["interactions"][0].update(treatment="unobtainium"))
    _one_matching(
        _issues(kb_copy), "interactions/ketamine.yaml", "interactions[0].treatment", "unknown treatment 'unobtainium'"
    )


def test_interaction_with_unknown_compound(kb_copy: Path) -> None:
    _edit(kb_copy / "interactions/ketamine.yaml", lambda d: d.update(compound="phlogiston"))
    _one_matching(_issues(kb_copy), "interactions/ketamine.yaml", "compound", "unknown compound 'phlogiston'")


def test_condition_with_unknown_standard_treatment(kb_copy: Path) -> None:
    _edit(
        kb_copy / "conditions/als.yaml",
        lambda d: d["standard_treatments"].append({"treatment": "snake-oil", "role": "symptomatic"}),
    )
    _one_matching(_issues(kb_copy), "conditions/als.yaml", "standard_treatments[", "unknown treatment 'snake-oil'")


def test_paper_source_needs_journal_and_year(kb_copy: Path) -> None:
    def strip(d: dict) -> None:  # type: ignore[type-arg]
        paper = next(s for s in d["sources"] if s["id"] == "paper-bensimon-1994")
        del paper["journal"]

    _edit(kb_copy / "sources.yaml", strip)
    _one_matching(_issues(kb_copy), "sources.yaml", "(paper-bensimon-1994).journal", "paper source needs")


def test_invalid_yaml_names_the_line(kb_copy: Path) -> None:
    (kb_copy / "treatments/tofersen.yaml").write_text("id: tofersen\nname: [unclosed\n")
    _one_matching(_issues(kb_copy), "treatments/tofersen.yaml", "line", "invalid YAML")


def test_file_name_must_match_id(kb_copy: Path) -> None:
    (kb_copy / "treatments/edaravone.yaml").rename(kb_copy / "treatments/radicava.yaml")
    _one_matching(_issues(kb_copy), "treatments/radicava.yaml", "id", "does not match the file name")


def test_all_issues_reported_at_once(kb_copy: Path) -> None:
    _edit(kb_copy / "compounds/ketamine.yaml", lambda d: d["facts"][0].update(tags=["spleen"]))
    _edit(kb_copy / "treatments/riluzole.yaml", lambda d: d["facts"][2].update(sources=[]))
    issues = _issues(kb_copy)
    _one_matching(issues, "compounds/ketamine.yaml", "spleen")
    _one_matching(issues, "treatments/riluzole.yaml", "sources")


def test_cli_validate_reports_and_exits_non_zero(kb_copy: Path, tmp_path: Path) -> None:
    _edit(kb_copy / "compounds/ketamine.yaml", lambda d: d["facts"][0].update(tags=["spleen"]))
    result = run_cli("knowledge", "validate", str(kb_copy), cwd=tmp_path)
    assert result.returncode == 2
    assert "compounds/ketamine.yaml" in result.stderr and "tags" in result.stderr
    assert "Traceback" not in result.stderr


def test_cli_validate_passes_on_shipped_knowledge(tmp_path: Path) -> None:
    result = run_cli("knowledge", "validate", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ok:")
