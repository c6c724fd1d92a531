package io.tidemark.capture.internal;

import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.UnsupportedVersionException;

/**
 * What a failed Kafka transaction of the change forwarder means, decided once here. Whatever
 * it is, the batch fails and the engine stops without committing its offset; the kinds differ in
 * whether the transaction may still be aborted, and in what the operator is told.
 */
enum TransactionFailure {
  /** A newer capture process of the source initialised the shared transactional id. */
  FENCED(false, "another capture process of the source took over and fenced this one"),
  /** The producer is unusable (authorisation, protocol); aborting would throw again. */
  FATAL(false, "the Kafka producer failed and cannot be used any more"),
  /** The transaction failed (timeout, a refused send); abort it so nothing of it shows. */
  ABORTABLE(true, "Kafka did not accept the transaction");

  private final boolean canAbort;
  private final String meaning;

  TransactionFailure(boolean canAbort, String meaning) {
    this.canAbort = canAbort;
    this.meaning = meaning;
  }

  /** Classifies by the first known exception in the cause chain (the producer wraps its own). */
  static TransactionFailure of(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof ProducerFencedException) {
        return FENCED;
      }
      if (t instanceof AuthorizationException || t instanceof OutOfOrderSequenceException
          || t instanceof UnsupportedVersionException) {
        return FATAL;
      }
    }
    return ABORTABLE;
  }

  boolean canAbort() {
    return canAbort;
  }

  String describe(String topic, int events) {
    return meaning + ": a transaction of " + events + " change events for topic " + topic
        + " did not commit; the engine stops without committing its binlog offset";
  }
}
