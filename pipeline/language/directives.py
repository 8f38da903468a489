"""Detect directive advice: telling the reader to start, stop, switch, take or avoid a treatment.

The only guidance a page may give is to consult clinicians. Directives come as imperatives
("Swap your antidepressant for esketamine"), modal advice with any subject ("Every ALS
patient should be on riluzole"), soft recommendations ("it makes sense to drop the
riluzole", "you may want to stop"), and advice framed as someone's recommendation.
Sentences whose subject is a clinician or a label ("your neurologist must review your
medication list") are reports or referrals, not directives.
"""

from __future__ import annotations

import re

from pipeline.language.spans import Hit, scan
from pipeline.language.words import is_rare

# Actions on a treatment, as base verbs (phrasal ones included).
ACTIONS = (
    r"start|begin|initiate|stop|quit|discontinue|cease|switch(?:\s+over)?|swap|change|take|use|try|avoid|skip|"
    r"hold(?:\s+off)?|pause|add|combine|mix|pair|double|halve|increase|reduce|lower|raise|cut(?:\s+back)?|"
    r"replace|substitute|resume|restart|continue|keep\s+(?:taking|using|on)|wean(?:\s+off)?|taper|give|"
    r"administer|refuse|decline|abandon|drop|forgo|ditch|come\s+off|go\s+off|get\s+off|get\s+on|go\s+on|"
    r"stay\s+(?:on|off|away\s+from)|be\s+on|move\s+(?:on\s+)?to|crush|put|apply|inject|chew|insist(?:\s+on)?|"
    r"ask\s+for|request|push\s+for|demand|opt\s+for|go\s+for|self-medicate|microdose|treat\s+yourself|"
    r"steer\s+clear\s+of|receive|get|bother\s+with|reintroduce|layer|leave\s+out|split|"
    r"move\s+(?:from|off|away\s+from)|go\s+back\s+on|get\s+back\s+on|stack|touch|go\s+near|"
    r"push\s+to\s+(?:start|get|try)|"
    r"finish|complete|make\s+sure\s+(?:they|you)\s+(?:never|always|don't|do\s+not)|drive|operate|drink|limit|"
    r"keep(?!\s+(?:a|an|your)\s+(?:list|diary|record|log|note|notes|journal))|be\s+(?:switched|moved|put|started|"
    r"kept|taken\s+off)\s+(?:on|to|off)"
)
ACTIONS_ING = (
    r"starting|beginning|stopping|quitting|discontinuing|switching|swapping|changing|taking|using|trying|"
    r"avoiding|skipping|holding|pausing|adding|combining|mixing|pairing|doubling|increasing|reducing|"
    r"lowering|cutting|replacing|resuming|restarting|continuing|weaning|tapering|dropping|coming\s+off|"
    r"going\s+off|getting\s+on|ditching|going\s+back\s+on|sticking\s+with|finishing"
)
# A clinician, label or study as the subject turns "must"/"should" into a report or a referral.
_CLINICIAN = re.compile(
    r"\b(?:doctors?|physicians?|neurologists?|clinicians?|specialists?|pharmacists?|nurses?|"
    r"prescribers?|providers?|professionals?|team|label|labels|guidelines?|trial|study|investigators?|"
    r"FDA|REMS)\b",
    re.IGNORECASE,
)
# Advice to consult a clinician is the one guidance allowed ("never ... without consulting").
_CONSULT_EXEMPT = re.compile(
    r"\bwithout\s+(?:first\s+)?(?:consulting|talking|speaking|asking|checking|discussing|"
    r"a\s+conversation|medical\s+advice|your\s+(?:doctor|clinician|care\s+team))|"
    r"\bbased\s+on\s+information\s+(?:found\s+)?online|\bunless\s+(?:your|a)\s+"
    r"(?:doctor|clinician|physician|neurologist|specialist|care\s+team|pharmacist)",
    re.IGNORECASE,
)
_PROHIBITION = re.compile(r"\b(?:never|not|don't|do\s+not)\b", re.IGNORECASE)
_OBJECT = (
    r"the|your|this|that|these|those|it|them|any|all|a|an|my|their|taking|using|treatment|"
    r"treatments|medication|medications|medicine|medicines|drugs?|doses?|dosage|\d+|one|two|three|four|"
    r"five|six|ten|half"
)
# A drug named as the object: a capitalised (brand) name or a word with a common drug-name ending.
_DRUG_LIKE = (
    r"(?-i:[A-Z][A-Za-z-]+)|[a-z]+(?:ine|ide|ole|one|ate|il|in|ol|en|an|mab|nib|pam|lam|sen|"
    r"zole|pril|tan|statin|mycin|cillin|vir|ast|ant|ex)s?"
)
# Verbs that also open ordinary sentences ("Lower urinary tract", "Use of", "Get a report"):
# imperative only with a treatment as object; the first group also takes a determiner object.
_AMBIGUOUS_DET = r"change|use|hold|add|mix|double|lower|cut|continue|drop|decline|put|pair|keep"
_AMBIGUOUS_DRUG = r"get|receive|layer|leave|start|continue|try"
_FILLER = (
    r"(?:please\s+(?:to\s+)?|kindly\s+|honestly,?\s+|seriously,?\s+|(?:yes|no|okay|ok|sure),?\s+(?:but\s+)?|"
    r"so\s+|then\s+|now\s+|go\s+ahead\s+and\s+|"
    r"be\s+sure\s+to\s+|make\s+sure\s+(?:to|you)\s+|"
    r"try\s+to\s+|just\s+|simply\s+|always\s+|never\s+|do\s+not\s+|don't\s+|definitely\s+|"
    r"immediately\s+)*"
)
# A short leading phrase may precede the verb: "Whatever happens, stay on sirolimus".
_LEAD = r"(?:^(?:[\w' ]{1,30},\s+)?|(?<=[:•\-*;]\s)|(?<=[.!?]\s)|(?<=—\s)|(?<=,\s)(?:so|or|and|then)\s+)" + _FILLER
# "If nausea persists, stop riluzole": an imperative after a leading conditional clause.
_CONDITION_LEAD = r"^(?:if|when|whenever|once|after|before|while|unless|until|in\s+case)\b[^,;.]{1,80},\s+" + _FILLER
_IMPERATIVE = "imperative telling the reader to act on a treatment"
_SUGGESTS = "suggests acting on a treatment"
_PARTICIPLES = (
    r"avoided|stopped|discontinued|started|taken|used|withheld|held|combined|switched|initiated|added|"
    r"swallowed|chewed|applied|dissolved|injected|finished|paused|"
    r"reduced|increased|skipped|paused|replaced|given|tried|halted|crushed|swapped|restarted|resumed|"
    r"tapered|continued|avoided"
)
_MODAL = (
    r"(?:should(?:n't)?|must(?:n't)?|ought\s+to|needs?\s+to|has\s+to|have\s+to|had\s+better|'d\s+better|"
    r"(?:is|are)\s+(?:advised|encouraged|told|urged|recommended)\s+to|would\s+do\s+well\s+to|"
    r"(?:may|might|will|'ll)\s+(?:want|wish|need)\s+to|can\s+safely|may\s+safely)"
)

DIRECTIVE_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    # advice relayed to the reader, whoever gives it: "my naturopath said to ditch it", "most clinicians
    # now advise patients to begin X" (what a label tells prescribers is not advice to the reader)
    (
        re.compile(
            rf"\b(?:said|says|told|tells|tell|advised|advises|advise|instructed|urged|urge)\s+"
            rf"(?!(?:\w+\s+){{0,2}}?(?:clinicians?|prescribers?|doctors?|physicians?|pharmacists?)\b)"
            rf"(?:(?!(?:what|how|which|when|whether)\b)\w+\s+){{0,3}}?(?:not\s+)?to\s+(?:{ACTIONS})\b",
            re.IGNORECASE,
        ),
        "relays advice to act on a treatment",
    ),
    (
        re.compile(
            r"(?:^|[.!?]\s+)(?:never|don't|do\s+not)\s+(?:drive|operate\s+machinery)\b|"
            r"\btake\s+as\s+(?:much|many|often)\s+as\b|"
            r"(?<=,\s)(?:dissolve|swallow|sprinkle|stir|chew)\b",
            re.IGNORECASE,
        ),
        _IMPERATIVE,
    ),
    (
        re.compile(
            rf"(?:{_LEAD}|{_CONDITION_LEAD})(?:start|begin|stop|quit|discontinue|cease|switch|swap|take|try|"
            rf"avoid|skip|combine|increase|reduce|resume|restart|wean|taper|give|administer|refuse|abandon|"
            rf"forgo|ditch|halve|substitute|replace|pause|crush|apply|inject|chew|titrate|split|reintroduce|go\s+off|"
            rf"leave\s+out|cut\s+(?:back|down)(?:\s+on)?|stir|"
            rf"come\s+off|steer\s+clear\s+of|go\s+(?:up|down)\s+by|step\s+(?:up|down)|bump\s+up|"
            rf"leave\s+(?:the\s+|your\s+)?[\w-]+\s+(?:out|off)|throw\s+(?:out|away)|go\s+natural|"
            rf"get\s+(?:on|off)|stay\s+(?:on|off|away\s+from)|hold\s+off|insist\s+on|ask\s+for|opt\s+for|"
            rf"self-medicate|toss\s+(?:out|away)|exceed|dissolve|swallow|sprinkle|inhale|insert|rub|"
            rf"up\s+(?:it|the|your)|double\s+up|stick\s+(?:with|to)|hold|limit|restrict|minimi[sz]e|"
            rf"(?:instruct|counsel|advise|tell|remind|encourage|ask)\s+(?:your\s+|the\s+)?(?:patients?|them|people)\s+"
            rf"(?:not\s+)?to\s+(?:{ACTIONS})|step\s+(?:the\s+|your\s+)?(?:dose|dosage)\s+(?:up|down))\b(?!\s+(?:of|in|here|reading|below|dates?|times?|codons?|points?)\b|"
            rf"\s+to\s+the\s+(?:next|previous|references?|sections?|end|top|bottom|faq|main|page|list)\b|-)",
            re.IGNORECASE,
        ),
        _IMPERATIVE,
    ),
    (
        re.compile(
            rf"\b{_MODAL}\s+ask\s+(?:\w+\s+){{0,3}}to\s+(?:{ACTIONS})\b|"
            rf"\bI(?:'d|\s+would)\s+(?:definitely\s+|probably\s+|just\s+)?(?:{ACTIONS})\b|"
            rf"\bensure\s+(?:that\s+)?(?:the\s+patient|patients|you|they)\s+(?:(?:{ACTIONS})(?:e?s)?|stops|pauses|holds|"
            rf"avoids|takes|skips|switches)\b|"
            rf"\b(?:can|may)\s+(?:simply|safely|just|always)\s+be\s+(?:{_PARTICIPLES})\b|"
            rf"\bis\s+recommend(?:ed)?\s+(?:to|that)\s+(?:\w+\s+){{0,2}}?(?:{ACTIONS})\b|"
            rf"\b(?:you|everyone|everybody)\s+(?:should|must|need\s+to)\s+(?:too|as\s+well)\b|"
            rf"\bplease\s+(?:do\s+)?not\s+(?:to\s+)?(?:{ACTIONS})\b|"
            rf"\bmake\s+sure\s+(?:that\s+)?you\s+(?!(?:tell|ask|talk|discuss|let|inform|consult|speak|mention|"
            rf"check\s+with|keep\s+(?:a|an|your)\s+(?:\w+\s+)?(?:list|diary|record|log))\b)\w+",
            re.IGNORECASE,
        ),
        "tells the reader to act on a treatment",
    ),
    (
        re.compile(
            rf"\b{_MODAL}\s+(?:to\s+)?(?:not\s+|never\s+|ever\s+|also\s+|immediately\s+|first\s+|probably\s+|just\s+|"
            rf"always\s+|simply\s+|def\s+|not\s+to\s+|"
            rf"really\s+|definitely\s+|seriously\s+|absolutely\s+|totally\s+)?"
            rf"(?:{ACTIONS})\b",
            re.IGNORECASE,
        ),
        "tells the reader to act on a treatment",
    ),
    (
        re.compile(
            rf"\b(?:should|must|needs?\s+to|has\s+to|have\s+to|ought\s+to)\s+(?:not\s+|never\s+|always\s+)?be\s+"
            rf"(?:immediately\s+|permanently\s+)?(?:{_PARTICIPLES})\b|\b{_MODAL}\s+(?:ever\s+|always\s+)?be\s+"
            rf"(?:{ACTIONS_ING})\b|\b(?:is|are)\s+best\s+(?:combined|taken|used|started|given|avoided|paired|"
            rf"stopped)\b(?!\s+(?:up\s+)?(?:to|with)\s+(?:the\s+|a\s+|your\s+)?(?:clinician|doctor|physician|"
            rf"neurologist|pharmacist|specialist|care\s+team|prescriber|nurse)\w*)",
            re.IGNORECASE,
        ),
        "tells the reader to act on a treatment",
    ),
    (
        re.compile(
            rf"\b(?:it\s+is|it's)\s+(?:recommended|advised|advisable|best|important|essential|better)\s+that\s+"
            rf"(?:\S+\s+){{1,6}}?(?:be\s+(?:{_PARTICIPLES})|(?:{ACTIONS}))\b|"
            rf"\b(?:we|I)(?:'d|\s+would)?\s+(?:strongly\s+)?(?:recommend|suggest|advise|urge)\s+that\s+"
            rf"(?:\S+\s+){{1,6}}?(?:{ACTIONS})\b|"
            rf"\bit\s+(?:would\s+be|is|may\s+be|might\s+be)\s+(?:reasonable|sensible|wise|best|better|advisable|"
            rf"prudent)\s+(?:for\s+(?:\S+\s+){{1,5}}?)?to\s+(?:{ACTIONS})\b|"
            rf"\bbetter\s+off\s+(?:{ACTIONS_ING})\b|"
            rf"\b(?:best|smartest|only|first)\s+thing\s+(?:\S+\s+){{0,3}}?(?:do|try)\s+is\s+(?:to\s+)?(?:{ACTIONS})\b|"
            rf"\bit\s+pays\s+to\s+(?:{ACTIONS})\b|\bdo\s+yourself\s+a\s+fav(?:ou)?r\b|\bowe\s+it\s+to\s+"
            rf"yourself\b|\b(?:wouldn't|would)\s+it\s+(?:make\s+sense|be\s+(?:better|wise|smart|best))\s+to\s+"
            rf"(?:just\s+)?(?:{ACTIONS})\b|\b(?:patients|people|you)\s+can\s+(?:simply|just|always|safely)\s+"
            rf"(?:{ACTIONS})\b",
            re.IGNORECASE,
        ),
        "recommends acting on a treatment",
    ),
    (
        re.compile(
            rf"\b(?:it(?:\s+is|'s|\s+would\s+be|\s+may\s+be|\s+might\s+be)|that's)\s+(?:probably\s+|definitely\s+|"
            rf"usually\s+)?(?:best|better|wise|advisable|recommended|prudent|important|essential|safest|"
            rf"sensible|smart|a\s+(?:good|smart|wise)\s+idea|worth\s+it|worthwhile)\s+(?:to\s+|not\s+to\s+)"
            rf"(?:{ACTIONS})\b|\bit\s+makes\s+sense\s+to\s+(?:{ACTIONS})\b",
            re.IGNORECASE,
        ),
        "recommends acting on a treatment",
    ),
    (
        re.compile(
            rf"\b(?:we|I)(?:'d|\s+would)?\s+(?:strongly\s+)?(?:recommend|suggest|advise|urge)\s+(?:that\s+)?"
            rf"(?:you\s+|patients\s+|people\s+)?(?:{ACTIONS_ING}|(?:{ACTIONS})\b|against)",
            re.IGNORECASE,
        ),
        "recommends acting on a treatment",
    ),
    (
        re.compile(
            rf"\b(?:our|my|the)\s+(?:advice|recommendation|suggestion|tip)\s+is\s+(?:to\s+)?(?:{ACTIONS})\b|"
            rf"\b(?:the|your|our|my)\s+(?:smart|smartest|best|right|wise|wisest|safest|sensible|only)\s+"
            rf"(?:move|choice|option|thing|course|bet|plan|call|step)\s+(?:\w+\s+){{0,3}}?is\s+to\s+(?:{ACTIONS})\b|"
            rf"\bif\s+I\s+were\s+you\b|\bin\s+your\s+(?:shoes|position|place)\b|"
            rf"\bit\s+(?:might|may|would|could)\s+be\s+worth\s+(?:{ACTIONS_ING})\b|"
            rf"\bconsider\s+(?:a|an|the)\s+(?:\w+\s+)?(?:taper|switch|change|trial|course|reduction|increase|"
            rf"dose)\b",
            re.IGNORECASE,
        ),
        "recommends acting on a treatment",
    ),
    (
        re.compile(
            rf"\b(?:consider|try|avoid|keep|stop|start|think\s+about|thinking\s+about|why\s+not\s+try)\s+"
            rf"(?:{ACTIONS_ING})\b|\bwhy\s+not\s+(?:{ACTIONS})\b|\bgive\s+(?:\w+\s+){{0,2}}a\s+"
            rf"(?:try|go|shot)\b",
            re.IGNORECASE,
        ),
        _SUGGESTS,
    ),
    (
        re.compile(
            rf"\byou\s+(?:can|could|may|might)\s+(?:safely\s+|also\s+|then\s+|just\s+|always\s+|simply\s+)?"
            rf"(?:{ACTIONS})\b",
            re.IGNORECASE,
        ),
        "tells the reader they may act on a treatment",
    ),
    # "Starting CBD is a reasonable next step", "discontinuing the drug is the appropriate response"
    (
        re.compile(
            rf"(?:^|[,;:]\s+)(?:{ACTIONS_ING})\b[^.;]{{0,80}}?\b(?:is|are|would\s+be|remains?)\s+"
            rf"(?:probably\s+|usually\s+|often\s+)?(?:a\s+(?:reasonable|sensible|logical|good|smart|wise|safe)\s+"
            rf"(?:next\s+)?(?:step|option|choice|move|idea|approach)|the\s+(?:appropriate|right|best|correct|"
            rf"sensible|logical|recommended|safest)\s+(?:\w+\s+)?(?:response|step|choice|move|course|option|"
            rf"approach|thing)|an\s+option\s+worth|worth\s+(?:trying|considering|a\s+try)|recommended|"
            rf"advisable|advised|the\s+way\s+to\s+go|the\s+way\s+to|standard\s+practice|"
            rf"(?:essential|important|crucial|vital|key|necessary)\s+for|"
            rf"the\s+better\s+(?:choice|option|course)|(?:really\s+)?(?:your|the)\s+(?:only\s+)?"
            rf"(?:sensible|best|safest|wisest|right)\s+(?:option|choice|move|bet|course))\b|"
            rf"\b(?:prudent|sensible|wise|safest|best|right|smart|recommended)\s+(?:approach|course|option|choice|move|"
            rf"plan)\b[^.;]{{0,60}}?\bis\s+to\s+(?:{ACTIONS})\b",
            re.IGNORECASE,
        ),
        "recommends acting on a treatment",
    ),
    (
        re.compile(
            r"\b(?:don't|do\s+not|never)\s+(?:bother\s+with|let\s+(?:\w+\s+){1,3}(?:(?:talk|push|pressure|"
            r"rush)\s+you\s+into|put\s+you\s+on))\b",
            re.IGNORECASE,
        ),
        "tells the reader to refuse a treatment",
    ),
]

# Where the clause opened by a sentence-initial verb ends.
_CLAUSE_END = re.compile(
    r"[;:—–]|\b(?:if|when|whenever|unless|until|before|after|while|because|since|as|so|which|that|"
    r"who|where|once|or\s+else)\b|,\s*(?:and\s+|but\s+)?(?:it|they|you|this|he|she|we|there)\b|"
    r"\band\s+(?:your|you|it|they|he|she|we)\b",
    re.IGNORECASE,
)
_FINITE_VERB = re.compile(
    r"\b(?:is|are|was|were|has|have|had|may|might|can|could|will|would|shall|should|must|"
    r"remains?|remained|appears?|appeared|seems?|seemed|occurs?|occurred|develops?|developed|"
    r"rates?|varies|varied|differs?|differed)\b",
    re.IGNORECASE,
)
_MODAL_REASONS = ("tells the reader to act on a treatment",)


def _opens_subject(text: str, end: int) -> bool:
    """True when the sentence-initial word is a noun phrase with its own verb, not an imperative.

    "Decline on the ALSFRS-R was slower", "Stopping rules were predefined": the phrase is the
    subject of a finite verb in the same clause. An imperative's clause has no such verb.
    """
    rest = text[end:]
    stop = _CLAUSE_END.search(rest)
    if re.match(r"\s+by\b", rest) and text[:end].lower().endswith("ed"):
        return True  # "Stopped by the clinic": a phrasal verb in a narrative ("Taper by 25%" is advice)
    return bool(_FINITE_VERB.search(rest[: stop.start()] if stop else rest))


_NOT_THE_READER = re.compile(r"\b(?:anything|something|nothing|everything|what|which)\s*$", re.IGNORECASE)
_QUESTION_WORD = re.compile(
    r"^(?:why|how|what|when|where|who|which|does|do|is|are|can|could|should|would|will)\b"
    r"(?!\s+not\b)",
    re.IGNORECASE,
)


def _clinician_subject(text: str, start: int) -> bool:
    """True when the modal's subject is a clinician, label or study, or not a person at all."""
    head = text[:start]
    clause = re.split(r"[;:,]|\b(?:and|but|so|because|if|when)\b", head)[-1]
    if re.search(r"\b(?:you|patients|people|everyone|anyone)\s*$", clause, re.IGNORECASE):
        return False  # "according to my pharmacist you should skip it": the reader is the subject
    return bool(_CLINICIAN.search(clause) or _NOT_THE_READER.search(clause))


_AMBIGUOUS_PATTERN = re.compile(
    rf"(?:{_LEAD}|{_CONDITION_LEAD})(?P<verb>{_AMBIGUOUS_DET}|{_AMBIGUOUS_DRUG})\s+(?P<obj>[\w'/-]+)", re.IGNORECASE
)
_OBJECT_WORDS = frozenset(re.sub(r"[\\d+?()]", "", _OBJECT).split("|"))
_META = re.compile(r"\b(?:not|never)\s+(?:saying|suggesting|recommending|implying|telling\s+\w+)\b", re.IGNORECASE)
_RECORD_KEEPING = re.compile(
    r"\bkeep\s+(?:a|an|your)\s+(?:\w+\s+)?(?:list|diary|record|log|note|notes|journal)\b", re.IGNORECASE
)
_NEGATIVE_SUBJECT = re.compile(r"\b(?:no\s+one|nobody|no\s+(?:patient|person|individual))\b", re.IGNORECASE)


# Nouns that make "start", "stop" or "use" part of a compound noun ("start dates", "use cases").
_COMPOUND_NOUNS = frozenset({"date", "dates", "time", "times", "point", "points", "codon", "codons", "case", "cases"})


def _treatment_object(verb: str, obj: str) -> bool:
    """Is the word after an ambiguous verb a treatment (a drug name, or a determiner for the first group)?"""
    if obj.lower() in _COMPOUND_NOUNS:
        return False
    if re.fullmatch(_AMBIGUOUS_DET, verb, re.IGNORECASE) and (obj.lower() in _OBJECT_WORDS or obj.isdigit()):
        return True
    word = obj.strip("'").split("'")[0]
    return bool(word) and (word[0].isupper() or is_rare(word.lower()) or bool(re.fullmatch(_DRUG_LIKE, word)))


def _ambiguous_imperatives(text: str) -> list[Hit]:
    hits = []
    for m in _AMBIGUOUS_PATTERN.finditer(text):
        if _treatment_object(m.group("verb"), m.group("obj")) and not _opens_subject(text, m.end("verb")):
            hits.append(Hit(m.start(), m.end(), m.group(0), _IMPERATIVE))
    return hits


_SENTENCE_START = re.compile(r"(?:^|[.!?]\s+)(?=\S)")


def _in_question(text: str, pos: int) -> bool:
    """Is ``pos`` inside a sentence that asks (ends in '?' and opens with a question word)?"""
    starts = [m.end() for m in _SENTENCE_START.finditer(text, 0, pos + 1) if m.end() <= pos]
    start = starts[-1] if starts else 0
    end = re.search(r"[.!?]", text[pos:])
    return bool(end and end.group(0) == "?" and _QUESTION_WORD.match(text[start:]))


# A person named just before "start taking" is doing it, not being told to.
_DESCRIBED_SUBJECT = re.compile(
    r"\b(?:they|he|she|we|I|people|patients|someone|who|you)\s+"
    r"(?:first\s+|then\s+|later\s+|usually\s+|often\s+)?$",
    re.IGNORECASE,
)


def find_directives(text: str) -> list[Hit]:
    """Sentences that tell the reader to start, stop, switch, take or avoid a treatment."""
    text = text.strip()
    if text.endswith("?") and _QUESTION_WORD.match(text):
        return []  # a question asks about treatment decisions; "Why not try X?" is caught as advice
    consult = _CONSULT_EXEMPT.search(text)
    hits = []
    found = scan(text, DIRECTIVE_PATTERNS)
    found += [h for h in _ambiguous_imperatives(text) if not any(h.start < f.end and f.start < h.end for f in found)]
    for hit in sorted(found, key=lambda h: h.start):
        if _in_question(text, hit.start):
            continue  # "Who should not use it? The label lists ...": the question asks
        if hit.reason == _SUGGESTS and _DESCRIBED_SUBJECT.search(text, 0, hit.start):
            continue  # "some people feel dizzy when they first start taking it": a description
        if _META.search(text, 0, hit.start) or _RECORD_KEEPING.match(text, hit.start):
            continue  # "I'm not saying anyone should try it"; "keep a symptom diary"
        if "safely" in hit.text.lower() and _NEGATIVE_SUBJECT.search(text, 0, hit.start):
            continue  # "no one with ALS can safely receive it" is a safety claim, not advice
        if hit.reason == _IMPERATIVE and _opens_subject(text, hit.end):
            continue
        if hit.reason in _MODAL_REASONS and _clinician_subject(text, hit.start):
            continue
        if consult and _PROHIBITION.search(text[: hit.end]):
            continue  # "never stop ... without consulting": the sentence defers to a clinician
        hits.append(hit)
    return hits
