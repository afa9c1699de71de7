"""How the Retrieve and Themes screens render a coded segment, a theme or a category: pure
functions from service rows to text and Textual ``Content`` (no widgets, no queries)."""

from __future__ import annotations

from textual.content import Content

from workbench.services.coding.retrieve import RetrievedSegment
from workbench.services.themes.categories import CategoryInfo
from workbench.services.themes.edit import ThemeInfo
from workbench.services.themes.rollups import ThemeSegment


def excerpt(text: str, limit: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def segment_context(row: RetrievedSegment) -> Content:
    who = row.participant or row.speaker or "no speaker"
    if row.speaker and row.participant and row.speaker != row.participant:
        who = f"{row.participant} ({row.speaker})"
    colour = row.colour or "#808080"
    parts: list[str | tuple[str, str]] = [
        (f"{row.source} · {who} · {row.code_name} · {row.coder} · {row.start}–{row.end}\n", "bold"),
        (row.before, "dim"),
        (row.text, f"bold {readable_on(colour)} on {colour}"),
        (row.after, "dim"),
    ]
    if row.memo:
        parts += ["\n", (f"Memo: {row.memo}", "italic")]
    return Content.assemble(*parts)


def readable_on(colour: str) -> str:
    """Black or white, whichever reads better on ``colour`` (#RRGGBB)."""
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return "#000000" if (0.299 * red + 0.587 * green + 0.114 * blue) > 150 else "#FFFFFF"


def theme_detail(theme: ThemeInfo, dimension_names: dict[str, str]) -> Content:
    dims = ", ".join(dimension_names.get(d, d) for d in theme.dimensions) or "none"
    source = "set by you; v resets" if theme.overridden else "derived from the codes"
    codes = "\n".join(f"  {name}  [{key}]" for key, name in zip(theme.codes, theme.code_names)) or "  none yet (press c)"
    return Content.assemble(
        (f"{theme.label} {theme.name}\n", "bold"),
        (f"{theme.type} · {theme.category or 'no category'} · {theme.exemplars} exemplar(s)\n\n", "dim"),
        (theme.description or "No description yet (press e).", "" if theme.description else "dim italic"), "\n\n",
        ("Codes\n", "bold underline"), codes, "\n\n",
        ("Dimensions  ", "bold underline"), dims, (f"  ({source})", "dim"),
    )


def category_detail(category: CategoryInfo | None) -> Content:
    if category is None:
        return Content("Themes without a category. Press g on a theme to put it under one.")
    return Content.assemble((f"{category.name}\n\n", "bold"), category.description or ("No description yet (press e).", "dim italic"))


def theme_segment_prompt(segment: ThemeSegment) -> Content:
    who = f" ({segment.participant})" if segment.participant else ""
    text = " ".join(segment.text.split())
    return Content.assemble(
        ("★ " if segment.starred else "  ", "bold yellow"),
        (f"{segment.source}{who} · {segment.code_key} · {segment.coder}\n", "dim"),
        "  ", text if len(text) <= 240 else text[:239] + "…",
    )
