using AgentCore.Gateway.Contracts;
using CsCheck;

namespace AgentCore.Gateway.TestSupport;

/// <summary>
/// Generators of what a hostile or broken client sends as credentials, by class rather than by example, for property
/// tests that every service answers them with a refusal and never a 500.
/// </summary>
public static class HostileCredentials
{
    /// <summary>JSON string literals (as written in a header, escapes and all) that no valid alg, typ or kid equals.</summary>
    public static readonly Gen<string> JsonValue = Gen.OneOf<string>(
        Gen.OneOf("\"\\ud800\"", "\"\\udfff\"", "\"RS256\\ud800\"", "\"\\udc00at+jwt\"", "\"\\u0000\"", "\"RS256\\u0000\"",
            "\"at+jwt\\u0009\"", "\"\\u001f\"", "\"\\ud800\\ud800\"", "\"test-key\\u0000\"", "\"\\uDBFF\"", "\"\\u\"", "\"\\x41\""),
        Gen.Int[0x00, 0x1F].Select(control => $"\"RS256\\u{control:x4}\""),
        Gen.Int[0xD800, 0xDFFF].Select(surrogate => $"\"\\u{surrogate:x4}\""),
        Gen.OneOf("256", "null", "true", "[\"RS256\"]", "{\"alg\":\"RS256\"}", "-1e999", "\"\""));

    /// <summary>
    /// Tokens no validator may accept: a correctly signed token whose header field alg, typ or kid is hostile text, a
    /// string of segments that only look like base64url, or nothing at all.
    /// </summary>
    public static Gen<string> Tokens(GatewayTokenServer server) => Gen.OneOf<string>(
        Gen.Select(Gen.OneOf("alg", "typ", "kid"), JsonValue, (field, value) =>
        {
            var members = new Dictionary<string, string> { ["alg"] = "\"RS256\"", ["typ"] = "\"at+jwt\"", ["kid"] = $"\"{GatewayTokenServer.KeyId}\"" };
            members[field] = value;
            var header = "{" + string.Join(",", members.Select(pair => $"\"{pair.Key}\":{pair.Value}")) + "}";
            return server.SignRaw(header, GatewayTokenServer.Payload("acme", GatewayScopes.AgentsRead + " " + GatewayScopes.EventsRead + " " + GatewayScopes.AuditRead));
        }),
        Gen.String[Gen.Char["ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_+/=.%~"], 0, 80],
        Gen.OneOf(string.Empty, "a.b.c", "..", "e30.e30.", "e30.e30.e30"));

    /// <summary>
    /// The lines of <c>Authorization</c> headers one request sends (1 to 4): shorter than <c>Bearer </c>, other schemes,
    /// any casing of the scheme, a comma-joined pair, or a bearer token from <see cref="Tokens"/>. Never a valid credential.
    /// </summary>
    public static Gen<string[]> AuthorizationHeaders(GatewayTokenServer server) =>
        Gen.OneOf<string>(
            Gen.OneOf(string.Empty, "B", "Be", "Bear", "Beare", "Bearer", "bearer", "Basic dXNlcjpwYXNz", "Bearer a, Bearer b", "Digest x", "x"),
            Gen.Select(Gen.OneOf("Bearer ", "bearer ", "BEARER ", "bEaReR ", "Bearer  "), Tokens(server), (scheme, token) => scheme + token))
        .Array[1, 4];
}
