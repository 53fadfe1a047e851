# Shared helpers for recapturing the Ceph 16.2 goldens (source this file).
# Everything lives under $T (one temporary folder); daemons are started with
# setsid, their pids appended to $T/pids, and killed by pid in teardown.
# Outputs are written raw to $T/out/; placeholders are applied later by
# scrub.py, which also copies them into tests/data/ceph16/.
set -u
: "${T:?set T to the capture folder}"
CEPH=(ceph -c "$T/ceph.conf" --connect-timeout 10)
mkdir -p "$T/out"
MAN="$T/out/manifest.rows"

# cap NAME ARGS... : stdout of `ceph ARGS` -> $T/out/NAME, one manifest row.
cap() {
  local name=$1; shift
  local err rc
  err=$(mktemp "$T/err.XXXX")
  timeout "${CAP_TIMEOUT:-30}" "${CEPH[@]}" "$@" > "$T/out/$name" 2> "$err"; rc=$?
  row "$name" "ceph $*" "$rc" "$err"
  rm -f "$err"
  return 0
}

# caperr NAME ARGS... : like cap, and also keeps stderr in NAME.stderr
caperr() {
  local name=$1; shift
  local err rc
  err="$T/out/$name.stderr"
  timeout "${CAP_TIMEOUT:-30}" "${CEPH[@]}" "$@" > "$T/out/$name" 2> "$err"; rc=$?
  row "$name" "ceph $*" "$rc" "$err"
  return 0
}

# row FILE COMMAND RC STDERRFILE
row() {
  local e
  e=$(python3 -c 'import sys; print(open(sys.argv[1],errors="replace").read().replace("\\","\\\\").replace("\t","\\t").replace("\n","\\n"), end="")' "$4")
  printf '%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$(date -u +%H:%M:%S)" "$e" >> "$MAN"
}

# start NAME CMD... : start a daemon in the foreground of its own session
start() {
  local name=$1; shift
  setsid "$@" >> "$T/log/$name.out" 2>&1 < /dev/null &
  echo "$! $name" >> "$T/pids"
}

pid_of() { awk -v n="$1" '$2==n {p=$1} END {print p}' "$T/pids"; }

# waitfor SECONDS CMD... : poll until CMD succeeds
waitfor() {
  local deadline=$(( $(date +%s) + $1 )); shift
  until "$@" > /dev/null 2>&1; do
    [ "$(date +%s)" -ge "$deadline" ] && { echo "timeout waiting for: $*" >&2; return 1; }
    sleep 0.5
  done
}

teardown() {
  [ -f "$T/pids" ] || return 0
  while read -r p n; do kill -9 "$p" 2> /dev/null; done < "$T/pids"
}
