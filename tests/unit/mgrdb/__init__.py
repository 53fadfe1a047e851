"""Tests of the ``ceph`` SQLite VFS (libcephsqlite for the simulator) and ``MgrModule.db``."""
