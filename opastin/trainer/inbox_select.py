"""Which messages of a conversation a trainer should look at, and why.

Three signs that the model did not understand a message: it fell back (the classifier said `nlu_fallback`,
or the dialogue answered with the fallback), its intent's confidence was low, or the person asked for a
human within the next two messages (the answer did not help). Messages that cannot teach the classifier
are left out: button payloads ("/human_handoff") and answers given to a form (the callback's matter, the
questionnaire's answers) that the form took, which it reads itself; an answer that broke out of the form
(the classifier's intent won over the form) is a message like any other.

Works on events as Rasa serialises them (the tracker store's `data` column), one conversation at a time.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from opastin.language import SUPPORTED, choose_language

FALLBACK = "fallback"
HANDOFF_AFTER = "handoff_after"
LOW_CONFIDENCE = "low_confidence"
REASONS = (FALLBACK, HANDOFF_AFTER, LOW_CONFIDENCE)  # the first that applies is a message's main reason

# config.yml's FallbackClassifier falls back below 0.25; up to this the model is unsure yet answered.
DEFAULT_LOW_CONFIDENCE = 0.6
HANDOFF_WITHIN = 2  # user messages
FALLBACK_ACTIONS = frozenset({"action_default_fallback", "utter_fallback", "utter_default"})
HANDOFF_INTENTS = frozenset({"human_handoff"})
NLU_FALLBACK = "nlu_fallback"


@dataclass(frozen=True)
class Candidate:
    """A message worth a trainer's look: its (redacted) text, language, predicted intent and why."""

    text: str
    language: str
    intent: str
    confidence: float
    reasons: tuple[str, ...]


@dataclass
class _Turn:
    text: str
    intent: str  # the classifier's own best guess, even when it fell back
    confidence: float
    classified: str | None  # the intent as the pipeline left it (nlu_fallback, or the safety net's)
    form: str | None  # the form active when it came
    language: str | None = None
    fell_back: bool = False
    first_action: str | None = None  # what the assistant did first in answer

    @property
    def taken_by_form(self) -> bool:
        return self.form is not None and self.first_action == self.form


def predicted(parse_data: dict[str, Any]) -> tuple[str, float]:
    """The best real intent and its confidence: for a fallback, the top of the ranking under it."""
    intent = parse_data.get("intent") or {}
    if intent.get("name") and intent["name"] != NLU_FALLBACK:
        return intent["name"], float(intent.get("confidence") or 0.0)
    for ranked in parse_data.get("intent_ranking") or []:
        if ranked.get("name") and ranked["name"] != NLU_FALLBACK:
            return ranked["name"], float(ranked.get("confidence") or 0.0)
    return NLU_FALLBACK, float(intent.get("confidence") or 0.0)


def turns(events: Iterable[dict[str, Any]]) -> list[_Turn]:
    """The user messages of a conversation, each with its language slot and whether it fell back."""
    found: list[_Turn] = []
    language: str | None = None
    loop: str | None = None
    for event in events:
        kind = event.get("event")
        if kind == "user":
            parse_data = event.get("parse_data") or {}
            intent, confidence = predicted(parse_data)
            classified = (parse_data.get("intent") or {}).get("name")
            found.append(_Turn(event.get("text") or "", intent, confidence, classified, loop, language))
        elif kind == "slot" and event.get("name") == "language" and event.get("value") in SUPPORTED:
            language = event["value"]
            if found:
                found[-1].language = language
        elif kind == "active_loop":
            loop = event.get("name")
        elif kind in ("session_started", "restart"):
            loop = None
        elif kind == "action" and found:
            found[-1].first_action = found[-1].first_action or event.get("name")
            found[-1].fell_back = found[-1].fell_back or event.get("name") in FALLBACK_ACTIONS
    return found


def _reasons(turn: _Turn, following: list[_Turn], low_confidence: float) -> tuple[str, ...]:
    reasons = []
    if turn.fell_back or turn.classified == NLU_FALLBACK:
        reasons.append(FALLBACK)
    if turn.classified not in HANDOFF_INTENTS and any(later.classified in HANDOFF_INTENTS for later in following):
        reasons.append(HANDOFF_AFTER)
    if turn.confidence < low_confidence:
        reasons.append(LOW_CONFIDENCE)
    return tuple(reasons)


def candidates(events: Iterable[dict[str, Any]], low_confidence: float = DEFAULT_LOW_CONFIDENCE) -> list[Candidate]:
    """The conversation's messages a trainer should see, in order."""
    all_turns = turns(events)
    found = []
    for index, turn in enumerate(all_turns):
        text = turn.text.strip()
        if not text or text.startswith("/") or turn.taken_by_form:
            continue
        reasons = _reasons(turn, all_turns[index + 1 : index + 1 + HANDOFF_WITHIN], low_confidence)
        if reasons:
            language = turn.language or choose_language(None, text)
            found.append(Candidate(text, language, turn.intent, turn.confidence, reasons))
    return found
