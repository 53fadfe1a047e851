#!/bin/bash
# health mute: detail without TTL, TTL+sticky, refusals (TSV: args, rc, stderr), then a
# mute lifecycle (count grows, TTL passes, check clears) in the cluster log.
# Against one_mon.sh's cluster, after `osd set noout`.
T=${T:?}; C=(ceph -c "$T/ceph.conf"); O=$T/out
"${C[@]}" osd set noout; sleep 3
"${C[@]}" health mute OSDMAP_FLAGS; sleep 2
"${C[@]}" health detail > $O/health_detail_muted_nottl.txt
"${C[@]}" health detail -f json > $O/health_detail_muted_nottl.compact.json
"${C[@]}" health mute OSDMAP_FLAGS 1h --sticky; sleep 2
"${C[@]}" health detail > $O/health_detail_muted_ttl_sticky.txt
"${C[@]}" health unmute
: > $O/health_mute_refusals.tsv
while read -r args; do
  err=$("${C[@]}" health mute $args 2>&1 >/dev/null); rc=$?
  printf '%s\t%s\t%s\n' "$args" "$rc" "$err" >> $O/health_mute_refusals.tsv
done <<LIST
OSDMAP_FLAGS 1x
OSDMAP_FLAGS 0
OSDMAP_FLAGS abc
OSDMAP_FLAGS 1.5h
OSDMAP_FLAGS -5m
NO_SUCH_CHECK 10m
LIST
"${C[@]}" health mute OSDMAP_FLAGS; sleep 2
"${C[@]}" osd set nodown; sleep 3
"${C[@]}" health mute OSDMAP_FLAGS 5s; sleep 7
"${C[@]}" health mute OSDMAP_FLAGS; sleep 2
"${C[@]}" osd unset nodown; sleep 3
"${C[@]}" osd unset noout; sleep 3
"${C[@]}" log last 12 > $O/log_last_12_mute_lifecycle.txt
