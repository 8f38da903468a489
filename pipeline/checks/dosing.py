"""Detect dose amounts, frequencies, schedules and titration in free text.

Used twice: by the ``no-dosing`` rule on pages, and by the knowledge loader,
because a fact that carries a dose would let one reach a page.
"""

from __future__ import annotations

import re

from pipeline.checks.spans import Hit, scan

# Longest first, so that "sixteen" is not read as "six" followed by a non-unit.
_WORD_NUMBERS = (
    "thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|"
    "sixty|seventy|eighty|ninety|hundred|thousand|eleven|twelve|one|two|three|four|five|six|"
    "seven|eight|nine|ten|a dozen|dozen|a half|half|a quarter|quarter"
)
# 12, 1,200, 0.5, .5, 1/2, ½, 10-20, 1 to 2, two or three, one and a half
_NUM1 = (rf"(?:\d+(?:[.,]\d+)*|\.\d+|\d+/\d+|[½¼¾⅓⅔]|(?:{_WORD_NUMBERS})(?:[- ](?:{_WORD_NUMBERS}))?)"
         r"(?:\s+and\s+(?:a\s+)?(?:half|quarter))?")
NUM = rf"(?:{_NUM1}(?:\s*(?:-|–|to|or)\s*{_NUM1})?)"

_MASS_UNITS = (
    r"mg|milligrams?|mcg|µg|μg|ug|micrograms?|g|grams?|ng|nanograms?|ml|mL|millilit(?:er|re)s?|"
    r"cc|l|liters?|litres?|iu|i\.u\.|international units?|units?|meq|mmol|mol|mcl|gtts?"
)
_FORMS = (
    r"tablets?|tabs?|capsules?|caps|pills?|puffs?|sprays?|drops?|patch(?:es)?|infusions?|"
    r"injections?|shots?|doses?|lozenges?|suppositor(?:y|ies)|sachets?|vials?|ampoules?|"
    r"teaspoons?|tablespoons?|tsp|tbsp|gumm(?:y|ies)|softgels?|inhalations?|dropperfuls?|"
    r"chews?|applications?|sessions?|treatments? per"
)
_PERIODS = r"day|days|daily|week|weeks|weekly|month|months|night|nights|morning|evening|hour|hours|hr|hrs|h"

PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(rf"(?<![\w.]){NUM}\s*-?\s*(?:{_MASS_UNITS})(?:\s*(?:/|per)\s*(?:kg|kilogram|m2|m²|{_PERIODS}|dose))?\b",
                re.IGNORECASE), "dose amount (number + unit)"),
    # "two tablets", "half a tablet", "a quarter of a tablet"; not "2018 dose-finding study"
    (re.compile(rf"(?<![\w.]){NUM}\s+(?:of\s+(?=an?\s))?(?:\w+\s+)?(?:{_FORMS})\b(?!-)",
                re.IGNORECASE),
     "dose amount (number of doses, tablets, sprays, puffs, patches or infusions)"),
    (re.compile(r"\b(?:mg|mcg|µg|units?|ml)\s*(?:/|per)\s*(?:kg|kilogram|m2|m²)\b|"
                r"\bper\s+(?:kg|kilogram)(?:\s+of\s+body\s*weight)?\b|\bweight[- ]based\s+dos\w*|"
                r"\bdos(?:e|es|ing|age)\s+(?:\w+\s+){0,2}weight[- ](?:based|adjusted)\b",
                re.IGNORECASE), "weight-based dosing"),
    (re.compile(r"\b(?:once|twice|thrice|(?:\w+|\d+)\s+times)\s+(?:a|per|each|every)\s+"
                r"(?:day|week|month|night|morning|evening|fortnight)\b|"
                r"\b(?:once|twice|thrice|(?:\w+|\d+)\s+times)[- ](?:daily|weekly|monthly|nightly)\b",
                re.IGNORECASE), "dosing frequency"),
    (re.compile(rf"\bevery\s+(?:other\s+|second\s+|third\s+)?(?:{NUM}\s+)?(?:{_PERIODS}|weekday|"
                r"fortnight|meal|bedtime)\b|\bon\s+alternate\s+days\b|"
                r"\beach\s+(?:morning|evening|night|bedtime|meal)\b|\b(?:at\s+bedtime|before\s+bed|"
                r"with\s+(?:each\s+|every\s+)?meals?|on\s+an\s+empty\s+stomach)\b",
                re.IGNORECASE), "dosing schedule"),
    (re.compile(rf"(?<![\w.]){NUM}\s+(?:days?|nights?|times?)\s+(?:a|per|each|every)\s+(?:week|month|day)\b|"
                rf"(?<![\w.]){NUM}[\s-]+(?:days?|weeks?)\s+on\b[^.]{{0,40}}\boff\b",
                re.IGNORECASE), "dosing schedule"),
    (re.compile(r"\b(?:daily|nightly|weekly|biweekly|fortnightly|monthly|twice[- ]weekly|"
                r"twice[- ]daily|once[- ]daily|once[- ]weekly)\s+(?:doses?|dosing|dosage|infusions?|"
                r"injections?|tablets?|sprays?|sessions?|administration|regimen|intake)\b",
                re.IGNORECASE), "dosing schedule"),
    # "taken daily", "given weekly", "applied nightly": a frequency attached to administering.
    (re.compile(r"\b(?:taken|given|used|administered|applied|injected|infused|inhaled|dosed|"
                r"swallowed|sprayed)\s+(?:\w+\s+)?(?:daily|nightly|weekly|fortnightly|monthly|"
                r"hourly|once|twice|thrice)\b", re.IGNORECASE), "dosing frequency"),
    (re.compile(r"\b(?:BID|TID|QID|QD|QHS|PRN|Q\d+H|q\d+h)\b|"
                r"\b(?:b\.i\.d|t\.i\.d|q\.i\.d|q\.d|q\.h\.s|p\.r\.n)\.?(?=\W|$)"),
     "prescription frequency abbreviation"),
    # Any form of "taper" ("tapered gradually", "a slow taper") is a dose schedule in this domain.
    (re.compile(r"\b(?:up-?)?titrat\w*|\bstart(?:ing)?\s+(?:\w+\s+){0,2}(?:low|small)\b[^.]{0,40}"
                r"\b(?:increas\w*|go slow|build|work\s+up)\w*|\bstart\s+low\b|\bgo\s+slow\b|"
                r"\btaper(?:s|ing|ed)?\b|\bwean(?:ing)?\s+off\b",
                re.IGNORECASE), "titration"),
    (re.compile(r"\b(?:increas\w*|rais\w*|reduc\w*|lower\w*|decreas\w*|doubl\w*|halv\w*|adjust\w*|"
                r"escalat\w*|step(?:ping)?\s+up|cut\w*|split\w*)\s+(?:\w+\s+){0,3}(?:dose|doses|dosage|dosing)\b",
                re.IGNORECASE), "titration (dose change)"),
    (re.compile(r"\b(?:loading|maintenance|starting|initial|target|maximum|max|minimum|effective|"
                r"recommended|usual|typical|standard|daily|weekly|single|bolus|booster|therapeutic|"
                r"first|next|missed|extra)\s+(?:\w+\s+)?(?:doses?|dosage|dosing)\b",
                re.IGNORECASE), "dose instruction"),
    (re.compile(rf"\b(?:dose|doses|dosage|dosing)\s+(?:of|is|was|at|between|ranges?|ranging|range of|"
                rf"up to|from|around|about|approximately|starts? at)\s+(?:\w+\s+){{0,2}}{NUM}",
                re.IGNORECASE), "dose amount"),
    (re.compile(r"\b(?:micro-?dos\w*|macro-?dos\w*)\b", re.IGNORECASE), "dosing regimen"),
]


def find_dosing(text: str) -> list[Hit]:
    """Every dose amount, frequency, schedule or titration phrase in ``text``."""
    return scan(text, PATTERNS)
