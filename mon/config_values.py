"""The mon's names for the one option parser (`sim.options.values`, `sim.options.modules`).

Kept so the mon's services import the parser where they always have;
nothing is defined here.
"""

from sim.options.modules import module_option
from sim.options.values import ParseError, parse_value, to_str, typed_default

__all__ = ["ParseError", "module_option", "parse_value", "to_str", "typed_default"]
