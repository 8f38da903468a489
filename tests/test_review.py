"""The review workflow: statuses, decisions beside the page, diffs against the last approval, conflicts."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

import filelock
import pytest
import yaml

from pipeline import Workspace, generate_page
from pipeline.errors import ApprovalRefusedError, ReviewConflictError, ReviewError
from pipeline.review.diff import diff_page, fact_changes
from pipeline.review.state import (
    approve_page,
    list_pages,
    read_state,
    reject_page,
)
from pipeline.store import approved_page_path, history_path, page_path, review_lock_path
from tests.conftest import PROMPTS, CliResult, run_cli

DOSING = "Most people take 50 mg twice daily with food."
FACT_ID = "ketamine.safety.respiratory"
FACT_PHRASE = "respiratory depression and apnea"


def run_review(*args: str, cwd: Path) -> CliResult:
    """`python -m pipeline review ...` as a user runs it."""
    return run_cli("review", *args, cwd=cwd)


@pytest.fixture
def out(workspace: Workspace, tmp_path: Path) -> Path:
    """Three generated ketamine pages in a scratch outputs/."""
    target = tmp_path / "outputs"
    for condition in ("als", "alzheimers", "parkinsons"):
        assert generate_page("ketamine", condition, out_dir=target, workspace=workspace).path
    return target


def edit_fact(kb: Path) -> None:
    """Edit one curated fact in a copy of the knowledge base, as a curator would."""
    path = kb / "compounds" / "ketamine.yaml"
    data = yaml.safe_load(path.read_text())
    fact = next(f for f in data["facts"] if f["id"] == FACT_ID)
    assert "respiratory depression" in fact["text"] and "apnea" not in fact["text"]
    fact["text"] = fact["text"].replace("respiratory depression", FACT_PHRASE, 1)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100))


def _add_dosing(page: Path) -> None:
    text = page.read_text()
    page.write_text(text.replace("## Bottom Line on Safety\n", f"## Bottom Line on Safety\n\n{DOSING}\n", 1))


def _leftovers(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.suffix == ".tmp"]


# --- statuses -----------------------------------------------------------------------------------


def test_fresh_pages_are_drafts_and_filters_work(out: Path) -> None:
    states = list_pages(out)
    assert [(s.condition, s.label) for s in states] == [
        ("als", "draft"),
        ("alzheimers", "draft"),
        ("parkinsons", "draft"),
    ]
    assert not any(s.changed_since_approved or s.hand_edited for s in states)
    assert list_pages(out, "approved") == [] and len(list_pages(out, "draft")) == 3
    with pytest.raises(ReviewError, match="unknown status"):
        list_pages(out, "published")


def test_approval_keeps_history_beside_page_and_the_approved_version(workspace: Workspace, out: Path) -> None:
    page = page_path(out, "ketamine", "als")
    before = page.read_bytes()
    decision = approve_page(workspace, out, "ketamine", "als", reviewer="alice", note="checked the labels")
    assert page.read_bytes() == before  # the page itself stays diffable: no status or time inside
    history = json.loads(history_path(page).read_text())
    assert history_path(page).name == "als.review.json" and history_path(page).parent == page.parent
    [recorded] = history["decisions"]
    assert recorded == {
        "decision": "approved",
        "reviewer": "alice",
        "note": "checked the labels",
        "time": decision.time,
        "page_hash": decision.page_hash,
        "hand_edited": False,
    }
    base = approved_page_path(out, "ketamine", "als")
    assert base.read_bytes() == before
    approved_sidecar = json.loads(base.with_suffix(".json").read_text())
    assert approved_sidecar["status"] == "approved" and approved_sidecar["approval"]["reviewer"] == "alice"
    assert json.loads(page.with_suffix(".json").read_text())["status"] == "approved"
    assert [s.label for s in list_pages(out, "approved")] == ["approved"]
    assert (out / ".locks" / ".gitignore").read_text() == "*\n"


def test_byte_identical_regeneration_stays_approved(workspace: Workspace, out: Path) -> None:
    approve_page(workspace, out, "ketamine", "als", reviewer="alice")
    generate_page("ketamine", "als", out_dir=out, workspace=workspace, force=True)
    state = read_state(out, "ketamine", "als")
    assert state.sidecar is not None and state.sidecar["status"] == "draft"  # what the generator wrote...
    assert state.label == "approved" and not state.changed_since_approved  # ...is not trusted: hashes are
    diff = diff_page(out, "ketamine", "als")
    assert diff.has_base and diff.lines == [] and diff.facts == []


def test_regenerated_page_that_differs_is_changed_since_approved(
    workspace: Workspace, out: Path, kb_copy: Path
) -> None:
    approve_page(workspace, out, "ketamine", "als", reviewer="alice")
    edit_fact(kb_copy)
    generate_page("ketamine", "als", out_dir=out, workspace=Workspace.open(kb_copy, PROMPTS))
    state = read_state(out, "ketamine", "als")
    assert state.label == "changed" and state.status.value == "draft" and state.changed_since_approved
    assert [s.condition for s in list_pages(out, "changed")] == ["als"]
    assert "als" in [s.condition for s in list_pages(out, "draft")]  # draft includes changed drafts
    assert list_pages(out, "approved") == []
    diff = diff_page(out, "ketamine", "als")
    assert any(line.startswith("+") and "apnea" in line for line in diff.lines)
    assert any(line.startswith("-") and "apnea" not in line and "respiratory depression" in line for line in diff.lines)
    [change] = diff.facts
    assert (change.fact_id, change.change, change.fields) == (FACT_ID, "edited", ("text",))
    assert "apnea" in (change.new or "") and "apnea" not in (change.old or "")
    assert "facts changed" in diff.provenance


def test_fact_changes_by_id() -> None:
    old = {"a": {"text": "A", "tags": []}, "b": {"text": "B", "tags": []}, "c": {"text": "C", "tags": []}}
    new = {"a": {"text": "A", "tags": []}, "b": {"text": "B2", "tags": ["x"]}, "d": {"text": "D", "tags": []}}
    changes = {c.fact_id: c for c in fact_changes(old, new)}
    assert set(changes) == {"b", "c", "d"}
    assert (changes["b"].change, changes["b"].old, changes["b"].new, changes["b"].fields) == (
        "edited",
        "B",
        "B2",
        ("tags", "text"),
    )
    assert (changes["c"].change, changes["c"].old, changes["c"].new) == ("removed", "C", None)
    assert (changes["d"].change, changes["d"].old, changes["d"].new) == ("added", None, "D")


def test_reject_needs_a_note_and_is_recorded(out: Path) -> None:
    with pytest.raises(ReviewError, match="--note is required"):
        reject_page(out, "ketamine", "als", reviewer="bob", note="  ")
    reject_page(out, "ketamine", "als", reviewer="bob", note="too vague on monitoring")
    state = read_state(out, "ketamine", "als")
    assert state.label == "rejected" and state.last_decision and state.last_decision.note.startswith("too vague")
    assert state.sidecar and state.sidecar["status"] == "rejected"
    assert not approved_page_path(out, "ketamine", "als").exists()
    with pytest.raises(ReviewConflictError, match="already rejected"):
        reject_page(out, "ketamine", "als", reviewer="carol", note="again")


def test_a_rejected_page_can_still_be_approved_and_vice_versa(workspace: Workspace, out: Path) -> None:
    reject_page(out, "ketamine", "als", reviewer="bob", note="not sure")
    approve_page(workspace, out, "ketamine", "als", reviewer="bob", note="on reflection, fine")
    assert read_state(out, "ketamine", "als").label == "approved"
    reject_page(out, "ketamine", "als", reviewer="carol", note="withdrawn")
    state = read_state(out, "ketamine", "als")
    assert state.label == "rejected" and len(state.history) == 3
    assert approved_page_path(out, "ketamine", "als").is_file()  # the base of the next diff survives


# --- approval re-checks ------------------------------------------------------------------------


def test_approving_a_page_with_a_hand_added_dosing_sentence_is_refused(workspace: Workspace, out: Path) -> None:
    page = page_path(out, "ketamine", "als")
    sidecar_before = page.with_suffix(".json").read_bytes()
    _add_dosing(page)
    with pytest.raises(ApprovalRefusedError, match="cannot approve ketamine x als") as caught:
        approve_page(workspace, out, "ketamine", "als", reviewer="alice")
    assert any(f.rule == "no-dosing" and f.section == "bottom_line" for f in caught.value.findings)
    assert not history_path(page).exists() and not approved_page_path(out, "ketamine", "als").exists()
    assert page.with_suffix(".json").read_bytes() == sidecar_before
    assert read_state(out, "ketamine", "als").hand_edited


def test_a_hand_edit_that_passes_every_check_is_approved_as_edited(workspace: Workspace, out: Path) -> None:
    page = page_path(out, "ketamine", "als")
    line = "- Your neurologist or ALS specialist can advise which of these checks apply to you.\n"
    assert line in page.read_text()
    page.write_text(page.read_text().replace(line, "", 1))
    decision = approve_page(workspace, out, "ketamine", "als", reviewer="alice")
    assert decision.hand_edited
    assert approved_page_path(out, "ketamine", "als").read_text() == page.read_text()


# --- no lost decisions ---------------------------------------------------------------------------


def test_page_changed_since_the_reviewer_read_it_is_a_conflict(workspace: Workspace, out: Path) -> None:
    seen = read_state(out, "ketamine", "als")
    page = page_path(out, "ketamine", "als")
    page.write_text(
        page.read_text().replace(
            "- Your neurologist or ALS specialist can advise which of these checks apply to you.\n", "", 1
        )
    )
    with pytest.raises(ReviewConflictError, match="changed since you read it"):
        approve_page(workspace, out, "ketamine", "als", reviewer="alice", expected_hash=seen.page_hash)
    with pytest.raises(ReviewError, match="too short"):
        approve_page(workspace, out, "ketamine", "als", reviewer="alice", expected_hash="abc")
    assert not history_path(page).exists()


def test_concurrent_approvals_one_wins_one_conflicts(workspace: Workspace, out: Path) -> None:
    seen = read_state(out, "ketamine", "als")
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def decide(reviewer: str) -> None:
        barrier.wait()
        try:
            approve_page(
                workspace,
                out,
                "ketamine",
                "als",
                reviewer=reviewer,
                expected_hash=seen.page_hash,
                expected_decisions=len(seen.history),
            )
            outcomes[reviewer] = "won"
        except ReviewConflictError as exc:
            outcomes[reviewer] = f"conflict: {exc}"

    threads = [threading.Thread(target=decide, args=(name,)) for name in ("alice", "bob")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(v.split(":")[0] for v in outcomes.values()) == ["conflict", "won"], outcomes
    winner = next(k for k, v in outcomes.items() if v == "won")
    history = json.loads(history_path(page_path(out, "ketamine", "als")).read_text())
    assert [d["reviewer"] for d in history["decisions"]] == [winner]
    assert not _leftovers(out)


def test_a_held_lock_is_a_conflict_not_a_wait_forever(workspace: Workspace, out: Path) -> None:
    lock = review_lock_path(out, "ketamine", "als")
    lock.parent.mkdir(parents=True)
    with filelock.FileLock(lock), pytest.raises(ReviewConflictError, match="another review action"):
        approve_page(workspace, out, "ketamine", "als", reviewer="alice", lock_timeout=0.2)
    assert not history_path(page_path(out, "ketamine", "als")).exists()


def test_a_failed_write_is_a_one_line_error_and_no_decision(out: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import pipeline.review.state

    def full_disk(path: Path, data: str, sync_dir: bool = True) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pipeline.review.state, "atomic_write", full_disk)
    with pytest.raises(ReviewError, match="could not write the decision"):
        reject_page(out, "ketamine", "als", reviewer="bob", note="vague")
    monkeypatch.undo()
    assert read_state(out, "ketamine", "als").history == [] and not _leftovers(out)


def test_unreadable_history_names_the_file(out: Path) -> None:
    history_path(page_path(out, "ketamine", "als")).write_text('{"compound": "ketamine"}')
    with pytest.raises(ReviewError, match=r"als\.review\.json: invalid decision history"):
        read_state(out, "ketamine", "als")


def test_missing_page_says_how_to_make_it(tmp_path: Path) -> None:
    with pytest.raises(ReviewError, match="generate it first"):
        read_state(tmp_path, "ketamine", "als")


# --- the CLI, as a user runs it -----------------------------------------------------------------


def test_done_when_generate_approve_edit_fact_regenerate_diff(tmp_path: Path, kb_copy: Path) -> None:
    kb = str(kb_copy)
    assert run_cli("generate", "ketamine", "als", "--knowledge", kb, cwd=tmp_path).returncode == 0
    shown = run_review("show", "Spravato", "Amyotrophic Lateral Sclerosis", "--knowledge", kb, cwd=tmp_path)
    assert shown.returncode == 0, shown.stderr
    assert "status:     draft" in shown.stdout and "findings:   none" in shown.stdout
    assert "# Is Ketamine (IV / Esketamine) Safe for ALS" in shown.stdout
    approved = run_review(
        "approve", "ketamine", "als", "--reviewer", "alice", "--note", "ok", "--knowledge", kb, cwd=tmp_path
    )
    assert approved.returncode == 0, approved.stderr
    assert approved.stdout.startswith("approved: ketamine x als by alice")
    edit_fact(kb_copy)
    assert run_cli("generate", "ketamine", "als", "--knowledge", kb, cwd=tmp_path).returncode == 0
    listed = run_review("list", cwd=tmp_path)
    assert listed.returncode == 0 and listed.stdout.splitlines()[0].startswith("changed   ketamine x als")
    diff = run_review("diff", "ketamine", "als", "--knowledge", kb, cwd=tmp_path)
    assert diff.returncode == 0, diff.stderr
    lines = diff.stdout.splitlines()
    assert "--- approved/ketamine/als.md" in lines and "+++ drafts/ketamine/als.md" in lines
    assert any(line.startswith("+- ") and FACT_PHRASE in line for line in lines)
    assert f"~ {FACT_ID} (edited: text)" in lines
    assert any(line.startswith("    old: ") and "apnea" not in line for line in lines)
    assert any(line.startswith("    new: ") and "apnea" in line for line in lines)


def test_cli_refuses_approval_with_a_hand_added_dosing_sentence(tmp_path: Path) -> None:
    page = tmp_path / run_cli("generate", "ketamine", "als", cwd=tmp_path).stdout.strip()
    _add_dosing(page)
    result = run_review("approve", "ketamine", "als", "--reviewer", "alice", cwd=tmp_path)
    assert result.returncode == 1
    first, *rest = result.stderr.strip().splitlines()
    assert first.startswith("Error: cannot approve ketamine x als: ")
    assert any("no-dosing in bottom_line" in line for line in rest)
    assert not history_path(page).exists()


def test_cli_concurrent_approvals_one_wins_one_conflicts(tmp_path: Path) -> None:
    page = tmp_path / run_cli("generate", "ketamine", "als", cwd=tmp_path).stdout.strip()
    args = ["approve", "ketamine", "als", "--note", "race"]
    base = [sys.executable, "-m", "pipeline", "review"]
    procs = [
        subprocess.Popen(
            [*base, *args, "--reviewer", name], cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for name in ("alice", "bob")
    ]
    results = [(p.wait(timeout=120), *p.communicate()) for p in procs]
    codes = sorted(code for code, _, _ in results)
    assert codes == [0, 3], results
    loser = next(err for code, _, err in results if code == 3)
    assert len(loser.strip().splitlines()) == 1 and loser.startswith("Error: conflict: ketamine x als")
    history = json.loads(history_path(page).read_text())
    assert len(history["decisions"]) == 1
    assert approved_page_path(tmp_path / "outputs", "ketamine", "als").read_bytes() == page.read_bytes()
    assert not _leftovers(tmp_path)


def test_cli_list_statuses_and_byte_identical_regeneration(tmp_path: Path) -> None:
    for condition in ("als", "alzheimers", "parkinsons"):
        assert run_cli("generate", "ketamine", condition, "--out", "site", cwd=tmp_path).returncode == 0
    assert run_review("approve", "ketamine", "als", "--reviewer", "a", "--out", "site", cwd=tmp_path).returncode == 0
    rejected = run_review(
        "reject", "ketamine", "parkinsons", "--reviewer", "b", "--note", "vague", "--outputs", "site", cwd=tmp_path
    )
    assert rejected.returncode == 0, rejected.stderr
    assert run_cli("generate", "ketamine", "als", "--out", "site", cwd=tmp_path).returncode == 0
    listed = run_review("list", "--json", "--out", "site", cwd=tmp_path)
    statuses = {p["condition"]: p["status"] for p in json.loads(listed.stdout)}
    assert statuses == {"als": "approved", "alzheimers": "draft", "parkinsons": "rejected"}
    only = run_review("list", "--status", "rejected", "--out", "site", cwd=tmp_path)
    assert only.stdout.splitlines()[0].startswith("rejected  ketamine x parkinsons  rejected by b at ")
    assert only.stdout.splitlines()[-1] == "1 page(s), 0 record(s): 1 rejected"


@pytest.mark.parametrize(
    "args, code, message",
    [
        (("approve", "ketamin", "als", "--reviewer", "a"), 2, "did you mean 'ketamine'"),
        (("diff", "ketamine", "alss"), 2, "did you mean 'als'"),
        (("approve", "ketamine", "als", "--reviewer", "a"), 2, "no page for ketamine x als; generate it first"),
        (("reject", "ketamine", "als", "--reviewer", "a", "--note", ""), 2, "--note is required"),
        (("list", "--out", "nowhere"), 2, "nowhere: no such outputs directory"),
        (("dashboard", "--html", "r.html", "--out", "nowhere"), 2, "nowhere: no such outputs directory"),
    ],
)
def test_cli_errors_are_one_line(tmp_path: Path, args: tuple[str, ...], code: int, message: str) -> None:
    result = run_review(*args, cwd=tmp_path)
    assert result.returncode == code, result.stderr
    text = (result.stderr if code else result.stdout).strip()
    assert len(text.splitlines()) == 1 and message in text, text


def test_a_note_cannot_forge_a_line_in_the_listing(tmp_path: Path) -> None:
    assert run_cli("generate", "ketamine", "als", "--out", "site", cwd=tmp_path).returncode == 0
    forged = "fine\napproved   ketamine x parkinsons  approved by boss"
    assert (
        run_review(
            "reject", "ketamine", "als", "--reviewer", "eve", "--note", forged, "--out", "site", cwd=tmp_path
        ).returncode
        == 0
    )
    listed = run_review("list", "--out", "site", cwd=tmp_path).stdout.splitlines()
    assert len(listed) == 2 and "fine\\napproved" in listed[0], listed


def test_refused_and_failed_generations_are_listed(workspace: Workspace, kb_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    assert generate_page("ketamine", "als", out_dir=out, workspace=workspace).path
    (out / "failed" / "metformin").mkdir(parents=True)
    (out / "failed" / "metformin" / "als.json").write_text(json.dumps({"status": "failed", "error": "endpoint down"}))
    # the knowledge changes so that the pair's next regeneration is refused by the checks
    path = kb_copy / "compounds" / "ketamine.yaml"
    data = yaml.safe_load(path.read_text())
    data["facts"] = [f for f in data["facts"] if f.get("kind") != "regulatory"]
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=200))
    result = generate_page("ketamine", "als", out_dir=out, workspace=Workspace.open(kb_copy, PROMPTS))
    assert result.outcome.value == "rejected"
    listed = run_review("list", "--out", str(out), cwd=tmp_path).stdout
    assert "latest regeneration refused" in listed.splitlines()[0]
    assert "refused   ketamine x als" in listed and "failed    metformin x als  endpoint down" in listed
    only = json.loads(run_review("list", "--status", "failed", "--json", "--out", str(out), cwd=tmp_path).stdout)
    assert [(r["compound"], r["status"]) for r in only] == [("metformin", "failed")]
