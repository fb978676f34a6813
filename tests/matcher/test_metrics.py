"""Metrics on small rankings computed by hand."""

from __future__ import annotations

import math

import pytest

from matcher import metrics


def test_ndcg_by_hand() -> None:
    grades = {"a": 2, "b": 1}
    # ranking b, x, a: DCG = 1/log2(2) + 3/log2(4) = 1 + 1.5; ideal = 3/1 + 1/log2(3)
    expected = (1 + 3 / 2) / (3 + 1 / math.log2(3))
    assert metrics.ndcg_at(["b", "x", "a"], grades, 10) == pytest.approx(expected)
    assert metrics.ndcg_at(["a", "b", "x"], grades, 10) == pytest.approx(1.0)
    assert metrics.ndcg_at(["x", "y"], {}, 10) == 0.0


def test_precision_recall_ap_by_hand() -> None:
    grades = {"a": 1, "c": 2, "z": 1}
    ranking = ["a", "b", "c", "d", "e"]
    assert metrics.precision_at(ranking, grades, 5) == pytest.approx(2 / 5)
    assert metrics.recall_at(ranking, grades, 2) == pytest.approx(1 / 3)
    # hits at ranks 1 and 3; z never found: (1/1 + 2/3) / 3
    assert metrics.average_precision(ranking, grades) == pytest.approx((1 + 2 / 3) / 3)


def test_inbox_metrics() -> None:
    result = metrics.inbox_metrics(["a", "b"] + [f"n{i}" for i in range(30)], {"a", "b"})
    assert result["inbox_p@20"] == pytest.approx(2 / 20)
    assert result["inbox_ap"] == pytest.approx(1.0)
