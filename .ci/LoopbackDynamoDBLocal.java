import java.lang.reflect.Field;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

/**
 * Starts AWS's DynamoDB Local listening on 127.0.0.1 only, on a free port. DynamoDB Local has no
 * bind option (its Jetty connector listens on every interface), so this builds the server from the
 * usual arguments, sets the connector's host and port before it starts, and prints the port as
 * `DYNAMODB_LOCAL_PORT=<port>` for the caller (.ci/dynamodb-local.sh). Run with Java 17+ as a
 * single source file, with DynamoDBLocal.jar and DynamoDBLocal_lib/* on the class path.
 */
public class LoopbackDynamoDBLocal {
  public static void main(String[] args) throws Exception {
    DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(args);
    Field field = DynamoDBProxyServer.class.getDeclaredField("server");
    field.setAccessible(true);
    Server jetty = (Server) field.get(proxy);
    for (Connector c : jetty.getConnectors()) {
      ServerConnector connector = (ServerConnector) c;
      connector.setHost("127.0.0.1");
      connector.setPort(0);
    }
    proxy.start();
    System.out.println("DYNAMODB_LOCAL_PORT=" + ((ServerConnector) jetty.getConnectors()[0]).getLocalPort());
    System.out.flush();
    proxy.join();
  }
}
