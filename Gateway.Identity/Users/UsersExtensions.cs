using Microsoft.AspNetCore.Identity;

namespace AgentCore.Gateway.Identity.Users;

internal static class UsersExtensions
{
    /// <summary>Password checking with PBKDF2 hashes and the sign-in throttle, and accounts provisioned from outside providers.</summary>
    public static IHostApplicationBuilder AddUsers(this IHostApplicationBuilder builder)
    {
        builder.AddValidatedOptions<LockoutOptions>(LockoutOptions.SectionName);
        builder.Services.AddSingleton<IPasswordHasher<UserAccount>, PasswordHasher<UserAccount>>();
        builder.Services.AddSingleton<SignInThrottle>();
        builder.Services.AddScoped<UserAuthenticator>();
        builder.Services.AddScoped<ExternalAccountProvisioner>();
        return builder;
    }
}
