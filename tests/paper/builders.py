"""Small projects for the paper outputs, built straight through the ORM (fictional text)."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy import select

from workbench.store.engine import Project
from workbench.store.models import Code, Coder, Coding, Participant, ParticipantAttribute, Source, Turn


@dataclass
class SourceSpec:
    name: str
    kind: str = "interview"
    speakers: Sequence[str] = ()
    codings: Mapping[str, Sequence[str]] = field(default_factory=dict)  # coder → code keys


def build(project: Project, sources: Sequence[SourceSpec], attributes: Mapping[str, Mapping[str, str]] | None = None,
          inductive: Sequence[str] = ()) -> None:
    """Sources in this import order, each speaker one turn, each coding one span in the first turn."""
    with project.session() as session:
        people: dict[str, Participant] = {}
        for pid in sorted({p for s in sources for p in s.speakers} | set(attributes or {})):
            person = Participant(pid=pid)
            for key, value in (attributes or {}).get(pid, {}).items():
                person.attributes.append(ParticipantAttribute(key=key, value=value))
            session.add(person)
            people[pid] = person
        codes: dict[str, Code] = {}
        coders: dict[str, Coder] = {}
        for position, spec in enumerate(sources):
            lines = [f"{pid}: I said something about the work, number {position}." for pid in spec.speakers] or ["Text."]
            text = "\n".join(lines) + "\n"
            source = Source(
                name=spec.name, kind=spec.kind, text=text, content_hash=hashlib.sha256(spec.name.encode()).hexdigest(),
                original_filename=spec.name + ".txt", original_format="txt",
            )
            session.add(source)
            session.flush()
            offset = 0
            for ordinal, (pid, line) in enumerate(zip(spec.speakers, lines)):
                label = len(pid) + 2
                session.add(Turn(source_id=source.id, ordinal=ordinal, speaker_label=pid, speaker_role="participant",
                                 participant_id=people[pid].id, label_start=offset, start=offset + label, end=offset + len(line)))
                offset += len(line) + 1
            for coder_name, keys in spec.codings.items():
                coder = coders.get(coder_name) or session.scalar(select(Coder).where(Coder.name == coder_name))
                if coder is None:
                    coder = coders[coder_name] = Coder(name=coder_name)
                    session.add(coder)
                    session.flush()
                for index, key in enumerate(keys):
                    if key not in codes:
                        codes[key] = Code(key=key, name=key.replace(".", " ").capitalize(),
                                          origin="inductive" if key in inductive else "deductive", position=len(codes))
                        session.add(codes[key])
                        session.flush()
                    start = 5 + index % 10
                    session.add(Coding(code_id=codes[key].id, source_id=source.id, coder_id=coder.id, start=start, end=start + 10))
