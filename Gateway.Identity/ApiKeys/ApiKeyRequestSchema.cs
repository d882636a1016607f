using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;

namespace AgentCore.Gateway.Identity.ApiKeys;

/// <summary>
/// Documents the rules <see cref="ApiKeyEndpoints"/> applies, from where they live: the lifetime's default and maximum
/// from <see cref="ApiKeyOptions"/> (as configured at run time), the scopes a key may carry from
/// <see cref="Contracts.ApiKeys.GrantableScopes"/>. The request's members may all be missing on the wire, where the
/// endpoint reports each one by name, so which are required is stated here too.
/// </summary>
internal sealed class ApiKeyRequestSchema(IOptions<ApiKeyOptions> options) : IOpenApiSchemaTransformer
{
    private static readonly string[] Required = ["name", "tenant_id", "scopes"];

    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        var type = context.JsonTypeInfo.Type;
        if (type != typeof(CreateApiKeyRequest) && type != typeof(ApiKey) && type != typeof(ApiKeyCreated))
        {
            return Task.CompletedTask;
        }

        var scopes = Property(schema, "scopes");
        if (scopes.Items is OpenApiSchema items)
        {
            items.Enum = [.. Contracts.ApiKeys.GrantableScopes.Order(StringComparer.Ordinal).Select(scope => (JsonNode)JsonValue.Create(scope))];
        }

        if (type == typeof(CreateApiKeyRequest))
        {
            schema.Required = new HashSet<string>(Required, StringComparer.Ordinal);
            var name = Property(schema, "name");
            name.MinLength = 1;
            name.MaxLength = ApiKeyEndpoints.MaxNameLength;
            scopes.MinItems = 1;
            var lifetime = Property(schema, "expires_in_days");
            lifetime.Minimum = "1";
            lifetime.Maximum = options.Value.MaxLifetimeDays.ToString(CultureInfo.InvariantCulture);
            lifetime.Default = options.Value.DefaultLifetimeDays;
        }

        return Task.CompletedTask;
    }

    private static OpenApiSchema Property(OpenApiSchema schema, string name) =>
        schema.Properties?[name] as OpenApiSchema ?? throw new InvalidOperationException($"The schema has no inline property '{name}'.");
}
