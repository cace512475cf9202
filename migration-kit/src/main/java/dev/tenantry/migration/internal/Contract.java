package dev.tenantry.migration.internal;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * What a method's result says about its arguments, in JetBrains' contract notation (e.g. {@code "null -> true"}), for
 * NullAway: after {@code if (!BsonValues.isNull(v))}, {@code v} is known not to be null.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Contract {

    /** The contract, such as {@code "null -> true"}. */
    String value();
}
