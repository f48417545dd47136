// Minimal standalone Solr 9 node for development and tests (started by dev/services).
//
//   java -cp '<solr jar folder>/*' dev/solr/Launcher.java <solrHome> <port>
//
// Starts org.apache.solr.embedded.JettySolrRunner (from solr-test-framework 9.10.1) on
// http://127.0.0.1:<port>/solr with the cores found under <solrHome>, then waits forever.
// JettySolrRunner always binds its connector to 127.0.0.1.
import java.util.Properties;
import org.apache.solr.embedded.JettyConfig;
import org.apache.solr.embedded.JettySolrRunner;

public class Launcher {
  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: java -cp '<lib>/*' Launcher.java <solrHome> <port>");
      System.exit(2);
    }
    String solrHome = args[0];
    int port = Integer.parseInt(args[1]);

    JettyConfig config = JettyConfig.builder()
        .setPort(port)
        .setContext("/solr")
        .stopAtShutdown(true)        // SIGTERM -> Jetty and the cores shut down cleanly
        .withPortRetryTime(1)        // fail fast if the port is taken, do not retry for a minute
        .build();
    // 9.10.1 constructor: JettySolrRunner(String solrHome, Properties nodeProperties, JettyConfig config)
    JettySolrRunner solr = new JettySolrRunner(solrHome, new Properties(), config);
    solr.start();
    System.out.println("Solr " + org.apache.solr.client.api.util.SolrVersion.LATEST_STRING + " listening on "
        + solr.getBaseUrl() + " (solr home " + solrHome + ")");
    System.out.flush();

    Thread.currentThread().join(); // wait forever; dev/services stops us with SIGTERM
  }
}
