-- Issue 13: ids compared byte for byte, one merge rule, a dead letter that holds each record once.
--
-- 1. Key columns hold any id of up to 255 bytes of UTF-8 (the default id rule) and compare byte for byte: a binary,
--    NO PAD collation, so that 'A'/'a', 'é'/'e' and 'x'/'x ' are different posts (utf8mb4_unicode_ci merged them, and
--    utf8mb4_bin still pads: 'x' = 'x '). MariaDB (10.2+) calls it utf8mb4_nopad_bin, MySQL (8.0+) utf8mb4_0900_bin:
--    the DDL is prepared with the one this server has. VARCHAR(255) characters always hold 255 bytes.
-- 2. posts.version_key: the order of a post's versions (created_at, then the source entry, then the payload's
--    SHA-256; see PostVersion). The upsert keeps the row with the greatest key, whole.
-- 3. dead_letter: one row per (source_key, reason), so that a redelivered record is not dead-lettered twice; the
--    payload's length and SHA-256, and where the whole payload is when the row keeps only a prefix.

SET @dataflux_bin = IF(VERSION() LIKE '%MariaDB%', 'utf8mb4_nopad_bin', 'utf8mb4_0900_bin');
SET @dataflux_key = CONCAT('VARCHAR(255) CHARACTER SET utf8mb4 COLLATE ', @dataflux_bin);

SET @dataflux_ddl = CONCAT('ALTER TABLE posts',
    ' MODIFY id ', @dataflux_key, ' NOT NULL,',
    ' MODIFY thread_id ', @dataflux_key, ' NULL,',
    ' MODIFY author_id ', @dataflux_key, ' NULL,',
    ' MODIFY body MEDIUMTEXT NULL,',
    ' MODIFY source_id ', @dataflux_key, ' NULL COMMENT ''the Redis entry the post came from'',',
    ' ADD COLUMN version_key VARCHAR(200) CHARACTER SET ascii COLLATE ascii_bin NOT NULL DEFAULT ''''',
    ' COMMENT ''order of the versions of a post: the greatest is stored'' AFTER source_id');
PREPARE dataflux_statement FROM @dataflux_ddl;
EXECUTE dataflux_statement;
DEALLOCATE PREPARE dataflux_statement;

-- rows written before this migration: ordered by created_at as they were (no entry, no digest: older than any new one)
UPDATE posts SET version_key = IF(created_at IS NULL, '0', CONCAT('1', DATE_FORMAT(created_at, '%Y-%m-%dT%H:%i:%s.'),
    LEFT(DATE_FORMAT(created_at, '%f'), 3)));

SET @dataflux_ddl = CONCAT('ALTER TABLE authors MODIFY author_id ', @dataflux_key, ' NOT NULL');
PREPARE dataflux_statement FROM @dataflux_ddl;
EXECUTE dataflux_statement;
DEALLOCATE PREPARE dataflux_statement;

SET @dataflux_ddl = CONCAT('ALTER TABLE dead_letter',
    ' MODIFY record_id ', @dataflux_key, ' NULL,',
    ' MODIFY source_id ', @dataflux_key, ' NULL,',
    ' ADD COLUMN source_key ', @dataflux_key, ' NULL',
    ' COMMENT ''the entry id (stream) or sha256:<payload digest> (list): with reason, what makes a dead letter unique'' AFTER source_id,',
    ' ADD COLUMN payload_length BIGINT NULL COMMENT ''the whole payload''''s length in bytes'' AFTER payload,',
    ' ADD COLUMN payload_sha256 CHAR(64) CHARACTER SET ascii NULL COMMENT ''SHA-256 of the whole payload'' AFTER payload_length,',
    ' ADD COLUMN payload_location VARCHAR(2048) NULL',
    ' COMMENT ''where the whole payload is when payload holds only its first bytes (else NULL)'' AFTER payload_sha256');
PREPARE dataflux_statement FROM @dataflux_ddl;
EXECUTE dataflux_statement;
DEALLOCATE PREPARE dataflux_statement;

-- rows written before this migration keep their (possibly repeated) history: NULL keys never collide
UPDATE dead_letter SET payload_length = LENGTH(payload), payload_sha256 = SHA2(payload, 256);
ALTER TABLE dead_letter ADD UNIQUE KEY dead_letter_once (source_key, reason);
