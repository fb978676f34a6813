"""The BM25 baseline of `evaluate`: bm25s with German Snowball stemming and stop words.

Query = the project text (title, summary, keywords, goals, theme); the inbox score of a
call is its best project score. No eligibility, no field weights: what an officer would get
from a good search engine.
"""

from __future__ import annotations

from collections.abc import Sequence

import bm25s
import numpy as np
import Stemmer

from matcher.analysis import stopwords
from matcher.model import call_text_plain, project_text_plain
from matcher.strategy import Strategy
from matcher.types import CallDoc


def bm25_scores(strategy: Strategy, calls: Sequence[CallDoc]) -> np.ndarray:
    """calls × projects BM25 scores (bm25s defaults k1=1.5, b=0.75, Lucene IDF)."""
    stemmer = Stemmer.Stemmer("german")
    stop = sorted(stopwords("de"))
    corpus = [call_text_plain(c) for c in calls]
    queries = [project_text_plain(strategy, p) for p in strategy.projects]
    retriever = bm25s.BM25()
    retriever.index(
        bm25s.tokenize(corpus, stopwords=stop, stemmer=stemmer, show_progress=False),
        show_progress=False,
    )
    out = np.zeros((len(calls), len(queries)))
    for j, q in enumerate(queries):
        tokens = bm25s.tokenize(
            [q], stopwords=stop, stemmer=stemmer, return_ids=False, show_progress=False
        )[0]
        out[:, j] = retriever.get_scores(tokens)
    return out
