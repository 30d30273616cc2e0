package io.deployster.sign;

/** A job the worker refuses to run: unsigned, forged, expired, replayed or outside its policy. */
public class RejectedJobException extends Exception {
    public RejectedJobException(String reason) {
        super(reason);
    }
}
