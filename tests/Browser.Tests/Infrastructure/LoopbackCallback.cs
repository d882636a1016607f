using System.Collections.Specialized;
using System.Net;
using System.Text;
using AgentCore.Gateway.TestSupport;

namespace AgentCore.Gateway.Browser.Tests.Infrastructure;

/// <summary>
/// What a native app (the AgentCore CLI) runs to receive an authorization response (RFC 8252): a listener on a
/// loopback port that answers the browser's redirect to <c>http://127.0.0.1:{port}/callback</c> and keeps its query.
/// </summary>
internal sealed class LoopbackCallback : IDisposable
{
    private readonly HttpListener listener = new();
    private readonly TaskCompletionSource<NameValueCollection> received = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public LoopbackCallback()
    {
        var port = FreePort.Next();
        RedirectUri = new Uri($"http://127.0.0.1:{port}/callback");
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        _ = AnswerAsync();
    }

    public Uri RedirectUri { get; }

    /// <summary>The query of the first request to the callback.</summary>
    public Task<NameValueCollection> Received => received.Task;

    public void Dispose() => listener.Close();

    private async Task AnswerAsync()
    {
        try
        {
            while (listener.IsListening)
            {
                var context = await listener.GetContextAsync();
                if (context.Request.Url?.AbsolutePath == RedirectUri.AbsolutePath)
                {
                    received.TrySetResult(context.Request.QueryString);
                }

                var page = Encoding.UTF8.GetBytes("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Signed in</title><link rel=\"icon\" href=\"data:,\"></head><body><p>You are signed in. You can close this window.</p></body></html>");
                context.Response.ContentType = "text/html; charset=utf-8";
                context.Response.StatusCode = context.Request.Url?.AbsolutePath == RedirectUri.AbsolutePath ? 200 : 404;
                await context.Response.OutputStream.WriteAsync(page);
                context.Response.Close();
            }
        }
        catch (Exception exception) when (exception is HttpListenerException or ObjectDisposedException)
        {
            // Closed by Dispose.
        }
    }
}
