/**
 * Replay of the dead letter: {@code dataflux replay} pushes dead-lettered records back into the configured Redis
 * stream or list, byte for byte, once each (every row is marked before its push and completed with the new entry).
 */
package io.dataflux.replay;
