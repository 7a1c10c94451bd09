"""The seeded world: who and what exists when the emulator starts.

Fixed ids (teams 101-103, workspaces 201-204 and 206-209, agents 301-307, modules 401-…,
apps 501-…, projects 601-…, models 701-…, team files 801-…, users 1-7, tasks from 1001)
keep tests and docs readable. The third team is added after everything else and its tasks
take ids from 901, below the rest, so the first two teams, and the ids (and so the plans)
of the tasks created later, are what they were before it came. Optional big teams
(`big_team`) take teams from 1001, workspaces from 10001, agents from 3001. The seed
decides everything random (task histories, outcomes, durations) except the API tokens,
which are new for every run. A few hostile strings (markup, ANSI escapes) are planted
on purpose: a dashboard must show them literally.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import random
import secrets
import string
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from sly_tui.demo import logs, scripts
from sly_tui.demo.factory import kind_of, new_app_task, new_task, planned_output
from sly_tui.demo.logs import GeneratedLog, digest
from sly_tui.demo.simulator import Simulator
from sly_tui.demo.world import (
    Agent,
    ImportFile,
    Model,
    Module,
    Project,
    Task,
    Team,
    TeamFile,
    User,
    Workspace,
    World,
)
from sly_tui.enums import AgentStatus, LogLevel, PluginTaskType, RestartPolicy, Status

ADMIN_USER_ID = 1
VIEWER_USER_ID = 2
MAIN_TEAM_ID = 101
MAIN_WORKSPACE_ID = 201
LOAD_TEST_WORKSPACE_ID = 205
ROBOTICS_TEAM_ID = 103
ROBOTICS_WORKSPACES = {206: "Grasping", 207: "Navigation", 208: "Sim2Real", 209: "Inspection"}
ROBOTICS_USER_ID = 7
ROBOTICS_FIRST_TASK_ID = 901  # up to FIRST_TASK_ID - 1
FAILURES_HOURS = (0.5, 1.5, 2.5, 4, 7)  # hours ago each seeded recent failure ended, about
FIRST_BIG_TEAM_ID = 1001
FIRST_TASK_ID = 1001
HISTORY_DAYS = 14

HOSTILE_TASK_NAME = "[bold]x[/] markup must print literally"
HOSTILE_META_VALUE = "[@click=app.quit]do not click[/]"
HOSTILE_LOG_LINES: list[tuple[str, str, dict[str, Any]]] = [
    logs.plain(LogLevel.WARN, "A caption with a stray closing tag: [/red] (printed as is)"),
    logs.plain(LogLevel.INFO, "Raw terminal colour from a subprocess: \x1b[31mred\x1b[0m"),
]

_TOKEN_ALPHABET = string.ascii_letters + string.digits

# (slug, name, category, modal state, context-menu targets)
_MODULES: list[tuple[str, str, str, dict[str, Any], list[str]]] = [
    (
        "supervisely-ecosystem/import-images",
        "Import images",
        "import",
        {"slyFolder": "/import/", "removeSource": False, "projectName": ""},
        ["files_folder"],
    ),
    (
        "supervisely-ecosystem/import-videos",
        "Import videos",
        "import",
        {"slyFolder": "/videos/", "framesStep": 1},
        ["files_folder"],
    ),
    (
        "supervisely-ecosystem/export-to-yolo",
        "Export to YOLO format",
        "export",
        {"slyProjectId": None, "trainSplit": 0.8},
        ["images_project"],
    ),
    (
        "supervisely-ecosystem/export-to-pascal-voc",
        "Export to Pascal VOC",
        "export",
        {"slyProjectId": None},
        ["images_project"],
    ),
    (
        "supervisely-ecosystem/train-yolov8",
        "Train YOLOv8",
        "train",
        {"epochs": 20, "batchSize": 16, "imgSize": 640, "device": "0"},
        ["images_project"],
    ),
    (
        "supervisely-ecosystem/train-mmdetection",
        "Train MMDetection",
        "train",
        {"epochs": 12, "lr": 0.02, "arch": "faster_rcnn"},
        ["images_project"],
    ),
    (
        "supervisely-ecosystem/serve-yolov8",
        "Serve YOLOv8",
        "serve",
        {"modelName": "yolov8s", "device": "cuda:0"},
        ["ecosystem"],
    ),
    (
        "supervisely-ecosystem/serve-segment-anything",
        "Serve Segment Anything",
        "serve",
        {"modelName": "sam_vit_h", "device": "cuda:0"},
        ["ecosystem"],
    ),
    (
        "supervisely-ecosystem/apply-nn-to-images",
        "Apply NN to images project",
        "inference",
        {"slyProjectId": None, "confidence": 0.5},
        ["images_project"],
    ),
    (
        "supervisely-ecosystem/data-commander",
        "Data Commander",
        "custom",
        {"mode": "copy"},
        ["ecosystem"],
    ),
]

# Legacy task types (plugins, DTL, scripts) in the history, beside app tasks.
_LEGACY_TYPES = ("train", "inference", "import", "export", "dtl", "python")


def make_token() -> str:
    """128 alphanumeric characters (older SDKs insist on that length), new for every run:
    a token computed from the seed could be computed by anyone who can reach the port."""
    return "".join(secrets.choice(_TOKEN_ALPHABET) for _ in range(128))


def file_hash(content: bytes) -> str:
    """The SDK's file hash: base64 of the SHA-256 digest."""
    return base64.b64encode(hashlib.sha256(content).digest()).decode()


def import_file_content(seed: int, task_id: int, path: str, size: int) -> bytes:
    return random.Random(f"file:{seed}:{task_id}:{path}").randbytes(size)


def build_world(
    seed: int,
    now: datetime,
    *,
    token: str | None = None,
    big_workspace_tasks: int = 0,
    big_log_lines: int = 0,
    big_team: int = 0,
    big_teams: int = 1,
) -> tuple[World, Simulator]:
    """The world at `now`; `big_team` adds `big_teams` teams of that many workspaces,
    each with one live task per workspace (for measuring team-wide polling)."""
    world = World(seed=seed, next_task_id=FIRST_TASK_ID)
    rng = random.Random(f"world:{seed}")
    epoch = now - timedelta(days=400)
    _people(world, epoch, token or make_token(), make_token())
    _places(world, rng, epoch)
    _catalogue(world, epoch)
    sim = Simulator(world, now)
    _history(world, sim, rng, now)
    _active(world, sim, rng, now)
    _long_training(world, sim, now)
    _legacy_serving(world, sim, now)
    if big_log_lines:
        _big_log(world, now, big_log_lines)
    if big_workspace_tasks:
        _load_test(world, sim, now, big_workspace_tasks)
    _robotics(world, sim, now)
    for index in range(big_teams if big_team else 0):
        _big_team(world, sim, now, index, big_team)
    sim.catch_up(now, limit=None)
    return world, sim


def _people(world: World, epoch: datetime, admin_token: str, viewer_token: str) -> None:
    people = [
        (1, "demo", "Demo Admin", {101: "admin", 102: "admin"}),
        (2, "viewer", "Read-only Viewer", {101: "viewer", 102: "viewer"}),
        (3, "alice", "Alice Moreau", {101: "developer"}),
        (4, "bob", "Bob Kowalski", {101: "developer", 102: "annotator"}),
        (5, "chen", "Chen Wei", {102: "admin"}),
        (6, "dana", "Dana Okafor", {102: "developer"}),
    ]
    for uid, login, name, roles in people:
        world.users[uid] = User(
            uid,
            login,
            name,
            f"{login}@demo.supervisely.test",
            roles,
            epoch + timedelta(days=uid),
            epoch + timedelta(days=390),
        )
    world.tokens = {admin_token: ADMIN_USER_ID, viewer_token: VIEWER_USER_ID}


def _places(world: World, rng: random.Random, epoch: datetime) -> None:
    world.teams[101] = Team(101, "Demo Team", "Everything the demo shows", epoch)
    world.teams[102] = Team(102, "Research Lab", "A second team, for switching", epoch)
    for wid, team_id, name in (
        (201, 101, "Main"),
        (202, 101, "Experiments"),
        (203, 102, "Autonomous driving"),
        (204, 102, "Medical imaging"),
    ):
        world.workspaces[wid] = Workspace(wid, team_id, name, f"{name} workspace", epoch)
    world.spawn_workspaces = [201, 202, 203, 204]
    gpu = {"name": "NVIDIA A100-SXM4-80GB", "memory": {"total": 85899345920}}
    for aid, team_id, name, status, gpus in (
        (301, 101, "gpu-node-1", AgentStatus.RUNNING, [gpu, gpu]),
        (302, 101, "cpu-node", AgentStatus.WAITING, []),
        (303, 102, "lab-gpu", AgentStatus.RUNNING, [gpu]),
        (304, 102, "lab-spare", AgentStatus.WAITING, []),
    ):
        token = "".join(rng.choice(_TOKEN_ALPHABET) for _ in range(32))
        world.agents[aid] = Agent(aid, team_id, ADMIN_USER_ID, name, token, status, gpus, epoch)
    for index, (wid, name, images) in enumerate(
        [
            (201, "Street scenes", 1240),
            (201, "Warehouse pallets", 310),
            (202, "Synthetic shapes", 5000),
            (202, "Cats and dogs", 800),
            (203, "Highway lidar frames", 2210),
            (203, "Traffic signs", 950),
            (204, "Chest X-ray", 640),
            (204, "Cell microscopy", 128),
        ]
    ):
        pid = 601 + index
        team_id = world.workspaces[wid].team_id
        world.projects[pid] = Project(
            pid,
            wid,
            team_id,
            name,
            "images",
            images,
            1 + index % 3,
            ADMIN_USER_ID,
            epoch + timedelta(days=10 + index),
        )
    for index, (wid, name) in enumerate(
        [
            (201, "yolov8s-street"),
            (202, "faster-rcnn-shapes"),
            (203, "yolov8m-signs"),
            (204, "unet-xray"),
        ]
    ):
        mid = 701 + index
        team_id = world.workspaces[wid].team_id
        world.models[mid] = Model(
            mid,
            wid,
            team_id,
            ADMIN_USER_ID,
            name,
            901 + index,
            None,
            epoch + timedelta(days=30 + index),
        )
    for index, (team_id, path) in enumerate(
        [
            (101, "/reports/quality.html"),
            (101, "/exports/street_scenes.tar"),
            (101, "/experiments/yolov8/"),
            (101, "/import/batch_01.zip"),
            (102, "/reports/lab_summary.html"),
            (102, "/exports/xray.tar"),
        ]
    ):
        fid = 801 + index
        content = f"demo team file {path}\n".encode() * (fid - 790)
        content_hash = file_hash(content)
        world.files[fid] = TeamFile(
            fid,
            team_id,
            ADMIN_USER_ID,
            path,
            content_hash,
            len(content),
            epoch + timedelta(days=50 + index),
        )
        world.known_hashes[content_hash] = functools.partial(bytes, content)


def _catalogue(world: World, epoch: datetime) -> None:
    for index, (slug, name, category, state, targets) in enumerate(_MODULES):
        mid = 401 + index
        config = {
            "name": name,
            "description": f"{name}: a demo module",
            "categories": [category, "images"],
            "modalTemplateState": state,
            "contextMenu": {"target": targets},
            "icon": f"https://demo.supervisely.test/icons/{slug.rsplit('/', 1)[-1]}.png",
            "needGPU": category in ("train", "serve"),
            "headless": category not in ("serve", "custom"),
            "entrypoint": "python -m uvicorn src.main:app",
            "port": 8000,
            "docker_image": f"supervisely/{slug.rsplit('/', 1)[-1]}:1.0.{index}",
            "restartPolicy": RestartPolicy.NEVER,
            "sessionTags": ["deployed_nn"] if category == "serve" else [],
        }
        releases = [f"v1.{index}.{patch}" for patch in (3, 2, 1)]
        world.modules[mid] = Module(
            mid, slug, name, category, config, releases, epoch + timedelta(days=index)
        )


def _new_history_task(
    world: World, rng: random.Random, workspace_id: int, created: datetime, serial: int
) -> Task:
    team_id = world.workspaces[workspace_id].team_id
    members = sorted(
        uid for uid, u in world.users.items() if u.roles.get(team_id) not in (None, "viewer")
    )
    user_id = rng.choice(members)
    if rng.random() < 0.62:
        module = world.modules[rng.choice(sorted(world.modules))]
        state = {"state": {**module.config["modalTemplateState"], "run": serial}}
        task = new_app_task(
            world,
            module=module,
            workspace_id=workspace_id,
            user_id=user_id,
            created_at=created,
            params=state,
            name=f"{module.name.lower().replace(' ', '-')}-{serial}",
        )
        task.data = {
            "state": dict(state["state"]),
            "data": {"progress": {"message": "done", "current": 1, "total": 1, "percent": 100}},
        }
        return task
    kind = rng.choice(_LEGACY_TYPES)
    models = sorted(m.id for m in world.models.values() if m.workspace_id == workspace_id)
    meta: dict[str, Any] = {"params": {"state": {}}, "restartPolicy": RestartPolicy.NEVER}
    if kind in ("train", "inference") and models:
        meta["input"] = {"model": {"id": models[0]}, "isExternal": False, "pluginVersionId": 901}
    task = new_task(
        world,
        type=kind,
        workspace_id=workspace_id,
        user_id=user_id,
        created_at=created,
        name=f"{kind}-{serial}",
        meta=meta,
    )
    if kind == "import":
        _attach_import_files(world, task, rng)
    return task


def _attach_import_files(world: World, task: Task, rng: random.Random) -> None:
    for n in range(rng.randint(3, 6)):
        path = f"ds0/img/frame_{n + 1:04d}.jpg"
        size = rng.randint(2_000, 40_000)
        load = functools.partial(import_file_content, world.seed, task.id, path, size)
        content_hash = file_hash(load())
        task.import_files.append(ImportFile(path, content_hash, size, load))
        world.known_hashes.setdefault(content_hash, load)


def _history(world: World, sim: Simulator, rng: random.Random, now: datetime) -> None:
    """Tasks that ended before `now`, with outcomes and times drawn from their plans."""
    counts = {201: 64, 202: 36, 203: 30, 204: 22}
    span = timedelta(days=HISTORY_DAYS).total_seconds()
    total = sum(counts.values())
    order = [wid for wid, n in counts.items() for _ in range(n)]
    rng.shuffle(order)
    for serial, workspace_id in enumerate(order, start=1):
        created = now - timedelta(seconds=span * (1 - serial / (total + 1)) + 3600)
        task = _new_history_task(world, rng, workspace_id, created, serial)
        plan = sim.plan_of(task)
        started, ended = scripts.planned_times(created, plan)
        if plan.kind == "serve" or rng.random() < 0.1:
            # stopped by a user somewhere in its run (or, for serving apps, days later)
            stop_after = (
                rng.uniform(3600, 86400)
                if plan.kind == "serve"
                else rng.uniform(1, plan.run_s + plan.queue_s + plan.consume_s)
            )
            ended = min(created + timedelta(seconds=round(stop_after)), now - timedelta(minutes=1))
            task.status = Status.STOPPED
            task.started_at = started if started < ended else None
        else:
            task.status = Status.ERROR if plan.fails else Status.FINISHED
            task.started_at = started
            output = planned_output(world, task, kind_of(world, task), failed=plan.fails)
            if output:
                task.meta["output"] = output
        task.finished_at = ended
        task.agent_id = task.agent_id or 301
    _plant_hostile(world)


def _plant_hostile(world: World) -> None:
    first = world.tasks[FIRST_TASK_ID]
    first.meta["name"] = HOSTILE_TASK_NAME
    first.meta.setdefault("params", {}).setdefault("state", {})["caption"] = HOSTILE_META_VALUE
    world.extra_log_lines[first.id] = HOSTILE_LOG_LINES


def _active(world: World, sim: Simulator, rng: random.Random, now: datetime) -> None:
    """Tasks alive at `now`, created so that every active status is on show at start."""
    serve = [m for m in world.modules.values() if m.category == "serve"]
    workers = [m for m in world.modules.values() if m.category not in ("serve",)]

    def launch(
        module: Module, workspace_id: int, name: str, *, back_s: float = 0, stage: int | None = None
    ) -> None:
        task = new_app_task(
            world,
            module=module,
            workspace_id=workspace_id,
            user_id=ADMIN_USER_ID if workspace_id < 203 else 5,
            created_at=now,
            name=name,
        )
        if stage is not None:
            # stage 0 is queued, 1 consumed, 2… running at later and later points of its run
            plan = sim.plan_of(task)
            back_s = (0, plan.queue_s + 1, plan.queue_s + plan.consume_s + 1)[min(stage, 2)]
            back_s += plan.run_s * max(0, stage - 2) / 7
        task.created_at = now - timedelta(seconds=round(back_s))
        sim.start(task)

    for index, module in enumerate(serve):
        launch(
            module,
            201 + 2 * index,
            f"{module.slug.rsplit('/', 1)[-1]}-prod",
            back_s=rng.uniform(1200, 3600),
        )
    for index in range(8):
        module = workers[index % len(workers)]
        launch(
            module,
            201 + index % 4,
            f"{module.name.lower().replace(' ', '-')}-live-{index}",
            stage=index,
        )
    sim.catch_up(now - timedelta(seconds=1), limit=None)
    running = sorted(t.id for t in world.tasks.values() if t.status is Status.STARTED)
    if running:
        sim.stop(world.tasks[running[-1]], now - timedelta(seconds=1))


LONG_TRAINING = scripts.Plan(
    kind="train",
    queue_s=3,
    consume_s=4,
    steps=360,  # epochs of 20 s: two hours of curves growing and checkpoints piling up
    step_s=20,
    units=64,
    fails=False,
    ckpt_every=5,
    heartbeat_s=30,
)


def _long_training(world: World, sim: Simulator, now: datetime) -> None:
    """A legacy `train` task twelve minutes into a two-hour run. The training apps finish
    in minutes; this one keeps the demo's Metrics and Checkpoints tabs live for a while."""
    models = sorted(m.id for m in world.models.values() if m.workspace_id == 201)
    meta: dict[str, Any] = {
        "params": {"state": {"epochs": LONG_TRAINING.steps, "batchSize": 16}},
        "restartPolicy": RestartPolicy.NEVER,
    }
    if models:
        meta["input"] = {"model": {"id": models[0]}, "isExternal": False, "pluginVersionId": 901}
    task = new_task(
        world,
        type="train",
        workspace_id=201,
        user_id=ADMIN_USER_ID,
        created_at=now - timedelta(minutes=12),
        name="train-resnet50-long",
        meta=meta,
    )
    sim.start(task, plan=LONG_TRAINING)


def _legacy_serving(world: World, sim: Simulator, now: datetime) -> None:
    """A legacy plugin's deploy task (`tasks.run.deploy`), the one kind that ends up
    `deployed`; serving apps stay `started`."""
    task = new_task(
        world,
        type=str(PluginTaskType.INFERENCE_RPC),
        workspace_id=201,
        user_id=ADMIN_USER_ID,
        created_at=now - timedelta(minutes=30),
        name="deploy-resnet50",
    )
    sim.start(task)


def _big_log(world: World, now: datetime, lines: int) -> None:
    """One finished task with a log of `lines` generated lines (10 ms apart)."""
    step_ms = 10
    duration = timedelta(milliseconds=lines * step_ms)
    task = new_task(
        world,
        type="python",
        workspace_id=202,
        user_id=ADMIN_USER_ID,
        created_at=now - duration - timedelta(minutes=5),
        name="big-log",
        simulated=False,
    )
    task.status = Status.FINISHED
    task.started_at = task.created_at + timedelta(seconds=3)
    task.finished_at = task.started_at + duration
    start_ms = round(task.started_at.timestamp() * 1000)

    def line(index: int) -> tuple[str, str, dict[str, Any]]:
        if index % 1000 == 999:
            return logs.progress("Crunching numbers", index + 1, lines)
        if index % 97 == 0:
            return logs.plain(LogLevel.WARN, f"line {index}: value out of range, clipped")
        return logs.plain(
            LogLevel.INFO, f"line {index}: processed record {digest(index) % 100000:05d}"
        )

    task.log = GeneratedLog(task.id, lines, start_ms, step_ms, line)
    world.big_log_task_id = task.id


def _load_test(world: World, sim: Simulator, now: datetime, count: int) -> None:
    """A workspace of `count` ended tasks (cheap: generated four-line logs, no plans) and
    20 live ones."""
    world.workspaces[LOAD_TEST_WORKSPACE_ID] = Workspace(
        LOAD_TEST_WORKSPACE_ID, MAIN_TEAM_ID, "load-test", "Many tasks, for scale", now
    )
    world.load_test_workspace_id = LOAD_TEST_WORKSPACE_ID
    span_s = 30 * 86400
    finals = (Status.FINISHED, Status.FINISHED, Status.FINISHED, Status.ERROR, Status.STOPPED)
    types = ("app", "train", "inference", "import", "export", "dtl", "python")
    lines = {status: _load_lines(status) for status in set(finals)}
    for index in range(count):
        task_id = world.new_task_id()
        created = now - timedelta(seconds=span_s * (1 - index / count) + 600)
        status = finals[index % len(finals)]
        task = Task(
            id=task_id,
            type=types[index % len(types)],
            status=status,
            workspace_id=LOAD_TEST_WORKSPACE_ID,
            team_id=MAIN_TEAM_ID,
            user_id=ADMIN_USER_ID,
            created_at=created,
            started_at=created + timedelta(seconds=5),
            finished_at=created + timedelta(seconds=65 + index % 300),
            agent_id=301,
            meta={"name": f"load-{index}"},
            simulated=False,
        )
        task.log = GeneratedLog(
            task_id, 4, round(created.timestamp() * 1000) + 5000, 15000, lines[status]
        )
        world.tasks[task_id] = task
    workers = [m for m in world.modules.values() if m.category != "serve"]
    for index in range(20):
        module = workers[index % len(workers)]
        task = new_app_task(
            world,
            module=module,
            workspace_id=LOAD_TEST_WORKSPACE_ID,
            user_id=ADMIN_USER_ID,
            created_at=now,
            name=f"load-live-{index}",
        )
        plan = sim.plan_of(task)
        task.created_at = now - timedelta(
            seconds=plan_length(plan) * index // 25
        )  # all still active
        sim.start(task)


def _load_lines(status: Status) -> Callable[[int], tuple[str, str, dict[str, Any]]]:
    end = {
        Status.FINISHED: logs.task_end("FINISHED", exit_status=0),
        Status.ERROR: logs.task_end("CRASHED", exit_status=1),
        Status.STOPPED: scripts.STOP_RECORD,
    }[status]
    lines = [
        logs.plain(LogLevel.INFO, "Task started"),
        logs.progress("Processing items", 1, 2),
        logs.progress("Processing items", 2, 2),
        end,
    ]
    return lines.__getitem__


def _robotics(world: World, sim: Simulator, now: datetime) -> None:
    """A third team: four workspaces, three agents (two of them busy in several of its
    workspaces at once) and a few tasks that crashed in the last hours. Its tasks' ids come
    from their own range (see the module's docstring); within each of its workspaces they
    still grow with time, as the task lists expect of ids."""
    resume, world.next_task_id = world.next_task_id, ROBOTICS_FIRST_TASK_ID
    _robotics_world(world, sim, now)
    assert world.next_task_id <= FIRST_TASK_ID, "the third team's ids ran into the others'"
    world.next_task_id = resume


def _robotics_world(world: World, sim: Simulator, now: datetime) -> None:
    epoch = now - timedelta(days=200)
    world.teams[ROBOTICS_TEAM_ID] = Team(ROBOTICS_TEAM_ID, "Robotics", "A third team", epoch)
    for uid, role in ((ADMIN_USER_ID, "admin"), (VIEWER_USER_ID, "viewer")):
        world.users[uid].roles[ROBOTICS_TEAM_ID] = role
    world.users[ROBOTICS_USER_ID] = User(
        ROBOTICS_USER_ID,
        "emil",
        "Emil Varga",
        "emil@demo.supervisely.test",
        {ROBOTICS_TEAM_ID: "developer"},
        epoch,
        epoch + timedelta(days=190),
    )
    for wid, name in ROBOTICS_WORKSPACES.items():
        world.workspaces[wid] = Workspace(wid, ROBOTICS_TEAM_ID, name, f"{name} workspace", epoch)
    gpu = {"name": "NVIDIA RTX A6000", "memory": {"total": 51539607552}}
    for aid, name, status, gpus in (
        (305, "robo-gpu-1", AgentStatus.RUNNING, [gpu, gpu, gpu, gpu]),
        (306, "robo-gpu-2", AgentStatus.RUNNING, [gpu]),
        (307, "robo-cpu", AgentStatus.WAITING, []),
    ):
        token = digest_token(f"agent:{world.seed}:{aid}")
        world.agents[aid] = Agent(
            aid, ROBOTICS_TEAM_ID, ROBOTICS_USER_ID, name, token, status, gpus, epoch
        )
    by_slug = {module.slug.rsplit("/", 1)[-1]: module for module in world.modules.values()}
    # (module, workspace, agent, seconds ago): robo-gpu-1 runs in three workspaces at once
    for slug, wid, agent_id, back_s in (
        ("serve-yolov8", 206, 305, 5400),
        ("train-yolov8", 207, 305, 40),
        ("apply-nn-to-images", 208, 305, 25),
        ("serve-segment-anything", 209, 306, 3000),
        ("export-to-yolo", 206, 306, 20),
    ):
        task = new_app_task(
            world,
            module=by_slug[slug],
            workspace_id=wid,
            user_id=ROBOTICS_USER_ID,
            created_at=now - timedelta(seconds=back_s),
            name=f"{slug}-robotics",
            agent_id=agent_id,
        )
        sim.start(task)
    crashing = ("train-mmdetection", "import-images", "apply-nn-to-images", "export-to-yolo")
    for index, hours in enumerate(FAILURES_HOURS):
        module = by_slug[crashing[index % len(crashing)]]
        task = new_app_task(
            world,
            module=module,
            workspace_id=206 + index % len(ROBOTICS_WORKSPACES),
            user_id=ROBOTICS_USER_ID,
            created_at=now,
            name=f"{module.slug.rsplit('/', 1)[-1]}-crashed-{index}",
            agent_id=305 + index % 2,
        )
        plan = replace(sim.plan_of(task), fails=True)
        task.created_at = now - timedelta(hours=hours, seconds=plan_length(plan))
        sim.start(task, plan=plan)


def _big_team(world: World, sim: Simulator, now: datetime, index: int, workspaces: int) -> None:
    """Big team number `index`: `workspaces` workspaces, one agent, and in each workspace
    one serving app that stays up (an active task each, as on a busy instance)."""
    team_id = FIRST_BIG_TEAM_ID + index
    world.teams[team_id] = Team(team_id, f"Big team {index + 1}", "Many workspaces", now)
    world.users[ADMIN_USER_ID].roles[team_id] = "admin"
    agent_id = 3001 + index
    world.agents[agent_id] = Agent(
        agent_id,
        team_id,
        ADMIN_USER_ID,
        f"big-agent-{index + 1}",
        digest_token(f"agent:{world.seed}:{agent_id}"),
        AgentStatus.RUNNING,
        [],
        now,
    )
    serve = next(m for m in world.modules.values() if m.category == "serve")
    for n in range(workspaces):
        wid = 10001 + index * workspaces + n
        world.workspaces[wid] = Workspace(wid, team_id, f"ws-{n + 1:04d}", "", now)
        task = new_app_task(
            world,
            module=serve,
            workspace_id=wid,
            user_id=ADMIN_USER_ID,
            created_at=now - timedelta(minutes=10),
            name=f"serve-{n + 1:04d}",
            agent_id=agent_id,
        )
        sim.start(task)


def plan_length(plan: scripts.Plan) -> int:
    """Seconds from queued to the end of a plan."""
    return plan.queue_s + plan.consume_s + plan.run_s


def digest_token(label: str) -> str:
    """An agent token (32 characters) drawn from `label`: agent tokens authenticate
    nothing here, so deriving them from the seed gives nothing away."""
    rng = random.Random(label)
    return "".join(rng.choice(_TOKEN_ALPHABET) for _ in range(32))
