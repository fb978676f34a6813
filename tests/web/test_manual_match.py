"""A call entered by hand is scored at once with the model saved by the last `match` run."""

from __future__ import annotations

import html
import io
import logging
import os
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import joblib
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import CliInvoker
from tests.web.conftest import DEV_CALLS
from webapp.config import Config
from webapp.db import make_engine, make_session_factory
from webapp.formatting import local_today
from webapp.matching import match_entered_calls
from webapp.models import Call, CallScore, Match, ProjectRow
from webapp.reviews import ReviewInput, set_review
from webapp.saved_model import (
    SIGNATURE_PREFIX,
    ModelCache,
    ModelFile,
    ModelFileError,
    load_model,
    model_file,
    save_model,
)
from webapp.strategy_store import load_into_db, strategy_from_db

SCORED = "Aufruf angelegt und mit der Strategie abgeglichen."
NOT_YET = "Die Passung zur Strategie wird beim nächsten Abgleich berechnet"
NOT_MATCHED_NOTE = "Noch nicht mit der Strategie abgeglichen"

LORAWAN = {
    "title": "Förderaufruf Smart Region: LoRaWAN-Sensorik für Kommunen",
    "url": "https://www.example.nrw/smart-region",
    "funder": "Land NRW",
    "summary": "Kommunen erhalten Zuschüsse für LoRaWAN-Netze, Sensorik und offene Daten "
    "für Umweltmessungen und die Digitalisierung der Verwaltung.",
    "eligible": "Kommune, Landkreis",
    "region": "NRW",
    "amount_max_eur": "250.000",
    "funding_rate": "80",
}


def _enter(client: FlaskClient, app: Flask, **fields: str) -> tuple[str, int, str]:
    """Fill in and send the manual-entry form with CSRF on; (flash + page, call id, page)."""
    app.config["WTF_CSRF_ENABLED"] = True
    form = client.get("/aufrufe/neu").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', form)
    assert token is not None
    data = {"deadline": (local_today() + timedelta(days=60)).isoformat(), **LORAWAN, **fields}
    response = client.post("/aufrufe/neu", data={**data, "csrf_token": token.group(1)})
    assert response.status_code == 302, response.get_data(as_text=True)
    location = response.headers["Location"]
    call_id = int(location.rstrip("/").rsplit("/", 1)[1])
    page = html.unescape(client.get(location).get_data(as_text=True))
    return location, call_id, page


def _stored(session: Session, call_id: int) -> dict[str, Any]:
    """What the database holds for a call's match, as plain values."""
    session.expire_all()
    score = session.get(CallScore, call_id)
    assert score is not None
    matches = session.scalars(
        select(Match).where(Match.call_id == call_id).order_by(Match.rank)
    ).all()
    keys = dict(session.execute(select(ProjectRow.id, ProjectRow.key)).tuples().all())
    return {
        "inbox": score.inbox_score,
        "eligibility": (score.eligibility, score.eligibility_reasons, score.eligible_applicants),
        "best": keys.get(score.best_project_id) if score.best_project_id else None,
        "goals": score.goals,
        "language": score.language,
        "content_hash": score.content_hash,
        "matches": [
            (
                keys[m.project_id],
                m.rank,
                m.score,
                m.terms,
                m.goal_keys,
                m.eligibility,
                m.eligibility_reasons,
            )
            for m in matches
        ],
    }


def _match(cli: CliInvoker) -> None:
    result = cli("match")
    assert result.exit_code == 0, result.output
    assert "Modell für von Hand angelegte Aufrufe gespeichert" in result.output


def test_a_call_entered_after_a_match_run_shows_its_match_at_once(
    cli: CliInvoker, app: Flask, auth_client: FlaskClient, session: Session, config: Config
) -> None:
    _match(cli)
    assert config.match_model_file.is_file()

    _, call_id, page = _enter(auth_client, app)

    assert SCORED in page and NOT_YET not in page and NOT_MATCHED_NOTE not in page
    stored = _stored(session, call_id)
    # what the officer sees: the best projects with scores, eligibility, the shared terms
    section = page.split('id="h-match"', 1)[1].split('id="h-text"', 1)[0]
    assert 'class="match-table"' in section
    for key, *_ in stored["matches"][:3]:
        assert key in section
    assert stored["eligibility"][0] == "eligible"
    assert "antragsberechtigt" in section.lower()
    terms = re.findall(r'<span class="term"[^>]*>([^<]+)</span>', section)
    assert any("lorawan" in t.lower() or "sensor" in t.lower() for t in terms), terms
    assert "<mark>" in page  # shared terms highlighted in the call text
    assert stored["content_hash"] == session.get(Call, call_id).content_hash  # type: ignore[union-attr]
    # in the inbox right away, with its best project
    inbox = auth_client.get("/?q=LoRaWAN-Sensorik").get_data(as_text=True)
    row = inbox.split(f'id="call-{call_id}"', 1)[1].split("</li>", 1)[0]
    assert stored["best"] in row

    # The next full run refits on all open calls, this one included, and re-scores it. The
    # scores agree, but not to float precision: the refit adds the call to the vocabulary
    # and IDF (≈ 0.01), and its pseudo-relevance feedback moves the call's best project
    # towards the call itself (up to ≈ 0.06 for the best project, measured).
    _match(cli)
    again = _stored(session, call_id)
    assert again["best"] == stored["best"]
    assert again["eligibility"] == stored["eligibility"]
    assert again["inbox"] == pytest.approx(stored["inbox"], abs=0.1)
    before = {key: score for key, _, score, *_ in stored["matches"]}
    after = {key: score for key, _, score, *_ in again["matches"]}
    assert set(before) & set(after) >= {stored["best"]}
    for key in set(before) & set(after):
        assert after[key] == pytest.approx(before[key], abs=0.1), key


def test_scoring_with_the_saved_model_stores_exactly_what_the_match_run_stored(
    any_config: Config, tmp_path: Path
) -> None:
    """For calls the run fitted, the saved (slimmed) model and the stored rows are the run's.

    On SQLite and PostgreSQL; one of the calls was dismissed by an officer before the run,
    so the officers' feedback is in the saved model and the dismissal is applied again.
    """
    subset = tmp_path / "calls.jsonl"
    subset.write_text(
        "\n".join(DEV_CALLS.read_text(encoding="utf-8").splitlines()[:80]) + "\n",
        encoding="utf-8",
    )
    cli = CliInvoker(any_config)
    for args in (("init",), ("import", str(subset))):
        result = cli(*args)
        assert result.exit_code == 0, result.output
    engine = make_engine(any_config.database_url)
    try:
        with make_session_factory(engine)() as session:
            today = local_today()
            open_ids = session.scalars(
                select(Call.id)
                .where(Call.canonical_id.is_(None))
                .where((Call.deadline.is_(None)) | (Call.deadline >= today))
                .order_by(Call.id)
            ).all()
            assert len(open_ids) >= 4
            chosen = list(open_ids[:4])
            project = session.scalars(select(ProjectRow).order_by(ProjectRow.id)).first()
            assert project is not None
            dismissed = session.get(Call, chosen[0])
            assert dismissed is not None
            set_review(
                session,
                dismissed,
                ReviewInput(
                    status="nicht relevant",
                    reason="passt nicht zur Strategie",
                    project_id=project.id,
                ),
                None,
            )
            session.commit()
            _match(cli)
            by_run = {cid: _stored(session, cid) for cid in chosen}
            assert by_run[chosen[0]]["inbox"] == 0.0  # the dismissal took it out of the inbox

            outcome = match_entered_calls(
                session, chosen, ModelCache(), model_file(any_config), today=today
            )
            assert outcome == "scored"
            for cid in chosen:
                again = _stored(session, cid)
                run = by_run[cid]
                assert again["inbox"] == pytest.approx(run["inbox"], abs=1e-6)
                assert again["eligibility"] == run["eligibility"]
                assert again["best"] == run["best"] and again["goals"] == run["goals"]
                assert again["language"] == run["language"]
                assert [m[:2] + m[3:] for m in again["matches"]] == [
                    m[:2] + m[3:] for m in run["matches"]
                ]
                for new, old in zip(again["matches"], run["matches"], strict=True):
                    assert new[2] == pytest.approx(old[2], abs=1e-6)
    finally:
        engine.dispose()


def test_without_a_saved_model_the_call_waits_for_the_next_match_run(
    app: Flask, auth_client: FlaskClient, session: Session, config: Config
) -> None:
    assert not config.match_model_file.exists()  # a fresh installation: no match run yet
    _, call_id, page = _enter(auth_client, app)
    assert NOT_YET in page and SCORED not in page
    assert NOT_MATCHED_NOTE in page
    assert session.get(CallScore, call_id) is None


@pytest.mark.parametrize("damage", ["garbage", "truncated", "unsigned", "other-key"])
def test_a_damaged_model_file_is_logged_and_the_call_waits(
    damage: str,
    cli: CliInvoker,
    app: Flask,
    auth_client: FlaskClient,
    session: Session,
    config: Config,
    caplog: pytest.LogCaptureFixture,
) -> None:
    _match(cli)
    path = config.match_model_file
    if damage == "garbage":
        path.write_bytes(b"kein Modell, nur Text\n")
    elif damage == "truncated":
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 2])
    elif damage == "unsigned":  # a plain pickle, as an older version wrote it
        joblib.dump({"something": "else"}, path)
    else:  # signed with another SECRET_KEY than the web app's
        _resign(path, "ein-anderer-schluessel")
    caplog.set_level(logging.WARNING)

    _, call_id, page = _enter(auth_client, app)

    assert NOT_YET in page and SCORED not in page and "Traceback" not in page
    assert session.get(CallScore, call_id) is None
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert any(str(path) in r.getMessage() for r in warnings), caplog.text
    assert any("Gespeichertes Modell unbrauchbar" in r.getMessage() for r in warnings)
    # the next match run writes a good file again, and it is picked up without a restart
    _match(cli)
    _, call_id, page = _enter(auth_client, app, url="https://www.example.nrw/zweiter-aufruf")
    assert SCORED in page
    assert session.get(CallScore, call_id) is not None


def _resign(path: Path, secret_key: str, body: bytes | None = None) -> None:
    """Write `body` (default: the file's model) to `path`, signed with `secret_key`."""
    if body is None:
        body = path.read_bytes().split(b"\n", 1)[1]
    signature = ModelFile(path, secret_key).signature(body)
    path.write_bytes(SIGNATURE_PREFIX + signature + b"\n" + body)


class _RunsCode:
    """Unpickling this creates a directory: proof that a file's pickle was loaded."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Any, ...]:
        return (os.mkdir, (str(self.marker),))


def test_a_model_file_is_unpickled_only_with_a_valid_signature(tmp_path: Path) -> None:
    marker = tmp_path / "code-ausgefuehrt"
    path = tmp_path / "match-model.joblib"
    file = ModelFile(path, "der-schluessel-der-app")
    buffer = io.BytesIO()
    joblib.dump(_RunsCode(marker), buffer)
    body = buffer.getvalue()

    path.write_bytes(body)  # unsigned
    with pytest.raises(ModelFileError, match="keine signierte Modelldatei"):
        load_model(file)
    _resign(path, "ein-anderer-schluessel", body)
    with pytest.raises(ModelFileError, match="Signatur ungültig"):
        load_model(file)
    _resign(path, file.secret_key, body)
    changed = bytearray(path.read_bytes())
    changed[-2] ^= 1  # one bit of the pickle changed after signing
    path.write_bytes(bytes(changed))
    with pytest.raises(ModelFileError, match="Signatur ungültig"):
        load_model(file)
    assert not marker.exists()

    # the same pickle with the right signature is loaded (and runs): the checks above matter
    _resign(path, file.secret_key, body)
    with pytest.raises(ModelFileError, match="kein gespeichertes Modell"):
        load_model(file)
    assert marker.is_dir()


def test_a_model_fitted_for_a_changed_strategy_is_not_used(
    cli: CliInvoker, app: Flask, auth_client: FlaskClient, session: Session
) -> None:
    _match(cli)
    strategy = strategy_from_db(session)
    strategy.projects[0].keywords.append("LoRaWAN")
    load_into_db(session, strategy)
    session.commit()
    _, call_id, page = _enter(auth_client, app)
    assert NOT_YET in page
    assert session.get(CallScore, call_id) is None


def test_a_closed_call_is_not_scored(
    cli: CliInvoker, app: Flask, auth_client: FlaskClient, session: Session
) -> None:
    _match(cli)
    yesterday = (local_today() - timedelta(days=1)).isoformat()
    _, call_id, page = _enter(auth_client, app, deadline=yesterday)
    assert "abgeglichen werden nur offene Aufrufe" in page
    assert session.get(CallScore, call_id) is None


def test_a_duplicate_is_not_scored(cli: CliInvoker, session: Session, config: Config) -> None:
    _match(cli)
    first, second = session.scalars(select(Call).order_by(Call.id).limit(2)).all()
    second.canonical_id = first.id
    session.commit()
    outcome = match_entered_calls(session, [second.id], ModelCache(), model_file(config))
    assert outcome == "duplicate"


def test_model_file_is_replaced_atomically_and_reloaded_by_version(
    cli: CliInvoker, config: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    _match(cli)
    file = model_file(config)
    path = file.path
    cache = ModelCache()
    first = cache.get(file)
    assert first is not None and first.fitted_calls > 0
    assert first.model.call_vectors is None  # saved slimmed, without the fitted calls
    assert cache.get(file) is first  # same file version: not loaded again

    # a save that fails half-way leaves the old file as it was and no temporary file
    before = path.read_bytes()

    def broken_dump(obj: object, out: Any) -> None:
        out.write(b"half a model")
        raise OSError("Datenträger voll")

    monkeypatch.setattr("webapp.saved_model.joblib.dump", broken_dump)
    with pytest.raises(OSError):
        save_model(first.model, file, fitted_calls=1)
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert [p.name for p in path.parent.iterdir() if p.name.endswith(".tmp")] == []
    assert cache.get(file) is first

    # a new run replaces the file: the cache loads the new version
    _match(cli)
    second = cache.get(file)
    assert second is not None and second is not first
    assert load_model(file).fitted_calls == second.fitted_calls


def test_the_model_path_is_configurable(tmp_path: Path) -> None:
    env = {"INSTANCE_PATH": str(tmp_path / "inst")}
    assert Config.from_env(env).match_model_file == tmp_path / "inst" / "match-model.joblib"
    custom = tmp_path / "modelle" / "abgleich.joblib"
    env["MATCH_MODEL_PATH"] = str(custom)
    assert Config.from_env(env).match_model_file == custom
    direct = Config(database_url="sqlite://", instance_dir=tmp_path / "x")
    assert direct.match_model_file == tmp_path / "x" / "match-model.joblib"
