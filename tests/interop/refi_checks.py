"""Our own structural checks of exported REFI-QDA files (always run; the XSD tests need ../shared).

They check what the XSD checks that matters to other tools (namespaces, element
order, required attributes, GUID/colour/dateTime patterns, no empty containers)
and what the XSD cannot (unique GUIDs, every reference resolves, the package
layout, UTF-8 without BOM and LF text, positions inside the text).
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from lxml import etree

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
XSI = "{http://www.w3.org/2001/XMLSchema-instance}schemaLocation"
GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")
DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
SEQUENCES = {
    "Project": ["Users", "CodeBook", "Variables", "Cases", "Sources", "Notes", "Links", "Sets", "Graphs", "Description", "NoteRef"],
    "CodeBook": ["Codes", "Sets"],
    "Code": ["Description", "NoteRef", "Code"],
    "Case": ["Description", "CodeRef", "VariableValue", "SourceRef", "SelectionRef"],
    "Variable": ["Description"],
    "VariableValue": ["VariableRef", "TextValue"],
    "TextSource": ["Description", "PlainTextContent", "PlainTextSelection", "Coding", "NoteRef", "VariableValue"],
    "Note": ["Description", "PlainTextContent", "PlainTextSelection", "Coding", "NoteRef", "VariableValue"],
    "PlainTextSelection": ["Description", "Coding", "NoteRef"],
    "Coding": ["CodeRef", "NoteRef"],
    "Set": ["Description", "MemberCode", "MemberSource", "MemberNote"],
}
REQUIRED = {
    "Project": ["name"], "User": ["guid"], "Code": ["guid", "name", "isCodable"], "Case": ["guid"],
    "Variable": ["guid", "name", "typeOfVariable"], "TextSource": ["guid"], "Note": ["guid"],
    "PlainTextSelection": ["guid", "startPosition", "endPosition"], "Coding": ["guid"], "Set": ["guid", "name"],
    "CodeRef": ["targetGUID"], "NoteRef": ["targetGUID"], "SourceRef": ["targetGUID"], "VariableRef": ["targetGUID"],
}
CONTAINERS = {"Users", "Codes", "Variables", "Cases", "Sources", "Notes", "Links", "Sets", "Graphs"}
GUID_ATTRIBUTES = {"guid", "targetGUID", "creatingUser", "modifyingUser", "creatingUserGUID", "modifyingUserGUID"}


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname


def check_tree(root: etree._Element, namespace: str) -> list[str]:
    problems: list[str] = []
    guids: dict[str, str] = {}
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        name = _local(element)
        if etree.QName(element).namespace != namespace:
            problems.append(f"<{name}> is not in {namespace}")
        for attribute in REQUIRED.get(name, []):
            if element.get(attribute) is None:
                problems.append(f"<{name}> lacks @{attribute}")
        children = [_local(c) for c in element if isinstance(c.tag, str)]
        if name in SEQUENCES:
            order = SEQUENCES[name]
            indices = [order.index(c) if c in order else -1 for c in children]
            if -1 in indices or indices != sorted(indices):
                problems.append(f"<{name}> children out of order or unknown: {children}")
        if name in CONTAINERS and not children:
            problems.append(f"empty <{name}/>")
        for attribute, value in element.attrib.items():
            if attribute in GUID_ATTRIBUTES and not GUID.match(value):
                problems.append(f"<{name} {attribute}={value!r}> is not a GUID")
            if attribute == "color" and not COLOUR.match(value):
                problems.append(f"<{name} color={value!r}> is not #RRGGBB")
            if attribute.endswith("DateTime") and not DATETIME.match(value):
                problems.append(f"<{name} {attribute}={value!r}> is not an xsd:dateTime")
            if attribute == "isCodable" and value not in ("true", "false"):
                problems.append(f"<{name} isCodable={value!r}>")
        guid = element.get("guid")
        if guid is not None and name != "MemberCode":  # in a .qdc, MemberCode/@guid is a reference
            if guid.lower() in guids:
                problems.append(f"GUID {guid} used by <{guids[guid.lower()]}> and <{name}>")
            guids[guid.lower()] = name
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        references = ("targetGUID", "creatingUser", "guid") if _local(element) == "MemberCode" else ("targetGUID", "creatingUser")
        for attribute in references:
            value = element.get(attribute)
            if value is not None and value.lower() not in guids:
                problems.append(f"<{_local(element)} {attribute}={value}> resolves to nothing")
    if root.get(XSI) is None or not root.get(XSI).startswith(namespace + " http://schema.qdasoftware.org/"):
        problems.append("no xsi:schemaLocation naming the qdasoftware.org schema")
    return problems


def check_qdc(path: Path) -> list[str]:
    data = path.read_bytes()
    problems = [] if not data.startswith(b"\xef\xbb\xbf") else ["BOM"]
    root = etree.fromstring(data)
    if _local(root) != "CodeBook":
        return [f"root is {_local(root)}"]
    for member in root.iter(f"{{{CODEBOOK_NS}}}MemberCode"):
        if member.get("guid") is None:
            problems.append("MemberCode lacks @guid")
    return problems + check_tree(root, CODEBOOK_NS)


def check_qdpx(path: Path) -> list[str]:
    problems: list[str] = []
    with zipfile.ZipFile(path) as package:
        names = package.namelist()
        if "project.qde" not in names:
            return ["no project.qde"]
        others = [n for n in names if n != "project.qde"]
        problems += [f"unexpected entry {n}" for n in others if not re.match(r"^sources/[0-9a-f-]{36}\.txt$", n)]
        texts = {n[len("sources/"):]: package.read(n) for n in others}
        root = etree.fromstring(package.read("project.qde"))
    for name, data in texts.items():
        if data.startswith(b"\xef\xbb\xbf") or b"\r" in data:
            problems.append(f"{name}: BOM or CR in the text")
        data.decode("utf-8")
    problems += check_tree(root, PROJECT_NS)
    for source in root.iter(f"{{{PROJECT_NS}}}TextSource"):
        path_attr = source.get("plainTextPath") or ""
        if not path_attr.startswith("internal://") or path_attr[len("internal://"):] not in texts:
            problems.append(f"TextSource {source.get('guid')}: plainTextPath {path_attr!r} is not a file in sources/")
            continue
        if source.find(f"{{{PROJECT_NS}}}PlainTextContent") is not None:
            problems.append("TextSource has both PlainTextContent and plainTextPath")
        text = texts[path_attr[len("internal://"):]].decode("utf-8")
        for selection in source.iter(f"{{{PROJECT_NS}}}PlainTextSelection"):
            start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
            if not 0 <= start < end <= len(text):
                problems.append(f"selection {start}-{end} outside the text ({len(text)} code points)")
    return problems
