package io.tidemark.restore.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TableTurnsTest {
  private final TableTurns turns = new TableTurns();

  @Test
  void aConnectionLoadsAnotherTableWhileOneIsTakenAndWaitsWhenAllAre() throws Exception {
    CountDownLatch aTaken = new CountDownLatch(1);
    CountDownLatch releaseA = new CountDownLatch(1);
    CompletableFuture<String> holder = CompletableFuture.supplyAsync(() -> load(List.of("a"),
        () -> {
          aTaken.countDown();
          await(releaseA);
        }));
    assertThat(aTaken.await(10, TimeUnit.SECONDS)).isTrue();

    assertThat(turns.loadOne(List.of("a", "b"), t -> { })).as("a is taken").isEqualTo("b");

    java.util.concurrent.atomic.AtomicBoolean waiterLoaded =
        new java.util.concurrent.atomic.AtomicBoolean();
    CompletableFuture<String> waiter = new CompletableFuture<>();
    Thread waiting = new Thread(() -> waiter.complete(load(List.of("a"),
        () -> waiterLoaded.set(true))));
    waiting.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (waiting.getState() != Thread.State.WAITING && System.nanoTime() < deadline) {
      Thread.onSpinWait(); // until the waiter is parked on a's turn
    }
    assertThat(waiting.getState()).as("the waiter parks: only a is wanted, and it is taken")
        .isEqualTo(Thread.State.WAITING);
    assertThat(waiterLoaded).isFalse();
    releaseA.countDown();
    assertThat(waiter.get(10, TimeUnit.SECONDS)).isEqualTo("a");
    assertThat(waiterLoaded).isTrue();
    assertThat(holder.get(10, TimeUnit.SECONDS)).isEqualTo("a");
  }

  private String load(List<String> tables, Runnable body) {
    try {
      return turns.loadOne(tables, t -> body.run());
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }
}
