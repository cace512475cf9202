package dev.tenantry.testing;

/**
 * A server feature that some test backends lack.
 *
 * <p>The embedded {@code mongo-java-server} is a fake: it speaks the wire protocol but implements a subset of the
 * server. Each constant names one gap, so a test can say what it needs and be skipped, with the reason, where that is
 * missing.
 *
 * <p>Immutable and thread-safe.
 *
 * @since 0.1
 */
public enum Capability {
    /** Multi-document transactions (real replica sets and sharded clusters). */
    TRANSACTIONS("multi-document transactions"),
    /**
     * Client sessions ({@code ClientSession}): every real server, standalone ones included; the embedded fake
     * announces them and ignores the session ids (no causal consistency, no transactions).
     */
    SESSIONS("client sessions"),
    /** Updates given as an aggregation pipeline. */
    UPDATE_PIPELINES("update pipelines"),
    /** The {@code $unionWith} stage. */
    UNION_WITH("the $unionWith stage"),
    /** The {@code $geoNear} stage. */
    GEO_NEAR("the $geoNear stage"),
    /** The {@code $replaceWith} stage. */
    REPLACE_WITH("the $replaceWith stage"),
    /** The {@code $set} stage (alias of {@code $addFields}). */
    SET_STAGE("the $set stage"),
    /** The {@code $setWindowFields} stage. */
    SET_WINDOW_FIELDS("the $setWindowFields stage"),
    /** The {@code $densify} stage. */
    DENSIFY("the $densify stage"),
    /** {@code restrictSearchWithMatch} in {@code $graphLookup}. */
    GRAPH_LOOKUP_RESTRICT("$graphLookup's restrictSearchWithMatch"),
    /** {@code $lookup} with {@code localField}/{@code foreignField} and a {@code pipeline} together (MongoDB 5.0+). */
    CONCISE_LOOKUP("$lookup with localField/foreignField and a pipeline together"),
    /** Collation-aware string comparison. */
    COLLATION("collations"),
    /** The {@code $jsonSchema} operator and schema validators. */
    JSON_SCHEMA("$jsonSchema and schema validators"),
    /** The {@code collMod} command. */
    COLL_MOD("the collMod command"),
    /** The {@code hello} command. */
    HELLO("the hello command"),
    /** The {@code explain} command. */
    EXPLAIN("explain"),
    /** Change streams ({@code watch}). */
    CHANGE_STREAMS("change streams"),
    /** Documents actually expiring through a TTL index. */
    TTL_EXPIRY("TTL expiry"),
    /** Unique indexes that honour {@code partialFilterExpression}. */
    PARTIAL_UNIQUE_INDEXES("partial unique indexes"),
    /**
     * Binary values of different subtypes (generic, UUID, ...) sorted and compared as one type, by length, subtype
     * and bytes, as MongoDB does ({@code $gt} on a generic binary also matches UUIDs).
     */
    BINARY_SUBTYPE_ORDER("binary values of mixed subtypes sorted and compared as one BSON type");

    private final String description;

    Capability(String description) {
        this.description = description;
    }

    /** What the feature is, in words for a skip message. */
    public String description() {
        return description;
    }
}
