-- Upsert on the business key (the primary key is the only unique key). Batches run in parallel, so the versions of a
-- post may arrive in any order and in any grouping: a version replaces the stored row, whole, only if its version_key
-- (created_at, then the stream entry, then the payload's digest: see PostVersion) is not smaller. version_key itself
-- is assigned last, because MySQL evaluates these assignments left to right.
INSERT INTO posts (id, thread_id, author_id, title, body, url, created_at, hashtags, mentions, links, word_count,
                   content_hash, author, extra, source_id, version_key)
VALUES (:#id, :#thread_id, :#author_id, :#title, :#body, :#url, :#created_at, :#hashtags, :#mentions, :#links,
        :#word_count, :#content_hash, :#author, :#extra, :#source_id, :#version_key)
ON DUPLICATE KEY UPDATE
    thread_id = IF(VALUES(version_key) >= version_key, VALUES(thread_id), thread_id),
    author_id = IF(VALUES(version_key) >= version_key, VALUES(author_id), author_id),
    title = IF(VALUES(version_key) >= version_key, VALUES(title), title),
    body = IF(VALUES(version_key) >= version_key, VALUES(body), body),
    url = IF(VALUES(version_key) >= version_key, VALUES(url), url),
    created_at = IF(VALUES(version_key) >= version_key, VALUES(created_at), created_at),
    hashtags = IF(VALUES(version_key) >= version_key, VALUES(hashtags), hashtags),
    mentions = IF(VALUES(version_key) >= version_key, VALUES(mentions), mentions),
    links = IF(VALUES(version_key) >= version_key, VALUES(links), links),
    word_count = IF(VALUES(version_key) >= version_key, VALUES(word_count), word_count),
    content_hash = IF(VALUES(version_key) >= version_key, VALUES(content_hash), content_hash),
    author = IF(VALUES(version_key) >= version_key, VALUES(author), author),
    extra = IF(VALUES(version_key) >= version_key, VALUES(extra), extra),
    source_id = IF(VALUES(version_key) >= version_key, VALUES(source_id), source_id),
    version_key = IF(VALUES(version_key) >= version_key, VALUES(version_key), version_key)
