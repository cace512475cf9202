package dev.tenantry.migration.steps;

import dev.tenantry.migration.internal.BsonValues;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Objects;
import org.bson.BsonDocument;
import org.bson.BsonObjectId;
import org.bson.BsonValue;
import org.bson.RawBsonDocument;
import org.bson.codecs.BsonDocumentCodec;
import org.bson.types.ObjectId;

/** {@link IdScheme#sha256()}. */
final class Sha256Ids implements IdScheme {

    static final Sha256Ids INSTANCE = new Sha256Ids();

    private Sha256Ids() {
    }

    @Override
    public BsonValue id(BsonValue sourceId, BsonValue tenant) {
        Objects.requireNonNull(sourceId, "sourceId");
        Objects.requireNonNull(tenant, "tenant");
        BsonDocument pair = new BsonDocument("s", BsonValues.normal(sourceId)).append("t", BsonValues.normal(tenant));
        ByteBuffer bytes = new RawBsonDocument(pair, new BsonDocumentCodec()).getByteBuffer().asNIO();
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
        sha.update(bytes);
        return new BsonObjectId(new ObjectId(Arrays.copyOf(sha.digest(), 12)));
    }

    @Override
    public String toString() {
        return "IdScheme.sha256()";
    }
}
