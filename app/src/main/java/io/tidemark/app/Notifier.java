package io.tidemark.app;

import io.tidemark.app.config.ConfigKey;
import io.tidemark.app.config.ConfigReader;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends alerts on critical events to a Slack webhook and by mail. A failed notification is
 * logged and never thrown: alerting must not stop the pipeline it reports on.
 */
final class Notifier {
  private static final Logger log = LoggerFactory.getLogger(Notifier.class);
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  /** Where alerts go; an empty webhook or address turns that channel off. */
  record Settings(Optional<URI> slackWebhook, Optional<String> mailTo, String smtpHost,
      int smtpPort, String mailFrom) {
    static Settings read(ConfigReader r) {
      Optional<URI> webhook = r.optional(ConfigKey.SLACK_WEBHOOK).flatMap(v -> {
        if (v.startsWith("https://") || v.startsWith("http://")) {
          return Optional.of(URI.create(v));
        }
        r.problem(ConfigKey.SLACK_WEBHOOK.label() + " is not an http(s) URL: give the Slack"
            + " incoming-webhook URL, or leave it empty");
        return Optional.empty();
      });
      Optional<String> mail = r.optional(ConfigKey.MAIL_ADDR);
      mail.filter(m -> !m.contains("@")).ifPresent(m -> r.problem(ConfigKey.MAIL_ADDR.label()
          + " is '" + m + "': give an address like ops@example.com, or leave it empty"));
      return new Settings(webhook, mail, r.optional(ConfigKey.SMTP_HOST).orElse("localhost"),
          r.intAtLeast(ConfigKey.SMTP_PORT, 1), r.optional(ConfigKey.SMTP_FROM).orElse(""));
    }
  }

  private final Settings settings;
  private final String source;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

  Notifier(Settings settings, String source) {
    this.settings = settings;
    this.source = source;
  }

  /** Sends {@code title} and {@code detail} on every configured channel; never throws. */
  void alert(String title, String detail) {
    log.error("ALERT {}: {}", title, detail);
    String text = "tidemark [" + source + "] " + title + ": " + detail;
    settings.slackWebhook().ifPresent(url -> postToSlack(url, text));
    settings.mailTo().ifPresent(to -> mail(to, "tidemark [" + source + "] " + title, text));
  }

  private void postToSlack(URI webhook, String text) {
    try {
      String body = StatusApi.JSON.writeValueAsString(java.util.Map.of("text", text));
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(webhook).timeout(TIMEOUT)
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
          HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() / 100 != 2) {
        log.warn("the Slack webhook answered {}; the alert was not delivered",
            response.statusCode());
      }
    } catch (IOException e) {
      log.warn("the Slack alert failed: {}", e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void mail(String to, String subject, String text) {
    Properties props = new Properties();
    props.setProperty("mail.smtp.host", settings.smtpHost());
    props.setProperty("mail.smtp.port", String.valueOf(settings.smtpPort()));
    props.setProperty("mail.smtp.connectiontimeout", String.valueOf(TIMEOUT.toMillis()));
    props.setProperty("mail.smtp.timeout", String.valueOf(TIMEOUT.toMillis()));
    props.setProperty("mail.smtp.starttls.enable", "true");
    try {
      MimeMessage message = new MimeMessage(Session.getInstance(props));
      message.setFrom(new InternetAddress(settings.mailFrom()));
      message.setRecipients(Message.RecipientType.TO, InternetAddress.parse(to));
      message.setSubject(subject);
      message.setText(text);
      Transport.send(message);
    } catch (MessagingException e) {
      log.warn("the mail alert to {} failed: {}", to, e.toString());
    }
  }
}
