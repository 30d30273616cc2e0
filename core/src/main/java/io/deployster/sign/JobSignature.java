package io.deployster.sign;

/**
 * What proves a job came from a holder of a key: HMAC-SHA256 over the job id, the signing time, the
 * key id and the spec JSON exactly as queued (see docs/security.md).
 *
 * @param issuedAt epoch milliseconds when the producer signed
 * @param mac lower-case hex
 */
public record JobSignature(String keyId, long issuedAt, String mac) {
}
