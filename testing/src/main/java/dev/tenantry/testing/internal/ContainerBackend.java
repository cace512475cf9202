package dev.tenantry.testing.internal;

import com.mongodb.ConnectionString;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.mongodb.MongoDBContainer;

/** A real {@code mongo} image run through Testcontainers, as a single-node replica set. */
final class ContainerBackend {

    /** Image used unless {@code -Dtenantry.mongo.image} names another. */
    static final String DEFAULT_IMAGE = "mongo:7.0";

    private ContainerBackend() {
    }

    static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    static AbstractBackend start() {
        MongoDBContainer container = new MongoDBContainer(System.getProperty("tenantry.mongo.image", DEFAULT_IMAGE));
        container.start();
        ConnectionString cs = new ConnectionString(container.getReplicaSetUrl());
        return new Backends.ServerBackend("testcontainers", cs, Backends.detect(cs), container::stop);
    }
}
