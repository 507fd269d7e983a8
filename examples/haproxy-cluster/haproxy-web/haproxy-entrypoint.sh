#!/bin/sh
# The guide's haproxy-entrypoint.sh: the cookie SRV line is on in "sticky" mode and off in "db" mode. The mode
# is the dashboard's (the file it writes), else SESSION_MODE; it is read at start only, hence the guide's
# "docker-compose restart haproxy-web" after each switch.
set -eu
mode_file=${MODE_FILE:-/etc/cluster/session_mode}
mode=$(cat "$mode_file" 2>/dev/null || echo "${SESSION_MODE:-sticky}")
if [ "$mode" = db ]; then cookie="# db mode: no stickiness"; else cookie="cookie SRV insert indirect nocache"; fi
sed "s|@COOKIE@|$cookie|" /usr/local/etc/haproxy/haproxy.cfg.tmpl > /run/haproxy/haproxy.cfg
exec haproxy -W -db -f /run/haproxy/haproxy.cfg
