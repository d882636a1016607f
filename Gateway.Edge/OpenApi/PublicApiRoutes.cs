using AgentCore.Gateway.Contracts;

namespace AgentCore.Gateway.Edge.OpenApi;

/// <summary>
/// The credentials the Edge admits on each public path, read from the configuration its proxy and admission enforce:
/// the YARP routes (<c>ReverseProxy:Routes</c>: path, methods, <c>AuthorizationPolicy</c>) and the scopes each policy
/// requires (<c>Authorization:Policies</c>). A route that requires credentials takes a bearer token, and an API key
/// only when every scope it requires is one a key may carry (<see cref="ApiKeys.GrantableScopes"/>): any other scope
/// is refused to every key. A route without a policy leaves credentials to the service behind it.
/// </summary>
internal sealed class PublicApiRoutes
{
    public const string BearerScheme = "bearer";
    public const string ApiKeyScheme = "apiKey";
    public const string OAuthScheme = "oauth2";

    private const string CatchAllPrefix = "{**";
    private readonly IReadOnlyList<Route> routes;

    private PublicApiRoutes(IReadOnlyList<Route> routes) => this.routes = routes;

    public static PublicApiRoutes From(Microsoft.Extensions.Configuration.IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var policies = configuration.GetSection("Authorization:Policies").GetChildren()
            .ToDictionary(policy => policy.Key, policy => policy.GetChildren().Select(scope => scope.Value!).ToArray(), StringComparer.OrdinalIgnoreCase);
        var routes = new List<Route>();
        foreach (var route in configuration.GetSection("ReverseProxy:Routes").GetChildren())
        {
            if (route["Match:Path"] is not { } path)
            {
                continue;
            }

            var methods = route.GetSection("Match:Methods").GetChildren().Select(method => method.Value!).ToArray();
            // YARP's two reserved policy names: "anonymous" admits anyone, "default" any authenticated caller.
            string[]? scopes = route["AuthorizationPolicy"] switch
            {
                null or "" => null,
                var policy when policy.Equals("anonymous", StringComparison.OrdinalIgnoreCase) => null,
                var policy when policy.Equals("default", StringComparison.OrdinalIgnoreCase) => [],
                var policy => policies.TryGetValue(policy, out var required) ? required : [],
            };
            routes.Add(new Route(path.Split('/', StringSplitOptions.RemoveEmptyEntries), methods, scopes));
        }

        return new PublicApiRoutes(routes);
    }

    /// <summary>
    /// The security schemes the Edge admits on an operation, in order, or null when the route that serves it requires no
    /// credentials at the Edge (or no route serves it).
    /// </summary>
    public IReadOnlyList<string>? AdmittedSchemes(string path, string method)
    {
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var route = routes
            .Where(candidate => (candidate.Methods.Length == 0 || candidate.Methods.Contains(method, StringComparer.OrdinalIgnoreCase)) && candidate.Matches(segments))
            .OrderByDescending(candidate => candidate.Literals)
            .ThenByDescending(candidate => candidate.Methods.Length > 0)
            .FirstOrDefault();
        if (route?.Scopes is not { } scopes)
        {
            return null;
        }

        return scopes.All(ApiKeys.GrantableScopes.Contains) ? [BearerScheme, ApiKeyScheme] : [BearerScheme];
    }

    /// <summary>A route's pattern by segment, its methods (none: any) and required scopes (null: no credentials required).</summary>
    private sealed record Route(string[] Segments, string[] Methods, string[]? Scopes)
    {
        /// <summary>Literal segments outrank parameters and catch-alls, as in ASP.NET Core's route precedence.</summary>
        public int Literals { get; } = Segments.Count(segment => !segment.StartsWith('{'));

        /// <summary>
        /// True when the document's path falls under the pattern; a parameter of the document (<c>{id}</c>) matches a
        /// parameter or catch-all of the pattern, never a literal.
        /// </summary>
        public bool Matches(string[] path)
        {
            for (var index = 0; index < Segments.Length; index++)
            {
                var segment = Segments[index];
                if (segment.StartsWith(CatchAllPrefix, StringComparison.Ordinal))
                {
                    return true;
                }

                if (index >= path.Length || (!segment.StartsWith('{') && !segment.Equals(path[index], StringComparison.OrdinalIgnoreCase)))
                {
                    return false;
                }
            }

            return path.Length == Segments.Length;
        }
    }
}
