#!/bin/bash
# `ceph tell`, `ceph daemon` and `ceph --admin-daemon PATH` captures.
T=${T:?}; . "$(dirname "$0")/lib.sh"
cap2() { local n=$1; shift; cap "$n.txt" "$@"; cap "$n.compact.json" "$@" -f json; cap "$n.json" "$@" -f json-pretty; }
for who in mgr mgr.x mon.a osd.0; do
  s=${who/./_}
  cap2 tell_${s}_version tell $who version
done
for who in mgr mgr.x mon.a; do
  s=${who/./_}
  cap2 tell_${s}_help tell $who help
done
cap2 tell_mgr_config_get_mgr_tick_period tell mgr config get mgr_tick_period
cap2 tell_mgr_x_config_get_mgr_tick_period tell mgr.x config get mgr_tick_period
cap2 tell_mon_a_config_get_mon_tick_interval tell mon.a config get mon_tick_interval
for d in mgr.x mon.a osd.0; do
  s=${d/./_}; asok="$T/run/ceph-$d.asok"
  case $d in mgr.*) opt=mgr_tick_period;; mon.*) opt=mon_tick_interval;; osd.*) opt=osd_heartbeat_interval;; esac
  for mode in daemon admin_daemon; do
    if [ $mode = daemon ]; then pre=(daemon $d); else pre=(--admin-daemon "$asok"); fi
    p=${mode}_${s}
    cap2 ${p}_help "${pre[@]}" help
    cap2 ${p}_config_show "${pre[@]}" config show
    cap2 ${p}_config_get_$opt "${pre[@]}" config get $opt
    cap2 ${p}_perf_dump "${pre[@]}" perf dump
    cap2 ${p}_perf_schema "${pre[@]}" perf schema
    cap2 ${p}_status "${pre[@]}" status
    cap2 ${p}_dump_mempools "${pre[@]}" dump_mempools
  done
  v=$( [ $opt = mgr_tick_period ] && echo 1 || echo 5)
  cap2 daemon_${s}_config_set_$opt daemon $d config set $opt $v
  cap2 admin_daemon_${s}_config_set_$opt --admin-daemon "$asok" config set $opt $v
  cap daemon_${s}_config_get_${opt}_after_set.txt daemon $d config get $opt
done
caperr daemon_mgr_x_config_set_bogus.txt daemon mgr.x config set no_such_option 1
caperr daemon_mgr_x_bogus_cmd.txt daemon mgr.x no_such_command
caperr tell_mgr_bogus_cmd.txt tell mgr no_such_command
caperr tell_mon_a_bogus_cmd.txt tell mon.a no_such_command
