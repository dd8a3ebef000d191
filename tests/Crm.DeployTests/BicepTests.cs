using Crm.DeployTests.Infrastructure;

namespace Crm.DeployTests;

/// <summary>infra/ compiles and lints clean with the pinned Bicep CLI, offline.</summary>
[Collection(BicepCollection.Name)]
public sealed class BicepTests(Bicep bicep)
{
    [Fact]
    public void MainBicepCompilesWithoutErrorsOrWarnings()
    {
        Assert.True(bicep.Build.ExitCode == 0, $"bicep build failed:\n{bicep.Build.Stderr}");
        AssertClean("bicep build", bicep.Build.Stderr);
    }

    [Fact]
    public void MainBicepPassesTheLinter()
    {
        Assert.True(bicep.Lint.ExitCode == 0, $"bicep lint failed:\n{bicep.Lint.Output}");
        AssertClean("bicep lint", bicep.Lint.Output);
    }

    [Fact]
    public void EveryModuleIsLocal()
    {
        // Registry modules (br:, ts:) cannot be restored offline.
        foreach (var file in Directory.EnumerateFiles(Repo.PathOf("infra"), "*.bicep", SearchOption.AllDirectories))
        {
            var text = File.ReadAllText(file);
            Assert.DoesNotContain("'br:", text, StringComparison.Ordinal);
            Assert.DoesNotContain("'br/", text, StringComparison.Ordinal);
            Assert.DoesNotContain("'ts:", text, StringComparison.Ordinal);
            Assert.DoesNotContain("'ts/", text, StringComparison.Ordinal);
        }
    }

    private static void AssertClean(string step, string output)
    {
        // Any compiler diagnostic (Warning BCPxxx, e.g. an unknown API version or property) and any linter warning fail.
        var problems = output.Split('\n').Where(l => l.Contains(": Error ", StringComparison.Ordinal)
            || l.Contains(": Warning ", StringComparison.Ordinal) || l.Contains("Warning BCP", StringComparison.Ordinal)).ToList();
        Assert.True(problems.Count == 0, $"{step} reported:\n{string.Join('\n', problems)}");
    }
}
