#!/bin/bash
# Start a throw-away Ceph 16.2 cluster on loopback under $T:
# 3 mons a b c, 2 mgrs x y, 3 memstore OSDs, 1 MDS + CephFS "cephfs", pool p1.
# AUTH=cephx for a cephx-enabled cluster (default: auth none).
# On failure every daemon started so far is killed (trap).
set -u
T=${T:?}; . "$(dirname "$0")/lib.sh"
trap 'rc=$?; [ $rc -ne 0 ] && teardown; exit $rc' EXIT
set -e
AUTH=${AUTH:-none}
BASE=${BASE:-3300}; V1=${V1:-6789}
cd "$T"; mkdir -p run log mon mgr crash osd mds
FSID=$(python3 -c 'import uuid; print(uuid.uuid4())'); echo "$FSID" > fsid
hosts=""; for i in 0 1 2; do hosts="$hosts,[v2:127.0.0.1:$((BASE+i)),v1:127.0.0.1:$((V1+i))]"; done
cat > ceph.conf <<CONF
[global]
fsid = $FSID
mon host = ${hosts#,}
public network = 127.0.0.0/8
ms bind ipv6 = false
auth cluster required = $AUTH
auth service required = $AUTH
auth client required = $AUTH
keyring = $T/keyring
run dir = $T/run
crash dir = $T/crash
exporter sock dir = $T/run
pid file = $T/run/\$name.pid
log file = $T/log/\$cluster-\$name.log
mon cluster log file = $T/log/\$cluster.cluster.log
mon data = $T/mon/\$cluster-\$id
mgr data = $T/mgr/\$cluster-\$id
osd data = $T/osd/\$cluster-\$id
mds data = $T/mds/\$cluster-\$id
osd objectstore = memstore
memstore device bytes = 268435456
osd crush chooseleaf type = 0
mon warn on too few osds = false
mon warn on insecure global id reclaim allowed = false
mon warn on pool no redundancy = false
osd pool default size = 1
mon mgr beacon grace = 5
mgr tick period = 1
mon tick interval = 1
[mon]
admin socket = $T/run/\$cluster-\$name.asok
[mgr]
admin socket = $T/run/\$cluster-\$name.asok
[osd]
admin socket = $T/run/\$cluster-\$name.asok
[mds]
admin socket = $T/run/\$cluster-\$name.asok
CONF
if [ "$AUTH" = cephx ]; then
  for d in mgr osd mds; do printf '[%s]\nkeyring = %s/%s/$cluster-$id/keyring\n' $d "$T" $d >> ceph.conf; done
  ceph-authtool --create-keyring keyring --gen-key -n mon. --cap mon 'allow *' > /dev/null
  ceph-authtool keyring --gen-key -n client.admin --cap mon 'allow *' --cap osd 'allow *' \
    --cap mds 'allow *' --cap mgr 'allow *' > /dev/null
fi
args=(); for i in 0 1 2; do args+=(--addv "$(echo abc | cut -c$((i+1)))" "[v2:127.0.0.1:$((BASE+i)),v1:127.0.0.1:$((V1+i))]"); done
monmaptool --create --fsid "$FSID" "${args[@]}" monmap > /dev/null
for m in a b c; do
  mk=(); [ "$AUTH" = cephx ] && mk=(--keyring "$T/keyring")
  ceph-mon -c ceph.conf --mkfs -i $m --monmap monmap "${mk[@]}"
done
for m in a b c; do start mon.$m ceph-mon -c "$T/ceph.conf" -f -i $m; done
quorum3() { "${CEPH[@]}" quorum_status -f json | python3 -c 'import json,sys; assert len(json.load(sys.stdin)["quorum_names"])==3'; }
waitfor 60 quorum3
for g in x y; do
  mkdir -p mgr/ceph-$g
  if [ "$AUTH" = cephx ]; then
    "${CEPH[@]}" auth get-or-create mgr.$g mon 'allow profile mgr' osd 'allow *' mds 'allow *' > mgr/ceph-$g/keyring
  fi
done
start mgr.x ceph-mgr -c "$T/ceph.conf" -f -i x
mgrup() { "${CEPH[@]}" mgr stat -f json | python3 -c 'import json,sys; assert json.load(sys.stdin)["available"]'; }
waitfor 60 mgrup
start mgr.y ceph-mgr -c "$T/ceph.conf" -f -i y
for N in 0 1 2; do
  U=$(python3 -c 'import uuid; print(uuid.uuid4())')
  "${CEPH[@]}" osd new "$U" > /dev/null
  mkdir -p osd/ceph-$N
  if [ "$AUTH" = cephx ]; then
    ceph-authtool --create-keyring osd/ceph-$N/keyring --gen-key -n osd.$N > /dev/null
    "${CEPH[@]}" auth add osd.$N osd 'allow *' mon 'allow profile osd' mgr 'allow profile osd' -i osd/ceph-$N/keyring
    ceph-osd -c "$T/ceph.conf" -i $N --mkfs --osd-uuid "$U" > /dev/null 2>&1
  else
    ceph-osd -c "$T/ceph.conf" -i $N --mkfs --osd-uuid "$U" > /dev/null 2>&1
  fi
done
for N in 0 1 2; do start osd.$N ceph-osd -c "$T/ceph.conf" -f -i $N; done
osds3() { "${CEPH[@]}" osd stat -f json | python3 -c 'import json,sys; assert json.load(sys.stdin)["num_up_osds"]==3'; }
waitfor 90 osds3
"${CEPH[@]}" osd pool create p1 8
if [ "${WITH_MDS:-1}" = 1 ]; then
  "${CEPH[@]}" osd pool create cephfs_metadata 8
  "${CEPH[@]}" osd pool create cephfs_data 8
  "${CEPH[@]}" fs new cephfs cephfs_metadata cephfs_data
  mkdir -p mds/ceph-a
  if [ "$AUTH" = cephx ]; then
    "${CEPH[@]}" auth get-or-create mds.a mon 'allow profile mds' osd 'allow rwx' mds 'allow *' mgr 'allow profile mds' > mds/ceph-a/keyring
  fi
  start mds.a ceph-mds -c "$T/ceph.conf" -f -i a
  mdsup() { "${CEPH[@]}" mds stat | grep -q 'up:active'; }
  waitfor 90 mdsup
fi
echo "cluster up: $T"
