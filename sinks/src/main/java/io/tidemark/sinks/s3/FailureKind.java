package io.tidemark.sinks.s3;

import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Whether an S3 failure may pass by itself (retry, then spool) or needs an operator (stop).
 * Decided here, once, for every S3 call of the sinks.
 */
public enum FailureKind {
  /** The service is unreachable, slow, throttling or failing inside: retry, then spool. */
  RETRIABLE,
  /** Wrong credentials, missing bucket, refused request: spooling would only hide it. */
  FATAL;

  public static FailureKind of(Throwable failure) {
    if (failure instanceof S3Exception s3) {
      int status = s3.statusCode();
      // 501: the store lacks a feature we rely on (e.g. a conditional CompleteMultipartUpload
      // on an S3Proxy back end without it); retrying and spooling would only hide that.
      return status == 501 ? FATAL
          : status >= 500 || status == 408 || status == 429 ? RETRIABLE : FATAL;
    }
    if (failure instanceof SdkClientException || failure instanceof java.io.IOException
        || failure instanceof java.io.UncheckedIOException) {
      return RETRIABLE; // no answer at all: connection refused, reset, timed out
    }
    if (failure instanceof SdkException sdk && sdk.retryable()) {
      return RETRIABLE;
    }
    return FATAL;
  }
}
