"""The matcher: German TF-IDF over calls, projects and goals, eligibility, ranking, feedback.

`MatchModel.fit(strategy, calls)` analyses the calls and the strategy once; `score(calls)`
scores any calls (the fitted ones or new ones, without refitting) and returns one
`CallMatch` per call. `match_calls(strategy, calls, feedback)` does both in one step;
`fit_and_match` does the same and also returns the model, and `model.for_scoring()` is the
smaller copy of it that an application saves to score calls entered later.

Scores. A project's score for a call is a weighted sum of cosines in the feature spaces
(stems, stem bigrams, character n-grams; weights in `MatchParams`, chosen on the development
set with `python -m matcher.tuning`).
The project vectors are expanded once at fit time with the best-matching eligible calls
(pseudo-relevance feedback), which bridges the different words of funders and strategy.
Officers' decisions add a similarity to the confirmed and dismissed calls and move the
project vectors away from dismissed ones (Rocchio), so a call like a dismissed one goes down
and one like a confirmed one up.

Ranking. Every score is mapped into [0, 1] so that every eligible (or unknown) call ranks
above every ineligible one: eligible 0.1 + 0.9·s, unknown 0.1 + 0.9·u·s, ineligible 0.1·s.
The inbox score of a call is the best priority-weighted project score.
"""

from __future__ import annotations

import copy
import itertools
import logging
import multiprocessing
import os
import re
import sys
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from functools import cached_property, partial

import numpy as np
import scipy.sparse as sp
from scipy.linalg.blas import sgemm as _sgemm

from matcher import analysis
from matcher.eligibility import assess, call_applicants, check_region
from matcher.features import SPACES, FeatureSpace, Vectors, _Segments, flatten, l2_rows, stack_rows
from matcher.reasons import (
    compound_only_glossary_tokens,
    is_reason,
    own_places,
    shows_pair,
    tokens_of_no_reason,
)
from matcher.strategy import Goal, Project, RegionProfile, Strategy
from matcher.types import (
    ELIGIBILITY_FLOOR,
    CallDoc,
    CallMatch,
    DecisionEffect,
    Feedback,
    GoalScore,
    ProjectScore,
    TermContribution,
)

log = logging.getLogger(__name__)

TOP_PROJECTS = 5
TOP_GOALS = 3
TOP_TERMS = 8
CHUNK = 2048
FIT_CHUNK = 8192  # calls per chunk of analysis and counting (a task of an analysis worker)
# Analysis worker processes of a fit with at least PARALLEL_MIN_CALLS calls and more than one
# chunk (1: none). German analysis and eligibility are per-call Python code, which threads
# cannot share out (GIL); at 100,000 calls they are ≈ 20 s of CPU.
ANALYSIS_WORKERS = min(
    len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1), 4
)
PARALLEL_MIN_CALLS = 5_000
ELIGIBILITY_CACHE_MAX = 250_000
STATUS_RANK = {"eligible": 2, "unknown": 1, "ineligible": 0}
STATUS_NAMES = {v: k for k, v in STATUS_RANK.items()}


@dataclass
class MatchParams:
    """Weights of the model; the defaults are the ones chosen on the development set."""

    call_fields: dict[str, float] = field(
        default_factory=lambda: {
            "title": 1.0,
            "summary": 1.0,
            "text": 1.0,
            "programme": 0.5,
            "topics": 1.0,
            "funder": 0.0,
        }
    )
    project_fields: dict[str, float] = field(
        default_factory=lambda: {
            "title": 3.0,
            "summary": 1.0,
            "keywords": 3.0,
            "goals": 0.5,
            "theme": 1.0,
        }
    )
    space_weights: dict[str, float] = field(
        default_factory=lambda: {"word": 0.3, "bigram": 0.0, "char": 0.8}
    )
    char_ngrams: tuple[int, int] = (4, 5)
    char_min_len: int = 0  # words shorter than this get no character n-grams
    # keep only the strongest features of each project vector (0: all); sparse project
    # vectors keep scoring fast with thousands of projects
    max_project_features: dict[str, int] = field(
        default_factory=lambda: {"word": 1000, "bigram": 1000, "char": 1000}
    )
    # keep only the strongest features of each call vector, after normalising (0: all);
    # the weak n-grams of long texts cost time and memory and add little
    max_call_features: dict[str, int] = field(default_factory=lambda: {"char": 0})
    # features in more than this share of the fitted documents are left out of the call
    # vectors after normalising (1.0: none): their norms stay those of the full vectors, so
    # the remaining terms of a cosine keep their values, and the commonest character n-grams
    # ("ung ", " ver") no longer cost a multiply per project in every call
    max_df: dict[str, float] = field(default_factory=lambda: {"word": 1.0, "char": 1.0})
    # spaces whose scores choose the calls of pseudo-relevance feedback
    prf_spaces: tuple[str, ...] = ("word", "bigram", "char")
    goal_weight: float = 0.0  # share of the best goal cosine added to a project's score
    prf_k: int = 5  # pseudo-relevance feedback: expand each project with its k best calls
    prf_beta: float = 0.7
    unknown_factor: float = 0.8  # unknown applicants: kept, but behind eligible
    region_unknown_factor: float = 0.3  # a region that may or may not include the county
    # a verdict that holds only through a project's partners ("antragsberechtigt über
    # Unternehmen (Projektpartner)"): the county and towns cannot apply themselves, so such a
    # call ranks behind one of the same topical fit that they can (times the factors above)
    partner_factor: float = 0.6
    priority_weights: tuple[float, float, float] = (1.0, 0.9, 0.8)  # theme priority 1, 2, 3
    # relevance feedback
    rocchio_pos: float = 0.0
    rocchio_neg: float = 0.2
    knn_pos: float = 0.3
    knn_neg: float = 0.15
    # weight of "same programme" in the similarity to confirmed calls, for programme names at
    # least this similar: lower similarities are calls under one umbrella programme (BULE+,
    # Horizon Europe), which are labelled differently
    programme_similarity: float = 1.0
    programme_min_similarity: float = 0.9
    # a programme name held by more than this many fitted calls is an umbrella (a source that
    # labels every call "Horizon Europe" or "BULE+"), not the mark of one call announced by
    # two sources: it gives no "same programme" similarity (0: no limit)
    programme_max_calls: int = 3
    # redo pseudo-relevance feedback with the decisions (dismissed out, confirmed in)
    prf_with_decisions: bool = False


# ---------------------------------------------------------------------------- documents


def call_language(call: CallDoc) -> str:
    """The call's language: as given, else detected from its text."""
    if call.language in ("de", "en"):
        return call.language
    return analysis.detect_language(" ".join([call.title, call.summary, call.text[:2000]]))


def call_text_plain(call: CallDoc) -> str:
    """All text of a call in one string (for the BM25 baseline and language detection)."""
    return " ".join([call.title, call.summary, call.text, call.programme, " ".join(call.topics)])


def project_text_plain(strategy: Strategy, project: Project) -> str:
    """All text of a project in one string: title, summary, keywords, goal texts, theme."""
    goals = " ".join(strategy.goal(g).text for g in project.goal_ids)
    theme = strategy.theme(project.theme_id).name
    return " ".join([project.title, project.summary, " ".join(project.keywords), goals, theme])


def call_document(call: CallDoc, lang: str) -> dict[str, list[str]]:
    """The analysed fields of a call."""

    def tok(text: str) -> list[str]:
        return analysis.content_tokens(text, lang)

    return {
        "title": tok(call.title),
        "summary": tok(call.summary),
        "text": tok(call.text),
        "programme": tok(call.programme),
        "topics": tok(" ".join(call.topics)),
        "funder": tok(call.funder),
    }


def project_document(strategy: Strategy, project: Project) -> dict[str, list[str]]:
    """The analysed fields of a project: title, summary, keywords, goal texts, theme."""
    theme = strategy.theme(project.theme_id)
    goals = " ".join(strategy.goal(g).text for g in project.goal_ids)
    tok = analysis.content_tokens
    return {
        "title": tok(project.title),
        "summary": tok(project.summary),
        "keywords": tok(" ".join(project.keywords)),
        "goals": tok(goals),
        "theme": tok(" ".join([theme.name, theme.description])),
    }


def goal_document(strategy: Strategy, goal: Goal) -> dict[str, list[str]]:
    """A goal on its own: its text and its theme's name (so goals without projects match)."""
    theme = strategy.theme(goal.theme_id)
    return {
        "title": [],
        "summary": [],
        "keywords": [],
        "goals": analysis.content_tokens(goal.text),
        "theme": analysis.content_tokens(theme.name),
    }


@dataclass(frozen=True)
class _EligibilityJob:
    """What assessing a call's eligibility needs besides the call (sent to analysis workers)."""

    profile: RegionProfile
    groups: tuple[tuple[str, ...], ...]  # distinct applicant types of the projects
    unknown_factor: float
    region_unknown_factor: float
    partner_factor: float


def _eligibility_key(call: CallDoc) -> tuple[object, ...]:
    return (call.id, call.title, call.summary, call.text, call.region, tuple(call.eligible))


def _eligibility_codes(call: CallDoc, job: _EligibilityJob) -> tuple[np.ndarray, np.ndarray]:
    """Status codes (2 eligible, 1 unknown, 0 ineligible) and ranking factors per group."""
    who = call_applicants(call)
    region = check_region(call, job.profile)
    # an unknown region (a LEADER region, a "Revier" …) is a weaker sign than unknown
    # applicants, so it has its own factor
    unknown = job.region_unknown_factor if region.status == "unknown" else job.unknown_factor
    codes = np.empty(len(job.groups), dtype=np.int8)
    factors = np.empty(len(job.groups))
    for g, types in enumerate(job.groups):
        elig = assess(call, job.profile, types, who, region, explain=False)
        code = STATUS_RANK[elig.status]
        codes[g] = code
        factors[g] = 1.0 if code == 2 else unknown
        if elig.partners:  # only a project partner may apply, not the county or a town
            factors[g] *= job.partner_factor
    return codes, factors


@dataclass
class _Analysed:
    """A chunk of calls analysed: flattened content tokens and, if asked, eligibility."""

    segments: _Segments
    codes: np.ndarray | None = None  # calls × applicant groups
    factors: np.ndarray | None = None


# Analysis workers are forked (Linux): they read the calls of the running analysis from here.
_FORK = (
    multiprocessing.get_context("fork")
    if sys.platform == "linux" and "fork" in multiprocessing.get_all_start_methods()
    else None
)
_FORK_LOCK = threading.Lock()
_FORK_CALLS: Sequence[CallDoc] = ()


def _analyse_slice(bounds: tuple[int, int], eligibility: _EligibilityJob | None) -> _Analysed:
    """`_analyse_calls` of the calls lo:hi of the running analysis (in a forked worker)."""
    lo, hi = bounds
    return _analyse_calls(_FORK_CALLS[lo:hi], eligibility)


def _all_tokens(analysed: Sequence[_Analysed], more: Iterable[str]) -> Iterator[str]:
    """The tokens of analysed chunks of calls (each chunk's distinct ones) and `more`."""
    return itertools.chain(itertools.chain.from_iterable(a.segments.tokens for a in analysed), more)


def _stacked_eligibility(
    analysed: Sequence[_Analysed],
) -> tuple[np.ndarray, np.ndarray] | None:
    """Codes and factors of all analysed chunks, or None unless every chunk has them."""
    if not analysed or any(a.codes is None or a.factors is None for a in analysed):
        return None
    return (
        np.vstack([a.codes for a in analysed]),  # type: ignore[misc]
        np.vstack([a.factors for a in analysed]),  # type: ignore[misc]
    )


def _analyse_calls(
    calls: Sequence[CallDoc], eligibility: _EligibilityJob | None = None
) -> _Analysed:
    """Language, content tokens and (with a job) eligibility of a chunk of calls.

    Module-level and free of model state, so that analysis worker processes can run it.
    """
    docs = [call_document(c, call_language(c)) for c in calls]
    out = _Analysed(flatten(docs))
    if eligibility is not None:
        n_groups = len(eligibility.groups)
        out.codes = np.empty((len(calls), n_groups), dtype=np.int8)
        out.factors = np.empty((len(calls), n_groups))
        for i, call in enumerate(calls):
            out.codes[i], out.factors[i] = _eligibility_codes(call, eligibility)
    return out


# ---------------------------------------------------------------------------- the model


@dataclass
class ScoredBatch:
    """Scores of a batch of calls against all projects (dense; batches are small)."""

    topic: np.ndarray  # calls × projects, combined cosine (after feedback)
    final: np.ndarray  # calls × projects, eligibility-adjusted ranking score in [0, 1]
    goals: np.ndarray  # calls × goals
    codes: np.ndarray  # calls × applicant groups: 2 eligible, 1 unknown, 0 ineligible
    factors: np.ndarray  # calls × applicant groups: ranking factor of the status
    group_of: np.ndarray  # project -> applicant group
    slope: np.ndarray  # calls × applicant groups: final = floor + slope · topic
    floor: np.ndarray
    prio: np.ndarray  # project -> priority weight of its theme

    def status(self, i: int, j: int) -> str:
        """Eligibility status of call i for project j."""
        return STATUS_NAMES[int(self.codes[i, self.group_of[j]])]

    @cached_property
    def inbox(self) -> np.ndarray:
        """Best priority-weighted project score per call.

        Computed when first read (from `final` as it is then): the pseudo-relevance pass and
        top-k lists by project do not need it, and it costs several passes over the batch.
        """
        if not self.prio.size:
            return np.zeros(self.final.shape[0], dtype=np.float32)
        if self.slope.shape[1] == 1:
            # best floor + (final - floor) · priority = floor + slope · max(topic · priority)
            return self.floor[:, 0] + self.slope[:, 0] * (self.topic * self.prio).max(axis=1)
        return _inbox(self.final, self.prio)


@dataclass
class MatchModel:
    """A fitted matcher for one strategy; pickles with joblib."""

    params: MatchParams = field(default_factory=MatchParams)
    strategy: Strategy | None = None
    features: FeatureSpace = field(default_factory=FeatureSpace)
    project_vectors: Vectors | None = None  # after pseudo-relevance feedback
    goal_vectors: Vectors | None = None
    call_ids: list[str] = field(default_factory=list)
    call_vectors: Vectors | None = None  # the fitted calls, for feedback by call id
    _feedback: dict[str, tuple[list[int], list[int]]] = field(default_factory=dict)
    _feedback_vectors: Vectors | None = None
    _feedback_projects: Vectors | None = None
    _feedback_programmes: sp.csr_matrix | None = None
    _feedback_call_ids: list[str] = field(default_factory=list)  # rows of _feedback_vectors
    base_project_vectors: Vectors | None = None  # before pseudo-relevance feedback
    _call_codes: np.ndarray = field(default_factory=lambda: np.zeros((0, 1), np.int8))
    _call_factors: np.ndarray = field(default_factory=lambda: np.zeros((0, 1)))
    call_programmes: list[str] = field(default_factory=list)
    # fitted calls per programme name (analysed stems), for the names held by two or more
    programme_counts: dict[str, int] = field(default_factory=dict)
    _feedback_programme_keys: list[str] = field(default_factory=list)
    _eligibility_cache: dict[tuple[object, ...], tuple[object, np.ndarray, np.ndarray]] = field(
        default_factory=dict, repr=False
    )
    _side_cache: dict[tuple[str, int], _Side] = field(default_factory=dict, repr=False)

    # -- fitting

    def fit(self, strategy: Strategy, calls: Sequence[CallDoc]) -> MatchModel:
        """Learn vocabulary and IDF from the calls and the strategy; build project vectors."""
        self.strategy = strategy
        p = self.params
        groups = _applicant_groups(strategy.projects)
        use_prf = p.prf_k > 0 and p.prf_beta > 0 and bool(calls)
        project_docs = [project_document(strategy, pr) for pr in strategy.projects]
        goal_docs = [goal_document(strategy, g) for g in strategy.goals]
        strategy_tokens = [
            tok for doc in project_docs + goal_docs for t in doc.values() for tok in t
        ]
        # one vocabulary and IDF for calls and strategy; calls are analysed and counted in
        # chunks (analysed in worker processes for large inputs) and stored as float32, so
        # memory stays bounded for large collections
        fs = FeatureSpace(ngram_range=p.char_ngrams, char_min_len=p.char_min_len)
        analysed = self._analyse(calls, groups if use_prf else None, fs, strategy_tokens)
        assessed = _stacked_eligibility(analysed)
        call_segs = [fs.with_stems(a.segments) for a in analysed]
        del analysed  # only call_segs holds the segments now, until they are counted
        project_seg, goal_seg = fs.segments(project_docs), fs.segments(goal_docs)
        if p.space_weights.get("bigram", 0.0) > 0:  # weight 0: the space stays empty
            fs.fit_bigrams([*call_segs, project_seg, goal_seg])
        call_weights = _field_weights(p.call_fields)
        # chunks in two threads: scipy's sparse products release the GIL
        call_counts = list(
            _threads().map(lambda seg: _as_float32(fs.counts_of(seg, call_weights)), call_segs)
        )
        project_counts = fs.counts_of(project_seg, _field_weights(p.project_fields))
        goal_counts = fs.counts_of(goal_seg, _field_weights(p.project_fields))
        del call_segs  # the analysed texts are counted now
        fs.fit_idf([*call_counts, project_counts, goal_counts])
        self.features = fs
        self.project_vectors = fs.weight(project_counts)
        self.project_vectors = Vectors(
            {k: self._prune(v, k) for k, v in self.project_vectors.spaces.items()}
        )
        self.base_project_vectors = self.project_vectors
        self.goal_vectors = fs.weight(goal_counts)
        self.call_ids = [c.id for c in calls]
        self.call_programmes = [c.programme for c in calls]
        self.programme_counts = _shared_programmes(self.call_programmes)
        self._counts_to_vectors(call_counts)
        if call_counts:
            # pop the chunks, so stack_rows can release each one once copied
            self.call_vectors = Vectors(
                {k: stack_rows([c.pop(k) for c in call_counts]) for k in SPACES}
            )
        else:
            self.call_vectors = fs.transform([], call_weights)
        del call_counts
        self._side_cache = {}
        self._eligibility_cache = {}
        self._feedback = {}
        self._feedback_vectors = None
        self._feedback_projects = None
        self._feedback_programmes = None
        self._feedback_call_ids = []
        if use_prf:
            self._call_codes, self._call_factors = self._fitted_eligibility(calls, groups, assessed)
            self.project_vectors = self._pseudo_relevance()
        return self

    def _counts_to_vectors(self, counts: list[dict[str, sp.csr_matrix]]) -> None:
        """Replace each chunk of counts by its (pruned) vectors, in place, in two threads.

        In place, so each chunk's counts are released as soon as its vectors exist.
        """

        def one(i: int) -> None:
            counts[i] = self._prune_calls(self.features.weight(counts[i])).spaces

        list(_threads().map(one, range(len(counts))))

    def _analyse(
        self,
        calls: Sequence[CallDoc],
        groups: Sequence[tuple[str, ...]] | None,
        fs: FeatureSpace,
        strategy_tokens: Sequence[str],
    ) -> list[_Analysed]:
        """The calls analysed in chunks of FIT_CHUNK, and the vocabulary of `fs` fitted.

        Large inputs are analysed in worker processes, which also assess eligibility for
        the applicant `groups` (when given; as much per-call Python work as the analysis)
        and read the n-grams of the vocabulary. Small inputs (tests, the web app, the
        development sets) stay in this process, where starting workers would cost more than
        it saves. Both ways give the same result.
        """
        global _FORK_CALLS
        bounds = [(i, min(i + FIT_CHUNK, len(calls))) for i in range(0, len(calls), FIT_CHUNK)]
        workers = min(ANALYSIS_WORKERS, len(bounds))
        if (
            workers > 1
            and len(calls) >= PARALLEL_MIN_CALLS
            and _FORK is not None
            and _FORK_LOCK.acquire(blocking=False)  # one parallel analysis at a time
        ):
            assert self.strategy is not None
            job = None
            if groups is not None:
                p = self.params
                job = _EligibilityJob(
                    self.strategy.region_profile,
                    tuple(groups),
                    p.unknown_factor,
                    p.region_unknown_factor,
                    p.partner_factor,
                )
            try:
                # forked workers read the calls from the parent's memory (no pickling of the
                # texts, no re-import of the main module); only their results are sent back
                _FORK_CALLS = calls
                with ProcessPoolExecutor(workers, mp_context=_FORK) as pool:
                    analysed = list(pool.map(partial(_analyse_slice, eligibility=job), bounds))
                    fs.fit_vocabulary_tokens(_all_tokens(analysed, strategy_tokens), pool.map)
                    return analysed
            except (OSError, BrokenProcessPool) as exc:
                log.warning("analysis workers failed (%s); analysing in one process", exc)
            finally:
                _FORK_CALLS = ()
                _FORK_LOCK.release()
        analysed = [_analyse_calls(calls[lo:hi]) for lo, hi in bounds]
        fs.fit_vocabulary_tokens(_all_tokens(analysed, strategy_tokens))
        return analysed

    def _fitted_eligibility(
        self,
        calls: Sequence[CallDoc],
        groups: Sequence[tuple[str, ...]],
        assessed: tuple[np.ndarray, np.ndarray] | None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Eligibility codes and factors of the fitted calls (calls × applicant groups).

        Taken from the analysis workers when they `assessed` it, and then put into the
        eligibility cache, so scoring the fitted calls does not assess them again.
        """
        if assessed is not None:
            codes, factors = assessed
            key_groups = tuple(groups)
            for i, call in enumerate(calls[:ELIGIBILITY_CACHE_MAX]):
                self._eligibility_cache[_eligibility_key(call)] = (
                    key_groups,
                    codes[i],
                    factors[i],
                )
            return codes, factors
        codes = np.empty((len(calls), len(groups)), dtype=np.int8)
        factors = np.empty((len(calls), len(groups)))
        for i, call in enumerate(calls):
            codes[i], factors[i] = self._eligibility_row(call, groups)
        return codes, factors

    def _pseudo_relevance(
        self,
        confirmed: dict[int, list[int]] | None = None,
        dismissed: dict[int, list[int]] | None = None,
    ) -> Vectors:
        """Move each project towards its k best eligible calls (Rocchio without labels).

        The fitted calls are scored in chunks and only a running top-k per project is kept;
        their eligibility (`_call_codes`, `_call_factors`) is assessed before, in `fit`.
        With officers' decisions (project index -> fitted call rows), dismissed calls are left
        out of a project's set and confirmed ones are added to it.
        """
        assert self.call_vectors is not None and self.base_project_vectors is not None
        n_calls = self.call_vectors.n
        k = min(self.params.prf_k, n_calls)
        base = self.base_project_vectors
        n_projects = base.n
        best = np.full((n_projects, k), -np.inf, dtype=np.float32)  # projects × k
        best_idx = np.zeros((n_projects, k), dtype=np.int64)
        for start in range(0, n_calls, CHUNK):
            stop = min(start + CHUNK, n_calls)
            vectors = self.call_vectors.rows(np.arange(start, stop))
            batch = self._score_vectors(
                vectors,
                [],
                use_feedback=False,
                spaces=self.params.prf_spaces,
                eligibility=(self._call_codes[start:stop], self._call_factors[start:stop]),
                project_vectors=base,
            )
            final = batch.final
            for j, rows in (dismissed or {}).items():
                local = [r - start for r in rows if start <= r < stop]
                final[local, j] = -np.inf
            best, best_idx = _merge_top(best, best_idx, final, start)
        rows_, cols_, vals_ = [], [], []
        for j in range(n_projects):
            chosen = set(best_idx[j][np.isfinite(best[j])].tolist())
            chosen |= set((confirmed or {}).get(j, []))
            for r in chosen:
                rows_.append(j)
                cols_.append(r)
                vals_.append(1.0 / len(chosen))
        # float32 like the call vectors: a float64 `pick` would make scipy copy all of them
        # to float64 for the product
        pick = sp.csr_matrix(
            (np.asarray(vals_, dtype=np.float32), (rows_, cols_)), shape=(n_projects, n_calls)
        )
        expanded = {}
        for space in SPACES:
            # mean of the chosen calls per project as one sparse product: projects × calls
            centroid = pick @ self.call_vectors.spaces[space]
            expanded[space] = self._prune(
                base.spaces[space] + self.params.prf_beta * centroid, space
            )
        return Vectors(expanded)

    # -- vectors

    def transform(self, calls: Sequence[CallDoc]) -> Vectors:
        """TF-IDF vectors of any calls with the fitted vocabulary (no refit)."""
        docs = [call_document(c, call_language(c)) for c in calls]
        return self._prune_calls(
            self.features.transform(docs, _field_weights(self.params.call_fields))
        )

    def _programme_vectors(self, programmes: Sequence[list[str]]) -> sp.csr_matrix:
        """Stem vectors of programme names alone: calls of one programme from two sources."""
        docs = [{"programme": tokens} for tokens in programmes]
        return self.features.transform(docs, {"programme": 1.0}).spaces["word"]

    def _umbrellas(self, keys: Sequence[str]) -> np.ndarray:
        """Which programme names are umbrellas: held by more than `programme_max_calls`
        fitted calls, so the same name says nothing about the same call."""
        limit = self.params.programme_max_calls
        if limit <= 0:
            return np.zeros(len(keys), dtype=bool)
        return np.array([self.programme_counts.get(k, 0) > limit for k in keys], dtype=bool)

    def _prune_calls(self, vectors: Vectors) -> Vectors:
        vectors = self._drop_common(vectors)
        limits = self.params.max_call_features
        if not any(limits.values()):
            return vectors
        return Vectors(
            {
                k: _top_per_row(m, limits[k]) if limits.get(k) else m
                for k, m in vectors.spaces.items()
            }
        )

    def _drop_common(self, vectors: Vectors) -> Vectors:
        """Call vectors without the features above `max_df` (after l2: norms unchanged)."""
        out = dict(vectors.spaces)
        for space, limit in self.params.max_df.items():
            if limit >= 1.0 or space not in out or space not in self.features.idf:
                continue
            idf = self.features.idf[space]
            n = self.features.n_docs
            # idf = log((1 + n) / (1 + df)) + 1, so df > limit·n  <=>  idf below this
            floor = np.log((1.0 + n) / (1.0 + limit * n)) + 1.0
            m = out[space]
            keep = idf[m.indices] >= floor
            if keep.all():
                continue
            indptr = np.concatenate([[0], np.cumsum(keep)])[m.indptr]
            out[space] = sp.csr_matrix((m.data[keep], m.indices[keep], indptr), shape=m.shape)
        return Vectors(out)

    # -- feedback

    def set_feedback(
        self, feedback: Iterable[Feedback], calls: Sequence[CallDoc] = ()
    ) -> MatchModel:
        """Use the officers' decisions in every later score (replaces earlier feedback).

        The decided calls are looked up among the fitted calls and `calls`; decisions on
        calls the model does not know are ignored.
        """
        if self.call_vectors is None:
            raise ValueError(
                "this model was saved for scoring only (for_scoring): it has no fitted calls "
                "to take decisions from; fit a new model to change the feedback"
            )
        assert self.strategy is not None
        known = {cid: i for i, cid in enumerate(self.call_ids)}
        given = {c.id: c for c in calls}
        project_index = {pr.id: j for j, pr in enumerate(self.strategy.projects)}
        per_project: dict[str, tuple[list[int], list[int]]] = {}
        used: dict[str, int] = {}  # call id -> row in the feedback matrices
        for fb in feedback:
            if fb.project_id not in project_index or not fb.about_topic:
                continue
            if fb.call_id not in given and fb.call_id not in known:
                continue
            row = used.setdefault(fb.call_id, len(used))
            pos, neg = per_project.setdefault(fb.project_id, ([], []))
            (pos if fb.relevant else neg).append(row)
        self._feedback = per_project
        self._side_cache = {}
        order = sorted(used, key=used.__getitem__)
        self._feedback_call_ids = order
        if not used:
            self._feedback_vectors = None
            self._feedback_projects = None
            self._feedback_programmes = None
            self._feedback_programme_keys = []
            return self
        # vectors of the decided calls only: fitted rows, else transformed now
        fresh = [given[c] for c in order if c not in known]
        fresh_vectors = self.transform(fresh) if fresh else None
        fresh_row = {c.id: i for i, c in enumerate(fresh)}
        parts = []
        for cid in order:
            if cid in known:
                parts.append(self.call_vectors.rows([known[cid]]))
            else:
                assert fresh_vectors is not None
                parts.append(fresh_vectors.rows([fresh_row[cid]]))
        self._feedback_vectors = Vectors.vstack(parts)
        programmes = [
            given[c].programme if c in given else self.call_programmes[known[c]] for c in order
        ]
        tokens = _programme_tokens(programmes)
        self._feedback_programmes = self._programme_vectors(tokens)
        self._feedback_programme_keys = [_programme_key(t) for t in tokens]
        self._feedback_projects = self._rocchio(self._feedback_prf(known, order))
        return self

    def _feedback_prf(self, known: dict[str, int], order: list[str]) -> Vectors:
        """Pseudo-relevance feedback again, without dismissed and with confirmed calls."""
        assert self.project_vectors is not None
        p = self.params
        if not (p.prf_k > 0 and p.prf_beta > 0 and p.prf_with_decisions and self.call_ids):
            return self.project_vectors
        assert self.strategy is not None
        confirmed: dict[int, list[int]] = {}
        dismissed: dict[int, list[int]] = {}
        for j, pr in enumerate(self.strategy.projects):
            pos, neg = self._feedback.get(pr.id, ([], []))
            confirmed[j] = [known[order[r]] for r in pos if order[r] in known]
            dismissed[j] = [known[order[r]] for r in neg if order[r] in known]
        return self._pseudo_relevance(confirmed, dismissed)

    def _decided_similarities(
        self, vectors: Vectors, calls: Sequence[CallDoc]
    ) -> tuple[np.ndarray, np.ndarray] | None:
        """Similarity of each call to each decided call, and the same for confirming.

        Calls × decided calls, cosines in [0, 1]. For confirmed calls the same programme
        announced by another source counts as the closest kind of call, unless the name is an
        umbrella held by many fitted calls (`programme_max_calls`); not for dismissed ones
        (one programme can hold calls for different applicants, so a dismissal does not
        carry over). None without decisions.
        """
        if self._feedback_vectors is None:
            return None
        p = self.params
        scale_all = max(sum(p.space_weights.values()), 1e-9)
        sims = self._combined(vectors, self._feedback_vectors) / scale_all
        pos_sims = sims
        if self._feedback_programmes is not None and p.programme_similarity and calls:
            tokens = _programme_tokens([c.programme for c in calls])
            mine = self._programme_vectors(tokens)
            same = (mine @ self._feedback_programmes.T).toarray()
            same[same < p.programme_min_similarity] = 0.0
            # an umbrella name on either side is no sign of the same call
            same[self._umbrellas([_programme_key(t) for t in tokens]), :] = 0.0
            same[:, self._umbrellas(self._feedback_programme_keys)] = 0.0
            pos_sims = np.maximum(sims, p.programme_similarity * same)
        return sims, pos_sims

    def _rocchio(self, start: Vectors) -> Vectors:
        """Project vectors moved towards confirmed and away from dismissed calls."""
        assert self.strategy is not None
        fbv = self._feedback_vectors
        assert fbv is not None
        p = self.params
        out = {}
        for space in SPACES:
            proj = start.spaces[space]
            rows = []
            for j, pr in enumerate(self.strategy.projects):
                row = proj[j]
                pos, neg = self._feedback.get(pr.id, ([], []))
                if pos:
                    row = row + p.rocchio_pos * sp.csr_matrix(fbv.spaces[space][pos].mean(axis=0))
                if neg:
                    row = row - p.rocchio_neg * sp.csr_matrix(fbv.spaces[space][neg].mean(axis=0))
                    row.data = np.maximum(row.data, 0.0)
                    row.eliminate_zeros()
                rows.append(sp.csr_matrix(row))
            out[space] = self._prune(sp.vstack(rows).tocsr(), space)
        return Vectors(out)

    def _prune(self, m: sp.csr_matrix, space: str) -> sp.csr_matrix:
        """Keep the strongest `max_project_features` entries of each row, then l2-normalise."""
        k = self.params.max_project_features.get(space, 0)
        m = sp.csr_matrix(m)
        if k > 0:
            m = _top_per_row(m, k)
        return _l2(m)

    # -- scoring

    def _combined(self, a: Vectors, b: Vectors, spaces: Sequence[str] = SPACES) -> np.ndarray:
        """Σ_space weight · cosine, as a dense |a| × |b| array."""
        w = self.params.space_weights
        total = np.zeros((a.n, b.n), dtype=np.float32)
        transposed = _transposed(b, self.features)
        scratch: np.ndarray | None = None
        # blocks of rows: the temporaries of the sparse and dense products stay small
        for start in range(0, a.n, PRODUCT_BLOCK):
            rows = slice(start, min(start + PRODUCT_BLOCK, a.n))
            first = True
            for space in spaces:
                if w.get(space, 0.0):
                    m = a.spaces[space]
                    block = m[rows] if a.n > PRODUCT_BLOCK else m
                    weight = np.float32(w[space])
                    if first:  # the first space is written straight into the total
                        _product_into(total[rows], block, transposed[space], weight)
                        first = False
                        continue
                    if scratch is None:
                        scratch = np.empty((min(PRODUCT_BLOCK, a.n), b.n), dtype=np.float32)
                    part = scratch[: block.shape[0]]
                    total[rows] += _product_into(part, block, transposed[space], weight)
        return total

    def _score_vectors(
        self,
        vectors: Vectors,
        calls: Sequence[CallDoc],
        use_feedback: bool = True,
        with_goals: bool = False,
        spaces: Sequence[str] = SPACES,
        eligibility: tuple[np.ndarray, np.ndarray] | None = None,
        project_vectors: Vectors | None = None,
    ) -> ScoredBatch:
        assert self.strategy is not None and self.project_vectors is not None
        assert self.goal_vectors is not None
        p = self.params
        strategy = self.strategy
        projects = strategy.projects
        feedback_on = use_feedback and self._feedback_projects is not None
        proj_vectors = self._feedback_projects if feedback_on else self.project_vectors
        if project_vectors is not None:
            proj_vectors = project_vectors
        assert proj_vectors is not None
        topic = self._combined(vectors, proj_vectors, spaces)
        # goal scores only where they are shown or part of the project score
        need_goals = with_goals or p.goal_weight > 0
        goals = (
            self._combined(vectors, self.goal_vectors) if need_goals else np.zeros((vectors.n, 0))
        )
        if p.goal_weight and goals.size and need_goals:
            goal_index = {g.id: i for i, g in enumerate(strategy.goals)}
            for j, pr in enumerate(projects):
                idx = [goal_index[g] for g in pr.goal_ids if g in goal_index]
                if idx:
                    topic[:, j] += p.goal_weight * goals[:, idx].max(axis=1)
        similar = self._decided_similarities(vectors, calls) if feedback_on else None
        if similar is not None:
            sims, pos_sims = similar
            scale_all = max(sum(p.space_weights.values()), 1e-9)
            for j, pr in enumerate(projects):
                pos, neg = self._feedback.get(pr.id, ([], []))
                if pos:
                    topic[:, j] += p.knn_pos * scale_all * pos_sims[:, pos].max(axis=1)
                if neg:
                    topic[:, j] -= p.knn_neg * scale_all * sims[:, neg].max(axis=1)
        # float32 and in place: these are calls × projects arrays
        topic = np.asarray(topic, dtype=np.float32)
        scale = max(sum(p.space_weights.values()) + p.goal_weight, 1e-9)
        topic *= np.float32(1.0 / scale)
        s = np.clip(topic, 0.0, 1.0, out=topic)  # one pass: the scale is positive
        # eligibility per call and per distinct set of project applicant types (few groups),
        # then spread to the projects with numpy: no Python loop over calls × projects
        groups = _applicant_groups(projects)
        group_of = np.array(
            [groups.index(tuple(pr.applicant_types)) for pr in projects], dtype=np.int64
        )
        if eligibility is not None:
            codes, factors = eligibility
        else:
            codes = np.empty((len(calls), len(groups)), dtype=np.int8)
            factors = np.empty((len(calls), len(groups)))
            for i, call in enumerate(calls):
                codes[i], factors[i] = self._eligibility_row(call, groups)
        # final = floor + slope · s: ineligible 0 + 0.1·s, else 0.1 + 0.9·factor·s
        slope = np.where(codes == 0, ELIGIBILITY_FLOOR, (1.0 - ELIGIBILITY_FLOOR) * factors).astype(
            np.float32
        )
        floor = np.where(codes == 0, 0.0, ELIGIBILITY_FLOOR).astype(np.float32)
        prio = np.array(
            [
                p.priority_weights[min(strategy.theme(pr.theme_id).priority, 3) - 1]
                for pr in projects
            ],
            dtype=np.float32,
        )
        if len(groups) == 1:
            final = s * slope  # broadcast over the projects
            final += floor
        else:
            # np.take gives C order; slope[:, group_of] would be Fortran-ordered, and an
            # operation mixing the two orders runs ten times slower on these arrays
            final = np.take(slope, group_of, axis=1)
            final *= s
            final += np.take(floor, group_of, axis=1)
        return ScoredBatch(
            topic=s,
            final=final,
            goals=goals,
            codes=codes,
            factors=factors,
            group_of=group_of,
            slope=slope,
            floor=floor,
            prio=prio,
        )

    def _eligibility_row(
        self, call: CallDoc, groups: Sequence[tuple[str, ...]]
    ) -> tuple[np.ndarray, np.ndarray]:
        """Status codes and ranking factors of one call for each group of applicant types.

        Cached by call content: fitting, top-k and scoring read the same calls again.
        """
        assert self.strategy is not None
        key = _eligibility_key(call)
        hit = self._eligibility_cache.get(key)
        if hit is not None and hit[0] == tuple(groups):
            return hit[1], hit[2]
        p = self.params
        codes, factors = _eligibility_codes(
            call,
            _EligibilityJob(
                self.strategy.region_profile,
                tuple(groups),
                p.unknown_factor,
                p.region_unknown_factor,
                p.partner_factor,
            ),
        )
        if len(self._eligibility_cache) > ELIGIBILITY_CACHE_MAX:
            self._eligibility_cache.clear()
        self._eligibility_cache[key] = (tuple(groups), codes, factors)
        return codes, factors

    def _explain_side(self, kind: str, index: int) -> _Side:
        """The readable side of project or goal `index` (cached until the vectors change)."""
        assert self.strategy is not None
        key = (kind, index)
        hit = self._side_cache.get(key)
        if hit is None:
            if kind == "project":
                vectors = self._feedback_projects or self.project_vectors
                text = _project_text(self.strategy, self.strategy.projects[index])
            else:
                vectors = self.goal_vectors
                text = self.strategy.goals[index].text
            assert vectors is not None
            hit = _side(self, text, vectors, index)
            self._side_cache[key] = hit
        return hit

    def for_scoring(self) -> MatchModel:
        """A smaller copy that scores and explains calls exactly like this model (to save it).

        Scoring needs the vocabulary and IDF and the project, goal and feedback vectors. The
        fitted calls' vectors (by far the largest part, about 11 kB per call) and their
        eligibility serve only pseudo-relevance and officers' feedback, which are already in
        the project and feedback vectors; the copy leaves them out and refuses
        `set_feedback`. The per-token feature cache is left out too (rebuilt on demand).
        """
        slim = copy.copy(self)  # shallow: the arrays are shared, never changed in place
        slim.features = copy.copy(self.features)
        slim.features._token_features = {}
        slim.call_vectors = None
        slim.base_project_vectors = None
        slim.call_ids = []
        slim.call_programmes = []
        slim._call_codes = np.zeros((0, 1), np.int8)
        slim._call_factors = np.zeros((0, 1))
        return slim

    def __getstate__(self) -> dict[str, object]:
        # caches are rebuilt on demand; they do not belong in a saved model
        state = dict(self.__dict__)
        state["_eligibility_cache"] = {}
        state["_side_cache"] = {}
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        # models saved before umbrella programmes were known: no name counts as one
        state.setdefault("programme_counts", {})
        decided = state.get("_feedback_call_ids") or []
        assert isinstance(decided, list)
        state.setdefault("_feedback_programme_keys", [""] * len(decided))
        self.__dict__.update(state)

    def score_batch(self, calls: Sequence[CallDoc], use_feedback: bool = True) -> ScoredBatch:
        """Dense scores of `calls` against all projects and goals (for evaluation)."""
        return self._score_vectors(self.transform(calls), calls, use_feedback, with_goals=True)

    def score(
        self,
        calls: Sequence[CallDoc],
        feedback: Iterable[Feedback] | None = None,
        explain: bool = True,
        top_projects: int = TOP_PROJECTS,
    ) -> list[CallMatch]:
        """One CallMatch per call: inbox score, best projects with terms, goals, eligibility.

        `feedback`, when given, replaces the model's feedback first (see `set_feedback`).
        Calls are processed in chunks, so memory stays bounded for large batches.
        """
        if feedback is not None:
            self.set_feedback(feedback, calls)
        return self._score_chunks(
            calls, lambda lo, hi: self.transform(calls[lo:hi]), explain, top_projects
        )

    def _score_fitted(
        self, calls: Sequence[CallDoc], feedback: Iterable[Feedback]
    ) -> list[CallMatch]:
        """`score` of exactly the fitted calls, from their fitted vectors.

        The same results as `score(calls, feedback)` (the fitted vectors are those `transform`
        gives), without analysing every text a second time: after a fit in worker processes
        that is the largest part of scoring.
        """
        assert self.call_vectors is not None and self.call_ids == [c.id for c in calls]
        self.set_feedback(feedback, calls)
        fitted = self.call_vectors
        return self._score_chunks(
            calls, lambda lo, hi: fitted.rows(slice(lo, hi)), True, TOP_PROJECTS
        )

    def _score_chunks(
        self,
        calls: Sequence[CallDoc],
        vectors_of: Callable[[int, int], Vectors],
        explain: bool,
        top_projects: int,
    ) -> list[CallMatch]:
        """Score in chunks of CHUNK calls, so memory stays bounded for large batches."""
        assert self.strategy is not None
        results: list[CallMatch] = []
        for start in range(0, len(calls), CHUNK):
            chunk = calls[start : start + CHUNK]
            vectors = vectors_of(start, start + len(chunk))
            batch = self._score_vectors(vectors, chunk, with_goals=True)
            effects = self._decision_effects(vectors, chunk, batch) if explain else None
            results.extend(self._matches(chunk, batch, vectors, explain, top_projects, effects))
        return results

    def _decision_effects(
        self, vectors: Vectors, calls: Sequence[CallDoc], batch: ScoredBatch
    ) -> Callable[[int, int], DecisionEffect | None] | None:
        """What the decisions do to call i's score for project j, as a function (None: none).

        Scores the chunk once more without the decisions (a few per cent of explained
        scoring: `bench_matching`'s "+decisions") and names the decided calls nearest to each
        call.
        """
        similar = self._decided_similarities(vectors, calls)
        if similar is None or not self._feedback:
            return None
        assert self.strategy is not None
        sims, pos_sims = similar
        base = self._score_vectors(
            vectors, calls, use_feedback=False, eligibility=(batch.codes, batch.factors)
        )
        p = self.params
        # a kNN similarity's share of the ranking score: topic weight over the score's scale
        share = sum(p.space_weights.values()) / max(
            sum(p.space_weights.values()) + p.goal_weight, 1e-9
        )
        decided = self._feedback_call_ids
        projects = self.strategy.projects
        decided_for = {
            pid: {decided[r] for r in pos + neg} for pid, (pos, neg) in self._feedback.items()
        }

        def nearest(row: np.ndarray, rows: list[int]) -> tuple[str, float]:
            if not rows:
                return "", 0.0
            best = rows[int(np.argmax(row[rows]))]
            return decided[best], float(row[best])

        def effect(i: int, j: int) -> DecisionEffect | None:
            pid = projects[j].id
            if pid not in decided_for or calls[i].id in decided_for[pid]:
                return None  # no decisions, or its own decision says more than neighbours
            pos, neg = self._feedback[pid]
            confirmed, confirmed_sim = nearest(pos_sims[i], pos)
            dismissed, dismissed_sim = nearest(sims[i], neg)
            slope = float(batch.slope[i, batch.group_of[j]]) * share
            return DecisionEffect(
                change=round(float(batch.final[i, j] - base.final[i, j]), 4),
                confirmed_call=confirmed,
                confirmed_similarity=round(confirmed_sim, 4),
                confirmed_effect=round(slope * p.knn_pos * confirmed_sim, 4),
                dismissed_call=dismissed,
                dismissed_similarity=round(dismissed_sim, 4),
                dismissed_effect=round(slope * p.knn_neg * dismissed_sim, 4),
            )

        return effect

    def _matches(
        self,
        calls: Sequence[CallDoc],
        batch: ScoredBatch,
        vectors: Vectors,
        explain: bool,
        top_projects: int,
        effects: Callable[[int, int], DecisionEffect | None] | None = None,
    ) -> list[CallMatch]:
        assert self.strategy is not None
        strategy = self.strategy
        projects, goals = strategy.projects, strategy.goals
        out: list[CallMatch] = []
        k = min(top_projects, len(projects))
        kg = min(TOP_GOALS, len(goals))
        for i, call in enumerate(calls):
            lang = call_language(call)
            order = _top(batch.final[i], k)
            call_eligibility = assess(call, strategy.region_profile)
            explainer = (
                _Explainer(self, call, lang, vectors.rows(slice(i, i + 1))) if explain else None
            )
            scored = []
            for j in order:
                pr = projects[j]
                elig = call_eligibility
                if pr.applicant_types:
                    elig = assess(call, strategy.region_profile, pr.applicant_types)
                scored.append(
                    ProjectScore(
                        project_id=pr.id,
                        score=float(batch.final[i, j]),
                        terms=explainer.project_terms(j) if explainer else [],
                        goal_ids=list(pr.goal_ids),
                        eligibility=elig,
                        topic_score=float(batch.topic[i, j]),
                        decisions=effects(i, j) if effects else None,
                    )
                )
            goal_scores = [
                GoalScore(
                    goal_id=goals[g].id,
                    score=float(batch.goals[i, g]),
                    terms=explainer.goal_terms(g) if explainer else [],
                )
                for g in _top(batch.goals[i], kg)
            ]
            if explainer:
                # a goal is listed for the words it shares with the call: one close only
                # through words that are no reason (stellen ~ bereitstellen) is not
                goal_scores = [gs for gs in goal_scores if gs.terms]
            out.append(
                CallMatch(
                    call_id=call.id,
                    inbox_score=float(batch.inbox[i]),
                    projects=scored,
                    goals=goal_scores,
                    eligibility=call_eligibility,
                    language=lang,
                    topic_score=float(batch.topic[i].max()) if projects else 0.0,
                )
            )
        return out

    def top_calls(
        self, calls: Sequence[CallDoc], k: int = 20
    ) -> dict[str, list[tuple[str, float]]]:
        """The k best calls per project (ranking score), scored in chunks with a running top-k."""
        assert self.strategy is not None
        n_projects = len(self.strategy.projects)
        k = min(k, len(calls))
        if k == 0 or n_projects == 0:
            return {pr.id: [] for pr in self.strategy.projects}
        best = np.full((n_projects, k), -np.inf, dtype=np.float32)  # projects × k
        best_idx = np.zeros((n_projects, k), dtype=np.int64)
        for start in range(0, len(calls), CHUNK):
            chunk = calls[start : start + CHUNK]
            batch = self._score_vectors(self.transform(chunk), chunk)
            best, best_idx = _merge_top(best, best_idx, batch.final, start)
        out = {}
        for j, pr in enumerate(self.strategy.projects):
            order = np.argsort(-best[j], kind="stable")
            out[pr.id] = [(calls[best_idx[j, r]].id, float(best[j, r])) for r in order]
        return out

    def explain(
        self, call: CallDoc, project_id: str, top: int = TOP_TERMS
    ) -> list[TermContribution]:
        """The terms that contribute most to a call's score for one project, as readable words."""
        assert self.strategy is not None
        j = next(i for i, pr in enumerate(self.strategy.projects) if pr.id == project_id)
        return _Explainer(self, call, call_language(call)).project_terms(j, top)


def _as_float32(counts: dict[str, sp.csr_matrix]) -> dict[str, sp.csr_matrix]:
    return {k: sp.csr_matrix(m, dtype=np.float32) for k, m in counts.items()}


# A feature is scored with a dense matrix product (BLAS) instead of the sparse one when it is
# common enough in both the project vectors (at least DENSE_MIN_ROWS of them) and the calls:
# (share of the project vectors holding it) × (share of the fitted documents holding it)
# ≥ DENSE_COST. A sparse multiply-add costs about as much as 100 dense ones here, and the dense
# product pays for every call × project pair, so the product of the two shares decides; the
# commonest character n-grams ("ung ", " ver") would otherwise cost a sparse multiply-add per
# project in every call. 0.005 was the fastest of 0.003 / 0.005 / 0.008 and of the earlier
# rule "in ≥ 10 % of the project vectors" at 100,000 calls × 2,000 projects (−2.9 s).
DENSE_COST = 0.005
DENSE_MIN_ROWS = 200


@dataclass
class _Transposed:
    """A (small) matrix of project, goal or call vectors prepared for products with calls."""

    sparse: sp.csr_matrix  # features × rows, the dense-scored features' rows emptied
    dense_cols: np.ndarray  # feature -> column of `dense` (-1: scored sparse)
    dense: np.ndarray | None  # dense features × rows (float32), None when there are none


def _transposed(v: Vectors, features: FeatureSpace) -> dict[str, _Transposed]:
    """Transposes of a (small) matrix of vectors, split into sparse and dense features.

    `features` tells how common each feature is among the fitted documents. Cached on the
    object (the vectors do not change once built).
    """
    cached = getattr(v, "_transposed", None)
    if cached is None:
        cached = {}
        doc_share = features.doc_share()
        for space, m in v.spaces.items():
            t = m.T.tocsr()
            col = np.full(t.shape[0], -1, dtype=np.int64)
            dense = None
            share = doc_share.get(space)
            if m.shape[0] >= DENSE_MIN_ROWS and share is not None and share.size == t.shape[0]:
                rows_share = np.diff(t.indptr) / m.shape[0]
                heavy = np.flatnonzero((rows_share > 0) & (rows_share * share >= DENSE_COST))
                if heavy.size:
                    col[heavy] = np.arange(heavy.size)
                    dense = np.ascontiguousarray(t[heavy].toarray(), dtype=np.float32)
                    light = np.ones(t.shape[0], dtype=bool)
                    light[heavy] = False
                    t = sp.diags(light.astype(t.dtype)) @ t  # heavy rows emptied
                    t = sp.csr_matrix(t)
                    t.eliminate_zeros()
            cached[space] = _Transposed(t, col, dense)
        object.__setattr__(v, "_transposed", cached)
    return cached


_POOL: ThreadPoolExecutor | None = None
_ONE = np.float32(1.0)
PARALLEL_MIN_ROWS = 512  # sparse products of larger batches run in two threads
# rows of calls per product: bounds the temporaries (≈ 100 MB at 4,096 calls × 2,000 projects);
# larger blocks mean fewer thread hand-overs and larger BLAS products (at 100,000 × 2,000 the
# scoring took 20.7 s with blocks of 1,024, 18.6 s with 2,048 and 17.1 s with 4,096)
PRODUCT_BLOCK = 4096


def _forget_pool() -> None:
    global _POOL
    _POOL = None  # a forked child has none of the parent's threads


if hasattr(os, "register_at_fork"):  # POSIX
    os.register_at_fork(after_in_child=_forget_pool)


def _threads() -> ThreadPoolExecutor:
    """The two threads of the sparse products and of counting (created once per process)."""
    global _POOL
    if _POOL is None:
        _POOL = ThreadPoolExecutor(max_workers=2, thread_name_prefix="matcher")
    return _POOL


def _sparse_product_into(
    out: np.ndarray, m: sp.csr_matrix, t: sp.csr_matrix, weight: np.float32
) -> None:
    """out = weight · (m @ t), written in place; a large batch in two halves on two threads
    (scipy releases the GIL in its sparse kernels)."""

    def part(rows: slice) -> None:
        product = m[rows] @ t if rows != slice(None) else m @ t
        product.data *= weight  # on the non-zeros only (fewer than the dense entries)
        if product.dtype == out.dtype:
            product.toarray(out=out[rows])  # no temporary dense array
        else:
            out[rows] = product.toarray()

    if m.shape[0] < PARALLEL_MIN_ROWS or t.shape[1] < DENSE_MIN_ROWS:
        part(slice(None))
        return
    half = m.shape[0] // 2
    list(_threads().map(part, [slice(0, half), slice(half, m.shape[0])]))


def _product_into(
    out: np.ndarray, m: sp.csr_matrix, side: _Transposed, weight: np.float32 = _ONE
) -> np.ndarray:
    """out = weight · (m @ side) (rows of m × rows of the side), written in place; `out` is a
    C-contiguous float32 array."""
    _sparse_product_into(out, m, side.sparse, weight)
    if side.dense is not None and m.nnz:
        # the call rows on the dense features, as a dense block (csr -> dense in C)
        cols = side.dense_cols[m.indices]
        sel = cols >= 0
        indptr = np.concatenate([[0], np.cumsum(sel)])[m.indptr]
        heavy = sp.csr_matrix(
            (m.data[sel].astype(np.float32, copy=False), cols[sel], indptr),
            shape=(m.shape[0], side.dense.shape[0]),
        )
        block = heavy.toarray()
        # out += weight · block @ dense in one BLAS call that adds into `out` (no temporary);
        # in Fortran order, as BLAS sees the transposes of these C-ordered arrays
        done = _sgemm(weight, side.dense.T, block.T, beta=1.0, c=out.T, overwrite_c=True)
        if not np.shares_memory(done, out):  # BLAS made a copy: write it back
            out[...] = done.T
    return out


def _product(m: sp.csr_matrix, side: _Transposed) -> np.ndarray:
    """Dense m @ side (rows of m × rows of the side), float32."""
    return _product_into(np.empty((m.shape[0], side.sparse.shape[1]), dtype=np.float32), m, side)


def _merge_top(
    best: np.ndarray, best_idx: np.ndarray, chunk: np.ndarray, start: int
) -> tuple[np.ndarray, np.ndarray]:
    """The running top-k per project (projects × k) merged with a chunk (calls × projects).

    Rows are projects, so each partition runs over contiguous memory; `start` is the index
    of the chunk's first call.
    """
    k = best.shape[1]
    cand = np.concatenate([best, np.asarray(chunk, dtype=best.dtype).T], axis=1)
    width = cand.shape[1]
    pos = np.argpartition(cand, width - k, axis=1)[:, width - k :]
    values = np.take_along_axis(cand, pos, axis=1)
    kept = np.take_along_axis(best_idx, np.minimum(pos, k - 1), axis=1)
    return values, np.where(pos < k, kept, start + pos - k)


def _top_per_row(m: sp.csr_matrix, k: int) -> sp.csr_matrix:
    """A copy of `m` with only the k largest entries of each row."""
    m = m.tocsr(copy=True)
    for r in range(m.shape[0]):
        lo, hi = m.indptr[r], m.indptr[r + 1]
        if hi - lo > k:
            row = m.data[lo:hi]
            cut = np.argpartition(-row, k - 1)[k:]
            row[cut] = 0.0
    m.eliminate_zeros()
    return m


def _programme_tokens(programmes: Sequence[str]) -> list[list[str]]:
    """The stems of each programme name (each distinct name analysed once)."""
    seen: dict[str, list[str]] = {}
    for name in programmes:
        if name not in seen:
            seen[name] = analysis.content_tokens(name, analysis.detect_language(name))
    return [seen[name] for name in programmes]


def _programme_key(tokens: Sequence[str]) -> str:
    """One key for the spellings of a programme name ("" for none)."""
    return " ".join(sorted(set(tokens)))


def _shared_programmes(programmes: Sequence[str]) -> dict[str, int]:
    """Calls per programme key, for the keys held by two or more calls."""
    counts = Counter(_programme_key(t) for t in _programme_tokens(programmes))
    return {key: n for key, n in counts.items() if key and n > 1}


def _field_weights(weights: dict[str, float]) -> dict[str, float]:
    """Field weights where a field weighted 0 still counts for document frequency.

    IDF describes whole documents, so a field left out of the term weights (the funder, by
    default) keeps a negligible weight instead of disappearing from the counts.
    """
    return {name: (w if w > 0 else 1e-6) for name, w in weights.items()}


def _l2(m: sp.csr_matrix) -> sp.csr_matrix:
    return l2_rows(m, np.float32)


def _top(row: np.ndarray, k: int) -> list[int]:
    """Indices of the k largest values, largest first (argpartition, then sort k)."""
    if k <= 0:
        return []
    if k >= row.shape[0]:
        return list(np.argsort(-row, kind="stable"))
    part = np.argpartition(-row, k - 1)[:k]
    return list(part[np.argsort(-row[part], kind="stable")])


def _applicant_groups(projects: Sequence[Project]) -> list[tuple[str, ...]]:
    return sorted({tuple(pr.applicant_types) for pr in projects})


def _inbox(final: np.ndarray, prio: np.ndarray) -> np.ndarray:
    """Best project score per call, the topical part weighted by theme priority.

    The eligibility band (ineligible < 0.1 ≤ eligible) is kept: only the part above the
    band's floor is scaled by the priority weight.
    """
    band = np.float32(ELIGIBILITY_FLOOR)
    floor = np.where(final >= band, band, np.float32(0.0))
    weighted = final - floor
    weighted *= prio[None, :]
    weighted += floor
    return weighted.max(axis=1)


def priority_weighted(score: float, weight: float) -> float:
    """One project score weighted by its theme's priority weight as `_inbox` weights them all
    (which does it in place on the whole matrix): only the part above the eligibility floor."""
    floor = ELIGIBILITY_FLOOR if score >= ELIGIBILITY_FLOOR else 0.0
    return floor + (score - floor) * weight


# ---------------------------------------------------------------------------- explanations

# a word, hyphenated parts joined ("On-Demand-Verkehre"), with the hyphen of a word whose
# head follows later ("Leerstands- und Flächenmanagement")
_SURFACE_RE = re.compile(r"[^\W_]+(?:-[^\W_]+)*(?:-(?![^\W_]))?")


def _surface_forms(text: str) -> dict[str, str]:
    """Folded content token -> the word as written (its first occurrence).

    The analysis splits hyphenated words. The last part is a word (App in Mobilitäts-App),
    but the parts before it often are not ("Mobilitäts", "Schul" in Schul-WLAN, "On" in
    On-Demand-Verkehr, "Leerstands" in "Leerstands- und Flächenmanagement"): unless the text
    also writes them alone, they are shown as the whole hyphenated word.
    """
    forms: dict[str, str] = {}
    modifiers: list[tuple[str, str]] = []
    for word in _SURFACE_RE.findall(analysis.unify(text)):
        *front, head = word.split("-")
        if head:
            forms.setdefault(analysis.fold(head.lower()), head)
        modifiers += [(part, word) for part in front]
    for part, word in modifiers:
        forms.setdefault(analysis.fold(part.lower()), word)
    return forms


def _as_written(text: str, phrase: str) -> str:
    """`phrase` (lowercase words) as the text writes it: "SMEs", "5G", "e-Government"."""
    words = phrase.split()
    if not words:
        return phrase
    pattern = r"(?<![^\W_])" + r"[\W_]+".join(map(re.escape, words)) + r"(?![^\W_])"
    found = re.search(pattern, analysis.unify(text), re.IGNORECASE)
    return " ".join(found.group(0).split()) if found else phrase


@dataclass
class _Side:
    """The readable side of a project or goal: its words and its weights on them."""

    forms: dict[str, str]  # folded token -> word as written
    tokens: Counter[str]
    stem_token: dict[int, str]  # stem id -> the side's most frequent token with that stem
    grams: dict[str, frozenset[int]]  # token -> its character n-gram ids
    word: dict[int, float]  # weights of the side's own stems
    char: dict[int, float]  # weights of the side's own n-grams
    char_ids: np.ndarray  # the n-grams of `char`, sorted, and their weights: for searchsorted
    char_values: np.ndarray
    postings: dict[int, list[str]]  # n-gram id -> the side's tokens that have it


def _side(model: MatchModel, text: str, vectors: Vectors, row: int) -> _Side:
    fs = model.features
    tokens = Counter(analysis.content_tokens(text))
    stem_token: dict[int, str] = {}
    grams: dict[str, frozenset[int]] = {}
    for tok, _ in tokens.most_common():
        sid, gram_ids = fs._features_of(tok)
        if sid >= 0:
            stem_token.setdefault(sid, tok)
        grams[tok] = frozenset(gram_ids.tolist())
    wrow = vectors.spaces["word"][row]
    crow = vectors.spaces["char"][row]
    wanted_w = set(stem_token)
    wanted_c = set().union(*grams.values()) if grams else set()
    word = {int(i): float(v) for i, v in zip(wrow.indices, wrow.data, strict=True) if i in wanted_w}
    char = {int(i): float(v) for i, v in zip(crow.indices, crow.data, strict=True) if i in wanted_c}
    ids = np.array(sorted(char), dtype=np.int64)
    postings: dict[int, list[str]] = {}
    for tok, gram_set in grams.items():
        for g in gram_set:
            postings.setdefault(g, []).append(tok)
    return _Side(
        forms=_surface_forms(text),
        tokens=tokens,
        stem_token=stem_token,
        grams=grams,
        word=word,
        char=char,
        char_ids=ids,
        char_values=np.array([char[g] for g in ids.tolist()], dtype=np.float64),
        postings=postings,
    )


def _project_text(strategy: Strategy, project: Project) -> str:
    theme = strategy.theme(project.theme_id)
    return " ".join(
        [project.title, project.summary, " ".join(project.keywords), theme.name]
        + [strategy.goal(g).text for g in project.goal_ids]
    )


class _Explainer:
    """Finds the shared terms of one call and the strategy's projects and goals.

    Terms with the same stem on both sides count with their stem and n-gram weights;
    different words that share at least four character n-grams (Breitbandausbau ~ Breitband)
    count with the weights of the shared n-grams. Both are shown as the words written in the
    texts.
    """

    def __init__(
        self, model: MatchModel, call: CallDoc, lang: str, vector: Vectors | None = None
    ) -> None:
        self.model = model
        text = call_text_plain(call)
        self.forms = _surface_forms(text)
        self.glossary: dict[str, str] = {}
        # English words the glossary translates wherever the call writes them: they pair
        # with German words only through their German term (see `_terms`)
        self.translated: frozenset[str] = frozenset()
        # German terms of English words written only as the head of a compound: "cycle" of
        # "life-cycle assessment" is no Radverkehr (`reasons.compound_only_glossary_tokens`)
        glossary_in_compounds: frozenset[str] = frozenset()
        if lang == "en":
            raw = analysis.words(text)
            self.translated = frozenset(
                analysis.EN_MARK + w for w in analysis.glossary_only_words(raw)
            )
            terms = analysis.glossary_terms(raw)
            for english, german in terms:
                written = _as_written(text, english)
                for w in analysis.words(german):
                    self.glossary.setdefault(analysis.fold(w), written)
            glossary_in_compounds = compound_only_glossary_tokens(text, terms)
        vec = vector if vector is not None else model.transform([call])
        wrow, crow = vec.spaces["word"][0], vec.spaces["char"][0]
        self.word = dict(zip(wrow.indices.tolist(), wrow.data.tolist(), strict=True))
        self.char = dict(zip(crow.indices.tolist(), crow.data.tolist(), strict=True))
        fs = model.features
        self.features: dict[str, tuple[int, list[int]]] = {}
        # a word the call writes only where it says what it does not fund is no reason
        # ("Nicht gefördert werden Hochschulbibliotheken"): it counts in the score, but
        # neither is shown nor takes a shown pair's place
        tokens = Counter(analysis.content_tokens(text, lang))
        excluded = tokens_of_no_reason(call, text, lang, tokens) | glossary_in_compounds
        for tok in set(tokens) - excluded:
            sid, grams = fs._features_of(tok)
            self.features[tok] = (sid, grams.tolist())
        # every n-gram occurrence of the call's words as flat arrays (word, n-gram, the call's
        # weight): one numpy pass per project then gives every word's n-gram overlap (a loop
        # over the n-grams of every word was most of the time of a `match` run)
        self.tokens = list(self.features)
        lengths = [len(self.features[t][1]) for t in self.tokens]
        self.occ_token = np.repeat(np.arange(len(self.tokens)), lengths)
        self.occ_gram = np.fromiter(
            (g for t in self.tokens for g in self.features[t][1]),
            dtype=np.int64,
            count=int(sum(lengths)),
        )
        self.occ_weight = np.fromiter(
            (self.char.get(g, 0.0) for g in self.occ_gram.tolist()),
            dtype=np.float64,
            count=self.occ_gram.size,
        )

    def _known_stem(self, stem: str) -> bool:
        return stem in self.model.features.vocab["word"]

    def _is_word(self, word: str, lang: str) -> bool:
        """Whether a part of a German compound is a word the corpus knows ("angriffe" of
        Cyberangriffe, not "up" of Startup), or an English word one the call writes alone
        ("cyber", not "multi" of multi-apartment): `reasons.one_word_across`."""
        if lang == "en":
            written = self.forms.get(word)
            return written is not None and analysis.fold(written.lower()) == word
        return self._known_stem(analysis.stem(word, lang))

    def _readable_call(self, token: str) -> str:
        word, _ = analysis.token_lang(token)
        if token in self.glossary and word not in self.forms:
            return self.glossary[token]
        return self.forms.get(word, word)

    def project_terms(self, j: int, top: int = TOP_TERMS) -> list[TermContribution]:
        return self._terms(self.model._explain_side("project", j), top)

    def goal_terms(self, g: int, top: int = TOP_TERMS) -> list[TermContribution]:
        return self._terms(self.model._explain_side("goal", g), top)

    def _terms(self, side: _Side, top: int) -> list[TermContribution]:
        w = self.model.params.space_weights
        best: dict[tuple[str, str], float] = {}
        assert self.model.strategy is not None
        places = own_places(self.model.strategy.region_profile)

        def add(call_tok: str, side_tok: str, weight: float) -> None:
            # the own county and towns are places, different words that share only a word
            # that is no reason share none ("Vereine" of Sport-/Heimatvereine), and an English
            # and a German word only one word ("halting" is no "halten"): not shown
            if not shows_pair(call_tok, side_tok, places, self._is_word):
                return
            key = (self._readable_call(call_tok), side.forms.get(side_tok, side_tok))
            if weight > best.get(key, 0.0):
                best[key] = weight

        # who may apply, places and procedure verbs are no reasons (`matcher.reasons`): they
        # count in the score but are not shown, nor do they take a shown pair's place
        for tok, (sid, grams) in self.features.items():
            if tok in self.translated:
                # "public administrations" is Verwaltung, not the German "Administration"
                # (IT), though both have one stem; the glossary term is paired instead
                continue
            if sid in side.word and is_reason(tok) and is_reason(side.stem_token[sid]):
                side_tok = side.stem_token[sid]
                # the same word shares its n-grams too: without them a compound that shares
                # only some ("Leerstands-" for Leerstandsmanagement) would outweigh the word
                # itself, and both texts' words would be shown crosswise
                shared = side.grams[side_tok].intersection(grams)
                chars = sum(self.char.get(g, 0.0) * side.char.get(g, 0.0) for g in shared)
                words = self.word.get(sid, 0.0) * side.word[sid]
                add(tok, side_tok, w["word"] * words + w["char"] * chars)
        char_candidates: list[tuple[float, str]] = []
        if side.char_ids.size and self.occ_gram.size:
            at = np.minimum(np.searchsorted(side.char_ids, self.occ_gram), side.char_ids.size - 1)
            theirs = np.where(side.char_ids[at] == self.occ_gram, side.char_values[at], 0.0)
            overlap = np.bincount(
                self.occ_token, weights=self.occ_weight * theirs, minlength=len(self.tokens)
            )
            char_candidates = [
                (float(overlap[r]), self.tokens[r])
                for r in np.flatnonzero(overlap > 0)
                if is_reason(self.tokens[r]) and self.tokens[r] not in self.translated
            ]
        # different words sharing n-grams: only the call words that contribute most
        for _, tok in sorted(char_candidates, reverse=True)[: 2 * top]:
            sid, grams = self.features[tok]
            gram_set = set(grams)
            shared_count: Counter[str] = Counter()
            for g in gram_set:  # the side's words sharing n-grams, from its postings
                shared_count.update(side.postings.get(g, ()))
            for side_tok, n_shared in shared_count.items():
                side_grams = side.grams[side_tok]
                # a real part of the other word, not a shared suffix such as "-ation"
                if n_shared < max(4, 0.5 * min(len(gram_set), len(side_grams))):
                    continue
                if side.stem_token.get(sid) == side_tok or not is_reason(side_tok):
                    continue
                if not analysis.share_word_part(tok, side_tok, self._known_stem):
                    continue
                weight = w["char"] * sum(
                    self.char.get(g, 0.0) * side.char.get(g, 0.0) for g in gram_set & side_grams
                )
                if weight > 0:
                    add(tok, side_tok, weight)
        # strongest pairs first, each call word once and each project word at most twice,
        # so the list shows different reasons rather than variants of one word
        ranked: list[tuple[tuple[str, str], float]] = []
        seen_call: set[str] = set()
        seen_side: Counter[str] = Counter()
        # ties by the words, so the same call gets the same list in every process
        for (c, o), v in sorted(best.items(), key=lambda kv: (-kv[1], kv[0])):
            if c.lower() in seen_call or seen_side[o.lower()] >= 2:
                continue
            ranked.append(((c, o), v))
            seen_call.add(c.lower())
            seen_side[o.lower()] += 1
            if len(ranked) == top:
                break
        return [
            TermContribution(call_word=c, project_word=o, weight=round(v, 6))
            for (c, o), v in ranked
        ]


# ---------------------------------------------------------------------------- entry point


def match_calls(
    strategy: Strategy,
    calls: Sequence[CallDoc],
    feedback: Iterable[Feedback] = (),
    params: MatchParams | None = None,
) -> list[CallMatch]:
    """Score every call against every project and goal of the strategy.

    Decisions in `feedback` move the project vectors; a call dismissed (and never confirmed)
    leaves the inbox (inbox score 0, `dismissed`) and the dismissed project's score is 0.
    """
    return fit_and_match(strategy, calls, feedback, params)[1]


def fit_and_match(
    strategy: Strategy,
    calls: Sequence[CallDoc],
    feedback: Iterable[Feedback] = (),
    params: MatchParams | None = None,
) -> tuple[MatchModel | None, list[CallMatch]]:
    """`match_calls`, also returning the fitted model with the feedback set (None if empty).

    `apply_decisions(model.score(new), feedback)` then scores calls that come later with this
    run's vocabulary, project vectors and feedback, without refitting.
    """
    if not calls or not strategy.projects:
        return None, []
    model = MatchModel(params or MatchParams()).fit(strategy, calls)
    known = {pr.id for pr in strategy.projects}
    feedback = [f for f in feedback if f.project_id in known]  # decisions on removed projects
    results = model._score_fitted(calls, feedback)
    return model, apply_decisions(results, feedback)


def apply_decisions(results: list[CallMatch], feedback: Sequence[Feedback]) -> list[CallMatch]:
    """Dismissed calls leave the inbox unless confirmed for some project."""
    confirmed = {f.call_id for f in feedback if f.relevant}
    dismissed: dict[str, set[str]] = {}
    for f in feedback:
        if not f.relevant:
            dismissed.setdefault(f.call_id, set()).add(f.project_id)
    out = []
    for r in results:
        gone = dismissed.get(r.call_id)
        if gone and r.call_id not in confirmed:
            projects = [
                replace(ps, score=0.0, decisions=None) if ps.project_id in gone else ps
                for ps in r.projects
            ]
            r = replace(r, inbox_score=0.0, projects=projects, dismissed=True)
        out.append(r)
    return out


__all__ = [
    "MatchModel",
    "MatchParams",
    "ScoredBatch",
    "apply_decisions",
    "fit_and_match",
    "match_calls",
]
