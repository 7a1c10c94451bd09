"""The `sly-tui` entry point: parse flags, pick a mode, hand over. Nothing else.

Heavy modules (Textual, the emulator) are imported only by the mode that needs them, so
headless commands (`tasks`, `task`, `logs`, `wait`, `stop`, `start`, run by
`sly_tui.headless`) start fast and never load Textual. Every expected failure ends as one
sentence on stderr and a non-zero exit code; `--debug` shows the traceback instead.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import textwrap
import traceback
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from sly_tui import __version__
from sly_tui.enums import LogLevel, RestartPolicy, Status

EXIT_USAGE = 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE: what `cat` reports when `head` stops reading
HEADLESS_COMMANDS = ("tasks", "task", "logs", "wait", "stop", "start")
SERVE_PORT = 8566  # `sly-tui serve`'s default port


def _whole(minimum: int, maximum: int, what: str) -> Callable[[str], int]:
    """An argparse type: a whole number in [minimum, maximum], or a one-line complaint."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if not minimum <= value <= maximum:
            raise argparse.ArgumentTypeError(f"expected {what}, got {value}")
        return value

    return parse


_positive_int = _whole(1, 2**63 - 1, "a positive id")
_count = _whole(0, 2**63 - 1, "zero or more")
_port = _whole(0, 65535, "a port from 0 to 65535")


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}")
    return value


def _connection_flags(*, inherit: bool = False) -> argparse.ArgumentParser:
    """Flags every mode that talks to a server accepts.

    `inherit` is for subcommands: an absent flag there leaves the top-level value alone
    (argparse would otherwise overwrite `sly-tui --server X tasks` with the default).
    """
    default = argparse.SUPPRESS if inherit else None
    parent = argparse.ArgumentParser(add_help=False, argument_default=default)
    group = parent.add_argument_group("connection")
    group.add_argument("--server", metavar="URL", help="server address (SERVER_ADDRESS)")
    group.add_argument(
        "--token", metavar="TOKEN", help="API token (API_TOKEN); prefer the env or a profile"
    )
    group.add_argument("--team", type=_positive_int, metavar="ID", help="team id (TEAM_ID)")
    group.add_argument(
        "--workspace", type=_positive_int, metavar="ID", help="workspace id (WORKSPACE_ID)"
    )
    group.add_argument("--profile", metavar="NAME", help="a saved profile from the config file")
    group.add_argument(
        "--env-file",
        type=Path,
        metavar="PATH",
        help="read SERVER_ADDRESS/API_TOKEN from this file instead of ~/supervisely.env",
    )
    group.add_argument(
        "--read-only", action="store_true", help="refuse every action that changes the server"
    )
    parent.add_argument("--debug", action="store_true", help="show tracebacks of failures")
    return parent


def _world_flags(
    parser: argparse.ArgumentParser, *, prefix: str = "", inherit: bool = False
) -> None:
    """Options that shape the emulator's simulated world (`inherit`: as in
    `_connection_flags`, for a subcommand that takes the top-level flags too)."""

    def default(value: object) -> object:
        return argparse.SUPPRESS if inherit else value

    group = parser.add_argument_group("emulator")
    group.add_argument(
        f"--{prefix}seed", type=int, default=default(0), help="world seed (default 0)"
    )
    group.add_argument(
        f"--{prefix}speed",
        type=_positive_float,
        default=default(1.0),
        help="simulated seconds per real second (default 1)",
    )
    group.add_argument(
        f"--{prefix}big-workspace",
        type=_count,
        default=default(0),
        metavar="N",
        help="add a 'load-test' workspace with N finished tasks",
    )
    group.add_argument(
        f"--{prefix}big-log",
        type=_count,
        default=default(0),
        metavar="N",
        help="give one task a log of N lines",
    )
    group.add_argument(
        f"--{prefix}big-team",
        type=_count,
        default=0,
        metavar="N",
        help="add a team of N workspaces, one live task each",
    )


def _dashboard_flags(parser: argparse.ArgumentParser, *, inherit: bool = False) -> None:
    """The dashboard's own options, at the top level and for `serve`."""
    parser.add_argument(
        "--demo",
        action="store_true",
        default=argparse.SUPPRESS if inherit else False,
        help="run against the built-in emulator (no server needed)",
    )
    parser.add_argument(
        "--theme",
        metavar="NAME",
        default=argparse.SUPPRESS if inherit else None,
        help="colour theme (e.g. supervisely-light, high-contrast, colorblind, ansi-dark)",
    )
    parser.add_argument(
        "--interval",
        type=_positive_float,
        default=argparse.SUPPRESS if inherit else None,
        metavar="SEC",
        help="seconds between polls (default 2)",
    )
    _world_flags(parser, prefix="demo-", inherit=inherit)


def build_parser() -> argparse.ArgumentParser:
    connection = _connection_flags()
    parser = argparse.ArgumentParser(
        prog="sly-tui",
        parents=[connection],
        description="A terminal dashboard for the tasks of a Supervisely instance.",
        epilog=(
            "examples:\n"
            "  sly-tui --demo                 dashboard on a built-in simulated instance\n"
            "  sly-tui                        dashboard on SERVER_ADDRESS / API_TOKEN\n"
            "  sly-tui --profile work         dashboard on a saved profile\n"
            "  sly-tui demo-server --port 8000 --env-file demo.env\n"
            "  sly-tui serve --demo           the dashboard in a browser (http://127.0.0.1:8566)\n"
            "  sly-tui tasks --json           scripts: tasks, task, logs, wait, stop, start\n"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"sly-tui {__version__}")
    _dashboard_flags(parser)

    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    server = commands.add_parser(
        "demo-server",
        help="serve the emulator over HTTP for any client (the SDK included)",
        description="Serve the embedded Supervisely emulator on loopback.",
        epilog=(
            "examples:\n"
            "  sly-tui demo-server\n"
            "  sly-tui demo-server --port 8000 --env-file ~/demo.env --speed 10\n"
            "  SERVER_ADDRESS=... API_TOKEN=... python my_sdk_script.py\n"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    server.add_argument("--host", default="127.0.0.1", help="bind address (default 127.0.0.1)")
    server.add_argument("--port", type=_port, default=8000, help="port (default 8000; 0 = any)")
    server.add_argument("--token", help="accept this token instead of the generated one")
    server.add_argument(
        "--env-file",
        type=Path,
        metavar="PATH",
        help="write SERVER_ADDRESS and API_TOKEN to PATH (mode 0600)",
    )
    # SUPPRESS: an absent --debug here must not undo `sly-tui --debug demo-server`.
    server.add_argument(
        "--debug", action="store_true", default=argparse.SUPPRESS, help="show tracebacks"
    )
    _world_flags(server)
    _serve_command(commands)
    _headless_commands(commands)
    return parser


def _serve_command(commands: argparse._SubParsersAction) -> None:
    serve = commands.add_parser(
        "serve",
        parents=[_connection_flags(inherit=True)],
        help="the dashboard in a web browser (textual-serve), on loopback",
        description=(
            "Serve the dashboard over HTTP: every browser tab that opens the address gets\n"
            "its own dashboard. Only loopback is served unless --public is given, since\n"
            "whoever reaches the port drives a dashboard that holds the API token."
        ),
        epilog=(
            "examples:\n"
            "  sly-tui serve --demo\n"
            "  sly-tui serve --profile work --port 9000\n"
            "  ssh -L 8566:127.0.0.1:8566 host   then open http://127.0.0.1:8566 here\n"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    serve.add_argument("--host", default="127.0.0.1", help="bind address (default 127.0.0.1)")
    serve.add_argument(
        "--port", type=_port, default=SERVE_PORT, help=f"port (default {SERVE_PORT}; 0 = any)"
    )
    serve.add_argument("--public", action="store_true", help="allow a --host that is not loopback")
    _dashboard_flags(serve, inherit=True)


def _iso_instant(text: str) -> datetime:
    """An argparse type: an ISO-8601 instant; without a zone it is UTC, as on the server."""
    try:
        moment = datetime.fromisoformat(text.strip().replace("z", "Z").replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected an ISO-8601 time such as 2026-03-30T14:28:58Z, got {text!r}"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _headless_commands(commands: argparse._SubParsersAction) -> None:
    """The commands for scripts and ops (`sly_tui.headless`): data on stdout, plain when
    piped, JSON on request; one sentence on stderr and a non-zero exit code on failure."""
    connection = _connection_flags(inherit=True)

    def command(name: str, summary: str, description: str, examples: str):
        return commands.add_parser(
            name,
            parents=[connection],
            help=summary,
            description=textwrap.fill(description, 79),
            epilog="examples:\n" + examples,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )

    def interval(parser: argparse.ArgumentParser, when: str = "") -> None:
        # SUPPRESS: `sly-tui --interval 5 logs -f 7` keeps the top-level value.
        parser.add_argument(
            "--interval",
            type=_positive_float,
            default=argparse.SUPPRESS,
            metavar="SEC",
            help=f"seconds between polls{when} (default 2)",
        )

    statuses = [str(status) for status in Status]
    tasks = command(
        "tasks",
        "list the tasks of a workspace (a table, or JSON for scripts)",
        "List a workspace's tasks, newest first. A table on a terminal; --json gives a list "
        "of objects with fixed keys (id, name, type, status, description, app, agent, user, "
        "team_id, workspace_id, created_at, started_at, finished_at, output, progress), "
        "--jsonl one object per line.",
        "  sly-tui tasks --workspace 201\n"
        "  sly-tui tasks --status started queued --limit 20\n"
        "  sly-tui tasks --type app --json | jq '.[] | select(.status == \"error\") | .id'\n"
        "  sly-tui tasks --watch                 one line per status change, Ctrl-C to stop\n"
        "  sly-tui tasks --watch --jsonl         the same as JSON events\n",
    )
    tasks.add_argument(
        "--status",
        nargs="+",
        action="extend",
        choices=statuses,
        metavar="S",
        help=f"only tasks in these statuses ({', '.join(statuses)})",
    )
    tasks.add_argument(
        "--type", nargs="+", action="extend", metavar="T", help="only tasks of these types"
    )
    tasks.add_argument("--limit", type=_positive_int, metavar="N", help="the newest N tasks only")
    tasks_format = tasks.add_mutually_exclusive_group()
    tasks_format.add_argument("--json", action="store_true", help="a JSON list")
    tasks_format.add_argument("--jsonl", action="store_true", help="one JSON object per line")
    tasks.add_argument(
        "--watch", action="store_true", help="then print every change until interrupted"
    )
    interval(tasks, " with --watch")

    task = command(
        "task",
        "show one task: info, context, outputs, latest progress",
        "Show one task: its info, team and workspace, outputs, and the latest progress "
        "records of its log (read from the end, only as far back as needed).",
        "  sly-tui task 1163\n  sly-tui task 1163 --json | jq .progress\n",
    )
    task.add_argument("task_id", type=_positive_int, metavar="ID", help="task id")
    task.add_argument("--json", action="store_true", help="one JSON object")

    logs = command(
        "logs",
        "print a task's log; --follow until the task ends",
        "Print a task's log as `timestamp LEVEL message` lines (further lines of a message "
        "or stack trace indented), or the server's raw entries with --jsonl.",
        "  sly-tui logs 1163 > task-1163.log\n"
        "  sly-tui logs 1163 --follow --level warn\n"
        "  sly-tui logs 1163 --tail 50\n"
        "  sly-tui logs 1163 --since 2026-11-27T12:00:00Z --jsonl | jq .message\n",
    )
    logs.add_argument("task_id", type=_positive_int, metavar="ID", help="task id")
    logs.add_argument(
        "-f", "--follow", action="store_true", help="keep printing new lines until the task ends"
    )
    logs.add_argument(
        "--since", type=_iso_instant, metavar="ISO", help="only lines at or after this time"
    )
    logs.add_argument(
        "--level",
        choices=[str(level) for level in LogLevel],
        metavar="L",
        help="minimum level: trace < debug < info < warn < error < fatal",
    )
    logs.add_argument("--tail", type=_positive_int, metavar="N", help="only the last N lines")
    logs.add_argument("--jsonl", action="store_true", help="raw log entries, one JSON per line")
    interval(logs, " with --follow")

    wait = command(
        "wait",
        "wait until a task reaches a status; the exit code tells how it ended",
        "Wait until the task reaches --status, or finishes, stops or is deployed (as the "
        "SDK's wait does), and print its final status. Exit codes: 0 reached, 1 ended in "
        "error (or no such task), 2 timeout, 3 connection or authentication failure.",
        "  sly-tui wait 1163 && echo done\n  sly-tui wait 1170 --status deployed --timeout 600\n",
    )
    wait.add_argument("task_id", type=_positive_int, metavar="ID", help="task id")
    wait.add_argument(
        "--status",
        choices=statuses,
        default=str(Status.FINISHED),
        metavar="S",
        help="the status to wait for (default finished)",
    )
    wait.add_argument(
        "--timeout", type=_positive_float, metavar="SEC", help="give up after SEC seconds"
    )
    wait.add_argument(
        "--notify",
        action="store_true",
        help="at the end, ring the terminal bell and raise a desktop notification "
        "(OSC 9 and 777, as [notify] in config.toml allows)",
    )
    interval(wait)

    stop = command(
        "stop",
        "stop tasks (asks first unless --yes)",
        "Ask the server to stop the tasks. On a terminal it asks for confirmation first; "
        "without a terminal it refuses unless --yes is given. Read-only mode refuses.",
        "  sly-tui stop 1163\n  sly-tui stop 1163 1164 --yes\n",
    )
    stop.add_argument("task_ids", nargs="+", type=_positive_int, metavar="ID", help="task ids")
    stop.add_argument("-y", "--yes", action="store_true", help="do not ask for confirmation")

    start = command(
        "start",
        "start an app session; prints the new task id",
        "Start an ecosystem app on an agent in the workspace (--workspace, WORKSPACE_ID or "
        "the profile's) and print the new task's id.",
        "  sly-tui start --agent 301 --module supervisely-ecosystem/export-to-yolo\n"
        "  sly-tui start --agent 301 --module 403 --params '{\"slyProjectId\": 601}'\n"
        "  sly-tui start --agent 301 --module 405 --params @train.json --name nightly --json\n",
    )
    start.add_argument("--agent", type=_positive_int, required=True, metavar="ID", help="agent id")
    start.add_argument(
        "--module", required=True, metavar="ID|SLUG", help="ecosystem module id or slug"
    )
    start.add_argument(
        "--params",
        metavar="JSON|@FILE",
        help='the app\'s state as a JSON object, or @file to read it; wrapped in {"state": …} '
        "unless it has a state key",
    )
    start.add_argument("--name", metavar="NAME", help="session name (default: the module's)")
    start.add_argument(
        "--log-level", choices=("info", "debug", "trace"), default="info", help="(default info)"
    )
    start.add_argument("--version", metavar="V", help="app version (default: the server's)")
    start.add_argument(
        "--branch", action="store_true", help="--version names a branch, not a release"
    )
    start.add_argument(
        "--restart-policy",
        choices=[str(policy) for policy in RestartPolicy],
        default=str(RestartPolicy.NEVER),
        help="(default never)",
    )
    start.add_argument("--json", action="store_true", help="print JSON instead of the id")


def _settings_from(args: argparse.Namespace):  # -> Settings (lazy import keeps start fast)
    from sly_tui.config import Flags, resolve

    return resolve(
        Flags(
            server=args.server,
            token=args.token,
            team_id=args.team,
            workspace_id=args.workspace,
            profile=args.profile,
            env_file=args.env_file,
            read_only=args.read_only,
        )
    )


def _run_demo_server(args: argparse.Namespace) -> int:
    from sly_tui.demo import run_server

    run_server(
        host=args.host,
        port=args.port,
        token=args.token,
        seed=args.seed,
        speed=args.speed,
        env_file=args.env_file,
        big_workspace_tasks=args.big_workspace,
        big_log_lines=args.big_log,
        big_team=args.big_team,
    )
    return 0


def _run_serve(args: argparse.Namespace) -> int:
    from sly_tui.web import serve

    return serve(args, lambda: _settings_from(args))


def _run_dashboard(args: argparse.Namespace) -> int:
    from sly_tui.ui.launch import DemoOptions, run_dashboard

    demo = None
    if args.demo:
        demo = DemoOptions(
            seed=args.demo_seed,
            speed=args.demo_speed,
            big_workspace_tasks=args.demo_big_workspace,
            big_log_lines=args.demo_big_log,
            big_team=args.demo_big_team,
        )
    settings = _settings_from(args)
    early = None
    if demo is None:
        from sly_tui.monitor.opening import send_early

        # Sent now, answered while the dashboard imports its screens.
        early = send_early(settings)
    return run_dashboard(settings, demo=demo, interval=args.interval, theme=args.theme, early=early)


def _run_headless(args: argparse.Namespace) -> int:
    from sly_tui.headless import run

    return run(args, _settings_from(args))


def _import_httpcore_without_trio() -> None:
    """Import httpcore (under httpx) without trio, which it imports whenever it is
    installed, for programs that run under trio. sly-tui runs only under asyncio, and trio
    (which selenium, say, brings into the same environment) costs about 45 ms of start-up,
    as much as httpx and httpcore together. Later imports of trio work as usual."""
    if "httpcore" in sys.modules or "trio" in sys.modules:
        return
    sys.modules["trio"] = None  # type: ignore[assignment]  # `import trio` raises ImportError
    try:
        import httpcore  # noqa: F401
    finally:
        del sys.modules["trio"]


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command is None:
            # The dashboard imports some 500 modules while it starts, and the collector
            # walks their objects over and over for garbage they hardly ever are (about
            # 40 ms of a start): paused until the app is built (`sly_tui.ui.launch`).
            gc.disable()
        _import_httpcore_without_trio()
        if args.command == "demo-server":
            return _run_demo_server(args)
        if args.command == "serve":
            return _run_serve(args)
        if args.command in HEADLESS_COMMANDS:
            return _run_headless(args)
        return _run_dashboard(args)
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return _broken_pipe()
    except Exception as exc:
        sentence, code = _failure(args, exc)
        if args.debug:  # the traceback instead of the sentence; the exit code stays
            traceback.print_exc()
        else:
            print(f"sly-tui: {sentence}", file=sys.stderr)
        return code
    finally:
        gc.enable()  # where the dashboard failed before it was built


def _failure(args: argparse.Namespace, exc: Exception) -> tuple[str, int]:
    """The sentence and exit code of a failure; headless commands have their own codes."""
    if args.command in HEADLESS_COMMANDS:
        from sly_tui.headless.errors import describe, exit_code

        return describe(exc) or _sentence(exc), exit_code(exc)
    return _sentence(exc), EXIT_USAGE if _is_config_error(exc) else 1


def _broken_pipe() -> int:
    """The reader went away (`sly-tui logs 7 | head`): stop quietly, as `cat` does.

    Whatever is still buffered for stdout can never be written; pointing stdout at
    /dev/null keeps the interpreter's final flush from printing a second complaint.
    """
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass  # stdout is no file (a test's capture): nothing will flush it at exit
    return EXIT_BROKEN_PIPE


def _is_config_error(exc: BaseException) -> bool:
    from sly_tui.config import ConfigError

    return isinstance(exc, ConfigError)


def _sentence(exc: BaseException) -> str:
    """One line for the user: our own errors carry one; anything else is told as the
    dashboard tells it, with the way to its traceback."""
    if _is_config_error(exc) or hasattr(exc, "sentence"):
        return getattr(exc, "sentence", None) or str(exc)
    from sly_tui.api.sentences import failure_sentence

    return f"{failure_sentence(exc).removesuffix('.')}; run with --debug for the traceback."
