<?php
// "Session locale": the session in the mode the router says (files in sticky mode, the database in DB mode).
require '/var/www/shared/session_router.php';
session_page(session_mode());
