"""Detect directive advice, absolute safety claims and cure claims in free text.

Each detector is negation-aware where the design's benign examples need it
("no compound can be declared universally safe", "riluzole is not a cure").
"""

from __future__ import annotations

import re

from pipeline.checks.spans import Hit, is_negated, scan

_ACTIONS = (
    r"start|begin|stop|quit|discontinue|cease|switch|change|take|use|try|avoid|skip|hold|pause|"
    r"add|combine|mix|double|halve|increase|reduce|lower|raise|cut|replace|substitute|resume|"
    r"continue|wean|taper|give|administer|refuse|decline|abandon|drop|forgo|ditch"
)
_ACTIONS_ING = (
    r"starting|beginning|stopping|quitting|discontinuing|switching|changing|taking|using|trying|"
    r"avoiding|skipping|holding|pausing|adding|combining|mixing|doubling|increasing|reducing|"
    r"lowering|cutting|replacing|resuming|continuing|weaning|tapering|dropping"
)
_ADDRESSEE = (
    r"(?:you|patients|people|persons|individuals|anyone|everyone|one|they|we|caregivers|"
    r"(?:[A-Z]{2,}|[a-z]+'s|[a-z]+)\s+patients|those|readers|adults|users)"
    # "people with ALS", "patients taking riluzole", "those who have SOD1-ALS"
    r"(?:\s+(?:with|who\s+have|who\s+take|taking|on)\s+[\w'/-]+(?:\s+[\w'/-]+)?)?"
)
# Advice to consult a clinician is the one kind of guidance allowed: "do not stop ... without
# consulting", "never change ... based on information found online". The clause only excuses a
# directive that is itself a prohibition; "stop riluzole without consulting anyone" is advice.
_CONSULT_EXEMPT = re.compile(
    r"\bwithout\s+(?:first\s+)?(?:consulting|talking|speaking|asking|checking|discussing|"
    r"a\s+conversation|medical\s+advice|your\s+(?:doctor|clinician|care\s+team))|"
    r"\bbased\s+on\s+information\s+(?:found\s+)?online|\bunless\s+(?:your|a)\s+"
    r"(?:doctor|clinician|physician|neurologist|specialist|care\s+team|pharmacist)",
    re.IGNORECASE,
)
_PROHIBITION = re.compile(r"\b(?:never|not|don't|do\s+not)\b", re.IGNORECASE)

_CLEAR_IMPERATIVES = (
    r"start|begin|stop|quit|discontinue|cease|switch|take|try|avoid|skip|combine|increase|reduce|"
    r"resume|wean|taper|give|administer|refuse|abandon|forgo|ditch|halve|substitute|"
    r"replace|pause"
)
# Words that are also adjectives or nouns ("Lower urinary tract", "Use of", "Decline on the
# ALSFRS-R"): imperative only when an object follows.
_AMBIGUOUS_IMPERATIVES = r"change|use|hold|add|mix|double|lower|raise|cut|continue|drop|keep|decline"
_OBJECT = (
    r"the|your|this|that|these|those|it|them|any|all|a|an|my|their|taking|using|treatment|"
    r"treatments|medication|medications|medicine|medicines|drugs?|doses?|dosage"
)
# A drug named as the object: a capitalised (brand) name or a word with a common drug-name ending
# ("Hold riluzole", "Use esketamine", "Add edaravone", "Use Spravato").
_DRUG_LIKE = (
    r"(?-i:[A-Z][A-Za-z-]+)|[a-z]+(?:ine|ide|ole|one|ate|il|in|ol|en|an|mab|nib|pam|lam|sen|"
    r"zole|pril|tan|statin|mycin|cillin|vir|ast|ant)s?"
)
_LEAD = (r"(?:^|(?<=[:•\-*]\s)|(?<=[.!?;]\s))(?:please\s+|so\s+|then\s+)?"
         r"(?:(?:do\s+not|don't|never|always|just|simply)\s+)?")
# "If nausea persists, stop riluzole": an imperative after a leading conditional clause.
_CONDITION_LEAD = (r"^(?:if|when|whenever|once|after|before|while|unless|until|in\s+case)\b[^,;.]{1,80},\s+"
                   r"(?:then\s+|please\s+)?(?:(?:do\s+not|don't|never|always|just|simply)\s+)?")
_IMPERATIVE = "imperative telling the reader to act on a treatment"

DIRECTIVE_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(rf"(?:{_LEAD}|{_CONDITION_LEAD})(?:{_CLEAR_IMPERATIVES})\b(?!\s+(?:of|in)\b|-)",
                re.IGNORECASE), _IMPERATIVE),
    (re.compile(rf"(?:{_LEAD}|{_CONDITION_LEAD})(?:{_AMBIGUOUS_IMPERATIVES})\s+(?:(?:{_OBJECT})|{_DRUG_LIKE})\b",
                re.IGNORECASE), _IMPERATIVE),
    (re.compile(rf"\b{_ADDRESSEE}\s+(?:should|must|ought\s+to|need\s+to|needs\s+to|have\s+to|has\s+to|"
                rf"had\s+better|are\s+(?:advised|encouraged|told|urged)\s+to|can\s+safely|may\s+safely|"
                rf"(?:will|would)\s+(?:want|need)\s+to)\s+(?:not\s+|never\s+|immediately\s+|also\s+)?"
                rf"(?:{_ACTIONS})\b", re.IGNORECASE), "tells the reader to act on a treatment"),
    (re.compile(r"\bshould\s+(?:not\s+|never\s+)?be\s+(?:immediately\s+)?(?:avoided|stopped|discontinued|started|"
                r"taken|used|withheld|held|combined|switched|initiated|added|reduced|increased|"
                r"skipped|paused|replaced|given|tried|halted)\b", re.IGNORECASE),
     "tells the reader to act on a treatment"),
    (re.compile(rf"\bit\s+(?:is|'s|would\s+be|may\s+be)\s+(?:best|better|wise|advisable|recommended|prudent|"
                rf"important|essential|safest|sensible|a\s+good\s+idea)\s+(?:to\s+|not\s+to\s+)"
                rf"(?:{_ACTIONS})\b", re.IGNORECASE), "recommends acting on a treatment"),
    (re.compile(rf"\b(?:we|I)\s+(?:strongly\s+)?(?:recommend|suggest|advise|urge)\s+(?:that\s+you\s+)?"
                rf"(?:{_ACTIONS_ING}|(?:{_ACTIONS})\b|against)", re.IGNORECASE),
     "recommends acting on a treatment"),
    (re.compile(rf"\b(?:consider|try|avoid|keep|stop|start)\s+(?:{_ACTIONS_ING})\b", re.IGNORECASE),
     "suggests acting on a treatment"),
    (re.compile(rf"\b(?:make|be)\s+sure\s+(?:to|you)\s+(?:{_ACTIONS})\b", re.IGNORECASE),
     "tells the reader to act on a treatment"),
    (re.compile(rf"\byou\s+(?:can|could|may)\s+(?:safely\s+|also\s+|then\s+)?(?:{_ACTIONS})\b", re.IGNORECASE),
     "tells the reader they may act on a treatment"),
]

# Where the clause opened by a sentence-initial verb ends: a subordinate or relative clause, or a
# new independent clause ("..., and you", ": it").
_CLAUSE_END = re.compile(
    r"[;:—–]|\b(?:if|when|whenever|unless|until|before|after|while|because|since|as|so|which|that|"
    r"who|where|or\s+else)\b|,\s*(?:and\s+|but\s+)?(?:it|they|you|this|he|she|we|there)\b",
    re.IGNORECASE,
)
_FINITE_VERB = re.compile(
    r"\b(?:is|are|was|were|has|have|had|may|might|can|could|will|would|shall|should|must|"
    r"remains?|remained|appears?|appeared|seems?|seemed|occurs?|occurred|develops?|developed)\b",
    re.IGNORECASE,
)


def _opens_subject(text: str, end: int) -> bool:
    """True when the sentence-initial word is a noun phrase with its own verb, not an imperative.

    "Decline on the ALSFRS-R was slower", "Lower doses were better tolerated", "Switch from
    riluzole to edaravone was not studied": the phrase is the subject of a finite verb in the
    same clause. An imperative's own clause has no such verb ("Hold riluzole if ALT is high").
    """
    rest = text[end:]
    stop = _CLAUSE_END.search(rest)
    return bool(_FINITE_VERB.search(rest[: stop.start()] if stop else rest))


def find_directives(text: str) -> list[Hit]:
    """Sentences that tell the reader to start, stop, switch, take or avoid a treatment."""
    text = text.strip()
    consult = _CONSULT_EXEMPT.search(text)
    hits = []
    for hit in scan(text, DIRECTIVE_PATTERNS):
        if hit.reason == _IMPERATIVE and _opens_subject(text, hit.end):
            continue
        if consult and _PROHIBITION.search(text[: hit.end]):
            continue  # "never stop ... without consulting": the sentence defers to a clinician
        hits.append(hit)
    return hits


_NO_RISK_REASON = "claims there is no risk or no side effects"
_UNSAFE_REASON = "declares the compound unsafe for every patient"
_SAFE_CLAIMS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\b(?:completely|totally|perfectly|entirely|absolutely|100\s?%|fully|universally|always|"
                r"inherently|unquestionably|guaranteed|certainly|definitely|proven(?:ly)?|clinically\s+proven|"
                r"known\s+to\s+be|100\s+percent)\s+(?:safe|harmless|non-?toxic)\b", re.IGNORECASE),
     "declares the compound absolutely safe"),
    (re.compile(r"\bsafe\s+(?:for|in|to\s+\w+\s+(?:for|by|in|with))\s+(?:all|every|everyone|anyone|any|each)\b",
                re.IGNORECASE), "declares the compound safe for every patient"),
    (re.compile(r"\b(?:(?:no|zero)\s+(?:known\s+|serious\s+|real\s+|significant\s+)?|without\s+(?:any\s+)?|"
                r"free\s+(?:of|from)\s+(?:any\s+)?)(?:risks?|side[- ]effects?|"
                r"adverse\s+(?:effects?|events?|reactions?)|dangers?|safety\s+(?:concerns?|issues?|risks?)|harm)\b",
                re.IGNORECASE),
     _NO_RISK_REASON),
    (re.compile(r"\b(?:harmless|risk[- ]free|side[- ]effect[- ]free|perfectly\s+tolerated|"
                r"safe\s+beyond\s+(?:doubt|question)|nothing\s+to\s+worry\s+about|no\s+need\s+to\s+worry|"
                r"cannot\s+(?:harm|hurt)|can't\s+(?:harm|hurt)|poses?\s+no\s+(?:risk|danger|threat))\b",
                re.IGNORECASE), "claims the compound is harmless"),
    # "is safe", "is considered safe", "is a safe option"; "is not safe" is handled below.
    (re.compile(r"\b(?:is|are|was|were|be|being|remains?|considered|deemed)\s+"
                r"(?:(?!not\b|never\b|hardly\b|rarely\b|seldom\b)\w+\s+)?(?:safe|harmless|non-?toxic)\b"
                r"(?!\s+to\s+(?:ask|say))", re.IGNORECASE),
     "declares the compound safe"),
    (re.compile(r"\bsafe\s+and\s+(?:effective|well[- ]tolerated)\b|"
                r"\b(?:well[- ]tolerated|effective)\s+and\s+safe\b", re.IGNORECASE),
     "declares the compound safe"),
    (re.compile(r"\b(?:dangerous|unsafe|toxic|deadly|lethal|harmful|fatal)\s+(?:for|to|in)\s+"
                r"(?:all|every|everyone|anyone|any)\b|\b(?:always|universally|inherently|invariably)\s+"
                r"(?:dangerous|unsafe|harmful|toxic|deadly)\b|\bnever\s+safe\b|"
                r"\b(?:is|are)\s+(?:simply\s+|just\s+)?(?:poison|deadly|unsafe)\b|"
                # "X is not safe" declares it unsafe; "not safe for everyone" only denies universality.
                r"\b(?:is|are)\s+(?:not|never)\s+safe\b(?!\s+(?:for|in|to\s+\w+\s+(?:for|in))\s+"
                r"(?:all|every|everyone|anyone|each)\b)",
                re.IGNORECASE), _UNSAFE_REASON),
]
_QUESTION = re.compile(r"\?\s*$|\b(?:whether|if)\b", re.IGNORECASE)
# "No serious adverse events were reported in the pilot study" reports an observation, not a claim.
_OBSERVED = re.compile(
    r"\s+(?:were|was|have\s+been|has\s+been|had\s+been)\s+(?:\w+\s+)?(?:reported|observed|recorded|"
    r"seen|noted|documented|identified|found|detected)\b",
    re.IGNORECASE,
)


def find_absolute_safety(text: str) -> list[Hit]:
    """Claims that a compound is safe (or unsafe) for every patient, or has no risk."""
    return [
        hit
        for hit in scan(text, _SAFE_CLAIMS)
        if not is_negated(text, hit.start)
        and not (hit.reason == "declares the compound safe" and _QUESTION.search(text))
        and not (hit.reason == _NO_RISK_REASON and _OBSERVED.match(text, hit.end))
    ]


_CURE_CLAIMS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\bcur(?:e|es|ed|ing|ative)\b", re.IGNORECASE), "claims a cure"),
    (re.compile(r"\brevers(?:e|es|ed|ing|al\s+of)\b(?:\s+\w+){0,4}?\s+(?:the\s+)?(?:disease|ALS|condition|damage|"
                r"progression|symptoms|decline|neurodegeneration|paralysis|weakness|course|illness|"
                r"Parkinson's|dementia|diabetes|sclerosis)\b", re.IGNORECASE), "claims to reverse the disease"),
    (re.compile(r"\b(?:halt|halts|halted|halting|stop|stops|stopped|stopping|arrest|arrests|arrested|"
                r"freeze|freezes|end|ends|prevent|prevents)\s+(?:the\s+)?(?:\w+\s+)?(?:progression|"
                r"advance|course)\b", re.IGNORECASE), "claims to halt the disease"),
    (re.compile(r"\b(?:miracle|miraculous|wonder\s+drug|magic\s+bullet|guarantee[sd]?|guaranteeing|"
                r"eradicat\w+|100\s?%\s+effective|completely\s+effective|works\s+for\s+everyone|"
                r"permanent(?:ly)?\s+(?:fix|relief|remission|recovery))\b", re.IGNORECASE),
     "miracle or guaranteed-outcome language"),
    (re.compile(r"\b(?:eliminates?|heals?|restores?)\s+(?:the\s+)?(?:\w+\s+)?(?:disease|ALS|condition|symptoms|"
                r"nerves?|neurons?|function|health|damage)\b", re.IGNORECASE),
     "claims to eliminate or heal the disease"),
    # Remission, an end to the disease, symptoms gone, nerve cells rebuilt: cure claims in other words.
    (re.compile(r"\binto\s+(?:complete\s+|full\s+|lasting\s+|permanent\s+)?remission\b|"
                # a claim ("ends ALS", "will end ALS"), not an aim ("research to end ALS")
                r"\b(?:ends|defeats|conquers|wipes\s+out|(?:will|would|could|can|may|might)\s+"
                r"(?:end|defeat|conquer|wipe\s+out))\s+(?:the\s+)?(?:disease|ALS|condition|illness)\b|"
                r"\b(?:disease|ALS|condition|illness|paralysis|weakness)\s+(?:\w+\s+)?(?:disappears?|"
                r"vanish(?:es)?|goes\s+away)\b|"
                r"\bsymptoms?\s+(?:\w+\s+)?(?:disappear|vanish|go\s+away)\w*\s+(?:completely|entirely|"
                r"permanently|for\s+good)\b|"
                r"\b(?:regenerat|regrow|rebuild)\w*\s+(?:\w+\s+){0,2}?(?:neurons?|nerves?|"
                r"nerve\s+cells|spinal\s+cord)\b", re.IGNORECASE),
     "claims to end or undo the disease"),
    (re.compile(r"\bproven\s+to\s+(?:treat|work|reverse|help|heal|fix|slow|stop|halt)\b", re.IGNORECASE),
     "claims proven efficacy"),
]
_CURE_BENIGN = re.compile(
    r"\b(?:search|hunt|quest|hope|hopes|hoping|hoped|look(?:ing)?|research|work(?:ing)?|race|path|progress)\s+"
    r"(?:for|towards?)\s+(?:a\s+)?cure|\bfind(?:ing)?\s+a\s+cure|\bnot\s+a\s+cure|\bno\s+(?:known\s+)?cure",
    re.IGNORECASE,
)


# A question ("Is there a cure for ALS?") asks rather than claims; hype words stay hype in any mood.
_ASKABLE = ("claims a cure", "claims to reverse the disease", "claims to halt the disease")


def find_cure_claims(text: str) -> list[Hit]:
    """Cure, reversal, halted-progression, miracle or guaranteed-outcome language."""
    hits = []
    benign = [m.span() for m in _CURE_BENIGN.finditer(text)]
    question = text.rstrip().endswith("?")
    for hit in scan(text, _CURE_CLAIMS):
        if any(s <= hit.start < e for s, e in benign):
            continue
        if is_negated(text, hit.start):
            continue
        if question and hit.reason in _ASKABLE:
            continue
        hits.append(hit)
    return hits
