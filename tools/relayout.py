"""Rewrite imports after the services/ and cli/ re-layout (issue 12). Idempotent; run on any tree."""
from __future__ import annotations

import re
import sys
from pathlib import Path

SERVICES = {
    "agreement": "agreement.compute", "agreement_report": "agreement.report", "review": "agreement.review",
    "disagreements": "agreement.disagreements",
    "audit_log": "project.audit_log", "coders": "project.coders", "sources": "project.sources",
    "participants": "project.participants", "demo": "project.demo",
    "importing": "importing.batch", "readers": "importing.readers",
    "nlp": "text.nlp", "search": "text.search", "documents": "text.documents",
    "coding_session": "coding.session", "codings": "coding.codings", "retrieve": "coding.retrieve",
    "suggestions": "coding.suggestions",
    "codebooks": "codebook.codes", "codebook_edit": "codebook.edit",
    "themes": "themes.edit", "theme_map": "themes.theme_map", "theme_queries": "themes.queries",
    "theme_categories": "themes.categories", "rollups": "themes.rollups",
    "export_agreement": "export.agreement", "export_segments": "export.segments", "export_tables": "export.tables",
    "export_word": "export.word", "export_word_codebook": "export.word_codebook", "export_word_themes": "export.word_themes",
}
CLI = {"cli_commands": "cli.commands", "cli_agreement": "cli.agreement", "cli_export": "cli.export",
       "cli_interop": "cli.interop"}

DOTTED = re.compile(r"workbench\.services\.([a-z_]+)\b(?:\.([a-z_]+)| import ([a-z_]+))?")
PACKAGES: dict[str, set[str]] = {}
for _new in SERVICES.values():
    PACKAGES.setdefault(_new.split(".")[0], set()).add(_new.split(".")[1])
FROM_PKG = re.compile(r"^(\s*)from workbench\.services import (.+)$", re.M)
CLI_DOTTED = re.compile(r"workbench\.(cli_[a-z]+)\b")


def dotted(m: re.Match[str]) -> str:
    name, attr, imported = m.group(1), m.group(2), m.group(3)
    if name in PACKAGES and (attr in PACKAGES[name] or imported in PACKAGES[name] or name not in SERVICES):
        return m.group(0)  # already the new layout
    tail = f".{attr}" if attr else f" import {imported}" if imported else ""
    return "workbench.services." + SERVICES.get(name, name) + tail


def from_pkg(m: re.Match[str]) -> str:
    indent, names = m.group(1), m.group(2)
    if names.strip().startswith("("):
        return m.group(0)
    lines = []
    for part in names.split(","):
        bits = part.split(" as ")
        mod = bits[0].strip()
        alias = bits[1].strip() if len(bits) > 1 else mod
        if mod not in SERVICES:
            return m.group(0)  # already a package of the new layout
        pkg, _, leaf = SERVICES[mod].rpartition(".")
        tail = f" as {alias}" if alias != leaf else ""
        lines.append(f"{indent}from workbench.services.{pkg} import {leaf}{tail}")
    return "\n".join(lines)


def rewrite(text: str) -> str:
    text = DOTTED.sub(dotted, text)
    text = FROM_PKG.sub(from_pkg, text)
    text = CLI_DOTTED.sub(lambda m: "workbench." + CLI.get(m.group(1), m.group(1)), text)
    return text


if __name__ == "__main__":
    roots = [Path(p) for p in sys.argv[1:]] or [Path(".")]
    for root in roots:
        for path in ([root] if root.is_file() else root.rglob("*")):
            if path.suffix not in {".py", ".md"} or ".venv" in path.parts:
                continue
            old = path.read_text(encoding="utf-8")
            new = rewrite(old)
            if new != old:
                path.write_text(new, encoding="utf-8")
                print("rewrote", path)
