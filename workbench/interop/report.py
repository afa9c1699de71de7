"""What an import or export did, as frozen values for the CLI and the TUI."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

MAX_LISTED = 12


def _listing(items: tuple[str, ...] | list[str]) -> str:
    shown = ", ".join(items[:MAX_LISTED])
    return shown + (f", … ({len(items) - MAX_LISTED} more)" if len(items) > MAX_LISTED else "")


@dataclass(frozen=True)
class RefiImportReport:
    path: str
    kind: str  # "codebook" | "project"
    origin: str | None
    codes_added: tuple[str, ...] = ()
    codes_matched: tuple[str, ...] = ()  # "Name (by GUID)", "Name (by name)", "Name (by id)"
    codes_renamed: tuple[str, ...] = ()  # "'Old' → 'New' (…)"
    folders: int = 0
    coders_added: tuple[str, ...] = ()
    coders_matched: tuple[str, ...] = ()
    sources_added: tuple[str, ...] = ()
    sources_matched: tuple[str, ...] = ()  # same text already in the project
    positions: tuple[str, ...] = ()  # per source: how its positions were read
    codings_added: int = 0
    codings_present: int = 0
    memos_added: int = 0
    participants_added: tuple[str, ...] = ()
    participants_matched: tuple[str, ...] = ()
    attributes_set: int = 0
    themes_added: tuple[str, ...] = ()
    themes_matched: tuple[str, ...] = ()
    skipped: tuple[tuple[str, int], ...] = ()  # (what, how many)
    warnings: tuple[str, ...] = ()

    def lines(self) -> list[str]:
        origin = f" from {self.origin}" if self.origin else ""
        out = [f"{self.path}: REFI-QDA {self.kind}{origin} imported"]
        out.append(
            f"  codes: {len(self.codes_added)} added, {len(self.codes_matched)} matched, {len(self.codes_renamed)} renamed"
            + (f" ({self.folders} non-codable folders)" if self.folders else "")
        )
        if self.codes_matched:
            out.append(f"    matched: {_listing(self.codes_matched)}")
        if self.codes_renamed:
            out.append(f"    renamed: {_listing(self.codes_renamed)}")
        if self.kind == "project":
            out.append(f"  coders: {len(self.coders_added)} added, {len(self.coders_matched)} matched")
            out.append(f"  sources: {len(self.sources_added)} added, {len(self.sources_matched)} already present")
            out.extend(f"    {line}" for line in self.positions)
            out.append(f"  codings: {self.codings_added} added, {self.codings_present} already present")
            out.append(f"  memos: {self.memos_added} added")
            out.append(
                f"  participants: {len(self.participants_added)} added, {len(self.participants_matched)} matched, "
                f"{self.attributes_set} attribute values set"
            )
        if self.themes_added or self.themes_matched:
            out.append(f"  themes (from sets of codes): {len(self.themes_added)} added, {len(self.themes_matched)} matched")
        if self.skipped:
            out.append("  skipped (the workbench cannot hold these): " + "; ".join(f"{what}: {n}" for what, n in self.skipped))
        out.extend(f"  warning: {w}" for w in self.warnings)
        return out


@dataclass
class ReportBuilder:
    """Mutable while an import runs; :meth:`freeze` hands out the frozen report."""

    path: str
    kind: str
    origin: str | None = None
    codes_added: list[str] = field(default_factory=list)
    codes_matched: list[str] = field(default_factory=list)
    codes_renamed: list[str] = field(default_factory=list)
    folders: int = 0
    coders_added: list[str] = field(default_factory=list)
    coders_matched: list[str] = field(default_factory=list)
    sources_added: list[str] = field(default_factory=list)
    sources_matched: list[str] = field(default_factory=list)
    positions: list[str] = field(default_factory=list)
    codings_added: int = 0
    codings_present: int = 0
    memos_added: int = 0
    participants_added: list[str] = field(default_factory=list)
    participants_matched: list[str] = field(default_factory=list)
    attributes_set: int = 0
    themes_added: list[str] = field(default_factory=list)
    themes_matched: list[str] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)
    warnings: list[str] = field(default_factory=list)

    def skip(self, what: str, count: int = 1) -> None:
        if count:
            self.skipped[what] += count

    def freeze(self) -> RefiImportReport:
        values = {name: getattr(self, name) for name in self.__dataclass_fields__}
        for name, value in values.items():
            if isinstance(value, list):
                values[name] = tuple(value)
        values["skipped"] = tuple(sorted(self.skipped.items(), key=lambda item: (-item[1], item[0])))
        return RefiImportReport(**values)


@dataclass(frozen=True)
class RefiExportReport:
    path: str
    kind: str  # "codebook" | "project"
    codes: int = 0
    sources: int = 0
    codings: int = 0
    coders: int = 0
    memos: int = 0
    participants: int = 0
    themes: int = 0
    warnings: tuple[str, ...] = ()
    selections: int = 0

    def lines(self) -> list[str]:
        if self.kind == "codebook":
            out = [f"{self.path}: codebook written ({self.codes} codes, {self.themes} themes as sets)"]
        else:
            out = [
                f"{self.path}: project written ({self.sources} sources, {self.codes} codes, {self.codings} codings "
                f"in {self.selections} selections (one coder and one memo each), "
                f"{self.coders} coders, {self.memos} memos, {self.participants} participants, {self.themes} themes as sets)"
            ]
        out.extend(f"  warning: {w}" for w in self.warnings)
        return out
