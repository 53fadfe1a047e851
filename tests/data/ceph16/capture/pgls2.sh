#!/bin/bash
# Errors and filters of the pg listing commands (after pgls.sh, same cluster).
T=${T:?}; . "$(dirname "$0")/lib.sh"
cap3() { local n=$1; shift; cap "$n.txt" "$@"; cap "$n.compact.json" "$@" -f json; cap "$n.json" "$@" -f json-pretty; }
caperr pg_ls_99.txt pg ls 99
caperr pg_ls_by_pool_nosuch.txt pg ls-by-pool nosuch
caperr pg_ls_by_osd_9.txt pg ls-by-osd 9
cap3 pg_ls_2_active pg ls 2 active
cap3 pg_ls_by_pool_p1_clean_degraded pg ls-by-pool p1 clean degraded
cap3 pg_dump_stuck_inactive_0 pg dump_stuck inactive 0
caperr pg_dump_stuck_negative.txt pg dump_stuck unclean -1
"${CEPH[@]}" osd out 2 > /dev/null 2>&1
sleep 4
cap3 pg_dump_stuck_unclean_0 pg dump_stuck unclean 0
cap3 pg_ls_after_out pg ls-by-pool p1
cap3 osd_df_after_out osd df
