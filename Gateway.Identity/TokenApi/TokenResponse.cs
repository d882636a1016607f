using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace AgentCore.Gateway.Identity.TokenApi;

/// <summary>The answer of <c>POST /api/v1/auth/token</c> as the public document describes it; OpenIddict writes it.</summary>
internal sealed record TokenResponse(
    [property: JsonPropertyName("access_token"), Description("An RS256 at+jwt (RFC 9068).")] string AccessToken,
    [property: JsonPropertyName("token_type"), AllowedValues("Bearer")] string TokenType,
    [property: JsonPropertyName("expires_in"), Description("Seconds until the access token expires.")] long ExpiresIn,
    [property: JsonPropertyName("scope"), Description("The granted scopes, space-separated.")] string Scope,
    [property: JsonPropertyName("refresh_token"), Description("Only when offline_access was granted.")] string? RefreshToken = null,
    [property: JsonPropertyName("id_token"), Description("Only when openid was granted (user grants).")] string? IdToken = null,
    [property: JsonPropertyName("issued_token_type"), Description("Token exchange only: urn:ietf:params:oauth:token-type:access_token.")] string? IssuedTokenType = null);
