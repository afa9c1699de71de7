"""The theme map as YAML: load it into a project, export it from one.

A theme map makes an analysis reproducible and reviewable in version control;
the format, and how a quote is found in a source, are described in
:mod:`workbench.domain.theme_map`. A quote resolves to the tightest coding of
the chosen coder, of one of the theme's codes, that contains it. A quote
shorter than its coding is stored as a trimmed exemplar.

Loading checks everything first and reports problems as ``file:line``; then
it applies the map in one transaction (types, categories and themes are
matched by name and label, and updated), so a failure changes nothing. With
``replace=True`` themes and categories not in the file are deleted.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from workbench.atomic import write_text
from workbench.domain.theme_map import (
    Flow,
    Item,
    ThemeMapSpec,
    dump_theme_map,
    find_quote,
    parse_theme_map,
)
from workbench.domain.yaml_nodes import read_yaml_text
from workbench.errors import InputError
from workbench.services.themes import categories as theme_categories
from workbench.services.themes import edit as svc
from workbench.services.themes.rollups import CONSENSUS_CODER
from workbench.store.engine import Project
from workbench.store.models import (
    Code,
    Coder,
    Coding,
    Exemplar,
    Source,
    Theme,
    ThemeCategory,
    ThemeCode,
    ThemeType,
)
from workbench.store.values import from_file

# Still importable from here: the format's key lists, spec dataclasses, parse_theme_map and find_quote.

MAX_LISTED = 20


@dataclass(frozen=True)
class ThemeMapReport:
    added: list[str]
    updated: list[str]
    removed: list[str]
    categories: int
    exemplars: int


# Loading ---------------------------------------------------------------------------


def load_theme_map(project: Project, path: Path, coder: str | None = None, *, replace: bool = False) -> ThemeMapReport:
    """Check a theme map file against the project and apply it in one transaction."""
    text = read_yaml_text(path, "theme map")
    spec = parse_theme_map(text, str(path))
    with from_file(path), project.session() as session:
        return apply_theme_map(session, spec, str(path), coder, replace=replace)


def apply_theme_map(session: Session, spec: ThemeMapSpec, path: str, coder: str | None = None, *, replace: bool = False) -> ThemeMapReport:
    problems: list[tuple[int, str]] = []
    typology = _plan_typology(session, spec, problems)
    type_names = {n.lower() for n, _ in typology} | {p for _, p in typology}
    category_names = {c.value.lower() for c, _ in spec.categories} | {
        n.lower() for n in session.scalars(select(ThemeCategory.name))
    }
    codes = {c.key: c for c in session.scalars(select(Code))}
    dimension_keys = {d.key for d in svc.dimensions(session)} | {d.name.lower() for d in svc.dimensions(session)}
    seen: dict[str, int] = {}
    for theme in spec.themes:
        label = theme.label.value
        if not svc.LABEL.match(label):
            problems.append((theme.label.line, f"theme label {label!r} must be short letters and digits, e.g. 'F1'"))
        if label in seen:
            problems.append((theme.label.line, f"theme {label!r} is given twice (first on line {seen[label]})"))
        seen[label] = theme.label.line
        if theme.type.value.lower() not in type_names and theme.type.value not in type_names:
            names = ", ".join(n for n, _ in typology)
            problems.append((theme.type.line, f"theme {label} has type {theme.type.value!r}, not in the typology ({names})"))
        if theme.category and theme.category.value.lower() not in category_names:
            problems.append((theme.category.line, f"theme {label} names category {theme.category.value!r}; add it under 'categories:'"))
        for code in theme.codes:
            if code.value not in codes:
                problems.append((code.line, f"theme {label} names code {code.value!r}, which is not in the project's codebook"))
        for dim in theme.dimensions or []:
            if dim.value not in dimension_keys and dim.value.lower() not in dimension_keys:
                problems.append((dim.line, f"theme {label}: {dim.value!r} is not a dimension (a top-level deductive code)"))
    resolved = _resolve_exemplars(session, spec, codes, coder, problems)
    if problems:
        problems.sort()
        line, message = problems[0]
        if len(problems) > 1:
            lines = ", ".join(str(n) for n, _ in problems[1:MAX_LISTED]) + (", ..." if len(problems) > MAX_LISTED else "")
            message += f" (and {len(problems) - 1} more problems, lines {lines})"
        raise InputError(path, f"{message}; nothing was loaded", line)
    return _apply(session, spec, _write_typology(session, typology), codes, resolved, replace)


# Exporting ---------------------------------------------------------------------------


def export_theme_map(project: Project, path: Path) -> int:
    """Write the project's theme map as YAML (loadable with :func:`load_theme_map`); returns the number of themes."""
    with project.session() as session:
        document = theme_map_document(session)
    header = "# Theme map exported by Thematic Workbench; load it with: workbench themes load FILE\n"
    text = header + dump_theme_map(document)
    write_text(path, text)
    return len(document["themes"])


def theme_map_document(session: Session) -> dict[str, Any]:
    from workbench.store.models import Codebook

    types = svc.ensure_typology(session)
    title = session.scalar(select(Codebook.name).order_by(Codebook.id))
    exemplars: dict[int, list[dict[str, str]]] = {}
    rows = session.execute(
        select(Exemplar, Coding, Source.name, Source.text, Coder.name)
        .join(Coding, Coding.id == Exemplar.coding_id).join(Source, Source.id == Coding.source_id)
        .join(Coder, Coder.id == Coding.coder_id).order_by(Exemplar.theme_id, Exemplar.position, Exemplar.id)
    ).all()
    for exemplar, coding, source, text, coder in rows:
        start = coding.start if exemplar.start is None else exemplar.start
        end = coding.end if exemplar.end is None else exemplar.end
        exemplars.setdefault(exemplar.theme_id, []).append({"source": source, "quote": text[start:end], "coder": coder})
    themes = []
    for info in svc.theme_infos(session):
        entry: dict[str, Any] = {"label": info.label, "name": info.name, "type": info.type}
        if info.category:
            entry["category"] = info.category
        if info.description:
            entry["description"] = info.description
        entry["codes"] = Flow(info.codes)
        if info.overridden:
            entry["dimensions"] = Flow(info.dimensions)
        entry["exemplars"] = exemplars.get(info.id, [])
        themes.append(entry)
    categories = [
        {"name": c.name, **({"description": c.description} if c.description else {})}
        for c in session.scalars(select(ThemeCategory).order_by(ThemeCategory.position, ThemeCategory.id))
    ]
    return {
        **({"theme_map": title} if title else {}),
        "typology": [Flow({"name": t.name, "prefix": t.prefix}) for t in types],
        "categories": categories,
        "themes": themes,
    }


# Helpers ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Resolved:
    coding_id: int
    start: int | None
    end: int | None


def _resolve_exemplars(
    session: Session, spec: ThemeMapSpec, codes: dict[str, Code], coder: str | None, problems: list[tuple[int, str]]
) -> dict[str, list[_Resolved]]:
    coders = dict(session.execute(select(Coder.name, Coder.id)).all())
    sources: dict[str, Source | None] = {}
    result: dict[str, list[_Resolved]] = {}
    for theme in spec.themes:
        if theme.exemplars is None:
            continue
        code_ids = {codes[c.value].id for c in theme.codes if c.value in codes}
        out = result.setdefault(theme.label.value, [])
        for ex in theme.exemplars:
            who = ex.coder or spec.coder or (Item(coder, ex.source.line) if coder else None)
            if who is not None and who.value not in coders:
                problems.append((who.line, f"no coder {who.value!r} in this project (coders: {', '.join(sorted(coders)) or 'none'})"))
                continue
            if ex.source.value not in sources:
                sources[ex.source.value] = session.scalar(select(Source).where(Source.name == ex.source.value))
            source = sources[ex.source.value]
            if source is None:
                problems.append((ex.source.line, f"no source {ex.source.value!r} in the project"))
                continue
            spans = find_quote(source.text, ex.quote.value)
            if not spans:
                problems.append((ex.quote.line, f"quote not found in {source.name}: {_short(ex.quote.value)}"))
                continue
            query = select(Coding, Coder.name).join(Coder, Coder.id == Coding.coder_id).where(
                Coding.source_id == source.id, Coding.code_id.in_(code_ids)
            )
            if who is not None:
                query = query.where(Coding.coder_id == coders[who.value])
            candidates = session.execute(query).all()
            best = None
            for start, end in spans:
                fits = [(c.end - c.start, name != CONSENSUS_CODER, name, c.id, c) for c, name in candidates if c.start <= start and end <= c.end]
                if fits:
                    best = (min(fits, key=lambda f: f[:4])[4], start, end)
                    break
            if best is None:
                whose = f"of {who.value} " if who else ""
                problems.append((ex.quote.line, f"no coding {whose}with a code of theme {theme.label.value} contains the quote {_short(ex.quote.value)} in {source.name}"))
                continue
            coding, start, end = best
            trimmed = (start, end) != (coding.start, coding.end)
            out.append(_Resolved(coding.id, start if trimmed else None, end if trimmed else None))
    return result


def _plan_typology(session: Session, spec: ThemeMapSpec, problems: list[tuple[int, str]]) -> list[tuple[str, str]]:
    """The typology after loading, as (name, prefix): the file's types first, then the project's others."""
    existing = [(t.name, t.prefix) for t in session.scalars(select(ThemeType).order_by(ThemeType.position, ThemeType.id))]
    if spec.typology is None:
        return existing or list(theme_categories.DEFAULT_TYPOLOGY)
    planned: list[tuple[str, str]] = []
    for name, prefix in spec.typology:
        if not theme_categories.PREFIX.match(prefix.value):
            problems.append((prefix.line, f"type prefix {prefix.value!r} must be a capital letter and up to 9 more letters"))
        if any(name.value.lower() == n.lower() or prefix.value == p for n, p in planned):
            problems.append((name.line, f"theme type {name.value!r} or its prefix {prefix.value!r} is given twice"))
        planned.append((name.value, prefix.value))
    for type_name, type_prefix in existing:
        if all(type_name.lower() != n.lower() for n, _ in planned):
            if any(type_prefix == p for _, p in planned):
                problems.append((spec.typology[0][0].line, f"prefix {type_prefix!r} is already the project's type {type_name!r}; "
                                 f"list {type_name!r} with another prefix"))
            planned.append((type_name, type_prefix))
    return planned


def _write_typology(session: Session, planned: list[tuple[str, str]]) -> dict[str, ThemeType]:
    existing = {t.name.lower(): t for t in session.scalars(select(ThemeType))}
    for position, (name, prefix) in enumerate(planned):
        theme_type = existing.get(name.lower())
        if theme_type is None:
            theme_type = existing[name.lower()] = ThemeType(name=name, prefix=prefix)
            session.add(theme_type)
        theme_type.prefix, theme_type.position = prefix, position
    session.flush()
    return {**{t.name.lower(): t for t in existing.values()}, **{t.prefix: t for t in existing.values()}}


def _apply(session: Session, spec: ThemeMapSpec, type_of: dict[str, ThemeType], codes: dict[str, Code],
           resolved: dict[str, list[_Resolved]], replace: bool) -> ThemeMapReport:
    categories = {c.name.lower(): c for c in session.scalars(select(ThemeCategory))}
    for position, (name, description) in enumerate(spec.categories):
        category = categories.get(name.value.lower())
        if category is None:
            category = categories[name.value.lower()] = ThemeCategory(name=name.value)
            session.add(category)
        category.name, category.description, category.position = name.value, description, position
    existing = {t.label: t for t in session.scalars(select(Theme))}
    wanted = {t.label.value for t in spec.themes}
    removed = sorted(label for label in existing if label not in wanted) if replace else []
    for label in removed:
        session.execute(delete(Exemplar).where(Exemplar.theme_id == existing[label].id))
        session.delete(existing.pop(label))
    if replace:
        keep = {name.value.lower() for name, _ in spec.categories} | {t.category.value.lower() for t in spec.themes if t.category}
        for key, category in list(categories.items()):
            if key not in keep:
                session.delete(category)
    session.flush()
    added, updated, exemplars = [], [], 0
    for position, item in enumerate(spec.themes):
        theme = existing.get(item.label.value)
        values = {
            "name": item.name.value, "description": item.description, "position": position,
            "type_id": (type_of.get(item.type.value.lower()) or type_of[item.type.value]).id,
            "category_id": categories[item.category.value.lower()].id if item.category else None,
            "dimensions": svc.check_dimensions(session, [d.value for d in item.dimensions]) if item.dimensions is not None else None,
        }
        if theme is None:
            theme = Theme(label=item.label.value, **values)
            session.add(theme)
            added.append(item.label.value)
        else:
            changed = {k: v for k, v in values.items() if getattr(theme, k) != v}
            for key, value in changed.items():
                setattr(theme, key, value)
            if changed or {c.key for c in theme.codes} != {c.value for c in item.codes}:
                updated.append(item.label.value)
        session.flush()
        session.execute(delete(ThemeCode).where(ThemeCode.theme_id == theme.id))
        session.add_all(ThemeCode(theme_id=theme.id, code_id=i) for i in dict.fromkeys(codes[c.value].id for c in item.codes))
        if item.exemplars is not None:
            session.execute(delete(Exemplar).where(Exemplar.theme_id == theme.id))
            chosen = list({r.coding_id: r for r in resolved.get(item.label.value, [])}.values())
            session.add_all(Exemplar(theme_id=theme.id, coding_id=r.coding_id, start=r.start, end=r.end, position=i)
                            for i, r in enumerate(chosen))
        exemplars += session.scalar(select(func.count()).select_from(Exemplar).where(Exemplar.theme_id == theme.id)) or 0
        session.flush()
    return ThemeMapReport(added, updated, removed, len(spec.categories), exemplars)


def _short(quote: str, limit: int = 60) -> str:
    quote = " ".join(quote.split())
    return f"“{quote if len(quote) <= limit else quote[: limit - 1] + '…'}”"
