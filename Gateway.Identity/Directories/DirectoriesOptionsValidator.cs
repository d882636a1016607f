using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace AgentCore.Gateway.Identity.Directories;

/// <summary>
/// Validates every directory at start (data annotations and their combinations), and that each domain routes to one
/// directory only: data annotations alone do not descend into a dictionary.
/// </summary>
internal sealed class DirectoriesOptionsValidator : IValidateOptions<DirectoriesOptions>
{
    public ValidateOptionsResult Validate(string? name, DirectoriesOptions options)
    {
        var failures = new List<string>();
        foreach (var (directoryName, directory) in options.Directories)
        {
            if (directoryName.Length == 0 || !directoryName.All(character => char.IsAsciiLetterOrDigit(character) || character is '-' or '_' or '.'))
            {
                failures.Add($"Directory name '{directoryName}' may contain only letters, digits, '-', '_' and '.'.");
            }

            var results = new List<ValidationResult>();
            Validator.TryValidateObject(directory, new ValidationContext(directory), results, validateAllProperties: true);
            failures.AddRange(results.Select(result =>
                $"{DirectoriesOptions.SectionName}:{directoryName}: {result.ErrorMessage} ({string.Join(", ", result.MemberNames)})"));
        }

        failures.AddRange(options.Directories
            .GroupBy(directory => directory.Value.Domain, StringComparer.OrdinalIgnoreCase)
            .Where(group => group.Count() > 1)
            .Select(group => $"Domain '{group.Key}' is configured for more than one directory: {string.Join(", ", group.Select(directory => directory.Key))}."));

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
