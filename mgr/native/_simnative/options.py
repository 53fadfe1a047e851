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

``opt`` is the module's declared ``Option`` dict.
"""

from __future__ import annotations

from sim.options.modules import module_value, module_value_problem

__all__ = ["module_value", "module_value_problem"]
