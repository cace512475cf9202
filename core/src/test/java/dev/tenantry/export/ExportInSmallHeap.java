package dev.tenantry.export;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import dev.tenantry.ExportFormat;
import dev.tenantry.TenantId;
import dev.tenantry.Tenants;
import dev.tenantry.collection.IsolationStrategy;
import dev.tenantry.collection.TenantDatabase;
import java.nio.file.Path;

/**
 * The exporting side of {@link LargeExportIT}, run in its own JVM with a small heap: exports tenant {@code big} of
 * collection {@code items} in every format into files of {@code <dir>/big.<extension>}.
 *
 * <p>Arguments: connection string, database name, output directory.
 */
public final class ExportInSmallHeap {

    private ExportInSmallHeap() {
    }

    /** Runs the exports; exits non-zero (with the stack trace) if any fails. */
    public static void main(String[] args) {
        try (MongoClient client = MongoClients.create(args[0])) {
            TenantDatabase db = TenantDatabase.builder(client, args[1])
                    .collection("items", IsolationStrategy.SHARED).build();
            DataExports exports = DataExports.builder(client, args[1], db).build();
            Tenants.run(TenantId.of("big"), () -> {
                for (ExportFormat format : ExportFormat.values()) {
                    DataExport request = exports.request(ExportScope.tenant(), format, "large-export-test");
                    DataExport done = exports.run(request.id(), ExportSink.file(Path.of(args[2],
                            "big." + format.extension())));
                    System.out.println(format + " " + done.status() + " " + done.counts() + " " + done.bytes()
                            + " bytes, max heap " + Runtime.getRuntime().maxMemory() / (1 << 20) + " MB");
                }
            });
        }
    }
}
