package io.tidemark.sinks;

/**
 * What a sink worker did since it started, for metrics.
 *
 * @param recordsTaken records read from Kafka (events, heartbeats, snapshot records), duplicates
 *     included
 * @param entriesStored events and snapshot rows made durable (in S3 or the spool)
 * @param bundlesUploaded bundles written to S3 directly
 * @param bundlesSpooled bundles written to the spool because S3 failed
 * @param bundlesDrained spooled bundles uploaded later
 * @param bundlesHeld bundles neither S3 nor the spool could take (spool or its disk full), held
 *     uncommitted with intake paused, now; 0 when the worker takes events
 * @param duplicatesDropped change events dropped as already stored
 * @param dedupeCacheHits look-ups of the dedupe cache that found the event
 * @param dedupeCacheMisses look-ups that did not
 * @param dedupeCacheEvictions identities the bounded cache let go
 */
public record SinkStats(long recordsTaken, long entriesStored, long bundlesUploaded, long bundlesSpooled,
    long bundlesDrained, long bundlesHeld, long duplicatesDropped, long dedupeCacheHits, long dedupeCacheMisses,
    long dedupeCacheEvictions) {}
