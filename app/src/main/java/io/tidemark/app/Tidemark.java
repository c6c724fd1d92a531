package io.tidemark.app;

import java.util.concurrent.Callable;
import org.slf4j.bridge.SLF4JBridgeHandler;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code tidemark} command. */
@Command(name = "tidemark", mixinStandardHelpOptions = true, version = "tidemark 0.1.0",
    description = "Continuous, restorable backups of MySQL-family databases through Kafka into S3.",
    subcommands = {Tidemark.DemoCommand.class},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:success", "1:failure", "2:bad usage or configuration",
        "3:verification mismatch"})
public final class Tidemark implements Callable<Integer> {

  public static void main(String[] args) {
    // The binlog client logs through java.util.logging; route it to the one log configuration.
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();
    CommandLine cli = new CommandLine(new Tidemark())
        .setExecutionExceptionHandler(Tidemark::reportFailure);
    cli.getCommandSpec().exitCodeOnInvalidInput(ExitCodes.USAGE);
    for (CommandLine sub : cli.getSubcommands().values()) {
      sub.getCommandSpec().exitCodeOnInvalidInput(ExitCodes.USAGE);
    }
    System.exit(cli.execute(args));
  }

  /** A failure is one readable line per cause on stderr, not a stack trace; exit code 1. */
  private static int reportFailure(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
    StringBuilder message = new StringBuilder("tidemark " + cli.getCommandName() + " failed: ");
    message.append(e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName());
    for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
      message.append(System.lineSeparator()).append("  caused by: ").append(cause.getMessage());
    }
    cli.getErr().println(message);
    return ExitCodes.FAILURE;
  }

  @Override
  public Integer call() {
    CommandLine.usage(this, System.out);
    return ExitCodes.USAGE;
  }

  @Command(name = "demo", mixinStandardHelpOptions = true,
      description = {"The embedded default, end to end, in one command: an in-JVM Kafka broker and"
          + " S3 server, a sandbox MariaDB with sample data under a write load, the pipeline"
          + " archiving it, then a restore into a fresh sandbox, verified table by table.",
          "Needs no configuration and no running services."})
  static final class DemoCommand implements Callable<Integer> {
    @Option(names = "--transactions", defaultValue = "3000",
        description = "source transactions in the write load (default: ${DEFAULT-VALUE})")
    int transactions;

    @Override
    public Integer call() throws Exception {
      if (transactions < 1) {
        throw new CommandLine.ParameterException(new CommandLine(this),
            "--transactions must be at least 1, not " + transactions);
      }
      return new Demo(System.out, transactions).run();
    }
  }
}
