"""Pydantic models of the curated knowledge base.

Every model forbids unknown fields so that a typo in a YAML key is an error,
not a silently ignored fact.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$")]
SourceId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9.-]*[a-z0-9]$")]
FactId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9.-]*[a-z0-9]$")]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class Strict(BaseModel):
    """Base for every knowledge model: unknown fields are rejected, values are frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class SourceType(StrEnum):
    """What kind of checkable source a bibliography entry is."""

    LABEL = "label"
    GUIDELINE = "guideline"
    DATASET = "dataset"
    PAPER = "paper"
    AGENCY = "agency"  # a named publication of a regulator or public-health agency (FDA, NIH ODS), not a label


class FactKind(StrEnum):
    """What a fact is about; the composer places facts by kind."""

    CLASS = "class"
    REGULATORY = "regulatory"
    SAFETY = "safety"
    MECHANISM = "mechanism"
    EVIDENCE = "evidence"
    INTERACTION = "interaction"
    MONITORING = "monitoring"
    INDICATION = "indication"
    DISEASE = "disease"
    BOXED_WARNING = "boxed-warning"
    CONTRAINDICATION = "contraindication"
    PROPERTY = "property"  # a pharmacological property (CYP inhibition, renal clearance) that drives interactions


class LabelSection(StrEnum):
    """The section of a US prescribing information a label fact comes from."""

    BOXED_WARNING = "boxed-warning"
    INDICATIONS = "indications"
    CONTRAINDICATIONS = "contraindications"
    WARNINGS = "warnings-and-precautions"
    ADVERSE_REACTIONS = "adverse-reactions"
    DRUG_INTERACTIONS = "drug-interactions"
    SPECIFIC_POPULATIONS = "specific-populations"
    DRUG_ABUSE = "drug-abuse-and-dependence"
    OVERDOSAGE = "overdosage"
    DESCRIPTION = "description"
    CLINICAL_PHARMACOLOGY = "clinical-pharmacology"
    CLINICAL_STUDIES = "clinical-studies"
    DOSAGE_AND_ADMINISTRATION = "dosage-and-administration"  # for monitoring requirements only, never doses
    PATIENT_COUNSELING = "patient-counseling"
    DRUG_FACTS = "drug-facts"  # the Drug Facts panel of an over-the-counter product


class EvidenceTier(StrEnum):
    """Strength of the evidence for a compound in a condition, strongest first."""

    APPROVED = "approved-indication"
    CURATED_INDICATION = "curated-indication"
    RCT = "randomized-controlled-trials"
    PHASE_2 = "phase-2"
    PILOT = "pilot-studies"
    OBSERVATIONAL = "observational"
    CASE_REPORTS = "case-reports"
    PRECLINICAL = "preclinical"
    NEGATIVE = "negative-trials"  # controlled trials found no benefit
    HARM = "harm-in-trials"  # a controlled trial found the compound worse than placebo
    NONE = "no-condition-specific-data"


class TreatmentRole(StrEnum):
    """What a standard treatment does for the condition, as the guideline it comes from puts it."""

    DISEASE_MODIFYING = "disease-modifying"
    SYMPTOMATIC = "symptomatic"
    ACUTE = "acute"
    MAINTENANCE = "maintenance"
    PREVENTIVE = "preventive"
    RESCUE = "rescue"


class InteractionStatus(StrEnum):
    """Whether a curated source documents the pair or explicitly has no entry."""

    DOCUMENTED = "documented"
    NO_CURATED_DATA = "no-curated-data"


class Source(Strict):
    """A real, checkable source; identifiers are optional and never guessed."""

    id: SourceId
    type: SourceType
    title: Text
    publisher: Text | None = None
    journal: Text | None = None
    authors: Text | None = None
    year: int | None = Field(default=None, ge=1900, le=2100)
    release: Text | None = None
    license: Text | None = None
    doi: Text | None = None
    url: Text | None = None
    note: Text | None = None

    @property
    def noncommercial(self) -> bool:
        """True when the license forbids commercial use (Creative Commons NC variants)."""
        return bool(self.license and _NC.search(self.license))

    def citation(self) -> str:
        """The reference-list line for this source."""
        parts: list[str] = []
        if self.authors:
            parts.append(self.authors.rstrip(".") + ".")
        parts.append(self.title.rstrip(".") + ".")
        if self.journal:
            parts.append(f"*{self.journal}*.")
        if self.publisher:
            parts.append(self.publisher.rstrip(".") + ".")
        if self.release:
            parts.append(f"Release {self.release}.")
        if self.year:
            parts.append(f"{self.year}.")
        if self.doi:
            parts.append(f"doi:{self.doi}.")
        if self.license:
            parts.append(f"License: {self.license}.")
        return " ".join(parts)


_NC = re.compile(r"(?<![A-Za-z])NC(?![A-Za-z])")


class Origin(Strict):
    """Where an imported fact came from: the dataset release and the records it rests on."""

    dataset: SourceId
    records: tuple[Text, ...] = ()


class Fact(Strict):
    """One curated, cited statement; the unit every page statement rests on.

    ``section`` names the label section a label fact comes from. ``classes`` and ``properties``
    are the drug classes and pharmacological properties (knowledge/pharmacology.yaml) the fact
    establishes for its drug. ``targets`` name what the fact is about besides its own entity: for
    an interaction or contraindication, the drugs, classes or properties the label names; for a
    condition's disease fact, the properties the condition is vulnerable to.
    ``origin`` is set on imported facts (never by hand). A ``detail`` fact is shown only where
    its organ-system tags meet the condition's, not in the general profile, so that a compound
    with hundreds of dataset side effects keeps a readable profile.
    """

    id: FactId
    kind: FactKind
    text: Text
    tags: tuple[Slug, ...] = ()
    sources: tuple[SourceId, ...] = ()
    section: LabelSection | None = None
    classes: tuple[Slug, ...] = ()
    properties: tuple[Slug, ...] = ()
    targets: tuple[Slug, ...] = ()
    stage: Slug | None = None
    detail: bool = False
    origin: Origin | None = None


class Compound(Strict):
    """A compound a page can be about.

    ``forms`` names distinct products or substances under one entry (ketamine injection vs
    esketamine): the grounding rule keeps a statement about one form from resting on a fact
    about another. Form names count as aliases.
    """

    id: Slug
    name: Text
    short_name: Text
    aliases: tuple[Text, ...] = ()
    forms: dict[Slug, tuple[Text, ...]] = Field(default_factory=dict)
    drug_class: Text
    identifiers: dict[str, str] = Field(default_factory=dict)
    facts: tuple[Fact, ...] = ()


class StandardTreatment(Strict):
    """A condition's standard treatment, by reference to a treatment id.

    ``facts`` hold what a source says about this treatment for this condition (its listing as a
    disease-modifying or symptomatic treatment), which the treatment's own facts cannot say
    once the treatment serves several conditions.
    """

    treatment: Slug
    role: TreatmentRole
    applies_to: Text | None = None
    facts: tuple[Fact, ...] = ()


class Condition(Strict):
    """A condition a page can be about, with its standard treatments and organ systems."""

    id: Slug
    name: Text
    short_name: Text
    aliases: tuple[Text, ...] = ()
    specialist: Text
    organ_systems: tuple[Slug, ...]
    standard_treatments: tuple[StandardTreatment, ...]
    identifiers: dict[str, str] = Field(default_factory=dict)
    facts: tuple[Fact, ...] = ()


class Treatment(Strict):
    """A drug used as a standard treatment for one or more conditions (``forms`` as for Compound)."""

    id: Slug
    name: Text
    aliases: tuple[Text, ...] = ()
    forms: dict[Slug, tuple[Text, ...]] = Field(default_factory=dict)
    drug_class: Text | None = None  # imported treatments may have no class in any dataset
    identifiers: dict[str, str] = Field(default_factory=dict)
    facts: tuple[Fact, ...] = ()


class Interaction(Strict):
    """What curated sources say about one compound with one treatment."""

    treatment: Slug
    status: InteractionStatus
    level: Text | None = None
    facts: tuple[Fact, ...] = Field(min_length=1)


class InteractionFile(Strict):
    """One file of interactions: a compound against many treatments."""

    compound: Slug
    interactions: tuple[Interaction, ...]


class Evidence(Strict):
    """What is known about a compound in one condition, with its tier."""

    condition: Slug
    tier: EvidenceTier
    facts: tuple[Fact, ...] = Field(min_length=1)


class EvidenceFile(Strict):
    """One file of evidence: a compound across conditions."""

    compound: Slug
    conditions: tuple[Evidence, ...]


class DrugClass(Strict):
    """A drug class a label statement may name; members of a narrower class belong to its parents."""

    label: Text
    plural: Text | None = None
    parents: tuple[Slug, ...] = ()


class Property(Strict):
    """A pharmacological property from the controlled vocabulary (CNS depressant, CYP1A2 inhibitor...).

    ``predicate`` completes "<drug> ..." on a page ("is a CNS depressant", "can depress breathing").
    """

    label: Text
    predicate: Text | None = None

    def says(self) -> str:
        """The predicate a page uses for a drug with this property."""
        return self.predicate or f"is {self.label}"


class Combination(Strict):
    """What follows when one drug has a property in ``a`` and the other one in ``b`` (cited)."""

    a: tuple[Slug, ...] = Field(min_length=1)
    b: tuple[Slug, ...] = Field(min_length=1)
    fact: Fact


class Pharmacology(Strict):
    """Drug classes, pharmacological properties and the cited consequences of combining them."""

    classes: dict[Slug, DrugClass] = Field(default_factory=dict)
    properties: dict[Slug, Property] = Field(default_factory=dict)
    combinations: tuple[Combination, ...] = ()


class OrganSystem(Strict):
    """A controlled-vocabulary tag with the words that name it in text."""

    label: Text
    terms: tuple[Text, ...] = ()


class Vocabulary(Strict):
    """Controlled vocabularies: organ-system tags and the terms the grounding check knows."""

    organ_systems: dict[Slug, OrganSystem]
    effect_terms: tuple[Text, ...] = ()
    claim_terms: tuple[Text, ...] = ()
    stages: tuple[Slug, ...] = ()
