"""shipyard: generate and verify production-ready FastAPI backend repositories."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("shipyard")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"
