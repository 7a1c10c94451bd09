"""`sly-tui start`: start an ecosystem app session and print the new task's id.

`--module` takes an id or a slug (resolved with `ecosystem.list`). `--params` is the app's
state as JSON, inline or `@file`; like the SDK's `AppApi.start`, it is wrapped in
`{"state": …}` unless it already has a `state` key. Without `--name` the session is named
after the module, as the dashboard's start form does. The version is left to the server
unless `--version` names one.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from sly_tui.api import SlyClient
from sly_tui.headless.errors import EXIT_OK, EXIT_USAGE, CommandError
from sly_tui.headless.session import Session
from sly_tui.jsontext import JsonProblem, parse_json_object


def load_params(text: str | None) -> dict[str, Any]:
    """The `--params` value as the `params` of `tasks.run.app`; any problem is one
    sentence naming the file, line and column."""
    if text is None:
        return {"state": {}}
    where = "--params"
    if text.startswith("@"):
        path = Path(text[1:]).expanduser()
        where = str(path)
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise CommandError(f"The params file {path} is not UTF-8 text.", EXIT_USAGE) from None
        except OSError as exc:
            reason = exc.strerror or type(exc).__name__
            raise CommandError(
                f"Cannot read the params file {path}: {reason}.", EXIT_USAGE
            ) from None
    try:
        value = parse_json_object(text)
    except JsonProblem as problem:
        raise CommandError(f"{where}: {problem}", EXIT_USAGE) from None
    return value if "state" in value else {"state": value}


async def _module(client: SlyClient, text: str) -> tuple[int, str | None]:
    """The module's id and name (the name is the default session name)."""
    module_id = int(text) if text.isdigit() else await client.ecosystem.get_module_id(text)
    info = await client.ecosystem.get_info(module_id)
    return info.id, info.name


async def run(args: argparse.Namespace, session: Session) -> int:
    if args.branch and not args.version:
        raise CommandError("--branch needs --version (the branch's name).", EXIT_USAGE)
    params = load_params(args.params)
    workspace_id = session.workspace_id()
    async with session.client() as client:
        module_id, module_name = await _module(client, args.module.strip())
        name = args.name or module_name or args.module
        started = await client.tasks.start(
            args.agent,
            module_id=module_id,
            workspace_id=workspace_id,
            params=params,
            task_name=name,
            log_level=args.log_level,
            app_version=args.version or "",
            is_branch=args.branch,
            restart_policy=args.restart_policy,
        )
    if args.json:
        session.out.json(
            {
                "task_id": started.id,
                "module_id": started.module_id,
                "app_id": started.app_id,
                "workspace_id": workspace_id,
                "name": name,
            }
        )
    else:
        session.out.line(str(started.id))
    return EXIT_OK
