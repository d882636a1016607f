using Microsoft.Extensions.Options;

namespace AgentCore.Gateway.Identity.Directories;

internal static class DirectoriesExtensions
{
    /// <summary>
    /// LDAP and Active Directory sign-in for the password grant and the login page: user names ending in a configured
    /// directory's domain are checked by that directory, provisioned just in time, and given its tenant and mapped roles.
    /// </summary>
    public static IHostApplicationBuilder AddDirectories(this IHostApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(DirectoriesOptions.SectionName);
        builder.Services.AddOptions<DirectoriesOptions>()
            .Configure(options => section.Bind(options.Directories))
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<DirectoriesOptions>, DirectoriesOptionsValidator>();
        builder.Services.AddSingleton<LdapDirectories>();
        builder.Services.AddHostedService<LdapTimeoutsStartup>();
        builder.Services.AddScoped<DirectorySignIn>();
        return builder;
    }
}
