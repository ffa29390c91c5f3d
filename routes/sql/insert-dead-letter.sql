-- One row per (source_key, reason): a record delivered again (a batch retried, an entry claimed by a replica) finds
-- its row there and adds none. INSERT IGNORE would also hide data errors; a no-op update on the key hides nothing else.
INSERT INTO dead_letter (record_id, source_id, source_key, reason, detail, route_id, payload, payload_length,
                         payload_sha256, payload_location)
VALUES (:#record_id, :#source_id, :#source_key, :#reason, :#detail, :#route_id, :#payload, :#payload_length,
        :#payload_sha256, :#payload_location)
ON DUPLICATE KEY UPDATE id = id
