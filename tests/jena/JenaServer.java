// A Fuseki-like SPARQL server over one Jena TDB2 database, for the tests (Debian ships
// Jena's libraries, libapache-jena-java, but not Fuseki). It speaks what perfkg needs at
// Fuseki's URLs: SPARQL 1.1 Query (GET/POST, JSON results) at /ds/query, SPARQL 1.1 Update
// at /ds/update, and the Graph Store Protocol (PUT/POST/DELETE ?graph=) at /ds/data.
// The default graph is the union of the named graphs (tdb2:unionDefaultGraph), as Fuseki
// is configured for perfkg in docs/stores.md. Queries run with Jena's own optimiser settings.
//
// Usage: java -cp JENA_JARS:. JenaServer DATABASE_FOLDER PORT
// It prints "ready" on stdout once it listens on 127.0.0.1:PORT.

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import org.apache.jena.graph.Graph;
import org.apache.jena.graph.Node;
import org.apache.jena.graph.NodeFactory;
import org.apache.jena.query.Dataset;
import org.apache.jena.query.Query;
import org.apache.jena.query.QueryExecution;
import org.apache.jena.query.QueryExecutionFactory;
import org.apache.jena.query.QueryFactory;
import org.apache.jena.query.ResultSetFormatter;
import org.apache.jena.riot.Lang;
import org.apache.jena.riot.RDFDataMgr;
import org.apache.jena.sparql.core.DatasetGraph;
import org.apache.jena.sparql.graph.GraphFactory;
import org.apache.jena.system.Txn;
import org.apache.jena.tdb2.TDB2;
import org.apache.jena.tdb2.TDB2Factory;
import org.apache.jena.update.UpdateAction;

public class JenaServer {
    static Dataset dataset;

    public static void main(String[] args) throws Exception {
        dataset = TDB2Factory.connectDataset(args[0]);
        dataset.getContext().set(TDB2.symUnionDefaultGraph, true);
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", Integer.parseInt(args[1])), 16);
        server.createContext("/", JenaServer::handle);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.start();
        System.out.println("ready");
        System.out.flush();
    }

    static void handle(HttpExchange exchange) throws IOException {
        try {
            String path = exchange.getRequestURI().getPath();
            Map<String, String> params = form(exchange.getRequestURI().getRawQuery());
            byte[] body = exchange.getRequestBody().readAllBytes();
            String type = exchange.getRequestHeaders().getFirst("Content-Type");
            type = type == null ? "" : type.split(";")[0].trim();
            if (type.equals("application/x-www-form-urlencoded")) {
                params.putAll(form(new String(body, StandardCharsets.UTF_8)));
            }
            switch (path) {
                case "/ds/query", "/ds/sparql" -> {
                    String text = type.equals("application/sparql-query") ? new String(body, StandardCharsets.UTF_8) : params.get("query");
                    if (text == null) {
                        send(exchange, 400, "text/plain", "no query");
                    } else {
                        query(exchange, text);
                    }
                }
                case "/ds/update" -> {
                    String text = type.equals("application/sparql-update") ? new String(body, StandardCharsets.UTF_8) : params.get("update");
                    if (text == null || !exchange.getRequestMethod().equals("POST")) {
                        send(exchange, 400, "text/plain", "no update");
                    } else {
                        Txn.executeWrite(dataset, () -> UpdateAction.parseExecute(text, dataset));
                        send(exchange, 204, null, "");
                    }
                }
                case "/ds/data" -> graphStore(exchange, params.get("graph"), body);
                default -> send(exchange, 404, "text/plain", "not found: " + path);
            }
        } catch (Exception err) {
            send(exchange, 400, "text/plain", "Error: " + err);
        }
    }

    static void query(HttpExchange exchange, String text) throws IOException {
        Query query = QueryFactory.create(text);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Txn.executeRead(dataset, () -> {
            try (QueryExecution execution = QueryExecutionFactory.create(query, dataset)) {
                if (query.isSelectType()) {
                    ResultSetFormatter.outputAsJSON(out, execution.execSelect());
                } else if (query.isAskType()) {
                    ResultSetFormatter.outputAsJSON(out, execution.execAsk());
                } else {
                    throw new IllegalArgumentException("only SELECT and ASK");
                }
            }
        });
        send(exchange, 200, "application/sparql-results+json", out.toString(StandardCharsets.UTF_8));
    }

    static void graphStore(HttpExchange exchange, String graph, byte[] body) throws IOException {
        if (graph == null) {
            send(exchange, 400, "text/plain", "?graph= is required");
            return;
        }
        Node name = NodeFactory.createURI(graph);
        String method = exchange.getRequestMethod();
        if (method.equals("PUT") || method.equals("POST")) {
            Graph parsed = GraphFactory.createDefaultGraph();
            RDFDataMgr.read(parsed, new ByteArrayInputStream(body), Lang.NTRIPLES);
            Txn.executeWrite(dataset, () -> {
                DatasetGraph store = dataset.asDatasetGraph();
                if (method.equals("PUT")) {
                    store.removeGraph(name);
                }
                parsed.find().forEachRemaining(t -> store.add(name, t.getSubject(), t.getPredicate(), t.getObject()));
            });
            send(exchange, method.equals("PUT") ? 201 : 204, null, "");
        } else if (method.equals("DELETE")) {
            Txn.executeWrite(dataset, () -> dataset.asDatasetGraph().removeGraph(name));
            send(exchange, 204, null, "");
        } else {
            send(exchange, 405, "text/plain", "method not allowed");
        }
    }

    static Map<String, String> form(String text) {
        Map<String, String> out = new HashMap<>();
        if (text == null || text.isEmpty()) {
            return out;
        }
        for (String pair : text.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.put(key, value);
        }
        return out;
    }

    static void send(HttpExchange exchange, int status, String type, String text) throws IOException {
        byte[] data = text.getBytes(StandardCharsets.UTF_8);
        if (type != null) {
            exchange.getResponseHeaders().set("Content-Type", type + "; charset=utf-8");
        }
        exchange.sendResponseHeaders(status, status == 204 ? -1 : data.length);
        if (status != 204) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(data);
            }
        }
        exchange.close();
    }
}
