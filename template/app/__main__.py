"""Command-line entry point: `python -m app` (or the `app` script) starts the HTTP server."""

from __future__ import annotations

import sys

from app.core.settings import ConfigurationError, Settings


def main() -> None:
    """Load settings, refuse invalid or unsafe ones with one clear message, then serve."""
    try:
        settings = Settings.load()
    except ConfigurationError as error:
        sys.stderr.write(f"{error}\n")
        raise SystemExit(2) from None

    # Imported after the check so a refused start stays fast and prints nothing else.
    from app.core.logging import configure_logging
    from app.core.server import serve

    configure_logging(settings)
    serve(settings)


if __name__ == "__main__":
    main()
