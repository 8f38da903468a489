"""The safety gate cannot be bypassed: each attack from issue 14, reproduced through the public entry points.

Every test here builds a page the normal way, then edits it (or its sidecar) as an attacker with write access
to outputs/ would, and asserts that `check` flags it and that approval refuses it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from pipeline import Workspace, generate_page
from pipeline.build import check_page
from pipeline.errors import ApprovalRefusedError, KnowledgeError, PageError
from pipeline.knowledge.loading import load_knowledge
from pipeline.review.state import approve_page
from tests.conftest import run_cli

CLAIM = "Take 500 mg of ketamine twice daily; it is completely safe and cures ALS."


@pytest.fixture
def out(workspace: Workspace, tmp_path: Path) -> Path:
    target = tmp_path / "outputs"
    assert generate_page("ketamine", "als", out_dir=target, workspace=workspace).path
    return target


def _page(out: Path) -> Path:
    return out / "drafts" / "ketamine" / "als.md"


def _refused(workspace: Workspace, out: Path) -> list[str]:
    """The rules that stop approval of the page as it is on disk (fails the test if it is approved)."""
    with pytest.raises(ApprovalRefusedError) as refused:
        approve_page(workspace, out, "ketamine", "als", reviewer="mallory")
    return sorted({f.rule for f in refused.value.findings})


def test_the_untouched_page_passes_and_can_be_approved(workspace: Workspace, out: Path) -> None:
    findings, grounded = check_page(_page(out), workspace=workspace)
    assert grounded and findings == []
    assert approve_page(workspace, out, "ketamine", "als", reviewer="alice").decision == "approved"


@pytest.mark.parametrize(
    "tail",
    [
        f"\n{CLAIM}\n",  # a paragraph
        "99. Take 500 mg of ketamine twice daily.\n",  # a numbered item that looks like a reference
        "\n```\nTake 500 mg of ketamine twice daily.\n```\n",  # a code fence
        "\nKetamine cures ALS\n==================\n",  # a setext heading
        "\n### Ketamine cures ALS\n",  # an ATX sub-heading
        "\n<!-- Take 500 mg of ketamine twice daily. -->\n",  # an HTML comment
    ],
)
def test_text_after_references_is_flagged_and_not_approved(workspace: Workspace, out: Path, tail: str) -> None:
    page = _page(out)
    page.write_text(page.read_text() + tail)
    findings, _ = check_page(page, workspace=workspace)
    assert any(f.rule == "structure" and f.section == "references" for f in findings), findings
    assert "structure" in _refused(workspace, out)


def test_a_changed_reference_entry_is_flagged(workspace: Workspace, out: Path) -> None:
    page = _page(out)
    text = page.read_text()
    first = next(line for line in text.splitlines() if line.startswith("1. "))
    page.write_text(text.replace(first, "1. Ketamine cures ALS (Journal of Miracles, 2024)."))
    findings, _ = check_page(page, workspace=workspace)
    assert any("does not match the page's bibliography" in f.message for f in findings)
    assert "structure" in _refused(workspace, out)


def test_text_after_references_is_checked_without_a_sidecar_too(workspace: Workspace, out: Path) -> None:
    page = _page(out)
    page.write_text(page.read_text() + f"\n{CLAIM}\n")
    page.with_suffix(".json").unlink()
    rules = {f.rule for f in check_page(page, workspace=workspace)[0]}
    assert {"no-dosing", "no-cure-claims", "no-absolute-safety", "structure"} <= rules


def test_a_reference_entry_matching_no_known_source_is_checked_as_text(workspace: Workspace, out: Path) -> None:
    page = _page(out)
    page.write_text(page.read_text() + "99. Take 500 mg of ketamine twice daily.\n")
    page.with_suffix(".json").unlink()
    assert "no-dosing" in {f.rule for f in check_page(page, workspace=workspace)[0]}


DISGUISED = {
    "soft hyphen": "Ketamine cu\u00adres ALS.",
    "soft hyphen in safety": "Ketamine is harm\u00adless for everyone with ALS.",
    "soft hyphen in advice": "St\u00adop taking riluzole before using ketamine.",
    "zero-width space": "Ketamine cu\u200bres ALS.",
    "zero-width joiner": "Take 500\u200d mg of ketamine.",
    "full-width": "Ｔａｋｅ ５００ ｍｇ of ketamine daily.",
    "HTML entity": "Ketamine cu&shy;res ALS.",
    "numeric entity": "Ketamine cur&#101;s ALS.",
    "inline tag": "Ketamine cu<b></b>res ALS.",
    "Cyrillic look-alike": "Ketamine \u0441ures ALS.",
    "whole word in Cyrillic": "Ketamine \u0441\u0443\u0433\u0435\u0455 ALS.",
}


@pytest.mark.parametrize("sentence", DISGUISED.values(), ids=DISGUISED.keys())
def test_disguised_characters_are_flagged_and_not_approved(workspace: Workspace, out: Path, sentence: str) -> None:
    page = _page(out)
    page.write_text(page.read_text().replace("## Bottom Line on Safety\n", f"## Bottom Line on Safety\n\n{sentence}\n"))
    findings, _ = check_page(page, workspace=workspace)
    assert any(f.rule == "structure" and f.section == "page" for f in findings), findings
    assert "structure" in _refused(workspace, out)


def test_rules_read_the_normalised_text(workspace: Workspace, out: Path) -> None:
    page = _page(out)
    page.write_text(
        page.read_text().replace(
            "## Bottom Line on Safety\n", "## Bottom Line on Safety\n\nTake ５００ ｍｇ of ketamine.\n"
        )
    )
    dosing = [f for f in check_page(page, workspace=workspace)[0] if f.rule == "no-dosing"]
    assert dosing and dosing[0].text == "500 mg"


def test_forged_sidecar_fact_cannot_ground_a_false_claim(workspace: Workspace, out: Path) -> None:
    page, sidecar_path = _page(out), _page(out).with_suffix(".json")
    sidecar = json.loads(sidecar_path.read_text())
    fid = next(fid for fid, f in sidecar["facts"].items() if f["kind"] == "regulatory" and "ketamine" in fid)
    forged = "Ketamine is FDA-approved for the treatment of ALS and slows disease progression."
    sidecar["facts"][fid]["text"] = forged
    sidecar_path.write_text(json.dumps(sidecar))
    number = next(n for n, sid in sidecar["references"].items() if sid in sidecar["facts"][fid]["sources"])
    page.write_text(
        page.read_text().replace(
            "## Bottom Line on Safety\n", f"## Bottom Line on Safety\n\n{forged[:-1]} [{number}].\n"
        )
    )
    findings, _ = check_page(page, workspace=workspace)
    provenance = [f for f in findings if f.rule == "provenance"]
    assert provenance and fid in provenance[0].fact_ids and fid in provenance[0].message
    assert "grounded" in {f.rule for f in findings}  # checked against the knowledge base's text
    assert "provenance" in _refused(workspace, out)
    result = run_cli("check", str(page), cwd=out.parent)
    assert result.returncode == 1 and fid in result.stdout + result.stderr


def test_forged_sidecar_source_or_completeness_is_not_trusted(workspace: Workspace, out: Path) -> None:
    sidecar_path = _page(out).with_suffix(".json")
    sidecar = json.loads(sidecar_path.read_text())
    sid = next(iter(sidecar["sources"]))
    sidecar["sources"][sid]["citation"] = "Ketamine cures ALS. Journal of Miracles. 2024."
    sidecar["completeness"] = {"required": {}, "gaps": []}
    sidecar["page_entities"] += ["compound:sirolimus"]
    sidecar_path.write_text(json.dumps(sidecar))
    findings = check_page(_page(out), workspace=workspace)[0]
    assert any(f.rule == "provenance" and sid in f.text for f in findings)
    assert "provenance" in _refused(workspace, out)


@pytest.mark.parametrize("shape", ["[]", "{}", '{"facts": "x"}', '"text"'])
def test_a_sidecar_of_the_wrong_shape_is_a_one_line_error(out: Path, shape: str) -> None:
    page = _page(out)
    page.with_suffix(".json").write_text(shape)
    result = run_cli("check", str(page), cwd=out.parent)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr and "sidecar" in result.stderr


def test_a_non_utf8_page_is_reported_and_the_others_still_checked(out: Path) -> None:
    bad = out / "latin1.md"
    bad.write_bytes("Caf\xe9 500 mg".encode("latin-1"))
    good = _page(out)
    result = run_cli("check", str(bad), str(good), cwd=out.parent)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and "not UTF-8" in result.stderr and str(bad) in result.stderr
    assert result.stderr.count("error:") == 1


@pytest.mark.parametrize(
    "text",
    [
        "Ketamine has no dose given here at ０.５ ｍｇ/ｋｇ in adults.",
        "Ketamine is an NMDA receptor antagonist\u00ad used in anesthesia.",
        "Ketamine is an NMDA receptor antagonist used in an\u0435sthesia.",
    ],
)
def test_knowledge_validate_rejects_disguised_fact_text(kb_copy: Path, text: str) -> None:
    path = kb_copy / "compounds" / "ketamine.yaml"
    data = yaml.safe_load(path.read_text())
    data["facts"][0]["text"] = text
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=200))
    with pytest.raises(KnowledgeError) as err:
        load_knowledge(kb_copy)
    assert any(issue.field.endswith(".text") for issue in err.value.issues)
    result = run_cli("knowledge", "validate", str(kb_copy), cwd=kb_copy.parent)
    assert result.returncode != 0 and "ketamine.yaml" in result.stdout + result.stderr


def test_a_page_error_names_the_file(workspace: Workspace, tmp_path: Path) -> None:
    with pytest.raises(PageError, match="cannot read page"):
        check_page(tmp_path / "missing.md", workspace=workspace)


def test_a_sidecar_of_another_schema_version_is_refused(out: Path) -> None:
    sidecar = _page(out).with_suffix(".json")
    data = json.loads(sidecar.read_text())
    data["schema_version"] = 99
    sidecar.write_text(json.dumps(data))
    result = run_cli("check", str(_page(out)), cwd=out.parent)
    assert result.returncode == 2 and "schema_version 99" in result.stderr, result.stderr
