-- Run by each node for itself at every start, outside the binlog (each node has its own copy); replication
-- carries only what clients write afterwards.
SET sql_log_bin = 0;
CREATE DATABASE IF NOT EXISTS clustering;
ALTER USER 'root'@'localhost' IDENTIFIED BY 'root';
CREATE USER IF NOT EXISTS 'root'@'%' IDENTIFIED BY 'root';
GRANT ALL PRIVILEGES ON *.* TO 'root'@'%' WITH GRANT OPTION;
CREATE USER IF NOT EXISTS 'app'@'%' IDENTIFIED BY 'app';
GRANT ALL PRIVILEGES ON clustering.* TO 'app'@'%';
CREATE USER IF NOT EXISTS 'repl'@'%' IDENTIFIED BY 'repl';
GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO 'repl'@'%';
-- HAProxy's `option mysql-check user haproxy_check`: a user without a password that may only connect.
CREATE USER IF NOT EXISTS 'haproxy_check'@'%';
CREATE TABLE IF NOT EXISTS clustering.sessions (
  id VARCHAR(128) NOT NULL PRIMARY KEY,
  data MEDIUMBLOB NOT NULL,
  updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP
) ENGINE=InnoDB;
CREATE TABLE IF NOT EXISTS clustering.items (
  k VARCHAR(128) NOT NULL PRIMARY KEY,
  created_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)
) ENGINE=InnoDB;
SET sql_log_bin = 1;
