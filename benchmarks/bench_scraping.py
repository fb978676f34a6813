"""Scraping through the project's real path against a local HTTP server: first and second run.

A site in the Förderdatenbank format (search result pages with 10 `div.card--fundingprogram`
cards and a double-encoded "weiter" link; programme pages with `dl.document-info-fundingprogram`
and `div.rich--text`, page chrome padded to the size of the real pages in
../shared/real-pages/foerderdatenbank/) is generated from synthetic calls: 182 list pages and
1,820 programme pages = 2,002 pages (--quick: 198). A threaded `http.server` in a separate
process serves them on 127.0.0.1 (free port) with ETag and Last-Modified and answers
conditional requests with 304, plus a robots.txt that allows everything.

Both runs go through `webapp.scraping.scrape_source` — the project's Fetcher (conditional
GET, validators in the http_cache table), crawler, Förderdatenbank parser and ingest into a
migrated SQLite database — with the per-host delay set to 0 (the only change to the source's
settings besides allowing the loopback address). Reported per run: requests, 304s, bytes
received, responses parsed, calls new/unchanged, seconds. The second run, with nothing
changed, should parse nothing and transfer under 5 % of the first run's bytes.

    python -m benchmarks.bench_scraping [--quick] [--pages N]
"""

from __future__ import annotations

import argparse
import email.utils
import hashlib
import html
import json
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import quote

from benchmarks.common import REPO_ROOT, table, write_result

CARDS_PER_PAGE = 10
LIST_PATH = "/SiteGlobals/FDB/Forms/Suche/Foederprogrammsuche_Formular.html"
DETAIL_PREFIX = "/FDB/Content/DE/Foerderprogramm/Bund/Synthetisch/"
ROBOTS = b"User-agent: *\nAllow: /\n"
LAST_MODIFIED = email.utils.formatdate(time.mktime((2026, 11, 1, 8, 0, 0, 0, 0, -1)), usegmt=True)


# ------------------------------------------------------------------------------ the site


def _chrome(kind: str) -> tuple[str, str]:
    """Header and footer padding, so pages weigh about what the real ones do."""
    nav = "\n".join(
        f'<li class="nav-item"><a href="/SiteGlobals/FDB/Navigation/Thema{i}.html" '
        f'class="nav-link" title="Förderthema {i}">Förderthema {i} – Übersicht und Hinweise</a></li>'
        for i in range(120 if kind == "list" else 90)
    )
    footer = "\n".join(
        f'<p class="footer-note">Hinweis {i}: Die Förderdatenbank gibt einen vollständigen und '
        f"aktuellen Überblick über die Förderprogramme des Bundes, der Länder und der EU.</p>"
        for i in range(60 if kind == "list" else 40)
    )
    return (
        f'<header><nav><ul class="navbar">{nav}</ul></nav></header>',
        f"<footer>{footer}</footer>",
    )


def _list_url(page: int) -> str:
    # the page parameter is double-encoded as on the real site
    gtp = quote(quote(f"&816beae2-d57e-4bdc-b55d-392bc1e17027_list={page}", safe=""), safe="")
    return f"{LIST_PATH}?gtp={gtp}&filterCategories=FundingProgram"


def build_site(n_pages: int, seed: int = 5) -> dict[str, bytes]:
    """path?query -> body of every page: list pages and programme pages (11 pages per 10 calls)."""
    from benchmarks.synth import generate_calls

    n_lists = max(1, round(n_pages / (CARDS_PER_PAGE + 1)))
    calls = generate_calls(n_lists * CARDS_PER_PAGE, seed=seed, prefix="F")
    head_l, foot_l = _chrome("list")
    head_d, foot_d = _chrome("detail")
    pages: dict[str, bytes] = {}
    for p in range(n_lists):
        cards = []
        for c in calls[p * CARDS_PER_PAGE : (p + 1) * CARDS_PER_PAGE]:
            slug = c["id"].lower()
            cards.append(
                '<div class="card card--horizontal card--fundingprogram">'
                f'<p class="card--title"><a href="{DETAIL_PREFIX}{slug}.html">'
                f"<span>{html.escape(c['title'])}</span></a></p>"
                f'<p class="card--description">{html.escape(c["summary"])}</p></div>'
            )
        forward = (
            f'<a href="{html.escape(_list_url(p + 2))}" title="SucheSeite" '
            f'class="forward button">weiter</a>'
            if p + 1 < n_lists
            else ""
        )
        body = (
            f'<!DOCTYPE html><html lang="de"><head><meta charset="utf-8">'
            f"<title>Suche – Förderdatenbank</title></head><body>"
            f"{head_l}<main><h1>Suchergebnisse</h1>{''.join(cards)}"
            f'<div class="pagination">{forward}</div></main>{foot_l}</body></html>'
        )
        pages[_list_url(p + 1)] = body.encode("utf-8")
    for c in calls:
        slug = c["id"].lower()
        deadline = c["deadline"]
        when = (
            f"Anträge können bis zum {date.fromisoformat(deadline).strftime('%d.%m.%Y')} gestellt werden."
            if deadline
            else "Anträge können laufend gestellt werden."
        )
        eligible = ", ".join(c["eligible"]) or "Kommune"
        paragraphs = "".join(f"<p>{html.escape(s)}.</p>" for s in c["text"].split(". ") if s)
        body = (
            f'<!DOCTYPE html><html lang="de"><head><meta charset="utf-8">'
            f"<title>{html.escape(c['title'])}</title>"
            f'<link rel="canonical" href="{DETAIL_PREFIX}{slug}.html">'
            f'<meta name="description" content="{html.escape(c["summary"])}"></head><body>'
            f"{head_d}<main><h1>{html.escape(c['title'])}</h1>"
            '<dl class="document-info-fundingprogram">'
            "<dt>Förderart:</dt><dd>Zuschuss</dd>"
            "<dt>Förderbereich:</dt><dd>Digitalisierung, Infrastruktur</dd>"
            f"<dt>Fördergebiet:</dt><dd>{html.escape(c['region'] or 'bundesweit')}</dd>"
            f"<dt>Förderberechtigte:</dt><dd>{html.escape(eligible)}</dd>"
            f"<dt>Fördergeber:</dt><dd>{html.escape(c['funder'])}</dd></dl>"
            f'<div class="rich--text"><p>{html.escape(c["summary"])}</p>{paragraphs}'
            f"<p>{when}</p></div></main>{foot_d}</body></html>"
        )
        pages[f"{DETAIL_PREFIX}{slug}.html"] = body.encode("utf-8")
    return pages


# ------------------------------------------------------------------------------ the server


class _Handler(BaseHTTPRequestHandler):
    pages: ClassVar[dict[str, tuple[bytes, str]]] = {}
    protocol_version = "HTTP/1.1"

    def log_message(self, *_args: Any) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        path = self.path
        if path == "/robots.txt":
            return self._send(200, ROBOTS, "text/plain", "")
        hit = self.pages.get(path)
        if hit is None:
            return self._send(404, b"not found", "text/plain", "")
        body, etag = hit
        if self.headers.get("If-None-Match") == etag or (
            not self.headers.get("If-None-Match")
            and self.headers.get("If-Modified-Since") == LAST_MODIFIED
        ):
            self.send_response(304)
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", LAST_MODIFIED)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        return self._send(200, body, "text/html; charset=utf-8", etag)

    def _send(self, status: int, body: bytes, ctype: str, etag: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        if etag:
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", LAST_MODIFIED)
        self.end_headers()
        self.wfile.write(body)


def serve(site_file: Path) -> None:
    """Child process: serve the pages in `site_file` (JSON path -> latin-1 body); print the port."""
    raw = json.loads(site_file.read_text(encoding="utf-8"))
    _Handler.pages = {
        path: (body.encode("latin-1"), '"' + hashlib.sha1(body.encode("latin-1")).hexdigest() + '"')
        for path, body in raw.items()
    }
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    print(httpd.server_address[1], flush=True)
    deadline = time.monotonic() + 1800  # never outlive a forgotten parent for long
    httpd.timeout = 1.0
    while time.monotonic() < deadline:
        httpd.handle_request()


# ------------------------------------------------------------------------------ the runs


def run(n_pages: int, timeout: float = 900.0) -> dict[str, Any]:
    from sqlalchemy import select

    import scrapers.crawl as crawl_module
    from scrapers.fetch import FetchConfig
    from scrapers.sources import SourceConfig
    from webapp.db import make_engine, make_session_factory
    from webapp.migrate import upgrade
    from webapp.models import ScrapeRun
    from webapp.scraping import scrape_source

    workdir = Path(tempfile.mkdtemp(prefix="fm-bench-scrape-"))
    proc = None
    try:
        t0 = time.perf_counter()
        site = build_site(n_pages)
        site_file = workdir / "site.json"
        site_file.write_text(
            json.dumps({k: v.decode("latin-1") for k, v in site.items()}), encoding="utf-8"
        )
        build_s = time.perf_counter() - t0
        proc = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.bench_scraping", "--serve", str(site_file)],
            cwd=REPO_ROOT, stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        assert proc.stdout is not None
        port = int(proc.stdout.readline().strip())
        engine = make_engine(f"sqlite:///{workdir / 'scrape.db'}")
        upgrade(engine)
        factory = make_session_factory(engine)
        fetch = FetchConfig(delay=0.0, allow_private=True, retries=1, read_timeout=30.0)
        source = SourceConfig(
            name="foerderdatenbank-bench",
            kind="foerderdatenbank",
            url=f"http://127.0.0.1:{port}{_list_url(1)}",
            max_pages=10_000,
            fetch=fetch,
        )
        parses = {"n": 0}
        real_parse = crawl_module._parse

        def counting_parse(*args: Any, **kwargs: Any) -> Any:
            parses["n"] += 1
            return real_parse(*args, **kwargs)

        crawl_module._parse = counting_parse
        runs: list[dict[str, Any]] = []
        try:
            for label in ("first run", "second run (nothing changed)"):
                parses["n"] = 0
                start = time.perf_counter()
                report = scrape_source(factory, source, today=date(2026, 11, 26))
                seconds = time.perf_counter() - start
                with factory() as session:
                    row = session.scalars(select(ScrapeRun).order_by(ScrapeRun.id.desc())).first()
                    fetched_bytes = row.bytes_received if row else None
                runs.append(
                    {
                        "run": label,
                        "status": report.status,
                        "message": report.message[:300],
                        "requests": report.requests,
                        "not_modified": report.not_modified,
                        "bytes": fetched_bytes,
                        "parses": parses["n"],
                        "records": report.parsed,
                        "new": report.new,
                        "changed": report.changed,
                        "unchanged": report.unchanged,
                        "errors": report.errors,
                        "seconds": seconds,
                    }
                )
                if time.perf_counter() - t0 > timeout:
                    break
        finally:
            crawl_module._parse = real_parse
        engine.dispose()
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=10)
        shutil.rmtree(workdir, ignore_errors=True)
    first, second = runs[0], runs[-1]
    summary: dict[str, Any] = {"pages": len(site), "site_build_s": build_s}
    if len(runs) == 2 and first["bytes"]:
        summary["second_bytes_share"] = (second["bytes"] or 0) / first["bytes"]
        summary["second_parses"] = second["parses"]
    payload = {"runs": runs, "summary": summary}
    print_report(payload)
    path = write_result("scraping", payload)
    print(f"\nJSON: {path}")
    return payload


def print_report(payload: dict[str, Any]) -> None:
    s = payload["summary"]
    print(f"\nScraping {s['pages']} pages from a local server (Förderdatenbank format)")
    headers = ["run", "status", "requests", "304", "bytes", "parses", "new", "unchanged",
               "errors", "seconds"]  # fmt: skip
    rows = [
        [
            r["run"],
            r["status"],
            r["requests"],
            r["not_modified"],
            r["bytes"],
            r["parses"],
            r["new"],
            r["unchanged"],
            r["errors"],
            r["seconds"],
        ]
        for r in payload["runs"]
    ]
    print(table(headers, rows))
    if "second_bytes_share" in s:
        print(f"  second run: {100 * s['second_bytes_share']:.2f} % of the first run's bytes, "
              f"{s['second_parses']} parses")  # fmt: skip
    for r in payload["runs"]:
        if r["message"]:
            print(f"  {r['run']}: {r['message']}")


def main(argv: list[str] | None = None) -> dict[str, Any] | None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="198 pages instead of 2,002")
    ap.add_argument("--pages", type=int)
    ap.add_argument("--serve", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.serve:
        serve(Path(args.serve))
        return None
    return run(args.pages or (200 if args.quick else 2_000))


if __name__ == "__main__":
    main()
