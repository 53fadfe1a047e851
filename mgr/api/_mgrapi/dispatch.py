"""Calling into a module the way ceph-mgr's C++ does (shared by the real and fake hosts).

- `invoke_command`: ActivePyModule::handle_command. Any exception ->
  ``(-EINVAL, "", <traceback>)``; a result that is not a 3-tuple ->
  ``(-EINVAL, "", "command handler returned wrong type")``.
- `call_remote`: ActivePyModule::dispatch_remote, in the caller's thread.
  No running target -> ImportError("Module not found"); no such attribute ->
  NameError("Method not found"); anything raised by the callee ->
  RuntimeError("Remote method threw exception: <traceback>").
"""

from __future__ import annotations

import errno
import traceback
from typing import Any

WRONG_TYPE = "command handler returned wrong type"


def invoke_command(module: Any, cmd: dict[str, Any], inbuf: str) -> tuple[int, str, str]:
    try:
        result = module._handle_command(inbuf, cmd)
    except Exception:
        return -errno.EINVAL, "", traceback.format_exc()
    if not isinstance(result, tuple) or len(result) != 3:
        return -errno.EINVAL, "", WRONG_TYPE
    retval, outb, outs = result
    if not isinstance(retval, int) or isinstance(retval, bool):
        return -errno.EINVAL, "", WRONG_TYPE
    if isinstance(outb, bytes):
        outb = outb.decode(errors="replace")
    if not isinstance(outb, str) or not isinstance(outs, str):
        return -errno.EINVAL, "", WRONG_TYPE
    return retval, outb, outs


def call_remote(
    target: Any, method_name: str, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> Any:
    if target is None:
        raise ImportError("Module not found")
    method = getattr(target, method_name, None)
    if method is None or not callable(method):
        raise NameError("Method not found")
    try:
        return method(*args, **kwargs)
    except Exception:
        raise RuntimeError(f"Remote method threw exception: {traceback.format_exc()}") from None
