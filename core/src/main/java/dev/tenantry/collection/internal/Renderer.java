package dev.tenantry.collection.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.bson.BsonDocument;
import org.bson.codecs.configuration.CodecRegistry;
import org.bson.conversions.Bson;
import org.jspecify.annotations.Nullable;

/**
 * Renders a collection's caller-supplied {@link Bson} arguments once, as the driver would (with the collection's
 * document class and codec registry), into private plain copies ({@link PlainBson}). Immutable and thread-safe.
 */
final class Renderer {

    private final Class<?> documentClass;
    private final CodecRegistry registry;

    Renderer(Class<?> documentClass, CodecRegistry registry) {
        this.documentClass = documentClass;
        this.registry = registry;
    }

    CodecRegistry registry() {
        return registry;
    }

    /** {@code bson} rendered once into a private copy. */
    BsonDocument render(Bson bson) {
        return PlainBson.render(bson, documentClass, registry);
    }

    /** As {@link #render(Bson)}; null stays null. */
    @Nullable BsonDocument renderOrNull(@Nullable Bson bson) {
        return bson == null ? null : render(bson);
    }

    /**
     * Each of {@code list} rendered once, into a new list; the caller's list is iterated once.
     *
     * @throws NullPointerException naming {@code what} if the list or an element is null
     */
    List<BsonDocument> renderAll(List<? extends Bson> list, String what) {
        Objects.requireNonNull(list, what);
        List<BsonDocument> out = new ArrayList<>(list.size());
        for (Bson element : list) {
            if (element == null) {
                throw new NullPointerException(what + " must not contain null");
            }
            out.add(render(element));
        }
        return out;
    }

    /** As {@link #renderAll}; null stays null. */
    @Nullable List<BsonDocument> renderAllOrNull(@Nullable List<? extends Bson> list, String what) {
        return list == null ? null : renderAll(list, what);
    }
}
