package dev.meridian.auth.sessions;

/**
 * A record that no retry can make readable (malformed JSON, missing attributes): it goes straight to the dead-letter
 * topic instead of holding up its partition.
 */
class UnreadableEvent extends RuntimeException {

    UnreadableEvent(String message) {
        super(message);
    }
}
