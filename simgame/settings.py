"""simgame's settings: one object read from flags, the environment, a config file, then defaults.

Precedence, highest first: an explicit command-line flag, the environment, the config file, the
built-in default. Entry points (``simgame.cli``, ``simgame.cohort``, ``simgame.tui``) call
:func:`load_settings` and pass the values down; ``simgame.format`` and ``simgame.engine`` never
import this module, their ``bundled_dir``/``default_dir`` are pure defaults.

The config file is TOML, at ``platformdirs.user_config_dir("simgame")/config.toml``
(``~/.config/simgame/config.toml`` on Linux, ``~/Library/Application Support/simgame/config.toml``
on macOS, ``%LOCALAPPDATA%\\simgame\\config.toml`` on Windows), or wherever ``$SIMGAME_CONFIG``
points. A missing file is the same as an empty one. Its keys, each with the environment variable
and flag that win over it::

    saves = "~/simgame/saves"      # $SIMGAME_SAVES, --saves: the saves folder
    scenarios = "~/my-scenarios"   # $SIMGAME_SCENARIOS: the scenario library
    theme = "simgame-light"        # $SIMGAME_THEME, --theme: colour theme (F2 in the game remembers it)
    lang = "de"                    # $SIMGAME_LANG, --lang: the game's language, "en" (default) or "de"
    cohort_db = "~/cohorts.sqlite" # $SIMGAME_COHORT_DB: the cohort store file (default SAVES/cohorts.sqlite)
    store = "postgresql://simgame@db.example/simgame"  # $SIMGAME_STORE, --store: a store file or a
                                   # postgresql:// URL (several hubs, one database); wins over cohort_db
    hub = "http://10.0.0.5:8765"   # $SIMGAME_HUB, --hub: the cohort hub players join through
    maps = "~/simgame/maps"        # $SIMGAME_MAPS: outcome maps (default: the user cache folder)
    map_memory_mb = 8192           # $SIMGAME_MAP_MEMORY_MB: memory cap of the process that builds a map

Paths in the file may start with ``~``; relative ones are relative to the file's folder. Only the
environment sets ``SIMGAME_FACILITATOR_KEY`` (a secret never belongs in a file) and
``SIMGAME_COHORT_ORIGIN`` (the hub sets it for the games it starts).
"""

from __future__ import annotations

import contextvars
import json
import os
import re
import tomllib
from pathlib import Path
from typing import Any, Literal, get_args

import platformdirs
from pydantic import Field, SecretStr, TypeAdapter, ValidationError
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

THEMES = ("simgame-dark", "simgame-light", "simgame-high-contrast")
Theme = Literal["simgame-dark", "simgame-light", "simgame-high-contrast"]
assert get_args(Theme) == THEMES
LANGS = ("en", "de")  # the game's UI languages (simgame/i18n/locale); tests/tui/test_i18n.py keeps them equal
Lang = Literal["en", "de"]

ENV_PREFIX = "SIMGAME_"
CONFIG_ENV = "SIMGAME_CONFIG"
CONFIG_NAME = "config.toml"
COHORT_DB_FILE = "cohorts.sqlite"
FILE_KEYS = ("saves", "scenarios", "theme", "cohort_db", "store", "hub", "maps", "map_memory_mb", "lang")
PATH_KEYS = ("saves", "scenarios", "cohort_db", "maps")
ENV_ONLY = ("facilitator_key", "cohort_origin", "xapi_password")
FLAGS = {"saves": "--saves", "theme": "--theme", "store": "--store", "hub": "--hub", "lang": "--lang"}
STORE_URL_SCHEMES = ("postgresql://", "postgres://")


MAX_CONFIG_BYTES = 256 * 1024


class SettingsError(Exception):
    """A setting that cannot be used; the message names the file and key (or variable) plainly."""


def config_path() -> Path:
    """The config file: ``$SIMGAME_CONFIG``, else ``config.toml`` in ``platformdirs.user_config_dir("simgame")``."""
    env = os.environ.get(CONFIG_ENV)
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_config_dir("simgame")) / CONFIG_NAME


_FILE_VALUES: contextvars.ContextVar[dict[str, Any] | None] = contextvars.ContextVar("simgame_file", default=None)


class _ConfigFileSource(PydanticBaseSettingsSource):
    """The config file's (already checked) values, below the environment in precedence."""

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return (_FILE_VALUES.get() or {}).get(field_name), field_name, False

    def __call__(self) -> dict[str, Any]:
        return dict(_FILE_VALUES.get() or {})


class Settings(BaseSettings):
    """Every setting simgame reads. ``None`` for a folder means "the built-in default": use the
    ``*_dir``/``*_path`` properties, which fill it in."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, env_ignore_empty=True, extra="ignore", frozen=True)

    saves: Path | None = None
    scenarios: Path | None = None
    theme: Theme = "simgame-dark"
    lang: Lang = "en"  # $SIMGAME_LANG, --lang: the game's UI language (and a scenario's translation, if it has one)
    cohort_db: Path | None = None
    store: str | None = None  # a store file or a postgresql:// URL (see cohort_store)
    hub: str | None = None
    facilitator_key: SecretStr | None = None
    cohort_origin: str = "terminal"
    maps: Path | None = None
    map_memory_mb: int = Field(default=8192, ge=256)
    # --- xAPI to the organisation's LRS (simgame/cohort/xapi/, docs/deployment.md): flag > env > file ---
    xapi_endpoint: str | None = None  # $SIMGAME_XAPI_ENDPOINT, --lrs: the LRS's xAPI endpoint
    xapi_username: str | None = None  # $SIMGAME_XAPI_USERNAME, --lrs-user: the LRS account (HTTP Basic)
    xapi_password: SecretStr | None = None  # $SIMGAME_XAPI_PASSWORD only (never in a file or on a command line)
    xapi_home_page: str | None = None  # $SIMGAME_XAPI_HOME_PAGE, --home-page: this deployment's IRI (actors' homePage)
    xapi_programme: str | None = None  # $SIMGAME_XAPI_PROGRAMME, --programme: the programme (an IRI or a name), if any
    # --- end of xAPI ---

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # flags (init keywords) > environment > config file > field defaults
        return (init_settings, env_settings, _ConfigFileSource(settings_cls))

    @property
    def saves_dir(self) -> Path:
        """The saves folder: the setting, else the checkout's ./saves when present, else ~/.simgame/saves."""
        from simgame.engine.saves import default_dir

        return default_dir(self.saves)

    @property
    def scenarios_dir(self) -> Path:
        """The scenario library: the setting, else ./scenarios (with scenarios in it), else the checkout's."""
        from simgame.format.loader import bundled_dir

        return bundled_dir(self.scenarios)

    def cohort_db_path(self, saves: Path | None = None) -> Path:
        """The cohort store: the setting, else cohorts.sqlite in ``saves`` (default: :attr:`saves_dir`)."""
        if self.cohort_db is not None:
            return self.cohort_db
        return (saves or self.saves_dir) / COHORT_DB_FILE

    def cohort_store(self, saves: Path | None = None) -> Path | str:
        """Where the cohort store is: the ``store`` setting (a ``postgresql://`` URL, kept as text, or a
        file), else :meth:`cohort_db_path`."""
        if self.store:
            return self.store if self.store.startswith(STORE_URL_SCHEMES) else Path(self.store).expanduser()
        return self.cohort_db_path(saves)

    @property
    def maps_dir(self) -> Path:
        """Outcome maps: the setting, else ``outcome-maps`` in the user cache folder."""
        if self.maps is not None:
            return self.maps
        return Path(platformdirs.user_cache_dir("simgame")) / "outcome-maps"

    @property
    def key(self) -> str | None:
        """The facilitator key from ``$SIMGAME_FACILITATOR_KEY``, if any."""
        return self.facilitator_key.get_secret_value() if self.facilitator_key else None


def _env_name(field: str) -> str:
    return ENV_PREFIX + field.upper()


def _read_file(path: Path) -> tuple[str, dict[str, Any]]:
    """The file's text and parsed table; a missing file is empty. Syntax errors come back located."""
    from simgame.format.safefile import SafeReadError, read_capped

    try:  # a regular file only, read with a cap: a pipe or /dev/zero named as the config never hangs
        text = read_capped(path, MAX_CONFIG_BYTES).decode("utf-8")
    except SafeReadError as exc:
        if exc.kind == "missing":
            return "", {}
        if exc.kind == "folder":
            raise SettingsError(f"{path}: is a folder, not a config file") from None
        raise SettingsError(f"{path}: cannot be read ({exc.message})") from None
    except UnicodeDecodeError as exc:
        raise SettingsError(f"{path}: cannot be read ({exc})") from None
    try:
        return text, tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{path}: not valid TOML: {exc}") from None


def _check_value(path: Path, key: str, value: Any) -> Any:
    """One config-file value, checked and normalised; a bad one is a SettingsError naming file and key."""
    if key not in Settings.model_fields or key in ENV_ONLY:
        if key in ENV_ONLY:
            raise SettingsError(f"{path}: `{key}` cannot be set in the config file; use ${_env_name(key)}")
        known = ", ".join(FILE_KEYS)
        raise SettingsError(f"{path}: unknown key `{key}` (known keys: {known})")
    if key == "store" and isinstance(value, str) and value.startswith(STORE_URL_SCHEMES):
        return value
    if key in (*PATH_KEYS, "store"):
        if key == "store" and (not isinstance(value, str) or not value.strip()):
            raise SettingsError(f"{path}: `store` must be a file path or a postgresql:// URL in quotes")
        if not isinstance(value, str) or not value.strip():
            raise SettingsError(f'{path}: `{key}` must be a folder or file path in quotes, e.g. {key} = "~/simgame"')
        p = Path(value).expanduser()
        p = p if p.is_absolute() else path.parent / p
        return str(p) if key == "store" else p
    annotation: Any = Settings.model_fields[key].annotation
    try:
        return TypeAdapter(annotation).validate_python(value, strict=True)
    except ValidationError as exc:
        if key == "theme":
            reason = "must be one of " + ", ".join(THEMES)
        else:
            reason = exc.errors()[0]["msg"].lower()
        raise SettingsError(f"{path}: `{key}` = {value!r}: {reason}") from None


def _file_values(path: Path) -> dict[str, Any]:
    _, data = _read_file(path)
    return {key: _check_value(path, key, value) for key, value in data.items()}


def load_settings(config_file: Path | None = None, **flags: Any) -> Settings:
    """The settings in force: ``flags`` (the command line's explicit values; ``None`` means not given)
    over the environment over the config file (``config_file``, default :func:`config_path`) over defaults.

    Raises :class:`SettingsError` with a plain message naming the file and key, or the variable, at fault.
    """
    path = config_file or config_path()
    given = {k: v for k, v in flags.items() if v is not None}
    unknown = sorted(set(given) - set(Settings.model_fields))
    if unknown:
        raise TypeError(f"load_settings() got unknown settings: {', '.join(unknown)}")
    token = _FILE_VALUES.set(_file_values(path))
    try:
        return Settings(**given)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = str(err["loc"][0]) if err["loc"] else "?"
        where = f"{FLAGS.get(field, field)}" if field in given else f"${_env_name(field)}"
        reason = "must be one of " + ", ".join(THEMES) if field == "theme" else err["msg"].lower()
        raise SettingsError(f"{where}: {reason}") from None
    finally:
        _FILE_VALUES.reset(token)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return json.dumps(str(value), ensure_ascii=False)  # a JSON string is a valid TOML basic string


def remember(config_file: Path | None = None, **changes: Any) -> Path:
    """Save preferences to the config file so the next start uses them; returns the file's path.

    Usage, e.g. from the game's theme switch (F2)::

        from simgame.settings import SettingsError, remember

        try:
            remember(theme=self.theme)
        except SettingsError as exc:
            self.notify(str(exc), severity="warning")   # never crash the game over a preference

    - ``changes`` are config-file keys (``saves``, ``scenarios``, ``theme``, ``cohort_db``, ``hub``);
      ``None`` removes a key. Each value is checked first, so a bad one changes nothing.
    - The file is written atomically (temporary file, fsync, rename): a crash leaves the old
      file or the new one. Other keys, comments and tables are kept as they were; only the
      changed keys' lines are replaced (or added at the top level).
    - A config file that is not valid TOML is left untouched and raises :class:`SettingsError`.
    - It only writes the file: a flag or environment variable still wins on the next start.
    - Blocking file I/O: call it from a worker thread if the UI must not wait for a slow disk.
    """
    path = config_file or config_path()
    for key, value in changes.items():
        if key not in FILE_KEYS:
            keys = ", ".join(FILE_KEYS)
            raise SettingsError(f"{path}: `{key}` is not a setting the config file keeps (keys: {keys})")
        if value is not None:
            _check_value(path, key, str(value) if isinstance(value, Path) else value)
    text, before = _read_file(path)
    lines = text.splitlines(keepends=True)
    first_table = next((i for i, line in enumerate(lines) if line.lstrip().startswith("[")), len(lines))
    for key, value in changes.items():
        pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
        at = next((i for i in range(first_table) if pattern.match(lines[i])), None)
        new = None if value is None else f"{key} = {_toml_value(value)}\n"
        if at is not None:
            if new is None:
                del lines[at]
                first_table -= 1
            else:
                lines[at] = new
        elif new is not None:
            if first_table and not lines[first_table - 1].endswith("\n"):
                lines[first_table - 1] += "\n"
            lines.insert(first_table, new)
            first_table += 1
    result = "".join(lines)
    try:
        after = tomllib.loads(result)
    except tomllib.TOMLDecodeError as exc:  # e.g. a key's old value spanned lines: refuse rather than corrupt
        raise SettingsError(f"{path}: cannot update it safely ({exc}); edit it by hand") from None
    expected = {k: v for k, v in before.items() if k not in changes}
    expected.update({k: str(v) if isinstance(v, Path) else v for k, v in changes.items() if v is not None})
    if after != expected:
        raise SettingsError(f"{path}: cannot update it safely (its layout is unusual); edit it by hand")
    from simgame.engine.saves import atomic_write

    try:
        atomic_write(path, result)
    except OSError as exc:
        raise SettingsError(f"{path}: cannot be written ({exc.strerror or exc})") from None
    return path


def child_environment(settings: Settings) -> dict[str, str]:
    """What a process simgame starts (a hub's browser game) needs to see the same folders."""
    env: dict[str, str] = {}
    if settings.scenarios is not None:
        env["SIMGAME_SCENARIOS"] = str(settings.scenarios)
    if settings.saves is not None:
        env["SIMGAME_SAVES"] = str(settings.saves)
    return env
