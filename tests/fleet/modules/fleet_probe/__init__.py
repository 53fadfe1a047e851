from .module import FleetProbe  # noqa: F401
