package dev.tenantry.migration.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

class DurationConverterTest {

    @Test
    void readsTheUnitsPeopleWrite() {
        assertEquals(Duration.ofMillis(500), DurationConverter.parse("500ms"));
        assertEquals(Duration.ofSeconds(10), DurationConverter.parse("10s"));
        assertEquals(Duration.ofSeconds(10), DurationConverter.parse("10"));
        assertEquals(Duration.ofMinutes(2), DurationConverter.parse("2m"));
        assertEquals(Duration.ofHours(1), DurationConverter.parse("1H"));
        assertEquals(Duration.ofSeconds(90), DurationConverter.parse("PT1M30S"));
    }

    @Test
    void rejectsWhatIsNoDurationNamingTheValue() {
        for (String bad : new String[] {"", "soon", "-5s", "10 parsecs", "PT-1S", "1.5s"}) {
            TypeConversionException e = assertThrows(TypeConversionException.class,
                    () -> DurationConverter.parse(bad), bad);
            assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
        }
    }

    @Test
    void formatsShort() {
        assertEquals("500ms", DurationConverter.format(Duration.ofMillis(500)));
        assertEquals("1.2s", DurationConverter.format(Duration.ofMillis(1_234)));
        assertEquals("10s", DurationConverter.format(Duration.ofSeconds(10)));
        assertEquals("2m", DurationConverter.format(Duration.ofMinutes(2)));
        assertEquals("1m30s", DurationConverter.format(Duration.ofSeconds(90)));
        assertEquals("1h01m01s", DurationConverter.format(Duration.ofSeconds(3_661)));
    }
}
