package io.tidemark.bench;

import io.tidemark.restore.RestoreProgress;
import io.tidemark.restore.RestoreProgress.Phase;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * When a restore entered each phase, sampled from its progress every 20 ms (a phase shorter
 * than that may be missed: it then takes no time), and the process's peak memory.
 */
final class PhaseClock implements AutoCloseable {
  private final RestoreProgress progress;
  private final Map<Phase, Long> enteredNanos = new EnumMap<>(Phase.class);
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "bench-phase-clock"));

  private PhaseClock(RestoreProgress progress) {
    this.progress = progress;
  }

  static PhaseClock watch(RestoreProgress progress) {
    PhaseClock clock = new PhaseClock(progress);
    clock.sample();
    clock.timer.scheduleAtFixedRate(clock::sample, 20, 20, TimeUnit.MILLISECONDS);
    return clock;
  }

  private synchronized void sample() {
    enteredNanos.putIfAbsent(progress.read().phase(), System.nanoTime());
  }

  /** Seconds from entering {@code from} to entering {@code to} (or the later next phase). */
  synchronized double seconds(Phase from, Phase to) {
    Long start = enteredNanos.get(from);
    Long end = null;
    for (int p = to.ordinal(); end == null && p < Phase.values().length; p++) {
      end = enteredNanos.get(Phase.values()[p]);
    }
    return start == null || end == null ? 0 : (end - start) / 1e9;
  }

  @Override
  public void close() throws InterruptedException {
    timer.shutdown();
    timer.awaitTermination(10, TimeUnit.SECONDS);
    sample(); // DONE
  }

  /** The sum of the heap pools' peak use since the JVM started, in MiB. */
  static long heapPeakMib() {
    return ManagementFactory.getMemoryPoolMXBeans().stream()
        .filter(p -> p.getType() == MemoryType.HEAP)
        .mapToLong(p -> p.getPeakUsage().getUsed()).sum() >> 20;
  }

  /** The process's peak resident set (VmHWM), in MiB; -1 where /proc is not there. */
  static long rssPeakMib() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) >> 10;
        }
      }
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
    return -1;
  }
}
