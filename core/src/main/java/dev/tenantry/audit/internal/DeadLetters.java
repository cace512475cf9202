package dev.tenantry.audit.internal;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoBulkWriteException;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.InsertManyOptions;
import dev.tenantry.audit.AuditEntry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bson.BsonDateTime;
import org.bson.BsonDocument;
import org.bson.BsonString;
import org.bson.json.JsonMode;
import org.bson.json.JsonWriterSettings;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where audit entries go that cannot be written to the log: entries MongoDB refused for good, and entries still
 * unwritten when a {@code close} deadline passed. Each is kept whole (its id, tenant, time and event, as the log
 * would store it without its place in the chain) with the reason, in the dead-letter collection, or in a file when
 * one is configured; if that fails too, each entry is logged at ERROR as one line of JSON, so it is never silently
 * gone. Thread-safe; {@link #put} never throws.
 */
final class DeadLetters implements DeadLetterSink {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);
    private static final JsonWriterSettings JSON = JsonWriterSettings.builder().outputMode(JsonMode.RELAXED).build();

    /** The longest a put may spend on the collection before it falls back to the log. */
    static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final MongoCollection<BsonDocument> collection;
    private final @Nullable Path file;
    private final AuditCodec codec;
    private final Clock clock;

    DeadLetters(MongoCollection<BsonDocument> collection, @Nullable Path file, AuditCodec codec, Clock clock) {
        this.collection = collection.withTimeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        this.file = file;
        this.codec = codec;
        this.clock = clock;
    }

    @Override
    public String place() {
        return file != null ? "file " + file : "collection " + collection.getNamespace();
    }

    @Override
    public String put(List<AuditStore.Pending> entries, String reason) {
        if (entries.isEmpty()) {
            return place();
        }
        List<BsonDocument> docs = new ArrayList<>(entries.size());
        for (AuditStore.Pending p : entries) {
            docs.add(document(p, reason));
        }
        try {
            if (file != null) {
                append(file, docs);
            } else {
                insert(docs);
            }
            LOG.error("{} audit entries could not be written to the log ({}); kept in the dead-letter {}",
                    entries.size(), reason, place());
            return place();
        } catch (IOException | RuntimeException e) { // a closed client, an outage, a full disk: the log then
            for (BsonDocument doc : docs) {
                LOG.error("audit entry not written ({}), and the dead-letter {} failed too ({}): {}", reason, place(),
                        e.toString(), doc.toJson(JSON));
            }
            return "log";
        }
    }

    /** The entry as the log would store it, without a place in the chain, with why it is here. */
    private BsonDocument document(AuditStore.Pending p, String reason) {
        BsonDocument doc = codec.toDocument(new AuditEntry(p.id(), AuditEntry.FORMAT_VERSION, p.tenant(), 0,
                AuditCodec.GENESIS, AuditCodec.GENESIS, p.time(), p.event()));
        doc.remove("seq");
        doc.remove("prev");
        doc.remove("hash");
        return doc.append("deadLetterReason", new BsonString(reason))
                .append("deadLetteredAt", new BsonDateTime(clock.millis()));
    }

    private void insert(List<BsonDocument> docs) {
        try {
            collection.insertMany(docs, new InsertManyOptions().ordered(false));
        } catch (MongoBulkWriteException e) {
            for (BulkWriteError error : e.getWriteErrors()) {
                if (ErrorCategory.fromErrorCode(error.getCode()) != ErrorCategory.DUPLICATE_KEY) {
                    throw e;
                }
            }
            // already kept by an earlier put (the same entry, by id): nothing is lost
        }
    }

    private static void append(Path file, List<BsonDocument> docs) throws IOException {
        StringBuilder lines = new StringBuilder();
        for (BsonDocument doc : docs) {
            lines.append(doc.toJson(JSON)).append('\n');
        }
        synchronized (DeadLetters.class) {
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND)) {
                ByteBuffer bytes = ByteBuffer.wrap(lines.toString().getBytes(StandardCharsets.UTF_8));
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
                channel.force(true);
            }
        }
    }
}
