package io.deployster.callback;

/** A callback that is not sent at all: its URL, host or address is not allowed; the message says why and what to change. */
public final class CallbackRefusedException extends Exception {
    public CallbackRefusedException(String message) {
        super(message);
    }
}
