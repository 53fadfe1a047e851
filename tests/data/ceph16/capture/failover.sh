#!/bin/bash
# Watchers (`ceph -w` and friends) recorded while the cluster goes through
# `mgr fail`, kill -9 of the active mgr, kill -9 of the mon the main `ceph -w`
# follows, and `osd down`. Event times go to $T/out/watch_events.txt.
T=${T:?}; . "$(dirname "$0")/lib.sh"
D=$(dirname "$0"); W="$T/out/watch"; mkdir -p "$W"
ev() { echo "$(date -u +%H:%M:%S.%6N)  $*" | tee -a "$T/out/watch_events.txt"; }
mon_port_of() {  # remote mon port of an established connection of pid $1
  ss -tnpH state established 2> /dev/null | grep "pid=$1," | awk '{print $4}' | sed 's/.*://' | grep -E '^(330[0-2]|6789|679[01])$' | head -1
}
active_mgr() { "${CEPH[@]}" mgr stat -f json | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["active_name"] if d["available"] else "")'; }
wpids=()
for spec in "w|-w" "watch|--watch" "watch_debug|--watch-debug" "watch_channel_audit|--watch-channel audit" \
            "watch_channel_cephadm|--watch-channel cephadm" "watch_channel_all|--watch-channel *" \
            "w_watch_debug|-w --watch-debug" "w_json|-w -f json" "w_json_pretty|-w -f json-pretty"; do
  n=${spec%%|*}; a=${spec#*|}
  set -f; setsid python3 "$D/watch.py" "$W/$n" "${CEPH[@]}" $a < /dev/null > /dev/null 2>&1 & set +f
  echo "$! watcher.$n" >> "$T/pids"
done
sleep 1; for f in "$W"/*.pid; do cat "$f"; done | while read -r p; do echo "$p ceph-watch" >> "$T/pids"; done
WP=$(cat "$W/w.pid")
sleep 4
ev "watchers started; ceph -w pid $WP follows mon port $(mon_port_of "$WP")"
A=$(active_mgr); ev "active mgr $A; ceph mgr fail $A"
"${CEPH[@]}" mgr fail "$A"
cap mgr_dump_activating.json mgr dump -f json-pretty
cap mgr_dump_activating.compact.json mgr dump -f json
ev "mgr dump while activating captured"
s=$(date +%s.%N); cap tell_mgr_version_during_mgr_fail.txt tell mgr version; e=$(date +%s.%N)
ev "tell mgr version right after mgr fail returned after $(echo "$e - $s" | bc) s"
mgr_up() { [ -n "$(active_mgr)" ]; }
waitfor 60 mgr_up
sleep 8
A=$(active_mgr); P=$(pid_of mgr.$A); ev "kill -9 active mgr $A (pid $P)"
kill -9 "$P"
s=$(date +%s.%N); CAP_TIMEOUT=90 cap tell_mgr_version_during_mgr_kill9.txt tell mgr version; e=$(date +%s.%N)
ev "tell mgr version right after kill -9 returned after $(echo "$e - $s" | bc) s: $(cat "$T/out/tell_mgr_version_during_mgr_kill9.txt" | tr -d '\n ')"
mgr_avail() { [ -n "$(active_mgr)" ] && [ "$(active_mgr)" != "$A" ]; }
waitfor 60 mgr_avail
ev "new active mgr $(active_mgr)"
start mgr.$A ceph-mgr -c "$T/ceph.conf" -f -i "$A"; ev "restarted mgr.$A"
sleep 8
port=$(mon_port_of "$WP")
case $port in 3300|6789) M=a;; 3301|6790) M=b;; 3302|6791) M=c;; *) M="";; esac
MP=$(pid_of mon.$M); ev "ceph -w follows mon.$M (port $port); kill -9 mon.$M (pid $MP)"
kill -9 "$MP"; s=$(date +%s.%N)
deadline=$(( $(date +%s) + 60 ))
while :; do
  np=$(mon_port_of "$WP")
  if [ -n "$np" ] && [ "$np" != "$port" ]; then
    e=$(date +%s.%N); ev "ceph -w reconnected to mon port $np after $(echo "$e - $s" | bc) s"; break
  fi
  [ "$(date +%s)" -ge $deadline ] && { ev "ceph -w did not reconnect within 60 s"; break; }
  sleep 0.05
done
sleep 10
start mon.$M ceph-mon -c "$T/ceph.conf" -f -i "$M"; ev "restarted mon.$M"
quorum3() { "${CEPH[@]}" quorum_status -f json | python3 -c 'import json,sys; assert len(json.load(sys.stdin)["quorum_names"])==3'; }
waitfor 60 quorum3; ev "quorum of 3 again"
sleep 3
ev "ceph osd down 1"; cap osd_down_1.txt osd down 1
up3() { "${CEPH[@]}" osd stat -f json | python3 -c 'import json,sys; assert json.load(sys.stdin)["num_up_osds"]==3'; }
waitfor 60 up3; ev "osd.1 up again"
sleep 5
for a in "5" "5 debug" "5 info cluster" "5 info audit" "5 info *"; do
  slug=$(echo "$a" | tr ' *' '_a')
  # shellcheck disable=SC2086
  set -f; cap log_last_${slug}_after_faults.txt log last $a; set +f
done
ev "stopping watchers"
for f in "$W"/*.pid; do kill "$(cat "$f")"; done
sleep 1
