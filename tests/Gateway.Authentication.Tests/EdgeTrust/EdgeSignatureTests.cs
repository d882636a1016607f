using System.Security.Cryptography;
using System.Text;
using AgentCore.Gateway.Authentication.EdgeTrust;

namespace AgentCore.Gateway.Authentication.Tests.EdgeTrust;

public sealed class EdgeSignatureTests
{
    private static readonly byte[] Key = Encoding.UTF8.GetBytes("edge-signature-test-key-0123456789");

    private static readonly EdgeSignedRequest Signed = new(
        "POST", "/api/v1/agents/a-1/tasks", "?b=2&a=1", "6f1c1a52-8d55-4c1e-9a55-0b7f3e2a1c44", 1_700_000_000,
        new EdgeCaller("acme", "client-1", "user-7", "agents.read agents.write", "agent-2 agent-1"), "203.0.113.7", "digest-of-the-body");

    [Fact]
    public void The_signature_covers_the_documented_canonical_form_of_a_caller()
    {
        Assert.Equal(
            Expected("POST\n/api/v1/agents/a-1/tasks\n1:a=1:1&1:b=1:2&\n6f1c1a52-8d55-4c1e-9a55-0b7f3e2a1c44\n1700000000\nacme\nclient-1\nuser-7\nagents.read agents.write\nagent-2 agent-1\n203.0.113.7\ndigest-of-the-body"),
            EdgeSignature.Compute(Key, Signed));
    }

    [Fact]
    public void An_anonymous_request_signs_empty_identity_fields_and_non_ascii_paths_as_utf8()
    {
        var signature = EdgeSignature.Compute(Key, new EdgeSignedRequest("GET", "/api/v1/auth/ünïcode", null, "id-1", 42, null, string.Empty, string.Empty));

        Assert.Equal(Expected("GET\n/api/v1/auth/ünïcode\n\nid-1\n42\n\n\n\n\n\n\n"), signature);
    }

    public static TheoryData<string> Tampered() =>
    [
        "method", "path", "query", "request id", "timestamp", "tenant", "scopes", "actors", "client address", "body",
    ];

    [Theory]
    [MemberData(nameof(Tampered))]
    public void Changing_any_covered_part_changes_the_signature(string part)
    {
        var changed = part switch
        {
            "method" => Signed with { Method = "PUT" },
            "path" => Signed with { Path = "/api/v1/agents/a-2/tasks" },
            "query" => Signed with { Query = "?b=2&a=11" },
            "request id" => Signed with { RequestId = Guid.NewGuid().ToString() },
            "timestamp" => Signed with { Timestamp = Signed.Timestamp + 1 },
            "tenant" => Signed with { Caller = Signed.Caller! with { TenantId = "globex" } },
            "scopes" => Signed with { Caller = Signed.Caller! with { Scopes = "agents.read agents.write gateway.admin" } },
            "actors" => Signed with { Caller = Signed.Caller! with { Actors = "agent-1" } },
            "client address" => Signed with { ForwardedFor = "198.51.100.1" },
            _ => Signed with { BodyDigest = "another-digest" },
        };

        Assert.NotEqual(EdgeSignature.Compute(Key, Signed), EdgeSignature.Compute(Key, changed));
    }

    [Theory]
    [InlineData("?a=1&b=2", "?b=2&a=1")]
    [InlineData("?q=a%20b", "?q=a+b")]
    [InlineData("?q=%C3%BC", "?q=ü")]
    [InlineData("", "?")]
    [InlineData("?a=", "?a")]
    public void Queries_that_handlers_read_alike_sign_alike(string one, string other) =>
        Assert.Equal(EdgeSignature.CanonicalQuery(one), EdgeSignature.CanonicalQuery(other));

    [Theory]
    [InlineData("?a=1&a=2", "?a=2&a=1")]
    [InlineData("?a=1&b=2", "?a=1%26b%3D2")]
    [InlineData("?ab=c", "?a=bc")]
    public void Queries_that_handlers_read_differently_sign_differently(string one, string other) =>
        Assert.NotEqual(EdgeSignature.CanonicalQuery(one), EdgeSignature.CanonicalQuery(other));

    [Fact]
    public async Task The_digest_of_a_body_is_its_sha256_and_an_empty_body_has_none()
    {
        var body = Encoding.UTF8.GetBytes("{\"task_type\":\"analyze\"}");

        Assert.Equal(System.Buffers.Text.Base64Url.EncodeToString(SHA256.HashData(body)), await EdgeSignature.DigestAsync(new MemoryStream(body), 1024, TestContext.Current.CancellationToken));
        Assert.Equal(string.Empty, await EdgeSignature.DigestAsync(new MemoryStream(), 1024, TestContext.Current.CancellationToken));
        Assert.Null(await EdgeSignature.DigestAsync(new MemoryStream(new byte[1025]), 1024, TestContext.Current.CancellationToken));
    }

    private static string Expected(string canonical) =>
        System.Buffers.Text.Base64Url.EncodeToString(HMACSHA256.HashData(Key, Encoding.UTF8.GetBytes(canonical)));
}
