"""Eligibility for a county outside NRW (Landkreis Cham in the Oberpfalz, a reviewer's
strategy): districts named without "Regierungsbezirk", Kreise named as the place of the
applicants, and a summary cut off in the middle of a word."""

from __future__ import annotations

import pytest

from matcher.eligibility import assess
from matcher.strategy import RegionProfile, Strategy, parse_strategy
from matcher.types import Eligibility
from tests.matcher.conftest import make_call

# A small strategy of another state's county (from the reviewer's cham-good.yaml).
CHAM_YAML = """
id: cham
name: Digitaler Landkreis Cham
region_profile:
  state: Bayern
  county: Landkreis Cham
  administrative_district: Regierungsbezirk Oberpfalz
  rural: true
  structurally_weak: true
  applicants:
    - {name: Landkreis Cham, type: Landkreis}
    - {name: Cham, type: Große Kreisstadt}
    - {name: Roding, type: Stadt}
themes:
  - id: verwaltung
    name: Digitale Verwaltung
    priority: 1
    goals:
      - {id: DV1, text: Alle Verwaltungsleistungen online anbieten.}
projects:
  - id: CHA-01
    title: Digitales Rathaus im Landkreis Cham
    theme: verwaltung
    goals: [DV1]
    summary: Online-Dienste über das BayernPortal in allen Rathäusern.
    keywords: [BayernPortal, OZG]
"""


@pytest.fixture(scope="module")
def cham() -> RegionProfile:
    return parse_strategy(CHAM_YAML, "cham.yaml").region_profile


def _assess(profile: RegionProfile, text: str, region: str = "Bayern", **kw: object) -> Eligibility:
    return assess(make_call("c", "Förderaufruf", text, region=region, **kw), profile)


def test_a_district_named_alone_restricts(cham: RegionProfile) -> None:
    """ "Gemeinden in Unterfranken" was eligible for a county in the Oberpfalz: a
    Regierungsbezirk was only read after the word "Regierungsbezirk"."""
    e = _assess(cham, "Antragsberechtigt sind Gemeinden in Unterfranken.")
    assert e.status == "ineligible"
    assert e.reasons[0] == (
        "laut Aufruftext nur für Antragsteller im Regierungsbezirk Unterfranken – Landkreis Cham "
        "liegt nicht darin: „Antragsberechtigt sind Gemeinden in Unterfranken.“"
    )
    e = _assess(cham, "Antragsberechtigt sind Gemeinden in Ober- und Mittelfranken.")
    assert e.status == "ineligible"
    assert e.reasons[0].startswith(
        "laut Aufruftext nur für Antragsteller in den Regierungsbezirken Oberfranken und "
        "Mittelfranken – Landkreis Cham liegt nicht darin"
    )
    # also for a call for the whole country
    e = _assess(cham, "Antragsberechtigt sind Kommunen aus Oberbayern.", region="Deutschland")
    assert e.status == "ineligible"


def test_own_district_named_alone_stays_eligible(cham: RegionProfile) -> None:
    for text in (
        "Antragsberechtigt sind Gemeinden in Niederbayern und der Oberpfalz.",
        "Antragsberechtigt sind Landkreise und Gemeinden in der Oberpfalz.",
        # where to apply is no restriction
        "Antragsberechtigt sind Gemeinden. Anträge sind bei der Regierung von Oberbayern "
        "einzureichen.",
    ):
        assert _assess(cham, text).status == "eligible", text


def test_a_district_as_the_region_field(cham: RegionProfile, strategy: Strategy) -> None:
    """A call whose region field is "Oberbayern" was "unklar" for a county in the Oberpfalz."""
    e = _assess(cham, "Antragsberechtigt sind Gemeinden.", region="Oberbayern")
    assert e.status == "ineligible"
    assert e.reasons[0] == "nur für Oberbayern – Landkreis Cham liegt nicht darin"
    assert _assess(cham, "Antragsberechtigt sind Gemeinden.", region="Oberpfalz").status == (
        "eligible"
    )
    # a name that is also a city ("Münster") is read as a district only after the word
    e = _assess(strategy.region_profile, "Antragsberechtigt sind Gemeinden in Detmold.", "NRW")
    assert e.status == "eligible"


def test_kreise_named_as_the_place_restrict(cham: RegionProfile, strategy: Strategy) -> None:
    """ "Kommunen in den Landkreisen Passau, Regen und Freyung-Grafenau" was eligible for any
    county: only "die Kreise X, Y" (the Kreise as applicants) was read."""
    e = _assess(
        cham,
        "Antragsberechtigt sind Kommunen in den Landkreisen Passau, Regen und Freyung-Grafenau.",
        eligible=["Kommune"],
    )
    assert e.status == "ineligible"
    assert e.reasons[0].startswith(
        "laut Aufruftext nur für Antragsteller in den Kreisen Passau, Regen und Freyung-Grafenau "
        "– Landkreis Cham liegt nicht darin: „Antragsberechtigt sind Kommunen in den"
    )
    coesfeld = strategy.region_profile
    e = _assess(
        coesfeld,
        "Antragsberechtigt sind Kommunen in den Kreisen Borken, Steinfurt und Warendorf.",
        "NRW",
    )
    assert e.status == "ineligible"
    assert e.reasons[0].startswith(
        "laut Aufruftext nur für Antragsteller in den Kreisen Borken, Steinfurt und Warendorf – "
        "Kreis Coesfeld liegt nicht darin"
    )
    e = _assess(coesfeld, "Antragsberechtigt sind Gemeinden im Kreis Borken.", "NRW")
    assert e.reasons[0].startswith("laut Aufruftext nur für Antragsteller im Kreis Borken –")


def test_own_kreis_among_the_places_or_no_kreis_named(strategy: Strategy) -> None:
    coesfeld = strategy.region_profile
    for text in (
        "Antragsberechtigt sind Kommunen in den Kreisen Borken und Coesfeld.",
        "Antragsberechtigt sind Gemeinden im Kreis Coesfeld.",
        # a state, a word in lower case, a preference: no Kreis named
        "Antragsberechtigt sind Kommunen in den Kreisen Nordrhein-Westfalens.",
        "Antragsberechtigt sind Kommunen in den Kreisen entlang der Grenze.",
        "Antragsberechtigt sind Kommunen, insbesondere in den Kreisen Borken und Steinfurt.",
    ):
        assert _assess(coesfeld, text, "NRW").status == "eligible", text


BY03_TEXT = (
    "Gefördert werden Informationssicherheitsmanagement (ISMS), Notfallvorsorge gegen "
    "Cyberangriffe und IT-Sicherheit. Antragsberechtigt sind Landkreise und Gemeinden im "
    "Regierungsbezirk Oberpfalz."
)


def test_a_summary_cut_off_mid_word_does_not_decide(cham: RegionProfile) -> None:
    """A summary that is the text's beginning cut off without "…" ("Antragsberechtigt sind
    Landkreise un") made the county ineligible: "laut Aufruftext nur für die Kreise un"."""
    cut = BY03_TEXT[: BY03_TEXT.index("und Gemeinden") + 2]
    assert cut.endswith("Landkreise un")
    e = _assess(cham, BY03_TEXT, summary=cut)
    assert e.status == "eligible"
    assert e.reasons == [
        "Antragsberechtigung aus dem Aufruftext gelesen: „Antragsberechtigt sind Landkreise "
        "und Gemeinden im Regierungsbezirk Oberpfalz.“"
    ]
    # a summary of its own whose last applicant sentence is cut off
    e = _assess(
        cham,
        BY03_TEXT,
        summary="Mehr IT-Sicherheit in der Oberpfalz. Antragsberechtigt sind Landkreise un",
    )
    assert e.status == "eligible"
    # a complete summary still counts
    e = _assess(
        cham, "Gefördert wird IT-Sicherheit.", summary="Antragsberechtigt sind nur Landkreise."
    )
    assert e.applicants == ["Landkreis Cham"]
