package dev.tenantry.examples.spring;

import dev.tenantry.TenantId;
import dev.tenantry.spring.autoconfigure.TenantryWebConfigCustomizer;
import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Who may call the API and for which organization: HTTP Basic against an in-memory user store, each user holding an
 * {@code ORG_<tenant>} authority for the organization they work for, and Tenantry's {@code tenantAccess} letting a
 * request act only for an organization its user holds. The tenant comes from the {@code X-Tenant-ID} header
 * ({@code tenantry.web.tenant-header}); a user naming another organization gets 404, as for one that does not exist.
 */
@Configuration(proxyBeanMethods = false)
public class SecurityConfig {

    /** The prefix of the authority that names an organization a user works for. */
    public static final String ORGANIZATION_AUTHORITY = "ORG_";

    /** Created by Spring. */
    public SecurityConfig() {
    }

    /**
     * The API needs a signed-in user; the index page does not. Stateless HTTP Basic, so no CSRF token is needed.
     *
     * @param http Spring Security's builder
     * @return the filter chain
     * @throws Exception as {@link HttpSecurity#build()} does
     */
    @Bean
    SecurityFilterChain security(HttpSecurity http) throws Exception {
        return http.authorizeHttpRequests(requests -> requests.requestMatchers("/", "/error").permitAll()
                        .anyRequest().authenticated())
                .httpBasic(Customizer.withDefaults())
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .csrf(csrf -> csrf.disable())
                .build();
    }

    /**
     * The demo users (known passwords: the app listens on the loopback interface only).
     *
     * @return alice of acme and bob of globex, password {@code demo}
     */
    @Bean
    InMemoryUserDetailsManager users() {
        return new InMemoryUserDetailsManager(
                User.withUsername("alice").password("{noop}demo").authorities(ORGANIZATION_AUTHORITY + "acme").build(),
                User.withUsername("bob").password("{noop}demo").authorities(ORGANIZATION_AUTHORITY + "globex").build());
    }

    /**
     * A request may act for an organization only if its user works for it; anonymous requests for none.
     *
     * @return the customizer of the starter's web configuration
     */
    @Bean
    TenantryWebConfigCustomizer ownOrganizationOnly() {
        return builder -> builder.tenantAccess(SecurityConfig::mayActFor);
    }

    static boolean mayActFor(HttpServletRequest request, TenantId tenant) {
        @Nullable Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        return authentication != null && authentication.isAuthenticated()
                && AuthorityUtils.authorityListToSet(authentication.getAuthorities())
                        .contains(ORGANIZATION_AUTHORITY + tenant.value());
    }
}
