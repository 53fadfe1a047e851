#!/bin/bash
# A one-mon Ceph 16.2 cluster under $T (no mgr, no OSD daemons) for mon-only
# captures: 3 OSD entries (`osd new`, crush host `hh`), pools
# device_health_metrics (pg 1) and p1 (pg 32), size 3 for p1; the warnings a
# bare mon raises are turned off so that only the checks a test raises show.
# Used by pool_set_refusals.sh and mute_lifecycle.sh. Kill it by pid ($T/mon.pid).
set -eu
T=${T:?}; mkdir -p "$T"/{run,log,mon,out}
FSID=$(python3 -c 'import uuid; print(uuid.uuid4())')
ADDR="[v2:127.0.0.1:${PORT:-43300},v1:127.0.0.1:${V1:-46789}]"
cat > "$T/ceph.conf" <<CONF
[global]
fsid = $FSID
mon host = $ADDR
public network = 127.0.0.0/8
ms bind ipv6 = false
auth cluster required = none
auth service required = none
auth client required = none
run dir = $T/run
crash dir = $T/run
pid file = $T/run/\$name.pid
log file = $T/log/\$cluster-\$name.log
mon cluster log file = $T/log/\$cluster.cluster.log
mon data = $T/mon/\$cluster-\$id
admin socket = $T/run/\$cluster-\$name.asok
mon warn on pool no redundancy = false
osd pool default size = 1
mon tick interval = 1
CONF
monmaptool --create --fsid "$FSID" --addv a "$ADDR" "$T/monmap" > /dev/null
ceph-mon -c "$T/ceph.conf" --mkfs -i a --monmap "$T/monmap" > /dev/null 2>&1
setsid ceph-mon -c "$T/ceph.conf" -f -i a >> "$T/log/mon.out" 2>&1 < /dev/null &
echo $! > "$T/mon.pid"
C=(ceph -c "$T/ceph.conf" --connect-timeout 10)
until "${C[@]}" -s > /dev/null 2>&1; do sleep 0.5; done
for i in 0 1 2; do
  "${C[@]}" osd new "$(python3 -c 'import uuid; print(uuid.uuid4())')" > /dev/null
  "${C[@]}" osd crush add "osd.$i" 0.0002 host=hh root=default > /dev/null 2>&1
done
"${C[@]}" osd pool create device_health_metrics 1 > /dev/null 2>&1
"${C[@]}" osd pool create p1 32 > /dev/null 2>&1
"${C[@]}" osd pool set p1 size 3 > /dev/null 2>&1
"${C[@]}" config set mon mon_warn_on_insecure_global_id_reclaim_allowed false
"${C[@]}" config set mon mon_data_avail_warn 1
