package io.tidemark.bench;

import io.tidemark.capture.internal.KafkaTopics;
import io.tidemark.schemas.KafkaCodec;
import io.tidemark.schemas.SourcePosition;
import io.tidemark.schemas.TopicNames;
import io.tidemark.schemas.avro.ChangeEvent;
import io.tidemark.schemas.avro.Column;
import io.tidemark.schemas.avro.Operation;
import io.tidemark.sinks.ConsumerLag;
import io.tidemark.sinks.SinkSettings;
import io.tidemark.testkit.KafkaBroker;
import io.tidemark.testkit.S3Server;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * One {@link io.tidemark.sinks.SinkWorker} in a child JVM ({@link SinkBenchWorker}, default GC,
 * {@code -Xmx} as given) draining a change topic of an in-JVM broker into an in-JVM,
 * filesystem-backed S3 server. The topic holds sysbench-like row changes ({@code oltp_write_only}:
 * per transaction an UPDATE of {@code k}, an UPDATE of {@code c}, a DELETE and an INSERT of one
 * row of {@code sbtestN(id INT, k INT, c CHAR(120), pad CHAR(60))}, full row images), encoded
 * with {@link KafkaCodec#CHANGES} and keyed as capture keys them, sent in Kafka transactions
 * with a transactional producer configured as capture's, with a heartbeat on every partition
 * now and then as capture sends them.
 *
 * <ul>
 *   <li>{@code backlog}: every event is in Kafka before the worker starts; the time until the
 *       group's lag is 0 gives the catch-up capacity of one worker.
 *   <li>{@code live}: the worker runs while a writer produces at {@code --rate} events/s for
 *       {@code --events / rate} seconds; the lag over time says whether it keeps up.
 * </ul>
 */
@Command(name = "sink", mixinStandardHelpOptions = true,
    description = "Events/s into S3 of one sink worker in a child JVM, and its heap.")
final class SinkBench implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(SinkBench.class);
  private static final String BUCKET = "tidemark-bench";
  private static final String SOURCE = "sinkbench";
  private static final String DB = "benchdb";

  enum Mode { backlog, live }

  @Option(names = "--out", required = true, description = "results file (key=value lines)")
  Path out;

  @Option(names = "--mode", defaultValue = "backlog", description = "backlog or live")
  Mode mode;

  @Option(names = "--events", defaultValue = "1000000", description = "row change events")
  long events;

  @Option(names = "--rate", defaultValue = "10500",
      description = "live mode: events/s written while the worker runs (FACTS: ~10.5k)")
  int rate;

  @Option(names = "--partitions", defaultValue = "3", description = "change topic partitions")
  int partitions;

  @Option(names = "--tables", defaultValue = "8", description = "sbtest tables")
  int tables;

  @Option(names = "--table-rows", defaultValue = "250000", description = "rows per table")
  int tableRows;

  @Option(names = "--txn-events", defaultValue = "2048",
      description = "backlog mode: events per Kafka transaction (the engine's max batch)")
  int txnEvents;

  @Option(names = "--heap", defaultValue = "256m", description = "the worker's -Xmx")
  String heap;

  @Option(names = "--jvm-opt", description = "further options of the worker's JVM (repeatable),"
      + " e.g. -XX:StartFlightRecording=filename=sink.jfr,settings=profile")
  List<String> jvmOpts = new ArrayList<>();

  @Option(names = "--dir", description = "work directory (S3 store, spool, logs); emptied first")
  Path dir;

  @Option(names = "--seed", defaultValue = "42", description = "random seed of the row values")
  long seed;

  private final Results results = new Results();

  @Override
  public Integer call() throws Exception {
    Path work = dir != null ? dir : Files.createTempDirectory("tidemark-sinkbench-");
    deleteRecursively(work);
    Files.createDirectories(work);
    TopicNames topics = new TopicNames(SOURCE);
    results.put("mode", mode).put("events", events).put("partitions", partitions)
        .put("heap", heap).put("load1_before", load1());
    try (KafkaBroker kafka = KafkaBroker.start();
        S3Server s3 = S3Server.builder().filesystem(work.resolve("s3"))
            .credentials("bench", "bench-secret").start();
        Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
            kafka.bootstrapServers()))) {
      s3.createBucket(BUCKET);
      KafkaTopics.ensure(kafka.bootstrapServers(), topics.changes(), partitions, (short) 1);
      KafkaTopics.ensure(kafka.bootstrapServers(), topics.snapshots(), 1, (short) 1);
      SinkSettings sink = SinkSettings.defaults(topics, kafka.bootstrapServers(), BUCKET, "bench");
      Events source = new Events(new Random(seed), tables, tableRows);
      try (KafkaProducer<byte[], byte[]> producer = KafkaTopics.producer(
          kafka.bootstrapServers(), Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG,
              SOURCE + "-bench-capture"))) {
        producer.initTransactions();
        if (mode == Mode.backlog) {
          backlog(producer, topics, source, kafka, s3, admin, sink, work);
        } else {
          live(producer, topics, source, kafka, s3, admin, sink, work);
        }
      }
      results.put("s3_objects", fileCount(work.resolve("s3")))
          .put("s3_bytes", directoryBytes(work.resolve("s3")));
    }
    results.put("load1_after", load1());
    results.write(out);
    return 0;
  }

  private void backlog(KafkaProducer<byte[], byte[]> producer, TopicNames topics, Events source,
      KafkaBroker kafka, S3Server s3, Admin admin, SinkSettings sink, Path work) throws Exception {
    long t0 = System.nanoTime();
    long written = 0;
    while (written < events) {
      int n = (int) Math.min(txnEvents, events - written);
      send(producer, topics, source, n, true);
      written += n;
    }
    double fill = (System.nanoTime() - t0) / 1e9;
    log.info("{} events in Kafka after {} s", written, fill);
    results.put("fill_seconds", fill).put("fill_events_per_s", written / fill)
        .put("lag_before_worker", ConsumerLag.of(admin, sink));
    Process worker = startWorker(kafka, s3, work);
    long started = System.nanoTime();
    try {
      awaitLagZero(admin, sink, worker, started, work);
      results.put("wall_seconds_to_lag0", (System.nanoTime() - started) / 1e9);
    } finally {
      stopWorker(worker, work);
    }
    throughputFromTimeline(work.resolve("worker-timeline.csv"));
  }

  /** The largest heap after a collection in the worker's GC log: its live set plus floating garbage. */
  private void gcLog(Path log) throws IOException {
    if (!Files.exists(log)) {
      return;
    }
    java.util.regex.Pattern after = java.util.regex.Pattern.compile("->(\\d+)M\\((\\d+)M\\)");
    long max = 0;
    long committed = 0;
    for (String line : Files.readAllLines(log)) {
      java.util.regex.Matcher m = after.matcher(line);
      if (m.find()) {
        max = Math.max(max, Long.parseLong(m.group(1)));
        committed = Math.max(committed, Long.parseLong(m.group(2)));
      }
    }
    results.put("worker_gc_log_heap_after_gc_max_mib", max)
        .put("worker_gc_log_heap_committed_max_mib", committed);
  }

  private void live(KafkaProducer<byte[], byte[]> producer, TopicNames topics, Events source,
      KafkaBroker kafka, S3Server s3, Admin admin, SinkSettings sink, Path work) throws Exception {
    Process worker = startWorker(kafka, s3, work);
    try {
      // the worker joins the group and is assigned its partitions before the load starts
      send(producer, topics, source, partitions * 4, true);
      long joinDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (ConsumerLag.of(admin, sink) > 0) {
        checkAlive(worker, work);
        if (System.nanoTime() > joinDeadline) {
          throw new IllegalStateException("the worker did not drain the first events in 120 s");
        }
        TimeUnit.MILLISECONDS.sleep(100); // polling a condition with a deadline
      }
      long tickNanos = TimeUnit.MILLISECONDS.toNanos(50);
      long perTick = Math.max(1, rate / 20);
      long started = System.nanoTime();
      long written = 0;
      long maxLag = 0;
      long nextSample = started;
      long lagSum = 0;
      int lagSamples = 0;
      List<String> timeline = new ArrayList<>(List.of("ms,written,lag"));
      int tick = 0;
      while (written < events) {
        int n = (int) Math.min(perTick, events - written);
        send(producer, topics, source, n, ++tick % 10 == 0); // heartbeats every 500 ms
        written += n;
        long now = System.nanoTime();
        if (now >= nextSample) {
          long lag = ConsumerLag.of(admin, sink);
          maxLag = Math.max(maxLag, lag);
          lagSum += lag;
          lagSamples++;
          timeline.add((now - started) / 1_000_000 + "," + written + "," + lag);
          nextSample = now + TimeUnit.MILLISECONDS.toNanos(500);
          checkAlive(worker, work);
        }
        long due = started + tick * tickNanos;
        long sleep = due - System.nanoTime();
        if (sleep > 0) {
          TimeUnit.NANOSECONDS.sleep(sleep); // pacing the writer to the rate
        }
      }
      double loadSeconds = (System.nanoTime() - started) / 1e9;
      long lagAtEnd = ConsumerLag.of(admin, sink);
      long drainStart = System.nanoTime();
      awaitLagZero(admin, sink, worker, drainStart, work);
      double drain = (System.nanoTime() - drainStart) / 1e9;
      Files.write(work.resolve("live-lag.csv"), timeline);
      results.put("live_rate_target", rate).put("live_seconds", loadSeconds)
          .put("live_events_per_s_written", written / loadSeconds)
          .put("live_lag_max", maxLag).put("live_lag_mean", lagSamples == 0 ? 0 : lagSum / lagSamples)
          .put("live_lag_at_load_end", lagAtEnd).put("live_drain_seconds_after_load", drain);
    } finally {
      stopWorker(worker, work);
    }
  }

  /** One transaction of {@code n} row events, with a heartbeat on every partition if asked. */
  private void send(KafkaProducer<byte[], byte[]> producer, TopicNames topics, Events source,
      int n, boolean heartbeats) {
    producer.beginTransaction();
    for (int i = 0; i < n; i++) {
      ChangeEvent e = source.next();
      producer.send(new ProducerRecord<>(topics.changes(), null, source.key(e),
          KafkaCodec.CHANGES.serialize(e)));
    }
    if (heartbeats) {
      byte[] beat = KafkaCodec.CHANGES.serialize(ChangeEvent.newBuilder()
          .setPosition(source.position().toAvro()).setDatabase("")
          .setOperation(Operation.HEARTBEAT).build());
      for (int p = 0; p < partitions; p++) {
        producer.send(new ProducerRecord<>(topics.changes(), p, new byte[0], beat));
      }
    }
    producer.commitTransaction();
  }

  private Process startWorker(KafkaBroker kafka, S3Server s3, Path work) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx" + heap);
    cmd.add("-Duser.timezone=UTC");
    cmd.add("-Xlog:gc:file=" + work.resolve("worker-gc.log"));
    cmd.add("-Dlogback.configurationFile=bench-logback.xml");
    cmd.addAll(jvmOpts);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(SinkBenchWorker.class.getName());
    cmd.addAll(List.of(kafka.bootstrapServers(), s3.endpoint().toString(), BUCKET, SOURCE,
        work.resolve("spool").toString(), work.resolve("worker-timeline.csv").toString(),
        work.resolve("worker-results.txt").toString()));
    ProcessBuilder pb = new ProcessBuilder(cmd)
        .redirectOutput(work.resolve("worker-stdout.log").toFile())
        .redirectError(work.resolve("worker-stderr.log").toFile());
    pb.environment().put("BENCH_S3_ACCESS_KEY", s3.accessKey());
    pb.environment().put("BENCH_S3_SECRET_KEY", s3.secretKey());
    log.info("starting the sink worker: -Xmx{} {}", heap, jvmOpts);
    return pb.start();
  }

  private void awaitLagZero(Admin admin, SinkSettings sink, Process worker, long since, Path work)
      throws Exception {
    long deadline = since + TimeUnit.MINUTES.toNanos(30);
    while (ConsumerLag.of(admin, sink) > 0) {
      checkAlive(worker, work);
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the worker did not reach lag 0 within 30 min");
      }
      TimeUnit.MILLISECONDS.sleep(100); // polling a condition with a deadline
    }
  }

  private static void checkAlive(Process worker, Path work) throws IOException {
    if (!worker.isAlive()) {
      throw new IllegalStateException("the sink worker exited with " + worker.exitValue() + ":\n"
          + tail(work.resolve("worker-stderr.log")));
    }
  }

  private void stopWorker(Process worker, Path work) throws Exception {
    worker.destroy(); // SIGTERM: the worker flushes, the child writes its results
    if (!worker.waitFor(120, TimeUnit.SECONDS)) {
      worker.destroyForcibly();
      throw new IllegalStateException("the sink worker did not stop within 120 s of SIGTERM");
    }
    Path r = work.resolve("worker-results.txt");
    if (Files.exists(r)) {
      for (String line : Files.readAllLines(r)) {
        int eq = line.indexOf('=');
        if (eq > 0) {
          results.put(line.substring(0, eq), line.substring(eq + 1));
        }
      }
    } else {
      log.warn("no worker results; stderr ends with:\n{}", tail(work.resolve("worker-stderr.log")));
    }
    gcLog(work.resolve("worker-gc.log"));
  }

  /**
   * From the worker's own 100 ms timeline: events stored per second from its first stored
   * event until all but the last partial batches were stored (those wait for the age flush,
   * 10 s by default, which is policy, not capacity).
   */
  private void throughputFromTimeline(Path timeline) throws IOException {
    List<long[]> rows = Files.readAllLines(timeline).stream().skip(1)
        .map(l -> Stream.of(l.split(",")).mapToLong(Long::parseLong).toArray()).toList();
    long tail = (long) partitions * 1000;
    long[] first = rows.stream().filter(r -> r[1] > 0).findFirst().orElse(null);
    long[] last = rows.stream().filter(r -> r[1] >= events - tail).findFirst().orElse(null);
    if (first == null || last == null || last[0] <= first[0]) {
      return;
    }
    double seconds = (last[0] - first[0]) / 1000.0;
    long stored = last[1] - first[1];
    results.put("worker_first_bundle_at_s", first[0] / 1000.0)
        .put("worker_stream_seconds", seconds)
        .put("worker_events_per_s", stored / seconds)
        .put("worker_cores_streaming", (last[5] - first[5]) / 1000.0 / seconds)
        .put("worker_cpu_us_per_event", (last[5] - first[5]) * 1000.0 / stored)
        .put("worker_thread_cpu_us_per_event", (last[6] - first[6]) * 1000.0 / stored);
    // The last third of the same span: the JIT has mostly finished, closer to steady state.
    long cut = first[0] + (last[0] - first[0]) * 2 / 3;
    long[] from = rows.stream().filter(r -> r[0] >= cut).findFirst().orElse(last);
    long lateStored = last[1] - from[1];
    if (lateStored > 0 && last[0] > from[0]) {
      double lateSeconds = (last[0] - from[0]) / 1000.0;
      results.put("worker_late_events_per_s", lateStored / lateSeconds)
          .put("worker_late_cores", (last[5] - from[5]) / 1000.0 / lateSeconds)
          .put("worker_late_cpu_us_per_event", (last[5] - from[5]) * 1000.0 / lateStored)
          .put("worker_late_thread_cpu_us_per_event", (last[6] - from[6]) * 1000.0 / lateStored);
    }
  }

  /** Sysbench-like row changes in source order: binlog positions rise, per transaction 4 rows. */
  static final class Events {
    private final Random random;
    private final int tables;
    private final int tableRows;
    private long pos = 4;
    private long gtid;
    private int inTxn = 4;
    private int table;
    private long id;
    private long timestampMs = 1_795_000_000_000L;

    Events(Random random, int tables, int tableRows) {
      this.random = random;
      this.tables = tables;
      this.tableRows = tableRows;
    }

    SourcePosition position() {
      return new SourcePosition(1, "mysql-bin.000001", pos, 0, 0, "0-1-" + gtid, timestampMs, false);
    }

    ChangeEvent next() {
      if (inTxn == 4) {
        inTxn = 0;
        gtid++;
        timestampMs++;
        pos += 120; // GTID and BEGIN events
      }
      inTxn++;
      pos += 400;
      if (inTxn == 1 || inTxn == 2 || inTxn == 3) { // each statement its own row
        table = 1 + random.nextInt(tables);
        id = 1 + random.nextInt(tableRows);
      }
      String t = "sbtest" + table;
      List<Column> key = List.of(new Column("id", id));
      ChangeEvent.Builder b = ChangeEvent.newBuilder()
          .setPosition(new SourcePosition(1, "mysql-bin.000001", pos, 0, 0, "0-1-" + gtid,
              timestampMs, false).toAvro())
          .setTransactionId("0-1-" + gtid).setTransactionOrder(inTxn).setDatabase(DB)
          .setTable(t).setKey(key);
      long k = random.nextInt(tableRows);
      switch (inTxn) {
        case 1 -> b.setOperation(Operation.UPDATE).setBefore(row(id, k, c(), pad()))
            .setAfter(row(id, k + 1, c(), pad()));
        case 2 -> b.setOperation(Operation.UPDATE).setBefore(row(id, k, c(), pad()))
            .setAfter(row(id, k, c(), pad()));
        case 3 -> b.setOperation(Operation.DELETE).setBefore(row(id, k, c(), pad()));
        default -> b.setOperation(Operation.INSERT).setAfter(row(id, k, c(), pad()));
      }
      return b.build();
    }

    /** Capture's key: database.table, then each key value after a NUL. */
    byte[] key(ChangeEvent e) {
      return (e.getDatabase() + "." + e.getTable() + "\u0000" + e.getKey().get(0).getValue())
          .getBytes(StandardCharsets.UTF_8);
    }

    private static List<Column> row(long id, long k, String c, String pad) {
      return List.of(new Column("id", id), new Column("k", k), new Column("c", c),
          new Column("pad", pad));
    }

    private String c() {
      return groups(11); // sysbench: 11 groups of 11 digits, 119 characters in CHAR(120)
    }

    private String pad() {
      return groups(5); // 5 groups, 59 characters in CHAR(60)
    }

    private String groups(int n) {
      StringBuilder s = new StringBuilder(n * 12);
      for (int g = 0; g < n; g++) {
        if (g > 0) {
          s.append('-');
        }
        for (int d = 0; d < 11; d++) {
          s.append((char) ('0' + random.nextInt(10)));
        }
      }
      return s.toString();
    }
  }

  private static String load1() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    } catch (IOException e) {
      return "?";
    }
  }

  private static String tail(Path file) throws IOException {
    if (!Files.exists(file)) {
      return "";
    }
    List<String> lines = Files.readAllLines(file);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
  }

  private static long directoryBytes(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }
  }

  private static long fileCount(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).count();
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
