#!/usr/bin/env python3
"""Run one `ceph` watcher (e.g. `ceph -w`) and record its stream.

    watch.py PREFIX ceph ARGS...
writes PREFIX.raw (stdout bytes as printed), PREFIX.stamped (each line
prefixed with the UTC time it was read, `HH:MM:SS.ffffff  `), PREFIX.stderr
and PREFIX.pid (the pid of the ceph process; kill it to stop). The child runs
with PYTHONUNBUFFERED=1 so that lines arrive as the CLI prints them.
"""

import datetime
import os
import subprocess
import sys


def main() -> None:
    prefix, argv = sys.argv[1], sys.argv[2:]
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    with open(prefix + ".stderr", "wb") as err:
        child = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=err, env=env, bufsize=0)
        with open(prefix + ".pid", "w") as f:
            f.write(f"{child.pid}\n")
        assert child.stdout is not None
        with open(prefix + ".raw", "wb") as raw, open(prefix + ".stamped", "w") as st:
            for line in iter(child.stdout.readline, b""):
                now = datetime.datetime.now(datetime.UTC).strftime("%H:%M:%S.%f")
                raw.write(line)
                raw.flush()
                st.write(f"{now}  {line.decode(errors='replace')}")
                st.flush()
        child.wait()


if __name__ == "__main__":
    main()
