/**
 * A JUnit 5 fixture that hands tests a MongoDB, so one suite proves the same behaviour on every backend.
 *
 * <p>Annotate a test class with {@link dev.tenantry.testing.MongoTest}; ask for a
 * {@link com.mongodb.client.MongoDatabase} (fresh per test class), a {@link com.mongodb.client.MongoClient} or the
 * {@link dev.tenantry.testing.MongoBackend} as a parameter. The backend is chosen once per JVM:
 * <ol>
 *   <li>{@code -Dtenantry.mongo=testcontainers}: a real {@code mongo} image through Testcontainers; test classes are
 *       skipped with a message when Docker is absent;</li>
 *   <li>{@code MONGODB_URI} (or {@code -Dtenantry.mongo.uri}) set: that real server;</li>
 *   <li>otherwise the embedded, in-process {@code mongo-java-server} on a random loopback port.</li>
 * </ol>
 * A test that needs a feature some backend lacks says so with {@link dev.tenantry.testing.RequiresCapability} and is
 * skipped there with the reason, never deleted.
 *
 * <p>{@link dev.tenantry.testing.EmbeddedMongo} starts the embedded server on its own, and
 * {@link dev.tenantry.testing.LatencyProxy} puts a fixed delay per message in each direction in front of any server,
 * so that round trips cost what a network's do. {@code dev.tenantry.testing.seeds} holds sample datasets.
 *
 * @since 0.1
 */
@NullMarked
package dev.tenantry.testing;

import org.jspecify.annotations.NullMarked;
