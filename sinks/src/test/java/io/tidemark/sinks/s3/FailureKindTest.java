package io.tidemark.sinks.s3;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.model.S3Exception;

class FailureKindTest {

  @ParameterizedTest(name = "HTTP {0} is {1}")
  @CsvSource({
      "500, RETRIABLE", "502, RETRIABLE", "503, RETRIABLE", "504, RETRIABLE", "408, RETRIABLE",
      "429, RETRIABLE", "501, FATAL", "400, FATAL", "403, FATAL", "404, FATAL", "412, FATAL"})
  void s3AnswersAreClassifiedByStatus(int status, FailureKind expected) {
    assertThat(FailureKind.of(S3Exception.builder().statusCode(status).message("x").build()))
        .isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({"client", "io", "unchecked-io", "other"})
  void noAnswerAtAllIsRetriableAndAnythingElseFatal(String kind) {
    Throwable failure = switch (kind) {
      case "client" -> SdkClientException.create("connection refused");
      case "io" -> new IOException("reset");
      case "unchecked-io" -> new UncheckedIOException(new IOException("reset"));
      default -> new IllegalArgumentException("bug");
    };
    assertThat(FailureKind.of(failure))
        .isEqualTo(kind.equals("other") ? FailureKind.FATAL : FailureKind.RETRIABLE);
  }
}
