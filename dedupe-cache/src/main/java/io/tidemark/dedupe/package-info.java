/**
 * Dropping duplicate change events before they reach storage: redeliveries after a crash or a
 * rebalance, capture replays after a restart, producer retries. A bounded Caffeine cache of the
 * identities in flight, plus the highest durable source position per partition, recovered from
 * the last durable bundle so that the guarantee survives a restart.
 *
 * <p>Not built yet: the sinks issue adds it. Until then the restore side is idempotent per
 * bundle key, which covers redelivery but not capture replays.
 */
package io.tidemark.dedupe;
