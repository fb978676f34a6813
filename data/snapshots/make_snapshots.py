"""Write the bundled snapshots in data/snapshots/<source>/ (run from the repository root).

The snapshots are written by the project, modelled on the structure of the real sources
(Förderdatenbank, foerderinfo.bund.de, the EU SEDIA search API, RSS/Atom feeds, ministry
list pages, a foundation's WordPress feed). Texts, amounts, dates and URL paths are illustrative, dated relative to
2026-11-26, and must not be taken as facts about real programmes.

    .venv/bin/python data/snapshots/make_snapshots.py
"""

from __future__ import annotations

import hashlib
import html
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from scrapers.crawl import _with_params, multipart_body  # noqa: E402
from scrapers.sources import load_sources  # noqa: E402

OUT = ROOT / "data" / "snapshots"
LAST_MODIFIED = "Wed, 25 Nov 2026 07:00:00 GMT"
E = html.escape

# --- Förderdatenbank --------------------------------------------------------------------

FDB = "https://www.foerderdatenbank.de/"
FDB_PROGRAMMES: list[dict[str, Any]] = [
    {
        "path": "Bund/BMEL/smarte-land-regionen",
        "title": "Smarte.Land.Regionen – Modellvorhaben für ländliche Landkreise",
        "art": "Zuschuss",
        "bereich": "Digitalisierung, Landwirtschaft & Ländliche Entwicklung, Smart Cities & Regionen",
        "gebiet": "bundesweit",
        "berechtigte": "Kommune",
        "geber": "Bundesministerium für Ernährung und Landwirtschaft (BMEL)",
        "kontakt": "Bundesanstalt für Landwirtschaft und Ernährung (BLE)",
        "kurz": "Wenn Sie als ländlicher Landkreis digitale Dienste für die Daseinsvorsorge entwickeln und erproben wollen, können Sie eine Förderung als Modellregion erhalten.",
        "voll": [
            "Das BMEL fördert im Rahmen des Bundesprogramms Ländliche Entwicklung und Regionale Wertschöpfung (BULE) Landkreise, die digitale Lösungen für die Daseinsvorsorge in ländlichen Räumen entwickeln, etwa in den Bereichen Mobilität, Arbeit, Nahversorgung, Gesundheit und Verwaltung.",
            "Gefördert werden die Entwicklung und Erprobung digitaler Dienste auf einer gemeinsamen Plattform, Coworking-Angebote und Vorhaben der smarten Arbeit sowie die wissenschaftliche Begleitung.",
            "Sie erhalten die Förderung als Zuschuss von bis zu 1 Mio. Euro je Landkreis. Die Förderquote beträgt bis zu 90 % der zuwendungsfähigen Ausgaben.",
            "Interessenbekundungen sind bis zum 15.02.2027 einzureichen. Ausgewählte Landkreise werden zur Vorlage einer Projektskizze bis zum 30.06.2027 aufgefordert.",
        ],
        "voraussetzungen": [
            "Antragsberechtigt sind Landkreise in ländlichen Räumen nach der Thünen-Typologie.",
            "Kreisangehörige Gemeinden können als Partner beteiligt werden.",
        ],
        "recht": "Richtlinie zur Förderung von Modellvorhaben Smarte.Land.Regionen vom 12.10.2026",
    },
    {
        "path": "Bund/BMI/heimat-2-0",
        "title": "Heimat 2.0 – Förderaufruf für digitale Projekte in Gemeinden",
        "art": "Zuschuss",
        "bereich": "Digitalisierung, Regionalförderung",
        "gebiet": "bundesweit",
        "berechtigte": "Kommune",
        "geber": "Bundesministerium des Innern (BMI)",
        "kontakt": "Bundesamt für Bauwesen und Raumordnung (BBR)",
        "kurz": "Wenn Sie als Stadt oder Gemeinde im ländlichen Raum ein digitales Projekt für lokale Gemeinschaft, Handel oder Ehrenamt umsetzen wollen, können Sie einen Zuschuss erhalten.",
        "voll": [
            "Mit dem Förderaufruf Heimat 2.0 unterstützt der Bund Städte und Gemeinden, die mit digitalen Anwendungen das Zusammenleben vor Ort stärken, zum Beispiel regionale Online-Marktplätze, Dorf-Apps, digitale Ehrenamtsplattformen oder digitale Angebote in Ortskernen.",
            "Sie erhalten einen Zuschuss von bis zu 600.000 Euro je Vorhaben; die Förderquote beträgt bis zu 90 Prozent der zuwendungsfähigen Ausgaben.",
            "Projektskizzen sind bis zum 31.03.2027 beim Projektträger einzureichen.",
        ],
        "voraussetzungen": [
            "Antragsberechtigt sind Gemeinden unterhalb der Kreisebene und interkommunale Verbünde solcher Gemeinden.",
            "Landkreise sind nicht antragsberechtigt.",
        ],
        "recht": "Förderaufruf Heimat 2.0 vom 02.11.2026",
    },
    {
        "path": "Bund/BMWSB/modellprojekte-smart-cities",
        "title": "Modellprojekte Smart Cities – Aufruf 2027",
        "art": "Zuschuss",
        "bereich": "Digitalisierung, Smart Cities & Regionen, Städtebau & Stadterneuerung",
        "gebiet": "bundesweit",
        "berechtigte": "Kommune",
        "geber": "Bundesministerium für Wohnen, Stadtentwicklung und Bauwesen (BMWSB)",
        "kontakt": "KfW Bankengruppe",
        "kurz": "Wenn Sie als Kommune eine integrierte Smart-City-Strategie entwickeln und umsetzen wollen, können Sie eine Förderung als Modellprojekt erhalten.",
        "voll": [
            "Gefördert werden Städte, Gemeinden, Landkreise und interkommunale Kooperationen, die eine Smart-City-Strategie erarbeiten und Maßnahmen wie urbane Datenplattformen, digitale Zwillinge, Sensornetze und digitale Beteiligung umsetzen.",
            "Die Förderquote beträgt 65 % der förderfähigen Kosten, für Kommunen in Haushaltsnotlage bis zu 85 %.",
            "Interessenbekundungen können bis zum 28.02.2027 eingereicht werden; die Anträge der ausgewählten Modellprojekte folgen bis zum 30.09.2027.",
        ],
        "voraussetzungen": ["Antragsberechtigt sind Kommunen, Landkreise und kommunale Verbünde."],
        "recht": "Förderaufruf Modellprojekte Smart Cities 2027",
    },
    {
        "path": "Land/NRW/digitale-verwaltung-kommunen",
        "title": "Digitale Verwaltung NRW – Förderung der OZG-Umsetzung in Kommunen",
        "art": "Zuschuss",
        "bereich": "Digitalisierung",
        "gebiet": "Nordrhein-Westfalen",
        "berechtigte": "Kommune",
        "geber": "Ministerium für Heimat, Kommunales, Bau und Digitalisierung des Landes Nordrhein-Westfalen",
        "kontakt": "Bezirksregierung Münster",
        "kurz": "Wenn Sie als Kommune in Nordrhein-Westfalen Verwaltungsleistungen nach dem Onlinezugangsgesetz vollständig digital anbieten wollen, können Sie einen Zuschuss erhalten.",
        "voll": [
            "Das Land fördert die Anbindung kommunaler Fachverfahren an das Serviceportal NRW, Online-Anträge mit E-Payment und Nutzerkonto sowie die Einführung der E-Akte in Städten, Gemeinden und Kreisen.",
            "Die Zuwendung beträgt bis zu 80 % der zuwendungsfähigen Ausgaben, höchstens 250.000 Euro je Kommune; interkommunale Vorhaben erhalten bis zu 500.000 Euro.",
            "Anträge sind bis zum 30.04.2027 bei der zuständigen Bezirksregierung zu stellen.",
        ],
        "voraussetzungen": [
            "Antragsberechtigt sind Gemeinden, Städte und Kreise in Nordrhein-Westfalen sowie Zweckverbände."
        ],
        "recht": "Richtlinie Digitale Verwaltung NRW vom 01.09.2026",
    },
    {
        "path": "Bund/BMDV/gigabitfoerderung",
        "title": "Gigabitförderung 2.0 – Ausbau gigabitfähiger Netze in unterversorgten Gebieten",
        "art": "Zuschuss",
        "bereich": "Digitalisierung, Infrastruktur",
        "gebiet": "bundesweit",
        "berechtigte": "Kommune",
        "geber": "Bundesministerium für Digitales und Staatsmodernisierung (BMDS)",
        "kontakt": "PwC Legal AG – Projektträger Breitband",
        "kurz": "Wenn Sie als Gebietskörperschaft den Glasfaserausbau in Gebieten ohne gigabitfähige Versorgung planen, können Sie einen Zuschuss erhalten.",
        "voll": [
            "Gefördert wird der Ausbau von Glasfasernetzen in grauen und weißen Flecken im Wirtschaftlichkeitslückenmodell oder Betreibermodell, einschließlich Schulen, Gewerbegebieten und Außenbereichen.",
            "Der Bund trägt 50 % der zuwendungsfähigen Kosten, das Land kofinanziert in der Regel weitere 40 %; der Höchstbetrag liegt bei 150 Mio. Euro je Projekt.",
            "Anträge im Förderaufruf 2027 können bis zum 31.05.2027 gestellt werden.",
        ],
        "voraussetzungen": [
            "Antragsberechtigt sind Gemeinden, Städte, Landkreise und kommunale Zweckverbände."
        ],
        "recht": "Richtlinie Gigabitförderung 2.0 in der Fassung vom 15.03.2026",
    },
    {
        "path": "Land/NRW/digitale-schulinfrastruktur",
        "title": "Digitale Schulinfrastruktur NRW – WLAN, Endgeräte und Administration",
        "art": "Zuschuss",
        "bereich": "Aus- & Weiterbildung, Digitalisierung",
        "gebiet": "Nordrhein-Westfalen",
        "berechtigte": "Kommune, Öffentliche Einrichtung",
        "geber": "Ministerium für Schule und Bildung des Landes Nordrhein-Westfalen",
        "kontakt": "Bezirksregierung Münster, Dezernat 48",
        "kurz": "Wenn Sie als Schulträger WLAN, Präsentationstechnik oder IT-Administration an Schulen ausbauen wollen, können Sie einen Zuschuss erhalten.",
        "voll": [
            "Gefördert werden die digitale Vernetzung von Schulgebäuden, schulisches WLAN, Anzeige- und Interaktionsgeräte sowie der Aufbau professioneller Administration und Wartung durch Schulträger.",
            "Die Förderquote beträgt 90 % der zuwendungsfähigen Ausgaben.",
            "Anträge sind bis zum 31.08.2027 über das Förderportal einzureichen.",
        ],
        "voraussetzungen": [
            "Antragsberechtigt sind öffentliche Schulträger und Träger von Ersatzschulen."
        ],
        "recht": "Förderrichtlinie Digitale Schulinfrastruktur NRW vom 20.06.2026",
        "layout": "single",
    },
    {
        "path": "Land/Bayern/digitales-rathaus-bayern",
        "title": "Förderprogramm Digitales Rathaus Bayern",
        "art": "Zuschuss",
        "bereich": "Digitalisierung",
        "gebiet": "Bayern",
        "berechtigte": "Kommune",
        "geber": "Bayerisches Staatsministerium für Digitales",
        "kontakt": "Landesamt für Digitalisierung, Breitband und Vermessung",
        "kurz": "Wenn Sie als bayerische Gemeinde Online-Dienste für Bürgerinnen und Bürger einführen, können Sie einen Zuschuss erhalten.",
        "voll": [
            "Gefördert werden bayerische Gemeinden, Märkte und Städte, die Verwaltungsleistungen online bereitstellen.",
            "Der Zuschuss beträgt 80 % der förderfähigen Ausgaben, höchstens 20.000 Euro.",
            "Anträge sind bis zum 31.12.2026 zu stellen.",
        ],
        "voraussetzungen": ["Antragsberechtigt sind Gemeinden in Bayern."],
        "recht": "Förderrichtlinie Digitales Rathaus vom 01.01.2025",
    },
    {
        "path": "Land/Sachsen/regionalbudget-laendlicher-raum",
        "title": "Regionalbudget für Vorhaben im ländlichen Raum Sachsens",
        "art": "Zuschuss",
        "bereich": "Landwirtschaft & Ländliche Entwicklung, Regionalförderung",
        "gebiet": "Sachsen",
        "berechtigte": "Kommune, Verband/Vereinigung, Privatperson",
        "geber": "Sächsisches Staatsministerium für Regionalentwicklung",
        "kontakt": "Sächsische Aufbaubank",
        "kurz": "Wenn Sie in einer sächsischen LEADER-Region ein Kleinprojekt umsetzen, können Sie einen Zuschuss erhalten.",
        "voll": [
            "Gefördert werden Kleinprojekte bis 20.000 Euro in den LEADER-Gebieten des Freistaates Sachsen.",
            "Projektaufrufe der Regionen enden jeweils am 31.01.2027.",
        ],
        "voraussetzungen": [
            "Antragsberechtigt sind Kommunen, Vereine und Privatpersonen mit Sitz in Sachsen."
        ],
        "recht": "RL LEADER/2023",
    },
    {
        "path": "Bund/BMWi/digitalisierungspraemie-kmu",
        "title": "Digitalisierungsprämie für kleine und mittlere Unternehmen",
        "art": "Zuschuss",
        "bereich": "Digitalisierung, Unternehmensfinanzierung",
        "gebiet": "bundesweit",
        "berechtigte": "Unternehmen",
        "geber": "Bundesministerium für Wirtschaft und Energie (BMWE)",
        "kontakt": "Bundesamt für Wirtschaft und Ausfuhrkontrolle (BAFA)",
        "kurz": "Wenn Sie als kleines oder mittleres Unternehmen in Software, Hardware oder IT-Sicherheit investieren, können Sie eine Prämie erhalten.",
        "voll": [
            "Gefördert werden Investitionen kleiner und mittlerer Unternehmen in digitale Technologien und IT-Sicherheit.",
            "Der Zuschuss beträgt 50 % der Ausgaben, höchstens 15.000 Euro.",
            "Antragsstopp: Die Mittel für 2026 sind ausgeschöpft; neue Anträge sind erst nach Veröffentlichung des nächsten Aufrufs möglich.",
        ],
        "voraussetzungen": [
            "Antragsberechtigt sind kleine und mittlere Unternehmen der gewerblichen Wirtschaft."
        ],
        "recht": "Richtlinie Digitalisierungsprämie vom 01.02.2026",
    },
    {
        "path": "Land/NRW/mittelstand-innovativ-digital",
        "title": "Mittelstand Innovativ & Digital (MID) – Gutscheine für KMU",
        "art": "Zuschuss",
        "bereich": "Digitalisierung, Forschung & Innovation (themenoffen)",
        "gebiet": "Nordrhein-Westfalen",
        "berechtigte": "Unternehmen",
        "geber": "Ministerium für Wirtschaft, Industrie, Klimaschutz und Energie des Landes Nordrhein-Westfalen",
        "kontakt": "Projektträger Jülich (PtJ)",
        "kurz": "Wenn Sie als mittelständisches Unternehmen in NRW externe Digitalisierungsleistungen einkaufen, können Sie einen Gutschein erhalten.",
        "voll": [
            "Mit MID-Digitalisierung werden Beratungs- und Umsetzungsleistungen externer Dienstleister für Unternehmen gefördert.",
            "Der Zuschuss beträgt bis zu 50 % der Ausgaben, höchstens 15.000 Euro.",
            "Anträge können laufend gestellt werden.",
        ],
        "voraussetzungen": [
            "Antragsberechtigt sind KMU mit Sitz oder Betriebsstätte in Nordrhein-Westfalen."
        ],
        "recht": "Richtlinie MID vom 15.05.2025",
    },
    {
        "path": "Bund/KfW/investitionskredit-kommunen",
        "title": "IKK – Investitionskredit Kommunen",
        "art": "Darlehen",
        "bereich": "Infrastruktur",
        "gebiet": "bundesweit",
        "berechtigte": "Kommune",
        "geber": "KfW Bankengruppe",
        "kontakt": "KfW Bankengruppe",
        "kurz": "Wenn Sie als Kommune in die kommunale und soziale Infrastruktur investieren, können Sie ein zinsgünstiges Darlehen erhalten.",
        "voll": [
            "Finanziert werden Investitionen in Schulen, Verwaltungsgebäude, Straßen und digitale Infrastruktur.",
            "Sie erhalten ein Darlehen von bis zu 150 Mio. Euro. Anträge können jederzeit gestellt werden.",
        ],
        "voraussetzungen": [
            "Antragsberechtigt sind kommunale Gebietskörperschaften und Gemeindeverbände."
        ],
        "recht": "Merkblatt IKK 208, Stand 01/2026",
        "layout": "single",
    },
    {
        "path": "Land/NRW/dritte-orte-kultur",
        "title": "Dritte Orte – Häuser für Kultur und Begegnung im ländlichen Raum",
        "art": "zuschuss",
        "bereich": "kultur_medien_sport, regionalfoerderung",
        "gebiet": "nordrhein_westfalen",
        "berechtigte": "kommune, verband_vereinigung",
        "geber": "Ministerium für Kultur und Wissenschaft des Landes Nordrhein-Westfalen",
        "kontakt": "Ministerium für Kultur und Wissenschaft NRW",
        "kurz": "Wenn Sie in einer ländlichen Gemeinde einen Ort für Kultur und Begegnung entwickeln, können Sie einen Zuschuss erhalten.",
        "voll": [
            "Gefördert werden Konzeptphasen und Umsetzung von Kultur- und Begegnungsorten in Gemeinden bis 30.000 Einwohnern, auch mit digitalen Kulturangeboten.",
            "Die Förderung beträgt bis zu 80 % der zuwendungsfähigen Ausgaben, höchstens 450.000 Euro.",
            "Bewerbungen sind bis zum 15. März 2027 möglich.",
        ],
        "voraussetzungen": [
            "Antragsberechtigt sind Gemeinden sowie gemeinnützige Vereine in Kooperation mit ihrer Gemeinde."
        ],
        "recht": "Förderaufruf Dritte Orte, dritte Runde",
        "codes": True,
    },
    {
        "path": "Land/NRW/telemedizin-laendliche-regionen",
        "title": "Telemedizin und digitale Versorgung in ländlichen Regionen NRW",
        "art": "Zuschuss",
        "bereich": "Digitalisierung, Gesundheit & Soziales",
        "gebiet": "Nordrhein-Westfalen",
        "berechtigte": "Kommune, Unternehmen, Öffentliche Einrichtung",
        "geber": "Ministerium für Arbeit, Gesundheit und Soziales des Landes Nordrhein-Westfalen",
        "kontakt": "Landeszentrum Gesundheit NRW",
        "kurz": "Wenn Sie telemedizinische Angebote oder digitale Pflegeunterstützung in ländlichen Regionen aufbauen, können Sie einen Zuschuss erhalten.",
        "voll": [
            "Gefördert werden Tele-Sprechstunden, Tele-Notarzt-Systeme, digitale Assistenzsysteme für die Pflege und die Vernetzung von Praxen, Kliniken und Rettungsdienst.",
            "Die Förderquote beträgt bis zu 70 %; der Zuschuss ist auf 400.000 Euro je Vorhaben begrenzt.",
            "Projektskizzen sind bis zum 15.01.2027 einzureichen, Förderanträge nach Aufforderung bis zum 30.04.2027.",
        ],
        "voraussetzungen": [
            "Antragsberechtigt sind Kreise, kreisfreie Städte, Krankenhausträger und Träger von Pflegeeinrichtungen."
        ],
        "recht": "Förderaufruf Telemedizin NRW 2027",
    },
    {
        "path": "Land/NRW/on-demand-verkehre",
        "title": "ÖPNV-Digitalisierungsoffensive NRW – On-Demand-Verkehre im ländlichen Raum",
        "art": "Zuschuss",
        "bereich": "Digitalisierung, Mobilität",
        "gebiet": "Nordrhein-Westfalen",
        "berechtigte": "Kommune, Unternehmen",
        "geber": "Ministerium für Umwelt, Naturschutz und Verkehr des Landes Nordrhein-Westfalen",
        "kontakt": "Kompetenzcenter Digitalisierung NRW",
        "kurz": "Wenn Sie als Aufgabenträger digitale Bedarfsverkehre einführen, können Sie einen Zuschuss erhalten.",
        "voll": [
            "Gefördert werden per App buchbare On-Demand-Verkehre, Mobilstationen mit Echtzeitinformation und die Integration in landesweite Auskunfts- und Buchungssysteme.",
            "Die Förderquote beträgt 75 % der zuwendungsfähigen Ausgaben, höchstens 2 Mio. Euro je Vorhaben.",
            "Anträge sind bis zum 31.03.2027 einzureichen.",
        ],
        "voraussetzungen": [
            "Antragsberechtigt sind Kreise und kreisfreie Städte als Aufgabenträger des ÖPNV sowie Verkehrsunternehmen in deren Auftrag."
        ],
        "recht": "Richtlinie ÖPNV-Digitalisierungsoffensive NRW",
    },
    {
        "path": "Land/NRW/coworking-laendlicher-raum",
        "title": "Coworking im ländlichen Raum – Förderung gemeinschaftlicher Arbeitsorte",
        "art": "Zuschuss",
        "bereich": "Arbeit, Regionalförderung, Digitalisierung",
        "gebiet": "Nordrhein-Westfalen",
        "berechtigte": "Kommune, Unternehmen, Verband/Vereinigung",
        "geber": "Ministerium für Landwirtschaft und Verbraucherschutz des Landes Nordrhein-Westfalen",
        "kontakt": "Landwirtschaftskammer Nordrhein-Westfalen",
        "kurz": "Wenn Sie in einem Dorf oder einer Kleinstadt einen Coworking-Space einrichten, können Sie einen Zuschuss erhalten.",
        "voll": [
            "Gefördert werden Umbau und Ausstattung von Coworking-Spaces und Orten für mobiles Arbeiten in Orten bis 10.000 Einwohnern sowie Buchungsplattformen und die Vernetzung der Standorte.",
            "Die Förderung beträgt bis zu 65 % der Ausgaben, höchstens 250.000 Euro.",
            "Anträge sind bis zum 30.06.2027 zu stellen.",
        ],
        "voraussetzungen": [
            "Antragsberechtigt sind Gemeinden, Kreise, Vereine und kleine Unternehmen."
        ],
        "recht": "Richtlinie Dorferneuerung und ländlicher Raum NRW, Teil Coworking",
    },
    {
        "path": "Bund/BMBF/forschung-hochschulen-transfer",
        "title": "Innovative Hochschule – Transfer und Kooperation",
        "art": "Zuschuss",
        "bereich": "Forschung & Innovation (themenoffen)",
        "gebiet": "bundesweit",
        "berechtigte": "Hochschule, Forschungseinrichtung",
        "geber": "Bundesministerium für Forschung, Technologie und Raumfahrt (BMFTR)",
        "kontakt": "Projektträger Jülich (PtJ)",
        "kurz": "Wenn Sie als Hochschule Ihren Wissens- und Technologietransfer ausbauen, können Sie einen Zuschuss erhalten.",
        "voll": [
            "Gefördert werden Transferstrategien von Fachhochschulen und kleinen und mittleren Universitäten.",
            "Projektskizzen sind bis zum 20.01.2027 einzureichen.",
        ],
        "voraussetzungen": [
            "Antragsberechtigt sind staatliche und staatlich anerkannte Hochschulen."
        ],
        "recht": "Bund-Länder-Vereinbarung Innovative Hochschule",
        "layout": "single",
    },
    {
        "path": "Land/NRW/sportstaetten-kommunen",
        "title": "Moderne Sportstätten NRW – Investitionspauschale für kommunale Sportanlagen",
        "art": "Zuschuss",
        "bereich": "Kultur, Medien & Sport, Infrastruktur",
        "gebiet": "Nordrhein-Westfalen",
        "berechtigte": "Kommune, Verband/Vereinigung",
        "geber": "Staatskanzlei des Landes Nordrhein-Westfalen",
        "kontakt": "NRW.BANK",
        "kurz": "Wenn Sie Sportstätten sanieren oder modernisieren, können Sie einen Zuschuss erhalten.",
        "voll": [
            "Gefördert werden Sanierung und Modernisierung kommunaler und vereinseigener Sportstätten.",
            "Anträge sind spätestens bis zum 30.09. jeden Jahres einzureichen.",
        ],
        "voraussetzungen": ["Antragsberechtigt sind Gemeinden und Sportvereine."],
        "recht": "Richtlinie Moderne Sportstätten",
    },
    {
        "path": "Bund/BMUV/kommunalrichtlinie",
        "title": "Kommunalrichtlinie – Klimaschutz in Kommunen",
        "art": "Zuschuss",
        "bereich": "Energieeffizienz & Erneuerbare Energien, Umwelt- & Naturschutz",
        "gebiet": "bundesweit",
        "berechtigte": "Kommune, Unternehmen, Verband/Vereinigung, Bildungseinrichtung",
        "geber": "Bundesministerium für Umwelt, Klimaschutz, Naturschutz und nukleare Sicherheit (BMUKN)",
        "kontakt": "Zukunft – Umwelt – Gesellschaft (ZUG) gGmbH",
        "kurz": "Wenn Sie als Kommune Klimaschutzmaßnahmen planen oder umsetzen, können Sie einen Zuschuss erhalten.",
        "voll": [
            "Gefördert werden Klimaschutzkonzepte, Klimaschutzmanagement sowie investive Maßnahmen wie LED-Beleuchtung und Radverkehrsinfrastruktur.",
            "Die Förderquote beträgt je nach Maßnahme 40 bis 70 %.",
            "Anträge können fortlaufend gestellt werden.",
        ],
        "voraussetzungen": [
            "Antragsberechtigt sind Kommunen, Zweckverbände und kommunale Unternehmen."
        ],
        "recht": "Kommunalrichtlinie vom 22.11.2025",
    },
    {
        "path": "Land/NRW/leader-regionen",
        "title": "LEADER in Nordrhein-Westfalen – Projektaufruf 2027",
        "art": "Zuschuss",
        "bereich": "Landwirtschaft & Ländliche Entwicklung, Regionalförderung",
        "gebiet": "Nordrhein-Westfalen",
        "berechtigte": "Kommune, Unternehmen, Verband/Vereinigung, Privatperson",
        "geber": "Ministerium für Landwirtschaft und Verbraucherschutz des Landes Nordrhein-Westfalen",
        "kontakt": "Bezirksregierung Münster, Dezernat 33",
        "kurz": "Wenn Sie in einer LEADER-Region ein Projekt zur ländlichen Entwicklung umsetzen, können Sie einen Zuschuss erhalten.",
        "voll": [
            "Die lokalen Aktionsgruppen wählen Projekte aus, die ihre regionale Entwicklungsstrategie umsetzen, etwa Dorfgemeinschaftsprojekte, Nahversorgung und Tourismus.",
            "Die Förderquote beträgt für Kommunen 70 %, für Vereine und Private bis zu 65 %.",
            "Projektideen sind bis zum 15.01.2027 bei der regionalen Geschäftsstelle einzureichen.",
        ],
        "voraussetzungen": [
            "Antragsberechtigt sind Gemeinden, Vereine, Unternehmen und Privatpersonen in LEADER-Regionen."
        ],
        "recht": "Förderrichtlinie LEADER NRW 2023–2027",
    },
]
# Page 2 repeats one programme of page 1, as the live site sometimes does.
FDB_PAGE_2_REPEAT = "Bund/BMI/heimat-2-0"

# --- foerderinfo.bund.de ----------------------------------------------------------------

FOERDERINFO: list[dict[str, str]] = [
    {
        "ministry": "BMFTR",
        "published": "2026-11-20",
        "deadline": "2027-02-26",
        "href": "https://www.bmftr.bund.de/SharedDocs/Bekanntmachungen/DE/2026/11/2026-11-20-Bekanntmachung-KI-Medizin.html",
        "title": "Richtlinie zur Förderung von Projekten zur künstlichen Intelligenz in der medizinischen Bildgebung",
        "text": "Gefördert werden Verbundprojekte von Hochschulen, Forschungseinrichtungen und Unternehmen. Projektskizzen sind bis zum 26.02.2027 einzureichen.",
    },
    {
        "ministry": "BMFTR",
        "published": "2026-11-18",
        "deadline": "2027-03-15",
        "href": "https://www.bmftr.bund.de/SharedDocs/Bekanntmachungen/DE/2026/11/2026-11-18-Bekanntmachung-Bildungskommunen.html",
        "title": "Richtlinie zur Förderung datenbasierter kommunaler Bildungslandschaften – Bildungskommunen",
        "text": "Antragsberechtigt sind Landkreise und kreisfreie Städte, die ein datenbasiertes kommunales Bildungsmanagement aufbauen und digitale Lernorte vernetzen. Gefördert werden Personal- und Sachausgaben bis zu 100 %.",
    },
    {
        "ministry": "BMV",
        "published": "2026-11-12",
        "deadline": "2027-01-31",
        "href": "https://www.bmv.de/SharedDocs/DE/Artikel/G/foerderaufruf-mobilitaet-laendlicher-raum.html",
        "title": "Förderaufruf: Digitale Mobilitätslösungen für ländliche Räume",
        "text": "Gefördert werden Kommunen und Landkreise, die On-Demand-Angebote, Mobilitätsplattformen und Echtzeitinformation im ländlichen Raum erproben. Die Förderquote beträgt bis zu 80 %.",
    },
    {
        "ministry": "BMFTR",
        "published": "2026-11-10",
        "deadline": "2027-02-02",
        "href": "https://www.bmftr.bund.de/SharedDocs/Bekanntmachungen/DE/2026/11/2026-11-10-Bekanntmachung-Quanten.html",
        "title": "Richtlinie zur Förderung von Forschungsvorhaben in den Quantentechnologien – Quantensensorik für die Anwendung",
        "text": "Antragsberechtigt sind Hochschulen, außeruniversitäre Forschungseinrichtungen und Unternehmen der gewerblichen Wirtschaft.",
    },
    {
        "ministry": "BMWE",
        "published": "2026-11-06",
        "deadline": "2027-04-30",
        "href": "https://www.bmwk.de/Redaktion/DE/Artikel/Digitale-Welt/foerderaufruf-ki-mittelstand.html",
        "title": "Förderaufruf KI-Anwendungen im Mittelstand",
        "text": "Gefördert werden kleine und mittlere Unternehmen, die KI-Anwendungen in ihre Prozesse integrieren. Zuschuss bis zu 200.000 Euro.",
    },
    {
        "ministry": "BMBFSFJ",
        "published": "2026-11-04",
        "deadline": "2027-01-15",
        "href": "https://www.bmbfsfj.bund.de/bmbfsfj/service/foerderaufrufe/digitales-engagement-ehrenamt",
        "title": "Förderaufruf: Digitales Engagement – Ehrenamt in ländlichen Räumen stärken",
        "text": "Antragsberechtigt sind gemeinnützige Vereine und Stiftungen, die digitale Werkzeuge für das Ehrenamt entwickeln. Kommunen sind nicht antragsberechtigt.",
    },
    {
        "ministry": "BMFTR",
        "published": "2026-10-30",
        "deadline": "2027-03-31",
        "href": "https://www.bmftr.bund.de/SharedDocs/Bekanntmachungen/DE/2026/10/2026-10-30-Bekanntmachung-Zukunftscluster.html",
        "title": "Richtlinie zur Förderung der Zukunftscluster-Initiative – vierte Wettbewerbsrunde",
        "text": "Gefördert werden regionale Innovationsnetzwerke aus Wissenschaft und Wirtschaft. Antragsberechtigt sind Hochschulen, Forschungseinrichtungen und Unternehmen.",
    },
    {
        "ministry": "BMG",
        "published": "2026-10-28",
        "deadline": "2027-02-15",
        "href": "https://www.bundesgesundheitsministerium.de/service/foerderbekanntmachungen/telemedizin-modellregionen.html",
        "title": "Bekanntmachung: Modellregionen für telemedizinische Versorgung",
        "text": "Gefördert werden Verbünde aus Landkreisen, Kliniken und Arztpraxen, die Telemedizin und Tele-Notarzt-Systeme in der Fläche erproben. Antragsberechtigt sind Landkreise, kreisfreie Städte und Krankenhausträger.",
    },
    {
        "ministry": "BMUKN",
        "published": "2026-10-24",
        "deadline": "2027-01-29",
        "href": "https://www.bundesumweltministerium.de/programm/foerderaufruf-klimaanpassung-kommunen",
        "title": "Förderaufruf Klimaanpassung in sozialen Einrichtungen",
        "text": "Gefördert werden Träger sozialer Einrichtungen wie Krankenhäuser, Pflegeheime und Kitas. Zuschuss bis zu 80 % der Ausgaben.",
    },
    {
        "ministry": "BMFTR",
        "published": "2026-10-20",
        "deadline": "2027-01-20",
        "href": "https://www.bmftr.bund.de/SharedDocs/Bekanntmachungen/DE/2026/10/2026-10-20-Bekanntmachung-Batterie.html",
        "title": "Richtlinie zur Förderung der Batterieforschung – Batterie 2030",
        "text": "Antragsberechtigt sind Hochschulen, Forschungseinrichtungen und Unternehmen.",
    },
    {
        "ministry": "BMLEH",
        "published": "2026-10-16",
        "deadline": "2027-02-28",
        "href": "https://www.bmleh.de/DE/themen/laendliche-regionen/foerderaufruf-dorfladen-digital.html",
        "title": "Förderaufruf: Digitale Nahversorgung – Dorfläden und Lieferdienste",
        "text": "Gefördert werden Gemeinden, Vereine und Genossenschaften, die Dorfläden mit digitalen Bestell- und Liefersystemen ausstatten oder regionale Online-Marktplätze aufbauen. Zuschuss bis zu 300.000 Euro.",
    },
    {
        "ministry": "BKM",
        "published": "2026-10-14",
        "deadline": "2027-03-01",
        "href": "https://www.kulturstaatsminister.de/foerderaufruf-kultur-digital",
        "title": "Förderaufruf: Kultur digital – Sammlungen online zugänglich machen",
        "text": "Antragsberechtigt sind Museen, Archive und Bibliotheken in öffentlicher Trägerschaft sowie Heimatvereine. Gefördert werden Digitalisierung von Sammlungen und virtuelle Ausstellungen.",
    },
    {
        "ministry": "BMFTR",
        "published": "2026-10-08",
        "deadline": "2026-12-15",
        "href": "https://www.bmftr.bund.de/SharedDocs/Bekanntmachungen/DE/2026/10/2026-10-08-Bekanntmachung-MINT.html",
        "title": "Richtlinie zur Förderung regionaler MINT-Cluster für Jugendliche",
        "text": "Gefördert werden Verbünde aus Schulen, Vereinen, Unternehmen und Kommunen für außerschulische MINT-Angebote. Antragsberechtigt sind Vereine, Hochschulen und Kommunen.",
    },
    {
        "ministry": "BMWE",
        "published": "2026-09-30",
        "deadline": "2027-06-30",
        "href": "https://www.bmwk.de/Redaktion/DE/Artikel/Energie/foerderaufruf-waermenetze.html",
        "title": "Bundesförderung effiziente Wärmenetze – Förderaufruf 2027",
        "text": "Antragsberechtigt sind Unternehmen, Stadtwerke und Kommunen, die Wärmenetze planen oder errichten.",
    },
    {
        "ministry": "BMFTR",
        "published": "2026-09-25",
        "deadline": "2026-11-30",
        "href": "https://www.bmftr.bund.de/SharedDocs/Bekanntmachungen/DE/2026/09/2026-09-25-Bekanntmachung-Zivile-Sicherheit.html",
        "title": "Richtlinie zur Förderung der zivilen Sicherheitsforschung – Resiliente Kommunen",
        "text": "Gefördert werden Verbundprojekte von Forschungseinrichtungen mit Kommunen als Anwendungspartnern zur Cybersicherheit kommunaler Verwaltungen.",
    },
    {
        "ministry": "BMAS",
        "published": "2026-09-18",
        "deadline": "2027-05-31",
        "href": "https://www.bmas.de/DE/Service/Foerderaufrufe/zukunftszentren.html",
        "title": "ESF Plus: Zukunftszentren für digitale Arbeit",
        "text": "Antragsberechtigt sind Bildungsträger, Kammern und Verbände, die kleine Unternehmen und Beschäftigte bei der digitalen Transformation unterstützen.",
    },
]

# --- EU Funding & Tenders (SEDIA) -------------------------------------------------------

EU: list[dict[str, Any]] = [
    {
        "id": "DIGITAL-2027-CLOUD-AI-08-SMARTCOMM",
        "title": "Smart Communities – Local Digital Twins for Public Services",
        "call": "Digital Europe Programme Call 8",
        "status": "31094502",
        "start": "2026-11-10T01:00:00.000+0100",
        "deadlines": ["2027-03-24T17:00:00.000+0100"],
        "model": "single-stage",
        "max": 2000000,
        "keywords": ["local digital twins", "smart communities", "data platforms"],
        "desc": "<p>The topic supports local and regional authorities in deploying interoperable local digital twins and urban data platforms for public services.</p><p>Eligible applicants are local authorities, regional authorities and public bodies, in consortia with SMEs and research organisations. The EU funding rate is 50% of eligible costs.</p>",
    },
    {
        "id": "DIGITAL-2027-EDIH-AC-09",
        "title": "European Digital Innovation Hubs – Public Sector Services",
        "call": "Digital Europe Programme Call 9",
        "status": "31094501",
        "start": "2027-01-20T01:00:00.000+0100",
        "deadlines": ["2027-05-12T17:00:00.000+0200"],
        "model": "single-stage",
        "max": 1500000,
        "keywords": ["EDIH", "public administration"],
        "desc": "<p>Support for digital innovation hubs that help public administrations and SMEs adopt AI, cloud and cybersecurity.</p><p>Consortia of universities, research organisations and companies are eligible.</p>",
    },
    {
        "id": "CEF-DIG-2027-5GSMARTCOM-WORKS",
        "title": "5G for Smart Communities – Deployment of 5G Edge Infrastructure",
        "call": "CEF Digital Call 5",
        "status": "31094502",
        "start": "2026-10-15T02:00:00.000+0200",
        "deadlines": ["2027-02-19T17:00:00.000+0100"],
        "model": "single-stage",
        "max": 3000000,
        "keywords": ["5G", "gigabit connectivity", "schools", "hospitals"],
        "desc": "<p>Funding for 5G connectivity and edge infrastructure serving socio-economic drivers such as schools, hospitals and public administrations in rural areas.</p><p>Municipalities, local authorities and operators are eligible. Funding covers up to 75% of eligible costs in rural areas.</p>",
    },
    {
        "id": "HORIZON-CL6-2027-COMMUNITIES-01",
        "title": "Smart solutions for rural communities and digital villages",
        "call": "Horizon Europe Cluster 6 – Rural communities",
        "status": "31094502",
        "start": "2026-09-15T02:00:00.000+0200",
        "deadlines": ["2027-02-10T17:00:00.000+0100", "2027-09-15T17:00:00.000+0200"],
        "model": "two-stage",
        "max": 5000000,
        "keywords": ["rural", "digital villages", "smart villages"],
        "desc": "<p>Research and innovation actions on digital solutions for rural communities, co-created with local actors.</p><p>Consortia of research organisations, universities, SMEs and local authorities are eligible. The first stage closes in February 2027, the second stage in September 2027.</p>",
    },
    {
        "id": "HORIZON-CL5-2027-D3-02-05",
        "title": "Next-generation perovskite photovoltaics",
        "call": "Horizon Europe Cluster 5 – Energy supply",
        "status": "31094502",
        "start": "2026-10-01T02:00:00.000+0200",
        "deadlines": ["2027-04-21T17:00:00.000+0200"],
        "model": "single-stage",
        "max": 6000000,
        "keywords": ["photovoltaics", "perovskite"],
        "desc": "<p>Research on stable perovskite solar cells. Eligible are universities, research organisations and companies.</p>",
    },
    {
        "id": "HORIZON-HLTH-2027-DISEASE-03-01",
        "title": "Innovative therapies for rare neurological diseases",
        "call": "Horizon Europe Cluster 1 – Health",
        "status": "31094502",
        "start": "2026-09-25T02:00:00.000+0200",
        "deadlines": ["2027-04-13T17:00:00.000+0200"],
        "model": "single-stage",
        "max": 8000000,
        "keywords": ["rare diseases"],
        "desc": "<p>Clinical research on rare neurological diseases. Eligible are research organisations, hospitals and companies.</p>",
    },
    {
        "id": "LIFE-2027-SAP-CLIMA-CCA",
        "title": "LIFE Climate Change Adaptation – Standard Action Projects",
        "call": "LIFE Call 2027",
        "status": "31094501",
        "start": "2027-04-15T02:00:00.000+0200",
        "deadlines": ["2027-09-22T17:00:00.000+0200"],
        "model": "single-stage",
        "max": 5000000,
        "keywords": ["climate adaptation", "nature-based solutions"],
        "desc": "<p>Projects that develop and apply climate adaptation measures. Public authorities, NGOs and companies are eligible. The EU co-financing rate is 60% of eligible costs.</p>",
    },
    {
        "id": "CERV-2027-CITIZENS-TOWN-TT",
        "title": "Town-Twinning – Citizens' engagement across Europe",
        "call": "CERV Call 2027",
        "status": "31094502",
        "start": "2026-11-05T01:00:00.000+0100",
        "deadlines": ["2027-03-03T17:00:00.000+0100"],
        "model": "single-stage",
        "max": 30000,
        "keywords": ["town twinning", "citizens"],
        "desc": "<p>Lump sums for town-twinning meetings. Eligible are towns and municipalities and their twinning committees or non-profit organisations representing local authorities.</p>",
    },
    {
        "id": "EU4H-2027-PJ-04",
        "title": "Digital health uptake – telemedicine in underserved regions",
        "call": "EU4Health Work Programme 2027",
        "status": "31094502",
        "start": "2026-11-03T01:00:00.000+0100",
        "deadlines": ["2027-04-08T17:00:00.000+0200"],
        "model": "single-stage",
        "max": 4000000,
        "keywords": ["telemedicine", "digital health", "rural areas"],
        "desc": "<p>Supports the roll-out of telemedicine and remote care in underserved and rural regions.</p><p>Eligible are public authorities, health care providers and non-profit organisations. The funding rate is 60%, up to 80% for exceptional utility.</p>",
    },
    {
        "id": "ERASMUS-EDU-2027-PI-ALL-INNO-EDU-ENTERP",
        "title": "Alliances for Education and Enterprises",
        "call": "Erasmus+ 2027",
        "status": "31094501",
        "start": "2027-01-15T01:00:00.000+0100",
        "deadlines": ["2027-03-04T17:00:00.000+0100"],
        "model": "single-stage",
        "max": 1000000,
        "keywords": ["education", "skills"],
        "desc": "<p>Partnerships between higher education institutions, vocational training providers and enterprises.</p>",
    },
    {
        "id": "CREA-CULT-2027-COOP",
        "title": "European Cooperation Projects in Culture",
        "call": "Creative Europe Culture 2027",
        "status": "31094502",
        "start": "2026-10-20T02:00:00.000+0200",
        "deadlines": ["2027-02-24T17:00:00.000+0100"],
        "model": "single-stage",
        "max": 2000000,
        "keywords": ["culture", "cultural heritage", "digitisation"],
        "desc": "<p>Transnational cooperation of cultural organisations. Eligible are cultural organisations, associations and public bodies active in the cultural sector.</p>",
    },
    {
        "id": "SMP-COSME-2027-TOURSME-01",
        "title": "Digital and green transition of tourism SMEs",
        "call": "Single Market Programme 2027",
        "status": "31094502",
        "start": "2026-11-12T01:00:00.000+0100",
        "deadlines": ["2027-03-30T17:00:00.000+0200"],
        "model": "single-stage",
        "max": 700000,
        "keywords": ["tourism", "SMEs", "digital transition"],
        "desc": "<p>Support programmes for tourism SMEs delivered by intermediaries such as destination management organisations and chambers. SMEs are the final beneficiaries.</p>",
    },
    {
        "id": "HORIZON-CL4-2027-DIGITAL-EMERGING-02-11",
        "title": "AI for public administration – trustworthy generative AI",
        "call": "Horizon Europe Cluster 4 – Digital",
        "status": "31094502",
        "start": "2026-10-08T02:00:00.000+0200",
        "deadlines": ["2027-03-18T17:00:00.000+0100"],
        "model": "single-stage",
        "max": 7000000,
        "keywords": ["generative AI", "public administration", "e-government"],
        "desc": "<p>Research and innovation on trustworthy generative AI in public administrations, piloted with at least three public authorities.</p><p>Consortia of research organisations, companies and public authorities are eligible.</p>",
    },
    {
        "id": "I3-2027-CAP1-INV",
        "title": "Interregional Innovation Investments – Strand 1",
        "call": "I3 Instrument 2027",
        "status": "31094502",
        "start": "2026-10-01T02:00:00.000+0200",
        "deadlines": ["2027-05-05T17:00:00.000+0200"],
        "model": "single-stage",
        "max": 8000000,
        "keywords": ["regional innovation", "value chains"],
        "desc": "<p>Interregional innovation investments in smart specialisation areas. Companies and research organisations in at least three regions are eligible.</p>",
    },
]

# --- BMLEH RSS feed ---------------------------------------------------------------------

FEED_ITEMS: list[dict[str, str]] = [
    {
        "title": "Smarte LandRegionen – Modellvorhaben für ländliche Landkreise",
        "link": "https://www.bmleh.de/DE/themen/laendliche-regionen/foerderaufrufe/smarte-landregionen-2027.html",
        "date": "Mon, 23 Nov 2026 09:00:00 +0100",
        "text": "Das BMLEH startet eine neue Runde der Modellvorhaben Smarte LandRegionen. Antragsberechtigt sind Landkreise in ländlichen Räumen, die digitale Dienste für Daseinsvorsorge, Mobilität und smarte Arbeit erproben. Interessenbekundungen bis zum 15.02.2027; Förderung bis zu 1 Mio. Euro je Landkreis.",
    },
    {
        "title": "Förderaufruf Regionale Wertschöpfungsketten im BULE",
        "link": "https://www.bmleh.de/DE/themen/laendliche-regionen/foerderaufrufe/wertschoepfungsketten.html",
        "date": "Thu, 19 Nov 2026 10:00:00 +0100",
        "text": "Gefördert werden Kooperationen von Erzeugern, Verarbeitern und Handel zur regionalen Vermarktung, auch über digitale Marktplätze. Antragsberechtigt sind Unternehmen, Vereine und Kommunen. Projektskizzen bis 31.01.2027.",
    },
    {
        "title": "Bundesprogramm Tierwohl-Stallbau: neue Antragsrunde",
        "link": "https://www.bmleh.de/DE/themen/landwirtschaft/foerderung/tierwohl-stallbau.html",
        "date": "Mon, 16 Nov 2026 08:30:00 +0100",
        "text": "Landwirtschaftliche Unternehmen können ab dem 01.12.2026 Zuschüsse für den Umbau von Ställen beantragen. Anträge bis zum 30.06.2027.",
    },
    {
        "title": "Modellvorhaben Dorfentwicklung digital – Aufruf für Gemeinden",
        "link": "https://www.bmleh.de/DE/themen/laendliche-regionen/foerderaufrufe/dorfentwicklung-digital.html",
        "date": "Thu, 12 Nov 2026 11:00:00 +0100",
        "text": "Antragsberechtigt sind Gemeinden unterhalb der Kreisebene mit bis zu 20.000 Einwohnern, die Dorf-Apps, digitale Dorfplätze und Ehrenamtsplattformen einführen. Die Förderquote beträgt bis zu 90 %. Frist: 28.02.2027.",
    },
    {
        "title": "Förderung von Forschungsvorhaben zur Digitalisierung in der Landwirtschaft",
        "link": "https://www.bmleh.de/DE/themen/digitalisierung/forschung-digitalisierung-landwirtschaft.html",
        "date": "Mon, 09 Nov 2026 09:00:00 +0100",
        "text": "Antragsberechtigt sind Hochschulen und Forschungseinrichtungen in Verbünden mit landwirtschaftlichen Betrieben. Skizzen bis zum 15.03.2027.",
    },
    {
        "title": "LandKULTUR – Kulturelle Teilhabe in ländlichen Räumen",
        "link": "https://www.bmleh.de/DE/themen/laendliche-regionen/foerderaufrufe/landkultur.html",
        "date": "Thu, 05 Nov 2026 10:00:00 +0100",
        "text": "Gefördert werden Kulturprojekte von Vereinen und Initiativen in Orten bis 20.000 Einwohnern. Antragsberechtigt sind gemeinnützige Vereine. Zuschuss bis zu 50.000 Euro, Frist 31.01.2027.",
    },
    {
        "title": "Mobilität auf dem Land: Bürgerbusse und Rufbusse digital vernetzen",
        "link": "https://www.bmleh.de/DE/themen/laendliche-regionen/foerderaufrufe/mobilitaet-land.html",
        "date": "Mon, 02 Nov 2026 09:00:00 +0100",
        "text": "Antragsberechtigt sind Landkreise, Gemeinden und Vereine, die Bürgerbusse und Rufbusse per App buchbar machen. Förderung bis zu 250.000 Euro. Anträge bis zum 30.04.2027.",
    },
    {
        "title": "Bundeswettbewerb Unser Dorf hat Zukunft 2028 ausgeschrieben",
        "link": "https://www.bmleh.de/DE/themen/laendliche-regionen/wettbewerb-unser-dorf.html",
        "date": "Thu, 29 Oct 2026 10:00:00 +0100",
        "text": "Teilnehmen können Dörfer und Ortsteile über die Landeswettbewerbe. Anmeldung bis zum 31.03.2027.",
    },
    {
        "title": "Förderaufruf Wald-Klimaprämie",
        "link": "https://www.bmleh.de/DE/themen/wald/klimaangepasstes-waldmanagement.html",
        "date": "Mon, 26 Oct 2026 09:00:00 +0100",
        "text": "Private und kommunale Waldbesitzende erhalten eine Prämie für klimaangepasstes Waldmanagement. Anträge laufend.",
    },
    {
        "title": "Regionalbudgets: Kleinprojekte in LEADER-Regionen",
        "link": "https://www.bmleh.de/DE/themen/laendliche-regionen/foerderaufrufe/regionalbudget.html",
        "date": "Thu, 22 Oct 2026 10:00:00 +0100",
        "text": "Über die Regionalbudgets werden Kleinprojekte bis 20.000 Euro gefördert. Antragsberechtigt sind Vereine, Kommunen und Privatpersonen. Die Frist endet am 15.01.2027.",
    },
]

# --- Digitalagentur NRW Atom feed (slightly malformed, as some CMS emit) ----------------

ATOM_ENTRIES: list[dict[str, str]] = [
    {
        "id": "tag:digitalagentur.nrw,2026:foerderung-digitalcheck",
        "title": "Digitalcheck für Kommunalverwaltungen",
        "link": "https://www.digitalagentur.nrw/foerderung/digitalcheck-kommunen",
        "updated": "2026-11-24T08:00:00+01:00",
        "text": "Kommunen in NRW können einen geförderten Digitalcheck ihrer Verwaltung beauftragen. Antragsberechtigt sind Städte, Gemeinden und Kreise. Förderquote 90 %, höchstens 30.000 Euro. Anträge bis zum 31.03.2027.",
    },
    {
        "id": "tag:digitalagentur.nrw,2026:foerderung-lorawan",
        "title": "LoRaWAN-Netze und Sensorik in Kommunen",
        "link": "https://www.digitalagentur.nrw/foerderung/lorawan-kommunen",
        "updated": "2026-11-20T08:00:00+01:00",
        "text": "Gefördert werden kommunale LoRaWAN-Netze und Sensorik für Parkraum, Füllstände und Umweltdaten sowie die Anbindung an eine urbane Datenplattform. Antragsberechtigt sind Kommunen und kommunale Unternehmen. Bis zu 150.000 Euro, Frist 30.04.2027.",
    },
    {
        "id": "tag:digitalagentur.nrw,2026:foerderung-startup-gutschein",
        "title": "Start-up-Gutscheine NRW",
        "link": "https://www.digitalagentur.nrw/foerderung/startup-gutscheine",
        "updated": "2026-11-16T08:00:00+01:00",
        "text": "Gründerinnen und Gründer innovativer Start-ups erhalten Gutscheine für Beratung. Antragsberechtigt sind Unternehmen in Gründung. Anträge laufend.",
    },
    {
        "id": "tag:digitalagentur.nrw,2026:foerderung-it-sicherheit",
        "title": "Informationssicherheit in Kommunen – Förderung von ISMS",
        "link": "https://www.digitalagentur.nrw/foerderung/isms-kommunen",
        "updated": "2026-11-12T08:00:00+01:00",
        "text": "Gefördert werden die Einführung eines Informationssicherheitsmanagements und Notfallübungen gegen Cyberangriffe in Kommunalverwaltungen, auch interkommunal. Antragsberechtigt sind Kommunen, Kreise und Zweckverbände. Förderquote 80 %. Frist: 15.03.2027.",
    },
    {
        "id": "tag:digitalagentur.nrw,2026:foerderung-smart-tourism",
        "title": "Smart Tourism – digitale Gästeinformation in Tourismusregionen",
        "link": "https://www.digitalagentur.nrw/foerderung/smart-tourism",
        "updated": "2026-11-08T08:00:00+01:00",
        "text": "Gefördert werden digitale Gästeinformation, vernetzte Buchung und Radtourismus-Apps. Antragsberechtigt sind Kommunen, Kreise und Tourismusorganisationen. Bis zu 200.000 Euro, Frist 31.05.2027.",
    },
    {
        "id": "tag:digitalagentur.nrw,2026:foerderung-ki-labore",
        "title": "KI-Labore an Hochschulen",
        "link": "https://www.digitalagentur.nrw/foerderung/ki-labore",
        "updated": "2026-11-02T08:00:00+01:00",
        "text": "Antragsberechtigt sind Hochschulen in NRW. Skizzen bis zum 28.02.2027.",
    },
]

# --- NRW ministry list page (html-list) -------------------------------------------------

NRW_LIST: list[dict[str, str]] = [
    {
        "title": "Förderaufruf Digitale Modellregionen NRW – dritte Runde",
        "href": "/themen/foerderaufrufe/digitale-modellregionen-2027",
        "date": "2026-11-23",
        "deadline": "2027-03-31",
        "text": "Gefördert werden interkommunale Digitalisierungsprojekte von Kreisen, Städten und Gemeinden, insbesondere Serviceportale nach dem Onlinezugangsgesetz, urbane Datenplattformen und Open Data. Antragsberechtigt sind Kreise, Städte und Gemeinden in Nordrhein-Westfalen. Die Förderquote beträgt bis zu 90 %, höchstens 3 Mio. Euro je Region.",
    },
    {
        "title": "Heimat-Scheck 2027",
        "href": "/themen/foerderaufrufe/heimat-scheck-2027",
        "date": "2026-11-19",
        "deadline": "",
        "text": "Vereine und Initiativen erhalten 2.000 Euro für Projekte der Heimatpflege. Antragsberechtigt sind gemeinnützige Vereine. Anträge laufend, solange Mittel verfügbar sind.",
    },
    {
        "title": "Förderaufruf Zukunftsfähige Innenstädte und Ortszentren NRW",
        "href": "/themen/foerderaufrufe/innenstaedte-ortszentren",
        "date": "2026-11-16",
        "deadline": "2027-02-26",
        "text": "Gefördert werden Städte und Gemeinden bei Leerstandsmanagement, Passantenfrequenzmessung, freiem WLAN und digitalen Angeboten für den lokalen Handel. Antragsberechtigt sind Städte und Gemeinden. Zuschuss bis zu 500.000 Euro, Förderquote 90 %.",
    },
    {
        "title": "Förderaufruf Digitale Bildung in Bibliotheken und Volkshochschulen",
        "href": "/themen/foerderaufrufe/digitale-bildung-bibliotheken",
        "date": "2026-11-10",
        "deadline": "2027-01-29",
        "text": "Gefördert werden Makerspaces, Online-Kurse und digitale Angebote für ältere Menschen. Antragsberechtigt sind Kommunen als Träger von Bibliotheken und Volkshochschulen. Bis zu 80 % der Ausgaben.",
    },
    {
        "title": "Städtebauförderung 2027 – Programmaufruf",
        "href": "/themen/foerderaufrufe/staedtebaufoerderung-2027",
        "date": "2026-11-05",
        "deadline": "2027-01-15",
        "text": "Städte und Gemeinden können Maßnahmen für das Städtebauförderprogramm 2027 anmelden. Anmeldungen sind bis zum 15.01.2027 über die Bezirksregierung einzureichen.",
    },
    {
        "title": "Gigabit-Kofinanzierung NRW für Bundesförderverfahren",
        "href": "/themen/foerderaufrufe/gigabit-kofinanzierung",
        "date": "2026-10-29",
        "deadline": "2027-06-30",
        "text": "Das Land kofinanziert Breitbandprojekte in der Gigabitförderung des Bundes mit bis zu 40 %. Antragsberechtigt sind Kreise, Städte und Gemeinden.",
    },
    {
        "title": "Landesprogramm Kommunaler Klimaschutz.NRW",
        "href": "/themen/foerderaufrufe/klimaschutz-nrw",
        "date": "2026-10-22",
        "deadline": "2026-10-31",
        "text": "Die Antragsfrist für die Runde 2026 endete am 31.10.2026. Eine neue Runde ist für 2027 geplant.",
    },
    {
        "title": "Förderaufruf Sportvereine digital",
        "href": "/themen/foerderaufrufe/sportvereine-digital",
        "date": "2026-10-15",
        "deadline": "2027-02-15",
        "text": "Antragsberechtigt sind Sportvereine, die Mitgliederverwaltung und Kursbuchung digitalisieren. Zuschuss bis zu 10.000 Euro.",
    },
]

# --- BBSR list page (html-list) ---------------------------------------------------------

BBSR_LIST: list[dict[str, str]] = [
    {
        "title": "Heimat 2.0: Förderaufruf für digitale Projekte in Gemeinden",
        "href": "/BBSR/DE/forschung/aufrufe/2026/heimat-2-0.html",
        "date": "20.11.2026",
        "text": "Mit Heimat 2.0 werden Städte und Gemeinden unterhalb der Kreisebene gefördert, die digitale Anwendungen für lokale Gemeinschaft, Handel und Ehrenamt umsetzen. Landkreise sind nicht antragsberechtigt. Projektskizzen bis zum 31.03.2027.",
    },
    {
        "title": "Modellprojekte Smart Cities – Aufruf 2027",
        "href": "/BBSR/DE/forschung/aufrufe/2026/smart-cities-2027.html",
        "date": "17.11.2026",
        "text": "Antragsberechtigt sind Kommunen, Landkreise und kommunale Verbünde mit einer integrierten Smart-City-Strategie. Interessenbekundungen bis zum 28.02.2027.",
    },
    {
        "title": "Nationale Projekte des Städtebaus 2027",
        "href": "/BBSR/DE/forschung/aufrufe/2026/nationale-projekte-staedtebau.html",
        "date": "10.11.2026",
        "text": "Gefördert werden investive Projekte mit nationaler Wahrnehmbarkeit. Antragsberechtigt sind Städte und Gemeinden. Projektskizzen bis zum 15.03.2027.",
    },
    {
        "title": "ExWoSt-Forschungsfeld: Wohnen im Alter im ländlichen Raum",
        "href": "/BBSR/DE/forschung/aufrufe/2026/exwost-wohnen-alter.html",
        "date": "03.11.2026",
        "text": "Das BBSR sucht Forschungsnehmer für eine Begleitforschung. Antragsberechtigt sind Forschungseinrichtungen, Hochschulen und Planungsbüros. Angebote bis 18.12.2026.",
    },
    {
        "title": "Sanierung kommunaler Einrichtungen in den Bereichen Sport, Jugend und Kultur",
        "href": "/BBSR/DE/forschung/aufrufe/2026/sjk-2027.html",
        "date": "28.10.2026",
        "text": "Antragsberechtigt sind Städte und Gemeinden. Gefördert wird die Sanierung von Sporthallen, Jugendzentren und Kultureinrichtungen mit 45 % der Kosten. Projektskizzen bis zum 15.01.2027.",
    },
    {
        "title": "Bundeswettbewerb Zukunft Stadtgrün",
        "href": "/BBSR/DE/forschung/aufrufe/2026/zukunft-stadtgruen.html",
        "date": "21.10.2026",
        "text": "Teilnehmen können Kommunen mit Projekten für grüne Infrastruktur. Einsendeschluss ist der 31.01.2027.",
    },
]


# --- DSEE news feed (WordPress RSS 2.0, foundation) -------------------------------------

DSEE = "https://www.deutsche-stiftung-engagement-und-ehrenamt.de"
DSEE_POSTS: list[dict[str, Any]] = [
    {
        "id": 14211,
        "slug": "foerderaufruf-ehrenamt-digital-vor-ort",
        "title": "Förderaufruf „Ehrenamt digital vor Ort“: Kommunen und Vereine gemeinsam",
        "date": "Tue, 24 Nov 2026 09:15:00 +0000",
        "categories": ["Förderung", "Digitalisierung"],
        "paras": [
            "Mit dem Förderaufruf „Ehrenamt digital vor Ort“ unterstützt die DSEE Vorhaben, in denen Kommunen und gemeinnützige Organisationen gemeinsam digitale Angebote für das Ehrenamt aufbauen.",
            "Gefördert werden kommunale Ehrenamtsplattformen und digitale Freiwilligenbörsen, die Einführung von Open-Source-Software für die Vereinsverwaltung, digitale Ehrenamtskarten sowie Schulungen für Engagierte im Umgang mit digitalen Werkzeugen.",
            "Antragsberechtigt sind gemeinnützige Organisationen sowie Kommunen und Landkreise, bevorzugt in Kooperation. Die Förderung beträgt bis zu 50.000 Euro je Vorhaben, die Förderquote bis zu 80 %.",
            "Anträge können bis zum 31.03.2027 über das Förderportal der Stiftung gestellt werden.",
        ],
    },
    {
        "id": 14187,
        "slug": "mikrofoerderung-2027-laendliche-raeume",
        "title": "Mikroförderung 2027: Ehrenamt in ländlichen Räumen gewinnen und binden",
        "date": "Thu, 19 Nov 2026 10:00:00 +0000",
        "categories": ["Förderung", "Ländliche Räume"],
        "paras": [
            "Auch 2027 fördert die DSEE kleine Vorhaben, mit denen ehrenamtlich getragene Vereine in strukturschwachen und ländlichen Regionen neue Engagierte gewinnen, Ehrenamtliche qualifizieren oder ihre Vereinsarbeit erneuern.",
            "Antragsberechtigt sind ausschließlich gemeinnützige Vereine; Gebietskörperschaften sind nicht antragsberechtigt.",
            "Gefördert werden Sachausgaben und Ehrenamtspauschalen mit bis zu 2.500 Euro je Verein und Jahr; die Stiftung trägt bis zu 90 % der Ausgaben.",
            "Anträge können ab dem 15.01.2027 gestellt werden, spätestens bis zum 15.10.2027.",
        ],
    },
    {
        "id": 14152,
        "slug": "ideenwettbewerb-offene-werkzeuge-engagement",
        "title": "Ideenwettbewerb „Offene Werkzeuge fürs Engagement“ gestartet",
        "date": "Thu, 12 Nov 2026 08:30:00 +0000",
        "categories": ["Förderung", "Digitalisierung", "Wettbewerb"],
        "paras": [
            "Gesucht werden Vereine und Initiativen, die freie Software für das Engagement weiterentwickeln oder anderen Organisationen zur Verfügung stellen, etwa Werkzeuge für Terminplanung, Mitgliederkommunikation oder barrierearme Vereinswebseiten.",
            "Antragsberechtigt sind gemeinnützige Vereine, Stiftungen und gGmbHs. Gefördert werden Vorhaben mit bis zu 20.000 Euro.",
            "Bewerbungen sind bis zum 28.02.2027 möglich.",
        ],
    },
    {
        "id": 14120,
        "slug": "engagementstrategien-landkreise-kommunen",
        "title": "Engagementstrategien für Landkreise und Kommunen: neuer Förderaufruf",
        "date": "Thu, 05 Nov 2026 11:00:00 +0000",
        "categories": ["Förderung", "Engagementförderung"],
        "paras": [
            "Die DSEE unterstützt Landkreise und Kommunen, die gemeinsam mit Freiwilligenagenturen, Vereinen und Bürgerstiftungen eine lokale Engagementstrategie entwickeln und umsetzen.",
            "Gefördert werden Beteiligungsformate, eine Bestandsaufnahme der örtlichen Engagementlandschaft mit einer digitalen Übersicht der Angebote und der Aufbau einer Koordinierungsstelle für das Ehrenamt.",
            "Antragsberechtigt sind Kommunen und Landkreise. Die Förderung beträgt bis zu 100.000 Euro bei einer Laufzeit von bis zu zwei Jahren. Projektskizzen bis zum 30.04.2027.",
        ],
    },
    {
        # news without a call: the source's include_words leave it out
        "id": 14105,
        "slug": "jahresbericht-2025-engagement-in-zahlen",
        "title": "Jahresbericht 2025: Engagement in Zahlen",
        "date": "Mon, 02 Nov 2026 08:00:00 +0000",
        "categories": ["Aktuelles", "Stiftung"],
        "paras": [
            "Der Jahresbericht 2025 ist erschienen: Zahlen, Stimmen und Geschichten aus einem Jahr Engagement und Ehrenamt in ganz Deutschland.",
            "Er zeigt, wie viele Menschen die Stiftung mit Beratung, Veranstaltungen und Netzwerken erreicht hat, und stellt Engagierte aus Stadt und Land vor.",
        ],
    },
    {
        "id": 14098,
        "slug": "qualifizierung-im-verein-fortbildungen",
        "title": "Qualifizierung im Verein: Zuschüsse für Fortbildungen laufend beantragen",
        "date": "Thu, 29 Oct 2026 09:00:00 +0000",
        "categories": ["Förderung", "Qualifizierung"],
        "paras": [
            "Vorstände und Ehrenamtliche gemeinnütziger Vereine können Zuschüsse für Fortbildungen zu Vereinsrecht, Finanzen, Datenschutz und Öffentlichkeitsarbeit erhalten.",
            "Antragsberechtigt sind gemeinnützige Vereine. Gefördert werden bis zu 1.000 Euro je Verein.",
            "Anträge können laufend gestellt werden, solange Mittel verfügbar sind.",
        ],
    },
]

# --- writers ----------------------------------------------------------------------------


def etag(body: bytes) -> str:
    return '"' + hashlib.sha1(body).hexdigest()[:16] + '"'


class Manifest:
    def __init__(self, name: str) -> None:
        self.dir = OUT / name
        self.dir.mkdir(parents=True, exist_ok=True)
        for old in self.dir.iterdir():
            old.unlink()
        self.entries: list[dict[str, Any]] = []

    def add(
        self,
        url: str,
        file: str,
        body: bytes,
        content_type: str,
        method: str = "GET",
        request_body: bytes | None = None,
    ) -> None:
        (self.dir / file).write_bytes(body)
        self.entries.append(
            {
                "method": method,
                "url": url,
                "body_sha256": hashlib.sha256(request_body).hexdigest() if request_body else "",
                "file": file,
                "status": 200,
                "headers": {
                    "Content-Type": content_type,
                    "ETag": etag(body),
                    "Last-Modified": LAST_MODIFIED,
                },
            }
        )

    def write(self) -> None:
        data = {"entries": sorted(self.entries, key=lambda e: (e["url"], e["method"]))}
        (self.dir / "manifest.json").write_text(
            json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )


def fdb_page(title: str, main: str, canonical: str = "") -> str:
    link = f'<link rel="canonical" href="{E(canonical)}"/>' if canonical else ""
    return f"""<!DOCTYPE html>
<html lang="de"><head><meta charset="UTF-8"/><title>Förderdatenbank - {E(title)}</title>
<meta name="title" content=" Förderprogramme - {E(title)} "/>{link}<base href="/"/></head>
<body class="body"><header class="header"><a href="FDB/DE/Home/home.html">Förderdatenbank</a></header>
<main class="main">{main}</main>
<footer class="footer"><a href="FDB/DE/Meta/Impressum/impressum.html">Impressum</a></footer></body></html>
"""


def fdb_card(p: dict[str, Any]) -> str:
    href = f"FDB/Content/DE/Foerderprogramm/{p['path']}.html"
    who = p["berechtigte"] if not p.get("codes") else "Kommune, Verband/Vereinigung"
    what = p["bereich"] if not p.get("codes") else "Kultur, Medien &amp; Sport, Regionalförderung"
    return f"""<div class="card card--horizontal card--fundingprogram">
 <p class="card--topline">Förderprogramm</p>
 <p class="card--title"><a class="" href="{href}" title="Öffnet die Einzelsicht"><span class="link--label">{E(p["title"])}</span></a></p>
 <dl class="grid-modul--two-elements document-info-fundingprogram">
  <dt>Wer wird gefördert?:</dt><dd>{E(who)}</dd>
  <dt>Was wird gefördert?:</dt><dd>{what if p.get("codes") else E(what)}</dd>
 </dl>
</div>"""


def fdb_list(cards: list[dict[str, Any]], next_href: str | None, total: int) -> str:
    forward = (
        f'<a aria-label="Link forward to the page 2" class="forward button" href="{E(next_href)}" title="SucheSeite">weiter</a>'
        if next_href
        else ""
    )
    sidebar = """<aside class="sidebar"><ul class="sidebar--ul">
<li class="sidebar--li"><a href="SiteGlobals/FDB/Forms/Suche/Foederprogrammsuche_Formular.html?cl2Processes_Foerderberechtigte=kommune&amp;filterCategories=FundingProgram" rel="nofollow" class="sidebar--link"><span class="link--label">Kommune</span></a></li>
<li class="sidebar--li"><a href="SiteGlobals/FDB/Forms/Suche/Foederprogrammsuche_Formular.html?cl2Processes_Foerderbereich=kultur_medien_sport&amp;filterCategories=FundingProgram" rel="nofollow" class="sidebar--link"><span class="link--label">Kultur, Medien &amp; Sport</span></a></li>
<li class="sidebar--li"><a href="SiteGlobals/FDB/Forms/Suche/Foederprogrammsuche_Formular.html?cl2Processes_Foerderart=zuschuss&amp;filterCategories=FundingProgram" rel="nofollow" class="sidebar--link"><span class="link--label">Zuschuss</span></a></li>
</ul></aside>"""
    main = f"""<div class="jumbotron"><div class="container container--headline"><div class="content"><h1 class="title">Fördersuche</h1>
<div class="rich--text"><p>Sie sind auf der Suche nach finanzieller Unterstützung? Nutzen Sie die Ergebnisfilter.</p></div></div></div></div>
<form name="searchExpert" action="SiteGlobals/FDB/Forms/Suche/Expertensuche_Formular.html" method="get"></form>
<div class="container"><p class="result-count">{total} Ergebnisse</p>
<div class="result-list">{"".join(fdb_card(c) for c in cards)}</div>
<div class="pagination">{forward}</div>{sidebar}</div>"""
    return fdb_page("Fördersuche", main)


def fdb_detail(p: dict[str, Any]) -> str:
    url = f"{FDB}FDB/Content/DE/Foerderprogramm/{p['path']}.html"
    label = (lambda name: f"Foerder{name}:") if p.get("codes") else (lambda name: f"Förder{name}:")
    kontakt = f"""<dd class="card"><p class="card--title"><a href="FDB/Content/DE/Kontakt/{p["path"].split("/")[-1]}.html"><span class="link--label">{E(p["kontakt"])}</span></a></p></dd>"""
    meta = f"""<dl class="grid-modul--two-elements document-info-fundingprogram">
 <dt>{label("art")}</dt><dd>{E(p["art"])}</dd>
 <dt>{label("bereich")}</dt><dd>{E(p["bereich"])}</dd>
 <dt>{label("gebiet")}</dt><dd>{E(p["gebiet"])}</dd>
 <dt>{label("berechtigte")}</dt><dd>{E(p["berechtigte"])}</dd>
 <dt>{label("geber")}</dt><dd>{E(p["geber"])}</dd>
 <dt>Ansprechpunkt:</dt>{kontakt}
 <dt class="document-info-item">Weiterführende Links:</dt><dd><a class="link link-external" href="https://www.example-foerderportal.de/{p["path"]}"><span class="link--label">Förderportal</span></a></dd>
</dl>"""
    paras = "".join(f"<p>{E(t)}</p>" for t in p["voll"])
    conds = "".join(f"<p>{E(t)}</p>" for t in p["voraussetzungen"])
    if p.get("layout") == "single":
        body = f"""<div class="rich--text"><h3>Kurztext</h3><p>{E(p["kurz"])}</p>{paras}<h3>Voraussetzungen</h3>{conds}<h3>Rechtsgrundlage</h3><p>{E(p["recht"])}</p></div>"""
    else:
        body = f"""<div class="rich--text">
<h2 class="horizontal--tab-opener" data-toggleid="tab1"><span class="btn--label">Kurzzusammenfassung</span></h2>
<article class="content--tab-text"><div class="rich--text"><h3>Kurztext</h3><p>{E(p["kurz"])}</p></div>
<div class="rich--text"><h3>Volltext</h3>{paras}</div></article>
<h2 class="horizontal--tab-opener" data-toggleid="tab2"><span class="btn--label">Zusatzinfos</span></h2>
<article class="content--tab-text"><div class="rich--text"><h3>rechtliche Voraussetzungen</h3>{conds}</div></article>
<h2 class="horizontal--tab-opener" data-toggleid="tab3"><span class="btn--label">Rechtsgrundlage</span></h2>
<article class="content--tab-text"><div class="rich--text"><h3>Richtlinie</h3><p>{E(p["recht"])}</p></div></article>
</div>"""
    main = f"""<div class="jumbotron"><div class="container container--headline"><h1 class="title"> {E(p["title"])} </h1></div></div>
<div class="container"><div class="content">{meta}{body}</div></div>"""
    return fdb_page(p["title"], main, canonical=url)


def write_fdb(source_url: str) -> int:
    m = Manifest("foerderdatenbank")
    page1, page2 = FDB_PROGRAMMES[:10], FDB_PROGRAMMES[10:]
    repeat = next(p for p in FDB_PROGRAMMES if p["path"] == FDB_PAGE_2_REPEAT)
    next_href = "SiteGlobals/FDB/Forms/Suche/Foederprogrammsuche_Formular.html?gtp=%2526816beae2-d57e-4bdc-b55d-392bc1e17027_list%253D2&filterCategories=FundingProgram&cl2Processes_Foerderberechtigte=kommune"
    total = len(FDB_PROGRAMMES) + 1
    m.add(
        source_url,
        "suche-seite-1.html",
        fdb_list(page1, next_href, total).encode(),
        "text/html;charset=UTF-8",
    )
    m.add(
        FDB + next_href,
        "suche-seite-2.html",
        fdb_list([*page2, repeat], None, total).encode(),
        "text/html;charset=UTF-8",
    )
    for p in FDB_PROGRAMMES:
        url = f"{FDB}FDB/Content/DE/Foerderprogramm/{p['path']}.html"
        m.add(
            url,
            "programm-" + p["path"].replace("/", "-").lower() + ".html",
            fdb_detail(p).encode(),
            "text/html;charset=UTF-8",
        )
    m.write()
    return len(FDB_PROGRAMMES)


def foerderinfo_page(items: list[dict[str, str]], next_href: str | None) -> str:
    teasers = []
    for t in items:
        d = t["published"].split("-")
        s = t["deadline"].split("-")
        teasers.append(f"""<li class="c-search-result__item">
<a class="c-teaser c-teaser--announcement" href="{E(t["href"])}">
 <div class="c-teaser__topline c-topline">
  <span class="c-topline__category">{E(t["ministry"])}</span>
  <span class="c-topline__item"><time datetime="{t["published"]}">{d[2]}.{d[1]}.{d[0]}</time></span>
  <span class="c-topline__item c-topline__item--stopdate">Einreichungsfrist: <time datetime="{t["deadline"]}">{s[2]}.{s[1]}.{s[0]}</time></span>
 </div>
 <h3 class="c-teaser__title">{E(t["title"])}</h3>
 <p class="c-teaser__text">{E(t["text"])}</p>
</a></li>""")
    pager = (
        f'<nav class="c-pagination"><ul><li class="c-pagination__item c-pagination__item--next"><a href="{E(next_href)}" rel="next" title="Zur nächsten Seite">weiter</a></li></ul></nav>'
        if next_href
        else ""
    )
    return f"""<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><title>Bekanntmachungen - foerderinfo.bund.de</title></head>
<body><main><h1>Aktuelle Bekanntmachungen</h1>
<div class="c-search-result"><ul class="c-search-result__list">{"".join(teasers)}</ul>{pager}</div></main></body></html>
"""


def write_foerderinfo(source_url: str) -> int:
    m = Manifest("foerderinfo")
    next_href = "SiteGlobals/Forms/foerderinfo/bekanntmachungen/Bekanntmachungen_Formular.html?gtp=%2526a4f6a5b8-3f0e-4c77-9a1d-0f6a2c8d1e55_list%253D2"
    m.add(
        source_url,
        "bekanntmachungen-seite-1.html",
        foerderinfo_page(FOERDERINFO[:10], "/" + next_href).encode(),
        "text/html; charset=UTF-8",
    )
    m.add(
        "https://www.foerderinfo.bund.de/" + next_href,
        "bekanntmachungen-seite-2.html",
        foerderinfo_page(FOERDERINFO[10:], None).encode(),
        "text/html; charset=UTF-8",
    )
    m.write()
    return len(FOERDERINFO)


def eu_result(c: dict[str, Any], language: str = "en") -> dict[str, Any]:
    budget = {
        "budgetTopicActionMap": {
            "1234": [
                {
                    "action": f"{c['id']} - {'CSA' if c['max'] < 100000 else 'IA'}",
                    "plannedOpeningDate": c["start"][:10],
                    "deadlineModel": c["model"],
                    "deadlineDates": [d[:10] for d in c["deadlines"]],
                    "budgetYearMap": {"2027": c["max"] * 4},
                    "expectedGrants": 4,
                    "minContribution": c["max"] // 2,
                    "maxContribution": c["max"],
                }
            ]
        },
        "budgetYearsColumns": ["2027"],
    }
    return {
        "apiVersion": "2.134",
        "reference": f"{c['id']}{language.upper()}",
        "url": f"https://ec.europa.eu/info/funding-tenders/opportunities/data/topicDetails/{c['id'].lower()}.json",
        "title": c["title"],
        "contentType": "text",
        "language": language,
        "databaseLabel": "SEDIA",
        "database": "SEDIA",
        "summary": c["title"],
        "content": c["title"],
        "metadata": {
            "identifier": [c["id"]],
            "title": [c["title"]],
            "callIdentifier": [c["id"].rsplit("-", 1)[0]],
            "callTitle": [c["call"]],
            "type": ["1"],
            "status": [c["status"]],
            "startDate": [c["start"]],
            "deadlineDate": c["deadlines"],
            "deadlineModel": [c["model"]],
            "frameworkProgramme": ["43152860" if c["id"].startswith("DIGITAL") else "43108390"],
            "programmePeriod": ["2021 - 2027"],
            "keywords": [json.dumps(c["keywords"])],
            "budgetOverview": [json.dumps(budget)],
            "descriptionByte": [c["desc"]],
            "language": [language],
        },
    }


def write_eu(source_url: str, options: dict[str, Any]) -> int:
    m = Manifest("eu-ft")
    body, _ = multipart_body(
        {
            "query": options["query"],
            "languages": options["languages"],
            "sort": options["sort"],
        }
    )
    results = [eu_result(c) for c in EU]
    # The API returns a topic once per language: the parser keeps one language.
    results.insert(2, eu_result(EU[0], "de"))
    results.insert(7, eu_result(EU[3], "fr"))
    tender = eu_result(EU[4])
    tender["metadata"]["type"] = ["0"]
    tender["metadata"]["identifier"] = ["EC-CNECT-2027-OP-0042"]
    tender["metadata"]["title"] = ["Study on broadband mapping (call for tenders)"]
    results.append(tender)
    data = {
        "apiVersion": "2.134",
        "terms": "***",
        "responseTime": 211,
        "totalResults": len(results),
        "pageNumber": 1,
        "pageSize": int(options["page_size"]),
        "sort": "sortStatus:ASC",
        "groupByField": None,
        "queryLanguage": {"language": "en", "probability": 0.0},
        "spellingSuggestion": "",
        "bestBets": [],
        "results": results,
    }
    url = _with_params(source_url, {"pageSize": options["page_size"], "pageNumber": 1})
    m.add(
        url,
        "search-seite-1.json",
        json.dumps(data, ensure_ascii=False, indent=1).encode(),
        "application/json;charset=UTF-8",
        method="POST",
        request_body=body,
    )
    m.write()
    return len(EU)


def write_rss(source_url: str) -> int:
    m = Manifest("bmleh-foerderung")
    items = "".join(
        f"""
  <item>
   <title>{E(i["title"])}</title>
   <link>{E(i["link"])}</link>
   <guid isPermaLink="true">{E(i["link"])}</guid>
   <pubDate>{i["date"]}</pubDate>
   <description>{E("<p>" + i["text"] + "</p>")}</description>
  </item>"""
        for i in FEED_ITEMS
    )
    rss = f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0">
 <channel>
  <title>BMLEH – Förderaufrufe Ländliche Entwicklung</title>
  <link>https://www.bmleh.de/DE/themen/laendliche-regionen/foerderaufrufe.html</link>
  <description>Aktuelle Förderaufrufe des Bundesprogramms Ländliche Entwicklung und Regionale Wertschöpfung</description>
  <language>de-de</language>{items}
 </channel>
</rss>
"""
    m.add(
        source_url, "rss-foerderung.xml", rss.encode("utf-8"), "application/rss+xml; charset=UTF-8"
    )
    m.write()
    return len(FEED_ITEMS)


def write_atom(source_url: str) -> int:
    m = Manifest("digitalagentur-nrw")
    entries = "".join(
        f"""
 <entry>
  <id>{e["id"]}</id>
  <title>{E(e["title"])}</title>
  <link href="{E(e["link"])}"/>
  <updated>{e["updated"]}</updated>
  <summary type="html">{E("<p>" + e["text"] + "</p>")}</summary>
 </entry>"""
        for e in ATOM_ENTRIES
    )
    # The CMS writes an HTML entity (&nbsp;) that XML does not define: feedparser reports
    # the feed as malformed ("bozo") but still reads every entry.
    atom = f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="de">
 <title>Digitalagentur NRW&nbsp;– Förderhinweise für Kommunen</title>
 <id>tag:digitalagentur.nrw,2026:foerderung</id>
 <updated>2026-11-24T08:00:00+01:00</updated>
 <author><name>Digitalagentur NRW</name></author>
 <link rel="self" href="{E(source_url)}"/>{entries}
</feed>
"""
    m.add(source_url, "feed.atom", atom.encode("utf-8"), "application/atom+xml; charset=utf-8")
    m.write()
    return len(ATOM_ENTRIES)


def write_nrw(source_url: str) -> int:
    m = Manifest("nrw-foerderaufrufe")

    def article(i: dict[str, str]) -> str:
        d = i["date"].split("-")
        deadline = ""
        if i["deadline"]:
            s = i["deadline"].split("-")
            deadline = f'<p class="call-teaser__deadline">Frist: <time datetime="{i["deadline"]}">{s[2]}.{s[1]}.{s[0]}</time></p>'
        return f"""<article class="call-teaser">
 <time class="call-teaser__date" datetime="{i["date"]}">{d[2]}.{d[1]}.{d[0]}</time>
 <h3 class="call-teaser__title"><a href="{i["href"]}">{E(i["title"])}</a></h3>
 {deadline}
 <div class="call-teaser__text"><p>{E(i["text"])}</p></div>
</article>"""

    def page(items: list[dict[str, str]], next_href: str | None) -> str:
        pager = f'<a class="pager__next" href="{next_href}">Nächste Seite</a>' if next_href else ""
        return f"""<!DOCTYPE html><html lang="de"><head><meta charset="windows-1252"><title>Förderaufrufe | MHKBD NRW</title></head>
<body><main><h1>Aktuelle Förderaufrufe</h1><section class="call-list">{"".join(article(i) for i in items)}</section>{pager}</main></body></html>
"""

    # The ministry's CMS serves Windows-1252 and says so only in the document.
    m.add(
        source_url,
        "foerderaufrufe-seite-1.html",
        page(NRW_LIST[:5], "/themen/foerderaufrufe?seite=2").encode("cp1252"),
        "text/html",
    )
    m.add(
        "https://www.mhkbd.nrw/themen/foerderaufrufe?seite=2",
        "foerderaufrufe-seite-2.html",
        page(NRW_LIST[5:], None).encode("cp1252"),
        "text/html",
    )
    m.write()
    return len(NRW_LIST)


def write_bbsr(source_url: str) -> int:
    m = Manifest("bbsr-foerderaufrufe")
    divs = "".join(
        f"""<div class="aufruf">
 <span class="datum">{i["date"]}</span>
 <h2><a href="{i["href"]}">{E(i["title"])}</a></h2>
 <div class="aufruf-text"><p>{E(i["text"])}</p></div>
</div>"""
        for i in BBSR_LIST
    )
    page = f"""<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><title>Aufrufe - BBSR</title></head>
<body><div id="content"><h1>Aktuelle Aufrufe</h1>{divs}</div></body></html>
"""
    m.add(source_url, "aufrufe.html", page.encode(), "text/html; charset=utf-8")
    m.write()
    return len(BBSR_LIST)


def write_dsee(source_url: str) -> int:
    """A WordPress RSS 2.0 feed as wp-includes/feed-rss2.php writes it: times in UTC (+0000),
    the author as dc:creator, categories, a guid `?p=ID` that is no permalink, the excerpt
    (cut after a number of words, "[&#8230;]") as description and the whole post as
    content:encoded, both in CDATA."""
    m = Manifest("dsee")

    def item(p: dict[str, Any]) -> str:
        words = " ".join(p["paras"]).split()
        excerpt = " ".join(words[:30]) + (" [&#8230;]" if len(words) > 30 else "")
        content = "\n".join(f"<p>{E(t)}</p>" for t in p["paras"])
        categories = "".join(f"\n\t\t<category><![CDATA[{c}]]></category>" for c in p["categories"])
        return f"""
\t<item>
\t\t<title>{E(p["title"])}</title>
\t\t<link>{DSEE}/aktuelles/{p["slug"]}/</link>
\t\t<pubDate>{p["date"]}</pubDate>
\t\t<dc:creator><![CDATA[DSEE Redaktion]]></dc:creator>{categories}

\t\t<guid isPermaLink="false">{DSEE}/?p={p["id"]}</guid>
\t\t<description><![CDATA[{excerpt}]]></description>
\t\t<content:encoded><![CDATA[{content}]]></content:encoded>
\t</item>"""

    rss = f"""<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"
\txmlns:content="http://purl.org/rss/1.0/modules/content/"
\txmlns:wfw="http://wellformedweb.org/CommentAPI/"
\txmlns:dc="http://purl.org/dc/elements/1.1/"
\txmlns:atom="http://www.w3.org/2005/Atom"
\txmlns:sy="http://purl.org/rss/1.0/modules/syndication/"
\txmlns:slash="http://purl.org/rss/1.0/modules/slash/"
\t>

<channel>
\t<title>Deutsche Stiftung für Engagement und Ehrenamt</title>
\t<atom:link href="{E(source_url)}" rel="self" type="application/rss+xml" />
\t<link>{DSEE}/</link>
\t<description>Stärken. Unterstützen. Vernetzen.</description>
\t<lastBuildDate>Tue, 24 Nov 2026 09:20:00 +0000</lastBuildDate>
\t<language>de-DE</language>
\t<sy:updatePeriod>
\thourly\t</sy:updatePeriod>
\t<sy:updateFrequency>
\t1\t</sy:updateFrequency>
\t<generator>https://wordpress.org/?v=6.7</generator>{"".join(item(p) for p in DSEE_POSTS)}
\t</channel>
</rss>
"""
    m.add(source_url, "feed.xml", rss.encode("utf-8"), "application/rss+xml; charset=UTF-8")
    m.write()
    return len(DSEE_POSTS) - 1  # the annual report is no call


def main() -> None:
    sources = {s.name: s for s in load_sources(ROOT / "data" / "sources.yaml")}
    counts = {
        "foerderdatenbank": write_fdb(sources["foerderdatenbank"].url),
        "foerderinfo": write_foerderinfo(sources["foerderinfo"].url),
        "eu-ft": write_eu(sources["eu-ft"].url, sources["eu-ft"].options),
        "bmleh-foerderung": write_rss(sources["bmleh-foerderung"].url),
        "digitalagentur-nrw": write_atom(sources["digitalagentur-nrw"].url),
        "nrw-foerderaufrufe": write_nrw(sources["nrw-foerderaufrufe"].url),
        "bbsr-foerderaufrufe": write_bbsr(sources["bbsr-foerderaufrufe"].url),
        "dsee": write_dsee(sources["dsee"].url),
    }
    for name, n in counts.items():
        print(f"{name}: {n} Aufrufe")
    print(f"zusammen: {sum(counts.values())}")


if __name__ == "__main__":
    main()
