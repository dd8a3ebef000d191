using System.Text.RegularExpressions;
using System.Xml.Linq;
using Crm.DeployTests.Infrastructure;

namespace Crm.DeployTests;

/// <summary>The image cannot be built here (no Docker engine), so its recipe is checked as text.</summary>
public sealed class DockerfileTests
{
    private static readonly string[] Lines = [.. Repo.Read("Dockerfile").Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#'))];

    [Fact]
    public void PublishesWithTheSdkAndRunsOnTheAspNetRuntime()
    {
        var stages = Lines.Where(l => l.StartsWith("FROM ", StringComparison.Ordinal)).ToList();
        // The font printable documents embed comes from npm in a stage of its own (ADR 0006).
        Assert.Equal(3, stages.Count);
        Assert.StartsWith("FROM node:", stages[0], StringComparison.Ordinal);
        Assert.StartsWith("FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build", stages[1], StringComparison.Ordinal);
        Assert.StartsWith("FROM mcr.microsoft.com/dotnet/aspnet:10.0", stages[2], StringComparison.Ordinal);
        Assert.Contains(Lines, l => l.StartsWith("COPY --from=fonts ", StringComparison.Ordinal));
        Assert.Contains(Lines, l => l.StartsWith("RUN dotnet publish functions/Crm.Functions/Crm.Functions.csproj -c Release", StringComparison.Ordinal));
        Assert.Contains("COPY --from=build /app .", Lines);
    }

    [Fact]
    public void RunsAsTheNonRootUserOnTheIngressPort()
    {
        var final = Lines.SkipWhile(l => !l.StartsWith("FROM mcr.microsoft.com/dotnet/aspnet", StringComparison.Ordinal)).ToList();
        Assert.Contains("USER $APP_UID", final);
        Assert.Contains("ENV ASPNETCORE_HTTP_PORTS=8080", final);
        Assert.Equal("ENTRYPOINT [\"dotnet\", \"Crm.Functions.dll\"]", final[^1]);
        Assert.Contains("param targetPort int = 8080", Repo.Read("infra", "app", "api.bicep"), StringComparison.Ordinal);
    }

    [Fact]
    public void RestoreStageCopiesEveryProjectTheServiceBuildsFrom()
    {
        var copied = Lines.Where(l => l.StartsWith("COPY ", StringComparison.Ordinal) && !l.StartsWith("COPY --from", StringComparison.Ordinal) && l != "COPY . .")
            .SelectMany(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..^1]).ToHashSet();
        foreach (var project in ProjectClosure("functions/Crm.Functions/Crm.Functions.csproj"))
        {
            Assert.Contains(project, copied);
        }
        foreach (var file in new[] { "global.json", "Directory.Build.props", "Directory.Packages.props" })
        {
            Assert.Contains(file, copied);
        }
    }

    [Fact]
    public void DockerIgnoreKeepsBuildOutputOutAndSourcesIn()
    {
        var ignored = Repo.Read(".dockerignore").Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        Assert.Contains("**/bin/", ignored);
        Assert.Contains("**/obj/", ignored);
        Assert.Contains(".git", ignored);
        foreach (var needed in new[] { "functions", "shared", "host.json", "global.json", "Directory.Build.props", "Directory.Packages.props", ".editorconfig" })
        {
            Assert.DoesNotContain(ignored, pattern => Regex.IsMatch(needed, "^" + Regex.Escape(pattern.TrimEnd('/')).Replace(@"\*", ".*", StringComparison.Ordinal) + "$"));
        }
    }

    /// <summary>The project and everything it references, as repository-relative paths.</summary>
    private static IEnumerable<string> ProjectClosure(string project)
    {
        var seen = new HashSet<string>();
        var pending = new Stack<string>([project]);
        while (pending.TryPop(out var next))
        {
            if (!seen.Add(next))
            {
                continue;
            }
            var directory = Path.GetDirectoryName(next)!;
            foreach (var reference in XDocument.Load(Repo.PathOf(next)).Descendants("ProjectReference"))
            {
                var full = Path.GetFullPath(Path.Combine(Repo.Root, directory, reference.Attribute("Include")!.Value));
                pending.Push(Path.GetRelativePath(Repo.Root, full).Replace('\\', '/'));
            }
        }
        return seen;
    }
}
