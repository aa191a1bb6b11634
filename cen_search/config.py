"""Layered settings: where every value comes from, and which of them are secret.

Precedence, highest first:

1. a command-line flag (``--email``),
2. a ``CEN_SEARCH_*`` environment variable (``CEN_SEARCH_CONTACT_EMAIL``),
3. ``cen-search.toml`` in the review folder,
4. the user config file (``config.toml`` in the platform's user config folder, or the file
   named by ``CEN_SEARCH_CONFIG``),
5. the built-in default.

:func:`resolve` returns every value with the layer it came from, so ``cen-search config show``
can say why a value is what it is. API keys are secrets and the contact e-mail is personal:
:meth:`Setting.display` redacts them, and nothing here logs them.
"""

from __future__ import annotations

import datetime as _dt
import difflib
import getpass
import os
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cen_search.config_values import (
    check_date,
    check_email,
    checked_review_values,
    render_review_toml,
    toml_string,
)
from cen_search.errors import ConfigError, UsageError

__all__ = [
    "ENV_PREFIX",
    "KEYS",
    "USER_CONFIG_ENV",
    "Key",
    "Setting",
    "Settings",
    "check_date",
    "check_email",
    "checked_review_values",
    "default_cache_dir",
    "get_key",
    "load_toml",
    "redact",
    "render_review_toml",
    "resolve",
    "toml_string",
    "user_config_file",
]

ENV_PREFIX = "CEN_SEARCH_"
USER_CONFIG_ENV = "CEN_SEARCH_CONFIG"
"""Environment variable naming the user config file (overrides the platform location)."""
_NOT_SETTINGS = {USER_CONFIG_ENV, "CEN_SEARCH_SHARED"}
"""``CEN_SEARCH_*`` variables that are not settings (no warning for them)."""


def _check_limit(value: str) -> str:
    return check_date(value, partial=True)


def _check_path(value: str) -> str:
    return str(Path(value).expanduser()) if value.strip() else ""


def _plain(value: str) -> str:
    return value.strip()


def _check_url(value: str) -> str:
    """An http(s) URL ending in ``/`` (so that endpoint paths are appended to it)."""
    value = value.strip()
    if not value.lower().startswith(("http://", "https://")) or value[-3:] == "://":
        raise ValueError(f"{value!r} is not an http:// or https:// URL")
    return value if value.endswith("/") else value + "/"


def _holds_password(value: str) -> bool:
    """Whether ``value`` is a URL carrying a password (``https://user:password@proxy/``)."""
    from cen_search.apis.redaction import url_password

    return "@" in value and bool(url_password(value))


def default_reviewer() -> str:
    """The login name, or "" where there is none (containers, some CI runners)."""
    try:
        return getpass.getuser()
    except Exception:  # getpass raises OSError or KeyError depending on the platform
        return ""


def default_cache_dir() -> str:
    """The platform's user cache folder for cen-search (the default of ``cache_dir``)."""
    import platformdirs

    return platformdirs.user_cache_dir("cen-search")


@dataclass(frozen=True, slots=True)
class Key:
    """One setting the tool knows."""

    name: str
    """Name used in flags' overrides, in TOML and (upper-cased) in the environment."""
    help: str
    """One line for ``config show`` and the documentation."""
    table: str = ""
    """TOML table holding it (``""`` for the top level, ``"apis"`` for ``[apis]``)."""
    default: str | Callable[[], str] = ""
    secret: bool = False
    """Never shown in full (API keys)."""
    personal: bool = False
    """Shown masked (e-mail addresses)."""
    check: Callable[[str], str] = _plain
    """Validates and normalises a value; raises ``ValueError`` with a reason."""

    @property
    def env(self) -> str:
        """The environment variable that sets it."""
        return ENV_PREFIX + self.name.upper()

    @property
    def dotted(self) -> str:
        """``table.name`` as written in TOML."""
        return f"{self.table}.{self.name}" if self.table else self.name

    def default_value(self) -> str:
        """The built-in default (computed for defaults that depend on the platform)."""
        return self.default() if callable(self.default) else self.default


def _service_keys() -> tuple[Key, ...]:
    """For every registered service (:mod:`cen_search.apis.registry`): its API key or token,
    when it has one, and its base URL (``[apis] <name>_url``, ``CEN_SEARCH_<NAME>_URL``)."""
    from cen_search.apis.registry import services

    keys: list[Key] = []
    for service in services():
        if service.key_setting:
            keys.append(Key(service.key_setting, service.key_help, table="apis", secret=True))
    for service in services():
        keys.append(
            Key(
                service.url_setting,
                f"{service.label} API endpoint (a mirror, an institutional proxy, a replay "
                "server).",
                table="apis",
                default=service.base_url,
                check=_check_url,
            )
        )
    return tuple(keys)


KEYS: tuple[Key, ...] = (
    Key("title", "Title of the review."),
    Key(
        "contact_email",
        "Contact e-mail sent to bibliographic APIs (PubMed, OpenAlex, Crossref).",
        personal=True,
        check=check_email,
    ),
    Key(
        "date_from",
        "Earliest publication date searched (YYYY, YYYY-MM or YYYY-MM-DD).",
        check=_check_limit,
    ),
    Key(
        "date_to",
        "Latest publication date searched (YYYY, YYYY-MM or YYYY-MM-DD).",
        check=_check_limit,
    ),
    *_service_keys(),
    Key(
        "reviewer",
        "Your name or initials, kept with every decision you record (default: login name).",
        default=default_reviewer,
    ),
    Key(
        "cache_dir",
        "Folder for cached API responses.",
        default=default_cache_dir,
        check=_check_path,
    ),
)
"""Every setting. Later stages add their keys here (one line each)."""

_BY_NAME = {key.name: key for key in KEYS}


def get_key(name: str) -> Key:
    """The :class:`Key` called ``name`` (plain or dotted); raises :class:`UsageError`."""
    key = _BY_NAME.get(name.rsplit(".", 1)[-1])
    if key is None:
        known = ", ".join(k.dotted for k in KEYS)
        raise UsageError(f"unknown setting {name!r}", hint=f"settings are: {known}")
    return key


def redact(value: str, *, secret: bool = False, personal: bool = False) -> str:
    """How a value may be shown: secrets keep their last four characters, e-mails are masked,
    and so is the password of a URL (``https://user:password@proxy/``) in any value."""
    if not value:
        return value
    if secret:
        return "****" + value[-4:] if len(value) >= 12 else "****"
    if personal and "@" in value:
        local, _, domain = value.partition("@")
        return f"{local[:1]}***@{domain}"
    if "@" in value:
        from cen_search.apis.redaction import hide_password

        return hide_password(value)
    return value


@dataclass(frozen=True, slots=True)
class Setting:
    """One resolved value and the layer it came from."""

    key: Key
    value: str
    source: str
    """``flag``, ``env``, ``review``, ``user`` or ``default``."""
    origin: str = ""
    """The flag, variable or file that gave it ("--email", "CEN_SEARCH_CONTACT_EMAIL", a path)."""

    def display(self) -> str:
        """The value as it may be shown to a user (secrets and e-mails redacted)."""
        return redact(self.value, secret=self.key.secret, personal=self.key.personal)

    def describe_source(self) -> str:
        """``source (origin)`` as ``config show`` prints it, e.g. ``env (CEN_SEARCH_...)``."""
        return f"{self.source} ({self.origin})" if self.origin else self.source


@dataclass(frozen=True, slots=True)
class Settings:
    """Every setting resolved, with sources, plus the review file's other tables."""

    values: tuple[Setting, ...]
    review_file: Path | None
    user_file: Path
    tables: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    """Tables of the config files that belong to later stages (``[dedupe]``...): the user
    file's entries overridden key by key by the review file's."""
    warnings: tuple[str, ...] = ()
    """Problems that do not stop anything (unknown keys, secrets in the shared review file)."""

    def setting(self, name: str) -> Setting:
        """The resolved :class:`Setting` called ``name``; raises :class:`UsageError`."""
        key = get_key(name)
        return next(item for item in self.values if item.key is key)

    def __getitem__(self, name: str) -> str:
        return self.setting(name).value

    @property
    def title(self) -> str:
        return self["title"]

    @property
    def contact_email(self) -> str:
        return self["contact_email"]

    @property
    def date_from(self) -> str:
        return self["date_from"]

    @property
    def date_to(self) -> str:
        return self["date_to"]

    @property
    def ncbi_api_key(self) -> str:
        return self["ncbi_api_key"]

    @property
    def openalex_api_key(self) -> str:
        return self["openalex_api_key"]

    @property
    def reviewer(self) -> str:
        return self["reviewer"]

    @property
    def cache_dir(self) -> Path:
        return Path(self["cache_dir"])

    def table(self, name: str) -> dict[str, Any]:
        """A later stage's table (``settings.table("dedupe")``); empty when absent."""
        return dict(self.tables.get(name, {}))

    def scrub(self, text: str) -> str:
        """``text`` with every secret or personal value replaced by its redacted form."""
        for item in self.values:
            if item.value and (item.key.secret or item.key.personal):
                text = text.replace(item.value, item.display())
        return text

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready view (redacted) for ``config show --json``."""
        return {
            "review_file": str(self.review_file) if self.review_file else None,
            "user_file": str(self.user_file),
            "settings": [
                {
                    "key": item.key.dotted,
                    "value": item.display(),
                    "source": item.source,
                    "origin": item.origin,
                    "env": item.key.env,
                    "secret": item.key.secret,
                }
                for item in self.values
            ],
            "warnings": list(self.warnings),
        }


def user_config_file(environ: Mapping[str, str] | None = None) -> Path:
    """The user config file: ``$CEN_SEARCH_CONFIG`` or ``<user config dir>/config.toml``."""
    environ = os.environ if environ is None else environ
    configured = environ.get(USER_CONFIG_ENV, "").strip()
    if configured:
        return Path(configured).expanduser()
    import platformdirs

    return Path(platformdirs.user_config_dir("cen-search")) / "config.toml"


def load_toml(path: Path) -> dict[str, Any]:
    """Parse a TOML file; a syntax error is a :class:`ConfigError` naming the file and line."""
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(
            f"{path}: not valid TOML: {exc}",
            hint="fix the line shown (strings need double quotes), then run the command again",
        ) from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text", hint="save the file as UTF-8") from None
    except IsADirectoryError:
        raise ConfigError(f"{path}: is a folder, not a TOML file") from None


def _from_file(data: Mapping[str, Any], path: Path, warnings: list[str]) -> dict[str, str]:
    """The known keys found in one parsed config file, as strings."""
    found: dict[str, str] = {}
    for key in KEYS:
        holder = data.get(key.table, {}) if key.table else data
        if not isinstance(holder, Mapping) or key.name not in holder:
            continue
        value = holder[key.name]
        if isinstance(value, (_dt.date, _dt.datetime)):
            value = value.isoformat()
        if not isinstance(value, str):
            raise ConfigError(
                f"{path}: {key.dotted} must be a string in double quotes, not {value!r}",
                hint=f'write it as {key.name} = "..."',
            )
        found[key.name] = value
    known_tables = {key.table for key in KEYS if key.table}
    top_level = {key.name for key in KEYS if not key.table}
    for name, value in data.items():
        if isinstance(value, Mapping):
            if name in known_tables:
                table_keys = {key.name for key in KEYS if key.table == name}
                warnings.extend(
                    f"{path}: unknown setting {name}.{inner!r}"
                    for inner in value
                    if inner not in table_keys
                )
        elif name not in top_level:
            warnings.append(f"{path}: unknown setting {name!r}")
    return found


def _check(key: Key, value: str, where: str, *, flag: bool) -> str:
    """``value`` checked by ``key``; a bad flag is a usage error, a bad file or variable a
    configuration error, each naming ``where`` the value came from."""
    try:
        return key.check(value)
    except ValueError as exc:
        error = UsageError if flag else ConfigError
        raise error(f"{where}: {exc}", hint=key.help) from None


def _unknown_variables(environ: Mapping[str, str]) -> list[str]:
    """A warning for each ``CEN_SEARCH_*`` variable that is not a setting, with a suggestion."""
    known_env = sorted({key.env for key in KEYS} | _NOT_SETTINGS)
    warnings = []
    for name in sorted(environ):
        if name.startswith(ENV_PREFIX) and name not in known_env:
            part = name.removeprefix(ENV_PREFIX)
            close = [known for known in known_env if part in known]
            close = close or difflib.get_close_matches(name, known_env, n=1, cutoff=0.8)
            also = f" (did you mean {close[0]}?)" if close else ""
            warnings.append(f"environment variable {name} is not a cen-search setting{also}")
    return warnings


@dataclass(frozen=True, slots=True)
class _Layer:
    """The values one layer gives (see the module docstring)."""

    source: str
    """``flag``, ``env``, ``review`` or ``user``."""
    values: Mapping[str, str]
    file: str = ""
    """The config file of the ``review`` and ``user`` layers."""

    def origin(self, key: Key, flag_names: Mapping[str, str]) -> str:
        """The flag, variable or file that gives ``key``."""
        if self.source == "flag":
            return flag_names.get(key.name, "--" + key.name.replace("_", "-"))
        return key.env if self.source == "env" else self.file


def resolve(
    *,
    review_file: Path | None = None,
    flags: Mapping[str, str | None] | None = None,
    environ: Mapping[str, str] | None = None,
    user_file: Path | None = None,
    flag_names: Mapping[str, str] | None = None,
) -> Settings:
    """Resolve every setting through the layers (see the module docstring).

    ``flags`` maps key names to values given on the command line (``None`` = not given);
    ``flag_names`` maps key names to the flag spelling used in messages (``--email``).
    """
    environ = os.environ if environ is None else environ
    user_file = user_config_file(environ) if user_file is None else user_file
    warnings = _unknown_variables(environ)
    given = {
        get_key(name).name: value for name, value in (flags or {}).items() if value is not None
    }
    layers = {
        "flag": _Layer("flag", given),
        "env": _Layer("env", {key.name: environ[key.env] for key in KEYS if key.env in environ}),
    }
    tables: dict[str, dict[str, Any]] = {}
    for source, path in (("user", user_file), ("review", review_file)):  # user first: tables
        layers[source] = _Layer(source, {})
        if path is None or not path.is_file():
            continue
        data = load_toml(path)
        values = _from_file(data, path, warnings)
        if source == "review":
            warnings.extend(
                f"{path} holds {key.dotted}: this file is shared with the review; move the key "
                f"to {user_file} or {key.env}"
                for key in KEYS
                if values.get(key.name) and (key.secret or _holds_password(values[key.name]))
            )
        for name, value in data.items():
            if isinstance(value, Mapping) and name not in {k.table for k in KEYS}:
                tables.setdefault(name, {}).update(value)
        layers[source] = _Layer(source, values, str(path))

    by_precedence = [layers[name] for name in ("flag", "env", "review", "user")]
    resolved: list[Setting] = []
    for key in KEYS:
        layer = next((layer for layer in by_precedence if key.name in layer.values), None)
        if layer is None:
            resolved.append(Setting(key, key.check(key.default_value()), "default"))
            continue
        origin = layer.origin(key, flag_names or {})
        where = f"{origin}: {key.dotted}" if layer.file else origin
        value = _check(key, layer.values[key.name], where, flag=layer.source == "flag")
        resolved.append(Setting(key, value, layer.source, origin))
    return Settings(
        values=tuple(resolved),
        review_file=review_file if review_file is not None and review_file.is_file() else None,
        user_file=user_file,
        tables=tables,
        warnings=tuple(warnings),
    )
