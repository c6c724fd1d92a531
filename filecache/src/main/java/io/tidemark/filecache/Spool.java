package io.tidemark.filecache;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A durable FIFO of bundles that could not be uploaded. An entry is durable when {@link #append}
 * returns: written to a temporary file, fsynced, renamed atomically into place, and the directory
 * fsynced; only then may the caller commit the Kafka offsets the bundle covers. Entries drain in
 * the order they were appended. Each file carries a CRC32C of its content, checked by
 * {@link #read}; a damaged file is moved to {@code corrupt/} and reported, never uploaded.
 *
 * <p>File layout: magic, key length and UTF-8 key, body length and body, CRC32C of all before it.
 *
 * <p>One process owns a spool directory: {@link #open} locks {@code .lock} in it until
 * {@link #close}, and a second process that opens it meanwhile is refused (it would delete the
 * first one's appends in progress and drain its files under it).
 *
 * <p>Thread-safe: one writer and one drainer may use it at once.
 */
public final class Spool implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Spool.class);
  private static final int MAGIC = 0x544d5331; // "TMS1"
  private static final String SUFFIX = ".spool";
  /** The file whose lock says which process owns the directory; it stays after close. */
  public static final String LOCK_FILE = ".lock";
  /** The spool directories this JVM owns, with their locks. */
  private static final Map<Path, FileLock> OWNED = new HashMap<>();

  private final Path dir;
  private final long maxBytes;
  private final TreeMap<Long, SpoolEntry> entries = new TreeMap<>();
  private long bytes;
  private long nextSequence;

  private Spool(Path dir, long maxBytes) {
    this.dir = dir;
    this.maxBytes = maxBytes;
  }

  /**
   * Opens (creating if needed) the spool in {@code dir}, finding what a previous run left.
   *
   * @throws SpoolInUseException when another process has it open
   */
  public static Spool open(Path dir, long maxBytes) throws IOException {
    Files.createDirectories(dir);
    own(dir);
    Spool spool = new Spool(dir, maxBytes);
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path f : files) {
        String name = f.getFileName().toString();
        if (name.endsWith(".tmp")) {
          Files.delete(f); // an append that never completed; its offsets were never committed
        } else if (name.endsWith(SUFFIX)) {
          spool.index(f);
        }
      }
    }
    if (!spool.entries.isEmpty()) {
      log.warn("spool {} holds {} bundles ({} bytes) from an earlier run; they drain first", dir,
          spool.entries.size(), spool.bytes);
    }
    return spool;
  }

  private static void own(Path dir) throws IOException {
    Path key = dir.toAbsolutePath().normalize();
    synchronized (OWNED) {
      if (OWNED.containsKey(key)) {
        return; // this process again (a restarted worker in the same JVM)
      }
      FileChannel channel = FileChannel.open(key.resolve(LOCK_FILE), StandardOpenOption.CREATE,
          StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (IOException | RuntimeException e) {
        channel.close();
        throw e;
      }
      if (lock == null) {
        channel.close();
        throw new SpoolInUseException(dir);
      }
      OWNED.put(key, lock);
    }
  }

  /** Lets another process own the directory; what is spooled stays for it. */
  @Override
  public void close() throws IOException {
    synchronized (OWNED) {
      FileLock lock = OWNED.remove(dir.toAbsolutePath().normalize());
      if (lock != null) {
        lock.channel().close(); // releases the lock
      }
    }
  }

  private void index(Path f) throws IOException {
    long sequence = Long.parseLong(f.getFileName().toString().replace(SUFFIX, ""));
    String key;
    try (DataInputStream in = new DataInputStream(Files.newInputStream(f))) {
      key = in.readInt() == MAGIC ? readKey(in) : "?";
    } catch (IOException e) {
      key = "?";
    }
    long size = Files.size(f);
    entries.put(sequence, new SpoolEntry(sequence, key, f, size));
    bytes += size;
    nextSequence = Math.max(nextSequence, sequence + 1);
  }

  /** Durably appends a bundle for {@code key}. */
  public SpoolEntry append(String key, byte[] body) throws IOException {
    byte[] file = frame(key, body);
    long sequence;
    synchronized (this) {
      if (bytes + file.length > maxBytes) {
        throw new SpoolFullException("spool " + dir + " is full (" + bytes + " of " + maxBytes
            + " bytes); raise spool.max-bytes or restore S3 access", null);
      }
      sequence = nextSequence++;
    }
    Path target = dir.resolve(String.format("%020d%s", sequence, SUFFIX));
    Path tmp = dir.resolve(target.getFileName() + ".tmp");
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW,
          StandardOpenOption.WRITE)) {
        ByteBuffer buffer = ByteBuffer.wrap(file);
        while (buffer.hasRemaining()) {
          ch.write(buffer);
        }
        ch.force(true);
      }
      move(tmp, target);
      syncDirectory();
    } catch (IOException e) {
      Files.deleteIfExists(tmp);
      if (isDiskFull(e)) {
        throw new SpoolFullException("the disk of spool " + dir + " is full", e);
      }
      throw e;
    }
    SpoolEntry entry = new SpoolEntry(sequence, key, target, file.length);
    synchronized (this) {
      entries.put(sequence, entry);
      bytes += file.length;
    }
    return entry;
  }

  /** The entry that drains next. */
  public synchronized Optional<SpoolEntry> oldest() {
    return entries.isEmpty() ? Optional.empty() : Optional.of(entries.firstEntry().getValue());
  }

  /** The bundle of an entry, checked; a damaged file is moved to corrupt/ and reported. */
  public byte[] read(SpoolEntry entry) throws IOException {
    byte[] file = Files.readAllBytes(entry.file());
    if (file.length < 16) {
      throw quarantine(entry, "is truncated (" + file.length + " bytes)");
    }
    CRC32C crc = new CRC32C();
    crc.update(file, 0, file.length - 8);
    long stored = ByteBuffer.wrap(file, file.length - 8, 8).getLong();
    if (stored != crc.getValue()) {
      throw quarantine(entry, "fails its CRC32C check");
    }
    try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(file))) {
      if (in.readInt() != MAGIC) {
        throw quarantine(entry, "is not a spool file");
      }
      readKey(in);
      byte[] body = new byte[in.readInt()];
      in.readFully(body);
      return body;
    }
  }

  /** Removes an entry after its bundle is durable in S3. */
  public void remove(SpoolEntry entry) throws IOException {
    Files.deleteIfExists(entry.file());
    syncDirectory();
    synchronized (this) {
      if (entries.remove(entry.sequence()) != null) {
        bytes -= entry.bytes();
      }
    }
  }

  public synchronized int size() {
    return entries.size();
  }

  public synchronized long bytes() {
    return bytes;
  }

  public synchronized List<SpoolEntry> entries() {
    return new ArrayList<>(entries.values());
  }

  private CorruptSpoolEntryException quarantine(SpoolEntry entry, String problem) throws IOException {
    Path corrupt = dir.resolve("corrupt");
    Files.createDirectories(corrupt);
    Files.move(entry.file(), corrupt.resolve(entry.file().getFileName()),
        StandardCopyOption.REPLACE_EXISTING);
    synchronized (this) {
      if (entries.remove(entry.sequence()) != null) {
        bytes -= entry.bytes();
      }
    }
    String message = "spool file " + entry.file() + " (for " + entry.key() + ") " + problem
        + "; moved to " + corrupt + " and not uploaded. Its events are still in Kafka while"
        + " retention keeps them: reset the sink group's offsets to the bundle's first offset"
        + " (its key names it) to write it again";
    log.error(message);
    return new CorruptSpoolEntryException(message);
  }

  private static byte[] frame(String key, byte[] body) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + key.length() + 32);
    DataOutputStream data = new DataOutputStream(out);
    byte[] k = key.getBytes(StandardCharsets.UTF_8);
    data.writeInt(MAGIC);
    data.writeInt(k.length);
    data.write(k);
    data.writeInt(body.length);
    data.write(body);
    CRC32C crc = new CRC32C();
    crc.update(out.toByteArray());
    data.writeLong(crc.getValue());
    return out.toByteArray();
  }

  private static String readKey(DataInputStream in) throws IOException {
    int length = in.readInt();
    if (length < 0 || length > 4096) {
      throw new IOException("bad key length " + length);
    }
    byte[] k = new byte[length];
    in.readFully(k);
    return new String(k, StandardCharsets.UTF_8);
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("the spool's file system cannot rename atomically: " + from, e);
    }
  }

  private void syncDirectory() throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  private static boolean isDiskFull(IOException e) {
    String m = String.valueOf(e.getMessage());
    return m.contains("No space left") || m.contains("Disk quota exceeded");
  }
}
