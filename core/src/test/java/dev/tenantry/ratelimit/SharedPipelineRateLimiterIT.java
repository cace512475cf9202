package dev.tenantry.ratelimit;

import com.mongodb.client.MongoDatabase;
import dev.tenantry.ratelimit.internal.MongoStore;
import dev.tenantry.testing.Capability;
import dev.tenantry.testing.MongoBackend;
import dev.tenantry.testing.RequiresCapability;

/**
 * Every shared-store test again, with decisions written as server-side update pipelines. Needs a server that runs
 * them (MongoDB 4.2 and later); the embedded test server does not, so there this class is skipped and {@code
 * DecisionPipelineIT} checks the pipeline's arithmetic as an aggregation instead.
 */
@RequiresCapability(Capability.UPDATE_PIPELINES)
class SharedPipelineRateLimiterIT extends SharedRateLimiterIT {

    SharedPipelineRateLimiterIT(MongoBackend backend, MongoDatabase database) {
        super(backend, database);
    }

    @Override
    MongoStore.Mode mode() {
        return MongoStore.Mode.PIPELINE;
    }

    @Override
    String admittedCommand() {
        return "findAndModify"; // the pipeline, refilling and taking on the server
    }
}
