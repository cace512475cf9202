package dev.tenantry;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.belongToAnyOf;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.CompositeArchRule;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import com.tngtech.archunit.library.dependencies.SlicesRuleDefinition;
import dev.tenantry.audit.AuditAction;
import dev.tenantry.audit.AuditEvent;
import dev.tenantry.audit.AuditTrail;
import dev.tenantry.health.QueueStats;
import dev.tenantry.ratelimit.PlanResolver;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layers of core, checked on its compiled main classes (DESIGN.md, "Layers"):
 * <ol>
 *   <li>the tenant context ({@code dev.tenantry}) and the collections ({@code dev.tenantry.collection..}) depend on
 *       no feature;</li>
 *   <li>an area's {@code internal} package is used by that area alone ({@code dev.tenantry.internal} is the neutral
 *       one every area of core may use), so no feature reaches into another's internals;</li>
 *   <li>a feature uses another feature only through the small interfaces offered for that: the one that needs
 *       something owns the interface ({@link QueueStats} of health, which the audit trail's stats satisfy; {@link
 *       PlanResolver} of rate limiting, which the directory satisfies), and recording into the audit trail
 *       ({@link AuditTrail#record}, {@link AuditEvent}, {@link AuditAction}) is what exports, sessions and the
 *       directory build on;</li>
 *   <li>the neutral internal package depends on no area but the tenant context;</li>
 *   <li>no cycles between areas. An area is an API package with its {@code internal} package (a public builder
 *       builds its implementation, which implements the public interface: that pair is one area by design); the
 *       tenant context and the neutral internal package are areas of their own.</li>
 * </ol>
 * Features talk to each other only through small interfaces owned by the side that needs them, so these rules hold
 * without exceptions.
 */
class LayeringTest {

    private static final String ROOT = "dev.tenantry";
    private static final List<String> FEATURES = List.of("audit", "export", "ratelimit", "directory", "session",
            "health");
    private static final List<String> AREAS = List.of("collection", "audit", "export", "ratelimit", "directory",
            "session", "health");

    private static JavaClasses core;

    @BeforeAll
    static void importCore() {
        core = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS).importPackages(ROOT);
    }

    @Test
    void tenantContextAndCollectionsDependOnNoFeature() {
        ArchRule rule = noClasses().that().resideInAPackage(ROOT).or().resideInAPackage(ROOT + ".collection..")
                .should().dependOnClassesThat().resideInAnyPackage(packagesOf(FEATURES))
                .because("the tenant context and the collections are the base every feature builds on");
        rule.check(core);
    }

    @Test
    void onlyItsOwnAreaUsesAnAreasInternalPackage() {
        List<ArchRule> rules = new ArrayList<>();
        for (String area : AREAS) {
            rules.add(noClasses().that().resideOutsideOfPackage(ROOT + "." + area + "..")
                    .should().dependOnClassesThat().resideInAPackage(ROOT + "." + area + ".internal..")
                    .because("an area's internal package is its implementation, used by that area alone; features "
                            + "talk to each other through small interfaces owned by the side that needs them"));
        }
        CompositeArchRule.of(rules).check(core);
    }

    /** The types one feature may use of another; everything else of another feature is out of reach. */
    private static final List<Class<?>> OFFERED_ACROSS_FEATURES = List.of(QueueStats.class, PlanResolver.class,
            AuditTrail.class, AuditEvent.class, AuditAction.class);

    @Test
    void featuresTalkToEachOtherOnlyThroughTheInterfacesOfferedForIt() {
        List<ArchRule> rules = new ArrayList<>();
        for (String feature : FEATURES) {
            List<String> others = FEATURES.stream().filter(f -> !f.equals(feature)).toList();
            rules.add(noClasses().that().resideInAPackage(ROOT + "." + feature + "..")
                    .should().dependOnClassesThat(resideInAnyPackage(packagesOf(others))
                            .and(not(belongToAnyOf(OFFERED_ACROSS_FEATURES.toArray(Class<?>[]::new)))))
                    .because("features talk through small interfaces owned by the side that needs them"));
        }
        CompositeArchRule.of(rules).check(core);
    }

    @Test
    void neutralInternalPackageDependsOnNoArea() {
        List<String> areas = AREAS.stream().map(a -> ROOT + "." + a + "..").toList();
        ArchRule rule = noClasses().that().resideInAPackage(ROOT + ".internal..")
                .should().dependOnClassesThat().resideInAnyPackage(areas.toArray(String[]::new))
                .because("dev.tenantry.internal is shared plumbing every area may use, so it can use none of them");
        rule.check(core);
    }

    @Test
    void areasFormNoCycles() {
        SlicesRuleDefinition.slices().assignedFrom(new Areas()).should().beFreeOfCycles().check(core);
    }

    private static String[] packagesOf(List<String> areas) {
        return areas.stream().map(a -> ROOT + "." + a + "..").toArray(String[]::new);
    }

    /** The area a class belongs to: the tenant context, the neutral internal package, or the API package's area. */
    private static final class Areas implements SliceAssignment {
        @Override
        public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
            String pkg = javaClass.getPackageName();
            if (pkg.equals(ROOT)) {
                return SliceIdentifier.of("tenant context");
            }
            if (!pkg.startsWith(ROOT + ".")) {
                return SliceIdentifier.ignore();
            }
            String[] parts = pkg.substring(ROOT.length() + 1).split("\\.");
            return SliceIdentifier.of(parts[0].equals("internal") ? "neutral internal" : parts[0]);
        }

        @Override
        public String getDescription() {
            return "core's areas";
        }
    }
}
