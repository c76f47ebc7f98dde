"""Plugin versions as Kafka 4.1 reads them (KIP-891): Maven versions, version ranges and their errors."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import total_ordering

_QUALIFIERS = ("alpha", "beta", "milestone", "rc", "snapshot", "", "sp")
"""Maven's well-known qualifiers, oldest first; the empty one is the release itself."""
_ALIASES = {"ga": "", "final": "", "release": "", "cr": "rc"}
_RELEASE = str(_QUALIFIERS.index(""))
_TOKEN = re.compile(r"\d+|[^\d.\-]+|[.\-]")


class InvalidVersionSpecification(Exception):
    """Maven's InvalidVersionSpecificationException; its message is what Kafka reports."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _qualifier_rank(text: str) -> str:
    text = _ALIASES.get(text, text)
    return str(_QUALIFIERS.index(text)) if text in _QUALIFIERS else f"{len(_QUALIFIERS)}-{text}"


def _is_null(item: object) -> bool:
    if isinstance(item, list):
        return not item
    return item == 0 or (isinstance(item, str) and _ALIASES.get(item, item) == "")


def _compare(left: object, right: object) -> int:
    """ComparableVersion's item order: numbers above lists above qualifiers; None is "nothing more"."""
    if left is None:
        return -_compare(right, None)
    if isinstance(left, int):
        if right is None:
            return 0 if left == 0 else 1
        if isinstance(right, int):
            return (left > right) - (left < right)
        return 1
    if isinstance(left, str):
        if right is None:
            a, b = _qualifier_rank(left), _RELEASE
            return (a > b) - (a < b)
        if isinstance(right, str):
            a, b = _qualifier_rank(left), _qualifier_rank(right)
            return (a > b) - (a < b)
        return -1
    assert isinstance(left, list)
    if right is None:
        return _compare(left[0], None) if left else 0
    if not isinstance(right, list):
        return -1 if isinstance(right, int) else 1
    for index in range(max(len(left), len(right))):
        result = _compare(left[index] if index < len(left) else None, right[index] if index < len(right) else None)
        if result:
            return result
    return 0


def _normalise(items: list[object]) -> None:
    """Drop trailing "nothing" items (0, "", "final", empty lists) up to the last number or qualifier."""
    for index in range(len(items) - 1, -1, -1):
        if _is_null(items[index]):
            del items[index]
        elif not isinstance(items[index], list):
            break


def _sub_list(current: list[object], lists: list[list[object]]) -> list[object]:
    opened: list[object] = []
    current.append(opened)
    lists.append(opened)
    return opened


def _parse(text: str) -> list[object]:
    """ComparableVersion's items: ``.`` separates, ``-`` and a digit/letter change open a sub-list."""
    root: list[object] = []
    current, lists = root, [root]
    previous = ""
    tokens = _TOKEN.findall(text.lower())
    for position, token in enumerate(tokens):
        if token in (".", "-"):
            if previous in ("", ".", "-"):
                current.append(0)
            if token == "-":
                current = _sub_list(current, lists)
            previous = token
            continue
        if previous not in ("", ".", "-"):  # a digit/letter change without a separator
            current = _sub_list(current, lists)
        if token.isdigit():
            current.append(int(token))
        else:
            following = tokens[position + 1] if position + 1 < len(tokens) else ""
            expanded = {"a": "alpha", "b": "beta", "m": "milestone"}.get(token) if following.isdigit() else None
            current.append(expanded or token)
        previous = token
    for items in reversed(lists):
        _normalise(items)
    return root


@total_ordering
@dataclass(frozen=True, slots=True)
class Version:
    """Maven's DefaultArtifactVersion: compared as ComparableVersion compares, printed as given."""

    text: str

    def __str__(self) -> str:
        return self.text

    def _cmp(self, other: Version) -> int:
        return _compare(_parse(self.text), _parse(other.text))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Version) and self._cmp(other) == 0

    def __lt__(self, other: Version) -> bool:
        return self._cmp(other) < 0

    def __hash__(self) -> int:
        return hash(repr(_parse(self.text)))  # equal versions (1 and 1.0) parse alike


@dataclass(frozen=True, slots=True)
class Restriction:
    """One interval of a range; a missing bound is open-ended."""

    lower: Version | None
    lower_inclusive: bool
    upper: Version | None
    upper_inclusive: bool

    def contains(self, version: Version) -> bool:
        if self.lower is not None and (version < self.lower or (version == self.lower and not self.lower_inclusive)):
            return False
        return not (
            self.upper is not None and (version > self.upper or (version == self.upper and not self.upper_inclusive))
        )

    def __str__(self) -> str:
        lower = "" if self.lower is None else str(self.lower)
        upper = "" if self.upper is None else str(self.upper)
        return f"{'[' if self.lower_inclusive else '('}{lower},{upper}{']' if self.upper_inclusive else ')'}"


@dataclass(frozen=True, slots=True)
class VersionRange:
    """Maven's VersionRange: either a soft recommended version or hard restrictions."""

    restrictions: tuple[Restriction, ...]
    recommended: Version | None = None

    def contains(self, version: str | None) -> bool:
        if version is None:
            return False
        wanted = Version(version)
        return any(restriction.contains(wanted) for restriction in self.restrictions)

    def __str__(self) -> str:
        if self.recommended is not None:
            return str(self.recommended)
        return ",".join(str(r) for r in self.restrictions)


def _restriction(spec: str) -> Restriction:
    lower_inclusive, upper_inclusive = spec.startswith("["), spec.endswith("]")
    inside = spec[1:-1].strip()
    if "," not in inside:
        if not (lower_inclusive and upper_inclusive):
            raise InvalidVersionSpecification(f"Single version must be surrounded by []: {spec}")
        only = Version(inside)
        return Restriction(only, True, only, True)
    low_text, high_text = (part.strip() for part in inside.split(",", 1))
    if low_text == high_text:
        raise InvalidVersionSpecification(f"Range cannot have identical boundaries: {spec}")
    low = Version(low_text) if low_text else None
    high = Version(high_text) if high_text else None
    if low is not None and high is not None and high < low:
        raise InvalidVersionSpecification(f"Range defies version ordering: {spec}")
    return Restriction(low, lower_inclusive, high, upper_inclusive)


def parse_range(spec: str) -> VersionRange:
    """VersionRange.createFromVersionSpec: ``[1.0,2.0)``, ``(,1.0],[1.2,)``, or a soft ``1.0``."""
    restrictions: list[Restriction] = []
    rest = spec
    upper_seen: Version | None = None
    while rest.startswith(("[", "(")):
        ends = [i for i in (rest.find(")"), rest.find("]")) if i >= 0]
        if not ends:
            raise InvalidVersionSpecification(f"Unbounded range: {spec}")
        end = min(ends)
        restriction = _restriction(rest[: end + 1])
        if upper_seen is not None and (restriction.lower is None or restriction.lower < upper_seen):
            raise InvalidVersionSpecification(f"Ranges overlap: {spec}")
        restrictions.append(restriction)
        upper_seen = restriction.upper
        rest = rest[end + 1 :].strip()
        if rest.startswith(","):
            rest = rest[1:].strip()
    if rest:
        if restrictions:
            raise InvalidVersionSpecification(f"Only fully-qualified sets allowed in multiple set scenario: {spec}")
        return VersionRange((Restriction(None, False, None, False),), Version(rest))
    return VersionRange(tuple(restrictions))


def requirement(version: str | None) -> VersionRange | None:
    """PluginUtils.connectorVersionRequirement: None (the latest) for no version or ``latest``; a bare
    version ``V`` is the hard range ``[V]`` (printed ``[V,V]``)."""
    if version is None or version == "latest":
        return None
    found = parse_range(version)
    if found.recommended is None and found.restrictions:
        return found
    return parse_range(f"[{version}]")


def not_found(plugin_class: str, wanted: VersionRange, available: list[str | None]) -> str:
    """VersionedPluginLoadingException's message: no installed version of the plugin is in the range."""
    versions = ", ".join("undefined" if v is None else v for v in available)
    return f"Plugin {plugin_class} not found that matches the version range {wanted}, available versions: [{versions}]"
