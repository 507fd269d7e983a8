CREATE TABLE seeded (id int PRIMARY KEY, note text NOT NULL);
INSERT INTO seeded VALUES (1, 'from /docker-entrypoint-initdb.d');
