package dev.tenantry.spring.autoconfigure;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tenantry.servlet.TenantResolver;
import dev.tenantry.servlet.TenantryWebConfig;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The web configuration fails closed: the tenant header is the caller's to choose, so with it and nothing that checks
 * which tenants a caller may name, the application does not start.
 */
class TenantryWebAutoConfigurationTest {

    private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(TenantryWebAutoConfiguration.class))
            .withUserConfiguration(Properties.class)
            .withPropertyValues("tenantry.web.enabled=true");

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(TenantryProperties.class)
    static class Properties {
    }

    @Configuration(proxyBeanMethods = false)
    static class OptionalPathsOnly {
        @Bean
        TenantryWebConfigCustomizer publicPages() {
            return builder -> builder.tenantOptional("/login");
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnTenantsOnly {
        @Bean
        TenantryWebConfigCustomizer ownTenants() {
            return builder -> builder.tenantAccess((request, tenant) -> "acme".equals(tenant.value()));
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class TenantFromTheHost {
        @Bean
        TenantResolver fromTheHost() {
            return request -> null;
        }
    }

    @Test
    void theTenantHeaderWithNoAccessCheckRefusesToStartAndSaysWhatToSet() {
        runner.run(context -> {
            Throwable failure = context.getStartupFailure();
            assertNotNull(failure, "started with an unchecked tenant header");
            Throwable cause = failure;
            while (cause.getCause() != null) {
                cause = cause.getCause();
            }
            assertInstanceOf(IllegalStateException.class, cause);
            String message = cause.getMessage();
            assertTrue(message.contains("'X-Tenant-ID'") && message.contains("tenantAccess")
                    && message.contains("tenantry.web.allow-unchecked-tenant-header"), message);
        });
    }

    @Test
    void aCustomizerThatSetsNoAccessCheckDoesNotCount() {
        runner.withUserConfiguration(OptionalPathsOnly.class)
                .run(context -> assertNotNull(context.getStartupFailure(), "a customizer alone passed for a check"));
    }

    @Test
    void anAccessCheckOrAnExplicitAllowanceStarts() {
        runner.withUserConfiguration(OwnTenantsOnly.class).run(context -> {
            assertNull(context.getStartupFailure());
            assertTrue(context.getBean(TenantryWebConfig.class).checksTenantAccess());
        });
        runner.withPropertyValues("tenantry.web.allow-unchecked-tenant-header=true").run(context -> {
            assertNull(context.getStartupFailure());
            assertFalse(context.getBean(TenantryWebConfig.class).checksTenantAccess());
        });
    }

    @Test
    void theApplicationsOwnTenantResolversAreItsDecision() {
        runner.withUserConfiguration(TenantFromTheHost.class)
                .run(context -> assertNull(context.getStartupFailure()));
    }
}
