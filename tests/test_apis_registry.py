"""One home for every service: one registration each, settings and clients derived from it,
no other module talking HTTP, and imports that stay cheap and free of cycles."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from cen_search.apis import SEARCH, TRACE, get, services
from cen_search.config import KEYS, resolve

PACKAGE = Path(__file__).resolve().parents[1] / "cen_search"
NAMES = ["pubmed", "openalex", "semanticscholar", "opencitations", "europepmc", "crossref"]


def test_every_service_is_registered_once_with_everything_the_tool_needs():
    assert [s.name for s in services()] == NAMES
    assert [s.name for s in services(SEARCH)] == ["pubmed", "openalex", "europepmc"]
    assert [s.name for s in services(TRACE)] == [
        "openalex",
        "semanticscholar",
        "opencitations",
        "europepmc",
        "crossref",
    ]
    for service in services():
        assert service.base_url.startswith("https://") and service.base_url.endswith("/")
        assert service.label and service.database and service.platform and service.retry_hint
        assert service.min_interval > 0


@pytest.mark.parametrize("name", NAMES)
def test_each_service_has_a_url_setting_and_its_key_setting_in_the_configuration(name):
    service = get(name)
    keys = {key.name: key for key in KEYS}
    url = keys[service.url_setting]
    assert url.table == "apis" and url.env == f"CEN_SEARCH_{name.upper()}_URL"
    assert url.default_value() == service.base_url
    if service.key_setting:
        assert keys[service.key_setting].secret and keys[service.key_setting].table == "apis"


def test_a_service_url_comes_from_env_review_file_or_default(tmp_path):
    review = tmp_path / "cen-search.toml"
    review.write_text('[apis]\nopenalex_url = "http://mirror.example.org/oa"\n')
    settings = resolve(
        review_file=review,
        environ={"CEN_SEARCH_PUBMED_URL": "http://127.0.0.1:8080/eutils"},
        user_file=tmp_path / "none.toml",
    )
    assert settings["openalex_url"] == "http://mirror.example.org/oa/"
    assert settings["pubmed_url"] == "http://127.0.0.1:8080/eutils/"
    assert settings["crossref_url"] == "https://api.crossref.org/"
    assert settings.setting("pubmed_url").source == "env"


def test_the_client_of_a_service_gets_its_key_url_and_contact(tmp_path):
    from cen_search.apis.client import access, session_for

    settings = resolve(
        environ={
            "CEN_SEARCH_SEMANTICSCHOLAR_API_KEY": "s2-KEY-0000000000",
            "CEN_SEARCH_SEMANTICSCHOLAR_URL": "http://127.0.0.1:1/s2",
            "CEN_SEARCH_CONTACT_EMAIL": "me@example.org",
            "CEN_SEARCH_CACHE_DIR": str(tmp_path),
        },
        user_file=tmp_path / "none.toml",
    )
    session = session_for(settings)
    client = access(settings, "semanticscholar", session=session).client()
    assert client.base_url == "http://127.0.0.1:1/s2/" and client.api_key == "s2-KEY-0000000000"
    assert client.email == "me@example.org" and client.session is session
    assert "s2-KEY-0000000000" not in repr(client)


def test_no_module_outside_the_apis_package_imports_requests():
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if "apis" in path.relative_to(PACKAGE).parts[:1]:
            continue
        text = path.read_text(encoding="utf-8")
        if re.search(r"^\s*(import requests|from requests\b)", text, re.MULTILINE):
            offenders.append(str(path.relative_to(PACKAGE)))
    assert offenders == []


def test_strategies_and_tracing_name_no_client_class():
    """Stages reach services through the registry, never by naming a client class."""
    for folder in ("strategies", "trace"):
        for path in (PACKAGE / folder).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            for cls in ("OpenAlexClient(", "PubMedClient(", "EuropePmcClient(", "CrossrefClient("):
                assert cls not in text, f"{path.name} builds {cls}"


@pytest.mark.parametrize(
    "first",
    [
        "cen_search.config",
        "cen_search.apis.http",
        "cen_search.apis.openalex",
        "cen_search.apis.client",
        "cen_search.trace.engine",
        "cen_search.apis",
    ],
)
def test_any_module_can_be_imported_first_and_the_registry_stays_cheap(first):
    code = (
        f"import sys, {first}\n"
        "import cen_search.config as c\n"
        "from cen_search.apis import services\n"
        "assert len(services()) == 6 and any(k.name == 'crossref_url' for k in c.KEYS)\n"
        "print('requests' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    needs_http = first == "cen_search.apis.http"
    assert done.stdout.strip() == str(needs_http)


def test_an_unknown_service_is_a_usage_error_listing_the_choices():
    from cen_search.errors import UsageError

    with pytest.raises(UsageError, match="cannot run a search on 'crossref'") as caught:
        get("crossref", SEARCH)
    assert caught.value.hint == "use one of: pubmed, openalex, europepmc"
