package dev.tenantry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class TenantIdTest {

    @ParameterizedTest
    @ValueSource(strings = {"a", "acme", "0", "acme-corp", "acme_corp", "9f1c2e4a-1b2c-4d5e-8f90-123456789abc",
        "65a1f0c2e4b0a1b2c3d4e5f6", "a23456789012345678901234567890123456789012345678"})
    void acceptsIdsWithinTheRule(String value) {
        assertEquals(value, TenantId.of(value).value());
        assertTrue(TenantId.isValid(value));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "Acme|upper-case 'A'",
        "acme.corp|'.'",
        "acme$|'$'",
        "acme corp|U+0020",
        "-acme|must start with",
        "_acme|must start with",
        "\u0430cme|U+0430",          // Cyrillic a, a look-alike
        "acme\uff0d|U+FF0D",         // full-width hyphen
        "a234567890123456789012345678901234567890123456789|at most 48 characters, was 49",
    })
    void rejectsIdsNamingTheRuleBroken(String value, String rule) {
        InvalidTenantIdException e = assertThrows(InvalidTenantIdException.class, () -> TenantId.of(value));
        assertTrue(e.getMessage().contains(rule), e.getMessage());
        assertFalse(TenantId.isValid(value));
    }

    @Test
    void rejectsNulNamingIt() {
        InvalidTenantIdException e = assertThrows(InvalidTenantIdException.class, () -> TenantId.of("acme\0"));
        assertTrue(e.getMessage().contains("U+0000") && e.getMessage().contains("\\u0000"), e.getMessage());
    }

    @Test
    void rejectsNullAndEmpty() {
        assertTrue(assertThrows(InvalidTenantIdException.class, () -> TenantId.of(null)).getMessage()
                .contains("null"));
        assertTrue(assertThrows(InvalidTenantIdException.class, () -> TenantId.of("")).getMessage()
                .contains("empty"));
    }

    @Test
    void nothingIsFoldedSoTwoSpellingsNeverNameOneTenant() {
        assertThrows(InvalidTenantIdException.class, () -> TenantId.of(" acme"));
        assertThrows(InvalidTenantIdException.class, () -> TenantId.of("ACME"));
        assertEquals(TenantId.of("acme"), new TenantId("acme"));
    }

    @Test
    void exceptionIsATenantryException() {
        assertTrue(TenantryException.class.isAssignableFrom(InvalidTenantIdException.class));
    }
}
