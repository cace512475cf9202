/**
 * Helpers every area of core shares: argument checks and the classification of MongoDB errors. Not API.
 */
@NullMarked
package dev.tenantry.internal;

import org.jspecify.annotations.NullMarked;
