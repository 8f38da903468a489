"""What a patient tells us, and the report they get back: the input model and its limits, the result."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from pipeline.checks.findings import Finding
from pipeline.knowledge.models import Compound, Treatment
from pipeline.language.normalize import normalise
from pipeline.language.words import tokens

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
_FORMULATION_WORDS = frozenset(
    {
        "forte",
        "retard",
        "plus",
        "extended",
        "release",
        "modified",
        "delayed",
        "depot",
        "xr",
        "er",
        "sr",
        "cr",
        "xl",
        "la",
        "mr",
        "dr",
        "odt",
        "hcl",
    }
)


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
        return {
            "status": self.status.value,
            "markdown": self.markdown,
            "findings": [f.model_dump(mode="json") for f in self.findings],
        }


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
