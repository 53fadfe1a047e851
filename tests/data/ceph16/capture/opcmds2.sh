#!/bin/bash
# More captures for the opcmds branch (run on a fresh setup.sh cluster): a
# database value under a ceph.conf one (`config show` OVERRIDES/IGNORES), a
# removal in `config log`, the help of an OSD's tell and an MDS's socket.
T=${T:?}; . "$(dirname "$0")/lib.sh"
cap3() { local n=$1; shift; cap "$n.txt" "$@"; cap "$n.compact.json" "$@" -f json; cap "$n.json" "$@" -f json-pretty; }
"${CEPH[@]}" config set mgr mgr_tick_period 3 > /dev/null 2>&1
"${CEPH[@]}" config set mgr mgr_stats_period 7 > /dev/null 2>&1
"${CEPH[@]}" config set mon mon_max_pg_per_osd 300 > /dev/null 2>&1
sleep 3
cap3 config_show_mgr_x_db_under_file config show mgr.x
cap3 config_show_mon_a_db config show mon.a
"${CEPH[@]}" config rm mgr mgr_stats_period > /dev/null 2>&1
"${CEPH[@]}" config set mgr mgr_tick_period 4 > /dev/null 2>&1
cap3 config_log_with_rm config log
cap tell_osd_0_help.txt tell osd.0 help
cap daemon_mds_a_help.txt daemon mds.a help
"${CEPH[@]}" daemon mgr.x config set mgr_stats_period 9 > /dev/null 2>&1
sleep 6
cap3 config_show_mgr_x_after_asok_set config show mgr.x
