package io.tidemark.sinks.internal;

import io.tidemark.filecache.CorruptSpoolEntryException;
import io.tidemark.filecache.SpoolFullException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes bundles durable on a thread of its own, one at a time in the order they were submitted,
 * so that the worker thread reads, filters and batches the next entries while a bundle is
 * written, compressed and uploaded. The {@link DurableStore} (S3, the spool and its drain) is
 * used by that thread alone.
 *
 * <p>Order per partition holds as in a single thread: once a bundle of a partition could not be
 * stored ({@link Outcome#NOT_STORED}), met a conflicting object or failed, the bundles of that
 * partition queued behind it are returned untried, also {@code NOT_STORED}, until
 * {@link #retry} stores it; so a later offset never becomes durable before an earlier one.
 *
 * <p>Memory: at most {@code maxInFlight} bundles are in flight, holding at most
 * {@code maxInFlightBytes} of entries together (one bundle always goes); {@link #submit} waits
 * for the oldest to finish while there would be more. A few suffice: they only have to keep the
 * store thread busy while the worker fills the next. Results are read by the worker thread, in
 * submission order.
 */
public final class StorePipeline implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(StorePipeline.class);

  /** What became of a bundle. */
  public enum Outcome {
    UPLOADED, SPOOLED, NOT_STORED, CONFLICT,
    /** Storing it threw (a fatal S3 answer, a spool I/O error, ...): its partition must stop. */
    FAILED
  }

  /**
   * A bundle's result.
   *
   * @param error the conflict, for {@link Outcome#CONFLICT}, or what was thrown, for
   *     {@link Outcome#FAILED}; else null
   */
  public record Stored(PendingBundle bundle, Outcome outcome, Throwable error) {
  }

  private record InFlight(PendingBundle bundle, Future<Stored> result) {
  }

  private final DurableStore store;
  private final int maxInFlight;
  private final long maxInFlightBytes;
  private final ExecutorService thread;
  /** Submitted bundles whose results the worker has not read, oldest first. */
  private final Deque<InFlight> queue = new ArrayDeque<>();
  /** Partitions whose queued bundles wait behind one not stored. */
  private final Set<TopicPartition> blocked = ConcurrentHashMap.newKeySet();
  private final AtomicLong drained = new AtomicLong();
  private Future<Void> drain;

  public StorePipeline(DurableStore store, int maxInFlight, long maxInFlightBytes) {
    this.store = store;
    this.maxInFlight = maxInFlight;
    this.maxInFlightBytes = maxInFlightBytes;
    this.thread = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "tidemark-sink-store");
      t.setDaemon(true);
      return t;
    });
  }

  /** Queues {@code bundle}, first waiting while the bundles in flight hold too much. */
  public void submit(PendingBundle bundle) {
    for (InFlight oldest = oldestUnfinished(); oldest != null && (unfinished() >= maxInFlight
        || unfinishedBytes() + bundle.size() > maxInFlightBytes); oldest = oldestUnfinished()) {
      await(oldest.result()); // its result stays queued for completed()
    }
    queue.addLast(new InFlight(bundle, thread.submit(() -> storeQueued(bundle))));
  }

  /** The results finished since the last call, in submission order; does not wait. */
  public List<Stored> completed() {
    List<Stored> done = new ArrayList<>();
    while (!queue.isEmpty() && queue.peekFirst().result().isDone()) {
      done.add(await(queue.peekFirst().result()));
      queue.pollFirst();
    }
    return done;
  }

  /** Waits for every bundle submitted and returns their results, in submission order. */
  public List<Stored> awaitAll() {
    List<Stored> done = new ArrayList<>();
    while (!queue.isEmpty()) {
      done.add(await(queue.peekFirst().result()));
      queue.pollFirst();
    }
    return done;
  }

  /**
   * Tries {@code bundle} again now (it was {@link Outcome#NOT_STORED}), after everything queued
   * before it; the worker thread waits for the answer.
   */
  public Stored retry(PendingBundle bundle) {
    return call(() -> {
      blocked.remove(bundle.partition());
      return storeNow(bundle);
    });
  }

  /** Runs {@code task} on the store thread after everything queued, and waits for it. */
  private <T> T call(Callable<T> task) {
    return await(thread.submit(task));
  }

  /**
   * Queues a drain of the spool (oldest first, until it is empty or S3 fails) unless one is
   * queued already; what the previous one met (a corrupt spool entry) is thrown here.
   */
  public void drainSoon() {
    checkDrain();
    if (drain == null) {
      drain = thread.submit(this::drainOnThread);
    }
  }

  /**
   * Throws what a finished drain met, a corrupt spool entry. The spool moves such an entry
   * aside, so the spool may be empty by now: a caller that drains only a non-empty spool still
   * checks here, or the failure would never surface.
   */
  public void checkDrain() {
    if (drain != null && drain.isDone()) {
      Future<Void> done = drain;
      drain = null;
      await(done);
    }
  }

  /** Drains the spool on the store thread and waits. */
  public void drainNow() {
    call(this::drainOnThread);
  }

  /** A partition moved away: what it queued was answered already ({@link #awaitAll}). */
  public void forget(TopicPartition tp) {
    blocked.remove(tp);
  }

  /** Whether a bundle of {@code tp} is queued, storing, or its result not yet read. */
  public boolean busyWith(TopicPartition tp) {
    return queue.stream().anyMatch(f -> f.bundle().partition().equals(tp));
  }

  /** Where a partition's newest durable bundle leaves it ({@link DurableStore#start}); waits. */
  public PartitionStart start(String keyPrefix) {
    return call(() -> store.start(keyPrefix));
  }

  /** Spooled bundles uploaded by drains. */
  public long drained() {
    return drained.get();
  }

  /** Uploads failed in a row, as the store thread last counted. */
  public int consecutiveFailures() {
    return store.consecutiveFailures();
  }

  public boolean spoolEmpty() {
    return store.spoolEmpty();
  }

  /** Stops the thread after what is queued; results not read are dropped (never committed). */
  @Override
  public void close() {
    thread.shutdown();
    try {
      thread.awaitTermination(1, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private Stored storeQueued(PendingBundle bundle) {
    if (blocked.contains(bundle.partition())) {
      return new Stored(bundle, Outcome.NOT_STORED, null);
    }
    return storeNow(bundle);
  }

  private Stored storeNow(PendingBundle bundle) {
    try {
      DurableStore.Result r = store.put(bundle.key(), bundle.body());
      return new Stored(bundle, r == DurableStore.Result.UPLOADED ? Outcome.UPLOADED
          : Outcome.SPOOLED, null);
    } catch (SpoolFullException e) {
      log.warn("{} fits nowhere yet: {}", bundle.key(), e.getMessage());
      blocked.add(bundle.partition());
      return new Stored(bundle, Outcome.NOT_STORED, null);
    } catch (BundleConflictException e) {
      blocked.add(bundle.partition());
      return new Stored(bundle, Outcome.CONFLICT, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      blocked.add(bundle.partition());
      return new Stored(bundle, Outcome.FAILED, e);
    } catch (RuntimeException | Error e) {
      // whatever it was, nothing of this partition after it may become durable before it
      blocked.add(bundle.partition());
      return new Stored(bundle, Outcome.FAILED, e);
    }
  }

  private Void drainOnThread() {
    try {
      drained.addAndGet(store.drain());
    } catch (CorruptSpoolEntryException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
    return null;
  }

  private InFlight oldestUnfinished() {
    return queue.stream().filter(f -> !f.result().isDone()).findFirst().orElse(null);
  }

  private long unfinished() {
    return queue.stream().filter(f -> !f.result().isDone()).count();
  }

  private long unfinishedBytes() {
    return queue.stream().filter(f -> !f.result().isDone()).mapToLong(f -> f.bundle().size())
        .sum();
  }

  private static <T> T await(Future<T> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the store thread", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
    }
  }
}
