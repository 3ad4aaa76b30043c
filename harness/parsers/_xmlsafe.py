"""XML read as hostile input: no DTD, no entity expansion, no network, and a budget of nodes.

libxml2 (through lxml) is built once per parse with every external access off; its fixed limits
(without ``huge_tree``) stop deep nesting (256 levels), text nodes and tags over 10 MB and entity
amplification. What those limits leave open is breadth: a body of ``<a/>`` elements, attributes
or namespace declarations costs ~40 times its size in memory. The body is therefore fed in chunks
and its elements, attributes, namespace declarations (and, under a DOCTYPE, entity references)
are counted as they arrive; past ``max_nodes`` the parse stops with a ParseError that says so.
"""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

from harness.errors import ParseError
from harness.model import Severity, Violation
from harness.parsers._text import collapse, shorten

__all__ = ["DEFAULT_MAX_NODES", "Element", "entity_warnings", "parse_xml", "xml_error_message"]

Element = Any  # lxml.etree._Element: lxml ships no type information

DEFAULT_MAX_NODES = 2_000_000
"""Elements + attributes + namespace declarations (+ entity references): about 400 MB at most."""

_OPTIONS: dict[str, Any] = {
    "encoding": "utf-8",  # bodies are decoded in Python (BOM, declaration, charset), re-encoded
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "dtd_validation": False,
    "huge_tree": False,
    "remove_comments": True,
    "remove_pis": True,
}  # not collect_ids=False: with it libxml2 tries to fetch external DTDs (and fails: no_network)
_CHUNK = 1 << 20
_DOCTYPE = b"<!DOCTYPE"
# "&" that starts no node: the five predefined entities and character references (counted in C;
# a regular expression would build a list of every match).
_NOT_NODES = (b"&lt;", b"&gt;", b"&amp;", b"&quot;", b"&apos;", b"&#")
_XML_POSITION = re.compile(r", line \d+, column \d+$")
_LIMIT_HINT = re.compile(
    r",? (?:use|try) XML_PARSE_HUGE(?: option)?|,? see xmlCtxtSetMaxAmplification\.?"
)
_LIMIT_WORDS = re.compile(
    r"XML_PARSE_HUGE|amplification|too big|too long|huge|Resource limit", re.IGNORECASE
)
_LIMITS = "256 levels of nesting, 10,000,000 bytes per text node or tag"


def parse_xml(data: bytes, *, max_nodes: int = DEFAULT_MAX_NODES) -> Element:
    """The root element of UTF-8 ``data``; ParseError over the node budget or when malformed."""
    # Each node the bound counts needs a byte of its own ("<", "=" or "&"): a body no longer than
    # the budget cannot be over it, and nothing is counted (the scans cost more than the parse).
    references, fast = 0, len(data) <= max_nodes
    if not fast:
        references = _entity_references(data)
        _check_budget(references, max_nodes, "entity references")
        fast = references + _node_bound(data, max_nodes - references) <= max_nodes
    try:
        if fast:
            return etree.fromstring(data, etree.XMLParser(**_OPTIONS))  # cannot be over: fast
        return _parse_counting(data, max_nodes, references)
    except (etree.LxmlError, ValueError) as err:
        raise ParseError(xml_error_message(err)) from None


def _node_bound(data: bytes, budget: int) -> int:
    """An upper bound of the nodes ``data`` can make: every "<" that may open an element, every
    "=" that may belong to an attribute or a namespace declaration (counted in C, no parsing).

    A coarser bound (every "<" and "=") is returned when it is within ``budget``: the caller
    only compares the bound with the budget, and the coarse count costs two scans, not five.
    """
    equals, opens = data.count(b"="), data.count(b"<")
    if opens + equals <= budget:
        return opens + equals
    tags = opens - data.count(b"</") - data.count(b"<!") - data.count(b"<?")
    return tags + equals


def _parse_counting(data: bytes, max_nodes: int, nodes: int) -> Element:
    """Parse in chunks, counting nodes as they arrive; stop as soon as they are over budget.

    Attributes and namespace declarations each need an "=": when there are few, their count is
    bounded by the "=" count and only elements are counted, one event each (cheaper).
    """
    equals = data.count(b"=")
    exact = equals > max_nodes // 2
    events = ("start", "start-ns") if exact else ("start",)
    nodes += 0 if exact else equals
    parser = etree.XMLPullParser(events=events, **_OPTIONS)
    for start in range(0, len(data), _CHUNK):
        parser.feed(data[start : start + _CHUNK])
        if exact:
            for event, element in parser.read_events():
                nodes += 1 if event == "start-ns" else 1 + len(element.attrib)
        else:
            nodes += sum(1 for _ in parser.read_events())
        _check_budget(nodes, max_nodes, "elements, attributes and namespace declarations")
    return parser.close()


def _entity_references(data: bytes) -> int:
    """Entity references become nodes only under a DOCTYPE (else they are errors): count them."""
    if _DOCTYPE not in data:
        return 0
    return data.count(b"&") - sum(data.count(known) for known in _NOT_NODES)


def _check_budget(nodes: int, max_nodes: int, what: str) -> None:
    if nodes > max_nodes:
        raise ParseError(
            f"XML has more than max_nodes={max_nodes:,} nodes ({what}: {nodes:,} so far); "
            "raise the parser option max_nodes if the feed is really that large"
        )


def xml_error_message(err: Exception) -> str:
    """'XML not well formed at line L, column C: <reason>', or the same for a parser limit."""
    message = collapse(getattr(err, "msg", None) or str(err))
    reason = _XML_POSITION.sub("", message)
    limit = _LIMIT_WORDS.search(reason) is not None
    reason = shorten(_LIMIT_HINT.sub("", reason), 120)
    what = "XML over a fixed limit of the safe parser" if limit else "XML not well formed"
    position = getattr(err, "position", None)
    where = f" at line {position[0]}, column {position[1]}" if position else ""
    suffix = f" (limits: {_LIMITS})" if limit else ""
    return f"{what}{where}: {reason}{suffix}"


def entity_warnings(root: Element) -> list[Violation]:
    """A warning when the document relies on entities from a DTD, which are never expanded."""
    if not root.getroottree().docinfo.doctype:
        return []  # without a DTD an undefined entity is a well-formedness error
    entity = next(root.iter(etree.Entity), None)
    if entity is None:
        return []
    message = f"entity reference {entity.text} left unexpanded: DTDs and entities are never loaded"
    return [
        Violation(
            "xml-entities",
            message,
            observed=shorten(entity.text, 120),
            expected="character references or plain text",
            severity=Severity.WARNING,
        )
    ]
