package io.tidemark.filecache;

import java.nio.file.Path;

/**
 * One bundle waiting in the spool for its upload.
 *
 * @param sequence the spool's order: entries drain in increasing sequence
 * @param key the object key the bundle must be uploaded to
 * @param file where it lies
 * @param bytes the size of the file
 */
public record SpoolEntry(long sequence, String key, Path file, long bytes) {}
