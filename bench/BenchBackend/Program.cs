using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

// The benchmark's backend and token issuer in one process: a fixed 110-byte JSON answer (as in
// the shared baselines) to any GET, and to any POST once its body is read, plus a discovery document, a JWKS and RS256 at+jwt access tokens (/bench/token: the Edge
// benchmark's; /bench/token?scope=…&tenant=…: one with that scope and tenant, none when empty).
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
var app = builder.Build();

var issuer = app.Configuration["Issuer"] ?? "http://bench.invalid/";
using var key = RSA.Create(2048);
const string KeyId = "bench-key";
var parameters = key.ExportParameters(false);
var jwks = JsonSerializer.Serialize(new
{
    keys = new[] { new { kty = "RSA", use = "sig", alg = "RS256", kid = KeyId, n = Base64Url(parameters.Modulus!), e = Base64Url(parameters.Exponent!) } },
});
var token = Token("agents.read agents.write", "acme");

// An RS256 at+jwt for the gateway's audience with the given scope and, unless empty, tenant.
string Token(string scope, string tenant)
{
    var now = DateTimeOffset.UtcNow;
    var header = Base64Url(JsonSerializer.SerializeToUtf8Bytes(new { alg = "RS256", typ = "at+jwt", kid = KeyId }));
    var claims = new Dictionary<string, object>
    {
        ["iss"] = issuer, ["sub"] = "bench", ["aud"] = "agentcore-gateway", ["client_id"] = "bench",
        ["scope"] = scope, ["jti"] = Guid.NewGuid().ToString("N"),
        ["iat"] = now.ToUnixTimeSeconds(), ["nbf"] = now.ToUnixTimeSeconds(), ["exp"] = now.AddHours(2).ToUnixTimeSeconds(),
    };
    if (tenant.Length > 0)
    {
        claims["tenant_id"] = tenant;
    }

    var payload = Base64Url(JsonSerializer.SerializeToUtf8Bytes(claims));
    var signature = Base64Url(key.SignData(Encoding.ASCII.GetBytes(header + "." + payload), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    return header + "." + payload + "." + signature;
}

var body = Encoding.UTF8.GetBytes("""{"task_id":"6f1c1a52-8d55-4c1e-9a55-0b7f3e2a1c44","status":"completed","agent_id":"agent-1","ok":true}  """);
app.MapGet("/.well-known/openid-configuration", () => Results.Text($$"""{"issuer":"{{issuer}}","jwks_uri":"{{issuer}}.well-known/jwks"}""", "application/json"));
app.MapGet("/.well-known/jwks", () => Results.Text(jwks, "application/json"));
app.MapGet("/bench/token", (string? scope, string? tenant) => Results.Text(scope is null && tenant is null ? token : Token(scope ?? "", tenant ?? "")));
app.MapGet("/health", () => Results.Text("ok"));
app.MapGet("/{**path}", () => Results.Bytes(body, "application/json"));
app.MapPost("/{**path}", async (HttpRequest request) =>
{
    await request.Body.CopyToAsync(Stream.Null);
    return Results.Bytes(body, "application/json");
});
app.Run();

static string Base64Url(byte[] bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);
