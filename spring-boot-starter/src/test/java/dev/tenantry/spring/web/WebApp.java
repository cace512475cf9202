package dev.tenantry.spring.web;

import dev.tenantry.Tenants;
import dev.tenantry.servlet.TenantryServlet;
import dev.tenantry.spring.autoconfigure.TenantryWebConfigCustomizer;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** A servlet application with Spring Security (HTTP basic) and Tenantry's filters. */
@SpringBootConfiguration
@EnableAutoConfiguration
public class WebApp {

    @Bean
    SecurityFilterChain security(HttpSecurity http) throws Exception {
        return http.authorizeHttpRequests(requests -> requests.anyRequest().authenticated())
                .httpBasic(Customizer.withDefaults()).csrf(csrf -> csrf.disable()).build();
    }

    @Bean
    InMemoryUserDetailsManager users() {
        return new InMemoryUserDetailsManager(User.withUsername("alice").password("{noop}secret").roles("USER")
                .build());
    }

    /** Alice may act for acme only. */
    @Bean
    TenantryWebConfigCustomizer onlyHerTenants() {
        return builder -> builder.tenantAccess((request, tenant) -> "alice".equals(TenantryServlet.actorOf(request)
                .orElse(null)) && tenant.value().equals("acme"));
    }

    /** Answers the tenant and the actor the filters found (registered as a member of this configuration). */
    @RestController
    static class WhoAmI {
        @GetMapping("/whoami")
        String whoami(HttpServletRequest request) {
            return Tenants.current() + " " + TenantryServlet.actorOf(request).orElse("-");
        }
    }
}
