"""Writing the methods appendix as Word (.docx) or Markdown (.md).

Word: a heading, the methods paragraphs under their section names, then the
COREQ checklist as a real Word table (No, item, guide question, reported,
page/section) with the domain rows shaded, the header repeated on every page,
rows kept whole, in the chosen publication style. Blank items read
:data:`~workbench.services.paper.methods.BLANK` in grey. Markdown: the same
content; project text is escaped so it cannot break the table or inject markup.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workbench.atomic import write_text
from workbench.services.export import word
from workbench.services.paper.facts import collect_facts
from workbench.services.paper.methods import BLANK, DOMAINS, Appendix, build_appendix
from workbench.store.engine import Project

if TYPE_CHECKING:
    from workbench.services.paper.styles import Style

SUFFIXES = (".docx", ".md")
MD_BLANK_PAGE = r"\_\_\_\_"  # a blank to fill in, not emphasis
TITLE = "Methods appendix"
COREQ_CAPTION = "COREQ (Consolidated criteria for reporting qualitative research) checklist"
COREQ_NOTE = ("Tong A, Sainsbury P, Craig J. Consolidated criteria for reporting qualitative research (COREQ): a 32-item "
              "checklist for interviews and focus groups. Int J Qual Health Care 2007;19(6):349–357. Items marked "
              f"{BLANK} are not recorded in the project.")


@dataclass(frozen=True)
class MethodsExport:
    path: Path
    filled: int
    items: int
    missing: tuple[str, ...]


def export_methods(project: Project, path: Path, coder: str | None = None, consensus: bool = False,
                   style: str | None = None, resamples: int = 1000, order: str | Path = "imported") -> MethodsExport:
    word.check_output(path, SUFFIXES)
    appendix = build_appendix(collect_facts(project, coder, consensus, resamples, order))
    if path.suffix.lower() == ".md":
        write_text(path, markdown(appendix))
    else:
        from workbench.services.paper.styles import resolve_style

        word.save_docx(build_document(appendix, resolve_style(project, style)), path)
    return MethodsExport(path, sum(i.filled for i in appendix.items), len(appendix.items), appendix.missing)


def build_document(appendix: Appendix, style: Style | str | None) -> Any:
    from workbench.services.paper.styles import apply_style, caption

    document = word.new_document(TITLE)
    chosen = apply_style(document, style)
    word.heading(document, TITLE, 1)
    for name, text in appendix.paragraphs:
        word.heading(document, name, 2)
        document.add_paragraph(word.clean(text))
    from docx.enum.section import WD_SECTION

    section = document.add_section(WD_SECTION.NEW_PAGE)
    word.set_landscape(section, True)  # five columns of text: the checklist reads best across the page
    word.heading(document, "Reporting checklist", 2)
    caption(document, COREQ_CAPTION, chosen)
    table = word.add_table(document, ["No", "Item", "Guide question", "Reported", "Page/section"], [0.45, 1.5, 3.0, 4.6, 1.2], section)
    word.plain_first_column(table)
    domain = None
    for item in appendix.items:
        if item.domain != domain:
            domain = item.domain
            row = word.add_row(table)
            merged = row.cells[0].merge(row.cells[-1])
            word.set_cell(merged, DOMAINS[domain], bold=True)
            word.shade(merged, "E7E6E6")
        cells = word.add_row(table).cells
        word.set_cell(cells[0], str(item.number))
        word.set_cell(cells[1], item.topic)
        word.set_cell(cells[2], item.question, size=8)
        if item.filled:
            word.set_cell(cells[3], item.answer)
            word.set_cell(cells[4], item.where)
        else:
            paragraph = cells[3].paragraphs[0]
            word.add_run(paragraph, BLANK, italic=True, size=word.BODY_FONT_PT, grey=True)
            word.pad(paragraph)
            word.set_cell(cells[4], "____")
    note = document.add_paragraph()
    word.pad(note, 4)
    word.add_run(note, "Note. ", italic=True, size=9)
    word.add_run(note, COREQ_NOTE, size=9)
    return document


def md_escape(text: str) -> str:
    """Project text inside Markdown (and a table cell): no markup, no HTML, no broken rows."""
    out = []
    for ch in " ".join(text.split()):
        if ch in "\\`*_[]|<>":
            out.append("\\" + ch)
        else:
            out.append(ch)
    return "".join(out)


def markdown(appendix: Appendix) -> str:
    lines = [f"# {TITLE}", ""]
    for name, text in appendix.paragraphs:
        lines += [f"## {name}", "", md_escape(text), ""]
    lines += ["## Reporting checklist", "", f"**Table.** {COREQ_CAPTION}", "",
              "| No | Item | Guide question | Reported | Page/section |", "|---:|---|---|---|---|"]
    domain = None
    for item in appendix.items:
        if item.domain != domain:
            domain = item.domain
            lines.append(f"| | **{DOMAINS[domain]}** | | | |")
        answer = md_escape(item.answer) if item.answer is not None else f"*{md_escape(BLANK)}*"
        where = md_escape(item.where) if item.filled else MD_BLANK_PAGE
        lines.append(f"| {item.number} | {md_escape(item.topic)} | {md_escape(item.question)} | {answer} | {where} |")
    lines += ["", f"*Note.* {md_escape(COREQ_NOTE)}", ""]
    return "\n".join(lines)
