<?php
// HAProxy's check (option httpchk GET /health.php): Apache and PHP answer.
header('Content-Type: application/json');
echo json_encode(['server' => getenv('SERVER_NAME_TAG'), 'status' => 'ok']);
