package dev.tenantry.spring.autoconfigure;

import dev.tenantry.audit.AuditTrail;
import dev.tenantry.directory.TenantDirectory;
import dev.tenantry.export.DataExports;
import dev.tenantry.health.Health;
import dev.tenantry.health.HealthReport;
import dev.tenantry.health.HealthStatus;
import dev.tenantry.ratelimit.RateLimiter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Tenantry's beans as Spring Boot observes applications: the {@code tenantry} Actuator health indicator over the
 * {@link Health} bean, and Micrometer meters for the audit trail, rate-limit decisions, export runs and
 * purges. Runs after {@link
 * TenantryAutoConfiguration}, whose beans it reads.
 *
 * @since 0.1
 */
@AutoConfiguration(after = TenantryAutoConfiguration.class)
public final class TenantryObservabilityAutoConfiguration {

    /** Created by Spring. */
    public TenantryObservabilityAutoConfiguration() {
    }

    /** The Micrometer meters, where Micrometer is on the class path (see README for which figure to alert on). */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(MeterRegistry.class)
    static class Meters {

        /** The audit trail's counters. */
        @Bean
        @ConditionalOnSingleCandidate(AuditTrail.class)
        MeterBinder tenantryAuditMeters(AuditTrail trail) {
            return TenantryMeters.audit(trail);
        }

        /** The directory's purges. */
        @Bean
        @ConditionalOnSingleCandidate(TenantDirectory.class)
        MeterBinder tenantryPurgeMeters(TenantDirectory directory) {
            return TenantryMeters.purges(directory);
        }

        /**
         * Counts the decisions of every RateLimiter bean by plan and outcome, and the runs of every DataExports bean
         * by status.
         */
        @Bean
        static BeanPostProcessor tenantryRateLimitAndExportMeters(ObjectProvider<MeterRegistry> registry) {
            return new BeanPostProcessor() {
                @Override
                public Object postProcessAfterInitialization(Object bean, String beanName) {
                    if (bean instanceof RateLimiter limiter) {
                        return TenantryMeters.metered(limiter, registry);
                    }
                    return bean instanceof DataExports exports ? TenantryMeters.metered(exports, registry) : bean;
                }
            };
        }
    }

    /** Tenantry's health as an Actuator health indicator, where Actuator's health support is on the class path. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(HealthIndicator.class)
    static class ActuatorHealth {

        /**
         * The {@code tenantry} indicator: UP when healthy, UP with {@code status: DEGRADED} in the details when
         * degraded (Actuator's aggregation knows no degraded state), DOWN when unhealthy; every check in the details.
         */
        @Bean
        @ConditionalOnMissingBean(name = "tenantryHealthIndicator")
        @ConditionalOnSingleCandidate(Health.class)
        HealthIndicator tenantryHealthIndicator(Health health) {
            return () -> {
                HealthReport report = health.report();
                org.springframework.boot.health.contributor.Health.Builder out =
                        report.status() == HealthStatus.UNHEALTHY
                                ? org.springframework.boot.health.contributor.Health.down()
                                : org.springframework.boot.health.contributor.Health.up();
                return out.withDetails(report.toMap()).build();
            };
        }
    }
}
