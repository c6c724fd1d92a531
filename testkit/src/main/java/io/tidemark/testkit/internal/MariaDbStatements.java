package io.tidemark.testkit.internal;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Builds the SQL of the server helpers from validated input, so no caller text reaches a
 * statement unchecked. Stateless and thread-safe.
 */
public final class MariaDbStatements {

    /** Exactly what change-data capture needs on {@code *.*}. */
    public static final List<String> CAPTURE_PRIVILEGES = List.of("SELECT", "RELOAD", "SHOW DATABASES",
            "REPLICATION SLAVE", "REPLICATION CLIENT", "BINLOG MONITOR", "LOCK TABLES");

    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z0-9_]{1,48}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private MariaDbStatements() {
    }

    /** {@code prefix_<8 random hex digits>}, after checking the prefix. */
    public static String uniqueName(String prefix) {
        requireIdentifier(prefix, "database prefix");
        byte[] suffix = new byte[4];
        RANDOM.nextBytes(suffix);
        return prefix + "_" + HexFormat.of().formatHex(suffix);
    }

    /** The statements creating {@code user@'%'} with {@link #CAPTURE_PRIVILEGES}. */
    public static List<String> createCaptureUser(String user, String password) {
        requireIdentifier(user, "user name");
        String account = "'" + user + "'@'%'";
        // Default sql_mode: a backslash escapes inside a quoted string.
        String quotedPassword = "'" + password.replace("\\", "\\\\").replace("'", "\\'") + "'";
        return List.of("CREATE USER " + account + " IDENTIFIED BY " + quotedPassword,
                "GRANT " + String.join(", ", CAPTURE_PRIVILEGES) + " ON *.* TO " + account);
    }

    private static void requireIdentifier(String value, String what) {
        if (value == null || !IDENTIFIER.matcher(value).matches()) {
            throw new IllegalArgumentException("Invalid " + what + " '" + value
                    + "': use 1 to 48 letters, digits or underscores");
        }
    }
}
