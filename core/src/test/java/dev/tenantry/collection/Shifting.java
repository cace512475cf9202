package dev.tenantry.collection;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.bson.BsonDocument;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.bson.codecs.configuration.CodecRegistry;
import org.bson.conversions.Bson;

/**
 * Arguments that are not what they were when first read, for tests of "what is checked is what is sent": a {@code Bson}
 * that renders differently after its first rendering, a {@code BsonDocument} that reads differently after it is first
 * iterated, and a string that reads differently the second time. Each may also run a side effect the first time it is
 * read (a rendering that changes the caller's other arguments).
 */
final class Shifting {

    private Shifting() {
    }

    /**
     * A {@code Bson} that renders {@code first} the first time (after running {@code onFirst}, if any) and {@code
     * later} every later time, counting its renderings in {@code renders}.
     */
    static Bson bson(BsonDocument first, BsonDocument later, AtomicInteger renders, Runnable onFirst) {
        return new Bson() {
            @Override
            public <D> BsonDocument toBsonDocument(Class<D> documentClass, CodecRegistry registry) {
                if (renders.incrementAndGet() == 1) {
                    if (onFirst != null) {
                        onFirst.run();
                    }
                    return first.clone();
                }
                return later.clone();
            }
        };
    }

    /** As {@link #bson(BsonDocument, BsonDocument, AtomicInteger, Runnable)}, with a counter of its own. */
    static Bson bson(BsonDocument first, BsonDocument later) {
        return bson(first, later, new AtomicInteger(), null);
    }

    /** A {@code Bson} that renders as {@code doc} and, the first time, runs {@code onFirst}. */
    static Bson mutator(BsonDocument doc, Runnable onFirst) {
        return bson(doc, doc, new AtomicInteger(), onFirst);
    }

    /** A document that reads as {@code first} until it is first iterated (running {@code onFirst}), then as later. */
    static final class Document extends BsonDocument {
        private static final long serialVersionUID = 1L;
        private final transient BsonDocument first;
        private final transient BsonDocument later;
        private final transient AtomicInteger reads;
        private final transient Runnable onFirst;
        private transient boolean flipped;

        Document(BsonDocument first, BsonDocument later, AtomicInteger reads, Runnable onFirst) {
            this.first = first;
            this.later = later;
            this.reads = reads;
            this.onFirst = onFirst;
        }

        Document(BsonDocument first, BsonDocument later) {
            this(first, later, new AtomicInteger(), null);
        }

        private BsonDocument now() {
            return flipped ? later : first;
        }

        @Override
        public Set<Map.Entry<String, BsonValue>> entrySet() {
            Set<Map.Entry<String, BsonValue>> entries = new LinkedHashSet<>(now().entrySet());
            if (reads.incrementAndGet() == 1 && onFirst != null) {
                onFirst.run();
            }
            flipped = true;
            return entries;
        }

        @Override
        public Set<String> keySet() {
            return now().keySet();
        }

        @Override
        public Collection<BsonValue> values() {
            return now().values();
        }

        @Override
        public BsonValue get(Object key) {
            return now().get(key);
        }

        @Override
        public boolean containsKey(Object key) {
            return now().containsKey(key);
        }

        @Override
        public int size() {
            return now().size();
        }

        @Override
        public boolean isEmpty() {
            return now().isEmpty();
        }

        /** Both readings get what is put (the driver puts a generated {@code _id}). */
        @Override
        public BsonValue put(String key, BsonValue value) {
            later.put(key, value);
            return first.put(key, value);
        }

        @Override
        public boolean equals(Object o) {
            return this == o;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(this);
        }
    }

    /** A string that reads as its value once, then as {@code later}. */
    static final class FlippingString extends BsonString {
        private static final long serialVersionUID = 1L;
        private final transient AtomicInteger reads = new AtomicInteger();
        private final String later;

        FlippingString(String value, String later) {
            super(value);
            this.later = later;
        }

        @Override
        public String getValue() {
            return reads.getAndIncrement() == 0 ? super.getValue() : later;
        }
    }
}
