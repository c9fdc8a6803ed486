"""Command-line entry point: `python -m app` (or `app`) serves; `check-config` only validates."""

from __future__ import annotations

import argparse

from app.core.settings_check import check_or_exit

COMMANDS = ("serve", "check-config")


def main(argv: list[str] | None = None) -> None:
    """Check every setting (core and features), refusing bad ones with one line each, then serve."""
    parser = argparse.ArgumentParser(
        prog="app",
        description="Serve the application, or only check its configuration (exit 2 if refused).",
    )
    parser.add_argument(
        "command",
        nargs="?",
        default="serve",
        choices=COMMANDS,
        help="serve (the default) or check-config: validate every setting without serving",
    )
    command = parser.parse_args(argv).command
    report = check_or_exit()
    if command == "check-config":
        print(report.summary())  # noqa: T201 - the command's answer, for a human or a script
        return

    # Imported after the check so a refused start prints nothing else.
    from app.core.logging import configure_logging
    from app.core.server import serve

    configure_logging(report.settings)
    serve(report.settings)


if __name__ == "__main__":
    main()
