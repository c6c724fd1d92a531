package io.tidemark.bench;

import io.tidemark.app.S3Clients;
import io.tidemark.filecache.Spool;
import io.tidemark.schemas.TopicNames;
import io.tidemark.sinks.SinkSettings;
import io.tidemark.sinks.SinkStats;
import io.tidemark.sinks.SinkWorker;
import io.tidemark.sinks.s3.S3BundleStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The child JVM of {@link SinkBench}: one {@link SinkWorker} with {@link SinkSettings#defaults},
 * nothing else, so its heap is the worker's. Every 100 ms it appends
 * {@code ms,entries_stored,bundles_uploaded,heap_used,heap_after_gc,process_cpu_ms,
 * worker_thread_cpu_ms} to the timeline file;
 * on SIGTERM it closes the worker (which makes every batch durable), then writes its totals as
 * {@code key=value} lines.
 *
 * <p>Arguments: bootstrap servers, S3 endpoint, bucket, source name, spool directory, timeline
 * file, results file. S3 credentials from {@code BENCH_S3_ACCESS_KEY} / {@code
 * BENCH_S3_SECRET_KEY}.
 */
public final class SinkBenchWorker {
  private SinkBenchWorker() {}

  public static void main(String[] args) throws Exception {
    String bootstrap = args[0];
    URI endpoint = URI.create(args[1]);
    String bucket = args[2];
    String source = args[3];
    Path spoolDir = Path.of(args[4]);
    Path timeline = Path.of(args[5]);
    Path resultsFile = Path.of(args[6]);
    long started = System.nanoTime();

    SinkSettings settings = SinkSettings.defaults(new TopicNames(source), bootstrap, bucket,
        "bench");
    S3Client s3 = S3Clients.forEndpoint(endpoint, "us-east-1",
        System.getenv("BENCH_S3_ACCESS_KEY"), System.getenv("BENCH_S3_SECRET_KEY"));
    Files.createDirectories(spoolDir);
    SinkWorker worker = new SinkWorker(settings, new S3BundleStore(s3, bucket),
        Spool.open(spoolDir, 1L << 34), InstantSource.system(), d -> Thread.sleep(d.toMillis()));

    Sampler sampler = new Sampler(worker, timeline, started, Thread.currentThread().getId());
    Thread samplerThread = new Thread(sampler, "bench-heap-sampler");
    samplerThread.setDaemon(true);
    CountDownLatch done = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      worker.close();
      try {
        done.await(120, TimeUnit.SECONDS);
        sampler.sample();
        writeResults(resultsFile, worker.stats(), sampler, started);
      } catch (Exception e) {
        e.printStackTrace();
      }
    }, "bench-stop"));
    samplerThread.start();
    System.out.println("sink worker started");
    try {
      worker.run();
    } finally {
      done.countDown();
    }
  }

  private static void writeResults(Path file, SinkStats stats, Sampler sampler, long started)
      throws IOException {
    long gcCount = 0;
    long gcMs = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      gcCount += Math.max(0, gc.getCollectionCount());
      gcMs += Math.max(0, gc.getCollectionTime());
    }
    long poolPeaks = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        poolPeaks += pool.getPeakUsage().getUsed();
      }
    }
    var os = (com.sun.management.OperatingSystemMXBean)
        ManagementFactory.getOperatingSystemMXBean();
    Results r = new Results()
        .put("worker_entries_stored", stats.entriesStored())
        .put("worker_bundles_uploaded", stats.bundlesUploaded())
        .put("worker_bundles_spooled", stats.bundlesSpooled())
        .put("worker_duplicates_dropped", stats.duplicatesDropped())
        .put("worker_heap_max_mib", mib(Runtime.getRuntime().maxMemory()))
        .put("worker_heap_used_peak_sampled_mib", mib(sampler.peakUsed))
        .put("worker_heap_pool_peaks_sum_mib", mib(poolPeaks))
        .put("worker_heap_after_gc_peak_mib", mib(sampler.peakAfterGc))
        .put("worker_gc_count", gcCount)
        .put("worker_gc_ms", gcMs)
        .put("worker_cpu_s", os.getProcessCpuTime() / 1e9)
        .put("worker_uptime_s", (System.nanoTime() - started) / 1e9);
    r.write(file);
  }

  private static double mib(long bytes) {
    return bytes / 1048576.0;
  }

  /** Heap and progress every 100 ms. */
  private static final class Sampler implements Runnable {
    private final SinkWorker worker;
    private final Path timeline;
    private final long started;
    private final List<MemoryPoolMXBean> heapPools = ManagementFactory.getMemoryPoolMXBeans()
        .stream().filter(p -> p.getType() == MemoryType.HEAP).toList();
    volatile long peakUsed;
    volatile long peakAfterGc;
    private final long workerThread;
    private final com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private PrintWriter out;

    Sampler(SinkWorker worker, Path timeline, long started, long workerThread) {
      this.worker = worker;
      this.timeline = timeline;
      this.started = started;
      this.workerThread = workerThread;
    }

    @Override
    public void run() {
      try {
        out = new PrintWriter(Files.newBufferedWriter(timeline));
        out.println("ms,entries_stored,bundles_uploaded,heap_used,heap_after_gc,process_cpu_ms,"
            + "worker_thread_cpu_ms");
        while (true) {
          sample();
          TimeUnit.MILLISECONDS.sleep(100); // a sampling period, not a wait for a condition
        }
      } catch (InterruptedException | IOException e) {
        Thread.currentThread().interrupt();
      }
    }

    synchronized void sample() {
      long used = 0;
      long afterGc = 0;
      for (MemoryPoolMXBean p : heapPools) {
        used += p.getUsage().getUsed();
        MemoryUsage c = p.getCollectionUsage();
        if (c != null) {
          afterGc += c.getUsed();
        }
      }
      peakUsed = Math.max(peakUsed, used);
      peakAfterGc = Math.max(peakAfterGc, afterGc);
      if (out != null) {
        SinkStats s = worker.stats();
        out.println((System.nanoTime() - started) / 1_000_000 + "," + s.entriesStored() + ","
            + s.bundlesUploaded() + "," + used + "," + afterGc + ","
            + os.getProcessCpuTime() / 1_000_000 + ","
            + Math.max(0, ManagementFactory.getThreadMXBean().getThreadCpuTime(workerThread))
                / 1_000_000);
        out.flush();
      }
    }
  }
}
