package dev.tenantry.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bson.BsonDocument;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A JVM that exits with an audit entry queued and MongoDB down: its shutdown is bounded by the trail's close timeout,
 * the entry is kept in the dead-letter file, and the JVM says so on the way out.
 */
class AuditShutdownIT {

    @Test
    void shutdownIsBoundedAndReportsWhatItCouldNotWrite(@TempDir Path dir) throws Exception {
        Path deadLetters = dir.resolve("dead-letters.ndjson");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process process = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                AuditShutdownMain.class.getName(), deadLetters.toString(), "1000").redirectErrorStream(true).start();
        boolean exited = process.waitFor(60, TimeUnit.SECONDS);
        if (!exited) {
            process.destroyForcibly();
        }
        String output;
        try (InputStream in = process.getInputStream()) {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(exited, "the JVM did not exit within 60 s of System.exit; output:\n" + output);
        assertEquals(0, process.exitValue(), output);
        assertTrue(output.contains("1 entries not written at shutdown"), output);
        List<String> kept = Files.readAllLines(deadLetters);
        assertEquals(1, kept.size(), output);
        BsonDocument entry = BsonDocument.parse(kept.get(0));
        assertEquals("queued-at-exit", entry.getString("targetId").getValue());
        assertEquals("LOGIN", entry.getString("action").getValue());
        assertEquals("acme", entry.getString("tenantId").getValue());
    }
}
