package dev.tenantry.spring.app;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.data.mongodb.repository.config.EnableMongoRepositories;

/** The test application: Spring Boot's auto-configuration, Tenantry's starter, the note repositories. */
@SpringBootConfiguration
@EnableAutoConfiguration
@EnableMongoRepositories(basePackageClasses = TestApp.class)
public class TestApp {
}
