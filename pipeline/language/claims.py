"""Detect absolute safety claims and cure claims.

Both kinds of claim are made in many words: "completely safe", "has never hurt anyone",
"no one with ALS can safely receive it", "a perfect safety record"; "cures", "stops ALS in
its tracks", "patients walk again", "the disease simply stops". The detectors look for the
claim's shape (a universal or an absolute, a harm or benefit word, the disease as object)
and excuse the same words when they are negated, asked about, hedged ("no treatment is
without risk") or reported in order to be rejected ("claims that ... are not supported").
"""

from __future__ import annotations

import re

from pipeline.language.spans import Hit, inside, is_negated, quoted_spans, scan

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
_DISEASE_SUBJECT = DISEASE.replace(r"symptoms?|", "")
# Statements that report a claim in order to reject it, or hedge a universal.
_DEBUNK = re.compile(
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
_DRUG_NOUN = (r"(?:compound|drug|treatment|medicine|medication|therap(?:y|ie)|substance|agent|intervention|product|"
              r"option|supplement|remed(?:y|ie)|vitamin|herb)s?")
_HEDGE = re.compile(
    rf"\b(?:no|not\s+any|no\s+single)\s+{_DRUG_NOUN}\b|"
    rf"\bno\s+such\s+thing\s+as\s+(?:a\s+)?(?:risk-free|completely\s+safe|perfectly\s+safe|safe|harmless)\s+"
    rf"{_DRUG_NOUN}\b", re.IGNORECASE)


def _question(text: str, pos: int | None = None) -> bool:
    """Is the sentence (or, given ``pos``, the sentence holding it) a question?"""
    if pos is None:
        return text.rstrip().endswith("?")
    end = re.search(r"[.?!]", text[pos:])
    return bool(end and end.group(0) == "?")


_HYPOTHETICAL = re.compile(r"\b(?:whether|if)\b", re.IGNORECASE)


_NO_RISK = "claims there is no risk or no side effects"
_UNSAFE = "declares the compound unsafe for every patient"
_SAFE = "declares the compound safe"
_UNIVERSAL_PEOPLE = (r"(?:every(?:one|body)?|all|any(?:one|body)?|each)\s*(?:\w+\s+){0,2}?(?:patients?|people|persons?|"
                     r"individuals?|adults?|users?|one)?")
SAFETY_CLAIMS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\b(?:completely|totally|perfectly|entirely|absolutely|100\s?%|fully|universally|always|"
                r"inherently|unquestionably|guaranteed|certainly|definitely|proven(?:ly)?|clinically\s+proven|"
                r"known\s+to\s+be|100\s+percent|utterly)\s+(?:safe|harmless|non-?toxic|benign|innocuous|risk-free)\b",
                re.IGNORECASE), "declares the compound absolutely safe"),
    (re.compile(r"\bsafe\s+(?:for|in|to\s+\w+\s+(?:for|by|in|with))\s+(?:all|every|everyone|anyone|any|each|"
                r"the\s+whole\s+(?:family|household))\b|\bsafe\b[^.;]{0,40}\bno\s+exceptions?\b|"
                r"\bside[- ]effects?\b[^.]{0,60}\bthere\s+(?:are|were)\s+none\b|"
                r"\bsafe(?:ty)?\b[^.;]{0,80}\bbeyond\s+(?:any\s+)?(?:question|doubt|dispute)\b|"
                r"\bproven\s+(?:\w+\s+){0,2}safe\b|\bsafe\s+beyond\s+(?:any\s+)?(?:doubt|question)\b|"
                r"\bperfect\s+safety\s+(?:record|profile)\b", re.IGNORECASE),
     "declares the compound safe for every patient"),
    (re.compile(r"\b(?:(?:no|zero|not\s+any)\s+(?:known\s+|serious\s+|real\s+|significant\s+)?|without\s+(?:any\s+)?|"
                r"free\s+(?:of|from)\s+(?:any\s+)?)(?:risks?|side[- ]effects?|"
                r"adverse\s+(?:effects?|events?|reactions?)|dangers?|safety\s+(?:concerns?|issues?|risks?)|harm|"
                r"downsides?|drawbacks?)\b", re.IGNORECASE), _NO_RISK),
    (re.compile(r"\b(?:risks?|side[- ]effects?|dangers?)\b[^.;]{0,40}\b(?:are|is)\s+(?:\w+\s+)?"
                r"(?:nonexistent|non-existent|zero|nil|negligible\s+for\s+everyone)\b|"
                r"\bside[- ]effects?\b[^.;]{0,40}\b(?:do\s+not|don't|never|simply\s+do\s+not)\s+(?:happen|occur)\b",
                re.IGNORECASE), _NO_RISK),
    (re.compile(r"\b(?:harmless(?!-)|risk[- ]free|side[- ]effect[- ]free|perfectly\s+tolerated|"
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
                re.IGNORECASE), "claims the compound is harmless"),
    (re.compile(r"\bnever\s+(?:hurt|harmed|injured)\s+(?:anyone|anybody|a\s+(?:single\s+)?(?:patient|person))\b|"
                r"\b(?:no\s+one|nobody|no\s+(?:patient|person|individual)|not\s+a\s+single\s+(?:\w+\s+){0,2}"
                r"(?:patient|person|individual|one))\b[^.;]{0,50}\b(?:will\s+(?:ever\s+)?be|"
                r"(?:is|are|has\s+been|have\s+been|has\s+ever\s+been|have\s+ever\s+been)\s+(?:ever\s+)?)\s*harmed\b|"
                r"\bnothing\s+(?:about|in)\b[^.;]{0,30}\b(?:can|could|will|would)\s+(?:ever\s+)?(?:harm|hurt)\b|"
                r"\b(?:no\s+one|nobody|no\s+(?:patient|person|individual))\b[^.;]{0,50}\bneeds?\s+to\s+worry\b|"
                r"\bthe\s+safest\s+(?:\w+\s+)?(?:there\s+is|there\s+are|on\s+the\s+market|in\s+existence|ever\s+made)\b",
                re.IGNORECASE),
     "claims the compound is harmless"),
    # "is safe", "is considered safe", "is a safe option"; "is not safe" is handled below.
    (re.compile(r"\b(?:is|are|was|were|be|being|remains?|considered|deemed)\s+"
                r"(?:(?!not\b|never\b|hardly\b|rarely\b|seldom\b)\w+\s+)?(?:safe|harmless|non-?toxic)\b"
                r"(?!\s+to\s+(?:ask|say))", re.IGNORECASE), _SAFE),
    (re.compile(r"\bsafe\s+and\s+(?:effective|well[- ]tolerated)\b|"
                r"\b(?:well[- ]tolerated|effective)\s+and\s+safe\b", re.IGNORECASE), _SAFE),
    (re.compile(r"\b(?:dangerous|unsafe|toxic|deadly|lethal|harmful|fatal)\s+(?:for|to|in)\s+"
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
                re.IGNORECASE), _UNSAFE),
    (re.compile(r"\bsafely\s+(?:by|in|for)\s+(?:all|every|any|each)\b|"
                r"\bno\s+(?:situation|circumstance|case|scenario)s?\s+(?:in\s+which|where)\b[^.;]{0,50}"
                r"\b(?:harm|hurt|unsafe|danger)|"
                r"\b(?:no\s+one|nobody|no\s+(?:patient|person|individual))\b[^.;]{0,50}\b(?:will|would|could|can)\s+"
                r"(?:ever\s+)?(?:experience|have|get|suffer)\s+(?:any\s+)?(?:adverse|side|harm|problems|bad)|"
                r"\bsafety\b[^.;]{0,40}\b(?:is|are)\s+(?:absolute|perfect|total|complete|unquestionable)\b|"
                r"\bwith\s+(?:complete|total|full|absolute)\s+(?:confidence|safety|peace\s+of\s+mind)\b|"
                r"\bnothing\s+(?:bad|harmful|dangerous|wrong)\s+(?:can|will|could)\s+happen\b|"
                r"\bno\s+such\s+thing\s+as\s+(?:a\s+)?(?:bad|adverse|serious|harmful)\s+(?:reaction|effect|event)",
                re.IGNORECASE), "declares the compound safe for every patient"),
    (re.compile(r"\bcontraindicated\s+(?:for|in)\s+(?:all|every|everyone|any)\b|\bdeath\s+sentence\b|"
                r"\b(?:no\s+one|nobody|no\s+(?:patient|person))\b[^.;]{0,50}\bshould\s+(?:ever\s+)?"
                r"(?:take|touch|use|receive|try|go\s+near)\b", re.IGNORECASE), _UNSAFE),
    (re.compile(r"\bno\s+(?:patient|one|person|individual)\s+(?:for\s+whom|who)\b[^.;]{0,50}"
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
                r"\btolerated\s+(?:well\s+)?by\s+(?:all|every|everyone|everybody|anyone)\b", re.IGNORECASE),
     "declares the compound safe for every patient"),
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


def find_absolute_safety(text: str) -> list[Hit]:
    """Claims that a compound is safe (or unsafe) for every patient, or has no risk."""
    if _DEBUNK.search(text) or _HEDGE.search(text):
        return []
    return [
        hit for hit in scan(text, SAFETY_CLAIMS)
        if not inside(hit.start, quoted_spans(text))  # "the advert's 'completely safe' wording"
        and not (hit.reason == _NO_RISK and _FOUND_IN_STUDY.search(text, 0, hit.start) and _STUDY.search(text))
        and not _question(text, hit.start) and not is_negated(text, hit.start)
        and not (hit.reason == _NO_RISK and _OBSERVED.match(text, hit.end))
        and not (hit.reason == _SAFE and _WHETHER.search(text, 0, hit.start))
    ]


_HALT_VERBS = (r"cur(?:e|es|ed|ing)|revers(?:e|es|ed|ing)|undo(?:es|ing)?|undid|halt(?:s|ed|ing)?|"
               r"stop(?:s|ped|ping)?(?!\s+by\b)|arrest(?:s|ed|ing)?|freez(?:e|es|ing)|froze|end(?:s|ed)?|"
               r"eliminat(?:e|es|ed|ing)|eradicat(?:e|es|ed|ing)|eras(?:e|es|ed|ing)|wip(?:e|es|ed|ing)\s+out|defeat(?:s|ed)?|"
               r"beat(?:s)?|conquer(?:s|ed)?|banish(?:es|ed)?|repair(?:s|ed|ing)?|regenerat(?:e|es|ed|ing)|"
               r"rebuild(?:s|ing)?|restor(?:e|es|ed|ing)|heal(?:s|ed|ing)?|fix(?:es|ed)?|turn(?:s|ed)?\s+back|"
               r"regrow(?:s)?|prevent(?:s|ed)?|rebuilt|silenc(?:e|es|ed|ing)")
CURE_CLAIMS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\bcur(?:e|es|ed|ing|ative|able)\b", re.IGNORECASE), "claims a cure"),
    (re.compile(rf"\b(?:{_HALT_VERBS})\s+(?:\S+\s+){{0,4}}?{DISEASE}\b", re.IGNORECASE),
     "claims to halt, reverse or repair the disease"),
    (re.compile(r"\b(?:in\s+its\s+tracks|from\s+(?:progressing|getting\s+worse|advancing)|"
                r"never\s+(?:gets?\s+worse|progresses|advances|returns|comes\s+back)|stops?\s+progressing)\b",
                re.IGNORECASE), "claims to halt the disease"),
    (re.compile(rf"\b{_DISEASE_SUBJECT}\s+(?:\w+\s+){{0,3}}?(?:simply\s+|completely\s+|just\s+)?(?:stops|ends|disappears?|"
                r"vanish(?:es)?|goes\s+away|clears\s+up|is\s+gone|melts\s+away|(?:will|would)\s+(?:vanish|"
                r"disappear|go\s+away|stop|end))\b|\bmakes?\s+(?:\w+\s+){0,3}?(?:go\s+away|disappear|vanish)\b",
                re.IGNORECASE), "claims the disease goes away"),
    # Symptoms that pass are ordinary ("sedation symptoms disappear within hours"); for good, a claim.
    (re.compile(r"\bsymptoms?\s+(?:\w+\s+)?(?:disappear|vanish|go\s+away|resolve)\w*\s+(?:completely|entirely|"
                r"permanently|for\s+good|forever)\b|\brestor\w*\s+(?:\w+\s+){0,2}?(?:function|strength|mobility|"
                r"speech|memor\w+|health|movement|independence)\b", re.IGNORECASE), "claims the disease goes away"),
    (re.compile(r"\b(?:miracle|miraculous|wonder\s+drug|magic\s+bullet|guarantee[sd]?|guaranteeing|"
                r"100\s?%\s+effective|completely\s+effective|permanent(?:ly)?\s+(?:fix|relief|remission|recovery))\b",
                re.IGNORECASE), "miracle or guaranteed-outcome language"),
    (re.compile(r"\b(?:works?|effective|beneficial|successful)\s+(?:for|in)\s+(?:every|all|everyone|everybody|"
                r"anyone|any)\b(?!\s+(?:of\s+the\s+)?(?:trials?|stud(?:y|ies)|analys[ie]s)\b)|"
                r"\b(?:works|helps|benefits|effective)\b[^.;]{0,40}\bwithout\s+exception\b|"
                r"\b100\s?%\s+of\s+(?:\w+\s+){0,3}(?:patients|customers|users|people)\b|"
                r"\b(?:helps|benefits|works\s+for)\s+(?:every\s+single|each\s+and\s+every)\b|"
                r"\b(?:every|all)\s+(?:single\s+)?(?:\w+\s+)?(?:patients?|people)\s+(?:\S+\s+){0,4}"
                r"(?:recover|improve|respond|benefit)s?\b", re.IGNORECASE),
     "claims it works for everyone"),
    (re.compile(r"\brecover(?:s|ed|y|ies)?\s+(?:\w+\s+){0,2}?(?:completely|fully|totally|entirely)|"
                r"\b(?:complete|full|total|certain|guaranteed|lasting)\s+(?:recovery|remission|cure|healing)\b|"
                r"\bget\s+(?:their|your|his|her|my|our)\s+(?:\w+\s+){0,2}?back\b|"
                r"\b(?:brings?|gets?)\s+(?:\w+\s+){0,4}?back\s+to\s+(?:full|normal)\b|"
                r"\bback\s+to\s+(?:full|normal)\s+(?:function|health|strength)\b|"
                r"\b(?:walk|talk|speak|swallow|breathe|run|move)\s+(?:normally\s+)?again\b|"
                r"\b(?:symptom|disease)-free\b|\binto\s+(?:complete\s+|full\s+|lasting\s+|permanent\s+)?remission\b",
                re.IGNORECASE), "promises recovery"),
    # "ends joint pain forever", "halts hair loss for good", "permanently eliminates": for good is a cure
    (re.compile(rf"\b(?:{_HALT_VERBS})\b[^.;]{{0,40}}\b(?:forever|for\s+good|for\s+always|once\s+and\s+for\s+all)\b|"
                rf"\bpermanent(?:ly)?\s+(?:{_HALT_VERBS}|resolv\w*|clear\w*)\b|\bkiss\s+(?:\w+\s+){{0,3}}goodbye\b|"
                rf"\b(?:return|restore)s?\s+(?:\w+\s+){{0,2}}(?:full|normal)\s+(?:\w+\s+)?(?:control|function|strength|"
                rf"mobility|movement)\b|\b(?:hasn't|has\s+not|haven't|have\s+not)\s+progressed\s+at\s+all\b|"
                rf"\b(?:threw|thrown|throw)\s+(?:away|out)\s+(?:my|their|his|her)\s+(?:inhaler|medications?|meds|"
                rf"insulin|pills|walker|cane)\b|\bno\s+longer\s+needs?\s+(?:my|their|his|her)\s+(?:inhaler|"
                rf"medications?|meds|insulin)\b|\bhealed\s+(?:for\s+(?:good|always)|forever|completely)\b|"
                r"\b(?:function|strength|mobility|speech|memory|movement|feeling|sensation|vision|hearing)\s+"
                r"(?:is|are|was|were|can\s+be|gets?)\s+(?:\w+\s+)?(?:restored|regained|recovered|returned)\b|"
                r"\brestor\w*\s+(?:\w+\s+){0,2}?(?:feeling|sensation|vision|hearing)\b", re.IGNORECASE),
     "promises recovery"),
    (re.compile(r"\brecover(?:s|ed|ing)?\s+(?:\w+\s+){0,2}?(?:lost|normal|full|former)\s+(?:\w+\s+)?"
                r"(?:function|strength|abilit(?:y|ies)|movement|speech|memory|mobility)\b|"
                r"\b(?:returns?|restores?|brings?|gets?)\s+(?:\w+\s+){0,6}?to\s+(?:their|your|his|her|its|a)\s+"
                r"(?:pre-?(?:disease|diagnosis|illness|morbid)|former|previous|original)\s+(?:\w+\s+){0,2}?"
                r"(?:level|state|self|selves|health|function|strength|life)\b|"
                r"\bpre-?(?:disease|illness|diagnosis)\s+(?:level|state|function|health|baseline|self)\b",
                re.IGNORECASE), "promises recovery"),
    (re.compile(r"\bproven\s+to\s+(?:treat|work|reverse|help|heal|fix|slow|stop|halt)\b", re.IGNORECASE),
     "claims proven efficacy"),
    (re.compile(rf"\bregain(?:s|ed|ing)?\s+(?:\w+\s+){{0,5}}?(?:full|normal|all|complete|lost)\b|"
                rf"\b{_DISEASE_SUBJECT}\s+(?:is|are|was|were|can\s+be|gets?)\s+(?:completely\s+|fully\s+|effectively\s+|"
                rf"largely\s+|essentially\s+)?(?:reversed|"
                rf"cured|halted|stopped|undone|repaired|eliminated|eradicated|erased|defeated|beaten)\b|"
                rf"\b{_DISEASE_SUBJECT}\s+(?:is|was|are)\s+(?:\w+\s+)?gone\b|\bto\s+the\s+curb\b|"
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
                r"\s+life\s+back\b|\bthe\s+decline\s+is\s+over\b", re.IGNORECASE), "promises recovery"),
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
    rf"\b(?:none\s+of|no)\s+(?:the\s+)?(?:\w+\s+){{0,3}}?{_DRUG_NOUN}\b.*",
    re.IGNORECASE,
)
# A question ("Is there a cure for ALS?") asks rather than claims; hype words stay hype in any mood.
_ASKABLE = ("claims a cure", "claims to halt, reverse or repair the disease", "claims to halt the disease",
            "claims the disease goes away", "promises recovery", "claims it works for everyone")





def find_cure_claims(text: str) -> list[Hit]:
    """Cure, reversal, halted-progression, recovery, miracle or guaranteed-outcome language."""
    if _DEBUNK.search(text):
        return []
    # quoted words are mentioned, not used ("the phrase 'miracle drug'")
    benign = [m.span() for m in _CURE_BENIGN.finditer(text)] + list(quoted_spans(text))
    hits = []
    for hit in scan(text, CURE_CLAIMS):
        # a negator just before the claim negates it; farther away it governs another verb
        # ("doctors don't want you to know X undoes nerve damage")
        if inside(hit.start, benign) or is_negated(text, hit.start, max_words=4):
            continue
        if hit.reason in _ASKABLE and (_question(text, hit.start) or _HYPOTHETICAL.search(text, 0, hit.start)):
            continue
        hits.append(hit)
    return hits
