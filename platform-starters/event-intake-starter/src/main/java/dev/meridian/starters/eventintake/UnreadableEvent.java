package dev.meridian.starters.eventintake;

/**
 * A record that no retry can make readable (malformed JSON, missing attributes, an event type or version this build
 * does not know): it goes straight to the dead-letter topic instead of holding up its partition.
 */
public class UnreadableEvent extends RuntimeException {

    public UnreadableEvent(String message) {
        super(message);
    }
}
