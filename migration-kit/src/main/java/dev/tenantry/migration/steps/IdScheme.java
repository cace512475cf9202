package dev.tenantry.migration.steps;

import org.bson.BsonValue;
import org.bson.types.ObjectId;

/**
 * How a tenant-scoped copy of a shared document gets its {@code _id}: a pure function of the shared document's
 * {@code _id} and the tenant, so the copy made for (user, business) always has the same {@code _id}. That is what
 * makes {@link Split} idempotent (a rerun or a resumed batch upserts the same documents) and lets {@link Repoint}
 * compute a reference without looking it up. Split and Repoint of one migration must use the same scheme.
 *
 * <p>Implementations must be deterministic, thread-safe, and give different ids to different pairs.
 *
 * @since 0.1
 */
@FunctionalInterface
public interface IdScheme {

    /**
     * The {@code _id} of the copy of the document whose {@code _id} is {@code sourceId}, for {@code tenant}.
     *
     * @param sourceId the shared document's {@code _id} (e.g. a user's)
     * @param tenant the tenant value (e.g. a business's {@code _id})
     * @return the copy's {@code _id}, never null
     */
    BsonValue id(BsonValue sourceId, BsonValue tenant);

    /**
     * The default scheme: an {@link ObjectId} made of the first 12 bytes of the SHA-256 of the BSON encoding of
     * {@code {s: sourceId, t: tenant}}, with integral numbers (int32, int64, whole doubles) encoded as int64 so that
     * values the server treats as equal give one id. It is reproducible in any language with a BSON encoder; the
     * ObjectId's timestamp bytes carry no time. Collisions need about 2<sup>48</sup> pairs.
     *
     * @return the scheme, a stateless singleton
     */
    static IdScheme sha256() {
        return Sha256Ids.INSTANCE;
    }
}
