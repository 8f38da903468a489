"""The four text rules: no-dosing, no-directive-advice, no-absolute-safety, no-cure-claims.

Each rule gets violating sentences (in many disguises) that must produce a
finding with that rule's id, and benign sentences (the near misses a safety
page really contains: trial sizes, years, label reporting, consult guidance,
negated claims) that must not. The detectors are exercised directly and, for a
handful of sentences, through ``check_markdown`` on a small page. Every sentence
of the design's example page must pass all four rules.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from pipeline.checks import check_markdown
from pipeline.checks.document import parse_page, plain, split_sentences, strip_markers
from pipeline.language import find_absolute_safety, find_cure_claims, find_directives
from pipeline.language.dosing import find_dosing
from pipeline.language.spans import Hit
from pipeline.settings import SiteSettings, load_settings

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SEED_PAGE = FIXTURES / "seed_page_ketamine_als.txt"

Detector = Callable[[str], list[Hit]]

# --------------------------------------------------------------------------- no-dosing

DOSING_VIOLATING = [
    "The usual dose is 50 mg twice daily.",
    "Patients received 10-20 mg of the drug.",
    "Patients received 10–20 mg of the drug.",
    "Half a tablet was taken in the morning.",
    "A quarter of a tablet was enough for most patients.",
    "Ketamine was given at 0.5 mg/kg over 40 minutes.",
    "The infusion was dosed at 0.5 mg per kilogram of body weight.",
    "Vitamin E at 400 IU per day was studied.",
    "A 1,000 mcg injection of methylcobalamin was given.",
    "The dose was 50 µg at each visit.",
    "The dose was 50 μg at each visit.",
    "Fifty milligrams is the typical amount.",
    "Sixteen milligrams were given in the trial.",
    "The device delivers a 28-mg dose of esketamine.",
    "Two sprays in each nostril are used per session.",
    "Two puffs are inhaled as needed.",
    "One patch is applied every 72 hours.",
    "The patch is changed every 3 to 4 days.",
    "It is given as an infusion every other day.",
    "Sessions were held twice weekly.",
    "The tablet is taken three times a day.",
    "The capsule is taken at bedtime.",
    "Start low and increase slowly.",
    "Taper off over several weeks.",
    "The drug should be tapered gradually before it is withdrawn.",
    "Titrate to effect under supervision.",
    "Patients took one to two tablets.",
    "One and a half tablets were used by some patients.",
    "Edaravone was given as a 60 mg intravenous infusion.",
    "Tofersen is given as three loading doses.",
    "The regimen is 14 days on followed by 14 days off.",
    "It is dosed every 12 hours.",
    "It is taken once a day with food.",
    "Two drops were placed under the tongue.",
    "The maximum daily dose was not exceeded.",
    "Dosing is weight-based in children.",
    "The tablets were taken BID.",
    "Double the dose if symptoms persist.",
    "The dose is increased by 10 mg each week.",
    "Microdosing psilocybin has been described.",
    "It is taken on alternate days.",
    "Twenty units of insulin were given.",
    "Riluzole is taken daily.",
    "Esketamine is administered twice a week during induction.",
    "The patch is applied each morning.",
    "Patients used 5 ml of the oral suspension.",
    "Patients took 2 capsules with meals.",
    "The infusion rate was 40 mg/m2.",
    "A single 56 mg dose was studied.",
    "Infusions were given daily for 14 days.",
]

DOSING_BENIGN = [
    "Tofersen was approved in 2023.",
    "Esketamine was approved in 2019 for treatment-resistant depression.",
    "In its clinical trials 48% to 61% of esketamine-treated patients developed sedation.",
    "The trial enrolled 1,709 patients.",
    "Phase II trials are ongoing for neuropathic pain.",
    "A phase 3 trial did not meet its primary endpoint.",
    "Under the SPRAVATO REMS a healthcare provider monitors the patient for at least two hours "
    "after each esketamine administration for sedation, dissociation and respiratory depression.",
    "Patients were observed for at least two hours after administration.",
    "Edaravone slowed functional decline over 28 weeks.",
    "Adverse events were more common at higher doses.",
    "The effect on blood pressure was dose-dependent.",
    "A 2018 dose-finding study enrolled 60 patients.",
    "Two dose-ranging studies have been published.",
    "Tofersen is FDA-approved for ALS in adults with a mutation in the SOD1 gene.",
    "Riluzole is metabolized mainly by CYP1A2.",
    "DrugBank lists ketamine in its approved group under ATC code N01AX03.",
    "Ketamine and esketamine are Schedule III controlled substances in the United States.",
    "DrugBank 4.0 and DDInter 1.0 were used as sources.",
    "Riluzole extends survival by about two to three months.",
    "Around 10% of ALS cases are familial.",
    "Repeat expansions in C9orf72 are the most common genetic cause of ALS.",
    "The study followed 137 patients for 24 weeks.",
    "In one study, three of 12 patients had hallucinations.",
    "Elevations greater than 5 times the upper limit of normal were reported.",
    "Blood pressure rose by about 10 mmHg after administration.",
    "Patients had a mean age of 57 years.",
    "Esketamine is given as a nasal spray.",
    "Edaravone is given as an intravenous infusion.",
    "Tofersen, given by intrathecal injection, is FDA-approved for SOD1-ALS.",
    "Daily activities such as walking become harder as ALS progresses.",
    "Respiratory failure is the most common cause of death in ALS.",
    "The ALSFRS-R score declined by 2.5 points less than with placebo.",
    "Hepatic injury occurred within the first 3 months of treatment.",
    "An early randomized study of intravenous ketamine was published in 2000.",
    "Three times as many patients reported dizziness with esketamine.",
    "Esketamine nasal spray (SPRAVATO) is FDA-approved for treatment-resistant depression in adults.",
    "The riluzole label calls for serum aminotransferases to be measured before and during treatment.",
    "Your neurologist or ALS specialist should determine the appropriate monitoring schedule.",
    "About 5,000 people are diagnosed with ALS each year.",
    "Liver tests are repeated monthly for the first three months.",
    "Blood pressure is checked before and after each session.",
]

# ------------------------------------------------------------------ no-directive-advice

DIRECTIVE_VIOLATING = [
    "Stop taking riluzole if you feel dizzy.",
    "Start ketamine only in a clinic.",
    "Switch to edaravone if riluzole upsets your stomach.",
    "Hold riluzole before surgery.",
    "Skip the next infusion if you feel unwell.",
    "Avoid alcohol while using esketamine.",
    "Discontinue the drug if liver enzymes rise.",
    "Take it with food.",
    "It is best to stop riluzole before trying ketamine.",
    "You should avoid ketamine if you have high blood pressure.",
    "Patients should stop riluzole before starting ketamine.",
    "Consider stopping riluzole if nausea persists.",
    "Try ketamine if other treatments have failed.",
    "Do not combine ketamine with dextromethorphan.",
    "Never take ketamine at home.",
    "ALS patients should avoid ketamine.",
    "We recommend starting with a low dose.",
    "You can safely combine the two drugs.",
    "Keep taking riluzole while trying ketamine.",
    "Make sure to take riluzole on an empty stomach.",
    "Caregivers should give the medicine at the same time each day.",
    "Use esketamine only under supervision.",
    "If nausea persists, stop riluzole.",
    "Stop riluzole without consulting your doctor.",
    "People with ALS need to stop riluzole before any ketamine session.",
    "Add edaravone to riluzole for the best results.",
    "Use Spravato only in a certified healthcare setting.",
    "Resume riluzole after the procedure.",
    "People on riluzole must stop it before surgery.",
]

DIRECTIVE_BENIGN = [
    "Always consult your neurologist or ALS specialist before considering any compound.",
    "Consult your neurologist before starting any new treatment.",
    "Talk to your pharmacist about possible interactions.",
    "The riluzole label calls for serum aminotransferases to be measured before and during treatment.",
    "Increase in blood pressure was reported after administration.",
    "Lower urinary tract symptoms have been reported with chronic ketamine use.",
    "Lower urinary tract and bladder symptoms, including cystitis, have been reported with chronic "
    "ketamine use or abuse, and the esketamine label warns of ulcerative or interstitial cystitis.",
    "Use of ketamine in ALS has not been studied.",
    "Never start, stop, or change any treatment based on information found online.",
    "Do not stop any medication without talking to your neurologist first.",
    "Your neurologist or ALS specialist can advise which of these checks apply to you.",
    "Decline on the ALSFRS-R was slower with edaravone than with placebo.",
    "Lower doses were better tolerated in the trial.",
    "Discontinuation rates were similar between groups.",
    "The riluzole label notes that patients who take other hepatotoxic drugs with riluzole may be at "
    "increased risk of hepatotoxicity.",
    "Stopping riluzole was associated with faster decline in one cohort.",
    "Switching from intravenous to oral edaravone was studied.",
    "Treatment was discontinued in 5% of patients.",
    "Ask your neurologist whether ketamine is appropriate for you.",
    "Your care team can help you weigh these risks.",
    "Start of treatment was delayed in some patients.",
    "Change in ALSFRS-R score was the primary endpoint.",
    "Double vision was reported in some patients.",
    "The guidelines recommend regular measurement of respiratory function.",
    "Those who stopped treatment early were excluded from the analysis.",
    "Avoidance of alcohol is advised in the label.",
    "Switch from riluzole to edaravone was not studied.",
    "If you take riluzole, tell your neurologist about any new supplement.",
    "When esketamine is used, blood pressure is checked before and after each session.",
    "Before starting esketamine, the label calls for a blood pressure check.",
    "Stop codon mutations in SOD1 are rare.",
]

# ------------------------------------------------------------------ no-absolute-safety

SAFETY_VIOLATING = [
    "Ketamine is completely safe for ALS patients.",
    "Esketamine is safe for everyone.",
    "Riluzole has no side effects.",
    "Ketamine is risk-free.",
    "It is 100% safe.",
    "Edaravone is harmless.",
    "This compound is safe for all patients with ALS.",
    "Ketamine poses no risk to people with ALS.",
    "It is perfectly safe to combine ketamine with riluzole.",
    "Tofersen is universally safe.",
    "Ketamine is proven safe.",
    "There are no safety concerns with esketamine.",
    "Ketamine is free of side effects.",
    "Ketamine is dangerous for all ALS patients.",
    "Esketamine is always unsafe.",
    "You have nothing to worry about with ketamine.",
    "Ketamine can't harm you.",
    "Ketamine is safe.",
    "Ketamine is considered safe in ALS.",
    "It is a safe option for people with ALS.",
    "Ketamine is well tolerated and safe.",
    "Ketamine is a safe and effective treatment for ALS.",
    "Esketamine carries zero risk.",
    "Ketamine is non-toxic.",
    "It is safe to use in all patients.",
    "There is no doubt that ketamine is completely safe.",
    "Ketamine is not safe.",
]

SAFETY_BENIGN = [
    "No compound can be declared universally safe for all ALS patients.",
    'No compound can be declared universally "safe" for all ALS patients.',
    "No treatment is without risk.",
    "Is metformin safe for Parkinson's disease patients?",
    "Is Ketamine (IV / Esketamine) Safe for ALS (Amyotrophic Lateral Sclerosis) Patients?",
    "Is it safe to combine ketamine with riluzole?",
    "Safety depends on individual patient factors including disease stage.",
    "The esketamine label warns of sedation.",
    "Ketamine was generally well tolerated in the trials.",
    "Whether ketamine is safe in ALS has not been studied.",
    "It is not known whether ketamine is safe for people with ALS.",
    "Ketamine is not safe for everyone.",
    "There is no evidence that ketamine is safe in ALS.",
    "Serious adverse events were reported in 3% of patients.",
    "No serious adverse events were reported in the small pilot study.",
    "The label does not describe ketamine as safe in ALS.",
    "Ketamine has a known risk of abuse.",
    "Safe use requires monitoring by a clinician.",
    "The esketamine label warns that it may cause fetal harm (embryo-fetal toxicity).",
    "Nobody can promise that a treatment is risk-free.",
    "Ketamine may be unsafe for people with uncontrolled high blood pressure.",
    "Safety data for ALS are limited.",
    "There is no such thing as a risk-free treatment.",
    "Even well-studied drugs are not harmless.",
    "Is esketamine safe for people with ALS who also take riluzole?",
    "No side effects were reported in the small open-label study.",
    "It is safe to say that the evidence is limited.",
]

# ------------------------------------------------------------------ no-cure-claims

CURE_VIOLATING = [
    "Ketamine cures ALS.",
    "This is a cure for ALS.",
    "Ketamine reverses ALS.",
    "Riluzole halts disease progression.",
    "Edaravone stops the progression of ALS.",
    "Ketamine is a miracle drug for ALS.",
    "Guaranteed results within weeks.",
    "Ketamine is proven to slow ALS.",
    "It restores nerve function.",
    "It heals damaged neurons.",
    "Ketamine eliminates ALS symptoms.",
    "The curative potential of ketamine is clear.",
    "Ketamine is a wonder drug.",
    "Patients were cured after three sessions.",
    "Ketamine works for everyone.",
    "It offers permanent relief from symptoms.",
    "Tofersen arrests the course of the disease.",
    "Ketamine can reverse the damage caused by ALS.",
    "This therapy puts ALS into remission.",
    "Ketamine is a breakthrough that will end ALS.",
    "It is completely effective in all patients.",
    "Symptoms disappear completely with ketamine.",
    "It is proven to stop ALS in its tracks.",
    "It regenerates motor neurons.",
]

CURE_BENIGN = [
    "Riluzole is not a cure for ALS.",
    "There is no cure for ALS.",
    "There is currently no known cure.",
    "ALS currently has no cure.",
    "Edaravone does not halt disease progression.",
    "Research continues in the search for a cure.",
    "No treatment reverses ALS.",
    "Riluzole extends survival and/or time to tracheostomy.",
    "Edaravone slowed functional decline in one trial.",
    "Tofersen reduced plasma neurofilament light chain.",
    "Ketamine is not proven to treat ALS.",
    "None of the standard treatments can reverse the disease.",
    "Hope for a cure drives much of ALS research.",
    "Patients hoping for a cure should discuss trials with their neurologist.",
    "The esketamine label states that the mechanism of its antidepressant effect is unknown.",
    "Respiratory support can prolong survival.",
    "Riluzole does not stop or reverse the disease.",
    "Secure storage is required under the REMS.",
    "Curated sources document an interaction of ketamine with dextromethorphan/quinidine.",
    "No treatment can guarantee a good outcome.",
    "The drug does not restore lost function.",
    "Riluzole is a disease-modifying treatment, not a cure.",
    "Is there a cure for ALS?",
    "Stem cell therapy has not been shown to reverse ALS.",
    "Reverse transcriptase inhibitors have been tested in people with ALS.",
    "Esketamine is FDA-approved for treatment-resistant depression.",
    "Research aims to end ALS.",
    "Ketamine does not put ALS into remission.",
    "Sedation symptoms disappear within hours.",
    "Does ketamine cure ALS?",
]

RULES: dict[str, tuple[Detector, list[str], list[str]]] = {
    "no-dosing": (find_dosing, DOSING_VIOLATING, DOSING_BENIGN),
    "no-directive-advice": (find_directives, DIRECTIVE_VIOLATING, DIRECTIVE_BENIGN),
    "no-absolute-safety": (find_absolute_safety, SAFETY_VIOLATING, SAFETY_BENIGN),
    "no-cure-claims": (find_cure_claims, CURE_VIOLATING, CURE_BENIGN),
}
TEXT_RULE_IDS = tuple(RULES)


def _cases(kind: int) -> list[pytest.ParameterSet]:
    return [
        pytest.param(rule_id, detector, sentence, id=f"{rule_id}:{sentence[:60]}")
        for rule_id, (detector, *lists) in RULES.items()
        for sentence in lists[kind]
    ]


@pytest.fixture(scope="module")
def settings() -> SiteSettings:
    return load_settings()


def test_enough_examples_per_rule() -> None:
    minimum = {"no-dosing": 30}
    for rule_id, (_, violating, benign) in RULES.items():
        wanted = minimum.get(rule_id, 20)
        assert len(violating) >= wanted, rule_id
        assert len(benign) >= wanted, rule_id
        assert not set(violating) & set(benign), rule_id


@pytest.mark.parametrize(("rule_id", "detector", "sentence"), _cases(0))
def test_violating_sentence_is_found(rule_id: str, detector: Detector, sentence: str) -> None:
    hits = detector(sentence)
    assert hits, f"{rule_id} missed: {sentence!r}"
    for hit in hits:
        assert hit.text in sentence
        assert sentence[hit.start : hit.end] == hit.text
        assert hit.reason


@pytest.mark.parametrize(("rule_id", "detector", "sentence"), _cases(1))
def test_benign_sentence_passes(rule_id: str, detector: Detector, sentence: str) -> None:
    hits = detector(sentence)
    assert not hits, f"{rule_id} false positive on {sentence!r}: {[h.text for h in hits]}"


# ----------------------------------------------------------- through check_markdown


def _page(sentence: str) -> str:
    """A small page whose Bottom Line section holds ``sentence``."""
    return f"# Is Ketamine Safe for ALS Patients? — Research Review\n\n## Bottom Line on Safety\n\n{sentence}\n"


def _text_findings(markdown: str, settings: SiteSettings) -> dict[str, list[str]]:
    findings, grounded = check_markdown(markdown, settings)
    assert grounded is False  # no sidecar: only the text-only rules ran
    out: dict[str, list[str]] = {rule_id: [] for rule_id in TEXT_RULE_IDS}
    for finding in findings:
        if finding.rule in out:
            out[finding.rule].append(finding.text)
    return out


MARKDOWN_VIOLATING = [
    ("no-dosing", "Patients received 0.5 mg/kg over 40 minutes."),
    ("no-dosing", "Half a tablet was taken at bedtime."),
    ("no-dosing", "Start low and increase slowly."),
    ("no-directive-advice", "Patients should stop riluzole before starting ketamine."),
    ("no-directive-advice", "Consider stopping riluzole if nausea persists."),
    ("no-absolute-safety", "Ketamine is completely safe for ALS patients."),
    ("no-absolute-safety", "Riluzole has no side effects."),
    ("no-cure-claims", "Ketamine cures ALS."),
    ("no-cure-claims", "Riluzole halts disease progression."),
]

MARKDOWN_BENIGN = [
    "In its clinical trials 48% to 61% of esketamine-treated patients developed sedation.",
    "Ketamine and esketamine are Schedule III controlled substances in the United States.",
    "Never start, stop, or change any treatment based on information found online.",
    "No compound can be declared universally safe for all ALS patients.",
    "Riluzole is not a cure for ALS.",
    "Edaravone does not halt disease progression.",
]


@pytest.mark.parametrize(("rule_id", "sentence"), MARKDOWN_VIOLATING)
def test_check_markdown_reports_violation(rule_id: str, sentence: str, settings: SiteSettings) -> None:
    findings, _ = check_markdown(_page(sentence), settings)
    mine = [f for f in findings if f.rule == rule_id]
    assert mine, f"{rule_id} not reported for {sentence!r}"
    for finding in mine:
        assert finding.section == "bottom_line"
        assert finding.severity.value == "error"
        assert finding.text and finding.text in sentence
        assert finding.message


@pytest.mark.parametrize("sentence", MARKDOWN_BENIGN)
def test_check_markdown_passes_benign(sentence: str, settings: SiteSettings) -> None:
    found = _text_findings(_page(sentence), settings)
    assert found == {rule_id: [] for rule_id in TEXT_RULE_IDS}


# -------------------------------------------------------------------- the seed page


def _seed_sentences() -> list[str]:
    """Every sentence of the design's example page, bullets and headings included."""
    sentences: list[str] = []
    for line in SEED_PAGE.read_text(encoding="utf-8").splitlines():
        line = re.sub(r"^\s*[•\-*]\s*", "", line).strip()
        if line:
            sentences += split_sentences(line)
    return sentences


SEED_SENTENCES = _seed_sentences()


def test_seed_page_has_sentences() -> None:
    assert len(SEED_SENTENCES) > 30
    assert "Never start, stop, or change any treatment based on information found online." in SEED_SENTENCES


@pytest.mark.parametrize("sentence", SEED_SENTENCES, ids=[s[:60] for s in SEED_SENTENCES])
def test_seed_sentence_passes_every_text_rule(sentence: str) -> None:
    for rule_id, (detector, _, _) in RULES.items():
        hits = detector(sentence)
        assert not hits, f"{rule_id} flags seed sentence {sentence!r}: {[h.text for h in hits]}"


def test_seed_page_passes_text_rules_through_check_markdown(settings: SiteSettings) -> None:
    found = _text_findings(SEED_PAGE.read_text(encoding="utf-8"), settings)
    assert found == {rule_id: [] for rule_id in TEXT_RULE_IDS}


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        (
            "Seen in trials, e.g. the 2019 study. Smith led it.",
            ("Seen in trials, e.g. the 2019 study.", "Smith led it."),
        ),
        ("No abbreviation here. Two sentences.", ("No abbreviation here.", "Two sentences.")),
        ("U.S. labels differ vs. EU ones. But not much.", ("U.S. labels differ vs. EU ones.", "But not much.")),
        ("Smith et al. Reported it first.", ("Smith et al. Reported it first.",)),
        # an abbreviation counts only as a word of its own: these sentences end in "trial." and "renal."
        ("It was not a large trial. Take it daily.", ("It was not a large trial.", "Take it daily.")),
        ("Clearance is renal. No. 5 differs.", ("Clearance is renal.", "No. 5 differs.")),
        # a sentence may start with an abbreviation; "No." before a word is an answer, not "number"
        ("It was approved. U.S. labels differ.", ("It was approved.", "U.S. labels differ.")),
        ("Is it a cure? No. Emerging evidence is weak.", ("Is it a cure?", "No.", "Emerging evidence is weak.")),
        # "etc." followed by a capital ends a sentence
        ("Nausea, dizziness, etc. Ketamine cures ALS.", ("Nausea, dizziness, etc.", "Ketamine cures ALS.")),
        ("A \x000\x00 B. Next one.", ("A \x000\x00 B.", "Next one.")),  # NUL characters are text like any other
    ],
)
def test_sentences_split_around_abbreviations(text: str, sentences: tuple[str, ...]) -> None:
    assert split_sentences(text) == sentences


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Text [1].", ("Text.", (1,))),
        ("A [1, 2] b [3]", ("A b", (1, 2, 3))),
        ("A  [1]  b", ("A  b", (1,))),  # the whitespace before a marker goes with it, not the one after
        ("[x] is not a marker, nor is [ 2]", ("[x] is not a marker, nor is [ 2]", ())),
        ("No markers at all", ("No markers at all", ())),
        ("Eastern Arabic digits [\u0663]", ("Eastern Arabic digits", (3,))),
        ("  [4] leading", ("leading", (4,))),
    ],
)
def test_strip_markers(text: str, expected: tuple[str, tuple[int, ...]]) -> None:
    assert strip_markers(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("**Bold** and `code` and [a link](https://example.org)", "Bold and code and a link"),
        ("an escaped \\* star and \\_ underscore stay", "an escaped * star and _ underscore stay"),
        ("folded\u00a0\u2003white\n space\t", "folded white space"),
        ("plain text", "plain text"),
    ],
)
def test_plain(text: str, expected: str) -> None:
    assert plain(text) == expected


def test_parse_page_units_and_sections() -> None:
    page = parse_page(
        "# Title\n\n## Bottom Line on Safety\n\nFirst point [1]. Second point [2, 3].\n"
        "- **Riluzole:** Approved for ALS [4].\n\n## References\n\n1. A label, section 5.\n"
    )
    assert page.title == "Title"
    bottom = [(u.text, u.citations, u.drafted) for u in page.units if u.section == "bottom_line"]
    assert bottom == [
        ("Bottom Line on Safety", (), False),
        ("First point.", (1,), True),
        ("Second point.", (2, 3), True),
        ("Riluzole", (), False),
        ("Approved for ALS.", (4,), True),
    ]
    assert page.entries == [(1, "A label, section 5.")]
    assert set(page.section_text) == {"front", "bottom_line", "references"}  # "front": the blank line after the title


@pytest.mark.parametrize(
    ("text", "rule_id"),
    [
        # the first sentence ends in a word that ends like an abbreviation ("oral." like "al."), and its negator
        # must not excuse the next sentence, which is read as a sentence of its own
        ("No benefit was seen in the oral. Take 50 mg daily.", "no-directive-advice"),
        ("There is no approved use, etc. Ketamine cures ALS.", "no-cure-claims"),
    ],
)
def test_sentence_after_abbreviation_like_ending_is_checked_alone(
    text: str, rule_id: str, settings: SiteSettings
) -> None:
    assert _text_findings(_page(text), settings)[rule_id]
