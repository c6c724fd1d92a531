package io.tidemark.capture.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TransactionFailureTest {

  static Stream<Arguments> failures() {
    return Stream.of(
        Arguments.of(new ProducerFencedException("newer epoch"), TransactionFailure.FENCED),
        // The producer wraps the error it stored when a later call finds it in an error state.
        Arguments.of(new KafkaException("Cannot execute transactional method because we are in"
            + " an error state", new ProducerFencedException("x")), TransactionFailure.FENCED),
        Arguments.of(new TransactionalIdAuthorizationException("no"), TransactionFailure.FATAL),
        Arguments.of(new TopicAuthorizationException("no"), TransactionFailure.FATAL),
        Arguments.of(new OutOfOrderSequenceException("gap"), TransactionFailure.FATAL),
        Arguments.of(new UnsupportedVersionException("old"), TransactionFailure.FATAL),
        // KIP-588: an epoch error of a send is abortable; the abort then reveals fencing.
        Arguments.of(new InvalidProducerEpochException("epoch"), TransactionFailure.ABORTABLE),
        Arguments.of(new TimeoutException("commit"), TransactionFailure.ABORTABLE),
        Arguments.of(new KafkaException(new NotEnoughReplicasException("isr")),
            TransactionFailure.ABORTABLE),
        Arguments.of(new KafkaException("unknown"), TransactionFailure.ABORTABLE));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("failures")
  void classifiesByTheFirstKnownCause(Throwable error, TransactionFailure expected) {
    assertThat(TransactionFailure.of(error)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("failures")
  void onlyAbortableTransactionsAreAborted(Throwable error, TransactionFailure kind) {
    assertThat(TransactionFailure.of(error).canAbort()).isEqualTo(kind == TransactionFailure.ABORTABLE);
  }
}
