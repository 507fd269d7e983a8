<?php
// web/shared/db_session_handler.php of the guide: PHP sessions in the `sessions` table, through haproxy-db.
class DBSessionHandler implements SessionHandlerInterface {
    public function __construct(private PDO $db) {}
    public function open(string $path, string $name): bool { return true; }
    public function close(): bool { return true; }
    public function read(string $id): string|false {
        $q = $this->db->prepare('SELECT data FROM sessions WHERE id = ?');
        $q->execute([$id]);
        $row = $q->fetch(PDO::FETCH_NUM);
        return $row ? $row[0] : '';
    }
    public function write(string $id, string $data): bool {
        $q = $this->db->prepare('INSERT INTO sessions (id, data) VALUES (?, ?) ON DUPLICATE KEY UPDATE data = VALUES(data)');
        return $q->execute([$id, $data]);
    }
    public function destroy(string $id): bool {
        return $this->db->prepare('DELETE FROM sessions WHERE id = ?')->execute([$id]);
    }
    public function gc(int $max): int|false { return 0; }
}
