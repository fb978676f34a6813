"""The call list: canonical calls ranked by their best project score."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from webapp.app import db_session
from webapp.models import Call, CallScore, Match

bp = Blueprint("calls", __name__)

PAGE_SIZE = 50


@bp.get("/")
def index() -> str:
    """Calls ranked by their best project score, each with its best projects."""
    session = db_session()
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    base = (
        select(Call, CallScore)
        .outerjoin(CallScore, CallScore.call_id == Call.id)
        .where(Call.canonical_id.is_(None))
    )
    total = session.scalar(select(func.count()).select_from(base.subquery())) or 0
    rows = session.execute(
        base.options(selectinload(Call.matches).selectinload(Match.project))
        .order_by(CallScore.inbox_score.desc().nulls_last(), Call.id)
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    return render_template(
        "calls/index.html", rows=rows, total=total, page=page, page_size=PAGE_SIZE
    )
