"""Importers: real rows of each dataset release in, cited and curated-first knowledge out.

tests/fixtures/data/ holds small extracts (rows copied unchanged from ../shared/data, see its
README) of the six releases; a scratch knowledge base is built from the repository's own
vocabulary, bibliography, organ table and a few hand-curated files. The last test runs every
importer on the full releases and checks the committed knowledge/imported/ is what they give.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from pipeline import KnowledgeError, Workspace, build_page, load_knowledge
from pipeline.knowledge.importers import run_import, run_sequence
from pipeline.knowledge.importers.cli import import_command
from pipeline.knowledge.selection import select_facts
from pipeline.settings import SiteSettings
from tests.conftest import KNOWLEDGE, PROMPTS, ROOT, run_cli

FIXTURES = Path(__file__).parent / "fixtures" / "data"
SHARED = ROOT.parent / "shared" / "data"
HAND = {
    "compounds": ["metformin", "cannabidiol", "melatonin", "gabapentin"],
    "conditions": ["als", "rheumatoid-arthritis"],
    "treatments": ["riluzole", "edaravone", "tofersen", "dextromethorphan-quinidine"],
}
NC = {"ddinter-1.0", "sider-4.1", "drugbank-4.2"}


def _scratch_kb(root: Path) -> Path:
    """Vocabularies, sources, corrections, organ table, lexicon and a few hand files from the shipped knowledge base.

    Hand facts keep only the targets this small knowledge base can resolve; rheumatoid arthritis is a stub
    without a hand list of treatments, so that PharmacotherapyDB's list is the one used.
    """
    kb = root / "knowledge"
    kb.mkdir()
    for name in (
        "vocabulary.yaml",
        "pharmacology.yaml",
        "sources.yaml",
        "side-effect-organs.yaml",
        "import-corrections.yaml",
    ):
        shutil.copy(KNOWLEDGE / name, kb / name)
    for folder in ("lexicon", "sources"):
        shutil.copytree(KNOWLEDGE / folder, kb / folder)
    vocab = yaml.safe_load((KNOWLEDGE / "pharmacology.yaml").read_text())
    known = set(vocab["classes"]) | set(vocab["properties"]) | {i for ids in HAND.values() for i in ids}
    for kind, ids in HAND.items():
        (kb / kind).mkdir()
        for ident in ids:
            data = yaml.safe_load((KNOWLEDGE / kind / f"{ident}.yaml").read_text())
            for fact in data.get("facts") or []:
                if fact.get("targets"):
                    fact["targets"] = [t for t in fact["targets"] if t in known]
            if kind == "conditions" and ident == "rheumatoid-arthritis":
                data.pop("standard_treatments", None)
                data["facts"] = [f for f in data.get("facts") or [] if not f.get("targets")]
            (kb / kind / f"{ident}.yaml").write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    # One hand-curated entry about a pair, citing labels only: the dataset's record stands beside it.
    (kb / "interactions").mkdir()
    (kb / "interactions" / "metformin.yaml").write_text(
        yaml.safe_dump(
            {
                "compound": "metformin",
                "interactions": [
                    {
                        "treatment": "riluzole",
                        "status": "documented",
                        "facts": [
                            {
                                "id": "metformin.interaction.riluzole.hepatic",
                                "kind": "interaction",
                                "sources": ["label-rilutek"],
                                "text": "The riluzole label notes that patients taking other hepatotoxic drugs "
                                "with riluzole may be at increased risk of hepatotoxicity.",
                            }
                        ],
                    }
                ],
            },
            sort_keys=False,
        )
    )
    return kb


@pytest.fixture
def imported(tmp_path: Path) -> Path:
    """A scratch knowledge base with every fixture release imported."""
    kb = _scratch_kb(tmp_path)
    run_sequence(FIXTURES, kb)
    return kb


def _digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_fixture_import_gives_a_valid_knowledge_base(imported: Path) -> None:
    kb = load_knowledge(imported)
    assert set(kb.compounds) == set(HAND["compounds"])
    assert {"leflunomide", "methotrexate", "celecoxib"} <= set(kb.treatments)
    for fact in kb.facts.values():
        assert fact.sources, fact.id
        if kb.fact_files[fact.id].startswith("imported/"):
            assert fact.origin is not None and fact.origin.records, fact.id
            assert fact.sources == (fact.origin.dataset,)


def test_pharmacotherapydb_lists_the_best_supported_treatments(imported: Path) -> None:
    ra = load_knowledge(imported).conditions["rheumatoid-arthritis"]
    listed = [(st.treatment, st.role.value) for st in ra.standard_treatments]
    # disease-modifying first, by resources then curators then name; at most 4 of them, then symptomatic
    assert listed == [
        ("leflunomide", "disease-modifying"),
        ("methotrexate", "disease-modifying"),
        ("sulfasalazine", "disease-modifying"),
        ("azathioprine", "disease-modifying"),
        ("celecoxib", "symptomatic"),
        ("diclofenac", "symptomatic"),
    ]
    fact = ra.standard_treatments[0].facts[0]
    assert fact.text == (
        "PharmacotherapyDB 1.0 lists leflunomide as a disease-modifying treatment for rheumatoid arthritis."
    )
    assert fact.origin and fact.origin.records == ("DOID:7148 DB01097",)
    report = yaml.safe_load((imported / "imported/pharmacotherapydb-1.0/report.yaml").read_text())
    assert report["not_listed"]["rheumatoid-arthritis"] == ["Cyclosporine", "Prednisone"]
    # a reviewed correction removed the catalogue's gabapentin listing, and the report says so
    assert any(c["record"] == "DOID:7148 DB00996" for c in report["corrections_applied"])
    assert report["non_indications_ignored"]["rheumatoid-arthritis"] == ["Folic Acid"]


def test_a_compound_the_catalogue_lists_gets_curated_indication_evidence(tmp_path: Path) -> None:
    kb = _scratch_kb(tmp_path)
    run_sequence(FIXTURES, kb)
    # a reviewed correction drops the catalogue's gabapentin x rheumatoid arthritis listing (a pain-drug listing)
    assert ("gabapentin", "rheumatoid-arthritis") not in load_knowledge(kb).evidence
    (kb / "import-corrections.yaml").write_text("corrections: []\n")
    run_sequence(FIXTURES, kb)
    evidence = load_knowledge(kb).evidence[("gabapentin", "rheumatoid-arthritis")]
    assert evidence.tier.value == "curated-indication"
    assert "physician-curated catalogue" in evidence.facts[0].text


def test_class_regulatory_and_side_effect_facts(imported: Path) -> None:
    kb = load_knowledge(imported)
    assert kb.facts["gabapentin.class.drugcentral"].text.startswith("DrugCentral 2016 lists ")  # joined by name
    assert kb.facts["melatonin.regulatory.drugbank"].text == (
        "DrugBank 4.2 lists melatonin in its approved and nutraceutical groups, with ATC code N05CH01."
    )
    overview = kb.facts["metformin.safety.sider"]
    assert overview.text.startswith("SIDER 4.1 lists ") and "%" not in overview.text and not overview.detail
    digestive = kb.facts["metformin.safety.sider-gastrointestinal"]
    # frequencies rank the effects but are never printed: one label's highest figure misleads
    assert digestive.detail and digestive.tags == ("gastrointestinal",) and "diarrhoea" in digestive.text
    assert "%" not in digestive.text and "report most often" in digestive.text
    assert all(r.startswith("CID100004091") for r in digestive.origin.records)  # type: ignore[union-attr]


def test_hand_curation_wins(imported: Path) -> None:
    kb = load_knowledge(imported)
    # a hand entry citing labels only keeps the dataset's record for the pair beside it
    assert kb.fact_files["metformin.interaction.riluzole.hepatic"] == "interactions/metformin.yaml"
    beside = kb.dataset_records[("metformin", "riluzole")]
    assert beside.facts[0].id == "metformin.interaction.riluzole.ddinter"
    assert [e.facts[0].id for e in kb.pair_entries("metformin", "riluzole")] == [
        "metformin.interaction.riluzole.hepatic",
        "metformin.interaction.riluzole.ddinter",
    ]
    # a hand fact citing DrugCentral replaces what the DrugCentral import says about the same compound
    assert "metformin.class.drugcentral" not in kb.facts
    imported_file = imported / "imported/drugcentral-2016/compounds/metformin.yaml"
    assert "metformin.class.drugcentral" in imported_file.read_text()
    # a hand list of standard treatments wins, and an entry with its own (guideline) facts takes no catalogue facts
    als = kb.conditions["als"].standard_treatments
    assert [st.treatment for st in als] == ["riluzole", "edaravone", "tofersen", "dextromethorphan-quinidine"]
    assert all(f.origin is None for st in als for f in st.facts)


def test_a_hand_fact_with_an_imported_id_replaces_it(imported: Path) -> None:
    path = imported / "compounds" / "melatonin.yaml"
    data = yaml.safe_load(path.read_text())
    data["facts"] = [
        {
            "id": "melatonin.regulatory.drugbank",
            "kind": "regulatory",
            "sources": ["drugbank-4.2"],
            "text": "DrugBank 4.2 lists melatonin in its approved group.",
        }
    ]
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    kb = load_knowledge(imported)
    assert kb.facts["melatonin.regulatory.drugbank"].text == "DrugBank 4.2 lists melatonin in its approved group."
    assert kb.fact_files["melatonin.regulatory.drugbank"] == "compounds/melatonin.yaml"
    assert "melatonin.safety.sider" in kb.facts  # other datasets' facts stay


def test_interaction_wording_is_honest(imported: Path) -> None:
    kb = load_knowledge(imported)
    texts = {fid: f.text for fid, f in kb.facts.items() if ".interaction." in fid}
    assert not [t for t in texts.values() if re.search(r"\bno interaction\b", t)]
    assert texts["cannabidiol.interaction.leflunomide.ddinter"] == (  # joined through the pinned DDInter id
        "DDInter 1.0 grades the interaction of cannabidiol with leflunomide as Major."
    )
    assert texts["metformin.interaction.methotrexate.ddinter"] == (  # "Unknown" said as such
        "DDInter 1.0 grades the interaction of metformin with methotrexate as Unknown (a record without a "
        "severity grade)."
    )
    # a combination's part is named with its product, and the part DDInter has no record for is not stated
    assert texts["gabapentin.interaction.dextromethorphan-quinidine.ddinter"] == (
        "DDInter 1.0 grades the interaction of gabapentin with dextromethorphan (in dextromethorphan/quinidine) "
        "as Moderate."
    )
    # a drug the release does not hold says nothing about its pairs: no entry at all
    assert "gabapentin.interaction.edaravone.ddinter" not in texts
    entry = kb.interactions[("cannabidiol", "leflunomide")]
    assert entry.status.value == "documented" and entry.level == "Major"
    assert entry.facts[0].origin and entry.facts[0].origin.records == ("DDInter284 x DDInter1033",)


def test_only_pairs_the_copy_covers_are_said_to_have_no_record(imported: Path) -> None:
    """The fixture copy holds code_A.csv only: a pair without a record is stated only when a drug is in ATC A."""
    kb = load_knowledge(imported)
    report = yaml.safe_load((imported / "imported/ddinter-1.0/report.yaml").read_text())
    assert report["atc_files_imported"] == ["A"]
    assert "melatonin x leflunomide" in report["pairs_not_covered_by_this_copy"]  # N05CH01 x L04AA13
    assert ("melatonin", "leflunomide") not in kb.interactions
    # sulfasalazine (A07EC01) is in a file this copy holds: DDInter's silence on the pair is a real record
    covered = kb.interactions[("melatonin", "sulfasalazine")]
    assert covered.status.value == "no-curated-data"
    assert covered.facts[0].text == "DDInter 1.0 holds no record for melatonin with sulfasalazine."


def test_what_cannot_be_joined_is_reported(imported: Path) -> None:
    ddinter = yaml.safe_load((imported / "imported/ddinter-1.0/report.yaml").read_text())
    unjoined = {(u["entity"], u["drug"]) for u in ddinter["unjoined"]["treatments"]}
    assert ("edaravone", "edaravone") in unjoined and ("tofersen", "tofersen") in unjoined
    drugbank = yaml.safe_load((imported / "imported/drugbank-4.2/report.yaml").read_text())
    assert {"entity": "compounds/cannabidiol", "reason": "no DrugBank id"} in drugbank["unjoined"]
    sider = yaml.safe_load((imported / "imported/sider-4.1/report.yaml").read_text())
    assert {u["compound"] for u in sider["unjoined_compounds"]} == {"cannabidiol"}
    assert sider["compounds"]["gabapentin"]["unplaced"] > 0 and sider["unplaced_terms_of_imported_compounds"]


def test_reimport_is_idempotent_and_reports_no_change(imported: Path) -> None:
    before = _digest(imported / "imported")
    results = run_sequence(FIXTURES, imported)
    assert all(r.changes.empty for r in results)
    assert _digest(imported / "imported") == before


def test_reimport_shows_what_changed(imported: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(FIXTURES / "ddinter-1.0", data / "ddinter-1.0")
    shutil.copytree(FIXTURES / "drugbank-4.2", data / "drugbank-4.2")
    csv = data / "ddinter-1.0" / "code_A.csv"
    lines = csv.read_text().splitlines(keepends=True)
    kept = [line for line in lines if "Cannabidiol" not in line or "Leflunomide" not in line]
    csv.write_text(
        "".join(kept).replace("Metformin,DDInter1174,Methotrexate,Unknown", "Metformin,DDInter1174,Methotrexate,Minor")
    )
    result = run_import("ddinter-1.0", data, imported, dry_run=True)
    assert "interaction metformin x methotrexate" in result.changes.changed
    # cannabidiol has no ATC code and leflunomide's (L04) is not in this copy: without its record the pair is
    # not covered, so its entry goes rather than turning into "no record"
    assert "fact cannabidiol.interaction.leflunomide.ddinter" in result.changes.removed
    assert not result.changes.added
    assert "Major" in (imported / "imported/ddinter-1.0/interactions/cannabidiol.yaml").read_text()  # dry run
    run_import("ddinter-1.0", data, imported)
    kb = load_knowledge(imported)
    assert ("cannabidiol", "leflunomide") not in kb.interactions


def test_noncommercial_sources_are_left_out(imported: Path) -> None:
    kb = load_knowledge(imported)
    cbd, ra = kb.compounds["cannabidiol"], kb.conditions["rheumatoid-arthritis"]
    full = select_facts(kb, cbd, ra, SiteSettings(organisation="x", disclaimer="y"))
    assert NC & set(full.sources)
    free = select_facts(kb, cbd, ra, SiteSettings(organisation="x", disclaimer="y", exclude_noncommercial=True))
    assert not NC & set(free.sources) and set(free.excluded_sources) == NC
    assert all(tf.interaction is None for tf in free.treatments)


def test_pages_pass_with_and_without_noncommercial_sources(imported: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ws = Workspace.open(imported, PROMPTS)
    for compound in HAND["compounds"]:
        for condition in HAND["conditions"]:
            built = build_page(ws, compound, condition)
            assert built.passed, (compound, condition, [str(f) for f in built.findings if f.severity.value == "error"])
    monkeypatch.setenv("REVIEWGEN_EXCLUDE_NC", "1")
    built = build_page(Workspace.open(imported, PROMPTS), "cannabidiol", "rheumatoid-arthritis")
    assert built.passed, [str(f) for f in built.findings]
    assert not {"CC BY-NC-SA 4.0", "CC BY-NC 4.0"} & set(built.sidecar["licenses"])
    # the scratch treatments have no curated label: the page says the combination has not been checked
    assert built.markdown and "has not been checked against that label" in built.markdown


def test_cli_generate_with_exclude_nc(imported: Path, tmp_path: Path) -> None:
    import os

    env = {**os.environ, "REVIEWGEN_EXCLUDE_NC": "1"}
    result = run_cli(
        "generate", "melatonin", "rheumatoid-arthritis", "--knowledge", str(imported), cwd=tmp_path, env=env
    )
    assert result.returncode == 0, result.stderr
    page = (tmp_path / result.stdout.strip()).read_text()
    assert "SIDER" not in page and "DDInter" not in page and "DrugBank" not in page
    bad = run_cli(
        "generate",
        "melatonin",
        "als",
        "--knowledge",
        str(imported),
        cwd=tmp_path,
        env={**os.environ, "REVIEWGEN_EXCLUDE_NC": "maybe"},
    )
    assert bad.returncode == 2 and "REVIEWGEN_EXCLUDE_NC" in bad.stderr and "Traceback" not in bad.stderr


def test_import_command(tmp_path: Path) -> None:
    kb = _scratch_kb(tmp_path)
    runner = CliRunner()
    first = runner.invoke(
        import_command, ["--source", "pharmacotherapydb", "--path", str(FIXTURES), "--knowledge", str(kb)]
    )
    # written, but the new compounds' classes come from the other imports: exit 1 names what is missing
    assert first.exit_code == 1, first.output
    assert "pharmacotherapydb-1.0: changed: facts: 6 added" in first.output
    assert "compounds/gabapentin.yaml: drug_class" in first.output
    everything = runner.invoke(
        import_command,
        ["--source", "all", "--path", str(FIXTURES), "--knowledge", str(kb), "--report", str(tmp_path / "report.json")],
    )
    assert everything.exit_code == 0, everything.output
    assert "ok: " in everything.output and (tmp_path / "report.json").is_file()
    again = runner.invoke(
        import_command,
        ["--source", "sider-4.1", "--path", str(FIXTURES / "sider-4.1"), "--knowledge", str(kb), "--dry-run"],
    )
    assert again.exit_code == 0 and "would change: facts: 0 added, 0 removed, 0 changed" in again.output


@pytest.mark.parametrize(
    "args, folder, message",
    [
        (["--source", "medline"], "", "unknown dataset"),
        (["--source", "sider", "--release", "sider-9.9"], "", "no dataset entry 'sider-9.9'"),
        (["--source", "ddinter"], "mesh-2015", "not a ddinter-1.0 release"),
    ],
)
def test_import_command_errors(tmp_path: Path, args: list[str], folder: str, message: str) -> None:
    kb = _scratch_kb(tmp_path)
    result = CliRunner().invoke(import_command, [*args, "--path", str(FIXTURES / folder), "--knowledge", str(kb)])
    assert result.exit_code == 2 and message in result.output, result.output


def test_loader_names_the_imported_file_and_field(imported: Path) -> None:
    path = imported / "imported/sider-4.1/compounds/melatonin.yaml"
    path.write_text(path.read_text().replace("  kind: safety\n", "  kind: safety\n  colour: red\n", 1))
    with pytest.raises(KnowledgeError) as info:
        load_knowledge(imported)
    assert any(
        i.file == "imported/sider-4.1/compounds/melatonin.yaml" and i.field.endswith(".colour")
        for i in info.value.issues
    )


def test_a_required_field_nobody_supplies_names_the_hand_file(tmp_path: Path) -> None:
    kb = _scratch_kb(tmp_path)  # nothing imported: the stub has no drug class yet
    with pytest.raises(KnowledgeError) as info:
        load_knowledge(kb)
    issue = next(i for i in info.value.issues if i.file == "compounds/gabapentin.yaml")
    assert issue.field == "drug_class" and "reviewgen knowledge import" in issue.message


@pytest.mark.skipif(
    not SHARED.is_dir(),
    reason=f"the full dataset releases are not here ({SHARED}); the fixture extracts above cover the importers",
)
def test_full_releases_reproduce_the_committed_imports(tmp_path: Path) -> None:
    kb = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, kb, ignore=shutil.ignore_patterns("imported"))
    run_sequence(SHARED, kb)
    assert _digest(kb / "imported") == _digest(KNOWLEDGE / "imported"), (
        "knowledge/imported/ differs from a fresh import of ../shared/data: run "
        "'reviewgen knowledge import --source all --path ../shared/data' and review the change"
    )
    loaded = load_knowledge(kb)
    assert len(loaded.compounds) >= 30 and len(loaded.conditions) >= 15


def test_import_as_a_user_runs_it(imported: Path, tmp_path: Path) -> None:
    result = run_cli(
        "knowledge",
        "import",
        "--source",
        "ddinter",
        "--path",
        str(FIXTURES),
        "--knowledge",
        str(imported),
        "--dry-run",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "ddinter-1.0: would change: facts: 0 added, 0 removed, 0 changed" in result.stdout
