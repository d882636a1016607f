using System.Text;
using System.Text.RegularExpressions;

namespace AgentCore.Gateway.Deploy.Tests;

/// <summary>
/// The README and docs/ link to each other and into the source tree; a file moved or a heading renamed must not leave
/// a link that leads nowhere.
/// </summary>
public sealed partial class DocumentationLinksTests
{
    public static TheoryData<string> Documents => new(
        Directory.GetFiles(RepositoryFiles.PathOf("docs"), "*.md")
            .Select(file => "docs/" + Path.GetFileName(file))
            .Order(StringComparer.Ordinal)
            .Prepend("README.md"));

    [Theory]
    [MemberData(nameof(Documents))]
    public void Every_relative_link_leads_to_a_file_and_heading_that_exist(string document)
    {
        var path = RepositoryFiles.PathOf(document);
        var broken = new List<string>();
        foreach (var target in RelativeLinks(File.ReadAllText(path)))
        {
            var hash = target.IndexOf('#', StringComparison.Ordinal);
            var file = hash < 0 ? target : target[..hash];
            var anchor = hash < 0 ? null : Uri.UnescapeDataString(target[(hash + 1)..]);
            var resolved = file.Length == 0 ? path : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, Uri.UnescapeDataString(file)));
            if (!File.Exists(resolved) && !Directory.Exists(resolved))
            {
                broken.Add($"{target}: no file {Path.GetRelativePath(RepositoryFiles.Root, resolved)}");
            }
            else if (anchor is not null && resolved.EndsWith(".md", StringComparison.OrdinalIgnoreCase)
                && !HeadingAnchors(File.ReadAllText(resolved)).Contains(anchor))
            {
                broken.Add($"{target}: no heading with the anchor #{anchor}");
            }
        }

        Assert.True(broken.Count == 0, $"{document} has broken links:\n" + string.Join('\n', broken));
    }

    [Fact]
    public void The_README_stays_a_first_page() =>
        Assert.InRange(File.ReadAllLines(RepositoryFiles.PathOf("README.md")).Length, 1, 150);

    [Theory]
    [InlineData("## What `dotnet run --project AppHost` starts", "what-dotnet-run---project-apphost-starts")]
    [InlineData("## Sample backend (AgentRuntime)", "sample-backend-agentruntime")]
    [InlineData("### SAML 2.0", "saml-20")]
    [InlineData("## Enterprise SSO: OpenID Connect providers", "enterprise-sso-openid-connect-providers")]
    public void Anchors_are_made_from_headings_as_GitHub_makes_them(string heading, string anchor) =>
        Assert.Contains(anchor, HeadingAnchors(heading));

    [Fact]
    public void Links_inside_code_are_not_links() =>
        Assert.Equal("real.md", Assert.Single(RelativeLinks("[a](real.md) `[b](inline.md)`\n```\n[c](fenced.md)\n```\n[d](https://example.com)")));

    /// <summary>Targets of inline links outside code, other than absolute URLs (http:, https:, mailto:).</summary>
    private static List<string> RelativeLinks(string markdown) =>
        [.. InlineLink().Matches(WithoutCode(markdown)).Select(match => match.Groups["target"].Value)
            .Where(target => !UriScheme().IsMatch(target))];

    /// <summary>The anchors GitHub gives the headings: lower case, punctuation dropped, spaces as dashes, repeats numbered.</summary>
    private static HashSet<string> HeadingAnchors(string markdown)
    {
        var anchors = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match heading in Heading().Matches(WithoutFences(markdown)))
        {
            var slug = new StringBuilder();
            foreach (var character in heading.Groups["text"].Value.Trim().ToLowerInvariant())
            {
                if (char.IsLetterOrDigit(character) || character is '-' or '_')
                {
                    slug.Append(character);
                }
                else if (character == ' ')
                {
                    slug.Append('-');
                }
            }

            var anchor = slug.ToString();
            for (var repeat = 1; !anchors.Add(anchor); repeat++)
            {
                anchor = $"{slug}-{repeat}";
            }
        }

        return anchors;
    }

    private static string WithoutCode(string markdown) => InlineCode().Replace(WithoutFences(markdown), string.Empty);

    private static string WithoutFences(string markdown) => FencedCode().Replace(markdown, string.Empty);

    [GeneratedRegex(@"^(```|~~~).*?^\1", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex FencedCode();

    [GeneratedRegex(@"`[^`\n]*`")]
    private static partial Regex InlineCode();

    [GeneratedRegex(@"\[[^\]\n]*\]\((?<target>[^)\s]+)(?:\s+""[^""]*"")?\)")]
    private static partial Regex InlineLink();

    [GeneratedRegex(@"^[a-z][a-z0-9+.-]*:", RegexOptions.IgnoreCase)]
    private static partial Regex UriScheme();

    [GeneratedRegex(@"^#{1,6}\s+(?<text>.+?)\s*#*$", RegexOptions.Multiline)]
    private static partial Regex Heading();
}
