"""Who a browser request is, and where `workbench serve` may listen (no server started)."""

from __future__ import annotations

import pytest

from workbench.cli.main import main
from workbench.errors import WorkbenchError
from workbench.web.identity import Identity, Refused, allowed_origins, check_bind, is_loopback, origin_of


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1", "[::1]", "127.0.0.2"])
def test_loopback_addresses(host):
    assert is_loopback(host)
    check_bind(host, None)


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.5", "workbench.example.org"])
def test_a_reachable_address_needs_the_user_header(host):
    with pytest.raises(WorkbenchError, match="--user-header"):
        check_bind(host, None)
    check_bind(host, "X-Forwarded-User")


def test_team_mode_takes_the_user_from_the_header_and_refuses_without_it():
    team = Identity("X-Forwarded-User", None, allowed_origins("https://wb.example.org", "0.0.0.0", 8000))
    assert team.user({"X-Forwarded-User": " ana "}) == "ana"
    for headers in ({}, {"X-Forwarded-User": ""}, {"X-Forwarded-User": "a,b"}, {"X-Forwarded-User": "x" * 101},
                    {"X-Forwarded-User": "ana\x1b[31m"}):
        with pytest.raises(Refused) as refused:
            team.user(headers)
        assert refused.value.status == 403
    assert Identity(None, "solo").user({"X-Forwarded-User": "mallory"}) == "solo"  # single user ignores the header


def test_cross_site_requests_are_refused():
    team = Identity("X-Forwarded-User", None, allowed_origins("https://wb.example.org/", "127.0.0.1", 8000))
    team.check_origin({"Origin": "https://wb.example.org"})
    team.check_origin({})
    with pytest.raises(Refused):
        team.check_origin({"Origin": "https://evil.example.com"})
    assert origin_of("https://wb.example.org/some/path") == "https://wb.example.org"
    solo = Identity(None, "solo", allowed_origins(None, "127.0.0.1", 8000))
    for origin in ("http://localhost:8000", "http://127.0.0.1:8000", "http://[::1]:8000"):
        solo.check_origin({"Origin": origin})
    with pytest.raises(Refused):
        solo.check_origin({"Origin": "http://localhost:9999"})
    with pytest.raises(WorkbenchError):
        origin_of("wb.example.org")


def test_the_cli_refuses_a_public_address_without_a_user_header(tmp_path, capsys):
    db = str(tmp_path / "p.db")
    assert main(["--db", db, "init"]) == 0
    assert main(["--db", db, "serve", "--host", "0.0.0.0"]) == 2
    assert "reachable from other machines" in capsys.readouterr().err
    assert main(["--db", str(tmp_path / "missing.db"), "serve"]) == 2
