"""Secrets never reach text; the audit log records writes and reads back."""

from __future__ import annotations

import base64
import json
import logging
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tui import redact
from tui.audit import AuditLog, describe_request, principal_from_claims, read_audit, token_claims

SENTINEL = "sentinel-token-7f3a9c2e1b"


def jwt(claims: dict[str, str]) -> str:
    def part(data: dict[str, str]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")

    return f"{part({'alg': 'none'})}.{part(claims)}.c2lnbmF0dXJl"


@pytest.mark.parametrize(
    "text",
    [
        "Authorization: Bearer abc.def-ghi_jkl0123456789",
        "{'Authorization': 'Bearer zzz', 'Accept': 'application/json'}",
        '{"x-ms-authorization-auxiliary": "Bearer t1, EncryptedBearer t2"}',
        "x-ms-authorization-auxiliary: Bearer aux0123456789abcdef",
        "header was bearer 0123456789abcdef.ghijkl",
        "AZURE_CLIENT_SECRET=s3cr3t~value.with.dots",
        'client_secret="my secret with spaces"',
        "https://acct.blob.core.windows.net/c/b?sv=2022-11-02&se=2030&sig=abc%2Bdef%3D&sp=r",
        "token " + jwt({"upn": "ada@contoso.com"}),
    ],
)
def test_credentials_are_masked(text: str) -> None:
    out = redact.redact(text)
    assert redact.MASK in out
    for secret in ("abc.def-ghi_jkl0123456789", "zzz", "t1", "t2", "aux0123456789abcdef",
                   "0123456789abcdef.ghijkl", "s3cr3t~value.with.dots", "my secret with spaces",
                   "abc%2Bdef%3D", "c2lnbmF0dXJl"):
        assert secret not in out.replace("Bearer [REDACTED]", "")


def test_ordinary_text_is_left_alone() -> None:
    text = ("Bearer token authentication is not permitted for non-TLS protected URLs; "
            "PUT /subscriptions/s/resourceGroups/rg 201 Basic settings")
    assert redact.redact(text) == text


def test_a_remembered_value_of_any_shape_is_masked() -> None:
    redact.remember(SENTINEL)
    assert SENTINEL not in redact.redact(f"oops {SENTINEL}!")


def test_the_logging_filter_masks_messages_arguments_and_tracebacks(tmp_path: Path) -> None:
    redact.remember(SENTINEL)
    logger = logging.getLogger("tui.test_child")
    root = logging.getLogger()
    handler = logging.FileHandler(tmp_path / "log.txt", encoding="utf-8")
    root.addHandler(handler)
    old_level = root.level
    root.setLevel(logging.INFO)
    try:
        redact.install(root)
        logger.info("headers %s", {"Authorization": f"Bearer {SENTINEL}"})
        try:
            raise RuntimeError(f"token {SENTINEL} failed")
        except RuntimeError:
            logger.exception("request failed with Authorization: Bearer %s", SENTINEL)
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
        handler.close()
    written = (tmp_path / "log.txt").read_text()
    assert "headers" in written
    assert "request failed" in written
    assert "RuntimeError" in written
    assert SENTINEL not in written


def test_principal_from_token_claims() -> None:
    assert principal_from_claims(token_claims(jwt({"upn": "ada@contoso.com"})) or {}) == (
        "ada@contoso.com")
    assert principal_from_claims({"appid": "app-1"}) == "app app-1"
    assert token_claims("not-a-jwt") is None
    assert token_claims("a.!!!.c") is None


def test_describe_request_names_arm_operations() -> None:
    vnet = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v1"
    peering = f"{vnet}/virtualNetworkPeerings/1and2"
    base = "https://management.azure.com"
    assert describe_request("PUT", f"{base}{peering}?api-version=2025-07-01") == (
        "Microsoft.Network/virtualNetworks/virtualNetworkPeerings/write", (peering,))
    assert describe_request("delete", f"{base}{peering}")[0].endswith("/delete")
    watcher = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/networkWatchers/nw"
    assert describe_request("POST", f"{base}{watcher}/connectivityCheck?api-version=1") == (
        "Microsoft.Network/networkWatchers/connectivityCheck/action", (watcher,))
    assert describe_request("PUT", f"{base}/subscriptions/s/resourcegroups/rg")[0] == (
        "Microsoft.Resources/subscriptions/resourcegroups/write")


def test_audit_entries_append_and_read_back(tmp_path: Path) -> None:
    path = tmp_path / "state" / "audit.jsonl"
    audit_log = AuditLog(path, fallback_who="sandbox")
    url = ("https://management.azure.com/subscriptions/s/resourceGroups/rg/providers/"
           "Microsoft.Network/virtualNetworks/v1?api-version=1")
    audit_log.record("PUT", url, "accepted", status=201, message=f"Bearer {SENTINEL}")
    audit_log.learn_token(jwt({"upn": "ada@contoso.com", "tid": "tenant-1"}))
    audit_log.record("DELETE", url, "failed", status=409, code="InUse")
    path.open("a").write("not json\n")
    entries = read_audit(path)
    assert [(e.who, e.method, e.result, e.status) for e in entries] == [
        ("sandbox", "PUT", "accepted", 201), ("ada@contoso.com", "DELETE", "failed", 409)]
    assert entries[1].tenant == "tenant-1"
    assert entries[1].code == "InUse"
    assert entries[0].ids == ("/subscriptions/s/resourceGroups/rg/providers/"
                              "Microsoft.Network/virtualNetworks/v1",)
    assert SENTINEL not in path.read_text()
    assert read_audit(path, limit=1) == entries[1:]
    assert entries[1].describe().endswith("ada@contoso.com delete v1: failed (InUse)")
    assert read_audit(tmp_path / "missing.jsonl") == []


def test_a_sync_is_marked_in_the_audit(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    url = ("https://management.azure.com/subscriptions/s/resourceGroups/rg/providers/"
           "Microsoft.Network/virtualNetworks/v1/virtualNetworkPeerings/p"
           "?syncRemoteAddressSpace=true&api-version=2025-07-01")
    AuditLog(path).record("PUT", url, "accepted", status=201)
    (entry,) = read_audit(path)
    assert entry.extra == {"sync": "true"}
    assert entry.who == "unknown"


TOKEN_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~+/="


@given(token=st.text(alphabet=TOKEN_CHARS, min_size=16, max_size=120),
       template=st.sampled_from([
           "Authorization: Bearer {t}",
           "{{'Authorization': 'Bearer {t}'}}",
           '{{"x-ms-authorization-auxiliary": "Bearer {t}"}}',
           "x-ms-authorization-auxiliary: Bearer {t}, EncryptedBearer {t}",
           "client_secret={t}",
           "GET https://x.blob.core.windows.net/c?sv=1&sig={t}&sp=r",
       ]))
def test_any_token_in_a_credential_position_is_masked(token: str, template: str) -> None:
    text = "request " + template.format(t=token) + " done"
    assert token not in redact.redact(text)
