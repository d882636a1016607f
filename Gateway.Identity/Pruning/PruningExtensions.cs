namespace AgentCore.Gateway.Identity.Pruning;

internal static class PruningExtensions
{
    /// <summary>The scheduled pruning of OpenIddict's token and authorization tables (<c>Identity:Pruning</c>).</summary>
    public static IHostApplicationBuilder AddTokenPruning(this IHostApplicationBuilder builder)
    {
        builder.AddValidatedOptions<TokenPruningOptions>(TokenPruningOptions.SectionName);
        builder.Services.AddSingleton<TokenPruner>();
        builder.Services.AddHostedService(services => services.GetRequiredService<TokenPruner>());
        return builder;
    }
}
