package io.tidemark.capture.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ServerFlavorTest {

  @ParameterizedTest(name = "{0} / {1} -> {2}")
  @CsvSource(delimiter = '|', textBlock = """
      11.4.5-MariaDB-log                | mariadb.org binary distribution   | MARIADB
      10.11.6-MariaDB-0+deb12u1-log     | Debian 12                         | MARIADB
      10.6.18-MariaDB                   | MariaDB Server                    | MARIADB
      5.5.5-10.6.12-MariaDB             | MariaDB Server                    | MARIADB
      8.4.3                             | MySQL Community Server - GPL      | MYSQL
      8.0.36                            | MySQL Community Server - GPL      | MYSQL
      8.0.36-28                         | Percona Server (GPL), Release 28  | MYSQL
      8.0.mysql_aurora.3.05.2           | Source distribution               | MYSQL
      9.1.0-commercial                  | MySQL Enterprise Server           | MYSQL
      """)
  void decidesTheConnectorFromWhatTheServerSays(String version, String comment,
      ServerFlavor expected) {
    assertThat(ServerFlavor.of(version, comment)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0} / {1} is refused")
  @CsvSource(delimiter = '|', textBlock = """
      5.7.44-log       | MySQL Community Server (GPL) | MySQL before 8.0
      10.5.26-MariaDB  | MariaDB Server               | MariaDB before 10.6
      5.5.5-10.4.1-MariaDB | MariaDB Server           | MariaDB before 10.6
      unknown          | a proxy                      | cannot be read
      ''               | ''                           | cannot be read
      """)
  void refusesServersItCannotCaptureAndSaysWhy(String version, String comment, String why) {
    assertThatThrownBy(() -> ServerFlavor.of(version, comment))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(why)
        .hasMessageContaining("MySQL 8.0 and later and MariaDB 10.6 and later");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      MARIADB | io.debezium.connector.mariadb.MariaDbConnector | disable
      MYSQL   | io.debezium.connector.mysql.MySqlConnector     | preferred
      """)
  void eachKindNamesItsConnectorAndItsSslMode(ServerFlavor flavor, String connector, String ssl) {
    assertThat(flavor.connectorClass()).isEqualTo(connector);
    assertThat(flavor.sslMode()).isEqualTo(ssl);
  }
}
