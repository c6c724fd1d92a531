package io.tidemark.app;

/** The exit codes of the tidemark command, as DESIGN.md fixes them. */
final class ExitCodes {
  private ExitCodes() {}

  static final int OK = 0;
  static final int FAILURE = 1;
  static final int USAGE = 2;
  static final int MISMATCH = 3;
}
