package io.tidemark.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MariaDbServerIT {

    private static final int SERVER_ID = 7;
    private static MariaDbServer server;

    @BeforeAll
    static void startServer() {
        server = MariaDbServer.builder().serverId(SERVER_ID).timeZone("+02:00").start();
    }

    @AfterAll
    static void closeServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void sqlWorksInAFreshDatabase() {
        String db = server.createDatabase("sql");
        server.execute("CREATE TABLE `" + db + "`.t (id INT PRIMARY KEY, name VARCHAR(20))",
                "INSERT INTO `" + db + "`.t VALUES (1, 'one'), (2, 'two')");

        assertThat(server.queryValue("SELECT name FROM `" + db + "`.t WHERE id = 2")).isEqualTo("two");
        assertThat(server.queryValue("SELECT COUNT(*) FROM `" + db + "`.t")).isEqualTo("2");
        assertThat(server.createDatabase("sql")).isNotEqualTo(db).startsWith("sql_");
    }

    @Test
    void binlogIsOnInRowFormatWithFullImagesAndStrictGtids() {
        assertThat(server.queryValue("SELECT @@log_bin")).isEqualTo("1");
        assertThat(server.queryValue("SELECT @@binlog_format")).isEqualTo("ROW");
        assertThat(server.queryValue("SELECT @@binlog_row_image")).isEqualTo("FULL");
        assertThat(server.queryValue("SELECT @@gtid_strict_mode")).isEqualTo("1");
        assertThat(server.queryValue("SELECT @@server_id")).isEqualTo(Integer.toString(SERVER_ID));
    }

    @Test
    void aWriteAdvancesTheGtidBinlogPosition() {
        String db = server.createDatabase("gtid");
        server.execute("CREATE TABLE `" + db + "`.t (id INT PRIMARY KEY)");
        String before = server.queryValue("SELECT @@gtid_binlog_pos");

        server.execute("INSERT INTO `" + db + "`.t VALUES (1)");

        String after = server.queryValue("SELECT @@gtid_binlog_pos");
        assertThat(after).startsWith("0-" + SERVER_ID + "-");
        assertThat(sequenceNumber(after)).isGreaterThan(sequenceNumber(before));
    }

    @Test
    void anInsertIsLoggedAsWriteRowsEvent() throws SQLException {
        String db = server.createDatabase("events");
        server.execute("CREATE TABLE `" + db + "`.t (id INT PRIMARY KEY)", "INSERT INTO `" + db + "`.t VALUES (42)");

        List<String> events = binlogEvents(server.queryValue("SELECT @@log_bin_basename"));

        assertThat(events).anySatisfy(e -> assertThat(e).startsWith("Table_map").contains("(" + db + ".t)"));
        assertThat(events).anySatisfy(e -> assertThat(e).startsWith("Write_rows"));
    }

    @Test
    void killInTheMiddleOfATransactionKeepsExactlyTheCommittedRows() throws SQLException {
        String db = server.createDatabase("crash");
        server.execute("CREATE TABLE `" + db + "`.t (id INT PRIMARY KEY) ENGINE=InnoDB",
                "INSERT INTO `" + db + "`.t VALUES (1), (2), (3)");
        int port = server.port();

        try (Connection open = server.connection(db); Statement statement = open.createStatement()) {
            open.setAutoCommit(false);
            statement.execute("INSERT INTO t VALUES (4)");
            server.kill();
        }
        assertThat(server.isRunning()).isFalse();
        server.start();

        assertThat(server.port()).isEqualTo(port);
        assertThat(server.queryValue("SELECT GROUP_CONCAT(id ORDER BY id) FROM `" + db + "`.t")).isEqualTo("1,2,3");
    }

    @Test
    void aGracefulRestartKeepsDataAndPort() {
        String db = server.createDatabase("restart");
        server.execute("CREATE TABLE `" + db + "`.t (id INT PRIMARY KEY)", "INSERT INTO `" + db + "`.t VALUES (1)");

        server.stop();
        assertThat(server.isRunning()).isFalse();
        assertThatThrownBy(() -> server.queryValue("SELECT 1")).isInstanceOf(TestkitException.class);
        server.start();

        assertThat(server.queryValue("SELECT COUNT(*) FROM `" + db + "`.t")).isEqualTo("1");
    }

    @Test
    void theCaptureUserHasExactlyTheCapturePrivileges() throws SQLException {
        String user = "capture_" + Long.toHexString(System.nanoTime());
        server.createCaptureUser(user, "pa'ss\\word");

        String grants = server.queryValue("SHOW GRANTS FOR '" + user + "'@'%'");

        assertThat(grants).startsWith("GRANT ").contains(" ON *.* TO `" + user + "`@`%`");
        // MariaDB 11.4 shows REPLICATION CLIENT under its newer name, BINLOG MONITOR.
        String privileges = grants.substring("GRANT ".length(), grants.indexOf(" ON *.*"));
        assertThat(privileges.split(", ")).containsExactlyInAnyOrder("SELECT", "RELOAD", "SHOW DATABASES",
                "LOCK TABLES", "BINLOG MONITOR", "REPLICATION SLAVE");
        try (Connection asUser = DriverManager.getConnection(server.jdbcUrl(null), user, "pa'ss\\word");
             Statement statement = asUser.createStatement();
             ResultSet status = statement.executeQuery("SHOW BINLOG STATUS")) {
            assertThat(status.next()).isTrue();
        }
    }

    @Test
    void theServerTimeZoneIsHonoured() {
        assertThat(server.queryValue("SELECT @@time_zone")).isEqualTo("+02:00");
        assertThat(server.queryValue("SELECT TIMESTAMPDIFF(MINUTE, UTC_TIMESTAMP(), NOW())")).isEqualTo("120");
    }

    @Test
    void clientToolsOfTheSameVersionAreExposed() {
        assertThat(server.clientBinary()).isExecutable().hasFileName("mariadb");
        assertThat(server.dumpBinary()).isExecutable().hasFileName("mariadb-dump");
        assertThat(server.errorLog()).exists();
    }

    @Test
    void aServerOnAnExistingDataDirectoryKeepsItsData(@TempDir Path workDir) {
        try (MariaDbServer first = MariaDbServer.builder().dataDir(workDir).start()) {
            first.execute("CREATE DATABASE kept", "CREATE TABLE kept.t (id INT PRIMARY KEY)",
                    "INSERT INTO kept.t VALUES (1)");
        }
        assertThat(workDir.resolve("data")).isDirectory();

        try (MariaDbServer second = MariaDbServer.builder().dataDir(workDir).start()) {
            assertThat(second.queryValue("SELECT COUNT(*) FROM kept.t")).isEqualTo("1");
        }
    }

    @Test
    void aServerThatCannotStartReportsTheTailOfItsErrorLog() {
        assertThatThrownBy(() -> MariaDbServer.builder().timeZone("No/Such_Zone").start())
                .isInstanceOf(TestkitException.class)
                .hasMessageContaining("mariadbd exited")
                .hasMessageContaining("No/Such_Zone");
    }

    private static long sequenceNumber(String gtidPos) {
        if (gtidPos == null || gtidPos.isEmpty()) {
            return 0;
        }
        return Long.parseLong(gtidPos.substring(gtidPos.lastIndexOf('-') + 1));
    }

    /** Event type and info of every event in the current binlog file. */
    private static List<String> binlogEvents(String basename) throws SQLException {
        List<String> events = new ArrayList<>();
        try (Connection connection = server.connection(); Statement statement = connection.createStatement()) {
            String file;
            try (ResultSet status = statement.executeQuery("SHOW BINLOG STATUS")) {
                status.next();
                file = status.getString("File");
            }
            assertThat(basename).endsWith("mysql-bin");
            try (ResultSet rows = statement.executeQuery("SHOW BINLOG EVENTS IN '" + file + "'")) {
                while (rows.next()) {
                    events.add(rows.getString("Event_type") + " " + rows.getString("Info"));
                }
            }
        }
        return events;
    }
}
