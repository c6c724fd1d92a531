package io.tidemark.dedupe;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.schemas.SourcePosition;
import io.tidemark.schemas.avro.ChangeEvent;
import io.tidemark.schemas.avro.Operation;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DeduplicatorTest {

  @Test
  void aCaptureReplayAfterAReconnectIsDroppedAndNewEventsPass() {
    Deduplicator d = new Deduplicator(1000);
    List<Long> kept = new ArrayList<>();
    for (long pos : new long[] {10, 20, 30, 20, 30, 40, 50}) {
      if (!d.isDuplicate("t-0", event(pos, false))) {
        kept.add(pos);
      }
    }
    assertThat(kept).containsExactly(10L, 20L, 30L, 40L, 50L);
  }

  @Test
  void theDurablePositionSurvivesARestartThroughSeeding() {
    Deduplicator afterRestart = new Deduplicator(1000);
    afterRestart.seed("t-0", SourcePosition.fromAvro(event(30, false).getPosition()));
    assertThat(afterRestart.isDuplicate("t-0", event(30, false))).isTrue();
    assertThat(afterRestart.isDuplicate("t-0", event(31, false))).isFalse();
    assertThat(afterRestart.isDuplicate("t-1", event(5, false))).as("other partition").isFalse();
  }

  @Test
  void aReplayOnAnotherPartitionIsCaughtByTheCache() {
    Deduplicator d = new Deduplicator(1000);
    assertThat(d.isDuplicate("t-0", event(10, false))).isFalse();
    assertThat(d.isDuplicate("t-1", event(10, false))).isTrue();
    assertThat(d.stats().hitCount()).isEqualTo(1);
  }

  @Test
  void theSchemaSnapshotsDdlSharingOnePositionIsKept() {
    Deduplicator d = new Deduplicator(1000);
    assertThat(d.isDuplicate("t-0", event(4, true))).isFalse();
    assertThat(d.isDuplicate("t-0", event(4, true))).isFalse();
    assertThat(d.isDuplicate("t-0", event(3, true))).isTrue();
  }

  @Test
  void randomReplaysNeverLetADuplicateThroughNorDropANewEvent() {
    Random random = new Random(11);
    for (int round = 0; round < 100; round++) {
      Deduplicator d = new Deduplicator(50);
      long produced = 0;
      List<Long> kept = new ArrayList<>();
      while (produced < 300) {
        long replayFrom = Math.max(1, produced - random.nextInt(40));
        boolean replay = produced > 0 && random.nextInt(5) == 0;
        long pos = replay ? replayFrom : ++produced;
        if (!d.isDuplicate("t-0", event(pos, false))) {
          kept.add(pos);
        }
      }
      assertThat(kept).doesNotHaveDuplicates().isSorted().hasSize(300);
    }
  }

  private static ChangeEvent event(long pos, boolean snapshot) {
    return ChangeEvent.newBuilder()
        .setPosition(new SourcePosition(1, "mysql-bin.000001", pos, 0, 0, null, 0, snapshot).toAvro())
        .setDatabase("db").setTable("t").setOperation(snapshot ? Operation.DDL : Operation.INSERT)
        .build();
  }
}
