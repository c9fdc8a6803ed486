"""Entity tags from row versions, and the If-Match / If-None-Match comparisons of RFC 9110."""

from __future__ import annotations

from collections.abc import Collection

ANY = "*"
# Versions are BIGINT row counters: a longer tag cannot be one of ours (and int() refuses strings
# over 4300 digits with a ValueError, which once turned a long If-Match into a 500).
MAX_VERSION = 2**63 - 1
MAX_VERSION_DIGITS = len(str(MAX_VERSION))


def etag_for(version: int) -> str:
    return f'"{version}"'


def _tags(header: str) -> list[str]:
    return [tag.strip() for tag in header.split(",") if tag.strip()]


def _version_of(tag: str) -> int | None:
    inner = tag.removeprefix("W/")
    if len(inner) < 2 or not (inner.startswith('"') and inner.endswith('"')):
        return None
    digits = inner[1:-1]
    if not (0 < len(digits) <= MAX_VERSION_DIGITS and digits.isascii() and digits.isdigit()):
        return None
    version = int(digits)
    # Tags compare character by character (RFC 9110, 8.8.3.2): "01" is not the tag "1".
    return version if version <= MAX_VERSION and str(version) == digits else None


def if_match_versions(header: str) -> Collection[int] | None:
    """Versions an If-Match header accepts; None for "*" (any current version).

    If-Match compares strongly, so weak tags (W/"...") match nothing.
    """
    tags = _tags(header)
    if ANY in tags:
        return None
    versions = {_version_of(tag) for tag in tags if not tag.startswith("W/")}
    return {version for version in versions if version is not None}


def if_none_match_hits(header: str, version: int) -> bool:
    """Whether If-None-Match names the current version (weak comparison), or is "*"."""
    tags = _tags(header)
    return ANY in tags or any(_version_of(tag) == version for tag in tags)
