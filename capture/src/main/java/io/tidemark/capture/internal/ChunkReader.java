package io.tidemark.capture.internal;

import io.tidemark.capture.internal.ChunkPlanner.Chunk;
import io.tidemark.schemas.JdbcRows;
import io.tidemark.schemas.RowChecksum;
import io.tidemark.schemas.SnapshotRowEncoder;
import io.tidemark.schemas.avro.Position;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.PreparedStatement;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Streams one chunk's rows from a snapshot transaction into the snapshot topic. Rows are fetched
 * as many at a time as the chunk says and handed to the producer, whose bounded buffer blocks
 * the reader when Kafka is slower: memory grows neither with the table nor with its rows.
 */
public final class ChunkReader {
  private final Producer<byte[], byte[]> producer;
  private final String topic;
  private final String snapshotId;
  private final Position position;
  private final AtomicReference<Exception> sendFailure;

  public ChunkReader(Producer<byte[], byte[]> producer, String topic, String snapshotId,
      Position position, AtomicReference<Exception> sendFailure) {
    this.producer = producer;
    this.topic = topic;
    this.snapshotId = snapshotId;
    this.position = position;
    this.sendFailure = sendFailure;
  }

  /** Reads the chunk on {@code c} (inside the snapshot transaction); returns its checksum. */
  public RowChecksum read(Connection c, Chunk chunk) throws SQLException {
    RowChecksum checksum = new RowChecksum();
    byte[] key = (chunk.table().quoted() + "#" + chunk.index()).getBytes(StandardCharsets.UTF_8);
    String sql = "SELECT " + JdbcRows.selectList(c, chunk.table().database(), chunk.table().table())
        + " FROM " + chunk.table().quoted() + (chunk.where() == null ? "" : " WHERE " + chunk.where());
    try (PreparedStatement s = c.prepareStatement(sql)) {
      s.setFetchSize(chunk.fetchRows());
      try (ResultSet r = s.executeQuery()) {
        JdbcRows rows = new JdbcRows(r.getMetaData());
        // One encoding per row, for Kafka and for the checksum.
        SnapshotRowEncoder encoder = new SnapshotRowEncoder(snapshotId, position,
            chunk.table().database(), chunk.table().table(), chunk.index());
        while (r.next()) {
          byte[] value = encoder.encode(rows.read(r), checksum);
          producer.send(new ProducerRecord<>(topic, key, value),
              (meta, e) -> {
                if (e != null) {
                  sendFailure.compareAndSet(null, e);
                }
              });
          if (sendFailure.get() != null) {
            throw new SQLException("Kafka refused a snapshot row", sendFailure.get());
          }
        }
      }
    }
    return checksum;
  }
}
