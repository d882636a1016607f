using System.Text.Json.Nodes;
using AgentCore.Gateway.Edge.OpenApi;

namespace AgentCore.Gateway.Edge.Tests;

public sealed class PublicApiComposerTests
{
    private static readonly JsonObject Edge = JsonNode.Parse("""
        {
          "openapi": "3.1.1",
          "info": { "title": "edge", "version": "v1" },
          "x-edge-security": [ { "bearer": [] } ],
          "paths": {},
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

        var composed = PublicApiComposer.Compose(Edge, [KeyValuePair.Create("first", first), KeyValuePair.Create("second", second)]);

        var schemas = composed["components"]!["schemas"]!;
        Assert.Equal("a", schemas["Widget"]!["properties"]!.AsObject().Single().Key);
        Assert.Equal("b", schemas["secondWidget"]!["properties"]!.AsObject().Single().Key);
        Assert.Equal("#/components/schemas/secondWidget", (string?)schemas["Gadget"]!["properties"]!["widget"]!["$ref"]);
        Assert.Equal("the edge's", (string?)schemas["ErrorEnvelope"]!["description"]);
        Assert.Null(composed["x-edge-security"]);

        var operation = composed["paths"]!["/a"]!["get"]!;
        Assert.Equal(["200", "401"], operation["responses"]!.AsObject().Select(response => response.Key));
        Assert.Equal("refused by the edge", (string?)operation["responses"]!["401"]!["description"]);
        Assert.Equal("X-Request-ID", (string?)operation["parameters"]![0]!["name"]);
        Assert.NotNull(operation["security"]![0]!["bearer"]);
        Assert.NotNull(composed["paths"]!["/b"]);
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
