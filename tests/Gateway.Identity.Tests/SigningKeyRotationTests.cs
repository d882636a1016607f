using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.Identity.SigningKeys;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using static AgentCore.Gateway.Identity.Tests.TokenRequests;

namespace AgentCore.Gateway.Identity.Tests;

[Collection(IdentityServerGroup.Name)]
public sealed class SigningKeyRotationTests(IdentityServerFixture fixture)
{
    private static readonly TimeSpan RotationInterval = TimeSpan.FromHours(1);
    private static readonly TimeSpan PublicationLead = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan AccessTokenLifetime = TimeSpan.FromMinutes(30);
    private static readonly TimeSpan RetentionMargin = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task A_full_rotation_publishes_the_new_key_first_signs_with_it_on_schedule_and_retires_the_old_one_after_its_tokens_expire()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var service = await fixture.CreateService(
            new Dictionary<string, string?>
            {
                ["Identity:SigningKeys:RotationInterval"] = RotationInterval.ToString(),
                ["Identity:SigningKeys:PublicationLead"] = PublicationLead.ToString(),
                ["Identity:SigningKeys:RetentionMargin"] = RetentionMargin.ToString(),
                ["Identity:SigningKeys:CheckInterval"] = TimeSpan.FromDays(1).ToString(),
                ["Identity:Tokens:AccessTokenLifetime"] = AccessTokenLifetime.ToString(),
            },
            services => services.AddSingleton<TimeProvider>(time));
        using var client = service.CreateClient();
        var rotator = service.Services.GetRequiredService<SigningKeyRotator>();

        var first = await IssueAsync(client);
        var firstKid = first.Kid;
        Assert.Equal([firstKid], await PublishedKidsAsync(client));

        // Ten minutes before the scheduled rotation the successor is published, but the old key still signs.
        time.Advance(RotationInterval - PublicationLead + TimeSpan.FromMinutes(1));
        await rotator.RotateAsync(TestContext.Current.CancellationToken);
        var published = await PublishedKidsAsync(client);
        Assert.Equal(2, published.Count);
        var secondKid = Assert.Single(published, kid => kid != firstKid);
        var lastOfTheOldKey = await IssueAsync(client);
        Assert.Equal(firstKid, lastOfTheOldKey.Kid);

        // On schedule the new key signs; tokens of the old key still verify against the JWKS.
        time.Advance(PublicationLead);
        await rotator.RotateAsync(TestContext.Current.CancellationToken);
        var afterRotation = await IssueAsync(client);
        Assert.Equal(secondKid, afterRotation.Kid);
        Assert.True(await VerifiesAsync(client, lastOfTheOldKey, time), "a token of the retired key must stay valid until it expires");
        Assert.True(await VerifiesAsync(client, afterRotation, time));

        // Once every token of the old key has expired, the old key leaves the JWKS.
        time.Advance(AccessTokenLifetime + RetentionMargin + TimeSpan.FromSeconds(1));
        await rotator.RotateAsync(TestContext.Current.CancellationToken);
        Assert.Equal([secondKid], await PublishedKidsAsync(client));
        Assert.False(await VerifiesAsync(client, lastOfTheOldKey, time));
    }

    private static async Task<JsonWebToken> IssueAsync(HttpClient client) =>
        new(await AccessTokenAsync(await ServiceTokenAsync(client)));

    private static async Task<List<string>> PublishedKidsAsync(HttpClient client) =>
        [.. new JsonWebKeySet(await client.GetStringAsync("/.well-known/jwks", TestContext.Current.CancellationToken)).Keys.Select(key => key.Kid)];

    private static async Task<bool> VerifiesAsync(HttpClient client, JsonWebToken token, TimeProvider time)
    {
        var jwks = new JsonWebKeySet(await client.GetStringAsync("/.well-known/jwks", TestContext.Current.CancellationToken));
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token.EncodedToken, new TokenValidationParameters
        {
            ValidIssuer = IdentityServerFixture.Issuer,
            ValidAudience = GatewayTokens.Audience,
            IssuerSigningKeys = jwks.GetSigningKeys(),
            ValidTypes = [GatewayTokens.AccessTokenType],
            LifetimeValidator = (notBefore, expires, _, _) => time.GetUtcNow().UtcDateTime < expires,
        });
        return result.IsValid;
    }
}
