using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.ServiceDefaults.OpenApi;
using AgentCore.Gateway.TestSupport.OpenApi;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;

namespace AgentCore.Gateway.Edge.Tests;

/// <summary>
/// The Edge's own part of the public document is generated from its code and the shared contracts, never copied: the
/// envelope from the <see cref="ErrorEnvelope"/> record, the OAuth scopes from <see cref="GatewayScopes"/>.
/// </summary>
public sealed class EdgeApiDocumentTests(EdgeFixture edge) : IClassFixture<EdgeFixture>
{
    [Fact]
    public async Task The_snapshot_the_contract_composes_from_is_the_document_the_Edge_generates() =>
        await PublicApiSnapshot.AssertEdgeCurrentAsync(await GeneratedAsync(), TestContext.Current.CancellationToken);

    [Fact]
    public async Task The_served_error_envelope_has_exactly_the_properties_of_the_contract_records()
    {
        var contract = await ServedAsync();

        Assert.Equal(JsonNames(typeof(ErrorEnvelope)), PropertyNames(contract, contract.Schema(nameof(ErrorEnvelope))));
        Assert.Equal(JsonNames(typeof(ErrorBody)), PropertyNames(contract, contract.Flatten(contract.Schema(nameof(ErrorEnvelope))["properties"]!["error"]!)));
        var codes = contract.Flatten(contract.Schema(nameof(ErrorEnvelope))["properties"]!["error"]!)["properties"]!["code"]!["examples"]!.AsArray().Select(code => (string)code!);
        Assert.Equal(typeof(ErrorCodes).GetFields().Where(field => field.IsLiteral).Select(field => (string)field.GetRawConstantValue()!).Order(), codes.Order());
    }

    [Fact]
    public async Task The_served_oauth2_scopes_are_the_gateway_scopes_and_its_token_url_the_token_route()
    {
        using var client = edge.CreateClient();
        var served = await client.GetFromJsonAsync<JsonObject>("/api/v1/openapi.json", TestContext.Current.CancellationToken);

        var flow = served!["components"]!["securitySchemes"]!["oauth2"]!["flows"]!["clientCredentials"]!;
        var scopes = flow["scopes"]!.AsObject().ToDictionary(scope => scope.Key, scope => (string)scope.Value!);
        Assert.Equal(GatewayScopes.Descriptions.OrderBy(scope => scope.Key), scopes.OrderBy(scope => scope.Key));
        Assert.Equal(
            typeof(GatewayScopes).GetFields().Where(field => field.IsLiteral).Select(field => (string)field.GetRawConstantValue()!).Order(),
            scopes.Keys.Order());
        Assert.Equal("/api/v1/auth/token", (string?)flow["tokenUrl"]);
    }

    private async Task<JsonObject> GeneratedAsync()
    {
        var provider = edge.Services.GetRequiredKeyedService<IOpenApiDocumentProvider>(PublicApiExtensions.DocumentName);
        var document = await provider.GetOpenApiDocumentAsync(TestContext.Current.CancellationToken);
        return JsonNode.Parse(await document.SerializeAsJsonAsync(OpenApiSpecVersion.OpenApi3_1, TestContext.Current.CancellationToken))!.AsObject();
    }

    private async Task<PublicApiContract> ServedAsync()
    {
        using var client = edge.CreateClient();
        return PublicApiContract.From((await client.GetFromJsonAsync<JsonObject>("/api/v1/openapi.json", TestContext.Current.CancellationToken))!);
    }

    private static IEnumerable<string> PropertyNames(PublicApiContract contract, JsonObject schema) =>
        contract.Flatten(schema)["properties"]!.AsObject().Select(property => property.Key).Order(StringComparer.Ordinal);

    private static IEnumerable<string> JsonNames(Type record) =>
        record.GetProperties().Select(property => property.GetCustomAttribute<JsonPropertyNameAttribute>()!.Name).Order(StringComparer.Ordinal);
}
