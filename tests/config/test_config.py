"""Where settings come from: precedence, pairing of tokens with servers, files, errors."""

from __future__ import annotations

import re
import stat
import tomllib
from pathlib import Path

import pytest

from sly_tui.config import (
    ConfigError,
    Flags,
    Profile,
    load_config,
    resolve,
    save_profile,
)
from sly_tui.secrets import Secret

TOKEN_ENV = "E" * 128
TOKEN_FILE = "F" * 128
TOKEN_PROFILE = "P" * 128
TOKEN_FLAG = "G" * 128


@pytest.fixture
def home(tmp_path: Path) -> Path:
    path = tmp_path / "home"
    path.mkdir()
    return path


@pytest.fixture
def environ(tmp_path: Path) -> dict[str, str]:
    return {"SLY_TUI_CONFIG_DIR": str(tmp_path / "config")}


def write_env_file(home: Path, text: str) -> Path:
    path = home / "supervisely.env"
    path.write_text(text)
    return path


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_nothing_configured_names_every_way_in(home, environ):
    settings = resolve(Flags(), environ, home)
    assert not settings.has_credentials
    with pytest.raises(ConfigError) as err:
        settings.require_credentials()
    text = str(err.value)
    for hint in ("--server", "SERVER_ADDRESS", "supervisely.env", "--demo"):
        assert hint in text


def test_flags_beat_env_beat_env_file_beat_profile(home, environ):
    save_profile(
        Profile("work", server="http://srv", token=Secret(TOKEN_PROFILE), team_id=1),
        environ=environ,
    )
    write_env_file(home, f'SERVER_ADDRESS="http://srv"\nAPI_TOKEN="{TOKEN_FILE}"\nTEAM_ID=2\n')
    env = {**environ, "SERVER_ADDRESS": "http://srv/", "API_TOKEN": TOKEN_ENV, "TEAM_ID": "3"}

    settings = resolve(Flags(token=TOKEN_FLAG, team_id=4), env, home)
    assert settings.token == Secret(TOKEN_FLAG) and settings.team_id == 4
    assert settings.sources["token"] == "--token"

    settings = resolve(Flags(), env, home)
    assert settings.token == Secret(TOKEN_ENV) and settings.team_id == 3
    assert settings.sources["server"] == "SERVER_ADDRESS in the environment"

    settings = resolve(Flags(), environ, home)
    assert settings.token == Secret(TOKEN_FILE) and settings.team_id == 2
    assert "supervisely.env line 2" in settings.sources["token"]

    (home / "supervisely.env").unlink()
    settings = resolve(Flags(), environ, home)
    assert settings.token == Secret(TOKEN_PROFILE) and settings.team_id == 1
    assert settings.profile == "work"


def test_named_profile_outranks_environment(home, environ):
    save_profile(
        Profile("lab", server="https://lab.example", token=Secret(TOKEN_PROFILE)), environ=environ
    )
    env = {**environ, "SERVER_ADDRESS": "http://other", "API_TOKEN": TOKEN_ENV}
    settings = resolve(Flags(profile="lab"), env, home)
    assert settings.server == "https://lab.example"
    assert settings.token == Secret(TOKEN_PROFILE)


def test_token_is_never_lent_to_another_server(home, environ):
    save_profile(
        Profile("work", server="http://a", token=Secret(TOKEN_PROFILE), team_id=9), environ=environ
    )
    env = {**environ, "SERVER_ADDRESS": "http://b"}
    settings = resolve(Flags(), env, home)
    assert settings.server == "http://b"
    assert settings.token is None and settings.team_id is None


def test_server_flag_alone_pairs_with_matching_saved_token(home, environ):
    save_profile(Profile("work", server="http://a", token=Secret(TOKEN_PROFILE)), environ=environ)
    settings = resolve(Flags(server="a/"), environ, home)
    assert settings.server == "http://a" and settings.token == Secret(TOKEN_PROFILE)


def test_saved_files_are_private(home, environ):
    path = save_profile(
        Profile("work", server="http://a", token=Secret(TOKEN_PROFILE)), environ=environ
    )
    creds = path.parent / "credentials.toml"
    assert mode(path) == 0o600 and mode(creds) == 0o600
    assert TOKEN_PROFILE not in path.read_text()
    assert TOKEN_PROFILE in creds.read_text()


def test_world_readable_token_file_warns(home, environ):
    path = save_profile(
        Profile("work", server="http://a", token=Secret(TOKEN_PROFILE)), environ=environ
    )
    (path.parent / "credentials.toml").chmod(0o644)
    warnings = load_config(environ).warnings
    assert any("chmod 600" in w for w in warnings)


def test_malformed_env_file_names_file_and_line(home, environ):
    write_env_file(home, "SERVER_ADDRESS=http://x\nthis is not a setting\n")
    with pytest.raises(ConfigError, match=r"supervisely.env line 2"):
        resolve(Flags(), environ, home)


def test_non_numeric_team_names_source(home, environ):
    with pytest.raises(ConfigError, match=r"TEAM_ID in the environment must be a whole number"):
        resolve(Flags(), {**environ, "TEAM_ID": "abc"}, home)
    write_env_file(home, "WORKSPACE_ID=12x\n")
    with pytest.raises(ConfigError, match=r"WORKSPACE_ID in .*supervisely.env line 1"):
        resolve(Flags(), environ, home)


def test_broken_toml_gives_line(home, environ, tmp_path):
    cfg = tmp_path / "config" / "config.toml"
    cfg.parent.mkdir(parents=True)
    cfg.write_text('[profiles.work]\nserver = "http://a"\nteam = \n')
    with pytest.raises(ConfigError, match=r"config.toml: .*line 3"):
        resolve(Flags(), environ, home)


def test_wrong_types_in_profile(home, environ, tmp_path):
    cfg = tmp_path / "config" / "config.toml"
    cfg.parent.mkdir(parents=True)
    cfg.write_text("[profiles.work]\nserver = 5\n")
    with pytest.raises(ConfigError, match=r"\[profiles.work\] server must be a string"):
        resolve(Flags(), environ, home)


@pytest.mark.parametrize("server", ["http://127.0.0.1:46900x", "http://127.0.0.1:99999", "ftp://x"])
def test_malformed_server_address_is_refused_up_front(home, environ, server):
    with pytest.raises(ConfigError, match=r"^--server: not a valid server address: ") as err:
        resolve(Flags(server=server, token=TOKEN_FLAG), environ, home)
    assert repr(server) in str(err.value)


def test_malformed_address_message_hides_the_token(home, environ):
    env = {**environ, "SERVER_ADDRESS": f"http://h:1{TOKEN_ENV}", "API_TOKEN": TOKEN_ENV}
    with pytest.raises(ConfigError, match=r"SERVER_ADDRESS in the environment: not a valid") as err:
        resolve(Flags(), env, home)
    assert TOKEN_ENV[:20] not in str(err.value)
    env = {**environ, "SUPERVISELY_API_SERVER_ADDRESS": "http://api:99999"}
    with pytest.raises(ConfigError, match=r"SUPERVISELY_API_SERVER_ADDRESS in the environment"):
        resolve(Flags(server="http://ok"), env, home)


def test_unknown_profile(home, environ):
    with pytest.raises(ConfigError, match=r"No profile named 'nope'"):
        resolve(Flags(profile="nope"), environ, home)


def test_explicit_env_file_must_exist(home, environ, tmp_path):
    with pytest.raises(ConfigError, match=r"does not exist"):
        resolve(Flags(env_file=tmp_path / "missing.env"), environ, home)


def test_sdk_env_file_keys_and_read_only_profile(home, environ):
    write_env_file(
        home,
        "SERVER_ADDRESS='https://x.example/'\nAPI_TOKEN='t'\nINIT_GROUP_ID=5\nINIT_WORKSPACE_ID=6\n",
    )
    settings = resolve(Flags(read_only=True), environ, home)
    assert (settings.server, settings.team_id, settings.workspace_id) == ("https://x.example", 5, 6)
    assert settings.read_only and settings.sources["read_only"] == "--read-only"


def test_secret_never_prints():
    secret = Secret(TOKEN_FLAG)
    assert TOKEN_FLAG not in f"{secret} {secret!r} {[secret]}"
    assert TOKEN_FLAG not in repr(resolve.__defaults__)


def test_settings_repr_hides_token(home, environ):
    settings = resolve(Flags(server="http://a", token=TOKEN_FLAG), environ, home)
    assert TOKEN_FLAG not in repr(settings)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("app.supervisely.com/", "http://app.supervisely.com"),
        ("https://x//", "https://x"),
        ("/h:1/", "http://h:1"),
        # Spaces around a setting are the file's or the shell's: trimmed before the SDK's
        # rule, which alone would keep them (`http:// host `, tests/api/test_address.py).
        ("  https://x/ ", "https://x"),
        (" host\n", "http://host"),
    ],
)
def test_a_server_setting_is_normalised_like_the_sdk(home, environ, raw, expected):
    settings = resolve(Flags(server=raw, token=TOKEN_FLAG), environ, home)
    assert settings.server == expected


def test_a_profile_named_with_spaces_is_the_same_server(home, environ) -> None:
    """A profile's token is paired with its server; spaces around either do not part them."""
    save_profile(Profile("p", server=" https://x/ ", token=Secret(TOKEN_FILE)), environ=environ)
    settings = resolve(Flags(profile="p", server="https://x"), environ, home)
    assert settings.server == "https://x" and settings.token == Secret(TOKEN_FILE)


def test_a_config_or_env_file_that_never_ends_is_refused_by_size(tmp_path: Path) -> None:
    from sly_tui.config import read_env_file

    endless = tmp_path / "supervisely.env"
    endless.symlink_to("/dev/zero")
    with pytest.raises(ConfigError, match="larger than 1024 KB"):
        read_env_file(endless)


def write_config(environ: dict[str, str], text: str) -> Path:
    path = Path(environ["SLY_TUI_CONFIG_DIR"]) / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_unknown_names_are_warned_with_the_closest_known_one(home, environ):
    """A typo is a warning naming the key, its table and what was probably meant; the
    rest of the file still applies (and the dashboard still starts)."""
    path = write_config(
        environ,
        'defualt_profile = "work"\n'
        'theme = "wall"\n'
        "[notfy]\nbell = false\n"
        "[notify]\nbel = false\nosc9 = false\nsound = true\n"
        "[ui]\nthem = 'wall'\n"
        '[profiles.work]\nsever = "http://a"\nserver = "http://b"\n',
    )
    settings = resolve(Flags(profile="work"), environ, home)
    assert settings.server == "http://b" and settings.config is not None
    assert settings.config.notify.osc9 is False and settings.config.notify.bell is True
    assert list(settings.warnings) == [
        f"{path}: unknown key 'defualt_profile' ignored; did you mean 'default_profile'?",
        f"{path}: unknown key 'theme' ignored; did you mean [ui] theme?",
        f"{path}: unknown table [notfy] ignored; did you mean [notify]?",
        f"{path} [profiles.work]: unknown key 'sever' ignored; did you mean 'server'?",
        f"{path} [ui]: unknown key 'them' ignored; did you mean 'theme'?",
        f"{path} [notify]: unknown key 'bel' ignored; did you mean 'bell'?",
        f"{path} [notify]: unknown key 'sound' ignored "
        "(known: 'bell', 'mine', 'osc777', 'osc9', 'toast').",
    ]


def test_ui_theme_must_be_a_name(home, environ):
    path = write_config(environ, "[ui]\ntheme = 3\n")
    config = load_config(environ)
    assert config.ui.theme is None
    assert config.warnings == (f"{path} [ui] theme must be a string (a theme's name); ignored.",)


def test_the_readme_config_examples_raise_no_warning(home, environ):
    """Every `config.toml` a newcomer copies from the README loads without a warning (the
    keymap's binding ids too)."""
    from sly_tui.ui.keymap import check_keymap

    readme = (Path(__file__).parents[2] / "README.md").read_text()
    examples = re.findall(r"```toml\n(.*?)```", readme, re.DOTALL)
    assert len(examples) >= 3, "README.md lost its config examples"
    for example in examples:
        write_config(environ, example)
        config = load_config(environ)
        assert config.warnings == (), example
        assert check_keymap(config.keymap)[1] == [], example


USERS_CONFIG = """\
# my sly-tui settings
[keymap]
"task.stop" = "z"  # x is too close to c

[profiles.work]   # the big instance
server = "https://work.example.com"
team = 8          # ML team

[notify]
bell = false
"""


def test_saving_a_profile_keeps_the_user_s_comments_and_order(home, environ):
    path = write_config(environ, USERS_CONFIG)
    save_profile(
        Profile("home", server="http://box:8080", token=Secret(TOKEN_PROFILE)), environ=environ
    )
    text = path.read_text()
    header, rest = USERS_CONFIG.split("\n", 1)
    assert text == (
        f'{header}\ndefault_profile = "home"\n\n'
        + rest.replace("[notify]", '[profiles.home]\nserver = "http://box:8080"\n\n[notify]')
    )
    assert TOKEN_PROFILE not in text
    creds = path.parent / "credentials.toml"
    assert mode(path) == 0o600 and mode(creds) == 0o600
    config = load_config(environ)
    assert config.warnings == ()
    assert config.profiles["home"].token == Secret(TOKEN_PROFILE)
    assert config.profiles["work"].team_id == 8 and config.keymap == {"task.stop": "z"}


def test_saving_over_a_profile_edits_it_in_place(home, environ):
    """Its comments stay; a team of the old server goes; a token saved to the credentials
    replaces one written inline, and the other profiles' tokens are kept."""
    save_profile(Profile("home", server="http://box", token=Secret(TOKEN_FILE)), environ=environ)
    path = write_config(
        environ,
        'default_profile = "work"  # mostly\n\n'
        '[profiles.work]   # the big instance\nserver = "https://a"  # prod\n'
        f'team = 8\ntoken = "{TOKEN_ENV}"\n',
    )
    path.chmod(0o644)
    save_profile(
        Profile("work", server="https://b", token=Secret(TOKEN_PROFILE)),
        make_default=False,
        environ=environ,
    )
    assert path.read_text() == (
        'default_profile = "work"  # mostly\n\n'
        '[profiles.work]   # the big instance\nserver = "https://b"  # prod\n'
    )
    assert mode(path) == 0o600
    assert load_config(environ).profiles["work"].token == Secret(TOKEN_PROFILE)
    creds = tomllib.loads((path.parent / "credentials.toml").read_text())
    assert creds["profiles"]["home"] == {"token": TOKEN_FILE}
