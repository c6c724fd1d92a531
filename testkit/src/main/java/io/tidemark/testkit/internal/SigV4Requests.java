package io.tidemark.testkit.internal;

import io.tidemark.testkit.TestkitException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Sends body-less S3 requests signed with AWS Signature Version 4, enough for the test kit's own
 * administration (create a bucket, probe readiness) without an AWS SDK on the class path.
 *
 * <p>Paths must already be URI-safe (bucket names are). Immutable and thread-safe.
 */
public final class SigV4Requests {

    private static final String ALGORITHM = "AWS4-HMAC-SHA256";
    private static final String EMPTY_SHA256 = hex(sha256(new byte[0]));
    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

    private final URI endpoint;
    private final String accessKey;
    private final String secretKey;
    private final String region;
    private final Clock clock;
    private final HttpClient http;

    /** Signs for {@code endpoint} (scheme, host and port only) with the given credentials. */
    public SigV4Requests(URI endpoint, String accessKey, String secretKey, String region, Clock clock) {
        this.endpoint = endpoint;
        this.accessKey = accessKey;
        this.secretKey = secretKey;
        this.region = region;
        this.clock = clock;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(REQUEST_TIMEOUT).build();
    }

    /**
     * Sends {@code method path} with an empty body and returns the response.
     *
     * @throws IOException if the server cannot be reached
     */
    public HttpResponse<String> send(String method, String path) throws IOException {
        ZonedDateTime now = ZonedDateTime.now(clock.withZone(ZoneOffset.UTC));
        String amzDate = AMZ_DATE.format(now);
        String day = amzDate.substring(0, 8);
        String host = endpoint.getHost() + (endpoint.getPort() == -1 ? "" : ":" + endpoint.getPort());
        String signedHeaders = "host;x-amz-content-sha256;x-amz-date";
        String canonicalRequest = String.join("\n", method, path, "",
                "host:" + host, "x-amz-content-sha256:" + EMPTY_SHA256, "x-amz-date:" + amzDate, "",
                signedHeaders, EMPTY_SHA256);
        String scope = day + "/" + region + "/s3/aws4_request";
        String stringToSign = String.join("\n", ALGORITHM, amzDate, scope,
                hex(sha256(canonicalRequest.getBytes(StandardCharsets.UTF_8))));
        String signature = hex(hmac(signingKey(day), stringToSign));
        HttpRequest request = HttpRequest.newBuilder(endpoint.resolve(path))
                .timeout(REQUEST_TIMEOUT)
                .method(method, HttpRequest.BodyPublishers.noBody())
                .header("x-amz-content-sha256", EMPTY_SHA256)
                .header("x-amz-date", amzDate)
                .header("Authorization", ALGORITHM + " Credential=" + accessKey + "/" + scope
                        + ", SignedHeaders=" + signedHeaders + ", Signature=" + signature)
                .build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TestkitException("Interrupted during " + method + " " + path, e);
        }
    }

    private byte[] signingKey(String day) {
        byte[] key = hmac(("AWS4" + secretKey).getBytes(StandardCharsets.UTF_8), day);
        key = hmac(key, region);
        key = hmac(key, "s3");
        return hmac(key, "aws4_request");
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required of every Java runtime", e);
        }
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is required of every Java runtime", e);
        }
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
