"""Where the server address, token, team and workspace come from.

Order, first wins, field by field:

1. command-line flags (`--server`, `--token`, `--team`, `--workspace`), and the profile
   named by `--profile` (naming a profile is a flag too, so it outranks the environment);
2. the environment (`SERVER_ADDRESS`, `API_TOKEN`, `TEAM_ID`, `WORKSPACE_ID`,
   `SUPERVISELY_API_SERVER_ADDRESS`);
3. `~/supervisely.env`, the SDK's own file (or the file given with `--env-file`);
4. the default profile of our config file.

A token is only ever paired with the server it was saved for: a layer that names a
different server than the one chosen cannot lend its token (or team/workspace ids), so a
token for one instance is never sent to another.

Every problem becomes a `ConfigError` whose message names the source (file and line where
there is one); callers print it as one sentence, never a traceback. A name `config.toml`
does not know (a typo, most often) is not an error but a warning naming the table and the
closest known name: the dashboard shows it as a notification, headless commands print it.

The file is the user's: saving a profile edits it in place (with tomlkit), so their
comments, order and formatting survive.
"""

from __future__ import annotations

import difflib
import os
import re
import tomllib
from collections.abc import Collection, Mapping, MutableMapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sly_tui.notify import NotifySettings
from sly_tui.secrets import Secret, is_private, token_problem, write_private_file
from sly_tui.smallfile import read_small_text

if TYPE_CHECKING:
    from tomlkit import TOMLDocument

CONFIG_DIR_ENV = "SLY_TUI_CONFIG_DIR"
MAX_RESPONSE_ENV = "SLY_TUI_MAX_RESPONSE_MB"
SDK_ENV_FILE = "supervisely.env"
_PROFILE_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")


class ConfigError(Exception):
    """A setting is missing or malformed; the message is one sentence for the user."""


def config_dir(environ: Mapping[str, str] | None = None) -> Path:
    """The per-user config directory (platform specific; `SLY_TUI_CONFIG_DIR` overrides)."""
    environ = os.environ if environ is None else environ
    if override := environ.get(CONFIG_DIR_ENV):
        return Path(override).expanduser()
    from platformdirs import user_config_dir

    return Path(user_config_dir("sly-tui", appauthor=False))


def config_file(environ: Mapping[str, str] | None = None) -> Path:
    return config_dir(environ) / "config.toml"


def credentials_file(environ: Mapping[str, str] | None = None) -> Path:
    """Saved tokens live apart from the settings, in a file only the owner can read."""
    return config_dir(environ) / "credentials.toml"


@dataclass(frozen=True)
class Profile:
    """A saved connection: one server and what to open on it."""

    name: str
    server: str | None = None
    token: Secret | None = None
    api_server_address: str | None = None
    team_id: int | None = None
    workspace_id: int | None = None
    read_only: bool = False


@dataclass(frozen=True)
class UiSettings:
    """`[ui]` of config.toml."""

    theme: str | None = None  # when `--theme` names none and none is remembered


@dataclass(frozen=True)
class ConfigFile:
    """The parsed `config.toml` (plus tokens from `credentials.toml`)."""

    path: Path
    default_profile: str | None = None
    profiles: Mapping[str, Profile] = field(default_factory=dict)
    ui: UiSettings = field(default_factory=UiSettings)
    keymap: Mapping[str, str] = field(default_factory=dict)
    notify: NotifySettings = field(default_factory=NotifySettings)
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Flags:
    """What the command line said about the connection (None = not given)."""

    server: str | None = None
    token: str | None = None
    team_id: int | None = None
    workspace_id: int | None = None
    profile: str | None = None
    env_file: Path | None = None
    read_only: bool = False


@dataclass(frozen=True)
class Settings:
    """The resolved connection settings, and where each one came from."""

    server: str | None = None
    token: Secret | None = None
    api_server_address: str | None = None
    team_id: int | None = None
    workspace_id: int | None = None
    profile: str | None = None
    read_only: bool = False
    sources: Mapping[str, str] = field(default_factory=dict)
    config: ConfigFile | None = None
    warnings: tuple[str, ...] = ()

    @property
    def has_credentials(self) -> bool:
        return bool(self.server and self.token)

    def require_credentials(self) -> None:
        """Raise a `ConfigError` that tells the user every way to provide what is missing,
        or what is wrong with the token given."""
        if self.has_credentials:
            assert self.token is not None
            if problem := token_problem(self.token.reveal(), self.sources.get("token", "")):
                raise ConfigError(problem)
            return
        missing = "server address" if not self.server else "API token"
        raise ConfigError(
            f"No Supervisely {missing} is configured: pass --server and --token, set "
            "SERVER_ADDRESS and API_TOKEN, put them in ~/supervisely.env, save a profile "
            "(sly-tui opens a connect screen for that), or try sly-tui --demo."
        )


# --- layers -------------------------------------------------------------------------------


@dataclass
class _Layer:
    """One source of settings; `where` maps each field to a human description."""

    values: dict[str, Any] = field(default_factory=dict)
    where: dict[str, str] = field(default_factory=dict)

    def set(self, key: str, value: Any, where: str) -> None:
        if value is not None:
            self.values[key] = value
            self.where[key] = where


def _parse_int(raw: Any, what: str) -> int:
    if isinstance(raw, bool):
        raise ConfigError(f"{what} must be a whole number (an id), got {raw!r}.")
    if isinstance(raw, int):
        return raw
    text = str(raw).strip()
    if re.fullmatch(r"\d{1,18}", text):
        return int(text)
    shown = text if len(text) <= 40 else text[:40] + "…"
    raise ConfigError(f"{what} must be a whole number (an id), got {shown!r}.")


def _env_layer(environ: Mapping[str, str], where: str, line_of: Mapping[str, int]) -> _Layer:
    """Read the SDK's variable names from a mapping (the process env or a .env file)."""

    def place(key: str) -> str:
        line = line_of.get(key)
        return f"{key} in {where}" + (f" line {line}" if line else "")

    layer = _Layer()
    for key in ("SERVER_ADDRESS",):
        if environ.get(key, "").strip():
            layer.set("server", environ[key].strip(), place(key))
    if environ.get("SUPERVISELY_API_SERVER_ADDRESS", "").strip():
        layer.set(
            "api_server_address",
            environ["SUPERVISELY_API_SERVER_ADDRESS"].strip(),
            place("SUPERVISELY_API_SERVER_ADDRESS"),
        )
    if environ.get("API_TOKEN", "").strip():
        layer.set("token", Secret(environ["API_TOKEN"].strip()), place("API_TOKEN"))
    for target, keys in (
        ("team_id", ("TEAM_ID", "INIT_GROUP_ID")),
        ("workspace_id", ("WORKSPACE_ID", "INIT_WORKSPACE_ID")),
    ):
        for key in keys:
            if environ.get(key, "").strip():
                layer.set(target, _parse_int(environ[key], place(key)), place(key))
                break
    return layer


def read_env_file(path: Path) -> tuple[dict[str, str], dict[str, int]]:
    """Parse a dotenv file; a line that is not `KEY=value` is an error naming its line."""
    from dotenv.parser import parse_stream

    try:
        text = read_small_text(path)
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path} is not a UTF-8 text file.") from exc
    except OSError as exc:
        raise ConfigError(f"Cannot read {path}: {exc.strerror or exc}.") from exc
    import io

    values: dict[str, str] = {}
    lines: dict[str, int] = {}
    for binding in parse_stream(io.StringIO(text)):
        if binding.error:
            raise ConfigError(f"{path} line {binding.original.line} is not of the form KEY=value.")
        if binding.key is not None and binding.value is not None:
            values[binding.key] = binding.value
            lines[binding.key] = binding.original.line
    return values, lines


def _profile_layer(profile: Profile, where: str) -> _Layer:
    layer = _Layer()
    layer.set("server", profile.server, where)
    layer.set("token", profile.token, where)
    layer.set("api_server_address", profile.api_server_address, where)
    layer.set("team_id", profile.team_id, where)
    layer.set("workspace_id", profile.workspace_id, where)
    if profile.read_only:
        layer.set("read_only", True, where)
    return layer


# --- the config file ----------------------------------------------------------------------

# The names config.toml knows: its top-level keys, its tables and each table's keys. The
# tables of `profiles` (one per profile) hold the profile keys; `keymap` maps binding ids,
# which only the dashboard knows (`sly_tui.ui.keymap` checks them). Values are checked
# as they are read.
TOP_KEYS = frozenset({"default_profile"})
PROFILE_KEYS = frozenset(
    {"server", "token", "api_server_address", "team", "workspace", "read_only"}
)
TABLE_KEYS: Mapping[str, frozenset[str]] = {
    "profiles.NAME": PROFILE_KEYS,
    "ui": frozenset(f.name for f in fields(UiSettings)),
    "notify": frozenset(f.name for f in fields(NotifySettings)),
}
TABLES = frozenset({"profiles", "ui", "notify", "keymap"})

# What to suggest for a top-level name: a known one, or a table's key put outside its table.
_TOP_HINTS = {
    **{key: f"[{table}] {key}" for table, keys in TABLE_KEYS.items() for key in keys},
    **{key: repr(key) for key in TOP_KEYS},
    **{table: f"[{table}]" for table in TABLES},
}


def unknown_names(
    table: Mapping[str, Any],
    known: Collection[str],
    where: str,
    hints: Mapping[str, str] | None = None,
) -> list[str]:
    """A warning per name of `table` not in `known`, naming its kind (key or table) and
    the closest known name; `hints` (name → how to suggest it, covering `known`) widens
    the suggestions, as the top level does with the keys that belong in a table."""
    hints = hints or {name: repr(name) for name in known}
    warnings = []
    for name, value in table.items():
        if name in known:
            continue
        close = difflib.get_close_matches(name, hints, n=1)
        hint = (
            f"; did you mean {hints[close[0]]}?"
            if close
            else f" (known: {', '.join(sorted(hints[other] for other in known))})."
        )
        spelled = f"table [{name}]" if isinstance(value, dict) else f"key {name!r}"
        warnings.append(f"{where}: unknown {spelled} ignored{hint}")
    return warnings


def _read_toml_text(path: Path) -> str:
    """The text of a TOML file of ours; a missing file reads as empty."""
    try:
        return read_small_text(path)
    except FileNotFoundError:
        return ""
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path} is not a UTF-8 text file.") from exc
    except OSError as exc:
        raise ConfigError(f"Cannot read {path}: {exc.strerror or exc}.") from exc


def _load_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(_read_toml_text(path))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {exc}.") from exc


def _str_or_none(value: Any, what: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ConfigError(f"{what} must be a string, got {type(value).__name__}.")
    return value


def _parse_profile(
    name: str, data: Any, path: Path, token: Secret | None
) -> tuple[Profile, list[str]]:
    where = f"{path} [profiles.{name}]"
    if not _PROFILE_NAME.match(name):
        raise ConfigError(f"{where}: a profile name may use letters, digits, '.', '_', '-'.")
    if not isinstance(data, dict):
        raise ConfigError(f"{where} must be a table.")
    warnings = unknown_names(data, PROFILE_KEYS, where)
    inline = _str_or_none(data.get("token"), f"{where} token")
    read_only = data.get("read_only", False)
    if not isinstance(read_only, bool):
        raise ConfigError(f"{where} read_only must be true or false.")
    profile = Profile(
        name=name,
        server=_str_or_none(data.get("server"), f"{where} server"),
        token=token or (Secret(inline) if inline else None),
        api_server_address=_str_or_none(
            data.get("api_server_address"), f"{where} api_server_address"
        ),
        team_id=None if data.get("team") is None else _parse_int(data["team"], f"{where} team"),
        workspace_id=None
        if data.get("workspace") is None
        else _parse_int(data["workspace"], f"{where} workspace"),
        read_only=read_only,
    )
    return profile, warnings


def load_config(environ: Mapping[str, str] | None = None) -> ConfigFile:
    """Read `config.toml` and `credentials.toml`; missing files mean an empty config."""
    path = config_file(environ)
    creds_path = credentials_file(environ)
    data = _load_toml(path)
    creds = _load_toml(creds_path)
    warnings = unknown_names(data, TOP_KEYS | TABLES, str(path), _TOP_HINTS)
    for file, content in ((path, data), (creds_path, creds)):
        has_token = "token" in str(content.get("profiles", ""))
        if content and has_token and not is_private(file):
            warnings.append(f"{file} holds a token but others can read it: chmod 600 {file}.")

    raw_profiles = data.get("profiles", {})
    creds_profiles = creds.get("profiles", {})
    if not isinstance(raw_profiles, dict) or not isinstance(creds_profiles, dict):
        raise ConfigError(f"{path}: [profiles] must be a table of tables.")
    profiles: dict[str, Profile] = {}
    for name, body in raw_profiles.items():
        saved = creds_profiles.get(name, {})
        token = saved.get("token") if isinstance(saved, dict) else None
        if token is not None and not isinstance(token, str):
            raise ConfigError(f"{creds_path} [profiles.{name}] token must be a string.")
        profile, notes = _parse_profile(name, body, path, Secret(token) if token else None)
        profiles[name] = profile
        warnings.extend(notes)

    default = _str_or_none(data.get("default_profile"), f"{path} default_profile")
    if default is not None and default not in profiles:
        warnings.append(f"{path}: default_profile {default!r} names no [profiles.{default}].")
        default = None
    keymap = data.get("keymap", {})
    if not isinstance(keymap, dict) or not all(isinstance(v, str) for v in keymap.values()):
        raise ConfigError(f"{path}: [keymap] must map binding ids to key strings.")
    ui_table, notify_table = _table(data, "ui", path), _table(data, "notify", path)
    for name, table in (("ui", ui_table), ("notify", notify_table)):
        warnings.extend(unknown_names(table, TABLE_KEYS[name], f"{path} [{name}]"))
    theme = ui_table.get("theme")
    if theme is not None and not isinstance(theme, str):
        warnings.append(f"{path} [ui] theme must be a string (a theme's name); ignored.")
        theme = None
    notify, notes = NotifySettings.from_table(notify_table, f"{path} [notify]")
    warnings.extend(notes)
    return ConfigFile(
        path=path,
        default_profile=default,
        profiles=profiles,
        ui=UiSettings(theme=theme),
        keymap=keymap,
        notify=notify,
        warnings=tuple(warnings),
    )


def _table(data: Mapping[str, Any], name: str, path: Path) -> dict[str, Any]:
    table = data.get(name, {})
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [{name}] must be a table.")
    return table


# --- resolution ---------------------------------------------------------------------------


def resolve(
    flags: Flags,
    environ: Mapping[str, str] | None = None,
    home: Path | None = None,
) -> Settings:
    """Combine every source into `Settings`; raises `ConfigError` for malformed input."""
    environ = os.environ if environ is None else environ
    home = Path.home() if home is None else home
    config = load_config(environ)

    if flags.profile is not None and flags.profile not in config.profiles:
        known = ", ".join(sorted(config.profiles)) or "none saved yet"
        raise ConfigError(f"No profile named {flags.profile!r} in {config.path} ({known}).")

    flag_layer = _Layer()
    flag_layer.set("server", flags.server, "--server")
    flag_layer.set("token", Secret(flags.token) if flags.token else None, "--token")
    flag_layer.set("team_id", flags.team_id, "--team")
    flag_layer.set("workspace_id", flags.workspace_id, "--workspace")
    if flags.read_only:
        flag_layer.set("read_only", True, "--read-only")

    layers = [flag_layer]
    if flags.profile is not None:
        chosen = config.profiles[flags.profile]
        layers.append(_profile_layer(chosen, f"profile {flags.profile!r} (--profile)"))
    layers.append(_env_layer(environ, "the environment", {}))
    env_path = flags.env_file or home / SDK_ENV_FILE
    if flags.env_file is not None and not env_path.is_file():
        raise ConfigError(f"The env file {env_path} does not exist.")
    if env_path.is_file():
        values, lines = read_env_file(env_path)
        layers.append(_env_layer(values, str(env_path), lines))
    profile_name = flags.profile
    if flags.profile is None and config.default_profile is not None:
        profile_name = config.default_profile
        default = config.profiles[profile_name]
        layers.append(_profile_layer(default, f"profile {profile_name!r} (default_profile)"))

    return _combine(layers, profile_name, config)


def _combine(layers: list[_Layer], profile: str | None, config: ConfigFile) -> Settings:
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    server_layer = next((layer for layer in layers if "server" in layer.values), None)
    server = None
    if server_layer is not None:
        server = _server_address(server_layer.values["server"])
        values["server"], sources["server"] = server, server_layer.where["server"]

    def same_server(layer: _Layer) -> bool:
        named = layer.values.get("server")
        return named is None or server is None or _server_address(named) == server

    paired = ("token", "team_id", "workspace_id", "api_server_address")
    for key in (*paired, "read_only"):
        for layer in layers:
            if key in layer.values and (key not in paired or same_server(layer)):
                values[key], sources[key] = layer.values[key], layer.where[key]
                break
    if server_layer is not None:  # checked as given: normalising can hide a mistake
        _check_address(server_layer.values["server"].strip(), sources["server"], values)
    if "api_server_address" in values:
        _check_address(values["api_server_address"], sources["api_server_address"], values)
    return Settings(
        **values,
        profile=profile,
        sources=sources,
        config=config,
        warnings=config.warnings,
    )


def _server_address(setting: str) -> str:
    """A server setting as requests will use it. Spaces around it are the file's or the
    shell's, not the address's, so they go first; the rest is the SDK's rule, as the
    client applies it (a space inside is refused later by `_check_address`)."""
    from sly_tui.api.address import normalize_server_address

    return normalize_server_address(setting.strip())


def _check_address(address: str, where: str, values: Mapping[str, Any]) -> None:
    """Refuse an address no request could go to, before anything is sent."""
    from sly_tui.api.address import address_problem

    if problem := address_problem(address):
        token = values.get("token")
        shown = address.replace(token.reveal(), str(token)) if token else address
        shown = shown if len(shown) <= 80 else shown[:80] + "…"
        raise ConfigError(f"{where}: not a valid server address: {shown!r}; {problem}.")


def response_limit(environ: Mapping[str, str]) -> int:
    """The largest reply body to read, in bytes: `SLY_TUI_MAX_RESPONSE_MB`, else 64 MB."""
    from sly_tui.api.transport import MAX_RESPONSE_BYTES

    text = environ.get(MAX_RESPONSE_ENV, "").strip()
    if not text:
        return MAX_RESPONSE_BYTES
    if not text.isascii() or not text.isdigit() or int(text) < 1:
        raise ConfigError(f"{MAX_RESPONSE_ENV} must be a whole number of megabytes (1 or more).")
    return int(text) * 1024 * 1024


# --- saving -------------------------------------------------------------------------------


def _edit_toml(path: Path) -> TOMLDocument:
    """`path` parsed for editing: what is changed in it keeps the user's comments, order
    and formatting around it. tomlkit is imported here only: reading needs just tomllib."""
    import tomlkit
    from tomlkit.exceptions import ParseError

    try:
        return tomlkit.parse(_read_toml_text(path))
    except ParseError as exc:
        raise ConfigError(f"{path}: {exc}.") from exc


def _set_profile(document: TOMLDocument, name: str, values: Mapping[str, Any]) -> None:
    """Set the keys of `[profiles.NAME]` in `document` to `values` (None: remove the key),
    in place; a new profile is added after the others."""
    import tomlkit

    if "profiles" not in document:
        document["profiles"] = tomlkit.table(is_super_table=True)
    profiles = document["profiles"]
    if not isinstance(profiles, MutableMapping):
        raise ConfigError("[profiles] must be a table of tables.")
    if name not in profiles:
        table = tomlkit.table()
        for key, value in values.items():
            if value is not None:
                table[key] = value
        table.add(tomlkit.nl())  # a blank line before whatever table follows
        profiles[name] = table
        return
    entry = profiles[name]
    if not isinstance(entry, MutableMapping):
        raise ConfigError(f"[profiles.{name}] must be a table.")
    for key, value in values.items():
        if value is not None:
            entry[key] = value
        elif key in entry:
            del entry[key]


def _write_toml(path: Path, document: TOMLDocument) -> None:
    import tomlkit

    write_private_file(path, tomlkit.dumps(document).rstrip("\n") + "\n")


def save_profile(
    profile: Profile, *, make_default: bool = True, environ: Mapping[str, str] | None = None
) -> Path:
    """Save a profile: settings to `config.toml`, its token to `credentials.toml`.

    Both files are edited in place, keeping everything else in them as the user wrote it.
    The profile's own keys are set, or removed where the profile has no value (a team id
    of another server means nothing); a token saved to `credentials.toml` replaces one
    written inline. Both are written atomically with mode 0600, as they may hold a token.
    """
    if not _PROFILE_NAME.match(profile.name):
        raise ConfigError("A profile name may use letters, digits, '.', '_' and '-' only.")
    path = config_file(environ)
    document = _edit_toml(path)
    values = {
        "server": profile.server,
        "api_server_address": profile.api_server_address,
        "team": profile.team_id,
        "workspace": profile.workspace_id,
        "read_only": profile.read_only or None,
    }
    if profile.token is not None:
        values["token"] = None  # the one saved to credentials.toml replaces one inline
    _set_profile(document, profile.name, values)
    if make_default:
        document["default_profile"] = profile.name
    _write_toml(path, document)
    if profile.token is not None:
        creds_path = credentials_file(environ)
        creds = _edit_toml(creds_path)
        _set_profile(creds, profile.name, {"token": profile.token.reveal()})
        _write_toml(creds_path, creds)
    return path
