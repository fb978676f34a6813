"""Synthetic German funding calls and strategy projects, modelled on the bundled data.

The words come from the real texts in data/eval/*/calls.jsonl and data/strategy/*.yaml:
a seeded word-bigram Markov chain per field kind (titles, running text, project texts),
trained on those texts, generates the words; the field lengths are drawn from the real
records (a whole record's lengths at once, so title, summary and text stay correlated,
with ±20 % jitter). Real corpora keep growing their vocabulary with their size (Heaps' law:
names of programmes, places, new compounds), which a closed bigram model would not: a small
share of nouns is therefore replaced by a new German compound of two real nouns
("Breitband" + "netz" → "Breitbandnetz"), so the vocabulary grows with the corpus as in
reality and the feature spaces do not stay artificially small.

Generation is vectorised over documents (one numpy step per word position), so 100,000
calls take a few seconds.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import yaml

if TYPE_CHECKING:
    from matcher.strategy import Strategy

REPO_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = REPO_ROOT / "data"
CALL_FILES = sorted((DATA_DIR / "eval").glob("*/calls.jsonl"))
STRATEGY_FILES = sorted((DATA_DIR / "strategy").glob("*.yaml"))

COMPOUND_RATE = 0.04  # share of capitalised words replaced by a new compound
_TOKEN = re.compile(r"\S+")
_NOUN = re.compile(r"^[A-ZÄÖÜ][a-zäöüß]{3,}$")


class BigramChain:
    """A word-bigram Markov chain; `generate` draws many documents at once."""

    def __init__(self, texts: list[str]) -> None:
        docs = [_TOKEN.findall(t) for t in texts if t and t.strip()]
        vocab: dict[str, int] = {"<s>": 0}
        pairs: dict[tuple[int, int], int] = {}
        for words in docs:
            prev = 0
            for w in words:
                j = vocab.setdefault(w, len(vocab))
                pairs[(prev, j)] = pairs.get((prev, j), 0) + 1
                prev = j
        self.words = np.array(list(vocab), dtype=object)
        n = len(vocab)
        src = np.fromiter((a for a, _ in pairs), dtype=np.int64, count=len(pairs))
        dst = np.fromiter((b for _, b in pairs), dtype=np.int64, count=len(pairs))
        cnt = np.fromiter(pairs.values(), dtype=np.float64, count=len(pairs))
        # a word never followed by another (end of a text) continues like a text start
        dead = np.setdiff1d(np.arange(n), src)
        starts = src == 0
        if len(dead):
            src = np.concatenate([src, np.repeat(dead, starts.sum())])
            dst = np.concatenate([dst, np.tile(dst[starts], len(dead))])
            cnt = np.concatenate([cnt, np.tile(cnt[starts], len(dead))])
        order = np.lexsort((dst, src))
        src, dst, cnt = src[order], dst[order], cnt[order]
        totals = np.bincount(src, weights=cnt, minlength=n)
        cum = np.empty_like(cnt)
        # running cumulative probability within each row, offset by the row index, so the
        # whole array increases and one searchsorted samples every document's next word
        csum = np.cumsum(cnt)
        row_start = np.searchsorted(src, np.arange(n))
        before = np.where(row_start > 0, csum[np.maximum(row_start - 1, 0)], 0.0)
        cum = (csum - before[src]) / totals[src] + src
        cum[np.r_[row_start[1:] - 1, len(cum) - 1]] = np.arange(n) + 1.0  # exact row ends
        self._cum = cum
        self._dst = dst
        self.n_docs = len(docs)

    def generate(self, lengths: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Word ids, shape (len(lengths), max(lengths)); positions past a length are -1."""
        n, width = len(lengths), int(lengths.max(initial=0))
        out = np.full((n, width), -1, dtype=np.int64)
        state = np.zeros(n, dtype=np.int64)
        for k in range(width):
            pos = np.searchsorted(self._cum, state + rng.random(n), side="left")
            state = self._dst[np.minimum(pos, len(self._dst) - 1)]
            out[:, k] = state
        out[np.arange(width)[None, :] >= lengths[:, None]] = -1
        return out


def _compounds(words: np.ndarray, ids: np.ndarray, rng: np.random.Generator) -> dict:
    """Positions -> new compound words, for a share of the capitalised nouns."""
    is_noun = np.fromiter((bool(_NOUN.match(w)) for w in words), dtype=bool, count=len(words))
    noun_ids = np.flatnonzero(is_noun)
    if not len(noun_ids):
        return {}
    valid = ids >= 0
    cand = valid & is_noun[np.where(valid, ids, 0)]
    pick = cand & (rng.random(ids.shape) < COMPOUND_RATE)
    rows, cols = np.nonzero(pick)
    tails = rng.choice(noun_ids, size=len(rows))
    return {
        (r, c): words[ids[r, c]] + words[t].lower()
        for r, c, t in zip(rows.tolist(), cols.tolist(), tails.tolist(), strict=True)
    }


def _texts(chain: BigramChain, lengths: np.ndarray, rng: np.random.Generator) -> list[str]:
    ids = chain.generate(lengths, rng)
    extra = _compounds(chain.words, ids, rng)
    words = chain.words
    out = []
    for r in range(len(lengths)):
        row = ids[r, : lengths[r]]
        toks = list(words[row]) if len(row) else []
        if extra:
            for c in range(len(toks)):
                w = extra.get((r, c))
                if w is not None:
                    toks[c] = w
        out.append(" ".join(toks))
    return out


@dataclass
class Corpus:
    """The real texts the generators learn from."""

    calls: list[dict]
    strategy: dict


@cache
def real_corpus() -> Corpus:
    calls: list[dict] = []
    for path in CALL_FILES:
        with path.open(encoding="utf-8") as fh:
            calls.extend(json.loads(line) for line in fh if line.strip())
    strategy = yaml.safe_load(STRATEGY_FILES[0].read_text(encoding="utf-8"))
    return Corpus(calls, strategy)


@cache
def _chains() -> dict[str, BigramChain]:
    c = real_corpus()
    goals = [g["text"] for t in c.strategy["themes"] for g in t.get("goals", [])]
    projects = c.strategy.get("projects", [])
    project_texts = [f"{p.get('title', '')}. {p.get('summary', '')}" for p in projects] + goals
    return {
        "title": BigramChain(
            [r["title"] for r in c.calls] + [r.get("programme") or "" for r in c.calls]
        ),
        "body": BigramChain(
            [r.get("summary") or "" for r in c.calls] + [r.get("text") or "" for r in c.calls]
        ),
        "funder": BigramChain([r.get("funder") or "" for r in c.calls]),
        "project": BigramChain(project_texts + [r.get("summary") or "" for r in c.calls]),
    }


def _lengths(texts: list[str], pick: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    base = np.array([max(1, len(_TOKEN.findall(t or ""))) for t in texts])[pick]
    return np.maximum(1, np.rint(base * rng.uniform(0.8, 1.25, len(pick)))).astype(np.int64)


def generate_calls(n: int, seed: int = 0, prefix: str = "S") -> list[dict]:
    """`n` synthetic calls in the call-record format (DESIGN.md), German, seeded."""
    rng = np.random.default_rng(seed)
    real = real_corpus().calls
    chains = _chains()
    pick = rng.integers(0, len(real), n)
    titles = _texts(chains["title"], _lengths([r["title"] for r in real], pick, rng), rng)
    programmes = _texts(
        chains["title"], _lengths([r.get("programme") or "" for r in real], pick, rng), rng
    )
    summaries = _texts(
        chains["body"], _lengths([r.get("summary") or "" for r in real], pick, rng), rng
    )
    bodies = _texts(chains["body"], _lengths([r.get("text") or "" for r in real], pick, rng), rng)
    funders = _texts(
        chains["funder"], _lengths([r.get("funder") or "" for r in real], pick, rng), rng
    )
    today = date(2026, 11, 26)
    offsets = rng.integers(-200, 400, n)
    open_ended = rng.random(n) < 0.2
    out = []
    for i in range(n):
        r = real[pick[i]]
        out.append(
            {
                "id": f"{prefix}{seed}-{i:07d}",
                "source": r.get("source") or "synth",
                "url": f"https://example.org/foerderung/{prefix}{seed}-{i}",
                "title": titles[i],
                "funder": funders[i],
                "programme": programmes[i],
                "summary": summaries[i],
                "text": bodies[i],
                "eligible": list(r.get("eligible") or []),
                "region": r.get("region") or "",
                "funding_type": r.get("funding_type") or "",
                "published": None,
                "deadline": None
                if open_ended[i]
                else (today + timedelta(days=int(offsets[i]))).isoformat(),
                "amount_max_eur": r.get("amount_max_eur"),
                "funding_rate": r.get("funding_rate"),
            }
        )
    return out


def generate_strategy_dict(n_projects: int, seed: int = 0) -> dict:
    """The bundled strategy with its real projects first, then synthetic ones up to `n_projects`.

    Themes and goals are those of the real strategy; a synthetic project gets a generated
    title, summary and keywords (words of the real project and call texts) and one to three
    goals of a random theme.
    """
    rng = np.random.default_rng(10_000 + seed)
    base = real_corpus().strategy
    real_projects = list(base.get("projects", []))
    doc = {k: v for k, v in base.items() if k != "projects"}
    projects = [dict(p) for p in real_projects[:n_projects]]
    missing = n_projects - len(projects)
    if missing > 0:
        chain = _chains()["project"]
        summaries_src = [p.get("summary") or "" for p in real_projects] or ["Projekt"]
        titles_src = [p.get("title") or "" for p in real_projects] or ["Projekt"]
        pick = rng.integers(0, len(summaries_src), missing)
        titles = _texts(chain, _lengths(titles_src, pick, rng), rng)
        summaries = _texts(chain, _lengths(summaries_src, pick, rng), rng)
        themes = base["themes"]
        for i in range(missing):
            theme = themes[int(rng.integers(0, len(themes)))]
            goal_ids = [g["id"] for g in theme.get("goals", [])]
            k = int(rng.integers(1, min(3, len(goal_ids)) + 1)) if goal_ids else 0
            chosen = list(rng.choice(goal_ids, size=k, replace=False)) if k else []
            words = [w.strip(".,;:()") for w in summaries[i].split()]
            nouns = [w for w in words if _NOUN.match(w)]
            projects.append(
                {
                    "id": f"synth-{i:05d}",
                    "title": titles[i][:200] or f"Projekt {i}",
                    "theme": theme["id"],
                    "goals": [str(g) for g in chosen],
                    "summary": summaries[i],
                    "keywords": list(dict.fromkeys(nouns))[:5],
                }
            )
    doc["projects"] = projects
    return doc


def generate_strategy(n_projects: int, seed: int = 0) -> Strategy:
    """A `matcher.strategy.Strategy` with `n_projects` projects (validated by the real loader)."""
    from matcher.strategy import parse_strategy

    return parse_strategy(
        yaml.safe_dump(generate_strategy_dict(n_projects, seed), allow_unicode=True), "<synthetic>"
    )


def describe(calls: list[dict]) -> dict:
    """Length and vocabulary statistics, to compare synthetic with real calls."""
    lens = np.array([len(c["text"].split()) for c in calls])
    vocab = {w for c in calls for w in c["text"].split()}
    return {
        "calls": len(calls),
        "text_words_mean": float(lens.mean()) if len(lens) else 0.0,
        "text_words_p90": float(np.percentile(lens, 90)) if len(lens) else 0.0,
        "distinct_words": len(vocab),
    }


if __name__ == "__main__":
    import sys
    import time

    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    t = time.perf_counter()
    calls = generate_calls(n)
    print(f"{n} calls in {time.perf_counter() - t:.2f} s")
    print("real:", describe(real_corpus().calls))
    print("synthetic:", describe(calls))
    print(calls[0]["title"], "|", calls[0]["text"][:300])
    print(generate_strategy_dict(30)["projects"][-1])
