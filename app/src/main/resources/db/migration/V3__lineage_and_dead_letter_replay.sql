-- Issue 17: lineage (where each stored post went) and the replay marks of the dead letter.
--
-- 1. lineage_kafka: one row per version of a post that Kafka acknowledged, written with its batch (one multi-row
--    insert): the post id and version key (its MySQL row: posts.id, posts.version_key), the Redis entry it came from,
--    and the Kafka record (topic, partition, offset).
-- 2. lineage_archive: one row per archived line, written with its archive aggregate (one multi-row insert): the
--    Redis entry (source_key: the stream entry id, or sha256:<digest of the record> for a list item, as on the
--    dead letter and in lineage_kafka), the archive file's final path and the line's index in it (from 0).
--    The two meet on source_key: `dataflux trace ID` joins them.
-- 3. Both are purged after dataflux.lineage.retention-days by the lineage-purge singleton route (recorded_at).
-- 4. dead_letter.replay_*: `dataflux replay` marks a row PUSHING before it pushes the record back to Redis, and
--    REPLAYED with the new entry after, so that a crash or a second replay never pushes a record twice.

SET @dataflux_bin = IF(VERSION() LIKE '%MariaDB%', 'utf8mb4_nopad_bin', 'utf8mb4_0900_bin');
SET @dataflux_key = CONCAT('VARCHAR(255) CHARACTER SET utf8mb4 COLLATE ', @dataflux_bin);

SET @dataflux_ddl = CONCAT('CREATE TABLE lineage_kafka (',
    ' id BIGINT NOT NULL AUTO_INCREMENT,',
    ' post_id ', @dataflux_key, ' NOT NULL,',
    ' version_key VARCHAR(200) CHARACTER SET ascii COLLATE ascii_bin NOT NULL COMMENT ''posts.version_key of this version'',',
    ' source_id ', @dataflux_key, ' NULL COMMENT ''the Redis entry the version came from'',',
    ' source_key ', @dataflux_key, ' NOT NULL COMMENT ''the entry id (stream) or sha256:<record digest> (list)'',',
    ' topic VARCHAR(249) NOT NULL,',
    ' kafka_partition INT NOT NULL,',
    ' kafka_offset BIGINT NOT NULL,',
    ' recorded_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),',
    ' PRIMARY KEY (id),',
    ' KEY lineage_kafka_post (post_id),',
    ' KEY lineage_kafka_recorded (recorded_at)',
    ') ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci');
PREPARE dataflux_statement FROM @dataflux_ddl;
EXECUTE dataflux_statement;
DEALLOCATE PREPARE dataflux_statement;

SET @dataflux_ddl = CONCAT('CREATE TABLE lineage_archive (',
    ' id BIGINT NOT NULL AUTO_INCREMENT,',
    ' source_key ', @dataflux_key, ' NOT NULL COMMENT ''the entry id (stream) or sha256:<record digest> (list)'',',
    ' path VARCHAR(2048) NOT NULL COMMENT ''the archive file (its final name)'',',
    ' line BIGINT NOT NULL COMMENT ''the line''''s index in the file, from 0'',',
    ' recorded_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),',
    ' PRIMARY KEY (id),',
    ' KEY lineage_archive_source (source_key),',
    ' KEY lineage_archive_recorded (recorded_at)',
    ') ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci');
PREPARE dataflux_statement FROM @dataflux_ddl;
EXECUTE dataflux_statement;
DEALLOCATE PREPARE dataflux_statement;

SET @dataflux_ddl = CONCAT('ALTER TABLE dead_letter',
    ' ADD COLUMN replay_state VARCHAR(16) CHARACTER SET ascii NULL',
    ' COMMENT ''NULL: never replayed; PUSHING: marked, the push may not have happened; REPLAYED: pushed'',',
    ' ADD COLUMN replayed_at TIMESTAMP(3) NULL COMMENT ''when the row was marked'',',
    ' ADD COLUMN replay_entry ', @dataflux_key, ' NULL',
    ' COMMENT ''the new stream entry id, or list:<key> for a list'',',
    ' ADD KEY dead_letter_failed (failed_at)');
PREPARE dataflux_statement FROM @dataflux_ddl;
EXECUTE dataflux_statement;
DEALLOCATE PREPARE dataflux_statement;
