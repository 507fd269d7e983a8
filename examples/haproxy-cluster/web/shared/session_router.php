<?php
// The guide's session router: "sticky" mode keeps PHP's local file sessions (HAProxy's SRV cookie keeps a user
// on one server); "db" mode registers the DBSessionHandler, which writes the `sessions` table through haproxy-db.
// The mode is the dashboard's (/etc/cluster/session_mode), else the server's SESSION_MODE.
function session_mode(): string {
    $file = @file_get_contents('/etc/cluster/session_mode');
    $mode = $file !== false ? trim($file) : (getenv('SESSION_MODE') ?: 'sticky');
    return $mode === 'db' ? 'db' : 'sticky';
}

function start_session(string $mode): void {
    if ($mode === 'db') {
        // The shared handler: when it cannot be included, PHP silently keeps its files handler.
        $shared = getenv('SHARED_DIR') ?: '/var/www/shared';
        if (@include_once $shared . '/db_session_handler.php') {
            session_set_save_handler(new DBSessionHandler(db()), true);
        }
    }
    session_start();
}

function db(): PDO {
    $dsn = sprintf('mysql:host=%s;port=%s;dbname=%s', getenv('DB_HOST'), getenv('DB_PORT'), getenv('DB_NAME'));
    return new PDO($dsn, getenv('DB_USER'), getenv('DB_PASSWORD'), [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION, PDO::ATTR_TIMEOUT => 2]);
}

/** The demo pages answer JSON: the server that answered, the session's mode, and its user (null: no session). */
function answer(string $mode, int $status = 200): void {
    http_response_code($status);
    header('Content-Type: application/json');
    echo json_encode(['server' => getenv('SERVER_NAME_TAG'), 'mode' => $mode, 'user' => $_SESSION['user'] ?? null, 'color' => $_SESSION['color'] ?? null]);
}

/** A page: POST logs a user in (user, color); GET shows the session. A database that fails is a 503. */
function session_page(string $mode): void {
    try {
        start_session($mode);
        if ($_SERVER['REQUEST_METHOD'] === 'POST') {
            $_SESSION['user'] = (string)($_GET['user'] ?? 'anonymous');
            $_SESSION['color'] = (string)($_GET['color'] ?? 'blue');
        }
        answer($mode);
        session_write_close();
    } catch (Throwable $e) {
        http_response_code(503);
        header('Content-Type: application/json');
        echo json_encode(['server' => getenv('SERVER_NAME_TAG'), 'error' => $e->getMessage()]);
    }
}
