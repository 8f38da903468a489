"""Detect cure claims: cures, reversal, halted progression, recovery, guaranteed outcomes, in many words, excused
when negated, asked about, hoped for or reported in order to be rejected."""

from __future__ import annotations

import re

from pipeline.language.claims import DISEASE, DISEASE_SUBJECT, DRUG_NOUN, HYPOTHETICAL, debunked, is_question
from pipeline.language.guards import may_match
from pipeline.language.spans import Hit, inside, is_negated, quoted_spans, scan

_HALT_VERBS = (
    r"cur(?:e|es|ed|ing)|revers(?:e|es|ed|ing)|undo(?:es|ing)?|undid|halt(?:s|ed|ing)?|"
    r"stop(?:s|ped|ping)?(?!\s+by\b)|arrest(?:s|ed|ing)?|freez(?:e|es|ing)|froze|end(?:s|ed)?|"
    r"eliminat(?:e|es|ed|ing)|eradicat(?:e|es|ed|ing)|eras(?:e|es|ed|ing)|wip(?:e|es|ed|ing)\s+out|defeat(?:s|ed)?|"
    r"beat(?:s)?|conquer(?:s|ed)?|banish(?:es|ed)?|repair(?:s|ed|ing)?|regenerat(?:e|es|ed|ing)|"
    r"rebuild(?:s|ing)?|restor(?:e|es|ed|ing)|heal(?:s|ed|ing)?|fix(?:es|ed)?|turn(?:s|ed)?\s+back|"
    r"regrow(?:s)?|prevent(?:s|ed)?|rebuilt|silenc(?:e|es|ed|ing)"
)
CURE_CLAIMS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\bcur(?:e|es|ed|ing|ative|able)\b", re.IGNORECASE), "claims a cure"),
    (
        re.compile(rf"\b(?:{_HALT_VERBS})\s+(?:\S+\s+){{0,4}}?{DISEASE}\b", re.IGNORECASE),
        "claims to halt, reverse or repair the disease",
    ),
    (
        re.compile(
            r"\b(?:in\s+its\s+tracks|from\s+(?:progressing|getting\s+worse|advancing)|"
            r"never\s+(?:gets?\s+worse|progresses|advances|returns|comes\s+back)|stops?\s+progressing)\b",
            re.IGNORECASE,
        ),
        "claims to halt the disease",
    ),
    (
        re.compile(
            rf"\b{DISEASE_SUBJECT}\s+(?:\w+\s+){{0,3}}?(?:simply\s+|completely\s+|just\s+)?(?:stops|ends|disappears?|"
            r"vanish(?:es)?|goes\s+away|clears\s+up|is\s+gone|melts\s+away|(?:will|would)\s+(?:vanish|"
            r"disappear|go\s+away|stop|end))\b|\bmakes?\s+(?:\w+\s+){0,3}?(?:go\s+away|disappear|vanish)\b",
            re.IGNORECASE,
        ),
        "claims the disease goes away",
    ),
    # Symptoms that pass are ordinary ("sedation symptoms disappear within hours"); for good, a claim.
    (
        re.compile(
            r"\bsymptoms?\s+(?:\w+\s+)?(?:disappear|vanish|go\s+away|resolve)\w*\s+(?:completely|entirely|"
            r"permanently|for\s+good|forever)\b|\brestor\w*\s+(?:\w+\s+){0,2}?(?:function|strength|mobility|"
            r"speech|memor\w+|health|movement|independence)\b",
            re.IGNORECASE,
        ),
        "claims the disease goes away",
    ),
    (
        re.compile(
            r"\b(?:miracle|miraculous|wonder\s+drug|magic\s+bullet|guarantee[sd]?|guaranteeing|"
            r"100\s?%\s+effective|completely\s+effective|permanent(?:ly)?\s+(?:fix|relief|remission|recovery))\b",
            re.IGNORECASE,
        ),
        "miracle or guaranteed-outcome language",
    ),
    (
        re.compile(
            r"\b(?:works?|effective|beneficial|successful)\s+(?:for|in)\s+(?:every|all|everyone|everybody|"
            r"anyone|any)\b(?!\s+(?:of\s+the\s+)?(?:trials?|stud(?:y|ies)|analys[ie]s)\b)|"
            r"\b(?:works|helps|benefits|effective)\b[^.;]{0,40}\bwithout\s+exception\b|"
            r"\b100\s?%\s+of\s+(?:\w+\s+){0,3}(?:patients|customers|users|people)\b|"
            r"\b(?:helps|benefits|works\s+for)\s+(?:every\s+single|each\s+and\s+every)\b|"
            r"\b(?:every|all)\s+(?:single\s+)?(?:\w+\s+)?(?:patients?|people)\s+(?:\S+\s+){0,4}"
            r"(?:recover|improve|respond|benefit)s?\b",
            re.IGNORECASE,
        ),
        "claims it works for everyone",
    ),
    (
        re.compile(
            r"\brecover(?:s|ed|y|ies)?\s+(?:\w+\s+){0,2}?(?:completely|fully|totally|entirely)|"
            r"\b(?:complete|full|total|certain|guaranteed|lasting)\s+(?:recovery|remission|cure|healing)\b|"
            r"\bget\s+(?:their|your|his|her|my|our)\s+(?:\w+\s+){0,2}?back\b|"
            r"\b(?:brings?|gets?)\s+(?:\w+\s+){0,4}?back\s+to\s+(?:full|normal)\b|"
            r"\bback\s+to\s+(?:full|normal)\s+(?:function|health|strength)\b|"
            r"\b(?:walk|talk|speak|swallow|breathe|run|move)\s+(?:normally\s+)?again\b|"
            r"\b(?:symptom|disease)-free\b|\binto\s+(?:complete\s+|full\s+|lasting\s+|permanent\s+)?remission\b",
            re.IGNORECASE,
        ),
        "promises recovery",
    ),
    # "ends joint pain forever", "halts hair loss for good", "permanently eliminates": for good is a cure
    (
        re.compile(
            rf"\b(?:{_HALT_VERBS})\b[^.;]{{0,40}}\b(?:forever|for\s+good|for\s+always|once\s+and\s+for\s+all)\b|"
            rf"\bpermanent(?:ly)?\s+(?:{_HALT_VERBS}|resolv\w*|clear\w*)\b|\bkiss\s+(?:\w+\s+){{0,3}}goodbye\b|"
            rf"\b(?:return|restore)s?\s+(?:\w+\s+){{0,2}}(?:full|normal)\s+(?:\w+\s+)?(?:control|function|strength|"
            rf"mobility|movement)\b|\b(?:hasn't|has\s+not|haven't|have\s+not)\s+progressed\s+at\s+all\b|"
            rf"\b(?:threw|thrown|throw)\s+(?:away|out)\s+(?:my|their|his|her)\s+(?:inhaler|medications?|meds|"
            rf"insulin|pills|walker|cane)\b|\bno\s+longer\s+needs?\s+(?:my|their|his|her)\s+(?:inhaler|"
            rf"medications?|meds|insulin)\b|\bhealed\s+(?:for\s+(?:good|always)|forever|completely)\b|"
            r"\b(?:function|strength|mobility|speech|memory|movement|feeling|sensation|vision|hearing)\s+"
            r"(?:is|are|was|were|can\s+be|gets?)\s+(?:\w+\s+)?(?:restored|regained|recovered|returned)\b|"
            r"\brestor\w*\s+(?:\w+\s+){0,2}?(?:feeling|sensation|vision|hearing)\b",
            re.IGNORECASE,
        ),
        "promises recovery",
    ),
    (
        re.compile(
            r"\brecover(?:s|ed|ing)?\s+(?:\w+\s+){0,2}?(?:lost|normal|full|former)\s+(?:\w+\s+)?"
            r"(?:function|strength|abilit(?:y|ies)|movement|speech|memory|mobility)\b|"
            r"\b(?:returns?|restores?|brings?|gets?)\s+(?:\w+\s+){0,6}?to\s+(?:their|your|his|her|its|a)\s+"
            r"(?:pre-?(?:disease|diagnosis|illness|morbid)|former|previous|original)\s+(?:\w+\s+){0,2}?"
            r"(?:level|state|self|selves|health|function|strength|life)\b|"
            r"\bpre-?(?:disease|illness|diagnosis)\s+(?:level|state|function|health|baseline|self)\b",
            re.IGNORECASE,
        ),
        "promises recovery",
    ),
    (
        re.compile(r"\bproven\s+to\s+(?:treat|work|reverse|help|heal|fix|slow|stop|halt)\b", re.IGNORECASE),
        "claims proven efficacy",
    ),
    (
        re.compile(
            rf"\bregain(?:s|ed|ing)?\s+(?:\w+\s+){{0,5}}?(?:full|normal|all|complete|lost)\b|"
            rf"\b{DISEASE_SUBJECT}\s+(?:is|are|was|were|can\s+be|gets?)\s+(?:completely\s+|fully\s+|effectively\s+|"
            rf"largely\s+|essentially\s+)?(?:reversed|"
            rf"cured|halted|stopped|undone|repaired|eliminated|eradicated|erased|defeated|beaten)\b|"
            rf"\b{DISEASE_SUBJECT}\s+(?:is|was|are)\s+(?:\w+\s+)?gone\b|\bto\s+the\s+curb\b|"
            rf"\b(?:can|could|will)\s+be\s+(?:beaten|defeated|cured|reversed|conquered|overcome)\b|"
            rf"\bout\s+of\s+(?:the\s+|her\s+|his\s+|my\s+|a\s+|their\s+)?wheelchair\b|"
            rf"\bno\s+longer\s+(?:a\s+)?(?:progressive|fatal|terminal|degenerative)\b|"
            rf"\bback\s+to\s+(?:pre-?diagnosis|baseline|where\s+(?:it|they|he|she)\s+(?:was|were))\b|"
            rf"\b(?:just\s+)?(?:like|as)\s+before\s+(?:the\s+|my\s+|his\s+|her\s+)?(?:diagnosis|illness|disease)\b|"
            rf"\b(?:gave|give|gives|giving)\s+(?:\w+\s+){{0,3}}back\b|\bsay\s+goodbye\s+to\b|"
            rf"\b(?:gone|go(?:es)?\s+away|disappear(?:s|ed)?)\s+(?:forever|for\s+good|permanently)\b|"
            rf"\bnot\s+come\s+back\b|"
            rf"\b(?:switch(?:ed|es)?|turn(?:ed|s)?|shut)\s+(?:\S+\s+){{0,3}}off\s+(?:for\s+good|forever|"
            rf"completely|permanently)\b|"
            r"\bback\s+to\s+(?:full\s+|normal\s+|good\s+)?(?:health|function|strength|normal)\b|"
            r"\bno\s+longer\s+(?:progresses|advances|gets\s+worse|worsens|declines|progressing)\b|"
            r"\b(?:never|can't|cannot)\s+fails?\b|\balways\s+works\b|\bworks\s+every\s+time\b|"
            r"\bturn(?:s|ed|ing)?\s+(?:\S+\s+){0,3}around\b|\ba\s+thing\s+of\s+the\s+past\b|"
            r"\bto\s+a\s+(?:standstill|halt|complete\s+stop|full\s+stop|dead\s+stop|screeching\s+halt)\b|"
            r"\b(?:everyone|everybody|all\s+(?:patients|people))\s+(?:who|that)\s+(?:\w+\s+){1,3}?"
            r"(?:gets?\s+better|improves?|recovers?)\b|\b(?:gives?|hands?)\s+(?:\w+\s+){0,2}(?:their|your|his|her)"
            r"\s+life\s+back\b|\bthe\s+decline\s+is\s+over\b",
            re.IGNORECASE,
        ),
        "promises recovery",
    ),
]
_CURE_BENIGN = re.compile(
    r"\b(?:search|hunt|quest|hope|hopes|hoping|hoped|look(?:ing)?|research|work(?:ing)?|race|path|progress|interest|"
    r"funding)\s+(?:for|towards?|to|in)\s+(?:a\s+|an\s+)?(?:cure|end)|\b(?:find|finds|finding|found)\s+a\s+cure|"
    r"\bnot\s+a\s+cure|\b(?:hope|hopes|hoping|hoped|wish|wishes)\b[^.;]{0,20}\bcure\b|\bcure\s+rates?\b|"
    r"\bfew\s+(?:\w+\s+){0,3}?(?:therapies|treatments|drugs|medicines|compounds)\b.*|"
    r"\bno\s+(?:known\s+)?cure|(?<!shown\s)(?<!proven\s)(?<!found\s)(?<!able\s)(?<!known\s)\bto\s+(?:end|stop|cure|halt)\s+(?:\w+\s+)?"
    r"(?:ALS|disease|MS)\b|"
    # an aim is not a claim: "the goal of this research is to find treatments that stop ..."
    r"\b(?:aim|goal|hope|purpose|objective|ambition)s?\b[^.;]{0,60}\b(?:is|are|was|were)\s+to\b.*|"
    r"\b(?:hope|hopes|hoping|aims?|aiming|seeks?|seeking|strives?|working|researchers?|research)\b[^.;]{0,40}"
    r"\b(?:to\s+find|to\s+develop|to\s+discover|towards?)\b.*|"
    r"\bcure\s+(?:remains|is|has\s+been)\s+(?:the\s+|a\s+|an\s+)?(?:goal|aim|hope|ambition|target)\b|"
    r"\b(?:wish|wished|wishing|if\s+only)\b[^.;]{0,30}\bcure\b|"
    r"\b(?:none|no\s+one|nobody|not\s+one)\s+(?:of\s+(?:the\s+)?\w+\s+)?(?:was|were|is|are|has\s+been|have\s+been|got)\s+"
    r"(?:\w+\s+)?cured\b|"
    # "None of the standard treatments can reverse the disease": denied for every treatment
    rf"\b(?:none\s+of|no)\s+(?:the\s+)?(?:\w+\s+){{0,3}}?{DRUG_NOUN}\b.*",
    re.IGNORECASE,
)
# A question ("Is there a cure for ALS?") asks rather than claims; hype words stay hype in any mood.
_ASKABLE = (
    "claims a cure",
    "claims to halt, reverse or repair the disease",
    "claims to halt the disease",
    "claims the disease goes away",
    "promises recovery",
    "claims it works for everyone",
)


def find_cure_claims(text: str) -> list[Hit]:
    """Cure, reversal, halted-progression, recovery, miracle or guaranteed-outcome language."""
    if debunked(text):
        return []
    # quoted words are mentioned, not used ("the phrase 'miracle drug'")
    benign = [m.span() for m in _CURE_BENIGN.finditer(text)] if may_match(_CURE_BENIGN, text) else []
    benign += quoted_spans(text)
    hits = []
    for hit in scan(text, CURE_CLAIMS):
        # a negator just before the claim negates it; farther away it governs another verb
        # ("doctors don't want you to know X undoes nerve damage")
        if inside(hit.start, benign) or is_negated(text, hit.start, max_words=4):
            continue
        if hit.reason in _ASKABLE and (is_question(text, hit.start) or HYPOTHETICAL.search(text, 0, hit.start)):
            continue
        hits.append(hit)
    return hits
