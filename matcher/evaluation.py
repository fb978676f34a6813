"""The `evaluate` runner: read calls and qrels, rank with the matcher and with BM25, measure.

Files are those of data/eval (see its README): calls as JSONL (the call record, `id` is the
call id) and qrels as TSV `project_id<TAB>call_id<TAB>grade` without header. Every problem
in them raises `EvalDataError` naming the file and the line.
"""

from __future__ import annotations

import json
import random
import textwrap
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

import numpy as np

from matcher.bm25 import bm25_scores
from matcher.eligibility import assess
from matcher.metrics import inbox_metrics, project_metrics
from matcher.model import MatchModel, MatchParams
from matcher.strategy import Strategy
from matcher.types import CallDoc, Feedback
from scrapers.json_errors import json_reason

METRICS = ("ndcg@10", "p@5", "map", "r@20")
INBOX_METRICS = ("inbox_p@20", "inbox_ap")

Qrels = dict[str, dict[str, int]]  # project id -> call id -> grade


class EvalDataError(ValueError):
    """An evaluation input file that cannot be used; the message names file and line."""


def _read_lines(path: Path) -> list[str]:
    """The lines of a UTF-8 file; a missing or undecodable file is an EvalDataError."""
    try:
        # utf-8-sig: a byte order mark (Excel, Notepad) would otherwise stick to the first id
        return path.read_text(encoding="utf-8-sig").splitlines()
    except FileNotFoundError:
        raise EvalDataError(f"{path}: Datei nicht gefunden") from None
    except IsADirectoryError:
        raise EvalDataError(f"{path}: ist ein Verzeichnis, keine Datei") from None
    except UnicodeDecodeError as exc:
        raise EvalDataError(f"{path}: keine gültige UTF-8-Datei ({exc.reason})") from None
    except OSError as exc:
        raise EvalDataError(f"{path}: nicht lesbar ({exc.strerror})") from None


def load_calls(path: str | Path) -> list[CallDoc]:
    """Read a calls JSONL file (one call record per line)."""
    path = Path(path)
    lines = _read_lines(path)
    calls: list[CallDoc] = []
    seen: set[str] = set()
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as exc:
            raise EvalDataError(
                f"{path}, Zeile {n}: kein gültiges JSON ({json_reason(exc)})"
            ) from None
        if not isinstance(raw, dict):
            raise EvalDataError(f"{path}, Zeile {n}: ein JSON-Objekt wird erwartet")
        call_id = str(raw.get("id") or "").strip()
        title = str(raw.get("title") or "").strip()
        if not call_id or not title:
            raise EvalDataError(f"{path}, Zeile {n}: 'id' und 'title' sind Pflichtfelder")
        if call_id in seen:
            raise EvalDataError(f"{path}, Zeile {n}: doppelte Aufruf-ID '{call_id}'")
        seen.add(call_id)
        eligible = raw.get("eligible") or []
        topics = raw.get("topics") or []
        if not isinstance(eligible, list) or not isinstance(topics, list):
            raise EvalDataError(f"{path}, Zeile {n}: 'eligible' und 'topics' müssen Listen sein")
        deadline = raw.get("deadline")
        try:
            deadline_date = date.fromisoformat(deadline) if deadline else None
        except (TypeError, ValueError):
            raise EvalDataError(
                f"{path}, Zeile {n}: Frist '{deadline}' ist kein Datum (JJJJ-MM-TT)"
            ) from None
        calls.append(
            CallDoc(
                id=call_id,
                title=title,
                summary=str(raw.get("summary") or ""),
                text=str(raw.get("text") or ""),
                programme=str(raw.get("programme") or ""),
                funder=str(raw.get("funder") or ""),
                topics=[str(t) for t in topics],
                eligible=[str(e) for e in eligible],
                region=str(raw.get("region") or ""),
                funding_type=str(raw.get("funding_type") or ""),
                deadline=deadline_date,
                language=str(raw.get("language") or ""),
                source=str(raw.get("source") or ""),
            )
        )
    if not calls:
        raise EvalDataError(f"{path}: enthält keine Aufrufe")
    return calls


def load_qrels(path: str | Path, call_ids: set[str], project_ids: set[str]) -> Qrels:
    """Read a qrels TSV; unknown projects or calls and bad grades are errors."""
    path = Path(path)
    lines = _read_lines(path)
    qrels: Qrels = {}
    for n, line in enumerate(lines, start=1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.rstrip("\r\n").split("\t")
        if len(parts) != 3:
            raise EvalDataError(
                f"{path}, Zeile {n}: drei Spalten (Projekt, Aufruf, Note) mit Tabulator erwartet"
            )
        project_id, call_id, grade_text = (p.strip() for p in parts)
        if project_id not in project_ids:
            known = sorted(project_ids)
            shown = ", ".join(known[:8]) + (" …" if len(known) > 8 else "")
            raise EvalDataError(
                f"{path}, Zeile {n}: unbekanntes Projekt '{project_id}' "
                f"(die Strategie hat: {shown}; eine andere mit --strategy angeben?)"
            )
        if call_id not in call_ids:
            raise EvalDataError(f"{path}, Zeile {n}: unbekannter Aufruf '{call_id}'")
        try:
            grade = int(grade_text)
        except ValueError:
            raise EvalDataError(f"{path}, Zeile {n}: Note '{grade_text}' ist keine Zahl") from None
        if grade not in (0, 1, 2):
            raise EvalDataError(f"{path}, Zeile {n}: Note muss 0, 1 oder 2 sein, nicht {grade}")
        if grade > 0:
            qrels.setdefault(project_id, {})[call_id] = grade
    return qrels


@dataclass
class RankerResult:
    """Per-project figures and their means (over projects with a relevant call), plus inbox."""

    per_project: dict[str, dict[str, float]] = field(default_factory=dict)
    mean: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, float]:
        return {k: round(v, 4) for k, v in self.mean.items()}


@dataclass
class EvalReport:
    calls: int
    projects: int
    evaluated: list[str]  # projects with at least one relevant (held-back) call
    relevant: dict[str, int]
    rankers: dict[str, RankerResult]
    feedback_fraction: float = 0.0
    seed: int = 0

    def as_json(self) -> dict[str, object]:
        out: dict[str, object] = {
            "calls": self.calls,
            "projects": self.projects,
            "evaluated_projects": len(self.evaluated),
        }
        for name, result in self.rankers.items():
            out[name] = result.as_dict()
        if self.feedback_fraction:
            out["feedback_fraction"] = self.feedback_fraction
            out["seed"] = self.seed
        return out


def _ranking(scores: np.ndarray, ids: Sequence[str], allowed: set[str] | None = None) -> list[str]:
    order = np.argsort(-scores, kind="stable")
    ranked = [ids[i] for i in order]
    return [c for c in ranked if allowed is None or c in allowed]


def measure(
    name_scores: np.ndarray,
    inbox_scores: np.ndarray,
    ids: Sequence[str],
    project_ids: Sequence[str],
    qrels: Qrels,
    held: Mapping[str, set[str]] | None,
    inbox_held: set[str] | None,
) -> RankerResult:
    """Metrics of a calls × projects score matrix, on the `held` calls of each project if given."""
    result = RankerResult()
    for j, pid in enumerate(project_ids):
        allowed = held[pid] if held is not None else None
        grades = {c: g for c, g in qrels.get(pid, {}).items() if allowed is None or c in allowed}
        if not grades:
            continue
        result.per_project[pid] = project_metrics(_ranking(name_scores[:, j], ids, allowed), grades)
    for m in METRICS:
        values = [r[m] for r in result.per_project.values()]
        result.mean[m] = float(np.mean(values)) if values else 0.0
    relevant = {c for grades in qrels.values() for c in grades}
    if inbox_held is not None:
        relevant &= inbox_held
    result.mean.update(inbox_metrics(_ranking(inbox_scores, ids, inbox_held), relevant))
    return result


def feedback_split(
    calls: Sequence[CallDoc], project_ids: Sequence[str], qrels: Qrels, fraction: float, seed: int
) -> tuple[list[Feedback], dict[str, set[str]]]:
    """Officer decisions on a seeded share of each project's labels, and the held-back calls.

    For every project, `fraction` of its relevant calls (rounded down, so one is always held
    back) are confirmed and `fraction` of its other calls are dismissed; the rest is held back.
    """
    rng = random.Random(seed)
    ids = [c.id for c in calls]
    feedback: list[Feedback] = []
    held: dict[str, set[str]] = {}
    for pid in project_ids:
        relevant = sorted(qrels.get(pid, {}))
        others = [c for c in ids if c not in qrels.get(pid, {})]
        rng.shuffle(relevant)
        rng.shuffle(others)
        n_pos = int(fraction * len(relevant))
        if n_pos >= len(relevant):
            n_pos = max(len(relevant) - 1, 0)
        n_neg = round(fraction * len(others))
        fed_pos, fed_neg = relevant[:n_pos], others[:n_neg]
        feedback += [Feedback(c, pid, True, "evaluation") for c in fed_pos]
        feedback += [Feedback(c, pid, False, "evaluation") for c in fed_neg]
        held[pid] = set(ids) - set(fed_pos) - set(fed_neg)
    return feedback, held


def evaluate(
    strategy: Strategy,
    calls: Sequence[CallDoc],
    qrels: Qrels,
    params: MatchParams | None = None,
    feedback_fraction: float = 0.0,
    seed: int = 0,
    with_bm25: bool = True,
) -> EvalReport:
    """Rank all calls for each project with the matcher and BM25 and measure both."""
    ids = [c.id for c in calls]
    project_ids = [p.id for p in strategy.projects]
    model = MatchModel(params or MatchParams()).fit(strategy, calls)
    rankers: dict[str, RankerResult] = {}
    held: dict[str, set[str]] | None = None
    inbox_held: set[str] | None = None
    if feedback_fraction > 0:
        feedback, held = feedback_split(calls, project_ids, qrels, feedback_fraction, seed)
        confirmed = {f.call_id for f in feedback if f.relevant}
        inbox_held = set(ids) - confirmed
        model.set_feedback(feedback)
        with_fb = model.score_batch(calls, use_feedback=True)
        rankers["matcher"] = measure(
            with_fb.final, with_fb.inbox, ids, project_ids, qrels, held, inbox_held
        )
        base = model.score_batch(calls, use_feedback=False)
        rankers["matcher_no_feedback"] = measure(
            base.final, base.inbox, ids, project_ids, qrels, held, inbox_held
        )
    else:
        batch = model.score_batch(calls, use_feedback=False)
        rankers["matcher"] = measure(batch.final, batch.inbox, ids, project_ids, qrels, None, None)
    if with_bm25:
        bm = bm25_scores(strategy, calls)
        rankers["bm25"] = measure(bm, bm.max(axis=1), ids, project_ids, qrels, held, inbox_held)
    evaluated = list(next(iter(rankers.values())).per_project)
    relevant = {
        pid: len([c for c in qrels.get(pid, {}) if held is None or c in held[pid]])
        for pid in evaluated
    }
    return EvalReport(
        calls=len(calls),
        projects=len(project_ids),
        evaluated=evaluated,
        relevant=relevant,
        rankers=rankers,
        feedback_fraction=feedback_fraction,
        seed=seed,
    )


def text_eligibility_agreement(
    strategy: Strategy, calls: Sequence[CallDoc]
) -> dict[tuple[str, str], int]:
    """How eligibility read from the text alone compares with the applicant list.

    For every call that has a list: (status from the list, status with the list removed) →
    number of calls. Scraped feeds and HTML lists often have no list, so this measures what
    the text reader gets right where it is all there is.
    """
    counts: Counter[tuple[str, str]] = Counter()
    for call in calls:
        if call.eligible:
            listed = assess(call, strategy.region_profile).status
            text = assess(replace(call, eligible=[]), strategy.region_profile).status
            counts[(listed, text)] += 1
    return dict(counts)


def format_report(report: EvalReport) -> str:
    """The human-readable table: per project, means, inbox; one column block per ranker."""
    names = list(report.rankers)
    lines = [
        f"{report.calls} {'Aufruf' if report.calls == 1 else 'Aufrufe'}, "
        f"{report.projects} {'Projekt' if report.projects == 1 else 'Projekte'}, "
        f"{len(report.evaluated)} mit mindestens einem relevanten Aufruf"
        + (
            f"; Feedback: {report.feedback_fraction:.0%} der Urteile je Projekt (seed {report.seed}),"
            " gemessen auf dem Rest"
            if report.feedback_fraction
            else ""
        ),
        "",
    ]
    lines.append(f"{'Projekt':<8} {'rel':>3}  " + "  ".join(f"{n:<39}" for n in names))
    lines.append(
        f"{'':<8} {'':>3}  " + "  ".join(" ".join(f"{m:>9}" for m in METRICS) for _ in names)
    )
    for pid in report.evaluated:
        row = f"{pid:<8} {report.relevant[pid]:>3}  "
        row += "  ".join(
            " ".join(f"{report.rankers[n].per_project[pid][m]:>9.3f}" for m in METRICS)
            for n in names
        )
        lines.append(row)
    lines.append(
        f"{'Mittel':<8} {'':>3}  "
        + "  ".join(" ".join(f"{report.rankers[n].mean[m]:>9.3f}" for m in METRICS) for n in names)
    )
    lines.append("")
    width = max(12, *(len(n) + 2 for n in names))  # "matcher_no_feedback" included
    lines.append(f"{'Inbox':<{width}}" + "".join(f"{m:>12}" for m in INBOX_METRICS))
    for n in names:
        lines.append(
            f"{n:<{width}}" + "".join(f"{report.rankers[n].mean[m]:>12.3f}" for m in INBOX_METRICS)
        )
    lines += ["", *_legend(report)]
    return "\n".join(lines)


def _legend(report: EvalReport) -> list[str]:
    """What the columns mean, for a reader who is no search engineer."""
    lines = [
        "Alle Werte zwischen 0 und 1, höher ist besser.",
        "rel: relevante Aufrufe des Projekts. matcher: dieses Programm; bm25: ein gutes "
        "Suchverfahren zum Vergleich (Projekttext als Suchanfrage).",
        "ndcg@10: wie gut die ersten 10 Treffer geordnet sind (genau passende vor teilweise "
        "passenden); p@5: Anteil relevanter unter den ersten 5; map: mittlere Genauigkeit über "
        "die ganze Liste; r@20: Anteil der relevanten Aufrufe unter den ersten 20.",
        "Inbox: alle Aufrufe nach ihrem Eingangswert, relevant = relevant für mindestens ein "
        "Projekt; inbox_p@20: Anteil relevanter unter den ersten 20, inbox_ap: Genauigkeit über "
        "die ganze Liste.",
    ]
    if report.feedback_fraction:
        lines.append(
            "matcher_no_feedback: dasselbe Programm ohne die Bewertungen, auf denselben "
            "zurückgehaltenen Aufrufen; der Unterschied ist, was die Bewertungen bringen."
        )
        with_fb, without = (report.rankers.get(n) for n in ("matcher", "matcher_no_feedback"))
        if with_fb is not None and without is not None:
            a, b = without.mean["map"], with_fb.mean["map"]
            lines.append(f"Durch die Bewertungen: map {a:.3f} → {b:.3f} ({b - a:+.3f}).")
    return [wrapped for line in lines for wrapped in textwrap.wrap(line, 100)]
