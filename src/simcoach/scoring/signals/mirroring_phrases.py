"""The phrase tables mirroring reads: advice, the agent's own story, wishes, probes and reflective frames."""

from __future__ import annotations

from simcoach.scoring.lexicon import LEXICON

# A sentence that advises is not a reflection, whatever words of the customer's it reuses. "Maybe you…"
# advises only with a modal ("maybe you could…"): "maybe you're worried that…" is a tentative reflection.
SUGGESTION = LEXICON.compile(
    # "the best you could be", "everything you could" praise what was done; they advise nothing
    r"\b(?:(?:maybe|perhaps) you (?:could|should|can|might|may|need|want to|try|consider|would)|"
    r"(?<!best )(?<!all )(?<!everything )(?<!anything )you could|"
    # "you should have been refunded", "money you should never have lost": what ought to have happened
    r"you (?:might|may) (?:want|try|consider|like)|you should(?!'ve| (?:never |not )?have\b)|you need to|"
    r"you ought to|"
    r"have you (?:tried|considered|thought)|why don't you|why not|(?:^|(?<=[.!?]\s))\W*try (?:to|and)|"
    r"i (?:would )?suggest|"
    r"i (?:would )?recommend|i'd (?:suggest|recommend)|if i were you|what if you|it might help|"
    r"it might be (?:worth\w*|a good idea|an idea|helpful|useful|best|better|easier|wise|good|nice|"
    r"an option)|"
    r"it may help|you can (?:always |also )?try|consider|(?:^|(?<=[.!?]\s))\W*(?:if|whenever|anytime) you|"
    r"it (?:also |really |often |usually |sometimes )?helps? (?:to|if)|make sure (?:you|to)|"
    r"it's (?:a good idea|worth|best|important) (?:to|that you)|"
    r"one (?:possible |good )?(?:solution|option|idea)|"
    r"i (?:would|'d) (?:definitely |probably |also )?(?:try|spend|talk|speak|go|look|get|start)|"
    r"i think (?:you should|it's important|it would be (?:good|best|wise|a good idea|helpful)))\b"
)
# the agent talking about their own experience (self-disclosure), not about the customer
SELF = LEXICON.compile(
    # "No, I do not have the premium package": an answer about the agent, whatever words it shares
    r"^\W*(?:(?:no|yes|yeah|nope|yep),? )?(?:my|our|me too|as a \w+ myself|"
    r"i (?:was|had|have|went|used|also|too|did|do not have|don't have|got|remember|lost|"
    r"suffer|suffered|struggle|struggled|failed|"
    r"myself|once|personally|drink|eat|live|work|use|go|love|like|enjoy|hate|can relate|relate|"
    r"really (?:like|love|enjoy))|i'm (?:also|too|the same)|i've (?:been|had|done|also|never|always|found|"
    r"tried|gone|struggled|dealt|felt|lost|suffered|experienced|gotten|got)|when i|"
    r"we (?:were|had|have|went|used|did|also))\b"
)
STORY_GOES_ON = LEXICON.compile(
    r"^\W*(?:it|that|which)(?: was|'s been| has been| had been| wasn't| was not)\b"
)
WISH = LEXICON.compile(
    r"\b(?:hope|wish)(?: that)? you(?:'re| are|'ll| will)? (?:feel|feeling|get|getting|be)\b"
)
PROBE_START = LEXICON.compile(
    r"^\W*(?:what|how|why|when|where|which|who|do|does|did|can|could|would|will|have|has)\b"
)
SUBORDINATE = LEXICON.compile(
    r"\W*(?:as|while|once|when|whenever|if|since|apart from|after|before|until|because|although|though|"
    r"given|now that|in case|besides|other than|except)\b"
)
LEAD_MIN = 2  # content words a statement before a question needs to be read as a reflection
FRAME_TAIL = frozenset({"correctly", "right", "properly"})  # "if I understand correctly:" is still a frame
PARAPHRASE = LEXICON.compile(
    r"(?:it sounds|it seems|sounds like|sounds as|seems like|so,? you|so,? your|you mean|you're saying|"
    r"you are saying|are you saying|do you mean|"
    # "I can tell you're stressed" perceives; "I can tell you one thing" informs, and "I can tell you're a
    # caring person" affirms
    r"i can tell (?:that )?you(?:(?:'re| are)(?! (?:a|an|such)\b)|'ve| have| had| really| must| seem| feel|"
    r" felt| might| do| miss)|"
    r"you feel|you felt|you're feeling|you are feeling|you seem|you sound|what i'm hearing|what i hear|"
    r"if i understand|from what you|i hear you|i (?:get|have) the (?:sense|feeling|impression)|i sense|"
    r"i'm sensing|i can sense|(?:so |just )?to (?:clarify|recap|sum up|summari|check|make sure|be sure)|"
    r"let me|if i|i gather|i take it)"
)
# word gates: a pattern can only match a turn that holds one of these words (a set test before a scan)
SUMMARY_WORDS = frozenset(
    {"clarify", "recap", "sum", "summarise", "summarize", "understood", "understand", "right"}
)
STOCK_WORDS = frozenset(
    {
        "understand",
        "hear",
        "get",
        "appreciate",
        "know",
        "see",
        "empathise",
        "empathize",
        "sympathise",
        "sympathize",
        "feel",
        "hearing",
    }
)
ADVICE_WORDS = frozenset(
    {
        "maybe",
        "perhaps",
        "could",
        "might",
        "should",
        "need",
        "tried",
        "considered",
        "thought",
        "why",
        "try",
        "suggest",
        "recommend",
        "if",
        "whenever",
        "anytime",
        "what",
        "help",
        "may",
        "can",
        "consider",
        "ought",
        "helps",
        "sure",
        "worth",
        "important",
        "best",
        "solution",
        "option",
        "idea",
        "would",
        "i'd",
        "think",
    }
)
