#!/bin/bash
# A MariaDB node of seed 000: SERVER_ID (1..3) and, when REPLICATE_FROM names a peer, replication from it
# (setup-replication.sh's work, done by each node for itself: mysql1 ↔ mysql2 master-master, mysql3 from mysql1).
set -Eeuo pipefail
: "${SERVER_ID:?SERVER_ID is required}"
mariadbd --user=mysql --server-id="$SERVER_ID" --gtid-domain-id="$SERVER_ID" --auto-increment-offset="$SERVER_ID" \
  --init-file=/etc/mysql/init.sql &
pid=$!
trap 'kill -TERM "$pid"; wait "$pid"' TERM INT
if [ -n "${REPLICATE_FROM:-}" ]; then
  until mariadb -uroot -proot -e 'SELECT 1' >/dev/null 2>&1; do
    kill -0 "$pid" 2>/dev/null || exit 1
    sleep 0.1
  done
  # Once: a node that restarts keeps its replication settings and resumes by itself.
  if [ -z "$(mariadb -uroot -proot -N -e 'SHOW SLAVE STATUS')" ]; then
    mariadb -uroot -proot -e "CHANGE MASTER TO MASTER_HOST='${REPLICATE_FROM}', MASTER_USER='repl', MASTER_PASSWORD='repl', MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=1; START SLAVE;"
  fi
fi
wait "$pid"
