"""Module option values as Ceph's C++ side types and checks them: the native seam to the one option schema.

In Ceph the module API gets typed option values from C++ (PyUtil.cc) and the
mon's ``Option::parse_value`` refuses bad ones; both are libcommon's option
code. Here that code is the simulator's one option table and parser
(`sim.options`), and this file is the only place the module API's side
reaches it: ``mgr_testing.FakeHost`` (which plays the C++ host in unit
tests) imports these two names from here, never `sim` itself.

- `module_value(module, opt, text)`: a stored ``mgr/<module>/<key>`` string
  as the module gets it (a string the parser refuses comes back as stored).
- `module_value_problem(module, opt, text)`: why the value would be refused
  (None: acceptable), in the words the mgr host uses.
- `native_default(name)`: Ceph's (non-daemon) default of a native option, as
  ``get_ceph_option`` types it; KeyError for an unknown name.

``opt`` is the module's declared ``Option`` dict.
"""

from __future__ import annotations

from typing import Any

from sim.options.modules import module_value, module_value_problem
from sim.options.table import option_table
from sim.options.values import python_value, typed_default

__all__ = ["module_value", "module_value_problem", "native_default"]


def native_default(name: str) -> Any:
    opt = option_table()[name]
    return python_value(opt, typed_default(opt, daemon=False))
