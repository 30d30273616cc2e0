package io.deployster.cli;

/** An address to listen on, given as HOST:PORT ([::1]:PORT for IPv6). */
record HostPort(String host, int port) {

    /** @throws IllegalArgumentException naming the option, the value and what is allowed */
    static HostPort parse(String option, String value) {
        int colon = value.lastIndexOf(':');
        String host = colon <= 0 ? "" : value.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port = -1;
        try {
            port = colon < 0 ? -1 : Integer.parseInt(value.substring(colon + 1));
        } catch (NumberFormatException e) {
            // reported below
        }
        if (host.isEmpty() || port < 0 || port > 65535) {
            throw new IllegalArgumentException(option + " '" + value + "' is not allowed; use HOST:PORT with a port from 0 to 65535, "
                    + "e.g. 127.0.0.1:9464 or 0.0.0.0:9464");
        }
        return new HostPort(host, port);
    }
}
