package io.tidemark.app;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.dependencies.SlicesRuleDefinition;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The module arrows of DESIGN.md, checked on the compiled production classes. */
class ArchitectureTest {
  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("io.tidemark");
  }

  @Test
  void schemasDependOnNothingOfOurs() {
    noClasses().that().resideInAPackage("io.tidemark.schemas..")
        .should().dependOnClassesThat().resideInAnyPackage("io.tidemark.capture..",
            "io.tidemark.dedupe..", "io.tidemark.filecache..", "io.tidemark.sinks..",
            "io.tidemark.restore..", "io.tidemark.app..", "io.tidemark.testkit..")
        .because("schemas/ is the contract every module agrees on; move shared code there,"
            + " not the other way round")
        .check(classes);
  }

  @Test
  void onlyCaptureTouchesDebezium() {
    noClasses().that().resideOutsideOfPackage("io.tidemark.capture..")
        .should().dependOnClassesThat().resideInAPackage("io.debezium..")
        .because("Debezium structs are converted to change events at the capture boundary;"
            + " use io.tidemark.schemas.avro.ChangeEvent elsewhere")
        .check(classes);
  }

  @Test
  void onlySinksS3WritesToS3AmongTheWorkers() {
    noClasses().that().resideInAPackage("io.tidemark.sinks..")
        .and().resideOutsideOfPackage("io.tidemark.sinks.s3..")
        .should().dependOnClassesThat().resideInAPackage("software.amazon..")
        .because("the sinks' S3 calls live in io.tidemark.sinks.s3, behind S3BundleStore")
        .check(classes);
  }

  @Test
  void workerModulesDoNotKnowEachOther() {
    ArchRule rule = noClasses().that().resideInAnyPackage("io.tidemark.capture..",
            "io.tidemark.sinks..", "io.tidemark.restore..", "io.tidemark.dedupe..",
            "io.tidemark.filecache..")
        .should().dependOnClassesThat().resideInAnyPackage("io.tidemark.app..",
            "io.tidemark.testkit..")
        .because("only app/ wires modules together, and the testkit is for tests and the demo");
    rule.check(classes);
    SlicesRuleDefinition.slices().matching("io.tidemark.(capture|sinks|restore)..")
        .should().notDependOnEachOther()
        .because("capture, sinks and restore meet only through schemas/ contracts")
        .check(classes);
  }

  @Test
  void noModuleReachesIntoAnothersInternals() {
    for (String module : new String[] {"schemas", "capture", "dedupe", "filecache", "sinks",
        "restore", "testkit", "app"}) {
      noClasses().that().resideOutsideOfPackage("io.tidemark." + module + "..")
          .should().dependOnClassesThat().resideInAPackage("io.tidemark." + module + ".internal..")
          .because("io.tidemark." + module + ".internal is private to its module; add what you"
              + " need to the module's public package")
          .check(classes);
    }
  }
}
