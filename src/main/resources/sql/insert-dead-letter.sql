INSERT INTO dead_letter (record_id, source_id, reason, detail, route_id, payload)
VALUES (:#record_id, :#source_id, :#reason, :#detail, :#route_id, :#payload)
