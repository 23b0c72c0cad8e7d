package dev.meridian.testkit;

/**
 * A server the tests need could not be had: a configured endpoint is malformed or does not answer, or an
 * embedded server failed to start. The message names the setting and the address, so it can be fixed
 * without reading a stack trace.
 */
public class InfrastructureUnavailableException extends RuntimeException {

    public InfrastructureUnavailableException(String message) {
        super(message);
    }

    public InfrastructureUnavailableException(String message, Throwable cause) {
        super(message + ": " + rootMessage(cause), cause);
    }

    private static String rootMessage(Throwable cause) {
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
    }
}
