"""Detect absolute safety claims (cure claims are in cures.py, sharing the disease and debunking patterns here).

Both kinds of claim are made in many words: "completely safe", "has never hurt anyone",
"no one with ALS can safely receive it", "a perfect safety record"; "cures", "stops ALS in
its tracks", "patients walk again", "the disease simply stops". The detectors look for the
claim's shape (a universal or an absolute, a harm or benefit word, the disease as object)
and excuse the same words when they are negated, asked about, hedged ("no treatment is
without risk") or reported in order to be rejected ("claims that ... are not supported").
"""

from __future__ import annotations

import functools
import re

from pipeline.language.guards import guarded_search
from pipeline.language.spans import CACHE_SIZE, Hit, inside, is_negated, quoted_spans, scan

# The condition or what it does to a person: the object of a cure claim.
DISEASE = (
    r"(?:the\s+|your\s+|their\s+|his\s+|her\s+|this\s+)?(?:disease|illness|condition|disorder|symptoms?|"
    r"disability|damage|decline|deterioration|neurodegeneration|paralysis|weakness|tremors?|progression|"
    # an acronym names the disease, unless it is a lab test, a scan or an agency ("if ALT rises")
    r"(?-i:(?!(?:ALT|AST|ALP|GGT|INR|TSH|LDL|HDL|BMI|MRI|CT|ECG|EKG|EEG|FDA|EMA|REMS|DNA|RNA|IV)\b)"
    r"[A-Z][A-Z0-9]{1,5}(?:-[A-Z0-9]+)?)|[A-Z][a-z]+(?:'s)?\s+disease|Parkinson's|Alzheimer's|"
    r"multiple\s+sclerosis|dementia|sclerosis|motor\s+neuron\s+(?:loss|death|disease)|nerve\s+damage|"
    r"myelin|the\s+clock|memor(?:y|ies)|(?:dopamine\s+)?neurons?|nerve\s+cells|cognitive\s+decline|"
    r"(?:memory|muscle|function)\s+loss|(?:damaged\s+)?nerves|epilepsy|seizures|diabetes|arthritis|asthma|"
    r"migraines?|(?:liver\s+)?scarring|fibrosis|hair\s+loss|neuropathy|psoriasis|eczema|colitis|cartilage|tinnitus|"
    r"(?:treatment-resistant\s+)?depression|(?:brain\s+)?age?ing)"
)
# The disease as the subject that stops or vanishes: not its passing symptoms.
DISEASE_SUBJECT = DISEASE.replace(r"symptoms?|", "")
# Statements that report a claim in order to reject it, or hedge a universal.
DEBUNK = re.compile(
    r"\b(?:claim(?:s|ed)?|headlines?|reports?|suggestions?|idea|notion|belief|assertions?|promises?|marketing)\b"
    r"[^.;]*\b(?:not|no|unfounded|unsupported|false|misleading|wrong|unproven|overstated|mistaken)\b|"
    r"\b(?:would\s+be|is)\s+(?:wrong|misleading|false|untrue|inaccurate)\s+to\s+(?:say|claim|suggest)|"
    r"\bit\s+is\s+not\s+true\s+that|\bthere\s+is\s+no\s+evidence\s+that|\bno\s+evidence\s+(?:that|suggests|shows)|"
    r"\b(?:has|have)\s+not\s+been\s+(?:shown|described|demonstrated|reported|observed|established|achieved|"
    r"proven)|\bwas\s+not\s+borne\s+out|\bbeware\s+of|"
    r"\b(?:would\s+be|is|are)\s+(?:inaccurate|wrong|misleading|false|untrue|incorrect|unfounded)\b|"
    r"\b(?:deserve|warrant)s?\s+(?:suspicion|skepticism|scepticism|caution)|\bred\s+flags?\b|"
    r"\bbe\s+(?:wary|skeptical|sceptical|suspicious)\s+of|\bhas\s+no\s+place\b|"
    r"\b(?:has|have)\s+never\s+been\s+(?:tested|studied|shown|demonstrated|proven|established)|"
    r"\b(?:misstate|misrepresent|overstate)s?\b|\bso-called\b|\bnot\s+backed\s+by|"
    r"\bnot\s+intended\s+to\s+(?:diagnose|treat|cure|prevent)|"
    r"\b(?:do|does|did)\s+not\s+claim\b|\bnot\s+(?:claiming|saying|suggesting)\b|"
    r"\b(?:does|do|did)\s+not\s+(?:support|back|bear\s+out|mean)\b|\b(?:doesn't|don't|didn't)\s+(?:support|mean)\b|"
    r"\b(?:describ(?:e|es|ed)|call(?:s|ed)?|hail(?:s|ed)?|tout(?:s|ed)?|bill(?:s|ed)|brand(?:s|ed)|market(?:s|ed)|"
    r"promot(?:e|es|ed))\b[^.]{0,80}\b(?:though|but|however|although|yet)\b|"
    r"\b(?:wary|skeptical|sceptical|suspicious|doubtful)\s+(?:of|about)\b|"
    r"\b(?:I'm|I\s+am|I'm\s+still)\s+(?:\w+\s+)?(?:skeptical|sceptical|wary|doubtful|not\s+convinced)\b|"
    r"\bno\s+idea\s+why\b|\bdid\s+nothing\b|\bit\s+just\s+(?:doesn't|does\s+not|didn't)\b|"
    r"\b(?:was|were)\s+(?:later\s+)?(?:withdrawn|retracted|banned|pulled)\b|\bcomplaints?\b|"
    r"\bnone\s+of\s+(?:the\s+)?(?:\w+\s+){0,3}(?:trials|studies|data)\b|"
    r"\b(?:called|labell?ed|branded|deemed|described)\b[^.;]{0,60}\b(?:misleading|false|unfounded|wrong|deceptive)\b|"
    r"\bwarn(?:s|ed|ing)?\b[^.;]{0,40}\b(?:about|against)\b|\bwarning\s+signs?\b|\bfraud\w*\b|\bscams?\b|"
    r"\b(?:no|nothing|none)\s+(?:\w+\s+){0,3}?(?:supports?|backs?|confirms?|substantiates?)\s+(?:that|this|the|these|"
    r"such)\s+(?:claims?|ideas?|notions?|assertions?|promises?)\b|"
    r"\b(?:no|nothing\s+in\s+the)\s+(?:\w+\s+){0,2}(?:study|studies|trial|trials|evidence|data|research|literature|"
    r"product|source)s?\b[^.;]{0,30}\b(?:has|have|had|suggests?|shows?|found|shown|demonstrated)\b",
    re.IGNORECASE,
)
# "No compound can be declared universally safe", "no treatment is without risk": hedges.
DRUG_NOUN = (
    r"(?:compound|drug|treatment|medicine|medication|therap(?:y|ie)|substance|agent|intervention|product|"
    r"option|supplement|remed(?:y|ie)|vitamin|herb)s?"
)
_HEDGE = re.compile(
    rf"\b(?:no|not\s+any|no\s+single)\s+{DRUG_NOUN}\b|"
    rf"\bno\s+such\s+thing\s+as\s+(?:a\s+)?(?:risk-free|completely\s+safe|perfectly\s+safe|safe|harmless)\s+"
    rf"{DRUG_NOUN}\b",
    re.IGNORECASE,
)


def is_question(text: str, pos: int | None = None) -> bool:
    """Is the sentence (or, given ``pos``, the sentence holding it) a question?"""
    if pos is None:
        return text.rstrip().endswith("?")
    end = re.search(r"[.?!]", text[pos:])
    return bool(end and end.group(0) == "?")


HYPOTHETICAL = re.compile(r"\b(?:whether|if)\b", re.IGNORECASE)


_NO_RISK = "claims there is no risk or no side effects"
_UNSAFE = "declares the compound unsafe for every patient"
_SAFE = "declares the compound safe"
_UNIVERSAL_PEOPLE = (
    r"(?:every(?:one|body)?|all|any(?:one|body)?|each)\s*(?:\w+\s+){0,2}?(?:patients?|people|persons?|"
    r"individuals?|adults?|users?|one)?"
)
SAFETY_CLAIMS: list[tuple[re.Pattern[str], str]] = [
    (
        re.compile(
            r"\b(?:completely|totally|perfectly|entirely|absolutely|100\s?%|fully|universally|always|"
            r"inherently|unquestionably|guaranteed|certainly|definitely|proven(?:ly)?|clinically\s+proven|"
            r"known\s+to\s+be|100\s+percent|utterly)\s+(?:safe|harmless|non-?toxic|benign|innocuous|risk-free)\b",
            re.IGNORECASE,
        ),
        "declares the compound absolutely safe",
    ),
    (
        re.compile(
            r"\bsafe\s+(?:for|in|to\s+\w+\s+(?:for|by|in|with))\s+(?:all|every|everyone|anyone|any|each|"
            r"the\s+whole\s+(?:family|household))\b|\bsafe\b[^.;]{0,40}\bno\s+exceptions?\b|"
            r"\bside[- ]effects?\b[^.]{0,60}\bthere\s+(?:are|were)\s+none\b|"
            r"\bsafe(?:ty)?\b[^.;]{0,80}\bbeyond\s+(?:any\s+)?(?:question|doubt|dispute)\b|"
            r"\bproven\s+(?:\w+\s+){0,2}safe\b|\bsafe\s+beyond\s+(?:any\s+)?(?:doubt|question)\b|"
            r"\bperfect\s+safety\s+(?:record|profile)\b",
            re.IGNORECASE,
        ),
        "declares the compound safe for every patient",
    ),
    (
        re.compile(
            r"\b(?:(?:no|zero|not\s+any)\s+(?:known\s+|serious\s+|real\s+|significant\s+)?|without\s+(?:any\s+)?|"
            r"free\s+(?:of|from)\s+(?:any\s+)?)(?:risks?|side[- ]effects?|"
            r"adverse\s+(?:effects?|events?|reactions?)|dangers?|safety\s+(?:concerns?|issues?|risks?)|harm|"
            r"downsides?|drawbacks?)\b",
            re.IGNORECASE,
        ),
        _NO_RISK,
    ),
    (
        re.compile(
            r"\b(?:risks?|side[- ]effects?|dangers?)\b[^.;]{0,40}\b(?:are|is)\s+(?:\w+\s+)?"
            r"(?:nonexistent|non-existent|zero|nil|negligible\s+for\s+everyone)\b|"
            r"\bside[- ]effects?\b[^.;]{0,40}\b(?:do\s+not|don't|never|simply\s+do\s+not)\s+(?:happen|occur)\b",
            re.IGNORECASE,
        ),
        _NO_RISK,
    ),
    (
        re.compile(
            r"\b(?:harmless(?!-)|risk[- ]free|side[- ]effect[- ]free|perfectly\s+tolerated|"
            r"nothing\s+to\s+worry\s+about|no\s+need\s+to\s+worry|"
            r"cannot\s+(?:harm|hurt)|can't\s+(?:harm|hurt)|poses?\s+no\s+(?:risk|danger|threat)|"
            r"(?:has|have)\s+never\s+(?:hurt|harmed|injured)|(?:will|would|could|can)\s+never\s+(?:hurt|harm)|"
            r"nothing\s+to\s+fear|zero\s+(?:danger|risk)|can't\s+go\s+wrong|cannot\s+go\s+wrong|"
            r"proven[- ]safe|safe\s+as\s+(?:water|milk|candy|a\s+vitamin)|"
            r"(?:total|complete|absolute|perfect|full)\s+"
            r"safety|(?:completely|perfectly|totally|entirely|absolutely)\s+safely|"
            r"no\s+such\s+thing\s+as\s+(?:a\s+)?(?:side[- ]effects?|risks?|dangers?|adverse)|"
            r"(?:won't|will\s+not|cannot|can't|could\s+not|would\s+not|wouldn't)\s+(?:hurt|harm)\s+"
            r"(?:anyone|anybody|a\s+soul|a\s+fly))\b",
            re.IGNORECASE,
        ),
        "claims the compound is harmless",
    ),
    (
        re.compile(
            r"\bnever\s+(?:hurt|harmed|injured)\s+(?:anyone|anybody|a\s+(?:single\s+)?(?:patient|person))\b|"
            r"\b(?:no\s+one|nobody|no\s+(?:patient|person|individual)|not\s+a\s+single\s+(?:\w+\s+){0,2}"
            r"(?:patient|person|individual|one))\b[^.;]{0,50}\b(?:will\s+(?:ever\s+)?be|"
            r"(?:is|are|has\s+been|have\s+been|has\s+ever\s+been|have\s+ever\s+been)\s+(?:ever\s+)?)\s*harmed\b|"
            r"\bnothing\s+(?:about|in)\b[^.;]{0,30}\b(?:can|could|will|would)\s+(?:ever\s+)?(?:harm|hurt)\b|"
            r"\b(?:no\s+one|nobody|no\s+(?:patient|person|individual))\b[^.;]{0,50}\bneeds?\s+to\s+worry\b|"
            r"\bthe\s+safest\s+(?:\w+\s+)?(?:there\s+is|there\s+are|on\s+the\s+market|in\s+existence|ever\s+made)\b",
            re.IGNORECASE,
        ),
        "claims the compound is harmless",
    ),
    # "is safe", "is considered safe", "is a safe option"; "is not safe" is handled below.
    (
        re.compile(
            r"\b(?:is|are|was|were|be|being|remains?|considered|deemed)\s+"
            r"(?:(?!not\b|never\b|hardly\b|rarely\b|seldom\b)\w+\s+)?(?:safe|harmless|non-?toxic)\b"
            r"(?!\s+to\s+(?:ask|say))",
            re.IGNORECASE,
        ),
        _SAFE,
    ),
    (
        re.compile(
            r"\bsafe\s+and\s+(?:effective|well[- ]tolerated)\b|"
            r"\b(?:well[- ]tolerated|effective)\s+and\s+safe\b",
            re.IGNORECASE,
        ),
        _SAFE,
    ),
    (
        re.compile(
            r"\b(?:dangerous|unsafe|toxic|deadly|lethal|harmful|fatal)\s+(?:for|to|in)\s+"
            r"(?:all|every|everyone|anyone|any)\b|\b(?:always|universally|inherently|invariably)\s+"
            r"(?:dangerous|unsafe|harmful|toxic|deadly)\b|\bnever\s+safe\b|"
            r"\b(?:uniformly|categorically|equally)\s+(?:dangerous|unsafe|harmful|toxic|deadly)\b|"
            r"\b(?:harms?|will\s+harm|hurts?|will\s+hurt|damages?|endangers?|injures?|poisons?)\s+"
            r"(?:every|all|any|each)\b|\bpoison\s+for\s+(?:every|any|all)|"
            r"\b(?:is|are)\s+(?:simply\s+|just\s+)?(?:poison|deadly|unsafe)\b|"
            r"\b(?:is|are)\s+(?:not|never)\s+safe\b(?!\s+(?:for|in|to\s+\w+\s+(?:for|in))\s+"
            r"(?:all|every|everyone|anyone|each)\b)|"
            rf"\b(?:puts?|places?|leaves?)\s+{_UNIVERSAL_PEOPLE}\s+(?:\w+\s+){{0,3}}(?:in\s+danger|at\s+risk)\b|"
            r"\b(?:no\s+one|nobody|no\s+(?:patient|person|individual))\b[^.;]{0,50}\bcan\s+safely\b",
            re.IGNORECASE,
        ),
        _UNSAFE,
    ),
    (
        re.compile(
            r"\bsafely\s+(?:by|in|for)\s+(?:all|every|any|each)\b|"
            r"\bno\s+(?:situation|circumstance|case|scenario)s?\s+(?:in\s+which|where)\b[^.;]{0,50}"
            r"\b(?:harm|hurt|unsafe|danger)|"
            r"\b(?:no\s+one|nobody|no\s+(?:patient|person|individual))\b[^.;]{0,50}\b(?:will|would|could|can)\s+"
            r"(?:ever\s+)?(?:experience|have|get|suffer)\s+(?:any\s+)?(?:adverse|side|harm|problems|bad)|"
            r"\bsafety\b[^.;]{0,40}\b(?:is|are)\s+(?:absolute|perfect|total|complete|unquestionable)\b|"
            r"\bwith\s+(?:complete|total|full|absolute)\s+(?:confidence|safety|peace\s+of\s+mind)\b|"
            r"\bnothing\s+(?:bad|harmful|dangerous|wrong)\s+(?:can|will|could)\s+happen\b|"
            r"\bno\s+such\s+thing\s+as\s+(?:a\s+)?(?:bad|adverse|serious|harmful)\s+(?:reaction|effect|event)",
            re.IGNORECASE,
        ),
        "declares the compound safe for every patient",
    ),
    (
        re.compile(
            r"\bcontraindicated\s+(?:for|in)\s+(?:all|every|everyone|any)\b|\bdeath\s+sentence\b|"
            r"\b(?:no\s+one|nobody|no\s+(?:patient|person))\b[^.;]{0,50}\bshould\s+(?:ever\s+)?"
            r"(?:take|touch|use|receive|try|go\s+near)\b",
            re.IGNORECASE,
        ),
        _UNSAFE,
    ),
    (
        re.compile(
            r"\bno\s+(?:patient|one|person|individual)\s+(?:for\s+whom|who)\b[^.;]{0,50}"
            r"\b(?:unsafe|at\s+risk|harmed|in\s+danger)\b|"
            # "No ALS patient is at risk from it", "there is no patient for whom it would be unsafe"
            r"\bno\s+(?:\w+\s+)?(?:patients?|persons?|people|individuals?|one|adults?|children)\s+"
            r"(?:\w+\s+){0,3}?(?:is|are|will\s+be|would\s+be)\s+(?:ever\s+)?(?:at\s+(?:any\s+)?risk|in\s+danger)\b|"
            r"\bthere\s+is\s+no\s+(?:\w+\s+){0,2}(?:patient|person|one|individual)\b[^.;]{0,50}\bfor\s+whom\b"
            r"[^.;]{0,50}\b(?:unsafe|risky|dangerous|harmful)\b|"
            r"\b(?:safety|risk|harm|side[- ]effects?)\s+(?:is|are)\s+not\s+(?:a\s+)?(?:concern|issue|problem|"
            r"worry)\s+for\s+(?:anyone|anybody|everyone|everybody|any|all)\b|"
            r"\b(?:universally|always|uniformly|invariably)\s+(?:well[- ])?tolerated\b|"
            r"\btolerat\w*\s+(?:it\s+)?perfectly\b|"
            r"\b(?:no\s*body|no\s+one|no\s+(?:patient|person|participant|user|customer)|not\s+a\s+single\s+(?:\w+\s+)?"
            r"(?:user|patient|person|customer))\b[^.;]{0,40}"
            r"\b(?:had|has\s+had|have\s+had|reported|experienced|experiences|suffered|got|gets|has)\s+(?:ever\s+)?"
            r"(?:a\s+|an\s+|any\s+)?(?:single\s+)?(?:\w+\s+)?(?:reaction|problem|issue|"
            r"side\s+effect|complaint|withdrawal)s?\b|"
            r"\b(?:every(?:one|body)?|all)\b[^.;]{0,40}\bwithout\s+(?:a\s+single\s+|any\s+)?(?:problems?|issues?|"
            r"reactions?|side\s+effects?)\b|\bin\s+any\s+(?:amount|dose|quantity)\b[^.;]{0,30}\b(?:toxic|harmful|"
            r"dangerous|unsafe|poison)|\bmost\s+safe\b|\bnot\s+a\s+single\s+complaint\b|"
            r"\bcan(?:not|'t)\s+cause\s+(?:any\s+)?(?:side\s+effects?|harm|problems?|adverse)|"
            r"\b(?:do(?:es)?\s+not|don't|doesn't|never|won't|will\s+not)\s+cause\s+any\b|"
            r"\bfree\s+(?:of|from)\s+(?:any\s+)?\w+\s+(?:side[- ]effects?|risks?|adverse\s+effects?)\b|"
            r"\btolerated\s+(?:well\s+)?by\s+(?:all|every|everyone|everybody|anyone)\b",
            re.IGNORECASE,
        ),
        "declares the compound safe for every patient",
    ),
]
_OBSERVED = re.compile(
    r"\s+(?:were|was|have\s+been|has\s+been|had\s+been)\s+(?:\w+\s+)?(?:reported|observed|recorded|"
    r"seen|noted|documented|identified|found|detected)\b",
    re.IGNORECASE,
)
# "A Phase I study found no serious adverse events": a study's finding, reported.
_FOUND_IN_STUDY = re.compile(r"\b(?:found|reported|recorded|observed|saw|noted|showed|identified)\s+$", re.IGNORECASE)
_STUDY = re.compile(r"\b(?:study|studies|trial|trials|participants|volunteers|cohort)\b", re.IGNORECASE)
_WHETHER = re.compile(r"\b(?:whether|if)\b", re.IGNORECASE)


@functools.lru_cache(maxsize=CACHE_SIZE)
def debunked(text: str) -> bool:
    """The text reports a claim in order to reject it (memoised: the safety and cure rules both ask)."""
    return guarded_search(DEBUNK, text) is not None


def find_absolute_safety(text: str) -> list[Hit]:
    """Claims that a compound is safe (or unsafe) for every patient, or has no risk."""
    if debunked(text) or guarded_search(_HEDGE, text):
        return []
    return [
        hit
        for hit in scan(text, SAFETY_CLAIMS)
        if not inside(hit.start, quoted_spans(text))  # "the advert's 'completely safe' wording"
        and not (hit.reason == _NO_RISK and _FOUND_IN_STUDY.search(text, 0, hit.start) and _STUDY.search(text))
        and not is_question(text, hit.start)
        and not is_negated(text, hit.start)
        and not (hit.reason == _NO_RISK and _OBSERVED.match(text, hit.end))
        and not (hit.reason == _SAFE and _WHETHER.search(text, 0, hit.start))
    ]
