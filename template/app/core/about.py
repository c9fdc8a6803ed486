"""Name, version and description of this service, read from its installed package metadata."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import metadata

# The console script `app = "app.__main__:main"` is declared by this project's pyproject.toml only,
# so it identifies our distribution without the code having to know the project's name.
CONSOLE_SCRIPT = "app"
ENTRY_POINT = "app.__main__:main"


@dataclass(frozen=True)
class About:
    name: str
    version: str
    description: str


@cache
def about() -> About:
    """Metadata of the installed project; placeholders when running from an uninstalled tree."""
    for entry_point in metadata.entry_points(group="console_scripts", name=CONSOLE_SCRIPT):
        distribution = entry_point.dist
        if entry_point.value == ENTRY_POINT and distribution is not None:
            return About(
                name=distribution.metadata["Name"],
                version=distribution.version,
                description=(distribution.metadata.get_all("Summary") or [""])[0],
            )
    return About(name="app", version="0.0.0", description="")
