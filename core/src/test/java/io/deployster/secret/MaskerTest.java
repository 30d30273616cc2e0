package io.deployster.secret;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deployster.testing.Tools;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A secret printed by real programs in the forms they commonly use is masked in each. */
class MaskerTest {
    private static final List<String> VALUES = List.of("tok\"en\\x9", "abc\\def123", "p@ss w'rd$&=/+?", "grüße-été-✓", "line1\tnext");

    /** Runs a program with the secret in $S and returns what it printed. */
    private static String print(String value, String... argv) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
        pb.environment().put("S", value);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        return out;
    }

    private static void assertMasked(String value, String printed) {
        String masked = new Masker(List.of(value)).mask(printed);
        assertTrue(masked.contains(Masker.MASK), "nothing masked in: " + printed);
        // what is left must not hold the value's characters in sequence in any form we printed
        assertFalse(masked.contains(value), masked);
        assertFalse(masked.contains(value.substring(0, value.length() - 1)), "a prefix shows in: " + masked);
    }

    @Test
    void jsonPythonShellUrlAndBase64FormsAreMasked() throws Exception {
        Tools.require("python3", "apt-get install -y python3");
        Tools.require("bash", "apt-get install -y bash");
        for (String v : VALUES) {
            assertMasked(v, print(v, "python3", "-c", "import json,os; print(json.dumps({'token': os.environ['S']}))"));
            assertMasked(v, print(v, "python3", "-c", "import json,os; print(json.dumps(os.environ['S'], ensure_ascii=False))"));
            assertMasked(v, print(v, "python3", "-c", "import os; print(repr(os.environ['S'])); print([os.environ['S']])"));
            assertMasked(v, print(v, "python3", "-c", "import json,os; print(json.dumps(json.dumps({'k': os.environ['S']})))"));
            assertMasked(v, print(v, "python3", "-c", "import os,urllib.parse as u; print('?t=' + u.quote_plus(os.environ['S']))"));
            assertMasked(v, print(v, "python3", "-c", "import os,urllib.parse as u; print('/x/' + u.quote(os.environ['S'], safe=''))"));
            assertMasked(v, print(v, "bash", "-c", "printf 'token=%q\\n' \"$S\""));
            assertMasked(v, print(v, "bash", "-c", "printf '%s' \"$S\" | base64 -w0; echo"));
            assertMasked(v, print(v, "bash", "-c", "echo \"$S\" | base64 -w0; echo"));
        }
    }

    @Test
    void urlEncodingsOfCommonEncodersAreMasked() throws Exception {
        Tools.require("python3", "apt-get install -y python3");
        Tools.require("perl", "apt-get install -y perl");
        Tools.require("jq", "apt-get install -y jq");
        // each encoder leaves a different set of punctuation unencoded: '/' (Python's quote), '~' (RFC 3986), '*()!' (encodeURIComponent)
        for (String v : List.of("s3cr3t-Value/with+chars&x=1", "k~ey*(x)!y'z p@ss", "a/b~c*d(e)f!g'h")) {
            assertMasked(v, print(v, "python3", "-c", "import os,urllib.parse as u; print('?t=' + u.quote(os.environ['S']))"));
            assertMasked(v, print(v, "python3", "-c", "import os,urllib.parse as u; print(u.urlencode({'t': os.environ['S']}))"));
            assertMasked(v, print(v, "perl", "-e", "my $s = $ENV{S}; $s =~ s/([^A-Za-z0-9\\-._~])/sprintf('%%%02X', ord($1))/ge; print \"t=$s\\n\""));
            assertMasked(v, print(v, "jq", "-nr", "env.S | @uri"));
            // what JavaScript's encodeURI leaves
            assertMasked(v, print(v, "python3", "-c", "import os,urllib.parse as u; print(u.quote(os.environ['S'], safe=\"-_.!~*'();/?:@&=+$,#\"))"));
        }
    }

    @Test
    void eachLineOfAMultiLineSecretIsMasked() {
        String key = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n"
                + "QyNTUxOQAAACBkZXBsb3lzdGVyLXRlc3Qta2V5LW5vdC1yZWFsAAAAAAAAAAAAAAAAAAAA\n-----END OPENSSH PRIVATE KEY-----\n";
        Masker masker = new Secrets(Map.of("SSH_KEY", key), Map.of()).masker();
        for (String line : key.split("\n")) {
            assertEquals("> ****", masker.mask("> " + line));
        }
        assertEquals("{\"k\": \"****\"}", masker.mask("{\"k\": \"" + key.replace("\n", "\\n") + "\"}"));
    }

    @Test
    void aLineCutInsideASecretShowsNoPrefixOfIt() {
        Masker masker = new Masker(List.of("ZQXJ-secret-7781"));
        assertEquals("token: ****", masker.maskCut("token: ZQXJ-sec"));
        assertEquals("token: ****", masker.maskCut("token: ZQXJ-secret-7781"));
        assertEquals("no secret here", masker.maskCut("no secret here"));
    }

    @Test
    void structuredSecretExtraVarsAreMaskedWholeAndFieldByField() {
        Masker masker = new Secrets(Map.of(), Map.of("db", Map.of("user", "app-user", "password", "pa55word!"))).masker();
        assertEquals("user=**** password=****", masker.mask("user=app-user password=pa55word!"));
    }
}
