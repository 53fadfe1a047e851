#!/bin/bash
# Start a fresh cluster (setup.sh in the background) and capture the first
# answers of quorum_status / mon dump / mon_status / mgr dump while it forms.
T=${T:?}; . "$(dirname "$0")/lib.sh"
WITH_MDS=0 "$(dirname "$0")/setup.sh" > "$T/setup.out" 2>&1 &
SP=$!
got_q=0; got_m=0
deadline=$(( $(date +%s) + 120 ))
while [ "$(date +%s)" -lt $deadline ] && { [ $got_q = 0 ] || [ $got_m = 0 ]; }; do
  if [ $got_q = 0 ] && [ -f "$T/ceph.conf" ] && timeout 2 "${CEPH[@]}" quorum_status -f json > /dev/null 2>&1; then
    cap first_quorum_status.compact.json quorum_status -f json
    cap first_mon_dump.compact.json mon dump -f json
    cap first_tell_mon_a_mon_status.compact.json tell mon.a mon_status -f json
    cap first_mgr_dump.compact.json mgr dump -f json
    got_q=1
  fi
  if [ $got_q = 1 ] && [ $got_m = 0 ] && grep -q "mgr.x" "$T/pids" 2> /dev/null; then
    cap first_mgr_dump_after_mgr_start.compact.json mgr dump -f json
    cap first_status_s_after_mgr_start.txt -s
    got_m=1
  fi
  sleep 0.1
done
wait $SP
