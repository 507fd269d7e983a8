#!/bin/sh
# haproxy-01 and haproxy-02 of seed 002: keepalived (VRRP) holds the virtual IP the clients use, standing in for
# the seed's load balancer (10.0.0.10) in front of the pair; HAProxy serves in the foreground. The virtual IP is
# the run network's last host address (Docker hands addresses out from the bottom), the same on both nodes.
# VRRP_PRIORITY: the higher holds the address; VRRP_ADVERT_INT: seconds between adverts (the backup takes over
# after three missed, plus its skew); VRRP_PREEMPT=no: a returning higher-priority node does not take it back.
set -eu
if [ -n "${VRRP_PRIORITY:-}" ]; then
  cidr=$(ip -o -4 addr show dev eth0 | awk '{print $4; exit}')
  prefix=${cidr#*/}
  vip=$(echo "$cidr" | awk -F'[./]' '{ ip = (($1 * 256 + $2) * 256 + $3) * 256 + $4; n = 2 ^ (32 - $5); last = ip - ip % n + n - 2;
    printf "%d.%d.%d.%d", int(last / 16777216) % 256, int(last / 65536) % 256, int(last / 256) % 256, last % 256 }')
  echo "$vip" > /run/keepalived-vip
  preempt=""
  [ "${VRRP_PREEMPT:-yes}" = "no" ] && preempt="nopreempt"
  cat > /etc/keepalived/keepalived.conf <<CONF
global_defs {
  enable_script_security
  script_user root
}
# HAProxy alive, or the address goes to the peer.
vrrp_script chk_haproxy {
  script "/usr/bin/killall -0 haproxy"
  interval 1
  fall 2
  rise 1
}
vrrp_instance haproxy {
  state BACKUP
  # Its state as it changes, for the node's health (VRRP_STEADY with its peer running).
  notify_master "/bin/sh -c 'echo MASTER > /run/keepalived-state'"
  notify_backup "/bin/sh -c 'echo BACKUP > /run/keepalived-state'"
  notify_fault "/bin/sh -c 'echo FAULT > /run/keepalived-state'"
  interface eth0
  virtual_router_id 51
  priority ${VRRP_PRIORITY}
  advert_int ${VRRP_ADVERT_INT:-1}
  ${preempt}
  virtual_ipaddress {
    ${vip}/${prefix} dev eth0
  }
  track_script {
    chk_haproxy
  }
}
CONF
  keepalived --dont-fork --log-console --log-detail &
fi
# HAPROXY_CONFIG: the file to serve from, the mounted one unless a reinstall restores another (the backup).
exec haproxy -W -db -f "${HAPROXY_CONFIG:-/usr/local/etc/haproxy/haproxy.cfg}"
