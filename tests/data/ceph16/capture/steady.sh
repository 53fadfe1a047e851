#!/bin/bash
# Steady-state captures (healthy cluster from setup.sh). Plain, -f json, -f json-pretty.
T=${T:?}; . "$(dirname "$0")/lib.sh"
# cap3 NAME ARGS: NAME.txt plain, NAME.compact.json -f json, NAME.json -f json-pretty
cap3() { local n=$1; shift; cap "$n.txt" "$@"; cap "$n.compact.json" "$@" -f json; cap "$n.json" "$@" -f json-pretty; }
cap3 v2_versions versions
cap3 config_show_mgr_x config show mgr.x
cap3 config_show_osd_0 config show osd.0
cap3 config_show_with_defaults_mgr_x config show-with-defaults mgr.x
cap3 config_log config log
cap config_generate_minimal_conf.txt config generate-minimal-conf
cap3 v2_pg_stat pg stat
cap3 pg_dump pg dump
for w in pgs pools osds sum; do cap3 pg_dump_$w pg dump $w; done
cap3 v2_osd_df osd df
cap3 osd_df_tree osd df tree
cap3 v2_osd_perf osd perf
cap3 osd_crush_tree osd crush tree
cap3 osd_pool_get_p1_all osd pool get p1 all
cap3 osd_pool_get_p1_size osd pool get p1 size
cap3 device_ls device ls
cap3 osd_metadata_0 osd metadata 0
cap3 fs_ls fs ls
cap3 fs_dump fs dump
cap3 mds_stat mds stat
cap3 fs_status fs status
cap3 quorum_status_steady quorum_status
cap3 v2_mon_dump mon dump
cap3 v2_mgr_dump mgr dump
cap3 v2_status_s -s
cap3 config_ls config ls
