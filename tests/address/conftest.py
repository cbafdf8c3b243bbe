"""The peering workflow's sandbox fixtures (a Cloud: a sandbox file and a backend on it)."""

from tests.peering.conftest import az303, cloud_factory, showcase

__all__ = ["az303", "cloud_factory", "showcase"]
