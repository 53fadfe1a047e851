#!/bin/bash
# `osd pool set p1 VAR VAL` refusals -> $T/out/osd_pool_set_refusals.tsv (var, val, rc, stderr).
# Against one_mon.sh's cluster: pools device_health_metrics (pg 1) and p1 (pg 32, size 3), 3 OSDs in.
T=${T:?}; C=(ceph -c "$T/ceph.conf")
out=$T/out/osd_pool_set_refusals.tsv; : > $out
"${C[@]}" osd pool set p1 nodelete false >/dev/null 2>&1; "${C[@]}" osd pool set p1 bulk false > /dev/null 2>&1
"${C[@]}" osd pool set p1 pg_num_min 0 >/dev/null 2>&1; "${C[@]}" osd pool set p1 target_size_ratio 0 >/dev/null 2>&1
while read -r var val; do
  err=$("${C[@]}" osd pool set p1 "$var" "$val" 2>&1 >/dev/null); rc=$?
  printf '%s\t%s\t%s\t%s\n' "$var" "$val" "$rc" "$err" >> $out
done <<LIST
size 0
size 11
size abc
size -1
min_size 0
min_size 4
min_size x
pg_num 0
pg_num 100000
pg_num abc
pg_num 300
pgp_num 64
pgp_num 0
crush_rule nosuch
crush_rule 0
nosizechange maybe
pg_autoscale_mode bogus
hit_set_type bloom
use_gmt_hitset 0
fast_read 1
target_size_ratio abc
target_size_ratio -1
pg_autoscale_bias 5000
recovery_priority 100
compression_mode bogus
compression_algorithm bogus
csum_type bogus
pg_num_max 2
pg_num_min 4096
LIST
cat $out
