"""Safe XML parsing and small element helpers for QDA-XML (lxml).

Reading is namespace-agnostic: elements are matched by local name, so the
variants real tools write (``urn:QDA-XML:project:1.0``, ``…:1:0``, ``…:0:4``,
``…:0:10``, none at all) all read alike. Writing always uses the exact 1.0
namespaces with an ``xsi:schemaLocation``.

Parsing refuses any document type declaration before and after parsing: a
REFI-QDA file never has one, and refusing it closes off external entities
(XXE), entity expansion ("billion laughs") and network access in one rule.
The parser itself also runs with ``resolve_entities=False``,
``no_network=True``, ``load_dtd=False`` and without ``huge_tree``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml import etree

from workbench.errors import InputError
from workbench.guards import xml_declaration_line

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
PROJECT_SCHEMA = "http://schema.qdasoftware.org/versions/Project/v1.0/Project.xsd"
CODEBOOK_SCHEMA = "http://schema.qdasoftware.org/versions/Codebook/v1.0/Codebook.xsd"
KNOWN_NAMESPACES = re.compile(r"^urn:QDA-XML:(project|codebook):(1\.0|1:0|0:4|0:10)$")
_NOT_XML_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def parse_xml(data: bytes, where: str) -> etree._Element:
    """Parse QDA-XML bytes; every refusal is an :class:`InputError` naming ``where`` and the line."""
    line = xml_declaration_line(data, prolog_only=True)
    if line is not None:
        raise InputError(where, "declares a DOCTYPE or ENTITY, which REFI-QDA files never do; refused (XXE/entity expansion)", line)
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as error:
        message = str(error.msg or error).split(" (line ")[0]
        raise InputError(where, f"is not well-formed XML ({message}); re-export the file", error.lineno or None) from None
    info = root.getroottree().docinfo
    if info.doctype or info.internalDTD is not None:
        raise InputError(where, "declares a DOCTYPE, which REFI-QDA files never do; refused (XXE/entity expansion)", 1)
    return root


def local(element: etree._Element) -> str:
    tag = element.tag
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def namespace(element: etree._Element) -> str | None:
    tag = element.tag
    return etree.QName(tag).namespace if isinstance(tag, str) else None


def kids(element: etree._Element | None, name: str) -> list[etree._Element]:
    """Child elements with local name ``name`` (comments and processing instructions ignored)."""
    if element is None:
        return []
    return [child for child in element if isinstance(child.tag, str) and local(child) == name]


def kid(element: etree._Element | None, name: str) -> etree._Element | None:
    found = kids(element, name)
    return found[0] if found else None


def elements(element: etree._Element) -> Iterator[etree._Element]:
    """Every element below ``element`` (and itself), skipping comments."""
    for node in element.iter():
        if isinstance(node.tag, str):
            yield node


def child_text(element: etree._Element | None, name: str) -> str | None:
    """The text of a child element, or None when missing or blank."""
    child = kid(element, name)
    if child is None:
        return None
    value = "".join(child.itertext())
    return value if value.strip() else None


def attr(element: etree._Element, name: str) -> str | None:
    value = element.get(name)
    return value if value is not None and value.strip() else None


def int_attr(element: etree._Element, name: str, where: str) -> int:
    value = element.get(name)
    try:
        return int(str(value).strip())
    except ValueError:
        raise InputError(
            where, f"<{local(element)}> {name}={value!r} is not a whole number; re-export the file", element.sourceline
        ) from None


# --- writing -------------------------------------------------------------------------------------


def clean(value: str) -> str:
    """Drop characters XML 1.0 cannot hold (control characters other than tab and line ends)."""
    return _NOT_XML_CHARS.sub("", value)


def new_root(tag: str, ns: str, schema: str, **attributes: str) -> etree._Element:
    root = etree.Element(f"{{{ns}}}{tag}", nsmap={None: ns, "xsi": XSI_NS})
    root.set(f"{{{XSI_NS}}}schemaLocation", f"{ns} {schema}")
    for key, value in attributes.items():
        if value is not None:
            root.set(key, clean(value))
    return root


def sub(parent: etree._Element, tag: str, text: str | None = None, **attributes: str | None) -> etree._Element:
    """A child in the parent's namespace; attributes that are None are left out."""
    ns = etree.QName(parent.tag).namespace
    element = etree.SubElement(parent, f"{{{ns}}}{tag}" if ns else tag)
    for key, value in attributes.items():
        if value is not None:
            element.set(key, clean(value))
    if text is not None:
        element.text = clean(text)
    return element


def serialise(root: etree._Element) -> bytes:
    """UTF-8 XML with a declaration, no BOM, ``\\n`` line ends."""
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
