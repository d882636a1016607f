using Microsoft.Extensions.Options;
using OpenIddict.Client;
using OpenIddict.Server;
using OpenIddict.Validation;

namespace AgentCore.Gateway.Identity.SigningKeys;

internal static class SigningKeysExtensions
{
    /// <summary>RSA keys generated and stored in PostgreSQL, rotated on schedule and fed to OpenIddict without restarts.</summary>
    public static IHostApplicationBuilder AddSigningKeys(this IHostApplicationBuilder builder)
    {
        builder.AddValidatedOptions<SigningKeyOptions>(SigningKeyOptions.SectionName)
            .Validate(options => options.PublicationLead < options.RotationInterval, "PublicationLead must be shorter than RotationInterval.");
        builder.Services.AddSingleton<SigningKeyRing>();
        builder.Services.AddSingleton<IConfigureOptions<OpenIddictServerOptions>>(services => services.GetRequiredService<SigningKeyRing>());
        builder.Services.AddSingleton<IConfigureOptions<OpenIddictClientOptions>>(services => services.GetRequiredService<SigningKeyRing>());
        builder.Services.AddSingleton<IOptionsChangeTokenSource<OpenIddictServerOptions>>(services => services.GetRequiredService<SigningKeyRing>());
        builder.Services.AddSingleton<IOptionsChangeTokenSource<OpenIddictClientOptions>>(services => services.GetRequiredService<SigningKeyRing>());
        builder.Services.AddSingleton<IOptionsChangeTokenSource<OpenIddictValidationOptions>>(services => services.GetRequiredService<SigningKeyRing>());
        builder.Services.AddSingleton<SigningKeyRotator>();
        builder.Services.AddHostedService<SigningKeyRotationService>();
        return builder;
    }
}
