package io.deployster.cli;

import io.deployster.callback.CallbackSignature;
import io.deployster.sign.KeyRing;
import io.deployster.sign.SigningKey;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "callback-keys", mixinStandardHelpOptions = true,
        description = {"Print the keys a callback receiver checks Deployster-Signature with, one 'id:base64' per line.",
                "Each is derived one way from a signing key: it checks callbacks, and can neither sign a job nor give back",
                "the signing key. Give a receiver these, never the signing keys (docs/workflows.md, Callbacks)."})
final class CallbackKeysCommand implements Callable<Integer> {
    @Option(names = "--keys-file", paramLabel = "FILE",
            description = "Signing keys, one 'id:base64-secret' per line. Default: $DEPLOYSTER_KEYS_FILE, else the keys in $DEPLOYSTER_KEYS.")
    Path file;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        KeyRing keys = KeyRing.load(file, System.getenv());
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("no signing key: set --keys-file, " + KeyRing.ENV_FILE + " or " + KeyRing.ENV
                    + " (unsigned deployments send callbacks without a signature)");
        }
        for (SigningKey key : CallbackSignature.receiverKeys(keys).all()) {
            spec.commandLine().getOut().println(key.id() + ":" + Base64.getEncoder().encodeToString(key.secret()));
        }
        return ExitCodes.SUCCEEDED;
    }
}
