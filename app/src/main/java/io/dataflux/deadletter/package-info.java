/**
 * The dead letter: the one row builder and payload store of every record the source, the enrichers or a sink refused
 * ({@code dead-letter} route, routes/errors.camel.yaml), and its replay: {@code dataflux replay} pushes dead-lettered
 * records back into the configured Redis stream or list, byte for byte, once each (every row is marked before its push
 * and completed with the new entry).
 */
package io.dataflux.deadletter;
