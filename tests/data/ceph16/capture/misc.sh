#!/bin/bash
# Mutating commands: reweight, pool set/delete, health mute, assimilate-conf,
# mon add/remove with the election it causes.
T=${T:?}; . "$(dirname "$0")/lib.sh"
cap3() { local n=$1; shift; cap "$n.txt" "$@"; cap "$n.compact.json" "$@" -f json; cap "$n.json" "$@" -f json-pretty; }
cap osd_reweight_1_0.5.txt osd reweight 1 0.5
cap3 osd_df_after_reweight osd df
cap osd_reweight_1_1.txt osd reweight 1 1
cap osd_pool_set_p1_size_2.txt osd pool set p1 size 2
cap osd_pool_get_p1_size_after_set.txt osd pool get p1 size
cap osd_pool_set_p1_size_1.txt osd pool set p1 size 1 --yes-i-really-mean-it
"${CEPH[@]}" osd pool create p2 8 > /dev/null 2>&1
caperr osd_pool_delete_p2.txt osd pool delete p2
caperr osd_pool_delete_p2_p2.txt osd pool delete p2 p2
caperr osd_pool_delete_p2_p3_flag.txt osd pool delete p2 p3 --yes-i-really-really-mean-it
caperr osd_pool_delete_p2_p2_flag_not_allowed.txt osd pool delete p2 p2 --yes-i-really-really-mean-it
cap config_set_mon_allow_pool_delete.txt config set mon mon_allow_pool_delete true
caperr osd_pool_delete_p2_p2_allowed_noflag.txt osd pool delete p2 p2
caperr osd_pool_delete_p2_p2_flag_allowed.txt osd pool delete p2 p2 --yes-i-really-really-mean-it
caperr osd_pool_delete_p2_again.txt osd pool delete p2 p2 --yes-i-really-really-mean-it
# health mute
"${CEPH[@]}" osd set noout > /dev/null 2>&1; sleep 3
cap3 health_detail_noout health detail
cap health_mute_osdmap_flags_1h.txt health mute OSDMAP_FLAGS 1h
sleep 2
cap3 health_muted health
cap3 health_detail_muted health detail
cap3 status_s_muted -s
cap health_unmute_osdmap_flags.txt health unmute OSDMAP_FLAGS
cap health_mute_osdmap_flags_sticky.txt health mute OSDMAP_FLAGS --sticky
sleep 2
cap3 health_detail_muted_sticky health detail
"${CEPH[@]}" osd unset noout > /dev/null 2>&1; sleep 3
cap3 health_detail_sticky_after_clear health detail
cap health_unmute_osdmap_flags_2.txt health unmute OSDMAP_FLAGS
caperr health_mute_bogus_ttl.txt health mute OSDMAP_FLAGS 1x
cap health_mute_nosuch_code.txt health mute NO_SUCH_CHECK 10m
cap3 health_detail_mute_nosuch health detail
cap health_unmute_nosuch_code.txt health unmute NO_SUCH_CHECK
caperr health_unmute_not_muted.txt health unmute OSDMAP_FLAGS
# config assimilate-conf
cat > "$T/assimilate.conf" <<CONF
[global]
mon_osd_down_out_interval = 700
no_such_option_xyz = 1
fsid = 00000000-0000-0000-0000-000000000000
[mgr]
mgr_stats_period = 6
[osd.1]
osd_max_backfills = 3
CONF
cap config_assimilate_conf.txt config assimilate-conf -i "$T/assimilate.conf"
cap3 config_log_after_changes config log
cap config_log_3.txt config log 3
cap3 config_dump_after_changes config dump
# mon add / remove
cap mon_add_d.txt mon add d 127.0.0.1:6792
sleep 2
cap3 mon_dump_after_add mon dump
"${CEPH[@]}" mon getmap -o "$T/monmap.d" > /dev/null 2>&1
ceph-mon -c "$T/ceph.conf" --mkfs -i d --monmap "$T/monmap.d" > /dev/null 2>&1
start mon.d ceph-mon -c "$T/ceph.conf" -f -i d --public-addr 127.0.0.1:6792
q4() { "${CEPH[@]}" quorum_status -f json | python3 -c 'import json,sys; assert len(json.load(sys.stdin)["quorum_names"])==4'; }
waitfor 90 q4
cap3 quorum_status_4mons quorum_status
cap log_last_20_after_mon_add.txt log last 20
cap mon_remove_d.txt mon remove d
q3() { "${CEPH[@]}" quorum_status -f json | python3 -c 'import json,sys; assert json.load(sys.stdin)["quorum_names"]==["a","b","c"]'; }
waitfor 90 q3
sleep 2
cap log_last_20_after_mon_remove.txt log last 20
cap3 mon_dump_after_remove mon dump
kill -9 "$(pid_of mon.d)"
