package io.tidemark.testkit;

import io.tidemark.testkit.internal.Poll;
import io.tidemark.testkit.internal.Ports;
import io.tidemark.testkit.internal.SigV4Requests;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An S3-compatible server (S3Proxy) in this JVM, storing objects in memory or in a directory.
 *
 * <p>It listens on 127.0.0.1 over HTTP, requires AWS Signature V2 or V4 with the configured
 * credentials (a wrong secret is answered with 403), and expects path-style addressing in region
 * {@value #REGION}. {@link #stop()} and {@link #start()} simulate an outage: the port and the
 * store, hence every object, survive them. Clients are left to callers, so this module does not
 * put an AWS SDK on anyone's compile class path.
 *
 * <p>Thread-safe: lifecycle methods are synchronized; the accessors return immutable values.
 */
public final class S3Server implements AutoCloseable {

    /** The region clients must sign for. */
    public static final String REGION = "us-east-1";

    private static final Logger LOG = LoggerFactory.getLogger(S3Server.class);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(50);
    private static final Pattern BUCKET_NAME = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");

    private final BlobStore store;
    private final String accessKey;
    private final String secretKey;
    private final URI endpoint;
    private final SigV4Requests admin;
    private S3Proxy proxy;
    private boolean closed;

    private S3Server(BlobStore store, String accessKey, String secretKey, S3Proxy running) {
        this.store = store;
        this.accessKey = accessKey;
        this.secretKey = secretKey;
        this.proxy = running;
        this.endpoint = URI.create("http://" + Ports.LOOPBACK + ":" + running.getPort());
        this.admin = new SigV4Requests(endpoint, accessKey, secretKey, REGION, Clock.systemUTC());
    }

    /** Starts configuring a server; {@link Builder#start()} launches it. */
    public static Builder builder() {
        return new Builder();
    }

    /** The base URI for an S3 client's endpoint override, e.g. {@code http://127.0.0.1:41234}. */
    public URI endpoint() {
        return endpoint;
    }

    /** The access key id clients must sign with. */
    public String accessKey() {
        return accessKey;
    }

    /** The secret key clients must sign with. */
    public String secretKey() {
        return secretKey;
    }

    /** The region clients must sign for: {@value #REGION}. */
    public String region() {
        return REGION;
    }

    /**
     * Creates a bucket through the S3 API.
     *
     * @throws TestkitException if the server refuses (for instance because it exists) or is down
     */
    public void createBucket(String name) {
        if (!BUCKET_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("Invalid bucket name '" + name
                    + "': use 3 to 63 lower-case letters, digits, dots or hyphens");
        }
        try {
            HttpResponse<String> response = admin.send("PUT", "/" + name);
            if (response.statusCode() != 200) {
                throw new TestkitException("Creating bucket " + name + " failed with HTTP "
                        + response.statusCode() + ": " + response.body());
            }
        } catch (IOException e) {
            throw new TestkitException("Cannot reach S3 server " + endpoint + " to create bucket " + name, e);
        }
        LOG.info("Created bucket {} on {}", name, endpoint);
    }

    /** Whether the server accepts requests. */
    public synchronized boolean isRunning() {
        return proxy != null;
    }

    /** Stops listening; clients then fail to connect. The store keeps every object. */
    public synchronized void stop() {
        if (proxy == null) {
            return;
        }
        S3Proxy stopping = proxy;
        proxy = null;
        try {
            stopping.stop();
        } catch (TimeoutException e) {
            // Clients still held keep-alive connections after the 500 ms grace period. Jetty
            // has closed them and stopped every component anyway, but reports the timeout.
            LOG.debug("S3 server {} cut connections still open after the grace period", endpoint, e);
        } catch (Exception e) {
            throw new TestkitException("Cannot stop S3 server " + endpoint, e);
        }
        LOG.info("S3 server {} stopped", endpoint);
    }

    /**
     * Listens again on the same port with the same store; does nothing if it runs.
     *
     * @throws TestkitException if it does not answer within 30 s
     */
    public synchronized void start() {
        if (closed) {
            throw new IllegalStateException("S3 server " + endpoint + " is closed");
        }
        if (proxy == null) {
            proxy = launch(store, endpoint.getPort(), accessKey, secretKey);
            awaitReady();
            LOG.info("S3 server {} started again", endpoint);
        }
    }

    /** Stops the server and releases the store; an in-memory store's objects are gone. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            stop();
        } finally {
            store.close();
        }
    }

    private void awaitReady() {
        Poll.until("S3 server " + endpoint + " to list buckets", READY_TIMEOUT, POLL_INTERVAL, () -> {
            HttpResponse<String> response = admin.send("GET", "/");
            return response.statusCode() == 200 ? Optional.of(Boolean.TRUE) : Optional.empty();
        });
    }

    private static S3Proxy launch(BlobStore store, int port, String accessKey, String secretKey) {
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(store)
                .endpoint(URI.create("http://" + Ports.LOOPBACK + ":" + port))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey)
                // The SDK's multipart client sends headers S3Proxy does not know; it answers 501 otherwise.
                .ignoreUnknownHeaders(true)
                .stopTimeout(500)
                .build();
        try {
            proxy.start();
            return proxy;
        } catch (Exception e) {
            throw new TestkitException("Cannot start S3 server on " + Ports.LOOPBACK + ":" + port, e);
        }
    }

    /**
     * Options of a server to start. Defaults: in-memory store, access key
     * {@code tidemark-access-key}, secret {@code tidemark-secret-key}. Not thread-safe.
     */
    public static final class Builder {
        private Path directory;
        private String accessKey = "tidemark-access-key";
        private String secretKey = "tidemark-secret-key";

        private Builder() {
        }

        /** Keeps buckets as sub-directories of {@code directory} (created if missing; never deleted). */
        public Builder filesystem(Path directory) {
            this.directory = directory;
            return this;
        }

        /** Keeps objects in memory only (the default); they live as long as the server object. */
        public Builder inMemory() {
            this.directory = null;
            return this;
        }

        /** The credentials clients must sign with. */
        public Builder credentials(String accessKey, String secretKey) {
            this.accessKey = accessKey;
            this.secretKey = secretKey;
            return this;
        }

        /**
         * Starts the server on a free port.
         *
         * @throws TestkitException if it does not start or answer within 30 s
         */
        public S3Server start() {
            BlobStore store = directory == null ? new TransientNio2BlobStore() : filesystemStore(directory);
            S3Server server = new S3Server(store, accessKey, secretKey, launch(store, 0, accessKey, secretKey));
            try {
                server.awaitReady();
            } catch (RuntimeException e) {
                server.close();
                throw e;
            }
            LOG.info("S3 server {} ready ({})", server.endpoint, directory == null ? "in memory" : directory);
            return server;
        }

        private static BlobStore filesystemStore(Path directory) {
            try {
                Files.createDirectories(directory);
            } catch (IOException e) {
                throw new TestkitException("Cannot create S3 store directory " + directory, e);
            }
            return new FilesystemNio2BlobStore(directory.toAbsolutePath().toString());
        }
    }
}
