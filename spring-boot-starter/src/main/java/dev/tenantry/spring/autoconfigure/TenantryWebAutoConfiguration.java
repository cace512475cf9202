package dev.tenantry.spring.autoconfigure;

import dev.tenantry.audit.AuditTrail;
import dev.tenantry.directory.TenantDirectory;
import dev.tenantry.export.DataExports;
import dev.tenantry.health.Health;
import dev.tenantry.ratelimit.RateLimiter;
import dev.tenantry.servlet.ActorResolver;
import dev.tenantry.servlet.TenantResolver;
import dev.tenantry.servlet.TenantryServlet;
import dev.tenantry.servlet.TenantryWebConfig;
import dev.tenantry.session.UserSessions;
import jakarta.servlet.ServletContext;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.ServletContextInitializer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * Auto-configuration of {@code tenantry-servlet} in a Spring Boot servlet application ({@code
 * tenantry.web.enabled=true}): a {@link TenantryWebConfig} from {@code tenantry.web.*} properties, the Tenantry beans
 * there are (rate limiter, tenant directory, audit trail, health, exports, sessions) and {@link
 * TenantryWebConfigCustomizer}s, installed by a {@link ServletContextInitializer} that runs first: the front filter
 * (request id, security headers, problem responses) then comes before every filter Spring registers, Spring
 * Security's included, and the request-context, tenant and rate-limit filters after all of them, so authentication
 * has run and the actor is known. With Spring Security on the class path the actor is the name of the {@link
 * Authentication} (anonymous ones excepted).
 *
 * @since 0.1
 */
@AutoConfiguration(after = TenantryAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({TenantryServlet.class, ServletContext.class})
@ConditionalOnBooleanProperty("tenantry.web.enabled")
public final class TenantryWebAutoConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(TenantryWebAutoConfiguration.class);

    /** Created by Spring. */
    public TenantryWebAutoConfiguration() {
    }

    /**
     * The web configuration: tenants resolved by the application's {@link TenantResolver} beans, else the {@code
     * tenantry.web.tenant-header} header; with the header and no customizer (none can have set {@code tenantAccess})
     * a warning says that any authenticated user can act for any tenant.
     *
     * @throws IllegalStateException if the combination is invalid (the message says which setting)
     */
    @Bean
    @ConditionalOnMissingBean
    public TenantryWebConfig tenantryWebConfig(TenantryProperties properties,
                                               ObjectProvider<TenantResolver> tenantResolvers,
                                               ObjectProvider<ActorResolver> actorResolver,
                                               ObjectProvider<RateLimiter> rateLimiter,
                                               ObjectProvider<TenantDirectory> directory,
                                               ObjectProvider<AuditTrail> auditTrail,
                                               ObjectProvider<Health> health,
                                               ObjectProvider<DataExports> dataExports,
                                               ObjectProvider<UserSessions> userSessions,
                                               ObjectProvider<TenantryWebConfigCustomizer> customizers) {
        TenantryProperties.Web web = properties.getWeb();
        TenantryWebConfig.Builder builder = TenantryWebConfig.builder();
        List<TenantResolver> resolvers = tenantResolvers.orderedStream().toList();
        builder.tenantResolvers(resolvers.isEmpty() ? new TenantResolver[] {TenantResolver.header(
                web.getTenantHeader())} : resolvers.toArray(TenantResolver[]::new));
        if (!web.getTenantOptional().isEmpty()) {
            builder.tenantOptional(web.getTenantOptional().toArray(String[]::new));
        }
        if (!web.getUrlPatterns().isEmpty()) {
            builder.urlPatterns(web.getUrlPatterns().toArray(String[]::new));
        }
        if (!web.getTrustedProxies().isEmpty()) {
            builder.trustedProxies(web.getTrustedProxies().toArray(String[]::new));
        }
        if (!web.getRateLimitExempt().isEmpty()) {
            builder.rateLimitExempt(web.getRateLimitExempt().toArray(String[]::new));
        }
        ActorResolver actor = actorResolver.getIfAvailable();
        if (actor != null) {
            builder.actorResolver(actor);
        }
        rateLimiter.ifAvailable(builder::rateLimiter);
        directory.ifAvailable(builder::tenantDirectory);
        auditTrail.ifAvailable(builder::auditTrail);
        health.ifAvailable(builder::health);
        dataExports.ifAvailable(builder::dataExports);
        userSessions.ifAvailable(builder::userSessions);
        List<TenantryWebConfigCustomizer> adjusting = customizers.orderedStream().toList();
        adjusting.forEach(customizer -> customizer.customize(builder));
        if (resolvers.isEmpty() && adjusting.isEmpty()) {
            LOG.warn("Tenantry takes the tenant from header {} and nothing limits which tenants a caller may name: "
                    + "any authenticated user can act for any tenant. Set tenantAccess in a "
                    + "TenantryWebConfigCustomizer bean", web.getTenantHeader());
        }
        return builder.build();
    }

    /** Installs the filters and endpoints first of all initializers (see the class documentation for the order). */
    @Bean
    public ServletContextInitializer tenantryServletInitializer(TenantryWebConfig config) {
        return new Installer(config);
    }

    /**
     * Installs Tenantry before every other initializer: Spring Boot orders initializers by the instances' order, so
     * the order is the initializer's own.
     */
    private record Installer(TenantryWebConfig config) implements ServletContextInitializer, Ordered {
        @Override
        public void onStartup(ServletContext context) {
            TenantryServlet.install(context, config);
        }

        @Override
        public int getOrder() {
            return Ordered.HIGHEST_PRECEDENCE;
        }
    }

    /** The actor from Spring Security, where it is on the class path. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(SecurityContextHolder.class)
    static class SpringSecurityActor {

        @Bean
        @ConditionalOnMissingBean
        ActorResolver springSecurityActorResolver() {
            return request -> {
                Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
                if (authentication == null || !authentication.isAuthenticated()
                        || authentication instanceof AnonymousAuthenticationToken) {
                    return null;
                }
                return authentication.getName();
            };
        }
    }
}
