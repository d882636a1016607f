using Microsoft.AspNetCore.Builder;

namespace AgentCore.Gateway.ServiceDefaults.Input;

public static class InputValidationExtensions
{
    /// <summary>
    /// Refuses requests whose path, query, headers or JSON body hold text that is not acceptable anywhere in the gateway
    /// (<see cref="InputText"/>): lone surrogates, NUL, control characters. Call it once, early, after the error envelope
    /// and before anything reads the request; on the Edge, after the body size limit is set and after rate limiting, so
    /// that reading a body costs a caller its quota.
    /// </summary>
    public static WebApplication UseInputValidation(this WebApplication app)
    {
        app.UseMiddleware<RequestInputMiddleware>();
        return app;
    }
}
