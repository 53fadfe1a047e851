#!/usr/bin/env python3
"""Apply the README's placeholders to raw captures and copy them into the repo.

    scrub.py DEST CAPTURE_DIR [CAPTURE_DIR ...]
Each CAPTURE_DIR is a $T of setup.sh (holds `fsid` and `out/`). Replaces the
fsid by <fsid>, the folder by <dir>, the host name by <host> and
container_name values by <container>; renames `X.stderr` to `X.stderr.txt`
and `out/watch/N.raw|.stamped` to `watch_N.txt|watch_N.stamped.txt`; refuses
to overwrite an existing file; appends the manifest rows to DEST/manifest.tsv.
"""

import pathlib
import re
import socket
import sys


def scrubber(tdir: pathlib.Path):
    fsid = (tdir / "fsid").read_text().strip()
    host = socket.gethostname().split(".")[0]
    host_re = re.compile(r"(?<![\w.-])" + re.escape(host) + r"(?![\w-])")
    cont_re = re.compile(r'("container_name": ?")[^"]*(")')

    def scrub(text: str) -> str:
        text = text.replace(fsid, "<fsid>").replace(str(tdir), "<dir>")
        text = cont_re.sub(r"\1<container>\2", text)
        return host_re.sub("<host>", text)

    return scrub


def target_name(rel: pathlib.Path) -> str:
    if rel.parts[0] == "watch":
        stem, _, kind = rel.name.rpartition(".")
        return {
            "raw": f"watch_{stem}.txt",
            "stamped": f"watch_{stem}.stamped.txt",
            "stderr": f"watch_{stem}.stderr.txt",
        }.get(kind, "")
    if rel.name.endswith(".stderr"):
        base = rel.name[: -len(".stderr")]
        return base.rsplit(".", 1)[0] + ".stderr.txt"
    return rel.name


def main() -> None:
    dest = pathlib.Path(sys.argv[1])
    rows = []
    for arg in sys.argv[2:]:
        tdir = pathlib.Path(arg).resolve()
        scrub = scrubber(tdir)
        out = tdir / "out"
        for path in sorted(out.rglob("*")):
            rel = path.relative_to(out)
            if path.is_dir() or rel.name == "manifest.rows":
                continue
            name = target_name(rel)
            if not name:
                continue
            target = dest / name
            if target.exists():
                raise SystemExit(f"refusing to overwrite {target}")
            target.write_text(
                scrub(path.read_text(errors="surrogateescape")), errors="surrogateescape"
            )
        man = out / "manifest.rows"
        if man.exists():
            rows += [scrub(line) for line in man.read_text().splitlines() if line]
    with open(dest / "manifest.tsv", "a") as f:
        for row in rows:
            f.write(row + "\n")
    print(f"{len(rows)} manifest rows", file=sys.stderr)


if __name__ == "__main__":
    main()
