<?php
// index-db.php of the guide: the session always in the database, whatever server answers.
require '/var/www/shared/session_router.php';
session_page('db');
