using System.Diagnostics;
using System.Net;
using System.Web;
using ModelContextProtocol.Authentication;

namespace AgentCore.Samples.McpClient;

/// <summary>
/// The native-app sign-in of RFC 8252: opens the authorization URL in the user's browser and receives the redirect on a
/// loopback port of its own (any port is accepted on the registered <c>http://localhost/callback</c>).
/// </summary>
internal sealed class BrowserSignIn : IAsyncDisposable
{
    private readonly HttpListener listener;

    private BrowserSignIn(HttpListener listener, Uri redirectUri)
    {
        this.listener = listener;
        RedirectUri = redirectUri;
    }

    public Uri RedirectUri { get; }

    public static BrowserSignIn Start()
    {
        var port = FreePort();
        var listener = new HttpListener();
        listener.Prefixes.Add($"http://localhost:{port}/");
        listener.Start();
        return new BrowserSignIn(listener, new Uri($"http://localhost:{port}/callback"));
    }

    public async Task<AuthorizationResult?> AuthorizeAsync(AuthorizationCallbackContext context, CancellationToken cancellationToken)
    {
        Console.WriteLine($"Sign in (alice / Alice-Passw0rd! in Development) at:{Environment.NewLine}{context.AuthorizationUri}");
        try
        {
            Process.Start(new ProcessStartInfo(context.AuthorizationUri.AbsoluteUri) { UseShellExecute = true });
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // No browser here: the address above is opened by hand.
        }

        while (true)
        {
            var request = await listener.GetContextAsync().WaitAsync(cancellationToken);
            if (request.Request.Url?.AbsolutePath != RedirectUri.AbsolutePath)
            {
                request.Response.StatusCode = 404;
                request.Response.Close();
                continue;
            }

            var query = HttpUtility.ParseQueryString(request.Request.Url.Query);
            await using (var page = new StreamWriter(request.Response.OutputStream))
            {
                await page.WriteAsync(query["error"] is { } error ? $"Sign-in failed: {error}" : "Signed in. You can close this tab.");
            }

            return new AuthorizationResult { Code = query["code"], State = query["state"], Iss = query["iss"] };
        }
    }

    private static int FreePort()
    {
        using var socket = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }

    public ValueTask DisposeAsync()
    {
        listener.Close();
        return ValueTask.CompletedTask;
    }
}
