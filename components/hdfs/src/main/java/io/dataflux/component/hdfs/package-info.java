/**
 * The {@code hdfs:} Camel component: a maintained replacement for camel-hdfs's producer (camel-hdfs left Camel in
 * 4.4). It only writes; docs/components/hdfs.md describes it.
 *
 * <p>Producer ({@link io.dataflux.component.hdfs.HdfsProducer}): each exchange's records (a record, a list, bytes or a
 * stream) are appended to the open file of their partition and synced ({@code syncMode}, hsync by default) before the
 * exchange completes. A file is written under an in-progress name ({@code inProgressPrefix} + name + {@code .openedSuffix})
 * and renamed to its final name when it rolls: by size, record count, age or idle time (the last two also on a timer
 * with no traffic), on shutdown, or after a failed write. Every roll is logged, counted in
 * {@link io.dataflux.component.hdfs.HdfsMetrics}, published as an {@link io.dataflux.component.hdfs.HdfsRollEvent}, and
 * reported in the {@code CamelHdfsRollReason} / {@code CamelHdfsCommittedPaths} headers when an exchange caused it.
 * Generated names carry the instance id and a start time, so replicas never collide; at start-up this instance's
 * in-progress files left by a crash get lease recovery and are committed.
 *
 * <p>Example (YAML route): {@code to: {uri: "hdfs://namenode:8020/archive/posts", parameters: {partition:
 * "dt=${date:now:yyyy-MM-dd}/hour=${date:now:HH}", rollSize: 67108864, rollAge: "15m", compressionCodec: GZIP}}}.
 */
package io.dataflux.component.hdfs;
