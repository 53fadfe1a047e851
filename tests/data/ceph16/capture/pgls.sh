#!/bin/bash
# The mgr's pg listing commands (run on a setup.sh cluster, WITH_MDS=0 is enough):
# `pg ls` and its by-pool / by-osd / by-primary forms, `pg dump_stuck`, and the
# `pg dump` parts not in the first captures (pgs_brief, delta, summary).
T=${T:?}; . "$(dirname "$0")/lib.sh"
cap3() { local n=$1; shift; cap "$n.txt" "$@"; cap "$n.compact.json" "$@" -f json; cap "$n.json" "$@" -f json-pretty; }
sleep 5
cap3 pg_ls pg ls
cap3 pg_ls_1 pg ls 1
cap3 pg_ls_by_pool_p1 pg ls-by-pool p1
cap3 pg_ls_by_osd_0 pg ls-by-osd 0
cap3 pg_ls_by_primary_osd_1 pg ls-by-primary osd.1
cap3 pg_ls_active_clean pg ls 2 active+clean
cap3 pg_dump_stuck pg dump_stuck
cap3 pg_dump_pgs_brief pg dump pgs_brief
cap3 pg_dump_delta pg dump delta
cap3 pg_dump_summary pg dump summary
cap3 pg_dump_pgs_pools pg dump pgs pools
cap3 osd_df_filter_osd_1 osd df osd.1
cap3 osd_df_tree_filter_p1 osd df tree p1
cap3 device_info_nosuch device info nosuch

