"""What a file to merge holds for the merge, read from its scratch project into plain values.

The merging coders are chosen here: ``coder`` when named, else the
handout's coder, else (a copy of a project, a REFI-QDA file) every coder
with codings or memos; the others are listed as not merged.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workbench.errors import InputError
from workbench.interop.guids import GUIDS_SETTING, GuidMap
from workbench.interop.model import CodeText, ParsedCode
from workbench.services.handout.identity import as_utc, settings
from workbench.services.handout.reading import MergeFile
from workbench.store.models import Code, Coder, Coding, Memo, Participant, Source


@dataclass
class Bundle:
    """What the file holds for the merge, read from the scratch project (plain values)."""

    file: MergeFile
    coders: list[str]
    not_merged: list[tuple[str, int]]
    sources: list[dict]  # id, content_hash, name, kind, text, original_format, encoding
    codes: list[ParsedCode]
    code_keys: dict[int, str]  # scratch code id → the GUID handed to merge_codes
    codings: list[tuple]  # (source_id, code_id, coder, start, end, memo, created_at, updated_at)
    memos: list[tuple]  # (kind, target, coder, text, created_at, updated_at); target: scratch id or pid
    untouched: set[str]  # GUIDs of a handout's codes not edited since it was made (a difference is our edit)

    @classmethod
    def read(cls, session: Session, file: MergeFile, coder: str | None) -> Bundle:
        counts = dict(session.execute(
            select(Coder.name, func.count(Coding.id)).outerjoin(Coding, Coding.coder_id == Coder.id).group_by(Coder.name)
        ).all())
        memo_coders = set(session.scalars(select(Coder.name).join(Memo, Memo.coder_id == Coder.id)))
        if coder is not None:
            if coder not in counts:
                listed = ", ".join(sorted(counts)) or "none"
                raise InputError(file.path, f"has no coder {coder!r} (coders in it: {listed}); nothing was merged")
            chosen = [coder]
        elif file.origin is not None:
            chosen = [file.origin.coder] if file.origin.coder in counts else []
        else:
            chosen = sorted(name for name, n in counts.items() if n or name in memo_coders)
        not_merged = sorted((name, n) for name, n in counts.items() if name not in chosen and n)
        sources = [dict(row._mapping) for row in session.execute(
            select(Source.id, Source.content_hash, Source.name, Source.kind, Source.text, Source.original_format,
                   Source.encoding).order_by(Source.id))]
        codes, code_keys = parsed_codes(session, file)
        who = select(Coder.id).where(Coder.name.in_(chosen))
        codings = [tuple(row) for row in session.execute(
            select(Coding.source_id, Coding.code_id, Coder.name, Coding.start, Coding.end, Coding.memo,
                   Coding.created_at, Coding.updated_at)
            .join(Coder, Coder.id == Coding.coder_id).where(Coding.coder_id.in_(who)).order_by(Coding.id))]
        pids = dict(session.execute(select(Participant.id, Participant.pid)).all())
        memos = []
        for kind, target, name, text, created, updated in session.execute(
            select(Memo.target_kind, Memo.target_id, Coder.name, Memo.text, Memo.created_at, Memo.updated_at)
            .join(Coder, Coder.id == Memo.coder_id).where(Memo.coder_id.in_(who)).order_by(Memo.id)
        ):
            pid = pids.get(target) if kind == "participant" and target is not None else target
            memos.append((kind, pid, name, text, created, updated))
        untouched: set[str] = set()
        made = file.origin.made_at if file.origin else None
        if made is not None:
            untouched = {code_keys[id_] for id_, changed in session.execute(select(Code.id, Code.updated_at))
                         if changed is None or as_utc(changed) <= made}
        return cls(file, chosen, not_merged, sources, codes, code_keys, codings, memos, untouched)


def parsed_codes(session: Session, file: MergeFile) -> tuple[list[ParsedCode], dict[int, str]]:
    """The file's codebook as the REFI-QDA code merge takes it, parents first.

    A workbench file's codes carry their id (matched by id); a REFI-QDA file's
    carry the other tool's GUIDs (matched by GUID, then by name).
    """
    codes = list(session.scalars(select(Code)))
    refi = file.kind == "REFI-QDA"
    guid_of: dict[int, str] = {}
    if refi:
        remembered = GuidMap(session).by_guid["code"] if settings(session, (GUIDS_SETTING,)) else {}
        by_key = {key: guid for guid, key in remembered.items()}
        guid_of = {c.id: by_key.get(c.key, f"scratch:{c.key}") for c in codes}
    else:
        guid_of = {c.id: f"workbench:{c.key}" for c in codes}
    by_id = {c.id: c for c in codes}

    def depth(code: Code) -> int:
        level, parent = 0, code.parent_id
        while parent is not None and parent in by_id and level <= len(by_id):
            level, parent = level + 1, by_id[parent].parent_id
        return level

    parsed = []
    for code in sorted(codes, key=lambda c: (depth(c), c.position, c.id)):
        text = CodeText(code.definition, code.when_to_use, code.when_not_to_use, code.example,
                        tuple(code.keywords or ()), None if refi else code.key)
        parsed.append(ParsedCode(guid_of[code.id], code.name, guid_of.get(code.parent_id) if code.parent_id else None,
                                 code.codable, code.colour, text, origin=code.origin))
    return parsed, guid_of
