-- The forum schema: posts keyed by their business key (the post id), authors, and the dead letter.
-- utf8mb4 everywhere: posts carry emoji and CJK text.

CREATE TABLE authors (
    author_id    VARCHAR(64)  NOT NULL,
    display_name VARCHAR(200) NOT NULL,
    reputation   INT          NULL,
    location     VARCHAR(200) NULL,
    joined_at    DATETIME(3)  NULL,
    updated_at   TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
    PRIMARY KEY (author_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- the primary key is the only unique key, so ON DUPLICATE KEY UPDATE fires on the business key and nothing else
CREATE TABLE posts (
    id           VARCHAR(64)   NOT NULL,
    thread_id    VARCHAR(64)   NULL,
    author_id    VARCHAR(64)   NOT NULL,
    title        VARCHAR(300)  NULL,
    body         MEDIUMTEXT    NOT NULL,
    url          VARCHAR(2048) NULL,
    created_at   DATETIME(3)   NULL,
    hashtags     JSON          NOT NULL,
    mentions     JSON          NOT NULL,
    links        JSON          NOT NULL,
    word_count   INT           NOT NULL,
    content_hash CHAR(64)      NOT NULL,
    author       JSON          NULL COMMENT 'the author profile the post was enriched with',
    extra        JSON          NULL COMMENT 'input fields that have no column of their own',
    source_id    VARCHAR(64)   NULL COMMENT 'the Redis entry the post came from',
    ingested_at  TIMESTAMP(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    updated_at   TIMESTAMP(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
    PRIMARY KEY (id),
    KEY posts_author (author_id),
    KEY posts_thread (thread_id),
    KEY posts_content_hash (content_hash)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- records that can never be processed: the original bytes, why, and where they failed
CREATE TABLE dead_letter (
    id        BIGINT        NOT NULL AUTO_INCREMENT,
    record_id VARCHAR(64)   NULL,
    source_id VARCHAR(64)   NULL,
    reason    VARCHAR(32)   NOT NULL,
    detail    VARCHAR(2000) NOT NULL,
    route_id  VARCHAR(100)  NULL,
    payload   LONGBLOB      NOT NULL,
    failed_at TIMESTAMP(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    PRIMARY KEY (id),
    KEY dead_letter_reason (reason),
    KEY dead_letter_record (record_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
