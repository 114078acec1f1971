"""docs/api.md's curl examples, run in order against a live server, each answer checked.

Each ```console block of the page holds commands (``$ curl ...``, continued by a
trailing ``\\`` or a here-document) and, under each, the answer the page shows. The test
serves a fresh SQLite file, runs each ``curl`` command in a POSIX shell with ``$BASE``
set to the server (the way a reader runs them after ``BASE=http://127.0.0.1:8000``),
and compares what curl printed with the answer shown:

- the status line exactly, and each header shown (the others are not shown);
- a JSON body as JSON: the same keys and values, where a string ``"$NAME"`` (or
  ``$NAME`` within one) is a value the reader keeps in a shell variable of that name (the
  first answer that shows it sets it; later ones must show the same value), a date and
  time or a UUID stands for any other of its kind, ``...`` for any value, for further
  members of an object or for further items of a list;
- any other body line by line, a line ``...`` standing for the rest.

Lines that set ``BASE`` or install and start the server are the reader's, not run.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest

import jobtrack
from jobtrack import Argon2Hasher

ROOT = Path(__file__).resolve().parents[3]
PAGE = ROOT / "docs" / "api.md"
BLOCK = re.compile(r"^```console\n(.*?)^```", re.DOTALL | re.MULTILINE)
HEREDOC = re.compile(r"<<-?\s*'?([A-Za-z_]+)'?")
VARIABLE = re.compile(r"\$\{?([A-Z][A-Z0-9_]*)\}?")
#: Commands of the page that the reader runs and the test does not.
NOT_RUN = ("BASE=", "pip install", "jobtrack ")
ANY = "\u2026"
DATETIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)")
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@attrs.frozen
class Step:
    """One command of the page and the answer shown under it."""

    block: int
    command: str
    answer: str

    def __str__(self) -> str:
        return f"block {self.block}: $ {self.command.splitlines()[0]}"


def steps(text: str) -> Iterator[Step]:
    for number, block in enumerate(BLOCK.findall(text), start=1):
        lines = block.splitlines()
        at = 0
        while at < len(lines):
            line = lines[at]
            assert line.startswith("$ "), f"block {number}: output before a command: {line!r}"
            command = [line[2:]]
            at += 1
            while command[-1].endswith("\\") and at < len(lines):
                command.append(lines[at])
                at += 1
            opened = HEREDOC.search("\n".join(command))
            if opened:
                while at < len(lines) and lines[at] != opened.group(1):
                    command.append(lines[at])
                    at += 1
                command.append(lines[at])
                at += 1
            answer = []
            while at < len(lines) and not lines[at].startswith("$ "):
                answer.append(lines[at])
                at += 1
            yield Step(number, "\n".join(command), "\n".join(answer).strip("\n"))


def runs(step: Step) -> bool:
    """Whether the test runs ``step``: a command that calls curl."""
    return re.search(r"(^|[;&|(]\s*|\bdo\s+)curl ", step.command) is not None


def with_wildcards(text: str) -> str:
    """JSON with the page's bare ``...`` as a value, a member or an item, made JSON."""
    out: list[str] = []
    nesting: list[str] = []
    at, in_string, last = 0, False, ""
    while at < len(text):
        char = text[at]
        if in_string:
            out.append(char)
            if char == "\\":
                out.append(text[at + 1])
                at += 1
            elif char == '"':
                in_string = False
        elif text.startswith("...", at):
            member = bool(nesting) and nesting[-1] == "{" and last in "{,"
            out.append(f'"{ANY}": "{ANY}"' if member else f'"{ANY}"')
            at += 3
            last = '"'
            continue
        else:
            out.append(char)
            if char == '"':
                in_string = True
            elif char in "{[":
                nesting.append(char)
            elif char in "}]":
                nesting.pop()
            if not char.isspace():
                last = char
        at += 1
    return "".join(out)


class Answers:
    """The shell variables the page's answers set, and the comparison of answers."""

    def __init__(self, base: str) -> None:
        self.values: dict[str, str] = {"BASE": base}

    def pattern(self, shown: str) -> re.Pattern[str]:
        parts, at = [], 0
        for found in re.finditer(r"\$\{?([A-Z][A-Z0-9_]*)\}?|\.\.\.", shown):
            parts.append(re.escape(shown[at : found.start()]))
            name = found.group(1)
            if name is None:
                parts.append(".*")
            elif name in self.values:
                parts.append(re.escape(self.values[name]))
            elif f"(?P<{name}>" in "".join(parts):
                parts.append(f"(?P={name})")
            else:
                parts.append(f"(?P<{name}>.+?)")
            at = found.end()
        parts.append(re.escape(shown[at:]))
        return re.compile("".join(parts), re.DOTALL)

    def text(self, shown: str, got: str, where: str) -> None:
        if shown == ANY:
            return
        for shape in (DATETIME, UUID):
            if shape.fullmatch(shown):
                assert shape.fullmatch(got), f"{where}: {got!r} is not like {shown!r}"
                return
        found = self.pattern(shown).fullmatch(got)
        assert found, f"{where}: {got!r} is not {shown!r}"
        self.values.update(found.groupdict())

    def json(self, shown: Any, got: Any, where: str) -> None:
        if isinstance(shown, str):
            if shown != ANY:
                assert isinstance(got, str), f"{where}: {got!r} is not {shown!r}"
                self.text(shown, got, where)
        elif isinstance(shown, dict):
            assert isinstance(got, dict), f"{where}: {got!r} is not an object"
            keys = set(shown) - {ANY}
            if ANY in shown:
                assert keys <= set(got), f"{where}: {sorted(keys - set(got))} missing"
            else:
                assert keys == set(got), f"{where}: keys {sorted(got)}, shown {sorted(keys)}"
            for key in shown.keys() - {ANY}:
                self.json(shown[key], got[key], f"{where}.{key}")
        elif isinstance(shown, list):
            assert isinstance(got, list), f"{where}: {got!r} is not a list"
            more = bool(shown) and shown[-1] == ANY
            items = shown[:-1] if more else shown
            if more:
                assert len(got) >= len(items), f"{where}: {len(got)} items, {len(items)} shown"
            else:
                assert len(got) == len(items), f"{where}: {len(got)} items, {len(items)} shown"
            for n, (one, other) in enumerate(zip(items, got, strict=False)):
                self.json(one, other, f"{where}[{n}]")
        else:
            assert shown == got and type(shown) is type(got), f"{where}: {got!r} is not {shown!r}"

    def body(self, shown: str, got: str, where: str) -> None:
        if not shown:
            assert not got.strip(), f"{where}: a body where none is shown: {got[:200]!r}"
            return
        try:
            expected = json.loads(with_wildcards(shown))
        except json.JSONDecodeError:
            expected = None
        if expected is not None:
            self.json(expected, json.loads(got), where)
            return
        got_lines = got.splitlines()
        for n, line in enumerate(shown.splitlines()):
            if line == "...":
                return
            assert n < len(got_lines), f"{where}: the body ends before {line!r}"
            self.text(line.rstrip(), got_lines[n].rstrip(), f"{where} line {n + 1}")
        assert len(got_lines) == len(shown.splitlines()), f"{where}: more lines than shown"

    def check(self, step: Step, output: str) -> None:
        where = str(step)
        if not step.answer.startswith("HTTP/"):
            self.body(step.answer, output, where)
            return
        # curl prints CRLF line ends; the text mode of subprocess made them "\n".
        head, _, got_body = output.partition("\n\n")
        status, *got_headers = head.split("\n")
        shown_head, _, shown_body = step.answer.partition("\n\n")
        shown_status, *shown_headers = shown_head.splitlines()
        assert status.strip() == shown_status.strip(), f"{where}: {status!r}"
        headers: dict[str, str] = {}
        for line in got_headers:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        for line in shown_headers:
            name, _, value = line.partition(":")
            key = name.strip().lower()
            assert key in headers, f"{where}: no {name} header in {sorted(headers)}"
            self.text(value.strip(), headers[key], f"{where} {name}")
        self.body(shown_body.strip("\n"), got_body, where)

    def environment(self, home: Path) -> dict[str, str]:
        return {"PATH": os.environ.get("PATH", ""), "HOME": str(home), **self.values}


def _curl_reason() -> str | None:
    curl = shutil.which("curl")
    if curl is None:
        return "the curl command is not installed"
    if shutil.which("sh") is None:
        return "no POSIX shell (sh) to run the examples in"
    shown = subprocess.run([curl, "--version"], capture_output=True, text=True, check=False)
    found = re.match(r"curl (\d+)\.(\d+)", shown.stdout)
    if found is None or (int(found[1]), int(found[2])) < (7, 82):
        return f"curl 7.82 or later is needed for --json: {shown.stdout.splitlines()[:1]}"
    return None


def test_the_page_holds_curl_examples_with_their_answers() -> None:
    made = list(steps(PAGE.read_text(encoding="utf-8")))
    run = [s for s in made if runs(s)]
    assert len(run) >= 20
    for step in made:
        if not runs(step):
            assert step.command.startswith(NOT_RUN), f"{step}: not a command the test runs"
    for step in run:
        assert "$BASE/" in step.command, f"{step}: every example calls $BASE"
        assert step.answer, f"{step}: no answer shown"


def test_the_page_names_every_route() -> None:
    """Each path of the OpenAPI document is on the page (``{id}`` for its parameters), or
    its last part is, beside the path it belongs to (``POST /api/jobs/{id}/start``,
    ``/complete``)."""
    from jobtrack_web import create_app

    page = PAGE.read_text(encoding="utf-8")
    app = jobtrack.connect("memory://")
    try:
        paths = create_app(app).openapi_schema.to_schema()["paths"]
    finally:
        app.close()
    missing = []
    for path in paths:
        named = re.sub(r"\{[^}]+\}", "{id}", path)
        parent, _, last = named.rpartition("/")
        if named not in page and not (f"`/{last}" in page and parent in page):
            missing.append(named)
    assert not missing, f"docs/api.md does not name {missing}"


@pytest.mark.skipif(_curl_reason() is not None, reason=_curl_reason() or "")
def test_every_curl_example_gives_the_answer_shown(tmp_path: Path) -> None:
    from jobtrack_web.server import running

    app = jobtrack.connect(str(tmp_path / "api.db"), hasher=Argon2Hasher.for_tests(), source="api")
    try:
        with running(app) as base:
            answers = Answers(base)
            for step in steps(PAGE.read_text(encoding="utf-8")):
                if not runs(step):
                    continue
                unset = set(VARIABLE.findall(step.command)) - set(answers.values)
                assert not unset, f"{step}: {sorted(unset)} used before an answer sets it"
                done = subprocess.run(
                    ["sh", "-c", step.command],
                    env=answers.environment(tmp_path),
                    cwd=tmp_path,
                    capture_output=True,
                    text=True,
                    timeout=60,
                    check=False,
                )
                assert done.returncode == 0, f"{step}: curl failed: {done.stderr}"
                answers.check(step, done.stdout)
    finally:
        app.close()
