"""The CLI as a user runs it: subprocesses in a scratch directory."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_cli

REQUIRED_FINDING_FIELDS = {"path", "rule", "severity", "section", "text", "message"}


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One generated ketamine x ALS page, shared by the read-only tests."""
    cwd = tmp_path_factory.mktemp("gen")
    result = run_cli("generate", "ketamine", "als", cwd=cwd)
    assert result.returncode == 0, result.stderr
    return cwd / result.stdout.strip()


def _copy_page(page: Path, dest: Path, with_sidecar: bool = True) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy(page, dest / page.name)
    if with_sidecar:
        shutil.copy(page.with_suffix(".json"), dest / page.with_suffix(".json").name)
    return dest / page.name


def test_generate_prints_path_under_outputs(generated: Path) -> None:
    assert generated.as_posix().endswith("outputs/drafts/ketamine/als.md")
    assert generated.is_file() and generated.with_suffix(".json").is_file()
    sidecar = json.loads(generated.with_suffix(".json").read_text())
    assert sidecar["status"] == "draft" and sidecar["drafter"] == "composer"
    assert set(sidecar["hashes"]) >= {"facts", "templates", "page"}


def test_generate_accepts_names_and_aliases_case_insensitively(tmp_path: Path) -> None:
    result = run_cli("generate", "SPRAVATO", "Amyotrophic Lateral Sclerosis", "--out", "site", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "site/drafts/ketamine/als.md").is_file()


@pytest.mark.parametrize(
    "args, kind, suggestion",
    [
        (("ketamin", "als"), "compound", "ketamine"),
        (("ketamine", "alss"), "condition", "als"),
    ],
)
def test_unknown_name_is_one_line_with_suggestion(
    tmp_path: Path, args: tuple[str, str], kind: str, suggestion: str
) -> None:
    result = run_cli("generate", *args, cwd=tmp_path)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert f"unknown {kind}" in lines[0] and f"did you mean '{suggestion}'" in lines[0]
    assert not (tmp_path / "outputs").exists()


def test_check_passes_on_generated_page(generated: Path) -> None:
    result = run_cli("check", str(generated), cwd=generated.parent)
    assert result.returncode == 0, result.stderr + result.stdout


def test_check_flags_inserted_dosing_sentence(generated: Path, tmp_path: Path) -> None:
    page = _copy_page(generated, tmp_path)
    text = page.read_text().replace(
        "## Bottom Line on Safety\n", "## Bottom Line on Safety\n\nMost people take 50 mg twice daily with food.\n", 1
    )
    page.write_text(text)
    result = run_cli("check", str(page), "--json", cwd=tmp_path)
    assert result.returncode == 1
    findings = json.loads(result.stdout)
    dosing = [f for f in findings if f["rule"] == "no-dosing"]
    assert dosing and dosing[0]["section"] == "bottom_line"
    assert dosing[0]["text"] in "Most people take 50 mg twice daily with food."
    assert all(set(f) >= REQUIRED_FINDING_FIELDS for f in findings)
    assert dosing[0]["path"] == str(page)


def test_check_without_sidecar_runs_text_rules_and_says_so(generated: Path, tmp_path: Path) -> None:
    page = _copy_page(generated, tmp_path, with_sidecar=False)
    result = run_cli("check", str(page), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "grounding and citations skipped" in result.stderr


def test_check_without_sidecar_still_catches_directives(generated: Path, tmp_path: Path) -> None:
    page = _copy_page(generated, tmp_path, with_sidecar=False)
    page.write_text(
        page.read_text().replace(
            "No compound can be declared", "You should stop riluzole before ketamine. No compound can be declared"
        )
    )
    result = run_cli("check", str(page), "--json", cwd=tmp_path)
    assert result.returncode == 1
    assert {f["rule"] for f in json.loads(result.stdout)} == {"no-directive-advice"}


def test_check_with_sidecar_flags_ungrounded_edit(generated: Path, tmp_path: Path) -> None:
    page = _copy_page(generated, tmp_path)
    text = page.read_text()
    # Swap the organ in ketamine's liver warning, keeping its citation marker.
    edited = text.replace(
        "The ketamine injection label warns of drug-induced liver injury",
        "The ketamine injection label warns of drug-induced kidney injury",
    )
    assert edited != text
    page.write_text(edited)
    result = run_cli("check", str(page), "--json", cwd=tmp_path)
    assert result.returncode == 1
    grounded = [f for f in json.loads(result.stdout) if f["rule"] == "grounded"]
    assert grounded and grounded[0]["text"] == "kidney" and grounded[0]["fact_ids"]


def test_check_flags_dropped_disclaimer_and_foreign_link(generated: Path, tmp_path: Path) -> None:
    page = _copy_page(generated, tmp_path)
    text = page.read_text()
    text = text.replace("Never start, stop, or change any treatment based on information found online. ", "")
    text = text.replace(
        "lists registered trials.", "lists registered trials; see also https://miracle-cures.example.com."
    )
    page.write_text(text)
    result = run_cli("check", str(page), "--json", cwd=tmp_path)
    rules = {f["rule"] for f in json.loads(result.stdout)}
    assert result.returncode == 1
    assert {"disclaimer", "structure"} <= rules


def test_check_missing_file_is_clear_error(tmp_path: Path) -> None:
    result = run_cli("check", "nope.md", cwd=tmp_path)
    assert result.returncode == 2
    assert "nope.md" in result.stderr and "Traceback" not in result.stderr


def test_batch_reports_summary(tmp_path: Path) -> None:
    result = run_cli("batch", "--compound", "ketamine", "--condition", "als", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "saved: 1   rejected: 0   failed: 0" in result.stdout
    assert (tmp_path / "outputs/drafts/ketamine/als.md").is_file()


def test_batch_requires_a_selection(tmp_path: Path) -> None:
    result = run_cli("batch", cwd=tmp_path)
    assert result.returncode == 2 and "--all" in result.stderr


def test_list_shows_compounds_and_conditions(tmp_path: Path) -> None:
    result = run_cli("list", cwd=tmp_path)
    assert result.returncode == 0
    assert "ketamine" in result.stdout and "als" in result.stdout


def test_knowledge_flag_and_env_override(tmp_path: Path) -> None:
    empty = tmp_path / "empty-kb"
    empty.mkdir()
    result = run_cli("list", "--knowledge", str(empty), cwd=tmp_path)
    assert result.returncode == 2 and "vocabulary.yaml" in result.stderr
    import os

    env = dict(os.environ, REVIEWGEN_KNOWLEDGE=str(empty))
    result = run_cli("list", cwd=tmp_path, env=env)
    assert result.returncode == 2 and "vocabulary.yaml" in result.stderr


def test_same_inputs_give_byte_identical_pages(tmp_path: Path) -> None:
    run_cli("generate", "ketamine", "als", "--out", "a", cwd=tmp_path)
    run_cli("generate", "ketamine", "als", "--out", "b", cwd=tmp_path)
    a = (tmp_path / "a/drafts/ketamine/als.md").read_bytes()
    assert a == (tmp_path / "b/drafts/ketamine/als.md").read_bytes()
    assert b"\r" not in a


def test_example_settings_reproduce_the_seed_byline(tmp_path: Path) -> None:
    result = run_cli(
        "generate", "ketamine", "als", "--settings", str(ROOT / "examples/site.insightswarm.yaml"), cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    page = (tmp_path / "outputs/drafts/ketamine/als.md").read_text()
    assert "*By Insight Swarm Research Team, Medical Advisor: Nikhil Joshi, MD, FRCPC*" in page
    assert "Get a personalized AI-generated research report at insightswarm.ai." in page


def test_check_flags_an_added_section(generated: Path, tmp_path: Path) -> None:
    page = _copy_page(generated, tmp_path)
    page.write_text(
        page.read_text().replace(
            "## Bottom Line on Safety", "## Our Opinion\n\nKetamine looks promising.\n\n## Bottom Line on Safety"
        )
    )
    result = run_cli("check", str(page), "--json", cwd=tmp_path)
    assert result.returncode == 1
    structure = [f for f in json.loads(result.stdout) if f["rule"] == "structure"]
    assert any(f["text"] == "Our Opinion" for f in structure)


def test_check_flags_uncited_sentence_added_to_drafted_section(generated: Path, tmp_path: Path) -> None:
    page = _copy_page(generated, tmp_path)
    page.write_text(
        page.read_text().replace(
            "No compound can be declared", "Ketamine protects motor neurons in ALS. No compound can be declared"
        )
    )
    result = run_cli("check", str(page), "--json", cwd=tmp_path)
    assert result.returncode == 1
    rules = {f["rule"] for f in json.loads(result.stdout)}
    assert "citations" in rules


def test_generate_and_batch_write_the_same_sidecar_and_skip_each_other(tmp_path: Path) -> None:
    assert run_cli("generate", "ketamine", "als", cwd=tmp_path).returncode == 0
    sidecar = tmp_path / "outputs/drafts/ketamine/als.json"
    first = sidecar.read_bytes()
    assert json.loads(first)["key"]
    again = run_cli("generate", "ketamine", "als", cwd=tmp_path)
    assert again.returncode == 0 and "unchanged" in again.stderr
    assert again.stdout.strip() == "outputs/drafts/ketamine/als.md"
    assert sidecar.read_bytes() == first  # a second run leaves a committed outputs/ clean
    batch = run_cli("batch", "--compound", "ketamine", "--condition", "als", cwd=tmp_path)
    assert "unchanged (skipped): 1" in batch.stdout, batch.stdout
    forced = run_cli("generate", "ketamine", "als", "--force", cwd=tmp_path)
    assert forced.returncode == 0 and "unchanged" not in forced.stderr


def test_outputs_follow_the_umask(tmp_path: Path) -> None:
    import os
    import stat
    import subprocess
    import sys

    result = subprocess.run(
        ["sh", "-c", f"umask 022 && {sys.executable} -m pipeline generate ketamine als"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    for name in ("als.md", "als.json"):
        assert stat.S_IMODE(os.stat(tmp_path / "outputs/drafts/ketamine" / name).st_mode) == 0o644


def test_an_unwritable_out_or_summary_is_a_one_line_error(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("x")
    for args in (
        ("generate", "ketamine", "als", "--out", "a-file/sub"),
        ("batch", "--compound", "ketamine", "--condition", "als", "--out", "a-file/sub"),
        ("batch", "--compound", "ketamine", "--condition", "als", "--summary-json", "missing/s.json"),
    ):
        result = run_cli(*args, cwd=tmp_path)
        assert result.returncode == 2 and "Traceback" not in result.stderr, (args, result.stderr)
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert not (tmp_path / "outputs").exists()  # refused before any page was written


def test_an_enormous_unknown_name_is_not_echoed_in_full(tmp_path: Path) -> None:
    result = run_cli("generate", "x" * 100_000, "als", cwd=tmp_path)
    assert result.returncode == 2 and len(result.stderr) < 1000 and "100000 characters" in result.stderr


def test_a_duplicate_key_in_knowledge_yaml_is_refused_with_its_line(kb_copy: Path) -> None:
    path = kb_copy / "compounds" / "ketamine.yaml"
    lines = path.read_text().splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("name:"))
    lines.insert(at + 1, "name: Ketamine duplicated")
    path.write_text("\n".join(lines) + "\n")
    result = run_cli("knowledge", "validate", str(kb_copy), cwd=kb_copy.parent)
    out = result.stdout + result.stderr
    assert result.returncode != 0 and "duplicate key 'name'" in out and f"line {at + 2}" in out, out


def _commands() -> list[list[str]]:
    import click

    from pipeline.cli import cli

    def walk(command: click.Command, path: list[str]) -> list[list[str]]:
        if isinstance(command, click.Group):
            ctx = click.Context(command)
            subs = [(name, command.get_command(ctx, name)) for name in command.list_commands(ctx)]
            return [p for name, sub in subs if sub is not None for p in walk(sub, [*path, name])]
        return [path]

    return walk(cli, [])


def test_every_command_is_walked() -> None:
    """The help test below must not pass by finding nothing: the lazily loaded commands are all there."""
    top = {command[0] for command in _commands()}
    assert {"generate", "batch", "check", "list", "knowledge", "eval", "review", "report", "serve"} <= top
    assert len(_commands()) >= 19


@pytest.mark.parametrize("command", _commands(), ids=" ".join)
def test_every_command_help_carries_an_example(tmp_path: Path, command: list[str]) -> None:
    result = run_cli(*command, "--help", cwd=tmp_path)
    assert result.returncode == 0 and "Example" in result.stdout and "reviewgen " + command[0] in result.stdout


def test_rpm_with_the_built_in_drafter_is_refused_not_ignored(tmp_path: Path) -> None:
    result = run_cli("batch", "--compound", "ketamine", "--condition", "als", "--rpm", "10", cwd=tmp_path)
    assert result.returncode == 2 and "--drafter llm" in result.stderr
    assert not (tmp_path / "outputs").exists()
