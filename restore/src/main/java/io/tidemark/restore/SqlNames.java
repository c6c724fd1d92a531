package io.tidemark.restore;

/** Quoting of SQL identifiers. */
public final class SqlNames {
  private SqlNames() {}

  public static String quote(String identifier) {
    return "`" + identifier.replace("`", "``") + "`";
  }
}
