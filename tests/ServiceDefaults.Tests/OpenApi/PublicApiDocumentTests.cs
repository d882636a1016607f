using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.ServiceDefaults.OpenApi;

namespace AgentCore.Gateway.ServiceDefaults.Tests.OpenApi;

/// <summary>What every service's public document says beyond what ASP.NET Core generates by itself.</summary>
public sealed class PublicApiDocumentTests
{
    [Fact]
    public async Task Numbers_are_published_as_numbers_though_the_wire_still_reads_them_from_strings()
    {
        await using var host = await StartAsync(app => app.MapPost("/counts", (Counts counts) => TypedResults.Ok(counts)).AsPublicApi("counts"));

        var schema = (await DocumentAsync(host))["components"]!["schemas"]!["Counts"]!["properties"]!.AsObject();
        using var echoed = await host.Client.PostAsJsonAsync("/counts", new JsonObject { ["whole"] = "42", ["large"] = "7", ["ratio"] = "0.5" }, TestContext.Current.CancellationToken);

        Assert.Equal("integer", (string?)schema["whole"]!["type"]);
        Assert.Equal("number", (string?)schema["ratio"]!["type"]);
        Assert.Equal(["integer", "null"], schema["large"]!["type"]!.AsArray().Select(type => (string)type!).Order(StringComparer.Ordinal));
        Assert.All(schema, property => Assert.Null(property.Value!["pattern"]));
        Assert.Equal(42, (await echoed.Content.ReadFromJsonAsync<Counts>(TestContext.Current.CancellationToken))!.Whole);
    }

    [Fact]
    public async Task An_endpoint_that_authorizes_its_caller_demands_a_bearer_token_and_error_answers_keep_their_descriptions()
    {
        await using var host = await StartAsync(app =>
        {
            app.MapGet("/guarded", () => TypedResults.Ok()).RequireAuthorization().ProducesError(StatusCodes.Status404NotFound, "No such thing.").AsPublicApi("things");
            app.MapGet("/open", () => TypedResults.Ok()).AllowAnonymous().RequireAuthorization().AsPublicApi("things");
        });

        var document = await DocumentAsync(host);

        var guarded = document["paths"]!["/guarded"]!["get"]!;
        Assert.Equal(["bearer"], guarded["security"]!.AsArray().SelectMany(requirement => requirement!.AsObject().Select(scheme => scheme.Key)));
        Assert.Equal("http", (string?)document["components"]!["securitySchemes"]!["bearer"]!["type"]);
        Assert.Equal("No such thing.", (string?)guarded["responses"]!["404"]!["description"]);
        Assert.Null(document["paths"]!["/open"]!["get"]!["security"]);
    }

    [Fact]
    public async Task The_error_envelope_names_the_contracts_codes_and_a_uuid_request_id()
    {
        await using var host = await StartAsync(app => app.MapGet("/missing", () => TypedResults.Ok()).ProducesError(StatusCodes.Status404NotFound).AsPublicApi("things"));

        var body = (await DocumentAsync(host))["components"]!["schemas"]![nameof(ErrorBody)]!["properties"]!;

        Assert.Equal(
            typeof(ErrorCodes).GetFields().Where(field => field.IsLiteral).Select(field => (string)field.GetRawConstantValue()!).Order(StringComparer.Ordinal),
            body["code"]!["examples"]!.AsArray().Select(code => (string)code!).Order(StringComparer.Ordinal));
        Assert.Equal("uuid", (string?)body["request_id"]!["format"]);
    }

    private static Task<LoopbackHost> StartAsync(Action<WebApplication> mapEndpoints) =>
        LoopbackHost.StartAsync(
            app =>
            {
                app.MapPublicApiDocument();
                mapEndpoints(app);
            },
            builder =>
            {
                builder.Services.AddAuthorization();
                builder.AddPublicApiDocument();
            });

    private static async Task<JsonObject> DocumentAsync(LoopbackHost host) =>
        (await host.Client.GetFromJsonAsync<JsonObject>(PublicApiExtensions.DocumentPath, TestContext.Current.CancellationToken))!;

    internal sealed record Counts(
        [property: JsonPropertyName("whole")] int Whole,
        [property: JsonPropertyName("large")] long? Large,
        [property: JsonPropertyName("ratio")] double Ratio);
}
