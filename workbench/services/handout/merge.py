"""Merging a handout (or a copy of the project, or another tool's REFI-QDA project) back, in one transaction.

* **Sources** are matched by their stored text (its hash), never by name; a
  source we do not have is skipped and reported, or added with ``add_sources``.
* **Codes** go through the REFI-QDA code merge (:func:`workbench.interop.merge.merge_codes`)
  keeping ours: matched by GUID, then by id, then by name under the same
  parent; a new code arrives with its parent and origin; a matched code the
  file describes differently stays as ours and becomes a conflict.
* **Codings** and memos of the merging coders arrive: the handout's coder, or
  ``coder``; from a plain project or a REFI-QDA file every coder (each user of
  the other tool is a coder layer). An identical coding (code, coder, source,
  span) is never duplicated, so merging a file twice adds nothing. A coding
  memo or memo of that coder that differs from ours is a conflict (ours kept),
  unless ours is still as it was handed out and theirs was edited since: then
  it is that coder's own later edit and replaces ours.
* Conflicts are recorded in the audit trail (action ``conflict``, ours as
  before, theirs as after); everything is audited under the coder running
  the merge. A dry run does all of it and rolls back.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workbench.errors import InputError
from workbench.interop.guids import GuidMap
from workbench.interop.merge import CodeConflict, merge_codes
from workbench.interop.report import ReportBuilder
from workbench.services.handout.bundle import Bundle
from workbench.services.handout.identity import (
    HandoutOrigin,
    as_utc,
    project_id,
)
from workbench.services.handout.reading import MergeFile, open_merge_file
from workbench.services.handout.report import CoderLayer, Conflict, MergeReport
from workbench.services.importing.texts import content_hash
from workbench.services.project.coders import get_or_create_coder
from workbench.store.audit import record_bulk_creates
from workbench.store.bulk import insert_values
from workbench.store.engine import Project
from workbench.store.models import (
    AuditEntry,
    Code,
    Coder,
    Coding,
    Memo,
    Participant,
    Source,
    utcnow,
)


@dataclass
class _Layer:
    coder: str
    counts: Counter[str] = field(default_factory=Counter)

    def freeze(self) -> CoderLayer:
        c = self.counts
        return CoderLayer(self.coder, c["codings_added"], c["codings_present"], c["codings_only_ours"],
                          c["memos_added"], c["memos_updated"], c["memos_present"])


def merge_file(
    project: Project, path: Path, *, coder: str | None = None, dry_run: bool = False,
    add_sources: bool = False, force: bool = False,
) -> MergeReport:
    with open_merge_file(path, project) as file:
        with file.scratch.session() as theirs:
            bundle = Bundle.read(theirs, file, coder)
        with project.session(note=f"merge of {path.name}") as session:
            if file.kind != "REFI-QDA" and not force:
                _check_project(session, file)
            parts = _Merger(session, bundle, project.actor, add_sources, dry_run).run()
            report = MergeReport(str(path), file.kind, dry_run, origin=file.refi.origin if file.refi else None, **parts)
            if dry_run:
                session.rollback()
    return report


def _check_project(session: Session, file: MergeFile) -> None:
    ours = project_id(session)
    if file.project_id != ours:
        what = "a handout from another project" if file.origin else "another project"
        ids = f"its project id {file.project_id}" if file.project_id else "it has no project id"
        raise InputError(
            file.path, f"is {what} ({ids}, this project is {ours}); sources are matched by their text, "
            "so you may merge it anyway with --force"
        )


class _Merger:
    def __init__(self, session: Session, bundle: Bundle, actor: str | None, add_sources: bool, dry_run: bool) -> None:
        self.session, self.bundle, self.actor, self.add_sources = session, bundle, actor, add_sources
        self.dry_run = dry_run  # everything but the bulk insert of new codings runs (and is rolled back)
        self.origin: HandoutOrigin | None = bundle.file.origin
        self.layers = {name: _Layer(name) for name in bundle.coders}
        self.conflicts: list[Conflict] = []
        self.skipped: Counter[str] = Counter()
        self.warnings: list[str] = []
        self._audit: list[tuple[str, int, dict, dict]] = []  # (entity kind, our id, ours, theirs) of each conflict

    def run(self) -> dict:
        if self.actor:  # the audit trail names the coder running the merge
            get_or_create_coder(self.session, self.actor)
        sources, matched, added, skipped = self._sources()
        coder_ids = {name: get_or_create_coder(self.session, name).id for name in self.bundle.coders}
        builder = ReportBuilder(str(self.bundle.file.path), "merge")
        code_conflicts: list[CodeConflict] = []
        creator = coder_ids.get(self.origin.coder) if self.origin else None
        by_guid = merge_codes(
            self.session, self.bundle.codes, GuidMap(self.session), builder, codebook=f"Merged from {self.bundle.file.path.name}",
            loaded_from=str(self.bundle.file.path), conflicts=code_conflicts, created_by_id=creator,
        )
        codes = {scratch_id: by_guid[guid] for scratch_id, guid in self.bundle.code_keys.items()}
        self._code_conflicts(code_conflicts, by_guid)
        self._codings(sources, codes, coder_ids)
        self._memos(sources, codes, coder_ids)
        self._audit_conflicts()
        return {
            "layers": tuple(self.layers[name].freeze() for name in self.bundle.coders),
            "codes_added": tuple(builder.codes_added), "codes_matched": len(builder.codes_matched),
            "conflicts": tuple(self.conflicts), "sources_matched": matched, "sources_added": tuple(added),
            "sources_skipped": tuple(skipped), "not_merged": tuple(self.bundle.not_merged),
            "skipped": tuple(sorted(self.skipped.items())), "warnings": tuple(self.warnings),
        }

    # --- sources ---------------------------------------------------------------------------
    def _sources(self) -> tuple[dict[int, int], int, list[str], list[str]]:
        ours = dict(self.session.execute(select(Source.content_hash, Source.id)).all())
        mapping: dict[int, int] = {}
        matched, added, skipped = 0, [], []
        for source in self.bundle.sources:
            # the hash of the text the file holds, computed here: a file cannot claim another text's hash
            source["content_hash"] = content_hash(source["text"])
            found = ours.get(source["content_hash"])
            if found is not None:
                mapping[source["id"]], matched = found, matched + 1
            elif self.add_sources:
                new = self._add_source(source)
                if new is not None:
                    mapping[source["id"]] = ours[source["content_hash"]] = new.id
                    added.append(new.name)
            else:
                skipped.append(source["name"])
        return mapping, matched, added, skipped

    def _add_source(self, source: dict) -> Source | None:
        from workbench.services.importing.texts import (
            ImportOptions,
            add_text_source,
            prepare_text,
        )

        path = self.bundle.file.path
        prepared = prepare_text(f"{path}: source {source['name']!r}", source["text"], language=source.get("language"))
        if prepared.content_hash != source["content_hash"]:
            self.warnings.append(f"source {source['name']!r} reads differently here; not added, its codings skipped")
            return None
        return add_text_source(
            self.session, prepared, name=source["name"], kind=source["kind"], original_filename=f"{path}:{source['name']}"[:1024],
            original_format=source["original_format"], encoding=source["encoding"], options=ImportOptions(processes=1),
        )

    # --- codes -----------------------------------------------------------------------------
    def _code_conflicts(self, found: list[CodeConflict], by_guid: dict[str, int]) -> None:
        """Differences the coder made are conflicts; in a handout, a code they left as handed out differs only
        because we edited it since, and ours simply stands."""
        for conflict in found:
            theirs = [guid for guid, our_id in by_guid.items() if our_id == conflict.code_id]
            if theirs and all(guid in self.bundle.untouched for guid in theirs):
                continue
            name = dict(conflict.ours)["name"]
            self.conflicts.append(Conflict("code", f"{name} [{conflict.key}] (matched by {conflict.how})", conflict.key,
                                           conflict.fields, conflict.ours, conflict.theirs))
            self._audit.append(("code", conflict.code_id, {"key": conflict.key, **dict(conflict.ours)}, dict(conflict.theirs)))

    # --- codings ---------------------------------------------------------------------------
    def _codings(self, sources: dict[int, int], codes: dict[int, int], coder_ids: dict[str, int]) -> None:
        rows = self.session.execute(
            select(Coding.id, Coding.code_id, Coding.coder_id, Coding.source_id, Coding.start, Coding.end, Coding.memo,
                   Coding.updated_at)
            .where(Coding.coder_id.in_(list(coder_ids.values())), Coding.source_id.in_(list(sources.values())))
        )
        existing = {(r.code_id, r.coder_id, r.source_id, r.start, r.end): r for r in rows}
        now = utcnow()
        seen: set[tuple] = set()
        lengths: dict[int, int] = {id_: n for id_, n in self.session.execute(select(Source.id, func.length(Source.text)))}
        new: list[dict] = []
        for source_id, code_id, coder, start, end, memo, created, updated in self.bundle.codings:
            if source_id not in sources:
                self.skipped["codings on skipped sources"] += 1
                continue
            key = (codes[code_id], coder_ids[coder], sources[source_id], start, end)
            layer = self.layers[coder].counts
            if key in seen:
                layer["codings_present"] += 1
                continue
            seen.add(key)
            if not (0 <= start < end <= lengths[key[2]]):
                self.skipped["codings outside their source's text"] += 1
                continue
            ours = existing.get(key)
            if ours is None:
                new.append({"code_id": key[0], "coder_id": key[1], "source_id": key[2], "start": start, "end": end,
                            "memo": memo, "created_at": created or now, "updated_at": updated or created or now})
                layer["codings_added"] += 1
                continue
            layer["codings_present"] += 1
            if (memo or "").strip() and (memo or "").strip() != (ours.memo or "").strip():
                self._memo_difference("coding memo", ours.id, ours.memo, memo, ours.updated_at, updated, coder,
                                      f"of {coder} on {self._code_key(key[0])} in {self._source_name(key[2])} {start}-{end}")
        if not self.dry_run:
            self._insert_codings(new)
        folders = set(self.session.scalars(select(Code.id).where(Code.codable.is_(False))))
        on_folders = sum(row["code_id"] in folders for row in new)
        if on_folders:
            self.warnings.append(f"{on_folders} codings apply codes that are folders here; they are kept "
                                 "(new codings cannot use the folders)")
        for key, ours in existing.items():
            if key not in seen:
                coder = next(name for name, cid in coder_ids.items() if cid == key[1])
                self.layers[coder].counts["codings_only_ours"] += 1

    def _insert_codings(self, rows: list[dict]) -> None:
        """One executemany INSERT (the ORM unit of work is too slow for 50,000 rows), then the new ids
        read back by their unique (code, coder, source, span), audited as the listener would."""
        if not rows:
            return
        before = self.session.scalar(select(func.max(Coding.id))) or 0
        insert_values(self.session.connection(), Coding.__table__, rows)  # one executemany
        ids = {
            (r.code_id, r.coder_id, r.source_id, r.start, r.end): r.id
            for r in self.session.execute(
                select(Coding.id, Coding.code_id, Coding.coder_id, Coding.source_id, Coding.start, Coding.end)
                .where(Coding.id > before, Coding.coder_id.in_({row["coder_id"] for row in rows}))
            )
        }
        for row in rows:
            row["id"] = ids[(row["code_id"], row["coder_id"], row["source_id"], row["start"], row["end"])]
        record_bulk_creates(self.session, Coding, rows)

    # --- memos -----------------------------------------------------------------------------
    def _memos(self, sources: dict[int, int], codes: dict[int, int], coder_ids: dict[str, int]) -> None:
        pids = {pid: id_ for id_, pid in self.session.execute(select(Participant.id, Participant.pid))}
        ours: dict[tuple, list[Memo]] = defaultdict(list)
        for memo in self.session.scalars(select(Memo).where(Memo.coder_id.in_(list(coder_ids.values())))):
            ours[(memo.target_kind, memo.target_id, memo.coder_id)].append(memo)
        # what this merge added: the file may hold several memos of a coder on one target (REFI-QDA notes);
        # those are theirs, never compared with one another as if one were ours
        arrived: dict[tuple, set[str]] = defaultdict(set)
        for kind, target, coder, text, created, updated in self.bundle.memos:
            mapped = _target(kind, target, sources, codes, pids)
            if kind != "project" and mapped is None:
                self.skipped[f"{kind} memos whose {kind} is not here"] += 1
                continue
            key = (kind, mapped, coder_ids[coder])
            layer = self.layers[coder].counts
            here = ours[key]
            if any(m.text.strip() == text.strip() for m in here) or text.strip() in arrived[key]:
                layer["memos_present"] += 1
            elif not here or kind == "project":
                memo = Memo(target_kind=kind, target_id=mapped, coder_id=key[2], text=text,
                            **({"created_at": created, "updated_at": updated} if created and updated else {}))
                self.session.add(memo)
                arrived[key].add(text.strip())
                layer["memos_added"] += 1
            else:
                self._memo_difference("memo", here[0].id, here[0].text, text, here[0].updated_at, updated, coder,
                                      f"of {coder} on {kind} {self._target_name(kind, mapped)}")

    def _memo_difference(self, kind: str, our_id: int, ours: str | None, theirs: str, our_time: datetime | None,
                         their_time: datetime | None, coder: str, subject: str) -> None:
        """The coder's own later edit replaces ours when ours is as handed out; otherwise a conflict."""
        made = self.origin.made_at if self.origin else None
        if (made and our_time and their_time and (not ours or as_utc(our_time) <= made < as_utc(their_time))) or not ours:
            if kind == "coding memo":
                self.session.get_one(Coding, our_id).memo = theirs
            else:
                self.session.get_one(Memo, our_id).text = theirs
            self.layers[coder].counts["memos_updated"] += 1
            return
        self.conflicts.append(Conflict(kind, subject, None, ("text",), (("text", ours),), (("text", theirs),)))
        self._audit.append(("coding" if kind == "coding memo" else "memo", our_id, {"memo": ours}, {"memo": theirs}))

    # --- names and the audit ---------------------------------------------------------------------
    def _code_key(self, code_id: int) -> str:
        return self.session.get_one(Code, code_id).key

    def _source_name(self, source_id: int) -> str:
        return self.session.get_one(Source, source_id).name

    def _target_name(self, kind: str, target: int | None) -> str:
        if target is not None:  # None: a project memo (one about something not here was skipped)
            if kind == "source":
                return self._source_name(target)
            if kind == "code":
                return self._code_key(target)
            if kind == "participant":
                return self.session.get_one(Participant, target).pid
        return "the project"

    def _audit_conflicts(self) -> None:
        actor = self.session.scalar(select(Coder.id).where(Coder.name == self.actor)) if self.actor else None
        note = f"merge of {self.bundle.file.path.name}: conflict, kept ours"
        recorded = {  # a conflict already in the audit trail (the same file merged again) is not recorded twice
            (e.entity_kind, e.entity_id, json.dumps(e.before, sort_keys=True), json.dumps(e.after, sort_keys=True))
            for e in self.session.scalars(select(AuditEntry).where(AuditEntry.action == "conflict"))
        }
        for kind, entity_id, ours, theirs in self._audit:
            if (kind, entity_id, json.dumps(ours, sort_keys=True), json.dumps(theirs, sort_keys=True)) in recorded:
                continue
            self.session.add(AuditEntry(action="conflict", entity_kind=kind, entity_id=entity_id, before=ours,
                                        after=theirs, coder_id=actor, note=note))
        self.session.flush()

def _target(kind: str, target: Any, sources: dict[int, int], codes: dict[int, int], pids: dict[str, int]) -> int | None:
    """Our id for what a memo of the file is about (None: the project, or nothing here)."""
    if kind == "source":
        return sources.get(target)
    if kind == "code":
        return codes.get(target)
    if kind == "participant":
        return pids.get(target)
    return None
