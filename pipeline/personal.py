"""Personalized reports: the page of a pair plus a section on the patient's own medications and concerns.

The patient's section is built here from curated facts alone, never by a model, so patient text
never reaches one. Each medication is resolved through the knowledge base's names, brands, aliases
and forms and shown with the curated interaction facts for it, cited; what the knowledge base does
not cover is said plainly ("No curated data on ...; ask your pharmacist."), never "no interaction".
Concerns and the disease stage select organ- and stage-tagged facts; a free-text question is
answered only with the curated facts it names, or "ask your clinician", and is never echoed. The
only patient text that can appear on the report is a medication name that passes a strict filter
(letters, digits, space, '-' and '/'; short; passing the sentence rules), and only as a bullet label.
Every rule runs on the whole report, as a draft and as the rendered page; a report with an error
finding is rejected with its findings, never shown.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from wordfreq import zipf_frequency

from pipeline.checks import check_draft, check_markdown, check_sentence, has_errors
from pipeline.checks.findings import Finding
from pipeline.draft import Draft, Section, SectionId, Statement, StatementKind
from pipeline.drafting import Drafter, Redrafter, as_result, get_drafter
from pipeline.errors import PatientInputError
from pipeline.generation import Workspace, build_page, build_sidecar
from pipeline.knowledge.base import KnowledgeBase, normalize_name
from pipeline.knowledge.models import Compound, Fact, FactKind, Treatment
from pipeline.knowledge.reasoning import dataset_source_ids, drug_view, pair_notes
from pipeline.knowledge.selection import Selection, select_facts
from pipeline.language.normalize import foreign_letters, normalise
from pipeline.language.words import normalize, tokens
from pipeline.render import SECTION_ORDER, render_page

MAX_MEDICATIONS = 30
MAX_CONCERNS = 10
MAX_ITEM_CHARS = 100  # one medication or concern as typed
MAX_QUESTION_CHARS = 2000
ECHO_CHARS, ECHO_WORDS = 40, 4  # the most of a medication name a report may show
FACTS_PER_TOPIC = 6  # per concern, per stage, per question: a report stays readable
_ECHOABLE = re.compile(r"[^\W\d_](?:[^\W_]|[ /-])*")  # a letter, then letters, digits, space, '-', '/'
_uncached_tokens = tokens.__wrapped__  # patient text is not kept in the checks' memo caches
_normalise = normalise.__wrapped__
ECHO_MAX_ZIPF = 3.0  # a word more common in English than this is not a medication name ("safe", "interacts")
_NAME_CATEGORIES = ("drug", "chemical")
# Words of product names that are common in English but say nothing about safety ("Zorblax Forte").
_FORMULATION_WORDS = frozenset({"forte", "retard", "plus", "extended", "release", "modified", "delayed", "depot",
                                "xr", "er", "sr", "cr", "xl", "la", "mr", "dr", "odt", "hcl"})


def _plain(text: str) -> str:
    """Patient text as a reader sees it (see checks/normalize.py), never cached."""
    return _normalise(text).text
# Words of this module's own framing that the checks count as technical ("ask your clinician").
_FRAMING_WORDS = frozenset({"clinician"})

Item = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_ITEM_CHARS)]


class Patient(BaseModel):
    """What a patient tells us; the service stores it encrypted and a report echoes none of it
    except filtered medication names."""

    model_config = ConfigDict(extra="forbid")

    medications: list[Item] = Field(default_factory=list, max_length=MAX_MEDICATIONS)
    stage: Annotated[str, StringConstraints(strip_whitespace=True, max_length=40)] | None = None
    concerns: list[Item] = Field(default_factory=list, max_length=MAX_CONCERNS)
    question: Annotated[str, StringConstraints(strip_whitespace=True, max_length=MAX_QUESTION_CHARS)] | None = None


class ReportStatus(StrEnum):
    """A finished report either passed every check or was rejected with its findings."""

    DONE = "done"
    REJECTED = "rejected"


@dataclass
class PersonalReport:
    """A built report: Markdown only when every check passed, findings either way."""

    status: ReportStatus
    markdown: str | None
    findings: list[Finding]

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape the service returns and stores (encrypted)."""
        return {"status": self.status.value, "markdown": self.markdown,
                "findings": [f.model_dump(mode="json") for f in self.findings]}


@dataclass(frozen=True)
class _Drug:
    """A medication resolved to a knowledge-base entity."""

    kind: str  # compound | treatment
    entity: Compound | Treatment

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.entity.id}"


def _names(entity: Compound | Treatment) -> list[str]:
    names = [entity.id, entity.name, *entity.aliases, *(n for g in entity.forms.values() for n in g)]
    return names + ([entity.short_name] if isinstance(entity, Compound) else [])


def _drugbank(entity: Compound | Treatment) -> set[str]:
    return {v for k, v in entity.identifiers.items() if k.startswith("drugbank")}


class ReportBuilder:
    """Builds personalized reports over one workspace; build once, reuse for every request."""

    def __init__(self, ws: Workspace, drafter: str | Drafter = "composer") -> None:
        self.ws = ws
        self.drafter = get_drafter(drafter) if isinstance(drafter, str) else drafter
        kb = ws.kb
        # Treatments first: interactions are curated per compound x treatment.
        self._drugs: dict[str, _Drug] = {}
        for kind, entities in (("treatment", kb.treatments), ("compound", kb.compounds)):
            for entity in entities.values():
                for name in _names(entity):
                    self._drugs.setdefault(normalize_name(name), _Drug(kind, entity))
        self._phrases = _phrase_table(kb)

    # -- validation, before anything is queued ---------------------------------------------

    def resolve_pair(self, compound: str, condition: str) -> tuple[str, str]:
        """Compound and condition ids; raises UnknownEntityError with close matches."""
        return self.ws.kb.resolve_compound(compound).id, self.ws.kb.resolve_condition(condition).id

    def stage(self, patient: Patient) -> str | None:
        """The patient's stage as a vocabulary id; raises PatientInputError for an unknown one."""
        if not patient.stage:
            return None
        stage = re.sub(r"[\s_]+", "-", _plain(patient.stage).strip().lower())
        known = self.ws.kb.vocabulary.stages
        if stage not in known:
            raise PatientInputError("patient.stage", f"unknown disease stage; use one of {', '.join(known)} "
                                    "or leave it empty")
        return stage

    # -- building -----------------------------------------------------------------------------

    def build(self, compound: str, condition: str, patient: Patient) -> PersonalReport:
        """Draft the pair's page, add the patient's section, run every check, render.

        Raises UnknownEntityError, PatientInputError, or DrafterError when a model cannot draft.
        """
        ws = self.ws
        stage = self.stage(patient)
        sel = select_facts(ws.kb, ws.kb.resolve_compound(compound), ws.kb.resolve_condition(condition), ws.settings)
        if isinstance(self.drafter, Redrafter):  # a model: re-asked with its findings until the page passes
            built = build_page(ws, sel.compound.id, sel.condition.id, self.drafter)
            if not built.passed:
                return PersonalReport(ReportStatus.REJECTED, None, built.findings)
            base = built.draft
        else:
            result = as_result(self.drafter.draft(sel))
            if result.draft is None or has_errors(result.problems):
                return PersonalReport(ReportStatus.REJECTED, None, result.problems)
            base = result.draft
        part = _PersonalPart(self, sel, stage)
        part.medications(patient.medications)
        part.concerns(patient.concerns)
        if patient.question:
            part.question(patient.question)
        section = Section(id=SectionId.PERSONAL, statements=part.statements)
        # In page order: the sidecar pairs the draft's statements with the rendered ones by position.
        sections = [s for s in base.sections if s.id is not SectionId.PERSONAL] + [section]
        draft = base.model_copy(update={"sections": sorted(sections, key=lambda s: SECTION_ORDER.index(s.id))})
        full = dataclasses.replace(sel, facts={**sel.facts, **part.extra},
                                   sources={**sel.sources, **{sid: ws.kb.sources[sid] for f in part.extra.values()
                                                              for sid in f.sources}})
        return self._checked(draft, full, part.echo_words())

    def _checked(self, draft: Draft, sel: Selection, extra_words: frozenset[str]) -> PersonalReport:
        """Every rule on the draft, then on the rendered page."""
        ws = self.ws
        findings = check_draft(draft, sel, ws.settings, ws.lexicon, extra_words)
        if has_errors(findings):
            return PersonalReport(ReportStatus.REJECTED, None, findings)
        page = render_page(draft, sel, ws.settings, ws.env)
        sidecar = build_sidecar(ws, sel, draft, self.drafter.name, page.markdown, page.statement_texts,
                                page.references)
        page_findings, _ = check_markdown(page.markdown, ws.settings, sidecar, ws.lexicon, extra_words)
        findings += page_findings
        if has_errors(page_findings):
            return PersonalReport(ReportStatus.REJECTED, None, findings)
        return PersonalReport(ReportStatus.DONE, page.markdown, findings)

    # -- what the builder knows -------------------------------------------------------------

    def resolve_drug(self, raw: str) -> _Drug | None:
        """The entity a medication names, by its longest leading run of words ('Rilutek 50 mg tablets')."""
        words = normalize_name(_plain(raw)).split()
        for n in range(len(words), 0, -1):
            drug = self._drugs.get(" ".join(words[:n]))
            if drug:
                return drug
        return None

    def phrases(self, text: str) -> list[tuple[str, str]]:
        """(kind, key) for every organ system, effect or treatment a patient's text names, longest first."""
        words = _uncached_tokens(_plain(text))
        out: list[tuple[str, str]] = []
        i = 0
        while i < len(words):
            for n in range(min(6, len(words) - i), 0, -1):
                hit = self._phrases.get(" ".join(words[i:i + n]))
                if hit:
                    out.append(hit)
                    i += n
                    break
            else:
                i += 1
        return list(dict.fromkeys(out))

    def echo(self, raw: str) -> str | None:
        """The medication name as a report may show it, or None when it may not be shown at all.

        Only what reads as a name is shown: plain characters, at most a few words, no sentence rule tripped,
        and every word a drug or chemical name from the term list or too rare in English to carry a claim
        ("Safe with ketamine" and "No interaction" are never repeated back as if a source said them).
        """
        normal = _normalise(raw)
        if normal.disguises or foreign_letters(normal.text):
            return None
        text = " ".join(normal.text.split())
        leading = " ".join(w for w in text.split()[:next((i for i, w in enumerate(text.split())
                                                          if any(c.isdigit() for c in w)), None)])
        for candidate in dict.fromkeys((text, leading)):
            if (candidate and len(candidate) <= ECHO_CHARS and len(candidate.split()) <= ECHO_WORDS
                    and _ECHOABLE.fullmatch(candidate) and self._name_like(candidate)
                    and not check_sentence(candidate, self.ws.settings, SectionId.PERSONAL.value)):
                return candidate
        return None

    def _name_like(self, candidate: str) -> bool:
        terms = self.ws.kb.medical_terms
        if terms.get(normalize_name(candidate)) in _NAME_CATEGORIES:
            return True
        words = re.split(r"[\s/-]+", candidate.lower())
        return all(terms.get(w) in _NAME_CATEGORIES or w in _FORMULATION_WORDS
                   or zipf_frequency(w, "en") < ECHO_MAX_ZIPF for w in words if w)


def _phrase_table(kb: KnowledgeBase) -> dict[str, tuple[str, str]]:
    table: dict[str, tuple[str, str]] = {}

    def add(phrase: str, kind: str, key: str) -> None:
        norm = " ".join(tokens(phrase))
        if norm:
            table.setdefault(norm, (kind, key))

    for organ_id, organ in kb.vocabulary.organ_systems.items():
        for phrase in (organ.label, *re.split(r",| and ", organ.label), *organ.terms):
            add(phrase, "organ", organ_id)
    for term in kb.vocabulary.effect_terms:
        add(term, "effect", " ".join(tokens(term)))
    for treatment in kb.treatments.values():
        for name in _names(treatment):
            add(name, "treatment", treatment.id)
    return table


class _PersonalPart:
    """The patient's section for one report: statements, the facts it adds, each fact cited once."""

    def __init__(self, builder: ReportBuilder, sel: Selection, stage: str | None) -> None:
        self.builder, self.sel, self.stage = builder, sel, stage
        self.statements: list[Statement] = []
        self.extra: dict[str, Fact] = {}
        self.used: set[str] = set()
        self.echoed: list[str] = []
        self.blocked = frozenset(sel.excluded_sources)
        self.cname, self.specialist = sel.compound.short_name, sel.condition.specialist

    def echo_words(self) -> frozenset[str]:
        """The shown medication names' words: framing may echo them (the checks' extra_words)."""
        return frozenset(_uncached_tokens(" ".join(self.echoed))) | _FRAMING_WORDS

    def _facts(self, facts: Iterable[Fact], group: str, label: str | None = None) -> int:
        added = 0
        for fact in facts:
            if fact.id in self.used or self.blocked.intersection(fact.sources):
                continue
            self.used.add(fact.id)
            if fact.id not in self.sel.facts:
                self.extra[fact.id] = fact
            self.statements.append(Statement(text=fact.text, fact_ids=[fact.id], group=group, label=label))
            added += 1
        return added

    def _framing(self, text: str, group: str, label: str | None = None) -> None:
        self.statements.append(Statement(text=text, kind=StatementKind.FRAMING, group=group, label=label))

    def _interaction_facts(self, drug: _Drug) -> list[Fact]:
        """What the page's reasoning finds for the compound with this medication: label statements (with the
        facts that make them apply), curated and dataset records, shared-property inferences."""
        kb = self.builder.ws.kb
        cview = self.sel.compound_view or drug_view(kb, kb.compounds[self.sel.compound.id])
        entries = kb.pair_entries(self.sel.compound.id, drug.entity.id) if drug.kind == "treatment" else ()
        notes = pair_notes(kb, cview, drug_view(kb, drug.entity), entries, dataset_source_ids(kb))
        facts = {f.id: f for n in notes for f in n.facts}
        return [f for f in facts.values() if not self.blocked.intersection(f.sources)]

    def _is_page_compound(self, drug: _Drug) -> bool:
        compound = self.sel.compound
        forms = {normalize_name(n) for names in compound.forms.values() for n in names}
        return (drug.entity.id == compound.id or bool(_drugbank(drug.entity) & _drugbank(compound))
                or normalize_name(drug.entity.name) in forms)

    def medications(self, medications: list[str]) -> None:
        """One bullet per medication with its curated interaction facts; one for those with none."""
        group, cname = "medications", self.cname
        if not medications:
            self._framing(f"You listed no medications; your pharmacist can review any you take alongside {cname}.",
                          group)
            return
        self._framing(f"Each medication you listed is shown with what curated sources record about its use "
                      f"alongside {cname}.", group)
        missing: dict[str, str] = {}
        unreadable, seen = 0, set()
        for raw in medications:
            drug = self.builder.resolve_drug(raw)
            if drug is None:
                name = self.builder.echo(raw)
                unreadable += name is None
                if name:
                    missing.setdefault(name.casefold(), name)
                continue
            if drug.key in seen:
                continue
            seen.add(drug.key)
            if self._is_page_compound(drug):
                self._framing(f"This report is about {cname} itself; the sections above apply to it.", group,
                              drug.entity.name)
            elif not self._facts(self._interaction_facts(drug), group, drug.entity.name):
                # Known to the knowledge base, but no source consulted records anything about the pair.
                self._framing(f"The sources consulted record no interaction between this medication and {cname}; "
                              "the absence of a record does not show that the combination is safe; ask your "
                              "pharmacist.", group, drug.entity.name)
        if missing:
            self.echoed += list(missing.values())
            which = "this medication" if len(missing) == 1 else "these medications"
            self._framing(f"No curated data on {which} with {cname}; ask your pharmacist.", group,
                          ", ".join(missing.values()))
        if unreadable:
            text = ("One entry in your medication list was not recognised as a medication name, so it is not shown "
                    "here; ask your pharmacist about it." if unreadable == 1 else
                    "Some entries in your medication list were not recognised as medication names, so "
                    "they are not shown here; ask your pharmacist about them.")
            self._framing(text, group)
        self._framing(f"Your pharmacist, or your {self.specialist}, can review your full medication list "
                      "with you.", group)

    def _organ_facts(self, organ: str) -> list[Fact]:
        """What the condition does to an organ system, then the compound's risks and checks for it."""
        def fits(f: Fact) -> bool:
            return organ in f.tags and f.stage in (None, self.stage)
        disease = [f for f in self.sel.condition.facts if fits(f) and f.kind in (FactKind.DISEASE, FactKind.MONITORING)]
        risks = [f for f in self.sel.compound.facts if fits(f) and f.kind in (FactKind.SAFETY, FactKind.MONITORING)]
        risks.sort(key=lambda f: f.detail)  # curated summaries before dataset detail
        half = FACTS_PER_TOPIC // 2
        return disease[:half] + risks[:FACTS_PER_TOPIC - min(len(disease), half)]

    def concerns(self, concerns: list[str]) -> None:
        """Concerns matched to organ systems, then the disease stage's own facts."""
        group = "concerns"
        organs: list[str] = []
        unmatched = False
        for concern in concerns:
            found = [key for kind, key in self.builder.phrases(concern) if kind == "organ"]
            unmatched |= not found
            organs += found
        labels = self.sel.organ_labels
        empty: list[str] = []
        for organ in dict.fromkeys(organs):
            facts = self._organ_facts(organ)
            if not facts:
                empty.append(labels[organ])
            self._facts(facts, group, labels[organ])
        if empty:
            which = "this body system" if len(empty) == 1 else "these body systems"
            self._framing(f"The curated facts for this report hold nothing on {which}; your {self.specialist} "
                          "can advise.", group, "; ".join(empty))
        if self.stage:
            label = f"{self.stage.replace('-', ' ').capitalize()} stage"
            staged = [f for f in self.sel.facts.values() if f.stage == self.stage][:FACTS_PER_TOPIC]
            if not self._facts(staged, group, label) and not staged:
                self._framing(f"The curated facts for this report hold nothing specific to this disease stage; "
                              f"your {self.specialist} can advise how stage bears on safety.", group, label)
        if unmatched:
            self._framing("Some of your concerns did not match a body system in this knowledge base; ask your "
                          f"clinician, such as your {self.specialist}, about them.", group)

    def question(self, question: str) -> None:
        """Only the curated facts the question names, or 'ask your clinician'; the question is never shown."""
        group = "question"
        own = self.sel.compound.facts + self.sel.condition.facts
        facts: list[Fact] = []
        for kind, key in self.builder.phrases(question):
            if kind == "organ":
                facts += self._organ_facts(key)
            elif kind == "effect":
                facts += [f for f in own if f" {key} " in normalize(f.text) and f.stage in (None, self.stage)]
            elif kind == "treatment":
                facts += self._interaction_facts(_Drug(kind, self.builder.ws.kb.treatments[key]))
        facts = list({f.id: f for f in facts}.values())[:FACTS_PER_TOPIC]
        fresh = [f for f in facts if f.id not in self.used and not self.blocked.intersection(f.sources)]
        if fresh:
            self._framing("These curated facts bear on your question:", group)
            self._facts(fresh, group)
            self._framing(f"Your {self.specialist} can say how they apply to you.", group)
        elif facts:
            self._framing("The curated facts that bear on your question appear above; ask your clinician, such as "
                          f"your {self.specialist}, how they apply to you.", group)
        else:
            self._framing("The curated facts in this report do not answer your question; ask your clinician, "
                          f"such as your {self.specialist}.", group)


def build_report(ws: Workspace, compound: str, condition: str, patient: Patient | dict[str, Any],
                 drafter: str | Drafter = "composer") -> PersonalReport:
    """One personalized report, in memory; nothing is written anywhere."""
    person = patient if isinstance(patient, Patient) else Patient.model_validate(patient)
    return ReportBuilder(ws, drafter).build(compound, condition, person)
