namespace AgentCore.Gateway.Identity.Seeding;

internal static class SeedingExtensions
{
    /// <summary>The development tenants, users and clients; only in the Development environment.</summary>
    public static IHostApplicationBuilder AddDevelopmentSeed(this IHostApplicationBuilder builder)
    {
        if (!builder.Environment.IsDevelopment())
        {
            return builder;
        }

        builder.AddValidatedOptions<DevelopmentSeedOptions>(DevelopmentSeedOptions.SectionName);
        builder.Services.AddHostedService<DevelopmentSeeder>();
        return builder;
    }
}
