using Microsoft.Playwright;

namespace AgentCore.Gateway.Browser.Tests.Infrastructure;

/// <summary>
/// One sign-in as the AgentCore CLI starts it: its loopback listener, its code flow through the Edge, and a page of a
/// browser context of its own (no cookies from other tests) whose requests and console are logged.
/// </summary>
internal sealed class SignInAttempt : IAsyncDisposable
{
    private readonly IBrowserContext context;

    private SignInAttempt(LoopbackCallback callback, CodeFlow flow, IBrowserContext context, IPage page)
    {
        Callback = callback;
        Flow = flow;
        this.context = context;
        Page = page;
        Log = new PageLog(page);
    }

    public LoopbackCallback Callback { get; }

    public CodeFlow Flow { get; }

    public IPage Page { get; }

    public PageLog Log { get; }

    public static async Task<SignInAttempt> StartAsync(BrowserStackFixture stack)
    {
        var callback = new LoopbackCallback();
        try
        {
            var context = await stack.Browser.NewContextAsync();
            return new SignInAttempt(callback, new CodeFlow(stack.PublicAddress, callback.RedirectUri), context, await context.NewPageAsync());
        }
        catch
        {
            callback.Dispose();
            throw;
        }
    }

    /// <summary>Opens the authorization URL, which shows the login page.</summary>
    public Task<IResponse?> OpenAsync() => Page.GotoAsync(Flow.AuthorizationUrl.ToString());

    public async ValueTask DisposeAsync()
    {
        await context.DisposeAsync();
        Callback.Dispose();
    }
}
