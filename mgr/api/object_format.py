"""Formatting command results: ``Responder``, ``ErrorResponse`` and friends.

Our implementation of Ceph's ``object_format`` (Quincy and later):

- ``@Responder()`` goes *below* ``@CLICommand``: it adds an optional
  ``--format`` argument, calls the handler, and turns the returned object into
  ``(retval, body, status)``. The data come from ``to_simplified()`` if the
  object has it (``to_json()`` / ``to_yaml()`` first when ``compatible``),
  else the object itself. JSON is ``json.dumps(..., indent=2, sort_keys=True)``.
- Formats: ``json`` (default), ``json-pretty`` (same text), ``yaml``;
  ``plain`` only for objects with ``to_plain()``; ``xml`` is unsupported.
  Ceph's code compares the requested name with the enum *member* names, so
  it refuses the CLI's ``json-pretty`` spelling; we accept both spellings.
- Errors raised as `ErrorResponseBase` become their ``format_response()``;
  an unknown format name -> ``(-EINVAL, "", "Unknown format name: X")``, a
  known but unsupported one -> ``"Unsupported format: X"``.
"""

from __future__ import annotations

import enum
import errno
import functools
import inspect
import json
from collections.abc import Callable
from typing import Any, Protocol, runtime_checkable

import yaml

DEFAULT_JSON_INDENT = 2


class Format(str, enum.Enum):
    plain = "plain"
    json = "json"
    json_pretty = "json-pretty"
    yaml = "yaml"
    xml_pretty = "xml-pretty"
    xml = "xml"


@runtime_checkable
class SimpleDataProvider(Protocol):
    def to_simplified(self) -> Any: ...


@runtime_checkable
class JSONDataProvider(Protocol):
    def to_json(self) -> Any: ...


@runtime_checkable
class YAMLDataProvider(Protocol):
    def to_yaml(self) -> Any: ...


@runtime_checkable
class ReturnValueProvider(Protocol):
    def mgr_return_value(self) -> int: ...


@runtime_checkable
class StatusValueProvider(Protocol):
    def mgr_status_value(self) -> str: ...


class CommonFormatter(Protocol):
    def valid_formats(self) -> set[str]: ...


def _normalise(name: str) -> str:
    return name.replace("-", "_")


class ObjectFormatAdapter:
    """Renders an object in the formats it supports (``format_<name>`` methods)."""

    def __init__(
        self, obj: Any, json_indent: int | None = DEFAULT_JSON_INDENT, compatible: bool = False
    ) -> None:
        self.obj = obj
        self.json_indent = json_indent
        self.compatible = compatible

    def _data(self) -> Any:
        if self.compatible and isinstance(self.obj, JSONDataProvider):
            return self.obj.to_json()
        if isinstance(self.obj, SimpleDataProvider):
            return self.obj.to_simplified()
        return self.obj

    def format_json(self) -> str:
        return json.dumps(self._data(), indent=self.json_indent, sort_keys=True)

    def format_json_pretty(self) -> str:
        return self.format_json()

    def format_yaml(self) -> str:
        if self.compatible and isinstance(self.obj, YAMLDataProvider):
            data = self.obj.to_yaml()
        else:
            data = self._data()
        return str(yaml.safe_dump(data))

    def valid_formats(self) -> set[str]:
        names = {m.name for m in Format} | {m.value for m in Format}
        return names

    def supports(self, fmt: str) -> bool:
        if _normalise(fmt) == "plain":
            return callable(getattr(self.obj, "to_plain", None))
        return callable(getattr(self, f"format_{_normalise(fmt)}", None))

    def render(self, fmt: str) -> str:
        if _normalise(fmt) == "plain":
            return str(self.obj.to_plain())
        return str(getattr(self, f"format_{_normalise(fmt)}")())


class ErrorResponseBase(Exception):
    """An exception that knows its command result."""

    def format_response(self) -> tuple[int, str, str]:
        raise NotImplementedError()

    def mgr_return_value(self) -> int:
        raise NotImplementedError()


class UnknownFormat(ErrorResponseBase):
    def __init__(self, format_name: str) -> None:
        super().__init__(format_name)
        self.format_name = format_name

    def format_response(self) -> tuple[int, str, str]:
        return -errno.EINVAL, "", f"Unknown format name: {self.format_name}"

    def mgr_return_value(self) -> int:
        return -errno.EINVAL


class UnsupportedFormat(UnknownFormat):
    def format_response(self) -> tuple[int, str, str]:
        return -errno.EINVAL, "", f"Unsupported format: {self.format_name}"


class ErrorResponse(ErrorResponseBase):
    """``raise ErrorResponse("message", return_value=-errno.ENOENT)``."""

    def __init__(self, status: str, return_value: int | None = None) -> None:
        self.status = status
        self.return_value = return_value if return_value is not None else -errno.EINVAL
        super().__init__(status, return_value)

    def format_response(self) -> tuple[int, str, str]:
        return self.return_value, "", self.status

    def mgr_return_value(self) -> int:
        return self.return_value

    @property
    def errno(self) -> int:
        return abs(self.return_value)

    @classmethod
    def wrap(cls, exc: Exception, return_value: int | None = None) -> ErrorResponseBase:
        if isinstance(exc, ErrorResponseBase):
            return exc
        if return_value is None:
            err = getattr(exc, "errno", None)
            return_value = -abs(err) if isinstance(err, int) and err else -errno.EINVAL
        wrapped = cls(str(exc), return_value=return_value)
        wrapped.__cause__ = exc
        return wrapped


def _keep_signature(wrapper: Callable[..., Any], func: Callable[..., Any]) -> None:
    wrapper.__signature__ = inspect.signature(func)  # type: ignore[attr-defined]


def ErrorResponseHandler(func: Callable[..., Any]) -> Callable[..., Any]:
    """For a handler that returns a 3-tuple itself: converts ErrorResponseBase."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> tuple[int, str, str]:
        try:
            return tuple(func(*args, **kwargs))  # type: ignore[return-value]
        except ErrorResponseBase as e:
            return e.format_response()

    _keep_signature(wrapper, func)
    return wrapper


class ConstantResponderBase:
    """Ignores the handler's result and answers a constant (``EmptyResponder``: ``(0, "", "")``)."""

    def __call__(self, func: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> tuple[int, str, str]:
            try:
                result = func(*args, **kwargs)
            except ErrorResponseBase as e:
                return e.format_response()
            return self.response(result)

        _keep_signature(wrapper, func)
        return wrapper

    def response(self, result: Any) -> tuple[int, str, str]:
        return 0, "", ""


class EmptyResponder(ConstantResponderBase):
    def response(self, result: Any) -> tuple[int, str, str]:
        if result is not None:
            raise ValueError("EmptyResponder expects the handler to return None")
        return 0, "", ""


class Responder:
    """Format a handler's returned object; adds the optional ``format`` argument."""

    def __init__(self, formatter: type[ObjectFormatAdapter] | None = None) -> None:
        self.formatter = formatter or ObjectFormatAdapter

    def _respond(self, obj: Any, fmt: str) -> tuple[int, str, str]:
        adapter = self.formatter(obj)
        if fmt not in adapter.valid_formats():
            raise UnknownFormat(fmt)
        if not adapter.supports(fmt):
            raise UnsupportedFormat(fmt)
        retval = obj.mgr_return_value() if isinstance(obj, ReturnValueProvider) else 0
        status = obj.mgr_status_value() if isinstance(obj, StatusValueProvider) else ""
        return retval, adapter.render(fmt), status

    def __call__(self, func: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> tuple[int, str, str]:
            fmt = str(kwargs.pop("format", None) or "json")
            try:
                probe = self.formatter(None)
                if fmt not in probe.valid_formats():
                    raise UnknownFormat(fmt)
                if _normalise(fmt) != "plain" and not probe.supports(fmt):
                    raise UnsupportedFormat(fmt)
                obj = func(*args, **kwargs)
                return self._respond(obj, fmt)
            except ErrorResponseBase as e:
                return e.format_response()

        _keep_signature(wrapper, func)
        wrapper.extra_args = {"format": str}  # type: ignore[attr-defined]
        return wrapper
