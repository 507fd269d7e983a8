-- Seed 004's products table, with a version that counts writes (so a stale read can be told from a fresh one).
CREATE TABLE IF NOT EXISTS products (
  id          text PRIMARY KEY,
  name        text NOT NULL,
  price_cents integer NOT NULL DEFAULT 0,
  version     integer NOT NULL DEFAULT 1
);
