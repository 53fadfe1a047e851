"""A module whose dependency is missing: its import fails."""

import no_such_dependency_for_tests  # noqa: F401
from mgr_module import MgrModule


class Broken(MgrModule):
    pass
