package io.tidemark.restore;

import io.tidemark.schemas.avro.ChangeEvent;
import java.util.Iterator;

/**
 * The change events of an archive in replay order ({@link BundleCatalog#replayOrder}). Bundles
 * are read ahead on a thread of their own; close it to stop that reading when done or abandoned.
 */
public interface ReplayEvents extends Iterator<ChangeEvent>, AutoCloseable {
  /** Stops reading ahead; the events not yet taken are dropped. */
  @Override
  void close();
}
