"""Accounts from the command line: register, log in and out, tokens, sessions, passwords."""

from __future__ import annotations

import os
import stat

import pytest

from .clirun import Cli

EMAIL = "sam@example.com"
PASSWORD = "correct horse battery"


@pytest.fixture
def sam(cli: Cli) -> Cli:
    """A database with Sam's account, not logged in."""
    cli.register(EMAIL, business_name="Sam's Plumbing")
    return cli


def test_register_creates_the_database_and_asks_to_log_in(cli: Cli) -> None:
    done = cli.register("Sam@Example.com")
    assert (cli.home / "jobtrack.db").exists()
    assert "jobtrack login --email sam@example.com" in done.out
    cli(
        "account", "register", "--email", "SAM@example.com", "--name", "Sam", stdin="other pass 1\n"
    ).refused("email")
    cli("account", "register", "--email", "x@example.com", "--name", "X", stdin="short\n").refused(
        "invalid input", "password must be at least 8 characters"
    )
    cli("account", "register", "--email", "y@example.com", "--name", "Y").refused(
        "expected 1 line", code=2
    )


def test_a_refused_registration_leaves_no_database_behind(cli: Cli) -> None:
    cli("account", "register", "--email", "x@example.com", "--name", "X", stdin="short\n").refused(
        "password must be at least 8 characters"
    )
    cli(
        "--db",
        "new/folder/shop.db",
        "account",
        "register",
        "--email",
        "not an email",
        "--name",
        "X",
        stdin=PASSWORD + "\n",
    ).refused("email is not a valid email address")
    assert not list(cli.home.iterdir()), "no database file, no folder made for it"
    # A database that was there before stays, with what it held.
    cli.register(EMAIL)
    cli("account", "register", "--email", "x@example.com", "--name", "X", stdin="short\n").refused(
        "password must be at least 8 characters"
    )
    cli.login(EMAIL, PASSWORD)


def test_registering_twice_says_how_to_log_in(cli: Cli) -> None:
    done = cli.register(EMAIL, db="data/shop.db")
    assert f"jobtrack --db data/shop.db login --email {EMAIL}" in done.out
    cli(
        "account",
        "register",
        "--email",
        EMAIL.upper(),
        "--name",
        "Sam",
        "--db",
        "data/shop.db",
        stdin=PASSWORD + "\n",
    ).refused("already registered", f"jobtrack --db data/shop.db login --email {EMAIL}`")


def test_login_keeps_the_token_in_a_private_file(sam: Cli) -> None:
    session = sam.home / "session.json"
    assert not session.exists()
    sam.login(EMAIL, PASSWORD)
    if os.name == "posix":
        assert stat.S_IMODE(session.stat().st_mode) == 0o600
    assert PASSWORD not in session.read_text()
    who = sam("whoami", "--json").json()
    assert who["email"] == EMAIL and who["business_name"] == "Sam's Plumbing"
    assert "password_hash" not in who
    assert "Logged out." in sam("logout").ok().out
    assert not session.exists()
    sam("whoami").refused("not logged in", "jobtrack login")
    assert "Not logged in." in sam("logout").ok().out


def test_a_wrong_password_or_unknown_email_is_refused_alike(sam: Cli) -> None:
    wrong = sam("login", "--email", EMAIL, stdin="not my password\n").refused(
        "invalid email or password"
    )
    unknown = sam("login", "--email", "nobody@example.com", stdin=PASSWORD + "\n").refused()
    assert wrong.err == unknown.err
    assert not (sam.home / "session.json").exists()


def test_a_password_is_never_taken_from_the_command_line(sam: Cli) -> None:
    sam("login", "--email", EMAIL, "--password", PASSWORD).refused("unrecognized arguments", code=2)


def test_token_for_scripts_and_its_expiry(sam: Cli) -> None:
    token = sam("login", "--email", EMAIL, "--print-token", stdin=PASSWORD + "\n").ok().out.strip()
    assert len(token) >= 43 and not (sam.home / "session.json").exists()
    who = sam("whoami", "--json", env={"JOBTRACK_TOKEN": token}).json()
    assert who["email"] == EMAIL
    sam("whoami", env={"JOBTRACK_TOKEN": "forged"}).refused(
        "the session in JOBTRACK_TOKEN is not known", "jobtrack login"
    )
    # A session that lasts no time at all has expired by the next command.
    sam("login", "--email", EMAIL, stdin=PASSWORD + "\n", env={"JOBTRACK_SESSION_HOURS": "0"}).ok()
    sam("job", "list").refused("your session has expired", f"jobtrack login --email {EMAIL}")
    assert not (sam.home / "session.json").exists()
    sam("whoami").refused("not logged in")
    sam("whoami", env={"JOBTRACK_SESSION_HOURS": "soon"}).refused("JOBTRACK_SESSION_HOURS")


def test_change_password_logs_out_the_other_sessions(sam: Cli) -> None:
    other = sam("login", "--email", EMAIL, "--print-token", stdin=PASSWORD + "\n").ok().out.strip()
    sam.login(EMAIL, PASSWORD)
    sam("account", "change-password", stdin="wrong one\nnew passphrase 2\n").refused(
        "current password is wrong"
    )
    sam("account", "change-password", stdin=f"{PASSWORD}\nshort\n").refused(
        "new password must be at least 8 characters"
    )
    assert (
        "Password changed"
        in sam("account", "change-password", stdin=f"{PASSWORD}\nnew passphrase 2\n").ok().out
    )
    sam("whoami").ok()  # this session stays
    sam("whoami", env={"JOBTRACK_TOKEN": other}).refused("was logged out")
    sam("login", "--email", EMAIL, stdin=PASSWORD + "\n").refused("invalid email or password")
    sam.login(EMAIL, "new passphrase 2")


def test_edit_profile_logout_everywhere_and_delete(sam: Cli) -> None:
    sam.login(EMAIL, PASSWORD)
    edited = sam("account", "edit", "--name", "Samira", "--business-name", "", "--json").json()
    assert edited["name"] == "Samira" and edited["business_name"] is None
    sam("account", "edit").refused("nothing to change", code=2)
    sam("customer", "add", "Priya").ok()
    # Deleting needs a confirmation that a script gives with --yes, then the password.
    sam("account", "delete", stdin=PASSWORD + "\n").refused("--yes", code=2)
    sam("account", "delete", "--yes", stdin="wrong password\n").refused("password is wrong")
    deleted = sam("account", "delete", "--yes", "--json", stdin=PASSWORD + "\n").json()
    assert deleted["users"] == 1 and deleted["customers"] == 1
    sam("whoami").refused("not logged in")
    sam("login", "--email", EMAIL, stdin=PASSWORD + "\n").refused("invalid email or password")


def test_logout_everywhere(sam: Cli) -> None:
    other = sam("login", "--email", EMAIL, "--print-token", stdin=PASSWORD + "\n").ok().out.strip()
    sam.login(EMAIL, PASSWORD)
    assert "2 sessions ended" in sam("logout", "--everywhere").ok().out
    sam("whoami", env={"JOBTRACK_TOKEN": other}).refused("was logged out")
    sam("whoami").refused("not logged in")
