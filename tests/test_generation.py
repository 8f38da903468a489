"""The library API end to end: select, draft, check, render, save or reject."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from pipeline import Outcome, Workspace, build_page, generate_page
from pipeline.draft import Draft, SectionId, Statement
from pipeline.knowledge.selection import Selection

GOLDEN = Path(__file__).parent / "golden" / "ketamine-als.md"
SEED_DISCLAIMER = (
    "This page summarizes published research and is not medical advice. Never start, stop, "
    "or change any treatment based on information found online. Always consult qualified "
    "healthcare professionals before making treatment decisions."
)


def test_ketamine_als_matches_reviewed_golden_page(workspace: Workspace) -> None:
    built = build_page(workspace, "ketamine", "als")
    assert built.passed, [str(f) for f in built.findings]
    if os.environ.get("REVIEWGEN_UPDATE_GOLDEN"):
        GOLDEN.write_text(built.markdown or "")
    assert built.markdown == GOLDEN.read_text(), (
        "page differs from the reviewed golden file; read the diff, and if it is right, "
        "regenerate with REVIEWGEN_UPDATE_GOLDEN=1 and review the golden file again"
    )


def test_golden_page_meets_the_spine_contract() -> None:
    page = GOLDEN.read_text()
    for name in ("riluzole", "edaravone", "tofersen", "dextromethorphan"):
        assert name in page.lower()
    references = re.findall(r"^\d+\. ", page.split("## References", 1)[1], flags=re.M)
    assert len(references) >= 5
    assert SEED_DISCLAIMER in page
    cited = {int(n) for group in re.findall(r"\[(\d+(?:, \d+)*)\]", page) for n in group.split(", ")}
    assert cited == set(range(1, len(references) + 1)), "every reference is cited and every citation resolves"


def test_every_drafted_fact_statement_cites_a_given_fact(workspace: Workspace) -> None:
    built = build_page(workspace, "ketamine", "als")
    for section in built.draft.sections:
        for st in section.statements:
            if st.kind.value == "fact":
                assert st.fact_ids, st.text
                assert set(st.fact_ids) <= set(built.selection.facts)


class _Tampering:
    """A drafter that starts from the composer's draft and injects one bad statement."""

    name = "tampering"

    def __init__(self, statement: Statement, section: SectionId = SectionId.BOTTOM_LINE) -> None:
        self.statement = statement
        self.section = section

    def draft(self, sel: Selection) -> Draft:
        from pipeline.drafting.composer import Composer

        draft = Composer().draft(sel)
        target = draft.section(self.section)
        assert target is not None
        target.statements.insert(0, self.statement)
        return draft


@pytest.mark.parametrize(
    "statement, rule",
    [
        (
            Statement(text="Riluzole causes respiratory depression.", fact_ids=["ketamine.safety.respiratory"]),
            "grounded",
        ),
        (
            Statement(
                text="The esketamine label warns of sedation in 90% of patients.", fact_ids=["ketamine.safety.sedation"]
            ),
            "grounded",
        ),
        (Statement(text="Ketamine is known to interact with riluzole.", fact_ids=[]), "citations"),
        (Statement(text="Ketamine is a dissociative anesthetic.", fact_ids=["metformin.class.biguanide"]), "citations"),
        (
            Statement(text="Ketamine is completely safe for ALS patients.", fact_ids=["ketamine.class.nmda"]),
            "no-absolute-safety",
        ),
        (
            Statement(
                text="Patients should stop riluzole before starting ketamine.",
                fact_ids=["ketamine.interaction.riluzole.ddinter"],
            ),
            "no-directive-advice",
        ),
        (Statement(text="Ketamine infusions of 0.5 mg/kg are typical.", fact_ids=["ketamine.class.nmda"]), "no-dosing"),
        (
            Statement(text="Ketamine may halt disease progression in ALS.", fact_ids=["ketamine.class.nmda"]),
            "no-cure-claims",
        ),
    ],
)
def test_bad_draft_is_rejected_never_saved(
    workspace: Workspace, tmp_path: Path, statement: Statement, rule: str
) -> None:
    result = generate_page("ketamine", "als", out_dir=tmp_path, workspace=workspace, drafter=_Tampering(statement))
    assert result.outcome is Outcome.REJECTED
    assert rule in {f.rule for f in result.findings}
    assert not (tmp_path / "drafts/ketamine/als.md").exists()
    record = json.loads((tmp_path / "rejected/ketamine/als.json").read_text())
    assert record["status"] == "rejected"
    assert any(f["rule"] == rule and f["section"] == "bottom_line" for f in record["findings"])


def test_success_after_rejection_clears_the_rejected_record(workspace: Workspace, tmp_path: Path) -> None:
    bad = _Tampering(Statement(text="Ketamine is harmless.", fact_ids=["ketamine.class.nmda"]))
    assert (
        generate_page("ketamine", "als", out_dir=tmp_path, workspace=workspace, drafter=bad).outcome is Outcome.REJECTED
    )
    result = generate_page("ketamine", "als", out_dir=tmp_path, workspace=workspace)
    assert result.outcome is Outcome.SAVED
    assert not (tmp_path / "rejected/ketamine/als.json").exists()


def test_template_that_drops_the_disclaimer_is_caught(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parent.parent
    prompts = tmp_path / "prompts"
    prompts.mkdir()
    template = (root / "prompts/page.md.j2").read_text()
    (prompts / "page.md.j2").write_text(template.replace("{{ site.disclaimer }}", "Consult your doctor."))
    (prompts / "site.yaml").write_text((root / "prompts/site.yaml").read_text())
    ws = Workspace.open(root / "knowledge", prompts)
    result = generate_page("ketamine", "als", out_dir=tmp_path / "out", workspace=ws)
    assert result.outcome is Outcome.REJECTED
    assert "disclaimer" in {f.rule for f in result.findings}


def test_no_partial_files_are_left_behind(workspace: Workspace, tmp_path: Path) -> None:
    generate_page("ketamine", "als", out_dir=tmp_path, workspace=workspace)
    leftovers = [p for p in tmp_path.rglob("*") if p.name.startswith(".") or p.suffix == ".tmp"]
    assert leftovers == []


def test_site_setting_excludes_noncommercial_sources(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parent.parent
    settings = tmp_path / "site.yaml"
    settings.write_text((root / "prompts/site.yaml").read_text() + "exclude_noncommercial: true\n")
    ws = Workspace.open(root / "knowledge", root / "prompts", settings)
    result = generate_page("ketamine", "als", out_dir=tmp_path / "out", workspace=ws)
    assert result.outcome is Outcome.SAVED, [str(f) for f in result.findings]
    sidecar = json.loads((tmp_path / "out/drafts/ketamine/als.json").read_text())
    assert sidecar["licenses"] and not any("NC" in lic for lic in sidecar["licenses"])
    assert "ddinter-1.0" in sidecar["excluded_sources"]
    page = (tmp_path / "out/drafts/ketamine/als.md").read_text()
    assert "DDInter" not in page and "SIDER" not in page


def test_a_write_whose_close_fails_reports_that_failure_and_leaves_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failing close (EIO on a network file system) is the error reported, the temp file is removed, and the
    descriptor is not closed a second time (which could close another thread's file)."""
    import errno

    from pipeline.store import atomic_write

    closed: list[int] = []
    real_close = os.close

    def failing_close(fd: int) -> None:
        closed.append(fd)
        real_close(fd)
        raise OSError(errno.EIO, "I/O error")

    monkeypatch.setattr(os, "close", failing_close)
    with pytest.raises(OSError) as raised:
        atomic_write(tmp_path / "page.md", "text", sync=False, sync_dir=False)
    monkeypatch.undo()
    assert raised.value.errno == errno.EIO
    assert len(closed) == 1
    assert list(tmp_path.iterdir()) == []
