/** The booking example as a Spring Boot application on the Tenantry starter. */
package dev.tenantry.examples.spring;
