package io.dataflux.enrich;

/**
 * A record that can never be processed, whatever the retries: it goes to the dead letter with its reason and is
 * acknowledged. Outages and other transient failures must never be reported with this exception.
 */
public class RejectedRecordException extends RuntimeException {

    private final RejectReason reason;
    private final String field;

    public RejectedRecordException(RejectReason reason, String field, String message) {
        super(message);
        this.reason = reason;
        this.field = field;
    }

    public RejectedRecordException(RejectReason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
        this.field = null;
    }

    public RejectReason reason() {
        return reason;
    }

    /** The field at fault, or null when the record as a whole is. */
    public String field() {
        return field;
    }
}
