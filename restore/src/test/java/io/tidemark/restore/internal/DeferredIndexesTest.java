package io.tidemark.restore.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class DeferredIndexesTest {
  @Test
  void defersOnlyPlainKeysOfShowCreateTable() {
    String ddl = """
        CREATE TABLE `item` (
          `id` int(11) NOT NULL,
          `note` varchar(40) DEFAULT NULL,
          `KEY x` int(11) DEFAULT NULL,
          `t` text DEFAULT NULL,
          PRIMARY KEY (`id`),
          UNIQUE KEY `u` (`note`),
          KEY `note_n` (`note`(10),`KEY x`) COMMENT 'a, b',
          FULLTEXT KEY `ft` (`t`),
          KEY `odd``name` (`KEY x` DESC) IGNORED
        ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4""";

    assertThat(DeferredIndexes.plainKeys(ddl)).containsExactly(
        Map.entry("note_n", "KEY `note_n` (`note`(10),`KEY x`) COMMENT 'a, b'"),
        Map.entry("odd`name", "KEY `odd``name` (`KEY x` DESC) IGNORED"));
  }
}
