"""Load and validate a strategy YAML into typed dataclasses.

A strategy is data: themes (with priority 1-3 and goals), projects (with theme, goals,
summary, keywords) and a region profile with the applicants. Every validation error
names the file, the line and the path inside the document.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from matcher.applicant_types import (
    COUNTY,
    MEMBER_TYPES,
    PROJECT_TYPES,
    fold_type,
    member_level,
    member_type_known,
    project_type_known,
)
from matcher.states import STATES, fold_place, state_name
from scrapers.encoding import not_utf8_problem
from scrapers.yaml_errors import DuplicateKeysError, closest, load_yaml, yaml_problem


class StrategyError(ValueError):
    """A strategy file that cannot be used; lists every problem found."""

    def __init__(self, path: str, problems: list[str]) -> None:
        self.path = path
        self.problems = problems
        super().__init__(f"{path}: " + "; ".join(problems) if len(problems) == 1 else str(self))

    def __str__(self) -> str:
        if len(self.problems) == 1:
            return f"{self.path}: {self.problems[0]}"
        lines = [f"{self.path}: {len(self.problems)} Fehler"]
        lines += [f"  - {p}" for p in self.problems]
        return "\n".join(lines)


@dataclass(slots=True)
class Goal:
    id: str
    text: str
    theme_id: str


@dataclass(slots=True)
class Theme:
    id: str
    name: str
    priority: int
    goals: list[Goal] = field(default_factory=list)
    description: str = ""


@dataclass(slots=True)
class Applicant:
    name: str
    type: str
    population: int | None = None  # inhabitants, for calls "für Gemeinden bis 20.000 Einwohner"


@dataclass(slots=True)
class RegionProfile:
    country: str = "Deutschland"
    state: str = ""
    county: str = ""
    administrative_district: str = ""
    rural: bool | None = None
    structurally_weak: bool | None = None
    applicants: list[Applicant] = field(default_factory=list)


@dataclass(slots=True)
class Project:
    id: str
    title: str
    theme_id: str
    goal_ids: list[str]
    summary: str = ""
    keywords: list[str] = field(default_factory=list)
    lead: str = ""
    partners: list[str] = field(default_factory=list)
    applicant_types: list[str] = field(default_factory=list)
    funding_history: list[dict[str, Any]] = field(default_factory=list)


@dataclass(slots=True)
class Strategy:
    id: str
    name: str
    region: str = ""
    state: str = ""
    adopted: str = ""
    adopted_by: str = ""
    members: list[str] = field(default_factory=list)
    leitbild: str = ""
    aims: list[str] = field(default_factory=list)
    region_profile: RegionProfile = field(default_factory=RegionProfile)
    themes: list[Theme] = field(default_factory=list)
    projects: list[Project] = field(default_factory=list)
    source_path: str = ""

    def theme(self, theme_id: str) -> Theme:
        """The theme with this id."""
        return next(t for t in self.themes if t.id == theme_id)

    @property
    def goals(self) -> list[Goal]:
        """All goals of all themes, in document order."""
        return [g for t in self.themes for g in t.goals]

    def goal(self, goal_id: str) -> Goal:
        """The goal with this id."""
        return next(g for g in self.goals if g.id == goal_id)

    def project(self, project_id: str) -> Project:
        """The project with this id."""
        return next(p for p in self.projects if p.id == project_id)


def load_strategy(path: str | Path) -> Strategy:
    """Read, validate and return the strategy in `path`; raise StrategyError on any problem."""
    path = Path(path)
    try:
        body = path.read_bytes()
    except FileNotFoundError:
        raise StrategyError(str(path), ["Datei nicht gefunden"]) from None
    except IsADirectoryError:
        raise StrategyError(str(path), ["ist ein Verzeichnis, keine Datei"]) from None
    except OSError as exc:
        raise StrategyError(str(path), [f"nicht lesbar ({exc.strerror})"]) from None
    try:
        raw_text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise StrategyError(str(path), [not_utf8_problem(body, exc)]) from None
    return parse_strategy(raw_text, str(path))


def parse_strategy(raw_text: str, name: str = "<strategy>") -> Strategy:
    """Validate strategy YAML text; `name` is used in error messages."""
    if not raw_text.strip():
        raise StrategyError(name, ["Die Datei ist leer"])
    try:
        data, node = load_yaml(raw_text)
    except DuplicateKeysError as exc:
        # YAML keeps only the last of two equal keys: a second `projects:` block would
        # silently replace the first, so this is refused instead.
        raise StrategyError(name, _duplicate_problems(exc)) from None
    except yaml.reader.ReaderError as exc:
        # A control character (NUL, …): the reader knows only the position, not the line.
        line = raw_text.count("\n", 0, exc.position) + 1
        problem = (
            f"unerlaubtes Zeichen #x{exc.character:04x}"
            if isinstance(exc.character, int)
            else exc.reason
        )
        raise StrategyError(name, [f"Zeile {line}: kein gültiges YAML ({problem})"]) from None
    except yaml.YAMLError as exc:
        at, problem = yaml_problem(exc, raw_text)
        where = f"Zeile {at}: " if at else ""
        raise StrategyError(name, [f"{where}kein gültiges YAML – {problem}"]) from None
    return _Validator(name, _line_index(node), _scalar_texts(node)).validate(data)


def _line_of(problem: str) -> int:
    """The line a problem names ("Zeile 18, …"); 0 for the file as a whole."""
    match = re.match(r"Zeile (\d+)", problem)
    return int(match.group(1)) if match else 0


def _duplicate_problems(exc: DuplicateKeysError) -> list[str]:
    """Each repeated key with its line and its path in the document (`projects[1].keywords`)."""
    index = _line_index(exc.node)
    problems = []
    for dup in exc.duplicates:
        path = next(
            (
                p
                for p, line in index.items()
                if line == dup.line and (p == dup.key or p.endswith(f".{dup.key}"))
            ),
            "",
        )
        where = f"Zeile {dup.line}, {path}" if path else f"Zeile {dup.line}"
        problems.append(f"{where}: {dup.problem}")
    return problems


def _line_index(node: yaml.Node | None, path: str = "") -> dict[str, int]:
    """Map each path inside the document (e.g. `projects[3].theme`) to its 1-based line."""
    index: dict[str, int] = {}
    if node is None:
        return index
    index[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = str(key_node.value)
            child = f"{path}.{key}" if path else key
            index[child] = key_node.start_mark.line + 1
            sub = _line_index(value_node, child)
            sub.pop(child, None)
            index.update(sub)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            index.update(_line_index(item, f"{path}[{i}]"))
    return index


def _scalar_texts(node: yaml.Node | None, path: str = "") -> dict[str, str]:
    """Map each path to a scalar's text as written in the file (`projects[0].goals[1]`: "1.10").

    YAML reads an unquoted `1.10` as the number 1.1 and `007` as 7: an id or a text is taken
    as the county wrote it, so goal 1.10 stays 1.10 (and is not a second goal 1.1).
    """
    texts: dict[str, str] = {}
    if isinstance(node, yaml.ScalarNode):
        texts[path] = str(node.value)
    elif isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = str(key_node.value)
            texts.update(_scalar_texts(value_node, f"{path}.{key}" if path else key))
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            texts.update(_scalar_texts(item, f"{path}[{i}]"))
    return texts


# The keys each part of a strategy may have; anything else is most likely a typo
# (`keyword:` for `keywords:`) that would otherwise be dropped without a word.
TOP_KEYS = (
    "id", "name", "region", "state", "adopted", "adopted_by", "members", "leitbild", "aims",
    "region_profile", "themes", "projects",
)  # fmt: skip
REGION_KEYS = (
    "country", "state", "county", "administrative_district", "rural", "structurally_weak",
    "applicants",
)  # fmt: skip
APPLICANT_KEYS = ("name", "type", "population")
# The most characters a stored field holds (the web app's columns, checked against them in
# tests/foundation/test_strategy.py): a longer value is the file's mistake, named with its
# line, not a database error in the middle of `strategy load`.
ID_LONGEST = 100  # ids of the strategy, themes, goals, projects; `adopted`
NAME_LONGEST = 300  # names of the strategy and the themes, a project's `lead`
PLACE_LONGEST = 200  # region, state, an applicant's name (a login's "Meine Kommune")
TITLE_LONGEST = 500  # a project's title
THEME_KEYS = ("id", "name", "priority", "description", "goals")
GOAL_KEYS = ("id", "text")
PROJECT_KEYS = (
    "id", "title", "theme", "goals", "summary", "keywords", "lead", "partners",
    "applicant_types", "funding_history",
)  # fmt: skip


class _Validator:
    def __init__(self, name: str, lines: dict[str, int], written: dict[str, str]) -> None:
        self.name = name
        self.lines = lines
        self.written = written
        self.problems: list[str] = []

    def fail(self, path: str, message: str) -> None:
        line = self._line_for(path)
        where = f"Zeile {line}, {path}" if line else path
        self.problems.append(f"{where}: {message}")

    def _line_for(self, path: str) -> int | None:
        probe = path
        while probe:
            if probe in self.lines:
                return self.lines[probe]
            cut = max(probe.rfind("."), probe.rfind("["))
            probe = probe[:cut] if cut > 0 else ""
        return self.lines.get("")

    def unknown_keys(self, data: dict[str, Any], known: tuple[str, ...], path: str) -> None:
        """Name each key that is not one of `known`, with the likely intended one."""
        for key in data:
            if key in known:
                continue
            full = f"{path}.{key}" if path else str(key)
            self.fail(full, f"unbekannter Schlüssel '{key}' ({_hint(str(key), known, 'erlaubt')})")

    def items(self, data: dict[str, Any], key: str, path: str) -> list[Any]:
        """The list under `key` (empty when absent); anything else is named as a problem."""
        value = data.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.fail(f"{path}.{key}" if path else key, f"'{key}' muss eine Liste sein")
            return []
        return value

    def text(
        self,
        data: dict[str, Any],
        key: str,
        path: str,
        *,
        required: bool = False,
        longest: int | None = None,
    ) -> str:
        """`data[key]` as text; `longest`: the most characters the field may hold."""
        value = data.get(key)
        full = f"{path}.{key}" if path else key
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.fail(full, f"Pflichtfeld '{key}' fehlt")
            return ""
        if isinstance(value, (dict, list)):
            self.fail(full, f"'{key}' muss ein Text sein")
            return ""
        text = self.as_written(value, full)
        if longest is not None and len(text) > longest:
            self.fail(
                full, f"'{key}' ist {len(text)} Zeichen lang, höchstens {longest} sind möglich"
            )
        return text

    def as_written(self, value: Any, path: str) -> str:
        """A scalar as text: a number, date or yes/no as the file writes it (`1.10`, not 1.1)."""
        if isinstance(value, str):
            return value.strip()
        return self.written.get(path, str(value)).strip()

    def text_list(self, data: dict[str, Any], key: str, path: str) -> list[str]:
        value = data.get(key)
        full = f"{path}.{key}" if path else key
        if value is None:
            return []
        if not isinstance(value, list) or any(isinstance(v, (dict, list)) for v in value):
            self.fail(full, f"'{key}' muss eine Liste von Texten sein")
            return []
        texts = [self.as_written(v, f"{full}[{i}]") for i, v in enumerate(value)]
        return [t for t in texts if t]

    def validate(self, data: Any) -> Strategy:
        if data is None:
            raise StrategyError(self.name, ["Die Datei enthält nur Kommentare"])
        if not isinstance(data, dict):
            raise StrategyError(
                self.name, ["Die Datei muss ein YAML-Objekt (Schlüssel: Wert) sein"]
            )
        if "sources" in data and not {"themes", "projects"} & data.keys():
            # Six problems about missing themes would hide that the file is the wrong one.
            raise StrategyError(
                self.name,
                [
                    f"Zeile {self._line_for('sources')}: die Datei ist eine Quellenliste "
                    "(sources.yaml), keine Strategie – die Strategiedatei angeben"
                ],
            )
        self.unknown_keys(data, TOP_KEYS, "")
        strategy = Strategy(
            id=self.text(data, "id", "", required=True, longest=ID_LONGEST),
            name=self.text(data, "name", "", required=True, longest=NAME_LONGEST),
            region=self.text(data, "region", "", longest=PLACE_LONGEST),
            state=self.text(data, "state", "", longest=PLACE_LONGEST),
            adopted=self.text(data, "adopted", "", longest=ID_LONGEST),
            adopted_by=self.text(data, "adopted_by", ""),
            members=self.text_list(data, "members", ""),
            leitbild=" ".join(self.text(data, "leitbild", "").split()),
            aims=self.text_list(data, "aims", ""),
            source_path=self.name,
        )
        strategy.region_profile = self.region_profile(data.get("region_profile"), data)
        strategy.themes = self.themes(data.get("themes"))
        goal_ids = {g.id for t in strategy.themes for g in t.goals}
        theme_ids = {t.id for t in strategy.themes}
        strategy.projects = self.projects(data.get("projects"), theme_ids, goal_ids)
        if self.problems:
            # checked part by part (region, themes, projects), read top to bottom
            raise StrategyError(self.name, sorted(self.problems, key=_line_of))
        return strategy

    def region_profile(self, raw: Any, top: dict[str, Any]) -> RegionProfile:
        if raw is None:
            # Without a region profile the top level's `state` and `region` (the county) are
            # the only places eligibility can go by; a file that names neither is allowed
            # (its state-wide calls count as closed to it, which `strategy show` says).
            return RegionProfile(
                state=self.state(top, "") if top.get("state") is not None else "",
                county=self.text(top, "region", ""),
            )
        if not isinstance(raw, dict):
            self.fail("region_profile", "muss ein Objekt sein")
            return RegionProfile()
        self.unknown_keys(raw, REGION_KEYS, "region_profile")
        applicants: list[Applicant] = []
        seen: set[tuple[str, str]] = set()
        for i, item in enumerate(self.items(raw, "applicants", "region_profile")):
            path = f"region_profile.applicants[{i}]"
            if not isinstance(item, dict):
                self.fail(path, "muss ein Objekt mit 'name' und 'type' sein")
                continue
            self.unknown_keys(item, APPLICANT_KEYS, path)
            applicant = Applicant(
                name=self.text(item, "name", path, required=True, longest=PLACE_LONGEST),
                type=self.text(item, "type", path, required=True),
                population=self.population(item, path),
            )
            if applicant.type and not member_type_known(applicant.type):
                # Eligibility tells the county from its towns by the type: "Landkries"
                # would silently count the county as a town.
                hint = _hint(
                    applicant.type, list(MEMBER_TYPES), "erlaubt", fold=fold_type, full=True
                )
                self.fail(
                    f"{path}.type",
                    f"unbekannte Art '{applicant.type}' ({hint}); nach ihr unterscheidet die "
                    "Antragsberechtigung den Kreis von den Städten und Gemeinden",
                )
            key = (fold_type(applicant.name), fold_type(applicant.type))
            if applicant.name and key in seen:
                self.fail(f"{path}.name", f"Antragsteller '{applicant.name}' steht doppelt")
            seen.add(key)
            applicants.append(applicant)
        county = self.text(raw, "county", "region_profile")
        self.county_among_applicants(county, applicants)
        return RegionProfile(
            country=self.text(raw, "country", "region_profile") or "Deutschland",
            state=self.state(raw, "region_profile"),
            county=county,
            administrative_district=self.text(raw, "administrative_district", "region_profile"),
            rural=self.flag(raw, "rural", "region_profile"),
            structurally_weak=self.flag(raw, "structurally_weak", "region_profile"),
            applicants=applicants,
        )

    def population(self, item: dict[str, Any], path: str) -> int | None:
        """An applicant's inhabitants: a whole number above 0, or None when not given.

        Eligibility compares it with a call's limit ("Gemeinden bis 20.000 Einwohner"); YAML
        reads "37.000" as the decimal 37.0, so a thousands separator is refused too.
        """
        value = item.get("population")
        if value is None:
            return None
        if isinstance(value, int) and not isinstance(value, bool) and value > 0:
            return value
        written = self.as_written(value, f"{path}.population")
        self.fail(
            f"{path}.population",
            f"'population' muss die Einwohnerzahl als ganze Zahl größer 0 sein, ohne "
            f"Tausenderpunkt (z. B. 37000), nicht '{written}'",
        )
        return None

    def county_among_applicants(self, county: str, applicants: Sequence[Applicant]) -> None:
        """Refuse a `county` that none of the county-level applicants is named like.

        Eligibility reads a call "nur für den Kreis X" by the county's name: a typo there
        ("Vogelbergkreis") would close the county's own calls to it without a word.
        """
        names = [a.name for a in applicants if a.name and member_level(a.type) == COUNTY]
        if not county or not names:
            return
        if any(_name_key(n) == _name_key(county) for n in names):
            return
        self.fail(
            "region_profile.county",
            f"'{county}' heißt keiner der Antragsteller der Kreisebene "
            f"({_hint(county, names, 'dort stehen')}); nach dem Namen erkennt die "
            "Antragsberechtigung Aufrufe nur für den eigenen Kreis",
        )

    def state(self, raw: dict[str, Any], where: str) -> str:
        """The state of a German county (`where`: the part of the file that gives it).

        Eligibility reads a call "nur für Bayern" as closed to a county whose state it does
        not recognise, so a typo ("Bayren") or a long form ("Freistaat Bayern") would hide
        every call of the county's own state without a word.
        """
        state = self.text(raw, "state", where)
        country = fold_place(self.text(raw, "country", where) or "Deutschland")
        if country.strip() not in GERMANY:
            return state
        path = f"{where}.state" if where else "state"
        if not state:
            self.fail(
                path,
                "Pflichtfeld 'state' fehlt (das Bundesland, z. B. Bayern): ohne es gelten "
                "alle Aufrufe einzelner Bundesländer als nicht antragsberechtigt",
            )
        elif state_name(state) is None:
            self.fail(
                path,
                f"unbekanntes Bundesland '{state}' ({_state_hint(state)}); die "
                "Antragsberechtigung vergleicht es mit der Förderregion der Aufrufe",
            )
        return state

    def flag(self, data: dict[str, Any], key: str, path: str) -> bool | None:
        value = data.get(key)
        if value is None or isinstance(value, bool):
            return value
        self.fail(f"{path}.{key}", f"'{key}' muss true oder false sein")
        return None

    def themes(self, raw: Any) -> list[Theme]:
        if not isinstance(raw, list) or not raw:
            self.fail("themes", "mindestens ein Themenfeld (themes) ist nötig")
            return []
        themes: list[Theme] = []
        seen_themes: set[str] = set()
        seen_goals: set[str] = set()
        for i, item in enumerate(raw):
            path = f"themes[{i}]"
            if not isinstance(item, dict):
                self.fail(path, "muss ein Objekt sein")
                continue
            self.unknown_keys(item, THEME_KEYS, path)
            theme_id = self.text(item, "id", path, required=True, longest=ID_LONGEST)
            if theme_id in seen_themes:
                self.fail(f"{path}.id", f"doppelte Themen-ID '{theme_id}'")
            seen_themes.add(theme_id)
            priority = item.get("priority")
            if priority is None:
                self.fail(f"{path}.priority", "Pflichtfeld 'priority' fehlt (1, 2 oder 3)")
                priority = 3
            elif isinstance(priority, bool) or priority not in (1, 2, 3):
                self.fail(
                    f"{path}.priority", f"Priorität muss 1, 2 oder 3 sein, nicht {priority!r}"
                )
                priority = 3
            theme = Theme(
                id=theme_id,
                name=self.text(item, "name", path, required=True, longest=NAME_LONGEST),
                priority=int(priority),
                description=self.text(item, "description", path),
            )
            for j, goal_raw in enumerate(self.items(item, "goals", path)):
                gpath = f"{path}.goals[{j}]"
                if not isinstance(goal_raw, dict):
                    self.fail(gpath, "muss ein Objekt mit 'id' und 'text' sein")
                    continue
                self.unknown_keys(goal_raw, GOAL_KEYS, gpath)
                goal_id = self.text(goal_raw, "id", gpath, required=True, longest=ID_LONGEST)
                if goal_id in seen_goals:
                    self.fail(f"{gpath}.id", f"doppelte Ziel-ID '{goal_id}'")
                seen_goals.add(goal_id)
                theme.goals.append(
                    Goal(
                        id=goal_id,
                        text=self.text(goal_raw, "text", gpath, required=True),
                        theme_id=theme_id,
                    )
                )
            themes.append(theme)
        return themes

    def projects(self, raw: Any, theme_ids: set[str], goal_ids: set[str]) -> list[Project]:
        # Without a project nothing can be matched, and loading such a file would
        # deactivate every project of the stored strategy.
        if raw is None or raw == []:
            self.fail("projects", "mindestens ein Projekt (projects) ist nötig")
            return []
        if not isinstance(raw, list):
            self.fail("projects", "muss eine Liste sein")
            return []
        projects: list[Project] = []
        seen: set[str] = set()
        for i, item in enumerate(raw):
            path = f"projects[{i}]"
            if not isinstance(item, dict):
                self.fail(path, "muss ein Objekt sein")
                continue
            self.unknown_keys(item, PROJECT_KEYS, path)
            project_id = self.text(item, "id", path, required=True, longest=ID_LONGEST)
            if project_id in seen:
                self.fail(f"{path}.id", f"doppelte Projekt-ID '{project_id}'")
            seen.add(project_id)
            theme_id = self.text(item, "theme", path, required=True)
            # Without readable themes (a typo like `themen:`), every project's theme and
            # goals would be reported unknown too: the one message about themes says it.
            if theme_id and theme_ids and theme_id not in theme_ids:
                hint = _hint(theme_id, sorted(theme_ids), "Themenfelder der Datei")
                self.fail(f"{path}.theme", f"unbekanntes Themenfeld '{theme_id}' ({hint})")
            goals = self.text_list(item, "goals", path)
            for goal_id in goals:
                if theme_ids and goal_id not in goal_ids:
                    hint = _hint(goal_id, sorted(goal_ids), "Ziele der Datei")
                    self.fail(f"{path}.goals", f"Ziel '{goal_id}' ist nicht definiert ({hint})")
            applicant_types = self.text_list(item, "applicant_types", path)
            for k, type_name in enumerate(applicant_types):
                if not project_type_known(type_name):
                    # A type eligibility cannot find in any call makes no call eligible
                    # through it: the project would miss them without a word.
                    hint = _hint(type_name, PROJECT_TYPES, "erlaubt", fold=fold_type, full=True)
                    self.fail(
                        f"{path}.applicant_types[{k}]",
                        f"unbekannte Antragstellerart '{type_name}' ({hint}); "
                        "sie würde in keinem Aufruf erkannt",
                    )
            history = item.get("funding_history") or []
            if not isinstance(history, list) or not all(isinstance(h, dict) for h in history):
                self.fail(f"{path}.funding_history", "muss eine Liste von Objekten sein")
                history = []
            projects.append(
                Project(
                    id=project_id,
                    title=self.text(item, "title", path, required=True, longest=TITLE_LONGEST),
                    theme_id=theme_id,
                    goal_ids=goals,
                    summary=" ".join(self.text(item, "summary", path).split()),
                    keywords=self.text_list(item, "keywords", path),
                    lead=self.text(item, "lead", path, longest=NAME_LONGEST),
                    partners=self.text_list(item, "partners", path),
                    applicant_types=applicant_types,
                    funding_history=history,
                )
            )
        return projects


# How a strategy may name its country for the state to be checked against the German states.
GERMANY = frozenset({"deutschland", "germany", "de", "brd", "bundesrepublik deutschland"})


def _name_key(name: str) -> str:
    """A county's name as eligibility compares it: its last word, folded ("coesfeld")."""
    words = fold_place(name).split()
    return words[-1] if words else ""


def _hint(
    value: str,
    known: Sequence[str],
    listed: str,
    *,
    fold: Callable[[str], str] | None = None,
    full: bool = False,
) -> str:
    """ "gemeint ist wohl 'x'" for a near miss, else the allowed values (`listed`: a label).

    `fold` compares folded spellings ("landkries" is near "Landkreis"); `full` lists the
    allowed values after a near miss too.
    """
    listing = f"{listed}: {', '.join(known)}" if known else f"keine {listed}"
    meant = closest(value, known, fold=fold)
    if meant is None:
        return listing
    return f"gemeint ist wohl '{meant}'; {listing}" if full else f"gemeint ist wohl '{meant}'"


def _state_hint(state: str) -> str:
    """The state meant by an unknown spelling: one named inside it, a near miss, or the list."""
    names = sorted(set(STATES.values()))
    folded = fold_place(state)
    inside = [name for key, name in STATES.items() if re.search(rf"\b{re.escape(key)}\b", folded)]
    if len(set(inside)) == 1:  # "Freistaat Bayern", "Land NRW"
        return f"gemeint ist wohl '{inside[0]}'"
    return _hint(state, names, "erlaubt", fold=fold_place)
