package io.tidemark.testkit;

import java.util.concurrent.CountDownLatch;

/** Child JVM of {@link JavaProcessIT}: reports its secret's length, then waits to be ended. */
public final class SleeperMain {
    private SleeperMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> System.out.println("shutdown hook ran")));
        String secret = System.getenv("SLEEPER_SECRET");
        System.out.println("args " + String.join(" ", args));
        System.out.println("secret length " + (secret == null ? -1 : secret.length()));
        System.err.println("ready on stderr");
        if (args.length > 0 && args[0].equals("exit")) {
            System.exit(3);
        }
        new CountDownLatch(1).await();
    }
}
