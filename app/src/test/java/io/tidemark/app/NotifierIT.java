package io.tidemark.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.sun.net.httpserver.HttpServer;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Alerts reach a Slack-style webhook (a local HTTP receiver) and a real SMTP server (GreenMail)
 * in this JVM; a channel that is down costs a log line, never an exception.
 */
class NotifierIT {

  @Test
  void anAlertReachesTheWebhookAndTheMailbox() throws Exception {
    BlockingQueue<String> posts = new ArrayBlockingQueue<>(4);
    HttpServer slack = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    slack.createContext("/hook", exchange -> {
      posts.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
    });
    slack.start();
    GreenMail smtp = new GreenMail(new ServerSetup(freePort(), "127.0.0.1", "smtp"));
    smtp.start();
    try {
      Notifier notifier = new Notifier(new Notifier.Settings(
          Optional.of(URI.create("http://127.0.0.1:" + slack.getAddress().getPort() + "/hook")),
          Optional.of("oncall@example.com"), "127.0.0.1", smtp.getSmtp().getPort(),
          "tidemark@example.com"), "db1");

      notifier.alert("capture stopped", "binlog purged");

      assertThat(posts.poll(30, TimeUnit.SECONDS)).isNotNull()
          .contains("\"text\"").contains("tidemark [db1] capture stopped: binlog purged");
      assertThat(smtp.waitForIncomingEmail(30_000, 1)).isTrue();
      MimeMessage mail = smtp.getReceivedMessages()[0];
      assertThat(mail.getSubject()).isEqualTo("tidemark [db1] capture stopped");
      assertThat(mail.getAllRecipients()[0].toString()).isEqualTo("oncall@example.com");
      assertThat(((String) mail.getContent()).strip())
          .isEqualTo("tidemark [db1] capture stopped: binlog purged");
    } finally {
      smtp.stop();
      slack.stop(0);
    }
  }

  @Test
  void aChannelThatIsDownNeverStopsTheCaller() throws Exception {
    int closed = freePort();
    Notifier notifier = new Notifier(new Notifier.Settings(
        Optional.of(URI.create("http://127.0.0.1:" + closed + "/hook")),
        Optional.of("oncall@example.com"), "127.0.0.1", closed, "tidemark@example.com"), "db1");
    notifier.alert("uploads failing", "S3 answers 503"); // returns: nothing to assert but that
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
