"""URL routing: which ARM request is this, and what does the sandbox answer.

Paths follow azure-facts.md section 4. Lists are paged with a small page size and a
`nextLink` that carries every original query parameter (the SDK fetches it verbatim).

What a request and an answer are is in `wire`, the refusals for a request's form in
`refusals`; `HOST`, `Answer`, `Request` and `parse` are importable from here too.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import quote, urlencode

from tui.sandbox import operations, peerings, vnets
from tui.sandbox.builders import PEERING_TYPE, VM_TYPE, VNET_TYPE, instance_view
from tui.sandbox.errors import ArmError, bad_request, linked_authorization_failed, not_found
from tui.sandbox.faults import FaultProfile
from tui.sandbox.graph import endpoint as graph_endpoint
from tui.sandbox.graph import results as graph_results
from tui.sandbox.graph import workers as graph_workers
from tui.sandbox.graph.endpoint import GraphState
from tui.sandbox.refusals import (
    forbidden,
    method_not_allowed,
    no_route,
    object_body,
    preconditions,
)
from tui.sandbox.store import (
    SUBSCRIPTION_TYPE,
    IdParts,
    Resource,
    SandboxStore,
    Tx,
)
from tui.sandbox.tenants import ANY_TENANT, HOME_TENANT
from tui.sandbox.vms import vm_view
from tui.sandbox.wire import HOST, Answer, Request, parse

LOG = logging.getLogger(__name__)

# VM power actions: (state while the operation runs, state when it settles).
POWER = {
    "start": ("starting", "running"),
    "restart": ("starting", "running"),
    "poweroff": ("stopping", "stopped"),
    "deallocate": ("deallocating", "deallocated"),
}

# Types the sandbox lists, keyed by lower-cased "namespace/type".
LISTABLE = {
    "microsoft.network/virtualnetworks",
    "microsoft.network/networkinterfaces",
    "microsoft.network/networksecuritygroups",
    "microsoft.network/routetables",
    "microsoft.network/virtualnetworkgateways",
    "microsoft.network/publicipaddresses",
    "microsoft.network/networkwatchers",
    "microsoft.compute/virtualmachines",
}



class Router:
    """Answers one request against the store. Stateless apart from the store and faults."""

    def __init__(
        self,
        store: SandboxStore,
        faults: FaultProfile,
        *,
        page_size: int = 50,
        is_forbidden: Callable[[str], bool] = lambda _s: False,
        graph: GraphState | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.store = store
        self.faults = faults
        self.page_size = max(1, page_size)
        self.is_forbidden = is_forbidden
        self.clock = clock
        self.graph = graph or GraphState.for_profile(faults, clock)

    def handle(self, request: Request) -> Answer:
        try:
            operations.settle(self.store)
            return self._route(request)
        except ArmError as error:
            return Answer(error.status, error.body(), dict(error.headers))
        except (sqlite3.Error, MemoryError):
            raise
        except Exception as error:
            # A request the sandbox cannot make sense of must not crash the client: answer
            # as ARM does when it fails inside, and keep the details in the log.
            LOG.exception("sandbox failed on %s %s", request.method, request.path)
            failure = ArmError(500, "InternalServerError",
                               f"The sandbox failed on this request ({type(error).__name__}).")
            return Answer(500, failure.body())

    # --- dispatch -----------------------------------------------------------------------
    def _route(self, req: Request) -> Answer:
        segs = [s for s in req.path.split("/") if s]
        low = [s.lower() for s in segs]
        if not req.api_version:
            raise bad_request(
                "MissingApiVersionParameter",
                "The api-version query parameter (?api-version=) is required for all requests.",
            )
        if low == ["providers", "microsoft.resourcegraph", "resources"]:
            return self._only(req, "POST", lambda: self._graph_query(req))
        if not low or low[0] != "subscriptions":
            raise no_route(req)
        if len(segs) == 1:
            return self._only(req, "GET", lambda: self._list_subscriptions(req))
        sub = segs[1]
        if self.is_forbidden(sub):
            raise forbidden(req, sub)
        self._check_tenant(req, sub)
        if len(segs) == 2:
            return self._only(req, "GET", lambda: self._get_plain(f"/subscriptions/{sub}"))
        if low[2] == "providers" and len(segs) >= 5:
            if len(segs) == 8 and low[4] == "locations" and low[6] in (
                "operations", "operationresults"
            ):
                return self._only(req, "GET", lambda: self._operation(req, segs[7], low[6]))
            if len(segs) == 5:
                kind = f"{low[3]}/{low[4]}"
                return self._only(req, "GET", lambda: self._list(req, kind, sub, None))
            if len(segs) == 7 and low[4] == "locations":
                kind, where = f"{low[3]}/{low[6]}", segs[5]
                return self._only(req, "GET", lambda: self._list(req, kind, sub, None, where))
            raise no_route(req)
        if low[2] != "resourcegroups" or len(segs) < 4:
            raise no_route(req)
        rg = segs[3]
        if len(segs) == 4:
            return self._only(req, "GET", lambda: self._get_plain("/".join(["", *segs])))
        if low[4] != "providers" or len(segs) < 7:
            raise no_route(req)
        kind = f"{low[5]}/{low[6]}"
        if len(segs) == 7:
            with self.store.read() as tx:
                peerings.require_group(tx, "/" + "/".join(segs))
            return self._only(req, "GET", lambda: self._list(req, kind, sub, rg))
        resource_id = "/" + "/".join(segs[:8])
        if len(segs) == 8:
            return self._resource(req, kind, resource_id)
        child = low[8]
        if kind == "microsoft.network/virtualnetworks" and child == "virtualnetworkpeerings":
            if len(segs) == 9:
                return self._only(req, "GET", lambda: self._list_peerings(req, resource_id))
            if len(segs) == 10:
                return self._peering(req, "/" + "/".join(segs))
        if kind == "microsoft.network/virtualnetworks" and child == "subnets":
            if len(segs) == 9:
                return self._only(req, "GET", lambda: self._subnets(resource_id, None))
            if len(segs) == 10:
                return self._only(req, "GET", lambda: self._subnets(resource_id, segs[9]))
        action = (kind, child, len(segs))
        if action == ("microsoft.network/networkwatchers", "connectivitycheck", 9):
            return self._only(req, "POST", lambda: self._connectivity(req, resource_id))
        if action == ("microsoft.compute/virtualmachines", "instanceview", 9):
            return self._only(req, "GET", lambda: self._instance_view(resource_id))
        if kind == "microsoft.compute/virtualmachines" and child in POWER and len(segs) == 9:
            return self._only(req, "POST", lambda: self._power(req, resource_id, child))
        raise no_route(req)

    def _graph_query(self, req: Request) -> Answer:
        """Checked here; a large file's page is answered later, outside the transport's
        lock and in a helper process (`graph.workers`), a small one's at once."""
        request, headers = graph_endpoint.prepare(
            self.store, req.body, api_version=req.api_version, tenant=req.tenant,
            is_forbidden=self.is_forbidden, faults=self.faults, state=self.graph,
            now=self.clock(),
        )
        if graph_endpoint.size(self.store, self.graph) > graph_workers.LARGE:
            return Answer(200, None, headers, deferred=request)
        status, text = graph_results.compute(request, self.store, self.graph.results)
        return Answer(status, None, headers, raw=text)

    def _check_tenant(self, req: Request, sub: str) -> None:
        """A subscription answers tokens of its own tenant only (401 otherwise)."""
        owner = self._tenant_of(sub)
        if owner is not None and req.tenant != ANY_TENANT and owner != req.tenant:
            raise ArmError(
                401, "InvalidAuthenticationTokenTenant",
                f"The access token is from the wrong issuer 'https://sts.windows.net/"
                f"{req.tenant}/'. It must match the tenant 'https://sts.windows.net/{owner}/' "
                "associated with this subscription. Please use the authority (URL) "
                f"'https://login.windows.net/{owner}' to get the token.",
            )

    def _tenant_of(self, sub: str) -> str | None:
        owner = self.store.subscription_tenant(sub)
        return None if owner is None else owner or HOME_TENANT

    def _linked(self, req: Request, peering_id: str) -> Callable[[Resource], None]:
        """Rights on a peering's remote VNet in another subscription: `peer/action` there,
        and, when it lives in another tenant, a token of that tenant among the auxiliary
        tokens."""
        def check(remote: Resource) -> None:
            sub = IdParts.parse(remote.id).subscription
            if self.is_forbidden(sub):
                raise linked_authorization_failed(peering_id, remote.id)
            owner = self._tenant_of(sub) or HOME_TENANT
            local = self._tenant_of(IdParts.parse(peering_id).subscription) or HOME_TENANT
            if owner != local and not req.aux_tenants & {owner, ANY_TENANT}:
                raise linked_authorization_failed(
                    peering_id, remote.id,
                    f"the current tenant '{local}' is not authorized to access linked "
                    f"subscription '{sub}' (send a token for tenant '{owner}' in "
                    "x-ms-authorization-auxiliary).",
                )
        return check

    @staticmethod
    def _only(req: Request, method: str, action: Callable[[], Answer]) -> Answer:
        if req.method != method:
            raise method_not_allowed(req)
        return action()

    # --- reads --------------------------------------------------------------------------
    def _get_plain(self, resource_id: str) -> Answer:
        with self.store.read() as tx:
            found = tx.get(resource_id)
        if found is None:
            parts = IdParts.parse(resource_id)
            if found is None and not parts.resource_group:
                raise ArmError(404, "SubscriptionNotFound",
                               f"The subscription '{parts.subscription}' could not be found.")
            raise ArmError(404, "ResourceGroupNotFound",
                           f"Resource group '{parts.name}' could not be found.")
        return Answer(200, found.body)

    def _list_subscriptions(self, req: Request) -> Answer:
        with self.store.read() as tx:
            page = tx.page(SUBSCRIPTION_TYPE, after=req.query.get("$skiptoken", ""),
                           limit=self.page_size)
        # A token sees the subscriptions of its own tenant (one the sandbox did not issue
        # names no tenant: it sees them all).
        mine = [r.body for r in page
                if req.tenant in (ANY_TENANT, str(r.body.get("tenantId", HOME_TENANT)).lower())]
        return self._paged(req, mine, page)

    def _list(
        self, req: Request, kind: str, sub: str, rg: str | None, location: str | None = None
    ) -> Answer:
        if kind not in LISTABLE:
            raise no_route(req)
        with self.store.read() as tx:
            if not tx.exists(f"/subscriptions/{sub}"):
                raise ArmError(404, "SubscriptionNotFound",
                               f"The subscription '{sub}' could not be found.")
            rows = tx.page_raw(kind, subscription=sub, resource_group=rg, location=location,
                               after=req.query.get("$skiptoken", ""), limit=self.page_size)
            parts = self._views(tx, req, kind, rows)
        raw = '{"value":[' + ",".join(parts) + "]"
        if len(rows) == self.page_size:
            raw += ',"nextLink":' + json.dumps(self._next_link(req, rows[-1][0]))
        return Answer(200, raw=raw + "}")

    def _views(self, tx: Tx, req: Request, kind: str, rows: list[tuple[str, str]]) -> list[str]:
        """Each row's JSON as served; decoded only where the stored body is not the answer
        (a VNet with peerings to list inside it, a VM whose instance view is not wanted)."""
        if kind == VNET_TYPE.lower():
            links = tx.children_of_many([key for key, _ in rows], PEERING_TYPE)
            by_parent: dict[str, list[Resource]] = {}
            for link in links:
                by_parent.setdefault(IdParts.parse(link.id).parent, []).append(link)
            return [
                json.dumps(vnets.vnet_view(_resource(key, text, VNET_TYPE), by_parent[key]))
                if key in by_parent else text
                for key, text in rows
            ]
        if kind == VM_TYPE.lower() and not _wants_instance_view(req):
            return [json.dumps(vm_view(_resource(key, text, VM_TYPE), with_instance_view=False))
                    for key, text in rows]
        return [text for _, text in rows]

    def _next_link(self, req: Request, last_key: str) -> str:
        params = [(k, v) for k, v in req.raw_query if k.lower() != "$skiptoken"]
        params.append(("$skiptoken", last_key))
        return f"{req.host}{quote(req.path)}?{urlencode(params)}"

    def _paged(self, req: Request, bodies: list[Any], page: list[Resource]) -> Answer:
        body: dict[str, Any] = {"value": bodies}
        if len(page) == self.page_size:
            body["nextLink"] = self._next_link(req, page[-1].key)
        return Answer(200, body)

    def _list_peerings(self, req: Request, vnet_id: str) -> Answer:
        with self.store.read() as tx:
            peerings.require_parent(tx, vnet_id)
            links = [link for link in tx.children(vnet_id, PEERING_TYPE)
                     if link.key > req.query.get("$skiptoken", "")][: self.page_size]
            bodies = [link.body for link in links]
        return self._paged(req, bodies, links)

    def _subnets(self, vnet_id: str, name: str | None) -> Answer:
        with self.store.read() as tx:
            vnet = peerings.require_parent(tx, vnet_id)
        subnets = vnet.properties.get("subnets") or []
        if name is None:
            return Answer(200, {"value": subnets})
        for subnet in subnets:
            if str(subnet.get("name", "")).lower() == name.lower():
                return Answer(200, subnet)
        raise ArmError(404, "NotFound", f"Resource {vnet.id}/subnets/{name} not found.")

    def _instance_view(self, vm_id: str) -> Answer:
        with self.store.read() as tx:
            vm = self._top_level(tx, VM_TYPE.lower(), vm_id)
        return Answer(200, vm.properties.get("instanceView") or {"statuses": []})

    def _top_level(self, tx: Tx, kind: str, resource_id: str) -> Resource:
        peerings.require_group(tx, resource_id)
        found = tx.get(resource_id)
        if found is None or found.type.lower() != kind:
            namespace_type = "/".join(resource_id.split("/")[6:8])
            raise not_found(namespace_type, resource_id.rsplit("/", 1)[-1],
                            resource_id.split("/")[4])
        return found

    def _operation(self, req: Request, op_id: str, which: str) -> Answer:
        with self.store.read() as tx:
            op = tx.operation(op_id)
        if op is None:
            raise ArmError(404, "OperationNotFound", f"Operation {op_id} was not found.")
        if which == "operations":
            return Answer(200, operations.status_body(op))
        # The Location URL: 202 while running, then 204 (a delete) or 200.
        if op.status == "InProgress":
            _, location = operations.urls(op, req.host, req.api_version)
            return Answer(202, None, {"Location": location, "Retry-After": "1"})
        if op.status == "Failed" and op.error is not None:
            return Answer(500, {"error": op.error})
        return Answer(204 if op.kind == "delete" else 200, op.result)

    def _power(self, req: Request, vm_id: str, action: str) -> Answer:
        """start / restart / powerOff / deallocate: 202, transitional power state, then final."""
        from tui.sandbox.watcher import power_state  # with Network Watcher's rules

        during, after = POWER[action]
        with self.store.write() as tx:
            vm = self._top_level(tx, VM_TYPE.lower(), vm_id)
            if action == "restart" and power_state(vm) != "running":
                raise ArmError(409, "OperationNotAllowed",  # [U] code for this refusal
                               f"Cannot restart VM '{vm.name}' because it is not running.")
            error = None
            if self.faults.fails_write(vm.id):
                error = _planned_failure(vm.id)
            else:
                vm.properties["instanceView"] = instance_view(during)
                tx.put(vm)
            op = tx.add_operation(
                vm.key, f"power:{after}", region=_region(tx, vm), namespace="Microsoft.Compute",
                subscription=IdParts.parse(vm.id).subscription,
                seconds=self.faults.operation_seconds, error=error,
            )
            headers = operations.headers(op, req.host, req.api_version, location=True)
        return Answer(202, None, headers)

    def _connectivity(self, req: Request, watcher_id: str) -> Answer:
        """POST connectivityCheck: 202 + Location; the Location answers the result."""
        from tui.sandbox.watcher import check as watcher_check  # only this POST needs it

        body = object_body(req)
        with self.store.write() as tx:
            watcher = self._top_level(tx, "microsoft.network/networkwatchers", watcher_id)
            result = watcher_check(tx, body)
            op = tx.add_operation(
                watcher.key, "post", region=_region(tx, watcher), namespace="Microsoft.Network",
                subscription=IdParts.parse(watcher.id).subscription,
                seconds=self.faults.operation_seconds, result=result,
            )
            _, location = operations.urls(op, req.host, req.api_version)
        return Answer(202, None, {"Location": location, "Retry-After": "1",
                                  "x-ms-request-id": op.id})

    # --- top-level resources ------------------------------------------------------------
    def _resource(self, req: Request, kind: str, resource_id: str) -> Answer:
        if req.method == "GET":
            with self.store.read() as tx:
                found = self._top_level(tx, kind, resource_id)
                if kind == VNET_TYPE.lower():
                    return Answer(200, vnets.vnet_view(
                        found, tx.children(found.id, PEERING_TYPE)))
            if kind == VM_TYPE.lower():
                return Answer(200, vm_view(found, with_instance_view=_wants_instance_view(req)))
            return Answer(200, found.body)
        if kind == VNET_TYPE.lower() and req.method == "PUT":
            return self._put_vnet(req, resource_id)
        if kind == VNET_TYPE.lower() and req.method == "DELETE":
            return self._delete(req, resource_id, vnets.begin_delete_vnet)
        raise method_not_allowed(req)

    def _put_vnet(self, req: Request, vnet_id: str) -> Answer:
        body = object_body(req)
        with self.store.write() as tx:
            preconditions(req, tx.get(vnet_id))
            vnet, created = vnets.put_vnet(tx, vnet_id, body)
            return self._accepted(req, tx, vnet, created)

    # --- peerings -----------------------------------------------------------------------
    def _peering(self, req: Request, peering_id: str) -> Answer:
        if req.method == "GET":
            with self.store.read() as tx:
                return Answer(200, peerings.get_peering(tx, peering_id).body)
        if req.method == "PUT":
            body = object_body(req)
            with self.store.write() as tx:
                preconditions(req, tx.get(peering_id))
                peering, created = peerings.put_peering(
                    tx, peering_id, body, sync=req.flag("syncRemoteAddressSpace"),
                    check_linked=self._linked(req, peering_id),
                )
                return self._accepted(req, tx, peering, created)
        if req.method == "DELETE":
            return self._delete(req, peering_id, peerings.begin_delete_peering)
        raise method_not_allowed(req)

    # --- long-running writes ------------------------------------------------------------
    def _accepted(
        self, req: Request, tx: Tx, resource: Resource, created: bool
    ) -> Answer:
        """201/200 + Azure-AsyncOperation. A write the fault profile fails is undone here
        (the cloud stays as it was) and its operation ends Failed."""
        error = None
        if self.faults.fails_write(resource.id):
            error = _planned_failure(resource.id)
            answer_body = json.loads(json.dumps(resource.body))
            tx.conn.execute("ROLLBACK")
            tx.conn.execute("BEGIN IMMEDIATE")
        else:
            answer_body = resource.body
        op = tx.add_operation(
            resource.key, "put", region=_region(tx, resource), namespace=_namespace(resource),
            subscription=IdParts.parse(resource.id).subscription,
            seconds=self.faults.operation_seconds, error=error,
        )
        headers = operations.headers(op, req.host, req.api_version, location=False)
        return Answer(201 if created else 200, answer_body, headers)

    def _delete(
        self, req: Request, resource_id: str, begin: Callable[[Tx, str], Resource | None]
    ) -> Answer:
        with self.store.write() as tx:
            preconditions(req, tx.get(resource_id))
            doomed = begin(tx, resource_id)
            if doomed is None:
                return Answer(204, None)
            error = None
            if self.faults.fails_write(doomed.id, delete=True):
                error = _planned_failure(doomed.id)
                tx.conn.execute("ROLLBACK")
                tx.conn.execute("BEGIN IMMEDIATE")
            op = tx.add_operation(
                doomed.key, "delete", region=_region(tx, doomed), namespace=_namespace(doomed),
                subscription=IdParts.parse(doomed.id).subscription,
                seconds=self.faults.operation_seconds, error=error,
            )
            headers = operations.headers(op, req.host, req.api_version, location=True)
        return Answer(202, None, headers)


def _resource(key: str, text: str, resource_type: str) -> Resource:
    body = json.loads(text)
    return Resource(str(body.get("id") or key), resource_type, body)


def _wants_instance_view(req: Request) -> bool:
    return req.flag("statusOnly") or "instanceview" in req.query.get("$expand", "").lower()


def _region(tx: Tx, resource: Resource) -> str:
    location = resource.body.get("location")
    if not location:
        parent = tx.get(IdParts.parse(resource.id).parent)
        location = parent.body.get("location") if parent else None
    return str(location or "westeurope").replace(" ", "").lower()


def _namespace(resource: Resource) -> str:
    return resource.type.split("/", 1)[0]


def _planned_failure(resource_id: str) -> dict[str, Any]:
    return {
        "code": "InternalServerError",
        "message": f"An error occurred while writing {resource_id} (sandbox fault profile: "
                   "fail_writes or fail_deletes).",
        "details": [],
    }


__all__ = ["HOST", "LISTABLE", "Answer", "Request", "Router", "parse"]
