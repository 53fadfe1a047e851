#!/bin/bash
# `ceph -w` level and channel flags on a one-mon / one-mgr cluster (no OSDs):
# watchers for -w, -w --watch-info|--watch-sec|--watch-warn|--watch-error,
# -w --watch-debug --watch-warn, --watch-channel audit, --watch-channel '*'
# --watch-debug, --watch-warn alone; then `osd pool create x`, `mgr fail`,
# `osd set noout` / `osd unset noout` (a WRN health check and its clearing),
# `log "hello from ceph -w"` and SIGINT to one watcher (its exit status).
# Usage: T=$(mktemp -d) bash watch_levels.sh ; then scrub.py (watch_lv_* files).
set -u
T=${T:?}; . "$(dirname "$0")/lib.sh"
D=$(cd "$(dirname "$0")" && pwd)
trap 'teardown' EXIT
cd "$T"; mkdir -p run log mon mgr
FSID=$(python3 -c 'import uuid; print(uuid.uuid4())'); echo "$FSID" > fsid
read -r P2 P1 < <(python3 -c 'import socket
ss=[socket.socket() for _ in range(2)]
[s.bind(("127.0.0.1",0)) for s in ss]; print(*[s.getsockname()[1] for s in ss])')
cat > ceph.conf <<CONF
[global]
fsid = $FSID
mon host = [v2:127.0.0.1:$P2,v1:127.0.0.1:$P1]
public network = 127.0.0.0/8
ms bind ipv6 = false
auth cluster required = none
auth service required = none
auth client required = none
run dir = $T/run
crash dir = $T/run
exporter sock dir = $T/run
pid file = $T/run/\$name.pid
log file = $T/log/\$cluster-\$name.log
mon cluster log file = $T/log/\$cluster.cluster.log
mon data = $T/mon/\$cluster-\$id
mgr data = $T/mgr/\$cluster-\$id
admin socket = $T/run/\$cluster-\$name.asok
mon warn on pool no redundancy = false
osd pool default size = 1
mon allow pool size one = true
mon mgr beacon grace = 5
mgr tick period = 1
mon tick interval = 1
CONF
monmaptool --create --fsid "$FSID" --addv a "[v2:127.0.0.1:$P2,v1:127.0.0.1:$P1]" monmap > /dev/null
ceph-mon -c ceph.conf --mkfs -i a --monmap monmap
start mon.a ceph-mon -c "$T/ceph.conf" -f -i a
waitfor 60 "${CEPH[@]}" quorum_status
mkdir -p mgr/ceph-x
start mgr.x ceph-mgr -c "$T/ceph.conf" -f -i x
mgrup() { "${CEPH[@]}" mgr stat -f json | python3 -c 'import json,sys; assert json.load(sys.stdin)["available"]'; }
waitfor 60 mgrup
sleep 3
W="$T/out/watch"; mkdir -p "$W"
ev() { echo "$(date -u +%H:%M:%S.%6N)  $*" | tee -a "$T/out/watch_lv_events.txt"; }
for spec in "lv_w|-w" "lv_w_info|-w --watch-info" "lv_w_sec|-w --watch-sec" "lv_w_warn|-w --watch-warn" \
            "lv_w_error|-w --watch-error" "lv_w_debug_warn|-w --watch-debug --watch-warn" \
            "lv_channel_audit|--watch-channel audit" "lv_channel_all_debug|--watch-channel * --watch-debug" \
            "lv_warn_alone|--watch-warn" "lv_sigint|-w"; do
  n=${spec%%|*}; a=${spec#*|}
  set -f; setsid python3 "$D/watch.py" "$W/$n" "${CEPH[@]}" $a < /dev/null > /dev/null 2>&1 & set +f
  echo "$! watcher.$n" >> "$T/pids"
done
sleep 2; for f in "$W"/*.pid; do echo "$(cat "$f") ceph-watch" >> "$T/pids"; done
sleep 3
ev "watchers started"
ev "ceph osd pool create x"; "${CEPH[@]}" osd pool create x 2>&1 | sed 's/^/    /'
sleep 3
ev "ceph mgr fail x"; "${CEPH[@]}" mgr fail x 2>&1
waitfor 60 mgrup; sleep 3
ev "ceph osd set noout"; "${CEPH[@]}" osd set noout 2>&1
sleep 4
ev "ceph osd unset noout"; "${CEPH[@]}" osd unset noout 2>&1
sleep 4
ev "ceph log hello from ceph -w"; "${CEPH[@]}" log "hello from ceph -w" 2>&1
sleep 4
SP=$(cat "$W/lv_sigint.pid"); kill -INT "$SP"; sleep 1
ev "SIGINT to ceph -w pid $SP; still running: $(kill -0 "$SP" 2>/dev/null && echo yes || echo no)"
ev "stopping watchers"
for f in "$W"/*.pid; do kill -TERM "$(cat "$f")" 2> /dev/null; done
sleep 1
cp "$T/log/ceph.cluster.log" "$T/out/watch_lv_cluster_log.txt" 2>/dev/null
echo "done: $T"
