package io.tidemark.app.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's table of settings is generated from {@link ConfigKey}, so it cannot drift. */
class ConfigDocsTest {
  @Test
  void theReadmeListsEverySettingAsTheCodeDefinesIt() throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"));
    assertThat(readme)
        .as("README.md must contain ConfigKey.markdownTable(); paste it from the failure below")
        .contains(ConfigKey.markdownTable());
  }
}
