package io.tidemark.restore;

import io.tidemark.schemas.BundleLink;
import io.tidemark.schemas.SourcePosition;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Checks each partition's hash chain before a restore writes anything: every change bundle names
 * the hash of the bundle its writer knew as the partition's newest durable one, so a bundle whose
 * predecessor is not in the archive shows a missing bundle in the middle.
 *
 * <p>The rule is membership, not adjacency: a link is sound when the hash it names belongs to any
 * bundle of the same partition. Overlapping bundles from a retried upload (MergedEvents delivers
 * each offset once) and two workers that each chained to the same predecessor around a rebalance
 * both satisfy it. A link is not checked when it records nothing (bundles of format 1, a writer
 * that could not reach S3 when the partition was assigned) or names "" (the writer knew no
 * earlier bundle). A missing predecessor is harmless when the bundle naming it starts at or before
 * the restore's start, or when {@code prune} deleted it (its marker keeps the link) and it ended
 * at or before the start: everything missing lies inside the snapshot.
 */
final class BundleChain {
  private BundleChain() {}

  /**
   * @param partitions every bundle per partition, in key (offset) order
   * @param pruned per partition, the last bundle {@code prune} deleted there
   * @param start the snapshot position replay starts after
   * @param where the repository, for the message
   * @throws IllegalStateException naming the partition, the offsets around the gap and the fix
   */
  static void check(Map<String, List<BundleLink>> partitions, Map<String, BundleLink> pruned,
      SourcePosition start, String where) {
    partitions.forEach((partition, links) -> {
      Set<String> hashes = new HashSet<>();
      links.stream().map(BundleLink::sha256).filter(Objects::nonNull).forEach(hashes::add);
      BundleLink deleted = pruned.get(partition);
      if (deleted != null && deleted.sha256() != null && deleted.lastPosition() != null
          && deleted.lastPosition().compareTo(start) <= 0) {
        hashes.add(deleted.sha256());
      }
      long before = -1;
      for (BundleLink b : links) {
        String previous = b.previousSha256();
        boolean sound = previous == null || previous.isEmpty() || hashes.contains(previous)
            || (b.firstPosition() != null && b.firstPosition().compareTo(start) <= 0);
        if (!sound) {
          throw new IllegalStateException(gap(partition, b, before, where));
        }
        before = Math.max(before, b.lastOffset());
      }
    });
  }

  private static String gap(String partition, BundleLink b, long before, String where) {
    String after = before < 0 ? "no bundle of the partition comes before it"
        : "the bundle before it ends at offset " + before;
    return "partition " + partition + " of " + where + " misses a bundle: " + b.key()
        + " (offsets " + b.firstOffset() + "-" + b.lastOffset() + ") follows a bundle with"
        + " SHA-256 " + b.previousSha256() + " that is not there, and " + after + ", so the"
        + " changes between offset " + Math.max(before, 0) + " and offset " + b.firstOffset()
        + " would be skipped. Nothing was written to the target. Put the missing object back"
        + " (bucket versioning, a replica), or restore from a snapshot taken after those"
        + " changes (--snapshot; 'tidemark list' shows them)";
  }
}
