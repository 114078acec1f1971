"""The building blocks are public: a program (or a store author) may make rules, commands,
change requests and records of its own, and they behave like jobtrack's. Legacy text is
repaired to follow a rule."""

from __future__ import annotations

from datetime import UTC, datetime

import attrs
import pytest

from jobtrack_core import fields as f
from jobtrack_core.commands import Changes, Command
from jobtrack_core.entities import Record
from jobtrack_core.errors import ValidationError
from jobtrack_core.status import JobStatus

NOW = datetime(2025, 7, 6, 9, 0, tzinfo=UTC)


def test_rules_made_by_a_program_take_the_documented_defaults() -> None:
    email = f.Email()
    assert email.clean(" Sam@X.com ") == "Sam@X.com"  # kept as given unless lower
    assert f.Email(lower=True).clean("Sam@X.com") == "sam@x.com"
    assert email.clean("a" * 248 + "@x.com") is not None
    with pytest.raises(f.Problem, match=r"^must be at most 254 characters$"):
        email.clean("a" * 249 + "@x.com")
    assert f.Email(optional=True).clean(" ") is None
    short = f.Text(5)
    assert short.clean("abcde") == "abcde" and not short.multiline
    for required in (email, short, f.Whole(1, 3), f.Money(), f.Day(), f.Secret(4)):
        with pytest.raises(f.Problem, match=r"^is required$"):
            required.clean(None)
    with pytest.raises(f.Problem, match=r"^must be at most 5 characters$"):
        short.clean("abcdef")
    with pytest.raises(f.Problem, match=r"^contains the character U\+000A at position 2, "):
        short.clean("a\nb")
    assert f.Text(5, multiline=True).clean("a\nb") == "a\nb"
    assert f.Text(5, optional=True).clean("") is None
    with pytest.raises(f.Problem, match=r"^is required$"):
        f.Choice(JobStatus).clean(None)
    loose = f.NAME.but(optional=True)
    assert isinstance(loose, f.Text) and loose.limit == 200 and not f.NAME.optional
    assert loose.clean(None) is None
    with pytest.raises(f.Problem, match=r"^must be at most 200 characters$"):
        loose.clean("x" * 201)
    week = f.Whole(1, 3)
    assert (week.low, week.high, week.form) == (1, 3, "a whole number from 1 to 3")
    assert week.clean(3) == 3 and f.Whole(1, 3, optional=True).clean(None) is None
    secret = f.Secret(4)
    assert secret.pattern is None and secret.clean("a-Z9") == "a-Z9"
    assert f.Secret(4, "^a").clean("abc") == "abc"
    with pytest.raises(f.Problem, match=r"^must match \^a$"):
        f.Secret(4, "^a").clean("bcd")
    assert f.Raw(3).clean(" a ") == " a "
    with pytest.raises(f.Problem, match=r"^must be at most 3 characters$"):
        f.Raw(3).clean("abcd")
    with pytest.raises(f.Problem, match=r"^is required$"):
        f.Raw(3).clean(None)


def test_legacy_text_is_repaired_to_follow_the_rule() -> None:
    assert f.TITLE.repair("a\nb\tc") == ("a b c", ["control characters removed"])
    assert f.NOTES.repair("a\nb\tc") == ("a\nb\tc", [])
    assert f.NOTES.repair("a\x00b") == ("ab", ["control characters removed"])
    assert f.TITLE.repair("bad \ud800 char") == (
        "bad \ufffd char",
        ["unencodable characters replaced"],
    )
    assert f.Text(5).repair("abcde") == ("abcde", [])
    assert f.Text(5).repair("abcd efgh") == ("abcd", ["cut to 5 characters"])
    assert f.Text(5).repair("  ab  ") == ("ab", ["trimmed"])
    assert f.Text(5).repair("   ") == (None, ["trimmed"])


def test_a_command_and_its_change_request_of_a_programs_own() -> None:
    @attrs.frozen(kw_only=True)
    class NewTool(Command):
        name: str = f.rule(f.NAME, help="what the tool is called")
        notes: str | None = f.rule(f.NOTES, default=None, help="anything")
        serial: str | None = f.rule(f.ID.but(optional=True), default=None)

    class ToolChanges(Changes, of=NewTool, exclude=("serial",)):
        __slots__ = ()

    class ToolRename(Changes, of=NewTool, only=("name",)):
        __slots__ = ()

    with pytest.raises(TypeError):
        NewTool()  # a field without a default must be given
    tool = NewTool(name=" Drill ")
    assert repr(tool).endswith("NewTool(name='Drill', notes=None, serial=None)")
    assert tool.values() == {"name": "Drill", "notes": None, "serial": None}
    field = attrs.fields(NewTool).name
    assert field.metadata == {"rule": f.NAME, "help": "what the tool is called"}
    assert attrs.fields(NewTool).notes.default is None
    assert attrs.fields(NewTool).serial.metadata["help"] == ""
    assert f.rule_of(field) is f.NAME and f.rules_of(NewTool)["serial"].optional
    with pytest.raises(ValidationError) as caught:
        NewTool.parse({"notes": "x", "colour": "red"})
    assert [str(e) for e in caught.value.errors] == [
        "name: is required",
        "colour: is not a field that can be set",
    ]
    assert set(ToolChanges.rules) == {"name", "notes"}
    assert set(ToolRename.rules) == {"name"}
    assert ToolRename(name=" Saw ").given() == {"name": "Saw"}
    with pytest.raises(ValidationError, match=r"^notes: is not a field that can be set$"):
        ToolRename(notes="x")
    with pytest.raises(ValidationError, match=r"^serial: is not a field that can be set$"):
        ToolChanges.parse({"serial": "s-1"})


def test_a_record_of_a_programs_own_is_checked_and_rebuilt_from_a_store() -> None:
    @attrs.frozen
    class Tool(Record):
        id: str = f.rule(f.ID)
        name: str = f.rule(f.NAME)
        bought_at: datetime | None = f.rule(f.INSTANT.but(optional=True), default=None)

    tool = Tool("t-1", "Drill", NOW)
    assert Tool.from_store("t-1", "Drill", NOW) == tool
    assert Tool.from_store("t-2", " raw ", None).name == " raw "  # not checked again
    assert Tool.from_store("t-1", "Drill", NOW) == tool  # the same builder, made once
    assert Tool("t-1", "Drill").bought_at is None
    with pytest.raises(ValidationError) as caught:
        Tool("", " Drill", datetime(2025, 1, 1))
    assert caught.value.fields == ("id", "name", "bought_at")
    assert Tool.parse({"id": "t-1", "name": " Drill "}) == Tool("t-1", "Drill")
