/**
 * The durable local spool: bundles that could not be uploaded (written, fsynced, atomically
 * renamed, directory fsynced, CRC-checked) and drained in order when S3 is back; and the restore
 * job's download and phase progress.
 *
 * <p>Not built yet: the sinks and restore issues add it. Until then an upload failure stops the
 * worker before it commits any offset, so nothing is lost, but the pipeline stops.
 */
package io.tidemark.filecache;
