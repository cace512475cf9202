package dev.tenantry.spring.autoconfigure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.mongodb.autoconfigure.DataMongoAutoConfiguration;
import org.springframework.boot.data.mongodb.autoconfigure.DataMongoReactiveAutoConfiguration;
import org.springframework.boot.mongodb.autoconfigure.MongoAutoConfiguration;
import org.springframework.boot.mongodb.autoconfigure.MongoReactiveAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.util.ClassUtils;

/**
 * The reactive driver is not scoped, so an application that has a reactive client does not start unless it says the
 * client never touches tenant data. Runs in the surefire execution {@code reactive-stack}, which adds the reactive
 * driver and Reactor to the class path (the other tests must not have them: Spring Boot would configure a reactive
 * client in every application they start).
 */
class ReactiveStackGuardTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(MongoAutoConfiguration.class, MongoReactiveAutoConfiguration.class,
                    DataMongoAutoConfiguration.class, DataMongoReactiveAutoConfiguration.class,
                    TenantryAutoConfiguration.class))
            // clients connect lazily and nothing here sends a command: no server is needed
            .withPropertyValues("spring.mongodb.uri=mongodb://localhost:1", "spring.mongodb.database=reactive",
                    "tenantry.collections.orders.isolation=SHARED", "tenantry.ensure-indexes-on-startup=false");

    @BeforeAll
    static void reactiveDriverPresent() {
        assumeTrue(ClassUtils.isPresent(TenantryAutoConfiguration.ReactiveStackGuard.REACTIVE_CLIENT, null),
                "needs the reactive driver on the class path: run by the surefire execution reactive-stack");
    }

    @Test
    void aReactiveClientStopsStartUpAndTheMessageSaysWhy() {
        runner.run(context -> {
            Throwable failure = context.getStartupFailure();
            assertNotNull(failure, "started with an unscoped reactive client");
            Throwable cause = failure;
            while (cause.getCause() != null) {
                cause = cause.getCause();
            }
            assertInstanceOf(IllegalStateException.class, cause);
            String message = cause.getMessage();
            assertTrue(message.contains("reactiveStreamsMongoClient") && message.contains("ReactiveMongoTemplate")
                    && message.contains("tenantry.allow-unscoped-reactive=true"), message);
        });
    }

    @Test
    void anExplicitAllowanceStartsWithTheReactiveClientUnscoped() {
        runner.withPropertyValues("tenantry.allow-unscoped-reactive=true").run(context -> {
            assertNull(context.getStartupFailure());
            assertEquals(1, context.getBeanNamesForType(ClassUtils.resolveClassName(
                    TenantryAutoConfiguration.ReactiveStackGuard.REACTIVE_CLIENT, null)).length);
        });
    }

    @Test
    void withTenantryDisabledNothingIsChecked() {
        runner.withPropertyValues("tenantry.enabled=false").run(context -> assertNull(context.getStartupFailure()));
    }
}
