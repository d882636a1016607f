using System.Security.Cryptography;
using System.Text;
using AgentCore.Gateway.Authentication.EdgeTrust;

namespace AgentCore.Gateway.Authentication.Tests.EdgeTrust;

public sealed class EdgeSignatureTests
{
    private static readonly byte[] Key = Encoding.UTF8.GetBytes("edge-signature-test-key-0123456789");

    [Fact]
    public void The_signature_covers_the_documented_canonical_form_of_a_caller()
    {
        var caller = new EdgeCaller("acme", "client-1", "user-7", "agents.read agents.write");

        var signature = EdgeSignature.Compute(Key, "GET", "/api/v1/agents/a-1", "6f1c1a52-8d55-4c1e-9a55-0b7f3e2a1c44", 1_700_000_000, caller);

        Assert.Equal(
            Expected("GET\n/api/v1/agents/a-1\n6f1c1a52-8d55-4c1e-9a55-0b7f3e2a1c44\n1700000000\nacme\nclient-1\nuser-7\nagents.read agents.write"),
            signature);
    }

    [Fact]
    public void An_anonymous_request_signs_empty_identity_fields_and_non_ascii_paths_as_utf8()
    {
        var signature = EdgeSignature.Compute(Key, "POST", "/api/v1/auth/ünïcode", "id-1", 42, caller: null);

        Assert.Equal(Expected("POST\n/api/v1/auth/ünïcode\nid-1\n42\n\n\n\n"), signature);
    }

    private static string Expected(string canonical) =>
        System.Buffers.Text.Base64Url.EncodeToString(HMACSHA256.HashData(Key, Encoding.UTF8.GetBytes(canonical)));
}
