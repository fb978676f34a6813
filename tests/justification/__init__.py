"""Tests of the Begründungstext (justification text)."""

from __future__ import annotations

from matcher.justification import CallTexts, generate
from matcher.strategy import Strategy


def text_for(
    strategy: Strategy,
    projects: list[str],
    call_text: str,
    *,
    title: str = "Förderaufruf",
    variant: str = "long",
    call_goal_ids: list[str] | None = None,
) -> str:
    """The generated text for a call made of one title and text (the address example.org)."""
    call = CallTexts(title=title, url="https://example.org/aufruf", text=call_text)
    return generate(strategy, call, projects, variant, call_goal_ids=call_goal_ids or []).text
