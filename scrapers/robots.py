"""robots.txt as RFC 9309 reads it: groups per product token, `*` and `$` in rules, the
longest matching rule decides (Allow on a tie), plus the common Crawl-delay extension.

The standard library's `urllib.robotparser` predates the RFC: it takes the first rule in
file order ("Allow: /" before "Disallow: /intern/" allows everything), treats `*` and `$`
as literal characters, and misses the first line after a byte-order mark. Each of those
made the fetcher request pages the site had asked robots to leave alone.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit


@dataclass(slots=True)
class _Group:
    agents: list[str] = field(default_factory=list)
    rules: list[tuple[bool, str]] = field(default_factory=list)  # (allow, pattern)
    crawl_delay: float | None = None


def _token(value: str) -> str:
    """The product token of a User-agent value or header: `funding-matcher/0.1 (…)` → name."""
    return re.split(r"[/\s]", value.strip(), maxsplit=1)[0].casefold()


def _compile(pattern: str) -> re.Pattern[str]:
    anchored = pattern.endswith("$")
    body = pattern[:-1] if anchored else pattern
    regex = ".*".join(re.escape(part) for part in unquote(body).split("*"))
    return re.compile(regex + ("$" if anchored else ""), re.S)


class RobotsRules:
    """The parsed rules of one robots.txt."""

    def __init__(self, text: str) -> None:
        self.groups: list[_Group] = []
        current: _Group | None = None
        in_rules = False
        for raw in text.lstrip("\ufeff").splitlines():
            line = raw.split("#", 1)[0].strip()
            if ":" not in line:
                continue
            key, value = (part.strip() for part in line.split(":", 1))
            key = key.casefold()
            if key == "user-agent":
                # Consecutive User-agent lines share one group; after a rule a new one starts.
                if current is None or in_rules:
                    current = _Group()
                    self.groups.append(current)
                    in_rules = False
                current.agents.append(_token(value) if value != "*" else "*")
            elif key in ("allow", "disallow") and current is not None:
                in_rules = True
                if value:  # an empty Disallow allows everything: no rule
                    current.rules.append((key == "allow", value))
            elif key == "crawl-delay" and current is not None:
                in_rules = True
                with contextlib.suppress(ValueError):  # an unreadable delay is ignored
                    current.crawl_delay = max(0.0, float(value))

    def _groups_for(self, agent: str) -> list[_Group]:
        token = _token(agent)
        mine = [g for g in self.groups if token in g.agents]
        return mine or [g for g in self.groups if "*" in g.agents]

    def can_fetch(self, agent: str, url: str) -> bool:
        """Whether `agent` may fetch `url`: the longest matching rule wins, Allow on a tie."""
        parts = urlsplit(url)
        path = unquote(parts.path or "/") + (f"?{unquote(parts.query)}" if parts.query else "")
        if path == "/robots.txt":
            return True
        best: tuple[int, bool] | None = None
        for group in self._groups_for(agent):
            for allow, pattern in group.rules:
                if _compile(pattern).match(path):
                    key = (len(pattern), allow)
                    if best is None or key > best:
                        best = key
        return True if best is None else best[1]

    def crawl_delay(self, agent: str) -> float | None:
        """The Crawl-delay of the group that applies to `agent`, if it names one."""
        delays = [g.crawl_delay for g in self._groups_for(agent) if g.crawl_delay is not None]
        return max(delays) if delays else None
