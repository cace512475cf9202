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
     * tenantry.web.tenant-header} header. The header is the caller's to choose, so with it the configuration needs a
     * {@code tenantAccess} check (set by a {@link TenantryWebConfigCustomizer}) that says which tenants the signed-in
     * caller may name, or {@code tenantry.web.allow-unchecked-tenant-header=true} where callers cannot set the header
     * (a gateway sets it); otherwise any authenticated user could act for any tenant, and the application does not
     * start. Tenant resolvers the application defines are its own decision.
     *
     * @throws IllegalStateException if the combination is invalid, or the tenant header is unchecked (the message says
     *                               which setting)
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
        TenantryWebConfig config = builder.build();
        if (resolvers.isEmpty() && !config.checksTenantAccess()) {
            if (!web.isAllowUncheckedTenantHeader()) {
                throw new IllegalStateException("Tenantry takes the tenant from request header '"
                        + web.getTenantHeader() + "' and nothing checks which tenants a caller may name, so any "
                        + "authenticated user could act for any tenant. Define a TenantryWebConfigCustomizer bean that "
                        + "sets tenantAccess (e.g. whether the signed-in user belongs to the tenant), or TenantResolver "
                        + "beans that take the tenant from what the caller cannot choose, or set "
                        + "tenantry.web.allow-unchecked-tenant-header=true if a gateway in front sets the header");
            }
            LOG.warn("Tenantry takes the tenant from request header '{}' with no tenantAccess check "
                    + "(tenantry.web.allow-unchecked-tenant-header=true): callers must not be able to set it",
                    web.getTenantHeader());
        }
        return config;
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
