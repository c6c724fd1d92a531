package io.tidemark.capture;

import io.tidemark.testkit.KafkaBroker;
import io.tidemark.testkit.MariaDbServer;
import io.tidemark.testkit.Services;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The broker and the source server a capture integration test class shares, started before its
 * first test and stopped after its last. The source (server id 1) runs in time zone +05:30, so no
 * test passes only because the server and the JVM agree on UTC, and has the capture user
 * {@link TestSources#USER}.
 *
 * <p>The fields belong to the class that is running: test classes run one at a time here.
 */
abstract class WithCaptureServices {
  static KafkaBroker kafka;
  static MariaDbServer source;

  @BeforeAll
  static void startServices() {
    kafka = KafkaBroker.start();
    source = MariaDbServer.builder().serverId(1).timeZone("+05:30").start();
    source.createCaptureUser(TestSources.USER, TestSources.PASSWORD);
  }

  @AfterAll
  static void stopServices() {
    Services.closeAll(source, kafka);
  }
}
