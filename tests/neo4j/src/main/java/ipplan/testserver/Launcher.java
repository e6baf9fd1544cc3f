package ipplan.testserver;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.harness.Neo4j;
import org.neo4j.harness.Neo4jBuilders;

/**
 * Starts a Neo4j 5 Community server in this JVM for ipplan's tests, listening for Bolt on
 * 127.0.0.1 only (a free port, no HTTP), prints its Bolt URI on one line, and stops when its
 * standard input closes, so the test run that started it cannot leave it behind.
 *
 * Usage: java -cp CLASSPATH ipplan.testserver.Launcher WORK_FOLDER
 */
public final class Launcher {
    private Launcher() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: Launcher WORK_FOLDER");
            System.exit(2);
        }
        Path work = Files.createDirectories(Path.of(args[0]));
        Neo4j neo4j = Neo4jBuilders.newInProcessBuilder(work)
                .withDisabledServer()
                .withConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", 0))
                .withConfig(GraphDatabaseSettings.auth_enabled, false)
                .build();
        System.out.println(neo4j.boltURI());
        System.out.flush();
        InputStream in = System.in;
        while (in.read() != -1) {
            // anything written to us is ignored; end of input is the signal to stop
        }
        neo4j.close();
        System.exit(0);
    }
}
