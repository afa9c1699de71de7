"""What a merge did (or, dry, would do), as frozen values for the CLI and the TUI."""

from __future__ import annotations

from dataclasses import dataclass

MAX_LISTED = 12


@dataclass(frozen=True)
class Conflict:
    """Something the file has differently from us; ours was kept (and the difference audited)."""

    kind: str  # "code" | "coding memo" | "memo"
    subject: str  # "Bond [bond]", "memo of ana on source P01"
    code_key: str | None  # the code to open in the Codebook screen
    fields: tuple[str, ...]
    ours: tuple[tuple[str, str | None], ...]
    theirs: tuple[tuple[str, str | None], ...]

    def lines(self) -> list[str]:
        ours, theirs = dict(self.ours), dict(self.theirs)
        verb = "differs" if len(self.fields) == 1 else "differ"
        out = [f"{self.kind} {self.subject}: {', '.join(self.fields)} {verb}; kept ours"]
        for field in self.fields:
            out.append(f"    {field}: ours {_short(ours.get(field))} | theirs {_short(theirs.get(field))}")
        return out


@dataclass(frozen=True)
class CoderLayer:
    """What one coder's layer brought."""

    coder: str
    codings_added: int = 0
    codings_present: int = 0  # identical codings already here: not duplicated
    codings_only_ours: int = 0  # this coder's codings here that the file does not have (kept)
    memos_added: int = 0
    memos_updated: int = 0  # the coder's own memo, edited in the handout while ours stayed as handed out
    memos_present: int = 0


@dataclass(frozen=True)
class MergeReport:
    path: str
    kind: str  # "handout" | "project" | "REFI-QDA"
    dry_run: bool
    layers: tuple[CoderLayer, ...]
    codes_added: tuple[str, ...]
    codes_matched: int
    conflicts: tuple[Conflict, ...]
    sources_matched: int
    sources_added: tuple[str, ...]
    sources_skipped: tuple[str, ...]
    not_merged: tuple[tuple[str, int], ...]  # coders in the file left out, with their codings
    skipped: tuple[tuple[str, int], ...] = ()
    warnings: tuple[str, ...] = ()
    origin: str | None = None  # the tool that wrote a REFI-QDA file

    @property
    def codings_added(self) -> int:
        return sum(layer.codings_added for layer in self.layers)

    @property
    def changed(self) -> bool:
        return bool(self.codings_added or self.codes_added or self.sources_added
                    or any(layer.memos_added or layer.memos_updated for layer in self.layers))

    def lines(self) -> list[str]:
        what = f"REFI-QDA project{' from ' + self.origin if self.origin else ''}" if self.kind == "REFI-QDA" else self.kind
        verb = "would merge (dry run, nothing changed)" if self.dry_run else "merged"
        out = [f"{self.path}: {what} {verb}"]
        for layer in self.layers:
            out.append(
                f"  {layer.coder}: {layer.codings_added} codings added, {layer.codings_present} already present"
                + (f", {layer.codings_only_ours} only here (kept)" if layer.codings_only_ours else "")
                + f"; memos {layer.memos_added} added, {layer.memos_updated} updated, {layer.memos_present} already present"
            )
        if not self.layers:
            out.append("  no coder's codings or memos to merge")
        out.append(f"  codes: {len(self.codes_added)} new, {self.codes_matched} matched, {len(self.conflicts_of('code'))} in conflict")
        if self.codes_added:
            out.append(f"    new: {_listing(self.codes_added)}")
        out.append(
            f"  sources: {self.sources_matched} matched by their text, {len(self.sources_added)} added, "
            f"{len(self.sources_skipped)} skipped"
        )
        if self.sources_added:
            out.append(f"    added: {_listing(self.sources_added)}")
        if self.sources_skipped:
            out.append(f"    skipped (not in this project; --add-sources adds them): {_listing(self.sources_skipped)}")
        if self.conflicts:
            out.append(f"  conflicts ({len(self.conflicts)}; ours kept, both versions in the audit trail):")
            for conflict in self.conflicts[:MAX_LISTED]:
                out.extend(f"    {line}" for line in conflict.lines())
            if len(self.conflicts) > MAX_LISTED:
                out.append(f"    … and {len(self.conflicts) - MAX_LISTED} more ('workbench audit' lists them)")
        if self.not_merged:
            listed = ", ".join(f"{name} ({count} codings)" for name, count in self.not_merged)
            out.append(f"  not merged: {listed}; --coder NAME merges one of them")
        if self.skipped:
            out.append("  skipped: " + "; ".join(f"{what}: {n}" for what, n in self.skipped))
        out.extend(f"  warning: {w}" for w in self.warnings)
        return [printable(line) for line in out]

    def conflicts_of(self, kind: str) -> list[Conflict]:
        return [c for c in self.conflicts if c.kind == kind]


def printable(text: str) -> str:
    """Project data leaves through the terminal: control characters (escape sequences) become '?'."""
    return "".join("?" if (ord(ch) < 32 and ch not in "\t\n") or 0x7F <= ord(ch) <= 0x9F else ch for ch in text)


def _short(value: str | None, width: int = 60) -> str:
    if value is None or not str(value).strip():
        return "(empty)"
    text = " ".join(str(value).split())
    return repr(text if len(text) <= width else text[: width - 1] + "…")


def _listing(items: tuple[str, ...]) -> str:
    shown = ", ".join(items[:MAX_LISTED])
    return shown + (f", … ({len(items) - MAX_LISTED} more)" if len(items) > MAX_LISTED else "")
