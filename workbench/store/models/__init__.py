"""The project's data model (SQLAlchemy 2.x typed ORM), one module per aggregate:

* :mod:`.base` — the declarative ``Base`` (one ``MetaData``, constraint naming convention), ``utcnow``
* :mod:`.project` — coders, memos, settings
* :mod:`.sources` — participants and their attributes, sources, turns, segments
* :mod:`.codes` — codebooks, codes, codings, suggestions
* :mod:`.themes` — theme types, categories, themes, their codes, exemplars
* :mod:`.review` — adjudications, the audit trail

Every model is registered on ``Base.metadata`` by importing this package, which is what
migrations and ``create_all`` need; import the names from here.

Positions (``start``/``end``) are 0-based, end-exclusive code-point offsets into
``Source.text``; :mod:`workbench.domain.spans` owns their arithmetic.
"""

from workbench.store.models.base import NAMING_CONVENTION, Base, utcnow
from workbench.store.models.codes import CODE_ORIGINS, Code, Codebook, Coding, Suggestion
from workbench.store.models.project import Coder, Memo, Setting
from workbench.store.models.review import Adjudication, AuditEntry
from workbench.store.models.sources import SOURCE_KINDS, SPEAKER_ROLES, Participant, ParticipantAttribute, Segment, Source, Turn
from workbench.store.models.themes import Exemplar, Theme, ThemeCategory, ThemeCode, ThemeType

__all__ = [
    "CODE_ORIGINS", "NAMING_CONVENTION", "SOURCE_KINDS", "SPEAKER_ROLES",
    "Adjudication", "AuditEntry", "Base", "Code", "Codebook", "Coder", "Coding", "Exemplar", "Memo",
    "Participant", "ParticipantAttribute", "Segment", "Setting", "Source", "Suggestion", "Theme",
    "ThemeCategory", "ThemeCode", "ThemeType", "Turn", "utcnow",
]
