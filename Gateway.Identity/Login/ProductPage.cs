namespace AgentCore.Gateway.Identity.Login;

/// <summary>
/// The frame every page Identity shows a person shares: the product's name, the stylesheet, no script, and the strict
/// content security policy that goes with it.
/// </summary>
internal static class ProductPage
{
    /// <summary>Answers with the page: <paramref name="mainHtml"/> must already be HTML-encoded where it holds input.</summary>
    public static IResult Render(HttpContext context, string title, string mainHtml, int? statusCode = null)
    {
        var html = $"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{title} · AgentCore Gateway</title>
            <link rel="icon" href="data:,">
            <link rel="stylesheet" href="{LoginPage.StylesheetPath}">
            </head>
            <body>
            <main aria-labelledby="title">
            <p class="product">AgentCore Gateway</p>
            {mainHtml}
            </main>
            </body>
            </html>
            """;
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers.ContentSecurityPolicy = LoginPage.ContentSecurityPolicy;
        return Results.Content(html, "text/html; charset=utf-8", statusCode: statusCode);
    }
}
