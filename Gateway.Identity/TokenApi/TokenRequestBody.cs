using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;

namespace AgentCore.Gateway.Identity.TokenApi;

/// <summary>What the token request pipeline learnt from the buffered body before OpenIddict reads it.</summary>
internal sealed record TokenRequestBody(string? ClientId)
{
    private static readonly object ItemKey = new();

    public static TokenRequestBody? Of(HttpContext context) => context.Items[ItemKey] as TokenRequestBody;

    public void AttachTo(HttpContext context) => context.Items[ItemKey] = this;

    /// <summary>The client id from HTTP Basic client authentication, else from the form.</summary>
    public static string? FindClientId(HttpRequest request, string formBody)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(authorization["Basic ".Length..].Trim()));
                var separator = decoded.IndexOf(':', StringComparison.Ordinal);
                return Uri.UnescapeDataString(separator < 0 ? decoded : decoded[..separator]);
            }
            catch (FormatException)
            {
                return null;
            }
        }

        return QueryHelpers.ParseNullableQuery(formBody)?.TryGetValue("client_id", out var clientId) == true ? clientId.ToString() : null;
    }

    /// <summary>
    /// Converts a JSON object of token request parameters into the form encoding OpenIddict (and RFC 6749) expects.
    /// Arrays become space-separated lists, as <c>scope</c> is. Returns null when the JSON is not such an object.
    /// </summary>
    public static string? JsonToForm(ReadOnlySpan<byte> json)
    {
        try
        {
            using var document = JsonDocument.Parse(json.ToArray());
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            var pairs = new List<KeyValuePair<string, StringValues>>();
            foreach (var property in document.RootElement.EnumerateObject())
            {
                var value = property.Value.ValueKind switch
                {
                    JsonValueKind.String => property.Value.GetString(),
                    JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => property.Value.GetRawText(),
                    JsonValueKind.Null => null,
                    JsonValueKind.Array when property.Value.EnumerateArray().All(item => item.ValueKind == JsonValueKind.String) =>
                        string.Join(' ', property.Value.EnumerateArray().Select(item => item.GetString())),
                    _ => throw new JsonException($"The parameter '{property.Name}' must be a string."),
                };
                if (value is not null)
                {
                    pairs.Add(new(property.Name, value));
                }
            }

            return QueryString.Create(pairs).ToUriComponent().TrimStart('?');
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException)
        {
            // InvalidOperationException: a string the reader cannot decode (invalid UTF-8, a lone surrogate).
            return null;
        }
    }
}
