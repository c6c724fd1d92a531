package io.tidemark.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class JavaProcessIT {
    private static final Duration START = Duration.ofSeconds(30);

    @Test
    void theSecretTravelsInTheEnvironmentNotOnTheCommandLine() throws Exception {
        try (JavaProcess child = JavaProcess.builder(SleeperMain.class).args("a", "b")
                .env("SLEEPER_SECRET", "hunter22").start()) {
            child.awaitOutput("ready on stderr", START);

            child.awaitOutput("secret length 8", START);
            child.awaitOutput("args a b", START);
            // What ps shows: the kernel's copy of the command line.
            String commandLine = Files.readString(Path.of("/proc", Long.toString(child.pid()), "cmdline"));
            assertThat(commandLine).contains(SleeperMain.class.getName()).doesNotContain("hunter22");
        }
    }

    @Test
    void stopSendsSigtermWhichRunsShutdownHooks() throws Exception {
        try (JavaProcess child = JavaProcess.builder(SleeperMain.class).start()) {
            child.awaitOutput("ready", START);

            int code = child.stop(Duration.ofSeconds(30));

            assertThat(code).isEqualTo(128 + 15);
            assertThat(child.isAlive()).isFalse();
            assertThat(Files.readString(child.stdout())).contains("shutdown hook ran");
        }
    }

    @Test
    void killSendsSigkillWhichSkipsShutdownHooks() throws Exception {
        try (JavaProcess child = JavaProcess.builder(SleeperMain.class).start()) {
            child.awaitOutput("ready", START);

            child.kill();

            assertThat(child.exitCode()).contains(128 + 9);
            assertThat(Files.readString(child.stdout())).doesNotContain("shutdown hook ran");
        }
    }

    @Test
    void waitingForOutputOfAChildThatExitedFailsAtOnceWithItsOutput() {
        try (JavaProcess child = JavaProcess.builder(SleeperMain.class).args("exit").start()) {
            assertThatThrownBy(() -> child.awaitOutput("never printed", Duration.ofSeconds(60)))
                    .isInstanceOf(TestkitException.class)
                    .hasMessageContaining("exited with code 3")
                    .hasMessageContaining("ready on stderr");
        }
    }
}
