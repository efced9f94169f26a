-- The released step from schema version 2 to 3 (src/sqlite/migrations.cpp), run
-- after schema_v1.sql and schema_v1_to_v2.sql to make a version-3 file.
ALTER TABLE services ADD COLUMN cancel_notice_min INTEGER NOT NULL DEFAULT 0;

PRAGMA user_version = 3;
