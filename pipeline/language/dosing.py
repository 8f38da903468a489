"""Detect dose amounts, frequencies, schedules and titration in free text.

Used twice: by the ``no-dosing`` rule on pages, and by the knowledge loader,
because a fact that carries a dose would let one reach a page.
"""

from __future__ import annotations

import re

from pipeline.language.spans import Hit, inside, quoted_spans, scan

# Longest first, so that "sixteen" is not read as "six" followed by a non-unit.
_WORD_NUMBERS = (
    "thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|"
    "sixty|seventy|eighty|ninety|hundred|thousand|eleven|twelve|one|two|three|four|five|six|"
    "seven|eight|nine|ten|a dozen|dozen|a half|half|a quarter|quarter|single"
)


def _by_first_letter(words: str) -> str:
    """The same alternation grouped by first letter, order kept within each group.

    Python's regex engine tries alternatives one by one at every word start; grouping lets it
    reject a word on its first letter, which makes the number patterns about a third faster.
    """
    groups: dict[str, list[str]] = {}
    for word in words.split("|"):
        groups.setdefault(word[0], []).append(word[1:])
    return "(?:" + "|".join(f"{first}(?:{'|'.join(rests)})" for first, rests in groups.items()) + ")"


_NUMBER_WORDS = _by_first_letter(_WORD_NUMBERS)
# 12, 1,200, 0.5, .5, 1/2, ½, 10-20, 1 to 2, two or three, one and a half
_NUM1 = (
    rf"(?:\d+(?:[.,]\d+)*|\.\d+|\d+/\d+|[½¼¾⅓⅔]|{_NUMBER_WORDS}(?:[- ]{_NUMBER_WORDS})?)"
    r"(?:\s+and\s+(?:a\s+)?(?:half|quarter))?"
)
NUM = rf"(?:{_NUM1}(?:\s*(?:-|–|to|or)\s*{_NUM1})?)"

_MASS_UNITS = (
    r"mg|milligrams?|mcg|µg|μg|ug|micrograms?|g|grams?|ng|nanograms?|ml|mL|millilit(?:er|re)s?|"
    r"cc|l|liters?|litres?|iu|i\.u\.|international units?|units?|meq|mmol|mol|mcl|gtts?"
)
_FORMS = (
    r"pieces|tablets?|tabs?|capsules?|caps?|pills?|puffs?|sprays?|drops?|patch(?:es)?|infusions?|"
    r"injections?|shots?|doses?|lozenges?|suppositor(?:y|ies)|sachets?|vials?|ampoules?|"
    r"teaspoons?|tablespoons?|tsp|tbsp|gumm(?:y|ies)|softgels?|inhalations?|dropperfuls?|"
    r"chews?|applications?|sessions?|devices?|treatments? per"
)
_PERIODS = r"day|days|daily|week|weeks|weekly|month|months|night|nights|morning|evening|hour|hours|hr|hrs|h"

PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (
        re.compile(
            rf"(?<![\w.]){NUM}\s*-?\s*(?:{_MASS_UNITS})(?:\s*(?:/|per)\s*(?:kg|kilogram|m2|m²|{_PERIODS}|dose))?\b",
            re.IGNORECASE,
        ),
        "dose amount (number + unit)",
    ),
    # "two tablets", "half a tablet", "a quarter of a tablet"; not "2018 dose-finding study"
    (
        re.compile(
            rf"(?<![\w.]){NUM}\s+(?:of\s+(?:an?|one)\s+)?(?:\w+\s+)?(?:{_FORMS}|grams?|milligrams?|"
            rf"micrograms?)\b(?!-)",
            re.IGNORECASE,
        ),
        "dose amount (number of doses, tablets, sprays, puffs, patches or infusions)",
    ),
    (
        re.compile(
            r"\b(?:mg|mcg|µg|units?|ml)\s*(?:/|per)\s*(?:kg|kilogram|m2|m²)\b|"
            r"\bper\s+(?:kg|kilogram)(?:\s+of\s+body\s*weight)?\b|\bweight[- ]based\s+dos\w*|"
            r"\bdos(?:e|es|ing|age)\s+(?:\w+\s+){0,2}weight[- ](?:based|adjusted)\b",
            re.IGNORECASE,
        ),
        "weight-based dosing",
    ),
    (
        re.compile(
            r"\b(?:once|twice|thrice|(?:\w+|\d+)\s+times?)\s+(?:a|per|each|every|for|in\s+the)\s+"
            r"(?:day|week|month|night|morning|evening|fortnight|year)\b|"
            r"\b(?:once|twice|thrice|(?:\w+|\d+)\s+times)[- ](?:daily|weekly|monthly|nightly)\b",
            re.IGNORECASE,
        ),
        "dosing frequency",
    ),
    (
        re.compile(
            rf"\bevery\s+(?:other\s+|second\s+|third\s+)?(?:{NUM}\s+)?(?:{_PERIODS}|weekday|"
            r"fortnight|meal|bedtime)\b|\bon\s+alternate\s+days\b|"
            r"\beach\s+(?:morning|evening|night|bedtime|meal|day)\b|\bevery\s+(?:other|second|third)\s+dose\b|"
            r"\b(?:morning\s+and\s+(?:evening|night)|with\s+breakfast\s+and\s+(?:with\s+)?(?:dinner|supper)|"
            r"on\s+alternating\s+(?:days|weeks)|at\s+bedtime|before\s+bed|"
            r"with\s+(?:each\s+|every\s+)?meals?|on\s+an\s+empty\s+stomach)\b",
            re.IGNORECASE,
        ),
        "dosing schedule",
    ),
    (
        re.compile(
            rf"(?<![\w.]){NUM}\s+(?:days?|nights?|times?)\s+(?:a|per|each|every)\s+(?:week|month|day)\b|"
            rf"(?<![\w.]){NUM}[\s-]+(?:days?|weeks?)\s+on\b[^.]{{0,40}}\boff\b|"
            rf"(?<![\w.]){NUM}[\s-]+(?:days?|weeks?)\s+(?:off|of\s+(?:treatment|dosing|therapy))\b|"
            rf"\b(?:{_FORMS})\s+(?:a\s+day|daily|nightly|weekly|each\s+day|per\s+day)\b|"
            rf"\b(?:infus\w*|inject\w*|given|administered|runs?|delivered)\s+(?:\w+\s+){{0,3}}(?:over|for)\s+"
            rf"{NUM}\s+(?:minutes?|mins?|hours?)\b|"
            rf"(?<![\w.]){NUM}[- ](?:to\s+{NUM}[- ])?(?:hour|day|week|month)s?\s+intervals?\b|"
            rf"\bintervals?\s+of\s+{NUM}\s+(?:hours?|days?|weeks?|months?)\b|"
            rf"\b(?:doses?|infusions?|injections?|treatments?)\s+(?:\w+\s+){{0,2}}?(?:separated|spaced|apart|"
            rf"given)\s+(?:by\s+)?(?:\w+\s+)?{NUM}\s+(?:hours?|days?|weeks?|months?)\b|"
            rf"(?<![\w.]){NUM}\s+(?!(?:adults|patients|participants|people|subjects|children|women|men|"
            rf"volunteers|individuals|regimens|arms|groups|cohorts|visits|assessments|studies|trials)\b)"
            rf"(?:\w+\s+)?over\s+{NUM}\s+(?:days|weeks|months)\b|"
            rf"(?<![\w.]){NUM}-(?:infusion|injection|dose|tablet|session|capsule|spray)\b|"
            rf"(?<![\w.])(?!19\d\d|20\d\d)\d{{2,4}}s\b",
            re.IGNORECASE,
        ),
        "dosing schedule",
    ),
    (
        re.compile(
            r"\b(?:daily|nightly|weekly|biweekly|fortnightly|monthly|twice[- ]weekly|"
            r"twice[- ]daily|once[- ]daily|once[- ]weekly)\s+(?:doses?|dosing|dosage|infusions?|"
            r"injections?|tablets?|sprays?|sessions?|administration|regimen|intake)\b",
            re.IGNORECASE,
        ),
        "dosing schedule",
    ),
    # "taken daily", "given weekly", "applied nightly": a frequency attached to administering.
    (
        re.compile(
            r"\b(?:taken|given|used|administered|applied|injected|infused|inhaled|dosed|"
            r"swallowed|sprayed)\s+(?:\w+\s+)?(?:daily|nightly|weekly|fortnightly|monthly|"
            r"hourly|once|twice|thrice)\b",
            re.IGNORECASE,
        ),
        "dosing frequency",
    ),
    (
        re.compile(
            r"\b(?:BID|TID|QID|QD|QHS|qHS|PRN|Q\d+(?:-\d+)?H|q\d+(?:-\d+)?h|tid|qid|qhs|qds|tds)\b|"
            r"\b(?:b\.i\.d|t\.i\.d|q\.i\.d|q\.d|q\.h\.s|p\.r\.n)\.?(?=\W|$)"
        ),
        "prescription frequency abbreviation",
    ),
    # Any form of "taper" ("tapered gradually", "a slow taper") is a dose schedule in this domain.
    (
        re.compile(
            r"\b(?:up-?)?titrat\w*|\bstart(?:s|ed|ing)?\s+(?:\w+\s+){0,2}(?:low|small)\b[^.]{0,40}"
            r"\b(?:increas\w*|go slow|build|work\s+up|doubl\w*|rais\w*|step\w*\s+up)\w*|"
            r"\b(?:is|are|be|being|was|were)\s+(?:usually\s+|typically\s+|often\s+|then\s+|generally\s+)?"
            r"(?:increased|raised|stepped\s+up|uptitrated|built\s+up|reduced|lowered|stepped\s+down)\s+"
            r"(?:gradually|slowly|stepwise|progressively|in\s+(?:strength|steps|increments|stages))\b|\bstart\s+low\b|\bgo\s+slow\b|"
            r"\btaper(?:s|ing|ed)?\b|\bwean(?:ing)?\s+off\b|\b(?:work(?:ed|s|ing)?|buil[dt]s?|building)\s+up\s+to\b|"
            r"\bdos(?:e|es|ing|age)\s+(?:is\s+|are\s+|was\s+)?(?:doubl|halv|increas|reduc|rais|lower|escalat)\w*",
            re.IGNORECASE,
        ),
        "titration",
    ),
    (
        re.compile(
            r"\b(?:increas\w*|rais\w*|reduc\w*|lower\w*|decreas\w*|doubl\w*|halv\w*|adjust\w*|"
            r"escalat\w*|step(?:ping)?\s+up|cut\w*|split\w*)\s+(?:\w+\s+){0,3}(?:dose|doses|dosage|dosing)\b|"
            r"\b(?:reduc|increas|lower|rais|cut|decreas|drop|go\s+(?:up|down))\w*\s+(?:\w+\s+){0,3}?by\s+(?:a\s+|one\s+)?"
            r"(?:quarter|half|third|\d+\s*%|\d+|one|two)\b|\bgo(?:es|ing)?\s+up\s+in\s+(?:small\s+)?steps\b|"
            r"\bamounts?\s+(?:are|is)\s+(?:halved|doubled|reduced|increased)\b|"
            r"\b(?:split|cut)\w*\s+(?:\w+\s+){0,3}in\s+(?:half|two|quarters)\b|\bbuil[dt]\w*\s+(?:\w+\s+){0,2}up\b|"
            r"\bdos(?:e|es|ing|age)\s+(?:are\s+|is\s+)?adjusted\b|"
            r"\b(?:daily|weekly|monthly|nightly|fortnightly|yearly)\s+(?:schedule|cycle|basis|intervals?)\b|"
            r"\b(?:take|taken|give|given|use|used|apply|applied)\s+(?:\w+\s+){0,2}at\s+night\b",
            re.IGNORECASE,
        ),
        "titration (dose change)",
    ),
    (
        re.compile(
            r"\b(?:loading|maintenance|target|maximum|max|minimum|effective|"
            r"recommended|usual|typical|standard|daily|weekly|bolus|booster|therapeutic)\s+"
            r"(?:\w+\s+)?(?:doses?|dosage|dosing)\b",
            re.IGNORECASE,
        ),
        "dose instruction",
    ),
    (
        re.compile(
            rf"\b(?:dose|doses|dosage|dosing)\s+(?:of|is|was|at|between|ranges?|ranging|range of|"
            rf"up to|from|around|about|approximately|starts? at)\s+(?:\w+\s+){{0,2}}{NUM}",
            re.IGNORECASE,
        ),
        "dose amount",
    ),
    (re.compile(r"\b(?:micro-?dos\w*|macro-?dos\w*)\b", re.IGNORECASE), "dosing regimen"),
    (
        re.compile(
            rf"(?<![\w.])\d+(?:\.\d+)?\s+(?:in\s+the\s+(?:am|pm|morning|evening)|at\s+(?:night|bedtime|lunch(?:time)?|"
            rf"noon|breakfast))\b|\b\d+\s+of\s+the\s+(?:\w+\s+){{0,3}}ones\b|\b\d+\s+each\s+time\b|"
            rf"\b(?:drops?|puffs?|sprays?|tablets?|capsules?|pills?|gummies)\s+(?:is|are)\s+{NUM}\b|"
            rf"\b(?:maximum|max|minimum)\s+of\s+{NUM}\s+(?:\w+\s+)?(?:a|per|each)\s+(?:day|week|night)\b|"
            rf"\bdouble\s+up\b",
            re.IGNORECASE,
        ),
        "dose amount (without a unit)",
    ),
    (
        re.compile(
            r"\bon\s+(?:one|a|the\s+same)\s+(?:fixed\s+)?day\s+(?:each|every|a|per)\s+week\b|"
            r"\b(?:drug|treatment|dose|dosing)-free\s+(?:period|interval|days?|weeks?)\b|"
            r"\balternate\s+(?:nights|days|mornings|evenings|weeks)\b|"
            rf"\b(?:given|taken|administered|infused|used|applied)\s+for\s+{NUM}\s+(?:consecutive\s+)?days\b",
            re.IGNORECASE,
        ),
        "dosing schedule",
    ),
    # amounts without a unit in patients' words: "I'm on 4.5 of LDN", "bumped it to 600"
    (
        re.compile(
            r"\bon\s+\d+(?:\.\d+)?\s+(?:of\s+(?-i:[A-Z])\w+|at\s+night|a\s+day|daily|in\s+the\s+(?:morning|evening))\b|"
            r"\b(?:been|am|I'm|is|was|has\s+(?:me|her|him)|have\s+(?:me|her|him)|had\s+(?:me|her|him))\s+on\s+"
            r"\d+(?:\.\d+)?\s+(?:of\s+)?[a-z]\w+|"
            r"\b(?:bumped|upped|raised|increased|dropped|cut|lowered|put)\s+(?:it|me|him|her|them|the\s+dose|"
            r"my\s+dose)\s+(?:up\s+|down\s+)?to\s+\d+(?:\.\d+)?\b",
            re.IGNORECASE,
        ),
        "dose amount (without a unit)",
    ),
    (
        re.compile(
            rf"(?<![\w.]){NUM}\s+(?:hours?|minutes?|mins?)\s+(?:before|after)\s+(?:bed(?:time)?|meals?|eating|food|"
            r"breakfast|lunch|dinner|supper|sleep)\b|\bas\s+tolerated\b|\bbegin\s+low\b|"
            r"\bstep\s+(?:the\s+|your\s+)?dose\s+(?:up|down)\b|\b\d+\s+(?:of|out\s+of)\s+(?:every\s+)?\d+\s+days\b",
            re.IGNORECASE,
        ),
        "dosing schedule",
    ),
    # "a few milligrams at night", "several drops": an amount without a number is still an amount
    (
        re.compile(
            r"\b(?:a\s+few|several|a\s+couple\s+of|a\s+handful\s+of)\s+(?:milligrams?|micrograms?|mg|mcg|"
            r"grams?|millilit(?:er|re)s?|ml|drops|puffs|sprays|tablets|capsules|pills|units)\b",
            re.IGNORECASE,
        ),
        "dose amount (unstated number)",
    ),
    # treatment given in cycles or courses: "an initial course followed by monthly courses"
    (
        re.compile(
            r"\b(?:daily|weekly|monthly|fortnightly|yearly|annual)\s+(?:treatment\s+)?(?:courses?|cycles?)\b|"
            r"\b(?:administered|given|taken|delivered)\s+in\s+(?:\w+\s+)?(?:treatment\s+)?(?:cycles|courses)\b|"
            r"\b(?:initial|first|subsequent)\s+(?:treatment\s+)?(?:course|cycle)\s+(?:of\s+\w+\s+)?followed\s+by\b",
            re.IGNORECASE,
        ),
        "dosing schedule",
    ),
]


# A unit followed by a per-volume or per-time denominator is a lab value, not a dose
# ("eGFR below 30 mL/min", "lactate above 5 mmol/L"); per-kg, per-day and per-dose stay doses.
_LAB_DENOMINATOR = re.compile(r"\s*/\s*(?:l|dl|ml|min|mm3?|mm²|µl|ul|hpf|mol)\b", re.IGNORECASE)
# Counts of doses in a trial's design ("the higher of the two doses studied") describe the study.
_STUDIED = re.compile(
    r"\s+(?:studied|tested|compared|evaluated|examined|investigated|groups?|arms?|levels)\b", re.IGNORECASE
)
# Pointing the reader to the label for dosing is a referral, not dosing.
_REFERRAL = re.compile(
    r"\b(?:set\s+out|described|given|found|listed|detailed|explained|specified)\s+in\s+"
    r"(?:the\s+)?(?:prescribing\s+information|label(?:ing)?|package\s+insert)|"
    # "this page omits doses, schedules and titration": saying what is left out
    r"\b(?:omits?|omitted|excludes?|excluded|leaves?\s+out|does\s+not\s+(?:give|include|list|"
    r"provide|state))\s+(?:\w+\s+){0,2}(?:doses?|dosing|dosages?|schedules?|titration)\b|"
    r"\b(?:this|our)\s+(?:page|summary|article|review|site)\s+(?:does\s+not|doesn't|will\s+not)\s+"
    r"(?:list|give|include|repeat|state|provide|cover)\b|"
    r"\bnot\s+(?:repeated|given|listed|included|reproduced)\s+(?:on|in|here)\b|"
    r"\b(?:label|prescribing\s+information|package\s+insert)\s+(?:describes|sets\s+out|gives|lists|"
    r"specifies|explains)\b",
    re.IGNORECASE,
)
_AMOUNTS = (
    "dose amount (number + unit)",
    "dose amount (number of doses, tablets, sprays, puffs, patches or infusions)",
)


# A schedule of tests, visits or meetings is monitoring, not dosing ("checked every 2 weeks",
# "the board met twice a year").
_MONITORING = re.compile(
    r"\b(?:check\w*|measur\w*|monitor\w*|test(?:s|ed|ing)?|assess\w*|evaluat\w*|examin\w*|"
    r"review\w*|scan(?:s|ned)?|screen\w*|met|meets?|seen|visits?|visited|diary|counts?|levels?|"
    r"function|labs?|blood\s+work|bloods|appointments?|follow-up)\b",
    re.IGNORECASE,
)
# ...unless the sentence also speaks of taking the treatment.
_ADMINISTERING = re.compile(
    r"\b(?:take|takes|taking|dose|doses|dosing|tablets?|capsules?|inject\w*|infus\w*|apply|"
    r"applied|administer\w*|sprays?|puffs?|swallow\w*)\b",
    re.IGNORECASE,
)
# "Each bottle holds 60 capsules": a package count, not an amount to take.
_PACKAGE = re.compile(
    r"\b(?:bottles?|packs?|packets?|box(?:es)?|packages?|containers?|blisters?|cartons?|jars?|"
    r"tubes?|syringes?|pens?|vials?|ampoules?|cartridges?|inhalers?)\s+(?:\w+\s+)?"
    r"(?:holds?|holding|contains?|containing|has|have|of|with|says|said|reads)\s*$|"
    r"\b(?:hands?\s+out|dispens\w*|supplie[sd]|comes?\s+in|sold\s+in|available\s+in)\s*$",
    re.IGNORECASE,
)
_FREQUENCY_REASONS = ("dosing schedule", "dosing frequency")
_PER_TIME = re.compile(r"\s*(?:a|per|each|every)\s+(?:day|week|night)|\s+daily", re.IGNORECASE)
_QUESTION = re.compile(r"^(?:how|what|which|when|why|is|are|does|do|can|should)\b.*\?\s*$", re.IGNORECASE | re.DOTALL)


def _monitoring_schedule(text: str, start: int) -> bool:
    """Does the frequency at ``start`` belong to a test or visit named before it, with nothing
    about taking the treatment in between ("heart rate is checked every hour")?"""
    before = list(_MONITORING.finditer(text, 0, start))
    return bool(before) and not _ADMINISTERING.search(text, before[-1].end(), start)


def find_dosing(text: str) -> list[Hit]:
    """Every dose amount, frequency, schedule or titration phrase in ``text``."""
    # A referral to the label, or a question without an amount, asks about dosing without giving it.
    referral = bool(_REFERRAL.search(text) or _QUESTION.match(text.strip()))
    out = []
    for hit in scan(text, PATTERNS):
        if hit.reason == _AMOUNTS[0] and _LAB_DENOMINATOR.match(text, hit.end):
            continue
        if hit.reason == _AMOUNTS[1] and hit.text.lower().endswith(("dose", "doses")) and _STUDIED.match(text, hit.end):
            continue
        if referral and hit.reason not in _AMOUNTS:
            continue
        if hit.reason in _FREQUENCY_REASONS and _monitoring_schedule(text, hit.start):
            continue
        if hit.reason not in _AMOUNTS and inside(hit.start, quoted_spans(text)):
            continue  # "the 'start low, go slow' saying": mentioned, not advised
        if hit.reason == _AMOUNTS[1] and _PACKAGE.search(text, 0, hit.start) and not _PER_TIME.match(text, hit.end):
            continue
        out.append(hit)
    return out
