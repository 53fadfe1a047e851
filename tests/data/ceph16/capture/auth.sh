#!/bin/bash
# `ceph auth ...` shapes; needs a cluster started with AUTH=cephx.
T=${T:?}; . "$(dirname "$0")/lib.sh"
cap3() { local n=$1; shift; cap "$n.txt" "$@"; cap "$n.compact.json" "$@" -f json; cap "$n.json" "$@" -f json-pretty; }
cap3 auth_ls auth ls
cap3 auth_get_client_admin auth get client.admin
cap3 auth_get_or_create_client_foo auth get-or-create client.foo mon 'allow r'
cap auth_get_or_create_client_foo_again.txt auth get-or-create client.foo mon 'allow r'
caperr auth_get_or_create_client_foo_other_caps.txt auth get-or-create client.foo mon 'allow rw'
cap3 auth_get_or_create_key_client_foo auth get-or-create-key client.foo mon 'allow r'
cap3 auth_get_key_client_foo auth get-key client.foo
cap auth_print_key_client_foo.txt auth print-key client.foo
cap auth_caps_client_foo.txt auth caps client.foo mon 'allow rw' osd 'allow r pool=p1'
cap3 auth_get_client_foo_after_caps auth get client.foo
cap3 auth_export_client_foo auth export client.foo
cap auth_del_client_foo.txt auth del client.foo
caperr auth_del_client_foo_again.txt auth del client.foo
caperr auth_get_nosuch.txt auth get client.nosuch
caperr auth_caps_nosuch.txt auth caps client.nosuch mon 'allow r'
caperr auth_get_bad_entity.txt auth get foo
cap3 v2_health_detail_cephx health detail
