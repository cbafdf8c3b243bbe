"""Finding what a person named: a VNet, VM or peering given as a name, `rg/name`,
`subscription/rg/name` (subscription by id or display name) or a full resource id.

Everything is case-insensitive, as Azure is. A name that fits several resources is an
error listing them in the longer form that would pick one.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import Protocol, TypeVar

from tui.errors import InputError, UnreadableError
from tui.model import Inventory, LoadError, Peering, Subscription, VirtualMachine, VirtualNetwork

MAX_LISTED = 10


class _Located(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def resource_group(self) -> str: ...
    @property
    def subscription_id(self) -> str: ...


_R = TypeVar("_R", bound=_Located)


def text_problem(text: str) -> str | None:
    """Why `text` cannot be a name as typed, or None. Surrounding white space and control
    characters are refused rather than trimmed: trimming could turn a mistyped name into a
    real resource, and no Azure name or id carries either."""
    if text != text.strip():
        return "it starts or ends with white space"
    bad = next((c for c in text
                if unicodedata.category(c).startswith("C") or c in "\u2028\u2029"), None)
    if bad is not None:
        return f"it contains the control character {bad!r}"
    return None


def checked(text: str, what: str) -> str:
    """`text` unchanged, or InputError saying why it cannot name `what`."""
    problem = text_problem(text)
    if problem:
        raise InputError(f"Cannot use {text!r} as {what}: {problem}.")
    return text


def find_subscription(inventory: Inventory, ref: str) -> Subscription:
    """A subscription by GUID, `/subscriptions/GUID` or display name."""
    key = checked(ref, "a subscription").strip("/").lower().removeprefix("subscriptions/")
    matches = [s for s in inventory.subscriptions if key in (s.id.lower(), s.name.lower())]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        known = ", ".join(f"{s.name} ({s.id})" for s in inventory.subscriptions) or "none loaded"
        raise InputError(f"No subscription {ref!r}; known: {known}.")
    listed = ", ".join(f"{s.name} ({s.id})" for s in matches)
    raise InputError(f"Subscription name {ref!r} is ambiguous: {listed}; use the id.")


def _sub_matches(inventory: Inventory, sub_id: str, key: str) -> bool:
    if sub_id.lower() == key:
        return True
    sub = inventory.subscription(sub_id)
    return sub is not None and sub.name.lower() == key


def _label(inventory: Inventory, item: _Located) -> str:
    sub = inventory.subscription(item.subscription_id)
    sub_label = sub.name if sub else item.subscription_id
    return f"{sub_label}/{item.resource_group}/{item.name}"


def _find(inventory: Inventory, items: Sequence[_R], ref: str, kind: str) -> _R:
    if not ref.strip():
        raise InputError(f"No {kind} named: the name is empty.")
    text = checked(ref, f"a {kind} name")
    if text.startswith("/"):
        key = text.rstrip("/").lower()
        matches = [i for i in items if i.id.lower() == key]
        what = f"{kind} with id {text!r}"
    else:
        parts = [p.lower() for p in text.split("/")]
        if len(parts) > 3 or not all(p.strip() == p and p for p in parts):
            raise InputError(
                f"Cannot read {ref!r} as a {kind}: use NAME, RESOURCE_GROUP/NAME, "
                "SUBSCRIPTION/RESOURCE_GROUP/NAME or a full resource id."
            )
        name = parts[-1]
        rg = parts[-2] if len(parts) >= 2 else None
        sub = parts[0] if len(parts) == 3 else None
        matches = [
            i for i in items
            if i.name.lower() == name
            and (rg is None or i.resource_group.lower() == rg)
            and (sub is None or _sub_matches(inventory, i.subscription_id, sub))
        ]
        what = f"{kind} {text!r}"
    if len(matches) == 1:
        return matches[0]
    if not matches:
        unread = _may_hold(inventory, text)
        if unread:
            raise UnreadableError(
                f"No {what} among the subscriptions that could be read; it may be in "
                f"{unreadable_text(inventory, unread)}, which could not be read. Fix access "
                "to it, or name the resource in a subscription that can be read.",
                code="SubscriptionUnreadable")
        raise InputError(f"No {what}.")
    labels = sorted(_label(inventory, m) for m in matches)
    shown = ", ".join(labels[:MAX_LISTED])
    more = f" and {len(labels) - MAX_LISTED} more" if len(labels) > MAX_LISTED else ""
    raise InputError(
        f"{kind.capitalize()} name {text!r} is ambiguous, it matches {shown}{more}; "
        "name it as RESOURCE_GROUP/NAME or SUBSCRIPTION/RESOURCE_GROUP/NAME."
    )


def _may_hold(inventory: Inventory, ref: str) -> list[LoadError]:
    """The unreadable subscriptions a name that matched nothing could still be in: those
    its id or `subscription/rg/name` form names, or all of them for a bare name."""
    if ref.startswith("/"):
        segs = [s.lower() for s in ref.split("/") if s]
        sub = segs[1] if len(segs) > 1 and segs[0] == "subscriptions" else None
    else:
        parts = ref.split("/")
        sub = parts[0].lower() if len(parts) == 3 else None
    return [e for e in inventory.errors
            if sub is None or _sub_matches(inventory, e.subscription_id, sub)]


def unreadable_text(inventory: Inventory, errors: Sequence[LoadError]) -> str:
    """`Contoso Platform (c0c0...) (AuthorizationFailed)`, joined with "and"."""
    labels = []
    for error in errors:
        sub = inventory.subscription(error.subscription_id)
        name = f"{sub.name} ({sub.id})" if sub else error.subscription_id
        labels.append(f"{name} ({error.code})" if error.code else name)
    return " and ".join(labels)


def find_vnet(inventory: Inventory, ref: str) -> VirtualNetwork:
    """The VNet named by `ref` (name, rg/name, sub/rg/name or id)."""
    return _find(inventory, inventory.vnets, ref, "virtual network")


def find_vm(inventory: Inventory, ref: str) -> VirtualMachine:
    """The VM named by `ref` (name, rg/name, sub/rg/name or id)."""
    return _find(inventory, inventory.vms, ref, "virtual machine")


def find_peering(inventory: Inventory, ref: str, vnet: VirtualNetwork | None = None) -> Peering:
    """A peering by full id, or by link name on `vnet` (required for a bare name)."""
    text = checked(ref, "a peering name")
    if text.startswith("/"):
        key = text.rstrip("/").lower()
        pool = vnet.peerings if vnet else tuple(p for v in inventory.vnets for p in v.peerings)
        found = next((p for p in pool if p.id.lower() == key), None)
        if found is None:
            raise InputError(f"No peering with id {text!r}.")
        return found
    if vnet is None:
        raise InputError(f"Name the virtual network of peering {text!r}, or give its full id.")
    found = next((p for p in vnet.peerings if p.name.lower() == text.lower()), None)
    if found is None:
        names = ", ".join(p.name for p in vnet.peerings) or "none"
        raise InputError(
            f"Virtual network {vnet.name!r} has no peering {text!r}; its peerings: {names}."
        )
    return found
