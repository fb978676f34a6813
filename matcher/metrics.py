"""Ranking metrics over graded relevance: nDCG@k, P@k, average precision, recall@k.

`ranking` is a list of item ids, best first; `grades` maps item id -> grade (missing = 0).
An item counts as relevant when its grade is at least 1. nDCG uses the gain 2^grade - 1
and log2(rank + 1) discount, with the ideal ranking of all judged items.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence


def dcg(gains: Sequence[float]) -> float:
    """Discounted cumulative gain of gains in rank order."""
    return sum(g / math.log2(i + 2) for i, g in enumerate(gains))


def ndcg_at(ranking: Sequence[str], grades: Mapping[str, int], k: int = 10) -> float:
    """nDCG@k with gain 2^grade - 1; 0 when nothing is relevant."""
    ideal = sorted((2**g - 1 for g in grades.values() if g > 0), reverse=True)[:k]
    best = dcg(ideal)
    if best == 0:
        return 0.0
    return dcg([2 ** grades.get(c, 0) - 1 for c in ranking[:k]]) / best


def precision_at(ranking: Sequence[str], grades: Mapping[str, int], k: int) -> float:
    """Share of relevant items in the first k (k in the denominator, as in trec_eval)."""
    return sum(1 for c in ranking[:k] if grades.get(c, 0) > 0) / k


def recall_at(ranking: Sequence[str], grades: Mapping[str, int], k: int) -> float:
    """Share of all relevant items found in the first k; 0 when nothing is relevant."""
    total = sum(1 for g in grades.values() if g > 0)
    if total == 0:
        return 0.0
    return sum(1 for c in ranking[:k] if grades.get(c, 0) > 0) / total


def average_precision(ranking: Sequence[str], grades: Mapping[str, int]) -> float:
    """Mean of the precision at each relevant item's rank over all relevant items."""
    total = sum(1 for g in grades.values() if g > 0)
    if total == 0:
        return 0.0
    hits = 0
    acc = 0.0
    for i, c in enumerate(ranking):
        if grades.get(c, 0) > 0:
            hits += 1
            acc += hits / (i + 1)
    return acc / total


def project_metrics(ranking: Sequence[str], grades: Mapping[str, int]) -> dict[str, float]:
    """The per-project figures of `evaluate`: nDCG@10, P@5, MAP (AP), R@20."""
    return {
        "ndcg@10": ndcg_at(ranking, grades, 10),
        "p@5": precision_at(ranking, grades, 5),
        "map": average_precision(ranking, grades),
        "r@20": recall_at(ranking, grades, 20),
    }


def inbox_metrics(ranking: Sequence[str], relevant: set[str]) -> dict[str, float]:
    """Inbox figures: P@20 and average precision over calls relevant to any project."""
    grades = dict.fromkeys(relevant, 1)
    return {
        "inbox_p@20": precision_at(ranking, grades, 20),
        "inbox_ap": average_precision(ranking, grades),
    }
