"""Generate, store and regenerate the Begründungstexte of a call.

One text per fitting project and, when several projects fit, a combined one; each in a long
and a short variant, stored in `Justification`. The officer's version lives in
`edited_text` and is never overwritten: regenerating updates `generated_text` only, and the
UI shows both when the generated text is newer than the edit. Justifications hang on the
(canonical) call and the project row, which are never deleted, so they survive rescrapes,
re-matching (which replaces Match rows only) and strategy reloads.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from matcher.german import join_de
from matcher.justification import (
    TEMPLATE_DIR,
    VARIANTS,
    CallTexts,
    Generated,
    JustificationError,
    generate,
    plain_length,
    quote_de,
    sentence,
    weak_fit,
)
from matcher.strategy import Strategy
from scrapers.dedupe import TITLE_THRESHOLD, compact, jaccard, trigrams
from webapp.errors import UserError
from webapp.matching import PARTNER_STATUS, earlier_strategy_of
from webapp.models import (
    Call,
    CallScore,
    Justification,
    Match,
    ProjectRow,
    Review,
    StrategyRow,
    utcnow,
)
from webapp.reviews import canonical_call
from webapp.stale import KEPT, parse_version, stale_message, version_of
from webapp.strategy_store import active_strategy_row, strategy_from_db

# A project "fits" a call when its score reaches this share of the call's best score;
# more than a few projects make the combined text a list rather than an argument.
FIT_RATIO = 0.6
MAX_PROJECTS = 3
COMBINED = ""  # the project key of the combined text in URLs and forms


@dataclass(slots=True)
class Entry:
    """One stored text as the UI and the CLI show it."""

    row: Justification
    project_key: str  # COMBINED for the combined text
    label: str
    variant: str
    # Hinweise on the project that the text itself cannot carry (weak fit, funded before,
    # not eligible): shown above it in the panel, printed by `justify`, put atop exports
    notes: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The officer's version when there is one, else the generated text."""
        return current_text(self.row)

    @property
    def length(self) -> int:
        """Characters of the plain text (what a form field counts)."""
        return plain_length(self.text)

    @property
    def edited(self) -> bool:
        return self.row.edited_text is not None

    @property
    def newer_generated(self) -> bool:
        """The generated text changed after the officer's edit: show both, let them choose."""
        row = self.row
        return (
            row.edited_text is not None
            and row.edited_at is not None
            and row.generated_at > row.edited_at
            and row.generated_text != row.edited_text
        )


@dataclass(slots=True)
class Group:
    """The long and short text of one project (or of the combination)."""

    project_key: str
    label: str
    entries: list[Entry]
    notes: list[str] = field(default_factory=list)  # the entries' Hinweise, once per group

    def variant(self, name: str) -> Entry | None:
        return next((e for e in self.entries if e.variant == name), None)


def current_text(row: Justification) -> str:
    """The text to show and export: the edit if there is one."""
    return row.edited_text if row.edited_text is not None else row.generated_text


def resolve_call(session: Session, ident: str) -> Call:
    """A call by its database id or its id within its source ("SOURCE:ID" if ambiguous)."""
    ident = ident.strip()
    if ident.isdigit():
        call = session.get(Call, int(ident))
        if call is not None:
            return canonical_call(session, call)
    query = select(Call).where(Call.external_id == ident)
    if ":" in ident:
        source, _, external = ident.partition(":")
        query = select(Call).where(
            (Call.external_id == ident) | ((Call.source == source) & (Call.external_id == external))
        )
    found = list(session.scalars(query))
    canonical = {c.id: c for c in (canonical_call(session, f) for f in found)}
    if not canonical:
        raise UserError(
            f"Aufruf '{ident}' nicht gefunden: bitte die Datenbank-ID oder die ID des "
            "Aufrufs in seiner Quelle (wie in der Importdatei) angeben."
        )
    if len(canonical) > 1:
        options = ", ".join(f"{c.source}:{c.external_id}" for c in found)
        raise UserError(f"Die ID '{ident}' ist nicht eindeutig; bitte eine angeben: {options}")
    return next(iter(canonical.values()))


def fitting_matches(session: Session, call: Call) -> list[Match]:
    """The call's matches whose projects fit well enough for a text, best first.

    Only projects of the active strategy count: after `strategy load` of another county's
    file the matches of the earlier one are still stored until `match` runs.
    """
    matches = list(
        session.scalars(
            select(Match)
            .join(ProjectRow, ProjectRow.id == Match.project_id)
            .join(StrategyRow, StrategyRow.id == ProjectRow.strategy_id)
            .where(
                Match.call_id == call.id,
                ProjectRow.active.is_(True),
                StrategyRow.active.is_(True),
                Match.score > 0,
            )
            .order_by(Match.score.desc(), Match.rank)
        )
    )
    if not matches:
        return []
    best = matches[0].score
    return [m for m in matches if m.score >= FIT_RATIO * best][:MAX_PROJECTS]


def fitting_projects(session: Session, call: Call) -> list[ProjectRow]:
    """Projects that get a text: the fitting matches, and the project an officer chose.

    The officer's choice in the review comes first even when the matcher ranked it lower:
    they know the application they are writing.
    """
    projects = [m.project for m in fitting_matches(session, call)]
    review = session.scalar(select(Review).where(Review.call_id == call.id))
    chosen = review.project if review is not None else None
    if chosen is not None and chosen.active and chosen.strategy.active:
        projects = [chosen, *[p for p in projects if p.id != chosen.id]][:MAX_PROJECTS]
    return projects


UNKNOWN_STATUS = "unknown"


def applicant_note(score: CallScore | None) -> tuple[str, str] | None:
    """What the matcher found about who may apply, when the text cannot say it: a call
    open to the towns only, or whose applicants it could not read (label, sentence).

    None for a call anyone of the county may apply to, and for an ineligible or
    partner-only one (warned about on their own). The texts name no applicant: the
    generator does not know which town or partner files the application.
    """
    if score is None or earlier_strategy_of(score):
        return None
    reasons = "; ".join(score.eligibility_reasons)
    if score.eligibility == UNKNOWN_STATUS:
        return ("Antragsberechtigung laut Abgleich unklar:", sentence(reasons or "siehe Aufruf"))
    if score.eligibility == "eligible" and reasons:
        return (
            "Zur Antragstellung laut Abgleich:",
            f"{sentence(reasons)} Der Begründungstext nennt keine antragstellende Stelle; bitte im Antrag "
            "ergänzen, wer ihn stellt.",
        )
    return None


class Fits:
    """How each project's match with a call reads: its terms, whether it is weak, its
    eligibility (the stored `Match` rows of the call, loaded once)."""

    def __init__(self, session: Session, call: Call) -> None:
        self.matches = {
            m.project.key: m
            for m in session.scalars(select(Match).where(Match.call_id == call.id))
            if m.project.strategy.active
        }
        score = session.get(CallScore, call.id)
        self.lang = (score.language if score else "") or call.language or "de"

    def terms(self, key: str) -> list[object]:
        match = self.matches.get(key)
        return list(match.terms) if match is not None else []

    def weak(self, key: str) -> bool:
        """No shared topic: the matcher's words for the pair are fragments or settings, or
        it did not rank the project for the call at all."""
        return weak_fit(self.terms(key), self.lang)


def weak_fit_note(terms: Sequence[object], ranked: bool = True) -> str:
    """The Hinweis on a project whose match rests on no shared topic (German, one paragraph)."""
    if not ranked:
        found = "Der Abgleich hat das Projekt für diesen Aufruf nicht bewertet"
    else:
        pairs = [
            (str(t.get("call_word") or ""), str(t.get("project_word") or ""))
            for t in terms
            if isinstance(t, dict)
        ][:3]
        words = [
            quote_de(c) if c.casefold() == p.casefold() else f"{quote_de(c)} ≈ {quote_de(p)}"
            for c, p in pairs
            if c and p
        ]
        found = (
            f"Der Abgleich verbindet Projekt und Aufruf nur über {join_de(words)} – "
            "Wortteile oder allgemeine Begriffe, kein gemeinsames Thema"
            if words
            else "Der Abgleich findet kein gemeinsames Wort von Projekt und Aufruf"
        )
    return (
        f"Achtung, schwache Passung: {found}. Der Text behauptet deshalb keinen Beitrag zum "
        "Förderzweck; bitte prüfen, ob das Projekt wirklich zum Aufruf passt."
    )


def _programme_named(programme: str, call: Call) -> bool:
    """Whether a programme name from a project's funding history is this call's programme:
    the same name in the call's programme, or as consecutive words of its title
    ("Smarte.Land.Regionen" in "Smarte LandRegionen – Modellvorhaben …"), spelled with
    other punctuation or spaces; "Heimat 2.0" is not "Heimat-Scheck 2027"."""
    wanted = compact(programme)
    if len(wanted) < 4:
        return False
    if call.programme and (
        compact(call.programme) == wanted
        or jaccard(trigrams(call.programme), trigrams(programme)) >= TITLE_THRESHOLD
    ):
        return True
    for text in (call.title, call.programme or ""):
        parts = [compact(w) for w in re.split(r"[\s\-–—:/,;()]+", text)]
        parts = [w for w in parts if w]
        for start in range(len(parts)):
            joined = ""
            for part in parts[start:]:
                joined += part
                if joined == wanted:
                    return True
                if len(joined) >= len(wanted):
                    break
    return False


def funded_before_note(project: ProjectRow, call: Call) -> str | None:
    """The Hinweis on a project already funded by the call's programme (its strategy's
    `funding_history`): another application risks double funding."""
    for entry in project.funding_history or []:
        if not isinstance(entry, dict):
            continue
        programme = str(entry.get("programme") or "").strip()
        if not programme or not _programme_named(programme, call):
            continue
        details = [
            str(entry[k]).strip().replace("-", "–") if k == "period" else str(entry[k]).strip()
            for k in ("period", "funder")
            if str(entry.get(k) or "").strip()
        ]
        when = f" ({', '.join(details)})" if details else ""
        return (
            f"Achtung, mögliche Doppelförderung: Das Projekt {project.key} wurde laut "
            f"Strategie bereits im Programm {quote_de(programme)} gefördert{when}. Bitte "
            "prüfen, ob eine erneute Förderung zulässig ist, und den Antrag davon abgrenzen."
        )
    return None


def project_eligibility(fits: Fits, key: str) -> tuple[str, list[str]] | None:
    """The project's own eligibility from its match (status, reasons), None if unranked."""
    match = fits.matches.get(key)
    if match is None:
        return None
    return match.eligibility, list(match.eligibility_reasons)


def project_notes(
    session: Session, call: Call, project: ProjectRow | None, fits: Fits | None = None
) -> list[str]:
    """The Hinweise on one project's text (None: the combined text), in German."""
    fits = fits or Fits(session, call)
    notes: list[str] = []
    if project is None:
        left_out = [p.key for p in fitting_projects(session, call) if fits.weak(p.key)]
        if left_out:
            notes.append(
                f"Hinweis: Nicht im kombinierten Text wegen schwacher Passung: {join_de(left_out)}."
            )
        return notes
    verdict = session.get(CallScore, call.id)
    own = project_eligibility(fits, project.key)
    if (
        own is not None
        and own[0] == "ineligible"
        and (verdict is None or verdict.eligibility != "ineligible")
        and not earlier_strategy_of(verdict)
    ):
        # the call-wide verdict (shown above all texts) may come from another project
        reasons = "; ".join(own[1]) or "siehe Aufruf"
        notes.append(
            f"Achtung, laut Abgleich für {project.key} nicht antragsberechtigt: {reasons}."
        )
    elif (
        own is not None
        and own[0] == PARTNER_STATUS
        and (verdict is None or verdict.eligibility != PARTNER_STATUS)
        and not earlier_strategy_of(verdict)
    ):
        notes.append(
            f"Hinweis: laut Abgleich für {project.key} nur über Projektpartner "
            f"antragsberechtigt: {'; '.join(own[1])}."
        )
    if fits.weak(project.key):
        notes.append(weak_fit_note(fits.terms(project.key), project.key in fits.matches))
    if funded := funded_before_note(project, call):
        notes.append(funded)
    return notes


def call_texts(call: Call) -> CallTexts:
    """The parts of a stored call the text generator reads."""
    return CallTexts(
        title=call.title,
        url=call.url,
        programme=call.programme or "",
        funder=call.funder or "",
        summary=call.summary or "",
        text=call.text or "",
        language=call.language or "",
    )


class _Generator:
    """Generates texts for one call with the strategy and match data loaded once."""

    def __init__(
        self,
        session: Session,
        call: Call,
        template_dir: Path | None = None,
        fits: Fits | None = None,
    ) -> None:
        self.session = session
        self.call = call
        self.template_dir = template_dir
        self.strategy: Strategy = strategy_from_db(session)
        self.texts = call_texts(call)
        self.fits = fits or Fits(session, call)
        self.goal_ids = {key: list(m.goal_keys) for key, m in self.fits.matches.items()}
        score = session.get(CallScore, call.id)
        self.call_goal_ids = [
            str(g.get("goal")) for g in (score.goals if score else []) if isinstance(g, dict)
        ]

    def text(self, project_keys: Sequence[str], variant: str) -> Generated:
        try:
            return generate(
                self.strategy,
                self.texts,
                list(project_keys),
                variant,
                goal_ids=self.goal_ids,
                call_goal_ids=self.call_goal_ids,
                template_dir=self.template_dir,
                weak={k: self.fits.terms(k) for k in project_keys if self.fits.weak(k)},
            )
        except JustificationError as exc:
            raise UserError(str(exc)) from None


def _row(
    session: Session, call: Call, project: ProjectRow | None, variant: str
) -> Justification | None:
    query = select(Justification).where(
        Justification.call_id == call.id, Justification.variant == variant
    )
    if project is None:
        query = query.where(Justification.project_id.is_(None))
    else:
        query = query.where(Justification.project_id == project.id)
    return session.scalar(query)


def _store(
    session: Session,
    call: Call,
    project: ProjectRow | None,
    variant: str,
    text: str,
    *,
    refresh: bool,
) -> Justification:
    """Insert or update the generated text; the edited text is never touched.

    Without `refresh` (a page view), a row with an edit keeps its generated text, so the
    UI does not claim a newer text the officer did not ask for.
    """
    row = _row(session, call, project, variant)
    if row is None:
        row = Justification(
            call_id=call.id,
            project_id=project.id if project else None,
            variant=variant,
            generated_text=text,
            generated_at=utcnow(),
        )
        session.add(row)
        session.flush()
    elif row.generated_text != text and (refresh or row.edited_text is None):
        row.generated_text = text
        row.generated_at = utcnow()
    return row


def _project_label(project: ProjectRow) -> str:
    return f"{project.key}: {project.title}"


COMBINED_LABEL = "Alle passenden Projekte (kombiniert)"


def _templates_changed_at(template_dir: Path | None) -> datetime:
    """When a county last edited a template (naive UTC, like the stored timestamps)."""
    folder = template_dir or TEMPLATE_DIR
    stamps = [f.stat().st_mtime for f in folder.glob("justification_*.j2")]
    return datetime.fromtimestamp(max(stamps, default=0), UTC).replace(tzinfo=None)


def _inputs_changed_at(
    session: Session, call: Call, strategy: StrategyRow, template_dir: Path | None
) -> datetime:
    """The last change to anything a text is made from: call, strategy, match, templates."""
    stamps = [call.first_seen, call.changed_at, strategy.loaded_at]
    score = session.get(CallScore, call.id)
    if score is not None:
        stamps.append(score.computed_at)
    review = session.scalar(select(Review).where(Review.call_id == call.id))
    if review is not None:
        stamps.append(review.updated_at)  # the officer may have chosen another project
    stamps.append(_templates_changed_at(template_dir))
    return max(t for t in stamps if t is not None)


def texts_for_call(
    session: Session, call: Call, *, refresh: bool = False, template_dir: Path | None = None
) -> list[Group]:
    """Generate (or refresh) and store the texts of every fitting project and the combination.

    Without `refresh` (a page view) a stored text is generated again only when the call,
    the strategy, the match or a template changed since; an edited one is left alone.
    Texts stored earlier for projects that no longer fit are kept in the list when an
    officer edited them: nothing an officer wrote disappears from view.
    """
    call = canonical_call(session, call)
    strategy = active_strategy_row(session)
    since = _inputs_changed_at(session, call, strategy, template_dir)
    projects = [p for p in fitting_projects(session, call) if p.strategy_id == strategy.id]
    generator: _Generator | None = None
    fits = Fits(session, call)

    def entry(project: ProjectRow | None, keys: list[str], variant: str, label: str) -> Entry:
        nonlocal generator
        row = _row(session, call, project, variant)
        current = row is not None and (row.edited_text is not None or row.generated_at >= since)
        if row is None or refresh or not current:
            generator = generator or _Generator(session, call, template_dir, fits)
            text = generator.text(keys, variant).text
            row = _store(session, call, project, variant, text, refresh=refresh)
        return Entry(row, project.key if project else COMBINED, label, variant)

    groups: list[Group] = []
    for project in projects:
        label = _project_label(project)
        notes = project_notes(session, call, project, fits)
        entries = [entry(project, [project.key], v, label) for v in VARIANTS]
        for e in entries:
            e.notes = notes
        groups.append(Group(project.key, label, entries, notes))
    # a project linked to the call by no shared topic would make the combined text claim
    # a purpose it does not serve: it keeps its own text, with a Hinweis, only
    strong = [p for p in projects if not fits.weak(p.key)]
    if len(strong) > 1:
        keys = [p.key for p in strong]
        notes = project_notes(session, call, None, fits)
        entries = [entry(None, keys, v, COMBINED_LABEL) for v in VARIANTS]
        for e in entries:
            e.notes = notes
        groups.append(Group(COMBINED, COMBINED_LABEL, entries, notes))
    shown = {(g.project_key, e.variant) for g in groups for e in g.entries}
    for row in session.scalars(
        select(Justification)
        .where(Justification.call_id == call.id, Justification.edited_text.is_not(None))
        .order_by(Justification.id)
    ):
        key = row.project.key if row.project else COMBINED
        if (key, row.variant) in shown:
            continue
        label = _project_label(row.project) if row.project else COMBINED_LABEL
        group = next((g for g in groups if g.project_key == key), None)
        if group is None:
            group = Group(key, f"{label} – {_why_not_shown(row.project)}", [])
            groups.append(group)
        group.entries.append(Entry(row, key, label, row.variant))
    session.flush()
    return groups


def _why_not_shown(project: ProjectRow | None) -> str:
    """Why an edited text's project is no longer among the call's fitting projects."""
    if project is not None and not project.strategy.active:
        # `strategy load` of another county's file: the project is not one that fits worse
        return f"Projekt der früheren Strategie „{project.strategy.name}“"
    if project is not None and not project.active:
        return "nicht mehr in der Strategie"
    return "passt nach dem letzten Abgleich nicht mehr"


def justification_for(
    session: Session,
    call: Call,
    project_key: str | None = None,
    variant: str = "long",
    *,
    combined: bool = False,
    refresh: bool = False,
    template_dir: Path | None = None,
) -> Entry:
    """The stored text of one project (default: the officer's choice or the best fitting)
    or of the combination.

    Any active project of the strategy may be named, also one the matcher did not rank.
    """
    if variant not in VARIANTS:
        raise UserError(f"Unbekannte Variante '{variant}' (long oder short)")
    call = canonical_call(session, call)
    gen = _Generator(session, call, template_dir)
    if combined:
        fitting = [p.key for p in _fitting_or_fail(session, call)]
        keys = [k for k in fitting if not gen.fits.weak(k)]
        if len(keys) < 2:
            weak = [k for k in fitting if k not in keys]
            fit = f"es passt nur {keys[0]}" if keys else "es passt keines"
            raise UserError(
                "Eine kombinierte Begründung gibt es nur, wenn mehrere Projekte zum Aufruf "
                f"passen; {fit}"
                + (f" (schwache Passung: {join_de(weak)})" if weak else "")
                + " – bitte ein Projekt mit --project angeben."
            )
        text = gen.text(keys, variant).text
        row = _store(session, call, None, variant, text, refresh=refresh)
        session.flush()
        notes = project_notes(session, call, None, gen.fits)
        return Entry(row, COMBINED, COMBINED_LABEL, variant, notes)
    if project_key:
        project = session.scalar(
            select(ProjectRow)
            .join(StrategyRow, StrategyRow.id == ProjectRow.strategy_id)
            .where(
                ProjectRow.key == project_key,
                ProjectRow.active.is_(True),
                StrategyRow.active.is_(True),
            )
        )
        if project is None or all(p.id != project_key for p in gen.strategy.projects):
            known = ", ".join(p.id for p in gen.strategy.projects)
            raise UserError(f"Projekt '{project_key}' gibt es nicht (bekannt: {known})")
    else:
        project = _fitting_or_fail(session, call)[0]
    text = gen.text([project.key], variant).text
    row = _store(session, call, project, variant, text, refresh=refresh)
    session.flush()
    notes = project_notes(session, call, project, gen.fits)
    return Entry(row, project.key, _project_label(project), variant, notes)


def _fitting_or_fail(session: Session, call: Call) -> list[ProjectRow]:
    """`fitting_projects`, or a UserError saying what to do when there are none."""
    projects = fitting_projects(session, call)
    if not projects:
        raise UserError(
            f"Für Aufruf {call.id} gibt es keine passenden Projekte: bitte zuerst "
            "'funding-matcher match' ausführen oder ein Projekt mit --project angeben."
        )
    return projects


def find_row(session: Session, call: Call, project_key: str, variant: str) -> Justification | None:
    """The stored text of a project key (COMBINED for the combination) and variant.

    The key is looked up in the active strategy, whose projects the panel shows: a new
    edition of a strategy keeps the keys of the one before, and their rows are kept too.
    """
    if variant not in VARIANTS:
        return None
    project = None
    if project_key != COMBINED:
        project = session.scalar(
            select(ProjectRow)
            .join(StrategyRow, StrategyRow.id == ProjectRow.strategy_id)
            .where(ProjectRow.key == project_key, StrategyRow.active.is_(True))
        )
        if project is None:
            return None
    return _row(session, canonical_call(session, call), project, variant)


EMPTY_TEXT = "Der Text ist leer und wurde nicht gespeichert; es gilt weiter der erzeugte Text."
EMPTY_EDITED_TEXT = (
    "Der Text ist leer und wurde nicht gespeichert; es gilt weiter Ihre bisherige Fassung. "
    "Um zum erzeugten Text zurückzukehren, „Bearbeitung verwerfen“ wählen."
)


class StaleText(UserError):
    """The text was edited (or its edit discarded) since the page was opened."""


def text_version(row: Justification) -> str:
    """The version the edit and discard forms carry: when the officer's version was saved."""
    return version_of(row.edited_at)


def _stale_text(row: Justification, rest: str) -> StaleText:
    if row.edited_at is None:
        return StaleText(
            stale_message(
                "Der Text",
                rest=f"Die bearbeitete Fassung wurde verworfen; es gilt der erzeugte Text. {rest}",
            )
        )
    by = row.edited_by.display_name if row.edited_by is not None else ""
    return StaleText(stale_message("Der Text", by, row.edited_at, rest=rest))


def _claim(session: Session, row: Justification, version: str | None) -> None:
    """Raise StaleText unless the row still has `version` (None: not checked), and hold it.

    The conditional UPDATE waits for a save running at the same time (SQLite's write
    lock, PostgreSQL's row lock) and then no longer finds the version it was opened at.
    """
    if version is None:
        return
    stamp = parse_version(version)
    same = Justification.edited_at.is_(None) if not version else Justification.edited_at == stamp
    claim = session.execute(
        update(Justification)
        .where(Justification.id == row.id, same)
        .values(generated_at=Justification.generated_at)
        .execution_options(synchronize_session=False)
    )
    if claim.rowcount != 1:  # type: ignore[attr-defined]  # an UPDATE gives a CursorResult
        session.refresh(row)
        raise _stale_text(row, KEPT)


def save_edit(
    session: Session,
    row: Justification,
    text: str,
    user_id: int | None,
    *,
    version: str | None = None,
) -> bool:
    """Store the officer's version; returns False when it equals the generated text.

    Saving the generated text unchanged records no edit, so a later regeneration can
    keep updating what is shown. An empty text is refused: only an edited text has
    "Bearbeitung verwerfen", so the message says what stays in force.

    `version` is the `text_version` the form was opened at: when a colleague saved (or
    discarded) a version since, StaleText and nothing is written. The text in force sent
    again is no conflict (a form sent twice). None: not checked.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        raise UserError(EMPTY_EDITED_TEXT if row.edited_text is not None else EMPTY_TEXT)
    if version is not None and version != text_version(row):
        if text == current_text(row).strip():
            return row.edited_text is not None
        raise _stale_text(row, KEPT)
    if text == row.generated_text.strip() and row.edited_text is None:
        return False
    _claim(session, row, version)
    row.edited_text = text
    row.edited_at = utcnow()
    row.edited_by_id = user_id
    session.flush()
    return True


DISCARD_REFUSED = "Es wurde nichts verworfen; oben steht die aktuelle Fassung."


def discard_edit(session: Session, row: Justification, *, version: str | None = None) -> None:
    """Drop the officer's version; the generated text is shown again.

    With `version` (the form's `text_version`) a version saved since by someone else is
    not dropped unseen: StaleText. A version discarded already is no conflict.
    """
    if row.edited_text is None:
        return
    if version is not None and version != text_version(row):
        raise _stale_text(row, DISCARD_REFUSED)
    try:
        _claim(session, row, version)
    except StaleText:
        raise _stale_text(row, DISCARD_REFUSED) from None
    row.edited_text = None
    row.edited_at = None
    row.edited_by_id = None
