"""`shipyard new`: renders the template with copier into a fresh directory; nothing is left on failure."""

from __future__ import annotations

import re
import shutil
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any

# Copier's public API has no worker to subclass (`copier.Worker` is deprecated); NewProjectWorker
# below needs the class itself.
from copier._main import Worker
from copier.errors import CopierAnswersInterrupt, DirtyLocalWarning, UserMessageError

from shipyard.errors import ShipyardError
from shipyard.template_source import TemplateSource

VALIDATION_PREFIX = re.compile(r"Validation error for question '(?P<name>\w+)': (?P<rest>.*)", re.DOTALL)


class NewProjectWorker(Worker):
    """Copier's worker for a render into a new, empty directory, without three per-file costs.

    - After writing each file, copier asks git for `core.fileMode` (one `git config` process per
      file, about 400 for every feature on) so that it can fix the mode of the file's index entry
      when the file is tracked. Every file of a new project is untracked, so the answer never
      changes anything.
    - Copier renders every part of every path through Jinja, building its whole render context
      each time (about 2,900 times), though most parts (`app`, `tests`, `main.py`) hold no Jinja.
    - It also renders the answers file's name, `.copier-answers.yml`, once for each path part.

    Skipping them took the every-feature render from 2.85 s to about 1.4 s on a 2-core machine
    (benchmarks/render_time.py, against the previous revision's wheel). Updates keep copier's own
    worker: there the files are tracked. tests/test_cli_new.py checks that the files are copier's,
    byte for byte, and fails if a copier release renames a method replaced here.
    """

    def _sync_git_index_executable_bit(self, dst_relpath: Path, src_mode: int) -> None:
        return

    def _render_string(self, string: str, extra_context: Mapping[str, Any] | None = None) -> str:
        if "{" in string or "\n" in string:
            return str(super()._render_string(string, dict(extra_context) if extra_context else None))
        # With copier.yml's delimiters, a one-line string without "{" renders as itself. Preprocessing
        # still runs: copier's `yield` tag resets its per-string state there.
        self.jinja_env.preprocess(string)
        return string

    @property
    def answers_relpath(self) -> Path:
        name = str(self.answers_file or self.template.answers_relpath)
        return Path(name) if "{" not in name else super().answers_relpath


def check_destination(destination: Path) -> Path | None:
    """Refuse a destination that holds anything; return the outermost directory rendering will create."""
    if not destination.exists():
        created = destination.absolute()
        while not created.parent.exists():
            created = created.parent
        return created
    if not destination.is_dir():
        raise ShipyardError(f"destination {destination} exists and is not a directory")
    if any(destination.iterdir()):
        raise ShipyardError(f"destination {destination} is not empty; choose a new directory")
    return None


def render(
    destination: Path,
    source: TemplateSource,
    answers: Mapping[str, Any],
    *,
    defaults: bool,
    quiet: bool = False,
) -> str:
    """Run copier (answers go in as data, so copier validates them and asks only the rest).

    Returns copier.yml's `_message_after_copy` rendered for the answers when `quiet` kept copier from
    printing it, else "": either way the user sees that one "next steps" message exactly once.
    """
    created = check_destination(destination)
    try:
        with warnings.catch_warnings():
            # Rendering a checkout with uncommitted edits is the normal way to work on the template.
            warnings.simplefilter("ignore", DirtyLocalWarning)
            with NewProjectWorker(
                src_path=source.location,
                dst_path=destination,
                data=dict(answers),
                vcs_ref=source.vcs_ref,
                defaults=defaults,
                unsafe=True,  # the template's Jinja extensions are its own code, shipped with shipyard
                quiet=quiet,
            ) as worker:
                worker.run_copy()
    except (CopierAnswersInterrupt, KeyboardInterrupt) as error:
        _remove_partial_output(destination, created)
        raise ShipyardError("aborted; nothing was generated") from error
    except (UserMessageError, ValueError) as error:
        # Copier reports a refused answer (validator, choices, type) as one of these.
        _remove_partial_output(destination, created)
        raise ShipyardError(_without_copier_prefix(str(error))) from error
    except BaseException:
        _remove_partial_output(destination, created)
        raise
    if not quiet:
        return ""
    # Copier has no public call for this; its own renderer keeps the answers, `_copier_conf` and the
    # template's Jinja extensions in scope (tests/test_cli_new.py fails if a copier release drops it).
    return str(worker._render_string(worker.template.message_after_copy)).strip("\n")


def _without_copier_prefix(message: str) -> str:
    """Drop copier's "Validation error for question 'x': " when the validator's message names x.

    copier.yml's validator messages start with the question and its rule; the prefix would push that
    rule past the 70 columns a terminal shows of the one-line error.
    """
    match = VALIDATION_PREFIX.match(message)
    if match and match["rest"].startswith(match["name"]):
        return match["rest"]
    return message


def _remove_partial_output(destination: Path, created: Path | None) -> None:
    if created is not None:
        shutil.rmtree(created, ignore_errors=True)
        return
    # The directory existed (empty) before: empty it again but keep it.
    for child in destination.iterdir() if destination.is_dir() else ():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child, ignore_errors=True)
        else:
            child.unlink(missing_ok=True)
