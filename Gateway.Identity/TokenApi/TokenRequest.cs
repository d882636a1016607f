using System.ComponentModel;
using System.Text.Json.Serialization;

namespace AgentCore.Gateway.Identity.TokenApi;

/// <summary>
/// The parameters of <c>POST /api/v1/auth/token</c>, as the public document describes them. OpenIddict reads the
/// request itself (<see cref="TokenRequestMiddleware"/> turns a JSON body into the form it reads), so this type only
/// describes it: the grant types offered are those the server allows (<see cref="TokenApiDocumentation"/>).
/// </summary>
internal sealed record TokenRequest(
    [property: JsonPropertyName("grant_type")] string GrantType,
    [property: JsonPropertyName("client_id"), Description("Required unless the client authenticates with HTTP Basic.")] string? ClientId = null,
    [property: JsonPropertyName("client_secret"), Description("For confidential clients, unless sent with HTTP Basic.")] string? ClientSecret = null,
    [property: JsonPropertyName("scope"), Description("Space-separated scopes. Without it a client_credentials token carries every scope the client is allowed.")]
    string? Scope = null,
    [property: JsonPropertyName("resource"), Description("RFC 8707: the resource (absolute, or relative to the issuer) the token is for; a token exchange names one the client's policy allows.")]
    string? Resource = null,
    [property: JsonPropertyName("username"), Description("password grant, for the clients allowed it.")] string? Username = null,
    [property: JsonPropertyName("password"), Description("password grant, for the clients allowed it.")] string? Password = null,
    [property: JsonPropertyName("code"), Description("authorization_code grant.")] string? Code = null,
    [property: JsonPropertyName("code_verifier"), Description("authorization_code grant: the PKCE verifier (S256); required.")] string? CodeVerifier = null,
    [property: JsonPropertyName("redirect_uri"), Description("authorization_code grant: the one the authorization request used.")] string? RedirectUri = null,
    [property: JsonPropertyName("refresh_token"), Description("refresh_token grant.")] string? RefreshToken = null,
    [property: JsonPropertyName("subject_token"), Description("token exchange (RFC 8693): the access token of the user or agent the client acts for.")]
    string? SubjectToken = null,
    [property: JsonPropertyName("subject_token_type"), Description("token exchange: urn:ietf:params:oauth:token-type:access_token.")] string? SubjectTokenType = null,
    [property: JsonPropertyName("actor_token"), Description("token exchange, optional: the acting client's own access token.")] string? ActorToken = null,
    [property: JsonPropertyName("actor_token_type"), Description("token exchange, with actor_token: urn:ietf:params:oauth:token-type:access_token.")]
    string? ActorTokenType = null);
