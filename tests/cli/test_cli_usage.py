"""Exit statuses, one-line messages for bad input, the database location, and help."""

from __future__ import annotations

import argparse
from collections.abc import Iterator

import pytest

from jobtrack.cli.parser import build_parser

from .clirun import Cli


def test_usage_errors_exit_2(cli: Cli) -> None:
    nothing = cli()
    assert nothing.code == 2 and "usage: jobtrack" in nothing.err
    cli("frobnicate").refused("invalid choice", code=2)
    cli("job", "list", "--status", "done").refused("'done' is not a status", code=2)
    cli("job", "list", "--due-from", "next week").refused("is not a date", code=2)
    cli("job", "list", "--limit", "0").refused("at least 1", code=2)
    cli("job", "list", "--paid", "--unpaid").refused("not allowed with", code=2)
    cli("job", "add", "--customer", "x").refused("required: TITLE", code=2)
    cli("job").refused("usage: jobtrack job", code=2)


def test_a_missing_database_is_not_created_by_mistake(cli: Cli) -> None:
    for args in (("whoami",), ("--db", "typo.db", "job", "list"), ("job", "list", "--db", "t.db")):
        cli(*args).refused("no database at", "jobtrack demo", "jobtrack account register")
    cli("login", "--email", "sam@example.com", stdin="whatever pass\n").refused("no database")
    assert not list(cli.home.glob("*.db"))


def test_the_database_comes_from_option_then_environment(cli: Cli) -> None:
    cli(
        "account",
        "register",
        "--email",
        "a@example.com",
        "--name",
        "A",
        stdin="correct horse battery\n",
        env={"JOBTRACK_DB": "env.db"},
    ).ok()
    assert (cli.home / "env.db").exists() and not (cli.home / "jobtrack.db").exists()
    cli(
        "--db",
        "data/opt.db",
        "account",
        "register",
        "--email",
        "b@example.com",
        "--name",
        "B",
        stdin="correct horse battery\n",
        env={"JOBTRACK_DB": "env.db"},
    ).ok()
    assert (cli.home / "data" / "opt.db").exists()
    # The hints name the database the command was given.
    cli("whoami", "--db", "data/opt.db").refused("jobtrack --db data/opt.db login --email")
    # Sessions are kept per database: logged in to one is not logged in to the other.
    cli(
        "login",
        "--email",
        "a@example.com",
        stdin="correct horse battery\n",
        env={"JOBTRACK_DB": "env.db", "JOBTRACK_SESSION_FILE": ""},
    ).ok()
    cli("whoami", env={"JOBTRACK_DB": "env.db", "JOBTRACK_SESSION_FILE": ""}).ok()
    cli("whoami", "--db", "data/opt.db", env={"JOBTRACK_SESSION_FILE": ""}).refused("not logged in")
    assert list((cli.home / ".local" / "state" / "jobtrack" / "sessions").glob("*.json"))


def test_a_saved_login_does_not_depend_on_how_the_path_is_spelled(cli: Cli) -> None:
    per_database = {"JOBTRACK_SESSION_FILE": ""}  # the saved login is found by database
    cli.register("sam@example.com", db="data/shop.db")
    cli(
        "--db",
        "data/shop.db",
        "login",
        "--email",
        "sam@example.com",
        stdin="correct horse battery\n",
        env=per_database,
    ).ok()
    (cli.home / "link").symlink_to(cli.home / "data", target_is_directory=True)
    for spelling, where in [
        ("./data/../data/shop.db", cli.home),
        (str(cli.home / "data" / "shop.db"), cli.home),
        ("sqlite:///data/shop.db", cli.home),
        ("link/shop.db", cli.home),
        ("shop.db", cli.home / "data"),
        ("../data/shop.db", cli.home / "data"),
    ]:
        assert cli("whoami", "--db", spelling, env=per_database, cwd=where).ok().out
    cli("whoami", env={**per_database, "JOBTRACK_DB": "data//shop.db"}).ok()
    cli.register("kim@example.com", db="other.db")
    cli("whoami", "--db", "other.db", env=per_database).refused("not logged in")


def test_refusals_are_one_line_naming_the_problem(cli: Cli) -> None:
    cli.register("sam@example.com")
    cli.login("sam@example.com", "correct horse battery")
    cli("customer", "add", "Priya Shah").ok()
    cli("customer", "add", "Priya Patel").ok()
    cli("customer", "add", " ", "--email", "nope").refused(
        "invalid input", "name must not be empty", "email is not a valid email address"
    )
    cli("job", "add", "--customer", "Priya", "Tap").refused("'Priya' matches 2 customers")
    job = cli("job", "add", "--customer", "priya shah", "Tap", "--json").json()
    cli("job", "add", "--customer", "priya shah", "Tap", "--estimated-cost", "1.234").refused(
        "estimated cost must have at most 2 decimal places"
    )
    cli("job", "add", "--customer", "priya shah", "Tap", "--estimated-cost", "-5").refused(
        "estimated cost must not be negative"
    )
    cli("job", "complete", job["id"]).refused("cannot move from 'pending' to 'completed'")
    cli("job", "show", "00000000").refused("job '00000000' not found")
    cli("customer", "show", "Nobody").refused("customer 'Nobody' not found")
    cli("job", "edit", job["id"][:4]).refused("nothing to change", code=2)
    cli("dashboard", env={"JOBTRACK_TIMEZONE": "Mars/Olympus"}).refused("not a known IANA")


def _subcommands(
    parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _subcommands(sub, (*path, name))


COMMANDS = list(_subcommands(build_parser()))


@pytest.mark.parametrize(
    "path,parser", COMMANDS, ids=[" ".join(p) or "jobtrack" for p, _ in COMMANDS]
)
def test_every_command_has_readable_help(
    path: tuple[str, ...], parser: argparse.ArgumentParser
) -> None:
    text = parser.format_help()
    assert text.startswith(f"usage: jobtrack {' '.join(path)}".rstrip())
    assert parser.description, "every command says what it does"
    for action in parser._actions:
        if not isinstance(action, argparse._SubParsersAction):
            assert action.help, f"{' '.join(path)}: {action.dest} has no help"


def test_help_runs(cli: Cli) -> None:
    out = cli("--help").ok().out
    for word in ("demo", "login", "dashboard", "customer", "job", "report", "export", "import"):
        assert f"\n    {word}" in out
    assert "jobtrack job list" in cli("job", "list", "--help").ok().out
