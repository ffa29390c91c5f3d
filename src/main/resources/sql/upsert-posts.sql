INSERT INTO posts (id, thread_id, author_id, title, body, url, created_at, hashtags, mentions, links, word_count,
                   content_hash, author, extra, source_id)
VALUES (:#id, :#thread_id, :#author_id, :#title, :#body, :#url, :#created_at, :#hashtags, :#mentions, :#links,
        :#word_count, :#content_hash, :#author, :#extra, :#source_id)
ON DUPLICATE KEY UPDATE
    thread_id = VALUES(thread_id), author_id = VALUES(author_id), title = VALUES(title), body = VALUES(body),
    url = VALUES(url), created_at = VALUES(created_at), hashtags = VALUES(hashtags), mentions = VALUES(mentions),
    links = VALUES(links), word_count = VALUES(word_count), content_hash = VALUES(content_hash),
    author = VALUES(author), extra = VALUES(extra), source_id = VALUES(source_id)
