package io.tidemark.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * CPU time of this JVM's threads between two points: a cheap profile that shows where a phase
 * spends its CPU (binlog reader, our conversion and forwarding, the producer's I/O, the in-JVM
 * broker). Threads are grouped by name with digits replaced by '#', so pools add up.
 */
final class ThreadCpu {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private final Map<Long, Long> startCpu = new HashMap<>();
  private final long startProcessCpu;
  private final long startWall;

  private ThreadCpu() {
    for (long id : THREADS.getAllThreadIds()) {
      startCpu.put(id, THREADS.getThreadCpuTime(id));
    }
    startProcessCpu = processCpuNanos();
    startWall = System.nanoTime();
  }

  static ThreadCpu start() {
    return new ThreadCpu();
  }

  /** Process CPU seconds per wall second since start: 2.0 is both cores of this machine. */
  double processCores() {
    return (processCpuNanos() - startProcessCpu) / (double) (System.nanoTime() - startWall);
  }

  /** CPU milliseconds per thread group since start, largest first, the top {@code n}. */
  Map<String, Long> topGroupsMs(int n) {
    Map<String, Long> byGroup = new TreeMap<>();
    for (long id : THREADS.getAllThreadIds()) {
      ThreadInfo info = THREADS.getThreadInfo(id);
      long cpu = THREADS.getThreadCpuTime(id);
      if (info == null || cpu < 0) {
        continue;
      }
      long delta = cpu - startCpu.getOrDefault(id, 0L);
      String group = info.getThreadName().replaceAll("[0-9]+", "#").replaceAll("[^A-Za-z#._-]", "_");
      byGroup.merge(group, delta / 1_000_000, Long::sum);
    }
    Map<String, Long> top = new LinkedHashMap<>();
    byGroup.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .limit(n).forEach(e -> top.put(e.getKey(), e.getValue()));
    return top;
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }
}
