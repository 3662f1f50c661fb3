-- expect: pg_trgm
-- Installed by `postgres`, as a migration would (both extensions are trusted).
create extension pg_trgm with schema public;
create extension btree_gist with schema extensions;
