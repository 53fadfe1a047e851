"""Build hook: the wheel carries the scenario library, the shipped modules and
the challenges for module authors.

Everything else is in ``pyproject.toml``. The top-level ``scenarios/``,
``modules/`` and ``challenges/`` folders stay where they are in the repository; when a wheel is
built they are copied into the package as ``sim/_library/<kind>/``, where
`sim.resources` finds them through `importlib.resources`.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
KINDS = ("scenarios", "modules", "challenges")
SKIP = shutil.ignore_patterns("__pycache__", "*.pyc", ".*")


class build_py_with_library(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads the checkout's folders directly
        for kind in KINDS:
            dest = Path(self.build_lib) / "sim" / "_library" / kind
            if dest.exists():
                shutil.rmtree(dest)
            shutil.copytree(HERE / kind, dest, ignore=SKIP)


setup(cmdclass={"build_py": build_py_with_library})
