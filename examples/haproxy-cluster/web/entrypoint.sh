#!/bin/sh
# Apache in the foreground, as the image's only process (envvars reads variables it may not find set).
set -e
. /etc/apache2/envvars
mkdir -p "$APACHE_RUN_DIR" "$APACHE_LOCK_DIR" "$APACHE_LOG_DIR"
exec apache2 -DFOREGROUND
