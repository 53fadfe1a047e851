#!/bin/bash
# "no valid command found" closest-match lists, and `log last N` variants.
T=${T:?}; . "$(dirname "$0")/lib.sh"
i=0
while read -r line; do
  [ -z "$line" ] && continue
  slug=$(echo "$line" | tr -c 'a-zA-Z0-9\n' '_' )
  # shellcheck disable=SC2086
  caperr nocmd_$slug.txt $line
done <<'LIST'
osd poo
mgr fial
pg dumpx
xyz
config sho
osd
mgr
osd pool
osd pool lst
health mut
fs lss
auth lss
mon ad d
osd pool get
versionz
s
status x
tell
osd df treee
pg
LIST
caperr nocmd_osd_poo_json.txt osd poo -f json
for a in "5" "5 debug" "5 info cluster" "5 debug audit" "5 info audit" "1" "0"; do
  slug=$(echo "$a" | tr ' ' '_')
  # shellcheck disable=SC2086
  cap log_last_$slug.txt log last $a
  # shellcheck disable=SC2086
  cap log_last_$slug.json log last $a -f json-pretty
done
