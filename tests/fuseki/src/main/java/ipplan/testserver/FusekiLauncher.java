package ipplan.testserver;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.jena.fuseki.auth.Auth;
import org.apache.jena.fuseki.main.FusekiServer;
import org.apache.jena.sparql.core.DatasetGraphFactory;
import org.apache.jena.atlas.web.AuthScheme;

/**
 * Starts Apache Jena Fuseki in this JVM for ipplan's tests: one in-memory dataset "ipplan" on
 * 127.0.0.1 only (a free port) with the SPARQL query, update and Graph Store endpoints, prints
 * the dataset's URL on one line, and stops when its standard input closes, so the test run
 * that started it cannot leave it behind. Given a user and a password, every request must
 * carry them (HTTP basic authentication).
 *
 * Usage: java -cp CLASSPATH ipplan.testserver.FusekiLauncher WORK_FOLDER [USER PASSWORD]
 */
public final class FusekiLauncher {
    private FusekiLauncher() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 1 && args.length != 3) {
            System.err.println("usage: FusekiLauncher WORK_FOLDER [USER PASSWORD]");
            System.exit(2);
        }
        Path work = Files.createDirectories(Path.of(args[0]));
        FusekiServer.Builder builder = FusekiServer.create()
                .loopback(true)
                .port(0)
                .enableStats(false)
                .add("/ipplan", DatasetGraphFactory.createTxnMem(), true);
        if (args.length == 3) {
            Path passwords = work.resolve("passwords.properties");
            Files.writeString(passwords, args[1] + ": " + args[2] + "\n", StandardCharsets.UTF_8);
            builder.passwordFile(passwords.toString())
                   .auth(AuthScheme.BASIC)
                   .serverAuthPolicy(Auth.policyAllowSpecific(args[1]));
        }
        FusekiServer server = builder.build().start();
        System.out.println("http://127.0.0.1:" + server.getPort() + "/ipplan");
        System.out.flush();
        InputStream in = System.in;
        while (in.read() != -1) {
            // anything written to us is ignored; end of input is the signal to stop
        }
        server.stop();
        System.exit(0);
    }
}
