using AgentCore.Gateway.Contracts;
using AgentCore.Gateway.ServiceDefaults.Errors;
using Microsoft.AspNetCore.Http;

namespace AgentCore.Gateway.ServiceDefaults.Input;

/// <summary>The checks of <see cref="InputValidationExtensions.UseInputValidation"/> that need no body, for code that answers requests before it.</summary>
public static class RequestInput
{
    /// <summary>
    /// Null when the request's path, query and header values hold only acceptable text (<see cref="InputText"/>);
    /// otherwise the 400 <c>INVALID_REQUEST</c> refusal, being written.
    /// </summary>
    public static Task? RefuseUnacceptableText(HttpContext context)
    {
        var request = context.Request;
        if (InputText.FindNameProblem(request.Path.Value) is { } pathProblem)
        {
            return RefuseAsync(context, $"The request path {pathProblem}.", "path");
        }

        foreach (var (name, values) in request.Query)
        {
            if (InputText.FindNameProblem(name) is not null)
            {
                return RefuseAsync(context, "A query parameter name contains a control character or a lone surrogate.", "query");
            }

            foreach (var value in values)
            {
                if (InputText.FindNameProblem(value) is { } problem)
                {
                    return RefuseAsync(context, $"The query parameter '{name}' {problem}.", "query");
                }
            }
        }

        foreach (var (name, values) in request.Headers)
        {
            foreach (var value in values)
            {
                if (InputText.FindHeaderProblem(value) is { } problem)
                {
                    return RefuseAsync(context, $"The header '{name}' {problem}.", "header");
                }
            }
        }

        return null;
    }

    internal static Task RefuseAsync(HttpContext context, string message, string location) =>
        ErrorResponses.WriteAsync(context, StatusCodes.Status400BadRequest, ErrorCodes.InvalidRequest, message,
            new Dictionary<string, object?> { ["location"] = location });
}
