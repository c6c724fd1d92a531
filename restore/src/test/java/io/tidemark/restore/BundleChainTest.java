package io.tidemark.restore;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tidemark.schemas.BundleKeys;
import io.tidemark.schemas.BundleLink;
import io.tidemark.schemas.SourcePosition;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BundleChainTest {
  private static final SourcePosition SNAPSHOT = position(5);

  @Test
  void aCompleteChainPasses() {
    List<BundleLink> p = List.of(link(0, 9, "a", ""), link(10, 19, "b", "a"), link(20, 29, "c", "b"));
    assertThatCode(() -> check(p)).doesNotThrowAnyException();
  }

  @Test
  void aMissingMiddleBundleIsRefusedWithThePartitionTheOffsetsAndTheFix() {
    List<BundleLink> p = List.of(link(0, 9, "a", ""), link(20, 29, "c", "b"), link(30, 39, "d", "c"));
    assertThatThrownBy(() -> check(p)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("partition src.changes/1 of s3://b/p misses a bundle")
        .hasMessageContaining("(offsets 20-29)").hasMessageContaining("SHA-256 b ")
        .hasMessageContaining("ends at offset 9").hasMessageContaining("Nothing was written")
        .hasMessageContaining("--snapshot");
  }

  @Test
  void aMissingFirstBundleIsRefusedUnlessTheSnapshotCoversIt() {
    List<BundleLink> afterSnapshot = List.of(link(10, 19, "b", "a"));
    assertThatThrownBy(() -> check(afterSnapshot))
        .hasMessageContaining("no bundle of the partition comes before it");
    List<BundleLink> fromBeforeSnapshot = List.of(new BundleLink(key(10, 19), "b", "a",
        position(3), position(19), null), link(20, 29, "c", "b"));
    assertThatCode(() -> check(fromBeforeSnapshot)).as("deleted by retention, inside the snapshot")
        .doesNotThrowAnyException();
  }

  @Test
  void aBundleDeletedByPruneBeforeTheSnapshotStillAnchorsTheChain() {
    List<BundleLink> kept = List.of(link(10, 19, "b", "a"), link(20, 29, "c", "b"));
    BundleLink prunedBeforeSnapshot = new BundleLink("p/changes/src.changes/1/pruned-through",
        "a", "", position(0), position(4), null);
    assertThatCode(() -> check(kept, Map.of("src.changes/1", prunedBeforeSnapshot)))
        .doesNotThrowAnyException();
    BundleLink prunedAfterSnapshot = new BundleLink("p/changes/src.changes/1/pruned-through",
        "a", "", position(0), position(9), null);
    assertThatThrownBy(() -> check(kept, Map.of("src.changes/1", prunedAfterSnapshot)))
        .as("changes after the snapshot were deleted").hasMessageContaining("misses a bundle");
  }

  @Test
  void overlappingBundlesOfARetriedUploadKeepTheChainSound() {
    // 0-2 landed, the worker crashed before committing; the next owner learned 0-2 as the newest
    // and re-batched the same offsets as 0-1 and 2-4; another worker chained to 0-2 as well.
    List<BundleLink> p = List.of(link(0, 1, "x", "a"), link(0, 2, "a", ""), link(2, 4, "y", "x"),
        link(3, 6, "z", "a"));
    assertThatCode(() -> check(p)).doesNotThrowAnyException();
  }

  @Test
  void linksThatRecordNothingAreNotChecked() {
    List<BundleLink> p = new ArrayList<>(List.of(link(10, 19, "b", null), link(30, 39, "d", "")));
    assertThatCode(() -> check(p)).doesNotThrowAnyException();
  }

  private static void check(List<BundleLink> partition) {
    check(partition, Map.of());
  }

  private static void check(List<BundleLink> partition, Map<String, BundleLink> pruned) {
    BundleChain.check(Map.of("src.changes/1", partition), pruned, SNAPSHOT, "s3://b/p");
  }

  private static BundleLink link(long first, long last, String sha, String previous) {
    return new BundleLink(key(first, last), sha, previous, position(first + 10),
        position(last + 10), null);
  }

  private static String key(long first, long last) {
    return BundleKeys.changeBundle("p", "src.changes", 1, first, last);
  }

  private static SourcePosition position(long pos) {
    return new SourcePosition(1, "bin.000001", pos, 0, 0, null, 0, false);
  }
}
