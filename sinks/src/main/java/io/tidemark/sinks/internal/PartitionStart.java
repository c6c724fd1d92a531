package io.tidemark.sinks.internal;

import io.tidemark.schemas.SourcePosition;
import java.util.Optional;

/**
 * What a worker learns about a partition when it is assigned: from the newest durable bundle, in
 * the spool or else in S3.
 *
 * @param newestPosition the last source position durable (seeds the duplicate filter)
 * @param previousSha256 the hash the partition's next bundle chains to: "" when no bundle is
 *     durable yet, null when it could not be learned (S3 unreachable; the chain then has an
 *     unrecorded link, which restore cannot check but does not refuse)
 */
public record PartitionStart(Optional<SourcePosition> newestPosition, String previousSha256) {
  static final PartitionStart EMPTY = new PartitionStart(Optional.empty(), "");
  static final PartitionStart UNKNOWN = new PartitionStart(Optional.empty(), null);
}
