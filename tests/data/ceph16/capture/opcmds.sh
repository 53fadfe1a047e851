#!/bin/bash
# Captures for the opcmds branch: the per-type `versions`, admin socket and
# tell errors, `config show` with a key and its errors. Run on a setup.sh
# cluster (T=..., mgr.x active, mgr.y standby).
T=${T:?}; . "$(dirname "$0")/lib.sh"
cap3() { local n=$1; shift; cap "$n.txt" "$@"; cap "$n.compact.json" "$@" -f json; cap "$n.json" "$@" -f json-pretty; }
for t in mon mgr osd mds; do cap3 ${t}_versions $t versions; done
caperr daemon_mgr_x_config_get_bogus.txt daemon mgr.x config get no_such_option
caperr tell_mgr_y_version_standby.txt tell mgr.y version
caperr daemon_mgr_zz_version_nosocket.txt daemon mgr.zz version
caperr config_show_mgr_x_mgr_tick_period.txt config show mgr.x mgr_tick_period
caperr config_show_mgr_x_mon_max_pg_per_osd.txt config show mgr.x mon_max_pg_per_osd
caperr config_show_mgr_zz.txt config show mgr.zz
caperr config_show_mgr.txt config show mgr
cap3 config_show_mon_a config show mon.a
