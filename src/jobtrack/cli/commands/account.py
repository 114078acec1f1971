"""``jobtrack account ...`` and the shortcuts ``login``, ``logout``, ``whoami``."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from jobtrack.cli import prompts, session_file
from jobtrack.cli.context import ENV_SESSION_HOURS, ENV_TOKEN, CliError, Context, UsageError
from jobtrack.cli.jsonable import to_data
from jobtrack.cli.options import field_options, given, options_of
from jobtrack.cli.output import moment, plural, write, write_json
from jobtrack.cli.parser import command, group
from jobtrack.cli.render import user_fields
from jobtrack_core.commands import ProfileChanges, Registration
from jobtrack_core.errors import ConflictError

if TYPE_CHECKING:
    from jobtrack.cli.parser import Subparsers


def _password_stdin(parser: argparse.ArgumentParser, what: str = "the password") -> None:
    parser.add_argument(
        "--password-stdin",
        action="store_true",
        help=f"read {what} from standard input, one per line (automatic when it is not a terminal)",
    )


# -- register -------------------------------------------------------------------
def register_account(ctx: Context, args: argparse.Namespace) -> None:
    email = prompts.email(args.email)
    if args.name is None and not prompts.interactive():
        raise UsageError("--name is required when standard input is not a terminal")
    name = args.name if args.name is not None else input("Your name: ")
    (password,) = prompts.passwords(
        ["Choose a password (8+ characters): "],
        from_stdin=args.password_stdin,
        confirm_last="Repeat the password: ",
    )
    created = ctx.database.file is not None and not ctx.database.file.exists()
    app = ctx.app(create=True)
    try:
        user = app.register(
            email=email, password=password, name=name, business_name=args.business_name
        )
    except ConflictError as exc:
        if exc.field != "email":
            raise
        raise CliError(
            f"{exc.message} in {ctx.database.shown}; log in with "
            f"`{ctx.command('login', '--email', email.strip().lower())}`"
        ) from None
    if ctx.json:
        write_json(to_data(user))
        return
    if created:
        write(f"Created the database {ctx.database.shown}.")
    write(f"Registered {user.name} <{user.email}>.")
    write(f"Log in with: {ctx.command('login', '--email', user.email)}")


# -- login / logout / whoami ----------------------------------------------------
def login(ctx: Context, args: argparse.Namespace) -> None:
    app = ctx.app()
    email = prompts.email(args.email)
    (password,) = prompts.passwords(["Password: "], from_stdin=args.password_stdin)
    result = app.login(email, password)
    data: dict[str, Any] = {
        "user": to_data(result.user),
        "expires_at": to_data(result.session.expires_at),
    }
    if args.print_token:
        data["token"] = result.token
        if ctx.json:
            write_json(data)
        else:
            write(result.token)
        return
    path = ctx.session_path
    previous = session_file.load(path)
    session_file.save(
        path, session_file.SavedSession(result.token, result.user.email, result.session.expires_at)
    )
    if previous is not None:
        app.logout(previous.token)  # a new login replaces the one saved before
    if ctx.json:
        write_json(data)
        return
    write(
        f"Logged in as {result.user.name} <{result.user.email}> "
        f"until {moment(result.session.expires_at)}."
    )


def logout(ctx: Context, args: argparse.Namespace) -> None:
    app = ctx.app()
    path = ctx.session_path
    found = ctx.token()
    if args.everywhere:
        workspace = ctx.workspace()
        count = workspace.logout_everywhere()
        session_file.remove(path)
        write(f"Logged out everywhere ({plural(count, 'session')} ended).")
        return
    if found is None:
        write("Not logged in.")
        return
    token, source = found
    app.logout(token)
    if source is None:
        session_file.remove(path)
    write("Logged out.")


def whoami(ctx: Context, args: argparse.Namespace) -> None:
    workspace = ctx.workspace()
    user = workspace.user
    if ctx.json:
        write_json(to_data(user))
        return
    found = ctx.token()
    saved = session_file.load(ctx.session_path) if found and found[1] is None else None
    extra = [("Logged in until", moment(saved.expires_at))] if saved else []
    write(user_fields(user, extra))


# -- profile, password, delete -------------------------------------------------
def edit(ctx: Context, args: argparse.Namespace) -> None:
    changes = given(args, Registration)
    changes.pop("password", None)
    if not changes:
        raise UsageError(f"nothing to change: give at least one of {options_of(ProfileChanges)}")
    workspace = ctx.workspace()
    user = workspace.update_profile(ProfileChanges.parse(changes))
    saved = session_file.load(ctx.session_path)
    if saved is not None and saved.email != user.email:
        session_file.save(
            ctx.session_path, session_file.SavedSession(saved.token, user.email, saved.expires_at)
        )
    if ctx.json:
        write_json(to_data(user))
    else:
        write(user_fields(user))


def change_password(ctx: Context, args: argparse.Namespace) -> None:
    workspace = ctx.workspace()
    current, new = prompts.passwords(
        ["Current password: ", "New password (8+ characters): "],
        from_stdin=args.password_stdin,
        confirm_last="Repeat the new password: ",
    )
    workspace.change_password(current, new)
    write("Password changed. Your other sessions were logged out; this one stays.")


def delete(ctx: Context, args: argparse.Namespace) -> None:
    workspace = ctx.workspace()
    user = workspace.user
    customers = len(workspace.list_customers())
    jobs = len(workspace.list_jobs())
    prompts.confirm(
        f"Delete the account {user.email} with its {plural(customers, 'customer')} and "
        f"{plural(jobs, 'job')}, for good?",
        assume_yes=args.yes,
    )
    (password,) = prompts.passwords(["Password: "], from_stdin=args.password_stdin)
    deleted = workspace.delete_account(password)
    session_file.remove(ctx.session_path)
    if ctx.json:
        write_json(to_data(deleted))
        return
    write(
        f"Deleted the account {user.email}, {plural(deleted.customers, 'customer')} and "
        f"{plural(deleted.jobs, 'job')}."
    )


# -- the parser -----------------------------------------------------------------
def _add_login(subparsers: Subparsers, name: str, help: str) -> None:
    parser = command(
        subparsers,
        name,
        login,
        help=help,
        description=(
            "Log in and keep the session for the next commands, in a file only you can read.\n"
            "The password is asked for without echo, or read from standard input:\n"
            "  jobtrack login --email sam@example.com\n"
            "  printf '%s\\n' \"$PASSWORD\" | jobtrack login --email sam@example.com\n\n"
            f"A session lasts 24 hours (${ENV_SESSION_HOURS} changes it for new logins)."
        ),
        json=True,
    )
    parser.add_argument("--email", help="the account's email (asked for if not given)")
    _password_stdin(parser)
    parser.add_argument(
        "--print-token",
        action="store_true",
        help=f"print the session token instead of saving it (for ${ENV_TOKEN} in scripts)",
    )


def _add_logout(subparsers: Subparsers, name: str) -> None:
    parser = command(
        subparsers,
        name,
        logout,
        help="end this session",
        description="End the current session and forget its saved token.",
    )
    parser.add_argument(
        "--everywhere", action="store_true", help="end every session of this account"
    )


def _add_whoami(subparsers: Subparsers, name: str) -> None:
    command(subparsers, name, whoami, help="show who is logged in", json=True)


def register_shortcuts(subparsers: Subparsers) -> None:
    """``jobtrack login``, ``logout`` and ``whoami``: the account commands used most."""
    _add_login(subparsers, "login", "log in (same as `account login`)")
    _add_logout(subparsers, "logout")
    _add_whoami(subparsers, "whoami")


def register(subparsers: Subparsers) -> None:
    """``jobtrack account ...``."""
    account = group(
        subparsers,
        "account",
        help="register, log in and out, change the password, delete the account",
        description="Your account: one service business.",
    )
    parser = command(
        account,
        "register",
        register_account,
        help="create an account (and the database, if there is none)",
        description=(
            "Create an account. The password (at least 8 characters; long passphrases\n"
            "welcome) is asked for twice without echo, or read from standard input."
        ),
        json=True,
    )
    parser.add_argument("--email", help="your email, used to log in (asked for if not given)")
    parser.add_argument("--name", help="your name (asked for if not given)")
    parser.add_argument("--business-name", metavar="NAME", help="your business's name")
    _password_stdin(parser)

    _add_login(account, "login", "log in")
    _add_logout(account, "logout")
    _add_whoami(account, "whoami")

    parser = command(
        account,
        "edit",
        edit,
        help="change your name, email, business name or calendar",
        description=(
            "Change your profile, or your business's calendar (the time zone and first day\n"
            "of the week every report uses). An empty value clears the business name, or\n"
            "the time zone (then the application's calendar applies)."
        ),
        epilog="Example:\n  jobtrack account edit --timezone Europe/Berlin --week-start 0",
        json=True,
    )
    field_options(parser, Registration, skip=("password",), clearable=True)

    parser = command(
        account,
        "change-password",
        change_password,
        help="set a new password (other sessions are logged out)",
        description=(
            "Set a new password. Asks for the current one and the new one without echo;\n"
            "from standard input: the current password on the first line, the new one on\n"
            "the second. Every other session of the account is logged out."
        ),
    )
    _password_stdin(parser, "the current and the new password")

    parser = command(
        account,
        "delete",
        delete,
        help="delete your account and everything in it",
        description=(
            "Delete the account with all its customers and jobs, for good. Asks for\n"
            "confirmation and the password; scripts pass --yes and the password on stdin."
        ),
        json=True,
    )
    parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    _password_stdin(parser)
