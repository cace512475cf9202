/**
 * Spring Boot auto-configuration of Tenantry from {@code tenantry.*} properties.
 *
 * @since 0.1
 */
@NullMarked
package dev.tenantry.spring.autoconfigure;

import org.jspecify.annotations.NullMarked;
