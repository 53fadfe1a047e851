"""A module that cannot run here."""

from mgr_module import MgrModule


class NeedsGpu(MgrModule):
    COMMANDS = [{"cmd": "gpu status", "desc": "status", "perm": "r"}]

    @staticmethod
    def can_run():
        return False, "needs a GPU"
