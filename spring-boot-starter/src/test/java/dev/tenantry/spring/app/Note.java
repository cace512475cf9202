package dev.tenantry.spring.app;

import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.index.Indexed;

/** A document of the test application; one subclass per isolation strategy. */
public abstract class Note {
    @Id
    private String id;
    @Indexed
    private String owner;
    private String title;
    private int size;

    protected Note() {
    }

    protected Note(String owner, String title, int size) {
        this.owner = owner;
        this.title = title;
        this.size = size;
    }

    public String getId() {
        return id;
    }

    public void setId(String id) {
        this.id = id;
    }

    public String getOwner() {
        return owner;
    }

    public void setOwner(String owner) {
        this.owner = owner;
    }

    public String getTitle() {
        return title;
    }

    public void setTitle(String title) {
        this.title = title;
    }

    public int getSize() {
        return size;
    }

    public void setSize(int size) {
        this.size = size;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "{" + id + ", " + owner + ", " + title + "}";
    }
}
