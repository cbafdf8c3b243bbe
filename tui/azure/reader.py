"""One pipeline for every raw read: the SDK's ARM pipeline without a typed client.

Every bulk read (the subscription list, the lists per subscription, Resource Graph queries,
a VNet's GET while polling) goes out as a raw `HttpRequest` through `send_request`, so it
needs the client's pipeline and none of its typed operations. The generated clients cost a
second of imports (azure.mgmt.network alone imports its synchronous client and 2,000
models); this is the same `AsyncARMPipelineClient` with the same policies in the same
order as theirs (request id, headers, user agent, proxy, content decoding, resource-provider
registration, redirect, retry, the ARM challenge authentication, our per-retry policies,
logging, tracing), built from azure-core and azure-mgmt-core alone, so the explorer's first
data never waits for the typed clients. Writes and long-running operations keep using them.
"""

from __future__ import annotations

from typing import Any

from azure.core.pipeline import policies
from azure.mgmt.core import AsyncARMPipelineClient
from azure.mgmt.core.policies import (
    ARMHttpLoggingPolicy,
    AsyncARMAutoResourceProviderRegistrationPolicy,
    AsyncARMChallengeAuthenticationPolicy,
)

from tui.azure.connection import Connection

SDK_MONIKER = "vnettui-reader"


def raw_reader(connection: Connection, transport: Any = None) -> AsyncARMPipelineClient[Any, Any]:
    """A pipeline client for `send_request` with absolute ARM URLs."""
    kwargs = connection.client_kwargs(transport)
    kwargs.pop("base_url")
    kwargs.pop("polling_interval")
    scopes = kwargs.pop("credential_scopes")
    kwargs.setdefault("sdk_moniker", SDK_MONIKER)
    redirect = policies.AsyncRedirectPolicy(**kwargs)
    pipeline = [
        policies.RequestIdPolicy(**kwargs),
        policies.HeadersPolicy(**kwargs),
        policies.UserAgentPolicy(**kwargs),
        policies.ProxyPolicy(**kwargs),
        policies.ContentDecodePolicy(**kwargs),
        AsyncARMAutoResourceProviderRegistrationPolicy(),
        redirect,
        policies.AsyncRetryPolicy(**kwargs),
        AsyncARMChallengeAuthenticationPolicy(connection.credential, *scopes, **kwargs),
        policies.CustomHookPolicy(**kwargs),
        policies.NetworkTraceLoggingPolicy(**kwargs),
        policies.DistributedTracingPolicy(**kwargs),
        policies.SensitiveHeaderCleanupPolicy(**kwargs),
        ARMHttpLoggingPolicy(**kwargs),
    ]
    return AsyncARMPipelineClient(base_url=connection.base_url, policies=pipeline, **kwargs)
