package io.tidemark.app;

import io.tidemark.app.config.ConfigException;
import io.tidemark.restore.RestoreMismatchException;
import java.util.concurrent.Callable;
import org.slf4j.bridge.SLF4JBridgeHandler;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code tidemark} command. */
@Command(name = "tidemark", mixinStandardHelpOptions = true, version = "tidemark 0.1.0",
    description = "Continuous, restorable backups of MySQL-family databases through Kafka into S3.",
    subcommands = {RunCommand.class, SnapshotCommand.class, ListCommand.class,
        RestoreCommand.class, VerifyCommand.class, StatusCommand.class, PruneCommand.class,
        DemoCommand.class},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:success", "1:failure", "2:bad usage or configuration",
        "3:verification mismatch"},
    footerHeading = "%nSettings:%n",
    footer = {"One YAML file (-c FILE), overridden by environment variables, overridden by flags;"
        + " the README lists every key. Passwords come only from the environment"
        + " (TIDEMARK_SOURCE_PASSWORD, TIDEMARK_TARGET_PASSWORD) or a my.cnf-style defaults file."})
public final class Tidemark implements Callable<Integer> {

  public static void main(String[] args) {
    // The binlog client logs through java.util.logging; route it to the one log configuration.
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();
    System.exit(commandLine().execute(args));
  }

  static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new Tidemark())
        .setExecutionExceptionHandler(Tidemark::reportFailure);
    cli.getCommandSpec().exitCodeOnInvalidInput(ExitCodes.USAGE);
    for (CommandLine sub : cli.getSubcommands().values()) {
      sub.getCommandSpec().exitCodeOnInvalidInput(ExitCodes.USAGE);
    }
    return cli;
  }

  /**
   * A failure is one readable line per cause on stderr, not a stack trace: exit code 2 for a
   * configuration problem, 3 for a mismatch, 1 for the rest.
   */
  private static int reportFailure(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
    cli.getErr().println("tidemark " + cli.getCommandName() + " failed: " + describe(e));
    if (e instanceof ConfigException) {
      return ExitCodes.USAGE;
    }
    return e instanceof RestoreMismatchException ? ExitCodes.MISMATCH : ExitCodes.FAILURE;
  }

  /** The message of {@code e} and of each distinct cause, one per line. */
  static String describe(Throwable e) {
    StringBuilder message = new StringBuilder(
        e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName());
    String previous = message.toString();
    for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
      String m = cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
      if (!previous.contains(m)) {
        message.append(System.lineSeparator()).append("  caused by: ").append(m);
      }
      previous = m;
    }
    return message.toString();
  }

  @Override
  public Integer call() {
    CommandLine.usage(this, System.out);
    return ExitCodes.USAGE;
  }
}
