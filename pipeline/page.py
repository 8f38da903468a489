"""The page layout, in one place: its sections and their headings, and the groups drafted text falls into.

Everything else derives from here: the draft's section ids and order (draft.py, render.py), the
headings the checks recognise (checks/document.py), which fact kinds each sub-heading may cite
(checks/page_rules.py, the model's answer schema), the composer's profile groups, and the sub-heading
and question texts the template prints. The template (prompts/page.md.j2) holds only fixed prose.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class SectionId(StrEnum):
    """Drafted sections, in page order (fixed text comes from the template)."""

    PROFILE = "profile"
    CONDITION = "condition"
    PERSONAL = "personal"
    LITERATURE = "literature"
    BOTTOM_LINE = "bottom_line"
    FAQ = "faq"


@dataclass(frozen=True)
class PageSection:
    """A level-2 section of the page: how its heading reads, and whether it is required and drafted."""

    id: str
    heading: re.Pattern[str]
    required: bool
    drafted: bool


SECTIONS: tuple[PageSection, ...] = (
    PageSection("intro", re.compile(r"^Is (?P<compound>.+) Safe for (?P<condition>.+) Patients\?$"), True, False),
    PageSection("profile", re.compile(r"^General Safety Profile of (?P<compound>.+)$"), True, True),
    PageSection(
        "condition", re.compile(r"^Safety Considerations for (?P<short>.+) Patients Specifically$"), True, True
    ),
    PageSection("personal", re.compile(r"^Your Medications and Concerns$"), False, True),
    PageSection("literature", re.compile(r"^What the Published Literature Shows$"), True, True),
    PageSection("bottom_line", re.compile(r"^Bottom Line on Safety$"), True, True),
    PageSection("disclaimer", re.compile(r"^Medical Disclaimer$"), True, False),
    PageSection("faq", re.compile(r"^Frequently Asked Questions$"), True, True),
    PageSection("references", re.compile(r"^References$"), True, False),
)
SECTION_PATTERNS = [(s.id, s.heading) for s in SECTIONS]
REQUIRED_SECTIONS = tuple(s.id for s in SECTIONS if s.required)
DRAFTED_SECTIONS = tuple(s.id for s in SECTIONS if s.drafted)
DRAFT_ORDER = tuple(SectionId(s.id) for s in SECTIONS if s.drafted)  # the order drafted sections render in
TITLE = re.compile(r"^Is (?P<compound>.+) Safe for (?P<condition>.+) Patients\? — Research Review$")


@dataclass(frozen=True)
class Group:
    """Statements sharing a group render together, under a sub-heading (``title``) or a FAQ question.

    ``title`` may name the compound ``{C}`` and the condition's short name ``{d}``; ``bullets`` renders
    each statement as a list item; ``kinds`` are the fact kinds its statements may cite (None: not
    checked); ``holds`` is the one fact kind the composer lists under a profile sub-heading.
    """

    key: str
    section: SectionId
    title: str | None = None
    bullets: bool = False
    kinds: frozenset[str] | None = None
    holds: str | None = None

    def heading(self, compound: str, short: str) -> str | None:
        """The sub-heading or question as printed on a page about ``compound`` and ``short``."""
        return self.title.format(C=compound, d=short) if self.title else None


_ANY_INTERACTION = frozenset(
    {
        "indication",
        "interaction",
        "evidence",
        "safety",
        "boxed-warning",
        "contraindication",
        "property",
        "class",
        "monitoring",
        "regulatory",
    }
)
GROUPS: dict[str, Group] = {
    g.key: g
    for g in (
        Group("boxed-warning", SectionId.PROFILE, "Boxed warning", True, holds="boxed-warning"),
        Group("contraindications", SectionId.PROFILE, "Contraindications", True, holds="contraindication"),
        Group("safety", SectionId.PROFILE, "Documented safety characteristics", True, holds="safety"),
        Group("label-interactions", SectionId.PROFILE, "Interactions named in the label", True, holds="interaction"),
        Group("properties", SectionId.PROFILE, "Pharmacological properties", True, holds="property"),
        Group("regulatory", SectionId.PROFILE, "Regulatory status", True, holds="regulatory"),
        Group(
            "interactions",
            SectionId.CONDITION,
            "Drug interactions with standard {d} treatments",
            False,
            _ANY_INTERACTION,
        ),
        Group(
            "disease-risks",
            SectionId.CONDITION,
            "Disease-specific risks",
            False,
            frozenset(
                {
                    "safety",
                    "disease",
                    "boxed-warning",
                    "contraindication",
                    "property",
                    "class",
                    "interaction",
                    "regulatory",
                }
            ),
        ),
        Group("monitoring", SectionId.CONDITION, "Monitoring", True, frozenset({"monitoring"})),
        Group("evidence", SectionId.CONDITION, "Evidence quality", False, frozenset({"evidence"})),
        Group("mechanism", SectionId.LITERATURE, "Mechanism", False, frozenset({"mechanism", "class"})),
        Group(
            "sources-of-data",
            SectionId.LITERATURE,
            "Where the safety data come from",
            False,
            frozenset({"evidence", "regulatory", "class"}),
        ),
        Group("condition-evidence", SectionId.LITERATURE, "What exists for {d}", False, frozenset({"evidence"})),
        Group("medications", SectionId.PERSONAL, "Your medications"),
        Group("concerns", SectionId.PERSONAL, "Your concerns"),
        Group("question", SectionId.PERSONAL, "Your question"),
        Group("q-interactions", SectionId.FAQ, "Can {C} interfere with {d} treatments?"),
        Group("q-monitoring", SectionId.FAQ, "Does {C} require special monitoring for {d} patients?"),
        Group("q-sources", SectionId.FAQ, "Where can I find the most current {C} safety data?"),
    )
}
# Which kinds of fact belong under each sub-heading: a monitoring bullet rests on monitoring facts.
GROUP_KINDS: dict[str, frozenset[str]] = {k: g.kinds for k, g in GROUPS.items() if g.kinds is not None}
# The profile's sub-headings, in page order, with the one fact kind each holds (the composer fills them).
PROFILE_GROUPS: tuple[tuple[str, str], ...] = tuple((k, g.holds) for k, g in GROUPS.items() if g.holds)
