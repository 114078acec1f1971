"""Asking the person at the terminal: passwords without echo, confirmations, an email.

Passwords never come from command-line arguments (they would be visible to
other users and kept in shell history). At a terminal they are prompted for
without echo; otherwise (or with ``--password-stdin``) they are read from
standard input, one per line.
"""

from __future__ import annotations

import getpass
import sys

from jobtrack.cli.context import CliError, UsageError


def interactive() -> bool:
    """Whether a person can answer questions (stdin is a terminal)."""
    return sys.stdin.isatty()


def passwords(
    prompts: list[str], *, from_stdin: bool, confirm_last: str | None = None
) -> list[str]:
    """One password per prompt: typed at the terminal, or one line each from stdin.

    ``confirm_last`` asks for the last one again at the terminal (a new password).
    """
    if from_stdin or not interactive():
        values = []
        for prompt in prompts:
            line = sys.stdin.readline()
            if not line:
                what = prompt.rstrip(": ").lower()
                raise UsageError(
                    f"expected {len(prompts)} line(s) on standard input, missing: {what}"
                )
            values.append(line.rstrip("\r\n"))
        return values
    try:
        values = [getpass.getpass(prompt) for prompt in prompts]
        if confirm_last is not None and getpass.getpass(confirm_last) != values[-1]:
            raise CliError("the two passwords differ; nothing was changed")
    except EOFError:
        raise CliError("no password given") from None
    return values


def email(given: str | None) -> str:
    """``--email`` if given, else asked for at a terminal."""
    if given:
        return given
    if not interactive():
        raise UsageError("--email is required when standard input is not a terminal")
    try:
        answer = input("Email: ").strip()
    except EOFError:
        answer = ""
    if not answer:
        raise UsageError("an email is required")
    return answer


def confirm(question: str, *, assume_yes: bool) -> None:
    """Ask ``question`` at a terminal; refuse unless answered yes. Scripts pass ``--yes``."""
    if assume_yes:
        return
    if not interactive():
        raise UsageError(f"{question.rstrip('?')}: add --yes to confirm")
    try:
        answer = input(f"{question} [y/N] ").strip().lower()
    except EOFError:
        answer = ""
    if answer not in ("y", "yes"):
        raise CliError("cancelled; nothing was changed")
