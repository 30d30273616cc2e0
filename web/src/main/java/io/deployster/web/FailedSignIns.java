package io.deployster.web;

/**
 * Slows down token guessing on the page: the count of failed authentications per client address that
 * the gateway keeps for its API, so a guess on the page and a guess on the API count alike.
 */
public interface FailedSignIns {
    /** Seconds until {@code address} may try a token again; 0 when it may now. */
    long secondsBlocked(String address);

    /** Counts a wrong token sent from {@code address}. */
    void record(String address);
}
