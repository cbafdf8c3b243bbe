"""The sandbox cloud: an emulator of the part of Azure Resource Manager vnettui uses.

It plays Azure underneath the real SDK and shares no code with the client side:

    from tui.sandbox import SandboxTransport, SandboxCredential
    client = NetworkManagementClient(SandboxCredential(), sub_id,
                                     transport=SandboxTransport(path))
"""

from tui.sandbox.faults import FaultProfile
from tui.sandbox.store import NotASandboxError, SandboxFileError
from tui.sandbox.transport import SandboxCredential, SandboxTransport

__all__ = [
    "FaultProfile", "NotASandboxError", "SandboxCredential", "SandboxFileError",
    "SandboxTransport",
]
