namespace AgentCore.Gateway.Identity.Seeding;

internal static class SeedingExtensions
{
    /// <summary>
    /// The secrets of the development seed, checked at start in the Development environment only; the seed itself
    /// (<see cref="DevelopmentSeeder"/>) runs after the migrations (<c>AddIdentityStorage</c>).
    /// </summary>
    public static IHostApplicationBuilder AddDevelopmentSeed(this IHostApplicationBuilder builder)
    {
        if (!builder.Environment.IsDevelopment())
        {
            return builder;
        }

        builder.AddValidatedOptions<DevelopmentSeedOptions>(DevelopmentSeedOptions.SectionName);
        return builder;
    }
}
