/**
 * Spring Data MongoDB scoped by Tenantry: {@link dev.tenantry.spring.TenantMongoDatabaseFactory} hands Spring Data a
 * database whose registered collections are tenant-scoped by Tenantry core.
 *
 * @since 0.1
 */
@NullMarked
package dev.tenantry.spring;

import org.jspecify.annotations.NullMarked;
