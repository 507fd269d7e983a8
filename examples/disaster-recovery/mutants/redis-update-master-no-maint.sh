#!/bin/bash
# MUTANT redis-update-master-no-maint of seed 002's redis-update-master.sh, run by every Sentinel at the end of each failover (client-reconfig-script),
# with <master-name> <role> <state> <from-ip> <from-port> <to-ip> <to-port>. It puts the new master in service
# on each HAProxy in front of Redis, and every other node in maintenance with its sessions closed, through
# HAProxy's runtime API: a returned old master, which calls itself master until Sentinel turns it into a replica,
# gets no client. Leader and observers all run it; the commands are idempotent. Exit 1 asks Sentinel to run it
# again (an HAProxy that did not answer).
set -u
HAPROXIES="haproxy-01 haproxy-02"
NODES="redis-01 redis-02 redis-03"
BACKEND="redis"
to="$6"

is_master() { [ "$1" = "$to" ] || [ "$(getent hosts "$1" | awk '{print $1}')" = "$to" ]; }

cmds=""
for n in $NODES; do is_master "$n" && cmds="${cmds}set server $BACKEND/$n state ready; "; done
# MUTANT redis-update-master-no-maint: the old master is left to HAProxy's check (it is down, after all).

status=0
for lb in $HAPROXIES; do
  # An HAProxy this stack does not run (no such host) has nothing to update.
  getent hosts "$lb" >/dev/null || continue
  if exec 3<>"/dev/tcp/$lb/9999"; then
    printf '%s\n' "$cmds" >&3
    timeout 5 cat <&3 >/dev/null
    exec 3<&- 3>&-
  else
    status=1
  fi
done
exit $status
