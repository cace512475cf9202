package dev.tenantry;

/**
 * A machine-readable format for exported records.
 *
 * <p>Immutable and thread-safe.
 *
 * @since 0.1
 */
public enum ExportFormat {
    /** One JSON array of objects. */
    JSON("application/json", "json"),
    /** One JSON object per line (newline-delimited JSON). */
    NDJSON("application/x-ndjson", "ndjson"),
    /** Comma-separated values with a header row; cells a spreadsheet would run as formulas are escaped. */
    CSV("text/csv", "csv");

    private final String mediaType;
    private final String extension;

    ExportFormat(String mediaType, String extension) {
        this.mediaType = mediaType;
        this.extension = extension;
    }

    /** The media type to serve it with. */
    public String mediaType() {
        return mediaType;
    }

    /** The usual file extension, without the dot. */
    public String extension() {
        return extension;
    }
}
