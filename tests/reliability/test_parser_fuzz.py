"""Property-based tests: every parser and normaliser, fed random and mutated input, returns a
result or raises the project's own error (ParseError; ValueError where the normaliser's
contract says so), never anything else — so one odd page never crashes a scrape.

Mutations start from the real recorded responses in data/snapshots/: truncated, spliced,
bytes flipped, tags renamed, random bytes inserted.
"""

from __future__ import annotations

import json
import math
import os
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scrapers import normalise as norm
from scrapers.base import ParseResult
from scrapers.encoding import decode_body
from scrapers.fetch import detect_bot_wall, parse_retry_after
from scrapers.jsonl import parse_jsonl, record_from_dict
from scrapers.record import CallRecord, ParseError
from scrapers.registry import get_parser
from scrapers.sources import SourceConfig, load_sources

REPO = Path(__file__).resolve().parents[2]
SNAPSHOTS = REPO / "data" / "snapshots"
TODAY = date(2026, 11, 26)

# A fixed, small run in the suite; FUZZ_EXAMPLES=5000 explores further with fresh random seeds.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "0"))
FUZZ = settings(
    max_examples=EXAMPLES or 60,
    deadline=None,
    derandomize=not EXAMPLES,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@cache
def _sources() -> dict[str, SourceConfig]:
    return {s.name: s for s in load_sources(REPO / "data" / "sources.yaml")}


@cache
def _samples() -> list[tuple[str, str, str, bytes, dict[str, str]]]:
    """(source name, kind, url, body, headers) of every recorded response."""
    out = []
    for manifest in sorted(SNAPSHOTS.glob("*/manifest.json")):
        name = manifest.parent.name
        source = _sources().get(name)
        if source is None:
            continue
        for entry in json.loads(manifest.read_text(encoding="utf-8"))["entries"]:
            body = (manifest.parent / entry["file"]).read_bytes()
            out.append((name, source.kind, entry["url"], body, dict(entry.get("headers") or {})))
    return out


def _options(name: str) -> dict[str, Any]:
    return {**_sources()[name].options, "today": TODAY}


def _check_result(result: ParseResult) -> None:
    """A parser's result: records with the fields a record must have."""
    assert isinstance(result, ParseResult)
    # An item's unexpected exception no longer escapes the parser (the page's other items
    # are kept), but it is still a bug the fuzzing must find.
    assert not result.bugs, [(bug.where, repr(bug.error)) for bug in result.bugs]
    for record in result.records:
        assert isinstance(record, CallRecord)
        assert record.title and record.external_id and record.url


def _run_parser(kind: str, body: bytes, url: str, headers: dict[str, str], name: str) -> None:
    try:
        result = get_parser(kind)(body, url, headers, options=_options(name))
    except ParseError as exc:
        assert str(exc)  # a message the run can record
        return
    _check_result(result)


@st.composite
def mutated(draw: st.DrawFn, data: bytes) -> bytes:
    """`data` with one to four random edits."""
    out = bytearray(data)
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["truncate", "delete", "duplicate", "flip", "insert", "tag"]))
        size = len(out)
        pos = draw(st.integers(0, max(size - 1, 0)))
        if op == "truncate":
            del out[pos:]
        elif op == "delete":
            del out[pos : pos + draw(st.integers(1, 2000))]
        elif op == "duplicate":
            out[pos:pos] = out[pos : pos + draw(st.integers(1, 2000))]
        elif op == "flip":
            for _ in range(draw(st.integers(1, 20))):
                if out:
                    i = draw(st.integers(0, len(out) - 1))
                    out[i] = draw(st.integers(0, 255))
        elif op == "insert":
            out[pos:pos] = draw(
                st.sampled_from(
                    [b"<", b">", b"</div>", b"<![CDATA[", b"&#0;", b"\x00", b"\xff\xfe", b'"', b"{",
                     b"]", b"31.02.2027", b"99.99.9999", b"1e999", b"null", b"<script>", b"\r"]
                )
            )  # fmt: skip
        else:
            for old, new in ((b"<h1", b"<h9"), (b"<item", b"<iten"), (b'"results"', b'"r"')):
                out = out.replace(old, new, 1)
    return bytes(out)


@st.composite
def mutated_snapshot(draw: st.DrawFn) -> tuple[str, str, str, bytes, dict[str, str]]:
    name, kind, url, body, headers = draw(st.sampled_from(_samples()))
    return name, kind, url, draw(mutated(body)), headers


def test_snapshots_are_there() -> None:
    kinds = {kind for _n, kind, *_ in _samples()}
    assert {"foerderdatenbank", "foerderinfo", "eu-ft", "feed", "html-list"} <= kinds


@FUZZ
@given(mutated_snapshot())
def test_parsers_on_mutated_snapshots(sample: tuple[str, str, str, bytes, dict[str, str]]) -> None:
    name, kind, url, body, headers = sample
    _run_parser(kind, body, url, headers, name)


@FUZZ
@given(
    st.sampled_from(sorted({(n, k) for n, k, *_ in _samples()})),
    st.one_of(st.binary(max_size=3000), st.text(max_size=3000).map(str.encode)),
    st.sampled_from(
        [{}, {"Content-Type": "text/html; charset=utf-8"}, {"Content-Type": "application/json"},
         {"Content-Type": "text/xml; charset=bogus-42"}, {"Content-Type": "text/html; charset=utf-16"}]
    ),
)  # fmt: skip
def test_parsers_on_random_bytes(
    source: tuple[str, str], body: bytes, headers: dict[str, str]
) -> None:
    name, kind = source
    _run_parser(kind, body, "https://example.org/liste", headers, name)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)
RECORD_FIELDS = [
    "id", "source", "url", "title", "funder", "summary", "text", "eligible", "region",
    "published", "opens", "deadline", "deadlines", "amount_max_eur", "funding_rate", "topics",
]  # fmt: skip


@FUZZ
@given(
    st.dictionaries(
        st.sampled_from(RECORD_FIELDS) | st.text(max_size=8),
        JSON_VALUES | st.sampled_from(["2027-02-30", "31.12.2027", "-5", "120 %", ""]),
        max_size=10,
    )
)
def test_jsonl_record_validation(obj: dict[str, Any]) -> None:
    try:
        record = record_from_dict(obj)
    except ParseError as exc:
        assert str(exc)
        return
    assert record.title and record.external_id


@FUZZ
@given(st.binary(max_size=2000) | st.text(max_size=2000).map(str.encode))
def test_jsonl_files(body: bytes) -> None:
    try:
        parse_jsonl(body, "x.jsonl")
    except ParseError as exc:
        assert "x.jsonl" in str(exc)


@FUZZ
@given(st.data())
def test_jsonl_mutated_dev_calls(data: st.DataObject) -> None:
    body = (REPO / "data" / "eval" / "dev" / "calls.jsonl").read_bytes()[:20000]
    mutant = data.draw(mutated(body))
    try:
        parse_jsonl(mutant, "calls.jsonl")
    except ParseError as exc:
        assert "calls.jsonl" in str(exc)
        assert "Zeile" in str(exc) or "UTF-8" in str(exc)


# Text that looks like what the normalisers look for, and plain noise.
GERMANISH = st.lists(
    st.sampled_from(
        ["31.12.2027", "1. März 2027", "15.03.", "30. Juni jeden Jahres", "2027-02-30", "bis zum",
         "Frist", "Einreichung", "Projektskizze", "laufend", "ausgeschöpft", "bis zu", "500.000",
         "1,5 Mio.", "EUR", "€", "Euro", "80 %", "Förderquote", "Eigenanteil", "Kommunen",
         "nicht", "Landkreise", "Unternehmen", "KMU", "Verein", "; ", ", ", ".", "\n", "99.99.99",
         "Mrd.", "Tsd.", "%", "1e999", "0,0", "-3", "Dezember", "Dec 1, 2027", "Tue, 01 Dec 2027"]
    ),
    max_size=25,
).map(" ".join)  # fmt: skip
ANY_TEXT = st.one_of(GERMANISH, st.text(max_size=300))


@FUZZ
@given(ANY_TEXT)
def test_text_search_normalisers_never_raise(text: str) -> None:
    norm.find_dates(text, TODAY)
    found = norm.extract_deadlines(text, TODAY)
    norm.derive_status(opens=found.opens, deadline=found.deadline, reference=TODAY)
    norm.max_amount_in_text(text)
    norm.rate_in_text(text)
    assert isinstance(norm.applicants_in_text(text), list)
    norm.normalise_applicants(text)
    norm.normalise_applicant(text)
    norm.normalise_region(text)
    norm.normalise_funding_type(text)
    norm.normalise_status(text)
    norm.split_labels(text)
    norm.clean_label(text)
    parse_retry_after(text)
    detect_bot_wall(text.encode(), {"Content-Type": "text/html"})


@FUZZ
@given(ANY_TEXT)
def test_value_parsers_raise_only_value_error(text: str) -> None:
    for parse in (norm.parse_date, norm.parse_amount, norm.parse_rate):
        try:
            value = parse(text) if parse is not norm.parse_date else parse(text, TODAY)
        except ValueError as exc:
            assert str(exc)
            continue
        if isinstance(value, date):  # parse_date's answer, checked elsewhere
            continue
        if parse is norm.parse_rate and value is not None:
            assert 0 <= value <= 1, value
        if parse is norm.parse_amount and value is not None:
            assert math.isfinite(value) and value >= 0, value


@FUZZ
@given(
    st.binary(max_size=2000),
    st.sampled_from(
        [None, {"Content-Type": "text/html; charset=bogus"}, {"content-type": "text/xml; charset=utf-16"},
         {"Content-Type": "text/html; charset=iso-8859-1"}, {"Content-Type": 'text/html; charset="utf-8'}]
    ),
)  # fmt: skip
def test_decode_body_always_gives_text(body: bytes, headers: dict[str, str] | None) -> None:
    assert isinstance(decode_body(body, headers), str)


@pytest.mark.parametrize("kind", ["foerderdatenbank", "foerderinfo", "eu-ft", "feed", "html-list"])
def test_empty_body_is_a_parse_error_or_nothing(kind: str) -> None:
    name = next(n for n, k, *_ in _samples() if k == kind)
    _run_parser(kind, b"", "https://example.org/", {}, name)


# --- the user's own files: strategy and source list --------------------------------------

STRATEGY_FILE = REPO / "data" / "strategy" / "coesfeld-12-0.yaml"


@FUZZ
@given(st.data())
def test_mutated_strategy_is_loaded_or_refused_with_strategy_error(data: st.DataObject) -> None:
    from matcher.strategy import StrategyError, parse_strategy

    body = data.draw(mutated(STRATEGY_FILE.read_bytes()))
    text = body.decode("utf-8", errors="replace")
    try:
        strategy = parse_strategy(text, "strategie.yaml")
    except StrategyError as exc:
        assert "strategie.yaml" in str(exc)
        return
    assert strategy is not None


@FUZZ
@given(data=st.data())
def test_mutated_sources_yaml_is_loaded_or_refused_with_source_error(
    data: st.DataObject, tmp_path_factory: pytest.TempPathFactory
) -> None:
    from scrapers.sources import SourceConfigError

    body = data.draw(mutated((REPO / "data" / "sources.yaml").read_bytes()))
    path = tmp_path_factory.mktemp("quellen") / "sources.yaml"
    path.write_bytes(body)
    try:
        sources = load_sources(path)
    except SourceConfigError as exc:
        assert "sources.yaml" in str(exc)
        return
    for source in sources:
        assert source.name and source.kind and source.url
