package io.deployster.gateway;

/** A gateway config that cannot be used; the message names the key, the value and what is allowed. */
public class GatewayConfigException extends IllegalArgumentException {
    public GatewayConfigException(String message) {
        super(message);
    }
}
