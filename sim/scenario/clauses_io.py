"""Condition subjects that act: a `ceph` CLI command and an `http` request.

Both are also steps of their own (`ceph:` and `http:` run once and expect),
and both can be waited for (``wait_for: {ceph: "mgr stat", timeout: 5s}``
waits until the CLI reaches the cluster again).
"""

from __future__ import annotations

import errno
import http.client
import json
import shlex
import ssl
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sim.scenario.conditions import (
    Clause,
    CliResult,
    Snapshot,
    Unobservable,
    check_fields,
    parse_field_checks,
    render,
)
from sim.scenario.matchers import MISSING, Matcher, parse_matcher, show
from sim.scenario.schema import Checker, ParseContext
from sim.scenario.values import (
    DaemonRef,
    Duration,
    Template,
    parse_daemon,
    parse_duration,
    parse_template,
)
from sim.scenario.yamlnodes import Map, Node, Scalar

CEPH_TIMEOUT = Duration.of(10.0)
HTTP_TIMEOUT = Duration.of(5.0)


def parse_retval(ck: Checker, node: Node, what: str, ctx: ParseContext) -> Matcher | None:
    """``0``, ``-2``, ``ENOENT`` or a matcher such as ``{not: 0}``."""
    if isinstance(node, Scalar) and isinstance(node.value, str):
        name = node.value.strip().lstrip("-")
        code = getattr(errno, name, None)
        if not name.startswith("E") or not isinstance(code, int):
            ck.error(
                node,
                f"{what}: expected 0, a negative errno (-2) or an errno name (ENOENT), got {node.value!r}",
            )
            return None
        return Matcher((("eq", -code),))
    if isinstance(node, Scalar) and isinstance(node.value, int) and node.value > 0:
        return Matcher((("eq", -node.value),))  # `retval: 2` means ENOENT, as the CLI's exit code
    return parse_matcher(ck, node, what, ctx)


def _dotted_checks(
    ck: Checker, node: Node, what: str, ctx: ParseContext
) -> list[tuple[str, Matcher]] | None:
    return parse_field_checks(ck, node, what, ctx, {}, ("",))


def _json_view(text: str) -> dict[str, Any]:
    try:
        data = json.loads(text)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {"items": data}


@dataclass
class CephClause(Clause):
    """A ``ceph`` CLI command, run as ``python -m sim ceph`` runs it (validated
    against the mon's command descriptions, mgr commands sent to the active
    mgr). A string means: it succeeds. Keys: cmd, timeout (default 10s),
    retval (0, -2, ENOENT, {not: 0}), fails (any error, including no answer),
    stdout, stderr (matchers on the text), json (fields of the JSON output;
    adds ``-f json``).

        ceph: mgr fail
        ceph: {cmd: status, timeout: 1s, fails: true}
        ceph: {cmd: mgr stat, json: {available: true}}"""

    subject = "ceph"

    cmd: Template
    timeout: Duration = CEPH_TIMEOUT
    retval: Matcher = field(default_factory=lambda: Matcher((("eq", 0),)))
    stdout: Matcher | None = None
    stderr: Matcher | None = None
    json_checks: list[tuple[str, Matcher]] = field(default_factory=list)
    last: CliResult | None = field(default=None, compare=False, repr=False)  # for `show: true`

    @classmethod
    def parse(cls, ck: Checker, key: Scalar, node: Node, ctx: ParseContext) -> Clause | None:
        if isinstance(node, Scalar):
            cmd = parse_template(ck, node, "ceph", ctx)
            return cls(cmd) if cmd and _words_ok(ck, node, cmd) else None
        f = ck.fields(
            node,
            "ceph",
            required=("cmd",),
            optional=("timeout", "retval", "fails", "stdout", "stderr", "json"),
        )
        if f is None:
            return None
        cmd = parse_template(ck, f["cmd"], "ceph.cmd", ctx)
        if cmd is None or not _words_ok(ck, f["cmd"], cmd):
            return None
        out = cls(cmd)
        ok = True
        if "timeout" in f:
            t = parse_duration(ck, f["timeout"], "ceph.timeout", minimum=0.05)
            ok, out.timeout = ok and t is not None, t or CEPH_TIMEOUT
        if "retval" in f and "fails" in f:
            ck.error(f["fails"], "ceph: give either retval or fails, not both")
            ok = False
        elif "retval" in f:
            r = parse_retval(ck, f["retval"], "ceph.retval", ctx)
            ok, out.retval = ok and r is not None, r or out.retval
        elif "fails" in f:
            fails = ck.boolean(f["fails"], "ceph.fails")
            ok = ok and fails is not None
            out.retval = Matcher((("not", 0),)) if fails else out.retval
        for name in ("stdout", "stderr"):
            if name in f:
                m = parse_matcher(ck, f[name], f"ceph.{name}", ctx)
                ok = ok and m is not None
                setattr(out, name, m)
        if "json" in f:
            checks = _dotted_checks(ck, f["json"], "ceph.json", ctx)
            ok, out.json_checks = ok and checks is not None, checks or []
        return out if ok else None

    def line(self, snap: Snapshot) -> str:
        line = render(self.cmd, snap.obs)
        words = shlex.split(line)
        if self.json_checks and not any(
            w in ("-f", "--format") or w.startswith("--format=") for w in words
        ):
            line += " --format json"
        return line

    def evaluate(self, snap: Snapshot) -> tuple[bool, str]:
        line = self.line(snap)
        r = self.last = snap.obs.ceph_cli(line, snap.budget(self.timeout.seconds(snap.obs.options)))
        variables = snap.obs.variables
        ok = self.retval.test(r.retval, variables)
        name = errno.errorcode.get(-r.retval, "") if r.retval < 0 else ""
        seen = [f"`ceph {line}` retval {r.retval}{f' ({name})' if name else ''}"]
        for label, m, text in (
            ("stdout", self.stdout, r.stdout),
            ("stderr", self.stderr, r.stderr),
        ):
            if m is not None:
                good = m.test(text, variables)
                ok = ok and good
                seen.append(f"{label} {m.describe()}" if good else f"{label} = {show(text)}")
        if not (self.stdout or self.stderr) and r.retval and r.stderr.strip():
            seen.append(f"stderr = {show(r.stderr.strip())}")
        if self.json_checks:
            good, text = check_fields(self.json_checks, _json_view(r.stdout), "json", snap)
            ok, seen = ok and good, [*seen, text]
        return ok, ", ".join(seen)

    def label(self) -> str:
        return f"ceph {self.cmd}"

    def describe(self, variables: Mapping[str, str] | None = None) -> str:
        parts = [f"`ceph {self.cmd}` retval {self.retval.describe()}"]
        parts += [
            f"{n} {m.describe(variables)}"
            for n, m in (("stdout", self.stdout), ("stderr", self.stderr))
            if m
        ]
        parts += [f"json.{n} {m.describe(variables)}" for n, m in self.json_checks]
        return ", ".join(parts)


def _words_ok(ck: Checker, node: Node, cmd: Template) -> bool:
    try:
        words = shlex.split(cmd.text)
    except ValueError as exc:
        ck.error(node, f"ceph: cannot split the command line: {exc}")
        return False
    if not words:
        ck.error(node, "ceph: the command is empty")
        return False
    return True


@dataclass
class HttpResponse:
    status: int
    headers: dict[str, str]
    body: str


def http_request(
    url: str, method: str, data: str | None, headers: dict[str, str], timeout: float
) -> HttpResponse:
    u = urllib.parse.urlsplit(url)
    if u.scheme not in ("http", "https") or not u.hostname:
        raise Unobservable(f"not an http(s) URL: {url!r}")
    if u.scheme == "https":
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE  # a simulator's self-signed module certificates
        conn: http.client.HTTPConnection = http.client.HTTPSConnection(
            u.hostname, u.port, timeout=timeout, context=ctx
        )
    else:
        conn = http.client.HTTPConnection(u.hostname, u.port, timeout=timeout)
    path = u.path or "/"
    if u.query:
        path += "?" + u.query
    try:
        conn.request(
            method, path, body=data.encode() if data is not None else None, headers=headers
        )
        resp = conn.getresponse()
        body = resp.read().decode(errors="replace")
        return HttpResponse(resp.status, {k.lower(): v for k, v in resp.getheaders()}, body)
    except (OSError, http.client.HTTPException) as exc:
        raise Unobservable(f"{method} {url}: {exc.__class__.__name__}: {exc}") from None
    finally:
        conn.close()


@dataclass
class HttpClause(Clause):
    """An HTTP request to a module. Target: url (a full URL, or a module name
    whose URI the MgrMap's services publish), service (a module name) with
    path, or daemon + module (that mgr's own listener, e.g. a standby's
    redirect). Keys: method, data, request_headers, timeout (default 5s), and
    what to expect: status, headers ({Location: …}), body, body_contains,
    json. Redirects are not followed: a standby's 303 is visible.

        http: {service: dashboard, path: /, status: 200}
        http: {daemon: mgr.standby, module: dashboard, status: 303}"""

    subject = "http"

    url: Template | None = None
    service: str = ""
    daemon: DaemonRef | None = None
    module: str = ""
    path: Template = field(default_factory=lambda: Template("/"))
    method: str = "GET"
    data: Template | None = None
    request_headers: dict[str, str] = field(default_factory=dict)
    timeout: Duration = HTTP_TIMEOUT
    checks: list[tuple[str, Matcher]] = field(default_factory=list)
    json_checks: list[tuple[str, Matcher]] = field(default_factory=list)

    KEYS = ("url", "service", "daemon", "module", "path", "method", "data", "request_headers", "timeout",
            "status", "headers", "body", "body_contains", "json")  # fmt: skip

    @classmethod
    def parse(cls, ck: Checker, key: Scalar, node: Node, ctx: ParseContext) -> Clause | None:
        f = ck.fields(node, "http", optional=cls.KEYS)
        if f is None:
            return None
        out, ok = cls(), True
        targets = [k for k in ("url", "service", "daemon") if k in f]
        if len(targets) != 1:
            ck.error(node, "http: give exactly one target: url, service, or daemon with module")
            return None
        if "url" in f:
            out.url = parse_template(ck, f["url"], "http.url", ctx)
            ok = ok and out.url is not None
        if "service" in f:
            out.service = ck.string(f["service"], "http.service") or ""
            ok = ok and bool(out.service)
        if "daemon" in f:
            out.daemon = parse_daemon(ck, f["daemon"], "http.daemon", ctx, types=("mgr",))
            if "module" not in f:
                ck.error(node, "http: daemon needs module: the module whose listener to ask")
            ok = ok and out.daemon is not None and "module" in f
        if "module" in f:
            out.module = ck.string(f["module"], "http.module") or ""
            ok = ok and bool(out.module) and "daemon" in f
        if "path" in f:
            p = parse_template(ck, f["path"], "http.path", ctx)
            ok, out.path = ok and p is not None, p or out.path
        if "method" in f:
            out.method = (
                ck.choice(
                    f["method"], "http.method", ("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH")
                )
                or ""
            )
            ok = ok and bool(out.method)
        if "data" in f:
            out.data = parse_template(ck, f["data"], "http.data", ctx, allow_empty=True)
            ok = ok and out.data is not None
        if "request_headers" in f:
            rh = f["request_headers"]
            if isinstance(rh, Map) and all(isinstance(v, Scalar) for _, v in rh.pairs):
                out.request_headers = {str(k.value): str(v.plain()) for k, v in rh.pairs}
            else:
                ck.expected(rh, "http.request_headers", "a mapping of header names to values")
                ok = False
        if "timeout" in f:
            t = parse_duration(ck, f["timeout"], "http.timeout", minimum=0.05)
            ok, out.timeout = ok and t is not None, t or out.timeout
        return out if _parse_expectations(ck, f, out, ctx) and ok else None

    def target(self, snap: Snapshot) -> str:
        obs = snap.obs
        path = render(self.path, obs)
        if self.url is not None:
            url = render(self.url, obs)
            if "://" in url:
                return url
            service = url  # `url: dashboard` names a module, as in the design notes
        elif self.daemon is not None:
            name = obs.resolve(self.daemon)
            st = obs.admin(name, "status", timeout=snap.budget(0.5))
            mods = st.get("modules", {})
            mods = mods.get("modules", mods) if isinstance(mods, dict) else {}
            uri = (mods.get(self.module) or {}).get("uri") if isinstance(mods, dict) else None
            if not uri:
                raise Unobservable(f"{name} publishes no URI for module {self.module!r}")
            return str(uri).rstrip("/") + path
        else:
            service = self.service
        services = snap.get(
            "mgr services", lambda: obs.mon_json("mgr services", timeout=snap.budget(2.0))
        )
        if service not in services:
            raise Unobservable(
                f"the MgrMap has no URI for {service!r} (services: {', '.join(services) or 'none'})"
            )
        return str(services[service]).rstrip("/") + path

    def evaluate(self, snap: Snapshot) -> tuple[bool, str]:
        url = self.target(snap)
        data = render(self.data, snap.obs) if self.data is not None else None
        timeout = snap.budget(self.timeout.seconds(snap.obs.options))
        r = http_request(url, self.method, data, self.request_headers, timeout)
        view: dict[str, Any] = {"status": r.status, "body": r.body, "body_contains": r.body}
        view |= {f"headers.{k}": v for k, v in r.headers.items()}
        ok, text = True, f"{self.method} {url} -> {r.status}"
        for name, m in self.checks:
            actual = view.get(name.lower() if name.startswith("headers.") else name, MISSING)
            good = m.test(actual, snap.obs.variables)
            ok = ok and good
            if not good and name not in ("status",):
                text += f", {name} = {show(actual)}"
        if self.json_checks:
            good, jt = check_fields(self.json_checks, _json_view(r.body), "json", snap)
            ok, text = ok and good, f"{text}, {jt}"
        return ok, text

    def label(self) -> str:
        return "http"

    def describe(self, variables: Mapping[str, str] | None = None) -> str:
        target = str(self.url) if self.url else self.service or f"{self.daemon}'s {self.module}"
        parts = [f"{n} {m.describe(variables)}" for n, m in self.checks]
        parts += [f"json.{n} {m.describe(variables)}" for n, m in self.json_checks]
        path = "" if self.url else str(self.path)
        return f"http {self.method} {target}{path}" + (f": {', '.join(parts)}" if parts else "")


def _parse_expectations(
    ck: Checker, f: dict[str, Node], out: HttpClause, ctx: ParseContext
) -> bool:
    ok = True
    if "status" in f:
        m = parse_matcher(ck, f["status"], "http.status", ctx)
        ok = ok and m is not None
        out.checks += [("status", m)] if m else []
    if "headers" in f:
        h = f["headers"]
        if not isinstance(h, Map):
            ck.expected(h, "http.headers", "a mapping of header names to expected values")
            ok = False
        else:
            for k, v in h.pairs:
                m = parse_matcher(ck, v, f"http.headers.{k.value}", ctx)
                ok = ok and m is not None
                out.checks += [(f"headers.{k.value}", m)] if m else []
    if "body" in f:
        m = parse_matcher(ck, f["body"], "http.body", ctx)
        ok = ok and m is not None
        out.checks += [("body", m)] if m else []
    if "body_contains" in f:
        text = ck.string(f["body_contains"], "http.body_contains")
        ok = ok and text is not None
        out.checks += [("body_contains", Matcher((("contains", text),)))] if text else []
    if "json" in f:
        checks = _dotted_checks(ck, f["json"], "http.json", ctx)
        ok, out.json_checks = ok and checks is not None, checks or []
    return ok
