package io.deployster.secret;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The texts a secret value turns into when programs print it: escaped for JSON, Python, shell or a
 * URL, or base64-encoded. A masker that only looked for the value as given would let
 * {@code json.dumps}, Ansible's {@code debug: var=}, {@code printf %q} or {@code curl -v} show it.
 * Multi-line values (keys, certificates) also yield each of their lines, since programs print them
 * one line at a time. docs/security.md lists what is covered and what is not.
 */
public final class SecretForms {
    private SecretForms() {
    }

    /**
     * @param minLength forms (and lines of multi-line values) shorter than this are left out
     * @return the value itself first, then every distinct other form
     */
    public static Set<String> of(String value, int minLength) {
        Set<String> forms = new LinkedHashSet<>();
        addWithEncodings(forms, value);
        if (value.indexOf('\n') >= 0) {
            for (String line : value.split("\r?\n")) {
                addWithEncodings(forms, line);
            }
        }
        forms.removeIf(f -> f.length() < Math.max(1, minLength));
        return forms;
    }

    private static void addWithEncodings(Set<String> forms, String v) {
        if (v.isEmpty()) {
            return;
        }
        forms.add(v);
        forms.add(jsonEscaped(v, false));
        forms.add(jsonEscaped(v, true));
        // JSON inside JSON: Ansible's debug of a to_json result, a JSON document logged as a JSON string
        forms.add(jsonEscaped(jsonEscaped(v, false), false));
        forms.add(jsonEscaped(jsonEscaped(v, true), true));
        forms.add(pythonEscaped(v, '\''));
        forms.add(pythonEscaped(v, '"'));
        forms.add(pythonEscaped(v, (char) 0));
        forms.add(v.replace("'", "'\\''"));
        forms.add(v.replace("'", "'\"'\"'"));
        forms.add(backslashEscaped(v));
        forms.add(doubleQuoteShellEscaped(v));
        for (String safe : URL_SAFE) {
            for (boolean plus : new boolean[] {true, false}) {
                forms.add(percentEncoded(v, safe, plus, false));
                forms.add(percentEncoded(v, safe, plus, true));
            }
        }
        byte[] bytes = v.getBytes(StandardCharsets.UTF_8);
        byte[] withNewline = (v + "\n").getBytes(StandardCharsets.UTF_8);
        // unpadded: the value's base64 inside a longer one (echo $X | base64, a Basic auth header) differs only at the end
        for (String encoded : new String[] {Base64.getEncoder().encodeToString(bytes),
                Base64.getEncoder().encodeToString(withNewline), Base64.getUrlEncoder().encodeToString(bytes)}) {
            String unpadded = encoded.replaceAll("=+$", "");
            forms.add(unpadded);
            forms.add(certainGroups(unpadded));
        }
    }

    /** JSON string content (no quotes), as Gson, Jackson, json.dumps and Ansible write it. */
    static String jsonEscaped(String v, boolean asciiOnly) {
        StringBuilder s = new StringBuilder(v.length() + 8);
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            switch (c) {
                case '"' -> s.append("\\\"");
                case '\\' -> s.append("\\\\");
                case '\n' -> s.append("\\n");
                case '\r' -> s.append("\\r");
                case '\t' -> s.append("\\t");
                case '\b' -> s.append("\\b");
                case '\f' -> s.append("\\f");
                default -> {
                    if (c < 0x20 || (asciiOnly && c > 0x7e)) {
                        s.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        s.append(c);
                    }
                }
            }
        }
        return s.toString();
    }

    /** Python repr() content; {@code quote} is the quote repr chose (0: none escaped). */
    static String pythonEscaped(String v, char quote) {
        StringBuilder s = new StringBuilder(v.length() + 8);
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == '\\') {
                s.append("\\\\");
            } else if (c == quote) {
                s.append('\\').append(c);
            } else if (c == '\n') {
                s.append("\\n");
            } else if (c == '\r') {
                s.append("\\r");
            } else if (c == '\t') {
                s.append("\\t");
            } else if (c < 0x20 || c == 0x7f) {
                s.append(String.format(Locale.ROOT, "\\x%02x", (int) c));
            } else {
                s.append(c);
            }
        }
        return s.toString();
    }

    /** bash's printf %q and ${x@Q}-less quoting: a backslash before every character the shell treats specially. */
    static String backslashEscaped(String v) {
        StringBuilder s = new StringBuilder(v.length() + 8);
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (!(Character.isLetterOrDigit(c) || "_-./:@%+,=^".indexOf(c) >= 0 || c > 0x7f)) {
                s.append('\\');
            }
            s.append(c);
        }
        return s.toString();
    }

    /** Inside shell double quotes: \ before $ ` " and \. */
    static String doubleQuoteShellEscaped(String v) {
        StringBuilder s = new StringBuilder(v.length() + 8);
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if ("$`\"\\".indexOf(c) >= 0) {
                s.append('\\');
            }
            s.append(c);
        }
        return s.toString();
    }

    /**
     * The characters besides ASCII letters and digits that URL encoders leave as they are, one set per
     * family: Java's URLEncoder and PHP's urlencode; RFC 3986's unreserved ones (curl, Python's
     * quote(safe=''), quote_plus, Go, PHP's rawurlencode, Perl's uri_escape); Python's quote with its
     * default safe='/'; JavaScript's encodeURIComponent (and jq's @uri); JavaScript's encodeURI.
     */
    private static final String[] URL_SAFE = {".-*_", "-_.", "-._~", "-._~/", "-_.!~*'()", "-_.!~*'();/?:@&=+$,#"};

    /** Percent-encoding of the value's UTF-8 bytes, leaving letters, digits and {@code safe} as they are. */
    static String percentEncoded(String v, String safe, boolean spaceAsPlus, boolean lowerHex) {
        StringBuilder s = new StringBuilder(v.length() + 16);
        String format = lowerHex ? "%%%02x" : "%%%02X";
        for (byte b : v.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || (c < 0x80 && safe.indexOf(c) >= 0)) {
                s.append((char) c);
            } else if (c == ' ' && spaceAsPlus) {
                s.append('+');
            } else {
                s.append(String.format(Locale.ROOT, format, c));
            }
        }
        return s.toString();
    }

    // The last group of 4 also encodes whatever follows the value; the groups before it are the same
    // wherever the value's base64 starts a longer one.
    private static String certainGroups(String unpadded) {
        int certain = (unpadded.length() / 4) * 4;
        return certain >= 8 ? unpadded.substring(0, certain) : unpadded;
    }
}
