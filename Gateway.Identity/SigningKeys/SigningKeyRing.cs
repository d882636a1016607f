using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Client;
using OpenIddict.Server;
using OpenIddict.Validation;

namespace AgentCore.Gateway.Identity.SigningKeys;

/// <summary>
/// Feeds the current key set into OpenIddict's server, validation and client options (the client protects its state
/// tokens with them, so a callback may land on any instance). OpenIddict reads its credentials from
/// options, so a new key set raises the options' change token: <see cref="IOptionsMonitor{TOptions}"/> then rebuilds
/// them, and the next request signs and publishes with the new set, without a restart.
/// </summary>
internal sealed class SigningKeyRing :
    IConfigureOptions<OpenIddictServerOptions>,
    IConfigureOptions<OpenIddictClientOptions>,
    IOptionsChangeTokenSource<OpenIddictServerOptions>,
    IOptionsChangeTokenSource<OpenIddictClientOptions>,
    IOptionsChangeTokenSource<OpenIddictValidationOptions>,
    IDisposable
{
    private readonly Lock gate = new();
    private CancellationTokenSource changed = new();

    public SigningKeySet Current { get; private set; } = SigningKeySet.Empty;

    public string? Name => Options.DefaultName;

    public void Update(SigningKeySet keys)
    {
        CancellationTokenSource previous;
        lock (gate)
        {
            if (keys.Fingerprint == Current.Fingerprint)
            {
                return;
            }

            Current = keys;
            previous = changed;
            changed = new CancellationTokenSource();
        }

        previous.Cancel();
        previous.Dispose();
    }

    public IChangeToken GetChangeToken()
    {
        lock (gate)
        {
            return new CancellationChangeToken(changed.Token);
        }
    }

    public void Dispose() => changed.Dispose();

    public void Configure(OpenIddictServerOptions options) => AddCurrent(options.SigningCredentials, options.EncryptionCredentials);

    public void Configure(OpenIddictClientOptions options) => AddCurrent(options.SigningCredentials, options.EncryptionCredentials);

    private void AddCurrent(List<SigningCredentials> signing, List<EncryptingCredentials> encryption)
    {
        var keys = Current;
        signing.AddRange(keys.Signing);
        encryption.AddRange(keys.Encryption);
    }
}
