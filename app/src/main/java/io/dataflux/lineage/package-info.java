/**
 * Lineage: where each stored post went. The Kafka and archive legs of the pipeline record, with each batch and each
 * archive aggregate, one row per post (its Redis entry, its MySQL row's version key, its Kafka partition and offset,
 * its archive file and line); {@code dataflux trace ID} reads them back. Recording never holds up or fails delivery:
 * a failed insert is logged and counted, and the posts are acknowledged all the same.
 */
package io.dataflux.lineage;
