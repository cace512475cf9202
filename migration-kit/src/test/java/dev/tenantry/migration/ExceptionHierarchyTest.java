package dev.tenantry.migration;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.tenantry.TenantryException;
import java.lang.reflect.Modifier;
import org.junit.jupiter.api.Test;

/**
 * One root exception: every public exception of the library, in core and in the migration kit (both on this test's
 * class path), is a {@link TenantryException}, and the root itself is abstract, so each thrown exception says what
 * went wrong by its type.
 */
class ExceptionHierarchyTest {

    @Test
    void theRootIsAbstract() {
        assertTrue(Modifier.isAbstract(TenantryException.class.getModifiers()), "TenantryException is abstract");
    }

    @Test
    void everyPublicExceptionIsATenantryException() {
        JavaClasses library = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.tenantry");
        assertTrue(library.contain(MigrationException.class) && library.contain(TenantryException.class),
                "both modules' classes are imported");
        classes().that().areAssignableTo(Throwable.class).and().arePublic()
                .should().beAssignableTo(TenantryException.class)
                .because("callers catch TenantryException to handle every exception Tenantry throws")
                .check(library);
    }
}
