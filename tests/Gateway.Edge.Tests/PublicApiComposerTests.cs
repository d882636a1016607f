using System.Text.Json.Nodes;
using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.Edge.OpenApi;
using AgentCore.Gateway.TestSupport.OpenApi;
using Microsoft.Extensions.Configuration;

namespace AgentCore.Gateway.Edge.Tests;

public sealed class PublicApiComposerTests
{
    private static readonly JsonObject Edge = JsonNode.Parse("""
        {
          "openapi": "3.1.1",
          "info": { "title": "edge", "version": "v1" },
          "paths": {},
          "tags": [{ "name": "health" }],
          "components": {
            "schemas": { "ErrorEnvelope": { "type": "object", "description": "the edge's" } },
            "responses": { "EdgeUnauthorized": { "description": "refused by the edge" } },
            "parameters": { "RequestId": { "name": "X-Request-ID", "in": "header" } }
          }
        }
        """)!.AsObject();

    [Fact]
    public void Service_operations_get_the_edges_refusals_and_security_and_clashing_schemas_are_kept_apart()
    {
        var first = Service("/a/", "Widget", """{ "type": "object", "properties": { "a": { "type": "string" } } }""");
        var second = Service("/b", "Gadget", """{ "type": "object", "properties": { "widget": { "$ref": "#/components/schemas/Widget" } } }""");
        second["components"]!["schemas"]!["Widget"] = JsonNode.Parse("""{ "type": "object", "properties": { "b": { "type": "string" } } }""");
        second["components"]!["schemas"]!["ErrorEnvelope"] = JsonNode.Parse("""{ "type": "object", "description": "the service's" }""");
        first["tags"] = JsonNode.Parse("""[{ "name": "first" }]""");
        second["tags"] = JsonNode.Parse("""[{ "name": "health" }, { "name": "second" }, { "name": "first" }]""");

        var routes = Routes(new() { ["ReverseProxy:Routes:any:Match:Path"] = "/{**rest}", ["ReverseProxy:Routes:any:AuthorizationPolicy"] = "default" });

        var composed = PublicApiComposer.Compose(Edge, [KeyValuePair.Create("first", first), KeyValuePair.Create("second", second)], routes);

        var schemas = composed["components"]!["schemas"]!;
        Assert.Equal("a", schemas["Widget"]!["properties"]!.AsObject().Single().Key);
        Assert.Equal("b", schemas["secondWidget"]!["properties"]!.AsObject().Single().Key);
        Assert.Equal("#/components/schemas/secondWidget", (string?)schemas["Gadget"]!["properties"]!["widget"]!["$ref"]);
        Assert.Equal("the edge's", (string?)schemas["ErrorEnvelope"]!["description"]);

        var operation = composed["paths"]!["/a"]!["get"]!;
        Assert.Equal(["200", "401"], operation["responses"]!.AsObject().Select(response => response.Key));
        Assert.Equal("refused by the edge", (string?)operation["responses"]!["401"]!["description"]);
        Assert.Equal("X-Request-ID", (string?)operation["parameters"]![0]!["name"]);
        Assert.NotNull(operation["security"]![0]!["bearer"]);
        Assert.NotNull(composed["paths"]!["/b"]);
        Assert.Equal(["health", "first", "second"], composed["tags"]!.AsArray().Select(tag => (string?)tag!["name"]));
    }

    [Fact]
    public void Security_is_what_the_edges_route_admits_narrowed_to_what_the_service_demands()
    {
        var routes = Routes(new()
        {
            ["Authorization:Policies:agents.write:0"] = GatewayScopes.AgentsWrite,
            ["Authorization:Policies:audit.read:0"] = GatewayScopes.AuditRead,
            ["ReverseProxy:Routes:keys:Match:Path"] = "/keys/{**rest}",
            ["ReverseProxy:Routes:keys:AuthorizationPolicy"] = "agents.write",
            ["ReverseProxy:Routes:keys-read:Match:Path"] = "/keys/{**rest}",
            ["ReverseProxy:Routes:keys-read:Match:Methods:0"] = "GET",
            ["ReverseProxy:Routes:keys-read:AuthorizationPolicy"] = "audit.read",
            ["ReverseProxy:Routes:audit:Match:Path"] = "/audit/{id}",
            ["ReverseProxy:Routes:audit:AuthorizationPolicy"] = "audit.read",
            ["ReverseProxy:Routes:open:Match:Path"] = "/open/{**rest}",
        });
        var service = new JsonObject
        {
            ["paths"] = new JsonObject
            {
                ["/keys/{id}"] = new JsonObject { ["post"] = Operation(), ["get"] = Operation() },
                ["/keys/validating"] = new JsonObject { ["post"] = Operation("bearer") },
                ["/audit/{id}"] = new JsonObject { ["get"] = Operation() },
                ["/open/admin"] = new JsonObject { ["post"] = Operation("bearer") },
                ["/open/token"] = new JsonObject { ["post"] = Operation() },
            },
        };

        var paths = PublicApiComposer.Compose(Edge, [KeyValuePair.Create("service", service)], routes)["paths"]!;

        Assert.Equal(["bearer", "apiKey"], Schemes(paths["/keys/{id}"]!["post"]!));
        Assert.Equal(["bearer"], Schemes(paths["/keys/{id}"]!["get"]!));
        Assert.Equal(["bearer"], Schemes(paths["/keys/validating"]!["post"]!));
        Assert.Equal(["bearer"], Schemes(paths["/audit/{id}"]!["get"]!));
        Assert.Equal(["bearer"], Schemes(paths["/open/admin"]!["post"]!));
        Assert.Null(paths["/open/token"]!["post"]!["security"]);
    }

    [Fact]
    public void The_published_document_offers_api_keys_only_where_the_edge_and_the_service_accept_them()
    {
        var paths = PublicApiContract.Compose()["paths"]!.AsObject();
        var offered = paths
            .SelectMany(path => path.Value!.AsObject().Where(operation => operation.Value!["security"] is not null).Select(operation => (Path: path.Key, Method: operation.Key, Schemes: Schemes(operation.Value!))))
            .ToList();

        Assert.Contains(offered, operation => operation.Path.StartsWith("/api/v1/audit/", StringComparison.Ordinal));
        Assert.Contains(offered, operation => operation.Path.StartsWith("/api/v1/auth/users/", StringComparison.Ordinal));
        Assert.All(offered, operation => Assert.Equal(
            operation.Path.StartsWith("/api/v1/agents", StringComparison.Ordinal) ? ["bearer", "apiKey"] : ["bearer"],
            operation.Schemes));
    }

    private static PublicApiRoutes Routes(Dictionary<string, string?> settings) =>
        PublicApiRoutes.From(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());

    private static string[] Schemes(JsonNode operation) =>
        [.. operation["security"]!.AsArray().SelectMany(requirement => requirement!.AsObject().Select(scheme => scheme.Key))];

    private static JsonObject Operation(params string[] demanded)
    {
        var operation = new JsonObject { ["responses"] = new JsonObject { ["200"] = new JsonObject { ["description"] = "OK" } } };
        if (demanded.Length > 0)
        {
            operation["security"] = new JsonArray([.. demanded.Select(scheme => (JsonNode)new JsonObject { [scheme] = new JsonArray() })]);
        }

        return operation;
    }

    private static JsonObject Service(string path, string schemaName, string schema) => new()
    {
        ["paths"] = new JsonObject
        {
            [path] = new JsonObject
            {
                ["get"] = new JsonObject
                {
                    ["responses"] = new JsonObject
                    {
                        ["200"] = new JsonObject
                        {
                            ["description"] = "OK",
                            ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = new JsonObject { ["$ref"] = $"#/components/schemas/{schemaName}" } } },
                        },
                    },
                },
            },
        },
        ["components"] = new JsonObject { ["schemas"] = new JsonObject { [schemaName] = JsonNode.Parse(schema) } },
    };
}
