package dev.tenantry.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The IDE metadata the configuration processor generates: every property there, each with a description. */
class ConfigurationMetadataTest {

    @Test
    void everyPropertyIsDescribed() throws Exception {
        JsonNode metadata;
        try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            assertThat(in).as("generated metadata").isNotNull();
            metadata = new ObjectMapper().readTree(in);
        }
        Map<String, String> described = new HashMap<>();
        for (JsonNode property : metadata.get("properties")) {
            described.put(property.get("name").asText(), property.path("description").asText(""));
        }
        assertThat(described).containsKeys("tenantry.collections", "tenantry.tenant-field", "tenantry.entity-indexes",
                "tenantry.audit.collections", "tenantry.audit.asynchronous", "tenantry.audit.record-system-scope",
                "tenantry.directory.enabled", "tenantry.rate-limit.plans", "tenantry.rate-limit.store",
                "tenantry.exports.enabled", "tenantry.sessions.idle-timeout", "tenantry.health.enabled",
                "tenantry.web.enabled", "tenantry.web.tenant-header");
        assertThat(described).allSatisfy((name, description) -> assertThat(description).as(name).isNotBlank());
    }
}
