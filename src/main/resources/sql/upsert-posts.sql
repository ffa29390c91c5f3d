-- Upsert on the business key (the primary key is the only unique key). Batches run in parallel, so two versions of a
-- post may arrive in any order: a version replaces the stored one only if it is not older (created_at), and
-- created_at itself is assigned last, because MySQL evaluates these assignments left to right.
INSERT INTO posts (id, thread_id, author_id, title, body, url, created_at, hashtags, mentions, links, word_count,
                   content_hash, author, extra, source_id)
VALUES (:#id, :#thread_id, :#author_id, :#title, :#body, :#url, :#created_at, :#hashtags, :#mentions, :#links,
        :#word_count, :#content_hash, :#author, :#extra, :#source_id)
ON DUPLICATE KEY UPDATE
    thread_id = IF((VALUES(created_at) >= created_at OR created_at IS NULL OR VALUES(created_at) IS NULL), VALUES(thread_id), thread_id),
    author_id = IF((VALUES(created_at) >= created_at OR created_at IS NULL OR VALUES(created_at) IS NULL), VALUES(author_id), author_id),
    title = IF((VALUES(created_at) >= created_at OR created_at IS NULL OR VALUES(created_at) IS NULL), VALUES(title), title),
    body = IF((VALUES(created_at) >= created_at OR created_at IS NULL OR VALUES(created_at) IS NULL), VALUES(body), body),
    url = IF((VALUES(created_at) >= created_at OR created_at IS NULL OR VALUES(created_at) IS NULL), VALUES(url), url),
    hashtags = IF((VALUES(created_at) >= created_at OR created_at IS NULL OR VALUES(created_at) IS NULL), VALUES(hashtags), hashtags),
    mentions = IF((VALUES(created_at) >= created_at OR created_at IS NULL OR VALUES(created_at) IS NULL), VALUES(mentions), mentions),
    links = IF((VALUES(created_at) >= created_at OR created_at IS NULL OR VALUES(created_at) IS NULL), VALUES(links), links),
    word_count = IF((VALUES(created_at) >= created_at OR created_at IS NULL OR VALUES(created_at) IS NULL), VALUES(word_count), word_count),
    content_hash = IF((VALUES(created_at) >= created_at OR created_at IS NULL OR VALUES(created_at) IS NULL), VALUES(content_hash), content_hash),
    author = IF((VALUES(created_at) >= created_at OR created_at IS NULL OR VALUES(created_at) IS NULL), VALUES(author), author),
    extra = IF((VALUES(created_at) >= created_at OR created_at IS NULL OR VALUES(created_at) IS NULL), VALUES(extra), extra),
    source_id = IF((VALUES(created_at) >= created_at OR created_at IS NULL OR VALUES(created_at) IS NULL), VALUES(source_id), source_id),
    created_at = IF((VALUES(created_at) >= created_at OR created_at IS NULL OR VALUES(created_at) IS NULL), VALUES(created_at), created_at)
