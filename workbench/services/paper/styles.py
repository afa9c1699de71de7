"""Publication styles for Word exports: ``plain``, ``apa`` (APA 7) and ``bjpsych`` (British Journal of Psychiatry).

A style sets the paper size, the body font and size, the quote marks put
around a participant's words (single or double; the transcript's own quote
marks inside are kept as they are), roman or italic quotes, and the caption
form (``Table 1. Title``, ``Table 1`` over an italic title, or ``Table 1 Title``).
The project's default is the setting ``publication_style`` (``workbench style
NAME``); an export's ``--style`` overrides it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from workbench.errors import WorkbenchError
from workbench.services.export import word
from workbench.store.models import Setting

STYLE_SETTING = "publication_style"


@dataclass(frozen=True)
class Style:
    name: str
    paper: str  # "A4" or "Letter"
    font: str
    body_pt: float
    open_quote: str
    close_quote: str
    italic_quotes: bool | None  # None: as Word's Quote style has it
    caption_form: str  # period | apa | space
    description: str

    def quote(self, text: str) -> str:
        return f"{self.open_quote}{text}{self.close_quote}"


STYLES = {
    "plain": Style("plain", "A4", "Calibri", 10, "“", "”", None, "period",
                   "A4, 10 pt, double quotes, Word's Quote style, 'Table 1. Title'"),
    "apa": Style("apa", "Letter", "Times New Roman", 12, "“", "”", False, "apa",
                 "APA 7: US Letter, 12 pt Times New Roman, double quotes, roman, 'Table 1' over an italic title"),
    "bjpsych": Style("bjpsych", "A4", "Times New Roman", 11, "‘", "’", True, "space",
                     "BJPsych: A4, 11 pt, single quotes, italic quotes, 'Table 1 Title'"),
}
PAPER_MM = {"A4": (210, 297), "Letter": (215.9, 279.4)}


def get_style(name: str | None) -> Style:
    if name is None:
        return STYLES["plain"]
    found = STYLES.get(name.strip().lower())
    if found is None:
        raise WorkbenchError(f"--style {name!r}: choose one of {', '.join(STYLES)}")
    return found


def project_style(session: Any) -> str | None:
    return session.scalar(select(Setting.value).where(Setting.key == STYLE_SETTING))


def set_project_style(session: Any, name: str) -> Style:
    style = get_style(name)
    setting = session.get(Setting, STYLE_SETTING)
    if setting is None:
        session.add(Setting(key=STYLE_SETTING, value=style.name))
    else:
        setting.value = style.name
    return style


def resolve_style(project: Any, name: str | None) -> Style:
    """``--style`` if given, else the project's default, else plain."""
    if name:
        return get_style(name)
    with project.session() as session:
        return get_style(project_style(session))


def apply_style(document: Any, style: Style | str | None) -> Style:
    """Paper size of every section and the body font of ``document``."""
    from docx.shared import Mm, Pt

    chosen = style if isinstance(style, Style) else get_style(style)
    width, height = PAPER_MM[chosen.paper]
    for section in document.sections:
        landscape = section.page_width > section.page_height
        section.page_width, section.page_height = (Mm(height), Mm(width)) if landscape else (Mm(width), Mm(height))
    normal = document.styles["Normal"]
    normal.font.name = chosen.font
    normal.font.size = Pt(chosen.body_pt)
    document.__dict__["_workbench_style"] = chosen
    return chosen


def caption(document: Any, text: str, style: Style, label: str = "Table") -> Any:
    return word.add_caption(document, text, label, style.caption_form)


def paper_size(document: Any) -> None:
    """Re-apply the chosen paper size to sections added after :func:`apply_style`."""
    chosen = document.__dict__.get("_workbench_style")
    if chosen is not None:
        apply_style(document, chosen)


def restyle(document: Any, style: Style | str | None) -> Style:
    """Put a document built in the plain layout into ``style``: paper and font, the caption form of every
    ``SEQ`` caption, and the outer quote marks (and italics) of every paragraph in Word's Quote style.
    The transcript's own quote marks inside a quote are left as they are."""
    chosen = apply_style(document, style)
    if chosen.caption_form != "period":
        for paragraph in document.paragraphs:
            if paragraph._p.xpath('./w:fldSimple[contains(@w:instr, "SEQ ")]'):
                _recaption(paragraph, chosen.caption_form)
    quote_id = document.styles["Quote"].style_id if "Quote" in [s.name for s in document.styles] else None
    for paragraph in document.paragraphs:
        if quote_id is None or paragraph._p.style != quote_id or not paragraph.runs:
            continue
        run = paragraph.runs[0]
        text = run.text
        stripped = text.rstrip(" ")
        if stripped.startswith("“") and stripped.endswith("”") and len(stripped) >= 2:
            run.text = chosen.quote(stripped[1:-1]) + text[len(stripped):]
            if chosen.italic_quotes is not None:
                run.italic = chosen.italic_quotes
                for attribution in paragraph.runs[1:]:  # (P03): always roman once the style decides
                    attribution.italic = False
    return chosen


def _recaption(paragraph: Any, form: str) -> None:
    """``Table 1. Title`` → ``Table 1 Title`` (space) or ``Table 1`` / italic title on the next line (apa)."""
    runs = paragraph.runs
    for index, run in enumerate(runs):
        if run.text == ". " and run.bold:
            if form == "space":
                run.text = " "
            else:
                run.text = ""
                run.add_break()
                for later in runs[index + 1 :]:
                    later.italic = True
                    later.bold = False
            return
